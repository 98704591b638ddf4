/*
 * --json: one object per run, on one line. docs/contracts.md says what
 * each key holds; csv.c flattens the same object.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "output.h"
#include "probe.h"
#include "report.h"
#include "session.h"
#include "text.h"
#include "verdict.h"

static void json_edge(FILE *f, const struct model_result *m, enum zc_edge e)
{
	fprintf(f, "\"%s\":{\"kind\":\"%s\",\"bytes\":%" PRIu64,
		model_edge_key(e), model_kind_key(m->edge[e].kind),
		m->edge[e].bytes);
	if (e == E_SOCKET_NIC)
		fprintf(f,
			",\"paged_bytes\":%" PRIu64 ",\"linear_bytes\":%" PRIu64
			",\"segmentation_copy_bytes\":%" PRIu64,
			m->nic_paged, m->nic_linear, m->seg_copy);
	if (!m->edge[e].measured)
		fprintf(f, ",\"inferred\":true");
	fputc('}', f);
}

static void json_syscalls(FILE *f, const struct zc_counts *c)
{
	uint64_t other;

	facts_syscalls_named(c, &other);
	fprintf(f, "\"syscalls\":{\"total\":%" PRIu64, c->c[ZC_C_SYS_ENTER]);
	facts_syscalls_each(f, c, ",\"%s\":%" PRIu64);
	fprintf(f, ",\"other\":%" PRIu64 "}", other);
}

static void json_unmeasured(FILE *f, unsigned missing)
{
	const char *sep = "";

	fprintf(f, "\"missing_tracepoints\":[");
	for (int p = 0; p < TP_NR; p++)
		if (missing & (1u << p)) {
			fprintf(f, "%s\"%s\"", sep, trace_probe(p)->name);
			sep = ",";
		}
	fputc(']', f);
}

/* Every counter by its name, for whoever debugs the instrument. */
static void json_counters(FILE *f, const struct zc_counts *c)
{
	struct zc_values v;

	counts_get(c, &v);
	fprintf(f, ",\"counters\":{");
	for (int i = 0; i < ZC_NR_SLOTS; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "",
			counts_slot_name(i), *counts_slot(&v, i));
	fputc('}', f);
}

/*
 * TCP's own count of the flow (null: not heard), and which bytes at the
 * device each witness counted: zcviz's programs, or only TCP.
 */
static void json_tcp(FILE *f, const struct run_result *res,
		     const struct model_result *m)
{
	const uint64_t *u = res->in.counts.u;
	/* without TCP's count, unseen bytes are on no figure */
	uint64_t tcp_only = m->tcp_known ? m->unseen : 0;

	if (!u[ZC_U_TCP_SOCKETS])
		fprintf(f, "\"tcp\":null,");
	else
		fprintf(f,
			"\"tcp\":{\"sockets\":%" PRIu64
			",\"bytes_sent\":%" PRIu64 ",\"bytes_retrans\":%" PRIu64
			"},",
			u[ZC_U_TCP_SOCKETS], u[ZC_U_TCP_BYTES_SENT],
			u[ZC_U_TCP_BYTES_RETRANS]);
	fprintf(f,
		"\"device_bytes_by\":{\"programs\":%" PRIu64
		",\"tcp_only\":%" PRIu64 ",\"tcp_only_kind\":\"%s\"}"
		",\"overseen_bytes\":%" PRIu64 ",\"bpf_skipped_for_pid1\":%s,",
		m->edge[E_SOCKET_NIC].bytes - tcp_only, tcp_only,
		res->in.sg ? "unknown" : "linear", m->overseen,
		res->in.counts.u[ZC_U_INIT_GATE] ? "true" : "false");
}

/* Where the flow left, what the device did with it, and what the
 * instrument may have missed there. */
static void json_device(FILE *f, const struct run_result *res,
			const struct model_result *m)
{
	const struct zc_counts *c = &res->in.counts;

	fprintf(f, "\"egress\":");
	text_json(f, res->egress);
	fprintf(f,
		",\"receiver\":\"%s\",\"retransmitted_bytes\":%" PRIu64
		",\"dropped_bytes\":%" PRIu64 ",\"unseen_bytes\":%" PRIu64
		",\"device_tx_packets\":%" PRIu64
		",\"device_tx_dropped\":%" PRIu64
		",\"seen_tx_packets\":%" PRIu64
		",\"unknown_send_bytes\":%" PRIu64 ",\"events_lost\":%" PRIu64
		",\"unparsed_skbs\":%" PRIu64 ",\"programs_missed\":%" PRIu64
		",\"programs_runs\":%" PRIu64 ",\"programs_ns\":%" PRIu64 ",",
		res->pid    ? "none" :
		res->remote ? "remote" :
			      "lab",
		m->resent, m->dropped, m->unseen, m->dev_tx, m->dev_dropped,
		m->seen_tx, m->unknown_send, c->c[ZC_C_EVENTS_LOST],
		c->c[ZC_C_NET_UNPARSED], c->u[ZC_U_PROG_MISSES],
		c->u[ZC_U_PROG_RUNS], c->u[ZC_U_PROG_NS]);
	json_tcp(f, res, m);
}

/*
 * Zero-copy sends: the pinned pages down the path (null where a point is
 * not ours to measure), the kernel's answers as the sender relayed them,
 * and io_uring's requests and completions.
 */
static void json_zero_copy(FILE *f, const struct run_result *res,
			   const struct model_result *m)
{
	const struct zc_completions *d = &res->in.done;
	const uint64_t *c = res->in.counts.c;

	fprintf(f, ",\"zero_copy\":");
	if (!facts_zero_copy_shown(res, m)) {
		fprintf(f, "null");
	} else {
		fprintf(f,
			"{\"socket_pinned_bytes\":%" PRIu64
			",\"socket_copied_bytes\":%" PRIu64
			",\"device_pinned_bytes\":%" PRIu64,
			m->pinned.socket, m->user_copied, m->pinned.device);
		if (m->pinned.rx_measured)
			fprintf(f,
				",\"delivered_pinned_bytes\":%" PRIu64
				",\"receiver_pinned_bytes\":%" PRIu64,
				m->pinned.delivered, m->pinned.received);
		else
			fprintf(f,
				",\"delivered_pinned_bytes\":null,\"receiver_pinned_bytes\":null");
		fprintf(f, ",\"copied_bytes\":%" PRIu64 ",\"copied_at\":",
			m->pinned.copied);
		if (m->pinned.copied)
			text_json(f, model_copied_at(m->pinned.where));
		else
			fprintf(f, "null");
		fprintf(f, ",\"kernel_verdict\":");
		if (res->in.done_known)
			fprintf(f,
				"{\"completions\":%" PRIu64
				",\"zero_copy_bytes\":%" PRIu64
				",\"copied_bytes\":%" PRIu64
				",\"enobufs\":%" PRIu64
				",\"fallback_bytes\":%" PRIu64 "}}",
				d->notes, d->zc_bytes, d->copied_bytes,
				d->nobufs, d->fallback_bytes);
		else
			fprintf(f, "null}");
	}
	fprintf(f,
		",\"io_uring\":{\"requests\":%" PRIu64
		",\"completions\":%" PRIu64 ",\"notifications\":%" PRIu64
		",\"notifications_copied\":%" PRIu64 ",\"overflowed\":%" PRIu64
		"}",
		c[ZC_C_IOU_SUBMITS], c[ZC_C_IOU_CQES], c[ZC_C_IOU_NOTES],
		c[ZC_C_IOU_NOTES_COPIED], c[ZC_C_IOU_OVERFLOWS]);
}

/* ZCVIZ_STATS=1: each hook's runs and CPU time as the kernel counted
 * them, with ZCVIZ_BASELINE=1 an empty program's beside ours. */
static void json_hooks(FILE *f, const struct run_result *res)
{
	const struct trace_hook *h;

	if (!res->nhooks)
		return;
	fprintf(f, ",\"hooks\":[");
	for (int i = 0; i < res->nhooks; i++) {
		h = &res->hooks[i];
		fprintf(f, "%s{\"name\":", i ? "," : "");
		text_json(f, h->name);
		fprintf(f,
			",\"runs\":%" PRIu64 ",\"ns\":%" PRIu64
			",\"empty_runs\":%" PRIu64 ",\"empty_ns\":%" PRIu64 "}",
			h->runs, h->ns, h->empty_runs, h->empty_ns);
	}
	fputc(']', f);
}

/* zcviz -p: each process watched, its part of the totals. */
static void json_procs(FILE *f, const struct run_result *res)
{
	const struct zc_proc *p;
	const char *sep = "";

	fprintf(f, ",\"processes\":[");
	for (int i = 0; i < ZC_MAX_PROCS; i++) {
		p = &res->procs[i];
		if (!p->tgid)
			continue;
		fprintf(f, "%s{\"pid\":%llu,\"ppid\":%u,\"comm\":", sep,
			(unsigned long long)p->tgid, p->ppid);
		text_json(f, p->comm);
		fprintf(f,
			",\"exited\":%s,\"syscalls\":%llu,\"read_bytes\":%llu,\"sendfile_bytes\":%llu,\"map_bytes\":%llu,\"copied_bytes\":%llu,\"referenced_bytes\":%llu,\"cpu_user_ns\":%llu,\"cpu_sys_ns\":%llu,\"cpu_ns\":%llu}",
			p->exited ? "true" : "false",
			(unsigned long long)p->syscalls,
			(unsigned long long)p->read_bytes,
			(unsigned long long)p->sendfile_bytes,
			(unsigned long long)p->map_bytes,
			(unsigned long long)p->taken[ZC_TAKEN_COPY],
			(unsigned long long)(p->taken[ZC_TAKEN_REF] +
					     p->taken[ZC_TAKEN_UREF]),
			(unsigned long long)p->cpu_user_ns,
			(unsigned long long)p->cpu_sys_ns,
			(unsigned long long)p->cpu_run_ns);
		sep = ",";
	}
	fputc(']', f);
}

/* zcviz -p: the (first) process watched. */
static void json_watched(FILE *f, const struct run_result *res)
{
	fprintf(f, ",\"watched\":{\"pid\":%d,\"comm\":", (int)res->pid);
	text_json(f, res->comm);
	fprintf(f, ",\"ns\":%" PRIu64 ",\"received_copy_bytes\":%" PRIu64 "}",
		res->watched_ns, res->in.counts.c[ZC_C_RECV_COPY_BYTES]);
}

/* zcviz -p and -- CMD: each file and each flow, with its verdict. */
static void json_slots(FILE *f, const struct run_result *res)
{
	const struct zc_file *fi;
	const struct zc_flow *fl;
	const char *sep = "";
	char l[64], r[64], why[512];

	fprintf(f, ",\"files\":[");
	for (int i = 0; i < ZC_MAX_FILES; i++) {
		fi = &res->files[i];
		if (!fi->key)
			continue;
		fprintf(f, "%s{\"name\":", sep);
		text_json(f, fi->name);
		fprintf(f,
			",\"ino\":%llu,\"dev\":\"%u:%u\",\"read_bytes\":%llu,\"read_calls\":%llu,\"sendfile_bytes\":%llu,\"sendfile_calls\":%llu,\"map_bytes\":%llu,\"pipe_in_bytes\":%llu}",
			(unsigned long long)fi->ino, fi->dev >> 20,
			fi->dev & 0xfffff, (unsigned long long)fi->read_bytes,
			(unsigned long long)fi->read_calls,
			(unsigned long long)fi->sendfile_bytes,
			(unsigned long long)fi->sendfile_calls,
			(unsigned long long)fi->map_bytes,
			(unsigned long long)fi->pipe_in_bytes);
		sep = ",";
	}
	fprintf(f, "],\"flows\":[");
	sep = "";
	for (int i = 0; i < ZC_MAX_FLOWS; i++) {
		fl = &res->flows[i];
		if (!fl->sk)
			continue;
		fprintf(f,
			"%s{\"local\":\"%s\",\"remote\":\"%s\",\"taken_bytes\":%" PRIu64
			",\"copied_bytes\":%llu,\"referenced_bytes\":%llu,\"device_bytes\":%" PRIu64
			",\"paged_bytes\":%" PRIu64
			",\"retransmitted_bytes\":%" PRIu64
			",\"ifindex\":%u,\"pid\":%u",
			sep,
			facts_flow_end(l, sizeof(l), fl, fl->saddr, fl->sport),
			facts_flow_end(r, sizeof(r), fl, fl->daddr, fl->dport),
			facts_flow_taken(fl),
			(unsigned long long)fl->taken[ZC_TAKEN_COPY],
			(unsigned long long)(fl->taken[ZC_TAKEN_REF] +
					     fl->taken[ZC_TAKEN_UREF]),
			facts_flow_device(fl, ZC_C_X_PAGED) +
				facts_flow_device(fl, ZC_C_X_LINEAR),
			facts_flow_device(fl, ZC_C_X_PAGED),
			facts_flow_device(fl, ZC_C_X_RESENT), fl->ifindex,
			fl->tgid);
		verdict_flow(res, fl, why, sizeof(why));
		fprintf(f, ",\"verdict\":");
		text_json(f, why);
		fputc('}', f);
		sep = ",";
	}
	fprintf(f, "]");
}

/* What ran and what it said, and what only some runs have. */
/* A number, or null when it is not known (known false). */
static void json_u64_or_null(FILE *f, bool known, uint64_t v)
{
	if (known)
		fprintf(f, "%" PRIu64, v);
	else
		fprintf(f, "null");
}

/*
 * The lab's receiver (null when it is not zcviz's): how it took the bytes,
 * its copies (its arrows are in "edges"), its syscalls (null in a trace of
 * zcviz 0.1), and what it said the kernel mapped and left to copy.
 */
static void json_receive(FILE *f, const struct run_config *cfg,
			 const struct run_result *res,
			 const struct model_result *m)
{
	uint64_t mapped = 0, copied = 0;
	bool said = facts_receiver_mapped(res, &mapped, &copied);
	char why[512];

	fprintf(f, ",\"receive\":");
	if (!res->in.rx_ours) {
		fprintf(f, "null");
		return;
	}
	fprintf(f, "{\"mode\":\"%s\",\"mtu\":", zc_receivers[cfg->recv].name);
	json_u64_or_null(f, res->mtu, res->mtu);
	fprintf(f,
		",\"cpu_copy_bytes\":%" PRIu64
		",\"cpu_copies_per_byte\":%.4f,\"syscalls\":",
		m->rx_cpu_copy_bytes, m->rx_copies_per_byte);
	json_u64_or_null(f, res->mtu, m->rx_syscalls);
	fprintf(f, ",\"mode_switches\":");
	json_u64_or_null(f, res->mtu, m->rx_mode_switches);
	fprintf(f, ",\"kernel_mapped_bytes\":");
	json_u64_or_null(f, said, mapped);
	fprintf(f, ",\"kernel_copied_bytes\":");
	json_u64_or_null(f, said, copied);
	fprintf(f, ",\"discarded_bytes\":%" PRIu64 ",\"verdict\":",
		res->in.counts.c[ZC_C_RX_DISCARD_BYTES]);
	verdict_receiver(&res->in, m, why, sizeof(why));
	text_json(f, why);
	fputc('}', f);
}

static void json_tail(FILE *f, const struct run_config *cfg,
		      const struct run_result *res,
		      const struct model_result *m)
{
	fprintf(f, ",\"sender\":");
	text_json(f, res->sender_line);
	fprintf(f, ",\"receiver_line\":");
	text_json(f, res->sink_line);
	if (res->recorded[0]) {
		fprintf(f, ",\"replay_of\":");
		text_json(f, res->recorded);
	}
	if (cfg->command) {
		fprintf(f, ",\"command\":");
		text_json(f, res->in.demo->title);
	}
	if (res->pid)
		json_watched(f, res);
	if (res->pid || cfg->command)
		json_slots(f, res);
	if (res->pid)
		json_procs(f, res);
	json_zero_copy(f, res, m);
	json_receive(f, cfg, res, m);
	json_hooks(f, res);
	if (getenv("ZCVIZ_DEBUG"))
		json_counters(f, &res->in.counts);
}

void report_json(FILE *f, const struct run_config *cfg,
		 const struct run_result *res, const struct model_result *m)
{
	const struct zc_counts *c = &res->in.counts;
	char why[512];
	int e;

	/* a command's or a replayed run's name is anyone's text */
	fprintf(f, "{\"demo\":");
	text_json(f, res->in.demo->name);
	fprintf(f,
		",\"file_bytes\":%" PRIu64 ",\"chunk_bytes\":%" PRIu64
		",\"sg\":%s,\"cold\":%s,\"verified\":%s,",
		res->in.file_bytes, cfg->chunk, res->in.sg ? "true" : "false",
		cfg->cold ? "true" : "false", res->verified ? "true" : "false");
	/* what verified means: the bytes' checksum, or their count alone */
	fprintf(f, "\"verified_by\":%s,",
		!res->verified ? "null" :
		res->unread    ? "\"count\"" :
				 "\"checksum\"");
	fprintf(f, "\"edges\":{");
	for (e = 0; e < E_NR; e++) {
		if (e)
			fputc(',', f);
		json_edge(f, m, e);
	}
	fprintf(f,
		"},\"cpu_copy_bytes\":%" PRIu64
		",\"cpu_copies_per_byte\":%.4f,",
		m->cpu_copy_bytes, m->copies_per_byte);
	/* a command's theory is unknown unless --theory gives it */
	if (isnan(m->theory))
		fprintf(f,
			"\"theory_cpu_copies_per_byte\":null,\"pass\":null,");
	else
		fprintf(f, "\"theory_cpu_copies_per_byte\":%g,\"pass\":%s,",
			m->theory, m->pass ? "true" : "false");
	verdict_make(&res->in, m, why, sizeof(why));
	fprintf(f, "\"verdict\":");
	text_json(f, why);
	fputc(',', f);
	json_syscalls(f, c);
	fprintf(f,
		",\"mode_switches\":%" PRIu64
		",\"context_switches\":{\"voluntary\":%" PRIu64
		",\"involuntary\":%" PRIu64 "},\"page_faults\":%" PRIu64 ",",
		m->mode_switches, m->cs_voluntary, m->cs_involuntary,
		m->page_faults);
	fprintf(f,
		"\"receiver_copy_bytes\":%" PRIu64 ",\"elapsed_ns\":%" PRIu64
		",\"sender_cpu_ns\":{\"user\":%" PRIu64 ",\"sys\":%" PRIu64
		"},",
		m->rx_copy, m->elapsed_ns, m->cpu_user_ns, m->cpu_sys_ns);
	json_device(f, res, m);
	json_unmeasured(f, res->in.missing);
	json_tail(f, cfg, res, m);
	fprintf(f, "}\n");
	fflush(f);
}

/* ---- as a row of the output table (output.c) -------------------------- */

void json_run(FILE *f, const struct session *s, const struct session_run *r)
{
	(void)s;
	report_json(f, &r->cfg, &r->res, &r->m);
}
