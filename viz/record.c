/*
 * Writing recorded traces (--record). See record.h for the format;
 * replay.c reads them.
 */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../lib/units.h"
#include "safefile.h"
#include "text.h"
#include "watched.h"

struct recorder {
	struct safefile sf; /* the trace takes its name when complete */
	FILE *f;
	int runs; /* recorded so far */
	int err; /* errno of the first write that failed, or 0 */
	/* a run's lines wait here until its header can be written */
	FILE *body;
	char *body_buf;
	size_t body_len;
	uint64_t t0_ns;
	struct zc_values last;
	/* stepped: the run is paced one data-moving syscall a step */
	bool moved; /* a data-moving syscall returned since the last grant */
	int waited; /* ms since then */
};

struct recorder *record_open(const char *path, char *why, size_t len)
{
	struct recorder *r = calloc(1, sizeof(*r));
	struct utsname un;

	if (!r) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	r->f = safefile_fopen(&r->sf, path, "--record", why, len);
	if (!r->f) {
		free(r);
		return NULL;
	}
	uname(&un);
	fprintf(r->f, "zcviz-trace %d\n# zcviz %s, kernel %s %s\ncounters",
		RECORD_VERSION, ZC_VERSION, un.release, un.machine);
	for (int i = 0; i < ZC_NR_SLOTS; i++)
		fprintf(r->f, " %s", counts_slot_name(i));
	fputc('\n', r->f);
	return r;
}

