/*
 * What a trace holds of a run outside the demo table (version 3): the
 * row of a command (zcviz -- CMD) or of a watched program (zcviz -p),
 * and a watched program's files and flows, so that its replay prints
 * what the live run did. record.c writes these lines, replay.c reads
 * them; record.h gives their format.
 */
#include "watched.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "rows.h"
#include "text.h"

/* A row made for a replay: the demo's fields, and the text they point to */
struct watched_row {
	struct zc_demo d;
	char name[32], title[256];
	char *argv[2]; /* a command's, as run_config wants it: its name */
};

/* ---- writing ----------------------------------------------------------- */

/* A word of the run line: no space, never empty. */
static void word_of(const char *s, char *out, size_t len)
{
	snprintf(out, len, "%s", *s ? s : "-");
	for (char *p = out; *p; p++)
		if (*p == ' ' || *p == '\n' || *p == '\r')
			*p = '_';
}

const char *watched_name(const struct run_config *cfg,
			 const struct run_result *res, char *buf, size_t len)
{
	if (res->pid)
		snprintf(buf, len, "pid-%d", (int)res->pid);
	else
		word_of(cfg->demo->name, buf, len);
	return buf;
}

static void files_write(FILE *f, const struct run_result *res)
{
	const struct zc_file *fi;
	char name[sizeof(fi->name) + 1];

	for (int i = 0; i < ZC_MAX_FILES; i++) {
		fi = &res->files[i];
		if (!fi->key)
			continue;
		word_of(fi->name, name, sizeof(name));
		fprintf(f, "wfile %llu %u %llu %llu %llu %llu %llu %llu %s\n",
			(unsigned long long)fi->ino, fi->dev,
			(unsigned long long)fi->read_bytes,
			(unsigned long long)fi->read_calls,
			(unsigned long long)fi->sendfile_bytes,
			(unsigned long long)fi->sendfile_calls,
			(unsigned long long)fi->map_bytes,
			(unsigned long long)fi->pipe_in_bytes, name);
	}
}

static void flows_write(FILE *f, const struct run_result *res)
{
	const struct zc_flow *fl;

	for (int i = 0; i < ZC_MAX_FLOWS; i++) {
		fl = &res->flows[i];
		if (!fl->sk)
			continue;
		fprintf(f, "wflow %u %u %u %u %u %u", fl->family, fl->saddr,
			fl->daddr, fl->sport, fl->dport, fl->ifindex);
		for (int k = 0; k < ZC_TAKEN_NR; k++)
			fprintf(f, " %llu", (unsigned long long)fl->taken[k]);
		for (int k = 0; k < WATCHED_NET; k++)
			fprintf(f, " %llu", (unsigned long long)fl->net.c[k]);
		fprintf(f, " %u\n", fl->tgid);
	}
}

static void procs_write(FILE *f, const struct run_result *res)
{
	const struct zc_proc *p;
	char name[sizeof(p->comm) + 1];

	for (int i = 0; i < ZC_MAX_PROCS; i++) {
		p = &res->procs[i];
		if (!p->tgid)
			continue;
		word_of(p->comm, name, sizeof(name));
		fprintf(f, "wproc %llu %u %u %llu %llu %llu %llu",
			(unsigned long long)p->tgid, p->ppid, !!p->exited,
			(unsigned long long)p->syscalls,
			(unsigned long long)p->read_bytes,
			(unsigned long long)p->sendfile_bytes,
			(unsigned long long)p->map_bytes);
		for (int k = 0; k < ZC_TAKEN_NR; k++)
			fprintf(f, " %llu", (unsigned long long)p->taken[k]);
		fprintf(f, " %llu %llu %llu %s\n",
			(unsigned long long)p->cpu_user_ns,
			(unsigned long long)p->cpu_sys_ns,
			(unsigned long long)p->cpu_run_ns, name);
	}
}

