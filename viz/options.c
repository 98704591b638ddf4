/*
 * zcviz's command line. Every option is one row of options[]: its name,
 * its value, where it applies and its help; getopt's list, --help (and
 * the man page help2man makes from it) and the checks come from the
 * table. The printed outputs (--report, --json, ...) are rows of
 * outputs[] (output.c), taken in at the table's OUTPUTS row.
 */
#include "options.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/receivers.h"
#include "../lib/units.h"
#include "model.h"
#include "output.h"
#include "paths.h"
#include "rows.h"
#include "trace.h"

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "zcviz: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "; see zcviz --help\n");
	va_end(ap);
	return -1;
}

/*
 * zcviz -p PID[,PID...]: programs already running, watched where they
 * are, as often as -p is given; a row of their own too, named after the
 * first PID until the program's name is known.
 */
static int pid_set(struct opts *o, const char *arg)
{
	struct run_config *r = &o->run;
	const char *s = arg;
	char *end;
	long pid;

	do {
		pid = strtol(s, &end, 10);
		if (end == s || (*end && *end != ',') || pid <= 0 ||
		    pid > 0x3fffffff)
			return usage_error(
				"-p takes the PIDs of running programs, like 1234 or 1234,1240, not '%s'",
				arg);
		if (r->nwatch == ZC_MAX_PROCS)
			return usage_error("give at most %d PIDs to -p",
					   ZC_MAX_PROCS);
		r->watch_pids[r->nwatch++] = (pid_t)pid;
		s = end + 1;
	} while (*end);
	r->demo = rows_watch(r->watch_pids[0]);
	return 0;
}

/* --pace N|full: only a pace the keys can set, so that they go on from it */
static int pace_set(struct opts *o, const char *arg)
{
	char *end;
	double rate;

	if (!strcmp(arg, "full")) {
		o->pace = PACE_FULL;
		return 0;
	}
	rate = strtod(arg, &end);
	if (end == arg || *end || view_pace_level(rate) < 0)
		return usage_error(
			"--pace takes syscalls a second, %s, not '%s'",
			rows_paces(), arg);
	o->pace_level = view_pace_level(rate);
	return 0;
}

static int batch_set(struct opts *o, const char *arg)
{
	char *end;

	o->run.batch = strtoul(arg, &end, 10);
	if (end == arg || *end || *arg == '-' || !o->run.batch ||
	    o->run.batch > ZC_MAX_BATCH)
		return usage_error(
			"--batch must be a number of chunks per syscall from 1 to %d, not '%s'",
			ZC_MAX_BATCH, arg);
	return 0;
}

static int command_parse(int argc, char **argv, struct opts *o)
{
	const char *path;

	if (optind == argc)
		return usage_error("%s", "give a command after --");
	path = rows_command_path(argv[optind]);
	if (!path)
		return usage_error(
			"cannot run '%s': no such program (give its path, or put it in PATH)",
			argv[optind]);
	o->run.demo = rows_command(&argv[optind], o->theory);
	argv[optind] = (char *)path;
	o->command = &argv[optind];
	o->run.command = o->command;
	return 0;
}

/* The dashboard's own options, together: --cast, --step, --pace. */
static int dashboard_opts_check(const struct opts *o)
{
	if (o->cast && o->out)
		return usage_error("--cast records the dashboard: not with %s",
				   output_options(','));
	if (o->cast && o->step && !isatty(STDOUT_FILENO))
		return usage_error(
			"%s",
			"--step needs a terminal to press space in; --cast without one plays at --pace");
	if (o->step && o->pace == PACE_FULL)
		return usage_error("%s",
				   "give --step or --pace full, not both");
	return 0;
}

/* ---- setting a value -------------------------------------------------- */

static int file_set(struct opts *o, const char *arg)
{
	o->file = arg;
	return 0;
}

static int size_set(struct opts *o, const char *arg)
{
	if (zc_parse_size(arg, &o->size) || !o->size)
		return usage_error(
			"--size must be a size like 4096, 50M or 1G, not '%s'",
			arg);
	return 0;
}

static int chunk_set(struct opts *o, const char *arg)
{
	if (zc_parse_size(arg, &o->run.chunk) || !o->run.chunk ||
	    o->run.chunk > (1ULL << 30))
		return usage_error(
			"--chunk must be a size from 1 to 1G, like 4096, 64K or 1M, not '%s'",
			arg);
	return 0;
}

static int cold_set(struct opts *o, const char *arg)
{
	(void)arg;
	o->run.cold = true;
	return 0;
}

static int sg_set(struct opts *o, const char *arg)
{
	if (strcmp(arg, "on") && strcmp(arg, "off"))
		return usage_error("--sg takes on or off, not '%s'", arg);
	o->run.sg = !strcmp(arg, "on");
	return 0;
}

static int rate_set(struct opts *o, const char *arg)
{
	if (zc_parse_rate(arg, &o->run.rate))
		return usage_error(ZC_RATE_USAGE, arg);
	return 0;
}

static int step_set(struct opts *o, const char *arg)
{
	(void)arg;
	o->step = true;
	return 0;
}

/* --recv MODE: zc-sink's way of receiving, from the one table; -3 for a
 * receiver that needs hardware a lab cannot have (exit 3) */
static int recv_set(struct opts *o, const char *arg)
{
	if (zc_receiver_find(arg, &o->run.recv))
		return usage_error("--recv takes %s, not '%s'",
				   zc_receiver_list(false), arg);
	if (zc_receivers[o->run.recv].needs) {
		fprintf(stderr, "zcviz: --recv %s needs %s\n", arg,
			zc_receivers[o->run.recv].needs);
		return -3;
	}
	return 0;
}

static int to_set(struct opts *o, const char *arg)
{
	o->run.to = arg;
	return 0;
}

static int record_set(struct opts *o, const char *arg)
{
	o->record = arg;
	return 0;
}

static int replay_set(struct opts *o, const char *arg)
{
	o->replay = arg;
	return 0;
}

static int cast_set(struct opts *o, const char *arg)
{
	o->cast = arg;
	return 0;
}

static int verbose_set(struct opts *o, const char *arg)
{
	(void)arg;
	o->run.verbose = true;
	return 0;
}

static int theory_set(struct opts *o, const char *arg)
{
	char *end;

	o->theory = strtod(arg, &end);
	if (end == arg || *end || !(o->theory >= 0 && o->theory <= 100))
		return usage_error(
			"--theory must be CPU copies per byte from 0 to 100, like 2 or 0.5, not '%s'",
			arg);
	return 0;
}

static int list_set(struct opts *o, const char *arg)
{
	(void)o, (void)arg;
	rows_list();
	return 1;
}

static int paths_set(struct opts *o, const char *arg)
{
	(void)o, (void)arg;
	paths_print(stdout);
	return 1;
}

static void usage(FILE *f);

static int help_set(struct opts *o, const char *arg)
{
	(void)o, (void)arg;
	usage(stdout);
	return 1;
}

static int version_set(struct opts *o, const char *arg)
{
	(void)o, (void)arg;
	printf("zcviz %s\n", ZC_VERSION);
	return 1;
}

/* ---- the table -------------------------------------------------------- */

/* Where an option applies: what zcviz is asked to do */
enum mode {
	M_DEMO = 1, /* zcviz [options] DEMO */
	M_CMD = 2, /* zcviz [options] -- CMD ARGS... */
	M_PID = 4, /* zcviz -p PID */
	M_REPLAY = 8, /* zcviz --replay FILE */
	M_ALL = 15,
};

static const char *batch_help(void);
static const char *pace_help(void);

struct opt_row {
	const char *name; /* --name; NULL: the outputs go here (OUTPUTS) */
	char letter; /* -letter too, or 0 */
	const char *arg; /* its value, as --help names it; NULL: none */
	unsigned modes; /* enum mode: where it applies */
	/* 0 go on, 1 answered (the program ends), -1 bad usage, -3 what
	 * it asks for this machine cannot have */
	int (*set)(struct opts *o, const char *arg);
	const char *help; /* its lines for --help ... */
	const char *(*help_now)(void); /* ... or made when shown */
};

#define OUTPUTS                                        \
	{                                              \
		NULL, 0, NULL, M_ALL, NULL, NULL, NULL \
	}

static const struct opt_row options[] = {
	{ "file", 0, "PATH", M_DEMO | M_CMD, file_set,
	  "the file to send (default: a generated 64M file in build/)", NULL },
	{ "size", 0, "BYTES", M_DEMO | M_CMD, size_set,
	  "generate a file of this size instead; K, M, G suffixes", NULL },
	{ "chunk", 0, "BYTES", M_DEMO | M_CMD, chunk_set,
	  "bytes per call (default 128K)", NULL },
	{ "batch", 0, "N", M_DEMO, batch_set, NULL, batch_help },
	{ "cold", 0, NULL, M_DEMO | M_CMD, cold_set,
	  "evict the file from the page cache first (shows disk -> page cache)",
	  NULL },
	{ "sg", 0, "on|off", M_DEMO | M_CMD, sg_set,
	  "scatter-gather on the lab's device (default: off for sendfile,\n"
	  "on for the others)",
	  NULL },
	{ "rate", 0, "MBPS", M_DEMO | M_CMD, rate_set,
	  "pace the demo to MBPS megabytes a second", NULL },
	{ "step", 0, NULL, M_DEMO | M_REPLAY, step_set,
	  "start the dashboard in step mode: space runs one syscall", NULL },
	{ "pace", 0, "N|full", M_DEMO | M_REPLAY, pace_set, NULL, pace_help },
	OUTPUTS,
	{ "recv", 0, "MODE", M_DEMO | M_CMD, recv_set,
	  "how the lab's receiver takes the bytes: copy (read(),\n"
	  "the default), mmap (TCP_ZEROCOPY_RECEIVE; the lab's\n"
	  "MTU then makes each segment a page), splice (through\n"
	  "a pipe into a file of zcviz's), discard (MSG_TRUNC)",
	  NULL },
	{ "to", 0, "HOST:PORT", M_DEMO, to_set,
	  "send to a zc-sink --listen on another machine (no lab)", NULL },
	{ "record", 0, "FILE", M_DEMO | M_CMD | M_PID, record_set,
	  "also write what the run showed to FILE (a trace)", NULL },
	{ "replay", 0, "FILE", M_REPLAY, replay_set,
	  "play a recorded trace back: no root, no BPF needed", NULL },
	{ "cast", 0, "FILE", M_ALL, cast_set,
	  "also write the dashboard to FILE as an asciicast (v2),\n"
	  "live or replayed; without a terminal it runs unseen\n"
	  "and ends with its runs; a replay's is then made at\n"
	  "once, and plays at --pace",
	  NULL },
	{ "verbose", 'v', NULL, M_ALL, verbose_set,
	  "show the lab's commands and libbpf's messages", NULL },
	{ "pid", 'p', "PIDS", M_PID, pid_set,
	  "watch running programs instead (1234, or 1234,1240),\n"
	  "and every process they started or start (a server's\n"
	  "workers), anywhere, on any device, until all have\n"
	  "exited or Ctrl-C; nothing they send is verified",
	  NULL },
	{ "theory", 0, "N", M_CMD, theory_set,
	  "a command's CPU copies per byte in theory (default:\n"
	  "unknown)",
	  NULL },
	{ "list-demos", 0, NULL, M_ALL, list_set,
	  "list the demos for scripts, one a line, tab-separated:\n"
	  "name, program, scatter-gather in the lab, CPU copies\n"
	  "per byte without and with scatter-gather, title, the\n"
	  "title in brief, what it is written in (c, java),\n"
	  "CPU copies per byte in the lab (its receiver is local),\n"
	  "and classic for the article's four",
	  NULL },
	{ "paths", 0, NULL, M_ALL, paths_set,
	  "show where the demos' programs and the lab script are,\n"
	  "a line each, tab-separated, and exit",
	  NULL },
	{ "help", 'h', NULL, M_ALL, help_set, "show this help and exit", NULL },
	{ "version", 'V', NULL, M_ALL, version_set, "show the version and exit",
	  NULL },
};

#define NROWS (sizeof(options) / sizeof(options[0]))
/* getopt's value for a row without a letter, and for an output */
#define KEY_ROW 256
#define KEY_OUTPUT 512

static const char *batch_help(void)
{
	static char s[128];

	snprintf(s, sizeof(s),
		 "chunks per syscall, for a demo that batches (%s)",
		 rows_batching());
	return s;
}

static const char *pace_help(void)
{
	static char s[256];

	snprintf(s, sizeof(s),
		 "start the dashboard at N syscalls a second, %g to %g,\n"
		 "doubling, as + and - set it (default %g), or at\n"
		 "full speed, as f does",
		 view_pace_rate(0), view_pace_rate(view_pace_max()),
		 view_pace_rate(VIEW_PACE_DEFAULT));
	return s;
}

/* ---- --help ----------------------------------------------------------- */

/* One option: its names at the left, its help in a column from 22. */
static void usage_option(FILE *f, char letter, const char *name,
			 const char *arg, const char *help)
{
	char head[48];
	int n = letter ? snprintf(head, sizeof(head), "  -%c, --%s", letter,
				  name) :
			 snprintf(head, sizeof(head), "      --%s", name);
	const char *p = help, *nl;

	if (arg)
		snprintf(head + n, sizeof(head) - n, " %s", arg);
	fprintf(f, "%-21s", head);
	for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		fprintf(f, "%*s%.*s\n", p == help ? 1 : 22, "",
			nl ? (int)(nl - p) : (int)strlen(p), p);
	}
}

static void usage_options(FILE *f)
{
	for (const struct opt_row *r = options; r < options + NROWS; r++) {
		if (r->name)
			usage_option(f, r->letter, r->name, r->arg,
				     r->help ? r->help : r->help_now());
		for (const struct output *o = outputs; !r->name && o->name; o++)
			usage_option(f, 0, o->name, NULL, o->help);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: zcviz [options] DEMO\n"
		"  or:  zcviz [options] -- CMD ARGS...\n"
		"  or:  zcviz [%s] -p PID\n"
		"\n"
		"Send a file with DEMO through the network lab and measure, with eBPF\n"
		"tracepoints, every copy the CPU makes and every switch it costs.\n"
		"DEMO is one of these, or several in turn:\n",
		output_options('|'));
	rows_usage(f);
	fprintf(f, "\nOptions:\n");
	usage_options(f);
	fprintf(f,
		"\n"
		"A command (after --) sends in the lab like a demo: {sink} in its arguments\n"
		"is the receiver's HOST:PORT and {file} the file (also $ZC_SINK, $ZC_FILE);\n"
		"the receiver's bytes are checked against the file. It gets a report.\n"
		"\n"
		"Dashboard keys: space step one syscall, p pause/resume, + and - pace,\n"
		"f full speed, c run again cold, r run again, 1-%d switch demo, q quit.\n"
		"\n"
		"Examples:\n"
		"  sudo build/zcviz sendfile\n"
		"  sudo build/zcviz --step --size 1M traditional\n"
		"  sudo build/zcviz --json --cold traditional\n"
		"  sudo build/zcviz --sg off traditional     # 3 copies: why?\n"
		"  sudo build/zcviz all\n"
		"  build/zcviz --replay lessons/traces/sendfile.trace --cast sendfile.cast\n"
		"  sudo build/zcviz --json -- build/zc-traditional --to {sink} {file}\n"
		"  sudo build/zcviz -p \"$(pgrep -o nginx)\"     # does nginx copy? (its workers too)\n"
		"  sudo build/zcviz --recv mmap msg-zerocopy   # the receiver maps, not copies\n"
		"\n"
		"Needs root (BPF, network namespaces). Exit status: 0 success, 1 a transfer\n"
		"or its verification failed, 2 bad usage or input, 3 something missing\n"
		"(root, BTF, tracefs, a tool, disk space), 128+N stopped by signal N.\n",
		zc_ndemos < 9 ? zc_ndemos : 9);
	if (trace_replay_only())
		fprintf(f,
			"\nThis zcviz was built replay-only (no BPF toolchain or BTF then): only\n"
			"--replay works; sudo make deps, then make, for the rest.\n");
}

/* ---- where an option applies ------------------------------------------ */

/* What zcviz is asked to do, from what was given. */
static enum mode mode_of(const struct opts *o, int argc)
{
	if (o->run.nwatch)
		return M_PID;
	if (o->dashdash && optind <= argc)
		return M_CMD;
	return o->replay ? M_REPLAY : M_DEMO;
}

/* Options given that do not apply to mode, "--a, --b"; how many. */
static int misplaced(const struct opts *o, enum mode mode, char *s, size_t len)
{
	size_t n = 0;
	int k = 0;

	s[0] = '\0';
	for (size_t i = 0; i < NROWS; i++)
		if ((o->given >> i & 1) && !(options[i].modes & mode) &&
		    n < len)
			n += snprintf(s + n, len - n, "%s--%s", k++ ? ", " : "",
				      options[i].name);
	return k;
}

static int modes_check(const struct opts *o, enum mode mode)
{
	char list[512];
	int k = misplaced(o, mode, list, sizeof(list));
	const char *verb = k > 1 ? "do" : "does";

	if (!k)
		return 0;
	if (mode == M_PID)
		return usage_error(
			"-p PID watches what the program does: %s %s not apply",
			list, verb);
	if (mode == M_CMD)
		return usage_error("a command (after --) takes no %s", list);
	if (mode == M_REPLAY)
		return usage_error(
			"--replay plays what a trace holds: %s %s not apply",
			list, verb);
	return usage_error(
		"%s is for a command: zcviz [options] -- CMD ARGS...", list);
}

/* ---- parsing ---------------------------------------------------------- */

/* getopt's list: the table's rows, then the outputs. */
static const struct option *longopts_make(char *shorts, size_t len)
{
	static struct option lo[NROWS + 16];
	size_t n = 0, s = 0;

	s += snprintf(shorts + s, len - s, ":");
	for (size_t i = 0; i < NROWS; i++) {
		const struct opt_row *r = &options[i];

		if (!r->name)
			continue;
		lo[n++] = (struct option){
			r->name, r->arg ? required_argument : no_argument, NULL,
			r->letter ? r->letter : KEY_ROW + (int)i
		};
		if (r->letter)
			s += snprintf(shorts + s, len - s, "%c%s", r->letter,
				      r->arg ? ":" : "");
	}
	for (int i = 0; outputs[i].name && n < NROWS + 15; i++)
		lo[n++] = (struct option){ outputs[i].name, no_argument, NULL,
					   KEY_OUTPUT + i };
	lo[n] = (struct option){ 0 };
	return lo;
}

/* The row of getopt's value c, or -1. */
static int row_of(int c)
{
	for (size_t i = 0; i < NROWS; i++)
		if (options[i].name &&
		    (options[i].letter ? options[i].letter == c :
					 KEY_ROW + (int)i == c))
			return (int)i;
	return -1;
}

/* One option from getopt: 0 go on, 1 answered, -1 bad usage. */
static int option_take(int c, char **argv, struct opts *o)
{
	int row = row_of(c);

	if (c >= KEY_OUTPUT) {
		o->out = &outputs[c - KEY_OUTPUT];
		return 0;
	}
	if (c == ':')
		return usage_error("%s needs a value", argv[optind - 1]);
	if (row < 0)
		return usage_error("unknown option '%s'", argv[optind - 1]);
	o->given |= 1ULL << row;
	return options[row].set(o, optarg);
}

/* DEMO: one, a known one (or a selection), and what goes with it. */
static int demo_check(struct opts *o, int argc, char **argv)
{
	if (o->replay && optind == argc)
		return 0; /* the demos are in the trace */
	if (optind != argc - 1)
		return optind == argc ?
			       usage_error("give a DEMO: %s", rows_choices()) :
			       usage_error("give exactly one DEMO");
	o->demo = argv[optind];
	if (!zc_is_selection(o->demo) && !zc_demo_find(o->demo))
		return usage_error("unknown demo '%s'; choose %s", o->demo,
				   rows_choices());
	if (o->run.batch && !zc_is_selection(o->demo) &&
	    !zc_demo_find(o->demo)->batches)
		return usage_error(
			"%s makes a syscall per chunk: --batch is for %s",
			o->demo, rows_batching());
	return 0;
}

int opts_parse(int argc, char **argv, struct opts *o)
{
	char shorts[32];
	const struct option *lo = longopts_make(shorts, sizeof(shorts));
	enum mode mode;
	int c, rc, last = 1;

	*o = (struct opts){ .run = { .chunk = DEFAULT_CHUNK, .sg = -1 },
			    .pace = PACE_PACED,
			    .pace_level = -1,
			    .theory = NAN };
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		if ((rc = option_take(c, argv, o)))
			return rc;
		last = optind;
	}
	/* getopt stopped at a "--" of its own, not an option's value */
	o->dashdash = optind > last && !strcmp(argv[optind - 1], "--");
	if (o->replay && o->record)
		return usage_error("%s", "give --record or --replay, not both");
	if (o->run.to && o->run.recv != ZC_RECV_COPY)
		return usage_error(
			"%s",
			"--recv sets the lab's receiver up; with --to the receiver is the zc-sink over there: give it --recv");
	if (o->file && o->size)
		return usage_error("%s", "give --file or --size, not both");
	mode = mode_of(o, argc);
	if (mode == M_PID && optind != argc)
		return usage_error(
			"%s",
			"-p PID watches a running program: give no DEMO or command");
	if (modes_check(o, mode) || dashboard_opts_check(o))
		return -1;
	if (mode == M_CMD)
		return command_parse(argc, argv, o);
	return mode == M_PID ? 0 : demo_check(o, argc, argv);
}
