/* utf8.h: reading UTF-8 strictly. Names come from the target's memory and may hold anything;
 * every writer that must emit valid text (JSON, XML) decodes through this one function and
 * replaces what it refuses with U+FFFD. */
#ifndef PYFLAME_OUTPUT_UTF8_H
#define PYFLAME_OUTPUT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length (1 to 4) of the valid UTF-8 sequence at s, with len bytes left, storing its code
 * point in *cp; 0 when there is none: a stray or truncated byte, an overlong form, a surrogate
 * or a code point past U+10FFFF. */
size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/* U+FFFD, the replacement character, in UTF-8. */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"

#endif
