/* units.c — list-units and list-unit-files, as tables like systemctl's. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/protocol.h"
#include "lib/strv.h"
#include "superctl.h"

static const char *field(Record r, const char *key) {
        const char *v = control_record_get(r, key);
        return v ? v : "";
}

static bool type_matches(const char *id) {
        if (!arg.types)
                return true;
        const char *dot = strrchr(id, '.');
        return dot && strv_contains(arg.types, dot + 1);
}

static bool pattern_matches(char **patterns, const char *id) {
        bool any = false;
        STRV_FOREACH(p, patterns) {
                if (**p == '-')
                        continue;
                any = true;
                if (fnmatch(*p, id, 0) == 0)
                        return true;
        }
        return !any;
}

static bool unit_listed(Record r, char **patterns) {
        const char *id = field(r, "Id");
        if (!type_matches(id) || !pattern_matches(patterns, id))
                return false;
        if (arg.states) {
                return strv_contains(arg.states, field(r, "ActiveState")) ||
                       strv_contains(arg.states, field(r, "SubState")) ||
                       strv_contains(arg.states, field(r, "LoadState"));
        }
        /* Like systemctl: without --all, only what is active, failed or has a job. */
        return arg.all || !streq(field(r, "ActiveState"), "inactive") || *field(r, "Job");
}

static void print_json(Record *recs, bool (*keep)(Record, char **), char **patterns) {
        StrBuf b = {};
        bool first = true;
        strbuf_putc(&b, '[');
        for (size_t i = 0; recs && recs[i]; i++) {
                if (keep && !keep(recs[i], patterns))
                        continue;
                strbuf_puts(&b, first ? "" : ",");
                print_record_json(&b, recs[i], arg.output == OUTPUT_JSON_PRETTY, "");
                first = false;
        }
        strbuf_puts(&b, "]\n");
        fwrite(b.data, 1, b.len, stdout);
        strbuf_done(&b);
}

int verb_list_units(char **args) {
        Record *recs = NULL;
        int code = fetch_records("list-units", NULL, &recs);
        if (arg.output != OUTPUT_TEXT) {
                print_json(recs, unit_listed, args);
                records_free(recs);
                return code;
        }
        int w = 4;
        for (size_t i = 0; recs && recs[i]; i++)
                if (unit_listed(recs[i], args))
                        w = MAX(w, (int) strlen(field(recs[i], "Id")));
        if (!arg.no_legend)
                printf("  %-*s %-9s %-8s %-8s %s\n", w, "UNIT", "LOAD", "ACTIVE", "SUB", "DESCRIPTION");
        unsigned n = 0;
        bool color = use_color();
        for (size_t i = 0; recs && recs[i]; i++) {
                Record r = recs[i];
                if (!unit_listed(r, args))
                        continue;
                bool failed = streq(field(r, "ActiveState"), "failed");
                printf("%s %-*s %-9s %s%-8s%s %-8s %s\n", failed ? (color ? "\033[0;1;31m●\033[0m" : "●") : " ", w,
                       field(r, "Id"), field(r, "LoadState"), failed && color ? "\033[0;1;31m" : "",
                       field(r, "ActiveState"), failed && color ? "\033[0m" : "", field(r, "SubState"),
                       field(r, "Description"));
                n++;
        }
        if (!arg.no_legend)
                printf("\n%u loaded units listed.%s\n", n, arg.all ? "" : " Pass --all to see loaded but inactive units, too.");
        records_free(recs);
        return code;
}

static bool file_listed(Record r, char **patterns) {
        const char *name = field(r, "UnitFile");
        if (!type_matches(name) || !pattern_matches(patterns, name))
                return false;
        return !arg.states || strv_contains(arg.states, field(r, "State"));
}

int verb_list_unit_files(char **args) {
        Record *recs = NULL;
        int code = fetch_records("list-unit-files", NULL, &recs);
        if (arg.output != OUTPUT_TEXT) {
                print_json(recs, file_listed, args);
                records_free(recs);
                return code;
        }
        int w = 9;
        for (size_t i = 0; recs && recs[i]; i++)
                if (file_listed(recs[i], args))
                        w = MAX(w, (int) strlen(field(recs[i], "UnitFile")));
        if (!arg.no_legend)
                printf("%-*s STATE\n", w, "UNIT FILE");
        unsigned n = 0;
        for (size_t i = 0; recs && recs[i]; i++)
                if (file_listed(recs[i], args)) {
                        printf("%-*s %s\n", w, field(recs[i], "UnitFile"), field(recs[i], "State"));
                        n++;
                }
        if (!arg.no_legend)
                printf("\n%u unit files listed.\n", n);
        records_free(recs);
        return code;
}

/* list-dependencies: systemctl's tree, a bullet per unit coloured by state. */
int verb_list_dependencies(char **args) {
        Record *recs = NULL;
        char **req = NULL;
        if (arg.reverse)
                (void) strv_extend(&req, "--reverse");
        STRV_FOREACH(a, args)
                (void) strv_extend(&req, *a);
        int code = fetch_records("list-dependencies", req, &recs);
        strv_free(req);
        if (arg.output != OUTPUT_TEXT) {
                print_json(recs, NULL, NULL);
                records_free(recs);
                return code;
        }
        bool color = use_color(), last_at[64] = {};
        for (size_t i = 0; recs && recs[i]; i++) {
                Record r = recs[i];
                unsigned depth = (unsigned) atoi(field(r, "Depth"));
                const char *st = field(r, "ActiveState");
                if (depth == 0) {
                        printf("%s\n", field(r, "Id"));
                        continue;
                }
                if (depth >= ELEMENTSOF(last_at))
                        continue;
                last_at[depth] = streq(field(r, "Last"), "yes");
                const char *c = !color ? "" : streq(st, "active") ? "\033[0;1;32m" : streq(st, "failed") ? "\033[0;1;31m" : "";
                printf("%s●%s ", c, *c ? "\033[0m" : "");
                for (unsigned d = 1; d < depth; d++)
                        fputs(last_at[d] ? "  " : "│ ", stdout);
                printf("%s─%s\n", last_at[depth] ? "└" : "├", field(r, "Id"));
        }
        records_free(recs);
        return code;
}
