/* unit-parse.c — from lexed lines to UnitSettings: section and key lookup,
 * the fail-closed rule, the unenforced-settings list, and the checks made
 * once every file of a unit has been read. */
#include <stdio.h>

#include "../lib/strv.h"
#include "../lib/timespan.h"
#include "unit-internal.h"

typedef struct ParseState {
        UnitFile *u;
        const UnitLoadContext *ctx;
        const UnitSettings *defaults;
        const ConfigSection *section; /* NULL: unknown, X- or no section yet */
} ParseState;

/* Assignments seen over all files of a unit: bounds the work a file can cause. */
static bool count_assignment(UnitFile *u, const char *path, unsigned line) {
        if (u->n_assignments == UNIT_ASSIGNMENTS_MAX)
                diag_add(&u->diag, DIAG_ERROR, path, line, "Too many assignments (limit %u), ignoring the rest.",
                         UNIT_ASSIGNMENTS_MAX);
        if (u->n_assignments <= UNIT_ASSIGNMENTS_MAX)
                u->n_assignments++;
        return u->n_assignments <= UNIT_ASSIGNMENTS_MAX;
}

static int on_section(void *userdata, const char *path, unsigned line, const char *name) {
        ParseState *ps = userdata;
        ps->section = unit_section_lookup(ps->u->type, name);
        if (!ps->section && !startswith(name, "X-"))
                diag_add(&ps->u->diag, DIAG_WARNING, path, line, "Unknown section '%.200s', ignoring.", name);
        return 0;
}

/* A fail-closed key did not parse: the unit must not run (SPEC 5). */
static void fail_closed(UnitFile *u, size_t n_before, const char *path, unsigned line, const char *key) {
        if (u->load_state != UNIT_LOADED && u->load_state != UNIT_BAD_SETTING)
                return;
        u->load_state = UNIT_BAD_SETTING;
        if (u->load_error)
                return;
        if (u->diag.n > n_before)
                u->load_error = strdup(u->diag.entries[u->diag.n - 1].text);
        else if (asprintf(&u->load_error, "%s:%u: Bad value for %s=, refusing.", path, line, key) < 0)
                u->load_error = NULL;
        if (!u->load_error)
                u->load_error = strdup("Bad setting.");
}

/* Does this value ask for something? "PrivateTmp=no" asks for nothing. */
static bool value_requests(const char *v) {
        return !isempty(v) && parse_boolean(v) != 0 && !streq(v, "default") && !streq(v, "auto") &&
               !streq(v, "infinity") && !streq(v, "all");
}

static int update_unenforced(UnitFile *u, const char *key, const char *value) {
        if (value_requests(value))
                return unit_settings_add_unenforced(&u->s, key);
        strv_remove(u->s.exec.unenforced, key);
        return 0;
}

static int on_assignment(void *userdata, const char *path, unsigned line, const char *section, const char *key,
                         const char *value) {
        ParseState *ps = userdata;
        UnitFile *u = ps->u;
        if (!ps->section || ps->section->accept_all || startswith(key, "X-") || !count_assignment(u, path, line))
                return 0;
        const ConfigKey *k = unit_key_lookup(ps->section, key);
        if (!k) {
                diag_add(&u->diag, DIAG_WARNING, path, line, "Unknown key '%.200s' in section [%s], ignoring.", key,
                         section);
                return 0;
        }
        bool field = k->offset != NO_FIELD;
        ConfigContext c = {
                .path = path, .line = line, .section = section, .key = k->key, .unit = u, .lctx = ps->ctx,
                .default_value = field ? (const char *) ps->defaults + k->offset : NULL,
                .size = k->size, .flags = k->flags,
        };
        size_t n_before = u->diag.n;
        int r = k->parser(&c, value, field ? (char *) &u->s + k->offset : NULL, k->ltype);
        if (r < 0)
                return r;
        if (r == 0 && (k->flags & KEY_FAIL_CLOSED))
                fail_closed(u, n_before, path, line, k->key);
        if (r > 0 && (k->flags & KEY_UNSUPPORTED) && value_requests(value))
                config_warn(&c, "%s= is not supported by superd, ignoring.", k->key);
        if (r > 0 && (k->flags & KEY_UNENFORCED))
                return update_unenforced(u, k->key, value);
        return 0;
}

int unit_parse_data(UnitFile *u, const UnitLoadContext *ctx, const char *path, const char *data, size_t size) {
        static const UnitLexCallbacks cb = { .section = on_section, .assignment = on_assignment };
        if (size > UNIT_FILE_SIZE_MAX) {
                diag_add(&u->diag, DIAG_ERROR, path, 0, "File too large (%zu bytes, limit %u), refusing.", size,
                         UNIT_FILE_SIZE_MAX);
                if (u->load_state == UNIT_LOADED || u->load_state == UNIT_BAD_SETTING) {
                        u->load_state = UNIT_ERROR;
                        free(u->load_error);
                        if (asprintf(&u->load_error, "%s: File too large, refusing.", path) < 0)
                                u->load_error = NULL;
                }
                return 0;
        }
        UnitSettings *defaults = malloc(sizeof(UnitSettings));
        if (!defaults)
                return -ENOMEM;
        unit_settings_init(defaults);
        ParseState ps = { .u = u, .ctx = ctx, .defaults = defaults };
        int r = unit_lex(path, data, size, &u->diag, &cb, &ps);
        free(defaults);
        return r;
}

static const char *unit_diag_path(const UnitFile *u) {
        return u->fragment_path ? u->fragment_path : u->name;
}

static void service_verify(UnitFile *u) {
        ServiceSettings *s = &u->s.service;
        const char *p = unit_diag_path(u);
        size_t n_start = s->exec[SERVICE_EXEC_START].n;
        bool success_action = u->s.success_action != UNIT_ACTION_NONE;

        if (!s->type_set)
                s->type = n_start > 0 ? SERVICE_SIMPLE : SERVICE_ONESHOT;
        if (s->type == SERVICE_NOTIFY && !s->notify_access_set)
                s->notify_access = NOTIFY_MAIN;
        if (n_start == 0 && s->exec[SERVICE_EXEC_STOP].n == 0 && !success_action)
                unit_mark_bad(u, p, 0, "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
        else if (s->type != SERVICE_ONESHOT && n_start == 0)
                unit_mark_bad(u, p, 0, "Service has no ExecStart= setting, which is only allowed for "
                                       "Type=oneshot services. Refusing.");
        else if (!s->remain_after_exit && n_start == 0 && !success_action)
                unit_mark_bad(u, p, 0, "Service has no ExecStart= and no SuccessAction= settings and does not "
                                       "have RemainAfterExit=yes set. Refusing.");
        else if (s->type != SERVICE_ONESHOT && n_start > 1)
                unit_mark_bad(u, p, 0, "Service has more than one ExecStart= setting, which is only allowed "
                                       "for Type=oneshot services. Refusing.");
        else if (s->type == SERVICE_ONESHOT &&
                 (s->restart == SERVICE_RESTART_ALWAYS || s->restart == SERVICE_RESTART_ON_SUCCESS))
                unit_mark_bad(u, p, 0, "Service has Restart= set to either always or on-success, which isn't "
                                       "allowed for Type=oneshot services. Refusing.");
        if (s->type == SERVICE_ONESHOT && s->runtime_max != USEC_INFINITY)
                diag_add(&u->diag, DIAG_WARNING, p, 0,
                         "RuntimeMaxSec= has no effect in combination with Type=oneshot, ignoring.");
}

static void exec_verify(UnitFile *u) {
        /* Until dynamic users exist, running such a unit as root would fail open. */
        if (u->s.exec.dynamic_user)
                unit_mark_bad(u, unit_diag_path(u), 0, "DynamicUser=yes is not supported yet, refusing.");
        if (u->s.exec.unenforced) {
                _cleanup_free_ char *list = strv_join(u->s.exec.unenforced, " ");
                diag_add(&u->diag, DIAG_WARNING, unit_diag_path(u), 0,
                         "Settings not enforced by superd, the unit runs without them: %s", strempty(list));
        }
}

static void socket_verify(UnitFile *u) {
        const SocketSettings *k = &u->s.socket;
        const char *p = unit_diag_path(u);
        bool stream = false;
        for (size_t i = 0; i < k->n_listen; i++)
                stream = stream || k->listen[i].type == SOCKET_LISTEN_STREAM ||
                         k->listen[i].type == SOCKET_LISTEN_SEQPACKET;
        if (k->n_listen == 0)
                unit_mark_bad(u, p, 0, "Socket unit lacks a Listen setting (ListenStream=, ListenDatagram=, "
                                       "ListenSequentialPacket=, ListenFIFO=). Refusing.");
        else if (k->accept && !stream && k->builtin == SOCKET_BUILTIN_NONE)
                unit_mark_bad(u, p, 0, "Unit configured for accepting sockets, but sockets are non-accepting. "
                                       "Refusing.");
        else if (k->accept && k->service)
                unit_mark_bad(u, p, 0, "Explicit service configuration for accepting socket units not "
                                       "supported. Refusing.");
        else if (k->builtin == SOCKET_BUILTIN_PROXY && !k->proxy_to)
                unit_mark_bad(u, p, 0, "Builtin=proxy needs ProxyTo=. Refusing.");
        if (k->proxy_to && k->builtin != SOCKET_BUILTIN_PROXY)
                diag_add(&u->diag, DIAG_WARNING, p, 0, "ProxyTo= has no effect without Builtin=proxy, ignoring.");
}

int unit_finalize(UnitFile *u) {
        if (u->load_state != UNIT_LOADED && u->load_state != UNIT_BAD_SETTING)
                return 0;
        switch (u->type) {
        case UNIT_SERVICE:
                service_verify(u);
                exec_verify(u);
                break;
        case UNIT_SOCKET:
                socket_verify(u);
                exec_verify(u);
                break;
        case UNIT_TARGET:
        case UNIT_TIMER:
        case UNIT_PATH:
                break;
        default:
                u->load_state = UNIT_ERROR;
                free(u->load_error);
                if (asprintf(&u->load_error, "Unit type %s is not supported by superd.",
                             strempty(unit_type_to_string(u->type))) < 0)
                        u->load_error = NULL;
                diag_add(&u->diag, DIAG_ERROR, unit_diag_path(u), 0, "Unit type %s is not supported by superd.",
                         strempty(unit_type_to_string(u->type)));
                break;
        }
        return 0;
}
