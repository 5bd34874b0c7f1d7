/* unit-settings.h — the typed result of loading one unit: what the files
 * say, with no runtime state. Produced by unit-load.c, consumed by core/.
 *
 * Ownership: a UnitFile owns every string and vector inside it;
 * unit_file_free() releases all of it. Times are usec_t, USEC_INFINITY for
 * "infinity"; "unset" values are documented per field. */
#pragma once

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "../lib/diag.h"
#include "../lib/macro.h"

typedef enum UnitType {
        UNIT_SERVICE,
        UNIT_SOCKET,
        UNIT_TARGET,
        UNIT_TIMER,
        UNIT_PATH,
        UNIT_MOUNT, /* recognised by suffix, loaded as unsupported */
        UNIT_AUTOMOUNT,
        UNIT_SWAP,
        UNIT_SLICE,
        UNIT_SCOPE,
        UNIT_DEVICE,
        _UNIT_TYPE_MAX,
        _UNIT_TYPE_INVALID = -EINVAL,
} UnitType;

const char *unit_type_to_string(UnitType t);     /* "service" */
UnitType unit_type_from_name(const char *name);   /* by suffix */

typedef enum UnitLoadState {
        UNIT_LOADED,
        UNIT_NOT_FOUND,
        UNIT_BAD_SETTING,
        UNIT_ERROR,
        UNIT_MASKED,
        _UNIT_LOAD_STATE_MAX,
} UnitLoadState;

const char *unit_load_state_to_string(UnitLoadState s); /* "loaded", "not-found", "bad-setting", "error", "masked" */

typedef enum UnitDependency {
        UNIT_REQUIRES,
        UNIT_REQUISITE,
        UNIT_WANTS,
        UNIT_BINDS_TO,
        UNIT_PART_OF,
        UNIT_CONFLICTS,
        UNIT_BEFORE,
        UNIT_AFTER,
        UNIT_ON_FAILURE,
        UNIT_ON_SUCCESS,
        UNIT_PROPAGATES_RELOAD_TO,
        UNIT_RELOAD_PROPAGATED_FROM,
        _UNIT_DEPENDENCY_MAX,
} UnitDependency;

const char *unit_dependency_to_string(UnitDependency d); /* systemd's property name: "Requires" */

typedef enum UnitAction {
        UNIT_ACTION_NONE,
        UNIT_ACTION_EXIT,
        UNIT_ACTION_EXIT_FORCE,
        _UNIT_ACTION_MAX,
        _UNIT_ACTION_INVALID = -EINVAL,
} UnitAction;

typedef enum ConditionType {
        CONDITION_PATH_EXISTS,
        CONDITION_PATH_IS_DIRECTORY,
        CONDITION_FILE_NOT_EMPTY,
        CONDITION_FILE_IS_EXECUTABLE,
        CONDITION_USER,
        CONDITION_ENVIRONMENT,
        CONDITION_AC_POWER,
        CONDITION_CAPABILITY,
        CONDITION_VIRTUALIZATION,
        CONDITION_KERNEL_COMMAND_LINE,
        _CONDITION_TYPE_MAX,
} ConditionType;

typedef struct Condition {
        ConditionType type;
        bool assert;   /* Assert* rather than Condition* */
        bool trigger;  /* '|' prefix */
        bool negate;   /* '!' prefix */
        char *param;
        unsigned line;
} Condition;

/* Exec line prefixes (systemd.service(5), "Command lines"). */
typedef enum ExecFlags {
        EXEC_IGNORE_FAILURE = 1 << 0, /* '-' */
        EXEC_ARGV0 = 1 << 1,          /* '@': argv[0] is the second word */
        EXEC_FULL_PRIVILEGES = 1 << 2, /* '+' */
        EXEC_NO_SETUID = 1 << 3,      /* '!' (and '!!') */
        EXEC_NO_ENV_EXPAND = 1 << 4,  /* ':' */
} ExecFlags;

typedef struct ExecCommand {
        char *path;   /* the program; absolute, or a bare name searched in PATH at spawn */
        char **argv;  /* argv as passed to execve(); argv[0] honours '@' */
        ExecFlags flags;
        unsigned line; /* for diagnostics */
} ExecCommand;

typedef struct ExecCommandList {
        ExecCommand *items;
        size_t n;
} ExecCommandList;

typedef enum ExecStdioType {
        EXEC_STDIO_DEFAULT, /* unset: inherit for stderr->stdout, journal for stdout, null for stdin */
        EXEC_STDIO_NULL,
        EXEC_STDIO_INHERIT,
        EXEC_STDIO_TTY,
        EXEC_STDIO_JOURNAL,
        EXEC_STDIO_KMSG,
        EXEC_STDIO_JOURNAL_CONSOLE,
        EXEC_STDIO_SOCKET,
        EXEC_STDIO_FILE,     /* file:PATH   (open read/write, no truncate) */
        EXEC_STDIO_APPEND,   /* append:PATH */
        EXEC_STDIO_TRUNCATE, /* truncate:PATH */
        _EXEC_STDIO_MAX,
} ExecStdioType;

typedef struct ExecStdio {
        ExecStdioType type;
        char *path; /* for FILE, APPEND, TRUNCATE */
} ExecStdio;

typedef enum ExecDirectoryType {
        EXEC_DIRECTORY_RUNTIME,
        EXEC_DIRECTORY_STATE,
        EXEC_DIRECTORY_CACHE,
        EXEC_DIRECTORY_LOGS,
        EXEC_DIRECTORY_CONFIGURATION,
        _EXEC_DIRECTORY_MAX,
} ExecDirectoryType;

typedef struct ExecSettings {
        char *user;                  /* NULL: the manager's user */
        char *group;
        char **supplementary_groups;
        bool dynamic_user;
        char *working_directory;     /* "~" means the user's home */
        bool working_directory_missing_ok; /* '-' prefix */
        char *root_directory;
        mode_t umask;                /* default 0022 */
        bool nice_set;
        int nice;
        char **environment;          /* "KEY=VALUE", later entries win */
        char **environment_files;    /* paths; a leading '-' means missing is fine */
        char **pass_environment;
        char **unset_environment;    /* "KEY" or "KEY=VALUE" */
        ExecStdio std_input, std_output, std_error;
        bool rlimit_set[RLIM_NLIMITS];
        struct rlimit rlimit[RLIM_NLIMITS];
        char *syslog_identifier;
        int syslog_facility;         /* LOG_DAEMON >> 3 by default, as facility number 0..23 */
        int syslog_level;            /* LOG_INFO by default */
        bool syslog_level_prefix;    /* default true */
        bool no_new_privileges;
        bool ignore_sigpipe;         /* default true */
        bool oom_score_adjust_set;
        int oom_score_adjust;
        char **directories[_EXEC_DIRECTORY_MAX];
        mode_t directory_mode[_EXEC_DIRECTORY_MAX]; /* default 0755 */
        bool runtime_directory_preserve;
        bool runtime_directory_preserve_restart; /* RuntimeDirectoryPreserve=restart */
        char **unenforced;           /* sandboxing keys accepted but not enforced, by key name */
} ExecSettings;

typedef enum KillMode {
        KILL_CONTROL_GROUP,
        KILL_MIXED,
        KILL_PROCESS,
        KILL_NONE,
        _KILL_MODE_MAX,
        _KILL_MODE_INVALID = -EINVAL,
} KillMode;

typedef struct KillSettings {
        KillMode kill_mode;          /* default KILL_CONTROL_GROUP */
        int kill_signal;             /* default SIGTERM */
        int restart_kill_signal;     /* 0: same as kill_signal */
        int final_kill_signal;       /* default SIGKILL */
        bool send_sigkill;           /* default true */
        bool send_sighup;            /* default false */
} KillSettings;

typedef enum ServiceType {
        SERVICE_SIMPLE,
        SERVICE_EXEC,
        SERVICE_FORKING,
        SERVICE_ONESHOT,
        SERVICE_NOTIFY,
        SERVICE_IDLE,
        _SERVICE_TYPE_MAX,
        _SERVICE_TYPE_INVALID = -EINVAL,
} ServiceType;

typedef enum ServiceRestart {
        SERVICE_RESTART_NO,
        SERVICE_RESTART_ON_SUCCESS,
        SERVICE_RESTART_ON_FAILURE,
        SERVICE_RESTART_ON_ABNORMAL,
        SERVICE_RESTART_ON_WATCHDOG,
        SERVICE_RESTART_ON_ABORT,
        SERVICE_RESTART_ALWAYS,
        _SERVICE_RESTART_MAX,
        _SERVICE_RESTART_INVALID = -EINVAL,
} ServiceRestart;

