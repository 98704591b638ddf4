/*
 * The dashboard's state. Events become log lines and moving blocks;
 * counters become arrows through the model. See view.h.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "syscalls.h"

static const double pace_rates[] = {
	0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512
};

#define NPACE ((int)(sizeof(pace_rates) / sizeof(pace_rates[0])))

double view_pace_rate(int level)
{
	return pace_rates[level < 0 ? 0 : level >= NPACE ? NPACE - 1 : level];
}

int view_pace_max(void)
{
	return NPACE - 1;
}

int view_pace_level(double rate)
{
	for (int i = 0; i < NPACE; i++)
		if (pace_rates[i] == rate)
			return i;
	return -1;
}

void view_init(struct view *v, enum view_pace first, bool replay)
{
	memset(v, 0, sizeof(*v));
	v->first_pace = first;
	v->pace_level = VIEW_PACE_DEFAULT;
	v->replay = replay;
}

void view_flash(struct view *v, const char *text, double now)
{
	snprintf(v->flash, sizeof(v->flash), " %s", text);
	v->flash_until = now + 3;
}

void view_reset(struct view *v, const struct run_config *cfg, double now)
{
	struct view keep = *v;

	memset(v, 0, sizeof(*v));
	v->first_pace = v->pace = keep.first_pace;
	v->pace_level = keep.pace_level;
	v->run_no = keep.run_no;
	v->run_total = keep.run_total;
	v->replay = keep.replay;
	memcpy(v->keys, keep.keys, sizeof(v->keys));
	memcpy(v->flash, keep.flash, sizeof(v->flash));
	v->flash_until = keep.flash_until;
	v->cfg = *cfg;
	v->res.in.demo = cfg->demo;
	/* the arrows' kinds before anything is counted: the log names them */
	model_compute(&v->res.in, &v->m);
	v->lit = -1;
	v->t_start = now;
	snprintf(v->status, sizeof(v->status), "running");
}

/* ---- the syscall log -------------------------------------------------- */

/* The arrow's kind as the model measured it: "CPU copy", "page ref" */
static const char *edge_word(const struct view *v, int edge)
{
	return edge >= 0 && edge < E_NR ?
		       model_kind_label(v->m.edge[edge].kind) :
		       "";
}

static void log_syscall(struct view *v, const struct zc_event *e, int edge)
{
	char *line = v->log[v->log_n++ % VIEW_LOG];
	const struct syscall_info *s = syscall_by_nr(e->nr);
	int n = syscall_format(line, VIEW_LINE, e->nr, e->args);

	if (n < 0 || n >= VIEW_LINE)
		return;
	/* mmap() returns an address: in hex, as a program would print it */
	if (s && s->moves == ZC_MOVES_MAP && e->ret > 0)
		snprintf(line + n, VIEW_LINE - n, " = %#" PRIx64 "%s%s",
			 (uint64_t)e->ret, edge >= 0 ? "   " : "",
			 edge_word(v, edge));
	else
		snprintf(line + n, VIEW_LINE - n, " = %" PRId64 "%s%s",
			 (int64_t)e->ret, edge >= 0 ? "   " : "",
			 edge_word(v, edge));
}

const char *view_log_line(const struct view *v, int back)
{
	if ((uint64_t)back >= v->log_n || back >= VIEW_LOG)
		return NULL;
	return v->log[(v->log_n - 1 - back) % VIEW_LOG];
}

/* ---- moving blocks ---------------------------------------------------- */

static void anim_add(struct view *v, double now, int n, enum zc_edge a,
		     enum zc_edge b)
{
	struct view_anim *an;
	double rate = view_pace_rate(v->pace_level);

	if (v->pace == PACE_FULL)
		return; /* too many to see: the counters tell */
	if (v->nanim == VIEW_ANIMS)
		memmove(v->anim, v->anim + 1, --v->nanim * sizeof(v->anim[0]));
	an = &v->anim[v->nanim++];
	an->path[0] = a;
	an->path[1] = b;
	an->n = n;
	an->start = now;
	/* a block per syscall, gone before the next one comes */
	an->dur = v->pace == PACE_STEP ? 0.8 : 0.9 / rate;
	if (an->dur > 1.2)
		an->dur = 1.2;
}

/* Which arrow(s) a returning syscall moved data along, if any. */
static int syscall_path(const struct zc_event *e, enum zc_edge path[2])
{
	const struct syscall_info *s = syscall_by_nr(e->nr);
	enum zc_moves moves = s ? s->moves : ZC_MOVES_NONE;

	if (e->ret <= 0)
		return 0;
	if (e->fd_kind == ZC_FD_FILE && moves == ZC_MOVES_MAP) {
		path[0] = E_CACHE_MAPPED;
		return 1;
	}
	if (e->fd_kind == ZC_FD_FILE && moves == ZC_MOVES_READ) {
		path[0] = E_CACHE_USER;
		return 1;
	}
	/* splice(): the fd in says the direction */
	if (e->fd_kind == ZC_FD_FILE && moves == ZC_MOVES_SPLICE) {
		path[0] = E_CACHE_PIPE;
		return 1;
	}
	if (e->fd_kind == ZC_FD_PIPE && moves == ZC_MOVES_SPLICE &&
	    e->send_kind != ZC_SEND_NONE) {
		path[0] = E_PIPE_SOCKET;
		path[1] = E_SOCKET_NIC;
		return 2;
	}
	/* io_uring_enter(): its requests sent from user memory */
	if (moves == ZC_MOVES_RING && e->send_kind != ZC_SEND_NONE) {
		path[0] = E_USER_SOCKET;
		path[1] = E_SOCKET_NIC;
		return 2;
	}
	if (e->fd_kind != ZC_FD_SOCKET)
		return 0;
	path[1] = E_SOCKET_NIC;
	if (moves == ZC_MOVES_SENDFILE || e->send_kind == ZC_SEND_REF)
		path[0] = E_CACHE_SOCKET;
	else if (moves == ZC_MOVES_SEND || e->send_kind == ZC_SEND_COPY ||
		 e->send_kind == ZC_SEND_UREF)
		path[0] = E_USER_SOCKET;
	else
		return 0;
	return 2;
}

bool view_moves_data(const struct zc_event *e)
{
	enum zc_edge path[2];

	return e->type == ZC_EV_SYSCALL && syscall_path(e, path) > 0;
}

void view_event(struct view *v, const struct zc_event *e, double now)
{
	enum zc_edge path[2] = { E_NR, E_NR };
	int n;

	if (e->type == ZC_EV_CACHE_ADD) {
		anim_add(v, now, 1, E_DISK_CACHE, E_NR);
		return;
	}
	if (e->type != ZC_EV_SYSCALL)
		return;
	n = syscall_path(e, path);
	/* the log starts with the transfer: start-up is not the lesson */
	v->logging |= n > 0;
	/*
	 * After the last data-moving call comes the program's exit, which
	 * view_end() cuts off again; keep at most half a log of it, so that
	 * it cannot overwrite the data calls that the log ends with.
	 */
	if (!n && v->log_n - v->log_n_data >= VIEW_LOG / 2)
		return;
	if (v->logging)
		log_syscall(v, e, n ? (int)path[0] : -1);
	if (!n)
		return;
	v->log_n_data = v->log_n;
	v->lit = path[0];
	anim_add(v, now, n, path[0], path[1]);
}

void view_counts(struct view *v, const struct zc_counts *c)
{
	v->res.in.counts = *c;
	model_compute(&v->res.in, &v->m);
}

void view_end(struct view *v, const struct run_result *res, bool failed,
	      double now)
{
	v->res = *res;
	view_counts(v, &res->in.counts);
	v->t_end = now;
	v->state = failed ? VS_FAILED : VS_DONE;
	if (failed)
		snprintf(v->status, sizeof(v->status), "%s", res->why);
	if (v->log_n_data)
		v->log_n = v->log_n_data;
}

double view_anim_progress(const struct view_anim *a, double now)
{
	double p = a->dur > 0 ? (now - a->start) / a->dur : 1;

	return p >= 1 ? -1 : p < 0 ? 0 : p;
}

void view_age(struct view *v, double now)
{
	int i, j = 0;

	for (i = 0; i < v->nanim; i++)
		if (view_anim_progress(&v->anim[i], now) >= 0)
			v->anim[j++] = v->anim[i];
	v->nanim = j;
}

/* ---- pace ------------------------------------------------------------- */

int view_tokens(struct view *v, double now)
{
	int n;

	if (v->pace != PACE_PACED || v->paused || v->state != VS_RUNNING) {
		v->tok_last = now;
		v->tok_credit = 0;
		return 0;
	}
	if (v->tok_last <= 0 || now - v->tok_last > 1)
		v->tok_last = now;
	v->tok_credit += (now - v->tok_last) * view_pace_rate(v->pace_level);
	v->tok_last = now;
	n = (int)v->tok_credit;
	v->tok_credit -= n;
	return n;
}
