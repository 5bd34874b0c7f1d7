/* manager-serialize.c — daemon-reexec: superd replaces itself with the
 * binary on disk and keeps everything running.
 *
 * The old superd writes its state as "key=value" lines into a memfd: the
 * fds it keeps (pid file lock, control socket, notify socket, services'
 * output pipes, with CLOEXEC cleared), then per unit its state, result,
 * pids, counters, timestamps, invocation id and timer deadline (monotonic
 * time survives exec). It then execs itself with --deserialize=FD and its
 * other arguments. The new superd takes the fds over, restores every unit
 * and watches the same processes, which are still its children. Jobs that
 * were queued are not carried over; the default target is not started
 * again. If exec fails, the old superd goes on. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "cgroup-unit.h"
#include "control-server.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "lib/strv.h"
#include "manager.h"
#include "notify.h"
#include "output.h"
#include "socket.h"

#define SERIALIZE_MAX (64u * 1024u * 1024u)

static int fd_set_cloexec(int fd, bool on) {
        int fl = fcntl(fd, F_GETFD);
        if (fl < 0)
                return negative_errno();
        return fcntl(fd, F_SETFD, on ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC) < 0 ? negative_errno() : 0;
}

static void serialize_fd(StrBuf *b, const char *key, int fd) {
        if (fd >= 0 && fd_set_cloexec(fd, false) >= 0)
                strbuf_printf(b, "%s=%d\n", key, fd);
}

#define SER_U(key, v) strbuf_printf(b, key "=%llu\n", (unsigned long long) (v))
#define SER_I(key, v) strbuf_printf(b, key "=%d\n", (int) (v))

static void serialize_unit(StrBuf *b, Unit *u) {
        Service *s = &u->service;
        strbuf_printf(b, "unit=%s\n", u->name);
        if (u->invocation_id)
                strbuf_printf(b, "invocation-id=%s\n", u->invocation_id);
        SER_I("target-active", u->target_active);
        SER_U("state-change-ts", u->state_change_timestamp);
        SER_U("state-change-mono", u->state_change_monotonic);
        SER_U("active-enter-ts", u->active_enter_timestamp);
        SER_U("active-enter-mono", u->active_enter_monotonic);
        SER_U("active-exit-ts", u->active_exit_timestamp);
        SER_U("active-exit-mono", u->active_exit_monotonic);
        SER_U("inactive-enter-ts", u->inactive_enter_timestamp);
        SER_U("inactive-enter-mono", u->inactive_enter_monotonic);
        SER_U("inactive-exit-ts", u->inactive_exit_timestamp);
        SER_U("inactive-exit-mono", u->inactive_exit_monotonic);
        if (u->type == UNIT_SERVICE) {
                strbuf_printf(b, "state=%s\nresult=%s\nreload-result=%s\n", service_state_to_string(s->state),
                              service_result_to_string(s->result), service_result_to_string(s->reload_result));
                SER_I("main-pid", s->main_pid.pid);
                SER_I("main-adopted", s->main_adopted);
                SER_I("main-pgid", s->main_pgid);
                SER_I("control-pid", s->control_pid.pid);
                SER_I("control-command", s->control_command_id);
                SER_U("control-index", s->control_command_index);
                SER_U("main-index", s->main_command_index);
                SER_I("exec-main-pid", s->exec_main_pid);
                SER_I("exec-main-code", s->exec_main_code);
                SER_I("exec-main-status", s->exec_main_status);
                SER_U("exec-main-start-ts", s->exec_main_start_timestamp);
                SER_U("exec-main-start-mono", s->exec_main_start_monotonic);
                SER_U("exec-main-exit-ts", s->exec_main_exit_timestamp);
                SER_U("exec-main-exit-mono", s->exec_main_exit_monotonic);
                SER_U("n-restarts", s->n_restarts);
                SER_U("restart-attempt", s->restart_attempt);
                SER_I("stop-requested", s->stop_requested);
                SER_I("restart-after-stop", s->restart_after_stop);
                SER_I("status-errno", s->status_errno);
                SER_U("start-limit-begin", s->start_limit_begin);
                SER_U("start-limit-count", s->start_limit_count);
                SER_U("timer-deadline", s->timer_deadline);
                SER_U("watchdog-override", s->watchdog_override);
                if (s->status_text && !strchr(s->status_text, '\n'))
                        strbuf_printf(b, "status-text=%s\n", s->status_text);
        }
        if (u->type == UNIT_SOCKET && u->socket) {
                Socket *so = u->socket;
                strbuf_printf(b, "socket-state=%s\n", socket_state_to_string(so->state));
                /* The listening fds stay open through the exec. */
                for (size_t i = 0; i < so->n_ports; i++)
                        if (so->ports[i].fd >= 0 && fd_set_cloexec(so->ports[i].fd, false) >= 0)
                                strbuf_printf(b, "socket-fd=%zu %d\n", i, so->ports[i].fd);
        }
        strbuf_puts(b, "end\n");
}

