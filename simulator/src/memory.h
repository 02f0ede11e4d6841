/* BSTR and CoTaskMem allocation with live counts. Every pointer handed out is
 * remembered until it is freed: through the simulator, or on Windows through
 * the system's allocators too (seen by the simulator's IMallocSpy, memory.c). */
#ifndef SIM_MEMORY_H
#define SIM_MEMORY_H

#include "platform.h"

BSTR mem_bstr_alloc(const WCHAR *s, size_t n); /* s may be NULL: zero-filled */
BSTR mem_bstr_from_u8(const char *s);          /* NULL stays NULL */
void mem_bstr_free(BSTR b);
UINT mem_bstr_len(BSTR b);

void *mem_task_alloc(size_t n);
void mem_task_free(void *p);
WCHAR *mem_task_wstr(const char *s); /* NULL stays NULL */

int32_t mem_live_bstrs(void);
int32_t mem_live_task(void);
int32_t mem_unknown_frees(void);

#endif
