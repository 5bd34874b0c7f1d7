build-prof/src/unit/unit-parsers.o: src/unit/unit-parsers.c \
 src/unit/../lib/strv.h src/unit/../lib/timespan.h \
 src/unit/../lib/macro.h src/unit/unit-internal.h src/unit/unit-load.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h
src/unit/../lib/strv.h:
src/unit/../lib/timespan.h:
src/unit/../lib/macro.h:
src/unit/unit-internal.h:
src/unit/unit-load.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
