/*
 * What each group of tracepoints measures. See probe.h.
 */
#include "probe.h"

static const struct trace_probe_info probe_info[TP_NR] = {
	[TP_SYSCALLS] = { "syscalls", "system calls", "syscalls" },
	[TP_SENDMSG] = { "tcp_sendmsg_locked",
			 "copy or page reference at the socket (from the syscall instead)",
			 "copy/ref at the socket (from the syscall)" },
	[TP_CACHE] = { "mm_filemap_add_to_page_cache", "disk -> page cache",
		       "disk DMA" },
	[TP_FAULTS] = { "page_fault", "page faults", "page faults" },
	[TP_SCHED] = { "sched_switch", "context switches", "context switches" },
	[TP_EXIT] = { "sched_process_exit",
		      "sender CPU time (from wait4 instead)",
		      "CPU (from wait4)" },
	[TP_NET] = { "net_dev_xmit",
		     "socket buffer -> NIC and the segmentation copy",
		     "NIC and GSO copy" },
	[TP_RX_COPY] = { "skb_copy_datagram_iovec", "receiver copy",
			 "receiver copy" },
	[TP_URING] = { "io_uring",
		       "io_uring's requests and completions, and the bytes they sent",
		       "io_uring requests" },
	[TP_RX] = { "netif_receive_skb",
		    "whether the receiving side got the pinned pages or copies",
		    "copy at delivery" },
};

const struct trace_probe_info *trace_probe(enum trace_probe p)
{
	return &probe_info[p < TP_NR ? p : TP_SYSCALLS];
}
