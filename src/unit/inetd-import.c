/* inetd-import.c — xinetd.conf and inetd.conf to socket + service units
 * (see inetd-import.h). */
#include "inetd-import.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/strbuf.h"
#include "../lib/strv.h"

#define INETD_SERVICES_MAX 10000U
#define INETD_ATTRS_MAX 256U
#define INETD_LINE_MAX 4096U

/* ---- parsing ---- */

static void service_done(InetdService *s) {
        for (size_t i = 0; i < s->n_attrs; i++) {
                free(s->attrs[i].name);
                free(s->attrs[i].value);
        }
        free(s->attrs);
        free(s->name);
        free(s->path);
        *s = (InetdService) {};
}

void inetd_config_done(InetdConfig *cfg) {
        for (size_t i = 0; i < cfg->n_services; i++)
                service_done(&cfg->services[i]);
        free(cfg->services);
        service_done(&cfg->defaults);
        strv_free(cfg->includedirs);
        strv_free(cfg->includes);
        diag_done(&cfg->diag);
        *cfg = (InetdConfig) {};
}

static int attr_add(InetdService *s, const char *name, char op, const char *value, unsigned line, bool commented) {
        if (s->n_attrs >= INETD_ATTRS_MAX)
                return -E2BIG;
        InetdAttr *a = realloc(s->attrs, sizeof(InetdAttr) * (s->n_attrs + 1));
        if (!a)
                return -ENOMEM;
        s->attrs = a;
        InetdAttr *n = &a[s->n_attrs];
        *n = (InetdAttr) { .name = strdup(name), .op = op, .value = strdup(value), .line = line,
                           .commented = commented };
        if (!n->name || !n->value) {
                free(n->name);
                free(n->value);
                return -ENOMEM;
        }
        s->n_attrs++;
        return 0;
}

static InetdService *service_new(InetdConfig *cfg, const char *name, const char *path, unsigned line) {
        if (cfg->n_services >= INETD_SERVICES_MAX)
                return NULL;
        InetdService *v = realloc(cfg->services, sizeof(InetdService) * (cfg->n_services + 1));
        if (!v)
                return NULL;
        cfg->services = v;
        InetdService *s = &v[cfg->n_services];
        *s = (InetdService) { .name = strdup(name), .path = strdup(path), .line = line };
        if (!s->name || !s->path) {
                service_done(s);
                return NULL;
        }
        cfg->n_services++;
        return s;
}

/* Trims in place; returns the start. */
static char *trim(char *s) {
        while (isspace((unsigned char) *s))
                s++;
        char *e = s + strlen(s);
        while (e > s && isspace((unsigned char) e[-1]))
                *--e = 0;
        return s;
}

/* The next line of data at *pos, bounded, NULs made spaces, trimmed, in
 * buf (INETD_LINE_MAX bytes); moves *pos past it and counts *line. */
static char *next_line(const char *data, size_t size, size_t *pos, unsigned *line, char *buf) {
        const char *nl = memchr(data + *pos, '\n', size - *pos);
        size_t len = nl ? (size_t) (nl - data - *pos) : size - *pos;
        size_t n = MIN(len, (size_t) INETD_LINE_MAX - 1);
        (*line)++;
        memcpy(buf, data + *pos, n);
        buf[n] = 0;
        for (size_t k = 0; k < n; k++)
                if (buf[k] == 0)
                        buf[k] = ' ';
        *pos += len + (nl ? 1 : 0);
        return trim(buf);
}


/* Collapses runs of whitespace to one space. */
static void squeeze(char *s) {
        char *w = s;
        bool sp = false;
        for (char *r = s; *r; r++) {
                if (isspace((unsigned char) *r)) {
                        sp = true;
                        continue;
                }
                if (sp && w > s)
                        *w++ = ' ';
                sp = false;
                *w++ = *r;
        }
        *w = 0;
}

/* One "name [+-]= value" line of a service body. */
static int xinetd_attr_line(InetdConfig *cfg, InetdService *s, const char *path, unsigned line, char *l) {
        char *eq = strchr(l, '=');
        if (!eq) {
                diag_add(&cfg->diag, DIAG_WARNING, path, line, "Expected 'attribute = value', ignoring.");
                return 0;
        }
        char op = '=';
        if (eq > l && (eq[-1] == '+' || eq[-1] == '-')) {
                op = eq[-1];
                eq[-1] = 0;
        }
        *eq = 0;
        char *name = trim(l), *value = eq + 1;
        bool commented = false;
        char *hash = strchr(value, '#');
        if (hash) {
                *hash = 0;
                commented = true;
        }
        value = trim(value);
        squeeze(value);
        if (!*name || strchr(name, ' ')) {
                diag_add(&cfg->diag, DIAG_WARNING, path, line, "Bad attribute name, ignoring.");
                return 0;
        }
        int r = attr_add(s, name, op, value, line, commented);
        if (r == -E2BIG) {
                diag_add(&cfg->diag, DIAG_WARNING, path, line, "Too many attributes, ignoring.");
                return 0;
        }
        return r;
}

int xinetd_parse(InetdConfig *cfg, const char *path, const char *data, size_t size) {
        InetdService *cur = NULL;  /* inside braces */
        bool want_brace = false;
        size_t pending = (size_t) -1; /* service index (or defaults) waiting for '{' */
        bool pending_defaults = false;
        unsigned line = 0;
        char buf[INETD_LINE_MAX];
        for (size_t pos = 0; pos < size;) {
                char *l = next_line(data, size, &pos, &line, buf);
                if (!*l || *l == '#')
                        continue;
                if (want_brace) {
                        want_brace = false;
                        if (streq(l, "{")) {
                                cur = pending_defaults ? &cfg->defaults : &cfg->services[pending];
                                continue;
                        }
                        diag_add(&cfg->diag, DIAG_WARNING, path, line, "Expected '{', ignoring the service.");
                        if (!pending_defaults)
                                service_done(&cfg->services[--cfg->n_services]);
                }
                if (cur) {
                        if (streq(l, "}")) {
                                cur = NULL;
                                continue;
                        }
                        int r = xinetd_attr_line(cfg, cur, path, line, l);
                        if (r < 0)
                                return r;
                        continue;
                }
                char *word = l, *rest = l + strcspn(l, " \t");
                if (*rest)
                        *rest++ = 0;
                rest = trim(rest);
                char *brace = strchr(rest, '{');
                bool inline_brace = brace && !brace[1 + strspn(brace + 1, " \t")];
                if (inline_brace) {
                        *brace = 0;
                        rest = trim(rest);
                }
                if (streq(word, "service") && *rest && !strchr(rest, ' ')) {
                        if (!service_new(cfg, rest, path, line))
                                return -ENOMEM;
                        pending = cfg->n_services - 1;
                        pending_defaults = false;
                } else if (streq(word, "defaults") && !*rest) {
                        pending_defaults = true;
                } else if ((streq(word, "includedir") || streq(word, "include")) && *rest) {
                        if (strv_extend(streq(word, "include") ? &cfg->includes : &cfg->includedirs, rest) < 0)
                                return -ENOMEM;
                        continue;
                } else {
                        diag_add(&cfg->diag, DIAG_WARNING, path, line, "Unexpected '%.100s', ignoring.", word);
                        continue;
                }
                if (inline_brace)
                        cur = pending_defaults ? &cfg->defaults : &cfg->services[pending];
                else
                        want_brace = true;
        }
        if (cur || want_brace)
                diag_add(&cfg->diag, DIAG_WARNING, path, line, "File ends inside a service, using what was read.");
        return 0;
}

/* inetd.conf: "service socket_type protocol wait[.max] user[:group] server [argv0 args...]" */
int inetd_parse(InetdConfig *cfg, const char *path, const char *data, size_t size) {
        unsigned line = 0;
        char buf[INETD_LINE_MAX];
        for (size_t pos = 0; pos < size;) {
                char *l = next_line(data, size, &pos, &line, buf);
                if (!*l || *l == '#')
                        continue;
                char *f[7] = {};
                char *save = NULL;
                int nf = 0;
                for (char *t = strtok_r(l, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
                        f[nf++] = t;
                        if (nf == 6)
                                break;
                }
                char *args = save ? trim(save) : NULL;
                if (nf < 6) {
                        diag_add(&cfg->diag, DIAG_WARNING, path, line, "Expected at least 6 fields, ignoring.");
                        continue;
                }
                InetdService *s = service_new(cfg, f[0], path, line);
                if (!s)
                        return -ENOMEM;
                char *wait = f[3], *dot = strchr(wait, '.');
                if (dot)
                        *dot++ = 0;
                char *user = f[4], *grp = user + strcspn(user, ":.");
                if (*grp)
                        *grp++ = 0;
                int r = 0;
                if ((r = attr_add(s, "socket_type", '=', f[1], line, false)) < 0 ||
                    (r = attr_add(s, "protocol", '=', f[2], line, false)) < 0 ||
                    (r = attr_add(s, "wait", '=', streq(wait, "wait") ? "yes" : "no", line, false)) < 0 ||
                    (dot && (r = attr_add(s, "inetd_max", '=', dot, line, false)) < 0) ||
                    (r = attr_add(s, "user", '=', user, line, false)) < 0 ||
                    (*grp && (r = attr_add(s, "group", '=', grp, line, false)) < 0))
                        return r;
                if (streq(f[5], "internal"))
                        r = attr_add(s, "type", '=', "INTERNAL", line, false);
                else {
                        r = attr_add(s, "server", '=', f[5], line, false);
                        if (r >= 0 && args && *args) {
                                squeeze(args);
                                char *sp = args + strcspn(args, " ");
                                bool more = *sp;
                                *sp = 0;
                                r = attr_add(s, "server_argv0", '=', args, line, false);
                                if (r >= 0 && more)
                                        r = attr_add(s, "server_args", '=', sp + 1, line, false);
                        }
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- conversion ---- */

typedef struct Conv {
        const InetdConfig *cfg;
        const InetdService *s;
        bool *used;          /* per attribute of s */
        char **notes;
        StrBuf sock, svc;
} Conv;

static void note(Conv *c, unsigned line, const char *fmt, ...) _printf_(3, 4);
static void note(Conv *c, unsigned line, const char *fmt, ...) {
        char msg[600], full[800];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        if (line)
                snprintf(full, sizeof full, "%s:%u: %s", c->s->path, line, msg);
        else
                snprintf(full, sizeof full, "%s: %s", c->s->path, msg);
        (void) strv_extend(&c->notes, full);
}

/* The value of an attribute: the service's (last '=' plus '+=' words), else
 * the defaults section's when inherit. Marks it used. NULL: unset. */
static const char *attr(Conv *c, const char *name, bool inherit, unsigned *ret_line, char *buf, size_t size) {
        const InetdService *s = c->s;
        bool found = false;
        size_t n = 0;
        buf[0] = 0;
        for (size_t i = 0; i < s->n_attrs; i++) {
                if (!streq(s->attrs[i].name, name))
                        continue;
                c->used[i] = true;
                found = true;
                if (ret_line)
                        *ret_line = s->attrs[i].line;
                if (s->attrs[i].op == '=')
                        n = 0;
                if (s->attrs[i].op == '-')
                        continue;
                n += (size_t) snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? " " : "", s->attrs[i].value);
                if (n >= size)
                        n = size - 1;
        }
        if (found)
                return buf;
        if (!inherit)
                return NULL;
        const InetdService *d = &c->cfg->defaults;
        for (size_t i = 0; i < d->n_attrs; i++)
                if (streq(d->attrs[i].name, name) && !d->attrs[i].commented) {
                        snprintf(buf, size, "%s", d->attrs[i].value);
                        found = true;
                        if (ret_line)
                                *ret_line = 0;
                }
        return found ? buf : NULL;
}

static bool is_builtin_name(const char *n) {
        static const char *const names[] = { "echo", "discard", "daytime", "time", "chargen" };
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(n, names[i]))
                        return true;
        return false;
}

/* A unit-name-safe copy. */
static char *unit_base(const char *s) {
        char *b = strdup(s);
        for (char *p = b; p && *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr(":_.-", *p))
                        *p = '_';
        return b;
}

/* Unit text escaping: '%' and '$' are literal in xinetd. */
static void put_escaped(StrBuf *b, const char *s) {
        for (; *s; s++) {
                if (*s == '%' || *s == '$')
                        strbuf_putc(b, *s);
                strbuf_putc(b, *s);
        }
}

static bool numeric_host(const char *h) {
        return strspn(h, "0123456789.") == strlen(h) || (strchr(h, ':') && strspn(h, "0123456789abcdefABCDEF:.") == strlen(h));
}

static void conv_access(Conv *c) {
        char buf[2048];
        unsigned line = 0;
        const char *lists[2] = { "only_from", "no_access" };
        for (int k = 0; k < 2; k++) {
                const char *v = attr(c, lists[k], true, &line, buf, sizeof buf);
                if (!v || !*v)
                        continue;
                StrBuf out = {};
                _cleanup_strv_free_ char **words = strv_split(v, " ");
                STRV_FOREACH(w, words) {
                        const char *x = *w;
                        if (streq(x, "0.0.0.0") || streq(x, "0.0.0.0/0") || streq(x, "::/0"))
                                x = "any";
                        else if (streq(x, "localhost"))
                                x = "localhost";
                        else if (!numeric_host(strndupa(x, strcspn(x, "/")))) {
                                note(c, line, "%s: '%s' is a host name; superd matches addresses only, dropped.",
                                     lists[k], x);
                                continue;
                        }
                        strbuf_printf(&out, "%s%s", out.len ? " " : "", x);
                }
                if (out.len)
                        strbuf_printf(&c->sock, "%s=%s\n", k == 0 ? "IPAddressAllow" : "IPAddressDeny", out.data);
                if (k == 0 && out.len)
                        strbuf_puts(&c->sock, "IPAddressDeny=any\n");
                strbuf_done(&out);
        }
}

static void conv_limits(Conv *c) {
        static const struct {
                const char *attr, *key;
        } rl[] = {
                { "rlimit_as", "LimitAS" },     { "rlimit_cpu", "LimitCPU" },     { "rlimit_data", "LimitDATA" },
                { "rlimit_rss", "LimitRSS" },   { "rlimit_stack", "LimitSTACK" }, { "rlimit_files", "LimitNOFILE" },
                { "rlimit_core", "LimitCORE" },
        };
        char buf[512];
        for (size_t i = 0; i < ELEMENTSOF(rl); i++) {
                const char *v = attr(c, rl[i].attr, true, NULL, buf, sizeof buf);
                if (v && *v)
                        strbuf_printf(&c->svc, "%s=%s\n", rl[i].key, strcasecmp(v, "UNLIMITED") == 0 ? "infinity" : v);
        }
        const char *v;
        if ((v = attr(c, "nice", true, NULL, buf, sizeof buf)))
                strbuf_printf(&c->svc, "Nice=%s\n", v);
        if ((v = attr(c, "umask", true, NULL, buf, sizeof buf)))
                strbuf_printf(&c->svc, "UMask=%s\n", v);
        if ((v = attr(c, "env", true, NULL, buf, sizeof buf)) && *v) {
                _cleanup_strv_free_ char **words = strv_split(v, " ");
                STRV_FOREACH(w, words) {
                        strbuf_puts(&c->svc, "Environment=\"");
                        put_escaped(&c->svc, *w);
                        strbuf_puts(&c->svc, "\"\n");
                }
        }
        if ((v = attr(c, "passenv", true, NULL, buf, sizeof buf)) && *v)
                strbuf_printf(&c->svc, "PassEnvironment=%s\n", v);
}

static void conv_counts(Conv *c, bool accept) {
        char buf[256];
        unsigned line = 0;
        const char *v;
        if ((v = attr(c, "instances", true, &line, buf, sizeof buf)) && strcasecmp(v, "UNLIMITED") != 0) {
                if (accept)
                        strbuf_printf(&c->sock, "MaxConnections=%s\n", v);
                else
                        note(c, line, "instances: a wait=yes service runs once; ignored.");
        }
        if ((v = attr(c, "per_source", true, &line, buf, sizeof buf)) && strcasecmp(v, "UNLIMITED") != 0)
                strbuf_printf(&c->sock, "MaxConnectionsPerSource=%s\n", v);
        if ((v = attr(c, "cps", true, &line, buf, sizeof buf))) {
                unsigned n = 0, wait = 0;
                if (sscanf(v, "%u %u", &n, &wait) >= 1 && n > 0) {
                        strbuf_printf(&c->sock, "TriggerLimitIntervalSec=1s\nTriggerLimitBurst=%u\n", n);
                        if (wait)
                                note(c, line, "cps: superd pauses for the rest of the 1 s interval, not %u s.", wait);
                } else
                        note(c, line, "cps: cannot parse '%s', dropped.", v);
        }
        if ((v = attr(c, "inetd_max", false, &line, buf, sizeof buf)))
                strbuf_printf(&c->sock, "TriggerLimitIntervalSec=60s\nTriggerLimitBurst=%s\n", v);
}

static const char *const known_unmapped[] = {
        "access_times", "deny_time", "max_load", "mdns", "groups", "libwrap", "enabled", "rpc_version",
        "rpc_number", "log_type", "log_on_success", "log_on_failure", "bind_to", "include", "v6only",
};

static void conv_leftovers(Conv *c) {
        for (size_t i = 0; i < c->s->n_attrs; i++) {
                const InetdAttr *a = &c->s->attrs[i];
                if (a->commented)
                        note(c, a->line, "'%s %s= %s # ...': xinetd ignored this line (its value ends in a comment), "
                                         "so the service ran without it; imported here.",
                             a->name, a->op == '=' ? "" : a->op == '+' ? "+" : "-", a->value);
                if (c->used[i])
                        continue;
                bool known = false;
                for (size_t k = 0; k < ELEMENTSOF(known_unmapped); k++)
                        known = known || streq(a->name, known_unmapped[k]);
                note(c, a->line, "attribute '%s' %s, dropped.", a->name,
                     known ? "has no equivalent in superd" : "is unknown");
        }
}

/* Listen address from port/bind/protocol. */
static int conv_listen(Conv *c, InetdPortLookup lookup, bool *ret_dgram, char *out, size_t size) {
        char b1[256], b2[256], b3[256], b4[256];
        unsigned line = c->s->line;
        const char *st = attr(c, "socket_type", false, &line, b1, sizeof b1);
        const char *proto = attr(c, "protocol", false, NULL, b2, sizeof b2);
        const char *port = attr(c, "port", false, NULL, b3, sizeof b3);
        const char *bind = attr(c, "bind", false, NULL, b4, sizeof b4);
        char b5[256], b6[256];
        if (!bind)
                bind = attr(c, "interface", false, NULL, b5, sizeof b5);
        const char *flags = attr(c, "flags", false, NULL, b6, sizeof b6);
        if (!st) {
                note(c, c->s->line, "no socket_type, skipped.");
                return -EINVAL;
        }
        const char *key = streq(st, "stream") ? "ListenStream" : streq(st, "dgram") ? "ListenDatagram"
                          : streq(st, "seqpacket") ? "ListenSequentialPacket" : NULL;
        if (!key) {
                note(c, line, "socket_type '%s' is not supported, skipped.", st);
                return -EINVAL;
        }
        *ret_dgram = streq(st, "dgram");
        if (proto && startswith(proto, "rpc")) {
                note(c, line, "RPC services are not supported, skipped.");
                return -EINVAL;
        }
        bool v6 = (proto && strchr(proto, '6')) || (flags && strstr(flags, "IPv6"));
        const char *name = c->s->name;
        char host[128] = "";
        if (strchr(name, ':') && name[0] != '/') {
                /* inetd "host:service" */
                const char *colon = strrchr(name, ':');
                snprintf(host, sizeof host, "%.*s", (int) (colon - name), name);
                name = colon + 1;
                if (streq(host, "*"))
                        host[0] = 0;
        }
        if (name[0] == '/' || (proto && streq(proto, "unix"))) {
                snprintf(out, size, "%s=%s\n", key, name);
                return 0;
        }
        int p = port ? atoi(port) : -1;
        if (p <= 0 && strspn(name, "0123456789") == strlen(name))
                p = atoi(name);
        if (p <= 0 && lookup)
                p = lookup(name, *ret_dgram ? "udp" : "tcp");
        if (p <= 0 || p > 65535) {
                note(c, c->s->line, "no port for '%s' (no port attribute, not in /etc/services), skipped.", name);
                return -EINVAL;
        }
        if (bind)
                snprintf(host, sizeof host, "%s", bind);
        if (*host && !numeric_host(host)) {
                note(c, line, "bind address '%s' is a host name; listening on all addresses instead.", host);
                host[0] = 0;
        }
        if (*host)
                snprintf(out, size, strchr(host, ':') ? "%s=[%s]:%d\n" : "%s=%s:%d\n", key, host, p);
        else if (v6)
                snprintf(out, size, "%s=[::]:%d\nBindIPv6Only=ipv6-only\n", key, p);
        else
                snprintf(out, size, "%s=0.0.0.0:%d\n", key, p);
        return 0;
}

static int conv_server(Conv *c, const char *base, bool accept) {
        char b1[1024], b2[2048], b3[256], b4[256], b5[256];
        unsigned line = 0;
        const char *server = attr(c, "server", false, &line, b1, sizeof b1);
        const char *args = attr(c, "server_args", false, NULL, b2, sizeof b2);
        const char *argv0 = attr(c, "server_argv0", false, NULL, b5, sizeof b5);
        if (!server) {
                note(c, c->s->line, "no server and not INTERNAL, skipped.");
                return -EINVAL;
        }
        strbuf_printf(&c->svc, "# Imported from %s:%u (service %s) by superctl import\n[Unit]\n"
                               "Description=%s (imported)\n\n[Service]\nExecStart=", c->s->path, c->s->line,
                      c->s->name, c->s->name);
        if (argv0) {
                strbuf_putc(&c->svc, '@');
                put_escaped(&c->svc, server);
                strbuf_putc(&c->svc, ' ');
                put_escaped(&c->svc, argv0);
        } else
                put_escaped(&c->svc, server);
        if (args && *args) {
                strbuf_putc(&c->svc, ' ');
                put_escaped(&c->svc, args);
        }
        strbuf_putc(&c->svc, '\n');
        const char *v;
        if ((v = attr(c, "user", false, NULL, b3, sizeof b3)))
                strbuf_printf(&c->svc, "User=%s\n", v);
        if ((v = attr(c, "group", false, NULL, b4, sizeof b4)))
                strbuf_printf(&c->svc, "Group=%s\n", v);
        if (!accept)
                strbuf_printf(&c->svc, "StandardInput=socket\n");
        conv_limits(c);
        (void) base;
        return 0;
}

void imported_units_done(ImportedUnits *u) {
        free(u->socket_name);
        free(u->socket_text);
        free(u->service_name);
        free(u->service_text);
        strv_free(u->notes);
        *u = (ImportedUnits) {};
}

static char *service_base(const InetdConfig *cfg, size_t i) {
        const InetdService *s = &cfg->services[i];
        const char *id = NULL;
        for (size_t k = 0; k < s->n_attrs; k++)
                if (streq(s->attrs[k].name, "id"))
                        id = s->attrs[k].value;
        const char *n = id ? id : s->name;
        const char *colon = !id ? strrchr(n, ':') : NULL;
        if (colon && n[0] != '/')
                n = colon + 1;
        const char *slash = n[0] == '/' ? strrchr(n, '/') : NULL;
        return unit_base(slash ? slash + 1 : n);
}

static bool service_is_dgram(const InetdService *s) {
        bool d = false;
        for (size_t k = 0; k < s->n_attrs; k++)
                if (streq(s->attrs[k].name, "socket_type"))
                        d = streq(s->attrs[k].value, "dgram");
        return d;
}

/* Appends "-udp"/"-tcp" when another service of cfg would get the same name. */
static char *unique_base(const InetdConfig *cfg, size_t i, bool dgram) {
        char *b = service_base(cfg, i);
        bool clash = false;
        for (size_t k = 0; b && k < cfg->n_services && !clash; k++) {
                if (k == i)
                        continue;
                _cleanup_free_ char *o = service_base(cfg, k);
                clash = o && streq(o, b);
        }
        if (!clash || !b)
                return b;
        /* Still the same after the protocol: number the later ones. */
        unsigned same = 0;
        for (size_t k = 0; k < i && k < 10000; k++) {
                _cleanup_free_ char *o = service_base(cfg, k);
                if (o && streq(o, b) && service_is_dgram(&cfg->services[k]) == dgram)
                        same++;
        }
        char *x = NULL;
        if ((same ? asprintf(&x, "%s-%s-%u", b, dgram ? "udp" : "tcp", same + 1)
                  : asprintf(&x, "%s-%s", b, dgram ? "udp" : "tcp")) < 0)
                x = NULL;
        free(b);
        return x;
}

static int conv_socket_head(Conv *c, const char *listen, bool accept, const char *builtin) {
        char b[512];
        unsigned line = 0;
        strbuf_printf(&c->sock, "# Imported from %s:%u (service %s) by superctl import\n[Unit]\n"
                                "Description=%s socket (imported)\n\n[Socket]\n%s",
                      c->s->path, c->s->line, c->s->name, c->s->name, listen);
        if (builtin)
                strbuf_printf(&c->sock, "Builtin=%s\n", builtin);
        else
                strbuf_printf(&c->sock, "Accept=%s\n", accept ? "yes" : "no");
        const char *v;
        if ((v = attr(c, "banner", true, NULL, b, sizeof b)) && *v)
                strbuf_printf(&c->sock, "BannerFile=%s\n", v);
        if ((v = attr(c, "banner_fail", true, NULL, b, sizeof b)) && *v)
                strbuf_printf(&c->sock, "RefusedBannerFile=%s\n", v);
        if ((v = attr(c, "banner_success", true, &line, b, sizeof b)) && *v)
                note(c, line, "banner_success: sent with BannerFile= semantics is not the same; dropped.");
        if ((v = attr(c, "flags", false, NULL, b, sizeof b))) {
                if (strstr(v, "KEEPALIVE"))
                        strbuf_puts(&c->sock, "KeepAlive=yes\n");
                if (strstr(v, "NODELAY"))
                        strbuf_puts(&c->sock, "NoDelay=yes\n");
        }
        return 0;
}

int inetd_service_convert(const InetdConfig *cfg, size_t i, InetdPortLookup lookup, ImportedUnits *ret) {
        const InetdService *s = &cfg->services[i];
        Conv c = { .cfg = cfg, .s = s, .used = calloc(s->n_attrs + 1, sizeof(bool)) };
        char b1[256], b2[256], b3[256], b4[256], listen[512];
        int r = -ENOMEM;
        bool dgram = false;
        char *base = NULL;
        *ret = (ImportedUnits) {};
        if (!c.used)
                return -ENOMEM;
        const char *v = attr(&c, "disable", true, NULL, b1, sizeof b1);
        bool disabled = v && streq(v, "yes");
        if ((v = attr(&c, "enabled", false, NULL, b1, sizeof b1)))
                note(&c, 0, "enabled: superd enables units with 'superctl enable', dropped.");
        (void) attr(&c, "id", false, NULL, b1, sizeof b1);
        (void) attr(&c, "log_type", false, NULL, b1, sizeof b1);
        r = conv_listen(&c, lookup, &dgram, listen, sizeof listen);
        if (r < 0)
                goto finish;
        const char *wait = attr(&c, "wait", false, NULL, b2, sizeof b2);
        bool accept = !(wait && streq(wait, "yes"));
        const char *type = attr(&c, "type", false, NULL, b3, sizeof b3);
        const char *redirect = attr(&c, "redirect", false, NULL, b4, sizeof b4);
        const char *builtin = NULL;
        char proxy[300] = "";
        if (type && strstr(type, "INTERNAL")) {
                const char *n = s->name + (strrchr(s->name, ':') ? strrchr(s->name, ':') - s->name + 1 : 0);
                builtin = is_builtin_name(n) ? n : NULL;
                if (!builtin) {
                        note(&c, s->line, "INTERNAL service '%s' has no superd built-in, skipped.", n);
                        r = -EINVAL;
                        goto finish;
                }
        } else if (redirect) {
                char host[256];
                int port;
                if (sscanf(redirect, "%255s %d", host, &port) == 2 && numeric_host(host)) {
                        snprintf(proxy, sizeof proxy, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
                        builtin = "proxy";
                } else {
                        note(&c, s->line, "redirect '%s' needs a numeric address, skipped.", redirect);
                        r = -EINVAL;
                        goto finish;
                }
        }
        if (type && strstr(type, "RPC")) {
                note(&c, s->line, "RPC services are not supported, skipped.");
                r = -EINVAL;
                goto finish;
        }
        base = unique_base(cfg, i, dgram);
        if (!base) {
                r = -ENOMEM;
                goto finish;
        }
        conv_socket_head(&c, listen, accept && !dgram, builtin);
        if (*proxy)
                strbuf_printf(&c.sock, "ProxyTo=%s\n", proxy);
        conv_access(&c);
        conv_counts(&c, accept);
        strbuf_puts(&c.sock, "\n[Install]\nWantedBy=sockets.target\n");
        if (!builtin) {
                if (accept && dgram) {
                        note(&c, s->line, "wait=no on a datagram socket: superd runs one service for it "
                                          "(Accept=no).");
                        accept = false;
                        /* socket text says Accept=no already (dgram) */
                }
                r = conv_server(&c, base, accept);
                if (r < 0)
                        goto finish;
        } else {
                (void) attr(&c, "user", false, NULL, b1, sizeof b1);
                (void) attr(&c, "group", false, NULL, b1, sizeof b1);
                (void) attr(&c, "server", false, NULL, b1, sizeof b1);
        }
        if (disabled)
                note(&c, 0, "service %s is disabled in the configuration: import it, but do not enable it.", s->name);
        conv_leftovers(&c);
        if (asprintf(&ret->socket_name, "%s.socket", base) < 0 ||
            (!builtin && asprintf(&ret->service_name, accept ? "%s@.service" : "%s.service", base) < 0)) {
                r = -ENOMEM;
                goto finish;
        }
        ret->socket_text = c.sock.data ? strdup(c.sock.data) : NULL;
        ret->service_text = !builtin && c.svc.data ? strdup(c.svc.data) : NULL;
        ret->disabled = disabled;
        r = 0;
finish:
        ret->notes = c.notes;
        if (r < 0) {
                free(ret->socket_name);
                free(ret->service_name);
                ret->socket_name = ret->service_name = NULL;
        }
        strbuf_done(&c.sock);
        strbuf_done(&c.svc);
        free(c.used);
        free(base);
        return r;
}
