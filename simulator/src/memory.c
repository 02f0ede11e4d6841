#include "memory.h"

#include "../include/vss_sim.h"
#include "fsys.h"
#include "sync.h"
#include "util.h"

/* An open-addressing set of live pointers (linear probing, backward-shift delete). */
typedef struct ptrset {
    void **slots;
    size_t cap, count;
} ptrset;

static size_t ptr_hash(void *p, size_t cap)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x & (cap - 1);
}

static void ptrset_add(ptrset *s, void *p);

static void ptrset_grow(ptrset *s)
{
    ptrset old = *s;
    s->cap = old.cap ? old.cap * 2 : 256;
    s->count = 0;
    s->slots = calloc(s->cap, sizeof(void *));
    if (!s->slots)
        abort();
    for (size_t i = 0; i < old.cap; i++)
        if (old.slots[i])
            ptrset_add(s, old.slots[i]);
    free(old.slots);
}

static void ptrset_add(ptrset *s, void *p)
{
    if ((s->count + 1) * 2 > s->cap)
        ptrset_grow(s);
    size_t i = ptr_hash(p, s->cap);
    while (s->slots[i])
        i = (i + 1) & (s->cap - 1);
    s->slots[i] = p;
    s->count++;
}

static bool ptrset_remove(ptrset *s, void *p)
{
    if (!s->cap)
        return false;
    size_t i = ptr_hash(p, s->cap);
    while (s->slots[i] != p) {
        if (!s->slots[i])
            return false;
        i = (i + 1) & (s->cap - 1);
    }
    s->slots[i] = NULL;
    s->count--;
    for (size_t j = (i + 1) & (s->cap - 1); s->slots[j]; j = (j + 1) & (s->cap - 1)) {
        void *q = s->slots[j];
        size_t home = ptr_hash(q, s->cap);
        /* Move q back into the hole unless its home lies cyclically in (i, j]. */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            s->slots[i] = q;
            s->slots[j] = NULL;
            i = j;
        }
    }
    return true;
}

static ptrset live_bstrs, live_task;
static int32_t unknown_frees;

static void track(ptrset *s, void *p)
{
    if (!p)
        return;
    sim_mem_lock();
    ptrset_add(s, p);
    sim_mem_unlock();
}

/* Returns whether p was ours. */
static bool untrack(ptrset *s, void *p)
{
    sim_mem_lock();
    bool known = ptrset_remove(s, p);
    if (!known)
        unknown_frees++;
    sim_mem_unlock();
    return known;
}

int32_t mem_live_bstrs(void)
{
    sim_mem_lock();
    int32_t n = (int32_t)live_bstrs.count;
    sim_mem_unlock();
    return n;
}

int32_t mem_live_task(void)
{
    sim_mem_lock();
    int32_t n = (int32_t)live_task.count;
    sim_mem_unlock();
    return n;
}

int32_t mem_unknown_frees(void)
{
    sim_mem_lock();
    int32_t n = unknown_frees;
    sim_mem_unlock();
    return n;
}

#ifdef _WIN32
/* On Windows the blocks come from the system's allocators (Wine's under Wine),
 * so a requester may free them with the system's SysFreeString/CoTaskMemFree
 * as well as with the simulator's exported forwarders. To keep the counters
 * exact either way the simulator registers an IMallocSpy (CoRegisterMallocSpy,
 * sdk-api/.../objbase/nf-objbase-coregistermallocspy.md): COM calls its PreFree
 * around every IMalloc::Free of the task allocator, which is where both
 * CoTaskMemFree and SysFreeString end. oleaut32 keeps freed BSTRs in a cache
 * instead of freeing them unless SetOaNoCache has been called (oleaut32 export;
 * the OANOCACHE environment variable does the same), so registration turns the
 * cache off first.
 *
 * Keys: a task block by its address; a BSTR by the address of its block (the
 * IMalloc block oleaut32 allocated, seen by PostAlloc during the simulator's own
 * SysAllocStringLen), so that PreFree can recognise it. Without the spy (another
 * spy is registered: CO_E_OBJISREG, or VSS_SIM_MALLOC_SPY=0) a BSTR is kept by
 * its own address and only frees through the simulator are seen. */

static INIT_ONCE spy_once = INIT_ONCE_STATIC_INIT;
static HRESULT spy_hr = S_FALSE;   /* CoRegisterMallocSpy's answer; S_FALSE: not asked */
static volatile LONG spy_on;       /* the spy is registered */
static volatile LONG blocks_missed; /* a BSTR whose block the spy did not see: inexact */

/* What the spy callbacks tell the simulator's own calls on the same thread. */
static _Thread_local struct {
    bool capture;      /* inside the simulator's SysAllocStringLen */
    void *captured;    /* the block it got */
    bool freeing;      /* inside the simulator's own free */
    bool hit;          /* that free released a block of ours */
    ptrset *realloc_set; /* a block of ours being reallocated, and its set */
    void *realloc_old;
    SIZE_T realloc_cb;
} tls;

static bool ptrset_has(const ptrset *s, void *p)
{
    if (!s->cap)
        return false;
    for (size_t i = ptr_hash(p, s->cap); s->slots[i]; i = (i + 1) & (s->cap - 1))
        if (s->slots[i] == p)
            return true;
    return false;
}

static HRESULT STDMETHODCALLTYPE spy_QueryInterface(IMallocSpy *This, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IMallocSpy)) {
        *ppv = This;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

/* Static object: its count never reaches zero. */
static ULONG STDMETHODCALLTYPE spy_AddRef(IMallocSpy *This)
{
    (void)This;
    return 2;
}

static ULONG STDMETHODCALLTYPE spy_Release(IMallocSpy *This)
{
    (void)This;
    return 1;
}

static SIZE_T STDMETHODCALLTYPE spy_PreAlloc(IMallocSpy *This, SIZE_T cb)
{
    (void)This;
    return cb;
}

static void *STDMETHODCALLTYPE spy_PostAlloc(IMallocSpy *This, void *actual)
{
    (void)This;
    if (tls.capture)
        tls.captured = actual;
    return actual;
}

static void *STDMETHODCALLTYPE spy_PreFree(IMallocSpy *This, void *request, BOOL spyed)
{
    (void)This, (void)spyed;
    if (!request)
        return request;
    sim_mem_lock();
    bool ours = ptrset_remove(&live_task, request) || ptrset_remove(&live_bstrs, request);
    sim_mem_unlock();
    if (ours && tls.freeing)
        tls.hit = true;
    return request;
}

static void STDMETHODCALLTYPE spy_PostFree(IMallocSpy *This, BOOL spyed) { (void)This, (void)spyed; }

static SIZE_T STDMETHODCALLTYPE spy_PreRealloc(IMallocSpy *This, void *request, SIZE_T cb, void **new_request,
                                               BOOL spyed)
{
    (void)This, (void)spyed;
    *new_request = request;
    tls.realloc_set = NULL;
    if (request) {
        sim_mem_lock();
        tls.realloc_set = ptrset_has(&live_task, request) ? &live_task
                          : ptrset_has(&live_bstrs, request) ? &live_bstrs
                                                               : NULL;
        sim_mem_unlock();
    }
    tls.realloc_old = request;
    tls.realloc_cb = cb;
    return cb;
}

/* A block of ours moved (or was freed by a zero-size realloc): follow it. */
static void *STDMETHODCALLTYPE spy_PostRealloc(IMallocSpy *This, void *actual, BOOL spyed)
{
    (void)This, (void)spyed;
    ptrset *s = tls.realloc_set;
    tls.realloc_set = NULL;
    if (s && (actual || tls.realloc_cb == 0)) {
        sim_mem_lock();
        if (ptrset_remove(s, tls.realloc_old) && actual)
            ptrset_add(s, actual);
        sim_mem_unlock();
    }
    return actual;
}

static void *STDMETHODCALLTYPE spy_PreGetSize(IMallocSpy *This, void *request, BOOL spyed)
{
    (void)This, (void)spyed;
    return request;
}

static SIZE_T STDMETHODCALLTYPE spy_PostGetSize(IMallocSpy *This, SIZE_T actual, BOOL spyed)
{
    (void)This, (void)spyed;
    return actual;
}

static void *STDMETHODCALLTYPE spy_PreDidAlloc(IMallocSpy *This, void *request, BOOL spyed)
{
    (void)This, (void)spyed;
    return request;
}

static int STDMETHODCALLTYPE spy_PostDidAlloc(IMallocSpy *This, void *request, BOOL spyed, int actual)
{
    (void)This, (void)request, (void)spyed;
    return actual;
}

static void STDMETHODCALLTYPE spy_PreHeapMinimize(IMallocSpy *This) { (void)This; }
static void STDMETHODCALLTYPE spy_PostHeapMinimize(IMallocSpy *This) { (void)This; }

static const IMallocSpyVtbl spy_vtbl = {
    .QueryInterface = spy_QueryInterface,
    .AddRef = spy_AddRef,
    .Release = spy_Release,
    .PreAlloc = spy_PreAlloc,
    .PostAlloc = spy_PostAlloc,
    .PreFree = spy_PreFree,
    .PostFree = spy_PostFree,
    .PreRealloc = spy_PreRealloc,
    .PostRealloc = spy_PostRealloc,
    .PreGetSize = spy_PreGetSize,
    .PostGetSize = spy_PostGetSize,
    .PreDidAlloc = spy_PreDidAlloc,
    .PostDidAlloc = spy_PostDidAlloc,
    .PreHeapMinimize = spy_PreHeapMinimize,
    .PostHeapMinimize = spy_PostHeapMinimize,
};

static IMallocSpy spy = { .lpVtbl = (IMallocSpyVtbl *)&spy_vtbl };

/* Once, at the first allocation or control query (never in DllMain). The
 * module is pinned once registered: COM keeps calling the spy until the
 * process ends, so the DLL must never be unmapped under it. */
static BOOL CALLBACK spy_register(PINIT_ONCE once, PVOID param, PVOID *context)
{
    (void)once, (void)param, (void)context;
    char *setting = fs_getenv("VSS_SIM_MALLOC_SPY");
    bool off = setting && strcmp(setting, "0") == 0;
    free(setting);
    if (off)
        return TRUE; /* spy_hr stays S_FALSE */
    HMODULE oleaut = GetModuleHandleW(L"oleaut32.dll");
    FARPROC no_cache = oleaut ? GetProcAddress(oleaut, "SetOaNoCache") : NULL;
    if (no_cache)
        ((void(WINAPI *)(void))(void *)no_cache)();
    spy_hr = CoRegisterMallocSpy(&spy);
    if (SUCCEEDED(spy_hr)) {
        HMODULE self;
        GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_PIN,
                           (LPCWSTR)(void *)&spy, &self);
        InterlockedExchange(&spy_on, 1);
    }
    return TRUE;
}

static void spy_ensure(void) { InitOnceExecuteOnce(&spy_once, spy_register, NULL, NULL); }

static bool spy_active(void) { return InterlockedCompareExchange(&spy_on, 0, 0) != 0; }

BSTR mem_bstr_alloc(const WCHAR *s, size_t n)
{
    spy_ensure();
    bool spied = spy_active();
    tls.capture = spied;
    tls.captured = NULL;
    BSTR b = SysAllocStringLen(s, (UINT)n);
    tls.capture = false;
    if (!b)
        return NULL;
    void *key = b;
    if (spied) {
        char *block = tls.captured;
        if (block && block < (char *)b && (char *)b - block <= 16)
            key = block;
        else
            InterlockedExchange(&blocks_missed, 1);
    }
    track(&live_bstrs, key);
    return b;
}

/* oleaut32 accepts BSTRs it made itself too: a foreign one is counted and freed. */
void mem_bstr_free(BSTR b)
{
    if (!b)
        return;
    if (!spy_active()) {
        untrack(&live_bstrs, b);
        SysFreeString(b);
        return;
    }
    sim_mem_lock();
    bool known = ptrset_remove(&live_bstrs, b); /* kept by its own address: block not seen */
    sim_mem_unlock();
    tls.freeing = true;
    tls.hit = false;
    SysFreeString(b);
    tls.freeing = false;
    if (!known && !tls.hit) {
        sim_mem_lock();
        unknown_frees++;
        sim_mem_unlock();
    }
}

UINT mem_bstr_len(BSTR b) { return b ? SysStringLen(b) : 0; }

void *mem_task_alloc(size_t n)
{
    spy_ensure();
    void *p = CoTaskMemAlloc(n);
    track(&live_task, p);
    return p;
}

void mem_task_free(void *p)
{
    if (!p)
        return;
    if (!spy_active()) {
        untrack(&live_task, p);
        CoTaskMemFree(p);
        return;
    }
    tls.freeing = true;
    tls.hit = false;
    CoTaskMemFree(p);
    tls.freeing = false;
    if (!tls.hit) {
        sim_mem_lock();
        unknown_frees++;
        sim_mem_unlock();
    }
}

int32_t vss_sim_memory_exact(void)
{
    spy_ensure();
    return spy_active() && !InterlockedCompareExchange(&blocks_missed, 0, 0);
}

uint32_t vss_sim_memory_spy_hr(void)
{
    spy_ensure();
    return (uint32_t)spy_hr;
}
#else
/* The documented BSTR layout: a 4-byte byte count just before the characters, a
 * terminating NUL after them. 8 bytes of header keep the characters 8-aligned. */
static BSTR raw_bstr_alloc(const WCHAR *s, UINT n)
{
    char *block = malloc(8 + ((size_t)n + 1) * sizeof(WCHAR));
    if (!block)
        return NULL;
    uint32_t bytes = n * (uint32_t)sizeof(WCHAR);
    memset(block, 0, 4);
    memcpy(block + 4, &bytes, 4);
    BSTR b = (BSTR)(void *)(block + 8);
    if (s)
        memcpy(b, s, (size_t)n * sizeof(WCHAR));
    else
        memset(b, 0, (size_t)n * sizeof(WCHAR));
    b[n] = 0;
    return b;
}

BSTR mem_bstr_alloc(const WCHAR *s, size_t n)
{
    BSTR b = raw_bstr_alloc(s, (UINT)n);
    track(&live_bstrs, b);
    return b;
}

/* A pointer the simulator never handed out is counted, not freed. */
void mem_bstr_free(BSTR b)
{
    if (b && untrack(&live_bstrs, b))
        free((char *)b - 8);
}

UINT mem_bstr_len(BSTR b)
{
    if (!b)
        return 0;
    uint32_t bytes;
    memcpy(&bytes, (char *)b - 4, 4);
    return bytes / (uint32_t)sizeof(WCHAR);
}

void *mem_task_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    track(&live_task, p);
    return p;
}

void mem_task_free(void *p)
{
    if (p && untrack(&live_task, p))
        free(p);
}

/* The simulator is the only allocator here: every free goes through it. */
int32_t vss_sim_memory_exact(void) { return 1; }

uint32_t vss_sim_memory_spy_hr(void) { return (uint32_t)E_NOTIMPL; }
#endif

BSTR mem_bstr_from_u8(const char *s)
{
    if (!s)
        return NULL;
    size_t n;
    WCHAR *w = u8_to_u16(s, &n);
    BSTR b = mem_bstr_alloc(w, n);
    free(w);
    return b;
}

WCHAR *mem_task_wstr(const char *s)
{
    if (!s)
        return NULL;
    size_t n;
    WCHAR *w = u8_to_u16(s, &n);
    WCHAR *t = mem_task_alloc((n + 1) * sizeof(WCHAR));
    if (t)
        memcpy(t, w, (n + 1) * sizeof(WCHAR));
    free(w);
    return t;
}

/* The exported allocator entry points. On Windows they are exported under the
 * oleaut32/ole32 names by vss_sim.def. */
#ifdef _WIN32
#define EXPORT_NAME(name) sim_##name
#else
#define EXPORT_NAME(name) name
#endif

SIM_EXPORT BSTR EXPORT_NAME(SysAllocString)(const WCHAR *s)
{
    return s ? mem_bstr_alloc(s, u16_len(s)) : NULL;
}

SIM_EXPORT BSTR EXPORT_NAME(SysAllocStringLen)(const WCHAR *s, UINT n) { return mem_bstr_alloc(s, n); }

SIM_EXPORT void EXPORT_NAME(SysFreeString)(BSTR b) { mem_bstr_free(b); }

SIM_EXPORT UINT EXPORT_NAME(SysStringLen)(BSTR b) { return mem_bstr_len(b); }

SIM_EXPORT void *EXPORT_NAME(CoTaskMemAlloc)(size_t n) { return mem_task_alloc(n); }

SIM_EXPORT void EXPORT_NAME(CoTaskMemFree)(void *p) { mem_task_free(p); }
