/* test_cache.c: the per-sample page cache: reads come back right across page edges, repeated
 * reads cost no new inner reads, clearing forgets, prefetch fetches the last sample's pages in
 * one call (only the pages read before mem_cache_mark_hot when it was called), and of each only
 * the part read, widened to 256 bytes (a read outside it fetches the page whole); two caches
 * prefetching together read a page both want once, and refreshed together fetch again what
 * they fetched; fetching ahead (mem_prefetch) reads only what is not held, in one call; what
 * mem_cache_fetch_also asks for joins the next fetch, once; a window (mem_view_window) lends
 * the part of a page held, and what is said to be read of it is fetched next time;
 * failures pass through; the pages of 100 threads (--threads: each thread's C stack, 8 MiB and a
 * guard page from the next, and its frames) are held together; a fetch of more pages than a
 * set has slots reads each page as it is, never another's bytes under its address. */
#include <stdlib.h>

#include "check.h"
#include "mem/cache.h"
#include "mem/reader.h"

#define BASE 0x100000u
#define SIZE (8 * 4096u + (512u << 10)) /* 8 pages, and room for one 512 KiB on */

struct fake {
	struct mem_reader r;
	uint8_t mem[SIZE];
	int reads, many_calls;
	size_t last_ranges, last_bytes; /* of the last read_many call */
};

static int fake_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct fake *f = (struct fake *)r;
	f->reads++;
	if (addr < BASE || addr + len > BASE + SIZE)
		return MEM_EFAULT;
	memcpy(buf, f->mem + (addr - BASE), len);
	return 0;
}

static size_t fake_read_many(struct mem_reader *r, size_t n, const uint64_t *addrs, void **bufs,
			     const size_t *lens)
{
	struct fake *f = (struct fake *)r;
	f->many_calls++;
	f->last_ranges = n;
	f->last_bytes = 0;
	size_t i = 0;
	while (i < n && addrs[i] >= BASE && addrs[i] + lens[i] <= BASE + SIZE) {
		memcpy(bufs[i], f->mem + (addrs[i] - BASE), lens[i]);
		f->last_bytes += lens[i];
		i++;
	}
	return i;
}

static void fake_free(struct mem_reader *r)
{
	(void)r;
}

/* A target as wide as a process with many threads: every byte readable, its value made from its
 * address, and the reads counted. */
struct wide {
	struct mem_reader r;
	int reads, many_calls;
};

static uint8_t wide_byte(uint64_t addr)
{
	return (uint8_t)(addr * 31 >> 3);
}

static void wide_fill(uint64_t addr, uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = wide_byte(addr + i);
}

static int wide_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	((struct wide *)r)->reads++;
	wide_fill(addr, buf, len);
	return 0;
}

static size_t wide_read_many(struct mem_reader *r, size_t n, const uint64_t *addrs, void **bufs,
			     const size_t *lens)
{
	((struct wide *)r)->many_calls++;
	for (size_t i = 0; i < n; i++)
		wide_fill(addrs[i], bufs[i], lens[i]);
	return n;
}

#define THREADS 100
#define STACK_STRIDE ((8u << 20) + 4096u)

/* Reads a byte of each thread's C stack and of its frames; returns how many came back right. */
static int read_threads(struct mem_reader *c)
{
	int right = 0;
	for (uint64_t t = 0; t < THREADS; t++) {
		uint64_t stack = 0x7f0000000000ull - t * STACK_STRIDE - 0x1000 + 0x368;
		uint64_t frames = 0x7f4000000000ull + t * 0x24000 + 0x40;
		uint8_t a = 0, b = 0;
		right += mem_read(c, stack, &a, 1) == 0 && a == wide_byte(stack) &&
			 mem_read(c, frames, &b, 1) == 0 && b == wide_byte(frames);
	}
	return right;
}

/* --threads over 100 threads: a few ticks on, their 200 pages come in the fetch of the tick,
 * all but a few (two-way sets overfull by chance): at 128 slots, with a page's set taken from
 * the low bits of its number, most were read one by one at every tick while the target stood
 * stopped. The cache starts at 128 slots and grows when a tick's pages evict one another. */
static void many_threads(void)
{
	static struct wide w = { .r = { .read = wide_read, .free = fake_free,
					.read_many = wide_read_many } };
	struct mem_reader *c = mem_cache_new(&w.r);
	CHECK(c != NULL, "a cache over a wide target");
	if (!c)
		return;
	CHECK_INT(read_threads(c), THREADS, "100 threads' pages read right");
	/* Ticks: the first ones' pages evict one another, and the cache grows. */
	int right = 1;
	for (int tick = 0; tick < 3; tick++) {
		mem_cache_clear(c);
		mem_cache_prefetch(c);
		right &= read_threads(c) == THREADS;
	}
	CHECK(right, "...and right at each of three ticks more");
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	int reads = w.reads, many = w.many_calls;
	CHECK_INT(read_threads(c), THREADS, "...and right again at the next tick");
	CHECK(w.reads - reads <= THREADS * 2 / 20,
	      "...at most one page in 20 read on its own, not held from the fetch");
	CHECK_INT(w.many_calls, many, "...in no other fetch");
	mem_reader_free(c);
}

/* As many pages as the cache's first slots: a fetch takes that many at most. */
#define CROWD 128

/* A wide target whose bytes differ from page to page at the same offset (wide_byte's do not:
 * it leaves out the page number's bits). */
static uint8_t paged_byte(uint64_t addr)
{
	return (uint8_t)((addr >> 12) * 131 + addr);
}

static int paged_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	((struct wide *)r)->reads++;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = paged_byte(addr + i);
	return 0;
}

static size_t paged_read_many(struct mem_reader *r, size_t n, const uint64_t *addrs, void **bufs,
			      const size_t *lens)
{
	((struct wide *)r)->many_calls++;
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < lens[k]; i++)
			((uint8_t *)bufs[k])[i] = paged_byte(addrs[k] + i);
	return n;
}

static uint64_t crowd_at(uint64_t k)
{
	return 0x7f2000000000ull + k * 0x11000 + 0x120;
}

/* Whether a byte at each of the CROWD addresses reads as the target holds it: the last first
 * (a page read on its own after the fetch may take a slot back from a later one). */
static int crowd_right(struct mem_reader *c)
{
	int right = 1;
	for (uint64_t k = CROWD; k-- > 0;) {
		uint8_t b = 0;
		right &= mem_read(c, crowd_at(k), &b, 1) == 0 && b == paged_byte(crowd_at(k));
	}
	return right;
}

/* A fetch of more pages than the cache has slots (a deep stack's code objects, fetched ahead
 * at once): a page whose set's two slots this fetch already fills waits to be read when asked
 * for. It took one of them all the same, its tag over the other page's bytes: a read of it
 * then gave the other page's, a code object read as garbage while the target stood stopped. */
static void crowded_sets(void)
{
	static struct wide w = { .r = { .read = paged_read, .free = fake_free,
					.read_many = paged_read_many } };
	struct mem_reader *c = mem_cache_new(&w.r);
	CHECK(c != NULL, "a cache over a wide target");
	if (!c)
		return;
	uint64_t addrs[CROWD];
	for (uint64_t k = 0; k < CROWD; k++)
		addrs[k] = crowd_at(k);
	mem_prefetch(c, CROWD, addrs, 64);
	CHECK(crowd_right(c), "128 pages fetched ahead at once into 128 slots all read right");
	mem_reader_free(c);
	/* The same through a tick's fetch, of a cache new again (what was asked to come with
	 * it). */
	c = mem_cache_new(&w.r);
	CHECK(c != NULL, "a second cache");
	if (!c)
		return;
	mem_cache_clear(c);
	mem_cache_fetch_also(c, CROWD, addrs, 64);
	mem_cache_prefetch(c);
	CHECK(crowd_right(c), "...and asked to come with a tick's fetch");
	mem_reader_free(c);
}

