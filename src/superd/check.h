/* check.h — `superd --check`: load the configuration and every unit of the
 * search path, print every problem as "path:line: message", exit 1 if a
 * unit cannot be loaded. Touches nothing on disk. */
#pragma once

#include "core/manager.h"

int superd_check(const ManagerOptions *o);
