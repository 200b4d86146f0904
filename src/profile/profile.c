/* profile.c: accumulating stacks. */
#include "profile/profile.h"

#include <stdlib.h>
#include <string.h>

void profile_init(struct profile *p)
{
	memset(p, 0, sizeof *p);
	intern_init(&p->strings);
	intern_init(&p->frames);
	intern_init(&p->stacks);
}

void profile_release(struct profile *p)
{
	intern_release(&p->strings);
	intern_release(&p->frames);
	intern_release(&p->stacks);
	free(p->counts);
	free(p->events);
	memset(p, 0, sizeof *p);
}

uint32_t profile_frame(struct profile *p, const char *file, const char *func, int line)
{
	struct prof_frame f;
	memset(&f, 0, sizeof f); /* no padding bytes of garbage in the key */
	f.file = intern_add(&p->strings, file, strlen(file));
	f.func = intern_add(&p->strings, func, strlen(func));
	f.line = line;
	if (f.file == INTERN_NONE || f.func == INTERN_NONE)
		return INTERN_NONE;
	return intern_add(&p->frames, &f, sizeof f);
}

uint32_t profile_add_stack(struct profile *p, const uint32_t *frames, size_t n, uint64_t count)
{
	uint32_t id = intern_add(&p->stacks, frames, n * sizeof *frames);
	if (id == INTERN_NONE)
		return INTERN_NONE;
	if (id >= p->counts_cap) {
		size_t nc = p->counts_cap ? p->counts_cap * 2 : 256;
		uint64_t *c = realloc(p->counts, nc * sizeof *c);
		if (!c)
			return INTERN_NONE;
		memset(c + p->counts_cap, 0, (nc - p->counts_cap) * sizeof *c);
		p->counts = c;
		p->counts_cap = nc;
	}
	p->counts[id] += count;
	return id;
}

int profile_add_event(struct profile *p, uint64_t time_us, uint32_t stack)
{
	if (!p->keep_timeline)
		return 0;
	if (p->n_events == p->events_cap) {
		size_t nc = p->events_cap ? p->events_cap * 2 : 1024;
		struct prof_event *ne = realloc(p->events, nc * sizeof *ne);
		if (!ne)
			return -1;
		p->events = ne;
		p->events_cap = nc;
	}
	p->events[p->n_events++] = (struct prof_event){ time_us, stack };
	return 0;
}

size_t profile_stack_count(const struct profile *p)
{
	return p->stacks.n;
}

struct prof_stack profile_stack(const struct profile *p, size_t id)
{
	const struct intern_key *k = intern_get(&p->stacks, (uint32_t)id);
	return (struct prof_stack){ k->data, k->len / sizeof(uint32_t), p->counts[id] };
}

const struct prof_frame *profile_frame_get(const struct profile *p, uint32_t id)
{
	return intern_get(&p->frames, id)->data;
}

const char *profile_string(const struct profile *p, uint32_t id)
{
	return intern_get(&p->strings, id)->data;
}
