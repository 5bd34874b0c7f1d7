build-prof/src/exec/exec-spawn.o: src/exec/exec-spawn.c src/exec/exec.h \
 src/exec/exec-internal.h src/lib/macro.h
src/exec/exec.h:
src/exec/exec-internal.h:
src/lib/macro.h:
