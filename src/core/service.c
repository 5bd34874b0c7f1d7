#include "service.h"
#include "service-internal.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-unit.h"
#include "exec-dirs.h"
#include "execute.h"
#include "lib/log.h"
#include "lib/timespan.h"
#include "manager.h"
#include "notify-parse.h"
#include "notify.h"
#include "socket.h"
#include "unit.h"

static const UnitActiveState state_to_active[_SERVICE_STATE_MAX] = {
        [SERVICE_DEAD] = UNIT_INACTIVE,
        [SERVICE_CONDITION] = UNIT_ACTIVATING,
        [SERVICE_START_PRE] = UNIT_ACTIVATING,
        [SERVICE_START] = UNIT_ACTIVATING,
        [SERVICE_START_POST] = UNIT_ACTIVATING,
        [SERVICE_RUNNING] = UNIT_ACTIVE,
        [SERVICE_EXITED] = UNIT_ACTIVE,
        [SERVICE_RELOAD] = UNIT_RELOADING,
        [SERVICE_STOP] = UNIT_DEACTIVATING,
        [SERVICE_STOP_SIGTERM] = UNIT_DEACTIVATING,
        [SERVICE_STOP_SIGKILL] = UNIT_DEACTIVATING,
        [SERVICE_STOP_POST] = UNIT_DEACTIVATING,
        [SERVICE_FINAL_SIGTERM] = UNIT_DEACTIVATING,
        [SERVICE_FINAL_SIGKILL] = UNIT_DEACTIVATING,
        [SERVICE_FAILED] = UNIT_FAILED,
        [SERVICE_AUTO_RESTART] = UNIT_ACTIVATING,
};

static const char *const state_names[_SERVICE_STATE_MAX] = {
        [SERVICE_DEAD] = "dead",
        [SERVICE_CONDITION] = "condition",
        [SERVICE_START_PRE] = "start-pre",
        [SERVICE_START] = "start",
        [SERVICE_START_POST] = "start-post",
        [SERVICE_RUNNING] = "running",
        [SERVICE_EXITED] = "exited",
        [SERVICE_RELOAD] = "reload",
        [SERVICE_STOP] = "stop",
        [SERVICE_STOP_SIGTERM] = "stop-sigterm",
        [SERVICE_STOP_SIGKILL] = "stop-sigkill",
        [SERVICE_STOP_POST] = "stop-post",
        [SERVICE_FINAL_SIGTERM] = "final-sigterm",
        [SERVICE_FINAL_SIGKILL] = "final-sigkill",
        [SERVICE_FAILED] = "failed",
        [SERVICE_AUTO_RESTART] = "auto-restart",
};

static const char *const result_names[_SERVICE_RESULT_MAX] = {
        [SERVICE_SUCCESS] = "success",
        [SERVICE_FAILURE_RESOURCES] = "resources",
        [SERVICE_FAILURE_PROTOCOL] = "protocol",
        [SERVICE_FAILURE_TIMEOUT] = "timeout",
        [SERVICE_FAILURE_EXIT_CODE] = "exit-code",
        [SERVICE_FAILURE_SIGNAL] = "signal",
        [SERVICE_FAILURE_CORE_DUMP] = "core-dump",
        [SERVICE_FAILURE_WATCHDOG] = "watchdog",
        [SERVICE_FAILURE_START_LIMIT_HIT] = "start-limit-hit",
        [SERVICE_SKIP_CONDITION] = "exec-condition",
};

/* States in which a timer runs, and what it means when it fires. */
bool service_state_has_timer(ServiceState st) {
        switch (st) {
        case SERVICE_CONDITION:
        case SERVICE_START_PRE:
        case SERVICE_START:
        case SERVICE_START_POST:
        case SERVICE_RELOAD:
        case SERVICE_STOP:
        case SERVICE_STOP_SIGTERM:
        case SERVICE_STOP_SIGKILL:
        case SERVICE_STOP_POST:
        case SERVICE_FINAL_SIGTERM:
        case SERVICE_FINAL_SIGKILL:
        case SERVICE_AUTO_RESTART:
                return true;
        case SERVICE_RUNNING:
                return true; /* RuntimeMaxSec */
        default:
                return false;
        }
}

ServiceState service_state_from_string(const char *s) {
        for (ServiceState i = 0; i < _SERVICE_STATE_MAX; i++)
                if (streq(state_names[i], s))
                        return i;
        return _SERVICE_STATE_MAX;
}

ServiceResult service_result_from_string(const char *s) {
        for (ServiceResult i = 0; i < _SERVICE_RESULT_MAX; i++)
                if (streq(result_names[i], s))
                        return i;
        return _SERVICE_RESULT_MAX;
}

const char *service_state_to_string(ServiceState s) {
        return s < _SERVICE_STATE_MAX ? state_names[s] : "invalid";
}

const char *service_result_to_string(ServiceResult r) {
        return r < _SERVICE_RESULT_MAX ? result_names[r] : "invalid";
}

int service_active_state(const Unit *u) {
        return state_to_active[u->service.state];
}

static const ServiceSettings *settings(Unit *u) {
        return &unit_settings(u)->service;
}

static void service_enter_stop(Unit *u, ServiceResult r);
void service_enter_signal(Unit *u, ServiceState st, ServiceResult r);
static void service_enter_stop_post(Unit *u, ServiceResult r);
static void service_enter_dead(Unit *u, ServiceResult r);
static void service_enter_start_pre(Unit *u);
static void service_enter_start(Unit *u);
void service_enter_start_post(Unit *u);
void service_enter_running(Unit *u, ServiceResult r);
static void service_enter_condition(Unit *u);
static void service_timer_fired(LoopSource *src, usec_t now, void *userdata);

void service_init(Unit *u) {
        Service *s = &u->service;
        *s = (Service) {
                .state = SERVICE_DEAD,
                .main_pid = PIDREF_NULL,
                .control_pid = PIDREF_NULL,
                .main_report_fd = -1,
                .control_report_fd = -1,
                .timer_deadline = USEC_INFINITY,
                .watchdog_override = USEC_INFINITY,
                .cgroup_fd = -1,
                .cgroup_events_fd = -1,
        };
}

void service_unwatch_main(Unit *u) {
        Service *s = &u->service;
        s->main_watch = loop_source_free(s->main_watch);
        s->exec_watch = loop_source_free(s->exec_watch);
        s->main_report_fd = safe_close(s->main_report_fd);
        pidref_done(&s->main_pid);
        s->main_adopted = false;
}

static void service_unwatch_control(Unit *u) {
        Service *s = &u->service;
        s->control_watch = loop_source_free(s->control_watch);
        s->control_report_fd = safe_close(s->control_report_fd);
        pidref_done(&s->control_pid);
}

void service_done(Unit *u) {
        Service *s = &u->service;
        service_unwatch_main(u);
        service_unwatch_control(u);
        s->timer = loop_source_free(s->timer);
        s->watchdog_timer = loop_source_free(s->watchdog_timer);
        service_cgroup_done(u);
        free(s->status_text);
        s->status_text = NULL;
}

void service_arm_timer(Unit *u, usec_t relative) {
        Service *s = &u->service;
        s->timer_deadline = USEC_INFINITY;
        if (relative == USEC_INFINITY) {
                if (s->timer)
                        loop_time_set(s->timer, USEC_INFINITY);
                return;
        }
        usec_t when = now_monotonic() + relative;
        s->timer_deadline = when;
        if (s->timer)
                loop_time_set(s->timer, when);
        else if (loop_add_time(u->manager->loop, when, service_timer_fired, u, &s->timer) < 0)
                log_unit_warning(u->name, "Failed to arm timer, ignoring.");
}

void service_set_state(Unit *u, ServiceState st) {
        Service *s = &u->service;
        UnitActiveState old = unit_active_state(u);
        ServiceState old_state = s->state;
        s->state = st;
        if (!service_state_has_timer(st) && s->timer) {
                loop_time_set(s->timer, USEC_INFINITY);
                s->timer_deadline = USEC_INFINITY;
        }
        if (!service_state_has_watchdog(st))
                service_watchdog_stop(u);
        if (old_state != st)
                log_unit_debug(u->name, "Changed %s -> %s", state_names[old_state], state_names[st]);
        if (st == SERVICE_DEAD || st == SERVICE_FAILED)
                service_cgroup_release(u); /* before unit_notify() may free a connection's instance */
        unit_notify(u, old, unit_active_state(u));
        /* After unit_notify(): the record carries the new timestamps. */
        manager_save_unit_state(u->manager, u);
}

static usec_t timeout_or_default(bool set, usec_t v, usec_t def) {
        if (!set)
                return def;
        return v == 0 ? USEC_INFINITY : v;
}

usec_t service_timeout_start(Unit *u) {
        const ServiceSettings *ss = settings(u);
        return timeout_or_default(ss->timeout_start_set, ss->timeout_start,
                                  u->manager->config.default_timeout_start);
}

usec_t service_timeout_stop(Unit *u) {
        const ServiceSettings *ss = settings(u);
        return timeout_or_default(ss->timeout_stop_set, ss->timeout_stop,
                                  u->manager->config.default_timeout_stop);
}

/* --- exits ------------------------------------------------------------- */

static bool is_clean_signal(int sig) {
        return sig == SIGHUP || sig == SIGINT || sig == SIGTERM || sig == SIGPIPE;
}

static ServiceResult service_classify_exit(Unit *u, const siginfo_t *si, bool main) {
        const ServiceSettings *ss = settings(u);
        if (si->si_code == CLD_EXITED) {
                if (si->si_status == 0 || exit_status_set_has_status(&ss->success_status, si->si_status))
                        return SERVICE_SUCCESS;
                return SERVICE_FAILURE_EXIT_CODE;
        }
        if (exit_status_set_has_signal(&ss->success_status, si->si_status))
                return SERVICE_SUCCESS;
        /* systemd counts these four as a clean end of a long-running main process. */
        if (main && ss->type != SERVICE_ONESHOT && si->si_code == CLD_KILLED && is_clean_signal(si->si_status))
                return SERVICE_SUCCESS;
        return si->si_code == CLD_DUMPED ? SERVICE_FAILURE_CORE_DUMP : SERVICE_FAILURE_SIGNAL;
}

static const ExecCommand *service_control_command(Unit *u) {
        const ExecCommandList *l = &settings(u)->exec[u->service.control_command_id];
        size_t i = u->service.control_command_index;
        return i < l->n ? &l->items[i] : NULL;
}

static const ExecCommand *service_main_command(Unit *u) {
        const ExecCommandList *l = &settings(u)->exec[SERVICE_EXEC_START];
        size_t i = u->service.main_command_index;
        return i < l->n ? &l->items[i] : NULL;
}

static void service_main_exited(LoopSource *src, const siginfo_t *si, void *userdata);
static void service_exec_report(LoopSource *src, int fd, uint32_t events, void *userdata);
static void service_control_exited(LoopSource *src, const siginfo_t *si, void *userdata);

/* Runs the current control command. Returns false if there is none left
 * (or it could not be started: then the failure is already handled). */
static int service_spawn_control(Unit *u) {
        Service *s = &u->service;
        const ExecCommand *c = service_control_command(u);
        if (!c)
                return 0;
        service_unwatch_control(u);
        int r = unit_spawn(u, c, SPAWN_SET_MAINPID, s->main_pid.pid, &s->control_pid, &s->control_report_fd);
        if (r >= 0)
                r = loop_add_child(u->manager->loop, s->control_pid.pid, service_control_exited, u,
                                   &s->control_watch);
        if (r < 0) {
                service_unwatch_control(u);
                return r;
        }
        return 1;
}

/* An Accept=yes connection is the main process's alone once the last main
 * command runs and no restart (Restart=, RestartForceExitStatus=) can want
 * it again: dropping our copy leaves
 * the TCP teardown to the service's exit, as with inetd, instead of to us. */
static void service_drop_connection_fd(Unit *u) {
        static const ExitStatusSet none = {};
        const ServiceSettings *ss = settings(u);
        if (u->connection && u->service.main_command_index + 1 >= ss->exec[SERVICE_EXEC_START].n &&
            ss->restart == SERVICE_RESTART_NO && !memcmp(&ss->restart_force_status, &none, sizeof none))
                u->connection->fd = safe_close(u->connection->fd);
}

static int service_spawn_main(Unit *u) {
        Service *s = &u->service;
        const ExecCommand *c = service_main_command(u);
        service_unwatch_main(u);
        int r = unit_spawn(u, c, SPAWN_MAIN, 0, &s->main_pid, &s->main_report_fd);
        if (r >= 0)
                service_drop_connection_fd(u);
        if (r >= 0)
                r = loop_add_child(u->manager->loop, s->main_pid.pid, service_main_exited, u, &s->main_watch);
        /* The report pipe is read as soon as exec happened, then closed: an
         * fd held per running service makes every later spawn slower. */
        if (r >= 0)
                r = loop_add_io(u->manager->loop, s->main_report_fd, EPOLLIN, service_exec_report, u, &s->exec_watch);
        if (r < 0) {
                service_unwatch_main(u);
                return r;
        }
        s->exec_main_pid = s->main_pid.pid;
        if (s->main_command_index == 0)
                s->main_pgid = s->main_pid.pid;
        s->main_exec_failed = false;
        s->exec_main_code = 0;
        s->exec_main_status = 0;
        s->exec_main_start_timestamp = now_realtime();
        s->exec_main_start_monotonic = now_monotonic();
        s->exec_main_exit_timestamp = s->exec_main_exit_monotonic = 0;
        return 0;
}

/* With a cgroup, KillMode=control-group waits until every process of the
 * service is gone, not only the main and control processes. */
static bool service_has_processes(Unit *u) {
        if (pidref_is_set(&u->service.main_pid) || pidref_is_set(&u->service.control_pid))
                return true;
        return unit_settings(u)->kill.kill_mode == KILL_CONTROL_GROUP && service_cgroup_populated(u);
}

static void record_main_exit(Unit *u, const siginfo_t *si) {
        Service *s = &u->service;
        s->exec_main_code = si->si_code;
        s->exec_main_status = si->si_status;
        s->exec_main_exit_timestamp = now_realtime();
        s->exec_main_exit_monotonic = now_monotonic();
}

static void log_exit(Unit *u, const char *what, const siginfo_t *si, ServiceResult r) {
        const char *name = unit_exit_status_name(si->si_status);
        if (si->si_code == CLD_EXITED)
                log_unit_full(u, r == SERVICE_SUCCESS ? LOG_DEBUG : LOG_NOTICE,
                              "%s exited, code=exited, status=%d/%s", what, si->si_status,
                              si->si_status == 0 ? "SUCCESS" : name ? name : "FAILURE");
        else
                log_unit_full(u, r == SERVICE_SUCCESS ? LOG_DEBUG : LOG_NOTICE,
                              "%s exited, code=%s, status=%d/%s", what,
                              si->si_code == CLD_DUMPED ? "dumped" : "killed", si->si_status,
                              signal_to_string(si->si_status));
}

static void service_note_result(Unit *u, ServiceResult r) {
        if (u->service.result == SERVICE_SUCCESS)
                u->service.result = r;
}

static bool service_main_alive(Unit *u) {
        return pidref_is_set(&u->service.main_pid);
}

/* Watches pid as the main process: by SIGCHLD if it is our child, else
 * through its pidfd (MAINPID= of a stranger, a process re-adopted after a
 * crash). */
int service_watch_main(Unit *u, pid_t pid, bool child) {
        Service *s = &u->service;
        int r = pidref_set(&s->main_pid, pid);
        if (r < 0)
                return r;
        if (child)
                r = loop_add_child(u->manager->loop, pid, service_main_exited, u, &s->main_watch);
        else if (s->main_pid.fd < 0)
                r = -ESRCH;
        else {
                r = loop_add_pidfd(u->manager->loop, s->main_pid.fd, pid, service_main_exited, u, &s->main_watch);
                s->main_adopted = r >= 0;
        }
        if (r < 0)
                pidref_done(&s->main_pid);
        return r;
}

bool service_pid_is_our_child(pid_t pid) {
        pid_t ppid = 0;
        return process_get_ppid(pid, &ppid) >= 0 && ppid == getpid();
}

/* Forking services: after the first process exits, find the daemon it left. */
static void service_find_forked_main(Unit *u, pid_t original) {
        const ServiceSettings *ss = settings(u);
        Service *s = &u->service;
        pid_t pid = 0;
        if (ss->pid_file) {
                FILE *f = fopen(ss->pid_file, "re");
                long v = 0;
                if (f && fscanf(f, "%ld", &v) == 1 && v > 1 && v < (1L << 22) && kill((pid_t) v, 0) == 0)
                        pid = (pid_t) v;
                else
                        log_unit_warning(u->name, "Can't open or use PID file %s (yet?) after start, ignoring.",
                                         ss->pid_file);
                if (f)
                        fclose(f);
        }
        if (!pid && ss->guess_main_pid) {
                pid_t *list = NULL;
                size_t n = 0;
                /* The cgroup knows every process; else the first process's session. */
                int r = service_cgroup_active(u) ? service_cgroup_pids(u, &list, &n)
                                                 : process_list_session(original, getpid(), &list, &n);
                size_t alive = 0;
                for (size_t i = 0; r >= 0 && i < n; i++)
                        if (list[i] != s->control_pid.pid && kill(list[i], 0) == 0) {
                                pid = list[i];
                                alive++;
                        }
                if (alive != 1)
                        pid = 0;
                free(list);
        }
        if (!pid) {
                log_unit_debug(u->name, "Main PID unknown.");
                return;
        }
        bool child = service_pid_is_our_child(pid);
        if (service_watch_main(u, pid, child) < 0)
                return;
        s->exec_main_pid = pid;
        /* It may have died (and been reaped as an orphan) before we watched it. */
        if (child && kill(pid, 0) < 0 && errno == ESRCH)
                service_unwatch_main(u);
        log_unit_debug(u->name, "Supervising process %d.", (int) pid);
}

static bool service_should_restart(Unit *u) {
        const ServiceSettings *ss = settings(u);
        Service *s = &u->service;
        ServiceResult r = s->result;
        if (s->stop_requested || r == SERVICE_FAILURE_START_LIMIT_HIT || r == SERVICE_SKIP_CONDITION)
                return false;
        bool exited = s->exec_main_code == CLD_EXITED, signalled = s->exec_main_code && !exited;
        if ((exited && exit_status_set_has_status(&ss->restart_prevent_status, s->exec_main_status)) ||
            (signalled && exit_status_set_has_signal(&ss->restart_prevent_status, s->exec_main_status)))
                return false;
        if ((exited && exit_status_set_has_status(&ss->restart_force_status, s->exec_main_status)) ||
            (signalled && exit_status_set_has_signal(&ss->restart_force_status, s->exec_main_status)))
                return true;
        switch (ss->restart) {
        case SERVICE_RESTART_ALWAYS:
                return true;
        case SERVICE_RESTART_ON_SUCCESS:
                return r == SERVICE_SUCCESS;
        case SERVICE_RESTART_ON_FAILURE:
                return r != SERVICE_SUCCESS;
        case SERVICE_RESTART_ON_ABNORMAL:
                return r == SERVICE_FAILURE_SIGNAL || r == SERVICE_FAILURE_CORE_DUMP ||
                       r == SERVICE_FAILURE_TIMEOUT || r == SERVICE_FAILURE_WATCHDOG;
        case SERVICE_RESTART_ON_WATCHDOG:
                return r == SERVICE_FAILURE_WATCHDOG;
        case SERVICE_RESTART_ON_ABORT:
                return r == SERVICE_FAILURE_SIGNAL || r == SERVICE_FAILURE_CORE_DUMP;
        default:
                return false;
        }
}

static usec_t service_restart_delay(Unit *u) {
        const ServiceSettings *ss = settings(u);
        usec_t base = ss->restart_usec != USEC_INFINITY ? ss->restart_usec : u->manager->config.default_restart_usec;
        if (ss->restart_steps == 0 || ss->restart_max_delay == USEC_INFINITY || ss->restart_max_delay <= base)
                return base;
        /* Back-off: from base to RestartMaxDelaySec= in RestartSteps= equal ratios. */
        unsigned step = MIN(u->service.restart_attempt, ss->restart_steps);
        long double d = (long double) (base ? base : 1);
        long double ratio = (long double) ss->restart_max_delay / d;
        for (unsigned i = 0; i < step; i++)
                d *= __builtin_powl(ratio, 1.0L / ss->restart_steps);
        return step >= ss->restart_steps ? ss->restart_max_delay : (usec_t) d;
}

static void service_enter_dead(Unit *u, ServiceResult r) {
        Service *s = &u->service;
        service_note_result(u, r);
        /* Whatever is left after the final kill is abandoned (and reaped as an orphan). */
        service_unwatch_main(u);
        service_unwatch_control(u);
        /* The cgroup goes with the state dead/failed (service_set_state());
         * an automatic restart keeps it for the next process. */
        bool restart = service_should_restart(u);
        exec_dirs_destroy_runtime(u, restart || s->restart_after_stop);
        if (restart) {
                usec_t delay = service_restart_delay(u);
                service_set_state(u, SERVICE_AUTO_RESTART);
                service_arm_timer(u, delay);
                return;
        }
        s->restart_attempt = 0;
        bool failed = s->result != SERVICE_SUCCESS && s->result != SERVICE_SKIP_CONDITION;
        if (failed)
                log_unit_notice(u->name, "Failed with result '%s'.", result_names[s->result]);
        service_set_state(u, failed ? SERVICE_FAILED : SERVICE_DEAD);
}

/* Sends the signal of state st as KillMode= says. Returns true when a
 * process we wait for (main or control) is still there. */
static bool service_kill_processes(Unit *u, ServiceState st) {
        const KillSettings *k = &unit_settings(u)->kill;
        Service *s = &u->service;
        bool kill9 = st == SERVICE_STOP_SIGKILL || st == SERVICE_FINAL_SIGKILL;
        int sig = kill9 ? k->final_kill_signal : k->kill_signal;
        if (!kill9 && s->restart_after_stop && k->restart_kill_signal > 0)
                sig = k->restart_kill_signal;
        if (!kill9 && s->watchdog_kill)
                sig = SIGABRT; /* systemd's default WatchdogSignal= */
        if (k->kill_mode == KILL_NONE)
                return false;
        bool group = k->kill_mode == KILL_CONTROL_GROUP || (k->kill_mode == KILL_MIXED && kill9);
        bool cg = group && service_cgroup_active(u);
        PidRef *refs[] = { &s->main_pid, &s->control_pid };
        for (size_t i = 0; i < ELEMENTSOF(refs); i++) {
                if (!pidref_is_set(refs[i]))
                        continue;
                /* mixed: SIGTERM goes to the main process only. */
                if (k->kill_mode == KILL_MIXED && !kill9 && refs[i] == &s->control_pid)
                        continue;
                (void) (group && !cg ? pidref_kill_group(refs[i], sig) : pidref_kill(refs[i], sig));
                if (!kill9) {
                        (void) pidref_kill(refs[i], SIGCONT);
                        if (k->send_sighup)
                                (void) pidref_kill(refs[i], SIGHUP);
                }
        }
        if (cg) {
                /* Every process of the cgroup, wherever it went (setsid, double fork);
                 * nothing to wake up when nobody was there. */
                if (service_cgroup_kill(u, sig) > 0 && !kill9) {
                        (void) service_cgroup_kill(u, SIGCONT);
                        if (k->send_sighup)
                                (void) service_cgroup_kill(u, SIGHUP);
                }
        } else if (group && s->main_pgid > 0 && s->main_pgid != s->main_pid.pid)
                /* The first main process's group: after it is gone, or when
                 * MAINPID= moved the main process elsewhere. */
                (void) kill(-s->main_pgid, sig);
        return service_has_processes(u);
}

void service_enter_signal(Unit *u, ServiceState st, ServiceResult r) {
        const KillSettings *k = &unit_settings(u)->kill;
        bool kill9 = st == SERVICE_STOP_SIGKILL || st == SERVICE_FINAL_SIGKILL;
        bool stop_phase = st == SERVICE_STOP_SIGTERM || st == SERVICE_STOP_SIGKILL;
        service_note_result(u, r);
        if (!(kill9 && !k->send_sigkill) && service_kill_processes(u, st)) {
                service_set_state(u, st);
                service_arm_timer(u, service_timeout_stop(u));
                return;
        }
        /* mixed: once the main process is gone, the rest of the group gets
         * SIGKILL, as systemd's FINAL_SIGKILL does. */
        if (!kill9 && k->kill_mode == KILL_MIXED && k->send_sigkill)
                (void) service_kill_processes(u, stop_phase ? SERVICE_STOP_SIGKILL : SERVICE_FINAL_SIGKILL);
        if (stop_phase)
                service_enter_stop_post(u, SERVICE_SUCCESS);
        else
                service_enter_dead(u, SERVICE_SUCCESS);
}

/* Starts the control commands of id from the first; returns true when one
 * runs (state set to st), false when there were none. A spawn failure ends
 * the start with result 'resources'. */
static bool service_run_controls(Unit *u, ServiceExecCommand id, ServiceState st, usec_t timeout) {
        Service *s = &u->service;
        s->control_command_id = id;
        s->control_command_index = 0;
        int r = service_spawn_control(u);
        if (r == 0)
                return false;
        if (r < 0) {
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
                return true;
        }
        service_set_state(u, st);
        service_arm_timer(u, timeout);
        return true;
}

static void service_enter_stop_post(Unit *u, ServiceResult r) {
        u->service.watchdog_kill = false;
        service_note_result(u, r);
        if (!service_run_controls(u, SERVICE_EXEC_STOP_POST, SERVICE_STOP_POST, service_timeout_stop(u)))
                service_enter_signal(u, SERVICE_FINAL_SIGTERM, SERVICE_SUCCESS);
}

static void service_enter_stop(Unit *u, ServiceResult r) {
        service_note_result(u, r);
        if (!service_run_controls(u, SERVICE_EXEC_STOP, SERVICE_STOP, service_timeout_stop(u)))
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
}

void service_enter_running(Unit *u, ServiceResult r) {
        const ServiceSettings *ss = settings(u);
        Service *s = &u->service;
        /* A forking daemon whose PID we could not learn stays running. */
        bool forking_unknown = ss->type == SERVICE_FORKING &&
                               (s->state == SERVICE_START || s->state == SERVICE_START_POST);
        service_note_result(u, r);
        if (service_main_alive(u) || (forking_unknown && s->result == SERVICE_SUCCESS)) {
                service_set_state(u, SERVICE_RUNNING);
                service_arm_timer(u, ss->runtime_max);
        } else if (s->result == SERVICE_SUCCESS && ss->remain_after_exit)
                service_set_state(u, SERVICE_EXITED);
        else
                service_enter_stop(u, SERVICE_SUCCESS);
}

void service_enter_start_post(Unit *u) {
        if (!service_run_controls(u, SERVICE_EXEC_START_POST, SERVICE_START_POST, service_timeout_start(u)))
                service_enter_running(u, SERVICE_SUCCESS);
}

static void service_exec_report(LoopSource *src, int fd, uint32_t events, void *userdata) {
        Unit *u = userdata;
        Service *s = &u->service;
        ExecFailure f;
        int r = exec_read_report(fd, &f);
        if (r == -EAGAIN)
                return;
        s->exec_watch = loop_source_free(s->exec_watch);
        s->main_report_fd = safe_close(s->main_report_fd);
        if (r == 1) {
                s->main_exec_failed = true;
                unit_log_exec_failure_record(u, service_main_command(u), &f);
                return; /* the exit that follows ends the start */
        }
        if (s->state == SERVICE_START && settings(u)->type == SERVICE_EXEC)
                service_enter_start_post(u);
}

static void service_enter_start(Unit *u) {
        const ServiceSettings *ss = settings(u);
        if (!service_main_command(u)) {
                service_enter_start_post(u);
                return;
        }
        if (service_spawn_main(u) < 0) {
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
                return;
        }
        switch (ss->type) {
        case SERVICE_EXEC:
                /* service_exec_report() moves on once the exec happened. */
                service_set_state(u, SERVICE_START);
                service_arm_timer(u, service_timeout_start(u));
                break;
        case SERVICE_FORKING:
        case SERVICE_ONESHOT:
                service_set_state(u, SERVICE_START);
                /* oneshot: no start timeout unless one was set (systemd's default). */
                service_arm_timer(u, ss->type == SERVICE_ONESHOT && !ss->timeout_start_set
                                             ? USEC_INFINITY : service_timeout_start(u));
                break;
        case SERVICE_NOTIFY:
                if (u->manager->notify) {
                        /* Only READY=1 moves on (service_notify_message). */
                        service_set_state(u, SERVICE_START);
                        service_arm_timer(u, service_timeout_start(u));
                        break;
                }
                log_unit_warning(u->name, "No notify socket, treating Type=notify as Type=simple.");
                service_enter_start_post(u);
                break;
        default:
                /* simple, idle */
                service_enter_start_post(u);
                break;
        }
        service_watchdog_reset(u);
}

static void service_enter_start_pre(Unit *u) {
        if (!service_run_controls(u, SERVICE_EXEC_START_PRE, SERVICE_START_PRE, service_timeout_start(u)))
                service_enter_start(u);
}

static void service_enter_condition(Unit *u) {
        if (!service_run_controls(u, SERVICE_EXEC_CONDITION, SERVICE_CONDITION, service_timeout_start(u)))
                service_enter_start_pre(u);
}

static void service_after_main_exit(Unit *u, ServiceResult r, pid_t pid) {
        const ServiceSettings *ss = settings(u);
        Service *s = &u->service;
        switch (s->state) {
        case SERVICE_START:
                if (r != SERVICE_SUCCESS) {
                        service_enter_signal(u, SERVICE_STOP_SIGTERM, r);
                } else if (ss->type == SERVICE_NOTIFY && u->manager->notify) {
                        /* Only READY=1 makes it active; another process of the
                         * unit may still send it if it may and will stay. */
                        if (!ss->remain_after_exit || service_notify_access(u) == NOTIFY_MAIN) {
                                log_unit_warning(u->name, "Main process exited before sending READY=1.");
                                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_PROTOCOL);
                        }
                } else if (ss->type == SERVICE_ONESHOT) {
                        s->main_command_index++;
                        if (!service_main_command(u))
                                service_enter_start_post(u);
                        else if (service_spawn_main(u) < 0)
                                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
                } else {
                        if (ss->type == SERVICE_FORKING)
                                service_find_forked_main(u, pid);
                        service_enter_start_post(u);
                }
                break;
        case SERVICE_RELOAD:
                /* RELOADING=1 has no control process to finish the step. */
                if (!pidref_is_set(&s->control_pid))
                        service_enter_running(u, r);
                else
                        service_note_result(u, r);
                break;
        case SERVICE_START_POST:
        case SERVICE_STOP:
                /* The control process finishes the step; the result is kept. */
                service_note_result(u, r);
                break;
        case SERVICE_RUNNING:
                service_enter_running(u, r);
                break;
        case SERVICE_STOP_SIGTERM:
        case SERVICE_STOP_SIGKILL:
                service_note_result(u, r);
                if (!service_has_processes(u))
                        service_enter_stop_post(u, SERVICE_SUCCESS);
                break;
        case SERVICE_FINAL_SIGTERM:
        case SERVICE_FINAL_SIGKILL:
                if (!service_has_processes(u))
                        service_enter_dead(u, SERVICE_SUCCESS);
                break;
        default:
                break;
        }
}

static void service_main_exited(LoopSource *src, const siginfo_t *si, void *userdata) {
        Unit *u = userdata;
        Service *s = &u->service;
        /* READY=1, MAINPID=... sent just before the exit come first. */
        notify_socket_drain(u->manager->notify);
        if (s->main_pid.pid != si->si_pid) {
                log_unit_debug(u->name, "Former main process %d exited.", (int) si->si_pid);
                return;
        }
        const ExecCommand *c = service_main_command(u);
        bool exec_failed = s->main_exec_failed || (c && unit_log_exec_failure(u, c, s->main_report_fd));
        ServiceResult r = exec_failed ? SERVICE_FAILURE_EXIT_CODE : service_classify_exit(u, si, true);
        pid_t pid = si->si_pid;
        record_main_exit(u, si);
        log_exit(u, "Main process", si, r);
        if (r != SERVICE_SUCCESS && c && (c->flags & EXEC_IGNORE_FAILURE))
                r = SERVICE_SUCCESS;
        service_unwatch_main(u);
        service_after_main_exit(u, r, pid);
}

static bool state_runs_control_sequence(ServiceState st) {
        return st == SERVICE_CONDITION || st == SERVICE_START_PRE || st == SERVICE_START_POST ||
               st == SERVICE_RELOAD || st == SERVICE_STOP || st == SERVICE_STOP_POST;
}

static void service_after_control_exit(Unit *u, ServiceResult r, const siginfo_t *si) {
        Service *s = &u->service;
        switch (s->state) {
        case SERVICE_CONDITION:
                if (r == SERVICE_SUCCESS)
                        service_enter_start_pre(u);
                else if (si->si_code == CLD_EXITED && si->si_status < 255) {
                        log_unit_info(u->name, "Skipped due to 'exec-condition'.");
                        service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_SKIP_CONDITION);
                } else
                        service_enter_signal(u, SERVICE_STOP_SIGTERM, r);
                break;
        case SERVICE_START_PRE:
                if (r == SERVICE_SUCCESS)
                        service_enter_start(u);
                else
                        service_enter_signal(u, SERVICE_STOP_SIGTERM, r);
                break;
        case SERVICE_START_POST:
                if (r == SERVICE_SUCCESS)
                        service_enter_running(u, SERVICE_SUCCESS);
                else
                        service_enter_stop(u, r);
                break;
        case SERVICE_RELOAD:
                s->reload_result = r;
                service_enter_running(u, SERVICE_SUCCESS);
                break;
        case SERVICE_STOP:
                service_enter_signal(u, SERVICE_STOP_SIGTERM, r);
                break;
        case SERVICE_STOP_POST:
                service_enter_signal(u, SERVICE_FINAL_SIGTERM, r);
                break;
        case SERVICE_STOP_SIGTERM:
        case SERVICE_STOP_SIGKILL:
                if (!service_has_processes(u))
                        service_enter_stop_post(u, r);
                break;
        case SERVICE_FINAL_SIGTERM:
        case SERVICE_FINAL_SIGKILL:
                if (!service_has_processes(u))
                        service_enter_dead(u, r);
                break;
        default:
                break;
        }
}

static void service_control_exited(LoopSource *src, const siginfo_t *si, void *userdata) {
        Unit *u = userdata;
        Service *s = &u->service;
        const ExecCommand *c = service_control_command(u);
        bool exec_failed = c && unit_log_exec_failure(u, c, s->control_report_fd);
        ServiceResult r = exec_failed ? SERVICE_FAILURE_EXIT_CODE : service_classify_exit(u, si, false);
        log_exit(u, service_exec_command_to_string(s->control_command_id), si, r);
        if (r != SERVICE_SUCCESS && c && (c->flags & EXEC_IGNORE_FAILURE))
                r = SERVICE_SUCCESS;
        service_unwatch_control(u);
        if (r == SERVICE_SUCCESS && state_runs_control_sequence(s->state)) {
                s->control_command_index++;
                int k = service_spawn_control(u);
                if (k > 0)
                        return;
                if (k < 0)
                        r = SERVICE_FAILURE_RESOURCES;
        }
        service_after_control_exit(u, r, si);
}

static void service_restart_now(Unit *u);

static void service_timer_fired(LoopSource *src, usec_t now, void *userdata) {
        Unit *u = userdata;
        const KillSettings *k = &unit_settings(u)->kill;
        Service *s = &u->service;
        const char *st = state_names[s->state];
        switch (s->state) {
        case SERVICE_CONDITION:
        case SERVICE_START_PRE:
        case SERVICE_START:
        case SERVICE_START_POST:
                log_unit_warning(u->name, "Start operation timed out. Terminating.");
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_RELOAD:
                s->reload_result = SERVICE_FAILURE_TIMEOUT;
                if (!pidref_is_set(&s->control_pid)) {
                        log_unit_warning(u->name, "Reload operation timed out.");
                        service_enter_running(u, SERVICE_SUCCESS);
                        break;
                }
                log_unit_warning(u->name, "Reload operation timed out. Killing reload process.");
                (void) pidref_kill(&s->control_pid, SIGKILL);
                break;
        case SERVICE_RUNNING:
                log_unit_warning(u->name, "Service reached runtime time limit. Stopping.");
                service_enter_stop(u, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_STOP:
                log_unit_warning(u->name, "Stopping timed out. Terminating.");
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_STOP_SIGTERM:
        case SERVICE_FINAL_SIGTERM:
                if (k->send_sigkill) {
                        log_unit_warning(u->name, "State '%s' timed out. Killing.", st);
                        service_enter_signal(u, s->state == SERVICE_STOP_SIGTERM ? SERVICE_STOP_SIGKILL
                                                                               : SERVICE_FINAL_SIGKILL,
                                             SERVICE_FAILURE_TIMEOUT);
                } else {
                        log_unit_warning(u->name, "State '%s' timed out. Skipping SIGKILL.", st);
                        if (s->state == SERVICE_STOP_SIGTERM)
                                service_enter_stop_post(u, SERVICE_FAILURE_TIMEOUT);
                        else
                                service_enter_dead(u, SERVICE_FAILURE_TIMEOUT);
                }
                break;
        case SERVICE_STOP_SIGKILL:
                log_unit_warning(u->name, "Processes still around after SIGKILL. Ignoring.");
                service_enter_stop_post(u, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_STOP_POST:
                log_unit_warning(u->name, "State 'stop-post' timed out. Terminating.");
                service_enter_signal(u, SERVICE_FINAL_SIGTERM, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_FINAL_SIGKILL:
                log_unit_warning(u->name, "Processes still around after final SIGKILL. Entering failed mode.");
                service_enter_dead(u, SERVICE_FAILURE_TIMEOUT);
                break;
        case SERVICE_AUTO_RESTART:
                service_restart_now(u);
                break;
        default:
                break;
        }
}

static bool service_start_limit_ok(Unit *u) {
        const UnitSettings *st = unit_settings(u);
        const ManagerConfig *c = &u->manager->config;
        Service *s = &u->service;
        usec_t interval = st->start_limit_interval != USEC_INFINITY ? st->start_limit_interval
                                                                     : c->default_start_limit_interval;
        unsigned burst = st->start_limit_burst ? st->start_limit_burst : c->default_start_limit_burst;
        if (interval == 0 || burst == 0)
                return true;
        usec_t now = now_monotonic();
        if (s->start_limit_count == 0 || now - s->start_limit_begin > interval) {
                s->start_limit_begin = now;
                s->start_limit_count = 0;
        }
        return ++s->start_limit_count <= burst;
}

static int service_start_internal(Unit *u) {
        Service *s = &u->service;
        service_arm_timer(u, USEC_INFINITY);
        service_unwatch_main(u);
        service_unwatch_control(u);
        if (!service_start_limit_ok(u)) {
                log_unit_warning(u->name, "Start request repeated too quickly.");
                s->result = SERVICE_FAILURE_START_LIMIT_HIT;
                log_unit_notice(u->name, "Failed with result 'start-limit-hit'.");
                service_set_state(u, SERVICE_FAILED);
                return -ECANCELED;
        }
        s->result = SERVICE_SUCCESS;
        s->reload_result = SERVICE_SUCCESS;
        s->main_command_index = 0;
        s->main_pgid = 0;
        s->stop_requested = false;
        s->restart_after_stop = false;
        s->watchdog_kill = false;
        s->watchdog_override = USEC_INFINITY;
        s->status_errno = 0;
        free(s->status_text);
        s->status_text = NULL;
        unit_new_invocation(u);
        if (exec_dirs_create(u) < 0) {
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_RESOURCES);
                return 0;
        }
        service_enter_condition(u);
        return 0;
}

static void service_restart_now(Unit *u) {
        Service *s = &u->service;
        s->n_restarts++;
        s->restart_attempt++;
        log_unit_info(u->name, "Scheduled restart job, restart counter is at %u.", s->n_restarts);
        (void) service_start_internal(u);
}

int service_start(Unit *u) {
        Service *s = &u->service;
        UnitActiveState a = unit_active_state(u);
        if (a == UNIT_ACTIVE || a == UNIT_RELOADING)
                return -EALREADY;
        if (a == UNIT_ACTIVATING && s->state != SERVICE_AUTO_RESTART)
                return 0;
        if (a == UNIT_DEACTIVATING)
                return -EBUSY;
        /* A manual start clears an earlier start-limit-hit (SPEC 7). */
        if (s->result == SERVICE_FAILURE_START_LIMIT_HIT)
                s->start_limit_count = 0;
        return service_start_internal(u);
}

int service_stop(Unit *u) {
        Service *s = &u->service;
        s->stop_requested = true;
        switch (s->state) {
        case SERVICE_DEAD:
        case SERVICE_FAILED:
                return -EALREADY;
        case SERVICE_AUTO_RESTART:
                service_set_state(u, SERVICE_DEAD);
                return 0;
        case SERVICE_CONDITION:
        case SERVICE_START_PRE:
        case SERVICE_START:
        case SERVICE_START_POST:
        case SERVICE_RELOAD:
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_SUCCESS);
                return 0;
        case SERVICE_RUNNING:
        case SERVICE_EXITED:
                service_enter_stop(u, SERVICE_SUCCESS);
                return 0;
        default:
                return 0; /* already stopping */
        }
}

bool service_can_reload(Unit *u) {
        return settings(u)->exec[SERVICE_EXEC_RELOAD].n > 0;
}

int service_reload(Unit *u) {
        Service *s = &u->service;
        if (s->state != SERVICE_RUNNING && s->state != SERVICE_EXITED)
                return -ENOEXEC;
        if (!service_can_reload(u))
                return -EOPNOTSUPP;
        s->reload_result = SERVICE_SUCCESS;
        if (!service_run_controls(u, SERVICE_EXEC_RELOAD, SERVICE_RELOAD, service_timeout_start(u)))
                return -EOPNOTSUPP;
        return 0;
}

int service_kill(Unit *u, int sig, bool main_only) {
        Service *s = &u->service;
        int r = -ESRCH;
        if (pidref_is_set(&s->main_pid) && pidref_kill(&s->main_pid, sig) >= 0)
                r = 0;
        if (!main_only && pidref_is_set(&s->control_pid) && pidref_kill(&s->control_pid, sig) >= 0)
                r = 0;
        if (!main_only && service_cgroup_active(u)) {
                if (service_cgroup_kill(u, sig) > 0)
                        r = 0;
        } else if (!main_only && s->main_pgid > 0 && kill(-s->main_pgid, sig) == 0)
                r = 0;
        return r;
}

void service_reset_failed(Unit *u) {
        Service *s = &u->service;
        if (s->state == SERVICE_FAILED)
                service_set_state(u, SERVICE_DEAD);
        s->result = SERVICE_SUCCESS;
        s->start_limit_count = 0;
        s->restart_attempt = 0;
}

/* --- process tracking: cgroup, re-adoption, reexec ------------------------ */

void service_cgroup_changed(Unit *u) {
        Service *s = &u->service;
        if (service_has_processes(u))
                return;
        switch (s->state) {
        case SERVICE_STOP_SIGTERM:
        case SERVICE_STOP_SIGKILL:
                service_enter_stop_post(u, SERVICE_SUCCESS);
                break;
        case SERVICE_FINAL_SIGTERM:
        case SERVICE_FINAL_SIGKILL:
                service_enter_dead(u, SERVICE_SUCCESS);
                break;
        default:
                break;
        }
}

int service_adopt_running(Unit *u, pid_t main_pid, bool child) {
        Service *s = &u->service;
        service_unwatch_main(u);
        int r = service_watch_main(u, main_pid, child);
        if (r < 0)
                return r;
        s->exec_main_pid = main_pid;
        return 0;
}

int service_adopt_control(Unit *u, pid_t pid, bool child) {
        Service *s = &u->service;
        service_unwatch_control(u);
        int r = pidref_set(&s->control_pid, pid);
        if (r < 0)
                return r;
        if (child)
                r = loop_add_child(u->manager->loop, pid, service_control_exited, u, &s->control_watch);
        else
                r = s->control_pid.fd < 0 ? -ESRCH
                                          : loop_add_pidfd(u->manager->loop, s->control_pid.fd, pid,
                                                           service_control_exited, u, &s->control_watch);
        if (r < 0)
                pidref_done(&s->control_pid);
        return r;
}

void service_restore_state(Unit *u, ServiceState st, bool notify) {
        if (notify) {
                service_set_state(u, st);
                return;
        }
        /* Deserialization: the state was never left, nothing to tell. */
        u->service.state = st;
        u->last_active_state = unit_active_state(u);
}

void service_stop_leftovers(Unit *u) {
        Service *s = &u->service;
        s->stop_requested = true;
        service_enter_signal(u, SERVICE_FINAL_SIGTERM, SERVICE_SUCCESS);
}

void service_resume(Unit *u, usec_t timer_deadline) {
        Service *s = &u->service;
        if (service_state_has_timer(s->state) && timer_deadline != USEC_INFINITY) {
                usec_t now = now_monotonic();
                service_arm_timer(u, timer_deadline > now ? timer_deadline - now : 0);
        } else if (s->state == SERVICE_RUNNING)
                service_arm_timer(u, settings(u)->runtime_max);
        service_watchdog_reset(u);
        /* The processes we wait for may have ended while we were away. */
        if (service_state_has_timer(s->state) && s->state != SERVICE_AUTO_RESTART && s->state != SERVICE_RUNNING)
                service_cgroup_changed(u);
}
