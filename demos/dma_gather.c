/*
 * dma-gather: sendfile() to a device WITH scatter-gather. The socket
 * buffer holds only references to page-cache pages, and the NIC gathers
 * them by DMA: the CPU copies nothing.
 *
 *   disk --DMA--> page cache ---------DMA gather---------> NIC
 *                          sendfile()   (socket buffer: page references)
 *
 * Per chunk: 1 syscall (2 mode switches) and 0 CPU copies. The code is
 * the sendfile demo's; what changes is the device. This program checks
 * the device and warns when it cannot gather.
 */
#include "common.h"

#include <errno.h>
#include <sys/sendfile.h>

static int send_file(struct zc_run *run)
{
	off_t off = 0; /* sendfile() advances it by what it sent */
	uint64_t len;
	ssize_t n;

	while (run->sent < run->size) {
		len = run->size - run->sent;
		if (len > run->chunk)
			len = run->chunk;
		zc_step(run);
		/* page references into the socket; the NIC gathers the pages */
		n = sendfile(run->sock_fd, run->file_fd, &off, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) /* less than asked is fine; nothing means shrunk */
			return n < 0 ? zc_fail(run, "sendfile") : zc_fail_shrunk(run);
		run->calls++;
		run->sent += n;
		zc_pace(run, n);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct zc_sender sender = {
		.prog = "zc-dma-gather",
		.what = "Send FILE over TCP with sendfile() to a device with scatter-gather: the NIC\n"
			"gathers page-cache pages itself and the CPU copies nothing. The summary says\n"
			"whether the egress device can gather.",
		.calls = "sendfile",
		.send = send_file,
		.wants_gather = 1,
	};

	return zc_sender_main(argc, argv, &sender);
}
