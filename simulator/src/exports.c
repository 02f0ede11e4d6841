/* The vssapi.dll exports a requester links against. */
#include "memory.h"
#include "objects.h"
#include "writer_xml.h"

SIM_EXPORT HRESULT STDAPICALLTYPE CreateVssBackupComponentsInternal(IVssBackupComponents **ppBackup)
{
    CALL_BEGIN_FN(CreateVssBackupComponentsInternal);
    ARG_OUT(ppBackup);
    CALL_COMMIT();
    if (!ppBackup)
        return CALL_END(E_INVALIDARG);
    *ppBackup = (IVssBackupComponents *)(void *)bc_new();
    return CALL_END(S_OK);
}

SIM_EXPORT HRESULT STDAPICALLTYPE CreateVssExamineWriterMetadataInternal(BSTR bstrXML,
                                                                         IVssExamineWriterMetadata **ppMetadata)
{
    CALL_BEGIN_FN(CreateVssExamineWriterMetadataInternal);
    ARG_BSTR(bstrXML);
    ARG_OUT(ppMetadata);
    CALL_COMMIT();
    if (!bstrXML || !ppMetadata)
        return CALL_END(E_INVALIDARG);
    char *xml = u16_to_u8(bstrXML, mem_bstr_len(bstrXML));
    sim_writer *w = writer_from_xml(xml);
    free(xml);
    if (!w)
        return CALL_END(VSS_E_INVALID_XML_DOCUMENT);
    *ppMetadata = (IVssExamineWriterMetadata *)(void *)wm_new(w);
    return CALL_END(S_OK);
}

SIM_EXPORT void APIENTRY VssFreeSnapshotPropertiesInternal(VSS_SNAPSHOT_PROP *pProp)
{
    CALL_BEGIN_FN(VssFreeSnapshotPropertiesInternal);
    ARG_IN_PTR(pProp);
    if (call_commit(&c_) || !pProp) {
        call_end_void(&c_);
        return;
    }
    VSS_PWSZ *strings[] = { &pProp->m_pwszSnapshotDeviceObject, &pProp->m_pwszOriginalVolumeName,
                            &pProp->m_pwszOriginatingMachine,   &pProp->m_pwszServiceMachine,
                            &pProp->m_pwszExposedName,          &pProp->m_pwszExposedPath };
    for (size_t i = 0; i < SIM_ARRAY_LEN(strings); i++) {
        mem_task_free(*strings[i]);
        *strings[i] = NULL;
    }
    call_end_void(&c_);
}

SIM_EXPORT HRESULT APIENTRY IsVolumeSnapshottedInternal(VSS_PWSZ pwszVolumeName, WINBOOL *pbSnapshotsPresent,
                                                        LONG *plSnapshotCapability)
{
    CALL_BEGIN_FN(IsVolumeSnapshottedInternal);
    ARG_WSTR(pwszVolumeName);
    ARG_OUT(pbSnapshotsPresent);
    ARG_OUT(plSnapshotCapability);
    CALL_COMMIT();
    if (!pwszVolumeName || !pbSnapshotsPresent || !plSnapshotCapability)
        return CALL_END(E_INVALIDARG);
    /* nf-vsbackup-isvolumesnapshotted.md: the AddToSnapshotSet name forms,
     * trailing backslash required; an empty name is a parameter that is not
     * valid (E_INVALIDARG), any other name of no volume VSS_E_OBJECT_NOT_FOUND. */
    char *name = wstr_u8(pwszVolumeName);
    size_t vi = 0;
    HRESULT found = state_resolve_volume(name, false, &vi);
    free(name);
    if (FAILED(found))
        return CALL_END(found);
    bool present = false;
    for (size_t i = 0; i < g_state.nsnapshots; i++)
        present |= g_state.snapshots[i]->volume == vi;
    *pbSnapshotsPresent = present;
    *plSnapshotCapability = 0; /* the software provider disables nothing */
    return CALL_END(S_OK);
}

SIM_EXPORT HRESULT APIENTRY ShouldBlockRevertInternal(LPCWSTR wszVolumeName, boolean *pbBlock)
{
    CALL_BEGIN_FN(ShouldBlockRevertInternal);
    ARG_WSTR(wszVolumeName);
    ARG_OUT(pbBlock);
    CALL_COMMIT();
    if (!wszVolumeName || !pbBlock)
        return CALL_END(E_INVALIDARG);
    *pbBlock = g_state.revert_blocked;
    return CALL_END(S_OK);
}
