/*
 * The frame's cells. See canvas.h.
 */
#include "canvas.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct glyphs utf8_glyphs = {
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

const struct glyphs ascii_glyphs = {
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

void cv_put(struct canvas *cv, int x, int y, int attr, wchar_t ch)
{
	if (x < 0 || y < 0 || x >= cv->w || y >= cv->h)
		return;
	cv->c[y * cv->w + x].ch = ch;
	cv->c[y * cv->w + x].attr = attr;
}

/* ASCII or UTF-8 text; returns the column after it. */
int cv_text(struct canvas *cv, int x, int y, int attr, const char *s)
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

int cv_printf(struct canvas *cv, int x, int y, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return cv_text(cv, x, y, attr, buf);
}

void cv_box(struct canvas *cv, const struct glyphs *g, int x, int y, int w,
	    int attr, const char *label)
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

int cv_resize(struct canvas *cv, int w, int h)
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

void cv_bytes(char *out, size_t len, uint64_t b)
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

int cv_kind_attr(int kind)
{
	/* by enum zc_kind: DMA, CPU copy, page reference, mapped */
	static const int attrs[] = { AT_DMA, AT_COPY, AT_REF, AT_MAP };

	return kind >= 0 && kind < 4 ? attrs[kind] : AT_NONE;
}
