#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "strbuf.h"

void diag_add(Diag *d, DiagLevel level, const char *path, unsigned line, const char *fmt, ...) {
        if (d->n >= DIAG_MAX) {
                d->dropped++;
                return;
        }
        StrBuf b = {};
        if (line > 0)
                strbuf_printf(&b, "%s:%u: ", path ? path : "(unknown)", line);
        else
                strbuf_printf(&b, "%s: ", path ? path : "(unknown)");
        va_list ap;
        va_start(ap, fmt);
        strbuf_vprintf(&b, fmt, ap);
        va_end(ap);
        char *text = strbuf_steal(&b);
        DiagEntry *e = text ? realloc(d->entries, sizeof(DiagEntry) * (d->n + 1)) : NULL;
        if (!e) {
                free(text);
                d->dropped++;
                return;
        }
        d->entries = e;
        d->entries[d->n++] = (DiagEntry) { .level = level, .text = text };
}

bool diag_has_errors(const Diag *d) {
        for (size_t i = 0; i < d->n; i++)
                if (d->entries[i].level == DIAG_ERROR)
                        return true;
        return false;
}

void diag_done(Diag *d) {
        for (size_t i = 0; i < d->n; i++)
                free(d->entries[i].text);
        free(d->entries);
        *d = (Diag) {};
}
