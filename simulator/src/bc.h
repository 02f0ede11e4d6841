/* The backup components object (IVssBackupComponents..Ex4 in one vtable) and
 * the Backup Components Document it keeps. backup_components.c holds the
 * object and its vtable; the methods it points to are also in
 * backup_snapshots.c and backup_selection.c. What those files share lives in
 * helper modules, never in one another: bc_doc.c (the document's components),
 * bc_flow.c (writers, phases, the running operation, auto-release shadow
 * copies) and backup_document.c (the document's text form). components.c
 * exposes the document's components per writer. */
#ifndef SIM_BC_H
#define SIM_BC_H

#include "objects.h"
#include "util.h"

enum bc_mode { BC_UNINITIALIZED, BC_BACKUP, BC_RESTORE };
enum bc_gather { GATHER_NONE, GATHER_PENDING, GATHER_DONE, GATHER_FREED };

/* Lists hanging off a component, one struct for all of them. */
enum item_kind {
    ITEM_ALT_MAPPING,    /* path, filespec, destination; recursive */
    ITEM_NEW_TARGET,     /* path, filename, alternate path; recursive */
    ITEM_PARTIAL_FILE,   /* path, filename, ranges, metadata */
    ITEM_DIRECTED,       /* source path, file, ranges, destination path, file, ranges */
    ITEM_DIFFERENCED,    /* path, filespec, lsn; recursive; last-modify FILETIME in num */
    ITEM_SUBCOMPONENT,   /* logical path, name; repair */
    ITEM_KIND_COUNT
};
#define ITEM_STRINGS 6

typedef struct bc_item {
    int kind;
    char *s[ITEM_STRINGS];
    bool flag;
    uint64_t num;
} bc_item;

/* String properties of a component, in document order. */
enum comp_str {
    CS_BACKUP_OPTIONS,
    CS_PREVIOUS_STAMP,
    CS_BACKUP_STAMP,
    CS_BACKUP_METADATA,
    CS_RESTORE_METADATA,
    CS_RESTORE_OPTIONS,
    CS_PRE_RESTORE_MSG,
    CS_POST_RESTORE_MSG,
    CS_PREPARE_MSG,
    CS_POST_SNAPSHOT_MSG,
    CS_RESTORE_NAME,
    CS_ROLL_POINT,
    CS_APP_MESSAGE,
    CS_COUNT
};
extern const char *const comp_str_names[CS_COUNT];

typedef struct bc_comp {
    GUID instance_id, writer_id, restore_instance;
    int type;
    char *logical_path, *name;
    char *str[CS_COUNT];
    int backup_succeeded; /* -1 = not set */
    bool selected_for_restore, additional_restores, authoritative;
    int roll_type, restore_target, file_restore_status;
    HRESULT failure_hr, failure_app;
    DWORD failure_reserved;
    bc_item *items;
    size_t nitems, capitems;
} bc_comp;

typedef struct bc_volume_entry {
    GUID snapshot_id;
    size_t volume;
    bool hardware; /* the simulated hardware provider makes this one (AddToSnapshotSet's choice) */
} bc_volume_entry;

typedef struct bc {
    const IVssBackupComponentsEx4Vtbl *lpVtbl;
    sim_obj base;
    int mode;
    bool context_set;
    LONG context;
    bool backup_state_set, select_components, bootable, partial;
    int backup_type, restore_type;
    int metadata_state, status_state;
    sim_writer **metadata, **status;
    size_t nmetadata, nstatus;
    GUID *disabled_classes, *enabled_classes, *disabled_instances;
    size_t ndisabled_classes, nenabled_classes, ndisabled_instances;
    /* the snapshot set */
    bool set_started, prepared, snapshotting, snapshot_done, completing, backup_complete, aborted;
    GUID set_id;
    bc_volume_entry set[SIM_MAX_VOLUMES_PER_SET];
    size_t nset;
    /* restore */
    bool pre_restore_done, post_restore_done, restore_busy;
    /* snapshots described by the document given to InitializeForBackup (for ImportSnapshots) */
    sim_snapshot **doc_snapshots;
    size_t ndoc_snapshots;
    GUID *recovery_set;
    size_t nrecovery;
    GUID session_id;
    bc_comp *comps;
    size_t ncomps, capcomps;
    sim_async *pending; /* the running operation, if any (not a reference) */
    /* writer failures (vss_sim_fail_writer_at): phases this object's flow has
     * reached, as bits 1 << VSS_WS_FAILED_AT_*; the running operation's phases
     * and the veto it ends with */
    unsigned phases, op_phases;
    HRESULT op_veto;
} bc;

static inline bc *bc_from(void *This) { return (bc *)This; }

/* ---- bc_doc.c: the document's components ---- */
bc_comp *bc_find_comp(bc *b, const GUID *writer_id, int type, const char *logical_path, const char *name);
bc_comp *bc_add_comp(bc *b, const GUID *instance_id, const GUID *writer_id, int type, const char *logical_path,
                     const char *name);
bc_item *comp_add_item(bc_comp *c, int kind);
size_t comp_item_count(const bc_comp *c, int kind);
bc_item *comp_item(bc_comp *c, int kind, size_t index);
/* Writers the document has components for, in first-seen order. */
size_t bc_doc_writer_count(bc *b);
bool bc_doc_writer(bc *b, size_t index, GUID *instance_id, GUID *writer_id);
/* Empties the document: its components and the shadow copies it described. */
void bc_clear_doc(bc *b);

/* ---- bc_flow.c: writers, phases, the running operation ---- */
/* Lets a finished operation take effect before the next call looks at the state. */
void bc_settle(bc *b);
/* Whether the object sees the writer (not disabled by class or instance, enabled if a list was given). */
bool bc_writer_enabled(bc *b, const sim_writer *w);
/* Writer failures for an operation that runs the writer phases `states`
 * (VSS_WS_FAILED_AT_* values, in event order): the phases run up to the first
 * one a participating writer fails at. Returns the status the operation ends
 * with: VSS_S_ASYNC_FINISHED, or VSS_E_WRITERERROR_RETRYABLE/NONRETRYABLE. */
HRESULT bc_plan_phases(bc *b, const int *states, size_t n);
/* From the operation's done callback: records the phases reached unless it was
 * cancelled or failed otherwise; true when it ended with the writers' veto. */
bool bc_phases_done(bc *b, HRESULT final);
/* Deletes this object's auto-release snapshots (on final release, AbortBackup). */
void bc_release_snapshots(bc *b);

/* components.c (constructor) */
IVssWriterComponentsExt *wc_new(bc *b, size_t writer_index);

/* backup_document.c */
char *bc_to_xml(bc *b);
bool bc_load_xml(bc *b, const char *xml, bool restore);

/* The methods implemented outside backup_components.c. */
#define BC_THIS IVssBackupComponentsEx4 *This
HRESULT STDMETHODCALLTYPE bc_SetContext(BC_THIS, LONG lContext);
HRESULT STDMETHODCALLTYPE bc_StartSnapshotSet(BC_THIS, VSS_ID *pSnapshotSetId);
HRESULT STDMETHODCALLTYPE bc_AddToSnapshotSet(BC_THIS, VSS_PWSZ pwszVolumeName, VSS_ID ProviderId, VSS_ID *pidSnapshot);
HRESULT STDMETHODCALLTYPE bc_DoSnapshotSet(BC_THIS, IVssAsync **ppAsync);
HRESULT STDMETHODCALLTYPE bc_DeleteSnapshots(BC_THIS, VSS_ID SourceObjectId, VSS_OBJECT_TYPE eSourceObjectType,
                                             WINBOOL bForceDelete, LONG *plDeletedSnapshots,
                                             VSS_ID *pNondeletedSnapshotID);
HRESULT STDMETHODCALLTYPE bc_ImportSnapshots(BC_THIS, IVssAsync **ppAsync);
HRESULT STDMETHODCALLTYPE bc_BreakSnapshotSet(BC_THIS, VSS_ID SnapshotSetId);
HRESULT STDMETHODCALLTYPE bc_GetSnapshotProperties(BC_THIS, VSS_ID SnapshotId, VSS_SNAPSHOT_PROP *pProp);
HRESULT STDMETHODCALLTYPE bc_Query(BC_THIS, VSS_ID QueriedObjectId, VSS_OBJECT_TYPE eQueriedObjectType,
                                   VSS_OBJECT_TYPE eReturnedObjectsType, IVssEnumObject **ppEnum);
HRESULT STDMETHODCALLTYPE bc_IsVolumeSupported(BC_THIS, VSS_ID ProviderId, VSS_PWSZ pwszVolumeName,
                                               WINBOOL *pbSupportedByThisProvider);
HRESULT STDMETHODCALLTYPE bc_ExposeSnapshot(BC_THIS, VSS_ID SnapshotId, VSS_PWSZ wszPathFromRoot, LONG lAttributes,
                                            VSS_PWSZ wszExpose, VSS_PWSZ *pwszExposed);
HRESULT STDMETHODCALLTYPE bc_RevertToSnapshot(BC_THIS, VSS_ID SnapshotId, WINBOOL bForceDismount);
HRESULT STDMETHODCALLTYPE bc_QueryRevertStatus(BC_THIS, VSS_PWSZ pwszVolume, IVssAsync **ppAsync);
HRESULT STDMETHODCALLTYPE bc_UnexposeSnapshot(BC_THIS, VSS_ID snapshotId);
HRESULT STDMETHODCALLTYPE bc_BreakSnapshotSetEx(BC_THIS, VSS_ID SnapshotSetID, DWORD dwBreakFlags, IVssAsync **ppAsync);
HRESULT STDMETHODCALLTYPE bc_PreFastRecovery(BC_THIS, VSS_ID SnapshotSetID, DWORD dwPreFastRecoveryFlags,
                                             IVssAsync **ppAsync);
HRESULT STDMETHODCALLTYPE bc_FastRecovery(BC_THIS, VSS_ID SnapshotSetID, DWORD dwFastRecoveryFlags, IVssAsync **ppAsync);
HRESULT STDMETHODCALLTYPE bc_AddSnapshotToRecoverySet(BC_THIS, VSS_ID snapshotId, DWORD dwFlags,
                                                      VSS_PWSZ pwszDestinationVolume);
HRESULT STDMETHODCALLTYPE bc_RecoverSet(BC_THIS, DWORD dwFlags, IVssAsync **ppAsync);
HRESULT STDMETHODCALLTYPE bc_GetRootAndLogicalPrefixPaths(BC_THIS, VSS_PWSZ pwszFilePath, VSS_PWSZ *ppwszRootPath,
                                                          VSS_PWSZ *ppwszLogicalPrefix,
                                                          WINBOOL bNormalizeFQDNforRootPath);

/* backup_selection.c */
HRESULT STDMETHODCALLTYPE bc_AddComponent(BC_THIS, VSS_ID instanceId, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                          LPCWSTR wszLogicalPath, LPCWSTR wszComponentName);
HRESULT STDMETHODCALLTYPE bc_SetBackupSucceeded(BC_THIS, VSS_ID instanceId, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, boolean bSucceded);
HRESULT STDMETHODCALLTYPE bc_SetBackupOptions(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                              LPCWSTR wszComponentName, LPCWSTR wszBackupOptions);
HRESULT STDMETHODCALLTYPE bc_SetSelectedForRestore(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                   LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                   boolean bSelectedForRestore);
HRESULT STDMETHODCALLTYPE bc_SetRestoreOptions(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                               LPCWSTR wszComponentName, LPCWSTR wszRestoreOptions);
HRESULT STDMETHODCALLTYPE bc_SetAdditionalRestores(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                   LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                   boolean bAdditionalRestores);
HRESULT STDMETHODCALLTYPE bc_SetPreviousBackupStamp(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                    LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                    LPCWSTR wszPreviousBackupStamp);
HRESULT STDMETHODCALLTYPE bc_AddAlternativeLocationMapping(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE componentType,
                                                           LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                           LPCWSTR wszPath, LPCWSTR wszFilespec, boolean bRecursive,
                                                           LPCWSTR wszDestination);
HRESULT STDMETHODCALLTYPE bc_AddRestoreSubcomponent(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE componentType,
                                                    LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                    LPCWSTR wszSubComponentLogicalPath, LPCWSTR wszSubComponentName,
                                                    boolean bRepair);
HRESULT STDMETHODCALLTYPE bc_SetFileRestoreStatus(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                  LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                  VSS_FILE_RESTORE_STATUS status);
HRESULT STDMETHODCALLTYPE bc_AddNewTarget(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                          LPCWSTR wszComponentName, LPCWSTR wszPath, LPCWSTR wszFileName,
                                          boolean bRecursive, LPCWSTR wszAlternatePath);
HRESULT STDMETHODCALLTYPE bc_SetRangesFilePath(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                               LPCWSTR wszComponentName, UINT iPartialFile, LPCWSTR wszRangesFile);
HRESULT STDMETHODCALLTYPE bc_SetSelectedForRestoreEx(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                     LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                     boolean bSelectedForRestore, VSS_ID instanceId);
HRESULT STDMETHODCALLTYPE bc_SetAuthoritativeRestore(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                     LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, boolean bAuth);
HRESULT STDMETHODCALLTYPE bc_SetRollForward(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                            LPCWSTR wszComponentName, VSS_ROLLFORWARD_TYPE rollType,
                                            LPCWSTR wszRollForwardPoint);
HRESULT STDMETHODCALLTYPE bc_SetRestoreName(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                            LPCWSTR wszComponentName, LPCWSTR wszRestoreName);

#define BC_BEGIN(Iface, Method)                                                                    \
    bc *b = bc_from(This);                                                                         \
    CALL_BEGIN(Iface, Iface##Vtbl, Method, b->base.id)

#endif
