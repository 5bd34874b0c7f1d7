/* unit-parsers-exec.c — parsers of the exec, kill and service settings
 * (systemd.exec(5), systemd.kill(5), systemd.service(5)). Several of these
 * keys guard privileges: their rows carry KEY_FAIL_CLOSED, and a 0 from
 * the parser makes the unit bad-setting instead of running without them. */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <strings.h>
#include <sys/resource.h>

#include "../lib/strv.h"
#include "../lib/timespan.h"
#include "unit-internal.h"

int config_parse_exec(const ConfigContext *c, const char *v, void *t, int l) {
        ExecCommandList *list = t;
        if (isempty(v)) {
                if (list)
                        exec_command_list_done(list);
                return 1;
        }
        ExecCommandList scratch = {};
        int r = unit_exec_line_parse(c, v, list ? list : &scratch);
        exec_command_list_done(&scratch);
        return r;
}

int config_parse_user(const ConfigContext *c, const char *v, void *t, int l) {
        char **s = t;
        if (isempty(v))
                return config_parse_string(c, v, t, 0);
        _cleanup_free_ char *x = NULL;
        int r = unit_specifiers_expand(c, v, &x);
        if (r <= 0)
                return r;
        if (!valid_user_group_name(x))
                return config_invalid(c, x, l == USER_GROUP ? "invalid group name" : "invalid user name");
        if (s) {
                free(*s);
                *s = TAKE_PTR(x);
        }
        return 1;
}

/* Removes "NAME=..." entries for the name of assignment a. */
static void env_remove_name(char **env, const char *a) {
        size_t n = strcspn(a, "="), k = 0;
        for (size_t i = 0; env && env[i]; i++) {
                if (strncmp(env[i], a, n) == 0 && env[i][n] == '=')
                        free(env[i]);
                else
                        env[k++] = env[i];
        }
        if (env)
                env[k] = NULL;
}

int config_parse_environ(const ConfigContext *c, const char *v, void *t, int l) {
        char ***env = t;
        if (isempty(v))
                return config_parse_strv(c, v, t, STRV_WORDS);
        _cleanup_strv_free_ char **words = NULL;
        const char *err;
        int r = unit_words_split(v, WORD_CUNESCAPE, &words, &err);
        if (r == -EINVAL)
                return config_invalid(c, v, err);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                _cleanup_free_ char *x = NULL;
                r = unit_specifiers_expand(c, *w, &x);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                const char *eq = strchr(x, '=');
                if (!eq || !valid_env_name(x, (size_t) (eq - x))) {
                        config_error(c, "Invalid environment assignment '%.200s', ignoring.", x);
                        continue;
                }
                if (!env)
                        continue;
                env_remove_name(*env, x);
                r = config_list_add(c, env, TAKE_PTR(x), false);
                if (r <= 0)
                        return r;
        }
        return 1;
}

int config_parse_environ_file(const ConfigContext *c, const char *v, void *t, int l) {
        char ***files = t;
        if (isempty(v))
                return config_parse_strv(c, v, t, STRV_WORDS);
        _cleanup_free_ char *x = NULL;
        int r = unit_specifiers_expand(c, v, &x);
        if (r <= 0)
                return r;
        if (x[x[0] == '-'] != '/')
                return config_invalid(c, v, "not an absolute path");
        return config_list_add(c, files, TAKE_PTR(x), false);
}

int config_parse_working_directory(const ConfigContext *c, const char *v, void *t, int l) {
        ExecSettings *e = t;
        if (isempty(v)) {
                if (e) {
                        free(e->working_directory);
                        e->working_directory = NULL;
                        e->working_directory_missing_ok = false;
                }
                return 1;
        }
        bool missing_ok = *v == '-';
        _cleanup_free_ char *x = NULL;
        int r = unit_specifiers_expand(c, v + missing_ok, &x);
        if (r <= 0)
                return r;
        if (!streq(x, "~") && x[0] != '/')
                return config_invalid(c, v, "not an absolute path or '~'");
        if (e) {
                free(e->working_directory);
                e->working_directory = TAKE_PTR(x);
                e->working_directory_missing_ok = missing_ok;
        }
        return 1;
}

int config_parse_umask_nice(const ConfigContext *c, const char *v, void *t, int l) {
        ExecSettings *e = t;
        if (l == UN_UMASK && isempty(v)) {
                if (e)
                        e->umask = 0022;
                return 1;
        }
        if (l == UN_UMASK)
                return config_parse_mode(c, v, e ? &e->umask : NULL, 0);
        if (isempty(v)) {
                if (e)
                        e->nice_set = false, e->nice = 0;
                return 1;
        }
        int n;
        int r = config_parse_int_range(c, v, &n, RANGE_NICE);
        if (r > 0 && e)
                e->nice_set = true, e->nice = n;
        return r;
}

int config_parse_oom_score(const ConfigContext *c, const char *v, void *t, int l) {
        ExecSettings *e = t;
        if (isempty(v)) {
                if (e)
                        e->oom_score_adjust_set = false, e->oom_score_adjust = 0;
                return 1;
        }
        int n;
        int r = config_parse_int_range(c, v, &n, RANGE_OOM);
        if (r > 0 && e)
                e->oom_score_adjust_set = true, e->oom_score_adjust = n;
        return r;
}

/* One side of a Limit*= value, in the resource's own unit. */
static int rlimit_parse_one(int resource, const char *s, rlim_t *ret) {
        uint64_t v;
        int r;
        if (streq(s, "infinity")) {
                *ret = RLIM_INFINITY;
                return 0;
        }
        switch (resource) {
        case RLIMIT_CPU:
                r = parse_timespan(s, USEC_PER_SEC, &v);
                if (r >= 0)
                        v = v / USEC_PER_SEC + (v % USEC_PER_SEC != 0);
                break;
        case RLIMIT_RTTIME:
                r = parse_timespan(s, 1, &v);
                break;
        case RLIMIT_FSIZE: case RLIMIT_DATA: case RLIMIT_STACK: case RLIMIT_CORE:
        case RLIMIT_RSS: case RLIMIT_AS: case RLIMIT_MEMLOCK: case RLIMIT_MSGQUEUE:
                r = parse_size(s, &v);
                break;
        case RLIMIT_NICE:
                if (s[0] == '+' || s[0] == '-') {
                        char *e;
                        long n = strtol(s, &e, 10);
                        if (*e || e == s + 1 || n < -20 || n > 19)
                                return -EINVAL;
                        *ret = (rlim_t) (20 - n);
                        return 0;
                }
                __attribute__((fallthrough));
        default:
                r = -EINVAL;
                if (isdigit((unsigned char) s[0])) {
                        char *e;
                        errno = 0;
                        v = strtoull(s, &e, 10);
                        r = *e || errno ? -EINVAL : 0;
                }
                if (r == 0 && resource == RLIMIT_NICE && v > 40)
                        r = -ERANGE;
        }
        if (r < 0)
                return r;
        *ret = v == UINT64_MAX ? RLIM_INFINITY : (rlim_t) v;
        return 0;
}

int config_parse_rlimit(const ConfigContext *c, const char *v, void *t, int resource) {
        ExecSettings *e = t;
        if (isempty(v)) {
                if (e)
                        e->rlimit_set[resource] = false;
                return 1;
        }
        _cleanup_free_ char *soft = strdup(v);
        if (!soft)
                return -ENOMEM;
        char *colon = strchr(soft, ':');
        const char *hard = soft;
        if (colon) {
                *colon = 0;
                hard = colon + 1;
        }
        struct rlimit rl;
        if (rlimit_parse_one(resource, soft, &rl.rlim_cur) < 0 || rlimit_parse_one(resource, hard, &rl.rlim_max) < 0)
                return config_invalid(c, v, "not a resource limit");
        if (rl.rlim_cur > rl.rlim_max)
                return config_invalid(c, v, "soft limit above hard limit");
        if (e) {
                e->rlimit[resource] = rl;
                e->rlimit_set[resource] = true;
        }
        return 1;
}

static const struct {
        const char *name;
        ExecStdioType type;
        bool input, output;
} stdio_names[] = {
        { "null", EXEC_STDIO_NULL, true, true },       { "tty", EXEC_STDIO_TTY, true, true },
        { "tty-force", EXEC_STDIO_TTY, true, false },  { "tty-fail", EXEC_STDIO_TTY, true, false },
        { "socket", EXEC_STDIO_SOCKET, true, true },   { "inherit", EXEC_STDIO_INHERIT, false, true },
        { "journal", EXEC_STDIO_JOURNAL, false, true }, { "syslog", EXEC_STDIO_JOURNAL, false, true },
        { "kmsg", EXEC_STDIO_KMSG, false, true },
        { "journal+console", EXEC_STDIO_JOURNAL_CONSOLE, false, true },
        { "syslog+console", EXEC_STDIO_JOURNAL_CONSOLE, false, true },
        { "kmsg+console", EXEC_STDIO_JOURNAL_CONSOLE, false, true },
};

static int stdio_parse_file(const ConfigContext *c, const char *v, int l, ExecStdio *out) {
        static const struct {
                const char *prefix;
                ExecStdioType type;
        } files[] = { { "file:", EXEC_STDIO_FILE }, { "append:", EXEC_STDIO_APPEND }, { "truncate:", EXEC_STDIO_TRUNCATE } };
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                const char *p = startswith(v, files[i].prefix);
                if (!p)
                        continue;
                if (l == STDIO_INPUT && files[i].type != EXEC_STDIO_FILE)
                        return config_invalid(c, v, "not valid for StandardInput=");
                _cleanup_free_ char *x = NULL;
                int r = unit_specifiers_expand(c, p, &x);
                if (r <= 0)
                        return r;
                if (x[0] != '/')
                        return config_invalid(c, v, "not an absolute path");
                out->type = files[i].type;
                out->path = TAKE_PTR(x);
                return 1;
        }
        return config_invalid(c, v, startswith(v, "fd:") || streq(v, "data") ? "not supported by superd"
                                                                           : "unknown standard stream");
}

int config_parse_stdio(const ConfigContext *c, const char *v, void *t, int l) {
        ExecStdio *s = t, n = {};
        if (!isempty(v)) {
                size_t i;
                for (i = 0; i < ELEMENTSOF(stdio_names); i++)
                        if (streq(v, stdio_names[i].name) &&
                            (l == STDIO_INPUT ? stdio_names[i].input : stdio_names[i].output))
                                break;
                if (i < ELEMENTSOF(stdio_names))
                        n.type = stdio_names[i].type;
                else {
                        int r = stdio_parse_file(c, v, l, &n);
                        if (r <= 0)
                                return r;
                }
        }
        if (s) {
                free(s->path);
                *s = n;
        } else
                free(n.path);
        return 1;
}

static int lookup_name(const char *const *names, size_t n, const char *v) {
        for (size_t i = 0; i < n; i++)
                if (names[i] && streq(names[i], v))
                        return (int) i;
        return -1;
}

int config_parse_syslog_facility(const ConfigContext *c, const char *v, void *t, int l) {
        static const char *const names[] = {
                "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
                "ftp", NULL, NULL, NULL, NULL, "local0", "local1", "local2", "local3", "local4", "local5",
                "local6", "local7",
        };
        if (isempty(v))
                return config_reset(c, t);
        int f = lookup_name(names, ELEMENTSOF(names), v);
        if (f < 0)
                return config_invalid(c, v, "unknown syslog facility");
        if (t)
                *(int *) t = f;
        return 1;
}

int config_parse_syslog_level(const ConfigContext *c, const char *v, void *t, int l) {
        static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };
        if (isempty(v))
                return config_reset(c, t);
        int f = lookup_name(names, ELEMENTSOF(names), v);
        if (f < 0)
                return config_invalid(c, v, "unknown syslog level");
        if (t)
                *(int *) t = f;
        return 1;
}

static const char *const capability_names[] = {
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
        "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
        "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
        "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
        "lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
        "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};

/* Validates only: capabilities are not enforced yet (KEY_UNENFORCED). */
int config_parse_capabilities(const ConfigContext *c, const char *v, void *t, int l) {
        if (isempty(v))
                return 1;
        _cleanup_strv_free_ char **words = NULL;
        const char *err;
        int r = unit_words_split(v[0] == '~' ? v + 1 : v, 0, &words, &err);
        if (r == -EINVAL)
                return config_invalid(c, v, err);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                const char *name = strncasecmp(*w, "cap_", 4) == 0 ? *w + 4 : NULL;
                bool ok = false;
                for (size_t i = 0; name && i < ELEMENTSOF(capability_names); i++)
                        ok = ok || strcasecmp(name, capability_names[i]) == 0;
                if (!ok) {
                        config_error(c, "Unknown capability '%.200s' in %s=, %s.", *w, c->key, config_verdict(c));
                        return 0;
                }
        }
        return 1;
}

static bool ip_prefix_ok(const char *s) {
        char buf[INET6_ADDRSTRLEN + 8];
        unsigned char addr[16];
        if (strlen(s) >= sizeof buf)
                return false;
        strcpy(buf, s);
        char *slash = strchr(buf, '/');
        long max = strchr(buf, ':') ? 128 : 32;
        if (slash) {
                char *e;
                *slash = 0;
                long n = strtol(slash + 1, &e, 10);
                if (*e || e == slash + 1 || n < 0 || n > max)
                        return false;
        }
        return inet_pton(max == 128 ? AF_INET6 : AF_INET, buf, addr) == 1;
}

/* IPAddressAllow=/IPAddressDeny=: validated and stored; sockets enforce them (socket-acl.c). */
int config_parse_ip_access(const ConfigContext *c, const char *v, void *t, int l) {
        static const char *const names[] = { "any", "localhost", "link-local", "multicast" };
        char ***list = t;
        if (isempty(v)) {
                if (list)
                        *list = strv_free(*list);
                return 1;
        }
        _cleanup_strv_free_ char **words = NULL;
        const char *err;
        int r = unit_words_split(v, 0, &words, &err);
        if (r == -EINVAL)
                return config_invalid(c, v, err);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words)
                if (lookup_name(names, ELEMENTSOF(names), *w) < 0 && !ip_prefix_ok(*w)) {
                        config_error(c, "Invalid address '%.200s' in %s=, %s.", *w, c->key, config_verdict(c));
                        return 0;
                }
        STRV_FOREACH(w, words)
                if (list && (r = config_list_add(c, list, strdup(*w), true)) <= 0)
                        return r;
        return 1;
}

int config_parse_enum(const ConfigContext *c, const char *v, void *t, int l) {
        int x;
        if (isempty(v)) {
                if (l == ENUM_NOTIFY_ACCESS)
                        c->unit->s.service.notify_access_set = false;
                return config_reset(c, t);
        }
        switch (l) {
        case ENUM_RESTART:
                x = service_restart_from_string(v);
                break;
        case ENUM_KILL_MODE:
                x = kill_mode_from_string(v);
                break;
        default:
                x = notify_access_from_string(v);
                break;
        }
        if (x < 0)
                return config_invalid(c, v, "unknown value");
        if (l == ENUM_NOTIFY_ACCESS)
                c->unit->s.service.notify_access_set = true;
        if (t)
                *(int *) t = x;
        return 1;
}

int config_parse_service_type(const ConfigContext *c, const char *v, void *t, int l) {
        ServiceSettings *s = t;
        if (isempty(v)) {
                s->type = SERVICE_SIMPLE;
                s->type_set = false;
                return 1;
        }
        ServiceType x = service_type_from_string(v);
        if (streq(v, "dbus") || streq(v, "notify-reload")) {
                unit_mark_bad(c->unit, c->path, c->line, "Type=%s is not supported by superd, refusing.", v);
                return 0;
        }
        if (x < 0)
                return config_invalid(c, v, "unknown service type");
        s->type = x;
        s->type_set = true;
        return 1;
}

int config_parse_timeout(const ConfigContext *c, const char *v, void *t, int l) {
        ServiceSettings *s = t;
        usec_t u = 0;
        bool set = false;
        if (!isempty(v)) {
                int r = parse_timespan(v, USEC_PER_SEC, &u);
                if (r < 0)
                        return config_invalid(c, v, "invalid time span");
                if (u == 0)
                        u = USEC_INFINITY; /* "0" disables the timeout, as in systemd */
                set = true;
        }
        if (l & TIMEOUT_START)
                s->timeout_start = u, s->timeout_start_set = set;
        if (l & TIMEOUT_STOP)
                s->timeout_stop = u, s->timeout_stop_set = set;
        return 1;
}

int config_parse_io_class(const ConfigContext *c, const char *v, void *t, int l) {
        static const char *const names[] = { "none", "realtime", "best-effort", "idle" };
        ServiceSettings *s = t;
        if (isempty(v)) {
                s->io_class = 0;
                return 1;
        }
        int x = lookup_name(names, ELEMENTSOF(names), v);
        if (x < 0 && strlen(v) == 1 && v[0] >= '0' && v[0] <= '3')
                x = v[0] - '0';
        if (x < 0)
                return config_invalid(c, v, "unknown I/O scheduling class");
        s->io_class = x;
        s->ioscheduling_set = true;
        return 1;
}

int config_parse_cpu_policy(const ConfigContext *c, const char *v, void *t, int l) {
        static const char *const names[] = {
                [SCHED_OTHER] = "other", [SCHED_FIFO] = "fifo", [SCHED_RR] = "rr",
                [SCHED_BATCH] = "batch", [SCHED_IDLE] = "idle",
        };
        ServiceSettings *s = t;
        if (isempty(v)) {
                s->cpu_policy = SCHED_OTHER;
                return 1;
        }
        int x = lookup_name(names, ELEMENTSOF(names), v);
        if (x < 0)
                return config_invalid(c, v, "unknown CPU scheduling policy");
        s->cpu_policy = x;
        s->cpuscheduling_set = true;
        return 1;
}

/* ltype 0: IOSchedulingPriority=, 1: CPUSchedulingPriority=. */
int config_parse_sched_priority(const ConfigContext *c, const char *v, void *t, int l) {
        ServiceSettings *s = t;
        int *field = l ? &s->cpu_priority : &s->io_priority;
        if (isempty(v)) {
                *field = 0;
                return 1;
        }
        int r = config_parse_int_range(c, v, field, l ? RANGE_CPUPRIO : RANGE_IOPRIO);
        if (r > 0) {
                if (l)
                        s->cpuscheduling_set = true;
                else
                        s->ioscheduling_set = true;
        }
        return r;
}

static long pid_max(void) {
        long v = 0;
        FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
        if (f) {
                if (fscanf(f, "%ld", &v) != 1)
                        v = 0;
                fclose(f);
        }
        return v > 0 ? v : 32768;
}

/* TasksMax=: N, N% of the kernel's pid_max, or infinity (INT_MAX). */
int config_parse_tasks_max(const ConfigContext *c, const char *v, void *t, int l) {
        if (isempty(v))
                return config_reset(c, t);
        long long x;
        if (streq(v, "infinity"))
                x = INT_MAX;
        else {
                char *e;
                errno = 0;
                x = strtoll(v, &e, 10);
                if (e == v || !isdigit((unsigned char) v[0]) || errno || (*e && !streq(e, "%")) || x <= 0)
                        return config_invalid(c, v, "not a task count or percentage");
                if (*e) {
                        if (x > 100)
                                return config_invalid(c, v, "percentage above 100%");
                        x = pid_max() * x / 100;
                }
                if (x > INT_MAX)
                        x = INT_MAX;
        }
        if (t)
                *(int *) t = (int) x;
        return 1;
}

/* PIDFile=: a relative path is under the runtime directory (/run). */
int config_parse_pid_file(const ConfigContext *c, const char *v, void *t, int l) {
        char **s = t;
        if (isempty(v) || v[0] == '/' || v[0] == '%')
                return config_parse_path(c, v, t, l);
        _cleanup_free_ char *x = NULL, *full = NULL;
        int r = unit_specifiers_expand(c, v, &x);
        if (r <= 0)
                return r;
        const char *rt = c->lctx && c->lctx->runtime_dir ? c->lctx->runtime_dir : "/run";
        if (asprintf(&full, "%s/%s", rt, x) < 0)
                return -ENOMEM;
        return config_parse_path(c, full, s, l);
}

/* RuntimeDirectoryPreserve=: a boolean or "restart" (kept across restarts only). */
int config_parse_preserve(const ConfigContext *c, const char *v, void *t, int l) {
        ExecSettings *e = t;
        bool yes = false, restart = !isempty(v) && streq(v, "restart");
        if (!restart && !isempty(v)) { /* empty: the default, no */
                int r = config_parse_bool(c, v, &yes, l);
                if (r <= 0)
                        return r;
        }
        if (e)
                e->runtime_directory_preserve = yes, e->runtime_directory_preserve_restart = restart;
        return 1;
}
