/* output.h: what every writer is given besides the profile. Each format is one file in this
 * directory taking a finished profile and a FILE *. */
#ifndef PYFLAME_OUTPUT_OUTPUT_H
#define PYFLAME_OUTPUT_OUTPUT_H

#include <stdio.h>

struct profile;

struct out_options {
	int line_numbers; /* FILE:FUNCTION:LINE, or FILE:FUNCTION with -n */
	int include_idle; /* write the "(idle) N" line; off with -x */
};

/* Collapsed stacks, the text flamegraph.pl reads: one line per distinct stack, frames from
 * outermost to innermost joined by ';', a space, the count. Lines are sorted so that output is
 * deterministic; stacks that render the same (with -n) are merged. Returns 0 or -1 (write
 * error or no memory). */
int out_collapsed_write(const struct profile *p, const struct out_options *o, FILE *f);

/* Flame chart text (--flamechart): for every sample in time order, a line with its wall-clock
 * timestamp in microseconds, then a line with its stack (as in collapsed output) ending in
 * ';'. Idle samples show as "(idle);" unless include_idle is off. Needs a profile recorded with
 * keep_timeline. Returns 0 or -1. */
int out_flamechart_write(const struct profile *p, const struct out_options *o, FILE *f);

struct prof_stack;
struct dump_thread;

/* A -d snapshot (see src/sample/dump.h). Returns 0 or -1. */
int out_dump_write(const struct profile *p, const struct dump_thread *threads, size_t n,
		   const struct out_options *o, FILE *f);

/* One stack as collapsed text, frames joined by ';' (malloc'd; NULL when out of memory). */
char *out_render_stack(const struct profile *p, const struct prof_stack *s, int line_numbers);

#endif
