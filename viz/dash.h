/*
 * The dashboard's loop: runs demos (or plays a recording back) into a
 * view, reads the keys, paces the demo, and draws at most 30 times a
 * second.
 */
#ifndef ZC_DASH_H
#define ZC_DASH_H

#include "run.h"

struct dash_opts {
	struct run_config run; /* the first run; demo is ignored for all */
	bool all; /* play the four demos in turn */
	bool step; /* start in step mode */
	const char *record; /* --record FILE */
	const char *replay; /* --replay FILE */
};

/* Returns the exit status; prints the last run's report when done. */
int dash_main(struct dash_opts *o);

#endif /* ZC_DASH_H */
