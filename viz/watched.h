/*
 * A run outside the demo table, in a trace (version 3): a command's or a
 * watched program's row, and a watched program's files and flows.
 */
#ifndef ZC_WATCHED_H
#define ZC_WATCHED_H

#include <stdio.h>

#include "record.h"

/* A flow's payload counters at the device a trace keeps (zc_net's c[]) */
#define WATCHED_NET (ZC_C_X_RESENT - ZC_C_Q_SKBS + 1)

/* The run line's DEMO for a run outside the table: a word */
const char *watched_name(const struct run_config *cfg,
			 const struct run_result *res, char *buf, size_t len);
/* The lines of a command's or a watched program's run, after its file */
void watched_write(FILE *f, const struct run_config *cfg,
		   const struct run_result *res);

/* A run line named a demo the table lacks: a row of that name, until a
 * command or watched line says more; -1 when out of memory. */
int watched_start(struct replay_run *run, const char *name);
/* One of this file's lines: 0 read, 1 not one of them, -1 malformed */
int watched_read(struct replay_run *run, const char *s);
void watched_free(struct replay_run *run);

#endif /* ZC_WATCHED_H */
