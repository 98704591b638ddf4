/*
 * asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/). See
 * cast.h.
 */
#include "cast.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/units.h"
#include "safefile.h"
#include "text.h"

struct cast {
	struct safefile sf;
	FILE *f;
	double t0; /* the first frame's time: the recording's 0 */
	char *last; /* the last frame written */
	bool failed;
};

struct cast *cast_open(const char *path, char *why, size_t len)
{
	struct cast *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	c->f = safefile_fopen(&c->sf, path, "--cast", why, len);
	if (!c->f) {
		free(c);
		return NULL;
	}
	return c;
}

void cast_frame(struct cast *c, int w, int h, const char *ansi, double now)
{
	if (!c || c->failed || (c->last && !strcmp(c->last, ansi)))
		return;
	if (!c->last) {
		c->t0 = now;
		fprintf(c->f,
			"{\"version\": 2, \"width\": %d, \"height\": %d, \"timestamp\": %lld, \"title\": \"zcviz %s\", \"env\": {\"TERM\": \"xterm-256color\"}}\n",
			w, h, (long long)time(NULL), ZC_VERSION);
	}
	free(c->last);
	c->last = strdup(ansi);
	c->failed = !c->last;
	fprintf(c->f, "[%.6f, \"o\", ", now - c->t0);
	text_json(c->f, ansi); /* escapes, and UTF-8 box drawing */
	fputs("]\n", c->f);
}

int cast_close(struct cast *c, char *why, size_t len)
{
	int rc = 0;

	if (!c)
		return 0;
	if (c->failed || !c->last) {
		snprintf(
			why, len, "%s",
			c->failed ?
				"out of memory while casting" :
				"--cast: nothing was shown, so nothing was written");
		rc = -1;
	}
	if (fclose(c->f) && !rc) {
		snprintf(why, len, "cannot write --cast '%s': %s", c->sf.path,
			 strerror(errno));
		rc = -1;
	}
	c->sf.fd = -1; /* fclose() closed it */
	if (rc)
		safefile_abort(&c->sf);
	else if (safefile_commit(&c->sf, true, why, len) < 0)
		rc = -1;
	free(c->last);
	free(c);
	return rc;
}
