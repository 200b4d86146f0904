/* json.c: JSON string escaping. */
#include "output/json.h"

#include <stddef.h>
#include <string.h>

#include "output/utf8.h"

int json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t left = strlen(str);
	if (putc('"', f) == EOF)
		return -1;
	while (*s) {
		uint32_t cp;
		size_t n = utf8_decode(s, left, &cp);
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
		left -= n;
	}
	return putc('"', f) == EOF ? -1 : 0;
}
