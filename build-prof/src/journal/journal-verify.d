build-prof/src/journal/journal-verify.o: src/journal/journal-verify.c \
 src/journal/journal-def.h src/journal/journal.h src/lib/macro.h
src/journal/journal-def.h:
src/journal/journal.h:
src/lib/macro.h:
