build-prof/src/core/notify-parse.o: src/core/notify-parse.c \
 src/core/notify-parse.h src/lib/macro.h src/lib/strbuf.h
src/core/notify-parse.h:
src/lib/macro.h:
src/lib/strbuf.h:
