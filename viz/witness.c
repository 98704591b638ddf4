/*
 * The kernel's own counts beside ours: the device's statistics and TCP's
 * tcp_info, read without BPF (witness.h says why).
 */
#include "witness.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>

#include "../lib/units.h"

/* After the first socket to the port ended, others that ended with it
 * (a command's several connections) still come within this long. */
#define WITNESS_QUIET_MS 50

int netns_run(const char *ns, void (*fn)(void *arg), void *arg)
{
	char path[PATH_MAX];
	int self = -1, fd = -1, rc = -1;

	if (!ns) {
		fn(arg);
		return 0;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || fd < 0 || setns(fd, CLONE_NEWNET))
		goto cleanup;
	fn(arg);
	rc = setns(self, CLONE_NEWNET) ? -1 : 0;
cleanup:
	if (self >= 0)
		close(self);
	if (fd >= 0)
		close(fd);
	return rc;
}

struct dev_ask {
	const char *dev;
	struct witness_dev *out;
	bool found;
};

/* This namespace's /proc/net/dev: after "dev:", 8 receive figures, then
 * bytes, packets, errs, drop of what it sent. */
static void dev_read_here(void *arg)
{
	struct dev_ask *a = arg;
	FILE *f = fopen("/proc/self/net/dev", "re");
	unsigned long long v[12];
	size_t n = strlen(a->dev);
	char line[512], *p;

	while (f && !a->found && fgets(line, sizeof(line), f)) {
		for (p = line; *p == ' '; p++)
			;
		if (strncmp(p, a->dev, n) || p[n] != ':')
			continue;
		if (sscanf(p + n + 1,
			   "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7], &v[8], &v[9], &v[10], &v[11]) != 12)
			continue;
		a->out->tx_packets = v[9];
		a->out->tx_dropped = v[11];
		a->found = true;
	}
	if (f)
		fclose(f);
}

bool witness_dev_read(const char *ns, const char *dev, struct witness_dev *out)
{
	struct dev_ask a = { .dev = dev, .out = out };

	memset(out, 0, sizeof(*out));
	return !netns_run(ns, dev_read_here, &a) && a.found;
}

struct witness {
	int fd;
};

struct nl_open {
	int fd;
	int err;
};

/* A sock_diag socket in this namespace, in the groups that hear of TCP
 * sockets ending (IPv4 and IPv6). The kernel puts each one's tcp_info in
 * what it says (inet_diag_handler_get_info()). */
static void nl_open_here(void *arg)
{
	struct nl_open *o = arg;
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1u << (SKNLGRP_INET_TCP_DESTROY - 1) |
			     1u << (SKNLGRP_INET6_TCP_DESTROY - 1),
	};
	int size = 4 << 20;

	o->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       NETLINK_SOCK_DIAG);
	if (o->fd < 0) {
		o->err = errno;
		return;
	}
	/* room for a burst of other sockets ending too (root may force it) */
	if (setsockopt(o->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(o->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(o->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		o->err = errno;
		close(o->fd);
		o->fd = -1;
	}
}

struct witness *witness_open(const char *ns, char *why, size_t len)
{
	struct nl_open o = { .fd = -1, .err = ENOENT };
	struct witness *w;

	if (netns_run(ns, nl_open_here, &o) || o.fd < 0) {
		snprintf(why, len,
			 "cannot hear TCP sockets end (sock_diag): %s",
			 strerror(o.err));
		if (o.fd >= 0)
			close(o.fd);
		return NULL;
	}
	w = malloc(sizeof(*w));
	if (!w) {
		close(o.fd);
		snprintf(why, len, "out of memory");
		return NULL;
	}
	w->fd = o.fd;
	return w;
}

/* One socket's end, if it is one to the port: its tcp_info added up. */
static void tcp_ended(const struct nlmsghdr *h, uint16_t port,
		      struct witness_tcp *out)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);
	int alen = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	const struct rtattr *a = (const void *)(m + 1);
	struct tcp_info ti;

	if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || alen < 0 ||
	    m->id.idiag_dport != htons(port))
		return;
	for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type != INET_DIAG_INFO)
			continue;
		/* the kernel's tcp_info may be longer than ours, or shorter */
		memset(&ti, 0, sizeof(ti));
		memcpy(&ti, RTA_DATA(a),
		       RTA_PAYLOAD(a) < sizeof(ti) ? RTA_PAYLOAD(a) :
						     sizeof(ti));
		out->bytes_sent += ti.tcpi_bytes_sent;
		out->bytes_retrans += ti.tcpi_bytes_retrans;
		out->sockets++;
	}
}

/* What came so far; false once nothing more is there to read. */
static bool messages_read(struct witness *w, uint16_t port,
			  struct witness_tcp *out)
{
	char buf[65536] __attribute__((aligned(NLMSG_ALIGNTO)));
	const struct nlmsghdr *h;
	ssize_t n = recv(w->fd, buf, sizeof(buf), 0);
	unsigned int len = (unsigned int)n;

	if (n < 0 && errno == ENOBUFS) {
		out->lost = true; /* the socket overflowed: some are gone */
		return true;
	}
	if (n <= 0)
		return false;
	for (h = (const void *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
		tcp_ended(h, port, out);
	return true;
}

void witness_tcp_read(struct witness *w, uint16_t port, int ms,
		      struct witness_tcp *out)
{
	uint64_t end = zc_now_ns() + (uint64_t)ms * 1000000, now;
	int wait;

	memset(out, 0, sizeof(*out));
	while (w) {
		while (messages_read(w, port, out))
			;
		now = zc_now_ns();
		/* never past the bound, however busy the namespace is */
		if (now >= end + WITNESS_QUIET_MS * 1000000ull ||
		    (!out->sockets && now >= end))
			break;
		wait = out->sockets ? WITNESS_QUIET_MS :
				      (int)((end - now) / 1000000) + 1;
		if (poll(&(struct pollfd){ .fd = w->fd, .events = POLLIN }, 1,
			 wait) <= 0 &&
		    out->sockets)
			break; /* quiet since the last one ended */
	}
	if (out->lost)
		out->sockets = 0; /* a part is not the whole: not known */
}

void witness_close(struct witness *w)
{
	if (!w)
		return;
	close(w->fd);
	free(w);
}
