/*
 * The fields of a trace's lines, read by hand: each number once, in
 * linear time (sscanf() measures the rest of its input at every call,
 * which made a long line quadratic), each one checked. See fields.h.
 */
#include "fields.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Digits at *sp, at most UINT64_MAX; *sp moves past them. */
int digits(const char **sp, uint64_t *v)
{
	const char *s = *sp;
	uint64_t x = 0;
	unsigned d;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		d = *s - '0';
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*sp = s;
	*v = x;
	return 0;
}

/* " N": one space, then a number that ends the field. */
int field_u64(const char **sp, uint64_t *v)
{
	const char *s = *sp + 1;

	if (**sp != ' ' || digits(&s, v) || (*s && *s != ' '))
		return -1;
	*sp = s;
	return 0;
}

int field_i64(const char **sp, int64_t *v)
{
	const char *s = *sp + 1;
	bool neg = **sp == ' ' && *s == '-';
	uint64_t x;

	s += neg;
	if (**sp != ' ' || digits(&s, &x) || (*s && *s != ' ') ||
	    x > (uint64_t)INT64_MAX + neg)
		return -1;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	*sp = s;
	return 0;
}

/* A number no larger than max. */
int field_max(const char **sp, uint64_t max, uint64_t *v)
{
	return field_u64(sp, v) || *v > max ? -1 : 0;
}

/* " WORD": one space, then up to the next space; it must fit buf. */
int field_word(const char **sp, char *buf, size_t size)
{
	const char *s = *sp + 1;
	size_t n = strcspn(s, " ");

	if (**sp != ' ' || !n || n >= size)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*sp = s + n;
	return 0;
}

/* Room for one more of n items of each bytes in arr (capacity *cap):
 * arr, a larger copy of it, or NULL when out of memory. */
void *fields_grow(void *arr, size_t *cap, size_t n, size_t each)
{
	size_t want = *cap ? *cap * 2 : 64;
	void *p;

	if (n < *cap)
		return arr;
	p = realloc(arr, want * each);
	if (p)
		*cap = want;
	return p;
}
