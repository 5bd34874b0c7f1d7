/* process.h — pids with pidfds, so a signal never hits a recycled pid. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

typedef struct PidRef {
        pid_t pid;  /* 0: none */
        int fd;     /* pidfd, -1 if the kernel gave none */
} PidRef;

#define PIDREF_NULL ((PidRef) { .pid = 0, .fd = -1 })

/* Fills ref for pid, opening a pidfd when the kernel supports it. */
int pidref_set(PidRef *ref, pid_t pid);
/* Takes fd (a pidfd of pid) into ref; fd -1: as pidref_set(). */
int pidref_set_fd(PidRef *ref, pid_t pid, int fd);
/* Our own child, not yet reaped: its pid cannot name another process until
 * we reap it, so no pidfd is kept (every fd superd holds is copied into
 * each child it spawns). */
void pidref_set_child(PidRef *ref, pid_t pid);
void pidref_done(PidRef *ref);
static inline bool pidref_is_set(const PidRef *ref) {
        return ref->pid > 0;
}
/* Sends sig through the pidfd (falls back to kill() without one). */
int pidref_kill(const PidRef *ref, int sig);
/* Sends sig to the process group led by ref (kill(-pid)), and to ref itself. */
int pidref_kill_group(const PidRef *ref, int sig);

/* Reads field from /proc/PID/stat: the session id. -errno on failure. */
int process_get_sid(pid_t pid, pid_t *ret);
int process_get_ppid(pid_t pid, pid_t *ret);
/* starttime of /proc/PID/stat (clock ticks since boot): with the pid, it
 * names one process for as long as the machine runs. */
int process_get_starttime(pid_t pid, unsigned long long *ret);
/* The state letter of /proc/PID/stat (R, S, Z, ...). */
int process_get_state(pid_t pid, char *ret);
/* pid exists and is not a zombie. */
bool process_is_alive(pid_t pid);
/* Lists pids (excluding exclude) whose session id is sid. */
int process_list_session(pid_t sid, pid_t exclude, pid_t **ret, size_t *ret_n);
