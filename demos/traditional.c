/*
 * traditional: read() + write(), the way most programs copy a file to a
 * socket.
 *
 *   disk --DMA--> page cache --CPU copy--> buf --CPU copy--> socket buffer --DMA--> NIC
 *                          read()                write()
 *
 * Per chunk: 2 syscalls, so 4 user/kernel mode switches, and 2 CPU copies
 * of every byte. The data goes up into user space only to come back down.
 */
#include "common.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static int send_file(struct zc_run *run)
{
	char *buf = malloc(run->chunk); /* the application's buffer */
	uint64_t len;
	ssize_t n;
	int err = 0;

	if (!buf)
		return zc_fail(run, "malloc");
	while (run->sent < run->size) {
		len = run->size - run->sent;
		if (len > run->chunk)
			len = run->chunk;
		zc_step(run);
		/* CPU copy 1: kernel page cache -> buf (user space) */
		n = read(run->file_fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? zc_fail(run, "read") : zc_fail_shrunk(run);
			break;
		}
		run->calls++;
		/* CPU copy 2: buf -> socket buffer (kernel space) */
		if (zc_write_all(run, buf, n)) {
			err = -1;
			break;
		}
		zc_pace(run, n);
	}
	free(buf);
	return err;
}

int main(int argc, char **argv)
{
	return zc_sender_main(argc, argv, ZC_PROG, send_file);
}
