/*
 * The dashboard's drawing. The layout at 80x24 (larger terminals spread
 * it out and give the syscall log the extra rows):
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
#include "ui.h"

#include <curses.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "cast.h"
#include "report.h"

#define MIN_W 80
#define MIN_H 24

/* ---- cells and attributes --------------------------------------------- */

enum attr {
	AT_NONE,
	AT_COPY, /* CPU copy: red, bold */
	AT_DMA, /* DMA: green */
	AT_REF, /* page reference: cyan */
	AT_MAP, /* mapped: magenta */
	AT_DIM, /* an arrow nothing went along */
	AT_BOX,
	AT_TITLE,
	AT_OK,
	AT_BAD,
	AT_BLOCK, /* the moving block */
	AT_LIT, /* the arrow the last syscall used */
	AT_NR
};

struct cell {
	wchar_t ch;
	unsigned char attr;
};

struct canvas {
	int w, h;
	struct cell *c;
};

/* The characters for boxes and arrows: Unicode, or ASCII without UTF-8. */
struct glyphs {
	wchar_t h, v, tl, tr, bl, br;
	wchar_t line_h[4], line_v[4]; /* by enum zc_kind */
	wchar_t right, up, down, block;
};

static const struct glyphs utf8_glyphs = {
	L'─',
	L'│',
	L'┌',
	L'┐',
	L'└',
	L'┘',
	{ L'─', L'━', L'╌', L'┈' },
	{ L'│', L'┃', L'╎', L'┊' },
	L'▶',
	L'▲',
	L'▼',
	L'■',
};

static const struct glyphs ascii_glyphs = {
	'-',
	'|',
	'+',
	'+',
	'+',
	'+',
	{ '-', '=', '~', ':' },
	{ '|', 'H', ':', ':' },
	'>',
	'^',
	'v',
	'#',
};

struct ui {
	bool plain; /* no cursor addressing: print frames as text */
	bool color;
	const struct glyphs *g;
	struct canvas cv;
	SCREEN *screen;
	struct termios saved_tty; /* plain mode's terminal settings */
	bool tty_saved;
	int saved_stderr; /* stderr, while it goes to a file */
	FILE *errlog;
	char last_plain[8192]; /* the last frame printed in plain mode */
	double last_plain_at;
	bool headless; /* no terminal: frames go to the cast only */
	struct cast *cast; /* --cast: every frame, recorded; or NULL */
};

static void cv_put(struct canvas *cv, int x, int y, int attr, wchar_t ch)
{
	if (x < 0 || y < 0 || x >= cv->w || y >= cv->h)
		return;
	cv->c[y * cv->w + x].ch = ch;
	cv->c[y * cv->w + x].attr = attr;
}

/* ASCII or UTF-8 text; returns the column after it. */
static int cv_text(struct canvas *cv, int x, int y, int attr, const char *s)
{
	mbstate_t st = { 0 };
	wchar_t wc;
	size_t n;

	while (*s && x < cv->w) {
		n = mbrtowc(&wc, s, strlen(s), &st);
		if (n == 0 || n > 4) {
			wc = '?';
			n = 1;
			memset(&st, 0, sizeof(st));
		}
		cv_put(cv, x++, y, attr, wc);
		s += n;
	}
	return x;
}

static int cv_printf(struct canvas *cv, int x, int y, int attr, const char *fmt,
		     ...) __attribute__((format(printf, 5, 6)));

static int cv_printf(struct canvas *cv, int x, int y, int attr, const char *fmt,
		     ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return cv_text(cv, x, y, attr, buf);
}

static void cv_box(struct canvas *cv, const struct glyphs *g, int x, int y,
		   int w, int attr, const char *label)
{
	int i;

	cv_put(cv, x, y, attr, g->tl);
	cv_put(cv, x + w - 1, y, attr, g->tr);
	cv_put(cv, x, y + 2, attr, g->bl);
	cv_put(cv, x + w - 1, y + 2, attr, g->br);
	for (i = 1; i < w - 1; i++) {
		cv_put(cv, x + i, y, attr, g->h);
		cv_put(cv, x + i, y + 2, attr, g->h);
		cv_put(cv, x + i, y + 1, attr, ' ');
	}
	cv_put(cv, x, y + 1, attr, g->v);
	cv_put(cv, x + w - 1, y + 1, attr, g->v);
	cv_text(cv, x + 2, y + 1, attr, label);
}

static int cv_resize(struct canvas *cv, int w, int h)
{
	struct cell *c;

	if (w != cv->w || h != cv->h) {
		c = realloc(cv->c, sizeof(*c) * w * h);
		if (!c)
			return -1;
		cv->c = c;
		cv->w = w;
		cv->h = h;
	}
	for (int i = 0; i < w * h; i++)
		cv->c[i] = (struct cell){ ' ', AT_NONE };
	return 0;
}

/* ---- the layout ------------------------------------------------------- */

/* The pipe sits between the page cache and the socket, where sendfile's
 * arrow runs: a run draws one or the other (pipe_shown()). */
enum { B_DISK, B_CACHE, B_USER, B_SOCKET, B_NIC, B_PIPE, B_NR };

static const char *const box_names[B_NR] = { "disk",	    "page cache",
					     "user buffer", "socket buffer",
					     "NIC",	    "pipe" };
static const int box_w[B_NR] = { 8, 14, 15, 17, 7, 8 };
static const int box_x80[B_NR] = { 1, 14, 31, 49, 72, 34 };

#define PATH_MAX_CELLS 256

struct path {
	int n;
	short x[PATH_MAX_CELLS], y[PATH_MAX_CELLS];
	bool vert[PATH_MAX_CELLS];
};

struct layout {
	int bx[B_NR];
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

static void layout_make(struct layout *l, int w)
{
	int i, mid;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < B_NR; i++)
		l->bx[i] = box_x80[i] * (w - 2) / (MIN_W - 2);
	l->urow = 2;
	l->line = 5;
	l->krow = 7;
	l->info = 12;
	mid = l->krow + 1;
	l->vx = l->bx[B_CACHE] + 7;
	l->dx = l->bx[B_SOCKET] + 8;
	path_h(&l->p[E_DISK_CACHE], l->bx[B_DISK] + box_w[B_DISK],
	       l->bx[B_CACHE] - 1, mid);
	path_h(&l->p[E_CACHE_SOCKET], l->bx[B_CACHE] + box_w[B_CACHE],
	       l->bx[B_SOCKET] - 1, mid);
	path_h(&l->p[E_CACHE_PIPE], l->bx[B_CACHE] + box_w[B_CACHE],
	       l->bx[B_PIPE] - 1, mid);
	path_h(&l->p[E_PIPE_SOCKET], l->bx[B_PIPE] + box_w[B_PIPE],
	       l->bx[B_SOCKET] - 1, mid);
	path_h(&l->p[E_SOCKET_NIC], l->bx[B_SOCKET] + box_w[B_SOCKET],
	       l->bx[B_NIC] - 1, mid);
	/* page cache up to the user buffer, and from it down to the socket */
	path_v(&l->p[E_CACHE_USER], l->vx, l->krow - 1, l->urow + 1);
	path_h(&l->p[E_CACHE_USER], l->vx + 1, l->bx[B_USER] - 1, l->urow + 1);
	l->p[E_CACHE_MAPPED] = l->p[E_CACHE_USER];
	path_h(&l->p[E_USER_SOCKET], l->bx[B_USER] + box_w[B_USER], l->dx,
	       l->urow + 1);
	path_v(&l->p[E_USER_SOCKET], l->dx, l->urow + 2, l->krow - 1);
}

/* ---- drawing the frame -------------------------------------------------- */

/* The long form where it fits in room columns, else the brief one. */
static const char *fitting(const char *longer, const char *brief, int room)
{
	return (int)strlen(longer) <= room ? longer : brief;
}

/* 64M, 1.5G, 128K, 4097: short enough for a label */
static void bytes_short(char *out, size_t len, uint64_t b)
{
	static const char units[] = "KMG";
	int u = -1;
	double x = b;

	while (x >= 1024 && u < 2) {
		x /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(out, len, "%" PRIu64, b);
	else if (x == (uint64_t)x)
		snprintf(out, len, "%.0f%c", x, units[u]);
	else
		snprintf(out, len, "%.1f%c", x, units[u]);
}

static int kind_attr(enum zc_kind k)
{
	static const int attrs[] = { [K_DMA] = AT_DMA,
				     [K_CPU_COPY] = AT_COPY,
				     [K_PAGE_REF] = AT_REF,
				     [K_MAP] = AT_MAP };

	return attrs[k];
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

static void draw_edge(struct ui *u, const struct layout *l,
		      const struct view *v, int e)
{
	const struct path *p = &l->p[e];
	enum zc_kind k = edge_kind(v, e);
	int attr = kind_attr(k), i;
	wchar_t head;

	if (!v->m.edge[e].bytes && !edge_busy(v, e))
		attr = AT_DIM;
	if (v->lit == e || (v->lit == E_CACHE_USER && e == E_CACHE_MAPPED))
		attr |= 0x80;
	for (i = 0; i < p->n; i++)
		cv_put(&u->cv, p->x[i], p->y[i], attr,
		       p->vert[i] ? u->g->line_v[k] : u->g->line_h[k]);
	if (!p->n)
		return;
	i = p->n - 1;
	head = !p->vert[i]	     ? u->g->right :
	       p->y[i] > p->y[i - 1] ? u->g->down :
				       u->g->up;
	cv_put(&u->cv, p->x[i], p->y[i], attr, head);
}

static void draw_blocks(struct ui *u, const struct layout *l,
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
			cv_put(&u->cv, l->p[a->path[j]].x[at],
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
static void draw_user_labels(struct ui *u, const struct layout *l,
			     const struct view *v)
{
	bool mapped = maps_file(v);
	int up = mapped ? E_CACHE_MAPPED : E_CACHE_USER;
	char what[48], b[32];

	edge_caption(what, sizeof(what), v, up,
		     mapped ? ZC_MOVES_MAP : ZC_MOVES_READ,
		     mapped ? "mmap" : "read");
	bytes_short(b, sizeof(b), v->m.edge[up].bytes);
	cv_text(&u->cv, l->vx - 2 - (int)strlen(what), l->urow + 1,
		kind_attr(v->m.edge[up].kind), what);
	cv_text(&u->cv, l->vx - 2 - (int)strlen(b), l->urow + 2, AT_NONE, b);
	edge_caption(what, sizeof(what), v, E_USER_SOCKET, ZC_MOVES_SEND,
		     "write");
	bytes_short(b, sizeof(b), v->m.edge[E_USER_SOCKET].bytes);
	cv_text(&u->cv, l->dx + 2, l->urow + 1,
		kind_attr(v->m.edge[E_USER_SOCKET].kind), what);
	cv_text(&u->cv, l->dx + 2, l->urow + 2, AT_NONE, b);
}

/* Does the file go through a pipe here (measured, or the demo's way)? */
static bool pipe_shown(const struct view *v)
{
	return model_edge_shown(&v->res.in, &v->m, E_CACHE_PIPE) ||
	       model_edge_shown(&v->res.in, &v->m, E_PIPE_SOCKET);
}

/* Page cache straight into the socket: sendfile()'s arrow. */
static void draw_cache_socket_label(struct ui *u, const struct layout *l,
				    const struct view *v)
{
	const char *sendfile = model_demo_call(v->cfg.demo, ZC_MOVES_SENDFILE);
	const struct model_edge *ref = &v->m.edge[E_CACHE_SOCKET];
	int x = l->bx[B_CACHE] + box_w[B_CACHE] + 1;
	char b[32];

	bytes_short(b, sizeof(b), ref->bytes);
	if (sendfile)
		cv_printf(&u->cv, x, l->krow, AT_REF, "%s():", sendfile);
	cv_printf(&u->cv, x, l->krow + 2, kind_attr(ref->kind), "%s %s",
		  model_kind_label(ref->kind), b);
}

/*
 * Into the pipe, above the boxes, and out of it, below them: "splice()
 * in: page ref 64M". Each shortened where it would reach the next label.
 */
static void draw_pipe_labels(struct ui *u, const struct layout *l,
			     const struct view *v)
{
	const char *call = model_demo_call(v->cfg.demo, ZC_MOVES_SPLICE);
	static const int arrows[2] = { E_CACHE_PIPE, E_PIPE_SOCKET };
	int x[2] = { l->vx + 2, l->bx[B_PIPE] - 12 };
	int y[2] = { l->krow - 1, l->krow + 3 };
	int end[2] = { l->dx - 1, l->bx[B_SOCKET] - 1 };
	char b[32], full[64], brief[48];
	const struct model_edge *e;

	for (int i = 0; i < 2; i++) {
		e = &v->m.edge[arrows[i]];
		bytes_short(b, sizeof(b), e->bytes);
		snprintf(brief, sizeof(brief), "%s: %s %s", i ? "out" : "in",
			 model_kind_label(e->kind), b);
		snprintf(full, sizeof(full), "%s() %s", call ? call : "splice",
			 brief);
		cv_text(&u->cv, x[i], y[i], kind_attr(e->kind),
			fitting(full, brief, end[i] - x[i]));
	}
}

static void draw_kernel_labels(struct ui *u, const struct layout *l,
			       const struct view *v)
{
	int row = l->krow + 3;
	char b[32];

	bytes_short(b, sizeof(b), v->m.edge[E_DISK_CACHE].bytes);
	cv_printf(&u->cv, l->bx[B_DISK], row, AT_DMA, "%s %s",
		  v->res.tmpfs ? "tmpfs: no disk" :
				 model_kind_label(v->m.edge[E_DISK_CACHE].kind),
		  b);
	if (pipe_shown(v))
		draw_pipe_labels(u, l, v);
	else
		draw_cache_socket_label(u, l, v);
	bytes_short(b, sizeof(b), v->m.edge[E_SOCKET_NIC].bytes);
	cv_printf(&u->cv, l->bx[B_SOCKET], row, AT_DMA, "%s%s %s",
		  model_kind_label(v->m.edge[E_SOCKET_NIC].kind),
		  v->m.nic_paged ? " gather" : "", b);
	if (v->m.seg_copy) {
		bytes_short(b, sizeof(b), v->m.seg_copy);
		cv_printf(&u->cv, l->bx[B_SOCKET], row + 1, AT_COPY,
			  "%s at GSO %s", model_kind_label(K_CPU_COPY), b);
	} else if (v->m.pinned.copied) {
		bytes_short(b, sizeof(b), v->m.pinned.copied);
		cv_printf(&u->cv, l->bx[B_SOCKET], row + 1, AT_COPY, "%s %s %s",
			  model_kind_label(K_CPU_COPY),
			  model_copied_at(v->m.pinned.where), b);
	}
}

/* The user/kernel line, with the mode switches across it. */
static void draw_band(struct ui *u, const struct layout *l,
		      const struct view *v)
{
	int x, w = u->cv.w;
	char s[64];

	for (x = 0; x < w; x++)
		cv_put(&u->cv, x, l->line, AT_BOX, u->g->line_h[K_CPU_COPY]);
	cv_text(&u->cv, 1, l->urow, AT_NONE, "user space");
	cv_text(&u->cv, 1, l->line + 1, AT_NONE, "kernel");
	snprintf(s, sizeof(s), " mode switches %" PRIu64 " ",
		 v->m.mode_switches);
	cv_text(&u->cv, (l->vx + l->dx - (int)strlen(s)) / 2, l->line, AT_TITLE,
		s);
	snprintf(s, sizeof(s), " ctx sw %" PRIu64 "v/%" PRIu64 "i ",
		 v->m.cs_voluntary, v->m.cs_involuntary);
	cv_text(&u->cv, l->dx + 2, l->line, AT_BOX, s);
}

static void draw_diagram(struct ui *u, const struct view *v, double now)
{
	bool pipe = pipe_shown(v);
	struct layout l;
	int e;

	layout_make(&l, u->cv.w);
	draw_band(u, &l, v);
	cv_box(&u->cv, u->g, l.bx[B_USER], l.urow, box_w[B_USER], AT_BOX,
	       box_names[B_USER]);
	for (int b = 0; b < B_NR; b++)
		if (b != B_USER && (b != B_PIPE || pipe))
			cv_box(&u->cv, u->g, l.bx[b], l.krow, box_w[b], AT_BOX,
			       box_names[b]);
	for (e = 0; e < E_NR; e++)
		if (e != E_CACHE_MAPPED && e != E_CACHE_USER &&
		    (e == E_CACHE_SOCKET ?
			     !pipe :
			     model_edge_shown(&v->res.in, &v->m, e)))
			draw_edge(u, &l, v, e);
	draw_edge(u, &l, v, maps_file(v) ? E_CACHE_MAPPED : E_CACHE_USER);
	draw_user_labels(u, &l, v);
	draw_kernel_labels(u, &l, v);
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
	else if (v->pace == PACE_STEP)
		snprintf(s, len, "[step: space]");
	else if (v->pace == PACE_FULL)
		snprintf(s, len, "[full speed]");
	else
		snprintf(s, len, "[%g syscall%s/s]",
			 view_pace_rate(v->pace_level),
			 view_pace_rate(v->pace_level) == 1 ? "" : "s");
}

static void draw_header(struct ui *u, const struct view *v)
{
	const struct run_config *c = &v->cfg;
	uint64_t sent = v->m.socket_in;
	uint64_t file = v->res.in.file_bytes;
	double pct = file ? 100.0 * sent / file : 100.0;
	char s[64], b[32], ch[32], full[VIEW_LINE * 2], brief[VIEW_LINE * 2];
	int x, w = u->cv.w;

	for (x = 0; x < w; x++)
		cv_put(&u->cv, x, 0, AT_TITLE, ' ');
	pace_text(v, s, sizeof(s));
	for (x = 0; x < 2; x++)
		snprintf(x ? brief : full, sizeof(full), "zcviz%s  %s: %s",
			 v->replay ? " (replay)" : "", c->demo->name,
			 x ? c->demo->brief : c->demo->title);
	cv_text(&u->cv, 1, 0, AT_TITLE,
		fitting(full, brief, w - 3 - (int)strlen(s)));
	cv_text(&u->cv, w - 1 - (int)strlen(s), 0, AT_TITLE, s);
	if (v->run_total > 1)
		snprintf(s, sizeof(s), "  %3.0f%% %d/%d", pct, v->run_no,
			 v->run_total);
	else
		snprintf(s, sizeof(s), "  %3.0f%%", pct);
	bytes_short(b, sizeof(b), file);
	bytes_short(ch, sizeof(ch), c->chunk);
	for (x = 0; x < 2; x++)
		snprintf(x ? brief : full, sizeof(full),
			 "file %s, chunk %s, %s cache, %s %s, %s %s", b, ch,
			 c->cold ? "cold" : "warm",
			 v->res.remote ? "device" : "lab", v->res.egress,
			 x ? "sg" : "scatter-gather",
			 v->res.in.sg ? "on" : "off");
	cv_text(&u->cv, 1, 1, AT_NONE,
		fitting(full, brief, w - 2 - (int)strlen(s)));
	cv_text(&u->cv, w - 1 - (int)strlen(s), 1, AT_NONE, s);
}

/* Which figures this kernel could not measure: the tool never guesses. */
static void draw_missing(struct ui *u, unsigned missing, int row)
{
	int x = cv_text(&u->cv, 1, row, AT_BAD, "not measured here:");

	for (int p = TP_SYSCALLS + 1; p < TP_NR; p++)
		if (missing & (1u << p))
			x = cv_printf(&u->cv, x, row, AT_BAD, " %s;",
				      trace_probe(p)->brief);
}

/* The kernel's answers to zero-copy sends: io_uring's as they come, a
 * sender's relayed at its end. */
static bool answers_shown(const struct view *v)
{
	const uint64_t *c = v->res.in.counts.c;

	return v->res.in.done_known || c[ZC_C_IOU_NOTES] ||
	       c[ZC_C_IOU_SUBMITS];
}

static void draw_answers(struct ui *u, const struct view *v, int row)
{
	const struct zc_completions *d = &v->res.in.done;
	const uint64_t *c = v->res.in.counts.c;
	char z[32], k[32];
	int x = 1;

	if (c[ZC_C_IOU_SUBMITS])
		x = cv_printf(&u->cv, x, row, AT_NONE,
			      "io_uring %" PRIu64 " req, %" PRIu64
			      " notes (%" PRIu64 " copied)  ",
			      c[ZC_C_IOU_SUBMITS], c[ZC_C_IOU_NOTES],
			      c[ZC_C_IOU_NOTES_COPIED]);
	if (!v->res.in.done_known)
		return;
	bytes_short(z, sizeof(z), d->zc_bytes);
	bytes_short(k, sizeof(k), d->copied_bytes);
	cv_printf(&u->cv, x, row, d->copied_bytes ? AT_COPY : AT_OK,
		  "kernel: zero copy %s, copied %s", z, k);
}

static void draw_figures(struct ui *u, const struct view *v, int row)
{
	const struct model_result *m = &v->m;
	const struct zc_counts *c = &v->res.in.counts;
	uint64_t sent = m->socket_in;
	char b[32], b2[32];
	int x;

	x = cv_printf(&u->cv, 1, row, AT_NONE, "CPU copies of the file ");
	x = cv_printf(&u->cv, x, row, m->copies_per_byte > 0 ? AT_COPY : AT_OK,
		      "%.2f x file size", m->copies_per_byte);
	x = isnan(m->theory) ?
		    cv_printf(&u->cv, x, row, AT_NONE, "   theory unknown ") :
		    cv_printf(&u->cv, x, row, AT_NONE, "   theory %g ",
			      m->theory);
	if (v->state != VS_RUNNING)
		x = cv_text(&u->cv, x, row, m->pass ? AT_OK : AT_BAD,
			    m->pass ? "[ok]" : "[differs]");
	/* the checksum verdict at the right, clear of the mark */
	x = x + 2 > u->cv.w - 19 ? x + 2 : u->cv.w - 19;
	if (v->state == VS_DONE)
		cv_text(&u->cv, x, row, AT_OK, "checksum verified");
	else if (v->state == VS_FAILED)
		cv_text(&u->cv, x, row, AT_BAD, "NOT verified");
	cv_printf(&u->cv, 1, row + 1, AT_NONE,
		  "syscalls %" PRIu64 "   page faults %" PRIu64
		  "   receiver copy %s",
		  m->syscalls, m->page_faults,
		  v->res.remote ? "(remote)" :
				  (bytes_short(b, sizeof(b), m->rx_copy), b));
	bytes_short(b, sizeof(b), sent);
	bytes_short(b2, sizeof(b2), v->res.in.file_bytes);
	x = cv_printf(&u->cv, 1, row + 2, AT_NONE, "sent %s of %s", b, b2);
	if (m->elapsed_ns)
		x = cv_printf(&u->cv, x, row + 2, AT_NONE, "  %.1f MB/s%s",
			      sent * 1e3 / (double)m->elapsed_ns,
			      v->replay ? " as recorded" : "");
	if (c->c[ZC_C_CPU_RUN_NS] || v->state != VS_RUNNING)
		cv_printf(&u->cv, x, row + 2, AT_NONE,
			  "   sender CPU user %.1f ms, sys %.1f ms",
			  m->cpu_user_ns / 1e6, m->cpu_sys_ns / 1e6);
	if (v->res.in.missing)
		draw_missing(u, v->res.in.missing, row + 3);
	else if (answers_shown(v))
		draw_answers(u, v, row + 3);
	else
		cv_text(&u->cv, 1, row + 3, AT_DIM,
			"mode switch = syscall entry/exit; context switch = scheduler runs another task");
	cv_printf(&u->cv, 1, row + 4, AT_NONE, "%s",
		  v->state == VS_FAILED ? v->status : model_note(&v->res.in));
}

static void draw_log(struct ui *u, const struct view *v, int row, int rows)
{
	const char *line;
	int x, i;

	for (x = 0; x < u->cv.w; x++)
		cv_put(&u->cv, x, row, AT_DIM, u->g->h);
	cv_printf(&u->cv, 2, row, AT_NONE, " last syscalls (%" PRIu64 " seen) ",
		  v->log_n);
	for (i = 0; i < rows; i++) {
		line = view_log_line(v, rows - 1 - i);
		if (line)
			cv_text(&u->cv, 2, row + 1 + i, AT_NONE, line);
	}
}

static void draw_keys(struct ui *u, const struct view *v, int row, double now)
{
	int x;

	for (x = 0; x < u->cv.w; x++)
		cv_put(&u->cv, x, row, AT_TITLE, ' ');
	cv_text(&u->cv, 0, row, AT_TITLE,
		now < v->flash_until ? v->flash : v->keys);
}

static void draw_too_small(struct ui *u)
{
	char s[128];
	int len;

	len = snprintf(s, sizeof(s),
		       "make the terminal at least %dx%d (it is %dx%d)", MIN_W,
		       MIN_H, u->cv.w, u->cv.h);
	cv_text(&u->cv, len < u->cv.w ? (u->cv.w - len) / 2 : 0, u->cv.h / 2,
		AT_BAD, s);
}

/* ---- showing the frame: curses, or plain text ------------------------- */

/*
 * How each kind of cell looks, in colour and in monochrome: a colour pair
 * (colors_start() defines them) and bold, dim or reverse. curses and the
 * --cast recording both draw from this one table.
 */
enum { F_BOLD = 1, F_DIM = 2, F_REV = 4 };

static const struct {
	short pair;
	unsigned char color, mono;
} looks[AT_NR] = {
	[AT_COPY] = { 1, F_BOLD, F_BOLD }, [AT_DMA] = { 2, 0, 0 },
	[AT_REF] = { 3, 0, 0 },		   [AT_MAP] = { 4, 0, 0 },
	[AT_DIM] = { 0, F_DIM, F_DIM },	   [AT_BOX] = { 0, F_BOLD, 0 },
	[AT_TITLE] = { 0, F_REV, F_REV },  [AT_OK] = { 2, F_BOLD, F_BOLD },
	[AT_BAD] = { 1, F_BOLD, F_BOLD },  [AT_BLOCK] = { 5, F_BOLD, F_REV },
};

/* The colour of each pair, as curses numbers them (ANSI: 30 + it). */
static const short pair_colors[] = {
	[1] = COLOR_RED,     [2] = COLOR_GREEN,	 [3] = COLOR_CYAN,
	[4] = COLOR_MAGENTA, [5] = COLOR_YELLOW,
};

/* A cell's pair (0: none) and flags; 0x80 in a: the arrow lit up. */
static unsigned look_of(const struct ui *u, int a, short *pair)
{
	unsigned lit = a & 0x80 ? F_REV : 0;

	a &= 0x7f;
	*pair = u->color ? looks[a].pair : 0;
	return (u->color ? looks[a].color : looks[a].mono) | lit;
}

static attr_t curses_attr(const struct ui *u, int a, short *pair)
{
	unsigned f = look_of(u, a, pair);

	return (f & F_BOLD ? A_BOLD : 0) | (f & F_DIM ? A_DIM : 0) |
	       (f & F_REV ? A_REVERSE : 0);
}

static void show_curses(struct ui *u)
{
	const struct cell *c;
	wchar_t wc[2] = { 0, 0 };
	cchar_t cc;
	attr_t at;
	short pair;
	int x, y;

	for (y = 0; y < u->cv.h; y++)
		for (x = 0; x < u->cv.w; x++) {
			c = &u->cv.c[y * u->cv.w + x];
			at = curses_attr(u, c->attr, &pair);
			wc[0] = c->ch;
			setcchar(&cc, wc, at, pair, NULL);
			mvadd_wch(y, x, &cc);
		}
	refresh();
}

/* Where the cursor cannot move, print the frame as text, at most once a
 * second and only when it changed. */
static void show_plain(struct ui *u, double now, bool force)
{
	char frame[sizeof(u->last_plain)], mb[MB_LEN_MAX];
	size_t len = 0, n;
	mbstate_t st;
	int x, y, end;

	if (!force && now - u->last_plain_at < 1.0)
		return;
	for (y = 0; y < u->cv.h; y++) {
		for (end = u->cv.w;
		     end > 0 && u->cv.c[y * u->cv.w + end - 1].ch == ' '; end--)
			;
		for (x = 0; x < end; x++) {
			memset(&st, 0, sizeof(st));
			n = wcrtomb(mb, u->cv.c[y * u->cv.w + x].ch, &st);
			if (n == (size_t)-1 || len + n + 2 >= sizeof(frame))
				continue;
			memcpy(frame + len, mb, n);
			len += n;
		}
		frame[len++] = '\n';
	}
	frame[len] = '\0';
	if (!strcmp(frame, u->last_plain))
		return;
	memcpy(u->last_plain, frame, len + 1);
	u->last_plain_at = now;
	fputs(frame, stdout);
	fputs("\n", stdout);
	fflush(stdout);
}

/* A character as UTF-8 into out (4 bytes at most), whatever the locale:
 * a recording is played on a terminal that reads UTF-8. */
static size_t utf8_put(char *out, wchar_t wc)
{
	unsigned long c = (unsigned long)wc;

	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = '?';
	if (c < 0x80)
		return out[0] = (char)c, 1;
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | (c >> 6 & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | (c >> 12 & 0x3f));
	out[2] = (char)(0x80 | (c >> 6 & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* The frame as a terminal draws it, for --cast: from the top left, every
 * row in full, each change of look an SGR sequence. */
static void show_cast(struct ui *u, double now)
{
	char *buf = NULL, mb[4];
	unsigned f, last = ~0u;
	size_t len = 0;
	FILE *out;
	short pair;
	int x, y;

	if (!u->cast || !(out = open_memstream(&buf, &len)))
		return;
	fputs("\x1b[H\x1b[2J", out);
	for (y = 0; y < u->cv.h; y++) {
		for (x = 0; x < u->cv.w; x++) {
			f = look_of(u, u->cv.c[y * u->cv.w + x].attr, &pair);
			if ((f | pair << 8) != last) {
				fprintf(out, "\x1b[0%s%s%s",
					f & F_BOLD ? ";1" : "",
					f & F_DIM ? ";2" : "",
					f & F_REV ? ";7" : "");
				if (pair)
					fprintf(out, ";%d", 30 + pair_colors[pair]);
				fputc('m', out);
				last = f | pair << 8;
			}
			fwrite(mb, 1, utf8_put(mb, u->cv.c[y * u->cv.w + x].ch),
			       out);
		}
		if (y + 1 < u->cv.h)
			fputs("\r\n", out);
	}
	fputs("\x1b[0m", out);
	if (!fclose(out))
		cast_frame(u->cast, u->cv.w, u->cv.h, buf, now);
	free(buf);
}

/* Shows the composed frame where it goes: curses, plain text, the cast. */
static void frame_show(struct ui *u, double now, bool force)
{
	if (u->plain)
		show_plain(u, now, force);
	else if (!u->headless)
		show_curses(u);
	show_cast(u, now);
}

static void terminal_size(struct ui *u, int *w, int *h)
{
	if (!u->plain && !u->headless) {
		*w = COLS;
		*h = LINES;
	} else {
		*w = MIN_W;
		*h = MIN_H;
	}
}

void ui_draw(struct ui *u, const struct view *v, double now)
{
	int w, h, log_rows;

	terminal_size(u, &w, &h);
	if (cv_resize(&u->cv, w, h))
		return;
	if (w < MIN_W || h < MIN_H) {
		draw_too_small(u);
	} else {
		draw_header(u, v);
		draw_diagram(u, v, now);
		draw_figures(u, v, 12);
		log_rows = h - 12 - 5 - 2;
		draw_log(u, v, 17, log_rows);
		draw_keys(u, v, h - 1, now);
	}
	frame_show(u, now, v->state != VS_RUNNING);
}

void ui_card(struct ui *u, const char *title, const char *text,
	     const char *footer, double now)
{
	const char *p = text, *nl;
	int w, h, y = 4;
	char line[256];

	terminal_size(u, &w, &h);
	if (cv_resize(&u->cv, w, h))
		return;
	for (int x = 0; x < w; x++)
		cv_put(&u->cv, x, 0, AT_TITLE, ' ');
	cv_text(&u->cv, 1, 0, AT_TITLE, "zcviz");
	cv_text(&u->cv, (w - (int)strlen(title)) / 2, 2, AT_BOX, title);
	while (*p && y < h - 2) {
		nl = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s",
			 nl ? (int)(nl - p) : (int)strlen(p), p);
		cv_text(&u->cv, 0, y++, AT_NONE, line);
		p = nl ? nl + 1 : p + strlen(p);
	}
	cv_text(&u->cv, 2, h - 2, AT_DIM, footer);
	frame_show(u, now, true);
}

/* ---- the terminal ------------------------------------------------------- */

/* While the dashboard runs, stderr (libbpf, lab.sh) goes to a file that
 * ui_close() shows: a message must not scribble over the frame. */
static void stderr_hold(struct ui *u)
{
	fflush(stderr);
	u->errlog = tmpfile();
	/* ours alone: the programs zcviz starts must not inherit it */
	if (u->errlog)
		fcntl(fileno(u->errlog), F_SETFD, FD_CLOEXEC);
	u->saved_stderr = u->errlog ? fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 0) :
				      -1;
	if (u->saved_stderr >= 0)
		dup2(fileno(u->errlog), STDERR_FILENO);
}

static void stderr_release(struct ui *u)
{
	char buf[4096];
	size_t n;

	if (u->saved_stderr < 0)
		return;
	fflush(stderr);
	dup2(u->saved_stderr, STDERR_FILENO);
	close(u->saved_stderr);
	rewind(u->errlog);
	while ((n = fread(buf, 1, sizeof(buf), u->errlog)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(u->errlog);
}

static bool utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

/* Can this terminal move the cursor? TERM=dumb cannot. */
static bool terminal_addressable(void)
{
	const char *term = getenv("TERM");
	char *cup;
	int err;

	if (!term || !*term || !strcmp(term, "dumb"))
		return false;
	bool ok;

	if (setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return false;
	cup = tigetstr("cup");
	ok = cup && cup != (char *)-1;
	/* only asked: newterm() sets up its own */
	del_curterm(cur_term);
	return ok;
}

static void colors_start(struct ui *u)
{
	u->color = has_colors() && !getenv("NO_COLOR");
	if (!u->color)
		return;
	start_color();
	use_default_colors();
	for (short p = 1; p < (short)(sizeof(pair_colors) / sizeof(pair_colors[0])); p++)
		init_pair(p, pair_colors[p], -1);
}

static void plain_start(struct ui *u)
{
	struct termios raw;

	/* keys still work: one at a time, without echo */
	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &u->saved_tty)) {
		u->tty_saved = true;
		raw = u->saved_tty;
		raw.c_lflag &= ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
}

struct ui *ui_open(bool headless, struct cast *cast, char *why, size_t len)
{
	struct ui *u = calloc(1, sizeof(*u));

	if (!u) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	setlocale(LC_ALL, "");
	u->g = utf8_locale() ? &utf8_glyphs : &ascii_glyphs;
	u->cast = cast;
	u->headless = headless;
	u->saved_stderr = -1; /* stderr_hold(): not held */
	if (headless) {
		/* a recording is played on a terminal that can draw boxes */
		u->g = &utf8_glyphs;
		u->color = !getenv("NO_COLOR");
		return u;
	}
	u->plain = !terminal_addressable();
	stderr_hold(u);
	if (u->plain) {
		plain_start(u);
		return u;
	}
	u->screen = newterm(NULL, stdout, stdin);
	if (!u->screen) {
		stderr_release(u);
		snprintf(why, len, "cannot use this terminal (TERM=%s)",
			 getenv("TERM"));
		free(u);
		return NULL;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	colors_start(u);
	return u;
}

void ui_close(struct ui *u)
{
	if (!u)
		return;
	if (u->screen) {
		endwin();
		delscreen(u->screen);
	}
	if (u->tty_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &u->saved_tty);
	stderr_release(u);
	free(u->cv.c);
	free(u);
}

int ui_key(struct ui *u)
{
	unsigned char c;
	int k;

	if (u->headless)
		return -1;
	if (u->plain)
		return read(STDIN_FILENO, &c, 1) == 1 ? c : -1;
	k = getch();
	/* a resize is handled by drawing at the new size */
	return k == ERR || k == KEY_RESIZE ? -1 : k;
}
