/* forward-parse.c — syslog.conf selectors and actions (see forward-parse.h).
 * Selector semantics are sysklogd's/rsyslog's: selectors apply left to
 * right; "fac.prio" adds prio and everything more urgent, "fac.=prio" just
 * prio, "fac.!prio" / "fac.!=prio" remove them again, "fac.none" clears the
 * facility; "*" is every facility (and every priority). */
#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "forward-parse.h"
#include "journal.h"

static int prio_from(const char *s, size_t n) {
        char buf[16];
        if (n == 0 || n >= sizeof buf)
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = 0;
        if (strcasecmp(buf, "warn") == 0)
                return 4;
        if (strcasecmp(buf, "error") == 0)
                return 3;
        if (strcasecmp(buf, "panic") == 0)
                return 0;
        for (size_t i = 0; i < n; i++)
                buf[i] = (char) tolower((unsigned char) buf[i]);
        return journal_priority_from_string(buf);
}

static int fac_from(const char *s, size_t n) {
        char buf[16];
        if (n == 0 || n >= sizeof buf)
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = 0;
        if (strcasecmp(buf, "security") == 0)
                return 4;
        if (strcasecmp(buf, "mark") == 0)
                return -ENOENT; /* never sent to us: accepted, matches nothing */
        return journal_facility_from_string(buf);
}

/* One "facs.prio" selector. */
static int selector_one(const char *s, size_t n, uint8_t mask[24], const char **err) {
        const char *dot = NULL;
        for (size_t i = n; i > 0; i--)
                if (s[i - 1] == '.') {
                        dot = s + i - 1;
                        break;
                }
        if (!dot) {
                *err = "selector without '.priority'";
                return -EINVAL;
        }
        const char *p = dot + 1;
        size_t pn = (size_t) (s + n - p);
        bool negate = false, exact = false, none = false;
        if (pn && *p == '!') {
                negate = true;
                p++, pn--;
        }
        if (pn && *p == '=') {
                exact = true;
                p++, pn--;
        }
        uint8_t bits;
        if (pn == 1 && *p == '*')
                bits = 0xff;
        else if (pn == 4 && strncasecmp(p, "none", 4) == 0)
                none = true, bits = 0;
        else {
                int pr = prio_from(p, pn);
                if (pr < 0) {
                        *err = "unknown priority";
                        return -EINVAL;
                }
                bits = exact ? (uint8_t) (1u << pr) : (uint8_t) ((2u << pr) - 1);
        }
        /* the facility list */
        bool which[24] = {};
        const char *f = s;
        while (f < dot) {
                const char *c = memchr(f, ',', (size_t) (dot - f));
                size_t fn = (size_t) ((c ? c : dot) - f);
                if (fn == 1 && *f == '*')
                        memset(which, 1, sizeof which);
                else {
                        int fac = fac_from(f, fn);
                        if (fac == -EINVAL) {
                                *err = "unknown facility";
                                return -EINVAL;
                        }
                        if (fac >= 0)
                                which[fac] = true;
                }
                f = c ? c + 1 : dot;
                if (c && f == dot) {
                        *err = "empty facility";
                        return -EINVAL;
                }
        }
        if (dot == s) {
                *err = "empty facility";
                return -EINVAL;
        }
        for (int i = 0; i < 24; i++) {
                if (!which[i])
                        continue;
                if (none)
                        mask[i] = 0;
                else if (negate)
                        mask[i] &= (uint8_t) ~bits;
                else
                        mask[i] |= bits;
        }
        return 0;
}

int forward_selector_parse(const char *s, size_t n, uint8_t mask[24], const char **err) {
        memset(mask, 0, 24);
        if (n == 0) {
                *err = "empty selector";
                return -EINVAL;
        }
        while (n > 0) {
                const char *semi = memchr(s, ';', n);
                size_t k = semi ? (size_t) (semi - s) : n;
                if (k == 0) {
                        *err = "empty selector";
                        return -EINVAL;
                }
                int r = selector_one(s, k, mask, err);
                if (r < 0)
                        return r;
                if (!semi)
                        break;
                s += k + 1;
                n -= k + 1;
                if (n == 0) {
                        *err = "empty selector";
                        return -EINVAL;
                }
        }
        return 0;
}

static char *dup_n(const char *s, size_t n) {
        char *c = malloc(n + 1);
        if (c) {
                memcpy(c, s, n);
                c[n] = 0;
        }
        return c;
}

/* The action: 0, -EINVAL (*err set) or -ENOMEM. */
static int action_parse(const char *a, size_t n, ForwardRule *r, const char **err) {
        /* rsyslog's ";TEMPLATE" suffix: RFC5424 / RSYSLOG_SyslogProtocol23Format pick RFC 5424. */
        const char *semi = memchr(a, ';', n);
        size_t an = semi ? (size_t) (semi - a) : n;
        if (semi) {
                const char *t = semi + 1;
                size_t tn = n - an - 1;
                if ((tn == 7 && strncasecmp(t, "RFC5424", 7) == 0) ||
                    (tn == 30 && strncmp(t, "RSYSLOG_SyslogProtocol23Format", 30) == 0))
                        r->rfc5424 = true;
                else if (!((tn == 7 && strncasecmp(t, "RFC3164", 7) == 0) ||
                           (tn == 27 && strncmp(t, "RSYSLOG_TraditionalFileFormat", 27) == 0) ||
                           (tn == 28 && strncmp(t, "RSYSLOG_TraditionalForwardFormat", 28) == 0))) {
                        *err = "unknown format after ';' (RFC3164 or RFC5424)";
                        return -EINVAL;
                }
        }
        if (an > 0 && a[0] == '-') /* "-/path": no sync after each line; we never sync anyway */
                a++, an--;
        if (an > 1 && a[0] == '/') {
                if (memchr(a, 0, an)) {
                        *err = "NUL in path";
                        return -EINVAL;
                }
                r->action = FORWARD_FILE;
                r->target = dup_n(a, an);
                return r->target ? 0 : -ENOMEM;
        }
        if (an == 0 || a[0] != '@') {
                *err = "unknown action (expected /path, @host:port or @@host:port)";
                return -EINVAL;
        }
        a++, an--;
        r->action = FORWARD_UDP;
        if (an > 0 && a[0] == '@') {
                r->action = FORWARD_TCP;
                r->rfc5424 = true;
                a++, an--;
        }
        const char *host = a, *port = NULL;
        size_t hn, portn = 0;
        if (an > 0 && a[0] == '[') {
                const char *close = memchr(a, ']', an);
                if (!close) {
                        *err = "missing ']'";
                        return -EINVAL;
                }
                host = a + 1;
                hn = (size_t) (close - host);
                const char *rest = close + 1;
                size_t rn = an - (size_t) (rest - a);
                if (rn > 0) {
                        if (rest[0] != ':') {
                                *err = "garbage after ']'";
                                return -EINVAL;
                        }
                        port = rest + 1;
                        portn = rn - 1;
                }
        } else {
                const char *colon = memchr(a, ':', an);
                hn = colon ? (size_t) (colon - a) : an;
                if (colon) {
                        port = colon + 1;
                        portn = an - hn - 1;
                        if (memchr(port, ':', portn)) {
                                *err = "IPv6 addresses need brackets: @[::1]:514";
                                return -EINVAL;
                        }
                }
        }
        if (hn == 0 || hn > 253) {
                *err = "missing host";
                return -EINVAL;
        }
        for (size_t i = 0; i < hn; i++)
                if (!isalnum((unsigned char) host[i]) && !strchr(".-_:%", host[i])) {
                        *err = "bad host name";
                        return -EINVAL;
                }
        unsigned long pv = 514;
        if (port) {
                pv = 0;
                if (portn == 0 || portn > 5) {
                        *err = "bad port";
                        return -EINVAL;
                }
                for (size_t i = 0; i < portn; i++) {
                        if (!isdigit((unsigned char) port[i])) {
                                *err = "bad port";
                                return -EINVAL;
                        }
                        pv = pv * 10 + (unsigned long) (port[i] - '0');
                }
                if (pv == 0 || pv > 65535) {
                        *err = "bad port";
                        return -EINVAL;
                }
        }
        r->target = dup_n(host, hn);
        char pb[8];
        size_t pl = (size_t) snprintf(pb, sizeof pb, "%lu", pv);
        r->port = dup_n(pb, pl);
        return r->target && r->port ? 0 : -ENOMEM;
}

void forward_rules_free(ForwardRule *rules, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(rules[i].target);
                free(rules[i].port);
        }
        free(rules);
}

int forward_rules_parse(const char *text, size_t n, ForwardRule **ret, size_t *ret_n, forward_diag_cb cb,
                        void *userdata) {
        ForwardRule *rules = NULL;
        size_t count = 0, cap = 0;
        unsigned line = 0;
        const char *p = text, *end = text + n;
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                const char *le = nl ? nl : end;
                line++;
                const char *s = p;
                p = nl ? nl + 1 : end;
                while (s < le && (*s == ' ' || *s == '\t'))
                        s++;
                const char *e = le;
                while (e > s && isspace((unsigned char) e[-1]))
                        e--;
                if (s == e || *s == '#')
                        continue;
                const char *err = NULL;
                if (*s == '$' || *s == '&' || *s == ':' || strncmp(s, "module(", 7) == 0 ||
                    strncmp(s, "input(", 6) == 0 || strncmp(s, "template(", 9) == 0) {
                        err = "rsyslog directives are not supported";
                        goto bad;
                }
                /* selector, white space, action */
                const char *ws = s;
                while (ws < e && *ws != ' ' && *ws != '\t')
                        ws++;
                if (ws == e) {
                        err = "expected 'selector action'";
                        goto bad;
                }
                const char *a = ws;
                while (a < e && (*a == ' ' || *a == '\t'))
                        a++;
                for (const char *q = a; q < e; q++)
                        if (*q == ' ' || *q == '\t') {
                                err = "trailing text after the action";
                                goto bad;
                        }
                ForwardRule r = { .line = line };
                if (forward_selector_parse(s, (size_t) (ws - s), r.mask, &err) < 0)
                        goto bad;
                int k = action_parse(a, (size_t) (e - a), &r, &err);
                if (k < 0) {
                        free(r.target);
                        free(r.port);
                        if (k == -ENOMEM) {
                                forward_rules_free(rules, count);
                                return k;
                        }
                        goto bad;
                }
                if (count == cap) {
                        size_t nc = cap ? cap * 2 : 8;
                        ForwardRule *nr = realloc(rules, nc * sizeof *nr);
                        if (!nr) {
                                free(r.target);
                                free(r.port);
                                forward_rules_free(rules, count);
                                return -ENOMEM;
                        }
                        rules = nr;
                        cap = nc;
                }
                rules[count++] = r;
                continue;
        bad:
                if (cb)
                        cb(line, err, userdata);
        }
        *ret = rules;
        *ret_n = count;
        return 0;
}
