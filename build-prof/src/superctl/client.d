build-prof/src/superctl/client.o: src/superctl/client.c \
 src/control/protocol.h src/lib/strbuf.h src/lib/macro.h src/lib/strv.h \
 src/superctl/superctl.h
src/control/protocol.h:
src/lib/strbuf.h:
src/lib/macro.h:
src/lib/strv.h:
src/superctl/superctl.h:
