build-prof/src/superctl/import.o: src/superctl/import.c src/lib/strv.h \
 src/superctl/superctl.h src/lib/strbuf.h src/lib/macro.h \
 src/unit/inetd-import.h src/unit/../lib/diag.h
src/lib/strv.h:
src/superctl/superctl.h:
src/lib/strbuf.h:
src/lib/macro.h:
src/unit/inetd-import.h:
src/unit/../lib/diag.h:
