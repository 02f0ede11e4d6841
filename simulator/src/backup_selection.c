/* IVssBackupComponents methods that address one component of the Backup
 * Components Document by (writer, type, logical path, name). */
#include "bc.h"

static char *dup_w(LPCWSTR s) { return wstr_u8(s); }

static void set_str(char **slot, LPCWSTR s)
{
    free(*slot);
    *slot = dup_w(s);
}

/* Finds the addressed component for a call that is legal in the given mode. */
static HRESULT lookup(bc *b, int mode, const GUID *writer, int ct, LPCWSTR logical, LPCWSTR name, bc_comp **out)
{
    bc_settle(b);
    *out = NULL;
    if (b->mode != mode)
        return VSS_E_BAD_STATE;
    if (!name)
        return E_INVALIDARG;
    char *l = dup_w(logical), *n = dup_w(name);
    *out = bc_find_comp(b, writer, ct, l, n);
    free(l);
    free(n);
    return *out ? S_OK : VSS_E_OBJECT_NOT_FOUND;
}

/* Restore-side setters are legal until PreRestore has started. */
static HRESULT lookup_restore(bc *b, const GUID *writer, int ct, LPCWSTR logical, LPCWSTR name, bc_comp **out)
{
    HRESULT hr = lookup(b, BC_RESTORE, writer, ct, logical, name, out);
    if (SUCCEEDED(hr) && (b->restore_busy || b->pre_restore_done))
        return VSS_E_BAD_STATE;
    return hr;
}

#define COMP_ARGS(writer, ct)                                                                      \
    ARG_GUID(writer);                                                                              \
    ARG_INT(ct);                                                                                   \
    ARG_WSTR(wszLogicalPath);                                                                      \
    ARG_WSTR(wszComponentName)

/* The component of one writer instance (AddComponent page: logical path and
 * name are unique per instance of a writer class). */
static bc_comp *find_instance_comp(bc *b, const GUID *instance, const GUID *writer, int ct, const char *logical,
                                   const char *name)
{
    for (size_t i = 0; i < b->ncomps; i++) {
        bc_comp *c = &b->comps[i];
        if (guid_eq(&c->instance_id, instance) && guid_eq(&c->writer_id, writer) && c->type == ct &&
            str_eq(c->logical_path, logical) && str_eq(c->name, name))
            return c;
    }
    return NULL;
}

/* Whether the gathered metadata says the instance id and the class id are
 * not one writer (AddComponent page: both come from the same
 * IVssExamineWriterMetadata::GetIdentity). Ids of no gathered writer at all
 * are left alone. */
static bool pair_mismatch(const bc *b, const GUID *instance, const GUID *writer)
{
    bool known = false;
    for (size_t i = 0; i < b->nmetadata; i++) {
        const sim_writer *w = b->metadata[i];
        bool same_class = guid_eq(&w->writer_id, writer), same_instance = guid_eq(&w->instance_id, instance);
        if (same_class && same_instance)
            return false;
        known = known || same_class || same_instance;
    }
    return known;
}

HRESULT STDMETHODCALLTYPE bc_AddComponent(BC_THIS, VSS_ID instanceId, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                          LPCWSTR wszLogicalPath, LPCWSTR wszComponentName)
{
    BC_BEGIN(IVssBackupComponents, AddComponent);
    ARG_GUID(instanceId);
    COMP_ARGS(writerId, ct);
    CALL_COMMIT();
    bc_settle(b);
    if (b->mode != BC_BACKUP || !b->select_components || b->prepared || b->snapshot_done)
        return CALL_END(VSS_E_BAD_STATE);
    /* AddComponent page: E_INVALIDARG for a parameter that is not valid,
     * such as an instance id that is not one of the writer class writerId. */
    if (!wszComponentName || (ct != VSS_CT_DATABASE && ct != VSS_CT_FILEGROUP) ||
        pair_mismatch(b, &instanceId, &writerId))
        return CALL_END(E_INVALIDARG);
    char *l = dup_w(wszLogicalPath), *n = dup_w(wszComponentName);
    HRESULT hr = S_OK;
    if (find_instance_comp(b, &instanceId, &writerId, ct, l, n))
        hr = VSS_E_OBJECT_ALREADY_EXISTS;
    else
        bc_add_comp(b, &instanceId, &writerId, ct, l, n);
    free(l);
    free(n);
    return CALL_END(hr);
}

