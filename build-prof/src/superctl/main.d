build-prof/src/superctl/main.o: src/superctl/main.c src/lib/strv.h \
 src/lib/timespan.h src/lib/macro.h src/superctl/superctl.h \
 src/lib/strbuf.h
src/lib/strv.h:
src/lib/timespan.h:
src/lib/macro.h:
src/superctl/superctl.h:
src/lib/strbuf.h:
