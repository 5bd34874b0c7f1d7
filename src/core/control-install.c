/* control-install.c — the install verbs in the daemon (control-install.h).
 * The links themselves are made by src/unit/unit-install.c, on the
 * instance's search path. */
#include <stdlib.h>
#include <string.h>

#include "control-install.h"
#include "control-server.h"
#include "control/protocol.h"
#include "lib/log.h"
#include "lib/strv.h"
#include "manager.h"
#include "unit/unit-install.h"

#define INSTALL_EXIT_FAILURE 1 /* SPEC 8 */

/* Unit names among args (options start with '-'). */
static char **unit_args(char **args) {
        char **l = NULL;
        STRV_FOREACH(a, args)
                if (**a != '-' && strv_extend(&l, *a) < 0) {
                        strv_free(l);
                        return NULL;
                }
        return l;
}

/* Sends the changes as records, logs them, and reloads the manager's view
 * of the unit files when a link changed. */
static void install_answer(ControlConn *c, const char *verb, InstallChanges *ch, int r) {
        for (size_t i = 0; i < ch->n; i++) {
                const InstallChange *e = &ch->changes[i];
                control_record_add(&c->out_text, "Type", install_change_type_to_string(e->type));
                control_record_add(&c->out_text, "Path", e->path);
                if (e->target)
                        control_record_add(&c->out_text, "Target", e->target);
                control_record_end(&c->out_text);
                if (e->type == INSTALL_CHANGE_CREATED || e->type == INSTALL_CHANGE_REMOVED) {
                        _cleanup_free_ char *line = install_change_format(e);
                        if (line)
                                log_info("%s", line);
                }
        }
        if (r == -ENOMEM)
                control_conn_errorf(c, INSTALL_EXIT_FAILURE, "Failed to %s unit: %s", verb, strerror(-r));
        else if (r < 0 && c->code < INSTALL_EXIT_FAILURE)
                c->code = INSTALL_EXIT_FAILURE;
        if (install_changes_modified(ch)) {
                int k = manager_reload(c->manager);
                if (k < 0)
                        log_warning_errno(k, "Failed to reload after %s, ignoring: %m", verb);
        }
}

typedef int (*InstallOp)(const UnitLoadContext *ctx, char **names, InstallChanges *changes);

/* Install verbs change the search directories they read (reenable reads
 * after it wrote), so they ask the disk rather than the manager's index. */
static UnitLoadContext disk_ctx(const Manager *m) {
        UnitLoadContext ctx = m->load_ctx;
        ctx.path_index = NULL;
        return ctx;
}

/* Runs op (then `then`, for reenable) on the unit names of args. */
static bool install_verb(ControlConn *c, char **args, const char *verb, InstallOp op, InstallOp then) {
        _cleanup_strv_free_ char **names = unit_args(args);
        if (!names) {
                control_conn_errorf(c, INSTALL_EXIT_FAILURE, "Too few arguments: %s needs unit names.", verb);
                return true;
        }
        InstallChanges ch = {};
        UnitLoadContext ctx = disk_ctx(c->manager);
        int r = op(&ctx, names, &ch);
        if (then && r != -ENOMEM) {
                int k = then(&ctx, names, &ch);
                if (r >= 0 || k == -ENOMEM)
                        r = k;
        }
        install_answer(c, verb, &ch, r);
        install_changes_done(&ch);
        return true;
}

bool control_verb_enable(ControlConn *c, char **args) {
        return install_verb(c, args, "enable", unit_install_enable, NULL);
}

bool control_verb_disable(ControlConn *c, char **args) {
        return install_verb(c, args, "disable", unit_install_disable, NULL);
}

bool control_verb_reenable(ControlConn *c, char **args) {
        return install_verb(c, args, "reenable", unit_install_disable, unit_install_enable);
}

bool control_verb_mask(ControlConn *c, char **args) {
        return install_verb(c, args, "mask", unit_install_mask, NULL);
}

bool control_verb_unmask(ControlConn *c, char **args) {
        return install_verb(c, args, "unmask", unit_install_unmask, NULL);
}

bool control_verb_set_default(ControlConn *c, char **args) {
        if (strv_length(args) != 1) {
                control_conn_errorf(c, INSTALL_EXIT_FAILURE, "set-default needs exactly one target name.");
                return true;
        }
        InstallChanges ch = {};
        UnitLoadContext ctx = disk_ctx(c->manager);
        int r = unit_install_set_default(&ctx, args[0], &ch);
        install_answer(c, "set default", &ch, r);
        install_changes_done(&ch);
        return true;
}

bool control_verb_is_enabled(ControlConn *c, char **args) {
        UnitLoadContext ctx = disk_ctx(c->manager);
        STRV_FOREACH(a, args) {
                if (**a == '-')
                        continue;
                UnitFileState s;
                int r = unit_file_get_state(&ctx, *a, &s);
                if (r < 0 && r != -ENOENT) {
                        control_conn_errorf(c, INSTALL_EXIT_FAILURE, "Failed to get unit file state for %s: %s", *a,
                                            r == -EINVAL ? "Invalid unit name" : strerror(-r));
                        continue;
                }
                control_record_add(&c->out_text, "UnitFile", *a);
                control_record_add(&c->out_text, "State", r < 0 ? "not-found" : unit_file_state_to_string(s));
                control_record_end(&c->out_text);
        }
        return true;
}

bool control_verb_get_default(ControlConn *c, char **args) {
        Manager *m = c->manager;
        _cleanup_free_ char *name = NULL;
        const char *d = m->config.default_target;
        if (!d) {
                UnitLoadContext ctx = disk_ctx(m);
                int r = unit_install_get_default(&ctx, &name);
                if (r == -ENOMEM) {
                        control_conn_errorf(c, INSTALL_EXIT_FAILURE, "Failed to get default target: %s", strerror(-r));
                        return true;
                }
                d = r >= 0 ? name : "multi-user.target";
        }
        strbuf_printf(&c->out_text, "%s\n", d);
        return true;
}
