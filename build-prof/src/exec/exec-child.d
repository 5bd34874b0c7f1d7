build-prof/src/exec/exec-child.o: src/exec/exec-child.c src/exec/exec.h \
 src/exec/exec-internal.h src/lib/macro.h
src/exec/exec.h:
src/exec/exec-internal.h:
src/lib/macro.h:
