/* cache.c: a direct-mapped cache of target pages. */
#include "mem/cache.h"

#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"

#define PAGE 4096u
/* 128 pages (512 KiB) cover a deep 3.11+ data stack, the code objects of a sample and an
 * asyncio target's tasks (at 64 the tasks' pages evicted the stack's); more would only cost
 * memory, since the cache is emptied at every sample. */
#define SLOTS 128u
/* A read longer than this goes straight through: it would evict everything for one use. */
#define DIRECT_MIN (2 * PAGE)

/* The slots' tags apart from their pages: a clear or a look-up touches one small array, not a
 * line of each of 128 pages (clearing those was 4% of a sample's CPU, and their first touch a
 * page fault each at start-up), and a page never filled is never touched at all. */
struct cache_reader {
	struct mem_reader base;
	struct mem_reader *inner;
	uint64_t tag[SLOTS]; /* page address held; 0 = empty (page 0 is never readable) */
	uint8_t used[SLOTS]; /* read from since the last clear, so wanted again next time */
	uint8_t used_list[SLOTS]; /* ...those slots, in the order first used: the hot set is
				   * taken from them, not from a scan of every slot at each clear */
	size_t n_used;
	uint8_t (*data)[PAGE];
	uint64_t reads, misses;
	uint64_t hot[SLOTS]; /* the pages the last sample used, fetched together next time */
	size_t n_hot;
	int marked; /* hot[] was taken by mem_cache_mark_hot since the last clear */
};

static const uint8_t *page_get(struct cache_reader *c, uint64_t page, int *err)
{
	size_t i = (page / PAGE) % SLOTS;
	if (!c->used[i]) {
		c->used[i] = 1;
		c->used_list[c->n_used++] = (uint8_t)i;
	}
	if (c->tag[i] == page)
		return c->data[i];
	c->misses++;
	int rc = mem_read(c->inner, page, c->data[i], PAGE);
	if (rc != 0) {
		c->tag[i] = 0;
		*err = rc;
		return NULL;
	}
	c->tag[i] = page;
	return c->data[i];
}

static int cache_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct cache_reader *c = (struct cache_reader *)r;
	c->reads++;
	if (len >= DIRECT_MIN) {
		c->misses++;
		return mem_read(c->inner, addr, buf, len);
	}
	uint8_t *out = buf;
	while (len) {
		uint64_t page = addr & ~(uint64_t)(PAGE - 1);
		size_t off = (size_t)(addr - page), n = PAGE - off;
		if (n > len)
			n = len;
		int err = 0;
		const uint8_t *data = page_get(c, page, &err);
		if (!data) {
			/* A whole page can fail where the bytes asked for would not (the end of
			 * a mapping is always page-aligned, so only if the target unmapped it):
			 * ask for exactly those bytes before giving up. */
			return mem_read(c->inner, addr, out, len) == 0 ? 0 : err;
		}
		memcpy(out, data + off, n);
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}

static void cache_free(struct mem_reader *r)
{
	struct cache_reader *c = (struct cache_reader *)r;
	free(c->data);
	free(c);
}

struct mem_reader *mem_cache_new(struct mem_reader *inner)
{
	struct cache_reader *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	/* Not zeroed: a page's bytes are only read once its tag says it was filled. */
	c->data = malloc(SLOTS * sizeof *c->data);
	if (!c->data) {
		free(c);
		return NULL;
	}
	c->base.read = cache_read;
	c->base.free = cache_free;
	c->inner = inner;
	return &c->base;
}

/* The pages read from since the last clear, as the hot set: a page prefetched and no longer
 * wanted (a thread state gone, a frame returned from) drops out instead of being fetched
 * again at every sample for good. A clear after nothing was read (a tick that found the GIL
 * free) keeps the set it had. */
static void take_hot(struct cache_reader *c)
{
	size_t n = 0;
	for (size_t k = 0; k < c->n_used; k++)
		n += c->tag[c->used_list[k]] != 0;
	if (!n)
		return;
	c->n_hot = 0;
	for (size_t k = 0; k < c->n_used; k++)
		if (c->tag[c->used_list[k]])
			c->hot[c->n_hot++] = c->tag[c->used_list[k]];
}

/* Empties every slot and forgets which were used. */
static void empty(struct cache_reader *c)
{
	memset(c->tag, 0, sizeof c->tag);
	for (size_t k = 0; k < c->n_used; k++)
		c->used[c->used_list[k]] = 0;
	c->n_used = 0;
}

void mem_cache_mark_hot(struct mem_reader *r)
{
	struct cache_reader *c = (struct cache_reader *)r;
	take_hot(c);
	c->marked = 1;
}

void mem_cache_clear(struct mem_reader *r)
{
	struct cache_reader *c = (struct cache_reader *)r;
	if (!c->marked)
		take_hot(c);
	c->marked = 0;
	empty(c);
}

/* Appends c's hot pages and where each goes to addrs and bufs, from n; returns the new n. */
static size_t hot_list(struct cache_reader *c, uint64_t *addrs, void **bufs, size_t n)
{
	for (size_t i = 0; i < c->n_hot; i++) {
		addrs[n] = c->hot[i];
		bufs[n] = c->data[(c->hot[i] / PAGE) % SLOTS];
		n++;
	}
	return n;
}

/* Tags the first got of the n pages hot_list listed for c as held. Pages after a failed one
 * are simply read on demand. */
static void hot_got(struct cache_reader *c, const uint64_t *addrs, size_t n, size_t got)
{
	for (size_t i = 0; i < n && i < got; i++)
		c->tag[(addrs[i] / PAGE) % SLOTS] = addrs[i];
}

void mem_cache_prefetch(struct mem_reader *r)
{
	struct cache_reader *c = (struct cache_reader *)r;
	uint64_t addrs[SLOTS];
	void *bufs[SLOTS];
	size_t n = hot_list(c, addrs, bufs, 0);
	size_t got = mem_read_many(c->inner, n, addrs, bufs, PAGE);
	c->misses++;
	hot_got(c, addrs, n, got);
}

void mem_cache_refresh(struct mem_reader *r)
{
	struct cache_reader *c = (struct cache_reader *)r;
	c->marked = 0;
	empty(c);
	mem_cache_prefetch(r);
}

void mem_cache_prefetch_pair(struct mem_reader *ra, struct mem_reader *rb)
{
	struct cache_reader *a = (struct cache_reader *)ra, *b = (struct cache_reader *)rb;
	if (a->inner != b->inner) {
		mem_cache_prefetch(ra);
		mem_cache_prefetch(rb);
		return;
	}
	uint64_t addrs[2 * SLOTS];
	void *bufs[2 * SLOTS];
	size_t na = hot_list(a, addrs, bufs, 0);
	size_t n = hot_list(b, addrs, bufs, na);
	size_t got = mem_read_many(a->inner, n, addrs, bufs, PAGE);
	a->misses++;
	hot_got(a, addrs, na, got);
	hot_got(b, addrs + na, n - na, got > na ? got - na : 0);
}

void mem_cache_stats(const struct mem_reader *r, uint64_t *reads, uint64_t *misses)
{
	const struct cache_reader *c = (const struct cache_reader *)r;
	*reads = c->reads;
	*misses = c->misses;
}
