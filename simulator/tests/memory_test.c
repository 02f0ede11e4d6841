/* Windows only: the simulator's leak counters when a requester frees what it
 * got with the system's own SysFreeString/CoTaskMemFree (oleaut32/ole32, taken
 * by GetProcAddress, not the simulator's forwarders).
 *   memory_test exact   the simulator's IMallocSpy is registered: every free counts
 *   memory_test taken   another spy was registered first: CO_E_OBJISREG, and only
 *                       frees through the simulator count
 *   memory_test off     VSS_SIM_MALLOC_SPY=0: no spy, as with "taken"
 * One mode per process: COM has one spy slot per process. */
#include "../src/platform.h"
#include "vss_sim.h"

typedef BSTR(WINAPI *alloc_bstr_fn)(const OLECHAR *);
typedef void(WINAPI *free_bstr_fn)(BSTR);
typedef INT(WINAPI *realloc_bstr_fn)(BSTR *, const OLECHAR *, unsigned int);
typedef void *(WINAPI *task_alloc_fn)(SIZE_T);
typedef void *(WINAPI *task_realloc_fn)(void *, SIZE_T);
typedef void(WINAPI *task_free_fn)(void *);

typedef struct allocators {
    alloc_bstr_fn SysAllocString;
    free_bstr_fn SysFreeString;
    realloc_bstr_fn SysReAllocStringLen;
    task_alloc_fn CoTaskMemAlloc;
    task_realloc_fn CoTaskMemRealloc;
    task_free_fn CoTaskMemFree;
} allocators;

static allocators sys, sim;

static int failures, checks;

#define CHECK(cond)                                                                                                   \
    do {                                                                                                              \
        checks++;                                                                                                     \
        if (!(cond)) {                                                                                                \
            failures++;                                                                                               \
            printf("FAILED line %d: %s (bstrs %d, cotaskmem %d, unknown frees %d)\n", __LINE__, #cond,                \
                   vss_sim_live_bstrs(), vss_sim_live_cotaskmem(), vss_sim_unknown_frees());                          \
        }                                                                                                             \
    } while (0)

static FARPROC proc(HMODULE m, const char *name)
{
    FARPROC f = m ? GetProcAddress(m, name) : NULL;
    if (!f) {
        printf("missing export %s\n", name);
        exit(2);
    }
    return f;
}

static void bind(HMODULE oleaut, HMODULE ole, allocators *t)
{
    t->SysAllocString = (alloc_bstr_fn)(void *)proc(oleaut, "SysAllocString");
    t->SysFreeString = (free_bstr_fn)(void *)proc(oleaut, "SysFreeString");
    t->CoTaskMemAlloc = (task_alloc_fn)(void *)proc(ole, "CoTaskMemAlloc");
    t->CoTaskMemFree = (task_free_fn)(void *)proc(ole, "CoTaskMemFree");
}

static DWORD WINAPI free_on_thread(LPVOID b)
{
    sys.SysFreeString((BSTR)b);
    return 0;
}

/* Frees through the system's functions are seen, whatever the thread. */
static void exact(void)
{
    CHECK(vss_sim_memory_exact() == 1);
    CHECK(vss_sim_memory_spy_hr() == (uint32_t)S_OK);
    int32_t unknown = vss_sim_unknown_frees();

    BSTR b = sim.SysAllocString(L"hello");
    CHECK(vss_sim_live_bstrs() == 1);
    sys.SysFreeString(b);
    CHECK(vss_sim_live_bstrs() == 0);

    b = sim.SysAllocString(L"grows");
    CHECK(sys.SysReAllocStringLen(&b, L"a longer string than the first one, to move the block", 52));
    CHECK(vss_sim_live_bstrs() == 1);
    sys.SysFreeString(b);
    CHECK(vss_sim_live_bstrs() == 0);

    void *t = sim.CoTaskMemAlloc(16);
    CHECK(vss_sim_live_cotaskmem() == 1);
    t = sys.CoTaskMemRealloc(t, 1 << 16);
    CHECK(t && vss_sim_live_cotaskmem() == 1);
    sys.CoTaskMemFree(t);
    CHECK(vss_sim_live_cotaskmem() == 0);

    b = sim.SysAllocString(L"elsewhere");
    HANDLE th = CreateThread(NULL, 0, free_on_thread, b, 0, NULL);
    CHECK(th && WaitForSingleObject(th, 10000) == WAIT_OBJECT_0);
    CloseHandle(th);
    CHECK(vss_sim_live_bstrs() == 0);

    /* A requester's own allocations are none of the simulator's business. */
    BSTR own = sys.SysAllocString(L"mine");
    void *own_task = sys.CoTaskMemAlloc(8);
    sys.SysFreeString(own);
    sys.CoTaskMemFree(own_task);
    CHECK(vss_sim_live_bstrs() == 0 && vss_sim_live_cotaskmem() == 0 && vss_sim_unknown_frees() == unknown);
}

/* Without the spy only the simulator's forwarders count. */
static void fallback(uint32_t expected_hr)
{
    CHECK(vss_sim_memory_exact() == 0);
    CHECK(vss_sim_memory_spy_hr() == expected_hr);
    BSTR b = sim.SysAllocString(L"counted");
    void *t = sim.CoTaskMemAlloc(16);
    CHECK(vss_sim_live_bstrs() == 1 && vss_sim_live_cotaskmem() == 1);
    sim.SysFreeString(b);
    sim.CoTaskMemFree(t);
    CHECK(vss_sim_live_bstrs() == 0 && vss_sim_live_cotaskmem() == 0);
    b = sim.SysAllocString(L"unseen");
    sys.SysFreeString(b);
    CHECK(vss_sim_live_bstrs() == 1); /* the documented limit of this mode */
}

/* Outs of the VSS API, freed by the system. */
static void api(bool spied)
{
    int32_t bstrs = vss_sim_live_bstrs(), tasks = vss_sim_live_cotaskmem(), unknown = vss_sim_unknown_frees();
    IVssBackupComponents *bc = NULL;
    CHECK(CreateVssBackupComponentsInternal(&bc) == S_OK && bc);
    if (!bc)
        return;
    CHECK(bc->lpVtbl->InitializeForBackup(bc, NULL) == S_OK);
    CHECK(bc->lpVtbl->SetBackupState(bc, FALSE, FALSE, VSS_BT_FULL, FALSE) == S_OK);
    BSTR xml = NULL;
    CHECK(bc->lpVtbl->SaveAsXML(bc, &xml) == S_OK && xml);
    CHECK(vss_sim_live_bstrs() == bstrs + 1);
    sys.SysFreeString(xml);
    CHECK(vss_sim_live_bstrs() == bstrs + (spied ? 0 : 1));

    static const GUID iid_ex4 = { 0xf434c2fd, 0xb553, 0x4961, { 0xa9, 0xf9, 0xa8, 0xe9, 0x0b, 0x67, 0x3e, 0x53 } };
    IVssBackupComponentsEx4 *ex4 = NULL;
    CHECK(bc->lpVtbl->QueryInterface(bc, &iid_ex4, (void **)&ex4) == S_OK && ex4);
    if (ex4) {
        VSS_PWSZ root = NULL, prefix = NULL;
        CHECK(ex4->lpVtbl->GetRootAndLogicalPrefixPaths(ex4, L"C:\\data\\file.txt", &root, &prefix, FALSE) == S_OK);
        CHECK(root && prefix && vss_sim_live_cotaskmem() == tasks + 2);
        sys.CoTaskMemFree(root);
        sys.CoTaskMemFree(prefix);
        CHECK(vss_sim_live_cotaskmem() == tasks + (spied ? 0 : 2));
        ex4->lpVtbl->Release(ex4);
    }
    bc->lpVtbl->Release(bc);
    CHECK(vss_sim_live_objects() == 0);
    CHECK(vss_sim_unknown_frees() == unknown);
}

/* Foreign pointers through the forwarders are unknown frees (and still freed).
 * Run first: without the spy, a block of the simulator's freed by the system
 * stays counted, and a later allocation at that address would look known. */
static void foreign(void)
{
    int32_t unknown = vss_sim_unknown_frees();
    BSTR b = sys.SysAllocString(L"not the simulator's");
    void *t = sys.CoTaskMemAlloc(8);
    sim.SysFreeString(b);
    sim.CoTaskMemFree(t);
    CHECK(vss_sim_unknown_frees() == unknown + 2);
    CHECK(vss_sim_live_bstrs() == 0 && vss_sim_live_cotaskmem() == 0);
}

