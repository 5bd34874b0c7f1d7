/* execute.c — from a unit's ExecSettings and one ExecCommand to ExecParams:
 * environment, argv expansion, stdio, limits, credentials. The fork itself
 * and everything the child does live in src/exec. */
#include "execute.h"

#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-unit.h"
#include "exec-dirs.h"
#include "journal/journal.h"
#include "lib/log.h"
#include "lib/strv.h"
#include "manager.h"
#include "mounts.h"
#include "notify.h"
#include "output.h"
#include "socket.h"

static const char *exit_status_name(int status) {
        for (ExecStep s = EXEC_STEP_NONE + 1; s < _EXEC_STEP_MAX; s++)
                if (exec_step_exit_status(s) == status)
                        return exec_step_to_string(s);
        return NULL;
}

void unit_log_exec_failure_record(Unit *u, const ExecCommand *cmd, const ExecFailure *f) {
        log_unit_error(u->name, "Failed at step %s spawning %s: %s", exec_step_to_string(f->step),
                       cmd ? cmd->path : "?", strerror(f->error));
}

bool unit_log_exec_failure(Unit *u, const ExecCommand *cmd, int report_fd) {
        ExecFailure f;
        if (report_fd < 0 || exec_read_report(report_fd, &f) != 1)
                return false;
        unit_log_exec_failure_record(u, cmd, &f);
        return true;
}

void unit_file_note_unenforced(UnitFile *f, bool tasks_max_enforced) {
        if (tasks_max_enforced || f->load_state != UNIT_LOADED || f->type != UNIT_SERVICE || f->s.service.tasks_max < 0 ||
            f->s.service.tasks_max == INT_MAX ||
            strv_contains(f->s.exec.unenforced, "TasksMax"))
                return;
        if (strv_extend(&f->s.exec.unenforced, "TasksMax") < 0)
                return;
        diag_add(&f->diag, DIAG_WARNING, f->fragment_path ? f->fragment_path : f->name, 0,
                 "TasksMax=%d is not enforced: the cgroup v2 pids controller is not available to superd, "
                 "ignoring.", f->s.service.tasks_max);
}

const char *unit_exit_status_name(int status) {
        return exit_status_name(status);
}

/* The main process of a service with a watchdog gets WATCHDOG_USEC/_PID. */
static bool spawn_has_watchdog(Unit *u, SpawnFlags flags) {
        usec_t w = u->type == UNIT_SERVICE ? service_watchdog_usec(u) : 0;
        return (flags & SPAWN_MAIN) && w > 0 && w != USEC_INFINITY;
}

