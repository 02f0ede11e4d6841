/* Locks, one condition variable and a monotonic clock behind a tiny shim
 * (pthreads on Linux, SRWLOCK/CONDITION_VARIABLE on Windows). */
#ifndef SIM_SYNC_H
#define SIM_SYNC_H

#include <stddef.h>
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
void sim_sleep_ms(int ms);

/* Runs fn(arg) on a new detached thread; 0 when the thread could not start. */
int sim_thread_start(void (*fn)(void *), void *arg);
/* This process's id, and whether process `pid` still runs (a crashed or
 * killed owner of a journal entry is not). */
int64_t sim_pid(void);
int sim_pid_alive(int64_t pid);
/* Ends the process at once, as kill -9 would (no destructors, no flush). */
void sim_hard_exit(int code);
/* A named point of a multi-step change (see README "Crash points"): when the
 * point is the one VSS_SIM_CRASH_AT (or vss_sim_set_crash_point) names, the
 * process ends there with exit code 86, as if killed. */
void sim_crash_point(const char *name);
void sim_set_crash_point(const char *name);
/* High-resolution monotonic clock for the benchmark. */
int64_t sim_now_ns(void);
/* The wall clock as a FILETIME (100 ns ticks since 1601-01-01 UTC). */
int64_t sim_filetime_now(void);
/* The host's name as VSS reports machines (DNS name; GetComputerNameExA on
 * Windows, gethostname elsewhere) into buf; "localhost" when it is unknown. */
void sim_host_name(char *buf, size_t cap);

#endif
