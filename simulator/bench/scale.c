/* Scale timings on the C side, the same workloads the TypeScript benchmarks run:
 *   query      10,000 generated snapshots: Query, one Next(celt = 10000), frees
 *   metadata   100 writers x 100 components x 10 files: gather, then every
 *              component's info and every file's path and filespec
 *   sessions   10,000 create -> snapshot -> delete sessions (auto-release and
 *              persistent + DeleteSnapshots), resident memory sampled to show
 *              nothing grows per session
 *   dirvol     1,000 sessions on a small directory volume (copy and removal)
 * Prints milliseconds; exits 1 if anything leaks or a call fails. */
#ifndef _WIN32
#define _GNU_SOURCE
#endif
#include "../src/platform.h"
#include "vss_sim.h"

#ifdef _WIN32
#include <psapi.h>
#else
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
void CoTaskMemFree(void *p);
void SysFreeString(BSTR b);
#endif

static const GUID null_guid;
static int errors;

#define OK(expr)                                                                                   \
    do {                                                                                           \
        HRESULT hr_ = (expr);                                                                      \
        if (FAILED(hr_)) {                                                                         \
            errors++;                                                                              \
            fprintf(stderr, "%s:%d: %s: 0x%08lx\n", __FILE__, __LINE__, #expr, (unsigned long)(uint32_t)hr_); \
        }                                                                                          \
    } while (0)

static double now_ms(void)
{
#ifdef _WIN32
    LARGE_INTEGER f, t;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * 1e3 / (double)f.QuadPart;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
#endif
}

/* Resident memory in KiB (working set on Windows). */
static long rss_kib(void)
{
#ifdef _WIN32
    PROCESS_MEMORY_COUNTERS pmc;
    return K32GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc) ? (long)(pmc.WorkingSetSize / 1024) : -1;
#else
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = -1;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
#endif
}

static void wait_async(IVssAsync *a)
{
    HRESULT st = 0;
    OK(a->lpVtbl->Wait(a, INFINITE));
    OK(a->lpVtbl->QueryStatus(a, &st, NULL));
    if (st != VSS_S_ASYNC_FINISHED) {
        errors++;
        fprintf(stderr, "async ended with 0x%08lx\n", (unsigned long)(uint32_t)st);
    }
    a->lpVtbl->Release(a);
}

static IVssBackupComponents *new_bc(LONG context)
{
    IVssBackupComponents *bc = NULL;
    OK(CreateVssBackupComponentsInternal(&bc));
    OK(bc->lpVtbl->InitializeForBackup(bc, NULL));
    OK(bc->lpVtbl->SetContext(bc, context));
    return bc;
}

static void check_clean(const char *what)
{
    if (vss_sim_live_objects() || vss_sim_live_bstrs() || vss_sim_live_cotaskmem()) {
        errors++;
        fprintf(stderr, "%s leaks: objects %d, bstrs %d, cotaskmem %d\n", what, vss_sim_live_objects(),
                vss_sim_live_bstrs(), vss_sim_live_cotaskmem());
    }
}

static void query(int count)
{
    vss_sim_reset();
    double t0 = now_ms();
    if (vss_sim_generate_snapshots(count, NULL) != count)
        errors++;
    double t1 = now_ms();
    IVssBackupComponents *bc = new_bc(VSS_CTX_ALL);
    IVssEnumObject *e;
    OK(bc->lpVtbl->Query(bc, null_guid, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &e));
    double t2 = now_ms();
    VSS_OBJECT_PROP *props = calloc((size_t)count, sizeof *props);
    ULONG got = 0;
    OK(e->lpVtbl->Next(e, (ULONG)count, props, &got));
    double t3 = now_ms();
    for (ULONG i = 0; i < got; i++)
        VssFreeSnapshotPropertiesInternal(&props[i].Obj.Snap);
    double t4 = now_ms();
    if ((int)got != count)
        errors++;
    e->lpVtbl->Release(e);
    bc->lpVtbl->Release(bc);
    free(props);
    check_clean("query");
    printf("query     %d snapshots: generate %.1f ms, Query %.1f ms, Next(celt=%d) %.1f ms, %d frees %.1f ms\n", count,
           t1 - t0, t2 - t1, count, t3 - t2, count, t4 - t3);
}

static void metadata(int writers, int comps, int files)
{
    vss_sim_reset();
    double t0 = now_ms();
    vss_sim_generate_writers(writers, comps, files);
    double t1 = now_ms();
    IVssBackupComponents *bc = new_bc(VSS_CTX_BACKUP);
    IVssAsync *a;
    OK(bc->lpVtbl->GatherWriterMetadata(bc, &a));
    wait_async(a);
    double t2 = now_ms();
    UINT n = 0;
    OK(bc->lpVtbl->GetWriterMetadataCount(bc, &n));
    long calls = 0, seen_files = 0;
    for (UINT i = 0; i < n; i++) {
        VSS_ID instance;
        IVssExamineWriterMetadata *wm;
        OK(bc->lpVtbl->GetWriterMetadata(bc, i, &instance, &wm));
        UINT inc, exc, nc;
        OK(wm->lpVtbl->GetFileCounts(wm, &inc, &exc, &nc));
        calls += 2;
        for (UINT c = 0; c < nc; c++) {
            IVssWMComponent *wc;
            PVSSCOMPONENTINFO info;
            OK(wm->lpVtbl->GetComponent(wm, c, &wc));
            OK(wc->lpVtbl->GetComponentInfo(wc, &info));
            for (UINT f = 0; f < info->cFileCount; f++) {
                IVssWMFiledesc *fd;
                BSTR path, spec;
                OK(wc->lpVtbl->GetFile(wc, f, &fd));
                OK(fd->lpVtbl->GetPath(fd, &path));
                OK(fd->lpVtbl->GetFilespec(fd, &spec));
                SysFreeString(path);
                SysFreeString(spec);
                fd->lpVtbl->Release(fd);
                calls += 4;
                seen_files++;
            }
            OK(wc->lpVtbl->FreeComponentInfo(wc, info));
            wc->lpVtbl->Release(wc);
            calls += 4;
        }
        wm->lpVtbl->Release(wm);
        calls++;
    }
    double t3 = now_ms();
    OK(bc->lpVtbl->FreeWriterMetadata(bc));
    bc->lpVtbl->Release(bc);
    if (seen_files != (long)writers * comps * files)
        errors++;
    check_clean("metadata");
    printf("metadata  %dx%dx%d: generate %.1f ms, GatherWriterMetadata %.1f ms, walk (%ld calls, %ld files) %.1f ms\n",
           writers, comps, files, t1 - t0, t2 - t1, calls, seen_files, t3 - t2);
}

/* One create -> snapshot -> delete session. */
static void session(LONG context, const WCHAR *volume)
{
    IVssBackupComponents *bc = new_bc(context);
    VSS_ID set_id, snap_id;
    IVssAsync *a;
    OK(bc->lpVtbl->StartSnapshotSet(bc, &set_id));
    OK(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)volume, null_guid, &snap_id));
    if (!(context & VSS_VOLSNAP_ATTR_NO_WRITERS)) {
        OK(bc->lpVtbl->PrepareForBackup(bc, &a));
        wait_async(a);
    }
    OK(bc->lpVtbl->DoSnapshotSet(bc, &a));
    wait_async(a);
    VSS_SNAPSHOT_PROP p;
    OK(bc->lpVtbl->GetSnapshotProperties(bc, snap_id, &p));
    VssFreeSnapshotPropertiesInternal(&p);
    if (context & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE) {
        LONG deleted = 0;
        VSS_ID nondeleted;
        OK(bc->lpVtbl->DeleteSnapshots(bc, snap_id, VSS_OBJECT_SNAPSHOT, 1, &deleted, &nondeleted));
    } else {
        OK(bc->lpVtbl->BackupComplete(bc, &a));
        wait_async(a);
    }
    bc->lpVtbl->Release(bc); /* auto-release copies go here */
}

static void sessions(const char *label, LONG context, const WCHAR *volume, int count, int base_snapshots)
{
    long rss[3] = { 0 };
    double t0 = now_ms(), t_first = 0;
    for (int i = 1; i <= count; i++) {
        session(context, volume);
        if (i == count / 10) {
            rss[0] = rss_kib();
            t_first = now_ms();
        } else if (i == count / 2) {
            rss[1] = rss_kib();
        }
    }
    double t1 = now_ms();
    rss[2] = rss_kib();
    if (vss_sim_snapshot_count() != base_snapshots)
        errors++;
    check_clean(label);
    printf("sessions  %d x %s: %.1f ms (%.1f us/session); RSS KiB after %d/%d/%d: %ld/%ld/%ld (growth after "
           "warm-up %ld)\n",
           count, label, t1 - t0, (t1 - t0) * 1000.0 / count, count / 10, count / 2, count, rss[0], rss[1], rss[2],
           rss[2] - rss[0]);
    (void)t_first;
}

static WCHAR *widen(const char *s)
{
    size_t n = strlen(s);
    WCHAR *w = calloc(n + 1, sizeof(WCHAR));
    for (size_t i = 0; w && i < n; i++)
        w[i] = (WCHAR)(unsigned char)s[i];
    return w;
}

static void dirvol(int count)
{
    char base[512], vol[600], file[700], snaps[600];
#ifdef _WIN32
    char tmp[MAX_PATH + 1];
    GetTempPathA(sizeof tmp, tmp);
    snprintf(base, sizeof base, "%svss-sim-scale-%lu", tmp, (unsigned long)GetCurrentProcessId());
    CreateDirectoryA(base, NULL);
    snprintf(vol, sizeof vol, "%s\\vol", base);
    CreateDirectoryA(vol, NULL);
    snprintf(snaps, sizeof snaps, "%s\\snaps", base);
    SetEnvironmentVariableA("VSS_SIM_SNAPSHOT_ROOT", snaps);
#else
    snprintf(base, sizeof base, "/tmp/vss-sim-scale-XXXXXX");
    if (!mkdtemp(base))
        return;
    snprintf(vol, sizeof vol, "%s/vol", base);
    mkdir(vol, 0755);
    snprintf(snaps, sizeof snaps, "%s/snaps", base);
    setenv("VSS_SIM_SNAPSHOT_ROOT", snaps, 1);
#endif
    for (int i = 0; i < 8; i++) {
        snprintf(file, sizeof file, "%s%cfile%d.txt", vol, vol[0] == '/' ? '/' : '\\', i);
        FILE *f = fopen(file, "wb");
        for (int k = 0; f && k < 512; k++)
            fputs("0123456789abcdef", f); /* 8 KiB each */
        if (f)
            fclose(f);
    }
    vss_sim_reset();
    WCHAR *w = widen(vol);
    sessions("dir volume, 8 files of 8 KiB", VSS_CTX_BACKUP, w, count, 0);
    free(w);
    vss_sim_reset();
    for (int i = 0; i < 8; i++) {
        snprintf(file, sizeof file, "%s%cfile%d.txt", vol, vol[0] == '/' ? '/' : '\\', i);
        remove(file);
    }
#ifdef _WIN32
    RemoveDirectoryA(vol);
    RemoveDirectoryA(snaps);
    RemoveDirectoryA(base);
#else
    rmdir(vol);
    rmdir(snaps);
    rmdir(base);
#endif
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    query(n);
    metadata(100, 100, 10);
    vss_sim_reset();
    vss_sim_set_call_capacity(1 << 12); /* the log fills early, so later growth would be a leak */
    sessions("auto-release (VSS_CTX_BACKUP)", VSS_CTX_BACKUP, (const WCHAR *)u"C:\\", n, 0);
    sessions("persistent + DeleteSnapshots", VSS_CTX_APP_ROLLBACK, (const WCHAR *)u"C:\\", n, 0);
    vss_sim_reset();
    vss_sim_set_call_capacity(262144); /* the default: fills after ~10,000 sessions */
    sessions("auto-release, 262144-record call log", VSS_CTX_BACKUP, (const WCHAR *)u"C:\\", n, 0);
    vss_sim_reset();
    vss_sim_set_call_capacity(1 << 12);
    if (vss_sim_generate_snapshots(n, NULL) != n)
        errors++;
    vss_sim_add_volume("D:\\", 1);
    sessions("auto-release next to 10k persistent", VSS_CTX_BACKUP, (const WCHAR *)u"D:\\", n / 10, n);
    vss_sim_reset();
    vss_sim_set_call_capacity(1 << 12);
    dirvol(n / 10);
    vss_sim_reset();
    if (errors)
        printf("%d errors\n", errors);
    return errors ? 1 : 0;
}
