/* Locks, one condition variable and a monotonic clock behind a tiny shim
 * (pthreads on Linux, SRWLOCK/CONDITION_VARIABLE on Windows). */
#ifndef SIM_SYNC_H
#define SIM_SYNC_H

#include <stdint.h>

/* The state lock: held for the whole body of every COM method and control call. */
void sim_lock(void);
void sim_unlock(void);
/* Takes the state lock only if it is free (for the unload clean-up). */
int sim_trylock(void);

/* With the state lock held: sleeps until sim_wake_all() or until the monotonic
 * deadline (milliseconds, see sim_now_ms; negative = no deadline). */
void sim_wait_until(int64_t deadline_ms);
void sim_wake_all(void);

/* A leaf lock for the allocation counters, taken without (or inside) the state lock. */
void sim_mem_lock(void);
void sim_mem_unlock(void);

int64_t sim_now_ms(void);
/* High-resolution monotonic clock for the benchmark. */
int64_t sim_now_ns(void);

#endif
