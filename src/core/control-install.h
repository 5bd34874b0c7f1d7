/* control-install.h — the install verbs of the control socket: enable,
 * disable, reenable, mask, unmask, set-default (changing: they write
 * links in the first unit directory, then reload the manager's view so
 * start and status see them), is-enabled and get-default (reading).
 *
 * Answers are records (protocol.h): one per change, "Type=created|removed|
 * note|error Path= Target=", for superctl to print as systemctl does; one
 * per unit "UnitFile= State=" for is-enabled; get-default answers a line. */
#pragma once

#include <stdbool.h>

typedef struct ControlConn ControlConn;

bool control_verb_enable(ControlConn *c, char **args);
bool control_verb_disable(ControlConn *c, char **args);
bool control_verb_reenable(ControlConn *c, char **args);
bool control_verb_mask(ControlConn *c, char **args);
bool control_verb_unmask(ControlConn *c, char **args);
bool control_verb_set_default(ControlConn *c, char **args);
bool control_verb_is_enabled(ControlConn *c, char **args);
bool control_verb_get_default(ControlConn *c, char **args);
