/* The call log, failure injection and per-method async settings.
 *
 * Every COM method and exported function runs as
 *     CALL_BEGIN(Iface, Vtbl, Method, object_id);  -- takes the state lock
 *     ARG_...(param) for each parameter, in order;
 *     CALL_COMMIT();                               -- logs, may return an injected HRESULT
 *     ... body ...
 *     return CALL_END(hr);                         -- stores the result, drops the lock
 */
#ifndef SIM_RECORD_H
#define SIM_RECORD_H

#include "platform.h"
#include "util.h"

typedef struct sim_method {
    const char *iface;
    const char *name;
    int slot; /* -1 for exported functions */
} sim_method;

typedef struct sim_call {
    const sim_method *m;
    bool rec;
    int64_t object;
    uint64_t seq;
    sbuf args;
    HRESULT injected;
    HRESULT state_hr; /* persist_begin's outcome: a failure fails the call */
} sim_call;

void call_begin(sim_call *c, const sim_method *m, int64_t object);
bool call_commit(sim_call *c);
HRESULT call_end(sim_call *c, HRESULT hr);
ULONG call_end_ulong(sim_call *c, ULONG n);
void call_end_void(sim_call *c);

void arg_name(sim_call *c, const char *name);
void arg_null_or_ptr(sim_call *c, const char *name, const void *p);
void arg_i64(sim_call *c, const char *name, int64_t v);
void arg_u64(sim_call *c, const char *name, uint64_t v);
void arg_bool(sim_call *c, const char *name, uint32_t raw);
void arg_guid(sim_call *c, const char *name, const GUID *g);
void arg_guid_ptr(sim_call *c, const char *name, const GUID *g); /* REFIID: null if NULL */
void arg_guid_array(sim_call *c, const char *name, const GUID *g, UINT n);
void arg_wstr(sim_call *c, const char *name, const WCHAR *s);
void arg_bstr(sim_call *c, const char *name, BSTR s);
void arg_filetime(sim_call *c, const char *name, FILETIME ft);

#define CALL_BEGIN_M(method_var, objid)                                                            \
    sim_call c_;                                                                                   \
    call_begin(&c_, &(method_var), (objid))
#define CALL_BEGIN(Iface, Vtbl, Method, objid)                                                     \
    static const sim_method m_ = { #Iface, #Method, SIM_SLOT(Vtbl, Method) };                      \
    CALL_BEGIN_M(m_, objid)
#define CALL_BEGIN_FN(Name)                                                                        \
    static const sim_method m_ = { "", #Name, -1 };                                                \
    CALL_BEGIN_M(m_, -1)
#define CALL_COMMIT()                                                                              \
    do {                                                                                           \
        if (call_commit(&c_))                                                                      \
            return call_end(&c_, c_.injected);                                                     \
    } while (0)
#define CALL_END(hr) call_end(&c_, (hr))
#define CALL_METHOD (c_.m)

#define ARG_OUT(p) arg_null_or_ptr(&c_, #p, (const void *)(p))
#define ARG_IN_PTR(p) arg_null_or_ptr(&c_, #p, (const void *)(p))
#define ARG_INT(v) arg_i64(&c_, #v, (int64_t)(v))
#define ARG_UINT(v) arg_u64(&c_, #v, (uint64_t)(v))
#define ARG_HR(v) arg_u64(&c_, #v, (uint64_t)(uint32_t)(v))
#define ARG_BOOL(v) arg_bool(&c_, #v, (uint32_t)(v))
#define ARG_GUID(v) arg_guid(&c_, #v, &(v))
#define ARG_REFIID(p) arg_guid_ptr(&c_, #p, (p))
#define ARG_GUIDS(p, n) arg_guid_array(&c_, #p, (p), (n))
#define ARG_WSTR(s) arg_wstr(&c_, #s, (s))
#define ARG_BSTR(s) arg_bstr(&c_, #s, (s))
#define ARG_FILETIME(v) arg_filetime(&c_, #v, (v))

/* Control side (record.c keeps these tables). */
void rec_reset(void);
void rec_set_recording(bool on);
void rec_set_capacity(size_t n);
void rec_clear(void);
int32_t rec_count(void);
int32_t rec_json(int32_t index, char *buf, int32_t cap);
int rec_fail(const char *name, HRESULT hr, int32_t times);
int rec_fail_async(const char *name, HRESULT hr);
int rec_async_delay(const char *name, int32_t ms);
/* For the method that is creating an IVssAsync: the configured delay (0 when
 * none; -1 = never) and whether a final status is injected. */
int32_t rec_delay_for(const sim_method *m);
bool rec_async_fail_for(const sim_method *m, HRESULT *hr);

#endif
