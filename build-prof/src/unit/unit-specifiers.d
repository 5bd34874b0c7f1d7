build-prof/src/unit/unit-specifiers.o: src/unit/unit-specifiers.c \
 src/unit/../lib/strbuf.h src/unit/../lib/macro.h \
 src/unit/unit-internal.h src/unit/unit-load.h src/unit/unit-settings.h \
 src/unit/../lib/diag.h
src/unit/../lib/strbuf.h:
src/unit/../lib/macro.h:
src/unit/unit-internal.h:
src/unit/unit-load.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
