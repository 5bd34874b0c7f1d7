/* strv.h — NULL-terminated string vectors (char **), owned element by
 * element by the vector. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

char **strv_free(char **l);
static inline void strv_freep(char ***l) {
        strv_free(*l);
}
size_t strv_length(char *const *l);
/* Appends s and takes ownership of it (also on failure: s is freed). */
int strv_consume(char ***l, char *s);
/* Appends a copy of s. */
int strv_extend(char ***l, const char *s);
int strv_extend_strv(char ***l, char *const *other);
char **strv_copy(char *const *l);
bool strv_contains(char *const *l, const char *s);
/* Removes every element equal to s; returns how many were removed. */
size_t strv_remove(char **l, const char *s);
/* Joins with sep; NULL on OOM. */
char *strv_join(char *const *l, const char *sep);
/* Splits s at any char of seps, dropping empty words; NULL on OOM. */
char **strv_split(const char *s, const char *seps);
void strv_sort(char **l);

#define STRV_FOREACH(s, l) for (char **s = (l); s && *s; s++)
