/* syslog-server.c — receives syslog datagrams (SOCK_DGRAM, SO_PASSCRED) and
 * writes them to the journal, attributed to the unit whose process sent
 * them. A bounded number of datagrams per wake-up, then one journal write. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "journal/journal.h"
#include "journal/syslog-parse.h"
#include "lib/log.h"
#include "manager.h"
#include "syslog-server.h"

struct SyslogServer {
        Manager *manager;
        int fd;
        char *path;
        LoopSource *source;
        char *buf;
};

#define SYSLOG_DATAGRAM_MAX (64 * 1024 + 1)

static void syslog_readable(LoopSource *src, int fd, uint32_t events, void *userdata) {
        SyslogServer *s = userdata;
        Manager *m = s->manager;
        for (int i = 0; i < 64; i++) {
                union {
                        struct cmsghdr h;
                        char buf[CMSG_SPACE(sizeof(struct ucred))];
                } control;
                struct iovec iov = { .iov_base = s->buf, .iov_len = SYSLOG_DATAGRAM_MAX };
                struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
                                     .msg_controllen = sizeof control };
                ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
                if (n < 0)
                        break;
                struct ucred cred = { .pid = 0, .uid = (uid_t) -1, .gid = (gid_t) -1 };
                for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
                        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
                            c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
                                memcpy(&cred, CMSG_DATA(c), sizeof cred);
                        else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                                /* Nobody should send us descriptors: close them. */
                                int *fds = (int *) CMSG_DATA(c);
                                size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                                for (size_t j = 0; j < k; j++)
                                        close(fds[j]);
                        }
                }
                if ((size_t) n >= SYSLOG_DATAGRAM_MAX)
                        n = SYSLOG_DATAGRAM_MAX - 1;
                SyslogMessage msg;
                syslog_parse(s->buf, (size_t) n, &msg);
                if (msg.msg_len == 0 && n == 0)
                        continue;
                pid_t pid = cred.pid > 0 ? cred.pid : (pid_t) msg.pid;
                Unit *u = cred.pid > 0 ? manager_unit_by_pid(m, cred.pid) : NULL;
                char ident[256];
                size_t il = msg.ident_len < sizeof ident ? msg.ident_len : sizeof ident - 1;
                if (il)
                        memcpy(ident, msg.ident, il);
                ident[il] = 0;
                /* As for output lines, a message over the line limit is split. */
                size_t off = 0;
                do {
                        size_t k = msg.msg_len - off > JOURNAL_LINE_MAX ? JOURNAL_LINE_MAX : msg.msg_len - off;
                        manager_journal_line(m, u ? u->name : "syslog", il ? ident : NULL, pid, cred.uid,
                                             msg.priority, msg.facility, JOURNAL_STREAM_SYSLOG, msg.msg + off, k);
                        off += k;
                } while (off < msg.msg_len);
        }
        manager_journal_flush(m);
}

static bool socket_in_use(const char *path) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        strncpy(sa.sun_path, path, sizeof sa.sun_path - 1);
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return false;
        bool used = connect(fd, (struct sockaddr *) &sa, sizeof sa) == 0;
        close(fd);
        return used;
}

SyslogServer *syslog_server_free(SyslogServer *s) {
        if (!s)
                return NULL;
        loop_source_free(s->source);
        if (s->fd >= 0) {
                close(s->fd);
                (void) unlink(s->path);
        }
        free(s->path);
        free(s->buf);
        free(s);
        return NULL;
}

int syslog_server_new(Manager *m, SyslogServer **ret) {
        *ret = NULL;
        const JournalConfig *c = &m->config.journal;
        char path[4096];
        if (c->syslog_socket_set)
                snprintf(path, sizeof path, "%s", c->syslog_socket);
        else if (m->scope == MANAGER_SYSTEM && !*m->root)
                snprintf(path, sizeof path, "/dev/log");
        else
                snprintf(path, sizeof path, "%s/syslog", m->runtime_dir);
        if (!path[0] || !m->journal)
                return 0;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof sa.sun_path)
                return log_warning_errno(-ENAMETOOLONG, "Syslog socket path '%s' is too long, not listening.", path);
        if (socket_in_use(path)) {
                log_warning("Syslog socket '%s' is in use by another program, not listening there.", path);
                return 0;
        }
        SyslogServer *s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->manager = m;
        s->path = strdup(path);
        s->buf = malloc(SYSLOG_DATAGRAM_MAX);
        s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (!s->path || !s->buf || s->fd < 0) {
                int r = s->fd < 0 ? -errno : -ENOMEM;
                s->fd = -1;
                syslog_server_free(s);
                return log_warning_errno(r, "Failed to create the syslog socket: %m");
        }
        strcpy(sa.sun_path, path);
        (void) unlink(path);
        int one = 1, size = 8 << 20;
        (void) setsockopt(s->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof one);
        (void) setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        mode_t old = umask(0);
        int r = bind(s->fd, (struct sockaddr *) &sa, sizeof sa) < 0 ? -errno : 0;
        umask(old);
        if (r < 0) {
                close(s->fd);
                s->fd = -1;
                syslog_server_free(s);
                return log_warning_errno(r, "Failed to listen on syslog socket '%s', ignoring: %m", path);
        }
        r = loop_add_io(m->loop, s->fd, EPOLLIN, syslog_readable, s, &s->source);
        if (r < 0) {
                syslog_server_free(s);
                return r;
        }
        *ret = s;
        return 0;
}
