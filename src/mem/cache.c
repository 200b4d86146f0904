/* cache.c: a direct-mapped cache of target pages. */
#include "mem/cache.h"

#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"

#define PAGE 4096u
/* 64 pages (256 KiB) cover a deep 3.11+ data stack and the code objects of a sample; more
 * would only cost memory, since the cache is emptied at every sample. */
#define SLOTS 128u
/* A read longer than this goes straight through: it would evict everything for one use. */
#define DIRECT_MIN (2 * PAGE)

struct slot {
	uint64_t page; /* page address; 0 = empty (page 0 is never readable) */
	uint8_t data[PAGE];
};

struct cache_reader {
	struct mem_reader base;
	struct mem_reader *inner;
	struct slot *slots;
	uint64_t reads, misses;
	uint64_t hot[SLOTS]; /* the pages the last sample used, fetched together next time */
	size_t n_hot;
	int marked; /* hot[] was taken by mem_cache_mark_hot since the last clear */
};

static const uint8_t *page_get(struct cache_reader *c, uint64_t page, int *err)
{
	struct slot *s = &c->slots[(page / PAGE) % SLOTS];
	if (s->page == page)
		return s->data;
	c->misses++;
	int rc = mem_read(c->inner, page, s->data, PAGE);
	if (rc != 0) {
		s->page = 0;
		*err = rc;
		return NULL;
	}
	s->page = page;
	return s->data;
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
	free(c->slots);
	free(c);
}

struct mem_reader *mem_cache_new(struct mem_reader *inner)
{
	struct cache_reader *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->slots = calloc(SLOTS, sizeof *c->slots);
	if (!c->slots) {
		free(c);
		return NULL;
	}
	c->base.read = cache_read;
	c->base.free = cache_free;
	c->inner = inner;
	return &c->base;
}

/* The pages held now, as the hot set. */
static void take_hot(struct cache_reader *c)
{
	c->n_hot = 0;
	for (size_t i = 0; i < SLOTS; i++)
		if (c->slots[i].page)
			c->hot[c->n_hot++] = c->slots[i].page;
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
	for (size_t i = 0; i < SLOTS; i++)
		c->slots[i].page = 0;
}

void mem_cache_prefetch(struct mem_reader *r)
{
	struct cache_reader *c = (struct cache_reader *)r;
	uint64_t addrs[SLOTS];
	void *bufs[SLOTS];
	size_t n = 0;
	for (size_t i = 0; i < c->n_hot; i++) {
		struct slot *s = &c->slots[(c->hot[i] / PAGE) % SLOTS];
		addrs[n] = c->hot[i];
		bufs[n] = s->data;
		n++;
	}
	size_t got = mem_read_many(c->inner, n, addrs, bufs, PAGE);
	c->misses++;
	for (size_t i = 0; i < got; i++)
		c->slots[(addrs[i] / PAGE) % SLOTS].page = addrs[i];
	/* Pages after a failed one are simply read on demand. */
}

void mem_cache_stats(const struct mem_reader *r, uint64_t *reads, uint64_t *misses)
{
	const struct cache_reader *c = (const struct cache_reader *)r;
	*reads = c->reads;
	*misses = c->misses;
}
