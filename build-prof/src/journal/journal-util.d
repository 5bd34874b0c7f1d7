build-prof/src/journal/journal-util.o: src/journal/journal-util.c \
 src/journal/journal-def.h src/journal/journal.h src/lib/timespan.h \
 src/lib/macro.h
src/journal/journal-def.h:
src/journal/journal.h:
src/lib/timespan.h:
src/lib/macro.h:
