/* journal-glue.c — the manager's journal: where it lives (SPEC 3), the
 * writer, per-unit rate limits, one write per batch, the sync timer (armed
 * only while something is unsynced), entries of priority crit and above
 * synced at once, lost entries counted while the disk is full and reported
 * once space returns. superd's own messages come in through log.c's sink. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "forward.h"
#include "journal-glue.h"
#include "journal/journal.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "control/protocol.h"
#include "lib/strv.h"
#include "lib/timespan.h"
#include "manager.h"
#include "syslog-server.h"

typedef struct RateLimit {
        char *unit;
        usec_t begin;
        unsigned count;
        uint64_t suppressed;
} RateLimit;

struct ManagerJournal {
        Manager *manager;
        char *dir;
        JournalWriter *writer;
        /* Kept for status and logs-read: files stay mapped between
         * queries, and a tail's unit table is read once per file. */
        JournalReader *reader;
        LoopSource *sync_timer;
        SyslogServer *syslog;
        Forwarder *forward;     /* ForwardRules=, NULL: none */
        Console *console;       /* ForwardToConsole=, NULL: off */
        Hashmap limits;         /* unit -> RateLimit */
        uint64_t lost;          /* not yet reported */
        bool sync_now;          /* a crit or worse entry is buffered */
        bool in_write;
};

int journal_config_set(JournalConfig *c, JournalConfigKey key, const char *v) {
        uint64_t n;
        usec_t t;
        int b;
        switch (key) {
        case JOURNAL_KEY_STORAGE:
                if (streq(v, "persistent") || streq(v, "auto"))
                        c->storage = JOURNAL_STORAGE_PERSISTENT;
                else if (streq(v, "volatile"))
                        c->storage = JOURNAL_STORAGE_VOLATILE;
                else if (streq(v, "none"))
                        c->storage = JOURNAL_STORAGE_NONE;
                else
                        return -EINVAL;
                return 0;
        case JOURNAL_KEY_MAX_USE:
        case JOURNAL_KEY_MAX_FILE_SIZE:
                if (parse_size(v, &n) < 0 || n == 0)
                        return -EINVAL;
                *(key == JOURNAL_KEY_MAX_USE ? &c->max_use : &c->max_file_size) = n;
                return 0;
        case JOURNAL_KEY_SYNC_INTERVAL:
        case JOURNAL_KEY_RATELIMIT_INTERVAL:
                if (parse_timespan(v, USEC_PER_SEC, &t) < 0)
                        return -EINVAL;
                if (key == JOURNAL_KEY_SYNC_INTERVAL)
                        c->sync_interval = t ? t : 1;
                else {
                        c->ratelimit_interval = t;
                        c->ratelimit_interval_set = true;
                }
                return 0;
        case JOURNAL_KEY_RATELIMIT_BURST: {
                char *end;
                errno = 0;
                unsigned long k = strtoul(v, &end, 10);
                if (errno || end == v || *end || k > UINT32_MAX)
                        return -EINVAL;
                c->ratelimit_burst = (unsigned) k;
                c->ratelimit_burst_set = true;
                return 0;
        }
        case JOURNAL_KEY_FORWARD_TO_CONSOLE:
                if ((b = parse_boolean(v)) < 0)
                        return -EINVAL;
                c->forward_to_console = b;
                return 0;
        case JOURNAL_KEY_SYSLOG_SOCKET:
        case JOURNAL_KEY_FORWARD_RULES: {
                char *copy = strdup(v);
                if (!copy)
                        return -ENOMEM;
                char **f = key == JOURNAL_KEY_SYSLOG_SOCKET ? &c->syslog_socket : &c->forward_rules;
                free(*f);
                *f = copy;
                if (key == JOURNAL_KEY_SYSLOG_SOCKET)
                        c->syslog_socket_set = true;
                return 0;
        }
        }
        return -EINVAL;
}

void journal_config_done(JournalConfig *c) {
        free(c->syslog_socket);
        free(c->forward_rules);
        *c = (JournalConfig) { .forward_to_console = -1 };
}

const char *manager_journal_dir(Manager *m) {
        return m->journal ? m->journal->dir : NULL;
}

static char *journal_dir_for(Manager *m) {
        const JournalConfig *c = &m->config.journal;
        char buf[4096];
        if (c->storage == JOURNAL_STORAGE_VOLATILE)
                snprintf(buf, sizeof buf, "%s/journal", m->runtime_dir);
        else if (m->scope == MANAGER_USER && !*m->root)
                snprintf(buf, sizeof buf, "%s/journal", m->state_dir);
        else
                snprintf(buf, sizeof buf, "%s/var/log/superd/journal", m->root);
        return strdup(buf);
}

static void journal_sync_timer(LoopSource *s, usec_t now, void *userdata) {
        ManagerJournal *j = userdata;
        j->sync_timer = loop_source_free(j->sync_timer);
        (void) journal_writer_sync(j->writer);
}

static void journal_write_lost(ManagerJournal *j);

static void journal_flush(ManagerJournal *j) {
        forwarder_flush(j->forward);
        console_flush(j->console);
        if (!j->writer || j->in_write)
                return;
        j->in_write = true;
        int r = journal_writer_flush(j->writer);
        j->lost += journal_writer_take_lost(j->writer);
        if (r >= 0 && j->lost > 0)
                journal_write_lost(j);
        if (j->sync_now) {
                j->sync_now = false;
                (void) journal_writer_sync(j->writer);
        }
        if (journal_writer_unsynced(j->writer) && !j->sync_timer) {
                usec_t iv = j->manager->config.journal.sync_interval ? j->manager->config.journal.sync_interval
                                                                      : USEC_PER_SEC;
                (void) loop_add_time(j->manager->loop, now_monotonic() + iv, journal_sync_timer, j, &j->sync_timer);
        }
        j->in_write = false;
}

static void journal_add(ManagerJournal *j, const JournalEntry *e) {
        forwarder_entry(j->forward, e);
        console_entry(j->console, e);
        if (!j->writer)
                return;
        int r = journal_writer_add(j->writer, e);
        if (r < 0)
                j->lost += journal_writer_take_lost(j->writer);
        if (e->priority <= 2)
                j->sync_now = true;
}

static void journal_write_lost(ManagerJournal *j) {
        char text[128];
        int n = snprintf(text, sizeof text, "%llu messages lost (the journal could not be written).",
                         (unsigned long long) j->lost);
        JournalEntry e = {
                .unit = "superd", .unit_len = 6, .ident = "superd", .ident_len = 6, .pid = (uint32_t) getpid(),
                .uid = (uint32_t) getuid(), .priority = 4, .facility = 3, .stream = JOURNAL_STREAM_SUPERD,
                .message = text, .message_len = (size_t) n,
        };
        if (journal_writer_add(j->writer, &e) >= 0 && journal_writer_flush(j->writer) >= 0)
                j->lost = 0;
        else
                j->lost += journal_writer_take_lost(j->writer) - 1;
}

/* Returns false when the line is suppressed; writes the summary when a new
 * interval begins after suppression. */
static bool journal_ratelimit(ManagerJournal *j, const char *unit) {
        const JournalConfig *c = &j->manager->config.journal;
        usec_t interval = c->ratelimit_interval_set ? c->ratelimit_interval : 30 * USEC_PER_SEC;
        unsigned burst = c->ratelimit_burst_set ? c->ratelimit_burst : 10000;
        if (interval == 0 || burst == 0)
                return true;
        RateLimit *rl = hashmap_get(&j->limits, unit);
        if (!rl) {
                rl = calloc(1, sizeof *rl);
                if (!rl || !(rl->unit = strdup(unit)) || hashmap_put(&j->limits, rl->unit, rl) < 0) {
                        if (rl)
                                free(rl->unit);
                        free(rl);
                        return true;
                }
        }
        usec_t now = now_monotonic();
        if (rl->begin == 0 || now - rl->begin >= interval) {
                if (rl->suppressed) {
                        char text[512];
                        int n = snprintf(text, sizeof text, "Suppressed %llu messages from %s",
                                         (unsigned long long) rl->suppressed, unit);
                        JournalEntry e = {
                                .unit = unit, .unit_len = strlen(unit), .ident = "superd", .ident_len = 6,
                                .pid = (uint32_t) getpid(), .uid = (uint32_t) getuid(), .priority = 4,
                                .facility = 3, .stream = JOURNAL_STREAM_SUPERD, .message = text,
                                .message_len = (size_t) MIN((size_t) n, sizeof text - 1),
                        };
                        journal_add(j, &e);
                }
                rl->begin = now;
                rl->count = 0;
                rl->suppressed = 0;
        }
        if (rl->count >= burst) {
                rl->suppressed++;
                return false;
        }
        rl->count++;
        return true;
}

void manager_journal_line(Manager *m, const char *unit, const char *ident, pid_t pid, uid_t uid, int priority,
                          int facility, int stream, const char *msg, size_t len) {
        ManagerJournal *j = m->journal;
        if (!j || (!j->writer && !j->forward && !j->console))
                return;
        if (!journal_ratelimit(j, unit))
                return;
        JournalEntry e = {
                .unit = unit, .unit_len = strlen(unit), .ident = ident, .ident_len = ident ? strlen(ident) : 0,
                .pid = (uint32_t) pid, .uid = (uint32_t) uid, .priority = priority, .facility = facility,
                .stream = stream, .message = msg, .message_len = len,
        };
        journal_add(j, &e);
}

void manager_journal_flush(Manager *m) {
        if (m->journal)
                journal_flush(m->journal);
}

int manager_journal_sync(Manager *m) {
        ManagerJournal *j = m->journal;
        if (!j || !j->writer)
                return 0;
        journal_flush(j);
        int r = journal_writer_sync(j->writer);
        j->sync_timer = loop_source_free(j->sync_timer);
        return r;
}

typedef struct LastLines {
        StrBuf *out;
        const char *host;
} LastLines;

static int last_line_cb(const JournalEntry *e, void *userdata) {
        LastLines *l = userdata;
        journal_format_entry(l->out, e, JOURNAL_OUTPUT_SHORT, l->host, true);
        return 0;
}

/* The kept reader, brought up to date with the directory. */
static int journal_reader(ManagerJournal *j, JournalReader **ret) {
        int r = j->reader ? journal_reader_refresh(j->reader) : journal_reader_open(j->dir, &j->reader);
        if (r < 0) {
                j->reader = journal_reader_free(j->reader);
                return r;
        }
        *ret = j->reader;
        return 0;
}

int manager_journal_last_lines(Manager *m, const char *unit, unsigned n, StrBuf *out) {
        ManagerJournal *j = m->journal;
        if (!j || !j->writer || !j->dir)
                return 0;
        journal_flush(j); /* what is buffered is part of the answer */
        JournalReader *r;
        int k = journal_reader(j, &r);
        if (k < 0)
                return k;
        char host[256] = "localhost";
        (void) gethostname(host, sizeof host - 1);
        char *units[] = { (char *) unit, NULL };
        JournalFilter f;
        journal_filter_init(&f);
        f.units = units;
        /* superd writes the active file: it knows where the unit's newest
         * entry is, where a reader would walk back over everyone else's. */
        uint64_t last[] = { journal_writer_unit_last(j->writer, unit) };
        f.active_path = journal_writer_path(j->writer);
        f.active_unit_last = last;
        LastLines l = { .out = out, .host = host };
        k = journal_query(r, &f, n, false, last_line_cb, &l);
        journal_reader_trim(r);
        /* the formatter ends each entry in '\n'; the record wants none at the end */
        if (out->len > 0 && out->data[out->len - 1] == '\n')
                out->data[--out->len] = 0;
        return k;
}

/* ---- logs-read: entries served to users who cannot read the files ---- */

typedef struct Serve {
        StrBuf *out;
        bool truncated;
} Serve;

static void hex_add(StrBuf *b, const char *key, const void *p, size_t n) {
        static const char digits[] = "0123456789abcdef";
        StrBuf v = {};
        for (size_t i = 0; i < n; i++) {
                unsigned char c = ((const unsigned char *) p)[i];
                strbuf_putc(&v, digits[c >> 4]);
                strbuf_putc(&v, digits[c & 15]);
        }
        control_record_add(b, key, v.data ? v.data : "");
        strbuf_done(&v);
}

static int serve_cb(const JournalEntry *e, void *userdata) {
        Serve *s = userdata;
        if (s->out->len > 6u * 1024 * 1024) {
                s->truncated = true;
                return -ENOBUFS;
        }
        control_record_addf(s->out, "SEQNUM", "%llu", (unsigned long long) e->seqnum);
        control_record_addf(s->out, "REALTIME", "%llu", (unsigned long long) e->realtime);
        control_record_addf(s->out, "MONOTONIC", "%llu", (unsigned long long) e->monotonic);
        hex_add(s->out, "BOOT", e->boot_id, sizeof e->boot_id);
        control_record_addf(s->out, "PID", "%u", e->pid);
        control_record_addf(s->out, "UID", "%u", e->uid);
        control_record_addf(s->out, "PRIORITY", "%d", e->priority);
        control_record_addf(s->out, "FACILITY", "%d", e->facility);
        control_record_addf(s->out, "STREAM", "%d", e->stream);
        hex_add(s->out, "UNIT", e->unit, e->unit_len);
        hex_add(s->out, "IDENT", e->ident, e->ident_len);
        hex_add(s->out, "MESSAGE", e->message, e->message_len);
        control_record_end(s->out);
        return 0;
}

int manager_journal_serve(Manager *m, uid_t uid, char **args, StrBuf *out, StrBuf *err) {
        ManagerJournal *j = m->journal;
        if (!j || !j->dir) {
                strbuf_puts(err, "No journal is kept (Storage=none).\n");
                return -ENOENT;
        }
        journal_flush(j);
        JournalFilter f;
        journal_filter_init(&f);
        char **units = NULL;
        uint64_t lines = 0;
        bool reverse = false, have_re = false;
        regex_t re;
        int r = 0;
        for (char **a = args; a && *a && r >= 0; a++) {
                const char *v = strchr(*a, '=');
                if (!v)
                        continue;
                v++;
                if (strncmp(*a, "unit=", 5) == 0)
                        r = strv_extend(&units, v);
                else if (strncmp(*a, "prio=", 5) == 0)
                        r = sscanf(v, "%d %d", &f.prio_min, &f.prio_max) == 2 ? 0 : -EINVAL;
                else if (strncmp(*a, "since=", 6) == 0)
                        f.since = strtoull(v, NULL, 10);
                else if (strncmp(*a, "until=", 6) == 0)
                        f.until = strtoull(v, NULL, 10);
                else if (strncmp(*a, "lines=", 6) == 0)
                        lines = strtoull(v, NULL, 10);
                else if (strncmp(*a, "reverse=", 8) == 0)
                        reverse = streq(v, "1");
                else if (strncmp(*a, "boot=", 5) == 0) {
                        f.boot = true;
                        (void) journal_boot_id(f.boot_id);
                } else if (strncmp(*a, "grep=", 5) == 0 && !have_re) {
                        bool lower = true;
                        for (const char *p = v; *p; p++)
                                if (*p >= 'A' && *p <= 'Z')
                                        lower = false;
                        if (regcomp(&re, v, REG_EXTENDED | REG_NOSUB | (lower ? REG_ICASE : 0)) != 0)
                                r = -EINVAL;
                        else {
                                have_re = true;
                                f.grep = &re;
                        }
                }
        }
        f.units = units;
        if (uid != 0) {
                /* Everyone else sees the entries of their own processes only. */
                f.uid_only = true;
                f.uid = (uint32_t) uid;
        }
        JournalReader *reader = NULL;
        if (r >= 0)
                r = journal_reader(j, &reader);
        Serve s = { .out = out };
        if (r >= 0)
                r = journal_query(reader, &f, lines, reverse, serve_cb, &s);
        if (reader)
                journal_reader_trim(reader);
        if (s.truncated) {
                strbuf_puts(err, "Output truncated; narrow the query (-n, --since, -u).\n");
                r = 0;
        }
        if (have_re)
                regfree(&re);
        strv_free(units);
        if (r < 0)
                strbuf_printf(err, "Failed to read the journal: %s\n", strerror(-r));
        return r;
}

