build-prof/src/superctl/install.o: src/superctl/install.c \
 src/control/protocol.h src/lib/strbuf.h src/lib/macro.h src/lib/strv.h \
 src/superctl/superctl.h src/unit/unit-install.h src/unit/unit-load.h \
 src/unit/unit-settings.h src/unit/../lib/diag.h
src/control/protocol.h:
src/lib/strbuf.h:
src/lib/macro.h:
src/lib/strv.h:
src/superctl/superctl.h:
src/unit/unit-install.h:
src/unit/unit-load.h:
src/unit/unit-settings.h:
src/unit/../lib/diag.h:
