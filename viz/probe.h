/*
 * The groups of tracepoints the instrument uses, and what is not measured
 * without each: plain data, shared by the loader (trace.c), the model and
 * the reports, so that those build and are tested without libbpf.
 */
#ifndef ZC_PROBE_H
#define ZC_PROBE_H

/* Groups of tracepoints; a missing group leaves some arrows unmeasured. */
enum trace_probe {
	TP_SYSCALLS, /* raw_syscalls:sys_enter/sys_exit (required) */
	TP_SENDMSG, /* tcp:tcp_sendmsg_locked */
	TP_CACHE, /* filemap:mm_filemap_add_to_page_cache */
	TP_FAULTS, /* exceptions:page_fault_user/kernel */
	TP_SCHED, /* sched:sched_switch */
	TP_EXIT, /* sched:sched_process_exit */
	TP_NET, /* net:net_dev_queue and net_dev_start_xmit */
	TP_RX_COPY, /* skb:skb_copy_datagram_iovec */
	TP_URING, /* io_uring:io_uring_submit_req and io_uring_complete */
	TP_RX, /* net:netif_receive_skb (the zero-copy demos only) */
	TP_NR
};

/* How a probe group is named in JSON, and what is lost without it. */
struct trace_probe_info {
	const char *name; /* "missing_tracepoints" in --json */
	const char *what; /* for --report */
	const char *brief; /* for the dashboard's one line */
};

const struct trace_probe_info *trace_probe(enum trace_probe p);

#endif /* ZC_PROBE_H */
