/* verify.c — `superctl verify FILE...`: load unit files with no daemon and
 * print every problem as "path:line: message" (like systemd-analyze
 * verify). Exit 1 when a file cannot be loaded or has an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strv.h"
#include "superctl.h"
#include "unit/unit-load.h"

int verb_verify(char **args) {
        if (!args || !*args) {
                fprintf(stderr, "Too few arguments: verify needs unit files.\n");
                return EXIT_INVALIDARGUMENT;
        }
        UnitLoadContext ctx = {
                .runtime_dir = "/run", .state_dir = "/var/lib", .cache_dir = "/var/cache",
                .logs_dir = "/var/log", .config_dir = "/etc",
        };
        int worst = EXIT_OK;
        STRV_FOREACH(a, args) {
                UnitFile *f = NULL;
                int r = unit_file_load_path(&ctx, *a, NULL, &f);
                if (r < 0) {
                        fprintf(stderr, "%s: Failed to load: %s\n", *a, strerror(-r));
                        worst = EXIT_FAIL;
                        continue;
                }
                for (size_t i = 0; i < f->diag.n; i++)
                        fprintf(stderr, "%s\n", f->diag.entries[i].text);
                if (f->diag.dropped)
                        fprintf(stderr, "%s: %zu more messages not shown\n", *a, f->diag.dropped);
                if (f->load_state != UNIT_LOADED || diag_has_errors(&f->diag)) {
                        if (f->load_state != UNIT_LOADED)
                                fprintf(stderr, "%s: %s%s%s\n", *a, unit_load_state_to_string(f->load_state),
                                        f->load_error ? ": " : "", strempty(f->load_error));
                        worst = EXIT_FAIL;
                }
                unit_file_free(f);
        }
        return worst;
}
