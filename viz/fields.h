/*
 * Reading a trace's line field by field (replay.c): each reader takes
 * " FIELD" at *sp, moves *sp past it and returns 0, or returns -1 and
 * leaves it.
 */
#ifndef ZC_FIELDS_H
#define ZC_FIELDS_H

#include <stddef.h>
#include <stdint.h>

/* Digits at *sp, at most UINT64_MAX (no space before them) */
int digits(const char **sp, uint64_t *v);
/* " N": one space, then a number that ends the field */
int field_u64(const char **sp, uint64_t *v);
int field_i64(const char **sp, int64_t *v);
/* A number no larger than max */
int field_max(const char **sp, uint64_t max, uint64_t *v);
/* " WORD": one space, then up to the next space; it must fit buf */
int field_word(const char **sp, char *buf, size_t size);
/* Room for item n of arrays of each bytes: arr grown (its capacity in
 * *cap), or NULL when out of memory (arr is then as it was) */
void *fields_grow(void *arr, size_t *cap, size_t n, size_t each);

#endif /* ZC_FIELDS_H */
