/* superctl — the client. main() parses options and dispatches verbs; the
 * verbs that only forward to the daemon are rows of one table. Invoked as
 * `systemctl` it behaves the same (SPEC 2). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strv.h"
#include "lib/timespan.h"
#include "superctl.h"

Options arg;

static void help(void) {
        printf("superctl [OPTIONS...] COMMAND ...\n\n"
               "Control the superd service manager.\n\n"
               "Unit commands:\n"
               "  start UNIT...            Start (activate) units, wait for the job\n"
               "  stop UNIT...             Stop units\n"
               "  restart UNIT...          Stop then start units\n"
               "  try-restart UNIT...      Restart units that are running\n"
               "  reload UNIT...           Reload units (ExecReload=)\n"
               "  reload-or-restart UNIT...\n"
               "  kill UNIT...             Send a signal (-s SIG, --kill-whom=main|all)\n"
               "  status [UNIT...]         Show runtime status\n"
               "  show [UNIT...]           Show properties (-p NAME, --value)\n"
               "  cat UNIT...              Show unit files\n"
               "  is-active UNIT...        Exit 0 if any unit is active\n"
               "  is-failed UNIT...        Exit 0 if any unit has failed\n"
               "  reset-failed [UNIT...]   Forget failed state and start-limit counters\n"
               "  list-units [PATTERN...]  List loaded units (--all, --type=, --state=)\n"
               "  list-sockets [PATTERN...] List listening sockets, what they activate, connection counts\n"
               "  import-xinetd FILE|DIR... Translate xinetd configuration to .socket/.service units\n"
               "  import-inetd FILE        Translate an inetd.conf to .socket/.service units\n"
               "     --write DIR           With import-*: write the units to DIR instead of printing them\n"
               "  list-unit-files          List installed unit files\n"
               "  list-dependencies [UNIT] Show what a unit pulls in (--reverse: what pulls it in)\n"
               "  verify FILE...           Check unit files, no daemon needed\n\n"
               "Unit file commands:\n"
               "  enable [--now] UNIT...   Make the links of [Install] (--now: start too)\n"
               "  disable [--now] UNIT...  Remove the links to units (--now: stop too)\n"
               "  reenable UNIT...         Disable, then enable units\n"
               "  mask [--now] UNIT...     Link units to /dev/null so they cannot start\n"
               "  unmask UNIT...           Remove those links\n"
               "  is-enabled UNIT...       Show the unit file state, exit 0 if enabled\n"
               "  get-default              Show the default target\n"
               "  set-default TARGET       Set the default target\n\n"
               "Manager commands:\n"
               "  daemon-reload            Reload configuration and unit files\n"
               "  daemon-reexec            Execute the superd binary on disk again, keeping\n"
               "                           every service and socket (live upgrade)\n"
               "  exit                     Stop every unit and exit the daemon\n\n"
               "Options:\n"
               "  -h --help                Show this help\n"
               "     --version             Show the version\n"
               "     --root DIR            Talk to the instance under DIR\n"
               "     --user                Talk to the user's instance\n"
               "     --no-block            Do not wait for jobs\n"
               "  -o --output=json|json-pretty\n"
               "  -p --property=NAME       With show: only these properties\n"
               "     --value               With show: values only\n"
               "  -a --all                 With list-units: inactive units too\n"
               "  -t --type=TYPE  --state=STATE  -s --signal=SIG  -q --quiet\n"
               "     --no-pager --no-legend\n\n"
               "Exit codes: 0 ok, 1 failure, 3 not active, 4 no such unit, 5 not loaded.\n");
}

static int add_list(char ***l, const char *v) {
        _cleanup_strv_free_ char **parts = strv_split(v, ",");
        return parts ? strv_extend_strv(l, parts) : -ENOMEM;
}

static int parse_argv(int argc, char **argv) {
        enum { ARG_VERSION = 0x100, ARG_ROOT, ARG_USER, ARG_SYSTEM, ARG_NO_BLOCK, ARG_NO_PAGER,
               ARG_NO_LEGEND, ARG_VALUE, ARG_STATE, ARG_KILL_WHOM, ARG_NOW, ARG_JSON, ARG_REVERSE, ARG_WRITE };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, ARG_VERSION },
                { "root", required_argument, NULL, ARG_ROOT }, { "user", no_argument, NULL, ARG_USER },
                { "system", no_argument, NULL, ARG_SYSTEM }, { "no-block", no_argument, NULL, ARG_NO_BLOCK },
                { "no-pager", no_argument, NULL, ARG_NO_PAGER }, { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                { "output", required_argument, NULL, 'o' }, { "json", required_argument, NULL, ARG_JSON },
                { "property", required_argument, NULL, 'p' }, { "value", no_argument, NULL, ARG_VALUE },
                { "all", no_argument, NULL, 'a' }, { "type", required_argument, NULL, 't' },
                { "state", required_argument, NULL, ARG_STATE }, { "signal", required_argument, NULL, 's' },
                { "kill-whom", required_argument, NULL, ARG_KILL_WHOM }, { "quiet", no_argument, NULL, 'q' },
                { "now", no_argument, NULL, ARG_NOW }, { "reverse", no_argument, NULL, ARG_REVERSE },
                { "write", required_argument, NULL, ARG_WRITE }, { "full", no_argument, NULL, 'l' },
                {}
        };
        int c;
        while ((c = getopt_long(argc, argv, "ho:p:at:s:ql", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("superctl %s\n", SUPERD_VERSION);
                        return 0;
                case ARG_ROOT:
                        arg.root = optarg;
                        break;
                case ARG_USER:
                        arg.user = true;
                        break;
                case ARG_SYSTEM:
                        arg.user = false;
                        break;
                case ARG_NO_BLOCK:
                        arg.no_block = true;
                        break;
                case ARG_NO_PAGER:
                case 'l':
                        break;
                case ARG_NO_LEGEND:
                        arg.no_legend = true;
                        break;
                case 'o':
                case ARG_JSON:
                        if (streq(optarg, "json") || streq(optarg, "short"))
                                arg.output = OUTPUT_JSON;
                        else if (streq(optarg, "json-pretty") || streq(optarg, "pretty"))
                                arg.output = OUTPUT_JSON_PRETTY;
                        else if (!streq(optarg, "text")) {
                                fprintf(stderr, "Unknown output '%s'.\n", optarg);
                                return -EINVAL;
                        }
                        break;
                case 'p':
                        if (add_list(&arg.properties, optarg) < 0)
                                return -ENOMEM;
                        break;
                case ARG_VALUE:
                        arg.value = true;
                        break;
                case 'a':
                        arg.all = true;
                        break;
                case 't':
                        if (add_list(&arg.types, optarg) < 0)
                                return -ENOMEM;
                        break;
                case ARG_STATE:
                        if (add_list(&arg.states, optarg) < 0)
                                return -ENOMEM;
                        break;
                case 's':
                        arg.signal = optarg;
                        break;
                case ARG_KILL_WHOM:
                        arg.kill_whom = optarg;
                        break;
                case 'q':
                        arg.quiet = true;
                        break;
                case ARG_NOW:
                        arg.now = true;
                        break;
                case ARG_REVERSE:
                        arg.reverse = true;
                        break;
                case ARG_WRITE:
                        arg.write_dir = optarg;
                        break;
                default:
                        return -EINVAL;
                }
        return 1;
}

static int verb_forward_job(const char *verb, char **args) {
        if (!args || !*args) {
                fprintf(stderr, "Too few arguments: %s needs unit names.\n", verb);
                return EXIT_INVALIDARGUMENT;
        }
        char **req = NULL;
        if (arg.no_block)
                (void) strv_extend(&req, "--no-block");
        (void) strv_extend_strv(&req, args);
        int r = call_daemon(verb, req, NULL);
        strv_free(req);
        return r;
}

static int verb_kill(char **args) {
        char **req = NULL, buf[128];
        if (arg.signal) {
                if (parse_signal(arg.signal) <= 0) {
                        fprintf(stderr, "Invalid signal '%s'.\n", arg.signal);
                        return EXIT_INVALIDARGUMENT;
                }
                snprintf(buf, sizeof buf, "--signal=%s", arg.signal);
                (void) strv_extend(&req, buf);
        }
        if (arg.kill_whom) {
                snprintf(buf, sizeof buf, "--kill-whom=%s", arg.kill_whom);
                (void) strv_extend(&req, buf);
        }
        (void) strv_extend_strv(&req, args);
        int r = call_daemon("kill", req, NULL);
        strv_free(req);
        return r;
}

typedef struct Verb {
        const char *name;
        int (*run)(char **args);          /* client-side verb */
        bool job;                         /* forward as a job verb */
        bool forward;                     /* forward args as they are */
} Verb;

static const Verb verbs[] = {
        { "cat", NULL, false, true },
        { "daemon-reexec", NULL, false, true },
        { "daemon-reload", NULL, false, true },
        { "disable", verb_disable, false, false },
        { "enable", verb_enable, false, false },
        { "exit", NULL, false, true },
        { "get-default", verb_get_default, false, false },
        { "import-inetd", verb_import_inetd, false, false },
        { "import-xinetd", verb_import_xinetd, false, false },
        { "is-active", verb_is_active, false, false },
        { "is-enabled", verb_is_enabled, false, false },
        { "is-failed", verb_is_failed, false, false },
        { "kill", verb_kill, false, false },
        { "list-dependencies", verb_list_dependencies, false, false },
        { "list-unit-files", verb_list_unit_files, false, false },
        { "list-sockets", verb_list_sockets, false, false },
        { "list-units", verb_list_units, false, false },
        { "mask", verb_mask, false, false },
        { "reenable", verb_reenable, false, false },
        { "reload", NULL, true, false },
        { "reload-or-restart", NULL, true, false },
        { "reset-failed", NULL, false, true },
        { "restart", NULL, true, false },
        { "set-default", verb_set_default, false, false },
        { "show", verb_show, false, false },
        { "start", NULL, true, false },
        { "status", verb_status, false, false },
        { "stop", NULL, true, false },
        { "try-restart", NULL, true, false },
        { "unmask", verb_unmask, false, false },
        { "verify", verb_verify, false, false },
};

int main(int argc, char **argv) {
        const char *prog = strrchr(argv[0], '/');
        prog = prog ? prog + 1 : argv[0];
        if (streq(prog, "journalctl"))
                return logs_main(argc, argv);
        int li = logs_verb_index(argc, argv);
        if (li > 0) {
                memmove(argv + li, argv + li + 1, sizeof(char *) * (size_t) (argc - li));
                return logs_main(argc - 1, argv);
        }
        int r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_INVALIDARGUMENT : EXIT_OK;
        const char *name = optind < argc ? argv[optind] : "list-units";
        char **args = optind < argc ? argv + optind + 1 : argv + argc;
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                const Verb *v = &verbs[i];
                if (!streq(v->name, name))
                        continue;
                if (v->run)
                        return v->run(args);
                if (v->job)
                        return verb_forward_job(v->name, args);
                return call_daemon(v->name, args, NULL);
        }
        fprintf(stderr, "Unknown command verb '%s'.\n", name);
        return EXIT_INVALIDARGUMENT;
}
