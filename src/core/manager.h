/* manager.h — the manager: every unit, the event loop, the control server
 * and the instance's paths and defaults. One Manager per superd process,
 * passed explicitly; nothing else is global.
 *
 * Ownership: the Manager owns the Loop, every Unit (units map), the control
 * server and the output streams of services. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "lib/hashmap.h"
#include "journal-glue.h"
#include "lib/loop.h"
#include "unit.h"
#include "unit/unit-load.h"

typedef struct ControlServer ControlServer;
typedef struct OutputStream OutputStream;
typedef struct NotifySocket NotifySocket;
typedef struct CgroupSlot CgroupSlot;

typedef struct ManagerConfig {
        char *default_target;
        usec_t default_restart_usec;
        usec_t default_timeout_start;
        usec_t default_timeout_stop;
        usec_t default_start_limit_interval;
        unsigned default_start_limit_burst;
        bool default_limit_nofile_set;
        struct rlimit default_limit_nofile;
        int log_level;
        mode_t umask;
        char *lang;
        char **unit_path;         /* UnitPath= as given, NULL: default */
        bool unit_path_append;    /* trailing ':' */
        JournalConfig journal;    /* [Journal] */
} ManagerConfig;

typedef enum ManagerScope {
        MANAGER_SYSTEM,
        MANAGER_USER,
} ManagerScope;

typedef struct ManagerOptions {
        ManagerScope scope;
        const char *root;         /* --root DIR or NULL */
        bool foreground;
        bool pid1;
        char **argv;              /* argv of main(), for daemon-reexec */
        int deserialize_fd;       /* --deserialize=FD (internal, daemon-reexec); <= 0: none */
} ManagerOptions;

typedef struct Manager {
        Loop *loop;
        ManagerScope scope;
        bool pid1;
        bool foreground;
        char *root;               /* "" when none */
        uid_t owner_uid;          /* who may change things besides root */

        char *config_path;
        char *runtime_dir;        /* control socket, pid file, superd.log */
        char *control_path;
        char *pid_path;
        char *log_path;
        char *state_dir;
        char **search_path;
        char *dir_run, *dir_state, *dir_cache, *dir_logs, *dir_config; /* %t %S %C %L %E */
        UnitLoadContext load_ctx;
        UnitAliasMap *alias_map;  /* symlinks of the search path, read once per (re)load */
        UnitPathIndex *path_index; /* names in the search path; read anew when it changes */
        struct ManagerMounts *mounts; /* the mount table, watched (mounts.c); NULL: nothing is local */

        ManagerConfig config;
        Diag config_diag;
        char **environ;           /* superd's environment at start, for PassEnvironment= */
        struct rlimit saved_nofile; /* our NOFILE limit before raising it; services get this one back */

        Hashmap units;            /* name -> Unit */
        UnitRefs load_queue;      /* loaded units whose dependencies are not linked yet */
        bool loading;             /* the load queue is being dispatched */
        UnitRefs waiting;         /* units whose job waits for ordering (job.c) */
        UnitRefs *dispatching;    /* the list job_dispatch() is walking, or NULL */
        LoopSource *job_dispatch;
        ControlServer *control;
        NotifySocket *notify;     /* RUNTIME_DIR/notify (sd_notify), NULL if it could not be made */
        OutputStream *streams;    /* list, owned */
        ManagerJournal *journal;  /* journal-glue.c, NULL: Storage=none */
        LoopSource *sig_term, *sig_int, *sig_hup, *sig_usr1;

        char **socket_gc;         /* ended Accept=yes instances to free (socket.c) */
        LoopSource *socket_gc_defer;
        bool shutting_down;
        int exit_code;
        LoopSource *shutdown_check;

        /* Process tracking (cgroup-unit.h, manager-adopt.c, manager-serialize.c). */
        char *cgroup_root;        /* fs path of the instance cgroup; NULL: no cgroup v2 tracking */
        char *cgroup_rel;         /* the same, relative to the cgroup2 mount ("/superd-...") */
        bool cgroup_pids;         /* the pids controller is enabled below cgroup_root */
        char *builtin_scratch;    /* what built-ins read goes here first (builtin.c) */
        CgroupSlot *cgroup_pool;  /* empty "conn-N" cgroups kept for the next connection */
        size_t n_cgroup_pool;
        unsigned cgroup_pool_next; /* N of the next "conn-N" to make */
        char *units_state_dir;    /* RUNTIME_DIR/units: one state record per service */
        char **units_state_dirty; /* names whose record is written at the end of the iteration */
        LoopSource *units_state_post;
        LoopSource *leftover_timer; /* SIGKILL for leftovers of units that are gone */
        struct LeftoverProcess *leftovers;
        char *exe_path;           /* our binary, for daemon-reexec */
        char **argv;              /* our arguments, for daemon-reexec */
        int pid_fd;               /* the locked pid file, kept across daemon-reexec; -1 */
        int deserialize_fd;       /* state from the superd we were exec'ed from; -1 */
        LoopSource *reexec_defer;
        LoopSource *final_sweep_timer; /* PID 1: SIGKILL for what the final SIGTERM left */
        bool final_sweep_killed;
} Manager;

int manager_new(const ManagerOptions *o, Manager **ret);
Manager *manager_free(Manager *m);

/* Resolves the instance's paths; no side effects. */
int manager_setup_paths(Manager *m, const ManagerOptions *o);
/* Replaces the unit search path from a UnitPath= style spec (NULL: default). */
int manager_build_search_path(Manager *m, const char *spec);
void manager_config_defaults(ManagerConfig *c);
/* Reads superd.conf (missing file = defaults). Problems go to config_diag. */
int manager_load_config(Manager *m);
/* Creates the runtime dir, the control socket and signal handlers; starts
 * the default target. */
int manager_startup(Manager *m);

/* Creates the runtime dir (before the pid file is taken). */
int manager_prepare_runtime_dir(Manager *m);

/* Reads the search path's names and aliases anew (start-up, reload, and
 * before a load once a search directory changed). */
void manager_refresh_search_index(Manager *m);
/* Before anything reads unit files through load_ctx: a search directory
 * that changed since the index was built makes it read anew. */
void manager_check_search_index(Manager *m);

/* Finds or loads a unit by name (suffix completed). -EINVAL bad name, -ENOMEM. */
int manager_load_unit(Manager *m, const char *name, Unit **ret);
Unit *manager_get_unit(Manager *m, const char *name);
/* The service pid belongs to: its main or control process, or a process in
 * their session or process group (manager-pids.c). NULL: none. */
Unit *manager_unit_by_pid(Manager *m, pid_t pid);
/* daemon-reload / SIGHUP. */
int manager_reload(Manager *m);
/* Orderly stop of every unit, then loop_exit(code). */
void manager_begin_shutdown(Manager *m, int code);
/* Called whenever a unit settles, to finish a shutdown in progress. */
void manager_check_shutdown(Manager *m);

/* manager-adopt.c: the state record of a service in RUNTIME_DIR/units
 * (written on every change, removed once the service is down), and at
 * start-up the re-adoption of what a crashed superd left running. */
void manager_save_unit_state(Manager *m, Unit *u);
/* Writes the records marked by manager_save_unit_state() (which runs at
 * the end of each loop iteration; call it before leaving the loop). */
void manager_flush_unit_states(Manager *m);
void manager_adopt_leftovers(Manager *m);
void manager_leftovers_free(Manager *m);

/* manager-serialize.c: daemon-reexec. manager_schedule_reexec() runs the
 * exec after the current iteration (the client's answer goes out first);
 * if exec fails superd goes on. manager_deserialize() restores what the
 * previous superd wrote (called by manager_startup()). */
void manager_schedule_reexec(Manager *m);
int manager_deserialize(Manager *m);
/* The pid-file fd the previous superd kept locked, from the serialized
 * state on fd; -ENOENT if none. */
int manager_serialized_pid_fd(int fd);

/* PID 1: after every unit stopped, SIGTERM to all that is left, SIGKILL
 * after a timeout, then loop_exit(code). */
void manager_final_sweep(Manager *m, int code);
