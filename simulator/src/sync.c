#define _POSIX_C_SOURCE 200809L
#include "sync.h"

#ifdef _WIN32
#include <windows.h>

static SRWLOCK state_lock = SRWLOCK_INIT;
static SRWLOCK mem_lock = SRWLOCK_INIT;
static CONDITION_VARIABLE state_cond = CONDITION_VARIABLE_INIT;

void sim_lock(void) { AcquireSRWLockExclusive(&state_lock); }
int sim_trylock(void) { return TryAcquireSRWLockExclusive(&state_lock) != 0; }
void sim_unlock(void) { ReleaseSRWLockExclusive(&state_lock); }
void sim_mem_lock(void) { AcquireSRWLockExclusive(&mem_lock); }
void sim_mem_unlock(void) { ReleaseSRWLockExclusive(&mem_lock); }
void sim_wake_all(void) { WakeAllConditionVariable(&state_cond); }

void sim_wait_until(int64_t deadline_ms)
{
    DWORD timeout = INFINITE;
    if (deadline_ms >= 0) {
        int64_t left = deadline_ms - sim_now_ms();
        timeout = left <= 0 ? 0 : (DWORD)left;
    }
    SleepConditionVariableSRW(&state_cond, &state_lock, timeout, 0);
}

int64_t sim_now_ms(void) { return (int64_t)GetTickCount64(); }

int64_t sim_now_ns(void)
{
    LARGE_INTEGER freq, now;
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (int64_t)((double)now.QuadPart * 1e9 / (double)freq.QuadPart);
}

#else
#include <pthread.h>
#include <time.h>

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t mem_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t state_cond;
static pthread_once_t cond_once = PTHREAD_ONCE_INIT;

static void init_cond(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&state_cond, &attr);
    pthread_condattr_destroy(&attr);
}

void sim_lock(void) { pthread_mutex_lock(&state_lock); }
int sim_trylock(void) { return pthread_mutex_trylock(&state_lock) == 0; }
void sim_unlock(void) { pthread_mutex_unlock(&state_lock); }
void sim_mem_lock(void) { pthread_mutex_lock(&mem_lock); }
void sim_mem_unlock(void) { pthread_mutex_unlock(&mem_lock); }

void sim_wake_all(void)
{
    pthread_once(&cond_once, init_cond);
    pthread_cond_broadcast(&state_cond);
}

void sim_wait_until(int64_t deadline_ms)
{
    pthread_once(&cond_once, init_cond);
    if (deadline_ms < 0) {
        pthread_cond_wait(&state_cond, &state_lock);
        return;
    }
    struct timespec ts = { .tv_sec = deadline_ms / 1000, .tv_nsec = (long)(deadline_ms % 1000) * 1000000L };
    pthread_cond_timedwait(&state_cond, &state_lock, &ts);
}

int64_t sim_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t sim_now_ms(void) { return sim_now_ns() / 1000000LL; }
#endif
