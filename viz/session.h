/*
 * A session: the runs one zcviz command makes or plays back (the demos
 * of a selection, a command, a watched program, a recording), kept by
 * slot, and the one comparison table of them, for the printed outputs
 * and the dashboard alike. A session also fans a run out to the
 * consumers that follow it (run.h): the dashboard or a printed output,
 * and the recorder.
 */
#ifndef ZC_SESSION_H
#define ZC_SESSION_H

#include <stdbool.h>
#include <stdio.h>

#include "model.h"
#include "run.h"

struct output;
struct recorder;

/* A run that ended, as every output sees it */
struct session_run {
	struct run_config cfg;
	struct run_result res;
	struct model_result m;
	int rc; /* 0, or ZC_EXIT_FAIL: it ran, unverified */
};

#define SESSION_MAX_CONSUMERS 4

struct session {
	/* the runs by slot: a demo's place in the table, a recorded run's in
	 * its trace; a slot run again keeps its last run */
	struct session_run *runs;
	bool *have;
	int nslots; /* grows as slots are put */
	int printed; /* runs printed through out so far */
	int last; /* the slot of the last run that ended, or -1 */
	int status; /* ZC_EXIT_FAIL once a run ended unverified */
	/* the printed output (--report, --json, --csv), or NULL */
	const struct output *out;
	FILE *f; /* where it prints: stdout */
	/* who follows each run; the first with a grant paces it */
	struct run_consumer consumers[SESSION_MAX_CONSUMERS];
	int nconsumers;
	struct run_consumer fan; /* what run_demo() is given: all of them */
	int slot; /* the slot of the run under way */
	bool ended; /* it came to its verdict */
};

/* A session whose runs out prints (NULL: nothing printed). */
void session_init(struct session *s, const struct output *out);
void session_free(struct session *s);
/* Another consumer of every run: the dashboard, the recorder. */
void session_follow(struct session *s, const struct run_consumer *c);
/* The one consumer a run is given: every consumer of the session, and
 * the session itself, which keeps the run in slot when it ends. */
const struct run_consumer *session_consumer(struct session *s, int slot);

/* Keeps a run that ended in slot, and prints it through the output. */
void session_put(struct session *s, int slot, const struct run_config *cfg,
		 const struct run_result *res, int rc);
/* The runs kept, in slot order, *n of them, in an array to free (NULL
 * when out of memory). */
const struct session_run **session_runs(const struct session *s, int *n);
/* The comparison of the runs kept, as a text table, when there are two
 * or more; else nothing. */
void session_compare(const struct session *s, FILE *f);

/* The demos a selection names (or one, or a command), one run each,
 * printed as they end; the exit status. */
int session_demos(struct session *s, struct run_config *cfg,
		  const char *selection, bool command);
/* A recorded trace's runs, printed; the exit status. */
int session_replay(struct session *s, const char *path);
/* A running program, watched until it exits or a signal; the exit
 * status. */
int session_watch(struct session *s, const struct run_config *cfg);

#endif /* ZC_SESSION_H */