/* Where a line ends: the summaries must not break the format. */
static void line_clean(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

static void record_run_begin(struct recorder *r, uint64_t t0_ns)
{
	if (!r)
		return;
	r->t0_ns = t0_ns;
	memset(&r->last, 0, sizeof(r->last));
	if (r->body)
		fclose(r->body);
	free(r->body_buf);
	r->body_buf = NULL;
	r->body = open_memstream(&r->body_buf, &r->body_len);
}

static uint64_t since_us(const struct recorder *r, uint64_t ns)
{
	return ns > r->t0_ns ? (ns - r->t0_ns) / 1000 : 0;
}

static void record_event(struct recorder *r, const struct zc_event *e)
{
	if (!r || !r->body)
		return;
	if (e->type == ZC_EV_CACHE_ADD) {
		fprintf(r->body, "k %" PRIu64 " %" PRId64 "\n",
			since_us(r, e->ts_ns), (int64_t)e->ret);
		return;
	}
	fprintf(r->body, "e %" PRIu64 " %d %" PRId64, since_us(r, e->ts_ns),
		e->nr, (int64_t)e->ret);
	for (int i = 0; i < 6; i++)
		fprintf(r->body, " %" PRIu64, (uint64_t)e->args[i]);
	fprintf(r->body, " %u %u\n", e->fd_kind, e->send_kind);
}

static void record_counts(struct recorder *r, const struct zc_counts *c,
			  uint64_t now_ns)
{
	struct zc_values v;

	if (!r || !r->body)
		return;
	counts_get(c, &v);
	if (!memcmp(&r->last, &v, sizeof(v)))
		return;
	r->last = v;
	/* in the order of the trace's counters line */
	fprintf(r->body, "c %" PRIu64 " %d", since_us(r, now_ns), ZC_NR_SLOTS);
	for (int i = 0; i < ZC_NR_SLOTS; i++)
		fprintf(r->body, " %" PRIu64, *counts_slot(&v, i));
	fputc('\n', r->body);
}

/* The run's header: what ran, where, and what is missing. */
static void run_header(struct recorder *r, const struct run_config *cfg,
		       const struct run_result *res)
{
	char name[64];

	fprintf(r->f,
		"run %s %" PRIu64 " %" PRIu64 " %d %d %d %d %u %s\nfile %s\n",
		watched_name(cfg, res, name, sizeof(name)), res->in.file_bytes,
		cfg->chunk, res->in.sg, cfg->cold, res->remote, res->tmpfs,
		res->in.missing, res->egress[0] ? res->egress : "?",
		cfg->file ? cfg->file : "-");
	fprintf(r->f, "receiver %s %u\n", zc_receivers[cfg->recv].name,
		res->mtu);
	watched_write(r->f, cfg, res);
}

static void line_write(FILE *f, const char *key, const char *text)
{
	char line[512];

	snprintf(line, sizeof(line), "%s", text);
	line_clean(line);
	fprintf(f, "%s %s\n", key, line);
}

static void record_run_end(struct recorder *r, const struct run_config *cfg,
			   const struct run_result *res)
{
	char result[64];

	if (!r || !r->body)
		return;
	record_counts(r, &res->in.counts, r->t0_ns);
	fclose(r->body);
	r->body = NULL;
	run_header(r, cfg, res);
	fwrite(r->body_buf, 1, r->body_len, r->f);
	fprintf(r->f, "s");
	for (int nr = 0; nr < ZC_NR_SYSCALLS; nr++)
		if (res->in.counts.syscalls[nr])
			fprintf(r->f, " %d:%" PRIu64, nr,
				res->in.counts.syscalls[nr]);
	fputc('\n', r->f);
	snprintf(result, sizeof(result), "result %d %" PRIu64 " %" PRIu64,
		 res->verified, res->in.rusage_user_ns, res->in.rusage_sys_ns);
	line_write(r->f, result, res->why);
	line_write(r->f, "sender", res->sender_line);
	line_write(r->f, "sink", res->sink_line);
	fprintf(r->f, "end-run\n");
	r->runs++;
	/* a full disk is found out now, not at the end of the session */
	if (fflush(r->f) && !r->err)
		r->err = errno ? errno : EIO;
}

int record_close(struct recorder *r, char *why, size_t len)
{
	int rc = 0;

	if (!r)
		return 0;
	if (r->body)
		fclose(r->body);
	free(r->body_buf);
	fprintf(r->f, "end\n");
	if ((fflush(r->f) || ferror(r->f)) && !r->err)
		r->err = errno ? errno : EIO;
	if (fclose(r->f) && !r->err)
		r->err = errno ? errno : EIO;
	r->sf.fd = -1; /* the stream's, closed with it */
	if (r->err) {
		snprintf(why, len, "writing the trace '%s' failed: %s",
			 r->sf.path, strerror(r->err));
		rc = -1;
	} else if (!r->runs) {
		snprintf(why, len,
			 "no run finished, so nothing was recorded in '%s'",
			 r->sf.path);
		rc = 1;
	}
	if (rc)
		safefile_abort(&r->sf);
	else if (safefile_commit(&r->sf, true, why, len))
		rc = -1;
	free(r);
	return rc;
}

int record_end(struct recorder *r, int rc)
{
	char why[512];
	int closed = record_close(r, why, sizeof(why));

	if (closed)
		fprintf(stderr, "zcviz: %s\n", why);
	return closed < 0 && !rc ? ZC_EXIT_ENV : rc;
}

/* ---- the recorder as a run's consumer --------------------------------- */

#define STEPPED_MS 5

static uint64_t now_ns(void)
{
	struct timespec ts;

	/* the kernel's clock, which its events are timed by */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void on_begin(void *ctx, const struct run_config *cfg)
{
	(void)cfg;
	record_run_begin(ctx, now_ns());
}

static void on_event(void *ctx, const struct zc_event *e)
{
	struct recorder *r = ctx;

	record_event(r, e);
	/* a step is done when a syscall of the transfer returned: one that
	 * moved data, or any once the window is open (the demos step before
	 * each, waits for completions too); before it, the program's start-up
	 * is not stepped */
	if (e->type == ZC_EV_SYSCALL &&
	    (e->fd_kind != ZC_FD_OTHER || e->in_window))
		r->moved = true;
}

/* The next step once this one has moved data (or seems stuck: 200 ms). */
static int on_grant(void *ctx)
{
	struct recorder *r = ctx;

	if (!r->moved && (r->waited += STEPPED_MS) < 200)
		return 0;
	r->moved = false;
	r->waited = 0;
	return 1;
}

static void on_counts(void *ctx, const struct zc_counts *c)
{
	record_counts(ctx, c, now_ns());
}

static void on_end(void *ctx, const struct run_config *cfg,
		   const struct run_result *res, int rc)
{
	(void)rc;
	record_run_end(ctx, cfg, res);
}

struct run_consumer record_consumer(struct recorder *r, bool stepped)
{
	r->moved = true;
	return (struct run_consumer){ on_begin,
				      stepped ? on_grant : NULL,
				      on_event,
				      on_counts,
				      on_end,
				      r,
				      stepped ? STEPPED_MS : 0 };
}
