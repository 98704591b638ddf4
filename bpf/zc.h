/*
 * What bpf/zc.bpf.c and viz/ share: counter indices and the ring-buffer
 * event. Fixed-width types only, so that both sides agree on the layout.
 */
#ifndef ZC_H
#define ZC_H

#define ZC_NR_SYSCALLS 512 /* syscall numbers counted one by one */
#define ZC_DEV_LEN 16 /* IFNAMSIZ */

/*
 * Counters: one __u64 each in the BPF global zc_counters[] (.bss). Add new
 * ones at the end only: recorded traces (viz/record.c) rely on the order.
 */
enum zc_counter {
	/* the sender's system calls (raw_syscalls:sys_enter/sys_exit) */
	ZC_C_SYS_ENTER,
	ZC_C_SYS_EXIT,
	ZC_C_FILE_READ_BYTES, /* read()/pread64()/readv() of the file */
	ZC_C_FILE_READ_CALLS,
	ZC_C_FILE_MAP_BYTES, /* mmap() of the file: length mapped */
	ZC_C_SOCK_SEND_BYTES, /* write()/sendto()/... returns on a socket */
	ZC_C_SOCK_SEND_CALLS,
	ZC_C_SENDFILE_BYTES, /* sendfile() returns */
	ZC_C_SENDFILE_CALLS,
	/* how the socket took those bytes (tcp:tcp_sendmsg_locked) */
	ZC_C_SEND_COPY_BYTES, /* from a user-memory iterator: copied */
	ZC_C_SEND_REF_BYTES, /* MSG_SPLICE_PAGES: page references */
	ZC_C_SEND_UNSEEN_WRITE, /* tcp_sendmsg_locked did not fire: write() */
	ZC_C_SEND_UNSEEN_SENDFILE, /* ... sendfile() */
	/* the file's pages (filemap:mm_filemap_add_to_page_cache) */
	ZC_C_CACHE_ADD_BYTES,
	ZC_C_CACHE_ADD_EVENTS,
	/* the sender's page faults (exceptions:page_fault_user/kernel) */
	ZC_C_FAULTS_USER,
	ZC_C_FAULTS_KERNEL, /* the kernel touching user memory (copy_from_user) */
	/* scheduler context switches of the sender (sched:sched_switch) */
	ZC_C_CS_VOLUNTARY,
	ZC_C_CS_INVOLUNTARY,
	/* the flow's payload on the egress device, every transmission
	 * (net:net_dev_queue before GSO, net:net_dev_start_xmit after) */
	ZC_C_Q_SKBS,
	ZC_C_Q_PAGED,
	ZC_C_Q_LINEAR,
	ZC_C_Q_RESENT, /* payload seen again: retransmissions */
	ZC_C_X_SKBS,
	ZC_C_X_PAGED,
	ZC_C_X_LINEAR,
	ZC_C_X_RESENT,
	/* the receiver's copy to user space (skb:skb_copy_datagram_iovec) */
	ZC_C_RX_COPY_BYTES,
	/* time: first and last transfer syscall of the sender */
	ZC_C_FIRST_NS,
	ZC_C_LAST_NS,
	/* the sender's CPU time at exit (sched:sched_process_exit) */
	ZC_C_CPU_USER_NS,
	ZC_C_CPU_SYS_NS,
	ZC_C_CPU_RUN_NS,
	ZC_C_EVENTS_LOST, /* ring buffer full */
	ZC_C_NET_UNPARSED, /* skbs on the egress device we could not read */
	/* times the kernel skipped one of our programs because it was
	 * already running on that CPU (filled in by viz/trace.c) */
	ZC_C_PROG_MISSES,
	/* what our programs cost: runs, and CPU time when the kernel keeps
	 * it (sysctl kernel.bpf_stats_enabled=1; make bench turns it on) */
	ZC_C_PROG_RUNS,
	ZC_C_PROG_NS,
	/* user memory the socket took by reference, not by copy
	 * (MSG_ZEROCOPY, or io_uring's registered buffers: msg_ubuf) */
	ZC_C_SEND_UREF_BYTES,
	/* bytes that entered the socket during a syscall the table of
	 * syscalls does not know as a send: reported, not guessed */
	ZC_C_SEND_UNKNOWN_BYTES,
	ZC_C_SEND_UNKNOWN_CALLS,
	/* the flow's payload the device sent without our programs seeing
	 * it: a hole in its sequence numbers, at each point */
	ZC_C_Q_HOLE_BYTES,
	ZC_C_X_HOLE_BYTES,
	/* every packet our program saw at the device's xmit, and what the
	 * device itself counted (tx_packets, filled in by viz/run.c) */
	ZC_C_X_DEV_PACKETS,
	ZC_C_DEV_TX_PACKETS,
	/* splice(): the file's pages referenced into a pipe, and out of the
	 * pipe into the socket, by how tcp_sendmsg_locked took them */
	ZC_C_PIPE_IN_BYTES,
	ZC_C_PIPE_IN_CALLS,
	ZC_C_PIPE_OUT_BYTES,
	ZC_C_PIPE_OUT_CALLS,
	ZC_C_PIPE_OUT_REF_BYTES,
	ZC_C_PIPE_OUT_COPY_BYTES,
	ZC_NR_COUNTERS
};

/* The device's counters (struct zc_net zc_net in zc.bpf.c), apart. */
struct zc_net {
	__u64 c[ZC_C_X_RESENT - ZC_C_Q_SKBS + 1]; /* ZC_C_Q_SKBS .. */
	__u64 hole[2]; /* ZC_C_Q_HOLE_BYTES, ZC_C_X_HOLE_BYTES */
	__u64 dev_packets; /* ZC_C_X_DEV_PACKETS */
	__u32 seq_high[2]; /* highest sequence number seen at each point */
	__u8 seq_seen[2];
} __attribute__((aligned(128)));

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
	__u8 pad;
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
};

#endif /* ZC_H */
