/* The simulated machine: volumes, shadow copies, diff areas and the configured
 * writers, shared by every object of the process until vss_sim_reset(). All of
 * it is guarded by the state lock. */
#ifndef SIM_STATE_H
#define SIM_STATE_H

#include "platform.h"

/* Id kinds of the visible GUID scheme (see README). */
enum {
    ID_SNAPSHOT_SET = 1,
    ID_SNAPSHOT = 2,
    ID_VOLUME = 3,
    ID_WRITER_CLASS = 4,
    ID_WRITER_INSTANCE = 5,
    ID_SESSION = 6,
    ID_COUNT
};
GUID state_new_id(int kind);

extern const GUID SIM_PROVIDER_ID;
#define SIM_PROVIDER_NAME "Microsoft Software Shadow Copy provider 1.0"
#define SIM_PROVIDER_VERSION "1.0.0.7"
/* The simulated hardware provider (README "Providers"): registered on demand. */
extern const GUID SIM_HW_PROVIDER_ID;
#define SIM_HW_PROVIDER_NAME "VSS Simulator Hardware Provider"
#define SIM_HW_PROVIDER_VERSION "1.0.0.0"
#define SIM_MAX_VOLUMES_PER_SET 64
#define SIM_DEFAULT_MAX_SNAPSHOTS_PER_VOLUME 64
#define SIM_BASE_TIMESTAMP 133485408000000000LL /* the fixed clock's start: 2024-01-01T00:00:00Z as FILETIME */

typedef struct sim_volume {
    char *name;      /* as added, e.g. C:\; a directory volume's path ends with one separator */
    char *guid_name; /* \\?\Volume{...}\ */
    bool supported;
    bool dir; /* a directory volume: an existing host directory, copied by DoSnapshotSet */
    int protection_level;
    int protection_fault;
    bool offline_for_protection;
    /* RevertToSnapshot: running (by process revert_pid, from the shadow copy
     * revert_snapshot whose folder is revert_source), or finished (reverted) */
    bool reverting, reverted;
    GUID revert_snapshot;
    char *revert_source;
    int64_t revert_pid;
    int64_t total_space, free_space;
} sim_volume;

typedef struct sim_snapshot {
    GUID id, set_id;
    LONG count_in_set;
    char *device, *original_volume, *exposed_name, *exposed_path;
    LONG attributes;
    LONG context;
    VSS_TIMESTAMP created;
    int status;
    const void *owner; /* creating backup components object, for auto-release */
    size_t volume;
    bool folder; /* device is a snapshot folder the simulator made (directory volume) */
} sim_snapshot;

typedef struct sim_diff_area {
    char *volume, *diff_volume;
    int64_t max_space, allocated, used;
} sim_diff_area;

/* Writer metadata, as configured through the control API. */
typedef struct sim_file {
    char *path, *filespec, *alternate;
    bool recursive;
    DWORD type_mask;
} sim_file;

typedef struct sim_dep {
    GUID writer_id;
    char *logical_path, *component_name;
} sim_dep;

enum { FILE_KIND_FILE, FILE_KIND_DATABASE, FILE_KIND_LOG, FILE_KIND_COUNT };

typedef struct sim_wcomp {
    int type;
    char *logical_path, *name, *caption;
    bool selectable, selectable_for_restore, restore_metadata, notify_on_backup_complete;
    DWORD flags;
    sim_file *files[FILE_KIND_COUNT];
    size_t nfiles[FILE_KIND_COUNT], capfiles[FILE_KIND_COUNT];
    sim_dep *deps;
    size_t ndeps, capdeps;
} sim_wcomp;

typedef struct sim_writer {
    char *name, *instance_name;
    bool from_profile; /* installed by a writer profile (writer_profiles.c) */
    GUID writer_id, instance_id;
    int usage, source;
    sim_file *excludes, *exclude_snap, *alt_maps;
    size_t nexcludes, capexcludes, nexclude_snap, capexclude_snap, nalt_maps, capalt_maps;
    int restore_method, writer_restore;
    char *service, *user_procedure;
    bool reboot_required;
    DWORD schema, version_major, version_minor;
    int state;
    HRESULT hr_failure, hr_application;
    char *message;
    /* vss_sim_fail_writer_at: the VSS_WS_FAILED_AT_* state (0: none) and what it reports */
    int fail_state;
    HRESULT fail_hr, fail_app;
    char *fail_message;
    sim_wcomp *comps;
    size_t ncomps, capcomps;
} sim_writer;

typedef struct sim_state {
    sim_volume *volumes;
    size_t nvolumes, capvolumes;
    sim_snapshot **snapshots;
    size_t nsnapshots, capsnapshots;
    sim_diff_area *diff_areas;
    size_t ndiff_areas, capdiff_areas;
    sim_writer **writers;
    size_t nwriters, capwriters;
    uint64_t counters[ID_COUNT];
    uint64_t shadow_copy_number; /* HarddiskVolumeShadowCopyN */
    int64_t min_diff_area_size;
    bool revert_blocked;
    bool creating;         /* a DoSnapshotSet is running somewhere: one at a time */
    const void *set_owner; /* the object whose set is between StartSnapshotSet and the end of DoSnapshotSet */
    int32_t max_snapshots_per_volume; /* negative: no limit */
    int64_t diff_area_space;          /* bytes one DoSnapshotSet may copy; negative: no limit */
    bool hardware_provider;           /* the simulated hardware provider is registered (saved) */
    bool fixed_clock;                 /* creation times from SIM_BASE_TIMESTAMP, not the real clock */
    int writer_profile;               /* WRITER_PROFILE_* installed in writers (saved) */
} sim_state;

extern sim_state g_state;

void state_reset(void);
/* The settings VSS_SIM_HARDWARE_PROVIDER, VSS_SIM_FIXED_CLOCK and
 * VSS_SIM_WRITER_PROFILE force (read once, at load): applied at start, after a
 * reset and after the saved machine is read, so they win over saved ones. */
void state_apply_env(void);

/* Creation time of the next shadow copy numbered n: the real clock, or the
 * fixed one (SIM_BASE_TIMESTAMP + n seconds). */
VSS_TIMESTAMP state_timestamp(uint64_t n);
/* The machine name shadow copies report (the host's). */
const char *state_machine_name(void);

/* Providers: the system provider is always there; the hardware one when registered. */
bool state_provider_registered(const GUID *id);
void state_set_hardware_provider(bool on);
/* Whether a shadow copy came from the hardware provider. */
bool snapshot_by_hardware(const sim_snapshot *s);
/* A transportable copy not imported yet: not surfaced, no device, not listed. */
bool snapshot_in_transit(const sim_snapshot *s);

/* Writer profiles (writer_profiles.c): a named set of writers installed in
 * g_state.writers (after the ones added through the control API). */
enum { WRITER_PROFILE_NONE, WRITER_PROFILE_WINDOWS_SERVER, WRITER_PROFILE_COUNT };
/* The profile's number for its name ("none", "windows-server"), -1 if unknown. */
int writer_profile_parse(const char *name);
const char *writer_profile_name(int profile);
/* Replaces the installed profile's writers with those of `profile`. */
void writer_profile_install(int profile);

sim_volume *state_find_volume(const char *name, size_t *index);
size_t state_add_volume(const char *name, bool supported);
/* A volume name as a requester passes it (AddToSnapshotSet page): a directory
 * volume's path, or a drive root, mount point or \\?\Volume{GUID}\ name with
 * its trailing backslash. add_dir: an existing directory outside every
 * directory volume is added as a (supported) directory volume. S_OK with
 * *index, E_INVALIDARG (NULL or empty) or VSS_E_OBJECT_NOT_FOUND. */
HRESULT state_resolve_volume(const char *name, bool add_dir, size_t *index);
/* state_find_volume, adding an existing directory as a (supported) directory volume. */
sim_volume *state_find_or_add_volume(const char *name, size_t *index);

sim_snapshot *state_find_snapshot(const GUID *id, size_t *index);
/* A new shadow copy of g_state.volumes[volume], numbered; for a directory
 * volume its device is a folder under root (a number whose folder already
 * exists is skipped), to be filled by snapshot_materialise. */
sim_snapshot *snapshot_make(const GUID *id, const GUID *set_id, LONG count, size_t volume, LONG context,
                            const void *owner, const char *root);
bool snapshot_materialise(sim_snapshot *s);
/* Whether the shadow copy outlives its creator (and is saved with the machine). */
bool snapshot_persistent(const sim_snapshot *s);
void state_push_snapshot(sim_snapshot *s);
void state_delete_snapshot_at(size_t index);
/* Deletes every shadow copy for which pred is true, in one pass; returns how many. */
size_t state_delete_snapshots_if(bool (*pred)(const sim_snapshot *s, const void *ctx), const void *ctx);
/* Takes the shadow copy out of the list without deleting its folder (BreakSnapshotSet). */
void state_forget_snapshot_at(size_t index);
/* Frees a shadow copy record and removes its folder, if it has one. */
void snapshot_discard(sim_snapshot *s);
void snapshot_free(sim_snapshot *s); /* the record only */

void state_finish_revert(size_t volume, bool redo);
void state_recover_revert(size_t volume); /* for persist_set_revert_finisher */

sim_writer *writer_new(void);
sim_writer *writer_copy(const sim_writer *w);
void writer_free(sim_writer *w);
sim_file *file_push(sim_file **items, size_t *len, size_t *cap, const char *path, const char *filespec,
                    bool recursive, const char *alternate);

#endif
