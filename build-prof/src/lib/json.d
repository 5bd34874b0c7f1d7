build-prof/src/lib/json.o: src/lib/json.c src/lib/json.h src/lib/strbuf.h \
 src/lib/macro.h
src/lib/json.h:
src/lib/strbuf.h:
src/lib/macro.h:
