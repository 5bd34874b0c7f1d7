build-prof/src/unit/unit-tables.o: src/unit/unit-tables.c \
 src/unit/unit-internal.h src/unit/unit-load.h src/unit/unit-settings.h \
 src/unit/../lib/diag.h src/unit/../lib/macro.h
src/unit/unit-internal.h:
src/unit/unit-load.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
src/unit/../lib/macro.h:
