/* service.h — the service state machine (systemd.service(5) semantics).
 *
 *   DEAD/FAILED --start--> CONDITION -> START_PRE -> START -> START_POST -> RUNNING
 *                                                         \ (oneshot)  -> EXITED (RemainAfterExit)
 *   RUNNING --reload--> RELOAD -> RUNNING
 *   RUNNING --stop / main exit--> STOP (ExecStop) -> STOP_SIGTERM -> STOP_SIGKILL
 *        -> STOP_POST (ExecStopPost) -> FINAL_SIGTERM -> FINAL_SIGKILL -> DEAD | FAILED | AUTO_RESTART
 *   AUTO_RESTART --RestartSec--> CONDITION ... (NRestarts + 1)
 *
 * Invariants: service_set_state() is the only writer of `state`; it drops
 * the timer when the new state has none and tells the unit layer, which
 * settles jobs. At most one control process (ExecStartPre/Post, ExecReload,
 * ExecStop, ExecStopPost, ExecCondition) runs at a time; `control_pid` is
 * set exactly while it runs. `main_pid` is set while the main process is
 * known to live. */
#pragma once

#include "lib/loop.h"
#include "lib/process.h"
#include "unit/unit-settings.h"

typedef struct Unit Unit;

typedef enum ServiceState {
        SERVICE_DEAD,
        SERVICE_CONDITION,
        SERVICE_START_PRE,
        SERVICE_START,
        SERVICE_START_POST,
        SERVICE_RUNNING,
        SERVICE_EXITED,
        SERVICE_RELOAD,
        SERVICE_STOP,
        SERVICE_STOP_SIGTERM,
        SERVICE_STOP_SIGKILL,
        SERVICE_STOP_POST,
        SERVICE_FINAL_SIGTERM,
        SERVICE_FINAL_SIGKILL,
        SERVICE_FAILED,
        SERVICE_AUTO_RESTART,
        _SERVICE_STATE_MAX,
} ServiceState;

typedef enum ServiceResult {
        SERVICE_SUCCESS,
        SERVICE_FAILURE_RESOURCES,
        SERVICE_FAILURE_PROTOCOL,
        SERVICE_FAILURE_TIMEOUT,
        SERVICE_FAILURE_EXIT_CODE,
        SERVICE_FAILURE_SIGNAL,
        SERVICE_FAILURE_CORE_DUMP,
        SERVICE_FAILURE_WATCHDOG,
        SERVICE_FAILURE_START_LIMIT_HIT,
        SERVICE_SKIP_CONDITION,
        _SERVICE_RESULT_MAX,
} ServiceResult;

typedef struct Service {
        ServiceState state;
        ServiceResult result;
        ServiceResult reload_result;

        PidRef main_pid;
        pid_t main_pgid;               /* process group of the first main process, for stragglers */
        bool main_exec_failed;         /* Type=exec: the report said exec failed */
        LoopSource *main_watch;
        int main_report_fd;            /* exec report pipe of the main process */
        LoopSource *exec_watch;        /* Type=exec: waits for the report's EOF */
        PidRef control_pid;
        LoopSource *control_watch;
        int control_report_fd;
        ServiceExecCommand control_command_id;
        size_t control_command_index;
        size_t main_command_index;     /* oneshot: several ExecStart= run in turn */
        LoopSource *timer;

        /* What the last main process did (ExecMain* properties). */
        pid_t exec_main_pid;
        int exec_main_code;            /* CLD_EXITED, CLD_KILLED, CLD_DUMPED; 0 none */
        int exec_main_status;
        usec_t exec_main_start_timestamp, exec_main_exit_timestamp; /* realtime */
        usec_t exec_main_start_monotonic, exec_main_exit_monotonic;

        unsigned n_restarts;
        unsigned restart_attempt;      /* for RestartSteps back-off */
        bool stop_requested;           /* a manual stop: never auto-restart */
        bool restart_after_stop;       /* a restart job: start again once stopped */
        char *status_text;

        usec_t start_limit_begin;      /* monotonic */
        unsigned start_limit_count;

        /* Readiness protocol and watchdog (notify.h). status_text and
         * status_errno come from STATUS=/ERRNO= and are cleared at each start. */
        int status_errno;
        usec_t timer_deadline;         /* monotonic deadline of `timer`, USEC_INFINITY: none */
        LoopSource *watchdog_timer;    /* armed in START..RELOAD while WatchdogSec= (or WATCHDOG_USEC=) > 0 */
        usec_t watchdog_override;      /* WATCHDOG_USEC= of this run; USEC_INFINITY: none */
        usec_t watchdog_timestamp, watchdog_monotonic; /* last WATCHDOG=1 (or the start) */
        bool watchdog_kill;            /* this stop began at a watchdog timeout: SIGABRT first */
        bool fdstore_warned;           /* FDSTORE= warned about once */
        usec_t notify_log_last;        /* monotonic; rate limit of refused-notification warnings */

        /* Process tracking (cgroup-unit.h): the service's cgroup, watched
         * while it exists; removed once empty after the stop. */
        char *cgroup_path;
        int cgroup_fd;                 /* the directory, for clone3 and *_at() */
        bool cgroup_pooled;            /* a "conn-N" cgroup: back to the pool when empty */
        int cgroup_events_fd;
        LoopSource *cgroup_watch;
        bool cgroup_release_pending;   /* stopped; remove once empty */
        bool main_adopted;             /* main_pid is not our child: watched through its pidfd */
        ServiceState saved_state;      /* what the state record says (manager_save_unit_state) */
        pid_t saved_main_pid, saved_control_pid;
        unsigned saved_n_restarts;
        bool state_dirty;              /* named in Manager.units_state_dirty */
} Service;

void service_init(Unit *u);
void service_done(Unit *u);
int service_start(Unit *u);
int service_stop(Unit *u);
int service_reload(Unit *u);
int service_kill(Unit *u, int sig, bool main_only);
void service_reset_failed(Unit *u);
bool service_can_reload(Unit *u);
/* ActiveState for the current state. */
int service_active_state(const Unit *u);
const char *service_state_to_string(ServiceState s);

/* The readiness protocol, called by notify.c for a datagram that passed the
 * unit's NotifyAccess= check. */
typedef struct NotifyMessage NotifyMessage;
/* NotifyAccess= in effect: as set, else main for Type=notify or WatchdogSec=. */
NotifyAccess service_notify_access(Unit *u);
/* MAINPID=pid may be taken: pid is a process of the unit other than the
 * current main one, and a non-root sender is the main process itself.
 * Logs the refusal. */
bool service_notify_main_pid_ok(Unit *u, pid_t pid, bool sender_is_main, uid_t sender_uid);
void service_notify_message(Unit *u, const NotifyMessage *msg, pid_t sender);
/* The watchdog interval in effect (0: none). */
usec_t service_watchdog_usec(Unit *u);
const char *service_result_to_string(ServiceResult r);
ServiceState service_state_from_string(const char *s);
ServiceResult service_result_from_string(const char *s);

/* The cgroup's "populated" changed to 0 (cgroup-unit.c). */
void service_cgroup_changed(Unit *u);
/* Re-adoption (manager-adopt.c) and daemon-reexec (manager-serialize.c):
 * take main (and control) as the running service's processes, child says
 * whether they are our children (watched by SIGCHLD) or not (pidfd). */
int service_adopt_running(Unit *u, pid_t main_pid, bool child);
int service_adopt_control(Unit *u, pid_t pid, bool child);
/* Sets the state of a re-adopted service (notify: as a change, logged and
 * seen by jobs) or of a deserialized one (not a change). */
void service_restore_state(Unit *u, ServiceState st, bool notify);
/* Leftovers of a unit at a crash: stop them as the unit's stop would. */
void service_stop_leftovers(Unit *u);
/* After deserialization: arms the timers the current state needs. */
void service_resume(Unit *u, usec_t timer_deadline);
