build-prof/src/lib/strbuf.o: src/lib/strbuf.c src/lib/strbuf.h \
 src/lib/macro.h
src/lib/strbuf.h:
src/lib/macro.h:
