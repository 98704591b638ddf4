/*
 * The dashboard's frame, drawn on a canvas: the header, the diagram of
 * the path a byte takes with an arrow for each way it can go, the
 * figures, the syscall log and the keys. The layout at 80x24 (larger
 * terminals spread it out and give the syscall log the extra rows):
 *
 *    zcviz  sendfile: sendfile() to a device without scatter-gather [4/s]
 *    64.0 MiB  chunk 128K  warm cache  lab device zclab-1-t  sg off   42%
 *    user space               +-------------+
 *     read(): CPU copy   +====>| user buffer |=====+   write(): CPU copy
 *               64.0M    |     +-------------+     |   64.0M
 *   ======================|== mode switches 1024 ===|====== ctx sw 3 / 1 ==
 *    kernel               |                         v
 *   +------+     +------------+                +---------------+     +-----+
 *   | disk |---->| page cache |- - - - - - - ->| socket buffer |---->| NIC |
 *   +------+     +------------+                +---------------+     +-----+
 *    ...labels, verdict, figures, the syscall log, the keys
 */
#include "diagram.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rxview.h"
#include "watchview.h"

/* ---- the layout ------------------------------------------------------- */

/* What the drawing draws on, and with which characters */
struct pen {
	struct canvas *cv;
	const struct glyphs *g;
};

/* The pipe sits between the page cache and the socket, where sendfile's
 * arrow runs: a run draws one or the other (pipe_shown()). The receiver's
 * boxes are in its strip, one row (rxview.c). */
static const int box_w[BOX_RX_SOCKET] = { 8, 14, 15, 17, 7, 8 };
static const int box_x80[BOX_RX_SOCKET] = { 1, 14, 31, 49, 72, 34 };

#define PATH_MAX_CELLS 256

struct path {
	int n;
	short x[PATH_MAX_CELLS], y[PATH_MAX_CELLS];
	bool vert[PATH_MAX_CELLS];
};

struct layout {
	int bx[BOX_NR];
	int urow; /* the user buffer's top row */
	int line; /* the user/kernel line */
	int krow; /* the kernel boxes' top row */
	int info; /* first row below the diagram */
	int vx, dx; /* the up and the down vertical */
	struct path p[E_NR];
};

static void path_add(struct path *p, int x, int y, bool vert)
{
	if (p->n < PATH_MAX_CELLS) {
		p->x[p->n] = x;
		p->y[p->n] = y;
		p->vert[p->n++] = vert;
	}
}

static void path_h(struct path *p, int x0, int x1, int y)
{
	for (int x = x0; x <= x1; x++)
		path_add(p, x, y, false);
}

static void path_v(struct path *p, int x, int y0, int y1)
{
	int step = y1 >= y0 ? 1 : -1;

	for (int y = y0; y != y1 + step; y += step)
		path_add(p, x, y, true);
}

/*
 * An arrow's path, from the boxes its row names (model.h): along the
 * kernel's row between two of its boxes; up from the middle of a kernel
 * box and across into the user buffer; or across from the user buffer
 * and down into the middle of a kernel box.
 */
static void layout_route(struct layout *l, int e)
{
	enum zc_box a = model_edge_from(e), b = model_edge_to(e);
	struct path *p = &l->p[e];
	int x;

	if (a != BOX_USER && b != BOX_USER) {
		path_h(p, l->bx[a] + box_w[a], l->bx[b] - 1, l->krow + 1);
	} else if (b == BOX_USER) {
		x = l->bx[a] + box_w[a] / 2;
		path_v(p, x, l->krow - 1, l->urow + 1);
		path_h(p, x + 1, l->bx[b] - 1, l->urow + 1);
	} else {
		x = l->bx[b] + box_w[b] / 2;
		path_h(p, l->bx[a] + box_w[a], x, l->urow + 1);
		path_v(p, x, l->urow + 2, l->krow - 1);
	}
}

static void layout_make(struct layout *l, int w)
{
	memset(l, 0, sizeof(*l));
	for (int i = 0; i < BOX_RX_SOCKET; i++)
		l->bx[i] = box_x80[i] * (w - 2) / (DIAGRAM_MIN_W - 2);
	l->urow = 2;
	l->line = 5;
	l->krow = 7;
	l->info = 12;
	/* the verticals through user space: page cache up, down to the socket */
	l->vx = l->bx[BOX_CACHE] + box_w[BOX_CACHE] / 2;
	l->dx = l->bx[BOX_SOCKET] + box_w[BOX_SOCKET] / 2;
	for (int e = 0; e < E_NR; e++)
		if (!model_edge_receivers(e))
			layout_route(l, e);
}

/* ---- drawing the frame -------------------------------------------------- */

/* The long form where it fits in room columns, else the brief one. */
static const char *fitting(const char *longer, const char *brief, int room)
{
	return (int)strlen(longer) <= room ? longer : brief;
}

/* The kind an arrow is drawn as: the NIC's is a copy when GSO copied. */
static enum zc_kind edge_kind(const struct view *v, int e)
{
	if (e == E_SOCKET_NIC && (v->m.seg_copy || v->m.pinned.copied))
		return K_CPU_COPY;
	return v->m.edge[e].kind;
}

static bool edge_busy(const struct view *v, int e)
{
	for (int i = 0; i < v->nanim; i++)
		for (int j = 0; j < v->anim[i].n; j++)
			if ((int)v->anim[i].path[j] == e)
				return true;
	return false;
}

static void draw_edge(struct pen *u, const struct layout *l,
		      const struct view *v, int e)
{
	const struct path *p = &l->p[e];
	enum zc_kind k = edge_kind(v, e);
	int attr = cv_kind_attr(k), i;
	wchar_t head;

	if (!v->m.edge[e].bytes && !edge_busy(v, e))
		attr = AT_DIM;
	if (v->lit == e || (v->lit == E_CACHE_USER && e == E_CACHE_MAPPED))
		attr |= AT_LIT;
	for (i = 0; i < p->n; i++)
		cv_put(u->cv, p->x[i], p->y[i], attr,
		       p->vert[i] ? u->g->line_v[k] : u->g->line_h[k]);
	if (!p->n)
		return;
	i = p->n - 1;
	head = !p->vert[i]	     ? u->g->right :
	       p->y[i] > p->y[i - 1] ? u->g->down :
				       u->g->up;
	cv_put(u->cv, p->x[i], p->y[i], attr, head);
}

static void draw_blocks(struct pen *u, const struct layout *l,
			const struct view *v, double now)
{
	const struct view_anim *a;
	int i, j, total, at;
	double prog;

	for (i = 0; i < v->nanim; i++) {
		a = &v->anim[i];
		prog = view_anim_progress(a, now);
		if (prog < 0)
			continue;
		for (j = total = 0; j < a->n; j++)
			total += l->p[a->path[j]].n;
		at = (int)(prog * total);
		for (j = 0; j < a->n && at >= l->p[a->path[j]].n; j++)
			at -= l->p[a->path[j]].n;
		if (j < a->n)
			cv_put(u->cv, l->p[a->path[j]].x[at],
			       l->p[a->path[j]].y[at], AT_BLOCK, u->g->block);
	}
}

/* Does the file go up by a mapping here (measured, or the demo's way)? */
static bool maps_file(const struct view *v)
{
	return v->m.edge[E_CACHE_MAPPED].bytes ||
	       model_demo_call(v->cfg.demo, ZC_MOVES_MAP);
}

/*
 * "read(): CPU copy": the syscall that moves the file along arrow e (the
 * demo's, or usual when it has none) and what the model measured it to be.
 */
static void edge_caption(char *s, size_t len, const struct view *v, int e,
			 enum zc_moves how, const char *usual)
{
	const char *call = model_demo_call(v->cfg.demo, how);

	/* io_uring: no syscall sends, its requests do (the row's word) */
	if (!call && how == ZC_MOVES_SEND &&
	    model_demo_call(v->cfg.demo, ZC_MOVES_RING))
		snprintf(s, len, "%s: %s", v->cfg.demo->counted,
			 model_kind_label(v->m.edge[e].kind));
	else
		snprintf(s, len, "%s(): %s", call ? call : usual,
			 model_kind_label(v->m.edge[e].kind));
}

/* The captions and the bytes of the two arrows through user space. */
static void draw_user_labels(struct pen *u, const struct layout *l,
			     const struct view *v)
{
	bool mapped = maps_file(v);
	int up = mapped ? E_CACHE_MAPPED : E_CACHE_USER;
	char what[48], b[32];

	edge_caption(what, sizeof(what), v, up,
		     mapped ? ZC_MOVES_MAP : ZC_MOVES_READ,
		     mapped ? "mmap" : "read");
	cv_bytes(b, sizeof(b), v->m.edge[up].bytes);
	cv_text(u->cv, l->vx - 2 - (int)strlen(what), l->urow + 1,
		cv_kind_attr(v->m.edge[up].kind), what);
	cv_text(u->cv, l->vx - 2 - (int)strlen(b), l->urow + 2, AT_NONE, b);
	edge_caption(what, sizeof(what), v, E_USER_SOCKET, ZC_MOVES_SEND,
		     "write");
	cv_bytes(b, sizeof(b), v->m.edge[E_USER_SOCKET].bytes);
	cv_text(u->cv, l->dx + 2, l->urow + 1,
		cv_kind_attr(v->m.edge[E_USER_SOCKET].kind), what);
	cv_text(u->cv, l->dx + 2, l->urow + 2, AT_NONE, b);
}

/* Does the file go through a pipe here (measured, or the demo's way)? */
static bool pipe_shown(const struct view *v)
{
	return model_edge_shown(&v->res.in, &v->m, E_CACHE_PIPE) ||
	       model_edge_shown(&v->res.in, &v->m, E_PIPE_SOCKET);
}

/* Page cache straight into the socket: sendfile()'s arrow. */
static void draw_cache_socket_label(struct pen *u, const struct layout *l,
				    const struct view *v)
{
	const char *sendfile = model_demo_call(v->cfg.demo, ZC_MOVES_SENDFILE);
	const struct model_edge *ref = &v->m.edge[E_CACHE_SOCKET];
	int x = l->bx[BOX_CACHE] + box_w[BOX_CACHE] + 1;
	char b[32];

	cv_bytes(b, sizeof(b), ref->bytes);
	if (sendfile)
		cv_printf(u->cv, x, l->krow, AT_REF, "%s():", sendfile);
	cv_printf(u->cv, x, l->krow + 2, cv_kind_attr(ref->kind), "%s %s",
		  model_kind_label(ref->kind), b);
}

/*
 * Into the pipe, above the boxes, and out of it, below them: "splice()
 * in: page ref 64M". Each shortened where it would reach the next label.
 */
static void draw_pipe_labels(struct pen *u, const struct layout *l,
			     const struct view *v)
{
	const char *call = model_demo_call(v->cfg.demo, ZC_MOVES_SPLICE);
	static const int arrows[2] = { E_CACHE_PIPE, E_PIPE_SOCKET };
	int x[2] = { l->vx + 2, l->bx[BOX_PIPE] - 12 };
	int y[2] = { l->krow - 1, l->krow + 3 };
	int end[2] = { l->dx - 1, l->bx[BOX_SOCKET] - 1 };
	char b[32], full[64], brief[48];
	const struct model_edge *e;

	for (int i = 0; i < 2; i++) {
		e = &v->m.edge[arrows[i]];
		cv_bytes(b, sizeof(b), e->bytes);
		snprintf(brief, sizeof(brief), "%s: %s %s", i ? "out" : "in",
			 model_kind_label(e->kind), b);
		snprintf(full, sizeof(full), "%s() %s", call ? call : "splice",
			 brief);
		cv_text(u->cv, x[i], y[i], cv_kind_attr(e->kind),
			fitting(full, brief, end[i] - x[i]));
	}
}

static void draw_kernel_labels(struct pen *u, const struct layout *l,
			       const struct view *v)
{
	int row = l->krow + 3;
	char b[32];

	cv_bytes(b, sizeof(b), v->m.edge[E_DISK_CACHE].bytes);
	cv_printf(u->cv, l->bx[BOX_DISK], row, AT_DMA, "%s %s",
		  v->res.tmpfs ? "tmpfs: no disk" :
				 model_kind_label(v->m.edge[E_DISK_CACHE].kind),
		  b);
	if (pipe_shown(v))
		draw_pipe_labels(u, l, v);
	else
		draw_cache_socket_label(u, l, v);
	cv_bytes(b, sizeof(b), v->m.edge[E_SOCKET_NIC].bytes);
	cv_printf(u->cv, l->bx[BOX_SOCKET], row, AT_DMA, "%s%s %s",
		  model_kind_label(v->m.edge[E_SOCKET_NIC].kind),
		  v->m.nic_paged ? " gather" : "", b);
	if (v->m.seg_copy) {
		cv_bytes(b, sizeof(b), v->m.seg_copy);
		cv_printf(u->cv, l->bx[BOX_SOCKET], row + 1, AT_COPY,
			  "%s at GSO %s", model_kind_label(K_CPU_COPY), b);
	} else if (v->m.pinned.copied) {
		cv_bytes(b, sizeof(b), v->m.pinned.copied);
		cv_printf(u->cv, l->bx[BOX_SOCKET], row + 1, AT_COPY,
			  "%s %s %s", model_kind_label(K_CPU_COPY),
			  model_copied_at(v->m.pinned.where), b);
	}
}

/*
 * An arrow without a caption of its own above (a row added to ZC_ARROWS
 * since): its kind and bytes beside the middle of its path.
 */
static void draw_other_labels(struct pen *u, const struct layout *l,
			      const struct view *v)
{
	static const bool placed[E_NR] = {
		[E_DISK_CACHE] = true,	 [E_CACHE_USER] = true,
		[E_CACHE_MAPPED] = true, [E_USER_SOCKET] = true,
		[E_CACHE_SOCKET] = true, [E_CACHE_PIPE] = true,
		[E_PIPE_SOCKET] = true,	 [E_SOCKET_NIC] = true,
	};
	const struct path *p;
	char s[48], b[32];

	for (int e = 0; e < E_NR; e++) {
		p = &l->p[e];
		if (placed[e] || !p->n ||
		    !model_edge_shown(&v->res.in, &v->m, e))
			continue;
		cv_bytes(b, sizeof(b), v->m.edge[e].bytes);
		snprintf(s, sizeof(s), "%s %s",
			 model_kind_label(v->m.edge[e].kind), b);
		cv_text(u->cv, p->x[p->n / 2] + (p->vert[p->n / 2] ? 2 : 0),
			p->y[p->n / 2] - !p->vert[p->n / 2],
			cv_kind_attr(v->m.edge[e].kind), s);
	}
}

/* The user/kernel line, with the mode switches across it. */
static void draw_band(struct pen *u, const struct layout *l,
		      const struct view *v)
{
	int x, w = u->cv->w;
	char s[64];

	for (x = 0; x < w; x++)
		cv_put(u->cv, x, l->line, AT_BOX, u->g->line_h[K_CPU_COPY]);
	cv_text(u->cv, 1, l->urow, AT_NONE, "user space");
	cv_text(u->cv, 1, l->line + 1, AT_NONE, "kernel");
	snprintf(s, sizeof(s), " mode switches %" PRIu64 " ",
		 v->m.mode_switches);
	cv_text(u->cv, (l->vx + l->dx - (int)strlen(s)) / 2, l->line, AT_TITLE,
		s);
	snprintf(s, sizeof(s), " ctx sw %" PRIu64 "v/%" PRIu64 "i ",
		 v->m.cs_voluntary, v->m.cs_involuntary);
	cv_text(u->cv, l->dx + 2, l->line, AT_BOX, s);
}

static void draw_diagram(struct pen *u, const struct view *v, double now)
{
	bool pipe = pipe_shown(v);
	struct layout l;
	int e;

	layout_make(&l, u->cv->w);
	draw_band(u, &l, v);
	cv_box(u->cv, u->g, l.bx[BOX_USER], l.urow, box_w[BOX_USER], AT_BOX,
	       model_box_name(BOX_USER));
	for (int b = 0; b < BOX_RX_SOCKET; b++)
		if (b != BOX_USER && (b != BOX_PIPE || pipe))
			cv_box(u->cv, u->g, l.bx[b], l.krow, box_w[b], AT_BOX,
			       model_box_name(b));
	for (e = 0; e < E_NR; e++)
		if (e != E_CACHE_MAPPED && e != E_CACHE_USER &&
		    !model_edge_receivers(e) &&
		    (e == E_CACHE_SOCKET ?
			     !pipe :
			     model_edge_shown(&v->res.in, &v->m, e)))
			draw_edge(u, &l, v, e);
	draw_edge(u, &l, v, maps_file(v) ? E_CACHE_MAPPED : E_CACHE_USER);
	draw_user_labels(u, &l, v);
	draw_kernel_labels(u, &l, v);
	draw_other_labels(u, &l, v);
	draw_blocks(u, &l, v, now);
}

/* ---- header, figures, log, keys --------------------------------------- */

static void pace_text(const struct view *v, char *s, size_t len)
{
	if (v->state == VS_DONE)
		snprintf(s, len, "[done]");
	else if (v->state == VS_FAILED)
		snprintf(s, len, "[failed]");
	else if (v->paused)
		snprintf(s, len, "[paused]");
	else if (v->res.pid)
		snprintf(s, len, "[watching]");
	else if (v->pace == PACE_STEP)
		snprintf(s, len, "[step: space]");
	else if (v->pace == PACE_FULL)
		snprintf(s, len, "[full speed]");
	else
		snprintf(s, len, "[%g syscall%s/s]",
			 view_pace_rate(v->pace_level),
			 view_pace_rate(v->pace_level) == 1 ? "" : "s");
}

static void draw_header(struct pen *u, const struct view *v)
{
	const struct run_config *c = &v->cfg;
	uint64_t sent = v->m.socket_in;
	uint64_t file = v->res.in.file_bytes;
	double pct = file ? 100.0 * sent / file : 100.0;
	char s[64], b[32], ch[32], full[VIEW_LINE * 2], brief[VIEW_LINE * 2];
	int x, w = u->cv->w;

	for (x = 0; x < w; x++)
		cv_put(u->cv, x, 0, AT_TITLE, ' ');
	pace_text(v, s, sizeof(s));
	if (v->res.pid) {
		watchview_title(u->cv, v, w - 3 - (int)strlen(s));
		cv_text(u->cv, w - 1 - (int)strlen(s), 0, AT_TITLE, s);
		return;
	}
	for (x = 0; x < 2; x++)
		snprintf(x ? brief : full, sizeof(full), "zcviz%s  %s: %s",
			 v->replay ? " (replay)" : "", c->demo->name,
			 x ? c->demo->brief : c->demo->title);
	cv_text(u->cv, 1, 0, AT_TITLE,
		fitting(full, brief, w - 3 - (int)strlen(s)));
	cv_text(u->cv, w - 1 - (int)strlen(s), 0, AT_TITLE, s);
	if (v->run_total > 1)
		snprintf(s, sizeof(s), "  %3.0f%% %d/%d", pct, v->run_no,
			 v->run_total);
	else
		snprintf(s, sizeof(s), "  %3.0f%%", pct);
	cv_bytes(b, sizeof(b), file);
	cv_bytes(ch, sizeof(ch), c->chunk);
	for (x = 0; x < 2; x++)
		snprintf(x ? brief : full, sizeof(full),
			 "file %s, chunk %s, %s cache, %s %s, %s %s%s%s", b, ch,
			 c->cold ? "cold" : "warm",
			 v->res.remote ? "device" : "lab", v->res.egress,
			 x ? "sg" : "scatter-gather",
			 v->res.in.sg ? "on" : "off",
			 c->recv == ZC_RECV_COPY ? "" : ", recv ",
			 c->recv == ZC_RECV_COPY ? "" :
						   zc_receivers[c->recv].name);
	cv_text(u->cv, 1, 1, AT_NONE,
		fitting(full, brief, w - 2 - (int)strlen(s)));
	cv_text(u->cv, w - 1 - (int)strlen(s), 1, AT_NONE, s);
}

/* Which figures this kernel could not measure: the tool never guesses. */
static void draw_missing(struct pen *u, unsigned missing, int row)
{
	int x = cv_text(u->cv, 1, row, AT_BAD, "not measured here:");

	for (int p = TP_SYSCALLS + 1; p < TP_NR; p++)
		if (missing & (1u << p))
			x = cv_printf(u->cv, x, row, AT_BAD, " %s;",
				      trace_probe(p)->brief);
}

/* The kernel's answers to zero-copy sends: io_uring's as they come, a
 * sender's relayed at its end. */
static bool answers_shown(const struct view *v)
{
	const uint64_t *c = v->res.in.counts.c;

	return v->res.in.done_known || c[ZC_C_IOU_NOTES] || c[ZC_C_IOU_SUBMITS];
}

static void draw_answers(struct pen *u, const struct view *v, int row)
{
	const struct zc_completions *d = &v->res.in.done;
	const uint64_t *c = v->res.in.counts.c;
	char z[32], k[32];
	int x = 1;

	if (c[ZC_C_IOU_SUBMITS])
		x = cv_printf(u->cv, x, row, AT_NONE,
			      "io_uring %" PRIu64 " req, %" PRIu64
			      " notes (%" PRIu64 " copied)  ",
			      c[ZC_C_IOU_SUBMITS], c[ZC_C_IOU_NOTES],
			      c[ZC_C_IOU_NOTES_COPIED]);
	if (!v->res.in.done_known)
		return;
	cv_bytes(z, sizeof(z), d->zc_bytes);
	cv_bytes(k, sizeof(k), d->copied_bytes);
	cv_printf(u->cv, x, row, d->copied_bytes ? AT_COPY : AT_OK,
		  "kernel: zero copy %s, copied %s", z, k);
}

static void draw_figures(struct pen *u, const struct view *v, int row)
{
	const struct model_result *m = &v->m;
	const struct zc_counts *c = &v->res.in.counts;
	uint64_t sent = m->socket_in;
	char b[32], b2[32];
	int x;

	x = cv_printf(u->cv, 1, row, AT_NONE, "CPU copies of the file ");
	x = cv_printf(u->cv, x, row, m->copies_per_byte > 0 ? AT_COPY : AT_OK,
		      "%.2f x file size", m->copies_per_byte);
	x = isnan(m->theory) ?
		    cv_printf(u->cv, x, row, AT_NONE, "   theory unknown ") :
		    cv_printf(u->cv, x, row, AT_NONE, "   theory %g ",
			      m->theory);
	if (v->state != VS_RUNNING && !isnan(m->theory)) /* a command's: none */
		x = cv_text(u->cv, x, row, m->pass ? AT_OK : AT_BAD,
			    m->pass ? "[ok]" : "[differs]");
	/* the checksum verdict at the right, clear of the mark */
	x = x + 2 > u->cv->w - 19 ? x + 2 : u->cv->w - 19;
	if (v->state == VS_DONE)
		cv_text(u->cv, x, row, AT_OK,
			v->res.unread ? "count verified" : "checksum verified");
	else if (v->state == VS_FAILED)
		cv_text(u->cv, x, row, AT_BAD, "NOT verified");
	rxview_strip(u->cv, u->g, v, ++row);
	cv_printf(u->cv, 1, row + 1, AT_NONE,
		  "syscalls %" PRIu64 "   page faults %" PRIu64
		  "   receiver copy %s",
		  m->syscalls, m->page_faults,
		  v->res.remote ? "(remote)" :
				  (cv_bytes(b, sizeof(b), m->rx_copy), b));
	cv_bytes(b, sizeof(b), sent);
	cv_bytes(b2, sizeof(b2), v->res.in.file_bytes);
	x = cv_printf(u->cv, 1, row + 2, AT_NONE, "sent %s of %s", b, b2);
	if (m->elapsed_ns)
		x = cv_printf(u->cv, x, row + 2, AT_NONE, "  %.1f MB/s%s",
			      sent * 1e3 / (double)m->elapsed_ns,
			      v->replay ? " as recorded" : "");
	if (c->c[ZC_C_CPU_RUN_NS] || v->state != VS_RUNNING)
		cv_printf(u->cv, x, row + 2, AT_NONE,
			  "   sender CPU user %.1f ms, sys %.1f ms",
			  m->cpu_user_ns / 1e6, m->cpu_sys_ns / 1e6);
	if (v->res.in.missing)
		draw_missing(u, v->res.in.missing, row + 3);
	else if (answers_shown(v))
		draw_answers(u, v, row + 3);
	else
		cv_text(u->cv, 1, row + 3, AT_DIM,
			"mode switch = syscall entry/exit; context switch = scheduler runs another task");
	cv_printf(u->cv, 1, row + 4, AT_NONE, "%s",
		  v->state == VS_FAILED ? v->status : model_note(&v->res.in));
}

static void draw_log(struct pen *u, const struct view *v, int row, int rows)
{
	const char *line;
	int x, i;

	for (x = 0; x < u->cv->w; x++)
		cv_put(u->cv, x, row, AT_DIM, u->g->h);
	cv_printf(u->cv, 2, row, AT_NONE, " last syscalls (%" PRIu64 " seen) ",
		  v->log_n);
	for (i = 0; i < rows; i++) {
		line = view_log_line(v, rows - 1 - i);
		if (line)
			cv_text(u->cv, 2, row + 1 + i, AT_NONE, line);
	}
}

static void draw_keys(struct pen *u, const struct view *v, int row, double now)
{
	int x;

	for (x = 0; x < u->cv->w; x++)
		cv_put(u->cv, x, row, AT_TITLE, ' ');
	cv_text(u->cv, 0, row, AT_TITLE,
		now < v->flash_until ? v->flash : v->keys);
}

static void draw_too_small(struct pen *u)
{
	char s[128];
	int len;

	len = snprintf(s, sizeof(s),
		       "make the terminal at least %dx%d (it is %dx%d)",
		       DIAGRAM_MIN_W, DIAGRAM_MIN_H, u->cv->w, u->cv->h);
	cv_text(u->cv, len < u->cv->w ? (u->cv->w - len) / 2 : 0, u->cv->h / 2,
		AT_BAD, s);
}

void diagram_draw(struct canvas *cv, const struct glyphs *g,
		  const struct view *v, double now)
{
	struct pen pen = { cv, g }, *u = &pen;

	if (cv->w < DIAGRAM_MIN_W || cv->h < DIAGRAM_MIN_H) {
		draw_too_small(u);
		return;
	}
	draw_header(u, v);
	draw_diagram(u, v, now);
	if (v->res.pid) {
		watchview_figures(cv, v, 12);
		watchview_flows(cv, g, v, 17, cv->h - 12 - 5 - 2);
	} else {
		draw_figures(u, v, 12); /* six rows: the receiver's strip */
		draw_log(u, v, 18, cv->h - 12 - 6 - 2);
	}
	draw_keys(u, v, cv->h - 1, now);
}
