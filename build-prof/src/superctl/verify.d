build-prof/src/superctl/verify.o: src/superctl/verify.c src/lib/strv.h \
 src/superctl/superctl.h src/lib/strbuf.h src/lib/macro.h \
 src/unit/unit-load.h src/unit/unit-settings.h src/unit/../lib/diag.h
src/lib/strv.h:
src/superctl/superctl.h:
src/lib/strbuf.h:
src/lib/macro.h:
src/unit/unit-load.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
