/* A second (and third) process for the smoke test's persistence check: run with
 * VSS_SIM_STATE_DIR set, it loads the saved machine when the simulator starts.
 *   persist_helper create VOLUME   one persistent (VSS_CTX_CLIENT_ACCESSIBLE) and
 *                                  one auto-release (VSS_CTX_BACKUP) shadow copy
 *                                  of VOLUME; prints the persistent one's device
 *   persist_helper check N         exactly N shadow copies exist (VSS_CTX_ALL),
 *                                  each with its folder; then deletes them all
 *   persist_helper createn VOLUME N  N persistent (VSS_CTX_CLIENT_ACCESSIBLE) sets
 *                                  of VOLUME, one after the other; prints each id
 *   persist_helper delete ID...    deletes those shadow copies
 *   persist_helper list            prints "id device" of every shadow copy
 *   persist_helper revert ID       RevertToSnapshot, then waits on QueryRevertStatus
 *                                  of VOLUME (the copy's original volume)
 * (the multi-process and crash tests of tests/simulator/ drive these)
 * Exit status 0 when everything went as expected. */
#include "../src/platform.h"
#include "vss_sim.h"

#ifndef _WIN32
void CoTaskMemFree(void *p);
#endif

static const GUID null_guid;

static int fail(const char *what, HRESULT hr)
{
    fprintf(stderr, "persist_helper: %s: 0x%08lx\n", what, (unsigned long)(uint32_t)hr);
    return 1;
}

static WCHAR *widen(const char *s)
{
    size_t n = strlen(s);
    WCHAR *w = calloc(n + 1, sizeof(WCHAR));
    for (size_t i = 0; w && i < n; i++)
        w[i] = (WCHAR)(unsigned char)s[i];
    return w;
}

static char *narrow(const WCHAR *w)
{
    size_t n = 0;
    while (w[n])
        n++;
    char *s = calloc(n + 1, 1);
    for (size_t i = 0; s && i < n; i++)
        s[i] = (char)w[i];
    return s;
}

static bool exists(const char *path)
{
#ifdef _WIN32
    return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
#else
    FILE *f = fopen(path, "r");
    if (f)
        fclose(f);
    return f != NULL;
#endif
}

/* One set of one volume in `context`; returns the snapshot id through *id. */
static HRESULT snapshot(IVssBackupComponents *bc, LONG context, const WCHAR *volume, VSS_ID *id)
{
    VSS_ID set;
    IVssAsync *a;
    HRESULT hr, st = 0;
    if (FAILED(hr = bc->lpVtbl->InitializeForBackup(bc, NULL)) || FAILED(hr = bc->lpVtbl->SetContext(bc, context)) ||
        FAILED(hr = bc->lpVtbl->StartSnapshotSet(bc, &set)) ||
        FAILED(hr = bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)volume, null_guid, id)))
        return hr;
    if (!(context & VSS_VOLSNAP_ATTR_NO_WRITERS)) {
        if (FAILED(hr = bc->lpVtbl->PrepareForBackup(bc, &a)))
            return hr;
        a->lpVtbl->Wait(a, INFINITE);
        a->lpVtbl->Release(a);
    }
    if (FAILED(hr = bc->lpVtbl->DoSnapshotSet(bc, &a)))
        return hr;
    a->lpVtbl->Wait(a, INFINITE);
    a->lpVtbl->QueryStatus(a, &st, NULL);
    a->lpVtbl->Release(a);
    return st == VSS_S_ASYNC_FINISHED ? S_OK : st;
}

static int create(const char *volume)
{
    WCHAR *w = widen(volume);
    IVssBackupComponents *keep, *temp;
    VSS_ID id, temp_id;
    HRESULT hr;
    if (FAILED(hr = CreateVssBackupComponentsInternal(&keep)) ||
        FAILED(hr = snapshot(keep, VSS_CTX_CLIENT_ACCESSIBLE, w, &id)))
        return fail("persistent snapshot", hr);
    if (FAILED(hr = CreateVssBackupComponentsInternal(&temp)) ||
        FAILED(hr = snapshot(temp, VSS_CTX_BACKUP, (const WCHAR *)u"C:\\", &temp_id)))
        return fail("auto-release snapshot", hr);
    VSS_SNAPSHOT_PROP p;
    if (FAILED(hr = keep->lpVtbl->GetSnapshotProperties(keep, id, &p)))
        return fail("GetSnapshotProperties", hr);
    char *device = narrow(p.m_pwszSnapshotDeviceObject);
    printf("%s\n", device);
    free(device);
    VssFreeSnapshotPropertiesInternal(&p);
    keep->lpVtbl->Release(keep);
    /* temp is left alive: its auto-release copy must not reach the saved state anyway. */
    free(w);
    return 0;
}

static int check(int want)
{
    IVssBackupComponents *bc;
    IVssEnumObject *e;
    HRESULT hr;
    if (FAILED(hr = CreateVssBackupComponentsInternal(&bc)) || FAILED(hr = bc->lpVtbl->InitializeForBackup(bc, NULL)) ||
        FAILED(hr = bc->lpVtbl->SetContext(bc, VSS_CTX_ALL)) ||
        FAILED(hr = bc->lpVtbl->Query(bc, null_guid, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &e)))
        return fail("Query", hr);
    int seen = 0, bad = 0;
    VSS_OBJECT_PROP op;
    ULONG got;
    VSS_ID ids[16];
    while (e->lpVtbl->Next(e, 1, &op, &got) == S_OK && got == 1) {
        char *device = narrow(op.Obj.Snap.m_pwszSnapshotDeviceObject);
        if (!exists(device)) {
            fprintf(stderr, "persist_helper: %s is missing\n", device);
            bad++;
        }
        if (!(op.Obj.Snap.m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE))
            bad++;
        free(device);
        if (seen < 16)
            ids[seen] = op.Obj.Snap.m_SnapshotId;
        seen++;
        VssFreeSnapshotPropertiesInternal(&op.Obj.Snap);
    }
    e->lpVtbl->Release(e);
    for (int i = 0; i < seen && i < 16; i++) {
        LONG deleted = 0;
        VSS_ID nondeleted;
        if (FAILED(hr = bc->lpVtbl->DeleteSnapshots(bc, ids[i], VSS_OBJECT_SNAPSHOT, 1, &deleted, &nondeleted)))
            return fail("DeleteSnapshots", hr);
    }
    bc->lpVtbl->Release(bc);
    if (seen != want)
        fprintf(stderr, "persist_helper: %d shadow copies, want %d\n", seen, want);
    return seen == want && bad == 0 ? 0 : 1;
}

static void print_guid(const GUID *g)
{
    printf("%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x\n", (unsigned long)g->Data1, g->Data2, g->Data3,
           g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static bool parse_guid(const char *s, GUID *g)
{
    unsigned long a;
    unsigned b, c, d[8];
    if (sscanf(s, "%8lx-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &a, &b, &c, &d[0], &d[1], &d[2], &d[3], &d[4], &d[5],
               &d[6], &d[7]) != 11)
        return false;
    g->Data1 = (uint32_t)a;
    g->Data2 = (uint16_t)b;
    g->Data3 = (uint16_t)c;
    for (int i = 0; i < 8; i++)
        g->Data4[i] = (uint8_t)d[i];
    return true;
}

static int createn(const char *volume, int n)
{
    WCHAR *w = widen(volume);
    for (int i = 0; i < n; i++) {
        IVssBackupComponents *bc;
        VSS_ID id;
        HRESULT hr;
        if (FAILED(hr = CreateVssBackupComponentsInternal(&bc)))
            return fail("CreateVssBackupComponents", hr);
        if (FAILED(hr = snapshot(bc, VSS_CTX_CLIENT_ACCESSIBLE, w, &id)))
            return fail("persistent snapshot", hr);
        print_guid(&id);
        fflush(stdout);
        bc->lpVtbl->Release(bc);
    }
    free(w);
    return 0;
}

static int delete_ids(int argc, char **argv)
{
    IVssBackupComponents *bc;
    HRESULT hr;
    if (FAILED(hr = CreateVssBackupComponentsInternal(&bc)) || FAILED(hr = bc->lpVtbl->InitializeForBackup(bc, NULL)) ||
        FAILED(hr = bc->lpVtbl->SetContext(bc, VSS_CTX_ALL)))
        return fail("InitializeForBackup", hr);
    for (int i = 0; i < argc; i++) {
        GUID id;
        LONG deleted = 0;
        VSS_ID nondeleted;
        if (!parse_guid(argv[i], &id))
            return fail("not a GUID", E_INVALIDARG);
        if (FAILED(hr = bc->lpVtbl->DeleteSnapshots(bc, id, VSS_OBJECT_SNAPSHOT, 1, &deleted, &nondeleted)))
            return fail("DeleteSnapshots", hr);
    }
    bc->lpVtbl->Release(bc);
    return 0;
}

static int list(void)
{
    IVssBackupComponents *bc;
    IVssEnumObject *e;
    HRESULT hr;
    if (FAILED(hr = CreateVssBackupComponentsInternal(&bc)) || FAILED(hr = bc->lpVtbl->InitializeForBackup(bc, NULL)) ||
        FAILED(hr = bc->lpVtbl->SetContext(bc, VSS_CTX_ALL)) ||
        FAILED(hr = bc->lpVtbl->Query(bc, null_guid, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &e)))
        return fail("Query", hr);
    VSS_OBJECT_PROP op;
    ULONG got;
    while (e->lpVtbl->Next(e, 1, &op, &got) == S_OK && got == 1) {
        char *device = narrow(op.Obj.Snap.m_pwszSnapshotDeviceObject);
        const GUID *g = &op.Obj.Snap.m_SnapshotId;
        printf("%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x %s\n", (unsigned long)g->Data1, g->Data2, g->Data3,
               g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6],
               g->Data4[7], device);
        free(device);
        VssFreeSnapshotPropertiesInternal(&op.Obj.Snap);
    }
    e->lpVtbl->Release(e);
    bc->lpVtbl->Release(bc);
    return 0;
}

static int revert(const char *ids)
{
    IVssBackupComponents *bc;
    HRESULT hr;
    GUID id;
    VSS_SNAPSHOT_PROP p;
    IVssAsync *a;
    if (!parse_guid(ids, &id))
        return fail("not a GUID", E_INVALIDARG);
    if (FAILED(hr = CreateVssBackupComponentsInternal(&bc)) || FAILED(hr = bc->lpVtbl->InitializeForBackup(bc, NULL)) ||
        FAILED(hr = bc->lpVtbl->SetContext(bc, VSS_CTX_ALL)) ||
        FAILED(hr = bc->lpVtbl->GetSnapshotProperties(bc, id, &p)))
        return fail("GetSnapshotProperties", hr);
    if (FAILED(hr = bc->lpVtbl->RevertToSnapshot(bc, id, 1)))
        return fail("RevertToSnapshot", hr);
    if (FAILED(hr = bc->lpVtbl->QueryRevertStatus(bc, p.m_pwszOriginalVolumeName, &a)))
        return fail("QueryRevertStatus", hr);
    a->lpVtbl->Wait(a, INFINITE);
    HRESULT st = 0;
    a->lpVtbl->QueryStatus(a, &st, NULL);
    a->lpVtbl->Release(a);
    VssFreeSnapshotPropertiesInternal(&p);
    bc->lpVtbl->Release(bc);
    return st == VSS_S_ASYNC_FINISHED ? 0 : fail("revert status", st);
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "createn"))
        return createn(argv[2], atoi(argv[3]));
    if (argc >= 2 && !strcmp(argv[1], "delete"))
        return delete_ids(argc - 2, argv + 2);
    if (argc == 2 && !strcmp(argv[1], "list"))
        return list();
    if (argc == 3 && !strcmp(argv[1], "revert"))
        return revert(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "create"))
        return create(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "check"))
        return check(atoi(argv[2]));
    fprintf(stderr, "usage: persist_helper create VOLUME | check N\n");
    return 2;
}
