/* frames.h: the frames a writer shows, numbered densely. Formats that keep a table of frames
 * (speedscope, Chrome trace, pprof) map each profile frame to one entry; with -n, frames that
 * differ only by line share an entry, like the collapsed writer merges them. */
#ifndef PYFLAME_OUTPUT_FRAMES_H
#define PYFLAME_OUTPUT_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include "profile/intern.h"

struct profile;

struct out_frames {
	uint32_t *index; /* by profile frame id: entry number */
	struct intern entries; /* keys: struct prof_frame (line 0 with -n) */
};

/* Numbers every frame of p; line_numbers 0 merges lines. Returns 0 or -1 (no memory). */
int out_frames_build(struct out_frames *t, const struct profile *p, int line_numbers);

void out_frames_release(struct out_frames *t);

static inline size_t out_frames_count(const struct out_frames *t)
{
	return t->entries.n;
}

/* Entry i: the frame it stands for (file and function string ids, line or 0 with -n). */
const struct prof_frame *out_frames_get(const struct out_frames *t, size_t i);

/* Short names for the files of p's frames: by string id, for each id that is a frame's file,
 * the shortest ending of its path in whole components ("b.py", "json/__init__.py") that no
 * other file of p ends with; NULL for the other ids. Two files never get the same one. The
 * strings are p's (pointers into them); free the array. NULL when out of memory. */
const char **out_file_suffixes(const struct profile *p);

#endif
