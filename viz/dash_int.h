/*
 * Inside the dashboard (dash.c, dashkeys.c): its state, and what its
 * keys do to it.
 */
#ifndef ZC_DASH_INT_H
#define ZC_DASH_INT_H

#include "cast.h"
#include "dash.h"
#include "record.h"
#include "session.h"
#include "ui.h"
#include "view.h"
#include "watch.h"

struct dash {
	struct dash_opts *o;
	struct ui *ui;
	struct view v;
	struct recorder *rec; /* --record */
	/* live: the run of demo `slot`, or the watch of programs (-p) */
	struct run *run;
	struct watch *watch;
	struct run_config cfg;
	struct run_result res;
	/* --replay: recorded run `slot`, played up to item `pos` */
	struct replay *rp;
	size_t pos;
	size_t last_data; /* the run's last data-moving syscall */
	int tokens; /* steps granted and not used yet */
	bool playing;
	int slot; /* the demo (live) or the recorded run (replay) shown */
	bool sequence; /* play every slot in turn: `all`, or a trace of several */
	/* the finished runs, by slot, for the final table; and who follows
	 * a live run: the dashboard itself, and the recorder */
	struct session s;
	struct run_consumer self, recording;
	char keys_table[VIEW_LINE]; /* the comparison table's key line */
	double card_until; /* showing a title card until then */
	double next_at; /* when to start the next slot of the sequence */
	bool table; /* the sequence is over: show the comparison */
	bool quit;
	struct cast *cast; /* --cast */
	bool headless; /* --cast without a terminal */
	double end_at; /* headless: when to end, once everything ran */
	/* a headless replay's time (dash_now()), and whether it is used */
	double clock;
	bool own_clock;
};

/* The dashboard's time, in seconds. */
double dash_now(const struct dash *d);
/* Is the run shown outside the table: a command's, or a watch? */
bool dash_outside(const struct dash *d);
/* The row of what slot shows. */
const struct zc_demo *dash_slot_demo(const struct dash *d, int slot);
/* Starts the run of slot d->slot now. */
void dash_slot_begin(struct dash *d, bool cold);
/* Shows slot (with its title card first in a sequence). */
void dash_slot_switch(struct dash *d, int slot, bool cold);
/* The slot that shows demo (live: itself; replay: its first run), or -1. */
int dash_slot_of_demo(const struct dash *d, const struct zc_demo *demo,
		      bool cold);

/* What a key does (dashkeys.c), and the key bar for the run shown. */
void dash_key(struct dash *d, int key);
void dash_keys_set(struct dash *d);

#endif /* ZC_DASH_INT_H */
