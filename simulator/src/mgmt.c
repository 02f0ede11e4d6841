/* The management objects: IVssSnapshotMgmt with IVssSnapshotMgmt2 (two vtable
 * pointers, as a COM class with two interfaces), and the software provider's
 * IVssDifferentialSoftwareSnapshotMgmt..3. */
#include "objects.h"

#include "memory.h"
#include "persist.h"
#include "util.h"

typedef struct mgmt {
    const IVssSnapshotMgmtVtbl *lpVtbl;
    const IVssSnapshotMgmt2Vtbl *lpVtbl2;
    sim_obj base;
} mgmt;

typedef struct diff {
    const IVssDifferentialSoftwareSnapshotMgmt3Vtbl *lpVtbl;
    sim_obj base;
} diff;

static IUnknown *diff_new(void);

static const qi_entry mgmt_table[] = {
    { &SIM_IID_IUnknown, offsetof(mgmt, lpVtbl) },
    { &SIM_IID_IVssSnapshotMgmt, offsetof(mgmt, lpVtbl) },
    { &SIM_IID_IVssSnapshotMgmt2, offsetof(mgmt, lpVtbl2) },
};

static void mgmt_destroy(sim_obj *o) { free(SIM_CONTAINER_OF(o, mgmt, base)); }

static bool provider_ok(const GUID *id) { return guid_is_null(id) || guid_eq(id, &SIM_PROVIDER_ID); }

/* The diff area pages ask for the same name forms as AddToSnapshotSet
 * (trailing backslash included); an unknown name is no volume. */
static char *volume_u8(VSS_PWSZ name, sim_volume **v, size_t *index)
{
    char *s = wstr_u8(name);
    size_t i = 0;
    *v = SUCCEEDED(state_resolve_volume(s, false, &i)) ? &g_state.volumes[i] : NULL;
    if (*v && index)
        *index = i;
    return s;
}

/* IUnknown through either vtable pointer; the records name the interface used. */
#define MGMT_IUNKNOWN(prefix, Iface, member)                                                       \
    static HRESULT STDMETHODCALLTYPE prefix##_QueryInterface(Iface *This, REFIID riid, void **ppvObject) \
    {                                                                                              \
        mgmt *m = SIM_CONTAINER_OF(This, mgmt, member);                                            \
        CALL_BEGIN(Iface, Iface##Vtbl, QueryInterface, m->base.id);                                \
        ARG_REFIID(riid);                                                                          \
        ARG_OUT(ppvObject);                                                                        \
        CALL_COMMIT();                                                                             \
        return CALL_END(obj_qi(m, &m->base, mgmt_table, SIM_ARRAY_LEN(mgmt_table), riid, ppvObject)); \
    }                                                                                              \
    static ULONG STDMETHODCALLTYPE prefix##_AddRef(Iface *This)                                    \
    {                                                                                              \
        mgmt *m = SIM_CONTAINER_OF(This, mgmt, member);                                            \
        CALL_BEGIN(Iface, Iface##Vtbl, AddRef, m->base.id);                                        \
        call_commit(&c_);                                                                          \
        return call_end_ulong(&c_, obj_addref(&m->base));                                          \
    }                                                                                              \
    static ULONG STDMETHODCALLTYPE prefix##_Release(Iface *This)                                   \
    {                                                                                              \
        mgmt *m = SIM_CONTAINER_OF(This, mgmt, member);                                            \
        CALL_BEGIN(Iface, Iface##Vtbl, Release, m->base.id);                                       \
        call_commit(&c_);                                                                          \
        return call_end_ulong(&c_, obj_release(&m->base));                                         \
    }

MGMT_IUNKNOWN(mgmt, IVssSnapshotMgmt, lpVtbl)
MGMT_IUNKNOWN(mgmt2, IVssSnapshotMgmt2, lpVtbl2)

static HRESULT STDMETHODCALLTYPE mgmt_GetProviderMgmtInterface(IVssSnapshotMgmt *This, VSS_ID ProviderId,
                                                               REFIID InterfaceId, IUnknown **ppItf)
{
    mgmt *m = SIM_CONTAINER_OF(This, mgmt, lpVtbl);
    CALL_BEGIN(IVssSnapshotMgmt, IVssSnapshotMgmtVtbl, GetProviderMgmtInterface, m->base.id);
    ARG_GUID(ProviderId);
    ARG_REFIID(InterfaceId);
    ARG_OUT(ppItf);
    CALL_COMMIT();
    if (!InterfaceId || !ppItf)
        return CALL_END(E_INVALIDARG);
    if (!guid_eq(&ProviderId, &SIM_PROVIDER_ID))
        return CALL_END(VSS_E_PROVIDER_NOT_REGISTERED);
    if (!guid_eq(InterfaceId, &SIM_IID_IVssDifferentialSoftwareSnapshotMgmt) &&
        !guid_eq(InterfaceId, &SIM_IID_IVssDifferentialSoftwareSnapshotMgmt2) &&
        !guid_eq(InterfaceId, &SIM_IID_IVssDifferentialSoftwareSnapshotMgmt3)) {
        *ppItf = NULL;
        return CALL_END(E_NOINTERFACE);
    }
    *ppItf = diff_new();
    return CALL_END(S_OK);
}

static enum_mgmt_item *items_alloc(size_t n)
{
    enum_mgmt_item *items = calloc(n ? n : 1, sizeof *items);
    if (!items)
        abort();
    return items;
}

static HRESULT STDMETHODCALLTYPE mgmt_QueryVolumesSupportedForSnapshots(IVssSnapshotMgmt *This, VSS_ID ProviderId,
                                                                        LONG lContext, IVssEnumMgmtObject **ppEnum)
{
    mgmt *m = SIM_CONTAINER_OF(This, mgmt, lpVtbl);
    CALL_BEGIN(IVssSnapshotMgmt, IVssSnapshotMgmtVtbl, QueryVolumesSupportedForSnapshots, m->base.id);
    ARG_GUID(ProviderId);
    ARG_INT(lContext);
    ARG_OUT(ppEnum);
    CALL_COMMIT();
    if (!ppEnum)
        return CALL_END(E_INVALIDARG);
    if (!provider_ok(&ProviderId))
        return CALL_END(VSS_E_PROVIDER_NOT_REGISTERED);
    enum_mgmt_item *items = items_alloc(g_state.nvolumes);
    size_t n = 0;
    for (size_t i = 0; i < g_state.nvolumes; i++) {
        if (!g_state.volumes[i].supported)
            continue;
        items[n].type = VSS_MGMT_OBJECT_VOLUME;
        items[n].s[0] = sim_strdup(g_state.volumes[i].guid_name);
        items[n++].s[1] = sim_strdup(g_state.volumes[i].name);
    }
    /* Every management query with no match: S_FALSE and an empty
     * enumerator, as IVssBackupComponents::Query (see backup_snapshots.c). */
    *ppEnum = enum_mgmt_new(items, n);
    return CALL_END(n ? S_OK : S_FALSE);
}

static HRESULT STDMETHODCALLTYPE mgmt_QuerySnapshotsByVolume(IVssSnapshotMgmt *This, VSS_PWSZ pwszVolumeName,
                                                             VSS_ID ProviderId, IVssEnumObject **ppEnum)
{
    mgmt *m = SIM_CONTAINER_OF(This, mgmt, lpVtbl);
    CALL_BEGIN(IVssSnapshotMgmt, IVssSnapshotMgmtVtbl, QuerySnapshotsByVolume, m->base.id);
    ARG_WSTR(pwszVolumeName);
    ARG_GUID(ProviderId);
    ARG_OUT(ppEnum);
    CALL_COMMIT();
    if (!pwszVolumeName || !ppEnum)
        return CALL_END(E_INVALIDARG);
    /* Any registered provider (the hardware one too, when registered); GUID_NULL: all of them. */
    bool any = guid_is_null(&ProviderId);
    if (!any && !state_provider_registered(&ProviderId))
        return CALL_END(VSS_E_PROVIDER_NOT_REGISTERED);
    bool hardware = guid_eq(&ProviderId, &SIM_HW_PROVIDER_ID);
    sim_volume *v;
    size_t vi;
    free(volume_u8(pwszVolumeName, &v, &vi));
    if (!v)
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    sim_snapshot **list = malloc((g_state.nsnapshots + 1) * sizeof *list);
    if (!list)
        abort();
    size_t n = 0;
    /* The copies the named provider made, as Query lists them: a
     * transportable copy not imported here is not surfaced, so not listed
     * (importing-transportable-shadow-copied-volumes.md). */
    for (size_t i = 0; i < g_state.nsnapshots; i++) {
        const sim_snapshot *s = g_state.snapshots[i];
        if (s->volume == vi && !snapshot_in_transit(s) && (any || snapshot_by_hardware(s) == hardware))
            list[n++] = g_state.snapshots[i];
    }
    *ppEnum = enum_objects_new(list, n, false);
    free(list);
    return CALL_END(n ? S_OK : S_FALSE);
}

static HRESULT STDMETHODCALLTYPE mgmt2_GetMinDiffAreaSize(IVssSnapshotMgmt2 *This, LONGLONG *pllMinDiffAreaSize)
{
    mgmt *m = SIM_CONTAINER_OF(This, mgmt, lpVtbl2);
    CALL_BEGIN(IVssSnapshotMgmt2, IVssSnapshotMgmt2Vtbl, GetMinDiffAreaSize, m->base.id);
    ARG_OUT(pllMinDiffAreaSize);
    CALL_COMMIT();
    if (!pllMinDiffAreaSize)
        return CALL_END(E_INVALIDARG);
    *pllMinDiffAreaSize = g_state.min_diff_area_size;
    return CALL_END(S_OK);
}

static const IVssSnapshotMgmtVtbl mgmt_vtbl = {
    .QueryInterface = mgmt_QueryInterface,
    .AddRef = mgmt_AddRef,
    .Release = mgmt_Release,
    .GetProviderMgmtInterface = mgmt_GetProviderMgmtInterface,
    .QueryVolumesSupportedForSnapshots = mgmt_QueryVolumesSupportedForSnapshots,
    .QuerySnapshotsByVolume = mgmt_QuerySnapshotsByVolume,
};

static const IVssSnapshotMgmt2Vtbl mgmt2_vtbl = {
    .QueryInterface = mgmt2_QueryInterface,
    .AddRef = mgmt2_AddRef,
    .Release = mgmt2_Release,
    .GetMinDiffAreaSize = mgmt2_GetMinDiffAreaSize,
};

IVssSnapshotMgmt *mgmt_new(void)
{
    mgmt *m = calloc(1, sizeof *m);
    if (!m)
        abort();
    m->lpVtbl = &mgmt_vtbl;
    m->lpVtbl2 = &mgmt2_vtbl;
    obj_init(&m->base, mgmt_destroy);
    return (IVssSnapshotMgmt *)(void *)&m->lpVtbl;
}

/* ---- IVssDifferentialSoftwareSnapshotMgmt..3 ---- */

#define DIFF_THIS IVssDifferentialSoftwareSnapshotMgmt3 *This
#define DIFF_BEGIN(Iface, Method)                                                                  \
    diff *d = (diff *)(void *)This;                                                                \
    CALL_BEGIN(Iface, Iface##Vtbl, Method, d->base.id)

static void diff_destroy(sim_obj *o) { free(SIM_CONTAINER_OF(o, diff, base)); }

static HRESULT STDMETHODCALLTYPE diff_QueryInterface(DIFF_THIS, REFIID riid, void **ppvObject)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt, QueryInterface);
    ARG_REFIID(riid);
    ARG_OUT(ppvObject);
    CALL_COMMIT();
    static const qi_entry table[] = {
        { &SIM_IID_IUnknown, 0 },
        { &SIM_IID_IVssDifferentialSoftwareSnapshotMgmt, 0 },
        { &SIM_IID_IVssDifferentialSoftwareSnapshotMgmt2, 0 },
        { &SIM_IID_IVssDifferentialSoftwareSnapshotMgmt3, 0 },
    };
    return CALL_END(obj_qi(d, &d->base, table, SIM_ARRAY_LEN(table), riid, ppvObject));
}

static ULONG STDMETHODCALLTYPE diff_AddRef(DIFF_THIS)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt, AddRef);
    call_commit(&c_);
    return call_end_ulong(&c_, obj_addref(&d->base));
}

static ULONG STDMETHODCALLTYPE diff_Release(DIFF_THIS)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt, Release);
    call_commit(&c_);
    return call_end_ulong(&c_, obj_release(&d->base));
}

static sim_diff_area *find_area(const sim_volume *v, const sim_volume *dv, size_t *index)
{
    for (size_t i = 0; i < g_state.ndiff_areas; i++) {
        sim_diff_area *a = &g_state.diff_areas[i];
        if (!strcmp(a->volume, v->guid_name) && (!dv || !strcmp(a->diff_volume, dv->guid_name))) {
            if (index)
                *index = i;
            return a;
        }
    }
    return NULL;
}

static void remove_area(size_t i)
{
    free(g_state.diff_areas[i].volume);
    free(g_state.diff_areas[i].diff_volume);
    memmove(&g_state.diff_areas[i], &g_state.diff_areas[i + 1],
            (g_state.ndiff_areas - i - 1) * sizeof g_state.diff_areas[0]);
    g_state.ndiff_areas--;
    persist_mark();
}

/* Resolves the (volume, diff-area volume) pair of a call. */
static HRESULT two_volumes(VSS_PWSZ a, VSS_PWSZ b, sim_volume **va, sim_volume **vb)
{
    if (!a || !b)
        return E_INVALIDARG;
    free(volume_u8(a, va, NULL));
    free(volume_u8(b, vb, NULL));
    return *va && *vb ? S_OK : VSS_E_OBJECT_NOT_FOUND;
}

static HRESULT STDMETHODCALLTYPE diff_AddDiffArea(DIFF_THIS, VSS_PWSZ pwszVolumeName, VSS_PWSZ pwszDiffAreaVolumeName,
                                                  LONGLONG llMaximumDiffSpace)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt, AddDiffArea);
    ARG_WSTR(pwszVolumeName);
    ARG_WSTR(pwszDiffAreaVolumeName);
    ARG_INT(llMaximumDiffSpace);
    CALL_COMMIT();
    (void)d;
    sim_volume *v, *dv;
    HRESULT hr = two_volumes(pwszVolumeName, pwszDiffAreaVolumeName, &v, &dv);
    if (hr == VSS_E_OBJECT_NOT_FOUND || (SUCCEEDED(hr) && (!v->supported || !dv->supported)))
        return CALL_END(VSS_E_VOLUME_NOT_SUPPORTED);
    if (FAILED(hr))
        return CALL_END(hr);
    if (llMaximumDiffSpace != VSS_ASSOC_NO_MAX_SPACE && llMaximumDiffSpace < g_state.min_diff_area_size)
        return CALL_END(E_INVALIDARG);
    if (find_area(v, NULL, NULL))
        return CALL_END(VSS_E_OBJECT_ALREADY_EXISTS);
    sim_diff_area *a = VEC_PUSH(g_state.diff_areas, g_state.ndiff_areas, g_state.capdiff_areas);
    a->volume = sim_strdup(v->guid_name);
    a->diff_volume = sim_strdup(dv->guid_name);
    a->max_space = llMaximumDiffSpace;
    persist_mark();
    return CALL_END(S_OK);
}

static HRESULT change_max(VSS_PWSZ vol, VSS_PWSZ diffvol, LONGLONG max)
{
    sim_volume *v, *dv;
    HRESULT hr = two_volumes(vol, diffvol, &v, &dv);
    if (FAILED(hr))
        return hr;
    size_t i;
    sim_diff_area *a = find_area(v, dv, &i);
    if (!a)
        return VSS_E_OBJECT_NOT_FOUND;
    if (max == VSS_ASSOC_REMOVE)
        remove_area(i);
    else if (max != VSS_ASSOC_NO_MAX_SPACE && max < a->allocated)
        return VSS_E_INSUFFICIENT_STORAGE;
    else
        a->max_space = max;
    persist_mark();
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE diff_ChangeDiffAreaMaximumSize(DIFF_THIS, VSS_PWSZ pwszVolumeName,
                                                                VSS_PWSZ pwszDiffAreaVolumeName,
                                                                LONGLONG llMaximumDiffSpace)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt, ChangeDiffAreaMaximumSize);
    ARG_WSTR(pwszVolumeName);
    ARG_WSTR(pwszDiffAreaVolumeName);
    ARG_INT(llMaximumDiffSpace);
    CALL_COMMIT();
    (void)d;
    return CALL_END(change_max(pwszVolumeName, pwszDiffAreaVolumeName, llMaximumDiffSpace));
}

static HRESULT STDMETHODCALLTYPE diff_ChangeDiffAreaMaximumSizeEx(DIFF_THIS, VSS_PWSZ pwszVolumeName,
                                                                  VSS_PWSZ pwszDiffAreaVolumeName,
                                                                  LONGLONG llMaximumDiffSpace, WINBOOL bVolatile)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt2, ChangeDiffAreaMaximumSizeEx);
    ARG_WSTR(pwszVolumeName);
    ARG_WSTR(pwszDiffAreaVolumeName);
    ARG_INT(llMaximumDiffSpace);
    ARG_BOOL(bVolatile);
    CALL_COMMIT();
    (void)d;
    return CALL_END(change_max(pwszVolumeName, pwszDiffAreaVolumeName, llMaximumDiffSpace));
}

static HRESULT STDMETHODCALLTYPE diff_QueryVolumesSupportedForDiffAreas(DIFF_THIS, VSS_PWSZ pwszOriginalVolumeName,
                                                                        IVssEnumMgmtObject **ppEnum)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt, QueryVolumesSupportedForDiffAreas);
    ARG_WSTR(pwszOriginalVolumeName);
    ARG_OUT(ppEnum);
    CALL_COMMIT();
    (void)d;
    if (!pwszOriginalVolumeName || !ppEnum)
        return CALL_END(E_INVALIDARG);
    /* The page lists E_INVALIDARG only: an original volume that is no volume. */
    sim_volume *original;
    free(volume_u8(pwszOriginalVolumeName, &original, NULL));
    if (!original)
        return CALL_END(E_INVALIDARG);
    enum_mgmt_item *items = items_alloc(g_state.nvolumes);
    size_t n = 0;
    for (size_t i = 0; i < g_state.nvolumes; i++) {
        const sim_volume *v = &g_state.volumes[i];
        if (!v->supported)
            continue;
        items[n].type = VSS_MGMT_OBJECT_DIFF_VOLUME;
        items[n].s[0] = sim_strdup(v->guid_name);
        items[n].s[1] = sim_strdup(v->name);
        items[n].n[0] = v->free_space;
        items[n++].n[1] = v->total_space;
    }
    *ppEnum = enum_mgmt_new(items, n);
    return CALL_END(n ? S_OK : S_FALSE);
}

/* Diff areas whose original (on_volume false) or storage (true) volume is v. */
static IVssEnumMgmtObject *areas_enum(const sim_volume *v, bool on_volume, size_t *count)
{
    enum_mgmt_item *items = items_alloc(g_state.ndiff_areas);
    size_t n = 0;
    for (size_t i = 0; i < g_state.ndiff_areas; i++) {
        const sim_diff_area *a = &g_state.diff_areas[i];
        if (strcmp(on_volume ? a->diff_volume : a->volume, v->guid_name) != 0)
            continue;
        items[n].type = VSS_MGMT_OBJECT_DIFF_AREA;
        items[n].s[0] = sim_strdup(a->volume);
        items[n].s[1] = sim_strdup(a->diff_volume);
        items[n].n[0] = a->max_space;
        items[n].n[1] = a->allocated;
        items[n++].n[2] = a->used;
    }
    *count = n;
    return enum_mgmt_new(items, n);
}

static HRESULT query_areas(VSS_PWSZ volume, bool on_volume, IVssEnumMgmtObject **ppEnum)
{
    if (!volume || !ppEnum)
        return E_INVALIDARG;
    sim_volume *v;
    free(volume_u8(volume, &v, NULL));
    /* QueryDiffAreasForVolume / OnVolume pages: a name that is no volume is a
     * parameter that is not valid (they list no VSS_E_OBJECT_NOT_FOUND). */
    if (!v)
        return E_INVALIDARG;
    size_t n;
    *ppEnum = areas_enum(v, on_volume, &n);
    return n ? S_OK : S_FALSE;
}

