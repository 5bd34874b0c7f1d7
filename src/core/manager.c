#include "manager.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cgroup-unit.h"
#include "control-server.h"
#include "execute.h"
#include "generators.h"
#include "job.h"
#include "lib/log.h"
#include "lib/strv.h"
#include "lib/timespan.h"
#include "mounts.h"
#include "tmpfiles.h"
#include "notify.h"

extern char **environ;

static void manager_final_sweep_check(Manager *m);

static void manager_orphan_reaped(const siginfo_t *si, void *userdata) {
        Manager *m = userdata;
        log_debug("Reaped orphan process %d.", (int) si->si_pid);
        if (m->final_sweep_timer)
                manager_final_sweep_check(m);
}

/* Our binary's path, read now: daemon-reexec runs whatever is there then. */
static char *manager_find_exe(void) {
        char buf[4096];
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
        if (n <= 0)
                return NULL;
        buf[n] = 0;
        char *deleted = strstr(buf, " (deleted)");
        if (deleted && deleted[10] == 0)
                *deleted = 0;
        return strdup(buf);
}

int manager_new(const ManagerOptions *o, Manager **ret) {
        Manager *m = calloc(1, sizeof(Manager));
        if (!m)
                return -ENOMEM;
        m->pid1 = o->pid1;
        m->foreground = o->foreground;
        m->pid_fd = -1;
        m->deserialize_fd = o->deserialize_fd > 0 ? o->deserialize_fd : -1;
        m->argv = strv_copy(o->argv);
        m->exe_path = manager_find_exe();
        m->owner_uid = getuid();
        manager_config_defaults(&m->config);
        int r = loop_new(&m->loop);
        if (r >= 0)
                r = manager_setup_paths(m, o);
        if (r >= 0 && !(m->environ = strv_copy(environ)))
                r = -ENOMEM;
        if (r < 0) {
                manager_free(m);
                return r;
        }
        *ret = m;
        return 0;
}

static void manager_free_units(Manager *m) {
        const char *k;
        void *v;
        /* Alias entries point to the same Unit: collect each unit once before
         * freeing any, so no entry is looked at after its unit is gone. */
        Unit **all = calloc(m->units.n + 1, sizeof(Unit *));
        size_t n = 0;
        for (size_t i = 0; all && hashmap_next(&m->units, &i, &k, &v);)
                if (k == ((Unit *) v)->name)
                        all[n++] = v;
        hashmap_done(&m->units);
        m->socket_gc = strv_free(m->socket_gc);
        m->socket_gc_defer = loop_source_free(m->socket_gc_defer);
        /* Unlink the graph while every unit still exists. */
        for (size_t i = 0; i < n; i++)
                unit_free_dependencies(all[i]);
        for (size_t i = 0; i < n; i++)
                unit_free(all[i]);
        free(all);
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        control_server_free(m->control);
        notify_socket_free(m->notify);
        manager_flush_unit_states(m);
        m->units_state_post = loop_source_free(m->units_state_post);
        manager_free_units(m);
        output_streams_free(m);
        manager_journal_free(m);
        loop_source_free(m->sig_term);
        loop_source_free(m->sig_int);
        loop_source_free(m->sig_hup);
        loop_source_free(m->sig_usr1);
        loop_source_free(m->shutdown_check);
        loop_source_free(m->job_dispatch);
        loop_source_free(m->reexec_defer);
        loop_source_free(m->final_sweep_timer);
        manager_leftovers_free(m);
        manager_release_cgroup(m);
        safe_close(m->deserialize_fd);
        strv_free(m->argv);
        free(m->load_queue.items);
        free(m->waiting.items);
        manager_mounts_free(m); /* before the loop its watch is in */
        loop_free(m->loop);
        unit_alias_map_free(m->alias_map);
        unit_path_index_free(m->path_index);
        free(m->builtin_scratch);
        manager_config_defaults(&m->config);
        free(m->config.default_target);
        free(m->config.lang);
        diag_done(&m->config_diag);
        strv_free(m->environ);
        strv_free(m->search_path);
        char *paths[] = { m->root, m->config_path, m->runtime_dir, m->control_path, m->pid_path,
                          m->log_path, m->state_dir, m->dir_run, m->dir_state, m->dir_cache,
                          m->dir_logs, m->dir_config, m->cgroup_root, m->cgroup_rel, m->units_state_dir,
                          m->exe_path };
        for (size_t i = 0; i < ELEMENTSOF(paths); i++)
                free(paths[i]);
        free(m);
        return NULL;
}

void manager_refresh_search_index(Manager *m) {
        m->load_ctx.alias_map = NULL;
        m->load_ctx.path_index = NULL;
        m->alias_map = unit_alias_map_free(m->alias_map);
        m->path_index = unit_path_index_free(m->path_index);
        int r = unit_path_index_new(m->search_path, &m->path_index);
        if (r >= 0)
                m->load_ctx.path_index = m->path_index;
        else
                log_full_errno(LOG_DEBUG, r, "Failed to index the unit search path, looking up every name: %m");
        if (unit_alias_map_new(&m->load_ctx, &m->alias_map) >= 0)
                m->load_ctx.alias_map = m->alias_map;
}

/* Before a unit is read: a search directory that changed since the index
 * was built (a new unit file, drop-in directory, alias or mask) makes it
 * read anew, so units written without daemon-reload are found. */
void manager_check_search_index(Manager *m) {
        if (unit_path_index_is_stale(m->path_index))
                manager_refresh_search_index(m);
}

Unit *manager_get_unit(Manager *m, const char *name) {
        _cleanup_free_ char *full = unit_name_complete(name);
        return full ? hashmap_get(&m->units, full) : NULL;
}

static void manager_log_unit_diag(const UnitFile *f) {
        for (size_t i = 0; i < f->diag.n; i++)
                log_internal(f->diag.entries[i].level == DIAG_ERROR ? LOG_ERR : LOG_WARNING, 0, NULL, "%s",
                             f->diag.entries[i].text);
}

/* Targets that exist without a file (SPEC 5), with systemd's own
 * dependencies between them (systemd.special(7)). The copies the systemd
 * package ships in /lib/systemd/system are replaced by these too: theirs
 * pull in systemd's early-boot machinery (udev, journald, tmpfiles --boot
 * --remove, sysctl, ...), which must not run where systemd is not PID 1. */
typedef struct ImplicitTarget {
        const char *name;
        const char *text; /* unit file text */
} ImplicitTarget;

static const ImplicitTarget implicit_targets[] = {
        { "basic.target", "Description=Basic System\nRequires=sysinit.target\nWants=sockets.target\n"
                          "After=sysinit.target sockets.target timers.target paths.target\n" },
        { "default.target", "Description=Default Target\nRequires=multi-user.target\nAfter=multi-user.target\n" },
        { "getty.target", "Description=Login Prompts\n" },
        { "graphical.target", "Description=Graphical Interface\nRequires=multi-user.target\nAfter=multi-user.target\n" },
        { "local-fs.target", "Description=Local File Systems\nDefaultDependencies=no\n" },
        { "multi-user.target", "Description=Multi-User System\nRequires=basic.target\nAfter=basic.target\n" },
        { "network-online.target", "Description=Network is Online\nAfter=network.target\n" },
        { "network-pre.target", "Description=Preparation for Network\n" },
        { "network.target", "Description=Network\n" },
        { "nss-lookup.target", "Description=Host and Network Name Lookups\n" },
        { "paths.target", "Description=Path Units\n" },
        { "remote-fs.target", "Description=Remote File Systems\n" },
        { "shutdown.target", "Description=System Shutdown\nDefaultDependencies=no\n" },
        { "sockets.target", "Description=Socket Units\n" },
        { "sysinit.target", "Description=System Initialization\nDefaultDependencies=no\n" },
        { "time-sync.target", "Description=System Time Synchronized\n" },
        { "timers.target", "Description=Timer Units\n" },
};

static bool path_is_vendor(const char *p) {
        return p && (startswith(p, "/lib/systemd/") || startswith(p, "/usr/lib/systemd/"));
}

/* Replaces f by the built-in definition when f is an implicit target that
 * no file defines, or that only systemd's vendor file defines. */
static void manager_fill_implicit(const Manager *m, UnitFile **f) {
        if ((*f)->load_state != UNIT_NOT_FOUND && !path_is_vendor((*f)->fragment_path))
                return;
        for (size_t i = 0; i < ELEMENTSOF(implicit_targets); i++) {
                if (!streq((*f)->name, implicit_targets[i].name))
                        continue;
                char text[512];
                snprintf(text, sizeof text, "[Unit]\n%s", implicit_targets[i].text);
                UnitFile *b = NULL;
                if (unit_file_load_string(&m->load_ctx, "(built-in)", (*f)->name, text, strlen(text), &b) < 0)
                        return;
                free(b->fragment_path);
                b->fragment_path = NULL;
                unit_file_free(*f);
                *f = b;
                return;
        }
}

static int refs_push(UnitRefs *r, Unit *u) {
        if (r->n == r->cap) {
                size_t cap = r->cap ? r->cap * 2 : 32;
                Unit **items = realloc(r->items, sizeof(Unit *) * cap);
                if (!items)
                        return -ENOMEM;
                r->items = items;
                r->cap = cap;
        }
        r->items[r->n++] = u;
        return 0;
}

/* Links the dependencies of every queued unit; loading those may queue
 * more. Iterative, so a long chain of units never recurses deeply. */
static int manager_dispatch_load_queue(Manager *m) {
        if (m->loading)
                return 0;
        m->loading = true;
        int r = 0;
        for (size_t i = 0; i < m->load_queue.n; i++) {
                Unit *u = m->load_queue.items[i];
                u->in_load_queue = false;
                int k = unit_load_dependencies(u);
                if (k < 0 && r == 0)
                        r = k;
        }
        m->load_queue.n = 0;
        m->loading = false;
        return r;
}

static int manager_queue_load(Manager *m, Unit *u) {
        if (u->in_load_queue)
                return 0;
        u->in_load_queue = true;
        return refs_push(&m->load_queue, u);
}

static void refs_drop(UnitRefs *r, Unit *u) {
        size_t w = 0;
        for (size_t i = 0; i < r->n; i++)
                if (r->items[i] != u)
                        r->items[w++] = r->items[i];
        r->n = w;
}

void unit_remove_from_queues(Unit *u) {
        refs_drop(&u->manager->load_queue, u);
        refs_drop(&u->manager->waiting, u);
        u->in_waiting = false;
        UnitRefs *d = u->manager->dispatching;
        for (size_t i = 0; d && i < d->n; i++)
                if (d->items[i] == u)
                        d->items[i] = NULL;
}

int manager_load_unit(Manager *m, const char *name, Unit **ret) {
        _cleanup_free_ char *full = unit_name_complete(name);
        if (!full || !unit_name_is_valid(full) || unit_name_is_template(full))
                return -EINVAL;
        Unit *u = hashmap_get(&m->units, full);
        if (u) {
                *ret = u;
                return 0;
        }
        UnitFile *f = NULL;
        manager_check_search_index(m);
        int r = unit_file_load(&m->load_ctx, full, &f);
        if (r < 0)
                return r;
        manager_fill_implicit(m, &f);
        unit_file_note_unenforced(f, m->cgroup_pids);
        if (f->id && !streq(f->id, full) && f->load_state == UNIT_LOADED) {
                /* An alias: the same Unit answers to both names. */
                _cleanup_free_ char *id = strdup(f->id);
                unit_file_free(f);
                if (!id || (r = manager_load_unit(m, id, &u)) < 0)
                        return id ? r : -ENOMEM;
                if (strv_extend(&u->alias_names, full) < 0)
                        return -ENOMEM;
                r = hashmap_put(&m->units, u->alias_names[strv_length(u->alias_names) - 1], u);
                if (r < 0 || (r = manager_queue_load(m, u)) < 0)
                        return r;
                (void) manager_dispatch_load_queue(m); /* the alias's .wants/ too */
                *ret = u;
                return 0;
        }
        manager_log_unit_diag(f);
        r = unit_new(m, full, f, &u);
        if (r < 0) {
                unit_file_free(f);
                return r;
        }
        r = hashmap_put(&m->units, u->name, u);
        if (r < 0 || (r = manager_queue_load(m, u)) < 0) {
                (void) hashmap_remove(&m->units, u->name);
                unit_free(u);
                return r;
        }
        (void) manager_dispatch_load_queue(m);
        *ret = u;
        return 0;
}

/* Units not loaded from a file that nobody uses can go at reload. */
static bool unit_is_idle(Unit *u) {
        UnitActiveState a = unit_active_state(u);
        return (a == UNIT_INACTIVE) && u->job == JOB_NONE && !u->waiters;
}

int manager_reload(Manager *m) {
        log_info("Reloading.");
        int r = manager_load_config(m);
        if (r < 0)
                return log_error_errno(r, "Failed to load configuration: %m");
        for (size_t i = 0; i < m->config_diag.n; i++)
                log_warning("%s", m->config_diag.entries[i].text);
        log_set_max_level(m->config.log_level);
        manager_journal_reload(m);
        tmpfiles_apply(m, false);
        generators_run(m);
        manager_refresh_search_index(m);
        const char *k;
        void *v;
        char **gone = NULL;
        for (size_t i = 0; hashmap_next(&m->units, &i, &k, &v);) {
                Unit *u = v;
                UnitFile *f = NULL;
                if (k != u->name)
                        continue;
                if (unit_file_load(&m->load_ctx, u->name, &f) < 0)
                        continue;
                manager_fill_implicit(m, &f);
                unit_file_note_unenforced(f, m->cgroup_pids);
                if (f->load_state == UNIT_NOT_FOUND && unit_is_idle(u)) {
                        unit_file_free(f);
                        (void) strv_extend(&gone, u->name);
                        continue;
                }
                manager_log_unit_diag(f);
                unit_file_free(u->pending_file);
                u->pending_file = f;
                if (unit_active_state(u) == UNIT_INACTIVE || unit_active_state(u) == UNIT_FAILED)
                        unit_apply_pending_file(u);
        }
        /* The graph is rebuilt from the new settings; enablement may have changed. */
        for (size_t i = 0; hashmap_next(&m->units, &i, &k, &v);)
                if (k == ((Unit *) v)->name) {
                        unit_clear_dependencies(v);
                        ((Unit *) v)->file_state_cached = -1;
                }
        STRV_FOREACH(n, gone) {
                Unit *u = hashmap_remove(&m->units, *n);
                STRV_FOREACH(a, u ? u->alias_names : NULL)
                        (void) hashmap_remove(&m->units, *a);
                unit_free(u);
        }
        strv_free(gone);
        for (size_t i = 0; hashmap_next(&m->units, &i, &k, &v);)
                if (k == ((Unit *) v)->name && manager_queue_load(m, v) < 0)
                        log_warning("Out of memory while linking units, ignoring.");
        (void) manager_dispatch_load_queue(m);
        log_info("Reloading finished.");
        return 0;
}

void manager_check_shutdown(Manager *m) {
        if (m->shutting_down && m->shutdown_check)
                loop_defer_enable(m->shutdown_check);
}

static void manager_shutdown_step(LoopSource *s, void *userdata) {
        Manager *m = userdata;
        const char *k;
        void *v;
        for (size_t i = 0; hashmap_next(&m->units, &i, &k, &v);) {
                UnitActiveState a = unit_active_state(v);
                if (a != UNIT_INACTIVE && a != UNIT_FAILED)
                        return;
        }
        log_info("All units stopped, exiting.");
        m->shutdown_check = loop_source_free(m->shutdown_check);
        if (m->pid1)
                manager_final_sweep(m, m->exit_code);
        else
                loop_exit(m->loop, m->exit_code);
}

/* PID 1: nothing may outlive us unnoticed. Every process left gets SIGTERM,
 * then SIGKILL after a timeout; orphans are reaped as they go. */
#define FINAL_SWEEP_TIMEOUT (5 * USEC_PER_SEC)

static void manager_final_sweep_check(Manager *m) {
        siginfo_t si = {};
        if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD) {
                log_info("All processes gone, exiting with status %d.", m->exit_code);
                m->final_sweep_timer = loop_source_free(m->final_sweep_timer);
                loop_exit(m->loop, m->exit_code);
        }
}

static void manager_final_sweep_timeout(LoopSource *s, usec_t now, void *userdata) {
        Manager *m = userdata;
        if (m->final_sweep_killed) {
                log_warning("Processes still around after the final SIGKILL, exiting anyway.");
                loop_exit(m->loop, m->exit_code);
                return;
        }
        log_warning("Processes still around after SIGTERM, sending SIGKILL to all of them.");
        m->final_sweep_killed = true;
        (void) kill(-1, SIGKILL);
        loop_time_set(s, now_monotonic() + FINAL_SWEEP_TIMEOUT);
        manager_final_sweep_check(m);
}

void manager_final_sweep(Manager *m, int code) {
        m->exit_code = code;
        usec_t timeout = MIN(FINAL_SWEEP_TIMEOUT, m->config.default_timeout_stop);
        if (kill(-1, SIGTERM) < 0 && errno == ESRCH) {
                loop_exit(m->loop, code);
                return;
        }
        log_info("Sent SIGTERM to every remaining process.");
        (void) kill(-1, SIGCONT);
        if (loop_add_time(m->loop, now_monotonic() + timeout, manager_final_sweep_timeout, m,
                          &m->final_sweep_timer) < 0) {
                (void) kill(-1, SIGKILL);
                loop_exit(m->loop, code);
                return;
        }
        manager_final_sweep_check(m);
}

void manager_begin_shutdown(Manager *m, int code) {
        if (m->shutting_down)
                return;
        m->shutting_down = true;
        m->exit_code = code;
        log_info("Stopping all units.");
        const char *k;
        void *v;
        for (size_t i = 0; hashmap_next(&m->units, &i, &k, &v);)
                (void) unit_enqueue_job(v, JOB_STOP, NULL);
        if (loop_add_defer(m->loop, manager_shutdown_step, m, &m->shutdown_check) < 0)
                loop_exit(m->loop, code);
}

static void on_sigterm(LoopSource *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;
        log_info("Received %s.", si->ssi_signo == SIGINT ? "SIGINT" : "SIGTERM");
        manager_begin_shutdown(m, 0);
}

static void on_sighup(LoopSource *s, const struct signalfd_siginfo *si, void *userdata) {
        (void) manager_reload(userdata);
}

static int manager_open_log(Manager *m) {
        int fd = open(m->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
        if (fd < 0)
                return negative_errno();
        log_set_file(fd);
        return 0;
}

static void on_sigusr1(LoopSource *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;
        if (manager_open_log(m) < 0)
                log_warning("Failed to reopen '%s', ignoring.", m->log_path);
        manager_journal_reopen(m);
}

static int mkdir_p(const char *path, mode_t mode) {
        char buf[4096];
        if (strlen(path) >= sizeof buf)
                return -ENAMETOOLONG;
        strcpy(buf, path);
        for (char *p = buf + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                                return negative_errno();
                        *p = '/';
                }
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                return negative_errno();
        return 0;
}

int manager_prepare_runtime_dir(Manager *m) {
        int r = mkdir_p(m->runtime_dir, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create '%s': %m", m->runtime_dir);
        return 0;
}

static int manager_setup_signals(Manager *m) {
        int r;
        if ((r = loop_add_signal(m->loop, SIGTERM, on_sigterm, m, &m->sig_term)) < 0 ||
            (r = loop_add_signal(m->loop, SIGINT, on_sigterm, m, &m->sig_int)) < 0 ||
            (r = loop_add_signal(m->loop, SIGHUP, on_sighup, m, &m->sig_hup)) < 0 ||
            (r = loop_add_signal(m->loop, SIGUSR1, on_sigusr1, m, &m->sig_usr1)) < 0)
                return log_error_errno(r, "Failed to set up signal handling: %m");
        loop_set_orphan_handler(m->loop, manager_orphan_reaped, m);
        /* Double-forking daemons come back to us, so their exits are seen. */
        if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
                log_warning("Failed to become a child subreaper, ignoring: %m");
        return 0;
}

static const char *manager_default_target(Manager *m) {
        if (m->config.default_target)
                return m->config.default_target;
        Unit *u;
        if (manager_load_unit(m, "default.target", &u) >= 0 && u->file->fragment_path)
                return "default.target";
        return "multi-user.target";
}

/* Every service costs us a pidfd and an output pipe: take the hard limit,
 * as systemd does, and give services the limit we were started with. */
static void manager_raise_nofile(Manager *m) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
                return;
        m->saved_nofile = rl;
        if (rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
                        log_debug("Failed to raise RLIMIT_NOFILE: %m");
        }
}

int manager_startup(Manager *m) {
        manager_raise_nofile(m);
        int r = manager_prepare_runtime_dir(m);
        if (r < 0)
                return r;
        r = manager_open_log(m);
        if (r >= 0)
                (void) manager_journal_setup(m);
        if (r < 0)
                return log_error_errno(r, "Failed to open log file '%s': %m", m->log_path);
        for (size_t i = 0; i < m->config_diag.n; i++)
                log_warning("%s", m->config_diag.entries[i].text);
        r = manager_setup_signals(m);
        if (r < 0)
                return r;
        manager_setup_cgroup(m);
        (void) manager_mounts_setup(m);
        if (asprintf(&m->units_state_dir, "%s/units", m->runtime_dir) < 0)
                return log_error_errno(-ENOMEM, "Failed to set up state records: %m");
        if (mkdir(m->units_state_dir, 0755) < 0 && errno != EEXIST)
                log_warning("Failed to create '%s', ignoring: %m", m->units_state_dir);
        tmpfiles_apply(m, tmpfiles_is_boot(m));
        generators_run(m);
        manager_refresh_search_index(m);
        r = job_setup(m);
        if (r < 0)
                return log_error_errno(r, "Failed to set up job dispatch: %m");
        if (m->deserialize_fd >= 0) {
                /* daemon-reexec: the sockets, units and processes go on. */
                r = manager_deserialize(m);
                if (r < 0)
                        return r;
                if (!m->control && (r = control_server_new(m, m->control_path, &m->control)) < 0)
                        return log_error_errno(r, "Failed to listen on '%s': %m", m->control_path);
                if (!m->notify)
                        (void) notify_socket_new(m, &m->notify);
                /* Exits while we were exec'ing are pending: reap them now. */
                (void) kill(getpid(), SIGCHLD);
                log_info("superd %s running again after reexecution, control socket %s.", SUPERD_VERSION,
                         m->control_path);
                return 0;
        }
        r = control_server_new(m, m->control_path, &m->control);
        if (r < 0)
                return log_error_errno(r, "Failed to listen on '%s': %m", m->control_path);
        (void) notify_socket_new(m, &m->notify);
        manager_adopt_leftovers(m);
        const char *target = manager_default_target(m);
        Unit *u;
        r = manager_load_unit(m, target, &u);
        if (r >= 0)
                r = unit_enqueue_job(u, JOB_START, NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to start default target '%s', ignoring: %m", target);
        log_info("superd %s running, control socket %s.", SUPERD_VERSION, m->control_path);
        return 0;
}
