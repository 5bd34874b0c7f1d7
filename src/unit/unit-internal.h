/* unit-internal.h — private to src/unit: the lexer, the key tables and the
 * typed value parsers, glued by unit-load.c.
 *
 * Flow: unit_lex() splits a file into sections and "Key=Value" lines and
 * reports syntax problems; the dispatcher in unit-load.c looks the key up in
 * the section's tables (unit-tables.c) and calls the row's parser, which
 * writes one field of UnitSettings or reports "path:line: message" and
 * leaves the field alone. Nothing here touches runtime state. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "unit-load.h"
#include "unit-settings.h"

/* Files and lines we are willing to look at (SPEC 10: bounded input). */
#define UNIT_FILE_SIZE_MAX (4U * 1024U * 1024U)
#define UNIT_LINE_MAX (1024U * 1024U)
#define UNIT_DROPINS_MAX 1024U
#define UNIT_SYMLINK_HOPS_MAX 16U
#define UNIT_NAME_MAX 255U
#define UNIT_LIST_MAX 16384U        /* entries of one list setting */
#define UNIT_WORDS_MAX 16384U       /* words of one value */
#define UNIT_ASSIGNMENTS_MAX 100000U /* assignments of one unit, all files */

/* False only when ctx's path index knows search directory dir lacks name:
 * then there is no need to ask the disk (unit-path-index.c). */
bool unit_dir_may_have(const UnitLoadContext *ctx, size_t dir, const char *name);
/* True only when the index knows name in search directory dir is a regular file. */
bool unit_dir_has_file(const UnitLoadContext *ctx, size_t dir, const char *name);
/* The text of path as read before, while the index is fresh (borrowed). */
bool unit_path_index_get_file(const UnitLoadContext *ctx, const char *path, const char **ret, size_t *ret_size);
/* Keeps a copy of path's text if the index watches it (a regular file
 * directly in a search directory) and there is room. */
void unit_path_index_put_file(const UnitLoadContext *ctx, const char *path, const char *data, size_t size);

/* ---- lexer (unit-lexer.c) ---- */

typedef struct UnitLexCallbacks {
        /* A "[Name]" line. */
        int (*section)(void *userdata, const char *path, unsigned line, const char *name);
        /* A "Key=Value" line inside a section, whitespace trimmed, continuation
         * lines joined with a space; line is where the assignment starts. */
        int (*assignment)(void *userdata, const char *path, unsigned line, const char *section,
                          const char *key, const char *value);
} UnitLexCallbacks;

/* Lexes data (binary-safe, need not be NUL-terminated). Syntax problems go
 * to diag as "path:line: message" and the line is skipped. Returns the
 * first negative value a callback returned (-ENOMEM), else 0. */
int unit_lex(const char *path, const char *data, size_t size, Diag *diag, const UnitLexCallbacks *cb,
             void *userdata);

/* ---- parser context and signature (STYLE 8) ---- */

typedef struct ConfigContext {
        const char *path;
        unsigned line;
        const char *section;
        const char *key;
        UnitFile *unit;              /* diagnostics, specifiers, cross-field settings */
        const UnitLoadContext *lctx; /* may be NULL */
        const void *default_value;   /* this field in a freshly initialised UnitSettings */
        size_t size;                 /* sizeof the field */
        unsigned flags;              /* ConfigKeyFlags of the row */
} ConfigContext;

/* Returns 1 when the value was stored, 0 when it was ignored after a
 * diagnostic, -ENOMEM. target is NULL for keys that are validated but not
 * stored (yet). An empty value resets the field to its default. */
typedef int (*ConfigParser)(const ConfigContext *c, const char *value, void *target, int ltype);

typedef enum ConfigKeyFlags {
        KEY_FAIL_CLOSED = 1 << 0, /* a bad value makes the unit bad-setting (SPEC 5) */
        KEY_UNENFORCED = 1 << 1,  /* accepted, listed in exec.unenforced */
        KEY_UNSUPPORTED = 1 << 2, /* accepted with a warning that it has no effect */
} ConfigKeyFlags;

#define NO_FIELD ((size_t) -1)

typedef struct ConfigKey {
        const char *key;
        ConfigParser parser;
        int ltype;
        unsigned flags;
        size_t offset; /* into UnitSettings, or NO_FIELD */
        size_t size;
} ConfigKey;

typedef struct ConfigTable {
        const ConfigKey *keys;
        size_t n;
} ConfigTable;

#define CONFIG_SECTION_TABLES_MAX 5

typedef struct ConfigSection {
        const char *name;
        ConfigTable tables[CONFIG_SECTION_TABLES_MAX]; /* searched in order, each sorted */
        bool accept_all; /* sections of unsupported unit types: read nothing, warn nothing */
} ConfigSection;

/* unit-tables.c */
const ConfigSection *unit_section_lookup(UnitType t, const char *name);
const ConfigKey *unit_key_lookup(const ConfigSection *s, const char *key);
/* Every table, for the sortedness test. */
const ConfigTable *unit_tables_all(size_t *ret_n);

/* ---- diagnostics helpers (unit-parsers.c) ---- */

void config_warn(const ConfigContext *c, const char *fmt, ...) _printf_(2, 3);
void config_error(const ConfigContext *c, const char *fmt, ...) _printf_(2, 3);
/* "Failed to parse Key= value 'v': reason, ignoring." ("refusing." for
 * fail-closed keys). Returns 0, the parser's "ignored" result. */
int config_invalid(const ConfigContext *c, const char *value, const char *reason);
/* "ignoring" or, for fail-closed keys, "refusing". */
const char *config_verdict(const ConfigContext *c);
/* Appends s (taken, also on failure) to *l, or drops it when dedupe and
 * already present; l NULL just frees s. 1, 0 when the list is full
 * (diagnosed), -ENOMEM. */
int config_list_add(const ConfigContext *c, char ***l, char *s, bool dedupe);
/* Resets a scalar field to its default. Returns 1. */
int config_reset(const ConfigContext *c, void *target);
bool valid_user_group_name(const char *s);
bool valid_env_name(const char *s, size_t n);
/* Marks the unit bad-setting (keeps the first reason) and records an error. */
void unit_mark_bad(UnitFile *u, const char *path, unsigned line, const char *fmt, ...) _printf_(4, 5);

/* ---- value parsers (unit-parsers.c, unit-parsers-exec.c) ---- */

int config_parse_accept(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_unenforced(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_string(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_path(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_strv(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_documentation(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_unit_names(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_deps(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_bool(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_sec(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_unsigned(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_int_range(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_mode(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_signal(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_exit_status_set(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_exit_status(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_action(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_condition(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_instance(const ConfigContext *c, const char *v, void *t, int l);

/* ltype of config_parse_int_range: an index into int_ranges[] in unit-parsers.c */
typedef enum IntRange {
        RANGE_NICE,        /* -20..19 */
        RANGE_OOM,         /* -1000..1000 */
        RANGE_IOPRIO,      /* 0..7 */
        RANGE_CPUPRIO,     /* 0..99 */
        RANGE_EXIT_STATUS, /* 0..255, empty = -1 */
        _RANGE_MAX,
} IntRange;

/* ltype of config_parse_strv */
typedef enum StrvKind {
        STRV_WORDS,       /* whitespace separated, quotes honoured */
        STRV_ENV_NAMES,   /* PassEnvironment= */
        STRV_UNSET_ENV,   /* UnsetEnvironment= */
        STRV_ENV_FILES,   /* EnvironmentFile= */
        STRV_DIRECTORIES, /* RuntimeDirectory= ... relative paths */
        STRV_GROUPS,      /* SupplementaryGroups= */
} StrvKind;

/* exec / service / kill parsers (unit-parsers-exec.c) */
int config_parse_exec(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_user(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_environ(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_working_directory(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_umask_nice(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_rlimit(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_stdio(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_syslog_facility(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_syslog_level(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_capabilities(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_ip_access(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_enum(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_service_type(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_timeout(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_io_class(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_cpu_policy(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_sched_priority(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_tasks_max(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_pid_file(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_preserve(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_oom_score(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_environ_file(const ConfigContext *c, const char *v, void *t, int l);

/* [Socket] parsers (unit-parsers-socket.c); config_parse_listen's ltype is a SocketListenType */
int config_parse_listen(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_builtin(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_bind_ipv6_only(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_timestamping(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_socket_size(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_connections(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_proxy_to(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_socket_service(const ConfigContext *c, const char *v, void *t, int l);
int config_parse_fd_name(const ConfigContext *c, const char *v, void *t, int l);

/* ltype of config_parse_enum */
typedef enum EnumKind {
        ENUM_RESTART,
        ENUM_KILL_MODE,
        ENUM_NOTIFY_ACCESS,
        _ENUM_KIND_MAX,
} EnumKind;

/* ltype of config_parse_timeout */
typedef enum TimeoutKind {
        TIMEOUT_START = 1 << 0,
        TIMEOUT_STOP = 1 << 1,
} TimeoutKind;

/* ltype of config_parse_stdio */
typedef enum StdioKind {
        STDIO_INPUT,
        STDIO_OUTPUT,
} StdioKind;

/* ltype of config_parse_umask_nice */
typedef enum UmaskNice {
        UN_UMASK,
        UN_NICE,
} UmaskNice;

/* ltype of config_parse_user: the user= rule or the group= rule */
typedef enum UserKind {
        USER_USER,
        USER_GROUP,
} UserKind;

/* ---- words and quoting (unit-exec-line.c) ---- */

typedef enum WordFlags {
        WORD_CUNESCAPE = 1 << 0, /* C escapes: \n \t \xNN \NNN \uNNNN */
        WORD_SEMICOLON = 1 << 1, /* report an unquoted lone ';' as *ret_separator */
} WordFlags;

/* Extracts the next whitespace-separated word from *p, honouring single and
 * double quotes anywhere in the word. Returns 1 with *ret set, 0 at the end,
 * -EINVAL on bad quoting or escapes (*ret_error names the problem),
 * -ENOMEM. */
int unit_word_next(const char **p, WordFlags flags, char **ret, bool *ret_separator,
                   const char **ret_error);
/* Splits a whole value into words. */
int unit_words_split(const char *s, WordFlags flags, char ***ret, const char **ret_error);

/* Parses one Exec*= value into commands appended to list. 1, 0 after a
 * diagnostic, -ENOMEM. */
int unit_exec_line_parse(const ConfigContext *c, const char *value, ExecCommandList *list);
void exec_command_list_done(ExecCommandList *l);

/* ---- specifiers (unit-specifiers.c) ---- */

/* Expands %-specifiers of unit u in one pass. Returns 1 with *ret set, 0
 * after a diagnostic at c (unknown specifier), -ENOMEM. */
int unit_specifiers_expand(const ConfigContext *c, const char *in, char **ret);
/* Same with an explicit error sink, for tests. *ret_bad is the offending
 * specifier char on -EBADMSG. */
int unit_specifiers_expand_raw(const UnitFile *u, const UnitLoadContext *lctx, const char *in, char **ret,
                               char *ret_bad);

/* ---- names (unit-name.c) ---- */

/* "foo\x2dbar" -> "foo-bar", "a-b" -> "a/b" (systemd's unit name escaping). */
char *unit_name_unescape(const char *s);
char *unit_name_path_unescape(const char *s);
/* "foo@bar.service" -> "foo", "foo.service" -> "foo". */
char *unit_name_prefix(const char *name);
/* "foo@bar.service" -> "bar", else NULL with 0 (not an error). */
int unit_name_instance(const char *name, char **ret);
bool unit_instance_is_valid(const char *s);
/* Turns a dependency word into a unit name: completes the suffix, fills in
 * a template with the depending unit's instance. NULL with *invalid. */
char *unit_name_for_dependency(const UnitFile *u, const char *word, bool *invalid);

/* ---- settings (unit-settings.c) ---- */

void unit_settings_init(UnitSettings *s);
void unit_settings_done(UnitSettings *s);
UnitFile *unit_file_new(const char *name);
int unit_settings_add_unenforced(UnitSettings *s, const char *key);

/* ---- loading glue (unit-load.c) ---- */

/* Parses data as one more file of u (fragment or drop-in). */
int unit_parse_data(UnitFile *u, const UnitLoadContext *ctx, const char *path, const char *data, size_t size);
/* After all files: defaults that depend on other keys, the "can it run"
 * checks, the unenforced-settings warning. */
int unit_finalize(UnitFile *u);
/* Reads a whole file (regular files only, bounded). 1 ok, 0 after a
 * diagnostic (too big, not a regular file, unreadable), -ENOMEM. A file
 * that is /dev/null returns 2 (masked). */
int unit_read_file(UnitFile *u, const char *path, char **ret, size_t *ret_size);

/* unit-load.c */
char *unit_path_join(const char *a, const char *b);
/* Reads and parses one file of u: 1 parsed, 0 not (diagnosed), 2 masked. */
int unit_parse_file(UnitFile *u, const UnitLoadContext *ctx, const char *path);
/* unit-files.c: a generator's output directory ("generator", "generator.early",
 * "generator.late", systemd's names): never written by enable, its links
 * enable nothing. */
bool unit_dir_is_generated(const char *dir);
/* unit-files.c: the directory enable, mask and set-default write to: the
 * first directory of the search path that is not a generator's. */
const char *unit_install_dir(const UnitLoadContext *ctx);
/* unit-dropin.c: applies every drop-in of u (unit-load.h, step 4). */
int unit_load_dropins(UnitFile *u, const UnitLoadContext *ctx);
/* unit-dropin.c: other names in the search path that link to u->id. */
int unit_collect_aliases(UnitFile *u, const UnitLoadContext *ctx);

static inline bool isempty(const char *s) {
        return !s || !*s;
}
