/*
 * Whether a run got there whole. See verify.h.
 */
#include "verify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "../lib/summary.h"

/* The checksum of the whole file, read here: zcviz is not the sender, so
 * this reading is on no figure. */
static int file_sum(const char *path, uint64_t *bytes, uint64_t *sum)
{
	static char buf[1 << 16];
	zc_sum_state h;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	zc_sum_reset(&h);
	*bytes = 0;
	while ((n = read(fd, buf, sizeof(buf))) > 0 ||
	       (n < 0 && errno == EINTR)) {
		if (n > 0)
			zc_sum_update(&h, buf, n);
		*bytes += n > 0 ? n : 0;
	}
	close(fd);
	*sum = zc_sum_digest(&h);
	return n < 0 ? -1 : 0;
}

bool verify_file(const char *sink, const char *path, bool *unread)
{
	uint64_t fb, fs, rb, rs = 0;
	int got = zc_summary_parse(sink, ZC_RECEIVED, &rb, &rs);

	*unread = got == 1; /* --recv discard: the bytes alone */
	return got >= 0 && !file_sum(path, &fb, &fs) && fb == rb &&
	       (got == 1 || fs == rs);
}

bool verify_lines(const char *sender, const char *sink, bool *unread)
{
	uint64_t sb, sc, rb, rc = 0;
	int r;

	if (zc_summary_parse(sender, ZC_SENT, &sb, &sc))
		return false;
	r = zc_summary_parse(sink, ZC_RECEIVED, &rb, &rc);
	*unread = r == 1;
	return r >= 0 && sb == rb && (r == 1 || sc == rc);
}
