#define _POSIX_C_SOURCE 200809L
#include "sync.h"

#ifdef _WIN32
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

typedef struct thread_arg {
    void (*fn)(void *);
    void *arg;
} thread_arg;

static DWORD WINAPI thread_main(LPVOID p)
{
    thread_arg t = *(thread_arg *)p;
    free(p);
    t.fn(t.arg);
    return 0;
}

int sim_thread_start(void (*fn)(void *), void *arg)
{
    thread_arg *t = malloc(sizeof *t);
    if (!t)
        return 0;
    t->fn = fn;
    t->arg = arg;
    HANDLE h = CreateThread(NULL, 0, thread_main, t, 0, NULL);
    if (!h) {
        free(t);
        return 0;
    }
    CloseHandle(h);
    return 1;
}

int64_t sim_pid(void) { return (int64_t)GetCurrentProcessId(); }

void sim_sleep_ms(int ms) { Sleep((DWORD)ms); }

int sim_pid_alive(int64_t pid)
{
    if (pid == sim_pid())
        return 1;
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, (DWORD)pid);
    if (!h)
        return GetLastError() == ERROR_ACCESS_DENIED;
    DWORD code = 0;
    int alive = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
    CloseHandle(h);
    return alive;
}

void sim_hard_exit(int code) { TerminateProcess(GetCurrentProcess(), (UINT)code); }

int64_t sim_now_ns(void)
{
    LARGE_INTEGER freq, now;
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&now);
    return (int64_t)((double)now.QuadPart * 1e9 / (double)freq.QuadPart);
}

int64_t sim_filetime_now(void)
{
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return (int64_t)(((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime);
}

void sim_host_name(char *buf, size_t cap)
{
    DWORD n = (DWORD)cap;
    if (!cap)
        return;
    if (!GetComputerNameExA(ComputerNameDnsFullyQualified, buf, &n) || !buf[0]) {
        n = (DWORD)cap;
        if (!GetComputerNameA(buf, &n) || !buf[0])
            snprintf(buf, cap, "localhost");
    }
}

#else
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

typedef struct thread_arg {
    void (*fn)(void *);
    void *arg;
} thread_arg;

static void *thread_main(void *p)
{
    thread_arg t = *(thread_arg *)p;
    free(p);
    t.fn(t.arg);
    return NULL;
}

int sim_thread_start(void (*fn)(void *), void *arg)
{
    thread_arg *t = malloc(sizeof *t);
    if (!t)
        return 0;
    t->fn = fn;
    t->arg = arg;
    pthread_t th;
    if (pthread_create(&th, NULL, thread_main, t) != 0) {
        free(t);
        return 0;
    }
    pthread_detach(th);
    return 1;
}

int64_t sim_pid(void) { return (int64_t)getpid(); }

void sim_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

int sim_pid_alive(int64_t pid)
{
    if (pid <= 0)
        return 0;
    if (kill((pid_t)pid, 0) == 0)
        return 1;
    return errno == EPERM;
}

void sim_hard_exit(int code) { _exit(code); }

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

int64_t sim_filetime_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* 11644473600 s between 1601-01-01 and 1970-01-01 */
    return ((int64_t)ts.tv_sec + 11644473600LL) * 10000000LL + ts.tv_nsec / 100;
}

void sim_host_name(char *buf, size_t cap)
{
    if (!cap)
        return;
    if (gethostname(buf, cap) != 0 || !buf[0])
        snprintf(buf, cap, "localhost");
    buf[cap - 1] = '\0';
}
#endif

/* ---- crash points (tests of recovery) ---- */

static char crash_point[64];

void sim_set_crash_point(const char *name)
{
    crash_point[0] = '\0';
    if (name)
        strncat(crash_point, name, sizeof crash_point - 1);
}

void sim_crash_point(const char *name)
{
    const char *want = crash_point[0] ? crash_point : getenv("VSS_SIM_CRASH_AT");
    if (want && *want && strcmp(want, name) == 0)
        sim_hard_exit(86);
}
