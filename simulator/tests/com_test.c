/* Activation of CLSID_VssSnapshotMgmt through the real ole32 (Wine's): after
 * simulator/register_wine.sh, CoCreateInstance must hand out the simulator's
 * object, which the call log then shows. */
#include "../src/platform.h"
#include "vss_sim.h"

static const GUID clsid_mgmt = { 0x0b5a2c52, 0x3eb9, 0x470a, { 0x96, 0xe2, 0x6c, 0x6d, 0x45, 0x70, 0xe4, 0x0f } };
static const GUID iid_mgmt = { 0xfa7df749, 0x66e7, 0x4986, { 0xa2, 0x7f, 0xe2, 0xf0, 0x4a, 0xe5, 0x37, 0x72 } };
static const GUID iid_mgmt2 = { 0x0f61ec39, 0xfe82, 0x45f2, { 0xa3, 0xf0, 0x76, 0x8b, 0x5d, 0x42, 0x71, 0x02 } };

int main(void)
{
    HRESULT hr = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    printf("CoInitializeEx: 0x%08lx\n", (unsigned long)hr);
    vss_sim_reset();
    IVssSnapshotMgmt *m = NULL;
    hr = CoCreateInstance(&clsid_mgmt, NULL, CLSCTX_INPROC_SERVER, &iid_mgmt, (void **)&m);
    printf("CoCreateInstance(CLSID_VssSnapshotMgmt, IID_IVssSnapshotMgmt): 0x%08lx\n", (unsigned long)hr);
    if (FAILED(hr) || !m)
        return 1;
    IVssSnapshotMgmt2 *m2 = NULL;
    LONGLONG min = 0;
    hr = m->lpVtbl->QueryInterface(m, &iid_mgmt2, (void **)&m2);
    if (SUCCEEDED(hr))
        hr = m2->lpVtbl->GetMinDiffAreaSize(m2, &min);
    printf("IVssSnapshotMgmt2::GetMinDiffAreaSize: 0x%08lx, %lld bytes\n", (unsigned long)hr, (long long)min);
    printf("live simulator objects while held: %d\n", vss_sim_live_objects());
    int n = vss_sim_call_count();
    char buf[512];
    for (int i = 0; i < n; i++) {
        vss_sim_call_json(i, buf, sizeof buf);
        printf("  %s\n", buf);
    }
    if (m2)
        m2->lpVtbl->Release(m2);
    m->lpVtbl->Release(m);
    int live = vss_sim_live_objects();
    printf("live simulator objects after release: %d\n", live);
    CoUninitialize();
    bool ok = SUCCEEDED(hr) && min == 320LL * 1024 * 1024 && live == 0 && n > 0;
    printf("%s\n", ok ? "COM activation through ole32: OK" : "COM activation through ole32: FAILED");
    return ok ? 0 : 1;
}
