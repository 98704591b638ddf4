/*
 * zc-sink: the receiver. Accepts TCP connections, counts the bytes, keeps
 * a checksum (XXH64) of everything received and prints one line per
 * connection, so that it can be compared with the sender's summary.
 */
#include "checksum.h"
#include "common.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROG "zc-sink"

struct sink_opts {
	const char *listen;
	int once;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: " PROG " --listen ADDR:PORT [--once]\n"
		"\nReceive files sent by the zc-* demos and print, for each connection, the\n"
		"bytes received and their XXH64 checksum.\n\n"
		"Options:\n"
		"  -l, --listen ADDR:PORT  address to listen on; :PORT for every address, port 0\n"
		"                          for any free port (the port is printed on stderr)\n"
		"  -1, --once              exit after the first connection\n"
		"  -h, --help              show this help and exit\n"
		"  -V, --version           show the version and exit\n"
		"\nExample:\n"
		"  " PROG " --listen 127.0.0.1:5201 --once &\n"
		"  zc-traditional --to 127.0.0.1:5201 build/sample-64M.bin\n"
		"\nExit status: 0 received, 1 a connection failed, 2 bad usage or address.\n");
}

static int opts_parse(int argc, char **argv, struct sink_opts *o)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "once", no_argument, NULL, '1' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const char *bad = NULL;
	int c = 0;

	opterr = 0;
	while (!bad &&
	       (c = getopt_long(argc, argv, ":l:1hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o->listen = optarg;
			break;
		case '1':
			o->once = 1;
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
	    listen(fd, 8) || getsockname(fd, (struct sockaddr *)&ss, &sl)) {
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

/* Receives one connection to its end; 0 when the sender closed cleanly. */
static int conn_receive(int fd, const char *peer)
{
	static char buf[256 * 1024];
	struct zc_hash h;
	uint64_t bytes = 0, start = zc_now_ns(), sum;
	double cpu = zc_cpu_ms();
	char rate[64];
	ssize_t n;

	zc_hash_init(&h);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		zc_hash_update(&h, buf, n);
		bytes += n;
	}
	if (n < 0) {
		fprintf(stderr,
			PROG ": the connection from %s failed after %" PRIu64
			     " bytes: %s\n",
			peer, bytes, strerror(errno));
		return -1;
	}
	sum = zc_hash_final(&h);
	zc_print_rate(rate, sizeof(rate), bytes, zc_now_ns() - start);
	printf(PROG ": received %" PRIu64 " bytes xxh64=%016" PRIx64
		    " in %s, cpu %.1f ms, from %s\n",
	       bytes, sum, rate, zc_cpu_ms() - cpu, peer);
	fflush(stdout);
	/* the verdict, back to the sender, so that it can check it too */
	n = snprintf(buf, sizeof(buf),
		     "received %" PRIu64 " bytes xxh64=%016" PRIx64 "\n", bytes,
		     sum);
	send(fd, buf, n, MSG_NOSIGNAL);
	return 0;
}

static int serve(int lfd, int once)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	char host[NI_MAXHOST], port[NI_MAXSERV],
		peer[NI_MAXHOST + NI_MAXSERV + 4];
	int fd, rc;

	for (;;) {
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);
		if (fd < 0 && errno == EINTR)
			continue;
		if (fd < 0) {
			fprintf(stderr, PROG ": accept() failed: %s\n",
				strerror(errno));
			return ZC_EXIT_FAIL;
		}
		getnameinfo((struct sockaddr *)&ss, sl, host, sizeof(host),
			    port, sizeof(port),
			    NI_NUMERICHOST | NI_NUMERICSERV);
		snprintf(peer, sizeof(peer), "%s:%s", host, port);
		rc = conn_receive(fd, peer);
		close(fd);
		if (once)
			return rc ? ZC_EXIT_FAIL : ZC_EXIT_OK;
	}
}

int main(int argc, char **argv)
{
	struct sink_opts o = { 0 };
	int lfd, rc;

	rc = opts_parse(argc, argv, &o);
	if (rc)
		return rc > 0 ? ZC_EXIT_OK : ZC_EXIT_USAGE;
	lfd = sock_listen(o.listen);
	if (lfd < 0)
		return ZC_EXIT_USAGE;
	rc = serve(lfd, o.once);
	close(lfd);
	return rc;
}
