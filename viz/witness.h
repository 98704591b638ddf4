/*
 * The kernel's own counts of a run, beside what our programs counted:
 * witnesses that share nothing with BPF. The device's (its statistics,
 * as `ip -s link` shows them) and TCP's (tcp_info of the sender's socket
 * as it ended, which the kernel broadcasts to a sock_diag listener).
 *
 * Why they are needed: our programs can be skipped without a trace. On
 * the kernels of the machines this project is tested on, no BPF program
 * runs while PID 1 is the current task, and a softirq runs as whatever
 * task it interrupted: packets TCP sends from such a softirq pass the
 * tracepoints unseen. docs/measurement.md says how that was found.
 */
#ifndef ZC_WITNESS_H
#define ZC_WITNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Runs fn(arg) inside network namespace ns (NULL: ours); -1 when the
 * namespace cannot be entered, or left again. */
int netns_run(const char *ns, void (*fn)(void *arg), void *arg);

/* The device's own count, as it keeps it (ip -s link). */
struct witness_dev {
	uint64_t tx_packets; /* handed on (for a veth: to its peer) */
	uint64_t tx_dropped; /* taken to send, and dropped */
};

/* dev's counters in namespace ns; false when it has none there. */
bool witness_dev_read(const char *ns, const char *dev, struct witness_dev *out);

/* What TCP itself counted of the flow to a port, when its sockets ended. */
struct witness_tcp {
	unsigned sockets; /* how many ended and were read; 0: not known */
	uint64_t bytes_sent; /* payload handed down, every transmission */
	uint64_t bytes_retrans; /* of it, sent again */
	bool lost; /* the kernel dropped some of its messages to us */
};

struct witness;

/*
 * Starts listening, in namespace ns, for TCP sockets that end there: open
 * it before the sender connects. NULL, with why, when it cannot (no
 * sock_diag, not allowed): then TCP's count is not known.
 */
struct witness *witness_open(const char *ns, char *why, size_t len);
/*
 * Once the sender has exited: waits up to ms for its socket to the port
 * to end, and gives what TCP said of it (and of any other to the port
 * that ended meanwhile).
 */
void witness_tcp_read(struct witness *w, uint16_t port, int ms,
		      struct witness_tcp *out);
void witness_close(struct witness *w);

#endif /* ZC_WITNESS_H */
