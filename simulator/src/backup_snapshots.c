/* IVssBackupComponents methods about shadow copies: the snapshot set, queries,
 * deletion, exposure, revert, break, import and LUN recovery. */
#include "bc.h"

#include "fsys.h"
#include "memory.h"
#include "persist.h"
#include "props.h"
#include "sync.h"


static bool context_valid(LONG ctx)
{
    if (ctx == (LONG)VSS_CTX_ALL)
        return true;
    /* SetContext page: a context value, or one ORed with attribute bits
     * (_VSS_VOLUME_SNAPSHOT_ATTRIBUTES); DIFFERENTIAL and PLEX choose the
     * kind of copy and exclude each other. */
    if ((ctx & VSS_VOLSNAP_ATTR_DIFFERENTIAL) && (ctx & VSS_VOLSNAP_ATTR_PLEX))
        return false;
    const LONG extra = VSS_VOLSNAP_ATTR_NO_AUTORECOVERY | VSS_VOLSNAP_ATTR_TRANSPORTABLE |
                       VSS_VOLSNAP_ATTR_ROLLBACK_RECOVERY | VSS_VOLSNAP_ATTR_TXF_RECOVERY |
                       VSS_VOLSNAP_ATTR_DELAYED_POSTSNAPSHOT | VSS_VOLSNAP_ATTR_NOT_TRANSACTED |
                       VSS_VOLSNAP_ATTR_DIFFERENTIAL | VSS_VOLSNAP_ATTR_PLEX;
    switch (ctx & ~extra) {
    case VSS_CTX_BACKUP:
    case VSS_CTX_FILE_SHARE_BACKUP:
    case VSS_CTX_NAS_ROLLBACK:
    case VSS_CTX_APP_ROLLBACK:
    case VSS_CTX_CLIENT_ACCESSIBLE:
    case VSS_CTX_CLIENT_ACCESSIBLE_WRITERS:
        return true;
    default:
        return false;
    }
}

/* A snapshot visible to this object: same context, or the object queries all. */
static bool in_context(const bc *b, const sim_snapshot *s)
{
    return b->context == (LONG)VSS_CTX_ALL || s->context == b->context;
}

HRESULT STDMETHODCALLTYPE bc_SetContext(BC_THIS, LONG lContext)
{
    BC_BEGIN(IVssBackupComponents, SetContext);
    ARG_INT(lContext);
    CALL_COMMIT();
    if (b->mode != BC_BACKUP || b->context_set || b->set_started)
        return CALL_END(VSS_E_BAD_STATE);
    if (!context_valid(lContext))
        return CALL_END(E_INVALIDARG);
    b->context = lContext;
    b->context_set = true;
    return CALL_END(S_OK);
}

HRESULT STDMETHODCALLTYPE bc_StartSnapshotSet(BC_THIS, VSS_ID *pSnapshotSetId)
{
    BC_BEGIN(IVssBackupComponents, StartSnapshotSet);
    ARG_OUT(pSnapshotSetId);
    CALL_COMMIT();
    bc_settle(b);
    if (!pSnapshotSetId)
        return CALL_END(E_INVALIDARG);
    if (b->mode != BC_BACKUP || b->context == (LONG)VSS_CTX_ALL || b->snapshot_done || b->aborted)
        return CALL_END(VSS_E_BAD_STATE);
    /* One shadow copy creation at a time on the machine: from StartSnapshotSet
     * to the end of DoSnapshotSet (or AbortBackup, or the object's release). */
    if (b->set_started || g_state.creating || (g_state.set_owner && g_state.set_owner != b))
        return CALL_END(VSS_E_SNAPSHOT_SET_IN_PROGRESS);
    b->set_id = state_new_id(ID_SNAPSHOT_SET);
    b->set_started = true;
    g_state.set_owner = b;
    b->nset = 0;
    *pSnapshotSetId = b->set_id;
    return CALL_END(S_OK);
}

static size_t snapshots_of_volume(size_t volume)
{
    size_t n = 0;
    for (size_t i = 0; i < g_state.nsnapshots; i++)
        n += g_state.snapshots[i]->volume == volume;
    return n;
}

HRESULT STDMETHODCALLTYPE bc_AddToSnapshotSet(BC_THIS, VSS_PWSZ pwszVolumeName, VSS_ID ProviderId, VSS_ID *pidSnapshot)
{
    BC_BEGIN(IVssBackupComponents, AddToSnapshotSet);
    ARG_WSTR(pwszVolumeName);
    ARG_GUID(ProviderId);
    ARG_OUT(pidSnapshot);
    CALL_COMMIT();
    bc_settle(b);
    if (!pwszVolumeName || !pidSnapshot)
        return CALL_END(E_INVALIDARG);
    if (b->mode != BC_BACKUP || !b->set_started || b->snapshotting || b->snapshot_done || b->aborted)
        return CALL_END(VSS_E_BAD_STATE);
    if (!guid_is_null(&ProviderId) && !state_provider_registered(&ProviderId))
        return CALL_END(VSS_E_PROVIDER_NOT_REGISTERED);
    char *name = wstr_u8(pwszVolumeName);
    size_t vi = 0;
    HRESULT found = state_resolve_volume(name, true, &vi);
    free(name);
    if (FAILED(found))
        return CALL_END(found);
    sim_volume *v = &g_state.volumes[vi];
    /* AddToSnapshotSet page: a name that is no existing volume, or a
     * directory volume whose directory was removed since */
    if (v->dir && !fs_is_dir(v->name))
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    if (!v->supported)
        return CALL_END(VSS_E_VOLUME_NOT_SUPPORTED);
    /* The provider (AddToSnapshotSet page): GUID_NULL picks a hardware
     * provider that supports the volume first (the simulated one supports
     * every supported volume), else the system provider. Only a hardware
     * provider makes transportable copies (VSS_VOLSNAP_ATTR_TRANSPORTABLE,
     * importing-transportable-shadow-copied-volumes.md): the system provider
     * does not support the volume in such a context. */
    bool hardware = guid_is_null(&ProviderId) ? g_state.hardware_provider : guid_eq(&ProviderId, &SIM_HW_PROVIDER_ID);
    if (!hardware && (b->context & VSS_VOLSNAP_ATTR_TRANSPORTABLE))
        return CALL_END(guid_is_null(&ProviderId) ? VSS_E_VOLUME_NOT_SUPPORTED : VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER);
    for (size_t i = 0; i < b->nset; i++)
        if (b->set[i].volume == vi)
            return CALL_END(VSS_E_OBJECT_ALREADY_EXISTS);
    if (b->nset == SIM_MAX_VOLUMES_PER_SET)
        return CALL_END(VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED);
    if (g_state.max_snapshots_per_volume >= 0 &&
        snapshots_of_volume(vi) >= (size_t)g_state.max_snapshots_per_volume)
        return CALL_END(VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED);
    bc_volume_entry *e = &b->set[b->nset++];
    e->snapshot_id = state_new_id(ID_SNAPSHOT);
    e->volume = vi;
    e->hardware = hardware;
    *pidSnapshot = e->snapshot_id;
    return CALL_END(S_OK);
}

/* DoSnapshotSet's work: the set's shadow copies, with the point-in-time
 * copies of directory volumes made on a worker thread (async_work). */
typedef struct create_job {
    size_t n;
    sim_snapshot *made[SIM_MAX_VOLUMES_PER_SET];
    char *src[SIM_MAX_VOLUMES_PER_SET]; /* the directory to copy, NULL for other volumes */
} create_job;

static HRESULT fs_hresult(int r)
{
    switch (r) {
    case FS_OK:
        return S_OK;
    case FS_ERR_NOSPACE:
        return VSS_E_INSUFFICIENT_STORAGE;
    case FS_ERR_NOTFOUND:
        return VSS_E_OBJECT_NOT_FOUND; /* AddToSnapshotSet: not an existing volume */
    case FS_ERR_CANCELLED:
        return VSS_S_ASYNC_CANCELLED;
    default:
        return VSS_E_UNEXPECTED_PROVIDER_ERROR;
    }
}

static void job_discard(create_job *j, bool folders)
{
    for (size_t i = 0; i < j->n; i++) {
        if (j->made[i]) {
            if (j->src[i]) {
                if (folders)
                    fs_remove_snapshot_folder(j->made[i]->device);
                persist_journal_drop(j->made[i]->device);
                persist_job_done(j->made[i]->device);
            }
            snapshot_free(j->made[i]);
        }
        free(j->src[i]);
        j->made[i] = NULL;
        j->src[i] = NULL;
    }
    j->n = 0;
}

static HRESULT create_prepare(sim_obj *owner, void *job)
{
    bc *b = SIM_CONTAINER_OF(owner, bc, base);
    create_job *j = job;
    bool dirs = false;
    int64_t bytes = 0;
    for (size_t i = 0; i < b->nset; i++) {
        if (b->set[i].volume >= g_state.nvolumes)
            return VSS_E_OBJECT_NOT_FOUND; /* the machine was reset under the running set */
        const sim_volume *v = &g_state.volumes[b->set[i].volume];
        if (!v->dir)
            continue;
        if (!fs_is_dir(v->name))
            return VSS_E_OBJECT_NOT_FOUND; /* the directory went away after it was added */
        dirs = true;
        if (g_state.diff_area_space >= 0) {
            int64_t n = fs_tree_bytes(v->name);
            if (n < 0)
                return VSS_E_UNEXPECTED_PROVIDER_ERROR;
            bytes += n;
        }
    }
    if (g_state.diff_area_space >= 0 && bytes > g_state.diff_area_space)
        return VSS_E_INSUFFICIENT_STORAGE;
    char *root = dirs ? fs_snapshot_root() : NULL;
    if (dirs && !root)
        return VSS_E_UNEXPECTED_PROVIDER_ERROR;
    for (j->n = 0; j->n < b->nset; j->n++) {
        size_t k = j->n;
        j->made[k] = snapshot_make(&b->set[k].snapshot_id, &b->set_id, (LONG)b->nset, b->set[k].volume, b->context,
                                   b, root);
        if (b->set[k].hardware) {
            /* A hardware copy is a plex (a clone of the LUN) unless the context
             * asks for a differential one; a transportable one is not surfaced
             * here until it is imported (the-shadow-copy-creation-process.md). */
            sim_snapshot *s = j->made[k];
            s->attributes |= VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED;
            if (!(b->context & (VSS_VOLSNAP_ATTR_PLEX | VSS_VOLSNAP_ATTR_DIFFERENTIAL)))
                s->attributes = (s->attributes & ~(LONG)VSS_VOLSNAP_ATTR_DIFFERENTIAL) | VSS_VOLSNAP_ATTR_PLEX;
            if (b->context & VSS_VOLSNAP_ATTR_TRANSPORTABLE)
                s->attributes |= VSS_VOLSNAP_ATTR_NOT_SURFACED;
        }
        j->src[k] = NULL;
        if (j->made[k]->folder) {
            j->src[k] = sim_strdup(g_state.volumes[b->set[k].volume].name);
            /* journalled before the first byte is copied: a crash leaves a folder the next process removes */
            persist_journal(JOURNAL_CREATING, j->made[k]->device);
            persist_job_add(j->made[k]->device);
        }
    }
    free(root);
    if (!dirs)
        return S_FALSE;
    HRESULT hr = persist_commit("create-intent");
    if (FAILED(hr)) {
        job_discard(j, false);
        return hr;
    }
    sim_crash_point("create-started");
    return S_OK;
}

static int create_run(void *job, volatile int *cancel)
{
    create_job *j = job;
    for (size_t i = 0; i < j->n; i++) {
        if (!j->src[i])
            continue;
        int r = fs_copy_tree(j->src[i], j->made[i]->device, cancel);
        if (r != FS_OK)
            return r;
    }
    sim_crash_point("create-copied");
    return FS_OK;
}

static HRESULT create_commit(sim_obj *owner, void *job, int run_result, bool cancelled, bool state_ok)
{
    (void)owner;
    create_job *j = job;
    if (cancelled || run_result != FS_OK || !state_ok) {
        job_discard(j, true);
        return cancelled ? VSS_S_ASYNC_CANCELLED : !state_ok ? VSS_E_UNEXPECTED : fs_hresult(run_result);
    }
    GUID ids[SIM_MAX_VOLUMES_PER_SET];
    char *folders[SIM_MAX_VOLUMES_PER_SET];
    size_t n = j->n;
    for (size_t i = 0; i < n; i++) {
        sim_snapshot *s = j->made[i];
        ids[i] = s->id;
        folders[i] = j->src[i] ? sim_strdup(s->device) : NULL;
        if (j->src[i]) {
            /* a saved copy's folder is its record's; an auto-release one's stays journalled for its process */
            if (snapshot_persistent(s))
                persist_journal_drop(s->device);
            else
                persist_journal(JOURNAL_SESSION, s->device);
            persist_job_done(s->device);
        }
        state_push_snapshot(s);
        j->made[i] = NULL;
        free(j->src[i]);
        j->src[i] = NULL;
    }
    j->n = 0;
    HRESULT hr = persist_commit("create-commit");
    if (FAILED(hr)) {
        /* the saved machine is back in memory; what this set made goes */
        for (size_t i = 0; i < n; i++) {
            size_t at;
            if (state_find_snapshot(&ids[i], &at))
                state_forget_snapshot_at(at);
            if (folders[i])
                fs_remove_snapshot_folder(folders[i]);
        }
    }
    for (size_t i = 0; i < n; i++)
        free(folders[i]);
    return FAILED(hr) ? hr : VSS_S_ASYNC_FINISHED;
}

static void create_release(void *job)
{
    create_job *j = job;
    job_discard(j, true);
    free(j);
}

static const async_work create_work = { create_prepare, create_run, create_commit, create_release };

static void snapshot_set_done(sim_obj *owner, sim_async *a, HRESULT final)
{
    bc *b = SIM_CONTAINER_OF(owner, bc, base);
    b->pending = NULL;
    b->snapshotting = false;
    g_state.creating = false;
    if (g_state.set_owner == b)
        g_state.set_owner = NULL;
    (void)a;
    bc_phases_done(b, final);
    if (final != VSS_S_ASYNC_FINISHED) {
        /* A failed, vetoed or cancelled set leaves nothing behind; the requester aborts. */
        b->set_started = false;
        b->nset = 0;
        return;
    }
    b->snapshot_done = true;
}

HRESULT STDMETHODCALLTYPE bc_DoSnapshotSet(BC_THIS, IVssAsync **ppAsync)
{
    BC_BEGIN(IVssBackupComponents, DoSnapshotSet);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    bc_settle(b);
    if (!ppAsync)
        return CALL_END(E_INVALIDARG);
    bool needs_writers = !(b->context & VSS_VOLSNAP_ATTR_NO_WRITERS);
    if (b->mode != BC_BACKUP || !b->set_started || b->nset == 0 || b->snapshot_done || b->pending || b->aborted ||
        (needs_writers && !b->prepared))
        return CALL_END(VSS_E_BAD_STATE);
    b->snapshotting = true;
    g_state.creating = true;
    static const int phases[] = { VSS_WS_FAILED_AT_PREPARE_SNAPSHOT, VSS_WS_FAILED_AT_FREEZE, VSS_WS_FAILED_AT_THAW,
                                  VSS_WS_FAILED_AT_POST_SNAPSHOT };
    HRESULT outcome = bc_plan_phases(b, phases, needs_writers ? SIM_ARRAY_LEN(phases) : 0);
    create_job *job = calloc(1, sizeof *job);
    if (!job)
        abort();
    IVssAsync *a = async_new_work(CALL_METHOD, &b->base, snapshot_set_done, outcome, &create_work, job);
    if (!async_poll(async_from(a)))
        b->pending = async_from(a);
    *ppAsync = a;
    return CALL_END(S_OK);
}

HRESULT STDMETHODCALLTYPE bc_GetSnapshotProperties(BC_THIS, VSS_ID SnapshotId, VSS_SNAPSHOT_PROP *pProp)
{
    BC_BEGIN(IVssBackupComponents, GetSnapshotProperties);
    ARG_GUID(SnapshotId);
    ARG_OUT(pProp);
    CALL_COMMIT();
    bc_settle(b);
    if (!pProp)
        return CALL_END(E_INVALIDARG);
    if (b->mode != BC_BACKUP)
        return CALL_END(VSS_E_BAD_STATE);
    sim_snapshot *s = state_find_snapshot(&SnapshotId, NULL);
    if (!s)
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    snapshot_fill_prop(s, pProp);
    return CALL_END(S_OK);
}

HRESULT STDMETHODCALLTYPE bc_Query(BC_THIS, VSS_ID QueriedObjectId, VSS_OBJECT_TYPE eQueriedObjectType,
                                   VSS_OBJECT_TYPE eReturnedObjectsType, IVssEnumObject **ppEnum)
{
    BC_BEGIN(IVssBackupComponents, Query);
    ARG_GUID(QueriedObjectId);
    ARG_INT(eQueriedObjectType);
    ARG_INT(eReturnedObjectsType);
    ARG_OUT(ppEnum);
    CALL_COMMIT();
    bc_settle(b);
    if (!ppEnum || !guid_is_null(&QueriedObjectId) || eQueriedObjectType != VSS_OBJECT_NONE ||
        (eReturnedObjectsType != VSS_OBJECT_SNAPSHOT && eReturnedObjectsType != VSS_OBJECT_PROVIDER))
        return CALL_END(E_INVALIDARG);
    if (b->mode != BC_BACKUP)
        return CALL_END(VSS_E_BAD_STATE);
    if (eReturnedObjectsType == VSS_OBJECT_PROVIDER) {
        *ppEnum = enum_objects_new(NULL, g_state.hardware_provider ? 2 : 1, true);
        return CALL_END(S_OK);
    }
    sim_snapshot **list = malloc((g_state.nsnapshots + 1) * sizeof *list);
    if (!list)
        abort();
    size_t n = 0;
    /* A transportable copy not imported yet is not on this machine's list
     * (its LUNs are not surfaced; only the document describes it). */
    for (size_t i = 0; i < g_state.nsnapshots; i++)
        if (in_context(b, g_state.snapshots[i]) && !snapshot_in_transit(g_state.snapshots[i]))
            list[n++] = g_state.snapshots[i];
    *ppEnum = enum_objects_new(list, n, false);
    free(list);
    /* No match: S_FALSE with an empty enumerator, as Windows does (the
     * VShadow sample's query treats S_FALSE as "no shadow copies"). */
    return CALL_END(n ? S_OK : S_FALSE);
}

typedef struct delete_match {
    const bc *b;
    const GUID *id;
    bool by_snapshot; /* else by set */
} delete_match;

static bool delete_matches(const sim_snapshot *s, const void *ctx)
{
    const delete_match *m = ctx;
    return guid_eq(m->by_snapshot ? &s->id : &s->set_id, m->id) && in_context(m->b, s);
}

HRESULT STDMETHODCALLTYPE bc_DeleteSnapshots(BC_THIS, VSS_ID SourceObjectId, VSS_OBJECT_TYPE eSourceObjectType,
                                             WINBOOL bForceDelete, LONG *plDeletedSnapshots,
                                             VSS_ID *pNondeletedSnapshotID)
{
    BC_BEGIN(IVssBackupComponents, DeleteSnapshots);
    ARG_GUID(SourceObjectId);
    ARG_INT(eSourceObjectType);
    ARG_BOOL(bForceDelete);
    ARG_OUT(plDeletedSnapshots);
    ARG_OUT(pNondeletedSnapshotID);
    CALL_COMMIT();
    bc_settle(b);
    if (!plDeletedSnapshots || !pNondeletedSnapshotID ||
        (eSourceObjectType != VSS_OBJECT_SNAPSHOT && eSourceObjectType != VSS_OBJECT_SNAPSHOT_SET))
        return CALL_END(E_INVALIDARG);
    static const GUID null_id;
    *plDeletedSnapshots = 0;
    *pNondeletedSnapshotID = null_id;
    delete_match m = { b, &SourceObjectId, eSourceObjectType == VSS_OBJECT_SNAPSHOT };
    LONG deleted = (LONG)state_delete_snapshots_if(delete_matches, &m);
    if (!deleted) {
        *pNondeletedSnapshotID = SourceObjectId;
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    }
    *plDeletedSnapshots = deleted;
    return CALL_END(S_OK);
}

