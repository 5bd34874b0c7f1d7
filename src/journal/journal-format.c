/* journal-format.c — one entry as text: journalctl's short formats, cat,
 * JSON with journald's field names, and the export format. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "journal.h"
#include "lib/strbuf.h"

static const char *const output_names[] = { "short", "short-iso", "short-precise", "cat", "json", "json-pretty", "export" };

int journal_output_from_string(const char *s) {
        for (int i = 0; i < _JOURNAL_OUTPUT_MAX; i++)
                if (strcmp(s, output_names[i]) == 0)
                        return i;
        return -1;
}

/* Length of a valid UTF-8 sequence at p, 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n) {
        unsigned char c = p[0];
        size_t l = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (l == 0 || l > n || (l == 2 && c < 0xc2))
                return 0;
        for (size_t i = 1; i < l; i++)
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
        if (l == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
                return 0;
        if (l == 4 && ((c == 0xf0 && p[1] < 0x90) || c > 0xf4 || (c == 0xf4 && p[1] >= 0x90)))
                return 0;
        return l;
}

static bool is_valid_text(const char *s, size_t n) {
        const unsigned char *p = (const unsigned char *) s;
        for (size_t i = 0; i < n;) {
                if (p[i] < 0x20 && p[i] != '\t')
                        return false;
                if (p[i] == 0x7f)
                        return false;
                size_t l = utf8_len(p + i, n - i);
                if (!l)
                        return false;
                i += l;
        }
        return true;
}

static void put_escaped(StrBuf *b, const char *s, size_t n, bool escape) {
        if (!escape) {
                strbuf_append(b, s, n);
                return;
        }
        const unsigned char *p = (const unsigned char *) s;
        for (size_t i = 0; i < n;) {
                size_t l = utf8_len(p + i, n - i);
                if (l == 1 && (p[i] < 0x20 || p[i] == 0x7f) && p[i] != '\t')
                        l = 0;
                if (l == 0) {
                        strbuf_printf(b, "\\x%02x", p[i]);
                        i++;
                        continue;
                }
                strbuf_append(b, p + i, l);
                i += l;
        }
}

static void put_json_string(StrBuf *b, const char *s, size_t n) {
        const unsigned char *p = (const unsigned char *) s;
        strbuf_putc(b, '"');
        for (size_t i = 0; i < n;) {
                unsigned char c = p[i];
                if (c == '"' || c == '\\') {
                        strbuf_putc(b, '\\');
                        strbuf_putc(b, (char) c);
                        i++;
                } else if (c < 0x20 || c == 0x7f) {
                        if (c == '\n')
                                strbuf_puts(b, "\\n");
                        else if (c == '\t')
                                strbuf_puts(b, "\\t");
                        else
                                strbuf_printf(b, "\\u%04x", c);
                        i++;
                } else {
                        size_t l = utf8_len(p + i, n - i);
                        strbuf_append(b, p + i, l ? l : 1);
                        i += l ? l : 1;
                }
        }
        strbuf_putc(b, '"');
}

/* journald shows a message that is not valid UTF-8 text as an array of bytes. */
static void put_json_message(StrBuf *b, const char *s, size_t n) {
        const unsigned char *p = (const unsigned char *) s;
        bool text = true;
        for (size_t i = 0; i < n;) {
                size_t l = utf8_len(p + i, n - i);
                if (!l) {
                        text = false;
                        break;
                }
                i += l;
        }
        if (text) {
                put_json_string(b, s, n);
                return;
        }
        strbuf_putc(b, '[');
        for (size_t i = 0; i < n; i++)
                strbuf_printf(b, "%s%u", i ? "," : "", p[i]);
        strbuf_putc(b, ']');
}

static void put_hex(StrBuf *b, const uint8_t *id) {
        for (int i = 0; i < 16; i++)
                strbuf_printf(b, "%02x", id[i]);
}

static void format_short_prefix(StrBuf *b, const JournalEntry *e, JournalOutput o, const char *host, bool escape) {
        time_t t = (time_t) (e->realtime / 1000000u);
        struct tm tm;
        localtime_r(&t, &tm);
        char ts[64];
        if (o == JOURNAL_OUTPUT_SHORT_ISO)
                strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S%z", &tm);
        else {
                size_t n = strftime(ts, sizeof ts, "%b %d %H:%M:%S", &tm);
                if (o == JOURNAL_OUTPUT_SHORT_PRECISE)
                        snprintf(ts + n, sizeof ts - n, ".%06llu", (unsigned long long) (e->realtime % 1000000u));
        }
        strbuf_printf(b, "%s %s ", ts, host ? host : "localhost");
        if (e->ident_len)
                put_escaped(b, e->ident, e->ident_len, true);
        else
                put_escaped(b, e->unit, e->unit_len, true);
        if (e->pid)
                strbuf_printf(b, "[%u]", e->pid);
        strbuf_puts(b, ": ");
}

static void export_field(StrBuf *b, const char *name, const char *v, size_t n) {
        if (memchr(v, '\n', n) || !is_valid_text(v, n)) {
                uint64_t le = n;
                strbuf_printf(b, "%s\n", name);
                strbuf_append(b, &le, 8);
                strbuf_append(b, v, n);
                strbuf_putc(b, '\n');
        } else {
                strbuf_printf(b, "%s=", name);
                strbuf_append(b, v, n);
                strbuf_putc(b, '\n');
        }
}

void journal_format_entry(StrBuf *b, const JournalEntry *e, JournalOutput o, const char *host, bool escape) {
        char num[32];
        switch (o) {
        case JOURNAL_OUTPUT_CAT:
                put_escaped(b, e->message, e->message_len, escape);
                strbuf_putc(b, '\n');
                return;
        case JOURNAL_OUTPUT_SHORT:
        case JOURNAL_OUTPUT_SHORT_ISO:
        case JOURNAL_OUTPUT_SHORT_PRECISE:
        case _JOURNAL_OUTPUT_MAX:
                format_short_prefix(b, e, o, host, escape);
                put_escaped(b, e->message, e->message_len, escape);
                strbuf_putc(b, '\n');
                return;
        case JOURNAL_OUTPUT_EXPORT: {
                strbuf_printf(b, "__CURSOR=s=%llx\n", (unsigned long long) e->seqnum);
                strbuf_printf(b, "__REALTIME_TIMESTAMP=%llu\n", (unsigned long long) e->realtime);
                strbuf_printf(b, "__MONOTONIC_TIMESTAMP=%llu\n", (unsigned long long) e->monotonic);
                strbuf_puts(b, "_BOOT_ID=");
                put_hex(b, e->boot_id);
                strbuf_putc(b, '\n');
                snprintf(num, sizeof num, "%d", e->priority);
                export_field(b, "PRIORITY", num, strlen(num));
                snprintf(num, sizeof num, "%d", e->facility);
                export_field(b, "SYSLOG_FACILITY", num, strlen(num));
                if (e->ident_len)
                        export_field(b, "SYSLOG_IDENTIFIER", e->ident, e->ident_len);
                if (e->pid) {
                        snprintf(num, sizeof num, "%u", e->pid);
                        export_field(b, "_PID", num, strlen(num));
                }
                if (e->uid != JOURNAL_UID_UNKNOWN) {
                        snprintf(num, sizeof num, "%u", e->uid);
                        export_field(b, "_UID", num, strlen(num));
                }
                export_field(b, "_SYSTEMD_UNIT", e->unit, e->unit_len);
                const char *st = journal_stream_to_string(e->stream);
                export_field(b, "_TRANSPORT", e->stream == JOURNAL_STREAM_SYSLOG ? "syslog" :
                             e->stream == JOURNAL_STREAM_SUPERD ? "driver" : "stdout",
                             strlen(e->stream == JOURNAL_STREAM_SYSLOG ? "syslog" :
                                    e->stream == JOURNAL_STREAM_SUPERD ? "driver" : "stdout"));
                export_field(b, "_STREAM", st, strlen(st));
                export_field(b, "MESSAGE", e->message, e->message_len);
                strbuf_putc(b, '\n');
                return;
        }
        case JOURNAL_OUTPUT_JSON:
        case JOURNAL_OUTPUT_JSON_PRETTY: {
                bool pretty = o == JOURNAL_OUTPUT_JSON_PRETTY;
                const char *sep = pretty ? ",\n\t" : ", ";
                strbuf_puts(b, pretty ? "{\n\t" : "{ ");
                strbuf_printf(b, "\"__CURSOR\" : \"s=%llx\"%s", (unsigned long long) e->seqnum, sep);
                strbuf_printf(b, "\"__REALTIME_TIMESTAMP\" : \"%llu\"%s", (unsigned long long) e->realtime, sep);
                strbuf_printf(b, "\"__MONOTONIC_TIMESTAMP\" : \"%llu\"%s", (unsigned long long) e->monotonic, sep);
                strbuf_puts(b, "\"_BOOT_ID\" : \"");
                put_hex(b, e->boot_id);
                strbuf_printf(b, "\"%s", sep);
                strbuf_printf(b, "\"PRIORITY\" : \"%d\"%s", e->priority, sep);
                strbuf_printf(b, "\"SYSLOG_FACILITY\" : \"%d\"%s", e->facility, sep);
                if (e->ident_len) {
                        strbuf_puts(b, "\"SYSLOG_IDENTIFIER\" : ");
                        put_json_string(b, e->ident, e->ident_len);
                        strbuf_puts(b, sep);
                }
                if (e->pid)
                        strbuf_printf(b, "\"_PID\" : \"%u\"%s", e->pid, sep);
                if (e->uid != JOURNAL_UID_UNKNOWN)
                        strbuf_printf(b, "\"_UID\" : \"%u\"%s", e->uid, sep);
                strbuf_puts(b, "\"_SYSTEMD_UNIT\" : ");
                put_json_string(b, e->unit, e->unit_len);
                strbuf_puts(b, sep);
                strbuf_printf(b, "\"_TRANSPORT\" : \"%s\"%s", e->stream == JOURNAL_STREAM_SYSLOG ? "syslog" :
                              e->stream == JOURNAL_STREAM_SUPERD ? "driver" : "stdout", sep);
                strbuf_printf(b, "\"_STREAM\" : \"%s\"%s", journal_stream_to_string(e->stream), sep);
                strbuf_puts(b, "\"MESSAGE\" : ");
                put_json_message(b, e->message, e->message_len);
                strbuf_puts(b, pretty ? "\n}\n" : " }\n");
                return;
        }
        }
}
