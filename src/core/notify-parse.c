/* notify-parse.c — sd_notify(3) datagrams; see notify-parse.h. */
#include "notify-parse.h"

#include <limits.h>
#include <stdio.h>

#include "lib/strbuf.h"

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid.
 * Overlong forms, surrogates and code points past U+10FFFF are invalid. */
static size_t utf8_sequence_length(const unsigned char *p, size_t n) {
        size_t len;
        uint32_t cp;
        if (p[0] < 0x80)
                return 1;
        if (p[0] >= 0xc2 && p[0] <= 0xdf)
                len = 2, cp = p[0] & 0x1f;
        else if (p[0] >= 0xe0 && p[0] <= 0xef)
                len = 3, cp = p[0] & 0x0f;
        else if (p[0] >= 0xf0 && p[0] <= 0xf4)
                len = 4, cp = p[0] & 0x07;
        else
                return 0;
        if (len > n)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return len;
}

char *notify_escape(const char *text, size_t size) {
        const unsigned char *p = (const unsigned char *) text;
        StrBuf b = {};
        strbuf_puts(&b, ""); /* "" for empty text, never NULL */
        for (size_t i = 0; i < size;) {
                size_t l = utf8_sequence_length(p + i, size - i);
                if (l == 0 || (l == 1 && (p[i] < 0x20 || p[i] == 0x7f))) {
                        strbuf_printf(&b, "\\x%02x", p[i]);
                        i++;
                        continue;
                }
                strbuf_append(&b, p + i, l);
                i += l;
        }
        if (b.oom) {
                strbuf_done(&b);
                return NULL;
        }
        return strbuf_steal(&b);
}

/* Strict unsigned decimal: digits only, no sign, no spaces, no overflow. */
static int parse_u64(const char *s, size_t n, uint64_t *ret) {
        uint64_t v = 0;
        if (n == 0 || n > 20)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                unsigned d = (unsigned) (s[i] - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        *ret = v;
        return 0;
}

static bool value_is(const char *v, size_t n, const char *want) {
        return strlen(want) == n && memcmp(v, want, n) == 0;
}

static bool key_is_valid(const char *k, size_t n) {
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((k[i] >= 'A' && k[i] <= 'Z') || (k[i] >= 'a' && k[i] <= 'z') ||
                      (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
                        return false;
        return true;
}

/* Keys whose only valid value is one word. */
static const struct {
        const char *key;
        const char *value;
        NotifyField field;
} flag_keys[] = {
        { "READY", "1", NOTIFY_READY },
        { "RELOADING", "1", NOTIFY_RELOADING },
        { "STOPPING", "1", NOTIFY_STOPPING },
        { "WATCHDOG", "1", NOTIFY_WATCHDOG },
        { "WATCHDOG", "trigger", NOTIFY_WATCHDOG_TRIGGER },
        { "BARRIER", "1", NOTIFY_BARRIER },
        { "FDSTORE", "1", NOTIFY_FDSTORE },
};

/* Returns 1 when key is one of flag_keys (field set or n_invalid counted). */
static int parse_flag(NotifyMessage *m, const char *k, size_t kn, const char *v, size_t vn) {
        bool known = false;
        for (size_t i = 0; i < ELEMENTSOF(flag_keys); i++) {
                if (!value_is(k, kn, flag_keys[i].key))
                        continue;
                known = true;
                if (value_is(v, vn, flag_keys[i].value)) {
                        m->fields |= flag_keys[i].field;
                        return 1;
                }
        }
        if (known)
                m->n_invalid++;
        return known;
}

static int parse_number(NotifyMessage *m, const char *k, size_t kn, const char *v, size_t vn) {
        uint64_t x = 0;
        bool ok = parse_u64(v, vn, &x) >= 0;
        if (value_is(k, kn, "ERRNO")) {
                if (ok && x <= INT_MAX && !(m->fields & NOTIFY_ERRNO)) {
                        m->errno_value = (int) x;
                        m->fields |= NOTIFY_ERRNO;
                } else if (!ok || x > INT_MAX)
                        m->n_invalid++;
        } else if (value_is(k, kn, "MAINPID")) {
                if (ok && x > 0 && x <= INT_MAX && !(m->fields & NOTIFY_MAINPID)) {
                        m->main_pid = (pid_t) x;
                        m->fields |= NOTIFY_MAINPID;
                } else if (!ok || x == 0 || x > INT_MAX)
                        m->n_invalid++;
        } else if (value_is(k, kn, "WATCHDOG_USEC")) {
                if (ok && !(m->fields & NOTIFY_WATCHDOG_USEC)) {
                        m->watchdog_usec = x;
                        m->fields |= NOTIFY_WATCHDOG_USEC;
                } else if (!ok)
                        m->n_invalid++;
        } else if (value_is(k, kn, "EXTEND_TIMEOUT_USEC")) {
                if (ok && !(m->fields & NOTIFY_EXTEND_TIMEOUT)) {
                        m->extend_timeout_usec = x;
                        m->fields |= NOTIFY_EXTEND_TIMEOUT;
                } else if (!ok)
                        m->n_invalid++;
        } else
                return 0;
        return 1;
}

static int parse_assignment(NotifyMessage *m, const char *line, size_t n) {
        const char *eq = memchr(line, '=', n);
        if (!eq || !key_is_valid(line, (size_t) (eq - line)))
                return -EBADMSG;
        size_t kn = (size_t) (eq - line), vn = n - kn - 1;
        const char *v = eq + 1;
        if (parse_flag(m, line, kn, v, vn) || parse_number(m, line, kn, v, vn))
                return 0;
        if (value_is(line, kn, "STATUS")) {
                if (m->fields & NOTIFY_STATUS)
                        return 0;
                m->status = notify_escape(v, vn);
                if (!m->status)
                        return -ENOMEM;
                m->fields |= NOTIFY_STATUS;
                return 0;
        }
        m->n_unknown++;
        return 0;
}

int notify_message_parse(const char *data, size_t size, NotifyMessage *ret) {
        if (size > NOTIFY_MESSAGE_MAX)
                return -EMSGSIZE;
        if (size == 0 || memchr(data, 0, size))
                return -EBADMSG;
        NotifyMessage m = {};
        bool any = false;
        for (size_t i = 0; i < size;) {
                const char *nl = memchr(data + i, '\n', size - i);
                size_t n = nl ? (size_t) (nl - (data + i)) : size - i;
                if (n > 0) {
                        int r = parse_assignment(&m, data + i, n);
                        if (r < 0) {
                                notify_message_done(&m);
                                return r;
                        }
                        any = true;
                }
                i += n + 1;
        }
        if (!any)
                return -EBADMSG;
        *ret = m;
        return 0;
}

void notify_message_done(NotifyMessage *m) {
        free(m->status);
        m->status = NULL;
}
