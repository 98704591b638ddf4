/*
 * The one table of demos: a demo is a row. Everything that lists,
 * describes, draws, tests or benchmarks demos reads its row: the senders
 * their help and summary, zcviz its model, dashboard, reports and replays,
 * and the scripts through zcviz --list-demos. Adding a demo is its .c file
 * with the loop, its program in the Makefile's SENDERS, and its row in
 * demos.c (docs/architecture.md, "How to add a demo", lists the rest).
 */
#ifndef ZC_DEMOS_H
#define ZC_DEMOS_H

#include <stdbool.h>

struct zc_demo {
	const char *name; /* "sendfile": zcviz DEMO, make demo-NAME */
	const char *program; /* "zc-sendfile", built from demos/sendfile.c */
	/* a Java demo: its class, demos/java/CLASS.java; its program is then
	 * zc-java under the row's name, which runs it in a JVM */
	const char *java_class;
	/* the syscalls that move the file, as the table in viz/syscalls.c
	 * names them; counted: those the sender counts in its summary */
	const char *syscalls, *counted;
	bool sg; /* scatter-gather on the lab's device, unless --sg says */
	bool wants_gather; /* the sender warns when its device cannot gather */
	/* it needs what a machine may lack (io_uring): its program answers
	 * --check, as a Java demo's does, and zcviz all skips it without */
	bool needs_check;
	bool batches; /* it takes --batch N: N chunks per syscall */
#define ZC_MAX_BATCH 256 /* --batch's largest N */
	/* its sends pin user pages, and the kernel answers for each later
	 * (the summary's completions); delivered to a local socket, as in
	 * the lab, the kernel copies them after all: one more copy */
	bool pins_user_pages;
	/* one of the article's four, its table's rows: zcviz classic plays
	 * them, and only them, in turn */
	bool classic;
	/* the theory: CPU copies of every byte on a device without
	 * scatter-gather ([0]) and with it ([1]) */
	double copies[2];
	const char *title; /* the dashboard's header: what it calls */
	const char *brief; /* the same, where the title does not fit */
	const char *what; /* the sender's --help: what it does */
	const char *card; /* zcviz all's title card: predict, then the textbook */
};

#define ZC_MAX_DEMOS 16 /* rows the table may have (dashboard keys: 9) */

extern const struct zc_demo zc_demos[];
extern const int zc_ndemos;

/* The row called name, or NULL. */
const struct zc_demo *zc_demo_find(const char *name);
/* The row of the program called program ("zc-sendfile"), or NULL. */
const struct zc_demo *zc_demo_of_program(const char *program);
/* Does its program answer --check (a Java demo, or needs_check)? */
bool zc_demo_may_lack(const struct zc_demo *d);
/* Its place in the table: 0 for the first row (dashboard key 1). */
int zc_demo_index(const struct zc_demo *d);

/* Names for several demos, played in turn: all, and classic (the rows
 * that say so). The i-th's name and what it plays, or NULL past them. */
const char *zc_selection_name(int i, const char **what);
/* Is name one of them? */
bool zc_is_selection(const char *name);
/* Is row d in the selection called name (a demo's name: just that one)? */
bool zc_demo_selected(const char *name, const struct zc_demo *d);

#endif /* ZC_DEMOS_H */
