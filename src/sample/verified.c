/* verified.c: digests of the stacks read while their thread stood stopped. */
#include "sample/verified.h"

#include <stdlib.h>
#include <string.h>

/* The set holds at most half this many digests before it begins anew: a program showing more
 * distinct stacks than that in one stretch gains little from it anyway. */
#define VERIFIED_CAP 8192u

/* With tries mostly failing, one tick in this many still tries, to see whether that changed. */
#define VERIFIED_RETRY 16u

/* A 64-bit mix (the finalizer of splitmix64): every input bit moves every output bit. */
static uint64_t mix(uint64_t h, uint64_t x)
{
	h ^= x + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

uint64_t verified_digest(uint64_t tstate, const struct py_raw_frame *f, size_t n)
{
	uint64_t h = mix(0x7079666c616d65ull, tstate);
	h = mix(h, n);
	for (size_t i = 0; i < n; i++) {
		h = mix(h, f[i].addr);
		h = mix(h, f[i].code);
		h = mix(h, (uint64_t)f[i].index);
		h = mix(h, (uint64_t)(int64_t)f[i].owner);
	}
	return h ? h : 1;
}

static size_t slot_of(const struct verified_set *v, uint64_t digest)
{
	size_t i = (size_t)digest & (v->cap - 1);
	while (v->slots[i] && v->slots[i] != digest)
		i = (i + 1) & (v->cap - 1);
	return i;
}

int verified_has(const struct verified_set *v, uint64_t digest)
{
	return v->cap && v->slots[slot_of(v, digest)] == digest;
}

static void begin_anew(struct verified_set *v)
{
	if (v->slots)
		memset(v->slots, 0, v->cap * sizeof *v->slots);
	v->n = 0;
}

void verified_add(struct verified_set *v, uint64_t digest)
{
	if (!v->slots) {
		v->slots = calloc(VERIFIED_CAP, sizeof *v->slots);
		if (!v->slots)
			return;
		v->cap = VERIFIED_CAP;
	}
	if ((v->n + 1) * 2 > v->cap)
		begin_anew(v);
	size_t i = slot_of(v, digest);
	if (!v->slots[i]) {
		v->slots[i] = digest;
		v->n++;
	}
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
	if (v->miss_avg <= 192 || ++v->skipped >= VERIFIED_RETRY) {
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
	memset(v, 0, sizeof *v);
}
