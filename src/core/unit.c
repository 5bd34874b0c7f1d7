#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "lib/strv.h"
#include "lib/timespan.h"
#include "job.h"
#include "manager.h"
#include "socket.h"

static const char *const active_state_names[_UNIT_ACTIVE_STATE_MAX] = {
        [UNIT_ACTIVE] = "active",
        [UNIT_RELOADING] = "reloading",
        [UNIT_INACTIVE] = "inactive",
        [UNIT_FAILED] = "failed",
        [UNIT_ACTIVATING] = "activating",
        [UNIT_DEACTIVATING] = "deactivating",
};

static const char *const job_type_names[_JOB_TYPE_MAX] = {
        [JOB_NONE] = "none",
        [JOB_START] = "start",
        [JOB_STOP] = "stop",
        [JOB_RESTART] = "restart",
        [JOB_RELOAD] = "reload",
};

const char *unit_active_state_to_string(UnitActiveState s) {
        return s < _UNIT_ACTIVE_STATE_MAX ? active_state_names[s] : "invalid";
}

const char *job_type_to_string(JobType t) {
        return t < _JOB_TYPE_MAX ? job_type_names[t] : "invalid";
}

int unit_new(Manager *m, const char *name, UnitFile *file, Unit **ret) {
        Unit *u = calloc(1, sizeof(Unit));
        if (!u)
                return -ENOMEM;
        u->manager = m;
        u->name = strdup(name);
        if (!u->name) {
                free(u);
                return -ENOMEM;
        }
        u->file = file;
        u->type = file->type;
        u->last_active_state = UNIT_INACTIVE;
        u->file_state_cached = -1;
        service_init(u);
        if (socket_init(u) < 0) {
                free(u->name);
                free(u);
                return -ENOMEM;
        }
        *ret = u;
        return 0;
}

Unit *unit_free(Unit *u) {
        if (!u)
                return NULL;
        job_finish(u, JOB_CANCELED);
        unit_remove_from_queues(u);
        service_done(u);
        socket_done(u);
        unit_free_dependencies(u);
        unit_file_free(u->file);
        unit_file_free(u->pending_file);
        free(u->invocation_id);
        strv_free(u->alias_names);
        free(u->name);
        free(u);
        return NULL;
}

const UnitSettings *unit_settings(const Unit *u) {
        return &u->file->s;
}

const UnitSettings *unit_settings_latest(const Unit *u) {
        return u->pending_file ? &u->pending_file->s : &u->file->s;
}

UnitLoadState unit_latest_load_state(const Unit *u) {
        return u->pending_file ? u->pending_file->load_state : u->file->load_state;
}

UnitActiveState unit_active_state(const Unit *u) {
        if (u->type == UNIT_SERVICE)
                return (UnitActiveState) service_active_state(u);
        if (u->type == UNIT_SOCKET)
                return (UnitActiveState) socket_active_state(u);
        return u->target_active ? UNIT_ACTIVE : UNIT_INACTIVE;
}

const char *unit_sub_state(const Unit *u) {
        if (u->type == UNIT_SERVICE)
                return service_state_to_string(u->service.state);
        if (u->type == UNIT_SOCKET)
                return socket_sub_state(u);
        return u->target_active ? "active" : "dead";
}

void unit_new_invocation(Unit *u) {
        uint8_t b[16];
        char hex[33];
        if (getrandom(b, sizeof b, GRND_NONBLOCK) != (ssize_t) sizeof b) {
                usec_t t = now_realtime() ^ (usec_t) getpid();
                memcpy(b, &t, 8);
                memcpy(b + 8, &u, sizeof(void *) <= 8 ? sizeof(void *) : 8);
        }
        for (size_t i = 0; i < sizeof b; i++)
                snprintf(hex + 2 * i, 3, "%02x", b[i]);
        free(u->invocation_id);
        u->invocation_id = strdup(hex);
}

void unit_apply_pending_file(Unit *u) {
        if (!u->pending_file)
                return;
        unit_file_free(u->file);
        u->file = u->pending_file;
        u->pending_file = NULL;
}

int unit_type_start(Unit *u) {
        switch (u->type) {
        case UNIT_SERVICE:
                return service_start(u);
        case UNIT_SOCKET:
                return socket_start(u);
        case UNIT_TARGET: {
                UnitActiveState old = unit_active_state(u);
                unit_new_invocation(u);
                u->target_active = true;
                unit_notify(u, old, UNIT_ACTIVE);
                return 0;
        }
        default:
                return -EOPNOTSUPP;
        }
}

int unit_type_stop(Unit *u) {
        switch (u->type) {
        case UNIT_SERVICE:
                return service_stop(u);
        case UNIT_SOCKET:
                return socket_stop(u);
        case UNIT_TARGET: {
                UnitActiveState old = unit_active_state(u);
                u->target_active = false;
                unit_notify(u, old, UNIT_INACTIVE);
                return 0;
        }
        default:
                return -EALREADY;
        }
}

static void unit_update_timestamps(Unit *u, UnitActiveState old, UnitActiveState new_state) {
        usec_t rt = now_realtime(), mono = now_monotonic();
        bool was_up = old == UNIT_ACTIVE || old == UNIT_RELOADING;
        bool is_up = new_state == UNIT_ACTIVE || new_state == UNIT_RELOADING;
        bool was_down = old == UNIT_INACTIVE || old == UNIT_FAILED;
        bool is_down = new_state == UNIT_INACTIVE || new_state == UNIT_FAILED;
        u->state_change_timestamp = rt;
        u->state_change_monotonic = mono;
        if (!was_up && is_up) {
                u->active_enter_timestamp = rt;
                u->active_enter_monotonic = mono;
        }
        if (was_up && !is_up) {
                u->active_exit_timestamp = rt;
                u->active_exit_monotonic = mono;
        }
        if (!was_down && is_down) {
                u->inactive_enter_timestamp = rt;
                u->inactive_enter_monotonic = mono;
        }
        if (was_down && !is_down) {
                u->inactive_exit_timestamp = rt;
                u->inactive_exit_monotonic = mono;
        }
}

static void unit_log_transition(Unit *u, UnitActiveState old, UnitActiveState new_state) {
        const char *d = unit_settings(u)->description;
        d = d && *d ? d : u->name;
        if (new_state == UNIT_ACTIVE && u->type == UNIT_TARGET && old != UNIT_ACTIVE)
                log_unit_info(u->name, "Reached target %s.", d);
        else if (new_state == UNIT_ACTIVE && (old == UNIT_ACTIVATING || old == UNIT_INACTIVE || old == UNIT_FAILED))
                log_unit_info(u->name, "Started %s.", d);
        else if (new_state == UNIT_INACTIVE && old != UNIT_INACTIVE && u->service.result == SERVICE_SUCCESS)
                log_unit_info(u->name, "%s %s.", old == UNIT_DEACTIVATING ? "Stopped" : "Finished", d);
        else if (new_state == UNIT_FAILED && old != UNIT_FAILED)
                log_unit_error(u->name, "%s %s.", old == UNIT_ACTIVATING ? "Failed to start" : "Failed", d);
}

static bool state_is_down(UnitActiveState a) {
        return a == UNIT_INACTIVE || a == UNIT_FAILED;
}

static void unit_start_each(Unit *u, UnitDepKind kind, const char *why) {
        for (size_t i = 0; i < u->deps[kind].n; i++) {
                Unit *x = u->deps[kind].items[i];
                log_unit_info(u->name, "Triggering %s: %s.", why, x->name);
                int r = unit_enqueue_job(x, JOB_START, NULL);
                if (r < 0)
                        log_unit_warning_errno(u->name, r, "Failed to enqueue %s job for %s, ignoring: %m", why,
                                               x->name);
        }
}

/* FailureAction=/SuccessAction=/StartLimitAction= (none, exit, exit-force). */
static void unit_run_action(Unit *u, UnitAction a, int status, const char *what) {
        if (a == UNIT_ACTION_NONE)
                return;
        if (status < 0)
                status = u->type == UNIT_SERVICE && u->service.exec_main_code == CLD_EXITED
                                 ? u->service.exec_main_status : 0;
        log_unit_notice(u->name, "%s action '%s' triggered, exiting with status %d.", what,
                        a == UNIT_ACTION_EXIT ? "exit" : "exit-force", status);
        if (a == UNIT_ACTION_EXIT_FORCE)
                loop_exit(u->manager->loop, status);
        else
                manager_begin_shutdown(u->manager, status);
}

/* BindsTo=: when u goes down, what is bound to it stops too. */
static void unit_stop_bound(Unit *u) {
        for (size_t i = 0; i < u->deps[DEP_BOUND_BY].n; i++) {
                Unit *x = u->deps[DEP_BOUND_BY].items[i];
                if (state_is_down(unit_active_state(x)) || x->job == JOB_STOP)
                        continue;
                log_unit_info(x->name, "Unit is bound to inactive unit %s. Stopping, too.", u->name);
                (void) unit_enqueue_job(x, JOB_STOP, NULL);
        }
}

/* BindsTo=: u cannot be active while a unit it is bound to is down with no
 * job coming (skipped by a condition, or a oneshot that already ended). */
static void unit_check_binds_to(Unit *u) {
        if (u->job)
                return;
        for (size_t i = 0; i < u->deps[DEP_BINDS_TO].n; i++) {
                Unit *x = u->deps[DEP_BINDS_TO].items[i];
                if (x->job == JOB_NONE && state_is_down(unit_active_state(x))) {
                        log_unit_info(u->name, "Bound to unit %s, but unit isn't active.", x->name);
                        (void) unit_enqueue_job(u, JOB_STOP, NULL);
                        return;
                }
        }
}

/* StopWhenUnneeded=: a unit nobody active wants any more stops. */
static void unit_check_unneeded(Unit *y) {
        static const UnitDepKind users[] = { DEP_REQUIRED_BY, DEP_WANTED_BY, DEP_BOUND_BY, DEP_REQUISITE_OF };
        if (!unit_settings(y)->stop_when_unneeded || state_is_down(unit_active_state(y)) || y->job)
                return;
        bool needed = false;
        for (size_t k = 0; k < ELEMENTSOF(users) && !needed; k++)
                for (size_t j = 0; j < y->deps[users[k]].n && !needed; j++) {
                        Unit *z = y->deps[users[k]].items[j];
                        needed = !state_is_down(unit_active_state(z)) || z->job == JOB_START;
                }
        if (!needed) {
                log_unit_info(y->name, "Unit not needed anymore. Stopping.");
                (void) unit_enqueue_job(y, JOB_STOP, NULL);
        }
}

static void unit_stop_unneeded(Unit *u) {
        static const UnitDepKind pulls[] = { DEP_REQUIRES, DEP_WANTS, DEP_BINDS_TO, DEP_REQUISITE };
        for (size_t p = 0; p < ELEMENTSOF(pulls); p++)
                for (size_t i = 0; i < u->deps[pulls[p]].n; i++)
                        unit_check_unneeded(u->deps[pulls[p]].items[i]);
}

static void unit_react(Unit *u, UnitActiveState old, UnitActiveState new_state) {
        const UnitSettings *st = unit_settings(u);
        if (new_state == UNIT_FAILED) {
                unit_start_each(u, DEP_ON_FAILURE, "OnFailure= dependencies");
                if (u->type == UNIT_SERVICE && u->service.result == SERVICE_FAILURE_START_LIMIT_HIT)
                        unit_run_action(u, st->start_limit_action, st->failure_action_exit_status, "Start limit");
                unit_run_action(u, st->failure_action, st->failure_action_exit_status, "Failure");
        } else if (new_state == UNIT_INACTIVE && u->job != JOB_RESTART &&
                   !(u->type == UNIT_SERVICE && u->service.result == SERVICE_SKIP_CONDITION)) {
                unit_start_each(u, DEP_ON_SUCCESS, "OnSuccess= dependencies");
                unit_run_action(u, st->success_action, st->success_action_exit_status, "Success");
        }
        if (state_is_down(new_state)) {
                unit_stop_bound(u);
                unit_stop_unneeded(u);
        } else if (new_state == UNIT_ACTIVE) {
                unit_check_binds_to(u);
                unit_check_unneeded(u);
        }
}

void unit_notify(Unit *u, UnitActiveState old, UnitActiveState new_state) {
        bool changed = old != new_state;
        if (changed) {
                unit_update_timestamps(u, old, new_state);
                unit_log_transition(u, old, new_state);
        }
        u->last_active_state = new_state;
        JobType job = u->job;
        job_settle(u, new_state);
        if (changed && u->type == UNIT_SERVICE)
                socket_service_notify(u, old, new_state);
        /* A restart's stop half is not an end: no OnSuccess=, no actions. */
        if (changed && !(job == JOB_RESTART && state_is_down(new_state)) && !u->manager->shutting_down)
                unit_react(u, old, new_state);
        else if (changed && state_is_down(new_state))
                unit_stop_unneeded(u);
        if (state_is_down(new_state)) {
                unit_apply_pending_file(u);
                manager_check_shutdown(u->manager);
        }
}
