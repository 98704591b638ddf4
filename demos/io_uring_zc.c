/*
 * io-uring-zc: map the file, then hand io_uring IORING_OP_SEND_ZC requests
 * for it, --batch of them per io_uring_enter(). Like MSG_ZEROCOPY the
 * socket pins the mapped pages instead of copying them; each request
 * completes twice: once with the bytes sent, once more, a notification,
 * when the kernel is done with the pages (and, asked with
 * IORING_SEND_ZC_REPORT_USAGE, whether it copied them after all).
 *
 *   disk --DMA--> page cache ==mapped==> map --page ref (pinned)--> socket buffer --DMA--> NIC
 *                       io_uring_enter(): N x SEND_ZC in, results and notifications out
 *
 * Per batch of N chunks: 1 syscall (2 mode switches), so far below 1 per
 * chunk, and 0 copies at the socket. Delivered to a socket on this machine
 * (the lab), the kernel copies the pages after all, and the notifications
 * say so: lessons/en/08-io-uring-zc.md.
 */
#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#ifdef ZC_HAVE_LIBURING
#include <liburing.h>

/* Linux 6.2's, newer than liburing 2.3's header (Debian 12) */
#ifndef IORING_SEND_ZC_REPORT_USAGE
#define IORING_SEND_ZC_REPORT_USAGE (1U << 3)
#endif
#ifndef IORING_NOTIF_USAGE_ZC_COPIED
#define IORING_NOTIF_USAGE_ZC_COPIED (1U << 31)
#endif

static unsigned batch_queue(struct zc_run *run, struct io_uring *ring,
			    const char *map);
static int batch_reap(struct zc_run *run, struct io_uring *ring, unsigned n);
static int notes_wait(struct zc_run *run, struct io_uring *ring);
static int ring_open(struct zc_run *run, struct io_uring *ring);

static int send_file(struct zc_run *run)
{
	struct io_uring ring;
	const char *map;
	unsigned n;
	int err;

	if (run->size == 0)
		return 0; /* mmap() refuses a zero length: nothing to send */
	zc_step(run);
	map = mmap(NULL, run->size, PROT_READ, MAP_SHARED, run->file_fd, 0);
	if (map == MAP_FAILED)
		return zc_fail(run, "mmap");
	err = ring_open(run, &ring);
	if (err)
		goto unmap;
	run->zero_copy = true;
	while (!err && run->sent < run->size) {
		/* up to --batch SEND_ZC requests for the next chunks, in order */
		n = batch_queue(run, &ring, map);
		zc_step(run);
		/* one syscall: the kernel takes them all, and we wait for
		 * their results (their notifications come when they come) */
		err = io_uring_submit_and_wait(&ring, n);
		if (err < 0) {
			errno = -err;
			err = zc_fail(run, "io_uring_enter");
			break;
		}
		err = batch_reap(run, &ring, n);
		zc_pace(run, 0);
	}
	/* the pages are the kernel's until every notification is in */
	if (!err)
		err = notes_wait(run, &ring);
	io_uring_queue_exit(&ring);
unmap:
	zc_step(run);
	munmap((void *)map, run->size);
	return err;
}

/* ---- requests and completions: plumbing the loop above relies on ---- */

/*
 * The next --batch chunks as SEND_ZC requests, linked so that each starts
 * only when the one before it is done: TCP is a stream, and two sends in
 * flight at once could leave in either order. Each request's user_data is
 * its number in the ledger, which its notification answers for.
 */
static unsigned batch_queue(struct zc_run *run, struct io_uring *ring,
			    const char *map)
{
	uint64_t off = run->sent, len;
	struct io_uring_sqe *sqe = NULL;
	unsigned n = 0;
	long id;

	while (n < run->batch && off < run->size &&
	       (sqe = io_uring_get_sqe(ring))) {
		len = run->size - off < run->chunk ? run->size - off :
						     run->chunk;
		id = zc_ledger_add(run, len);
		if (id < 0)
			break;
		io_uring_prep_send_zc(sqe, run->sock_fd, map + off, len,
				      MSG_WAITALL, IORING_SEND_ZC_REPORT_USAGE);
		io_uring_sqe_set_data64(sqe, id);
		sqe->flags |= IOSQE_IO_LINK;
		off += len;
		n++;
	}
	if (sqe && n)
		sqe->flags &= ~IOSQE_IO_LINK; /* the chain ends here */
	return n;
}

/* A notification: the kernel is done with a request's pages. */
static void note_take(struct zc_run *run, const struct io_uring_cqe *cqe)
{
	uint32_t id = (uint32_t)cqe->user_data;

	run->done.notes++;
	zc_ledger_answer(run, id, id,
			 (uint32_t)cqe->res & IORING_NOTIF_USAGE_ZC_COPIED);
}

/* The next completion, waiting for it with a syscall only if none is in. */
static int cqe_next(struct zc_run *run, struct io_uring *ring,
		    struct io_uring_cqe **cqe)
{
	int rc = io_uring_peek_cqe(ring, cqe);

	if (rc == -EAGAIN) {
		zc_step(run);
		rc = io_uring_wait_cqe(ring, cqe);
	}
	if (rc < 0) {
		errno = -rc;
		return zc_fail(run, "io_uring_enter");
	}
	return 0;
}

/*
 * The results of the batch's n requests, in order: each the bytes it sent.
 * MSG_WAITALL makes the kernel send a request's every byte or fail it, and
 * a failure cancels the rest of its chain (-ECANCELED): the chunks after
 * one cut short go again in the next batch.
 */
static int batch_reap(struct zc_run *run, struct io_uring *ring, unsigned n)
{
	struct io_uring_cqe *cqe;
	bool cut = false;
	uint32_t id;
	int res, err = 0;

	while (n > 0 && !(err = cqe_next(run, ring, &cqe))) {
		id = (uint32_t)cqe->user_data;
		res = cqe->res;
		if (cqe->flags & IORING_CQE_F_NOTIF) {
			note_take(run, cqe);
		} else {
			n--;
			if (res < 0 && res != -ECANCELED && !cut) {
				io_uring_cqe_seen(ring, cqe);
				errno = -res;
				return zc_fail(run, "send (IORING_OP_SEND_ZC)");
			}
			res = cut || res < 0 ? 0 : res;
			/* what it really carried; without IORING_CQE_F_MORE
			 * no notification will answer for it */
			zc_ledger_amend(run, id, res,
					cqe->flags & IORING_CQE_F_MORE);
			run->calls += res > 0;
			run->sent += res;
			/* short of its chunk, and not the file's last one */
			cut = cut || ((uint64_t)res < run->chunk &&
				      run->sent < run->size);
		}
		io_uring_cqe_seen(ring, cqe);
	}
	return err;
}

/* Every notification still to come: until then the pages are pinned. */
static int notes_wait(struct zc_run *run, struct io_uring *ring)
{
	struct io_uring_cqe *cqe;

	while (zc_ledger_open(run)) {
		if (cqe_next(run, ring, &cqe))
			return -1;
		if (cqe->flags & IORING_CQE_F_NOTIF)
			note_take(run, cqe);
		io_uring_cqe_seen(ring, cqe);
	}
	return 0;
}

/*
 * Room for a batch, and for the notifications still to come: they come
 * only when TCP is done with the pages (acknowledged, or copied), so many
 * may wait; a full completion ring makes the kernel hold the rest aside.
 */
#define NOTES_ROOM 4096

static int ring_open(struct zc_run *run, struct io_uring *ring)
{
	struct io_uring_params p = { .flags = IORING_SETUP_CQSIZE,
				     .cq_entries = NOTES_ROOM };
	int rc = io_uring_queue_init_params(run->batch < 32 ? 32 : run->batch,
					    ring, &p);

	if (rc < 0) {
		errno = -rc;
		return zc_fail(run, "io_uring_setup");
	}
	return 0;
}

#endif /* ZC_HAVE_LIBURING */

/* ---- can this machine run it? (PROGRAM --check, and before a run) --- */

static void disabled_say(const char *prog, int err)
{
	char v[8] = "?";
	FILE *f = fopen("/proc/sys/kernel/io_uring_disabled", "r");

	if (f) {
		if (!fgets(v, sizeof(v), f))
			strcpy(v, "?");
		v[strcspn(v, "\n")] = '\0';
		fclose(f);
	}
	if (err == ENOSYS)
		fprintf(stderr,
			"%s: io_uring is not available here (ENOSYS: a kernel without CONFIG_IO_URING, or a seccomp filter)\n",
			prog);
	else if (strcmp(v, "0") && strcmp(v, "?"))
		fprintf(stderr,
			"%s: io_uring is disabled here (kernel.io_uring_disabled = %s; 0 allows it)\n",
			prog, v);
	else
		fprintf(stderr,
			"%s: io_uring refuses us: %s (a seccomp filter?)\n",
			prog, strerror(err));
}

static int ring_ready(const char *prog)
{
#ifdef ZC_HAVE_LIBURING
	struct io_uring ring;
	struct io_uring_probe *p;
	bool zc;
	int rc = io_uring_queue_init(2, &ring, 0);

	if (rc < 0) {
		disabled_say(prog, -rc);
		return ZC_EXIT_ENV;
	}
	p = io_uring_get_probe_ring(&ring);
	zc = p && io_uring_opcode_supported(p, IORING_OP_SEND_ZC);
	io_uring_free_probe(p);
	io_uring_queue_exit(&ring);
	if (zc)
		return 0;
	fprintf(stderr,
		"%s: this kernel's io_uring has no IORING_OP_SEND_ZC (Linux 6.0 added it; 6.2 the copy report)\n",
		prog);
	return ZC_EXIT_ENV;
#else
	(void)disabled_say;
	fprintf(stderr,
		"%s: built without liburing: install it (sudo apt-get install liburing-dev, or sudo make deps), then make\n",
		prog);
	return ZC_EXIT_ENV;
#endif
}

#ifndef ZC_HAVE_LIBURING
static int send_file(struct zc_run *run)
{
	return ring_ready(run->prog);
}
#endif

int main(int argc, char **argv)
{
	return zc_sender_main_ready(argc, argv, ZC_PROG, send_file, ring_ready);
}
