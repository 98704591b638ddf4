/*
 * Writing and reading recorded traces. See record.h for the format. The
 * reader trusts nothing: a trace may be truncated, empty, binary, of
 * another version or far too big, and each gets its own one-line reason.
 */
#include "record.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "../demos/common.h"

struct recorder {
	FILE *f;
	/* a run's lines wait here until its header can be written */
	FILE *body;
	char *body_buf;
	size_t body_len;
	uint64_t t0_ns;
	uint64_t last[ZC_NR_COUNTERS];
};

/* ---- writing ------------------------------------------------------------ */

struct recorder *record_open(const char *path, char *why, size_t len)
{
	struct recorder *r = calloc(1, sizeof(*r));
	struct utsname un;

	if (r)
		r->f = fopen(path, "w");
	if (!r || !r->f) {
		snprintf(why, len, "cannot write --record '%s': %s", path,
			 strerror(errno));
		free(r);
		return NULL;
	}
	uname(&un);
	fprintf(r->f, "zcviz-trace %d\n# zcviz %s, kernel %s %s\n",
		RECORD_VERSION, ZC_VERSION, un.release, un.machine);
	return r;
}

/* Where a line ends: the summaries must not break the format. */
static void line_clean(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

void record_run_begin(struct recorder *r, uint64_t t0_ns)
{
	if (!r)
		return;
	r->t0_ns = t0_ns;
	memset(r->last, 0, sizeof(r->last));
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

void record_event(struct recorder *r, const struct zc_event *e)
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

void record_counts(struct recorder *r, const struct zc_counts *c,
		   uint64_t now_ns)
{
	if (!r || !r->body || !memcmp(r->last, c->c, sizeof(r->last)))
		return;
	memcpy(r->last, c->c, sizeof(r->last));
	fprintf(r->body, "c %" PRIu64 " %d", since_us(r, now_ns),
		ZC_NR_COUNTERS);
	for (int i = 0; i < ZC_NR_COUNTERS; i++)
		fprintf(r->body, " %" PRIu64, c->c[i]);
	fputc('\n', r->body);
}

/* The run's header: what ran, where, and what is missing. */
static void run_header(struct recorder *r, const struct run_config *cfg,
		       const struct run_result *res)
{
	fprintf(r->f,
		"run %s %" PRIu64 " %" PRIu64 " %d %d %d %d %u %s\nfile %s\n",
		model_demo_name(cfg->demo), res->in.file_bytes, cfg->chunk,
		res->in.sg, cfg->cold, res->remote, res->tmpfs, res->in.missing,
		res->egress[0] ? res->egress : "?", cfg->file);
}

static void line_write(FILE *f, const char *key, const char *text)
{
	char line[512];

	snprintf(line, sizeof(line), "%s", text);
	line_clean(line);
	fprintf(f, "%s %s\n", key, line);
}

void record_run_end(struct recorder *r, const struct run_config *cfg,
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
	if (ferror(r->f) | fclose(r->f)) {
		snprintf(why, len, "writing the trace failed: %s",
			 strerror(errno));
		rc = -1;
	}
	free(r);
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

struct reader {
	struct replay *p;
	struct replay_run *run; /* the run being read, or NULL */
	size_t cap; /* of run->items */
	int line;
	char *why;
	size_t len;
	char recorded[96]; /* the trace's "# zcviz ..., kernel ..." line */
};

static int bad(struct reader *rd, const char *what)
{
	snprintf(rd->why, rd->len, "line %d: %s", rd->line, what);
	return -1;
}

static struct replay_item *item_new(struct reader *rd)
{
	struct replay_run *run = rd->run;
	struct replay_item *items;

	if (run->n == rd->cap) {
		rd->cap = rd->cap ? rd->cap * 2 : 256;
		items = realloc(run->items, rd->cap * sizeof(*items));
		if (!items)
			return NULL;
		run->items = items;
	}
	memset(&run->items[run->n], 0, sizeof(run->items[0]));
	return &run->items[run->n++];
}

static int read_run(struct reader *rd, const char *s)
{
	struct replay_run *runs;
	struct replay_run *run;
	char demo[32], egress[32];
	unsigned long long bytes, chunk;
	int sg, cold, remote, tmpfs;
	unsigned missing;

	if (rd->run)
		return bad(rd, "a run starts before the last one ended");
	if (sscanf(s, "run %31s %llu %llu %d %d %d %d %u %31s", demo, &bytes,
		   &chunk, &sg, &cold, &remote, &tmpfs, &missing,
		   egress) != 9 ||
	    model_demo_parse(demo) == ZC_NR_DEMOS)
		return bad(rd, "malformed run line");
	runs = realloc(rd->p->runs, (rd->p->n + 1) * sizeof(*runs));
	if (!runs)
		return bad(rd, "out of memory");
	rd->p->runs = runs;
	run = rd->run = &runs[rd->p->n++];
	memset(run, 0, sizeof(*run));
	rd->cap = 0;
	run->cfg.demo = run->res.in.demo = model_demo_parse(demo);
	run->cfg.chunk = chunk;
	run->cfg.sg = sg;
	run->cfg.cold = cold;
	run->res.in.file_bytes = bytes;
	run->res.in.sg = sg;
	run->res.in.missing = missing;
	run->res.remote = remote;
	run->res.tmpfs = tmpfs;
	snprintf(run->res.recorded, sizeof(run->res.recorded), "%s",
		 rd->recorded[0] ? rd->recorded : "zcviz");
	snprintf(run->res.egress, sizeof(run->res.egress), "%s", egress);
	return 0;
}

static int read_event(struct reader *rd, const char *s)
{
	struct replay_item *it = item_new(rd);
	unsigned long long t, a[6];
	long long ret;
	unsigned fk, sk;
	int nr;

	if (!it)
		return bad(rd, "out of memory");
	it->type = s[0];
	if (s[0] == 'k') {
		if (sscanf(s, "k %llu %lld", &t, &ret) != 2 || ret < 0)
			return bad(rd, "malformed k line");
		it->e.type = ZC_EV_CACHE_ADD;
	} else if (sscanf(s,
			  "e %llu %d %lld %llu %llu %llu %llu %llu %llu %u %u",
			  &t, &nr, &ret, &a[0], &a[1], &a[2], &a[3], &a[4],
			  &a[5], &fk, &sk) != 11 ||
		   fk > ZC_FD_SOCKET || sk > ZC_SEND_REF) {
		return bad(rd, "malformed e line");
	} else {
		it->e.type = ZC_EV_SYSCALL;
		it->e.nr = nr;
		for (int i = 0; i < 6; i++)
			it->e.args[i] = a[i];
		it->e.fd_kind = fk;
		it->e.send_kind = sk;
	}
	it->t_us = t;
	it->e.ret = ret;
	it->e.ts_ns = t * 1000;
	return 0;
}

static int read_counts(struct reader *rd, const char *s)
{
	struct replay_item *it = item_new(rd);
	unsigned long long t, v;
	int n, used, i;

	if (!it)
		return bad(rd, "out of memory");
	if (sscanf(s, "c %llu %d%n", &t, &n, &used) != 2 || n < 1 || n > 1000)
		return bad(rd, "malformed c line");
	it->type = 'c';
	it->t_us = t;
	s += used;
	for (i = 0; i < n; i++) {
		if (sscanf(s, " %llu%n", &v, &used) != 1)
			return bad(rd, "malformed c line");
		s += used;
		if (i < ZC_NR_COUNTERS)
			it->c[i] = v;
	}
	if (*s)
		return bad(rd, "malformed c line");
	/* the last counters are the run's result */
	memcpy(rd->run->res.in.counts.c, it->c, sizeof(it->c));
	return 0;
}

static int read_syscalls(struct reader *rd, const char *s)
{
	unsigned long long count;
	int nr, used;

	for (s++; *s; s += used)
		if (sscanf(s, " %d:%llu%n", &nr, &count, &used) != 2 ||
		    nr < 0 || nr >= ZC_NR_SYSCALLS)
			return bad(rd, "malformed s line");
		else
			rd->run->res.in.counts.syscalls[nr] = count;
	return 0;
}

static int read_result(struct reader *rd, const char *s)
{
	struct run_result *res = &rd->run->res;
	unsigned long long u, sy;
	int verified, used = 0;

	if (sscanf(s, "result %d %llu %llu%n", &verified, &u, &sy, &used) != 3)
		return bad(rd, "malformed result line");
	res->verified = verified;
	res->in.rusage_user_ns = u;
	res->in.rusage_sys_ns = sy;
	snprintf(res->why, sizeof(res->why), "%s", s[used] ? s + used + 1 : "");
	return 0;
}

static int read_in_run(struct reader *rd, char *s)
{
	struct replay_run *run = rd->run;

	switch (s[0]) {
	case 'e':
		if (!strncmp(s, "end-run", 7) && !s[7]) {
			rd->run = NULL;
			return 0;
		}
		/* fall through */
	case 'k':
		return s[1] == ' ' ? read_event(rd, s) :
				     bad(rd, "unknown line");
	case 'c':
		return read_counts(rd, s);
	}
	if (!strncmp(s, "s ", 2) || !strcmp(s, "s"))
		return read_syscalls(rd, s);
	if (!strncmp(s, "result ", 7))
		return read_result(rd, s);
	if (!strncmp(s, "file ", 5)) {
		free(run->file);
		run->file = strdup(s + 5);
		run->cfg.file = run->file;
		return run->file ? 0 : bad(rd, "out of memory");
	}
	if (!strncmp(s, "sender ", 7) || !strcmp(s, "sender")) {
		snprintf(run->res.sender_line, sizeof(run->res.sender_line),
			 "%s", s + (s[6] ? 7 : 6));
		return 0;
	}
	if (!strncmp(s, "sink ", 5) || !strcmp(s, "sink")) {
		snprintf(run->res.sink_line, sizeof(run->res.sink_line), "%s",
			 s + (s[4] ? 5 : 4));
		return 0;
	}
	return bad(rd, "unknown line");
}

/* Returns 1 at the end line, 0 to go on, -1 on an error. */
static int read_line(struct reader *rd, char *s)
{
	if (s[0] == '#' && !rd->recorded[0] && !strncmp(s, "# zcviz ", 8))
		snprintf(rd->recorded, sizeof(rd->recorded), "%s", s + 2);
	if (!*s || s[0] == '#')
		return 0;
	if (rd->run)
		return read_in_run(rd, s);
	if (!strcmp(s, "end"))
		return 1;
	if (!strncmp(s, "run ", 4))
		return read_run(rd, s);
	return bad(rd, "unknown line outside a run");
}

/* The whole file, checked for size and for bytes a text trace never has. */
static char *file_slurp(const char *path, char *why, size_t len)
{
	struct stat st;
	char *buf;
	FILE *f = fopen(path, "r");
	size_t n, i;

	if (!f || fstat(fileno(f), &st)) {
		snprintf(why, len, "cannot read '%s': %s", path,
			 strerror(errno));
		if (f)
			fclose(f);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > RECORD_MAX_BYTES ||
	    !st.st_size) {
		snprintf(
			why, len,
			!S_ISREG(st.st_mode) ?
				"'%s' is not a regular file" :
			st.st_size ?
				"'%s' is too large for a trace (at most 64 MiB)" :
				"'%s' is empty: not a zcviz trace",
			path);
		fclose(f);
		return NULL;
	}
	buf = malloc(st.st_size + 1);
	n = buf ? fread(buf, 1, st.st_size, f) : 0;
	fclose(f);
	if (!buf || n != (size_t)st.st_size) {
		snprintf(why, len, "cannot read '%s'", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	for (i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 && buf[i] != '\n' &&
		    buf[i] != '\t') {
			snprintf(why, len,
				 "'%s' holds binary data: not a zcviz trace",
				 path);
			free(buf);
			return NULL;
		}
	if (buf[n - 1] != '\n') { /* every line of a trace ends */
		snprintf(why, len, "'%s' is truncated: its last line is cut",
			 path);
		free(buf);
		return NULL;
	}
	return buf;
}

static int header_check(const char *first, const char *path, char *why,
			size_t len)
{
	int version;

	if (sscanf(first, "zcviz-trace %d", &version) != 1) {
		snprintf(
			why, len,
			"'%s' is not a zcviz trace (it does not start with 'zcviz-trace')",
			path);
		return -1;
	}
	if (version != RECORD_VERSION) {
		snprintf(
			why, len,
			"'%s' is a version %d trace; this zcviz reads version %d",
			path, version, RECORD_VERSION);
		return -1;
	}
	return 0;
}

void replay_free(struct replay *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n; i++) {
		free(p->runs[i].items);
		free(p->runs[i].file);
	}
	free(p->runs);
	free(p);
}

struct replay *replay_load(const char *path, char *why, size_t len)
{
	struct reader rd = { .why = why, .len = len };
	char *buf = file_slurp(path, why, len), *line, *save = NULL;
	int rc = 0;

	if (!buf)
		return NULL;
	rd.p = calloc(1, sizeof(*rd.p));
	line = strtok_r(buf, "\n", &save);
	if (!rd.p || header_check(line, path, why, len))
		rc = -1;
	for (rd.line = 1; !rc && (line = strtok_r(NULL, "\n", &save));)
		rc = (rd.line++, read_line(&rd, line));
	free(buf);
	if (!rc)
		snprintf(
			why, len,
			"'%s' is truncated: it does not end with an 'end' line",
			path);
	else if (rc > 0 && !rd.p->n)
		snprintf(why, len, "'%s' holds no runs", path);
	else if (rc > 0)
		return rd.p;
	replay_free(rd.p);
	return NULL;
}
