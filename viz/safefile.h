/*
 * Files that zcviz writes (a --record trace, the sample file) while it
 * runs as root: never through a link planted at the path, and never
 * truncating what is there before the new content is complete. The
 * content goes to a temporary created with O_EXCL next to the target,
 * and takes the target's name when it is complete.
 */
#ifndef ZC_SAFEFILE_H
#define ZC_SAFEFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct safefile {
	int fd; /* the temporary, -1 when there is none */
	char tmp[PATH_MAX];
	char path[PATH_MAX];
};

/*
 * Creates the temporary for path. Refuses (-1, with a reason) a path that
 * is a link or anything but a regular file, or a directory it cannot
 * write in.
 */
int safefile_open(struct safefile *sf, const char *path, char *why, size_t len);
/* The same, as a stream for writing (what: "--record", for the message);
 * NULL with a reason, and nothing left behind. */
FILE *safefile_fopen(struct safefile *sf, const char *path, const char *what,
		     char *why, size_t len);
/*
 * Closes the temporary (unless fd is -1: closed already) and gives it the
 * target's name: 0, or -1 with a reason. Without replace, a target that
 * appeared meanwhile is kept and the temporary dropped: 1.
 */
int safefile_commit(struct safefile *sf, bool replace, char *why, size_t len);
/* Removes the temporary; the target stays as it was. */
void safefile_abort(struct safefile *sf);

#endif /* ZC_SAFEFILE_H */
