/* COM activation of CLSID_VssSnapshotMgmt: a minimal COM runtime on Linux,
 * an in-process server (class factory, registration) on Windows. */
#include "objects.h"

#include "sync.h"
#include "util.h"

/* Activation itself is not recorded: only the object's own methods are. */
static HRESULT create_mgmt(REFIID riid, void **ppv)
{
    sim_lock();
    HRESULT hr = mgmt_create(riid, ppv);
    sim_unlock();
    return hr;
}

#ifndef _WIN32

static _Thread_local int com_inits;
static _Thread_local DWORD com_mode;

SIM_EXPORT HRESULT CoInitializeEx(void *pvReserved, DWORD dwCoInit)
{
    (void)pvReserved;
    if (com_inits && com_mode != dwCoInit)
        return RPC_E_CHANGED_MODE;
    com_mode = dwCoInit;
    return com_inits++ ? S_FALSE : S_OK;
}

SIM_EXPORT void CoUninitialize(void)
{
    if (com_inits)
        com_inits--;
}

SIM_EXPORT HRESULT CoInitializeSecurity(void *pSecDesc, LONG cAuthSvc, void *asAuthSvc, void *pReserved1,
                                        DWORD dwAuthnLevel, DWORD dwImpLevel, void *pAuthList, DWORD dwCapabilities,
                                        void *pReserved3)
{
    (void)pSecDesc, (void)cAuthSvc, (void)asAuthSvc, (void)pReserved1, (void)dwAuthnLevel, (void)dwImpLevel;
    (void)pAuthList, (void)dwCapabilities, (void)pReserved3;
    return S_OK;
}

/* CLSID_GlobalOptions: requesters turn COM's exception handling off through
 * IGlobalOptions (security-considerations-for-requestors.md), and Windows
 * always has the class, so the Linux COM runtime offers it too. One process-wide
 * object, as in ole32; only COMGLB_EXCEPTION_HANDLING is kept. */
static const GUID clsid_global_options = {0x0000034b, 0x0000, 0x0000, {0xc0, 0, 0, 0, 0, 0, 0, 0x46}};
static const GUID iid_global_options = {0x0000015b, 0x0000, 0x0000, {0xc0, 0, 0, 0, 0, 0, 0, 0x46}};
enum { COMGLB_EXCEPTION_HANDLING = 1, COMGLB_PROPERTY_LAST = 5, COMGLB_EXCEPTION_DONOT_HANDLE_ANY = 2 };

typedef struct GlobalOptions GlobalOptions;
typedef struct GlobalOptionsVtbl {
    HRESULT (*QueryInterface)(GlobalOptions *This, REFIID riid, void **ppv);
    ULONG (*AddRef)(GlobalOptions *This);
    ULONG (*Release)(GlobalOptions *This);
    HRESULT (*Set)(GlobalOptions *This, DWORD property, uintptr_t value);
    HRESULT (*Query)(GlobalOptions *This, DWORD property, uintptr_t *value);
} GlobalOptionsVtbl;
struct GlobalOptions {
    const GlobalOptionsVtbl *lpVtbl;
};

static uintptr_t exception_handling; /* COMGLB_EXCEPTION_HANDLE (0) until set */

static HRESULT go_QueryInterface(GlobalOptions *This, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    if (guid_eq(riid, &SIM_IID_IUnknown) || guid_eq(riid, &iid_global_options)) {
        *ppv = This;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

/* Static object: its count never reaches zero. */
static ULONG go_AddRef(GlobalOptions *This)
{
    (void)This;
    return 2;
}

static ULONG go_Release(GlobalOptions *This)
{
    (void)This;
    return 1;
}

static HRESULT go_Set(GlobalOptions *This, DWORD property, uintptr_t value)
{
    (void)This;
    if (property == 0 || property > COMGLB_PROPERTY_LAST)
        return E_INVALIDARG;
    if (property == COMGLB_EXCEPTION_HANDLING) {
        if (value > COMGLB_EXCEPTION_DONOT_HANDLE_ANY)
            return E_INVALIDARG;
        exception_handling = value;
    }
    return S_OK;
}

static HRESULT go_Query(GlobalOptions *This, DWORD property, uintptr_t *value)
{
    (void)This;
    if (!value)
        return E_POINTER;
    if (property == 0 || property > COMGLB_PROPERTY_LAST)
        return E_INVALIDARG;
    *value = property == COMGLB_EXCEPTION_HANDLING ? exception_handling : 0;
    return S_OK;
}

static const GlobalOptionsVtbl go_vtbl = {
    .QueryInterface = go_QueryInterface,
    .AddRef = go_AddRef,
    .Release = go_Release,
    .Set = go_Set,
    .Query = go_Query,
};
static GlobalOptions global_options = {.lpVtbl = &go_vtbl};

SIM_EXPORT HRESULT CoCreateInstance(REFCLSID rclsid, IUnknown *pUnkOuter, DWORD dwClsContext, REFIID riid, void **ppv)
{
    (void)dwClsContext;
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!rclsid || !riid)
        return E_INVALIDARG;
    if (guid_eq(rclsid, &clsid_global_options)) {
        if (pUnkOuter)
            return CLASS_E_NOAGGREGATION;
        return go_QueryInterface(&global_options, riid, ppv);
    }
    if (!guid_eq(rclsid, &SIM_CLSID_VssSnapshotMgmt))
        return REGDB_E_CLASSNOTREG;
    if (pUnkOuter)
        return CLASS_E_NOAGGREGATION;
    return create_mgmt(riid, ppv);
}

#else

static HINSTANCE module;
static LONG server_locks;

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH) {
        module = inst;
        DisableThreadLibraryCalls(inst);
    }
    return TRUE;
}

static HRESULT STDMETHODCALLTYPE cf_QueryInterface(IClassFactory *This, REFIID riid, void **ppv)
{
    if (!ppv)
        return E_POINTER;
    if (guid_eq(riid, &SIM_IID_IUnknown) || guid_eq(riid, &SIM_IID_IClassFactory)) {
        *ppv = This;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

/* The factory is static: its count never reaches zero. */
static ULONG STDMETHODCALLTYPE cf_AddRef(IClassFactory *This)
{
    (void)This;
    return 2;
}

static ULONG STDMETHODCALLTYPE cf_Release(IClassFactory *This)
{
    (void)This;
    return 1;
}

static HRESULT STDMETHODCALLTYPE cf_CreateInstance(IClassFactory *This, IUnknown *pUnkOuter, REFIID riid, void **ppv)
{
    (void)This;
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (pUnkOuter)
        return CLASS_E_NOAGGREGATION;
    return create_mgmt(riid, ppv);
}

static HRESULT STDMETHODCALLTYPE cf_LockServer(IClassFactory *This, BOOL fLock)
{
    (void)This;
    if (fLock)
        InterlockedIncrement(&server_locks);
    else
        InterlockedDecrement(&server_locks);
    return S_OK;
}

static const IClassFactoryVtbl cf_vtbl = {
    .QueryInterface = cf_QueryInterface,
    .AddRef = cf_AddRef,
    .Release = cf_Release,
    .CreateInstance = cf_CreateInstance,
    .LockServer = cf_LockServer,
};

static IClassFactory factory = { .lpVtbl = (IClassFactoryVtbl *)&cf_vtbl };

HRESULT WINAPI DllGetClassObject(REFCLSID rclsid, REFIID riid, LPVOID *ppv)
{
    if (!ppv)
        return E_POINTER;
    *ppv = NULL;
    if (!guid_eq(rclsid, &SIM_CLSID_VssSnapshotMgmt))
        return CLASS_E_CLASSNOTAVAILABLE;
    return cf_QueryInterface(&factory, riid, ppv);
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    sim_lock();
    bool idle = obj_live() == 0;
    sim_unlock();
    return idle && server_locks == 0 ? S_OK : S_FALSE;
}

static const WCHAR clsid_key[] = L"CLSID\\{0B5A2C52-3EB9-470A-96E2-6C6D4570E40F}";

static LONG set_string(HKEY root, const WCHAR *subkey, const WCHAR *name, const WCHAR *value)
{
    HKEY key;
    LONG rc = RegCreateKeyExW(root, subkey, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL);
    if (rc != ERROR_SUCCESS)
        return rc;
    rc = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)value, (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
    RegCloseKey(key);
    return rc;
}

HRESULT WINAPI DllRegisterServer(void)
{
    WCHAR path[MAX_PATH];
    if (!GetModuleFileNameW(module, path, MAX_PATH))
        return HRESULT_FROM_WIN32(GetLastError());
    WCHAR inproc[128];
    swprintf(inproc, 128, L"%ls\\InprocServer32", clsid_key);
    LONG rc = set_string(HKEY_CLASSES_ROOT, clsid_key, NULL, L"VSS simulator: snapshot management");
    if (rc == ERROR_SUCCESS)
        rc = set_string(HKEY_CLASSES_ROOT, inproc, NULL, path);
    if (rc == ERROR_SUCCESS)
        rc = set_string(HKEY_CLASSES_ROOT, inproc, L"ThreadingModel", L"Both");
    return rc == ERROR_SUCCESS ? S_OK : HRESULT_FROM_WIN32(rc);
}

HRESULT WINAPI DllUnregisterServer(void)
{
    LONG rc = RegDeleteTreeW(HKEY_CLASSES_ROOT, clsid_key);
    return rc == ERROR_SUCCESS || rc == ERROR_FILE_NOT_FOUND ? S_OK : HRESULT_FROM_WIN32(rc);
}

#endif
