/* intern.h: a table that gives each distinct byte string a dense id (0, 1, 2, ...), keeping
 * one copy of it. Strings, frames and whole stacks are all interned through it, so a profile's
 * memory grows with the number of distinct stacks, never with the number of samples. */
#ifndef PYFLAME_PROFILE_INTERN_H
#define PYFLAME_PROFILE_INTERN_H

#include <stddef.h>
#include <stdint.h>

#define INTERN_NONE UINT32_MAX

struct intern_key {
	const void *data;
	size_t len;
};

struct intern {
	struct intern_key *keys; /* by id; data owned */
	size_t n, cap;
	uint32_t *slots; /* open addressing: id + 1, 0 = empty */
	size_t nslots;
};

void intern_init(struct intern *t);
void intern_release(struct intern *t);

/* The id of key (len bytes), adding a copy when new. Returns INTERN_NONE when out of memory. */
uint32_t intern_add(struct intern *t, const void *key, size_t len);

static inline const struct intern_key *intern_get(const struct intern *t, uint32_t id)
{
	return &t->keys[id];
}

#endif
