/*
 * --cast FILE: the dashboard as an asciicast v2 recording, the format
 * terminal recordings are shared in (asciinema plays it, and a page embeds
 * it with asciinema-player). A header line, then one event per frame that
 * changed: [seconds, "o", "the frame as a terminal draws it"].
 */
#ifndef ZC_CAST_H
#define ZC_CAST_H

#include <stdbool.h>
#include <stddef.h>

struct cast;

/* Opens FILE (as safefile.h writes: never through a link); NULL with why. */
struct cast *cast_open(const char *path, char *why, size_t len);
/* One frame, w x h, as text with ANSI escapes, at now (seconds on the
 * dashboard's clock), timed from the first; the header goes before the
 * first; a frame like the last is skipped. */
void cast_frame(struct cast *c, int w, int h, const char *ansi, double now);
/* Finishes the file: 0, or -1 with why (then nothing is left behind). */
int cast_close(struct cast *c, char *why, size_t len);

#endif /* ZC_CAST_H */
