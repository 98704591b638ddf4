/*
 * The dashboard's frame: what a view shows, drawn on a canvas.
 */
#ifndef ZC_DIAGRAM_H
#define ZC_DIAGRAM_H

#include "canvas.h"
#include "view.h"

/* The smallest terminal the frame fits; below it, a request for more */
#define DIAGRAM_MIN_W 80
#define DIAGRAM_MIN_H 24

/* Draws v's frame at now on cv (blank, of the terminal's size). */
void diagram_draw(struct canvas *cv, const struct glyphs *g,
		  const struct view *v, double now);

#endif /* ZC_DIAGRAM_H */
