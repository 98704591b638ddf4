/*
 * The instrument's user half in a zcviz built without the BPF toolchain
 * (clang, bpftool, libbpf) or without the kernel's BTF: the Makefile puts
 * this file in place of trace.c. Replays need none of it and work; every
 * live mode stops at trace_check_env() with one line saying what the
 * build lacked.
 */
#include "trace.h"

#include <stdio.h>

#include "../lib/units.h"

#ifndef ZC_BPF_MISSING
#define ZC_BPF_MISSING "the BPF toolchain"
#endif

#define WHY                                                    \
	"this zcviz was built replay-only (no " ZC_BPF_MISSING \
	" when it was built): install what is missing (sudo make deps) and run make again, or watch a recorded run with --replay FILE"

int trace_check_env(char *why, size_t len)
{
	snprintf(why, len, "%s", WHY);
	return ZC_EXIT_ENV;
}

struct trace *trace_start(const struct trace_target *target, trace_event_fn fn,
			  void *ctx, char *why, size_t len)
{
	(void)target, (void)fn, (void)ctx;
	snprintf(why, len, "%s", WHY);
	return NULL;
}

/* Nothing below is reached without a trace_start() that succeeded. */
int trace_poll(struct trace *t, int timeout_ms)
{
	(void)t, (void)timeout_ms;
	return 0;
}

void trace_read(const struct trace *t, struct zc_counts *out)
{
	(void)t, (void)out;
}

void trace_read_programs(const struct trace *t, struct zc_counts *out)
{
	(void)t, (void)out;
}

void trace_read_comm(const struct trace *t, char *comm, size_t len)
{
	(void)t, (void)comm, (void)len;
}

void trace_read_slots(const struct trace *t, struct zc_flow *flows,
		      struct zc_file *files)
{
	(void)t, (void)flows, (void)files;
}

int trace_read_hooks(const struct trace *t, struct trace_hook *h, int max)
{
	(void)t, (void)h, (void)max;
	return 0;
}

int trace_adopt(struct trace *t, pid_t tgid, pid_t ppid, const char *comm)
{
	(void)t, (void)tgid, (void)ppid, (void)comm;
	return -1;
}

void trace_read_procs(const struct trace *t, struct zc_proc *procs)
{
	(void)t, (void)procs;
}

unsigned trace_missing(const struct trace *t)
{
	(void)t;
	return 0;
}

int trace_init_gate(void)
{
	return -1;
}

void trace_stop(struct trace *t)
{
	(void)t;
}

void trace_set_verbose(bool verbose)
{
	(void)verbose;
}

const char *trace_log(void)
{
	return "";
}

void trace_env_restore(void)
{
}

bool trace_replay_only(void)
{
	return true;
}
