build-prof/src/lib/mountinfo.o: src/lib/mountinfo.c src/lib/mountinfo.h \
 src/lib/macro.h
src/lib/mountinfo.h:
src/lib/macro.h:
