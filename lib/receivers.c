/*
 * The table of receivers. See receivers.h.
 */
#include "receivers.h"

#include <stdio.h>
#include <string.h>

const struct zc_receiver zc_receivers[ZC_RECV_NR] = {
	[ZC_RECV_COPY] = {
		.name = "copy",
		.brief = "read() copies every byte into a buffer",
	},
	[ZC_RECV_MMAP] = {
		.name = "mmap",
		.brief = "TCP_ZEROCOPY_RECEIVE maps whole pages into user memory; the rest is copied",
		.page_mtu = true,
	},
	[ZC_RECV_SPLICE] = {
		.name = "splice",
		.brief = "splice() moves the socket's pages into a pipe, and the pipe into a file",
		.file = true,
	},
	[ZC_RECV_DISCARD] = {
		.name = "discard",
		.brief = "recv(MSG_TRUNC) counts the bytes and frees them, never read",
	},
	[ZC_RECV_IOU_ZCRX] = {
		.name = "io-uring-zcrx",
		.brief = "io_uring's zero-copy receive (IORING_OP_RECV_ZC)",
		.needs = "a NIC that splits headers from payload and steers the flow to a receive queue of its own, filled from the program's memory (Documentation/networking/iou-zcrx.rst); a veth has no such queue",
	},
	[ZC_RECV_DEVMEM] = {
		.name = "devmem",
		.brief = "devmem TCP: payload received straight into device memory",
		.needs = "a NIC with header split and flow steering, and a dma-buf provider (a GPU's memory, or udmabuf) bound to one of its queues (Documentation/networking/devmem.rst); a veth has neither",
	},
};

int zc_receiver_find(const char *name, enum zc_recv *r)
{
	int i;

	for (i = 0; i < ZC_RECV_NR; i++)
		if (!strcmp(name, zc_receivers[i].name)) {
			*r = i;
			return 0;
		}
	return -1;
}

const char *zc_receiver_list(bool with_file)
{
	static char list[160];
	size_t n = 0;
	int i;

	for (i = 0; i < ZC_RECV_NR; i++)
		n += snprintf(list + n, sizeof(list) - n, "%s%s%s",
			      i == 0		  ? "" :
			      i == ZC_RECV_NR - 1 ? " or " :
						    ", ",
			      zc_receivers[i].name,
			      with_file && zc_receivers[i].file ? " FILE" : "");
	return list;
}
