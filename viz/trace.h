/*
 * The instrument's user half: load the BPF programs for one run, filter
 * them on that run's processes, file and device, and read what they count.
 */
#ifndef ZC_TRACE_H
#define ZC_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "counts.h"
#include "probe.h"

struct trace_target {
	pid_t sender; /* the demo */
	pid_t sink; /* the receiver, 0 when remote */
	uint64_t file_ino;
	uint32_t file_kdev; /* the kernel's encoding of st_dev */
	uint32_t ifindex; /* the egress device ... */
	uint32_t netns; /* ... in this network namespace (inode) */
	uint16_t port; /* the receiver's TCP port */
	bool events; /* send individual events through the ring buffer */
	int step_fd; /* the demo's step handshake, not counted; -1: none */
	bool many_threads; /* more than one thread may move data at once */
	/* zcviz -p: any regular file is a file, any device the device, and
	 * the flows are the sender's sockets, not port on ifindex */
	bool watch_any;
	/* zcviz -p: the processes trace_adopt() adds, and every process a
	 * watched one starts, are watched too */
	bool follow;
	/* zcviz -- CMD: each flow's payload at the device, beside the total */
	bool flow_nets;
	/* follow the sender's pinned user pages (a zero-copy demo) */
	bool zc_frags;
	/* what each page the receiver gets lets TCP_ZEROCOPY_RECEIVE do */
	bool rx_pages;
	/* the kernel counts our programs' runs and time while we run
	 * (bpf_enable_stats: off again when zcviz exits, however) */
	bool stats;
	/* and an empty program beside each of ours, on the same hook: the
	 * cheapest a program there can be, to hold ours against */
	bool baseline;
};

/* A hook of ours: our program's runs and time on it, and the empty one's. */
struct trace_hook {
	char name[32]; /* the tracepoint */
	uint64_t runs, ns;
	uint64_t empty_runs, empty_ns; /* both 0: no empty program there */
};
#define TRACE_MAX_HOOKS 24

struct trace;
typedef void (*trace_event_fn)(void *ctx, const struct zc_event *e);

/* Was this zcviz built without the BPF toolchain (viz/trace_none.c)? */
bool trace_replay_only(void);

/* 0, or ZC_EXIT_ENV with a one-line reason: root, BTF, tracefs. */
int trace_check_env(char *why, size_t len);

/* Loads and attaches; NULL with a one-line reason in why. */
struct trace *trace_start(const struct trace_target *target, trace_event_fn fn,
			  void *ctx, char *why, size_t len);
/* Delivers pending events; waits at most timeout_ms. */
int trace_poll(struct trace *t, int timeout_ms);
void trace_read(const struct trace *t, struct zc_counts *out);
/*
 * What the kernel counted of our programs (skipped runs, runs, CPU time),
 * into out: once, at the end, as it takes a syscall per program.
 */
void trace_read_programs(const struct trace *t, struct zc_counts *out);
/* Each hook's counts (with target->stats), into h: how many. */
int trace_read_hooks(const struct trace *t, struct trace_hook *h, int max);
/* Bit mask of (1 << TP_*) for the probes that are not attached. */
/* The sender's name as it exited ("" while it runs). */
void trace_read_comm(const struct trace *t, char *comm, size_t len);
/* The sender's flows and files, one by one. */
void trace_read_slots(const struct trace *t, struct zc_flow *flows,
		      struct zc_file *files);
/*
 * With follow: watch process tgid too, started by ppid (0: given). 1 when
 * added, 0 when it was watched already, -1 when every slot is taken.
 */
int trace_adopt(struct trace *t, pid_t tgid, pid_t ppid, const char *comm);
/* The processes watched, slot by slot (a free one's tgid is 0). */
void trace_read_procs(const struct trace *t, struct zc_proc *procs);
unsigned trace_missing(const struct trace *t);
/*
 * Does this kernel run no BPF program while PID 1 is the current task? Its
 * BTF says so: bpf_prog_aux has an init_owned field, which upstream Linux
 * has not (docs/measurement.md). 1 yes, 0 no, -1 not known.
 */
int trace_init_gate(void);
void trace_stop(struct trace *t);

/* libbpf's messages: everything with verbose, else kept for trace_log() */
void trace_set_verbose(bool verbose);
const char *trace_log(void);
/* Unmounts tracefs if trace_check_env() had to mount it. */
void trace_env_restore(void);

#endif /* ZC_TRACE_H */
