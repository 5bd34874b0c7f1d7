/* syslog-parse.c — one syslog datagram into its fields. RFC 5424 is
 * "<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG" with "-" for none; RFC
 * 3164 (and what glibc sends to /dev/log) is "<PRI>Mmm dd hh:mm:ss [HOST]
 * TAG[PID]: MSG", where the host is usually left out locally. */
#include "syslog-parse.h"

#include <string.h>
#include <time.h>

static size_t token(const char *p, size_t n) {
        size_t i = 0;
        while (i < n && p[i] != ' ')
                i++;
        return i;
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static uint32_t parse_pid(const char *p, size_t n) {
        uint64_t v = 0;
        if (n == 0 || n > 10)
                return 0;
        for (size_t i = 0; i < n; i++) {
                if (!is_digit(p[i]))
                        return 0;
                v = v * 10 + (uint64_t) (p[i] - '0');
        }
        return v > UINT32_MAX ? 0 : (uint32_t) v;
}

/* "TAG[PID]: " or "TAG: " at p; returns bytes consumed, 0 if not a tag. */
static size_t parse_tag(const char *p, size_t n, SyslogMessage *m) {
        size_t i = 0;
        while (i < n && i < 128 && p[i] != ' ' && p[i] != ':' && p[i] != '[')
                i++;
        if (i == 0 || i >= n)
                return 0;
        size_t tag_len = i;
        uint32_t pid = 0;
        if (p[i] == '[') {
                size_t s = ++i;
                while (i < n && p[i] != ']')
                        i++;
                if (i >= n)
                        return 0;
                pid = parse_pid(p + s, i - s);
                i++;
        }
        if (i >= n || p[i] != ':')
                return 0;
        i++;
        if (i < n && p[i] == ' ')
                i++;
        m->ident = p;
        m->ident_len = tag_len;
        m->pid = pid;
        return i;
}

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* "Mmm dd hh:mm:ss " (15 bytes + space); returns 16 or 0. */
static size_t parse_3164_time(const char *p, size_t n, uint64_t *ret) {
        if (n < 16 || p[3] != ' ' || p[6] != ' ' || p[9] != ':' || p[12] != ':' || p[15] != ' ')
                return 0;
        int mon = -1;
        for (int i = 0; i < 12; i++)
                if (memcmp(p, months[i], 3) == 0)
                        mon = i;
        if (mon < 0 || !(p[4] == ' ' || is_digit(p[4])) || !is_digit(p[5]))
                return 0;
        for (int i = 7; i < 15; i++)
                if (i != 9 && i != 12 && !is_digit(p[i]))
                        return 0;
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        int year = tm.tm_year;
        tm = (struct tm) {
                .tm_year = year,
                .tm_mon = mon,
                .tm_mday = (p[4] == ' ' ? 0 : (p[4] - '0') * 10) + (p[5] - '0'),
                .tm_hour = (p[7] - '0') * 10 + (p[8] - '0'),
                .tm_min = (p[10] - '0') * 10 + (p[11] - '0'),
                .tm_sec = (p[13] - '0') * 10 + (p[14] - '0'),
                .tm_isdst = -1,
        };
        time_t t = mktime(&tm);
        *ret = t > 0 ? (uint64_t) t * 1000000u : 0;
        return 16;
}

static void parse_5424(const char *p, size_t n, SyslogMessage *m) {
        const char *f[5];
        size_t fl[5];
        for (int k = 0; k < 5; k++) {
                size_t l = token(p, n);
                f[k] = p;
                fl[k] = l;
                if (l >= n) {
                        p += n;
                        n = 0;
                } else {
                        p += l + 1;
                        n -= l + 1;
                }
        }
        /* f: TIMESTAMP HOST APP PROCID MSGID */
        if (!(fl[1] == 1 && f[1][0] == '-')) {
                m->hostname = f[1];
                m->hostname_len = fl[1];
        }
        if (!(fl[2] == 1 && f[2][0] == '-')) {
                m->ident = f[2];
                m->ident_len = fl[2];
        }
        m->pid = parse_pid(f[3], fl[3]);
        /* Structured data: "-" or [ ... ] elements with quoted values. */
        if (n > 0 && p[0] == '-') {
                p++;
                n--;
        } else if (n > 0 && p[0] == '[') {
                size_t i = 0;
                while (i < n && p[i] == '[') {
                        bool quoted = false;
                        i++;
                        while (i < n) {
                                if (quoted && p[i] == '\\' && i + 1 < n)
                                        i += 2;
                                else if (p[i] == '"') {
                                        quoted = !quoted;
                                        i++;
                                } else if (!quoted && p[i] == ']') {
                                        i++;
                                        break;
                                } else
                                        i++;
                        }
                }
                p += i;
                n -= i;
        }
        if (n > 0 && p[0] == ' ') {
                p++;
                n--;
        }
        if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
                p += 3;
                n -= 3;
        }
        m->msg = p;
        m->msg_len = n;
        m->rfc = 5424;
}

void syslog_parse(const char *p, size_t n, SyslogMessage *m) {
        *m = (SyslogMessage) { .priority = 5, .facility = 1, .rfc = 3164 };
        while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\0' || p[n - 1] == '\r'))
                n--;
        if (n >= 3 && p[0] == '<') {
                size_t i = 1;
                unsigned v = 0;
                while (i < n && i <= 4 && is_digit(p[i]))
                        v = v * 10 + (unsigned) (p[i++] - '0');
                if (i > 1 && i < n && p[i] == '>' && v < 192) {
                        m->priority = (int) (v & 7);
                        m->facility = (int) (v >> 3);
                        p += i + 1;
                        n -= i + 1;
                }
        }
        if (n >= 2 && p[0] == '1' && p[1] == ' ') {
                parse_5424(p + 2, n - 2, m);
                return;
        }
        size_t t = parse_3164_time(p, n, &m->timestamp);
        p += t;
        n -= t;
        size_t k = parse_tag(p, n, m);
        if (k == 0 && t) {
                /* "HOST TAG[PID]: MSG" */
                size_t h = token(p, n);
                if (h < n && h > 0) {
                        size_t k2 = parse_tag(p + h + 1, n - h - 1, m);
                        if (k2) {
                                m->hostname = p;
                                m->hostname_len = h;
                                k = h + 1 + k2;
                        }
                }
        }
        m->msg = p + k;
        m->msg_len = n - k;
}
