/* fuzz-syslog.c — any datagram parses, and the fields stay inside it. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "journal/syslog-parse.h"

static void inside(const uint8_t *d, size_t n, const char *p, size_t l) {
        if (l)
                assert((const uint8_t *) p >= d && (const uint8_t *) p + l <= d + n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        SyslogMessage m;
        syslog_parse((const char *) data, size, &m);
        assert(m.priority >= 0 && m.priority <= 7);
        assert(m.facility >= 0 && m.facility <= 23);
        inside(data, size, m.msg, m.msg_len);
        inside(data, size, m.ident, m.ident_len);
        inside(data, size, m.hostname, m.hostname_len);
        return 0;
}
