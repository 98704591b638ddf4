/*
 * The file a sender sends, and its checksum. See file.h.
 */
#include "file.h"
#include "../lib/demos.h"
#include "../lib/summary.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int zc_file_open(const char *prog, const char *path, uint64_t *size)
{
	struct stat st = { 0 };
	int fd;

	/* O_NONBLOCK so that a FIFO without a writer cannot hang us here */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "%s: cannot open '%s': %s; %s\n", prog, path,
			strerror(errno),
			errno == EACCES ?
				"check its permissions with ls -l" :
				"give the path of a regular file to send");
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr,
			"%s: '%s' is %s, not a regular file; the demos send regular files only\n",
			prog, path,
			S_ISDIR(st.st_mode)  ? "a directory" :
			S_ISFIFO(st.st_mode) ? "a FIFO" :
			S_ISSOCK(st.st_mode) ? "a socket" :
					       "a device");
		close(fd);
		return -1;
	}
	if (zc_size_lies(fd, st.st_size)) {
		fprintf(stderr, "%s: " ZC_SIZE_LIES_FMT "\n", prog, path);
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, 0);
	*size = st.st_size;
	return fd;
}

/*
 * The checksum of the file, which the receiver's must match. It is computed
 * by another process (zcviz follows this one, and the checksum is not the
 * lesson), started before the transfer so that the wait for it at the end
 * is short: this program again, as "--checksum-child SIZE", spawned without
 * copying our memory (a fork would make our first writes to each page fault
 * on the demo's figures). It runs only on idle CPU (SCHED_IDLE), and hashes
 * a page only once it is in the page cache, so that it never reads the
 * file ahead of the sender (a cold run stays cold: the page cache is ahead
 * of the sender by the kernel's readahead for its own reads only) until we
 * say the transfer is over.
 */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14; older ones fault instead */
#endif
#define CHECKSUM_BLOCK (1 << 20)

/* Are the pages of [p, p + n) in memory? n <= CHECKSUM_BLOCK */
static bool pages_in(const char *p, size_t n, size_t page)
{
	unsigned char vec[CHECKSUM_BLOCK / 4096]; /* pages of 4 KiB or more */
	size_t i, pages = (n + page - 1) / page;

	if (mincore((void *)p, n, vec))
		return false; /* cannot tell: wait, rather than read ahead */
	for (i = 0; i < pages; i++)
		if (!(vec[i] & 1))
			return false;
	return true;
}

/*
 * Does mincore() tell us what of the file is in memory? Not for a file we
 * could not open for writing (since Linux 5.0: a side channel into
 * another's page cache): it says that every page is, and we would read
 * the whole file ahead of the sender. No page past the end of a file is
 * in memory, and the mapping (map bytes) holds one.
 */
static bool pages_told(const char *p, uint64_t map, size_t page)
{
	unsigned char past;

	return !mincore((void *)(p + map - page), page, &past) && !(past & 1);
}

/* The hash of len bytes of fd; until done_fd reads EOF (-1: at once),
 * each block waits until the sender has brought it into memory, and
 * every block, when mincore() cannot tell us that. */
static int checksum_of(int fd, uint64_t len, int done_fd, uint64_t *sum)
{
	struct pollfd done = { .fd = done_fd, .events = POLLIN };
	size_t n, page = sysconf(_SC_PAGESIZE);
	uint64_t off, map = (len + page - 1) / page * page + page;
	const char *p = "";
	zc_sum_state h;
	bool told;

	if (len)
		p = mmap(NULL, map, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	told = done.fd >= 0 && len && pages_told(p, map, page);
	/* our touching the pages must not start the kernel's readahead,
	 * which would bring the rest of the file in before the sender */
	if (done.fd >= 0 && len)
		madvise((void *)p, len, MADV_RANDOM);
	zc_sum_reset(&h);
	for (off = 0; off < len; off += n) {
		n = len - off < CHECKSUM_BLOCK ? len - off : CHECKSUM_BLOCK;
		while (done.fd >= 0 && !(told && pages_in(p + off, n, page)))
			if (poll(&done, 1, told ? 10 : -1) > 0) {
				done.fd = -1; /* over: read what is left */
				madvise((void *)p, len, MADV_NORMAL);
			}
		/* mapped in one call, not one page fault per 16 pages: every
		 * fault on the machine runs zcviz's page-fault program */
		madvise((void *)(p + off), n, MADV_POPULATE_READ);
		zc_sum_update(&h, p + off, n);
	}
	*sum = zc_sum_digest(&h);
	if (len)
		munmap((void *)p, map);
	return 0;
}

/* The child: the file on 0, its hash to 1, the end of the transfer on 3. */
int checksum_child(const char *size)
{
	uint64_t sum;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	sched_setscheduler(0, SCHED_IDLE, &(struct sched_param){ 0 });
	if (checksum_of(0, strtoull(size, NULL, 10), 3, &sum))
		return 1;
	return write(1, &sum, sizeof(sum)) == sizeof(sum) ? 0 : 1;
}

/* No child left, nor its pipes: after its answer, or when we fail. */
void checksum_stop(struct zc_run *run)
{
	if (run->sum_pid <= 0)
		return;
	if (run->sum_done_fd >= 0)
		close(run->sum_done_fd);
	close(run->sum_fd);
	kill(run->sum_pid, SIGKILL); /* done by now, or no longer needed */
	waitpid(run->sum_pid, NULL, 0);
	run->sum_pid = 0;
}

void checksum_start(struct zc_run *run)
{
	char size[24];
	char *argv[] = { (char *)run->prog, CHECKSUM_CHILD, size, NULL };
	posix_spawn_file_actions_t fa;
	int out[2], done[2], rc;
	pid_t pid;

	snprintf(size, sizeof(size), "%" PRIu64, run->size);
	if (pipe2(out, O_CLOEXEC))
		return;
	if (pipe2(done, O_CLOEXEC)) {
		close(out[0]);
		close(out[1]);
		return;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, run->file_fd, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, done[0], 3);
	rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	close(done[0]);
	if (rc) { /* then it is computed here, at the end */
		close(out[0]);
		close(done[1]);
		return;
	}
	run->sum_pid = pid;
	run->sum_fd = out[0];
	run->sum_done_fd = done[1];
}

/* The child's answer (0), or -1; without a child, computed here. */
int checksum_finish(struct zc_run *run, uint64_t *sum)
{
	int ok;

	if (!run->sum_pid)
		return checksum_of(run->file_fd, run->sent, -1, sum);
	close(run->sum_done_fd); /* the transfer is over: hash the rest */
	run->sum_done_fd = -1;
	ok = read(run->sum_fd, sum, sizeof(*sum)) == sizeof(*sum);
	checksum_stop(run);
	return ok && run->sent == run->size ? 0 : -1;
}
