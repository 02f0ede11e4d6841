#include "obj.h"

#include "util.h"

static int32_t live;
static int64_t next_id = 1;

void obj_init(sim_obj *o, void (*destroy)(sim_obj *))
{
    o->refs = 1;
    o->id = next_id++;
    o->destroy = destroy;
    live++;
}

ULONG obj_addref(sim_obj *o) { return ++o->refs; }

ULONG obj_release(sim_obj *o)
{
    ULONG n = --o->refs;
    if (n == 0) {
        live--;
        o->destroy(o);
    }
    return n;
}

HRESULT obj_qi(void *object, sim_obj *o, const qi_entry *table, size_t n, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!riid)
        return E_INVALIDARG;
    for (size_t i = 0; i < n; i++) {
        if (guid_eq(table[i].iid, riid)) {
            *ppv = (char *)object + table[i].vptr_offset;
            obj_addref(o);
            return S_OK;
        }
    }
    return E_NOINTERFACE;
}

int32_t obj_live(void) { return live; }

void obj_reset_ids(void) { next_id = 1; }
