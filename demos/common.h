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

#include "../lib/net.h"
#include "../lib/summary.h"
#include "../lib/units.h"

struct zc_ledger;

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
	unsigned batch; /* chunks per syscall (--batch), where the row batches */
	/* zero-copy sends, answered by the kernel later: what each one not
	 * yet answered carried (zc_ledger_*), and the answers so far, which
	 * the summary relays when zero_copy is set */
	bool zero_copy;
	struct zc_ledger *ledger;
	struct zc_completions done;
	/* plumbing, used by common.c only */
	int step_fd;
	unsigned reply_s; /* how long the receiver's answer may take */
	double rate; /* bytes per second, 0 = full speed */
	uint64_t start_ns;
	double cpu_ms; /* user + system CPU time when the transfer ended */
	/* why reading the receiver's verdict failed (a reset), NULL: it
	 * ended the connection */
	const char *reply_error;
	/* the child computing the file's checksum: its pid (0: none), its
	 * answer, and the pipe whose end tells it the transfer is over */
	pid_t sum_pid;
	int sum_fd, sum_done_fd;
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
 * The same for a demo that needs what a machine may lack (io_uring): ready
 * says, before anything else, 0 or ZC_EXIT_ENV after one line on stderr
 * saying what is missing; "PROGRAM --check" asks only that. send may
 * return ZC_EXIT_ENV too, when it finds out later.
 */
int zc_sender_main_ready(int argc, char **argv, const char *program,
			 int (*send)(struct zc_run *run),
			 int (*ready)(const char *prog));

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

/*
 * The ledger of zero-copy sends. The kernel answers for them later, by
 * number: 0, 1, 2, ... in the order they were sent (MSG_ZEROCOPY numbers
 * them so; an io_uring demo uses the number as its request's user_data).
 * add: one more send of bytes; its number, or -1 after reporting.
 * answer: the kernel is done with the pages of sends lo..hi, and copied
 * them after all or not. amend: send id carried bytes after all (fewer
 * than it asked for), and an answer for it is coming or not (it failed).
 * open: sends not answered yet.
 */
long zc_ledger_add(struct zc_run *run, uint64_t bytes);
void zc_ledger_answer(struct zc_run *run, uint32_t lo, uint32_t hi,
		      bool copied);
void zc_ledger_amend(struct zc_run *run, uint32_t id, uint64_t bytes,
		     bool answer_coming);
uint64_t zc_ledger_open(const struct zc_run *run);

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
	unsigned reply_s; /* --reply-timeout */
	int step_fd;
	unsigned batch; /* --batch, 0 when not given */
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
