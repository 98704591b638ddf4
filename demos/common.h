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

/*
 * For a sender whose loop runs in another program (the Java demos:
 * demos/java.c starts a JVM): the same options, checked the same way, the
 * same checks of the file, and at the end the same summary.
 */
struct zc_demo;
struct zc_sender_opts {
	const char *to;
	const char *file;
	uint64_t chunk;
	double rate_mbps;
	double connect_s; /* --connect-timeout */
	int step_fd;
};

/* 0 to go on, 1 when --help or --version was answered, -1 after saying
 * what is wrong. */
int zc_sender_opts_parse(int argc, char **argv, const struct zc_demo *d,
			 struct zc_sender_opts *o);

/* --to HOST:PORT, split, checked and resolved (freeaddrinfo(*res) after):
 * 0, or -1 after saying what is wrong. */
struct addrinfo;
int zc_dest_resolve(const char *prog, const char *to, char *host, size_t hlen,
		    char *port, size_t plen, struct addrinfo **res);

/* Opens a regular, readable file: its fd, or -1 after saying why not. */
int zc_file_open(const char *prog, const char *path, uint64_t *size);

/*
 * The end of a transfer: the checksum of what run sent of its file (open
 * as run->file_fd), computed in a child; the receiver's reply judged
 * against it; the summary printed, through dev in ns. The exit status.
 */
int zc_sender_summary(const struct zc_demo *d, struct zc_run *run,
		      uint64_t ns, const char *reply, const char *dev);

#endif /* ZC_COMMON_H */
