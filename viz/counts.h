/*
 * What one run counted: a copy of the BPF globals, as the model, the
 * reports and the recorder see it. Plain data: nothing here needs libbpf
 * or the generated skeleton, so the model builds and is tested without
 * clang, bpftool or BTF.
 */
#ifndef ZC_COUNTS_H
#define ZC_COUNTS_H

#include <stdint.h>

#include <linux/types.h>
#include "../bpf/zc.h"

/* What one run counted: a copy of the BPF globals. */
struct zc_counts {
	uint64_t c[ZC_NR_COUNTERS];
	uint64_t syscalls[ZC_NR_SYSCALLS];
};

#endif /* ZC_COUNTS_H */
