/* kept.c: with --threads, the stacks of the last tick that a look at the GIL vouched for. */
#include "sample/kept.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

int kept_usable(const struct kept_stacks *k, uint64_t switches, uint64_t holder)
{
	return k->valid && k->switches == switches && k->holder == holder;
}

static int same_thread(const struct kept_stack *e, const struct py_thread *th)
{
	return e->tstate == th->tstate && e->frame == th->frame &&
	       e->link.known == th->link.known && (!e->link.known || e->link.frame == th->link.frame);
}

/* The entry of tstate, or NULL. From where the last look ended, round once: the list comes in
 * the order it was kept. */
static const struct kept_stack *entry_of(struct kept_stacks *k, uint64_t tstate)
{
	if (!k->valid || !k->n)
		return NULL;
	for (size_t step = 0; step < k->n; step++) {
		size_t i = (k->cursor + step) % k->n;
		if (k->v[i].tstate == tstate) {
			k->cursor = (i + 1) % k->n;
			return &k->v[i];
		}
	}
	return NULL;
}

const struct py_raw_frame *kept_find(struct kept_stacks *k, const struct py_thread *th,
				     size_t *n)
{
	const struct kept_stack *e = entry_of(k, th->tstate);
	if (!e || !same_thread(e, th))
		return NULL;
	*n = e->n;
	return k->frames + e->start;
}

int kept_frame_known(void *arg, uint64_t tstate, uint64_t cframe, uint64_t *frame,
		     struct py_link *link)
{
	struct kept_stacks *k = arg;
	if (tstate == k->holder)
		return 0;
	const struct kept_stack *e = entry_of(k, tstate);
	if (!e || !e->cframe || e->cframe != cframe)
		return 0;
	*frame = e->frame;
	*link = e->link;
	return 1;
}

void kept_begin(struct kept_stacks *k, uint64_t switches, uint64_t holder)
{
	k->valid = 1;
	k->switches = switches;
	k->holder = holder;
	k->n = 0;
	k->cursor = 0;
	k->frames_used = 0;
	k->list_n = 0;
}

int kept_list(struct kept_stacks *k, const struct py_thread *list, size_t n,
	      const struct py_list_mark *mark)
{
	k->list_n = 0;
	if (!k->valid || !n || grow_array((void **)&k->list, &k->list_cap, n, sizeof *list) != 0)
		return -1;
	memcpy(k->list, list, n * sizeof *list);
	k->list_n = n;
	k->mark = *mark;
	return 0;
}

int kept_add(struct kept_stacks *k, const struct py_thread *th, const struct py_raw_frame *f,
	     size_t n)
{
	if (!k->valid)
		return -1;
	if (grow_array((void **)&k->v, &k->cap, k->n + 1, sizeof *k->v) != 0 ||
	    grow_array((void **)&k->frames, &k->frames_cap, k->frames_used + n,
		       sizeof *k->frames) != 0) {
		k->valid = 0;
		return -1;
	}
	k->v[k->n++] = (struct kept_stack){ .tstate = th->tstate, .frame = th->frame,
					    .link = th->link, .cframe = th->cframe,
					    .start = k->frames_used, .n = n };
	memcpy(k->frames + k->frames_used, f, n * sizeof *f);
	k->frames_used += n;
	return 0;
}

void kept_forget(struct kept_stacks *k)
{
	k->valid = 0;
}

void kept_release(struct kept_stacks *k)
{
	free(k->v);
	free(k->frames);
	free(k->list);
	memset(k, 0, sizeof *k);
}
