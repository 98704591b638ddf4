/*
 * Reading recorded traces (--replay). See record.h for the format. The
 * reader trusts nothing: a trace may be truncated, empty, binary, of
 * another version or far too big, and each gets its own one-line reason.
 */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/units.h"
#include "fields.h"
#include "safefile.h"
#include "text.h"
#include "watched.h"

/*
 * The reader trusts nothing and takes linear time: each line is split
 * once, each number read by hand (sscanf() measures the rest of its input
 * at every call, which made a long line quadratic), the runs and events
 * are counted against documented limits, and every few thousand lines it
 * asks whether a signal wants it to stop.
 */
#define STOP_EVERY_LINES 4096

struct reader {
	struct replay *p;
	struct replay_run *run; /* the run being read, or NULL */
	size_t runs_cap, items_cap, counts_cap; /* of p->runs, run->... */
	size_t items; /* events and counters in every run so far */
	uint64_t calls; /* the run's syscalls, its s lines' counts added up */
	size_t line;
	char *why;
	size_t len;
	char recorded[96]; /* the trace's "# zcviz ..., kernel ..." line */
	bool ended; /* its end line has been read */
	uint64_t version;
	/* each of a c line's values: its counter's slot, or -1 (unknown to
	 * this zcviz); n_named: how many a version 2 trace names */
	short slot[RECORD_MAX_COUNTERS];
	int n_named;
};

static int bad(struct reader *rd, const char *what)
{
	snprintf(rd->why, rd->len, "line %zu: %s", rd->line, what);
	return -1;
}

/* A count no run can reach (counts.h says why), refused before the model
 * or a report adds it to anything; what: "NAME is", or "... add up to". */
static int beyond(struct reader *rd, const char *what, uint64_t v)
{
	char s[256];

	snprintf(
		s, sizeof(s),
		"run %d (%s): %s %" PRIu64
		", more than a run can count (at most %llu); the trace is damaged or was made by hand: record the run again",
		rd->p->n, rd->run->cfg.demo->name, what, v, COUNTS_MAX);
	return bad(rd, s);
}

/* A line's text field: as much as fits, and safe to print. */
static void text_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
	text_sanitize(dst);
}

static int read_run(struct reader *rd, const char *s)
{
	struct replay *p = rd->p;
	struct replay_run *run, *runs;
	char demo[32], egress[32];
	uint64_t bytes, chunk, sg, cold, remote, tmpfs, missing;
	const struct zc_demo *d;

	if (rd->run)
		return bad(rd, "a run starts before the last one ended");
	s += 3;
	if (field_word(&s, demo, sizeof(demo)) || field_u64(&s, &bytes) ||
	    field_u64(&s, &chunk) || field_max(&s, 1, &sg) ||
	    field_max(&s, 1, &cold) || field_max(&s, 1, &remote) ||
	    field_max(&s, 1, &tmpfs) ||
	    field_max(&s, (1u << TP_NR) - 1, &missing) ||
	    field_word(&s, egress, sizeof(egress)) || *s)
		return bad(rd, "malformed run line");
	/* version 3: a run outside the table, its row in the lines after */
	d = zc_demo_find(demo);
	if (!d && rd->version < 3)
		return bad(rd, "malformed run line");
	if (p->n == RECORD_MAX_RUNS)
		return bad(rd, "more runs than a trace may hold (" ZC_STR(
				       RECORD_MAX_RUNS) ")");
	runs = fields_grow(p->runs, &rd->runs_cap, p->n, sizeof(*runs));
	if (!runs)
		return bad(rd, "out of memory");
	p->runs = runs;
	run = rd->run = &runs[p->n++];
	memset(run, 0, sizeof(*run));
	rd->items_cap = rd->counts_cap = 0;
	rd->calls = 0;
	run->cfg.demo = run->res.in.demo = d;
	if (!d && watched_start(run, demo))
		return bad(rd, "out of memory");
	run->cfg.file = "(not recorded)"; /* until a file line says */
	run->cfg.chunk = chunk;
	run->cfg.sg = sg;
	run->cfg.cold = cold;
	run->res.in.file_bytes = bytes;
	run->res.in.sg = sg;
	run->res.in.missing = missing;
	run->res.remote = remote;
	run->res.tmpfs = tmpfs;
	text_copy(run->res.recorded, sizeof(run->res.recorded),
		  rd->recorded[0] ? rd->recorded : "zcviz");
	text_copy(run->res.egress, sizeof(run->res.egress), egress);
	run->res.in.local = !remote || !strcmp(egress, "lo");
	run->res.in.rx_ours = !remote;
	return 0;
}

static struct replay_item *item_new(struct reader *rd, char type)
{
	struct replay_run *run = rd->run;
	struct replay_item *items;

	if (rd->items == RECORD_MAX_ITEMS)
		return NULL;
	items = fields_grow(run->items, &rd->items_cap, run->n, sizeof(*items));
	if (!items)
		return NULL;
	run->items = items;
	rd->items++;
	memset(&items[run->n], 0, sizeof(items[0]));
	items[run->n].type = type;
	return &items[run->n++];
}

static int no_item(struct reader *rd)
{
	return bad(rd, rd->items == RECORD_MAX_ITEMS ?
			       "more events than a trace may hold (" ZC_STR(
				       RECORD_MAX_ITEMS) ")" :
			       "out of memory");
}

static int read_cache_add(struct reader *rd, const char *s)
{
	struct replay_item *it;
	uint64_t t;
	int64_t bytes;

	s++;
	if (field_u64(&s, &t) || field_i64(&s, &bytes) || *s || bytes < 0)
		return bad(rd, "malformed k line");
	it = item_new(rd, 'k');
	if (!it)
		return no_item(rd);
	it->t_us = t;
	it->e.type = ZC_EV_CACHE_ADD;
	it->e.ts_ns = t * 1000;
	it->e.ret = bytes;
	return 0;
}

static int read_event(struct reader *rd, const char *s)
{
	struct zc_event e = { .type = ZC_EV_SYSCALL };
	struct replay_item *it;
	uint64_t t, a, fk, sk;
	int64_t nr, ret;
	int i;

	s++;
	if (field_u64(&s, &t) || field_i64(&s, &nr) || nr < INT32_MIN ||
	    nr > INT32_MAX || field_i64(&s, &ret))
		return bad(rd, "malformed e line");
	for (i = 0; i < 6; i++) {
		if (field_u64(&s, &a))
			return bad(rd, "malformed e line");
		e.args[i] = a;
	}
	if (field_max(&s, ZC_FD_NR - 1, &fk) ||
	    field_max(&s, ZC_SEND_NR - 1, &sk) || *s)
		return bad(rd, "malformed e line");
	it = item_new(rd, 'e');
	if (!it)
		return no_item(rd);
	e.ts_ns = t * 1000;
	e.nr = nr;
	e.ret = ret;
	e.fd_kind = fk;
	e.send_kind = sk;
	it->t_us = t;
	it->e = e;
	return 0;
}

static int read_counts(struct reader *rd, const char *s)
{
	struct replay_run *run = rd->run;
	struct zc_values *counts, *v;
	struct replay_item *it;
	uint64_t t, n, x, i;
	char name[64];
	int slot;

	s++;
	if (field_u64(&s, &t) || field_u64(&s, &n) || n < 1 ||
	    n > RECORD_MAX_COUNTERS ||
	    (rd->version > 1 && n != (uint64_t)rd->n_named))
		return bad(rd, "malformed c line");
	counts = fields_grow(run->counts, &rd->counts_cap, run->ncounts,
			     sizeof(*counts));
	if (!counts)
		return bad(rd, "out of memory");
	run->counts = counts;
	v = &counts[run->ncounts];
	memset(v, 0, sizeof(*v));
	for (i = 0; i < n; i++) {
		if (field_u64(&s, &x))
			return bad(rd, "malformed c line");
		/* version 1: by place; 2: as its counters line names them */
		slot = rd->version > 1 ? rd->slot[i] : counts_v1_slot(i);
		if (slot >= 0)
			*counts_slot(v, slot) = x;
	}
	if (*s)
		return bad(rd, "malformed c line");
	slot = counts_check(v);
	if (slot >= 0) {
		snprintf(name, sizeof(name), "%s is", counts_slot_name(slot));
		return beyond(rd, name, *counts_slot(v, slot));
	}
	it = item_new(rd, 'c');
	if (!it)
		return no_item(rd);
	it->t_us = t;
	it->counts = run->ncounts++;
	/* the last counters are the run's result */
	counts_set(&run->res.in.counts, v);
	return 0;
}

/*
 * "counters NAME...": what a version 2 trace's c lines hold, in order.
 * A name this zcviz does not know (a newer one's counter) is skipped.
 */
static int read_counter_names(struct reader *rd, const char *s)
{
	char name[48];
	int slot, i;

	if (rd->version < 2 || rd->n_named || rd->p->n)
		return bad(rd, "a counters line where none belongs");
	for (s += strlen("counters"); *s; rd->slot[rd->n_named++] = slot) {
		if (rd->n_named == RECORD_MAX_COUNTERS ||
		    field_word(&s, name, sizeof(name)))
			return bad(rd, "malformed counters line");
		slot = counts_slot_by_name(name);
		for (i = 0; slot >= 0 && i < rd->n_named; i++)
			if (rd->slot[i] == slot)
				return bad(rd, "a counter named twice");
	}
	return rd->n_named ? 0 : bad(rd, "malformed counters line");
}

/* "s NR:COUNT ...": a number named again replaces its count */
static int read_syscalls(struct reader *rd, const char *s)
{
	uint64_t *calls = rd->run->res.in.counts.syscalls;
	uint64_t nr, count;

	for (s++; *s; calls[nr] = count) {
		s++;
		if (s[-1] != ' ' || digits(&s, &nr) || nr >= ZC_NR_SYSCALLS ||
		    *s++ != ':' || digits(&s, &count) || (*s && *s != ' '))
			return bad(rd, "malformed s line");
		/* each at most COUNTS_MAX, so that the total cannot wrap */
		if (count > COUNTS_MAX ||
		    (rd->calls = rd->calls - calls[nr] + count) > COUNTS_MAX)
			return beyond(rd, "its syscalls add up to",
				      count > COUNTS_MAX ? count : rd->calls);
	}
	return 0;
}

static int read_result(struct reader *rd, const char *s)
{
	struct run_result *res = &rd->run->res;
	uint64_t verified, u, sy;

	s += 6;
	if (field_max(&s, 1, &verified) || field_u64(&s, &u) ||
	    field_u64(&s, &sy))
		return bad(rd, "malformed result line");
	if (u > COUNTS_MAX || sy > COUNTS_MAX)
		return beyond(rd,
			      u > COUNTS_MAX ? "rusage_user_ns is" :
					       "rusage_sys_ns is",
			      u > COUNTS_MAX ? u : sy);
	res->verified = verified;
	res->in.rusage_user_ns = u;
	res->in.rusage_sys_ns = sy;
	text_copy(res->why, sizeof(res->why), *s ? s + 1 : "");
	return 0;
}

/* "receiver MODE MTU" (s after "receiver"): the lab's receiver, by its
 * row's name, and its MTU */
static int read_receiver(struct reader *rd, const char *s)
{
	char name[24];
	uint64_t mtu;

	if (field_word(&s, name, sizeof(name)) ||
	    zc_receiver_find(name, &rd->run->cfg.recv) ||
	    zc_receivers[rd->run->cfg.recv].needs ||
	    field_max(&s, 65535, &mtu) || *s)
		return bad(rd, "malformed receiver line");
	rd->run->res.mtu = (unsigned)mtu;
	return 0;
}

/* "KEY TEXT" or "KEY": the text, or NULL when the line is not KEY's. */
static const char *keyed(const char *s, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(s, key, n) || (s[n] && s[n] != ' '))
		return NULL;
	return s[n] ? s + n + 1 : s + n;
}

static int read_in_run(struct reader *rd, const char *s)
{
	struct replay_run *run = rd->run;
	const char *text;

	if (!strcmp(s, "end-run")) {
		rd->run = NULL;
		return 0;
	}
	if (rd->version >= 3) {
		int rc = watched_read(run, s);

		if (rc <= 0)
			return rc ? bad(rd,
					"malformed line of a command's or a watched program's run") :
				    0;
	}
	if (s[0] && (!s[1] || s[1] == ' ')) {
		switch (s[0]) {
		case 'e':
			return read_event(rd, s);
		case 'k':
			return read_cache_add(rd, s);
		case 'c':
			return read_counts(rd, s);
		case 's':
			return read_syscalls(rd, s);
		}
	}
	if (!strncmp(s, "result ", 7))
		return read_result(rd, s);
	if ((text = keyed(s, "file"))) {
		free(run->file);
		run->file = strdup(text);
		if (!run->file)
			return bad(rd, "out of memory");
		text_sanitize(run->file);
		run->cfg.file = run->file;
		return 0;
	}
	if (keyed(s, "receiver"))
		return read_receiver(rd, s + strlen("receiver"));
	if ((text = keyed(s, "sender"))) {
		text_copy(run->res.sender_line, sizeof(run->res.sender_line),
			  text);
		run->res.in.done_known = !zc_completions_parse(
			run->res.sender_line, &run->res.in.done);
		return 0;
	}
	if ((text = keyed(s, "sink"))) {
		uint64_t b, sum;

		text_copy(run->res.sink_line, sizeof(run->res.sink_line), text);
		run->res.unread = zc_summary_parse(run->res.sink_line,
						   ZC_RECEIVED, &b, &sum) == 1;
		return 0;
	}
	return bad(rd, "unknown line");
}

/* 0 to go on, -1 on an error; after the end line, only comments (a file
 * holds one trace: record.h says why). */
static int read_line(struct reader *rd, const char *s)
{
	if (s[0] == '#' && !rd->recorded[0] && !strncmp(s, "# zcviz ", 8))
		snprintf(rd->recorded, sizeof(rd->recorded), "%s", s + 2);
	if (!*s || s[0] == '#')
		return 0;
	if (rd->ended)
		return bad(
			rd,
			strncmp(s, "zcviz-trace ", 12) ?
				"the trace goes on after its 'end' line: a file holds one trace, which ends there; cut what follows" :
				"a second trace starts after the first one's 'end' line: a file holds one trace; replay each on its own");
	if (rd->run)
		return read_in_run(rd, s);
	if (!strcmp(s, "end")) {
		rd->ended = true;
		return 0;
	}
	if (!strncmp(s, "run ", 4))
		return read_run(rd, s);
	if (keyed(s, "counters"))
		return read_counter_names(rd, s);
	return bad(rd, "unknown line outside a run");
}

/* What a text trace never holds: control characters but tab and newline,
 * and a last line without its newline. */