void manager_journal_reload(Manager *m) {
        ManagerJournal *j = m->journal;
        if (!j)
                return;
        j->forward = forwarder_free(j->forward);
        (void) forwarder_new(m, &j->forward);
}

void manager_journal_reopen(Manager *m) {
        if (m->journal)
                forwarder_reopen(m->journal->forward);
}

bool manager_journal_busy(Manager *m) {
        return m->journal && m->journal->writer && journal_writer_buffered(m->journal->writer) > 256 * 1024;
}

/* superd's own messages (log.c's sink): under the unit they are about, else "superd". */
static void journal_log_sink(int level, const char *unit, const char *text, void *userdata) {
        Manager *m = userdata;
        ManagerJournal *j = m->journal;
        if (!j || (!j->writer && !j->forward && !j->console) || j->in_write)
                return;
        JournalEntry e = {
                .unit = unit ? unit : "superd", .unit_len = strlen(unit ? unit : "superd"), .ident = "superd",
                .ident_len = 6, .pid = (uint32_t) getpid(), .uid = (uint32_t) getuid(), .priority = level & 7,
                .facility = 3, .stream = JOURNAL_STREAM_SUPERD, .message = text, .message_len = strlen(text),
        };
        journal_add(j, &e);
        journal_flush(j);
}

int manager_journal_setup(Manager *m) {
        const JournalConfig *c = &m->config.journal;
        ManagerJournal *j = calloc(1, sizeof *j);
        if (!j)
                return -ENOMEM;
        j->manager = m;
        m->journal = j;
        if (c->forward_to_console > 0 || (c->forward_to_console < 0 && m->foreground))
                (void) console_new(m, &j->console);
        /* services' lines reach stderr through the console writer only */
        log_set_service_lines_to_stderr(false);
        (void) forwarder_new(m, &j->forward);
        if (c->storage == JOURNAL_STORAGE_NONE) {
                /* nothing stored; forwarding, the console and the syslog socket still work */
                if (j->forward || j->console) {
                        log_set_sink(journal_log_sink, m);
                        (void) syslog_server_new(m, &j->syslog);
                }
                return 0;
        }
        j->dir = journal_dir_for(m);
        if (!j->dir) {
                m->journal = NULL;
                forwarder_free(j->forward);
                console_free(j->console);
                free(j);
                return -ENOMEM;
        }
        JournalWriterConfig wc;
        journal_writer_config_defaults(&wc);
        if (c->max_use)
                wc.max_use = c->max_use;
        if (c->max_file_size)
                wc.max_file_size = c->max_file_size;
        if (m->scope == MANAGER_SYSTEM && !*m->root) {
                struct group *g = getgrnam("adm");
                if (g)
                        wc.gid = g->gr_gid;
        }
        int r = journal_writer_open(j->dir, &wc, &j->writer);
        if (r < 0) {
                log_warning_errno(r, "Failed to open the journal in '%s', messages are not stored: %m", j->dir);
                if (j->forward || j->console) {
                        log_set_sink(journal_log_sink, m);
                        (void) syslog_server_new(m, &j->syslog);
                }
                return 0;
        }
        log_set_sink(journal_log_sink, m);
        /* superd.log keeps services' lines only where someone watches it (-f). */
        log_set_service_lines_to_file(m->foreground);
        (void) syslog_server_new(m, &j->syslog);
        return 0;
}

void manager_journal_free(Manager *m) {
        ManagerJournal *j = m->journal;
        if (!j)
                return;
        log_set_sink(NULL, NULL);
        syslog_server_free(j->syslog);
        j->forward = forwarder_free(j->forward);
        j->console = console_free(j->console);
        loop_source_free(j->sync_timer);
        journal_writer_close(j->writer);
        journal_reader_free(j->reader);
        const char *k;
        void *v;
        for (size_t i = 0; hashmap_next(&j->limits, &i, &k, &v);) {
                RateLimit *rl = v;
                free(rl->unit);
                free(rl);
        }
        hashmap_done(&j->limits);
        free(j->dir);
        free(j);
        m->journal = NULL;
}
