/* sockets.c — list-sockets: every listening port, its socket unit, what it
 * activates and the connection counters, as a table like systemctl's. */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "control/protocol.h"
#include "lib/strv.h"
#include "superctl.h"

static const char *field(Record r, const char *key) {
        const char *v = control_record_get(r, key);
        return v ? v : "";
}

static bool listed(Record r, char **patterns) {
        if (!patterns || !*patterns)
                return true;
        STRV_FOREACH(p, patterns)
                if (fnmatch(*p, field(r, "Unit"), 0) == 0 || fnmatch(*p, field(r, "Listen"), 0) == 0)
                        return true;
        return false;
}

int verb_list_sockets(char **args) {
        Record *recs = NULL;
        int code = fetch_records("list-sockets", NULL, &recs);
        if (arg.output != OUTPUT_TEXT) {
                StrBuf b = {};
                bool first = true;
                strbuf_putc(&b, '[');
                for (size_t i = 0; recs && recs[i]; i++)
                        if (listed(recs[i], args)) {
                                strbuf_puts(&b, first ? "" : ",");
                                print_record_json(&b, recs[i], arg.output == OUTPUT_JSON_PRETTY, "");
                                first = false;
                        }
                strbuf_puts(&b, "]\n");
                fwrite(b.data, 1, b.len, stdout);
                strbuf_done(&b);
                records_free(recs);
                return code;
        }
        int wl = 6, wu = 4, wa = 9;
        for (size_t i = 0; recs && recs[i]; i++)
                if (listed(recs[i], args)) {
                        wl = MAX(wl, (int) strlen(field(recs[i], "Listen")));
                        wu = MAX(wu, (int) strlen(field(recs[i], "Unit")));
                        wa = MAX(wa, (int) strlen(field(recs[i], "Activates")));
                }
        if (!arg.no_legend)
                printf("%-*s %-*s %-*s %8s %11s %7s\n", wl, "LISTEN", wu, "UNIT", wa, "ACTIVATES", "ACCEPTED",
                       "CONNECTIONS", "REFUSED");
        unsigned n = 0;
        for (size_t i = 0; recs && recs[i]; i++) {
                Record r = recs[i];
                if (!listed(r, args))
                        continue;
                printf("%-*s %-*s %-*s %8s %11s %7s\n", wl, field(r, "Listen"), wu, field(r, "Unit"), wa,
                       field(r, "Activates"), field(r, "Accepted"), field(r, "Connections"), field(r, "Refused"));
                n++;
        }
        if (!arg.no_legend)
                printf("\n%u sockets listed.\n", n);
        records_free(recs);
        return code;
}
