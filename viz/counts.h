/*
 * What one run counted: a copy of the BPF globals (the kernel's counters)
 * and what zcviz filled in beside them (user space's), as the model, the
 * reports and the recorder see it. Plain data: nothing here needs libbpf
 * or the generated skeleton, so the model builds and is tested without
 * clang, bpftool or BTF.
 */
#ifndef ZC_COUNTS_H
#define ZC_COUNTS_H

#include <stdint.h>

#include <linux/types.h>
#include "../bpf/zc.h"

#define ZC_COUNTER_USER_ID(id, name) ZC_U_##id,

/* User space's counters, from the one list (bpf/zc.h). */
enum zc_user_counter {
	ZC_COUNTERS(ZC_COUNTER_NONE, ZC_COUNTER_USER_ID) ZC_NR_USER_COUNTERS
};

/* A run's counters at one moment. */
struct zc_values {
	uint64_t c[ZC_NR_COUNTERS]; /* enum zc_counter: the kernel's */
	uint64_t u[ZC_NR_USER_COUNTERS]; /* enum zc_user_counter */
};

/* What one run counted. */
struct zc_counts {
	uint64_t c[ZC_NR_COUNTERS];
	uint64_t u[ZC_NR_USER_COUNTERS];
	uint64_t syscalls[ZC_NR_SYSCALLS];
};

/*
 * Every counter by one number, its slot: the kernel's first, then user
 * space's. A trace names each (version 2), or holds them by their place
 * in the list (version 1).
 */
#define ZC_NR_SLOTS (ZC_NR_COUNTERS + ZC_NR_USER_COUNTERS)

/*
 * The most one count of a run can be: 2^56 (7.2e16). A run sends one file
 * a few times over, and a disk holds less than 2^47 bytes (128 TiB); its
 * time in ns reaches 2^56 after 2.3 years; its syscalls, ten million a
 * second, after 228 years. A trace that counts more is damaged or made by hand,
 * and the reader refuses it, so that no sum of counts (the model's and the
 * reports' add up at most six) can pass 2^64. first_ns and last_ns are no
 * counts but instants, ns since boot: never added, only subtracted.
 */
#define COUNTS_MAX (1ULL << 56)

const char *counts_slot_name(int slot);
/* The slot called name, or -1. */
int counts_slot_by_name(const char *name);
/* The slot of a version 1 trace's i-th counter, or -1 past the list. */
int counts_v1_slot(int i);
uint64_t *counts_slot(struct zc_values *v, int slot);
/* The slot of v's first count above COUNTS_MAX, or -1. */
int counts_check(const struct zc_values *v);
/* The values into a run's counts, and out of them. */
void counts_set(struct zc_counts *c, const struct zc_values *v);
void counts_get(const struct zc_counts *c, struct zc_values *v);

#endif /* ZC_COUNTS_H */
