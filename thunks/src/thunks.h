/* Shared by the generated thunks and the bulk readers. */
#ifndef VSS_THUNKS_H
#define VSS_THUNKS_H

#ifdef _WIN32
#define THUNK_EXPORT __declspec(dllexport)
#else
#define THUNK_EXPORT __attribute__((visibility("default")))
#endif

#endif /* VSS_THUNKS_H */
