/* render.h: the text of the live view, line by line: the header (the process, the run's
 * figures, the keys' settings), the columns' titles, then a line per row of the table. The
 * screen draws these lines and --batch prints them, so both say the same. */
#ifndef PYFLAME_TOP_RENDER_H
#define PYFLAME_TOP_RENDER_H

#include <stddef.h>
#include <sys/types.h>

struct profile;
struct top_table;

enum top_line_kind {
	TOP_LINE_HEADER, /* the run's figures and settings */
	TOP_LINE_NOTICE, /* what the user must see: the target exited */
	TOP_LINE_TITLE,  /* the columns' titles */
	TOP_LINE_ROW,    /* a row of the table */
};

struct top_line {
	char *text; /* owned */
	enum top_line_kind kind;
};

struct top_lines {
	struct top_line *v;
	size_t n, cap;
};

/* What the header says besides the table's own figures. */
struct top_info {
	pid_t pid;           /* the process watched (-p, or the -t command's) */
	const char *cmdline; /* its command line, "" when unknown */
	const char *python;  /* its Python's version ("3.11.2"), NULL before one was seen */
	size_t processes;    /* with --subprocesses: how many were sampled; else 0 */
	double interval;     /* seconds between samples */
	int paused;          /* the display is paused (P) */
	const char *ended;   /* the line that says the target ended, NULL while it runs */
};

/* The lines of one look at t (whose names are p's), at most max_lines of them (0: all, as
 * --batch prints them): the header first, so that a short screen cuts rows only. Replaces
 * what out held. Returns 0 or -ENOMEM (out then holds what fitted). */
int top_render(const struct top_table *t, const struct profile *p, const struct top_info *info,
	       size_t max_lines, struct top_lines *out);

/* Frees the lines; l can be rendered into again. */
void top_lines_release(struct top_lines *l);

#endif
