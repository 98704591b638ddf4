/*
 * One run of one demo. The order matters and is undone in reverse:
 *
 *   lab up -> sink (receive netns) -> demo forked, held at a gate (send
 *   netns) -> BPF loaded with both pids -> gate opened -> demo exits ->
 *   sink's verdict -> counters read -> BPF detached -> lab down
 *
 * The demo is held before exec() so that the instrument sees its every
 * system call from the first one, with its pid known before load.
 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/net.h"
#include "../lib/summary.h"
#include "../lib/units.h"
#include "child.h"
#include "lab.h"
#include "paths.h"
#include "safefile.h"
#include "sample.h"
#include "verify.h"
#include "witness.h"

#define SINK_WAIT_MS 10000
/* the sender has exited: its socket ends at once, or within its FIN's
 * round trip; beyond this its TCP count is said to be not known */
#define WITNESS_WAIT_MS 2000

static volatile sig_atomic_t stop_signal;
/* Whether this process ever attached the BPF programs: its last message */
static bool ever_bpf;

void run_request_stop(int sig)
{
	stop_signal = sig;
}

void run_stop_clear(void)
{
	stop_signal = 0;
}

int run_stop_signal(void)
{
	return stop_signal;
}

bool run_output_gone(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO };

	if (!stop_signal && poll(&p, 1, 0) == 1 && (p.revents & POLLERR))
		stop_signal = SIGPIPE;
	return stop_signal == SIGPIPE;
}

const char *run_undone(void)
{
	static char s[PATH_MAX + 160];
	char dir[PATH_MAX], lab[PATH_MAX] = "demos/lab.sh";
	const char *stuck = lab_stuck_id();

	if (stuck && !paths_programs(dir, sizeof(dir)))
		paths_lab(dir, lab, sizeof(lab));
	if (stuck)
		snprintf(
			s, sizeof(s),
			"lab %s could not be removed (sudo %s cleanup removes it)%s",
			stuck, lab,
			ever_bpf ? "; the BPF programs are detached" : "");
	else if (lab_ever_up() || ever_bpf)
		snprintf(s, sizeof(s), "%s%s%s",
			 lab_ever_up() ? "the lab is down" : "",
			 lab_ever_up() && ever_bpf ? " and " : "",
			 ever_bpf ? "the BPF programs are detached" : "");
	else
		return NULL;
	return s;
}

/* ---- the run ---------------------------------------------------------- */

struct run {
	const struct run_config *cfg;
	const struct run_consumer *c;
	struct run_result *res;
	char bindir[PATH_MAX];
	struct lab lab;
	struct child sink, demo;
	struct trace *trace;
	const char *tx_ns, *rx_ns; /* NULL: this namespace (--to) */
	char dest[300]; /* HOST:PORT the demo sends to */
	uint16_t port;
	int step; /* write end of the step handshake, -1 when free */
	/* the kernel's own counts: the device's before our programs were
	 * attached, and TCP's of the flow (NULL: not heard) */
	struct witness_dev dev0;
	struct witness *witness;
	int status; /* the demo's exit status, once it exited */
	/* --recv splice: the file the sink writes, in a directory of ours */
	char recv_dir[64], recv_file[96];
};

/* Reads one line from fd within ms; returns its length, 0 on timeout. */
static size_t fd_line(int fd, char *buf, size_t len, int ms)
{
	size_t got = 0;

	while (got < len - 1 && fd_wait(fd, ms, false) &&
	       read(fd, buf + got, 1) == 1 && buf[got] != '\n')
		got++;
	buf[got] = '\0';
	return got;
}

static int sink_start(struct run *r)
{
	char bin[PATH_MAX + 16], listen[64], line[256];
	/* no idle limit: a lecture may hold a stepped run for as long as
	 * it likes, and zcviz ends the sink itself; and its receiver reads
	 * the bytes as they come, so that a step shows its copy and a
	 * measured run's receive queue stays as short as it always was: a
	 * CI run with --wake 256K here saw one resend without scatter-
	 * gather (copies 1.0014, not 1), which a longer queue may cause; a
	 * command may close without reading the sink's answer (bash's
	 * /dev/tcp does), and its bytes are checked against the file */
	char *argv[14] = { bin, "--listen", listen, "--once", "--idle-timeout",
			   "0", "--wake",   "1" };
	const struct zc_receiver *recv = &zc_receivers[r->cfg->recv];
	const char *colon;
	int n = 8;

	if (r->cfg->command)
		argv[n++] = "--trust-eof";
	argv[n++] = "--recv";
	argv[n++] = (char *)recv->name;
	if (recv->file && sample_receive_path(r->recv_dir, r->recv_file,
					      r->res->why, sizeof(r->res->why)))
		return ZC_EXIT_ENV;
	if (recv->file)
		argv[n++] = r->recv_file;
	snprintf(bin, sizeof(bin), "%s/zc-sink", r->bindir);
	snprintf(listen, sizeof(listen), "%s:0", r->lab.rx_ip);
	if (child_spawn(&r->sink, r->rx_ns, SPAWN_DIE_WITH_US, -1, argv)) {
		snprintf(r->res->why, sizeof(r->res->why),
			 "cannot start %s: %s", bin, strerror(errno));
		return ZC_EXIT_ENV;
	}
	fd_line(r->sink.err, line, sizeof(line), 5000);
	colon = strrchr(line, ':');
	if (!strstr(line, "listening on") || !colon) {
		snprintf(r->res->why, sizeof(r->res->why),
			 "zc-sink did not start: %s", line);
		return ZC_EXIT_ENV;
	}
	r->port = (uint16_t)atoi(colon + 1);
	snprintf(r->dest, sizeof(r->dest), "%s:%u", r->lab.rx_ip, r->port);
	return 0;
}

/* The demo's program from the table: --to, --chunk, --rate, --step-fd,
 * --batch. */
static void program_argv(struct run *r, char *argv[14], char *bin, size_t len,
			 char *chunk, char *rate, char *step)
{
	static char batch[16];
	const struct run_config *cfg = r->cfg;
	int n = 0;

	snprintf(bin, len, "%s/%s", r->bindir, cfg->demo->program);
	snprintf(chunk, 32, "%" PRIu64, cfg->chunk);
	argv[n++] = bin;
	argv[n++] = "--to";
	argv[n++] = r->dest;
	argv[n++] = "--chunk";
	argv[n++] = chunk;
	if (cfg->rate > 0) {
		snprintf(rate, 32, "%g", cfg->rate);
		argv[n++] = "--rate";
		argv[n++] = rate;
	}
	if (cfg->stepped) {
		snprintf(step, 8, "%d", STEP_FD);
		argv[n++] = "--step-fd";
		argv[n++] = step;
	}
	if (cfg->batch && cfg->demo->batches) {
		snprintf(batch, sizeof(batch), "%u", cfg->batch);
		argv[n++] = "--batch";
		argv[n++] = batch;
	}
	argv[n++] = (char *)cfg->file;
	argv[n] = NULL;
}

static int demo_start(struct run *r)
{
	const struct run_config *cfg = r->cfg;
	char bin[PATH_MAX + 32], chunk[32], rate[32], step[8];
	char *table_argv[14], **argv = table_argv, **cmd = NULL;
	int pipefd[2] = { -1, -1 }, rc = -1;

	if (cfg->command) {
		if (!(argv = cmd =
			      argv_expand(cfg->command, r->dest, cfg->file)))
			goto fail;
		setenv("ZC_SINK", r->dest, 1);
		setenv("ZC_FILE", cfg->file, 1);
	} else {
		program_argv(r, table_argv, bin, sizeof(bin), chunk, rate,
			     step);
		if (cfg->stepped && pipe2(pipefd, O_CLOEXEC))
			goto fail;
	}
	rc = access(argv[0], X_OK) ||
	     child_spawn(&r->demo, r->tx_ns, SPAWN_GATED | SPAWN_DIE_WITH_US,
			 pipefd[0], argv);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	r->step = pipefd[1];
fail:
	unsetenv("ZC_SINK");
	unsetenv("ZC_FILE");
	if (!rc) {
		argv_free(cmd);
		return 0;
	}
	snprintf(r->res->why, sizeof(r->res->why), "cannot start %s: %s%s",
		 argv ? argv[0] : cfg->command[0], strerror(errno),
		 cfg->command ? "" : "; run make first");
	argv_free(cmd);
	return ZC_EXIT_ENV;
}

static int trace_begin(struct run *r)
{
	const struct run_config *cfg = r->cfg;
	struct run_result *res = r->res;
	struct trace_target tg = {
		.sender = r->demo.pid,
		.sink = r->sink.pid > 0 ? r->sink.pid : 0,
		.port = r->port,
		.events = r->c->event != NULL,
		.step_fd = cfg->stepped ? STEP_FD : -1,
		/* a JVM moves data from a thread of its own; a command, who
		 * knows: only the C demos are known to have one thread */
		.many_threads = cfg->command || cfg->demo->java_class,
		/* a command may send pinned pages too: follow them */
		.zc_frags = cfg->command || cfg->demo->pins_user_pages,
		/* a receiver that maps: what the pages it gets allow */
		.rx_pages = cfg->recv == ZC_RECV_MMAP,
		/* and on several sockets: each flow on its own */
		.flow_nets = cfg->command != NULL,
		/* for make bench: the kernel's counts of our programs */
		.stats = getenv("ZCVIZ_STATS") != NULL,
		.baseline = getenv("ZCVIZ_BASELINE") != NULL,
	};
	struct stat sb;

	if (stat(cfg->file, &sb)) {
		snprintf(res->why, sizeof(res->why), "cannot stat '%s': %s",
			 cfg->file, strerror(errno));
		return ZC_EXIT_USAGE;
	}
	tg.file_ino = sb.st_ino;
	/* the kernel's dev_t (MAJOR << 20 | MINOR), not stat's encoding */
	tg.file_kdev = major(sb.st_dev) << 20 | minor(sb.st_dev);
	tg.ifindex = ifindex_in(r->tx_ns, res->egress);
	tg.netns = netns_inode(r->tx_ns);
	witness_dev_read(r->tx_ns, res->egress, &r->dev0);
	/* before the demo connects: its socket's end is then heard */
	r->witness = witness_open(r->tx_ns, res->why, sizeof(res->why));
	res->why[0] = '\0'; /* without it, TCP's count is only not known */
	ever_bpf = true;
	r->trace = trace_start(&tg, r->c->event, r->c->ctx, res->why,
			       sizeof(res->why));
	if (!r->trace)
		return ZC_EXIT_ENV;
	res->in.missing = trace_missing(r->trace);
	return 0;
}

/* Opens the gate: the demo exec()s, under the instrument from its start. */
static int gate_open(struct run *r)
{
	int ok;

	ok = write(r->demo.gate, "g", 1) == 1;

	close(r->demo.gate);
	r->demo.gate = -1;
	if (!ok)
		snprintf(r->res->why, sizeof(r->res->why),
			 "the demo did not start");
	return ok ? 0 : ZC_EXIT_FAIL;
}

/* Where the demo sends: the lab, or --to HOST:PORT. */
static int path_up(struct run *r)
{
	const struct run_config *cfg = r->cfg;
	struct run_result *res = r->res;
	int rc;

	if (cfg->to) {
		res->remote = true;
		snprintf(r->dest, sizeof(r->dest), "%s", cfg->to);
		rc = remote_egress(cfg->to, res->egress, sizeof(res->egress),
				   res->why, sizeof(res->why));
		r->port = (uint16_t)atoi(strrchr(cfg->to, ':') + 1);
		res->in.sg = zc_dev_sg(res->egress) == 1;
		/* a zc-sink on this machine, by loopback, is a local socket */
		res->in.local = !strcmp(res->egress, "lo");
		return rc;
	}
	res->in.local = true; /* the lab's receiver is a socket here */
	res->in.rx_ours = true; /* and our zc-sink */
	res->mtu = zc_receivers[cfg->recv].page_mtu ? ZC_PAGE_MTU : LAB_MTU;
	rc = lab_up(&r->lab, r->bindir, res->in.sg, res->mtu, cfg->verbose,
		    res->why, sizeof(res->why));
	if (rc)
		return rc;
	r->tx_ns = r->lab.tx_ns;
	r->rx_ns = r->lab.rx_ns;
	snprintf(res->egress, sizeof(res->egress), "%s", r->lab.tx_dev);
	return sink_start(r);
}

static struct run *run_new(const struct run_config *cfg, struct run_result *res,
			   const struct run_consumer *c)
{
	struct run *r = calloc(1, sizeof(*r));

	memset(res, 0, sizeof(*res));
	if (!r) {
		snprintf(res->why, sizeof(res->why), "out of memory");
		return NULL;
	}
	r->cfg = cfg;
	r->c = c;
	r->res = res;
	r->sink = r->demo = (struct child){ -1, -1, -1, -1 };
	r->step = -1;
	res->in.demo = cfg->demo;
	res->in.sg = cfg->sg < 0 ? cfg->demo->sg : cfg->sg;
	return r;
}

/* The file as the run found it: its size, from now on the file's. */
static int file_size(struct run *r)
{
	struct stat sb;

	if (stat(r->cfg->file, &sb)) {
		snprintf(r->res->why, sizeof(r->res->why),
			 "cannot use '%s': %s", r->cfg->file, strerror(errno));
		return ZC_EXIT_USAGE;
	}
	r->res->in.file_bytes = sb.st_size;
	return 0;
}

/*
 * A demo that needs more than this machine may have (a Java demo: a JVM
 * and its classes) is asked first, before a lab goes up for nothing: its
 * program's --check says in one line what to install.
 */
static int demo_ready(struct run *r)
{
	const struct zc_demo *d = r->cfg->demo;
	char bin[PATH_MAX + 32], out[64], err[512];
	char *argv[] = { bin, "--check", NULL };
	const char *why = err;
	size_t plen = strlen(d->program);

	if (r->cfg->command || !zc_demo_may_lack(d))
		return 0;
	snprintf(bin, sizeof(bin), "%s/%s", r->bindir, d->program);
	if (!cmd_run(argv, out, sizeof(out), false, err, sizeof(err)))
		return 0;
	err[strcspn(err, "\n")] = '\0';
	if (!strncmp(err, d->program, plen) && !strncmp(err + plen, ": ", 2))
		why += plen + 2;
	snprintf(r->res->why, sizeof(r->res->why), "%s: %s", d->name,
		 *why ? why : "cannot run its program: run make first");
	return ZC_EXIT_ENV;
}

static int file_warm_or_cold(struct run *r)
{
	return sample_cache(r->cfg->file, r->cfg->cold, r->res);
}

struct run *run_start(const struct run_config *cfg, struct run_result *res,
		      const struct run_consumer *c, int *rc)
{
	/* in order; a signal stops the next step from starting */
	static int (*const steps[])(struct run *) = {
		file_size,  demo_ready,	 path_up,   file_warm_or_cold,
		demo_start, trace_begin, gate_open,
	};
	struct run *r = run_new(cfg, res, c);
	size_t i;

	if (c->begin)
		c->begin(c->ctx, cfg);
	*rc = r ? 0 : ZC_EXIT_ENV;
	if (r && paths_programs(r->bindir, sizeof(r->bindir))) {
		snprintf(res->why, sizeof(res->why),
			 "cannot find where zcviz is installed");
		*rc = ZC_EXIT_ENV;
	}
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]) && !*rc; i++)
		*rc = stop_signal ? -1 : steps[i](r);
	if (*rc && stop_signal) { /* whatever failed, a signal came first */
		snprintf(res->why, sizeof(res->why), "interrupted");
		*rc = 128 + stop_signal;
	}
	if (*rc) {
		run_abort(r);
		return NULL;
	}
	return r;
}

static int run_tick(struct run *r, int ms)
{
	struct rusage ru;

	if (stop_signal || run_output_gone())
		return -1;
	if (r->demo.pid < 0)
		return 1;
	trace_poll(r->trace, ms);
	if (wait4(r->demo.pid, &r->status, WNOHANG, &ru) != r->demo.pid)
		return 0;
	r->demo.pid = -1;
	r->res->in.rusage_user_ns = ru.ru_utime.tv_sec * 1000000000ULL +
				    ru.ru_utime.tv_usec * 1000ULL;
	r->res->in.rusage_sys_ns = ru.ru_stime.tv_sec * 1000000000ULL +
				   ru.ru_stime.tv_usec * 1000ULL;
	return 1;
}

void run_grant(struct run *r, int n)
{
	static const char tokens[64];

	while (r->step >= 0 && n > 0) {
		int k = n < (int)sizeof(tokens) ? n : (int)sizeof(tokens);

		if (write(r->step, tokens, k) != k)
			break;
		n -= k;
	}
}

void run_unleash(struct run *r)
{
	/* EOF on the handshake: the demo runs freely from now on */
	if (r->step >= 0)
		close(r->step);
	r->step = -1;
}

/* The sink exits once it has answered; give it a few seconds. */
static int sink_wait(struct run *r)
{
	int i, status;

	for (i = 0; r->sink.pid > 0 && i < SINK_WAIT_MS / 10; i++) {
		if (stop_signal)
			return 128 + stop_signal;
		trace_poll(r->trace, 10);
		if (waitpid(r->sink.pid, &status, WNOHANG) == r->sink.pid)
			r->sink.pid = -1;
	}
	fd_line(r->sink.out, r->res->sink_line, sizeof(r->res->sink_line), 100);
	return 0;
}

/*
 * Our counters and the device's own, as of one moment: the connection's
 * last packets (an ACK of the sink's FIN) may leave while we read, so the
 * device's are read before and after ours, until no packet came between
 * (a few tries, 10 ms apart).
 */
static void counts_with_device(struct run *r)
{
	struct run_result *res = r->res;
	struct witness_dev before, after = r->dev0;
	uint64_t *u = res->in.counts.u;

	for (int i = 0; i < 10; i++) {
		witness_dev_read(r->tx_ns, res->egress, &before);
		trace_read(r->trace, &res->in.counts);
		witness_dev_read(r->tx_ns, res->egress, &after);
		if (before.tx_packets == after.tx_packets &&
		    before.tx_dropped == after.tx_dropped)
			break;
		usleep(10000);
	}
	u[ZC_U_DEV_TX_PACKETS] = after.tx_packets - r->dev0.tx_packets;
	u[ZC_U_DEV_TX_DROPPED] = after.tx_dropped - r->dev0.tx_dropped;
}

/*
 * TCP's own count of the flow, from its socket's end (the sender has
 * exited, so it has ended or is about to): the witness the device's
 * figures are held against (witness.h).
 */
static void counts_with_tcp(struct run *r)
{
	uint64_t *u = r->res->in.counts.u;
	struct witness_tcp t;

	witness_tcp_read(r->witness, r->port, WITNESS_WAIT_MS, &t);
	u[ZC_U_TCP_SOCKETS] = t.sockets;
	u[ZC_U_TCP_BYTES_SENT] = t.sockets ? t.bytes_sent : 0;
	u[ZC_U_TCP_BYTES_RETRANS] = t.sockets ? t.bytes_retrans : 0;
	u[ZC_U_INIT_GATE] = trace_init_gate() > 0;
}

static int verdict(struct run *r)
{
	struct run_result *res = r->res;
	char err[512] = "";

	fd_line(r->demo.out, res->sender_line, sizeof(res->sender_line), 1000);
	/* a zero-copy sender relays the kernel's answers in its summary */
	res->in.done_known =
		!zc_completions_parse(res->sender_line, &res->in.done);
	fd_slurp(r->demo.err, err, sizeof(err), 100, false);
	trace_poll(r->trace, 0);
	counts_with_device(r);
	counts_with_tcp(r);
	trace_read_programs(r->trace, &res->in.counts);
	if (r->cfg->command) /* its flows and its file, each with a verdict */
		trace_read_slots(r->trace, res->flows, res->files);
	if (getenv("ZCVIZ_STATS") || getenv("ZCVIZ_BASELINE"))
		res->nhooks =
			trace_read_hooks(r->trace, res->hooks, TRACE_MAX_HOOKS);
	if (!WIFEXITED(r->status) || WEXITSTATUS(r->status)) {
		err[strcspn(err, "\n")] = '\0';
		snprintf(res->why, sizeof(res->why), "%s",
			 err[0] ? err : "the demo failed");
		return ZC_EXIT_FAIL;
	}
	/* the sender checked the receiver's answer; ours we check too */
	if (r->cfg->command) {
		res->verified =
			verify_file(res->sink_line, r->cfg->file, &res->unread);
		if (!res->verified && !res->sink_line[0])
			snprintf(
				res->why, sizeof(res->why), "%s",
				"the receiver got nothing: does the command send {file} to {sink}?");
		else if (!res->verified)
			snprintf(res->why, sizeof(res->why),
				 "the receiver did not get the file: '%s'",
				 res->sink_line);
		return res->verified ? 0 : ZC_EXIT_FAIL;
	}
	res->verified =
		(strstr(res->sender_line, "; receiver agrees") ||
		 strstr(res->sender_line, "; receiver counted, unread")) &&
		(res->remote ||
		 verify_lines(res->sender_line, res->sink_line, &res->unread));
	if (!res->verified) {
		snprintf(res->why, sizeof(res->why),
			 "sender and receiver disagree: '%s' / '%s'",
			 res->sender_line, res->sink_line);
		return ZC_EXIT_FAIL;
	}
	return 0;
}

void run_abort(struct run *r)
{
	if (!r)
		return;
	if (r->step >= 0)
		close(r->step);
	trace_stop(r->trace);
	witness_close(r->witness);
	child_end(&r->demo);
	child_end(&r->sink);
	sample_receive_drop(r->recv_dir);
	lab_down(&r->lab, r->bindir, r->cfg->verbose);
	free(r);
}

int run_finish(struct run *r)
{
	const struct run_consumer *c = r->c;
	int rc = sink_wait(r);

	if (!rc)
		rc = verdict(r);
	/* stopped before the verdict: no run to tell of */
	if (c->end && !stop_signal)
		c->end(c->ctx, r->cfg, r->res, rc);
	run_abort(r);
	return rc;
}

int run_step(struct run *r)
{
	const struct run_consumer *c = r->c;
	struct zc_counts counts = { 0 }; /* user space's counters: at the end */
	int t;

	if (c->grant)
		run_grant(r, c->grant(c->ctx));
	t = run_tick(r, c->ms > 0 ? c->ms : 50);
	if (t >= 0 && c->counts) {
		trace_read(r->trace, &counts);
		c->counts(c->ctx, &counts);
	}
	return t;
}

int run_demo(const struct run_config *cfg, struct run_result *res,
	     const struct run_consumer *c)
{
	static const struct run_consumer nobody = { .ms = 50 };
	struct run *r;
	int rc, t;

	if (!c)
		c = &nobody;
	r = run_start(cfg, res, c, &rc);
	if (!r)
		return rc;
	while (!(t = run_step(r)))
		;
	if (t < 0) {
		snprintf(res->why, sizeof(res->why), "interrupted");
		run_abort(r);
		return 128 + stop_signal;
	}
	return run_finish(r);
}
