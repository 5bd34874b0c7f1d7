/* fuzz-tmpfiles.c — tmpfiles.d text as superd reads it from disk: the
 * parser must take any bytes without crashing or leaking. */
#include <stdint.h>
#include <stdlib.h>

#include "core/tmpfiles.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const TmpfilesSpecifiers sp = {
                .runtime_dir = "/run", .state_dir = "/var/lib", .cache_dir = "/var/cache", .logs_dir = "/var/log",
                .config_dir = "/etc", .home = "/root", .user = "root", .uid = "0", .group = "root", .gid = "0",
                .hostname = "h", .tmp_dir = "/tmp", .var_tmp_dir = "/var/tmp",
        };
        TmpfilesItems items = {};
        Diag diag = {};
        (void) tmpfiles_parse("fuzz.conf", (const char *) data, size, &sp, &items, &diag);
        tmpfiles_items_done(&items);
        diag_done(&diag);
        return 0;
}
