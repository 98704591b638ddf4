/*
 * The dashboard on the terminal: a frame composed on a canvas (canvas.c,
 * drawn by diagram.c), shown by curses, or as plain text where the
 * terminal cannot move the cursor, and recorded by cast.c; the terminal
 * taken and given back.
 */
#include "ui.h"

#include <curses.h>
#include <fcntl.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "canvas.h"
#include "cast.h"
#include "diagram.h"

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
	[AT_COPY] = { 1, F_BOLD, F_BOLD },
	[AT_DMA] = { 2, 0, 0 },
	[AT_REF] = { 3, 0, 0 },
	[AT_MAP] = { 4, 0, 0 },
	[AT_DIM] = { 0, F_DIM, F_DIM },
	[AT_BOX] = { 0, F_BOLD, 0 },
	[AT_TITLE] = { 0, F_REV, F_REV },
	[AT_OK] = { 2, F_BOLD, F_BOLD },
	[AT_BAD] = { 1, F_BOLD, F_BOLD },
	[AT_BLOCK] = { 5, F_BOLD, F_REV },
};

/* The colour of each pair, as curses numbers them (ANSI: 30 + it). */
static const short pair_colors[] = {
	[1] = COLOR_RED,     [2] = COLOR_GREEN,	 [3] = COLOR_CYAN,
	[4] = COLOR_MAGENTA, [5] = COLOR_YELLOW,
};

/* A cell's pair (0: none) and flags; AT_LIT in a: the arrow lit up. */
static unsigned look_of(const struct ui *u, int a, short *pair)
{
	unsigned lit = a & AT_LIT ? F_REV : 0;

	a &= ~AT_LIT;
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
					fprintf(out, ";%d",
						30 + pair_colors[pair]);
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
		*w = DIAGRAM_MIN_W;
		*h = DIAGRAM_MIN_H;
	}
}

void ui_draw(struct ui *u, const struct view *v, double now)
{
	int w, h;

	terminal_size(u, &w, &h);
	if (cv_resize(&u->cv, w, h))
		return;
	diagram_draw(&u->cv, u->g, v, now);
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
	for (short p = 1;
	     p < (short)(sizeof(pair_colors) / sizeof(pair_colors[0])); p++)
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
