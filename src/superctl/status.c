/* status.c — `superctl status`: systemctl's block per unit, built from the
 * unit's properties and its recent log lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control/protocol.h"
#include "lib/json.h"
#include "lib/strv.h"
#include "lib/timespan.h"
#include "superctl.h"

static const char *get(Record r, const char *key) {
        const char *v = control_record_get(r, key);
        return v ? v : "";
}

static void print_ago(Record r, const char *key) {
        char mono_key[128], span[64];
        snprintf(mono_key, sizeof mono_key, "%sMonotonic", key);
        const char *ts = get(r, key);
        unsigned long long mono = strtoull(get(r, mono_key), NULL, 10);
        if (!*ts || !mono)
                return;
        usec_t now = now_monotonic();
        usec_t d = now > mono ? now - mono : 0;
        d -= d % (d >= USEC_PER_SEC ? USEC_PER_SEC : USEC_PER_MSEC);
        printf(" since %s; %s ago", ts, format_timespan(span, sizeof span, d));
}

static const char *bullet_color(const char *active) {
        if (!use_color())
                return "";
        if (streq(active, "active") || streq(active, "reloading"))
                return "\033[0;1;32m";
        if (streq(active, "failed"))
                return "\033[0;1;31m";
        return "";
}

static void print_loaded(Record r) {
        const char *load = get(r, "LoadState"), *path = get(r, "FragmentPath");
        const char *ufs = get(r, "UnitFileState");
        if (streq(load, "loaded") && *path)
                printf("     Loaded: loaded (%s; %s)\n", path, *ufs ? ufs : "static");
        else if (streq(load, "loaded"))
                printf("     Loaded: loaded\n");
        else if (streq(load, "bad-setting"))
                printf("     Loaded: bad-setting (Reason: Unit %s has a bad unit file setting.)\n", get(r, "Id"));
        else if (streq(load, "masked"))
                printf("     Loaded: masked (Reason: Unit %s is masked.)\n", get(r, "Id"));
        else
                printf("     Loaded: %s%s%s\n", load, *get(r, "LoadError") ? " (Reason: " : "",
                       *get(r, "LoadError") ? "see below)" : "");
        const char *dropins = get(r, "DropInPaths");
        if (*dropins)
                printf("    Drop-In: %s\n", dropins);
}

static const char *exit_description(int code, int status, char *buf, size_t size) {
        /* code: CLD_EXITED 1, CLD_KILLED 2, CLD_DUMPED 3 */
        if (code == 1)
                snprintf(buf, size, "code=exited, status=%d/%s", status,
                         status == 0 ? "SUCCESS" : status == 203 ? "EXEC" : status == 200 ? "CHDIR"
                         : status == 217 ? "USER" : status == 216 ? "GROUP" : "FAILURE");
        else
                snprintf(buf, size, "code=%s, signal=%s", code == 3 ? "dumped" : "killed",
                         signal_to_string(status));
        return buf;
}

/* The command of pid in a "Processes" list ("  PID cmdline" lines). */
static void main_comm(const char *procs, int pid, char *buf, size_t size) {
        for (const char *l = procs; l && *l;) {
                int p = 0, off = 0;
                if (sscanf(l, " %d %n", &p, &off) >= 1 && p == pid && off > 0) {
                        size_t n = strcspn(l + off, " \n");
                        snprintf(buf, size, "%.*s", (int) MIN(n, size - 1), l + off);
                        return;
                }
                l = strchr(l, '\n');
                l = l ? l + 1 : NULL;
        }
}

/* Socket units, as systemctl shows them: Triggers, Listen, the counters. */
static void print_socket(Record r) {
        if (!*get(r, "Listen"))
                return;
        if (*get(r, "Triggers"))
                printf("   Triggers: %s\n", get(r, "Triggers"));
        else if (*get(r, "Builtin"))
                printf("    Builtin: %s\n", get(r, "Builtin"));
        _cleanup_strv_free_ char **lines = strv_split(get(r, "Listen"), "\n");
        STRV_FOREACH(l, lines) {
                const char *sp = strchr(*l, ' ');
                if (sp)
                        printf("     Listen: %s (%.*s)\n", sp + 1, (int) (sp - *l - 6), *l + 6);
        }
        printf("   Accepted: %s; Connected: %s; Refused: %s\n", get(r, "NAccepted"), get(r, "NConnections"),
               get(r, "NRefused"));
}

static void print_active(Record r) {
        const char *active = get(r, "ActiveState"), *sub = get(r, "SubState"), *result = get(r, "Result");
        printf("     Active: %s%s%s", bullet_color(active), active, use_color() && *bullet_color(active) ? "\033[0m" : "");
        /* Like systemctl: "failed (Result: x)", not "failed (failed) (Result: x)". */
        if (*sub && !streq(sub, active))
                printf(" (%s)", sub);
        if (streq(active, "failed") && *result)
                printf(" (Result: %s)", result);
        const char *key = streq(active, "active") || streq(active, "reloading") ? "ActiveEnterTimestamp"
                          : streq(active, "inactive") || streq(active, "failed") ? "InactiveEnterTimestamp"
                                                                                 : "StateChangeTimestamp";
        print_ago(r, key);
        putchar('\n');
        const char *main_pid = get(r, "MainPID"), *exec_pid = get(r, "ExecMainPID");
        char desc[128];
        if (atoi(main_pid) > 0) {
                char comm[64] = "";
                main_comm(get(r, "Processes"), atoi(main_pid), comm, sizeof comm);
                const char *slash = strrchr(comm, '/');
                printf("   Main PID: %s (%s)\n", main_pid, slash ? slash + 1 : comm);
        } else if (atoi(exec_pid) > 0 && atoi(get(r, "ExecMainCode")) > 0)
                printf("   Main PID: %s (%s)\n", exec_pid,
                       exit_description(atoi(get(r, "ExecMainCode")), atoi(get(r, "ExecMainStatus")), desc,
                                        sizeof desc));
        if (*get(r, "StatusText"))
                printf("     Status: \"%s\"\n", get(r, "StatusText"));
        print_socket(r);
}

static void print_processes(Record r) {
        if (*get(r, "TasksCurrent"))
                printf("      Tasks: %s\n", get(r, "TasksCurrent"));
        unsigned long long mem = strtoull(get(r, "MemoryCurrent"), NULL, 10);
        if (mem)
                printf("     Memory: %.1fM\n", (double) mem / (1024.0 * 1024.0));
        const char *procs = get(r, "Processes"), *cg = get(r, "ControlGroup");
        if (*cg)
                printf("     CGroup: %s\n", cg);
        if (*procs) {
                _cleanup_strv_free_ char **lines = strv_split(procs, "\n");
                size_t n = strv_length(lines);
                for (size_t i = 0; i < n; i++) {
                        size_t depth = strspn(lines[i], " ") / 2;
                        /* Last among its siblings: no later line at the same depth before a shallower one. */
                        bool last = true;
                        for (size_t j = i + 1; j < n; j++) {
                                size_t d = strspn(lines[j], " ") / 2;
                                if (d < depth)
                                        break;
                                if (d == depth) {
                                        last = false;
                                        break;
                                }
                        }
                        printf("%s", i == 0 && !*cg ? "  Processes: " : "             ");
                        for (size_t k = 0; k < depth; k++)
                                printf("  ");
                        printf("%s─%s\n", last ? "└" : "├", lines[i] + depth * 2);
                }
        }
        if (*get(r, "UnenforcedSettings"))
                printf(" Unenforced: %s\n", get(r, "UnenforcedSettings"));
}

static int print_status_one(Record r) {
        const char *id = get(r, "Id"), *load = get(r, "LoadState"), *active = get(r, "ActiveState");
        if (streq(load, "not-found") && streq(active, "inactive")) {
                fprintf(stderr, "Unit %s could not be found.\n", id);
                return EXIT_NOSUCHUNIT;
        }
        const char *color = bullet_color(active);
        printf("%s●%s %s - %s\n", color, *color ? "\033[0m" : "", id, get(r, "Description"));
        print_loaded(r);
        if (*get(r, "LoadError"))
                printf("      Error: %s\n", get(r, "LoadError"));
        print_active(r);
        print_processes(r);
        const char *log = get(r, "LastLogLines");
        if (*log)
                printf("\n%s\n", log);
        return streq(active, "active") || streq(active, "reloading") ? EXIT_OK : EXIT_NOTACTIVE;
}

int verb_status(char **args) {
        Record *recs = NULL;
        char **req = NULL;
        (void) strv_extend(&req, "--log");
        STRV_FOREACH(a, args)
                if (**a != '-')
                        (void) strv_extend(&req, *a);
        if (strv_length(req) == 1) {
                strv_free(req);
                return verb_list_units(NULL);
        }
        int code = fetch_records("show", req, &recs);
        strv_free(req);
        if (arg.output != OUTPUT_TEXT) {
                StrBuf b = {};
                strbuf_putc(&b, '[');
                for (size_t i = 0; recs && recs[i]; i++) {
                        strbuf_puts(&b, i ? "," : "");
                        print_record_json(&b, recs[i], arg.output == OUTPUT_JSON_PRETTY, "");
                }
                strbuf_puts(&b, "]\n");
                fwrite(b.data, 1, b.len, stdout);
                strbuf_done(&b);
        }
        int worst = code;
        for (size_t i = 0; recs && recs[i]; i++) {
                int r;
                if (arg.output == OUTPUT_TEXT) {
                        if (i > 0)
                                putchar('\n');
                        r = print_status_one(recs[i]);
                } else {
                        const char *a = get(recs[i], "ActiveState");
                        r = streq(get(recs[i], "LoadState"), "not-found") && streq(a, "inactive") ? EXIT_NOSUCHUNIT
                            : streq(a, "active") || streq(a, "reloading")                       ? EXIT_OK
                                                                                                 : EXIT_NOTACTIVE;
                }
                worst = MAX(worst, r);
        }
        records_free(recs);
        return worst;
}
