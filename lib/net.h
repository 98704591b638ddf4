/*
 * Addresses and devices, for the senders, zc-sink and zcviz: HOST:PORT,
 * the device a connection leaves by, and whether it can gather.
 */
#ifndef ZC_NET_H
#define ZC_NET_H

#include <stddef.h>

/*
 * Splits "host:port", "[v6addr]:port" or ":port" (empty host). Prints what
 * is wrong, after "PROG: ", and returns -1 on a malformed argument.
 */
int zc_split_hostport(const char *prog, const char *arg, char *host,
		      size_t hostlen, char *port, size_t portlen);
/*
 * The device a connected socket leaves by: the one holding its local
 * address, or lo when the peer is an address of this machine too.
 */
void zc_sock_egress(int sock, char *dev, size_t devlen);
/* The same for the numeric addresses of a connection made elsewhere (a
 * JVM's): "198.18.0.1", "::1". */
void zc_addr_egress(const char *local, const char *peer, char *dev,
		    size_t devlen);
/* Is scatter-gather on for this device? 1 yes, 0 no, -1 unknown. */
int zc_dev_sg(const char *dev);

#endif /* ZC_NET_H */
