/*
 * mmap: map the file, then write() from the mapping.
 *
 *   disk --DMA--> page cache ==mapped into user space (no copy)==> map
 *                 page cache --CPU copy--> socket buffer --DMA--> NIC
 *                                write(map)
 *
 * Per chunk: 1 syscall (2 mode switches) and 1 CPU copy. Page faults map
 * the page-cache pages into our address space instead of copying them.
 * The hazard: if another process truncates the file while it is mapped,
 * touching the lost pages raises SIGBUS (write() reports EFAULT instead).
 */
#include "common.h"

#include <sys/mman.h>

static int send_file(struct zc_run *run)
{
	const char *map;
	uint64_t len;
	int err = 0;

	if (run->size == 0)
		return 0; /* mmap() refuses a zero length: nothing to send */
	zc_step(run);
	/* no copy: the page cache itself appears in our address space */
	map = mmap(NULL, run->size, PROT_READ, MAP_SHARED, run->file_fd, 0);
	if (map == MAP_FAILED)
		return zc_fail(run, "mmap");
	while (run->sent < run->size) {
		len = run->size - run->sent;
		if (len > run->chunk)
			len = run->chunk;
		/* the one CPU copy: mapped page cache -> socket buffer */
		if (zc_write_all(run, map + run->sent, len)) {
			err = -1;
			break;
		}
		zc_pace(run, len);
	}
	zc_step(run);
	munmap((void *)map, run->size);
	return err;
}

int main(int argc, char **argv)
{
	return zc_sender_main(argc, argv, ZC_PROG, send_file);
}
