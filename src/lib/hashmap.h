/* hashmap.h — string-keyed hash map (open addressing, linear probing).
 * Keys are borrowed: the caller keeps each key alive while it is in the map
 * (usually the value owns its key, e.g. Unit.name). */
#pragma once

#include <stddef.h>

typedef struct HashmapEntry {
        const char *key;
        void *value;
} HashmapEntry;

typedef struct Hashmap {
        HashmapEntry *entries;
        size_t cap;   /* power of two, or 0 */
        size_t n;
        size_t tombs;
} Hashmap;

void *hashmap_get(const Hashmap *h, const char *key);
/* -EEXIST when key is there already, -ENOMEM. */
int hashmap_put(Hashmap *h, const char *key, void *value);
void *hashmap_remove(Hashmap *h, const char *key);
void hashmap_done(Hashmap *h);
/* Iteration: for (size_t i = 0; hashmap_next(h, &i, &k, &v); ) */
int hashmap_next(const Hashmap *h, size_t *i, const char **ret_key, void **ret_value);
