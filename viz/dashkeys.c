/*
 * The dashboard's keys: what each one does to the run shown (step, pace,
 * pause, another demo, again, cold, quit), and the key bar, which offers
 * only the keys that do something for it. dash.c reads them and calls
 * dash_key().
 */
#include "dash_int.h"

#include <stdio.h>

/* Keys 1 to 9 switch to a demo: the table's first nine. */
static int demo_keys(void)
{
	return zc_ndemos < 9 ? zc_ndemos : 9;
}

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
		v->paused = false; /* stepping is its own pause */
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

static void key_switch(struct dash *d, int slot)
{
	if (slot < 0)
		view_flash(&d->v, "that run is not in this recording",
			   dash_now(d));
	else
		dash_slot_switch(d, slot,
				 d->rp ? d->rp->runs[slot].cfg.cold :
					 d->cfg.cold);
}

/* A watch or a command: quit, or pause what the view shows. */
static void key_outside(struct dash *d, int key)
{
	if (key == 'p' && d->watch)
		d->v.paused = !d->v.paused;
	else if (key == 'r' && !d->watch && !d->run)
		dash_slot_switch(d, d->slot, false);
	else
		view_flash(&d->v, d->v.keys, dash_now(d));
}

void dash_key(struct dash *d, int key)
{
	if (key == 'q' || key == 'Q') {
		d->quit = true;
	} else if (dash_outside(d)) {
		key_outside(d, key);
	} else if (d->card_until) {
		d->card_until = 0; /* any key starts the demo */
		dash_slot_begin(d, d->cfg.cold);
	} else if (key == ' ' && d->next_at) {
		d->next_at = dash_now(d); /* a run is over: the next one now */
	} else if (key >= '1' && key < '1' + demo_keys()) {
		d->cfg.cold = false;
		key_switch(d,
			   dash_slot_of_demo(d, &zc_demos[key - '1'], false));
	} else if (key == 'r') {
		key_switch(d, d->slot);
	} else if (key == 'c') {
		d->cfg.cold = true;
		key_switch(d, dash_slot_of_demo(d, dash_slot_demo(d, d->slot),
						true));
	} else {
		if (key == ' ' && d->rp && d->v.pace != PACE_FULL)
			d->tokens = 1;
		key_pace(d, key);
	}
}

/* The key bar offers only what works: a replay has only what it recorded. */
void dash_keys_set(struct dash *d)
{
	bool cold = false, several = d->rp && d->rp->n > 1;
	char keys_demos[16]; /* "4 demo": 1-4 switch to a demo */

	if (dash_outside(d)) {
		snprintf(
			d->v.keys, sizeof(d->v.keys), "%s",
			d->o->run.nwatch ?
				" p pause the view (the watch goes on)  q stop watching, report" :
				" r again (once it ended)  q quit");
		return;
	}

	for (int i = 0; d->rp && i < d->rp->n; i++)
		cold |= d->rp->runs[i].cfg.cold;
	snprintf(keys_demos, sizeof(keys_demos), "%d demo", demo_keys());
	snprintf(
		d->v.keys, sizeof(d->v.keys),
		" space step  p pause  +/- pace  f full speed%s  r again%s%s  q quit",
		!d->rp || cold ? "  c cold" : "",
		!d->rp || several ? "  1-" : "",
		!d->rp || several ? keys_demos : "");
	snprintf(d->keys_table, sizeof(d->keys_table),
		 "r again  1-%d one demo  q quit", demo_keys());
}
