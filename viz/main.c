/*
 * zcviz: runs a demo in the network lab under the eBPF instrument and
 * shows where every byte of the file went: which stage copied it, which
 * only referenced it, and what it cost in system calls and switches.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../demos/units.h"
#include "dash.h"
#include "model.h"
#include "record.h"
#include "report.h"
#include "run.h"
#include "trace.h"
#include "view.h"
#include "output.h"
#include "record.h"
#include "sample.h"
#include "session.h"
#include "watch.h"

#define DEFAULT_SIZE (64ULL << 20)
#define DEFAULT_CHUNK (128 * 1024)

struct opts {
	struct run_config run;
	const char *demo;
	const char *file;
	uint64_t size;
	const struct output *out; /* NULL: the dashboard */
	bool step;
	/* --pace: the dashboard's first pace, and its level (-1: the view's) */
	enum view_pace pace;
	int pace_level;
	const char *record, *replay;
	const char *cast; /* --cast FILE: the dashboard, as an asciicast */
	char **command; /* zcviz -- CMD ARGS... */
	double theory; /* --theory, or NAN: unknown */
};

/* The demos' names and "or all or classic", from the table, for messages */
static const char *demo_choices(void)
{
	static char s[512];
	const char *sel;
	size_t n = 0;

	for (int i = 0; i < zc_ndemos && n < sizeof(s); i++)
		n += snprintf(s + n, sizeof(s) - n, "%s%s", i ? ", " : "",
			      zc_demos[i].name);
	for (int i = 0; (sel = zc_selection_name(i, NULL)) && n < sizeof(s);
	     i++)
		n += snprintf(s + n, sizeof(s) - n, " or %s", sel);
	return s;
}

/* The dashboard's paces, "0.5, 1, ... or full", for messages */
static const char *pace_choices(void)
{
	static char s[128];
	size_t n = 0;

	for (int i = 0; i <= view_pace_max() && n < sizeof(s); i++)
		n += snprintf(s + n, sizeof(s) - n, "%g, ", view_pace_rate(i));
	snprintf(s + n, sizeof(s) - n, "or full");
	return s;
}

/* --list-demos: one row a line, tab-separated, for scripts (usage says
 * the columns) */
static void demos_list(void)
{
	const struct zc_demo *d;

	for (int i = 0; i < zc_ndemos; i++) {
		d = &zc_demos[i];
		printf("%s\t%s\t%s\t%g\t%g\t%s\t%s\t%s\t%g\t%s\n", d->name,
		       d->program, d->sg ? "on" : "off", d->copies[0],
		       d->copies[1], d->title, d->brief,
		       d->java_class ? "java" : "c",
		       model_theory(d, d->sg, true),
		       d->classic ? "classic" : "");
	}
}

/* The demos whose row batches, "a, b": for a message. */
static const char *batching_demos(void)
{
	static char list[256];
	size_t n = 0;

	list[0] = '\0';
	for (int i = 0; i < zc_ndemos && n < sizeof(list); i++)
		if (zc_demos[i].batches)
			n += snprintf(list + n, sizeof(list) - n, "%s%s",
				      n ? ", " : "", zc_demos[i].name);
	return list;
}

/* The demos in a column as wide as the longest name, titles after two
 * spaces (help2man reads the list so, for the man page); then the names
 * that play several. */
static void usage_demos(FILE *f)
{
	const char *sel, *what;
	int w = 0;

	for (int i = 0; i < zc_ndemos; i++)
		if ((int)strlen(zc_demos[i].name) > w)
			w = (int)strlen(zc_demos[i].name);
	for (int i = 0; i < zc_ndemos; i++)
		fprintf(f, "  %-*s  %s\n", w, zc_demos[i].name,
			zc_demos[i].title);
	for (int i = 0; (sel = zc_selection_name(i, &what)); i++)
		fprintf(f, "  %-*s  %s, in turn\n", w, sel, what);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: zcviz [options] DEMO\n"
		"  or:  zcviz [options] -- CMD ARGS...\n"
		"  or:  zcviz [--report|--json] -p PID\n"
		"\n"
		"Send a file with DEMO through the network lab and measure, with eBPF\n"
		"tracepoints, every copy the CPU makes and every switch it costs.\n"
		"DEMO is one of these, or several in turn:\n");
	usage_demos(f);
	fprintf(f,
		"\n"
		"Options:\n"
		"      --file PATH     the file to send (default: a generated 64M file in build/)\n"
		"      --size BYTES    generate a file of this size instead; K, M, G suffixes\n"
		"      --chunk BYTES   bytes per call (default 128K)\n"
		"      --batch N       chunks per syscall, for a demo that batches (%s)\n"
		"      --cold          evict the file from the page cache first (shows disk -> page cache)\n"
		"      --sg on|off     scatter-gather on the lab's device (default: off for sendfile,\n"
		"                      on for the others)\n"
		"      --rate MBPS     pace the demo to MBPS megabytes a second\n"
		"      --step          start the dashboard in step mode: space runs one syscall\n"
		"      --pace N|full   start the dashboard at N syscalls a second, %g to %g,\n"
		"                      doubling, as + and - set it (default %g), or at\n"
		"                      full speed, as f does\n"
		"      --report        print a table instead of the dashboard (the default\n"
		"                      when stdout is not a terminal)\n"
		"      --json          print one JSON object per demo run\n"
		"      --to HOST:PORT  send to a zc-sink --listen on another machine (no lab)\n"
		"      --record FILE   also write what the run showed to FILE (a trace)\n"
		"      --replay FILE   play a recorded trace back: no root, no BPF needed\n"
		"      --cast FILE     also write the dashboard to FILE as an asciicast (v2),\n"
		"                      live or replayed; without a terminal it runs unseen\n"
		"                      and ends with its runs; a replay's is then made at\n"
		"                      once, and plays at --pace\n"
		"  -v, --verbose       show the lab's commands and libbpf's messages\n"
		"  -p, --pid PID       watch a running program instead, anywhere, on any device,\n"
		"                      until it exits or Ctrl-C; nothing it sends is verified\n"
		"      --theory N      a command's CPU copies per byte in theory (default:\n"
		"                      unknown)\n"
		"      --list-demos    list the demos for scripts, one a line, tab-separated:\n"
		"                      name, program, scatter-gather in the lab, CPU copies\n"
		"                      per byte without and with scatter-gather, title, the\n"
		"                      title in brief, what it is written in (c, java),\n"
		"                      CPU copies per byte in the lab (its receiver is local),\n"
		"                      and classic for the article's four\n"
		"  -h, --help          show this help and exit\n"
		"  -V, --version       show the version and exit\n"
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
		"  sudo build/zcviz -p \"$(pgrep -n nginx)\"     # does nginx copy?\n"
		"\n"
		"Needs root (BPF, network namespaces). Exit status: 0 success, 1 a transfer\n"
		"or its verification failed, 2 bad usage or input, 3 something missing\n"
		"(root, BTF, tracefs, a tool, disk space), 128+N stopped by signal N.\n",
		batching_demos(), view_pace_rate(0),
		view_pace_rate(view_pace_max()),
		view_pace_rate(VIEW_PACE_DEFAULT),
		zc_ndemos < 9 ? zc_ndemos : 9);
	if (trace_replay_only())
		fprintf(f,
			"\nThis zcviz was built replay-only (no BPF toolchain or BTF then): only\n"
			"--replay works; sudo make deps, then make, for the rest.\n");
}

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
 * zcviz -p PID: a program already running, watched where it is; a row of
 * its own too, named after the PID until the program's name is known.
 */
static struct zc_demo watch_row;
static char watch_name[32];

static int watch_pid_parse(const char *arg, struct opts *o)
{
	char *end;
	long pid = strtol(arg, &end, 10);

	if (end == arg || *end || pid <= 0 || pid > 0x3fffffff)
		return usage_error(
			"-p takes the PID of a running program, like 1234, not '%s'",
			arg);
	if (o->run.watch_pid)
		return usage_error("%s", "give one -p PID");
	o->run.watch_pid = (pid_t)pid;
	snprintf(watch_name, sizeof(watch_name), "pid %ld", pid);
	watch_row = (struct zc_demo){ .name = watch_name,
				      .program = watch_name,
				      .syscalls = "",
				      .counted = "",
				      .sg = true,
				      .copies = { NAN, NAN },
				      .title = watch_name,
				      .brief = watch_name,
				      .what = "",
				      .card = "" };
	o->run.demo = &watch_row;
	return 0;
}

/* -p watches what the program does: what a demo's run is made of does
 * not apply. */
static int watch_opts_check(const struct opts *o, int argc, int optind)
{
	if (optind != argc)
		return usage_error(
			"%s",
			"-p PID watches a running program: give no DEMO or command");
	if (o->file || o->size || o->run.cold || o->run.sg >= 0 ||
	    o->run.rate > 0 || o->step || o->pace_level >= 0 ||
	    o->pace == PACE_FULL || o->run.to || o->record || o->replay ||
	    !isnan(o->theory) || o->run.chunk != DEFAULT_CHUNK || o->run.batch)
		return usage_error(
			"%s",
			"-p PID watches what the program does: --file, --size, --chunk, --batch, --cold, --sg, --rate, --step, --pace, --to, --record, --replay and --theory do not apply");
	return 0;
}

/* --pace N|full: only a pace the keys can set, so that they go on from it */
static int pace_parse(const char *arg, struct opts *o)
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
			pace_choices(), arg);
	o->pace_level = view_pace_level(rate);
	return 0;
}

static int batch_parse(const char *arg, struct opts *o)
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

static int opt_value(int c, const char *arg, struct opts *o)
{
	char *end;

	switch (c) {
	case 'f':
		o->file = arg;
		return 0;
	case 's':
		if (zc_parse_size(arg, &o->size) || !o->size)
			return usage_error(
				"--size must be a size like 4096, 50M or 1G, not '%s'",
				arg);
		return 0;
	case 'c':
		if (zc_parse_size(arg, &o->run.chunk) || !o->run.chunk ||
		    o->run.chunk > (1ULL << 30))
			return usage_error(
				"--chunk must be a size from 1 to 1G, like 4096, 64K or 1M, not '%s'",
				arg);
		return 0;
	case 'g':
		if (strcmp(arg, "on") && strcmp(arg, "off"))
			return usage_error("--sg takes on or off, not '%s'",
					   arg);
		o->run.sg = !strcmp(arg, "on");
		return 0;
	case 'r':
		if (zc_parse_rate(arg, &o->run.rate))
			return usage_error(ZC_RATE_USAGE, arg);
		return 0;
	case 't':
		o->run.to = arg;
		return 0;
	case 'w':
		o->record = arg;
		return 0;
	case 'k':
		o->cast = arg;
		return 0;
	case 'z':
		o->replay = arg;
		return 0;
	case 'p':
		return watch_pid_parse(arg, o);
	case 'b':
		return batch_parse(arg, o);
	case 'P':
		return pace_parse(arg, o);
	case 'y':
		o->theory = strtod(arg, &end);
		if (end == arg || *end || !(o->theory >= 0 && o->theory <= 100))
			return usage_error(
				"--theory must be CPU copies per byte from 0 to 100, like 2 or 0.5, not '%s'",
				arg);
		return 0;
	}
	return usage_error("unknown option '%s'", arg);
}

/*
 * zcviz -- CMD ARGS...: CMD sends in the lab like a demo, to {sink} with
 * {file}; it is a row of its own, named after the program, whose theory
 * is --theory's or unknown.
 */
static struct zc_demo command_row;
static char command_line[256];

/* The program cmd names, as a path (PATH searched, as a shell would), or
 * NULL: the run execs it itself. */
static const char *command_path(const char *cmd)
{
	static char path[4096];
	const char *p, *end;

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) ? NULL : cmd;
	for (p = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"; *p;
	     p = *end ? end + 1 : end) {
		end = p + strcspn(p, ":");
		snprintf(path, sizeof(path), "%.*s/%s", (int)(end - p), p, cmd);
		if (!access(path, X_OK))
			return path;
	}
	return NULL;
}

static int command_parse(int argc, char **argv, struct opts *o)
{
	const char *name, *path;
	size_t n = 0;
	int i;

	if (optind == argc)
		return usage_error("%s", "give a command after --");
	if (o->replay || o->record || o->run.to || o->run.batch || o->cast)
		return usage_error("a command (after --) takes no %s",
				   o->replay ? "--replay" :
				   o->record ? "--record" :
				   o->run.to ? "--to" :
				   o->cast   ? "--cast" :
					       "--batch");
	if (o->file && o->size)
		return usage_error("%s", "give --file or --size, not both");
	path = command_path(argv[optind]);
	if (!path)
		return usage_error(
			"cannot run '%s': no such program (give its path, or put it in PATH)",
			argv[optind]);
	for (i = optind; i < argc && n < sizeof(command_line); i++)
		n += snprintf(command_line + n, sizeof(command_line) - n,
			      "%s%s", i > optind ? " " : "", argv[i]);
	name = strrchr(argv[optind], '/') ? strrchr(argv[optind], '/') + 1 :
					    argv[optind];
	command_row = (struct zc_demo){
		.name = name,
		.program = argv[optind],
		.syscalls = "",
		.counted = "",
		.sg = true,
		.copies = { o->theory, o->theory },
		.title = command_line,
		.brief = name,
		.what = "",
		.card = "",
	};
	argv[optind] = (char *)path;
	o->command = &argv[optind];
	o->run.command = o->command;
	o->run.demo = &command_row;
	return 0;
}

/* 0 go on, 1 answered --help/--version, -1 bad usage */
static const struct option longopts[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "size", required_argument, NULL, 's' },
	{ "chunk", required_argument, NULL, 'c' },
	{ "cold", no_argument, NULL, 'C' },
	{ "sg", required_argument, NULL, 'g' },
	{ "rate", required_argument, NULL, 'r' },
	{ "report", no_argument, NULL, 'R' },
	{ "step", no_argument, NULL, 'S' },
	{ "pace", required_argument, NULL, 'P' },
	{ "json", no_argument, NULL, 'j' },
	{ "to", required_argument, NULL, 't' },
	{ "record", required_argument, NULL, 'w' },
	{ "cast", required_argument, NULL, 'k' },
	{ "replay", required_argument, NULL, 'z' },
	{ "pid", required_argument, NULL, 'p' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "list-demos", no_argument, NULL, 'L' },
	{ "theory", required_argument, NULL, 'y' },
	{ "batch", required_argument, NULL, 'b' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 }
};

/* The dashboard's own options, together: --cast, --step, --pace. */
static int dashboard_opts_check(const struct opts *o)
{
	if (o->cast && (o->out || o->run.watch_pid))
		return usage_error(
			"%s",
			"--cast records the dashboard: not with --report, --json or -p");
	if (o->cast && o->step && !isatty(STDOUT_FILENO))
		return usage_error(
			"%s",
			"--step needs a terminal to press space in; --cast without one plays at --pace");
	if (o->step && o->pace == PACE_FULL)
		return usage_error("%s",
				   "give --step or --pace full, not both");
	return 0;
}

static int opts_parse(int argc, char **argv, struct opts *o)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vhVp:", longopts, NULL)) != -1) {
		if (c == 'C')
			o->run.cold = true;
		else if (c == 'S')
			o->step = true;
		else if (c == 'R')
			o->out = output_find("report");
		else if (c == 'j')
			o->out = output_find("json");
		else if (c == 'v')
			o->run.verbose = true;
		else if (c == 'h')
			return usage(stdout), 1;
		else if (c == 'V')
			return printf("zcviz %s\n", ZC_VERSION), 1;
		else if (c == 'L')
			return demos_list(), 1;
		else if (c == ':')
			return usage_error("%s needs a value",
					   argv[optind - 1]);
		else if (c == '?' || opt_value(c, optarg, o))
			return c == '?' ? usage_error("unknown option '%s'",
						      argv[optind - 1]) :
					  -1;
	}
	if (o->replay && o->record)
		return usage_error("%s", "give --record or --replay, not both");
	if (dashboard_opts_check(o))
		return -1;
	if (o->run.watch_pid)
		return watch_opts_check(o, argc, optind);
	if (optind > 1 && !strcmp(argv[optind - 1], "--"))
		return command_parse(argc, argv, o);
	if (!isnan(o->theory))
		return usage_error(
			"%s",
			"--theory is for a command: zcviz [options] -- CMD ARGS...");
	if (o->replay && optind == argc)
		return 0; /* the demos are in the trace */
	if (optind != argc - 1)
		return optind == argc ?
			       usage_error("give a DEMO: %s", demo_choices()) :
			       usage_error("give exactly one DEMO");
	o->demo = argv[optind];
	if (!zc_is_selection(o->demo) && !zc_demo_find(o->demo))
		return usage_error("unknown demo '%s'; choose %s", o->demo,
				   demo_choices());
	if (o->run.batch && !zc_is_selection(o->demo) &&
	    !zc_demo_find(o->demo)->batches)
		return usage_error(
			"%s makes a syscall per chunk: --batch is for %s",
			o->demo, batching_demos());
	if (o->file && o->size)
		return usage_error("%s", "give --file or --size, not both");
	return 0;
}

static void signals_catch(void)
{
	static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = run_request_stop };
	sigset_t set;

	/* no SA_RESTART: a signal must wake the run's waits */
	sigemptyset(&sa.sa_mask);
	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) {
		sigaction(caught[i], &sa, NULL);
		sigaddset(&set, caught[i]);
	}
	/* started with them blocked (the mask is inherited): they must
	 * still stop us, and one already pending does so now */
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Runs the demos asked for, printed as they end; the exit status. */
static int demos_run(struct opts *o, struct recorder *rec)
{
	struct session s;
	struct run_consumer c;
	int rc;

	session_init(&s, o->out);
	if (rec) {
		c = record_consumer(rec, true);
		session_follow(&s, &c);
		o->run.stepped = true;
	}
	rc = session_demos(&s, &o->run, o->demo, o->command != NULL);
	session_free(&s);
	return rc;
}

/* --replay without a terminal: the recorded runs, printed. */
static int replay_print(struct opts *o)
{
	struct session s;
	int rc;

	session_init(&s, o->out);
	rc = session_replay(&s, o->replay);
	session_free(&s);
	return rc;
}

static int dashboard(struct opts *o)
{
	struct dash_opts d = { .run = o->run,
			       .step = o->step,
			       .pace = o->pace,
			       .pace_level = o->pace_level,
			       .record = o->record,
			       .replay = o->replay,
			       .cast = o->cast };

	d.selection = o->demo && zc_is_selection(o->demo) ? o->demo : NULL;
	if (o->demo && !d.selection)
		d.run.demo = zc_demo_find(o->demo);
	return dash_main(&d);
}

/* zcviz -p PID: watch it, then print it (a terminal gets the report
 * too, for now). */
static int watched(struct opts *o)
{
	struct session s;
	char why[512];
	int rc = trace_check_env(why, sizeof(why));

	if (rc) {
		fprintf(stderr, "zcviz: %s\n", why);
		return rc;
	}
	session_init(&s, o->out);
	rc = session_watch(&s, &o->run);
	session_free(&s);
	trace_env_restore();
	return rc;
}

/* Live runs: root, BTF and tracefs, the file, the recorder. */
static int live(struct opts *o)
{
	char path[4096], why[512];
	struct recorder *rec = NULL;
	int rc;

	rc = trace_check_env(why, sizeof(why));
	if (!rc)
		rc = sample_prepare(o->file, o->size ? o->size : DEFAULT_SIZE,
				    path, sizeof(path), why, sizeof(why));
	if (!rc && o->record && o->out) {
		rec = record_open(o->record, why, sizeof(why));
		rc = rec ? 0 : ZC_EXIT_USAGE;
	}
	if (rc) {
		fprintf(stderr, "zcviz: %s\n", why);
		return rc;
	}
	o->run.file = path;
	rc = !o->out ? dashboard(o) : demos_run(o, rec);
	rc = record_end(rec, rc);
	trace_env_restore();
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = { .run = { .chunk = DEFAULT_CHUNK, .sg = -1 },
			  .pace = PACE_PACED,
			  .pace_level = -1,
			  .theory = NAN };
	int rc;

	rc = opts_parse(argc, argv, &o);
	if (rc)
		return rc > 0 ? ZC_EXIT_OK : ZC_EXIT_USAGE;
	trace_set_verbose(o.run.verbose);
	signals_catch();
	/* without a terminal, the dashboard is a report; a command's, for
	 * now, too (its keys are the table's demos') */
	if (!o.out && !o.cast &&
	    (!isatty(STDOUT_FILENO) || o.command || o.run.watch_pid))
		o.out = output_find("report");
	if (o.replay)
		rc = !o.out ? dashboard(&o) : replay_print(&o);
	else
		rc = o.run.watch_pid ? watched(&o) : live(&o);
	/* the reader of our output has gone: nobody is left to tell */
	if (run_stop_signal() && run_stop_signal() != SIGPIPE)
		fprintf(stderr, "zcviz: stopped by signal %d%s%s\n",
			run_stop_signal(), run_undone() ? "; " : "",
			run_undone() ? run_undone() : "");
	return run_stop_signal() ? 128 + run_stop_signal() : rc;
}
