#include "persist.h"

#include "fsys.h"
#include "state.h"
#include "xml.h"

#define STATE_FILE "vss-sim-state.xml"
#define LOCK_FILE "vss-sim-state.lock"
#define ROOT "VssSimState"

static char *state_dir; /* NULL: the machine lives in this process only */
static bool dirty;

/* Counters of ids that name machine objects; writer ids are per process. */
static const char *const counter_attr[ID_COUNT] = {
    [ID_SNAPSHOT_SET] = "setIds",
    [ID_SNAPSHOT] = "snapshotIds",
    [ID_VOLUME] = "volumeIds",
    [ID_SESSION] = "sessionIds",
};

static void read_env(void)
{
    free(state_dir);
    state_dir = fs_getenv("VSS_SIM_STATE_DIR");
    if (state_dir)
        fs_mkdirs(state_dir);
}

bool persist_enabled(void) { return state_dir != NULL; }

void persist_mark(void) { dirty = true; }

static char *serialise(void)
{
    sbuf x = { 0 };
    xml_open(&x, ROOT);
    xml_int(&x, "version", 1);
    for (int k = 0; k < ID_COUNT; k++)
        if (counter_attr[k])
            xml_int(&x, counter_attr[k], (long long)g_state.counters[k]);
    xml_int(&x, "shadowCopyNumber", (long long)g_state.shadow_copy_number);
    xml_close(&x, false);
    for (size_t i = 0; i < g_state.nvolumes; i++) {
        const sim_volume *v = &g_state.volumes[i];
        xml_open(&x, "Volume");
        xml_str(&x, "name", v->name);
        xml_str(&x, "guidName", v->guid_name);
        xml_int(&x, "supported", v->supported);
        xml_int(&x, "directory", v->dir);
        xml_int(&x, "protectionLevel", v->protection_level);
        xml_int(&x, "protectionFault", v->protection_fault);
        xml_int(&x, "offlineForProtection", v->offline_for_protection);
        xml_int(&x, "reverting", v->reverting);
        xml_int(&x, "totalSpace", v->total_space);
        xml_int(&x, "freeSpace", v->free_space);
        xml_close(&x, true);
    }
    for (size_t i = 0; i < g_state.nsnapshots; i++) {
        const sim_snapshot *s = g_state.snapshots[i];
        if (!snapshot_persistent(s))
            continue; /* auto-release copies die with their creator */
        xml_open(&x, "Snapshot");
        xml_guid(&x, "id", &s->id);
        xml_guid(&x, "setId", &s->set_id);
        xml_int(&x, "count", s->count_in_set);
        xml_str(&x, "device", s->device);
        xml_str(&x, "originalVolume", s->original_volume);
        xml_int(&x, "volume", (long long)s->volume);
        xml_int(&x, "folder", s->folder);
        xml_str(&x, "exposedName", s->exposed_name);
        xml_str(&x, "exposedPath", s->exposed_path);
        xml_int(&x, "attributes", s->attributes);
        xml_int(&x, "context", s->context);
        xml_int(&x, "created", s->created);
        xml_int(&x, "status", s->status);
        xml_close(&x, true);
    }
    for (size_t i = 0; i < g_state.ndiff_areas; i++) {
        const sim_diff_area *a = &g_state.diff_areas[i];
        xml_open(&x, "DiffArea");
        xml_str(&x, "volume", a->volume);
        xml_str(&x, "diffVolume", a->diff_volume);
        xml_int(&x, "maxSpace", a->max_space);
        xml_int(&x, "allocated", a->allocated);
        xml_int(&x, "used", a->used);
        xml_close(&x, true);
    }
    xml_end(&x, ROOT);
    return sb_take(&x);
}

static char *file_path(const char *name) { return fs_join(state_dir, name); }

void persist_flush(void)
{
    if (!dirty || !state_dir)
        return;
    dirty = false;
    char *text = serialise();
    char *path = file_path(STATE_FILE), *lock = file_path(LOCK_FILE);
    intptr_t h = fs_lock(lock);
    fs_write_file_atomic(path, text, strlen(text)); /* last writer wins */
    fs_unlock(h);
    free(lock);
    free(path);
    free(text);
}

void persist_clear(void)
{
    read_env();
    dirty = false;
    if (!state_dir)
        return;
    char *path = file_path(STATE_FILE), *lock = file_path(LOCK_FILE);
    intptr_t h = fs_lock(lock);
    fs_remove_file(path);
    fs_unlock(h);
    free(lock);
    free(path);
}

/* The machine read from a saved file, before it replaces the current one. */
typedef struct loaded {
    sim_volume *volumes;
    size_t nvolumes, capvolumes;
    sim_snapshot **snapshots;
    size_t nsnapshots, capsnapshots;
    sim_diff_area *areas;
    size_t nareas, capareas;
    uint64_t counters[ID_COUNT];
    uint64_t number;
} loaded;

static void loaded_free(loaded *m)
{
    for (size_t i = 0; i < m->nvolumes; i++) {
        free(m->volumes[i].name);
        free(m->volumes[i].guid_name);
    }
    free(m->volumes);
    for (size_t i = 0; i < m->nsnapshots; i++)
        snapshot_free(m->snapshots[i]);
    free(m->snapshots);
    for (size_t i = 0; i < m->nareas; i++) {
        free(m->areas[i].volume);
        free(m->areas[i].diff_volume);
    }
    free(m->areas);
}

static bool parse(const char *text, loaded *m)
{
    const char *p = text;
    xml_elem e;
    bool bad = false;
    if (!xml_next(&p, &e, &bad) || e.closing || strcmp(e.name, ROOT) != 0 || xml_get_int(&e, "version", 0) != 1) {
        xml_elem_free(&e);
        return false;
    }
    for (int k = 0; k < ID_COUNT; k++)
        if (counter_attr[k])
            m->counters[k] = (uint64_t)xml_get_int(&e, counter_attr[k], 0);
    m->number = (uint64_t)xml_get_int(&e, "shadowCopyNumber", 0);
    xml_elem_free(&e);
    bool closed = false;
    while (!bad && xml_next(&p, &e, &bad)) {
        if (e.closing) {
            closed = !strcmp(e.name, ROOT);
        } else if (!strcmp(e.name, "Volume")) {
            sim_volume *v = VEC_PUSH(m->volumes, m->nvolumes, m->capvolumes);
            v->name = xml_dup(&e, "name");
            v->guid_name = xml_dup(&e, "guidName");
            v->supported = xml_get_int(&e, "supported", 1) != 0;
            v->dir = xml_get_int(&e, "directory", 0) != 0;
            v->protection_level = (int)xml_get_int(&e, "protectionLevel", 0);
            v->protection_fault = (int)xml_get_int(&e, "protectionFault", 0);
            v->offline_for_protection = xml_get_int(&e, "offlineForProtection", 0) != 0;
            v->reverting = xml_get_int(&e, "reverting", 0) != 0;
            v->total_space = xml_get_int(&e, "totalSpace", 0);
            v->free_space = xml_get_int(&e, "freeSpace", 0);
            if (!v->name || !v->guid_name)
                bad = true;
        } else if (!strcmp(e.name, "Snapshot")) {
            long long vol = xml_get_int(&e, "volume", -1);
            sim_snapshot *s = calloc(1, sizeof *s);
            if (!s)
                abort();
            s->id = xml_get_guid(&e, "id");
            s->set_id = xml_get_guid(&e, "setId");
            s->count_in_set = (LONG)xml_get_int(&e, "count", 1);
            s->device = xml_dup(&e, "device");
            s->original_volume = xml_dup(&e, "originalVolume");
            s->folder = xml_get_int(&e, "folder", 0) != 0;
            s->exposed_name = xml_dup(&e, "exposedName");
            s->exposed_path = xml_dup(&e, "exposedPath");
            s->attributes = (LONG)xml_get_int(&e, "attributes", 0);
            s->context = (LONG)xml_get_int(&e, "context", 0);
            s->created = xml_get_int(&e, "created", 0);
            s->status = (int)xml_get_int(&e, "status", VSS_SS_CREATED);
            s->volume = (size_t)vol;
            *(sim_snapshot **)VEC_PUSH(m->snapshots, m->nsnapshots, m->capsnapshots) = s;
            if (vol < 0 || (size_t)vol >= m->nvolumes || !s->device || !s->original_volume)
                bad = true;
        } else if (!strcmp(e.name, "DiffArea")) {
            sim_diff_area *a = VEC_PUSH(m->areas, m->nareas, m->capareas);
            a->volume = xml_dup(&e, "volume");
            a->diff_volume = xml_dup(&e, "diffVolume");
            a->max_space = xml_get_int(&e, "maxSpace", -1);
            a->allocated = xml_get_int(&e, "allocated", 0);
            a->used = xml_get_int(&e, "used", 0);
            if (!a->volume || !a->diff_volume)
                bad = true;
        }
        xml_elem_free(&e);
    }
    return !bad && closed && m->nvolumes > 0;
}

static bool has_snapshot(const loaded *m, const GUID *id)
{
    for (size_t i = 0; i < m->nsnapshots; i++)
        if (guid_eq(&m->snapshots[i]->id, id))
            return true;
    return false;
}

int32_t persist_load(void)
{
    read_env();
    dirty = false;
    if (!state_dir)
        return -1;
    char *path = file_path(STATE_FILE), *lock = file_path(LOCK_FILE);
    intptr_t h = fs_lock(lock);
    char *text = NULL;
    bool have = fs_read_file(path, &text);
    fs_unlock(h);
    free(lock);
    free(path);
    loaded m;
    memset(&m, 0, sizeof m);
    if (!have || !parse(text, &m)) {
        free(text);
        loaded_free(&m);
        return 0; /* nothing saved (or unreadable): the initial machine */
    }
    free(text);
    /* The loaded machine replaces this one. Copies this process made that the
     * file does not know (auto-release ones) are deleted with their folders. */
    for (size_t i = 0; i < g_state.nsnapshots; i++) {
        sim_snapshot *s = g_state.snapshots[i];
        if (has_snapshot(&m, &s->id))
            snapshot_free(s);
        else
            snapshot_discard(s);
    }
    free(g_state.snapshots);
    for (size_t i = 0; i < g_state.nvolumes; i++) {
        free(g_state.volumes[i].name);
        free(g_state.volumes[i].guid_name);
    }
    free(g_state.volumes);
    for (size_t i = 0; i < g_state.ndiff_areas; i++) {
        free(g_state.diff_areas[i].volume);
        free(g_state.diff_areas[i].diff_volume);
    }
    free(g_state.diff_areas);
    g_state.volumes = m.volumes;
    g_state.nvolumes = m.nvolumes;
    g_state.capvolumes = m.capvolumes;
    g_state.snapshots = m.snapshots;
    g_state.nsnapshots = m.nsnapshots;
    g_state.capsnapshots = m.capsnapshots;
    g_state.diff_areas = m.areas;
    g_state.ndiff_areas = m.nareas;
    g_state.capdiff_areas = m.capareas;
    for (int k = 0; k < ID_COUNT; k++)
        if (counter_attr[k])
            g_state.counters[k] = m.counters[k];
    g_state.shadow_copy_number = m.number;
    dirty = false;
    return (int32_t)g_state.nsnapshots;
}
