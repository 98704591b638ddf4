/*
 * zcviz -p PID[,PID...]: watch running programs and their children, on any device, until it exits or
 * Ctrl-C (see watch.c).
 */
#ifndef ZC_WATCH_H
#define ZC_WATCH_H

#include "run.h"

/*
 * The same in steps, for the dashboard's frames: watch_start() attaches
 * (NULL, *rc and res->why on failure); watch_step() waits up to c->ms
 * (200 without c) and hands c the counters (res has the flows and
 * processes so far); it returns 1 once every process watched has exited,
 * -1 on a stop signal, else 0. watch_finish() collects the result into
 * res, detaches and tells c's end: 0, or 128 + N after signal N (Ctrl-C
 * and SIGTERM end a watch: 0; c is not told). watch_abort() only
 * detaches. c's begin is told as the watch starts.
 */
struct watch;
struct watch *watch_start(const struct run_config *cfg, struct run_result *res,
			  const struct run_consumer *c, int *rc);
int watch_step(struct watch *w);
int watch_finish(struct watch *w);
void watch_abort(struct watch *w);

#endif /* ZC_WATCH_H */