static HRESULT STDMETHODCALLTYPE diff_QueryDiffAreasForVolume(DIFF_THIS, VSS_PWSZ pwszVolumeName,
                                                              IVssEnumMgmtObject **ppEnum)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt, QueryDiffAreasForVolume);
    ARG_WSTR(pwszVolumeName);
    ARG_OUT(ppEnum);
    CALL_COMMIT();
    (void)d;
    return CALL_END(query_areas(pwszVolumeName, false, ppEnum));
}

static HRESULT STDMETHODCALLTYPE diff_QueryDiffAreasOnVolume(DIFF_THIS, VSS_PWSZ pwszVolumeName,
                                                             IVssEnumMgmtObject **ppEnum)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt, QueryDiffAreasOnVolume);
    ARG_WSTR(pwszVolumeName);
    ARG_OUT(ppEnum);
    CALL_COMMIT();
    (void)d;
    return CALL_END(query_areas(pwszVolumeName, true, ppEnum));
}

static HRESULT STDMETHODCALLTYPE diff_QueryDiffAreasForSnapshot(DIFF_THIS, VSS_ID SnapshotId,
                                                                IVssEnumMgmtObject **ppEnum)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt, QueryDiffAreasForSnapshot);
    ARG_GUID(SnapshotId);
    ARG_OUT(ppEnum);
    CALL_COMMIT();
    (void)d;
    if (!ppEnum)
        return CALL_END(E_INVALIDARG);
    sim_snapshot *s = state_find_snapshot(&SnapshotId, NULL);
    if (!s)
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    size_t n;
    *ppEnum = areas_enum(&g_state.volumes[s->volume], false, &n);
    return CALL_END(n ? S_OK : S_FALSE);
}

static HRESULT STDMETHODCALLTYPE diff_MigrateDiffAreas(DIFF_THIS, VSS_PWSZ pwszVolumeName,
                                                       VSS_PWSZ pwszDiffAreaVolumeName,
                                                       VSS_PWSZ pwszNewDiffAreaVolumeName)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt2, MigrateDiffAreas);
    ARG_WSTR(pwszVolumeName);
    ARG_WSTR(pwszDiffAreaVolumeName);
    ARG_WSTR(pwszNewDiffAreaVolumeName);
    CALL_COMMIT();
    (void)d;
    sim_volume *v, *dv, *nv;
    HRESULT hr = two_volumes(pwszVolumeName, pwszDiffAreaVolumeName, &v, &dv);
    if (FAILED(hr))
        return CALL_END(hr);
    if (!pwszNewDiffAreaVolumeName)
        return CALL_END(E_INVALIDARG);
    free(volume_u8(pwszNewDiffAreaVolumeName, &nv, NULL));
    sim_diff_area *a = find_area(v, dv, NULL);
    if (!a || !nv)
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    free(a->diff_volume);
    a->diff_volume = sim_strdup(nv->guid_name);
    persist_mark();
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE diff_QueryMigrationStatus(DIFF_THIS, VSS_PWSZ pwszVolumeName,
                                                           VSS_PWSZ pwszDiffAreaVolumeName, IVssAsync **ppAsync)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt2, QueryMigrationStatus);
    ARG_WSTR(pwszVolumeName);
    ARG_WSTR(pwszDiffAreaVolumeName);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    (void)d;
    sim_volume *v, *dv;
    HRESULT hr = two_volumes(pwszVolumeName, pwszDiffAreaVolumeName, &v, &dv);
    if (SUCCEEDED(hr) && !ppAsync)
        hr = E_INVALIDARG;
    if (SUCCEEDED(hr) && !find_area(v, dv, NULL))
        hr = VSS_E_OBJECT_NOT_FOUND;
    if (SUCCEEDED(hr))
        *ppAsync = async_new(CALL_METHOD, NULL, NULL);
    return CALL_END(hr);
}

