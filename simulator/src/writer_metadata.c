/* Writer Metadata Documents: IVssExamineWriterMetadata..Ex2, IVssWMComponent,
 * IVssWMFiledesc and IVssWMDependency (the text form is in writer_xml.c). */
#include "objects.h"

#include "memory.h"
#include "util.h"
#include "writer_xml.h"

/* ---- IVssWMFiledesc ---- */

typedef struct fd {
    const IVssWMFiledescVtbl *lpVtbl;
    sim_obj base;
    sim_file f;
} fd;

static void fd_destroy(sim_obj *o)
{
    fd *d = SIM_CONTAINER_OF(o, fd, base);
    free(d->f.path);
    free(d->f.filespec);
    free(d->f.alternate);
    free(d);
}

#define SIMPLE_IUNKNOWN(prefix, type, Iface)                                                       \
    static HRESULT STDMETHODCALLTYPE prefix##_QueryInterface(Iface *This, REFIID riid, void **ppvObject) \
    {                                                                                              \
        type *o = (type *)(void *)This;                                                            \
        CALL_BEGIN(Iface, Iface##Vtbl, QueryInterface, o->base.id);                                \
        ARG_REFIID(riid);                                                                          \
        ARG_OUT(ppvObject);                                                                        \
        CALL_COMMIT();                                                                             \
        static const qi_entry table[] = { { &SIM_IID_IUnknown, 0 } };                              \
        return CALL_END(obj_qi(o, &o->base, table, SIM_ARRAY_LEN(table), riid, ppvObject));        \
    }                                                                                              \
    static ULONG STDMETHODCALLTYPE prefix##_AddRef(Iface *This)                                    \
    {                                                                                              \
        type *o = (type *)(void *)This;                                                            \
        CALL_BEGIN(Iface, Iface##Vtbl, AddRef, o->base.id);                                        \
        call_commit(&c_);                                                                          \
        return call_end_ulong(&c_, obj_addref(&o->base));                                          \
    }                                                                                              \
    static ULONG STDMETHODCALLTYPE prefix##_Release(Iface *This)                                   \
    {                                                                                              \
        type *o = (type *)(void *)This;                                                            \
        CALL_BEGIN(Iface, Iface##Vtbl, Release, o->base.id);                                       \
        call_commit(&c_);                                                                          \
        return call_end_ulong(&c_, obj_release(&o->base));                                         \
    }

SIMPLE_IUNKNOWN(fd, fd, IVssWMFiledesc)

static HRESULT out_str(const char *value, BSTR *out, bool optional)
{
    if (!out)
        return E_INVALIDARG;
    if (!value && !optional)
        value = "";
    *out = mem_bstr_from_u8(value);
    return value ? S_OK : S_FALSE;
}

#define FD_METHOD(Method, ParamType, Param)                                                        \
    static HRESULT STDMETHODCALLTYPE fd_##Method(IVssWMFiledesc *This, ParamType Param)            \
    {                                                                                              \
        fd *d = (fd *)(void *)This;                                                                \
        CALL_BEGIN(IVssWMFiledesc, IVssWMFiledescVtbl, Method, d->base.id);                        \
        ARG_OUT(Param);                                                                            \
        CALL_COMMIT();                                                                             \
        if (!Param)                                                                                \
            return CALL_END(E_INVALIDARG);

FD_METHOD(GetPath, BSTR *, pbstrPath)
    return CALL_END(out_str(d->f.path, pbstrPath, false));
}
FD_METHOD(GetFilespec, BSTR *, pbstrFilespec)
    return CALL_END(out_str(d->f.filespec, pbstrFilespec, false));
}
FD_METHOD(GetAlternateLocation, BSTR *, pbstrAlternateLocation)
    return CALL_END(out_str(d->f.alternate, pbstrAlternateLocation, true));
}
FD_METHOD(GetRecursive, boolean *, pbRecursive)
    *pbRecursive = d->f.recursive;
    return CALL_END(S_OK);
}
FD_METHOD(GetBackupTypeMask, DWORD *, pdwTypeMask)
    *pdwTypeMask = d->f.type_mask;
    return CALL_END(S_OK);
}

static const IVssWMFiledescVtbl fd_vtbl = {
    .QueryInterface = fd_QueryInterface,
    .AddRef = fd_AddRef,
    .Release = fd_Release,
    .GetPath = fd_GetPath,
    .GetFilespec = fd_GetFilespec,
    .GetRecursive = fd_GetRecursive,
    .GetAlternateLocation = fd_GetAlternateLocation,
    .GetBackupTypeMask = fd_GetBackupTypeMask,
};

IVssWMFiledesc *fd_new(const char *path, const char *filespec, bool recursive, const char *alternate, DWORD type_mask)
{
    fd *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->lpVtbl = &fd_vtbl;
    obj_init(&d->base, fd_destroy);
    d->f.path = sim_strdup(path);
    d->f.filespec = sim_strdup(filespec);
    d->f.alternate = sim_strdup(alternate);
    d->f.recursive = recursive;
    d->f.type_mask = type_mask;
    return (IVssWMFiledesc *)(void *)d;
}

static IVssWMFiledesc *fd_from_file(const sim_file *f)
{
    return fd_new(f->path, f->filespec, f->recursive, f->alternate, f->type_mask);
}

/* ---- IVssWMDependency ---- */

typedef struct dep {
    const IVssWMDependencyVtbl *lpVtbl;
    sim_obj base;
    sim_dep d;
} dep;

static void dep_destroy(sim_obj *o)
{
    dep *d = SIM_CONTAINER_OF(o, dep, base);
    free(d->d.logical_path);
    free(d->d.component_name);
    free(d);
}

SIMPLE_IUNKNOWN(dep, dep, IVssWMDependency)

static HRESULT STDMETHODCALLTYPE dep_GetWriterId(IVssWMDependency *This, VSS_ID *pWriterId)
{
    dep *d = (dep *)(void *)This;
    CALL_BEGIN(IVssWMDependency, IVssWMDependencyVtbl, GetWriterId, d->base.id);
    ARG_OUT(pWriterId);
    CALL_COMMIT();
    if (!pWriterId)
        return CALL_END(E_INVALIDARG);
    *pWriterId = d->d.writer_id;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE dep_GetLogicalPath(IVssWMDependency *This, BSTR *pbstrLogicalPath)
{
    dep *d = (dep *)(void *)This;
    CALL_BEGIN(IVssWMDependency, IVssWMDependencyVtbl, GetLogicalPath, d->base.id);
    ARG_OUT(pbstrLogicalPath);
    CALL_COMMIT();
    return CALL_END(out_str(d->d.logical_path, pbstrLogicalPath, true));
}

static HRESULT STDMETHODCALLTYPE dep_GetComponentName(IVssWMDependency *This, BSTR *pbstrComponentName)
{
    dep *d = (dep *)(void *)This;
    CALL_BEGIN(IVssWMDependency, IVssWMDependencyVtbl, GetComponentName, d->base.id);
    ARG_OUT(pbstrComponentName);
    CALL_COMMIT();
    return CALL_END(out_str(d->d.component_name, pbstrComponentName, false));
}

static const IVssWMDependencyVtbl dep_vtbl = {
    .QueryInterface = dep_QueryInterface,
    .AddRef = dep_AddRef,
    .Release = dep_Release,
    .GetWriterId = dep_GetWriterId,
    .GetLogicalPath = dep_GetLogicalPath,
    .GetComponentName = dep_GetComponentName,
};

static IVssWMDependency *dep_new(const sim_dep *src)
{
    dep *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->lpVtbl = &dep_vtbl;
    obj_init(&d->base, dep_destroy);
    d->d.writer_id = src->writer_id;
    d->d.logical_path = sim_strdup(src->logical_path);
    d->d.component_name = sim_strdup(src->component_name);
    return (IVssWMDependency *)(void *)d;
}

/* ---- IVssWMComponent ---- */

typedef struct wm wm;

typedef struct wmc {
    const IVssWMComponentVtbl *lpVtbl;
    sim_obj base;
    wm *owner;
    size_t index;
} wmc;

struct wm {
    const IVssExamineWriterMetadataEx2Vtbl *lpVtbl;
    sim_obj base;
    sim_writer *w;
};

static void wmc_destroy(sim_obj *o)
{
    wmc *c = SIM_CONTAINER_OF(o, wmc, base);
    obj_release(&c->owner->base);
    free(c);
}

SIMPLE_IUNKNOWN(wmc, wmc, IVssWMComponent)

static sim_wcomp *wmc_comp(wmc *c) { return &c->owner->w->comps[c->index]; }

static HRESULT STDMETHODCALLTYPE wmc_GetComponentInfo(IVssWMComponent *This, PVSSCOMPONENTINFO *ppInfo)
{
    wmc *c = (wmc *)(void *)This;
    CALL_BEGIN(IVssWMComponent, IVssWMComponentVtbl, GetComponentInfo, c->base.id);
    ARG_OUT(ppInfo);
    CALL_COMMIT();
    if (!ppInfo)
        return CALL_END(E_INVALIDARG);
    const sim_wcomp *s = wmc_comp(c);
    VSS_COMPONENTINFO *info = mem_task_alloc(sizeof *info);
    if (!info)
        return CALL_END(E_OUTOFMEMORY);
    memset(info, 0, sizeof *info);
    info->type = (VSS_COMPONENT_TYPE)s->type;
    info->bstrLogicalPath = mem_bstr_from_u8(s->logical_path);
    info->bstrComponentName = mem_bstr_from_u8(s->name);
    info->bstrCaption = mem_bstr_from_u8(s->caption);
    info->bRestoreMetadata = s->restore_metadata;
    info->bNotifyOnBackupComplete = s->notify_on_backup_complete;
    info->bSelectable = s->selectable;
    info->bSelectableForRestore = s->selectable_for_restore;
    info->dwComponentFlags = s->flags;
    info->cFileCount = (UINT)s->nfiles[FILE_KIND_FILE];
    info->cDatabases = (UINT)s->nfiles[FILE_KIND_DATABASE];
    info->cLogFiles = (UINT)s->nfiles[FILE_KIND_LOG];
    info->cDependencies = (UINT)s->ndeps;
    *ppInfo = info;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE wmc_FreeComponentInfo(IVssWMComponent *This, PVSSCOMPONENTINFO pInfo)
{
    wmc *c = (wmc *)(void *)This;
    CALL_BEGIN(IVssWMComponent, IVssWMComponentVtbl, FreeComponentInfo, c->base.id);
    ARG_IN_PTR(pInfo);
    CALL_COMMIT();
    if (pInfo) {
        mem_bstr_free(pInfo->bstrLogicalPath);
        mem_bstr_free(pInfo->bstrComponentName);
        mem_bstr_free(pInfo->bstrCaption);
        mem_task_free((void *)pInfo);
    }
    return CALL_END(S_OK);
}

#define WMC_FILE(Method, Index, kind)                                                              \
    static HRESULT STDMETHODCALLTYPE wmc_##Method(IVssWMComponent *This, UINT Index, IVssWMFiledesc **ppFiledesc) \
    {                                                                                              \
        wmc *c = (wmc *)(void *)This;                                                              \
        CALL_BEGIN(IVssWMComponent, IVssWMComponentVtbl, Method, c->base.id);                      \
        ARG_UINT(Index);                                                                           \
        ARG_OUT(ppFiledesc);                                                                       \
        CALL_COMMIT();                                                                             \
        if (!ppFiledesc)                                                                           \
            return CALL_END(E_INVALIDARG);                                                         \
        const sim_wcomp *s = wmc_comp(c);                                                          \
        if (Index >= s->nfiles[kind])                                                              \
            return CALL_END(VSS_E_OBJECT_NOT_FOUND);                                               \
        *ppFiledesc = fd_from_file(&s->files[kind][Index]);                                        \
        return CALL_END(S_OK);                                                                     \
    }

WMC_FILE(GetFile, iFile, FILE_KIND_FILE)
WMC_FILE(GetDatabaseFile, iDBFile, FILE_KIND_DATABASE)
WMC_FILE(GetDatabaseLogFile, iDbLogFile, FILE_KIND_LOG)

static HRESULT STDMETHODCALLTYPE wmc_GetDependency(IVssWMComponent *This, UINT iDependency,
                                                   IVssWMDependency **ppDependency)
{
    wmc *c = (wmc *)(void *)This;
    CALL_BEGIN(IVssWMComponent, IVssWMComponentVtbl, GetDependency, c->base.id);
    ARG_UINT(iDependency);
    ARG_OUT(ppDependency);
    CALL_COMMIT();
    if (!ppDependency)
        return CALL_END(E_INVALIDARG);
    const sim_wcomp *s = wmc_comp(c);
    if (iDependency >= s->ndeps)
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    *ppDependency = dep_new(&s->deps[iDependency]);
    return CALL_END(S_OK);
}

static const IVssWMComponentVtbl wmc_vtbl = {
    .QueryInterface = wmc_QueryInterface,
    .AddRef = wmc_AddRef,
    .Release = wmc_Release,
    .GetComponentInfo = wmc_GetComponentInfo,
    .FreeComponentInfo = wmc_FreeComponentInfo,
    .GetFile = wmc_GetFile,
    .GetDatabaseFile = wmc_GetDatabaseFile,
    .GetDatabaseLogFile = wmc_GetDatabaseLogFile,
    .GetDependency = wmc_GetDependency,
};

/* ---- IVssExamineWriterMetadata..Ex2 ---- */

#define WM_THIS IVssExamineWriterMetadataEx2 *This
#define WM_BEGIN(Iface, Method)                                                                    \
    wm *m = (wm *)(void *)This;                                                                    \
    sim_writer *w = m->w;                                                                          \
    CALL_BEGIN(Iface, Iface##Vtbl, Method, m->base.id)

static void wm_destroy(sim_obj *o)
{
    wm *m = SIM_CONTAINER_OF(o, wm, base);
    writer_free(m->w);
    free(m);
}

static HRESULT STDMETHODCALLTYPE wm_QueryInterface(WM_THIS, REFIID riid, void **ppvObject)
{
    WM_BEGIN(IVssExamineWriterMetadata, QueryInterface);
    ARG_REFIID(riid);
    ARG_OUT(ppvObject);
    CALL_COMMIT();
    (void)w;
    static const qi_entry table[] = {
        { &SIM_IID_IUnknown, 0 },
        { &SIM_IID_IVssExamineWriterMetadata, 0 },
        { &SIM_IID_IVssExamineWriterMetadataEx, 0 },
        { &SIM_IID_IVssExamineWriterMetadataEx2, 0 },
    };
    return CALL_END(obj_qi(m, &m->base, table, SIM_ARRAY_LEN(table), riid, ppvObject));
}

static ULONG STDMETHODCALLTYPE wm_AddRef(WM_THIS)
{
    WM_BEGIN(IVssExamineWriterMetadata, AddRef);
    (void)w;
    call_commit(&c_);
    return call_end_ulong(&c_, obj_addref(&m->base));
}

static ULONG STDMETHODCALLTYPE wm_Release(WM_THIS)
{
    WM_BEGIN(IVssExamineWriterMetadata, Release);
    (void)w;
    call_commit(&c_);
    return call_end_ulong(&c_, obj_release(&m->base));
}

static HRESULT identity(const sim_writer *w, VSS_ID *pidInstance, VSS_ID *pidWriter, BSTR *pbstrWriterName,
                        BSTR *pbstrInstanceName, bool want_instance, VSS_USAGE_TYPE *pUsage, VSS_SOURCE_TYPE *pSource)
{
    if (!pidInstance || !pidWriter || !pbstrWriterName || !pUsage || !pSource || (want_instance && !pbstrInstanceName))
        return E_INVALIDARG;
    *pidInstance = w->instance_id;
    *pidWriter = w->writer_id;
    *pbstrWriterName = mem_bstr_from_u8(w->name ? w->name : "");
    if (want_instance)
        *pbstrInstanceName = mem_bstr_from_u8(w->instance_name ? w->instance_name : "");
    *pUsage = (VSS_USAGE_TYPE)w->usage;
    *pSource = (VSS_SOURCE_TYPE)w->source;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE wm_GetIdentity(WM_THIS, VSS_ID *pidInstance, VSS_ID *pidWriter,
                                                BSTR *pbstrWriterName, VSS_USAGE_TYPE *pUsage,
                                                VSS_SOURCE_TYPE *pSource)
{
    WM_BEGIN(IVssExamineWriterMetadata, GetIdentity);
    ARG_OUT(pidInstance);
    ARG_OUT(pidWriter);
    ARG_OUT(pbstrWriterName);
    ARG_OUT(pUsage);
    ARG_OUT(pSource);
    CALL_COMMIT();
    return CALL_END(identity(w, pidInstance, pidWriter, pbstrWriterName, NULL, false, pUsage, pSource));
}

static HRESULT STDMETHODCALLTYPE wm_GetIdentityEx(WM_THIS, VSS_ID *pidInstance, VSS_ID *pidWriter,
                                                  BSTR *pbstrWriterName, BSTR *pbstrInstanceName,
                                                  VSS_USAGE_TYPE *pUsage, VSS_SOURCE_TYPE *pSource)
{
    WM_BEGIN(IVssExamineWriterMetadataEx, GetIdentityEx);
    ARG_OUT(pidInstance);
    ARG_OUT(pidWriter);
    ARG_OUT(pbstrWriterName);
    ARG_OUT(pbstrInstanceName);
    ARG_OUT(pUsage);
    ARG_OUT(pSource);
    CALL_COMMIT();
    return CALL_END(identity(w, pidInstance, pidWriter, pbstrWriterName, pbstrInstanceName, true, pUsage, pSource));
}

static HRESULT STDMETHODCALLTYPE wm_GetFileCounts(WM_THIS, UINT *pcIncludeFiles, UINT *pcExcludeFiles,
                                                  UINT *pcComponents)
{
    WM_BEGIN(IVssExamineWriterMetadata, GetFileCounts);
    ARG_OUT(pcIncludeFiles);
    ARG_OUT(pcExcludeFiles);
    ARG_OUT(pcComponents);
    CALL_COMMIT();
    if (!pcIncludeFiles || !pcExcludeFiles || !pcComponents)
        return CALL_END(E_INVALIDARG);
    *pcIncludeFiles = 0;
    *pcExcludeFiles = (UINT)w->nexcludes;
    *pcComponents = (UINT)w->ncomps;
    return CALL_END(S_OK);
}

static HRESULT file_out(const sim_file *files, size_t n, UINT i, IVssWMFiledesc **pp)
{
    if (!pp)
        return E_INVALIDARG;
    if (i >= n)
        return VSS_E_OBJECT_NOT_FOUND;
    *pp = fd_from_file(&files[i]);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE wm_GetIncludeFile(WM_THIS, UINT iFile, IVssWMFiledesc **ppFiledesc)
{
    WM_BEGIN(IVssExamineWriterMetadata, GetIncludeFile);
    ARG_UINT(iFile);
    ARG_OUT(ppFiledesc);
    CALL_COMMIT();
    (void)w;
    return CALL_END(file_out(NULL, 0, iFile, ppFiledesc));
}

static HRESULT STDMETHODCALLTYPE wm_GetExcludeFile(WM_THIS, UINT iFile, IVssWMFiledesc **ppFiledesc)
{
    WM_BEGIN(IVssExamineWriterMetadata, GetExcludeFile);
    ARG_UINT(iFile);
    ARG_OUT(ppFiledesc);
    CALL_COMMIT();
    return CALL_END(file_out(w->excludes, w->nexcludes, iFile, ppFiledesc));
}

static HRESULT STDMETHODCALLTYPE wm_GetAlternateLocationMapping(WM_THIS, UINT iMapping, IVssWMFiledesc **ppFiledesc)
{
    WM_BEGIN(IVssExamineWriterMetadata, GetAlternateLocationMapping);
    ARG_UINT(iMapping);
    ARG_OUT(ppFiledesc);
    CALL_COMMIT();
    return CALL_END(file_out(w->alt_maps, w->nalt_maps, iMapping, ppFiledesc));
}

static HRESULT STDMETHODCALLTYPE wm_GetExcludeFromSnapshotFile(WM_THIS, UINT iFile, IVssWMFiledesc **ppFiledesc)
{
    WM_BEGIN(IVssExamineWriterMetadataEx2, GetExcludeFromSnapshotFile);
    ARG_UINT(iFile);
    ARG_OUT(ppFiledesc);
    CALL_COMMIT();
    return CALL_END(file_out(w->exclude_snap, w->nexclude_snap, iFile, ppFiledesc));
}

static HRESULT STDMETHODCALLTYPE wm_GetExcludeFromSnapshotCount(WM_THIS, UINT *pcExcludedFromSnapshot)
{
    WM_BEGIN(IVssExamineWriterMetadataEx2, GetExcludeFromSnapshotCount);
    ARG_OUT(pcExcludedFromSnapshot);
    CALL_COMMIT();
    if (!pcExcludedFromSnapshot)
        return CALL_END(E_INVALIDARG);
    *pcExcludedFromSnapshot = (UINT)w->nexclude_snap;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE wm_GetComponent(WM_THIS, UINT iComponent, IVssWMComponent **ppComponent)
{
    WM_BEGIN(IVssExamineWriterMetadata, GetComponent);
    ARG_UINT(iComponent);
    ARG_OUT(ppComponent);
    CALL_COMMIT();
    if (!ppComponent)
        return CALL_END(E_INVALIDARG);
    if (iComponent >= w->ncomps)
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    wmc *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->lpVtbl = &wmc_vtbl;
    obj_init(&c->base, wmc_destroy);
    c->owner = m;
    c->index = iComponent;
    obj_addref(&m->base);
    *ppComponent = (IVssWMComponent *)(void *)c;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE wm_GetRestoreMethod(WM_THIS, VSS_RESTOREMETHOD_ENUM *pMethod, BSTR *pbstrService,
                                                     BSTR *pbstrUserProcedure, VSS_WRITERRESTORE_ENUM *pwriterRestore,
                                                     boolean *pbRebootRequired, UINT *pcMappings)
{
    WM_BEGIN(IVssExamineWriterMetadata, GetRestoreMethod);
    ARG_OUT(pMethod);
    ARG_OUT(pbstrService);
    ARG_OUT(pbstrUserProcedure);
    ARG_OUT(pwriterRestore);
    ARG_OUT(pbRebootRequired);
    ARG_OUT(pcMappings);
    CALL_COMMIT();
    if (!pMethod || !pbstrService || !pbstrUserProcedure || !pwriterRestore || !pbRebootRequired || !pcMappings)
        return CALL_END(E_INVALIDARG);
    *pMethod = (VSS_RESTOREMETHOD_ENUM)w->restore_method;
    *pbstrService = mem_bstr_from_u8(w->service);
    *pbstrUserProcedure = mem_bstr_from_u8(w->user_procedure);
    *pwriterRestore = (VSS_WRITERRESTORE_ENUM)w->writer_restore;
    *pbRebootRequired = w->reboot_required;
    *pcMappings = (UINT)w->nalt_maps;
    return CALL_END(w->restore_method == VSS_RME_UNDEFINED ? S_FALSE : S_OK);
}

static HRESULT STDMETHODCALLTYPE wm_GetBackupSchema(WM_THIS, DWORD *pdwSchemaMask)
{
    WM_BEGIN(IVssExamineWriterMetadata, GetBackupSchema);
    ARG_OUT(pdwSchemaMask);
    CALL_COMMIT();
    if (!pdwSchemaMask)
        return CALL_END(E_INVALIDARG);
    *pdwSchemaMask = w->schema;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE wm_GetDocument(WM_THIS, IXMLDOMDocument **pDoc)
{
    WM_BEGIN(IVssExamineWriterMetadata, GetDocument);
    ARG_OUT(pDoc);
    CALL_COMMIT();
    (void)w;
    if (!pDoc)
        return CALL_END(E_INVALIDARG);
    *pDoc = NULL; /* no MSXML in the simulator */
    return CALL_END(E_NOTIMPL);
}

static HRESULT STDMETHODCALLTYPE wm_SaveAsXML(WM_THIS, BSTR *pbstrXML)
{
    WM_BEGIN(IVssExamineWriterMetadata, SaveAsXML);
    ARG_OUT(pbstrXML);
    CALL_COMMIT();
    if (!pbstrXML)
        return CALL_END(E_INVALIDARG);
    char *xml = writer_to_xml(w);
    *pbstrXML = mem_bstr_from_u8(xml);
    free(xml);
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE wm_LoadFromXML(WM_THIS, BSTR bstrXML)
{
    WM_BEGIN(IVssExamineWriterMetadata, LoadFromXML);
    ARG_BSTR(bstrXML);
    CALL_COMMIT();
    (void)w;
    if (!bstrXML)
        return CALL_END(E_INVALIDARG);
    char *xml = u16_to_u8(bstrXML, mem_bstr_len(bstrXML));
    sim_writer *loaded = writer_from_xml(xml);
    free(xml);
    if (!loaded)
        return CALL_END(S_FALSE);
    writer_free(m->w);
    m->w = loaded;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE wm_GetVersion(WM_THIS, DWORD *pdwMajorVersion, DWORD *pdwMinorVersion)
{
    WM_BEGIN(IVssExamineWriterMetadataEx2, GetVersion);
    ARG_OUT(pdwMajorVersion);
    ARG_OUT(pdwMinorVersion);
    CALL_COMMIT();
    if (!pdwMajorVersion || !pdwMinorVersion)
        return CALL_END(E_INVALIDARG);
    *pdwMajorVersion = w->version_major;
    *pdwMinorVersion = w->version_minor;
    return CALL_END(S_OK);
}

static const IVssExamineWriterMetadataEx2Vtbl wm_vtbl = {
    .QueryInterface = wm_QueryInterface,
    .AddRef = wm_AddRef,
    .Release = wm_Release,
    .GetIdentity = wm_GetIdentity,
    .GetFileCounts = wm_GetFileCounts,
    .GetIncludeFile = wm_GetIncludeFile,
    .GetExcludeFile = wm_GetExcludeFile,
    .GetComponent = wm_GetComponent,
    .GetRestoreMethod = wm_GetRestoreMethod,
    .GetAlternateLocationMapping = wm_GetAlternateLocationMapping,
    .GetBackupSchema = wm_GetBackupSchema,
    .GetDocument = wm_GetDocument,
    .SaveAsXML = wm_SaveAsXML,
    .LoadFromXML = wm_LoadFromXML,
    .GetIdentityEx = wm_GetIdentityEx,
    .GetVersion = wm_GetVersion,
    .GetExcludeFromSnapshotCount = wm_GetExcludeFromSnapshotCount,
    .GetExcludeFromSnapshotFile = wm_GetExcludeFromSnapshotFile,
};

IVssExamineWriterMetadataEx2 *wm_new(sim_writer *w)
{
    wm *m = calloc(1, sizeof *m);
    if (!m)
        abort();
    m->lpVtbl = &wm_vtbl;
    obj_init(&m->base, wm_destroy);
    m->w = w;
    return (IVssExamineWriterMetadataEx2 *)(void *)m;
}
