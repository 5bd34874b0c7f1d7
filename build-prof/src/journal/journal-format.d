build-prof/src/journal/journal-format.o: src/journal/journal-format.c \
 src/journal/journal.h src/lib/strbuf.h src/lib/macro.h
src/journal/journal.h:
src/lib/strbuf.h:
src/lib/macro.h:
