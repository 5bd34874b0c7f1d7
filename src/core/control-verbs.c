/* control-verbs.c — what each control verb does in the daemon. The table at
 * the end is the list of verbs; `changes` marks those that need privilege. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control-install.h"
#include "control-server.h"
#include "job.h"
#include "control/protocol.h"
#include "lib/log.h"
#include "lib/strv.h"
#include "lib/timespan.h"
#include "manager.h"
#include "notify.h"
#include "socket.h"
#include "unit-properties.h"

/* superctl exit codes (SPEC 8). */
enum {
        EXIT_OK = 0,
        EXIT_FAILURE_ = 1,
        EXIT_NOT_ACTIVE = 3,
        EXIT_NO_UNIT = 4,
        EXIT_NOT_LOADED = 5,
};

static bool has_flag(char **args, const char *flag) {
        return strv_contains(args, flag);
}

/* Loads the unit named by arg, or reports why not. */
static Unit *verb_unit(ControlConn *c, const char *verb, const char *arg) {
        Unit *u;
        int r = manager_load_unit(c->manager, arg, &u);
        if (r == -EINVAL) {
                control_conn_errorf(c, EXIT_FAILURE_, "Failed to %s %s: Invalid unit name.", verb, arg);
                return NULL;
        }
        if (r < 0) {
                control_conn_errorf(c, EXIT_FAILURE_, "Failed to %s %s: %s", verb, arg, strerror(-r));
                return NULL;
        }
        return u;
}

static bool verb_show(ControlConn *c, char **args) {
        bool with_log = false;
        STRV_FOREACH(a, args) {
                if (streq(*a, "--log")) {
                        with_log = true;
                        continue;
                }
                Unit *u = verb_unit(c, "show", *a);
                if (!u)
                        continue;
                unit_append_properties(u, &c->out_text);
                if (with_log)
                        unit_append_log_lines(u, &c->out_text);
                control_record_end(&c->out_text);
        }
        if (!args || !*args) {
                Manager *m = c->manager;
                control_record_add(&c->out_text, "Version", SUPERD_VERSION);
                control_record_addf(&c->out_text, "NNames", "%zu", m->units.n);
                control_record_add(&c->out_text, "ControlSocket", m->control_path);
                control_record_add(&c->out_text, "RuntimeDirectory", m->runtime_dir);
                control_record_add(&c->out_text, "ControlGroup", m->cgroup_rel);
                _cleanup_free_ char *sp = strv_join(m->search_path, " ");
                control_record_add(&c->out_text, "UnitPath", sp);
                control_record_addf(&c->out_text, "LoopWakeups", "%llu",
                                    (unsigned long long) loop_wakeups(m->loop));
                notify_append_properties(m->notify, &c->out_text);
                control_record_end(&c->out_text);
        }
        return true;
}

static bool verb_list_units(ControlConn *c, char **args) {
        const char *k;
        void *v;
        char **names = NULL;
        for (size_t i = 0; hashmap_next(&c->manager->units, &i, &k, &v);)
                if (streq(k, ((Unit *) v)->name))
                        (void) strv_extend(&names, k);
        strv_sort(names);
        STRV_FOREACH(n, names) {
                Unit *u = hashmap_get(&c->manager->units, *n);
                const UnitSettings *st = unit_settings(u);
                control_record_add(&c->out_text, "Id", u->name);
                control_record_add(&c->out_text, "Description", st->description ? st->description : u->name);
                control_record_add(&c->out_text, "LoadState", unit_load_state_to_string(u->file->load_state));
                control_record_add(&c->out_text, "ActiveState", unit_active_state_to_string(unit_active_state(u)));
                control_record_add(&c->out_text, "SubState", unit_sub_state(u));
                control_record_add(&c->out_text, "Job", u->job != JOB_NONE ? job_type_to_string(u->job) : "");
                control_record_end(&c->out_text);
        }
        strv_free(names);
        return true;
}

static bool verb_list_sockets(ControlConn *c, char **args) {
        socket_list_records(c->manager, &c->out_text);
        return true;
}

static bool verb_list_unit_files(ControlConn *c, char **args) {
        UnitFileEntry *e = NULL;
        size_t n = 0;
        manager_check_search_index(c->manager);
        int r = unit_file_list(&c->manager->load_ctx, &e, &n);
        if (r < 0) {
                control_conn_errorf(c, EXIT_FAILURE_, "Failed to list unit files: %s", strerror(-r));
                return true;
        }
        for (size_t i = 0; i < n; i++) {
                control_record_add(&c->out_text, "UnitFile", e[i].name);
                control_record_add(&c->out_text, "Path", e[i].path);
                control_record_add(&c->out_text, "State", unit_file_state_to_string(e[i].state));
                control_record_end(&c->out_text);
        }
        unit_file_entries_free(e, n);
        return true;
}

static bool verb_cat(ControlConn *c, char **args) {
        STRV_FOREACH(a, args) {
                Unit *u = verb_unit(c, "cat", *a);
                if (!u)
                        continue;
                if (!u->file->fragment_path) {
                        control_conn_errorf(c, EXIT_FAILURE_, "No files found for %s.", u->name);
                        continue;
                }
                char **files = NULL;
                (void) strv_extend(&files, u->file->fragment_path);
                (void) strv_extend_strv(&files, u->file->dropin_paths);
                STRV_FOREACH(f, files) {
                        FILE *fp = fopen(*f, "re");
                        if (c->out_text.len)
                                strbuf_putc(&c->out_text, '\n');
                        strbuf_printf(&c->out_text, "# %s\n", *f);
                        char buf[4096];
                        size_t k;
                        while (fp && (k = fread(buf, 1, sizeof buf, fp)) > 0 && c->out_text.len < (4u << 20))
                                strbuf_append(&c->out_text, buf, k);
                        if (fp)
                                fclose(fp);
                }
                strv_free(files);
        }
        return true;
}

static const char *job_failure_reason(Unit *u) {
        if (u->type != UNIT_SERVICE)
                return ".";
        switch (u->service.result) {
        case SERVICE_FAILURE_EXIT_CODE:
                return " because the control process exited with error code.";
        case SERVICE_FAILURE_TIMEOUT:
                return " because a timeout was exceeded.";
        case SERVICE_FAILURE_SIGNAL:
                return " because a fatal signal was delivered to the control process.";
        case SERVICE_FAILURE_CORE_DUMP:
                return " because a fatal signal was delivered causing the control process to dump core.";
        case SERVICE_FAILURE_START_LIMIT_HIT:
                return " because start of the service was attempted too often.";
        case SERVICE_FAILURE_RESOURCES:
                return " because of unavailable resources or another system error.";
        default:
                return ".";
        }
}

static void verb_job_done(void *userdata, Unit *u, JobResult r) {
        ControlConn *c = userdata;
        for (size_t i = 0; i < c->n_waiters; i++)
                if (c->waited_units[i] == u)
                        c->waited_units[i] = NULL;
        if (r == JOB_FAILED || r == JOB_TIMEOUT)
                control_conn_errorf(c, EXIT_FAILURE_,
                                    "Job for %s failed%s\nSee \"superctl status %s\" and \"superctl logs -u %s\" for details.",
                                    u->name, job_failure_reason(u), u->name, u->name);
        else if (r == JOB_DEPENDENCY)
                control_conn_errorf(c, EXIT_FAILURE_,
                                    "A dependency job for %s failed. See \"superctl logs\" for details.", u->name);
        else if (r == JOB_CANCELED)
                control_conn_errorf(c, EXIT_FAILURE_, "Job for %s canceled.", u->name);
        if (--c->n_pending == 0)
                control_conn_answer(c);
}

static void verb_job_error(ControlConn *c, const char *verb, Unit *u, int r) {
        /* The unit not loaded may be a dependency of u (systemd names it). */
        const char *bad = job_error_unit() ? job_error_unit() : u->name;
        switch (r) {
        case -ENOENT:
                control_conn_errorf(c, EXIT_NOT_LOADED, "Failed to %s %s: Unit %s not found.", verb, u->name, bad);
                break;
        case -ERFKILL:
                control_conn_errorf(c, EXIT_FAILURE_, "Failed to %s %s: Unit %s is masked.", verb, u->name, bad);
                break;
        case -ENOEXEC:
                if (streq(verb, "reload"))
                        control_conn_errorf(c, EXIT_FAILURE_,
                                            "Failed to reload %s: Unit %s cannot be reloaded because it is inactive.",
                                            u->name, u->name);
                else if (!streq(bad, u->name))
                        control_conn_errorf(c, EXIT_FAILURE_, "Failed to %s %s: Unit %s has a bad unit file setting.",
                                            verb, u->name, bad);
                else
                        control_conn_errorf(c, EXIT_FAILURE_, "Failed to %s %s: Unit %s has a bad unit file setting.%s%s",
                                            verb, u->name, u->name, u->file->load_error ? "\n" : "",
                                            strempty(u->file->load_error));
                break;
        case -EOPNOTSUPP:
                control_conn_errorf(c, EXIT_FAILURE_, "Failed to %s %s: Job type %s is not applicable for unit %s.",
                                    verb, u->name, verb, u->name);
                break;
        case -ELOOP:
                control_conn_errorf(c, EXIT_FAILURE_,
                                    "Failed to %s %s: Transaction order is cyclic. See \"superctl logs\" for details.",
                                    verb, u->name);
                break;
        case -ENOLINK:
                control_conn_errorf(c, EXIT_FAILURE_, "Failed to %s %s: A requisite unit is not active.", verb,
                                    u->name);
                break;
        case -EDEADLK:
                control_conn_errorf(c, EXIT_FAILURE_, "Failed to %s %s: Transaction contains conflicting jobs.",
                                    verb, u->name);
                break;
        default:
                control_conn_errorf(c, EXIT_FAILURE_, "Failed to %s %s: %s", verb, u->name, strerror(-r));
        }
}

/* Which job a verb means for a unit in its current state. */
static JobType verb_job_type(const char *verb, Unit *u) {
        UnitActiveState a = unit_active_state(u);
        bool up = a == UNIT_ACTIVE || a == UNIT_RELOADING || a == UNIT_ACTIVATING;
        if (streq(verb, "start"))
                return JOB_START;
        if (streq(verb, "stop"))
                return JOB_STOP;
        if (streq(verb, "restart"))
                return JOB_RESTART;
        if (streq(verb, "try-restart"))
                return up ? JOB_RESTART : JOB_NONE;
        if (streq(verb, "reload"))
                return JOB_RELOAD;
        /* reload-or-restart */
        if (!up)
                return JOB_START;
        return u->type == UNIT_SERVICE && service_can_reload(u) ? JOB_RELOAD : JOB_RESTART;
}

static bool verb_refused(ControlConn *c, const char *verb, Unit *u, JobType t) {
        const UnitSettings *st = unit_settings(u);
        bool refuse = (t == JOB_STOP && st->refuse_manual_stop) ||
                      ((t == JOB_START || t == JOB_RESTART) && st->refuse_manual_start);
        if (refuse)
                control_conn_errorf(c, EXIT_FAILURE_,
                                    "Operation refused, unit %s may be requested by dependency only "
                                    "(it is configured to refuse manual start/stop).", u->name);
        if (!refuse && t == JOB_STOP && u->file->load_state == UNIT_NOT_FOUND &&
            unit_active_state(u) == UNIT_INACTIVE) {
                control_conn_errorf(c, EXIT_NOT_LOADED, "Failed to %s %s: Unit %s not loaded.", verb, u->name, u->name);
                refuse = true;
        }
        return refuse;
}

static bool verb_job(ControlConn *c, const char *verb, char **args) {
        bool no_block = has_flag(args, "--no-block");
        size_t n = strv_length(args);
        c->waiters = calloc(n ? n : 1, sizeof(JobWaiter));
        c->waited_units = calloc(n ? n : 1, sizeof(Unit *));
        if (!c->waiters || !c->waited_units) {
                control_conn_errorf(c, EXIT_FAILURE_, "Out of memory.");
                return true;
        }
        c->n_pending = 1; /* held until every job is queued */
        STRV_FOREACH(a, args) {
                if (**a == '-')
                        continue;
                Unit *u = verb_unit(c, verb, *a);
                if (!u)
                        continue;
                JobType t = verb_job_type(verb, u);
                if (t == JOB_NONE || verb_refused(c, verb, u, t))
                        continue;
                bool seen = false;
                for (size_t i = 0; i < c->n_waiters; i++)
                        seen |= c->waited_units[i] == u;
                JobWaiter *w = NULL;
                if (!no_block && !seen) {
                        w = &c->waiters[c->n_waiters];
                        *w = (JobWaiter) { .done = verb_job_done, .userdata = c };
                        c->waited_units[c->n_waiters++] = u;
                        c->n_pending++;
                }
                int r = unit_enqueue_job(u, t, w);
                if (r < 0) {
                        if (w) {
                                c->waited_units[--c->n_waiters] = NULL;
                                c->n_pending--;
                        }
                        verb_job_error(c, verb, u, r);
                }
        }
        if (--c->n_pending == 0)
                return true;
        return false;
}

#define JOB_VERB(fn, name)                                  \
        static bool fn(ControlConn *c, char **args) {       \
                return verb_job(c, name, args);             \
        }
JOB_VERB(verb_start, "start")
JOB_VERB(verb_stop, "stop")
JOB_VERB(verb_restart, "restart")
JOB_VERB(verb_try_restart, "try-restart")
JOB_VERB(verb_reload, "reload")
JOB_VERB(verb_reload_or_restart, "reload-or-restart")

static bool verb_kill(ControlConn *c, char **args) {
        int sig = SIGTERM;
        bool main_only = false;
        STRV_FOREACH(a, args) {
                const char *v;
                if ((v = startswith(*a, "--signal="))) {
                        sig = parse_signal(v);
                        if (sig <= 0) {
                                control_conn_errorf(c, EXIT_FAILURE_, "Invalid signal '%s'.", v);
                                return true;
                        }
                } else if ((v = startswith(*a, "--kill-whom=")))
                        main_only = streq(v, "main");
        }
        STRV_FOREACH(a, args) {
                if (**a == '-')
                        continue;
                Unit *u = verb_unit(c, "kill", *a);
                if (!u)
                        continue;
                int r = u->type == UNIT_SERVICE ? service_kill(u, sig, main_only) : -ESRCH;
                if (r < 0)
                        control_conn_errorf(c, EXIT_FAILURE_, "Failed to kill unit %s: %s", u->name,
                                            r == -ESRCH ? "No process to kill" : strerror(-r));
        }
        return true;
}

static void reset_one(Unit *u) {
        if (u->type == UNIT_SERVICE)
                service_reset_failed(u);
        else if (u->type == UNIT_SOCKET)
                socket_reset_failed(u);
}

static bool verb_reset_failed(ControlConn *c, char **args) {
        if (!args || !*args) {
                const char *k;
                void *v;
                for (size_t i = 0; hashmap_next(&c->manager->units, &i, &k, &v);)
                        if (streq(k, ((Unit *) v)->name))
                                reset_one(v);
                return true;
        }
        STRV_FOREACH(a, args) {
                Unit *u = verb_unit(c, "reset-failed", *a);
                if (u)
                        reset_one(u);
        }
        return true;
}

static bool verb_daemon_reload(ControlConn *c, char **args) {
        int r = manager_reload(c->manager);
        if (r < 0)
                control_conn_errorf(c, EXIT_FAILURE_, "Failed to reload daemon: %s", strerror(-r));
        return true;
}

/* The answer goes out now; the exec follows at the end of the iteration. */
static bool verb_daemon_reexec(ControlConn *c, char **args) {
        manager_schedule_reexec(c->manager);
        return true;
}

static bool verb_exit(ControlConn *c, char **args) {
        Manager *m = c->manager;
        control_conn_answer(c);
        manager_begin_shutdown(m, 0);
        return false;
}

/* list-dependencies: the tree of what a unit pulls in (or, with
 * --reverse, what pulls it in), one record per line of the tree. */
static void list_deps_walk(ControlConn *c, Unit *u, bool reverse, unsigned depth, Unit **path) {
        static const UnitDepKind fwd[] = { DEP_REQUIRES, DEP_REQUISITE, DEP_WANTS, DEP_BINDS_TO, DEP_CONSISTS_OF };
        static const UnitDepKind rev[] = { DEP_REQUIRED_BY, DEP_REQUISITE_OF, DEP_WANTED_BY, DEP_BOUND_BY, DEP_PART_OF };
        const UnitDepKind *kinds = reverse ? rev : fwd;
        Unit **seen = NULL;
        size_t n = 0;
        for (size_t k = 0; k < ELEMENTSOF(fwd); k++)
                for (size_t i = 0; i < u->deps[kinds[k]].n; i++) {
                        Unit *x = u->deps[kinds[k]].items[i];
                        bool dup = false;
                        for (size_t j = 0; j < n; j++)
                                dup |= seen[j] == x;
                        Unit **ns = dup ? NULL : realloc(seen, sizeof(Unit *) * (n + 1));
                        if (ns) {
                                seen = ns;
                                seen[n++] = x;
                        }
                }
        for (size_t i = 0; i < n; i++) {
                Unit *x = seen[i];
                bool loop = false;
                for (unsigned d = 0; d < depth; d++)
                        loop |= path[d] == x;
                control_record_addf(&c->out_text, "Depth", "%u", depth);
                control_record_add(&c->out_text, "Id", x->name);
                control_record_add(&c->out_text, "ActiveState", unit_active_state_to_string(unit_active_state(x)));
                control_record_add(&c->out_text, "Last", i + 1 == n ? "yes" : "no");
                control_record_end(&c->out_text);
                if (!loop && depth + 1 < 64 && x->type == UNIT_TARGET) {
                        path[depth] = x;
                        list_deps_walk(c, x, reverse, depth + 1, path);
                }
        }
        free(seen);
}

static bool verb_list_dependencies(ControlConn *c, char **args) {
        bool reverse = has_flag(args, "--reverse");
        const char *name = "default.target";
        STRV_FOREACH(a, args)
                if (**a != '-')
                        name = *a;
        Unit *u = verb_unit(c, "list dependencies of", name);
        if (!u)
                return true;
        Unit *path[64] = { u };
        control_record_add(&c->out_text, "Depth", "0");
        control_record_add(&c->out_text, "Id", u->name);
        control_record_add(&c->out_text, "ActiveState", unit_active_state_to_string(unit_active_state(u)));
        control_record_end(&c->out_text);
        list_deps_walk(c, u, reverse, 1, path);
        return true;
}

static bool verb_ping(ControlConn *c, char **args) {
        strbuf_puts(&c->out_text, "pong\n");
        return true;
}

/* superctl logs --sync: answered once the journal is on disk. */
static bool verb_logs_sync(ControlConn *c, char **args) {
        int r = manager_journal_sync(c->manager);
        if (r < 0) {
                strbuf_printf(&c->err_text, "Failed to sync the journal: %s\n", strerror(-r));
                c->code = 1;
        }
        return true;
}

/* superctl logs for users who cannot read the journal files: their own entries. */
static bool verb_logs_read(ControlConn *c, char **args) {
        if (manager_journal_serve(c->manager, c->uid, args, &c->out_text, &c->err_text) < 0)
                c->code = 1;
        return true;
}

static const ControlVerb verbs[] = {
        { "cat", verb_cat, false },
        { "daemon-reexec", verb_daemon_reexec, true },
        { "daemon-reload", verb_daemon_reload, true },
        { "disable", control_verb_disable, true },
        { "enable", control_verb_enable, true },
        { "exit", verb_exit, true },
        { "get-default", control_verb_get_default, false },
        { "is-enabled", control_verb_is_enabled, false },
        { "kill", verb_kill, true },
        { "list-dependencies", verb_list_dependencies, false },
        { "list-unit-files", verb_list_unit_files, false },
        { "list-sockets", verb_list_sockets, false },
        { "list-units", verb_list_units, false },
        { "mask", control_verb_mask, true },
        { "logs-read", verb_logs_read, false },
        { "logs-sync", verb_logs_sync, false },
        { "ping", verb_ping, false },
        { "reenable", control_verb_reenable, true },
        { "reload", verb_reload, true },
        { "reload-or-restart", verb_reload_or_restart, true },
        { "reset-failed", verb_reset_failed, true },
        { "restart", verb_restart, true },
        { "set-default", control_verb_set_default, true },
        { "show", verb_show, false },
        { "start", verb_start, true },
        { "stop", verb_stop, true },
        { "try-restart", verb_try_restart, true },
        { "unmask", control_verb_unmask, true },
};

const ControlVerb *control_verb_lookup(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (streq(verbs[i].name, name))
                        return &verbs[i];
        return NULL;
}
