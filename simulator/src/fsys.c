#ifndef _WIN32
#define _GNU_SOURCE /* copy_file_range, st_atim */
#endif
#include "fsys.h"

#include "util.h"

#define MAX_DEPTH 256

/* ---- portable path helpers ---- */

static bool is_sep(char c)
{
#ifdef _WIN32
    return c == '\\' || c == '/';
#else
    return c == '/';
#endif
}

/* Length of path without its trailing separators (never below 1). */
static size_t trimmed_len(const char *p)
{
    size_t n = strlen(p);
    while (n > 1 && is_sep(p[n - 1]))
        n--;
    return n;
}

char *fs_dir_volume_name(const char *path)
{
    size_t n = trimmed_len(path);
    char sep = FS_SEP;
#ifdef _WIN32
    /* Keep the separator the caller writes with. */
    for (size_t i = n; i-- > 0;)
        if (is_sep(path[i])) {
            sep = path[i];
            break;
        }
#endif
    char *s = malloc(n + 2);
    if (!s)
        abort();
    memcpy(s, path, n);
    if (!is_sep(s[n - 1]))
        s[n++] = sep;
    s[n] = '\0';
    return s;
}

bool fs_path_eq(const char *a, const char *b)
{
    size_t la = trimmed_len(a), lb = trimmed_len(b);
    if (la != lb)
        return false;
#ifdef _WIN32
    for (size_t i = 0; i < la; i++) {
        char x = a[i], y = b[i];
        if (is_sep(x) && is_sep(y))
            continue;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (char)(y + 32);
        if (x != y)
            return false;
    }
    return true;
#else
    return memcmp(a, b, la) == 0;
#endif
}

bool fs_path_within(const char *dir, const char *path)
{
    size_t n = trimmed_len(dir);
    if (strlen(path) < n)
        return false;
    char *head = malloc(n + 1);
    if (!head)
        abort();
    memcpy(head, path, n);
    head[n] = '\0';
    bool same = fs_path_eq(dir, head) && (path[n] == '\0' || is_sep(path[n]) || is_sep(dir[n - 1]));
    free(head);
    return same;
}

/* A path of the right shape for a directory volume (existence not checked). */
static bool dir_volume_shape(const char *p)
{
    if (!p)
        return false;
#ifdef _WIN32
    if (!((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) || p[1] != ':' || !is_sep(p[2]))
        return false;
    p += 3;
#else
    if (p[0] != '/')
        return false;
#endif
    for (; *p; p++)
        if (!is_sep(*p))
            return true;
    return false;
}

char *fs_join(const char *dir, const char *name)
{
    size_t n = trimmed_len(dir);
    bool sep = n && is_sep(dir[n - 1]);
    return sim_strfmt("%.*s%s%s", (int)n, dir, sep ? "" : (char[]){ FS_SEP, 0 }, name);
}

static bool is_snapshot_folder(const char *folder)
{
    size_t n = trimmed_len(folder), start = n;
    while (start > 0 && !is_sep(folder[start - 1]))
        start--;
    size_t plen = strlen(FS_SNAPSHOT_PREFIX);
    return n - start > plen && strncmp(folder + start, FS_SNAPSHOT_PREFIX, plen) == 0;
}

#ifdef _WIN32
/* ================================ Windows ================================ */

#ifndef COPY_FILE_COPY_SYMLINK
#define COPY_FILE_COPY_SYMLINK 0x00000800
#endif

static WCHAR *wide(const char *s) { return u8_to_u16(s, NULL); }

static WCHAR *wjoin(const WCHAR *dir, const WCHAR *name)
{
    size_t a = wcslen(dir), b = wcslen(name);
    WCHAR *p = malloc((a + b + 2) * sizeof(WCHAR));
    if (!p)
        abort();
    memcpy(p, dir, a * sizeof(WCHAR));
    if (a && dir[a - 1] != L'\\' && dir[a - 1] != L'/')
        p[a++] = L'\\';
    memcpy(p + a, name, (b + 1) * sizeof(WCHAR));
    return p;
}

static bool dot_entry(const WCHAR *n) { return !wcscmp(n, L".") || !wcscmp(n, L".."); }

char *fs_getenv(const char *name)
{
    WCHAR *wn = wide(name);
    DWORD need = GetEnvironmentVariableW(wn, NULL, 0);
    char *r = NULL;
    if (need > 1) {
        WCHAR *buf = malloc(need * sizeof(WCHAR));
        if (!buf)
            abort();
        DWORD got = GetEnvironmentVariableW(wn, buf, need);
        if (got > 0 && got < need)
            r = u16_to_u8((const WCHAR *)buf, got);
        free(buf);
    }
    free(wn);
    return r;
}

static DWORD attributes(const char *path)
{
    WCHAR *w = wide(path);
    DWORD a = GetFileAttributesW(w);
    free(w);
    return a;
}

bool fs_is_dir_volume_path(const char *path)
{
    if (!dir_volume_shape(path))
        return false;
    DWORD a = attributes(path);
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

bool fs_exists(const char *path) { return attributes(path) != INVALID_FILE_ATTRIBUTES; }

bool fs_mkdirs(const char *path)
{
    WCHAR *w = wide(path);
    size_t n = wcslen(w);
    /* Every prefix ending before a separator, past the drive or the UNC share. */
    for (size_t i = 3; i < n; i++) {
        if (w[i] != L'\\' && w[i] != L'/')
            continue;
        WCHAR c = w[i];
        w[i] = 0;
        CreateDirectoryW(w, NULL);
        w[i] = c;
    }
    CreateDirectoryW(w, NULL);
    DWORD a = GetFileAttributesW(w);
    free(w);
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

char *fs_snapshot_root(void)
{
    char *root = fs_getenv("VSS_SIM_SNAPSHOT_ROOT");
    if (!root) {
        WCHAR tmp[MAX_PATH + 1];
        DWORD n = GetTempPathW(MAX_PATH + 1, tmp);
        if (n == 0 || n > MAX_PATH)
            return NULL;
        char *t = u16_to_u8((const WCHAR *)tmp, n);
        root = fs_join(t, "vss-sim-snapshots");
        free(t);
    }
    if (!fs_mkdirs(root)) {
        free(root);
        return NULL;
    }
    WCHAR *w = wide(root);
    free(root);
    DWORD need = GetFullPathNameW(w, 0, NULL, NULL);
    WCHAR *full = malloc((need + 1) * sizeof(WCHAR));
    if (!full)
        abort();
    DWORD got = GetFullPathNameW(w, need + 1, full, NULL);
    free(w);
    if (got == 0 || got > need) {
        free(full);
        return NULL;
    }
    for (DWORD i = 0; i < got; i++)
        if (full[i] == L'/')
            full[i] = L'\\';
    while (got > 3 && full[got - 1] == L'\\')
        got--;
    char *r = u16_to_u8((const WCHAR *)full, got);
    free(full);
    return r;
}

static int64_t wtree_bytes(const WCHAR *dir, int depth)
{
    if (depth > MAX_DEPTH)
        return -1;
    WCHAR *pattern = wjoin(dir, L"*");
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pattern, &fd);
    free(pattern);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    int64_t total = 0;
    do {
        if (dot_entry(fd.cFileName) || (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT))
            continue;
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
            WCHAR *sub = wjoin(dir, fd.cFileName);
            int64_t n = wtree_bytes(sub, depth + 1);
            free(sub);
            if (n < 0) {
                total = -1;
                break;
            }
            total += n;
        } else {
            total += (int64_t)((uint64_t)fd.nFileSizeHigh << 32 | fd.nFileSizeLow);
        }
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    return total;
}

int64_t fs_tree_bytes(const char *dir)
{
    WCHAR *w = wide(dir);
    int64_t n = wtree_bytes(w, 0);
    free(w);
    return n;
}

static void copy_times(const WCHAR *src, const WCHAR *dst)
{
    WIN32_FILE_ATTRIBUTE_DATA d;
    if (!GetFileAttributesExW(src, GetFileExInfoStandard, &d))
        return;
    HANDLE h = CreateFileW(dst, FILE_WRITE_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return;
    SetFileTime(h, &d.ftCreationTime, &d.ftLastAccessTime, &d.ftLastWriteTime);
    CloseHandle(h);
}

static void add_readonly(const WCHAR *path)
{
    DWORD a = GetFileAttributesW(path);
    if (a != INVALID_FILE_ATTRIBUTES)
        SetFileAttributesW(path, (a & ~(DWORD)FILE_ATTRIBUTE_DIRECTORY) | FILE_ATTRIBUTE_READONLY);
}

static bool wcopy_dir(const WCHAR *src, const WCHAR *dst, int depth)
{
    if (depth > MAX_DEPTH || !CreateDirectoryW(dst, NULL))
        return false;
    WCHAR *pattern = wjoin(src, L"*");
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pattern, &fd);
    free(pattern);
    if (h == INVALID_HANDLE_VALUE)
        return false;
    bool ok = true;
    do {
        if (dot_entry(fd.cFileName))
            continue;
        WCHAR *s = wjoin(src, fd.cFileName), *t = wjoin(dst, fd.cFileName);
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
            /* The link itself; a link the system cannot copy as a link is left out. */
            CopyFileExW(s, t, NULL, NULL, NULL, COPY_FILE_COPY_SYMLINK);
        } else if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
            ok = wcopy_dir(s, t, depth + 1);
        } else if (CopyFileW(s, t, TRUE)) {
            copy_times(s, t);
            add_readonly(t);
        } else {
            /* A file that went away meanwhile is simply not in the copy. */
            ok = GetFileAttributesW(s) == INVALID_FILE_ATTRIBUTES;
        }
        free(s);
        free(t);
    } while (ok && FindNextFileW(h, &fd));
    FindClose(h);
    if (!ok)
        return false;
    copy_times(src, dst);
    add_readonly(dst);
    return true;
}

bool fs_copy_tree_readonly(const char *src, const char *dst)
{
    WCHAR *s = wide(src), *d = wide(dst);
    size_t n = wcslen(s);
    while (n > 3 && (s[n - 1] == L'\\' || s[n - 1] == L'/'))
        s[--n] = 0;
    bool ok = wcopy_dir(s, d, 0);
    free(s);
    free(d);
    return ok;
}

/* Applies fn to every entry below dir (children first), links not followed. */
typedef void (*wvisit_fn)(const WCHAR *path, DWORD attr);

static void wwalk(const WCHAR *dir, wvisit_fn fn, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    WCHAR *pattern = wjoin(dir, L"*");
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pattern, &fd);
    free(pattern);
    if (h == INVALID_HANDLE_VALUE)
        return;
    /* Names first: the callbacks may delete entries. */
    WCHAR **names = NULL;
    DWORD *attrs = NULL;
    size_t n = 0, cap = 0;
    do {
        if (dot_entry(fd.cFileName))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
            attrs = realloc(attrs, cap * sizeof *attrs);
            if (!names || !attrs)
                abort();
        }
        names[n] = wjoin(dir, fd.cFileName);
        attrs[n++] = fd.dwFileAttributes;
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    for (size_t i = 0; i < n; i++) {
        if ((attrs[i] & FILE_ATTRIBUTE_DIRECTORY) && !(attrs[i] & FILE_ATTRIBUTE_REPARSE_POINT))
            wwalk(names[i], fn, depth + 1);
        fn(names[i], attrs[i]);
        free(names[i]);
    }
    free(names);
    free(attrs);
}

static void wremove(const WCHAR *path, DWORD attr)
{
    SetFileAttributesW(path, FILE_ATTRIBUTE_NORMAL);
    if (attr & FILE_ATTRIBUTE_DIRECTORY)
        RemoveDirectoryW(path);
    else
        DeleteFileW(path);
}

static void wwritable(const WCHAR *path, DWORD attr)
{
    DWORD a = attr & ~(DWORD)(FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_DIRECTORY);
    SetFileAttributesW(path, a ? a : FILE_ATTRIBUTE_NORMAL);
}

void fs_remove_snapshot_folder(const char *folder)
{
    if (!is_snapshot_folder(folder))
        return;
    WCHAR *w = wide(folder);
    DWORD a = GetFileAttributesW(w);
    if (a != INVALID_FILE_ATTRIBUTES) {
        SetFileAttributesW(w, FILE_ATTRIBUTE_NORMAL);
        if ((a & FILE_ATTRIBUTE_DIRECTORY) && !(a & FILE_ATTRIBUTE_REPARSE_POINT))
            wwalk(w, wremove, 0);
        wremove(w, a);
    }
    free(w);
}

void fs_make_tree_writable(const char *folder)
{
    WCHAR *w = wide(folder);
    DWORD a = GetFileAttributesW(w);
    if (a != INVALID_FILE_ATTRIBUTES) {
        wwalk(w, wwritable, 0);
        wwritable(w, a);
    }
    free(w);
}

bool fs_read_file(const char *path, char **data)
{
    WCHAR *w = wide(path);
    HANDLE h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        return false;
    LARGE_INTEGER size;
    bool ok = GetFileSizeEx(h, &size) && size.QuadPart < (1LL << 31);
    char *buf = ok ? malloc((size_t)size.QuadPart + 1) : NULL;
    DWORD got = 0;
    ok = ok && buf && ReadFile(h, buf, (DWORD)size.QuadPart, &got, NULL) && got == (DWORD)size.QuadPart;
    CloseHandle(h);
    if (!ok) {
        free(buf);
        return false;
    }
    buf[got] = '\0';
    *data = buf;
    return true;
}

bool fs_write_file_atomic(const char *path, const char *data, size_t n)
{
    char *tmp = sim_strfmt("%s.tmp.%lu", path, (unsigned long)GetCurrentProcessId());
    WCHAR *wt = wide(tmp), *wp = wide(path);
    free(tmp);
    HANDLE h = CreateFileW(wt, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    bool ok = h != INVALID_HANDLE_VALUE;
    if (ok) {
        DWORD put = 0;
        ok = WriteFile(h, data, (DWORD)n, &put, NULL) && put == (DWORD)n;
        ok = CloseHandle(h) && ok;
        ok = ok && MoveFileExW(wt, wp, MOVEFILE_REPLACE_EXISTING);
        if (!ok)
            DeleteFileW(wt);
    }
    free(wt);
    free(wp);
    return ok;
}

void fs_remove_file(const char *path)
{
    WCHAR *w = wide(path);
    DeleteFileW(w);
    free(w);
}

intptr_t fs_lock(const char *path)
{
    WCHAR *w = wide(path);
    HANDLE h = CreateFileW(w, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ov)) {
        CloseHandle(h);
        return -1;
    }
    return (intptr_t)h;
}

void fs_unlock(intptr_t handle)
{
    if (handle == -1)
        return;
    HANDLE h = (HANDLE)handle;
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    UnlockFileEx(h, 0, 1, 0, &ov);
    CloseHandle(h);
}

#else
/* ================================= POSIX ================================= */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/fs.h>
#include <sys/ioctl.h>
#endif

char *fs_getenv(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? sim_strdup(v) : NULL;
}

bool fs_is_dir_volume_path(const char *path)
{
    struct stat st;
    return dir_volume_shape(path) && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

bool fs_mkdirs(const char *path)
{
    char *p = sim_strdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        mkdir(p, 0777);
        *s = '/';
    }
    mkdir(p, 0777);
    struct stat st;
    bool ok = stat(p, &st) == 0 && S_ISDIR(st.st_mode);
    free(p);
    return ok;
}

char *fs_snapshot_root(void)
{
    char *root = fs_getenv("VSS_SIM_SNAPSHOT_ROOT");
    if (!root) {
        char *tmp = fs_getenv("TMPDIR");
        root = fs_join(tmp ? tmp : "/tmp", "vss-sim-snapshots");
        free(tmp);
    }
    char *abs = NULL;
    if (fs_mkdirs(root))
        abs = realpath(root, NULL);
    free(root);
    return abs;
}

/* A directory's entry names, read in full before anything below is touched. */
static char **list_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        names[n++] = sim_strdup(e->d_name);
    }
    closedir(d);
    if (!names) {
        names = malloc(sizeof *names);
        if (!names)
            abort();
    }
    *count = n;
    return names;
}

static void free_list(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int64_t tree_bytes(const char *dir, int depth)
{
    size_t n;
    char **names = depth <= MAX_DEPTH ? list_dir(dir, &n) : NULL;
    if (!names)
        return -1;
    int64_t total = 0;
    for (size_t i = 0; i < n && total >= 0; i++) {
        char *p = fs_join(dir, names[i]);
        struct stat st;
        if (lstat(p, &st) == 0) {
            if (S_ISREG(st.st_mode)) {
                total += st.st_size;
            } else if (S_ISDIR(st.st_mode)) {
                int64_t sub = tree_bytes(p, depth + 1);
                total = sub < 0 ? -1 : total + sub;
            }
        }
        free(p);
    }
    free_list(names, n);
    return total;
}

int64_t fs_tree_bytes(const char *dir) { return tree_bytes(dir, 0); }

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Content from in to out: a reflink, else copy_file_range, else read/write. */
static bool copy_content(int in, int out)
{
#ifdef FICLONE
    if (ioctl(out, FICLONE, in) == 0)
        return true;
#endif
#ifdef __linux__
    for (;;) {
        ssize_t n = copy_file_range(in, NULL, out, NULL, (size_t)1 << 30, 0);
        if (n > 0)
            continue;
        if (n == 0)
            return true;
        if (errno == EINTR)
            continue;
        if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP && errno != EPERM &&
            errno != EBADF)
            return false;
        break; /* not here: go on with plain reads from the current offsets */
    }
#endif
    char buf[1 << 16];
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return false;
        if (r == 0)
            return true;
        if (!write_all(out, buf, (size_t)r))
            return false;
    }
}

static bool copy_file(const char *src, const char *dst, const struct stat *st)
{
    int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in < 0)
        return errno == ENOENT; /* gone meanwhile: not in the copy */
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        close(in);
        return false;
    }
    bool ok = copy_content(in, out);
    struct timespec times[2] = { st->st_atim, st->st_mtim };
    ok = ok && futimens(out, times) == 0 && fchmod(out, 0444) == 0;
    ok = close(out) == 0 && ok;
    close(in);
    return ok;
}

static bool copy_link(const char *src, const char *dst, const struct stat *st)
{
    size_t cap = st->st_size > 0 ? (size_t)st->st_size + 1 : 256;
    char *target = malloc(cap);
    if (!target)
        abort();
    ssize_t n = readlink(src, target, cap);
    bool ok = n >= 0 && (size_t)n < cap;
    if (ok) {
        target[n] = '\0';
        ok = symlink(target, dst) == 0;
    }
    free(target);
    if (ok) {
        struct timespec times[2] = { st->st_atim, st->st_mtim };
        utimensat(AT_FDCWD, dst, times, AT_SYMLINK_NOFOLLOW);
    }
    return ok;
}

static bool copy_dir(const char *src, const char *dst, const struct stat *st, int depth);

static bool copy_entry(const char *src, const char *dst, int depth)
{
    struct stat st;
    if (lstat(src, &st) != 0)
        return errno == ENOENT;
    if (S_ISDIR(st.st_mode))
        return copy_dir(src, dst, &st, depth);
    if (S_ISREG(st.st_mode))
        return copy_file(src, dst, &st);
    if (S_ISLNK(st.st_mode))
        return copy_link(src, dst, &st);
    return true; /* sockets, pipes and devices are not copied */
}

static bool copy_dir(const char *src, const char *dst, const struct stat *st, int depth)
{
    if (depth > MAX_DEPTH || mkdir(dst, 0700) != 0)
        return false;
    size_t n;
    char **names = list_dir(src, &n);
    if (!names)
        return false;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        char *s = fs_join(src, names[i]), *t = fs_join(dst, names[i]);
        ok = copy_entry(s, t, depth + 1);
        free(s);
        free(t);
    }
    free_list(names, n);
    if (!ok)
        return false;
    struct timespec times[2] = { st->st_atim, st->st_mtim };
    utimensat(AT_FDCWD, dst, times, 0);
    return chmod(dst, 0555) == 0;
}

bool fs_copy_tree_readonly(const char *src, const char *dst)
{
    struct stat st;
    if (stat(src, &st) != 0 || !S_ISDIR(st.st_mode))
        return false;
    return copy_dir(src, dst, &st, 0);
}

/* Children first. Every directory gets 0755 before it is listed; files get
 * 0644 (remove false) or are unlinked (remove true), then the directory goes. */
static void walk(const char *path, bool remove, int depth)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0755);
        size_t n;
        char **names = depth <= MAX_DEPTH ? list_dir(path, &n) : NULL;
        for (size_t i = 0; names && i < n; i++) {
            char *p = fs_join(path, names[i]);
            walk(p, remove, depth + 1);
            free(p);
        }
        if (names)
            free_list(names, n);
        if (remove)
            rmdir(path);
    } else if (remove) {
        unlink(path);
    } else if (S_ISREG(st.st_mode)) {
        chmod(path, 0644);
    }
}

void fs_remove_snapshot_folder(const char *folder)
{
    if (is_snapshot_folder(folder))
        walk(folder, true, 0);
}

void fs_make_tree_writable(const char *folder) { walk(folder, false, 0); }

bool fs_read_file(const char *path, char **data)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    sbuf b = { 0 };
    char buf[1 << 16];
    bool ok = true;
    for (;;) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            ok = r == 0;
            break;
        }
        sb_putn(&b, buf, (size_t)r);
    }
    close(fd);
    if (!ok) {
        sb_free(&b);
        return false;
    }
    *data = sb_take(&b);
    return true;
}

bool fs_write_file_atomic(const char *path, const char *data, size_t n)
{
    char *tmp = sim_strfmt("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0;
    if (ok) {
        ok = write_all(fd, data, n);
        ok = close(fd) == 0 && ok;
        ok = ok && rename(tmp, path) == 0;
        if (!ok)
            unlink(tmp);
    }
    free(tmp);
    return ok;
}

void fs_remove_file(const char *path) { unlink(path); }

intptr_t fs_lock(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

void fs_unlock(intptr_t handle)
{
    if (handle < 0)
        return;
    flock((int)handle, LOCK_UN);
    close((int)handle);
}

#endif
