/* service-notify.c — a service's side of the readiness protocol (sd_notify(3):
 * READY, RELOADING, STOPPING, STATUS, ERRNO, MAINPID, WATCHDOG,
 * EXTEND_TIMEOUT_USEC) and the watchdog (WatchdogSec=). The socket and the
 * parsing are in notify.c and notify-parse.c; the state machine it drives
 * is service.c's. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/timespan.h"
#include "manager.h"
#include "notify-parse.h"
#include "notify.h"
#include "service-internal.h"
#include "unit.h"

static const ServiceSettings *settings(Unit *u) {
        return &unit_settings(u)->service;
}

/* --- watchdog (WatchdogSec=, WATCHDOG=1) --------------------------------- */

/* The watchdog runs from the main process's start until the service stops. */
bool service_state_has_watchdog(ServiceState st) {
        return st == SERVICE_START || st == SERVICE_START_POST || st == SERVICE_RUNNING || st == SERVICE_RELOAD;
}

usec_t service_watchdog_usec(Unit *u) {
        const Service *s = &u->service;
        return s->watchdog_override != USEC_INFINITY ? s->watchdog_override : settings(u)->watchdog;
}

void service_watchdog_stop(Unit *u) {
        if (u->service.watchdog_timer)
                loop_time_set(u->service.watchdog_timer, USEC_INFINITY);
}

static void service_watchdog_fired(LoopSource *src, usec_t now, void *userdata);

/* A ping (or the start): the next one is due within the interval. */
void service_watchdog_reset(Unit *u) {
        Service *s = &u->service;
        usec_t usec = service_watchdog_usec(u);
        if (usec == 0 || usec == USEC_INFINITY || !service_state_has_watchdog(s->state)) {
                service_watchdog_stop(u);
                return;
        }
        s->watchdog_timestamp = now_realtime();
        s->watchdog_monotonic = now_monotonic();
        usec_t when = s->watchdog_monotonic + usec;
        if (s->watchdog_timer)
                loop_time_set(s->watchdog_timer, when);
        else if (loop_add_time(u->manager->loop, when, service_watchdog_fired, u, &s->watchdog_timer) < 0)
                log_unit_warning(u->name, "Failed to arm the watchdog timer, ignoring.");
}

/* --- the readiness protocol (sd_notify(3)) ------------------------------ */

static void service_watchdog_fired(LoopSource *src, usec_t now, void *userdata) {
        Unit *u = userdata;
        Service *s = &u->service;
        if (!service_state_has_watchdog(s->state))
                return;
        log_unit_error(u->name, "Watchdog timeout (limit %llums)!",
                       (unsigned long long) (service_watchdog_usec(u) / USEC_PER_MSEC));
        s->watchdog_kill = true;
        service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_WATCHDOG);
}

NotifyAccess service_notify_access(Unit *u) {
        const ServiceSettings *ss = settings(u);
        if (!ss->notify_access_set && ss->notify_access == NOTIFY_NONE &&
            (ss->type == SERVICE_NOTIFY || ss->watchdog > 0))
                return NOTIFY_MAIN;
        return ss->notify_access;
}

bool service_notify_main_pid_ok(Unit *u, pid_t pid, bool sender_is_main, uid_t sender_uid) {
        Service *s = &u->service;
        const char *why = NULL;
        if (pid == s->main_pid.pid)
                return true;
        if (sender_uid != 0 && !sender_is_main)
                why = "only the main process may change it";
        else if (pid == getpid() || manager_unit_by_pid(u->manager, pid) != u)
                why = "it is not a process of this unit";
        if (!why)
                return true;
        log_unit_warning(u->name, "New main PID %d refused: %s.", (int) pid, why);
        return false;
}

/* MAINPID=: supervise pid instead of the current main process. */
static void service_notify_main_pid(Unit *u, pid_t pid) {
        Service *s = &u->service;
        if (pid == s->main_pid.pid)
                return;
        if (s->state != SERVICE_START && s->state != SERVICE_START_POST && s->state != SERVICE_RUNNING &&
            s->state != SERVICE_RELOAD)
                return;
        service_unwatch_main(u);
        bool child = service_pid_is_our_child(pid);
        if (service_watch_main(u, pid, child) < 0) {
                service_unwatch_main(u);
                log_unit_warning(u->name, "Failed to watch new main PID %d, ignoring.", (int) pid);
                return;
        }
        s->exec_main_pid = pid;
        log_unit_debug(u->name, "Main PID changed to %d.", (int) pid);
        manager_save_unit_state(u->manager, u);
        if (child && kill(pid, 0) < 0 && errno == ESRCH)
                service_unwatch_main(u);
}

/* EXTEND_TIMEOUT_USEC=: at least usec more for the current step. */
static void service_extend_timeout(Unit *u, usec_t usec) {
        Service *s = &u->service;
        if (s->timer_deadline == USEC_INFINITY || !service_state_has_timer(s->state) || s->state == SERVICE_AUTO_RESTART)
                return;
        usec_t now = now_monotonic();
        usec_t when = usec >= USEC_INFINITY - now ? USEC_INFINITY : now + usec;
        if (when <= s->timer_deadline)
                return;
        log_unit_debug(u->name, "Timeout of state '%s' extended by %llums.", service_state_to_string(s->state),
                       (unsigned long long) (usec / USEC_PER_MSEC));
        s->timer_deadline = when;
        loop_time_set(s->timer, when);
}

static void service_notify_state(Unit *u, const NotifyMessage *msg) {
        Service *s = &u->service;
        if ((msg->fields & NOTIFY_STOPPING) && (s->state == SERVICE_START || s->state == SERVICE_START_POST ||
                                                s->state == SERVICE_RUNNING || s->state == SERVICE_RELOAD)) {
                /* It is on its way out: wait for its exit under TimeoutStopSec=. */
                service_set_state(u, SERVICE_STOP_SIGTERM);
                service_arm_timer(u, service_timeout_stop(u));
                return;
        }
        if ((msg->fields & NOTIFY_RELOADING) && s->state == SERVICE_RUNNING) {
                s->reload_result = SERVICE_SUCCESS;
                service_set_state(u, SERVICE_RELOAD);
                service_arm_timer(u, service_timeout_start(u));
                if (!(msg->fields & NOTIFY_READY))
                        return;
        }
        if (!(msg->fields & NOTIFY_READY))
                return;
        if (s->state == SERVICE_START && settings(u)->type == SERVICE_NOTIFY)
                service_enter_start_post(u);
        else if (s->state == SERVICE_RELOAD && !pidref_is_set(&s->control_pid))
                service_enter_running(u, SERVICE_SUCCESS);
}

void service_notify_message(Unit *u, const NotifyMessage *msg, pid_t sender) {
        Service *s = &u->service;
        if (msg->fields & NOTIFY_MAINPID)
                service_notify_main_pid(u, msg->main_pid);
        if (msg->fields & NOTIFY_STATUS) {
                free(s->status_text);
                s->status_text = msg->status[0] ? strdup(msg->status) : NULL;
        }
        if (msg->fields & NOTIFY_ERRNO)
                s->status_errno = msg->errno_value;
        if (msg->fields & NOTIFY_WATCHDOG_USEC) {
                s->watchdog_override = msg->watchdog_usec;
                service_watchdog_reset(u);
        }
        if (msg->fields & NOTIFY_EXTEND_TIMEOUT)
                service_extend_timeout(u, msg->extend_timeout_usec);
        if (msg->fields & NOTIFY_WATCHDOG)
                service_watchdog_reset(u);
        if ((msg->fields & NOTIFY_WATCHDOG_TRIGGER) && service_state_has_watchdog(s->state)) {
                log_unit_error(u->name, "Watchdog request (WATCHDOG=trigger) from PID %d.", (int) sender);
                s->watchdog_kill = true;
                service_enter_signal(u, SERVICE_STOP_SIGTERM, SERVICE_FAILURE_WATCHDOG);
                return;
        }
        service_notify_state(u, msg);
}

