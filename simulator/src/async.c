#include "objects.h"

#include "fsys.h"
#include "persist.h"
#include "sync.h"

enum { ASYNC_PENDING, ASYNC_WORKING, ASYNC_DONE };

struct sim_async {
    const IVssAsyncVtbl *lpVtbl;
    sim_obj base;
    int phase;
    HRESULT final;    /* what QueryStatus reports once done */
    int64_t deadline; /* monotonic ms; -1 = only Cancel ends it */
    sim_obj *owner;
    async_done_fn done;
    const async_work *work; /* NULL: the effect is applied by done alone */
    void *job;
    volatile int cancel;
};

sim_async *async_from(IVssAsync *p) { return (sim_async *)(void *)p; }

static void finish(sim_async *a, HRESULT final)
{
    a->phase = ASYNC_DONE;
    a->final = final;
    if (a->done)
        a->done(a->owner, a, final);
    a->done = NULL;
    sim_obj *owner = a->owner;
    a->owner = NULL;
    if (owner)
        obj_release(owner);
    sim_wake_all();
}

static void end_work(sim_async *a, HRESULT final)
{
    if (a->work && a->work->release)
        a->work->release(a->job);
    a->work = NULL;
    a->job = NULL;
    finish(a, final);
}

static void worker(void *p)
{
    sim_async *a = p;
    int r = a->work->run(a->job, &a->cancel);
    sim_lock();
    HRESULT began = persist_begin();
    HRESULT final = a->work->commit(a->owner, a->job, r, a->cancel != 0, SUCCEEDED(began));
    end_work(a, final);
    if (SUCCEEDED(began))
        persist_end();
    obj_release(&a->base); /* the worker's reference */
    sim_unlock();
}

/* The operation's time has come (state lock held). */
static void due(sim_async *a, bool inline_only)
{
    if (!a->work || a->final != VSS_S_ASYNC_FINISHED) {
        end_work(a, a->final);
        return;
    }
    HRESULT hr = a->work->prepare(a->owner, a->job);
    if (FAILED(hr)) {
        end_work(a, hr);
        return;
    }
    if (hr == S_OK) {
        a->phase = ASYNC_WORKING;
        obj_addref(&a->base);
        if (!inline_only && sim_thread_start(worker, a))
            return;
        obj_release(&a->base);
        int r = a->work->run(a->job, &a->cancel);
        end_work(a, a->work->commit(a->owner, a->job, r, a->cancel != 0, true));
        return;
    }
    end_work(a, a->work->commit(a->owner, a->job, FS_OK, false, true));
}

bool async_poll(sim_async *a)
{
    if (a->phase == ASYNC_PENDING && a->deadline >= 0 && sim_now_ms() >= a->deadline)
        due(a, false);
    return a->phase == ASYNC_DONE;
}

static void async_destroy(sim_obj *o)
{
    sim_async *a = SIM_CONTAINER_OF(o, sim_async, base);
    /* Released while running: the operation completes in the background, except
     * one that would never complete, which ends as cancelled. */
    if (a->phase == ASYNC_PENDING) {
        if (a->deadline < 0)
            end_work(a, VSS_S_ASYNC_CANCELLED);
        else
            due(a, true);
    }
    free(a);
}

static HRESULT STDMETHODCALLTYPE async_QueryInterface(IVssAsync *This, REFIID riid, void **ppvObject)
{
    sim_async *a = async_from(This);
    CALL_BEGIN(IVssAsync, IVssAsyncVtbl, QueryInterface, a->base.id);
    ARG_REFIID(riid);
    ARG_OUT(ppvObject);
    CALL_COMMIT();
    static const qi_entry table[] = { { &SIM_IID_IUnknown, 0 }, { &SIM_IID_IVssAsync, 0 } };
    return CALL_END(obj_qi(a, &a->base, table, SIM_ARRAY_LEN(table), riid, ppvObject));
}

static ULONG STDMETHODCALLTYPE async_AddRef(IVssAsync *This)
{
    sim_async *a = async_from(This);
    CALL_BEGIN(IVssAsync, IVssAsyncVtbl, AddRef, a->base.id);
    call_commit(&c_);
    return call_end_ulong(&c_, obj_addref(&a->base));
}

