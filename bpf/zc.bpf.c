// SPDX-License-Identifier: GPL-2.0
/*
 * The instrument's kernel half: tracepoint programs that count, for one
 * sender process, every system call, every copy and every page reference
 * of the file on its way from disk to the NIC. Tracepoints only (tp/,
 * tp_btf/): kprobes and fentry are not available everywhere, and
 * tracepoints are the kernel's stable interface. docs/measurement.md
 * ("From tracepoint to arrow") says which tracepoint proves which arrow.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "zc.h"

char LICENSE[] SEC("license") = "GPL";

#define MSG_SPLICE_PAGES 0x8000000 /* #defines, so not in BTF */
#define MSG_ZEROCOPY 0x4000000
#define MSG_ERRQUEUE 0x2000
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_IFIFO 0010000
#define S_IFREG 0100000
#define USER_ADDR_END 0x00007ffffffff000UL /* x86-64 TASK_SIZE_MAX */

/* Filters, set by viz/trace.c before load. */
const volatile __u32 sender_tgid;
const volatile __u32 sink_tgid;
const volatile __u64 file_ino;
const volatile __u32 file_kdev; /* kernel dev_t: MAJOR << 20 | MINOR */
const volatile __u32 egress_ifindex;
const volatile __u32 egress_netns; /* inode of the device's netns */
const volatile __u16 flow_port; /* the receiver's TCP port */
const volatile __s32 step_fd = -1; /* the demo's step handshake (--step-fd) */
/*
 * zcviz -p: a program of anyone's, on any device. Its files are every
 * regular file it moves data from (not the one file of a demo), and its
 * payload on a device is that of the sockets it sends on, by skb->sk (not
 * one receiver's port on one device).
 */
const volatile bool watch_any;
/*
 * zcviz -p: more processes than the sender, those in procs (the PIDs
 * given, and what zcviz found they had started), and every process any of
 * them starts while watched.
 */
const volatile bool follow;
/* zcviz -- CMD: each flow of the command's has its payload at the lab's
 * device too, beside the flow's total (a demo's one flow is the total) */
const volatile bool flow_nets;
const volatile bool emit_events;
/*
 * The zero-copy demos (MSG_ZEROCOPY, io_uring SEND_ZC): follow the pinned
 * user pages down the path, to see where the kernel copies them after all.
 * Off for every other run: its programs then return at once.
 */
const volatile bool zc_frags;
/*
 * What each syscall moves, by number (numbers differ by architecture):
 * the loader fills it in from the one syscall table, viz/syscalls.c.
 */
const volatile struct zc_sysinfo sysinfo[ZC_NR_SYSCALLS];

/* Results, read by viz/trace.c through the skeleton's bss. */
__u64 zc_counters[ZC_NR_COUNTERS];
__u64 zc_syscalls[ZC_NR_SYSCALLS];

/*
 * The device's counters live apart, on cache lines of their own: they
 * change for every packet, on whichever CPU sends it, and sharing a line
 * with the syscall counters would make two CPUs fight over it. The flow's
 * packets are sent one at a time (under its socket's lock), so plain adds
 * do; viz/trace.c copies them to ZC_C_Q_SKBS .. ZC_C_X_RESENT.
 */
struct zc_net zc_net;

/* The sender's name when it exited (zcviz -p names what it watched). */
char zc_comm[16];

/* The sender's flows and files, one by one (zc.h). */
struct zc_flow zc_flows[ZC_MAX_FLOWS];
struct zc_file zc_files[ZC_MAX_FILES];

/* The processes watched (zc.h): the sender in slot 0, then with follow
 * the others, each found by its tgid in procs. */
struct zc_proc zc_procs[ZC_MAX_PROCS];

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, ZC_MAX_PROCS);
	__type(key, __u32); /* tgid */
	__type(value, __u32); /* its slot in zc_procs[] */
} procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20);
} events SEC(".maps");

/*
 * Syscalls, mode switches, faults and context switches count only inside
 * the transfer window (see below), thread by thread: these are the
 * counters a thread keeps of its own until it commits them.
 */
enum {
	W_SYS_ENTER,
	W_SYS_EXIT,
	W_FAULTS_USER,
	W_FAULTS_KERNEL,
	W_CS_VOLUNTARY,
	W_CS_INVOLUNTARY,
	W_NR
};
#define PENDING_MAX 32

/* A system call of one of the sender's threads, from entry to exit. */
struct call {
	__s64 nr;
	struct zc_sysinfo info; /* sysinfo[nr] */
	__u64 args[6];
	__u32 fd_kind;
	__u32 out_kind; /* splice(): the kind of its fd out */
	__u32 send_kind;
	/* how the socket last took bytes in this thread, in a call or out of
	 * one (io_uring retries a send from task work, which may run as the
	 * thread returns to user space from an interrupt) */
	__u32 last_kind;
	__s32 file_slot; /* in zc_files[], or -1 */
	__u32 proc; /* its process's slot in zc_procs[] */
	__s32 flow_slot; /* in zc_flows[], or -1 */
	__u64 ts_ns;
	bool active; /* entered, not yet returned */
	/* the step handshake's read(): zcviz pacing the demo, not the
	 * demo's work; neither it nor the switches while it waits count */
	bool handshake;
	/* this thread's window: open from its first data call on; what it
	 * counted since its last data call waits here until the next */
	bool in_window;
	__u32 pending_n;
	__u32 pending_nr[PENDING_MAX]; /* syscall numbers */
	__u64 uncommitted[W_NR];
};

/*
 * Each thread has its call in flight. The sender's first thread, the only
 * one of the C demos, keeps it in a global: a plain load. Any other (a
 * JVM's, a server's workers, the processes it starts) in its task's local
 * storage: one helper call, and no table to fill up or to clean.
 */
static struct call main_call;

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct call);
} calls SEC(".maps");

/*
 * The slot of process tgid in zc_procs[], or -1: not watched. The sender
 * is one compare; the others one lookup, only when following.
 */
static __always_inline int proc_of(__u32 tgid)
{
	__u32 *slot;

	if (tgid == sender_tgid)
		return 0;
	if (!follow)
		return -1;
	slot = bpf_map_lookup_elem(&procs, &tgid);
	return slot ? *slot & (ZC_MAX_PROCS - 1) : -1;
}

static __always_inline struct zc_proc *proc_at(__u32 slot)
{
	return &zc_procs[slot & (ZC_MAX_PROCS - 1)];
}

/* The call of a watched task t, in slot p; flags: create it if need be. */
static __always_inline struct call *call_of(struct task_struct *t, int p,
					    __u64 flags)
{
	struct call *c;

	if (t->pid == sender_tgid)
		return &main_call;
	c = bpf_task_storage_get(&calls, t, NULL, flags);
	if (c)
		c->proc = p;
	return c;
}

/*
 * The current thread's call, or NULL when it is not watched: the one test
 * every program makes first, in one helper call (pid and tgid together),
 * so that another process's run costs little more than an empty
 * program's.
 */
static __always_inline struct call *sender_call(__u64 flags)
{
	__u64 id = bpf_get_current_pid_tgid();
	int p;

	if ((__u32)id == sender_tgid)
		return &main_call;
	p = proc_of(id >> 32);
	if (p < 0)
		return NULL;
	return call_of(bpf_get_current_task_btf(), p, flags);
}

/* For counters any CPU may bump (page-cache adds, lost events). */
static __always_inline void count(int c, __u64 v)
{
	__sync_fetch_and_add(&zc_counters[c], v);
}

/*
 * For the sender's own counters. A C demo's one thread touches them one
 * syscall after the other, so a plain add does and costs no locked
 * instruction; a program of many threads (a JVM, any command) may touch
 * them from two CPUs at once, and the loader says so before load.
 */
const volatile bool many_threads;

static __always_inline void sadd(__u64 *p, __u64 v)
{
	if (many_threads)
		__sync_fetch_and_add(p, v);
	else
		*p += v;
}

static __always_inline void scount(int c, __u64 v)
{
	sadd(&zc_counters[c], v);
}

/* The receiver copies on the other CPU: its counter has its own line. */
struct {
	__u64 bytes;
} zc_rx __attribute__((aligned(128)));

static __always_inline bool is_watched(void)
{
	return proc_of(bpf_get_current_pid_tgid() >> 32) >= 0;
}

/* The slot of a file in zc_files[], taken if need be; -1 when all are. */
static __always_inline int file_slot(__u64 ino, __u32 dev, struct file *file)
{
	__u64 key = ino * 0x9E3779B97F4A7C15ULL ^ dev ^ 1;
	int i;

	for (i = 0; i < ZC_MAX_FILES; i++) {
		if (zc_files[i].key == key)
			return i;
		if (!zc_files[i].key &&
		    !__sync_val_compare_and_swap(&zc_files[i].key, 0, key)) {
			zc_files[i].ino = ino;
			zc_files[i].dev = dev;
			bpf_probe_read_kernel_str(
				zc_files[i].name, sizeof(zc_files[i].name),
				BPF_CORE_READ(file, f_path.dentry,
					      d_name.name));
			return i;
		}
	}
	count(ZC_C_FILES_OVER, 1);
	return -1;
}

/* A kind and a file's slot in one small number, as the fd cache keeps it. */
#define FD_PACK(kind, slot) ((kind) | ((slot) + 1) << 3)
#define FD_KIND(packed) ((packed)&7)
#define FD_SLOT(packed) ((int)((packed) >> 3) - 1)

/* fd -> struct file, through the task's file table (CO-RE); NULL when
 * there is none. */
static __always_inline struct file *fd_file(long fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;

	if (fd < 0 || fd >= BPF_CORE_READ(fdt, max_fds) ||
	    bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

/* What fd is: its inode's S_IFMT bits, 0 when it has none. */
static __always_inline __u16 fd_mode(long fd)
{
	struct file *f = fd_file(fd);

	return f ? BPF_CORE_READ(f, f_inode, i_mode) & S_IFMT : 0;
}

/* fd -> struct file -> inode: what the sender moves data through. */
static __always_inline __u32 fd_kind(long fd)
{
	struct file *f = fd_file(fd);
	struct inode *inode;
	struct socket *sock;
	__u64 ino;
	__u32 dev;
	__u16 mode;

	if (!f)
		return ZC_FD_OTHER;
	inode = BPF_CORE_READ(f, f_inode);
	mode = BPF_CORE_READ(inode, i_mode) & S_IFMT;
	if (mode == S_IFIFO)
		return ZC_FD_PIPE;
	if (mode == S_IFSOCK) {
		sock = BPF_CORE_READ(f, private_data);
		/* TCP only: getifaddrs() talks netlink over a socket too */
		return BPF_CORE_READ(sock, sk, sk_protocol) == IPPROTO_TCP ?
			       ZC_FD_SOCKET :
			       ZC_FD_OTHER;
	}
	ino = BPF_CORE_READ(inode, i_ino);
	dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (watch_any ? mode == S_IFREG : ino == file_ino && dev == file_kdev)
		return FD_PACK(ZC_FD_FILE, file_slot(ino, dev, f));
	return ZC_FD_OTHER;
}

/*
 * The fds already known to be a file, the socket or a pipe: looking
 * them up walks five kernel structures on every read, write or sendfile.
 * Only those kinds are kept, so an fd number can change what it refers to
 * only through a close (close, dup2/dup3 onto it, close_range, exec),
 * and those forget it.
 */
#define FD_CACHE ZC_FD_CACHE

/* fd's kind, from the cache of the call's process (FD_PACK()ed;
 * ZC_FD_OTHER: look it up) */
static __always_inline __u32 fd_kind_cached(const struct call *c, long fd)
{
	__u8 *known = proc_at(c->proc)->fd_known;
	__u32 k;

	if (fd < 0 || fd >= FD_CACHE)
		return fd_kind(fd);
	k = known[fd];
	if (k == ZC_FD_OTHER) {
		k = fd_kind(fd);
		known[fd] = k;
	}
	return k;
}

static __always_inline void fd_forget(const struct call *c)
{
	__u8 *known = proc_at(c->proc)->fd_known;
	__u64 fd = c->info.forgets == ZC_FORGET_ARG0 ? c->args[0] :
		   c->info.forgets == ZC_FORGET_ARG1 ? c->args[1] :
						       FD_CACHE;
	int i;

	if (fd < FD_CACHE)
		known[fd] = ZC_FD_OTHER;
	if (c->info.forgets == ZC_FORGET_ALL)
		for (i = 0; i < FD_CACHE; i++)
			known[i] = ZC_FD_OTHER;
}

/* ---- the transfer window ---------------------------------------------
 *
 * Syscalls, mode switches, faults and context switches count from the
 * entry of a thread's first data-moving call (read of the file, send on
 * the TCP socket, sendfile, mmap of the file) to the exit of its last one:
 * the program's start-up and its checksum afterwards are not the lesson,
 * nor are the threads that never move data (a JVM's compiler and
 * collector). Each thread keeps its counts in its call, and commits them
 * at each data call's exit; the syscalls in between wait in pending_nr.
 */
static __always_inline void wcount(struct call *c, int w)
{
	if (c && c->in_window)
		c->uncommitted[w] += 1; /* its own: a plain add */
}

static __always_inline void window_commit(struct call *c)
{
	static const int windowed[W_NR] = {
		ZC_C_SYS_ENTER,	    ZC_C_SYS_EXIT,     ZC_C_FAULTS_USER,
		ZC_C_FAULTS_KERNEL, ZC_C_CS_VOLUNTARY, ZC_C_CS_INVOLUNTARY,
	};
	__u32 i, nr;

	if (c->uncommitted[W_SYS_ENTER])
		sadd(&proc_at(c->proc)->syscalls, c->uncommitted[W_SYS_ENTER]);
	for (i = 0; i < W_NR; i++) {
		if (c->uncommitted[i])
			scount(windowed[i], c->uncommitted[i]);
		c->uncommitted[i] = 0;
	}
	for (i = 0; i < PENDING_MAX && i < c->pending_n; i++) {
		nr = c->pending_nr[i];
		if (nr < ZC_NR_SYSCALLS)
			sadd(&zc_syscalls[nr], 1);
	}
	c->pending_n = 0;
}

static __always_inline bool is_data_call(const struct call *c)
{
	/* whatever the table says, the socket took bytes in this call */
	if (c->send_kind != ZC_SEND_NONE)
		return true;
	switch (c->info.moves) {
	case ZC_MOVES_READ:
	case ZC_MOVES_MAP:
		return c->fd_kind == ZC_FD_FILE;
	case ZC_MOVES_SEND:
		return c->fd_kind == ZC_FD_SOCKET;
	case ZC_MOVES_SENDFILE:
	case ZC_MOVES_RING:
		return true;
	case ZC_MOVES_ANSWERS:
		return c->fd_kind == ZC_FD_SOCKET &&
		       (c->args[2] & MSG_ERRQUEUE);
	case ZC_MOVES_SPLICE:
		/* file -> pipe, or pipe -> socket */
		return c->fd_kind == ZC_FD_FILE ||
		       (c->fd_kind == ZC_FD_PIPE &&
			c->out_kind == ZC_FD_SOCKET);
	}
	return false;
}

/*
 * What the call's fds are: the one it moves data through, splice()'s fd
 * out, and the file a sendfile() reads (its fd in).
 */
static __always_inline void call_classify(struct call *c)
{
	__u32 k = ZC_FD_OTHER;

	c->out_kind = ZC_FD_OTHER;
	c->send_kind = ZC_SEND_NONE;
	c->flow_slot = -1;
	if (c->info.moves != ZC_MOVES_NONE)
		k = fd_kind_cached(
			c, c->args[c->info.fd_arg < 6 ? c->info.fd_arg : 0]);
	c->fd_kind = FD_KIND(k);
	c->file_slot = FD_SLOT(k);
	if (c->info.moves == ZC_MOVES_SPLICE)
		c->out_kind = FD_KIND(fd_kind_cached(c, c->args[2]));
	if (c->info.moves == ZC_MOVES_SENDFILE)
		c->file_slot = FD_SLOT(fd_kind_cached(c, c->args[1]));
}

/* ---- mode switches and what each syscall moved ---------------------- */

/*
 * raw_syscalls as BTF-typed raw tracepoints: they fire for every syscall
 * on the machine, and this form costs least (no perf event record).
 */
/* ---- the receiver's system calls ------------------------------------ */

/*
 * zc-sink's call in flight: it has one thread, which makes one call at a
 * time, so one global does, with plain adds. Its copies into its buffer
 * are counted where they happen (zc_rx_copy); what else it takes out of
 * its socket, by its call (enum zc_takes).
 */
struct {
	__s64 nr;
	__u64 args[5];
	__u64 active; /* entered, not yet returned */
} rx_call; /* global, not static: clang splits a static struct into one
	    * variable a field, whose BTF the kernel refuses */

static __always_inline bool is_receiver(void)
{
	return sink_tgid && bpf_get_current_pid_tgid() >> 32 == sink_tgid;
}

static __always_inline void rx_enter(struct pt_regs *regs, long id)
{
	rx_call.nr = id;
	rx_call.args[0] = PT_REGS_PARM1_SYSCALL(regs);
	rx_call.args[1] = PT_REGS_PARM2_SYSCALL(regs);
	rx_call.args[2] = PT_REGS_PARM3_SYSCALL(regs);
	rx_call.args[3] = PT_REGS_PARM4_SYSCALL(regs);
	rx_call.args[4] = PT_REGS_PARM5_SYSCALL(regs);
	rx_call.active = true;
	zc_counters[ZC_C_RX_SYS_ENTER]++;
}

#define MSG_TRUNC 0x20
#define TCP_ZEROCOPY_RECEIVE 35

/* getsockopt(TCP_ZEROCOPY_RECEIVE) returned: the bytes the kernel mapped
 * are what it wrote back in the caller's struct, its length (a u32 after
 * the address). */
static __always_inline void rx_mapped(void)
{
	__u32 length = 0;

	if (rx_call.args[1] != IPPROTO_TCP ||
	    rx_call.args[2] != TCP_ZEROCOPY_RECEIVE ||
	    bpf_probe_read_user(&length, sizeof(length),
				(void *)(rx_call.args[3] + 8)))
		return;
	zc_counters[ZC_C_RX_MAP_BYTES] += length;
}

/* splice(): the socket's pages into a pipe; or out of it into a file,
 * whose page cache takes a copy (iter_file_splice_write()) */
static __always_inline void rx_spliced(long ret)
{
	__u16 in = fd_mode(rx_call.args[0]), out = fd_mode(rx_call.args[2]);

	if (in == S_IFSOCK && out == S_IFIFO)
		zc_counters[ZC_C_RX_SPLICE_BYTES] += ret;
	else if (in == S_IFIFO && out == S_IFREG)
		zc_counters[ZC_C_RX_FILE_BYTES] += ret;
}

static __always_inline void rx_exit(long ret)
{
	long nr = rx_call.nr;

	if (!rx_call.active) /* entered before we attached */
		return;
	rx_call.active = false;
	zc_counters[ZC_C_RX_SYS_EXIT]++;
	if (nr < 0 || nr >= ZC_NR_SYSCALLS || ret < 0)
		return;
	switch (sysinfo[nr].takes) {
	case ZC_TAKES_OPT: /* 0 on success */
		if (!ret)
			rx_mapped();
		break;
	case ZC_TAKES_RECV: /* freed unread: on no arrow */
		if (rx_call.args[3] & MSG_TRUNC)
			zc_counters[ZC_C_RX_DISCARD_BYTES] += ret;
		break;
	case ZC_TAKES_SPLICE:
		rx_spliced(ret);
		break;
	}
}

SEC("tp_btf/sys_enter")
int BPF_PROG(zc_sys_enter, struct pt_regs *regs, long id)
{
	struct call *c = sender_call(BPF_LOCAL_STORAGE_GET_F_CREATE);
	__u32 n;

	if (!c && is_receiver())
		rx_enter(regs, id);
	if (!c)
		return 0; /* not the sender's, or no memory for its thread's */
	c->info = id >= 0 && id < ZC_NR_SYSCALLS ?
			  sysinfo[id] :
			  (struct zc_sysinfo){ ZC_MOVES_NONE };
	if (c->info.moves == ZC_MOVES_READ && step_fd >= 0 &&
	    PT_REGS_PARM1_SYSCALL(regs) == step_fd) {
		c->handshake = true;
		return 0;
	}
	c->nr = id;
	c->args[0] = PT_REGS_PARM1_SYSCALL(regs);
	c->args[1] = PT_REGS_PARM2_SYSCALL(regs);
	c->args[2] = PT_REGS_PARM3_SYSCALL(regs);
	c->args[3] = PT_REGS_PARM4_SYSCALL(regs);
	c->args[4] = PT_REGS_PARM5_SYSCALL(regs); /* the 6th is not needed */
	fd_forget(c);
	call_classify(c);
	/* the clock only where a figure needs it: it costs a helper call */
	if (is_data_call(c) && !c->in_window) {
		c->in_window = true;
		if (!zc_counters[ZC_C_FIRST_NS]) /* the first thread's */
			zc_counters[ZC_C_FIRST_NS] = bpf_ktime_get_ns();
	}
	wcount(c, W_SYS_ENTER);
	n = c->pending_n;
	if (c->in_window && n < PENDING_MAX) {
		c->pending_nr[n] = (__u32)c->nr;
		c->pending_n = n + 1;
	}
	c->active = true;
	return 0;
}

/* Bytes a socket accepted, by how tcp_sendmsg_locked saw them. */
static __always_inline void send_account(const struct call *c, long ret,
					 int unseen)
{
	if (c->send_kind == ZC_SEND_COPY)
		scount(ZC_C_SEND_COPY_BYTES, ret);
	else if (c->send_kind == ZC_SEND_REF)
		scount(ZC_C_SEND_REF_BYTES, ret);
	else if (c->send_kind == ZC_SEND_UREF)
		scount(ZC_C_SEND_UREF_BYTES, ret);
	else
		scount(unseen, ret);
}

/*
 * splice() into the pipe takes references to the file's pages; out of it,
 * the socket takes them as tcp_sendmsg_locked says: referenced, or (where
 * some kernel copied) copied. Where it did not fire, neither is counted
 * and the model says the kind was not measured.
 */
static __always_inline void splice_account(const struct call *c, long ret)
{
	if (c->fd_kind == ZC_FD_FILE) {
		scount(ZC_C_PIPE_IN_BYTES, ret);
		scount(ZC_C_PIPE_IN_CALLS, 1);
		return;
	}
	scount(ZC_C_PIPE_OUT_BYTES, ret);
	scount(ZC_C_PIPE_OUT_CALLS, 1);
	if (c->send_kind == ZC_SEND_REF || c->send_kind == ZC_SEND_UREF)
		scount(ZC_C_PIPE_OUT_REF_BYTES, ret);
	else if (c->send_kind == ZC_SEND_COPY)
		scount(ZC_C_PIPE_OUT_COPY_BYTES, ret);
}

/* The same bytes, for the file and the flow they belong to. */
static __always_inline void slots_account(const struct call *c, long ret)
{
	/* unsigned: -1, no slot, is out of range too */
	__u32 fs = c->file_slot, s = c->flow_slot;
	struct zc_file *f =
		fs < ZC_MAX_FILES ? &zc_files[fs & (ZC_MAX_FILES - 1)] : NULL;
	struct zc_proc *p = proc_at(c->proc);
	__u32 k = c->send_kind - 1; /* ZC_TAKEN_*, or out of range: none */

	if (k < ZC_TAKEN_NR)
		sadd(&p->taken[k & 3], ret);
	if (c->fd_kind == ZC_FD_FILE && c->info.moves == ZC_MOVES_READ)
		sadd(&p->read_bytes, ret);
	if (c->info.moves == ZC_MOVES_SENDFILE)
		sadd(&p->sendfile_bytes, ret);
	if (c->info.moves == ZC_MOVES_MAP)
		sadd(&p->map_bytes, c->args[1]);

	if (f && c->info.moves == ZC_MOVES_READ) {
		sadd(&f->read_bytes, ret);
		sadd(&f->read_calls, 1);
	} else if (f && c->info.moves == ZC_MOVES_SENDFILE) {
		sadd(&f->sendfile_bytes, ret);
		sadd(&f->sendfile_calls, 1);
	} else if (f && c->info.moves == ZC_MOVES_MAP) {
		sadd(&f->map_bytes, c->args[1]);
	} else if (f && c->info.moves == ZC_MOVES_SPLICE) {
		sadd(&f->pipe_in_bytes, ret);
	}
	if (s >= ZC_MAX_FLOWS)
		return;
	s &= ZC_MAX_FLOWS - 1; /* for the verifier, which cannot see it */
	if (c->send_kind == ZC_SEND_COPY)
		sadd(&zc_flows[s].taken[ZC_TAKEN_COPY], ret);
	else if (c->send_kind == ZC_SEND_REF)
		sadd(&zc_flows[s].taken[ZC_TAKEN_REF], ret);
	else if (c->send_kind == ZC_SEND_UREF)
		sadd(&zc_flows[s].taken[ZC_TAKEN_UREF], ret);
}

static __always_inline void call_account(const struct call *c, long ret)
{
	slots_account(c, ret);
	switch (c->info.moves) {
	case ZC_MOVES_READ:
		scount(ZC_C_FILE_READ_BYTES, ret);
		scount(ZC_C_FILE_READ_CALLS, 1);
		break;
	case ZC_MOVES_SEND:
		scount(ZC_C_SOCK_SEND_BYTES, ret);
		scount(ZC_C_SOCK_SEND_CALLS, 1);
		send_account(c, ret, ZC_C_SEND_UNSEEN_WRITE);
		break;
	case ZC_MOVES_SENDFILE:
		scount(ZC_C_SENDFILE_BYTES, ret);
		scount(ZC_C_SENDFILE_CALLS, 1);
		send_account(c, ret, ZC_C_SEND_UNSEEN_SENDFILE);
		break;
	case ZC_MOVES_MAP:
		scount(ZC_C_FILE_MAP_BYTES, c->args[1]);
		break;
	case ZC_MOVES_SPLICE:
		splice_account(c, ret);
		break;
	case ZC_MOVES_RING:
		break; /* its requests count as they complete (io_uring_complete) */
	case ZC_MOVES_ANSWERS:
		break; /* answers, not data */
	default:
		/* the socket took data in a call the table does not know */
		scount(ZC_C_SEND_UNKNOWN_BYTES, ret);
		scount(ZC_C_SEND_UNKNOWN_CALLS, 1);
	}
}

static __always_inline void call_emit(const struct call *c, long ret, __u64 now)
{
	struct zc_event *e;

	if (!emit_events)
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(ZC_C_EVENTS_LOST, 1);
		return;
	}
	e->ts_ns = now ? now : bpf_ktime_get_ns();
	e->type = ZC_EV_SYSCALL;
	e->nr = c->nr;
	e->ret = ret;
	__builtin_memcpy(e->args, c->args, sizeof(e->args));
	e->fd_kind = c->fd_kind;
	e->send_kind = c->send_kind;
	e->in_window = c->in_window;
	e->pad = 0;
	bpf_ringbuf_submit(e, 0);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(zc_sys_exit, struct pt_regs *regs, long ret)
{
	struct call *c = sender_call(0);
	__u64 now = 0;

	if (!c && is_receiver())
		rx_exit(ret);
	if (c && c->handshake) {
		c->handshake = false;
		return 0;
	}
	if (!c || !c->active) /* entered before we attached */
		return 0;
	wcount(c, W_SYS_EXIT);
	/* errors are negative; mmap()'s user addresses are not */
	if (is_data_call(c) && ret >= 0) {
		if (ret > 0)
			call_account(c, ret);
		now = bpf_ktime_get_ns();
		zc_counters[ZC_C_LAST_NS] = now;
		window_commit(c);
	}
	/* the log shows the process's first thread from its start, as a C
	 * demo runs; any other from its first data call: a JVM's start-up
	 * is thousands of calls of threads that never move the file */
	if (c == &main_call || c->in_window)
		call_emit(c, ret, now);
	c->active = false;
	return 0;
}

/* ---- how the socket takes the data: copy or page references --------- */

/* The slot of a socket in zc_flows[], taken if need be; -1 when all are. */
static __always_inline int flow_slot(const struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct zc_flow *f;
	int i;

	for (i = 0; i < ZC_MAX_FLOWS; i++) {
		f = &zc_flows[i];
		if (f->sk == key)
			return i;
		if (f->sk || __sync_val_compare_and_swap(&f->sk, 0, key))
			continue;
		f->family = sk->__sk_common.skc_family;
		f->saddr = sk->__sk_common.skc_rcv_saddr;
		f->daddr = sk->__sk_common.skc_daddr;
		f->sport = sk->__sk_common.skc_num;
		f->dport = bpf_ntohs(sk->__sk_common.skc_dport);
		f->tgid = bpf_get_current_pid_tgid() >> 32;
		return i;
	}
	count(ZC_C_FLOWS_OVER, 1);
	return -1;
}

/* The flow of a packet's socket, or -1: not one of the sender's. */
static __always_inline int flow_of(const struct sock *sk)
{
	int i;

	for (i = 0; i < ZC_MAX_FLOWS && sk; i++)
		if (zc_flows[i].sk == (__u64)sk)
			return i;
	return -1;
}

/*
 * Fires once per socket-buffer fill inside tcp_sendmsg_locked(), before it
 * takes the data, and says how it will, by the test the kernel itself
 * makes there (net/ipv4/tcp.c): sendfile() and splice() arrive with
 * MSG_SPLICE_PAGES and a bvec of page-cache pages, which the socket buffer
 * references; MSG_ZEROCOPY (on a socket with SO_ZEROCOPY, or with io_uring's
 * msg_ubuf) references the user's pages; each only on a route that can
 * gather (with GSO, TCP's always can), else the kernel copies. Anything
 * else, write() too, is copied from user memory.
 */
#define NETIF_F_SG (1ULL << 0) /* NETIF_F_SG_BIT */

static __always_inline enum zc_send_kind send_kind_of(const struct sock *sk,
						      const struct msghdr *msg)
{
	bool sg = sk->sk_route_caps & NETIF_F_SG;
	bool ubuf = bpf_core_field_exists(msg->msg_ubuf) && msg->msg_ubuf;
	bool zc_ok = sk->__sk_common.skc_flags & (1UL << SOCK_ZEROCOPY);

	if (msg->msg_flags & MSG_ZEROCOPY)
		return sg && (ubuf || zc_ok) ? ZC_SEND_UREF : ZC_SEND_COPY;
	if (msg->msg_flags & MSG_SPLICE_PAGES)
		return sg ? ZC_SEND_REF : ZC_SEND_COPY;
	return ZC_SEND_COPY;
}

SEC("tp_btf/tcp_sendmsg_locked")
int BPF_PROG(zc_tcp_sendmsg, const struct sock *sk, const struct msghdr *msg,
	     const struct sk_buff *skb, int size_goal)
{
	struct call *c = sender_call(0);

	if (!c)
		return 0;
	c->last_kind = send_kind_of(sk, msg);
	if (!c->active || c->send_kind != ZC_SEND_NONE)
		return 0;
	c->flow_slot = flow_slot(sk);
	c->send_kind = c->last_kind;
	return 0;
}

/* ---- io_uring: requests in, completions out -------------------------- */

#define IORING_OP_SENDMSG 9 /* uapi's enum io_uring_op */
#define IORING_OP_SEND 26
#define IORING_OP_SEND_ZC 47
#define IORING_OP_SENDMSG_ZC 48
#define IORING_CQE_F_NOTIF (1U << 3)
#define IORING_NOTIF_USAGE_ZC_COPIED (1U << 31)

SEC("tp_btf/io_uring_submit_req")
int BPF_PROG(zc_iou_submit, struct io_kiocb *req)
{
	if (is_watched())
		count(ZC_C_IOU_SUBMITS, 1);
	return 0;
}

/* What a completion says: a notification, copied or not; else nothing. */
static __always_inline bool cqe_note(__s32 res, __u32 flags)
{
	if (!(flags & IORING_CQE_F_NOTIF))
		return false;
	count(ZC_C_IOU_NOTES, 1);
	if ((__u32)res & IORING_NOTIF_USAGE_ZC_COPIED)
		count(ZC_C_IOU_NOTES_COPIED, 1);
	return true;
}

/*
 * A completion that found the completion ring full waits in the kernel
 * (and is posted later, with no tracepoint): counted here, as it happens.
 */
SEC("tp_btf/io_uring_cqe_overflow")
int BPF_PROG(zc_iou_overflow, void *ring, __u64 user_data, __s32 res,
	     __u32 cflags, void *ocqe)
{
	if (!is_watched())
		return 0;
	count(ZC_C_IOU_CQES, 1);
	count(ZC_C_IOU_OVERFLOWS, 1);
	cqe_note(res, cflags);
	return 0;
}

/*
 * Every completion the sender's rings post. A send's result carries the
 * bytes the socket took, which io_uring_enter() itself does not return;
 * a notification says the kernel is done with a SEND_ZC's pages, and
 * (IORING_SEND_ZC_REPORT_USAGE) whether it copied them after all.
 */
SEC("tp_btf/io_uring_complete")
int BPF_PROG(zc_iou_complete, struct io_ring_ctx *ring, void *req,
	     struct io_uring_cqe *cqe)
{
	struct io_kiocb *r = req;
	struct call *c;
	__s32 res;
	__u8 op;

	if (!is_watched())
		return 0;
	count(ZC_C_IOU_CQES, 1);
	res = cqe->res;
	if (cqe_note(res, cqe->flags))
		return 0;
	op = BPF_CORE_READ(r, opcode);
	if (res <= 0 || (op != IORING_OP_SEND && op != IORING_OP_SEND_ZC &&
			 op != IORING_OP_SENDMSG && op != IORING_OP_SENDMSG_ZC))
		return 0;
	/* the socket took them in this thread just before, as it said there
	 * (in a call, or in task work as the thread left the kernel) */
	c = sender_call(0);
	count(ZC_C_SOCK_SEND_BYTES, res);
	count(ZC_C_SOCK_SEND_CALLS, 1);
	if (c && c->last_kind >= ZC_SEND_COPY && c->last_kind <= ZC_SEND_UREF)
		__sync_fetch_and_add(
			&proc_at(c->proc)->taken[(c->last_kind - 1) & 3], res);
	if (c && c->last_kind == ZC_SEND_UREF)
		count(ZC_C_SEND_UREF_BYTES, res);
	else if (c && c->last_kind == ZC_SEND_COPY)
		count(ZC_C_SEND_COPY_BYTES, res);
	else
		count(ZC_C_SEND_UNSEEN_WRITE, res);
	return 0;
}

/* ---- disk -> page cache --------------------------------------------- */

SEC("tp/filemap/mm_filemap_add_to_page_cache")
int zc_cache_add(struct trace_event_raw_mm_filemap_op_page_cache *ctx)
{
	__u64 bytes = 4096ULL << ctx->order;
	struct zc_event *e;

	/* the demo's file; or, watching a program, the pages it brings into
	 * the page cache itself (readahead runs in the reader's context), of
	 * whatever file: a server's log read from disk */
	if (watch_any ? !is_watched() :
			ctx->i_ino != file_ino || ctx->s_dev != file_kdev)
		return 0;
	count(ZC_C_CACHE_ADD_BYTES, bytes);
	count(ZC_C_CACHE_ADD_EVENTS, 1);
	if (!emit_events)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(ZC_C_EVENTS_LOST, 1);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->type = ZC_EV_CACHE_ADD;
	e->ret = bytes;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* ---- page faults, context switches, CPU time ------------------------ */

SEC("tp_btf/page_fault_user")
int BPF_PROG(zc_fault_user, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	wcount(sender_call(0), W_FAULTS_USER);
	return 0;
}

/* write() from a fresh mmap() faults here: the kernel touches user pages */
SEC("tp_btf/page_fault_kernel")
int BPF_PROG(zc_fault_kernel, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	if (address < USER_ADDR_END)
		wcount(sender_call(0), W_FAULTS_KERNEL);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(zc_sched_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next, unsigned int prev_state)
{
	int p = proc_of(prev->tgid);
	struct call *c;

	if (p < 0)
		return 0;
	c = call_of(prev, p, 0);
	if (c && c->handshake)
		return 0;
	/* it gave up the CPU to wait (voluntary), or was preempted */
	if (prev_state != 0 && !preempt)
		wcount(c, W_CS_VOLUNTARY);
	else
		wcount(c, W_CS_INVOLUNTARY);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(zc_process_exit, struct task_struct *p)
{
	int slot = proc_of(p->tgid);
	struct zc_proc *pr;

	/* each thread as it exits: the sum is the whole process's */
	if (slot < 0)
		return 0;
	pr = proc_at(slot);
	if (p->pid == p->tgid) { /* its name at its end: after any exec */
		__builtin_memcpy(pr->comm, p->comm, sizeof(pr->comm));
		pr->exited = 1;
	}
	if (p->pid == sender_tgid)
		__builtin_memcpy(zc_comm, p->comm, sizeof(zc_comm));
	__sync_fetch_and_add(&pr->cpu_user_ns, p->utime);
	__sync_fetch_and_add(&pr->cpu_sys_ns, p->stime);
	__sync_fetch_and_add(&pr->cpu_run_ns, p->se.sum_exec_runtime);
	count(ZC_C_CPU_USER_NS, p->utime);
	count(ZC_C_CPU_SYS_NS, p->stime);
	count(ZC_C_CPU_RUN_NS, p->se.sum_exec_runtime);
	return 0;
}

/*
 * A watched process starts another (not a thread: that shares its tgid):
 * watched from its first instruction, in a free slot. zcviz adds those it
 * started before the watch began the same way, so a slot is taken by
 * whoever swaps its tgid in first, and kept by whoever enters it in procs.
 */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(zc_process_fork, struct task_struct *parent,
	     struct task_struct *child)
{
	__u32 tgid = child->tgid, ptgid = parent->tgid, i, slot;
	struct zc_proc *p;

	if (!follow || tgid == ptgid || proc_of(ptgid) < 0)
		return 0;
	for (i = 1; i < ZC_MAX_PROCS; i++) {
		p = proc_at(i);
		if (p->tgid || __sync_val_compare_and_swap(&p->tgid, 0, tgid))
			continue;
		p->ppid = ptgid;
		__builtin_memcpy(p->comm, child->comm, sizeof(p->comm));
		slot = i; /* its own copy: the map takes its address */
		if (bpf_map_update_elem(&procs, &tgid, &slot, BPF_NOEXIST))
			p->tgid = 0; /* zcviz was first */
		return 0;
	}
	count(ZC_C_PROCS_OVER, 1);
	return 0;
}

/* ---- socket buffer -> NIC ------------------------------------------- */

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD

/* Is this an IPv4 or IPv6 packet carrying TCP? */
static __always_inline bool is_tcp(const struct sk_buff *skb,
				   unsigned char *head)
{
	__u16 proto = bpf_ntohs(skb->protocol);
	__u16 nh = skb->network_header;
	struct ipv6hdr ip6;
	struct iphdr ip;

	if (proto == ETH_P_IP)
		return !bpf_probe_read_kernel(&ip, sizeof(ip), head + nh) &&
		       ip.protocol == IPPROTO_TCP;
	if (proto == ETH_P_IPV6)
		return !bpf_probe_read_kernel(&ip6, sizeof(ip6), head + nh) &&
		       ip6.nexthdr == IPPROTO_TCP;
	return false;
}

/*
 * The TCP header of an IPv4 or IPv6 packet: 1, or 0 when it carries no
 * TCP, -1 when it cannot be read. Where nothing lies between the IP header
 * and TCP's (no IP options, no IPv6 extension headers: nearly always),
 * both come in one read, which is most of what a packet costs here.
 */
static __always_inline int tcp_of(const struct sk_buff *skb,
				  unsigned char *head, struct tcphdr *tcp)
{
	__u16 proto = bpf_ntohs(skb->protocol);
	__u16 nh = skb->network_header, th = skb->transport_header;
	struct {
		struct iphdr ip;
		struct tcphdr tcp;
	} v4;
	struct {
		struct ipv6hdr ip;
		struct tcphdr tcp;
	} v6;

	if (proto == ETH_P_IP && th == nh + sizeof(v4.ip)) {
		if (bpf_probe_read_kernel(&v4, sizeof(v4), head + nh))
			return -1;
		*tcp = v4.tcp;
		return v4.ip.protocol == IPPROTO_TCP;
	}
	if (proto == ETH_P_IPV6 && th == nh + sizeof(v6.ip)) {
		if (bpf_probe_read_kernel(&v6, sizeof(v6), head + nh))
			return -1;
		*tcp = v6.tcp;
		return v6.ip.nexthdr == IPPROTO_TCP;
	}
	if (!is_tcp(skb, head))
		return 0; /* ARP, IPv6 neighbour discovery, ...: not our flow */
	if (th == (__u16)~0U ||
	    bpf_probe_read_kernel(tcp, sizeof(*tcp), head + th))
		return -1;
	return 1;
}

/*
 * The flow's payload on the egress device, split into the part in the
 * skb's linear area and the part in page fragments. Every transmission
 * counts, a retransmission too (the device moved those bytes again, and
 * GSO copied them again); payload below the highest sequence number seen
 * so far is also counted as resent, so that the report can say so.
 */
/*
 * Of pay bytes from sequence number seq at point at, those not seen there
 * before (the rest were sent again). New data begins where the last
 * ended; beyond it, the bytes between passed this point without this
 * program running for them: not counted anywhere, so counted here as a
 * hole, and said in the report.
 */
static __always_inline __u32 seq_fresh(struct zc_net *n, int at, __u32 seq,
				       __u32 pay, __u32 *hole)
{
	__u32 end = seq + pay, fresh;
	__u32 high = n->seq_seen[at & 1] ? n->seq_high[at & 1] : seq;

	*hole = (__s32)(seq - high) > 0 ? seq - high : 0;
	fresh = (__s32)(end - high) > 0 ?
			end - ((__s32)(seq - high) > 0 ? seq : high) :
			0;
	if (fresh) {
		n->seq_high[at & 1] = end;
		n->seq_seen[at & 1] = true;
	}
	return fresh;
}

/*
 * ZC_C_*_SKBS, then _PAGED, _LINEAR and _RESENT, at base (0: queue, 4:
 * xmit). Locked adds: a device sends from every CPU at once, in softirqs
 * too, and zc_net sums every flow of a watched program. (One flow's own
 * packets come one after the other, under its socket's lock: seq_fresh()
 * needs nothing more.)
 */
static __always_inline void net_add(struct zc_net *n, int base, __u32 paged,
				    __u32 linear, __u32 resent, int at,
				    __u32 hole)
{
	__sync_fetch_and_add(&n->c[base & 7], 1);
	__sync_fetch_and_add(&n->c[(base + 1) & 7], paged);
	__sync_fetch_and_add(&n->c[(base + 2) & 7], linear);
	__sync_fetch_and_add(&n->c[(base + 3) & 7], resent);
	if (hole)
		__sync_fetch_and_add(&n->hole[at & 1], hole);
}

/*
 * Which flow a packet on a device is, by what we were told to watch: the
 * sender's sockets on any device (-p), or the receiver's port on the
 * egress device (a demo, a command). NULL: none of ours.
 */
static __always_inline struct zc_net *flow_net(const struct sk_buff *skb,
					       const struct net_device *dev)
{
	__u32 slot;

	if (!dev)
		return NULL;
	if (watch_any) {
		slot = flow_of(skb->sk);
		if (slot >= ZC_MAX_FLOWS) /* -1: none */
			return NULL;
		slot &= ZC_MAX_FLOWS - 1;
		zc_flows[slot].ifindex = dev->ifindex;
		return &zc_flows[slot].net;
	}
	if (dev->ifindex != egress_ifindex ||
	    dev->nd_net.net->ns.inum != egress_netns)
		return NULL;
	return &zc_net;
}

/*
 * Does the skb still carry the sender's pinned user pages? The kernel's
 * own test, skb_zcopy(): a flag in the shared info after the data.
 */
#define SKBFL_ZEROCOPY_ENABLE 1

static __always_inline bool skb_pinned(const struct sk_buff *skb)
{
	struct skb_shared_info *sh = (void *)(skb->head + skb->end);
	__u8 flags = 0;

	bpf_probe_read_kernel(&flags, sizeof(flags), &sh->flags);
	return flags & SKBFL_ZEROCOPY_ENABLE;
}

/* A command's packet on the lab's device: its flow's payload too. */
static __always_inline void flow_net_add(const struct sk_buff *skb,
					 const struct net_device *dev, int base,
					 __u32 paged, __u32 linear, int at,
					 __u32 seq)
{
	__u32 slot = flow_of(skb->sk), pay = paged + linear, fresh, hole;
	struct zc_net *n;

	if (slot >= ZC_MAX_FLOWS) /* -1: a socket it never sent on */
		return;
	slot &= ZC_MAX_FLOWS - 1;
	zc_flows[slot].ifindex = dev->ifindex;
	n = &zc_flows[slot].net;
	fresh = seq_fresh(n, at, seq, pay, &hole);
	net_add(n, base, paged, linear, pay - fresh, at, hole);
}

static __always_inline void skb_account(const struct sk_buff *skb,
					const struct net_device *dev, int at)
{
	/*
	 * tp_btf hands us kernel pointers the verifier knows: their fields
	 * are plain loads, not helper calls. This runs for every packet on
	 * the device (every segment without scatter-gather): keep it cheap,
	 * and leave at once for any other device.
	 */
	struct zc_net *flow = flow_net(skb, dev);
	unsigned char *head, *data;
	__u32 len, paged, hdr, linear, pay, fresh, hole;
	__u16 th;
	struct tcphdr tcp;
	int base = at == ZC_NET_QUEUE ? 0 : ZC_C_X_SKBS - ZC_C_Q_SKBS;
	int is;

	if (!flow)
		return;
	/* to hold against the device's own count (tx_packets): any packet,
	 * from any CPU */
	if (at == ZC_NET_XMIT && flow == &zc_net)
		__sync_fetch_and_add(&zc_net.dev_packets, 1);
	head = skb->head;
	data = skb->data;
	th = skb->transport_header;
	len = skb->len;
	paged = skb->data_len;
	is = tcp_of(skb, head, &tcp);
	if (is < 0)
		count(ZC_C_NET_UNPARSED,
		      1); /* said in the report, not guessed */
	if (is <= 0)
		return;
	if (flow == &zc_net && bpf_ntohs(tcp.dest) != flow_port)
		return;
	hdr = th + tcp.doff * 4 - (__u32)(data - head);
	linear = len - paged > hdr ? len - paged - hdr : 0;
	pay = linear + paged;
	if (!pay)
		return; /* a pure ACK, SYN or FIN */
	fresh = seq_fresh(flow, at, bpf_ntohl(tcp.seq), pay, &hole);
	net_add(flow, base, paged, linear, pay - fresh, at, hole);
	if (zc_frags && paged && skb_pinned(skb))
		count(at == ZC_NET_QUEUE ? ZC_C_Q_ZC_BYTES : ZC_C_X_ZC_BYTES,
		      paged);
	/* a flow of a watched program's: the totals too */
	if (flow != &zc_net)
		net_add(&zc_net, base, paged, linear, pay - fresh, at, hole);
	else if (flow_nets)
		flow_net_add(skb, dev, base, paged, linear, at,
			     bpf_ntohl(tcp.seq));
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(zc_net_dev_queue, struct sk_buff *skb)
{
	skb_account(skb, skb->dev, ZC_NET_QUEUE);
	return 0;
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(zc_net_dev_start_xmit, const struct sk_buff *skb,
	     const struct net_device *dev)
{
	skb_account(skb, dev, ZC_NET_XMIT);
	return 0;
}

/* ---- the receiver's copy into its buffer ---------------------------- */

SEC("tp_btf/skb_copy_datagram_iovec")
int BPF_PROG(zc_rx_copy, const struct sk_buff *skb, int len)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;

	/* watching programs: what they receive, copied (a proxy's bytes) */
	if (tgid != sink_tgid) {
		if (watch_any && proc_of(tgid) >= 0)
			count(ZC_C_RECV_COPY_BYTES, len);
		return 0;
	}
	__sync_fetch_and_add(&zc_rx.bytes, len);
	/* the sender's own pages in the receiver's hands: never, the kernel
	 * copies them before; counted to show that it did */
	if (zc_frags && skb_pinned(skb))
		count(ZC_C_READ_ZC_BYTES, len);
	return 0;
}

/*
 * The flow's packets as the receiving side takes them, before its stack
 * (the other end of the lab's veth, or lo): the receiver's first arrow,
 * and for the zero-copy demos, still in the sender's pinned pages, or
 * copied on the way? The headers are read from skb->data, where the
 * network header starts by now.
 */
SEC("tp_btf/netif_receive_skb")
int BPF_PROG(zc_rx_skb, struct sk_buff *skb)
{
	unsigned char *data;
	struct tcphdr tcp;
	struct iphdr ip;
	__u32 hdr, pay;

	if (bpf_ntohs(skb->protocol) != ETH_P_IP)
		return 0;
	data = skb->data;
	if (bpf_probe_read_kernel(&ip, sizeof(ip), data) ||
	    ip.protocol != IPPROTO_TCP ||
	    bpf_probe_read_kernel(&tcp, sizeof(tcp), data + ip.ihl * 4) ||
	    bpf_ntohs(tcp.dest) != flow_port)
		return 0;
	hdr = ip.ihl * 4 + tcp.doff * 4;
	pay = skb->len > hdr ? skb->len - hdr : 0;
	count(ZC_C_RX_IN_BYTES, pay);
	if (zc_frags && pay && skb->data_len && skb_pinned(skb))
		count(ZC_C_RX_ZC_BYTES, skb->data_len);
	return 0;
}

/* ---- why the receiver's pages could or could not be mapped ------------ */

/* --recv mmap: what each received page lets TCP_ZEROCOPY_RECEIVE do */
const volatile bool rx_pages;

/*
 * A fragment's payload, by can_map_frag()'s tests (net/ipv4/tcp.c), the
 * most telling first: a page of a file (the page cache's: a sendfile
 * sender's, never mapped into another process since 2024), a compound
 * page (a write() sender's 32 KiB page_frag), less than a whole page from
 * its start, or a whole page of its own, which the kernel can map.
 */
static __always_inline int page_counter(const skb_frag_t *frag)
{
	struct page *page = (struct page *)BPF_CORE_READ(frag, netmem);
	unsigned long flags = 0, head = 0;

	if (page && BPF_CORE_READ(page, mapping))
		return ZC_C_RX_PAGES_FILE;
	bpf_probe_read_kernel(&flags, sizeof(flags), &page->flags);
	head = BPF_CORE_READ(page, compound_head);
	if (flags & (1UL << bpf_core_enum_value(enum pageflags, PG_head)) ||
	    head & 1)
		return ZC_C_RX_PAGES_COMPOUND;
	if (BPF_CORE_READ(frag, len) != 4096 || BPF_CORE_READ(frag, offset))
		return ZC_C_RX_PAGES_PART;
	return ZC_C_RX_PAGES_WHOLE;
}

/* One skb's payload (after hdr bytes of headers), by what its pages are. */
static __always_inline void pages_count(const struct sk_buff *skb, __u32 hdr)
{
	struct skb_shared_info *sh =
		(void *)(BPF_CORE_READ(skb, head) + BPF_CORE_READ(skb, end));
	__u32 head = BPF_CORE_READ(skb, len) - BPF_CORE_READ(skb, data_len);
	__u32 nr = BPF_CORE_READ(sh, nr_frags), i;
	const skb_frag_t *frag;

	if (head > hdr)
		count(ZC_C_RX_LINEAR, head - hdr);
	for (i = 0; i < sizeof(sh->frags) / sizeof(sh->frags[0]) && i < nr;
	     i++) {
		frag = &sh->frags[i];
		count(page_counter(frag), BPF_CORE_READ(frag, len));
	}
}

/*
 * The receiver's segments as TCP takes them (tcp_rcv_established(), after
 * the receiving side copied any pinned pages of a sender's): skb->data is
 * at the TCP header yet. GRO may have chained the segments it merged
 * behind the first (frag_list), their headers already pulled. Only its
 * socket's (its port), only for mmap.
 */
SEC("tp_btf/tcp_probe")
int BPF_PROG(zc_rx_pages, struct sock *sk, const struct sk_buff *skb)
{
	const struct sk_buff *next;
	struct tcphdr th;
	int i;

	if (!rx_pages || sk->__sk_common.skc_num != flow_port ||
	    bpf_probe_read_kernel(&th, sizeof(th), skb->data))
		return 0;
	pages_count(skb, th.doff * 4);
	next = BPF_CORE_READ((struct skb_shared_info *)(skb->head + skb->end),
			     frag_list);
	/* GRO merges up to 64 KiB (gro_max_size): 45 segments of 1448
	 * bytes, 16 of a page; BIG TCP, which could make more, is off here */
	for (i = 0; i < 64 && next; i++) {
		pages_count(next, 0);
		next = BPF_CORE_READ(next, next);
	}
	return 0;
}
