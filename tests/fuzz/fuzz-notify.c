/* fuzz-notify.c — sd_notify datagrams as the notify socket receives them:
 * any bytes parse or are rejected without crashing, and what parses keeps
 * the parser's promises (escaped status, valid numbers). */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "core/notify-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        NotifyMessage m;
        int r = notify_message_parse((const char *) data, size, &m);
        if (r < 0) {
                assert(r == -EMSGSIZE || r == -EBADMSG || r == -ENOMEM);
                return 0;
        }
        assert(size > 0 && size <= NOTIFY_MESSAGE_MAX);
        if (m.fields & NOTIFY_STATUS) {
                assert(m.status);
                for (const unsigned char *p = (const unsigned char *) m.status; *p; p++)
                        assert(*p >= 0x20 && *p != 0x7f);
        }
        if (m.fields & NOTIFY_MAINPID)
                assert(m.main_pid > 0);
        if (m.fields & NOTIFY_ERRNO)
                assert(m.errno_value >= 0);
        notify_message_done(&m);
        return 0;
}
