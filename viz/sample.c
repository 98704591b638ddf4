/*
 * The file a run sends: the one given, checked, or a sample of random
 * bytes made once in build/; warm or cold in the page cache. See sample.h.
 */
#include "sample.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../lib/units.h"
#include "paths.h"
#include "safefile.h"

#define TMPFS_MAGIC 0x01021994

/* Is there room for size more bytes where fd is? */
static int space_check(int fd, const char *path, uint64_t size, char *why,
		       size_t whylen)
{
	struct statvfs vfs;
	uint64_t room;

	if (fstatvfs(fd, &vfs))
		return 0; /* cannot tell: the writes will say */
	room = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (room >= size)
		return 0;
	snprintf(why, whylen,
		 "no room for %s (%" PRIu64 " bytes): %" PRIu64
		 " bytes are free there; give a smaller --size, or --file",
		 path, size, room);
	return -1;
}

/*
 * SIZE random bytes at path, written whole or not at all. A file of that
 * name that another run wrote meanwhile is as good: it stays (replace
 * false); one of the wrong size goes (replace true).
 */
static int file_random(const char *path, uint64_t size, bool replace, char *why,
		       size_t whylen)
{
	static char buf[1 << 20];
	struct safefile sf;
	uint64_t done = 0;
	size_t n;
	int shown = 0, rc = ZC_EXIT_ENV;

	if (safefile_open(&sf, path, why, whylen))
		return ZC_EXIT_ENV;
	if (space_check(sf.fd, path, size, why, whylen))
		goto cleanup;
	for (; done < size && !run_stop_signal(); done += n) {
		n = size - done < sizeof(buf) ? size - done : sizeof(buf);
		if (getrandom(buf, n, 0) != (ssize_t)n ||
		    write(sf.fd, buf, n) != (ssize_t)n)
			break;
		if (size >= (256 << 20) &&
		    done * 10 / size != (done + n) * 10 / size)
			fprintf(stderr, "\rzcviz: writing %s: %3d%%", path,
				shown = (int)((done + n) * 100 / size));
	}
	if (shown)
		fputc('\n', stderr);
	if (run_stop_signal()) {
		snprintf(why, whylen, "interrupted");
		rc = 128 + run_stop_signal();
	} else if (done < size) {
		snprintf(why, whylen, "cannot write %s: %s", path,
			 strerror(errno));
	} else if (safefile_commit(&sf, replace, why, whylen) >= 0) {
		return 0;
	}
cleanup:
	safefile_abort(&sf);
	return rc;
}

/* A file whose size lies (/proc) would be sent as nothing, "verified". */
static int file_honest(const char *file, uint64_t size, char *why,
		       size_t whylen)
{
	int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	bool lies = fd >= 0 && zc_size_lies(fd, size);

	if (fd >= 0)
		close(fd);
	if (!lies)
		return 0; /* or unreadable: the demo says so */
	snprintf(why, whylen, ZC_SIZE_LIES_FMT, file);
	return ZC_EXIT_USAGE;
}

static void size_name(uint64_t size, char *out, size_t len)
{
	if (size && !(size % (1ULL << 30)))
		snprintf(out, len, "%" PRIu64 "G", size >> 30);
	else if (size && !(size % (1ULL << 20)))
		snprintf(out, len, "%" PRIu64 "M", size >> 20);
	else if (size && !(size % 1024))
		snprintf(out, len, "%" PRIu64 "K", size >> 10);
	else
		snprintf(out, len, "%" PRIu64, size);
}

int sample_prepare(const char *file, uint64_t size, char *path, size_t pathlen,
		   char *why, size_t whylen)
{
	char dir[PATH_MAX], name[32];
	struct stat st;
	bool exists;
	int rc;

	if (file) {
		snprintf(path, pathlen, "%s", file);
		if (stat(file, &st)) {
			snprintf(
				why, whylen,
				"cannot use --file '%s': %s; give the path of a regular file",
				file, strerror(errno));
			return ZC_EXIT_USAGE;
		}
		if (!S_ISREG(st.st_mode)) {
			snprintf(
				why, whylen,
				"--file '%s' is not a regular file; the demos send regular files only",
				file);
			return ZC_EXIT_USAGE;
		}
		return file_honest(file, st.st_size, why, whylen);
	}
	if (paths_programs(dir, sizeof(dir))) {
		snprintf(why, whylen, "cannot find where zcviz is installed");
		return ZC_EXIT_ENV;
	}
	size_name(size, name, sizeof(name));
	snprintf(path, pathlen, "%s/sample-%s.bin", dir, name);
	exists = !lstat(path, &st);
	if (exists && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size)
		return 0;
	rc = file_random(path, size, exists, why, whylen);
	if (rc)
		return rc;
	/* another run may have written it meanwhile: it must be the sample */
	if (lstat(path, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != size) {
		snprintf(
			why, whylen,
			"%s changed while it was written; remove it and run again",
			path);
		return ZC_EXIT_ENV;
	}
	return 0;
}

/*
 * Cold: write back and drop the file's pages, so that the demo reads it
 * from disk. Warm: read it all once, so that nothing comes from disk.
 */
int sample_cache(const char *path, bool cold, struct run_result *res)
{
	static char buf[1 << 20];
	struct statfs sf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(res->why, sizeof(res->why), "cannot open '%s': %s",
			 path, strerror(errno));
		return ZC_EXIT_USAGE;
	}
	res->tmpfs = !fstatfs(fd, &sf) && sf.f_type == TMPFS_MAGIC;
	if (cold) {
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	} else {
		while (read(fd, buf, sizeof(buf)) > 0)
			;
	}
	close(fd);
	return 0;
}

int sample_receive_path(char dir[64], char path[96], char *why, size_t len)
{
	snprintf(dir, 64, "/tmp/zcviz-recv.XXXXXX");
	if (!mkdtemp(dir)) {
		snprintf(why, len, "cannot make a directory in /tmp: %s",
			 strerror(errno));
		dir[0] = '\0';
		return -1;
	}
	snprintf(path, 96, "%s/received", dir);
	return 0;
}

void sample_receive_drop(char dir[64])
{
	struct dirent *e;
	DIR *d;

	if (!dir[0])
		return;
	d = opendir(dir);
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	rmdir(dir);
	dir[0] = '\0';
}
