build-prof/src/lib/log.o: src/lib/log.c src/lib/log.h src/lib/macro.h \
 src/lib/strbuf.h
src/lib/log.h:
src/lib/macro.h:
src/lib/strbuf.h:
