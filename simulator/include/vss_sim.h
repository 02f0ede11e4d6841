/* Control API of the VSS simulator, for tests. Strings are UTF-8; GUIDs are
 * canonical strings ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", braces optional).
 * Functions returning int32_t give a non-negative value (0 or an index) on
 * success and -1 on a bad argument, unless stated otherwise. Every function is
 * safe to call from any thread. */
#ifndef VSS_SIM_H
#define VSS_SIM_H

#include <stdint.h>

#if defined(_WIN32) || !defined(__GNUC__)
#define VSS_SIM_API
#else
#define VSS_SIM_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Back to the initial machine: one volume C:\ (supported), no writers, no
 * snapshots, no diff areas, empty call log with recording on, no injected
 * failures or delays, default limits, every id counter and the object ids
 * restarted. The snapshot folders of directory volumes are removed, and with
 * VSS_SIM_STATE_DIR set (read again here) the saved machine is deleted.
 * Objects still alive stay alive; live allocations stay counted. */
VSS_SIM_API void vss_sim_reset(void);

/* ---- leak accounting ---- */
VSS_SIM_API int32_t vss_sim_live_objects(void);   /* simulated COM objects not yet destroyed */
VSS_SIM_API int32_t vss_sim_live_bstrs(void);     /* BSTRs handed out and not freed through the simulator */
VSS_SIM_API int32_t vss_sim_live_cotaskmem(void); /* CoTaskMem blocks likewise */
VSS_SIM_API int32_t vss_sim_unknown_frees(void);  /* frees of pointers the simulator never handed out */
/* 1 when the counters stay exact whoever frees the blocks: always on Linux (the
 * simulator is the allocator); on Windows once the simulator's IMallocSpy is
 * registered, so frees through the system's SysFreeString/CoTaskMemFree count
 * too. 0: only frees through the simulator's exported forwarders count (another
 * spy was registered first, or VSS_SIM_MALLOC_SPY=0). Registers the spy if no
 * allocation has done it yet. */
VSS_SIM_API int32_t vss_sim_memory_exact(void);
/* What CoRegisterMallocSpy answered (S_OK, CO_E_OBJISREG...); S_FALSE when
 * VSS_SIM_MALLOC_SPY=0 kept the simulator from asking; E_NOTIMPL on Linux. */
VSS_SIM_API uint32_t vss_sim_memory_spy_hr(void);

/* ---- call log ---- */
VSS_SIM_API int32_t vss_sim_call_count(void); /* records currently held (oldest dropped past the capacity) */
/* Writes record `index` (0 = oldest held) as NUL-terminated JSON into buf (cut to
 * cap-1 bytes) and returns the full length without the NUL; -1 if no such record. */
VSS_SIM_API int32_t vss_sim_call_json(int32_t index, char *buf, int32_t cap);
VSS_SIM_API void vss_sim_clear_calls(void);
VSS_SIM_API void vss_sim_set_recording(int32_t on);
VSS_SIM_API void vss_sim_set_call_capacity(int32_t records); /* also clears; default 262144 */

/* ---- failure injection and timing; method = "Interface::Method" as recorded,
 *      an exported function's plain name, or "*" for every method ---- */
/* The next `times` calls (-1: all) return hr at once, doing nothing else.
 * times 0 removes the rule. */
VSS_SIM_API int32_t vss_sim_fail(const char *method, uint32_t hr, int32_t times);
/* IVssAsync objects created by `method` end with hr instead of
 * VSS_S_ASYNC_FINISHED (hr 0 removes the rule). */
VSS_SIM_API int32_t vss_sim_fail_async(const char *method, uint32_t hr);
/* IVssAsync objects created by `method` finish ms milliseconds after creation;
 * -1: only Cancel ends them; 0 (the default): finished before they are returned. */
VSS_SIM_API int32_t vss_sim_set_async_delay(const char *method, int32_t ms);

/* ---- volumes ---- */
/* Adds a volume (or changes `supported` of an existing one); returns its index.
 * A name that is the absolute path of an existing host directory ("/x/y" on
 * Linux, "X:\x\y" or "X:/x/y" on Windows; not a bare root) makes a directory
 * volume: its name gets exactly one trailing separator, and DoSnapshotSet
 * materialises a read-only copy of the tree (see README). AddToSnapshotSet and
 * IsVolumeSupported add such a directory by themselves. */
VSS_SIM_API int32_t vss_sim_add_volume(const char *name, int32_t supported);
/* The \\?\Volume{...}\ name of a volume; returns the length, -1 if unknown. */
VSS_SIM_API int32_t vss_sim_volume_guid_name(const char *name, char *buf, int32_t cap);
VSS_SIM_API int32_t vss_sim_set_protection_fault(const char *volume, int32_t fault, int32_t offline);
VSS_SIM_API void vss_sim_set_revert_blocked(int32_t blocked); /* ShouldBlockRevert answer; RevertToSnapshot fails */
VSS_SIM_API void vss_sim_set_min_diff_area_size(int64_t bytes);
/* Shadow copies a volume may have before AddToSnapshotSet answers
 * VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED (default 64; negative: no limit). */
VSS_SIM_API void vss_sim_set_max_snapshots_per_volume(int32_t n);
/* Bytes one DoSnapshotSet may copy from its directory volumes (their regular
 * files' sizes); more and the operation ends with VSS_E_INSUFFICIENT_STORAGE,
 * leaving nothing behind. Negative (the default): no limit. */
VSS_SIM_API void vss_sim_set_diff_area_space(int64_t bytes);
/* The folder that holds the snapshot folders of directory volumes
 * ($VSS_SIM_SNAPSHOT_ROOT, else <temp>/vss-sim-snapshots), created if missing;
 * same buffer contract as vss_sim_call_json; -1 when it cannot be created. */
VSS_SIM_API int32_t vss_sim_snapshot_root(char *buf, int32_t cap);

/* ---- providers, clock, writer profile (README "Providers", "Clock and
 * machine name", "Writer profiles") ---- */
/* Registers (on != 0) or unregisters the simulated hardware provider
 * (VSS_PROV_HARDWARE): it makes transportable shadow copies, and ImportSnapshots
 * and BreakSnapshotSet(Ex) work for its sets. Saved with the machine; also set
 * by VSS_SIM_HARDWARE_PROVIDER=1 at load. */
VSS_SIM_API void vss_sim_set_hardware_provider(int32_t on);
/* on != 0: creation times come from a fixed clock (2024-01-01T00:00:00Z plus
 * N seconds for the Nth shadow copy) instead of the real one; also set by
 * VSS_SIM_FIXED_CLOCK=1 at load. Not saved. */
VSS_SIM_API void vss_sim_set_fixed_clock(int32_t on);
/* Installs the named writer profile ("none" or "windows-server") in place of
 * the current one; the writers added through this API stay. Saved with the
 * machine; also set by VSS_SIM_WRITER_PROFILE at load. Returns 0, -1 for an
 * unknown name. */
VSS_SIM_API int32_t vss_sim_set_writer_profile(const char *name);
/* The installed writer profile's name; same buffer contract as vss_sim_call_json. */
VSS_SIM_API int32_t vss_sim_writer_profile(char *buf, int32_t cap);

/* ---- snapshots ---- */
VSS_SIM_API int32_t vss_sim_snapshot_count(void);
/* Snapshot `index` (creation order) as JSON; same buffer contract as vss_sim_call_json. */
VSS_SIM_API int32_t vss_sim_snapshot_json(int32_t index, char *buf, int32_t cap);
/* Adds `count` persistent shadow copies (context VSS_CTX_APP_ROLLBACK) of
 * `volume` (NULL: C:\), each as if made by a completed set of that one volume:
 * a new set id and snapshot id each, numbered like any other. No writers, no
 * limits, no call records. A directory volume's copies are materialised (not
 * instant). Returns how many were made (fewer if a copy failed), -1 for a
 * negative count or an unknown volume. */
VSS_SIM_API int32_t vss_sim_generate_snapshots(int32_t count, const char *volume);

/* ---- persistence (VSS_SIM_STATE_DIR) ---- */
/* Replaces the machine with the one saved in $VSS_SIM_STATE_DIR (read again),
 * as a new process would load it; call it with no simulated objects alive.
 * Returns the number of shadow copies loaded, -1 when the variable is unset. */
VSS_SIM_API int32_t vss_sim_reload_state(void);
/* The last problem with the state directory (a corrupt or unreadable state
 * file, a failed write), naming the file and what to do; 0 (empty) when none.
 * Same buffer contract as vss_sim_call_json. */
VSS_SIM_API int32_t vss_sim_state_error(char *buf, int32_t cap);
/* The next state writes at `step` ("*" any; "create-intent", "create-commit",
 * "commit", "expose", "revert-intent") fail as a full disk would not: as an
 * I/O error, `times` times (-1 always, 0 removes). */
VSS_SIM_API void vss_sim_fail_state_write(const char *step, int32_t times);
/* Like VSS_SIM_CRASH_AT: the process ends (exit code 86) at the named point. */
VSS_SIM_API void vss_sim_set_crash_point(const char *name);

/* ---- writers (seen by GatherWriterMetadata/GatherWriterStatus) ---- */
/* writer_id / instance_id may be NULL for generated ids; returns the writer index. */
VSS_SIM_API int32_t vss_sim_add_writer(const char *name, const char *writer_id, const char *instance_id,
                                       int32_t usage, int32_t source);
VSS_SIM_API int32_t vss_sim_set_writer_instance_name(int32_t writer, const char *instance_name);
VSS_SIM_API int32_t vss_sim_set_writer_version(int32_t writer, uint32_t major, uint32_t minor);
VSS_SIM_API int32_t vss_sim_set_writer_status(int32_t writer, int32_t state, uint32_t hr_failure,
                                              uint32_t hr_application, const char *message);
/* Returns the component index within the writer. */
VSS_SIM_API int32_t vss_sim_add_component(int32_t writer, int32_t type, const char *logical_path, const char *name,
                                          const char *caption, int32_t selectable, int32_t selectable_for_restore,
                                          uint32_t flags);
VSS_SIM_API int32_t vss_sim_set_component_notify(int32_t writer, int32_t comp, int32_t restore_metadata,
                                                 int32_t notify_on_backup_complete);
/* kind: "file", "database" or "log"; returns the file index within its kind. */
VSS_SIM_API int32_t vss_sim_add_component_file(int32_t writer, int32_t comp, const char *kind, const char *path,
                                               const char *filespec, int32_t recursive, const char *alternate);
VSS_SIM_API int32_t vss_sim_set_file_type_mask(int32_t writer, int32_t comp, const char *kind, int32_t file,
                                               uint32_t mask);
VSS_SIM_API int32_t vss_sim_add_dependency(int32_t writer, int32_t comp, const char *writer_id,
                                           const char *logical_path, const char *component_name);
VSS_SIM_API int32_t vss_sim_add_exclude_file(int32_t writer, const char *path, const char *filespec,
                                             int32_t recursive);
VSS_SIM_API int32_t vss_sim_add_exclude_from_snapshot(int32_t writer, const char *path, const char *filespec,
                                                      int32_t recursive);
VSS_SIM_API int32_t vss_sim_add_alternate_location_mapping(int32_t writer, const char *path, const char *filespec,
                                                           int32_t recursive, const char *destination);
VSS_SIM_API int32_t vss_sim_set_restore_method(int32_t writer, int32_t method, const char *service,
                                               const char *user_procedure, int32_t writer_restore,
                                               int32_t reboot_required);
VSS_SIM_API int32_t vss_sim_set_backup_schema(int32_t writer, uint32_t schema);

/* Appends writers * components_per_writer * files_per_component of metadata
 * and returns the index of the first new writer. Writer at index i:
 * "SimWriter<i>", generated class and instance ids, VSS_UT_USERDATA,
 * VSS_ST_OTHER. Its component j: VSS_CT_FILEGROUP, logical path "SimWriter<i>",
 * name "Component<j>", caption "Component <j> of SimWriter<i>", selectable for
 * backup and restore, flags 0. Its file k: path
 * "C:\SimData\Writer<i>\Component<j>", filespec "file<k>.dat", not recursive,
 * no alternate location, the default type mask. */
VSS_SIM_API int32_t vss_sim_generate_writers(int32_t writers, int32_t components_per_writer,
                                             int32_t files_per_component);
/* The writer fails at a phase: failed_state is a VSS_WS_FAILED_AT_* value from
 * IDENTIFY (6) to POST_RESTORE (14), or 0 to remove the failure. Once an
 * object's flow reaches that phase, the operation running it ends with
 * VSS_E_WRITERERROR_RETRYABLE (hr_failure is RETRYABLE, OUTOFRESOURCES, TIMEOUT
 * or VSS_E_WRITER_STATUS_NOT_AVAILABLE) or VSS_E_WRITERERROR_NONRETRYABLE
 * (anything else), and that object's GetWriterStatus(Ex) reports failed_state,
 * hr_failure (0 means VSS_E_WRITERERROR_NONRETRYABLE), hr_application and
 * message. Details in README ("Writer failures"). */
VSS_SIM_API int32_t vss_sim_fail_writer_at(int32_t writer, int32_t failed_state, uint32_t hr_failure,
                                           uint32_t hr_application, const char *message);

#ifdef __cplusplus
}
#endif

#endif
