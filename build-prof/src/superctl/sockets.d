build-prof/src/superctl/sockets.o: src/superctl/sockets.c \
 src/control/protocol.h src/lib/strbuf.h src/lib/macro.h src/lib/strv.h \
 src/superctl/superctl.h
src/control/protocol.h:
src/lib/strbuf.h:
src/lib/macro.h:
src/lib/strv.h:
src/superctl/superctl.h:
