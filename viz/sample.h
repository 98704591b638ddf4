/*
 * The file a run sends, made ready before the run.
 */
#ifndef ZC_SAMPLE_H
#define ZC_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"

/*
 * Makes FILE (or build/sample-SIZE.bin when FILE is NULL) ready: checks
 * it, or writes SIZE random bytes. Prints progress for big files.
 */
int sample_prepare(const char *file, uint64_t size, char *path, size_t pathlen,
		   char *why, size_t whylen);
/*
 * Cold: write back and drop the file's pages, so that the demo reads it
 * from disk. Warm: read it all once, so that nothing comes from disk.
 * Says in res whether the file lives in memory (tmpfs).
 */
int sample_cache(const char *path, bool cold, struct run_result *res);

/*
 * The file the lab's receiver writes (zc-sink --recv splice): dir/received
 * in a directory of its own, made here (mkdtemp, mode 0700, so that
 * nobody else can put anything in it); 0, or -1 with why.
 */
int sample_receive_path(char dir[64], char path[96], char *why, size_t len);
/* Removes that directory and what is in it: the file, and whatever a
 * killed zc-sink left beside it. */
void sample_receive_drop(char dir[64]);

#endif /* ZC_SAMPLE_H */