static HRESULT STDMETHODCALLTYPE diff_SetSnapshotPriority(DIFF_THIS, VSS_ID idSnapshot, BYTE priority)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt2, SetSnapshotPriority);
    ARG_GUID(idSnapshot);
    ARG_UINT(priority);
    CALL_COMMIT();
    (void)d;
    return CALL_END(state_find_snapshot(&idSnapshot, NULL) ? S_OK : VSS_E_OBJECT_NOT_FOUND);
}

static HRESULT one_volume(VSS_PWSZ name, sim_volume **v)
{
    if (!name)
        return E_INVALIDARG;
    free(volume_u8(name, v, NULL));
    return *v ? S_OK : VSS_E_OBJECT_NOT_FOUND;
}

static HRESULT STDMETHODCALLTYPE diff_SetVolumeProtectLevel(DIFF_THIS, VSS_PWSZ pwszVolumeName,
                                                            VSS_PROTECTION_LEVEL protectionLevel)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt3, SetVolumeProtectLevel);
    ARG_WSTR(pwszVolumeName);
    ARG_INT(protectionLevel);
    CALL_COMMIT();
    (void)d;
    sim_volume *v;
    HRESULT hr = one_volume(pwszVolumeName, &v);
    if (SUCCEEDED(hr) && protectionLevel != VSS_PROTECTION_LEVEL_ORIGINAL_VOLUME &&
        protectionLevel != VSS_PROTECTION_LEVEL_SNAPSHOT)
        hr = E_INVALIDARG;
    if (SUCCEEDED(hr)) {
        v->protection_level = protectionLevel;
        persist_mark();
    }
    return CALL_END(hr);
}

static HRESULT STDMETHODCALLTYPE diff_GetVolumeProtectLevel(DIFF_THIS, VSS_PWSZ pwszVolumeName,
                                                            VSS_VOLUME_PROTECTION_INFO *protectionLevel)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt3, GetVolumeProtectLevel);
    ARG_WSTR(pwszVolumeName);
    ARG_OUT(protectionLevel);
    CALL_COMMIT();
    (void)d;
    sim_volume *v;
    HRESULT hr = one_volume(pwszVolumeName, &v);
    if (SUCCEEDED(hr) && !protectionLevel)
        hr = E_INVALIDARG;
    if (SUCCEEDED(hr)) {
        memset(protectionLevel, 0, sizeof *protectionLevel);
        protectionLevel->m_protectionLevel = (VSS_PROTECTION_LEVEL)v->protection_level;
        protectionLevel->m_volumeIsOfflineForProtection = v->offline_for_protection;
        protectionLevel->m_protectionFault = (VSS_PROTECTION_FAULT)v->protection_fault;
        protectionLevel->m_failureStatus = v->protection_fault ? (LONG)VSS_E_UNEXPECTED_PROVIDER_ERROR : 0;
        protectionLevel->m_volumeHasUnusedDiffArea = find_area(v, NULL, NULL) != NULL;
    }
    return CALL_END(hr);
}

static HRESULT STDMETHODCALLTYPE diff_ClearVolumeProtectFault(DIFF_THIS, VSS_PWSZ pwszVolumeName)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt3, ClearVolumeProtectFault);
    ARG_WSTR(pwszVolumeName);
    CALL_COMMIT();
    (void)d;
    sim_volume *v;
    HRESULT hr = one_volume(pwszVolumeName, &v);
    if (SUCCEEDED(hr)) {
        v->protection_fault = VSS_PROTECTION_FAULT_NONE;
        v->offline_for_protection = false;
        persist_mark();
    }
    return CALL_END(hr);
}

