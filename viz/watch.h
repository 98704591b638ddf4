/*
 * zcviz -p PID: watch a running program, on any device, until it exits or
 * Ctrl-C (see watch.c).
 */
#ifndef ZC_WATCH_H
#define ZC_WATCH_H

#include "run.h"

/* 0, or a ZC_EXIT_* status (128 + N on signal N) with res->why set. */
int run_watch(const struct run_config *cfg, struct run_result *res);

#endif /* ZC_WATCH_H */
