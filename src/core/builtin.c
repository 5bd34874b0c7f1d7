/* builtin.c — echo, discard, chargen, daytime, time and proxy answered in
 * the manager (see builtin.h). */
#include "builtin.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "manager.h"
#include "unit.h"

#define BUILTIN_BUF 65536
#define CHARGEN_LINE 72
#define CHARGEN_CHARS 95

/* One direction of a relay: bytes read from `from`, not yet written to `to`. */
typedef struct Pipe {
        char *buf;
        size_t len, off;
        bool eof;      /* the reading side ended */
        bool shut;     /* the writing side was shut down after eof */
} Pipe;

struct BuiltinConn {
        Socket *socket;
        BuiltinConn *next, *prev;
        SocketBuiltin kind;
        int fd, peer_fd;                /* peer: proxy only */
        LoopSource *io, *peer_io;
        uint32_t events, peer_events;   /* what is being watched now */
        Pipe in;                        /* client -> (echo: client; proxy: peer) */
        Pipe out;                       /* proxy: peer -> client */
        bool connecting;                /* proxy: connect() in progress */
        bool tcp;                       /* a short read empties the socket (see echo_step) */
        uint64_t chargen_pos;
        char *source_key;
};

size_t builtin_chargen_fill(char *buf, size_t size, uint64_t *pos) {
        size_t n = 0;
        uint64_t p = *pos;
        while (n < size) {
                uint64_t line = p / (CHARGEN_LINE + 2), col = p % (CHARGEN_LINE + 2);
                if (col < CHARGEN_LINE)
                        buf[n] = (char) (' ' + (line + col) % CHARGEN_CHARS);
                else
                        buf[n] = col == CHARGEN_LINE ? '\r' : '\n';
                n++;
                p++;
        }
        *pos = p;
        return n;
}

void builtin_time_bytes(time_t now, uint8_t out[4]) {
        uint32_t v = (uint32_t) ((uint64_t) now + 2208988800ULL);
        out[0] = (uint8_t) (v >> 24);
        out[1] = (uint8_t) (v >> 16);
        out[2] = (uint8_t) (v >> 8);
        out[3] = (uint8_t) v;
}

static size_t daytime_text(char *buf, size_t size) {
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        size_t n = strftime(buf, size, "%A, %B %d, %Y %H:%M:%S-%Z\r\n", &tm);
        return n;
}

static void pipe_done(Pipe *p) {
        free(p->buf);
        *p = (Pipe) {};
}

BuiltinConn *builtin_conn_free(BuiltinConn *c) {
        if (!c)
                return NULL;
        Socket *s = c->socket;
        if (c->prev)
                c->prev->next = c->next;
        else if (s->builtins == c)
                s->builtins = c->next;
        if (c->next)
                c->next->prev = c->prev;
        c->io = loop_source_free(c->io);
        c->peer_io = loop_source_free(c->peer_io);
        safe_close(c->fd);
        safe_close(c->peer_fd);
        pipe_done(&c->in);
        pipe_done(&c->out);
        socket_connection_closed(s, c->source_key);
        free(c->source_key);
        free(c);
        return NULL;
}

void builtin_free_all(Socket *s) {
        while (s->builtins)
                builtin_conn_free(s->builtins);
}

static void set_events(LoopSource *src, uint32_t *cur, uint32_t want) {
        if (src && *cur != want && loop_io_set_events(src, want) >= 0)
                *cur = want;
}

/* Moves bytes from p to fd. 0 ok (maybe partial), -1 fatal. */
static int pipe_flush(Pipe *p, int fd) {
        while (p->off < p->len) {
                ssize_t n = send(fd, p->buf + p->off, p->len - p->off, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (n < 0)
                        return errno == EAGAIN || errno == EINTR ? 0 : -1;
                p->off += (size_t) n;
        }
        p->off = p->len = 0;
        return 0;
}

/* Reads into p's free space from fd; sets eof. 1: the socket is empty for
 * now (a read came back short or would block; new data raises a new
 * edge), 0: the buffer filled first, -1 fatal. */
static int pipe_fill(Pipe *p, int fd) {
        if (!p->buf && !(p->buf = malloc(BUILTIN_BUF)))
                return -1;
        if (p->off > 0 && p->off == p->len)
                p->off = p->len = 0;
        while (p->len < BUILTIN_BUF && !p->eof) {
                size_t want = BUILTIN_BUF - p->len;
                ssize_t n = recv(fd, p->buf + p->len, want, MSG_DONTWAIT);
                if (n < 0)
                        return errno == EAGAIN || errno == EINTR ? 1 : -1;
                if (n == 0)
                        p->eof = true;
                p->len += (size_t) n;
                if ((size_t) n < want)
                        return 1;
        }
        return 0;
}

/* How much echo moves per wake-up before it lets the loop serve others. */
#define ECHO_BUDGET (16U * BUILTIN_BUF)

/* echo: registered edge-triggered for both directions, so the
 * registration never changes. Reads go to the manager's scratch buffer and
 * straight back out; only what the socket will not take now is copied to
 * the connection's own buffer, which is written first on the next EPOLLOUT
 * edge, before anything more is read.
 *
 * On TCP a read shorter than asked means the socket is empty (data arriving
 * later raises a new edge), which saves the read that would say EAGAIN,
 * except when this wake-up also announced the peer's end or urgent data:
 * those raise no new edge, and a read stops short at the urgent mark, so
 * then (and on other socket types, where a read returns one message) it
 * reads on to EAGAIN. After ECHO_BUDGET bytes the registration is modified
 * to itself, which queues a new edge if there is more, and the loop serves
 * others first. Ends when everything read before EOF has gone back (or on
 * an error). */
static bool echo_step(BuiltinConn *c, uint32_t events) {
        Manager *m = c->socket->unit->manager;
        if (!m->builtin_scratch && !(m->builtin_scratch = malloc(BUILTIN_BUF)))
                return false;
        bool drained = false;
        size_t moved = 0;
        for (;;) {
                if (c->in.len > c->in.off) {
                        if (pipe_flush(&c->in, c->fd) < 0)
                                return false;
                        if (c->in.len > c->in.off)
                                return true; /* wait for EPOLLOUT */
                }
                if (c->in.eof)
                        return false;
                if (drained)
                        return true; /* wait for EPOLLIN */
                if (moved >= ECHO_BUDGET) {
                        (void) loop_io_set_events(c->io, c->events);
                        return true;
                }
                ssize_t n = recv(c->fd, m->builtin_scratch, BUILTIN_BUF, MSG_DONTWAIT);
                if (n < 0)
                        return errno == EAGAIN || errno == EINTR;
                if (n == 0) {
                        c->in.eof = true;
                        continue;
                }
                moved += (size_t) n;
                drained = c->tcp && (size_t) n < BUILTIN_BUF &&
                          !(events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR | EPOLLPRI));
                Pipe sent = { .buf = m->builtin_scratch, .len = (size_t) n };
                if (pipe_flush(&sent, c->fd) < 0)
                        return false;
                if (sent.len > sent.off) {
                        if (!c->in.buf && !(c->in.buf = malloc(BUILTIN_BUF)))
                                return false;
                        memcpy(c->in.buf, sent.buf + sent.off, sent.len - sent.off);
                        c->in.off = 0;
                        c->in.len = sent.len - sent.off;
                }
        }
}

static bool discard_step(BuiltinConn *c, uint32_t events) {
        char buf[16384];
        for (;;) {
                ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
                if (n == 0)
                        return false;
                if (n < 0)
                        return errno == EAGAIN || errno == EINTR;
        }
}

/* chargen: writes only when the peer can take it; input is discarded and
 * its end closes the connection. */
static bool chargen_step(BuiltinConn *c, uint32_t events) {
        if ((events & EPOLLIN) && !discard_step(c, events))
                return false;
        if (events & (EPOLLERR | EPOLLHUP))
                return false;
        if (!(events & EPOLLOUT))
                return true;
        char buf[16384];
        for (int i = 0; i < 8; i++) {
                uint64_t pos = c->chargen_pos;
                size_t n = builtin_chargen_fill(buf, sizeof buf, &pos);
                ssize_t w = send(c->fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
                if (w < 0)
                        return errno == EAGAIN || errno == EINTR;
                c->chargen_pos += (uint64_t) w;
                if ((size_t) w < n)
                        break;
        }
        return true;
}

/* daytime/time: one answer, then close once it is written. */
static bool oneshot_step(BuiltinConn *c, uint32_t events) {
        if (events & (EPOLLERR | EPOLLHUP))
                return false;
        if (c->in.len > c->in.off && pipe_flush(&c->in, c->fd) < 0)
                return false;
        if (c->in.len > c->in.off) {
                set_events(c->io, &c->events, EPOLLOUT);
                return true;
        }
        shutdown(c->fd, SHUT_WR);
        return false;
}

/* proxy: two pipes between the client and the peer, each bounded. */
static bool proxy_update(BuiltinConn *c) {
        Pipe *up = &c->in, *down = &c->out;
        if (up->eof && up->len == up->off && !up->shut) {
                shutdown(c->peer_fd, SHUT_WR);
                up->shut = true;
        }
        if (down->eof && down->len == down->off && !down->shut) {
                shutdown(c->fd, SHUT_WR);
                down->shut = true;
        }
        if (up->shut && down->shut)
                return false;
        uint32_t ce = (!up->eof && up->len < BUILTIN_BUF ? EPOLLIN : 0) | (down->len > down->off ? EPOLLOUT : 0);
        uint32_t pe = c->connecting ? EPOLLOUT
                                    : (!down->eof && down->len < BUILTIN_BUF ? EPOLLIN : 0) |
                                              (up->len > up->off ? EPOLLOUT : 0);
        set_events(c->io, &c->events, c->connecting ? 0 : ce);
        set_events(c->peer_io, &c->peer_events, pe);
        return true;
}

static bool proxy_client_step(BuiltinConn *c, uint32_t events) {
        if ((events & EPOLLIN) && pipe_fill(&c->in, c->fd) < 0)
                return false;
        if ((events & EPOLLOUT) && pipe_flush(&c->out, c->fd) < 0)
                return false;
        if ((events & EPOLLERR) || ((events & EPOLLHUP) && !(events & EPOLLIN)))
                return false;
        if (!c->connecting && c->in.len > c->in.off && pipe_flush(&c->in, c->peer_fd) < 0)
                return false;
        return proxy_update(c);
}

static bool proxy_peer_step(BuiltinConn *c, uint32_t events) {
        if (c->connecting) {
                int err = 0;
                socklen_t len = sizeof err;
                if (getsockopt(c->peer_fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
                        log_unit_warning(c->socket->unit->name, "Failed to connect to %s: %s",
                                         unit_settings(c->socket->unit)->socket.proxy_to, strerror(err ? err : errno));
                        return false;
                }
                c->connecting = false;
                events |= EPOLLOUT;
        }
        if ((events & EPOLLIN) && pipe_fill(&c->out, c->peer_fd) < 0)
                return false;
        if ((events & EPOLLOUT) && pipe_flush(&c->in, c->peer_fd) < 0)
                return false;
        if ((events & EPOLLERR) || ((events & EPOLLHUP) && !(events & EPOLLIN)))
                return false;
        if (c->out.len > c->out.off && pipe_flush(&c->out, c->fd) < 0)
                return false;
        return proxy_update(c);
}

static void conn_io(LoopSource *src, int fd, uint32_t events, void *userdata) {
        BuiltinConn *c = userdata;
        bool keep;
        switch (c->kind) {
        case SOCKET_BUILTIN_ECHO:
                keep = echo_step(c, events);
                break;
        case SOCKET_BUILTIN_DISCARD:
                keep = !(events & EPOLLERR) && discard_step(c, events);
                break;
        case SOCKET_BUILTIN_CHARGEN:
                keep = chargen_step(c, events);
                break;
        case SOCKET_BUILTIN_PROXY:
                keep = fd == c->fd ? proxy_client_step(c, events) : proxy_peer_step(c, events);
                break;
        default:
                keep = oneshot_step(c, events);
        }
        if (!keep)
                builtin_conn_free(c);
}

static int proxy_connect(BuiltinConn *c) {
        SocketAddress a;
        const char *to = unit_settings(c->socket->unit)->socket.proxy_to;
        if (!to || socket_address_parse(to, &a) < 0)
                return -EINVAL;
        c->peer_fd = socket(a.u.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (c->peer_fd < 0)
                return negative_errno();
        if (connect(c->peer_fd, &a.u.sa, a.len) < 0 && errno != EINPROGRESS)
                return negative_errno();
        c->connecting = true;
        return loop_add_io(c->socket->unit->manager->loop, c->peer_fd, EPOLLOUT, conn_io, c, &c->peer_io);
}

int builtin_stream_new(Socket *s, int fd, const char *source_key, bool tcp) {
        BuiltinConn *c = calloc(1, sizeof(BuiltinConn));
        if (!c) {
                safe_close(fd);
                socket_connection_closed(s, source_key);
                return -ENOMEM;
        }
        c->socket = s;
        c->kind = unit_settings(s->unit)->socket.builtin;
        c->fd = fd;
        c->tcp = tcp;
        c->peer_fd = -1;
        c->source_key = strdup(source_key);
        c->next = s->builtins;
        if (s->builtins)
                s->builtins->prev = c;
        s->builtins = c;
        uint32_t ev = EPOLLIN;
        int r = 0;
        if (c->kind == SOCKET_BUILTIN_DAYTIME || c->kind == SOCKET_BUILTIN_TIME) {
                c->in.buf = malloc(128);
                if (!c->in.buf)
                        r = -ENOMEM;
                else if (c->kind == SOCKET_BUILTIN_TIME) {
                        builtin_time_bytes(time(NULL), (uint8_t *) c->in.buf);
                        c->in.len = 4;
                } else
                        c->in.len = daytime_text(c->in.buf, 128);
                ev = EPOLLOUT;
        } else if (c->kind == SOCKET_BUILTIN_CHARGEN)
                ev = EPOLLIN | EPOLLOUT;
        else if (c->kind == SOCKET_BUILTIN_ECHO)
                ev = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI | EPOLLET;
        else if (c->kind == SOCKET_BUILTIN_PROXY) {
                r = proxy_connect(c);
                ev = 0;
                if (r < 0)
                        log_unit_warning_errno(s->unit->name, r, "Failed to connect to '%s': %m",
                                               strempty(unit_settings(s->unit)->socket.proxy_to));
        }
        if (r >= 0)
                r = loop_add_io(s->unit->manager->loop, fd, ev, conn_io, c, &c->io);
        if (r < 0) {
                builtin_conn_free(c);
                return r;
        }
        c->events = ev;
        c->peer_events = EPOLLOUT;
        return 0;
}

#define DATAGRAM_BATCH 64

void builtin_datagram(Socket *s, SocketPort *p) {
        SocketBuiltin kind = unit_settings(s->unit)->socket.builtin;
        char buf[65536];
        for (int i = 0; i < DATAGRAM_BATCH; i++) {
                struct sockaddr_storage sa;
                socklen_t len = sizeof sa;
                ssize_t n = recvfrom(p->fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *) &sa, &len);
                if (n < 0)
                        return;
                if (!socket_datagram_allowed(s, (struct sockaddr *) &sa))
                        continue;
                s->n_accepted++;
                size_t out = 0;
                switch (kind) {
                case SOCKET_BUILTIN_ECHO:
                        out = (size_t) n;
                        break;
                case SOCKET_BUILTIN_DAYTIME:
                        out = daytime_text(buf, 128);
                        break;
                case SOCKET_BUILTIN_TIME:
                        builtin_time_bytes(time(NULL), (uint8_t *) buf);
                        out = 4;
                        break;
                case SOCKET_BUILTIN_CHARGEN: {
                        /* RFC 864: up to 512 characters; whole lines. */
                        uint64_t pos = (uint64_t) (s->n_accepted % CHARGEN_CHARS) * (CHARGEN_LINE + 2);
                        out = builtin_chargen_fill(buf, 6 * (CHARGEN_LINE + 2), &pos);
                        break;
                }
                default:
                        continue;
                }
                (void) sendto(p->fd, buf, out, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *) &sa, len);
        }
}
