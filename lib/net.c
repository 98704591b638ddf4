/*
 * Addresses and devices. See net.h.
 */
#include "net.h"

#include <errno.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int zc_split_hostport(const char *prog, const char *arg, char *host,
		      size_t hostlen, char *port, size_t portlen)
{
	const char *colon = strrchr(arg, ':');
	const char *h = arg;
	size_t hl;
	char *end;
	long p;

	if (!colon) {
		fprintf(stderr,
			"%s: '%s' has no port; write it as HOST:PORT, e.g. 127.0.0.1:5201\n",
			prog, arg);
		return -1;
	}
	hl = colon - arg;
	if (hl >= 2 && arg[0] == '[' && arg[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || errno || p < 0 ||
	    p > 65535 || hl >= hostlen) {
		fprintf(stderr,
			"%s: bad port '%s' in '%s'; use HOST:PORT with a port from 1 to 65535\n",
			prog, colon + 1, arg);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%ld", p);
	return 0;
}

static int sockaddr_same_ip(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->sa_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			       &((const struct sockaddr_in6 *)b)->sin6_addr,
			       sizeof(struct in6_addr));
	return 0;
}

int zc_dev_sg(const char *dev)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GSG };
	struct ifreq ifr = { 0 };
	int fd, rc;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&ev;
	rc = ioctl(fd, SIOCETHTOOL, &ifr);
	close(fd);
	return rc < 0 ? -1 : !!ev.data;
}

/* The device holding local, or lo when peer is an address of ours too. */
static void egress_of(const struct sockaddr *local, const struct sockaddr *peer,
		      char *dev, size_t devlen)
{
	struct ifaddrs *ifs, *i;
	int peer_local = 0;

	if (getifaddrs(&ifs))
		return;
	for (i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr)
			continue;
		if (sockaddr_same_ip(i->ifa_addr, peer))
			peer_local = 1;
		if (sockaddr_same_ip(i->ifa_addr, local))
			snprintf(dev, devlen, "%s", i->ifa_name);
	}
	freeifaddrs(ifs);
	if (peer_local)
		snprintf(dev, devlen, "lo");
}

void zc_sock_egress(int sock, char *dev, size_t devlen)
{
	struct sockaddr_storage local, peer;
	socklen_t ll = sizeof(local), pl = sizeof(peer);

	snprintf(dev, devlen, "?");
	if (!getsockname(sock, (struct sockaddr *)&local, &ll) &&
	    !getpeername(sock, (struct sockaddr *)&peer, &pl))
		egress_of((struct sockaddr *)&local, (struct sockaddr *)&peer,
			  dev, devlen);
}

void zc_addr_egress(const char *local, const char *peer, char *dev,
		    size_t devlen)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST };
	struct addrinfo *l = NULL, *p = NULL;

	snprintf(dev, devlen, "?");
	if (!getaddrinfo(local, NULL, &hints, &l) &&
	    !getaddrinfo(peer, NULL, &hints, &p))
		egress_of(l->ai_addr, p->ai_addr, dev, devlen);
	if (l)
		freeaddrinfo(l);
	if (p)
		freeaddrinfo(p);
}
