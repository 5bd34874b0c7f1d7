#include "json.h"

#include <stdint.h>

/* Length of the valid UTF-8 sequence at p, or 0. */
static size_t utf8_len(const unsigned char *p) {
        size_t n;
        uint32_t cp;
        if (p[0] < 0x80)
                return 1;
        if ((p[0] & 0xe0) == 0xc0)
                n = 2, cp = p[0] & 0x1f;
        else if ((p[0] & 0xf0) == 0xe0)
                n = 3, cp = p[0] & 0x0f;
        else if ((p[0] & 0xf8) == 0xf0)
                n = 4, cp = p[0] & 0x07;
        else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (p[i] & 0x3f);
        }
        static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
        if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return n;
}

void json_append_string(StrBuf *b, const char *s) {
        const unsigned char *p = (const unsigned char *) (s ? s : "");
        strbuf_putc(b, '"');
        while (*p) {
                size_t n = utf8_len(p);
                if (n == 0) {
                        strbuf_puts(b, "\\ufffd");
                        p++;
                } else if (*p == '"' || *p == '\\') {
                        strbuf_putc(b, '\\');
                        strbuf_putc(b, (char) *p++);
                } else if (*p < 0x20 || *p == 0x7f) {
                        strbuf_printf(b, "\\u%04x", *p++);
                } else {
                        strbuf_append(b, p, n);
                        p += n;
                }
        }
        strbuf_putc(b, '"');
}
