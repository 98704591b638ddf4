/*
 * zcviz: runs a demo in the network lab under the eBPF instrument and
 * shows where every byte of the file went: which stage copied it, which
 * only referenced it, and what it cost in system calls and switches.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/units.h"
#include "dash.h"
#include "options.h"
#include "output.h"
#include "record.h"
#include "run.h"
#include "sample.h"
#include "session.h"
#include "trace.h"

static void signals_catch(void)
{
	static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = run_request_stop };
	sigset_t set;

	/* no SA_RESTART: a signal must wake the run's waits */
	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) {
		sigaction(caught[i], &sa, NULL);
		sigaddset(&set, caught[i]);
	}
	/* started with them blocked (the mask is inherited): they must
	 * still stop us, and one already pending does so now */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Runs the demos asked for, printed as they end; the exit status. */
static int demos_run(struct opts *o, struct recorder *rec)
{
	struct session s;
	struct run_consumer c;
	int rc;

	session_init(&s, o->out);
	if (rec) {
		/* a demo is stepped, one call a step, so that its replay
		 * shows the counters grow; a command cannot be */
		o->run.stepped = !o->command;
		c = record_consumer(rec, o->run.stepped);
		session_follow(&s, &c);
	}
	rc = session_demos(&s, &o->run, o->demo, o->command != NULL);
	session_free(&s);
	return rc;
}

/* --replay without a terminal: the recorded runs, printed. */
static int replay_print(struct opts *o)
{
	struct session s;
	int rc;

	session_init(&s, o->out);
	rc = session_replay(&s, o->replay);
	session_free(&s);
	return rc;
}

static int dashboard(struct opts *o)
{
	struct dash_opts d = { .run = o->run,
			       .step = o->step,
			       .pace = o->pace,
			       .pace_level = o->pace_level,
			       .record = o->record,
			       .replay = o->replay,
			       .cast = o->cast };

	d.selection = o->demo && zc_is_selection(o->demo) ? o->demo : NULL;
	if (o->demo && !d.selection)
		d.run.demo = zc_demo_find(o->demo);
	return dash_main(&d);
}

/* zcviz -p PIDS: watched on the dashboard, or printed. */
static int watched(struct opts *o)
{
	struct recorder *rec = NULL;
	struct run_consumer c;
	struct session s;
	char why[512];
	int rc = trace_check_env(why, sizeof(why));

	/* the dashboard opens its own */
	if (!rc && o->record && o->out &&
	    !(rec = record_open(o->record, why, sizeof(why))))
		rc = ZC_EXIT_USAGE;
	if (rc) {
		fprintf(stderr, "zcviz: %s\n", why);
		trace_env_restore();
		return rc;
	}
	if (!o->out) {
		rc = dashboard(o);
		trace_env_restore();
		return rc;
	}
	session_init(&s, o->out);
	if (rec) {
		c = record_consumer(rec, false);
		session_follow(&s, &c);
	}
	rc = record_end(rec, session_watch(&s, &o->run));
	session_free(&s);
	trace_env_restore();
	return rc;
}

/* Live runs: root, BTF and tracefs, the file, the recorder. */
static int live(struct opts *o)
{
	char path[4096], why[512];
	struct recorder *rec = NULL;
	int rc;

	rc = trace_check_env(why, sizeof(why));
	if (!rc)
		rc = sample_prepare(o->file, o->size ? o->size : DEFAULT_SIZE,
				    path, sizeof(path), why, sizeof(why));
	if (!rc && o->record && o->out) {
		rec = record_open(o->record, why, sizeof(why));
		rc = rec ? 0 : ZC_EXIT_USAGE;
	}
	if (rc) {
		fprintf(stderr, "zcviz: %s\n", why);
		return rc;
	}
	o->run.file = path;
	rc = !o->out ? dashboard(o) : demos_run(o, rec);
	rc = record_end(rec, rc);
	trace_env_restore();
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	int rc;

	rc = opts_parse(argc, argv, &o);
	if (rc)
		return rc > 0	? ZC_EXIT_OK :
		       rc == -3 ? ZC_EXIT_ENV :
				  ZC_EXIT_USAGE;
	trace_set_verbose(o.run.verbose);
	signals_catch();
	/* without a terminal, the dashboard is a report */
	if (!o.out && !o.cast && !isatty(STDOUT_FILENO))
		o.out = output_find("report");
	if (o.replay)
		rc = !o.out ? dashboard(&o) : replay_print(&o);
	else
		rc = o.run.nwatch ? watched(&o) : live(&o);
	/* the reader of our output has gone: nobody is left to tell */
	if (run_stop_signal() && run_stop_signal() != SIGPIPE)
		fprintf(stderr, "zcviz: stopped by signal %d%s%s\n",
			run_stop_signal(), run_undone() ? "; " : "",
			run_undone() ? run_undone() : "");
	return run_stop_signal() ? 128 + run_stop_signal() : rc;
}
