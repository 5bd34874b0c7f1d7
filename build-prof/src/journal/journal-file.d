build-prof/src/journal/journal-file.o: src/journal/journal-file.c \
 src/journal/crc32c.h src/journal/journal-def.h src/journal/journal.h
src/journal/crc32c.h:
src/journal/journal-def.h:
src/journal/journal.h:
