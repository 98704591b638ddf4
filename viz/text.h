/*
 * Text that came from outside (a trace, a file name, a program's output)
 * on its way to a terminal or a JSON parser: both want valid UTF-8 and
 * no control characters.
 */
#ifndef ZC_TEXT_H
#define ZC_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* The length (1 to 4) of the valid UTF-8 sequence at s, or 0 when the
 * bytes there are not one (overlong, a surrogate, cut short, ...). */
size_t text_utf8_len(const char *s);

/* Rewrites s in place: each byte that is not part of valid UTF-8, and
 * each control character (C0, DEL, C1), becomes '?'. */
void text_sanitize(char *s);

/* s as a JSON string that strict parsers accept: quotes, backslashes and
 * control characters escaped, each byte that is not valid UTF-8 (a file
 * name may hold any) as U+FFFD. */
void text_json(FILE *f, const char *s);

#endif /* ZC_TEXT_H */
