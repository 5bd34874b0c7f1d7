/* fuzz-unit-file.c — any bytes as a unit file. As in systemd's corpus, a
 * first line naming a unit type ("service", "socket", ...) picks the
 * suffix of the unit's name and is not part of the file. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit/unit-load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *p = (const char *) data, *nl = memchr(p, '\n', size);
        char name[64] = "fuzz-unit@inst.service";
        if (nl && nl - p < 16) {
                char type[16];
                memcpy(type, p, (size_t) (nl - p));
                type[nl - p] = 0;
                for (int t = 0; t < _UNIT_TYPE_MAX; t++)
                        if (strcmp(type, unit_type_to_string(t)) == 0) {
                                snprintf(name, sizeof name, "fuzz-unit@inst.%s", type);
                                size -= (size_t) (nl - p) + 1;
                                p = nl + 1;
                                break;
                        }
        }
        UnitLoadContext ctx = { .runtime_dir = "/run", .state_dir = "/var/lib" };
        UnitFile *u = NULL;
        if (unit_file_load_string(&ctx, "fuzz.unit", name, p, size, &u) < 0)
                return 0;
        /* Touch the result the way its users do. */
        for (size_t i = 0; i < u->diag.n; i++)
                (void) strlen(u->diag.entries[i].text);
        (void) unit_load_state_to_string(u->load_state);
        unit_file_free(u);
        return 0;
}
