/*
 * The dashboard on the terminal. Every curses call of zcviz lives in
 * ui.c: a frame is composed into a grid of cells, then shown by curses,
 * or printed as plain text where the terminal cannot move the cursor
 * (TERM=dumb). Colours degrade to monochrome, box drawing to ASCII.
 */
#ifndef ZC_UI_H
#define ZC_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "view.h"

struct ui;
struct cast;

/* Takes over the terminal; NULL with a reason when it cannot. headless:
 * no terminal at all, frames of 80x24 only for cast (--cast FILE). */
struct ui *ui_open(bool headless, struct cast *cast, char *why, size_t len);
/* Gives the terminal back as it was, then shows what went to stderr. */
void ui_close(struct ui *u);
/* The next key pressed, or -1 when none is waiting. */
int ui_key(struct ui *u);
void ui_draw(struct ui *u, const struct view *v, double now);
/* A full-screen card: a title and lines of text (a demo's introduction,
 * the comparison table at the end), shown at now. */
void ui_card(struct ui *u, const char *title, const char *text,
	     const char *footer, double now);

#endif /* ZC_UI_H */
