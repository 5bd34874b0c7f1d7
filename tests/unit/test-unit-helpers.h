/* Shared helpers of the unit-file tests (included by test-unit-*.c). */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "unit/unit-load.h"

static inline UnitFile *load_text(const char *name, const char *text) {
        UnitFile *u = NULL;
        int r = unit_file_load_string(NULL, name, name, text, strlen(text), &u);
        assert_int_equal(r, 0);
        assert_non_null(u);
        return u;
}

static inline void dump_diag(const UnitFile *u) {
        for (size_t i = 0; i < u->diag.n; i++)
                fprintf(stderr, "  diag[%zu] %s: %s\n", i, u->diag.entries[i].level == DIAG_ERROR ? "E" : "W",
                        u->diag.entries[i].text);
}

static inline bool has_diag(const UnitFile *u, const char *text) {
        for (size_t i = 0; i < u->diag.n; i++)
                if (strcmp(u->diag.entries[i].text, text) == 0)
                        return true;
        return false;
}

#define assert_diag(u, text)                                            \
        do {                                                            \
                if (!has_diag((u), (text))) {                           \
                        fprintf(stderr, "missing diagnostic: %s\n", (text)); \
                        dump_diag(u);                                   \
                        fail();                                         \
                }                                                       \
        } while (0)

#define assert_no_diag(u)                    \
        do {                                 \
                if ((u)->diag.n != 0) {      \
                        dump_diag(u);        \
                        fail();              \
                }                            \
        } while (0)
