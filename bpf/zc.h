/*
 * What bpf/zc.bpf.c and viz/ share: the tracepoints and programs, the
 * counters, and the ring-buffer event. Fixed-width types only, so that both sides agree on the layout.
 */
#ifndef ZC_H
#define ZC_H

#define ZC_NR_SYSCALLS 512 /* syscall numbers counted one by one */
#define ZC_DEV_LEN 16 /* IFNAMSIZ */

/*
 * The groups of tracepoints, and each program of zc.bpf.c with the group
 * it measures: one list, the map from tracepoint to what it measures
 * (docs/measurement.md draws the map to the arrows). A missing group
 * leaves what it measures unmeasured, and says so: G(ID, its name in
 * --json's missing_tracepoints, what is lost for --report, the same in
 * brief for the dashboard). A trace's MISSING field holds the groups by
 * their place in this list, so a new group goes at its end. The build
 * fails when zc.bpf.c has a program ZC_PROGRAMS does not list
 * (viz/trace.c), so no program is ever taken for another group's.
 */
#define ZC_PROBES(G)                                                         \
	G(SYSCALLS, "syscalls", "system calls", "syscalls")                  \
	G(SENDMSG, "tcp_sendmsg_locked",                                     \
	  "copy or page reference at the socket (from the syscall instead)", \
	  "copy/ref at the socket (from the syscall)")                       \
	G(CACHE, "mm_filemap_add_to_page_cache", "disk -> page cache",       \
	  "disk DMA")                                                        \
	G(FAULTS, "page_fault", "page faults", "page faults")                \
	G(SCHED, "sched_switch", "context switches", "context switches")     \
	G(EXIT, "sched_process_exit", "sender CPU time (from wait4 instead)",\
	  "CPU (from wait4)")                                                \
	G(NET, "net_dev_xmit",                                               \
	  "socket buffer -> NIC and the segmentation copy",                  \
	  "NIC and GSO copy")                                                \
	G(RX_COPY, "skb_copy_datagram_iovec", "receiver copy",               \
	  "receiver copy")                                                   \
	G(URING, "io_uring",                                                 \
	  "io_uring's requests and completions, and the bytes they sent",    \
	  "io_uring requests")                                               \
	G(RX, "netif_receive_skb",                                           \
	  "whether the receiving side got the pinned pages or copies",       \
	  "copy at delivery")                                                \
	G(FORK, "sched_process_fork",                                        \
	  "the watched programs' children (only the PIDs given are watched)",\
	  "children")                                                        \
	G(RX_PAGES, "tcp_probe",                                             \
	  "why the receiver's pages could or could not be mapped",           \
	  "mappable pages")

/* P(the program's name in zc.bpf.c, its group in ZC_PROBES) */
#define ZC_PROGRAMS(P)                                                       \
	P(zc_sys_enter, SYSCALLS) /* raw_syscalls:sys_enter */               \
	P(zc_sys_exit, SYSCALLS) /* raw_syscalls:sys_exit */                 \
	P(zc_tcp_sendmsg, SENDMSG) /* tcp:tcp_sendmsg_locked */              \
	P(zc_cache_add, CACHE) /* filemap:mm_filemap_add_to_page_cache */    \
	P(zc_fault_user, FAULTS) /* exceptions:page_fault_user */            \
	P(zc_fault_kernel, FAULTS) /* exceptions:page_fault_kernel */        \
	P(zc_sched_switch, SCHED) /* sched:sched_switch */                   \
	P(zc_process_exit, EXIT) /* sched:sched_process_exit */              \
	P(zc_net_dev_queue, NET) /* net:net_dev_queue */                     \
	P(zc_net_dev_start_xmit, NET) /* net:net_dev_start_xmit */           \
	P(zc_rx_copy, RX_COPY) /* skb:skb_copy_datagram_iovec */             \
	P(zc_iou_submit, URING) /* io_uring:io_uring_submit_req */           \
	P(zc_iou_complete, URING) /* io_uring:io_uring_complete */           \
	P(zc_iou_overflow, URING) /* io_uring:io_uring_cqe_overflow */       \
	P(zc_rx_skb, RX) /* net:netif_receive_skb */                         \
	P(zc_process_fork, FORK) /* sched:sched_process_fork (-p only) */    \
	P(zc_rx_pages, RX_PAGES) /* tcp:tcp_probe (--recv mmap only) */

/*
 * The counters, in one list. K: the kernel's, written by our programs
 * (zc_counters[] in zc.bpf.c; the device's and the receiver's in lines of
 * their own). U: user space's, which zcviz fills in after a run from what
 * the kernel keeps elsewhere (viz/counts.h). Recorded traces name them
 * (version 2); a version 1 trace holds them by their place in this list,
 * so a new counter goes at its end.
 */
#define ZC_COUNTERS(K, U)                                                      \
	/* the sender's system calls (raw_syscalls:sys_enter/sys_exit) */      \
	K(SYS_ENTER, sys_enter)                                                \
	K(SYS_EXIT, sys_exit)                                                  \
	K(FILE_READ_BYTES, file_read_bytes) /* read() of the file */           \
	K(FILE_READ_CALLS, file_read_calls)                                    \
	K(FILE_MAP_BYTES, file_map_bytes) /* mmap() of the file: its length */ \
	K(SOCK_SEND_BYTES, sock_send_bytes) /* write()... on the socket */     \
	K(SOCK_SEND_CALLS, sock_send_calls)                                    \
	K(SENDFILE_BYTES, sendfile_bytes)                                      \
	K(SENDFILE_CALLS, sendfile_calls)                                      \
	/* how the socket took them (tcp:tcp_sendmsg_locked): copied, */       \
	/* page references (MSG_SPLICE_PAGES), or not seen taking them */      \
	K(SEND_COPY_BYTES, send_copy_bytes)                                    \
	K(SEND_REF_BYTES, send_ref_bytes)                                      \
	K(SEND_UNSEEN_WRITE, send_unseen_write)                                \
	K(SEND_UNSEEN_SENDFILE, send_unseen_sendfile)                          \
	/* the file's pages (filemap:mm_filemap_add_to_page_cache) */          \
	K(CACHE_ADD_BYTES, cache_add_bytes)                                    \
	K(CACHE_ADD_EVENTS, cache_add_events)                                  \
	/* the sender's page faults (exceptions:page_fault_user/kernel); */    \
	/* kernel: copy_from_user() touching user memory */                    \
	K(FAULTS_USER, faults_user)                                            \
	K(FAULTS_KERNEL, faults_kernel)                                        \
	/* the sender's context switches (sched:sched_switch) */               \
	K(CS_VOLUNTARY, cs_voluntary)                                          \
	K(CS_INVOLUNTARY, cs_involuntary)                                      \
	/* the flow's payload on the egress device, every transmission: */     \
	/* net:net_dev_queue before GSO, net:net_dev_start_xmit after */       \
	K(Q_SKBS, q_skbs)                                                      \
	K(Q_PAGED, q_paged)                                                    \
	K(Q_LINEAR, q_linear)                                                  \
	K(Q_RESENT, q_resent) /* payload seen again: retransmissions */        \
	K(X_SKBS, x_skbs)                                                      \
	K(X_PAGED, x_paged)                                                    \
	K(X_LINEAR, x_linear)                                                  \
	K(X_RESENT, x_resent)                                                  \
	/* the receiver's copy to user space (skb:skb_copy_datagram_iovec) */  \
	K(RX_COPY_BYTES, rx_copy_bytes)                                        \
	/* the first and last transfer syscall of the sender */                \
	K(FIRST_NS, first_ns)                                                  \
	K(LAST_NS, last_ns)                                                    \
	/* the sender's CPU time at exit (sched:sched_process_exit) */         \
	K(CPU_USER_NS, cpu_user_ns)                                            \
	K(CPU_SYS_NS, cpu_sys_ns)                                              \
	K(CPU_RUN_NS, cpu_run_ns)                                              \
	K(EVENTS_LOST, events_lost) /* ring buffer full */                     \
	K(NET_UNPARSED, net_unparsed) /* skbs we could not read */             \
	/* the kernel's word on our programs: runs it skipped (one already */  \
	/* running on that CPU), runs, and their CPU time when it keeps it */  \
	/* (kernel.bpf_stats_enabled=1; make bench turns it on) */             \
	U(PROG_MISSES, prog_misses)                                            \
	U(PROG_RUNS, prog_runs)                                                \
	U(PROG_NS, prog_ns)                                                    \
	/* user memory the socket took by reference, not by copy */            \
	/* (MSG_ZEROCOPY, or io_uring's registered buffers: msg_ubuf) */       \
	K(SEND_UREF_BYTES, send_uref_bytes)                                    \
	/* bytes that entered the socket during a syscall the table of */      \
	/* syscalls does not know as a send: reported, not guessed */          \
	K(SEND_UNKNOWN_BYTES, send_unknown_bytes)                              \
	K(SEND_UNKNOWN_CALLS, send_unknown_calls)                              \
	/* the flow's payload the device sent without our programs seeing */   \
	/* it: a hole in its sequence numbers, at each point */                \
	K(Q_HOLE_BYTES, q_hole_bytes)                                          \
	K(X_HOLE_BYTES, x_hole_bytes)                                          \
	/* the packets our program saw at the device's xmit, and what the */   \
	/* device itself counted (tx_packets, read by viz/run.c) */            \
	K(X_DEV_PACKETS, x_dev_packets)                                        \
	U(DEV_TX_PACKETS, dev_tx_packets)                                      \
	/* splice(): the file's pages into a pipe, and out of the pipe */      \
	/* into the socket, by how tcp_sendmsg_locked took them */             \
	K(PIPE_IN_BYTES, pipe_in_bytes)                                        \
	K(PIPE_IN_CALLS, pipe_in_calls)                                        \
	K(PIPE_OUT_BYTES, pipe_out_bytes)                                      \
	K(PIPE_OUT_CALLS, pipe_out_calls)                                      \
	K(PIPE_OUT_REF_BYTES, pipe_out_ref_bytes)                              \
	K(PIPE_OUT_COPY_BYTES, pipe_out_copy_bytes)                            \
	/* watching a program: the sockets and the files beyond the */         \
	/* ZC_MAX_FLOWS and ZC_MAX_FILES kept one by one (not counted) */      \
	K(FLOWS_OVER, flows_over)                                              \
	K(FILES_OVER, files_over)                                              \
	/* zero-copy sends (the demos whose row pins_user_pages): of the */    \
	/* flow's paged payload, the bytes still in the sender's pinned */     \
	/* pages, at the device (queue, xmit), as the receiving side takes */  \
	/* the packets (net:netif_receive_skb: all, and pinned), and as the */ \
	/* receiver copies them out (skb:skb_copy_datagram_iovec) */           \
	K(Q_ZC_BYTES, q_zc_bytes)                                              \
	K(X_ZC_BYTES, x_zc_bytes)                                              \
	K(RX_IN_BYTES, rx_in_bytes)                                            \
	K(RX_ZC_BYTES, rx_zc_bytes)                                            \
	K(READ_ZC_BYTES, read_zc_bytes)                                        \
	/* io_uring: the sender's requests (io_uring:io_uring_submit_req), */  \
	/* its completions (io_uring_complete), of them the zero-copy */       \
	/* notifications, and of those the ones saying "copied"; of all, */    \
	/* those that found the ring full (io_uring_cqe_overflow) */           \
	K(IOU_SUBMITS, iou_submits)                                            \
	K(IOU_CQES, iou_cqes)                                                  \
	K(IOU_NOTES, iou_notes)                                                \
	K(IOU_NOTES_COPIED, iou_notes_copied)                                  \
	K(IOU_OVERFLOWS, iou_overflows)                                        \
	/* the kernel's own counts, read without BPF (viz/witness.c): TCP's */ \
	/* of the flow, from tcp_info as its sockets ended (how many; 0: */    \
	/* not known), payload sent, of it sent again; packets the device */   \
	/* took and dropped; and whether this kernel runs no BPF program */    \
	/* while PID 1 is the current task (1: its BTF says so) */             \
	U(TCP_SOCKETS, tcp_sockets)                                            \
	U(TCP_BYTES_SENT, tcp_bytes_sent)                                      \
	U(TCP_BYTES_RETRANS, tcp_bytes_retrans)                                \
	U(DEV_TX_DROPPED, dev_tx_dropped)                                      \
	U(INIT_GATE, init_gate)                                                \
	/* watching programs: the processes beyond ZC_MAX_PROCS (not */        \
	/* watched, so not counted) */                                         \
	K(PROCS_OVER, procs_over)                                              \
	/* watching programs: what their sockets copied into their memory */   \
	/* as they received (skb:skb_copy_datagram_iovec): a proxy's copy */   \
	K(RECV_COPY_BYTES, recv_copy_bytes)                                    \
	/* the receiver's system calls (zc-sink's, in the lab) */              \
	K(RX_SYS_ENTER, rx_sys_enter)                                          \
	K(RX_SYS_EXIT, rx_sys_exit)                                            \
	/* what the receiver took out of its socket but by a copy: mapped */   \
	/* (getsockopt(TCP_ZEROCOPY_RECEIVE)'s length), spliced into a pipe, */\
	/* out of the pipe into a file, and freed unread (MSG_TRUNC) */        \
	K(RX_MAP_BYTES, rx_map_bytes)                                          \
	K(RX_SPLICE_BYTES, rx_splice_bytes)                                    \
	K(RX_FILE_BYTES, rx_file_bytes)                                        \
	K(RX_DISCARD_BYTES, rx_discard_bytes)                                  \
	/* the receiver's payload as TCP took it, by what its page lets */     \
	/* TCP_ZEROCOPY_RECEIVE do (can_map_frag()): a whole page of its */    \
	/* own, mappable; a page of a file (the page cache's); a compound */   \
	/* page; less than a page, or not from a page's start; or in the */    \
	/* packet's linear part, no page at all (tcp:tcp_probe) */             \
	K(RX_PAGES_WHOLE, rx_pages_whole)                                      \
	K(RX_PAGES_FILE, rx_pages_file)                                        \
	K(RX_PAGES_COMPOUND, rx_pages_compound)                                \
	K(RX_PAGES_PART, rx_pages_part)                                        \
	K(RX_LINEAR, rx_linear)

#define ZC_COUNTER_NONE(id, name)
#define ZC_COUNTER_ID(id, name) ZC_C_##id,

/* The kernel's counters: one __u64 each in zc_counters[] (.bss). */
enum zc_counter { ZC_COUNTERS(ZC_COUNTER_ID, ZC_COUNTER_NONE) ZC_NR_COUNTERS };

/* The device's counters (struct zc_net zc_net in zc.bpf.c), apart. */
struct zc_net {
	__u64 c[ZC_C_X_RESENT - ZC_C_Q_SKBS + 1]; /* ZC_C_Q_SKBS .. */
	__u64 hole[2]; /* ZC_C_Q_HOLE_BYTES, ZC_C_X_HOLE_BYTES */
	__u64 dev_packets; /* ZC_C_X_DEV_PACKETS */
	__u32 seq_high[2]; /* highest sequence number seen at each point */
	__u8 seq_seen[2];
} __attribute__((aligned(128)));

/*
 * Watching a program (zcviz -p), and any sender: its flows, one per socket
 * it sends on (its struct sock, seen at tcp_sendmsg_locked and matched as
 * skb->sk at the device), and its files, one per inode it moves data from.
 */
#define ZC_MAX_FLOWS 16 /* powers of 2: the BPF side masks with them */
#define ZC_MAX_FILES 32

/* How the socket took a send call's bytes (enum zc_send_kind - 1). */
enum { ZC_TAKEN_COPY, ZC_TAKEN_REF, ZC_TAKEN_UREF, ZC_TAKEN_NR };

struct zc_flow {
	__u64 sk; /* the socket, a kernel address; 0: a free slot */
	__u64 taken[ZC_TAKEN_NR]; /* bytes its sendmsg took, by kind */
	struct zc_net net; /* its payload on the device */
	__u32 ifindex; /* the device it was last seen on */
	__u32 saddr, daddr; /* IPv4, network order; 0 for IPv6 */
	__u16 family, sport, dport; /* ports in host order */
	__u32 tgid; /* the process that first sent on it */
} __attribute__((aligned(128)));

struct zc_file {
	__u64 key; /* of its inode and device; 0: a free slot */
	__u64 ino;
	__u32 dev; /* the kernel's dev_t */
	__u32 pad;
	__u64 read_bytes, read_calls; /* read() and pread() */
	__u64 sendfile_bytes, sendfile_calls;
	__u64 map_bytes; /* mmap()'s length */
	__u64 pipe_in_bytes; /* splice() into a pipe */
	char name[32]; /* its name in its directory (the dentry's) */
} __attribute__((aligned(64)));

/*
 * The processes a run watches: the sender (slot 0), and with zcviz -p the
 * other PIDs given and every process any of them starts while watched
 * (sched_process_fork), each with what it moved, its part of the totals.
 * Its fd cache is here too: fd numbers are a process's own.
 */
#define ZC_MAX_PROCS 32
#define ZC_FD_CACHE 64

