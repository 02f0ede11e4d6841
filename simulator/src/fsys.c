#ifndef _WIN32
#define _GNU_SOURCE /* copy_file_range, st_atim */
#endif
#include "fsys.h"

#include "sync.h"
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

bool fs_path_absolute(const char *p)
{
    if (!p || !*p)
        return false;
    bool letter = (p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z');
    if (letter && p[1] == ':' && (p[2] == '\\' || p[2] == '/'))
        return true;
    if (p[0] == '\\' && p[1] == '\\')
        return true;
#ifndef _WIN32
    if (p[0] == '/')
        return true;
#endif
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

#include <winioctl.h>

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

char *fs_os_volume_name(const char *name)
{
    /* GetVolumeNameForVolumeMountPointW wants the trailing backslash and
     * answers for drive roots and mount points only. */
    size_t n = name ? strlen(name) : 0;
    if (!n || name[n - 1] != '\\')
        return NULL;
    WCHAR *w = wide(name);
    WCHAR out[64];
    BOOL ok = GetVolumeNameForVolumeMountPointW(w, out, (DWORD)(sizeof out / sizeof out[0]));
    free(w);
    if (!ok || wcsncmp(out, L"\\\\?\\Volume{", 11) != 0)
        return NULL;
    return u16_to_u8((const WCHAR *)out, wcslen(out));
}

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

static int werr(DWORD e)
{
    if (e == ERROR_DISK_FULL || e == ERROR_HANDLE_DISK_FULL)
        return FS_ERR_NOSPACE;
    if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND)
        return FS_ERR_NOTFOUND;
    return FS_ERR_IO;
}

static DWORD CALLBACK copy_progress(LARGE_INTEGER total, LARGE_INTEGER done, LARGE_INTEGER stotal,
                                    LARGE_INTEGER sdone, DWORD stream, DWORD reason, HANDLE from, HANDLE to,
                                    LPVOID data)
{
    (void)total, (void)done, (void)stotal, (void)sdone, (void)stream, (void)reason, (void)from, (void)to;
    volatile int *cancel = data;
    return cancel && *cancel ? PROGRESS_CANCEL : PROGRESS_CONTINUE;
}

/* Hard links met during one copy: (volume serial, file index) -> the first copy's path. */
typedef struct wlink_seen {
    DWORD volume, index_high, index_low;
    WCHAR *path;
} wlink_seen;

typedef struct wcopy_ctx {
    volatile int *cancel;
    bool readonly; /* snapshot: read-only attribute set; revert: cleared */
    wlink_seen *links;
    size_t nlinks, caplinks;
} wcopy_ctx;

static void wcopy_ctx_free(wcopy_ctx *c)
{
    for (size_t i = 0; i < c->nlinks; i++)
        free(c->links[i].path);
    free(c->links);
}

/* The identity of a file with more than one name, or false for a file with one. */
static bool multi_link(const WCHAR *path, BY_HANDLE_FILE_INFORMATION *info)
{
    HANDLE h = CreateFileW(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return false;
    bool ok = GetFileInformationByHandle(h, info) && info->nNumberOfLinks > 1;
    CloseHandle(h);
    return ok;
}

/* Another name for a file already copied; the read-only attribute is lifted for the call. */
static bool wlink(const WCHAR *first, const WCHAR *dst)
{
    if (CreateHardLinkW(dst, first, NULL))
        return true;
    DWORD a = GetFileAttributesW(first);
    if (a == INVALID_FILE_ATTRIBUTES || !(a & FILE_ATTRIBUTE_READONLY))
        return false;
    SetFileAttributesW(first, a & ~(DWORD)FILE_ATTRIBUTE_READONLY);
    bool ok = CreateHardLinkW(dst, first, NULL);
    DWORD e = GetLastError();
    SetFileAttributesW(first, a);
    SetLastError(e);
    return ok;
}

static size_t wcount(const WCHAR *dir)
{
    WCHAR *pattern = wjoin(dir, L"*");
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pattern, &fd);
    free(pattern);
    size_t n = 0;
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    do
        n += !dot_entry(fd.cFileName);
    while (FindNextFileW(h, &fd));
    FindClose(h);
    return n;
}

static int wcopy_file(wcopy_ctx *c, const WCHAR *s, const WCHAR *t, DWORD attr)
{
    BY_HANDLE_FILE_INFORMATION info;
    bool linked = multi_link(s, &info);
    if (linked) {
        for (size_t i = 0; i < c->nlinks; i++) {
            wlink_seen *l = &c->links[i];
            if (l->volume == info.dwVolumeSerialNumber && l->index_high == info.nFileIndexHigh &&
                l->index_low == info.nFileIndexLow)
                return wlink(l->path, t) ? FS_OK : werr(GetLastError());
        }
    }
    if (!CopyFileExW(s, t, copy_progress, (LPVOID)c->cancel, NULL, COPY_FILE_FAIL_IF_EXISTS)) {
        DWORD e = GetLastError();
        if (e == ERROR_REQUEST_ABORTED || (c->cancel && *c->cancel))
            return FS_ERR_CANCELLED;
        /* A file that went away meanwhile is simply not in the copy. */
        return GetFileAttributesW(s) != INVALID_FILE_ATTRIBUTES ? werr(e) : FS_OK;
    }
    copy_times(s, t);
    if (c->readonly)
        add_readonly(t);
    else
        SetFileAttributesW(t, attr & ~(DWORD)FILE_ATTRIBUTE_READONLY);
    if (linked) {
        wlink_seen *l = VEC_PUSH(c->links, c->nlinks, c->caplinks);
        l->volume = info.dwVolumeSerialNumber;
        l->index_high = info.nFileIndexHigh;
        l->index_low = info.nFileIndexLow;
        l->path = _wcsdup(t);
        if (!l->path)
            abort();
    }
    return FS_OK;
}

static int wcopy_dir(wcopy_ctx *c, const WCHAR *src, const WCHAR *dst, int depth, bool create)
{
    if (depth > MAX_DEPTH)
        return FS_ERR_IO;
    if (create && !CreateDirectoryW(dst, NULL))
        return werr(GetLastError());
    /* The crash point after half the top-level entries, as in the POSIX half. */
    size_t half = depth == 0 ? wcount(src) / 2 : 0, i = 0;
    WCHAR *pattern = wjoin(src, L"*");
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pattern, &fd);
    free(pattern);
    if (h == INVALID_HANDLE_VALUE)
        return werr(GetLastError());
    int r = FS_OK;
    do {
        if (dot_entry(fd.cFileName))
            continue;
        if (c->cancel && *c->cancel) {
            r = FS_ERR_CANCELLED;
            break;
        }
        WCHAR *s = wjoin(src, fd.cFileName), *t = wjoin(dst, fd.cFileName);
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
            /* The link itself; a link the system cannot copy as a link is left out. */
            CopyFileExW(s, t, NULL, NULL, NULL, COPY_FILE_COPY_SYMLINK);
        } else if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
            r = wcopy_dir(c, s, t, depth + 1, true);
        } else {
            r = wcopy_file(c, s, t, fd.dwFileAttributes);
        }
        free(s);
        free(t);
        if (depth == 0 && i++ == half)
            sim_crash_point("copy-half");
    } while (r == FS_OK && FindNextFileW(h, &fd));
    FindClose(h);
    if (r != FS_OK)
        return r;
    copy_times(src, dst);
    if (c->readonly)
        add_readonly(dst);
    return FS_OK;
}

static WCHAR *wide_trimmed(const char *path)
{
    WCHAR *w = wide(path);
    size_t n = wcslen(w);
    while (n > 3 && (w[n - 1] == L'\\' || w[n - 1] == L'/'))
        w[--n] = 0;
    return w;
}

int fs_copy_tree(const char *src, const char *dst, volatile int *cancel)
{
    WCHAR *s = wide_trimmed(src), *d = wide(dst);
    DWORD a = GetFileAttributesW(s);
    int r = FS_ERR_NOTFOUND;
    if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY)) {
        wcopy_ctx c = { .cancel = cancel, .readonly = true };
        r = wcopy_dir(&c, s, d, 0, true);
        wcopy_ctx_free(&c);
    }
    free(s);
    free(d);
    return r;
}

bool fs_copy_tree_readonly(const char *src, const char *dst) { return fs_copy_tree(src, dst, NULL) == FS_OK; }

/* Applies fn to every entry below dir (children first), links not followed. */
typedef void (*wvisit_fn)(const WCHAR *path, DWORD attr);

static void wwalk(const WCHAR *dir, void (*fn)(const WCHAR *, DWORD), int depth)
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
    if (attr & FILE_ATTRIBUTE_DIRECTORY) {
        RemoveDirectoryW(path);
    } else {
        DeleteFileW(path);
        sim_crash_point("remove-file");
    }
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

int fs_read_file_ex(const char *path, char **data)
{
    WCHAR *w = wide(path);
    HANDLE h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    if (h == INVALID_HANDLE_VALUE)
        return werr(GetLastError()) == FS_ERR_NOTFOUND ? FS_ERR_NOTFOUND : FS_ERR_IO;
    LARGE_INTEGER size;
    bool ok = GetFileSizeEx(h, &size) && size.QuadPart < (1LL << 31);
    char *buf = ok ? malloc((size_t)size.QuadPart + 1) : NULL;
    DWORD got = 0;
    ok = ok && buf && ReadFile(h, buf, (DWORD)size.QuadPart, &got, NULL) && got == (DWORD)size.QuadPart;
    CloseHandle(h);
    if (!ok) {
        free(buf);
        return FS_ERR_IO;
    }
    buf[got] = '\0';
    *data = buf;
    return FS_OK;
}

bool fs_read_file(const char *path, char **data) { return fs_read_file_ex(path, data) == FS_OK; }

int fs_write_file_durable(const char *path, const char *data, size_t n)
{
    char *tmp = sim_strfmt("%s.tmp.%lu", path, (unsigned long)GetCurrentProcessId());
    WCHAR *wt = wide(tmp), *wp = wide(path);
    free(tmp);
    HANDLE h = CreateFileW(wt, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    int r = h != INVALID_HANDLE_VALUE ? FS_OK : werr(GetLastError());
    if (h != INVALID_HANDLE_VALUE) {
        DWORD put = 0;
        if (!WriteFile(h, data, (DWORD)n, &put, NULL) || put != (DWORD)n || !FlushFileBuffers(h))
            r = werr(GetLastError());
        if (!CloseHandle(h) && r == FS_OK)
            r = FS_ERR_IO;
        if (r == FS_OK && !MoveFileExW(wt, wp, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
            r = werr(GetLastError());
        if (r != FS_OK)
            DeleteFileW(wt);
    }
    free(wt);
    free(wp);
    return r;
}

bool fs_write_file_atomic(const char *path, const char *data, size_t n)
{
    return fs_write_file_durable(path, data, n) == FS_OK;
}

void fs_file_signature(const char *path, char out[96])
{
    WCHAR *w = wide(path);
    HANDLE h = CreateFileW(w, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    free(w);
    out[0] = '\0';
    if (h == INVALID_HANDLE_VALUE)
        return;
    BY_HANDLE_FILE_INFORMATION i;
    if (GetFileInformationByHandle(h, &i))
        snprintf(out, 96, "%lu:%lu:%lu:%lu:%lu:%lu:%lu", (unsigned long)i.dwVolumeSerialNumber,
                 (unsigned long)i.nFileIndexHigh, (unsigned long)i.nFileIndexLow, (unsigned long)i.nFileSizeLow,
                 (unsigned long)i.ftLastWriteTime.dwHighDateTime, (unsigned long)i.ftLastWriteTime.dwLowDateTime,
                 (unsigned long)i.nFileSizeHigh);
    CloseHandle(h);
}

bool fs_is_dir(const char *path)
{
    DWORD a = attributes(path);
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

char **fs_list(const char *dir, size_t *count)
{
    WCHAR *w = wide(dir), *pattern = wjoin(w, L"*");
    free(w);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pattern, &fd);
    free(pattern);
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    char **names = malloc(sizeof *names);
    size_t n = 0, cap = 1;
    if (!names)
        abort();
    do {
        if (dot_entry(fd.cFileName))
            continue;
        if (n == cap) {
            cap *= 2;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        names[n++] = u16_to_u8((const WCHAR *)fd.cFileName, wcslen(fd.cFileName));
    } while (FindNextFileW(h, &fd));
    FindClose(h);
    *count = n;
    return names;
}

void fs_free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

bool fs_dir_empty(const char *path)
{
    size_t n;
    char **names = fs_list(path, &n);
    if (!names)
        return false;
    fs_free_names(names, n);
    return n == 0;
}

int fs_revert_tree(const char *src, const char *dst)
{
    if (!fs_is_dir(src) || !fs_is_dir(dst))
        return FS_ERR_NOTFOUND;
    WCHAR *s = wide_trimmed(src), *d = wide_trimmed(dst);
    size_t n;
    char **names = fs_list(dst, &n);
    int r = names ? FS_OK : FS_ERR_IO;
    /* The top-level entries one at a time, with the crash point after half of them, as in the POSIX half. */
    for (size_t i = 0; names && i < n; i++) {
        WCHAR *wn = wide(names[i]), *p = wjoin(d, wn);
        DWORD a = GetFileAttributesW(p);
        if (a != INVALID_FILE_ATTRIBUTES) {
            SetFileAttributesW(p, FILE_ATTRIBUTE_NORMAL);
            if ((a & FILE_ATTRIBUTE_DIRECTORY) && !(a & FILE_ATTRIBUTE_REPARSE_POINT))
                wwalk(p, wremove, 1);
            wremove(p, a);
        }
        free(wn);
        free(p);
        if (i == n / 2)
            sim_crash_point("revert-half");
    }
    if (names)
        fs_free_names(names, n);
    if (r == FS_OK) {
        wcopy_ctx c = { .readonly = false };
        r = wcopy_dir(&c, s, d, 1, false);
        wcopy_ctx_free(&c);
    }
    free(s);
    free(d);
    return r;
}

#ifndef SYMBOLIC_LINK_FLAG_DIRECTORY
#define SYMBOLIC_LINK_FLAG_DIRECTORY 0x1
#endif
#ifndef SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE
#define SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE 0x2
#endif

/* Turns the empty directory wp into a mount-point junction to the directory
 * target (an absolute path), as a volume mounted at a folder is on Windows.
 * The reparse buffer is the documented MountPointReparseBuffer layout
 * (ntifs.h, which mingw's user-mode headers do not carry). */
static bool make_junction(const WCHAR *wp, const WCHAR *target)
{
    size_t tlen = wcslen(target);
    size_t subst = (4 + tlen) * sizeof(WCHAR), print = tlen * sizeof(WCHAR);
    size_t data = 8 + subst + sizeof(WCHAR) + print + sizeof(WCHAR);
    if (data > 16 * 1024 - 8)
        return false;
    unsigned char *buf = calloc(1, 8 + data);
    if (!buf)
        return false;
    DWORD tag = IO_REPARSE_TAG_MOUNT_POINT;
    USHORT length = (USHORT)data, zero = 0, subst_off = 0, subst_len = (USHORT)subst,
           print_off = (USHORT)(subst + sizeof(WCHAR)), print_len = (USHORT)print;
    memcpy(buf, &tag, 4);
    memcpy(buf + 4, &length, 2);
    memcpy(buf + 6, &zero, 2);
    memcpy(buf + 8, &subst_off, 2);
    memcpy(buf + 10, &subst_len, 2);
    memcpy(buf + 12, &print_off, 2);
    memcpy(buf + 14, &print_len, 2);
    WCHAR *names = (WCHAR *)(buf + 16);
    memcpy(names, L"\\??\\", 4 * sizeof(WCHAR));
    memcpy(names + 4, target, tlen * sizeof(WCHAR));
    memcpy(names + 4 + tlen + 1, target, tlen * sizeof(WCHAR));
    HANDLE h = CreateFileW(wp, GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    bool ok = false;
    if (h != INVALID_HANDLE_VALUE) {
        DWORD out = 0;
        ok = DeviceIoControl(h, FSCTL_SET_REPARSE_POINT, buf, (DWORD)(8 + data), NULL, 0, &out, NULL) != 0;
        CloseHandle(h);
    }
    free(buf);
    return ok;
}

/* Whether wp is now a link whose contents are those of the directory target:
 * Wine 8's CreateSymbolicLinkW, for one, reports success and makes nothing. */
static bool link_works(const WCHAR *wp)
{
    DWORD a = GetFileAttributesW(wp);
    if (a == INVALID_FILE_ATTRIBUTES || !(a & FILE_ATTRIBUTE_REPARSE_POINT))
        return false;
    HANDLE h = CreateFileW(wp, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return false;
    CloseHandle(h);
    return true;
}

int fs_expose(const char *folder, const char *path)
{
    if (!fs_is_dir(path))
        return FS_ERR_NOTFOUND;
    if (!fs_dir_empty(path))
        return FS_ERR_IO;
    WCHAR *wf = wide_trimmed(folder), *wp = wide_trimmed(path);
    /* A junction first: no privilege needed, and it is what a folder a
     * volume is mounted at looks like. Else a directory symbolic link. */
    bool ok = make_junction(wp, wf) && link_works(wp);
    if (!ok && RemoveDirectoryW(wp)) {
        ok = CreateSymbolicLinkW(wp, wf, SYMBOLIC_LINK_FLAG_DIRECTORY | SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE) &&
             link_works(wp);
        if (!ok) {
            RemoveDirectoryW(wp);
            CreateDirectoryW(wp, NULL);
        }
    }
    if (!ok) {
        /* A junction that was set but does not work: give the folder back. */
        DWORD a = GetFileAttributesW(wp);
        if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_REPARSE_POINT) && RemoveDirectoryW(wp))
            CreateDirectoryW(wp, NULL);
    }
    free(wf);
    free(wp);
    return ok ? FS_OK : FS_ERR_IO;
}

void fs_unexpose(const char *path)
{
    WCHAR *wp = wide_trimmed(path);
    DWORD a = GetFileAttributesW(wp);
    if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_REPARSE_POINT) && RemoveDirectoryW(wp))
        CreateDirectoryW(wp, NULL);
    free(wp);
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

char *fs_os_volume_name(const char *name)
{
    (void)name;
    return NULL;
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

/* errno of a failed write or copy -> FS_ERR_*. */
static int err_of(int e)
{
    if (e == ENOSPC || e == EDQUOT || e == EFBIG)
        return FS_ERR_NOSPACE;
    if (e == ENOENT)
        return FS_ERR_NOTFOUND;
    return FS_ERR_IO;
}

#define COPY_CHUNK ((size_t)8 << 20)

static bool cancelled(volatile int *cancel) { return cancel && *cancel; }

/* Content from in to out: a reflink, else copy_file_range, else read/write,
 * in chunks so a cancel is seen within one chunk. */
static int copy_content(int in, int out, volatile int *cancel)
{
#ifdef FICLONE
    if (ioctl(out, FICLONE, in) == 0)
        return FS_OK;
#endif
#ifdef __linux__
    for (;;) {
        if (cancelled(cancel))
            return FS_ERR_CANCELLED;
        ssize_t n = copy_file_range(in, NULL, out, NULL, COPY_CHUNK, 0);
        if (n > 0)
            continue;
        if (n == 0)
            return FS_OK;
        if (errno == EINTR)
            continue;
        if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP && errno != EPERM &&
            errno != EBADF)
            return err_of(errno);
        break; /* not here: go on with plain reads from the current offsets */
    }
#endif
    static __thread char buf[1 << 16];
    size_t since = 0;
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return FS_ERR_IO;
        if (r == 0)
            return FS_OK;
        if (!write_all(out, buf, (size_t)r))
            return err_of(errno);
        if ((since += (size_t)r) >= COPY_CHUNK) {
            since = 0;
            if (cancelled(cancel))
                return FS_ERR_CANCELLED;
        }
    }
}

/* Hard links met during one copy: (device, inode) -> the first copy's path. */
typedef struct link_seen {
    dev_t dev;
    ino_t ino;
    char *path;
} link_seen;

typedef struct copy_ctx {
    volatile int *cancel;
    bool readonly; /* snapshot: write bits cleared; revert: owner write bit given back */
    link_seen *links;
    size_t nlinks, caplinks;
} copy_ctx;

static mode_t target_mode(const copy_ctx *c, mode_t mode)
{
    mode &= 0555; /* read and execute bits exactly; no write, no set-id */
    return c->readonly ? mode : (mode | 0200);
}

static int copy_file(copy_ctx *c, const char *src, const char *dst, const struct stat *st)
{
    if (st->st_nlink > 1) {
        for (size_t i = 0; i < c->nlinks; i++)
            if (c->links[i].dev == st->st_dev && c->links[i].ino == st->st_ino)
                return link(c->links[i].path, dst) == 0 ? FS_OK : err_of(errno);
    }
    int in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (in < 0)
        return errno == ENOENT ? FS_OK : FS_ERR_IO; /* gone meanwhile: not in the copy */
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        close(in);
        return err_of(errno);
    }
    int r = copy_content(in, out, c->cancel);
    struct timespec times[2] = { st->st_atim, st->st_mtim };
    if (r == FS_OK && (futimens(out, times) != 0 || fchmod(out, target_mode(c, st->st_mode)) != 0))
        r = FS_ERR_IO;
    if (close(out) != 0 && r == FS_OK)
        r = err_of(errno);
    close(in);
    if (r == FS_OK && st->st_nlink > 1) {
        link_seen *l = VEC_PUSH(c->links, c->nlinks, c->caplinks);
        l->dev = st->st_dev;
        l->ino = st->st_ino;
        l->path = sim_strdup(dst);
    }
    return r;
}

static int copy_link(const char *src, const char *dst, const struct stat *st)
{
    size_t cap = st->st_size > 0 ? (size_t)st->st_size + 1 : 256;
    char *target = malloc(cap);
    if (!target)
        abort();
    ssize_t n = readlink(src, target, cap);
    int r = n >= 0 && (size_t)n < cap ? FS_OK : FS_ERR_IO;
    if (r == FS_OK) {
        target[n] = '\0';
        if (symlink(target, dst) != 0)
            r = err_of(errno);
    }
    free(target);
    if (r == FS_OK) {
        struct timespec times[2] = { st->st_atim, st->st_mtim };
        utimensat(AT_FDCWD, dst, times, AT_SYMLINK_NOFOLLOW);
    }
    return r;
}

static int copy_dir(copy_ctx *c, const char *src, const char *dst, const struct stat *st, int depth, bool create);

static int copy_entry(copy_ctx *c, const char *src, const char *dst, int depth)
{
    struct stat st;
    if (cancelled(c->cancel))
        return FS_ERR_CANCELLED;
    if (lstat(src, &st) != 0)
        return errno == ENOENT ? FS_OK : FS_ERR_IO;
    if (S_ISDIR(st.st_mode))
        return copy_dir(c, src, dst, &st, depth, true);
    if (S_ISREG(st.st_mode))
        return copy_file(c, src, dst, &st);
    if (S_ISLNK(st.st_mode))
        return copy_link(src, dst, &st);
    return FS_OK; /* sockets, pipes and devices are not copied */
}

static int copy_dir(copy_ctx *c, const char *src, const char *dst, const struct stat *st, int depth, bool create)
{
    if (depth > MAX_DEPTH)
        return FS_ERR_IO;
    if (create && mkdir(dst, 0700) != 0)
        return err_of(errno);
    size_t n;
    char **names = list_dir(src, &n);
    if (!names)
        return errno == ENOENT ? FS_ERR_NOTFOUND : FS_ERR_IO;
    int r = FS_OK;
    for (size_t i = 0; i < n && r == FS_OK; i++) {
        char *sp = fs_join(src, names[i]), *tp = fs_join(dst, names[i]);
        r = copy_entry(c, sp, tp, depth + 1);
        free(sp);
        free(tp);
        if (depth == 0 && i == n / 2)
            sim_crash_point("copy-half");
    }
    free_list(names, n);
    if (r != FS_OK)
        return r;
    struct timespec times[2] = { st->st_atim, st->st_mtim };
    utimensat(AT_FDCWD, dst, times, 0);
    /* the snapshot's root folder keeps 0555 so it can be listed by anyone */
    mode_t mode = depth == 0 && c->readonly ? 0555 : target_mode(c, st->st_mode) | (c->readonly ? 0 : 0700);
    return chmod(dst, mode) == 0 ? FS_OK : FS_ERR_IO;
}

static void copy_ctx_free(copy_ctx *c)
{
    for (size_t i = 0; i < c->nlinks; i++)
        free(c->links[i].path);
    free(c->links);
}

int fs_copy_tree(const char *src, const char *dst, volatile int *cancel)
{
    struct stat st;
    if (stat(src, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR ? FS_ERR_NOTFOUND : FS_ERR_IO;
    if (!S_ISDIR(st.st_mode))
        return FS_ERR_NOTFOUND;
    copy_ctx c = { .cancel = cancel, .readonly = true };
    int r = copy_dir(&c, src, dst, &st, 0, true);
    copy_ctx_free(&c);
    return r;
}

bool fs_copy_tree_readonly(const char *src, const char *dst) { return fs_copy_tree(src, dst, NULL) == FS_OK; }

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
        sim_crash_point("remove-file");
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

bool fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_dir_empty(const char *path)
{
    size_t n;
    char **names = list_dir(path, &n);
    if (!names)
        return false;
    free_list(names, n);
    return n == 0;
}

char **fs_list(const char *dir, size_t *count) { return list_dir(dir, count); }
void fs_free_names(char **names, size_t n) { free_list(names, n); }

int fs_revert_tree(const char *src, const char *dst)
{
    struct stat st;
    if (stat(src, &st) != 0 || !S_ISDIR(st.st_mode) || !fs_is_dir(dst))
        return FS_ERR_NOTFOUND;
    size_t n;
    char **names = list_dir(dst, &n);
    if (!names)
        return FS_ERR_IO;
    for (size_t i = 0; i < n; i++) {
        char *p = fs_join(dst, names[i]);
        walk(p, true, 1);
        free(p);
        if (i == n / 2)
            sim_crash_point("revert-half");
    }
    free_list(names, n);
    copy_ctx c = { .readonly = false };
    int r = copy_dir(&c, src, dst, &st, 1, false);
    copy_ctx_free(&c);
    return r;
}

int fs_expose(const char *folder, const char *path)
{
    if (!fs_is_dir(path))
        return FS_ERR_NOTFOUND;
    if (!fs_dir_empty(path))
        return FS_ERR_IO;
    if (rmdir(path) != 0)
        return FS_ERR_IO;
    if (symlink(folder, path) != 0) {
        mkdir(path, 0755);
        return FS_ERR_IO;
    }
    return FS_OK;
}

void fs_unexpose(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && unlink(path) == 0)
        mkdir(path, 0755);
}

int fs_read_file_ex(const char *path, char **data)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? FS_ERR_NOTFOUND : FS_ERR_IO;
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
        return FS_ERR_IO;
    }
    if (!b.p)
        sb_putn(&b, "", 0);
    *data = sb_take(&b);
    return FS_OK;
}

bool fs_read_file(const char *path, char **data) { return fs_read_file_ex(path, data) == FS_OK; }

static void sync_parent(const char *path)
{
    char *dir = sim_strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *(slash == dir ? slash + 1 : slash) = '\0';
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            fsync(fd);
            close(fd);
        }
    }
    free(dir);
}

int fs_write_file_durable(const char *path, const char *data, size_t n)
{
    char *tmp = sim_strfmt("%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int r = fd >= 0 ? FS_OK : err_of(errno);
    if (fd >= 0) {
        if (!write_all(fd, data, n) || fsync(fd) != 0)
            r = err_of(errno);
        if (close(fd) != 0 && r == FS_OK)
            r = err_of(errno);
        if (r == FS_OK && rename(tmp, path) != 0)
            r = err_of(errno);
        if (r != FS_OK)
            unlink(tmp);
        else
            sync_parent(path);
    }
    free(tmp);
    return r;
}

bool fs_write_file_atomic(const char *path, const char *data, size_t n)
{
    return fs_write_file_durable(path, data, n) == FS_OK;
}

void fs_file_signature(const char *path, char out[96])
{
    struct stat st;
    if (stat(path, &st) != 0) {
        out[0] = '\0';
        return;
    }
    snprintf(out, 96, "%llu:%llu:%lld:%lld.%09ld", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
             (long long)st.st_size, (long long)st.st_ctim.tv_sec, (long)st.st_ctim.tv_nsec);
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