HRESULT STDMETHODCALLTYPE bc_ExposeSnapshot(BC_THIS, VSS_ID SnapshotId, VSS_PWSZ wszPathFromRoot, LONG lAttributes,
                                            VSS_PWSZ wszExpose, VSS_PWSZ *pwszExposed)
{
    BC_BEGIN(IVssBackupComponents, ExposeSnapshot);
    ARG_GUID(SnapshotId);
    ARG_WSTR(wszPathFromRoot);
    ARG_INT(lAttributes);
    ARG_WSTR(wszExpose);
    ARG_OUT(pwszExposed);
    CALL_COMMIT();
    bc_settle(b);
    bool local = lAttributes == VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY;
    bool remote = lAttributes == VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY;
    if (!pwszExposed || (!local && !remote) || (local && (!wszExpose || wszPathFromRoot)))
        return CALL_END(E_INVALIDARG);
    if (b->mode != BC_BACKUP)
        return CALL_END(VSS_E_BAD_STATE);
    sim_snapshot *s = state_find_snapshot(&SnapshotId, NULL);
    if (!s)
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    if (s->exposed_name)
        return CALL_END(VSS_E_BAD_STATE);
    char *number = strrchr(s->device, 'y'); /* ...ShadowCopyN */
    char *name = wszExpose ? wstr_u8(wszExpose) : sim_strfmt("ShadowCopy%s", number ? number + 1 : "");
    if (local) {
        /* ExposeSnapshot page: locally, a drive letter ("X:") or a mounted
         * folder path; relative paths are no mount point. A directory volume's
         * copy is made visible at an existing, empty folder (it becomes a
         * link to the copy, which is read-only); unexposing removes the link. */
        bool drive = strlen(name) >= 2 && name[1] == ':' && (name[2] == '\0' || (name[2] == '\\' && !name[3]));
        bool absolute = fs_path_absolute(name);
        HRESULT bad = S_OK;
        if (!drive && !absolute)
            bad = E_INVALIDARG;
        else if (s->folder && !drive && (!fs_is_dir(name) || !fs_dir_empty(name)))
            bad = E_INVALIDARG;
        else if (s->folder && !drive && fs_expose(s->device, name) != FS_OK)
            bad = VSS_E_UNEXPECTED_PROVIDER_ERROR;
        if (FAILED(bad)) {
            free(name);
            return CALL_END(bad);
        }
    }
    s->exposed_name = name;
    s->exposed_path = wstr_u8(wszPathFromRoot);
    s->attributes |= lAttributes;
    persist_mark();
    HRESULT saved = persist_commit("expose");
    if (FAILED(saved)) {
        if (local && s->folder)
            fs_unexpose(name);
        return CALL_END(saved);
    }
    *pwszExposed = mem_task_wstr(s->exposed_name);
    return CALL_END(S_OK);
}

HRESULT STDMETHODCALLTYPE bc_UnexposeSnapshot(BC_THIS, VSS_ID snapshotId)
{
    BC_BEGIN(IVssBackupComponentsEx2, UnexposeSnapshot);
    ARG_GUID(snapshotId);
    CALL_COMMIT();
    bc_settle(b);
    if (b->mode != BC_BACKUP)
        return CALL_END(VSS_E_BAD_STATE);
    sim_snapshot *s = state_find_snapshot(&snapshotId, NULL);
    if (!s)
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    if (!s->exposed_name)
        return CALL_END(VSS_E_BAD_STATE);
    if (s->folder && (s->attributes & VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY))
        fs_unexpose(s->exposed_name);
    free(s->exposed_name);
    free(s->exposed_path);
    s->exposed_name = s->exposed_path = NULL;
    s->attributes &= ~(LONG)(VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY | VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY);
    persist_mark();
    return CALL_END(S_OK);
}

HRESULT STDMETHODCALLTYPE bc_IsVolumeSupported(BC_THIS, VSS_ID ProviderId, VSS_PWSZ pwszVolumeName,
                                               WINBOOL *pbSupportedByThisProvider)
{
    BC_BEGIN(IVssBackupComponents, IsVolumeSupported);
    ARG_GUID(ProviderId);
    ARG_WSTR(pwszVolumeName);
    ARG_OUT(pbSupportedByThisProvider);
    CALL_COMMIT();
    if (!pwszVolumeName || !pbSupportedByThisProvider)
        return CALL_END(E_INVALIDARG);
    if (b->mode == BC_UNINITIALIZED)
        return CALL_END(VSS_E_BAD_STATE);
    char *name = wstr_u8(pwszVolumeName);
    size_t vi = 0;
    HRESULT found = state_resolve_volume(name, true, &vi);
    free(name);
    /* IsVolumeSupported page: no E_INVALIDARG; a name that is not found. */
    if (FAILED(found))
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    const sim_volume *v = &g_state.volumes[vi];
    bool ours = guid_is_null(&ProviderId) || state_provider_registered(&ProviderId);
    *pbSupportedByThisProvider = ours && v->supported;
    return CALL_END(S_OK);
}

/* ---- break, revert, import, recovery ---- */

/* A broken set is forgotten: its copies leave the list and become plain
 * volumes; a directory volume's snapshot folder stays where it is. */
static HRESULT break_set(const GUID *set_id, bool make_writable)
{
    /* BreakSnapshotSet(Ex) pages: only a hardware provider's copies can be
     * broken; a software provider's are refused with VSS_E_PROVIDER_VETO. */
    bool found = false;
    for (size_t i = 0; i < g_state.nsnapshots; i++) {
        const sim_snapshot *s = g_state.snapshots[i];
        if (!guid_eq(&s->set_id, set_id))
            continue;
        found = true;
        if (!snapshot_by_hardware(s))
            return VSS_E_PROVIDER_VETO;
    }
    if (!found)
        return VSS_E_OBJECT_NOT_FOUND;
    LONG n = 0;
    for (size_t i = g_state.nsnapshots; i-- > 0;) {
        sim_snapshot *s = g_state.snapshots[i];
        if (!guid_eq(&s->set_id, set_id))
            continue;
        if (s->folder && make_writable)
            fs_make_tree_writable(s->device);
        state_forget_snapshot_at(i);
        n++;
    }
    return n ? S_OK : VSS_E_OBJECT_NOT_FOUND;
}

HRESULT STDMETHODCALLTYPE bc_BreakSnapshotSet(BC_THIS, VSS_ID SnapshotSetId)
{
    BC_BEGIN(IVssBackupComponents, BreakSnapshotSet);
    ARG_GUID(SnapshotSetId);
    CALL_COMMIT();
    (void)b;
    return CALL_END(break_set(&SnapshotSetId, false));
}

static bool set_exists(const GUID *set_id)
{
    for (size_t i = 0; i < g_state.nsnapshots; i++)
        if (guid_eq(&g_state.snapshots[i]->set_id, set_id))
            return true;
    return false;
}

HRESULT STDMETHODCALLTYPE bc_BreakSnapshotSetEx(BC_THIS, VSS_ID SnapshotSetID, DWORD dwBreakFlags, IVssAsync **ppAsync)
{
    BC_BEGIN(IVssBackupComponentsEx2, BreakSnapshotSetEx);
    ARG_GUID(SnapshotSetID);
    ARG_UINT(dwBreakFlags);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    (void)b;
    if (!ppAsync)
        return CALL_END(E_INVALIDARG);
    HRESULT hr = break_set(&SnapshotSetID, (dwBreakFlags & VSS_BREAKEX_FLAG_MAKE_READ_WRITE) != 0);
    if (SUCCEEDED(hr))
        *ppAsync = async_new(CALL_METHOD, NULL, NULL);
    return CALL_END(hr);
}

static HRESULT fast_recovery(const GUID *set_id, const sim_method *m, IVssAsync **ppAsync)
{
    if (!ppAsync)
        return E_INVALIDARG;
    if (!set_exists(set_id))
        return VSS_E_OBJECT_NOT_FOUND;
    *ppAsync = async_new(m, NULL, NULL);
    return S_OK;
}

HRESULT STDMETHODCALLTYPE bc_PreFastRecovery(BC_THIS, VSS_ID SnapshotSetID, DWORD dwPreFastRecoveryFlags,
                                             IVssAsync **ppAsync)
{
    BC_BEGIN(IVssBackupComponentsEx2, PreFastRecovery);
    ARG_GUID(SnapshotSetID);
    ARG_UINT(dwPreFastRecoveryFlags);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    (void)b;
    return CALL_END(fast_recovery(&SnapshotSetID, CALL_METHOD, ppAsync));
}

HRESULT STDMETHODCALLTYPE bc_FastRecovery(BC_THIS, VSS_ID SnapshotSetID, DWORD dwFastRecoveryFlags, IVssAsync **ppAsync)
{
    BC_BEGIN(IVssBackupComponentsEx2, FastRecovery);
    ARG_GUID(SnapshotSetID);
    ARG_UINT(dwFastRecoveryFlags);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    (void)b;
    return CALL_END(fast_recovery(&SnapshotSetID, CALL_METHOD, ppAsync));
}

/* The copy back of a directory volume, on its own thread: RevertToSnapshot
 * returns at once and QueryRevertStatus follows it. */
typedef struct revert_job {
    char *source, *volume;
    GUID volume_guid;
} revert_job;

static GUID guid_of_volume(const sim_volume *v);

/* By the GUID in its name, in any case (the OS's names are the volumes' on Windows). */
static size_t volume_by_guid(const GUID *g)
{
    for (size_t i = 0; i < g_state.nvolumes; i++) {
        GUID v = guid_of_volume(&g_state.volumes[i]);
        if (guid_eq(&v, g))
            return i;
    }
    return (size_t)-1;
}

static void revert_thread(void *p)
{
    revert_job *j = p;
    fs_revert_tree(j->source, j->volume);
    sim_lock();
    if (SUCCEEDED(persist_begin())) {
        size_t vi = volume_by_guid(&j->volume_guid);
        if (vi != (size_t)-1 && g_state.volumes[vi].reverting && g_state.volumes[vi].revert_pid == sim_pid())
            state_finish_revert(vi, false);
        persist_end();
    }
    sim_wake_all();
    sim_unlock();
    free(j->source);
    free(j->volume);
    free(j);
}

static GUID guid_of_volume(const sim_volume *v)
{
    GUID g;
    memset(&g, 0, sizeof g);
    const char *open = strchr(v->guid_name, '{');
    char s[37];
    if (open && strlen(open) >= 37) {
        memcpy(s, open + 1, 36);
        s[36] = '\0';
        guid_parse(s, &g);
    }
    return g;
}

