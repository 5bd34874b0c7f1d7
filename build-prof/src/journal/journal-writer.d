build-prof/src/journal/journal-writer.o: src/journal/journal-writer.c \
 src/journal/crc32c.h src/journal/journal-def.h src/journal/journal.h \
 src/lib/hashmap.h src/lib/strbuf.h src/lib/macro.h
src/journal/crc32c.h:
src/journal/journal-def.h:
src/journal/journal.h:
src/lib/hashmap.h:
src/lib/strbuf.h:
src/lib/macro.h:
