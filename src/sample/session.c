/* session.c: the processes of one profiling run and what each of them needs to be sampled. */
#include "sample/session.h"

#include <stdlib.h>
#include <string.h>

#include "mem/cache.h"
#include "mem/image.h"
#include "mem/live.h"
#include "mem/reader.h"
#include "native/unwind.h"
#include "util/grow.h"

void session_init(struct session *s, const struct sampler_config *cfg, struct profile *prof,
		  struct sample_stats *stats)
{
	memset(s, 0, sizeof *s);
	s->cfg = *cfg;
	s->prof = prof;
	s->stats = stats;
}

/* Frees t's readers, the caches before what they read through. */
static void free_readers(struct session_target *t)
{
	mem_reader_free(t->now_stacks);
	mem_reader_free(t->now_gil);
	mem_reader_free(t->cache);
	mem_reader_free(t->rec);
	mem_reader_free(t->live);
	t->now_stacks = t->now_gil = t->cache = t->rec = t->live = NULL;
}

struct session_target *session_add(struct session *s, pid_t pid, int is_child, int record)
{
	if (grow_array((void **)&s->targets, &s->cap, s->n + 1, sizeof *s->targets) < 0)
		return NULL;
	struct session_target *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->proc.pid = pid;
	t->proc.is_child = is_child;
	t->live = mem_live_new(pid);
	if (t->live && record)
		t->rec = mem_record_new(t->live);
	t->cache = mem_cache_new(t->rec ? t->rec : t->live);
	/* Without these caches (no memory for them) the looks read field by field. */
	t->now_gil = mem_cache_new(t->rec ? t->rec : t->live);
	t->now_stacks = mem_cache_new(t->rec ? t->rec : t->live);
	if (!t->live || (record && !t->rec)) {
		free_readers(t);
		free(t);
		return NULL;
	}
	t->cfg = s->cfg;
	t->cfg.cache = t->cache;
	t->cfg.fresh = session_fresh(t);
	t->cfg.now_gil = t->now_gil;
	t->cfg.now_stacks = t->now_stacks;
	t->want_native = s->native;
	s->targets[s->n++] = t;
	return t;
}

struct mem_reader *session_fresh(const struct session_target *t)
{
	return t->rec ? t->rec : t->live;
}

int session_walk(struct session_target *t, char *err, size_t errlen)
{
	/* Without a cache (no memory for one), the walker reads fresh pages every time. */
	struct mem_reader *mem = t->cache ? t->cache : session_fresh(t);
	if (py_walker_init(&t->walker, mem, &t->py, err, errlen) != 0)
		return -1;
	t->walking = 1;
	/* The unwinder reads stacks through the same cache: emptied at every tick, filled
	 * while the threads are stopped (it reads a word at a time). */
	if (t->want_native && !t->native &&
	    !(t->native = native_open(t->proc.pid, mem, err, errlen)))
		return -1;
	if (t->native)
		native_maps_changed(t->native); /* a new program after an exec() */
	t->cfg.native = t->native;
	return 0;
}

void session_forget(struct session_target *t)
{
	if (t->walking)
		py_walker_release(&t->walker);
	t->walking = 0;
	if (t->cache)
		mem_cache_clear(t->cache);
}

void session_retire(struct session_target *t)
{
	sampler_close(t->sampler);
	t->sampler = NULL;
	session_forget(t);
	native_close(t->native);
	t->native = NULL;
	t->cfg.native = NULL;
	proc_target_unwatch(&t->proc);
	/* The readers of the root stay: its recording is written at the end (--record). */
	if (!t->parent)
		return;
	free_readers(t);
	t->cfg.cache = t->cfg.fresh = t->cfg.now_gil = t->cfg.now_stacks = NULL;
}

void session_release(struct session *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct session_target *t = s->targets[i];
		session_retire(t);
		free_readers(t);
		free(t);
	}
	free(s->targets);
	s->targets = NULL;
	s->n = s->cap = 0;
	proc_tree_release(&s->tree);
}
