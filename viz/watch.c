/*
 * zcviz -p PID[,PID...]: programs that are already running, anyone's,
 * anywhere. No lab and no sink: the instrument attaches to their threads,
 * and to every process they started or start while watched (a server's
 * workers), counts what they do with any regular file and on any socket,
 * on any device, until they have all exited or Ctrl-C, and reports it.
 * Nothing received is checked, so the report says the bytes are not
 * verified.
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
#include "procs.h"
#include "trace.h"

/* The initial PID namespace's inode (PROC_PID_INIT_INO): BPF sees its
 * PIDs, so zcviz must see them too. */
#define INIT_PID_NS 0xEFFFFFFCU

struct watch {
	const struct run_config *cfg;
	struct run_result *res;
	const struct run_consumer *c;
	struct trace *t;
	struct zc_proc procs[ZC_MAX_PROCS]; /* as the BPF side has them */
	int pidfd[ZC_MAX_PROCS]; /* slot by slot; -1: not opened */
	bool gone[ZC_MAX_PROCS]; /* it exited (or was never seen) */
	/* its CPU time as the watch began: user, system, run (cpu_now()) */
	uint64_t cpu0[ZC_MAX_PROCS][3];
	bool cpu0_read[ZC_MAX_PROCS];
	uint64_t t0;
};

/* Is pid a process we can watch? Its tgid; else 0, and why. */
static int watch_check(pid_t pid, pid_t *tgid, char *why, size_t wlen)
{
	char path[64], c;
	struct stat sb;

	if (stat("/proc/self/ns/pid", &sb) == 0 && sb.st_ino != INIT_PID_NS)
		return snprintf(
			       why, wlen,
			       "zcviz runs in a PID namespace of its own (a container?), and BPF sees the host's PIDs: run zcviz -p on the host, with the PID the host sees"),
		       ZC_EXIT_ENV;
	*tgid = procs_status(pid, "Tgid");
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
	if (readlink(path, &c, 1) < 0 && errno == ENOENT)
		return snprintf(
			       why, wlen,
			       "%d is a kernel thread: it sends nothing zcviz could watch",
			       (int)pid),
		       ZC_EXIT_USAGE;
	return 0;
}

/* The PIDs given, as processes (tgids), each once: how many; else -rc. */
static int watch_given(const struct run_config *cfg, pid_t *tgids,
		       struct run_result *res)
{
	int n = 0, rc;
	pid_t tgid;

	for (int i = 0; i < cfg->nwatch; i++) {
		rc = watch_check(cfg->watch_pids[i], &tgid, res->why,
				 sizeof(res->why));
		if (rc)
			return -rc;
		for (int j = 0; j <= n; j++) {
			if (j == n) {
				tgids[n++] = tgid;
				break;
			}
			if (tgids[j] == tgid)
				break;
		}
	}
	return n;
}

/* Its CPU time now: user and system (/proc's ticks), and run (exact). */
static void cpu_now(pid_t pid, uint64_t cpu[3])
{
	procs_cpu_ns(pid, cpu);
	cpu[2] = procs_run_ns(pid);
}

/* A process found in /proc, or given: watched, with its CPU so far. */
static int watch_adopt(void *ctx, pid_t pid, pid_t ppid)
{
	struct watch *w = ctx;
	char comm[16] = "";

	procs_comm(pid, comm, sizeof(comm));
	if (trace_adopt(w->t, pid, ppid, comm) < 0)
		return -1; /* no slot left: counted, and said */
	trace_read_procs(w->t, w->procs);
	for (int i = 0; i < ZC_MAX_PROCS; i++)
		if (w->procs[i].tgid == (uint64_t)pid && !w->cpu0_read[i]) {
			cpu_now(pid, w->cpu0[i]);
			w->cpu0_read[i] = true;
		}
	return 0;
}

/* The processes given, then those they had started before we attached
 * (those they start from now on, the BPF side adopts as they start). */
static void watch_tree(struct watch *w, pid_t *given, int n)
{
	pid_t set[ZC_MAX_PROCS];

	cpu_now(given[0], w->cpu0[0]);
	w->cpu0_read[0] = true;
	for (int i = 1; i < n; i++)
		watch_adopt(w, given[i], 0);
	memcpy(set, given, n * sizeof(*set));
	procs_descendants(set, n, ZC_MAX_PROCS, watch_adopt, w);
	trace_read_procs(w->t, w->procs);
}

/* Opens a pidfd for each slot taken since; those that cannot be, gone. */
static void watch_pidfds(struct watch *w)
{
	for (int i = 0; i < ZC_MAX_PROCS; i++) {
		if (!w->procs[i].tgid || w->pidfd[i] >= 0 || w->gone[i])
			continue;
		w->pidfd[i] =
			syscall(SYS_pidfd_open, (pid_t)w->procs[i].tgid, 0);
		w->gone[i] = w->pidfd[i] < 0;
	}
}

/* Waits up to ms for one to exit: 1 once every one has, else 0. */
static int watch_wait(struct watch *w, int ms)
{
	struct pollfd p[ZC_MAX_PROCS];
	int slot[ZC_MAX_PROCS], n = 0;

	trace_read_procs(w->t, w->procs);
	watch_pidfds(w);
	for (int i = 0; i < ZC_MAX_PROCS; i++)
		if (w->pidfd[i] >= 0 && !w->gone[i]) {
			p[n] = (struct pollfd){ .fd = w->pidfd[i],
						.events = POLLIN };
			slot[n++] = i;
		}
	if (!n)
		return 1;
	if (poll(p, n, ms) <= 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (p[i].revents)
			w->gone[slot[i]] = true;
	/* a process that exits has started its children before: read again */
	trace_read_procs(w->t, w->procs);
	watch_pidfds(w);
	for (int i = 0; i < ZC_MAX_PROCS; i++)
		if (w->procs[i].tgid && !w->gone[i])
			return 0;
	return 1;
}
/* What the sockets took: the bytes the report counts copies against. */
static uint64_t sent_bytes(const struct zc_counts *c)
{
	return c->c[ZC_C_SOCK_SEND_BYTES] + c->c[ZC_C_SENDFILE_BYTES] +
	       c->c[ZC_C_PIPE_OUT_BYTES] + c->c[ZC_C_SEND_UNKNOWN_BYTES];
}

/*
 * Each process's CPU time while watched: from its threads' exits (the BPF
 * side's) when it exited, else from /proc (user and system in 10 ms
 * ticks, the run time from its threads' schedstat, in ns, and that of the
 * threads that exited meanwhile from their exits), less what it
 * had used as the watch began (0 for one started while watched). The
 * run's are their sums; the model splits the exact run time in the ratio
 * of the ticks, as for a demo.
 */
static void watch_cpu(struct watch *w)
{
	uint64_t *c = w->res->in.counts.c, end[3], *p0;
	struct zc_proc *p;

	for (int i = 0; i < ZC_MAX_PROCS; i++) {
		p = &w->res->procs[i];
		p0 = w->cpu0[i];
		if (!p->tgid)
			continue;
		if (w->gone[i] && p->exited) {
			end[0] = p->cpu_user_ns, end[1] = p->cpu_sys_ns;
			end[2] = p->cpu_run_ns;
		} else {
			/* its threads that exited are in /proc's ticks, but
			 * in no schedstat: the BPF side kept their run time */
			cpu_now(p->tgid, end);
			end[2] += p->cpu_run_ns;
			procs_comm(p->tgid, p->comm, sizeof(p->comm));
		}
		p->cpu_user_ns = end[0] > p0[0] ? end[0] - p0[0] : 0;
		p->cpu_sys_ns = end[1] > p0[1] ? end[1] - p0[1] : 0;
		p->cpu_run_ns = end[2] > p0[2] ? end[2] - p0[2] : 0;
		c[ZC_C_CPU_USER_NS] += p->cpu_user_ns;
		c[ZC_C_CPU_SYS_NS] += p->cpu_sys_ns;
		c[ZC_C_CPU_RUN_NS] += p->cpu_run_ns;
	}
	w->res->in.rusage_user_ns = c[ZC_C_CPU_USER_NS];
	w->res->in.rusage_sys_ns = c[ZC_C_CPU_SYS_NS];
	w->res->cpu_watched = true;
}

/* The counts, the processes, their files and flows and their CPU time. */
static void watch_collect(struct watch *w)
{
	struct run_result *res = w->res;
	struct zc_counts *c = &res->in.counts;

	trace_read(w->t, c);
	trace_read_programs(w->t, c);
	trace_read_slots(w->t, res->flows, res->files);
	trace_read_procs(w->t, res->procs);
	res->in.file_bytes = sent_bytes(c);
	res->in.sg = true; /* whichever: each packet's device is its own */
	/* CPU time as watched, not the threads' whole lives: */
	c->c[ZC_C_CPU_USER_NS] = c->c[ZC_C_CPU_SYS_NS] = 0;
	c->c[ZC_C_CPU_RUN_NS] = 0;
	watch_cpu(w);
	snprintf(res->comm, sizeof(res->comm), "%s", res->procs[0].comm);
	res->watched_ns = zc_now_ns() - w->t0;
	snprintf(res->egress, sizeof(res->egress), "any");
}

/* "nginx (pid 10), 2 processes it started, and any it starts" */
static void watch_say(const struct watch *w, int given)
{
	const char *it = given > 1 ? "they" : "it";
	int n = 0;

	for (int i = 0; i < ZC_MAX_PROCS; i++)
		n += w->procs[i].tgid != 0;
	fprintf(stderr, "zcviz: watching %s (pid %d)", w->res->comm,
		(int)w->res->pid);
	if (given > 1)
		fprintf(stderr, " and %d more given", given - 1);
	if (n > given)
		fprintf(stderr, ", %d process%s %s started,", n - given,
			n - given > 1 ? "es" : "", it);
	fprintf(stderr,
		" and any process %s start%s, on every device; Ctrl-C to stop\n",
		it, given > 1 ? "" : "s");
}

static struct watch *watch_new(const struct run_config *cfg,
			       struct run_result *res,
			       const struct run_consumer *c)
{
	struct watch *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->cfg = cfg, w->res = res, w->c = c;
	for (int i = 0; i < ZC_MAX_PROCS; i++)
		w->pidfd[i] = -1;
	memset(res, 0, sizeof(*res));
	res->in.demo = cfg->demo;
	return w;
}

struct watch *watch_start(const struct run_config *cfg, struct run_result *res,
			  const struct run_consumer *c, int *rc)
{
	struct trace_target tg = { .step_fd = -1,
				   .many_threads = true,
				   .watch_any = true,
				   .follow = true };
	pid_t given[ZC_MAX_PROCS];
	struct watch *w = watch_new(cfg, res, c);
	int n = w ? watch_given(cfg, given, res) : -ZC_EXIT_ENV;

	if (n <= 0) {
		*rc = -n;
		free(w);
		return NULL;
	}
	res->pid = tg.sender = given[0];
	procs_comm(res->pid, res->comm, sizeof(res->comm));
	w->t = trace_start(&tg, NULL, NULL, res->why, sizeof(res->why));
	if (!w->t) {
		*rc = ZC_EXIT_ENV;
		free(w);
		return NULL;
	}
	watch_tree(w, given, n);
	res->in.missing = trace_missing(w->t);
	watch_say(w, n);
	w->t0 = zc_now_ns();
	if (c && c->begin)
		c->begin(c->ctx, cfg);
	return w;
}

int watch_step(struct watch *w)
{
	if (run_stop_signal())
		return -1;
	if (watch_wait(w, w->c && w->c->ms ? w->c->ms : 200))
		return 1;
	/* what a dashboard shows as it goes: flows, processes, counters */
	trace_read_slots(w->t, w->res->flows, w->res->files);
	trace_read_procs(w->t, w->res->procs);
	w->res->watched_ns = zc_now_ns() - w->t0;
	if (w->c && w->c->counts) {
		trace_read(w->t, &w->res->in.counts);
		w->res->in.file_bytes = sent_bytes(&w->res->in.counts);
		w->c->counts(w->c->ctx, &w->res->in.counts);
	}
	return run_stop_signal() ? -1 : 0;
}

void watch_abort(struct watch *w)
{
	if (!w)
		return;
	trace_stop(w->t);
	for (int i = 0; i < ZC_MAX_PROCS; i++)
		if (w->pidfd[i] >= 0)
			close(w->pidfd[i]);
	free(w);
}

int watch_finish(struct watch *w)
{
	const struct run_consumer *c = w->c;
	int rc;

	watch_collect(w);
	if (run_stop_signal() == SIGINT || run_stop_signal() == SIGTERM)
		run_stop_clear(); /* Ctrl-C: the end of the watch */
	rc = run_stop_signal() ? 128 + run_stop_signal() : 0;
	/* detached first: the consumers print, and record, at their end */
	trace_stop(w->t);
	w->t = NULL;
	if (!rc && c && c->end)
		c->end(c->ctx, w->cfg, w->res, 0);
	watch_abort(w);
	return rc;
}
