/* unit-install.h — enablement: the symlinks that `enable`, `disable`,
 * `mask`, `unmask` and `set-default` make and remove, laid out as systemd
 * lays them out (systemctl(1), systemd.unit(5) [Install]).
 *
 * Every link is made in, and removed from, the first directory of
 * ctx->search_path that is not a generator's output directory, only (the
 * instance's configuration directory, SPEC 3):
 *   enable:  FIRST/ALIAS -> FILE for each Alias=,
 *            FIRST/TARGET.wants/NAME -> FILE for each WantedBy=,
 *            FIRST/TARGET.requires/NAME -> FILE for each RequiredBy=,
 *            then the units of Also= the same way; a template is linked
 *            as its DefaultInstance= ("foo@inst.service" -> "foo@.service").
 *   disable: removes every symlink in FIRST and its "*.wants/" and
 *            "*.requires/" directories named after the unit, its Alias=
 *            names or (for a template) its instances, or pointing at the
 *            unit's file; then the units of Also=.
 *   mask:    FIRST/NAME -> /dev/null; unmask removes exactly that.
 *   set-default: FIRST/default.target -> the target's file.
 * FILE is the unit's file as found on the search path (aliases followed).
 *
 * Nothing here logs or touches runtime state. Each operation appends what
 * it did and what went wrong to an InstallChanges, in order, for the daemon
 * to log and the client to print; it goes on with the next unit after a
 * failing one and returns the first error (-errno), or -ENOMEM at once. */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "unit-load.h"

typedef enum InstallChangeType {
        INSTALL_CHANGE_CREATED, /* path -> target was made */
        INSTALL_CHANGE_REMOVED, /* path was removed */
        INSTALL_CHANGE_NOTE,    /* text in path: the "no installation config" notice (quiet hides it) */
        INSTALL_CHANGE_ERROR,   /* text in path: why a unit failed or was skipped */
        _INSTALL_CHANGE_TYPE_MAX,
        _INSTALL_CHANGE_TYPE_INVALID = -EINVAL,
} InstallChangeType;

typedef struct InstallChange {
        InstallChangeType type;
        char *path;   /* the link, or the message text */
        char *target; /* CREATED only */
} InstallChange;

typedef struct InstallChanges {
        InstallChange *changes; /* owned array */
        size_t n;
} InstallChanges;

void install_changes_done(InstallChanges *c);
/* Appends one change (copies the strings). -ENOMEM. */
int install_changes_add(InstallChanges *c, InstallChangeType type, const char *path, const char *target);
/* True when a link was created or removed. */
bool install_changes_modified(const InstallChanges *c);

/* "created", "removed", "note", "error". */
const char *install_change_type_to_string(InstallChangeType t);
InstallChangeType install_change_type_from_string(const char *s);
/* The line systemctl prints for a change, without newline:
 * "Created symlink LINK → TARGET.", "Removed \"LINK\".", or the text. NULL on OOM. */
char *install_change_format(const InstallChange *c);

/* The operations. names are unit names (".service" is added when there is
 * no suffix). See the top of this file. */
int unit_install_enable(const UnitLoadContext *ctx, char **names, InstallChanges *changes);
int unit_install_disable(const UnitLoadContext *ctx, char **names, InstallChanges *changes);
int unit_install_mask(const UnitLoadContext *ctx, char **names, InstallChanges *changes);
int unit_install_unmask(const UnitLoadContext *ctx, char **names, InstallChanges *changes);
int unit_install_set_default(const UnitLoadContext *ctx, const char *name, InstallChanges *changes);

/* The unit "default.target" names on the search path (following its
 * symlinks): "graphical.target". -ENOENT when there is no default.target. */
int unit_install_get_default(const UnitLoadContext *ctx, char **ret);