static HRESULT STDMETHODCALLTYPE diff_DeleteUnusedDiffAreas(DIFF_THIS, VSS_PWSZ pwszDiffAreaVolumeName)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt3, DeleteUnusedDiffAreas);
    ARG_WSTR(pwszDiffAreaVolumeName);
    CALL_COMMIT();
    (void)d;
    sim_volume *dv;
    HRESULT hr = one_volume(pwszDiffAreaVolumeName, &dv);
    for (size_t i = g_state.ndiff_areas; SUCCEEDED(hr) && i-- > 0;) {
        const sim_diff_area *a = &g_state.diff_areas[i];
        if (strcmp(a->diff_volume, dv->guid_name) != 0)
            continue;
        bool used = false;
        for (size_t k = 0; k < g_state.nsnapshots; k++) {
            const sim_snapshot *s = g_state.snapshots[k];
            used |= !strcmp(s->original_volume, a->volume) ||
                    (s->volume < g_state.nvolumes && !strcmp(g_state.volumes[s->volume].guid_name, a->volume));
        }
        if (!used)
            remove_area(i);
    }
    return CALL_END(hr);
}

static HRESULT STDMETHODCALLTYPE diff_QuerySnapshotDeltaBitmap(DIFF_THIS, VSS_ID idSnapshotOlder,
                                                               VSS_ID idSnapshotYounger, ULONG *pcBlockSizePerBit,
                                                               ULONG *pcBitmapLength, BYTE **ppbBitmap)
{
    DIFF_BEGIN(IVssDifferentialSoftwareSnapshotMgmt3, QuerySnapshotDeltaBitmap);
    ARG_GUID(idSnapshotOlder);
    ARG_GUID(idSnapshotYounger);
    ARG_OUT(pcBlockSizePerBit);
    ARG_OUT(pcBitmapLength);
    ARG_OUT(ppbBitmap);
    CALL_COMMIT();
    (void)d;
    if (!pcBlockSizePerBit || !pcBitmapLength || !ppbBitmap)
        return CALL_END(E_INVALIDARG);
    sim_snapshot *older = state_find_snapshot(&idSnapshotOlder, NULL);
    sim_snapshot *younger = state_find_snapshot(&idSnapshotYounger, NULL);
    if (!older || !younger)
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    if (older->volume != younger->volume)
        return CALL_END(E_INVALIDARG);
    *pcBlockSizePerBit = 16384;
    *pcBitmapLength = 8;
    *ppbBitmap = mem_task_alloc(8);
    memset(*ppbBitmap, 0, 8);
    return CALL_END(S_OK);
}

static const IVssDifferentialSoftwareSnapshotMgmt3Vtbl diff_vtbl = {
    .QueryInterface = diff_QueryInterface,
    .AddRef = diff_AddRef,
    .Release = diff_Release,
    .AddDiffArea = diff_AddDiffArea,
    .ChangeDiffAreaMaximumSize = diff_ChangeDiffAreaMaximumSize,
    .QueryVolumesSupportedForDiffAreas = diff_QueryVolumesSupportedForDiffAreas,
    .QueryDiffAreasForVolume = diff_QueryDiffAreasForVolume,
    .QueryDiffAreasOnVolume = diff_QueryDiffAreasOnVolume,
    .QueryDiffAreasForSnapshot = diff_QueryDiffAreasForSnapshot,
    .ChangeDiffAreaMaximumSizeEx = diff_ChangeDiffAreaMaximumSizeEx,
    .MigrateDiffAreas = diff_MigrateDiffAreas,
    .QueryMigrationStatus = diff_QueryMigrationStatus,
    .SetSnapshotPriority = diff_SetSnapshotPriority,
    .SetVolumeProtectLevel = diff_SetVolumeProtectLevel,
    .GetVolumeProtectLevel = diff_GetVolumeProtectLevel,
    .ClearVolumeProtectFault = diff_ClearVolumeProtectFault,
    .DeleteUnusedDiffAreas = diff_DeleteUnusedDiffAreas,
    .QuerySnapshotDeltaBitmap = diff_QuerySnapshotDeltaBitmap,
};

static IUnknown *diff_new(void)
{
    diff *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->lpVtbl = &diff_vtbl;
    obj_init(&d->base, diff_destroy);
    return (IUnknown *)(void *)d;
}

HRESULT mgmt_create(REFIID riid, void **ppv)
{
    mgmt *m = SIM_CONTAINER_OF(mgmt_new(), mgmt, lpVtbl);
    HRESULT hr = obj_qi(m, &m->base, mgmt_table, SIM_ARRAY_LEN(mgmt_table), riid, ppv);
    obj_release(&m->base);
    return hr;
}
