/* strbuf.h — a growable, always NUL-terminated byte buffer. The buffer owns
 * its memory; strbuf_steal() hands it to the caller. Binary-safe: len counts
 * bytes, embedded NULs allowed. An allocation failure sets `oom` and later
 * appends do nothing, so callers check once at the end. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

typedef struct StrBuf {
        char *data;
        size_t len;
        size_t cap;
        bool oom;
} StrBuf;

void strbuf_append(StrBuf *b, const void *p, size_t n);
void strbuf_puts(StrBuf *b, const char *s);
void strbuf_putc(StrBuf *b, char c);
void strbuf_printf(StrBuf *b, const char *fmt, ...) _printf_(2, 3);
void strbuf_vprintf(StrBuf *b, const char *fmt, va_list ap);
/* Returns the data (never NULL unless OOM) and resets the buffer. */
char *strbuf_steal(StrBuf *b);
void strbuf_done(StrBuf *b);
void strbuf_reset(StrBuf *b);