static int manager_serialize(Manager *m, int *ret_fd) {
        StrBuf b = {};
        serialize_fd(&b, "pid-fd", m->pid_fd);
        serialize_fd(&b, "control-fd", control_server_fd(m->control));
        serialize_fd(&b, "notify-fd", m->notify ? m->notify->fd : -1);
        output_streams_serialize(m, &b);
        const char *k;
        void *v;
        for (size_t i = 0; hashmap_next(&m->units, &i, &k, &v);)
                if (k == ((Unit *) v)->name)
                        serialize_unit(&b, v);
        if (b.oom) {
                strbuf_done(&b);
                return -ENOMEM;
        }
        int fd = memfd_create("superd-serialize", 0);
        if (fd < 0) {
                strbuf_done(&b);
                return negative_errno();
        }
        int r = 0;
        for (size_t done = 0; done < b.len;) {
                ssize_t n = write(fd, b.data + done, b.len - done);
                if (n <= 0) {
                        r = n < 0 ? negative_errno() : -EIO;
                        break;
                }
                done += (size_t) n;
        }
        strbuf_done(&b);
        if (r >= 0 && lseek(fd, 0, SEEK_SET) < 0)
                r = negative_errno();
        if (r < 0) {
                close(fd);
                return r;
        }
        *ret_fd = fd;
        return 0;
}

/* Our arguments without an earlier --deserialize, then the new one. */
static char **reexec_argv(Manager *m, int fd) {
        char **argv = NULL, buf[64];
        if (strv_extend(&argv, m->exe_path) < 0)
                return NULL;
        for (size_t i = 1; m->argv && m->argv[0] && m->argv[i]; i++)
                if (!startswith(m->argv[i], "--deserialize") && strv_extend(&argv, m->argv[i]) < 0) {
                        strv_free(argv);
                        return NULL;
                }
        snprintf(buf, sizeof buf, "--deserialize=%d", fd);
        if (strv_extend(&argv, buf) < 0) {
                strv_free(argv);
                return NULL;
        }
        return argv;
}

static void manager_reexec(LoopSource *src, void *userdata) {
        Manager *m = userdata;
        m->reexec_defer = loop_source_free(m->reexec_defer);
        manager_flush_unit_states(m);
        int fd = -1, r = m->exe_path ? manager_serialize(m, &fd) : -ENOENT;
        char **argv = r >= 0 ? reexec_argv(m, fd) : NULL;
        if (r >= 0 && !argv)
                r = -ENOMEM;
        if (r >= 0) {
                log_info("Reexecuting %s.", m->exe_path);
                execv(m->exe_path, argv);
                r = negative_errno();
        }
        log_error_errno(r, "Failed to reexecute '%s', going on: %m", strempty(m->exe_path));
        strv_free(argv);
        safe_close(fd);
        /* Everything is ours again. */
        int keep[] = { m->pid_fd, control_server_fd(m->control), m->notify ? m->notify->fd : -1 };
        for (size_t i = 0; i < ELEMENTSOF(keep); i++)
                if (keep[i] >= 0)
                        (void) fd_set_cloexec(keep[i], true);
        StrBuf scratch = {};
        output_streams_serialize(m, &scratch); /* cheap way to list them */
        for (char *p = scratch.data; p && *p;) {
                int sfd = atoi(p + strlen("stream="));
                (void) fd_set_cloexec(sfd, true);
                p = strchr(p, '\n');
                p = p ? p + 1 : NULL;
        }
        strbuf_done(&scratch);
}

void manager_schedule_reexec(Manager *m) {
        if (!m->reexec_defer && loop_add_defer(m->loop, manager_reexec, m, &m->reexec_defer) < 0)
                log_error("Failed to schedule reexecution.");
}

/* --- the new superd ------------------------------------------------------ */

static char *read_all(int fd) {
        StrBuf b = {};
        char buf[65536];
        ssize_t n;
        off_t off = 0;
        while ((n = pread(fd, buf, sizeof buf, off)) > 0 && b.len < SERIALIZE_MAX) {
                strbuf_append(&b, buf, (size_t) n);
                off += n;
        }
        strbuf_putc(&b, 0);
        if (b.oom) {
                strbuf_done(&b);
                return NULL;
        }
        return strbuf_steal(&b);
}

int manager_serialized_pid_fd(int fd) {
        char buf[64] = "";
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        if (n <= 0 || !startswith(buf, "pid-fd="))
                return -ENOENT;
        int pfd = atoi(buf + 7);
        if (pfd < 0 || fcntl(pfd, F_GETFD) < 0)
                return -ENOENT;
        (void) fd_set_cloexec(pfd, true);
        return pfd;
}

typedef struct UnitRestore {
        Unit *u;
        pid_t main_pid, control_pid;
        bool main_adopted;
        ServiceState state;
        usec_t timer_deadline;
        SocketState socket_state;
        int socket_fds[64];       /* by port index, -1 where none */
} UnitRestore;

#define UNIT_RESTORE_INIT(unit)                                                                     \
        ((UnitRestore) { .u = (unit), .state = _SERVICE_STATE_MAX, .timer_deadline = USEC_INFINITY, \
                         .socket_state = _SOCKET_STATE_MAX })

static void restore_socket_field(UnitRestore *x, const char *key, const char *val) {
        if (streq(key, "socket-state"))
                x->socket_state = socket_state_from_string(val);
        else if (streq(key, "socket-fd")) {
                unsigned idx;
                int fd;
                if (sscanf(val, "%u %d", &idx, &fd) != 2 || fd < 0 || fcntl(fd, F_GETFD) < 0)
                        return;
                (void) fd_set_cloexec(fd, true);
                if (idx < ELEMENTSOF(x->socket_fds) && x->socket_fds[idx] < 0)
                        x->socket_fds[idx] = fd;
                else
                        close(fd);
        }
}

static void restore_field(UnitRestore *x, const char *key, const char *val) {
        Unit *u = x->u;
        Service *s = &u->service;
        unsigned long long n = strtoull(val, NULL, 10);
        struct {
                const char *key;
                usec_t *field;
        } usecs[] = {
                { "state-change-ts", &u->state_change_timestamp },
                { "state-change-mono", &u->state_change_monotonic },
                { "active-enter-ts", &u->active_enter_timestamp },
                { "active-enter-mono", &u->active_enter_monotonic },
                { "active-exit-ts", &u->active_exit_timestamp },
                { "active-exit-mono", &u->active_exit_monotonic },
                { "inactive-enter-ts", &u->inactive_enter_timestamp },
                { "inactive-enter-mono", &u->inactive_enter_monotonic },
                { "inactive-exit-ts", &u->inactive_exit_timestamp },
                { "inactive-exit-mono", &u->inactive_exit_monotonic },
                { "exec-main-start-ts", &s->exec_main_start_timestamp },
                { "exec-main-start-mono", &s->exec_main_start_monotonic },
                { "exec-main-exit-ts", &s->exec_main_exit_timestamp },
                { "exec-main-exit-mono", &s->exec_main_exit_monotonic },
                { "start-limit-begin", &s->start_limit_begin },
                { "watchdog-override", &s->watchdog_override },
        };
        for (size_t i = 0; i < ELEMENTSOF(usecs); i++)
                if (streq(key, usecs[i].key)) {
                        *usecs[i].field = n;
                        return;
                }
        if (streq(key, "invocation-id")) {
                free(u->invocation_id);
                u->invocation_id = strdup(val);
        } else if (streq(key, "target-active"))
                u->target_active = n != 0;
        else if (streq(key, "state"))
                x->state = service_state_from_string(val);
        else if (streq(key, "result"))
                s->result = MIN(service_result_from_string(val), SERVICE_SKIP_CONDITION);
        else if (streq(key, "reload-result"))
                s->reload_result = MIN(service_result_from_string(val), SERVICE_SKIP_CONDITION);
        else if (streq(key, "main-pid"))
                x->main_pid = (pid_t) n;
        else if (streq(key, "main-adopted"))
                x->main_adopted = n != 0;
        else if (streq(key, "main-pgid"))
                s->main_pgid = (pid_t) n;
        else if (streq(key, "control-pid"))
                x->control_pid = (pid_t) n;
        else if (streq(key, "control-command") && n < _SERVICE_EXEC_COMMAND_MAX)
                s->control_command_id = (ServiceExecCommand) n;
        else if (streq(key, "control-index"))
                s->control_command_index = (size_t) n;
        else if (streq(key, "main-index"))
                s->main_command_index = (size_t) n;
        else if (streq(key, "exec-main-pid"))
                s->exec_main_pid = (pid_t) n;
        else if (streq(key, "exec-main-code"))
                s->exec_main_code = (int) n;
        else if (streq(key, "exec-main-status"))
                s->exec_main_status = (int) n;
        else if (streq(key, "n-restarts"))
                s->n_restarts = (unsigned) n;
        else if (streq(key, "restart-attempt"))
                s->restart_attempt = (unsigned) n;
        else if (streq(key, "stop-requested"))
                s->stop_requested = n != 0;
        else if (streq(key, "restart-after-stop"))
                s->restart_after_stop = n != 0;
        else if (streq(key, "status-errno"))
                s->status_errno = (int) n;
        else if (streq(key, "start-limit-count"))
                s->start_limit_count = (unsigned) n;
        else if (streq(key, "timer-deadline"))
                x->timer_deadline = n;
        else if (streq(key, "status-text")) {
                free(s->status_text);
                s->status_text = strdup(val);
        }
}

static void restore_unit(Manager *m, UnitRestore *x) {
        Unit *u = x->u;
        if (u->type == UNIT_SOCKET) {
                size_t n = ELEMENTSOF(x->socket_fds);
                if (socket_adopt(u, x->socket_state, x->socket_fds, n) < 0 &&
                    (x->socket_state == SOCKET_LISTENING || x->socket_state == SOCKET_RUNNING))
                        log_unit_warning(u->name, "Failed to listen again after reexecution.");
                u->last_active_state = unit_active_state(u);
                return;
        }
        if (u->type != UNIT_SERVICE) {
                u->last_active_state = unit_active_state(u);
                return;
        }
        if (x->state >= _SERVICE_STATE_MAX)
                x->state = SERVICE_DEAD;
        bool down = x->state == SERVICE_DEAD || x->state == SERVICE_FAILED;
        if (m->cgroup_root && !down)
                if (service_cgroup_attach_pid(u, x->main_pid) >= 0)
                        service_cgroup_spawned(u); /* the dir fd is opened again per spawn */
        if (x->main_pid > 0 && service_adopt_running(u, x->main_pid, !x->main_adopted) < 0)
                log_unit_warning(u->name, "Failed to watch main process %d again, ignoring.", (int) x->main_pid);
        if (x->control_pid > 0 && service_adopt_control(u, x->control_pid, true) < 0)
                log_unit_warning(u->name, "Failed to watch control process %d again, ignoring.", (int) x->control_pid);
        service_restore_state(u, x->state, false);
        /* The state record on disk already says this. */
        u->service.saved_state = x->state;
        u->service.saved_main_pid = x->main_pid;
        u->service.saved_control_pid = x->control_pid;
        u->service.saved_n_restarts = u->service.n_restarts;
        service_resume(u, x->timer_deadline);
}

static void deserialize_fds(Manager *m, const char *key, int fd) {
        if (fd < 0 || fcntl(fd, F_GETFD) < 0)
                return;
        (void) fd_set_cloexec(fd, true);
        if (streq(key, "control-fd") && !m->control) {
                if (control_server_adopt(m, m->control_path, fd, &m->control) < 0)
                        close(fd);
        } else if (streq(key, "notify-fd") && !m->notify) {
                if (notify_socket_adopt(m, fd, &m->notify) < 0)
                        close(fd);
        }
}

int manager_deserialize(Manager *m) {
        _cleanup_free_ char *text = read_all(m->deserialize_fd);
        m->deserialize_fd = safe_close(m->deserialize_fd);
        if (!text)
                return log_error_errno(-ENOMEM, "Failed to read the serialized state: %m");
        UnitRestore x = UNIT_RESTORE_INIT(NULL);
        size_t n_units = 0;
        for (char *line = text, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                char *val = strchr(line, '=');
                if (streq(line, "end")) {
                        if (x.u) {
                                restore_unit(m, &x);
                                n_units++;
                        }
                        x = UNIT_RESTORE_INIT(NULL);
                        continue;
                }
                if (!val)
                        continue;
                *val++ = 0;
                if (streq(line, "unit")) {
                        Unit *u = NULL;
                        if (manager_load_unit(m, val, &u) < 0)
                                log_warning("Failed to load unit '%s' after reexecution, ignoring.", val);
                        x = UNIT_RESTORE_INIT(u);
                        for (size_t i = 0; i < ELEMENTSOF(x.socket_fds); i++)
                                x.socket_fds[i] = -1;
                } else if (x.u && startswith(line, "socket-"))
                        restore_socket_field(&x, line, val);
                else if (x.u)
                        restore_field(&x, line, val);
                else if (streq(line, "stream"))
                        output_stream_deserialize(m, val);
                else if (!streq(line, "pid-fd"))
                        deserialize_fds(m, line, atoi(val));
        }
        log_info("Deserialized %zu units after reexecution.", n_units);
        return 0;
}
