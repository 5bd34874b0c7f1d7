/* unit-lexer.c — INI lexing of unit files as systemd.syntax(7) describes
 * it: "[Section]" headers, "Key=Value" lines, '#' and ';' comments at the
 * start of a line, a line ending in an odd number of backslashes continued
 * on the next one (a comment line inside a continued value is skipped).
 * Values are only trimmed here; quoting belongs to the value parsers. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/strbuf.h"
#include "unit-internal.h"

typedef struct Lexer {
        const char *path;
        Diag *diag;
        const UnitLexCallbacks *cb;
        void *userdata;
        char *section;        /* current section, NULL before the first */
        bool section_invalid; /* after a broken header: skip its lines quietly */
        StrBuf line;          /* the logical line being joined */
        unsigned line_start;  /* its first physical line */
        bool skip;            /* the logical line already produced a diagnostic */
} Lexer;

static bool is_blank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static char *strip(char *s) {
        while (is_blank(*s))
                s++;
        size_t n = strlen(s);
        while (n > 0 && is_blank(s[n - 1]))
                s[--n] = 0;
        return s;
}

/* Minimal UTF-8 validation: no overlong forms, no surrogates, <= U+10FFFF. */
static bool utf8_valid(const unsigned char *s, size_t n) {
        size_t i = 0;
        while (i < n) {
                unsigned char c = s[i];
                size_t len;
                uint32_t cp;
                if (c < 0x80) {
                        i++;
                        continue;
                } else if ((c & 0xe0) == 0xc0)
                        len = 2, cp = c & 0x1f;
                else if ((c & 0xf0) == 0xe0)
                        len = 3, cp = c & 0x0f;
                else if ((c & 0xf8) == 0xf0)
                        len = 4, cp = c & 0x07;
                else
                        return false;
                if (n - i < len)
                        return false;
                for (size_t k = 1; k < len; k++) {
                        if ((s[i + k] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (s[i + k] & 0x3f);
                }
                if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
                    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                        return false;
                i += len;
        }
        return true;
}

static int lex_section(Lexer *lx, char *l) {
        size_t n = strlen(l);
        free(lx->section);
        lx->section = NULL;
        lx->section_invalid = true;
        if (n < 3 || l[n - 1] != ']') {
                diag_add(lx->diag, DIAG_ERROR, lx->path, lx->line_start, "Invalid section header '%s', ignoring section.", l);
                return 0;
        }
        l[n - 1] = 0;
        for (const char *p = l + 1; *p; p++)
                if (*p == '[' || *p == ']' || iscntrl((unsigned char) *p)) {
                        diag_add(lx->diag, DIAG_ERROR, lx->path, lx->line_start,
                                 "Invalid section header '%s]', ignoring section.", l);
                        return 0;
                }
        lx->section = strdup(l + 1);
        if (!lx->section)
                return -ENOMEM;
        lx->section_invalid = false;
        return lx->cb->section ? lx->cb->section(lx->userdata, lx->path, lx->line_start, lx->section) : 0;
}

static int lex_logical_line(Lexer *lx, char *raw) {
        char *l = strip(raw);
        if (!*l)
                return 0;
        if (*l == '[')
                return lex_section(lx, l);
        if (startswith(l, ".include")) {
                diag_add(lx->diag, DIAG_ERROR, lx->path, lx->line_start, "'.include' is not supported, ignoring.");
                return 0;
        }
        if (!lx->section) {
                if (!lx->section_invalid)
                        diag_add(lx->diag, DIAG_ERROR, lx->path, lx->line_start,
                                 "Assignment outside of section, ignoring.");
                return 0;
        }
        char *eq = strchr(l, '=');
        if (!eq) {
                diag_add(lx->diag, DIAG_ERROR, lx->path, lx->line_start, "Missing '=', ignoring line.");
                return 0;
        }
        *eq = 0;
        char *key = strip(l), *value = strip(eq + 1);
        if (!*key) {
                diag_add(lx->diag, DIAG_ERROR, lx->path, lx->line_start, "Missing key name before '=', ignoring line.");
                return 0;
        }
        return lx->cb->assignment(lx->userdata, lx->path, lx->line_start, lx->section, key, value);
}

static size_t trailing_backslashes(const char *p, size_t len) {
        size_t n = 0;
        while (n < len && p[len - 1 - n] == '\\')
                n++;
        return n;
}

/* Checks one physical line; a problem marks the logical line skipped. */
static void lex_check_physical(Lexer *lx, const char *p, size_t len, unsigned lineno) {
        if (lx->skip)
                return;
        if (memchr(p, 0, len)) {
                diag_add(lx->diag, DIAG_ERROR, lx->path, lineno, "Line contains a NUL byte, ignoring.");
                lx->skip = true;
        } else if (lx->line.len + len > UNIT_LINE_MAX) {
                diag_add(lx->diag, DIAG_ERROR, lx->path, lx->line_start, "Line too long (limit %u bytes), ignoring.",
                         UNIT_LINE_MAX);
                lx->skip = true;
        } else if (!utf8_valid((const unsigned char *) p, len)) {
                diag_add(lx->diag, DIAG_ERROR, lx->path, lineno, "Line is not valid UTF-8, ignoring.");
                lx->skip = true;
        }
}

static int lex_finish_logical(Lexer *lx) {
        int r = 0;
        if (lx->line.oom)
                r = -ENOMEM;
        else if (!lx->skip && lx->line.data)
                r = lex_logical_line(lx, lx->line.data);
        strbuf_reset(&lx->line);
        lx->skip = false;
        return r;
}

/* Feeds one physical line (without its '\n'). Returns <0 on failure. */
static int lex_physical(Lexer *lx, const char *p, size_t len, unsigned lineno, bool *continued) {
        if (len > 0 && p[len - 1] == '\r')
                len--;
        size_t i = 0;
        while (i < len && is_blank(p[i]))
                i++;
        if (i < len && (p[i] == '#' || p[i] == ';'))
                return 0; /* a comment, also inside a continued value */
        if (!*continued)
                lx->line_start = lineno;
        lex_check_physical(lx, p, len, lineno);
        bool cont = trailing_backslashes(p, len) % 2 == 1;
        if (!lx->skip) {
                strbuf_append(&lx->line, p, cont ? len - 1 : len);
                if (cont)
                        strbuf_putc(&lx->line, ' ');
        }
        *continued = cont;
        return cont ? 0 : lex_finish_logical(lx);
}

int unit_lex(const char *path, const char *data, size_t size, Diag *diag, const UnitLexCallbacks *cb,
             void *userdata) {
        Lexer lx = { .path = path, .diag = diag, .cb = cb, .userdata = userdata };
        const char *p = data, *end = data + size;
        unsigned lineno = 0;
        bool continued = false;
        int r = 0;

        if (size >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
                p += 3; /* UTF-8 byte order mark */
        while (p < end && r >= 0) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);
                lineno++;
                r = lex_physical(&lx, p, len, lineno, &continued);
                p += len + (nl ? 1 : 0);
        }
        if (r >= 0 && continued)
                r = lex_finish_logical(&lx);
        strbuf_done(&lx.line);
        free(lx.section);
        return r < 0 ? r : 0;
}
