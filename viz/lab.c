/*
 * The lab, set up and taken down by demos/lab.sh. See lab.h.
 */
#include "lab.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/net.h"
#include "../lib/units.h"
#include "child.h"
#include "paths.h"
#include "witness.h"

/* Whether this process ever set a lab up, for its last message. */
static bool ever_lab;

static void lab_value(const char *out, const char *key, char *val, size_t len)
{
	const char *p = strstr(out, key);
	size_t n;

	val[0] = '\0';
	if (!p)
		return;
	p += strlen(key);
	n = strcspn(p, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(val, p, n);
	val[n] = '\0';
}

static int lab_cmd(const char *bindir, char *const args[], char *out,
		   size_t outlen, bool verbose, char *why, size_t whylen)
{
	char script[PATH_MAX], err[2048] = "";
	char *argv[10];
	int i, rc;

	paths_lab(bindir, script, sizeof(script));
	argv[0] = script;
	for (i = 0; args[i] && i < 8; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	rc = cmd_run(argv, out, outlen, verbose, err, sizeof(err));
	if (rc) {
		err[strcspn(err, "\n")] = '\0';
		snprintf(why, whylen, "%s %s failed: %s", script, args[0],
			 rc < 0 ? strerror(errno) : err);
	}
	return rc;
}

int lab_up(struct lab *lab, const char *bindir, bool sg, unsigned mtu,
	   bool verbose, char *why, size_t whylen)
{
	char out[1024], owner[16], mtus[16];
	char *cleanup[] = { "cleanup", NULL };
	char *up[] = { "up",	"--id", lab->id,   "--sg", sg ? "on" : "off",
		       "--mtu", mtus,	"--owner", owner,  NULL };

	snprintf(owner, sizeof(owner), "%d", (int)getpid());
	snprintf(mtus, sizeof(mtus), "%u", mtu);
	/* labs of runs that were killed (SIGKILL) before they could clean up */
	if (lab_cmd(bindir, cleanup, out, sizeof(out), verbose, why, whylen))
		return ZC_EXIT_ENV;
	/*
	 * The id is known before the lab exists, so that whatever happens
	 * from here on (a signal, a failure half-way), lab_down() knows
	 * what to take down.
	 */
	snprintf(lab->id, sizeof(lab->id), "%d", (int)getpid());
	lab->up = ever_lab = true;
	if (lab_cmd(bindir, up, out, sizeof(out), verbose, why, whylen))
		return ZC_EXIT_ENV;
	lab_value(out, "ZCLAB_TX_NS=", lab->tx_ns, sizeof(lab->tx_ns));
	lab_value(out, "ZCLAB_RX_NS=", lab->rx_ns, sizeof(lab->rx_ns));
	lab_value(out, "ZCLAB_TX_DEV=", lab->tx_dev, sizeof(lab->tx_dev));
	lab_value(out, "ZCLAB_RX_IP=", lab->rx_ip, sizeof(lab->rx_ip));
	if (!lab->tx_ns[0] || !lab->rx_ip[0]) {
		snprintf(why, whylen, "lab.sh up printed no lab: %s", out);
		return ZC_EXIT_ENV;
	}
	return 0;
}

/* A lab that lab.sh down could not remove, for the last message. */
static char lab_stuck[16];

void lab_down(struct lab *lab, const char *bindir, bool verbose)
{
	char out[256], why[256];
	char *down[] = { "down", lab->id, NULL };

	if (lab->up && lab_cmd(bindir, down, out, sizeof(out), verbose, why,
			       sizeof(why))) {
		fprintf(stderr, "zcviz: %s\n", why);
		snprintf(lab_stuck, sizeof(lab_stuck), "%s", lab->id);
	}
	lab->up = false;
}

bool lab_ever_up(void)
{
	return ever_lab;
}

const char *lab_stuck_id(void)
{
	return lab_stuck[0] ? lab_stuck : NULL;
}

struct ifindex_ask {
	const char *dev;
	unsigned ifindex;
};

static void ifindex_here(void *arg)
{
	struct ifindex_ask *a = arg;

	a->ifindex = if_nametoindex(a->dev);
}

/* dev's ifindex in namespace ns (NULL: ours); 0 when it has none. */
unsigned ifindex_in(const char *ns, const char *dev)
{
	struct ifindex_ask a = { .dev = dev };

	return netns_run(ns, ifindex_here, &a) ? 0 : a.ifindex;
}

uint32_t netns_inode(const char *ns)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), ns ? "/run/netns/%s" : "/proc/self/ns/net",
		 ns);
	return stat(path, &st) ? 0 : (uint32_t)st.st_ino;
}

/* --to: the device a connection to HOST:PORT would leave by. */
int remote_egress(const char *to, char *dev, size_t devlen, char *why,
		  size_t whylen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM };
	struct addrinfo *res;
	char host[256], port[8];
	int fd, rc;

	if (zc_split_hostport("zcviz", to, host, sizeof(host), port,
			      sizeof(port)))
		return ZC_EXIT_USAGE;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		snprintf(why, whylen, "cannot resolve host '%s' in --to: %s",
			 host, gai_strerror(rc));
		return ZC_EXIT_USAGE;
	}
	/* a UDP connect() sends nothing; it only picks the route */
	fd = socket(res->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	rc = fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen);
	if (!rc)
		zc_sock_egress(fd, dev, devlen);
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	if (rc || !strcmp(dev, "?")) {
		snprintf(why, whylen, "no route to %s; check the address", to);
		return ZC_EXIT_FAIL;
	}
	return 0;
}
