/* diag.h — a list of diagnostics ("path:line: message") collected while
 * parsing, printed once by whoever has the context (superd --check,
 * superctl verify, the manager's log). Parsers never print. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

typedef enum DiagLevel {
        DIAG_WARNING,
        DIAG_ERROR,
} DiagLevel;

typedef struct DiagEntry {
        DiagLevel level;
        char *text; /* "path:line: message" (or "path: message" when line is 0) */
} DiagEntry;

typedef struct Diag {
        DiagEntry *entries;
        size_t n;
        size_t dropped; /* entries beyond DIAG_MAX, counted, not stored */
} Diag;

#define DIAG_MAX 1000

/* Appends one entry; never fails (on OOM the entry is counted as dropped). */
void diag_add(Diag *d, DiagLevel level, const char *path, unsigned line, const char *fmt, ...)
        _printf_(5, 6);
bool diag_has_errors(const Diag *d);
void diag_done(Diag *d);
