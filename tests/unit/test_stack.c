/* test_stack.c: py_stack_read's cycle check over made-up 3.12 frame chains: the visited set
 * starts small and grows as deeper chains show up, so chains of every depth up to the bound
 * come back whole and in order, a chain that loops is refused however deep the loop starts,
 * and a deep walk after shallow ones (and a shallow one after deep ones, and the stamp wrapping
 * around) forgets the frames of the walks before. Through the page cache, a walk takes frames
 * from the window of bytes the cache lent with the last one: the same frames as read straight,
 * across pages and a frame that straddles two, and the next tick's one fetch holds them all.
 * Up to 3.10, a chain of frame objects that meets a freed one (ob_refcnt 0) is no stack. */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "mem/cache.h"
#include "mem/reader.h"
#include "python/layout.h"
#include "python/offsets.h"
#include "python/walker.h"

/* Frame i of the chain sits at BASE + i * STRIDE; its previous frame is i + 1, up to the
 * chain's length (then 0), or frame loop_to after the last one when the chain loops. */
#define BASE 0x10000000ull
#define STRIDE 0x100u
#define CODE 0x7000000ull

struct chain {
	struct mem_reader r;
	const struct py_offsets *o;
	size_t len;
	long loop_to; /* -1: the chain ends */
};

static uint64_t frame_at(size_t i)
{
	return BASE + i * STRIDE;
}

static void put64(uint8_t *buf, size_t len, int32_t off, uint64_t v)
{
	if (off >= 0 && (size_t)off + 8 <= len)
		memcpy(buf + off, &v, 8);
}

/* Which of n frames a read of len bytes at addr starts at, or -1 when none. */
static long frame_index(uint64_t addr, size_t len, size_t n)
{
	if (addr < BASE || (addr - BASE) % STRIDE || len > STRIDE || (addr - BASE) / STRIDE >= n)
		return -1;
	return (long)((addr - BASE) / STRIDE);
}

/* Lays out the frame the read starts at, whatever the read's length (the walker reads one
 * frame's fields at once, from its start). */
static int chain_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct chain *c = (struct chain *)r;
	long at = frame_index(addr, len, c->len);
	if (at < 0)
		return MEM_EFAULT;
	size_t i = (size_t)at;
	uint64_t prev = i + 1 < c->len ? frame_at(i + 1)
		      : c->loop_to >= 0 ? frame_at((size_t)c->loop_to) : 0;
	memset(buf, 0, len);
	put64(buf, len, c->o->iframe_previous, prev);
	put64(buf, len, c->o->iframe_code, CODE);
	put64(buf, len, c->o->iframe_instr, CODE + (uint64_t)c->o->code_code_adaptive + 2 * i);
	return 0;
}

static void chain_free(struct mem_reader *r)
{
	(void)r;
}

static char msg[256];
#define WHAT(...) (snprintf(msg, sizeof msg, __VA_ARGS__), msg)

/* Walks a chain of len frames; checks every frame came back, in order. */
static void check_whole(struct py_walker *w, struct chain *c, struct py_raw_frame *out,
			size_t len)
{
	c->len = len;
	c->loop_to = -1;
	size_t partial = 0;
	int n = py_stack_read(w, frame_at(0), NULL, out, PY_MAX_DEPTH, &partial);
	CHECK_INT(n, (long long)len, WHAT("a chain of %zu frames is read whole", len));
	size_t bad = 0;
	for (size_t i = 0; n > 0 && i < (size_t)n; i++)
		bad += out[i].addr != frame_at(i) || out[i].index != (int64_t)i;
	CHECK_INT(bad, 0, WHAT("a chain of %zu frames comes back in order", len));
}

static void check_loop(struct py_walker *w, struct chain *c, struct py_raw_frame *out,
		       size_t len, long loop_to)
{
	c->len = len;
	c->loop_to = loop_to;
	size_t partial = 0;
	CHECK_INT(py_stack_read(w, frame_at(0), NULL, out, PY_MAX_DEPTH, &partial), PY_WALK_CYCLE,
		  WHAT("a chain of %zu frames looping back to frame %ld is a cycle", len,
		       loop_to));
}

/* Frame objects (up to 3.10) at the chain's addresses, each referred to once, but frame
 * `dead`, which was freed: its ob_refcnt 0, its fields as they were (CPython keeps freed
 * frames in a free list linked through f_back). */
struct objects {
	struct mem_reader r;
	const struct py_offsets *o;
	size_t len;
	long dead;
};

static int objects_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct objects *c = (struct objects *)r;
	long at = frame_index(addr, len, c->len);
	if (at < 0)
		return MEM_EFAULT;
	size_t i = (size_t)at;
	memset(buf, 0, len);
	put64(buf, len, 0, (long)i == c->dead ? 0 : 1);
	put64(buf, len, c->o->frame_back, i + 1 < c->len ? frame_at(i + 1) : 0);
	put64(buf, len, c->o->frame_code, CODE);
	int32_t lasti = (int32_t)(2 * i);
	if (c->o->frame_lasti >= 0 && (size_t)c->o->frame_lasti + 4 <= len)
		memcpy((uint8_t *)buf + c->o->frame_lasti, &lasti, 4);
	return 0;
}

/* 2.7 and 3.9: a chain of live frame objects is read whole; one that meets a freed frame,
 * first or further up, is no stack. */
static void check_objects(int major, int minor)
{
	const struct py_offsets *o = py_offsets_find(major, minor);
	if (!o) {
		check_skip("frame objects", "no row for this version in the offsets table");
		return;
	}
	struct objects c = { .r = { .read = objects_read, .free = chain_free }, .o = o, .len = 5,
			     .dead = -1 };
	struct py_walker w;
	memset(&w, 0, sizeof w);
	struct py_version v = { major, minor, 0 };
	char err[256];
	if (py_layout_init(&w.layout, &v, &c.r, 0, err, sizeof err) != 0) {
		CHECK(0, err);
		return;
	}
	w.mem = &c.r;
	struct py_raw_frame out[8];
	size_t partial = 0;
	CHECK_INT(py_stack_read(&w, frame_at(0), NULL, out, 8, &partial), 5,
		  WHAT("%d.%d: five live frame objects, read whole", major, minor));
	c.dead = 0;
	CHECK_INT(py_stack_read(&w, frame_at(0), NULL, out, 8, &partial), PY_WALK_BAD_READ,
		  WHAT("%d.%d: the innermost frame freed (the thread returned from it): no stack",
		       major, minor));
	c.dead = 3;
	CHECK_INT(py_stack_read(&w, frame_at(0), NULL, out, 8, &partial), PY_WALK_BAD_READ,
		  WHAT("%d.%d: a frame further up freed: no stack", major, minor));
	py_walker_release(&w);
}

/* A flat span of memory that counts its reads: a 3.11+ data stack laid out as CPython does,
 * each caller below its callee. */
#define FLAT_BASE 0x20000000ull
#define FLAT_SIZE (4 * 4096u)
struct flat {
	struct mem_reader r;
	uint8_t mem[FLAT_SIZE];
	int reads;
};

static int flat_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct flat *f = (struct flat *)r;
	f->reads++;
	if (addr < FLAT_BASE || addr + len > FLAT_BASE + FLAT_SIZE)
		return MEM_EFAULT;
	memcpy(buf, f->mem + (addr - FLAT_BASE), len);
	return 0;
}

/* n frames 0x90 apart from the top of the span down (frame 0 the innermost), so that they
 * cross page edges and one straddles them. */
static uint64_t flat_frame(size_t i)
{
	return FLAT_BASE + FLAT_SIZE - 0x100 - i * 0x90;
}

static void flat_chain(struct flat *f, const struct py_offsets *o, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = f->mem + (flat_frame(i) - FLAT_BASE);
		uint64_t prev = i + 1 < n ? flat_frame(i + 1) : 0;
		uint64_t instr = CODE + (uint64_t)o->code_code_adaptive + 2 * i;
		memcpy(p + o->iframe_previous, &prev, 8);
		memcpy(p + o->iframe_code, &(uint64_t){ CODE + 0x40 * (i % 3) }, 8);
		memcpy(p + o->iframe_instr, &instr, 8);
	}
}

static void check_through_cache(struct py_walker *w, const struct py_offsets *o)
{
	static struct flat f = { .r = { .read = flat_read, .free = chain_free } };
	const size_t n = 60;
	flat_chain(&f, o, n);
	struct py_raw_frame *straight = calloc(PY_MAX_DEPTH, sizeof *straight);
	struct py_raw_frame *cached = calloc(PY_MAX_DEPTH, sizeof *cached);
	struct mem_reader *c = mem_cache_new(&f.r);
	if (!straight || !cached || !c) {
		CHECK(0, "memory for the walk through the cache");
		return;
	}
	size_t partial = 0;
	w->mem = &f.r;
	int a = py_stack_read(w, flat_frame(0), NULL, straight, PY_MAX_DEPTH, &partial);
	w->mem = c;
	int b = py_stack_read(w, flat_frame(0), NULL, cached, PY_MAX_DEPTH, &partial);
	CHECK_INT(a, (long long)n, "a data stack read straight comes back whole");
	CHECK_INT(b, a, "...and through the cache, as many frames");
	CHECK(a == b && memcmp(straight, cached, (size_t)n * sizeof *cached) == 0,
	      "...the same frames, the one across two pages too");
	/* The next tick: its one fetch holds every frame the walk takes. */
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	int before = f.reads;
	memset(cached, 0, (size_t)n * sizeof *cached);
	b = py_stack_read(w, flat_frame(0), NULL, cached, PY_MAX_DEPTH, &partial);
	CHECK(b == a && memcmp(straight, cached, (size_t)n * sizeof *cached) == 0,
	      "the next tick's walk through the cache: the same frames");
	CHECK_INT(f.reads, before, "...every one from the tick's one fetch");
	/* A link near the top of the address space, in a walk through the cache's window: a bad
	 * read, not bytes from past the window (frame + span wraps around). */
	uint8_t *last = f.mem + (flat_frame(n - 1) - FLAT_BASE);
	uint64_t wild = UINT64_MAX - 0x10;
	memcpy(last + o->iframe_previous, &wild, 8);
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	b = py_stack_read(w, flat_frame(0), NULL, cached, PY_MAX_DEPTH, &partial);
	CHECK(b == PY_WALK_BAD_READ && partial == n,
	      "a link to the top of the address space: a bad read, the frames before it kept");
	mem_reader_free(c);
	free(straight);
	free(cached);
}

int main(void)
{
	const struct py_offsets *o = py_offsets_find(3, 12);
	if (!o) {
		check_skip("stack walks", "no 3.12 row in the offsets table");
		return check_exit();
	}
	struct chain c = { .r = { .read = chain_read, .free = chain_free }, .o = o };
	struct py_walker w;
	memset(&w, 0, sizeof w);
	struct py_version v = { 3, 12, 0 };
	char err[256];
	if (py_layout_init(&w.layout, &v, &c.r, 0, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	w.mem = &c.r;
	struct py_raw_frame *out = calloc(PY_MAX_DEPTH, sizeof *out);
	if (!out)
		return 2;

	/* Shallow first: the set is made at the first walk, at its smallest. */
	check_whole(&w, &c, out, 1);
	check_whole(&w, &c, out, 30);
	CHECK_INT(w.visited_cap, PY_VISITED_MIN_SLOTS, "a shallow stack keeps the set small");
	check_loop(&w, &c, out, 30, 0);
	check_loop(&w, &c, out, 30, 29);
	/* Each growth keeps the frames of the walk under way: loops into the first frames
	 * of a chain that grew the set on its way are still seen. */
	check_whole(&w, &c, out, 3000);
	check_loop(&w, &c, out, 3000, 0);
	check_loop(&w, &c, out, 3000, 2999);
	check_loop(&w, &c, out, PY_MAX_DEPTH - 1, 1);
	check_whole(&w, &c, out, PY_MAX_DEPTH);
	CHECK(w.visited_cap <= PY_VISITED_SLOTS, "the deepest walk stays within the most slots");
	/* Past the bound: the frames up to it are kept. */
	c.len = PY_MAX_DEPTH + 5;
	c.loop_to = -1;
	size_t partial = 0;
	CHECK_INT(py_stack_read(&w, frame_at(0), NULL, out, PY_MAX_DEPTH, &partial), PY_WALK_TOO_DEEP,
		  "a chain past the bound is too deep");
	CHECK_INT(partial, PY_MAX_DEPTH, "a chain past the bound keeps the frames up to it");
	/* A shallow walk after the deep ones sees none of their frames. */
	check_whole(&w, &c, out, 2);
	/* The stamp wrapping around clears the set. */
	w.stamp = UINT32_MAX;
	check_whole(&w, &c, out, 500);
	check_loop(&w, &c, out, 500, 250);

	check_through_cache(&w, o);
	check_objects(2, 7);
	check_objects(3, 9);

	free(out);
	py_walker_release(&w);
	return check_exit();
}
