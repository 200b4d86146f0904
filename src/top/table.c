/* table.c: the live view's rows: snapshots of a growing profile, summed by function or line. */
#include "top/table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"
#include "util/grow.h"

struct top_totals top_totals_take(const struct profile *p, const struct sample_stats *st,
				  uint64_t now_ns, uint64_t stopped_ns)
{
	struct top_totals t = {
		.ns = now_ns,
		.rounds = st->rounds,
		.missed = st->missed,
		.samples = p->samples,
		.idle = p->idle,
		.gil_held = st->gil_held,
		.torn = p->torn,
		.stopped_ns = stopped_ns,
	};
	memcpy(t.errors, st->errors, sizeof t.errors);
	return t;
}

struct top_totals top_totals_diff(const struct top_totals *b, const struct top_totals *a)
{
	struct top_totals d = {
		.ns = b->ns - a->ns,
		.rounds = b->rounds - a->rounds,
		.missed = b->missed - a->missed,
		.samples = b->samples - a->samples,
		.idle = b->idle - a->idle,
		.gil_held = b->gil_held - a->gil_held,
		.torn = b->torn - a->torn,
		.stopped_ns = b->stopped_ns - a->stopped_ns,
	};
	for (int i = 0; i < SAMPLE_ERR_COUNT; i++)
		d.errors[i] = b->errors[i] - a->errors[i];
	return d;
}

uint64_t top_totals_lost(const struct top_totals *t)
{
	uint64_t n = t->torn;
	for (int i = 0; i < SAMPLE_ERR_COUNT; i++)
		n += t->errors[i];
	return n;
}

void top_table_init(struct top_table *t)
{
	memset(t, 0, sizeof *t);
	t->sort = TOP_SORT_OWN;
	t->group = TOP_BY_LINE;
	t->thread = PROF_NO_THREAD;
	intern_init(&t->keys);
}

void top_table_release(struct top_table *t)
{
	free(t->rows);
	free(t->threads);
	free(t->base.counts);
	free(t->start.counts);
	free(t->end.counts);
	free(t->marks);
	free(t->seen);
	intern_release(&t->keys);
	memset(t, 0, sizeof *t);
}

/* Copies p's counts and now into s. Returns 0 or -ENOMEM (s unchanged). */
static int snapshot_take(struct top_snapshot *s, const struct profile *p,
			 const struct top_totals *now)
{
	size_t n = profile_stack_count(p);
	if (n && grow_array((void **)&s->counts, &s->cap, n, sizeof *s->counts) != 0)
		return -ENOMEM;
	if (n)
		memcpy(s->counts, p->counts, n * sizeof *s->counts);
	s->n = n;
	s->totals = *now;
	return 0;
}

/* Copies a into s. Returns 0 or -ENOMEM (s unchanged). */
static int snapshot_copy(struct top_snapshot *s, const struct top_snapshot *a)
{
	if (a->n && grow_array((void **)&s->counts, &s->cap, a->n, sizeof *s->counts) != 0)
		return -ENOMEM;
	if (a->n)
		memcpy(s->counts, a->counts, a->n * sizeof *s->counts);
	s->n = a->n;
	s->totals = a->totals;
	return 0;
}

/* Stack i's count in s: 0 for a stack newer than s. */
static uint64_t count_at(const struct top_snapshot *s, size_t i)
{
	return i < s->n ? s->counts[i] : 0;
}

int top_table_update(struct top_table *t, const struct profile *p, const struct top_totals *now)
{
	/* The window moves on: the last end is the new start. Swapped, so that no count is
	 * copied twice; swapped back when there is no memory for the new end. */
	struct top_snapshot old_start = t->start;
	t->start = t->end;
	t->end = old_start;
	if (snapshot_take(&t->end, p, now) != 0) {
		old_start = t->end;
		t->end = t->start;
		t->start = old_start;
		return -ENOMEM;
	}
	t->updated = 1;
	return top_table_group(t, p);
}

int top_table_reset(struct top_table *t, const struct profile *p, const struct top_totals *now)
{
	if (snapshot_take(&t->base, p, now) != 0 || snapshot_copy(&t->start, &t->base) != 0 ||
	    snapshot_copy(&t->end, &t->base) != 0)
		return -ENOMEM;
	t->updated = 0;
	return top_table_group(t, p);
}

/* The row of frame f under t's grouping, added when new. Returns its index, or -1 when out of
 * memory. */
static long row_of(struct top_table *t, const struct prof_frame *f)
{
	struct { uint32_t file, func; int32_t line; } key = {
		f->file, f->func, t->group == TOP_BY_LINE ? f->line : 0
	};
	uint32_t id = intern_add(&t->keys, &key, sizeof key);
	if (id == INTERN_NONE)
		return -1;
	if (id < t->n_rows)
		return id;
	/* Ids are dense: a new key is the next row. */
	if (grow_array((void **)&t->rows, &t->rows_cap, t->n_rows + 1, sizeof *t->rows) != 0 ||
	    grow_array((void **)&t->marks, &t->marks_cap, t->n_rows + 1, sizeof *t->marks) != 0)
		return -1;
	t->rows[t->n_rows] = (struct top_row){ .file = key.file, .func = key.func,
					       .line = key.line };
	t->marks[t->n_rows] = SIZE_MAX;
	return (long)t->n_rows++;
}

/* Adds stack i (win samples in the window, all since base) to the rows: own to its innermost
 * frame's, total once to each row its frames fall in. Returns 0 or -ENOMEM. */
static int add_stack(struct top_table *t, const struct profile *p, const struct prof_stack *s,
		     size_t i, uint64_t win, uint64_t all)
{
	for (size_t k = 0; k < s->n; k++) {
		long r = row_of(t, profile_frame_get(p, s->frames[k]));
		if (r < 0)
			return -ENOMEM;
		struct top_row *row = &t->rows[r];
		if (t->marks[r] != i) {
			t->marks[r] = i;
			row->total += win;
			row->total_all += all;
		}
		if (k + 1 == s->n) {
			row->own += win;
			row->own_all += all;
		}
	}
	return 0;
}

/* The order of T's cycle: by process, then TID, then the profile's id. */
static int cmp_thread(const void *a, const void *b, void *arg)
{
	const struct profile *p = arg;
	uint32_t ia = *(const uint32_t *)a, ib = *(const uint32_t *)b;
	const struct prof_thread *x = profile_thread_get(p, ia), *y = profile_thread_get(p, ib);
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

/* The threads seen since base into t->threads, in T's order, and how many were active in the
 * window. Returns 0 or -ENOMEM. */
static int list_threads(struct top_table *t, const struct profile *p, size_t nthreads)
{
	t->n_threads = 0;
	t->active_threads = 0;
	for (size_t id = 0; id < nthreads; id++) {
		if (!t->seen[id])
			continue;
		t->active_threads += (t->seen[id] & 2) != 0;
		if (grow_array((void **)&t->threads, &t->threads_cap, t->n_threads + 1,
			       sizeof *t->threads) != 0)
			return -ENOMEM;
		t->threads[t->n_threads++] = (uint32_t)id;
	}
	if (t->n_threads)
		qsort_r(t->threads, t->n_threads, sizeof *t->threads, cmp_thread, (void *)p);
	return 0;
}

int top_table_group(struct top_table *t, const struct profile *p)
{
	intern_release(&t->keys);
	intern_init(&t->keys);
	t->n_rows = 0;
	size_t nthreads = profile_thread_count(p);
	if (nthreads && grow_array((void **)&t->seen, &t->seen_cap, nthreads, 1) != 0)
		return -ENOMEM;
	if (nthreads)
		memset(t->seen, 0, nthreads);
	int rc = 0;
	for (size_t i = 0; i < t->end.n && rc == 0; i++) {
		uint64_t all = t->end.counts[i] - count_at(&t->base, i);
		if (!all)
			continue; /* the window lies within: nothing there either */
		uint64_t win = t->end.counts[i] - count_at(&t->start, i);
		struct prof_stack s = profile_stack(p, i);
		if (s.thread != PROF_NO_THREAD && s.thread < nthreads)
			t->seen[s.thread] |= (uint8_t)(1 | (win ? 2 : 0));
		if (t->thread != PROF_NO_THREAD && s.thread != t->thread)
			continue;
		rc = add_stack(t, p, &s, i, win, all);
	}
	if (rc == 0)
		rc = list_threads(t, p, nthreads);
	if (rc != 0) {
		t->n_rows = 0;
		return rc;
	}
	top_table_sort(t, p);
	return 0;
}

/* The figure a row is sorted by. */
static uint64_t sort_key(const struct top_row *r, enum top_sort by)
{
	switch (by) {
	case TOP_SORT_OWN:
		return r->own;
	case TOP_SORT_TOTAL:
		return r->total;
	case TOP_SORT_OWN_TIME:
		return r->own_all;
	case TOP_SORT_TOTAL_TIME:
		return r->total_all;
	}
	return 0;
}

struct sort_ctx {
	const struct profile *p;
	enum top_sort by;
};

/* The key that breaks ties of another: a share of the window by the same since the start
 * (of two functions idle in the window, the busier first), and the other way round. */
static enum top_sort tie_key(enum top_sort by)
{
	static const enum top_sort tie[] = {
		[TOP_SORT_OWN] = TOP_SORT_OWN_TIME,
		[TOP_SORT_TOTAL] = TOP_SORT_TOTAL_TIME,
		[TOP_SORT_OWN_TIME] = TOP_SORT_OWN,
		[TOP_SORT_TOTAL_TIME] = TOP_SORT_TOTAL,
	};
	return tie[by];
}

static int cmp_row(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	const struct top_row *x = a, *y = b;
	uint64_t kx = sort_key(x, c->by), ky = sort_key(y, c->by);
	if (kx == ky) {
		kx = sort_key(x, tie_key(c->by));
		ky = sort_key(y, tie_key(c->by));
	}
	if (kx != ky)
		return kx > ky ? -1 : 1;
	int d = strcmp(profile_string(c->p, x->func), profile_string(c->p, y->func));
	if (!d)
		d = strcmp(profile_string(c->p, x->file), profile_string(c->p, y->file));
	if (!d)
		d = (x->line > y->line) - (x->line < y->line);
	return d;
}

void top_table_sort(struct top_table *t, const struct profile *p)
{
	struct sort_ctx c = { p, t->sort };
	if (t->n_rows)
		qsort_r(t->rows, t->n_rows, sizeof *t->rows, cmp_row, &c);
}

uint32_t top_table_next_thread(const struct top_table *t)
{
	if (t->thread == PROF_NO_THREAD)
		return t->n_threads ? t->threads[0] : PROF_NO_THREAD;
	for (size_t i = 0; i + 1 < t->n_threads; i++)
		if (t->threads[i] == t->thread)
			return t->threads[i + 1];
	return PROF_NO_THREAD;
}

struct top_totals top_table_window(const struct top_table *t)
{
	return top_totals_diff(&t->end.totals, &t->start.totals);
}

struct top_totals top_table_since(const struct top_table *t)
{
	return top_totals_diff(&t->end.totals, &t->base.totals);
}
