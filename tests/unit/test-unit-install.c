/* test-unit-install.c — enable, disable, mask, unmask, set-default and
 * get-default in temporary directories: the exact links, the change lists
 * and messages, and the unit-file states they lead to. */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-unit-helpers.h"
#include "lib/strv.h"
#include "unit/unit-install.h"

typedef struct Fixture {
        char root[64];
        char *dirs[4]; /* gen (a generator's output), etc (the config dir), usr/lib (vendor), NULL */
        UnitLoadContext ctx;
        InstallChanges ch;
} Fixture;

static void mkdir_p(const char *path) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s", path);
        for (char *p = buf + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        mkdir(buf, 0755);
                        *p = '/';
                }
        mkdir(buf, 0755);
}

static char *at(Fixture *f, const char *rel) {
        static char buf[4][512];
        static int k;
        k = (k + 1) % 4;
        snprintf(buf[k], sizeof buf[k], "%s/%s", f->root, rel);
        return buf[k];
}

static void put(Fixture *f, const char *rel, const char *text) {
        char dir[512];
        const char *path = at(f, rel);
        snprintf(dir, sizeof dir, "%s", path);
        *strrchr(dir, '/') = 0;
        mkdir_p(dir);
        FILE *fp = fopen(path, "we");
        assert_non_null(fp);
        fputs(text, fp);
        fclose(fp);
}

static void link_to(Fixture *f, const char *target, const char *rel) {
        char dir[512];
        const char *path = at(f, rel);
        snprintf(dir, sizeof dir, "%s", path);
        *strrchr(dir, '/') = 0;
        mkdir_p(dir);
        assert_int_equal(symlink(target, path), 0);
}

/* The link at rel points at target (an absolute path under the root, or /dev/null). */
static void assert_link(Fixture *f, const char *rel, const char *target) {
        char cur[PATH_MAX];
        ssize_t n = readlink(at(f, rel), cur, sizeof cur - 1);
        if (n < 0)
                fprintf(stderr, "no link %s\n", rel);
        assert_true(n > 0);
        cur[n] = 0;
        assert_string_equal(cur, target[0] == '/' && !streq(target, "/dev/null") ? at(f, target + 1) : target);
}

static void assert_absent(Fixture *f, const char *rel) {
        struct stat st;
        assert_int_equal(lstat(at(f, rel), &st), -1);
}

static void dump_changes(const InstallChanges *c) {
        for (size_t i = 0; i < c->n; i++) {
                char *s = install_change_format(&c->changes[i]);
                fprintf(stderr, "  change[%zu] %s: %s\n", i, install_change_type_to_string(c->changes[i].type), s);
                free(s);
        }
}

/* The i-th change has type and path (relative to the root for links). */
static void assert_change(Fixture *f, size_t i, InstallChangeType type, const char *rel, const char *target) {
        if (i >= f->ch.n)
                dump_changes(&f->ch);
        assert_true(i < f->ch.n);
        const InstallChange *c = &f->ch.changes[i];
        if (c->type != type)
                dump_changes(&f->ch);
        assert_int_equal(c->type, type);
        if (type == INSTALL_CHANGE_CREATED || type == INSTALL_CHANGE_REMOVED)
                assert_string_equal(c->path, at(f, rel));
        else
                assert_string_equal(c->path, rel);
        if (target)
                assert_string_equal(c->target, streq(target, "/dev/null") ? target : at(f, target + 1));
        else
                assert_null(c->target);
}

static void assert_n_changes(Fixture *f, size_t n) {
        if (f->ch.n != n)
                dump_changes(&f->ch);
        assert_int_equal(f->ch.n, n);
}

static void reset_changes(Fixture *f) {
        install_changes_done(&f->ch);
}

static UnitFileState state_of(Fixture *f, const char *name) {
        UnitFileState s = _UNIT_FILE_STATE_MAX;
        int r = unit_file_get_state(&f->ctx, name, &s);
        if (r < 0)
                fprintf(stderr, "state of %s: %s\n", name, strerror(-r));
        assert_int_equal(r, 0);
        return s;
}

