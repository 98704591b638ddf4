/*
 * The words of a transfer's summary. See summary.h.
 */
#include "summary.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

int zc_summary_format(char *buf, size_t len, const char *verb, uint64_t bytes,
		      uint64_t sum)
{
	return snprintf(buf, len,
			"%s %" PRIu64 " bytes " ZC_SUM_WORD "=%016" PRIx64,
			verb, bytes, sum);
}

int zc_summary_format_unread(char *buf, size_t len, const char *verb,
			     uint64_t bytes)
{
	return snprintf(buf, len, "%s %" PRIu64 " bytes " ZC_UNREAD, verb,
			bytes);
}

int zc_summary_parse(const char *line, const char *verb, uint64_t *bytes,
		     uint64_t *sum)
{
	size_t n = strlen(verb);
	unsigned long long b, s;
	const char *p;
	int end = 0;

	/* the verb as a word: at the start, or after a space */
	for (p = line; (p = strstr(p, verb)); p += n)
		if ((p == line || p[-1] == ' ') && p[n] == ' ')
			break;
	if (!p)
		return -1;
	if (sscanf(p + n, " %llu bytes " ZC_SUM_WORD "=%llx", &b, &s) == 2) {
		*bytes = b;
		*sum = s;
		return 0;
	}
	/* "unread" as a word: its end, then the line's end or a separator */
	if (sscanf(p + n, " %llu bytes " ZC_UNREAD "%n", &b, &end) != 1 ||
	    !end || (p[n + end] && !strchr(" ;,\n", p[n + end])))
		return -1;
	*bytes = b;
	return 1;
}

/* the words after the count, in one place for both directions */
#define COMPLETIONS_WORDS(u)                                         \
	": zero copy %" u " bytes, copied %" u " bytes, ENOBUFS %" u \
	", fallback %" u " bytes"

int zc_completions_format(char *buf, size_t len, const struct zc_completions *c)
{
	return snprintf(buf, len,
			ZC_COMPLETIONS " %" PRIu64 COMPLETIONS_WORDS(PRIu64),
			c->notes, c->zc_bytes, c->copied_bytes, c->nobufs,
			c->fallback_bytes);
}

int zc_completions_parse(const char *line, struct zc_completions *c)
{
	const char *p = strstr(line, "; " ZC_COMPLETIONS " ");

	if (!p || sscanf(p + strlen("; " ZC_COMPLETIONS),
			 " %" SCNu64 COMPLETIONS_WORDS(SCNu64), &c->notes,
			 &c->zc_bytes, &c->copied_bytes, &c->nobufs,
			 &c->fallback_bytes) != 5)
		return -1;
	return 0;
}
