build-prof/src/unit/inetd-import.o: src/unit/inetd-import.c \
 src/unit/inetd-import.h src/unit/../lib/diag.h src/unit/../lib/macro.h \
 src/unit/../lib/strbuf.h src/unit/../lib/strv.h
src/unit/inetd-import.h:
src/unit/../lib/diag.h:
src/unit/../lib/macro.h:
src/unit/../lib/strbuf.h:
src/unit/../lib/strv.h:
