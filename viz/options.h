/*
 * zcviz's command line: every option is one row of one table
 * (options.c), from which getopt's list, --help (and so the man page,
 * which help2man makes from it) and the checks of where an option
 * applies all come.
 */
#ifndef ZC_OPTIONS_H
#define ZC_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "run.h"
#include "view.h"

#define DEFAULT_SIZE (64ULL << 20)
#define DEFAULT_CHUNK (128 * 1024)

struct output;

struct opts {
	struct run_config run;
	const char *demo;
	const char *file;
	uint64_t size;
	const struct output *out; /* NULL: the dashboard */
	bool step;
	/* --pace: the dashboard's first pace, and its level (-1: the view's) */
	enum view_pace pace;
	int pace_level;
	const char *record, *replay;
	const char *cast; /* --cast FILE: the dashboard, as an asciicast */
	char **command; /* zcviz -- CMD ARGS... */
	double theory; /* --theory, or NAN: unknown */
	uint64_t given; /* the options given, by their row in the table */
	bool dashdash; /* a "--" ended the options: a command follows */
};

/* The defaults, then argv: 0 go on, 1 answered (--help, --version,
 * --list-demos), -1 bad usage, -3 a receiver this machine cannot have
 * (said on stderr). */
int opts_parse(int argc, char **argv, struct opts *o);

#endif /* ZC_OPTIONS_H */
