/*
 * The receive side, four ways. See recv.h.
 */
#include "recv.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h> /* TCP_ZEROCOPY_RECEIVE, as Linux 4.18 had it */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/param.h> /* MIN() */
#include <sys/stat.h>
#include <unistd.h>

#define TAKE_MAX (256 * 1024) /* bytes one call takes, at most */
#define PAGE 4096UL /* x86-64's, which the kernel maps whole */

static char buf[TAKE_MAX]; /* copy's, and what mmap must copy */

/*
 * copy: the textbook's read(). The kernel copies every byte from the
 * socket buffer's pages into ours (skb_copy_datagram_iter()):
 *
 *   NIC --DMA--> socket buffer --CPU copy--> buf
 */
static ssize_t take_copy(struct recv_conn *c, size_t most)
{
	ssize_t n = read(c->fd, buf, most);

	if (n > 0)
		zc_sum_update(&c->h, buf, n);
	return n;
}

/*
 * mmap: TCP_ZEROCOPY_RECEIVE. The kernel maps the socket buffer's pages
 * into our window of the socket (mmap()ed from it), where we read them in
 * place, and drops them at the next call. It maps only whole pages that
 * are nobody else's; what it cannot map, it leaves to be copied, and says
 * how much (recv_skip_hint):
 *
 *   NIC --DMA--> socket buffer ==mapped==> win   (whole pages of its own)
 *                              --CPU copy--> buf (the rest)
 */
static ssize_t take_mmap(struct recv_conn *c)
{
	struct tcp_zerocopy_receive zc = { .address = (uintptr_t)c->win,
					   .length = TAKE_MAX };
	socklen_t len = sizeof(zc);
	ssize_t n;

	if (getsockopt(c->fd, IPPROTO_TCP, TCP_ZEROCOPY_RECEIVE, &zc, &len)) {
		if (errno != EIO)
			return -1;
		/* EIO: nothing queued, and the peer has closed: read() says
		 * EOF */
		zc.length = zc.recv_skip_hint = 0;
	}
	if (zc.length) {
		zc_sum_update(&c->h, c->win, zc.length);
		c->mapped += zc.length;
		return zc.length;
	}
	/* nothing mappable next: copy what the kernel says cannot be (a
	 * page at most when it says nothing: there may be no data, or EOF) */
	n = take_copy(c, zc.recv_skip_hint ?
				 MIN(zc.recv_skip_hint, sizeof(buf)) :
				 PAGE);
	if (n > 0)
		c->copied += n;
	return n;
}

/*
 * splice: socket -> pipe -> file, for a receiver that stores (a broker, a
 * backup). No byte enters user memory: the socket hands the pipe
 * references to its pages (skb_splice_bits()), and the pipe gives them to
 * the file, whose page cache takes a copy (iter_file_splice_write()):
 * SPLICE_F_MOVE asks for the pages themselves, and no disk file system
 * takes them.
 *
 *   NIC --DMA--> socket buffer ==ref==> pipe --copy in the kernel--> file
 */
static ssize_t take_splice(struct recv_conn *c)
{
	ssize_t n, m, left;

	n = splice(c->fd, NULL, c->pipe[1], NULL, TAKE_MAX,
		   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	for (left = n; left > 0; left -= m) {
		m = splice(c->pipe[0], NULL, c->out, NULL, left, SPLICE_F_MOVE);
		if (!m)
			errno = EIO; /* the file took nothing */
		if (m <= 0)
			return -1; /* a full disk: errno says */
	}
	return n;
}

/*
 * discard: MSG_TRUNC, as iperf3's --skip-rx-copy. TCP counts the bytes
 * and frees them, without copying them anywhere: nobody reads them, so
 * nothing checks them but their count.
 */
static ssize_t take_discard(struct recv_conn *c)
{
	return recv(c->fd, NULL, TAKE_MAX, MSG_TRUNC);
}

ssize_t recv_take(struct recv_conn *c)
{
	ssize_t n;

	switch (c->mode) {
	case ZC_RECV_MMAP:
		n = take_mmap(c);
		break;
	case ZC_RECV_SPLICE:
		n = take_splice(c);
		break;
	case ZC_RECV_DISCARD:
		n = take_discard(c);
		break;
	default:
		n = take_copy(c, sizeof(buf));
	}
	if (n > 0)
		c->bytes += n;
	return n;
}

/* splice: the pipe, and the file under a name of its own beside path */
static int splice_open(struct recv_conn *c, const char *path)
{
	int fd;

	if (pipe2(c->pipe, O_CLOEXEC) ||
	    asprintf(&c->tmp, "%s.zc-sink-XXXXXX", path) < 0)
		return -1;
	/* a pipe's default 64 KiB would cut every call to that */
	fcntl(c->pipe[1], F_SETPIPE_SZ, TAKE_MAX);
	fd = mkostemp(c->tmp, O_CLOEXEC); /* O_EXCL: never through a link */
	if (fd < 0) {
		free(c->tmp);
		c->tmp = NULL;
		return -1;
	}
	c->out = fd;
	c->path = path;
	return 0;
}

int recv_open(struct recv_conn *c, int fd, enum zc_recv mode, const char *path)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->mode = mode;
	c->pipe[0] = c->pipe[1] = c->out = -1;
	c->win = MAP_FAILED;
	zc_sum_reset(&c->h);
	if (mode == ZC_RECV_MMAP) {
		c->win = mmap(NULL, TAKE_MAX, PROT_READ, MAP_SHARED, fd, 0);
		return c->win == MAP_FAILED ? -1 : 0;
	}
	if (mode == ZC_RECV_SPLICE && splice_open(c, path)) {
		recv_close(c);
		return -1;
	}
	return 0;
}

int recv_check(enum zc_recv mode, const char *path)
{
	struct recv_conn c;
	struct stat st;

	if (mode != ZC_RECV_SPLICE)
		return 0;
	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	if (recv_open(&c, -1, mode, path))
		return -1;
	recv_close(&c);
	return 0;
}

/* The file's checksum, read where it lies in the page cache (mapped, so
 * that checking it copies nothing either). */
static int splice_finish(struct recv_conn *c, uint64_t *sum)
{
	struct stat st;
	void *p = NULL;

	if (fstat(c->out, &st))
		return -1;
	if ((uint64_t)st.st_size != c->bytes) {
		errno = EIO; /* written short: never, but a file is anyone's */
		return -1;
	}
	if (st.st_size) {
		p = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, c->out, 0);
		if (p == MAP_FAILED)
			return -1;
	}
	*sum = zc_sum_of(p, st.st_size);
	if (p)
		munmap(p, st.st_size);
	return 1;
}

int recv_keep(struct recv_conn *c)
{
	if (!c->tmp)
		return 0;
	if (rename(c->tmp, c->path))
		return -1;
	free(c->tmp);
	c->tmp = NULL;
	return 0;
}

int recv_finish(struct recv_conn *c, uint64_t *sum)
{
	if (c->mode == ZC_RECV_DISCARD)
		return 0;
	if (c->mode == ZC_RECV_SPLICE)
		return splice_finish(c, sum);
	*sum = zc_sum_digest(&c->h);
	return 1;
}

void recv_said(const struct recv_conn *c, char *out, size_t len)
{
	*out = '\0';
	if (c->mode == ZC_RECV_MMAP)
		snprintf(out, len,
			 "; mapped %" PRIu64 " bytes, copied %" PRIu64
			 " bytes (TCP_ZEROCOPY_RECEIVE)",
			 c->mapped, c->copied);
	else if (c->mode == ZC_RECV_SPLICE)
		snprintf(out, len, "; spliced into %s", c->path);
	else if (c->mode == ZC_RECV_DISCARD)
		snprintf(out, len, "; discarded unread (MSG_TRUNC)");
}

void recv_close(struct recv_conn *c)
{
	if (c->win != MAP_FAILED)
		munmap(c->win, TAKE_MAX);
	if (c->pipe[0] >= 0) {
		close(c->pipe[0]);
		close(c->pipe[1]);
	}
	if (c->out >= 0)
		close(c->out);
	if (c->tmp) {
		unlink(c->tmp);
		free(c->tmp);
	}
	c->win = MAP_FAILED;
	c->pipe[0] = c->pipe[1] = c->out = -1;
	c->tmp = NULL;
}
