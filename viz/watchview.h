/*
 * The dashboard's parts for watched programs (zcviz -p): watchview.c.
 */
#ifndef ZC_WATCHVIEW_H
#define ZC_WATCHVIEW_H

#include "canvas.h"
#include "view.h"

/* The title (room: the columns it may take on row 0) and row 1. */
void watchview_title(struct canvas *cv, const struct view *v, int room);
/* The figures, on five rows from row. */
void watchview_figures(struct canvas *cv, const struct view *v, int row);
/* The flow table: a rule on row, then rows more. */
void watchview_flows(struct canvas *cv, const struct glyphs *g,
		     const struct view *v, int row, int rows);

#endif /* ZC_WATCHVIEW_H */
