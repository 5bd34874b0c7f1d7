/* socket.c — the socket unit state machine, binding, accepting and
 * triggering (see socket.h for the states). Access checks and limits are in
 * socket-acl.c, built-in services in builtin.c. */
#include "socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builtin.h"
#include "execute.h"
#include "job.h"
#include "lib/strv.h"
#include "lib/timespan.h"
#include "control/protocol.h"
#include "manager.h"
#include "socket-acl.h"
#include "unit.h"

static const char *const state_names[_SOCKET_STATE_MAX] = {
        [SOCKET_DEAD] = "dead",           [SOCKET_START_PRE] = "start-pre", [SOCKET_START_POST] = "start-post",
        [SOCKET_LISTENING] = "listening", [SOCKET_RUNNING] = "running",     [SOCKET_STOP_PRE] = "stop-pre",
        [SOCKET_STOP_POST] = "stop-post", [SOCKET_FAILED] = "failed",
};

static const UnitActiveState state_to_active[_SOCKET_STATE_MAX] = {
        [SOCKET_DEAD] = UNIT_INACTIVE,      [SOCKET_START_PRE] = UNIT_ACTIVATING,
        [SOCKET_START_POST] = UNIT_ACTIVATING, [SOCKET_LISTENING] = UNIT_ACTIVE,
        [SOCKET_RUNNING] = UNIT_ACTIVE,     [SOCKET_STOP_PRE] = UNIT_DEACTIVATING,
        [SOCKET_STOP_POST] = UNIT_DEACTIVATING, [SOCKET_FAILED] = UNIT_FAILED,
};

static const char *const result_names[_SOCKET_RESULT_MAX] = {
        [SOCKET_SUCCESS] = "success",        [SOCKET_FAILURE_RESOURCES] = "resources",
        [SOCKET_FAILURE_TIMEOUT] = "timeout", [SOCKET_FAILURE_EXIT_CODE] = "exit-code",
        [SOCKET_FAILURE_SIGNAL] = "signal",  [SOCKET_FAILURE_CORE_DUMP] = "core-dump",
        [SOCKET_FAILURE_SERVICE_START_LIMIT_HIT] = "service-start-limit-hit",
};

static const char *const exec_names[_SOCKET_EXEC_COMMAND_MAX] = {
        "ExecStartPre", "ExecStartPost", "ExecStopPre", "ExecStopPost",
};

const char *socket_state_to_string(SocketState s) {
        return s < _SOCKET_STATE_MAX ? state_names[s] : "invalid";
}

const char *socket_result_to_string(SocketResult r) {
        return r < _SOCKET_RESULT_MAX ? result_names[r] : "invalid";
}

static const SocketSettings *settings(const Unit *u) {
        return &unit_settings(u)->socket;
}

int socket_init(Unit *u) {
        if (u->type != UNIT_SOCKET)
                return 0;
        Socket *s = calloc(1, sizeof(Socket));
        if (!s)
                return -ENOMEM;
        s->unit = u;
        s->control_report_fd = -1;
        u->socket = s;
        return 0;
}

int socket_active_state(const Unit *u) {
        return u->socket ? (int) state_to_active[u->socket->state] : UNIT_INACTIVE;
}

const char *socket_sub_state(const Unit *u) {
        return u->socket ? state_names[u->socket->state] : "dead";
}

/* ---- ports ---- */

static void port_unwatch(SocketPort *p) {
        p->io = loop_source_free(p->io);
        p->watched = false;
}

static void socket_close_ports(Socket *s) {
        const SocketSettings *k = settings(s->unit);
        for (size_t i = 0; i < s->n_ports; i++) {
                SocketPort *p = &s->ports[i];
                port_unwatch(p);
                p->fd = safe_close(p->fd);
                if (p->path && k->remove_on_stop)
                        (void) unlink(p->path);
                free(p->display);
                free(p->path);
        }
        if (k->remove_on_stop)
                STRV_FOREACH(l, k->symlinks)
                        (void) unlink(*l);
        free(s->ports);
        s->ports = NULL;
        s->n_ports = 0;
}

static void socket_port_io(LoopSource *src, int fd, uint32_t events, void *userdata);

/* The desired watch state of every port, applied. */
static void socket_update_watch(Socket *s) {
        const SocketSettings *k = settings(s->unit);
        bool want = s->state == SOCKET_LISTENING && !s->paused_trigger && !s->paused_emfile;
        for (size_t i = 0; i < s->n_ports; i++) {
                SocketPort *p = &s->ports[i];
                if (p->fd < 0)
                        continue;
                if (!p->io) {
                        if (!want)
                                continue;
                        if (loop_add_io(s->unit->manager->loop, p->fd, EPOLLIN, socket_port_io, p, &p->io) < 0) {
                                log_unit_error(s->unit->name, "Failed to watch '%s', ignoring.", p->display);
                                continue;
                        }
                        p->watched = true;
                        continue;
                }
                if (p->watched != want && loop_io_set_events(p->io, want ? EPOLLIN : 0) >= 0)
                        p->watched = want;
        }
        (void) k;
}

static int socket_chown_path(const SocketSettings *k, const char *path) {
        uid_t uid = (uid_t) -1;
        gid_t gid = (gid_t) -1;
        if (k->socket_user) {
                struct passwd *pw = getpwnam(k->socket_user);
                if (!pw)
                        return -ESRCH;
                uid = pw->pw_uid;
                gid = pw->pw_gid;
        }
        if (k->socket_group) {
                struct group *gr = getgrnam(k->socket_group);
                if (!gr)
                        return -ESRCH;
                gid = gr->gr_gid;
        }
        if ((uid != (uid_t) -1 || gid != (gid_t) -1) && lchown(path, uid, gid) < 0)
                return negative_errno();
        return 0;
}

static void mkdir_parents(const char *path, mode_t mode) {
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return;
        for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = 0;
                (void) mkdir(p, mode);
                *s = '/';
        }
}