#define assert_state(f, name, want)                                                                          \
        do {                                                                                                 \
                UnitFileState _s = state_of(f, name);                                                        \
                if (_s != (want))                                                                            \
                        fprintf(stderr, "%s: %s, expected %s\n", name, unit_file_state_to_string(_s),        \
                                unit_file_state_to_string(want));                                            \
                assert_int_equal(_s, want);                                                                  \
        } while (0)

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(Fixture));
        snprintf(f->root, sizeof f->root, "/tmp/test-unit-install-XXXXXX");
        assert_non_null(mkdtemp(f->root));
        const char *names[] = { "run/generator.early", "etc", "usr/lib" };
        for (int i = 0; i < 3; i++) {
                assert_true(asprintf(&f->dirs[i], "%s/%s", f->root, names[i]) > 0);
                mkdir_p(f->dirs[i]);
        }
        f->ctx.search_path = f->dirs;
        f->ctx.runtime_dir = "/run";
        f->ctx.root = f->root;
        put(f, "usr/lib/foo.service",
            "[Service]\nExecStart=/bin/x\n[Install]\nWantedBy=multi-user.target\nRequiredBy=bar.target\n"
            "Alias=foo2.service\n");
        put(f, "usr/lib/helper.service", "[Service]\nExecStart=/bin/x\n[Install]\nWantedBy=sockets.target\n");
        put(f, "usr/lib/ind.service", "[Service]\nExecStart=/bin/x\n[Install]\nAlso=helper.service\n");
        put(f, "usr/lib/st.service", "[Service]\nExecStart=/bin/x\n");
        put(f, "usr/lib/t@.service",
            "[Service]\nExecStart=/bin/x %i\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=def\n");
        put(f, "usr/lib/nt@.service", "[Service]\nExecStart=/bin/x %i\n[Install]\nWantedBy=multi-user.target\n");
        put(f, "usr/lib/graphical.target", "[Unit]\nDescription=Graphical\n");
        put(f, "etc/local.service", "[Service]\nExecStart=/bin/x\n[Install]\nWantedBy=multi-user.target\n");
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->root);
        assert_int_equal(system(cmd), 0);
        for (int i = 0; i < 3; i++)
                free(f->dirs[i]);
        install_changes_done(&f->ch);
        free(f);
        return 0;
}

static void test_enable_links(void **state) {
        Fixture *f = *state;
        char *names[] = { "foo", NULL };
        assert_state(f, "foo.service", UNIT_FILE_DISABLED);
        assert_int_equal(unit_install_enable(&f->ctx, names, &f->ch), 0);
        /* systemctl's order: aliases, WantedBy=, RequiredBy= */
        assert_n_changes(f, 3);
        assert_change(f, 0, INSTALL_CHANGE_CREATED, "etc/foo2.service", "/usr/lib/foo.service");
        assert_change(f, 1, INSTALL_CHANGE_CREATED, "etc/multi-user.target.wants/foo.service", "/usr/lib/foo.service");
        assert_change(f, 2, INSTALL_CHANGE_CREATED, "etc/bar.target.requires/foo.service", "/usr/lib/foo.service");
        assert_link(f, "etc/foo2.service", "/usr/lib/foo.service");
        assert_link(f, "etc/multi-user.target.wants/foo.service", "/usr/lib/foo.service");
        assert_link(f, "etc/bar.target.requires/foo.service", "/usr/lib/foo.service");
        /* nothing in the generator's directory */
        assert_absent(f, "run/generator.early/foo2.service");
        assert_state(f, "foo.service", UNIT_FILE_ENABLED);
        assert_state(f, "foo2.service", UNIT_FILE_ALIAS);
        char *msg = install_change_format(&f->ch.changes[1]);
        char want[512];
        snprintf(want, sizeof want, "Created symlink %s/etc/multi-user.target.wants/foo.service \u2192 %s/usr/lib/foo.service.",
                 f->root, f->root);
        assert_string_equal(msg, want);
        free(msg);

        /* again: nothing to do */
        reset_changes(f);
        assert_int_equal(unit_install_enable(&f->ctx, names, &f->ch), 0);
        assert_n_changes(f, 0);

        /* by its alias: the same unit */
        char *alias[] = { "foo2.service", NULL };
        assert_int_equal(unit_install_enable(&f->ctx, alias, &f->ch), 0);
        assert_n_changes(f, 0);
}

static void test_enable_replaces_wants_link(void **state) {
        Fixture *f = *state;
        link_to(f, "/somewhere/else.service", "etc/multi-user.target.wants/local.service");
        char *names[] = { "local", NULL };
        assert_int_equal(unit_install_enable(&f->ctx, names, &f->ch), 0);
        assert_n_changes(f, 2);
        assert_change(f, 0, INSTALL_CHANGE_REMOVED, "etc/multi-user.target.wants/local.service", NULL);
        assert_change(f, 1, INSTALL_CHANGE_CREATED, "etc/multi-user.target.wants/local.service", "/etc/local.service");
        char *msg = install_change_format(&f->ch.changes[0]);
        char want[512];
        snprintf(want, sizeof want, "Removed \"%s/etc/multi-user.target.wants/local.service\".", f->root);
        assert_string_equal(msg, want);
        free(msg);
}

static void test_enable_alias_conflict(void **state) {
        Fixture *f = *state;
        put(f, "etc/foo2.service", "[Service]\nExecStart=/bin/y\n");
        char *names[] = { "foo", NULL };
        assert_int_equal(unit_install_enable(&f->ctx, names, &f->ch), -EEXIST);
        char want[512];
        snprintf(want, sizeof want, "Failed to enable unit, file \"%s/etc/foo2.service\" already exists.", f->root);
        assert_change(f, 0, INSTALL_CHANGE_ERROR, want, NULL);
        /* the rest is still done */
        assert_change(f, 1, INSTALL_CHANGE_CREATED, "etc/multi-user.target.wants/foo.service", "/usr/lib/foo.service");
        assert_n_changes(f, 3);
}

static void test_disable(void **state) {
        Fixture *f = *state;
        char *names[] = { "foo", "t@", NULL };
        assert_int_equal(unit_install_enable(&f->ctx, names, &f->ch), 0);
        assert_n_changes(f, 4);
        /* a link someone else made to the same file goes too; others stay */
        link_to(f, "../../usr/lib/foo.service", "etc/other.target.wants/foo.service");
        link_to(f, at(f, "usr/lib/helper.service"), "etc/sockets.target.wants/helper.service");
        reset_changes(f);
        assert_int_equal(unit_install_disable(&f->ctx, names, &f->ch), 0);
        /* sorted walk of the config dir */
        assert_n_changes(f, 5);
        assert_change(f, 0, INSTALL_CHANGE_REMOVED, "etc/bar.target.requires/foo.service", NULL);
        assert_change(f, 1, INSTALL_CHANGE_REMOVED, "etc/foo2.service", NULL);
        assert_change(f, 2, INSTALL_CHANGE_REMOVED, "etc/multi-user.target.wants/foo.service", NULL);
        assert_change(f, 3, INSTALL_CHANGE_REMOVED, "etc/multi-user.target.wants/t@def.service", NULL);
        assert_change(f, 4, INSTALL_CHANGE_REMOVED, "etc/other.target.wants/foo.service", NULL);
        assert_absent(f, "etc/foo2.service");
        assert_link(f, "etc/sockets.target.wants/helper.service", "/usr/lib/helper.service");
        assert_state(f, "foo.service", UNIT_FILE_DISABLED);
        assert_state(f, "t@.service", UNIT_FILE_DISABLED);
        /* the unit file in the config dir is no link: it stays */
        char *local[] = { "local", NULL };
        reset_changes(f);
        assert_int_equal(unit_install_enable(&f->ctx, local, &f->ch), 0);
        assert_int_equal(unit_install_disable(&f->ctx, local, &f->ch), 0);
        assert_n_changes(f, 2);
        assert_int_equal(access(at(f, "etc/local.service"), F_OK), 0);
        /* unknown and static units: nothing, no error */
        char *none[] = { "nope", "st", NULL };
        reset_changes(f);
        assert_int_equal(unit_install_disable(&f->ctx, none, &f->ch), 0);
        assert_n_changes(f, 0);
}

static void test_also(void **state) {
        Fixture *f = *state;
        char *names[] = { "ind", NULL };
        assert_state(f, "ind.service", UNIT_FILE_INDIRECT);
        assert_int_equal(unit_install_enable(&f->ctx, names, &f->ch), 0);
        assert_n_changes(f, 1);
        assert_change(f, 0, INSTALL_CHANGE_CREATED, "etc/sockets.target.wants/helper.service", "/usr/lib/helper.service");
        assert_state(f, "helper.service", UNIT_FILE_ENABLED);
        assert_state(f, "ind.service", UNIT_FILE_INDIRECT);
        reset_changes(f);
        assert_int_equal(unit_install_disable(&f->ctx, names, &f->ch), 0);
        assert_n_changes(f, 1);
        assert_change(f, 0, INSTALL_CHANGE_REMOVED, "etc/sockets.target.wants/helper.service", NULL);
        assert_state(f, "helper.service", UNIT_FILE_DISABLED);
}

static void test_template(void **state) {
        Fixture *f = *state;
        char *tmpl[] = { "t@.service", NULL };
        assert_int_equal(unit_install_enable(&f->ctx, tmpl, &f->ch), 0);
        assert_n_changes(f, 1);
        assert_change(f, 0, INSTALL_CHANGE_CREATED, "etc/multi-user.target.wants/t@def.service", "/usr/lib/t@.service");
        assert_state(f, "t@.service", UNIT_FILE_ENABLED);
        assert_state(f, "t@def.service", UNIT_FILE_ENABLED);
        assert_state(f, "t@other.service", UNIT_FILE_DISABLED);

        /* an explicit instance of a template without DefaultInstance= */
        char *inst[] = { "nt@x.service", NULL };
        reset_changes(f);
        assert_int_equal(unit_install_enable(&f->ctx, inst, &f->ch), 0);
        assert_change(f, 0, INSTALL_CHANGE_CREATED, "etc/multi-user.target.wants/nt@x.service", "/usr/lib/nt@.service");
        assert_state(f, "nt@x.service", UNIT_FILE_ENABLED);
        assert_state(f, "nt@.service", UNIT_FILE_INDIRECT);

        /* the template itself has no instance to link */
        char *bare[] = { "nt@.service", NULL };
        reset_changes(f);
        assert_int_equal(unit_install_enable(&f->ctx, bare, &f->ch), -EINVAL);
        assert_n_changes(f, 1);
        assert_change(f, 0, INSTALL_CHANGE_ERROR,
                      "Failed to enable nt@.service, destination unit multi-user.target is a non-template unit.", NULL);

        /* disabling the template removes every instance's link */
        char *both[] = { "t@.service", "nt@.service", NULL };
        reset_changes(f);
        assert_int_equal(unit_install_disable(&f->ctx, both, &f->ch), 0);
        assert_n_changes(f, 2);
        assert_absent(f, "etc/multi-user.target.wants/nt@x.service");
        assert_absent(f, "etc/multi-user.target.wants/t@def.service");
}

static void test_static_and_missing(void **state) {
        Fixture *f = *state;
        char *names[] = { "st", NULL };
        assert_int_equal(unit_install_enable(&f->ctx, names, &f->ch), 0);
        assert_n_changes(f, 1);
        assert_int_equal(f->ch.changes[0].type, INSTALL_CHANGE_NOTE);
        assert_true(startswith(f->ch.changes[0].path,
                               "The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n"
                               "Alias= settings in the [Install] section"));
        assert_state(f, "st.service", UNIT_FILE_STATIC);

        char *missing[] = { "nope", "foo", NULL };
        reset_changes(f);
        assert_int_equal(unit_install_enable(&f->ctx, missing, &f->ch), -ENOENT);
        assert_change(f, 0, INSTALL_CHANGE_ERROR, "Failed to enable unit, unit nope.service does not exist.", NULL);
        assert_n_changes(f, 4); /* foo is still enabled */
        UnitFileState s;
        assert_int_equal(unit_file_get_state(&f->ctx, "nope", &s), -ENOENT);
        assert_int_equal(unit_file_get_state(&f->ctx, "bad/name", &s), -EINVAL);

        char *bad[] = { "bad/name", NULL };
        reset_changes(f);
        assert_int_equal(unit_install_enable(&f->ctx, bad, &f->ch), -EINVAL);
        assert_change(f, 0, INSTALL_CHANGE_ERROR, "Failed to enable unit, unit name \"bad/name\" is not valid.", NULL);
}

static void test_mask_unmask(void **state) {
        Fixture *f = *state;
        char *names[] = { "foo", "nope", NULL };
        assert_int_equal(unit_install_mask(&f->ctx, names, &f->ch), 0);
        assert_n_changes(f, 2);
        assert_change(f, 0, INSTALL_CHANGE_CREATED, "etc/foo.service", "/dev/null");
        assert_change(f, 1, INSTALL_CHANGE_CREATED, "etc/nope.service", "/dev/null");
        assert_link(f, "etc/foo.service", "/dev/null");
        assert_state(f, "foo.service", UNIT_FILE_MASKED);
        assert_state(f, "nope.service", UNIT_FILE_MASKED);
        UnitFile *u = NULL;
        assert_int_equal(unit_file_load(&f->ctx, "foo", &u), 0);
        assert_int_equal(u->load_state, UNIT_MASKED);
        unit_file_free(u);

        /* masked twice: nothing; enable refuses; disable ignores */
        reset_changes(f);
        assert_int_equal(unit_install_mask(&f->ctx, names, &f->ch), 0);
        assert_n_changes(f, 0);
        char *foo[] = { "foo", NULL };
        char want[512];
        snprintf(want, sizeof want, "Failed to enable unit, unit %s/etc/foo.service is masked.", f->root);
        assert_int_equal(unit_install_enable(&f->ctx, foo, &f->ch), -ERFKILL);
        assert_change(f, 0, INSTALL_CHANGE_ERROR, want, NULL);
        reset_changes(f);
        assert_int_equal(unit_install_disable(&f->ctx, foo, &f->ch), 0);
        snprintf(want, sizeof want, "Unit %s/etc/foo.service is masked, ignoring.", f->root);
        assert_change(f, 0, INSTALL_CHANGE_ERROR, want, NULL);
        assert_link(f, "etc/foo.service", "/dev/null");

        /* a real file or another link at that path is never replaced */
        char *local[] = { "local", NULL };
        reset_changes(f);
        assert_int_equal(unit_install_mask(&f->ctx, local, &f->ch), -EEXIST);
        snprintf(want, sizeof want, "Failed to mask unit, file \"%s/etc/local.service\" already exists.", f->root);
        assert_change(f, 0, INSTALL_CHANGE_ERROR, want, NULL);
        link_to(f, "/usr/lib/st.service", "etc/st2.service");
        char *st2[] = { "st2", NULL };
        reset_changes(f);
        assert_int_equal(unit_install_mask(&f->ctx, st2, &f->ch), -EEXIST);
        snprintf(want, sizeof want,
                 "Failed to mask unit, file \"%s/etc/st2.service\" already exists and is a symlink to \"/usr/lib/st.service\".",
                 f->root);
        assert_change(f, 0, INSTALL_CHANGE_ERROR, want, NULL);

        /* unmask removes only masking links */
        char *all[] = { "foo", "nope", "local", "st2", NULL };
        reset_changes(f);
        assert_int_equal(unit_install_unmask(&f->ctx, all, &f->ch), 0);
        assert_n_changes(f, 2);
        assert_change(f, 0, INSTALL_CHANGE_REMOVED, "etc/foo.service", NULL);
        assert_change(f, 1, INSTALL_CHANGE_REMOVED, "etc/nope.service", NULL);
        assert_state(f, "foo.service", UNIT_FILE_DISABLED);
        assert_int_equal(access(at(f, "etc/local.service"), F_OK), 0);
}

static void test_states(void **state) {
        Fixture *f = *state;
        /* vendor links do not enable */
        link_to(f, "../helper.service", "usr/lib/multi-user.target.wants/helper.service");
        link_to(f, "../st.service", "usr/lib/multi-user.target.wants/st.service");
        assert_state(f, "helper.service", UNIT_FILE_DISABLED);
        assert_state(f, "st.service", UNIT_FILE_STATIC);
        /* nor do a generator's */
        link_to(f, "/usr/lib/helper.service", "run/generator.early/sockets.target.wants/helper.service");
        assert_state(f, "helper.service", UNIT_FILE_DISABLED);
        /* a vendor alias is an alias; its unit stays static */
        link_to(f, "st.service", "usr/lib/st-alias.service");
        assert_state(f, "st-alias.service", UNIT_FILE_ALIAS);
        assert_state(f, "st.service", UNIT_FILE_STATIC);
        /* a configured alias not in Alias= makes it indirect */
        link_to(f, "/usr/lib/st.service", "etc/st3.service");
        assert_state(f, "st3.service", UNIT_FILE_ALIAS);
        assert_state(f, "st.service", UNIT_FILE_INDIRECT);
        /* an Alias= link alone enables */
        put(f, "usr/lib/al.service", "[Service]\nExecStart=/bin/x\n[Install]\nAlias=al2.service\n");
        assert_state(f, "al.service", UNIT_FILE_DISABLED);
        char *al[] = { "al", NULL };
        assert_int_equal(unit_install_enable(&f->ctx, al, &f->ch), 0);
        assert_state(f, "al.service", UNIT_FILE_ENABLED);
        assert_state(f, "al2.service", UNIT_FILE_ALIAS);

        UnitFileEntry *e = NULL;
        size_t n = 0;
        assert_int_equal(unit_file_list(&f->ctx, &e, &n), 0);
        const struct {
                const char *name;
                UnitFileState state;
        } want[] = {
                { "al.service", UNIT_FILE_ENABLED },    { "al2.service", UNIT_FILE_ALIAS },
                { "foo.service", UNIT_FILE_DISABLED },  { "graphical.target", UNIT_FILE_STATIC },
                { "helper.service", UNIT_FILE_DISABLED }, { "ind.service", UNIT_FILE_INDIRECT },
                { "local.service", UNIT_FILE_DISABLED }, { "nt@.service", UNIT_FILE_DISABLED },
                { "st-alias.service", UNIT_FILE_ALIAS }, { "st.service", UNIT_FILE_INDIRECT },
                { "st3.service", UNIT_FILE_ALIAS },     { "t@.service", UNIT_FILE_DISABLED },
        };
        for (size_t i = 0; i < n && i < ELEMENTSOF(want); i++)
                if (!streq(e[i].name, want[i].name) || e[i].state != want[i].state)
                        fprintf(stderr, "%zu: %s %s\n", i, e[i].name, unit_file_state_to_string(e[i].state));
        assert_int_equal(n, ELEMENTSOF(want));
        for (size_t i = 0; i < n; i++) {
                assert_string_equal(e[i].name, want[i].name);
                assert_int_equal(e[i].state, want[i].state);
        }
        unit_file_entries_free(e, n);
}

static void test_default_target(void **state) {
        Fixture *f = *state;
        char *name = NULL;
        assert_int_equal(unit_install_get_default(&f->ctx, &name), -ENOENT);
        assert_int_equal(unit_install_set_default(&f->ctx, "graphical", &f->ch), 0);
        assert_n_changes(f, 1);
        assert_change(f, 0, INSTALL_CHANGE_CREATED, "etc/default.target", "/usr/lib/graphical.target");
        assert_int_equal(unit_install_get_default(&f->ctx, &name), 0);
        assert_string_equal(name, "graphical.target");
        free(name);
        /* the same again: nothing */
        reset_changes(f);
        assert_int_equal(unit_install_set_default(&f->ctx, "graphical.target", &f->ch), 0);
        assert_n_changes(f, 0);
        /* another: replaced */
        put(f, "usr/lib/rescue.target", "[Unit]\nDescription=Rescue\n");
        assert_int_equal(unit_install_set_default(&f->ctx, "rescue.target", &f->ch), 0);
        assert_n_changes(f, 2);
        assert_change(f, 0, INSTALL_CHANGE_REMOVED, "etc/default.target", NULL);
        assert_change(f, 1, INSTALL_CHANGE_CREATED, "etc/default.target", "/usr/lib/rescue.target");
        /* unknown target, not a target */
        reset_changes(f);
        assert_int_equal(unit_install_set_default(&f->ctx, "nope.target", &f->ch), -ENOENT);
        assert_change(f, 0, INSTALL_CHANGE_ERROR, "Failed to set default unit, unit nope.target does not exist.", NULL);
        reset_changes(f);
        assert_int_equal(unit_install_set_default(&f->ctx, "foo.service", &f->ch), -EINVAL);
        assert_n_changes(f, 1);
        /* disabling the target removes default.target, as systemctl does */
        char *rescue[] = { "rescue.target", NULL };
        reset_changes(f);
        assert_int_equal(unit_install_disable(&f->ctx, rescue, &f->ch), 0);
        assert_change(f, 0, INSTALL_CHANGE_REMOVED, "etc/default.target", NULL);
        assert_int_equal(unit_install_get_default(&f->ctx, &name), -ENOENT);
}

static void test_change_types(void **state) {
        for (int t = 0; t < _INSTALL_CHANGE_TYPE_MAX; t++)
                assert_int_equal(install_change_type_from_string(install_change_type_to_string(t)), t);
        assert_int_equal(install_change_type_from_string("bogus"), _INSTALL_CHANGE_TYPE_INVALID);
        assert_int_equal(install_change_type_from_string(NULL), _INSTALL_CHANGE_TYPE_INVALID);
        assert_null(install_change_type_to_string(_INSTALL_CHANGE_TYPE_MAX));
}

static void test_no_directory(void **state) {
        char *none[] = { NULL };
        UnitLoadContext ctx = { .search_path = none };
        InstallChanges ch = {};
        char *names[] = { "foo", NULL };
        assert_int_equal(unit_install_enable(&ctx, names, &ch), -ENOENT);
        assert_int_equal(ch.n, 1);
        assert_int_equal(ch.changes[0].type, INSTALL_CHANGE_ERROR);
        install_changes_done(&ch);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_enable_links, setup, teardown),
                cmocka_unit_test_setup_teardown(test_enable_replaces_wants_link, setup, teardown),
                cmocka_unit_test_setup_teardown(test_enable_alias_conflict, setup, teardown),
                cmocka_unit_test_setup_teardown(test_disable, setup, teardown),
                cmocka_unit_test_setup_teardown(test_also, setup, teardown),
                cmocka_unit_test_setup_teardown(test_template, setup, teardown),
                cmocka_unit_test_setup_teardown(test_static_and_missing, setup, teardown),
                cmocka_unit_test_setup_teardown(test_mask_unmask, setup, teardown),
                cmocka_unit_test_setup_teardown(test_states, setup, teardown),
                cmocka_unit_test_setup_teardown(test_default_target, setup, teardown),
                cmocka_unit_test(test_change_types),
                cmocka_unit_test(test_no_directory),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
