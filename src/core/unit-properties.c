#include "unit-properties.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cgroup-unit.h"
#include "control/protocol.h"
#include "lib/cgroup.h"
#include "lib/strv.h"
#include "lib/timespan.h"
#include "manager.h"
#include "socket.h"

static void add_timestamp(StrBuf *b, const char *name, usec_t rt, usec_t mono) {
        char key[128], buf[128] = "";
        if (rt > 0) {
                time_t t = (time_t) (rt / USEC_PER_SEC);
                struct tm tm;
                localtime_r(&t, &tm);
                strftime(buf, sizeof buf, "%a %Y-%m-%d %H:%M:%S %Z", &tm);
        }
        control_record_add(b, name, buf);
        snprintf(key, sizeof key, "%sMonotonic", name);
        control_record_addf(b, key, "%llu", (unsigned long long) mono);
}

static void add_usec(StrBuf *b, const char *name, usec_t v) {
        if (v == USEC_INFINITY)
                control_record_add(b, name, "infinity");
        else
                control_record_addf(b, name, "%llu", (unsigned long long) v);
}

static void add_strv(StrBuf *b, const char *name, char **l) {
        _cleanup_free_ char *j = strv_join(l, " ");
        control_record_add(b, name, j ? j : "");
}

static void add_bool(StrBuf *b, const char *name, bool v) {
        control_record_add(b, name, v ? "yes" : "no");
}

static const char *const type_names[_SERVICE_TYPE_MAX] = {
        "simple", "exec", "forking", "oneshot", "notify", "idle",
};
static const char *const restart_names[_SERVICE_RESTART_MAX] = {
        "no", "on-success", "on-failure", "on-abnormal", "on-watchdog", "on-abort", "always",
};
static const char *const kill_mode_names[_KILL_MODE_MAX] = {
        "control-group", "mixed", "process", "none",
};

static void add_exec_commands(StrBuf *b, const UnitSettings *st) {
        for (ServiceExecCommand i = 0; i < _SERVICE_EXEC_COMMAND_MAX; i++) {
                const ExecCommandList *l = &st->service.exec[i];
                StrBuf v = {};
                for (size_t k = 0; k < l->n; k++) {
                        _cleanup_free_ char *argv = strv_join(l->items[k].argv, " ");
                        strbuf_printf(&v, "%s{ path=%s ; argv[]=%s ; ignore_errors=%s }", k ? " " : "",
                                      l->items[k].path, argv ? argv : "",
                                      l->items[k].flags & EXEC_IGNORE_FAILURE ? "yes" : "no");
                }
                if (l->n)
                        control_record_add(b, service_exec_command_to_string(i), v.data);
                strbuf_done(&v);
        }
}

static void add_service_properties(Unit *u, StrBuf *b) {
        const UnitSettings *st = unit_settings(u);
        const ServiceSettings *ss = &st->service;
        Service *s = &u->service;
        control_record_add(b, "Type", type_names[ss->type]);
        control_record_add(b, "Restart", restart_names[ss->restart]);
        add_usec(b, "RestartUSec", ss->restart_usec != USEC_INFINITY ? ss->restart_usec
                                                                     : u->manager->config.default_restart_usec);
        add_bool(b, "RemainAfterExit", ss->remain_after_exit);
        control_record_add(b, "PIDFile", ss->pid_file);
        control_record_addf(b, "MainPID", "%d", (int) s->main_pid.pid);
        control_record_addf(b, "ControlPID", "%d", (int) s->control_pid.pid);
        control_record_add(b, "Result", service_result_to_string(s->result));
        control_record_add(b, "ReloadResult", service_result_to_string(s->reload_result));
        control_record_addf(b, "NRestarts", "%u", s->n_restarts);
        control_record_addf(b, "ExecMainPID", "%d", (int) s->exec_main_pid);
        control_record_addf(b, "ExecMainCode", "%d", s->exec_main_code);
        control_record_addf(b, "ExecMainStatus", "%d", s->exec_main_status);
        add_timestamp(b, "ExecMainStartTimestamp", s->exec_main_start_timestamp, s->exec_main_start_monotonic);
        add_timestamp(b, "ExecMainExitTimestamp", s->exec_main_exit_timestamp, s->exec_main_exit_monotonic);
        add_usec(b, "TimeoutStartUSec", ss->timeout_start_set && ss->timeout_start ? ss->timeout_start
                                        : ss->timeout_start_set ? USEC_INFINITY
                                                                : u->manager->config.default_timeout_start);
        add_usec(b, "TimeoutStopUSec", ss->timeout_stop_set && ss->timeout_stop ? ss->timeout_stop
                                       : ss->timeout_stop_set ? USEC_INFINITY
                                                              : u->manager->config.default_timeout_stop);
        add_usec(b, "RuntimeMaxUSec", ss->runtime_max);
        control_record_add(b, "KillMode", kill_mode_names[st->kill.kill_mode]);
        control_record_addf(b, "KillSignal", "%d", st->kill.kill_signal);
        add_bool(b, "SendSIGKILL", st->kill.send_sigkill);
        control_record_add(b, "User", st->exec.user);
        control_record_add(b, "Group", st->exec.group);
        add_strv(b, "SupplementaryGroups", st->exec.supplementary_groups);
        control_record_add(b, "WorkingDirectory", st->exec.working_directory);
        control_record_add(b, "RootDirectory", st->exec.root_directory);
        control_record_addf(b, "UMask", "%04o", (unsigned) st->exec.umask);
        add_strv(b, "Environment", st->exec.environment);
        add_strv(b, "UnenforcedSettings", st->exec.unenforced);
        control_record_add(b, "StatusText", s->status_text);
        control_record_addf(b, "StatusErrno", "%d", s->status_errno);
        control_record_add(b, "NotifyAccess", notify_access_to_string(service_notify_access(u)));
        add_usec(b, "WatchdogUSec", service_watchdog_usec(u));
        add_timestamp(b, "WatchdogTimestamp", s->watchdog_timestamp, s->watchdog_monotonic);
        add_exec_commands(b, st);
        add_bool(b, "CanReload", ss->exec[SERVICE_EXEC_RELOAD].n > 0);
}

typedef struct ProcInfo {
        pid_t pid, ppid;
        unsigned threads;
        unsigned long long rss_kb;
        char cmd[256];
} ProcInfo;

static bool proc_info_read(pid_t pid, ProcInfo *p) {
        char path[64], line[256], comm[64] = "";
        *p = (ProcInfo) { .pid = pid };
        snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
        FILE *f = fopen(path, "re");
        if (!f)
                return false;
        while (fgets(line, sizeof line, f)) {
                unsigned long long v;
                if (sscanf(line, "Threads: %llu", &v) == 1)
                        p->threads = (unsigned) v;
                else if (sscanf(line, "VmRSS: %llu", &v) == 1)
                        p->rss_kb = v;
                else if (sscanf(line, "PPid: %llu", &v) == 1)
                        p->ppid = (pid_t) v;
                else
                        (void) sscanf(line, "Name: %63s", comm);
        }
        fclose(f);
        snprintf(path, sizeof path, "/proc/%d/cmdline", (int) pid);
        f = fopen(path, "re");
        size_t n = f ? fread(p->cmd, 1, sizeof p->cmd - 1, f) : 0;
        if (f)
                fclose(f);
        for (size_t k = 0; k + 1 < n; k++)
                if (p->cmd[k] == 0)
                        p->cmd[k] = ' ';
        p->cmd[n] = 0;
        if (n == 0)
                snprintf(p->cmd, sizeof p->cmd, "%s", comm);
        return true;
}

/* One line per process, "PID cmdline", children below their parent and
 * indented two spaces per level (superctl draws the tree). */
static void add_process_tree(StrBuf *out, ProcInfo *ps, size_t n, size_t i, unsigned depth, bool *done) {
        done[i] = true;
        strbuf_printf(out, "%s%*s%d %s", out->len ? "\n" : "", (int) (depth * 2), "", (int) ps[i].pid, ps[i].cmd);
        for (size_t j = 0; j < n; j++)
                if (!done[j] && ps[j].ppid == ps[i].pid && depth < 32)
                        add_process_tree(out, ps, n, j, depth + 1, done);
}

static bool pid_listed(const ProcInfo *ps, size_t n, pid_t pid) {
        for (size_t i = 0; i < n; i++)
                if (ps[i].pid == pid)
                        return true;
        return false;
}

static void add_process_info(Unit *u, StrBuf *b) {
        Service *s = &u->service;
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        /* Every process of the cgroup; without one, those we know. */
        if (service_cgroup_pids(u, &pids, &n) < 0) {
                pids = calloc(2, sizeof(pid_t));
                n = 0;
                PidRef *refs[] = { &s->main_pid, &s->control_pid };
                for (size_t i = 0; pids && i < ELEMENTSOF(refs); i++)
                        if (pidref_is_set(refs[i]))
                                pids[n++] = refs[i]->pid;
        }
        _cleanup_free_ ProcInfo *ps = n ? calloc(n, sizeof(ProcInfo)) : NULL;
        _cleanup_free_ bool *done = n ? calloc(n, sizeof(bool)) : NULL;
        size_t m = 0;
        unsigned tasks = 0;
        unsigned long long rss_kb = 0;
        for (size_t i = 0; ps && done && i < n; i++)
                if (proc_info_read(pids[i], &ps[m])) {
                        tasks += ps[m].threads;
                        rss_kb += ps[m].rss_kb;
                        m++;
                }
        StrBuf procs = {};
        /* The main process's tree first (superctl names the main process from it). */
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < m; i++)
                        if (!done[i] && !pid_listed(ps, m, ps[i].ppid) &&
                            (pass == 1 || ps[i].pid == s->main_pid.pid))
                                add_process_tree(&procs, ps, m, i, 0, done);
        unsigned long long v;
        if (s->cgroup_path && cgroup_read_u64(s->cgroup_path, "pids.current", &v) >= 0)
                tasks = (unsigned) v;
        if (s->cgroup_path && cgroup_read_u64(s->cgroup_path, "memory.current", &v) >= 0)
                rss_kb = v / 1024;
        if (tasks)
                control_record_addf(b, "TasksCurrent", "%u", tasks);
        if (rss_kb)
                control_record_addf(b, "MemoryCurrent", "%llu", rss_kb * 1024ULL);
        if (s->cgroup_path) {
                const char *rel = u->manager->cgroup_rel;
                control_record_addf(b, "ControlGroup", "%s/%s", rel, strrchr(s->cgroup_path, '/') + 1);
        } else
                control_record_add(b, "ControlGroup", "");
        control_record_add(b, "Processes", procs.data);
        strbuf_done(&procs);
}

void unit_append_properties(Unit *u, StrBuf *b) {
        const UnitFile *f = u->file;
        const UnitSettings *st = unit_settings(u);
        UnitFileState fs;
        control_record_add(b, "Id", u->name);
        control_record_add(b, "Description", st->description ? st->description : u->name);
        control_record_add(b, "LoadState", unit_load_state_to_string(f->load_state));
        control_record_add(b, "LoadError", f->load_error);
        control_record_add(b, "ActiveState", unit_active_state_to_string(unit_active_state(u)));
        control_record_add(b, "SubState", unit_sub_state(u));
        control_record_add(b, "FragmentPath", f->fragment_path);
        add_strv(b, "DropInPaths", f->dropin_paths);
        /* Computing it reads every link dir: once per (re)load, not per query. */
        if (u->file_state_cached < 0 && f->fragment_path) {
                manager_check_search_index(u->manager);
                u->file_state_cached = unit_file_get_state(&u->manager->load_ctx, u->name, &fs) >= 0 ? (int) fs : -2;
        }
        fs = (UnitFileState) u->file_state_cached;
        control_record_add(b, "UnitFileState", f->fragment_path && u->file_state_cached >= 0
                                                       ? unit_file_state_to_string(fs) : "");
        add_strv(b, "Documentation", st->documentation);
        /* From the graph, as systemd shows them: implicit edges and inverses too. */
        for (UnitDepKind k = 0; k < _DEP_KIND_MAX; k++) {
                if (u->deps[k].n == 0)
                        continue;
                StrBuf names = {};
                for (size_t i = 0; i < u->deps[k].n; i++)
                        strbuf_printf(&names, "%s%s", i ? " " : "", u->deps[k].items[i]->name);
                control_record_add(b, unit_dep_kind_to_string(k), names.data);
                strbuf_done(&names);
        }
        control_record_add(b, "Job", u->job != JOB_NONE ? job_type_to_string(u->job) : "");
        control_record_add(b, "InvocationID", u->invocation_id);
        add_timestamp(b, "StateChangeTimestamp", u->state_change_timestamp, u->state_change_monotonic);
        add_timestamp(b, "ActiveEnterTimestamp", u->active_enter_timestamp, u->active_enter_monotonic);
        add_timestamp(b, "ActiveExitTimestamp", u->active_exit_timestamp, u->active_exit_monotonic);
        add_timestamp(b, "InactiveEnterTimestamp", u->inactive_enter_timestamp, u->inactive_enter_monotonic);
        add_timestamp(b, "InactiveExitTimestamp", u->inactive_exit_timestamp, u->inactive_exit_monotonic);
        add_bool(b, "RefuseManualStart", st->refuse_manual_start);
        add_bool(b, "RefuseManualStop", st->refuse_manual_stop);
        if (u->type == UNIT_SOCKET && f->load_state == UNIT_LOADED)
                socket_append_properties(u, b);
        if (u->type == UNIT_SERVICE && f->load_state == UNIT_LOADED) {
                add_service_properties(u, b);
                add_process_info(u, b);
        }
}

void unit_append_log_lines(Unit *u, StrBuf *b) {
        StrBuf lines = {};
        (void) manager_journal_last_lines(u->manager, u->name, 10, &lines);
        control_record_add(b, "LastLogLines", lines.data ? lines.data : "");
        strbuf_done(&lines);
}
