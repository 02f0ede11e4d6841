#include "record.h"

#include "persist.h"
#include "sync.h"

enum result_kind { RESULT_PENDING, RESULT_HR, RESULT_ULONG, RESULT_VOID };

typedef struct record {
    uint64_t seq;
    const sim_method *m;
    int64_t object;
    char *args;
    int kind;
    uint32_t result;
} record;

#define DEFAULT_CAPACITY (1u << 18)

static record *ring;
static size_t ring_cap = DEFAULT_CAPACITY;
static size_t ring_start, ring_len;
static uint64_t next_seq = 1;
static bool recording = true;

typedef struct rule {
    char name[160];
    HRESULT hr;
    int32_t n; /* times left (-1 = always) or milliseconds */
} rule;

#define MAX_RULES 64
static rule fails[MAX_RULES], async_fails[MAX_RULES], delays[MAX_RULES];
static int nfails, nasync_fails, ndelays;

static bool rule_matches(const rule *r, const sim_method *m)
{
    if (strcmp(r->name, "*") == 0)
        return true;
    size_t il = strlen(m->iface);
    if (il == 0)
        return strcmp(r->name, m->name) == 0;
    return strncmp(r->name, m->iface, il) == 0 && r->name[il] == ':' && r->name[il + 1] == ':' &&
           strcmp(r->name + il + 2, m->name) == 0;
}

static rule *rule_find(rule *tab, int n, const sim_method *m)
{
    rule *wild = NULL;
    for (int i = 0; i < n; i++) {
        if (strcmp(tab[i].name, "*") == 0)
            wild = &tab[i];
        else if (rule_matches(&tab[i], m))
            return &tab[i];
    }
    return wild;
}

static int rule_set(rule *tab, int *n, const char *name, HRESULT hr, int32_t v, bool remove)
{
    if (!name || strlen(name) >= sizeof tab[0].name)
        return -1;
    for (int i = 0; i < *n; i++) {
        if (strcmp(tab[i].name, name) == 0) {
            if (remove)
                tab[i] = tab[--*n];
            else
                tab[i].hr = hr, tab[i].n = v;
            return 0;
        }
    }
    if (remove)
        return 0;
    if (*n == MAX_RULES)
        return -1;
    rule *r = &tab[(*n)++];
    snprintf(r->name, sizeof r->name, "%s", name);
    r->hr = hr;
    r->n = v;
    return 0;
}

void call_begin(sim_call *c, const sim_method *m, int64_t object)
{
    sim_lock();
    c->m = m;
    c->rec = recording;
    c->object = object;
    c->seq = 0;
    c->args = (sbuf){ 0 };
    c->injected = S_OK;
    c->state_hr = persist_begin();
}

static record *record_by_seq(uint64_t seq)
{
    if (!ring_len || seq == 0)
        return NULL;
    record *last = &ring[(ring_start + ring_len - 1) % ring_cap];
    if (seq > last->seq || last->seq - seq >= ring_len)
        return NULL;
    record *r = &ring[(ring_start + ring_len - 1 - (size_t)(last->seq - seq)) % ring_cap];
    return r->seq == seq ? r : NULL;
}

bool call_commit(sim_call *c)
{
    if (c->rec) {
        if (!ring) {
            ring = calloc(ring_cap, sizeof *ring);
            if (!ring)
                abort();
        }
        record *r;
        if (ring_len == ring_cap) {
            r = &ring[ring_start];
            free(r->args);
            ring_start = (ring_start + 1) % ring_cap;
        } else {
            r = &ring[(ring_start + ring_len++) % ring_cap];
        }
        c->seq = next_seq++;
        *r = (record){ .seq = c->seq, .m = c->m, .object = c->object, .args = sb_take(&c->args) };
    } else {
        next_seq++;
    }
    if (FAILED(c->state_hr)) {
        /* the saved machine is unusable (persist_error says why): no effect */
        c->injected = c->state_hr;
        return true;
    }
    if (nfails) {
        rule *f = rule_find(fails, nfails, c->m);
        if (f && f->n != 0) {
            c->injected = f->hr;
            if (f->n > 0 && --f->n == 0)
                rule_set(fails, &nfails, f->name, 0, 0, true);
            return true;
        }
    }
    return false;
}

static uint32_t finish(sim_call *c, int kind, uint32_t result)
{
    if (SUCCEEDED(c->state_hr)) {
        /* The change is saved before the call returns; a write that fails
         * undoes it and fails the call (persist.h). */
        HRESULT saved = persist_end();
        if (FAILED(saved) && kind == RESULT_HR && SUCCEEDED((HRESULT)result))
            result = (uint32_t)saved;
    }
    if (c->rec) {
        record *r = record_by_seq(c->seq);
        if (r) {
            r->kind = kind;
            r->result = result;
        }
    }
    sim_unlock();
    return result;
}

HRESULT call_end(sim_call *c, HRESULT hr) { return (HRESULT)finish(c, RESULT_HR, (uint32_t)hr); }

ULONG call_end_ulong(sim_call *c, ULONG n)
{
    finish(c, RESULT_ULONG, (uint32_t)n);
    return n;
}

void call_end_void(sim_call *c) { finish(c, RESULT_VOID, 0); }

void arg_name(sim_call *c, const char *name)
{
    if (c->args.len)
        sb_putc(&c->args, ',');
    sb_putc(&c->args, '"');
    sb_puts(&c->args, name);
    sb_puts(&c->args, "\":");
}

void arg_null_or_ptr(sim_call *c, const char *name, const void *p)
{
    if (!c->rec)
        return;
    arg_name(c, name);
    sb_puts(&c->args, p ? "\"ptr\"" : "null");
}

void arg_i64(sim_call *c, const char *name, int64_t v)
{
    if (!c->rec)
        return;
    arg_name(c, name);
    sb_printf(&c->args, "%lld", (long long)v);
}

void arg_u64(sim_call *c, const char *name, uint64_t v)
{
    if (!c->rec)
        return;
    arg_name(c, name);
    sb_printf(&c->args, "%llu", (unsigned long long)v);
}

void arg_bool(sim_call *c, const char *name, uint32_t raw)
{
    if (!c->rec)
        return;
    arg_name(c, name);
    sb_puts(&c->args, raw ? "true" : "false");
    if (raw > 1) {
        sb_printf(&c->args, ",\"%s$raw\":%lu", name, (unsigned long)raw);
    }
}

void arg_guid(sim_call *c, const char *name, const GUID *g)
{
    if (!c->rec)
        return;
    char s[37];
    guid_format(g, s);
    arg_name(c, name);
    sb_printf(&c->args, "\"%s\"", s);
}

void arg_guid_ptr(sim_call *c, const char *name, const GUID *g)
{
    if (!c->rec)
        return;
    if (g)
        arg_guid(c, name, g);
    else
        arg_null_or_ptr(c, name, NULL);
}

void arg_guid_array(sim_call *c, const char *name, const GUID *g, UINT n)
{
    if (!c->rec)
        return;
    arg_name(c, name);
    if (!g) {
        sb_puts(&c->args, "null");
        return;
    }
    sb_putc(&c->args, '[');
    for (UINT i = 0; i < n; i++) {
        char s[37];
        guid_format(&g[i], s);
        sb_printf(&c->args, "%s\"%s\"", i ? "," : "", s);
    }
    sb_putc(&c->args, ']');
}

void arg_wstr(sim_call *c, const char *name, const WCHAR *s)
{
    if (!c->rec)
        return;
    arg_name(c, name);
    if (s)
        json_put_u16(&c->args, s, u16_len(s));
    else
        sb_puts(&c->args, "null");
}

void arg_bstr(sim_call *c, const char *name, BSTR s)
{
    if (!c->rec)
        return;
    arg_name(c, name);
    if (s) {
        uint32_t bytes;
        memcpy(&bytes, (const char *)s - 4, 4);
        json_put_u16(&c->args, s, bytes / sizeof(WCHAR));
    } else {
        sb_puts(&c->args, "null");
    }
}

void arg_filetime(sim_call *c, const char *name, FILETIME ft)
{
    arg_u64(c, name, (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime);
}

/* ---- control side; callers hold the state lock ---- */

void rec_clear(void)
{
    for (size_t i = 0; i < ring_len; i++)
        free(ring[(ring_start + i) % ring_cap].args);
    ring_start = ring_len = 0;
}

void rec_reset(void)
{
    rec_clear();
    next_seq = 1;
    recording = true;
    nfails = nasync_fails = ndelays = 0;
}

void rec_set_recording(bool on) { recording = on; }

void rec_set_capacity(size_t n)
{
    rec_clear();
    free(ring);
    ring = NULL;
    ring_cap = n ? n : 1;
}

int32_t rec_count(void) { return (int32_t)ring_len; }

int32_t rec_json(int32_t index, char *buf, int32_t cap)
{
    if (index < 0 || (size_t)index >= ring_len)
        return -1;
    const record *r = &ring[(ring_start + (size_t)index) % ring_cap];
    sbuf b = { 0 };
    sb_printf(&b, "{\"seq\":%llu,", (unsigned long long)r->seq);
    if (r->m->slot >= 0)
        sb_printf(&b, "\"interface\":\"%s\",\"method\":\"%s\",\"slot\":%d,", r->m->iface, r->m->name, r->m->slot);
    else
        sb_printf(&b, "\"function\":\"%s\",", r->m->name);
    if (r->object >= 0)
        sb_printf(&b, "\"object\":%lld,", (long long)r->object);
    sb_printf(&b, "\"args\":{%s}", r->args ? r->args : "");
    switch (r->kind) {
    case RESULT_HR:
        sb_printf(&b, ",\"hr\":%lu", (unsigned long)r->result);
        break;
    case RESULT_ULONG:
        sb_printf(&b, ",\"refcount\":%lu", (unsigned long)r->result);
        break;
    case RESULT_PENDING:
        sb_puts(&b, ",\"hr\":null");
        break;
    default:
        break;
    }
    sb_putc(&b, '}');
    int32_t need = (int32_t)b.len;
    if (buf && cap > 0) {
        size_t n = b.len < (size_t)cap - 1 ? b.len : (size_t)cap - 1;
        memcpy(buf, b.p, n);
        buf[n] = '\0';
    }
    sb_free(&b);
    return need;
}

int rec_fail(const char *name, HRESULT hr, int32_t times)
{
    return rule_set(fails, &nfails, name, hr, times, times == 0);
}

int rec_fail_async(const char *name, HRESULT hr)
{
    return rule_set(async_fails, &nasync_fails, name, hr, 0, hr == S_OK);
}

int rec_async_delay(const char *name, int32_t ms)
{
    return rule_set(delays, &ndelays, name, 0, ms, ms == 0);
}

int32_t rec_delay_for(const sim_method *m)
{
    rule *r = rule_find(delays, ndelays, m);
    return r ? r->n : 0;
}

bool rec_async_fail_for(const sim_method *m, HRESULT *hr)
{
    rule *r = rule_find(async_fails, nasync_fails, m);
    if (r)
        *hr = r->hr;
    return r != NULL;
}
