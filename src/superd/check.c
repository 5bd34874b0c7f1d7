#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_diag(const Diag *d) {
        for (size_t i = 0; i < d->n; i++)
                fprintf(stderr, "%s\n", d->entries[i].text);
        if (d->dropped)
                fprintf(stderr, "(%zu more messages not shown)\n", d->dropped);
}

int superd_check(const ManagerOptions *o) {
        Manager *m = NULL;
        int r = manager_new(o, &m), bad = 0;
        if (r >= 0)
                r = manager_load_config(m);
        if (r < 0) {
                fprintf(stderr, "superd: Failed to load configuration: %s\n", strerror(-r));
                manager_free(m);
                return EXIT_FAILURE;
        }
        print_diag(&m->config_diag);
        bad |= diag_has_errors(&m->config_diag);
        UnitFileEntry *e = NULL;
        size_t n = 0;
        r = unit_file_list(&m->load_ctx, &e, &n);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                UnitFile *f = NULL;
                if (unit_name_is_template(e[i].name) || e[i].state == UNIT_FILE_MASKED ||
                    unit_file_load(&m->load_ctx, e[i].name, &f) < 0)
                        continue;
                print_diag(&f->diag);
                if (f->load_state != UNIT_LOADED && f->load_state != UNIT_MASKED) {
                        fprintf(stderr, "%s: %s%s%s\n", e[i].name, unit_load_state_to_string(f->load_state),
                                f->load_error ? ": " : "", f->load_error ? f->load_error : "");
                        bad = 1;
                }
                unit_file_free(f);
        }
        printf("%zu unit files checked, %s.\n", n, bad ? "problems found" : "all loadable");
        unit_file_entries_free(e, n);
        manager_free(m);
        return bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
