/* install.c — enable, disable, reenable, mask, unmask, set-default,
 * get-default and is-enabled. The daemon makes the links (it knows the
 * instance's search path) and answers one record per change, which we print
 * on stderr as systemctl does; --now then queues start or stop jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/protocol.h"
#include "lib/strv.h"
#include "superctl.h"
#include "unit/unit-install.h"

static void print_change(Record r) {
        InstallChange c = {
                .type = install_change_type_from_string(control_record_get(r, "Type")),
                .path = (char *) control_record_get(r, "Path"),
                .target = (char *) control_record_get(r, "Target"),
        };
        if (c.type < 0 || !c.path)
                return;
        if (arg.quiet && c.type != INSTALL_CHANGE_ERROR)
                return;
        _cleanup_free_ char *line = install_change_format(&c);
        if (line)
                fprintf(stderr, "%s\n", line);
}

static int too_few(const char *verb) {
        fprintf(stderr, "Too few arguments: %s needs unit names.\n", verb);
        return EXIT_INVALIDARGUMENT;
}

/* start/stop for --now, waiting unless --no-block. */
static int now_job(const char *verb, char **names) {
        _cleanup_strv_free_ char **req = NULL;
        if ((arg.no_block && strv_extend(&req, "--no-block") < 0) || strv_extend_strv(&req, names) < 0) {
                fprintf(stderr, "Out of memory.\n");
                return EXIT_FAIL;
        }
        return call_daemon(verb, req, NULL);
}

static int install_call(const char *verb, char **args, const char *now_verb) {
        if (!args || !*args)
                return too_few(verb);
        Record *recs = NULL;
        int code = fetch_records(verb, args, &recs);
        for (size_t i = 0; recs && recs[i]; i++)
                print_change(recs[i]);
        records_free(recs);
        if (code == EXIT_OK && arg.now && now_verb)
                code = now_job(now_verb, args);
        return code;
}

int verb_enable(char **args) {
        return install_call("enable", args, "start");
}

int verb_disable(char **args) {
        return install_call("disable", args, "stop");
}

int verb_reenable(char **args) {
        return install_call("reenable", args, "restart");
}

int verb_mask(char **args) {
        return install_call("mask", args, "stop");
}

int verb_unmask(char **args) {
        return install_call("unmask", args, NULL);
}

int verb_set_default(char **args) {
        if (strv_length(args) != 1) {
                fprintf(stderr, "%s\n", args && *args ? "Too many arguments: set-default takes one target."
                                                       : "Too few arguments: set-default needs a target.");
                return EXIT_INVALIDARGUMENT;
        }
        return install_call("set-default", args, NULL);
}

int verb_get_default(char **args) {
        return call_daemon("get-default", NULL, NULL);
}

/* systemctl's table: these states exit 0. */
static bool state_is_enabled(const char *s) {
        static const char *const ok[] = { "enabled", "enabled-runtime", "static", "alias", "indirect", "generated",
                                          "transient" };
        for (size_t i = 0; s && i < ELEMENTSOF(ok); i++)
                if (streq(s, ok[i]))
                        return true;
        return false;
}

int verb_is_enabled(char **args) {
        if (!args || !*args)
                return too_few("is-enabled");
        Record *recs = NULL;
        int code = fetch_records("is-enabled", args, &recs);
        bool enabled = false, not_found = false;
        for (size_t i = 0; recs && recs[i]; i++) {
                const char *s = control_record_get(recs[i], "State");
                if (!s)
                        continue;
                if (!arg.quiet)
                        printf("%s\n", s);
                enabled |= state_is_enabled(s);
                not_found |= streq(s, "not-found");
        }
        records_free(recs);
        if (enabled)
                return EXIT_OK;
        if (code != EXIT_OK)
                return code;
        return not_found ? EXIT_NOSUCHUNIT : EXIT_FAIL;
}
