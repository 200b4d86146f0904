/* cache.c: a two-way set-associative cache of target pages, each held whole or in part. */
#include "mem/cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "util/grow.h"

#define PAGE 4096u
/* 128 pages (512 KiB) cover a deep 3.11+ data stack, the code objects of a sample and an
 * asyncio target's tasks (at 64 the tasks' pages evicted the stack's). A cache whose pages of
 * one tick evict each other more than GROW_EVICTIONS times grows to 1,024 (4 MiB, touched
 * only as filled): with --threads, 100 threads take 2 or 3 pages each. At 128, a tick of 100
 * threads made 300 reads of a page each while the target stood stopped (12-19% of a 100 Hz
 * run); at 512, 30 (sets overfull by chance); at 1,024, 8. Not 1,024 from the start: the
 * slots' arrays then spread over 10 pages a cache, 35 page faults more a run. */
#define SLOTS_FIRST 128u
#define SLOTS 1024u
#define GROW_EVICTIONS 8u
/* Two slots a set: a page may go in either of its set's. Direct mapped, pages 512 KiB apart
 * shared a slot, and a 3.10 target's frame objects (in arenas of 256 KiB) had two such pages
 * in its stack: each evicted the other at every tick, two reads more a tick for good. */
#define WAYS 2u
/* A read longer than this goes straight through: it would evict everything for one use. */
#define DIRECT_MIN (2 * PAGE)
/* A prefetch copies the part of each page the last sample used, widened to this grain: a tick
 * reads 10 pages or so, a few hundred bytes of each, and copying 4 KiB of each into a cold
 * cache was a tenth of the system call's cost. */
#define GRAIN 256u

/* A page to fetch, and the bytes of it wanted: [lo, hi). */
struct span {
	uint64_t page;
	uint16_t lo, hi;
};

/* The span of the len bytes at addr, widened to GRAIN; 0 when they are not within one page
 * past the first (those are cache_read's, when asked). */
static inline int grain_span(uint64_t addr, size_t len, struct span *s)
{
	uint64_t page = addr & ~(uint64_t)(PAGE - 1);
	size_t at = (size_t)(addr - page);
	if (addr < PAGE || at + len > PAGE)
		return 0;
	unsigned lo = (unsigned)at & ~(GRAIN - 1);
	unsigned hi = ((unsigned)(at + len) + GRAIN - 1) & ~(GRAIN - 1);
	*s = (struct span){ page, (uint16_t)lo, (uint16_t)(hi > PAGE ? PAGE : hi) };
	return 1;
}

/* Adds s to spans[0..*n): widens the span of its page, or appends it when there is room.
 * Returns the index it went to, or cap when there was no room. */
static inline size_t span_merge(struct span *spans, size_t *n, size_t cap, const struct span *s)
{
	size_t m = 0;
	while (m < *n && spans[m].page != s->page)
		m++;
	if (m < *n) {
		if (s->lo < spans[m].lo)
			spans[m].lo = s->lo;
		if (s->hi > spans[m].hi)
			spans[m].hi = s->hi;
	} else if (*n < cap) {
		spans[(*n)++] = *s;
	} else {
		return cap;
	}
	return m;
}

/* The slots' tags apart from their pages: a clear or a look-up touches small arrays, not a
 * line of each of the pages (clearing those was 4% of a sample's CPU, and their first touch a
 * page fault each at start-up), and a page never filled is never touched at all. */
struct cache_reader {
	struct mem_reader base;
	struct mem_reader *inner;
	size_t slots;      /* SLOTS_FIRST, or SLOTS once grown (empty) */
	unsigned set_bits; /* log2 of slots / WAYS */
	/* The arrays below hold slots entries each, in one block (slots_alloc). */
	uint64_t *tag;         /* page address held; 0 = empty (page 0 is never readable) */
	uint16_t *filled_list; /* the slots given a page since the last clear: a clear empties
				* them, not every slot (8 KiB a tick at 1,024) */
	size_t n_filled;
	uint16_t *lo, *hi; /* ...and which bytes of it: [lo, hi) */
	uint8_t *used;     /* read from since the last clear, so wanted again next time */
	uint8_t *taken;    /* filled by the fetch being made: a third page of a set waits */
	uint16_t *ulo, *uhi; /* ...those bytes of it */
	uint16_t *used_list; /* the slots used, in the order first used: the hot set is taken
			      * from them, not from a scan of every slot at each clear */
	size_t n_used;
	size_t evictions; /* pages used since the last clear evicted by others since then */
	uint8_t (*data)[PAGE];
	uint64_t reads, misses;
	struct span *hot; /* what the last sample used, fetched together next time */
	size_t n_hot;
	struct span *also; /* asked for by mem_cache_fetch_also, for the next fetch only */
	size_t n_also;
	int marked; /* hot[] was taken by mem_cache_mark_hot since the last clear */
	void *plan;       /* a fetch's working arrays (struct plan), plan_cap entries each */
	size_t plan_cap;
};

/* A fetch's working arrays, one entry a range, carved from one block that the cache keeps and
 * grows to the largest fetch yet. A tick fetches a few ranges, so it touches one page of them:
 * as arrays for every slot on the stack (146 KiB in fetch_hot, 49 KiB in cache_prefetch) a
 * tick touched a page of each array, 16 pages, and each was a page fault at a run's start. */
struct plan {
	struct span *spans;
	uint64_t *addrs;
	void **bufs;
	size_t *lens, *owner, *slot, *at, *from;
};

#define PLAN_ENTRY (sizeof(struct span) + sizeof(uint64_t) + sizeof(void *) + 5 * sizeof(size_t))

/* Room in c's block for n entries of each array, into *p. Returns 0, or -1 when memory is
 * short (the fetch is then not made: what it would have fetched is read when asked for). */
static int plan_get(struct cache_reader *c, size_t n, struct plan *p)
{
	if (grow_array(&c->plan, &c->plan_cap, n, PLAN_ENTRY) != 0)
		return -1;
	size_t cap = c->plan_cap;
	p->spans = c->plan;
	p->addrs = (uint64_t *)(p->spans + cap);
	p->bufs = (void **)(p->addrs + cap);
	p->lens = (size_t *)(p->bufs + cap);
	p->owner = p->lens + cap;
	p->slot = p->owner + cap;
	p->at = p->slot + cap;
	p->from = p->at + cap;
	return 0;
}

/* Gives c n slots (a power of two), empty, their arrays in one block, keeping the hot set and
 * what is asked for next (pages, not slots). Returns 0, or -1 with c as it was. */
static int slots_alloc(struct cache_reader *c, size_t n)
{
	size_t per = sizeof *c->tag + 2 * sizeof *c->filled_list + 4 * sizeof *c->lo +
		     sizeof *c->used + sizeof *c->taken + 2 * sizeof *c->hot;
	uint8_t *block = calloc(n, per);
	uint8_t (*data)[PAGE] = block ? aligned_alloc(PAGE, n * sizeof *data) : NULL;
	if (!data) {
		free(block);
		return -1;
	}
	/* The widest first, so that each array is aligned for its type. */
	struct span *hot = (struct span *)block, *also = hot + n;
	uint64_t *tag = (uint64_t *)(also + n);
	uint16_t *u16 = (uint16_t *)(tag + n);
	uint8_t *u8 = (uint8_t *)(u16 + 6 * n);
	if (c->hot) {
		memcpy(hot, c->hot, c->n_hot * sizeof *hot);
		memcpy(also, c->also, c->n_also * sizeof *also);
	}
	free(c->hot);
	free(c->data);
	c->hot = hot;
	c->also = also;
	c->tag = tag;
	c->filled_list = u16;
	c->lo = u16 + n;
	c->hi = u16 + 2 * n;
	c->ulo = u16 + 3 * n;
	c->uhi = u16 + 4 * n;
	c->used_list = u16 + 5 * n;
	c->used = u8;
	c->taken = u8 + n;
	c->data = data;
	c->slots = n;
	c->set_bits = 0;
	while ((size_t)WAYS << c->set_bits < n)
		c->set_bits++;
	c->n_filled = c->n_used = 0;
	return 0;
}

static void note_used(struct cache_reader *c, size_t i, size_t off, size_t n)
{
	if (!c->used[i]) {
		c->used[i] = 1;
		c->used_list[c->n_used++] = (uint16_t)i;
		c->ulo[i] = (uint16_t)off;
		c->uhi[i] = (uint16_t)(off + n);
		return;
	}
	if (off < c->ulo[i])
		c->ulo[i] = (uint16_t)off;
	if (off + n > c->uhi[i])
		c->uhi[i] = (uint16_t)(off + n);
}

/* The first slot of page's set: the top bits of the page number times 2^64 / phi, which spread
 * pages a fixed distance apart over the sets. Threads' C stacks lie 8 MiB and a guard page
 * apart: taking the number's low bits with higher ones folded in put 100 threads' stack pages
 * in too few sets, which evicted one another at every tick. */
static size_t set_of(const struct cache_reader *c, uint64_t page)
{
	uint64_t k = page / PAGE;
	return (size_t)((k * 0x9E3779B97F4A7C15ull) >> (64 - c->set_bits)) * WAYS;
}

/* The slot holding page (in whole or in part), or c->slots when none does. */
static size_t slot_find(const struct cache_reader *c, uint64_t page)
{
	size_t i = set_of(c, page);
	return c->tag[i] == page ? i : c->tag[i + 1] == page ? i + 1 : c->slots;
}

/* The slot holding all of the len bytes at addr, or c->slots. */
static inline size_t slot_holding(const struct cache_reader *c, uint64_t addr, size_t len)
{
	uint64_t first = addr & ~(uint64_t)(PAGE - 1);
	size_t at = (size_t)(addr - first), i = slot_find(c, first);
	if (at + len > PAGE || i == c->slots || at < c->lo[i] || at + len > c->hi[i])
		return c->slots;
	return i;
}

/* The slot page would go to: the one holding it, else an empty one of its set, else one not
 * read from since the last clear, else the set's first. Nothing is changed: a fetch asks this
 * first, and leaves a page whose slot it has already given to another (a third page of a
 * set) for later. */
static size_t slot_pick(const struct cache_reader *c, uint64_t page)
{
	size_t i = slot_find(c, page);
	if (i < c->slots)
		return i;
	size_t s = set_of(c, page);
	return !c->tag[s] ? s : !c->tag[s + 1] ? s + 1 : !c->used[s] ? s : !c->used[s + 1] ? s + 1 : s;
}

/* The slot for page (slot_pick's). Its page is then page, none of it held yet (lo = hi) when
 * it held another, for the caller to fill. */
static size_t slot_take(struct cache_reader *c, uint64_t page)
{
	size_t i = slot_pick(c, page);
	if (c->tag[i] != page) {
		c->evictions += c->tag[i] && c->used[i];
		/* A slot emptied by a failed read and filled again is listed twice: a full list
		 * (never, short of that at most slots) makes the clear empty every slot. */
		if (!c->tag[i] && c->n_filled < c->slots)
			c->filled_list[c->n_filled++] = (uint16_t)i;
		c->tag[i] = page;
		c->lo[i] = c->hi[i] = 0;
	}
	return i;
}

/* The bytes [off, off + n) of page, n >= 1 and within it, read whole when not held. */
static const uint8_t *page_get(struct cache_reader *c, uint64_t page, size_t off, size_t n,
			       int *err)
{
	size_t i = slot_take(c, page);
	note_used(c, i, off, n);
	if (c->tag[i] == page && off >= c->lo[i] && off + n <= c->hi[i])
		return c->data[i];
	c->misses++;
	int rc = mem_read(c->inner, page, c->data[i], PAGE);
	if (rc != 0) {
		c->tag[i] = 0;
		*err = rc;
		return NULL;
	}
	c->tag[i] = page;
	c->lo[i] = 0;
	c->hi[i] = PAGE;
	return c->data[i];
}

static int cache_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct cache_reader *c = (struct cache_reader *)r;
	c->reads++;
	/* Most reads: a few bytes of one page held (40 a tick, a frame or a field each). */
	size_t i = slot_holding(c, addr, len);
	if (i < c->slots) {
		size_t at = (size_t)(addr & (PAGE - 1));
		note_used(c, i, at, len);
		memcpy(buf, c->data[i] + at, len);
		return 0;
	}
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
		const uint8_t *data = page_get(c, page, off, n, &err);
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

/* The spans of addrs not held yet, each widened to GRAIN, in one read; a page held in part
 * is fetched over the part held too (a slot holds one range of its page). A third page of a
 * set is left to be read when asked for. */
static void cache_prefetch(struct mem_reader *r, size_t n, const uint64_t *addrs, size_t len)
{
	struct cache_reader *c = (struct cache_reader *)r;
	size_t cap = n < c->slots ? n : c->slots, ns = 0;
	struct plan p;
	if (!cap || plan_get(c, cap, &p) != 0)
		return;
	struct span *spans = p.spans;
	for (size_t k = 0; k < n; k++) {
		struct span want;
		if (!grain_span(addrs[k], len, &want) || slot_holding(c, addrs[k], len) < c->slots)
			continue;
		size_t i = slot_find(c, want.page);
		if (i < c->slots && c->hi[i] > c->lo[i]) {
			want.lo = want.lo < c->lo[i] ? want.lo : c->lo[i];
			want.hi = want.hi > c->hi[i] ? want.hi : c->hi[i];
		}
		span_merge(spans, &ns, cap, &want);
	}
	uint64_t *a = p.addrs;
	void **bufs = p.bufs;
	size_t *lens = p.lens, *slot = p.slot, nr = 0;
	memset(c->taken, 0, c->slots);
	for (size_t m = 0; m < ns; m++) {
		size_t i = slot_pick(c, spans[m].page);
		if (c->taken[i])
			continue;
		slot_take(c, spans[m].page);
		c->taken[i] = 1;
		/* Its bytes are being replaced: none of them held until read. */
		c->lo[i] = c->hi[i] = 0;
		spans[nr] = spans[m];
		slot[nr] = i;
		a[nr] = spans[m].page + spans[m].lo;
		bufs[nr] = c->data[i] + spans[m].lo;
		lens[nr] = (size_t)(spans[m].hi - spans[m].lo);
		nr++;
	}
	if (!nr)
		return;
	size_t got = mem_read_many(c->inner, nr, a, bufs, lens);
	c->misses++;
	for (size_t m = 0; m < nr; m++) {
		if (m < got) {
			c->lo[slot[m]] = spans[m].lo;
			c->hi[slot[m]] = spans[m].hi;
		} else {
			c->tag[slot[m]] = 0;
		}
	}
}

/* Bytes held are lent in place; the rest is cache_read's to fetch. */
static const void *cache_view(struct mem_reader *r, uint64_t addr, size_t len)
{
	struct cache_reader *c = (struct cache_reader *)r;
	size_t i = slot_holding(c, addr, len), at = (size_t)(addr & (PAGE - 1));
	if (i == c->slots)
		return NULL;
	c->reads++;
	note_used(c, i, at, len);
	return c->data[i] + at;
}

/* The held part of addr's page, lent whole; what is read of it beyond addr's bytes is said
 * after (cache_window_used), so that the next fetch is no wider than what was read. */
static const void *cache_view_window(struct mem_reader *r, uint64_t addr, size_t len,
				     uint64_t *lo, uint64_t *hi)
{
	struct cache_reader *c = (struct cache_reader *)r;
	uint64_t first = addr & ~(uint64_t)(PAGE - 1);
	size_t i = slot_holding(c, addr, len), at = (size_t)(addr - first);
	if (i == c->slots)
		return NULL;
	c->reads++;
	note_used(c, i, at, len);
	*lo = first + c->lo[i];
	*hi = first + c->hi[i];
	return c->data[i] + at;
}

static void cache_window_used(struct mem_reader *r, uint64_t lo, uint64_t hi)
{
	struct cache_reader *c = (struct cache_reader *)r;
	uint64_t first = lo & ~(uint64_t)(PAGE - 1);
	size_t at = (size_t)(lo - first), i = slot_find(c, first);
	if (hi - lo <= PAGE - at && i < c->slots)
		note_used(c, i, at, (size_t)(hi - lo));
}

static void cache_free(struct mem_reader *r)
{
	struct cache_reader *c = (struct cache_reader *)r;
	free(c->plan);
	free(c->data);
	free(c->hot); /* the slots' block */
	free(c);
}

struct mem_reader *mem_cache_new(struct mem_reader *inner)
{
	struct cache_reader *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	/* Its pages not zeroed: a page's bytes are only read once its tag says it was filled.
	 * Aligned to pages: each slot a page of its own, so filling one faults in one page, not
	 * two (a page fault costs 10-14 us on the VMs this runs on; a run's first tick fills
	 * 20-30). */
	if (slots_alloc(c, SLOTS_FIRST) != 0) {
		free(c);
		return NULL;
	}
	c->base.read = cache_read;
	c->base.view = cache_view;
	c->base.view_window = cache_view_window;
	c->base.window_used = cache_window_used;
	c->base.prefetch = cache_prefetch;
	c->base.free = cache_free;
	c->inner = inner;
	return &c->base;
}

/* The pages read from since the last clear, and the part of each read, as the hot set: a page
 * prefetched and no longer wanted (a thread state gone, a frame returned from) drops out
 * instead of being fetched again at every sample for good. A clear after nothing was read (a
 * tick that found the GIL free) keeps the set it had. */
static void take_hot(struct cache_reader *c)
{
	size_t n = 0;
	for (size_t k = 0; k < c->n_used; k++)
		n += c->tag[c->used_list[k]] != 0;
	if (!n)
		return;
	c->n_hot = 0;
	for (size_t k = 0; k < c->n_used; k++) {
		size_t i = c->used_list[k];
		if (!c->tag[i])
			continue;
		unsigned lo = c->ulo[i] & ~(GRAIN - 1), hi = (c->uhi[i] + GRAIN - 1) & ~(GRAIN - 1);
		c->hot[c->n_hot++] = (struct span){ c->tag[i], (uint16_t)lo, (uint16_t)hi };
	}
}

/* Empties every slot and forgets which were used. */
static void empty(struct cache_reader *c)
{
	if (c->n_filled == c->slots)
		memset(c->tag, 0, c->slots * sizeof *c->tag);
	else
		for (size_t k = 0; k < c->n_filled; k++)
			c->tag[c->filled_list[k]] = 0;
	c->n_filled = 0;
	for (size_t k = 0; k < c->n_used; k++)
		c->used[c->used_list[k]] = 0;
	c->n_used = 0;
	/* Emptied, the slots may grow: the hot set is kept as pages, not slots. When memory is
	 * short the cache stays as it was. */
	if (c->evictions > GROW_EVICTIONS && c->slots < SLOTS)
		slots_alloc(c, SLOTS);
	c->evictions = 0;
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

/* What mem_cache_fetch_also asked for joins c's hot set, now that the set is taken: a span of a
 * page the set holds widens it. */
static void add_also(struct cache_reader *c)
{
	for (size_t k = 0; k < c->n_also; k++)
		span_merge(c->hot, &c->n_hot, c->slots, &c->also[k]);
	c->n_also = 0;
}

/* One fetch for the hot sets of caches c[0..nc), nc <= 2, over the same reader, both emptied
 * since their sets were taken. A page hot in both is read once, into the first, and copied to
 * the other. A third page of a set, and spans after the first that fails, are read when asked
 * for. */
static void fetch_hot(struct cache_reader **c, size_t nc)
{
	size_t n = 0, need = 0;
	for (size_t k = 0; k < nc; k++) {
		add_also(c[k]);
		need += c[k]->n_hot;
	}
	struct plan p;
	if (!need || plan_get(c[0], need, &p) != 0)
		return;
	struct span *spans = p.spans;
	uint64_t *addrs = p.addrs;
	void **bufs = p.bufs;
	/* For each cache's span: the span of the fetch that holds it. */
	size_t *from[2] = { p.from, p.from + c[0]->n_hot };
	for (size_t k = 0; k < nc; k++)
		for (size_t j = 0; j < c[k]->n_hot; j++)
			from[k][j] = span_merge(spans, &n, need, &c[k]->hot[j]);
	/* The buffers: the first cache holding each page, in the slot it takes there. */
	size_t *owner = p.owner, *slot = p.slot, *at = p.at, *lens = p.lens, nr = 0;
	for (size_t k = 0; k < nc; k++)
		memset(c[k]->taken, 0, c[k]->slots);
	for (size_t m = 0; m < n; m++)
		owner[m] = nc;
	for (size_t k = 0; k < nc; k++)
		for (size_t j = 0; j < c[k]->n_hot; j++)
			if (owner[from[k][j]] == nc)
				owner[from[k][j]] = k;
	for (size_t m = 0; m < n; m++) {
		struct cache_reader *o = c[owner[m]];
		/* A slot this fetch fills already is left alone: taken, its tag would name this
		 * page over the other's bytes. */
		size_t i = slot_pick(o, spans[m].page);
		at[m] = SIZE_MAX;
		slot[m] = SLOTS;
		if (o->taken[i])
			continue;
		slot_take(o, spans[m].page);
		o->taken[i] = 1;
		slot[m] = i;
		at[m] = nr;
		addrs[nr] = spans[m].page + spans[m].lo;
		bufs[nr] = o->data[i] + spans[m].lo;
		lens[nr] = (size_t)(spans[m].hi - spans[m].lo);
		nr++;
	}
	size_t got = mem_read_many(c[0]->inner, nr, addrs, bufs, lens);
	c[0]->misses++;
	for (size_t m = 0; m < n; m++)
		if (at[m] != SIZE_MAX && at[m] >= got)
			c[owner[m]]->tag[slot[m]] = 0;
	for (size_t k = 0; k < nc; k++)
		for (size_t j = 0; j < c[k]->n_hot; j++) {
			size_t m = from[k][j], i = slot[m];
			if (at[m] == SIZE_MAX || at[m] >= got)
				continue;
			if (owner[m] != k) {
				i = slot_pick(c[k], spans[m].page);
				if (c[k]->taken[i])
					continue;
				slot_take(c[k], spans[m].page);
				c[k]->taken[i] = 1;
				memcpy(c[k]->data[i] + spans[m].lo, bufs[at[m]], lens[at[m]]);
			}
			c[k]->lo[i] = spans[m].lo;
			c[k]->hi[i] = spans[m].hi;
		}
}

void mem_cache_fetch_also(struct mem_reader *r, size_t n, const uint64_t *addrs, size_t len)
{
	struct cache_reader *c = (struct cache_reader *)r;
	c->n_also = 0;
	for (size_t k = 0; k < n && c->n_also < c->slots; k++)
		c->n_also += (size_t)grain_span(addrs[k], len, &c->also[c->n_also]);
}

void mem_cache_prefetch(struct mem_reader *r)
{
	struct cache_reader *c = (struct cache_reader *)r;
	fetch_hot(&c, 1);
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
	struct cache_reader *c[2] = { (struct cache_reader *)ra, (struct cache_reader *)rb };
	if (c[0]->inner != c[1]->inner) {
		mem_cache_prefetch(ra);
		mem_cache_prefetch(rb);
		return;
	}
	fetch_hot(c, 2);
}

void mem_cache_refresh_pair(struct mem_reader *ra, struct mem_reader *rb)
{
	struct cache_reader *c[2] = { (struct cache_reader *)ra, (struct cache_reader *)rb };
	for (int k = 0; k < 2; k++) {
		c[k]->marked = 0;
		empty(c[k]);
	}
	mem_cache_prefetch_pair(ra, rb);
}

void mem_cache_stats(const struct mem_reader *r, uint64_t *reads, uint64_t *misses)
{
	const struct cache_reader *c = (const struct cache_reader *)r;
	*reads = c->reads;
	*misses = c->misses;
}
