/* unit-name.c — unit names as systemd.unit(5) defines them:
 * "prefix[@[instance]].suffix", at most 255 bytes of [A-Za-z0-9:_.\-@]
 * with systemd's "\xNN" escaping and '-' standing for '/'. */
#include <stdio.h>
#include <string.h>

#include "../lib/strbuf.h"
#include "unit-internal.h"

#define VALID_CHARS "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ:-_.\\"

static const char *const unit_type_names[_UNIT_TYPE_MAX] = {
        [UNIT_SERVICE] = "service", [UNIT_SOCKET] = "socket", [UNIT_TARGET] = "target",
        [UNIT_TIMER] = "timer",     [UNIT_PATH] = "path",     [UNIT_MOUNT] = "mount",
        [UNIT_AUTOMOUNT] = "automount", [UNIT_SWAP] = "swap", [UNIT_SLICE] = "slice",
        [UNIT_SCOPE] = "scope",     [UNIT_DEVICE] = "device",
};

const char *unit_type_to_string(UnitType t) {
        return t >= 0 && t < _UNIT_TYPE_MAX ? unit_type_names[t] : NULL;
}

static UnitType unit_type_from_suffix(const char *s) {
        for (int t = 0; t < _UNIT_TYPE_MAX; t++)
                if (streq(unit_type_names[t], s))
                        return (UnitType) t;
        return _UNIT_TYPE_INVALID;
}

UnitType unit_type_from_name(const char *name) {
        const char *dot = name ? strrchr(name, '.') : NULL;
        return dot ? unit_type_from_suffix(dot + 1) : _UNIT_TYPE_INVALID;
}

/* Returns the position of the first '@' (NULL if none) when name is valid. */
static bool unit_name_parse(const char *name, const char **ret_at, const char **ret_dot) {
        if (!name)
                return false;
        size_t n = strlen(name);
        if (n == 0 || n > UNIT_NAME_MAX)
                return false;
        const char *dot = strrchr(name, '.');
        if (!dot || dot == name || unit_type_from_suffix(dot + 1) < 0)
                return false;
        const char *at = NULL;
        for (const char *p = name; p < dot; p++) {
                if (*p == '@' && !at)
                        at = p;
                else if (!strchr(VALID_CHARS "@", *p) || *p == 0)
                        return false;
        }
        if (at == name)
                return false;
        *ret_at = at;
        *ret_dot = dot;
        return true;
}

bool unit_name_is_valid(const char *name) {
        const char *at, *dot;
        return unit_name_parse(name, &at, &dot);
}

bool unit_name_is_template(const char *name) {
        const char *at, *dot;
        return unit_name_parse(name, &at, &dot) && at && at + 1 == dot;
}

bool unit_name_is_instance(const char *name) {
        const char *at, *dot;
        return unit_name_parse(name, &at, &dot) && at && at + 1 < dot;
}

bool unit_instance_is_valid(const char *s) {
        if (isempty(s) || strlen(s) > UNIT_NAME_MAX)
                return false;
        for (; *s; s++)
                if (!strchr(VALID_CHARS "@", *s))
                        return false;
        return true;
}

char *unit_name_complete(const char *name) {
        if (isempty(name))
                return NULL;
        char *r;
        if (unit_type_from_name(name) >= 0)
                r = strdup(name);
        else if (asprintf(&r, "%s.service", name) < 0)
                r = NULL;
        if (r && !unit_name_is_valid(r)) {
                free(r);
                return NULL;
        }
        return r;
}

char *unit_name_template_of(const char *name) {
        const char *at, *dot;
        if (!unit_name_parse(name, &at, &dot) || !at || at + 1 == dot)
                return NULL;
        char *r;
        if (asprintf(&r, "%.*s@%s", (int) (at - name), name, dot) < 0)
                return NULL;
        return r;
}

char *unit_name_instantiate(const char *template_name, const char *instance) {
        if (!unit_name_is_template(template_name) || !unit_instance_is_valid(instance))
                return NULL;
        const char *at = strchr(template_name, '@');
        char *r;
        if (asprintf(&r, "%.*s@%s%s", (int) (at - template_name), template_name, instance, at + 1) < 0)
                return NULL;
        if (!unit_name_is_valid(r)) {
                free(r);
                return NULL;
        }
        return r;
}

char *unit_name_prefix(const char *name) {
        const char *at, *dot;
        if (!unit_name_parse(name, &at, &dot))
                return NULL;
        return strndup(name, (size_t) ((at ? at : dot) - name));
}

int unit_name_instance(const char *name, char **ret) {
        const char *at, *dot;
        *ret = NULL;
        if (!unit_name_parse(name, &at, &dot))
                return -EINVAL;
        if (!at || at + 1 == dot)
                return 0;
        *ret = strndup(at + 1, (size_t) (dot - at - 1));
        return *ret ? 1 : -ENOMEM;
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

char *unit_name_unescape(const char *s) {
        StrBuf b = {};
        for (; *s; s++) {
                int h, l;
                if (*s == '-')
                        strbuf_putc(&b, '/');
                else if (s[0] == '\\' && s[1] == 'x' && (h = unhex(s[2])) >= 0 && (l = unhex(s[3])) >= 0 &&
                         (h || l)) {
                        strbuf_putc(&b, (char) (h << 4 | l));
                        s += 3;
                } else
                        strbuf_putc(&b, *s);
        }
        return strbuf_steal(&b);
}

char *unit_name_path_unescape(const char *s) {
        if (isempty(s) || streq(s, "-"))
                return strdup("/");
        _cleanup_free_ char *u = unit_name_unescape(s);
        if (!u)
                return NULL;
        char *r;
        if (asprintf(&r, "%s%s", u[0] == '/' ? "" : "/", u) < 0)
                return NULL;
        return r;
}

char *unit_name_for_dependency(const UnitFile *u, const char *word, bool *invalid) {
        *invalid = false;
        _cleanup_free_ char *n = unit_name_complete(word);
        if (!n) {
                *invalid = true;
                return NULL;
        }
        if (!unit_name_is_template(n))
                return TAKE_PTR(n);
        /* A template named as a dependency gets the depending unit's
         * instance, or its prefix when it has none (systemd does so). */
        _cleanup_free_ char *prefix = NULL;
        const char *inst = u ? u->instance : NULL;
        if (!inst && u) {
                prefix = unit_name_prefix(u->id ? u->id : u->name);
                inst = prefix;
        }
        char *r = inst ? unit_name_instantiate(n, inst) : NULL;
        if (!r)
                *invalid = true;
        return r;
}
