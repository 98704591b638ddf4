/*
 * The counters' names and slots, from the one list in bpf/zc.h. See
 * counts.h.
 */
#include "counts.h"

#include <string.h>

#define NAME(id, name) #name,

static const char *const kernel_names[] = { ZC_COUNTERS(NAME,
							ZC_COUNTER_NONE) };
static const char *const user_names[] = { ZC_COUNTERS(ZC_COUNTER_NONE, NAME) };

/* The list's order, which is a version 1 trace's */
#define V1_KERNEL(id, name) ZC_C_##id,
#define V1_USER(id, name) ZC_NR_COUNTERS + ZC_U_##id,

static const short v1_slots[] = { ZC_COUNTERS(V1_KERNEL, V1_USER) };

_Static_assert(sizeof(kernel_names) / sizeof(kernel_names[0]) == ZC_NR_COUNTERS,
	       "a name for each of the kernel's counters");
_Static_assert(sizeof(v1_slots) / sizeof(v1_slots[0]) == ZC_NR_SLOTS,
	       "a place for each counter");

const char *counts_slot_name(int slot)
{
	if (slot >= 0 && slot < ZC_NR_COUNTERS)
		return kernel_names[slot];
	if (slot >= ZC_NR_COUNTERS && slot < ZC_NR_SLOTS)
		return user_names[slot - ZC_NR_COUNTERS];
	return NULL;
}

int counts_slot_by_name(const char *name)
{
	for (int i = 0; i < ZC_NR_SLOTS; i++)
		if (!strcmp(counts_slot_name(i), name))
			return i;
	return -1;
}

int counts_v1_slot(int i)
{
	return i >= 0 && i < ZC_NR_SLOTS ? v1_slots[i] : -1;
}

uint64_t *counts_slot(struct zc_values *v, int slot)
{
	return slot < ZC_NR_COUNTERS ? &v->c[slot] :
				       &v->u[slot - ZC_NR_COUNTERS];
}

int counts_check(const struct zc_values *v)
{
	for (int i = 0; i < ZC_NR_COUNTERS; i++)
		if (v->c[i] > COUNTS_MAX && i != ZC_C_FIRST_NS &&
		    i != ZC_C_LAST_NS)
			return i;
	for (int i = 0; i < ZC_NR_USER_COUNTERS; i++)
		if (v->u[i] > COUNTS_MAX)
			return ZC_NR_COUNTERS + i;
	return -1;
}

void counts_set(struct zc_counts *c, const struct zc_values *v)
{
	memcpy(c->c, v->c, sizeof(c->c));
	memcpy(c->u, v->u, sizeof(c->u));
}

void counts_get(const struct zc_counts *c, struct zc_values *v)
{
	memcpy(v->c, c->c, sizeof(v->c));
	memcpy(v->u, c->u, sizeof(v->u));
}
