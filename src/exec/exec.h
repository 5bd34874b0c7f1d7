/* exec.h — turning a fully resolved description of a process into a running
 * child (SPEC 6). One function forks; the child side (exec-child.c) does only
 * the steps below, in this order, and reports a failing step with its errno
 * over a close-on-exec pipe before _exit()ing with systemd's exit status for
 * that step (EXIT_EXEC 203, EXIT_USER 217, ...). EOF on the pipe without a
 * record means execve() succeeded.
 *
 * Child steps, in order:
 *   cgroup (join the service's cgroup first, so nothing forked escapes it)
 *   -> fds (stdin/stdout/stderr to 0-2, passed fds to 3.., close everything else)
 *   -> signals (defaults, SIGPIPE ignored if asked, mask cleared)
 *   -> setsid -> rlimits -> nice -> oom_score_adj -> ioprio -> scheduler -> umask
 *   -> user/group lookup (getpwnam/getgrnam, before chroot)
 *   -> chroot -> setgroups, setresgid, setresuid (+ check they cannot be regained)
 *   -> no_new_privs -> chdir (as the user) -> execve.
 */
#pragma once

#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

typedef enum ExecStep {
        EXEC_STEP_NONE,
        EXEC_STEP_FDS,         /* 201 EXIT_FDS? systemd: 205 is LIMITS; use table in exec.c */
        EXEC_STEP_STDIN,
        EXEC_STEP_STDOUT,
        EXEC_STEP_STDERR,
        EXEC_STEP_SIGNAL_MASK,
        EXEC_STEP_SETSID,
        EXEC_STEP_LIMITS,
        EXEC_STEP_NICE,
        EXEC_STEP_OOM_ADJUST,
        EXEC_STEP_IOPRIO,
        EXEC_STEP_SETSCHEDULER,
        EXEC_STEP_USER,
        EXEC_STEP_GROUP,
        EXEC_STEP_CHROOT,
        EXEC_STEP_NO_NEW_PRIVILEGES,
        EXEC_STEP_CHDIR,
        EXEC_STEP_EXEC,
        EXEC_STEP_CGROUP,
        _EXEC_STEP_MAX,
} ExecStep;

/* "EXEC", "USER", "CHDIR", ... as systemd prints them in
 * "Failed at step EXEC spawning /x: Permission denied". */
const char *exec_step_to_string(ExecStep s);
/* systemd's exit status for the step (203 for EXEC, 217 USER, 216 GROUP,
 * 200 CHDIR, 214 SETSID?, see systemd.exec(5) "Process Exit Codes"). */
int exec_step_exit_status(ExecStep s);

typedef struct ExecParams {
        const char *path;        /* absolute path, or a name searched in PATH from envp */
        char *const *argv;
        char *const *envp;
        /* Credentials: NULL user means "stay as we are". Looked up in the child. */
        const char *user;
        const char *group;       /* NULL: the user's primary group */
        char *const *supplementary_groups;
        const char *root_directory;       /* NULL: none */
        const char *working_directory;    /* NULL: "/" (or the root dir); "~": the user's home */
        bool working_directory_missing_ok;
        mode_t umask;
        bool nice_set;
        int nice;
        bool oom_score_adjust_set;
        int oom_score_adjust;
        bool io_scheduling_set;           /* IOSchedulingClass=/IOSchedulingPriority= */
        int io_class;                     /* 0 none, 1 realtime, 2 best-effort, 3 idle */
        int io_priority;                  /* 0..7 */
        bool cpu_scheduling_set;          /* CPUSchedulingPolicy=/CPUSchedulingPriority= */
        int cpu_policy;                   /* SCHED_OTHER, SCHED_FIFO, ... */
        int cpu_priority;                 /* 1..99 for fifo/rr, else ignored */
        bool cpu_reset_on_fork;
        const bool *rlimit_set;           /* [RLIM_NLIMITS] or NULL */
        const struct rlimit *rlimit;      /* [RLIM_NLIMITS] or NULL */
        int stdin_fd, stdout_fd, stderr_fd; /* -1: /dev/null */
        const int *pass_fds;              /* dup'ed to 3, 4, ... in order */
        size_t n_pass_fds;
        bool ignore_sigpipe;
        bool signals_default;             /* every disposition of ours is the default but SIGPIPE's
                                           * (exec_reset_signal_dispositions() at start): the child
                                           * resets only SIGPIPE and signals 32/33 */
        bool no_new_privileges;
        bool new_session;                 /* default behaviour: true */
        int cgroup_fd;                    /* the service's cgroup directory (O_CLOEXEC): the child is
                                           * born in it, or joins it first thing; -1 (or 0 from a
                                           * zeroed struct with cgroup_set false): none */
        bool cgroup_set;
        bool set_watchdog_pid;            /* the child writes its pid into envp's "WATCHDOG_PID=" entry,
                                           * which the caller pads with room for 10 digits */
        bool set_listen_pid;              /* the same for "LISTEN_PID=" (socket activation) */
        bool share_memory_ok;             /* the caller vouches that every path the child touches before
                                           * execve() (RootDirectory=, the working directory below it,
                                           * the program) is on a local filesystem: only then may it
                                           * share our memory, which suspends us until it execs (a hung
                                           * NFS or FUSE mount would hang us too); else it is forked */
} ExecParams;

typedef struct ExecFailure {
        ExecStep step;
        int error; /* positive errno */
} ExecFailure;

/* Forks and starts the child. On success returns 0, *ret_pid, and
 * *ret_report_fd: the read end (O_CLOEXEC|O_NONBLOCK) of the report pipe,
 * owned by the caller. */
/* Sets every signal disposition but SIGKILL/SIGSTOP/32/33 to the default,
 * as the manager does once at start (its parent may have left some
 * ignored), so children with ExecParams.signals_default reset only what
 * the manager changes afterwards (SIGPIPE). */
void exec_reset_signal_dispositions(void);

int exec_spawn(const ExecParams *p, pid_t *ret_pid, int *ret_report_fd);
/* The same, and a pidfd for the child in *ret_pidfd where the kernel made
 * one with it (else -1: open one yourself if you want one). */
int exec_spawn_pidfd(const ExecParams *p, pid_t *ret_pid, int *ret_pidfd, int *ret_report_fd);

/* Reads a failure record from a report fd. Returns 1 and fills *ret when the
 * child reported a failure, 0 on EOF (exec succeeded), -EAGAIN if the child
 * has not got that far yet, other -errno on error. */
int exec_read_report(int fd, ExecFailure *ret);

/* Builds the environment for a process (SPEC 6): base (PATH, LANG...,
 * USER, LOGNAME, HOME, SHELL, INVOCATION_ID...) then PassEnvironment from
 * manager_env, then Environment=, then EnvironmentFile contents (which
 * override Environment=, as systemd's do), then UnsetEnvironment= removals;
 * later assignments win. Returns a new strv in
 * *ret or -errno; *ret_bad_file names an EnvironmentFile that could not be
 * read (not "-"-prefixed), then returns -errno. */
int exec_build_environment(char *const *base,
                           char *const *manager_env,
                           char *const *pass_environment,
                           char *const *environment_files,
                           char *const *environment,
                           char *const *unset_environment,
                           char ***ret,
                           char **ret_bad_file);

/* Parses an EnvironmentFile's text (KEY=VALUE lines, # and ; comments,
 * quotes, backslash continuation, "export " prefix ignored) appending to *env. */
int exec_parse_environment_file(const char *data, size_t size, char ***env);

/* Expands $VAR and ${VAR} in each argv word from env (systemd's rules:
 * "$VAR" alone as a word splits on whitespace, "${VAR}" does not). */
int exec_expand_argv(char *const *argv, char *const *env, char ***ret);
