#include "persist.h"

#include "fsys.h"
#include "state.h"
#include "sync.h"
#include "util.h"
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

typedef struct jentry {
    int kind;
    char *path;
    int64_t pid;
    char owner[40];
} jentry;

static jentry *journal;
static size_t njournal, capjournal;
static char token[40];     /* this process (a pid may be reused; the token is not) */
static char *jobs_paths[SIM_MAX_VOLUMES_PER_SET * 4];
static size_t njobs;
static intptr_t lock_handle = -1;
static int depth;          /* persist_begin nesting */
static char signature[96]; /* the file version the machine in memory came from ("": none) */
static char *error_text;
static char fail_step[64];
static int32_t fail_times;
static void (*revert_finisher)(size_t volume);

static void journal_free(jentry *j, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(j[i].path);
    free(j);
}

static void read_env(void)
{
    free(state_dir);
    state_dir = fs_getenv("VSS_SIM_STATE_DIR");
    if (state_dir)
        fs_mkdirs(state_dir);
    if (!token[0]) {
        /* unique enough: pid, clock and an address of this load of the library */
        snprintf(token, sizeof token, "%llx-%llx-%llx", (unsigned long long)sim_pid(),
                 (unsigned long long)sim_now_ns(), (unsigned long long)(uintptr_t)&token);
    }
}

bool persist_enabled(void) { return state_dir != NULL; }

void persist_mark(void) { dirty = true; }

const char *persist_error(void) { return error_text; }

void persist_set_revert_finisher(void (*fn)(size_t volume)) { revert_finisher = fn; }

void persist_fail_write(const char *step, int32_t times)
{
    snprintf(fail_step, sizeof fail_step, "%s", step ? step : "*");
    fail_times = times;
}

static void set_error(char *text)
{
    /* Printed once per distinct problem: a requester sees only the HRESULT. */
    if (!error_text || strcmp(error_text, text) != 0)
        fprintf(stderr, "vss simulator: %s\n", text);
    free(error_text);
    error_text = text;
}

static void clear_error(void)
{
    free(error_text);
    error_text = NULL;
}

static char *serialise(void)
{
    sbuf x = { 0 };
    xml_open(&x, ROOT);
    xml_int(&x, "version", 1);
    for (int k = 0; k < ID_COUNT; k++)
        if (counter_attr[k])
            xml_int(&x, counter_attr[k], (long long)g_state.counters[k]);
    xml_int(&x, "shadowCopyNumber", (long long)g_state.shadow_copy_number);
    xml_int(&x, "hardwareProvider", g_state.hardware_provider);
    xml_str(&x, "writerProfile", writer_profile_name(g_state.writer_profile));
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
        xml_int(&x, "reverted", v->reverted);
        if (v->reverting) {
            xml_guid(&x, "revertSnapshot", &v->revert_snapshot);
            xml_str(&x, "revertSource", v->revert_source);
            xml_int(&x, "revertPid", v->revert_pid);
        }
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
    static const char *const kinds[] = { "creating", "session", "deleting" };
    for (size_t i = 0; i < njournal; i++) {
        xml_open(&x, "Folder");
        xml_str(&x, "kind", kinds[journal[i].kind]);
        xml_str(&x, "path", journal[i].path);
        xml_int(&x, "pid", journal[i].pid);
        xml_str(&x, "owner", journal[i].owner);
        xml_close(&x, true);
    }
    xml_end(&x, ROOT);
    return sb_take(&x);
}

static char *file_path(const char *name) { return fs_join(state_dir, name); }

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
    jentry *journal;
    size_t njournal, capjournal;
    bool hardware_provider;
    int writer_profile;
} loaded;

static void loaded_free(loaded *m)
{
    for (size_t i = 0; i < m->nvolumes; i++) {
        free(m->volumes[i].name);
        free(m->volumes[i].guid_name);
        free(m->volumes[i].revert_source);
    }
    free(m->volumes);
    journal_free(m->journal, m->njournal);
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
    m->hardware_provider = xml_get_int(&e, "hardwareProvider", 0) != 0;
    const char *profile = xml_get(&e, "writerProfile");
    m->writer_profile = profile ? writer_profile_parse(profile) : WRITER_PROFILE_NONE;
    if (m->writer_profile < 0)
        m->writer_profile = WRITER_PROFILE_NONE; /* a profile a later version knows */
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
            v->reverted = xml_get_int(&e, "reverted", 0) != 0;
            v->revert_snapshot = xml_get_guid(&e, "revertSnapshot");
            v->revert_source = xml_dup(&e, "revertSource");
            v->revert_pid = xml_get_int(&e, "revertPid", 0);
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
        } else if (!strcmp(e.name, "Folder")) {
            jentry *j = VEC_PUSH(m->journal, m->njournal, m->capjournal);
            const char *kind = xml_get(&e, "kind");
            j->kind = kind && !strcmp(kind, "creating")  ? JOURNAL_CREATING
                      : kind && !strcmp(kind, "session") ? JOURNAL_SESSION
                                                         : JOURNAL_DELETING;
            j->path = xml_dup(&e, "path");
            j->pid = xml_get_int(&e, "pid", 0);
            const char *owner = xml_get(&e, "owner");
            snprintf(j->owner, sizeof j->owner, "%s", owner ? owner : "");
            if (!j->path || (kind && strcmp(kind, "creating") && strcmp(kind, "session") && strcmp(kind, "deleting")))
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
        } else if (!closed)
            bad = true; /* an element this version never writes */
        xml_elem_free(&e);
    }
    return !bad && closed && m->nvolumes > 0;
}

static void free_volumes(sim_volume *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].guid_name);
        free(v[i].revert_source);
    }
    free(v);
}

/* The loaded machine replaces the saved part of this one. Auto-release shadow
 * copies are this process's own and stay (their volumes found again by GUID
 * name); the persistent ones are the file's. */
static void install(loaded *m)
{
    size_t kept = 0;
    for (size_t i = 0; i < g_state.nsnapshots; i++) {
        sim_snapshot *s = g_state.snapshots[i];
        if (snapshot_persistent(s)) {
            snapshot_free(s);
            continue;
        }
        const char *guid = s->volume < g_state.nvolumes ? g_state.volumes[s->volume].guid_name : NULL;
        size_t vi = m->nvolumes;
        for (size_t k = 0; guid && k < m->nvolumes; k++)
            if (!strcmp(m->volumes[k].guid_name, guid))
                vi = k;
        if (vi == m->nvolumes && guid) {
            sim_volume *v = VEC_PUSH(m->volumes, m->nvolumes, m->capvolumes);
            *v = g_state.volumes[s->volume];
            v->name = sim_strdup(v->name);
            v->guid_name = sim_strdup(v->guid_name);
            v->revert_source = NULL;
            v->reverting = false;
        }
        s->volume = vi;
        *(sim_snapshot **)VEC_PUSH(m->snapshots, m->nsnapshots, m->capsnapshots) = s;
        kept++;
    }
    /* the kept ones were appended after the file's: keep creation order roughly */
    free(g_state.snapshots);
    free_volumes(g_state.volumes, g_state.nvolumes);
    for (size_t i = 0; i < g_state.ndiff_areas; i++) {
        free(g_state.diff_areas[i].volume);
        free(g_state.diff_areas[i].diff_volume);
    }
    free(g_state.diff_areas);
    g_state.volumes = m->volumes;
    g_state.nvolumes = m->nvolumes;
    g_state.capvolumes = m->capvolumes;
    g_state.snapshots = m->snapshots;
    g_state.nsnapshots = m->nsnapshots;
    g_state.capsnapshots = m->capsnapshots;
    g_state.diff_areas = m->areas;
    g_state.ndiff_areas = m->nareas;
    g_state.capdiff_areas = m->capareas;
    for (int k = 0; k < ID_COUNT; k++)
        if (counter_attr[k])
            g_state.counters[k] = m->counters[k];
    g_state.shadow_copy_number = m->number;
    g_state.hardware_provider = m->hardware_provider;
    if (g_state.writer_profile != m->writer_profile)
        writer_profile_install(m->writer_profile);
    journal_free(journal, njournal);
    journal = m->journal;
    njournal = m->njournal;
    capjournal = m->capjournal;
    memset(m, 0, sizeof *m);
    (void)kept;
}

/* The initial machine (C:\ only), as another process's reset left it. */
static void install_initial(void)
{
    loaded m;
    memset(&m, 0, sizeof m);
    sim_volume *v = VEC_PUSH(m.volumes, m.nvolumes, m.capvolumes);
    GUID id = guid_make(ID_VOLUME, 1);
    char s[37];
    guid_format(&id, s);
    v->name = sim_strdup("C:\\");
    /* as state_add_volume names it: the OS's unique name on Windows */
    v->guid_name = fs_os_volume_name(v->name);
    if (!v->guid_name)
        v->guid_name = sim_strfmt("\\\\?\\Volume{%s}\\", s);
    v->supported = true;
    v->total_space = 100LL * 1024 * 1024 * 1024;
    v->free_space = 50LL * 1024 * 1024 * 1024;
    m.counters[ID_VOLUME] = 1;
    install(&m);
}

/* Brings the machine in memory up to the file's version (force: even when
 * the file looks unchanged). */
static HRESULT refresh(bool force)
{
    char *path = file_path(STATE_FILE);
    char now[96];
    fs_file_signature(path, now);
    HRESULT hr = S_OK;
    if (!force && !strcmp(now, signature)) {
        free(path);
        return S_OK;
    }
    char *text = NULL;
    int r = now[0] ? fs_read_file_ex(path, &text) : FS_ERR_NOTFOUND;
    if (r == FS_ERR_NOTFOUND) {
        /* No saved machine: a fresh directory keeps the machine in memory; a
         * file that went away (another process's reset) means the initial one. */
        if (signature[0] || force)
            install_initial();
        signature[0] = '\0';
        clear_error();
    } else if (r != FS_OK) {
        set_error(sim_strfmt("the state file %s cannot be read; check its permissions, or move it away to start "
                             "from an empty machine",
                             path));
        hr = VSS_E_UNEXPECTED;
    } else {
        loaded m;
        memset(&m, 0, sizeof m);
        if (parse(text, &m)) {
            install(&m);
            snprintf(signature, sizeof signature, "%s", now);
            clear_error();
        } else {
            loaded_free(&m);
            set_error(sim_strfmt("the state file %s is corrupt or truncated and was left untouched; move it away "
                                 "(or delete it, or call vss_sim_reset) to start from an empty machine",
                                 path));
            hr = VSS_E_UNEXPECTED;
        }
    }
    free(text);
    free(path);
    dirty = false;
    if (SUCCEEDED(hr))
        state_apply_env(); /* what the environment forces wins (and is saved with the next change) */
    return hr;
}

static bool job_active(const char *path)
{
    for (size_t i = 0; i < njobs; i++)
        if (!strcmp(jobs_paths[i], path))
            return true;
    return false;
}

void persist_job_add(const char *folder)
{
    if (njobs < SIM_ARRAY_LEN(jobs_paths))
        jobs_paths[njobs++] = sim_strdup(folder);
}

void persist_job_done(const char *folder)
{
    for (size_t i = 0; i < njobs; i++)
        if (!strcmp(jobs_paths[i], folder)) {
            free(jobs_paths[i]);
            jobs_paths[i] = jobs_paths[--njobs];
            return;
        }
}

static bool session_copy_alive(const char *path)
{
    for (size_t i = 0; i < g_state.nsnapshots; i++)
        if (g_state.snapshots[i]->folder && !strcmp(g_state.snapshots[i]->device, path))
            return true;
    return false;
}

/* Settles what dead processes left: folders being filled or holding their
 * auto-release copies are removed, journalled removals are finished, and an
 * interrupted revert is completed. */
static void recover(void)
{
    size_t kept = 0;
    for (size_t i = 0; i < njournal; i++) {
        jentry *j = &journal[i];
        bool mine = !strcmp(j->owner, token);
        bool stale;
        if (j->kind == JOURNAL_DELETING)
            stale = !mine || !job_active(j->path);
        else if (mine)
            stale = j->kind == JOURNAL_CREATING ? !job_active(j->path) : !session_copy_alive(j->path);
        else
            stale = !sim_pid_alive(j->pid);
        if (stale) {
            fs_remove_snapshot_folder(j->path);
            free(j->path);
            dirty = true;
        } else {
            journal[kept++] = *j;
        }
    }
    njournal = kept;
    for (size_t i = 0; i < g_state.nvolumes; i++) {
        sim_volume *v = &g_state.volumes[i];
        if (v->reverting && v->revert_pid != sim_pid() && !sim_pid_alive(v->revert_pid) && revert_finisher) {
            revert_finisher(i);
            dirty = true;
        }
    }
}

HRESULT persist_begin(void)
{
    if (!state_dir)
        return S_OK;
    if (depth++ > 0)
        return S_OK;
    char *lock = file_path(LOCK_FILE);
    lock_handle = fs_lock(lock);
    if (lock_handle == -1) {
        set_error(sim_strfmt("cannot lock %s; check that the state directory is writable", lock));
        free(lock);
        depth = 0;
        return VSS_E_UNEXPECTED;
    }
    free(lock);
    HRESULT hr = refresh(false);
    if (FAILED(hr)) {
        fs_unlock(lock_handle);
        lock_handle = -1;
        depth = 0;
        return hr;
    }
    recover();
    return S_OK;
}

static HRESULT write_now(const char *step)
{
    if (!dirty || !state_dir)
        return S_OK;
    sim_crash_point(step);
    char *text = serialise();
    char *path = file_path(STATE_FILE);
    int r;
    if (fail_times != 0 && (!strcmp(fail_step, "*") || !strcmp(fail_step, step))) {
        r = FS_ERR_IO;
        if (fail_times > 0)
            fail_times--;
    } else {
        r = fs_write_file_durable(path, text, strlen(text));
    }
    free(text);
    HRESULT hr = S_OK;
    if (r != FS_OK) {
        set_error(sim_strfmt("cannot write the state file %s (%s); the operation was undone",
                             path, r == FS_ERR_NOSPACE ? "no space left" : "write failed"));
        hr = r == FS_ERR_NOSPACE ? VSS_E_INSUFFICIENT_STORAGE : VSS_E_UNEXPECTED;
        char *keep = error_text;
        error_text = NULL;
        refresh(true); /* back to the saved machine */
        free(error_text);
        error_text = keep;
    } else {
        fs_file_signature(path, signature);
    }
    dirty = false;
    free(path);
    return hr;
}

HRESULT persist_commit(const char *step) { return depth > 0 ? write_now(step) : S_OK; }

/* Removes the folders whose removal was journalled by this transaction. */
static void finish_removals(void)
{
    bool any = false;
    for (size_t i = 0; i < njournal; i++)
        any |= journal[i].kind == JOURNAL_DELETING && !strcmp(journal[i].owner, token) && job_active(journal[i].path);
    if (!any)
        return;
    sim_crash_point("delete-committed");
    size_t kept = 0;
    for (size_t i = 0; i < njournal; i++) {
        jentry *j = &journal[i];
        if (j->kind == JOURNAL_DELETING && !strcmp(j->owner, token) && job_active(j->path)) {
            fs_remove_snapshot_folder(j->path);
            persist_job_done(j->path);
            free(j->path);
            dirty = true;
        } else {
            journal[kept++] = *j;
        }
    }
    njournal = kept;
    write_now("delete-done");
}

HRESULT persist_end(void)
{
    if (!state_dir || depth == 0)
        return S_OK;
    if (--depth > 0)
        return S_OK;
    HRESULT hr = write_now("commit");
    if (SUCCEEDED(hr))
        finish_removals();
    fs_unlock(lock_handle);
    lock_handle = -1;
    return hr;
}

void persist_journal(int kind, const char *folder)
{
    if (!state_dir || !folder)
        return;
    persist_journal_drop(folder);
    jentry *j = VEC_PUSH(journal, njournal, capjournal);
    j->kind = kind;
    j->path = sim_strdup(folder);
    j->pid = sim_pid();
    snprintf(j->owner, sizeof j->owner, "%s", token);
    dirty = true;
}

void persist_journal_drop(const char *folder)
{
    for (size_t i = 0; i < njournal; i++)
        if (!strcmp(journal[i].path, folder)) {
            free(journal[i].path);
            journal[i] = journal[--njournal];
            dirty = true;
            return;
        }
}

bool persist_defer_removal(const char *folder)
{
    if (!state_dir || depth == 0)
        return false;
    persist_journal(JOURNAL_DELETING, folder);
    persist_job_add(folder); /* ours to remove after the write */
    return true;
}

void persist_clear(void)
{
    read_env();
    dirty = false;
    signature[0] = '\0';
    journal_free(journal, njournal);
    journal = NULL;
    njournal = capjournal = 0;
    clear_error();
    if (!state_dir)
        return;
    char *path = file_path(STATE_FILE), *lock = file_path(LOCK_FILE);
    intptr_t h = fs_lock(lock);
    fs_remove_file(path);
    fs_unlock(h);
    free(lock);
    free(path);
}

int32_t persist_load(void)
{
    read_env();
    dirty = false;
    if (!state_dir)
        return -1;
    char *lock = file_path(LOCK_FILE);
    intptr_t h = fs_lock(lock);
    free(lock);
    HRESULT hr = refresh(true);
    fs_unlock(h);
    return FAILED(hr) ? -1 : (int32_t)g_state.nsnapshots;
}
