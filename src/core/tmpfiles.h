/* tmpfiles.h — the part of tmpfiles.d(5) packages rely on at boot: lines
 * of type d D f L z (with the modifiers ! - + and the mode prefixes ~ :),
 * from ROOT/etc/tmpfiles.d, ROOT/run/tmpfiles.d, ROOT/usr/local/lib/
 * tmpfiles.d and ROOT/usr/lib/tmpfiles.d (--user: the user-tmpfiles.d dirs
 * of $XDG_CONFIG_HOME, $XDG_RUNTIME_DIR and /usr/share). A file name in an
 * earlier directory hides the same name in later ones (a link to /dev/null
 * masks it); files are applied in the lexical order of their names.
 *
 * Two halves: tmpfiles_parse() is pure (text in, items and "path:line:"
 * diagnostics out; it never touches the file system), tmpfiles_apply() does
 * what the items say, under the instance's root, logging and skipping what
 * fails. Other line types are skipped (debug); bad lines never stop
 * anything. Age fields are accepted and ignored (no clean-up).
 *
 * "Boot" means the first start of superd since the runtime dir was made
 * (it lives on /run, a tmpfs): only then do '!' lines run and 'D' empties
 * its directory. Reloads apply the rest again (creating what is missing). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "lib/diag.h"

typedef struct Manager Manager;

typedef enum TmpfilesType {
        TMPFILES_DIRECTORY,       /* d */
        TMPFILES_DIRECTORY_EMPTY, /* D: d, and emptied at boot */
        TMPFILES_FILE,            /* f */
        TMPFILES_SYMLINK,         /* L */
        TMPFILES_ADJUST,          /* z: mode and owner of what exists (glob) */
        _TMPFILES_TYPE_MAX,
} TmpfilesType;

typedef struct TmpfilesItem {
        TmpfilesType type;
        bool boot_only;           /* '!' */
        bool ignore_errors;       /* '-': failures to create are debug only */
        bool force;               /* '+': f truncates and writes, L replaces */
        char *path;               /* absolute, specifiers expanded, without the root */
        bool mode_set;
        bool mode_masked;         /* '~': masked by the existing bits */
        bool mode_create_only;    /* ':': only when created */
        mode_t mode;
        char *user, *group;       /* NULL: default ("-") */
        char *argument;           /* f: content (C escapes resolved), L: target; NULL: none */
        char *source;             /* "path:line" for messages */
} TmpfilesItem;

/* Values of the specifiers, as seen without the root (%t -> "/run"). */
typedef struct TmpfilesSpecifiers {
        const char *runtime_dir, *state_dir, *cache_dir, *logs_dir, *config_dir; /* %t %S %C %L %E */
        const char *home, *user, *uid, *group, *gid, *hostname;                  /* %h %u %U %g %G %H */
        const char *tmp_dir, *var_tmp_dir;                                       /* %T %V */
} TmpfilesSpecifiers;

typedef struct TmpfilesItems {
        TmpfilesItem *items;
        size_t n;
} TmpfilesItems;

#define TMPFILES_ITEMS_MAX 100000

/* Parses the text of one tmpfiles.d file (path names it in messages),
 * appending to *items. Bad lines go to diag as "path:line: message" and are
 * skipped. Returns 0, or -ENOMEM. */
int tmpfiles_parse(const char *path, const char *text, size_t size, const TmpfilesSpecifiers *sp,
                   TmpfilesItems *items, Diag *diag);
void tmpfiles_items_done(TmpfilesItems *items);

const char *tmpfiles_type_to_string(TmpfilesType t); /* "d", "D", ... */

/* The mode '~' asks for: want, with the execute/read/write bits dropped
 * where the existing mode has none of them, and the special bits dropped
 * unless is_dir. */
mode_t tmpfiles_mask_mode(mode_t want, mode_t existing, bool is_dir);

/* Reads every tmpfiles.d file of m's instance and applies it. boot: see
 * above. Never fails the caller. */
void tmpfiles_apply(Manager *m, bool boot);

/* True when this is the first call since the runtime dir was created
 * (leaves a stamp there). */
bool tmpfiles_is_boot(Manager *m);
