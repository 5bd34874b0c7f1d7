#include "control-server.h"
#include "job.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "control/protocol.h"
#include "lib/log.h"
#include "lib/strv.h"
#include "manager.h"

struct ControlServer {
        Manager *manager;
        int fd;
        LoopSource *source;
        ControlConn *conns;
        size_t n_conns;
        char *path;
};

static void control_conn_free(ControlConn *c) {
        ControlServer *s = c->server;
        for (size_t i = 0; i < c->n_waiters; i++)
                if (c->waited_units[i])
                        unit_remove_waiter(c->waited_units[i], &c->waiters[i]);
        free(c->waiters);
        free(c->waited_units);
        if (c->prev)
                c->prev->next = c->next;
        else if (s->conns == c)
                s->conns = c->next;
        if (c->next)
                c->next->prev = c->prev;
        s->n_conns--;
        loop_source_free(c->source);
        safe_close(c->fd);
        strbuf_done(&c->in);
        strbuf_done(&c->out);
        strbuf_done(&c->err_text);
        strbuf_done(&c->out_text);
        free(c);
}

static void control_conn_flush(ControlConn *c) {
        while (c->out_done < c->out.len) {
                ssize_t k = send(c->fd, c->out.data + c->out_done, c->out.len - c->out_done,
                                 MSG_NOSIGNAL | MSG_DONTWAIT);
                if (k < 0 && errno == EAGAIN) {
                        (void) loop_io_set_events(c->source, EPOLLOUT);
                        return;
                }
                if (k <= 0)
                        break;
                c->out_done += (size_t) k;
        }
        control_conn_free(c);
}

void control_conn_answer(ControlConn *c) {
        char code[16];
        snprintf(code, sizeof code, "%d", c->code);
        char *fields[] = { (char *) CONTROL_PROTOCOL, code, c->err_text.data ? c->err_text.data : (char *) "",
                           c->out_text.data ? c->out_text.data : (char *) "" };
        c->answered = true;
        control_frame_append(&c->out, fields, ELEMENTSOF(fields));
        if (c->out.oom) {
                control_conn_free(c);
                return;
        }
        control_conn_flush(c);
}

void control_conn_errorf(ControlConn *c, int code, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        strbuf_vprintf(&c->err_text, fmt, ap);
        va_end(ap);
        strbuf_putc(&c->err_text, '\n');
        if (code > c->code)
                c->code = code;
}

static bool control_conn_allowed(ControlConn *c, const ControlVerb *v) {
        return !v->changes || c->uid == 0 || c->uid == c->manager->owner_uid;
}

static void control_conn_dispatch(ControlConn *c, char **fields) {
        size_t n = strv_length(fields);
        if (n < 2 || !streq(fields[0], CONTROL_PROTOCOL)) {
                control_conn_errorf(c, 1, "Protocol error: expected '%s'.", CONTROL_PROTOCOL);
                control_conn_answer(c);
                return;
        }
        const ControlVerb *v = control_verb_lookup(fields[1]);
        if (!v) {
                control_conn_errorf(c, 1, "Unknown operation '%s'.", fields[1]);
                control_conn_answer(c);
                return;
        }
        if (!control_conn_allowed(c, v)) {
                log_notice("Refused '%s' from uid %u (pid %d): access denied.", v->name, (unsigned) c->uid,
                           (int) c->pid);
                control_conn_errorf(c, 4, "Failed to %s: Access denied", v->name);
                control_conn_answer(c);
                return;
        }
        if (v->handler(c, fields + 2))
                control_conn_answer(c);
}

static void control_conn_event(LoopSource *src, int fd, uint32_t events, void *userdata) {
        ControlConn *c = userdata;
        if (c->answered) {
                if (events & (EPOLLERR | EPOLLHUP) && !(events & EPOLLOUT)) {
                        control_conn_free(c);
                        return;
                }
                control_conn_flush(c);
                return;
        }
        char buf[8192];
        ssize_t k = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (k < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        if (k <= 0) {
                /* The client went away (maybe while waiting for a job). */
                control_conn_free(c);
                return;
        }
        if (c->n_waiters > 0)
                return; /* a request is being served; extra bytes are ignored */
        strbuf_append(&c->in, buf, (size_t) k);
        char **fields = NULL;
        size_t used;
        int r = c->in.len > CONTROL_REQUEST_MAX + 4 ? -EBADMSG
                                                    : control_frame_parse(c->in.data, c->in.len, &fields, &used);
        if (r == 0)
                return;
        if (r < 0) {
                log_debug("Garbage on the control socket from pid %d, closing.", (int) c->pid);
                control_conn_errorf(c, 1, "Protocol error: malformed request.");
                control_conn_answer(c);
                return;
        }
        (void) loop_io_set_events(c->source, EPOLLRDHUP);
        control_conn_dispatch(c, fields);
        strv_free(fields);
}

/* At the connection limit, the oldest connection that is not waiting for a
 * job makes room, so idle or stalled clients cannot lock everyone out. */
static void control_server_evict_oldest(ControlServer *s) {
        ControlConn *victim = NULL;
        for (ControlConn *c = s->conns; c; c = c->next)
                if (c->n_pending == 0)
                        victim = c; /* the list is newest first */
        if (victim) {
                log_debug("Too many control connections, closing the oldest (pid %d).", (int) victim->pid);
                control_conn_free(victim);
        }
}

static void control_server_accept(LoopSource *src, int fd, uint32_t events, void *userdata) {
        ControlServer *s = userdata;
        for (int i = 0; i < 16; i++) {
                int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                if (cfd < 0)
                        return;
                if (s->n_conns >= CONTROL_CONNECTIONS_MAX)
                        control_server_evict_oldest(s);
                struct ucred cred;
                socklen_t len = sizeof cred;
                ControlConn *c = s->n_conns < CONTROL_CONNECTIONS_MAX ? calloc(1, sizeof(ControlConn)) : NULL;
                if (!c || getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
                        free(c);
                        close(cfd);
                        continue;
                }
                c->server = s;
                c->manager = s->manager;
                c->fd = cfd;
                c->uid = cred.uid;
                c->pid = cred.pid;
                if (loop_add_io(s->manager->loop, cfd, EPOLLIN, control_conn_event, c, &c->source) < 0) {
                        free(c);
                        close(cfd);
                        continue;
                }
                c->next = s->conns;
                if (s->conns)
                        s->conns->prev = c;
                s->conns = c;
                s->n_conns++;
        }
}

int control_server_new(Manager *m, const char *path, ControlServer **ret) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof sa.sun_path)
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        ControlServer *s = calloc(1, sizeof(ControlServer));
        if (!s)
                return -ENOMEM;
        s->manager = m;
        s->path = strdup(path);
        s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        int r = s->fd < 0 || !s->path ? -ENOMEM : 0;
        if (r == 0) {
                /* The pid file lock says no other instance owns this path. */
                (void) unlink(path);
                if (bind(s->fd, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(s->fd, 128) < 0)
                        r = negative_errno();
        }
        /* Everyone may connect; SO_PEERCRED decides what they may do. */
        if (r == 0 && chmod(path, 0666) < 0)
                r = negative_errno();
        if (r == 0)
                r = loop_add_io(m->loop, s->fd, EPOLLIN, control_server_accept, s, &s->source);
        if (r < 0) {
                control_server_free(s);
                return r;
        }
        *ret = s;
        return 0;
}

int control_server_adopt(Manager *m, const char *path, int fd, ControlServer **ret) {
        ControlServer *s = calloc(1, sizeof(ControlServer));
        if (!s)
                return -ENOMEM;
        s->manager = m;
        s->fd = -1;
        s->path = strdup(path);
        int r = s->path ? loop_add_io(m->loop, fd, EPOLLIN, control_server_accept, s, &s->source) : -ENOMEM;
        if (r < 0) {
                control_server_free(s); /* fd stays the caller's */
                return r;
        }
        s->fd = fd;
        *ret = s;
        return 0;
}

int control_server_fd(const ControlServer *s) {
        return s ? s->fd : -1;
}

ControlServer *control_server_free(ControlServer *s) {
        if (!s)
                return NULL;
        while (s->conns)
                control_conn_free(s->conns);
        loop_source_free(s->source);
        if (s->fd >= 0) {
                close(s->fd);
                if (s->path)
                        (void) unlink(s->path);
        }
        free(s->path);
        free(s);
        return NULL;
}
