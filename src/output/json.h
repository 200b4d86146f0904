/* json.h: the little JSON the writers need: strings escaped for any input bytes. */
#ifndef PYFLAME_OUTPUT_JSON_H
#define PYFLAME_OUTPUT_JSON_H

#include <stdio.h>

/* Writes s as a quoted JSON string. Bytes that are not valid UTF-8 become U+FFFD, so that the
 * file parses whatever the target's memory held. Returns 0 or -1 (write error). */
int json_string(FILE *f, const char *s);

#endif
