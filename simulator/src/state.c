#include "state.h"

#include "fsys.h"
#include "persist.h"
#include "sync.h"
#include "util.h"

sim_state g_state;

/* The id the real system software provider carries. */
const GUID SIM_PROVIDER_ID = { 0xb5946137, 0x7b9f, 0x4925, { 0xaf, 0x80, 0x51, 0xab, 0xd6, 0x0b, 0x20, 0xd5 } };
/* The simulated hardware provider's own id: 5a1d0000-0000-4000-8000-4857c0de0001. */
const GUID SIM_HW_PROVIDER_ID = { 0x5a1d0000, 0x0000, 0x4000, { 0x80, 0x00, 0x48, 0x57, 0xc0, 0xde, 0x00, 0x01 } };

/* What the environment forces (-1: nothing), read once by state_apply_env. */
static int env_hardware = -1, env_clock = -1, env_profile = -1;
static bool env_read;

static int env_flag(const char *name)
{
    char *v = fs_getenv(name);
    int r = !v || !*v ? -1 : (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no")) ? 0 : 1;
    free(v);
    return r;
}

void state_apply_env(void)
{
    if (!env_read) {
        env_read = true;
        env_hardware = env_flag("VSS_SIM_HARDWARE_PROVIDER");
        env_clock = env_flag("VSS_SIM_FIXED_CLOCK");
        char *p = fs_getenv("VSS_SIM_WRITER_PROFILE");
        if (p && *p) {
            env_profile = writer_profile_parse(p);
            if (env_profile < 0)
                fprintf(stderr, "vss simulator: VSS_SIM_WRITER_PROFILE=%s is no writer profile (known: none, "
                                "windows-server); ignored\n", p);
        }
        free(p);
    }
    if (env_hardware >= 0)
        state_set_hardware_provider(env_hardware != 0);
    if (env_clock >= 0)
        g_state.fixed_clock = env_clock != 0;
    if (env_profile >= 0 && env_profile != g_state.writer_profile)
        writer_profile_install(env_profile);
}

VSS_TIMESTAMP state_timestamp(uint64_t n)
{
    if (g_state.fixed_clock)
        return SIM_BASE_TIMESTAMP + (VSS_TIMESTAMP)n * 10000000LL;
    return (VSS_TIMESTAMP)sim_filetime_now();
}

const char *state_machine_name(void)
{
    static char name[256];
    if (!name[0])
        sim_host_name(name, sizeof name);
    return name;
}

bool state_provider_registered(const GUID *id)
{
    return guid_eq(id, &SIM_PROVIDER_ID) || (g_state.hardware_provider && guid_eq(id, &SIM_HW_PROVIDER_ID));
}

void state_set_hardware_provider(bool on)
{
    if (g_state.hardware_provider != on)
        persist_mark();
    g_state.hardware_provider = on;
}

bool snapshot_by_hardware(const sim_snapshot *s) { return (s->attributes & VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED) != 0; }

bool snapshot_in_transit(const sim_snapshot *s)
{
    return (s->attributes & VSS_VOLSNAP_ATTR_TRANSPORTABLE) && (s->attributes & VSS_VOLSNAP_ATTR_NOT_SURFACED);
}

GUID state_new_id(int kind)
{
    /* Saved counters keep ids unique across processes (session ids are per object, not saved state). */
    if (kind == ID_SNAPSHOT_SET || kind == ID_SNAPSHOT || kind == ID_VOLUME)
        persist_mark();
    return guid_make((uint32_t)kind, ++g_state.counters[kind]);
}

static void files_free(sim_file *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(f[i].path);
        free(f[i].filespec);
        free(f[i].alternate);
    }
    free(f);
}

static sim_file *files_copy(const sim_file *f, size_t n)
{
    if (!n)
        return NULL;
    sim_file *c = malloc(n * sizeof *c);
    if (!c)
        abort();
    for (size_t i = 0; i < n; i++) {
        c[i] = f[i];
        c[i].path = sim_strdup(f[i].path);
        c[i].filespec = sim_strdup(f[i].filespec);
        c[i].alternate = sim_strdup(f[i].alternate);
    }
    return c;
}

sim_file *file_push(sim_file **items, size_t *len, size_t *cap, const char *path, const char *filespec,
                    bool recursive, const char *alternate)
{
    sim_file *f = vec_push_((void **)items, len, cap, sizeof **items);
    f->path = sim_strdup(path ? path : "");
    f->filespec = sim_strdup(filespec ? filespec : "");
    f->recursive = recursive;
    f->alternate = sim_strdup(alternate);
    f->type_mask = VSS_FSBT_ALL_BACKUP_REQUIRED | VSS_FSBT_ALL_SNAPSHOT_REQUIRED;
    return f;
}

sim_writer *writer_new(void)
{
    sim_writer *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    w->state = VSS_WS_STABLE;
    w->version_major = 1;
    return w;
}

void writer_free(sim_writer *w)
{
    if (!w)
        return;
    free(w->name);
    free(w->instance_name);
    free(w->service);
    free(w->user_procedure);
    free(w->message);
    free(w->fail_message);
    files_free(w->excludes, w->nexcludes);
    files_free(w->exclude_snap, w->nexclude_snap);
    files_free(w->alt_maps, w->nalt_maps);
    for (size_t i = 0; i < w->ncomps; i++) {
        sim_wcomp *c = &w->comps[i];
        free(c->logical_path);
        free(c->name);
        free(c->caption);
        for (int k = 0; k < FILE_KIND_COUNT; k++)
            files_free(c->files[k], c->nfiles[k]);
        for (size_t d = 0; d < c->ndeps; d++) {
            free(c->deps[d].logical_path);
            free(c->deps[d].component_name);
        }
        free(c->deps);
    }
    free(w->comps);
    free(w);
}

sim_writer *writer_copy(const sim_writer *w)
{
    sim_writer *c = writer_new();
    *c = *w;
    c->name = sim_strdup(w->name);
    c->instance_name = sim_strdup(w->instance_name);
    c->service = sim_strdup(w->service);
    c->user_procedure = sim_strdup(w->user_procedure);
    c->message = sim_strdup(w->message);
    c->fail_message = sim_strdup(w->fail_message);
    c->excludes = files_copy(w->excludes, w->nexcludes);
    c->capexcludes = w->nexcludes;
    c->exclude_snap = files_copy(w->exclude_snap, w->nexclude_snap);
    c->capexclude_snap = w->nexclude_snap;
    c->alt_maps = files_copy(w->alt_maps, w->nalt_maps);
    c->capalt_maps = w->nalt_maps;
    c->comps = w->ncomps ? malloc(w->ncomps * sizeof *c->comps) : NULL;
    c->capcomps = w->ncomps;
    for (size_t i = 0; i < w->ncomps; i++) {
        const sim_wcomp *s = &w->comps[i];
        sim_wcomp *d = &c->comps[i];
        *d = *s;
        d->logical_path = sim_strdup(s->logical_path);
        d->name = sim_strdup(s->name);
        d->caption = sim_strdup(s->caption);
        for (int k = 0; k < FILE_KIND_COUNT; k++) {
            d->files[k] = files_copy(s->files[k], s->nfiles[k]);
            d->capfiles[k] = s->nfiles[k];
        }
        d->deps = s->ndeps ? malloc(s->ndeps * sizeof *d->deps) : NULL;
        d->capdeps = s->ndeps;
        for (size_t k = 0; k < s->ndeps; k++) {
            d->deps[k] = s->deps[k];
            d->deps[k].logical_path = sim_strdup(s->deps[k].logical_path);
            d->deps[k].component_name = sim_strdup(s->deps[k].component_name);
        }
    }
    return c;
}

void snapshot_free(sim_snapshot *s)
{
    free(s->device);
    free(s->original_volume);
    free(s->exposed_name);
    free(s->exposed_path);
    free(s);
}

void snapshot_discard(sim_snapshot *s)
{
    /* Persisting: the removal is journalled first and done once the state
     * without this copy is on disk, so a crash never leaves a listed copy
     * with a half-removed folder (see persist.h). */
    if (s->folder && s->exposed_name && (s->attributes & VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY))
        fs_unexpose(s->exposed_name);
    if (s->folder && s->device && !persist_defer_removal(s->device))
        fs_remove_snapshot_folder(s->device);
    snapshot_free(s);
}

bool snapshot_persistent(const sim_snapshot *s) { return (s->attributes & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE) != 0; }

void state_reset(void)
{
    for (size_t i = 0; i < g_state.nvolumes; i++) {
        free(g_state.volumes[i].name);
        free(g_state.volumes[i].guid_name);
        free(g_state.volumes[i].revert_source);
    }
    free(g_state.volumes);
    for (size_t i = 0; i < g_state.nsnapshots; i++)
        snapshot_discard(g_state.snapshots[i]);
    free(g_state.snapshots);
    for (size_t i = 0; i < g_state.ndiff_areas; i++) {
        free(g_state.diff_areas[i].volume);
        free(g_state.diff_areas[i].diff_volume);
    }
    free(g_state.diff_areas);
    for (size_t i = 0; i < g_state.nwriters; i++)
        writer_free(g_state.writers[i]);
    free(g_state.writers);
    memset(&g_state, 0, sizeof g_state);
    g_state.min_diff_area_size = 320LL * 1024 * 1024;
    g_state.max_snapshots_per_volume = SIM_DEFAULT_MAX_SNAPSHOTS_PER_VOLUME;
    g_state.diff_area_space = -1;
    state_add_volume("C:\\", true);
    state_apply_env();
}

/* Volume names compare case-insensitively, with or without the trailing backslash. */
static bool volume_name_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la && a[la - 1] == '\\')
        la--;
    if (lb && b[lb - 1] == '\\')
        lb--;
    if (la != lb)
        return false;
    for (size_t i = 0; i < la; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (char)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

sim_volume *state_find_volume(const char *name, size_t *index)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < g_state.nvolumes; i++) {
        sim_volume *v = &g_state.volumes[i];
        bool same = v->dir ? fs_path_eq(v->name, name) : volume_name_eq(v->name, name);
        if (same || volume_name_eq(v->guid_name, name)) {
            if (index)
                *index = i;
            return v;
        }
    }
    return NULL;
}

size_t state_add_volume(const char *name, bool supported)
{
    size_t i;
    sim_volume *v = state_find_volume(name, &i);
    if (v) {
        if (v->supported != supported)
            persist_mark();
        v->supported = supported;
        return i;
    }
    bool dir = fs_is_dir_volume_path(name);
    size_t n = strlen(name);
    char *vname;
    if (dir)
        vname = fs_dir_volume_name(name);
    else
        vname = (n && name[n - 1] != '\\' && name[n - 1] == ':') ? sim_strfmt("%s\\", name) : sim_strdup(name);
    /* The name the OS gives a drive or mount point (Windows) is the volume's
     * unique name, as VSS reports it; else one of the simulator's own. */
    char *os = fs_os_volume_name(vname);
    if (os && state_find_volume(os, NULL)) {
        free(os);
        os = NULL;
    }
    v = VEC_PUSH(g_state.volumes, g_state.nvolumes, g_state.capvolumes);
    GUID id = state_new_id(ID_VOLUME);
    char s[37];
    guid_format(&id, s);
    v->name = vname;
    v->guid_name = os ? os : sim_strfmt("\\\\?\\Volume{%s}\\", s);
    v->supported = supported;
    v->dir = dir;
    v->total_space = 100LL * 1024 * 1024 * 1024;
    v->free_space = 50LL * 1024 * 1024 * 1024;
    persist_mark();
    return g_state.nvolumes - 1;
}

static bool ends_with_backslash(const char *s)
{
    size_t n = strlen(s);
    return n && s[n - 1] == '\\';
}

/* A directory strictly inside a directory volume (and not a volume itself). */
static bool inside_dir_volume(const char *path)
{
    for (size_t i = 0; i < g_state.nvolumes; i++) {
        const sim_volume *v = &g_state.volumes[i];
        if (v->dir && fs_path_within(v->name, path) && !fs_path_eq(v->name, path))
            return true;
    }
    return false;
}

HRESULT state_resolve_volume(const char *name, bool add_dir, size_t *index)
{
    if (!name || !*name)
        return E_INVALIDARG;
    /* Directory volumes (the simulator's extension): their path, with or
     * without trailing separators. */
    for (size_t i = 0; i < g_state.nvolumes; i++) {
        if (g_state.volumes[i].dir && fs_path_eq(g_state.volumes[i].name, name)) {
            if (index)
                *index = i;
            return S_OK;
        }
    }
    /* Every other form must end with a backslash (AddToSnapshotSet,
     * IsVolumeSupported and the diff area pages): a drive root, a mount
     * point, or a volume GUID path, in any case. */
    if (ends_with_backslash(name)) {
        for (size_t i = 0; i < g_state.nvolumes; i++) {
            const sim_volume *v = &g_state.volumes[i];
            if ((!v->dir && volume_name_eq(v->name, name)) || volume_name_eq(v->guid_name, name)) {
                if (index)
                    *index = i;
                return S_OK;
            }
        }
        /* Another name of a volume the simulator knows (Windows: the OS
         * resolves a drive or mount point to its unique name). */
        char *os = fs_os_volume_name(name);
        size_t i;
        sim_volume *v = os ? state_find_volume(os, &i) : NULL;
        free(os);
        if (v) {
            if (index)
                *index = i;
            return S_OK;
        }
    }
    /* An existing directory becomes a directory volume, unless it lies
     * inside one: a folder of a volume that is no mount point is no volume. */
    if (add_dir && fs_is_dir_volume_path(name) && !inside_dir_volume(name)) {
        size_t i = state_add_volume(name, true);
        if (index)
            *index = i;
        return S_OK;
    }
    return VSS_E_OBJECT_NOT_FOUND;
}

sim_volume *state_find_or_add_volume(const char *name, size_t *index)
{
    sim_volume *v = state_find_volume(name, index);
    if (v || !fs_is_dir_volume_path(name))
        return v;
    size_t i = state_add_volume(name, true);
    if (index)
        *index = i;
    return &g_state.volumes[i];
}

sim_snapshot *state_find_snapshot(const GUID *id, size_t *index)
{
    for (size_t i = 0; i < g_state.nsnapshots; i++) {
        if (guid_eq(&g_state.snapshots[i]->id, id)) {
            if (index)
                *index = i;
            return g_state.snapshots[i];
        }
    }
    return NULL;
}

sim_snapshot *snapshot_make(const GUID *id, const GUID *set_id, LONG count, size_t volume, LONG context,
                            const void *owner, const char *root)
{
    sim_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    const sim_volume *v = &g_state.volumes[volume];
    uint64_t n = ++g_state.shadow_copy_number;
    persist_mark();
    if (v->dir && root) {
        /* A folder of that name left by another process is not ours: skip the number. */
        for (;;) {
            char name[64];
            snprintf(name, sizeof name, FS_SNAPSHOT_PREFIX "%llu", (unsigned long long)n);
            s->device = fs_join(root, name);
            if (!fs_exists(s->device))
                break;
            free(s->device);
            n = ++g_state.shadow_copy_number;
        }
        s->folder = true;
        s->original_volume = sim_strdup(v->name);
    } else {
        s->device = sim_strfmt("\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy%llu", (unsigned long long)n);
        s->original_volume = sim_strdup(v->guid_name);
    }
    s->id = *id;
    s->set_id = *set_id;
    s->count_in_set = count;
    s->context = context;
    /* The system provider makes copy-on-write (differential) copies unless the
     * context asks for a plex (_VSS_VOLUME_SNAPSHOT_ATTRIBUTES). */
    LONG attr = context;
    if (!(context & (VSS_VOLSNAP_ATTR_PLEX | VSS_VOLSNAP_ATTR_DIFFERENTIAL)))
        attr |= VSS_VOLSNAP_ATTR_DIFFERENTIAL;
    if (!(context & VSS_VOLSNAP_ATTR_NO_AUTORECOVERY))
        attr |= VSS_VOLSNAP_ATTR_AUTORECOVER;
    s->attributes = attr;
    s->created = state_timestamp(n);
    s->status = VSS_SS_CREATED;
    s->owner = owner;
    s->volume = volume;
    return s;
}

bool snapshot_materialise(sim_snapshot *s)
{
    if (!s->folder)
        return true;
    return fs_copy_tree_readonly(g_state.volumes[s->volume].name, s->device);
}

void state_push_snapshot(sim_snapshot *s)
{
    *(sim_snapshot **)VEC_PUSH(g_state.snapshots, g_state.nsnapshots, g_state.capsnapshots) = s;
    if (snapshot_persistent(s))
        persist_mark();
}

static void remove_at(size_t index)
{
    if (snapshot_persistent(g_state.snapshots[index]))
        persist_mark();
    memmove(&g_state.snapshots[index], &g_state.snapshots[index + 1],
            (g_state.nsnapshots - index - 1) * sizeof(g_state.snapshots[0]));
    g_state.nsnapshots--;
}

void state_delete_snapshot_at(size_t index)
{
    sim_snapshot *s = g_state.snapshots[index];
    remove_at(index);
    snapshot_discard(s);
}

void state_forget_snapshot_at(size_t index)
{
    sim_snapshot *s = g_state.snapshots[index];
    remove_at(index);
    snapshot_free(s);
}

size_t state_delete_snapshots_if(bool (*pred)(const sim_snapshot *s, const void *ctx), const void *ctx)
{
    size_t kept = 0, n = g_state.nsnapshots;
    for (size_t i = 0; i < n; i++) {
        sim_snapshot *s = g_state.snapshots[i];
        if (pred(s, ctx)) {
            if (snapshot_persistent(s))
                persist_mark();
            snapshot_discard(s);
        } else {
            g_state.snapshots[kept++] = s;
        }
    }
    g_state.nsnapshots = kept;
    return n - kept;
}

/* The end of a revert (RevertToSnapshot): the shadow copy is consumed and the
 * volume's revert state clears; QueryRevertStatus then reports completion.
 * redo: the process that ran it died, so the copy back is done again first
 * (the RevertToSnapshot page: an interrupted revert continues on restart). */
void state_finish_revert(size_t volume, bool redo)
{
    sim_volume *v = &g_state.volumes[volume];
    if (redo && v->dir && v->revert_source)
        fs_revert_tree(v->revert_source, v->name);
    size_t i;
    if (state_find_snapshot(&v->revert_snapshot, &i))
        state_delete_snapshot_at(i);
    free(v->revert_source);
    v->revert_source = NULL;
    v->reverting = false;
    v->reverted = true;
    v->revert_pid = 0;
    persist_mark();
}

void state_recover_revert(size_t volume) { state_finish_revert(volume, true); }
