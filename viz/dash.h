/*
 * The dashboard's loop: runs demos (or plays a recording back) into a
 * view, reads the keys, paces the demo, and draws at most 30 times a
 * second.
 */
#ifndef ZC_DASH_H
#define ZC_DASH_H

#include "run.h"
#include "view.h"

struct dash_opts {
	/* the first run; its demo is ignored for a selection */
	struct run_config run;
	/* "all", "classic": its demos in turn (zc_demo_selected()); NULL: one */
	const char *selection;
	bool step; /* start in step mode */
	/* --pace: start paced (at a level of view_pace_rate(), or -1: the
	 * view's), or at full speed */
	enum view_pace pace;
	int pace_level;
	const char *record; /* --record FILE */
	const char *replay; /* --replay FILE */
	/* --cast FILE: the frames as an asciicast; without a terminal, the
	 * dashboard runs headless and ends when its runs do */
	const char *cast;
};

/* Returns the exit status; prints the last run's report when done. */
int dash_main(struct dash_opts *o);

#endif /* ZC_DASH_H */
