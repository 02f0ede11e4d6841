/* Smoke test of the simulator through its vtables, for both builds:
 * a backup, a restore, async timing, failure injection, management objects,
 * recorded slots against offsetof, directory volumes, persistence across
 * processes (with persist_helper), bulk generation, writer failures, the
 * storage and in-progress errors, and no leaks at the end. */
#ifndef _WIN32
#define _GNU_SOURCE /* mkdtemp, setenv, readlink */
#endif
#include "../src/platform.h"
#include "vss_sim.h"

#ifdef _WIN32
#include <process.h>
#else
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
BSTR SysAllocStringLen(const WCHAR *s, UINT n);
void SysFreeString(BSTR b);
UINT SysStringLen(BSTR b);
void CoTaskMemFree(void *p);
HRESULT CoInitializeEx(void *reserved, DWORD flags);
void CoUninitialize(void);
HRESULT CoCreateInstance(REFCLSID clsid, IUnknown *outer, DWORD ctx, REFIID riid, void **ppv);
#endif

#define W(s) u"" s

static int checks, failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);              \
        }                                                                                          \
    } while (0)
#define CHECK_HR(expr, want)                                                                       \
    do {                                                                                           \
        HRESULT hr_ = (expr);                                                                      \
        checks++;                                                                                  \
        if (hr_ != (HRESULT)(want)) {                                                              \
            failures++;                                                                            \
            fprintf(stderr, "%s:%d: %s returned 0x%08lx, want 0x%08lx\n", __FILE__, __LINE__, #expr, \
                    (unsigned long)(uint32_t)hr_, (unsigned long)(uint32_t)(want));                \
        }                                                                                          \
    } while (0)

static const GUID null_guid;
static const GUID iid_unknown = { 0, 0, 0, { 0xc0, 0, 0, 0, 0, 0, 0, 0x46 } };
static const GUID iid_ex4 = { 0xf434c2fd, 0xb553, 0x4961, { 0xa9, 0xf9, 0xa8, 0xe9, 0x0b, 0x67, 0x3e, 0x53 } };
static const GUID iid_mgmt = { 0xfa7df749, 0x66e7, 0x4986, { 0xa2, 0x7f, 0xe2, 0xf0, 0x4a, 0xe5, 0x37, 0x72 } };
static const GUID iid_mgmt2 = { 0x0f61ec39, 0xfe82, 0x45f2, { 0xa3, 0xf0, 0x76, 0x8b, 0x5d, 0x42, 0x71, 0x02 } };
static const GUID iid_diff3 = { 0x383f7e71, 0xa4c5, 0x401f, { 0xb2, 0x7f, 0xf8, 0x26, 0x28, 0x9f, 0x84, 0x58 } };
static const GUID clsid_mgmt = { 0x0b5a2c52, 0x3eb9, 0x470a, { 0x96, 0xe2, 0x6c, 0x6d, 0x45, 0x70, 0xe4, 0x0f } };
static const GUID provider = { 0xb5946137, 0x7b9f, 0x4925, { 0xaf, 0x80, 0x51, 0xab, 0xd6, 0x0b, 0x20, 0xd5 } };

static bool wide_eq(const WCHAR *a, const char *b)
{
    if (!a)
        return false;
    while (*a && *b && *a == (WCHAR)(unsigned char)*b)
        a++, b++;
    return *a == 0 && *b == 0;
}

/* Waits for an IVssAsync, checks its final status and releases it. */
static void finish(IVssAsync *a, HRESULT want)
{
    HRESULT st = 0;
    CHECK_HR(a->lpVtbl->Wait(a, INFINITE), FAILED(want) ? want : S_OK);
    CHECK_HR(a->lpVtbl->QueryStatus(a, &st, NULL), S_OK);
    CHECK_HR(st, want);
    a->lpVtbl->Release(a);
}

static char json[4096];

static const char *record(int i)
{
    vss_sim_call_json(i, json, sizeof json);
    return json;
}

/* Every record of iface::method carries the slot the compiler gives it. */
static void check_slot(const char *iface, const char *method, int slot)
{
    char needle[256];
    snprintf(needle, sizeof needle, "\"interface\":\"%s\",\"method\":\"%s\",\"slot\":", iface, method);
    int seen = 0, bad = 0;
    for (int i = 0; i < vss_sim_call_count(); i++) {
        const char *p = strstr(record(i), needle);
        if (p) {
            seen++;
            bad += atoi(p + strlen(needle)) != slot;
        }
    }
    CHECK(seen > 0 && bad == 0);
    if (!seen || bad)
        fprintf(stderr, "  slot of %s::%s: seen %d, wrong %d, want %d\n", iface, method, seen, bad, slot);
}

static int find_record(const char *fragment)
{
    for (int i = 0; i < vss_sim_call_count(); i++)
        if (strstr(record(i), fragment))
            return i;
    return -1;
}

static void configure(void)
{
    vss_sim_reset();
    int w = vss_sim_add_writer("SqlServerWriter", "a65faa63-5ea8-4ebc-9dbd-a0c4db26912a", NULL, VSS_UT_USERDATA,
                               VSS_ST_TRANSACTEDDB);
    CHECK(w == 0);
    int c = vss_sim_add_component(w, VSS_CT_DATABASE, "SERVER", "db", "Database", 1, 1, 0);
    CHECK(c == 0);
    CHECK(vss_sim_add_component_file(w, c, "database", "C:\\data", "db.mdf", 0, NULL) == 0);
    CHECK(vss_sim_add_component_file(w, c, "log", "C:\\data", "db.ldf", 0, NULL) == 0);
    CHECK(vss_sim_add_volume("E:\\", 0) == 1);
}

static IVssBackupComponentsEx4 *create_bc(void)
{
    IVssBackupComponents *p = NULL;
    CHECK_HR(CreateVssBackupComponentsInternal(&p), S_OK);
    IVssBackupComponentsEx4 *x = NULL;
    CHECK_HR(p->lpVtbl->QueryInterface(p, &iid_ex4, (void **)&x), S_OK);
    CHECK((void *)x == (void *)p);
    p->lpVtbl->Release(p);
    return x;
}

static BSTR backup(void)
{
    IVssBackupComponentsEx4 *bc = create_bc();
    VSS_ID set_id, snap_id, instance, writer;
    IVssAsync *a;

    CHECK_HR(bc->lpVtbl->StartSnapshotSet(bc, &set_id), VSS_E_BAD_STATE);
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), VSS_E_BAD_STATE);
    CHECK_HR(bc->lpVtbl->SetContext(bc, VSS_CTX_BACKUP), S_OK);
    CHECK_HR(bc->lpVtbl->SetBackupState(bc, 1, 0, VSS_BT_FULL, 0), S_OK);
    CHECK_HR(bc->lpVtbl->GetWriterMetadataCount(bc, &(UINT){ 0 }), VSS_E_BAD_STATE);
    CHECK_HR(bc->lpVtbl->GatherWriterMetadata(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);

    UINT n = 0;
    CHECK_HR(bc->lpVtbl->GetWriterMetadataCount(bc, &n), S_OK);
    CHECK(n == 1);
    IVssExamineWriterMetadata *wm;
    CHECK_HR(bc->lpVtbl->GetWriterMetadata(bc, 0, &instance, &wm), S_OK);
    BSTR name;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    CHECK_HR(wm->lpVtbl->GetIdentity(wm, &instance, &writer, &name, &usage, &source), S_OK);
    CHECK(wide_eq(name, "SqlServerWriter") && SysStringLen(name) == 15);
    CHECK(usage == VSS_UT_USERDATA && source == VSS_ST_TRANSACTEDDB);
    SysFreeString(name);
    UINT includes, excludes, comps;
    CHECK_HR(wm->lpVtbl->GetFileCounts(wm, &includes, &excludes, &comps), S_OK);
    CHECK(comps == 1);
    IVssWMComponent *wc;
    CHECK_HR(wm->lpVtbl->GetComponent(wm, 0, &wc), S_OK);
    PVSSCOMPONENTINFO info;
    CHECK_HR(wc->lpVtbl->GetComponentInfo(wc, &info), S_OK);
    CHECK(info->cDatabases == 1 && info->cLogFiles == 1 && wide_eq(info->bstrComponentName, "db"));
    CHECK_HR(wc->lpVtbl->FreeComponentInfo(wc, info), S_OK);
    IVssWMFiledesc *fd;
    CHECK_HR(wc->lpVtbl->GetDatabaseFile(wc, 0, &fd), S_OK);
    BSTR spec;
    CHECK_HR(fd->lpVtbl->GetFilespec(fd, &spec), S_OK);
    CHECK(wide_eq(spec, "db.mdf"));
    SysFreeString(spec);
    fd->lpVtbl->Release(fd);
    wc->lpVtbl->Release(wc);
    wm->lpVtbl->Release(wm);

    CHECK_HR(bc->lpVtbl->AddComponent(bc, instance, writer, VSS_CT_DATABASE, W("SERVER"), W("db")), S_OK);
    CHECK_HR(bc->lpVtbl->AddComponent(bc, instance, writer, VSS_CT_DATABASE, W("SERVER"), W("db")),
             VSS_E_OBJECT_ALREADY_EXISTS);
    CHECK_HR(bc->lpVtbl->DoSnapshotSet(bc, &a), VSS_E_BAD_STATE);
    CHECK_HR(bc->lpVtbl->StartSnapshotSet(bc, &set_id), S_OK);
    CHECK_HR(bc->lpVtbl->StartSnapshotSet(bc, &set_id), VSS_E_SNAPSHOT_SET_IN_PROGRESS);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)W("Q:\\"), null_guid, &snap_id), VSS_E_OBJECT_NOT_FOUND);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)W("E:\\"), null_guid, &snap_id), VSS_E_VOLUME_NOT_SUPPORTED);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)W("C:\\"), provider, &snap_id), S_OK);
    CHECK_HR(bc->lpVtbl->DoSnapshotSet(bc, &a), VSS_E_BAD_STATE); /* before PrepareForBackup */
    CHECK_HR(bc->lpVtbl->PrepareForBackup(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(bc->lpVtbl->DoSnapshotSet(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK(vss_sim_snapshot_count() == 1);

    CHECK_HR(bc->lpVtbl->GatherWriterStatus(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    VSS_WRITER_STATE state;
    HRESULT failure, app;
    BSTR wname, message;
    CHECK_HR(bc->lpVtbl->GetWriterStatusEx(bc, 0, &instance, &writer, &wname, &state, &failure, &app, &message), S_OK);
    CHECK(state == VSS_WS_WAITING_FOR_BACKUP_COMPLETE && failure == S_OK);
    SysFreeString(wname);
    SysFreeString(message);
    CHECK_HR(bc->lpVtbl->FreeWriterStatus(bc), S_OK);

    VSS_SNAPSHOT_PROP prop;
    CHECK_HR(bc->lpVtbl->GetSnapshotProperties(bc, snap_id, &prop), S_OK);
    CHECK(wide_eq(prop.m_pwszSnapshotDeviceObject, "\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1"));
    CHECK(memcmp(&prop.m_SnapshotSetId, &set_id, sizeof set_id) == 0 && prop.m_lSnapshotsCount == 1);
    VssFreeSnapshotPropertiesInternal(&prop);

    IVssEnumObject *e;
    CHECK_HR(bc->lpVtbl->Query(bc, null_guid, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &e), S_OK);
    VSS_OBJECT_PROP objs[2];
    ULONG got = 9;
    CHECK_HR(e->lpVtbl->Next(e, 2, objs, &got), S_FALSE);
    CHECK(got == 1 && objs[0].Type == VSS_OBJECT_SNAPSHOT);
    VssFreeSnapshotPropertiesInternal(&objs[0].Obj.Snap);
    CHECK_HR(e->lpVtbl->Next(e, 1, objs, &got), S_FALSE);
    CHECK(got == 0);
    e->lpVtbl->Release(e);

    UINT writers = 0;
    CHECK_HR(bc->lpVtbl->GetWriterComponentsCount(bc, &writers), S_OK);
    CHECK(writers == 1);
    IVssWriterComponentsExt *wce;
    CHECK_HR(bc->lpVtbl->GetWriterComponents(bc, 0, &wce), S_OK);
    /* Two bases: IVssWriterComponents at +0, IUnknown at +8. */
    IUnknown *unk = (IUnknown *)(void *)((char *)wce + sizeof(void *));
    IUnknown *same = NULL;
    CHECK_HR(unk->lpVtbl->QueryInterface(unk, &iid_unknown, (void **)&same), S_OK);
    CHECK(same == unk);
    same->lpVtbl->Release(same);
    UINT ccount = 0;
    CHECK_HR(wce->lpVtbl->GetComponentCount(wce, &ccount), S_OK);
    CHECK(ccount == 1);
    IVssComponent *comp;
    CHECK_HR(wce->lpVtbl->GetComponent(wce, 0, &comp), S_OK);
    BSTR cname;
    CHECK_HR(comp->lpVtbl->GetComponentName(comp, &cname), S_OK);
    CHECK(wide_eq(cname, "db"));
    SysFreeString(cname);
    CHECK_HR(comp->lpVtbl->SetBackupStamp(comp, W("stamp-1")), S_OK);
    comp->lpVtbl->Release(comp);
    CHECK(unk->lpVtbl->Release(unk) == 0);

    CHECK_HR(bc->lpVtbl->SetBackupSucceeded(bc, instance, writer, VSS_CT_DATABASE, W("SERVER"), W("db"), 1), S_OK);
    CHECK_HR(bc->lpVtbl->BackupComplete(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    BSTR xml = NULL;
    CHECK_HR(bc->lpVtbl->SaveAsXML(bc, &xml), S_OK);
    CHECK(xml && SysStringLen(xml) > 0);
    CHECK(bc->lpVtbl->Release(bc) == 0);
    CHECK(vss_sim_snapshot_count() == 0); /* auto-release */
    return xml;
}

static void restore(BSTR xml)
{
    IVssBackupComponentsEx4 *bc = create_bc();
    IVssAsync *a;
    const VSS_ID writer = { 0xa65faa63, 0x5ea8, 0x4ebc, { 0x9d, 0xbd, 0xa0, 0xc4, 0xdb, 0x26, 0x91, 0x2a } };
    CHECK_HR(bc->lpVtbl->InitializeForRestore(bc, xml), S_OK);
    UINT writers = 0;
    CHECK_HR(bc->lpVtbl->GetWriterComponentsCount(bc, &writers), S_OK);
    CHECK(writers == 1);
    CHECK_HR(bc->lpVtbl->SetSelectedForRestore(bc, writer, VSS_CT_DATABASE, W("SERVER"), W("db"), 1), S_OK);
    CHECK_HR(bc->lpVtbl->SetSelectedForRestore(bc, writer, VSS_CT_DATABASE, W("SERVER"), W("nope"), 1),
             VSS_E_OBJECT_NOT_FOUND);
    CHECK_HR(bc->lpVtbl->SetFileRestoreStatus(bc, writer, VSS_CT_DATABASE, W("SERVER"), W("db"), VSS_RS_ALL),
             VSS_E_BAD_STATE);
    CHECK_HR(bc->lpVtbl->PreRestore(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(bc->lpVtbl->SetFileRestoreStatus(bc, writer, VSS_CT_DATABASE, W("SERVER"), W("db"), VSS_RS_ALL), S_OK);
    CHECK_HR(bc->lpVtbl->PostRestore(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);

    IVssWriterComponentsExt *wce;
    CHECK_HR(bc->lpVtbl->GetWriterComponents(bc, 0, &wce), S_OK);
    IVssComponent *comp;
    CHECK_HR(wce->lpVtbl->GetComponent(wce, 0, &comp), S_OK);
    boolean ok = 0;
    CHECK_HR(comp->lpVtbl->GetBackupSucceeded(comp, &ok), S_OK);
    CHECK(ok == 1);
    BSTR stamp;
    CHECK_HR(comp->lpVtbl->GetBackupStamp(comp, &stamp), S_OK);
    CHECK(wide_eq(stamp, "stamp-1"));
    SysFreeString(stamp);
    comp->lpVtbl->Release(comp);
    IUnknown *unk = (IUnknown *)(void *)((char *)wce + sizeof(void *));
    unk->lpVtbl->Release(unk);
    bc->lpVtbl->Release(bc);
    SysFreeString(xml);
}

/* Persistent shadow copies outlive their creator; queries, exposure, deletion,
 * revert, limits, and the writer metadata document round trip. */
static void persistent(void)
{
    IVssBackupComponentsEx4 *bc = create_bc();
    IVssAsync *a;
    VSS_ID set_id, snap_id;
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->SetContext(bc, VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_NO_WRITERS), S_OK);
    CHECK_HR(bc->lpVtbl->SetContext(bc, VSS_CTX_BACKUP), VSS_E_BAD_STATE);
    CHECK_HR(bc->lpVtbl->StartSnapshotSet(bc, &set_id), S_OK);
    /* AddToSnapshotSet page: names end with a backslash; any case */
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)W("c:"), null_guid, &snap_id), VSS_E_OBJECT_NOT_FOUND);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)W(""), null_guid, &snap_id), E_INVALIDARG);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)W("c:\\"), null_guid, &snap_id), S_OK);
    {
        char guid_name[64];
        WCHAR wname[64];
        CHECK(vss_sim_volume_guid_name("C:\\", guid_name, sizeof guid_name) > 0);
        for (size_t i = 0; i <= strlen(guid_name); i++)
            wname[i] = (WCHAR)guid_name[i];
        CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, wname, null_guid, &set_id), VSS_E_OBJECT_ALREADY_EXISTS);
        wname[strlen(guid_name) - 1] = 0; /* without its trailing backslash */
        CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, wname, null_guid, &set_id), VSS_E_OBJECT_NOT_FOUND);
    }
    CHECK_HR(bc->lpVtbl->DoSnapshotSet(bc, &a), S_OK); /* no writers: no PrepareForBackup needed */
    finish(a, VSS_S_ASYNC_FINISHED);
    VSS_PWSZ exposed = NULL;
    CHECK_HR(bc->lpVtbl->ExposeSnapshot(bc, snap_id, NULL, VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY, NULL, &exposed), S_OK);
    CHECK(wide_eq(exposed, "ShadowCopy2"));
    CoTaskMemFree(exposed);
    VSS_PWSZ root, prefix;
    CHECK_HR(bc->lpVtbl->GetRootAndLogicalPrefixPaths(bc, (VSS_PWSZ)W("\\\\srv\\share\\dir\\f.txt"), &root, &prefix, 0),
             S_OK);
    CHECK(wide_eq(root, "\\\\srv\\share\\"));
    CoTaskMemFree(root);
    CoTaskMemFree(prefix);
    bc->lpVtbl->Release(bc);
    CHECK(vss_sim_snapshot_count() == 1);

    WINBOOL present = 0;
    LONG caps = -1;
    CHECK_HR(IsVolumeSnapshottedInternal((VSS_PWSZ)W("C:\\"), &present, &caps), S_OK);
    CHECK(present && caps == 0);
    /* IsVolumeSnapshotted page: the AddToSnapshotSet forms, trailing backslash required */
    present = 0;
    CHECK_HR(IsVolumeSnapshottedInternal((VSS_PWSZ)W("c:\\"), &present, &caps), S_OK);
    CHECK(present);
    {
        char guid_name[64];
        WCHAR wname[64];
        CHECK(vss_sim_volume_guid_name("C:\\", guid_name, sizeof guid_name) > 0);
        for (size_t i = 0; i <= strlen(guid_name); i++)
            wname[i] = (WCHAR)guid_name[i];
        present = 0;
        CHECK_HR(IsVolumeSnapshottedInternal(wname, &present, &caps), S_OK);
        CHECK(present);
        wname[strlen(guid_name) - 1] = 0;
        CHECK_HR(IsVolumeSnapshottedInternal(wname, &present, &caps), VSS_E_OBJECT_NOT_FOUND);
    }
    CHECK_HR(IsVolumeSnapshottedInternal((VSS_PWSZ)W("C:"), &present, &caps), VSS_E_OBJECT_NOT_FOUND);
    CHECK_HR(IsVolumeSnapshottedInternal((VSS_PWSZ)W("Q:\\"), &present, &caps), VSS_E_OBJECT_NOT_FOUND);
    CHECK_HR(IsVolumeSnapshottedInternal((VSS_PWSZ)W(""), &present, &caps), E_INVALIDARG);

    bc = create_bc();
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    IVssEnumObject *e;
    VSS_OBJECT_PROP op;
    ULONG got;
    /* Another context does not see it (S_FALSE, an empty enumerator); VSS_CTX_ALL does. */
    CHECK_HR(bc->lpVtbl->Query(bc, null_guid, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &e), S_FALSE);
    CHECK_HR(e->lpVtbl->Next(e, 1, &op, &got), S_FALSE);
    e->lpVtbl->Release(e);
    CHECK_HR(bc->lpVtbl->SetContext(bc, VSS_CTX_ALL), S_OK);
    CHECK_HR(bc->lpVtbl->Query(bc, null_guid, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &e), S_OK);
    CHECK_HR(e->lpVtbl->Next(e, 1, &op, &got), S_OK);
    CHECK(got == 1 && wide_eq(op.Obj.Snap.m_pwszExposedName, "ShadowCopy2"));
    CHECK((op.Obj.Snap.m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY) != 0);
    VssFreeSnapshotPropertiesInternal(&op.Obj.Snap);
    e->lpVtbl->Release(e);
    CHECK_HR(bc->lpVtbl->Query(bc, null_guid, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &e), S_OK);
    CHECK_HR(e->lpVtbl->Next(e, 1, &op, NULL), S_OK);
    CHECK(op.Type == VSS_OBJECT_PROVIDER && memcmp(&op.Obj.Prov.m_ProviderId, &provider, sizeof provider) == 0);
    CoTaskMemFree(op.Obj.Prov.m_pwszProviderName);
    CoTaskMemFree(op.Obj.Prov.m_pwszProviderVersion);
    e->lpVtbl->Release(e);
    CHECK_HR(bc->lpVtbl->UnexposeSnapshot(bc, snap_id), S_OK);
    CHECK_HR(bc->lpVtbl->RevertToSnapshot(bc, snap_id, 1), S_OK);
    CHECK_HR(bc->lpVtbl->QueryRevertStatus(bc, (VSS_PWSZ)W("C:\\"), &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK(vss_sim_snapshot_count() == 0);
    LONG deleted = -1;
    VSS_ID nondeleted;
    CHECK_HR(bc->lpVtbl->DeleteSnapshots(bc, snap_id, VSS_OBJECT_SNAPSHOT, 1, &deleted, &nondeleted),
             VSS_E_OBJECT_NOT_FOUND);
    bc->lpVtbl->Release(bc);

    /* 64 volumes per set. */
    char name[16];
    for (int i = 0; i < 65; i++) {
        snprintf(name, sizeof name, "V%02d:\\", i);
        vss_sim_add_volume(name, 1);
    }
    bc = create_bc();
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->StartSnapshotSet(bc, &set_id), S_OK);
    HRESULT last = S_OK;
    int added = 0;
    for (int i = 0; i < 65 && last == S_OK; i++) {
        WCHAR wname[8] = { 'V', (WCHAR)('0' + i / 10), (WCHAR)('0' + i % 10), ':', '\\', 0 };
        last = bc->lpVtbl->AddToSnapshotSet(bc, wname, null_guid, &snap_id);
        added += last == S_OK;
    }
    CHECK(added == 64);
    CHECK_HR(last, VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED);
    bc->lpVtbl->Release(bc);

    /* Writer metadata: SaveAsXML, then CreateVssExamineWriterMetadata on the text. */
    bc = create_bc();
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->GatherWriterMetadata(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    IVssExamineWriterMetadata *wm, *copy;
    VSS_ID instance;
    CHECK_HR(bc->lpVtbl->GetWriterMetadata(bc, 0, &instance, &wm), S_OK);
    BSTR text;
    CHECK_HR(wm->lpVtbl->SaveAsXML(wm, &text), S_OK);
    CHECK_HR(CreateVssExamineWriterMetadataInternal(text, &copy), S_OK);
    UINT inc, exc, comps;
    CHECK_HR(copy->lpVtbl->GetFileCounts(copy, &inc, &exc, &comps), S_OK);
    CHECK(comps == 1);
    SysFreeString(text);
    copy->lpVtbl->Release(copy);
    wm->lpVtbl->Release(wm);
    CHECK_HR(bc->lpVtbl->FreeWriterMetadata(bc), S_OK);
    CHECK_HR(bc->lpVtbl->FreeWriterMetadata(bc), VSS_E_BAD_STATE);
    bc->lpVtbl->Release(bc);
}

typedef struct waiter {
    IVssAsync *a;
    HRESULT hr;
} waiter;

#ifdef _WIN32
static unsigned __stdcall wait_thread(void *p)
#else
static void *wait_thread(void *p)
#endif
{
    waiter *w = p;
    w->hr = w->a->lpVtbl->Wait(w->a, INFINITE);
    return 0;
}

static void sleep_ms(int ms)
{
#ifdef _WIN32
    Sleep((DWORD)ms);
#else
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
#endif
}

static void async_and_failures(void)
{
    IVssBackupComponentsEx4 *bc = create_bc();
    IVssAsync *a;
    HRESULT st;

    CHECK(vss_sim_fail("IVssBackupComponents::InitializeForBackup", (uint32_t)E_ACCESSDENIED, 1) == 0);
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), E_ACCESSDENIED);
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);

    /* Never completes until cancelled. */
    vss_sim_set_async_delay("IVssBackupComponents::GatherWriterMetadata", -1);
    CHECK_HR(bc->lpVtbl->GatherWriterMetadata(bc, &a), S_OK);
    CHECK_HR(a->lpVtbl->QueryStatus(a, &st, NULL), S_OK);
    CHECK(st == VSS_S_ASYNC_PENDING);
    CHECK_HR(a->lpVtbl->Wait(a, 20), S_OK); /* times out */
    CHECK_HR(a->lpVtbl->Cancel(a), S_OK);
    CHECK_HR(a->lpVtbl->Cancel(a), VSS_S_ASYNC_CANCELLED);
    finish(a, VSS_S_ASYNC_CANCELLED);

    /* Wait on another thread while this one polls. */
    vss_sim_set_async_delay("IVssBackupComponents::GatherWriterMetadata", 150);
    CHECK_HR(bc->lpVtbl->GatherWriterMetadata(bc, &a), S_OK);
    waiter w = { a, E_FAIL };
#ifdef _WIN32
    HANDLE t = (HANDLE)_beginthreadex(NULL, 0, wait_thread, &w, 0, NULL);
#else
    pthread_t t;
    pthread_create(&t, NULL, wait_thread, &w);
#endif
    sleep_ms(30);
    CHECK_HR(a->lpVtbl->QueryStatus(a, &st, NULL), S_OK);
    CHECK(st == VSS_S_ASYNC_PENDING);
    UINT n;
    CHECK_HR(bc->lpVtbl->GetWriterMetadataCount(bc, &n), VSS_E_BAD_STATE);
#ifdef _WIN32
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
#else
    pthread_join(t, NULL);
#endif
    CHECK_HR(w.hr, S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(bc->lpVtbl->GetWriterMetadataCount(bc, &n), S_OK);

    /* Injected final status. */
    vss_sim_set_async_delay("IVssBackupComponents::GatherWriterMetadata", 0);
    vss_sim_fail_async("IVssBackupComponents::GatherWriterStatus", (uint32_t)VSS_E_WRITER_INFRASTRUCTURE);
    CHECK_HR(bc->lpVtbl->GatherWriterStatus(bc, &a), S_OK);
    finish(a, VSS_E_WRITER_INFRASTRUCTURE);

    /* A BSTR with an embedded NUL is logged by its length. */
    IVssBackupComponentsEx4 *other = create_bc();
    BSTR odd = SysAllocStringLen(W("a\0b"), 3);
    CHECK_HR(other->lpVtbl->InitializeForBackup(other, odd), VSS_E_INVALID_XML_DOCUMENT);
    CHECK(find_record("\"bstrXML\":\"a\\u0000b\"") >= 0);
    SysFreeString(odd);
    other->lpVtbl->Release(other);
    bc->lpVtbl->Release(bc);
}

#ifdef _WIN32
typedef HRESULT(WINAPI *get_class_object_fn)(REFCLSID, REFIID, void **);
static const GUID iid_class_factory = { 1, 0, 0, { 0xc0, 0, 0, 0, 0, 0, 0, 0x46 } };
#endif

static void management(void)
{
    IVssSnapshotMgmt *m = NULL;
#ifdef _WIN32
    get_class_object_fn get =
        (get_class_object_fn)(void (*)(void))GetProcAddress(GetModuleHandleA("vss_sim.dll"), "DllGetClassObject");
    IClassFactory *cf = NULL;
    CHECK(get != NULL);
    CHECK_HR(get(&clsid_mgmt, &iid_class_factory, (void **)&cf), S_OK);
    CHECK_HR(cf->lpVtbl->CreateInstance(cf, NULL, &iid_mgmt, (void **)&m), S_OK);
    cf->lpVtbl->Release(cf);
#else
    CHECK_HR(CoInitializeEx(NULL, 0), S_OK);
    CHECK_HR(CoCreateInstance(&iid_mgmt, NULL, 1, &iid_mgmt, (void **)&m), REGDB_E_CLASSNOTREG);
    CHECK_HR(CoCreateInstance(&clsid_mgmt, NULL, 1, &iid_mgmt, (void **)&m), S_OK);
#endif
    IVssSnapshotMgmt2 *m2;
    CHECK_HR(m->lpVtbl->QueryInterface(m, &iid_mgmt2, (void **)&m2), S_OK);
    CHECK((void *)m2 == (void *)((char *)m + sizeof(void *)));
    LONGLONG min = 0;
    CHECK_HR(m2->lpVtbl->GetMinDiffAreaSize(m2, &min), S_OK);
    CHECK(min == 320LL * 1024 * 1024);
    m2->lpVtbl->Release(m2);

    IVssEnumMgmtObject *e;
    CHECK_HR(m->lpVtbl->QueryVolumesSupportedForSnapshots(m, provider, VSS_CTX_ALL, &e), S_OK);
    VSS_MGMT_OBJECT_PROP vp;
    ULONG got;
    CHECK_HR(e->lpVtbl->Next(e, 1, &vp, &got), S_OK);
    CHECK(got == 1 && wide_eq(vp.Obj.Vol.m_pwszVolumeDisplayName, "C:\\"));
    CoTaskMemFree(vp.Obj.Vol.m_pwszVolumeName);
    CoTaskMemFree(vp.Obj.Vol.m_pwszVolumeDisplayName);
    CHECK_HR(e->lpVtbl->Next(e, 1, &vp, &got), S_FALSE);
    e->lpVtbl->Release(e);

    IUnknown *pu;
    CHECK_HR(m->lpVtbl->GetProviderMgmtInterface(m, provider, &iid_diff3, &pu), S_OK);
    IVssDifferentialSoftwareSnapshotMgmt3 *d = (IVssDifferentialSoftwareSnapshotMgmt3 *)(void *)pu;
    CHECK_HR(d->lpVtbl->AddDiffArea(d, (VSS_PWSZ)W("C:\\"), (VSS_PWSZ)W("C:\\"), -1), S_OK);
    CHECK_HR(d->lpVtbl->AddDiffArea(d, (VSS_PWSZ)W("C:\\"), (VSS_PWSZ)W("C:\\"), -1), VSS_E_OBJECT_ALREADY_EXISTS);
    CHECK_HR(d->lpVtbl->SetVolumeProtectLevel(d, (VSS_PWSZ)W("C:\\"), VSS_PROTECTION_LEVEL_SNAPSHOT), S_OK);
    VSS_VOLUME_PROTECTION_INFO pi;
    CHECK_HR(d->lpVtbl->GetVolumeProtectLevel(d, (VSS_PWSZ)W("C:\\"), &pi), S_OK);
    CHECK(pi.m_protectionLevel == VSS_PROTECTION_LEVEL_SNAPSHOT);
    CHECK_HR(d->lpVtbl->GetVolumeProtectLevel(d, (VSS_PWSZ)W("C:"), &pi), VSS_E_OBJECT_NOT_FOUND);
    /* No match: S_FALSE and an empty enumerator (like IVssBackupComponents::Query) */
    CHECK_HR(d->lpVtbl->QueryDiffAreasForVolume(d, (VSS_PWSZ)W("E:\\"), &e), S_FALSE);
    CHECK_HR(e->lpVtbl->Next(e, 1, &vp, &got), S_FALSE);
    CHECK(got == 0);
    e->lpVtbl->Release(e);
    CHECK_HR(d->lpVtbl->QueryDiffAreasOnVolume(d, (VSS_PWSZ)W("C:\\"), &e), S_OK);
    e->lpVtbl->Release(e);
    IVssEnumObject *eo;
    CHECK_HR(m->lpVtbl->QuerySnapshotsByVolume(m, (VSS_PWSZ)W("e:\\"), provider, &eo), S_FALSE);
    VSS_OBJECT_PROP op;
    CHECK_HR(eo->lpVtbl->Next(eo, 1, &op, &got), S_FALSE);
    CHECK(got == 0);
    eo->lpVtbl->Release(eo);
    d->lpVtbl->Release(d);
    m->lpVtbl->Release(m);
#ifndef _WIN32
    CoUninitialize();
#endif
}

static void slots(void)
{
    check_slot("IVssBackupComponents", "QueryInterface", SIM_SLOT(IVssBackupComponentsVtbl, QueryInterface));
    check_slot("IVssBackupComponents", "Release", SIM_SLOT(IVssBackupComponentsVtbl, Release));
    check_slot("IVssBackupComponents", "InitializeForBackup", SIM_SLOT(IVssBackupComponentsVtbl, InitializeForBackup));
    check_slot("IVssBackupComponents", "DoSnapshotSet", SIM_SLOT(IVssBackupComponentsVtbl, DoSnapshotSet));
    check_slot("IVssBackupComponents", "Query", SIM_SLOT(IVssBackupComponentsVtbl, Query));
    check_slot("IVssBackupComponentsEx3", "GetWriterStatusEx", SIM_SLOT(IVssBackupComponentsEx4Vtbl, GetWriterStatusEx));
    check_slot("IVssAsync", "QueryStatus", SIM_SLOT(IVssAsyncVtbl, QueryStatus));
    check_slot("IVssAsync", "Cancel", SIM_SLOT(IVssAsyncVtbl, Cancel));
    check_slot("IVssExamineWriterMetadata", "GetIdentity", SIM_SLOT(IVssExamineWriterMetadataVtbl, GetIdentity));
    check_slot("IVssWMComponent", "FreeComponentInfo", SIM_SLOT(IVssWMComponentVtbl, FreeComponentInfo));
    check_slot("IVssWMFiledesc", "GetFilespec", SIM_SLOT(IVssWMFiledescVtbl, GetFilespec));
    check_slot("IVssWriterComponents", "GetComponent", SIM_SLOT(IVssWriterComponentsVtbl, GetComponent));
    check_slot("IVssWriterComponentsExt", "QueryInterface", SIM_SLOT(IUnknownVtbl, QueryInterface));
    check_slot("IVssWriterComponentsExt", "Release", SIM_SLOT(IUnknownVtbl, Release));
    check_slot("IVssComponent", "GetComponentName", SIM_SLOT(IVssComponentVtbl, GetComponentName));
    check_slot("IVssEnumObject", "Next", SIM_SLOT(IVssEnumObjectVtbl, Next));
    check_slot("IVssEnumMgmtObject", "Next", SIM_SLOT(IVssEnumMgmtObjectVtbl, Next));
    check_slot("IVssSnapshotMgmt", "GetProviderMgmtInterface",
               SIM_SLOT(IVssSnapshotMgmtVtbl, GetProviderMgmtInterface));
    check_slot("IVssSnapshotMgmt2", "GetMinDiffAreaSize", SIM_SLOT(IVssSnapshotMgmt2Vtbl, GetMinDiffAreaSize));
    check_slot("IVssDifferentialSoftwareSnapshotMgmt3", "GetVolumeProtectLevel",
               SIM_SLOT(IVssDifferentialSoftwareSnapshotMgmt3Vtbl, GetVolumeProtectLevel));
    int i = find_record("\"function\":\"VssFreeSnapshotPropertiesInternal\"");
    CHECK(i >= 0);
    i = find_record("\"method\":\"AddToSnapshotSet\"");
    CHECK(i >= 0 && strstr(record(i), "\"pwszVolumeName\":\"Q:\\\\\"") != NULL);
}

/* ---- host files, for directory volumes and persistence ---- */

#ifdef _WIN32
#define SEP "\\"
#else
#define SEP "/"
#endif

static char base_dir[400];

static void path_of(char *out, size_t cap, const char *rel) { snprintf(out, cap, "%s" SEP "%s", base_dir, rel); }

static void make_dir(const char *p)
{
#ifdef _WIN32
    CreateDirectoryA(p, NULL);
#else
    mkdir(p, 0755);
#endif
}

static void make_base(void)
{
#ifdef _WIN32
    char tmp[MAX_PATH + 1];
    GetTempPathA(sizeof tmp, tmp);
    snprintf(base_dir, sizeof base_dir, "%svss-sim-smoke-%lu", tmp, (unsigned long)GetCurrentProcessId());
    make_dir(base_dir);
#else
    snprintf(base_dir, sizeof base_dir, "/tmp/vss-sim-smoke-XXXXXX");
    if (!mkdtemp(base_dir))
        abort();
#endif
}

static void set_env(const char *name, const char *value)
{
#ifdef _WIN32
    SetEnvironmentVariableA(name, value);
#else
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
#endif
}

static void write_text(const char *p, const char *text)
{
    FILE *f = fopen(p, "wb");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static bool read_is(const char *p, const char *text)
{
    char buf[256] = { 0 };
    FILE *f = fopen(p, "rb");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    return n == strlen(text) && memcmp(buf, text, n) == 0;
}

static bool exists(const char *p)
{
#ifdef _WIN32
    return GetFileAttributesA(p) != INVALID_FILE_ATTRIBUTES;
#else
    struct stat st;
    return lstat(p, &st) == 0;
#endif
}

/* Read-only as the simulator makes it: no write bits (0444 files, 0555
 * folders), or FILE_ATTRIBUTE_READONLY. */
static bool read_only(const char *p, bool folder)
{
#ifdef _WIN32
    (void)folder;
    DWORD a = GetFileAttributesA(p);
    return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_READONLY);
#else
    struct stat st;
    return stat(p, &st) == 0 && (st.st_mode & 0777) == (folder ? 0555u : 0444u);
#endif
}

/* Wine accepts FILE_ATTRIBUTE_READONLY on a directory but does not keep it. */
static bool folder_attributes_kept(void)
{
#ifdef _WIN32
    return GetProcAddress(GetModuleHandleA("ntdll.dll"), "wine_get_version") == NULL;
#else
    return true;
#endif
}

/* 2020-01-01T00:00:00.5Z, for a file whose time the copy must keep. */
static void set_old_mtime(const char *p)
{
#ifdef _WIN32
    HANDLE h = CreateFileA(p, FILE_WRITE_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    ULONGLONG t = 132223104000000000ULL + 5000000ULL;
    FILETIME ft = { (DWORD)t, (DWORD)(t >> 32) };
    SetFileTime(h, NULL, NULL, &ft);
    CloseHandle(h);
#else
    struct timespec ts[2] = { { 1577836800, 500000000 }, { 1577836800, 500000000 } };
    utimensat(AT_FDCWD, p, ts, 0);
#endif
}

static uint64_t mtime_of(const char *p)
{
#ifdef _WIN32
    WIN32_FILE_ATTRIBUTE_DATA d;
    if (!GetFileAttributesExA(p, GetFileExInfoStandard, &d))
        return 0;
    return (uint64_t)d.ftLastWriteTime.dwHighDateTime << 32 | d.ftLastWriteTime.dwLowDateTime;
#else
    struct stat st;
    return stat(p, &st) == 0 ? (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec : 0;
#endif
}

/* Test-owned trees: write permission back, then everything goes. */
static void remove_tree(const char *p)
{
#ifdef _WIN32
    DWORD a = GetFileAttributesA(p);
    if (a == INVALID_FILE_ATTRIBUTES)
        return;
    SetFileAttributesA(p, FILE_ATTRIBUTE_NORMAL);
    if (!(a & FILE_ATTRIBUTE_DIRECTORY)) {
        DeleteFileA(p);
        return;
    }
    char pattern[700], child[700];
    snprintf(pattern, sizeof pattern, "%s\\*", p);
    WIN32_FIND_DATAA fd;
    HANDLE h = FindFirstFileA(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (strcmp(fd.cFileName, ".") && strcmp(fd.cFileName, "..")) {
                snprintf(child, sizeof child, "%s\\%s", p, fd.cFileName);
                remove_tree(child);
            }
        } while (FindNextFileA(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryA(p);
#else
    struct stat st;
    if (lstat(p, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(p);
        return;
    }
    chmod(p, 0755);
    DIR *d = opendir(p);
    struct dirent *e;
    char child[700];
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(child, sizeof child, "%s/%s", p, e->d_name);
            remove_tree(child);
        }
    }
    if (d)
        closedir(d);
    rmdir(p);
#endif
}

/* Entries of root named HarddiskVolumeShadowCopy*. */
static int snapshot_folders(const char *root)
{
    int n = 0;
#ifdef _WIN32
    char pattern[700];
    snprintf(pattern, sizeof pattern, "%s\\HarddiskVolumeShadowCopy*", root);
    WIN32_FIND_DATAA fd;
    HANDLE h = FindFirstFileA(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do
            n++;
        while (FindNextFileA(h, &fd));
        FindClose(h);
    }
#else
    DIR *d = opendir(root);
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strncmp(e->d_name, "HarddiskVolumeShadowCopy", 24) == 0;
    if (d)
        closedir(d);
#endif
    return n;
}

/* Runs persist_helper (next to this program) and returns its exit status. */
static int run_helper(const char *arg1, const char *arg2)
{
    char exe[600];
#ifdef _WIN32
    DWORD n = GetModuleFileNameA(NULL, exe, sizeof exe);
    while (n > 0 && exe[n - 1] != '\\' && exe[n - 1] != '/')
        n--;
    snprintf(exe + n, sizeof exe - n, "persist_helper.exe");
    fflush(stdout);
    return (int)_spawnl(_P_WAIT, exe, "persist_helper", arg1, arg2, NULL);
#else
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    snprintf(slash + 1, sizeof exe - (size_t)(slash + 1 - exe), "persist_helper");
    char *argv[] = { exe, (char *)arg1, (char *)arg2, NULL };
    extern char **environ;
    pid_t pid;
    fflush(stdout);
    if (posix_spawn(&pid, exe, NULL, NULL, argv, environ) != 0)
        return -1;
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
#endif
}

static WCHAR *widen(const char *s)
{
    size_t n = strlen(s);
    WCHAR *w = calloc(n + 1, sizeof(WCHAR));
    for (size_t i = 0; w && i < n; i++)
        w[i] = (WCHAR)(unsigned char)s[i];
    return w;
}

/* A whole set of one volume on a new object; the final status is checked. */
static IVssBackupComponentsEx4 *one_set(LONG context, const char *volume, VSS_ID *snap, HRESULT want)
{
    IVssBackupComponentsEx4 *bc = create_bc();
    VSS_ID set_id;
    IVssAsync *a;
    WCHAR *w = widen(volume);
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->SetContext(bc, context), S_OK);
    CHECK_HR(bc->lpVtbl->StartSnapshotSet(bc, &set_id), S_OK);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, w, null_guid, snap), S_OK);
    if (!(context & VSS_VOLSNAP_ATTR_NO_WRITERS)) {
        CHECK_HR(bc->lpVtbl->PrepareForBackup(bc, &a), S_OK);
        finish(a, VSS_S_ASYNC_FINISHED);
    }
    CHECK_HR(bc->lpVtbl->DoSnapshotSet(bc, &a), S_OK);
    finish(a, want);
    free(w);
    return bc;
}

static bool device_of(IVssBackupComponentsEx4 *bc, VSS_ID id, char *out, size_t cap)
{
    VSS_SNAPSHOT_PROP p;
    out[0] = '\0';
    if (bc->lpVtbl->GetSnapshotProperties(bc, id, &p) != S_OK)
        return false;
    size_t i = 0;
    for (; p.m_pwszSnapshotDeviceObject[i] && i + 1 < cap; i++)
        out[i] = (char)p.m_pwszSnapshotDeviceObject[i];
    out[i] = '\0';
    VssFreeSnapshotPropertiesInternal(&p);
    return true;
}

static char vol_dir[500], vol_dir_sep[510], snap_root[600];

/* A directory volume: point-in-time read-only copy, device and original
 * names, deletion by release, DeleteSnapshots and reset, break, storage limit,
 * cancellation. */
static void directory_volumes(void)
{
    char sub[600], file[700], file2[700], snaps[600], want[700], got[800];
    path_of(vol_dir, sizeof vol_dir, "vol");
    snprintf(vol_dir_sep, sizeof vol_dir_sep, "%s" SEP, vol_dir);
    path_of(snaps, sizeof snaps, "snaps");
    snprintf(sub, sizeof sub, "%s" SEP "sub", vol_dir);
    snprintf(file, sizeof file, "%s" SEP "a.txt", vol_dir);
    snprintf(file2, sizeof file2, "%s" SEP "b.txt", sub);
    make_dir(vol_dir);
    make_dir(sub);
    write_text(file, "old");
    write_text(file2, "bee");
    set_old_mtime(file);
    uint64_t old_time = mtime_of(file);
#ifndef _WIN32
    char link[600];
    snprintf(link, sizeof link, "%s/link", vol_dir);
    CHECK(symlink("a.txt", link) == 0);
#endif
    set_env("VSS_SIM_SNAPSHOT_ROOT", snaps);
    vss_sim_reset();
    CHECK(vss_sim_snapshot_root(snap_root, sizeof snap_root) > 0);

    /* IsVolumeSupported adds the directory; AddToSnapshotSet finds it with or without the separator. */
    IVssBackupComponentsEx4 *bc = create_bc();
    VSS_ID set_id, snap_id, other;
    IVssAsync *a;
    WINBOOL supported = 0;
    WCHAR *wvol = widen(vol_dir), *wvol_sep = widen(vol_dir_sep);
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->IsVolumeSupported(bc, null_guid, wvol, &supported), S_OK);
    CHECK(supported);
    CHECK_HR(bc->lpVtbl->StartSnapshotSet(bc, &set_id), S_OK);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, wvol_sep, null_guid, &snap_id), S_OK);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, wvol, null_guid, &other), VSS_E_OBJECT_ALREADY_EXISTS);
    CHECK_HR(bc->lpVtbl->PrepareForBackup(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(bc->lpVtbl->DoSnapshotSet(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    VSS_SNAPSHOT_PROP prop;
    CHECK_HR(bc->lpVtbl->GetSnapshotProperties(bc, snap_id, &prop), S_OK);
    snprintf(want, sizeof want, "%s" SEP "HarddiskVolumeShadowCopy1", snap_root);
    CHECK(wide_eq(prop.m_pwszSnapshotDeviceObject, want));
    CHECK(wide_eq(prop.m_pwszOriginalVolumeName, vol_dir_sep));
    VssFreeSnapshotPropertiesInternal(&prop);
    free(wvol);
    free(wvol_sep);

    /* The copy keeps the old content, times and links, and is read-only. */
    write_text(file, "new content");
    snprintf(got, sizeof got, "%s" SEP "a.txt", want);
    CHECK(read_is(got, "old"));
    CHECK(read_is(file, "new content"));
    CHECK(read_only(got, false));
    CHECK(read_only(want, true) || !folder_attributes_kept());
    CHECK(old_time != 0 && mtime_of(got) == old_time);
    snprintf(got, sizeof got, "%s" SEP "sub" SEP "b.txt", want);
    CHECK(read_is(got, "bee") && read_only(got, false));
#ifndef _WIN32
    char target[64] = { 0 };
    snprintf(got, sizeof got, "%s/link", want);
    struct stat st;
    CHECK(lstat(got, &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(readlink(got, target, sizeof target - 1) == 5 && !strcmp(target, "a.txt"));
#endif
    CHECK(vss_sim_snapshot_json(0, json, sizeof json) > 0 && strstr(json, "\"directory\":true"));
    /* A path inside the directory volume has the volume as its root. */
    VSS_PWSZ root = NULL, prefix = NULL;
    WCHAR *wfile = widen(file2);
    CHECK_HR(bc->lpVtbl->GetRootAndLogicalPrefixPaths(bc, wfile, &root, &prefix, 0), S_OK);
    CHECK(wide_eq(root, vol_dir_sep) && wide_eq(prefix, vol_dir_sep));
    CoTaskMemFree(root);
    CoTaskMemFree(prefix);
    free(wfile);
    /* An auto-release copy goes with its creator, folder and all. */
    CHECK(bc->lpVtbl->Release(bc) == 0);
    CHECK(!exists(want));
    CHECK(snapshot_folders(snap_root) == 0);

    /* More bytes than the diff area allows: nothing is made. */
    vss_sim_set_diff_area_space(4);
    bc = one_set(VSS_CTX_BACKUP, vol_dir, &snap_id, VSS_E_INSUFFICIENT_STORAGE);
    CHECK(vss_sim_snapshot_count() == 0 && snapshot_folders(snap_root) == 0);
    bc->lpVtbl->Release(bc);
    vss_sim_set_diff_area_space(14); /* "new content" + "bee": exactly enough */
    bc = one_set(VSS_CTX_BACKUP, vol_dir, &snap_id, VSS_S_ASYNC_FINISHED);
    CHECK(vss_sim_snapshot_count() == 1 && snapshot_folders(snap_root) == 1);
    bc->lpVtbl->Release(bc);
    vss_sim_set_diff_area_space(-1);

    /* A cancelled DoSnapshotSet leaves no folder. */
    vss_sim_set_async_delay("IVssBackupComponents::DoSnapshotSet", -1);
    bc = create_bc();
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->SetContext(bc, VSS_CTX_CLIENT_ACCESSIBLE), S_OK);
    CHECK_HR(bc->lpVtbl->StartSnapshotSet(bc, &set_id), S_OK);
    wvol = widen(vol_dir);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, wvol, null_guid, &snap_id), S_OK);
    free(wvol);
    CHECK_HR(bc->lpVtbl->DoSnapshotSet(bc, &a), S_OK);
    CHECK_HR(a->lpVtbl->Cancel(a), S_OK);
    finish(a, VSS_S_ASYNC_CANCELLED);
    CHECK(vss_sim_snapshot_count() == 0 && snapshot_folders(snap_root) == 0);
    bc->lpVtbl->Release(bc);
    vss_sim_set_async_delay("IVssBackupComponents::DoSnapshotSet", 0);

    /* Persistent: survives its creator, goes with DeleteSnapshots. */
    bc = one_set(VSS_CTX_CLIENT_ACCESSIBLE, vol_dir, &snap_id, VSS_S_ASYNC_FINISHED);
    CHECK(device_of(bc, snap_id, want, sizeof want));
    bc->lpVtbl->Release(bc);
    CHECK(exists(want));
    bc = create_bc();
    LONG deleted = 0;
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->SetContext(bc, VSS_CTX_ALL), S_OK);
    CHECK_HR(bc->lpVtbl->DeleteSnapshots(bc, snap_id, VSS_OBJECT_SNAPSHOT, 1, &deleted, &other), S_OK);
    CHECK(deleted == 1 && !exists(want));
    bc->lpVtbl->Release(bc);

    /* The system provider's sets cannot be broken (BreakSnapshotSet page). */
    bc = one_set(VSS_CTX_CLIENT_ACCESSIBLE, vol_dir, &snap_id, VSS_S_ASYNC_FINISHED);
    VSS_SNAPSHOT_PROP bp;
    CHECK_HR(bc->lpVtbl->GetSnapshotProperties(bc, snap_id, &bp), S_OK);
    CHECK_HR(bc->lpVtbl->BreakSnapshotSet(bc, bp.m_SnapshotSetId), VSS_E_PROVIDER_VETO);
    CHECK(vss_sim_snapshot_count() == 1);
    CHECK_HR(bc->lpVtbl->DeleteSnapshots(bc, bp.m_SnapshotSetId, VSS_OBJECT_SNAPSHOT_SET, 1, &deleted, &other), S_OK);
    VssFreeSnapshotPropertiesInternal(&bp);
    bc->lpVtbl->Release(bc);

    /* A hardware provider's broken set is forgotten, its folder kept (made writable on request). */
    vss_sim_set_hardware_provider(1);
    bc = one_set(VSS_CTX_CLIENT_ACCESSIBLE, vol_dir, &snap_id, VSS_S_ASYNC_FINISHED);
    vss_sim_set_hardware_provider(0);
    CHECK(device_of(bc, snap_id, want, sizeof want));
    CHECK_HR(bc->lpVtbl->GetSnapshotProperties(bc, snap_id, &bp), S_OK);
    CHECK(bp.m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED);
    CHECK_HR(bc->lpVtbl->BreakSnapshotSetEx(bc, bp.m_SnapshotSetId, VSS_BREAKEX_FLAG_MAKE_READ_WRITE, &a), S_OK);
    VssFreeSnapshotPropertiesInternal(&bp);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK(vss_sim_snapshot_count() == 0 && exists(want));
    snprintf(got, sizeof got, "%s" SEP "a.txt", want);
    CHECK(read_is(got, "new content") && !read_only(got, false));
    bc->lpVtbl->Release(bc);
    remove_tree(want);

    /* Generated copies of a directory volume are real folders too; reset removes them. */
    CHECK(vss_sim_generate_snapshots(3, vol_dir) == 3);
    CHECK(snapshot_folders(snap_root) == 3);
    vss_sim_reset();
    CHECK(snapshot_folders(snap_root) == 0);
}

/* A persistent copy made by one process is seen and deleted by the next. */
static void persistence(void)
{
    char state[600], file[700];
    path_of(state, sizeof state, "state");
    snprintf(file, sizeof file, "%s" SEP "vss-sim-state.xml", state);
    set_env("VSS_SIM_STATE_DIR", state);
    CHECK(run_helper("create", vol_dir) == 0);
    CHECK(exists(file));
    CHECK(snapshot_folders(snap_root) == 1);
    CHECK(run_helper("check", "1") == 0); /* sees it with its folder, deletes it */
    CHECK(snapshot_folders(snap_root) == 0);
    CHECK(run_helper("check", "0") == 0);
    /* This process loads the saved machine on request, and reset clears it. */
    CHECK(run_helper("create", vol_dir) == 0);
    CHECK(vss_sim_reload_state() == 1);
    CHECK(vss_sim_snapshot_count() == 1);
    CHECK(vss_sim_snapshot_json(0, json, sizeof json) > 0 && strstr(json, "\"autoRelease\":false"));
    vss_sim_reset();
    CHECK(!exists(file) && snapshot_folders(snap_root) == 0);
    set_env("VSS_SIM_STATE_DIR", NULL);
    vss_sim_reset();
    CHECK(vss_sim_reload_state() == -1);
}

/* Generated writers and snapshots, read back through the interfaces. */
static void bulk(void)
{
    vss_sim_reset();
    CHECK(vss_sim_generate_writers(3, 4, 5) == 0);
    CHECK(vss_sim_generate_writers(-1, 1, 1) == -1);
    IVssBackupComponentsEx4 *bc = create_bc();
    IVssAsync *a;
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->GatherWriterMetadata(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    UINT n = 0;
    CHECK_HR(bc->lpVtbl->GetWriterMetadataCount(bc, &n), S_OK);
    CHECK(n == 3);
    VSS_ID instance, writer;
    IVssExamineWriterMetadata *wm;
    CHECK_HR(bc->lpVtbl->GetWriterMetadata(bc, 2, &instance, &wm), S_OK);
    BSTR name;
    VSS_USAGE_TYPE usage;
    VSS_SOURCE_TYPE source;
    CHECK_HR(wm->lpVtbl->GetIdentity(wm, &instance, &writer, &name, &usage, &source), S_OK);
    CHECK(wide_eq(name, "SimWriter2"));
    SysFreeString(name);
    UINT inc, exc, comps;
    CHECK_HR(wm->lpVtbl->GetFileCounts(wm, &inc, &exc, &comps), S_OK);
    CHECK(comps == 4);
    IVssWMComponent *wc;
    CHECK_HR(wm->lpVtbl->GetComponent(wm, 3, &wc), S_OK);
    PVSSCOMPONENTINFO info;
    CHECK_HR(wc->lpVtbl->GetComponentInfo(wc, &info), S_OK);
    CHECK(info->cFileCount == 5 && info->type == VSS_CT_FILEGROUP && wide_eq(info->bstrComponentName, "Component3") &&
          wide_eq(info->bstrLogicalPath, "SimWriter2"));
    CHECK_HR(wc->lpVtbl->FreeComponentInfo(wc, info), S_OK);
    IVssWMFiledesc *fd;
    CHECK_HR(wc->lpVtbl->GetFile(wc, 4, &fd), S_OK);
    BSTR text;
    CHECK_HR(fd->lpVtbl->GetFilespec(fd, &text), S_OK);
    CHECK(wide_eq(text, "file4.dat"));
    SysFreeString(text);
    CHECK_HR(fd->lpVtbl->GetPath(fd, &text), S_OK);
    CHECK(wide_eq(text, "C:\\SimData\\Writer2\\Component3"));
    SysFreeString(text);
    fd->lpVtbl->Release(fd);
    wc->lpVtbl->Release(wc);
    wm->lpVtbl->Release(wm);

    CHECK(vss_sim_generate_snapshots(100, NULL) == 100);
    CHECK(vss_sim_generate_snapshots(1, "Q:\\") == -1);
    CHECK(vss_sim_snapshot_count() == 100);
    CHECK_HR(bc->lpVtbl->SetContext(bc, VSS_CTX_APP_ROLLBACK), S_OK);
    IVssEnumObject *e;
    CHECK_HR(bc->lpVtbl->Query(bc, null_guid, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &e), S_OK);
    static VSS_OBJECT_PROP props[150];
    ULONG got = 0;
    CHECK_HR(e->lpVtbl->Next(e, 150, props, &got), S_FALSE);
    CHECK(got == 100);
    int distinct_sets = 0;
    for (ULONG i = 0; i < got; i++) {
        const VSS_SNAPSHOT_PROP *p = &props[i].Obj.Snap;
        distinct_sets += i == 0 || memcmp(&p->m_SnapshotSetId, &props[i - 1].Obj.Snap.m_SnapshotSetId, sizeof(GUID));
        CHECK(p->m_lSnapshotsCount == 1 && (p->m_lSnapshotAttributes & VSS_VOLSNAP_ATTR_PERSISTENT));
        VssFreeSnapshotPropertiesInternal(&props[i].Obj.Snap);
    }
    CHECK(distinct_sets == 100);
    e->lpVtbl->Release(e);
    bc->lpVtbl->Release(bc);
    vss_sim_reset();
}

static void status_of(IVssBackupComponentsEx4 *bc, UINT i, VSS_WRITER_STATE *state, HRESULT *failure,
                      HRESULT *app, char *message, size_t cap)
{
    VSS_ID instance, writer;
    BSTR name = NULL, msg = NULL;
    CHECK_HR(bc->lpVtbl->GetWriterStatusEx(bc, i, &instance, &writer, &name, state, failure, app, &msg), S_OK);
    size_t k = 0;
    for (; msg && msg[k] && k + 1 < cap; k++)
        message[k] = (char)msg[k];
    message[k] = '\0';
    SysFreeString(name);
    SysFreeString(msg);
}

/* A writer failing at a phase: the phase's operation ends with the writer
 * error, and the status tells which writer, where and why. */
static void writer_failures(void)
{
    vss_sim_reset();
    CHECK(vss_sim_generate_writers(2, 1, 1) == 0);
    CHECK(vss_sim_fail_writer_at(1, VSS_WS_STABLE, 0, 0, NULL) == -1);
    CHECK(vss_sim_fail_writer_at(1, VSS_WS_FAILED_AT_FREEZE, (uint32_t)VSS_E_WRITERERROR_TIMEOUT, (uint32_t)E_FAIL,
                                 "froze") == 0);
    IVssBackupComponentsEx4 *bc = create_bc();
    IVssAsync *a;
    VSS_ID set_id, snap_id;
    VSS_WRITER_STATE state;
    HRESULT failure, app;
    char message[64];
    UINT n = 0;
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->GatherWriterMetadata(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(bc->lpVtbl->StartSnapshotSet(bc, &set_id), S_OK);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)W("C:\\"), null_guid, &snap_id), S_OK);
    CHECK_HR(bc->lpVtbl->PrepareForBackup(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(bc->lpVtbl->GatherWriterStatus(bc, &a), S_OK); /* Freeze not reached yet */
    finish(a, VSS_S_ASYNC_FINISHED);
    status_of(bc, 1, &state, &failure, &app, message, sizeof message);
    CHECK(state == VSS_WS_STABLE && failure == S_OK);
    CHECK_HR(bc->lpVtbl->FreeWriterStatus(bc), S_OK);
    CHECK_HR(bc->lpVtbl->DoSnapshotSet(bc, &a), S_OK);
    finish(a, VSS_E_WRITERERROR_RETRYABLE);
    CHECK(vss_sim_snapshot_count() == 0);
    CHECK_HR(bc->lpVtbl->GatherWriterStatus(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(bc->lpVtbl->GetWriterStatusCount(bc, &n), S_OK);
    CHECK(n == 2);
    status_of(bc, 0, &state, &failure, &app, message, sizeof message);
    CHECK(state == VSS_WS_STABLE && failure == S_OK);
    status_of(bc, 1, &state, &failure, &app, message, sizeof message);
    CHECK(state == VSS_WS_FAILED_AT_FREEZE && failure == VSS_E_WRITERERROR_TIMEOUT && app == E_FAIL &&
          !strcmp(message, "froze"));
    CHECK_HR(bc->lpVtbl->AbortBackup(bc), S_OK);
    bc->lpVtbl->Release(bc);

    /* Identify: the gather ends with the error, the writer is missing from the
     * metadata and reported by the status. */
    CHECK(vss_sim_fail_writer_at(1, 0, 0, 0, NULL) == 0);
    CHECK(vss_sim_fail_writer_at(0, VSS_WS_FAILED_AT_IDENTIFY, 0, 0, NULL) == 0);
    bc = create_bc();
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->GatherWriterMetadata(bc, &a), S_OK);
    finish(a, VSS_E_WRITERERROR_NONRETRYABLE);
    CHECK_HR(bc->lpVtbl->GetWriterMetadataCount(bc, &n), S_OK);
    CHECK(n == 1);
    CHECK_HR(bc->lpVtbl->GatherWriterStatus(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    status_of(bc, 0, &state, &failure, &app, message, sizeof message);
    CHECK(state == VSS_WS_FAILED_AT_IDENTIFY && failure == VSS_E_WRITERERROR_NONRETRYABLE && !strcmp(message, ""));
    bc->lpVtbl->Release(bc);

    /* BackupComplete: the shadow copy exists; the others wait for completion. */
    CHECK(vss_sim_fail_writer_at(0, 0, 0, 0, NULL) == 0);
    CHECK(vss_sim_fail_writer_at(1, VSS_WS_FAILED_AT_BACKUP_COMPLETE, (uint32_t)VSS_E_WRITERERROR_RETRYABLE, 0,
                                 "later") == 0);
    bc = create_bc();
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->GatherWriterMetadata(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(bc->lpVtbl->StartSnapshotSet(bc, &set_id), S_OK);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)W("C:\\"), null_guid, &snap_id), S_OK);
    CHECK_HR(bc->lpVtbl->PrepareForBackup(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(bc->lpVtbl->DoSnapshotSet(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(bc->lpVtbl->BackupComplete(bc, &a), S_OK);
    finish(a, VSS_E_WRITERERROR_RETRYABLE);
    CHECK(vss_sim_snapshot_count() == 1);
    CHECK_HR(bc->lpVtbl->GatherWriterStatus(bc, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    status_of(bc, 0, &state, &failure, &app, message, sizeof message);
    CHECK(state == VSS_WS_WAITING_FOR_BACKUP_COMPLETE);
    status_of(bc, 1, &state, &failure, &app, message, sizeof message);
    CHECK(state == VSS_WS_FAILED_AT_BACKUP_COMPLETE && failure == VSS_E_WRITERERROR_RETRYABLE &&
          !strcmp(message, "later"));
    bc->lpVtbl->Release(bc);
    vss_sim_reset();
}

/* Per-volume limit and one shadow copy creation at a time. */
static void limits(void)
{
    vss_sim_reset();
    vss_sim_set_max_snapshots_per_volume(2);
    CHECK(vss_sim_generate_snapshots(2, "C:\\") == 2);
    IVssBackupComponentsEx4 *one = create_bc(), *two = create_bc(), *three = create_bc();
    VSS_ID set_id, snap_id;
    IVssAsync *a;
    CHECK_HR(one->lpVtbl->InitializeForBackup(one, NULL), S_OK);
    CHECK_HR(one->lpVtbl->StartSnapshotSet(one, &set_id), S_OK);
    CHECK_HR(one->lpVtbl->AddToSnapshotSet(one, (VSS_PWSZ)W("C:\\"), null_guid, &snap_id),
             VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED);
    vss_sim_set_max_snapshots_per_volume(-1);
    CHECK_HR(one->lpVtbl->AddToSnapshotSet(one, (VSS_PWSZ)W("C:\\"), null_guid, &snap_id), S_OK);

    /* While one object's set runs, nobody else starts one. */
    CHECK_HR(two->lpVtbl->InitializeForBackup(two, NULL), S_OK);
    CHECK_HR(two->lpVtbl->StartSnapshotSet(two, &set_id), VSS_E_SNAPSHOT_SET_IN_PROGRESS);
    CHECK_HR(one->lpVtbl->AbortBackup(one), S_OK);
    CHECK_HR(two->lpVtbl->StartSnapshotSet(two, &set_id), S_OK);
    CHECK_HR(three->lpVtbl->InitializeForBackup(three, NULL), S_OK);
    CHECK_HR(three->lpVtbl->StartSnapshotSet(three, &set_id), VSS_E_SNAPSHOT_SET_IN_PROGRESS);
    CHECK_HR(two->lpVtbl->AddToSnapshotSet(two, (VSS_PWSZ)W("C:\\"), null_guid, &snap_id), S_OK);
    CHECK_HR(two->lpVtbl->PrepareForBackup(two, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(two->lpVtbl->DoSnapshotSet(two, &a), S_OK);
    finish(a, VSS_S_ASYNC_FINISHED);
    CHECK_HR(three->lpVtbl->StartSnapshotSet(three, &set_id), S_OK); /* the set is done */
    three->lpVtbl->Release(three);
    two->lpVtbl->Release(two);
    one->lpVtbl->Release(one);
    CHECK(vss_sim_snapshot_count() == 2);
    vss_sim_reset();
}

/* Providers: the system provider makes no transportable copies; the
 * simulated hardware provider does, and lists itself (README "Providers"). */
static void providers(void)
{
    static const GUID hw = { 0x5a1d0000, 0x0000, 0x4000, { 0x80, 0x00, 0x48, 0x57, 0xc0, 0xde, 0x00, 0x01 } };
    vss_sim_reset();
    IVssBackupComponentsEx4 *bc = create_bc();
    VSS_ID set_id, snap_id;
    CHECK_HR(bc->lpVtbl->InitializeForBackup(bc, NULL), S_OK);
    CHECK_HR(bc->lpVtbl->SetContext(bc, VSS_CTX_NAS_ROLLBACK | VSS_VOLSNAP_ATTR_TRANSPORTABLE), S_OK);
    CHECK_HR(bc->lpVtbl->StartSnapshotSet(bc, &set_id), S_OK);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)W("C:\\"), null_guid, &snap_id), VSS_E_VOLUME_NOT_SUPPORTED);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)W("C:\\"), provider, &snap_id),
             VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER);
    CHECK_HR(bc->lpVtbl->AddToSnapshotSet(bc, (VSS_PWSZ)W("C:\\"), hw, &snap_id), VSS_E_PROVIDER_NOT_REGISTERED);
    bc->lpVtbl->Release(bc);

    vss_sim_set_hardware_provider(1);
    bc = one_set(VSS_CTX_NAS_ROLLBACK | VSS_VOLSNAP_ATTR_TRANSPORTABLE, "C:\\", &snap_id, VSS_S_ASYNC_FINISHED);
    VSS_SNAPSHOT_PROP p;
    CHECK_HR(bc->lpVtbl->GetSnapshotProperties(bc, snap_id, &p), S_OK);
    CHECK(memcmp(&p.m_ProviderId, &hw, sizeof hw) == 0);
    CHECK(p.m_pwszSnapshotDeviceObject == NULL);
    CHECK((p.m_lSnapshotAttributes & (VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED | VSS_VOLSNAP_ATTR_NOT_SURFACED |
                                       VSS_VOLSNAP_ATTR_TRANSPORTABLE | VSS_VOLSNAP_ATTR_PLEX)) ==
          (VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED | VSS_VOLSNAP_ATTR_NOT_SURFACED | VSS_VOLSNAP_ATTR_TRANSPORTABLE |
           VSS_VOLSNAP_ATTR_PLEX));
    VssFreeSnapshotPropertiesInternal(&p);
    IVssEnumObject *e = NULL;
    VSS_OBJECT_PROP op[3];
    ULONG got = 0;
    CHECK_HR(bc->lpVtbl->Query(bc, null_guid, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &e), S_FALSE);
    if (e)
        e->lpVtbl->Release(e);
    CHECK_HR(bc->lpVtbl->Query(bc, null_guid, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &e), S_OK);
    CHECK_HR(e->lpVtbl->Next(e, 3, op, &got), S_FALSE);
    CHECK(got == 2 && op[1].Obj.Prov.m_eProviderType == VSS_PROV_HARDWARE &&
          memcmp(&op[1].Obj.Prov.m_ProviderId, &hw, sizeof hw) == 0);
    for (ULONG i = 0; i < got; i++) {
        CoTaskMemFree(op[i].Obj.Prov.m_pwszProviderName);
        CoTaskMemFree(op[i].Obj.Prov.m_pwszProviderVersion);
    }
    e->lpVtbl->Release(e);
    bc->lpVtbl->Release(bc);
    vss_sim_reset();
}

int main(void)
{
    configure();
    BSTR xml = backup();
    restore(xml);
    async_and_failures();
    management();
    persistent();
    slots();
    make_base();
    directory_volumes();
    persistence();
    bulk();
    writer_failures();
    limits();
    providers();
    set_env("VSS_SIM_SNAPSHOT_ROOT", NULL);
    remove_tree(base_dir);
    CHECK(vss_sim_live_objects() == 0);
    CHECK(vss_sim_live_bstrs() == 0);
    CHECK(vss_sim_live_cotaskmem() == 0);
    CHECK(vss_sim_unknown_frees() == 0);
    if (vss_sim_live_objects() || vss_sim_live_bstrs() || vss_sim_live_cotaskmem())
        fprintf(stderr, "live: objects %d, bstrs %d, cotaskmem %d\n", vss_sim_live_objects(), vss_sim_live_bstrs(),
                vss_sim_live_cotaskmem());
    if (failures) {
        printf("%d of %d checks failed\n", failures, checks);
        return 1;
    }
    printf("%d checks passed\n", checks);
    return 0;
}
