/* condition.h — Condition*= and Assert*= (systemd.unit(5)), tested when a
 * start job runs. Unknown-to-superd conditions were warned about by the
 * parser and are not stored, so they pass. */
#pragma once

#include <stdbool.h>

#include "unit/unit-settings.h"

typedef struct Unit Unit;

/* One condition, negation applied: 1 pass, 0 fail. environ is the
 * manager's environment (ConditionEnvironment=). */
int condition_test(const Condition *c, char *const *environ);
/* All of u's conditions and asserts with systemd's trigger ('|') rule.
 * Returns true to go on; false with *ret_assert_failed telling which. */
bool unit_test_conditions(Unit *u, bool *ret_assert_failed);
/* "docker", "podman", "lxc", "wsl", ... or NULL outside a container. */
const char *detect_container(void);
/* "kvm", "qemu", "vmware", ... or NULL on bare metal (or unknown). */
const char *detect_vm(void);
