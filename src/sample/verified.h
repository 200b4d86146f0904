/* verified.h: the stacks a pausing sampler has read with their thread stopped, by digest, so
 * that a stack read without stopping it can be taken when it is one of them.
 *
 * A stack read while its thread runs may mix two moments, and no re-check of a running thread
 * proves it did not (a looping target makes the same tear at every look). But a stack read
 * byte for byte like one read while the thread stood still is that stack: it existed. A hot
 * loop shows a handful of stacks, so after a few stops most ticks stop nothing. Private to
 * src/sample/.
 */
#ifndef PYFLAME_SAMPLE_VERIFIED_H
#define PYFLAME_SAMPLE_VERIFIED_H

#include <stddef.h>
#include <stdint.h>

#include "python/walker.h"

struct verified_set {
	uint64_t *slots;     /* digests, open addressing; 0 = empty */
	size_t cap, n;
	uint64_t generation; /* the code cache's (py_code_generation) when the set was begun */
	/* Whether a tick tries a read without stopping first: the share of tries that were
	 * not taken, in 1/256ths, as a moving average; past three quarters only one tick in
	 * VERIFIED_RETRY tries (a try that fails costs a read for nothing). */
	unsigned miss_avg;
	unsigned skipped;
};

/* The digest of thread tstate's stack of n raw frames: every frame's address, code,
 * instruction and owner. Never 0. */
uint64_t verified_digest(uint64_t tstate, const struct py_raw_frame *f, size_t n);

/* Whether digest is one of the stacks added since the set was begun. */
int verified_has(const struct verified_set *v, uint64_t digest);

/* Adds digest; the set begins anew when full. Out of memory, it is not added. */
void verified_add(struct verified_set *v, uint64_t digest);

/* Begins the set anew when the code cache's generation moved: a code object freed and
 * another allocated at its address would make the old digests stand for other code. */
void verified_sync(struct verified_set *v, uint64_t generation);

/* Whether this tick should try a read without stopping; then verified_tried with whether it
 * was taken. */
int verified_try_now(struct verified_set *v);
void verified_tried(struct verified_set *v, int taken);

void verified_release(struct verified_set *v);

#endif
