/*
 * The receiver's strip: one row of the frame, the receiver's arrows (the
 * rows of ZC_ARROWS into its boxes) that carried bytes, in a chain from
 * the NIC, each drawn in its kind's line with its bytes in it, then its
 * copies and syscalls:
 *
 *   receiver ━DMA 64M━▶ socket ┈mapped 64M┈▶ user buffer   copies 0.00 ...
 *
 * Two arrows between the same boxes (mapped, and what was left to copy)
 * are one, with both figures, in the line of the larger.
 */
#include "rxview.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

/* The rows of the chain, in table order: what went along, so that the
 * row grows as the bytes come (and a trace of zcviz 0.1, which measured
 * the receiver's copy alone, shows that alone) */
static bool strip_shown(const struct view *v, int e)
{
	return model_edge_receivers(e) && v->m.edge[e].bytes;
}

/* Is e drawn with an earlier arrow between the same boxes? */
static bool strip_merged(const struct view *v, int e)
{
	for (int f = 0; f < e; f++)
		if (strip_shown(v, f) &&
		    model_edge_from(f) == model_edge_from(e) &&
		    model_edge_to(f) == model_edge_to(e))
			return true;
	return false;
}

/* The caption of e and of the arrows after it between the same boxes;
 * *kind: the kind of the one that carried most. */
static void strip_caption(const struct view *v, int e, char *s, size_t len,
			  int *kind)
{
	uint64_t most = 0;
	size_t n = 0;
	char b[32];

	for (int f = e; f < E_NR && n < len; f++) {
		if (!strip_shown(v, f) ||
		    model_edge_from(f) != model_edge_from(e) ||
		    model_edge_to(f) != model_edge_to(e))
			continue;
		cv_bytes(b, sizeof(b), v->m.edge[f].bytes);
		n += snprintf(s + n, len - n, "%s%s %s", n ? ", " : "",
			      model_kind_label(v->m.edge[f].kind), b);
		if (f == e || v->m.edge[f].bytes > most) {
			most = v->m.edge[f].bytes;
			*kind = v->m.edge[f].kind;
		}
	}
}

/* One arrow: its line, its caption in it, its head; the column after. */
static int strip_arrow(struct canvas *cv, const struct glyphs *g, int x,
		       int row, int kind, const char *caption)
{
	int attr = cv_kind_attr(kind);

	cv_put(cv, x++, row, attr, g->line_h[kind]);
	x = cv_text(cv, x, row, attr, caption);
	cv_put(cv, x++, row, attr, g->line_h[kind]);
	cv_put(cv, x++, row, attr, g->right);
	return x + 1;
}

void rxview_strip(struct canvas *cv, const struct glyphs *g,
		  const struct view *v, int row)
{
	enum zc_box at = BOX_NIC;
	int x = cv_text(cv, 1, row, AT_BOX, "receiver") + 1, e, kind;
	char s[96];

	if (!v->res.in.rx_ours) {
		cv_text(cv, x, row, AT_DIM,
			v->res.remote ? "on another machine: not measured" :
					"not zcviz's: not measured");
		return;
	}
	for (e = 0; e < E_NR; e++) {
		if (!strip_shown(v, e) || strip_merged(v, e))
			continue;
		if (model_edge_from(e) != at)
			x = cv_text(cv, x, row, AT_BOX,
				    model_box_name(model_edge_from(e))) +
			    1;
		kind = v->m.edge[e].kind;
		strip_caption(v, e, s, sizeof(s), &kind);
		x = strip_arrow(cv, g, x, row, kind, s);
		at = model_edge_to(e);
		x = cv_text(cv, x, row, AT_BOX, model_box_name(at)) + 1;
	}
	if (v->res.in.counts.c[ZC_C_RX_DISCARD_BYTES]) {
		cv_bytes(s, sizeof(s),
			 v->res.in.counts.c[ZC_C_RX_DISCARD_BYTES]);
		x = cv_printf(cv, x, row, AT_OK, "freed unread %s ", s);
	}
	x = cv_printf(cv, x + 1, row, AT_NONE, "copies %.2f",
		      v->m.rx_copies_per_byte);
	/* its syscalls where they fit (a trace of an older zcviz has none) */
	snprintf(s, sizeof(s), ", %" PRIu64 " syscalls", v->m.rx_syscalls);
	if (v->m.rx_syscalls && x + (int)strlen(s) < cv->w)
		cv_text(cv, x, row, AT_NONE, s);
}
