/*
 * splice: file -> pipe -> socket, all inside the kernel. splice() moves
 * data between a pipe and a file or socket without copying it: the pipe
 * holds references to the page-cache pages, and the socket takes those
 * references over.
 *
 *   disk --DMA--> page cache --page ref--> pipe --page ref--> socket buffer --DMA--> NIC
 *                          splice()               splice()
 *
 * Per chunk: 2 syscalls (4 mode switches), like read() + write(), and 0
 * CPU copies when the device gathers (1 when it cannot: the copy at GSO,
 * as for sendfile). sendfile() itself is this, with a pipe of its own.
 */
#include "common.h" /* the Makefile defines _GNU_SOURCE: splice(), F_SETPIPE_SZ */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A pipe that holds one chunk: a chunk at any offset spans one page more. */
static int pipe_open(struct zc_run *run, int p[2])
{
	long want = (long)run->chunk + sysconf(_SC_PAGESIZE);

	if (pipe2(p, O_CLOEXEC))
		return zc_fail(run, "pipe2");
	if (fcntl(p[1], F_SETPIPE_SZ, want) >= 0)
		return 0;
	fprintf(stderr,
		"%s: a pipe of %ld bytes for --chunk %zu: %s; without root, a pipe holds at most\n"
		"  /proc/sys/fs/pipe-max-size bytes: use a smaller --chunk\n",
		run->prog, want, run->chunk, strerror(errno));
	close(p[0]);
	close(p[1]);
	return -1;
}

/* Everything in the pipe into the socket; a call may take less. */
static int splice_out(struct zc_run *run, int pipe_rd, size_t len)
{
	ssize_t n;

	while (len > 0) {
		zc_step(run);
		/* pipe -> socket: the socket takes over the page references */
		n = splice(pipe_rd, NULL, run->sock_fd, NULL, len, SPLICE_F_MOVE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return zc_fail(run, "splice to the socket");
		run->calls++;
		run->sent += n;
		len -= n;
	}
	return 0;
}

static int send_file(struct zc_run *run)
{
	int p[2]; /* p[1]: the pipe's write end, p[0]: its read end */
	uint64_t len;
	ssize_t n;
	int err = 0;

	if (pipe_open(run, p))
		return -1;
	while (run->sent < run->size) {
		len = run->size - run->sent;
		if (len > run->chunk)
			len = run->chunk;
		zc_step(run);
		/* page cache -> pipe: references to the file's pages, no copy */
		n = splice(run->file_fd, NULL, p[1], NULL, len, SPLICE_F_MOVE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? zc_fail(run, "splice from the file") : zc_fail_shrunk(run);
			break;
		}
		run->calls++;
		if (splice_out(run, p[0], n)) {
			err = -1;
			break;
		}
		zc_pace(run, n);
	}
	close(p[0]);
	close(p[1]);
	return err;
}

int main(int argc, char **argv)
{
	return zc_sender_main(argc, argv, ZC_PROG, send_file);
}