void watched_write(FILE *f, const struct run_config *cfg,
		   const struct run_result *res)
{
	char title[256];

	if (res->pid) {
		word_of(res->comm, title, sizeof(title));
		fprintf(f, "watched %d %" PRIu64 " %d %s\n", (int)res->pid,
			res->watched_ns, res->cpu_watched, title);
		files_write(f, res);
		flows_write(f, res);
		procs_write(f, res);
	} else if (cfg->command) {
		snprintf(title, sizeof(title), "%s", cfg->demo->title);
		for (char *p = title; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		if (isnan(cfg->demo->copies[0]))
			fprintf(f, "command - %s\n", title);
		else
			fprintf(f, "command %g %s\n", cfg->demo->copies[0],
				title);
		files_write(f, res);
		flows_write(f, res);
	}
}

/* ---- reading ----------------------------------------------------------- */

int watched_start(struct replay_run *run, const char *name)
{
	struct watched_row *w = calloc(1, sizeof(*w));

	if (!w)
		return -1;
	snprintf(w->name, sizeof(w->name), "%s", name);
	snprintf(w->title, sizeof(w->title), "%s", name);
	text_sanitize(w->name);
	text_sanitize(w->title);
	w->d = rows_outside(w->name, w->name, w->title, NAN);
	run->row = &w->d;
	run->cfg.demo = run->res.in.demo = &w->d;
	return 0;
}

void watched_free(struct replay_run *run)
{
	free(run->row); /* its struct watched_row: d comes first */
	run->row = NULL;
}

/* "command THEORY TITLE": a command's row, its theory or - (unknown) */
static int command_read(struct replay_run *run, const char *s)
{
	struct watched_row *w = (struct watched_row *)run->row;
	double theory = NAN;
	char *end;

	if (*s++ != ' ')
		return -1;
	if (*s == '-' && s[1] == ' ') {
		s += 2;
	} else {
		theory = strtod(s, &end);
		if (end == s || *end != ' ' || !(theory >= 0 && theory <= 100))
			return -1;
		s = end + 1;
	}
	snprintf(w->title, sizeof(w->title), "%s", s);
	text_sanitize(w->title);
	w->d.copies[0] = w->d.copies[1] = theory;
	w->argv[0] = w->name;
	run->cfg.command = w->argv; /* a command ran */
	return 0;
}

/* "watched PID NS CPU_WATCHED COMM": a watched program's row */
static int watch_read(struct replay_run *run, const char *s)
{
	struct watched_row *w = (struct watched_row *)run->row;
	uint64_t pid, ns, cpu;

	if (field_max(&s, 0x3fffffff, &pid) || !pid || field_u64(&s, &ns) ||
	    field_max(&s, 1, &cpu) || *s++ != ' ')
		return -1;
	snprintf(w->name, sizeof(w->name), "pid %d", (int)pid);
	snprintf(w->title, sizeof(w->title), "%s", w->name);
	run->res.pid = (pid_t)pid;
	run->res.in.rx_ours = false; /* a watched program has no sink of ours */
	run->res.watched_ns = ns;
	run->res.cpu_watched = cpu;
	snprintf(run->res.comm, sizeof(run->res.comm), "%s", s);
	text_sanitize(run->res.comm);
	return 0;
}

/* "wfile INO DEV READ READ_CALLS SENDFILE SENDFILE_CALLS MAP SPLICED NAME" */
static int file_read(struct replay_run *run, const char *s)
{
	uint64_t v[8];
	struct zc_file *fi = NULL;

	for (int i = 0; i < ZC_MAX_FILES && !fi; i++)
		if (!run->res.files[i].key)
			fi = &run->res.files[i];
	for (int i = 0; i < 8; i++)
		if (field_u64(&s, &v[i]) || (i == 1 && v[i] > UINT32_MAX) ||
		    v[i] > COUNTS_MAX)
			return -1;
	if (!fi || *s++ != ' ' || !*s)
		return -1;
	*fi = (struct zc_file){ .key = fi - run->res.files + 1,
				.ino = v[0],
				.dev = (__u32)v[1],
				.read_bytes = v[2],
				.read_calls = v[3],
				.sendfile_bytes = v[4],
				.sendfile_calls = v[5],
				.map_bytes = v[6],
				.pipe_in_bytes = v[7] };
	snprintf(fi->name, sizeof(fi->name), "%s", s);
	text_sanitize(fi->name);
	return 0;
}

/* "wflow FAMILY SADDR DADDR SPORT DPORT IFINDEX TAKEN... NET...": its
 * socket's intake by kind, and its payload at the device */
static int flow_read(struct replay_run *run, const char *s)
{
	static const uint64_t max[6] = { 65535, UINT32_MAX, UINT32_MAX,
					 65535, 65535,	    UINT32_MAX };
	struct zc_flow *fl = NULL;
	uint64_t v[6], n;

	for (int i = 0; i < ZC_MAX_FLOWS && !fl; i++)
		if (!run->res.flows[i].sk)
			fl = &run->res.flows[i];
	for (int i = 0; i < 6; i++)
		if (field_max(&s, max[i], &v[i]))
			return -1;
	if (!fl)
		return -1;
	memset(fl, 0, sizeof(*fl));
	fl->sk = fl - run->res.flows + 1;
	fl->family = v[0], fl->saddr = v[1], fl->daddr = v[2];
	fl->sport = v[3], fl->dport = v[4], fl->ifindex = v[5];
	for (int k = 0; k < ZC_TAKEN_NR; k++)
		if (field_max(&s, COUNTS_MAX, &n) || !(fl->taken[k] = n, 1))
			return -1;
	for (int k = 0; k < WATCHED_NET; k++)
		if (field_max(&s, COUNTS_MAX, &n) || !(fl->net.c[k] = n, 1))
			return -1;
	/* its process's PID: not in a trace of zcviz 0.1 */
	if (*s && (field_max(&s, 0x3fffffff, &n) || !(fl->tgid = n, 1)))
		return -1;
	return *s ? -1 : 0;
}

/* "wproc PID PPID EXITED SYSCALLS READ SENT MAPPED TAKEN... USER SYS RUN
 * COMM" */
static int proc_read(struct replay_run *run, const char *s)
{
	static const uint64_t max[4] = { 0x3fffffff, 0x3fffffff, 1,
					 COUNTS_MAX };
	struct zc_proc *p = NULL;
	uint64_t v[4], n[ZC_TAKEN_NR + 6];

	for (int i = 0; i < ZC_MAX_PROCS && !p; i++)
		if (!run->res.procs[i].tgid)
			p = &run->res.procs[i];
	for (int i = 0; i < 4; i++)
		if (field_max(&s, max[i], &v[i]))
			return -1;
	for (int i = 0; i < ZC_TAKEN_NR + 6; i++)
		if (field_max(&s, COUNTS_MAX, &n[i]))
			return -1;
	if (!p || !v[0] || *s++ != ' ' || !*s)
		return -1;
	*p = (struct zc_proc){ .tgid = v[0],
			       .ppid = v[1],
			       .exited = v[2],
			       .syscalls = v[3],
			       .read_bytes = n[0],
			       .sendfile_bytes = n[1],
			       .map_bytes = n[2],
			       .cpu_user_ns = n[ZC_TAKEN_NR + 3],
			       .cpu_sys_ns = n[ZC_TAKEN_NR + 4],
			       .cpu_run_ns = n[ZC_TAKEN_NR + 5] };
	for (int k = 0; k < ZC_TAKEN_NR; k++)
		p->taken[k] = n[3 + k];
	snprintf(p->comm, sizeof(p->comm), "%s", s);
	text_sanitize(p->comm);
	return 0;
}

int watched_read(struct replay_run *run, const char *s)
{
	static const struct {
		const char *key;
		int (*read)(struct replay_run *run, const char *rest);
		bool row; /* it needs a row outside the table */
	} lines[] = {
		{ "command", command_read, true },
		{ "watched", watch_read, true },
		{ "wfile", file_read, false },
		{ "wflow", flow_read, false },
		{ "wproc", proc_read, false },
	};
	size_t n;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		n = strlen(lines[i].key);
		if (strncmp(s, lines[i].key, n) || s[n] != ' ')
			continue;
		if (lines[i].row && !run->row)
			return -1;
		return lines[i].read(run, s + n) ? -1 : 0;
	}
	return 1;
}
