/* The host file system, for directory volumes and the saved machine state:
 * environment, paths, point-in-time copies of directory trees, whole-file
 * reads and atomic writes, and an inter-process lock. Paths are UTF-8 (UTF-16
 * for the W functions on Windows). */
#ifndef SIM_FSYS_H
#define SIM_FSYS_H

#include "platform.h"

#ifdef _WIN32
#define FS_SEP '\\'
#else
#define FS_SEP '/'
#endif

#define FS_SNAPSHOT_PREFIX "HarddiskVolumeShadowCopy"

/* malloc'ed value of an environment variable; NULL when unset or empty. */
char *fs_getenv(const char *name);

/* An absolute path of an existing directory below a root: "/x[/...]" on Linux,
 * "X:\x[\...]" (either separator) on Windows. Bare roots ("/", "C:\") are not. */
bool fs_is_dir_volume_path(const char *path);
/* The path with its trailing separators replaced by exactly one. */
char *fs_dir_volume_name(const char *path);
/* Same directory path, ignoring trailing separators (and, on Windows, case and
 * the kind of separator). */
bool fs_path_eq(const char *a, const char *b);
/* Whether path is dir itself or lies below it (same comparison rules). */
bool fs_path_within(const char *dir, const char *path);

bool fs_exists(const char *path); /* anything at path, links not followed */
char *fs_join(const char *dir, const char *name);
/* The folder that holds the snapshot folders ($VSS_SIM_SNAPSHOT_ROOT, else
 * <temp>/vss-sim-snapshots), created if missing; absolute, platform separators,
 * no trailing separator. NULL when it cannot be created. */
char *fs_snapshot_root(void);
/* Creates the directory and its missing parents. */
bool fs_mkdirs(const char *path);

/* Bytes in the regular files below dir (links not followed); -1 on error. */
int64_t fs_tree_bytes(const char *dir);
/* Copies the tree at src to the new folder dst: reflink when possible, file
 * times kept, links copied as links, files read-only and folders 0555 (Windows:
 * FILE_ATTRIBUTE_READONLY). On failure a partial dst may remain. */
bool fs_copy_tree_readonly(const char *src, const char *dst);
/* Removes a snapshot folder (its last component starts with
 * HarddiskVolumeShadowCopy; anything else is left alone), write permission
 * restored first. */
void fs_remove_snapshot_folder(const char *folder);
/* Gives the tree write permission back (BreakSnapshotSetEx MAKE_READ_WRITE). */
void fs_make_tree_writable(const char *folder);

/* Whole files. *data is malloc'ed and NUL-terminated. */
bool fs_read_file(const char *path, char **data);
/* Writes a temporary file next to path, then renames it over path. */
bool fs_write_file_atomic(const char *path, const char *data, size_t n);
void fs_remove_file(const char *path);

/* An exclusive lock on a lock file (created if missing), across processes.
 * Returns a handle, or -1 when the lock cannot be taken. */
intptr_t fs_lock(const char *path);
void fs_unlock(intptr_t handle);

#endif
