build-prof/src/exec/exec-clone.o: src/exec/exec-clone.c \
 src/exec/exec-internal.h src/exec/exec.h
src/exec/exec-internal.h:
src/exec/exec.h:
