/* superctl.h — shared state of the client: parsed options, the daemon's
 * address, and helpers every verb group uses. Output formatting lives with
 * the verbs (status.c, show.c, units.c); the daemon sends property records. */
#pragma once

#include <stdbool.h>

#include "lib/strbuf.h"

/* Exit codes (SPEC 8), systemctl's meanings. */
enum {
        EXIT_OK = 0,
        EXIT_FAIL = 1,
        EXIT_INVALIDARGUMENT = 2,
        EXIT_NOTACTIVE = 3,
        EXIT_NOSUCHUNIT = 4,
        EXIT_NOTLOADED = 5,
};

typedef enum OutputMode {
        OUTPUT_TEXT,
        OUTPUT_JSON,
        OUTPUT_JSON_PRETTY,
} OutputMode;

typedef struct Options {
        const char *root;
        bool user;
        OutputMode output;
        bool no_block;
        bool no_legend;
        bool all;
        bool value;
        bool quiet;
        bool now;
        bool reverse;
        const char *write_dir;            /* import-*: --write DIR */
        char **properties;     /* -p */
        char **types;          /* --type */
        char **states;         /* --state */
        const char *signal;    /* -s */
        const char *kill_whom;
} Options;

extern Options arg;

/* Where the daemon listens: SUPERD_CONTROL, --root, --user, system default. */
const char *control_socket_path(void);
/* Sends verb + args; prints the daemon's stderr; stores its stdout in
 * *ret_out (may be NULL to print it). Returns the exit code. */
int call_daemon(const char *verb, char **args, char **ret_out);

/* Property records from the daemon (control/protocol.h). */
typedef char **Record;
int fetch_records(const char *verb, char **args, Record **ret);
void records_free(Record *r);

int verb_status(char **args);
int verb_show(char **args);
int verb_is_active(char **args);
int verb_is_failed(char **args);
int verb_list_units(char **args);
int verb_list_sockets(char **args); /* sockets.c */
int verb_import_xinetd(char **args); /* import.c */
int verb_import_inetd(char **args);
int verb_list_unit_files(char **args);
int verb_list_dependencies(char **args);
int verb_verify(char **args);
int verb_enable(char **args);
int verb_disable(char **args);
int verb_reenable(char **args);
int verb_mask(char **args);
int verb_unmask(char **args);
int verb_set_default(char **args);
int verb_get_default(char **args);
int verb_is_enabled(char **args);
void print_record_json(StrBuf *b, Record r, bool pretty, const char *indent);
bool use_color(void);

/* logs.c: `superctl logs` / journalctl, reading the journal files directly. */
int logs_main(int argc, char **argv);
/* The index of the "logs" verb in argv (after global options), or -1. */
int logs_verb_index(int argc, char **argv);
/* The instance's journal folder (--root, --user, system; volatile if only that exists). */
char *logs_journal_dir(void);
