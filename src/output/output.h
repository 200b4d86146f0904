/* output.h: what every writer is given besides the profile, and the writers. Each format is
 * one file in this directory taking a finished profile and a FILE *, and one row of the table
 * in writers.h. */
#ifndef PYFLAME_OUTPUT_OUTPUT_H
#define PYFLAME_OUTPUT_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

struct profile;

struct out_options {
	int line_numbers; /* FILE:FUNCTION:LINE, or FILE:FUNCTION with -n */
	int include_idle; /* write the "(idle) N" line; off with -x */
	int thread_names; /* each stack's thread name as its outermost frame (--thread-names) */
	int flamechart;   /* --flamechart: time order instead of merged stacks (SVG too) */
	int processes;    /* --subprocesses: root every stack at its process */
	const char *title; /* what was profiled: "pyflame -p 123" or the command line */
	int pid;           /* the target's PID, for formats that name processes */
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

/* An interactive flame graph as one self-contained SVG file (script inside, no network):
 * click to zoom, search, hover details; a flame chart in time order with o->flamechart
 * (needs keep_timeline). With o->processes each stack stands on a box of its process.
 * Returns 0 or -1. */
int out_svg_write(const struct profile *p, const struct out_options *o, FILE *f);

/* speedscope's file format (https://www.speedscope.app/file-format-schema.json): one sampled
 * profile, or one per thread when stacks carry threads, named with its process with
 * o->processes. Returns 0 or -1. */
int out_speedscope_write(const struct profile *p, const struct out_options *o, FILE *f);

/* Trace Event Format JSON: complete ("X") events from runs of samples sharing frames, one
 * track per thread under its process, thread names as metadata, and process names: the
 * title, or each process's with o->processes. Needs keep_timeline. Returns 0 or -1. */
int out_chrome_write(const struct profile *p, const struct out_options *o, FILE *f);

/* pprof: profile.proto, gzip-compressed, sample types samples/count and wall/nanoseconds;
 * threads, and processes with o->processes, as labels. Returns 0 or -1. */
int out_pprof_write(const struct profile *p, const struct out_options *o, FILE *f);

struct prof_stack;
struct dump_thread;

/* The line that heads each process's threads in a --subprocesses -d snapshot:
 * "Process PID (COMMAND LINE):". Returns 0 or -1. */
int out_dump_process(const struct profile *p, uint32_t pid, FILE *f);

/* A -d snapshot (see src/sample/dump.h). Returns 0 or -1. */
int out_dump_write(const struct profile *p, const struct dump_thread *threads, size_t n,
		   const struct out_options *o, FILE *f);

/* One stack as collapsed text, frames joined by ';', under its thread's name when
 * o->thread_names is set, and under that its process ("process PID (NAME)") when
 * o->processes is set and the stack's thread says its process; a thread with no name under
 * its process has no frame (it stands for the process). malloc'd; NULL when out of memory. */
char *out_render_stack(const struct profile *p, const struct prof_stack *s,
		       const struct out_options *o);

/* How writers name process pid: "process PID (NAME)", or "process PID" when it was never
 * named; with a thread name that is not empty, "process PID (NAME): THREAD", for formats
 * whose views are a thread each. malloc'd; NULL when out of memory. */
char *out_process_label(const struct profile *p, uint32_t pid, const char *thread);

#endif
