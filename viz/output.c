/*
 * The table of printed outputs. See output.h.
 */
#include "output.h"

#include <string.h>

#include "session.h"

const struct output outputs[] = {
	{ "report",
	  "print a report of each run, then a table comparing them,\n"
	  "instead of the dashboard (the default when stdout is not a\n"
	  "terminal)",
	  report_run, report_done },
	{ "json", "print one JSON object per run", json_run, NULL },
	{ NULL },
};

const struct output *output_find(const char *name)
{
	for (const struct output *o = outputs; o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

const char *output_options(void)
{
	static char s[128];
	size_t n = 0;

	for (const struct output *o = outputs; o->name && n < sizeof(s); o++)
		n += snprintf(s + n, sizeof(s) - n, "%s--%s",
			      o == outputs ? "" :
			      o[1].name	   ? ", " :
					     " or ",
			      o->name);
	return s;
}
