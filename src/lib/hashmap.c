#include "hashmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char tombstone;
#define TOMB ((const char *) &tombstone)

static uint64_t hash_string(const char *s) {
        uint64_t h = 1469598103934665603ULL; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211ULL;
        return h;
}

static size_t find_slot(const Hashmap *h, const char *key, size_t *ret_free) {
        size_t mask = h->cap - 1, i = hash_string(key) & mask, first_free = SIZE_MAX;
        for (;;) {
                const char *k = h->entries[i].key;
                if (!k) {
                        *ret_free = first_free != SIZE_MAX ? first_free : i;
                        return SIZE_MAX;
                }
                if (k == TOMB) {
                        if (first_free == SIZE_MAX)
                                first_free = i;
                } else if (strcmp(k, key) == 0)
                        return i;
                i = (i + 1) & mask;
        }
}

void *hashmap_get(const Hashmap *h, const char *key) {
        if (h->n == 0)
                return NULL;
        size_t free_slot, i = find_slot(h, key, &free_slot);
        return i == SIZE_MAX ? NULL : h->entries[i].value;
}

static int hashmap_resize(Hashmap *h, size_t cap) {
        HashmapEntry *old = h->entries;
        size_t old_cap = h->cap;
        h->entries = calloc(cap, sizeof(HashmapEntry));
        if (!h->entries) {
                h->entries = old;
                return -ENOMEM;
        }
        h->cap = cap;
        h->n = h->tombs = 0;
        for (size_t i = 0; i < old_cap; i++)
                if (old[i].key && old[i].key != TOMB)
                        hashmap_put(h, old[i].key, old[i].value);
        free(old);
        return 0;
}

int hashmap_put(Hashmap *h, const char *key, void *value) {
        if ((h->n + h->tombs + 1) * 4 >= h->cap * 3) {
                size_t cap = h->cap ? h->cap : 16;
                while ((h->n + 1) * 2 >= cap)
                        cap *= 2;
                if (hashmap_resize(h, cap) < 0)
                        return -ENOMEM;
        }
        size_t free_slot, i = find_slot(h, key, &free_slot);
        if (i != SIZE_MAX)
                return -EEXIST;
        if (h->entries[free_slot].key == TOMB)
                h->tombs--;
        h->entries[free_slot] = (HashmapEntry) { key, value };
        h->n++;
        return 0;
}

void *hashmap_remove(Hashmap *h, const char *key) {
        if (h->n == 0)
                return NULL;
        size_t free_slot, i = find_slot(h, key, &free_slot);
        if (i == SIZE_MAX)
                return NULL;
        void *v = h->entries[i].value;
        h->entries[i] = (HashmapEntry) { TOMB, NULL };
        h->n--;
        h->tombs++;
        return v;
}

void hashmap_done(Hashmap *h) {
        free(h->entries);
        *h = (Hashmap) {};
}

int hashmap_next(const Hashmap *h, size_t *i, const char **ret_key, void **ret_value) {
        for (; *i < h->cap; (*i)++) {
                const HashmapEntry *e = &h->entries[*i];
                if (e->key && e->key != TOMB) {
                        if (ret_key)
                                *ret_key = e->key;
                        if (ret_value)
                                *ret_value = e->value;
                        (*i)++;
                        return 1;
                }
        }
        return 0;
}
