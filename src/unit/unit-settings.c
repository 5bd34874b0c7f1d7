/* unit-settings.c — defaults, destruction and enum names of UnitSettings. */
#include <limits.h>
#include <signal.h>
#include <sys/socket.h>
#include <syslog.h>

#include "../lib/strv.h"
#include "unit-internal.h"

void unit_settings_init(UnitSettings *s) {
        *s = (UnitSettings) {
                .default_dependencies = true,
                .start_limit_interval = USEC_INFINITY,
                .failure_action_exit_status = -1,
                .success_action_exit_status = -1,
                .job_timeout = USEC_INFINITY,
                .exec = {
                        .umask = 0022,
                        .syslog_facility = LOG_DAEMON >> 3,
                        .syslog_level = LOG_INFO,
                        .syslog_level_prefix = true,
                        .ignore_sigpipe = true,
                },
                .kill = {
                        .kill_mode = KILL_CONTROL_GROUP,
                        .kill_signal = SIGTERM,
                        .final_kill_signal = SIGKILL,
                        .send_sigkill = true,
                },
                .service = {
                        .type = SERVICE_SIMPLE,
                        .guess_main_pid = true,
                        .restart_usec = USEC_INFINITY,
                        .restart_max_delay = USEC_INFINITY,
                        .runtime_max = USEC_INFINITY,
                        .tasks_max = -1,
                        .notify_access = NOTIFY_NONE,
                },
                .socket = {
                        .backlog = SOMAXCONN,
                        .max_connections = 64,
                        .socket_mode = 0666,
                        .directory_mode = 0755,
                        .trigger_limit_interval = USEC_INFINITY,
                        .trigger_limit_burst = UINT_MAX,
                },
        };
        for (int i = 0; i < _EXEC_DIRECTORY_MAX; i++)
                s->exec.directory_mode[i] = 0755;
}

static void exec_settings_done(ExecSettings *e) {
        free(e->user);
        free(e->group);
        strv_free(e->supplementary_groups);
        free(e->working_directory);
        free(e->root_directory);
        strv_free(e->environment);
        strv_free(e->environment_files);
        strv_free(e->pass_environment);
        strv_free(e->unset_environment);
        free(e->std_input.path);
        free(e->std_output.path);
        free(e->std_error.path);
        free(e->syslog_identifier);
        for (int i = 0; i < _EXEC_DIRECTORY_MAX; i++)
                strv_free(e->directories[i]);
        strv_free(e->unenforced);
}

static void socket_settings_done(SocketSettings *k) {
        for (size_t i = 0; i < k->n_listen; i++)
                free(k->listen[i].address);
        free(k->listen);
        free(k->socket_user);
        free(k->socket_group);
        free(k->service);
        free(k->fd_name);
        strv_free(k->symlinks);
        strv_free(k->ip_allow);
        strv_free(k->ip_deny);
        free(k->proxy_to);
        free(k->banner_file);
        free(k->refused_banner_file);
        for (int i = 0; i < _SOCKET_EXEC_COMMAND_MAX; i++)
                exec_command_list_done(&k->exec[i]);
}

static const char *const builtin_names[_SOCKET_BUILTIN_MAX] = {
        [SOCKET_BUILTIN_NONE] = "none",       [SOCKET_BUILTIN_ECHO] = "echo",
        [SOCKET_BUILTIN_DISCARD] = "discard", [SOCKET_BUILTIN_DAYTIME] = "daytime",
        [SOCKET_BUILTIN_TIME] = "time",       [SOCKET_BUILTIN_CHARGEN] = "chargen",
        [SOCKET_BUILTIN_PROXY] = "proxy",
};

const char *socket_builtin_to_string(SocketBuiltin b) {
        return b >= 0 && b < _SOCKET_BUILTIN_MAX ? builtin_names[b] : NULL;
}

SocketBuiltin socket_builtin_from_string(const char *s) {
        for (int i = 0; i < _SOCKET_BUILTIN_MAX; i++)
                if (streq(s, builtin_names[i]))
                        return (SocketBuiltin) i;
        return _SOCKET_BUILTIN_INVALID;
}

void unit_settings_done(UnitSettings *s) {
        free(s->description);
        strv_free(s->documentation);
        for (int i = 0; i < _UNIT_DEPENDENCY_MAX; i++)
                strv_free(s->deps[i]);
        for (size_t i = 0; i < s->n_conditions; i++)
                free(s->conditions[i].param);
        free(s->conditions);
        strv_free(s->install.wanted_by);
        strv_free(s->install.required_by);
        strv_free(s->install.alias);
        strv_free(s->install.also);
        free(s->install.default_instance);
        exec_settings_done(&s->exec);
        free(s->service.pid_file);
        for (int i = 0; i < _SERVICE_EXEC_COMMAND_MAX; i++)
                exec_command_list_done(&s->service.exec[i]);
        strv_free(s->service.sockets);
        socket_settings_done(&s->socket);
        unit_settings_init(s);
}

int unit_settings_add_unenforced(UnitSettings *s, const char *key) {
        if (strv_contains(s->exec.unenforced, key))
                return 0;
        return strv_extend(&s->exec.unenforced, key);
}

UnitFile *unit_file_new(const char *name) {
        UnitFile *u = calloc(1, sizeof(UnitFile));
        if (!u)
                return NULL;
        unit_settings_init(&u->s);
        u->type = unit_type_from_name(name);
        u->name = strdup(name);
        u->id = strdup(name);
        if (!u->name || !u->id || unit_name_instance(name, &u->instance) < 0)
                return unit_file_free(u);
        return u;
}

UnitFile *unit_file_free(UnitFile *u) {
        if (!u)
                return NULL;
        free(u->name);
        free(u->id);
        free(u->instance);
        free(u->fragment_path);
        strv_free(u->dropin_paths);
        strv_free(u->aliases);
        free(u->load_error);
        unit_settings_done(&u->s);
        diag_done(&u->diag);
        free(u);
        return NULL;
}

/* ---- names of enums ---- */

#define STRING_TABLE(name, type, max, invalid, ...)                                   \
        static const char *const name##_table[max] = { __VA_ARGS__ };                \
        const char *name##_to_string(type v) {                                        \
                return (int) v >= 0 && (int) v < (int) (max) ? name##_table[v] : NULL; \
        }                                                                             \
        type name##_from_string(const char *s) {                                      \
                for (int i = 0; s && i < (int) (max); i++)                            \
                        if (name##_table[i] && streq(name##_table[i], s))             \
                                return (type) i;                                      \
                return (type) (invalid);                                              \
        }

STRING_TABLE(service_type, ServiceType, _SERVICE_TYPE_MAX, _SERVICE_TYPE_INVALID,
             [SERVICE_SIMPLE] = "simple", [SERVICE_EXEC] = "exec", [SERVICE_FORKING] = "forking",
             [SERVICE_ONESHOT] = "oneshot", [SERVICE_NOTIFY] = "notify", [SERVICE_IDLE] = "idle")

STRING_TABLE(service_restart, ServiceRestart, _SERVICE_RESTART_MAX, _SERVICE_RESTART_INVALID,
             [SERVICE_RESTART_NO] = "no", [SERVICE_RESTART_ON_SUCCESS] = "on-success",
             [SERVICE_RESTART_ON_FAILURE] = "on-failure", [SERVICE_RESTART_ON_ABNORMAL] = "on-abnormal",
             [SERVICE_RESTART_ON_WATCHDOG] = "on-watchdog", [SERVICE_RESTART_ON_ABORT] = "on-abort",
             [SERVICE_RESTART_ALWAYS] = "always")

STRING_TABLE(kill_mode, KillMode, _KILL_MODE_MAX, _KILL_MODE_INVALID, [KILL_CONTROL_GROUP] = "control-group",
             [KILL_MIXED] = "mixed", [KILL_PROCESS] = "process", [KILL_NONE] = "none")

STRING_TABLE(notify_access, NotifyAccess, _NOTIFY_ACCESS_MAX, _NOTIFY_ACCESS_INVALID, [NOTIFY_NONE] = "none",
             [NOTIFY_MAIN] = "main", [NOTIFY_EXEC] = "exec", [NOTIFY_ALL] = "all")

STRING_TABLE(unit_action, UnitAction, _UNIT_ACTION_MAX, _UNIT_ACTION_INVALID, [UNIT_ACTION_NONE] = "none",
             [UNIT_ACTION_EXIT] = "exit", [UNIT_ACTION_EXIT_FORCE] = "exit-force")

STRING_TABLE(unit_load_state, UnitLoadState, _UNIT_LOAD_STATE_MAX, -EINVAL, [UNIT_LOADED] = "loaded",
             [UNIT_NOT_FOUND] = "not-found", [UNIT_BAD_SETTING] = "bad-setting", [UNIT_ERROR] = "error",
             [UNIT_MASKED] = "masked")

static const char *const exec_stdio_table[_EXEC_STDIO_MAX] = {
        [EXEC_STDIO_DEFAULT] = "default",   [EXEC_STDIO_NULL] = "null",
        [EXEC_STDIO_INHERIT] = "inherit",   [EXEC_STDIO_TTY] = "tty",
        [EXEC_STDIO_JOURNAL] = "journal",   [EXEC_STDIO_KMSG] = "kmsg",
        [EXEC_STDIO_JOURNAL_CONSOLE] = "journal+console",
        [EXEC_STDIO_SOCKET] = "socket",     [EXEC_STDIO_FILE] = "file",
        [EXEC_STDIO_APPEND] = "append",     [EXEC_STDIO_TRUNCATE] = "truncate",
};

const char *exec_stdio_type_to_string(ExecStdioType t) {
        return (int) t >= 0 && t < _EXEC_STDIO_MAX ? exec_stdio_table[t] : NULL;
}

const char *condition_type_to_string(ConditionType t, bool assert) {
        static const char *const full[2][_CONDITION_TYPE_MAX] = {
                { "ConditionPathExists", "ConditionPathIsDirectory", "ConditionFileNotEmpty",
                  "ConditionFileIsExecutable", "ConditionUser", "ConditionEnvironment", "ConditionACPower",
                  "ConditionCapability", "ConditionVirtualization", "ConditionKernelCommandLine" },
                { "AssertPathExists", "AssertPathIsDirectory", "AssertFileNotEmpty", "AssertFileIsExecutable",
                  "AssertUser", "AssertEnvironment", "AssertACPower", "AssertCapability",
                  "AssertVirtualization", "AssertKernelCommandLine" },
        };
        return (int) t >= 0 && t < _CONDITION_TYPE_MAX ? full[assert][t] : NULL;
}

static const char *const dependency_names[_UNIT_DEPENDENCY_MAX] = {
        [UNIT_REQUIRES] = "Requires",     [UNIT_REQUISITE] = "Requisite",
        [UNIT_WANTS] = "Wants",           [UNIT_BINDS_TO] = "BindsTo",
        [UNIT_PART_OF] = "PartOf",        [UNIT_CONFLICTS] = "Conflicts",
        [UNIT_BEFORE] = "Before",         [UNIT_AFTER] = "After",
        [UNIT_ON_FAILURE] = "OnFailure",  [UNIT_ON_SUCCESS] = "OnSuccess",
        [UNIT_PROPAGATES_RELOAD_TO] = "PropagatesReloadTo",
        [UNIT_RELOAD_PROPAGATED_FROM] = "ReloadPropagatedFrom",
};

const char *unit_dependency_to_string(UnitDependency d) {
        return (int) d >= 0 && d < _UNIT_DEPENDENCY_MAX ? dependency_names[d] : NULL;
}

static const char *const exec_command_names[_SERVICE_EXEC_COMMAND_MAX] = {
        [SERVICE_EXEC_CONDITION] = "ExecCondition", [SERVICE_EXEC_START_PRE] = "ExecStartPre",
        [SERVICE_EXEC_START] = "ExecStart",         [SERVICE_EXEC_START_POST] = "ExecStartPost",
        [SERVICE_EXEC_RELOAD] = "ExecReload",       [SERVICE_EXEC_STOP] = "ExecStop",
        [SERVICE_EXEC_STOP_POST] = "ExecStopPost",
};

const char *service_exec_command_to_string(ServiceExecCommand c) {
        return (int) c >= 0 && c < _SERVICE_EXEC_COMMAND_MAX ? exec_command_names[c] : NULL;
}

static const char *const file_state_names[_UNIT_FILE_STATE_MAX] = {
        [UNIT_FILE_ENABLED] = "enabled", [UNIT_FILE_DISABLED] = "disabled", [UNIT_FILE_STATIC] = "static",
        [UNIT_FILE_MASKED] = "masked",   [UNIT_FILE_ALIAS] = "alias",       [UNIT_FILE_INDIRECT] = "indirect",
};

const char *unit_file_state_to_string(UnitFileState s) {
        return (int) s >= 0 && s < _UNIT_FILE_STATE_MAX ? file_state_names[s] : NULL;
}
