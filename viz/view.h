/*
 * What the dashboard shows, as plain data: the run's counters and the
 * model's arrows, the log of the last syscalls, the blocks moving along
 * the arrows, and the pace. A live run and a replay feed it alike;
 * diagram.c draws it, ui.c shows the drawing. No curses here.
 */
#ifndef ZC_VIEW_H
#define ZC_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "run.h"

#define VIEW_LOG 64 /* syscall log lines kept */
#define VIEW_ANIMS 8 /* blocks moving at once */
#define VIEW_LINE 96

enum view_pace { PACE_STEP, PACE_PACED, PACE_FULL };

enum view_state {
	VS_RUNNING,
	VS_DONE, /* finished and verified */
	VS_FAILED,
};

/* A block moving along up to three arrows, one after the other. */
struct view_anim {
	enum zc_edge path[3];
	int n;
	double start, dur; /* seconds */
};

struct view {
	struct run_config cfg; /* demo, file, chunk, sg, cold */
	struct run_result res; /* egress, file size, verdict; counts */
	struct model_result m; /* computed from res.in each frame */
	char log[VIEW_LOG][VIEW_LINE]; /* a ring: the last VIEW_LOG lines */
	uint64_t log_n; /* lines ever added */
	uint64_t log_n_data; /* log_n after the last data-moving syscall */
	bool logging; /* from the first data-moving syscall on */
	struct view_anim anim[VIEW_ANIMS];
	int nanim;
	int lit; /* the arrow the last syscall used, or -1 */
	enum view_pace pace;
	enum view_pace first_pace; /* what each new run starts with */
	int pace_level; /* syscalls a second: view_pace_rate() */
	bool paused;
	double tok_last, tok_credit; /* view_tokens() */
	enum view_state state;
	char status[160]; /* the run's verdict or error */
	double t_start; /* when the run started (seconds) */
	double t_end; /* when it ended, 0 while running */
	int run_no, run_total; /* "2/4" when playing all */
	bool replay;
	char keys[VIEW_LINE]; /* the key bar: the keys that do something */
	char flash[VIEW_LINE]; /* a short message in its place, until ... */
	double flash_until;
};

/* Sets up a view once: the pace every run starts with. */
void view_init(struct view *v, enum view_pace first, bool replay);
/* Shows text on the key bar for a few seconds (a key that did nothing). */
void view_flash(struct view *v, const char *text, double now);
/* Starts a fresh run of cfg in the view; pace level and run numbers stay. */
void view_reset(struct view *v, const struct run_config *cfg, double now);
/* Does this syscall move the file's data (and light an arrow)? */
bool view_moves_data(const struct zc_event *e);
/* An event from the instrument (live, or read back from a recording). */
void view_event(struct view *v, const struct zc_event *e, double now);
/* New counters; recomputes the arrows. */
void view_counts(struct view *v, const struct zc_counts *c);
/* The run ended: the log ends with its last data-moving syscall, as the
 * counted syscalls do (the program's exit is not the lesson). */
void view_end(struct view *v, const struct run_result *res, bool failed,
	      double now);
/* Drops the animations that are over. */
void view_age(struct view *v, double now);
/* Where a block is on its path: 0..1 of the whole, or -1 when done. */
double view_anim_progress(const struct view_anim *a, double now);
const char *view_log_line(const struct view *v, int back); /* 0 newest */

/* Pace: syscalls a second for a level; levels go from 0 to view_pace_max(). */
#define VIEW_PACE_DEFAULT 3 /* 4 syscalls a second: a class can follow */
double view_pace_rate(int level);
int view_pace_max(void);
/* The level of rate syscalls a second, or -1 when no level is. */
int view_pace_level(double rate);
/* How many syscalls to allow between two instants at the current pace. */
int view_tokens(struct view *v, double now);

#endif /* ZC_VIEW_H */
