/* roster.c: the target's Python threads, kept between ticks, sorted by thread state. */
#include "sample/roster.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "python/walker.h"
#include "util/grow.h"

int roster_stale(const struct roster *r, long count, const struct py_thread *head, uint64_t now,
		 uint64_t max_age_ns)
{
	return !r->read_ns || count < 0 || count != r->count ||
	       (head ? head->tstate : 0) != r->head || (head ? head->thread_id : 0) != r->head_id ||
	       now - r->read_ns >= max_age_ns;
}

static int by_tstate(const void *a, const void *b)
{
	const struct roster_entry *x = a, *y = b;
	return x->tstate < y->tstate ? -1 : x->tstate > y->tstate;
}

int roster_set(struct roster *r, const struct py_thread *v, size_t n, long count, uint64_t now)
{
	r->n = 0;
	r->read_ns = 0;
	if (grow_array((void **)&r->v, &r->cap, n ? n : 1, sizeof *r->v) != 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		r->v[i] = (struct roster_entry){ .tstate = v[i].tstate,
						 .thread_id = v[i].thread_id,
						 .native_id = v[i].native_id };
	qsort(r->v, n, sizeof *r->v, by_tstate);
	r->n = n;
	r->count = count;
	r->head = n ? v[0].tstate : 0;
	r->head_id = n ? v[0].thread_id : 0;
	r->read_ns = now;
	if (r->cursor >= n)
		r->cursor = 0;
	return 0;
}

long roster_find(const struct roster *r, uint64_t tstate)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->v[mid].tstate < tstate)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n && r->v[lo].tstate == tstate ? (long)lo : -1;
}

void roster_release(struct roster *r)
{
	free(r->v);
	memset(r, 0, sizeof *r);
}
