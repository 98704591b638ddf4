/*
 * The table of printed outputs. See output.h.
 */
#include "output.h"

#include <string.h>

#include "session.h"

/* The rows' functions, each in its own file */
void report_run(FILE *f, const struct session *s, const struct session_run *r);
void report_done(FILE *f, const struct session *s);
void json_run(FILE *f, const struct session *s, const struct session_run *r);
void csv_done(FILE *f, const struct session *s);

const struct output outputs[] = {
	{ "report",
	  "print a table instead of the dashboard (the default\n"
	  "when stdout is not a terminal)",
	  report_run, report_done },
	{ "json", "print one JSON object per demo run", json_run, NULL },
	{ "csv",
	  "print one CSV line per run, under a line naming the\ncolumns: the JSON's values, a nested one as a.b",
	  NULL, csv_done },
	{ NULL, NULL, NULL, NULL },
};

const struct output *output_find(const char *name)
{
	for (const struct output *o = outputs; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

const char *output_options(char sep)
{
	static char s[128];
	size_t n = 0;

	for (const struct output *o = outputs; o->name && n < sizeof(s); o++)
		n += snprintf(s + n, sizeof(s) - n, "%s--%s",
			      o == outputs ? "" :
			      sep != ','   ? "|" :
			      !o[1].name   ? " or " :
					     ", ",
			      o->name);
	return s;
}
