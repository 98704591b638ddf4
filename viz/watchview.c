/*
 * The dashboard's parts for watched programs (zcviz -p): its title, its
 * figures and, where a demo has its syscall log, a table of the flows
 * (as tcptop lists connections), busiest first, each with its verdict in
 * brief. diagram.c draws the rest, the stage diagram, as for any run.
 */
#include "watchview.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts.h"
#include "verdict.h"

/* How many processes are watched, and of them how many exited. */
static int procs_n(const struct run_result *res, int *exited)
{
	int n = 0;

	*exited = 0;
	for (int i = 0; i < ZC_MAX_PROCS; i++) {
		n += res->procs[i].tgid != 0;
		*exited += res->procs[i].tgid && res->procs[i].exited;
	}
	return n;
}

void watchview_title(struct canvas *cv, const struct view *v, int room)
{
	const struct run_result *res = &v->res;
	int exited, n = procs_n(res, &exited);
	char s[VIEW_LINE];

	if (n > 1)
		snprintf(s, sizeof(s), "zcviz%s  %s (pid %d) and %d more",
			 v->replay ? " (replay)" : "", res->comm, (int)res->pid,
			 n - 1);
	else
		snprintf(s, sizeof(s), "zcviz%s  %s (pid %d)",
			 v->replay ? " (replay)" : "",
			 res->comm[0] ? res->comm : "watched", (int)res->pid);
	if ((int)strlen(s) > room && room > 0)
		s[room] = '\0';
	cv_text(cv, 1, 0, AT_TITLE, s);
	snprintf(
		s, sizeof(s),
		"watched %.1f s, %d process%s (%d exited), every socket, every device",
		res->watched_ns / 1e9, n, n == 1 ? "" : "es", exited);
	cv_text(cv, 1, 1, AT_NONE, s);
}

void watchview_figures(struct canvas *cv, const struct view *v, int row)
{
	const struct model_result *m = &v->m;
	char b[32], why[512];
	int x;

	x = cv_text(cv, 1, row, AT_NONE, "CPU copies per byte sent ");
	cv_printf(cv, x, row, m->copies_per_byte > 0 ? AT_COPY : AT_OK,
		  "%.2f x", m->copies_per_byte);
	cv_text(cv, cv->w - 13 > x + 8 ? cv->w - 13 : x + 8, row, AT_DIM,
		"not verified");
	cv_printf(cv, 1, row + 1, AT_NONE,
		  "syscalls %" PRIu64 "   page faults %" PRIu64
		  "   mode switches %" PRIu64,
		  m->syscalls, m->page_faults, m->mode_switches);
	cv_bytes(b, sizeof(b), m->socket_in);
	x = cv_printf(cv, 1, row + 2, AT_NONE, "sockets took %s", b);
	if (v->state != VS_RUNNING)
		cv_printf(cv, x, row + 2, AT_NONE,
			  "   CPU user %.1f ms, sys %.1f ms",
			  m->cpu_user_ns / 1e6, m->cpu_sys_ns / 1e6);
	if (v->res.in.missing)
		cv_text(cv, 1, row + 3, AT_BAD,
			"not measured here: see the report for which figures");
	else
		cv_text(cv, 1, row + 3, AT_DIM,
			"each flow: a socket of theirs; why: its verdict, from what was measured");
	verdict_make(&v->res.in, m, why, sizeof(why));
	cv_printf(cv, 1, row + 4, AT_NONE, "why: %s", why);
}

/* The flows, busiest first: their slots in order. */
static int flows_order(const struct run_result *res, int *order)
{
	int n = 0, j, k;

	for (int i = 0; i < ZC_MAX_FLOWS; i++) {
		if (!res->flows[i].sk)
			continue;
		for (j = n; j > 0; j--) {
			k = order[j - 1];
			if (facts_flow_taken(&res->flows[k]) >=
			    facts_flow_taken(&res->flows[i]))
				break;
			order[j] = k;
		}
		order[j] = i;
		n++;
	}
	return n;
}

/* A flow's row of the table, and the table's head, column by column */
#define FLOW_ROW "%-21.21s %7u %7s %7s %7s  "
#define FLOW_HEAD "%-21s %7s %7s %7s %7s  "

static void flow_row(struct canvas *cv, const struct view *v,
		     const struct zc_flow *fl, int row)
{
	char r[64], took[16], copied[16], ref[16], brief[32];
	uint64_t in = facts_flow_taken(fl);

	facts_flow_end(r, sizeof(r), fl, fl->daddr, fl->dport);
	cv_bytes(took, sizeof(took), in);
	cv_bytes(copied, sizeof(copied), fl->taken[ZC_TAKEN_COPY]);
	cv_bytes(ref, sizeof(ref),
		 fl->taken[ZC_TAKEN_REF] + fl->taken[ZC_TAKEN_UREF]);
	verdict_flow_brief(&v->res, fl, brief, sizeof(brief));
	cv_text(cv,
		cv_printf(cv, 2, row, AT_NONE, FLOW_ROW, r, fl->tgid, took,
			  copied, ref),
		row, fl->taken[ZC_TAKEN_COPY] > in / 100 ? AT_COPY : AT_REF,
		brief);
}

void watchview_flows(struct canvas *cv, const struct glyphs *g,
		     const struct view *v, int row, int rows)
{
	int order[ZC_MAX_FLOWS], n = flows_order(&v->res, order), x;

	for (x = 0; x < cv->w; x++)
		cv_put(cv, x, row, AT_DIM, g->h);
	cv_printf(cv, 2, row, AT_NONE, " flows (%d%s) ", n,
		  v->res.in.counts.c[ZC_C_FLOWS_OVER] ? " and more" : "");
	if (rows < 2)
		return;
	cv_printf(cv, 2, row + 1, AT_DIM, FLOW_HEAD "why", "remote", "pid",
		  "took", "copied", "by ref");
	for (int i = 0; i < n && i < rows - 1; i++)
		flow_row(cv, v, &v->res.flows[order[i]], row + 2 + i);
}
