/* execute.h — spawning a unit's command: the unit's exec settings and the
 * manager's defaults turned into ExecParams (environment, credentials,
 * stdio, limits) and handed to exec_spawn(). Output that goes to the
 * journal is read by an OutputStream owned by the manager. */
#pragma once

#include "exec/exec.h"
#include "lib/process.h"
#include "unit.h"

typedef enum SpawnFlags {
        SPAWN_MAIN = 1 << 0,         /* the main process (stdin/out as configured) */
        SPAWN_SET_MAINPID = 1 << 1,  /* export MAINPID= (ExecStop, ExecReload...) */
} SpawnFlags;

/* Starts cmd for u. On success fills *ret_pid (with pidfd) and
 * *ret_report_fd (exec report pipe, owned by the caller). On failure
 * before the fork returns -errno after logging what failed. */
int unit_spawn(Unit *u, const ExecCommand *cmd, SpawnFlags flags, pid_t main_pid,
               PidRef *ret_pid, int *ret_report_fd);

/* Logs a spawn failure the child reported, as systemd words it. Returns true
 * when there was one. */
bool unit_log_exec_failure(Unit *u, const ExecCommand *cmd, int report_fd);
void unit_log_exec_failure_record(Unit *u, const ExecCommand *cmd, const ExecFailure *f);

/* Adds to f's UnenforcedSettings what this superd cannot enforce, with one
 * warning in f->diag: TasksMax= unless tasks_max_enforced (a cgroup per
 * service with the pids controller, cgroup-unit.h). */
void unit_file_note_unenforced(UnitFile *f, bool tasks_max_enforced);

/* "EXEC" for 203 etc., NULL for other statuses. */
const char *unit_exit_status_name(int status);

/* Frees every output stream (at manager exit; normally they end at EOF). */
void output_streams_free(Manager *m);
