/*
 * The one table of system calls: number, name, what it moves, and how
 * the dashboard writes a call to it. The BPF side gets what it needs from
 * it before load (syscalls_fill()); the log and the reports name syscalls
 * from it. A syscall it does not know moves nothing as far as zcviz is
 * concerned, and bytes that enter the socket during one are reported as
 * such, never counted as something else.
 */
#ifndef ZC_SYSCALLS_H
#define ZC_SYSCALLS_H

#include <stddef.h>

#include <linux/types.h>
#include "../bpf/zc.h"

struct syscall_info {
	const char *name;
	long nr;
	enum zc_moves moves;
	int fd_arg; /* the fd it moves through (sendfile: the socket) */
	enum zc_forgets forgets;
	enum zc_takes takes; /* what it takes out of a socket, receiving */
	/* its arguments as the log writes them: %dN the int of argument
	 * N, %uN the unsigned, %xN in hex; NULL: the first two, in hex */
	const char *args;
};

/* The entry for nr, or NULL when the table does not know it. */
const struct syscall_info *syscall_by_nr(long nr);
const struct syscall_info *syscall_by_name(const char *name);
/* The entries one by one: i from 0 until it returns NULL. */
const struct syscall_info *syscall_at(size_t i);
/* What the BPF programs need, by syscall number. */
void syscalls_fill(struct zc_sysinfo info[ZC_NR_SYSCALLS]);
/* "read(4, buf, 131072)": a call as the log shows it. */
int syscall_format(char *buf, size_t len, long nr, const __u64 args[6]);

#endif /* ZC_SYSCALLS_H */
