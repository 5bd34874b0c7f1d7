/* job.h — jobs and transactions (systemd's model, simplified).
 *
 * A request (start, stop, restart, reload of an anchor unit) becomes a
 * transaction: the anchor's job plus the jobs its dependencies imply —
 * Requires=/BindsTo=/Wants= pull in starts, Conflicts= adds stops, a stop
 * propagates to units that Require=, BindsTo= or are PartOf= it, a restart
 * to them as a restart, a reload along PropagatesReloadTo=. Ordering cycles
 * among the new jobs are found, logged with the units in them, and broken
 * by dropping a job that only a Wants= asked for; if none can go the
 * request fails. Then the jobs are installed (at most one per unit, merged
 * with what is there) and wait.
 *
 * Dispatch (deferred work, after every change) runs each waiting job whose
 * ordering allows it: a start waits while a unit it is After= has any job
 * or a unit it is Before= is stopping; a stop waits while a unit ordered
 * after it is stopping. A finished job answers its waiters; a failed start
 * fails the waiting starts that Require= it and are ordered after it
 * ("Dependency failed"). */
#pragma once

#include "unit.h"

/* Queues type for u with the implied jobs. w (may be NULL) is told when
 * u's job finishes (at once if nothing needs doing). Errors: -ENOENT
 * (not found), -ERFKILL (masked), -ENOEXEC (bad setting / not active for
 * reload), -EOPNOTSUPP, -ELOOP (unbreakable ordering cycle), -ENOLINK (a
 * Requisite= is not active), -ENOMEM. */
int unit_enqueue_job(Unit *u, JobType type, JobWaiter *w);
void unit_remove_waiter(Unit *u, JobWaiter *w);
/* After unit_enqueue_job() failed with -ENOENT, -ERFKILL or -ENOEXEC: the
 * name of the unit (the anchor or a dependency) that is not loaded; NULL
 * if none. */
const char *job_error_unit(void);
/* Called by unit_notify() on every state change. */
void job_settle(Unit *u, UnitActiveState new_state);
/* Ends u's job with r (answers waiters, propagates failure, re-dispatches). */
void job_finish(Unit *u, JobResult r);
void job_dispatch_kick(Manager *m);
/* Creates the manager's dispatch source. */
int job_setup(Manager *m);
