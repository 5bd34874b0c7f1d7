build-prof/src/control/protocol.o: src/control/protocol.c \
 src/control/protocol.h src/lib/strbuf.h src/lib/macro.h src/lib/strv.h
src/control/protocol.h:
src/lib/strbuf.h:
src/lib/macro.h:
src/lib/strv.h:
