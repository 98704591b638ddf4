/*
 * Shared plumbing for the zerocopy-lab demos. See common.h.
 */
#include "common.h"
#include "file.h"
#include "../lib/demos.h"
#include "../lib/summary.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_CHUNK (128 * 1024)
#define MAX_CHUNK (1ULL << 30)

/* ---- the step handshake and pacing ------------------------------------ */

void zc_step(struct zc_run *run)
{
	char c;
	ssize_t n;

	if (run->step_fd < 0)
		return;
	do
		n = read(run->step_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0) /* EOF: the controller let go, run freely */
		run->step_fd = -1;
}

void zc_pace(struct zc_run *run, size_t bytes)
{
	uint64_t due_ns;
	struct timespec ts;

	(void)bytes; /* run->sent already counts them */
	if (run->rate <= 0)
		return;
	due_ns = run->start_ns + (uint64_t)(run->sent / run->rate * 1e9);
	if (due_ns <= zc_now_ns())
		return;
	ts.tv_sec = due_ns / 1000000000ULL;
	ts.tv_nsec = due_ns % 1000000000ULL;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/* ---- errors ------------------------------------------------------------ */

int zc_fail(struct zc_run *run, const char *call)
{
	int err = errno;

	if (err == EPIPE || err == ECONNRESET)
		fprintf(stderr,
			"%s: the receiver closed the connection after %" PRIu64
			" of %" PRIu64
			" bytes (%s); check that zc-sink is still running\n",
			run->prog, run->sent, run->size, strerror(err));
	else
		fprintf(stderr,
			"%s: %s() failed after %" PRIu64 " of %" PRIu64
			" bytes: %s\n",
			run->prog, call, run->sent, run->size, strerror(err));
	return -1;
}

int zc_fail_shrunk(struct zc_run *run)
{
	fprintf(stderr,
		"%s: '%s' got shorter while it was being sent (%" PRIu64
		" of %" PRIu64
		" bytes sent); do not change the file during a run\n",
		run->prog, run->path, run->sent, run->size);
	return -1;
}

int zc_write_all(struct zc_run *run, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		zc_step(run);
		n = write(run->sock_fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			/* write() from a mapping past the end of a shrunk file */
			if (errno == EFAULT)
				return zc_fail_shrunk(run);
			return zc_fail(run, "write");
		}
		run->calls++;
		run->sent += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* ---- the ledger of zero-copy sends ------------------------------------ */

struct zc_ledger {
	struct {
		uint64_t bytes : 63;
		uint64_t answered : 1;
	} * send; /* by number */
	uint64_t n, cap; /* sends made, room for them */
	uint64_t answered;
};

long zc_ledger_add(struct zc_run *run, uint64_t bytes)
{
	struct zc_ledger *l = run->ledger;
	void *more;

	if (!l && !(l = run->ledger = calloc(1, sizeof(*l))))
		return zc_fail(run, "calloc");
	if (l->n == l->cap) {
		more = realloc(l->send,
			       (l->cap ? 2 * l->cap : 1024) * sizeof(*l->send));
		if (!more)
			return zc_fail(run, "realloc");
		l->send = more;
		l->cap = l->cap ? 2 * l->cap : 1024;
	}
	l->send[l->n].bytes = bytes;
	l->send[l->n].answered = 0;
	return (long)l->n++;
}

/* Send i is answered for: by the kernel (counted), or by nobody. */
static void ledger_close(struct zc_run *run, uint64_t i, bool counted,
			 bool copied)
{
	struct zc_ledger *l = run->ledger;

	if (!l || i >= l->n || l->send[i].answered)
		return; /* not ours, or answered already */
	if (counted && copied)
		run->done.copied_bytes += l->send[i].bytes;
	else if (counted)
		run->done.zc_bytes += l->send[i].bytes;
	l->send[i].answered = 1;
	l->answered++;
}

void zc_ledger_answer(struct zc_run *run, uint32_t lo, uint32_t hi, bool copied)
{
	/* (numbers wrap at 2^32: no demo makes that many sends) */
	for (uint64_t i = lo; i <= hi; i++)
		ledger_close(run, i, true, copied);
}

void zc_ledger_amend(struct zc_run *run, uint32_t id, uint64_t bytes,
		     bool answer_coming)
{
	struct zc_ledger *l = run->ledger;

	if (l && id < l->n && !l->send[id].answered)
		l->send[id].bytes = bytes;
	if (!answer_coming)
		ledger_close(run, id, false, false);
}

uint64_t zc_ledger_open(const struct zc_run *run)
{
	return run->ledger ? run->ledger->n - run->ledger->answered : 0;
}

static void ledger_free(struct zc_run *run)
{
	if (run->ledger)
		free(run->ledger->send);
	free(run->ledger);
	run->ledger = NULL;
}

/* ---- the connection ---------------------------------------------------- */

/*
 * connect() that gives up after timeout_s: a host that drops SYNs would
 * otherwise keep us for the kernel's two minutes. 0, or -1 with errno
 * (ETIMEDOUT when nobody answered). The socket is blocking again after.
 */
static int connect_within(int fd, const struct sockaddr *sa, socklen_t len,
			  double timeout_s)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	uint64_t until = zc_now_ns() + (uint64_t)(timeout_s * 1e9), now;
	socklen_t elen = sizeof(int);
	int err = 0, n;

	if (!connect(fd, sa, len))
		return fcntl(fd, F_SETFL, 0);
	if (errno != EINPROGRESS)
		return -1;
	do {
		now = zc_now_ns();
		n = now >= until ?
			    0 :
			    poll(&p, 1, (int)((until - now) / 1000000) + 1);
	} while (n < 0 && errno == EINTR);
	if (n <= 0) {
		errno = n ? errno : ETIMEDOUT;
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) || err) {
		errno = err ? err : errno;
		return -1;
	}
	return fcntl(fd, F_SETFL, 0);
}

int zc_dest_resolve(const char *prog, const char *to, char *host, size_t hlen,
		    char *port, size_t plen, struct addrinfo **res)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	int rc;

	if (zc_split_hostport(prog, to, host, hlen, port, plen))
		return -1;
	if (!*host || !strcmp(port, "0")) {
		fprintf(stderr,
			"%s: '%s' needs a host and a port from 1 to 65535, e.g. 127.0.0.1:5201\n",
			prog, to);
		return -1;
	}
	rc = getaddrinfo(host, port, &hints, res);
	if (rc)
		fprintf(stderr,
			"%s: cannot resolve host '%s': %s; check the name or use an IP address\n",
			prog, host, gai_strerror(rc));
	return rc ? -1 : 0;
}

/* Connects to HOST:PORT; returns the socket, or -1 with *exit_code set. */
static int sock_connect(const char *prog, const char *to, double timeout_s,
			int *exit_code)
{
	struct addrinfo *res, *ai;
	char host[256], port[8];
	int fd = -1, err = 0;

	*exit_code = ZC_EXIT_USAGE;
	if (zc_dest_resolve(prog, to, host, sizeof(host), port, sizeof(port),
			    &res))
		return -1;
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
			    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd >= 0 && connect_within(fd, ai->ai_addr, ai->ai_addrlen,
					      timeout_s)) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0 && err == ETIMEDOUT)
		fprintf(stderr,
			"%s: cannot connect to %s: no answer within %g s; is the host up, and zc-sink --listen %s running there? (--connect-timeout waits longer)\n",
			prog, to, timeout_s, to);
	else if (fd < 0)
		fprintf(stderr,
			"%s: cannot connect to %s: %s; is zc-sink --listen %s running?\n",
			prog, to, strerror(err), to);
	if (fd < 0)
		*exit_code = ZC_EXIT_FAIL;
	return fd;
}

/* ---- command line and main -------------------------------------------- */

static void usage(const struct zc_demo *d, FILE *out)
{
	fprintf(out,
		"Usage: %s --to HOST:PORT [--chunk BYTES] [--rate MBPS] FILE\n"
		"\n%s\n\n"
		"Options:\n"
		"  -t, --to HOST:PORT  where zc-sink --listen is waiting (required)\n"
		"  -c, --chunk BYTES   bytes per call; K, M and G suffixes (default 128K)\n"
		"  -r, --rate MBPS     pace the transfer to MBPS megabytes (10^6 bytes) a second\n"
		"      --connect-timeout SECONDS\n"
		"                      give up connecting after SECONDS (default 5)\n"
		"      --reply-timeout SECONDS\n"
		"                      wait SECONDS for the receiver's answer once all\n"
		"                      is sent (whole seconds; default " ZC_STR(
			ZC_REPLY_WAIT_S) ")\n"
		"      --step-fd FD    read one byte from FD before each syscall (zcviz --step)\n"
		"%s"
		"  -h, --help          show this help and exit\n"
		"  -V, --version       show the version and exit\n"
		"\nExample:\n"
		"  zc-sink --listen 127.0.0.1:5201 --once &\n"
		"  %s --to 127.0.0.1:5201 --chunk 64K build/sample-64M.bin\n"
		"\nThe summary gives the bytes sent and their XXH3 checksum; zc-sink prints the\n"
		"same two for what it received, so the two lines must agree.\n"
		"Exit status: 0 sent and confirmed, 1 the transfer failed (no connection\n"
		"within the timeout, the receiver gone or silent) or the receiver disagrees,\n"
		"2 bad usage or input.\n",
		d->program, d->what,
		d->batches ?
			"  -b, --batch N       submit N chunks per syscall (default 1)\n" :
			"",
		d->program);
}

static int bad_usage(const char *prog, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "; see %s --help\n", prog);
	return -1;
}

static const struct option longopts[] = {
	{ "to", required_argument, NULL, 't' },
	{ "chunk", required_argument, NULL, 'c' },
	{ "rate", required_argument, NULL, 'r' },
	{ "connect-timeout", required_argument, NULL, 'T' },
	{ "reply-timeout", required_argument, NULL, 'W' },
	{ "step-fd", required_argument, NULL, 'S' },
	{ "batch", required_argument, NULL, 'b' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 }
};

/* --batch N: for a demo that submits several chunks per syscall. */
static int batch_parse(const struct zc_demo *d, struct zc_sender_opts *o)
{
	char *end;
	long n = strtol(optarg, &end, 10);

	if (!d->batches)
		return bad_usage(
			d->program,
			"--batch is for a demo that submits several chunks per syscall, and this one makes a syscall per chunk (--batch '%s')",
			optarg);
	if (*end || end == optarg || n < 1 || n > ZC_MAX_BATCH)
		return bad_usage(
			d->program,
			"--batch must be a number of chunks from 1 to " ZC_STR(
				ZC_MAX_BATCH) ", not '%s'",
			optarg);
	o->batch = n;
	return 0;
}

/* An option with a value (c, optarg): 0, or -1 after saying what is wrong. */
static int opt_value(const struct zc_demo *d, int c, struct zc_sender_opts *o)
{
	char *end;

	switch (c) {
	case 't':
		o->to = optarg;
		return 0;
	case 'c':
		if (zc_parse_size(optarg, &o->chunk) || !o->chunk ||
		    o->chunk > MAX_CHUNK)
			return bad_usage(
				d->program,
				"--chunk must be a size from 1 to 1G, like 4096, 64K or 1M, not '%s'",
				optarg);
		return 0;
	case 'r':
		if (zc_parse_rate(optarg, &o->rate_mbps))
			return bad_usage(d->program, ZC_RATE_USAGE, optarg);
		return 0;
	case 'T':
		if (zc_parse_seconds(optarg, &o->connect_s))
			return bad_usage(
				d->program,
				"--connect-timeout must be a number of seconds from 0.001 to 86400, not '%s'",
				optarg);
		return 0;
	case 'W':
		o->reply_s = strtoul(optarg, &end, 10);
		if (*end || end == optarg || *optarg == '-' || !o->reply_s ||
		    o->reply_s > 86400)
			return bad_usage(
				d->program,
				"--reply-timeout must be whole seconds from 1 to 86400, not '%s'",
				optarg);
		return 0;
	}
	if (c == 'b')
		return batch_parse(d, o);
	/* 'S' */
	o->step_fd = strtol(optarg, &end, 10);
	if (*end || end == optarg || o->step_fd < 0 ||
	    fcntl(o->step_fd, F_GETFD) < 0)
		return bad_usage(
			d->program,
			"--step-fd needs an open file descriptor, not '%s'",
			optarg);
	return 0;
}

int zc_sender_opts_parse(int argc, char **argv, const struct zc_demo *d,
			 struct zc_sender_opts *o)
{
	int c;

	*o = (struct zc_sender_opts){ .chunk = DEFAULT_CHUNK,
				      .connect_s = ZC_CONNECT_TIMEOUT_S,
				      .reply_s = ZC_REPLY_WAIT_S,
				      .step_fd = -1 };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":t:c:r:b:hV", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'h':
			usage(d, stdout);
			return 1;
		case 'V':
			printf("%s %s\n", d->program, ZC_VERSION);
			return 1;
		case ':':
			return bad_usage(d->program, "%s needs a value",
					 argv[optind - 1]);
		case 't':
		case 'c':
		case 'r':
		case 'T':
		case 'W':
		case 'S':
		case 'b':
			if (opt_value(d, c, o))
				return -1;
			break;
		default:
			return bad_usage(d->program, "unknown option '%s'",
					 argv[optind - 1]);
		}
	}
	if (!o->to)
		return bad_usage(d->program, "%s",
				 "--to HOST:PORT is required");
	if (optind != argc - 1)
		return bad_usage(d->program, "%s",
				 optind == argc ?
					 "give the FILE to send" :
					 "give exactly one FILE to send");
	o->file = argv[optind];
	return 0;
}

/*
 * After our shutdown(SHUT_WR), zc-sink answers with one line, "received N
 * bytes xxh3=X", and closes; reply gets what the receiver said (maybe
 * nothing). 0 when it closed, or the errno that ended the reading (a
 * reset: the receiver went away without reading all we sent).
 */
static int receiver_reply(const struct zc_run *run, char *reply, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int err = 0;

	while (got < len - 1) {
		n = read(run->sock_fd, reply + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n ? errno : 0;
			break;
		}
		got += n;
	}
	reply[got] = '\0';
	return err;
}

/*
 * No verdict: whatever the receiver is, nothing says that the bytes
 * arrived, and a transfer nobody confirms has failed (README: a receiver
 * gone, no answer, is exit status 1). Says which way it went; -1.
 */
static int receiver_unconfirmed(const struct zc_run *run, const char *reply)
{
	if (run->reply_error)
		fprintf(stderr,
			"%s: the receiver did not confirm the %" PRIu64
			" bytes we sent (%s): it was killed, failed or hung before it took them all, or closed without reading them; nothing says they arrived\n",
			run->prog, run->sent, run->reply_error);
	else if (!*reply)
		fprintf(stderr,
			"%s: the receiver closed the connection without confirming the %" PRIu64
			" bytes we sent: it is not zc-sink, or it failed; nothing says they arrived\n",
			run->prog, run->sent);
	else
		fprintf(stderr,
			"%s: the receiver answered '%.*s', not zc-sink's \"" ZC_RECEIVED
			" N bytes " ZC_SUM_WORD
			"=X\": nothing says the %" PRIu64
			" bytes we sent arrived\n",
			run->prog, (int)strcspn(reply, "\r\n"), reply,
			run->sent);
	return -1;
}

/* Did the receiver get what we sent? */
enum verdict {
	V_UNCONFIRMED = -1, /* it disagrees, or did not say */
	V_AGREES = 1, /* its bytes and checksum are ours */
	V_COUNTED, /* it counted our bytes, but never read them (unread) */
};

/* The reply held against what we sent; after saying why, when it is not. */
static enum verdict receiver_verdict(const struct zc_run *run,
				     const char *reply, uint64_t sum)
{
	uint64_t bytes, rsum = sum;
	int unread = zc_summary_parse(reply, ZC_RECEIVED, &bytes, &rsum);

	if (unread < 0)
		return receiver_unconfirmed(run, reply);
	if (bytes == run->sent && rsum == sum)
		return unread ? V_COUNTED : V_AGREES;
	fprintf(stderr,
		"%s: the receiver got %" PRIu64 " bytes " ZC_SUM_WORD
		"=%016" PRIx64 ", but we sent %" PRIu64 " bytes " ZC_SUM_WORD
		"=%016" PRIx64 "\n",
		run->prog, bytes, rsum, run->sent, sum);
	return V_UNCONFIRMED;
}

static const char *verdict_words(enum verdict v)
{
	if (v == V_AGREES)
		return "receiver agrees";
	if (v == V_COUNTED)
		return "receiver counted, unread";
	return "receiver unconfirmed";
}

static void summary_print(const struct zc_demo *d, const struct zc_run *run,
			  uint64_t sum, uint64_t ns, enum verdict verdict,
			  const char *dev)
{
	char rate[64], said[96], done[160] = "";
	int sg = zc_dev_sg(dev);

	zc_print_rate(rate, sizeof(rate), run->sent, ns);
	zc_summary_format(said, sizeof(said), ZC_SENT, run->sent, sum);
	/* the kernel's answers, relayed: zcviz reads them from this line */
	if (run->zero_copy) {
		strcpy(done, "; ");
		zc_completions_format(done + 2, sizeof(done) - 2, &run->done);
	}
	printf("%s: %s in %s, cpu %.1f ms; %" PRIu64
	       " %s calls, chunk %zu; egress %s, scatter-gather %s%s; %s\n",
	       d->program, said, rate, run->cpu_ms, run->calls, d->counted,
	       run->chunk, dev,
	       sg < 0 ? "unknown" :
	       sg     ? "on" :
			"off",
	       done, verdict_words(verdict));
	if (d->wants_gather && sg == 0)
		fprintf(stderr,
			"%s: warning: %s cannot gather (scatter-gather off): the kernel must copy every byte when it cuts the segments, which is the sendfile demo, not DMA gather\n",
			d->program, dev);
}

int zc_sender_summary(const struct zc_demo *d, struct zc_run *run, uint64_t ns,
		      const char *reply, const char *dev)
{
	uint64_t sum;
	enum verdict verdict;

	if (checksum_finish(run, &sum)) {
		fprintf(stderr, "%s: cannot compute the checksum of '%s'\n",
			d->program, run->path);
		return ZC_EXIT_FAIL;
	}
	verdict = receiver_verdict(run, reply, sum);
	summary_print(d, run, sum, ns, verdict, dev);
	return verdict > 0 ? ZC_EXIT_OK : ZC_EXIT_FAIL;
}

static int transfer(const struct zc_demo *d, int (*send)(struct zc_run *),
		    struct zc_run *run)
{
	char dev[IF_NAMESIZE], reply[128];
	static char waited[48];
	uint64_t ns;
	int rc, err;

	/* the egress device, asked while the connection is surely up */
	zc_sock_egress(run->sock_fd, dev, sizeof(dev));
	checksum_start(run);
	run->start_ns = zc_now_ns();
	rc = send(run);
	if (rc)
		return rc > 0 ? rc : ZC_EXIT_FAIL;
	ns = zc_now_ns() - run->start_ns;
	run->cpu_ms =
		zc_cpu_ms(); /* the whole process so far: the checksum is not */
	if (run->sent != run->size)
		return zc_fail_shrunk(run), ZC_EXIT_FAIL;
	/* end of file: the receiver sees EOF and answers with its verdict,
	 * at once; one that never does must not hold us for ever */
	shutdown(run->sock_fd, SHUT_WR);
	setsockopt(run->sock_fd, SOL_SOCKET, SO_RCVTIMEO,
		   &(struct timeval){ .tv_sec = run->reply_s },
		   sizeof(struct timeval));
	err = receiver_reply(run, reply, sizeof(reply));
	snprintf(waited, sizeof(waited), "no answer within %u s",
		 run->reply_s);
	run->reply_error = err == EAGAIN ? waited :
			   err		 ? strerror(err) :
					   NULL;
	return zc_sender_summary(d, run, ns, reply, dev);
}

int zc_sender_main(int argc, char **argv, const char *program,
		   int (*send)(struct zc_run *run))
{
	return zc_sender_main_ready(argc, argv, program, send, NULL);
}

int zc_sender_main_ready(int argc, char **argv, const char *program,
			 int (*send)(struct zc_run *run),
			 int (*ready)(const char *prog))
{
	const struct zc_demo *d = zc_demo_of_program(program);
	struct zc_sender_opts o;
	struct zc_run run = { .prog = program, .file_fd = -1, .sock_fd = -1 };
	int rc, code;

	if (!d) {
		fprintf(stderr, "%s: no row in the demo table (lib/demos.c)\n",
			program);
		return ZC_EXIT_ENV;
	}
	/* zcviz asks before it sets a lab up: can this machine run it? */
	if (argc == 3 && !strcmp(argv[1], CHECKSUM_CHILD))
		return checksum_child(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "--check"))
		return ready ? ready(program) : ZC_EXIT_OK;

	rc = zc_sender_opts_parse(argc, argv, d, &o);
	if (rc)
		return rc > 0 ? ZC_EXIT_OK : ZC_EXIT_USAGE;
	if (ready && (rc = ready(program)))
		return rc;
	/* a receiver that goes away must be an error message, not a signal */
	signal(SIGPIPE, SIG_IGN);
	run.path = o.file;
	run.chunk = o.chunk;
	run.step_fd = o.step_fd;
	run.reply_s = o.reply_s;
	run.rate = o.rate_mbps * 1e6;
	run.batch = o.batch ? o.batch : 1;
	code = ZC_EXIT_USAGE;
	run.file_fd = zc_file_open(d->program, o.file, &run.size);
	if (run.file_fd < 0)
		goto cleanup;
	run.sock_fd = sock_connect(d->program, o.to, o.connect_s, &code);
	if (run.sock_fd < 0)
		goto cleanup;
	code = transfer(d, send, &run);
cleanup:
	checksum_stop(&run);
	if (run.sock_fd >= 0)
		close(run.sock_fd);
	if (run.file_fd >= 0)
		close(run.file_fd);
	ledger_free(&run);
	return code;
}