typedef enum ServiceExecCommand {
        SERVICE_EXEC_CONDITION,
        SERVICE_EXEC_START_PRE,
        SERVICE_EXEC_START,
        SERVICE_EXEC_START_POST,
        SERVICE_EXEC_RELOAD,
        SERVICE_EXEC_STOP,
        SERVICE_EXEC_STOP_POST,
        _SERVICE_EXEC_COMMAND_MAX,
} ServiceExecCommand;

const char *service_exec_command_to_string(ServiceExecCommand c); /* "ExecStartPre" */

typedef enum NotifyAccess {
        NOTIFY_NONE,
        NOTIFY_MAIN,
        NOTIFY_EXEC,
        NOTIFY_ALL,
        _NOTIFY_ACCESS_MAX,
        _NOTIFY_ACCESS_INVALID = -EINVAL,
} NotifyAccess;

/* Exit statuses 0..255 and signals 1..64 given to SuccessExitStatus= etc. */
typedef struct ExitStatusSet {
        uint8_t status[256 / 8];
        uint8_t signal[65 / 8 + 1];
} ExitStatusSet;

static inline bool exit_status_set_has_status(const ExitStatusSet *s, int st) {
        return st >= 0 && st < 256 && (s->status[st / 8] >> (st % 8)) & 1;
}
static inline bool exit_status_set_has_signal(const ExitStatusSet *s, int sig) {
        return sig > 0 && sig <= 64 && (s->signal[sig / 8] >> (sig % 8)) & 1;
}

typedef struct ServiceSettings {
        ServiceType type;            /* default SIMPLE; NOTIFY if unset and... no: SIMPLE (or ONESHOT if no ExecStart=, as systemd) */
        bool type_set;
        bool remain_after_exit;
        bool guess_main_pid;         /* default true */
        char *pid_file;
        ExecCommandList exec[_SERVICE_EXEC_COMMAND_MAX];
        ServiceRestart restart;
        usec_t restart_usec;         /* USEC_INFINITY: unset, the manager default applies */
        unsigned restart_steps;
        usec_t restart_max_delay;    /* USEC_INFINITY: unset */
        ExitStatusSet success_status, restart_prevent_status, restart_force_status;
        usec_t timeout_start;        /* 0 unset -> manager default; USEC_INFINITY: no timeout. */
        usec_t timeout_stop;         /* same convention */
        bool timeout_start_set, timeout_stop_set;
        usec_t runtime_max;          /* USEC_INFINITY: none */
        usec_t watchdog;             /* 0: none */
        NotifyAccess notify_access;
        bool notify_access_set;
        char **sockets;
        int tasks_max;               /* -1: unset */
        bool ioscheduling_set, cpuscheduling_set;
        int io_class, io_priority, cpu_policy, cpu_priority;
} ServiceSettings;

typedef enum SocketListenType {
        SOCKET_LISTEN_STREAM,
        SOCKET_LISTEN_DATAGRAM,
        SOCKET_LISTEN_SEQPACKET,
        SOCKET_LISTEN_FIFO,
        _SOCKET_LISTEN_TYPE_MAX,
} SocketListenType;

typedef struct SocketListen {
        SocketListenType type;
        char *address;               /* as written (validated): "80", "[::1]:80", "/run/x", "@x" */
        unsigned line;
} SocketListen;

typedef enum SocketBindIPv6Only {
        SOCKET_BIND_DEFAULT,         /* the kernel's default (dual-stack on Linux) */
        SOCKET_BIND_BOTH,
        SOCKET_BIND_IPV6_ONLY,
} SocketBindIPv6Only;

/* superd's Builtin= (SPEC 5): answered inside the manager. */
typedef enum SocketBuiltin {
        SOCKET_BUILTIN_NONE,
        SOCKET_BUILTIN_ECHO,
        SOCKET_BUILTIN_DISCARD,
        SOCKET_BUILTIN_DAYTIME,
        SOCKET_BUILTIN_TIME,
        SOCKET_BUILTIN_CHARGEN,
        SOCKET_BUILTIN_PROXY,
        _SOCKET_BUILTIN_MAX,
        _SOCKET_BUILTIN_INVALID = -EINVAL,
} SocketBuiltin;

const char *socket_builtin_to_string(SocketBuiltin b);
SocketBuiltin socket_builtin_from_string(const char *s);

typedef enum SocketExecCommand {
        SOCKET_EXEC_START_PRE,
        SOCKET_EXEC_START_POST,
        SOCKET_EXEC_STOP_PRE,
        SOCKET_EXEC_STOP_POST,
        _SOCKET_EXEC_COMMAND_MAX,
} SocketExecCommand;

typedef struct SocketSettings {
        SocketListen *listen;
        size_t n_listen;
        bool accept;
        SocketBindIPv6Only bind_ipv6_only;
        unsigned backlog;            /* default SOMAXCONN */
        unsigned max_connections;    /* default 64 */
        unsigned max_connections_per_source; /* 0: unset, MaxConnections= applies */
        char *socket_user, *socket_group;
        mode_t socket_mode;          /* default 0666 */
        mode_t directory_mode;       /* default 0755 */
        bool reuse_port, free_bind, transparent, keep_alive, no_delay, broadcast;
        bool pass_credentials, pass_security, remove_on_stop;
        int timestamping;            /* 0 off, 1 us, 2 ns */
        uint64_t receive_buffer, send_buffer; /* 0: unset */
        char *service;               /* Service=, NULL: the socket's own name */
        char *fd_name;               /* FileDescriptorName=, NULL: the unit name */
        char **symlinks;
        usec_t trigger_limit_interval; /* USEC_INFINITY: unset (2 s) */
        unsigned trigger_limit_burst;  /* UINT_MAX: unset (20, or 200 with Accept=yes) */
        char **ip_allow, **ip_deny;  /* access-list words, validated */
        SocketBuiltin builtin;
        char *proxy_to;              /* "HOST:PORT", numeric */
        char *banner_file, *refused_banner_file;
        usec_t timeout;              /* TimeoutSec= of the control processes; 0 unset */
        ExecCommandList exec[_SOCKET_EXEC_COMMAND_MAX];
} SocketSettings;

typedef struct InstallSettings {
        char **wanted_by;
        char **required_by;
        char **alias;
        char **also;
        char *default_instance;
} InstallSettings;

typedef struct UnitSettings {
        char *description;
        char **documentation;
        char **deps[_UNIT_DEPENDENCY_MAX]; /* unit names, specifiers resolved, suffix completed */
        bool stop_when_unneeded;
        bool default_dependencies;   /* default true */
        bool refuse_manual_start, refuse_manual_stop;
        Condition *conditions;
        size_t n_conditions;
        usec_t start_limit_interval; /* USEC_INFINITY: unset, default 10s */
        unsigned start_limit_burst;  /* 0: unset, default 5 */
        UnitAction start_limit_action, failure_action, success_action;
        int failure_action_exit_status, success_action_exit_status; /* -1 unset */
        usec_t job_timeout;          /* USEC_INFINITY: none */
        InstallSettings install;
        ExecSettings exec;           /* services and sockets */
        KillSettings kill;
        ServiceSettings service;
        SocketSettings socket;
        /* [Timer], [Path] come with their issues. */
} UnitSettings;

typedef struct UnitFile {
        char *name;            /* the name asked for, completed: "foo@bar.service" */
        char *id;              /* the name the file defines (after alias resolution) */
        UnitType type;
        char *instance;        /* "bar" for foo@bar.service, else NULL */
        char *fragment_path;   /* the main file, NULL if none */
        char **dropin_paths;   /* in the order applied */
        char **aliases;        /* other names found pointing at this unit */
        UnitLoadState load_state;
        char *load_error;      /* one line for status when not LOADED */
        UnitSettings s;
        Diag diag;             /* every problem, "path:line: message" */
        unsigned n_assignments; /* parsing bookkeeping: assignments read so far (bounded) */
} UnitFile;

UnitFile *unit_file_free(UnitFile *u);
static inline void unit_file_freep(UnitFile **u) {
        unit_file_free(*u);
}

/* Names as systemd prints them ("simple", "on-failure", "control-group",
 * "main", "exit-force", "journal+console", "ConditionPathExists"); the
 * from_string functions return the _INVALID value (-EINVAL) when unknown. */
const char *service_type_to_string(ServiceType t);
ServiceType service_type_from_string(const char *s);
const char *service_restart_to_string(ServiceRestart r);
ServiceRestart service_restart_from_string(const char *s);
const char *kill_mode_to_string(KillMode m);
KillMode kill_mode_from_string(const char *s);
const char *notify_access_to_string(NotifyAccess n);
NotifyAccess notify_access_from_string(const char *s);
const char *unit_action_to_string(UnitAction a);
UnitAction unit_action_from_string(const char *s);
const char *exec_stdio_type_to_string(ExecStdioType t);
const char *condition_type_to_string(ConditionType t, bool assert); /* "ConditionPathExists" / "AssertPathExists" */
UnitLoadState unit_load_state_from_string(const char *s);
