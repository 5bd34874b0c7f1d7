/* fuzz-xinetd.c — xinetd.conf and inetd.conf text as import-xinetd and
 * import-inetd read it: any bytes parse (or are diagnosed) without crashing,
 * and every service converts or is refused with a note; generated unit
 * names stay within unit-name characters. */
#include <assert.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "unit/inetd-import.h"

static int lookup(const char *name, const char *proto) {
        return strlen(name) % 3 == 0 ? 1000 + (int) strlen(name) : -1;
}

static void check_name(const char *n) {
        assert(n && *n);
        for (const char *p = n; *p; p++)
                assert(isalnum((unsigned char) *p) || strchr(":_.-@", *p));
}

static void convert_all(InetdConfig *cfg) {
        for (size_t i = 0; i < cfg->n_services; i++) {
                ImportedUnits u;
                int r = inetd_service_convert(cfg, i, lookup, &u);
                assert(r == 0 || r == -EINVAL || r == -ENOMEM);
                if (r == 0) {
                        check_name(u.socket_name);
                        assert(u.socket_text);
                        if (u.service_name) {
                                check_name(u.service_name);
                                assert(u.service_text);
                        }
                }
                imported_units_done(&u);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        InetdConfig cfg = {};
        int r = xinetd_parse(&cfg, "fuzz.conf", (const char *) data, size);
        assert(r == 0 || r == -ENOMEM);
        convert_all(&cfg);
        inetd_config_done(&cfg);
        cfg = (InetdConfig) {};
        r = inetd_parse(&cfg, "inetd.conf", (const char *) data, size);
        assert(r == 0 || r == -ENOMEM);
        convert_all(&cfg);
        inetd_config_done(&cfg);
        return 0;
}
