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
    /* A transportable copy not imported yet is not surfaced here: no device. */
    p->m_pwszSnapshotDeviceObject = snapshot_in_transit(s) ? NULL : mem_task_wstr(s->device);
    p->m_pwszOriginalVolumeName = mem_task_wstr(s->original_volume);
    p->m_pwszOriginatingMachine = mem_task_wstr(state_machine_name());
    p->m_pwszServiceMachine = mem_task_wstr(state_machine_name());
    p->m_pwszExposedName = mem_task_wstr(s->exposed_name);
    p->m_pwszExposedPath = mem_task_wstr(s->exposed_path);
    p->m_ProviderId = snapshot_by_hardware(s) ? SIM_HW_PROVIDER_ID : SIM_PROVIDER_ID;
    p->m_lSnapshotAttributes = s->attributes;
    p->m_tsCreationTimestamp = s->created;
    p->m_eStatus = (VSS_SNAPSHOT_STATE)s->status;
}

void provider_fill_prop(VSS_PROVIDER_PROP *p) { provider_fill_prop_at(p, 0); }

void provider_fill_prop_at(VSS_PROVIDER_PROP *p, size_t index)
{
    static const GUID version_id = { 0x00000001, 0x0000, 0x0000, { 0 } };
    static const GUID class_id = { 0x65ee1dba, 0x8ff4, 0x4a58, { 0xac, 0x1c, 0x34, 0x70, 0xee, 0x2f, 0x37, 0x6e } };
    static const GUID hw_class_id = { 0x5a1d0000, 0x0000, 0x4000, { 0x80, 0x00, 0x48, 0x57, 0xc0, 0xde, 0x00, 0x02 } };
    memset(p, 0, sizeof *p);
    bool hardware = index == 1;
    p->m_ProviderId = hardware ? SIM_HW_PROVIDER_ID : SIM_PROVIDER_ID;
    p->m_pwszProviderName = mem_task_wstr(hardware ? SIM_HW_PROVIDER_NAME : SIM_PROVIDER_NAME);
    p->m_eProviderType = hardware ? VSS_PROV_HARDWARE : VSS_PROV_SYSTEM;
    p->m_pwszProviderVersion = mem_task_wstr(hardware ? SIM_HW_PROVIDER_VERSION : SIM_PROVIDER_VERSION);
    p->m_ProviderVersionId = version_id;
    p->m_ClassId = hardware ? hw_class_id : class_id;
}
