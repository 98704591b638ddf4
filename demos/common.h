/*
 * Shared plumbing for the zerocopy-lab demos: command line, files, sockets,
 * the step handshake, pacing and checksums. The demos themselves keep only
 * the loop that moves the file, so that it reads like the textbook.
 */
#ifndef ZC_COMMON_H
#define ZC_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "net.h"
#include "units.h"

/* One transfer: what a demo's send function gets and fills in. */
struct zc_run {
	const char *prog; /* "zc-traditional", for messages */
	const char *path; /* the file being sent */
	int file_fd;
	int sock_fd;
	uint64_t size; /* bytes in the file when it was opened */
	size_t chunk; /* bytes per call (--chunk) */
	uint64_t sent; /* bytes the socket has accepted so far */
	uint64_t calls; /* transfer syscalls made (read, write, ...) */
	/* plumbing, used by common.c only */
	int step_fd;
	double rate; /* bytes per second, 0 = full speed */
	uint64_t start_ns;
	double cpu_ms; /* user + system CPU time when the transfer ended */
};

/*
 * Parses the command line, runs send and prints the summary; what the
 * program is (its help, its name for the calls, whether it wants a
 * gathering device) is its row in the demo table, found by program.
 * A demo's main() is this one line, with ZC_PROG (the Makefile defines it
 * as "zc-NAME" for demos/NAME.c).
 */
int zc_sender_main(int argc, char **argv, const char *program,
		   int (*send)(struct zc_run *run));

/*
 * The step handshake: with --step-fd, wait for one byte before each
 * syscall of the transfer (zcviz --step sends one per key press). EOF on
 * the descriptor means "run freely from now on".
 */
void zc_step(struct zc_run *run);

/* Sleeps as needed to keep --rate after `bytes` more were sent. */
void zc_pace(struct zc_run *run, size_t bytes);

/* write() until all of buf went into the socket; partial writes and EINTR
 * are retried. Returns 0, or -1 after reporting the error. */
int zc_write_all(struct zc_run *run, const char *buf, size_t len);

/* Reports that `call` failed (errno) and returns -1. */
int zc_fail(struct zc_run *run, const char *call);

/* Reports that the file got shorter while it was being sent; returns -1. */
int zc_fail_shrunk(struct zc_run *run);

#endif /* ZC_COMMON_H */
