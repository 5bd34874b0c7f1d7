build-prof/src/superctl/status.o: src/superctl/status.c \
 src/control/protocol.h src/lib/strbuf.h src/lib/macro.h src/lib/json.h \
 src/lib/strv.h src/lib/timespan.h src/superctl/superctl.h
src/control/protocol.h:
src/lib/strbuf.h:
src/lib/macro.h:
src/lib/json.h:
src/lib/strv.h:
src/lib/timespan.h:
src/superctl/superctl.h:
