#include "objects.h"

#include "memory.h"
#include "props.h"
#include "util.h"

/* One type serves both enumerators; the vtable pointer tells which one it is. */
typedef struct sim_enum {
    const void *lpVtbl;
    sim_obj base;
    bool mgmt;
    size_t pos, n;
    sim_snapshot *snaps; /* object enumerator: copies; providers when snaps == NULL */
    enum_mgmt_item *items;
    struct sim_enum *shared; /* a clone shares the items of the original */
} sim_enum;

static void mgmt_fill_prop(const enum_mgmt_item *it, VSS_MGMT_OBJECT_PROP *p)
{
    memset(p, 0, sizeof *p);
    p->Type = (VSS_MGMT_OBJECT_TYPE)it->type;
    switch (it->type) {
    case VSS_MGMT_OBJECT_VOLUME:
        p->Obj.Vol.m_pwszVolumeName = mem_task_wstr(it->s[0]);
        p->Obj.Vol.m_pwszVolumeDisplayName = mem_task_wstr(it->s[1]);
        break;
    case VSS_MGMT_OBJECT_DIFF_VOLUME:
        p->Obj.DiffVol.m_pwszVolumeName = mem_task_wstr(it->s[0]);
        p->Obj.DiffVol.m_pwszVolumeDisplayName = mem_task_wstr(it->s[1]);
        p->Obj.DiffVol.m_llVolumeFreeSpace = it->n[0];
        p->Obj.DiffVol.m_llVolumeTotalSpace = it->n[1];
        break;
    default:
        p->Obj.DiffArea.m_pwszVolumeName = mem_task_wstr(it->s[0]);
        p->Obj.DiffArea.m_pwszDiffAreaVolumeName = mem_task_wstr(it->s[1]);
        p->Obj.DiffArea.m_llMaximumDiffSpace = it->n[0];
        p->Obj.DiffArea.m_llAllocatedDiffSpace = it->n[1];
        p->Obj.DiffArea.m_llUsedDiffSpace = it->n[2];
        break;
    }
}

static void enum_destroy(sim_obj *o)
{
    sim_enum *e = SIM_CONTAINER_OF(o, sim_enum, base);
    if (e->shared) {
        obj_release(&e->shared->base);
    } else {
        for (size_t i = 0; e->snaps && i < e->n; i++) {
            free(e->snaps[i].device);
            free(e->snaps[i].original_volume);
            free(e->snaps[i].exposed_name);
            free(e->snaps[i].exposed_path);
        }
        free(e->snaps);
        for (size_t i = 0; e->items && i < e->n; i++) {
            free(e->items[i].s[0]);
            free(e->items[i].s[1]);
        }
        free(e->items);
    }
    free(e);
}

static const IVssEnumObjectVtbl enum_obj_vtbl;
static const IVssEnumMgmtObjectVtbl enum_mgmt_vtbl;

static sim_enum *enum_alloc(bool mgmt)
{
    sim_enum *e = calloc(1, sizeof *e);
    if (!e)
        abort();
    e->mgmt = mgmt;
    e->lpVtbl = mgmt ? (const void *)&enum_mgmt_vtbl : (const void *)&enum_obj_vtbl;
    obj_init(&e->base, enum_destroy);
    return e;
}

static sim_enum *enum_clone(sim_enum *src)
{
    sim_enum *e = enum_alloc(src->mgmt);
    sim_enum *owner = src->shared ? src->shared : src;
    e->shared = owner;
    obj_addref(&owner->base);
    e->snaps = src->snaps;
    e->items = src->items;
    e->n = src->n;
    e->pos = src->pos;
    return e;
}

IVssEnumObject *enum_objects_new(sim_snapshot *const *snaps, size_t n, bool providers)
{
    sim_enum *e = enum_alloc(false);
    if (providers) {
        e->n = n ? n : 1; /* n: how many providers are registered */
    } else {
        e->n = n;
        e->snaps = calloc(n ? n : 1, sizeof *e->snaps);
        if (!e->snaps)
            abort();
        for (size_t i = 0; i < n; i++) {
            e->snaps[i] = *snaps[i];
            e->snaps[i].device = sim_strdup(snaps[i]->device);
            e->snaps[i].original_volume = sim_strdup(snaps[i]->original_volume);
            e->snaps[i].exposed_name = sim_strdup(snaps[i]->exposed_name);
            e->snaps[i].exposed_path = sim_strdup(snaps[i]->exposed_path);
        }
    }
    return (IVssEnumObject *)(void *)e;
}

IVssEnumMgmtObject *enum_mgmt_new(enum_mgmt_item *items, size_t n)
{
    sim_enum *e = enum_alloc(true);
    e->items = items;
    e->n = n;
    return (IVssEnumMgmtObject *)(void *)e;
}

/* Next/Skip/Reset/Clone are the same for both; only the element type differs. */
static HRESULT enum_next(sim_enum *e, ULONG celt, void *rgelt, ULONG *pceltFetched)
{
    if (!rgelt || (!pceltFetched && celt != 1))
        return E_POINTER;
    ULONG got = 0;
    for (; got < celt && e->pos < e->n; got++, e->pos++) {
        if (e->mgmt) {
            mgmt_fill_prop(&e->items[e->pos], (VSS_MGMT_OBJECT_PROP *)rgelt + got);
        } else {
            VSS_OBJECT_PROP *p = (VSS_OBJECT_PROP *)rgelt + got;
            memset(p, 0, sizeof *p);
            if (e->snaps) {
                p->Type = VSS_OBJECT_SNAPSHOT;
                snapshot_fill_prop(&e->snaps[e->pos], &p->Obj.Snap);
            } else {
                p->Type = VSS_OBJECT_PROVIDER;
                provider_fill_prop_at(&p->Obj.Prov, e->pos);
            }
        }
    }
    if (pceltFetched)
        *pceltFetched = got;
    return got == celt ? S_OK : S_FALSE;
}

static HRESULT enum_skip(sim_enum *e, ULONG celt)
{
    size_t left = e->n - e->pos;
    e->pos += celt < left ? celt : left;
    return celt <= left ? S_OK : S_FALSE;
}

#define ENUM_METHODS(prefix, Iface, Vtbl, PropType)                                                \
    static HRESULT STDMETHODCALLTYPE prefix##_QueryInterface(Iface *This, REFIID riid, void **ppvObject) \
    {                                                                                              \
        sim_enum *e = (sim_enum *)(void *)This;                                                    \
        CALL_BEGIN(Iface, Vtbl, QueryInterface, e->base.id);                                       \
        ARG_REFIID(riid);                                                                          \
        ARG_OUT(ppvObject);                                                                        \
        CALL_COMMIT();                                                                             \
        const qi_entry table[] = { { &SIM_IID_IUnknown, 0 }, { &SIM_IID_##Iface, 0 } };            \
        return CALL_END(obj_qi(e, &e->base, table, SIM_ARRAY_LEN(table), riid, ppvObject));        \
    }                                                                                              \
    static ULONG STDMETHODCALLTYPE prefix##_AddRef(Iface *This)                                    \
    {                                                                                              \
        sim_enum *e = (sim_enum *)(void *)This;                                                    \
        CALL_BEGIN(Iface, Vtbl, AddRef, e->base.id);                                               \
        call_commit(&c_);                                                                          \
        return call_end_ulong(&c_, obj_addref(&e->base));                                          \
    }                                                                                              \
    static ULONG STDMETHODCALLTYPE prefix##_Release(Iface *This)                                   \
    {                                                                                              \
        sim_enum *e = (sim_enum *)(void *)This;                                                    \
        CALL_BEGIN(Iface, Vtbl, Release, e->base.id);                                              \
        call_commit(&c_);                                                                          \
        return call_end_ulong(&c_, obj_release(&e->base));                                         \
    }                                                                                              \
    static HRESULT STDMETHODCALLTYPE prefix##_Next(Iface *This, ULONG celt, PropType *rgelt, ULONG *pceltFetched) \
    {                                                                                              \
        sim_enum *e = (sim_enum *)(void *)This;                                                    \
        CALL_BEGIN(Iface, Vtbl, Next, e->base.id);                                                 \
        ARG_UINT(celt);                                                                            \
        ARG_OUT(rgelt);                                                                            \
        ARG_OUT(pceltFetched);                                                                     \
        CALL_COMMIT();                                                                             \
        return CALL_END(enum_next(e, celt, rgelt, pceltFetched));                                  \
    }                                                                                              \
    static HRESULT STDMETHODCALLTYPE prefix##_Skip(Iface *This, ULONG celt)                        \
    {                                                                                              \
        sim_enum *e = (sim_enum *)(void *)This;                                                    \
        CALL_BEGIN(Iface, Vtbl, Skip, e->base.id);                                                 \
        ARG_UINT(celt);                                                                            \
        CALL_COMMIT();                                                                             \
        return CALL_END(enum_skip(e, celt));                                                       \
    }                                                                                              \
    static HRESULT STDMETHODCALLTYPE prefix##_Reset(Iface *This)                                   \
    {                                                                                              \
        sim_enum *e = (sim_enum *)(void *)This;                                                    \
        CALL_BEGIN(Iface, Vtbl, Reset, e->base.id);                                                \
        CALL_COMMIT();                                                                             \
        e->pos = 0;                                                                                \
        return CALL_END(S_OK);                                                                     \
    }                                                                                              \
    static HRESULT STDMETHODCALLTYPE prefix##_Clone(Iface *This, Iface **ppenum)                   \
    {                                                                                              \
        sim_enum *e = (sim_enum *)(void *)This;                                                    \
        CALL_BEGIN(Iface, Vtbl, Clone, e->base.id);                                                \
        ARG_OUT(ppenum);                                                                           \
        CALL_COMMIT();                                                                             \
        if (!ppenum)                                                                               \
            return CALL_END(E_POINTER);                                                            \
        *ppenum = (Iface *)(void *)enum_clone(e);                                                  \
        return CALL_END(S_OK);                                                                     \
    }                                                                                              \
    static const Vtbl prefix##_vtbl = {                                                            \
        .QueryInterface = prefix##_QueryInterface,                                                 \
        .AddRef = prefix##_AddRef,                                                                 \
        .Release = prefix##_Release,                                                               \
        .Next = prefix##_Next,                                                                     \
        .Skip = prefix##_Skip,                                                                     \
        .Reset = prefix##_Reset,                                                                   \
        .Clone = prefix##_Clone,                                                                   \
    };

ENUM_METHODS(enum_obj, IVssEnumObject, IVssEnumObjectVtbl, VSS_OBJECT_PROP)
ENUM_METHODS(enum_mgmt, IVssEnumMgmtObject, IVssEnumMgmtObjectVtbl, VSS_MGMT_OBJECT_PROP)
