// Stand-in for bcryptprimitives.dll, which Wine 8 lacks and Rust's std (inside
// deno.exe) imports for ProcessPrng. Backed by RtlGenRandom (advapi32).
// Built without a C runtime: the entry point is DllMain itself.
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved) {
  (void)instance;
  (void)reason;
  (void)reserved;
  return TRUE;
}

BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData) {
  while (cbData > 0) {
    ULONG chunk = cbData > 0x40000000 ? 0x40000000 : (ULONG)cbData;
    if (!SystemFunction036(pbData, chunk)) return FALSE;
    pbData += chunk;
    cbData -= chunk;
  }
  return TRUE;
}
