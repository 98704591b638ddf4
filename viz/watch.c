/*
 * zcviz -p PID: a program that is already running, anyone's, anywhere.
 * No lab and no sink: the instrument attaches to its threads, counts what
 * they do with any regular file and on any socket, on any device, until
 * the program exits or Ctrl-C, and reports it. Nothing received is
 * checked, so the report says the bytes are not verified.
 */
#include "watch.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../lib/units.h"

/* The initial PID namespace's inode (PROC_PID_INIT_INO): BPF sees its
 * PIDs, so zcviz must see them too. */
#define INIT_PID_NS 0xEFFFFFFCU

/* A line "Key:\tvalue" of /proc/PID/status, as a number; -1 if none. */
static long status_field(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (v < 0 && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

/* The process's user and system CPU time so far, in ns (0 when gone). */
static void proc_cpu_ns(pid_t pid, uint64_t *user, uint64_t *sys)
{
	unsigned long long ut = 0, st = 0;
	char path[64], buf[1024], *p;
	FILE *f;

	*user = *sys = 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* after "pid (comm)": state is field 3, utime 14, stime 15 */
	if (!p ||
	    sscanf(p + 2,
		   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
		   &st) != 2)
		return;
	*user = ut * (1000000000ULL / sysconf(_SC_CLK_TCK));
	*sys = st * (1000000000ULL / sysconf(_SC_CLK_TCK));
}

/* Its name, from /proc (unchanged when it is gone). */
static void comm_read(pid_t pid, char *comm, size_t len)
{
	char path[64], buf[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (f && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(comm, len, "%s", buf);
	}
	if (f)
		fclose(f);
}

/* Is pid a process we can watch? Its tgid in *tgid; else why. */
static int watch_check(pid_t pid, pid_t *tgid, char *comm, size_t clen,
		       char *why, size_t wlen)
{
	char path[64];
	struct stat sb;

	if (stat("/proc/self/ns/pid", &sb) == 0 && sb.st_ino != INIT_PID_NS)
		return snprintf(
			       why, wlen,
			       "zcviz runs in a PID namespace of its own (a container?), and BPF sees the host's PIDs: run zcviz -p on the host, with the PID the host sees"),
		       ZC_EXIT_ENV;
	*tgid = status_field(pid, "Tgid");
	if (*tgid <= 0)
		return snprintf(
			       why, wlen,
			       "no process %d here: give the PID of a running program (pgrep NAME finds it)",
			       (int)pid),
		       ZC_EXIT_USAGE;
	if (*tgid == getpid())
		return snprintf(why, wlen, "%d is zcviz itself", (int)pid),
		       ZC_EXIT_USAGE;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)*tgid);
	if (readlink(path, comm, 1) < 0 && errno == ENOENT)
		return snprintf(
			       why, wlen,
			       "%d is a kernel thread: it sends nothing zcviz could watch",
			       (int)pid),
		       ZC_EXIT_USAGE;
	comm[0] = '\0';
	comm_read(*tgid, comm, clen);
	return 0;
}

/* Until the process exits (1) or a signal asks us to stop (0). */
static int watch_wait(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	while (!run_stop_signal())
		if (poll(&p, 1, 200) > 0)
			return 1;
	return 0;
}

/* What the sockets took: the bytes the report counts copies against. */
static uint64_t sent_bytes(const struct zc_counts *c)
{
	return c->c[ZC_C_SOCK_SEND_BYTES] + c->c[ZC_C_SENDFILE_BYTES] +
	       c->c[ZC_C_PIPE_OUT_BYTES] + c->c[ZC_C_SEND_UNKNOWN_BYTES];
}

/*
 * The counts, and the CPU time: when the process exited, its threads' own
 * at their exits (the BPF side's sum, the whole process's); when Ctrl-C
 * ended the watch, what it used meanwhile, from /proc.
 */
static void watch_collect(struct trace *t, struct run_result *res,
			  const uint64_t cpu0[2], bool exited)
{
	struct zc_counts *c = &res->in.counts;
	uint64_t u, s;

	trace_read(t, c);
	trace_read_programs(t, c);
	trace_read_slots(t, res->flows, res->files);
	trace_read_comm(t, res->comm, sizeof(res->comm));
	res->in.file_bytes = sent_bytes(c);
	res->in.sg = true; /* whichever: each packet's device is its own */
	if (exited)
		return;
	comm_read(res->pid, res->comm, sizeof(res->comm)); /* after an exec */
	proc_cpu_ns(res->pid, &u, &s);
	c->c[ZC_C_CPU_USER_NS] = c->c[ZC_C_CPU_SYS_NS] = 0;
	c->c[ZC_C_CPU_RUN_NS] = 0;
	res->in.rusage_user_ns = u > cpu0[0] ? u - cpu0[0] : 0;
	res->in.rusage_sys_ns = s > cpu0[1] ? s - cpu0[1] : 0;
	res->cpu_watched = true;
}

int run_watch(const struct run_config *cfg, struct run_result *res)
{
	struct trace_target tg = { .step_fd = -1,
				   .many_threads = true,
				   .watch_any = true };
	struct trace *t;
	uint64_t cpu0[2], t0;
	int pidfd, rc, exited;

	memset(res, 0, sizeof(*res));
	res->in.demo = cfg->demo;
	rc = watch_check(cfg->watch_pid, &tg.sender, res->comm,
			 sizeof(res->comm), res->why, sizeof(res->why));
	if (rc)
		return rc;
	res->pid = tg.sender;
	pidfd = syscall(SYS_pidfd_open, tg.sender, 0);
	if (pidfd < 0)
		return snprintf(
			       res->why, sizeof(res->why),
			       "process %d exited before zcviz could attach: nothing to report",
			       (int)cfg->watch_pid),
		       ZC_EXIT_FAIL;
	proc_cpu_ns(tg.sender, &cpu0[0], &cpu0[1]);
	t = trace_start(&tg, NULL, NULL, res->why, sizeof(res->why));
	if (!t) {
		close(pidfd);
		return ZC_EXIT_ENV;
	}
	res->in.missing = trace_missing(t);
	fprintf(stderr,
		"zcviz: watching %s (pid %d) on every device; Ctrl-C to stop\n",
		res->comm, (int)tg.sender);
	t0 = zc_now_ns();
	exited = watch_wait(pidfd);
	watch_collect(t, res, cpu0, exited);
	res->watched_ns = zc_now_ns() - t0;
	trace_stop(t);
	close(pidfd);
	snprintf(res->egress, sizeof(res->egress), "any");
	if (run_stop_signal() == SIGINT || run_stop_signal() == SIGTERM)
		run_stop_clear(); /* Ctrl-C: the end of the watch */
	return run_stop_signal() ? 128 + run_stop_signal() : 0;
}
