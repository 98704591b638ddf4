/*
 * What the text report (report.c) and the JSON (json.c) both say of a
 * run, worked out in one place.
 */
#ifndef ZC_FACTS_H
#define ZC_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "run.h"

/* The calls the syscall table names; *other: the rest */
uint64_t facts_syscalls_named(const struct zc_counts *c, uint64_t *other);
/* Each named syscall that was called, as fmt (its name, its count) */
void facts_syscalls_each(FILE *f, const struct zc_counts *c, const char *fmt);
/* A run that sent pinned user pages, or a demo made to */
bool facts_zero_copy_shown(const struct run_result *res,
			   const struct model_result *m);
/* A flow's end, "ADDR:PORT", in buf */
const char *facts_flow_end(char *buf, size_t len, const struct zc_flow *fl,
			   __u32 addr, __u16 port);
/* A flow's device counter c (ZC_C_Q_SKBS .. ZC_C_X_RESENT) */
uint64_t facts_flow_device(const struct zc_flow *fl, int c);
/* The bytes its sendmsg took, of every kind */
uint64_t facts_flow_taken(const struct zc_flow *fl);

/*
 * What the lab's receiver said it did (zc-sink's line): with --recv mmap,
 * the kernel's own figures, what TCP_ZEROCOPY_RECEIVE mapped and what it
 * left to copy (1); 0 when the line has none.
 */
int facts_receiver_mapped(const struct run_result *res, uint64_t *mapped,
			  uint64_t *copied);

#endif /* ZC_FACTS_H */
