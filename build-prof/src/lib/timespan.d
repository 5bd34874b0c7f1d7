build-prof/src/lib/timespan.o: src/lib/timespan.c src/lib/timespan.h \
 src/lib/macro.h
src/lib/timespan.h:
src/lib/macro.h:
