/* logs.c — `superctl logs` (and superctl invoked as journalctl): reads the
 * journal files directly with src/journal, so it works while superd is
 * down and on a copied folder (--directory). Flags and meanings follow
 * journalctl(1). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control/protocol.h"
#include "journal/journal.h"
#include "lib/strbuf.h"
#include "lib/strv.h"
#include "lib/timespan.h"
#include "superctl.h"

static const char *const value_options[] = {
        "--root", "-o", "--output", "-p", "--property", "-t", "--type", "--state", "-s", "--signal",
        "--kill-whom", "--json", NULL,
};

int logs_verb_index(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                if (strcmp(a, "--") == 0)
                        return i + 1 < argc && strcmp(argv[i + 1], "logs") == 0 ? -1 : -1;
                if (a[0] != '-')
                        return strcmp(a, "logs") == 0 ? i : -1;
                for (const char *const *v = value_options; *v; v++)
                        if (strcmp(a, *v) == 0) {
                                i++;
                                break;
                        }
        }
        return -1;
}

static char *path_cat(const char *a, const char *b) {
        char *p = malloc(strlen(a) + strlen(b) + 1);
        if (p) {
                strcpy(p, a);
                strcat(p, b);
        }
        return p;
}

static bool dir_exists(const char *p) {
        struct stat st;
        return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static const char *opt_root;
static bool opt_user;

char *logs_journal_dir(void) {
        const char *root = opt_root ? opt_root : arg.root;
        bool user = opt_user || arg.user;
        char *persistent, *volatile_;
        if (root) {
                persistent = path_cat(root, "/var/log/superd/journal");
                volatile_ = path_cat(root, "/run/superd/journal");
        } else if (user) {
                const char *st = getenv("XDG_STATE_HOME");
                const char *home = getenv("HOME");
                char buf[4096];
                if (st && *st)
                        snprintf(buf, sizeof buf, "%s/superd/journal", st);
                else
                        snprintf(buf, sizeof buf, "%s/.local/state/superd/journal", home ? home : "");
                persistent = strdup(buf);
                const char *rt = getenv("XDG_RUNTIME_DIR");
                snprintf(buf, sizeof buf, "%s/superd/journal", rt ? rt : "/run/user");
                volatile_ = strdup(buf);
        } else {
                persistent = strdup("/var/log/superd/journal");
                volatile_ = strdup("/run/superd/journal");
        }
        if (persistent && volatile_ && !dir_exists(persistent) && dir_exists(volatile_)) {
                free(persistent);
                return volatile_;
        }
        free(volatile_);
        return persistent;
}

typedef struct LogsOutput {
        JournalOutput mode;
        bool escape;
        char host[256];
        StrBuf buf;
        uint64_t count;
} LogsOutput;

static void out_flush(LogsOutput *o) {
        if (o->buf.len)
                (void) !fwrite(o->buf.data, 1, o->buf.len, stdout);
        strbuf_reset(&o->buf);
}

static int print_cb(const JournalEntry *e, void *userdata) {
        LogsOutput *o = userdata;
        journal_format_entry(&o->buf, e, o->mode, o->host, o->escape);
        o->count++;
        if (o->buf.len > 65536)
                out_flush(o);
        return 0;
}

static int follow_cb(const JournalEntry *e, void *userdata) {
        LogsOutput *o = userdata;
        print_cb(e, o);
        out_flush(o);
        return fflush(stdout) == EOF ? -EPIPE : 0;
}

static void verify_cb(const char *path, bool ok, const char *text, void *userdata) {
        fprintf(ok ? stdout : stderr, "%s: %s: %s\n", ok ? "PASS" : "FAIL", path, text);
}

/* True when the files are there but this user may not read them (the
 * system journal is root:adm 0640): then the daemon serves our entries. */
static bool journal_unreadable(const char *dir) {
        JournalFileInfo *a = NULL;
        size_t n = 0;
        int r = journal_dir_list(dir, &a, &n);
        if (r == -EACCES)
                return true;
        if (r < 0)
                return false;
        bool bad = false;
        for (size_t i = 0; i < n && !bad; i++)
                bad = access(a[i].path, R_OK) < 0 && errno == EACCES;
        journal_file_info_free(a, n);
        return bad;
}

static int unhex(const char *h, char **ret, size_t *ret_n) {
        size_t l = strlen(h);
        char *b = malloc(l / 2 + 1);
        if (!b)
                return -ENOMEM;
        for (size_t i = 0; i + 1 < l; i += 2) {
                unsigned v;
                if (sscanf(h + i, "%2x", &v) != 1) {
                        free(b);
                        return -EINVAL;
                }
                b[i / 2] = (char) v;
        }
        b[l / 2] = 0;
        *ret = b;
        *ret_n = l / 2;
        return 0;
}

static uint64_t rec_u64(Record r, const char *k) {
        const char *v = control_record_get(r, k);
        return v ? strtoull(v, NULL, 10) : 0;
}

static void req_addf(char ***req, const char *fmt, ...) _printf_(2, 3);
static void req_addf(char ***req, const char *fmt, ...) {
        char buf[4200];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        (void) strv_extend(req, buf);
}

/* The logs-read verb: the daemon runs the query with our uid as filter. */
static int logs_from_daemon(const JournalFilter *f, const char *grep, uint64_t lines, bool reverse,
                            LogsOutput *out) {
        char **req = NULL;
        for (char **u = f->units; u && *u; u++)
                req_addf(&req, "unit=%s", *u);
        req_addf(&req, "prio=%d %d", f->prio_min, f->prio_max);
        req_addf(&req, "since=%llu", (unsigned long long) f->since);
        req_addf(&req, "until=%llu", (unsigned long long) f->until);
        req_addf(&req, "lines=%llu", (unsigned long long) lines);
        if (reverse)
                (void) strv_extend(&req, "reverse=1");
        if (f->boot)
                (void) strv_extend(&req, "boot=1");
        if (grep)
                req_addf(&req, "grep=%s", grep);
        Record *recs = NULL;
        int code = fetch_records("logs-read", req, &recs);
        strv_free(req);
        for (size_t i = 0; recs && recs[i]; i++) {
                Record r = recs[i];
                JournalEntry e = {
                        .seqnum = rec_u64(r, "SEQNUM"), .realtime = rec_u64(r, "REALTIME"),
                        .monotonic = rec_u64(r, "MONOTONIC"), .pid = (uint32_t) rec_u64(r, "PID"),
                        .uid = (uint32_t) rec_u64(r, "UID"), .priority = (int) rec_u64(r, "PRIORITY"),
                        .facility = (int) rec_u64(r, "FACILITY"), .stream = (int) rec_u64(r, "STREAM"),
                };
                char *unit = NULL, *ident = NULL, *msg = NULL, *boot = NULL;
                size_t bl = 0;
                const char *v;
                if ((v = control_record_get(r, "BOOT")) && unhex(v, &boot, &bl) == 0 && bl == 16)
                        memcpy(e.boot_id, boot, 16);
                if ((v = control_record_get(r, "UNIT")))
                        (void) unhex(v, &unit, &e.unit_len);
                if ((v = control_record_get(r, "IDENT")))
                        (void) unhex(v, &ident, &e.ident_len);
                if ((v = control_record_get(r, "MESSAGE")))
                        (void) unhex(v, &msg, &e.message_len);
                e.unit = unit ? unit : "";
                e.ident = ident;
                e.message = msg ? msg : "";
                print_cb(&e, out);
                free(unit);
                free(ident);
                free(msg);
                free(boot);
        }
        control_records_free(recs);
        out_flush(out);
        return code;
}

static char *unit_complete(const char *u) {
        if (strchr(u, '.') || strcmp(u, "superd") == 0 || strcmp(u, "syslog") == 0)
                return strdup(u);
        return path_cat(u, ".service");
}

static void help(void) {
        printf("superctl logs [UNIT] [OPTIONS]\n\n"
               "  -u --unit=UNIT        Entries of this unit (repeatable)\n"
               "  -p --priority=PRIO    Entries of this priority or more urgent, or FROM..TO\n"
               "  -S --since=TIME  -U --until=TIME\n"
               "  -n --lines[=N]        The last N entries (default 10)\n"
               "  -f --follow  -r --reverse  -g --grep=REGEX  -b --boot\n"
               "  -o --output=short|short-iso|short-precise|json|json-pretty|cat|export\n"
               "     --disk-usage --vacuum-size=SIZE --vacuum-time=TIME --verify --sync\n"
               "  -D --directory=DIR    Read a journal folder\n"
               "     --root=DIR --user --no-pager\n");
}

int logs_main(int argc, char **argv) {
        enum { ARG_SINCE = 0x100, ARG_UNTIL, ARG_DISK_USAGE, ARG_VACUUM_SIZE, ARG_VACUUM_TIME, ARG_VERIFY, ARG_SYNC,
               ARG_NO_PAGER, ARG_ROOT, ARG_USER, ARG_SYSTEM, ARG_NO_HOSTNAME, ARG_UTC };
        static const struct option options[] = {
                { "unit", required_argument, NULL, 'u' },       { "priority", required_argument, NULL, 'p' },
                { "since", required_argument, NULL, 'S' },      { "until", required_argument, NULL, 'U' },
                { "lines", optional_argument, NULL, 'n' },      { "follow", no_argument, NULL, 'f' },
                { "reverse", no_argument, NULL, 'r' },          { "grep", required_argument, NULL, 'g' },
                { "output", required_argument, NULL, 'o' },     { "boot", optional_argument, NULL, 'b' },
                { "disk-usage", no_argument, NULL, ARG_DISK_USAGE },
                { "vacuum-size", required_argument, NULL, ARG_VACUUM_SIZE },
                { "vacuum-time", required_argument, NULL, ARG_VACUUM_TIME },
                { "verify", no_argument, NULL, ARG_VERIFY },    { "sync", no_argument, NULL, ARG_SYNC },
                { "directory", required_argument, NULL, 'D' },  { "no-pager", no_argument, NULL, ARG_NO_PAGER },
                { "root", required_argument, NULL, ARG_ROOT },  { "user", no_argument, NULL, ARG_USER },
                { "system", no_argument, NULL, ARG_SYSTEM },    { "pager-end", no_argument, NULL, 'e' },
                { "quiet", no_argument, NULL, 'q' },            { "all", no_argument, NULL, 'a' },
                { "catalog", no_argument, NULL, 'x' },          { "no-hostname", no_argument, NULL, ARG_NO_HOSTNAME },
                { "utc", no_argument, NULL, ARG_UTC },          { "help", no_argument, NULL, 'h' },
                {},
        };
        _cleanup_strv_free_ char **units = NULL;
        const char *dir_arg = NULL, *since = NULL, *until = NULL, *grep = NULL, *vacuum_size = NULL,
                   *vacuum_time = NULL;
        JournalFilter f;
        journal_filter_init(&f);
        uint64_t lines = 0;
        bool follow = false, reverse = false, disk_usage = false, verify = false, sync = false, boot = false;
        LogsOutput out = { .mode = JOURNAL_OUTPUT_SHORT };
        int c;
        optind = 0;
        while ((c = getopt_long(argc, argv, "u:p:S:U:n::frg:o:b::D:eqaxh", options, NULL)) >= 0) {
                switch (c) {
                case 'u':
                        if (strv_extend(&units, optarg) < 0)
                                return EXIT_FAIL;
                        break;
                case 'p':
                        if (journal_parse_priority_range(optarg, &f.prio_min, &f.prio_max) < 0) {
                                fprintf(stderr, "Failed to parse priority value: %s\n", optarg);
                                return EXIT_INVALIDARGUMENT;
                        }
                        break;
                case 'S':
                        since = optarg;
                        break;
                case 'U':
                        until = optarg;
                        break;
                case 'n': {
                        const char *v = optarg;
                        if (!v && optind < argc && argv[optind][0] >= '0' && argv[optind][0] <= '9')
                                v = argv[optind++];
                        if (!v)
                                lines = 10;
                        else if (strcmp(v, "all") == 0)
                                lines = 0;
                        else {
                                char *end;
                                unsigned long long k = strtoull(v, &end, 10);
                                if (*end || end == v) {
                                        fprintf(stderr, "Failed to parse lines '%s'\n", v);
                                        return EXIT_INVALIDARGUMENT;
                                }
                                lines = k ? k : 0;
                                if (!k)
                                        lines = UINT64_MAX; /* -n 0: nothing */
                        }
                        break;
                }
                case 'e':
                        if (!lines)
                                lines = 1000;
                        break;
                case 'f':
                        follow = true;
                        break;
                case 'r':
                        reverse = true;
                        break;
                case 'g':
                        grep = optarg;
                        break;
                case 'o': {
                        int m = journal_output_from_string(optarg);
                        if (m < 0) {
                                fprintf(stderr, "Unknown output format '%s'.\n", optarg);
                                return EXIT_INVALIDARGUMENT;
                        }
                        out.mode = (JournalOutput) m;
                        break;
                }
                case 'b':
                        boot = true;
                        if (!optarg && optind < argc && (strcmp(argv[optind], "0") == 0 || strcmp(argv[optind], "-0") == 0))
                                optind++;
                        break;
                case 'D':
                        dir_arg = optarg;
                        break;
                case ARG_DISK_USAGE:
                        disk_usage = true;
                        break;
                case ARG_VACUUM_SIZE:
                        vacuum_size = optarg;
                        break;
                case ARG_VACUUM_TIME:
                        vacuum_time = optarg;
                        break;
                case ARG_VERIFY:
                        verify = true;
                        break;
                case ARG_SYNC:
                        sync = true;
                        break;
                case ARG_ROOT:
                        opt_root = optarg;
                        break;
                case ARG_USER:
                        opt_user = true;
                        break;
                case ARG_NO_PAGER:
                case ARG_SYSTEM:
                case ARG_NO_HOSTNAME:
                case ARG_UTC:
                case 'q':
                case 'a':
                case 'x':
                        break;
                case 'h':
                        help();
                        return EXIT_OK;
                default:
                        return EXIT_INVALIDARGUMENT;
                }
        }
        for (int i = optind; i < argc; i++)
                if (strv_extend(&units, argv[i]) < 0)
                        return EXIT_FAIL;
        if (opt_root)
                arg.root = opt_root;
        if (opt_user)
                arg.user = true;
        if (sync) {
                int r = call_daemon("logs-sync", (char *[]) { NULL }, NULL);
                if (r != 0 || (!verify && !disk_usage && !vacuum_size && !vacuum_time))
                        return r;
        }
        _cleanup_free_ char *dir = dir_arg ? strdup(dir_arg) : logs_journal_dir();
        if (!dir)
                return EXIT_FAIL;
        if (verify) {
                JournalVerifyResult vr;
                int r = journal_verify(dir, &vr, verify_cb, NULL);
                if (r < 0 && r != -EBADMSG) {
                        fprintf(stderr, "Failed to verify '%s': %s\n", dir, strerror(-r));
                        return EXIT_FAIL;
                }
                return r < 0 ? EXIT_FAIL : EXIT_OK;
        }
        if (vacuum_size || vacuum_time) {
                uint64_t size = 0, before = 0, freed = 0;
                usec_t t;
                if (vacuum_size && parse_size(vacuum_size, &size) < 0) {
                        fprintf(stderr, "Failed to parse size '%s'.\n", vacuum_size);
                        return EXIT_INVALIDARGUMENT;
                }
                if (vacuum_time) {
                        if (parse_timespan(vacuum_time, USEC_PER_SEC, &t) < 0) {
                                fprintf(stderr, "Failed to parse time '%s'.\n", vacuum_time);
                                return EXIT_INVALIDARGUMENT;
                        }
                        before = now_realtime() > t ? now_realtime() - t : 0;
                }
                int r = journal_vacuum(dir, size, before, &freed);
                if (r < 0) {
                        fprintf(stderr, "Failed to vacuum '%s': %s\n", dir, strerror(-r));
                        return EXIT_FAIL;
                }
                printf("Vacuuming done, freed %lluB of archived journals from %s.\n", (unsigned long long) freed, dir);
                if (!disk_usage)
                        return EXIT_OK;
        }
        if (disk_usage) {
                uint64_t use = 0;
                int r = journal_disk_usage(dir, &use);
                if (r < 0) {
                        fprintf(stderr, "Failed to get disk usage of '%s': %s\n", dir, strerror(-r));
                        return EXIT_FAIL;
                }
                char sz[64];
                if (use >= 1ull << 30)
                        snprintf(sz, sizeof sz, "%.1fG", (double) use / (1ull << 30));
                else if (use >= 1ull << 20)
                        snprintf(sz, sizeof sz, "%.1fM", (double) use / (1ull << 20));
                else if (use >= 1024)
                        snprintf(sz, sizeof sz, "%.1fK", (double) use / 1024);
                else
                        snprintf(sz, sizeof sz, "%lluB", (unsigned long long) use);
                printf("Archived and active journals take up %s in the file system.\n", sz);
                return EXIT_OK;
        }
        uint64_t now = now_realtime();
        if (since && journal_parse_time(since, now, &f.since) < 0) {
                fprintf(stderr, "Failed to parse timestamp: %s\n", since);
                return EXIT_INVALIDARGUMENT;
        }
        if (until && journal_parse_time(until, now, &f.until) < 0) {
                fprintf(stderr, "Failed to parse timestamp: %s\n", until);
                return EXIT_INVALIDARGUMENT;
        }
        regex_t re;
        if (grep) {
                /* journalctl: case-insensitive when the pattern is all lower case. */
                bool lower = true;
                for (const char *p = grep; *p; p++)
                        if (*p >= 'A' && *p <= 'Z')
                                lower = false;
                if (regcomp(&re, grep, REG_EXTENDED | REG_NOSUB | (lower ? REG_ICASE : 0)) != 0) {
                        fprintf(stderr, "Bad regular expression: %s\n", grep);
                        return EXIT_INVALIDARGUMENT;
                }
                f.grep = &re;
        }
        if (boot) {
                f.boot = true;
                (void) journal_boot_id(f.boot_id);
        }
        for (char **u = units; u && *u; u++) {
                char *full = unit_complete(*u);
                if (!full)
                        return EXIT_FAIL;
                free(*u);
                *u = full;
        }
        f.units = units;
        if (getuid() != 0) {
                /* Not root and not in adm: only one's own entries (where the files can be read at all). */
                struct group *g = getgrnam("adm");
                bool adm = false;
                if (g) {
                        gid_t groups[256];
                        int n = getgroups(256, groups);
                        for (int i = 0; i < n; i++)
                                adm = adm || groups[i] == g->gr_gid;
                        adm = adm || getegid() == g->gr_gid;
                }
                if (!adm && !dir_arg && !opt_user && !arg.user) {
                        f.uid_only = true;
                        f.uid = (uint32_t) getuid();
                }
        }
        out.escape = isatty(STDOUT_FILENO);
        if (gethostname(out.host, sizeof out.host) < 0)
                strcpy(out.host, "localhost");
        if (!dir_arg && getuid() != 0 && journal_unreadable(dir)) {
                if (follow)
                        fprintf(stderr, "Following needs read access to the journal (root or group adm); "
                                        "showing your entries so far.\n");
                int code = lines == UINT64_MAX ? 0 : logs_from_daemon(&f, grep, lines, reverse, &out);
                strbuf_done(&out.buf);
                if (grep)
                        regfree(&re);
                if (code == 0 && out.count == 0 && grep)
                        return EXIT_FAIL;
                return code;
        }
        JournalReader *reader;
        int r = journal_reader_open(dir, &reader);
        if (r < 0) {
                fprintf(stderr, "Failed to open the journal '%s': %s\n", dir, strerror(-r));
                if (grep)
                        regfree(&re);
                return EXIT_FAIL;
        }
        if (lines == UINT64_MAX)
                r = 0;
        else
                r = journal_query(reader, &f, follow && !lines ? 10 : lines, reverse && !follow, print_cb, &out);
        out_flush(&out);
        fflush(stdout);
        if (r >= 0 && follow)
                r = journal_follow(reader, &f, UINT64_MAX, follow_cb, &out);
        journal_reader_free(reader);
        strbuf_done(&out.buf);
        if (grep)
                regfree(&re);
        if (r < 0 && r != -EPIPE) {
                fprintf(stderr, "Failed to read the journal: %s\n", strerror(-r));
                return EXIT_FAIL;
        }
        if (out.count == 0 && grep && !follow)
                return EXIT_FAIL; /* journalctl -g: no match is a failure */
        return EXIT_OK;
}
