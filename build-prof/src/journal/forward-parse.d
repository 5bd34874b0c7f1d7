build-prof/src/journal/forward-parse.o: src/journal/forward-parse.c \
 src/journal/forward-parse.h src/journal/journal.h
src/journal/forward-parse.h:
src/journal/journal.h:
