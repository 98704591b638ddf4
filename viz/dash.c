/*
 * The dashboard's loop. A run is started with the step handshake, so the
 * demo only makes a syscall when the dashboard lets it: one per space in
 * step mode, N a second when paced, all of them at full speed.
 */
#include "dash_int.h"

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/units.h"
#include "output.h"
#include "report.h"

#define FRAME_MS 33 /* at most ~30 frames a second */
#define CARD_SECONDS 4.0 /* a demo's title card, unless a key is pressed */
#define NEXT_SECONDS 3.0 /* between two demos of `all` */
#define END_SECONDS 2.0 /* headless: the last frame, before it ends */

static const char *count_word(int n)
{
	static const char *const words[] = {
		"none",	   "one",     "two",	"three",    "four",
		"five",	   "six",     "seven",	"eight",    "nine",
		"ten",	   "eleven",  "twelve", "thirteen", "fourteen",
		"fifteen", "sixteen",
	};

	return n >= 0 && n < (int)(sizeof(words) / sizeof(words[0])) ?
		       words[n] :
		       "of them";
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The dashboard's time. A headless replay has nobody to keep time for:
 * its frames come as fast as they are drawn, each FRAME_MS on from the
 * last on its own clock, which the cast is timed by, so that the cast
 * still plays at the pace. A live run's demo runs in real time.
 */
double dash_now(const struct dash *d)
{
	return d->own_clock ? d->clock : now_s();
}

static void on_event(void *ctx, const struct zc_event *e)
{
	struct dash *d = ctx;

	view_event(&d->v, e, dash_now(d));
}

/* demo's title card, the place-th of total in the sequence */
static void card_show(struct dash *d, const struct zc_demo *demo, int place,
		      int total)
{
	char title[96];

	snprintf(title, sizeof(title), "%d / %d   %s", place, total,
		 demo->name);
	ui_card(d->ui, title, demo->card,
		"it starts in a few seconds; any key starts it now",
		dash_now(d));
}

/*
 * A live slot is a demo's place in the table (its key's); a sequence
 * plays the demos of its selection (all, classic) in the table's order.
 * The slot after slot in the sequence (-1: from the start), or -1.
 */
static int slot_next(const struct dash *d, int slot)
{
	if (d->rp)
		return slot + 1 < d->rp->n ? slot + 1 : -1;
	for (int i = slot + 1; d->o->selection && i < zc_ndemos; i++)
		if (zc_demo_selected(d->o->selection, &zc_demos[i]))
			return i;
	return -1;
}

/* How many slots the sequence has before slot (all of them: -1). */
static int slot_count(const struct dash *d, int before)
{
	int n = 0;

	for (int s = slot_next(d, -1); s >= 0 && (before < 0 || s < before);
	     s = slot_next(d, s))
		n++;
	return n;
}

/* A run outside the table: a command's (zcviz -- CMD), or a watch (-p). */
bool dash_outside(const struct dash *d)
{
	return !d->rp && (d->o->run.command || d->o->run.nwatch);
}

const struct zc_demo *dash_slot_demo(const struct dash *d, int slot)
{
	if (dash_outside(d))
		return d->o->run.demo;
	return d->rp ? d->rp->runs[slot].cfg.demo : &zc_demos[slot];
}

/* A watch, or a run: started, or why not in *rc and d->res.why. */
static bool live_start(struct dash *d, int *rc)
{
	const struct run_consumer *c = session_consumer(&d->s, d->slot);

	if (d->cfg.nwatch)
		d->watch = watch_start(&d->cfg, &d->res, c, rc);
	else
		d->run = run_start(&d->cfg, &d->res, c, rc);
	return d->watch || d->run;
}

static void live_begin(struct dash *d, bool cold)
{
	int rc;

	d->cfg = d->o->run;
	d->cfg.demo = dash_slot_demo(d, d->slot);
	d->cfg.cold = cold;
	/* a command and a watched program do not wait for our steps */
	d->cfg.stepped = !dash_outside(d);
	view_reset(&d->v, &d->cfg, dash_now(d));
	live_start(d, &rc);
	d->v.res = d->res; /* egress, scatter-gather, file size */
	if (!d->run && !d->watch) {
		d->v.state = VS_FAILED;
		snprintf(d->v.status, sizeof(d->v.status), "%s", d->res.why);
		/* a sequence goes on without it (a JVM, io_uring missing),
		 * once the reason has been on the screen */
		if (d->sequence)
			d->next_at = dash_now(d) + NEXT_SECONDS;
		return;
	}
	if (d->v.pace == PACE_FULL && d->run)
		run_unleash(d->run);
}

static void replay_begin(struct dash *d)
{
	const struct replay_run *run = &d->rp->runs[d->slot];

	d->cfg = run->cfg;
	view_reset(&d->v, &d->cfg, dash_now(d));
	d->v.res = run->res;
	memset(&d->v.res.in.counts, 0, sizeof(d->v.res.in.counts));
	view_counts(&d->v, &d->v.res.in.counts);
	d->v.res.verified = false;
	d->pos = 0;
	d->tokens = 0;
	d->playing = true;
	d->last_data = 0;
	for (size_t i = 0; i < run->n; i++)
		if (run->items[i].type == 'e' &&
		    view_moves_data(&run->items[i].e))
			d->last_data = i;
}

void dash_slot_begin(struct dash *d, bool cold)
{
	d->v.run_no = slot_count(d, d->slot) + 1;
	if (d->rp)
		replay_begin(d);
	else
		live_begin(d, cold);
}

/* A run ended with res: shown, kept for the table (live, the session
 * kept it already), and the sequence goes on. */
static void slot_end(struct dash *d, const struct run_result *res, int rc)
{
	view_end(&d->v, res, rc != 0, dash_now(d));
	if (d->rp)
		session_put(&d->s, d->slot, &d->cfg, res, rc);
	if (d->sequence && slot_next(d, d->slot) >= 0)
		d->next_at = d->v.t_end + NEXT_SECONDS;
	else if (d->sequence)
		d->table = true;
}

/* A live run came to its verdict (run_finish() tells its consumers). */
static void live_end(void *ctx, const struct run_config *cfg,
		     const struct run_result *res, int rc)
{
	struct dash *d = ctx;

	(void)cfg;
	slot_end(d, res, rc);
}

static void slot_stop(struct dash *d)
{
	run_abort(d->run);
	d->run = NULL;
	watch_abort(d->watch);
	d->watch = NULL;
	d->playing = false;
}

/* A watch ends when the programs have, or on q: reported, not aborted. */
static int watch_end(struct dash *d)
{
	struct watch *w = d->watch;

	d->watch = NULL;
	return w ? watch_finish(w) : 0;
}

/* Shows slot (with its title card first in a sequence). */
void dash_slot_switch(struct dash *d, int slot, bool cold)
{
	slot_stop(d);
	d->table = false;
	d->next_at = 0;
	d->slot = slot;
	d->cfg.cold = cold;
	if (d->sequence) {
		card_show(d, dash_slot_demo(d, slot), slot_count(d, slot) + 1,
			  slot_count(d, -1));
		d->card_until = dash_now(d) + CARD_SECONDS;
		return;
	}
	dash_slot_begin(d, cold);
}

/* The slot that shows demo (live: itself; replay: its first run), or -1. */
int dash_slot_of_demo(const struct dash *d, const struct zc_demo *demo,
		      bool cold)
{
	if (!d->rp)
		return zc_demo_index(demo);
	for (int i = 0; i < d->rp->n; i++)
		if (d->rp->runs[i].cfg.demo == demo &&
		    (!cold || d->rp->runs[i].cfg.cold))
			return i;
	return -1;
}

/* ---- the loop ------------------------------------------------------------ */

/* The comparison table of a sequence, as a card. */
static void table_show(struct dash *d)
{
	const struct session_run **runs;
	char *text = NULL, title[64];
	int n;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	session_compare(&d->s, f);
	fclose(f);
	runs = session_runs(&d->s, &n);
	free(runs);
	snprintf(title, sizeof(title), "all %s, measured", count_word(n));
	ui_card(d->ui, title, text, d->keys_table, dash_now(d));
	free(text);
}

static void replay_item_apply(struct dash *d, const struct replay_item *it,
			      double now)
{
	struct zc_counts counts = d->v.res.in.counts;

	if (it->type == 'c') {
		counts_set(&counts, &d->rp->runs[d->slot].counts[it->counts]);
		view_counts(&d->v, &counts);
	} else {
		view_event(&d->v, &it->e, now);
	}
}

/*
 * Does replaying this item wait for a step? Live, the demo waits before
 * each syscall from its first data-moving one to its last; start-up and
 * exit run freely.
 */
static bool replay_stepped(const struct dash *d, size_t pos)
{
	const struct replay_item *it = &d->rp->runs[d->slot].items[pos];

	return it->type == 'e' && pos <= d->last_data &&
	       (d->v.logging || view_moves_data(&it->e));
}

/* Plays the recorded run on: one syscall per step, as a live run would. */
static void replay_tick(struct dash *d, double now)
{
	const struct replay_run *run = &d->rp->runs[d->slot];
	int tokens = d->tokens + view_tokens(&d->v, now), burst = 0;

	for (; d->pos < run->n; d->pos++) {
		if (replay_stepped(d, d->pos)) {
			if (d->v.pace == PACE_FULL ? ++burst > 64 : !tokens)
				break;
			tokens -= d->v.pace != PACE_FULL;
		}
		replay_item_apply(d, &run->items[d->pos], now);
	}
	d->tokens = d->v.pace == PACE_STEP && tokens > 0 ? 1 : 0;
	if (d->pos == run->n) {
		d->playing = false;
		slot_end(d, &run->res, replay_status(run));
	}
}

/* The dashboard's pace: the view's tokens (its pace, or the space key's
 * grant), and the counters into the view and the recording. */
static int live_grant(void *ctx)
{
	struct dash *d = ctx;

	return view_tokens(&d->v, dash_now(d));
}

static void live_counts(void *ctx, const struct zc_counts *c)
{
	struct dash *d = ctx;

	if (d->watch && d->v.paused)
		return; /* a watch goes on: only what is shown stands still */
	if (d->watch) { /* its flows, processes, time so far */
		memcpy(d->v.res.flows, d->res.flows, sizeof(d->res.flows));
		memcpy(d->v.res.procs, d->res.procs, sizeof(d->res.procs));
		d->v.res.watched_ns = d->res.watched_ns;
		d->v.res.in.file_bytes = d->res.in.file_bytes;
	}
	view_counts(&d->v, c);
}

static int watch_tick(struct dash *d)
{
	int t = watch_step(d->watch);

	if (t < 0)
		return -1;
	if (t > 0 && watch_end(d))
		return -1;
	return 0;
}

static int live_tick(struct dash *d)
{
	struct run *r = d->run;
	int t;

	if (d->watch)
		return watch_tick(d);
	t = run_step(r);

	if (t < 0)
		return -1;
	/* run_finish() frees the run, and tells live_end() only of a run
	 * that came to its verdict: a signal meanwhile tells nobody */
	if (t > 0) {
		d->run = NULL;
		run_finish(r);
	}
	return 0;
}

static void frame_sleep(struct dash *d)
{
	struct timespec ts = { 0, FRAME_MS * 1000000L };

	if (d->own_clock)
		d->clock += FRAME_MS / 1000.0;
	else
		nanosleep(&ts, NULL);
}

/*
 * Without a terminal (--cast), nobody presses q: the dashboard ends two
 * seconds after its last run did, or after the comparison came up.
 */
static void headless_end(struct dash *d, double now)
{
	bool over = d->table || (!d->sequence && !d->card_until && !d->run &&
				 !d->playing && d->v.state != VS_RUNNING);

	if (!d->headless || !over)
		d->end_at = 0;
	else if (!d->end_at)
		d->end_at = now + END_SECONDS;
	else if (now >= d->end_at)
		d->quit = true;
}

/* One frame: keys, pace, events, counters, drawing. */
static int frame(struct dash *d)
{
	double now = dash_now(d);
	int key;

	while ((key = ui_key(d->ui)) >= 0 && !d->quit)
		dash_key(d, key);
	if (d->card_until && now >= d->card_until) {
		d->card_until = 0;
		dash_slot_begin(d, d->cfg.cold);
	}
	if (d->next_at && now >= d->next_at && slot_next(d, d->slot) >= 0)
		dash_slot_switch(d, slot_next(d, d->slot), d->cfg.cold);
	else if (d->next_at && now >= d->next_at)
		d->next_at = 0,
		d->table = true; /* the last one could not run */
	headless_end(d, now);
	if (d->card_until || d->quit || d->table) {
		if (d->table)
			table_show(d);
		frame_sleep(d);
	} else {
		if ((d->run || d->watch) && live_tick(d))
			return -1;
		if (d->playing)
			replay_tick(d, now);
		if (!d->run && !d->watch)
			frame_sleep(d);
		now = dash_now(d);
		view_age(&d->v, now);
		ui_draw(d->ui, &d->v, now);
	}
	return run_stop_signal() ? -1 : 0;
}

/* Quit in the middle of a run: say so, since that run has no report. */
static void quit_note(const struct dash *d, char *s, size_t len)
{
	const struct model_result *m = &d->v.m;

	s[0] = '\0';
	if (!d->run && !d->playing)
		return;
	snprintf(
		s, len,
		"zcviz: quit during the %s %s (%" PRIu64 " of %" PRIu64
		" bytes sent);\n"
		"       it did not finish, so it is neither verified nor reported.%s\n",
		d->v.cfg.demo->name, d->rp ? "replay" : "run", m->socket_in,
		d->v.res.in.file_bytes,
		d->s.last >= 0 ? "\nThe last run that finished:\n" : "");
}

/* After the dashboard: the last run's report on the terminal, kept, and
 * the table of them all. */
static void report_after(struct dash *d, const char *note)
{
	fputs(note, stdout);
	if (d->s.last < 0)
		return;
	report_text(stdout, &d->s.runs[d->s.last].cfg,
		    &d->s.runs[d->s.last].res, &d->s.runs[d->s.last].m);
	session_compare(&d->s, stdout);
}

static int dash_setup(struct dash *d, struct dash_opts *o)
{
	char why[512];

	d->o = o;
	session_init(&d->s, NULL);
	d->self = (struct run_consumer){ .grant = live_grant,
					 .event = on_event,
					 .counts = live_counts,
					 .end = live_end,
					 .ctx = d,
					 .ms = FRAME_MS };
	session_follow(&d->s, &d->self);
	if (o->replay) {
		d->rp = replay_load(o->replay, run_stop_signal, why,
				    sizeof(why));
		if (!d->rp && run_stop_signal())
			return -1;
		if (!d->rp) {
			fprintf(stderr, "zcviz: cannot replay: %s\n", why);
			return ZC_EXIT_USAGE;
		}
	}
	if (o->record) {
		d->rec = record_open(o->record, why, sizeof(why));
		if (!d->rec) {
			fprintf(stderr, "zcviz: %s\n", why);
			return ZC_EXIT_USAGE;
		}
		d->recording = record_consumer(d->rec, false);
		session_follow(&d->s, &d->recording);
	}
	if (o->cast) {
		d->cast = cast_open(o->cast, why, sizeof(why));
		if (!d->cast) {
			fprintf(stderr, "zcviz: %s\n", why);
			return ZC_EXIT_USAGE;
		}
		d->headless = !isatty(STDOUT_FILENO);
		/* from now: view_tokens() takes a time of 0 for none yet */
		d->own_clock = d->headless && d->rp;
		d->clock = now_s();
	}
	d->ui = ui_open(d->headless, d->cast, why, sizeof(why));
	if (!d->ui) {
		fprintf(stderr, "zcviz: %s; use %s\n", why,
			output_options('|'));
		return ZC_EXIT_ENV;
	}
	return 0;
}

int dash_main(struct dash_opts *o)
{
	static struct dash d; /* large: keep it off the stack */
	char note[256] = "";
	int rc;

	memset(&d, 0, sizeof(d));
	rc = dash_setup(&d, o);
	if (!rc) {
		view_init(&d.v, o->step ? PACE_STEP : o->pace, d.rp != NULL);
		if (o->pace_level >= 0)
			d.v.pace_level = o->pace_level;
		dash_keys_set(&d);
		d.sequence = d.rp ? d.rp->n > 1 : o->selection != NULL;
		d.v.run_total = d.sequence ? slot_count(&d, -1) : 1;
		dash_slot_switch(&d,
				 dash_outside(&d) ? 0 :
				 d.rp || o->selection ?
						    slot_next(&d, -1) :
						    zc_demo_index(o->run.demo),
				 o->run.cold);
		while (!d.quit && !rc)
			rc = frame(&d);
		/* q, Ctrl-C and SIGTERM end a watch as the programs' exit
		 * does: with its report (zcviz -p without a dashboard too) */
		if (d.watch && (!rc || run_stop_signal() == SIGINT ||
				run_stop_signal() == SIGTERM))
			rc = watch_end(&d) ? -1 : 0;
		quit_note(&d, note, sizeof(note));
		slot_stop(&d);
		ui_close(d.ui);
	}
	if (!rc)
		report_after(&d, note);
	rc = record_end(d.rec, rc ? rc : d.s.status);
	if (d.cast && cast_close(d.cast, note, sizeof(note))) {
		fprintf(stderr, "zcviz: %s\n", note);
		rc = rc ? rc : ZC_EXIT_USAGE;
	}
	replay_free(d.rp);
	session_free(&d.s);
	return rc < 0 ? 128 + run_stop_signal() : rc;
}
