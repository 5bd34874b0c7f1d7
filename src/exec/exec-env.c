/* exec-env.c — a process's environment (SPEC 6) and $VAR expansion of its
 * command line, following systemd.exec(5) (Environment=, EnvironmentFile=,
 * PassEnvironment=, UnsetEnvironment=) and systemd.service(5) ("Command
 * lines"). Runs in the manager, never in the child. Environments are strvs
 * of "KEY=VALUE" with each KEY at most once. */
#include "exec/exec.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/macro.h"
#include "lib/strbuf.h"
#include "lib/strv.h"

/* An EnvironmentFile= bigger than this is refused (-EFBIG). */
#define ENV_FILE_SIZE_MAX (1024 * 1024)

static bool env_name_is_valid_n(const char *s, size_t n) {
        if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_'))
                        return false;
        }
        return true;
}

/* Well-formed UTF-8 without NUL (no overlong forms, surrogates, or code
 * points above U+10FFFF). */
static bool env_value_is_valid(const char *s, size_t n) {
        const unsigned char *p = (const unsigned char *) s, *e = p + n;

        while (p < e) {
                unsigned c = *p++, len, cp;
                if (c == 0)
                        return false;
                if (c < 0x80)
                        continue;
                if (c >= 0xc2 && c <= 0xdf)
                        len = 1, cp = c & 0x1f;
                else if (c >= 0xe0 && c <= 0xef)
                        len = 2, cp = c & 0x0f;
                else if (c >= 0xf0 && c <= 0xf4)
                        len = 3, cp = c & 0x07;
                else
                        return false;
                if ((size_t) (e - p) < len)
                        return false;
                for (unsigned i = 0; i < len; i++, p++) {
                        if ((*p & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (*p & 0x3f);
                }
                if ((len == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
                    (len == 3 && (cp < 0x10000 || cp > 0x10ffff)))
                        return false;
        }
        return true;
}

static bool env_assignment_is_valid(const char *s) {
        const char *eq = strchr(s, '=');
        return eq && env_name_is_valid_n(s, (size_t) (eq - s));
}

/* Index of the entry for the name s[0..n), or -1. */
static ssize_t env_find_n(char *const *env, const char *s, size_t n) {
        for (size_t i = 0; env && env[i]; i++)
                if (strncmp(env[i], s, n) == 0 && env[i][n] == '=')
                        return (ssize_t) i;
        return -1;
}

static const char *env_get_n(char *const *env, const char *name, size_t n) {
        ssize_t i = env_find_n(env, name, n);
        return i < 0 ? NULL : env[i] + n + 1;
}

/* Sets the assignment a ("KEY=VALUE"), replacing an earlier one for KEY;
 * takes ownership of a, also on failure. */
static int env_set_consume(char ***env, char *a) {
        if (!a)
                return -ENOMEM;
        ssize_t i = env_find_n(*env, a, strcspn(a, "="));
        if (i >= 0) {
                free((*env)[i]);
                (*env)[i] = a;
                return 0;
        }
        return strv_consume(env, a);
}

static int env_set(char ***env, const char *a) {
        return env_set_consume(env, strdup(a));
}

static int env_set_all(char ***env, char *const *l) {
        STRV_FOREACH(s, (char **) l) {
                if (!env_assignment_is_valid(*s))
                        continue; /* the unit parser has complained already */
                int r = env_set(env, *s);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* UnsetEnvironment=: "KEY" drops any assignment of KEY, "KEY=VALUE" only
 * that exact assignment. */
static void env_unset_all(char **env, char *const *unset) {
        STRV_FOREACH(u, (char **) unset) {
                if (strchr(*u, '=')) {
                        strv_remove(env, *u);
                        continue;
                }
                ssize_t i = env_find_n(env, *u, strlen(*u));
                if (i >= 0) {
                        free(env[i]);
                        memmove(env + i, env + i + 1, sizeof(char *) * (strv_length(env + i + 1) + 1));
                }
        }
}

static int env_pass(char ***env, char *const *manager_env, char *const *names) {
        STRV_FOREACH(n, (char **) names) {
                if (!env_name_is_valid_n(*n, strlen(*n)))
                        continue;
                const char *v = env_get_n(manager_env, *n, strlen(*n));
                if (!v)
                        continue; /* unset in the manager: not passed */
                StrBuf b = {};
                strbuf_printf(&b, "%s=%s", *n, v);
                int r = env_set_consume(env, strbuf_steal(&b));
                if (r < 0)
                        return r;
        }
        return 0;
}

/* ---- EnvironmentFile= ---- */

typedef enum EnvParseState {
        ENV_PRE_KEY,
        ENV_KEY,
        ENV_PRE_VALUE,
        ENV_VALUE,
        ENV_VALUE_ESCAPE,
        ENV_SQUOTE,
        ENV_DQUOTE,
        ENV_DQUOTE_ESCAPE,
        ENV_COMMENT,
} EnvParseState;

typedef struct EnvParser {
        EnvParseState state;
        StrBuf key, value;
        size_t value_keep; /* value length up to its last non-blank char */
        char ***env;
} EnvParser;

static bool env_is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
}

static void env_parser_value_putc(EnvParser *e, char c, bool keep) {
        strbuf_putc(&e->value, c);
        if (keep)
                e->value_keep = e->value.len;
}

/* Ends one assignment: trims, drops an "export " prefix, checks the name,
 * and sets it. Invalid lines are skipped. */
static int env_parser_emit(EnvParser *e) {
        const char *k = strempty(e->key.data), *x;
        size_t kl = e->key.len;
        int r = 0;

        if (e->key.oom || e->value.oom)
                return -ENOMEM;
        while (kl > 0 && env_is_blank(k[kl - 1]))
                kl--;
        if ((x = startswith(k, "export")) && (*x == ' ' || *x == '\t')) {
                while (*x == ' ' || *x == '\t')
                        x++;
                kl -= (size_t) (x - k);
                k = x;
        }
        e->value.len = e->value_keep;
        strbuf_append(&e->value, "", 0); /* terminates at the trimmed length */
        if (env_name_is_valid_n(k, kl) && env_value_is_valid(strempty(e->value.data), e->value.len)) {
                StrBuf a = {};
                strbuf_append(&a, k, kl);
                strbuf_putc(&a, '=');
                strbuf_append(&a, e->value.data, e->value.len);
                r = env_set_consume(e->env, strbuf_steal(&a));
        }
        strbuf_reset(&e->key);
        strbuf_reset(&e->value);
        e->value_keep = 0;
        e->state = ENV_PRE_KEY;
        return r;
}

/* Feeds one character ('\n' also for the end of data). Returns 1 when an
 * assignment ended here, so the caller emits it. */
static int env_parser_feed_key(EnvParser *e, char c) {
        switch (e->state) {
        case ENV_PRE_KEY:
                if (c == '#' || c == ';')
                        e->state = ENV_COMMENT;
                else if (!env_is_blank(c) && c != '\n') {
                        strbuf_putc(&e->key, c);
                        e->state = ENV_KEY;
                }
                return 0;
        case ENV_KEY:
                if (c == '\n') { /* no '=': not an assignment */
                        strbuf_reset(&e->key);
                        e->state = ENV_PRE_KEY;
                } else if (c == '=')
                        e->state = ENV_PRE_VALUE;
                else
                        strbuf_putc(&e->key, c);
                return 0;
        case ENV_COMMENT:
                if (c == '\n')
                        e->state = ENV_PRE_KEY;
                return 0;
        default:
                return 0;
        }
}

static int env_parser_feed_value(EnvParser *e, char c) {
        switch (e->state) {
        case ENV_PRE_VALUE:
        case ENV_VALUE:
                if (c == '\n')
                        return 1;
                if (c == '\\')
                        e->state = ENV_VALUE_ESCAPE;
                else if (e->state == ENV_PRE_VALUE && c == '\'')
                        e->state = ENV_SQUOTE;
                else if (e->state == ENV_PRE_VALUE && c == '"')
                        e->state = ENV_DQUOTE;
                else if (e->state == ENV_VALUE || !env_is_blank(c)) {
                        env_parser_value_putc(e, c, !env_is_blank(c));
                        e->state = ENV_VALUE;
                }
                return 0;
        case ENV_VALUE_ESCAPE:
                if (c != '\n') /* backslash-newline: continuation */
                        env_parser_value_putc(e, c, true);
                e->state = ENV_VALUE;
                return 0;
        case ENV_SQUOTE:
                if (c == '\'')
                        e->state = ENV_PRE_VALUE;
                else
                        env_parser_value_putc(e, c, true);
                return 0;
        case ENV_DQUOTE:
                if (c == '"')
                        e->state = ENV_PRE_VALUE;
                else if (c == '\\')
                        e->state = ENV_DQUOTE_ESCAPE;
                else
                        env_parser_value_putc(e, c, true);
                return 0;
        case ENV_DQUOTE_ESCAPE:
                if (!strchr("\"\\`$\n", c))
                        env_parser_value_putc(e, '\\', true);
                if (c != '\n')
                        env_parser_value_putc(e, c, true);
                e->state = ENV_DQUOTE;
                return 0;
        default:
                return env_parser_feed_key(e, c);
        }
}

int exec_parse_environment_file(const char *data, size_t size, char ***env) {
        EnvParser e = { .env = env };
        int r = 0;

        for (size_t i = 0; i <= size && r >= 0; i++) {
                /* The end of data ends a line, and an unterminated quote. */
                bool end = i == size;
                if (end && (e.state == ENV_SQUOTE || e.state == ENV_DQUOTE ||
                            e.state == ENV_DQUOTE_ESCAPE || e.state == ENV_VALUE_ESCAPE))
                        e.state = ENV_VALUE;
                if (env_parser_feed_value(&e, end ? '\n' : data[i]) > 0)
                        r = env_parser_emit(&e);
        }
        strbuf_done(&e.key);
        strbuf_done(&e.value);
        return r;
}

/* Reads a whole file of at most ENV_FILE_SIZE_MAX bytes into *ret. */
static int env_read_file(const char *path, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -1;
        StrBuf b = {};
        char buf[16384];
        ssize_t n;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        for (;;) {
                n = read(fd, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                if (b.len + (size_t) n > ENV_FILE_SIZE_MAX) {
                        strbuf_done(&b);
                        return -EFBIG;
                }
                strbuf_append(&b, buf, (size_t) n);
        }
        if (n < 0) {
                int r = -errno;
                strbuf_done(&b);
                return r;
        }
        strbuf_append(&b, "", 0);
        *ret_size = b.len;
        *ret = strbuf_steal(&b);
        return *ret ? 0 : -ENOMEM;
}

static int env_load_one(const char *path, char ***env) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r = env_read_file(path, &data, &size);
        if (r < 0)
                return r;
        return exec_parse_environment_file(data, size, env);
}

/* One EnvironmentFile= entry: an absolute path or glob, "-" prefix meaning
 * "a failure to read is not an error" (systemd ignores any read error
 * then, not just a missing file). */
static int env_load_files(const char *spec, char ***env, char **ret_bad_file) {
        bool ignore = spec[0] == '-';
        const char *path = spec + ignore;
        glob_t g = {};
        int r = 0;

        if (path[0] != '/')
                r = -EINVAL;
        else if (!strpbrk(path, "*?[")) {
                r = env_load_one(path, env);
        } else {
                int gr = glob(path, GLOB_NOSORT | GLOB_BRACE, NULL, &g);
                if (gr == 0) {
                        /* Sorted, so that later files win predictably. */
                        strv_sort(g.gl_pathv);
                        for (size_t i = 0; i < g.gl_pathc && r >= 0; i++)
                                r = env_load_one(g.gl_pathv[i], env);
                } else
                        r = gr == GLOB_NOSPACE ? -ENOMEM : -ENOENT;
                globfree(&g);
        }

        if (r >= 0 || (ignore && r != -ENOMEM))
                return 0;
        if (r == -ENOMEM)
                return r;
        if (ret_bad_file && !(*ret_bad_file = strdup(path)))
                return -ENOMEM;
        return r;
}

int exec_build_environment(char *const *base,
                           char *const *manager_env,
                           char *const *pass_environment,
                           char *const *environment_files,
                           char *const *environment,
                           char *const *unset_environment,
                           char ***ret,
                           char **ret_bad_file) {
        _cleanup_strv_free_ char **env = calloc(1, sizeof(char *));
        int r;

        if (!ret)
                return -EINVAL;
        if (ret_bad_file)
                *ret_bad_file = NULL;
        if (!env)
                return -ENOMEM;

        r = env_set_all(&env, base);
        if (r < 0)
                return r;
        r = env_pass(&env, manager_env, pass_environment);
        if (r < 0)
                return r;
        r = env_set_all(&env, environment);
        if (r < 0)
                return r;
        /* systemd.exec(5): settings from these files override Environment=. */
        STRV_FOREACH(f, (char **) environment_files) {
                r = env_load_files(*f, &env, ret_bad_file);
                if (r < 0)
                        return r;
        }
        env_unset_all(env, unset_environment);

        *ret = TAKE_PTR(env);
        return 0;
}

/* ---- $VAR expansion in command lines ---- */

/* Expands ${NAME} and $$ inside one word; "$NAME" inside a word and
 * anything malformed stay as written (systemd does the same). */
static char *env_expand_word(const char *w, char *const *env) {
        StrBuf b = {};

        for (const char *s = w; *s; ) {
                const char *end;
                if (s[0] == '$' && s[1] == '$') {
                        strbuf_putc(&b, '$');
                        s += 2;
                } else if (s[0] == '$' && s[1] == '{' && (end = strchr(s + 2, '}')) &&
                           env_name_is_valid_n(s + 2, (size_t) (end - s - 2))) {
                        strbuf_puts(&b, strempty(env_get_n(env, s + 2, (size_t) (end - s - 2))));
                        s = end + 1;
                } else
                        strbuf_putc(&b, *s++);
        }
        strbuf_append(&b, "", 0);
        return strbuf_steal(&b);
}

static bool env_is_space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Splits a value at whitespace into words appended to *l, honouring and
 * removing quotes ('...' literal, "..." and bare text with backslash
 * escapes). An unterminated quote runs to the end. */
static int env_split_value(const char *v, char ***l) {
        for (const char *s = v; ; ) {
                StrBuf b = {};
                char quote = 0;

                while (env_is_space(*s))
                        s++;
                if (!*s)
                        return 0;
                for (; *s && (quote || !env_is_space(*s)); s++) {
                        if (quote && *s == quote)
                                quote = 0;
                        else if (!quote && (*s == '\'' || *s == '"'))
                                quote = *s;
                        else if (*s == '\\' && quote != '\'' && s[1])
                                strbuf_putc(&b, *++s);
                        else
                                strbuf_putc(&b, *s);
                }
                strbuf_append(&b, "", 0);
                int r = strv_consume(l, strbuf_steal(&b));
                if (r < 0)
                        return r;
        }
}

int exec_expand_argv(char *const *argv, char *const *env, char ***ret) {
        _cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
        int r;

        if (!ret)
                return -EINVAL;
        if (!l)
                return -ENOMEM;

        STRV_FOREACH(w, (char **) argv) {
                /* A word that is exactly "$NAME": split into zero or more. */
                if ((*w)[0] == '$' && env_name_is_valid_n(*w + 1, strlen(*w + 1))) {
                        const char *v = env_get_n(env, *w + 1, strlen(*w + 1));
                        r = v ? env_split_value(v, &l) : 0;
                } else
                        r = strv_consume(&l, env_expand_word(*w, env));
                if (r < 0)
                        return r;
        }

        *ret = TAKE_PTR(l);
        return 0;
}
