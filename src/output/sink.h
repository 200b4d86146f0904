/* sink.h: where a profile goes: stdout, or a file written under a temporary name in the same
 * directory and renamed into place when complete, so no reader ever sees half a profile.
 * A path that exists and is not a regular file (/dev/null, a FIFO) is written in place. */
#ifndef PYFLAME_OUTPUT_SINK_H
#define PYFLAME_OUTPUT_SINK_H

#include <stdio.h>

struct out_sink {
	FILE *f;
	const char *path; /* NULL: stdout */
	char tmp[4096];
	int direct; /* writing to path itself (not a regular file), no rename */
};

/* Opens the sink (creating the temporary file now, so an unwritable path fails before any
 * sampling). Returns 0, or a negative errno. */
int out_sink_open(struct out_sink *s, const char *path);

/* Closes and renames into place. Returns 0, or a negative errno (the temporary is removed). */
int out_sink_commit(struct out_sink *s);

/* Closes and removes the temporary file; the destination is left untouched. */
void out_sink_abort(struct out_sink *s);

#endif
