/*
 * sendfile: let the kernel move the file to the socket; no byte comes up
 * to user space. Run it on a device WITHOUT scatter-gather (the lab turns
 * it off), and you see the copy the classic article still counts:
 *
 *   disk --DMA--> page cache --CPU copy--> socket buffer --DMA--> NIC
 *                          sendfile()
 *
 * Per chunk: 1 syscall (2 mode switches) and 1 CPU copy. Today's kernel
 * first hands the socket references to the page-cache pages; because this
 * device cannot gather scattered pages, the copy happens when the packet
 * is cut into segments just before the device.
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
		/* page cache -> socket, inside the kernel */
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
	return zc_sender_main(argc, argv, ZC_PROG, send_file);
}
