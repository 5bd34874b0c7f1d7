/* cgroup-unit.h — a cgroup v2 per service, where the machine has a writable
 * cgroup2 hierarchy (SPEC 6).
 *
 * Layout: superd's own cgroup (from /proc/self/cgroup) gets one child per
 * instance, "superd-" + a hash of the runtime dir, so a restarted superd
 * finds its cgroups again and concurrent instances never share one; below
 * it one cgroup per service, named as the unit ("foo.service"). A process
 * joins its service's cgroup as the first thing after fork (exec.h), so
 * every descendant is in it, whatever it does with sessions.
 *
 * A service's cgroup is made at its first spawn and removed once empty
 * after the service stopped. Its cgroup.events is watched (EPOLLPRI) from
 * the first time it is found populated when asked (main process gone,
 * stopping, releasing), and each change of "populated" to 0 then calls
 * service_cgroup_changed(). Without a writable
 * cgroup2 (Manager.cgroup_root NULL) every function here does nothing and
 * services are tracked by process group/session.
 *
 * Per-connection instances (Accept=yes) get a pooled cgroup instead: making
 * and removing a cgroup costs some 70 µs, most of a connection's share of
 * superd, and cgroup v2 cannot rename one. So an instance takes an empty
 * "conn-N" cgroup the last connection left behind, or makes one; when it is
 * empty again it goes back to the pool (up to CGROUP_POOL_MAX are kept).
 * Each connection still has a cgroup of its own: empty when it starts,
 * killed as a whole, with its own TasksMax=. manager_cgroup_unit_of_pid()
 * knows which instance holds which "conn-N".
 *
 * Ownership: the Manager owns cgroup_root/cgroup_rel and the pooled slots;
 * the Service owns its cgroup_path, directory fd, events fd and watch. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

typedef struct Manager Manager;
typedef struct Unit Unit;

/* An empty cgroup kept for the next connection. */
struct CgroupSlot {
        char *path;
        int fd;        /* the directory */
        int events_fd; /* its cgroup.events */
};

#define CGROUP_POOL_MAX 64U

/* Finds the cgroup2 mount and makes the instance cgroup; logs what it uses. */
void manager_setup_cgroup(Manager *m);
/* Removes the pooled and the instance cgroup if it is empty (at exit). */
void manager_release_cgroup(Manager *m);
/* The cgroup directory a unit's processes go to (whether or not it exists);
 * NULL without cgroups or on OOM. Caller frees. */
char *manager_unit_cgroup_path(Manager *m, const char *unit_name);
/* The unit name whose cgroup pid is in, from /proc/PID/cgroup; NULL: none. */
char *manager_cgroup_unit_of_pid(Manager *m, pid_t pid);

/* Makes the service's cgroup (if not yet) and opens it. Returns
 * the service's fd of the cgroup directory (still owned by the service) for
 * the child to be born in, -1 without cgroups, or -errno. */
int service_cgroup_prepare(Unit *u);
/* After a spawn into it: the directory fd is not kept (but for a pooled cgroup). */
void service_cgroup_spawned(Unit *u);
/* The service has a cgroup (made or found again). */
bool service_cgroup_active(Unit *u);
bool service_cgroup_populated(Unit *u);
/* Signals every process of the cgroup (cgroup.kill for SIGKILL). */
int service_cgroup_kill(Unit *u, int sig);
/* Stops watching and removes the cgroup if empty (else once it empties). */
void service_cgroup_release(Unit *u);
/* Opens an existing cgroup again (re-adoption, reexec). */
int service_cgroup_attach(Unit *u);
/* The same, for a service whose process pid may sit in a pooled "conn-N"
 * cgroup (a per-connection instance carried across daemon-reexec). */
int service_cgroup_attach_pid(Unit *u, pid_t pid);
void service_cgroup_done(Unit *u);
/* pids of the cgroup (or -ENOMEDIUM without one). */
int service_cgroup_pids(Unit *u, pid_t **ret, size_t *ret_n);
