/*
 * Write to a temporary, rename when complete. See safefile.h.
 */
#include "safefile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int path_check(const char *path, char *why, size_t len)
{
	struct stat st;

	errno = 0;
	if (lstat(path, &st) && errno == ENOENT)
		return 0;
	if (errno)
		snprintf(why, len, "cannot write '%s': %s", path,
			 strerror(errno));
	else if (S_ISLNK(st.st_mode))
		snprintf(
			why, len,
			"'%s' is a symbolic link: zcviz does not write through links; remove it or give another path",
			path);
	else if (!S_ISREG(st.st_mode))
		snprintf(
			why, len,
			"'%s' exists and is not a regular file; give the path of a new or regular file",
			path);
	else
		return 0;
	return -1;
}

int safefile_open(struct safefile *sf, const char *path, char *why, size_t len)
{
	char copy[PATH_MAX];
	mode_t mask;

	sf->fd = -1;
	sf->tmp[0] = '\0';
	snprintf(sf->path, sizeof(sf->path), "%s", path);
	snprintf(copy, sizeof(copy), "%s", path);
	if (!*path || path[strlen(path) - 1] == '/') {
		snprintf(why, len, "'%s' is not a file's path", path);
		return -1;
	}
	if (path_check(path, why, len))
		return -1;
	/* hidden, next to the target (rename() is atomic only there) */
	snprintf(sf->tmp, sizeof(sf->tmp), "%s/.%s.XXXXXX", dirname(copy),
		 strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	sf->fd = mkostemp(sf->tmp, O_CLOEXEC);
	if (sf->fd < 0) {
		snprintf(why, len, "cannot write '%s': %s", path,
			 strerror(errno));
		sf->tmp[0] = '\0';
		return -1;
	}
	/* mkostemp() makes it 0600: the mode a plain create would give */
	mask = umask(0);
	umask(mask);
	fchmod(sf->fd, 0666 & ~mask);
	return 0;
}

int safefile_commit(struct safefile *sf, bool replace, char *why, size_t len)
{
	int rc = 0;

	if (sf->fd >= 0 && close(sf->fd))
		rc = -1;
	else if (!replace &&
		 renameat2(AT_FDCWD, sf->tmp, AT_FDCWD, sf->path,
			   RENAME_NOREPLACE) &&
		 errno == EEXIST)
		rc = 1;
	else if (replace && rename(sf->tmp, sf->path))
		rc = -1;
	if (rc < 0)
		snprintf(why, len, "cannot write '%s': %s", sf->path,
			 strerror(errno));
	if (rc) {
		unlink(sf->tmp);
	}
	sf->fd = -1;
	sf->tmp[0] = '\0';
	return rc;
}

void safefile_abort(struct safefile *sf)
{
	if (!sf->tmp[0])
		return;
	if (sf->fd >= 0)
		close(sf->fd);
	unlink(sf->tmp);
	sf->fd = -1;
	sf->tmp[0] = '\0';
}

FILE *safefile_fopen(struct safefile *sf, const char *path, const char *what,
		     char *why, size_t len)
{
	FILE *f;

	if (safefile_open(sf, path, why, len))
		return NULL;
	f = fdopen(sf->fd, "w");
	if (!f) {
		snprintf(why, len, "cannot write %s '%s': %s", what, path,
			 strerror(errno));
		safefile_abort(sf);
	}
	return f;
}
