build-prof/src/journal/journal-reader.o: src/journal/journal-reader.c \
 src/journal/journal-def.h src/journal/journal.h
src/journal/journal-def.h:
src/journal/journal.h:
