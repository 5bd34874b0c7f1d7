build-prof/src/superctl/show.o: src/superctl/show.c \
 src/control/protocol.h src/lib/strbuf.h src/lib/macro.h src/lib/json.h \
 src/lib/strv.h src/superctl/superctl.h
src/control/protocol.h:
src/lib/strbuf.h:
src/lib/macro.h:
src/lib/json.h:
src/lib/strv.h:
src/superctl/superctl.h:
