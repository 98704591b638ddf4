/*
 * libFuzzer harness: a trace, however made, goes through everything a
 * replay does (the parser, the model, a session of its runs printed by
 * every output in the table, the comparison table, the dashboard's view)
 * without a crash, a leak, a hang or undefined behaviour; every JSON
 * object it prints is one a strict parser accepts. make fuzz runs it;
 * make test replays regressions/.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/units.h"
#include "../../viz/model.h"
#include "../../viz/output.h"
#include "../../viz/record.h"
#include "../../viz/report.h"
#include "../../viz/session.h"
#include "../../viz/text.h"
#include "../../viz/view.h"

/* ---- a strict JSON checker (RFC 8259), for what report_json() prints -- */

struct json {
	const char *s, *end;
	int depth;
};

static int json_value(struct json *j);

static void json_ws(struct json *j)
{
	while (j->s < j->end && strchr(" \t\n\r", *j->s) && *j->s)
		j->s++;
}

static int json_lit(struct json *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->s) < n || memcmp(j->s, lit, n))
		return -1;
	j->s += n;
	return 0;
}

static int json_string(struct json *j)
{
	size_t n;

	if (json_lit(j, "\""))
		return -1;
	while (j->s < j->end && *j->s != '"') {
		if ((unsigned char)*j->s < 0x20)
			return -1;
		if (*j->s == '\\') {
			j->s++;
			if (j->s >= j->end || !strchr("\"\\/bfnrtu", *j->s) ||
			    !*j->s)
				return -1;
			if (*j->s++ != 'u')
				continue;
			for (int i = 0; i < 4; i++, j->s++)
				if (j->s >= j->end ||
				    !strchr("0123456789abcdefABCDEF", *j->s) ||
				    !*j->s)
					return -1;
			continue;
		}
		n = text_utf8_len(j->s);
		if (!n)
			return -1;
		j->s += n;
	}
	return json_lit(j, "\"");
}

static int json_number(struct json *j)
{
	const char *start = j->s;

	if (j->s < j->end && *j->s == '-')
		j->s++;
	if (j->s >= j->end || *j->s < '0' || *j->s > '9')
		return -1;
	while (j->s < j->end && strchr("0123456789.eE+-", *j->s) && *j->s)
		j->s++;
	/* no nan, no inf: printf's %g would have written letters */
	return j->s > start ? 0 : -1;
}

static int json_members(struct json *j, char close, int keyed)
{
	json_ws(j);
	if (j->s < j->end && *j->s == close)
		return j->s++, 0;
	for (;;) {
		json_ws(j);
		if (keyed && (json_string(j) || (json_ws(j), json_lit(j, ":"))))
			return -1;
		if (json_value(j))
			return -1;
		json_ws(j);
		if (j->s < j->end && *j->s == close)
			return j->s++, 0;
		if (json_lit(j, ","))
			return -1;
	}
}

static int json_value(struct json *j)
{
	int rc;

	json_ws(j);
	if (j->s >= j->end || ++j->depth > 32)
		return -1;
	switch (*j->s) {
	case '{':
		j->s++;
		rc = json_members(j, '}', 1);
		break;
	case '[':
		j->s++;
		rc = json_members(j, ']', 0);
		break;
	case '"':
		rc = json_string(j);
		break;
	case 't':
		rc = json_lit(j, "true");
		break;
	case 'f':
		rc = json_lit(j, "false");
		break;
	case 'n':
		rc = json_lit(j, "null");
		break;
	default:
		rc = json_number(j);
	}
	j->depth--;
	return rc;
}

/* One JSON object and a newline, nothing else. */
static void json_check(const char *text, size_t len)
{
	struct json j = { text, text + len, 0 };

	if (json_value(&j) || json_lit(&j, "\n") || j.s != j.end) {
		fprintf(stderr, "not strict JSON at offset %zu: %s\n",
			(size_t)(j.s - text), text);
		abort();
	}
}

/* ---- the replay ------------------------------------------------------ */

/* Each line of text is one strict JSON object. */
static void json_lines_check(const char *text, size_t len)
{
	const char *p = text, *nl;

	for (; p < text + len; p = nl + 1) {
		nl = memchr(p, '\n', text + len - p);
		if (!nl)
			abort();
		json_check(p, nl + 1 - p);
	}
}

/* RFC 4180, as csv.c writes it: every record has the header's fields. */
static void csv_check(const char *text, size_t len)
{
	int fields = 1, want = -1;
	bool quoted = false;

	for (const char *p = text; p < text + len; p++) {
		if (*p == '"')
			quoted = !quoted; /* "" inside: out and in again */
		else if (!quoted && *p == ',')
			fields++;
		else if (!quoted && *p == '\n') {
			if (want >= 0 && fields != want) {
				fprintf(stderr,
					"a CSV record of %d fields, not %d\n",
					fields, want);
				abort();
			}
			want = want < 0 ? fields : want;
			fields = 1;
		}
	}
	if (quoted || (len && text[len - 1] != '\n'))
		abort();
}

/* The trace's runs as one session, printed by each output in turn. */
static void outputs_print(const struct replay *p)
{
	for (const struct output *o = outputs; o->name; o++) {
		struct session s;
		char *text = NULL;
		size_t len = 0;

		session_init(&s, o);
		s.f = open_memstream(&text, &len);
		for (int i = 0; s.f && i < p->n; i++) {
			model_note(&p->runs[i].res.in);
			session_put(&s, i, &p->runs[i].cfg, &p->runs[i].res,
				    replay_status(&p->runs[i]));
		}
		if (s.f && o->done)
			o->done(s.f, &s);
		if (s.f)
			fclose(s.f);
		if (!strcmp(o->name, "json"))
			json_lines_check(text, len);
		if (!strcmp(o->name, "csv"))
			csv_check(text, len);
		free(text);
		session_free(&s);
	}
}

/* What the dashboard does with a recorded run, without drawing it. */
static void run_view(const struct replay_run *run)
{
	static struct view v;
	struct zc_counts counts;

	view_init(&v, PACE_PACED, true);
	view_reset(&v, &run->cfg, 0);
	v.res = run->res;
	memset(&counts, 0, sizeof(counts));
	for (size_t i = 0; i < run->n; i++) {
		const struct replay_item *it = &run->items[i];

		if (it->type == 'c') {
			counts_set(&counts, &run->counts[it->counts]);
			view_counts(&v, &counts);
		} else {
			view_moves_data(&it->e);
			view_event(&v, &it->e, it->t_us / 1e6);
		}
		view_age(&v, it->t_us / 1e6);
	}
	view_end(&v, &run->res, !run->res.verified, 1e6);
	for (int back = 0; view_log_line(&v, back); back++)
		;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay *p;
	char why[512];
	char *buf = malloc(size + 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	p = replay_parse(buf, size, "fuzz", NULL, why, sizeof(why));
	free(buf);
	if (!p)
		return 0;
	outputs_print(p);
	for (int i = 0; i < p->n; i++)
		run_view(&p->runs[i]);
	replay_free(p);
	return 0;
}
