/* profile.c: accumulating stacks. */
#include "profile/profile.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

void profile_init(struct profile *p)
{
	static uint64_t serials;
	memset(p, 0, sizeof *p);
	p->serial = ++serials;
	intern_init(&p->strings);
	intern_init(&p->frames);
	intern_init(&p->threads);
	intern_init(&p->stacks);
}

void profile_release(struct profile *p)
{
	intern_release(&p->strings);
	intern_release(&p->frames);
	intern_release(&p->threads);
	intern_release(&p->stacks);
	free(p->counts);
	free(p->events);
	free(p->processes);
	memset(p, 0, sizeof *p);
}

uint32_t profile_string_id(struct profile *p, const char *s)
{
	return intern_add(&p->strings, s, strlen(s));
}

uint32_t profile_frame_ids(struct profile *p, uint32_t file, uint32_t func, int line)
{
	struct prof_frame f;
	memset(&f, 0, sizeof f); /* no padding bytes of garbage in the key */
	f.file = file;
	f.func = func;
	f.line = line;
	if (f.file == INTERN_NONE || f.func == INTERN_NONE)
		return INTERN_NONE;
	return intern_add(&p->frames, &f, sizeof f);
}

uint32_t profile_frame(struct profile *p, const char *file, const char *func, int line)
{
	return profile_frame_ids(p, profile_string_id(p, file), profile_string_id(p, func), line);
}

uint32_t profile_thread(struct profile *p, uint32_t pid, uint64_t ident, uint64_t tid,
			const char *name)
{
	struct prof_thread t;
	memset(&t, 0, sizeof t);
	t.pid = pid;
	t.ident = ident;
	t.tid = tid;
	t.name = intern_add(&p->strings, name, strlen(name));
	if (t.name == INTERN_NONE)
		return PROF_NO_THREAD;
	return intern_add(&p->threads, &t, sizeof t);
}

/* Where pid is in p->processes, or where it would go to keep them sorted; *found says which. */
static size_t process_slot(const struct profile *p, uint32_t pid, int *found)
{
	size_t lo = 0, hi = p->n_processes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->processes[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < p->n_processes && p->processes[lo].pid == pid;
	return lo;
}

int profile_process(struct profile *p, uint32_t pid, const char *name)
{
	uint32_t id = intern_add(&p->strings, name, strlen(name));
	if (id == INTERN_NONE)
		return -1;
	int found;
	size_t at = process_slot(p, pid, &found);
	if (!found) {
		if (grow_array((void **)&p->processes, &p->processes_cap, p->n_processes + 1,
			       sizeof *p->processes) < 0)
			return -1;
		memmove(p->processes + at + 1, p->processes + at,
			(p->n_processes - at) * sizeof *p->processes);
		p->n_processes++;
		p->processes[at].pid = pid;
	}
	p->processes[at].name = id;
	return 0;
}

const char *profile_process_name(const struct profile *p, uint32_t pid)
{
	int found;
	size_t at = process_slot(p, pid, &found);
	return found ? profile_string(p, p->processes[at].name) : NULL;
}

size_t profile_process_count(const struct profile *p)
{
	return p->n_processes;
}

/* Stacks up to this many frames are keyed from the stack; deeper ones from the heap. */
#define KEY_ON_STACK 256

uint32_t profile_add_stack(struct profile *p, uint32_t thread, const uint32_t *frames, size_t n,
			   uint64_t count)
{
	/* The key is the thread, then the frames: the same frames on two threads are two
	 * stacks, which writers that do not tell threads apart merge again. */
	uint32_t small[KEY_ON_STACK + 1], *key = small;
	if (n > KEY_ON_STACK && !(key = malloc((n + 1) * sizeof *key)))
		return INTERN_NONE;
	key[0] = thread;
	memcpy(key + 1, frames, n * sizeof *frames);
	uint32_t id = intern_add(&p->stacks, key, (n + 1) * sizeof *key);
	if (key != small)
		free(key);
	if (id == INTERN_NONE)
		return INTERN_NONE;
	if (id >= p->counts_cap) {
		size_t old = p->counts_cap;
		if (grow_array((void **)&p->counts, &p->counts_cap, (size_t)id + 1,
			       sizeof *p->counts) < 0)
			return INTERN_NONE;
		memset(p->counts + old, 0, (p->counts_cap - old) * sizeof *p->counts);
	}
	p->counts[id] += count;
	return id;
}

void profile_count(struct profile *p, uint32_t stack, uint64_t count)
{
	if (stack < p->stacks.n && stack < p->counts_cap)
		p->counts[stack] += count;
}

int profile_add_event(struct profile *p, uint64_t time_us, uint32_t stack)
{
	if (!p->keep_timeline)
		return 0;
	if (grow_array((void **)&p->events, &p->events_cap, p->n_events + 1,
		       sizeof *p->events) < 0)
		return -1;
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
	const uint32_t *key = k->data;
	return (struct prof_stack){ key + 1, k->len / sizeof(uint32_t) - 1, p->counts[id], key[0] };
}

size_t profile_thread_count(const struct profile *p)
{
	return p->threads.n;
}

const struct prof_thread *profile_thread_get(const struct profile *p, uint32_t id)
{
	return intern_get(&p->threads, id)->data;
}

const struct prof_frame *profile_frame_get(const struct profile *p, uint32_t id)
{
	return intern_get(&p->frames, id)->data;
}

const char *profile_string(const struct profile *p, uint32_t id)
{
	return intern_get(&p->strings, id)->data;
}
