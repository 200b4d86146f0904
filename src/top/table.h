/* table.h: the live view's table, over a profile that is still being filled. At each refresh
 * the view copies the profile's stack counts and the run's counters (a snapshot); the rows are
 * the functions, or the lines, of the stacks, each with its samples on top of the stack (own)
 * and anywhere in it (total), over the window between the last two snapshots and since the
 * first (or the last reset). Copies of the counts, not the profile's timeline: the timeline
 * grows with every sample, these with the distinct stacks only, as the profile itself does.
 * No ncurses here: the screen and --batch show what this computes. */
#ifndef PYFLAME_TOP_TABLE_H
#define PYFLAME_TOP_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "profile/intern.h"
#include "sample/stats.h"

struct profile;

/* The run's counters at one moment; the table keeps them with each snapshot, so that every
 * figure of the header is taken over the same window as the rows. */
struct top_totals {
	uint64_t ns;         /* monotonic clock */
	uint64_t rounds;     /* the session clock's ticks taken: the percentages' 100% */
	uint64_t missed;     /* ticks missed */
	uint64_t samples;    /* the profile's: ticks of a process that gave a stack or idle */
	uint64_t idle;
	uint64_t gil_held;   /* samples with a thread holding the GIL */
	uint64_t torn;       /* stacks that changed while read */
	uint64_t errors[SAMPLE_ERR_COUNT];
	uint64_t stopped_ns; /* how long the target stood stopped, processes added up */
};

/* The counters of the profile and stats, at now_ns; stopped_ns as the caller adds it up (the
 * stats have only the samplers closed). */
struct top_totals top_totals_take(const struct profile *p, const struct sample_stats *st,
				  uint64_t now_ns, uint64_t stopped_ns);

/* b - a, field by field: what happened between two snapshots. */
struct top_totals top_totals_diff(const struct top_totals *b, const struct top_totals *a);

/* The samples lost, every reason with torn stacks. */
uint64_t top_totals_lost(const struct top_totals *t);

enum top_sort { /* keys 1 to 4, as py-spy top's */
	TOP_SORT_OWN,
	TOP_SORT_TOTAL,
	TOP_SORT_OWN_TIME,
	TOP_SORT_TOTAL_TIME,
};

enum top_group {
	TOP_BY_LINE,     /* a row per function and line, as pyflame's stacks show them */
	TOP_BY_FUNCTION, /* a row per function, its lines merged */
};

struct top_row {
	uint32_t file, func;   /* the profile's string ids */
	int32_t line;          /* by line; 0 by function */
	uint64_t own, total;   /* samples in the window */
	uint64_t own_all, total_all; /* since the first snapshot or the last reset */
};

/* A copy of the profile's counts (by stack id) and of the counters, at one moment. */
struct top_snapshot {
	uint64_t *counts;
	size_t n, cap;
	struct top_totals totals;
};

struct top_table {
	/* What the rows show, set by the view's keys; top_table_group applies a change. */
	enum top_sort sort;
	enum top_group group;
	uint32_t thread; /* the one thread whose stacks count, PROF_NO_THREAD: every thread */
	/* The rows, sorted, after the last update or group. */
	struct top_row *rows;
	size_t n_rows, rows_cap;
	/* The threads with samples since base, by process, TID and id: those T goes through. */
	uint32_t *threads;
	size_t n_threads, threads_cap;
	size_t active_threads; /* threads with samples in the window, whatever the filter */
	int updated;           /* a snapshot was taken since the last reset */
	/* base: the start (or the last reset); start and end: the window. */
	struct top_snapshot base, start, end;
	/* Scratch of top_table_group: rows by key, the last stack that added to each row's
	 * total (a recursive function counts once per stack), per thread whether seen. */
	struct intern keys;
	size_t *marks;
	size_t marks_cap;
	uint8_t *seen;
	size_t seen_cap;
};

/* An empty table: by line, sorted by %Own, every thread. Before the first update, a reset
 * says where the counts start. */
void top_table_init(struct top_table *t);

/* Frees what t holds; t can be initialised again. */
void top_table_release(struct top_table *t);

/* Takes a snapshot of p with the counters now: the window becomes the time since the last
 * one (since the start for the first), and the rows are grouped again. Returns 0, or -ENOMEM
 * with the table as it was. */
int top_table_update(struct top_table *t, const struct profile *p, const struct top_totals *now);

/* Starts the counts from p as it is now (the first time, and at R): every figure since then,
 * an empty window. The settings stay (a thread chosen stays chosen). Returns 0 or -ENOMEM. */
int top_table_reset(struct top_table *t, const struct profile *p, const struct top_totals *now);

/* Groups the last snapshots again under the settings (by line or function, the thread) and
 * sorts the rows: after a key changed them, without waiting for the next snapshot. p must be
 * the profile the snapshots were taken of. Returns 0 or -ENOMEM (no rows then). */
int top_table_group(struct top_table *t, const struct profile *p);

/* Sorts the rows by t->sort, largest first; ties by the same figure over the other span
 * (window or since the start), then by function, file and line, so that the order is the same
 * at every refresh. p: the profile the names are in. */
void top_table_sort(struct top_table *t, const struct profile *p);

/* The thread after t->thread in t->threads, PROF_NO_THREAD (every thread) after the last
 * and the first after every thread: T's cycle. */
uint32_t top_table_next_thread(const struct top_table *t);

/* The counters over the window and since the start (or the last reset). */
struct top_totals top_table_window(const struct top_table *t);
struct top_totals top_table_since(const struct top_table *t);

#endif
