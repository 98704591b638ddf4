/*
 * The network lab (demos/lab.sh): two namespaces and a veth pair, made
 * for one run and taken down after it; and where a run's packets go.
 */
#ifndef ZC_LAB_H
#define ZC_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LAB_MTU 1500 /* a veth's own, and the lab's unless a run asks */

struct lab {
	char id[16];
	char tx_ns[32], rx_ns[32], tx_dev[16];
	char rx_ip[32];
	bool up; /* it may exist: lab_down() must take it down */
};

/* Takes down labs of runs killed before they could, then sets one up
 * (scatter-gather sg on its device, both devices' MTU mtu); 0, or
 * ZC_EXIT_ENV with why. */
int lab_up(struct lab *lab, const char *bindir, bool sg, unsigned mtu,
	   bool verbose, char *why, size_t whylen);
/* Takes it down, if it may exist; says so on stderr when it cannot. */
void lab_down(struct lab *lab, const char *bindir, bool verbose);
/* Whether this process ever set a lab up; the id of one it could not
 * take down, or NULL. For its last message. */
bool lab_ever_up(void);
const char *lab_stuck_id(void);

/* dev's ifindex in namespace ns (NULL: ours); 0 when it has none. */
unsigned ifindex_in(const char *ns, const char *dev);
/* The inode of namespace ns (NULL: ours), 0 when unknown. */
uint32_t netns_inode(const char *ns);
/* --to: the device a connection to HOST:PORT would leave by. */
int remote_egress(const char *to, char *dev, size_t devlen, char *why,
		  size_t whylen);

#endif /* ZC_LAB_H */
