// A fork–join pool for the engine's short parallel loops. Waking a sleeping thread costs tens of
// microseconds, about as long as an elementwise op on a 256 × 512 batch; so after a job the
// workers keep polling for the next one for a while (SPIN_NS) before they sleep, and a training
// step's ops, which follow each other within microseconds, find them awake.
//
// One job at a time: `ticket` holds the job's generation (high 32 bits) and the next unclaimed
// index (low 32 bits). An odd generation means the job's fields are being written. Anyone who
// wins the compare-and-swap of an index of the live generation runs it; the caller returns once
// `done` reaches the count, so a late worker can never touch a finished job.

#include "ckernels.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define relax() _mm_pause()
#else
#define relax() ((void)0)
#endif

#define SPIN_NS 200000L
#define MAX_WORKERS 63

static _Atomic uint64_t ticket;
static _Atomic uintptr_t job_body, job_context;
static _Atomic long job_count, done;
static _Atomic int sleepers, workers;
static atomic_flag busy = ATOMIC_FLAG_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

/// Runs indices of generation `gen` until none is left unclaimed.
static void claim(uint64_t gen, ck_body body, void *context, long count) {
    uint64_t t = atomic_load(&ticket);
    while (t >> 32 == gen && (long)(t & 0xffffffffu) < count) {
        if (atomic_compare_exchange_weak(&ticket, &t, t + 1)) {
            body(context, (long)(t & 0xffffffffu));
            atomic_fetch_add_explicit(&done, 1, memory_order_release);
            t = atomic_load(&ticket);
        }
    }
}

static void *worker(void *unused) {
    (void)unused;
    uint64_t seen = atomic_load(&ticket) >> 32;
    for (;;) {
        uint64_t t = atomic_load(&ticket);
        long spin_until = now_ns() + SPIN_NS;
        for (int i = 0; (t >> 32) == seen || ((t >> 32) & 1); i++) {
            relax();
            t = atomic_load(&ticket);
            if ((i & 63) == 63 && now_ns() > spin_until) {
                pthread_mutex_lock(&lock);
                atomic_fetch_add(&sleepers, 1);
                while (((t = atomic_load(&ticket)) >> 32) == seen) pthread_cond_wait(&wake, &lock);
                atomic_fetch_sub(&sleepers, 1);
                pthread_mutex_unlock(&lock);
                spin_until = now_ns() + SPIN_NS;
            }
        }
        // Read the job, then check that it is still the one announced (a seqlock's read).
        uint64_t gen = t >> 32;
        ck_body body = (ck_body)atomic_load(&job_body);
        void *context = (void *)atomic_load(&job_context);
        long count = atomic_load(&job_count);
        if (atomic_load(&ticket) >> 32 == gen) claim(gen, body, context, count);
        seen = gen;
    }
    return NULL;
}

void ck_parallel_for(int threads, long count, ck_body body, void *context) {
    if (threads <= 1 || count <= 1 || count >= 0xffffffffL || atomic_flag_test_and_set(&busy)) {
        // One thread, one index, or called from inside a job or beside another caller: inline.
        for (long i = 0; i < count; i++) body(context, i);
        return;
    }
    int want = threads - 1 < MAX_WORKERS ? threads - 1 : MAX_WORKERS;
    while (atomic_load(&workers) < want) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, worker, NULL) != 0) break;
        pthread_detach(thread);
        atomic_fetch_add(&workers, 1);
    }
    uint64_t gen = (atomic_load(&ticket) >> 32) + 1;             // odd: being written
    atomic_store(&ticket, (gen << 32) | 0xffffffffu);
    atomic_store(&job_body, (uintptr_t)body);
    atomic_store(&job_context, (uintptr_t)context);
    atomic_store(&job_count, count);
    atomic_store(&done, 0);
    atomic_store(&ticket, (gen + 1) << 32);                       // even: open for claims
    if (atomic_load(&sleepers) > 0) {
        pthread_mutex_lock(&lock);
        pthread_cond_broadcast(&wake);
        pthread_mutex_unlock(&lock);
    }
    claim(gen + 1, body, context, count);
    // The last indices are running elsewhere. On a busy machine their thread may have lost its
    // core, so after a short spin give ours away rather than burn it.
    for (int i = 0; atomic_load_explicit(&done, memory_order_acquire) < count; i++) {
        if (i < 4096) relax(); else sched_yield();
    }
    atomic_flag_clear(&busy);
}
