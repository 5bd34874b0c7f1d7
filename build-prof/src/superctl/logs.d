build-prof/src/superctl/logs.o: src/superctl/logs.c \
 src/control/protocol.h src/lib/strbuf.h src/lib/macro.h \
 src/journal/journal.h src/lib/strv.h src/lib/timespan.h \
 src/superctl/superctl.h
src/control/protocol.h:
src/lib/strbuf.h:
src/lib/macro.h:
src/journal/journal.h:
src/lib/strv.h:
src/lib/timespan.h:
src/superctl/superctl.h:
