/*
 * The file a sender sends, opened and checked, and its checksum, made by
 * a child process as the transfer goes: what common.c's framework needs
 * of it, the senders' plumbing only.
 */
#ifndef ZC_FILE_H
#define ZC_FILE_H

#include <stdint.h>

#include "common.h"

/* The checksum child's own main(): the program re-executed as it, with
 * this argument and the size */
#define CHECKSUM_CHILD "--checksum-child"
int checksum_child(const char *size);
/* Starts the child beside the transfer; stop ends it unheard, finish
 * waits for its answer (0, or -1 having said why). */
void checksum_start(struct zc_run *run);
void checksum_stop(struct zc_run *run);
int checksum_finish(struct zc_run *run, uint64_t *sum);

#endif /* ZC_FILE_H */
