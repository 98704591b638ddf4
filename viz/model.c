/*
 * The accounting model. docs/measurement.md ("From tracepoint to arrow")
 * says which tracepoint proves which arrow; this file only adds them up. No count passes COUNTS_MAX
 * (counts.h: the reader refuses a trace that does), and no sum here adds
 * more than six, so none can pass 2^64.
 */
#include "model.h"

#include <math.h>
#include <string.h>

#include "syscalls.h"

/*
 * The textbook counts the copies into and out of user space. A device
 * that cannot gather adds one: the kernel copies paged socket buffers
 * into linear segments when it cuts them (GSO), whatever the demo. The
 * demo's row says both. Pinned user pages (MSG_ZEROCOPY) delivered to a
 * socket on this machine are copied there, if GSO has not already: the
 * receiver must not see the sender's memory.
 */
double model_theory(const struct zc_demo *d, bool sg, bool local)
{
	if (!d)
		return 0;
	if (local && d->pins_user_pages && d->copies[sg] < 1)
		return 1;
	return d->copies[sg];
}

const char *model_demo_call(const struct zc_demo *d, enum zc_moves how)
{
	const struct syscall_info *s;
	const char *p, *end;
	char name[32];
	size_t n;

	for (p = d ? d->syscalls : ""; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, " ");
		n = (size_t)(end - p) < sizeof(name) ? (size_t)(end - p) :
						       sizeof(name) - 1;
		memcpy(name, p, n);
		name[n] = '\0';
		s = syscall_by_name(name);
		if (s && s->moves == how)
			return s->name;
	}
	return NULL;
}

/* Each arrow's row, from ZC_ARROWS (model.h) */
static const struct {
	const char *key, *label;
	enum zc_box from, to;
	enum zc_kind kind;
	int counter; /* ZC_C_NONE: added up below */
	enum trace_probe group;
	enum zc_moves only;
} edges[E_NR] = {
#define EDGE_ROW(id, key, label, from, to, kind, counter, group, only) \
	[E_##id] = { key,      label,	       BOX_##from, BOX_##to,   \
		     K_##kind, ZC_C_##counter, TP_##group, ZC_MOVES_##only },
	ZC_ARROWS(EDGE_ROW)
#undef EDGE_ROW
};

/* Each box's name, as the diagram and the receiver's strip write it */
static const char *const box_names[BOX_NR] = {
	[BOX_DISK] = "disk",	    [BOX_CACHE] = "page cache",
	[BOX_USER] = "user buffer", [BOX_SOCKET] = "socket buffer",
	[BOX_NIC] = "NIC",	    [BOX_PIPE] = "pipe",
	[BOX_RX_SOCKET] = "socket", [BOX_RX_USER] = "user buffer",
	[BOX_RX_PIPE] = "pipe",	    [BOX_RX_CACHE] = "page cache",
};

const char *model_box_name(enum zc_box b)
{
	return b < BOX_NR ? box_names[b] : "?";
}

/* Each kind of arrow: its JSON key and its word (report, log, dashboard). */
static const struct {
	const char *key, *label;
} kinds[] = {
	[K_DMA] = { "dma", "DMA" },
	[K_CPU_COPY] = { "cpu_copy", "CPU copy" },
	[K_PAGE_REF] = { "page_ref", "page ref" },
	[K_MAP] = { "map", "mapped" },
};

const char *model_edge_key(enum zc_edge e)
{
	return e < E_NR ? edges[e].key : "?";
}

const char *model_edge_label(enum zc_edge e)
{
	return e < E_NR ? edges[e].label : "?";
}

enum zc_box model_edge_from(enum zc_edge e)
{
	return e < E_NR ? edges[e].from : BOX_NR;
}

enum zc_box model_edge_to(enum zc_edge e)
{
	return e < E_NR ? edges[e].to : BOX_NR;
}

bool model_edge_receivers(enum zc_edge e)
{
	return e < E_NR && edges[e].to >= BOX_RX_SOCKET;
}

bool model_edge_shown(const struct model_input *in,
		      const struct model_result *r, enum zc_edge e)
{
	if (e >= E_NR)
		return false;
	if (model_edge_receivers(e))
		return in->rx_ours;
	return edges[e].only == ZC_MOVES_NONE || r->edge[e].bytes ||
	       model_demo_call(in->demo, edges[e].only);
}

const char *model_kind_key(enum zc_kind k)
{
	return k <= K_MAP ? kinds[k].key : "?";
}

const char *model_kind_label(enum zc_kind k)
{
	return k <= K_MAP ? kinds[k].label : "?";
}

static void edge_set(struct model_result *r, enum zc_edge e, enum zc_kind k,
		     uint64_t bytes, bool measured)
{
	r->edge[e].kind = k;
	r->edge[e].bytes = bytes;
	r->edge[e].measured = measured;
}

/*
 * Every arrow as its row says: measured unless its group is missing (or,
 * the receiver's, unless the receiver is ours); one with a counter is that
 * counter's bytes, and a CPU copy counts as one, the sender's or the
 * receiver's. The rest are added up below.
 */
static void edges_counted(const struct model_input *in, struct model_result *r)
{
	bool rx;

	for (int e = 0; e < E_NR; e++) {
		int k = edges[e].counter;

		rx = model_edge_receivers(e);
		edge_set(r, e, edges[e].kind, k >= 0 ? in->counts.c[k] : 0,
			 !(in->missing & (1u << edges[e].group)) &&
				 (!rx || in->rx_ours));
		if (k < 0 || edges[e].kind != K_CPU_COPY)
			continue;
		if (rx)
			r->rx_cpu_copy_bytes += in->counts.c[k];
		else
			r->cpu_copy_bytes += in->counts.c[k];
	}
}

/*
 * Bytes the socket took, split by how tcp_sendmsg_locked saw them. Where
 * it did not fire, the syscall tells: write() copies, sendfile() refers.
 * From user memory, the arrow is what most of its bytes were: copied, or
 * referenced (MSG_ZEROCOPY); only the copied ones are CPU copies.
 */
static void edges_socket(const struct model_input *in, struct model_result *r)
{
	const uint64_t *c = in->counts.c;
	bool seen = !(in->missing & (1u << TP_SENDMSG));
	uint64_t copied = c[ZC_C_SEND_COPY_BYTES] + c[ZC_C_SEND_UNSEEN_WRITE];
	uint64_t uref = c[ZC_C_SEND_UREF_BYTES];

	r->user_copied = copied;
	edge_set(r, E_USER_SOCKET, uref > copied ? K_PAGE_REF : K_CPU_COPY,
		 copied + uref, seen && !c[ZC_C_SEND_UNSEEN_WRITE]);
	edge_set(r, E_CACHE_SOCKET, K_PAGE_REF,
		 c[ZC_C_SEND_REF_BYTES] + c[ZC_C_SEND_UNSEEN_SENDFILE],
		 seen && !c[ZC_C_SEND_UNSEEN_SENDFILE]);
}

/*
 * splice(): the pipe holds references to the file's pages, and the socket
 * takes them as tcp_sendmsg_locked saw (where it did not fire: referenced,
 * as splice does, and not measured).
 */
static void edges_pipe(const struct model_input *in, struct model_result *r)
{
	const uint64_t *c = in->counts.c;
	bool seen = !(in->missing & (1u << TP_SENDMSG));
	uint64_t ref = c[ZC_C_PIPE_OUT_REF_BYTES];

	/* into the pipe: its row's counter (edges_counted()) */
	r->pipe_copied = c[ZC_C_PIPE_OUT_COPY_BYTES];
	edge_set(r, E_PIPE_SOCKET,
		 r->pipe_copied > ref ? K_CPU_COPY : K_PAGE_REF,
		 c[ZC_C_PIPE_OUT_BYTES],
		 seen && ref + r->pipe_copied == c[ZC_C_PIPE_OUT_BYTES]);
}

/*
 * What left the device unseen by our programs, by TCP's own count of the
 * flow (viz/witness.c): it sent tcp bytes, every transmission; the
 * programs saw seen of them. Without TCP's count, only the fresh bytes a
 * hole in the sequence numbers shows.
 */
static void unseen_by_tcp(const struct model_input *in, uint64_t seen,
			  struct model_result *r)
{
	const uint64_t *c = in->counts.c, *u = in->counts.u;

	r->tcp_known = u[ZC_U_TCP_SOCKETS] > 0;
	/* no programs there to miss anything: the arrow is not measured */
	if (in->missing & (1u << TP_NET))
		r->tcp_known = false;
	if (!r->tcp_known) {
		r->unseen = c[ZC_C_X_HOLE_BYTES];
		r->resent = c[ZC_C_X_RESENT];
		return;
	}
	r->tcp_sent = u[ZC_U_TCP_BYTES_SENT];
	r->resent = u[ZC_U_TCP_BYTES_RETRANS];
	r->unseen = r->tcp_sent > seen ? r->tcp_sent - seen : 0;
	r->overseen = seen > r->tcp_sent ? seen - r->tcp_sent : 0;
}

/*
 * After GSO, payload is paged (the NIC gathers it) or linear. Linear
 * payload that was paged before GSO was copied at segmentation. Bytes
 * our programs did not see are linear where the device cannot gather
 * (it takes no page fragment: validate_xmit_skb() made every segment
 * linear); where it can, their kind is not known, and they are on no
 * part of the split. TCP puts payload only in page fragments
 * (tcp_stream_alloc_skb() leaves no room beside the headers), so before
 * GSO they were paged, like every byte of the flow.
 */
static void edge_nic(const struct model_input *in, struct model_result *r)
{
	const uint64_t *c = in->counts.c;
	uint64_t q_linear = c[ZC_C_Q_LINEAR], q_total, x_total, add;

	r->nic_paged = c[ZC_C_X_PAGED];
	r->nic_linear = c[ZC_C_X_LINEAR];
	x_total = r->nic_paged + r->nic_linear;
	unseen_by_tcp(in, x_total, r);
	/* only TCP's count is a figure; a hole only says bytes are missing */
	add = r->tcp_known ? r->unseen : 0;
	if (!in->sg)
		r->nic_linear += add;
	r->seg_copy = r->nic_linear > q_linear ? r->nic_linear - q_linear : 0;
	r->dev_tx = in->counts.u[ZC_U_DEV_TX_PACKETS];
	r->dev_dropped = in->counts.u[ZC_U_DEV_TX_DROPPED];
	r->seen_tx = c[ZC_C_X_DEV_PACKETS];
	/*
	 * Payload queued and never handed to the device was dropped on the
	 * way (a full queue): TCP sends it again, and then it passes once.
	 * Where our programs missed bytes, the two sums miss different
	 * ones, and their difference says nothing.
	 */
	q_total = c[ZC_C_Q_PAGED] + q_linear;
	r->dropped = !r->unseen && !c[ZC_C_Q_HOLE_BYTES] && q_total > x_total ?
			     q_total - x_total :
			     0;
	edge_set(r, E_SOCKET_NIC, K_DMA, x_total + add,
		 !(in->missing & (1u << TP_NET)));
}

/*
 * Pinned user pages (MSG_ZEROCOPY, io_uring SEND_ZC) the device sent as
 * they were, and whether they reached the receiver so: a socket on this
 * machine must not see the sender's memory, so the kernel copies them on
 * the way (skb_orphan_frags_rx), and the last point that still saw them
 * pinned says where. Beyond a real NIC nothing is ours to see.
 */
static void pinned_path(const struct model_input *in, struct model_result *r)
{
	const uint64_t *c = in->counts.c;
	bool rx = in->local && !(in->missing & (1u << TP_RX));

	r->pinned.socket = c[ZC_C_SEND_UREF_BYTES];
	r->pinned.device = c[ZC_C_X_ZC_BYTES];
	r->pinned.delivered = c[ZC_C_RX_ZC_BYTES];
	r->pinned.received = c[ZC_C_READ_ZC_BYTES];
	r->pinned.rx_measured = rx;
	if (!in->local || in->missing & (1u << TP_RX_COPY) ||
	    r->pinned.device <= r->pinned.received)
		return;
	r->pinned.copied = r->pinned.device - r->pinned.received;
	r->pinned.where = !rx		      ? AT_UNKNOWN :
			  r->pinned.delivered ? AT_RECEIVE :
						AT_DEVICE;
}

const char *model_copied_at(enum zc_copied_at where)
{
	static const char *const at[] = {
		[AT_NOWHERE] = "nowhere",
		[AT_DEVICE] = "at the veth",
		[AT_RECEIVE] = "on receive",
		[AT_UNKNOWN] = "on the way",
	};

	return where <= AT_UNKNOWN ? at[where] : "?";
}

/* Splits the exact run time in the ratio of the sampled user and sys. */
static void cpu_time(const struct model_input *in, struct model_result *r)
{
	const uint64_t *c = in->counts.c;
	uint64_t u = c[ZC_C_CPU_USER_NS], s = c[ZC_C_CPU_SYS_NS];
	uint64_t run = c[ZC_C_CPU_RUN_NS], user;

	if ((in->missing & (1u << TP_EXIT)) || !run) {
		r->cpu_user_ns = in->rusage_user_ns;
		r->cpu_sys_ns = in->rusage_sys_ns;
		return;
	}
	user = u + s ? (uint64_t)((double)run * u / (u + s)) : 0;
	/* a double rounds a time beyond 2^53 ns, maybe up, past run */
	r->cpu_user_ns = user < run ? user : run;
	r->cpu_sys_ns = run - r->cpu_user_ns;
}

static void figures(const struct model_input *in, struct model_result *r)
{
	const uint64_t *c = in->counts.c;

	r->syscalls = c[ZC_C_SYS_ENTER];
	r->mode_switches = c[ZC_C_SYS_ENTER] + c[ZC_C_SYS_EXIT];
	r->cs_voluntary = c[ZC_C_CS_VOLUNTARY];
	r->cs_involuntary = c[ZC_C_CS_INVOLUNTARY];
	r->page_faults = c[ZC_C_FAULTS_USER] + c[ZC_C_FAULTS_KERNEL];
	r->rx_copy = c[ZC_C_RX_COPY_BYTES];
	r->rx_syscalls = c[ZC_C_RX_SYS_ENTER];
	r->rx_mode_switches = c[ZC_C_RX_SYS_ENTER] + c[ZC_C_RX_SYS_EXIT];
	r->rx_copies_per_byte =
		in->file_bytes ? (double)r->rx_cpu_copy_bytes / in->file_bytes :
				 0;
	r->elapsed_ns = c[ZC_C_LAST_NS] > c[ZC_C_FIRST_NS] ?
				c[ZC_C_LAST_NS] - c[ZC_C_FIRST_NS] :
				0;
	cpu_time(in, r);
}

void model_compute(const struct model_input *in, struct model_result *r)
{
	const uint64_t *c = in->counts.c;
	double tolerance;

	memset(r, 0, sizeof(*r));
	edges_counted(in, r);
	edges_socket(in, r);
	edges_pipe(in, r);
	edge_nic(in, r);
	pinned_path(in, r);
	for (int e = 0; e < E_NR; e++)
		if (edges[e].to == BOX_SOCKET)
			r->socket_in += r->edge[e].bytes;
	r->cpu_copy_bytes += r->user_copied + r->pipe_copied + r->seg_copy +
			     r->pinned.copied;
	r->unknown_send = c[ZC_C_SEND_UNKNOWN_BYTES];
	r->copies_per_byte =
		in->file_bytes ? (double)r->cpu_copy_bytes / in->file_bytes : 0;
	r->theory = model_theory(in->demo, in->sg, in->local);
	tolerance = 0.02 * (r->theory > 1 ? r->theory : 1);
	/* an empty file passes when nothing at all was copied */
	r->pass = in->file_bytes ?
			  fabs(r->copies_per_byte - r->theory) <= tolerance :
			  !r->cpu_copy_bytes;
	figures(in, r);
}

/* Does the socket take page references here? What the run measured, or
 * before anything was measured, what the demo will do. */
static bool refs_into_socket(const struct model_input *in)
{
	const uint64_t *c = in->counts.c;
	uint64_t refs = c[ZC_C_SEND_REF_BYTES] + c[ZC_C_SEND_UNSEEN_SENDFILE] +
			c[ZC_C_SEND_UREF_BYTES] + c[ZC_C_PIPE_OUT_REF_BYTES];
	uint64_t copies = c[ZC_C_SEND_COPY_BYTES] + c[ZC_C_SEND_UNSEEN_WRITE];

	if (refs || copies)
		return refs > copies;
	return model_demo_call(in->demo, ZC_MOVES_SENDFILE) ||
	       model_demo_call(in->demo, ZC_MOVES_SPLICE);
}

/* Did the device send bytes of the flow that our programs did not see?
 * 1: TCP's count has them, -1: only a hole shows them (and the figures
 * miss them), 0: no. */
static int unseen_any(const struct model_input *in)
{
	struct model_result r;

	memset(&r, 0, sizeof(r));
	edge_nic(in, &r);
	return !r.unseen ? 0 : r.tcp_known ? 1 : -1;
}

/* One line (short enough for 80 columns) on where today's kernel is not
 * the textbook. It only claims what was measured. */
const char *model_note(const struct model_input *in)
{
	bool refs = refs_into_socket(in);
	struct model_result r;

	/* with TCP's count the figures are whole: the lesson comes first */
	if (unseen_any(in) < 0)
		return "some packets left while the kernel ran none of our programs: see the report";
	if (in->counts.c[ZC_C_X_ZC_BYTES]) {
		pinned_path(in, &r);
		if (r.pinned.where == AT_DEVICE)
			return "delivered to a local socket: the pinned pages were copied at the veth";
		if (r.pinned.where == AT_RECEIVE)
			return "delivered to a local socket: the pinned pages were copied on receive";
		if (r.pinned.where == AT_UNKNOWN)
			return "delivered to a local socket: the pinned pages were copied on the way";
		if (!in->local)
			return "the NIC took the pinned user pages as they were: no copy here";
	}
	if (!in->sg && (in->missing & (1u << TP_NET)))
		return "no net_dev tracepoints here: the copy when GSO cuts segments is not shown";
	if (!in->sg && refs)
		return "page refs into the socket; this device cannot gather: copied at GSO";
	if (!in->sg)
		return "this device cannot gather: one more copy when GSO cuts segments";
	if (refs)
		return "the socket holds page references; the NIC gathers them: no copy";
	return "write() copies into paged socket buffers; the NIC gathers them";
}
