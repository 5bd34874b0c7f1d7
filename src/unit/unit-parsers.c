/* unit-parsers.c — typed value parsers shared by every section: strings,
 * paths, word lists, unit names, booleans, time spans, numbers, modes,
 * signals, exit statuses, actions and conditions. One signature
 * (ConfigParser): 1 stored, 0 ignored after a diagnostic, -ENOMEM. */
#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

#include "../lib/strv.h"
#include "../lib/timespan.h"
#include "unit-internal.h"

static void config_vadd(const ConfigContext *c, DiagLevel level, const char *fmt, va_list ap) {
        _cleanup_free_ char *m = NULL;
        if (vasprintf(&m, fmt, ap) < 0) {
                c->unit->diag.dropped++;
                return;
        }
        diag_add(&c->unit->diag, level, c->path, c->line, "%s", m);
}

void config_warn(const ConfigContext *c, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        config_vadd(c, DIAG_WARNING, fmt, ap);
        va_end(ap);
}

void config_error(const ConfigContext *c, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        config_vadd(c, DIAG_ERROR, fmt, ap);
        va_end(ap);
}

const char *config_verdict(const ConfigContext *c) {
        return c->flags & KEY_FAIL_CLOSED ? "refusing" : "ignoring";
}

int config_invalid(const ConfigContext *c, const char *value, const char *reason) {
        config_error(c, "Failed to parse %s= value '%.200s': %s, %s.", c->key, value, reason, config_verdict(c));
        return 0;
}

void unit_mark_bad(UnitFile *u, const char *path, unsigned line, const char *fmt, ...) {
        _cleanup_free_ char *m = NULL;
        va_list ap;
        va_start(ap, fmt);
        int k = vasprintf(&m, fmt, ap);
        va_end(ap);
        if (k < 0)
                m = NULL;
        diag_add(&u->diag, DIAG_ERROR, path, line, "%s", m ? m : "Bad setting.");
        if (u->load_state == UNIT_LOADED || u->load_state == UNIT_BAD_SETTING) {
                u->load_state = UNIT_BAD_SETTING;
                if (!u->load_error)
                        u->load_error = TAKE_PTR(m);
        }
}

int config_reset(const ConfigContext *c, void *target) {
        /* Scalars only: a struct may hold pointers that must not be overwritten. */
        assert(c->size <= sizeof(uint64_t));
        if (target && c->default_value)
                memcpy(target, c->default_value, c->size);
        return 1;
}

int config_list_add(const ConfigContext *c, char ***l, char *s, bool dedupe) {
        if (!s)
                return -ENOMEM;
        if (!l) {
                free(s);
                return 1;
        }
        size_t n = strv_length(*l);
        if (n >= UNIT_LIST_MAX) {
                free(s);
                config_error(c, "Too many entries in %s= (limit %u), ignoring.", c->key, UNIT_LIST_MAX);
                return 0;
        }
        if (dedupe && strv_contains(*l, s)) {
                free(s);
                return 1;
        }
        return strv_consume(l, s) < 0 ? -ENOMEM : 1;
}

int config_parse_accept(const ConfigContext *c, const char *v, void *t, int l) {
        return 1;
}

int config_parse_unenforced(const ConfigContext *c, const char *v, void *t, int l) {
        return 1;
}

/* Expands specifiers of a whole value. */
static int expand(const ConfigContext *c, const char *v, char **ret) {
        return unit_specifiers_expand(c, v, ret);
}

int config_parse_string(const ConfigContext *c, const char *v, void *t, int l) {
        char **s = t;
        if (isempty(v)) {
                if (s) {
                        free(*s);
                        *s = NULL;
                }
                return 1;
        }
        char *x;
        int r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (!s) {
                free(x);
                return 1;
        }
        free(*s);
        *s = x;
        return 1;
}

/* Collapses "//" and drops a trailing "/" (not of "/" itself). */
static void path_simplify(char *p) {
        char *w = p;
        for (char *r = p; *r; r++)
                if (!(*r == '/' && w > p && w[-1] == '/'))
                        *w++ = *r;
        if (w > p + 1 && w[-1] == '/')
                w--;
        *w = 0;
}

static bool path_has_dotdot(const char *p) {
        for (const char *s = p; (s = strstr(s, "..")); s += 2)
                if ((s == p || s[-1] == '/') && (s[2] == 0 || s[2] == '/'))
                        return true;
        return false;
}

/* An absolute, normalised path from a value; 1, 0 after a diagnostic. */
static int parse_abs_path(const ConfigContext *c, const char *v, char **ret) {
        _cleanup_free_ char *x = NULL;
        int r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (x[0] != '/')
                return config_invalid(c, v, "not an absolute path");
        if (path_has_dotdot(x))
                return config_invalid(c, v, "path contains '..'");
        path_simplify(x);
        *ret = TAKE_PTR(x);
        return 1;
}

int config_parse_path(const ConfigContext *c, const char *v, void *t, int l) {
        char **s = t, *x;
        if (isempty(v))
                return config_parse_string(c, v, t, l);
        int r = parse_abs_path(c, v, &x);
        if (r <= 0)
                return r;
        if (!s) {
                free(x);
                return 1;
        }
        free(*s);
        *s = x;
        return 1;
}

bool valid_env_name(const char *s, size_t n) {
        if (n == 0 || isdigit((unsigned char) s[0]))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(isalnum((unsigned char) s[i]) || s[i] == '_'))
                        return false;
        return true;
}

bool valid_user_group_name(const char *s) {
        if (isempty(s))
                return false;
        if (isdigit((unsigned char) s[0])) {
                /* Only a numeric id 0..4294967294, not 65535 (16-bit -1). */
                char *e;
                errno = 0;
                unsigned long long v = strtoull(s, &e, 10);
                return errno == 0 && !*e && v < 4294967295ULL && v != 65535 && strlen(s) <= 10;
        }
        size_t n = strlen(s);
        if (n > 31 || !(isalpha((unsigned char) s[0]) || s[0] == '_'))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!(isalnum((unsigned char) s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '.'))
                        return false;
        return true;
}

/* Checks one word of a list; 1 keep, 0 skip (diagnosed), -1 fatal (fail-closed). */
static int strv_check_word(const ConfigContext *c, int kind, char *w) {
        const char *eq;
        switch (kind) {
        case STRV_ENV_NAMES:
                if (valid_env_name(w, strlen(w)))
                        return 1;
                config_error(c, "Invalid environment variable name '%.200s' in %s=, ignoring.", w, c->key);
                return 0;
        case STRV_UNSET_ENV:
                eq = strchr(w, '=');
                if (valid_env_name(w, eq ? (size_t) (eq - w) : strlen(w)))
                        return 1;
                config_error(c, "Invalid environment variable '%.200s' in %s=, ignoring.", w, c->key);
                return 0;
        case STRV_DIRECTORIES:
                w[strcspn(w, ":")] = 0; /* "dir:symlink" — the symlink part is not supported */
                path_simplify(w);
                if (*w && w[0] != '/' && !path_has_dotdot(w))
                        return 1;
                config_error(c, "%s= path '%.200s' must be relative and without '..', ignoring.", c->key, w);
                return 0;
        case STRV_GROUPS:
                if (valid_user_group_name(w))
                        return 1;
                config_error(c, "Invalid group name '%.200s' in %s=, refusing.", w, c->key);
                return -1;
        default:
                return 1;
        }
}

int config_parse_strv(const ConfigContext *c, const char *v, void *t, int kind) {
        char ***l = t;
        if (isempty(v)) {
                if (l)
                        *l = strv_free(*l);
                return 1;
        }
        _cleanup_strv_free_ char **words = NULL;
        const char *err;
        int r = unit_words_split(v, kind == STRV_UNSET_ENV ? WORD_CUNESCAPE : 0, &words, &err);
        if (r == -EINVAL)
                return config_invalid(c, v, err);
        if (r < 0)
                return r;
        bool bad = false;
        STRV_FOREACH(w, words) {
                _cleanup_free_ char *x = NULL;
                r = expand(c, *w, &x);
                if (r <= 0) {
                        if (r < 0)
                                return r;
                        bad = true;
                        continue;
                }
                r = strv_check_word(c, kind, x);
                if (r < 0)
                        return 0;
                if (r == 0)
                        continue;
                r = config_list_add(c, l, TAKE_PTR(x), true);
                if (r <= 0)
                        return r;
        }
        return bad && (c->flags & KEY_FAIL_CLOSED) ? 0 : 1;
}

int config_parse_documentation(const ConfigContext *c, const char *v, void *t, int l) {
        static const char *const schemes[] = { "http://", "https://", "file:", "info:", "man:" };
        char ***docs = t;
        if (isempty(v))
                return config_parse_strv(c, v, t, STRV_WORDS);
        _cleanup_strv_free_ char **words = NULL;
        int r = config_parse_strv(c, v, &words, STRV_WORDS);
        if (r <= 0)
                return r;
        STRV_FOREACH(w, words) {
                bool ok = false;
                for (size_t i = 0; i < ELEMENTSOF(schemes); i++)
                        ok = ok || startswith(*w, schemes[i]);
                if (!ok) {
                        config_error(c, "Invalid URL '%.200s' in Documentation=, ignoring.", *w);
                        continue;
                }
                r = config_list_add(c, docs, strdup(*w), true);
                if (r <= 0)
                        return r;
        }
        return 1;
}

/* ltype: 0 complete the suffix, 1 must be a full name, 2 an alias: same type. */
int config_parse_unit_names(const ConfigContext *c, const char *v, void *t, int l) {
        char ***names = t;
        if (isempty(v))
                return config_parse_strv(c, v, t, STRV_WORDS);
        _cleanup_strv_free_ char **words = NULL;
        int r = config_parse_strv(c, v, &words, STRV_WORDS);
        if (r <= 0)
                return r;
        STRV_FOREACH(w, words) {
                char *n = l == 0 ? unit_name_complete(*w) : unit_name_is_valid(*w) ? strdup(*w) : NULL;
                if (n && l == 2 && unit_type_from_name(n) != c->unit->type) {
                        config_error(c, "Alias '%.200s' is not of the unit's type, ignoring.", n);
                        free(n);
                        continue;
                }
                if (!n) {
                        config_error(c, "Invalid unit name '%.200s' in %s=, ignoring.", *w, c->key);
                        continue;
                }
                r = config_list_add(c, names, n, true);
                if (r <= 0)
                        return r;
        }
        return 1;
}

int config_parse_deps(const ConfigContext *c, const char *v, void *t, int l) {
        char ***deps = t;
        if (isempty(v))
                return config_parse_strv(c, v, t, STRV_WORDS);
        _cleanup_strv_free_ char **words = NULL;
        int r = config_parse_strv(c, v, &words, STRV_WORDS);
        if (r <= 0)
                return r;
        STRV_FOREACH(w, words) {
                bool invalid;
                char *n = unit_name_for_dependency(c->unit, *w, &invalid);
                if (!n && !invalid)
                        return -ENOMEM;
                if (!n) {
                        config_error(c, "Invalid unit name '%.200s' in %s=, ignoring.", *w, c->key);
                        continue;
                }
                r = config_list_add(c, deps, n, true);
                if (r <= 0)
                        return r;
        }
        return 1;
}

int config_parse_bool(const ConfigContext *c, const char *v, void *t, int l) {
        if (isempty(v))
                return config_reset(c, t);
        int b = parse_boolean(v);
        if (b < 0)
                return config_invalid(c, v, "not a boolean");
        if (t)
                *(bool *) t = b;
        return 1;
}

int config_parse_sec(const ConfigContext *c, const char *v, void *t, int l) {
        usec_t u;
        if (isempty(v))
                return config_reset(c, t);
        int r = parse_timespan(v, USEC_PER_SEC, &u);
        if (r < 0)
                return config_invalid(c, v, r == -ERANGE ? "time span too large" : "invalid time span");
        if (t)
                *(usec_t *) t = u;
        return 1;
}

static int parse_uint(const char *v, unsigned long long max, unsigned long long *ret) {
        if (!isdigit((unsigned char) v[0]))
                return -EINVAL;
        char *e;
        errno = 0;
        unsigned long long x = strtoull(v, &e, 10);
        if (*e)
                return -EINVAL;
        if (errno == ERANGE || x > max)
                return -ERANGE;
        *ret = x;
        return 0;
}

int config_parse_unsigned(const ConfigContext *c, const char *v, void *t, int l) {
        unsigned long long x;
        if (isempty(v))
                return config_reset(c, t);
        int r = parse_uint(v, UINT_MAX, &x);
        if (r < 0)
                return config_invalid(c, v, r == -ERANGE ? "number out of range" : "not a number");
        if (t)
                *(unsigned *) t = (unsigned) x;
        return 1;
}

static const struct {
        int min, max;
} int_ranges[_RANGE_MAX] = {
        [RANGE_NICE] = { -20, 19 },  [RANGE_OOM] = { -1000, 1000 },     [RANGE_IOPRIO] = { 0, 7 },
        [RANGE_CPUPRIO] = { 0, 99 }, [RANGE_EXIT_STATUS] = { 0, 255 },
};

int config_parse_int_range(const ConfigContext *c, const char *v, void *t, int l) {
        if (isempty(v))
                return config_reset(c, t);
        char *e;
        errno = 0;
        long x = strtol(v, &e, 10);
        if (*e || e == v || isspace((unsigned char) v[0]))
                return config_invalid(c, v, "not a number");
        if (errno == ERANGE || x < int_ranges[l].min || x > int_ranges[l].max) {
                char why[64];
                snprintf(why, sizeof why, "not in the range %d..%d", int_ranges[l].min, int_ranges[l].max);
                return config_invalid(c, v, why);
        }
        if (t)
                *(int *) t = (int) x;
        return 1;
}

int config_parse_exit_status(const ConfigContext *c, const char *v, void *t, int l) {
        return config_parse_int_range(c, v, t, RANGE_EXIT_STATUS);
}

int config_parse_mode(const ConfigContext *c, const char *v, void *t, int l) {
        if (isempty(v))
                return config_reset(c, t);
        unsigned m = 0;
        for (const char *p = v; *p; p++) {
                if (*p < '0' || *p > '7' || m > 07777)
                        return config_invalid(c, v, "not an octal file mode");
                m = m * 8 + (unsigned) (*p - '0');
        }
        if (m > 07777)
                return config_invalid(c, v, "file mode out of range (max 07777)");
        if (t)
                *(mode_t *) t = (mode_t) m;
        return 1;
}

int config_parse_signal(const ConfigContext *c, const char *v, void *t, int l) {
        if (isempty(v))
                return config_reset(c, t);
        int sig = parse_signal(v);
        if (sig <= 0 || sig > 64)
                return config_invalid(c, v, "not a signal");
        if (t)
                *(int *) t = sig;
        return 1;
}

/* Names of exit statuses systemd accepts (LSB and systemd's own few). */
static int exit_status_from_name(const char *s) {
        static const struct {
                const char *name;
                int status;
        } names[] = {
                { "SUCCESS", 0 },        { "FAILURE", 1 },       { "INVALIDARGUMENT", 2 },
                { "NOTIMPLEMENTED", 3 }, { "NOPERMISSION", 4 },  { "NOTINSTALLED", 5 },
                { "NOTCONFIGURED", 6 },  { "NOTRUNNING", 7 },    { "USAGE", 64 },
                { "DATAERR", 65 },       { "NOINPUT", 66 },      { "NOUSER", 67 },
                { "NOHOST", 68 },        { "UNAVAILABLE", 69 },  { "SOFTWARE", 70 },
                { "OSERR", 71 },         { "OSFILE", 72 },       { "CANTCREAT", 73 },
                { "IOERR", 74 },         { "TEMPFAIL", 75 },     { "PROTOCOL", 76 },
                { "NOPERM", 77 },        { "CONFIG", 78 },
        };
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(names[i].name, s))
                        return names[i].status;
        return -EINVAL;
}

int config_parse_exit_status_set(const ConfigContext *c, const char *v, void *t, int l) {
        ExitStatusSet *set = t;
        if (isempty(v)) {
                if (set)
                        *set = (ExitStatusSet) {};
                return 1;
        }
        _cleanup_strv_free_ char **words = NULL;
        const char *err;
        int r = unit_words_split(v, 0, &words, &err);
        if (r == -EINVAL)
                return config_invalid(c, v, err);
        if (r < 0)
                return r;
        STRV_FOREACH(w, words) {
                unsigned long long st;
                int sig = -1, status = -1;
                if (parse_uint(*w, 255, &st) == 0)
                        status = (int) st;
                else if ((status = exit_status_from_name(*w)) < 0)
                        sig = parse_signal(*w);
                if (status < 0 && (sig <= 0 || sig > 64 || isdigit((unsigned char) (*w)[0]))) {
                        config_error(c, "Invalid exit status or signal '%.200s' in %s=, ignoring.", *w, c->key);
                        continue;
                }
                if (!set)
                        continue;
                if (status >= 0)
                        set->status[status / 8] |= (uint8_t) (1 << (status % 8));
                else
                        set->signal[sig / 8] |= (uint8_t) (1 << (sig % 8));
        }
        return 1;
}

int config_parse_action(const ConfigContext *c, const char *v, void *t, int l) {
        static const char *const unsupported[] = {
                "reboot", "reboot-force", "reboot-immediate", "poweroff", "poweroff-force",
                "poweroff-immediate", "halt", "halt-force", "halt-immediate", "kexec", "kexec-force",
                "soft-reboot", "soft-reboot-force",
        };
        if (isempty(v))
                return config_reset(c, t);
        UnitAction a = unit_action_from_string(v);
        if (a >= 0) {
                if (t)
                        *(UnitAction *) t = a;
                return 1;
        }
        for (size_t i = 0; i < ELEMENTSOF(unsupported); i++)
                if (streq(v, unsupported[i]))
                        return config_invalid(c, v, "action not supported by superd (only none, exit, exit-force)");
        return config_invalid(c, v, "unknown action");
}

static int condition_check_param(const ConfigContext *c, ConditionType type, const char *p) {
        switch (type) {
        case CONDITION_PATH_EXISTS:
        case CONDITION_PATH_IS_DIRECTORY:
        case CONDITION_FILE_NOT_EMPTY:
        case CONDITION_FILE_IS_EXECUTABLE:
                return p[0] == '/' ? 1 : config_invalid(c, p, "not an absolute path");
        case CONDITION_AC_POWER:
                return parse_boolean(p) >= 0 ? 1 : config_invalid(c, p, "not a boolean");
        case CONDITION_USER:
                return valid_user_group_name(p) || streq(p, "@system") ? 1
                                                                        : config_invalid(c, p, "not a user");
        default:
                return 1;
        }
}

static void conditions_reset(UnitSettings *s, bool assert) {
        size_t k = 0;
        for (size_t i = 0; i < s->n_conditions; i++) {
                if (s->conditions[i].assert == assert)
                        free(s->conditions[i].param);
                else
                        s->conditions[k++] = s->conditions[i];
        }
        s->n_conditions = k;
}

/* ltype: ConditionType, | 0x100 for Assert*. The list lives in UnitSettings. */
int config_parse_condition(const ConfigContext *c, const char *v, void *t, int l) {
        UnitSettings *s = &c->unit->s;
        Condition cond = { .type = (ConditionType) (l & 0xff), .assert = l & 0x100, .line = c->line };
        if (isempty(v)) {
                conditions_reset(s, cond.assert);
                return 1;
        }
        if (*v == '|' && !cond.assert)
                cond.trigger = true, v++;
        if (*v == '!')
                cond.negate = true, v++;
        while (*v == ' ' || *v == '\t')
                v++;
        _cleanup_free_ char *x = NULL;
        int r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (!*x)
                return config_invalid(c, v, "empty condition");
        r = condition_check_param(c, cond.type, x);
        if (r <= 0)
                return r;
        if (s->n_conditions >= UNIT_LIST_MAX) {
                config_error(c, "Too many conditions (limit %u), ignoring.", UNIT_LIST_MAX);
                return 0;
        }
        Condition *n = realloc(s->conditions, sizeof(Condition) * (s->n_conditions + 1));
        if (!n)
                return -ENOMEM;
        s->conditions = n;
        cond.param = TAKE_PTR(x);
        s->conditions[s->n_conditions++] = cond;
        return 1;
}

int config_parse_instance(const ConfigContext *c, const char *v, void *t, int l) {
        char **s = t;
        if (isempty(v))
                return config_parse_string(c, v, t, l);
        _cleanup_free_ char *x = NULL;
        int r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (!unit_instance_is_valid(x))
                return config_invalid(c, v, "not a valid instance name");
        if (s) {
                free(*s);
                *s = TAKE_PTR(x);
        }
        return 1;
}
