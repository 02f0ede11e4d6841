/* The control API (include/vss_sim.h). */
#include "../include/vss_sim.h"

#include "fsys.h"
#include "memory.h"
#include "objects.h"
#include "persist.h"
#include "sync.h"
#include "util.h"

__attribute__((constructor)) static void sim_startup(void)
{
    state_reset();
    persist_set_revert_finisher(state_recover_revert);
    persist_load();
    state_apply_env();
}

/* When the library goes away (process exit or last unload), so does the
 * machine: snapshot folders nobody can reach any more are removed; those of
 * saved (persistent) shadow copies stay for the next process. */
__attribute__((destructor)) static void sim_shutdown(void)
{
    if (!sim_trylock())
        return; /* another thread is inside the simulator: leave everything */
    for (size_t i = 0; i < g_state.nsnapshots; i++) {
        const sim_snapshot *s = g_state.snapshots[i];
        if (s->folder && !(persist_enabled() && snapshot_persistent(s)))
            fs_remove_snapshot_folder(s->device);
    }
    sim_unlock();
}

/* Control calls are transactions on the saved machine too (persist.h). */
static void ctl_lock(void)
{
    sim_lock();
    persist_begin();
}

static void unlock_saving(void)
{
    persist_end();
    sim_unlock();
}

static int32_t copy_out(const char *s, char *buf, int32_t cap)
{
    size_t n = strlen(s);
    if (buf && cap > 0) {
        size_t k = n < (size_t)cap - 1 ? n : (size_t)cap - 1;
        memcpy(buf, s, k);
        buf[k] = '\0';
    }
    return (int32_t)n;
}

void vss_sim_reset(void)
{
    sim_lock();
    rec_reset();
    state_reset();
    obj_reset_ids();
    persist_clear();
    sim_unlock();
}

int32_t vss_sim_live_objects(void)
{
    sim_lock();
    int32_t n = obj_live();
    sim_unlock();
    return n;
}

int32_t vss_sim_live_bstrs(void) { return mem_live_bstrs(); }
int32_t vss_sim_live_cotaskmem(void) { return mem_live_task(); }
int32_t vss_sim_unknown_frees(void) { return mem_unknown_frees(); }

int32_t vss_sim_call_count(void)
{
    sim_lock();
    int32_t n = rec_count();
    sim_unlock();
    return n;
}

int32_t vss_sim_call_json(int32_t index, char *buf, int32_t cap)
{
    sim_lock();
    int32_t n = rec_json(index, buf, cap);
    sim_unlock();
    return n;
}

void vss_sim_clear_calls(void)
{
    sim_lock();
    rec_clear();
    sim_unlock();
}

void vss_sim_set_recording(int32_t on)
{
    sim_lock();
    rec_set_recording(on != 0);
    sim_unlock();
}

void vss_sim_set_call_capacity(int32_t records)
{
    sim_lock();
    rec_set_capacity(records > 0 ? (size_t)records : 1);
    sim_unlock();
}

int32_t vss_sim_fail(const char *method, uint32_t hr, int32_t times)
{
    sim_lock();
    int r = rec_fail(method, (HRESULT)hr, times);
    sim_unlock();
    return r;
}

int32_t vss_sim_fail_async(const char *method, uint32_t hr)
{
    sim_lock();
    int r = rec_fail_async(method, (HRESULT)hr);
    sim_unlock();
    return r;
}

int32_t vss_sim_set_async_delay(const char *method, int32_t ms)
{
    sim_lock();
    int r = rec_async_delay(method, ms < -1 ? -1 : ms);
    sim_unlock();
    return r;
}

int32_t vss_sim_add_volume(const char *name, int32_t supported)
{
    if (!name || !*name)
        return -1;
    ctl_lock();
    int32_t i = (int32_t)state_add_volume(name, supported != 0);
    unlock_saving();
    return i;
}

int32_t vss_sim_volume_guid_name(const char *name, char *buf, int32_t cap)
{
    ctl_lock();
    sim_volume *v = state_find_volume(name, NULL);
    int32_t n = v ? copy_out(v->guid_name, buf, cap) : -1;
    unlock_saving();
    return n;
}

int32_t vss_sim_set_protection_fault(const char *volume, int32_t fault, int32_t offline)
{
    ctl_lock();
    sim_volume *v = state_find_volume(volume, NULL);
    if (v) {
        v->protection_fault = fault;
        v->offline_for_protection = offline != 0;
        persist_mark();
    }
    unlock_saving();
    return v ? 0 : -1;
}

void vss_sim_set_revert_blocked(int32_t blocked)
{
    sim_lock();
    g_state.revert_blocked = blocked != 0;
    sim_unlock();
}

void vss_sim_set_min_diff_area_size(int64_t bytes)
{
    sim_lock();
    g_state.min_diff_area_size = bytes;
    sim_unlock();
}

int32_t vss_sim_snapshot_count(void)
{
    ctl_lock();
    int32_t n = (int32_t)g_state.nsnapshots;
    unlock_saving();
    return n;
}

int32_t vss_sim_snapshot_json(int32_t index, char *buf, int32_t cap)
{
    ctl_lock();
    if (index < 0 || (size_t)index >= g_state.nsnapshots) {
        unlock_saving();
        return -1;
    }
    const sim_snapshot *s = g_state.snapshots[index];
    char id[37], set[37];
    guid_format(&s->id, id);
    guid_format(&s->set_id, set);
    sbuf b = { 0 };
    sb_printf(&b, "{\"id\":\"%s\",\"setId\":\"%s\",\"count\":%ld,\"device\":", id, set, (long)s->count_in_set);
    json_put_u8(&b, s->device);
    sb_puts(&b, ",\"originalVolume\":");
    json_put_u8(&b, s->original_volume);
    sb_puts(&b, ",\"exposedName\":");
    json_put_u8(&b, s->exposed_name);
    sb_puts(&b, ",\"exposedPath\":");
    json_put_u8(&b, s->exposed_path);
    sb_printf(&b, ",\"attributes\":%ld,\"context\":%ld,\"created\":%lld,\"autoRelease\":%s,\"directory\":%s",
              (long)s->attributes, (long)s->context, (long long)s->created,
              (s->attributes & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE) ? "false" : "true", s->folder ? "true" : "false");
    sb_puts(&b, ",\"volume\":");
    json_put_u8(&b, s->volume < g_state.nvolumes ? g_state.volumes[s->volume].name : NULL);
    sb_putc(&b, '}');
    int32_t n = copy_out(b.p, buf, cap);
    sb_free(&b);
    unlock_saving();
    return n;
}

/* ---- writers ---- */

static sim_writer *writer_at(int32_t i)
{
    return i >= 0 && (size_t)i < g_state.nwriters ? g_state.writers[i] : NULL;
}

static sim_wcomp *comp_at(int32_t writer, int32_t comp)
{
    sim_writer *w = writer_at(writer);
    return w && comp >= 0 && (size_t)comp < w->ncomps ? &w->comps[comp] : NULL;
}

static bool id_or_new(const char *s, int kind, GUID *out)
{
    if (!s || !*s) {
        *out = state_new_id(kind);
        return true;
    }
    return guid_parse(s, out);
}

int32_t vss_sim_add_writer(const char *name, const char *writer_id, const char *instance_id, int32_t usage,
                           int32_t source)
{
    if (!name)
        return -1;
    sim_lock();
    GUID wid, iid;
    int32_t r = -1;
    if (id_or_new(writer_id, ID_WRITER_CLASS, &wid) && id_or_new(instance_id, ID_WRITER_INSTANCE, &iid)) {
        sim_writer *w = writer_new();
        w->name = sim_strdup(name);
        w->writer_id = wid;
        w->instance_id = iid;
        w->usage = usage;
        w->source = source;
        *(sim_writer **)VEC_PUSH(g_state.writers, g_state.nwriters, g_state.capwriters) = w;
        r = (int32_t)g_state.nwriters - 1;
    }
    sim_unlock();
    return r;
}

#define WITH_WRITER(i, body)                                                                       \
    do {                                                                                           \
        sim_lock();                                                                                \
        sim_writer *w = writer_at(i);                                                              \
        int32_t r_ = -1;                                                                           \
        if (w) {                                                                                   \
            body;                                                                                  \
        }                                                                                          \
        sim_unlock();                                                                              \
        return r_;                                                                                 \
    } while (0)

int32_t vss_sim_set_writer_instance_name(int32_t writer, const char *instance_name)
{
    WITH_WRITER(writer, {
        free(w->instance_name);
        w->instance_name = sim_strdup(instance_name);
        r_ = 0;
    });
}

int32_t vss_sim_set_writer_version(int32_t writer, uint32_t major, uint32_t minor)
{
    WITH_WRITER(writer, {
        w->version_major = major;
        w->version_minor = minor;
        r_ = 0;
    });
}

int32_t vss_sim_set_writer_status(int32_t writer, int32_t state, uint32_t hr_failure, uint32_t hr_application,
                                  const char *message)
{
    WITH_WRITER(writer, {
        w->state = state;
        w->hr_failure = (HRESULT)hr_failure;
        w->hr_application = (HRESULT)hr_application;
        free(w->message);
        w->message = sim_strdup(message);
        r_ = 0;
    });
}

int32_t vss_sim_add_component(int32_t writer, int32_t type, const char *logical_path, const char *name,
                              const char *caption, int32_t selectable, int32_t selectable_for_restore, uint32_t flags)
{
    if (!name)
        return -1;
    WITH_WRITER(writer, {
        sim_wcomp *c = VEC_PUSH(w->comps, w->ncomps, w->capcomps);
        c->type = type;
        c->logical_path = sim_strdup(logical_path);
        c->name = sim_strdup(name);
        c->caption = sim_strdup(caption);
        c->selectable = selectable != 0;
        c->selectable_for_restore = selectable_for_restore != 0;
        c->flags = flags;
        r_ = (int32_t)w->ncomps - 1;
    });
}

int32_t vss_sim_set_component_notify(int32_t writer, int32_t comp, int32_t restore_metadata,
                                     int32_t notify_on_backup_complete)
{
    sim_lock();
    sim_wcomp *c = comp_at(writer, comp);
    if (c) {
        c->restore_metadata = restore_metadata != 0;
        c->notify_on_backup_complete = notify_on_backup_complete != 0;
    }
    sim_unlock();
    return c ? 0 : -1;
}

static int file_kind(const char *kind)
{
    if (kind && !strcmp(kind, "file"))
        return FILE_KIND_FILE;
    if (kind && !strcmp(kind, "database"))
        return FILE_KIND_DATABASE;
    if (kind && !strcmp(kind, "log"))
        return FILE_KIND_LOG;
    return -1;
}

int32_t vss_sim_add_component_file(int32_t writer, int32_t comp, const char *kind, const char *path,
                                   const char *filespec, int32_t recursive, const char *alternate)
{
    int k = file_kind(kind);
    sim_lock();
    sim_wcomp *c = comp_at(writer, comp);
    int32_t r = -1;
    if (c && k >= 0 && path && filespec) {
        file_push(&c->files[k], &c->nfiles[k], &c->capfiles[k], path, filespec, recursive != 0, alternate);
        r = (int32_t)c->nfiles[k] - 1;
    }
    sim_unlock();
    return r;
}

int32_t vss_sim_set_file_type_mask(int32_t writer, int32_t comp, const char *kind, int32_t file, uint32_t mask)
{
    int k = file_kind(kind);
    sim_lock();
    sim_wcomp *c = comp_at(writer, comp);
    int32_t r = -1;
    if (c && k >= 0 && file >= 0 && (size_t)file < c->nfiles[k]) {
        c->files[k][file].type_mask = mask;
        r = 0;
    }
    sim_unlock();
    return r;
}

int32_t vss_sim_add_dependency(int32_t writer, int32_t comp, const char *writer_id, const char *logical_path,
                               const char *component_name)
{
    GUID id;
    if (!guid_parse(writer_id, &id) || !component_name)
        return -1;
    sim_lock();
    sim_wcomp *c = comp_at(writer, comp);
    int32_t r = -1;
    if (c) {
        sim_dep *d = VEC_PUSH(c->deps, c->ndeps, c->capdeps);
        d->writer_id = id;
        d->logical_path = sim_strdup(logical_path);
        d->component_name = sim_strdup(component_name);
        r = (int32_t)c->ndeps - 1;
    }
    sim_unlock();
    return r;
}

int32_t vss_sim_add_exclude_file(int32_t writer, const char *path, const char *filespec, int32_t recursive)
{
    if (!path || !filespec)
        return -1;
    WITH_WRITER(writer, {
        file_push(&w->excludes, &w->nexcludes, &w->capexcludes, path, filespec, recursive != 0, NULL);
        r_ = (int32_t)w->nexcludes - 1;
    });
}

int32_t vss_sim_add_exclude_from_snapshot(int32_t writer, const char *path, const char *filespec, int32_t recursive)
{
    if (!path || !filespec)
        return -1;
    WITH_WRITER(writer, {
        file_push(&w->exclude_snap, &w->nexclude_snap, &w->capexclude_snap, path, filespec, recursive != 0, NULL);
        r_ = (int32_t)w->nexclude_snap - 1;
    });
}

int32_t vss_sim_add_alternate_location_mapping(int32_t writer, const char *path, const char *filespec,
                                               int32_t recursive, const char *destination)
{
    if (!path || !filespec || !destination)
        return -1;
    WITH_WRITER(writer, {
        file_push(&w->alt_maps, &w->nalt_maps, &w->capalt_maps, path, filespec, recursive != 0, destination);
        r_ = (int32_t)w->nalt_maps - 1;
    });
}

int32_t vss_sim_set_restore_method(int32_t writer, int32_t method, const char *service, const char *user_procedure,
                                   int32_t writer_restore, int32_t reboot_required)
{
    WITH_WRITER(writer, {
        w->restore_method = method;
        free(w->service);
        free(w->user_procedure);
        w->service = sim_strdup(service);
        w->user_procedure = sim_strdup(user_procedure);
        w->writer_restore = writer_restore;
        w->reboot_required = reboot_required != 0;
        r_ = 0;
    });
}

int32_t vss_sim_set_backup_schema(int32_t writer, uint32_t schema)
{
    WITH_WRITER(writer, {
        w->schema = schema;
        r_ = 0;
    });
}

/* ---- directory volumes, persistence, limits ---- */

int32_t vss_sim_snapshot_root(char *buf, int32_t cap)
{
    sim_lock();
    char *root = fs_snapshot_root();
    int32_t n = root ? copy_out(root, buf, cap) : -1;
    free(root);
    sim_unlock();
    return n;
}

int32_t vss_sim_reload_state(void)
{
    sim_lock();
    int32_t n = persist_load();
    sim_unlock();
    return n;
}

int32_t vss_sim_state_error(char *buf, int32_t cap)
{
    sim_lock();
    const char *e = persist_error();
    int32_t n = e ? copy_out(e, buf, cap) : 0;
    if (!e && buf && cap > 0)
        buf[0] = '\0';
    sim_unlock();
    return n;
}

void vss_sim_fail_state_write(const char *step, int32_t times)
{
    sim_lock();
    persist_fail_write(step, times);
    sim_unlock();
}

void vss_sim_set_crash_point(const char *name)
{
    sim_lock();
    sim_set_crash_point(name);
    sim_unlock();
}

void vss_sim_set_max_snapshots_per_volume(int32_t n)
{
    sim_lock();
    g_state.max_snapshots_per_volume = n < 0 ? -1 : n;
    sim_unlock();
}

void vss_sim_set_diff_area_space(int64_t bytes)
{
    sim_lock();
    g_state.diff_area_space = bytes < 0 ? -1 : bytes;
    sim_unlock();
}

int32_t vss_sim_generate_snapshots(int32_t count, const char *volume)
{
    if (count < 0)
        return -1;
    ctl_lock();
    size_t vi;
    sim_volume *v = state_find_or_add_volume(volume ? volume : "C:\\", &vi);
    char *root = v && v->dir ? fs_snapshot_root() : NULL;
    int32_t made = -1;
    if (v && (!v->dir || root)) {
        for (made = 0; made < count; made++) {
            GUID set_id = state_new_id(ID_SNAPSHOT_SET), id = state_new_id(ID_SNAPSHOT);
            sim_snapshot *s = snapshot_make(&id, &set_id, 1, vi, VSS_CTX_APP_ROLLBACK, NULL, root);
            if (!snapshot_materialise(s)) {
                snapshot_discard(s);
                break;
            }
            state_push_snapshot(s);
        }
    }
    free(root);
    unlock_saving();
    return made;
}

/* ---- bulk writers and writer failures ---- */

int32_t vss_sim_generate_writers(int32_t writers, int32_t components_per_writer, int32_t files_per_component)
{
    if (writers < 0 || components_per_writer < 0 || files_per_component < 0)
        return -1;
    sim_lock();
    int32_t first = (int32_t)g_state.nwriters;
    for (int32_t i = 0; i < writers; i++) {
        int32_t index = first + i;
        sim_writer *w = writer_new();
        w->name = sim_strfmt("SimWriter%d", index);
        w->writer_id = state_new_id(ID_WRITER_CLASS);
        w->instance_id = state_new_id(ID_WRITER_INSTANCE);
        w->usage = VSS_UT_USERDATA;
        w->source = VSS_ST_OTHER;
        if (components_per_writer) {
            w->comps = calloc((size_t)components_per_writer, sizeof *w->comps);
            if (!w->comps)
                abort();
            w->ncomps = w->capcomps = (size_t)components_per_writer;
        }
        for (int32_t j = 0; j < components_per_writer; j++) {
            sim_wcomp *c = &w->comps[j];
            c->type = VSS_CT_FILEGROUP;
            c->logical_path = sim_strfmt("SimWriter%d", index);
            c->name = sim_strfmt("Component%d", j);
            c->caption = sim_strfmt("Component %d of SimWriter%d", j, index);
            c->selectable = c->selectable_for_restore = true;
            char *path = sim_strfmt("C:\\SimData\\Writer%d\\Component%d", index, j);
            for (int32_t k = 0; k < files_per_component; k++) {
                char spec[32];
                snprintf(spec, sizeof spec, "file%d.dat", k);
                file_push(&c->files[FILE_KIND_FILE], &c->nfiles[FILE_KIND_FILE], &c->capfiles[FILE_KIND_FILE], path,
                          spec, false, NULL);
            }
            free(path);
        }
        *(sim_writer **)VEC_PUSH(g_state.writers, g_state.nwriters, g_state.capwriters) = w;
    }
    sim_unlock();
    return first;
}

int32_t vss_sim_fail_writer_at(int32_t writer, int32_t failed_state, uint32_t hr_failure, uint32_t hr_application,
                               const char *message)
{
    if (failed_state != 0 && (failed_state < VSS_WS_FAILED_AT_IDENTIFY || failed_state > VSS_WS_FAILED_AT_POST_RESTORE))
        return -1;
    WITH_WRITER(writer, {
        w->fail_state = failed_state;
        w->fail_hr = failed_state && !hr_failure ? VSS_E_WRITERERROR_NONRETRYABLE : (HRESULT)hr_failure;
        w->fail_app = (HRESULT)hr_application;
        free(w->fail_message);
        w->fail_message = sim_strdup(failed_state ? (message ? message : "") : NULL);
        r_ = 0;
    });
}

/* ---- providers, clock, writer profile ---- */

void vss_sim_set_hardware_provider(int32_t on)
{
    ctl_lock();
    state_set_hardware_provider(on != 0);
    unlock_saving();
}

void vss_sim_set_fixed_clock(int32_t on)
{
    sim_lock();
    g_state.fixed_clock = on != 0;
    sim_unlock();
}

int32_t vss_sim_set_writer_profile(const char *name)
{
    int profile = writer_profile_parse(name);
    if (profile < 0)
        return -1;
    ctl_lock();
    writer_profile_install(profile);
    unlock_saving();
    return 0;
}

int32_t vss_sim_writer_profile(char *buf, int32_t cap)
{
    ctl_lock();
    int32_t n = copy_out(writer_profile_name(g_state.writer_profile), buf, cap);
    unlock_saving();
    return n;
}
