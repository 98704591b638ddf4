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

#define ZC_VERSION "0.1.0"

/* Exit statuses shared by every program of the project (DESIGN.md 6). */
enum {
	ZC_EXIT_OK = 0,
	ZC_EXIT_FAIL = 1, /* the transfer or its verification failed */
	ZC_EXIT_USAGE = 2, /* bad command line or bad input */
	ZC_EXIT_ENV = 3, /* the environment lacks something (root, a tool) */
};

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

/* What distinguishes one demo from another. */
struct zc_sender {
	const char *prog; /* program name, "zc-sendfile" */
	const char *what; /* one line for --help */
	const char *calls; /* syscall name(s) for the summary, "sendfile" */
	int (*send)(struct zc_run *run); /* 0 on success, -1 after zc_fail() */
	int wants_gather; /* warn when the egress device cannot gather */
};

/* Parses the command line, runs demo->send and prints the summary. */
int zc_sender_main(int argc, char **argv, const struct zc_sender *demo);

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
 * Does a regular file of this size hold more? A file in /proc says it
 * holds 0 bytes: a sender that trusted it would send nothing, and the
 * receiver would agree. The message takes the path.
 */
bool zc_size_lies(int fd, uint64_t size);
#define ZC_SIZE_LIES_FMT \
	"'%s' says it holds 0 bytes but has content (a /proc or /sys file?); copy it to a regular file and send that"

/* Helpers shared with zc-sink and zcviz. */
int zc_parse_size(const char *s, uint64_t *out);
/* --rate MBPS: a finite number from ZC_RATE_MIN to ZC_RATE_MAX. */
#define ZC_RATE_MIN 0.001
#define ZC_RATE_MAX 1000000.0
#define ZC_RATE_USAGE \
	"--rate must be a number of megabytes a second from 0.001 to 1000000, not '%s'"
int zc_parse_rate(const char *s, double *mbps);
/* A timeout: from 0.001 seconds to a day. */
int zc_parse_seconds(const char *s, double *sec);
#define ZC_CONNECT_TIMEOUT_S 5.0
int zc_split_hostport(const char *prog, const char *arg, char *host,
		      size_t hostlen, char *port, size_t portlen);
uint64_t zc_now_ns(void);
/* This process's CPU time (user + system) so far, in milliseconds. */
double zc_cpu_ms(void);
/*
 * The device a connected socket leaves by: the one holding its local
 * address, or lo when the peer is an address of this machine too.
 */
void zc_sock_egress(int sock, char *dev, size_t devlen);
/* Is scatter-gather on for this device? 1 yes, 0 no, -1 unknown. */
int zc_dev_sg(const char *dev);
void zc_print_rate(char *out, size_t outlen, uint64_t bytes, uint64_t ns);

#endif /* ZC_COMMON_H */
