/* cgroup-unit.c — per-service cgroups; see cgroup-unit.h. */
#include "cgroup-unit.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/cgroup.h"
#include "lib/log.h"
#include "manager.h"

#define POOL_PREFIX "conn-"

/* A pooled cgroup's name is exactly "conn-DIGITS"; unit names always have
 * a '.', so no unit's cgroup ("conn-a.service") is taken for one. */
static bool is_pool_name(const char *name, unsigned *ret_nr) {
        const char *d = startswith(name, POOL_PREFIX);
        if (!d || !*d || strspn(d, "0123456789") != strlen(d) || strlen(d) > 9)
                return false;
        if (ret_nr)
                *ret_nr = (unsigned) strtoul(d, NULL, 10);
        return true;
}

/* FNV-1a: a short stable name for the instance from its runtime dir. */
static unsigned long long hash_string(const char *s) {
        unsigned long long h = 1469598103934665603ULL;
        for (; *s; s++) {
                h ^= (unsigned char) *s;
                h *= 1099511628211ULL;
        }
        return h;
}

static void cgroup_sweep_empty(Manager *m, const char *root);

void manager_setup_cgroup(Manager *m) {
        _cleanup_free_ char *mount = NULL, *self = NULL;
        const char *knob = getenv("SUPERD_CGROUPS");
        if (knob && streq(knob, "no")) {
                log_info("SUPERD_CGROUPS=no: tracking processes by session and process group.");
                return;
        }
        int r = cgroup_find_mount(&mount);
        if (r >= 0)
                r = cgroup_get_path(0, &self);
        if (r < 0) {
                log_info("No cgroup v2 hierarchy, tracking processes by session and process group.");
                return;
        }
        char name[64];
        snprintf(name, sizeof name, "superd-%016llx", hash_string(m->runtime_dir));
        char *rel = NULL, *root = NULL;
        if (asprintf(&rel, "%s%s%s", streq(self, "/") ? "" : self, "/", name) < 0)
                return;
        if (asprintf(&root, "%s%s", mount, rel) < 0) {
                free(rel);
                return;
        }
        r = cgroup_create(root);
        if (r < 0) {
                log_info("cgroup v2 at '%s' is not writable (%s), tracking processes by session and process group.",
                         root, strerror(-r));
                free(rel);
                free(root);
                return;
        }
        m->cgroup_root = root;
        m->cgroup_rel = rel;
        cgroup_sweep_empty(m, root);
        /* TasksMax= needs the pids controller below the instance. */
        (void) cgroup_write(root, "cgroup.subtree_control", "+pids");
        m->cgroup_pids = cgroup_subtree_has(root, "pids");
        log_info("Tracking processes in cgroup %s%s.", rel, m->cgroup_pids ? " (pids controller enabled)" : "");
}

/* Every empty service cgroup (one may have emptied after its service
 * stopped, while nobody watched); those with processes (KillMode=none, or
 * left by a crashed superd) stay, and new pooled cgroups are numbered past
 * any "conn-N" that stayed. */
static void cgroup_sweep_empty(Manager *m, const char *root) {
        DIR *d = opendir(root);
        struct dirent *de;
        while (d && (de = readdir(d))) {
                if (de->d_type != DT_DIR || de->d_name[0] == '.')
                        continue;
                char p[4096];
                unsigned nr;
                if ((size_t) snprintf(p, sizeof p, "%s/%s", root, de->d_name) < sizeof p &&
                    cgroup_remove(p) < 0 && m && is_pool_name(de->d_name, &nr) && nr >= m->cgroup_pool_next)
                        m->cgroup_pool_next = nr + 1;
        }
        if (d)
                closedir(d);
}

static void cgroup_pool_free(Manager *m) {
        for (size_t i = 0; i < m->n_cgroup_pool; i++) {
                safe_close(m->cgroup_pool[i].fd);
                safe_close(m->cgroup_pool[i].events_fd);
                (void) cgroup_remove(m->cgroup_pool[i].path);
                free(m->cgroup_pool[i].path);
        }
        free(m->cgroup_pool);
        m->cgroup_pool = NULL;
        m->n_cgroup_pool = 0;
}

void manager_release_cgroup(Manager *m) {
        cgroup_pool_free(m);
        if (!m->cgroup_root)
                return;
        cgroup_sweep_empty(NULL, m->cgroup_root);
        (void) cgroup_remove(m->cgroup_root);
}

/* Unit names are already safe file names; only names that could clash with
 * the kernel's own files get a '_' in front, as systemd does. */
static bool name_needs_escape(const char *name) {
        static const char *const prefixes[] = { "cgroup.", "pids.", "memory.", "cpu.", "io.", "cpuset.",
                                                "hugetlb.", "rdma.", "misc.", "_" };
        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
                if (startswith(name, prefixes[i]))
                        return true;
        return false;
}

char *manager_unit_cgroup_path(Manager *m, const char *unit_name) {
        char *p = NULL;
        if (!m->cgroup_root)
                return NULL;
        if (asprintf(&p, "%s/%s%s", m->cgroup_root, name_needs_escape(unit_name) ? "_" : "", unit_name) < 0)
                return NULL;
        return p;
}

/* The instance that holds pooled cgroup `name` now (a scan, but only for
 * notify messages from per-connection services). */
static char *pooled_cgroup_owner(Manager *m, const char *name) {
        const char *k;
        void *v;
        for (size_t i = 0; hashmap_next(&m->units, &i, &k, &v);) {
                Unit *u = v;
                const char *p = u->type == UNIT_SERVICE && u->service.cgroup_pooled ? u->service.cgroup_path : NULL;
                const char *slash = p ? strrchr(p, '/') : NULL;
                if (slash && streq(slash + 1, name))
                        return strdup(u->name);
        }
        return NULL;
}

char *manager_cgroup_unit_of_pid(Manager *m, pid_t pid) {
        _cleanup_free_ char *path = NULL;
        if (!m->cgroup_rel || cgroup_get_path(pid, &path) < 0)
                return NULL;
        const char *rest = startswith(path, m->cgroup_rel);
        if (!rest || *rest != '/' || !rest[1] || strchr(rest + 1, '/'))
                return NULL;
        rest++;
        if (is_pool_name(rest, NULL))
                return pooled_cgroup_owner(m, rest);
        if (*rest == '_')
                rest++;
        return strdup(rest);
}

/* An empty pooled cgroup for a connection's instance: the last one given
 * back, or a new "conn-N". */
static int service_cgroup_take_slot(Unit *u) {
        Manager *m = u->manager;
        Service *s = &u->service;
        if (m->n_cgroup_pool > 0) {
                CgroupSlot *slot = &m->cgroup_pool[--m->n_cgroup_pool];
                s->cgroup_path = slot->path;
                s->cgroup_fd = slot->fd;
                s->cgroup_events_fd = slot->events_fd;
                s->cgroup_pooled = true;
                return 0;
        }
        /* A new name, never one that exists: a "conn-N" left by another
         * superd (killed, or before a re-exec) may still hold processes. */
        for (unsigned tries = 0; tries < 64; tries++) {
                char *p = NULL;
                if (asprintf(&p, "%s/" POOL_PREFIX "%u", m->cgroup_root, m->cgroup_pool_next++) < 0)
                        return -ENOMEM;
                if (mkdir(p, 0755) < 0) {
                        int r = -errno;
                        free(p);
                        if (r == -EEXIST)
                                continue;
                        return r;
                }
                int fd = cgroup_open_dir(p);
                if (fd < 0) {
                        (void) cgroup_remove(p);
                        free(p);
                        return fd;
                }
                s->cgroup_path = p;
                s->cgroup_fd = fd;
                s->cgroup_pooled = true;
                return 0;
        }
        return -EEXIST;
}

int service_cgroup_attach_pid(Unit *u, pid_t pid) {
        Manager *m = u->manager;
        Service *s = &u->service;
        _cleanup_free_ char *path = NULL;
        const char *rest = pid > 0 && !s->cgroup_path && m->cgroup_rel && cgroup_get_path(pid, &path) >= 0
                                   ? startswith(path, m->cgroup_rel) : NULL;
        if (rest && *rest == '/' && is_pool_name(rest + 1, NULL)) {
                if (asprintf(&s->cgroup_path, "%s%s", m->cgroup_root, rest) < 0)
                        return -ENOMEM;
                s->cgroup_pooled = true;
        }
        return service_cgroup_attach(u);
}

/* Gives an empty pooled cgroup back; false when the pool is full. */
static bool service_cgroup_return_slot(Unit *u) {
        Manager *m = u->manager;
        Service *s = &u->service;
        if (!s->cgroup_pooled || m->n_cgroup_pool >= CGROUP_POOL_MAX)
                return false;
        if (!m->cgroup_pool && !(m->cgroup_pool = calloc(CGROUP_POOL_MAX, sizeof(CgroupSlot))))
                return false;
        m->cgroup_pool[m->n_cgroup_pool++] = (CgroupSlot) { .path = s->cgroup_path, .fd = s->cgroup_fd,
                                                             .events_fd = s->cgroup_events_fd };
        s->cgroup_path = NULL;
        s->cgroup_fd = s->cgroup_events_fd = -1;
        s->cgroup_pooled = false;
        return true;
}

static void service_cgroup_event(LoopSource *src, int fd, uint32_t events, void *userdata);

/* Whether the cgroup has processes, from its open cgroup.events (else by
 * path). A service is told when its cgroup empties only while that matters:
 * the first time the answer is "populated" the events file goes into the
 * loop (and is read again, so an exit in between is not missed). Most
 * cgroups are empty whenever asked, and are never watched: no wake-up for
 * every process that comes and goes. */
static bool service_cgroup_is_populated(Unit *u) {
        Service *s = &u->service;
        if (s->cgroup_events_fd < 0)
                s->cgroup_events_fd = s->cgroup_fd >= 0 ? cgroup_open_events_at(s->cgroup_fd)
                                                        : cgroup_open_events(s->cgroup_path);
        if (s->cgroup_events_fd < 0)
                return cgroup_is_populated(s->cgroup_path);
        int r = cgroup_events_populated(s->cgroup_events_fd, NULL);
        if (r > 0 && !s->cgroup_watch &&
            loop_add_io(u->manager->loop, s->cgroup_events_fd, EPOLLPRI, service_cgroup_event, u,
                        &s->cgroup_watch) >= 0)
                r = cgroup_events_populated(s->cgroup_events_fd, NULL);
        /* Empty and unwatched: the fd is opened again when next asked. Every
         * fd superd holds is copied into each child it spawns. */
        if (r == 0 && !s->cgroup_watch && !s->cgroup_pooled)
                s->cgroup_events_fd = safe_close(s->cgroup_events_fd);
        return r < 0 ? cgroup_is_populated(s->cgroup_path) : r > 0;
}

static void service_cgroup_event(LoopSource *src, int fd, uint32_t events, void *userdata) {
        Unit *u = userdata;
        Service *s = &u->service;
        char buf[256];
        /* Reading re-arms the notification. */
        ssize_t k = pread(fd, buf, sizeof buf - 1, 0);
        buf[k > 0 ? k : 0] = 0;
        int populated = k > 0 ? cgroup_events_populated(fd, buf) : -EIO;
        if (populated < 0 ? cgroup_is_populated(s->cgroup_path) : populated)
                return;
        if (s->cgroup_release_pending) {
                service_cgroup_release(u);
                return;
        }
        service_cgroup_changed(u);
}

static void service_cgroup_set_limits(Unit *u) {
        Service *s = &u->service;
        int max = unit_settings(u)->service.tasks_max;
        if (!u->manager->cgroup_pids)
                return;
        char v[32];
        if (max < 0 || max == INT_MAX)
                snprintf(v, sizeof v, "max");
        else
                snprintf(v, sizeof v, "%d", max);
        int r = cgroup_write(s->cgroup_path, "pids.max", v);
        if (r < 0)
                log_unit_warning(u->name, "Failed to set TasksMax=%s, ignoring: %s", v, strerror(-r));
}

int service_cgroup_attach(Unit *u) {
        Service *s = &u->service;
        if (!s->cgroup_path && u->connection && u->manager->cgroup_root) {
                int r = service_cgroup_take_slot(u);
                if (r < 0)
                        return r;
        }
        if (!s->cgroup_path) {
                s->cgroup_path = manager_unit_cgroup_path(u->manager, u->name);
                if (!s->cgroup_path)
                        return u->manager->cgroup_root ? -ENOMEM : -ENOMEDIUM;
        }
        s->cgroup_release_pending = false;
        if (s->cgroup_fd < 0) {
                int fd = cgroup_open_dir(s->cgroup_path);
                if (fd < 0)
                        return fd;
                s->cgroup_fd = fd;
        }
        return 0;
}

int service_cgroup_prepare(Unit *u) {
        Service *s = &u->service;
        if (!u->manager->cgroup_root)
                return -1;
        int r = service_cgroup_attach(u);
        if (r < 0)
                return log_unit_error_errno(u->name, r, "Failed to create cgroup '%s': %m", strempty(s->cgroup_path));
        service_cgroup_set_limits(u);
        return s->cgroup_fd;
}

void service_cgroup_spawned(Unit *u) {
        Service *s = &u->service;
        /* Opened again for the next spawn; a pooled cgroup keeps its fd. */
        if (!s->cgroup_pooled)
                s->cgroup_fd = safe_close(s->cgroup_fd);
}

bool service_cgroup_active(Unit *u) {
        return u->service.cgroup_path != NULL;
}

bool service_cgroup_populated(Unit *u) {
        return u->service.cgroup_path && service_cgroup_is_populated(u);
}

int service_cgroup_kill(Unit *u, int sig) {
        if (!u->service.cgroup_path)
                return -ENOMEDIUM;
        /* The usual case when a service stops: its processes already left. */
        if (!service_cgroup_is_populated(u))
                return 0;
        return cgroup_kill(u->service.cgroup_path, sig);
}

int service_cgroup_pids(Unit *u, pid_t **ret, size_t *ret_n) {
        if (!u->service.cgroup_path)
                return -ENOMEDIUM;
        return cgroup_list_pids(u->service.cgroup_path, ret, ret_n);
}

void service_cgroup_done(Unit *u) {
        Service *s = &u->service;
        s->cgroup_watch = loop_source_free(s->cgroup_watch);
        s->cgroup_events_fd = safe_close(s->cgroup_events_fd);
        s->cgroup_fd = safe_close(s->cgroup_fd);
        free(s->cgroup_path);
        s->cgroup_path = NULL;
        s->cgroup_pooled = false;
        s->cgroup_release_pending = false;
}

void service_cgroup_release(Unit *u) {
        Service *s = &u->service;
        if (!s->cgroup_path)
                return;
        if (service_cgroup_is_populated(u)) {
                /* Killed processes are still on their way out: once empty. */
                s->cgroup_release_pending = s->cgroup_watch != NULL;
                return;
        }
        s->cgroup_watch = loop_source_free(s->cgroup_watch);
        if (service_cgroup_return_slot(u))
                return;
        int r = cgroup_remove(s->cgroup_path);
        if (r < 0 && r != -EBUSY)
                log_unit_debug(u->name, "Failed to remove cgroup '%s': %s", s->cgroup_path, strerror(-r));
        service_cgroup_done(u);
}
