build-prof/src/lib/loop.o: src/lib/loop.c src/lib/loop.h src/lib/macro.h \
 src/lib/timespan.h
src/lib/loop.h:
src/lib/macro.h:
src/lib/timespan.h:
