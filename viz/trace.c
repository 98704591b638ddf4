/*
 * Loads bpf/zc.bpf.c (as the generated skeleton), turns off the programs
 * whose tracepoint this kernel lacks, sets the run's filters and attaches.
 */
#include "trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "../lib/units.h"
#include "syscalls.h"
#include "zc.skel.h"

#define TRACEFS "/sys/kernel/tracing"

#define MAX_LINKS 24

struct trace {
	struct zc_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *links[MAX_LINKS];
	const struct bpf_program *linked[MAX_LINKS]; /* links[i]'s */
	int nlinks;
	int stats_fd; /* bpf_enable_stats(), or -1 */
	/* the empty program beside links[i], and its attachment; -1: none */
	int empty_fd[MAX_LINKS], empty_link[MAX_LINKS];
	trace_event_fn fn;
	void *ctx;
	unsigned missing;
};

/* ---- libbpf's messages ------------------------------------------------ */

static bool verbose;
static char log_buf[8192];
static size_t log_len;

static int log_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (verbose)
		return vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_DEBUG)
		return 0;
	/* keep the latest messages; start over when full */
	if (log_len > sizeof(log_buf) - 512)
		log_len = 0;
	n = vsnprintf(log_buf + log_len, sizeof(log_buf) - log_len, fmt, ap);
	if (n > 0)
		log_len += (size_t)n < sizeof(log_buf) - log_len ?
				   (size_t)n :
				   sizeof(log_buf) - log_len - 1;
	return n;
}

void trace_set_verbose(bool v)
{
	verbose = v;
	libbpf_set_print(log_print);
}

const char *trace_log(void)
{
	return log_buf;
}

/* ---- the environment -------------------------------------------------- */

static bool mounted_tracefs;

bool trace_replay_only(void)
{
	return false;
}

int trace_check_env(char *why, size_t len)
{
	if (geteuid() != 0) {
		snprintf(
			why, len,
			"loading BPF programs needs root; run it with sudo, or watch a recorded run with --replay FILE");
		return ZC_EXIT_ENV;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		snprintf(
			why, len,
			"this kernel has no BTF (/sys/kernel/btf/vmlinux); it needs CONFIG_DEBUG_INFO_BTF=y (most distribution kernels since 2020 have it)");
		return ZC_EXIT_ENV;
	}
	if (access(TRACEFS "/events", F_OK)) {
		if (mount("nodev", TRACEFS, "tracefs", 0, NULL)) {
			snprintf(
				why, len,
				"cannot mount tracefs on " TRACEFS
				": %s; mount it with: mount -t tracefs nodev " TRACEFS,
				strerror(errno));
			return ZC_EXIT_ENV;
		}
		mounted_tracefs = true;
	}
	return 0;
}

void trace_env_restore(void)
{
	if (mounted_tracefs && !umount(TRACEFS))
		mounted_tracefs = false;
}

/* ---- feature detection ------------------------------------------------ */

/* Each program's group, from bpf/zc.h's one list */
static const struct {
	const char *prog;
	enum trace_probe probe;
} prog_probe[] = {
#define PROG_PROBE(prog, group) { #prog, TP_##group },
	ZC_PROGRAMS(PROG_PROBE)
#undef PROG_PROBE
};

/*
 * The build's check that the list is whole: every program it names is
 * in the skeleton (else "no member named"), and the skeleton has no other
 * (else the assertion below). An unlisted program would otherwise be
 * taken for a syscall program, and stop every run on a kernel without
 * its tracepoint.
 */
#define PROG_SLOT(prog, group) +sizeof(((struct zc_bpf *)0)->progs.prog)
_Static_assert(
	sizeof(((struct zc_bpf *)0)->progs) == 0 ZC_PROGRAMS(PROG_SLOT),
	"bpf/zc.bpf.c has a program that ZC_PROGRAMS in bpf/zc.h does not list: add it there, with its tracepoint group");
#undef PROG_SLOT

/* The program's group; every program has one (checked above). */
static int probe_of(const struct bpf_program *prog)
{
	size_t i;

	for (i = 0; i < sizeof(prog_probe) / sizeof(prog_probe[0]); i++)
		if (!strcmp(bpf_program__name(prog), prog_probe[i].prog))
			return prog_probe[i].probe;
	return TP_SYSCALLS;
}

/*
 * Does the tracepoint behind this section exist? tp_btf/ needs the BTF
 * type btf_trace_<name>; tp/ needs the event in tracefs.
 */
static bool section_exists(const struct btf *vmlinux, const char *sec)
{
	char buf[256];

	if (!strncmp(sec, "tp_btf/", 7)) {
		snprintf(buf, sizeof(buf), "btf_trace_%s", sec + 7);
		return btf__find_by_name_kind(vmlinux, buf, BTF_KIND_TYPEDEF) >
		       0;
	}
	if (!strncmp(sec, "tp/", 3)) {
		snprintf(buf, sizeof(buf), TRACEFS "/events/%s", sec + 3);
		return !access(buf, F_OK);
	}
	return true;
}

/*
 * ZCVIZ_WITHOUT=name,name pretends that those tracepoints are missing, to
 * see (and test) what zcviz says on an older kernel.
 */
static bool pretend_missing(const char *sec)
{
	const char *list = getenv("ZCVIZ_WITHOUT"), *name = strrchr(sec, '/');
	size_t len;

	if (!list || !name)
		return false;
	len = strlen(++name);
	for (const char *p = list; (p = strstr(p, name)); p += len)
		if ((p == list || p[-1] == ',') && (!p[len] || p[len] == ','))
			return true;
	return false;
}

static void programs_select(struct trace *t, const struct trace_target *tg)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	struct bpf_program *prog;
	const char *sec;

	bpf_object__for_each_program(prog, t->skel->obj) {
		sec = bpf_program__section_name(prog);
		/* every packet received anywhere: only when it has a use,
		 * the pinned pages or a receiver of ours */
		if ((probe_of(prog) == TP_RX && !tg->zc_frags && !tg->sink) ||
		    (probe_of(prog) == TP_RX_PAGES && !tg->rx_pages)) {
			bpf_program__set_autoload(prog, false);
			continue;
		}
		if (vmlinux && section_exists(vmlinux, sec) &&
		    !pretend_missing(sec))
			continue;
		bpf_program__set_autoload(prog, false);
		t->missing |= 1u << probe_of(prog);
	}
	btf__free(vmlinux);
}

/* ---- start, poll, read, stop ------------------------------------------ */

static void filters_set(struct zc_bpf *skel, const struct trace_target *tg)
{
	struct zc_bpf__rodata *r = skel->rodata;

	r->sender_tgid = tg->sender;
	r->sink_tgid = tg->sink;
	r->file_ino = tg->file_ino;
	r->file_kdev = tg->file_kdev;
	r->egress_ifindex = tg->ifindex;
	r->egress_netns = tg->netns;
	r->flow_port = tg->port;
	r->emit_events = tg->events;
	r->step_fd = tg->step_fd;
	r->many_threads = tg->many_threads;
	r->watch_any = tg->watch_any;
	r->follow = tg->follow;
	r->flow_nets = tg->flow_nets;
	r->zc_frags = tg->zc_frags;
	r->rx_pages = tg->rx_pages;
	/* what each syscall moves, from the one table */
	syscalls_fill((struct zc_sysinfo *)r->sysinfo);
}

static int event_deliver(void *ctx, void *data, size_t size)
{
	struct trace *t = ctx;

	if (size >= sizeof(struct zc_event) && t->fn)
		t->fn(t->ctx, data);
	return 0;
}

/* Attaches one program at a time, so that one failure spares the rest. */
static int programs_attach(struct trace *t, char *why, size_t len)
{
	struct bpf_program *prog;
	struct bpf_link *link;

	bpf_object__for_each_program(prog, t->skel->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		link = bpf_program__attach(prog);
		if (link && t->nlinks < MAX_LINKS) {
			t->linked[t->nlinks] = prog;
			t->links[t->nlinks++] = link;
			continue;
		}
		bpf_link__destroy(link);
		if (probe_of(prog) == TP_SYSCALLS) {
			snprintf(why, len, "cannot attach %s: %s",
				 bpf_program__section_name(prog),
				 strerror(errno));
			return -1;
		}
		t->missing |= 1u << probe_of(prog);
	}
	return 0;
}

/* ---- the baseline: an empty program beside each of ours ---------------- */

/*
 * r0 = 0; exit: the least a program on a tracepoint can do. Loaded for the
 * hook of prog (a tp_btf/ one: the others have none) and attached there.
 */
static void empty_attach(struct trace *t, int i, const struct bpf_program *prog)
{
	static const struct bpf_insn nothing[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_RAW_TP);

	t->empty_fd[i] = t->empty_link[i] = -1;
	if (bpf_program__type(prog) != BPF_PROG_TYPE_TRACING ||
	    bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return;
	opts.attach_btf_id = info.attach_btf_id;
	t->empty_fd[i] = bpf_prog_load(BPF_PROG_TYPE_TRACING, "zc_empty", "GPL",
				       nothing, 2, &opts);
	if (t->empty_fd[i] >= 0)
		t->empty_link[i] =
			bpf_raw_tracepoint_open(NULL, t->empty_fd[i]);
}

static void empties_attach(struct trace *t)
{
	for (int i = 0; i < t->nlinks; i++)
		empty_attach(t, i, t->linked[i]);
}

static void empties_detach(struct trace *t)
{
	for (int i = 0; i < t->nlinks; i++) {
		if (t->empty_link[i] >= 0)
			close(t->empty_link[i]);
		if (t->empty_fd[i] >= 0)
			close(t->empty_fd[i]);
		t->empty_fd[i] = t->empty_link[i] = -1;
	}
}

static void prog_stats(int fd, uint64_t *runs, uint64_t *ns)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	*runs = *ns = 0;
	if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len)) {
		*runs = info.run_cnt;
		*ns = info.run_time_ns;
	}
}

int trace_read_hooks(const struct trace *t, struct trace_hook *h, int max)
{
	const char *sec;
	int i;

	for (i = 0; i < t->nlinks && i < max; i++) {
		sec = bpf_program__section_name(t->linked[i]);
		snprintf(h[i].name, sizeof(h[i].name), "%s",
			 strrchr(sec, '/') ? strrchr(sec, '/') + 1 : sec);
		prog_stats(bpf_program__fd(t->linked[i]), &h[i].runs, &h[i].ns);
		prog_stats(t->empty_fd[i], &h[i].empty_runs, &h[i].empty_ns);
	}
	return i;
}

struct trace *trace_start(const struct trace_target *target, trace_event_fn fn,
			  void *ctx, char *why, size_t len)
{
	struct trace *t = calloc(1, sizeof(*t));
	int err;

	if (!t) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	t->fn = fn;
	t->ctx = ctx;
	t->stats_fd = -1;
	for (int i = 0; i < MAX_LINKS; i++)
		t->empty_fd[i] = t->empty_link[i] = -1;
	t->skel = zc_bpf__open();
	if (!t->skel) {
		snprintf(why, len, "cannot open the BPF object: %s",
			 strerror(errno));
		goto fail;
	}
	filters_set(t->skel, target);
	programs_select(t, target);
	if (t->missing & (1u << TP_SYSCALLS)) {
		snprintf(
			why, len,
			"this kernel has no raw_syscalls tracepoints; nothing can be measured");
		goto fail;
	}
	err = zc_bpf__load(t->skel);
	if (err) {
		snprintf(
			why, len,
			"cannot load the BPF programs: %s (run with -v for libbpf's log)",
			strerror(-err));
		goto fail;
	}
	t->skel->bss->zc_procs[0].tgid = target->sender;
	if (programs_attach(t, why, len))
		goto fail;
	/* the kernel counts runs and time only while someone holds this */
	if (target->stats || target->baseline)
		t->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (target->baseline)
		empties_attach(t);
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events),
				 event_deliver, t, NULL);
	if (!t->rb) {
		snprintf(why, len, "cannot set up the ring buffer: %s",
			 strerror(errno));
		goto fail;
	}
	return t;
fail:
	trace_stop(t);
	return NULL;
}

int trace_poll(struct trace *t, int timeout_ms)
{
	int n = ring_buffer__poll(t->rb, timeout_ms);

	return n == -EINTR ? 0 : n;
}

/*
 * What the kernel knows of our programs: how often it skipped one that
 * was already running on the same CPU (those events are not in our
 * counters, so the report has to say how many there were), and, with
 * kernel.bpf_stats_enabled, how often they ran and for how long.
 */
void trace_read_programs(const struct trace *t, struct zc_counts *out)
{
	uint64_t *u = out->u;
	struct bpf_prog_info info;
	struct bpf_program *prog;
	__u32 len;
	int fd;

	u[ZC_U_PROG_MISSES] = u[ZC_U_PROG_RUNS] = u[ZC_U_PROG_NS] = 0;
	bpf_object__for_each_program(prog, t->skel->obj) {
		fd = bpf_program__fd(prog);
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		u[ZC_U_PROG_MISSES] += info.recursion_misses;
		u[ZC_U_PROG_RUNS] += info.run_cnt;
		u[ZC_U_PROG_NS] += info.run_time_ns;
	}
}

void trace_read(const struct trace *t, struct zc_counts *out)
{
	memcpy(out->c, t->skel->bss->zc_counters, sizeof(out->c));
	memcpy(&out->c[ZC_C_Q_SKBS], t->skel->bss->zc_net.c,
	       sizeof(t->skel->bss->zc_net.c));
	out->c[ZC_C_Q_HOLE_BYTES] = t->skel->bss->zc_net.hole[ZC_NET_QUEUE];
	out->c[ZC_C_X_HOLE_BYTES] = t->skel->bss->zc_net.hole[ZC_NET_XMIT];
	out->c[ZC_C_X_DEV_PACKETS] = t->skel->bss->zc_net.dev_packets;
	memcpy(out->syscalls, t->skel->bss->zc_syscalls, sizeof(out->syscalls));
	out->c[ZC_C_RX_COPY_BYTES] = t->skel->bss->zc_rx.bytes;
}

void trace_read_comm(const struct trace *t, char *comm, size_t len)
{
	const char *c = t->skel->bss->zc_comm;

	if (c[0])
		snprintf(comm, len, "%.*s", (int)sizeof(t->skel->bss->zc_comm),
			 c);
}

void trace_read_slots(const struct trace *t, struct zc_flow *flows,
		      struct zc_file *files)
{
	memcpy(flows, t->skel->bss->zc_flows, sizeof(t->skel->bss->zc_flows));
	memcpy(files, t->skel->bss->zc_files, sizeof(t->skel->bss->zc_files));
}

int trace_adopt(struct trace *t, pid_t tgid, pid_t ppid, const char *comm)
{
	struct zc_proc *p = t->skel->bss->zc_procs;
	int fd = bpf_map__fd(t->skel->maps.procs);
	__u32 key = tgid, i;

	if ((uint64_t)tgid == p[0].tgid || !bpf_map_lookup_elem(fd, &key, &i))
		return 0;
	/* a slot as the BPF side takes one, racing with it */
	for (i = 1; i < ZC_MAX_PROCS; i++) {
		if (p[i].tgid ||
		    !__sync_bool_compare_and_swap(&p[i].tgid, 0, (__u64)tgid))
			continue;
		p[i].ppid = ppid;
		snprintf(p[i].comm, sizeof(p[i].comm), "%s", comm);
		if (!bpf_map_update_elem(fd, &key, &i, BPF_NOEXIST))
			return 1;
		p[i].tgid = 0; /* it forked while we looked: BPF was first */
		return 0;
	}
	__sync_fetch_and_add(&t->skel->bss->zc_counters[ZC_C_PROCS_OVER], 1);
	return -1;
}

void trace_read_procs(const struct trace *t, struct zc_proc *procs)
{
	memcpy(procs, t->skel->bss->zc_procs, sizeof(t->skel->bss->zc_procs));
}

unsigned trace_missing(const struct trace *t)
{
	return t->missing;
}

/*
 * Read in the running kernel's code (bpf_trace_run2, disassembled from
 * memory): before a raw tracepoint program runs, it returns unless
 * current->tgid != 1 or prog->aux->init_owned. The field is its mark.
 */
int trace_init_gate(void)
{
	static int gate = -2;
	const struct btf_member *m;
	const struct btf_type *t;
	struct btf *btf;
	int id, i;

	if (gate != -2)
		return gate;
	btf = btf__load_vmlinux_btf();
	gate = btf ? 0 : -1;
	id = btf ? btf__find_by_name_kind(btf, "bpf_prog_aux",
					  BTF_KIND_STRUCT) :
		   -1;
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	for (i = 0, m = t ? btf_members(t) : NULL; t && i < btf_vlen(t);
	     i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off),
			    "init_owned"))
			gate = 1;
	btf__free(btf);
	return gate;
}

/* Detaches everything: after this no program of ours is in the kernel. */
void trace_stop(struct trace *t)
{
	if (!t)
		return;
	if (t->rb) {
		ring_buffer__consume(t->rb);
		ring_buffer__free(t->rb);
	}
	empties_detach(t);
	while (t->nlinks > 0)
		bpf_link__destroy(t->links[--t->nlinks]);
	if (t->stats_fd >= 0)
		close(t->stats_fd);
	zc_bpf__destroy(t->skel);
	free(t);
}
