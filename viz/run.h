/*
 * One run of one demo, from start to teardown: the lab, the sink in the
 * receiving namespace, the instrument, the demo in the sending namespace,
 * the verdict. Everything it sets up it takes down again, in reverse
 * order, on every path.
 */
#ifndef ZC_RUN_H
#define ZC_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "trace.h"

struct run_config {
	enum zc_demo demo;
	const char *file;
	uint64_t chunk;
	bool cold; /* evict the file from the page cache first */
	int sg; /* 1 on, 0 off, -1 the demo's default */
	const char *to; /* HOST:PORT of a remote zc-sink; NULL: the lab */
	double rate; /* MB/s; 0 full speed */
	bool verbose;
	trace_event_fn on_event; /* NULL: no ring-buffer events */
	void *event_ctx;
};

struct run_result {
	struct model_input in;
	bool verified; /* sizes and checksums agree at both ends */
	bool tmpfs; /* the file lives in memory: no disk */
	bool remote; /* --to: the receiver is not ours to measure */
	char egress[16];
	char sender_line[512];
	char sink_line[512];
	char why[512]; /* what went wrong, when run_demo() fails */
};

/* 0, or a ZC_EXIT_* status with res->why set. */
int run_demo(const struct run_config *cfg, struct run_result *res);

/*
 * Makes FILE (or build/sample-SIZE.bin when FILE is NULL) ready: checks
 * it, or writes SIZE random bytes. Prints progress for big files.
 */
int run_prepare_file(const char *file, uint64_t size, char *path,
		     size_t pathlen, char *why, size_t whylen);

/* Async-signal-safe: asks the current run to stop and clean up. */
void run_request_stop(int sig);
/* The signal that stopped the run, or 0. */
int run_stop_signal(void);

#endif /* ZC_RUN_H */
