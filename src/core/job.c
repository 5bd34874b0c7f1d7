#include "job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "condition.h"
#include "lib/log.h"
#include "manager.h"

typedef struct TxJob {
        Unit *unit;
        JobType type;
        bool matters;   /* anchor, or pulled by a hard dependency */
        bool deleted;
} TxJob;

typedef struct Transaction {
        TxJob *jobs;
        size_t n, cap;
} Transaction;

/* Units carry their transaction slot + 1 in tx_index while one is built. */
static TxJob *tx_find(Transaction *t, Unit *u) {
        return u->tx_index > 0 && (size_t) u->tx_index <= t->n ? &t->jobs[u->tx_index - 1] : NULL;
}

static void tx_done(Transaction *t) {
        for (size_t i = 0; i < t->n; i++)
                t->jobs[i].unit->tx_index = 0;
        free(t->jobs);
        *t = (Transaction) {};
}

static bool unit_is_down(Unit *u) {
        UnitActiveState a = unit_active_state(u);
        return a == UNIT_INACTIVE || a == UNIT_FAILED;
}

static bool unit_is_up(Unit *u) {
        UnitActiveState a = unit_active_state(u);
        return a == UNIT_ACTIVE || a == UNIT_RELOADING;
}

static int load_error(Unit *u) {
        switch (u->file->load_state) {
        case UNIT_LOADED:
                return 0;
        case UNIT_MASKED:
                return -ERFKILL;
        case UNIT_NOT_FOUND:
                return -ENOENT;
        default:
                return -ENOEXEC;
        }
}

static int tx_append(Transaction *t, Unit *u, JobType type, bool matters) {
        if (t->n == t->cap) {
                size_t cap = t->cap ? t->cap * 2 : 16;
                TxJob *j = realloc(t->jobs, sizeof(TxJob) * cap);
                if (!j)
                        return -ENOMEM;
                t->jobs = j;
                t->cap = cap;
        }
        t->jobs[t->n++] = (TxJob) { .unit = u, .type = type, .matters = matters };
        u->tx_index = (long) t->n;
        return 1;
}

static int tx_add(Transaction *t, Unit *u, JobType type, bool matters);

/* The unit whose load state failed the last transaction (may be a dependency). */
static char job_error_name[256];

const char *job_error_unit(void) {
        return job_error_name[0] ? job_error_name : NULL;
}

/* systemd's own machinery (journald, udevd, tmpfiles --boot, sysctl, ...)
 * is what superd replaces or what needs systemd as PID 1: a Wants= never
 * starts it; starting it by name still works. */
static bool unit_is_systemd_machinery(const Unit *u) {
        return startswith(u->name, "systemd-") != NULL;
}

static int tx_add_each(Transaction *t, Unit *u, UnitDepKind kind, JobType type, bool matters, bool only_if_up) {
        for (size_t i = 0; i < u->deps[kind].n; i++) {
                Unit *x = u->deps[kind].items[i];
                if (only_if_up && unit_is_down(x) && x->job == JOB_NONE)
                        continue;
                if (kind == DEP_WANTS && unit_is_systemd_machinery(x))
                        continue;
                int r = tx_add(t, x, type, matters);
                if (r < 0 && matters)
                        return r;
                if (r == -ENOMEM)
                        return r;
        }
        return 0;
}

static int tx_add_start_deps(Transaction *t, Unit *u, bool matters) {
        int r;
        if ((r = tx_add_each(t, u, DEP_REQUIRES, JOB_START, matters, false)) < 0 ||
            (r = tx_add_each(t, u, DEP_BINDS_TO, JOB_START, matters, false)) < 0 ||
            (r = tx_add_each(t, u, DEP_WANTS, JOB_START, false, false)) < 0 ||
            (r = tx_add_each(t, u, DEP_CONFLICTS, JOB_STOP, matters, true)) < 0 ||
            (r = tx_add_each(t, u, DEP_CONFLICTED_BY, JOB_STOP, matters, true)) < 0)
                return r;
        for (size_t i = 0; i < u->deps[DEP_REQUISITE].n; i++) {
                Unit *x = u->deps[DEP_REQUISITE].items[i];
                TxJob *tj = tx_find(t, x);
                bool coming = x->job == JOB_START || (tj && tj->type == JOB_START);
                if (!unit_is_up(x) && !coming && matters) {
                        log_unit_warning(u->name, "Requisite %s is not active.", x->name);
                        return -ENOLINK;
                }
        }
        return 0;
}

static int tx_add(Transaction *t, Unit *u, JobType type, bool matters) {
        TxJob *have = tx_find(t, u);
        if (have) {
                bool starts = have->type != JOB_STOP, start = type != JOB_STOP;
                if (starts == start || !matters) {
                        have->matters |= matters;
                        return 0;
                }
                log_unit_warning(u->name, "Transaction contains conflicting jobs for this unit.");
                return -EDEADLK;
        }
        int r = (type == JOB_STOP) ? 0 : load_error(u);
        if (r < 0) {
                snprintf(job_error_name, sizeof job_error_name, "%s", u->name);
                return r;
        }
        if ((r = tx_append(t, u, type, matters)) < 0)
                return r;
        switch (type) {
        case JOB_START:
                return tx_add_start_deps(t, u, matters);
        case JOB_RESTART:
                if ((r = tx_add_start_deps(t, u, matters)) < 0)
                        return r;
                if ((r = tx_add_each(t, u, DEP_REQUIRED_BY, JOB_RESTART, false, true)) < 0 ||
                    (r = tx_add_each(t, u, DEP_BOUND_BY, JOB_RESTART, false, true)) < 0)
                        return r;
                return tx_add_each(t, u, DEP_CONSISTS_OF, JOB_RESTART, false, true);
        case JOB_STOP:
                if ((r = tx_add_each(t, u, DEP_REQUIRED_BY, JOB_STOP, matters, true)) < 0 ||
                    (r = tx_add_each(t, u, DEP_BOUND_BY, JOB_STOP, matters, true)) < 0)
                        return r;
                return tx_add_each(t, u, DEP_CONSISTS_OF, JOB_STOP, false, true);
        case JOB_RELOAD:
                return tx_add_each(t, u, DEP_PROPAGATES_RELOAD_TO, JOB_RELOAD, false, true);
        default:
                return 0;
        }
}

/* --- ordering cycles --------------------------------------------------- */

static bool job_is_startish(JobType t) {
        return t == JOB_START || t == JOB_RESTART || t == JOB_RELOAD;
}

/* Does a job ju on u have to wait for job jx on x, given u -kind-> x? */
static bool job_waits_on(JobType ju, UnitDepKind kind, JobType jx) {
        /* A restart is a stop in disguise until its stop half is done (it
         * is then a start), as systemd's job_compare() has it. */
        ju = ju == JOB_RESTART ? JOB_STOP : ju;
        jx = jx == JOB_RESTART ? JOB_STOP : jx;
        if (jx == JOB_NONE)
                return false;
        if (job_is_startish(ju))
                return kind == DEP_AFTER || (kind == DEP_BEFORE && jx == JOB_STOP);
        return ju == JOB_STOP && kind == DEP_BEFORE && jx == JOB_STOP;
}

enum { WHITE, GREY, BLACK };

static int tx_break_cycle(Transaction *t, const size_t *cycle, size_t n) {
        Unit *first = t->jobs[cycle[0]].unit;
        const char *jt = job_type_to_string(t->jobs[cycle[0]].type);
        log_unit_warning(first->name, "Found ordering cycle on %s/%s", first->name, jt);
        for (size_t i = 1; i < n; i++)
                log_unit_warning(first->name, "Found dependency on %s/%s", t->jobs[cycle[i]].unit->name,
                                 job_type_to_string(t->jobs[cycle[i]].type));
        for (size_t i = n; i-- > 0;) {
                TxJob *j = &t->jobs[cycle[i]];
                if (j->matters)
                        continue;
                j->deleted = true;
                log_unit_warning(first->name, "Job %s/%s deleted to break ordering cycle starting with %s/%s",
                                 j->unit->name, job_type_to_string(j->type), first->name, jt);
                return -EAGAIN;
        }
        log_unit_error(first->name, "Unable to break cycle starting with %s/%s", first->name, jt);
        return -ELOOP;
}

static int tx_dfs(Transaction *t, size_t i, uint8_t *color, size_t *stack, size_t depth) {
        static const UnitDepKind kinds[] = { DEP_AFTER, DEP_BEFORE };
        TxJob *j = &t->jobs[i];
        color[i] = GREY;
        stack[depth] = i;
        for (size_t k = 0; k < ELEMENTSOF(kinds); k++)
                for (size_t e = 0; e < j->unit->deps[kinds[k]].n; e++) {
                        TxJob *jx = tx_find(t, j->unit->deps[kinds[k]].items[e]);
                        if (!jx || jx->deleted || !job_waits_on(j->type, kinds[k], jx->type))
                                continue;
                        size_t x = (size_t) (jx - t->jobs);
                        if (color[x] == GREY) {
                                size_t p = 0;
                                while (stack[p] != x)
                                        p++;
                                return tx_break_cycle(t, stack + p, depth - p + 1);
                        }
                        if (color[x] == WHITE) {
                                int r = tx_dfs(t, x, color, stack, depth + 1);
                                if (r < 0)
                                        return r;
                        }
                }
        color[i] = BLACK;
        return 0;
}

static int tx_check_cycles(Transaction *t) {
        uint8_t *color = malloc(t->n);
        size_t *stack = malloc(sizeof(size_t) * t->n);
        int r = color && stack ? -EAGAIN : -ENOMEM;
        while (r == -EAGAIN) {
                memset(color, WHITE, t->n);
                r = 0;
                for (size_t i = 0; i < t->n && r == 0; i++)
                        if (!t->jobs[i].deleted && color[i] == WHITE)
                                r = tx_dfs(t, i, color, stack, 0);
        }
        free(color);
        free(stack);
        return r;
}

/* --- installing and dispatching ---------------------------------------- */

static void job_add_waiting(Unit *u) {
        Manager *m = u->manager;
        if (u->in_waiting)
                return;
        Unit **items = m->waiting.n == m->waiting.cap
                               ? realloc(m->waiting.items, sizeof(Unit *) * (m->waiting.cap ? m->waiting.cap * 2 : 64))
                               : m->waiting.items;
        if (!items)
                return; /* the job stays installed; the next full dispatch finds it */
        if (m->waiting.n == m->waiting.cap)
                m->waiting.cap = m->waiting.cap ? m->waiting.cap * 2 : 64;
        m->waiting.items = items;
        m->waiting.items[m->waiting.n++] = u;
        u->in_waiting = true;
}

void unit_remove_waiter(Unit *u, JobWaiter *w) {
        for (JobWaiter **p = &u->waiters; *p; p = &(*p)->next)
                if (*p == w) {
                        *p = w->next;
                        w->next = NULL;
                        return;
                }
}

static void job_answer(Unit *u, JobResult r) {
        JobWaiter *w = u->waiters;
        u->waiters = NULL;
        while (w) {
                JobWaiter *next = w->next;
                w->next = NULL;
                w->done(w->userdata, u, r);
                w = next;
        }
}

void job_dispatch_kick(Manager *m) {
        if (m->job_dispatch)
                loop_defer_enable(m->job_dispatch);
}

void job_finish(Unit *u, JobResult r) {
        JobType t = u->job;
        if (t == JOB_NONE)
                return;
        u->job = JOB_NONE;
        u->job_running = false;
        job_answer(u, r);
        if ((t == JOB_START || t == JOB_RESTART) && (r == JOB_FAILED || r == JOB_DEPENDENCY || r == JOB_TIMEOUT)) {
                static const UnitDepKind hard[] = { DEP_REQUIRED_BY, DEP_BOUND_BY, DEP_REQUISITE_OF };
                for (size_t k = 0; k < ELEMENTSOF(hard); k++)
                        for (size_t i = 0; i < u->deps[hard[k]].n; i++) {
                                Unit *x = u->deps[hard[k]].items[i];
                                if ((x->job == JOB_START || x->job == JOB_RESTART) && !x->job_running &&
                                    unit_has_dependency(x, DEP_AFTER, u)) {
                                        log_unit_notice(x->name, "Dependency failed for %s.",
                                                        unit_settings(x)->description ? unit_settings(x)->description : x->name);
                                        job_finish(x, JOB_DEPENDENCY);
                                }
                        }
        }
        job_dispatch_kick(u->manager);
}

/* Puts one transaction job on its unit, merged with what is there. */
static void job_install(Unit *u, JobType type) {
        if (u->job == JOB_NONE) {
                if ((type == JOB_START && unit_is_up(u)) || (type == JOB_STOP && unit_is_down(u)))
                        return; /* nothing to do */
                if (type == JOB_RESTART && unit_is_down(u))
                        type = JOB_START;
        } else if (u->job == type || (u->job == JOB_RESTART && type == JOB_START))
                return;
        else if (job_is_startish(type) && u->job == JOB_STOP && u->job_running) {
                /* Stopping now: start again once down. */
                u->job = JOB_RESTART;
                return;
        } else if (u->job == JOB_RELOAD && type == JOB_START)
                return;
        else
                job_answer(u, JOB_CANCELED);
        u->job = type;
        u->job_running = false;
        if (type == JOB_RESTART && u->type == UNIT_SERVICE)
                u->service.restart_after_stop = true;
        job_add_waiting(u);
}

static bool job_is_runnable(Unit *u) {
        static const UnitDepKind kinds[] = { DEP_AFTER, DEP_BEFORE };
        for (size_t k = 0; k < ELEMENTSOF(kinds); k++)
                for (size_t i = 0; i < u->deps[kinds[k]].n; i++) {
                        Unit *x = u->deps[kinds[k]].items[i];
                        if (job_waits_on(u->job, kinds[k], x->job))
                                return false;
                }
        return true;
}

static void job_run_start(Unit *u) {
        bool assert_failed = false;
        if (!unit_test_conditions(u, &assert_failed)) {
                if (assert_failed) {
                        log_unit_error(u->name, "Assertion failed for %s.", u->name);
                        job_finish(u, JOB_FAILED);
                } else {
                        log_unit_info(u->name, "Condition check resulted in %s being skipped.",
                                      unit_settings(u)->description ? unit_settings(u)->description : u->name);
                        job_finish(u, JOB_SKIPPED);
                }
                return;
        }
        int r = unit_type_start(u);
        if (u->job != JOB_START)
                return; /* settled already */
        if (r == -EALREADY)
                job_finish(u, JOB_DONE);
        else if (r < 0)
                job_finish(u, JOB_FAILED);
}

static void job_run(Unit *u) {
        u->job_running = true;
        switch (u->job) {
        case JOB_START:
                job_run_start(u);
                break;
        case JOB_RESTART:
                /* Down already (or at once): only the start half is left,
                 * and as a start it waits for its ordering again. */
                if (unit_is_down(u) || (unit_type_stop(u) == -EALREADY && u->job == JOB_RESTART)) {
                        u->job = JOB_START;
                        u->job_running = false;
                        job_add_waiting(u);
                        job_dispatch_kick(u->manager);
                }
                break;
        case JOB_STOP:
                if (unit_type_stop(u) == -EALREADY && u->job == JOB_STOP)
                        job_finish(u, JOB_DONE);
                break;
        case JOB_RELOAD: {
                int r = u->type == UNIT_SERVICE ? service_reload(u) : -EOPNOTSUPP;
                if (r < 0 && u->job == JOB_RELOAD)
                        job_finish(u, JOB_FAILED);
                break;
        }
        default:
                break;
        }
}

static void job_dispatch(LoopSource *s, void *userdata) {
        Manager *m = userdata;
        /* Take the list: running a job may add to it. */
        UnitRefs list = m->waiting;
        m->waiting = (UnitRefs) {};
        /* A unit freed meanwhile is cleared from the list (unit_remove_from_queues). */
        m->dispatching = &list;
        for (size_t i = 0; i < list.n; i++)
                list.items[i]->in_waiting = false;
        for (size_t i = 0; i < list.n; i++) {
                Unit *u = list.items[i];
                if (!u || u->job == JOB_NONE || u->job_running)
                        continue;
                if (job_is_runnable(u))
                        job_run(u);
                else
                        job_add_waiting(u);
        }
        m->dispatching = NULL;
        free(list.items);
}

int job_setup(Manager *m) {
        return loop_add_defer(m->loop, job_dispatch, m, &m->job_dispatch);
}

void job_settle(Unit *u, UnitActiveState new_state) {
        bool down = new_state == UNIT_INACTIVE || new_state == UNIT_FAILED;
        switch (u->job) {
        case JOB_START:
                if (new_state == UNIT_ACTIVE || new_state == UNIT_RELOADING)
                        job_finish(u, JOB_DONE);
                else if (!u->job_running)
                        break;
                else if (new_state == UNIT_FAILED)
                        job_finish(u, JOB_FAILED);
                else if (new_state == UNIT_INACTIVE)
                        job_finish(u, u->type == UNIT_SERVICE && u->service.result != SERVICE_SUCCESS &&
                                                  u->service.result != SERVICE_SKIP_CONDITION
                                          ? JOB_FAILED : JOB_DONE);
                else if (u->type == UNIT_SERVICE && u->service.state == SERVICE_AUTO_RESTART)
                        job_finish(u, JOB_FAILED);
                break;
        case JOB_STOP:
                if (down)
                        job_finish(u, JOB_DONE);
                break;
        case JOB_RESTART:
                if (down && u->job_running) {
                        /* The stop half is done; the start waits for ordering again. */
                        u->job = JOB_START;
                        u->job_running = false;
                        job_add_waiting(u);
                        job_dispatch_kick(u->manager);
                }
                break;
        case JOB_RELOAD:
                if (new_state == UNIT_ACTIVE)
                        job_finish(u, u->service.reload_result == SERVICE_SUCCESS ? JOB_DONE : JOB_FAILED);
                else if (new_state != UNIT_RELOADING)
                        job_finish(u, JOB_FAILED);
                break;
        default:
                break;
        }
}

int unit_enqueue_job(Unit *u, JobType type, JobWaiter *w) {
        job_error_name[0] = 0;
        if (type == JOB_RELOAD) {
                if (u->type != UNIT_SERVICE || !service_can_reload(u))
                        return load_error(u) < 0 ? load_error(u) : -EOPNOTSUPP;
                if (!unit_is_up(u))
                        return -ENOEXEC;
        }
        Transaction t = {};
        int r = tx_add(&t, u, type, true);
        if (r >= 0)
                r = tx_check_cycles(&t);
        if (r >= 0)
                for (size_t i = 0; i < t.n; i++)
                        if (!t.jobs[i].deleted)
                                job_install(t.jobs[i].unit, t.jobs[i].type);
        tx_done(&t);
        if (r < 0)
                return r;
        if (w) {
                if (u->job == JOB_NONE)
                        w->done(w->userdata, u, JOB_DONE);
                else {
                        w->next = u->waiters;
                        u->waiters = w;
                }
        }
        job_dispatch_kick(u->manager);
        return 0;
}