static ULONG STDMETHODCALLTYPE async_Release(IVssAsync *This)
{
    sim_async *a = async_from(This);
    CALL_BEGIN(IVssAsync, IVssAsyncVtbl, Release, a->base.id);
    call_commit(&c_);
    return call_end_ulong(&c_, obj_release(&a->base));
}

static HRESULT STDMETHODCALLTYPE async_Cancel(IVssAsync *This)
{
    sim_async *a = async_from(This);
    CALL_BEGIN(IVssAsync, IVssAsyncVtbl, Cancel, a->base.id);
    CALL_COMMIT();
    if (!async_poll(a)) {
        if (a->phase == ASYNC_WORKING)
            a->cancel = 1; /* the worker stops, undoes its work and ends the operation as cancelled */
        else
            end_work(a, VSS_S_ASYNC_CANCELLED);
        return CALL_END(S_OK);
    }
    /* VSS_S_ASYNC_FINISHED, VSS_S_ASYNC_CANCELLED or the failure it ended with */
    return CALL_END(a->final);
}

static HRESULT STDMETHODCALLTYPE async_Wait(IVssAsync *This, DWORD dwMilliseconds)
{
    sim_async *a = async_from(This);
    CALL_BEGIN(IVssAsync, IVssAsyncVtbl, Wait, a->base.id);
    ARG_UINT(dwMilliseconds);
    CALL_COMMIT();
    int64_t until = dwMilliseconds == 0xFFFFFFFFu ? -1 : sim_now_ms() + (int64_t)dwMilliseconds;
    while (!async_poll(a)) {
        int64_t wake = a->deadline;
        if (until >= 0 && (wake < 0 || until < wake))
            wake = until;
        if (a->phase == ASYNC_WORKING)
            wake = until; /* the worker wakes us */
        if (until >= 0 && sim_now_ms() >= until)
            break; /* timed out: still pending, QueryStatus tells */
        /* other processes may use the saved machine meanwhile */
        persist_end();
        sim_wait_until(wake);
        persist_begin();
    }
    HRESULT hr = (a->phase == ASYNC_DONE && FAILED(a->final)) ? a->final : S_OK;
    return CALL_END(hr);
}

static HRESULT STDMETHODCALLTYPE async_QueryStatus(IVssAsync *This, HRESULT *pHrResult, INT *pReserved)
{
    sim_async *a = async_from(This);
    CALL_BEGIN(IVssAsync, IVssAsyncVtbl, QueryStatus, a->base.id);
    ARG_OUT(pHrResult);
    ARG_OUT(pReserved);
    CALL_COMMIT();
    if (!pHrResult)
        return CALL_END(E_INVALIDARG);
    *pHrResult = async_poll(a) ? a->final : VSS_S_ASYNC_PENDING;
    if (pReserved)
        *pReserved = 0;
    return CALL_END(S_OK);
}

static const IVssAsyncVtbl async_vtbl = {
    .QueryInterface = async_QueryInterface,
    .AddRef = async_AddRef,
    .Release = async_Release,
    .Cancel = async_Cancel,
    .Wait = async_Wait,
    .QueryStatus = async_QueryStatus,
};

void async_set_final(sim_async *a, HRESULT final) { a->final = final; }

IVssAsync *async_new(const sim_method *creator, sim_obj *owner, async_done_fn done)
{
    return async_new_ex(creator, owner, done, VSS_S_ASYNC_FINISHED);
}

IVssAsync *async_new_ex(const sim_method *creator, sim_obj *owner, async_done_fn done, HRESULT outcome)
{
    return async_new_work(creator, owner, done, outcome, NULL, NULL);
}

IVssAsync *async_new_work(const sim_method *creator, sim_obj *owner, async_done_fn done, HRESULT outcome,
                          const async_work *work, void *job)
{
    sim_async *a = calloc(1, sizeof *a);
    if (!a)
        abort();
    a->lpVtbl = &async_vtbl;
    obj_init(&a->base, async_destroy);
    a->phase = ASYNC_PENDING;
    a->final = outcome;
    HRESULT injected;
    if (rec_async_fail_for(creator, &injected))
        a->final = injected;
    a->owner = owner;
    a->done = done;
    a->work = work;
    a->job = job;
    if (owner)
        obj_addref(owner);
    int32_t delay = rec_delay_for(creator);
    a->deadline = delay < 0 ? -1 : sim_now_ms() + delay;
    if (delay == 0)
        due(a, false);
    return (IVssAsync *)(void *)a;
}
