/* superd — the manager daemon. main() parses arguments and wires modules:
 * detach (unless -f or PID 1), lock the pid file, start the manager, run
 * the loop. */
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "check.h"
#include "core/manager.h"
#include "exec/exec.h"
#include "daemon.h"
#include "lib/log.h"

static bool arg_foreground;
static bool arg_user;
static bool arg_check;
static const char *arg_root;
static int arg_deserialize = -1;
static char arg_root_buf[PATH_MAX];

static void help(void) {
        printf("superd [OPTIONS...]\n\n"
               "Service manager: supervises services, read from systemd unit files.\n\n"
               "  -h --help        Show this help\n"
               "     --version     Show the version\n"
               "  -f --foreground  Do not detach; log to stderr too\n"
               "     --user        Run a user's instance\n"
               "     --system      Run the system instance (default)\n"
               "     --root DIR    Keep every path of the instance under DIR\n"
               "     --check       Load configuration and units, print problems, exit\n"
               "     --deserialize=FD  Internal: take over the state of the superd that\n"
               "                   exec'ed us (superctl daemon-reexec)\n");
}

static int parse_argv(int argc, char **argv) {
        enum { ARG_VERSION = 0x100, ARG_USER, ARG_SYSTEM, ARG_ROOT, ARG_CHECK, ARG_DESERIALIZE };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "foreground", no_argument, NULL, 'f' },
                { "user", no_argument, NULL, ARG_USER },
                { "system", no_argument, NULL, ARG_SYSTEM },
                { "root", required_argument, NULL, ARG_ROOT },
                { "check", no_argument, NULL, ARG_CHECK },
                { "deserialize", required_argument, NULL, ARG_DESERIALIZE },
                {}
        };
        int c;
        while ((c = getopt_long(argc, argv, "hf", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("superd %s\n", SUPERD_VERSION);
                        return 0;
                case 'f':
                        arg_foreground = true;
                        break;
                case ARG_USER:
                        arg_user = true;
                        break;
                case ARG_SYSTEM:
                        arg_user = false;
                        break;
                case ARG_ROOT:
                        /* Absolute, because the daemon changes to "/". */
                        if (!realpath(optarg, arg_root_buf)) {
                                fprintf(stderr, "superd: Failed to resolve root directory '%s': %m\n", optarg);
                                return -EINVAL;
                        }
                        arg_root = arg_root_buf;
                        break;
                case ARG_CHECK:
                        arg_check = true;
                        break;
                case ARG_DESERIALIZE:
                        arg_deserialize = atoi(optarg);
                        if (arg_deserialize < 3 || fcntl(arg_deserialize, F_GETFD) < 0) {
                                fprintf(stderr, "superd: bad --deserialize fd '%s'\n", optarg);
                                return -EINVAL;
                        }
                        (void) fcntl(arg_deserialize, F_SETFD, FD_CLOEXEC);
                        break;
                default:
                        return -EINVAL;
                }
        if (optind < argc) {
                fprintf(stderr, "superd: unexpected argument '%s'\n", argv[optind]);
                return -EINVAL;
        }
        return 1;
}

/* Under a supervisor that speaks systemd's readiness protocol. */
static void notify_parent_ready(void) {
        const char *path = getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof sa.sun_path)
                return;
        strcpy(sa.sun_path, path);
        if (path[0] == '@')
                sa.sun_path[0] = 0;
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return;
        (void) sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *) &sa,
                      (socklen_t) (offsetof(struct sockaddr_un, sun_path) + strlen(path)));
        close(fd);
        unsetenv("NOTIFY_SOCKET");
}

static int run(const ManagerOptions *o) {
        int ready_fd = -1, r;
        /* After daemon-reexec we are detached already (or -f). */
        if (!o->foreground && o->deserialize_fd <= 0) {
                /* Until ready, stderr is still the caller's: only problems go there. */
                log_set_stderr_level(LOG_WARNING);
                r = daemon_detach(-1, &ready_fd);
                if (r < 0)
                        return log_error_errno(r, "Failed to detach: %m");
        }
        Manager *m = NULL;
        r = manager_new(o, &m);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the manager: %m");
        r = manager_load_config(m);
        if (r >= 0)
                r = manager_prepare_runtime_dir(m);
        pid_t holder = 0;
        int pid_fd = r < 0                      ? r
                     : o->deserialize_fd > 0 ? manager_serialized_pid_fd(o->deserialize_fd)
                                              : pidfile_lock(m->pid_path, &holder);
        if (pid_fd == -ENOENT && o->deserialize_fd > 0)
                pid_fd = pidfile_lock(m->pid_path, &holder);
        if (pid_fd == -EBUSY)
                r = log_error_errno(-EBUSY, "superd is already running as pid %d (%s).", (int) holder, m->pid_path);
        else if (pid_fd < 0)
                r = log_error_errno(pid_fd, "Failed to lock pid file '%s': %m", m->pid_path);
        if (r >= 0) {
                umask(m->config.umask);
                log_set_max_level(m->config.log_level);
                (void) pidfile_write(pid_fd);
                m->pid_fd = pid_fd;
                r = manager_startup(m);
        }
        if (r >= 0) {
                notify_parent_ready();
                if (!o->foreground && o->deserialize_fd <= 0) {
                        log_set_stderr(false);
                        (void) daemon_ready(ready_fd);
                }
                r = loop_run(m->loop);
                if (pid_fd >= 0)
                        (void) unlink(m->pid_path);
        }
        safe_close(pid_fd);
        manager_free(m);
        return r;
}

int main(int argc, char **argv) {
        int r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        if (arg_deserialize >= 0)
                log_set_stderr(arg_foreground || getpid() == 1);
        ManagerOptions o = {
                .argv = argv,
                .deserialize_fd = arg_deserialize,
                .scope = arg_user ? MANAGER_USER : MANAGER_SYSTEM,
                .root = arg_root,
                .foreground = arg_foreground || getpid() == 1,
                .pid1 = getpid() == 1,
        };
        log_set_ident("superd");
        if (arg_check)
                return superd_check(&o);
        exec_reset_signal_dispositions(); /* children then reset only SIGPIPE */
        r = run(&o);
        return r < 0 ? EXIT_FAILURE : r;
}
