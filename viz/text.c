/*
 * UTF-8 checks for text from outside, and JSON strings. See text.h.
 */
#include "text.h"

#include <stdint.h>
#include <stdio.h>

/* RFC 3629: the shortest form only, no surrogates, at most U+10FFFF. */
size_t text_utf8_len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp, min;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void text_sanitize(char *str)
{
	unsigned char *s = (unsigned char *)str;
	size_t n;

	while (*s) {
		n = text_utf8_len((const char *)s);
		/* C1 controls are U+0080..U+009F: 0xc2 0x80..0x9f */
		if (!n || *s < 0x20 || *s == 0x7f ||
		    (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)) {
			*s++ = '?';
			continue;
		}
		s += n;
	}
}

void text_json(FILE *f, const char *s)
{
	size_t n;

	fputc('"', f);
	while (*s) {
		n = text_utf8_len(s);
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(f, "\\u%04x", *s);
		else if (!n)
			fputs("\\ufffd", f);
		else
			fwrite(s, 1, n, f);
		s += n ? n : 1;
	}
	fputc('"', f);
}