HRESULT STDMETHODCALLTYPE bc_RevertToSnapshot(BC_THIS, VSS_ID SnapshotId, WINBOOL bForceDismount)
{
    BC_BEGIN(IVssBackupComponents, RevertToSnapshot);
    ARG_GUID(SnapshotId);
    ARG_BOOL(bForceDismount);
    CALL_COMMIT();
    (void)b;
    sim_snapshot *s = state_find_snapshot(&SnapshotId, NULL);
    if (!s)
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    if (!(s->attributes & VSS_VOLSNAP_ATTR_PERSISTENT))
        return CALL_END(VSS_E_UNSUPPORTED_CONTEXT);
    size_t vi = s->volume;
    sim_volume *v = &g_state.volumes[vi];
    if (v->reverting)
        return CALL_END(VSS_E_REVERT_IN_PROGRESS);
    if (g_state.revert_blocked)
        return CALL_END(VSS_E_VOLUME_IN_USE);
    if (s->folder && !fs_is_dir(v->name))
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    /* Journalled first: a revert that is interrupted goes on in the next
     * process (RevertToSnapshot page: it continues after a restart). */
    v->reverting = true;
    v->reverted = false;
    v->revert_snapshot = SnapshotId;
    v->revert_pid = sim_pid();
    free(v->revert_source);
    v->revert_source = s->folder ? sim_strdup(s->device) : NULL;
    persist_mark();
    HRESULT hr = persist_commit("revert-intent");
    if (FAILED(hr))
        return CALL_END(hr);
    sim_crash_point("revert-started");
    if (!s->folder) {
        state_finish_revert(vi, false);
        return CALL_END(S_OK);
    }
    revert_job *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    j->source = sim_strdup(s->device);
    j->volume = sim_strdup(v->name);
    j->volume_guid = guid_of_volume(v);
    if (!sim_thread_start(revert_thread, j)) {
        fs_revert_tree(j->source, j->volume);
        state_finish_revert(vi, false);
        free(j->source);
        free(j->volume);
        free(j);
    }
    return CALL_END(S_OK);
}

/* QueryRevertStatus's IVssAsync: pending while the volume reverts, then
 * finished; a revert cannot be cancelled (QueryRevertStatus page). */
static HRESULT revert_wait_prepare(sim_obj *owner, void *job)
{
    (void)owner;
    size_t vi = volume_by_guid(job);
    return vi != (size_t)-1 && g_state.volumes[vi].reverting ? S_OK : S_FALSE;
}

static int revert_wait_run(void *job, volatile int *cancel)
{
    (void)cancel;
    for (;;) {
        sim_lock();
        bool busy = false;
        if (SUCCEEDED(persist_begin())) {
            size_t vi = volume_by_guid(job);
            busy = vi != (size_t)-1 && g_state.volumes[vi].reverting;
            persist_end();
        }
        sim_unlock();
        if (!busy)
            return FS_OK;
        sim_sleep_ms(10);
    }
}

static HRESULT revert_wait_commit(sim_obj *owner, void *job, int run_result, bool cancelled, bool state_ok)
{
    (void)owner, (void)job, (void)run_result, (void)cancelled, (void)state_ok;
    return VSS_S_ASYNC_FINISHED;
}

static const async_work revert_wait = { revert_wait_prepare, revert_wait_run, revert_wait_commit, free };

HRESULT STDMETHODCALLTYPE bc_QueryRevertStatus(BC_THIS, VSS_PWSZ pwszVolume, IVssAsync **ppAsync)
{
    BC_BEGIN(IVssBackupComponents, QueryRevertStatus);
    ARG_WSTR(pwszVolume);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    (void)b;
    if (!pwszVolume || !ppAsync)
        return CALL_END(E_INVALIDARG);
    /* QueryRevertStatus page: the AddToSnapshotSet name forms (see state_resolve_volume). */
    char *name = wstr_u8(pwszVolume);
    size_t vi = 0;
    sim_volume *v = SUCCEEDED(state_resolve_volume(name, false, &vi)) ? &g_state.volumes[vi] : NULL;
    free(name);
    if (!v || (!v->reverting && !v->reverted))
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    GUID *g = malloc(sizeof *g);
    if (!g)
        abort();
    *g = guid_of_volume(v);
    *ppAsync = async_new_work(CALL_METHOD, NULL, NULL, VSS_S_ASYNC_FINISHED, &revert_wait, g);
    return CALL_END(S_OK);
}

/* Whether the document's shadow copy is one ImportSnapshots brings in: a
 * transportable copy (only a hardware provider makes those). */
static bool importable(const sim_snapshot *d)
{
    return (d->attributes & VSS_VOLSNAP_ATTR_TRANSPORTABLE) && snapshot_by_hardware(d);
}

static void import_done(sim_obj *owner, sim_async *a, HRESULT final)
{
    bc *b = SIM_CONTAINER_OF(owner, bc, base);
    (void)a;
    b->pending = NULL;
    if (final != VSS_S_ASYNC_FINISHED)
        return;
    for (size_t i = 0; i < b->ndoc_snapshots; i++) {
        const sim_snapshot *d = b->doc_snapshots[i];
        if (!importable(d))
            continue;
        sim_snapshot *s = state_find_snapshot(&d->id, NULL);
        if (s) {
            /* Still on this machine, not surfaced: it surfaces now (a set is imported once). */
            if (!(s->attributes & VSS_VOLSNAP_ATTR_NOT_SURFACED))
                continue;
        } else {
            s = calloc(1, sizeof *s);
            if (!s)
                abort();
            *s = *d;
            s->device = sim_strdup(d->device);
            s->original_volume = sim_strdup(d->original_volume);
            s->exposed_name = s->exposed_path = NULL;
            s->folder = false; /* an imported copy does not own a folder */
            if (!state_find_volume(s->original_volume, &s->volume))
                s->volume = 0; /* its volume is on another machine */
            state_push_snapshot(s);
        }
        s->attributes = (s->attributes & ~(LONG)VSS_VOLSNAP_ATTR_NOT_SURFACED) | VSS_VOLSNAP_ATTR_IMPORTED;
        /* importing-transportable-shadow-copied-volumes.md, step 8: an auto-release
         * copy goes when the importing requester releases its object */
        s->owner = snapshot_persistent(s) ? NULL : b;
        persist_mark();
    }
}

