/*
 * The printed outputs: --report, --json, --csv. An output is a row in
 * outputs[] (output.c) and the functions it names, in a file of its own
 * (report.c, csv.c); the command line, --help and the man page take the
 * options from the table, and a session prints each run through the one
 * chosen.
 */
#ifndef ZC_OUTPUT_H
#define ZC_OUTPUT_H

#include <stdio.h>

struct session;
struct session_run;

struct output {
	const char *name; /* its option: --NAME */
	const char *help; /* what it prints, for --help */
	/* after each run (NULL: nothing); s->printed runs were before it */
	void (*run)(FILE *f, const struct session *s,
		    const struct session_run *r);
	/* after the last run, unless stopped (NULL: nothing) */
	void (*done)(FILE *f, const struct session *s);
};

/* The table, ended by a row without a name */
extern const struct output outputs[];

/* The row of --NAME, or NULL */
const struct output *output_find(const char *name);
/* "--report, --json or --csv" (sep ',') or "--report|--json|--csv" */
const char *output_options(char sep);

#endif /* ZC_OUTPUT_H */
