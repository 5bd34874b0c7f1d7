build-prof/src/lib/diag.o: src/lib/diag.c src/lib/diag.h src/lib/macro.h \
 src/lib/strbuf.h
src/lib/diag.h:
src/lib/macro.h:
src/lib/strbuf.h:
