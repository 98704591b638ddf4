/*
 * msg-zerocopy: map the file, then send() it with MSG_ZEROCOPY: the socket
 * pins the mapped pages and sends them as they are, without copying them
 * into the socket buffer. The price: the pages stay the socket's until the
 * kernel says it is done with them, on the socket's error queue, and that
 * answer says whether it had to copy them after all.
 *
 *   disk --DMA--> page cache ==mapped==> map --page ref (pinned)--> socket buffer --DMA--> NIC
 *                                         send(MSG_ZEROCOPY)          recvmsg(MSG_ERRQUEUE): done
 *
 * Mapped, not read into a buffer: then no CPU copy is left anywhere on the
 * sender's side, and nothing ever writes to the pages while they are in
 * flight. Per chunk: 1 send (2 mode switches) and 0 copies at the socket,
 * and every so often a recvmsg() for the answers. Sent to a socket on this
 * machine (the lab's veth pair), the kernel copies the pages when it
 * delivers them, and the answers say "copied": lessons/en/07-msg-zerocopy.md.
 */
#include "common.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>

/* Sends in flight before we stop to read the answers: each pins its pages
 * and holds a notification against the socket's optmem limit. */
#define IN_FLIGHT 32
#define ANSWER_WAIT_MS 10000 /* no answer for this long: something is wrong */

static int answers_read(struct zc_run *run);
static int answers_wait(struct zc_run *run, uint64_t open_at_most);
static int send_copied(struct zc_run *run, const char *buf, size_t len);

static int send_file(struct zc_run *run)
{
	int one = 1, err = 0;
	const char *map;
	uint64_t len;
	ssize_t n;

	if (run->size == 0)
		return 0; /* mmap() refuses a zero length: nothing to send */
	/* without SO_ZEROCOPY, the kernel ignores MSG_ZEROCOPY and copies */
	if (setsockopt(run->sock_fd, SOL_SOCKET, SO_ZEROCOPY, &one,
		       sizeof(one)))
		return zc_fail(run, "setsockopt");
	run->zero_copy = true;
	zc_step(run);
	map = mmap(NULL, run->size, PROT_READ, MAP_SHARED, run->file_fd, 0);
	if (map == MAP_FAILED)
		return zc_fail(run, "mmap");
	while (!err && run->sent < run->size) {
		len = run->size - run->sent;
		if (len > run->chunk)
			len = run->chunk;
		zc_step(run);
		/* no copy: the socket takes references to the mapped pages */
		n = send(run->sock_fd, map + run->sent, len, MSG_ZEROCOPY);
		if (n < 0 && errno == ENOBUFS) {
			/* too much in flight (optmem, locked pages): wait for
			 * answers; with none to wait for, copy this once */
			run->done.nobufs++;
			err = zc_ledger_open(run) ?
				      answers_wait(run,
						   zc_ledger_open(run) - 1) :
				      send_copied(run, map + run->sent, len);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* EFAULT: the mapping reaches past a file that shrank */
			err = n < 0 && errno == EFAULT ? zc_fail_shrunk(run) :
							 zc_fail(run, "send");
			break;
		}
		run->calls++;
		run->sent += n;
		if (zc_ledger_add(run, n) < 0)
			err = -1;
		else if (zc_ledger_open(run) >= IN_FLIGHT)
			err = answers_wait(run, IN_FLIGHT / 2);
		zc_pace(run, n);
	}
	/* the pages are the kernel's until it answers for every send */
	if (!err)
		err = answers_wait(run, 0);
	zc_step(run);
	munmap((void *)map, run->size);
	return err;
}

/* ---- the kernel's answers: plumbing the loop above relies on --------- */

/*
 * Reads every answer queued so far. Each is a range of sends, numbered
 * from 0 in the order they were made, whose pages the kernel is done
 * with; SO_EE_CODE_ZEROCOPY_COPIED says it copied them after all.
 */
static int answers_read(struct zc_run *run)
{
	char control[256];
	struct msghdr msg = { 0 };
	struct sock_extended_err *serr;
	struct cmsghdr *cm;

	for (;;) {
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		zc_step(run);
		if (recvmsg(run->sock_fd, &msg, MSG_ERRQUEUE) < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0; /* none queued */
			return zc_fail(run, "recvmsg");
		}
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			if (!((cm->cmsg_level == SOL_IP &&
			       cm->cmsg_type == IP_RECVERR) ||
			      (cm->cmsg_level == SOL_IPV6 &&
			       cm->cmsg_type == IPV6_RECVERR)))
				continue;
			serr = (struct sock_extended_err *)CMSG_DATA(cm);
			if (serr->ee_errno ||
			    serr->ee_origin != SO_EE_ORIGIN_ZEROCOPY)
				continue;
			run->done.notes++;
			zc_ledger_answer(run, serr->ee_info, serr->ee_data,
					 serr->ee_code &
						 SO_EE_CODE_ZEROCOPY_COPIED);
		}
	}
}

/* Reads answers until at most open_at_most sends wait for one. The
 * error queue makes the socket readable as POLLERR. */
static int answers_wait(struct zc_run *run, uint64_t open_at_most)
{
	struct pollfd pfd = { .fd = run->sock_fd, .events = 0 };
	uint64_t before;
	int n;

	while (zc_ledger_open(run) > open_at_most) {
		before = zc_ledger_open(run);
		if (answers_read(run))
			return -1;
		if (zc_ledger_open(run) < before)
			continue;
		zc_step(run);
		n = poll(&pfd, 1, ANSWER_WAIT_MS);
		if (n < 0 && errno != EINTR)
			return zc_fail(run, "poll");
		if (n == 0) {
			fprintf(stderr,
				"%s: the kernel has not answered for %" PRIu64
				" sends in %d s; is the receiver reading?\n",
				run->prog, zc_ledger_open(run),
				ANSWER_WAIT_MS / 1000);
			return -1;
		}
	}
	return 0;
}

/* ENOBUFS with nothing in flight: waiting would not help, so this chunk
 * goes the ordinary way, copied, and the summary says how much did. */
static int send_copied(struct zc_run *run, const char *buf, size_t len)
{
	uint64_t before = run->sent;

	if (zc_write_all(run, buf, len))
		return -1;
	run->done.fallback_bytes += run->sent - before;
	return 0;
}

int main(int argc, char **argv)
{
	return zc_sender_main(argc, argv, ZC_PROG, send_file);
}
