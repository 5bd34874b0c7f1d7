/* tmpfiles.c — tmpfiles.d(5) lines d D f L z: the parser (pure) and the
 * applying half (see tmpfiles.h). */
#include "tmpfiles.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exec-dirs.h"
#include "lib/log.h"
#include "lib/strbuf.h"
#include "lib/strv.h"
#include "manager.h"

/* A line longer than this is an error, not a configuration. */
#define TMPFILES_LINE_MAX (64 * 1024)
/* Files read per tmpfiles.d file (and per run). */
#define TMPFILES_FILE_SIZE_MAX (1024 * 1024)
#define TMPFILES_FILES_MAX 4096

static const char type_chars[_TMPFILES_TYPE_MAX + 1] = {
        [TMPFILES_DIRECTORY] = 'd',
        [TMPFILES_DIRECTORY_EMPTY] = 'D',
        [TMPFILES_FILE] = 'f',
        [TMPFILES_SYMLINK] = 'L',
        [TMPFILES_ADJUST] = 'z',
};

const char *tmpfiles_type_to_string(TmpfilesType t) {
        static const char *const names[_TMPFILES_TYPE_MAX] = { "d", "D", "f", "L", "z" };
        return t < _TMPFILES_TYPE_MAX ? names[t] : NULL;
}

/* Types of tmpfiles.d(5) that superd skips without complaint. */
static bool type_known_unsupported(char c) {
        return c && strchr("ewpcbCxXrRZtTaAhHqQvF", c) != NULL;
}

/* ---- parsing --------------------------------------------------------- */

typedef struct LineCtx {
        const char *path;
        unsigned line;
        Diag *diag;
        const TmpfilesSpecifiers *sp;
} LineCtx;

#define line_error(c, ...) diag_add((c)->diag, DIAG_ERROR, (c)->path, (c)->line, __VA_ARGS__)

static int hexval(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* One C escape at s (after the backslash): appends the byte, returns the
 * characters used, or 0 when it is not one. */
static size_t unescape_one(const char *s, char *out) {
        static const char from[] = "abfnrtv\\\"'", to[] = "\a\b\f\n\r\t\v\\\"'";
        const char *p = *s ? strchr(from, *s) : NULL;
        if (p) {
                *out = to[p - from];
                return 1;
        }
        if (*s == 'x' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
                *out = (char) (hexval(s[1]) * 16 + hexval(s[2]));
                return 3;
        }
        if (s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
                *out = (char) ((s[0] - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0'));
                return 3;
        }
        return 0;
}

/* Splits off the next word of *p (quotes and C escapes resolved) into a new
 * string; NULL in *ret at the end of the line. -EINVAL on a bad quote or
 * escape, -ENOMEM. */
static int next_word(const char **p, char **ret) {
        const char *s = *p + strspn(*p, " \t");
        StrBuf b = {};
        char quote = 0;

        *ret = NULL;
        if (!*s) {
                *p = s;
                return 0;
        }
        for (; *s && (quote || (*s != ' ' && *s != '\t')); s++) {
                char c = *s;
                if (quote && c == quote) {
                        quote = 0;
                        continue;
                }
                if (!quote && (c == '"' || c == '\'')) {
                        quote = c;
                        continue;
                }
                if (c == '\\') {
                        size_t k = unescape_one(s + 1, &c);
                        if (k == 0 || c == 0) {
                                strbuf_done(&b);
                                return -EINVAL;
                        }
                        s += k;
                }
                strbuf_putc(&b, c);
        }
        if (quote) {
                strbuf_done(&b);
                return -EINVAL;
        }
        *p = s;
        char *w = strbuf_steal(&b);
        if (!w)
                return -ENOMEM;
        *ret = w;
        return 0;
}

static const char *specifier_value(const TmpfilesSpecifiers *sp, char c) {
        switch (c) {
        case 't': return sp->runtime_dir;
        case 'S': return sp->state_dir;
        case 'C': return sp->cache_dir;
        case 'L': return sp->logs_dir;
        case 'E': return sp->config_dir;
        case 'h': return sp->home;
        case 'u': return sp->user;
        case 'U': return sp->uid;
        case 'g': return sp->group;
        case 'G': return sp->gid;
        case 'H': return sp->hostname;
        case 'T': return sp->tmp_dir;
        case 'V': return sp->var_tmp_dir;
        case '%': return "%";
        default: return NULL;
        }
}

/* Expands %x in s (taken over) into *ret. -EINVAL names the bad specifier
 * in *bad. */
static int expand_specifiers(const TmpfilesSpecifiers *sp, char *s, char **ret, char *bad) {
        StrBuf b = {};
        if (!strchr(s, '%')) {
                *ret = s;
                return 0;
        }
        for (const char *p = s; *p; p++) {
                if (*p != '%') {
                        strbuf_putc(&b, *p);
                        continue;
                }
                const char *v = specifier_value(sp, p[1]);
                if (!v) {
                        *bad = p[1];
                        strbuf_done(&b);
                        free(s);
                        return -EINVAL;
                }
                strbuf_puts(&b, v);
                p++;
        }
        free(s);
        *ret = strbuf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

static bool path_is_clean(const char *p) {
        if (p[0] != '/')
                return false;
        for (const char *s = p; (s = strstr(s, "..")); s += 2)
                if (s[-1] == '/' && (s[2] == '/' || s[2] == 0))
                        return false;
        return true;
}

/* "0755", "~0644", ":0700", "-". Returns 0, or -EINVAL. */
static int parse_mode(const char *s, TmpfilesItem *it) {
        if (streq(s, "-"))
                return 0;
        for (; *s == '~' || *s == ':'; s++)
                if (*s == '~')
                        it->mode_masked = true;
                else
                        it->mode_create_only = true;
        char *end;
        errno = 0;
        unsigned long v = strtoul(s, &end, 8);
        if (!*s || *end || errno || v > 07777 || *s == '-' || *s == '+' || *s == ' ')
                return -EINVAL;
        it->mode = (mode_t) v;
        it->mode_set = true;
        return 0;
}

/* Type letter and modifiers. Returns 1 ok, 0 skipped, -EINVAL. */
static int parse_type(const LineCtx *c, const char *w, TmpfilesItem *it) {
        const char *p = strchr(type_chars, w[0]);
        if (!w[0] || !p) {
                if (type_known_unsupported(w[0]))
                        return 0;
                line_error(c, "Unknown command type '%c', ignoring.", w[0]);
                return -EINVAL;
        }
        it->type = (TmpfilesType) (p - type_chars);
        for (const char *m = w + 1; *m; m++)
                switch (*m) {
                case '!':
                        it->boot_only = true;
                        break;
                case '-':
                        it->ignore_errors = true;
                        break;
                case '+':
                        it->force = true;
                        break;
                case '=':
                        break; /* remove-if-mismatched: nothing is removed here */
                case '~':
                case '^':
                        return 0; /* base64 and credential arguments: not supported */
                default:
                        line_error(c, "Unknown modifiers in command '%s', ignoring.", w);
                        return -EINVAL;
                }
        return 1;
}

static void item_done(TmpfilesItem *it) {
        free(it->path);
        free(it->user);
        free(it->group);
        free(it->argument);
        free(it->source);
        *it = (TmpfilesItem) {};
}

void tmpfiles_items_done(TmpfilesItems *items) {
        for (size_t i = 0; i < items->n; i++)
                item_done(&items->items[i]);
        free(items->items);
        *items = (TmpfilesItems) {};
}

/* The argument: the rest of the line, C escapes resolved for f. */
static int parse_argument(const LineCtx *c, const char *rest, TmpfilesItem *it) {
        rest += strspn(rest, " \t");
        if (!*rest)
                return 0;
        StrBuf b = {};
        for (const char *s = rest; *s; s++) {
                char ch = *s;
                if (ch == '\\' && it->type == TMPFILES_FILE) {
                        size_t k = unescape_one(s + 1, &ch);
                        if (k == 0) {
                                strbuf_done(&b);
                                line_error(c, "Invalid escape in argument, ignoring.");
                                return -EINVAL;
                        }
                        s += k;
                }
                strbuf_putc(&b, ch);
        }
        char *a = strbuf_steal(&b), bad = 0;
        if (!a)
                return -ENOMEM;
        int r = expand_specifiers(c->sp, a, &it->argument, &bad);
        if (r == -EINVAL)
                line_error(c, "Unknown specifier '%%%c' in argument, ignoring.", bad);
        return r;
}

/* Parses the fields of one line into *it. Returns 1 item, 0 skipped,
 * -EINVAL (diagnosed), -ENOMEM. */
static int parse_line(const LineCtx *c, const char *line, TmpfilesItem *it) {
        char *w[6] = {};
        const char *p = line;
        int r = 0;
        size_t n = 0;

        for (; n < ELEMENTSOF(w); n++) {
                r = next_word(&p, &w[n]);
                if (r < 0 || !w[n])
                        break;
        }
        if (r == -EINVAL)
                line_error(c, "Unbalanced quotes or bad escape, ignoring.");
        else if (r >= 0 && n < 2) {
                line_error(c, "Syntax error: too few fields, ignoring.");
                r = -EINVAL;
        }
        if (r >= 0)
                r = parse_type(c, w[0], it);
        if (r > 0) {
                char bad = 0;
                r = expand_specifiers(c->sp, TAKE_PTR(w[1]), &it->path, &bad);
                if (r == -EINVAL)
                        line_error(c, "Unknown specifier '%%%c' in path, ignoring.", bad);
                else if (r >= 0 && !path_is_clean(it->path)) {
                        line_error(c, "Path '%s' is not absolute or contains '..', ignoring.", it->path);
                        r = -EINVAL;
                } else if (r >= 0)
                        r = 1;
        }
        if (r > 0 && n > 2 && parse_mode(w[2], it) < 0) {
                line_error(c, "Invalid mode '%s', ignoring.", w[2]);
                r = -EINVAL;
        }
        char bad = 0;
        for (size_t i = 3; r > 0 && i < 5 && i < n; i++)
                if (!streq(w[i], "-") && *w[i]) {
                        char **dst = i == 3 ? &it->user : &it->group;
                        r = expand_specifiers(c->sp, TAKE_PTR(w[i]), dst, &bad);
                        if (r == -EINVAL)
                                line_error(c, "Unknown specifier '%%%c' in user or group, ignoring.", bad);
                        r = r < 0 ? r : 1;
                }
        if (r > 0 && n == ELEMENTSOF(w)) {
                r = parse_argument(c, p, it);
                r = r < 0 ? r : 1;
        }
        for (size_t i = 0; i < ELEMENTSOF(w); i++)
                free(w[i]);
        return r;
}

static int items_push(TmpfilesItems *items, TmpfilesItem *it) {
        if (items->n >= TMPFILES_ITEMS_MAX)
                return -E2BIG;
        TmpfilesItem *n = realloc(items->items, sizeof(TmpfilesItem) * (items->n + 1));
        if (!n)
                return -ENOMEM;
        items->items = n;
        items->items[items->n++] = *it;
        *it = (TmpfilesItem) {};
        return 0;
}

int tmpfiles_parse(const char *path, const char *text, size_t size, const TmpfilesSpecifiers *sp,
                   TmpfilesItems *items, Diag *diag) {
        LineCtx c = { .path = path, .diag = diag, .sp = sp };
        size_t off = 0;

        while (off < size) {
                const char *start = text + off, *nl = memchr(start, '\n', size - off);
                size_t len = nl ? (size_t) (nl - start) : size - off;
                off += len + (nl ? 1 : 0);
                c.line++;
                while (len > 0 && (start[len - 1] == '\r' || start[len - 1] == ' ' || start[len - 1] == '\t'))
                        len--;
                size_t lead = 0;
                while (lead < len && (start[lead] == ' ' || start[lead] == '\t'))
                        lead++;
                if (lead == len || start[lead] == '#')
                        continue;
                if (len > TMPFILES_LINE_MAX || memchr(start, 0, len)) {
                        line_error(&c, "Line too long or contains a NUL byte, ignoring.");
                        continue;
                }
                _cleanup_free_ char *line = strndup(start + lead, len - lead);
                TmpfilesItem it = {};
                if (!line)
                        return -ENOMEM;
                int r = parse_line(&c, line, &it);
                if (r > 0 && asprintf(&it.source, "%s:%u", path, c.line) < 0)
                        r = -ENOMEM;
                if (r > 0)
                        r = items_push(items, &it);
                item_done(&it);
                if (r == -ENOMEM)
                        return r;
                if (r == -E2BIG) {
                        line_error(&c, "Too many tmpfiles lines, ignoring the rest.");
                        return 0;
                }
        }
        return 0;
}

mode_t tmpfiles_mask_mode(mode_t want, mode_t existing, bool is_dir) {
        mode_t m = want;
        if (!(existing & 0111))
                m &= ~(mode_t) 0111;
        if (!(existing & 0444))
                m &= ~(mode_t) 0444;
        if (!(existing & 0222))
                m &= ~(mode_t) 0222;
        if (!is_dir)
                m &= ~(mode_t) 07000;
        return m & 07777;
}

/* ---- applying -------------------------------------------------------- */

static char *strjoin_path(const char *a, const char *b) {
        char *r;
        return asprintf(&r, "%s%s", a, b) < 0 ? NULL : r;
}

typedef struct Owner {
        uid_t uid;  /* -1: leave */
        gid_t gid;
} Owner;

static int lookup_id(const char *name, bool group, unsigned *ret) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(name, &end, 10);
        if (*name && !*end && errno == 0 && v < (unsigned long) UINT32_MAX) {
                *ret = (unsigned) v;
                return 0;
        }
        if (group) {
                struct group *gr = getgrnam(name);
                if (!gr)
                        return -ESRCH;
                *ret = gr->gr_gid;
        } else {
                struct passwd *pw = getpwnam(name);
                if (!pw)
                        return -ESRCH;
                *ret = pw->pw_uid;
        }
        return 0;
}

static int item_owner(const TmpfilesItem *it, Owner *ret) {
        unsigned id;
        *ret = (Owner) { (uid_t) -1, (gid_t) -1 };
        if (it->user) {
                if (lookup_id(it->user, false, &id) < 0)
                        return log_warning("%s: Unknown user '%s', ignoring.", it->source, it->user), -ESRCH;
                ret->uid = (uid_t) id;
        }
        if (it->group) {
                if (lookup_id(it->group, true, &id) < 0)
                        return log_warning("%s: Unknown group '%s', ignoring.", it->source, it->group), -ESRCH;
                ret->gid = (gid_t) id;
        }
        return 0;
}

/* Mode and owner of what fd is, as the item says. */
static int adjust_fd(const TmpfilesItem *it, int fd, const Owner *o, mode_t def_mode, bool created) {
        struct stat st;
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if ((it->mode_set || created) && !(it->mode_create_only && !created)) {
                mode_t m = it->mode_set ? it->mode : def_mode;
                if (it->mode_masked && !created)
                        m = tmpfiles_mask_mode(m, st.st_mode, S_ISDIR(st.st_mode));
                if ((st.st_mode & 07777) != m && fchmod(fd, m) < 0)
                        return negative_errno();
        }
        if ((o->uid != (uid_t) -1 && o->uid != st.st_uid) || (o->gid != (gid_t) -1 && o->gid != st.st_gid))
                if (fchown(fd, o->uid, o->gid) < 0)
                        return negative_errno();
        return 0;
}

static int apply_directory(const TmpfilesItem *it, const char *path, const Owner *o, bool boot) {
        char *slash = strrchr(path, '/');
        bool created = false;
        int r = 0;
        if (slash && slash != path) {
                *slash = 0;
                r = exec_dirs_mkdir_p(path, 0755);
                *slash = '/';
        }
        if (r < 0)
                return r;
        if (mkdir(path, it->mode_set ? it->mode : 0755) == 0)
                created = true;
        else if (errno != EEXIST)
                return negative_errno();
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno == ELOOP || errno == ENOTDIR ? -EEXIST : negative_errno();
        r = adjust_fd(it, fd, o, 0755, created);
        safe_close(fd);
        if (r >= 0 && it->type == TMPFILES_DIRECTORY_EMPTY && boot && !created)
                r = exec_dirs_empty_dir(path);
        return r;
}

static int write_all(int fd, const char *s) {
        for (size_t n = strlen(s); n > 0;) {
                ssize_t k = write(fd, s, n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return negative_errno();
                s += k;
                n -= (size_t) k;
        }
        return 0;
}

static int apply_file(const TmpfilesItem *it, const char *path, const Owner *o) {
        mode_t mode = it->mode_set ? it->mode : 0644;
        bool created = true;
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
        if (fd < 0 && errno == EEXIST) {
                created = false;
                fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (it->force ? O_TRUNC : 0));
        }
        if (fd < 0)
                return errno == ELOOP ? -EEXIST : negative_errno();
        struct stat st;
        int r = fstat(fd, &st) < 0 ? negative_errno() : S_ISREG(st.st_mode) ? 0 : -EEXIST;
        if (r >= 0 && it->argument && (created || it->force))
                r = write_all(fd, it->argument);
        if (r >= 0)
                r = adjust_fd(it, fd, o, 0644, created);
        safe_close(fd);
        return r;
}

static int apply_symlink(const TmpfilesItem *it, const char *path) {
        _cleanup_free_ char *factory = NULL;
        const char *target = it->argument;
        char buf[PATH_MAX];
        if (!target) {
                if (asprintf(&factory, "/usr/share/factory%s", it->path) < 0)
                        return -ENOMEM;
                target = factory;
        }
        ssize_t n = readlink(path, buf, sizeof buf - 1);
        if (n >= 0) {
                buf[n] = 0;
                if (streq(buf, target))
                        return 0;
        }
        char *slash = strrchr(path, '/');
        if (slash && slash != path) {
                *slash = 0;
                int r = exec_dirs_mkdir_p(path, 0755);
                *slash = '/';
                if (r < 0)
                        return r;
        }
        if (symlink(target, path) == 0)
                return 0;
        if (errno != EEXIST)
                return negative_errno();
        if (!it->force) {
                log_debug("%s: '%s' exists and is not a link to '%s', leaving it.", it->source, path, target);
                return 0;
        }
        int r = exec_dirs_remove_tree(path);
        if (r < 0)
                return r;
        return symlink(target, path) < 0 ? negative_errno() : 0;
}

static int apply_adjust(const TmpfilesItem *it, const char *pattern, const Owner *o) {
        glob_t g = {};
        int r = 0;
        if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0) {
                globfree(&g);
                return 0; /* nothing there: nothing to adjust */
        }
        for (size_t i = 0; i < g.gl_pathc; i++) {
                int fd = open(g.gl_pathv[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
                struct stat st;
                if (fd < 0 || fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
                        safe_close(fd);
                        continue;
                }
                /* fchmod() does not take O_PATH fds: go through /proc. */
                char proc[64];
                snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
                if (it->mode_set && !it->mode_create_only) {
                        mode_t m = it->mode_masked ? tmpfiles_mask_mode(it->mode, st.st_mode, S_ISDIR(st.st_mode))
                                                   : it->mode;
                        if ((st.st_mode & 07777) != m && chmod(proc, m) < 0)
                                r = negative_errno();
                }
                if ((o->uid != (uid_t) -1 || o->gid != (gid_t) -1) &&
                    fchownat(fd, "", o->uid, o->gid, AT_EMPTY_PATH) < 0)
                        r = negative_errno();
                safe_close(fd);
        }
        globfree(&g);
        return r;
}

static void apply_item(Manager *m, const TmpfilesItem *it, bool boot) {
        _cleanup_free_ char *path = NULL;
        Owner o;
        int r;

        if (it->boot_only && !boot)
                return;
        if (asprintf(&path, "%s%s", m->scope == MANAGER_USER ? "" : m->root, it->path) < 0)
                return (void) log_warning("%s: Out of memory, ignoring.", it->source);
        if (item_owner(it, &o) < 0)
                return;
        switch (it->type) {
        case TMPFILES_DIRECTORY:
        case TMPFILES_DIRECTORY_EMPTY:
                r = apply_directory(it, path, &o, boot);
                break;
        case TMPFILES_FILE:
                r = apply_file(it, path, &o);
                break;
        case TMPFILES_SYMLINK:
                r = apply_symlink(it, path);
                break;
        default:
                r = apply_adjust(it, path, &o);
                break;
        }
        if (r == -EEXIST)
                log_full_errno(it->ignore_errors ? LOG_DEBUG : LOG_WARNING, 0,
                               "%s: '%s' exists and is of another type, ignoring.", it->source, path);
        else if (r < 0)
                log_full_errno(it->ignore_errors ? LOG_DEBUG : LOG_WARNING, r,
                               "%s: Failed to apply '%s' to '%s', ignoring: %m", it->source,
                               tmpfiles_type_to_string(it->type), path);
}

/* The directories, most important first. */
static char **tmpfiles_dirs(Manager *m) {
        static const char *const system_dirs[] = { "/etc/tmpfiles.d", "/run/tmpfiles.d",
                                                   "/usr/local/lib/tmpfiles.d", "/usr/lib/tmpfiles.d" };
        char **l = NULL;
        if (m->scope == MANAGER_USER) {
                const char *rt = getenv("XDG_RUNTIME_DIR");
                (void) strv_consume(&l, m->dir_config ? strjoin_path(m->dir_config, "/user-tmpfiles.d") : NULL);
                if (rt && *rt == '/')
                        (void) strv_consume(&l, strjoin_path(rt, "/user-tmpfiles.d"));
                (void) strv_extend(&l, "/usr/share/user-tmpfiles.d");
                return l;
        }
        for (size_t i = 0; i < ELEMENTSOF(system_dirs); i++)
                (void) strv_consume(&l, strjoin_path(m->root, system_dirs[i]));
        return l;
}

static bool is_masked(const char *path) {
        char buf[16];
        ssize_t n = readlink(path, buf, sizeof buf - 1);
        if (n < 0)
                return false;
        buf[n] = 0;
        return streq(buf, "/dev/null");
}

static int by_basename(const void *a, const void *b) {
        const char *x = strrchr(*(char *const *) a, '/'), *y = strrchr(*(char *const *) b, '/');
        return strcmp(x ? x + 1 : "", y ? y + 1 : "");
}

/* The files to read, by name, earlier directories winning. */
static char **tmpfiles_collect(Manager *m) {
        _cleanup_strv_free_ char **dirs = tmpfiles_dirs(m), **names = NULL;
        char **files = NULL;
        STRV_FOREACH(d, dirs) {
                DIR *dir = opendir(*d);
                struct dirent *de;
                if (!dir)
                        continue;
                while ((de = readdir(dir)) && strv_length(names) < TMPFILES_FILES_MAX) {
                        if (de->d_name[0] == '.' || !endswith(de->d_name, ".conf") || strv_contains(names, de->d_name))
                                continue;
                        char *p = strjoin_path(*d, "/");
                        char *full = p ? strjoin_path(p, de->d_name) : NULL;
                        free(p);
                        if (!full || strv_extend(&names, de->d_name) < 0) {
                                free(full);
                                break;
                        }
                        if (is_masked(full))
                                free(full);
                        else
                                (void) strv_consume(&files, full);
                }
                closedir(dir);
        }
        if (files)
                qsort(files, strv_length(files), sizeof(char *), by_basename);
        return files;
}

static int read_file(const char *path, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        StrBuf b = {};
        char buf[8192];
        if (fd < 0)
                return negative_errno();
        for (;;) {
                ssize_t n = read(fd, buf, sizeof buf);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        strbuf_done(&b);
                        return negative_errno();
                }
                if (n == 0)
                        break;
                if (b.len + (size_t) n > TMPFILES_FILE_SIZE_MAX) {
                        strbuf_done(&b);
                        return -EFBIG;
                }
                strbuf_append(&b, buf, (size_t) n);
        }
        *ret_size = b.len;
        *ret = strbuf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

typedef struct SpecifierStore {
        char uid[16], gid[16], host[256];
} SpecifierStore;

static void tmpfiles_specifiers(Manager *m, TmpfilesSpecifiers *sp, SpecifierStore *st) {
        if (gethostname(st->host, sizeof st->host - 1) < 0)
                strcpy(st->host, "localhost");
        if (m->scope != MANAGER_USER) {
                *sp = (TmpfilesSpecifiers) {
                        .runtime_dir = "/run", .state_dir = "/var/lib", .cache_dir = "/var/cache",
                        .logs_dir = "/var/log", .config_dir = "/etc", .home = "/root", .user = "root",
                        .uid = "0", .group = "root", .gid = "0", .hostname = st->host,
                        .tmp_dir = "/tmp", .var_tmp_dir = "/var/tmp",
                };
                return;
        }
        struct passwd *pw = getpwuid(getuid());
        struct group *gr = getgrgid(getgid());
        snprintf(st->uid, sizeof st->uid, "%u", (unsigned) getuid());
        snprintf(st->gid, sizeof st->gid, "%u", (unsigned) getgid());
        *sp = (TmpfilesSpecifiers) {
                .runtime_dir = m->dir_run, .state_dir = m->dir_state, .cache_dir = m->dir_cache,
                .logs_dir = m->dir_logs, .config_dir = m->dir_config, .home = pw ? pw->pw_dir : "/",
                .user = pw ? pw->pw_name : st->uid, .uid = st->uid, .group = gr ? gr->gr_name : st->gid,
                .gid = st->gid, .hostname = st->host, .tmp_dir = "/tmp", .var_tmp_dir = "/var/tmp",
        };
}

void tmpfiles_apply(Manager *m, bool boot) {
        _cleanup_strv_free_ char **files = tmpfiles_collect(m);
        TmpfilesSpecifiers sp;
        SpecifierStore store;

        tmpfiles_specifiers(m, &sp, &store);
        STRV_FOREACH(f, files) {
                _cleanup_free_ char *text = NULL;
                TmpfilesItems items = {};
                Diag diag = {};
                size_t size = 0;
                int r = read_file(*f, &text, &size);
                if (r < 0) {
                        log_warning_errno(r, "Failed to read '%s', ignoring: %m", *f);
                        continue;
                }
                r = tmpfiles_parse(*f, text, size, &sp, &items, &diag);
                for (size_t i = 0; i < diag.n; i++)
                        log_warning("%s", diag.entries[i].text);
                diag_done(&diag);
                if (r < 0)
                        log_warning_errno(r, "Failed to parse '%s', ignoring: %m", *f);
                else
                        for (size_t i = 0; i < items.n; i++)
                                apply_item(m, &items.items[i], boot);
                tmpfiles_items_done(&items);
        }
        log_debug("Applied %zu tmpfiles.d files%s.", strv_length(files), boot ? " (boot)" : "");
}

bool tmpfiles_is_boot(Manager *m) {
        _cleanup_free_ char *stamp = strjoin_path(m->runtime_dir, "/tmpfiles-boot");
        if (!stamp)
                return false;
        int fd = open(stamp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0)
                return false;
        safe_close(fd);
        return true;
}
