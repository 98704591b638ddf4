/*
 * The one table of receivers: the ways zc-sink takes a connection's bytes
 * out of its socket (zc-sink --recv, zcviz --recv), and those this lab
 * cannot have, each with what it would need. zc-sink's loops are in
 * demos/recv.c; zcviz sets the lab up for the row and measures it.
 */
#ifndef ZC_RECEIVERS_H
#define ZC_RECEIVERS_H

#include <stdbool.h>

enum zc_recv {
	ZC_RECV_COPY, /* read() into a buffer: the default */
	ZC_RECV_MMAP, /* TCP_ZEROCOPY_RECEIVE */
	ZC_RECV_SPLICE, /* socket -> pipe -> file */
	ZC_RECV_DISCARD, /* MSG_TRUNC */
	ZC_RECV_IOU_ZCRX, /* io_uring's zero-copy receive: hardware only */
	ZC_RECV_DEVMEM, /* devmem TCP: hardware only */
	ZC_RECV_NR
};

struct zc_receiver {
	const char *name; /* --recv NAME */
	const char *brief; /* what it does, for --help and the report */
	bool file; /* it takes the FILE it writes into (splice) */
	/* it maps whole pages only: the lab's MTU makes each segment's
	 * payload one page (ZC_PAGE_MTU) */
	bool page_mtu;
	/* NULL: the lab can; else what it needs that a veth lab lacks, one
	 * line (zc-sink and zcviz refuse it with this, exit 3) */
	const char *needs;
};

/*
 * The MTU whose TCP segments carry exactly a page (4096 bytes) of payload:
 * 20 bytes of IPv4 header, 20 of TCP, 12 of the timestamps option.
 */
#define ZC_PAGE_MTU (4096 + 20 + 20 + 12)

extern const struct zc_receiver zc_receivers[ZC_RECV_NR];

/* The row named name: 0 and *r, or -1. */
int zc_receiver_find(const char *name, enum zc_recv *r);
/* "copy, mmap, splice, discard, io-uring-zcrx or devmem"; with_file:
 * "splice FILE", as zc-sink takes it */
const char *zc_receiver_list(bool with_file);

#endif /* ZC_RECEIVERS_H */
