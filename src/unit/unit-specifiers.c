/* unit-specifiers.c — %-specifiers of systemd.unit(5), expanded in one
 * pass: the text a specifier produces is never scanned again, so a value
 * can not recurse (an instance named "%n" stays "%n"). */
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "../lib/strbuf.h"
#include "unit-internal.h"

typedef struct SpecArgs {
        const UnitFile *u;
        const UnitLoadContext *ctx;
} SpecArgs;

typedef char *(*SpecFn)(const SpecArgs *a, char which);

static const char *spec_id(const SpecArgs *a) {
        return a->u->id ? a->u->id : a->u->name;
}

static char *spec_names(const SpecArgs *a, char which) {
        const char *id = spec_id(a);
        _cleanup_free_ char *prefix = unit_name_prefix(id);
        if (!prefix)
                return strdup("");
        const char *dot = strrchr(id, '.');
        switch (which) {
        case 'n':
                return strdup(id);
        case 'N':
                return strndup(id, dot ? (size_t) (dot - id) : strlen(id));
        case 'p':
                return TAKE_PTR(prefix);
        case 'P':
                return unit_name_unescape(prefix);
        case 'i':
                return strdup(strempty(a->u->instance));
        case 'I':
                return unit_name_unescape(strempty(a->u->instance));
        case 'j':
        case 'J': {
                const char *dash = strrchr(prefix, '-');
                const char *last = dash ? dash + 1 : prefix;
                return which == 'j' ? strdup(last) : unit_name_unescape(last);
        }
        default: /* 'f' */
                return unit_name_path_unescape(a->u->instance ? a->u->instance : prefix);
        }
}

static char *spec_dirs(const SpecArgs *a, char which) {
        const UnitLoadContext *c = a->ctx;
        const char *v = NULL, *dflt = NULL;
        switch (which) {
        case 't': v = c ? c->runtime_dir : NULL, dflt = "/run"; break;
        case 'S': v = c ? c->state_dir : NULL, dflt = "/var/lib"; break;
        case 'C': v = c ? c->cache_dir : NULL, dflt = "/var/cache"; break;
        case 'L': v = c ? c->logs_dir : NULL, dflt = "/var/log"; break;
        case 'E': v = c ? c->config_dir : NULL, dflt = "/etc"; break;
        case 'T': dflt = "/tmp"; break;
        default: dflt = "/var/tmp"; break; /* 'V' */
        }
        return strdup(v ? v : dflt);
}

static char *spec_group(gid_t gid) {
        char buf[4096], *r;
        struct group gr, *res = NULL;
        if (gid == 0)
                return strdup("root");
        if (getgrgid_r(gid, &gr, buf, sizeof buf, &res) == 0 && res)
                return strdup(gr.gr_name);
        if (asprintf(&r, "%u", (unsigned) gid) < 0)
                return NULL;
        return r;
}

/* The manager's user (systemd >= 249 resolves %u %U %h %s %g %G so). */
static char *spec_user(const SpecArgs *a, char which) {
        uid_t uid = geteuid();
        char *r = NULL;
        if (which == 'U' || which == 'G') {
                if (asprintf(&r, "%u", which == 'U' ? (unsigned) uid : (unsigned) getegid()) < 0)
                        return NULL;
                return r;
        }
        if (which == 'g')
                return spec_group(getegid());
        if (uid == 0 && !(a->ctx && a->ctx->user_instance))
                return strdup(which == 'h' ? "/root" : which == 's' ? "/bin/sh" : "root");
        const char *env = which == 'h' ? getenv("HOME") : which == 'u' ? getenv("USER") : NULL;
        if (env && *env)
                return strdup(env);
        char buf[4096];
        struct passwd pw, *res = NULL;
        if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res)
                return strdup(strempty(which == 'h' ? pw.pw_dir : which == 's' ? pw.pw_shell : pw.pw_name));
        if (which == 'h' || which == 's')
                return strdup(which == 'h' ? "/" : "/bin/sh");
        if (asprintf(&r, "%u", (unsigned) uid) < 0)
                return NULL;
        return r;
}

static char *read_first_line(const UnitLoadContext *ctx, const char *file) {
        char path[4096], buf[256];
        snprintf(path, sizeof path, "%s%s", ctx && ctx->root ? ctx->root : "", file);
        FILE *f = fopen(path, "re");
        if (!f)
                return strdup("");
        char *r = fgets(buf, sizeof buf, f) ? strndup(buf, strcspn(buf, "\n")) : strdup("");
        fclose(f);
        return r;
}

static char *spec_host(const SpecArgs *a, char which) {
        char buf[256] = "";
        struct utsname un;
        switch (which) {
        case 'H':
        case 'l':
                if (gethostname(buf, sizeof buf - 1) < 0)
                        buf[0] = 0;
                if (which == 'l')
                        buf[strcspn(buf, ".")] = 0;
                return strdup(buf);
        case 'm':
                return read_first_line(a->ctx, "/etc/machine-id");
        case 'b':
                return read_first_line(NULL, "/proc/sys/kernel/random/boot_id");
        default: /* 'v', 'a' */
                if (uname(&un) < 0)
                        return strdup("");
                return strdup(which == 'v' ? un.release : un.machine);
        }
}

static char *spec_files(const SpecArgs *a, char which) {
        const char *fp = strempty(a->u->fragment_path);
        char *r;
        if (which == 'y')
                return strdup(fp);
        if (which == 'Y') {
                const char *slash = strrchr(fp, '/');
                return slash ? strndup(fp, (size_t) (slash - fp) + (slash == fp)) : strdup("");
        }
        /* 'd': the credentials directory */
        const char *rt = a->ctx && a->ctx->runtime_dir ? a->ctx->runtime_dir : "/run";
        if (asprintf(&r, "%s/credentials/%s", rt, spec_id(a)) < 0)
                return NULL;
        return r;
}

static SpecFn spec_lookup(char c) {
        if (strchr("nNpPiIjJf", c))
                return spec_names;
        if (strchr("tSCLETV", c))
                return spec_dirs;
        if (strchr("uUgGhs", c))
                return spec_user;
        if (strchr("Hlmbva", c))
                return spec_host;
        if (strchr("yYd", c))
                return spec_files;
        return NULL;
}

int unit_specifiers_expand_raw(const UnitFile *u, const UnitLoadContext *lctx, const char *in, char **ret,
                               char *ret_bad) {
        const char *pct = strchr(in, '%');
        if (!pct) {
                *ret = strdup(in);
                return *ret ? 0 : -ENOMEM;
        }
        SpecArgs a = { .u = u, .ctx = lctx };
        StrBuf b = {};
        strbuf_append(&b, in, (size_t) (pct - in));
        for (const char *s = pct; *s; s++) {
                if (*s != '%') {
                        strbuf_putc(&b, *s);
                        continue;
                }
                char c = *++s;
                SpecFn fn = c && c != '%' ? spec_lookup(c) : NULL;
                if (c == '%') {
                        strbuf_putc(&b, '%');
                        continue;
                }
                if (!fn) {
                        strbuf_done(&b);
                        *ret_bad = c;
                        return -EBADMSG;
                }
                _cleanup_free_ char *v = fn(&a, c);
                if (!v) {
                        strbuf_done(&b);
                        return -ENOMEM;
                }
                strbuf_puts(&b, v);
        }
        *ret = strbuf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

int unit_specifiers_expand(const ConfigContext *c, const char *in, char **ret) {
        char bad = 0;
        int r = unit_specifiers_expand_raw(c->unit, c->lctx, in, ret, &bad);
        if (r == -EBADMSG) {
                if (bad)
                        config_error(c, "Unknown specifier '%%%c' in %s=, %s.", bad, c->key, config_verdict(c));
                else
                        config_error(c, "Unterminated specifier '%%' at the end of %s=, %s.", c->key, config_verdict(c));
                return 0;
        }
        return r < 0 ? r : 1;
}
