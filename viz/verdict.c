/*
 * The verdict: one line that says why a run's bytes were or were not
 * copied, from what was measured only, in the order a byte goes: how it
 * reached user memory, how the socket took it, what it became on the
 * way, how the device sent it, how the receiver got it. See verdict.h.
 */
#include "verdict.h"

#include <stdio.h>
#include <string.h>

#include "probe.h"

/* A clause counts when it holds at least 1 % of what the socket took: a
 * server's few hundred bytes of headers are no verdict on its file. */
static bool counts(uint64_t bytes, uint64_t of)
{
	return bytes && bytes >= of / 100;
}

struct clauses {
	char *buf;
	size_t len, n;
	/* the first clause's brief, where one is asked for (the
	 * dashboard's flow table), or NULL */
	char *brief;
	size_t blen;
};

/* A clause of the verdict, and in a word or two (NULL: none). */
static void clause_brief(struct clauses *c, const char *text, const char *brief)
{
	if (c->n < c->len)
		c->n += snprintf(c->buf + c->n, c->len - c->n, "%s%s",
				 c->n ? "; " : "", text);
	if (c->brief && brief && !c->brief[0])
		snprintf(c->brief, c->blen, "%s", brief);
}

static void clause(struct clauses *c, const char *text)
{
	clause_brief(c, text, NULL);
}

/* Bytes a watched program received, copied from its sockets into its
 * memory: a proxy's, or a relay's, copy before it sends them on. */
static void received(struct clauses *c, const struct model_input *in,
		     uint64_t sent)
{
	uint64_t recv = in->counts.c[ZC_C_RECV_COPY_BYTES];
	char s[160];

	if (!counts(recv, sent))
		return;
	snprintf(s, sizeof(s),
		 "received from a socket into user memory first (%.2f more "
		 "CPU copies per byte, at the receive)",
		 (double)recv / sent);
	clause(c, s);
}

/* How the bytes reached user memory, and how the socket took them. */
static void intake(struct clauses *c, const struct model_result *m, uint64_t in)
{
	uint64_t read = m->edge[E_CACHE_USER].bytes;
	uint64_t mapped = m->edge[E_CACHE_MAPPED].bytes;
	uint64_t pinned = m->edge[E_USER_SOCKET].bytes - m->user_copied;

	if (counts(m->user_copied, in) && counts(read, in))
		clause(c, "read() into user memory, then copied into the "
			  "socket: a user-space loop");
	else if (counts(m->user_copied, in) && counts(mapped, in))
		clause(c,
		       "mapped into user memory, then copied into the socket");
	else if (counts(m->user_copied, in))
		clause(c, "copied into the socket from user memory");
	if (counts(m->edge[E_CACHE_SOCKET].bytes, in))
		clause(c, "sent from the page cache by page reference "
			  "(sendfile), not copied into the socket");
	if (counts(m->edge[E_PIPE_SOCKET].bytes - m->pipe_copied, in))
		clause(c, "spliced through a pipe by page reference, not "
			  "copied into the socket");
	if (counts(m->pipe_copied, in))
		clause(c, "copied into the socket from a pipe");
	if (counts(pinned, in))
		clause(c,
		       "pinned user pages, taken by the socket without a copy");
}

/* Bytes into the socket other than the bytes read: changed on the way. */
static void transformed(struct clauses *c, const struct model_result *m)
{
	uint64_t read = m->edge[E_CACHE_USER].bytes;
	uint64_t from = read > m->edge[E_CACHE_MAPPED].bytes ?
				read :
				m->edge[E_CACHE_MAPPED].bytes;
	uint64_t into = m->user_copied;

	if (!from || !counts(into, m->socket_in))
		return;
	if (into > from + from / 50)
		clause(c, "more bytes into the socket than were read: changed "
			  "in user space (encrypted, or encoded)");
	else if (into + into / 50 < from)
		clause(c, "fewer bytes into the socket than were read: "
			  "compressed in user space, or not all sent");
}

/* The device and the receiver. */
static void delivery(struct clauses *c, const struct model_input *in,
		     const struct model_result *m)
{
	char s[96];

	if (counts(m->seg_copy, m->socket_in))
		clause(c, "the device cannot gather: copied when cut into "
			  "segments");
	if (counts(m->pinned.copied, m->socket_in)) {
		snprintf(s, sizeof(s),
			 "the pinned pages were copied %s: the receiver is "
			 "local",
			 model_copied_at(m->pinned.where));
		clause(c, s);
	}
	if (in->missing & (1u << TP_SENDMSG))
		clause(c, "how the socket took them: not measured");
	if (!in->sg && (in->missing & (1u << TP_NET)))
		clause(c, "the copy at segmentation: not measured");
}

void verdict_make(const struct model_input *in, const struct model_result *m,
		  char *buf, size_t len)
{
	struct clauses c = { buf, len, 0, NULL, 0 };

	buf[0] = '\0';
	if (!m->socket_in) {
		snprintf(buf, len, "nothing went into a socket: no verdict");
		return;
	}
	received(&c, in, m->socket_in);
	intake(&c, m, m->socket_in);
	transformed(&c, m);
	delivery(&c, in, m);
	if (!c.n)
		clause(&c,
		       "no file bytes were seen on their way into the socket");
	if (c.n < c.len)
		snprintf(buf + c.n, len - c.n, " (%.2f CPU copies per byte)",
			 m->copies_per_byte);
}

/* ---- the receiver ------------------------------------------------------ */

/*
 * Why the receiver's pages were not mapped: the most bytes' reason, from
 * what its pages were as TCP took them (tcp:tcp_probe), against
 * can_map_frag() in net/ipv4/tcp.c; NULL when that was not measured.
 */
static const char *unmapped_why(const struct model_input *in)
{
	static const struct {
		int counter;
		const char *why;
	} whys[] = {
		{ ZC_C_RX_PAGES_FILE,
		  "they came in the page cache's own pages (a sendfile or "
		  "splice sender's), which the kernel never maps into a "
		  "receiver (can_map_frag(), net/ipv4/tcp.c)" },
		{ ZC_C_RX_PAGES_COMPOUND,
		  "they came in compound pages (a write() sender's 32 KiB "
		  "page fragments), which the kernel does not map "
		  "(can_map_frag())" },
		{ ZC_C_RX_PAGES_PART,
		  "their segments did not fill whole pages from a page's "
		  "start (a segment is a page only at the lab's MTU 4148)" },
		{ ZC_C_RX_LINEAR,
		  "they came in the packets' linear part, in no page" },
	};
	const uint64_t *c = in->counts.c;
	const char *why = NULL;
	uint64_t most = 0;

	for (size_t i = 0; i < sizeof(whys) / sizeof(whys[0]); i++)
		if (c[whys[i].counter] > most) {
			most = c[whys[i].counter];
			why = whys[i].why;
		}
	return why;
}

void verdict_receiver(const struct model_input *in,
		      const struct model_result *m, char *buf, size_t len)
{
	struct clauses c = { buf, len, 0, NULL, 0 };
	uint64_t got = m->edge[E_NIC_RX].bytes,
		 copied = m->edge[E_RX_USER].bytes;
	const char *why = unmapped_why(in);
	char s[320];

	buf[0] = '\0';
	if (counts(m->edge[E_RX_MAPPED].bytes, got))
		clause(&c, "mapped into its memory by TCP_ZEROCOPY_RECEIVE, "
			   "whole pages of their own, not copied");
	/* why not mapped: only a receiver that maps has it measured */
	snprintf(s, sizeof(s), "copied into its buffer%s%s",
		 why ? ", not mapped: " : "", why ? why : "");
	if (counts(copied, got))
		clause(&c, s);
	if (counts(m->edge[E_RX_PIPE].bytes, got))
		clause(&c, "spliced into a pipe by page reference, then copied "
			   "into the file's page cache inside the kernel "
			   "(iter_file_splice_write()): never into its memory");
	if (counts(in->counts.c[ZC_C_RX_DISCARD_BYTES], got))
		clause(&c, "freed unread (MSG_TRUNC): no copy, and nothing "
			   "checked but the count");
	if (!c.n)
		clause(&c, "nothing was seen taken out of its socket");
	if (c.n < c.len)
		snprintf(buf + c.n, len - c.n,
			 " (%.2f CPU copies per byte at the receiver)",
			 m->rx_copies_per_byte);
}

/* ---- a flow of a watched program -------------------------------------- */

/*
 * What the flow's process read into user memory, and mapped, of all its
 * files: its files are not tied to one of its flows. A trace of zcviz 0.1
 * knows no processes: the program's files, then.
 */
static void files_in(const struct run_result *res, const struct zc_flow *fl,
		     uint64_t *read, uint64_t *mapped)
{
	const struct zc_proc *p;

	*read = *mapped = 0;
	for (int i = 0; i < ZC_MAX_PROCS; i++) {
		p = &res->procs[i];
		if (p->tgid && p->tgid == fl->tgid) {
			*read = p->read_bytes;
			*mapped = p->map_bytes;
			return;
		}
	}
	for (int i = 0; i < ZC_MAX_FILES; i++) {
		*read += res->files[i].read_bytes;
		*mapped += res->files[i].map_bytes;
	}
}

/*
 * The flow's share of its process's reads into user memory, a copy too:
 * in proportion to what its socket copied of all the process's sockets'
 * copies (a process's reads are tied to no one flow), and at most that.
 */
static uint64_t flow_reads(const struct run_result *res,
			   const struct zc_flow *fl)
{
	uint64_t read, mapped, copied = 0, copy = fl->taken[ZC_TAKEN_COPY];
	double share;

	files_in(res, fl, &read, &mapped);
	for (int i = 0; i < ZC_MAX_FLOWS; i++)
		if (res->flows[i].sk && res->flows[i].tgid == fl->tgid)
			copied += res->flows[i].taken[ZC_TAKEN_COPY];
	if (!copied)
		return 0;
	share = (double)read * copy / copied;
	return share < copy ? (uint64_t)share : copy;
}

/* How the flow's socket took its bytes. */
static void flow_intake(struct clauses *c, const struct run_result *res,
			const struct zc_flow *fl, uint64_t in)
{
	uint64_t copy = fl->taken[ZC_TAKEN_COPY], read, mapped;

	files_in(res, fl, &read, &mapped);
	if (counts(copy, in) && counts(read, copy))
		clause_brief(c,
			     "read() into user memory, then copied into the "
			     "socket: a user-space loop",
			     "read+write");
	else if (counts(copy, in) && counts(mapped, copy))
		clause_brief(
			c,
			"mapped into user memory, then copied into the socket",
			"mmap+write");
	else if (counts(copy, in))
		clause_brief(c, "copied into the socket from user memory",
			     "copied");
	if (counts(fl->taken[ZC_TAKEN_REF], in))
		clause_brief(c,
			     "sent by page reference (sendfile or splice), "
			     "not copied into the socket",
			     "page refs");
	if (counts(fl->taken[ZC_TAKEN_UREF], in))
		clause_brief(
			c,
			"pinned user pages, taken by the socket without a copy",
			"pinned pages");
}

static void flow_verdict(const struct run_result *res, const struct zc_flow *fl,
			 struct clauses c)
{
	char *buf = c.buf;
	size_t len = c.len;
	uint64_t in = fl->taken[ZC_TAKEN_COPY] + fl->taken[ZC_TAKEN_REF] +
		      fl->taken[ZC_TAKEN_UREF];
	uint64_t q = fl->net.c[ZC_C_Q_LINEAR - ZC_C_Q_SKBS];
	uint64_t x = fl->net.c[ZC_C_X_LINEAR - ZC_C_Q_SKBS];
	uint64_t seg = x > q ? x - q : 0;

	buf[0] = '\0';
	if (res->in.missing & (1u << TP_SENDMSG)) {
		clause_brief(&c, "how its socket took its bytes: not measured",
			     "not measured");
		return;
	}
	if (!in) {
		clause_brief(&c, "nothing went into its socket: no verdict",
			     "nothing sent");
		return;
	}
	flow_intake(&c, res, fl, in);
	if (counts(seg, in))
		clause_brief(&c,
			     "the device cannot gather: copied when cut into "
			     "segments",
			     "segment copy");
	if (!c.n)
		clause_brief(
			&c,
			"no bytes of it were seen on their way into the socket",
			"unseen");
	if (c.n < c.len)
		snprintf(buf + c.n, len - c.n, " (%.2f CPU copies per byte)",
			 (double)(fl->taken[ZC_TAKEN_COPY] + seg +
				  flow_reads(res, fl)) /
				 in);
}

void verdict_flow(const struct run_result *res, const struct zc_flow *fl,
		  char *buf, size_t len)
{
	flow_verdict(res, fl, (struct clauses){ buf, len, 0, NULL, 0 });
}

void verdict_flow_brief(const struct run_result *res, const struct zc_flow *fl,
			char *brief, size_t len)
{
	char why[512];

	brief[0] = '\0';
	flow_verdict(res, fl,
		     (struct clauses){ why, sizeof(why), 0, brief, len });
}
