/*
 * zc-sink: the receiver. Accepts TCP connections, counts the bytes, keeps
 * a checksum (XXH3, 64 bits) of everything received and prints one line per
 * connection, so that it can be compared with the sender's summary.
 */
#include "../lib/net.h"
#include "../lib/summary.h"
#include "../lib/units.h"
#include "recv.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/sockios.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROG "zc-sink"

#define DEFAULT_IDLE_S 60
/*
 * Wake up to read once this much has arrived (SO_RCVLOWAT), or at the end:
 * one read of 256 KiB instead of four of 64 KiB halves the receiver's CPU
 * time here (a 200M file: 40 ms against 75), and each system call it saves
 * is one run fewer of zcviz's syscall programs.
 */
#define DEFAULT_WAKE (256 * 1024)
#define MAX_WAKE (16 << 20)
#define MAX_CONNS 16 /* served side by side */

struct sink_opts {
	const char *listen;
	int once;
	int trust_eof; /* EOF ends a transfer, without the verdict taken */
	double idle_s; /* 0: no limit */
	uint64_t wake; /* bytes; 1: every packet */
	enum zc_recv mode; /* --recv */
	const char *into; /* --recv splice FILE */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG
		" --listen ADDR:PORT [--once] [--idle-timeout S] [--wake BYTES]\n"
		"               [--trust-eof] [--recv MODE]\n"
		"\nReceive files sent by the zc-* demos and print, for each connection, the\n"
		"bytes received and their XXH3 checksum. At EOF it answers with the same\n"
		"two; a transfer is received once the sender's side took that answer: a\n"
		"sender killed mid-transfer, whose kernel ends the connection as at the end,\n"
		"refuses it, and its transfer is cut, a failure. Up to %d connections are\n"
		"served side by side; when all are taken, a new one takes the place of the\n"
		"one that has sent least for its time, so that no number of idle or slow\n"
		"connections keeps a sender out.\n\n"
		"Options:\n"
		"  -l, --listen ADDR:PORT  address to listen on; :PORT for every address, port 0\n"
		"                          for any free port (the port is printed on stderr)\n"
		"  -1, --once              exit after the first transfer (a connection that\n"
		"                          sends nothing and resets is not one)\n"
		"  -i, --idle-timeout SECONDS\n"
		"                          close a connection that sends nothing for SECONDS\n"
		"                          (default 60; 0: never); connections are served\n"
		"                          side by side, so an idle one holds up nobody\n"
		"  -w, --wake BYTES        read once BYTES have arrived, or at the end (K, M\n"
		"                          suffixes; default 256K; 1: as each packet comes;\n"
		"                          zcviz uses 1 for a run a lecture steps through)\n"
		"  -e, --trust-eof         take EOF for the end of the file, for senders that\n"
		"                          close without reading the answer (zcviz -- CMD, which\n"
		"                          checks the bytes against the file itself); a sender\n"
		"                          killed mid-transfer then looks received too\n"
		"  -r, --recv MODE         how to take the bytes out of the socket: copy\n"
		"                          (read() into a buffer; the default), mmap (the\n"
		"                          kernel maps whole pages into user memory:\n"
		"                          TCP_ZEROCOPY_RECEIVE; the rest is copied, and\n"
		"                          the line says how much of each), splice FILE\n"
		"                          (socket -> pipe -> FILE, then FILE's checksum;\n"
		"                          it takes FILE's name once complete), discard\n"
		"                          (MSG_TRUNC: counted, never read, so not\n"
		"                          checksummed: the answer says \"unread\");\n"
		"                          io-uring-zcrx and devmem need a NIC a veth lab\n"
		"                          lacks: refused, saying what they need\n"
		"  -h, --help              show this help and exit\n"
		"  -V, --version           show the version and exit\n"
		"\nExample:\n"
		"  " PROG " --listen 127.0.0.1:5201 --once &\n"
		"  zc-traditional --to 127.0.0.1:5201 build/sample-64M.bin\n"
		"  " PROG " --listen :5201 --once --recv splice /tmp/copy.bin\n"
		"\nExit status: 0 received, 1 a transfer failed, was cut or timed out (--once),\n"
		"2 bad usage or address, 3 a --recv that needs hardware this machine lacks.\n",
		MAX_CONNS);
}

/* --recv MODE, and splice's FILE, the next word: 0; or after saying why,
 * -1 (bad usage) or -2 (a receiver that needs what this machine lacks). */
static int recv_opt(int argc, char **argv, struct sink_opts *o)
{
	if (zc_receiver_find(optarg, &o->mode)) {
		fprintf(stderr,
			PROG ": --recv takes %s, not '%s'; see " PROG
			     " --help\n",
			zc_receiver_list(true), optarg);
		return -1;
	}
	if (zc_receivers[o->mode].needs) {
		fprintf(stderr, PROG ": --recv %s needs %s\n", optarg,
			zc_receivers[o->mode].needs);
		return -2;
	}
	if (o->mode != ZC_RECV_SPLICE)
		return 0;
	if (optind >= argc || !*argv[optind] || *argv[optind] == '-') {
		fprintf(stderr, PROG
			": --recv splice needs the FILE to write into (--recv splice FILE); see " PROG
			" --help\n");
		return -1;
	}
	o->into = argv[optind++];
	return 0;
}

/* An option with a value to check (c, optarg): 0, or -1 after saying why. */
static int opt_value(int c, struct sink_opts *o)
{
	if (c == 'i' && !strcmp(optarg, "0")) {
		o->idle_s = 0;
	} else if (c == 'i' && zc_parse_seconds(optarg, &o->idle_s)) {
		fprintf(stderr,
			PROG
			": --idle-timeout must be 0 (never) or seconds from 0.001 to 86400, not '%s'; see " PROG
			" --help\n",
			optarg);
		return -1;
	} else if (c == 'w' && (zc_parse_size(optarg, &o->wake) || !o->wake ||
				o->wake > MAX_WAKE)) {
		fprintf(stderr,
			PROG
			": --wake must be a number of bytes from 1 to 16M, not '%s'; see " PROG
			" --help\n",
			optarg);
		return -1;
	}
	return 0;
}

static int opts_parse(int argc, char **argv, struct sink_opts *o)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "once", no_argument, NULL, '1' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "wake", required_argument, NULL, 'w' },
		{ "trust-eof", no_argument, NULL, 'e' },
		{ "recv", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const char *bad = NULL;
	int c = 0;

	opterr = 0;
	while (!bad && (c = getopt_long(argc, argv, ":l:1i:w:er:hV", longopts,
					NULL)) != -1) {
		switch (c) {
		case 'l':
			o->listen = optarg;
			break;
		case '1':
			o->once = 1;
			break;
		case 'e':
			o->trust_eof = 1;
			break;
		case 'i':
		case 'w':
			if (opt_value(c, o))
				return -1;
			break;
		case 'r':
			c = recv_opt(argc, argv, o);
			if (c)
				return c;
			break;
		case 'h':
			usage(stdout);
			return 1;
		case 'V':
			printf(PROG " %s\n", ZC_VERSION);
			return 1;
		default:
			bad = argv[optind - 1];
		}
	}
	if (bad)
		fprintf(stderr, PROG ": %s '%s'; see " PROG " --help\n",
			c == ':' ? "missing value for" : "unknown option", bad);
	else if (!o->listen || optind != argc)
		fprintf(stderr, PROG ": %s; see " PROG " --help\n",
			o->listen ? "unexpected arguments" :
				    "--listen ADDR:PORT is required");
	else
		return 0;
	return -1;
}

/* Binds and listens; prints the address actually bound (port 0 picks one). */
static int sock_listen(const char *arg)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[256], port[8], shost[NI_MAXHOST], sport[NI_MAXSERV];
	int fd = -1, one = 1, rc;

	if (zc_split_hostport(PROG, arg, host, sizeof(host), port,
			      sizeof(port)))
		return -1;
	rc = getaddrinfo(*host ? host : NULL, port, &hints, &res);
	if (rc) {
		fprintf(stderr,
			PROG
			": cannot resolve '%s': %s; use an address of this machine\n",
			host, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) ||
	    listen(fd, SOMAXCONN) ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		fprintf(stderr, PROG ": cannot listen on %s: %s; %s\n", arg,
			strerror(errno),
			errno == EADDRINUSE ? "pick another port" :
					      "use an address of this machine");
		if (fd >= 0)
			close(fd);
		fd = -1;
	} else {
		getnameinfo((struct sockaddr *)&ss, sl, shost, sizeof(shost),
			    sport, sizeof(sport),
			    NI_NUMERICHOST | NI_NUMERICSERV);
		fprintf(stderr, PROG ": listening on %s:%s\n", shost, sport);
	}
	freeaddrinfo(res);
	return fd;
}

/*
 * Connections are served side by side, so that one that sends nothing
 * cannot hold up the next sender. Each one is:
 *
 *   RECEIVING --EOF--> the verdict sent back, then our FIN: ANSWERED
 *             \--every place taken, and it the slowest--> closed for a
 *                 new connection (conn_evict()), not counted
 *   ANSWERED --the peer's kernel acknowledged the verdict--> its line
 *                 printed: a transfer (of an empty file too)
 *            \--reset--> a cut transfer, counted as failed; having
 *                 received nothing, a stray connection, not a transfer
 *
 * The wire carries only the file, so EOF cannot tell its end from a
 * sender gone: a sender killed or failed mid-transfer is closed by its
 * kernel, which sends what it holds and a FIN, as a sender at the end
 * does. But a sender at the end only shut its writing side down and
 * reads the verdict, while a closed socket answers data with a reset.
 */
/* The acknowledgement comes a round trip after the verdict; the bound
 * lets a real network send it again a few times (200 ms, then doubling). */
#define VERDICT_WAIT_S 5
#define VERDICT_POLL_MS 10 /* an acknowledgement wakes no poll() */

enum conn_state { C_FREE, C_RECEIVING, C_ANSWERED };

struct conn {
	enum conn_state state;
	int fd;
	char peer[NI_MAXHOST + NI_MAXSERV + 4];
	struct recv_conn r; /* its bytes, taken --recv's way */
	uint64_t start_ns, last_ns;
	double cpu_ms;
	char line[PATH_MAX + 256]; /* held back until the peer took the verdict */
	bool refused; /* the verdict could not even be sent */
};

struct sink {
	int lfd;
	int once;
	int trust_eof; /* --trust-eof */
	int wake; /* SO_RCVLOWAT of each connection */
	enum zc_recv mode;
	const char *into; /* splice's FILE */
	uint64_t idle_ns; /* 0: wait for ever */
	struct conn c[MAX_CONNS];
	int done; /* transfers counted */
	int failed; /* of them */
};

static void conn_close(struct conn *c)
{
	recv_close(&c->r);
	close(c->fd);
	c->state = C_FREE;
}

/* A transfer ended: counted, and with --once the last one. */
static void conn_count(struct sink *k, struct conn *c, bool ok)
{
	k->done++;
	k->failed += !ok;
	conn_close(c);
}

/* A connection that sent nothing and went away: no transfer. */
static void conn_stray(struct conn *c, const char *what)
{
	fprintf(stderr,
		PROG
		": a connection from %s %s; it is not counted as a transfer\n",
		c->peer, what);
	conn_close(c);
}

static void conn_failed(struct sink *k, struct conn *c, const char *why)
{
	if (!c->r.bytes) {
		conn_stray(c, why);
		return;
	}
	fprintf(stderr,
		PROG ": the connection from %s failed after %" PRIu64
		     " bytes: %s\n",
		c->peer, c->r.bytes, why);
	conn_count(k, c, false);
}

/* EOF: the sender is done, or gone; answer with the verdict, and our FIN,
 * so that a sender at the end reads its EOF now, not once we know. */
static void conn_answer(struct sink *k, struct conn *c)
{
	char rate[64], verdict[96], said[PATH_MAX + 64];
	uint64_t sum = 0;
	int n, known = recv_finish(&c->r, &sum);

	if (known < 0) { /* splice: the file could not be checked */
		conn_failed(k, c, strerror(errno));
		return;
	}
	zc_print_rate(rate, sizeof(rate), c->r.bytes,
		      zc_now_ns() - c->start_ns);
	if (known)
		n = zc_summary_format(verdict, sizeof(verdict) - 1, ZC_RECEIVED,
				      c->r.bytes, sum);
	else
		n = zc_summary_format_unread(verdict, sizeof(verdict) - 1,
					     ZC_RECEIVED, c->r.bytes);
	recv_said(&c->r, said, sizeof(said));
	snprintf(c->line, sizeof(c->line),
		 PROG ": %s in %s, cpu %.1f ms, from %s%s\n", verdict, rate,
		 zc_cpu_ms() - c->cpu_ms, c->peer, said);
	verdict[n++] = '\n';
	c->refused = send(c->fd, verdict, n, MSG_NOSIGNAL) != n;
	shutdown(c->fd, SHUT_WR);
	c->state = C_ANSWERED;
	c->last_ns = zc_now_ns();
}

static void conn_read(struct sink *k, struct conn *c)
{
	ssize_t n = recv_take(&c->r);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n < 0) {
		conn_failed(k, c, strerror(errno));
		return;
	}
	if (!n) {
		conn_answer(k, c);
		return;
	}
	c->last_ns = zc_now_ns();
}

/*
 * Did the peer take the verdict? 1: its kernel acknowledged it, 0: not yet,
 * -1: it reset it. A reset when only our FIN (1) is left unacknowledged
 * is a sender that took the verdict, then went away: complete.
 */
static int verdict_taken(const struct conn *c)
{
	int err = 0, unacked = 1;
	socklen_t len = sizeof(err);

	if (c->refused || getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) ||
	    ioctl(c->fd, SIOCOUTQ, &unacked))
		return -1;
	if (unacked <= (err ? 1 : 0))
		return 1;
	return err ? -1 : 0;
}

#define VERDICT_CUT                                                           \
	"the sender went away without taking the verdict (killed, or failed " \
	"before its end): a cut transfer"
#define VERDICT_LATE                                                      \
	"the sender neither took the verdict nor refused it for " ZC_STR( \
		VERDICT_WAIT_S) " s: unconfirmed"

static void conn_check_answered(struct sink *k, struct conn *c, uint64_t now)
{
	int taken = verdict_taken(c);

	if ((taken > 0 || (k->trust_eof && c->r.bytes)) && recv_keep(&c->r)) {
		conn_failed(k, c, strerror(errno)); /* FILE's name is taken */
	} else if (taken > 0 || (k->trust_eof && c->r.bytes)) {
		fputs(c->line, stdout);
		fflush(stdout);
		conn_count(k, c, true);
	} else if (!taken &&
		   now - c->last_ns <= VERDICT_WAIT_S * 1000000000ULL) {
		return;
	} else if (!c->r.bytes) {
		conn_stray(c, taken ? "sent nothing and closed" :
				      "sent nothing and took no answer");
	} else {
		conn_failed(k, c, taken ? VERDICT_CUT : VERDICT_LATE);
	}
}

static void conn_check_idle(struct sink *k, struct conn *c, uint64_t now)
{
	char why[96];
	int queued = 0;

	if (!k->idle_ns || c->state != C_RECEIVING ||
	    now - c->last_ns <= k->idle_ns)
		return;
	/* bytes that came, fewer than --wake: the peer is slow, not idle */
	if (!ioctl(c->fd, SIOCINQ, &queued) && queued > 0) {
		conn_read(k, c);
		return;
	}
	snprintf(why, sizeof(why),
		 "nothing came for %g s (zc-sink --idle-timeout waits longer)",
		 k->idle_ns / 1e9);
	conn_failed(k, c, why);
}

/* What c has sent, read or waiting below --wake, a second, since it came;
 * a second more, so that a new connection is not judged on nothing. */
static double conn_rate(const struct conn *c, uint64_t now, uint64_t *got)
{
	int queued = 0;

	ioctl(c->fd, SIOCINQ, &queued);
	*got = c->r.bytes + (queued > 0 ? queued : 0);
	return *got / ((now - c->start_ns) / 1e9 + 1);
}

/*
 * Every place taken, and a new connection: the one receiving that has sent
 * least for its time makes room (among equals, the oldest), so that
 * connections that send nothing, or a byte now and then, however many,
 * cannot keep a sender out; a sender sends as soon as it is in. A place
 * with a verdict waiting is not taken away: it is free within seconds.
 */
static struct conn *conn_evict(struct sink *k, const char *for_peer)
{
	struct conn *c, *slowest = NULL;
	uint64_t now = zc_now_ns(), got, slowest_got = 0;
	double rate, slowest_rate = 0;

	for (c = k->c; c < k->c + MAX_CONNS; c++) {
		if (c->state != C_RECEIVING)
			continue;
		rate = conn_rate(c, now, &got);
		if (!slowest || rate < slowest_rate ||
		    (rate == slowest_rate && c->start_ns < slowest->start_ns)) {
			slowest = c;
			slowest_rate = rate;
			slowest_got = got;
		}
	}
	if (!slowest)
		return NULL;
	fprintf(stderr,
		PROG
		": all %d connections busy: closed the one from %s, the slowest (%" PRIu64
		" bytes in %.1f s), for a new one from %s; it is not counted as a transfer\n",
		MAX_CONNS, slowest->peer, slowest_got,
		(now - slowest->start_ns) / 1e9, for_peer);
	conn_close(slowest);
	return slowest;
}

static void conn_accept(struct sink *k)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[NI_MAXHOST], port[NI_MAXSERV], peer[sizeof(k->c[0].peer)];
	struct conn *c = NULL;
	int fd, i;

	fd = accept4(k->lfd, (struct sockaddr *)&ss, &sl,
		     SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return; /* EINTR, EAGAIN, or a connection reset meanwhile */
	getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host), port,
		    sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(peer, sizeof(peer), "%s:%s", host, port);
	for (i = 0; i < MAX_CONNS && !c; i++)
		if (k->c[i].state == C_FREE)
			c = &k->c[i];
	if (!c && !(c = conn_evict(k, peer))) { /* not polled for then */
		close(fd);
		return;
	}
	memset(c, 0, sizeof(*c));
	if (recv_open(&c->r, fd, k->mode, k->into)) {
		fprintf(stderr,
			PROG
			": cannot receive from %s with --recv %s: %s; it is not counted as a transfer\n",
			peer, zc_receivers[k->mode].name, strerror(errno));
		close(fd);
		return;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &k->wake, sizeof(k->wake));
	c->fd = fd;
	c->state = C_RECEIVING;
	memcpy(c->peer, peer, sizeof(peer));
	c->start_ns = c->last_ns = zc_now_ns();
	c->cpu_ms = zc_cpu_ms();
}

/* One round: wait for something to do, then do it. */
static void serve_round(struct sink *k)
{
	struct pollfd p[MAX_CONNS + 1];
	struct conn *idx[MAX_CONNS + 1], *c;
	int n = 0, i, busy = 0, wait_ms = -1;
	bool room;

	for (i = 0; i < MAX_CONNS; i++) {
		c = &k->c[i];
		busy += c->state != C_FREE;
		/* not polled: shut down both ways, it is always POLLHUP */
		if (c->state == C_ANSWERED)
			wait_ms = VERDICT_POLL_MS;
		if (c->state != C_RECEIVING)
			continue;
		idx[n] = c;
		p[n++] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
	}
	/* a free place, or one receiving to make room (conn_evict()); when
	 * every place waits for a verdict, the kernel's backlog waits */
	room = busy < MAX_CONNS || n;
	if (room)
		p[n++] = (struct pollfd){ .fd = k->lfd, .events = POLLIN };
	if (k->idle_ns && busy && wait_ms < 0)
		wait_ms = 1000;
	if (poll(p, n, wait_ms) < 0)
		return; /* EINTR: look again */
	for (i = 0; i < n && p[i].fd != k->lfd; i++)
		if (p[i].revents)
			conn_read(k, idx[i]);
	for (i = 0; i < MAX_CONNS; i++) {
		c = &k->c[i];
		if (c->state == C_ANSWERED)
			conn_check_answered(k, c, zc_now_ns());
		else if (c->state == C_RECEIVING)
			conn_check_idle(k, c, zc_now_ns());
	}
	if (room && (p[n - 1].revents & POLLIN))
		conn_accept(k);
}

static int serve(struct sink *k)
{
	while (!k->once || !k->done)
		serve_round(k);
	return k->failed ? ZC_EXIT_FAIL : ZC_EXIT_OK;
}

int main(int argc, char **argv)
{
	static struct sink k;
	struct sink_opts o = { .idle_s = DEFAULT_IDLE_S, .wake = DEFAULT_WAKE };
	int rc;

	rc = opts_parse(argc, argv, &o);
	if (rc)
		return rc > 0	? ZC_EXIT_OK :
		       rc == -2 ? ZC_EXIT_ENV :
				  ZC_EXIT_USAGE;
	if (recv_check(o.mode, o.into)) {
		fprintf(stderr,
			PROG
			": --recv splice cannot write %s: %s; give a file in a directory you can write\n",
			o.into, strerror(errno));
		return ZC_EXIT_USAGE;
	}
	k.lfd = sock_listen(o.listen);
	if (k.lfd < 0)
		return ZC_EXIT_USAGE;
	k.once = o.once;
	k.trust_eof = o.trust_eof;
	k.wake = (int)o.wake;
	k.mode = o.mode;
	k.into = o.into;
	k.idle_ns = (uint64_t)(o.idle_s * 1e9);
	rc = serve(&k);
	close(k.lfd);
	return rc;
}
