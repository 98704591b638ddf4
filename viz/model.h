/*
 * The accounting model: from what the tracepoints counted to the arrows
 * between the stages (disk, page cache, user buffer, socket buffer, NIC),
 * their kinds and bytes, and the headline number: CPU copies of the file.
 * Pure functions, no I/O: tests/unit/test_model.c drives them.
 */
#ifndef ZC_MODEL_H
#define ZC_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/demos.h"
#include "../lib/summary.h"
#include "counts.h"
#include "probe.h"

enum zc_kind { K_DMA, K_CPU_COPY, K_PAGE_REF, K_MAP };

/*
 * The boxes of the diagram, the stages a byte goes through: the sender's,
 * then the receiver's (zc-sink's, in the lab). An arrow into a receiver's
 * box is the receiver's: its copies are the receiver's figure, not the
 * sender's, and it is measured only where the receiver is zcviz's.
 */
enum zc_box {
	BOX_DISK,
	BOX_CACHE,
	BOX_USER,
	BOX_SOCKET,
	BOX_NIC,
	BOX_PIPE,
	BOX_RX_SOCKET, /* the receiver's socket buffer */
	BOX_RX_USER, /* its buffer, or its window of the socket (mmap) */
	BOX_RX_PIPE, /* its pipe (splice) */
	BOX_RX_CACHE, /* the page cache of the file it splices into */
	BOX_NR
};

/*
 * The arrows (the JSON's "edges"), in the order the data flows, in one
 * list: A(ID, its JSON key, its label in the report, the box it leaves,
 * the box it enters, its kind, the counter (bpf/zc.h) that holds its
 * bytes, the tracepoint group (ZC_PROBES) without which it is not
 * measured, the syscall (enum zc_moves) without which a demo has no such
 * arrow: NONE for every demo). An arrow whose counter is NONE is added
 * up in model.c from several, and its kind may change there (what the
 * socket took from user memory: copied, or pinned pages); one with a
 * counter is that counter, of that kind: the report, the JSON, the
 * dashboard's diagram (a path between its two boxes) and the CPU copies
 * take it from this row alone. docs/architecture.md says how to add one.
 */
#define ZC_ARROWS(A)                                                           \
	A(DISK_CACHE, "disk_to_pagecache", "disk -> page cache", DISK, CACHE,  \
	  DMA, CACHE_ADD_BYTES, CACHE, NONE)                                   \
	A(CACHE_USER, "pagecache_to_user", "page cache -> user buffer", CACHE, \
	  USER, CPU_COPY, FILE_READ_BYTES, SYSCALLS, NONE)                     \
	A(CACHE_MAPPED, "pagecache_mapped", "page cache => user (mapped)",     \
	  CACHE, USER, MAP, FILE_MAP_BYTES, SYSCALLS, NONE)                    \
	A(USER_SOCKET, "user_to_socket", "user buffer -> socket buffer", USER, \
	  SOCKET, CPU_COPY, NONE, SENDMSG, NONE)                               \
	A(CACHE_SOCKET, "pagecache_to_socket", "page cache -> socket buffer",  \
	  CACHE, SOCKET, PAGE_REF, NONE, SENDMSG, NONE)                        \
	A(CACHE_PIPE, "pagecache_to_pipe", "page cache -> pipe", CACHE, PIPE,  \
	  PAGE_REF, PIPE_IN_BYTES, SYSCALLS, SPLICE)                           \
	A(PIPE_SOCKET, "pipe_to_socket", "pipe -> socket buffer", PIPE,        \
	  SOCKET, PAGE_REF, NONE, SENDMSG, SPLICE)                             \
	A(SOCKET_NIC, "socket_to_nic", "socket buffer -> NIC", SOCKET, NIC,    \
	  DMA, NONE, NET, NONE)                                                \
	A(NIC_RX, "nic_to_rx_socket", "NIC -> socket", NIC, RX_SOCKET, DMA,    \
	  RX_IN_BYTES, RX, NONE)                                               \
	A(RX_MAPPED, "rx_socket_mapped", "socket => user (mapped)", RX_SOCKET, \
	  RX_USER, MAP, RX_MAP_BYTES, SYSCALLS, NONE)                          \
	A(RX_USER, "rx_socket_to_user", "socket -> user buffer", RX_SOCKET,    \
	  RX_USER, CPU_COPY, RX_COPY_BYTES, RX_COPY, NONE)                     \
	A(RX_PIPE, "rx_socket_to_pipe", "socket -> pipe", RX_SOCKET, RX_PIPE,  \
	  PAGE_REF, RX_SPLICE_BYTES, SYSCALLS, NONE)                           \
	A(RX_FILE, "rx_pipe_to_file", "pipe -> file's page cache", RX_PIPE,    \
	  RX_CACHE, CPU_COPY, RX_FILE_BYTES, SYSCALLS, NONE)

#define ZC_ARROW_ID(id, key, label, from, to, kind, counter, group, only) \
	E_##id,
enum zc_edge { ZC_ARROWS(ZC_ARROW_ID) E_NR };
#undef ZC_ARROW_ID

/* An arrow's counter when model.c adds it up from several */
#define ZC_C_NONE (-1)

struct model_input {
	const struct zc_demo *demo; /* its row in the demo table */
	bool sg; /* can the egress device gather? */
	/* is the receiver on this machine (the lab, a local --to)? Pinned
	 * user pages are copied when they are delivered to it */
	bool local;
	/* is the receiver zcviz's own zc-sink (the lab), so measured? */
	bool rx_ours;
	uint64_t file_bytes;
	unsigned missing; /* trace_missing() */
	struct zc_counts counts;
	/* fallback CPU time (wait4's rusage) when sched_process_exit is missing */
	uint64_t rusage_user_ns, rusage_sys_ns;
	/* the kernel's answers to zero-copy sends, as the sender relayed
	 * them in its summary (done_known: it did) */
	struct zc_completions done;
	bool done_known;
};

/* Where the kernel copied pinned user pages after the device took them. */
enum zc_copied_at {
	AT_NOWHERE, /* nothing pinned was copied after the device */
	AT_DEVICE, /* gone before the receiving side saw them: at the veth */
	AT_RECEIVE, /* as the receiving stack took them */
	AT_UNKNOWN, /* copied, but the receiving side was not measured */
};

struct model_edge {
	enum zc_kind kind;
	uint64_t bytes;
	bool measured; /* false: inferred, its tracepoint is missing */
};

struct model_result {
	struct model_edge edge[E_NR];
	uint64_t nic_paged, nic_linear; /* payload at the device, after GSO */
	uint64_t seg_copy; /* paged before GSO, linear after: copied */
	uint64_t resent; /* retransmitted payload: counted above once more */
	uint64_t dropped; /* queued to the device, never handed to it */
	/*
	 * TCP's own count of the flow (tcp_known: it was heard): payload
	 * sent, every transmission. Of it, unseen: what the device sent
	 * while our programs did not run, in the figures above all the same
	 * (linear too where the device cannot gather); without TCP's count,
	 * only a hole in the sequence numbers, and on no figure. overseen:
	 * ours beyond TCP's, which must be 0.
	 */
	bool tcp_known;
	uint64_t tcp_sent, unseen, overseen;
	/* packets: the device's own count of those it handed on and of
	 * those it dropped; and what our programs saw there */
	uint64_t dev_tx, dev_dropped, seen_tx;
	uint64_t user_copied; /* of user -> socket, the bytes copied */
	uint64_t pipe_copied; /* of pipe -> socket, the bytes copied */
	uint64_t socket_in; /* every byte the socket took, on any arrow */
	/* bytes the socket took in syscalls the table does not know: on no
	 * arrow, and said so */
	uint64_t unknown_send;
	uint64_t cpu_copy_bytes;
	double copies_per_byte;
	double theory;
	bool pass; /* copies_per_byte within 2 % of the theory */
	uint64_t syscalls, mode_switches;
	uint64_t cs_voluntary, cs_involuntary;
	uint64_t page_faults;
	uint64_t rx_copy;
	/* the receiver's (rx_ours): its arrows' CPU copies, per byte of the
	 * file, and its system calls */
	uint64_t rx_cpu_copy_bytes;
	double rx_copies_per_byte;
	uint64_t rx_syscalls, rx_mode_switches;
	uint64_t elapsed_ns, cpu_user_ns, cpu_sys_ns;
	/* zero-copy sends: the sender's pinned user pages, followed down the
	 * path. Bytes still pinned: taken by the socket, at the device, as
	 * the receiving side took them, as the receiver read them (never:
	 * the kernel copies them before). copied: after the device, a CPU
	 * copy of the file, at where. rx_measured: the receiving side is
	 * ours and its tracepoint there. */
	struct {
		uint64_t socket, device, delivered, received, copied;
		enum zc_copied_at where;
		bool rx_measured;
	} pinned;
};

/* CPU copies of every byte that the demo costs on such a device, to a
 * receiver on this machine (local) or not. */
double model_theory(const struct zc_demo *d, bool sg, bool local);
/* The name of the demo's syscall that moves the file that way ("read"
 * for ZC_MOVES_READ), from its row and the syscall table; or NULL. */
const char *model_demo_call(const struct zc_demo *d, enum zc_moves how);
/* The one table of arrows and of their kinds: JSON key, and label */
const char *model_edge_key(enum zc_edge e);
const char *model_edge_label(enum zc_edge e);
/* The boxes it leaves and enters */
enum zc_box model_edge_from(enum zc_edge e);
enum zc_box model_edge_to(enum zc_edge e);
/* A box's name: "page cache" */
const char *model_box_name(enum zc_box b);
/* Is it the receiver's (into one of its boxes)? */
bool model_edge_receivers(enum zc_edge e);
const char *model_kind_key(enum zc_kind k);
/* Is arrow e on this run's picture: always, or (a pipe's) only when it
 * carried bytes or the demo's syscalls move that way. */
bool model_edge_shown(const struct model_input *in,
		      const struct model_result *r, enum zc_edge e);
const char *model_kind_label(enum zc_kind k);

void model_compute(const struct model_input *in, struct model_result *out);
/* "at the veth", "on receive": where the pinned pages were copied. */
const char *model_copied_at(enum zc_copied_at where);
/* One line on where today's kernel differs from the textbook. */
const char *model_note(const struct model_input *in);

#endif /* ZC_MODEL_H */