HRESULT STDMETHODCALLTYPE bc_SetBackupSucceeded(BC_THIS, VSS_ID instanceId, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, boolean bSucceded)
{
    BC_BEGIN(IVssBackupComponents, SetBackupSucceeded);
    ARG_GUID(instanceId);
    COMP_ARGS(writerId, ct);
    ARG_BOOL(bSucceded);
    CALL_COMMIT();
    bc_comp *c;
    HRESULT hr = lookup(b, BC_BACKUP, &writerId, ct, wszLogicalPath, wszComponentName, &c);
    if (SUCCEEDED(hr) && (!b->snapshot_done || b->backup_complete || b->completing))
        hr = VSS_E_BAD_STATE;
    /* SetBackupSucceeded page: VSS_E_OBJECT_NOT_FOUND, no such component of
     * that writer instance (a pair that does not belong together has none). */
    if (SUCCEEDED(hr)) {
        char *l = dup_w(wszLogicalPath), *n = dup_w(wszComponentName);
        c = find_instance_comp(b, &instanceId, &writerId, ct, l, n);
        free(l);
        free(n);
        if (!c)
            hr = VSS_E_OBJECT_NOT_FOUND;
    }
    if (SUCCEEDED(hr))
        c->backup_succeeded = bSucceded != 0;
    return CALL_END(hr);
}

static HRESULT backup_string(bc *b, const GUID *writer, int ct, LPCWSTR logical, LPCWSTR name, int which,
                             LPCWSTR value)
{
    bc_comp *c;
    HRESULT hr = lookup(b, BC_BACKUP, writer, ct, logical, name, &c);
    if (SUCCEEDED(hr) && (b->prepared || b->snapshot_done))
        hr = VSS_E_BAD_STATE;
    if (SUCCEEDED(hr) && !value)
        hr = E_INVALIDARG;
    if (SUCCEEDED(hr))
        set_str(&c->str[which], value);
    return hr;
}

HRESULT STDMETHODCALLTYPE bc_SetBackupOptions(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                              LPCWSTR wszComponentName, LPCWSTR wszBackupOptions)
{
    BC_BEGIN(IVssBackupComponents, SetBackupOptions);
    COMP_ARGS(writerId, ct);
    ARG_WSTR(wszBackupOptions);
    CALL_COMMIT();
    return CALL_END(backup_string(b, &writerId, ct, wszLogicalPath, wszComponentName, CS_BACKUP_OPTIONS,
                                  wszBackupOptions));
}

HRESULT STDMETHODCALLTYPE bc_SetPreviousBackupStamp(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                    LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                    LPCWSTR wszPreviousBackupStamp)
{
    BC_BEGIN(IVssBackupComponents, SetPreviousBackupStamp);
    COMP_ARGS(writerId, ct);
    ARG_WSTR(wszPreviousBackupStamp);
    CALL_COMMIT();
    return CALL_END(backup_string(b, &writerId, ct, wszLogicalPath, wszComponentName, CS_PREVIOUS_STAMP,
                                  wszPreviousBackupStamp));
}

HRESULT STDMETHODCALLTYPE bc_SetSelectedForRestore(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                   LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                   boolean bSelectedForRestore)
{
    BC_BEGIN(IVssBackupComponents, SetSelectedForRestore);
    COMP_ARGS(writerId, ct);
    ARG_BOOL(bSelectedForRestore);
    CALL_COMMIT();
    bc_comp *c;
    HRESULT hr = lookup_restore(b, &writerId, ct, wszLogicalPath, wszComponentName, &c);
    if (SUCCEEDED(hr))
        c->selected_for_restore = bSelectedForRestore != 0;
    return CALL_END(hr);
}

HRESULT STDMETHODCALLTYPE bc_SetSelectedForRestoreEx(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                     LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                     boolean bSelectedForRestore, VSS_ID instanceId)
{
    BC_BEGIN(IVssBackupComponentsEx, SetSelectedForRestoreEx);
    COMP_ARGS(writerId, ct);
    ARG_BOOL(bSelectedForRestore);
    ARG_GUID(instanceId);
    CALL_COMMIT();
    bc_comp *c;
    HRESULT hr = lookup_restore(b, &writerId, ct, wszLogicalPath, wszComponentName, &c);
    if (SUCCEEDED(hr)) {
        c->selected_for_restore = bSelectedForRestore != 0;
        c->restore_instance = instanceId;
    }
    return CALL_END(hr);
}

static HRESULT restore_string(bc *b, const GUID *writer, int ct, LPCWSTR logical, LPCWSTR name, int which,
                              LPCWSTR value)
{
    bc_comp *c;
    HRESULT hr = lookup_restore(b, writer, ct, logical, name, &c);
    if (SUCCEEDED(hr) && !value)
        hr = E_INVALIDARG;
    if (SUCCEEDED(hr))
        set_str(&c->str[which], value);
    return hr;
}

HRESULT STDMETHODCALLTYPE bc_SetRestoreOptions(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                               LPCWSTR wszComponentName, LPCWSTR wszRestoreOptions)
{
    BC_BEGIN(IVssBackupComponents, SetRestoreOptions);
    COMP_ARGS(writerId, ct);
    ARG_WSTR(wszRestoreOptions);
    CALL_COMMIT();
    return CALL_END(restore_string(b, &writerId, ct, wszLogicalPath, wszComponentName, CS_RESTORE_OPTIONS,
                                   wszRestoreOptions));
}

HRESULT STDMETHODCALLTYPE bc_SetRestoreName(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                            LPCWSTR wszComponentName, LPCWSTR wszRestoreName)
{
    BC_BEGIN(IVssBackupComponentsEx2, SetRestoreName);
    COMP_ARGS(writerId, ct);
    ARG_WSTR(wszRestoreName);
    CALL_COMMIT();
    return CALL_END(restore_string(b, &writerId, ct, wszLogicalPath, wszComponentName, CS_RESTORE_NAME,
                                   wszRestoreName));
}

HRESULT STDMETHODCALLTYPE bc_SetAdditionalRestores(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                   LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                   boolean bAdditionalRestores)
{
    BC_BEGIN(IVssBackupComponents, SetAdditionalRestores);
    COMP_ARGS(writerId, ct);
    ARG_BOOL(bAdditionalRestores);
    CALL_COMMIT();
    bc_comp *c;
    HRESULT hr = lookup_restore(b, &writerId, ct, wszLogicalPath, wszComponentName, &c);
    if (SUCCEEDED(hr))
        c->additional_restores = bAdditionalRestores != 0;
    return CALL_END(hr);
}

HRESULT STDMETHODCALLTYPE bc_SetAuthoritativeRestore(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                     LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, boolean bAuth)
{
    BC_BEGIN(IVssBackupComponentsEx2, SetAuthoritativeRestore);
    COMP_ARGS(writerId, ct);
    ARG_BOOL(bAuth);
    CALL_COMMIT();
    bc_comp *c;
    HRESULT hr = lookup_restore(b, &writerId, ct, wszLogicalPath, wszComponentName, &c);
    if (SUCCEEDED(hr))
        c->authoritative = bAuth != 0;
    return CALL_END(hr);
}

HRESULT STDMETHODCALLTYPE bc_SetRollForward(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                            LPCWSTR wszComponentName, VSS_ROLLFORWARD_TYPE rollType,
                                            LPCWSTR wszRollForwardPoint)
{
    BC_BEGIN(IVssBackupComponentsEx2, SetRollForward);
    COMP_ARGS(writerId, ct);
    ARG_INT(rollType);
    ARG_WSTR(wszRollForwardPoint);
    CALL_COMMIT();
    bc_comp *c;
    HRESULT hr = lookup_restore(b, &writerId, ct, wszLogicalPath, wszComponentName, &c);
    if (SUCCEEDED(hr) && (rollType < VSS_RF_NONE || rollType > VSS_RF_PARTIAL))
        hr = E_INVALIDARG;
    if (SUCCEEDED(hr)) {
        c->roll_type = rollType;
        set_str(&c->str[CS_ROLL_POINT], wszRollForwardPoint);
    }
    return CALL_END(hr);
}

HRESULT STDMETHODCALLTYPE bc_AddAlternativeLocationMapping(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE componentType,
                                                           LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                           LPCWSTR wszPath, LPCWSTR wszFilespec, boolean bRecursive,
                                                           LPCWSTR wszDestination)
{
    BC_BEGIN(IVssBackupComponents, AddAlternativeLocationMapping);
    COMP_ARGS(writerId, componentType);
    ARG_WSTR(wszPath);
    ARG_WSTR(wszFilespec);
    ARG_BOOL(bRecursive);
    ARG_WSTR(wszDestination);
    CALL_COMMIT();
    bc_comp *c;
    HRESULT hr = lookup_restore(b, &writerId, componentType, wszLogicalPath, wszComponentName, &c);
    if (SUCCEEDED(hr) && (!wszPath || !wszFilespec || !wszDestination))
        hr = E_INVALIDARG;
    if (SUCCEEDED(hr)) {
        bc_item *it = comp_add_item(c, ITEM_ALT_MAPPING);
        it->s[0] = dup_w(wszPath);
        it->s[1] = dup_w(wszFilespec);
        it->s[2] = dup_w(wszDestination);
        it->flag = bRecursive != 0;
    }
    return CALL_END(hr);
}

