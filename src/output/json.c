/* json.c: JSON string escaping. */
#include "output/json.h"

#include <stddef.h>

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 when it is not one: overlong
 * forms, surrogates and code points past U+10FFFF are refused too, as strict parsers do. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	if (putc('"', f) == EOF)
		return -1;
	while (*s) {
		size_t n = utf8_len(s);
		int rc;
		if (n == 0) {
			rc = fputs("\\ufffd", f);
			n = 1;
		} else if (*s == '"' || *s == '\\') {
			rc = fprintf(f, "\\%c", *s);
		} else if (*s < 0x20) {
			rc = fprintf(f, "\\u%04x", *s);
		} else {
			rc = fwrite(s, 1, n, f) == n ? 0 : -1;
		}
		if (rc < 0)
			return -1;
		s += n;
	}
	return putc('"', f) == EOF ? -1 : 0;
}
