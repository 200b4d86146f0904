/* svg_layout.h: a profile laid out as the boxes of a flame graph (nested by samples) or of a
 * flame chart (in time, a lane per thread), with the labels they show. svg.c writes them. */
#ifndef PYFLAME_OUTPUT_SVG_LAYOUT_H
#define PYFLAME_OUTPUT_SVG_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "output/frames.h"

struct profile;
struct out_options;

enum label_kind { LABEL_FRAME, LABEL_THREAD, LABEL_IDLE, LABEL_TORN, LABEL_ROOT, LABEL_PROCESS };

/* What a box shows. Labels are numbered ("ranked") in sorted order, so that comparing ranks
 * orders boxes by name, and equal labels (frames that differ only by line with -n, threads of
 * one name) share a rank and merge. */
struct label {
	const char *name; /* function, thread name, "(idle)", "(torn)", "all" or the process's
			   * "process PID (NAME)" */
	const char *file; /* "" for all but code frames */
	const char *short_file; /* what a box shows of file: the ending no other file has */
	int line;         /* 0 with -n */
	enum label_kind kind;
};

struct labels {
	struct out_frames frames;
	struct label *by_rank;
	size_t n;
	uint32_t *frame_rank;  /* by out_frames entry */
	uint32_t *thread_rank; /* by profile thread id */
	/* By profile thread id: its process's label, a box under the thread's (--subprocesses);
	 * LABEL_NO_RANK without o->processes or when the thread's process is not known. */
	uint32_t *process_rank;
	char **process_names;  /* by profile thread id: the process labels' names, owned */
	size_t n_threads;      /* of process_names */
	uint32_t idle, torn, root;
};

#define LABEL_NO_RANK UINT32_MAX

/* One rectangle. A flame graph's boxes nest by sample counts, a flame chart's by time; both
 * are written in the order made, a box before the boxes on top of it. */
struct box {
	uint64_t x, w;  /* span: samples (graph) or microseconds since the first sample (chart) */
	uint64_t n;     /* samples */
	uint32_t rank;  /* its label */
	uint32_t lane;  /* a flame chart's lane (about one a thread); 0 in a graph */
	uint32_t depth; /* rows from the root's (lanes of a chart stacked) */
};

/* boxes[0] is the root, "all": its w is the whole width, its n every sample shown. */
struct layout {
	struct box *boxes;
	size_t n, cap;
	uint32_t lanes;
	int chart;
};

/* Numbers every label the profile can show, in sorted order. Returns 0 or -1 (no memory);
 * release lb either way. */
int svg_labels_build(struct labels *lb, const struct profile *p, const struct out_options *o);
void svg_labels_release(struct labels *lb);

/* Lays the profile out into L (L->chart 0: a flame graph of merged stacks; 1: a flame chart of
 * the timeline). Returns 0 or -1 (no memory); free L->boxes either way. */
int svg_graph_build(struct layout *L, const struct profile *p, const struct out_options *o,
		    const struct labels *lb);
int svg_chart_build(struct layout *L, const struct profile *p, const struct out_options *o,
		    const struct labels *lb);

#endif
