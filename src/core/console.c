/* console.c — ForwardToConsole=: every journal entry as one line
 * "unit[pid]: message" on superd's stderr (on by default with -f and as
 * PID 1, so `docker logs` shows the services), plus superd's own lines,
 * which log.c hands over here instead of writing fd 2 itself.
 *
 * Never blocks and never seeks: when fd 2 is a pipe, FIFO, tty or other
 * character device we write to a fresh open of /proc/self/fd/2 with
 * O_NONBLOCK (a file description of our own, so whoever shares our stderr
 * keeps a blocking one); a socket gets send(MSG_DONTWAIT); a regular file
 * is written through fd 2 itself (its shared offset, O_APPEND or not).
 * Lines wait in a buffer of at most CONSOLE_BUFFER_MAX bytes, written on
 * EPOLLOUT when the reader is slow; lines that do not fit are dropped,
 * counted, and reported once when the reader catches up. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "journal/journal.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "manager.h"

#define CONSOLE_BUFFER_MAX (256u * 1024u)

struct Console {
        Manager *manager;
        int fd;
        bool own_fd;          /* fd is ours to close (not 2) */
        bool is_socket;
        StrBuf buf;
        size_t off;
        LoopSource *io;
        uint64_t dropped, dropped_unreported;
        bool broken;          /* EPIPE etc.: stop writing */
};

static void console_append(Console *c, const char *data, size_t n) {
        if (c->broken)
                return;
        if (c->buf.len - c->off + n > CONSOLE_BUFFER_MAX) {
                c->dropped++;
                c->dropped_unreported++;
                return;
        }
        if (c->off > 0 && c->off == c->buf.len) {
                strbuf_reset(&c->buf);
                c->off = 0;
        }
        strbuf_append(&c->buf, data, n);
}

static void console_event(LoopSource *s, int fd, uint32_t events, void *userdata) {
        console_flush(userdata);
}

void console_flush(Console *c) {
        if (!c || c->broken)
                return;
        for (;;) {
                if (c->off == c->buf.len && c->dropped_unreported) {
                        /* the reader caught up: say once what it missed */
                        char note[128];
                        int n = snprintf(note, sizeof note,
                                         "superd: %llu console lines dropped (stderr is not read fast enough)\n",
                                         (unsigned long long) c->dropped_unreported);
                        c->dropped_unreported = 0;
                        strbuf_append(&c->buf, note, (size_t) n);
                }
                if (c->off == c->buf.len)
                        break;
                ssize_t k = c->is_socket ? send(c->fd, c->buf.data + c->off, c->buf.len - c->off,
                                                MSG_DONTWAIT | MSG_NOSIGNAL)
                                         : write(c->fd, c->buf.data + c->off, c->buf.len - c->off);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0 && errno == EAGAIN)
                        break;
                if (k <= 0) {
                        c->broken = true; /* nobody there any more */
                        c->io = loop_source_free(c->io);
                        strbuf_reset(&c->buf);
                        c->off = 0;
                        return;
                }
                c->off += (size_t) k;
        }
        if (c->off == c->buf.len) {
                strbuf_reset(&c->buf);
                c->off = 0;
        } else if (c->off > CONSOLE_BUFFER_MAX / 2) {
                memmove(c->buf.data, c->buf.data + c->off, c->buf.len - c->off);
                c->buf.len -= c->off;
                c->off = 0;
        }
        bool pending = c->off < c->buf.len;
        if (pending && !c->io)
                (void) loop_add_io(c->manager->loop, c->fd, EPOLLOUT, console_event, c, &c->io);
        else if (!pending && c->io)
                c->io = loop_source_free(c->io);
}

/* log.c's lines for fd 2 (superd's own messages; -f before the journal). */
static void console_log_writer(const char *data, size_t len, void *userdata) {
        Console *c = userdata;
        console_append(c, data, len);
        console_flush(c);
}

void console_entry(Console *c, const JournalEntry *e) {
        if (!c || e->stream == JOURNAL_STREAM_SUPERD)
                return;
        char head[320];
        int n = snprintf(head, sizeof head, "%.*s[%u]: ", (int) e->unit_len, e->unit, e->pid);
        size_t hn = MIN((size_t) n, sizeof head - 1);
        if (c->broken)
                return;
        if (c->buf.len - c->off + hn + e->message_len + 1 > CONSOLE_BUFFER_MAX) {
                c->dropped++;
                c->dropped_unreported++;
                return;
        }
        console_append(c, head, hn);
        /* one entry, one line: control characters other than tab shown as \xNN is the reader's job;
         * a newline inside a message (syslog) would break the line, so it becomes a space */
        size_t start = c->buf.len;
        console_append(c, e->message, e->message_len);
        for (size_t i = start; i < c->buf.len; i++)
                if (c->buf.data[i] == '\n' || c->buf.data[i] == '\r')
                        c->buf.data[i] = ' ';
        console_append(c, "\n", 1);
}

int console_new(Manager *m, Console **ret) {
        *ret = NULL;
        struct stat st;
        if (fstat(STDERR_FILENO, &st) < 0)
                return 0; /* no stderr at all */
        Console *c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        /* A reader that goes away must not kill superd: EPIPE, not SIGPIPE
         * (children get default dispositions back in exec-child.c). */
        (void) signal(SIGPIPE, SIG_IGN);
        c->manager = m;
        c->fd = STDERR_FILENO;
        if (S_ISSOCK(st.st_mode))
                c->is_socket = true;
        else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
                int fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
                if (fd >= 0) {
                        c->fd = fd;
                        c->own_fd = true;
                }
                /* else: fd 2 itself, which may block (no /proc) */
        }
        log_set_stderr_writer(console_log_writer, c);
        *ret = c;
        return 0;
}

Console *console_free(Console *c) {
        if (!c)
                return NULL;
        console_flush(c);
        log_set_stderr_writer(NULL, NULL);
        if (c->off < c->buf.len || c->broken)
                log_set_stderr(false); /* stderr is stuck or gone: no blocking write at exit */
        loop_source_free(c->io);
        if (c->own_fd)
                close(c->fd);
        strbuf_done(&c->buf);
        free(c);
        return NULL;
}

uint64_t console_dropped(const Console *c) {
        return c ? c->dropped : 0;
}
