/* output.c — reading what services print to the journal stream: one pipe
 * per spawned process, split into lines (at most OUTPUT_LINE_MAX bytes;
 * longer lines are split), an optional "<N>" priority prefix, each line
 * written to the log. Streams are owned by the manager and end at EOF. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "execute.h"
#include "journal/journal.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "manager.h"
#include "output.h"

#define OUTPUT_LINE_MAX (48u * 1024u)

struct OutputStream {
        Manager *manager;
        char *unit;
        char *ident;
        pid_t pid;
        uid_t uid;
        int fd;
        int facility;
        int stream;         /* JOURNAL_STREAM_STDOUT / _STDERR */
        int level;          /* default priority */
        bool level_prefix;  /* honour "<N>" */
        LoopSource *source;
        StrBuf line;
        OutputStream *prev, *next;
};

static OutputStream *output_stream_free(OutputStream *o) {
        Manager *m = o->manager;
        if (o->prev)
                o->prev->next = o->next;
        else if (m->streams == o)
                m->streams = o->next;
        if (o->next)
                o->next->prev = o->prev;
        loop_source_free(o->source);
        safe_close(o->fd);
        strbuf_done(&o->line);
        free(o->unit);
        free(o->ident);
        free(o);
        return NULL;
}

void output_streams_free(Manager *m) {
        while (m->streams)
                output_stream_free(m->streams);
}

static void output_emit(OutputStream *o, const char *p, size_t n) {
        int level = o->level;
        if (o->level_prefix && n >= 3 && p[0] == '<' && p[1] >= '0' && p[1] <= '7' && p[2] == '>') {
                level = p[1] - '0';
                p += 3;
                n -= 3;
        }
        manager_journal_line(o->manager, o->unit, o->ident, o->pid, o->uid, level, o->facility, o->stream, p, n);
        log_service_line(o->ident, o->unit, (int) o->pid, level, p, n);
}

static void output_consume(OutputStream *o, const char *data, size_t n) {
        while (n > 0) {
                const char *nl = memchr(data, '\n', n);
                size_t take = nl ? (size_t) (nl - data) : n;
                size_t room = OUTPUT_LINE_MAX - o->line.len;
                if (take >= room) {
                        /* An over-long line is emitted in pieces. */
                        strbuf_append(&o->line, data, room);
                        output_emit(o, o->line.data, o->line.len);
                        strbuf_reset(&o->line);
                        data += room;
                        n -= room;
                        continue;
                }
                if (!nl) {
                        strbuf_append(&o->line, data, take);
                        return;
                }
                if (o->line.len > 0) {
                        strbuf_append(&o->line, data, take);
                        output_emit(o, o->line.data, o->line.len);
                        strbuf_reset(&o->line);
                } else
                        output_emit(o, data, take);
                data += take + 1;
                n -= take + 1;
        }
}

static void output_readable(LoopSource *s, int fd, uint32_t events, void *userdata) {
        OutputStream *o = userdata;
        Manager *m = o->manager;
        char buf[65536];
        /* A bounded number of reads per wake-up keeps one chatty service from
         * starving the others; what they bring goes to the journal in one
         * write. */
        for (int i = 0; i < 4; i++) {
                ssize_t k = read(fd, buf, sizeof buf);
                if (k > 0) {
                        output_consume(o, buf, (size_t) k);
                        continue;
                }
                if (k < 0 && (errno == EAGAIN || errno == EINTR))
                        break;
                if (o->line.len > 0)
                        output_emit(o, o->line.data, o->line.len);
                output_stream_free(o);
                break;
        }
        manager_journal_flush(m);
}

void output_streams_serialize(Manager *m, StrBuf *b) {
        for (OutputStream *o = m->streams; o; o = o->next) {
                /* The pipe goes on into the new superd; the partial line does not. */
                int fl = fcntl(o->fd, F_GETFD);
                if (fl < 0 || fcntl(o->fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
                        continue;
                strbuf_printf(b, "stream=%d %d %d %d %d %u %s %s\n", o->fd, (int) o->pid, o->level,
                              16 | o->level_prefix | (o->stream == JOURNAL_STREAM_STDERR ? 2 : 0), o->facility,
                              (unsigned) o->uid, o->unit, o->ident);
        }
}

void output_stream_deserialize(Manager *m, char *val) {
        int fd, pid, level, flags, facility = 3, off = 0;
        unsigned uid = JOURNAL_UID_UNKNOWN;
        if (sscanf(val, "%d %d %d %d %n", &fd, &pid, &level, &flags, &off) < 4 || off == 0)
                return;
        if (flags & 16) {
                int off2 = 0;
                if (sscanf(val + off, "%d %u %n", &facility, &uid, &off2) < 2 || off2 == 0)
                        return;
                off += off2;
        }
        char *unit = val + off, *ident = strchr(unit, ' ');
        if (!ident || fcntl(fd, F_GETFD) < 0)
                return;
        *ident++ = 0;
        (void) fcntl(fd, F_SETFD, FD_CLOEXEC);
        OutputStreamParams p = {
                .unit = unit, .ident = ident, .pid = (pid_t) pid, .uid = (uid_t) uid, .level = level,
                .facility = facility, .stream = (flags & 2) ? JOURNAL_STREAM_STDERR : JOURNAL_STREAM_STDOUT,
                .level_prefix = flags & 1,
        };
        (void) output_stream_new(m, &p, fd);
}

int output_stream_new(Manager *m, const OutputStreamParams *p, int fd) {
        OutputStream *o = calloc(1, sizeof(OutputStream));
        if (!o) {
                close(fd);
                return -ENOMEM;
        }
        o->manager = m;
        o->fd = fd;
        o->pid = p->pid;
        o->uid = p->uid;
        o->level = p->level;
        o->facility = p->facility;
        o->stream = p->stream;
        o->level_prefix = p->level_prefix;
        o->unit = strdup(p->unit);
        o->ident = strdup(p->ident);
        (void) fcntl(fd, F_SETFL, O_NONBLOCK);
        int r = o->unit && o->ident ? loop_add_io(m->loop, fd, EPOLLIN, output_readable, o, &o->source) : -ENOMEM;
        o->next = m->streams;
        if (m->streams)
                m->streams->prev = o;
        m->streams = o;
        if (r < 0)
                output_stream_free(o);
        return r;
}