struct zc_proc {
	__u64 tgid; /* 0: a free slot (64 bits: the BPF side swaps it in) */
	__u32 ppid; /* the watched process that started it; 0: given */
	__u32 exited; /* its first thread exited while watched */
	/* its threads' as they exited: user and system time (in ticks'
	 * worth), and their run time (the scheduler's, exact) */
	__u64 cpu_user_ns, cpu_sys_ns, cpu_run_ns;
	__u64 syscalls; /* in its threads' transfer windows */
	__u64 read_bytes; /* of regular files, into user memory */
	__u64 sendfile_bytes;
	__u64 map_bytes; /* mmap()'s length, of regular files */
	__u64 taken[ZC_TAKEN_NR]; /* bytes its sockets took, by kind */
	char comm[16]; /* its name, as its first thread exited */
	__u8 fd_known[ZC_FD_CACHE]; /* zc.bpf.c's fd cache */
} __attribute__((aligned(64)));

/*
 * What a system call moves, from the one table of syscalls (viz/syscalls.c):
 * the loader gives the BPF side one struct zc_sysinfo per syscall number.
 */
enum zc_moves {
	ZC_MOVES_NONE, /* no data of the transfer */
	ZC_MOVES_READ, /* a file's bytes into user memory: a CPU copy */
	ZC_MOVES_SEND, /* user memory into a socket */
	ZC_MOVES_SENDFILE, /* a file into a socket, inside the kernel */
	ZC_MOVES_MAP, /* a file's pages mapped into user memory */
	/* between a pipe and a file or socket, inside the kernel: the fd
	 * in is argument 0, the fd out argument 2 */
	ZC_MOVES_SPLICE,
	/* io_uring_enter(): its requests move data, counted as each one
	 * completes (io_uring_complete), not by what the call returns */
	ZC_MOVES_RING,
	/* recvmsg(): with MSG_ERRQUEUE on the socket, it reads the kernel's
	 * answers to zero-copy sends, part of sending them; else nothing */
	ZC_MOVES_ANSWERS,
};

/*
 * What a system call takes out of a socket, for the receiver (zc-sink):
 * its copies into user memory are seen where they happen
 * (skb_copy_datagram_iovec); the rest only by the call.
 */
enum zc_takes {
	ZC_TAKES_NONE,
	ZC_TAKES_RECV, /* recvfrom(): with MSG_TRUNC, bytes freed unread */
	ZC_TAKES_OPT, /* getsockopt(): TCP_ZEROCOPY_RECEIVE maps pages */
	ZC_TAKES_SPLICE, /* splice(): socket -> pipe, pipe -> file */
};

/* What a syscall does to the fd table: which cached fds it invalidates. */
enum zc_forgets {
	ZC_FORGET_NONE,
	ZC_FORGET_ARG0, /* close(fd) */
	ZC_FORGET_ARG1, /* dup2(old, fd), dup3(old, fd, flags) */
	ZC_FORGET_ALL, /* close_range(), execve(), execveat() */
};

struct zc_sysinfo {
	__u8 moves; /* enum zc_moves */
	__u8 fd_arg; /* the argument that is the fd it moves through */
	__u8 forgets; /* enum zc_forgets */
	__u8 takes; /* enum zc_takes: the receiver's */
};

/* What a file descriptor argument refers to. */
enum zc_fd_kind {
	ZC_FD_OTHER,
	ZC_FD_FILE, /* the file being sent */
	ZC_FD_SOCKET,
	ZC_FD_PIPE,
	ZC_FD_NR /* kinds there are: a trace's must be below */
};

/* How tcp_sendmsg_locked saw the data of one send call. */
enum zc_send_kind {
	ZC_SEND_NONE,
	ZC_SEND_COPY, /* user memory, copied */
	ZC_SEND_REF, /* page-cache pages, referenced (MSG_SPLICE_PAGES) */
	ZC_SEND_UREF, /* user memory, referenced (MSG_ZEROCOPY, msg_ubuf) */
	ZC_SEND_NR
};

enum zc_event_type {
	ZC_EV_SYSCALL = 1, /* a system call of the sender returned */
	ZC_EV_CACHE_ADD, /* file pages added to the page cache */
};

/* where on the egress device payload is counted */
enum { ZC_NET_QUEUE, ZC_NET_XMIT };

struct zc_event {
	__u64 ts_ns;
	__u32 type; /* enum zc_event_type */
	__s32 nr; /* syscall number */
	__s64 ret; /* syscall return; other events: bytes */
	__u64 args[6]; /* syscall arguments */
	__u32 fd_kind; /* enum zc_fd_kind of the fd argument (splice: in) */
	__u32 send_kind; /* enum zc_send_kind */
	/* the sender's thread was inside its transfer window: from its first
	 * data call on, every syscall is the demo's (a recording steps on) */
	__u32 in_window;
	__u32 pad;
};

#endif /* ZC_H */
