/*
 * The table of system calls. See syscalls.h.
 */
#include "syscalls.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

/* moves, fd_arg, forgets, takes: the columns between the number and args */
#define MOVES(what, fd) ZC_MOVES_##what, fd, ZC_FORGET_NONE, ZC_TAKES_NONE
#define NONE MOVES(NONE, 0)
#define CLOSES(which) ZC_MOVES_NONE, 0, ZC_FORGET_##which, ZC_TAKES_NONE
#define TAKES(what) ZC_MOVES_NONE, 0, ZC_FORGET_NONE, ZC_TAKES_##what

static const struct syscall_info table[] = {
	/* what moves the file's data */
	{ "read", SYS_read, MOVES(READ, 0), "%d0, buf, %u2" },
	{ "pread64", SYS_pread64, MOVES(READ, 0), NULL },
	{ "readv", SYS_readv, MOVES(READ, 0), NULL },
	{ "preadv", SYS_preadv, MOVES(READ, 0), NULL },
	{ "preadv2", SYS_preadv2, MOVES(READ, 0), NULL },
	{ "write", SYS_write, MOVES(SEND, 0), "%d0, buf, %u2" },
	{ "writev", SYS_writev, MOVES(SEND, 0), NULL },
	{ "pwrite64", SYS_pwrite64, MOVES(SEND, 0), NULL },
	{ "sendto", SYS_sendto, MOVES(SEND, 0), "%d0, buf, %u2, %x3, ..." },
	{ "sendmsg", SYS_sendmsg, MOVES(SEND, 0), NULL },
	{ "sendfile", SYS_sendfile, MOVES(SENDFILE, 0), "%d0, %d1, &off, %u3" },
	{ "mmap", SYS_mmap, MOVES(MAP, 4),
	  "NULL, %u1, PROT_READ, MAP_SHARED, %d4, 0" },
	/* splice() moves a sender's data, and takes a receiver's */
	{ "splice", SYS_splice, ZC_MOVES_SPLICE, 0, ZC_FORGET_NONE,
	  ZC_TAKES_SPLICE, "%d0, %x1, %d2, %x3, %u4, ..." },
	{ "io_uring_enter", SYS_io_uring_enter, MOVES(RING, 0),
	  "%d0, to_submit %u1, min_complete %u2, %x3, ..." },
	/* the answers to zero-copy sends, when its flags say MSG_ERRQUEUE */
	{ "recvmsg", SYS_recvmsg, MOVES(ANSWERS, 0), "%d0, msg, %x2" },
	/* what changes the fd table */
	{ "close", SYS_close, CLOSES(ARG0), NULL },
	{ "dup3", SYS_dup3, CLOSES(ARG1), NULL },
#ifdef SYS_dup2 /* arm64 has only dup3 */
	{ "dup2", SYS_dup2, CLOSES(ARG1), NULL },
#endif
#ifdef SYS_close_range
	{ "close_range", SYS_close_range, CLOSES(ALL), NULL },
#endif
	{ "execve", SYS_execve, CLOSES(ALL), NULL },
	{ "execveat", SYS_execveat, CLOSES(ALL), NULL },
	/* the rest a demo makes, named in the log */
	{ "munmap", SYS_munmap, NONE, NULL },
	{ "shutdown", SYS_shutdown, NONE, NULL },
	{ "clock_nanosleep", SYS_clock_nanosleep, NONE, NULL },
	{ "newfstatat", SYS_newfstatat, NONE, NULL },
#ifdef SYS_fstat
	{ "fstat", SYS_fstat, NONE, NULL },
#endif
	{ "openat", SYS_openat, NONE, NULL },
	{ "clone", SYS_clone, NONE, NULL },
	{ "wait4", SYS_wait4, NONE, NULL },
	{ "pipe2", SYS_pipe2, NONE, NULL },
	{ "exit_group", SYS_exit_group, NONE, NULL },
	{ "ioctl", SYS_ioctl, NONE, NULL },
	{ "socket", SYS_socket, NONE, NULL },
	{ "connect", SYS_connect, NONE, NULL },
	{ "getsockname", SYS_getsockname, NONE, NULL },
	{ "getpeername", SYS_getpeername, NONE, NULL },
	/* the receiver's: what takes bytes out of a socket */
	{ "recvfrom", SYS_recvfrom, TAKES(RECV), "%d0, buf, %u2, %x3, ..." },
	{ "getsockopt", SYS_getsockopt, TAKES(OPT),
	  "%d0, %d1, %d2, optval, optlen" },
	{ "setsockopt", SYS_setsockopt, NONE, NULL },
#ifdef SYS_poll
	{ "poll", SYS_poll, NONE, NULL },
#endif
	{ "ppoll", SYS_ppoll, NONE, NULL },
	{ "io_uring_setup", SYS_io_uring_setup, NONE, NULL },
	{ "io_uring_register", SYS_io_uring_register, NONE, NULL },
	{ "fcntl", SYS_fcntl, NONE, NULL },
	{ "rt_sigaction", SYS_rt_sigaction, NONE, NULL },
	{ "brk", SYS_brk, NONE, NULL },
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

const struct syscall_info *syscall_at(size_t i)
{
	return i < NTABLE ? &table[i] : NULL;
}

const struct syscall_info *syscall_by_nr(long nr)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].nr == nr)
			return &table[i];
	return NULL;
}

const struct syscall_info *syscall_by_name(const char *name)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return NULL;
}

void syscalls_fill(struct zc_sysinfo info[ZC_NR_SYSCALLS])
{
	memset(info, 0, sizeof(*info) * ZC_NR_SYSCALLS);
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].nr >= 0 && table[i].nr < ZC_NR_SYSCALLS)
			info[table[i].nr] = (struct zc_sysinfo){
				.moves = table[i].moves,
				.fd_arg = table[i].fd_arg,
				.forgets = table[i].forgets,
				.takes = table[i].takes,
			};
}

/* The arguments by the entry's template, after "name(". */
static int args_format(char *buf, size_t len, const char *t, const __u64 a[6])
{
	size_t n = 0;
	int w;

	for (; *t && n < len; t++) {
		if (t[0] == '%' && strchr("dux", t[1]) && t[1] && t[2] >= '0' &&
		    t[2] <= '5') {
			__u64 v = a[t[2] - '0'];

			w = t[1] == 'd' ?
				    snprintf(buf + n, len - n, "%d", (int)v) :
			    t[1] == 'u' ? snprintf(buf + n, len - n, "%" PRIu64,
						   (uint64_t)v) :
					  snprintf(buf + n, len - n,
						   "%#" PRIx64, (uint64_t)v);
			n += w > 0 ? (size_t)w : 0;
			t += 2;
		} else {
			buf[n++] = *t;
		}
	}
	if (n >= len)
		n = len - 1;
	buf[n] = '\0';
	return (int)n;
}

int syscall_format(char *buf, size_t len, long nr, const __u64 args[6])
{
	const struct syscall_info *s = syscall_by_nr(nr);
	char a[80];

	if (!s)
		return snprintf(buf, len, "syscall %ld(%#" PRIx64 ", ...)", nr,
				(uint64_t)args[0]);
	args_format(a, sizeof(a), s->args ? s->args : "%x0, %x1, ...", args);
	return snprintf(buf, len, "%s(%s)", s->name, a);
}
