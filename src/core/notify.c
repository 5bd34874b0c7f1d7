/* notify.c — the notify socket; see notify.h. */
#include "notify.h"

#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "control/protocol.h"
#include "lib/log.h"
#include "lib/timespan.h"
#include "manager.h"
#include "notify-parse.h"

/* The kernel passes at most SCM_MAX_FD (253) fds in one message. */
#define NOTIFY_FDS_MAX 253
/* Datagrams handled per wake-up, so a flood cannot starve the rest of the loop. */
#define NOTIFY_BATCH 64
/* Queue room for bursts from many services, as systemd sizes its own. */
#define NOTIFY_RCVBUF (8 * 1024 * 1024)

static bool notify_log_allowed(usec_t *last) {
        usec_t now = now_monotonic();
        if (*last != 0 && now - *last < NOTIFY_LOG_INTERVAL)
                return false;
        *last = now;
        return true;
}

static void notify_io(LoopSource *s, int fd, uint32_t events, void *userdata);

int notify_socket_new(Manager *m, NotifySocket **ret) {
        NotifySocket *n = calloc(1, sizeof(NotifySocket));
        if (!n)
                return log_error_errno(-ENOMEM, "Failed to set up the notify socket: %m");
        n->manager = m;
        n->fd = -1;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int r;
        if (asprintf(&n->path, "%s/notify", m->runtime_dir) < 0) {
                n->path = NULL;
                r = -ENOMEM;
                goto fail;
        }
        if (strlen(n->path) >= sizeof sa.sun_path) {
                r = -ENAMETOOLONG;
                goto fail;
        }
        strcpy(sa.sun_path, n->path);
        n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (n->fd < 0) {
                r = negative_errno();
                goto fail;
        }
        int one = 1, size = NOTIFY_RCVBUF;
        if (setsockopt(n->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one) < 0) {
                r = negative_errno();
                goto fail;
        }
        if (setsockopt(n->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
                (void) setsockopt(n->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        (void) unlink(n->path);
        if (bind(n->fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                r = negative_errno();
                goto fail;
        }
        /* Services running as other users must reach it (systemd's is 0777 too);
         * who sent what is decided by SCM_CREDENTIALS, not by the file mode. */
        (void) chmod(n->path, 0777);
        r = loop_add_io(m->loop, n->fd, EPOLLIN, notify_io, n, &n->source);
        if (r < 0)
                goto fail;
        *ret = n;
        return 0;
fail:
        log_warning_errno(r, "Failed to set up the notify socket '%s', Type=notify will not work: %m",
                          strempty(n->path));
        notify_socket_free(n);
        return r;
}

int notify_socket_adopt(Manager *m, int fd, NotifySocket **ret) {
        NotifySocket *n = calloc(1, sizeof(NotifySocket));
        if (!n)
                return -ENOMEM;
        n->manager = m;
        n->fd = fd;
        int r = asprintf(&n->path, "%s/notify", m->runtime_dir) < 0 ? -ENOMEM : 0;
        if (r < 0)
                n->path = NULL;
        if (r == 0)
                r = loop_add_io(m->loop, fd, EPOLLIN, notify_io, n, &n->source);
        if (r < 0) {
                n->fd = -1; /* the caller still owns fd */
                notify_socket_free(n);
                return r;
        }
        *ret = n;
        return 0;
}

NotifySocket *notify_socket_free(NotifySocket *n) {
        if (!n)
                return NULL;
        loop_source_free(n->source);
        if (n->fd >= 0 && n->path)
                (void) unlink(n->path);
        safe_close(n->fd);
        free(n->path);
        free(n);
        return NULL;
}

/* Who the sender is to its unit. */
typedef enum NotifySender {
        NOTIFY_SENDER_MAIN,
        NOTIFY_SENDER_CONTROL,
        NOTIFY_SENDER_OTHER,
} NotifySender;

static bool notify_access_allows(NotifyAccess a, NotifySender who) {
        switch (a) {
        case NOTIFY_ALL:
                return true;
        case NOTIFY_EXEC:
                return who != NOTIFY_SENDER_OTHER;
        case NOTIFY_MAIN:
                return who == NOTIFY_SENDER_MAIN;
        default:
                return false;
        }
}

static void notify_log_denied(Unit *u, NotifyAccess a, pid_t pid) {
        Service *s = &u->service;
        if (!notify_log_allowed(&s->notify_log_last))
                return;
        if (a == NOTIFY_NONE)
                log_unit_warning(u->name, "Got notification message from PID %d, but reception is disabled.",
                                 (int) pid);
        else if (a == NOTIFY_MAIN)
                log_unit_warning(u->name,
                                 "Got notification message from PID %d, but reception only permitted for main "
                                 "PID %d.", (int) pid, (int) s->main_pid.pid);
        else
                log_unit_warning(u->name,
                                 "Got notification message from PID %d, but reception only permitted for main "
                                 "PID and control PID.", (int) pid);
}

/* A parsed datagram from pid: find its unit, check NotifyAccess=, apply. */
static void notify_dispatch(NotifySocket *n, const NotifyMessage *msg, const struct ucred *cred, size_t n_fds) {
        /* A barrier (BARRIER=1 alone, with its one fd) asks for nothing but
         * the closing of that fd, which happens for every message: no unit,
         * no access check (systemd-notify sends it from its own pid). */
        if (msg->fields == NOTIFY_BARRIER && msg->n_unknown == 0 && msg->n_invalid == 0) {
                n->stats.barriers++;
                return;
        }
        Unit *u = manager_unit_by_pid(n->manager, cred->pid);
        if (!u) {
                n->stats.dropped_foreign++;
                if (notify_log_allowed(&n->foreign_log_last))
                        log_warning("Cannot find unit for notification message of PID %d, ignoring.",
                                    (int) cred->pid);
                return;
        }
        Service *s = &u->service;
        NotifySender who = cred->pid == s->main_pid.pid      ? NOTIFY_SENDER_MAIN
                           : cred->pid == s->control_pid.pid ? NOTIFY_SENDER_CONTROL
                                                             : NOTIFY_SENDER_OTHER;
        NotifyAccess a = service_notify_access(u);
        if (!notify_access_allows(a, who)) {
                n->stats.dropped_denied++;
                notify_log_denied(u, a, cred->pid);
                return;
        }
        n->stats.accepted++;
        if ((msg->fields & NOTIFY_FDSTORE) || (n_fds > 0 && !(msg->fields & NOTIFY_BARRIER))) {
                if (!s->fdstore_warned)
                        log_unit_warning(u->name, "File descriptor store (FDSTORE=) is not supported, "
                                                  "closing the file descriptors sent, ignoring.");
                s->fdstore_warned = true;
        }
        if (msg->n_invalid && notify_log_allowed(&s->notify_log_last))
                log_unit_warning(u->name, "Notification message from PID %d has %u invalid assignment(s), "
                                          "ignoring them.", (int) cred->pid, msg->n_invalid);
        if ((msg->fields & NOTIFY_MAINPID) && !service_notify_main_pid_ok(u, msg->main_pid, who == NOTIFY_SENDER_MAIN,
                                                                           cred->uid)) {
                n->stats.main_pid_refused++;
                NotifyMessage copy = *msg;
                copy.fields &= ~(unsigned) NOTIFY_MAINPID;
                service_notify_message(u, &copy, cred->pid);
                return;
        }
        service_notify_message(u, msg, cred->pid);
}

static void notify_close_fds(NotifySocket *n, struct msghdr *mh) {
        for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                int *fds = (int *) CMSG_DATA(c);
                for (size_t i = 0; i < k; i++) {
                        int fd;
                        memcpy(&fd, fds + i, sizeof fd);
                        safe_close(fd);
                        n->stats.fds_closed++;
                }
        }
}

static void notify_handle(NotifySocket *n, const char *buf, ssize_t size, struct msghdr *mh) {
        const struct ucred *cred = NULL;
        size_t n_fds = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
                if (c->cmsg_level != SOL_SOCKET)
                        continue;
                if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
                        cred = (const struct ucred *) CMSG_DATA(c);
                else if (c->cmsg_type == SCM_RIGHTS)
                        n_fds += (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        }
        if (size > NOTIFY_MESSAGE_MAX || (mh->msg_flags & MSG_TRUNC)) {
                n->stats.dropped_oversized++;
                if (notify_log_allowed(&n->foreign_log_last))
                        log_warning("Got an overly long notification datagram (%zd bytes), ignoring.", size);
                return;
        }
        if (!cred || cred->pid <= 0) {
                n->stats.dropped_no_credentials++;
                if (notify_log_allowed(&n->foreign_log_last))
                        log_warning("Got a notification datagram without valid credentials, ignoring.");
                return;
        }
        NotifyMessage msg;
        int r = (mh->msg_flags & MSG_CTRUNC) ? -EBADMSG : notify_message_parse(buf, (size_t) size, &msg);
        if (r < 0) {
                n->stats.dropped_malformed++;
                Unit *u = manager_unit_by_pid(n->manager, cred->pid);
                if (notify_log_allowed(u ? &u->service.notify_log_last : &n->foreign_log_last))
                        log_internal(LOG_WARNING, r, u ? u->name : NULL,
                                     "Got a malformed notification datagram from PID %d, ignoring: %m",
                                     (int) cred->pid);
                return;
        }
        notify_dispatch(n, &msg, cred, n_fds);
        notify_message_done(&msg);
}

/* Receives and handles one datagram. Returns false when none was queued. */
static bool notify_receive_one(NotifySocket *n) {
        char buf[NOTIFY_MESSAGE_MAX + 1];
        union {
                struct cmsghdr align;
                uint8_t data[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * NOTIFY_FDS_MAX)];
        } ctl;
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &ctl, .msg_controllen = sizeof ctl };
        ssize_t k = recvmsg(n->fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT | MSG_TRUNC);
        if (k < 0) {
                if (errno != EAGAIN && errno != EINTR)
                        log_debug("Failed to receive a notification message: %m");
                return false;
        }
        n->stats.received++;
        notify_handle(n, buf, k, &mh);
        /* Whatever happened to the message: every fd it carried is closed
         * now (systemd-notify's BARRIER=1 waits for exactly that). */
        notify_close_fds(n, &mh);
        return true;
}

static void notify_io(LoopSource *s, int fd, uint32_t events, void *userdata) {
        NotifySocket *n = userdata;
        for (unsigned i = 0; i < NOTIFY_BATCH && notify_receive_one(n); i++)
                ;
}

void notify_socket_drain(NotifySocket *n) {
        if (!n)
                return;
        /* Bounded: what a flooding sender adds meanwhile waits for the next wake-up. */
        for (unsigned i = 0; i < 16 * NOTIFY_BATCH && notify_receive_one(n); i++)
                ;
}

void notify_append_properties(const NotifySocket *n, StrBuf *b) {
        const NotifyStats *st = n ? &n->stats : &(NotifyStats) {};
        uint64_t dropped = st->dropped_oversized + st->dropped_malformed + st->dropped_no_credentials +
                           st->dropped_foreign + st->dropped_denied;
        control_record_add(b, "NotifySocket", n ? n->path : "");
        control_record_addf(b, "NotifyReceived", "%llu", (unsigned long long) st->received);
        control_record_addf(b, "NotifyAccepted", "%llu", (unsigned long long) st->accepted);
        control_record_addf(b, "NotifyDropped", "%llu", (unsigned long long) dropped);
        control_record_addf(b, "NotifyDroppedOversized", "%llu", (unsigned long long) st->dropped_oversized);
        control_record_addf(b, "NotifyDroppedMalformed", "%llu", (unsigned long long) st->dropped_malformed);
        control_record_addf(b, "NotifyDroppedNoCredentials", "%llu",
                            (unsigned long long) st->dropped_no_credentials);
        control_record_addf(b, "NotifyDroppedForeign", "%llu", (unsigned long long) st->dropped_foreign);
        control_record_addf(b, "NotifyDroppedDenied", "%llu", (unsigned long long) st->dropped_denied);
        control_record_addf(b, "NotifyMainPIDRefused", "%llu", (unsigned long long) st->main_pid_refused);
        control_record_addf(b, "NotifyBarriers", "%llu", (unsigned long long) st->barriers);
        control_record_addf(b, "NotifyFDsClosed", "%llu", (unsigned long long) st->fds_closed);
}
