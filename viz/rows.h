/*
 * The demo table as the command line shows it, and the rows of runs the
 * table does not hold.
 */
#ifndef ZC_ROWS_H
#define ZC_ROWS_H

#include <stdio.h>
#include <sys/types.h>

#include "../lib/demos.h"

/* Every demo's name, then "or all or classic", for messages */
const char *rows_choices(void);
/* The dashboard's paces, "0.5, 1, ... or full", for messages */
const char *rows_paces(void);
/* The demos whose row batches, "a, b", for messages */
const char *rows_batching(void);
/* --list-demos: one row a line, tab-separated (--help says the columns) */
void rows_list(void);
/* --help's list: the demos with their titles, then the selections */
void rows_usage(FILE *f);

/* The program cmd names, as a path (PATH searched, as a shell would), or
 * NULL when there is none. */
const char *rows_command_path(const char *cmd);
/* zcviz -- CMD ARGS...: CMD sends in the lab like a demo, to {sink} with
 * {file}; it is a row of its own, named after the program, whose theory
 * is --theory's (NAN: unknown). */
struct zc_demo *rows_command(char *const argv[], double theory);
/* A row for a run the table does not hold: a command's, a watched
 * program's, a replayed one's; theory NAN: unknown */
struct zc_demo rows_outside(const char *name, const char *program,
			    const char *title, double theory);
/* zcviz -p PID's row */
struct zc_demo *rows_watch(pid_t pid);

#endif /* ZC_ROWS_H */
