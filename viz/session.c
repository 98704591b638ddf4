/*
 * A session: the runs of one zcviz command, kept and compared, and each
 * run fanned out to whoever follows it. See session.h.
 */
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "../lib/units.h"
#include "output.h"
#include "record.h"
#include "report.h"
#include "watch.h"

void session_init(struct session *s, const struct output *out)
{
	memset(s, 0, sizeof(*s));
	s->out = out;
	s->f = stdout;
	s->last = -1;
}

void session_free(struct session *s)
{
	free(s->runs);
	free(s->have);
	s->runs = NULL;
	s->have = NULL;
	s->nslots = 0;
}

/* Room for slot; false when out of memory. */
static bool slots_grow(struct session *s, int slot)
{
	int n = s->nslots ? s->nslots : 16;
	struct session_run *runs;
	bool *have;

	while (n <= slot)
		n *= 2;
	if (n == s->nslots)
		return true;
	runs = realloc(s->runs, n * sizeof(*runs));
	if (runs)
		s->runs = runs;
	have = runs ? realloc(s->have, n * sizeof(*have)) : NULL;
	if (!have)
		return false;
	s->have = have;
	memset(have + s->nslots, 0, (n - s->nslots) * sizeof(*have));
	s->nslots = n;
	return true;
}

void session_put(struct session *s, int slot, const struct run_config *cfg,
		 const struct run_result *res, int rc)
{
	struct session_run *r;

	if (slot < 0 || !slots_grow(s, slot))
		return;
	r = &s->runs[slot];
	r->cfg = *cfg;
	r->res = *res;
	r->rc = rc;
	model_compute(&r->res.in, &r->m);
	s->have[slot] = true;
	s->last = slot;
	if (rc == ZC_EXIT_FAIL)
		s->status = rc;
	if (s->out && s->out->run) {
		s->out->run(s->f, s, r);
		s->printed++;
	}
}

const struct session_run **session_runs(const struct session *s, int *n)
{
	const struct session_run **runs = calloc(s->nslots + 1, sizeof(*runs));

	*n = 0;
	for (int i = 0; runs && i < s->nslots; i++)
		if (s->have[i])
			runs[(*n)++] = &s->runs[i];
	return runs;
}

void session_compare(const struct session *s, FILE *f)
{
	int n;
	const struct session_run **runs = session_runs(s, &n);
	struct run_result *res = calloc(n + 1, sizeof(*res));
	struct model_result *m = calloc(n + 1, sizeof(*m));

	for (int i = 0; runs && res && m && i < n; i++) {
		res[i] = runs[i]->res;
		m[i] = runs[i]->m;
	}
	if (runs && res && m && n > 1)
		report_compare(f, res, m, n);
	free(runs);
	free(res);
	free(m);
}

/* ---- fanning a run out ------------------------------------------------ */

#define EACH(s, c)                                          \
	for (const struct run_consumer *c = (s)->consumers; \
	     c < (s)->consumers + (s)->nconsumers; c++)

void session_follow(struct session *s, const struct run_consumer *c)
{
	if (s->nconsumers < SESSION_MAX_CONSUMERS)
		s->consumers[s->nconsumers++] = *c;
}

static void fan_begin(void *ctx, const struct run_config *cfg)
{
	EACH((struct session *)ctx, c)
	if (c->begin)
		c->begin(c->ctx, cfg);
}

/* The first consumer that paces the run paces it. */
static int fan_grant(void *ctx)
{
	EACH((struct session *)ctx, c)
	if (c->grant)
		return c->grant(c->ctx);
	return 0;
}

static void fan_event(void *ctx, const struct zc_event *e)
{
	EACH((struct session *)ctx, c)
	if (c->event)
		c->event(c->ctx, e);
}

static void fan_counts(void *ctx, const struct zc_counts *counts)
{
	EACH((struct session *)ctx, c)
	if (c->counts)
		c->counts(c->ctx, counts);
}

/* The session keeps the run first, so that its consumers see it kept. */
static void fan_end(void *ctx, const struct run_config *cfg,
		    const struct run_result *res, int rc)
{
	struct session *s = ctx;

	s->ended = true;
	if (!rc || rc == ZC_EXIT_FAIL)
		session_put(s, s->slot, cfg, res, rc);
	EACH(s, c)
	if (c->end)
		c->end(c->ctx, cfg, res, rc);
}

const struct run_consumer *session_consumer(struct session *s, int slot)
{
	bool grant = false, event = false, counts = false;
	int ms = 50;

	EACH(s, c)
	{
		grant |= c->grant != NULL;
		event |= c->event != NULL;
		counts |= c->counts != NULL;
		if (c->ms > 0 && c->ms < ms)
			ms = c->ms;
	}
	s->slot = slot;
	s->ended = false;
	/* a hook nobody has stays NULL: no events read for nobody */
	s->fan = (struct run_consumer){ fan_begin,
					grant ? fan_grant : NULL,
					event ? fan_event : NULL,
					counts ? fan_counts : NULL,
					fan_end,
					s,
					ms };
	return &s->fan;
}

/* ---- the sequences ---------------------------------------------------- */

/* The rows a run of name makes: a command's, or the table's it selects. */
static int rows_pick(const struct run_config *cfg, const char *name,
		     bool command, const struct zc_demo *rows[])
{
	int n = 0;

	if (command)
		rows[n++] = cfg->demo;
	else
		for (int d = 0; d < zc_ndemos; d++)
			if (zc_demo_selected(name, &zc_demos[d]))
				rows[n++] = &zc_demos[d];
	return n;
}

/* One demo of the sequence: 0 go on, else the status to stop with. */
static int demo_one(struct session *s, struct run_config *cfg, int slot,
		    int nrows, struct run_result *res)
{
	int rc = run_demo(cfg, res, session_consumer(s, slot));

	/* a run that failed before it ran is printed as one that did */
	if (rc == ZC_EXIT_FAIL && !s->ended)
		session_put(s, slot, cfg, res, rc);
	if (run_stop_signal()) /* main() says so */
		return 128 + run_stop_signal();
	/* all: a demo this machine cannot run (a Java demo without a JVM,
	 * io_uring's without io_uring) is left out, and says why */
	if (rc == ZC_EXIT_ENV && nrows > 1 && zc_demo_may_lack(cfg->demo)) {
		fprintf(stderr, "zcviz: skipped %s\n", res->why);
		return 0;
	}
	if (rc == ZC_EXIT_FAIL) {
		fprintf(stderr, "zcviz: %s: %s\n", cfg->demo->name, res->why);
		return 0;
	}
	if (rc)
		fprintf(stderr, "zcviz: %s\n", res->why);
	return rc;
}

int session_demos(struct session *s, struct run_config *cfg,
		  const char *selection, bool command)
{
	const struct zc_demo *rows[ZC_MAX_DEMOS];
	struct run_result *res = malloc(sizeof(*res)); /* large */
	int nrows = rows_pick(cfg, selection, command, rows), sg = cfg->sg;
	int rc = res ? 0 : ZC_EXIT_ENV;

	for (int d = 0; d < nrows && !rc && !run_output_gone(); d++) {
		cfg->demo = rows[d];
		cfg->sg = sg;
		rc = demo_one(s, cfg, d, nrows, res);
	}
	free(res);
	if (rc)
		return rc;
	if (s->out && s->out->done && !run_stop_signal())
		s->out->done(s->f, s);
	return s->status;
}

/*
 * A recorded trace's runs, printed; a signal, or the reader going away,
 * stops it between two runs, and a stopped replay prints no table, as a
 * stopped live run does not.
 */
int session_replay(struct session *s, const char *path)
{
	char why[512];
	struct replay *p = replay_load(path, run_stop_signal, why, sizeof(why));
	int i;

	if (!p && run_stop_signal())
		return 128 + run_stop_signal();
	if (!p) {
		fprintf(stderr, "zcviz: cannot replay: %s\n", why);
		return ZC_EXIT_USAGE;
	}
	for (i = 0; i < p->n && !run_stop_signal() && !run_output_gone(); i++)
		session_put(s, i, &p->runs[i].cfg, &p->runs[i].res,
			    replay_status(&p->runs[i]));
	if (s->out && s->out->done && !run_stop_signal())
		s->out->done(s->f, s);
	replay_free(p);
	return s->status;
}

int session_watch(struct session *s, const struct run_config *cfg)
{
	const struct run_consumer *c = session_consumer(s, 0);
	struct run_result *res = malloc(sizeof(*res));
	struct watch *w = NULL;
	int rc = ZC_EXIT_ENV;

	/* no events: its consumers hear its start, its counters, its end */
	if (res)
		w = watch_start(cfg, res, c, &rc);
	if (w) {
		while (!watch_step(w))
			;
		rc = watch_finish(w);
	}
	if (rc && res && !run_stop_signal())
		fprintf(stderr, "zcviz: %s\n", res->why);
	if (!rc && s->out && s->out->done)
		s->out->done(s->f, s);
	free(res);
	return rc;
}
