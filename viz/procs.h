/*
 * What /proc says of a process (procs.c): for zcviz -p.
 */
#ifndef ZC_PROCS_H
#define ZC_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct procs_pair {
	pid_t pid, ppid;
};

/* A line "Key:\tvalue" of /proc/PID/status, as a number; -1 if none. */
long procs_status(pid_t pid, const char *key);
/* Its user and system CPU time so far, in ns (0 when gone). */
void procs_cpu_ns(pid_t pid, uint64_t cpu[2]);
/* Its threads' run time so far, in ns: the scheduler's own, exact (a
 * thread that exited is in it no more). */
uint64_t procs_run_ns(pid_t pid);
/* Its name (comm unchanged when it is gone). */
void procs_comm(pid_t pid, char *comm, size_t len);

/* Told of a process found: 0 when it is watched now, else not. */
typedef int (*procs_found_fn)(void *ctx, pid_t pid, pid_t ppid);
/*
 * Every process descending from one of set[0..n) that /proc lists now,
 * told to found() parent first and added to set (up to max): how many.
 */
int procs_descendants(pid_t *set, int n, int max, procs_found_fn found,
		      void *ctx);

#endif /* ZC_PROCS_H */
