/* unit-exec-line.c — words and Exec*= command lines (systemd.service(5),
 * "Command lines"; systemd.syntax(7), "Quoting"): single and double quotes
 * anywhere in a word, C escapes, the prefixes "- @ : + ! !!" in any order,
 * a lone ';' between commands ("\;" is a literal semicolon). Specifiers are
 * expanded per word after unquoting, so an instance name with spaces or
 * quotes never becomes extra words. */
#include <stdio.h>
#include <string.h>

#include "../lib/strbuf.h"
#include "../lib/strv.h"
#include "unit-internal.h"

static bool is_ws(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int unhex(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static void put_utf8(StrBuf *b, uint32_t cp) {
        char o[4];
        size_t n;
        if (cp < 0x80)
                o[0] = (char) cp, n = 1;
        else if (cp < 0x800)
                o[0] = (char) (0xc0 | cp >> 6), o[1] = (char) (0x80 | (cp & 0x3f)), n = 2;
        else if (cp < 0x10000)
                o[0] = (char) (0xe0 | cp >> 12), o[1] = (char) (0x80 | ((cp >> 6) & 0x3f)),
                o[2] = (char) (0x80 | (cp & 0x3f)), n = 3;
        else
                o[0] = (char) (0xf0 | cp >> 18), o[1] = (char) (0x80 | ((cp >> 12) & 0x3f)),
                o[2] = (char) (0x80 | ((cp >> 6) & 0x3f)), o[3] = (char) (0x80 | (cp & 0x3f)), n = 4;
        strbuf_append(b, o, n);
}

/* Hex digits at s: n of them, into *ret. */
static bool read_hex(const char *s, int n, uint32_t *ret) {
        uint32_t v = 0;
        for (int i = 0; i < n; i++) {
                int h = unhex(s[i]);
                if (h < 0)
                        return false;
                v = v << 4 | (uint32_t) h;
        }
        *ret = v;
        return true;
}

/* One C escape after the backslash at *p; advances *p past it. */
static int cunescape_one(const char **p, StrBuf *b) {
        static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''s ;;  ";
        const char *s = *p;
        uint32_t v;
        for (size_t i = 0; i + 1 < sizeof simple; i += 2)
                if (*s == simple[i]) {
                        strbuf_putc(b, simple[i + 1]);
                        *p = s + 1;
                        return 0;
                }
        if (*s == 'x' && read_hex(s + 1, 2, &v)) {
                if (v == 0)
                        return -EINVAL;
                strbuf_putc(b, (char) v);
                *p = s + 3;
                return 0;
        }
        if ((*s == 'u' && read_hex(s + 1, 4, &v)) || (*s == 'U' && read_hex(s + 1, 8, &v))) {
                if (v == 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
                        return -EINVAL;
                put_utf8(b, v);
                *p = s + (*s == 'u' ? 5 : 9);
                return 0;
        }
        if (s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
                v = (uint32_t) ((s[0] - '0') << 6 | (s[1] - '0') << 3 | (s[2] - '0'));
                if (v == 0)
                        return -EINVAL;
                strbuf_putc(b, (char) v);
                *p = s + 3;
                return 0;
        }
        return -EINVAL;
}

int unit_word_next(const char **p, WordFlags flags, char **ret, bool *ret_separator, const char **ret_error) {
        const char *s = *p;
        StrBuf b = {};
        char quote = 0;
        bool plain = true; /* no quotes or escapes: a lone ';' separates */

        *ret_error = NULL;
        while (is_ws(*s))
                s++;
        if (!*s) {
                *p = s;
                return 0;
        }
        for (; *s && (quote || !is_ws(*s));) {
                if (*s == '\\') {
                        plain = false;
                        s++;
                        if (!*s) {
                                *ret_error = "trailing backslash";
                                goto fail;
                        }
                        if (flags & WORD_CUNESCAPE) {
                                if (cunescape_one(&s, &b) < 0) {
                                        *ret_error = "invalid escape sequence";
                                        goto fail;
                                }
                        } else
                                strbuf_putc(&b, *s++);
                } else if (quote) {
                        if (*s != quote)
                                strbuf_putc(&b, *s);
                        else
                                quote = 0;
                        s++;
                } else if (*s == '"' || *s == '\'') {
                        plain = false;
                        quote = *s++;
                } else
                        strbuf_putc(&b, *s++);
        }
        if (quote) {
                *ret_error = "unbalanced quoting";
                goto fail;
        }
        if (ret_separator)
                *ret_separator = (flags & WORD_SEMICOLON) && plain && b.len == 1 && b.data[0] == ';';
        *p = s;
        *ret = strbuf_steal(&b);
        return *ret ? 1 : -ENOMEM;
fail:
        strbuf_done(&b);
        return b.oom ? -ENOMEM : -EINVAL;
}

int unit_words_split(const char *s, WordFlags flags, char ***ret, const char **ret_error) {
        _cleanup_strv_free_ char **l = NULL;
        size_t n = 0, cap = 0;
        for (;;) {
                char *w;
                int r = unit_word_next(&s, flags, &w, NULL, ret_error);
                if (r <= 0) {
                        if (r < 0)
                                return r;
                        break;
                }
                if (n >= UNIT_WORDS_MAX) {
                        free(w);
                        *ret_error = "too many words";
                        return -EINVAL;
                }
                if (n + 2 > cap) {
                        cap = cap ? cap * 2 : 8;
                        char **nl = realloc(l, sizeof(char *) * cap);
                        if (!nl) {
                                free(w);
                                return -ENOMEM;
                        }
                        l = nl;
                }
                l[n++] = w;
                l[n] = NULL;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static void exec_command_done(ExecCommand *c) {
        free(c->path);
        strv_free(c->argv);
        *c = (ExecCommand) {};
}

void exec_command_list_done(ExecCommandList *l) {
        for (size_t i = 0; i < l->n; i++)
                exec_command_done(&l->items[i]);
        free(l->items);
        *l = (ExecCommandList) {};
}

/* Strips the prefixes off the first word. */
static int exec_prefixes(const char **w, ExecFlags *ret) {
        ExecFlags f = 0;
        for (const char *s = *w;; s++) {
                ExecFlags add;
                if (*s == '-')
                        add = EXEC_IGNORE_FAILURE;
                else if (*s == '@')
                        add = EXEC_ARGV0;
                else if (*s == ':')
                        add = EXEC_NO_ENV_EXPAND;
                else if (*s == '+')
                        add = EXEC_FULL_PRIVILEGES;
                else if (*s == '!') {
                        add = EXEC_NO_SETUID;
                        if (s[1] == '!')
                                s++; /* "!!": no ambient-capability fallback needed here */
                } else {
                        *w = s;
                        *ret = f;
                        return 0;
                }
                if ((f & add) || ((f | add) & (EXEC_FULL_PRIVILEGES | EXEC_NO_SETUID)) ==
                                         (EXEC_FULL_PRIVILEGES | EXEC_NO_SETUID))
                        return -EINVAL;
                f |= add;
        }
}

static bool exec_path_ok(const char *p) {
        if (!*p || endswith(p, "/"))
                return false;
        return p[0] == '/' || !strchr(p, '/');
}

typedef struct ExecBuild {
        const ConfigContext *c;
        const char *value;
        ExecCommand cmd;
        size_t n_words;
} ExecBuild;

static void exec_error(const ExecBuild *e, const char *reason) {
        config_error(e->c, "Invalid %s= command line '%.200s': %s, ignoring.", e->c->key, e->value, reason);
}

/* Adds one (already unquoted) word to the command being built. 1 ok, 0 after a diagnostic. */
static int exec_add_word(ExecBuild *e, const char *word) {
        const char *w = word;
        if (e->n_words >= UNIT_WORDS_MAX) {
                exec_error(e, "too many words");
                return 0;
        }
        if (e->n_words == 0 && exec_prefixes(&w, &e->cmd.flags) < 0) {
                exec_error(e, "invalid combination of prefixes");
                return 0;
        }
        _cleanup_free_ char *x = NULL;
        int r = unit_specifiers_expand(e->c, w, &x);
        if (r <= 0)
                return r;
        if (e->n_words == 0) {
                if (!exec_path_ok(x)) {
                        exec_error(e, "the program must be an absolute path or a plain file name");
                        return 0;
                }
                e->cmd.path = TAKE_PTR(x);
                if (!(e->cmd.flags & EXEC_ARGV0) && strv_extend(&e->cmd.argv, e->cmd.path) < 0)
                        return -ENOMEM;
        } else if (strv_consume(&e->cmd.argv, TAKE_PTR(x)) < 0)
                return -ENOMEM;
        e->n_words++;
        return 1;
}

/* Ends the command being built and moves it into out. 1 ok, 0 after a diagnostic. */
static int exec_finish(ExecBuild *e, ExecCommandList *out) {
        if (e->n_words == 0) {
                if (e->cmd.flags) {
                        exec_error(e, "prefixes without a program");
                        return 0;
                }
                return 1; /* empty: "a ;" or ";;" */
        }
        if (!e->cmd.argv) {
                exec_error(e, "'@' needs argv[0] after the program");
                return 0;
        }
        if (out->n >= UNIT_LIST_MAX) {
                exec_error(e, "too many commands");
                return 0;
        }
        ExecCommand *n = realloc(out->items, sizeof(ExecCommand) * (out->n + 1));
        if (!n)
                return -ENOMEM;
        out->items = n;
        e->cmd.line = e->c->line;
        out->items[out->n++] = e->cmd;
        e->cmd = (ExecCommand) {};
        e->n_words = 0;
        return 1;
}

static int exec_parse_all(ExecBuild *e, ExecCommandList *out) {
        const char *p = e->value;
        for (;;) {
                _cleanup_free_ char *w = NULL;
                const char *err;
                bool sep;
                int r = unit_word_next(&p, WORD_CUNESCAPE | WORD_SEMICOLON, &w, &sep, &err);
                if (r == -EINVAL) {
                        exec_error(e, err);
                        return 0;
                }
                if (r <= 0)
                        return r < 0 ? r : exec_finish(e, out);
                r = sep ? exec_finish(e, out) : exec_add_word(e, w);
                if (r <= 0)
                        return r;
        }
}

int unit_exec_line_parse(const ConfigContext *c, const char *value, ExecCommandList *list) {
        ExecBuild e = { .c = c, .value = value };
        ExecCommandList out = {};
        int r = exec_parse_all(&e, &out);
        exec_command_done(&e.cmd);
        if (r > 0 && out.n == 0) {
                config_error(c, "Empty %s= command line, ignoring.", c->key);
                r = 0;
        }
        if (r > 0 && list->n + out.n > UNIT_LIST_MAX) {
                config_error(c, "Too many %s= commands (limit %u), ignoring.", c->key, UNIT_LIST_MAX);
                r = 0;
        }
        if (r <= 0) {
                exec_command_list_done(&out);
                return r;
        }
        ExecCommand *n = realloc(list->items, sizeof(ExecCommand) * (list->n + out.n));
        if (!n) {
                exec_command_list_done(&out);
                return -ENOMEM;
        }
        memcpy(n + list->n, out.items, sizeof(ExecCommand) * out.n);
        list->items = n;
        list->n += out.n;
        free(out.items);
        return 1;
}
