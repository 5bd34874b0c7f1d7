/* fuzz-control.c — control requests as the daemon receives them: framing
 * and record parsing must take any bytes without crashing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "control/protocol.h"
#include "lib/strv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *p = (const char *) data;
        size_t off = 0;
        while (off < size) {
                char **fields = NULL;
                size_t used = 0;
                int r = control_frame_parse(p + off, size - off, &fields, &used);
                if (r <= 0)
                        break;
                strv_free(fields);
                off += used;
        }
        char *text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = 0;
        char ***recs = NULL;
        if (control_records_parse(text, &recs) >= 0)
                control_records_free(recs);
        free(text);
        return 0;
}
