#include "unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/strv.h"
#include "lib/timespan.h"
#include "manager.h"

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
        service_init(u);
        *ret = u;
        return 0;
}

static void unit_finish_job(Unit *u, JobResult r);

Unit *unit_free(Unit *u) {
        if (!u)
                return NULL;
        unit_finish_job(u, JOB_CANCELED);
        service_done(u);
        u->job_defer = loop_source_free(u->job_defer);
        unit_file_free(u->file);
        unit_file_free(u->pending_file);
        for (unsigned i = 0; i < UNIT_LOG_LINES; i++)
                free(u->log_lines[i]);
        free(u->invocation_id);
        strv_free(u->alias_names);
        free(u->name);
        free(u);
        return NULL;
}

const UnitSettings *unit_settings(const Unit *u) {
        return &u->file->s;
}

UnitActiveState unit_active_state(const Unit *u) {
        if (u->type == UNIT_SERVICE)
                return (UnitActiveState) service_active_state(u);
        return u->target_active ? UNIT_ACTIVE : UNIT_INACTIVE;
}

const char *unit_sub_state(const Unit *u) {
        if (u->type == UNIT_SERVICE)
                return service_state_to_string(u->service.state);
        return u->target_active ? "active" : "dead";
}

void unit_new_invocation(Unit *u) {
        uint8_t b[16];
        char hex[33];
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, b, sizeof b) != (ssize_t) sizeof b) {
                usec_t t = now_realtime() ^ (usec_t) getpid();
                memcpy(b, &t, 8);
                memcpy(b + 8, &u, sizeof(void *) <= 8 ? sizeof(void *) : 8);
        }
        safe_close(fd);
        for (size_t i = 0; i < sizeof b; i++)
                snprintf(hex + 2 * i, 3, "%02x", b[i]);
        free(u->invocation_id);
        u->invocation_id = strdup(hex);
}

void unit_add_log_line(Unit *u, const char *text) {
        char ts[64], *copy;
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(ts, sizeof ts, "%b %d %H:%M:%S", &tm);
        if (asprintf(&copy, "%s %s", ts, text) < 0)
                return;
        free(u->log_lines[u->log_next]);
        u->log_lines[u->log_next] = copy;
        u->log_next = (u->log_next + 1) % UNIT_LOG_LINES;
}

void unit_apply_pending_file(Unit *u) {
        if (!u->pending_file)
                return;
        unit_file_free(u->file);
        u->file = u->pending_file;
        u->pending_file = NULL;
}

static void unit_finish_job(Unit *u, JobResult r) {
        JobWaiter *w = u->waiters;
        u->waiters = NULL;
        u->job = JOB_NONE;
        while (w) {
                JobWaiter *next = w->next;
                w->next = NULL;
                w->done(w->userdata, u, r);
                w = next;
        }
}

void unit_remove_waiter(Unit *u, JobWaiter *w) {
        for (JobWaiter **p = &u->waiters; *p; p = &(*p)->next)
                if (*p == w) {
                        *p = w->next;
                        w->next = NULL;
                        return;
                }
}

static void unit_add_waiter(Unit *u, JobWaiter *w) {
        if (!w)
                return;
        w->next = u->waiters;
        u->waiters = w;
}

/* Starting a unit pulls in what it Wants=/Requires= (and its .wants/ and
 * .requires/ directories). Ordering comes with the dependency engine. */
static void unit_pull_in(Unit *u) {
        const UnitSettings *st = unit_settings(u);
        char **wants = NULL, **requires = NULL;
        (void) unit_file_wants_dirs(&u->manager->load_ctx, u->name, &wants, &requires);
        char **lists[] = { st->deps[UNIT_REQUIRES], st->deps[UNIT_WANTS], st->deps[UNIT_BINDS_TO],
                           requires, wants };
        for (size_t i = 0; i < ELEMENTSOF(lists); i++)
                STRV_FOREACH(n, lists[i]) {
                        Unit *other;
                        if (streq(*n, u->name) || manager_load_unit(u->manager, *n, &other) < 0)
                                continue;
                        if (other->file->load_state != UNIT_LOADED) {
                                log_unit_warning(u->name, "Dependency %s is %s, ignoring.", other->name,
                                                 unit_load_state_to_string(other->file->load_state));
                                continue;
                        }
                        (void) unit_enqueue_job(other, JOB_START, NULL);
                }
        strv_free(wants);
        strv_free(requires);
}

static int unit_type_start(Unit *u) {
        switch (u->type) {
        case UNIT_SERVICE:
                unit_pull_in(u);
                return service_start(u);
        case UNIT_TARGET: {
                UnitActiveState old = unit_active_state(u);
                unit_new_invocation(u);
                unit_pull_in(u);
                u->target_active = true;
                unit_notify(u, old, UNIT_ACTIVE);
                return 0;
        }
        default:
                return -EOPNOTSUPP;
        }
}

static int unit_type_stop(Unit *u) {
        switch (u->type) {
        case UNIT_SERVICE:
                return service_stop(u);
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

static void unit_job_defer(LoopSource *s, void *userdata) {
        Unit *u = userdata;
        if (u->job != JOB_START)
                return;
        int r = unit_type_start(u);
        if (r == -EALREADY)
                unit_finish_job(u, JOB_DONE);
        else if (r < 0 && u->job == JOB_START)
                unit_finish_job(u, JOB_FAILED);
}

static void unit_schedule_start(Unit *u) {
        u->job = JOB_START;
        if (u->job_defer)
                loop_defer_enable(u->job_defer);
        else if (loop_add_defer(u->manager->loop, unit_job_defer, u, &u->job_defer) < 0)
                unit_finish_job(u, JOB_FAILED);
}

static void unit_settle_job(Unit *u, UnitActiveState new_state) {
        bool down = new_state == UNIT_INACTIVE || new_state == UNIT_FAILED;
        switch (u->job) {
        case JOB_START:
                if (new_state == UNIT_ACTIVE || new_state == UNIT_RELOADING)
                        unit_finish_job(u, JOB_DONE);
                else if (new_state == UNIT_FAILED)
                        unit_finish_job(u, JOB_FAILED);
                else if (new_state == UNIT_INACTIVE)
                        unit_finish_job(u, u->type == UNIT_SERVICE && u->service.result != SERVICE_SUCCESS &&
                                                           u->service.result != SERVICE_SKIP_CONDITION
                                                   ? JOB_FAILED : JOB_DONE);
                else if (u->type == UNIT_SERVICE && u->service.state == SERVICE_AUTO_RESTART)
                        unit_finish_job(u, JOB_FAILED);
                break;
        case JOB_STOP:
                if (down)
                        unit_finish_job(u, JOB_DONE);
                break;
        case JOB_RESTART:
                if (down)
                        unit_schedule_start(u);
                break;
        case JOB_RELOAD:
                if (new_state == UNIT_ACTIVE)
                        unit_finish_job(u, u->service.reload_result == SERVICE_SUCCESS ? JOB_DONE : JOB_FAILED);
                else if (new_state != UNIT_RELOADING)
                        unit_finish_job(u, JOB_FAILED);
                break;
        default:
                break;
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

void unit_notify(Unit *u, UnitActiveState old, UnitActiveState new_state) {
        if (old != new_state) {
                unit_update_timestamps(u, old, new_state);
                unit_log_transition(u, old, new_state);
        }
        u->last_active_state = new_state;
        unit_settle_job(u, new_state);
        if (new_state == UNIT_INACTIVE || new_state == UNIT_FAILED) {
                unit_apply_pending_file(u);
                manager_check_shutdown(u->manager);
        }
}

static void unit_cancel_job(Unit *u) {
        if (u->job != JOB_NONE)
                unit_finish_job(u, JOB_CANCELED);
}

static int unit_enqueue_start(Unit *u, JobWaiter *w) {
        UnitActiveState a = unit_active_state(u);
        if ((a == UNIT_ACTIVE || a == UNIT_RELOADING) && u->job == JOB_NONE) {
                if (w)
                        w->done(w->userdata, u, JOB_DONE);
                return 0;
        }
        if (u->job == JOB_START || u->job == JOB_RESTART) {
                unit_add_waiter(u, w);
                return 0;
        }
        /* A start replaces a stop or reload job; while stopping, it starts again after. */
        unit_cancel_job(u);
        unit_add_waiter(u, w);
        if (a == UNIT_DEACTIVATING) {
                u->job = JOB_RESTART;
                return 0;
        }
        u->job = JOB_START;
        int r = unit_type_start(u);
        if (r == -EALREADY && u->job == JOB_START)
                unit_finish_job(u, JOB_DONE);
        else if (r < 0 && r != -EALREADY && u->job == JOB_START) {
                if (w)
                        unit_remove_waiter(u, w);
                unit_finish_job(u, JOB_FAILED);
                return r;
        }
        return 0;
}


int unit_enqueue_job(Unit *u, JobType type, JobWaiter *w) {
        UnitLoadState ls = u->file->load_state;
        if (ls != UNIT_LOADED && type != JOB_STOP)
                return ls == UNIT_MASKED ? -ERFKILL : ls == UNIT_NOT_FOUND ? -ENOENT : -ENOEXEC;
        UnitActiveState a = unit_active_state(u);
        bool down = a == UNIT_INACTIVE || a == UNIT_FAILED;
        switch (type) {
        case JOB_START:
                return unit_enqueue_start(u, w);
        case JOB_RESTART:
                if (down)
                        return unit_enqueue_start(u, w);
                unit_cancel_job(u);
                unit_add_waiter(u, w);
                u->job = JOB_RESTART;
                if (u->type == UNIT_SERVICE)
                        u->service.restart_after_stop = true;
                (void) unit_type_stop(u);
                return 0;
        case JOB_STOP:
                if (down && u->job == JOB_NONE) {
                        if (w)
                                w->done(w->userdata, u, JOB_DONE);
                        return 0;
                }
                unit_cancel_job(u);
                unit_add_waiter(u, w);
                u->job = JOB_STOP;
                if (unit_type_stop(u) == -EALREADY)
                        unit_finish_job(u, JOB_DONE);
                return 0;
        case JOB_RELOAD: {
                if (u->type != UNIT_SERVICE)
                        return -EOPNOTSUPP;
                if (a != UNIT_ACTIVE)
                        return -ENOEXEC;
                int r = service_reload(u);
                if (r < 0)
                        return r;
                unit_add_waiter(u, w);
                u->job = JOB_RELOAD;
                return 0;
        }
        default:
                return -EINVAL;
        }
}
