/* verified.c: the stacks read while their thread stood stopped, kept whole. */
#include "sample/verified.h"

#include <stdlib.h>
#include <string.h>

#include "profile/intern.h"

/* The set holds at most half this many stacks before it begins anew: a program showing more
 * distinct stacks than that in one stretch gains little from it anyway. */
#define VERIFIED_CAP 8192u
/* ...and starts with this many slots, doubling: a short-lived child of a -C run holds a few
 * stacks, and 8,192 slots each (320 KiB, zeroed from the heap once glibc has raised its mmap
 * threshold) took pyflame's peak memory from 11 to 25 MiB beside 200 forked children. */
#define VERIFIED_FIRST 64u

/* ...and at most this many frames in all (32 bytes each): 4,096 stacks 32 deep. */
#define FRAMES_CAP (128u * 1024)

/* With tries mostly failing, one tick in this many still tries, to see whether that changed. */
#define VERIFIED_RETRY 16u

/* ...mostly: past this share of misses, in 1/256ths (nine in ten; the average, rounded down,
 * tops out at 241). A try that fails costs one read more before the pause the tick makes
 * anyway; a tick that does not try always pauses, ten times that read's cost and the target
 * stopped: at three in four, a program still learning its stacks paused at 15 ticks in 16. */
#define VERIFIED_HOPELESS 230u

/* Frames are compared as bytes: a struct with no padding. */
_Static_assert(sizeof(struct py_raw_frame) == 3 * sizeof(uint64_t) + 2 * sizeof(int),
	       "struct py_raw_frame has padding");

/* Finds a slot, nothing more: the frames are compared whole, so a weak hash costs a compare,
 * never a wrong stack. Multiply-and-rotate over each frame's code and instruction (what tells
 * one stack of a thread from another), then a final mix (splitmix64's) so that the low bits
 * that pick the slot depend on all of it. */
static uint64_t stack_hash(uint64_t tstate, const struct py_raw_frame *f, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h = (tstate ^ n) * k;
	for (size_t i = 0; i < n; i++)
		h = ((h << 23 | h >> 41) ^ (f[i].code + ((uint64_t)f[i].index << 40))) * k;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h ? h : 1;
}

static int frames_same(const struct py_raw_frame *a, const struct py_raw_frame *b, size_t n)
{
	return memcmp(a, b, n * sizeof *a) == 0;
}

/* The slot holding that stack, or the free one where it would go. */
static size_t slot_of(const struct verified_set *v, uint64_t hash, uint64_t tstate,
		      const struct py_raw_frame *f, size_t n)
{
	size_t i = (size_t)hash & (v->cap - 1);
	for (;; i = (i + 1) & (v->cap - 1)) {
		const struct verified_stack *e = &v->slots[i];
		if (!e->hash || (e->hash == hash && e->tstate == tstate && e->n == n &&
				 frames_same(v->frames + e->start, f, n)))
			return i;
	}
}

static verified_ref ref_of(const struct verified_set *v, size_t slot)
{
	return (uint64_t)v->round << 32 | (uint64_t)(slot + 1);
}

/* The slot ref names, or NULL when ref is from before the set began anew. */
static struct verified_stack *slot_ref(const struct verified_set *v, verified_ref ref)
{
	size_t slot = (size_t)(ref & 0xffffffffu);
	if (!ref || (uint32_t)(ref >> 32) != v->round || !slot || slot > v->cap)
		return NULL;
	return &v->slots[slot - 1];
}

verified_ref verified_find(const struct verified_set *v, uint64_t tstate,
			   const struct py_raw_frame *f, size_t n)
{
	if (!v->n || !n)
		return 0;
	size_t i = slot_of(v, stack_hash(tstate, f, n), tstate, f, n);
	return v->slots[i].hash ? ref_of(v, i) : 0;
}

static void begin_anew(struct verified_set *v)
{
	if (v->slots)
		memset(v->slots, 0, v->cap * sizeof *v->slots);
	v->n = 0;
	v->frames_used = 0;
	v->round++;
}

/* Doubles the slots, keeping every stack. References from before are worth nothing after
 * (their slots moved): a new round. Returns 0, or -1 out of memory (the set unchanged). */
static int grow(struct verified_set *v)
{
	size_t cap = v->cap * 2;
	struct verified_stack *bigger = calloc(cap, sizeof *bigger);
	if (!bigger)
		return -1;
	for (size_t k = 0; k < v->cap; k++) {
		const struct verified_stack *e = &v->slots[k];
		if (!e->hash)
			continue;
		size_t i = (size_t)e->hash & (cap - 1);
		while (bigger[i].hash)
			i = (i + 1) & (cap - 1);
		bigger[i] = *e;
	}
	free(v->slots);
	v->slots = bigger;
	v->cap = cap;
	v->round++;
	return 0;
}

/* Room for n more frames (at most FRAMES_CAP in all), growing frames[]. Returns 0, or -1
 * out of memory. */
static int frames_room(struct verified_set *v, size_t n)
{
	if (v->frames_used + n <= v->frames_cap)
		return 0;
	size_t cap = v->frames_cap ? v->frames_cap : 256;
	while (cap < v->frames_used + n)
		cap *= 2;
	if (cap > FRAMES_CAP)
		cap = FRAMES_CAP;
	struct py_raw_frame *bigger = realloc(v->frames, cap * sizeof *bigger);
	if (!bigger)
		return -1;
	v->frames = bigger;
	v->frames_cap = cap;
	return 0;
}

verified_ref verified_add(struct verified_set *v, uint64_t tstate, const struct py_raw_frame *f,
			  size_t n)
{
	if (!n || n > FRAMES_CAP)
		return 0;
	if (!v->slots) {
		v->slots = calloc(VERIFIED_FIRST, sizeof *v->slots);
		if (!v->slots)
			return 0;
		v->cap = VERIFIED_FIRST;
	}
	uint64_t hash = stack_hash(tstate, f, n);
	size_t i = slot_of(v, hash, tstate, f, n);
	if (v->slots[i].hash)
		return ref_of(v, i);
	if ((v->n + 1) * 2 > v->cap && v->cap < VERIFIED_CAP && grow(v) == 0)
		i = slot_of(v, hash, tstate, f, n);
	if ((v->n + 1) * 2 > v->cap || v->frames_used + n > FRAMES_CAP) {
		begin_anew(v);
		i = slot_of(v, hash, tstate, f, n);
	}
	if (frames_room(v, n) != 0)
		return 0;
	memcpy(v->frames + v->frames_used, f, n * sizeof *f);
	v->slots[i] = (struct verified_stack){ .hash = hash, .tstate = tstate,
					       .start = (uint32_t)v->frames_used,
					       .n = (uint32_t)n };
	v->frames_used += n;
	v->n++;
	return ref_of(v, i);
}

/* Whether stored frames b print as f do (verified_add_alike). */
static int frames_alike(const struct py_raw_frame *f, const struct py_raw_frame *b, size_t n,
			verified_alike_fn same, void *arg)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].addr != b[i].addr || f[i].code != b[i].code || f[i].owner != b[i].owner ||
		    f[i].outermost_of_call != b[i].outermost_of_call)
			return 0;
		if (f[i].index != b[i].index && !same(arg, &f[i], &b[i]))
			return 0;
	}
	return 1;
}

verified_ref verified_add_alike(struct verified_set *v, uint64_t tstate,
				const struct py_raw_frame *f, size_t n, verified_alike_fn same,
				void *arg)
{
	if (!v->n || !n)
		return 0;
	for (size_t k = 0; k < v->cap; k++) {
		const struct verified_stack *e = &v->slots[k];
		if (!e->hash || e->tstate != tstate || e->n != n ||
		    !frames_alike(f, v->frames + e->start, n, same, arg))
			continue;
		/* Kept before the add, which may move the slots. */
		struct verified_stack like = *e;
		verified_ref ref = verified_add(v, tstate, f, n);
		if (ref && like.serial)
			verified_remember(v, ref, like.serial, like.thread, like.stack);
		return ref;
	}
	return 0;
}

uint32_t verified_stack_of(const struct verified_set *v, verified_ref ref, uint64_t serial,
			   uint32_t thread)
{
	const struct verified_stack *e = slot_ref(v, ref);
	if (!e || !serial || e->serial != serial || e->thread != thread)
		return INTERN_NONE;
	return e->stack;
}

void verified_remember(struct verified_set *v, verified_ref ref, uint64_t serial,
		       uint32_t thread, uint32_t stack)
{
	struct verified_stack *e = slot_ref(v, ref);
	if (!e)
		return;
	e->serial = serial;
	e->thread = thread;
	e->stack = stack;
}

void verified_sync(struct verified_set *v, uint64_t generation)
{
	if (generation != v->generation) {
		begin_anew(v);
		v->generation = generation;
	}
}

int verified_try_now(struct verified_set *v)
{
	if (v->miss_avg <= VERIFIED_HOPELESS || ++v->skipped >= VERIFIED_RETRY) {
		v->skipped = 0;
		return 1;
	}
	return 0;
}

void verified_tried(struct verified_set *v, int taken)
{
	/* miss_avg follows a miss (256) or a take (0) with a weight of 1/16 per try. */
	v->miss_avg = (v->miss_avg * 15 + (taken ? 0u : 256u)) / 16;
}

void verified_release(struct verified_set *v)
{
	free(v->slots);
	free(v->frames);
	memset(v, 0, sizeof *v);
}
