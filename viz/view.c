/*
 * The dashboard's state. Events become log lines and moving blocks;
 * counters become arrows through the model. See view.h.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>

static const double pace_rates[] = {
	0.5, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512
};

#define NPACE ((int)(sizeof(pace_rates) / sizeof(pace_rates[0])))
#define PACE_DEFAULT 3 /* 4 syscalls a second: a class can follow */

double view_pace_rate(int level)
{
	return pace_rates[level < 0 ? 0 : level >= NPACE ? NPACE - 1 : level];
}

int view_pace_max(void)
{
	return NPACE - 1;
}

void view_init(struct view *v, enum view_pace first, bool replay)
{
	memset(v, 0, sizeof(*v));
	v->first_pace = first;
	v->pace_level = PACE_DEFAULT;
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
	v->lit = -1;
	v->t_start = now;
	snprintf(v->status, sizeof(v->status), "running");
}

/* ---- the syscall log -------------------------------------------------- */

static const char *syscall_name(long nr)
{
	static const struct {
		long nr;
		const char *name;
	} names[] = {
		{ SYS_read, "read" },
		{ SYS_write, "write" },
		{ SYS_sendfile, "sendfile" },
		{ SYS_mmap, "mmap" },
		{ SYS_munmap, "munmap" },
		{ SYS_pread64, "pread64" },
		{ SYS_shutdown, "shutdown" },
		{ SYS_close, "close" },
		{ SYS_clock_nanosleep, "clock_nanosleep" },
		{ SYS_newfstatat, "newfstatat" },
		{ SYS_fstat, "fstat" },
		{ SYS_openat, "openat" },
		{ SYS_clone, "clone" },
		{ SYS_wait4, "wait4" },
		{ SYS_pipe2, "pipe2" },
		{ SYS_exit_group, "exit_group" },
		{ SYS_ioctl, "ioctl" },
		{ SYS_socket, "socket" },
		{ SYS_connect, "connect" },
		{ SYS_getsockname, "getsockname" },
		{ SYS_getpeername, "getpeername" },
		{ SYS_sendto, "sendto" },
		{ SYS_recvfrom, "recvfrom" },
		{ SYS_recvmsg, "recvmsg" },
		{ SYS_fcntl, "fcntl" },
		{ SYS_rt_sigaction, "rt_sigaction" },
		{ SYS_brk, "brk" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].nr == nr)
			return names[i].name;
	return NULL;
}

static const char *edge_word(int edge)
{
	switch (edge) {
	case E_CACHE_USER:
	case E_USER_SOCKET:
		return "CPU copy";
	case E_CACHE_SOCKET:
		return "page ref";
	case E_CACHE_MAPPED:
		return "mapped";
	case E_DISK_CACHE:
		return "DMA";
	}
	return "";
}

static void log_syscall(struct view *v, const struct zc_event *e, int edge)
{
	char *line = v->log[v->log_n++ % VIEW_LOG];
	const __u64 *a = e->args;
	const char *name = syscall_name(e->nr);
	int n;

	if (e->nr == SYS_sendfile)
		n = snprintf(line, VIEW_LINE,
			     "sendfile(%d, %d, &off, %" PRIu64 ")", (int)a[0],
			     (int)a[1], (uint64_t)a[3]);
	else if (e->nr == SYS_mmap)
		n = snprintf(line, VIEW_LINE,
			     "mmap(NULL, %" PRIu64
			     ", PROT_READ, MAP_SHARED, %d, 0)",
			     (uint64_t)a[1], (int)a[4]);
	else if (e->nr == SYS_read || e->nr == SYS_write)
		n = snprintf(line, VIEW_LINE, "%s(%d, buf, %" PRIu64 ")", name,
			     (int)a[0], (uint64_t)a[2]);
	else if (name)
		n = snprintf(line, VIEW_LINE,
			     "%s(%#" PRIx64 ", %#" PRIx64 ", ...)", name,
			     (uint64_t)a[0], (uint64_t)a[1]);
	else
		n = snprintf(line, VIEW_LINE, "syscall %d(%#" PRIx64 ", ...)",
			     e->nr, (uint64_t)a[0]);
	if (n < 0 || n >= VIEW_LINE)
		return;
	if (e->nr == SYS_mmap && e->ret > 0)
		snprintf(line + n, VIEW_LINE - n, " = %#" PRIx64 "%s%s",
			 (uint64_t)e->ret, edge >= 0 ? "   " : "",
			 edge_word(edge));
	else
		snprintf(line + n, VIEW_LINE - n, " = %" PRId64 "%s%s",
			 (int64_t)e->ret, edge >= 0 ? "   " : "",
			 edge >= 0 ? edge_word(edge) : "");
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
	if (e->ret <= 0)
		return 0;
	if (e->fd_kind == ZC_FD_FILE && e->nr == SYS_mmap) {
		path[0] = E_CACHE_MAPPED;
		return 1;
	}
	if (e->fd_kind == ZC_FD_FILE && e->nr != SYS_mmap) {
		path[0] = E_CACHE_USER;
		return 1;
	}
	if (e->fd_kind == ZC_FD_SOCKET && e->nr == SYS_sendfile) {
		path[0] = E_CACHE_SOCKET;
		path[1] = E_SOCKET_NIC;
		return 2;
	}
	if (e->fd_kind == ZC_FD_SOCKET &&
	    (e->send_kind == ZC_SEND_COPY || e->nr == SYS_write)) {
		path[0] = E_USER_SOCKET;
		path[1] = E_SOCKET_NIC;
		return 2;
	}
	if (e->fd_kind == ZC_FD_SOCKET && e->send_kind == ZC_SEND_REF) {
		path[0] = E_CACHE_SOCKET;
		path[1] = E_SOCKET_NIC;
		return 2;
	}
	return 0;
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
