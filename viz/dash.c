/*
 * The dashboard's loop. A run is started with the step handshake, so the
 * demo only makes a syscall when the dashboard lets it: one per space in
 * step mode, N a second when paced, all of them at full speed.
 */
#include "dash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../demos/common.h"
#include "report.h"
#include "ui.h"
#include "view.h"

#define FRAME_MS 33 /* at most ~30 frames a second */
#define CARD_SECONDS 4.0 /* a demo's title card, unless a key is pressed */
#define NEXT_SECONDS 3.0 /* between two demos of `all` */

struct dash {
	struct dash_opts *o;
	struct ui *ui;
	struct view v;
	struct run *run;
	struct run_config cfg;
	struct run_result res;
	/* the finished runs of this session, by demo, for the final table */
	struct run_result done[ZC_NR_DEMOS];
	struct model_result done_m[ZC_NR_DEMOS];
	bool have[ZC_NR_DEMOS];
	int last; /* the demo of the last finished run, or -1 */
	double card_until; /* showing a title card until then */
	double next_at; /* `all`: when to start the next demo */
	bool table; /* `all` is over: show the comparison */
	bool quit;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_event(void *ctx, const struct zc_event *e)
{
	struct dash *d = ctx;

	view_event(&d->v, e, now_s());
}

static const char *const card_text[ZC_NR_DEMOS] = {
	[ZC_TRADITIONAL] =
		"read() + write(): every chunk comes up from the page cache into the\n"
		"program's buffer, and goes back down into the socket buffer.\n\n"
		"Predict before it runs: how many CPU copies of the file? how many\n"
		"syscalls and mode switches per chunk?\n\n"
		"The textbook: 2 copies, 2 syscalls and 4 mode switches per chunk.",
	[ZC_MMAP] =
		"mmap() + write(): the file's pages are mapped into the program, not\n"
		"copied; write() copies them once into the socket buffer.\n\n"
		"Predict: copies of the file? syscalls per chunk? page faults?\n\n"
		"The textbook: 1 copy, 1 syscall and 2 mode switches per chunk.",
	[ZC_SENDFILE] =
		"sendfile() to a device WITHOUT scatter-gather: no byte comes up to\n"
		"user space, but the device cannot gather scattered pages.\n\n"
		"Predict: copies of the file? where does the copy happen today?\n\n"
		"The textbook: 1 copy (page cache -> socket buffer), 2 mode switches\n"
		"per chunk.",
	[ZC_DMA_GATHER] =
		"sendfile() to a device WITH scatter-gather: the socket buffer holds\n"
		"page references and the NIC gathers the pages itself.\n\n"
		"Predict: copies of the file? what moves the bytes?\n\n"
		"The textbook: 0 CPU copies; DMA from the page cache to the NIC.",
};

static void card_show(struct dash *d, enum zc_demo demo)
{
	char title[96];

	snprintf(title, sizeof(title), "%d / %d   %s", demo + 1, ZC_NR_DEMOS,
		 model_demo_name(demo));
	ui_card(d->ui, title, card_text[demo], "press any key to start");
}

static void run_begin(struct dash *d, enum zc_demo demo, bool cold)
{
	int rc;

	d->cfg = d->o->run;
	d->cfg.demo = demo;
	d->cfg.cold = cold;
	d->cfg.stepped = true;
	d->cfg.on_event = on_event;
	d->cfg.event_ctx = d;
	d->v.run_no = demo + 1;
	view_reset(&d->v, &d->cfg, now_s());
	d->run = run_start(&d->cfg, &d->res, &rc);
	d->v.res = d->res; /* egress, scatter-gather, file size */
	if (!d->run) {
		d->v.state = VS_FAILED;
		snprintf(d->v.status, sizeof(d->v.status), "%s", d->res.why);
		return;
	}
	if (d->v.pace == PACE_FULL)
		run_unleash(d->run);
}

static void run_end(struct dash *d)
{
	enum zc_demo demo = d->cfg.demo;
	int rc = run_finish(d->run);

	d->run = NULL;
	d->v.res = d->res;
	view_counts(&d->v, &d->res.in.counts);
	d->v.t_end = now_s();
	d->v.state = rc ? VS_FAILED : VS_DONE;
	if (rc)
		snprintf(d->v.status, sizeof(d->v.status), "%s", d->res.why);
	d->done[demo] = d->res;
	d->done_m[demo] = d->v.m;
	d->have[demo] = true;
	d->last = demo;
	if (d->o->all && demo + 1 < ZC_NR_DEMOS)
		d->next_at = d->v.t_end + NEXT_SECONDS;
	else if (d->o->all)
		d->table = true;
}

static void run_stop(struct dash *d)
{
	run_abort(d->run);
	d->run = NULL;
}

/* Starts demo (or the next one of `all`) with its title card first. */
static void demo_switch(struct dash *d, enum zc_demo demo, bool cold)
{
	if (d->run)
		run_stop(d);
	d->table = false;
	d->next_at = 0;
	if (d->o->all) {
		card_show(d, demo);
		d->card_until = now_s() + CARD_SECONDS;
		d->cfg.demo = demo;
		d->cfg.cold = cold;
		return;
	}
	run_begin(d, demo, cold);
}

/* ---- keys --------------------------------------------------------------- */

static void pace_set(struct dash *d, enum view_pace pace)
{
	d->v.pace = pace;
	d->v.paused = false;
	if (pace == PACE_FULL && d->run)
		run_unleash(d->run);
}

static void key_pace(struct dash *d, int key)
{
	struct view *v = &d->v;

	switch (key) {
	case ' ':
		if (v->pace == PACE_FULL)
			break;
		v->pace = PACE_STEP;
		if (d->run)
			run_grant(d->run, 1);
		break;
	case 'p':
		if (v->pace == PACE_STEP)
			pace_set(d, PACE_PACED);
		else
			v->paused = !v->paused;
		break;
	case '+':
	case '=':
		if (v->pace_level < view_pace_max())
			v->pace_level++;
		pace_set(d, v->pace == PACE_FULL ? PACE_FULL : PACE_PACED);
		break;
	case '-':
		if (v->pace_level > 0)
			v->pace_level--;
		pace_set(d, v->pace == PACE_FULL ? PACE_FULL : PACE_PACED);
		break;
	case 'f':
		pace_set(d, PACE_FULL);
		break;
	}
}

static void key_handle(struct dash *d, int key)
{
	if (key == 'q' || key == 'Q') {
		d->quit = true;
	} else if (d->card_until) {
		d->card_until = 0; /* any key starts the demo */
		run_begin(d, d->cfg.demo, d->cfg.cold);
	} else if (key >= '1' && key <= '4') {
		demo_switch(d, key - '1', false);
	} else if (key == 'r') {
		demo_switch(d, d->cfg.demo, d->cfg.cold);
	} else if (key == 'c') {
		demo_switch(d, d->cfg.demo, true);
	} else {
		key_pace(d, key);
	}
}

/* ---- the loop ------------------------------------------------------------ */

/* The comparison table of `all`, as a card. */
static void table_show(struct dash *d)
{
	struct run_result res[ZC_NR_DEMOS];
	struct model_result m[ZC_NR_DEMOS];
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int i, n = 0;

	for (i = 0; i < ZC_NR_DEMOS; i++)
		if (d->have[i]) {
			res[n] = d->done[i];
			m[n++] = d->done_m[i];
		}
	if (!f)
		return;
	report_compare(f, res, m, n);
	fclose(f);
	ui_card(d->ui, "all four, measured", text, "r again  1-4 one demo  q quit");
	free(text);
}

/* One frame: keys, pace, events, counters, drawing. */
static int frame(struct dash *d)
{
	struct zc_counts counts;
	double now = now_s();
	int key, t;

	while ((key = ui_key(d->ui)) >= 0 && !d->quit)
		key_handle(d, key);
	if (d->card_until && now >= d->card_until) {
		d->card_until = 0;
		run_begin(d, d->cfg.demo, d->cfg.cold);
	}
	if (d->next_at && now >= d->next_at)
		demo_switch(d, d->cfg.demo + 1, d->cfg.cold);
	if (d->card_until || d->quit)
		return run_stop_signal() ? -1 : 0;
	if (d->table) {
		table_show(d);
		struct timespec ts = { 0, FRAME_MS * 1000000L };
		nanosleep(&ts, NULL);
		return run_stop_signal() ? -1 : 0;
	}
	if (d->run) {
		run_grant(d->run, view_tokens(&d->v, now));
		t = run_tick(d->run, FRAME_MS);
		if (t < 0)
			return -1;
		run_read(d->run, &counts);
		view_counts(&d->v, &counts);
		if (t > 0)
			run_end(d);
	} else {
		struct timespec ts = { 0, FRAME_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
	now = now_s();
	view_age(&d->v, now);
	ui_draw(d->ui, &d->v, now);
	return run_stop_signal() ? -1 : 0;
}

/* After the dashboard: the last run's report on the terminal, kept. */
static void report_after(struct dash *d)
{
	int i, n = 0;
	struct run_result res[ZC_NR_DEMOS];
	struct model_result m[ZC_NR_DEMOS];

	if (d->last < 0)
		return;
	report_text(stdout, &d->cfg, &d->done[d->last], &d->done_m[d->last]);
	for (i = 0; i < ZC_NR_DEMOS; i++)
		if (d->have[i]) {
			res[n] = d->done[i];
			m[n++] = d->done_m[i];
		}
	if (n > 1)
		report_compare(stdout, res, m, n);
}

int dash_main(struct dash_opts *o)
{
	static struct dash d; /* large: keep it off the stack */
	char why[256];
	int rc = 0;

	memset(&d, 0, sizeof(d));
	d.o = o;
	d.last = -1;
	d.ui = ui_open(why, sizeof(why));
	if (!d.ui) {
		fprintf(stderr, "zcviz: %s; use --report or --json\n", why);
		return ZC_EXIT_ENV;
	}
	view_init(&d.v, o->step ? PACE_STEP : PACE_PACED, false);
	d.v.run_total = o->all ? ZC_NR_DEMOS : 1;
	demo_switch(&d, o->all ? ZC_TRADITIONAL : o->run.demo, o->run.cold);
	while (!d.quit && !rc)
		rc = frame(&d);
	if (d.run)
		run_stop(&d);
	ui_close(d.ui);
	if (rc)
		return 128 + run_stop_signal();
	report_after(&d);
	return 0;
}
