/*
 * --record and --replay: a versioned, line-oriented trace of everything
 * the dashboard needs, so that a run can be watched again without root
 * or BPF. The format, version 3:
 *
 *   zcviz-trace 3
 *   counters NAME...                                  what c lines hold
 *   run DEMO FILE_BYTES CHUNK SG COLD REMOTE TMPFS MISSING EGRESS
 *   file PATH
 *   receiver MODE MTU                                 (3) the lab's receiver
 *                                                     (--recv), its MTU (0: none)
 *   command THEORY TITLE...                           (3) a command's run
 *   watched PID NS CPU_WATCHED COMM                   (3) a watched program's
 *   wfile INO DEV READ READS SENT SENDS MAPPED SPLICED NAME   (3) its file
 *   wflow FAMILY SADDR DADDR SPORT DPORT IFINDEX TAKEN... NET... [PID]  (3) a flow
 *   wproc PID PPID EXITED SYSCALLS READ SENT MAPPED TAKEN... USER SYS RUN COMM
 *                                                     (3) a process watched
 *   e T NR RET A0 A1 A2 A3 A4 A5 FD_KIND SEND_KIND   a syscall returned
 *   k T BYTES                                         pages into the cache
 *   c T N V0 ... V(N-1)                               the counters, N named
 *   s NR:COUNT ...                                    calls by syscall number
 *   result VERIFIED RUSAGE_USER_NS RUSAGE_SYS_NS WHY...
 *   sender LINE / sink LINE                           the two summaries
 *   end-run
 *   ... more runs ...
 *   end                                               then only comments
 *
 * A file holds one trace: the header binds every run to its version, its
 * counters line and its recorder (the "# zcviz ..." comment), so two
 * traces joined (cat a b) are refused, not read as the first alone.
 * T is microseconds since the run began; "#" starts a comment line. The
 * counters' names are bpf/zc.h's (ZC_COUNTERS); a name this zcviz does not
 * know is skipped, a counter a trace does not name is 0. Version 1 had no
 * counters line: its c lines hold the counters in the order of that list.
 * Version 3 keeps runs outside the demo table: a run line's DEMO that the
 * table lacks is a command's (a command line gives its row, then its file
 * and flows) or a watched program's (pid-PID; a watched line, then its
 * files, flows and processes), up to ZC_MAX_FILES, ZC_MAX_FLOWS and
 * ZC_MAX_PROCS (watched.c); a trace of zcviz 0.1 has no wproc lines, no
 * flow's PID, no file or flow of a command's, and no receiver line (its
 * receiver copied, over a lab of MTU 1500).
 * A count (a counter but the instants first_ns and last_ns, a run's calls
 * on its s lines added up, a rusage) is at most COUNTS_MAX (counts.h).
 */
#ifndef ZC_RECORD_H
#define ZC_RECORD_H

#include <stddef.h>
#include <stdio.h>

#include "run.h"

#define RECORD_VERSION 3
/* What a trace may hold, so that reading one takes bounded memory. */
#define RECORD_MAX_BYTES (64 << 20)
#define RECORD_MAX_RUNS 1000
#define RECORD_MAX_ITEMS 1048576 /* events and counter lines, all runs */
#define RECORD_MAX_COUNTERS 1000 /* values on a c line */

struct recorder;

/*
 * A trace at path, its header written; NULL with a reason. Each run is
 * recorded through the recorder's consumer: its events, its counters
 * when they changed, and at its end all of it, since the run's header
 * needs what only the end knows. stepped: the recorder also paces the
 * run, one data-moving syscall a step, so that a replay shows the
 * counters grow syscall by syscall (a recording without a dashboard,
 * which paces its own).
 */
struct recorder *record_open(const char *path, char *why, size_t len);
struct run_consumer record_consumer(struct recorder *r, bool stepped);
/*
 * Writes the end line and gives the trace its name. 0; 1 when no run
 * finished, so that there is nothing to keep (what was there stays); -1
 * when the trace could not be written. why says which.
 */
int record_close(struct recorder *r, char *why, size_t len);
/* record_close() for a program whose exit status is rc so far: says why
 * on stderr, and makes a trace that could not be written exit 3. */
int record_end(struct recorder *r, int rc);

/* One item of a recorded run, in the order it happened. */
struct replay_item {
	char type; /* 'e' event, 'k' cache add, 'c' counters */
	uint64_t t_us;
	union {
		struct zc_event e; /* 'e' and 'k' */
		size_t counts; /* 'c': its index in the run's counts */
	};
};

struct replay_run {
	char *file;
	/* the row of a run outside the table (a command, a watched
	 * program: watched.c), or NULL */
	struct zc_demo *row;
	struct run_config cfg; /* cfg.file is file */
	struct run_result res; /* header, final counters and verdict */
	struct replay_item *items;
	size_t n;
	struct zc_values *counts; /* of the 'c' items */
	size_t ncounts;
};

struct replay {
	struct replay_run *runs;
	int n;
};

/*
 * Reads and checks a whole trace; NULL with a one-line reason. It stops
 * ("interrupted") when stopped(), asked every few thousand lines, is
 * true; stopped may be NULL. replay_parse() reads buf (n bytes and a NUL
 * after them, changed while it is read) as the trace called name.
 */
struct replay *replay_load(const char *path, int (*stopped)(void), char *why,
			   size_t len);
struct replay *replay_parse(char *buf, size_t n, const char *name,
			    int (*stopped)(void), char *why, size_t len);
void replay_free(struct replay *p);
/* The status the recorded run ended with: 0, or ZC_EXIT_FAIL when it was
 * not verified (a watched program's never is, and that is no failure) */
int replay_status(const struct replay_run *run);

#endif /* ZC_RECORD_H */
