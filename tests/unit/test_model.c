/*
 * Unit tests for viz/model.c: synthetic counters in, arrows and figures
 * out. Each check prints what it expected when it fails; the exit status
 * is the number of failures. Run by tests/model.bats.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../viz/model.h"
#include "../../viz/verdict.h"

#define MiB (1ULL << 20)

static int failures, checks;

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		checks++;                                                      \
		if (!(cond)) {                                                 \
			failures++;                                            \
			printf("FAIL %s:%d: %s: ", __func__, __LINE__, #cond); \
			printf(__VA_ARGS__);                                   \
			putchar('\n');                                         \
		}                                                              \
	} while (0)

static struct model_input input(const char *demo, bool sg, uint64_t file)
{
	struct model_input in;

	memset(&in, 0, sizeof(in));
	in.demo = zc_demo_find(demo);
	in.sg = sg;
	in.file_bytes = file;
	return in;
}

/* What a 64 MiB traditional run counts on a device with scatter-gather. */
static struct model_input traditional_run(void)
{
	struct model_input in = input("traditional", true, 64 * MiB);
	uint64_t *c = in.counts.c;

	c[ZC_C_FILE_READ_BYTES] = 64 * MiB;
	c[ZC_C_SEND_COPY_BYTES] = 64 * MiB;
	c[ZC_C_Q_PAGED] = c[ZC_C_X_PAGED] = 64 * MiB;
	c[ZC_C_SYS_ENTER] = c[ZC_C_SYS_EXIT] = 1024;
	return in;
}

#define D(name) zc_demo_find(name)

static void test_theory(void)
{
	CHECK(model_theory(D("traditional"), true, true) == 2,
	      "traditional: 2");
	CHECK(model_theory(D("mmap"), true, true) == 1, "mmap: 1");
	CHECK(model_theory(D("sendfile"), false, true) == 1,
	      "sendfile without SG: 1");
	CHECK(model_theory(D("dma-gather"), true, true) == 0, "dma-gather: 0");
	CHECK(model_theory(D("traditional"), false, true) == 3,
	      "traditional without SG: 3");
	CHECK(model_theory(D("mmap"), false, true) == 2, "mmap without SG: 2");
	CHECK(model_theory(D("sendfile"), true, true) == 0,
	      "sendfile with SG: 0");
	CHECK(model_theory(D("dma-gather"), false, true) == 1,
	      "dma-gather without SG: 1");
	/* pinned user pages: copied when delivered here, not to a real NIC */
	CHECK(model_theory(D("msg-zerocopy"), true, true) == 1,
	      "msg-zerocopy to this machine: 1");
	CHECK(model_theory(D("msg-zerocopy"), true, false) == 0,
	      "msg-zerocopy to another machine: 0");
	CHECK(model_theory(D("msg-zerocopy"), false, false) == 1,
	      "msg-zerocopy without SG: 1, at GSO");
	CHECK(model_theory(D("traditional"), true, false) == 2,
	      "a copying demo is the same anywhere");
	CHECK(!D("sendfile")->sg && D("traditional")->sg && D("mmap")->sg &&
		      D("dma-gather")->sg,
	      "the lab turns SG off for sendfile only");
}

static void test_names(void)
{
	for (int d = 0; d < zc_ndemos; d++)
		CHECK(zc_demo_find(zc_demos[d].name) == &zc_demos[d] &&
			      zc_demo_of_program(zc_demos[d].program) ==
				      &zc_demos[d] &&
			      zc_demo_index(&zc_demos[d]) == d,
		      "demo %s is found by name and program", zc_demos[d].name);
	CHECK(!zc_demo_find("scp"), "unknown demo");
	CHECK(!strcmp(model_demo_call(D("mmap"), ZC_MOVES_MAP), "mmap") &&
		      !strcmp(model_demo_call(D("mmap"), ZC_MOVES_SEND),
			      "write") &&
		      !model_demo_call(D("mmap"), ZC_MOVES_READ),
	      "mmap maps, then writes");
	CHECK(!strcmp(model_demo_call(D("dma-gather"), ZC_MOVES_SENDFILE),
		      "sendfile"),
	      "dma-gather sends by sendfile");
	CHECK(!strcmp(model_edge_key(E_SOCKET_NIC), "socket_to_nic"),
	      "edge key");
	CHECK(!strcmp(model_kind_key(K_PAGE_REF), "page_ref"), "kind key");
}

