/* show.c — show, is-active, is-failed and JSON output of records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/protocol.h"
#include "lib/json.h"
#include "lib/strv.h"
#include "superctl.h"

static bool property_wanted(const char *kv) {
        if (!arg.properties)
                return true;
        size_t kl = strcspn(kv, "=");
        STRV_FOREACH(p, arg.properties)
                if (strlen(*p) == kl && strncmp(*p, kv, kl) == 0)
                        return true;
        return false;
}

void print_record_json(StrBuf *b, Record r, bool pretty, const char *indent) {
        strbuf_putc(b, '{');
        bool first = true;
        STRV_FOREACH(kv, r) {
                if (!property_wanted(*kv))
                        continue;
                size_t kl = strcspn(*kv, "=");
                _cleanup_free_ char *key = strndup(*kv, kl);
                strbuf_puts(b, first ? "" : ",");
                if (pretty)
                        strbuf_printf(b, "\n%s  ", indent);
                json_append_string(b, key);
                strbuf_puts(b, pretty ? ": " : ":");
                json_append_string(b, (*kv)[kl] ? *kv + kl + 1 : "");
                first = false;
        }
        if (pretty && !first)
                strbuf_printf(b, "\n%s", indent);
        strbuf_putc(b, '}');
}

static void print_records_json(Record *recs) {
        StrBuf b = {};
        bool pretty = arg.output == OUTPUT_JSON_PRETTY;
        strbuf_putc(&b, '[');
        for (size_t i = 0; recs && recs[i]; i++) {
                strbuf_puts(&b, i ? "," : "");
                if (pretty)
                        strbuf_puts(&b, "\n  ");
                print_record_json(&b, recs[i], pretty, pretty ? "  " : "");
        }
        strbuf_puts(&b, pretty ? "\n]\n" : "]\n");
        fwrite(b.data, 1, b.len, stdout);
        strbuf_done(&b);
}

int verb_show(char **args) {
        Record *recs = NULL;
        int code = fetch_records("show", args, &recs);
        if (arg.output != OUTPUT_TEXT)
                print_records_json(recs);
        else
                for (size_t i = 0; recs && recs[i]; i++) {
                        if (i > 0)
                                putchar('\n');
                        STRV_FOREACH(kv, recs[i]) {
                                if (!property_wanted(*kv))
                                        continue;
                                const char *eq = strchr(*kv, '=');
                                if (arg.value)
                                        puts(eq ? eq + 1 : "");
                                else
                                        puts(*kv);
                        }
                }
        records_free(recs);
        return code;
}

/* is-active / is-failed: print each state; exit 0 if any unit matches. */
static int check_state(char **args, bool (*match)(const char *state)) {
        if (!args || !*args) {
                fprintf(stderr, "Too few arguments.\n");
                return EXIT_INVALIDARGUMENT;
        }
        Record *recs = NULL;
        char **req = NULL;
        STRV_FOREACH(a, args)
                if (**a != '-')
                        (void) strv_extend(&req, *a);
        (void) fetch_records("show", req, &recs);
        strv_free(req);
        bool any = false;
        for (size_t i = 0; recs && recs[i]; i++) {
                const char *st = control_record_get(recs[i], "ActiveState");
                st = st ? st : "unknown";
                any |= match(st);
                if (!arg.quiet)
                        puts(st);
        }
        records_free(recs);
        return any ? EXIT_OK : EXIT_NOTACTIVE;
}

static bool is_active_state(const char *s) {
        return streq(s, "active") || streq(s, "reloading");
}

static bool is_failed_state(const char *s) {
        return streq(s, "failed");
}

int verb_is_active(char **args) {
        return check_state(args, is_active_state);
}

int verb_is_failed(char **args) {
        int r = check_state(args, is_failed_state);
        return r == EXIT_OK ? EXIT_OK : EXIT_FAIL;
}
