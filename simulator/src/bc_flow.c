/* What the method files of a backup components object share about its flow:
 * the writers it sees, the writer phases its operations run (and the
 * failures injected at them), its running operation, and the auto-release
 * shadow copies that end with it. */
#include "bc.h"

void bc_settle(bc *b)
{
    if (b->pending)
        async_poll(b->pending);
}

static bool id_in(const GUID *list, size_t n, const GUID *id)
{
    for (size_t i = 0; i < n; i++)
        if (guid_eq(&list[i], id))
            return true;
    return false;
}

bool bc_writer_enabled(bc *b, const sim_writer *w)
{
    if (b->nenabled_classes && !id_in(b->enabled_classes, b->nenabled_classes, &w->writer_id))
        return false;
    return !id_in(b->disabled_classes, b->ndisabled_classes, &w->writer_id) &&
           !id_in(b->disabled_instances, b->ndisabled_instances, &w->instance_id);
}

static bool retryable(HRESULT hr)
{
    return hr == VSS_E_WRITERERROR_RETRYABLE || hr == VSS_E_WRITERERROR_OUTOFRESOURCES ||
           hr == VSS_E_WRITERERROR_TIMEOUT || hr == VSS_E_WRITER_STATUS_NOT_AVAILABLE;
}

HRESULT bc_plan_phases(bc *b, const int *states, size_t n)
{
    b->op_phases = 0;
    b->op_veto = S_OK;
    for (size_t i = 0; i < n && b->op_veto == S_OK; i++) {
        b->op_phases |= 1u << states[i];
        bool any = false, fatal = false;
        for (size_t k = 0; k < g_state.nwriters; k++) {
            const sim_writer *w = g_state.writers[k];
            if (w->fail_state != states[i] || !bc_writer_enabled(b, w))
                continue;
            any = true;
            fatal |= !retryable(w->fail_hr);
        }
        if (any)
            b->op_veto = fatal ? VSS_E_WRITERERROR_NONRETRYABLE : VSS_E_WRITERERROR_RETRYABLE;
    }
    return b->op_veto ? b->op_veto : VSS_S_ASYNC_FINISHED;
}

bool bc_phases_done(bc *b, HRESULT final)
{
    bool vetoed = b->op_veto != S_OK && final == b->op_veto;
    if (final == VSS_S_ASYNC_FINISHED || vetoed)
        b->phases |= b->op_phases;
    b->op_phases = 0;
    b->op_veto = S_OK;
    return vetoed;
}

static bool auto_released_by(const sim_snapshot *s, const void *b)
{
    return s->owner == b && !snapshot_persistent(s);
}

void bc_release_snapshots(bc *b)
{
    state_delete_snapshots_if(auto_released_by, b);
    for (size_t i = 0; i < g_state.nsnapshots; i++)
        if (g_state.snapshots[i]->owner == b)
            g_state.snapshots[i]->owner = NULL;
}
