/* test-unit-load.c — the search path in temporary directories: precedence,
 * templates and instances, aliases and masks by symlink, drop-ins (order,
 * overrides, resets, masks, deep stacks), list-unit-files and is-enabled. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "test-unit-helpers.h"
#include "lib/strv.h"

typedef struct Fixture {
        char root[64];
        char *dirs[4]; /* etc, run, lib, NULL */
        UnitLoadContext ctx;
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

static void put(Fixture *f, const char *rel, const char *text) {
        char path[512], dir[512];
        snprintf(path, sizeof path, "%s/%s", f->root, rel);
        snprintf(dir, sizeof dir, "%s", path);
        *strrchr(dir, '/') = 0;
        mkdir_p(dir);
        FILE *fp = fopen(path, "we");
        assert_non_null(fp);
        fputs(text, fp);
        fclose(fp);
}

static void link_to(Fixture *f, const char *target, const char *rel) {
        char path[512], dir[512];
        snprintf(path, sizeof path, "%s/%s", f->root, rel);
        snprintf(dir, sizeof dir, "%s", path);
        *strrchr(dir, '/') = 0;
        mkdir_p(dir);
        assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof(Fixture));
        snprintf(f->root, sizeof f->root, "/tmp/test-unit-load-XXXXXX");
        assert_non_null(mkdtemp(f->root));
        const char *names[] = { "etc", "run", "lib" };
        for (int i = 0; i < 3; i++) {
                assert_true(asprintf(&f->dirs[i], "%s/%s", f->root, names[i]) > 0);
                mkdir_p(f->dirs[i]);
        }
        f->ctx.search_path = f->dirs;
        f->ctx.runtime_dir = "/run";
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
        free(f);
        return 0;
}

static UnitFile *load(Fixture *f, const char *name) {
        UnitFile *u = NULL;
        assert_int_equal(unit_file_load(&f->ctx, name, &u), 0);
        return u;
}

static const char *start0(UnitFile *u) {
        ExecCommandList *l = &u->s.service.exec[SERVICE_EXEC_START];
        return l->n ? l->items[0].path : "(none)";
}

static void test_precedence(void **state) {
        Fixture *f = *state;
        put(f, "lib/a.service", "[Service]\nExecStart=/bin/lib\n");
        put(f, "etc/a.service", "[Service]\nExecStart=/bin/etc\n");
        put(f, "run/b.service", "[Service]\nExecStart=/bin/run\n");
        put(f, "lib/b.service", "[Service]\nExecStart=/bin/lib\n");
        UnitFile *u = load(f, "a");
        assert_no_diag(u);
        assert_string_equal(u->name, "a.service");
        assert_string_equal(start0(u), "/bin/etc");
        assert_true(endswith(u->fragment_path, "/etc/a.service"));
        unit_file_free(u);
        u = load(f, "b.service");
        assert_string_equal(start0(u), "/bin/run");
        unit_file_free(u);
}

/* The index answers for the disk until a search directory changes, and
 * says so at once; loads through it see what loads without it see. */
static void test_path_index(void **state) {
        Fixture *f = *state;
        put(f, "lib/a.service", "[Service]\nExecStart=/bin/lib\n");
        put(f, "etc/a.service.d/x.conf", "[Service]\nExecStart=\nExecStart=/bin/dropin\n");
        UnitPathIndex *idx = NULL;
        assert_int_equal(unit_path_index_new(f->dirs, &idx), 0);
        assert_int_equal(unit_path_index_lookup(idx, f->dirs, 0, "a.service.d"), 1);
        assert_int_equal(unit_path_index_lookup(idx, f->dirs, 0, "a.service"), 0);
        assert_int_equal(unit_path_index_lookup(idx, f->dirs, 2, "a.service"), 1);
        assert_int_equal(unit_path_index_lookup(idx, f->dirs, 3, "a.service"), -1);
        assert_false(unit_path_index_is_stale(idx));
        f->ctx.path_index = idx;
        UnitFile *u = load(f, "a");
        assert_string_equal(start0(u), "/bin/dropin");
        unit_file_free(u);
        /* A file inside a known drop-in directory is read from disk anyway. */
        put(f, "etc/a.service.d/y.conf", "[Unit]\nDescription=late\n");
        assert_false(unit_path_index_is_stale(idx));
        u = load(f, "a");
        assert_string_equal(u->s.description, "late");
        unit_file_free(u);
        /* A fragment read through the index is kept; writing it makes the index stale. */
        put(f, "lib/a.service", "[Service]\nExecStart=/bin/lib2\n");
        assert_true(unit_path_index_is_stale(idx));
        unit_path_index_free(idx);
        assert_int_equal(unit_path_index_new(f->dirs, &idx), 0);
        f->ctx.path_index = idx;
        for (int i = 0; i < 2; i++) { /* read, then from the index */
                u = load(f, "a");
                assert_string_equal(u->s.description, "late");
                assert_true(endswith(u->fragment_path, "/lib/a.service"));
                assert_int_equal(u->s.service.exec[SERVICE_EXEC_START].n, 1);
                unit_file_free(u);
        }
        /* A new unit file: stale at once; the old index does not know it. */
        put(f, "run/b.service", "[Service]\nExecStart=/bin/b\n");
        assert_true(unit_path_index_is_stale(idx));
        assert_false(unit_path_index_is_stale(idx));
        u = load(f, "b");
        assert_int_equal(u->load_state, UNIT_NOT_FOUND);
        unit_file_free(u);
        unit_path_index_free(idx);
        assert_int_equal(unit_path_index_new(f->dirs, &idx), 0);
        f->ctx.path_index = idx;
        u = load(f, "b");
        assert_int_equal(u->load_state, UNIT_LOADED);
        unit_file_free(u);
        /* A search directory that does not exist yet is watched through its parent. */
        char *dirs[] = { f->dirs[0], NULL, NULL };
        assert_true(asprintf(&dirs[1], "%s/gen/late", f->root) > 0);
        UnitPathIndex *idx2 = NULL;
        assert_int_equal(unit_path_index_new(dirs, &idx2), 0);
        assert_int_equal(unit_path_index_lookup(idx2, dirs, 1, "c.service"), 0);
        put(f, "unrelated.txt", "x"); /* next to the missing directory: no matter */
        assert_false(unit_path_index_is_stale(idx2));
        put(f, "gen/late/c.service", "[Service]\nExecStart=/bin/c\n");
        assert_true(unit_path_index_is_stale(idx2));
        unit_path_index_free(idx2);
        free(dirs[1]);
        f->ctx.path_index = NULL;
        unit_path_index_free(idx);
}

static void test_not_found_and_invalid(void **state) {
        Fixture *f = *state;
        UnitFile *u = load(f, "nope.service");
        assert_int_equal(u->load_state, UNIT_NOT_FOUND);
        assert_string_equal(u->load_error, "Unit nope.service not found.");
        unit_file_free(u);
        u = NULL;
        assert_int_equal(unit_file_load(&f->ctx, "bad/name", &u), -EINVAL);
        assert_int_equal(unit_file_load(&f->ctx, "", &u), -EINVAL);
        assert_int_equal(unit_file_load(&f->ctx, "@x.service", &u), -EINVAL);
        assert_null(u);
}

static void test_template_instance(void **state) {
        Fixture *f = *state;
        put(f, "lib/getty@.service", "[Unit]\nDescription=Getty on %I\n[Service]\nExecStart=/sbin/agetty %I\n");
        put(f, "etc/getty@tty2.service", "[Service]\nExecStart=/bin/special\n");
        UnitFile *u = load(f, "getty@tty1.service");
        assert_no_diag(u);
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_string_equal(u->id, "getty@tty1.service");
        assert_string_equal(u->instance, "tty1");
        assert_true(endswith(u->fragment_path, "/lib/getty@.service"));
        assert_string_equal(u->s.description, "Getty on tty1");
        assert_string_equal(u->s.service.exec[SERVICE_EXEC_START].items[0].argv[1], "tty1");
        unit_file_free(u);
        u = load(f, "getty@tty2.service");
        assert_string_equal(start0(u), "/bin/special");
        unit_file_free(u);
        /* An instance linked to its template is that template's instance. */
        link_to(f, "../lib/getty@.service", "etc/getty@tty3.service");
        u = load(f, "getty@tty3.service");
        assert_string_equal(u->id, "getty@tty3.service");
        assert_string_equal(u->instance, "tty3");
        assert_string_equal(u->s.description, "Getty on tty3");
        unit_file_free(u);
        /* A template linked to a plain unit can not make instances. */
        put(f, "lib/plain.service", "[Service]\nExecStart=/bin/p\n");
        link_to(f, "plain.service", "lib/odd@.service");
        u = load(f, "odd@x.service");
        assert_int_equal(u->load_state, UNIT_ERROR);
        unit_file_free(u);
}

static void test_alias(void **state) {
        Fixture *f = *state;
        put(f, "lib/real.service", "[Unit]\nDescription=%n\n[Service]\nExecStart=/bin/real\n");
        link_to(f, "../lib/real.service", "etc/other.service");
        link_to(f, "real.service", "lib/third.service");
        UnitFile *u = load(f, "other.service");
        assert_no_diag(u);
        assert_string_equal(u->name, "other.service");
        assert_string_equal(u->id, "real.service");
        assert_string_equal(u->s.description, "real.service");
        assert_true(endswith(u->fragment_path, "/lib/real.service"));
        assert_true(strv_contains(u->aliases, "other.service"));
        assert_true(strv_contains(u->aliases, "third.service"));
        unit_file_free(u);
        u = load(f, "real.service");
        assert_true(strv_contains(u->aliases, "other.service"));
        assert_true(strv_contains(u->aliases, "third.service"));
        assert_int_equal(strv_length(u->aliases), 2);
        unit_file_free(u);
        /* Same with the map read once. */
        UnitAliasMap *m = NULL;
        assert_int_equal(unit_alias_map_new(&f->ctx, &m), 0);
        f->ctx.alias_map = m;
        u = load(f, "real.service");
        assert_int_equal(strv_length(u->aliases), 2);
        unit_file_free(u);
        f->ctx.alias_map = NULL;
        unit_alias_map_free(m);
}

static void test_alias_other_type(void **state) {
        Fixture *f = *state;
        put(f, "lib/s.socket", "[Socket]\nListenStream=1\n");
        link_to(f, "s.socket", "lib/s.service");
        UnitFile *u = load(f, "s.service");
        assert_int_equal(u->load_state, UNIT_ERROR);
        assert_non_null(strstr(u->load_error, "different unit type"));
        unit_file_free(u);
}

static void test_mask(void **state) {
        Fixture *f = *state;
        put(f, "lib/m.service", "[Service]\nExecStart=/bin/m\n");
        link_to(f, "/dev/null", "etc/m.service");
        put(f, "lib/t@.service", "[Service]\nExecStart=/bin/t\n");
        link_to(f, "/dev/null", "etc/t@.service");
        UnitFile *u = load(f, "m.service");
        assert_int_equal(u->load_state, UNIT_MASKED);
        assert_string_equal(u->load_error, "Unit m.service is masked.");
        assert_int_equal(u->s.service.exec[SERVICE_EXEC_START].n, 0);
        unit_file_free(u);
        u = load(f, "t@x.service");
        assert_int_equal(u->load_state, UNIT_MASKED);
        unit_file_free(u);
}

static void test_dropins(void **state) {
        Fixture *f = *state;
        put(f, "lib/my-app.service", "[Unit]\nDescription=base\n[Service]\nExecStart=/bin/old\n"
                                     "Environment=BASE=1\n");
        put(f, "lib/my-app.service.d/10-a.conf", "[Unit]\nDescription=lib-dropin\n");
        put(f, "etc/my-app.service.d/10-a.conf", "[Unit]\nDescription=etc-dropin\n");
        put(f, "etc/my-app.service.d/20-b.conf", "[Service]\nExecStart=\nExecStart=/bin/new\nEnvironment=B=2\n");
        put(f, "lib/service.d/05-top.conf", "[Service]\nEnvironment=TOP=1\n");
        put(f, "lib/my-.service.d/07-dash.conf", "[Service]\nEnvironment=DASH=1\n");
        put(f, "lib/my-app.service.d/30-masked.conf", "[Service]\nEnvironment=MASKED=1\n");
        link_to(f, "/dev/null", "etc/my-app.service.d/30-masked.conf");
        put(f, "lib/my-app.service.d/README", "[Service]\nEnvironment=NOT_CONF=1\n");
        put(f, "etc/my-app.service.d/40-bad.conf", "[Service]\nRestart=sometimes\n");
        UnitFile *u = load(f, "my-app.service");
        assert_int_equal(u->load_state, UNIT_LOADED);
        assert_string_equal(u->s.description, "etc-dropin");
        assert_int_equal(u->s.service.exec[SERVICE_EXEC_START].n, 1);
        assert_string_equal(start0(u), "/bin/new");
        char **env = u->s.exec.environment;
        assert_int_equal(strv_length(env), 4);
        assert_string_equal(env[0], "BASE=1");
        assert_string_equal(env[1], "TOP=1");
        assert_string_equal(env[2], "DASH=1");
        assert_string_equal(env[3], "B=2");
        assert_int_equal(strv_length(u->dropin_paths), 5);
        assert_true(endswith(u->dropin_paths[0], "/lib/service.d/05-top.conf"));
        assert_true(endswith(u->dropin_paths[2], "/etc/my-app.service.d/10-a.conf"));
        char expect[600];
        snprintf(expect, sizeof expect,
                 "%s/etc/my-app.service.d/40-bad.conf:2: Failed to parse Restart= value 'sometimes': unknown "
                 "value, ignoring.", f->root);
        assert_diag(u, expect);
        unit_file_free(u);
}

static void test_dropin_template_and_alias(void **state) {
        Fixture *f = *state;
        put(f, "lib/w@.service", "[Service]\nExecStart=/bin/w %i\n");
        put(f, "lib/w@.service.d/a.conf", "[Service]\nEnvironment=T=1\n");
        put(f, "etc/w@x.service.d/b.conf", "[Service]\nEnvironment=I=1\n");
        UnitFile *u = load(f, "w@x.service");
        assert_int_equal(strv_length(u->s.exec.environment), 2);
        unit_file_free(u);
        u = load(f, "w@y.service");
        assert_int_equal(strv_length(u->s.exec.environment), 1);
        unit_file_free(u);
        /* Drop-ins of the alias name apply too. */
        put(f, "lib/r.service", "[Service]\nExecStart=/bin/r\n");
        link_to(f, "r.service", "etc/al.service");
        put(f, "etc/al.service.d/x.conf", "[Service]\nEnvironment=VIA_ALIAS=1\n");
        u = load(f, "al.service");
        assert_string_equal(u->s.exec.environment[0], "VIA_ALIAS=1");
        unit_file_free(u);
}

static void test_dropin_deep_stack(void **state) {
        Fixture *f = *state;
        put(f, "lib/deep.service", "[Service]\nExecStart=/bin/deep\n");
        for (int i = 0; i < 100; i++) {
                char rel[128], text[128];
                snprintf(rel, sizeof rel, "%s/deep.service.d/%03d.conf", i % 2 ? "etc" : "lib", i);
                snprintf(text, sizeof text, "[Service]\nEnvironment=LEVEL=%d\nEnvironment=V%d=%d\n", i, i, i);
                put(f, rel, text);
        }
        UnitFile *u = load(f, "deep.service");
        assert_no_diag(u);
        assert_int_equal(strv_length(u->dropin_paths), 100);
        assert_int_equal(strv_length(u->s.exec.environment), 101);
        assert_string_equal(u->s.exec.environment[99], "LEVEL=99");
        unit_file_free(u);
}

static void test_load_path(void **state) {
        Fixture *f = *state;
        put(f, "lib/p.service", "[Service]\nExecStart=/bin/p\n");
        put(f, "lib/p.service.d/x.conf", "[Service]\nExecStart=\n");
        char path[256];
        snprintf(path, sizeof path, "%s/lib/p.service", f->root);
        UnitFile *u = NULL;
        assert_int_equal(unit_file_load_path(&f->ctx, path, NULL, &u), 0);
        assert_string_equal(u->name, "p.service");
        assert_string_equal(start0(u), "/bin/p"); /* no drop-ins */
        unit_file_free(u);
        u = NULL;
        assert_int_equal(unit_file_load_path(&f->ctx, "/nonexistent/x.service", NULL, &u), 0);
        assert_int_equal(u->load_state, UNIT_ERROR);
        assert_diag(u, "/nonexistent/x.service: Failed to open file: No such file or directory");
        unit_file_free(u);
        u = NULL;
        assert_int_equal(unit_file_load_path(&f->ctx, "/tmp/notaunit", NULL, &u), -EINVAL);
        assert_int_equal(unit_file_load_path(&f->ctx, f->root, "dir.service", &u), 0);
        assert_int_equal(u->load_state, UNIT_ERROR);
        unit_file_free(u);
}

static void test_list_and_state(void **state) {
        Fixture *f = *state;
        put(f, "lib/en.service", "[Service]\nExecStart=/bin/x\n[Install]\nWantedBy=multi-user.target\n");
        put(f, "lib/dis.service", "[Service]\nExecStart=/bin/x\n[Install]\nWantedBy=multi-user.target\n");
        put(f, "lib/st.service", "[Service]\nExecStart=/bin/x\n");
        put(f, "lib/ind.service", "[Service]\nExecStart=/bin/x\n[Install]\nAlso=en.service\n");
        put(f, "lib/tp@.service", "[Service]\nExecStart=/bin/x\n[Install]\nWantedBy=multi-user.target\n");
        put(f, "lib/mk.service", "[Service]\nExecStart=/bin/x\n");
        link_to(f, "/dev/null", "etc/mk.service");
        link_to(f, "../../lib/en.service", "etc/multi-user.target.wants/en.service");
        link_to(f, "../../lib/tp@.service", "etc/multi-user.target.wants/tp@one.service");
        link_to(f, "en.service", "lib/en-alias.service");
        UnitFileEntry *e = NULL;
        size_t n = 0;
        assert_int_equal(unit_file_list(&f->ctx, &e, &n), 0);
        const struct {
                const char *name;
                UnitFileState state;
        } want[] = {
                { "dis.service", UNIT_FILE_DISABLED }, { "en-alias.service", UNIT_FILE_ALIAS },
                { "en.service", UNIT_FILE_ENABLED },   { "ind.service", UNIT_FILE_INDIRECT },
                { "mk.service", UNIT_FILE_MASKED },    { "st.service", UNIT_FILE_STATIC },
                { "tp@.service", UNIT_FILE_INDIRECT }, /* an instance, no DefaultInstance= */
        };
        assert_int_equal(n, ELEMENTSOF(want));
        for (size_t i = 0; i < n; i++) {
                assert_string_equal(e[i].name, want[i].name);
                if (e[i].state != want[i].state)
                        fprintf(stderr, "%s: %s\n", e[i].name, unit_file_state_to_string(e[i].state));
                assert_int_equal(e[i].state, want[i].state);
        }
        unit_file_entries_free(e, n);
        UnitFileState s;
        assert_int_equal(unit_file_get_state(&f->ctx, "en", &s), 0);
        assert_int_equal(s, UNIT_FILE_ENABLED);
        assert_int_equal(unit_file_get_state(&f->ctx, "mk.service", &s), 0);
        assert_int_equal(s, UNIT_FILE_MASKED);
        assert_int_equal(unit_file_get_state(&f->ctx, "none.service", &s), -ENOENT);
        char **wants = NULL, **requires = NULL;
        assert_int_equal(unit_file_wants_dirs(&f->ctx, "multi-user.target", &wants, &requires), 0);
        assert_int_equal(strv_length(wants), 2);
        assert_true(strv_contains(wants, "en.service"));
        assert_true(strv_contains(wants, "tp@one.service"));
        assert_null(requires);
        strv_free(wants);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_precedence, setup, teardown),
                cmocka_unit_test_setup_teardown(test_not_found_and_invalid, setup, teardown),
                cmocka_unit_test_setup_teardown(test_template_instance, setup, teardown),
                cmocka_unit_test_setup_teardown(test_alias, setup, teardown),
                cmocka_unit_test_setup_teardown(test_alias_other_type, setup, teardown),
                cmocka_unit_test_setup_teardown(test_mask, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dropins, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dropin_template_and_alias, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dropin_deep_stack, setup, teardown),
                cmocka_unit_test_setup_teardown(test_load_path, setup, teardown),
                cmocka_unit_test_setup_teardown(test_list_and_state, setup, teardown),
                cmocka_unit_test_setup_teardown(test_path_index, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
