/* forward.c — ForwardRules=: each journal entry that matches a rule goes to
 * its action (rules parsed by src/journal/forward-parse.c):
 *   /path       appended as a traditional syslog file line, opened
 *               O_APPEND|O_CLOEXEC|O_NONBLOCK, reopened on SIGUSR1; lines are
 *               batched and written once per journal flush;
 *   @host:port  one UDP datagram per entry (RFC 3164, or RFC 5424 with
 *               ";RFC5424"), sent with MSG_DONTWAIT;
 *   @@host:port TCP, RFC 5424 framed by octet counting (RFC 6587); a
 *               non-blocking connect, a queue of at most FORWARD_QUEUE_MAX
 *               bytes written on EPOLLOUT, reconnection after a failure on a
 *               timer with back-off (FORWARD_BACKOFF_MIN doubling up to
 *               FORWARD_BACKOFF_MAX); a frame cut by a lost connection is
 *               dropped, never sent half.
 * Nothing here blocks the loop except name resolution at start-up (numeric
 * addresses never block). Entries that do not fit or fail are counted as
 * dropped; each target reports its trouble once until it works again. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "forward.h"
#include "journal/forward-parse.h"
#include "journal/journal.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "lib/timespan.h"
#include "manager.h"

#define FORWARD_QUEUE_MAX (1u << 20)
#define FORWARD_FILE_BUF_MAX (1u << 20)
#define FORWARD_UDP_MAX 65000u
#define FORWARD_BACKOFF_MIN (100 * USEC_PER_MSEC)
#define FORWARD_BACKOFF_MAX (30 * USEC_PER_SEC)

typedef struct Target {
        Forwarder *f;
        const ForwardRule *rule;
        int fd;
        StrBuf buf;            /* file: lines to write; TCP: frames to send */
        size_t off;            /* TCP: bytes of buf already sent */
        struct sockaddr_storage addr;
        socklen_t addrlen;
        bool connected;
        LoopSource *io, *timer;
        usec_t backoff;
        bool troubled;         /* trouble reported, not yet over */
        uint64_t dropped;
} Target;

struct Forwarder {
        Manager *manager;
        char *path;
        ForwardRule *rules;
        size_t n_rules;
        Target *targets;
        char host[256];
        bool busy;
        uint64_t dropped;
};

static void target_trouble(Target *t, int err, const char *what) {
        if (t->troubled)
                return;
        t->troubled = true;
        log_warning_errno(-err, "Forwarding to %s%s%s%s: %s failed, dropping messages until it works: %m",
                          t->rule->action == FORWARD_FILE ? "" : t->rule->action == FORWARD_TCP ? "@@" : "@",
                          t->rule->target, t->rule->port ? ":" : "", t->rule->port ? t->rule->port : "", what);
}

static void target_ok(Target *t) {
        if (!t->troubled)
                return;
        t->troubled = false;
        log_info("Forwarding to %s works again (%llu messages dropped so far).", t->rule->target,
                 (unsigned long long) t->dropped);
}

static void target_drop(Target *t, uint64_t n) {
        t->dropped += n;
        t->f->dropped += n;
}

/* ---- formats ------------------------------------------------------------ */

static void put_tag(StrBuf *b, const JournalEntry *e) {
        const char *s = e->ident_len ? e->ident : e->unit;
        size_t n = e->ident_len ? e->ident_len : e->unit_len;
        if (n == 0) {
                strbuf_putc(b, '-');
                return;
        }
        for (size_t i = 0; i < n && i < 48; i++) {
                unsigned char c = (unsigned char) s[i];
                strbuf_putc(b, c > 32 && c < 127 ? (char) c : '_');
        }
}

/* Control characters as rsyslog writes them ("#012"); other bytes as they are. */
static void put_escaped(StrBuf *b, const char *s, size_t n) {
        size_t start = 0;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c >= 32 || c == '\t')
                        continue;
                strbuf_append(b, s + start, i - start);
                strbuf_printf(b, "#%03o", c);
                start = i + 1;
        }
        strbuf_append(b, s + start, n - start);
}

static uint64_t entry_time(const JournalEntry *e) {
        if (e->realtime)
                return e->realtime;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

/* "Nov 21 10:00:01 HOST TAG[PID]: MSG" (RFC 3164; files and UDP). */
static void format_3164(Forwarder *f, StrBuf *b, const JournalEntry *e, bool pri) {
        uint64_t t = entry_time(e);
        time_t sec = (time_t) (t / 1000000u);
        struct tm tm;
        char ts[32];
        localtime_r(&sec, &tm);
        strftime(ts, sizeof ts, "%b %e %H:%M:%S", &tm);
        if (pri)
                strbuf_printf(b, "<%d>", e->facility * 8 + e->priority);
        strbuf_printf(b, "%s %s ", ts, f->host);
        put_tag(b, e);
        if (e->pid)
                strbuf_printf(b, "[%u]", e->pid);
        strbuf_puts(b, ": ");
        put_escaped(b, e->message, e->message_len);
}

/* "<PRI>1 2026-11-21T10:00:01.123456+01:00 HOST APP PROCID - - MSG" (RFC 5424). */
static void format_5424(Forwarder *f, StrBuf *b, const JournalEntry *e) {
        uint64_t t = entry_time(e);
        time_t sec = (time_t) (t / 1000000u);
        struct tm tm;
        char ts[32], tz[8];
        localtime_r(&sec, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
        strftime(tz, sizeof tz, "%z", &tm); /* +hhmm */
        strbuf_printf(b, "<%d>1 %s.%06u%.3s:%.2s %s ", e->facility * 8 + e->priority, ts,
                      (unsigned) (t % 1000000u), tz, tz + 3, f->host);
        put_tag(b, e);
        if (e->pid)
                strbuf_printf(b, " %u - - ", e->pid);
        else
                strbuf_puts(b, " - - - ");
        strbuf_append(b, e->message, e->message_len);
}

/* ---- files -------------------------------------------------------------- */

static void file_open(Target *t) {
        t->fd = safe_close(t->fd);
        t->fd = open(t->rule->target, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0640);
        if (t->fd < 0)
                target_trouble(t, errno, "open");
}

static void file_flush(Target *t) {
        if (t->buf.len == 0)
                return;
        if (t->fd < 0) {
                /* count lines lost */
                uint64_t n = 0;
                for (size_t i = 0; i < t->buf.len; i++)
                        n += t->buf.data[i] == '\n';
                target_drop(t, n);
                strbuf_reset(&t->buf);
                return;
        }
        size_t done = 0;
        while (done < t->buf.len) {
                ssize_t k = write(t->fd, t->buf.data + done, t->buf.len - done);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0) {
                        uint64_t n = 0;
                        for (size_t i = done; i < t->buf.len; i++)
                                n += t->buf.data[i] == '\n';
                        target_drop(t, n);
                        target_trouble(t, k < 0 ? errno : EIO, "write");
                        strbuf_reset(&t->buf);
                        return;
                }
                done += (size_t) k;
        }
        strbuf_reset(&t->buf);
        target_ok(t);
}

/* ---- TCP ---------------------------------------------------------------- */

static void tcp_connect(Target *t);

static void tcp_retry(LoopSource *s, usec_t now, void *userdata) {
        Target *t = userdata;
        t->timer = loop_source_free(t->timer);
        t->f->busy = true;
        tcp_connect(t);
        t->f->busy = false;
}

/* Drops what was sent and a frame cut in the middle; frames start at 0. */
static void tcp_compact(Target *t, bool cut) {
        size_t p = 0;
        if (t->buf.len == 0) {
                t->off = 0;
                return;
        }
        while (p < t->buf.len) {
                size_t len = 0, q = p;
                while (q < t->buf.len && t->buf.data[q] != ' ')
                        len = len * 10 + (size_t) (t->buf.data[q++] - '0');
                size_t end = q + 1 + len;
                if (end > t->off) {
                        if (cut && p < t->off) {
                                target_drop(t, 1);
                                p = end;
                        }
                        break;
                }
                p = end;
        }
        if (p > t->buf.len)
                p = t->buf.len;
        memmove(t->buf.data, t->buf.data + p, t->buf.len - p);
        t->buf.len -= p;
        t->off = 0;
}

static void tcp_fail(Target *t, int err, const char *what) {
        t->io = loop_source_free(t->io);
        t->fd = safe_close(t->fd);
        t->connected = false;
        tcp_compact(t, true);
        target_trouble(t, err, what);
        t->backoff = t->backoff ? MIN(t->backoff * 2, FORWARD_BACKOFF_MAX) : FORWARD_BACKOFF_MIN;
        if (!t->timer)
                (void) loop_add_time(t->f->manager->loop, now_monotonic() + t->backoff, tcp_retry, t, &t->timer);
}

static void tcp_send(Target *t) {
        while (t->off < t->buf.len) {
                ssize_t k = send(t->fd, t->buf.data + t->off, t->buf.len - t->off, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && errno == EAGAIN)
                        break;
                if (k <= 0) {
                        tcp_fail(t, k < 0 ? errno : EPIPE, "send");
                        return;
                }
                t->off += (size_t) k;
        }
        if (t->off == t->buf.len) {
                strbuf_reset(&t->buf);
                t->off = 0;
        }
        (void) loop_io_set_events(t->io, t->off < t->buf.len || t->buf.len ? EPOLLIN | EPOLLOUT : EPOLLIN);
}

static void tcp_event_do(Target *t, int fd, uint32_t events) {
        if (!t->connected) {
                int err = 0;
                socklen_t l = sizeof err;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
                        err = errno;
                if (err) {
                        tcp_fail(t, err, "connect");
                        return;
                }
                t->connected = true;
                t->backoff = 0;
                target_ok(t);
        }
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                char junk[512];
                ssize_t k = recv(fd, junk, sizeof junk, MSG_DONTWAIT);
                if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR)) {
                        tcp_fail(t, k == 0 ? ECONNRESET : errno, "connection");
                        return;
                }
        }
        tcp_send(t);
}

static void tcp_event(LoopSource *s, int fd, uint32_t events, void *userdata) {
        Target *t = userdata;
        t->f->busy = true;
        tcp_event_do(t, fd, events);
        t->f->busy = false;
}

static void tcp_connect(Target *t) {
        t->fd = socket(t->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (t->fd < 0) {
                tcp_fail(t, errno, "socket");
                return;
        }
        if (connect(t->fd, (struct sockaddr *) &t->addr, t->addrlen) < 0 && errno != EINPROGRESS) {
                tcp_fail(t, errno, "connect");
                return;
        }
        int r = loop_add_io(t->f->manager->loop, t->fd, EPOLLIN | EPOLLOUT, tcp_event, t, &t->io);
        if (r < 0)
                tcp_fail(t, -r, "connect");
}

static void tcp_queue(Target *t, const JournalEntry *e) {
        StrBuf frame = {};
        format_5424(t->f, &frame, e);
        if (frame.oom) {
                target_drop(t, 1);
                return;
        }
        if (t->buf.len + frame.len + 16 > FORWARD_QUEUE_MAX && t->off > 0)
                tcp_compact(t, false);
        if (t->buf.len + frame.len + 16 > FORWARD_QUEUE_MAX) {
                target_drop(t, 1);
                if (!t->troubled && t->connected)
                        target_trouble(t, ENOBUFS, "queue");
        } else {
                strbuf_printf(&t->buf, "%zu ", frame.len);
                strbuf_append(&t->buf, frame.data, frame.len);
                if (t->connected && t->io)
                        tcp_send(t);
        }
        strbuf_done(&frame);
}

/* ---- UDP ---------------------------------------------------------------- */

static void udp_send(Target *t, const JournalEntry *e) {
        StrBuf b = {};
        if (t->rule->rfc5424)
                format_5424(t->f, &b, e);
        else
                format_3164(t->f, &b, e, true);
        if (!b.oom) {
                size_t n = MIN(b.len, FORWARD_UDP_MAX);
                ssize_t k = send(t->fd, b.data, n, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (k < 0 && errno == ECONNREFUSED) /* an ICMP error for an earlier datagram */
                        k = send(t->fd, b.data, n, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (k < 0) {
                        target_drop(t, 1);
                        if (errno != ECONNREFUSED)
                                target_trouble(t, errno, "send");
                } else
                        target_ok(t);
        } else
                target_drop(t, 1);
        strbuf_done(&b);
}

/* ---- setup -------------------------------------------------------------- */

static int target_resolve(Target *t) {
        struct addrinfo hints = { .ai_socktype = t->rule->action == FORWARD_TCP ? SOCK_STREAM : SOCK_DGRAM,
                                  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV }, *ai = NULL;
        int r = getaddrinfo(t->rule->target, t->rule->port, &hints, &ai);
        if (r == EAI_NONAME) {
                hints.ai_flags = AI_NUMERICSERV;
                r = getaddrinfo(t->rule->target, t->rule->port, &hints, &ai);
        }
        if (r != 0 || !ai) {
                log_warning("%s:%u: cannot resolve '%s': %s, ignoring the rule.", t->f->path, t->rule->line,
                            t->rule->target, gai_strerror(r));
                return -EADDRNOTAVAIL;
        }
        memcpy(&t->addr, ai->ai_addr, MIN(sizeof t->addr, (size_t) ai->ai_addrlen));
        t->addrlen = ai->ai_addrlen;
        freeaddrinfo(ai);
        return 0;
}

static void target_setup(Target *t) {
        t->fd = -1;
        if (t->rule->action == FORWARD_FILE) {
                file_open(t);
                return;
        }
        if (target_resolve(t) < 0)
                return;
        if (t->rule->action == FORWARD_TCP) {
                tcp_connect(t);
                return;
        }
        t->fd = socket(t->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (t->fd < 0 || connect(t->fd, (struct sockaddr *) &t->addr, t->addrlen) < 0) {
                target_trouble(t, errno, "socket");
                t->fd = safe_close(t->fd);
        }
}

static void diag_cb(unsigned line, const char *msg, void *userdata) {
        Forwarder *f = userdata;
        log_warning("%s:%u: %s, ignoring.", f->path, line, msg);
}

static char *rules_path(Manager *m) {
        const char *set = m->config.journal.forward_rules;
        char buf[4096];
        if (set && *set)
                return strdup(set);
        if (m->scope == MANAGER_SYSTEM || *m->root)
                snprintf(buf, sizeof buf, "%s/etc/superd/syslog.conf", m->root);
        else {
                snprintf(buf, sizeof buf, "%s", m->config_path);
                char *slash = strrchr(buf, '/');
                if (slash)
                        snprintf(slash, sizeof buf - (size_t) (slash - buf), "/syslog.conf");
        }
        return strdup(buf);
}

int forwarder_new(Manager *m, Forwarder **ret) {
        *ret = NULL;
        if (m->config.journal.forward_rules && !*m->config.journal.forward_rules)
                return 0; /* ForwardRules= (empty): off */
        _cleanup_free_ char *path = rules_path(m);
        if (!path)
                return -ENOMEM;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                if (errno != ENOENT || m->config.journal.forward_rules)
                        log_warning_errno(-errno, "Failed to open ForwardRules file '%s', not forwarding: %m", path);
                return 0;
        }
        StrBuf text = {};
        char chunk[8192];
        ssize_t k;
        while ((k = read(fd, chunk, sizeof chunk)) > 0 && text.len < (1u << 20))
                strbuf_append(&text, chunk, (size_t) k);
        close(fd);
        if (text.oom) {
                strbuf_done(&text);
                return -ENOMEM;
        }
        Forwarder *f = calloc(1, sizeof *f);
        if (!f) {
                strbuf_done(&text);
                return -ENOMEM;
        }
        f->manager = m;
        f->path = path;
        path = NULL;
        int r = forward_rules_parse(text.data ? text.data : "", text.len, &f->rules, &f->n_rules, diag_cb, f);
        strbuf_done(&text);
        if (r < 0 || f->n_rules == 0) {
                forwarder_free(f);
                return r < 0 ? r : 0;
        }
        if (gethostname(f->host, sizeof f->host - 1) < 0 || !f->host[0])
                strcpy(f->host, "localhost");
        f->targets = calloc(f->n_rules, sizeof *f->targets);
        if (!f->targets) {
                forwarder_free(f);
                return -ENOMEM;
        }
        for (size_t i = 0; i < f->n_rules; i++) {
                f->targets[i] = (Target) { .f = f, .rule = &f->rules[i], .fd = -1 };
                target_setup(&f->targets[i]);
        }
        *ret = f;
        return 0;
}

Forwarder *forwarder_free(Forwarder *f) {
        if (!f)
                return NULL;
        forwarder_flush(f);
        for (size_t i = 0; f->targets && i < f->n_rules; i++) {
                Target *t = &f->targets[i];
                if (t->rule->action == FORWARD_TCP && t->connected && t->buf.len > t->off) {
                        /* a last try, still without blocking */
                        (void) !send(t->fd, t->buf.data + t->off, t->buf.len - t->off, MSG_DONTWAIT | MSG_NOSIGNAL);
                }
                loop_source_free(t->io);
                loop_source_free(t->timer);
                safe_close(t->fd);
                strbuf_done(&t->buf);
        }
        free(f->targets);
        forward_rules_free(f->rules, f->n_rules);
        free(f->path);
        free(f);
        return NULL;
}

void forwarder_entry(Forwarder *f, const JournalEntry *e) {
        if (!f || f->busy)
                return;
        f->busy = true; /* our own warnings come back through the journal: not forwarded */
        for (size_t i = 0; i < f->n_rules; i++) {
                Target *t = &f->targets[i];
                if (!forward_rule_matches(t->rule, e->facility, e->priority))
                        continue;
                switch (t->rule->action) {
                case FORWARD_FILE:
                        if (t->buf.len > FORWARD_FILE_BUF_MAX)
                                file_flush(t);
                        format_3164(f, &t->buf, e, false);
                        strbuf_putc(&t->buf, '\n');
                        break;
                case FORWARD_UDP:
                        if (t->fd >= 0)
                                udp_send(t, e);
                        else
                                target_drop(t, 1);
                        break;
                case FORWARD_TCP:
                        if (t->addrlen)
                                tcp_queue(t, e);
                        else
                                target_drop(t, 1);
                        break;
                }
        }
        f->busy = false;
}

void forwarder_flush(Forwarder *f) {
        if (!f || f->busy)
                return;
        f->busy = true;
        for (size_t i = 0; i < f->n_rules; i++)
                if (f->targets[i].rule->action == FORWARD_FILE)
                        file_flush(&f->targets[i]);
        f->busy = false;
}

void forwarder_reopen(Forwarder *f) {
        if (!f)
                return;
        forwarder_flush(f);
        for (size_t i = 0; i < f->n_rules; i++)
                if (f->targets[i].rule->action == FORWARD_FILE) {
                        f->targets[i].troubled = false;
                        file_open(&f->targets[i]);
                }
}

uint64_t forwarder_dropped(const Forwarder *f) {
        return f ? f->dropped : 0;
}