static int content_check(const char *buf, size_t n, const char *name, char *why,
			 size_t len)
{
	size_t i;

	if (!n) {
		snprintf(why, len, "'%s' is empty: not a zcviz trace", name);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (((unsigned char)buf[i] < 0x20 && buf[i] != '\n' &&
		     buf[i] != '\t') ||
		    buf[i] == 0x7f) {
			snprintf(why, len,
				 "'%s' holds binary data: not a zcviz trace",
				 name);
			return -1;
		}
	if (buf[n - 1] != '\n') {
		snprintf(why, len, "'%s' is truncated: its last line is cut",
			 name);
		return -1;
	}
	return 0;
}

/* The first line: "zcviz-trace VERSION", of a version this one reads. */
static int header_check(const char *first, const char *name, uint64_t *vp,
			char *why, size_t len)
{
	const char *s = first + strlen("zcviz-trace ");
	uint64_t version;

	if (strncmp(first, "zcviz-trace ", 12) || digits(&s, &version) || *s) {
		snprintf(
			why, len,
			"'%s' is not a zcviz trace (it does not start with 'zcviz-trace')",
			name);
		return -1;
	}
	if (version < 1 || version > RECORD_VERSION) {
		snprintf(why, len,
			 "'%s' is a version %" PRIu64
			 " trace; this zcviz reads versions 1 to %d",
			 name, version, RECORD_VERSION);
		return -1;
	}
	*vp = version;
	return 0;
}

int replay_status(const struct replay_run *run)
{
	return run->res.verified || run->res.pid ? 0 : ZC_EXIT_FAIL;
}

void replay_free(struct replay *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n; i++) {
		free(p->runs[i].items);
		free(p->runs[i].counts);
		free(p->runs[i].file);
		watched_free(&p->runs[i]);
	}
	free(p->runs);
	free(p);
}

/* The lines of buf (NUL-terminated, every line ends with '\n'). */
static int lines_read(struct reader *rd, char *buf, int (*stopped)(void))
{
	char *s = buf, *nl;
	int rc = 0;

	for (rd->line = 1; !rc && *s; s = nl + 1, rd->line++) {
		nl = strchr(s, '\n');
		*nl = '\0';
		if (rd->line == 1)
			continue; /* the header, checked already */
		if (stopped && !(rd->line % STOP_EVERY_LINES) && stopped())
			return bad(rd, "interrupted");
		rc = read_line(rd, s);
	}
	return rc;
}

struct replay *replay_parse(char *buf, size_t n, const char *name,
			    int (*stopped)(void), char *why, size_t len)
{
	struct reader rd = { .why = why, .len = len };
	int rc;

	if (content_check(buf, n, name, why, len))
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	rc = header_check(buf, name, &rd.version, why, len);
	buf[strlen(buf)] = '\n';
	if (rc)
		return NULL;
	rd.p = calloc(1, sizeof(*rd.p));
	if (!rd.p) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	rc = lines_read(&rd, buf, stopped);
	if (!rc && !rd.ended)
		snprintf(
			why, len,
			"'%s' is truncated: it does not end with an 'end' line",
			name);
	else if (!rc && !rd.p->n)
		snprintf(why, len, "'%s' holds no runs", name);
	else if (!rc)
		return rd.p;
	replay_free(rd.p);
	return NULL;
}

/* The whole file, if it is a regular one of a trace's size. */
static char *file_slurp(const char *path, size_t *n, char *why, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	char *buf = NULL;
	ssize_t got = 0, r = 0;

	if (fd < 0 || fstat(fd, &st)) {
		snprintf(why, len, "cannot read '%s': %s", path,
			 strerror(errno));
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > RECORD_MAX_BYTES) {
		snprintf(
			why, len,
			!S_ISREG(st.st_mode) ?
				"'%s' is not a regular file" :
				"'%s' is too large for a trace (at most 64 MiB)",
			path);
		goto cleanup;
	}
	buf = malloc(st.st_size + 1);
	while (buf && got < st.st_size &&
	       ((r = read(fd, buf + got, st.st_size - got)) > 0 ||
		(r < 0 && errno == EINTR)))
		got += r > 0 ? r : 0;
	if (!buf || got != st.st_size) {
		snprintf(why, len, "cannot read '%s'%s%s", path,
			 r < 0 ? ": " : "", r < 0 ? strerror(errno) : "");
		free(buf);
		buf = NULL;
		goto cleanup;
	}
	buf[got] = '\0';
	*n = got;
cleanup:
	if (fd >= 0)
		close(fd);
	return buf;
}

struct replay *replay_load(const char *path, int (*stopped)(void), char *why,
			   size_t len)
{
	size_t n;
	char *buf = file_slurp(path, &n, why, len);
	struct replay *p;

	if (!buf)
		return NULL;
	p = replay_parse(buf, n, path, stopped, why, len);
	free(buf);
	return p;
}
