#include "memory.h"

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
/* The real allocators of ole32/oleaut32 (Wine's, under Wine). */
static BSTR raw_bstr_alloc(const WCHAR *s, UINT n) { return SysAllocStringLen(s, n); }
static void raw_bstr_free(BSTR b) { SysFreeString(b); }
static UINT raw_bstr_len(BSTR b) { return SysStringLen(b); }
static void *raw_task_alloc(size_t n) { return CoTaskMemAlloc(n); }
static void raw_task_free(void *p) { CoTaskMemFree(p); }
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

static void raw_bstr_free(BSTR b) { free((char *)b - 8); }

static UINT raw_bstr_len(BSTR b)
{
    uint32_t bytes;
    memcpy(&bytes, (char *)b - 4, 4);
    return bytes / (uint32_t)sizeof(WCHAR);
}

static void *raw_task_alloc(size_t n) { return malloc(n ? n : 1); }
static void raw_task_free(void *p) { free(p); }
#endif

BSTR mem_bstr_alloc(const WCHAR *s, size_t n)
{
    BSTR b = raw_bstr_alloc(s, (UINT)n);
    track(&live_bstrs, b);
    return b;
}

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

void mem_bstr_free(BSTR b)
{
    if (!b)
        return;
#ifdef _WIN32
    untrack(&live_bstrs, b);
    raw_bstr_free(b); /* oleaut32 accepts BSTRs it made itself too */
#else
    if (untrack(&live_bstrs, b))
        raw_bstr_free(b);
#endif
}

UINT mem_bstr_len(BSTR b) { return b ? raw_bstr_len(b) : 0; }

void *mem_task_alloc(size_t n)
{
    void *p = raw_task_alloc(n);
    track(&live_task, p);
    return p;
}

void mem_task_free(void *p)
{
    if (!p)
        return;
#ifdef _WIN32
    untrack(&live_task, p);
    raw_task_free(p);
#else
    if (untrack(&live_task, p))
        raw_task_free(p);
#endif
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
