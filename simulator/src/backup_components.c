/* IVssBackupComponents..Ex4: lifetime, initialisation, writer metadata and
 * status, the backup and restore phases, the document. Snapshot methods are in
 * backup_snapshots.c, per-component setters in backup_selection.c. */
#include "bc.h"

#include "memory.h"

static void free_writers(sim_writer ***list, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        writer_free((*list)[i]);
    free(*list);
    *list = NULL;
    *n = 0;
}

/* ---- lifetime ---- */

static void bc_destroy(sim_obj *o)
{
    bc *b = SIM_CONTAINER_OF(o, bc, base);
    bc_release_snapshots(b);
    if (g_state.set_owner == b)
        g_state.set_owner = NULL;
    bc_clear_doc(b);
    free_writers(&b->metadata, &b->nmetadata);
    free_writers(&b->status, &b->nstatus);
    free(b->disabled_classes);
    free(b->enabled_classes);
    free(b->disabled_instances);
    free(b->recovery_set);
    free(b);
}

static HRESULT STDMETHODCALLTYPE bc_QueryInterface(BC_THIS, REFIID riid, void **ppvObject)
{
    BC_BEGIN(IVssBackupComponents, QueryInterface);
    ARG_REFIID(riid);
    ARG_OUT(ppvObject);
    CALL_COMMIT();
    static const qi_entry table[] = {
        { &SIM_IID_IUnknown, 0 },
        { &SIM_IID_IVssBackupComponents, 0 },
        { &SIM_IID_IVssBackupComponentsEx, 0 },
        { &SIM_IID_IVssBackupComponentsEx2, 0 },
        { &SIM_IID_IVssBackupComponentsEx3, 0 },
        { &SIM_IID_IVssBackupComponentsEx4, 0 },
    };
    return CALL_END(obj_qi(b, &b->base, table, SIM_ARRAY_LEN(table), riid, ppvObject));
}

static ULONG STDMETHODCALLTYPE bc_AddRef(BC_THIS)
{
    BC_BEGIN(IVssBackupComponents, AddRef);
    call_commit(&c_);
    return call_end_ulong(&c_, obj_addref(&b->base));
}

static ULONG STDMETHODCALLTYPE bc_Release(BC_THIS)
{
    BC_BEGIN(IVssBackupComponents, Release);
    call_commit(&c_);
    return call_end_ulong(&c_, obj_release(&b->base));
}

/* ---- initialisation and backup state ---- */

