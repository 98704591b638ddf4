/*
 * A frame, composed before it is shown: a grid of cells, each a character
 * and how it looks (its kind, not a colour: the backend in ui.c decides
 * colour or monochrome), and the characters boxes and arrows are drawn
 * with, Unicode or ASCII.
 */
#ifndef ZC_CANVAS_H
#define ZC_CANVAS_H

#include <stdint.h>
#include <wchar.h>

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
	AT_NR
};

/* With a kind's attribute: the arrow the last syscall used (reversed) */
#define AT_LIT 0x80

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

extern const struct glyphs utf8_glyphs, ascii_glyphs;

void cv_put(struct canvas *cv, int x, int y, int attr, wchar_t ch);
/* ASCII or UTF-8 text; returns the column after it. */
int cv_text(struct canvas *cv, int x, int y, int attr, const char *s);
int cv_printf(struct canvas *cv, int x, int y, int attr, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* A box of width w and three rows, its label inside. */
void cv_box(struct canvas *cv, const struct glyphs *g, int x, int y, int w,
	    int attr, const char *label);
/* Makes it w x h, blank; -1 when out of memory. */
int cv_resize(struct canvas *cv, int w, int h);
/* The attribute an arrow of kind (enum zc_kind, model.h) is drawn in. */
int cv_kind_attr(int kind);
/* 64M, 1.5G, 128K, 4097: a byte count short enough for a label */
void cv_bytes(char *out, size_t len, uint64_t b);

#endif /* ZC_CANVAS_H */
