/* loop.h — the event loop: one epoll set for every source.
 *
 * Sources: io (any fd), timers (run in the iteration that finds them due;
 * one timerfd armed for the earliest deadline before the loop sleeps,
 * disarmed when none is due: idle means idle), signals (blocked, delivered
 * through one signalfd), children (SIGCHLD on the signalfd; one reap loop
 * with waitid() hands each exit to the watcher of that pid; exits nobody
 * watches — orphans, when we are a subreaper or PID 1 — are reaped and
 * dropped), and deferred work (run at the end of the iteration).
 *
 * Ownership: the loop owns every source; the creator keeps a LoopSource *
 * handle and gives it back with loop_source_free(). A callback may free any
 * source, its own included: the source is only unlinked then and released
 * after the current batch of events.
 *
 * Callbacks return 0 or -errno; an error is remembered by the source's owner
 * only — the loop goes on. */
#pragma once

#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "macro.h"

typedef struct Loop Loop;
typedef struct LoopSource LoopSource;

typedef void (*loop_io_cb)(LoopSource *s, int fd, uint32_t events, void *userdata);
typedef void (*loop_time_cb)(LoopSource *s, usec_t now, void *userdata);
typedef void (*loop_signal_cb)(LoopSource *s, const struct signalfd_siginfo *si, void *userdata);
typedef void (*loop_child_cb)(LoopSource *s, const siginfo_t *si, void *userdata);
typedef void (*loop_defer_cb)(LoopSource *s, void *userdata);
/* Called for a reaped child that has no watcher. */
typedef void (*loop_orphan_cb)(const siginfo_t *si, void *userdata);

int loop_new(Loop **ret);
Loop *loop_free(Loop *l);

int loop_add_io(Loop *l, int fd, uint32_t events, loop_io_cb cb, void *userdata, LoopSource **ret);
int loop_io_set_events(LoopSource *s, uint32_t events);

/* when: monotonic µs; USEC_INFINITY leaves the timer disarmed. */
int loop_add_time(Loop *l, usec_t when, loop_time_cb cb, void *userdata, LoopSource **ret);
int loop_time_set(LoopSource *s, usec_t when);

int loop_add_signal(Loop *l, int sig, loop_signal_cb cb, void *userdata, LoopSource **ret);

/* Watches pid (one watcher per pid). SIGCHLD must not be handled elsewhere. */
int loop_add_child(Loop *l, pid_t pid, loop_child_cb cb, void *userdata, LoopSource **ret);
/* Watches a process that need not be our child (re-adopted after a crash of
 * superd) through its pidfd, which the caller keeps open while the source
 * lives. cb runs once when it ends; the status is real only if it was our
 * child, else CLD_EXITED with status 0. */
int loop_add_pidfd(Loop *l, int pidfd, pid_t pid, loop_child_cb cb, void *userdata, LoopSource **ret);
void loop_set_orphan_handler(Loop *l, loop_orphan_cb cb, void *userdata);

/* Runs cb once at the end of the current (or next) iteration; the source
 * stays and can be re-armed with loop_defer_enable(). */
int loop_add_defer(Loop *l, loop_defer_cb cb, void *userdata, LoopSource **ret);
void loop_defer_enable(LoopSource *s);
/* Like a deferred source, but created disabled, and its work runs after
 * every other piece of the iteration (deferred work, due timers): what a
 * burst of changes leaves behind, written once. */
int loop_add_post(Loop *l, loop_defer_cb cb, void *userdata, LoopSource **ret);

/* NULL in, NULL out. Safe inside any callback. */
LoopSource *loop_source_free(LoopSource *s);
static inline void loop_source_freep(LoopSource **s) {
        loop_source_free(*s);
}

/* One iteration: waits at most timeout µs (USEC_INFINITY: no limit, unless a
 * timer is due), dispatches, runs deferred work. Returns events handled. */
int loop_iterate(Loop *l, usec_t timeout);
/* Iterates until loop_exit(); returns the exit code given to it. */
int loop_run(Loop *l);
void loop_exit(Loop *l, int code);
/* Number of times epoll_wait returned (for the idle-wakeup benchmark). */
uint64_t loop_wakeups(const Loop *l);
