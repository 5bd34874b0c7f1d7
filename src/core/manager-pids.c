/* manager-pids.c — which unit a process belongs to (for the notify socket).
 *
 * Without cgroups a unit's processes are its main and control processes and
 * whatever runs in their sessions or process groups: every process we start
 * leads a new session, so its children stay in it unless they call setsid()
 * again. The first main process's group (Service.main_pgid) counts too, after
 * that process is gone. */
#include <unistd.h>

#include "cgroup-unit.h"
#include "manager.h"

static bool service_has_group(const Service *s, pid_t id) {
        return id > 0 && (id == s->main_pgid || id == s->main_pid.pid || id == s->control_pid.pid);
}

/* A stopped unit keeps its last main_pgid; that id may be reused by now. */
static bool unit_may_have_processes(const Unit *u) {
        UnitActiveState a = unit_active_state(u);
        return u->type == UNIT_SERVICE && a != UNIT_INACTIVE && a != UNIT_FAILED;
}

Unit *manager_unit_by_pid(Manager *m, pid_t pid) {
        const char *k;
        void *v;
        if (pid <= 0 || pid == getpid())
                return NULL;
        /* With cgroups the kernel knows, whatever the process did with sessions. */
        _cleanup_free_ char *cg_unit = manager_cgroup_unit_of_pid(m, pid);
        Unit *cu = cg_unit ? hashmap_get(&m->units, cg_unit) : NULL;
        if (cu && cu->type == UNIT_SERVICE)
                return cu;
        for (size_t i = 0; hashmap_next(&m->units, &i, &k, &v);) {
                Unit *u = v;
                if (u->type == UNIT_SERVICE && k == u->name &&
                    (u->service.main_pid.pid == pid || u->service.control_pid.pid == pid))
                        return u;
        }
        pid_t sid = getsid(pid), pgid = getpgid(pid);
        if (sid < 0 && pgid < 0)
                return NULL;
        /* Our own session and group are nobody's (with -f we may share the caller's). */
        if (sid == getsid(0))
                sid = -1;
        if (pgid == getpgid(0))
                pgid = -1;
        for (size_t i = 0; hashmap_next(&m->units, &i, &k, &v);) {
                Unit *u = v;
                if (k == u->name && unit_may_have_processes(u) &&
                    (service_has_group(&u->service, sid) || service_has_group(&u->service, pgid)))
                        return u;
        }
        return NULL;
}