static HRESULT STDMETHODCALLTYPE bc_InitializeForBackup(BC_THIS, BSTR bstrXML)
{
    BC_BEGIN(IVssBackupComponents, InitializeForBackup);
    ARG_BSTR(bstrXML);
    CALL_COMMIT();
    if (b->mode != BC_UNINITIALIZED)
        return CALL_END(VSS_E_BAD_STATE);
    if (bstrXML) {
        char *xml = u16_to_u8(bstrXML, mem_bstr_len(bstrXML));
        bool ok = bc_load_xml(b, xml, false);
        free(xml);
        if (!ok) {
            bc_clear_doc(b);
            return CALL_END(VSS_E_INVALID_XML_DOCUMENT);
        }
    }
    b->mode = BC_BACKUP;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE bc_InitializeForRestore(BC_THIS, BSTR bstrXML)
{
    BC_BEGIN(IVssBackupComponents, InitializeForRestore);
    ARG_BSTR(bstrXML);
    CALL_COMMIT();
    if (b->mode != BC_UNINITIALIZED)
        return CALL_END(VSS_E_BAD_STATE);
    if (!bstrXML)
        return CALL_END(E_INVALIDARG);
    char *xml = u16_to_u8(bstrXML, mem_bstr_len(bstrXML));
    bool ok = bc_load_xml(b, xml, true);
    free(xml);
    if (!ok) {
        bc_clear_doc(b);
        return CALL_END(VSS_E_INVALID_XML_DOCUMENT);
    }
    b->mode = BC_RESTORE;
    b->restore_type = VSS_RTYPE_BY_COPY;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE bc_SetBackupState(BC_THIS, boolean bSelectComponents,
                                                   boolean bBackupBootableSystemState, VSS_BACKUP_TYPE backupType,
                                                   boolean bPartialFileSupport)
{
    BC_BEGIN(IVssBackupComponents, SetBackupState);
    ARG_BOOL(bSelectComponents);
    ARG_BOOL(bBackupBootableSystemState);
    ARG_INT(backupType);
    ARG_BOOL(bPartialFileSupport);
    CALL_COMMIT();
    bc_settle(b);
    /* Also after InitializeForRestore, before PreRestore: established
     * requesters (wbadmin-style restores, the VShadow/BETest samples) call it
     * there, and Windows accepts it. */
    bool restore_ok = b->mode == BC_RESTORE && !b->pre_restore_done && !b->restore_busy;
    if ((b->mode != BC_BACKUP && !restore_ok) || b->prepared || b->snapshot_done || b->pending)
        return CALL_END(VSS_E_BAD_STATE);
    if (backupType < VSS_BT_FULL || backupType > VSS_BT_OTHER)
        return CALL_END(E_INVALIDARG);
    b->backup_state_set = true;
    b->select_components = bSelectComponents != 0;
    b->bootable = bBackupBootableSystemState != 0;
    b->backup_type = backupType;
    b->partial = bPartialFileSupport != 0;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE bc_SetRestoreState(BC_THIS, VSS_RESTORE_TYPE restoreType)
{
    BC_BEGIN(IVssBackupComponents, SetRestoreState);
    ARG_INT(restoreType);
    CALL_COMMIT();
    if (b->mode != BC_RESTORE || b->pre_restore_done || b->restore_busy)
        return CALL_END(VSS_E_BAD_STATE);
    if (restoreType < VSS_RTYPE_BY_COPY || restoreType > VSS_RTYPE_OTHER)
        return CALL_END(E_INVALIDARG);
    b->restore_type = restoreType;
    return CALL_END(S_OK);
}

/* ---- writers ---- */

/* Copies the configured writers this object sees, as they are now. Metadata
 * leaves out writers that failed at Identify; status reports a failure once
 * the object's flow has reached its phase. */
static void take_writers(bc *b, sim_writer ***list, size_t *n, bool status)
{
    free_writers(list, n);
    *list = calloc(g_state.nwriters ? g_state.nwriters : 1, sizeof **list);
    if (!*list)
        abort();
    for (size_t i = 0; i < g_state.nwriters; i++) {
        const sim_writer *src = g_state.writers[i];
        if (!bc_writer_enabled(b, src))
            continue;
        bool failed = src->fail_state && (b->phases & (1u << src->fail_state));
        if (!status && failed && src->fail_state == VSS_WS_FAILED_AT_IDENTIFY)
            continue;
        sim_writer *w = writer_copy(src);
        if (status && failed) {
            w->state = w->fail_state;
            w->hr_failure = w->fail_hr;
            w->hr_application = w->fail_app;
            free(w->message);
            w->message = sim_strdup(w->fail_message);
        } else if (status && w->state == VSS_WS_STABLE && b->snapshot_done && !b->backup_complete) {
            w->state = VSS_WS_WAITING_FOR_BACKUP_COMPLETE;
        }
        (*list)[(*n)++] = w;
    }
}

static void gather_metadata_done(sim_obj *owner, sim_async *a, HRESULT final)
{
    bc *b = SIM_CONTAINER_OF(owner, bc, base);
    (void)a;
    b->pending = NULL;
    /* A writer that fails at Identify is missing from the metadata; the others are there. */
    if (bc_phases_done(b, final) || final == VSS_S_ASYNC_FINISHED) {
        take_writers(b, &b->metadata, &b->nmetadata, false);
        b->metadata_state = GATHER_DONE;
    } else {
        b->metadata_state = GATHER_NONE;
    }
}

static void gather_status_done(sim_obj *owner, sim_async *a, HRESULT final)
{
    bc *b = SIM_CONTAINER_OF(owner, bc, base);
    (void)a;
    b->pending = NULL;
    if (final == VSS_S_ASYNC_FINISHED) {
        take_writers(b, &b->status, &b->nstatus, true);
        b->status_state = GATHER_DONE;
    } else {
        b->status_state = GATHER_NONE;
    }
}

/* Starts an asynchronous phase; the object is busy until it finishes. */
static HRESULT start_phase(bc *b, const sim_method *m, async_done_fn done, HRESULT outcome, IVssAsync **ppAsync)
{
    IVssAsync *a = async_new_ex(m, &b->base, done, outcome);
    if (async_poll(async_from(a)) == false)
        b->pending = async_from(a);
    *ppAsync = a;
    return S_OK;
}

static HRESULT start_async(bc *b, const sim_method *m, async_done_fn done, IVssAsync **ppAsync)
{
    b->op_phases = 0;
    b->op_veto = S_OK;
    return start_phase(b, m, done, VSS_S_ASYNC_FINISHED, ppAsync);
}

/* Starts an operation that runs one writer phase (none in a NO_WRITERS context). */
static HRESULT start_writer_phase(bc *b, const sim_method *m, async_done_fn done, int state, IVssAsync **ppAsync)
{
    bool writers = b->mode == BC_RESTORE || state == VSS_WS_FAILED_AT_IDENTIFY ||
                   !(b->context & VSS_VOLSNAP_ATTR_NO_WRITERS);
    HRESULT outcome = bc_plan_phases(b, &state, writers ? 1 : 0);
    return start_phase(b, m, done, outcome, ppAsync);
}

static HRESULT STDMETHODCALLTYPE bc_GatherWriterMetadata(BC_THIS, IVssAsync **pAsync)
{
    BC_BEGIN(IVssBackupComponents, GatherWriterMetadata);
    ARG_OUT(pAsync);
    CALL_COMMIT();
    bc_settle(b);
    if (!pAsync)
        return CALL_END(E_INVALIDARG);
    if (b->mode == BC_UNINITIALIZED || b->pending || b->metadata_state == GATHER_DONE)
        return CALL_END(VSS_E_BAD_STATE);
    b->metadata_state = GATHER_PENDING;
    return CALL_END(start_writer_phase(b, CALL_METHOD, gather_metadata_done, VSS_WS_FAILED_AT_IDENTIFY, pAsync));
}

static HRESULT STDMETHODCALLTYPE bc_GetWriterMetadataCount(BC_THIS, UINT *pcWriters)
{
    BC_BEGIN(IVssBackupComponents, GetWriterMetadataCount);
    ARG_OUT(pcWriters);
    CALL_COMMIT();
    bc_settle(b);
    if (!pcWriters)
        return CALL_END(E_INVALIDARG);
    if (b->metadata_state != GATHER_DONE)
        return CALL_END(VSS_E_BAD_STATE);
    *pcWriters = (UINT)b->nmetadata;
    return CALL_END(S_OK);
}

static HRESULT get_metadata(bc *b, UINT iWriter, VSS_ID *pidInstance, void **ppMetadata)
{
    bc_settle(b);
    if (!pidInstance || !ppMetadata)
        return E_INVALIDARG;
    if (b->metadata_state != GATHER_DONE)
        return VSS_E_BAD_STATE;
    if (iWriter >= b->nmetadata)
        return VSS_E_OBJECT_NOT_FOUND;
    *pidInstance = b->metadata[iWriter]->instance_id;
    *ppMetadata = wm_new(writer_copy(b->metadata[iWriter]));
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE bc_GetWriterMetadata(BC_THIS, UINT iWriter, VSS_ID *pidInstance,
                                                      IVssExamineWriterMetadata **ppMetadata)
{
    BC_BEGIN(IVssBackupComponents, GetWriterMetadata);
    ARG_UINT(iWriter);
    ARG_OUT(pidInstance);
    ARG_OUT(ppMetadata);
    CALL_COMMIT();
    return CALL_END(get_metadata(b, iWriter, pidInstance, (void **)ppMetadata));
}

static HRESULT STDMETHODCALLTYPE bc_GetWriterMetadataEx(BC_THIS, UINT iWriter, VSS_ID *pidInstance,
                                                        IVssExamineWriterMetadataEx **ppMetadata)
{
    BC_BEGIN(IVssBackupComponentsEx, GetWriterMetadataEx);
    ARG_UINT(iWriter);
    ARG_OUT(pidInstance);
    ARG_OUT(ppMetadata);
    CALL_COMMIT();
    return CALL_END(get_metadata(b, iWriter, pidInstance, (void **)ppMetadata));
}

static HRESULT STDMETHODCALLTYPE bc_FreeWriterMetadata(BC_THIS)
{
    BC_BEGIN(IVssBackupComponents, FreeWriterMetadata);
    CALL_COMMIT();
    bc_settle(b);
    if (b->metadata_state != GATHER_DONE)
        return CALL_END(VSS_E_BAD_STATE);
    free_writers(&b->metadata, &b->nmetadata);
    b->metadata_state = GATHER_FREED;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE bc_GatherWriterStatus(BC_THIS, IVssAsync **pAsync)
{
    BC_BEGIN(IVssBackupComponents, GatherWriterStatus);
    ARG_OUT(pAsync);
    CALL_COMMIT();
    bc_settle(b);
    if (!pAsync)
        return CALL_END(E_INVALIDARG);
    if (b->mode == BC_UNINITIALIZED || b->pending || b->metadata_state == GATHER_NONE)
        return CALL_END(VSS_E_BAD_STATE);
    b->status_state = GATHER_PENDING;
    return CALL_END(start_async(b, CALL_METHOD, gather_status_done, pAsync));
}

static HRESULT STDMETHODCALLTYPE bc_GetWriterStatusCount(BC_THIS, UINT *pcWriters)
{
    BC_BEGIN(IVssBackupComponents, GetWriterStatusCount);
    ARG_OUT(pcWriters);
    CALL_COMMIT();
    bc_settle(b);
    if (!pcWriters)
        return CALL_END(E_INVALIDARG);
    if (b->status_state != GATHER_DONE)
        return CALL_END(VSS_E_BAD_STATE);
    *pcWriters = (UINT)b->nstatus;
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE bc_FreeWriterStatus(BC_THIS)
{
    BC_BEGIN(IVssBackupComponents, FreeWriterStatus);
    CALL_COMMIT();
    bc_settle(b);
    if (b->status_state != GATHER_DONE)
        return CALL_END(VSS_E_BAD_STATE);
    free_writers(&b->status, &b->nstatus);
    b->status_state = GATHER_FREED;
    return CALL_END(S_OK);
}

static HRESULT writer_status(bc *b, UINT i, VSS_ID *pidInstance, VSS_ID *pidWriter, BSTR *pbstrWriter,
                             VSS_WRITER_STATE *pnStatus, HRESULT *phrFailure, HRESULT *phrApplication,
                             BSTR *pbstrApplicationMessage)
{
    bc_settle(b);
    if (!pidInstance || !pidWriter || !pbstrWriter || !pnStatus || !phrFailure)
        return E_INVALIDARG;
    if (b->status_state != GATHER_DONE)
        return VSS_E_BAD_STATE;
    if (i >= b->nstatus)
        return VSS_E_OBJECT_NOT_FOUND;
    const sim_writer *w = b->status[i];
    *pidInstance = w->instance_id;
    *pidWriter = w->writer_id;
    *pbstrWriter = mem_bstr_from_u8(w->name);
    *pnStatus = (VSS_WRITER_STATE)w->state;
    *phrFailure = w->hr_failure;
    if (phrApplication)
        *phrApplication = w->hr_application;
    if (pbstrApplicationMessage)
        *pbstrApplicationMessage = mem_bstr_from_u8(w->message ? w->message : "");
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE bc_GetWriterStatus(BC_THIS, UINT iWriter, VSS_ID *pidInstance, VSS_ID *pidWriter,
                                                    BSTR *pbstrWriter, VSS_WRITER_STATE *pnStatus,
                                                    HRESULT *phResultFailure)
{
    BC_BEGIN(IVssBackupComponents, GetWriterStatus);
    ARG_UINT(iWriter);
    ARG_OUT(pidInstance);
    ARG_OUT(pidWriter);
    ARG_OUT(pbstrWriter);
    ARG_OUT(pnStatus);
    ARG_OUT(phResultFailure);
    CALL_COMMIT();
    return CALL_END(
        writer_status(b, iWriter, pidInstance, pidWriter, pbstrWriter, pnStatus, phResultFailure, NULL, NULL));
}

static HRESULT STDMETHODCALLTYPE bc_GetWriterStatusEx(BC_THIS, UINT iWriter, VSS_ID *pidInstance, VSS_ID *pidWriter,
                                                      BSTR *pbstrWriter, VSS_WRITER_STATE *pnStatus,
                                                      HRESULT *phrFailureWriter, HRESULT *phrApplication,
                                                      BSTR *pbstrApplicationMessage)
{
    BC_BEGIN(IVssBackupComponentsEx3, GetWriterStatusEx);
    ARG_UINT(iWriter);
    ARG_OUT(pidInstance);
    ARG_OUT(pidWriter);
    ARG_OUT(pbstrWriter);
    ARG_OUT(pnStatus);
    ARG_OUT(phrFailureWriter);
    ARG_OUT(phrApplication);
    ARG_OUT(pbstrApplicationMessage);
    CALL_COMMIT();
    return CALL_END(writer_status(b, iWriter, pidInstance, pidWriter, pbstrWriter, pnStatus, phrFailureWriter,
                                  phrApplication, pbstrApplicationMessage));
}

static HRESULT set_writer_ids(bc *b, GUID **list, size_t *n, const VSS_ID *ids, UINT count)
{
    bc_settle(b);
    if (b->mode == BC_UNINITIALIZED || b->metadata_state != GATHER_NONE)
        return VSS_E_BAD_STATE;
    if (!ids && count)
        return E_INVALIDARG;
    GUID *grown = realloc(*list, (*n + count + 1) * sizeof(GUID));
    if (!grown)
        return E_OUTOFMEMORY;
    *list = grown;
    memcpy(*list + *n, ids, count * sizeof(GUID));
    *n += count;
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE bc_DisableWriterClasses(BC_THIS, const VSS_ID *rgWriterClassId, UINT cClassId)
{
    BC_BEGIN(IVssBackupComponents, DisableWriterClasses);
    ARG_GUIDS(rgWriterClassId, cClassId);
    ARG_UINT(cClassId);
    CALL_COMMIT();
    return CALL_END(set_writer_ids(b, &b->disabled_classes, &b->ndisabled_classes, rgWriterClassId, cClassId));
}

static HRESULT STDMETHODCALLTYPE bc_EnableWriterClasses(BC_THIS, const VSS_ID *rgWriterClassId, UINT cClassId)
{
    BC_BEGIN(IVssBackupComponents, EnableWriterClasses);
    ARG_GUIDS(rgWriterClassId, cClassId);
    ARG_UINT(cClassId);
    CALL_COMMIT();
    return CALL_END(set_writer_ids(b, &b->enabled_classes, &b->nenabled_classes, rgWriterClassId, cClassId));
}

static HRESULT STDMETHODCALLTYPE bc_DisableWriterInstances(BC_THIS, const VSS_ID *rgWriterInstanceId,
                                                           UINT cInstanceId)
{
    BC_BEGIN(IVssBackupComponents, DisableWriterInstances);
    ARG_GUIDS(rgWriterInstanceId, cInstanceId);
    ARG_UINT(cInstanceId);
    CALL_COMMIT();
    return CALL_END(
        set_writer_ids(b, &b->disabled_instances, &b->ndisabled_instances, rgWriterInstanceId, cInstanceId));
}

/* ---- the document's writers ---- */

static HRESULT STDMETHODCALLTYPE bc_GetWriterComponentsCount(BC_THIS, UINT *pcComponents)
{
    BC_BEGIN(IVssBackupComponents, GetWriterComponentsCount);
    ARG_OUT(pcComponents);
    CALL_COMMIT();
    if (!pcComponents)
        return CALL_END(E_INVALIDARG);
    if (b->mode == BC_UNINITIALIZED)
        return CALL_END(VSS_E_BAD_STATE);
    *pcComponents = (UINT)bc_doc_writer_count(b);
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE bc_GetWriterComponents(BC_THIS, UINT iWriter, IVssWriterComponentsExt **ppWriter)
{
    BC_BEGIN(IVssBackupComponents, GetWriterComponents);
    ARG_UINT(iWriter);
    ARG_OUT(ppWriter);
    CALL_COMMIT();
    if (!ppWriter)
        return CALL_END(E_INVALIDARG);
    if (b->mode == BC_UNINITIALIZED)
        return CALL_END(VSS_E_BAD_STATE);
    if (iWriter >= bc_doc_writer_count(b))
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    *ppWriter = wc_new(b, iWriter);
    return CALL_END(S_OK);
}

/* ---- backup phases ---- */

static void prepare_done(sim_obj *owner, sim_async *a, HRESULT final)
{
    bc *b = SIM_CONTAINER_OF(owner, bc, base);
    (void)a;
    b->pending = NULL;
    bc_phases_done(b, final);
    b->prepared = final == VSS_S_ASYNC_FINISHED;
}

static HRESULT STDMETHODCALLTYPE bc_PrepareForBackup(BC_THIS, IVssAsync **ppAsync)
{
    BC_BEGIN(IVssBackupComponents, PrepareForBackup);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    bc_settle(b);
    if (!ppAsync)
        return CALL_END(E_INVALIDARG);
    if (b->mode != BC_BACKUP || !b->set_started || b->prepared || b->snapshot_done || b->pending || b->aborted)
        return CALL_END(VSS_E_BAD_STATE);
    return CALL_END(start_writer_phase(b, CALL_METHOD, prepare_done, VSS_WS_FAILED_AT_PREPARE_BACKUP, ppAsync));
}

static void backup_complete_done(sim_obj *owner, sim_async *a, HRESULT final)
{
    bc *b = SIM_CONTAINER_OF(owner, bc, base);
    (void)a;
    b->pending = NULL;
    b->completing = false;
    bc_phases_done(b, final);
    b->backup_complete = final == VSS_S_ASYNC_FINISHED;
}

static HRESULT STDMETHODCALLTYPE bc_BackupComplete(BC_THIS, IVssAsync **ppAsync)
{
    BC_BEGIN(IVssBackupComponents, BackupComplete);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    bc_settle(b);
    if (!ppAsync)
        return CALL_END(E_INVALIDARG);
    if (b->mode != BC_BACKUP || !b->snapshot_done || b->backup_complete || b->pending || b->aborted)
        return CALL_END(VSS_E_BAD_STATE);
    b->completing = true;
    return CALL_END(start_writer_phase(b, CALL_METHOD, backup_complete_done, VSS_WS_FAILED_AT_BACKUP_COMPLETE, ppAsync));
}

static HRESULT STDMETHODCALLTYPE bc_AbortBackup(BC_THIS)
{
    BC_BEGIN(IVssBackupComponents, AbortBackup);
    CALL_COMMIT();
    bc_settle(b);
    if (b->mode != BC_BACKUP)
        return CALL_END(VSS_E_BAD_STATE);
    /* The shadow copies of an aborted backup go, unless they were made to outlive it. */
    bc_release_snapshots(b);
    b->aborted = true;
    if (g_state.set_owner == b && !b->snapshotting)
        g_state.set_owner = NULL;
    return CALL_END(S_OK);
}

/* ---- restore phases ---- */

static void pre_restore_done(sim_obj *owner, sim_async *a, HRESULT final)
{
    bc *b = SIM_CONTAINER_OF(owner, bc, base);
    (void)a;
    b->pending = NULL;
    b->restore_busy = false;
    bc_phases_done(b, final);
    b->pre_restore_done = final == VSS_S_ASYNC_FINISHED;
}

static void post_restore_done(sim_obj *owner, sim_async *a, HRESULT final)
{
    bc *b = SIM_CONTAINER_OF(owner, bc, base);
    (void)a;
    b->pending = NULL;
    b->restore_busy = false;
    bc_phases_done(b, final);
    b->post_restore_done = final == VSS_S_ASYNC_FINISHED;
}

static HRESULT STDMETHODCALLTYPE bc_PreRestore(BC_THIS, IVssAsync **ppAsync)
{
    BC_BEGIN(IVssBackupComponents, PreRestore);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    bc_settle(b);
    if (!ppAsync)
        return CALL_END(E_INVALIDARG);
    if (b->mode != BC_RESTORE || b->pre_restore_done || b->pending)
        return CALL_END(VSS_E_BAD_STATE);
    b->restore_busy = true;
    return CALL_END(start_writer_phase(b, CALL_METHOD, pre_restore_done, VSS_WS_FAILED_AT_PRE_RESTORE, ppAsync));
}

static HRESULT STDMETHODCALLTYPE bc_PostRestore(BC_THIS, IVssAsync **ppAsync)
{
    BC_BEGIN(IVssBackupComponents, PostRestore);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    bc_settle(b);
    if (!ppAsync)
        return CALL_END(E_INVALIDARG);
    if (b->mode != BC_RESTORE || !b->pre_restore_done || b->post_restore_done || b->pending)
        return CALL_END(VSS_E_BAD_STATE);
    b->restore_busy = true;
    return CALL_END(start_writer_phase(b, CALL_METHOD, post_restore_done, VSS_WS_FAILED_AT_POST_RESTORE, ppAsync));
}

/* ---- document and session ---- */

static HRESULT STDMETHODCALLTYPE bc_SaveAsXML(BC_THIS, BSTR *pbstrXML)
{
    BC_BEGIN(IVssBackupComponents, SaveAsXML);
    ARG_OUT(pbstrXML);
    CALL_COMMIT();
    bc_settle(b);
    if (!pbstrXML)
        return CALL_END(E_INVALIDARG);
    if (b->mode == BC_UNINITIALIZED)
        return CALL_END(VSS_E_BAD_STATE);
    char *xml = bc_to_xml(b);
    *pbstrXML = mem_bstr_from_u8(xml);
    free(xml);
    return CALL_END(S_OK);
}

static HRESULT STDMETHODCALLTYPE bc_GetSessionId(BC_THIS, VSS_ID *idSession)
{
    BC_BEGIN(IVssBackupComponentsEx3, GetSessionId);
    ARG_OUT(idSession);
    CALL_COMMIT();
    if (!idSession)
        return CALL_END(E_INVALIDARG);
    *idSession = b->session_id;
    return CALL_END(S_OK);
}

static const IVssBackupComponentsEx4Vtbl bc_vtbl = {
    .QueryInterface = bc_QueryInterface,
    .AddRef = bc_AddRef,
    .Release = bc_Release,
    .GetWriterComponentsCount = bc_GetWriterComponentsCount,
    .GetWriterComponents = bc_GetWriterComponents,
    .InitializeForBackup = bc_InitializeForBackup,
    .SetBackupState = bc_SetBackupState,
    .InitializeForRestore = bc_InitializeForRestore,
    .SetRestoreState = bc_SetRestoreState,
    .GatherWriterMetadata = bc_GatherWriterMetadata,
    .GetWriterMetadataCount = bc_GetWriterMetadataCount,
    .GetWriterMetadata = bc_GetWriterMetadata,
    .FreeWriterMetadata = bc_FreeWriterMetadata,
    .AddComponent = bc_AddComponent,
    .PrepareForBackup = bc_PrepareForBackup,
    .AbortBackup = bc_AbortBackup,
    .GatherWriterStatus = bc_GatherWriterStatus,
    .GetWriterStatusCount = bc_GetWriterStatusCount,
    .FreeWriterStatus = bc_FreeWriterStatus,
    .GetWriterStatus = bc_GetWriterStatus,
    .SetBackupSucceeded = bc_SetBackupSucceeded,
    .SetBackupOptions = bc_SetBackupOptions,
    .SetSelectedForRestore = bc_SetSelectedForRestore,
    .SetRestoreOptions = bc_SetRestoreOptions,
    .SetAdditionalRestores = bc_SetAdditionalRestores,
    .SetPreviousBackupStamp = bc_SetPreviousBackupStamp,
    .SaveAsXML = bc_SaveAsXML,
    .BackupComplete = bc_BackupComplete,
    .AddAlternativeLocationMapping = bc_AddAlternativeLocationMapping,
    .AddRestoreSubcomponent = bc_AddRestoreSubcomponent,
    .SetFileRestoreStatus = bc_SetFileRestoreStatus,
    .AddNewTarget = bc_AddNewTarget,
    .SetRangesFilePath = bc_SetRangesFilePath,
    .PreRestore = bc_PreRestore,
    .PostRestore = bc_PostRestore,
    .SetContext = bc_SetContext,
    .StartSnapshotSet = bc_StartSnapshotSet,
    .AddToSnapshotSet = bc_AddToSnapshotSet,
    .DoSnapshotSet = bc_DoSnapshotSet,
    .DeleteSnapshots = bc_DeleteSnapshots,
    .ImportSnapshots = bc_ImportSnapshots,
    .BreakSnapshotSet = bc_BreakSnapshotSet,
    .GetSnapshotProperties = bc_GetSnapshotProperties,
    .Query = bc_Query,
    .IsVolumeSupported = bc_IsVolumeSupported,
    .DisableWriterClasses = bc_DisableWriterClasses,
    .EnableWriterClasses = bc_EnableWriterClasses,
    .DisableWriterInstances = bc_DisableWriterInstances,
    .ExposeSnapshot = bc_ExposeSnapshot,
    .RevertToSnapshot = bc_RevertToSnapshot,
    .QueryRevertStatus = bc_QueryRevertStatus,
    .GetWriterMetadataEx = bc_GetWriterMetadataEx,
    .SetSelectedForRestoreEx = bc_SetSelectedForRestoreEx,
    .UnexposeSnapshot = bc_UnexposeSnapshot,
    .SetAuthoritativeRestore = bc_SetAuthoritativeRestore,
    .SetRollForward = bc_SetRollForward,
    .SetRestoreName = bc_SetRestoreName,
    .BreakSnapshotSetEx = bc_BreakSnapshotSetEx,
    .PreFastRecovery = bc_PreFastRecovery,
    .FastRecovery = bc_FastRecovery,
    .GetWriterStatusEx = bc_GetWriterStatusEx,
    .AddSnapshotToRecoverySet = bc_AddSnapshotToRecoverySet,
    .RecoverSet = bc_RecoverSet,
    .GetSessionId = bc_GetSessionId,
    .GetRootAndLogicalPrefixPaths = bc_GetRootAndLogicalPrefixPaths,
};

IVssBackupComponentsEx4 *bc_new(void)
{
    bc *b = calloc(1, sizeof *b);
    if (!b)
        abort();
    b->lpVtbl = &bc_vtbl;
    obj_init(&b->base, bc_destroy);
    b->context = VSS_CTX_BACKUP;
    b->backup_type = VSS_BT_FULL;
    b->session_id = state_new_id(ID_SESSION);
    return (IVssBackupComponentsEx4 *)(void *)b;
}
