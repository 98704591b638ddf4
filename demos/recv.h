/*
 * zc-sink's ways of taking a connection's bytes out of its socket: the
 * receive side of the story, one mode each (--recv): copied into a buffer
 * (read()), mapped into user memory (TCP_ZEROCOPY_RECEIVE), spliced
 * through a pipe into a file, or discarded unread (MSG_TRUNC). Each
 * verifies what it can: the checksum of the bytes, except discard, which
 * never sees them and verifies their count only.
 */
#ifndef ZC_RECV_H
#define ZC_RECV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../lib/receivers.h"
#include "../lib/summary.h"

/* One connection's receiving. */
struct recv_conn {
	enum zc_recv mode;
	int fd; /* the connection */
	zc_sum_state h; /* of the bytes, in order (not discard) */
	uint64_t bytes; /* taken out of the socket */
	/* mmap: the bytes mapped and copied, as the kernel said; the
	 * window of the socket it maps them into */
	uint64_t mapped, copied;
	void *win;
	/* splice: the pipe, and the file, written under a name of its own
	 * (tmp) until the transfer is complete, then renamed to path */
	int pipe[2], out;
	const char *path;
	char *tmp;
};

/* Prepares c to receive mode's way from fd (path: splice's file); 0, or
 * -1 with errno (the connection is then refused). */
int recv_open(struct recv_conn *c, int fd, enum zc_recv mode, const char *path);
/* Can mode receive here (splice: write beside path)? 0, or -1 with errno. */
int recv_check(enum zc_recv mode, const char *path);
/* Takes what is there: > 0 bytes taken, 0 at EOF, -1 with errno (EAGAIN:
 * nothing yet). */
ssize_t recv_take(struct recv_conn *c);
/*
 * At EOF: the checksum of what was received (splice: of the file); 1 and
 * *sum, 0 when the mode cannot know it (discard), -1 with errno.
 */
int recv_finish(struct recv_conn *c, uint64_t *sum);
/* The transfer is complete (the sender took the verdict): splice's file
 * takes its name. 0, or -1 with errno. */
int recv_keep(struct recv_conn *c);
/* What the mode adds to the connection's line ("; mapped ..."), into buf. */
void recv_said(const struct recv_conn *c, char *buf, size_t len);
/* Releases c; an unfinished file goes too. */
void recv_close(struct recv_conn *c);

#endif /* ZC_RECV_H */
