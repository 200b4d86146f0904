/* intern.c: byte-string interning with an open-addressing hash table. */
#include "profile/intern.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

/* FNV-1a: short keys, no adversary (the keys are our own frame ids and names). */
static uint64_t hash_bytes(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

void intern_init(struct intern *t)
{
	memset(t, 0, sizeof *t);
}

void intern_release(struct intern *t)
{
	for (size_t i = 0; i < t->n; i++)
		free((void *)t->keys[i].data);
	free(t->keys);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

static size_t find_slot(const struct intern *t, const void *key, size_t len, uint64_t h)
{
	size_t mask = t->nslots - 1, i = (size_t)h & mask;
	for (;;) {
		uint32_t s = t->slots[i];
		if (s == 0)
			return i;
		const struct intern_key *k = &t->keys[s - 1];
		if (k->len == len && memcmp(k->data, key, len) == 0)
			return i;
		i = (i + 1) & mask;
	}
}

static int rehash(struct intern *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 256;
	uint32_t *slots = calloc(ns, sizeof *slots);
	if (!slots)
		return -1;
	free(t->slots);
	t->slots = slots;
	t->nslots = ns;
	for (size_t id = 0; id < t->n; id++) {
		const struct intern_key *k = &t->keys[id];
		t->slots[find_slot(t, k->data, k->len, hash_bytes(k->data, k->len))] =
			(uint32_t)id + 1;
	}
	return 0;
}

uint32_t intern_add(struct intern *t, const void *key, size_t len)
{
	/* Keep the load under one half so probe chains stay short. */
	if ((t->n + 1) * 2 > t->nslots && rehash(t) != 0)
		return INTERN_NONE;
	uint64_t h = hash_bytes(key, len);
	size_t slot = find_slot(t, key, len, h);
	if (t->slots[slot])
		return t->slots[slot] - 1;
	if (t->n >= INTERN_NONE - 1)
		return INTERN_NONE;
	if (grow_array((void **)&t->keys, &t->cap, t->n + 1, sizeof *t->keys) < 0)
		return INTERN_NONE;
	/* One spare NUL byte, so interned strings can be used as C strings directly. */
	char *copy = malloc(len + 1);
	if (!copy)
		return INTERN_NONE;
	memcpy(copy, key, len);
	copy[len] = '\0';
	t->keys[t->n] = (struct intern_key){ copy, len };
	t->slots[slot] = (uint32_t)t->n + 1;
	return (uint32_t)t->n++;
}