/* The variables every process gets before the unit's own (SPEC 6). */
static char **spawn_base_environment(Unit *u, bool as_user, SpawnFlags flags, pid_t main_pid) {
        const ExecSettings *es = &unit_settings(u)->exec;
        Manager *m = u->manager;
        char **env = NULL;
        char buf[4096];
        (void) strv_extend(&env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        if (m->config.lang) {
                snprintf(buf, sizeof buf, "LANG=%s", m->config.lang);
                (void) strv_extend(&env, buf);
        }
        if (u->invocation_id) {
                snprintf(buf, sizeof buf, "INVOCATION_ID=%s", u->invocation_id);
                (void) strv_extend(&env, buf);
        }
        if ((flags & SPAWN_SET_MAINPID) && main_pid > 0) {
                snprintf(buf, sizeof buf, "MAINPID=%d", (int) main_pid);
                (void) strv_extend(&env, buf);
        }
        if (m->notify) {
                snprintf(buf, sizeof buf, "NOTIFY_SOCKET=%s", m->notify->path);
                (void) strv_extend(&env, buf);
        }
        if (spawn_has_watchdog(u, flags)) {
                snprintf(buf, sizeof buf, "WATCHDOG_USEC=%llu", (unsigned long long) service_watchdog_usec(u));
                (void) strv_extend(&env, buf);
                /* Room for the pid, which the child fills in (ExecParams.set_watchdog_pid). */
                (void) strv_extend(&env, "WATCHDOG_PID=0000000000");
        }
        const char *user = as_user ? es->user : NULL;
        if (!user && m->scope == MANAGER_USER)
                user = getenv("USER");
        struct passwd *pw = user ? getpwnam(user) : NULL;
        if (!pw && user && user[0] >= '0' && user[0] <= '9')
                pw = getpwuid((uid_t) strtoul(user, NULL, 10));
        if (pw) {
                const char *vars[][2] = { { "USER", pw->pw_name }, { "LOGNAME", pw->pw_name },
                                          { "HOME", pw->pw_dir }, { "SHELL", pw->pw_shell } };
                for (size_t i = 0; i < ELEMENTSOF(vars); i++) {
                        snprintf(buf, sizeof buf, "%s=%s", vars[i][0], vars[i][1]);
                        (void) strv_extend(&env, buf);
                }
        }
        (void) exec_dirs_environment(u, &env);
        return env;
}

static int open_stdio_file(const ExecStdio *s, bool input) {
        int flags = O_CLOEXEC | O_NOCTTY;
        if (input)
                flags |= O_RDONLY;
        else
                flags |= O_WRONLY | O_CREAT | (s->type == EXEC_STDIO_APPEND ? O_APPEND : 0) |
                         (s->type == EXEC_STDIO_TRUNCATE ? O_TRUNC : 0);
        int fd = open(s->path, flags, 0644);
        return fd < 0 ? negative_errno() : fd;
}

static bool stdio_is_file(ExecStdioType t) {
        return t == EXEC_STDIO_FILE || t == EXEC_STDIO_APPEND || t == EXEC_STDIO_TRUNCATE;
}

typedef struct SpawnStdio {
        int fd[3];        /* what goes to 0, 1, 2; -1 = /dev/null */
        int owned[5];     /* fds we opened and close after the fork */
        int journal_read; /* read end of the journal pipe, or -1 */
        int journal_err_read; /* stderr's own journal pipe when both go there, or -1 */
        bool journal_is_stderr; /* only stderr goes to the journal (journal_read) */
} SpawnStdio;

static int spawn_stdout_fd(const ExecStdio *s, SpawnStdio *io, int *journal_write) {
        if (s->type == EXEC_STDIO_NULL)
                return -1;
        if (s->type == EXEC_STDIO_INHERIT)
                return STDOUT_FILENO;
        if (stdio_is_file(s->type))
                return open_stdio_file(s, false);
        if (*journal_write < 0) {
                int p[2];
                if (pipe2(p, O_CLOEXEC) < 0)
                        return negative_errno();
                io->journal_read = p[0];
                *journal_write = p[1];
        }
        return *journal_write;
}

static void spawn_stdio_done(SpawnStdio *io) {
        for (size_t i = 0; i < ELEMENTSOF(io->owned); i++)
                io->owned[i] = safe_close(io->owned[i]);
        io->journal_read = safe_close(io->journal_read);
        io->journal_err_read = safe_close(io->journal_err_read);
}

/* conn_fd >= 0: the connection of an Accept=yes instance, stdin by default
 * (StandardInput=socket) and then stdout/stderr too (inherit), as systemd. */
static int spawn_stdio_setup(const ExecSettings *es, SpawnFlags flags, int conn_fd, SpawnStdio *io) {
        int journal_write = -1, r;
        *io = (SpawnStdio) { .fd = { -1, -1, -1 }, .owned = { -1, -1, -1, -1, -1 }, .journal_read = -1,
                             .journal_err_read = -1 };
        if ((flags & SPAWN_MAIN) && conn_fd >= 0 &&
            (es->std_input.type == EXEC_STDIO_DEFAULT || es->std_input.type == EXEC_STDIO_SOCKET)) {
                ExecStdioType o = es->std_output.type, e = es->std_error.type;
                io->fd[0] = conn_fd;
                if (o == EXEC_STDIO_DEFAULT || o == EXEC_STDIO_INHERIT || o == EXEC_STDIO_SOCKET) {
                        io->fd[1] = conn_fd;
                        if (e == EXEC_STDIO_DEFAULT || e == EXEC_STDIO_INHERIT || e == EXEC_STDIO_SOCKET) {
                                io->fd[2] = conn_fd;
                                return 0;
                        }
                }
        }
        if ((flags & SPAWN_MAIN) && es->std_input.type == EXEC_STDIO_FILE) {
                r = open_stdio_file(&es->std_input, true);
                if (r < 0)
                        return r;
                io->fd[0] = io->owned[0] = r;
        }
        if (io->fd[1] == conn_fd && conn_fd >= 0)
                r = conn_fd;
        else if ((r = spawn_stdout_fd(&es->std_output, io, &journal_write)) < -1)
                return r;
        io->fd[1] = r;
        if (r >= 0 && r != STDOUT_FILENO && r != journal_write && r != conn_fd)
                io->owned[1] = r;
        bool err_same = es->std_error.type == EXEC_STDIO_DEFAULT || es->std_error.type == EXEC_STDIO_INHERIT;
        if (journal_write >= 0 && io->fd[1] == journal_write &&
            (err_same || es->std_error.type == EXEC_STDIO_JOURNAL || es->std_error.type == EXEC_STDIO_KMSG ||
             es->std_error.type == EXEC_STDIO_JOURNAL_CONSOLE || es->std_error.type == EXEC_STDIO_TTY)) {
                /* Both to the journal: stderr gets its own pipe, so its lines are _STREAM=stderr. */
                int p[2];
                if (pipe2(p, O_CLOEXEC) < 0) {
                        io->owned[3] = journal_write;
                        return negative_errno();
                }
                io->journal_err_read = p[0];
                io->fd[2] = io->owned[4] = p[1];
        } else if (err_same)
                io->fd[2] = io->fd[1];
        else {
                r = spawn_stdout_fd(&es->std_error, io, &journal_write);
                if (r < -1)
                        return r;
                io->fd[2] = r == STDOUT_FILENO ? STDERR_FILENO : r;
                io->journal_is_stderr = r >= 0 && r == journal_write && io->fd[1] != journal_write;
                if (r >= 0 && r != STDOUT_FILENO && r != journal_write)
                        io->owned[2] = r;
        }
        io->owned[3] = journal_write;
        return 0;
}

static const char *program_ident(const UnitSettings *st, const ExecCommand *cmd) {
        if (st->exec.syslog_identifier)
                return st->exec.syslog_identifier;
        const char *p = cmd->argv && cmd->argv[0] ? cmd->argv[0] : cmd->path;
        const char *slash = strrchr(p, '/');
        return slash ? slash + 1 : p;
}

static int spawn_environment(Unit *u, const ExecCommand *cmd, SpawnFlags flags, pid_t main_pid,
                             char ***ret_env, char ***ret_argv) {
        const ExecSettings *es = &unit_settings(u)->exec;
        bool as_user = !(cmd->flags & (EXEC_FULL_PRIVILEGES | EXEC_NO_SETUID));
        _cleanup_strv_free_ char **base = spawn_base_environment(u, as_user, flags, main_pid);
        _cleanup_free_ char *bad_file = NULL;
        char **env = NULL, **argv = NULL;
        int r = exec_build_environment(base, u->manager->environ, es->pass_environment, es->environment_files,
                                       es->environment, es->unset_environment, &env, &bad_file);
        if (r < 0)
                return log_unit_error_errno(u->name, r, "Failed to load environment file '%s': %m",
                                            bad_file ? bad_file : "?");
        if (cmd->flags & EXEC_NO_ENV_EXPAND)
                argv = strv_copy(cmd->argv);
        else if (exec_expand_argv(cmd->argv, env, &argv) < 0)
                argv = NULL;
        if (!argv) {
                strv_free(env);
                return log_unit_error_errno(u->name, -ENOMEM, "Failed to prepare command line: %m");
        }
        *ret_env = env;
        *ret_argv = argv;
        return 0;
}

static void spawn_fill_params(Unit *u, const ExecCommand *cmd, const SpawnStdio *io, ExecParams *p,
                              bool *rl_set, struct rlimit *rl) {
        const ExecSettings *es = &unit_settings(u)->exec;
        const ServiceSettings *ss = &unit_settings(u)->service;
        const ManagerConfig *c = &u->manager->config;
        bool as_user = !(cmd->flags & (EXEC_FULL_PRIVILEGES | EXEC_NO_SETUID));
        memcpy(rl_set, es->rlimit_set, sizeof(bool) * RLIM_NLIMITS);
        memcpy(rl, es->rlimit, sizeof(struct rlimit) * RLIM_NLIMITS);
        if (!rl_set[RLIMIT_NOFILE]) {
                rl_set[RLIMIT_NOFILE] = c->default_limit_nofile_set || u->manager->saved_nofile.rlim_max > 0;
                rl[RLIMIT_NOFILE] = c->default_limit_nofile_set ? c->default_limit_nofile : u->manager->saved_nofile;
        }
        p->path = cmd->path;
        p->user = as_user ? es->user : NULL;
        p->group = as_user ? es->group : NULL;
        p->supplementary_groups = as_user ? es->supplementary_groups : NULL;
        p->root_directory = (cmd->flags & EXEC_FULL_PRIVILEGES) ? NULL : es->root_directory;
        p->working_directory = es->working_directory;
        p->working_directory_missing_ok = es->working_directory_missing_ok;
        p->umask = es->umask;
        p->nice_set = es->nice_set;
        p->nice = es->nice;
        p->oom_score_adjust_set = es->oom_score_adjust_set;
        p->oom_score_adjust = es->oom_score_adjust;
        p->io_scheduling_set = ss->ioscheduling_set;
        p->io_class = ss->io_class;
        p->io_priority = ss->io_priority;
        p->cpu_scheduling_set = ss->cpuscheduling_set;
        p->cpu_policy = ss->cpu_policy;
        p->cpu_priority = ss->cpu_priority;
        p->rlimit_set = rl_set;
        p->rlimit = rl;
        p->stdin_fd = io->fd[0];
        p->stdout_fd = io->fd[1];
        p->stderr_fd = io->fd[2];
        p->ignore_sigpipe = es->ignore_sigpipe;
        p->signals_default = true; /* main() reset them; only SIGPIPE changes later */
        p->no_new_privileges = es->no_new_privileges;
        p->new_session = true;
}

/* Whether path is local as the child sees it after chroot(root) (root
 * NULL: none). */
static bool spawn_path_is_local(Manager *m, const char *root, const char *path) {
        char buf[PATH_MAX];
        if (!root)
                return manager_path_is_local(m, path);
        int n = snprintf(buf, sizeof buf, "%s/%s", root, path);
        return n > 0 && (size_t) n < sizeof buf && manager_path_is_local(m, buf);
}

/* Whether every path the child touches before execve() is on a local
 * filesystem, so it may share our memory (ExecParams.share_memory_ok): we
 * are suspended until it execs, and a hung NFS or FUSE mount would hang us
 * with it. A name searched in PATH or a home directory could be anywhere. */
static bool spawn_paths_are_local(Manager *m, const ExecParams *p) {
        const char *root = p->root_directory, *wd = p->working_directory;
        if (!p->path || p->path[0] != '/' || (root && root[0] != '/') || (wd && wd[0] != '/'))
                return false;
        manager_mounts_refresh(m);
        return (!root || manager_path_is_local(m, root)) && (!wd || spawn_path_is_local(m, root, wd)) &&
               spawn_path_is_local(m, root, p->path);
}

/* The uid the process runs as, for its journal entries. */
static uid_t spawn_uid(const char *user) {
        if (!user)
                return getuid();
        char *end;
        errno = 0;
        unsigned long n = strtoul(user, &end, 10);
        if (!errno && end != user && !*end && n < UINT32_MAX)
                return (uid_t) n;
        struct passwd *pw = getpwnam(user);
        return pw ? pw->pw_uid : (uid_t) JOURNAL_UID_UNKNOWN;
}

int unit_spawn(Unit *u, const ExecCommand *cmd, SpawnFlags flags, pid_t main_pid, PidRef *ret_pid,
               int *ret_report_fd) {
        const UnitSettings *st = unit_settings(u);
        _cleanup_strv_free_ char **env = NULL, **argv = NULL;
        SpawnStdio io;
        bool rl_set[RLIM_NLIMITS];
        struct rlimit rl[RLIM_NLIMITS];
        int r = spawn_environment(u, cmd, flags, main_pid, &env, &argv);
        if (r < 0)
                return r;
        _cleanup_(socket_spawn_extras_done) SocketSpawnExtras sx = { .conn_fd = -1 };
        if ((flags & SPAWN_MAIN) && u->type == UNIT_SERVICE && socket_spawn_extras(u, &sx) >= 0 && sx.env &&
            strv_extend_strv(&env, sx.env) < 0)
                return log_unit_error_errno(u->name, -ENOMEM, "Failed to prepare environment: %m");
        r = spawn_stdio_setup(&st->exec, flags, sx.conn_fd, &io);
        if (r < 0) {
                spawn_stdio_done(&io);
                return log_unit_error_errno(u->name, r, "Failed to set up standard output: %m");
        }
        ExecParams p = {};
        spawn_fill_params(u, cmd, &io, &p, rl_set, rl);
        p.pass_fds = sx.fds;
        p.n_pass_fds = sx.n_fds;
        p.set_listen_pid = sx.n_fds > 0;
        p.argv = argv;
        p.envp = env;
        p.set_watchdog_pid = spawn_has_watchdog(u, flags);
        p.share_memory_ok = spawn_paths_are_local(u->manager, &p);
        int cgroup_fd = u->type == UNIT_SERVICE ? service_cgroup_prepare(u) : -1; /* the service's */
        if (cgroup_fd < -1) {
                spawn_stdio_done(&io);
                return cgroup_fd;
        }
        p.cgroup_fd = cgroup_fd;
        p.cgroup_set = cgroup_fd >= 0;
        pid_t pid;
        int report, pidfd;
        r = exec_spawn_pidfd(&p, &pid, &pidfd, &report);
        if (r < 0) {
                spawn_stdio_done(&io);
                return log_unit_error_errno(u->name, r, "Failed to fork: %m");
        }
        OutputStreamParams op = {
                .unit = u->name, .ident = program_ident(st, cmd), .pid = pid, .uid = spawn_uid(p.user),
                .level = st->exec.syslog_level, .facility = st->exec.syslog_facility,
                .stream = io.journal_is_stderr ? JOURNAL_STREAM_STDERR : JOURNAL_STREAM_STDOUT,
                .level_prefix = st->exec.syslog_level_prefix,
        };
        if (io.journal_read >= 0)
                (void) output_stream_new(u->manager, &op, TAKE_FD(io.journal_read));
        if (io.journal_err_read >= 0) {
                op.stream = JOURNAL_STREAM_STDERR;
                (void) output_stream_new(u->manager, &op, TAKE_FD(io.journal_err_read));
        }
        spawn_stdio_done(&io);
        safe_close(pidfd);
        pidref_set_child(ret_pid, pid);
        if (u->type == UNIT_SERVICE)
                service_cgroup_spawned(u);
        *ret_report_fd = report;
        log_unit_debug(u->name, "Started %s as process %d.", cmd->path, (int) pid);
        return 0;
}
