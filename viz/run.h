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

#include "../lib/receivers.h"
#include "model.h"
#include "trace.h"

#include <sys/types.h>

struct run_config {
	const struct zc_demo *demo; /* its row in the demo table */
	const char *file;
	uint64_t chunk;
	bool cold; /* evict the file from the page cache first */
	int sg; /* 1 on, 0 off, -1 the demo's default */
	const char *to; /* HOST:PORT of a remote zc-sink; NULL: the lab */
	double rate; /* MB/s; 0 full speed */
	bool stepped; /* the demo waits for run_grant() before each syscall */
	unsigned batch; /* --batch, for a demo whose row batches; 0: its own */
	enum zc_recv recv; /* --recv: how the lab's zc-sink receives */
	/* zcviz -- CMD: the sender is this command (argv, NULL-terminated;
	 * {sink} and {file} in it are the sink's HOST:PORT and the file),
	 * not the demo's program; demo is then a row made for it */
	char *const *command;
	/* zcviz -p: the programs watched (viz/watch.c), as given */
	pid_t watch_pids[ZC_MAX_PROCS];
	int nwatch;
	bool verbose;
};

struct run_result {
	struct model_input in;
	bool verified; /* sizes and checksums agree at both ends */
	bool unread; /* ... sizes only: the receiver never read the bytes */
	bool tmpfs; /* the file lives in memory: no disk */
	bool remote; /* --to: the receiver is not ours to measure */
	unsigned mtu; /* the lab's devices'; 0: not the lab's, or not known */
	char egress[16];
	char sender_line[512];
	char sink_line[512];
	char why[512]; /* what went wrong, when run_demo() fails */
	char recorded[96]; /* a replay: "zcviz 0.1.0, kernel ..."; else "" */
	/* zcviz -p: the (first) process watched, for how long, the flows and
	 * files, and every process watched, its CPU time while watched */
	pid_t pid;
	char comm[32];
	uint64_t watched_ns;
	bool cpu_watched; /* the CPU time is while watched, not its whole */
	struct zc_flow flows[ZC_MAX_FLOWS];
	struct zc_file files[ZC_MAX_FILES];
	struct zc_proc procs[ZC_MAX_PROCS];
	/* ZCVIZ_STATS=1: each hook's runs and time (ZCVIZ_BASELINE=1: and an
	 * empty program's beside it), for make bench */
	struct trace_hook hooks[TRACE_MAX_HOOKS];
	int nhooks;
};

/*
 * Whoever follows a run: the dashboard, the recorder, the text report,
 * JSON, CSV (output.h). The run calls each hook that is not NULL: begin
 * as it starts; before each step, how many more syscalls a stepped demo
 * may make (grant); every event of the ring buffer (event: with none,
 * the ring buffer is not read); the counters after each step (counts);
 * and the result with its exit status once the demo ran to its verdict
 * (end; a run that never started, or was stopped, has none). ms: how long
 * a step waits for events. session.c fans one run out to several.
 */
struct run_consumer {
	void (*begin)(void *ctx, const struct run_config *cfg);
	int (*grant)(void *ctx);
	void (*event)(void *ctx, const struct zc_event *e);
	void (*counts)(void *ctx, const struct zc_counts *c);
	void (*end)(void *ctx, const struct run_config *cfg,
		    const struct run_result *res, int rc);
	void *ctx;
	int ms;
};

/* One whole run, followed by c: 0, or a ZC_EXIT_* status (128 + N on
 * signal N) with res->why set. The one run loop: the dashboard steps
 * through the same run_step() frame by frame. */
int run_demo(const struct run_config *cfg, struct run_result *res,
	     const struct run_consumer *c);

/*
 * The same in steps, for the dashboard's frames. run_start() sets
 * everything up and lets the demo start (NULL, *rc and res->why on
 * failure); cfg, res and c must outlive the run. run_step() grants,
 * delivers events for up to c->ms and hands the counters on; it returns 1
 * once the demo has exited, -1 on a stop signal, else 0. run_finish()
 * collects the verdict, tells c, and tears down; run_abort() only tears
 * down.
 */
struct run;
struct run *run_start(const struct run_config *cfg, struct run_result *res,
		      const struct run_consumer *c, int *rc);
int run_step(struct run *r);
/* With cfg->stepped: let the demo make n more syscalls (the dashboard's
 * space key) ... */
void run_grant(struct run *r, int n);
/* ... or all the rest, at full speed. */
void run_unleash(struct run *r);
int run_finish(struct run *r);
void run_abort(struct run *r);

/* Async-signal-safe: asks the current run to stop and clean up. */
void run_request_stop(int sig);
/* The signal that stopped the run, or 0. */
int run_stop_signal(void);
/* Forgets it: zcviz -p ends on Ctrl-C, and that is no failure. */
void run_stop_clear(void);
/*
 * Has the reader of our standard output gone (zcviz --json all | head)?
 * Then nothing more we print would be read: it stops the run as SIGPIPE
 * would have, once everything is cleaned up.
 */
bool run_output_gone(void);
/*
 * What this process set up and has taken down again, for its last
 * message ("the lab is down and the BPF programs are detached"), or NULL
 * when it never set up either.
 */
const char *run_undone(void);

#endif /* ZC_RUN_H */
