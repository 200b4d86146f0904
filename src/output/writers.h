/* writers.h: the table of output formats. Each row is one format: its -f name and the other
 * names -f takes for it, the -o file name endings that choose it, its writer (one file in this
 * directory), and what it needs of the run. Adding a format is one file and one row in
 * writers.c; nothing else names formats. */
#ifndef PYFLAME_OUTPUT_WRITERS_H
#define PYFLAME_OUTPUT_WRITERS_H

#include <stdio.h>

#include "output/output.h"

struct profile;

/* What a format needs of the run, as bits of out_writer.needs. */
enum {
	OUT_NEEDS_TIMELINE = 1,     /* every sample's time (the profile's keep_timeline) */
	OUT_THREADS_ALWAYS = 2,     /* a view per thread, always: stacks tagged by thread */
	OUT_PER_THREAD = 4,         /* a view per thread when --threads samples them all */
	OUT_PER_THREAD_CHART = 8,   /* the same, only with --flamechart */
	OUT_BINARY = 16,            /* bytes no terminal should get */
};

struct out_writer {
	const char *name;           /* -f NAME, and the format's name in messages */
	const char *aliases[2];     /* other -f names for it: py-spy's, so its users' -f works */
	const char *endings[3];     /* -o name endings that choose it (case-insensitive) */
	int (*write)(const struct profile *p, const struct out_options *o, FILE *f);
	unsigned needs;             /* OUT_* bits */
};

extern const struct out_writer out_writers[];
extern const size_t out_writers_len;

/* The format named name (its own name or an alias), or NULL. */
const struct out_writer *out_writer_named(const char *name);

/* The format whose ending path has (the longest that matches: ".trace.json" before ".json"),
 * else the default. Never NULL. */
const struct out_writer *out_writer_for_path(const char *path);

/* Collapsed stacks, the default. */
const struct out_writer *out_writer_default(void);

/* The names, joined for a message: "collapsed, svg, speedscope, chrome or pprof". */
const char *out_writer_names(void);

#endif
