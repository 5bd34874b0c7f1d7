/* unit-deps.h — the dependency graph between loaded units.
 *
 * Every dependency is stored on both ends as Unit pointers: After= on A
 * towards B is A.deps[AFTER] ∋ B and B.deps[BEFORE] ∋ A; Requires= gives
 * REQUIRED_BY on the other end, and so on. Edges come from the unit's
 * settings, its .wants/ and .requires/ directories and systemd's implicit
 * dependencies (DefaultDependencies=). Referenced units are loaded too
 * (possibly as not-found). The whole graph is rebuilt on reload.
 *
 * Ownership: arrays are owned by the unit; pointers are borrowed (the
 * Manager owns units; unit_free() unlinks the unit from every peer). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct Unit Unit;

typedef enum UnitDepKind {
        /* The first twelve match UnitDependency (unit-settings.h). */
        DEP_REQUIRES,
        DEP_REQUISITE,
        DEP_WANTS,
        DEP_BINDS_TO,
        DEP_PART_OF,
        DEP_CONFLICTS,
        DEP_BEFORE,
        DEP_AFTER,
        DEP_ON_FAILURE,
        DEP_ON_SUCCESS,
        DEP_PROPAGATES_RELOAD_TO,
        DEP_RELOAD_PROPAGATED_FROM,
        /* Inverses. */
        DEP_REQUIRED_BY,
        DEP_REQUISITE_OF,
        DEP_WANTED_BY,
        DEP_BOUND_BY,
        DEP_CONSISTS_OF,
        DEP_CONFLICTED_BY,
        DEP_ON_FAILURE_OF,
        DEP_ON_SUCCESS_OF,
        _DEP_KIND_MAX,
} UnitDepKind;

typedef struct UnitRefs {
        Unit **items;
        size_t n, cap;
} UnitRefs;

#define UNIT_FOREACH_DEP(other, u, kind)                                               \
        for (size_t _i_##other = 0; _i_##other < (u)->deps[kind].n; _i_##other++)       \
                for (Unit *other = (u)->deps[kind].items[_i_##other]; other; other = NULL)

const char *unit_dep_kind_to_string(UnitDepKind k); /* systemd's property names */
UnitDepKind unit_dep_kind_inverse(UnitDepKind k);

/* Adds u -kind-> other and the inverse edge. Returns 0, or -ENOMEM. */
int unit_add_dependency(Unit *u, UnitDepKind kind, Unit *other);
bool unit_has_dependency(const Unit *u, UnitDepKind kind, const Unit *other);
/* Drops every edge of u, on both ends. */
void unit_clear_dependencies(Unit *u);
void unit_free_dependencies(Unit *u);

/* Builds u's edges from its settings, link dirs and implicit rules; loads
 * every unit named (through manager_load_unit's queue). */
int unit_load_dependencies(Unit *u);