static void test_disk_to_pagecache(void)
{
	struct model_input in = traditional_run();
	struct model_result r;

	in.counts.c[ZC_C_CACHE_ADD_BYTES] = 64 * MiB;
	model_compute(&in, &r);
	CHECK(r.edge[E_DISK_CACHE].kind == K_DMA, "DMA");
	CHECK(r.edge[E_DISK_CACHE].bytes == 64 * MiB, "%llu",
	      (unsigned long long)r.edge[E_DISK_CACHE].bytes);
	CHECK(r.edge[E_DISK_CACHE].measured, "measured");
	CHECK(r.cpu_copy_bytes == 128 * MiB, "DMA is not a CPU copy");
	in.missing = 1u << TP_CACHE;
	model_compute(&in, &r);
	CHECK(!r.edge[E_DISK_CACHE].measured,
	      "unmeasured without the tracepoint");
}

static void test_traditional(void)
{
	struct model_input in = traditional_run();
	struct model_result r;

	model_compute(&in, &r);
	CHECK(r.edge[E_CACHE_USER].kind == K_CPU_COPY &&
		      r.edge[E_CACHE_USER].bytes == 64 * MiB,
	      "read() copies");
	CHECK(r.edge[E_USER_SOCKET].kind == K_CPU_COPY &&
		      r.edge[E_USER_SOCKET].bytes == 64 * MiB,
	      "write() copies");
	CHECK(r.edge[E_CACHE_SOCKET].bytes == 0, "no page references");
	CHECK(r.cpu_copy_bytes == 128 * MiB, "%llu",
	      (unsigned long long)r.cpu_copy_bytes);
	CHECK(fabs(r.copies_per_byte - 2) < 1e-9, "%f", r.copies_per_byte);
	CHECK(r.pass, "2 copies pass against the theory of 2");
	CHECK(r.syscalls == 1024 && r.mode_switches == 2048, "%llu %llu",
	      (unsigned long long)r.syscalls,
	      (unsigned long long)r.mode_switches);
}

static void test_mmap(void)
{
	struct model_input in = input("mmap", true, 64 * MiB);
	uint64_t *c = in.counts.c;
	struct model_result r;

	c[ZC_C_FILE_MAP_BYTES] = 64 * MiB;
	c[ZC_C_SEND_COPY_BYTES] = 64 * MiB;
	c[ZC_C_X_PAGED] = 64 * MiB;
	c[ZC_C_FAULTS_USER] = 3;
	c[ZC_C_FAULTS_KERNEL] = 300;
	model_compute(&in, &r);
	CHECK(r.edge[E_CACHE_MAPPED].kind == K_MAP &&
		      r.edge[E_CACHE_MAPPED].bytes == 64 * MiB,
	      "mapped, not copied");
	CHECK(r.edge[E_CACHE_USER].bytes == 0, "no read()");
	CHECK(r.cpu_copy_bytes == 64 * MiB && r.pass, "one copy");
	CHECK(r.page_faults == 303, "user and kernel-mode faults: %llu",
	      (unsigned long long)r.page_faults);
}

