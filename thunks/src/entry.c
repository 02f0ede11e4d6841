/*
 * The Windows build links no C runtime and imports nothing: this is its entry
 * point, and the two memory routines the compiler may emit calls to.
 */
#ifdef _WIN32
#include <stddef.h>

int __stdcall DllMainCRTStartup(void *module, unsigned long reason, void *reserved);
int __stdcall DllMainCRTStartup(void *module, unsigned long reason, void *reserved) {
    (void)module;
    (void)reason;
    (void)reserved;
    return 1;
}

void *memcpy(void *to, const void *from, size_t n);
void *memcpy(void *to, const void *from, size_t n) {
    unsigned char *t = to;
    const unsigned char *f = from;
    while (n--) *t++ = *f++;
    return to;
}

void *memset(void *to, int value, size_t n);
void *memset(void *to, int value, size_t n) {
    unsigned char *t = to;
    while (n--) *t++ = (unsigned char)value;
    return to;
}
#else
typedef int vss_thunks_entry_unused;
#endif
