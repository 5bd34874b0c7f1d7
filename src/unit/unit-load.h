/* unit-load.h — finding and loading unit files.
 *
 * The search path is an ordered list of directories; the first directory
 * holding NAME wins (SPEC 3). Loading a name:
 *   1. "foo@bar.service" looks for itself, then for its template "foo@.service";
 *   2. a symlink to /dev/null (or an empty file... no: only /dev/null) masks;
 *   3. a symlink to another unit file makes NAME an alias of that unit;
 *   4. drop-ins: every "NAME.d/X.conf" (and "TEMPLATE.d/", and the type's
 *      "service.d/" style top-level dirs "foo-.service.d" prefixes) over all
 *      directories, a file name in an earlier directory hiding the same name
 *      in later ones, applied in lexical order of file name;
 *   5. specifiers are resolved with UnitLoadContext and the unit's name.
 * Loading never fails except on OOM: problems become diagnostics and the
 * load state says whether the unit can be used. */
#pragma once

#include "unit-settings.h"

typedef struct UnitAliasMap UnitAliasMap;
typedef struct UnitPathIndex UnitPathIndex;

typedef struct UnitLoadContext {
        char **search_path;     /* directories, first match wins */
        bool user_instance;     /* --user: %u/%h default to the manager's user */
        const char *runtime_dir; /* %t: /run, or DIR/run, or $XDG_RUNTIME_DIR */
        const char *state_dir;   /* %S: /var/lib ... */
        const char *cache_dir;   /* %C: /var/cache ... */
        const char *logs_dir;    /* %L: /var/log ... */
        const char *config_dir;  /* %E: /etc ... */
        const char *root;        /* --root DIR, or NULL; search_path is already under it */
        const UnitAliasMap *alias_map; /* optional: symlinks read once (unit_alias_map_new()); without
                                        * it every load scans the search directories for aliases */
        UnitPathIndex *path_index; /* optional: the names in each search directory and the
                                    * files read from them (unit_path_index_new()); without
                                    * it every lookup asks the disk */
} UnitLoadContext;

/* The top-level names of every directory of search_path, read once, and an
 * inotify watch that tells when that is no longer true (unit-path-index.c).
 * Build one per (re)load and set ctx->path_index; before each load ask
 * unit_path_index_is_stale() and build a new one when it says so.
 * -ENOMEM, or -errno when inotify is not available (then go without). */
int unit_path_index_new(char **search_path, UnitPathIndex **ret);
UnitPathIndex *unit_path_index_free(UnitPathIndex *idx);
/* True when an entry appeared in or left a search directory since the
 * index was read (one non-blocking read(2)). */
bool unit_path_index_is_stale(UnitPathIndex *idx);
/* 1: search_path[dir] has name; 0: it has not; -1: the index cannot say. */
int unit_path_index_lookup(const UnitPathIndex *idx, char **search_path, size_t dir, const char *name);

/* The symlinked unit names of the search path, read once. Build one per
 * (re)load of many units and set ctx->alias_map: finding UnitFile.aliases
 * then costs no directory scan per unit. */
int unit_alias_map_new(const UnitLoadContext *ctx, UnitAliasMap **ret);
UnitAliasMap *unit_alias_map_free(UnitAliasMap *m);

/* Loads the unit called name (suffix ".service" is added when there is none).
 * Always returns a UnitFile through ret (load_state tells the outcome), or
 * -ENOMEM, or -EINVAL when name is not a valid unit name (ret untouched). */
int unit_file_load(const UnitLoadContext *ctx, const char *name, UnitFile **ret);

/* Parses one file as the unit `name` (NULL: derived from the file name),
 * with no search path and no drop-ins: `superctl verify FILE`. */
int unit_file_load_path(const UnitLoadContext *ctx, const char *path, const char *name, UnitFile **ret);

/* Parses unit text from memory (tests, fuzzers). path is used in diagnostics. */
int unit_file_load_string(const UnitLoadContext *ctx, const char *path, const char *name,
                          const char *data, size_t size, UnitFile **ret);

/* Name helpers. */
bool unit_name_is_valid(const char *name);          /* "a.service", "a@.service", "a@b.service" */
bool unit_name_is_template(const char *name);       /* "a@.service" */
bool unit_name_is_instance(const char *name);       /* "a@b.service" */
/* Adds ".service" when name has no known suffix; NULL on OOM or invalid. */
char *unit_name_complete(const char *name);
/* "a@b.service" -> "a@.service"; NULL if not an instance. */
char *unit_name_template_of(const char *name);
/* "a@.service" + "b" -> "a@b.service". */
char *unit_name_instantiate(const char *template_name, const char *instance);

/* Unit-file states for list-unit-files / is-enabled. */
typedef enum UnitFileState {
        UNIT_FILE_ENABLED,
        UNIT_FILE_DISABLED,
        UNIT_FILE_STATIC,
        UNIT_FILE_MASKED,
        UNIT_FILE_ALIAS,
        UNIT_FILE_INDIRECT,
        _UNIT_FILE_STATE_MAX,
} UnitFileState;

const char *unit_file_state_to_string(UnitFileState s);

typedef struct UnitFileEntry {
        char *name;
        char *path;
        UnitFileState state;
} UnitFileEntry;

/* Lists every unit file in the search path (first match per name wins),
 * sorted by name. *ret_n entries; free with unit_file_entries_free(). */
int unit_file_list(const UnitLoadContext *ctx, UnitFileEntry **ret, size_t *ret_n);
void unit_file_entries_free(UnitFileEntry *e, size_t n);
/* The state of one unit's file (enabled if a *.wants/ or *.requires/ link
 * to it exists in any search directory). -ENOENT when there is no such file. */
int unit_file_get_state(const UnitLoadContext *ctx, const char *name, UnitFileState *ret);

/* Names that "TARGET.wants/" and "TARGET.requires/" directories add to
 * target `name` across the search path (also used for any unit's .wants). */
int unit_file_wants_dirs(const UnitLoadContext *ctx, const char *name, char ***ret_wants, char ***ret_requires);