static void test_sendfile_without_sg(void)
{
	struct model_input in = input("sendfile", false, 64 * MiB);
	uint64_t *c = in.counts.c;
	struct model_result r;

	c[ZC_C_SEND_REF_BYTES] = 64 * MiB;
	c[ZC_C_Q_PAGED] = 64 * MiB; /* paged before GSO ... */
	c[ZC_C_X_LINEAR] = 64 * MiB; /* ... linear after: copied */
	model_compute(&in, &r);
	CHECK(r.edge[E_CACHE_SOCKET].kind == K_PAGE_REF &&
		      r.edge[E_CACHE_SOCKET].bytes == 64 * MiB,
	      "page references");
	CHECK(r.edge[E_CACHE_SOCKET].measured, "seen by tcp_sendmsg_locked");
	CHECK(r.edge[E_SOCKET_NIC].bytes == 64 * MiB &&
		      r.nic_linear == 64 * MiB && r.nic_paged == 0,
	      "linear at the NIC");
	CHECK(r.seg_copy == 64 * MiB, "the segmentation copy: %llu",
	      (unsigned long long)r.seg_copy);
	CHECK(r.cpu_copy_bytes == 64 * MiB && r.theory == 1 && r.pass,
	      "one copy");
}

static void test_dma_gather(void)
{
	struct model_input in = input("dma-gather", true, 64 * MiB);
	uint64_t *c = in.counts.c;
	struct model_result r;

	c[ZC_C_SEND_REF_BYTES] = 64 * MiB;
	c[ZC_C_Q_PAGED] = c[ZC_C_X_PAGED] = 64 * MiB;
	model_compute(&in, &r);
	CHECK(r.nic_paged == 64 * MiB && r.seg_copy == 0, "the NIC gathers");
	CHECK(r.cpu_copy_bytes == 0 && r.copies_per_byte == 0 && r.pass,
	      "zero copies");
	c[ZC_C_X_LINEAR] = 2 * MiB; /* 3 % of the file copied after all */
	c[ZC_C_X_PAGED] = 62 * MiB;
	model_compute(&in, &r);
	CHECK(!r.pass, "3 %% is outside the 2 %% tolerance: %f",
	      r.copies_per_byte);
}

static void test_linear_before_gso_is_not_a_copy(void)
{
	struct model_input in = input("dma-gather", true, 64 * MiB);
	uint64_t *c = in.counts.c;
	struct model_result r;

	c[ZC_C_Q_LINEAR] = c[ZC_C_X_LINEAR] = 1 * MiB;
	c[ZC_C_Q_PAGED] = c[ZC_C_X_PAGED] = 63 * MiB;
	model_compute(&in, &r);
	CHECK(r.seg_copy == 0, "linear already before GSO: %llu",
	      (unsigned long long)r.seg_copy);
}

static void test_inferred_without_tcp_sendmsg(void)
{
	struct model_input in = input("sendfile", true, 8 * MiB);
	uint64_t *c = in.counts.c;
	struct model_result r;

	in.missing = 1u << TP_SENDMSG;
	c[ZC_C_SEND_UNSEEN_SENDFILE] = 8 * MiB;
	c[ZC_C_X_PAGED] = 8 * MiB;
	model_compute(&in, &r);
	CHECK(r.edge[E_CACHE_SOCKET].bytes == 8 * MiB &&
		      !r.edge[E_CACHE_SOCKET].measured,
	      "sendfile: page references, inferred");
	in = input("traditional", true, 8 * MiB);
	in.counts.c[ZC_C_SEND_UNSEEN_WRITE] = 8 * MiB;
	model_compute(&in, &r);
	CHECK(r.edge[E_USER_SOCKET].bytes == 8 * MiB &&
		      !r.edge[E_USER_SOCKET].measured,
	      "write: a copy, inferred");
}

static void test_retransmissions(void)
{
	struct model_input in = traditional_run();
	struct model_result r;

	in.counts.c[ZC_C_Q_RESENT] = in.counts.c[ZC_C_X_RESENT] = 1448;
	in.counts.c[ZC_C_Q_PAGED] += 1448;
	in.counts.c[ZC_C_X_PAGED] += 1448;
	model_compute(&in, &r);
	CHECK(r.resent == 1448, "resent payload is reported");
	CHECK(r.edge[E_SOCKET_NIC].bytes == 64 * MiB + 1448,
	      "the device moved it again");
	CHECK(!r.dropped, "nothing was dropped on the way");
	/* queued, dropped before the device, queued again: it passed once */
	in = traditional_run();
	in.counts.c[ZC_C_Q_RESENT] = 1448;
	in.counts.c[ZC_C_Q_PAGED] += 1448;
	model_compute(&in, &r);
	CHECK(!r.resent && r.dropped == 1448,
	      "a drop before the device is a drop, not a retransmission");
	CHECK(r.edge[E_SOCKET_NIC].bytes == 64 * MiB,
	      "the device moved the file once");
	in = input("sendfile", false, 64 * MiB);
	in.counts.c[ZC_C_SEND_REF_BYTES] = 64 * MiB;
	in.counts.c[ZC_C_Q_PAGED] = 64 * MiB + 1448;
	in.counts.c[ZC_C_X_LINEAR] = 64 * MiB + 1448;
	in.counts.c[ZC_C_Q_RESENT] = in.counts.c[ZC_C_X_RESENT] = 1448;
	model_compute(&in, &r);
	CHECK(r.seg_copy == 64 * MiB + 1448,
	      "GSO copied the resent bytes again");
	CHECK(r.pass, "a little resending stays within the tolerance");
}

/* The arrow from user memory is what the socket did with its bytes. */
static void test_user_refs(void)
{
	struct model_input in = input("traditional", true, 64 * MiB);
	uint64_t *c = in.counts.c;
	struct model_result r;

	c[ZC_C_SEND_UREF_BYTES] = 64 * MiB;
	c[ZC_C_X_PAGED] = 64 * MiB;
	model_compute(&in, &r);
	CHECK(r.edge[E_USER_SOCKET].kind == K_PAGE_REF &&
		      r.edge[E_USER_SOCKET].bytes == 64 * MiB,
	      "user pages referenced, not copied (MSG_ZEROCOPY)");
	CHECK(r.cpu_copy_bytes == 0, "no CPU copy at the socket");
	c[ZC_C_SEND_COPY_BYTES] = 1 * MiB;
	model_compute(&in, &r);
	CHECK(r.edge[E_USER_SOCKET].kind == K_PAGE_REF &&
		      r.cpu_copy_bytes == 1 * MiB,
	      "mostly referenced; only the copied bytes are copies");
	c[ZC_C_SEND_UNKNOWN_BYTES] = 4096;
	model_compute(&in, &r);
	CHECK(r.unknown_send == 4096 && r.cpu_copy_bytes == 1 * MiB,
	      "bytes of an unknown syscall are said, and counted nowhere");
}

/*
 * splice(): the file's pages into a pipe and out into the socket, both by
 * reference, on whatever demo measured them; a copy out of the pipe, where
 * tcp_sendmsg_locked says so, is a CPU copy.
 */
static void test_pipe(void)
{
	struct model_input in = input("dma-gather", true, 64 * MiB);
	uint64_t *c = in.counts.c;
	struct model_result r;

	model_compute(&in, &r);
	CHECK(!model_edge_shown(&in, &r, E_CACHE_PIPE) &&
		      model_edge_shown(&in, &r, E_CACHE_SOCKET),
	      "no pipe where nothing went through one");
	c[ZC_C_PIPE_IN_BYTES] = c[ZC_C_PIPE_OUT_BYTES] = 64 * MiB;
	c[ZC_C_PIPE_OUT_REF_BYTES] = 64 * MiB;
	c[ZC_C_X_PAGED] = 64 * MiB;
	model_compute(&in, &r);
	CHECK(model_edge_shown(&in, &r, E_CACHE_PIPE) &&
		      r.edge[E_CACHE_PIPE].kind == K_PAGE_REF &&
		      r.edge[E_CACHE_PIPE].bytes == 64 * MiB,
	      "page cache -> pipe: page references");
	CHECK(r.edge[E_PIPE_SOCKET].kind == K_PAGE_REF &&
		      r.edge[E_PIPE_SOCKET].measured && r.socket_in == 64 * MiB,
	      "pipe -> socket: page references, measured");
	CHECK(r.cpu_copy_bytes == 0 && r.pass, "no copy: %llu",
	      (unsigned long long)r.cpu_copy_bytes);
	c[ZC_C_PIPE_OUT_REF_BYTES] = 0;
	c[ZC_C_PIPE_OUT_COPY_BYTES] = 64 * MiB;
	model_compute(&in, &r);
	CHECK(r.edge[E_PIPE_SOCKET].kind == K_CPU_COPY &&
		      r.cpu_copy_bytes == 64 * MiB && !r.pass,
	      "copied out of the pipe: one copy, and not the theory");
	c[ZC_C_PIPE_OUT_COPY_BYTES] = 0;
	model_compute(&in, &r);
	CHECK(r.edge[E_PIPE_SOCKET].kind == K_PAGE_REF &&
		      !r.edge[E_PIPE_SOCKET].measured,
	      "tcp_sendmsg_locked did not say: referenced, not measured");
}

static void test_empty_file(void)
{
	struct model_input in = input("traditional", true, 0);
	struct model_result r;

	model_compute(&in, &r);
	CHECK(r.copies_per_byte == 0 && r.pass,
	      "nothing to copy, nothing copied");
	in.counts.c[ZC_C_SEND_COPY_BYTES] = 10;
	model_compute(&in, &r);
	CHECK(!r.pass, "bytes copied from an empty file");
}

static void test_figures(void)
{
	struct model_input in = traditional_run();
	uint64_t *c = in.counts.c;
	struct model_result r;

	c[ZC_C_CS_VOLUNTARY] = 7;
	c[ZC_C_CS_INVOLUNTARY] = 2;
	c[ZC_C_RX_COPY_BYTES] = 64 * MiB;
	c[ZC_C_FIRST_NS] = 1000;
	c[ZC_C_LAST_NS] = 51000;
	c[ZC_C_CPU_USER_NS] = 4000000; /* sampled 1:3 */
	c[ZC_C_CPU_SYS_NS] = 12000000;
	c[ZC_C_CPU_RUN_NS] = 20000000; /* exact */
	model_compute(&in, &r);
	CHECK(r.cs_voluntary == 7 && r.cs_involuntary == 2, "context switches");
	CHECK(r.rx_copy == 64 * MiB, "receiver copy");
	CHECK(r.elapsed_ns == 50000, "%llu", (unsigned long long)r.elapsed_ns);
	CHECK(r.cpu_user_ns == 5000000 && r.cpu_sys_ns == 15000000,
	      "run time split 1:3: %llu %llu",
	      (unsigned long long)r.cpu_user_ns,
	      (unsigned long long)r.cpu_sys_ns);
	in.missing = 1u << TP_EXIT;
	in.rusage_user_ns = 1;
	in.rusage_sys_ns = 2;
	model_compute(&in, &r);
	CHECK(r.cpu_user_ns == 1 && r.cpu_sys_ns == 2,
	      "wait4's rusage without the tracepoint");
}

/* The largest counts a trace may hold (counts.h): no sum wraps, and the
 * CPU time's split, in doubles, gives no more than the run's time. */
static void test_largest_counts(void)
{
	struct model_input in = input("traditional", true, 64 * MiB);
	uint64_t *c = in.counts.c;
	struct model_result r;

	for (int i = 0; i < ZC_NR_COUNTERS; i++)
		c[i] = COUNTS_MAX;
	c[ZC_C_CPU_SYS_NS] = 0;
	c[ZC_C_CPU_RUN_NS] = COUNTS_MAX - 1; /* a double rounds it up */
	model_compute(&in, &r);
	CHECK(r.socket_in == 6 * COUNTS_MAX, "%llu",
	      (unsigned long long)r.socket_in);
	CHECK(r.cpu_copy_bytes == 4 * COUNTS_MAX, "%llu",
	      (unsigned long long)r.cpu_copy_bytes);
	CHECK(r.mode_switches == 2 * COUNTS_MAX, "%llu",
	      (unsigned long long)r.mode_switches);
	CHECK(r.cpu_user_ns == COUNTS_MAX - 1 && r.cpu_sys_ns == 0,
	      "all of it user: %llu %llu", (unsigned long long)r.cpu_user_ns,
	      (unsigned long long)r.cpu_sys_ns);
}

/* The one-line note claims a GSO copy only where the device was seen. */
static void test_note(void)
{
	struct model_input in = input("sendfile", false, 64 * MiB);

	CHECK(strstr(model_note(&in), "copied at GSO"), "%s", model_note(&in));
	in.missing = 1u << TP_NET;
	CHECK(!strstr(model_note(&in), "copied at GSO") &&
		      strstr(model_note(&in), "not shown"),
	      "%s", model_note(&in));
	in = input("dma-gather", true, 64 * MiB);
	CHECK(strstr(model_note(&in), "no copy"), "%s", model_note(&in));
	in = input("traditional", false, 64 * MiB);
	CHECK(strstr(model_note(&in), "one more copy"), "%s", model_note(&in));
}

/* A watched program's flows: each verdict from its own bytes. */
static void test_flow_verdicts(void)
{
	static struct run_result res;
	struct zc_flow *fl = &res.flows[0];
	char why[512];

	memset(&res, 0, sizeof(res));
	fl->sk = 1;
	/* nginx, sendfile on: the headers copied, the file by reference */
	fl->taken[ZC_TAKEN_COPY] = 262;
	fl->taken[ZC_TAKEN_REF] = 64 * MiB;
	verdict_flow(&res, fl, why, sizeof(why));
	CHECK(!strcmp(why,
		      "sent by page reference (sendfile or splice), not copied into the socket (0.00 CPU copies per byte)"),
	      "headers are no verdict: %s", why);
	/* python's http.server: its files read, every byte copied: read()
	 * into its memory, then written (the reads are the flow's: its
	 * process's only socket copied it all) */
	memset(fl->taken, 0, sizeof(fl->taken));
	fl->taken[ZC_TAKEN_COPY] = 64 * MiB;
	res.files[0].key = 1;
	res.files[0].read_bytes = 64 * MiB;
	verdict_flow(&res, fl, why, sizeof(why));
	CHECK(!strcmp(why,
		      "read() into user memory, then copied into the socket: a user-space loop (2.00 CPU copies per byte)"),
	      "a loop: %s", why);
	/* two sockets of the process, which copied what it read, one a
	 * third of it: each flow's share of the reads is what it copied of
	 * all, so each made two copies a byte */
	res.flows[1].sk = 2;
	res.flows[1].taken[ZC_TAKEN_COPY] = 64 * MiB / 3;
	fl->taken[ZC_TAKEN_COPY] = 64 * MiB - 64 * MiB / 3;
	verdict_flow(&res, &res.flows[1], why, sizeof(why));
	CHECK(strstr(why, "a user-space loop (2.00 CPU copies per byte)"),
	      "a loop on one socket of two: %s", why);
	memset(&res.flows[1], 0, sizeof(res.flows[1]));
	fl->taken[ZC_TAKEN_COPY] = 64 * MiB;
	/* the same on a device that cannot gather */
	fl->net.c[ZC_C_X_LINEAR - ZC_C_Q_SKBS] = 64 * MiB;
	fl->net.c[ZC_C_Q_PAGED - ZC_C_Q_SKBS] = 64 * MiB;
	verdict_flow(&res, fl, why, sizeof(why));
	CHECK(strstr(why,
		     "; the device cannot gather: copied when cut into segments (3.00 CPU copies per byte)"),
	      "segments: %s", why);
	/* pinned pages, and what was not measured */
	memset(fl, 0, sizeof(*fl));
	fl->sk = 1;
	fl->taken[ZC_TAKEN_UREF] = MiB;
	verdict_flow(&res, fl, why, sizeof(why));
	CHECK(strstr(why,
		     "pinned user pages, taken by the socket without a copy"),
	      "pinned: %s", why);
	res.in.missing = 1u << TP_SENDMSG;
	verdict_flow(&res, fl, why, sizeof(why));
	CHECK(!strcmp(why, "how its socket took its bytes: not measured"),
	      "not measured: %s", why);
}

/*
 * The receiver's arrows: its copies are its own figure, never the
 * sender's headline; measured only where the receiver is ours; and its
 * verdict names why it could not map, from what its pages were.
 */
static void test_receiver(void)
{
	struct model_input in = traditional_run();
	uint64_t *c = in.counts.c;
	struct model_result r;
	char why[512];
	double sender;

	model_compute(&in, &r);
	sender = r.copies_per_byte;
	c[ZC_C_RX_IN_BYTES] = 64 * MiB;
	c[ZC_C_RX_COPY_BYTES] = 64 * MiB;
	c[ZC_C_RX_PAGES_COMPOUND] = 64 * MiB;
	in.rx_ours = true;
	model_compute(&in, &r);
	CHECK(r.copies_per_byte == sender && r.rx_copies_per_byte == 1 &&
		      r.rx_cpu_copy_bytes == 64 * MiB,
	      "the receiver's copy is its own: sender %g, receiver %g",
	      r.copies_per_byte, r.rx_copies_per_byte);
	CHECK(r.edge[E_RX_USER].bytes == 64 * MiB &&
		      r.edge[E_RX_USER].measured &&
		      model_edge_shown(&in, &r, E_RX_USER),
	      "socket -> user buffer, measured");
	verdict_receiver(&in, &r, why, sizeof(why));
	CHECK(strstr(why, "not mapped: they came in compound pages") &&
		      strstr(why, "(1.00 CPU copies per byte at the receiver)"),
	      "why a write() sender's pages were not mapped: %s", why);
	c[ZC_C_RX_PAGES_FILE] = 65 * MiB; /* the most bytes' reason */
	verdict_receiver(&in, &r, why, sizeof(why));
	CHECK(strstr(why, "page cache's own pages"), "the page cache: %s", why);
	c[ZC_C_RX_COPY_BYTES] = 4096;
	c[ZC_C_RX_MAP_BYTES] = 64 * MiB - 4096;
	model_compute(&in, &r);
	verdict_receiver(&in, &r, why, sizeof(why));
	CHECK(r.rx_cpu_copy_bytes == 4096 && !strncmp(why, "mapped into", 11) &&
		      !strstr(why, "copied into its buffer"),
	      "mapped, a page copied (under 1 %%): %s", why);
	in.rx_ours = false; /* --to, -p: not ours to measure */
	model_compute(&in, &r);
	CHECK(!r.edge[E_RX_USER].measured &&
		      !model_edge_shown(&in, &r, E_RX_MAPPED),
	      "a receiver not ours: not measured, not shown");
}

int main(void)
{
	test_theory();
	test_names();
	test_disk_to_pagecache();
	test_traditional();
	test_mmap();
	test_sendfile_without_sg();
	test_dma_gather();
	test_linear_before_gso_is_not_a_copy();
	test_inferred_without_tcp_sendmsg();
	test_retransmissions();
	test_user_refs();
	test_pipe();
	test_empty_file();
	test_figures();
	test_largest_counts();
	test_note();
	test_flow_verdicts();
	test_receiver();
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
