/*
 * The dashboard's strip for the receiver: rxview.c.
 */
#ifndef ZC_RXVIEW_H
#define ZC_RXVIEW_H

#include "canvas.h"
#include "view.h"

/* The receiver's arrows on one row, each drawn as its kind is above. */
void rxview_strip(struct canvas *cv, const struct glyphs *g,
		  const struct view *v, int row);

#endif /* ZC_RXVIEW_H */
