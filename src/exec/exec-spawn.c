/* exec-spawn.c — the parent side of starting a process: the report pipe,
 * fork(), and reading back a failure record. The child side is in
 * exec-child.c. */
#include "exec/exec.h"
#include "exec/exec-internal.h"

#include <fcntl.h>
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

int exec_spawn(const ExecParams *p, pid_t *ret_pid, int *ret_report_fd) {
        int pipefd[2];

        if (!p || !p->path || !p->argv || !ret_pid || !ret_report_fd)
                return -EINVAL;
        if (p->n_pass_fds > EXEC_PASS_FDS_MAX || (p->n_pass_fds > 0 && !p->pass_fds))
                return p->n_pass_fds > EXEC_PASS_FDS_MAX ? -E2BIG : -EINVAL;

        /* Both ends non-blocking from birth: the read end so the caller can
         * poll it, and the write end does not care (one record of a few
         * bytes into an empty pipe never blocks). Doing it here leaves no
         * failure path after fork(). */
        if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;

        pid_t pid = fork();
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

        safe_close(pipefd[1]);
        *ret_pid = pid;
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