int main(void)
{
	crowded_sets();
	static struct fake f = { .r = { .read = fake_read, .free = fake_free,
					.read_many = fake_read_many } };
	for (size_t i = 0; i < SIZE; i++)
		f.mem[i] = (uint8_t)(i * 13 + 7);
	struct mem_reader *c = mem_cache_new(&f.r);
	uint8_t buf[256];

	CHECK_INT(mem_read(c, BASE + 4096 - 100, buf, 200), 0, "a read across a page edge");
	CHECK(memcmp(buf, f.mem + 4096 - 100, 200) == 0, "its bytes are the target's");
	int before = f.reads;
	CHECK_INT(mem_read(c, BASE + 4096 + 50, buf, 8), 0, "a read on a cached page");
	CHECK_INT(f.reads, before, "a cached page costs no inner read");
	CHECK(mem_read(c, BASE + SIZE + 8, buf, 8) != 0, "an unreadable address still fails");

	f.mem[4096 + 50] ^= 0xff; /* the target runs on */
	mem_cache_clear(c);
	int many = f.many_calls;
	mem_cache_prefetch(c);
	CHECK_INT(f.many_calls, many + 1, "prefetch is one call for all the last sample's pages");
	before = f.reads;
	CHECK_INT(mem_read(c, BASE + 4096 + 50, buf, 1), 0, "read after prefetch");
	CHECK_INT(buf[0], f.mem[4096 + 50], "prefetched bytes are fresh, not the old ones");
	CHECK_INT(mem_read(c, BASE + 4000, buf, 8), 0, "first page after prefetch");
	CHECK_INT(f.reads, before, "prefetched pages cost no further reads");

	/* Marked hot: pages read after the mark (with the target running again) are not
	 * fetched by the next prefetch, only on demand. */
	mem_cache_clear(c);
	CHECK_INT(mem_read(c, BASE + 2 * 4096, buf, 8), 0, "a page read while stopped");
	mem_cache_mark_hot(c);
	CHECK_INT(mem_read(c, BASE + 5 * 4096, buf, 8), 0, "a page read after the mark");
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	before = f.reads;
	CHECK_INT(mem_read(c, BASE + 2 * 4096 + 8, buf, 8), 0, "the marked page after prefetch");
	CHECK_INT(f.reads, before, "the marked page was prefetched");
	CHECK_INT(mem_read(c, BASE + 5 * 4096 + 8, buf, 8), 0, "the later page after prefetch");
	CHECK_INT(f.reads, before + 1, "the page read after the mark was not: read on demand");
	/* Without a mark, a clear takes every page held as the hot set again. */
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	before = f.reads;
	mem_read(c, BASE + 2 * 4096, buf, 8);
	mem_read(c, BASE + 5 * 4096, buf, 8);
	CHECK_INT(f.reads, before, "unmarked: both pages prefetched");

	/* Only pages read since the clear are hot: one prefetched and not read again drops out. */
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	mem_read(c, BASE + 2 * 4096, buf, 8);
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	before = f.reads;
	mem_read(c, BASE + 5 * 4096, buf, 8);
	CHECK_INT(f.reads, before + 1, "a page prefetched but not read is not fetched again");
	/* A clear after nothing was read keeps the hot set it had (a tick that found the GIL
	 * free reads nothing). */
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	before = f.reads;
	mem_read(c, BASE + 5 * 4096, buf, 8);
	CHECK_INT(f.reads, before, "nothing read since the clear: the hot set is kept");

	/* A refresh fetches the last prefetch's pages again, whatever was read since. */
	mem_read(c, BASE + 6 * 4096, buf, 8);
	mem_cache_clear(c);
	mem_cache_prefetch(c); /* pages 5 and 6 */
	mem_read(c, BASE + 5 * 4096, buf, 8); /* only page 5 read before the refresh */
	f.mem[6 * 4096] ^= 0xff;
	mem_cache_refresh(c);
	before = f.reads;
	CHECK_INT(mem_read(c, BASE + 6 * 4096, buf, 1), 0, "a page of the last prefetch");
	CHECK_INT(f.reads, before, "refresh fetched it again though it was not read since");
	CHECK_INT(buf[0], f.mem[6 * 4096], "and its bytes are fresh");

	/* Two caches over one reader prefetch in one call, each its own pages. */
	struct mem_reader *d = mem_cache_new(&f.r);
	mem_read(d, BASE + 7 * 4096, buf, 8);
	mem_read(c, BASE + 5 * 4096, buf, 8);
	mem_read(c, BASE + 3 * 4096, buf, 8);
	mem_cache_clear(c);
	mem_cache_clear(d);
	many = f.many_calls;
	mem_cache_prefetch_pair(c, d);
	CHECK_INT(f.many_calls, many + 1, "a pair of prefetches is one call");
	before = f.reads;
	CHECK_INT(mem_read(d, BASE + 7 * 4096, buf, 1), 0, "the second cache's page");
	CHECK_INT(buf[0], f.mem[7 * 4096], "its bytes");
	mem_read(c, BASE + 5 * 4096, buf, 8);
	mem_read(c, BASE + 3 * 4096, buf, 8);
	CHECK_INT(f.reads, before, "both caches' pages were fetched by it");
	mem_read(c, BASE + 7 * 4096, buf, 8);
	CHECK_INT(f.reads, before + 1, "a page of the other cache is not this one's");

	/* Of each page, the part read is fetched, widened to 256 bytes. */
	mem_cache_clear(c);
	mem_cache_clear(d);
	mem_read(c, BASE + 4 * 4096 + 300, buf, 8);
	mem_read(c, BASE + 4 * 4096 + 600, buf, 40);
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	CHECK_INT(f.last_ranges, 1, "one page was read: one range fetched");
	CHECK_INT(f.last_bytes, 512, "bytes 300..640 of it: 256..768 fetched");
	f.mem[4 * 4096 + 700] ^= 0xff;
	f.mem[4 * 4096 + 2000] ^= 0xff;
	mem_cache_refresh(c);
	before = f.reads;
	CHECK_INT(mem_read(c, BASE + 4 * 4096 + 700, buf, 1), 0, "a byte of the part fetched");
	CHECK_INT(f.reads, before, "costs no read");
	CHECK_INT(buf[0], f.mem[4 * 4096 + 700], "and is fresh");
	CHECK_INT(mem_read(c, BASE + 4 * 4096 + 2000, buf, 1), 0, "a byte outside it");
	CHECK_INT(f.reads, before + 1, "costs one read, of the page");
	CHECK_INT(buf[0], f.mem[4 * 4096 + 2000], "and is the target's");
	before = f.reads;
	CHECK_INT(mem_read(c, BASE + 4 * 4096 + 3000, buf, 8), 0, "elsewhere on that page");
	CHECK_INT(f.reads, before, "the page is now held whole");

	/* A page both caches of a pair want is fetched once, for both. */
	mem_cache_clear(c);
	mem_cache_clear(d);
	mem_read(c, BASE + 1 * 4096 + 100, buf, 8);
	mem_read(d, BASE + 1 * 4096 + 900, buf, 8);
	mem_read(d, BASE + 2 * 4096 + 16, buf, 8);
	mem_cache_clear(c);
	mem_cache_clear(d);
	f.mem[4096 + 100] ^= 0xff;
	f.mem[4096 + 900] ^= 0xff;
	mem_cache_prefetch_pair(c, d);
	CHECK_INT(f.last_ranges, 2, "three spans of two pages: two ranges fetched");
	before = f.reads;
	CHECK_INT(mem_read(c, BASE + 4096 + 100, buf, 1), 0, "the shared page in the first cache");
	CHECK_INT(buf[0], f.mem[4096 + 100], "fresh");
	CHECK_INT(mem_read(d, BASE + 4096 + 900, buf, 1), 0, "and in the second");
	CHECK_INT(buf[0], f.mem[4096 + 900], "fresh too");
	CHECK_INT(mem_read(d, BASE + 2 * 4096 + 16, buf, 1), 0, "the second's own page");
	CHECK_INT(f.reads, before, "none of them costs a read");

	/* A pair refreshed fetches again what its last prefetch fetched, for both, in one call,
	 * though only part of it was read since. */
	mem_cache_refresh_pair(c, d); /* as fetched above: page 1 (both), page 2 (d) */
	mem_read(c, BASE + 1 * 4096 + 100, buf, 8);
	f.mem[2 * 4096 + 16] ^= 0xff;
	many = f.many_calls;
	mem_cache_refresh_pair(c, d);
	CHECK_INT(f.many_calls, many + 1, "a pair refreshed is one call");
	CHECK_INT(f.last_ranges, 2, "of the same two ranges");
	before = f.reads;
	CHECK_INT(mem_read(d, BASE + 2 * 4096 + 16, buf, 1), 0, "the page not read since");
	CHECK_INT(buf[0], f.mem[2 * 4096 + 16], "is fetched again, fresh");
	CHECK_INT(f.reads, before, "at no read of its own");

	/* Fetching ahead: the spans not held, in one call; those held cost nothing; a page held
	 * in part is fetched over both parts; reads then come from what was fetched, in place
	 * (mem_view) as well as copied. */
	mem_cache_clear(c);
	mem_read(c, BASE + 5 * 4096 + 8, buf, 8); /* page 5 held whole */
	uint64_t ahead[4] = { BASE + 3 * 4096 + 600, BASE + 4 * 4096 + 40, BASE + 5 * 4096 + 900,
			      BASE + 3 * 4096 + 100 };
	many = f.many_calls;
	mem_prefetch(c, 4, ahead, 64);
	CHECK_INT(f.many_calls, many + 1, "fetching ahead is one call");
	CHECK_INT(f.last_ranges, 2, "of the two pages not held (page 3 once for two addresses)");
	CHECK_INT(f.last_bytes, 768 + 256, "each the part wanted, widened to 256 bytes");
	before = f.reads;
	many = f.many_calls;
	CHECK_INT(mem_read(c, BASE + 3 * 4096 + 620, buf, 8), 0, "a read of what was fetched");
	CHECK(memcmp(buf, f.mem + 3 * 4096 + 620, 8) == 0, "...is the target's bytes");
	const uint8_t *in = mem_view(c, BASE + 4 * 4096 + 40, buf, 16);
	CHECK(in && in != buf && memcmp(in, f.mem + 4 * 4096 + 40, 16) == 0,
	      "...and in place, unread, through a view");
	CHECK(f.reads == before && f.many_calls == many, "reads of the fetched parts cost nothing");
	mem_prefetch(c, 4, ahead, 64);
	CHECK_INT(f.many_calls, many, "fetching ahead what is held: no call");
	uint64_t beyond = BASE + 4 * 4096 + 1000;
	mem_prefetch(c, 1, &beyond, 64);
	CHECK_INT(f.last_bytes, 1280, "a page held in part: fetched over both parts, 0 to 1280");
	before = f.reads;
	mem_read(c, BASE + 4 * 4096 + 48, buf, 8);
	mem_read(c, BASE + 4 * 4096 + 1000, buf, 8);
	CHECK_INT(f.reads, before, "both parts read at no cost");

	/* Pages 512 KiB apart (arenas, chunks) are held at once: direct mapped, they shared one
	 * slot and each evicted the other at every read. */
	mem_cache_clear(c);
	uint64_t near = BASE + 4096 + 64, far = near + (512u << 10);
	mem_read(c, near, buf, 8);
	mem_read(c, far, buf, 8);
	before = f.reads;
	CHECK_INT(mem_read(c, near, buf, 8), 0, "a page, then one 512 KiB on, then the first");
	CHECK(memcmp(buf, f.mem + (near - BASE), 8) == 0, "...its bytes");
	CHECK_INT(mem_read(c, far, buf, 8), 0, "...and the second again");
	CHECK_INT(f.reads, before, "both still held: no read");

	/* Asked for with the next fetch (a check due then): in its one call, for that fetch only. */
	mem_cache_clear(c);
	mem_read(c, BASE + 4096 + 64, buf, 8); /* the hot set: one span of page 1 */
	mem_cache_clear(c);
	uint64_t also[2] = { BASE + 6 * 4096 + 300, BASE + 4096 + 1000 };
	mem_cache_fetch_also(c, 2, also, 40);
	many = f.many_calls;
	mem_cache_prefetch(c);
	CHECK_INT(f.many_calls, many + 1, "what is asked for comes with the hot set, in one call");
	CHECK_INT(f.last_ranges, 2, "...a page of its own, and the hot page widened");
	before = f.reads;
	CHECK(mem_read(c, also[0], buf, 8) == 0 && memcmp(buf, f.mem + (also[0] - BASE), 8) == 0 &&
	      mem_read(c, also[1], buf, 8) == 0 && memcmp(buf, f.mem + (also[1] - BASE), 8) == 0,
	      "...and reads as the target's bytes");
	CHECK_INT(f.reads, before, "...at no cost");
	mem_cache_clear(c);
	mem_read(c, BASE + 4096 + 64, buf, 8); /* a tick that reads only its hot page */
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	CHECK_INT(f.last_ranges, 1, "the next fetch but one no longer reads what was not used");

	/* A window: the part of the page held around the bytes asked for, lent in place; of it,
	 * the bytes asked for and those said to be read are wanted again at the next fetch (a
	 * walk reads frames from it unasked, and says which at its end). */
	mem_cache_clear(c);
	mem_read(c, BASE + 7 * 4096 + 300, buf, 8);
	mem_read(c, BASE + 7 * 4096 + 900, buf, 8); /* the hot set: page 7, 256 to 1024 */
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	mem_cache_clear(c); /* nothing read: the hot set kept */
	mem_cache_prefetch(c);
	uint64_t lo = 0, hi = 0;
	before = f.reads;
	in = mem_view_window(c, BASE + 7 * 4096 + 512, buf, 16, &lo, &hi);
	CHECK(lo == BASE + 7 * 4096 + 256 && hi == BASE + 7 * 4096 + 1024,
	      "a window is the part of the page held");
	CHECK(in && in != buf && memcmp(in - 256, f.mem + 7 * 4096 + 256, 768) == 0,
	      "...lent whole, in place");
	CHECK_INT(f.reads, before, "...at no cost");
	mem_window_used(c, BASE + 7 * 4096 + 700, BASE + 7 * 4096 + 900);
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	CHECK(f.last_ranges == 1 && f.last_bytes == 512,
	      "...and what was read of it fetched next time, widened to 256 bytes: 512 to 1024");
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	in = mem_view_window(c, BASE + 7 * 4096 + 520, buf, 16, &lo, &hi);
	mem_cache_clear(c);
	mem_cache_prefetch(c);
	CHECK(in && f.last_ranges == 1 && f.last_bytes == 256,
	      "a window of which nothing more was said: its bytes asked for alone, 512 to 768");
	in = mem_view_window(c, BASE + 7 * 4096 + 2000, buf, 16, &lo, &hi);
	CHECK(in == buf && lo == BASE + 7 * 4096 + 2000 && hi == lo + 16 &&
	      memcmp(buf, f.mem + 7 * 4096 + 2000, 16) == 0,
	      "bytes not held: read into the buffer, the window just them");

	mem_reader_free(d);
	mem_reader_free(c);
	many_threads();
	return check_exit();
}
