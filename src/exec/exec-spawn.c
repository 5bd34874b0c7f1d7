/* exec-spawn.c — the parent side of starting a process: the report pipe,
 * fork(), and reading back a failure record. The child side is in
 * exec-child.c. */
#include "exec/exec.h"
#include "exec/exec-internal.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/macro.h"

typedef struct ExecStepInfo {
        const char *name;
        int exit_status;
} ExecStepInfo;

/* Names and exit statuses as systemd.exec(5) "Process Exit Codes" gives
 * them. EXEC_STEP_NONE is not a failure; it maps to a generic 1. */
static const ExecStepInfo exec_step_table[_EXEC_STEP_MAX] = {
        [EXEC_STEP_NONE] = { "NONE", 1 },
        [EXEC_STEP_FDS] = { "FDS", 202 },
        [EXEC_STEP_STDIN] = { "STDIN", 208 },
        [EXEC_STEP_STDOUT] = { "STDOUT", 209 },
        [EXEC_STEP_STDERR] = { "STDERR", 222 },
        [EXEC_STEP_SIGNAL_MASK] = { "SIGNAL_MASK", 207 },
        [EXEC_STEP_SETSID] = { "SETSID", 220 },
        [EXEC_STEP_LIMITS] = { "LIMITS", 205 },
        [EXEC_STEP_NICE] = { "NICE", 201 },
        [EXEC_STEP_OOM_ADJUST] = { "OOM_ADJUST", 206 },
        [EXEC_STEP_IOPRIO] = { "IOPRIO", 211 },
        [EXEC_STEP_SETSCHEDULER] = { "SETSCHEDULER", 214 },
        [EXEC_STEP_USER] = { "USER", 217 },
        [EXEC_STEP_GROUP] = { "GROUP", 216 },
        [EXEC_STEP_CHROOT] = { "CHROOT", 210 },
        [EXEC_STEP_NO_NEW_PRIVILEGES] = { "NO_NEW_PRIVILEGES", 227 },
        [EXEC_STEP_CHDIR] = { "CHDIR", 200 },
        [EXEC_STEP_EXEC] = { "EXEC", 203 },
        [EXEC_STEP_CGROUP] = { "CGROUP", 219 },
};

const char *exec_step_to_string(ExecStep s) {
        if ((int) s < 0 || s >= _EXEC_STEP_MAX)
                return NULL;
        return exec_step_table[s].name;
}

int exec_step_exit_status(ExecStep s) {
        if ((int) s < 0 || s >= _EXEC_STEP_MAX)
                return 1;
        return exec_step_table[s].exit_status;
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The kernel's struct clone_args, up to the cgroup field (clone3(2)). */
struct spawn_clone_args {
        uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
                set_tid_size, cgroup;
};

/* Moving a process into a cgroup takes a lock that waits for an RCU grace
 * period (milliseconds); a child born inside it (clone3 CLONE_INTO_CGROUP)
 * pays nothing. Returns the pid, 0 in the child, or -1 (errno) when the
 * kernel cannot: then the caller forks and the child moves itself. */
static pid_t spawn_into_cgroup(int cgroup_fd) {
        struct spawn_clone_args a = { .flags = CLONE_INTO_CGROUP, .exit_signal = SIGCHLD,
                                      .cgroup = (uint64_t) cgroup_fd };
        return (pid_t) syscall(SYS_clone3, &a, sizeof a);
}

/* User and group names are looked up in the child (getpwnam() and friends
 * allocate and may talk to daemons), which a child sharing our memory must
 * not do. */
static bool spawn_needs_nss(const ExecParams *p) {
        return p->user || p->group || (p->supplementary_groups && p->supplementary_groups[0]) ||
               (p->working_directory && p->working_directory[0] == '~');
}

void exec_reset_signal_dispositions(void) {
        struct sigaction sa = { .sa_handler = SIG_DFL };
        for (int sig = 1; sig < NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP && sig != 32 && sig != 33)
                        (void) sigaction(sig, &sa, NULL);
}

int exec_spawn(const ExecParams *p, pid_t *ret_pid, int *ret_report_fd) {
        int pidfd = -1;
        int r = exec_spawn_pidfd(p, ret_pid, &pidfd, ret_report_fd);
        safe_close(pidfd);
        return r;
}

int exec_spawn_pidfd(const ExecParams *p, pid_t *ret_pid, int *ret_pidfd, int *ret_report_fd) {
        int pipefd[2], pidfd = -1;

        if (!p || !p->path || !p->argv || !ret_pid || !ret_pidfd || !ret_report_fd)
                return -EINVAL;
        if (p->n_pass_fds > EXEC_PASS_FDS_MAX || (p->n_pass_fds > 0 && !p->pass_fds))
                return p->n_pass_fds > EXEC_PASS_FDS_MAX ? -E2BIG : -EINVAL;

        /* Both ends non-blocking from birth: the read end so the caller can
         * poll it, and the write end does not care (one record of a few
         * bytes into an empty pipe never blocks). Doing it here leaves no
         * failure path after fork(). */
        if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;

        ExecParams born_inside = *p;
        bool into_cgroup = p->cgroup_set && p->cgroup_fd >= 0;
        born_inside.cgroup_set = false; /* nothing to move */
        pid_t pid = -1;
        /* A child sharing our memory suspends us until it execs: only where
         * the caller knows its paths are on local filesystems (a hung mount
         * would hang us with it) and it looks up no names. */
        if (p->share_memory_ok && !spawn_needs_nss(p)) {
                pid = exec_clone_shared(&born_inside, pipefd[1], into_cgroup ? p->cgroup_fd : -1, &pidfd);
                if (pid > 0)
                        goto spawned;
        }
        pid = into_cgroup ? spawn_into_cgroup(p->cgroup_fd) : -1;
        if (pid == 0)
                p = &born_inside;
        else if (pid < 0)
                pid = fork();
        if (pid < 0) {
                int r = -errno;
                safe_close(pipefd[0]);
                safe_close(pipefd[1]);
                return r;
        }
        if (pid == 0) {
                safe_close(pipefd[0]);
                exec_child(p, pipefd[1]); /* never returns */
        }

spawned:
        safe_close(pipefd[1]);
        *ret_pid = pid;
        *ret_pidfd = pidfd;
        *ret_report_fd = pipefd[0];
        return 0;
}

int exec_read_report(int fd, ExecFailure *ret) {
        ExecReport rec;
        ssize_t n;

        if (fd < 0)
                return -EBADF;

        do
                n = read(fd, &rec, sizeof(rec));
        while (n < 0 && errno == EINTR);

        if (n < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        if (n == 0)
                return 0;
        if ((size_t) n != sizeof(rec))
                return -EIO; /* records are written in one piece (< PIPE_BUF) */
        if (rec.step <= EXEC_STEP_NONE || rec.step >= _EXEC_STEP_MAX || rec.error <= 0)
                return -EBADMSG;

        if (ret)
                *ret = (ExecFailure) { .step = (ExecStep) rec.step, .error = rec.error };
        return 1;
}
