build-prof/src/exec/exec-env.o: src/exec/exec-env.c src/exec/exec.h \
 src/lib/macro.h src/lib/strbuf.h src/lib/strv.h
src/exec/exec.h:
src/lib/macro.h:
src/lib/strbuf.h:
src/lib/strv.h:
