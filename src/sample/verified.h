/* verified.h: the stacks a pausing sampler has read with their thread stopped, kept whole, so
 * that a stack read without stopping it can be taken when it is one of them.
 *
 * A stack read while its thread runs may mix two moments, and no re-check of a running thread
 * proves it did not (a looping target makes the same tear at every look). But a stack read
 * byte for byte like one read while the thread stood still is that stack: it existed. A hot
 * loop shows a handful of stacks, so after a few stops most ticks stop nothing. The frames are
 * compared field by field, not by a digest: no two stacks can be taken for one another. Each
 * stack also remembers what the profile made of it, so that a stack seen again is counted
 * without naming its frames anew. A stack that differs from one of them only in instructions
 * that print as the same line prints as a stack that existed, and is taken too (as a stack of
 * its own, verified_add_alike). Private to src/sample/.
 */
#ifndef PYFLAME_SAMPLE_VERIFIED_H
#define PYFLAME_SAMPLE_VERIFIED_H

#include <stddef.h>
#include <stdint.h>

#include "python/walker.h"

/* One stack of the set. */
struct verified_stack {
	uint64_t hash;     /* of the thread and frames, to find it; 0 = empty slot */
	uint64_t tstate;   /* the thread state whose stack it is */
	uint32_t start, n; /* its frames, in the set's frames[] */
	/* The profile stack it was counted as: in profile `serial`, as thread `thread` (a
	 * profile_thread id); serial 0 = none yet. */
	uint64_t serial;
	uint32_t thread, stack;
};

struct verified_set {
	struct verified_stack *slots; /* open addressing */
	size_t cap, n;
	struct py_raw_frame *frames; /* every stack's frames, one after another */
	size_t frames_used, frames_cap;
	/* Counts the times the set began anew: a reference to a stack (verified_ref) holds it,
	 * and one from before is worth nothing. */
	uint32_t round;
	uint64_t generation; /* the code cache's (py_code_generation) when the set was begun */
	/* Whether a tick tries a read without stopping first: the share of tries that were
	 * not taken, in 1/256ths, as a moving average; past nine in ten only one tick in
	 * VERIFIED_RETRY tries (a try that fails costs a read for nothing). */
	unsigned miss_avg;
	unsigned skipped;
};

/* A stack of the set, as verified_find and verified_add give it; 0 = none. Good until the set
 * begins anew. */
typedef uint64_t verified_ref;

/* Thread tstate's stack of n raw frames, when the set holds it: every frame's address, code,
 * instruction, owner and call boundary the same. 0 when not. */
verified_ref verified_find(const struct verified_set *v, uint64_t tstate,
			   const struct py_raw_frame *f, size_t n);

/* Whether frames a and b, of the same address and code, print alike: an instruction of the
 * same line (or both left out of a printed stack). */
typedef int (*verified_alike_fn)(void *arg, const struct py_raw_frame *a,
				 const struct py_raw_frame *b);

/* When the set holds a stack of thread tstate that the n frames f print alike (same(arg)
 * says so of every frame whose instruction differs; every address, code, owner and call
 * boundary the same), adds f as a stack of its own, counted as that one was, and returns it;
 * else 0. A loop's innermost frame stands at each instruction of a line in turn: a stop for
 * each one taught nothing a person reads (nine stops, not two, on a one-line loop). What was
 * read is a stack that printed the same while the thread stood still. Looks at every stack
 * of the set: for a tick that would stop a thread otherwise. */
verified_ref verified_add_alike(struct verified_set *v, uint64_t tstate,
				const struct py_raw_frame *f, size_t n, verified_alike_fn same,
				void *arg);

/* Adds that stack (n > 0) unless held already; the set begins anew when full. Returns it, or
 * 0 out of memory. */
verified_ref verified_add(struct verified_set *v, uint64_t tstate, const struct py_raw_frame *f,
			  size_t n);

/* The profile stack ref was counted as in profile serial as thread (verified_remember), or
 * INTERN_NONE. */
uint32_t verified_stack_of(const struct verified_set *v, verified_ref ref, uint64_t serial,
			   uint32_t thread);
void verified_remember(struct verified_set *v, verified_ref ref, uint64_t serial,
		       uint32_t thread, uint32_t stack);

/* Begins the set anew when the code cache's generation moved: a code object freed and
 * another allocated at its address would make the old stacks stand for other code. */
void verified_sync(struct verified_set *v, uint64_t generation);

/* Whether this tick should try a read without stopping; then verified_tried with whether it
 * was taken. */
int verified_try_now(struct verified_set *v);
void verified_tried(struct verified_set *v, int taken);

void verified_release(struct verified_set *v);

#endif