static void socket_set_options(const SocketSettings *k, int fd, int family, int type) {
        int one = 1;
        if (family == AF_INET || family == AF_INET6) {
                (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
                if (k->reuse_port)
                        (void) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
                if (k->free_bind)
                        (void) setsockopt(fd, family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
                                          family == AF_INET ? IP_FREEBIND : IPV6_FREEBIND, &one, sizeof one);
                if (k->transparent)
                        (void) setsockopt(fd, family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
                                          family == AF_INET ? IP_TRANSPARENT : IPV6_TRANSPARENT, &one, sizeof one);
                if (k->keep_alive)
                        (void) setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
                if (k->no_delay && type == SOCK_STREAM)
                        (void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                if (k->broadcast && type == SOCK_DGRAM)
                        (void) setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
        }
        if (k->receive_buffer) {
                int v = (int) k->receive_buffer;
                if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v) < 0)
                        (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
        }
        if (k->send_buffer) {
                int v = (int) k->send_buffer;
                if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof v) < 0)
                        (void) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof v);
        }
        if (k->pass_credentials)
                (void) setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
        if (k->pass_security)
                (void) setsockopt(fd, SOL_SOCKET, SO_PASSSEC, &one, sizeof one);
        if (k->timestamping == 1)
                (void) setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &one, sizeof one);
        else if (k->timestamping == 2)
                (void) setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
}

static int port_open_fifo(const SocketSettings *k, SocketPort *p, const char *path) {
        mkdir_parents(path, k->directory_mode);
        mode_t old = umask(0);
        int r = mkfifo(path, k->socket_mode);
        umask(old);
        if (r < 0 && errno != EEXIST)
                return negative_errno();
        struct stat st;
        if (stat(path, &st) < 0)
                return negative_errno();
        if (!S_ISFIFO(st.st_mode))
                return -EEXIST;
        if (r == 0 && (p->path = strdup(path)) == NULL)
                return -ENOMEM;
        p->fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (p->fd < 0)
                return negative_errno();
        if (r == 0)
                (void) socket_chown_path(k, path);
        return 0;
}

static int port_bind_unix(const SocketSettings *k, SocketPort *p) {
        const char *path = p->addr.u.un.sun_path;
        if (path[0] == 0)
                return bind(p->fd, &p->addr.u.sa, p->addr.len) < 0 ? negative_errno() : 0;
        mkdir_parents(path, k->directory_mode);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
                (void) unlink(path);
        mode_t old = umask(~k->socket_mode & 0777);
        int r = bind(p->fd, &p->addr.u.sa, p->addr.len);
        umask(old);
        if (r < 0)
                return negative_errno();
        if ((p->path = strdup(path)) == NULL)
                return -ENOMEM;
        r = socket_chown_path(k, path);
        return r;
}

static int port_open(Socket *s, const SocketListen *l, SocketPort *p) {
        const SocketSettings *k = settings(s->unit);
        static const int types[_SOCKET_LISTEN_TYPE_MAX] = {
                [SOCKET_LISTEN_STREAM] = SOCK_STREAM, [SOCKET_LISTEN_DATAGRAM] = SOCK_DGRAM,
                [SOCKET_LISTEN_SEQPACKET] = SOCK_SEQPACKET,
        };
        p->type = l->type;
        p->fd = -1;
        p->socket = s;
        if (l->type == SOCKET_LISTEN_FIFO) {
                p->display = strdup(l->address);
                return p->display ? port_open_fifo(k, p, l->address) : -ENOMEM;
        }
        if (socket_address_parse(l->address, &p->addr) < 0)
                return -EINVAL;
        int family = p->addr.u.sa.sa_family, type = types[l->type];
        /* superd accepts on non-blocking sockets; a service given the listening
         * fds (Accept=no) gets them blocking, as systemd-socket-activate does. */
        int nb = k->accept || k->builtin != SOCKET_BUILTIN_NONE ? SOCK_NONBLOCK : 0;
        size_t idx = (size_t) (p - s->ports);
        if (idx < s->n_adopt_fds && s->adopt_fds[idx] >= 0) {
                /* Kept across daemon-reexec: bound and listening already. */
                p->fd = TAKE_FD(s->adopt_fds[idx]);
                char buf[160];
                p->display = strdup(socket_address_format(&p->addr, buf, sizeof buf));
                return p->display ? 0 : -ENOMEM;
        }
        p->fd = socket(family, type | SOCK_CLOEXEC | nb, 0);
        if (p->fd < 0 && family == AF_INET6 && p->addr.bare_port && errno == EAFNOSUPPORT) {
                /* No IPv6 here: a bare port means 0.0.0.0. */
                uint16_t port = p->addr.u.in6.sin6_port;
                p->addr.u.in = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = port };
                p->addr.len = sizeof(struct sockaddr_in);
                family = AF_INET;
                p->fd = socket(family, type | SOCK_CLOEXEC | nb, 0);
        }
        if (p->fd < 0)
                return negative_errno();
        char buf[160];
        p->display = strdup(socket_address_format(&p->addr, buf, sizeof buf));
        if (!p->display)
                return -ENOMEM;
        socket_set_options(k, p->fd, family, type);
        if (family == AF_INET6 && (p->addr.bare_port || k->bind_ipv6_only != SOCKET_BIND_DEFAULT)) {
                int v6only = k->bind_ipv6_only == SOCKET_BIND_IPV6_ONLY;
                (void) setsockopt(p->fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
        }
        int r = family == AF_UNIX ? port_bind_unix(k, p)
                                  : bind(p->fd, &p->addr.u.sa, p->addr.len) < 0 ? negative_errno() : 0;
        if (r < 0)
                return r;
        if (type != SOCK_DGRAM && listen(p->fd, (int) (k->backlog ? k->backlog : SOMAXCONN)) < 0)
                return negative_errno();
        return 0;
}

static void socket_make_symlinks(Socket *s) {
        const char *target = NULL;
        for (size_t i = 0; i < s->n_ports && !target; i++)
                target = s->ports[i].path;
        if (!target)
                return;
        STRV_FOREACH(l, settings(s->unit)->symlinks) {
                mkdir_parents(*l, settings(s->unit)->directory_mode);
                (void) unlink(*l);
                if (symlink(target, *l) < 0)
                        log_unit_warning_errno(s->unit->name, errno, "Failed to create symlink '%s', ignoring: %m",
                                               *l);
        }
}

