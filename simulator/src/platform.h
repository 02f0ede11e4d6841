/* One include for every simulator source: the VSS declarations of the target
 * (mingw-w64 headers on Windows, the generated fixed-width model elsewhere),
 * the HRESULT values, and the few portability helpers the sources share. */
#ifndef SIM_PLATFORM_H
#define SIM_PLATFORM_H

#ifdef _WIN32
#  ifndef CINTERFACE
#    define CINTERFACE
#  endif
#  ifndef COBJMACROS
#    define COBJMACROS
#  endif
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <windows.h>
#  include <objbase.h>
#  include <oleauto.h>
#  include <vss.h>
#  include <vswriter.h>
#  include <vsbackup.h>
#  include <vsmgmt.h>
#  include <vsserror.h>
/* Exports are listed in vss_sim.def. */
#  define SIM_EXPORT
#else
#  include "../generated/vss_abi.h"
#  define SIM_EXPORT __attribute__((visibility("default")))
#  define SUCCEEDED(hr) ((HRESULT)(hr) >= 0)
#  define FAILED(hr) ((HRESULT)(hr) < 0)
#  define INFINITE 0xFFFFFFFFu
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../generated/hresults.h"

/* Constants of the model that the generated header does not carry. */
#ifndef VSS_ASSOC_NO_MAX_SPACE
#define VSS_ASSOC_NO_MAX_SPACE (-1)
#endif
#ifndef VSS_ASSOC_REMOVE
#define VSS_ASSOC_REMOVE 0
#endif

#define SIM_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define SIM_CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#define SIM_SLOT(Vtbl, Method) ((int)(offsetof(Vtbl, Method) / sizeof(void *)))

#endif