HRESULT STDMETHODCALLTYPE bc_ImportSnapshots(BC_THIS, IVssAsync **ppAsync)
{
    BC_BEGIN(IVssBackupComponents, ImportSnapshots);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    bc_settle(b);
    if (!ppAsync)
        return CALL_END(E_INVALIDARG);
    if (b->mode != BC_BACKUP || b->pending)
        return CALL_END(VSS_E_BAD_STATE);
    /* ImportSnapshots page: hardware providers only. A document with no
     * transportable shadow copy (all a software provider can make) is not an
     * import: VSS_E_BAD_STATE, the page's code for a call out of sequence. A
     * transportable set whose provider is not registered here fails in the
     * IVssAsync with VSS_E_PROVIDER_NOT_REGISTERED (the page lists no code for
     * it; this is the one AddToSnapshotSet gives for an unknown provider). */
    bool any = false;
    for (size_t i = 0; i < b->ndoc_snapshots; i++)
        any = any || importable(b->doc_snapshots[i]);
    if (!any)
        return CALL_END(VSS_E_BAD_STATE);
    HRESULT outcome = g_state.hardware_provider ? VSS_S_ASYNC_FINISHED : VSS_E_PROVIDER_NOT_REGISTERED;
    IVssAsync *a = async_new_ex(CALL_METHOD, &b->base, import_done, outcome);
    if (!async_poll(async_from(a)))
        b->pending = async_from(a);
    *ppAsync = a;
    return CALL_END(S_OK);
}

HRESULT STDMETHODCALLTYPE bc_AddSnapshotToRecoverySet(BC_THIS, VSS_ID snapshotId, DWORD dwFlags,
                                                      VSS_PWSZ pwszDestinationVolume)
{
    BC_BEGIN(IVssBackupComponentsEx3, AddSnapshotToRecoverySet);
    ARG_GUID(snapshotId);
    ARG_UINT(dwFlags);
    ARG_WSTR(pwszDestinationVolume);
    CALL_COMMIT();
    if (b->mode == BC_UNINITIALIZED)
        return CALL_END(VSS_E_BAD_STATE);
    if (!state_find_snapshot(&snapshotId, NULL))
        return CALL_END(VSS_E_OBJECT_NOT_FOUND);
    GUID *grown = realloc(b->recovery_set, (b->nrecovery + 1) * sizeof(GUID));
    if (!grown)
        return CALL_END(E_OUTOFMEMORY);
    b->recovery_set = grown;
    b->recovery_set[b->nrecovery++] = snapshotId;
    return CALL_END(S_OK);
}

HRESULT STDMETHODCALLTYPE bc_RecoverSet(BC_THIS, DWORD dwFlags, IVssAsync **ppAsync)
{
    BC_BEGIN(IVssBackupComponentsEx3, RecoverSet);
    ARG_UINT(dwFlags);
    ARG_OUT(ppAsync);
    CALL_COMMIT();
    if (!ppAsync)
        return CALL_END(E_INVALIDARG);
    if (b->nrecovery == 0)
        return CALL_END(VSS_E_BAD_STATE);
    *ppAsync = async_new(CALL_METHOD, NULL, NULL);
    return CALL_END(S_OK);
}

HRESULT STDMETHODCALLTYPE bc_GetRootAndLogicalPrefixPaths(BC_THIS, VSS_PWSZ pwszFilePath, VSS_PWSZ *ppwszRootPath,
                                                          VSS_PWSZ *ppwszLogicalPrefix,
                                                          WINBOOL bNormalizeFQDNforRootPath)
{
    BC_BEGIN(IVssBackupComponentsEx4, GetRootAndLogicalPrefixPaths);
    ARG_WSTR(pwszFilePath);
    ARG_OUT(ppwszRootPath);
    ARG_OUT(ppwszLogicalPrefix);
    ARG_BOOL(bNormalizeFQDNforRootPath);
    CALL_COMMIT();
    (void)b;
    if (!pwszFilePath || !ppwszRootPath || !ppwszLogicalPrefix)
        return CALL_END(E_INVALIDARG);
    char *path = wstr_u8(pwszFilePath);
    /* A path inside a directory volume -> that volume's name (the deepest one). */
    const sim_volume *home = NULL;
    for (size_t i = 0; i < g_state.nvolumes; i++) {
        const sim_volume *v = &g_state.volumes[i];
        if (v->dir && fs_path_within(v->name, path) && (!home || strlen(v->name) > strlen(home->name)))
            home = v;
    }
    if (home) {
        *ppwszRootPath = mem_task_wstr(home->name);
        *ppwszLogicalPrefix = mem_task_wstr(home->name);
        free(path);
        return CALL_END(S_OK);
    }
    /* \\server\share\rest -> "\\server\share\"; anything else -> its first three characters ("C:\"). */
    size_t cut = strlen(path) < 3 ? strlen(path) : 3;
    if (path[0] == '\\' && path[1] == '\\') {
        const char *share = strchr(path + 2, '\\');
        const char *end = share ? strchr(share + 1, '\\') : NULL;
        cut = end ? (size_t)(end - path) + 1 : strlen(path);
    }
    char *root = malloc(cut + 2);
    if (!root)
        abort();
    memcpy(root, path, cut);
    root[cut] = '\0';
    if (cut && root[cut - 1] != '\\')
        strcat(root, "\\");
    *ppwszRootPath = mem_task_wstr(root);
    *ppwszLogicalPrefix = mem_task_wstr(root);
    free(root);
    free(path);
    return CALL_END(S_OK);
}
