#include "unit-deps.h"

#include <stdlib.h>
#include <string.h>

#include "lib/strv.h"
#include "manager.h"
#include "socket.h"
#include "unit.h"

static const char *const dep_names[_DEP_KIND_MAX] = {
        [DEP_REQUIRES] = "Requires",
        [DEP_REQUISITE] = "Requisite",
        [DEP_WANTS] = "Wants",
        [DEP_BINDS_TO] = "BindsTo",
        [DEP_PART_OF] = "PartOf",
        [DEP_CONFLICTS] = "Conflicts",
        [DEP_BEFORE] = "Before",
        [DEP_AFTER] = "After",
        [DEP_ON_FAILURE] = "OnFailure",
        [DEP_ON_SUCCESS] = "OnSuccess",
        [DEP_PROPAGATES_RELOAD_TO] = "PropagatesReloadTo",
        [DEP_RELOAD_PROPAGATED_FROM] = "ReloadPropagatedFrom",
        [DEP_REQUIRED_BY] = "RequiredBy",
        [DEP_REQUISITE_OF] = "RequisiteOf",
        [DEP_WANTED_BY] = "WantedBy",
        [DEP_BOUND_BY] = "BoundBy",
        [DEP_CONSISTS_OF] = "ConsistsOf",
        [DEP_CONFLICTED_BY] = "ConflictedBy",
        [DEP_ON_FAILURE_OF] = "OnFailureOf",
        [DEP_ON_SUCCESS_OF] = "OnSuccessOf",
};

static const UnitDepKind dep_inverse[_DEP_KIND_MAX] = {
        [DEP_REQUIRES] = DEP_REQUIRED_BY,
        [DEP_REQUISITE] = DEP_REQUISITE_OF,
        [DEP_WANTS] = DEP_WANTED_BY,
        [DEP_BINDS_TO] = DEP_BOUND_BY,
        [DEP_PART_OF] = DEP_CONSISTS_OF,
        [DEP_CONFLICTS] = DEP_CONFLICTED_BY,
        [DEP_BEFORE] = DEP_AFTER,
        [DEP_AFTER] = DEP_BEFORE,
        [DEP_ON_FAILURE] = DEP_ON_FAILURE_OF,
        [DEP_ON_SUCCESS] = DEP_ON_SUCCESS_OF,
        [DEP_PROPAGATES_RELOAD_TO] = DEP_RELOAD_PROPAGATED_FROM,
        [DEP_RELOAD_PROPAGATED_FROM] = DEP_PROPAGATES_RELOAD_TO,
        [DEP_REQUIRED_BY] = DEP_REQUIRES,
        [DEP_REQUISITE_OF] = DEP_REQUISITE,
        [DEP_WANTED_BY] = DEP_WANTS,
        [DEP_BOUND_BY] = DEP_BINDS_TO,
        [DEP_CONSISTS_OF] = DEP_PART_OF,
        [DEP_CONFLICTED_BY] = DEP_CONFLICTS,
        [DEP_ON_FAILURE_OF] = DEP_ON_FAILURE,
        [DEP_ON_SUCCESS_OF] = DEP_ON_SUCCESS,
};

const char *unit_dep_kind_to_string(UnitDepKind k) {
        return k < _DEP_KIND_MAX ? dep_names[k] : NULL;
}

UnitDepKind unit_dep_kind_inverse(UnitDepKind k) {
        return dep_inverse[k];
}

bool unit_has_dependency(const Unit *u, UnitDepKind kind, const Unit *other) {
        for (size_t i = 0; i < u->deps[kind].n; i++)
                if (u->deps[kind].items[i] == other)
                        return true;
        return false;
}

static int refs_add(UnitRefs *r, Unit *u) {
        if (r->n == r->cap) {
                size_t cap = r->cap ? r->cap * 2 : 4;
                Unit **items = realloc(r->items, sizeof(Unit *) * cap);
                if (!items)
                        return -ENOMEM;
                r->items = items;
                r->cap = cap;
        }
        r->items[r->n++] = u;
        return 0;
}

static void refs_remove(UnitRefs *r, const Unit *u) {
        size_t w = 0;
        for (size_t i = 0; i < r->n; i++)
                if (r->items[i] != u)
                        r->items[w++] = r->items[i];
        r->n = w;
}

int unit_add_dependency(Unit *u, UnitDepKind kind, Unit *other) {
        if (u == other || unit_has_dependency(u, kind, other))
                return 0;
        int r = refs_add(&u->deps[kind], other);
        if (r < 0)
                return r;
        r = refs_add(&other->deps[dep_inverse[kind]], u);
        if (r < 0)
                u->deps[kind].n--;
        return r;
}

void unit_clear_dependencies(Unit *u) {
        for (UnitDepKind k = 0; k < _DEP_KIND_MAX; k++) {
                for (size_t i = 0; i < u->deps[k].n; i++) {
                        Unit *other = u->deps[k].items[i];
                        if (other != u)
                                refs_remove(&other->deps[dep_inverse[k]], u);
                }
                u->deps[k].n = 0;
        }
}

void unit_free_dependencies(Unit *u) {
        unit_clear_dependencies(u);
        for (UnitDepKind k = 0; k < _DEP_KIND_MAX; k++) {
                free(u->deps[k].items);
                u->deps[k] = (UnitRefs) {};
        }
}

static int add_by_name(Unit *u, UnitDepKind kind, const char *name) {
        Unit *other;
        int r = manager_load_unit(u->manager, name, &other);
        if (r == -EINVAL)
                return 0; /* the parser reported it already */
        if (r < 0)
                return r;
        return unit_add_dependency(u, kind, other);
}

static int add_names(Unit *u, UnitDepKind kind, char **names) {
        STRV_FOREACH(n, names) {
                int r = add_by_name(u, kind, *n);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* systemd's implicit dependencies (systemd.special(7), DefaultDependencies=). */
static int add_default_dependencies(Unit *u, const UnitSettings *st) {
        int r = 0;
        if (u->type == UNIT_SERVICE) {
                if ((r = add_by_name(u, DEP_REQUIRES, "sysinit.target")) < 0 ||
                    (r = add_by_name(u, DEP_AFTER, "sysinit.target")) < 0 ||
                    (r = add_by_name(u, DEP_AFTER, "basic.target")) < 0)
                        return r;
        }
        if ((r = add_by_name(u, DEP_CONFLICTS, "shutdown.target")) < 0 ||
            (r = add_by_name(u, DEP_BEFORE, "shutdown.target")) < 0)
                return r;
        if (u->type != UNIT_TARGET)
                return 0;
        /* A target is reached after what it pulls in, unless that would loop. */
        static const UnitDepKind pulls[] = { DEP_REQUIRES, DEP_REQUISITE, DEP_WANTS, DEP_BINDS_TO };
        for (size_t i = 0; i < ELEMENTSOF(pulls); i++)
                for (size_t k = 0; k < u->deps[pulls[i]].n; k++) {
                        Unit *other = u->deps[pulls[i]].items[k];
                        if (!unit_has_dependency(u, DEP_BEFORE, other) &&
                            (r = unit_add_dependency(u, DEP_AFTER, other)) < 0)
                                return r;
                }
        return 0;
}

int unit_load_dependencies(Unit *u) {
        const UnitSettings *st = unit_settings_latest(u);
        int r;
        for (UnitDependency d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                if ((r = add_names(u, (UnitDepKind) d, st->deps[d])) < 0)
                        return r;
        _cleanup_strv_free_ char **wants = NULL, **requires = NULL;
        if (unit_file_wants_dirs(&u->manager->load_ctx, u->name, &wants, &requires) >= 0) {
                if ((r = add_names(u, DEP_WANTS, wants)) < 0 || (r = add_names(u, DEP_REQUIRES, requires)) < 0)
                        return r;
        }
        STRV_FOREACH(a, u->alias_names) {
                _cleanup_strv_free_ char **aw = NULL, **ar = NULL;
                if (unit_file_wants_dirs(&u->manager->load_ctx, *a, &aw, &ar) >= 0 &&
                    ((r = add_names(u, DEP_WANTS, aw)) < 0 || (r = add_names(u, DEP_REQUIRES, ar)) < 0))
                        return r;
        }
        if (u->type == UNIT_SOCKET && (r = socket_add_dependencies(u)) < 0)
                return r;
        if (unit_latest_load_state(u) == UNIT_LOADED && st->default_dependencies)
                return add_default_dependencies(u, st);
        return 0;
}
