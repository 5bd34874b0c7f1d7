/* exec-internal.h — what exec-spawn.c and exec-child.c share: the record
 * the child writes to the report pipe when a step fails, and the child's
 * entry point. Private to src/exec. */
#pragma once

#include <stdint.h>

#include "exec/exec.h"

/* One record per failed child, written with a single write() (far below
 * PIPE_BUF, so it arrives whole or not at all). */
typedef struct ExecReport {
        int32_t step;  /* ExecStep */
        int32_t error; /* positive errno */
} ExecReport;

/* Most fds a child may be handed on top of 0-2 (the child arranges them in
 * a fixed-size table on its stack). */
#define EXEC_PASS_FDS_MAX 4096

/* Most supplementary groups the child will set. */
#define EXEC_GROUPS_MAX 4096

/* Runs in the forked child: performs the steps of exec.h in order, then
 * execve(). On failure writes an ExecReport to report_fd and _exit()s with
 * exec_step_exit_status(). Never returns. */
_Noreturn void exec_child(const ExecParams *p, int report_fd);

/* Starts exec_child(p, report_fd) in a child that shares our memory until
 * it execs, born in the cgroup cgroup_fd (-1: ours); we are suspended until
 * then (exec-clone.c). Returns its pid (and a pidfd for it in *ret_pidfd),
 * or -errno: -ENOSYS where this is not built, anything else where the
 * kernel refuses; then fork instead. Only for p that needs no NSS lookup
 * (no User=, Group=, SupplementaryGroups=) and whose paths the caller
 * vouched are local (ExecParams.share_memory_ok): we wait for this child. */
pid_t exec_clone_shared(const ExecParams *p, int report_fd, int cgroup_fd, int *ret_pidfd);
