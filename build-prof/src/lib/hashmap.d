build-prof/src/lib/hashmap.o: src/lib/hashmap.c src/lib/hashmap.h
src/lib/hashmap.h:
