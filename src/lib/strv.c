#include "strv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

char **strv_free(char **l) {
        if (l) {
                for (char **p = l; *p; p++)
                        free(*p);
                free(l);
        }
        return NULL;
}

size_t strv_length(char *const *l) {
        size_t n = 0;
        while (l && l[n])
                n++;
        return n;
}

int strv_consume(char ***l, char *s) {
        if (!s)
                return -ENOMEM;
        size_t n = strv_length(*l);
        char **nl = realloc(*l, sizeof(char *) * (n + 2));
        if (!nl) {
                free(s);
                return -ENOMEM;
        }
        nl[n] = s;
        nl[n + 1] = NULL;
        *l = nl;
        return 0;
}

int strv_extend(char ***l, const char *s) {
        return strv_consume(l, strdup(s));
}

int strv_extend_strv(char ***l, char *const *other) {
        for (size_t i = 0; other && other[i]; i++) {
                int r = strv_extend(l, other[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

char **strv_copy(char *const *l) {
        char **c = calloc(1, sizeof(char *));
        if (!c)
                return NULL;
        if (strv_extend_strv(&c, l) < 0)
                return strv_free(c);
        return c;
}

bool strv_contains(char *const *l, const char *s) {
        for (size_t i = 0; l && l[i]; i++)
                if (strcmp(l[i], s) == 0)
                        return true;
        return false;
}

size_t strv_remove(char **l, const char *s) {
        size_t removed = 0, w = 0;
        if (!l)
                return 0;
        for (size_t r = 0; l[r]; r++) {
                if (strcmp(l[r], s) == 0) {
                        free(l[r]);
                        removed++;
                } else
                        l[w++] = l[r];
        }
        l[w] = NULL;
        return removed;
}

char *strv_join(char *const *l, const char *sep) {
        size_t ls = strlen(sep), total = 1;
        for (size_t i = 0; l && l[i]; i++)
                total += strlen(l[i]) + ls;
        char *r = malloc(total), *p = r;
        if (!r)
                return NULL;
        for (size_t i = 0; l && l[i]; i++) {
                if (i > 0) {
                        memcpy(p, sep, ls);
                        p += ls;
                }
                size_t n = strlen(l[i]);
                memcpy(p, l[i], n);
                p += n;
        }
        *p = 0;
        return r;
}

char **strv_split(const char *s, const char *seps) {
        char **l = calloc(1, sizeof(char *));
        if (!l)
                return NULL;
        while (*s) {
                s += strspn(s, seps);
                size_t n = strcspn(s, seps);
                if (n == 0)
                        break;
                if (strv_consume(&l, strndup(s, n)) < 0)
                        return strv_free(l);
                s += n;
        }
        return l;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void strv_sort(char **l) {
        qsort(l, strv_length(l), sizeof(char *), cmp_str);
}