static HRESULT STDMETHODCALLTYPE other_QueryInterface(IMallocSpy *This, REFIID riid, void **ppv)
{
    *ppv = IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IMallocSpy) ? This : NULL;
    return *ppv ? S_OK : E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE other_AddRef(IMallocSpy *This) { return (void)This, 2; }
static ULONG STDMETHODCALLTYPE other_Release(IMallocSpy *This) { return (void)This, 1; }
static SIZE_T STDMETHODCALLTYPE other_PreAlloc(IMallocSpy *This, SIZE_T cb) { return (void)This, cb; }
static void *STDMETHODCALLTYPE other_PostAlloc(IMallocSpy *This, void *p) { return (void)This, p; }
static void *STDMETHODCALLTYPE other_PreFree(IMallocSpy *This, void *p, BOOL s) { return (void)This, (void)s, p; }
static void STDMETHODCALLTYPE other_PostFree(IMallocSpy *This, BOOL s) { (void)This, (void)s; }
static SIZE_T STDMETHODCALLTYPE other_PreRealloc(IMallocSpy *This, void *p, SIZE_T cb, void **np, BOOL s)
{
    (void)This, (void)s;
    *np = p;
    return cb;
}
static void *STDMETHODCALLTYPE other_PostRealloc(IMallocSpy *This, void *p, BOOL s) { return (void)This, (void)s, p; }
static void *STDMETHODCALLTYPE other_PreGetSize(IMallocSpy *This, void *p, BOOL s) { return (void)This, (void)s, p; }
static SIZE_T STDMETHODCALLTYPE other_PostGetSize(IMallocSpy *This, SIZE_T cb, BOOL s) { return (void)This, (void)s, cb; }
static void *STDMETHODCALLTYPE other_PreDidAlloc(IMallocSpy *This, void *p, BOOL s) { return (void)This, (void)s, p; }
static int STDMETHODCALLTYPE other_PostDidAlloc(IMallocSpy *This, void *p, BOOL s, int a)
{
    return (void)This, (void)p, (void)s, a;
}
static void STDMETHODCALLTYPE other_Heap(IMallocSpy *This) { (void)This; }

static const IMallocSpyVtbl other_vtbl = {
    other_QueryInterface, other_AddRef,      other_Release,     other_PreAlloc,     other_PostAlloc,
    other_PreFree,        other_PostFree,    other_PreRealloc,  other_PostRealloc,  other_PreGetSize,
    other_PostGetSize,    other_PreDidAlloc, other_PostDidAlloc, other_Heap,        other_Heap,
};
static IMallocSpy other_spy = { .lpVtbl = (IMallocSpyVtbl *)&other_vtbl };

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "exact";
    HMODULE oleaut = LoadLibraryW(L"oleaut32.dll"), ole = LoadLibraryW(L"ole32.dll");
    HMODULE simdll = GetModuleHandleW(L"vss_sim.dll");
    bind(oleaut, ole, &sys);
    sys.SysReAllocStringLen = (realloc_bstr_fn)(void *)proc(oleaut, "SysReAllocStringLen");
    sys.CoTaskMemRealloc = (task_realloc_fn)(void *)proc(ole, "CoTaskMemRealloc");
    bind(simdll, simdll, &sim);
    CHECK((void *)sim.SysFreeString != (void *)sys.SysFreeString);

    if (strcmp(mode, "taken") == 0)
        CHECK(CoRegisterMallocSpy(&other_spy) == S_OK);
    else if (strcmp(mode, "off") == 0)
        SetEnvironmentVariableW(L"VSS_SIM_MALLOC_SPY", L"0");
    else if (strcmp(mode, "exact") != 0) {
        printf("usage: memory_test [exact|taken|off]\n");
        return 2;
    }
    CHECK(CoInitializeEx(NULL, COINIT_MULTITHREADED) == S_OK);
    vss_sim_reset();
    bool spied = strcmp(mode, "exact") == 0;
    foreign();
    if (spied)
        exact();
    else
        fallback(strcmp(mode, "taken") == 0 ? (uint32_t)CO_E_OBJISREG : (uint32_t)S_FALSE);
    api(spied);
    CoUninitialize();
    printf("memory (%s): %d checks, %d failed\n", mode, checks, failures);
    return failures ? 1 : 0;
}
