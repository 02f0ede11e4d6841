/* The property structs the requester receives and frees: a shadow copy's
 * VSS_SNAPSHOT_PROP and the provider's VSS_PROVIDER_PROP, their strings in
 * task memory. */
#include "props.h"

#include "memory.h"

void snapshot_fill_prop(const sim_snapshot *s, VSS_SNAPSHOT_PROP *p)
{
    memset(p, 0, sizeof *p);
    p->m_SnapshotId = s->id;
    p->m_SnapshotSetId = s->set_id;
    p->m_lSnapshotsCount = s->count_in_set;
    p->m_pwszSnapshotDeviceObject = mem_task_wstr(s->device);
    p->m_pwszOriginalVolumeName = mem_task_wstr(s->original_volume);
    p->m_pwszOriginatingMachine = mem_task_wstr(SIM_MACHINE);
    p->m_pwszServiceMachine = mem_task_wstr(SIM_MACHINE);
    p->m_pwszExposedName = mem_task_wstr(s->exposed_name);
    p->m_pwszExposedPath = mem_task_wstr(s->exposed_path);
    p->m_ProviderId = SIM_PROVIDER_ID;
    p->m_lSnapshotAttributes = s->attributes;
    p->m_tsCreationTimestamp = s->created;
    p->m_eStatus = (VSS_SNAPSHOT_STATE)s->status;
}

void provider_fill_prop(VSS_PROVIDER_PROP *p)
{
    static const GUID version_id = { 0x00000001, 0x0000, 0x0000, { 0 } };
    static const GUID class_id = { 0x65ee1dba, 0x8ff4, 0x4a58, { 0xac, 0x1c, 0x34, 0x70, 0xee, 0x2f, 0x37, 0x6e } };
    memset(p, 0, sizeof *p);
    p->m_ProviderId = SIM_PROVIDER_ID;
    p->m_pwszProviderName = mem_task_wstr(SIM_PROVIDER_NAME);
    p->m_eProviderType = VSS_PROV_SYSTEM;
    p->m_pwszProviderVersion = mem_task_wstr(SIM_PROVIDER_VERSION);
    p->m_ProviderVersionId = version_id;
    p->m_ClassId = class_id;
}
