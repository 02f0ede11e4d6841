/* The Backup Components Document seen per writer: IVssWriterComponentsExt
 * (two vtable pointers, see below) and IVssComponent..Ex2. */
#include "bc.h"

#include "memory.h"

/* IVssWriterComponentsExt is a C++ class with two bases: the IVssWriterComponents
 * vtable pointer comes first, the IUnknown one 8 bytes later, and QueryInterface,
 * AddRef and Release are reached (and get their This) through the second. */
typedef struct wc {
    const IVssWriterComponentsExtVtbl *lpVtbl;
    const IUnknownVtbl *lpUnknownVtbl;
    sim_obj base;
    bc *b;
    GUID instance_id, writer_id;
} wc;

_Static_assert(offsetof(wc, lpUnknownVtbl) == sizeof(void *), "IUnknown vtable pointer must follow the first");

typedef struct co {
    const IVssComponentEx2Vtbl *lpVtbl;
    sim_obj base;
    bc *b;
    size_t index;
} co;

static IVssComponent *co_new(bc *b, size_t index);

/* ---- IVssWriterComponentsExt ---- */

static wc *wc_from(void *This) { return (wc *)This; }
static wc *wc_from_unknown(IUnknown *This) { return SIM_CONTAINER_OF(This, wc, lpUnknownVtbl); }

static bool wc_owns(const wc *w, const bc_comp *c)
{
    return guid_eq(&c->instance_id, &w->instance_id) && guid_eq(&c->writer_id, &w->writer_id);
}

static void wc_destroy(sim_obj *o)
{
    wc *w = SIM_CONTAINER_OF(o, wc, base);
    obj_release(&w->b->base);
    free(w);
}

static HRESULT STDMETHODCALLTYPE wc_QueryInterface(IUnknown *This, REFIID riid, void **ppvObject)
{
    wc *w = wc_from_unknown(This);
    CALL_BEGIN(IVssWriterComponentsExt, IUnknownVtbl, QueryInterface, w->base.id);
    ARG_REFIID(riid);
    ARG_OUT(ppvObject);
    CALL_COMMIT();
    static const qi_entry table[] = { { &SIM_IID_IUnknown, offsetof(wc, lpUnknownVtbl) } };
    return CALL_END(obj_qi(w, &w->base, table, SIM_ARRAY_LEN(table), riid, ppvObject));
}

static ULONG STDMETHODCALLTYPE wc_AddRef(IUnknown *This)
{
    wc *w = wc_from_unknown(This);
    CALL_BEGIN(IVssWriterComponentsExt, IUnknownVtbl, AddRef, w->base.id);
    call_commit(&c_);
    return call_end_ulong(&c_, obj_addref(&w->base));
}

static ULONG STDMETHODCALLTYPE wc_Release(IUnknown *This)
{
    wc *w = wc_from_unknown(This);
    CALL_BEGIN(IVssWriterComponentsExt, IUnknownVtbl, Release, w->base.id);
    call_commit(&c_);
    return call_end_ulong(&c_, obj_release(&w->base));
}

static HRESULT STDMETHODCALLTYPE wc_GetComponentCount(IVssWriterComponentsExt *This, UINT *pcComponents)
{
    wc *w = wc_from(This);
    CALL_BEGIN(IVssWriterComponents, IVssWriterComponentsVtbl, GetComponentCount, w->base.id);
    ARG_OUT(pcComponents);
    CALL_COMMIT();
    if (!pcComponents)
        return CALL_END(E_INVALIDARG);
    UINT n = 0;
    for (size_t i = 0; i < w->b->ncomps; i++)
        n += wc_owns(w, &w->b->comps[i]);
    *pcComponents = n;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE wc_GetWriterInfo(IVssWriterComponentsExt *This, VSS_ID *pidInstance, VSS_ID *pidWriter)
{
    wc *w = wc_from(This);
    CALL_BEGIN(IVssWriterComponents, IVssWriterComponentsVtbl, GetWriterInfo, w->base.id);
    ARG_OUT(pidInstance);
    ARG_OUT(pidWriter);
    CALL_COMMIT();
    if (!pidInstance || !pidWriter)
        return CALL_END(E_INVALIDARG);
    *pidInstance = w->instance_id;
    *pidWriter = w->writer_id;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE wc_GetComponent(IVssWriterComponentsExt *This, UINT iComponent,
                                                 IVssComponent **ppComponent)
{
    wc *w = wc_from(This);
    CALL_BEGIN(IVssWriterComponents, IVssWriterComponentsVtbl, GetComponent, w->base.id);
    ARG_UINT(iComponent);
    ARG_OUT(ppComponent);
    CALL_COMMIT();
    if (!ppComponent)
        return CALL_END(E_INVALIDARG);
    UINT k = 0;
    for (size_t i = 0; i < w->b->ncomps; i++) {
        if (wc_owns(w, &w->b->comps[i]) && k++ == iComponent) {
            *ppComponent = co_new(w->b, i);
            return CALL_END(S_OK);
        }
    }
    return CALL_END(VSS_E_OBJECT_NOT_FOUND);
}

static const IVssWriterComponentsExtVtbl wc_vtbl = {
    .GetComponentCount = wc_GetComponentCount,
    .GetWriterInfo = wc_GetWriterInfo,
    .GetComponent = wc_GetComponent,
};

static const IUnknownVtbl wc_unknown_vtbl = {
    .QueryInterface = wc_QueryInterface,
    .AddRef = wc_AddRef,
    .Release = wc_Release,
};

IVssWriterComponentsExt *wc_new(bc *b, size_t writer_index)
{
    wc *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    w->lpVtbl = &wc_vtbl;
    w->lpUnknownVtbl = &wc_unknown_vtbl;
    obj_init(&w->base, wc_destroy);
    w->b = b;
    obj_addref(&b->base);
    bc_doc_writer(b, writer_index, &w->instance_id, &w->writer_id);
    return (IVssWriterComponentsExt *)(void *)w;
}

/* ---- IVssComponent..Ex2 ---- */

#define CO_THIS IVssComponentEx2 *This
#define CO_BEGIN(Iface, Method)                                                                    \
    co *o = (co *)(void *)This;                                                                    \
    bc_comp *c = &o->b->comps[o->index];                                                           \
    CALL_BEGIN(Iface, Iface##Vtbl, Method, o->base.id)

static void co_destroy(sim_obj *obj)
{
    co *o = SIM_CONTAINER_OF(obj, co, base);
    obj_release(&o->b->base);
    free(o);
}

static HRESULT STDMETHODCALLTYPE co_QueryInterface(CO_THIS, REFIID riid, void **ppvObject)
{
    CO_BEGIN(IVssComponent, QueryInterface);
    ARG_REFIID(riid);
    ARG_OUT(ppvObject);
    CALL_COMMIT();
    (void)c;
    static const qi_entry table[] = {
        { &SIM_IID_IUnknown, 0 },
        { &SIM_IID_IVssComponent, 0 },
        { &SIM_IID_IVssComponentEx, 0 },
        { &SIM_IID_IVssComponentEx2, 0 },
    };
    return CALL_END(obj_qi(o, &o->base, table, SIM_ARRAY_LEN(table), riid, ppvObject));
}

static ULONG STDMETHODCALLTYPE co_AddRef(CO_THIS)
{
    CO_BEGIN(IVssComponent, AddRef);
    (void)c;
    call_commit(&c_);
    return call_end_ulong(&c_, obj_addref(&o->base));
}

static ULONG STDMETHODCALLTYPE co_Release(CO_THIS)
{
    CO_BEGIN(IVssComponent, Release);
    (void)c;
    call_commit(&c_);
    return call_end_ulong(&c_, obj_release(&o->base));
}

/* A string property: S_FALSE with NULL when it was never set. */
static HRESULT out_str(const char *value, BSTR *out)
{
    if (!out)
        return E_INVALIDARG;
    *out = mem_bstr_from_u8(value);
    return value ? S_OK : S_FALSE;
}

static HRESULT out_bool(bool value, boolean *out)
{
    if (!out)
        return E_INVALIDARG;
    *out = value;
    return S_OK;
}

static HRESULT out_uint(size_t value, UINT *out)
{
    if (!out)
        return E_INVALIDARG;
    *out = (UINT)value;
    return S_OK;
}

static HRESULT in_str(char **slot, LPCWSTR value)
{
    if (!value)
        return E_INVALIDARG;
    free(*slot);
    *slot = wstr_u8(value);
    return S_OK;
}

#define CO_GET_STR(Iface, Method, Param, expr)                                                     \
    static HRESULT STDMETHODCALLTYPE co_##Method(CO_THIS, BSTR *Param)                             \
    {                                                                                              \
        CO_BEGIN(Iface, Method);                                                                   \
        ARG_OUT(Param);                                                                            \
        CALL_COMMIT();                                                                             \
        return CALL_END(out_str((expr), Param));                                                   \
    }

#define CO_SET_STR(Iface, Method, Param, which)                                                    \
    static HRESULT STDMETHODCALLTYPE co_##Method(CO_THIS, LPCWSTR Param)                           \
    {                                                                                              \
        CO_BEGIN(Iface, Method);                                                                   \
        ARG_WSTR(Param);                                                                           \
        CALL_COMMIT();                                                                             \
        return CALL_END(in_str(&c->str[which], Param));                                            \
    }

#define CO_GET_BOOL(Iface, Method, Param, expr)                                                    \
    static HRESULT STDMETHODCALLTYPE co_##Method(CO_THIS, boolean *Param)                          \
    {                                                                                              \
        CO_BEGIN(Iface, Method);                                                                   \
        ARG_OUT(Param);                                                                            \
        CALL_COMMIT();                                                                             \
        return CALL_END(out_bool((expr), Param));                                                  \
    }

#define CO_COUNT(Iface, Method, Param, kind)                                                       \
    static HRESULT STDMETHODCALLTYPE co_##Method(CO_THIS, UINT *Param)                             \
    {                                                                                              \
        CO_BEGIN(Iface, Method);                                                                   \
        ARG_OUT(Param);                                                                            \
        CALL_COMMIT();                                                                             \
        return CALL_END(out_uint(comp_item_count(c, kind), Param));                                \
    }

/* An item of a list as an IVssWMFiledesc: strings 0, 1, 2 are path, filespec, alternate. */
#define CO_FILEDESC(Iface, Method, Index, kind)                                                    \
    static HRESULT STDMETHODCALLTYPE co_##Method(CO_THIS, UINT Index, IVssWMFiledesc **ppFiledesc) \
    {                                                                                              \
        CO_BEGIN(Iface, Method);                                                                   \
        ARG_UINT(Index);                                                                           \
        ARG_OUT(ppFiledesc);                                                                       \
        CALL_COMMIT();                                                                             \
        if (!ppFiledesc)                                                                           \
            return CALL_END(E_INVALIDARG);                                                         \
        bc_item *it = comp_item(c, kind, Index);                                                   \
        if (!it)                                                                                   \
            return CALL_END(VSS_E_OBJECT_NOT_FOUND);                                               \
        *ppFiledesc = fd_new(it->s[0], it->s[1], it->flag, it->s[2], 0);                           \
        return CALL_END(S_OK);                                                                     \
    }

CO_GET_STR(IVssComponent, GetLogicalPath, pbstrPath, c->logical_path)
CO_GET_STR(IVssComponent, GetComponentName, pbstrName, c->name)
CO_SET_STR(IVssComponent, SetBackupMetadata, wszData, CS_BACKUP_METADATA)
CO_GET_STR(IVssComponent, GetBackupMetadata, pbstrData, c->str[CS_BACKUP_METADATA])
CO_SET_STR(IVssComponent, SetRestoreMetadata, wszRestoreMetadata, CS_RESTORE_METADATA)
CO_GET_STR(IVssComponent, GetRestoreMetadata, pbstrRestoreMetadata, c->str[CS_RESTORE_METADATA])
CO_SET_STR(IVssComponent, SetPreRestoreFailureMsg, wszPreRestoreFailureMsg, CS_PRE_RESTORE_MSG)
CO_GET_STR(IVssComponent, GetPreRestoreFailureMsg, pbstrPreRestoreFailureMsg, c->str[CS_PRE_RESTORE_MSG])
CO_SET_STR(IVssComponent, SetPostRestoreFailureMsg, wszPostRestoreFailureMsg, CS_POST_RESTORE_MSG)
CO_GET_STR(IVssComponent, GetPostRestoreFailureMsg, pbstrPostRestoreFailureMsg, c->str[CS_POST_RESTORE_MSG])
CO_SET_STR(IVssComponent, SetBackupStamp, wszBackupStamp, CS_BACKUP_STAMP)
CO_GET_STR(IVssComponent, GetBackupStamp, pbstrBackupStamp, c->str[CS_BACKUP_STAMP])
CO_GET_STR(IVssComponent, GetPreviousBackupStamp, pbstrBackupStamp, c->str[CS_PREVIOUS_STAMP])
CO_GET_STR(IVssComponent, GetBackupOptions, pbstrBackupOptions, c->str[CS_BACKUP_OPTIONS])
CO_GET_STR(IVssComponent, GetRestoreOptions, pbstrRestoreOptions, c->str[CS_RESTORE_OPTIONS])
CO_SET_STR(IVssComponentEx, SetPrepareForBackupFailureMsg, wszFailureMsg, CS_PREPARE_MSG)
CO_SET_STR(IVssComponentEx, SetPostSnapshotFailureMsg, wszFailureMsg, CS_POST_SNAPSHOT_MSG)
CO_GET_STR(IVssComponentEx, GetPrepareForBackupFailureMsg, pbstrFailureMsg, c->str[CS_PREPARE_MSG])
CO_GET_STR(IVssComponentEx, GetPostSnapshotFailureMsg, pbstrFailureMsg, c->str[CS_POST_SNAPSHOT_MSG])
CO_GET_STR(IVssComponentEx, GetRestoreName, pbstrName, c->str[CS_RESTORE_NAME])
CO_GET_BOOL(IVssComponent, IsSelectedForRestore, pbSelectedForRestore, c->selected_for_restore)
CO_GET_BOOL(IVssComponent, GetAdditionalRestores, pbAdditionalRestores, c->additional_restores)
CO_GET_BOOL(IVssComponentEx, GetAuthoritativeRestore, pbAuth, c->authoritative)
CO_COUNT(IVssComponent, GetAlternateLocationMappingCount, pcMappings, ITEM_ALT_MAPPING)
CO_COUNT(IVssComponent, GetPartialFileCount, pcPartialFiles, ITEM_PARTIAL_FILE)
CO_COUNT(IVssComponent, GetNewTargetCount, pcNewTarget, ITEM_NEW_TARGET)
CO_COUNT(IVssComponent, GetDirectedTargetCount, pcDirectedTarget, ITEM_DIRECTED)
CO_COUNT(IVssComponent, GetRestoreSubcomponentCount, pcRestoreSubcomponent, ITEM_SUBCOMPONENT)
CO_COUNT(IVssComponent, GetDifferencedFilesCount, pcDifferencedFiles, ITEM_DIFFERENCED)
CO_FILEDESC(IVssComponent, GetAlternateLocationMapping, iMapping, ITEM_ALT_MAPPING)
CO_FILEDESC(IVssComponent, GetNewTarget, iNewTarget, ITEM_NEW_TARGET)

static HRESULT STDMETHODCALLTYPE co_GetComponentType(CO_THIS, VSS_COMPONENT_TYPE *pct)
{
    CO_BEGIN(IVssComponent, GetComponentType);
    ARG_OUT(pct);
    CALL_COMMIT();
    if (!pct)
        return CALL_END(E_INVALIDARG);
    *pct = (VSS_COMPONENT_TYPE)c->type;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE co_GetBackupSucceeded(CO_THIS, boolean *pbSucceeded)
{
    CO_BEGIN(IVssComponent, GetBackupSucceeded);
    ARG_OUT(pbSucceeded);
    CALL_COMMIT();
    if (!pbSucceeded)
        return CALL_END(E_INVALIDARG);
    *pbSucceeded = c->backup_succeeded == 1;
    return CALL_END(c->backup_succeeded < 0 ? S_FALSE : S_OK);
}

/* Fills the BSTR outs of a list item; every out must be given. */
static HRESULT item_strings(bc_item *it, BSTR **outs, int n)
{
    for (int k = 0; k < n; k++)
        if (!outs[k])
            return E_INVALIDARG;
    if (!it)
        return VSS_E_OBJECT_NOT_FOUND;
    for (int k = 0; k < n; k++)
        *outs[k] = mem_bstr_from_u8(it->s[k] ? it->s[k] : "");
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE co_AddPartialFile(CO_THIS, LPCWSTR wszPath, LPCWSTR wszFilename, LPCWSTR wszRanges,
                                                   LPCWSTR wszMetadata)
{
    CO_BEGIN(IVssComponent, AddPartialFile);
    ARG_WSTR(wszPath);
    ARG_WSTR(wszFilename);
    ARG_WSTR(wszRanges);
    ARG_WSTR(wszMetadata);
    CALL_COMMIT();
    if (!wszPath || !wszFilename || !wszRanges)
        return CALL_END(E_INVALIDARG);
    bc_item *it = comp_add_item(c, ITEM_PARTIAL_FILE);
    it->s[0] = wstr_u8(wszPath);
    it->s[1] = wstr_u8(wszFilename);
    it->s[2] = wstr_u8(wszRanges);
    it->s[3] = wstr_u8(wszMetadata);
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE co_GetPartialFile(CO_THIS, UINT iPartialFile, BSTR *pbstrPath, BSTR *pbstrFilename,
                                                   BSTR *pbstrRange, BSTR *pbstrMetadata)
{
    CO_BEGIN(IVssComponent, GetPartialFile);
    ARG_UINT(iPartialFile);
    ARG_OUT(pbstrPath);
    ARG_OUT(pbstrFilename);
    ARG_OUT(pbstrRange);
    ARG_OUT(pbstrMetadata);
    CALL_COMMIT();
    BSTR *outs[] = { pbstrPath, pbstrFilename, pbstrRange, pbstrMetadata };
    return CALL_END(item_strings(comp_item(c, ITEM_PARTIAL_FILE, iPartialFile), outs, 4));
}

static HRESULT STDMETHODCALLTYPE co_AddDirectedTarget(CO_THIS, LPCWSTR wszSourcePath, LPCWSTR wszSourceFilename,
                                                      LPCWSTR wszSourceRangeList, LPCWSTR wszDestinationPath,
                                                      LPCWSTR wszDestinationFilename, LPCWSTR wszDestinationRangeList)
{
    CO_BEGIN(IVssComponent, AddDirectedTarget);
    ARG_WSTR(wszSourcePath);
    ARG_WSTR(wszSourceFilename);
    ARG_WSTR(wszSourceRangeList);
    ARG_WSTR(wszDestinationPath);
    ARG_WSTR(wszDestinationFilename);
    ARG_WSTR(wszDestinationRangeList);
    CALL_COMMIT();
    LPCWSTR in[] = { wszSourcePath, wszSourceFilename, wszSourceRangeList,
                     wszDestinationPath, wszDestinationFilename, wszDestinationRangeList };
    if (!wszSourcePath || !wszSourceFilename || !wszDestinationPath || !wszDestinationFilename)
        return CALL_END(E_INVALIDARG);
    bc_item *it = comp_add_item(c, ITEM_DIRECTED);
    for (int k = 0; k < 6; k++)
        it->s[k] = wstr_u8(in[k]);
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE co_GetDirectedTarget(CO_THIS, UINT iDirectedTarget, BSTR *pbstrSourcePath,
                                                      BSTR *pbstrSourceFileName, BSTR *pbstrSourceRangeList,
                                                      BSTR *pbstrDestinationPath, BSTR *pbstrDestinationFilename,
                                                      BSTR *pbstrDestinationRangeList)
{
    CO_BEGIN(IVssComponent, GetDirectedTarget);
    ARG_UINT(iDirectedTarget);
    ARG_OUT(pbstrSourcePath);
    ARG_OUT(pbstrSourceFileName);
    ARG_OUT(pbstrSourceRangeList);
    ARG_OUT(pbstrDestinationPath);
    ARG_OUT(pbstrDestinationFilename);
    ARG_OUT(pbstrDestinationRangeList);
    CALL_COMMIT();
    BSTR *outs[] = { pbstrSourcePath, pbstrSourceFileName, pbstrSourceRangeList,
                     pbstrDestinationPath, pbstrDestinationFilename, pbstrDestinationRangeList };
    return CALL_END(item_strings(comp_item(c, ITEM_DIRECTED, iDirectedTarget), outs, 6));
}

static HRESULT STDMETHODCALLTYPE co_SetRestoreTarget(CO_THIS, VSS_RESTORE_TARGET target)
{
    CO_BEGIN(IVssComponent, SetRestoreTarget);
    ARG_INT(target);
    CALL_COMMIT();
    if (target < VSS_RT_ORIGINAL || target > VSS_RT_ORIGINAL_LOCATION)
        return CALL_END(E_INVALIDARG);
    c->restore_target = target;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE co_GetRestoreTarget(CO_THIS, VSS_RESTORE_TARGET *pTarget)
{
    CO_BEGIN(IVssComponent, GetRestoreTarget);
    ARG_OUT(pTarget);
    CALL_COMMIT();
    if (!pTarget)
        return CALL_END(E_INVALIDARG);
    *pTarget = (VSS_RESTORE_TARGET)c->restore_target;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE co_GetRestoreSubcomponent(CO_THIS, UINT iComponent, BSTR *pbstrLogicalPath,
                                                           BSTR *pbstrComponentName, boolean *pbRepair)
{
    CO_BEGIN(IVssComponent, GetRestoreSubcomponent);
    ARG_UINT(iComponent);
    ARG_OUT(pbstrLogicalPath);
    ARG_OUT(pbstrComponentName);
    ARG_OUT(pbRepair);
    CALL_COMMIT();
    if (!pbRepair)
        return CALL_END(E_INVALIDARG);
    bc_item *it = comp_item(c, ITEM_SUBCOMPONENT, iComponent);
    BSTR *outs[] = { pbstrLogicalPath, pbstrComponentName };
    HRESULT hr = item_strings(it, outs, 2);
    if (SUCCEEDED(hr))
        *pbRepair = it->flag;
    return CALL_END(hr);
}

static HRESULT STDMETHODCALLTYPE co_GetFileRestoreStatus(CO_THIS, VSS_FILE_RESTORE_STATUS *pStatus)
{
    CO_BEGIN(IVssComponent, GetFileRestoreStatus);
    ARG_OUT(pStatus);
    CALL_COMMIT();
    if (!pStatus)
        return CALL_END(E_INVALIDARG);
    *pStatus = (VSS_FILE_RESTORE_STATUS)c->file_restore_status;
    return CALL_END(S_OK);
}

static HRESULT add_differenced(bc_comp *c, LPCWSTR path, LPCWSTR filespec, WINBOOL recursive, const char *lsn,
                               uint64_t time)
{
    if (!path || !filespec)
        return E_INVALIDARG;
    bc_item *it = comp_add_item(c, ITEM_DIFFERENCED);
    it->s[0] = wstr_u8(path);
    it->s[1] = wstr_u8(filespec);
    it->s[2] = sim_strdup(lsn);
    it->flag = recursive != 0;
    it->num = time;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE co_AddDifferencedFilesByLastModifyTime(CO_THIS, LPCWSTR wszPath, LPCWSTR wszFilespec,
                                                                        WINBOOL bRecursive, FILETIME ftLastModifyTime)
{
    CO_BEGIN(IVssComponent, AddDifferencedFilesByLastModifyTime);
    ARG_WSTR(wszPath);
    ARG_WSTR(wszFilespec);
    ARG_BOOL(bRecursive);
    ARG_FILETIME(ftLastModifyTime);
    CALL_COMMIT();
    uint64_t t = (uint64_t)ftLastModifyTime.dwHighDateTime << 32 | ftLastModifyTime.dwLowDateTime;
    return CALL_END(add_differenced(c, wszPath, wszFilespec, bRecursive, NULL, t));
}

static HRESULT STDMETHODCALLTYPE co_AddDifferencedFilesByLastModifyLSN(CO_THIS, LPCWSTR wszPath, LPCWSTR wszFilespec,
                                                                       WINBOOL bRecursive, BSTR bstrLsnString)
{
    CO_BEGIN(IVssComponent, AddDifferencedFilesByLastModifyLSN);
    ARG_WSTR(wszPath);
    ARG_WSTR(wszFilespec);
    ARG_BOOL(bRecursive);
    ARG_BSTR(bstrLsnString);
    CALL_COMMIT();
    char *lsn = bstrLsnString ? u16_to_u8(bstrLsnString, mem_bstr_len(bstrLsnString)) : NULL;
    HRESULT hr = add_differenced(c, wszPath, wszFilespec, bRecursive, lsn, 0);
    free(lsn);
    return CALL_END(hr);
}

static HRESULT STDMETHODCALLTYPE co_GetDifferencedFile(CO_THIS, UINT iDifferencedFile, BSTR *pbstrPath,
                                                       BSTR *pbstrFilespec, WINBOOL *pbRecursive,
                                                       BSTR *pbstrLsnString, FILETIME *pftLastModifyTime)
{
    CO_BEGIN(IVssComponent, GetDifferencedFile);
    ARG_UINT(iDifferencedFile);
    ARG_OUT(pbstrPath);
    ARG_OUT(pbstrFilespec);
    ARG_OUT(pbRecursive);
    ARG_OUT(pbstrLsnString);
    ARG_OUT(pftLastModifyTime);
    CALL_COMMIT();
    if (!pbRecursive || !pftLastModifyTime)
        return CALL_END(E_INVALIDARG);
    bc_item *it = comp_item(c, ITEM_DIFFERENCED, iDifferencedFile);
    BSTR *outs[] = { pbstrPath, pbstrFilespec, pbstrLsnString };
    HRESULT hr = item_strings(it, outs, 3);
    if (SUCCEEDED(hr)) {
        *pbRecursive = it->flag;
        pftLastModifyTime->dwLowDateTime = (DWORD)it->num;
        pftLastModifyTime->dwHighDateTime = (DWORD)(it->num >> 32);
    }
    return CALL_END(hr);
}

static HRESULT STDMETHODCALLTYPE co_GetRollForward(CO_THIS, VSS_ROLLFORWARD_TYPE *pRollType, BSTR *pbstrPoint)
{
    CO_BEGIN(IVssComponentEx, GetRollForward);
    ARG_OUT(pRollType);
    ARG_OUT(pbstrPoint);
    CALL_COMMIT();
    if (!pRollType || !pbstrPoint)
        return CALL_END(E_INVALIDARG);
    *pRollType = (VSS_ROLLFORWARD_TYPE)c->roll_type;
    *pbstrPoint = mem_bstr_from_u8(c->str[CS_ROLL_POINT]);
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE co_SetFailure(CO_THIS, HRESULT hr, HRESULT hrApplication,
                                               LPCWSTR wszApplicationMessage, DWORD dwReserved)
{
    CO_BEGIN(IVssComponentEx2, SetFailure);
    ARG_HR(hr);
    ARG_HR(hrApplication);
    ARG_WSTR(wszApplicationMessage);
    ARG_UINT(dwReserved);
    CALL_COMMIT();
    c->failure_hr = hr;
    c->failure_app = hrApplication;
    c->failure_reserved = dwReserved;
    free(c->str[CS_APP_MESSAGE]);
    c->str[CS_APP_MESSAGE] = wstr_u8(wszApplicationMessage);
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE co_GetFailure(CO_THIS, HRESULT *phr, HRESULT *phrApplication,
                                               BSTR *pbstrApplicationMessage, DWORD *pdwReserved)
{
    CO_BEGIN(IVssComponentEx2, GetFailure);
    ARG_OUT(phr);
    ARG_OUT(phrApplication);
    ARG_OUT(pbstrApplicationMessage);
    ARG_OUT(pdwReserved);
    CALL_COMMIT();
    if (!phr || !phrApplication || !pbstrApplicationMessage || !pdwReserved)
        return CALL_END(E_INVALIDARG);
    *phr = c->failure_hr;
    *phrApplication = c->failure_app;
    *pbstrApplicationMessage = mem_bstr_from_u8(c->str[CS_APP_MESSAGE]);
    *pdwReserved = c->failure_reserved;
    return CALL_END(S_OK);
}

static const IVssComponentEx2Vtbl co_vtbl = {
    .QueryInterface = co_QueryInterface,
    .AddRef = co_AddRef,
    .Release = co_Release,
    .GetLogicalPath = co_GetLogicalPath,
    .GetComponentType = co_GetComponentType,
    .GetComponentName = co_GetComponentName,
    .GetBackupSucceeded = co_GetBackupSucceeded,
    .GetAlternateLocationMappingCount = co_GetAlternateLocationMappingCount,
    .GetAlternateLocationMapping = co_GetAlternateLocationMapping,
    .SetBackupMetadata = co_SetBackupMetadata,
    .GetBackupMetadata = co_GetBackupMetadata,
    .AddPartialFile = co_AddPartialFile,
    .GetPartialFileCount = co_GetPartialFileCount,
    .GetPartialFile = co_GetPartialFile,
    .IsSelectedForRestore = co_IsSelectedForRestore,
    .GetAdditionalRestores = co_GetAdditionalRestores,
    .GetNewTargetCount = co_GetNewTargetCount,
    .GetNewTarget = co_GetNewTarget,
    .AddDirectedTarget = co_AddDirectedTarget,
    .GetDirectedTargetCount = co_GetDirectedTargetCount,
    .GetDirectedTarget = co_GetDirectedTarget,
    .SetRestoreMetadata = co_SetRestoreMetadata,
    .GetRestoreMetadata = co_GetRestoreMetadata,
    .SetRestoreTarget = co_SetRestoreTarget,
    .GetRestoreTarget = co_GetRestoreTarget,
    .SetPreRestoreFailureMsg = co_SetPreRestoreFailureMsg,
    .GetPreRestoreFailureMsg = co_GetPreRestoreFailureMsg,
    .SetPostRestoreFailureMsg = co_SetPostRestoreFailureMsg,
    .GetPostRestoreFailureMsg = co_GetPostRestoreFailureMsg,
    .SetBackupStamp = co_SetBackupStamp,
    .GetBackupStamp = co_GetBackupStamp,
    .GetPreviousBackupStamp = co_GetPreviousBackupStamp,
    .GetBackupOptions = co_GetBackupOptions,
    .GetRestoreOptions = co_GetRestoreOptions,
    .GetRestoreSubcomponentCount = co_GetRestoreSubcomponentCount,
    .GetRestoreSubcomponent = co_GetRestoreSubcomponent,
    .GetFileRestoreStatus = co_GetFileRestoreStatus,
    .AddDifferencedFilesByLastModifyTime = co_AddDifferencedFilesByLastModifyTime,
    .AddDifferencedFilesByLastModifyLSN = co_AddDifferencedFilesByLastModifyLSN,
    .GetDifferencedFilesCount = co_GetDifferencedFilesCount,
    .GetDifferencedFile = co_GetDifferencedFile,
    .SetPrepareForBackupFailureMsg = co_SetPrepareForBackupFailureMsg,
    .SetPostSnapshotFailureMsg = co_SetPostSnapshotFailureMsg,
    .GetPrepareForBackupFailureMsg = co_GetPrepareForBackupFailureMsg,
    .GetPostSnapshotFailureMsg = co_GetPostSnapshotFailureMsg,
    .GetAuthoritativeRestore = co_GetAuthoritativeRestore,
    .GetRollForward = co_GetRollForward,
    .GetRestoreName = co_GetRestoreName,
    .SetFailure = co_SetFailure,
    .GetFailure = co_GetFailure,
};

static IVssComponent *co_new(bc *b, size_t index)
{
    co *o = calloc(1, sizeof *o);
    if (!o)
        abort();
    o->lpVtbl = &co_vtbl;
    obj_init(&o->base, co_destroy);
    o->b = b;
    o->index = index;
    obj_addref(&b->base);
    return (IVssComponent *)(void *)o;
}
