build-prof/src/lib/strv.o: src/lib/strv.c src/lib/strv.h
src/lib/strv.h:
