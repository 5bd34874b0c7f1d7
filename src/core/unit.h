/* unit.h — a loaded unit in the manager: the settings of its files plus its
 * runtime state, a pending job and the clients waiting for that job.
 *
 * Ownership: the Manager owns every Unit (its `units` map, keyed by
 * Unit.name). A Unit owns its UnitFile. On reload a running unit keeps the
 * settings it started with until it is next started (`pending_file`). */
#pragma once

#include "lib/log.h"
#include "lib/loop.h"
#include "service.h"
#include "unit-deps.h"
#include "unit/unit-settings.h"

typedef struct Manager Manager;

typedef enum UnitActiveState {
        UNIT_ACTIVE,
        UNIT_RELOADING,
        UNIT_INACTIVE,
        UNIT_FAILED,
        UNIT_ACTIVATING,
        UNIT_DEACTIVATING,
        _UNIT_ACTIVE_STATE_MAX,
} UnitActiveState;

typedef enum JobType {
        JOB_NONE,
        JOB_START,
        JOB_STOP,
        JOB_RESTART,
        JOB_RELOAD,
        _JOB_TYPE_MAX,
} JobType;

typedef enum JobResult {
        JOB_DONE,
        JOB_FAILED,
        JOB_CANCELED,
        JOB_TIMEOUT,
        JOB_SKIPPED,
        JOB_DEPENDENCY,
} JobResult;

/* Someone waiting for a unit's job (a superctl connection). */
typedef struct JobWaiter {
        void (*done)(void *userdata, Unit *u, JobResult r);
        void *userdata;
        struct JobWaiter *next;
} JobWaiter;

typedef struct Unit {
        Manager *manager;
        char *name;
        char **alias_names;       /* other names in the manager's map for this unit */
        UnitType type;
        UnitFile *file;
        UnitFile *pending_file;   /* newer settings, applied at the next start */
        char *invocation_id;

        JobType job;
        JobWaiter *waiters;
        int file_state_cached;    /* UnitFileState, -1 unknown (reset on reload), -2 none */
        long tx_index;            /* slot + 1 while a transaction is being built (job.c) */

        bool target_active;       /* targets only */
        UnitActiveState last_active_state;
        usec_t state_change_timestamp, state_change_monotonic;
        usec_t active_enter_timestamp, active_enter_monotonic;
        usec_t active_exit_timestamp, active_exit_monotonic;
        usec_t inactive_enter_timestamp, inactive_enter_monotonic;
        usec_t inactive_exit_timestamp, inactive_exit_monotonic;


        UnitRefs deps[_DEP_KIND_MAX];
        bool in_load_queue;
        bool in_waiting;          /* listed in Manager.waiting */
        bool job_running;         /* the job's action has begun (else it waits for ordering) */
        bool job_irreversible;
        int condition_result;     /* -1 not tested, 0 failed, 1 passed */
        int assert_result;
        usec_t condition_timestamp;

        Service service;          /* used when type == UNIT_SERVICE */
        struct Socket *socket;    /* owned; type == UNIT_SOCKET (socket.h) */
        struct SocketConnection *connection; /* owned; an Accept=yes instance's connection (socket.h) */
} Unit;

int unit_new(Manager *m, const char *name, UnitFile *file, Unit **ret);
Unit *unit_free(Unit *u);

UnitActiveState unit_active_state(const Unit *u);
const char *unit_active_state_to_string(UnitActiveState s);
const char *unit_sub_state(const Unit *u);
const UnitSettings *unit_settings(const Unit *u);
/* The newest settings (pending after a reload, else current): dependencies use these. */
const UnitSettings *unit_settings_latest(const Unit *u);
UnitLoadState unit_latest_load_state(const Unit *u);

/* The type's own start and stop (jobs call these once ordering allows):
 * 0 begun, -EALREADY nothing to do, -EOPNOTSUPP, other -errno. */
int unit_type_start(Unit *u);
int unit_type_stop(Unit *u);
/* Takes u out of the manager's queues (before it is freed). */
void unit_remove_from_queues(Unit *u);
/* Called by the type's state machine after every state change. */
void unit_notify(Unit *u, UnitActiveState old, UnitActiveState new_state);
/* Applies pending_file (after a reload) while the unit is inactive. */
void unit_apply_pending_file(Unit *u);
/* A new InvocationID for the next run. */
void unit_new_invocation(Unit *u);

const char *job_type_to_string(JobType t);

#define log_unit_full(u, level, ...) log_internal(level, 0, (u)->name, __VA_ARGS__)