HRESULT STDMETHODCALLTYPE bc_AddRestoreSubcomponent(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE componentType,
                                                    LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                    LPCWSTR wszSubComponentLogicalPath, LPCWSTR wszSubComponentName,
                                                    boolean bRepair)
{
    BC_BEGIN(IVssBackupComponents, AddRestoreSubcomponent);
    COMP_ARGS(writerId, componentType);
    ARG_WSTR(wszSubComponentLogicalPath);
    ARG_WSTR(wszSubComponentName);
    ARG_BOOL(bRepair);
    CALL_COMMIT();
    bc_comp *c;
    HRESULT hr = lookup_restore(b, &writerId, componentType, wszLogicalPath, wszComponentName, &c);
    if (SUCCEEDED(hr) && !wszSubComponentName)
        hr = E_INVALIDARG;
    if (SUCCEEDED(hr)) {
        bc_item *it = comp_add_item(c, ITEM_SUBCOMPONENT);
        it->s[0] = dup_w(wszSubComponentLogicalPath);
        it->s[1] = dup_w(wszSubComponentName);
        it->flag = bRepair != 0;
    }
    return CALL_END(hr);
}

HRESULT STDMETHODCALLTYPE bc_AddNewTarget(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                          LPCWSTR wszComponentName, LPCWSTR wszPath, LPCWSTR wszFileName,
                                          boolean bRecursive, LPCWSTR wszAlternatePath)
{
    BC_BEGIN(IVssBackupComponents, AddNewTarget);
    COMP_ARGS(writerId, ct);
    ARG_WSTR(wszPath);
    ARG_WSTR(wszFileName);
    ARG_BOOL(bRecursive);
    ARG_WSTR(wszAlternatePath);
    CALL_COMMIT();
    bc_comp *c;
    HRESULT hr = lookup_restore(b, &writerId, ct, wszLogicalPath, wszComponentName, &c);
    if (SUCCEEDED(hr) && (!wszPath || !wszFileName || !wszAlternatePath))
        hr = E_INVALIDARG;
    if (SUCCEEDED(hr)) {
        bc_item *it = comp_add_item(c, ITEM_NEW_TARGET);
        it->s[0] = dup_w(wszPath);
        it->s[1] = dup_w(wszFileName);
        it->s[2] = dup_w(wszAlternatePath);
        it->flag = bRecursive != 0;
    }
    return CALL_END(hr);
}

HRESULT STDMETHODCALLTYPE bc_SetRangesFilePath(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath,
                                               LPCWSTR wszComponentName, UINT iPartialFile, LPCWSTR wszRangesFile)
{
    BC_BEGIN(IVssBackupComponents, SetRangesFilePath);
    COMP_ARGS(writerId, ct);
    ARG_UINT(iPartialFile);
    ARG_WSTR(wszRangesFile);
    CALL_COMMIT();
    bc_comp *c;
    HRESULT hr = lookup_restore(b, &writerId, ct, wszLogicalPath, wszComponentName, &c);
    bc_item *it = SUCCEEDED(hr) ? comp_item(c, ITEM_PARTIAL_FILE, iPartialFile) : NULL;
    if (SUCCEEDED(hr) && !it)
        hr = VSS_E_OBJECT_NOT_FOUND;
    if (SUCCEEDED(hr) && !wszRangesFile)
        hr = E_INVALIDARG;
    if (SUCCEEDED(hr))
        set_str(&it->s[2], wszRangesFile);
    return CALL_END(hr);
}

HRESULT STDMETHODCALLTYPE bc_SetFileRestoreStatus(BC_THIS, VSS_ID writerId, VSS_COMPONENT_TYPE ct,
                                                  LPCWSTR wszLogicalPath, LPCWSTR wszComponentName,
                                                  VSS_FILE_RESTORE_STATUS status)
{
    BC_BEGIN(IVssBackupComponents, SetFileRestoreStatus);
    COMP_ARGS(writerId, ct);
    ARG_INT(status);
    CALL_COMMIT();
    bc_comp *c;
    HRESULT hr = lookup(b, BC_RESTORE, &writerId, ct, wszLogicalPath, wszComponentName, &c);
    /* Only between PreRestore and PostRestore. */
    if (SUCCEEDED(hr) && (!b->pre_restore_done || b->restore_busy || b->post_restore_done))
        hr = VSS_E_BAD_STATE;
    if (SUCCEEDED(hr) && (status < VSS_RS_NONE || status > VSS_RS_FAILED))
        hr = E_INVALIDARG;
    if (SUCCEEDED(hr))
        c->file_restore_status = status;
    return CALL_END(hr);
}
