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

/* "X:\\...", "\\\\server..." or (not Windows) "/...". */
bool fs_path_absolute(const char *path);
bool fs_exists(const char *path); /* anything at path, links not followed */
/* The unique name (\\?\Volume{GUID}\) the OS gives the drive root or mount
 * point `name` (with its trailing backslash); NULL when it gives none (always
 * on Linux). */
char *fs_os_volume_name(const char *name);
char *fs_join(const char *dir, const char *name);
/* The folder that holds the snapshot folders ($VSS_SIM_SNAPSHOT_ROOT, else
 * <temp>/vss-sim-snapshots), created if missing; absolute, platform separators,
 * no trailing separator. NULL when it cannot be created. */
char *fs_snapshot_root(void);
/* Creates the directory and its missing parents. */
bool fs_mkdirs(const char *path);

/* Outcomes of the file operations below. */
enum { FS_OK = 0, FS_ERR_IO, FS_ERR_NOSPACE, FS_ERR_NOTFOUND, FS_ERR_CANCELLED, FS_ERR_CORRUPT };

bool fs_is_dir(const char *path); /* an existing directory (links followed) */

/* Bytes in the regular files below dir (links not followed); -1 on error. */
int64_t fs_tree_bytes(const char *dir);
/* Copies the tree at src to the new folder dst: reflink when possible, file
 * times kept, links copied as links, hard links inside the tree kept linked,
 * the read and execute bits of every entry kept exactly and the write bits
 * cleared (Windows: FILE_ATTRIBUTE_READONLY); FIFOs, sockets and devices are
 * left out. *cancel (may be NULL) is checked between entries and between
 * chunks of large files. Returns FS_OK or FS_ERR_*; on failure a partial dst
 * may remain (the caller removes it). */
int fs_copy_tree(const char *src, const char *dst, volatile int *cancel);
bool fs_copy_tree_readonly(const char *src, const char *dst);
/* Makes the directory dst hold exactly what the snapshot folder src holds
 * (RevertToSnapshot): every entry of dst is removed, then src's tree is copied
 * in with the owner's write bit given back. Idempotent, so an interrupted
 * revert is finished by running it again. */
int fs_revert_tree(const char *src, const char *dst);
/* Exposes folder at path (an existing empty directory): the directory is
 * replaced by a symbolic link (Windows: a directory symbolic link) to folder.
 * fs_unexpose undoes it, leaving an empty directory at path again. */
int fs_expose(const char *folder, const char *path);
void fs_unexpose(const char *path);
bool fs_dir_empty(const char *path);
/* Removes a snapshot folder (its last component starts with
 * HarddiskVolumeShadowCopy; anything else is left alone), write permission
 * restored first. */
void fs_remove_snapshot_folder(const char *folder);
/* Gives the tree write permission back (BreakSnapshotSetEx MAKE_READ_WRITE). */
void fs_make_tree_writable(const char *folder);

/* Whole files. *data is malloc'ed and NUL-terminated. */
bool fs_read_file(const char *path, char **data);
/* The same, telling a missing file (FS_ERR_NOTFOUND) from an unreadable one. */
int fs_read_file_ex(const char *path, char **data);
/* Writes a temporary file next to path, flushes it to disk, renames it over
 * path and flushes the directory. FS_OK or FS_ERR_*. */
int fs_write_file_durable(const char *path, const char *data, size_t n);
bool fs_write_file_atomic(const char *path, const char *data, size_t n);
/* What identifies one version of a file (device, file id, size, change
 * time); "" when there is no file. */
void fs_file_signature(const char *path, char out[96]);
/* Names of the entries of dir (NULL on error); free with fs_free_names. */
char **fs_list(const char *dir, size_t *count);
void fs_free_names(char **names, size_t n);
void fs_remove_file(const char *path);

/* An exclusive lock on a lock file (created if missing), across processes.
 * Returns a handle, or -1 when the lock cannot be taken. */
intptr_t fs_lock(const char *path);
void fs_unlock(intptr_t handle);

#endif
