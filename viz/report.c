/*
 * The instrument's numbers as text and as JSON. Every figure comes from
 * model.c, which got it from a tracepoint; this file only formats.
 */
#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "session.h"
#include "facts.h"
#include "syscalls.h"
#include "text.h"
#include "verdict.h"

/*
 * Calls of the syscalls the table names; *other gets the rest. All calls
 * together are at most COUNTS_MAX (counts.h), so named cannot wrap; a
 * trace may still name more than sys_enter counted: then no other.
 */
static double times_file(uint64_t bytes, uint64_t file)
{
	return file ? (double)bytes / file : 0;
}

/* The arrows of one side (the receiver's, or the sender's), a row each,
 * indented by indent: label, kind, bytes, times the file. */
static void text_arrows(FILE *f, const struct run_result *res,
			const struct model_result *m, bool receivers,
			int indent)
{
	for (int e = 0; e < E_NR; e++)
		if (model_edge_receivers(e) == receivers &&
		    model_edge_shown(&res->in, m, e))
			fprintf(f, "%*s%-*s %-9s %14" PRIu64 "  %5.2f%s\n",
				indent, "", 32 - indent, model_edge_label(e),
				model_kind_label(m->edge[e].kind),
				m->edge[e].bytes,
				times_file(m->edge[e].bytes,
					   res->in.file_bytes),
				m->edge[e].measured ? "" : "  (inferred)");
}

static void text_edges(FILE *f, const struct run_result *res,
		       const struct model_result *m)
{
	uint64_t file = res->in.file_bytes;

	fprintf(f, "  %-30s %-9s %14s  %s\n", "arrow", "kind", "bytes",
		res->pid ? "x sent" : "x file");
	text_arrows(f, res, m, false, 2);
	fprintf(f, "    %-28s %-9s %14" PRIu64 "\n", "paged: the NIC gathers",
		"", m->nic_paged);
	fprintf(f, "    %-28s %-9s %14" PRIu64 "\n", "linear", "",
		m->nic_linear);
	if (m->unseen)
		fprintf(f, "    %-28s %-9s %14" PRIu64 "\n",
			!m->tcp_known ? "unseen: on no figure here" :
			res->in.sg    ? "unseen (TCP's count): kind?" :
					"of it unseen: TCP's count",
			"", m->unseen);
	fprintf(f, "    %-28s %-9s %14" PRIu64 "  %5.2f\n",
		"copied when cut to segments", "CPU copy", m->seg_copy,
		times_file(m->seg_copy, file));
	if (!facts_zero_copy_shown(res, m))
		return;
	fprintf(f, "    %-28s %-9s %14" PRIu64 "\n",
		"pinned user pages, as such", "", m->pinned.device);
	if (m->pinned.copied || res->in.local) {
		char what[40];

		snprintf(what, sizeof(what), "copied %s",
			 model_copied_at(m->pinned.where));
		fprintf(f, "    %-28s %-9s %14" PRIu64 "  %5.2f\n", what,
			"CPU copy", m->pinned.copied,
			times_file(m->pinned.copied, file));
	}
}

static void text_figures(FILE *f, const struct run_result *res,
			 const struct model_result *m)
{
	const struct zc_counts *c = &res->in.counts;
	uint64_t other;

	facts_syscalls_named(c, &other);
	fprintf(f, "  %-24s %" PRIu64 " (", "syscalls", m->syscalls);
	facts_syscalls_each(f, c, "%s %" PRIu64 ", ");
	fprintf(f, "other %" PRIu64 ")\n", other);
	fprintf(f,
		"  %-24s %" PRIu64
		" (each syscall enters and leaves the kernel)\n",
		"mode switches", m->mode_switches);
	fprintf(f,
		"  %-24s %" PRIu64 " voluntary, %" PRIu64
		" involuntary (scheduler)\n",
		"context switches", m->cs_voluntary, m->cs_involuntary);
	fprintf(f, "  %-24s %" PRIu64 "\n", "page faults", m->page_faults);
	if (res->pid)
		fprintf(f,
			"  %-24s not measured: the receivers are not zcviz's\n"
			"  %-24s %" PRIu64
			" bytes (its sockets into its memory, as it received)\n",
			"receiver copy", "received, copied",
			res->in.counts.c[ZC_C_RECV_COPY_BYTES]);
	else if (res->remote)
		fprintf(f, "  %-24s not measured: %s\n", "receiver copy",
			"the receiver is on another machine");
	else
		fprintf(f,
			"  %-24s %" PRIu64 " bytes (into zc-sink's buffer)\n",
			"receiver copy", m->rx_copy);
	fprintf(f, "  %-24s %.1f ms", "elapsed", m->elapsed_ns / 1e6);
	if (m->elapsed_ns)
		fprintf(f, " (%.1f MB/s)",
			res->in.file_bytes * 1e3 / (double)m->elapsed_ns);
	fprintf(f, "\n  %-24s user %.1f ms, sys %.1f ms (%s)\n", "sender CPU",
		m->cpu_user_ns / 1e6, m->cpu_sys_ns / 1e6,
		res->cpu_watched ? "while watched; split as /proc's ticks" :
				   "whole process");
}

/* The kernel's own answers: relayed by the sender, counted by io_uring's
 * tracepoints. */
static void text_answers(FILE *f, const struct run_result *res)
{
	const struct zc_completions *d = &res->in.done;
	const uint64_t *c = res->in.counts.c;

	if (res->in.done_known)
		fprintf(f,
			"  %-24s %" PRIu64 " completions: zero copy %" PRIu64
			" bytes, copied %" PRIu64
			" bytes\n  %-24s (as the sender read them; ENOBUFS %" PRIu64
			", sent by copy %" PRIu64 " bytes)\n",
			"kernel's answer", d->notes, d->zc_bytes,
			d->copied_bytes, "", d->nobufs, d->fallback_bytes);
	if (c[ZC_C_IOU_SUBMITS] || c[ZC_C_IOU_CQES])
		fprintf(f,
			"  %-24s %" PRIu64 " requests, %" PRIu64
			" completions, of them %" PRIu64
			" notifications (%" PRIu64 " say copied)\n",
			"io_uring", c[ZC_C_IOU_SUBMITS], c[ZC_C_IOU_CQES],
			c[ZC_C_IOU_NOTES], c[ZC_C_IOU_NOTES_COPIED]);
}

static void text_unmeasured(FILE *f, unsigned missing)
{
	for (int p = TP_SYSCALLS + 1; p < TP_NR; p++)
		if (missing & (1u << p))
			fprintf(f,
				"  not measured (no tracepoint on this kernel): %s\n",
				trace_probe(p)->what);
}

/* Prints "  note: TEXT" wrapped to 80 columns. */
/* text after "  LEAD" (6 characters), wrapped at 80 columns */
static void text_wrap(FILE *f, const char *lead, const char *text)
{
	const char *p = text, *space, *cut;
	int width = 72;

	fprintf(f, "  %-6s", lead);
	while (strlen(p) > (size_t)width) {
		cut = p + width;
		for (space = cut; space > p && *space != ' '; space--)
			;
		if (space == p)
			space = cut;
		fprintf(f, "%.*s\n        ", (int)(space - p), p);
		p = *space == ' ' ? space + 1 : space;
	}
	fprintf(f, "%s\n", p);
}

/*
 * The lab's receiver: how it took the bytes (--recv), its arrows (the
 * rows into its boxes), its copies and syscalls, and what it said the
 * kernel did (--recv mmap).
 */
static void text_receiver(FILE *f, const struct run_config *cfg,
			  const struct run_result *res,
			  const struct model_result *m)
{
	uint64_t mapped, copied;
	char why[512];

	if (!res->in.rx_ours)
		return;
	fprintf(f, "\n  %-24s zc-sink --recv %s", "receiver",
		zc_receivers[cfg->recv].name);
	if (!res->mtu)
		fprintf(f, " (recorded before zcviz measured its syscalls)");
	else
		fprintf(f, ", MTU %u%s", res->mtu,
			res->mtu == ZC_PAGE_MTU ?
				" (a page of payload a segment)" :
				"");
	fprintf(f, "\n");
	text_arrows(f, res, m, true, 4);
	fprintf(f, "    %-28s %.2f x file size\n", "CPU copies",
		m->rx_copies_per_byte);
	if (res->mtu) /* a trace of zcviz 0.1 has no receiver's syscalls */
		fprintf(f,
			"    %-28s %" PRIu64 " (%" PRIu64 " mode switches)\n",
			"syscalls", m->rx_syscalls, m->rx_mode_switches);
	if (res->mtu || m->rx_cpu_copy_bytes) {
		verdict_receiver(&res->in, m, why, sizeof(why));
		text_wrap(f, "why:", why);
	}
	if (res->in.counts.c[ZC_C_RX_DISCARD_BYTES])
		fprintf(f, "    %-28s %" PRIu64 " bytes (MSG_TRUNC)\n",
			"freed unread",
			res->in.counts.c[ZC_C_RX_DISCARD_BYTES]);
	if (facts_receiver_mapped(res, &mapped, &copied))
		fprintf(f,
			"    %-28s mapped %" PRIu64 ", copied %" PRIu64
			" (what TCP_ZEROCOPY_RECEIVE wrote back)\n",
			"the kernel's own figures", mapped, copied);
}

/* Where the kernel's answer and the instrument part: GSO copied pinned
 * pages that the answer calls zero copy. */
static void answer_note(FILE *f, const struct run_result *res,
			const struct model_result *m)
{
	char text[320];

	snprintf(
		text, sizeof(text),
		"the kernel's answer says %" PRIu64
		" bytes went without a copy, yet the device could not gather and GSO copied %" PRIu64
		" bytes: the answer speaks of the pinned pages, not of what segmentation did with them.",
		res->in.done.zc_bytes, m->seg_copy);
	text_wrap(f, "note:", text);
}

/*
 * Bytes the device sent that our programs did not see: which witness
 * counted them, what the device's own count says, and why, where the
 * kernel tells.
 */
static void unseen_note(FILE *f, const struct run_result *res,
			const struct model_result *m)
{
	char text[1024], tcp[256];
	const char *why =
		res->in.counts.u[ZC_U_INIT_GATE] ?
			"This kernel runs no BPF program while PID 1 is the current task (its BTF has bpf_prog_aux.init_owned, which upstream Linux has not), and a softirq that sends packets runs as the task it interrupted." :
			"The kernel counted no skipped run: why is not known.";

	if (m->tcp_known)
		snprintf(
			tcp, sizeof(tcp),
			"TCP's own count has them (its tcp_info as the socket ended: %" PRIu64
			" bytes sent, %" PRIu64
			" of them again), and so do the NIC figures above: %s.",
			m->tcp_sent, m->resent,
			res->in.sg ? "of a kind not known" :
				     "linear, as this device cannot gather");
	else
		snprintf(
			tcp, sizeof(tcp), "%s",
			"A hole in their sequence numbers shows them; TCP's own count was not heard, and the NIC figures above miss them.");
	snprintf(
		text, sizeof(text),
		"%" PRIu64
		" bytes of the flow left the device while the kernel ran none of zcviz's programs. %s The device counted %" PRIu64
		" packets handed on and %" PRIu64
		" dropped (its own tx_packets and tx_dropped: every packet, ours or not); zcviz's programs saw %" PRIu64
		". %s",
		m->unseen, tcp, m->dev_tx, m->dev_dropped, m->seen_tx, why);
	text_wrap(f, "note:", text);
}

/* Where the run is not the plain story: each its own note. */
static void text_notes(FILE *f, const struct run_config *cfg,
		       const struct run_result *res,
		       const struct model_result *m)
{
	text_wrap(f, "note:", model_note(&res->in));
	if (cfg->cold && res->tmpfs)
		text_wrap(
			f, "note:",
			"the file is on tmpfs: there is no disk, its pages live in memory only.");
	if (m->resent)
		fprintf(f,
			"  note: TCP sent %" PRIu64
			" bytes again (retransmissions): the device and\n"
			"        any copy at segmentation moved them once more.\n",
			m->resent);
	if (m->unknown_send)
		fprintf(f,
			"  note: %" PRIu64
			" bytes went into the socket in %" PRIu64
			" calls of syscalls zcviz's table\n"
			"        (viz/syscalls.c) does not know: they are on no arrow.\n",
			m->unknown_send,
			res->in.counts.c[ZC_C_SEND_UNKNOWN_CALLS]);
	if (m->unseen)
		unseen_note(f, res, m);
	if (m->overseen)
		fprintf(f,
			"  note: zcviz's programs saw %" PRIu64
			" bytes more at the device than TCP says it\n"
			"        sent: the NIC figures above cannot be trusted.\n",
			m->overseen);
	if (m->dropped)
		fprintf(f,
			"  note: %" PRIu64
			" bytes were queued to the device and dropped before it\n"
			"        took them (a full queue); TCP sent them again.\n",
			m->dropped);
	if (res->in.counts.c[ZC_C_NET_UNPARSED])
		fprintf(f,
			"  note: %" PRIu64
			" packets on the device could not be read; the NIC figures miss them.\n",
			res->in.counts.c[ZC_C_NET_UNPARSED]);
	if (res->in.done_known && res->in.done.zc_bytes && m->seg_copy)
		answer_note(f, res, m);
	if (res->in.counts.u[ZC_U_PROG_MISSES])
		fprintf(f,
			"  note: the kernel skipped our programs %" PRIu64
			" times (already running on that CPU);\n"
			"        the counts above miss those events.\n",
			res->in.counts.u[ZC_U_PROG_MISSES]);
}

/* IPv4 "a.b.c.d:port", or "[IPv6]:port" unknown, into buf. */
/* zcviz -p: each file and each flow of the program's, on its own. */
static void text_slots(FILE *f, const struct run_result *res)
{
	const struct zc_file *fi;
	const struct zc_flow *fl;
	char l[64], r[64], why[512];

	for (int i = 0; i < ZC_MAX_FILES; i++) {
		fi = &res->files[i];
		/* a file it only wrote to (its log, its stdout) moved no data */
		if (fi->read_bytes || fi->sendfile_bytes || fi->map_bytes ||
		    fi->pipe_in_bytes)
			fprintf(f,
				"  file %s: read %llu (%llu calls), sendfile %llu (%llu calls), mapped %llu, spliced %llu\n",
				fi->name, (unsigned long long)fi->read_bytes,
				(unsigned long long)fi->read_calls,
				(unsigned long long)fi->sendfile_bytes,
				(unsigned long long)fi->sendfile_calls,
				(unsigned long long)fi->map_bytes,
				(unsigned long long)fi->pipe_in_bytes);
	}
	for (int i = 0; i < ZC_MAX_FLOWS; i++) {
		fl = &res->flows[i];
		if (fl->sk)
			fprintf(f,
				"  flow %s -> %s: took %llu (copied %llu, by reference %llu); the device sent %llu, paged %llu, again %llu\n",
				facts_flow_end(l, sizeof(l), fl, fl->saddr,
					       fl->sport),
				facts_flow_end(r, sizeof(r), fl, fl->daddr,
					       fl->dport),
				(unsigned long long)facts_flow_taken(fl),
				(unsigned long long)fl->taken[ZC_TAKEN_COPY],
				(unsigned long long)(fl->taken[ZC_TAKEN_REF] +
						     fl->taken[ZC_TAKEN_UREF]),
				(unsigned long long)facts_flow_device(
					fl, ZC_C_X_PAGED) +
					facts_flow_device(fl, ZC_C_X_LINEAR),
				(unsigned long long)facts_flow_device(
					fl, ZC_C_X_PAGED),
				(unsigned long long)facts_flow_device(
					fl, ZC_C_X_RESENT));
		if (fl->sk) {
			verdict_flow(res, fl, why, sizeof(why));
			text_wrap(f, "why:", why);
		}
	}
}

/* zcviz -p: how many processes were watched (a trace of 0.1: 0) */
static int procs_count(const struct run_result *res)
{
	int n = 0;

	for (int i = 0; i < ZC_MAX_PROCS; i++)
		n += res->procs[i].tgid != 0;
	return n;
}

/* More than zcviz keeps one by one: said, never silent. */
static void text_over(FILE *f, const uint64_t *c)
{
	if (c[ZC_C_FLOWS_OVER])
		fprintf(f,
			"  note: %" PRIu64
			" sends on sockets beyond the %d kept one by one: in the totals, in no flow above\n",
			c[ZC_C_FLOWS_OVER], ZC_MAX_FLOWS);
	if (c[ZC_C_FILES_OVER])
		fprintf(f,
			"  note: files beyond the %d kept one by one (looked up %" PRIu64
			" times): in the totals, in no file above\n",
			ZC_MAX_FILES, c[ZC_C_FILES_OVER]);
	if (c[ZC_C_PROCS_OVER])
		fprintf(f,
			"  note: %" PRIu64
			" processes started beyond the %d zcviz watches: not watched, not counted\n",
			c[ZC_C_PROCS_OVER], ZC_MAX_PROCS);
}

/* zcviz -p: each process, with its part of the totals. */
static void text_procs(FILE *f, const struct run_result *res)
{
	const struct zc_proc *p;

	for (int i = 0; i < ZC_MAX_PROCS; i++) {
		p = &res->procs[i];
		if (!p->tgid)
			continue;
		fprintf(f, "  process %llu %s", (unsigned long long)p->tgid,
			p->comm);
		if (p->ppid)
			fprintf(f, " (started by %u)", p->ppid);
		fprintf(f,
			": sockets took %llu (copied %llu, by reference %llu), read %llu, sendfile %llu, %llu syscalls, CPU %.1f ms%s\n",
			(unsigned long long)(p->taken[ZC_TAKEN_COPY] +
					     p->taken[ZC_TAKEN_REF] +
					     p->taken[ZC_TAKEN_UREF]),
			(unsigned long long)p->taken[ZC_TAKEN_COPY],
			(unsigned long long)(p->taken[ZC_TAKEN_REF] +
					     p->taken[ZC_TAKEN_UREF]),
			(unsigned long long)p->read_bytes,
			(unsigned long long)p->sendfile_bytes,
			(unsigned long long)p->syscalls, p->cpu_run_ns / 1e6,
			p->exited ? ", exited" : "");
	}
	text_over(f, res->in.counts.c);
}

static void text_header(FILE *f, const struct run_config *cfg,
			const struct run_result *res)
{
	int n = procs_count(res);

	if (res->pid) {
		fprintf(f, "%s (pid %d)", res->comm, (int)res->pid);
		if (n > 1)
			fprintf(f, " and %d more processes", n - 1);
		fprintf(f,
			": watched %.1f s; %s sockets took %" PRIu64 " bytes\n",
			res->watched_ns / 1e9, n > 1 ? "their" : "its",
			res->in.file_bytes);
		fprintf(f,
			"  every regular file and every TCP socket of %s, on every device\n\n",
			n > 1 ? "theirs" : "its");
		return;
	}
	fprintf(f, "%s: %" PRIu64 " bytes, chunk %" PRIu64 ", %s cache\n",
		res->in.demo->name, res->in.file_bytes, cfg->chunk,
		cfg->cold ? "cold" : "warm");
	if (res->recorded[0])
		fprintf(f, "  replay of a run recorded by %s\n", res->recorded);
	fprintf(f, "  file   %s\n", cfg->file);
	fprintf(f, "  device %s (%s), scatter-gather %s\n\n", res->egress,
		cfg->to ? cfg->to : "the lab", res->in.sg ? "on" : "off");
}

void report_text(FILE *f, const struct run_config *cfg,
		 const struct run_result *res, const struct model_result *m)
{
	char why[512];

	text_header(f, cfg, res);
	text_edges(f, res, m);
	if (res->pid)
		fprintf(f, "\n  %-24s %.2f x the bytes sent\n",
			"CPU copies per byte", m->copies_per_byte);
	else if (isnan(m->theory))
		fprintf(f, "\n  %-24s %.2f x file size   theory unknown\n",
			"CPU copies of the file", m->copies_per_byte);
	else
		fprintf(f, "\n  %-24s %.2f x file size   theory %g   %s\n",
			"CPU copies of the file", m->copies_per_byte, m->theory,
			m->pass ? "[ok]" : "[differs]");
	verdict_make(&res->in, m, why, sizeof(why));
	text_wrap(f, "why:", why);
	text_figures(f, res, m);
	text_answers(f, res);
	fprintf(f, "  %-24s %s\n", "checksum",
		res->verified && res->unread ?
			"not computed: the receiver freed the bytes unread; their count agrees" :
		res->verified ? "verified: the receiver got every byte intact" :
		res->pid      ? "not verified: the receivers are not zcviz's" :
				"NOT verified");
	if (res->pid || cfg->command)
		text_slots(f, res);
	if (res->pid)
		text_procs(f, res);
	text_receiver(f, cfg, res, m);
	text_notes(f, cfg, res, m);
	text_unmeasured(f, res->in.missing);
	fputc('\n', f);
}

/* ---- the comparison table -------------------------------------------- */

void report_compare(FILE *f, const struct run_result res[],
		    const struct model_result m[], int n)
{
	int i;

	fprintf(f, "Compared (same file, measured):\n\n");
	fprintf(f, "  %-11s %-3s %-11s %6s %8s %7s %6s %9s %9s\n", "demo", "sg",
		"CPU copies", "theory", "syscalls", "mode sw", "ctx sw",
		"elapsed", "CPU");
	for (i = 0; i < n; i++) {
		const char *name = res[i].in.demo->name;

		/* 80 columns: a longer name has a line of its own */
		if (strlen(name) > 11) {
			fprintf(f, "  %s\n", name);
			name = "";
		}
		fprintf(f,
			"  %-11s %-3s %4.2f x %-4s %6g %8" PRIu64 " %7" PRIu64
			" %6" PRIu64 " %6.1f ms %6.1f ms\n",
			name, res[i].in.sg ? "on" : "off", m[i].copies_per_byte,
			m[i].pass ? "ok" : "!!", m[i].theory, m[i].syscalls,
			m[i].mode_switches,
			m[i].cs_voluntary + m[i].cs_involuntary,
			m[i].elapsed_ns / 1e6,
			(m[i].cpu_user_ns + m[i].cpu_sys_ns) / 1e6);
	}
	fprintf(f,
		"\n  A mode switch is a syscall entering or leaving the kernel (the classic\n"
		"  article's \"context switch\"); a context switch here is the scheduler\n"
		"  giving the CPU to another task.\n");
}

/* ---- as rows of the output table (output.c) --------------------------- */

void report_run(FILE *f, const struct session *s, const struct session_run *r)
{
	(void)s;
	report_text(f, &r->cfg, &r->res, &r->m);
}

void report_done(FILE *f, const struct session *s)
{
	session_compare(s, f);
}
