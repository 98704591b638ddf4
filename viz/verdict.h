/*
 * Why a run's bytes were, or were not, copied: one line, from measured
 * evidence only ("read() into user memory, then copied into the socket:
 * a user-space loop (2.00 CPU copies per byte)"); what was not measured
 * is said to be. Pure, like the model it reads.
 */
#ifndef ZC_VERDICT_H
#define ZC_VERDICT_H

#include <stddef.h>

#include "run.h"

/* The verdict on the run m was computed from, into buf. */
void verdict_make(const struct model_input *in, const struct model_result *m,
		  char *buf, size_t len);
/* Why the lab's receiver copied its bytes or not, how it took them out
 * of its socket, and, where it could not map them, why not. */
void verdict_receiver(const struct model_input *in,
		      const struct model_result *m, char *buf, size_t len);
/* The verdict on one flow of a watched program (zcviz -p): how its
 * socket took its bytes, and how the device sent them. */
void verdict_flow(const struct run_result *res, const struct zc_flow *fl,
		  char *buf, size_t len);
/* The same in a word or two: its first clause's ("read+write"). */
void verdict_flow_brief(const struct run_result *res, const struct zc_flow *fl,
			char *brief, size_t len);

#endif /* ZC_VERDICT_H */
