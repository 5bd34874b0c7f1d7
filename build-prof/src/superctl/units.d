build-prof/src/superctl/units.o: src/superctl/units.c \
 src/control/protocol.h src/lib/strbuf.h src/lib/macro.h src/lib/strv.h \
 src/superctl/superctl.h
src/control/protocol.h:
src/lib/strbuf.h:
src/lib/macro.h:
src/lib/strv.h:
src/superctl/superctl.h:
