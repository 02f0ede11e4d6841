/* Baseline cost of a simulated COM call from C: 10 million calls each of
 * IVssAsync::QueryStatus and IVssBackupComponents::GetWriterComponentsCount,
 * with the call log off and on. Prints ns/call. */
#include "../src/platform.h"
#include "vss_sim.h"

#ifdef _WIN32
static double now_ns(void)
{
    LARGE_INTEGER f, t;
    QueryPerformanceFrequency(&f);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart * 1e9 / (double)f.QuadPart;
}
#else
#include <time.h>
static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}
#endif

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 10000000L;
    vss_sim_reset();
    vss_sim_set_call_capacity(1 << 16); /* with recording on, the log keeps the newest 65536 */
    IVssBackupComponents *bc;
    if (CreateVssBackupComponentsInternal(&bc) != S_OK || bc->lpVtbl->InitializeForBackup(bc, NULL) != S_OK)
        return 1;
    IVssAsync *a;
    if (bc->lpVtbl->GatherWriterMetadata(bc, &a) != S_OK)
        return 1;

    for (int recording = 0; recording <= 1; recording++) {
        vss_sim_set_recording(recording);
        HRESULT st = 0;
        UINT count = 0;
        double t0 = now_ns();
        for (long i = 0; i < n; i++)
            a->lpVtbl->QueryStatus(a, &st, NULL);
        double t1 = now_ns();
        for (long i = 0; i < n; i++)
            bc->lpVtbl->GetWriterComponentsCount(bc, &count);
        double t2 = now_ns();
        if (st != VSS_S_ASYNC_FINISHED || count != 0)
            return 1;
        printf("recording %-3s IVssAsync::QueryStatus                        %7.1f ns/call\n",
               recording ? "on" : "off", (t1 - t0) / (double)n);
        printf("recording %-3s IVssBackupComponents::GetWriterComponentsCount %7.1f ns/call\n",
               recording ? "on" : "off", (t2 - t1) / (double)n);
    }
    vss_sim_set_recording(0);
    a->lpVtbl->Release(a);
    bc->lpVtbl->Release(bc);
    return 0;
}
