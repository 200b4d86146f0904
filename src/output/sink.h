/* sink.h: where a profile goes: stdout, or a file written under a temporary name in the same
 * directory and renamed into place when complete, so no reader ever sees half a profile.
 * A path that exists and is not a regular file (/dev/null, a FIFO) is written in place.
 *
 * Nothing is left behind by a pyflame that is killed (SIGKILL, a crash) before it writes: the
 * temporary file has no name until the profile is complete (O_TMPFILE), or, on a file system
 * without O_TMPFILE, is created only when the profile is written. */
#ifndef PYFLAME_OUTPUT_SINK_H
#define PYFLAME_OUTPUT_SINK_H

#include <stdio.h>

struct out_sink {
	FILE *f;          /* NULL until out_sink_stream creates it (see lazy) */
	const char *path; /* NULL: stdout */
	char tmp[4096];   /* the temporary name, once it has one */
	int direct;       /* writing to path itself (not a regular file), no rename */
	int unnamed;      /* f is an O_TMPFILE file: linked to tmp at commit */
	int lazy;         /* no O_TMPFILE here: tmp is created by out_sink_stream */
};

/* Opens the sink, checking now that path can be written, so an unwritable path fails before
 * any sampling. Returns 0, or a negative errno. */
int out_sink_open(struct out_sink *s, const char *path);

/* Whether path names standard output: none, or "-", as perf and most tools take it. */
int out_sink_is_stdout(const char *path);

/* The stream to write the profile to (creating the temporary file when it is made late).
 * NULL with errno set when it cannot be created. */
FILE *out_sink_stream(struct out_sink *s);

/* Closes and renames into place. Returns 0, or a negative errno (the temporary is removed). */
int out_sink_commit(struct out_sink *s);

/* Closes and removes the temporary file; the destination is left untouched. */
void out_sink_abort(struct out_sink *s);

#endif
