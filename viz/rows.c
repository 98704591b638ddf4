/*
 * The demo table as zcviz's command line shows it (names for messages,
 * --list-demos, --help's list), and the rows zcviz makes for what the
 * table does not hold: a command, a watched program. See rows.h.
 */
#include "rows.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "view.h"

/* The demos' names and "or all or classic", from the table, for messages */
const char *rows_choices(void)
{
	static char s[512];
	const char *sel;
	size_t n = 0;

	for (int i = 0; i < zc_ndemos && n < sizeof(s); i++)
		n += snprintf(s + n, sizeof(s) - n, "%s%s", i ? ", " : "",
			      zc_demos[i].name);
	for (int i = 0; (sel = zc_selection_name(i, NULL)) && n < sizeof(s);
	     i++)
		n += snprintf(s + n, sizeof(s) - n, " or %s", sel);
	return s;
}

/* The dashboard's paces, "0.5, 1, ... or full", for messages */
const char *rows_paces(void)
{
	static char s[128];
	size_t n = 0;

	for (int i = 0; i <= view_pace_max() && n < sizeof(s); i++)
		n += snprintf(s + n, sizeof(s) - n, "%g, ", view_pace_rate(i));
	snprintf(s + n, sizeof(s) - n, "or full");
	return s;
}

/* --list-demos: one row a line, tab-separated, for scripts (usage says
 * the columns) */
void rows_list(void)
{
	const struct zc_demo *d;

	for (int i = 0; i < zc_ndemos; i++) {
		d = &zc_demos[i];
		printf("%s\t%s\t%s\t%g\t%g\t%s\t%s\t%s\t%g\t%s\n", d->name,
		       d->program, d->sg ? "on" : "off", d->copies[0],
		       d->copies[1], d->title, d->brief,
		       d->java_class ? "java" : "c",
		       model_theory(d, d->sg, true),
		       d->classic ? "classic" : "");
	}
}

/* The demos whose row batches, "a, b": for a message. */
const char *rows_batching(void)
{
	static char list[256];
	size_t n = 0;

	list[0] = '\0';
	for (int i = 0; i < zc_ndemos && n < sizeof(list); i++)
		if (zc_demos[i].batches)
			n += snprintf(list + n, sizeof(list) - n, "%s%s",
				      n ? ", " : "", zc_demos[i].name);
	return list;
}

/* The demos in a column as wide as the longest name, titles after two
 * spaces (help2man reads the list so, for the man page); then the names
 * that play several. */
void rows_usage(FILE *f)
{
	const char *sel, *what;
	int w = 0;

	for (int i = 0; i < zc_ndemos; i++)
		if ((int)strlen(zc_demos[i].name) > w)
			w = (int)strlen(zc_demos[i].name);
	for (int i = 0; i < zc_ndemos; i++)
		fprintf(f, "  %-*s  %s\n", w, zc_demos[i].name,
			zc_demos[i].title);
	for (int i = 0; (sel = zc_selection_name(i, &what)); i++)
		fprintf(f, "  %-*s  %s, in turn\n", w, sel, what);
}

/*
 * zcviz -- CMD ARGS...: CMD sends in the lab like a demo, to {sink} with
 * {file}; it is a row of its own, named after the program, whose theory
 * is --theory's or unknown.
 */
static struct zc_demo command_row, watch_row;
static char command_line[256], watch_name[32];

/* The program cmd names, as a path (PATH searched, as a shell would), or
 * NULL: the run execs it itself. */
const char *rows_command_path(const char *cmd)
{
	static char path[4096];
	const char *p, *end;

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) ? NULL : cmd;
	for (p = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin"; *p;
	     p = *end ? end + 1 : end) {
		end = p + strcspn(p, ":");
		snprintf(path, sizeof(path), "%.*s/%s", (int)(end - p), p, cmd);
		if (!access(path, X_OK))
			return path;
	}
	return NULL;
}

struct zc_demo rows_outside(const char *name, const char *program,
			    const char *title, double theory)
{
	return (struct zc_demo){ .name = name,
				 .program = program,
				 .syscalls = "",
				 .counted = "",
				 .sg = true,
				 .copies = { theory, theory },
				 .title = title,
				 .brief = name,
				 .what = "",
				 .card = "" };
}

struct zc_demo *rows_command(char *const argv[], double theory)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 :
						   argv[0];
	size_t n = 0;

	for (int i = 0; argv[i] && n < sizeof(command_line); i++)
		n += snprintf(command_line + n, sizeof(command_line) - n,
			      "%s%s", i ? " " : "", argv[i]);
	command_row = rows_outside(name, argv[0], command_line, theory);
	return &command_row;
}

/*
 * zcviz -p PID: a program already running, watched where it is; a row of
 * its own too, named after the PID until the program's name is known.
 */
struct zc_demo *rows_watch(pid_t pid)
{
	snprintf(watch_name, sizeof(watch_name), "pid %ld", (long)pid);
	watch_row = rows_outside(watch_name, watch_name, watch_name, NAN);
	return &watch_row;
}
