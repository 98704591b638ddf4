/*
 * --csv: one line per run, for a spreadsheet or a script, under a line of
 * column names, once the runs are over (the runs of `all` have different
 * syscalls, and the columns are all of them). The columns are the JSON's
 * values that are not lists, taken from the very object --json prints
 * for the run, so that the two never disagree: a nested value's name is
 * its path ("context_switches.voluntary"); null, or a value a run does
 * not have, is an empty field.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/units.h"
#include "output.h"
#include "report.h"
#include "session.h"

#define CSV_MAX_FIELDS 256

struct csv_row {
	int n;
	char *key[CSV_MAX_FIELDS];
	char *val[CSV_MAX_FIELDS]; /* decoded; "" for null */
};

static const char *json_skip(const char *p);

/* Out of memory while printing: nothing sensible is left to print. */
static void *oom(void *p)
{
	if (!p) {
		fprintf(stderr, "zcviz: out of memory\n");
		exit(ZC_EXIT_ENV);
	}
	return p;
}

/* A JSON string at p (its opening quote), decoded into a malloc'd copy
 * when out is not NULL; returns what follows it. */
static const char *json_str(const char *p, char **out)
{
	static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	char *s = malloc(strlen(p) + 1), *o = s;

	for (oom(s), p++; *p && *p != '"'; p++) {
		if (*p != '\\') {
			*o++ = *p;
		} else if (*++p == 'u') {
			/* report.c escapes only control characters */
			*o++ = (char)strtol((char[]){ p[3], p[4], 0 }, NULL,
					    16);
			p += 4;
		} else if (*p) {
			const char *e = strchr(esc, *p);

			*o++ = e && (e - esc) % 2 == 0 ? e[1] : *p;
		}
	}
	*o = '\0';
	if (out)
		*out = s;
	else
		free(s);
	return *p ? p + 1 : p;
}

/* Past one value of any kind. */
static const char *json_skip(const char *p)
{
	int depth = 0;

	do {
		if (*p == '"')
			p = json_str(p, NULL);
		else if (*p == '{' || *p == '[')
			depth++, p++;
		else if (*p == '}' || *p == ']')
			depth--, p++;
		else if (depth || !strchr(",}]", *p))
			p++;
	} while (*p && (depth || !strchr(",}]", *p)));
	return p;
}

/* A string, number, true, false or null (an empty field); what follows. */
static const char *json_scalar(const char *p, char **out)
{
	size_t n = strcspn(p, ",}");

	if (*p == '"')
		return json_str(p, out);
	*out = oom(strndup(p, strncmp(p, "null", 4) ? n : 0));
	return p + n;
}

/* The members of the object at p, flattened into row under prefix. */
static const char *json_members(const char *p, const char *prefix,
				struct csv_row *row)
{
	char *key, path[256];

	for (p++; *p == '"'; p += *p == ',') {
		p = json_str(p, &key) + 1; /* and the colon */
		snprintf(path, sizeof(path), "%s%s", prefix, key);
		free(key);
		if (*p == '{') {
			strcat(path, ".");
			p = json_members(p, path, row) + 1;
		} else if (*p == '[' || row->n == CSV_MAX_FIELDS) {
			p = json_skip(p);
		} else {
			row->key[row->n] = oom(strdup(path));
			p = json_scalar(p, &row->val[row->n++]);
		}
	}
	return p;
}

/* RFC 4180: a field with a comma, a quote or a line end is quoted. */
static void csv_field(FILE *f, const char *s, bool first)
{
	if (!first)
		fputc(',', f);
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++)
		fprintf(f, *s == '"' ? "\"\"" : "%c", *s);
	fputc('"', f);
}

static void row_free(struct csv_row *row)
{
	for (int i = 0; i < row->n; i++) {
		free(row->key[i]);
		free(row->val[i]);
	}
}

/* The run's JSON, as --json prints it, flattened into row. */
static void row_read(struct csv_row *row, const struct session_run *r)
{
	char *json = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&json, &len);

	*row = (struct csv_row){ 0 };
	if (!mem)
		return;
	report_json(mem, &r->cfg, &r->res, &r->m);
	fclose(mem);
	json_members(json, "", row);
	free(json);
}

/* The columns: every name any run has, in the order they first come. */
static int columns_make(const struct csv_row rows[], int n, const char *cols[])
{
	int ncols = 0, k;

	for (int i = 0; i < n; i++)
		for (int j = 0; j < rows[i].n; j++) {
			for (k = 0;
			     k < ncols && strcmp(cols[k], rows[i].key[j]); k++)
				;
			if (k == ncols && ncols < CSV_MAX_FIELDS)
				cols[ncols++] = rows[i].key[j];
		}
	return ncols;
}

static void row_print(FILE *f, const struct csv_row *row, const char *cols[],
		      int ncols)
{
	for (int i = 0, j; i < ncols; i++) {
		for (j = 0; j < row->n && strcmp(row->key[j], cols[i]); j++)
			;
		csv_field(f, j < row->n ? row->val[j] : "", !i);
	}
	fputc('\n', f);
}

void csv_done(FILE *f, const struct session *s)
{
	const char *cols[CSV_MAX_FIELDS];
	int n, ncols;
	const struct session_run **runs = session_runs(s, &n);
	struct csv_row *rows = runs ? calloc(n + 1, sizeof(*rows)) : NULL;

	for (int i = 0; rows && i < n; i++)
		row_read(&rows[i], runs[i]);
	ncols = rows ? columns_make(rows, n, cols) : 0;
	for (int i = 0; i < ncols; i++)
		csv_field(f, cols[i], !i);
	fputc('\n', f);
	for (int i = 0; rows && i < n; i++)
		row_print(f, &rows[i], cols, ncols);
	fflush(f);
	for (int i = 0; rows && i < n; i++)
		row_free(&rows[i]);
	free(rows);
	free(runs);
}
