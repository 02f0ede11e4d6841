/* The Backup Components Document as text: written by SaveAsXML, read back by
 * InitializeForRestore (and InitializeForBackup, for transported snapshots). */
#include "bc.h"
#include "xml.h"

#define DOC_ROOT "VssSimBackupComponents"

const char *const comp_str_names[CS_COUNT] = {
    [CS_BACKUP_OPTIONS] = "backupOptions",
    [CS_PREVIOUS_STAMP] = "previousBackupStamp",
    [CS_BACKUP_STAMP] = "backupStamp",
    [CS_BACKUP_METADATA] = "backupMetadata",
    [CS_RESTORE_METADATA] = "restoreMetadata",
    [CS_RESTORE_OPTIONS] = "restoreOptions",
    [CS_PRE_RESTORE_MSG] = "preRestoreFailureMsg",
    [CS_POST_RESTORE_MSG] = "postRestoreFailureMsg",
    [CS_PREPARE_MSG] = "prepareForBackupFailureMsg",
    [CS_POST_SNAPSHOT_MSG] = "postSnapshotFailureMsg",
    [CS_RESTORE_NAME] = "restoreName",
    [CS_ROLL_POINT] = "rollForwardPoint",
    [CS_APP_MESSAGE] = "applicationMessage",
};

static const char *const item_keys[ITEM_STRINGS] = { "s0", "s1", "s2", "s3", "s4", "s5" };

char *bc_to_xml(bc *b)
{
    sbuf x = { 0 };
    xml_open(&x, DOC_ROOT);
    xml_int(&x, "version", 1);
    xml_int(&x, "mode", b->mode);
    xml_int(&x, "context", b->context);
    xml_int(&x, "selectComponents", b->select_components);
    xml_int(&x, "bootableSystemState", b->bootable);
    xml_int(&x, "backupType", b->backup_type);
    xml_int(&x, "partialFileSupport", b->partial);
    xml_int(&x, "restoreType", b->restore_type);
    if (b->set_started)
        xml_guid(&x, "snapshotSetId", &b->set_id);
    xml_close(&x, false);
    for (size_t i = 0; b->snapshot_done && i < g_state.nsnapshots; i++) {
        const sim_snapshot *s = g_state.snapshots[i];
        if (!guid_eq(&s->set_id, &b->set_id))
            continue;
        xml_open(&x, "Snapshot");
        xml_guid(&x, "id", &s->id);
        xml_guid(&x, "setId", &s->set_id);
        xml_int(&x, "count", s->count_in_set);
        xml_str(&x, "device", s->device);
        xml_str(&x, "originalVolume", s->original_volume);
        xml_int(&x, "attributes", s->attributes);
        xml_int(&x, "context", s->context);
        xml_int(&x, "created", s->created);
        xml_close(&x, true);
    }
    for (size_t i = 0; i < b->ncomps; i++) {
        const bc_comp *c = &b->comps[i];
        xml_open(&x, "Component");
        xml_guid(&x, "instanceId", &c->instance_id);
        xml_guid(&x, "writerId", &c->writer_id);
        xml_int(&x, "type", c->type);
        xml_str(&x, "logicalPath", c->logical_path);
        xml_str(&x, "name", c->name);
        xml_int(&x, "backupSucceeded", c->backup_succeeded);
        xml_int(&x, "selectedForRestore", c->selected_for_restore);
        xml_int(&x, "additionalRestores", c->additional_restores);
        xml_int(&x, "authoritativeRestore", c->authoritative);
        xml_int(&x, "rollForwardType", c->roll_type);
        xml_int(&x, "restoreTarget", c->restore_target);
        xml_int(&x, "fileRestoreStatus", c->file_restore_status);
        xml_int(&x, "failure", (uint32_t)c->failure_hr);
        xml_int(&x, "applicationFailure", (uint32_t)c->failure_app);
        for (int k = 0; k < CS_COUNT; k++)
            xml_str(&x, comp_str_names[k], c->str[k]);
        xml_close(&x, false);
        for (size_t j = 0; j < c->nitems; j++) {
            const bc_item *it = &c->items[j];
            xml_open(&x, "Item");
            xml_int(&x, "kind", it->kind);
            for (int k = 0; k < ITEM_STRINGS; k++)
                xml_str(&x, item_keys[k], it->s[k]);
            xml_int(&x, "flag", it->flag);
            xml_int(&x, "num", (long long)it->num);
            xml_close(&x, true);
        }
        xml_end(&x, "Component");
    }
    xml_end(&x, DOC_ROOT);
    return sb_take(&x);
}

static void load_snapshot(bc *b, const xml_elem *e)
{
    sim_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->id = xml_get_guid(e, "id");
    s->set_id = xml_get_guid(e, "setId");
    s->count_in_set = (LONG)xml_get_int(e, "count", 1);
    s->device = xml_dup(e, "device");
    s->original_volume = xml_dup(e, "originalVolume");
    s->attributes = (LONG)xml_get_int(e, "attributes", 0);
    s->context = (LONG)xml_get_int(e, "context", 0);
    s->created = xml_get_int(e, "created", 0);
    s->status = VSS_SS_CREATED;
    b->doc_snapshots = realloc(b->doc_snapshots, (b->ndoc_snapshots + 1) * sizeof *b->doc_snapshots);
    if (!b->doc_snapshots)
        abort();
    b->doc_snapshots[b->ndoc_snapshots++] = s;
}

static void load_component(bc *b, const xml_elem *e)
{
    GUID instance = xml_get_guid(e, "instanceId"), writer = xml_get_guid(e, "writerId");
    bc_comp *c = bc_add_comp(b, &instance, &writer, (int)xml_get_int(e, "type", 0), xml_get(e, "logicalPath"),
                             xml_get(e, "name"));
    c->backup_succeeded = (int)xml_get_int(e, "backupSucceeded", -1);
    c->selected_for_restore = xml_get_int(e, "selectedForRestore", 0) != 0;
    c->additional_restores = xml_get_int(e, "additionalRestores", 0) != 0;
    c->authoritative = xml_get_int(e, "authoritativeRestore", 0) != 0;
    c->roll_type = (int)xml_get_int(e, "rollForwardType", 0);
    c->restore_target = (int)xml_get_int(e, "restoreTarget", 0);
    c->file_restore_status = (int)xml_get_int(e, "fileRestoreStatus", 0);
    c->failure_hr = (HRESULT)(uint32_t)xml_get_int(e, "failure", 0);
    c->failure_app = (HRESULT)(uint32_t)xml_get_int(e, "applicationFailure", 0);
    for (int k = 0; k < CS_COUNT; k++)
        c->str[k] = xml_dup(e, comp_str_names[k]);
}

static void load_item(bc *b, const xml_elem *e)
{
    bc_comp *c = &b->comps[b->ncomps - 1];
    bc_item *it = comp_add_item(c, (int)xml_get_int(e, "kind", 0));
    for (int k = 0; k < ITEM_STRINGS; k++)
        it->s[k] = xml_dup(e, item_keys[k]);
    it->flag = xml_get_int(e, "flag", 0) != 0;
    it->num = (uint64_t)xml_get_int(e, "num", 0);
}

bool bc_load_xml(bc *b, const char *xml, bool restore)
{
    const char *p = xml;
    xml_elem e;
    bool bad = false;
    if (!xml_next(&p, &e, &bad) || strcmp(e.name, DOC_ROOT) != 0 || e.closing) {
        xml_elem_free(&e);
        return false;
    }
    b->context = (LONG)xml_get_int(&e, "context", 0);
    b->select_components = xml_get_int(&e, "selectComponents", 0) != 0;
    b->bootable = xml_get_int(&e, "bootableSystemState", 0) != 0;
    b->backup_type = (int)xml_get_int(&e, "backupType", VSS_BT_FULL);
    b->partial = xml_get_int(&e, "partialFileSupport", 0) != 0;
    b->backup_state_set = restore;
    xml_elem_free(&e);
    bool in_component = false, closed = false;
    while (xml_next(&p, &e, &bad)) {
        if (e.closing) {
            if (!strcmp(e.name, DOC_ROOT))
                closed = true;
            in_component = false;
        } else if (!strcmp(e.name, "Snapshot")) {
            load_snapshot(b, &e);
        } else if (!strcmp(e.name, "Component")) {
            load_component(b, &e);
            in_component = true;
        } else if (!strcmp(e.name, "Item") && in_component) {
            load_item(b, &e);
        }
        xml_elem_free(&e);
    }
    return !bad && closed;
}
