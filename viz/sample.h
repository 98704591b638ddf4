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

#endif /* ZC_SAMPLE_H */