static int socket_open_ports(Socket *s) {
        const SocketSettings *k = settings(s->unit);
        s->ports = calloc(k->n_listen ? k->n_listen : 1, sizeof(SocketPort));
        if (!s->ports)
                return -ENOMEM;
        for (size_t i = 0; i < k->n_listen; i++) {
                SocketPort *p = &s->ports[s->n_ports++];
                int r = port_open(s, &k->listen[i], p);
                if (r < 0) {
                        log_unit_error_errno(s->unit->name, r, "Failed to listen on '%s': %m", k->listen[i].address);
                        socket_close_ports(s);
                        return r;
                }
        }
        socket_make_symlinks(s);
        return 0;
}

/* ---- state machine ---- */

static void socket_set_state(Socket *s, SocketState st) {
        SocketState old = s->state;
        Unit *u = s->unit;
        s->state = st;
        if (st != SOCKET_START_PRE && st != SOCKET_START_POST && st != SOCKET_STOP_PRE && st != SOCKET_STOP_POST)
                s->timer = loop_source_free(s->timer);
        if (st == SOCKET_DEAD || st == SOCKET_FAILED || st == SOCKET_STOP_POST)
                socket_close_ports(s);
        socket_update_watch(s);
        if (old != st)
                log_unit_debug(u->name, "Changed %s -> %s", state_names[old], state_names[st]);
        unit_notify(u, state_to_active[old], state_to_active[st]);
}

static void socket_unwatch_control(Socket *s) {
        s->control_watch = loop_source_free(s->control_watch);
        s->control_report_fd = safe_close(s->control_report_fd);
        pidref_done(&s->control_pid);
}

static void socket_enter_dead(Socket *s, SocketResult r) {
        if (s->result == SOCKET_SUCCESS)
                s->result = r;
        socket_unwatch_control(s);
        builtin_free_all(s);
        socket_set_state(s, s->result == SOCKET_SUCCESS ? SOCKET_DEAD : SOCKET_FAILED);
}

static void socket_control_exited(LoopSource *src, const siginfo_t *si, void *userdata);
static void socket_timer_fired(LoopSource *src, usec_t now, void *userdata);

/* Runs the current control command: 1 started, 0 none left, -errno. */
static int socket_spawn_control(Socket *s) {
        const ExecCommandList *l = &settings(s->unit)->exec[s->control_command_id];
        if (s->control_index >= l->n)
                return 0;
        socket_unwatch_control(s);
        const ExecCommand *c = &l->items[s->control_index];
        int r = unit_spawn(s->unit, c, 0, 0, &s->control_pid, &s->control_report_fd);
        if (r >= 0)
                r = loop_add_child(s->unit->manager->loop, s->control_pid.pid, socket_control_exited, s,
                                   &s->control_watch);
        if (r < 0) {
                socket_unwatch_control(s);
                return r;
        }
        if (!s->timer) {
                usec_t t = settings(s->unit)->timeout ? settings(s->unit)->timeout
                                                      : s->unit->manager->config.default_timeout_start;
                if (t != USEC_INFINITY)
                        (void) loop_add_time(s->unit->manager->loop, now_monotonic() + t, socket_timer_fired, s,
                                             &s->timer);
        }
        return 1;
}

static void socket_enter_stop_post(Socket *s, SocketResult r);
static void socket_enter_listening(Socket *s);
static void socket_enter_start_post(Socket *s);

/* Starts the control commands of id in st; 0 when there are none. */
static int socket_run_commands(Socket *s, SocketState st, SocketExecCommand id) {
        s->control_command_id = id;
        s->control_index = 0;
        if (settings(s->unit)->exec[id].n == 0)
                return 0;
        int r = socket_spawn_control(s);
        if (r > 0)
                socket_set_state(s, st);
        return r;
}

static void socket_enter_stop_post(Socket *s, SocketResult r) {
        if (s->result == SOCKET_SUCCESS)
                s->result = r;
        int k = socket_run_commands(s, SOCKET_STOP_POST, SOCKET_EXEC_STOP_POST);
        if (k <= 0)
                socket_enter_dead(s, k < 0 ? SOCKET_FAILURE_RESOURCES : SOCKET_SUCCESS);
}

static void socket_enter_stop_pre(Socket *s, SocketResult r) {
        if (s->result == SOCKET_SUCCESS)
                s->result = r;
        int k = socket_run_commands(s, SOCKET_STOP_PRE, SOCKET_EXEC_STOP_PRE);
        if (k <= 0)
                socket_enter_stop_post(s, k < 0 ? SOCKET_FAILURE_RESOURCES : SOCKET_SUCCESS);
}

static void socket_enter_listening(Socket *s) {
        socket_set_state(s, SOCKET_LISTENING);
}

static void socket_enter_start_post(Socket *s) {
        int r = socket_open_ports(s);
        if (r < 0) {
                socket_enter_stop_pre(s, SOCKET_FAILURE_RESOURCES);
                return;
        }
        r = socket_run_commands(s, SOCKET_START_POST, SOCKET_EXEC_START_POST);
        if (r < 0)
                socket_enter_stop_pre(s, SOCKET_FAILURE_RESOURCES);
        else if (r == 0)
                socket_enter_listening(s);
}

static void socket_next_state(Socket *s) {
        switch (s->state) {
        case SOCKET_START_PRE:
                socket_enter_start_post(s);
                break;
        case SOCKET_START_POST:
                socket_enter_listening(s);
                break;
        case SOCKET_STOP_PRE:
                socket_enter_stop_post(s, SOCKET_SUCCESS);
                break;
        case SOCKET_STOP_POST:
                socket_enter_dead(s, SOCKET_SUCCESS);
                break;
        default:
                break;
        }
}

static SocketResult classify_exit(const siginfo_t *si) {
        if (si->si_code == CLD_EXITED)
                return si->si_status == 0 ? SOCKET_SUCCESS : SOCKET_FAILURE_EXIT_CODE;
        return si->si_code == CLD_DUMPED ? SOCKET_FAILURE_CORE_DUMP : SOCKET_FAILURE_SIGNAL;
}

static void socket_control_exited(LoopSource *src, const siginfo_t *si, void *userdata) {
        Socket *s = userdata;
        const ExecCommandList *l = &settings(s->unit)->exec[s->control_command_id];
        const ExecCommand *c = s->control_index < l->n ? &l->items[s->control_index] : NULL;
        bool exec_failed = c && unit_log_exec_failure(s->unit, c, s->control_report_fd);
        SocketResult r = exec_failed ? SOCKET_FAILURE_EXIT_CODE : classify_exit(si);
        if (r != SOCKET_SUCCESS && c && (c->flags & EXEC_IGNORE_FAILURE))
                r = SOCKET_SUCCESS;
        if (r != SOCKET_SUCCESS)
                log_unit_warning(s->unit->name, "Control process %s exited, status=%d, result %s.",
                                 exec_names[s->control_command_id], si->si_status, result_names[r]);
        socket_unwatch_control(s);
        if (r == SOCKET_SUCCESS) {
                s->control_index++;
                int k = socket_spawn_control(s);
                if (k > 0)
                        return;
                if (k == 0) {
                        socket_next_state(s);
                        return;
                }
                r = SOCKET_FAILURE_RESOURCES;
        }
        if (s->state == SOCKET_START_PRE || s->state == SOCKET_START_POST)
                socket_enter_stop_pre(s, r);
        else if (s->state == SOCKET_STOP_PRE)
                socket_enter_stop_post(s, r);
        else
                socket_enter_dead(s, r);
}

static void socket_timer_fired(LoopSource *src, usec_t now, void *userdata) {
        Socket *s = userdata;
        s->timer = loop_source_free(s->timer);
        log_unit_warning(s->unit->name, "%s timed out. Killing.", exec_names[s->control_command_id]);
        if (pidref_is_set(&s->control_pid))
                (void) pidref_kill_group(&s->control_pid, SIGKILL);
        socket_unwatch_control(s);
        if (s->state == SOCKET_START_PRE || s->state == SOCKET_START_POST)
                socket_enter_stop_pre(s, SOCKET_FAILURE_TIMEOUT);
        else if (s->state == SOCKET_STOP_PRE)
                socket_enter_stop_post(s, SOCKET_FAILURE_TIMEOUT);
        else
                socket_enter_dead(s, SOCKET_FAILURE_TIMEOUT);
}

static int read_banner(const char *path, char **ret, size_t *ret_len) {
        *ret = NULL;
        *ret_len = 0;
        if (!path)
                return 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        char *buf = malloc(65536);
        ssize_t n = buf ? read(fd, buf, 65536) : -1;
        safe_close(fd);
        if (n < 0) {
                free(buf);
                return -EIO;
        }
        *ret = buf;
        *ret_len = (size_t) n;
        return 0;
}

int socket_start(Unit *u) {
        Socket *s = u->socket;
        if (!s)
                return -EOPNOTSUPP;
        if (s->state == SOCKET_LISTENING || s->state == SOCKET_RUNNING || s->state == SOCKET_START_PRE ||
            s->state == SOCKET_START_POST)
                return -EALREADY;
        if (s->state == SOCKET_STOP_PRE || s->state == SOCKET_STOP_POST)
                return -EAGAIN;
        const SocketSettings *k = settings(u);
        s->result = SOCKET_SUCCESS;
        s->paused_trigger = s->paused_emfile = s->emfile_logged = false;
        s->trigger_count = 0;
        unit_new_invocation(u);
        int r = socket_acl_load(s);
        if (r < 0)
                return log_unit_error_errno(u->name, r, "Failed to load access lists: %m");
        free(s->banner);
        free(s->refused_banner);
        if ((r = read_banner(k->banner_file, &s->banner, &s->banner_len)) < 0 ||
            (r = read_banner(k->refused_banner_file, &s->refused_banner, &s->refused_banner_len)) < 0)
                log_unit_warning_errno(u->name, r, "Failed to read banner file, ignoring: %m");
        r = socket_run_commands(s, SOCKET_START_PRE, SOCKET_EXEC_START_PRE);
        if (r < 0) {
                socket_enter_dead(s, SOCKET_FAILURE_RESOURCES);
                return 0;
        }
        if (r == 0)
                socket_enter_start_post(s);
        return 0;
}

SocketState socket_state_from_string(const char *name) {
        for (SocketState st = 0; st < _SOCKET_STATE_MAX; st++)
                if (streq(state_names[st], name))
                        return st;
        return _SOCKET_STATE_MAX;
}

int socket_adopt(Unit *u, SocketState st, int *fds, size_t n_fds) {
        Socket *s = u->socket;
        int r = s && (st == SOCKET_LISTENING || st == SOCKET_RUNNING) ? 0 : -EINVAL;
        if (r == 0) {
                const SocketSettings *k = settings(u);
                s->adopt_fds = fds;
                s->n_adopt_fds = n_fds;
                r = socket_acl_load(s);
                if (r >= 0 && (read_banner(k->banner_file, &s->banner, &s->banner_len) < 0 ||
                               read_banner(k->refused_banner_file, &s->refused_banner, &s->refused_banner_len) < 0))
                        log_unit_warning(u->name, "Failed to read banner file, ignoring.");
                if (r >= 0)
                        r = socket_open_ports(s);
                s->adopt_fds = NULL;
                s->n_adopt_fds = 0;
        }
        for (size_t i = 0; i < n_fds; i++)
                safe_close(fds[i]); /* those not taken */
        if (r < 0)
                return r;
        socket_set_state(s, st);
        return 0;
}

int socket_stop(Unit *u) {
        Socket *s = u->socket;
        if (!s)
                return -EALREADY;
        switch (s->state) {
        case SOCKET_DEAD:
        case SOCKET_FAILED:
                return -EALREADY;
        case SOCKET_STOP_PRE:
        case SOCKET_STOP_POST:
                return 0;
        case SOCKET_START_PRE:
        case SOCKET_START_POST:
                if (pidref_is_set(&s->control_pid))
                        (void) pidref_kill_group(&s->control_pid, SIGTERM);
                socket_unwatch_control(s);
                socket_enter_stop_pre(s, SOCKET_SUCCESS);
                return 0;
        default:
                socket_enter_stop_pre(s, SOCKET_SUCCESS);
                return 0;
        }
}

void socket_reset_failed(Unit *u) {
        Socket *s = u->socket;
        if (!s)
                return;
        if (s->state == SOCKET_FAILED)
                socket_set_state(s, SOCKET_DEAD);
        s->result = SOCKET_SUCCESS;
}

void socket_done(Unit *u) {
        Socket *s = u->socket;
        if (s) {
                if (s->trigger_unit)
                        unit_remove_waiter(s->trigger_unit, &s->trigger_waiter);
                socket_unwatch_control(s);
                s->timer = loop_source_free(s->timer);
                builtin_free_all(s);
                socket_close_ports(s);
                socket_acl_done(s);
                free(s->banner);
                free(s->refused_banner);
                free(s);
                u->socket = NULL;
        }
        socket_connection_free(u->connection);
        u->connection = NULL;
}

/* ---- triggering ---- */

/* The service an Accept=no socket starts: Service= or its own name. */
static char *socket_service_name(const Unit *u) {
        const SocketSettings *k = settings(u);
        if (k->service)
                return strdup(k->service);
        const char *dot = strrchr(u->name, '.');
        size_t n = dot ? (size_t) (dot - u->name) : strlen(u->name);
        char *name = NULL;
        if (asprintf(&name, "%.*s.service", (int) n, u->name) < 0)
                return NULL;
        return name;
}

/* The start job of a triggered service ended: if it never got the service
 * up (a failed dependency, a condition), listen again rather than wait for
 * a state change that will not come. */
static void socket_trigger_done(void *userdata, Unit *svc, JobResult r) {
        Socket *s = userdata;
        s->trigger_unit = NULL;
        UnitActiveState a = unit_active_state(svc);
        if (s->state == SOCKET_RUNNING && (a == UNIT_INACTIVE || a == UNIT_FAILED))
                socket_set_state(s, SOCKET_LISTENING);
}

static void socket_trigger_service(Socket *s) {
        Unit *u = s->unit;
        _cleanup_free_ char *name = socket_service_name(u);
        Unit *svc = NULL;
        int r = name ? manager_load_unit(u->manager, name, &svc) : -ENOMEM;
        if (r < 0 || !svc || svc->file->load_state != UNIT_LOADED) {
                log_unit_error(u->name, "Socket service %s not loaded, refusing.", strempty(name));
                socket_enter_stop_pre(s, SOCKET_FAILURE_RESOURCES);
                return;
        }
        s->n_triggers++;
        if (s->trigger_unit)
                unit_remove_waiter(s->trigger_unit, &s->trigger_waiter);
        s->trigger_waiter = (JobWaiter) { .done = socket_trigger_done, .userdata = s };
        s->trigger_unit = svc;
        r = unit_enqueue_job(svc, JOB_START, &s->trigger_waiter);
        if (r < 0) {
                s->trigger_unit = NULL;
                log_unit_error_errno(u->name, r, "Failed to queue service startup job: %m");
                socket_enter_stop_pre(s, SOCKET_FAILURE_RESOURCES);
                return;
        }
        UnitActiveState a = unit_active_state(svc);
        if (s->state == SOCKET_LISTENING && (s->trigger_unit || (a != UNIT_INACTIVE && a != UNIT_FAILED)))
                socket_set_state(s, SOCKET_RUNNING);
}

static void socket_resume(LoopSource *src, usec_t now, void *userdata) {
        Socket *s = userdata;
        s->resume_timer = loop_source_free(s->resume_timer);
        if (s->paused_trigger)
                log_unit_info(s->unit->name, "Trigger limit interval over, accepting again.");
        s->paused_trigger = s->paused_emfile = false;
        s->trigger_count = 0;
        s->trigger_begin = now_monotonic();
        socket_update_watch(s);
}

static void socket_pause_until(Socket *s, usec_t when) {
        socket_update_watch(s);
        if (s->resume_timer)
                (void) loop_time_set(s->resume_timer, when);
        else
                (void) loop_add_time(s->unit->manager->loop, when, socket_resume, s, &s->resume_timer);
}

/* TriggerLimitIntervalSec=/TriggerLimitBurst=: false when over the limit
 * (and accepting is paused for the rest of the interval; SPEC 5). */
static bool socket_trigger_allowed(Socket *s) {
        const SocketSettings *k = settings(s->unit);
        usec_t interval = k->trigger_limit_interval == USEC_INFINITY ? 2 * USEC_PER_SEC : k->trigger_limit_interval;
        unsigned burst = k->trigger_limit_burst != UINT_MAX ? k->trigger_limit_burst : k->accept ? 200 : 20;
        if (interval == 0 || burst == 0)
                return true;
        usec_t now = now_monotonic();
        if (now >= s->trigger_begin + interval) {
                s->trigger_begin = now;
                s->trigger_count = 0;
        }
        if (s->trigger_count < burst) {
                s->trigger_count++;
                return true;
        }
        log_unit_warning(s->unit->name, "Trigger limit hit (%u in %llu ms), pausing until the interval ends.",
                         burst, (unsigned long long) (interval / USEC_PER_MSEC));
        s->paused_trigger = true;
        socket_pause_until(s, s->trigger_begin + interval);
        return false;
}

static void socket_emfile(Socket *s, int error) {
        if (!s->emfile_logged)
                log_unit_error_errno(s->unit->name, error,
                                     "Failed to accept connection: %m. Not accepting until descriptors are free.");
        s->emfile_logged = true;
        s->paused_emfile = true;
        socket_pause_until(s, now_monotonic() + 250 * USEC_PER_MSEC);
}

/* The instance unit for a connection: NAME@N-LOCAL-REMOTE.service. */
static int socket_spawn_instance(Socket *s, int fd, const struct sockaddr *remote, const char *source_key) {
        Unit *u = s->unit;
        struct sockaddr_storage local;
        socklen_t llen = sizeof local;
        struct ucred cred = {};
        socklen_t clen = sizeof cred;
        char inst[256];
        if (getsockname(fd, (struct sockaddr *) &local, &llen) < 0)
                return negative_errno();
        if (remote->sa_family == AF_UNIX)
                (void) getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen);
        if (socket_instance_string(s->n_accepted - 1, (struct sockaddr *) &local, remote, cred.pid, cred.uid, inst,
                                   sizeof inst) < 0)
                return -EINVAL;
        const char *dot = strrchr(u->name, '.');
        _cleanup_free_ char *name = NULL;
        if (asprintf(&name, "%.*s@%s.service", (int) (dot - u->name), u->name, inst) < 0)
                return -ENOMEM;
        Unit *svc;
        int r = manager_load_unit(u->manager, name, &svc);
        if (r < 0)
                return r;
        if (svc->file->load_state != UNIT_LOADED || svc->type != UNIT_SERVICE || svc->connection ||
            unit_active_state(svc) != UNIT_INACTIVE) {
                log_unit_error(u->name, "Instance %s cannot be started (%s).", name,
                               unit_load_state_to_string(svc->file->load_state));
                socket_sweep_instance(svc);
                return -ENOEXEC;
        }
        SocketConnection *c = calloc(1, sizeof(SocketConnection));
        if (!c || !(c->socket_name = strdup(u->name)) || !(c->source_key = strdup(source_key))) {
                socket_connection_free(c);
                return -ENOMEM;
        }
        c->fd = fd;
        if (sockaddr_host_port(remote, c->remote_addr, sizeof c->remote_addr, &c->remote_port) < 0)
                c->remote_addr[0] = 0;
        svc->connection = c;
        (void) unit_add_dependency(svc, DEP_AFTER, u);
        r = unit_enqueue_job(svc, JOB_START, NULL);
        if (r < 0) {
                svc->connection = NULL;
                c->fd = -1;
                socket_connection_free(c);
                socket_sweep_instance(svc);
                return r;
        }
        return 0;
}

static void send_banner(int fd, const char *data, size_t len) {
        if (len > 0)
                (void) send(fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* One accepted connection of an Accept=yes (or built-in stream) socket. */
static void socket_handle_connection(Socket *s, const SocketPort *p, int fd, const struct sockaddr *remote) {
        const SocketSettings *k = settings(s->unit);
        char key[80];
        sockaddr_source_key(remote, key, sizeof key);
        const char *why = socket_acl_check(s, remote, key);
        if (why) {
                send_banner(fd, s->refused_banner, s->refused_banner_len);
                safe_close(fd);
                socket_note_refusal(s, key, why);
                return;
        }
        s->n_accepted++;
        s->n_connections++;
        socket_acl_source_add(s, key);
        if (k->builtin != SOCKET_BUILTIN_NONE) {
                send_banner(fd, s->banner, s->banner_len);
                bool tcp = p->type == SOCKET_LISTEN_STREAM &&
                           (remote->sa_family == AF_INET || remote->sa_family == AF_INET6);
                (void) builtin_stream_new(s, fd, key, tcp);
                return;
        }
        send_banner(fd, s->banner, s->banner_len);
        int r = socket_spawn_instance(s, fd, remote, key);
        if (r < 0) {
                log_unit_warning_errno(s->unit->name, r, "Failed to start a service for the connection: %m");
                safe_close(fd);
                socket_connection_closed(s, key);
        }
}

#define SOCKET_ACCEPT_BATCH 32

static void socket_port_accept(Socket *s, SocketPort *p) {
        /* Built-ins serve the connection in our loop; a service gets it blocking, as from inetd. */
        int flags = SOCK_CLOEXEC | (settings(s->unit)->builtin != SOCKET_BUILTIN_NONE ? SOCK_NONBLOCK : 0);
        for (unsigned i = 0; i < SOCKET_ACCEPT_BATCH && s->state == SOCKET_LISTENING; i++) {
                if (!socket_trigger_allowed(s))
                        return;
                struct sockaddr_storage sa;
                socklen_t len = sizeof sa;
                int fd = accept4(p->fd, (struct sockaddr *) &sa, &len, flags);
                if (fd < 0) {
                        s->trigger_count--;
                        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                                socket_emfile(s, errno);
                        else if (errno == EAGAIN) {
                                /* The queue drained: the shortage, if any, is over. */
                                if (s->emfile_logged)
                                        log_unit_info(s->unit->name, "Accepting connections again.");
                                s->emfile_logged = false;
                        } else if (errno != EINTR && errno != ECONNABORTED)
                                log_unit_warning_errno(s->unit->name, errno, "Failed to accept, ignoring: %m");
                        return;
                }
                if (len < sizeof(sa_family_t))
                        sa.ss_family = AF_UNIX;
                socket_handle_connection(s, p, fd, (struct sockaddr *) &sa);
        }
}

static void socket_port_io(LoopSource *src, int fd, uint32_t events, void *userdata) {
        SocketPort *p = userdata;
        Socket *s = p->socket;
        const SocketSettings *k = settings(s->unit);
        if (s->state != SOCKET_LISTENING)
                return;
        if (k->builtin != SOCKET_BUILTIN_NONE && p->type == SOCKET_LISTEN_DATAGRAM) {
                builtin_datagram(s, p);
                return;
        }
        if (k->builtin != SOCKET_BUILTIN_NONE && p->type == SOCKET_LISTEN_FIFO) {
                /* No service to hand a FIFO to: what is written is discarded. */
                char buf[4096];
                for (int i = 0; i < 16 && read(p->fd, buf, sizeof buf) > 0; i++)
                        ;
                return;
        }
        if ((k->accept || k->builtin != SOCKET_BUILTIN_NONE) &&
            (p->type == SOCKET_LISTEN_STREAM || p->type == SOCKET_LISTEN_SEQPACKET)) {
                socket_port_accept(s, p);
                return;
        }
        if (!socket_trigger_allowed(s))
                return;
        socket_trigger_service(s);
}

/* ---- services ---- */

static bool socket_serves(const Unit *sock, const Unit *svc) {
        if (!sock->socket || settings(sock)->accept || settings(sock)->builtin != SOCKET_BUILTIN_NONE)
                return false;
        if (strv_contains(unit_settings(svc)->service.sockets, sock->name))
                return true;
        _cleanup_free_ char *name = socket_service_name(sock);
        return name && streq(name, svc->name);
}

static void socket_gc(LoopSource *src, void *userdata);

void socket_sweep_instance(Unit *svc) {
        Manager *m = svc->manager;
        if (strv_contains(m->socket_gc, svc->name) || strv_extend(&m->socket_gc, svc->name) < 0)
                return;
        if (!m->socket_gc_defer)
                (void) loop_add_defer(m->loop, socket_gc, m, &m->socket_gc_defer);
        else
                loop_defer_enable(m->socket_gc_defer);
}

static void socket_gc(LoopSource *src, void *userdata) {
        Manager *m = userdata;
        char **names = m->socket_gc;
        m->socket_gc = NULL;
        STRV_FOREACH(n, names) {
                Unit *u = manager_get_unit(m, *n);
                UnitActiveState a = u ? unit_active_state(u) : UNIT_INACTIVE;
                if (!u || u->job != JOB_NONE || u->waiters || (a != UNIT_INACTIVE && a != UNIT_FAILED) ||
                    u->connection || !streq(u->name, *n))
                        continue;
                (void) hashmap_remove(&m->units, u->name);
                STRV_FOREACH(al, u->alias_names)
                        (void) hashmap_remove(&m->units, *al);
                unit_free(u);
        }
        strv_free(names);
}

void socket_service_notify(Unit *svc, int old_state, int new_state) {
        bool down = new_state == UNIT_INACTIVE || new_state == UNIT_FAILED;
        if (svc->connection && down) {
                SocketConnection *c = svc->connection;
                svc->connection = NULL;
                Unit *su = manager_get_unit(svc->manager, c->socket_name);
                if (su && su->socket)
                        socket_connection_closed(su->socket, c->source_key);
                socket_connection_free(c);
                socket_sweep_instance(svc);
                return;
        }
        for (size_t i = 0; i < svc->deps[DEP_AFTER].n; i++) {
                Unit *x = svc->deps[DEP_AFTER].items[i];
                if (x->type != UNIT_SOCKET || !socket_serves(x, svc))
                        continue;
                Socket *s = x->socket;
                if (down && s->state == SOCKET_RUNNING)
                        socket_set_state(s, SOCKET_LISTENING);
                else if (!down && s->state == SOCKET_LISTENING)
                        socket_set_state(s, SOCKET_RUNNING);
        }
}

void socket_connection_free(SocketConnection *c) {
        if (!c)
                return;
        safe_close(c->fd);
        free(c->socket_name);
        free(c->source_key);
        free(c);
}

void socket_connection_closed(Socket *s, const char *source_key) {
        if (s->n_connections > 0)
                s->n_connections--;
        socket_acl_source_remove(s, source_key);
        if (s->paused_emfile) {
                s->paused_emfile = false;
                socket_update_watch(s);
        }
}

static int extras_add_fd(SocketSpawnExtras *x, int fd, const char *name, StrBuf *names) {
        int *n = realloc(x->fds, sizeof(int) * (x->n_fds + 1));
        if (!n)
                return -ENOMEM;
        x->fds = n;
        x->fds[x->n_fds++] = fd;
        strbuf_printf(names, "%s%s", names->len ? ":" : "", name);
        return 0;
}

int socket_spawn_extras(Unit *svc, SocketSpawnExtras *ret) {
        *ret = (SocketSpawnExtras) { .conn_fd = -1 };
        StrBuf names = {};
        char buf[128];
        if (svc->connection) {
                /* fd is -1 once the last main process has it (a manual restart then gets none). */
                SocketConnection *c = svc->connection;
                ret->conn_fd = c->fd;
                if (c->fd >= 0)
                        (void) extras_add_fd(ret, c->fd, "connection", &names);
                if (c->remote_addr[0]) {
                        snprintf(buf, sizeof buf, "REMOTE_ADDR=%s", c->remote_addr);
                        (void) strv_extend(&ret->env, buf);
                        snprintf(buf, sizeof buf, "REMOTE_PORT=%u", c->remote_port);
                        (void) strv_extend(&ret->env, buf);
                }
        } else
                for (size_t i = 0; i < svc->deps[DEP_AFTER].n; i++) {
                        Unit *x = svc->deps[DEP_AFTER].items[i];
                        if (x->type != UNIT_SOCKET || !socket_serves(x, svc))
                                continue;
                        const char *fdname = settings(x)->fd_name ? settings(x)->fd_name : x->name;
                        for (size_t p = 0; p < x->socket->n_ports; p++)
                                if (x->socket->ports[p].fd >= 0)
                                        (void) extras_add_fd(ret, x->socket->ports[p].fd, fdname, &names);
                }
        if (ret->n_fds > 0) {
                snprintf(buf, sizeof buf, "LISTEN_FDS=%zu", ret->n_fds);
                (void) strv_extend(&ret->env, buf);
                (void) strv_extend(&ret->env, "LISTEN_PID=0000000000");
                _cleanup_free_ char *v = NULL;
                if (asprintf(&v, "LISTEN_FDNAMES=%s", names.data ? names.data : "") >= 0)
                        (void) strv_extend(&ret->env, v);
        }
        strbuf_done(&names);
        return 0;
}

void socket_spawn_extras_done(SocketSpawnExtras *x) {
        free(x->fds);
        strv_free(x->env);
        *x = (SocketSpawnExtras) { .conn_fd = -1 };
}

int socket_add_dependencies(Unit *u) {
        const UnitSettings *st = unit_settings_latest(u);
        Manager *m = u->manager;
        Unit *other;
        int r;
        if (!st->socket.accept && st->socket.builtin == SOCKET_BUILTIN_NONE &&
            unit_latest_load_state(u) == UNIT_LOADED) {
                _cleanup_free_ char *name = socket_service_name(u);
                if (!name)
                        return -ENOMEM;
                r = manager_load_unit(m, name, &other);
                if (r >= 0 && (r = unit_add_dependency(u, DEP_BEFORE, other)) < 0)
                        return r;
        }
        if (!st->default_dependencies || unit_latest_load_state(u) != UNIT_LOADED)
                return 0;
        static const struct {
                UnitDepKind kind;
                const char *name;
        } deps[] = {
                { DEP_BEFORE, "sockets.target" },
                { DEP_REQUIRES, "sysinit.target" },
                { DEP_AFTER, "sysinit.target" },
        };
        for (size_t i = 0; i < ELEMENTSOF(deps); i++) {
                r = manager_load_unit(m, deps[i].name, &other);
                if (r >= 0)
                        r = unit_add_dependency(u, deps[i].kind, other);
                if (r < 0 && r != -EINVAL)
                        return r;
        }
        return 0;
}

/* ---- presentation ---- */

void socket_append_properties(Unit *u, StrBuf *b) {
        Socket *s = u->socket;
        const SocketSettings *k = settings(u);
        static const char *const type_keys[_SOCKET_LISTEN_TYPE_MAX] = {
                "ListenStream", "ListenDatagram", "ListenSequentialPacket", "ListenFIFO",
        };
        if (!s)
                return;
        StrBuf l = {};
        for (size_t i = 0; i < k->n_listen; i++)
                strbuf_printf(&l, "%s%s %s", i ? "\n" : "", type_keys[k->listen[i].type], k->listen[i].address);
        control_record_add(b, "Listen", l.data ? l.data : "");
        strbuf_done(&l);
        _cleanup_free_ char *svc = k->accept ? NULL : socket_service_name(u);
        if (k->accept) {
                const char *dot = strrchr(u->name, '.');
                (void) asprintf(&svc, "%.*s@.service", (int) (dot - u->name), u->name);
        }
        control_record_add(b, "Triggers", k->builtin != SOCKET_BUILTIN_NONE ? "" : strempty(svc));
        control_record_add(b, "Builtin", k->builtin ? socket_builtin_to_string(k->builtin) : "");
        control_record_add(b, "Accept", k->accept ? "yes" : "no");
        control_record_add(b, "Result", result_names[s->result]);
        control_record_addf(b, "NAccepted", "%u", s->n_accepted);
        control_record_addf(b, "NConnections", "%u", s->n_connections);
        control_record_addf(b, "NRefused", "%u", s->n_refused);
        control_record_addf(b, "NRefusedAccess", "%u", s->n_refused_acl);
        control_record_addf(b, "NRefusedLimit", "%u", s->n_refused_limit);
        control_record_addf(b, "NTriggers", "%u", s->n_triggers);
        control_record_addf(b, "MaxConnections", "%u", k->max_connections);
        control_record_addf(b, "MaxConnectionsPerSource", "%u",
                            k->max_connections_per_source ? k->max_connections_per_source : k->max_connections);
        control_record_addf(b, "ControlPID", "%d", (int) s->control_pid.pid);
        control_record_add(b, "Paused", s->paused_trigger ? "trigger-limit" : s->paused_emfile ? "no-descriptors" : "");
}

int socket_instance_string(unsigned nr, const struct sockaddr *local, const struct sockaddr *remote,
                           pid_t peer_pid, uid_t peer_uid, char *buf, size_t size) {
        char lh[64], rh[64];
        unsigned lp, rp;
        int n;
        if (remote->sa_family == AF_UNIX || local->sa_family == AF_UNIX)
                n = snprintf(buf, size, "%u-%d-%u", nr, (int) peer_pid, (unsigned) peer_uid);
        else if (sockaddr_host_port(local, lh, sizeof lh, &lp) < 0 || sockaddr_host_port(remote, rh, sizeof rh, &rp) < 0)
                return -EAFNOSUPPORT;
        else
                n = snprintf(buf, size, "%u-%s:%u-%s:%u", nr, lh, lp, rh, rp);
        return n < 0 || (size_t) n >= size ? -ENOSPC : 0;
}

void socket_list_records(Manager *m, StrBuf *out) {
        const char *k;
        void *v;
        _cleanup_strv_free_ char **names = NULL;
        for (size_t i = 0; hashmap_next(&m->units, &i, &k, &v);)
                if (streq(k, ((Unit *) v)->name) && ((Unit *) v)->socket)
                        (void) strv_extend(&names, k);
        strv_sort(names);
        STRV_FOREACH(n, names) {
                Unit *u = hashmap_get(&m->units, *n);
                Socket *s = u->socket;
                const SocketSettings *st = settings(u);
                if (s->n_ports == 0)
                        continue;
                _cleanup_free_ char *svc = NULL;
                if (st->builtin != SOCKET_BUILTIN_NONE)
                        (void) asprintf(&svc, "builtin:%s", socket_builtin_to_string(st->builtin));
                else if (st->accept)
                        (void) asprintf(&svc, "%.*s@.service", (int) (strrchr(u->name, '.') - u->name), u->name);
                else
                        svc = socket_service_name(u);
                for (size_t i = 0; i < s->n_ports; i++) {
                        static const char *const kinds[_SOCKET_LISTEN_TYPE_MAX] = {
                                "Stream", "Datagram", "SequentialPacket", "FIFO",
                        };
                        control_record_add(out, "Listen", s->ports[i].display);
                        control_record_add(out, "Type", kinds[s->ports[i].type]);
                        control_record_add(out, "Unit", u->name);
                        control_record_add(out, "Activates", strempty(svc));
                        control_record_addf(out, "Accepted", "%u", s->n_accepted);
                        control_record_addf(out, "Connections", "%u", s->n_connections);
                        control_record_addf(out, "Refused", "%u", s->n_refused);
                        control_record_end(out);
                }
        }
}
