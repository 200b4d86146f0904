/* kept.h: with --threads, the stacks of the last tick that a look at the GIL vouched for,
 * taken again for the threads that cannot have run Python code since.
 *
 * With the GIL's holder (or, the GIL free, its last holder) stopped alone, or watched off the
 * CPU (gil_holder.c: watch_last_holder), a tick reads every other thread's stack while it
 * may run; a second look at the GIL that finds its count of
 * switches and its last holder as they were at the stop says that no other thread took it
 * meanwhile (others_held_still), so those stacks are one moment's. When the next tick stops
 * the same thread and finds the same count, no thread but it has taken the GIL since that
 * look either: every other thread's frames are as they were, and those whose frame pointer
 * reads as then are taken from here, not walked again (a server's 99 waiting threads were
 * walked at every tick, their data stacks' pages read while the holder stood stopped). A
 * count that moved, another holder, or a tick the look did not vouch for: every stack is
 * read. The thread list itself is kept too: with 100 threads its read was a page a thread at
 * every tick (their thread states lie apart), and while its head reads the same and the
 * thread stopped runs Python code, no thread state can have come or gone. Private to
 * src/sample/.
 */
#ifndef PYFLAME_SAMPLE_KEPT_H
#define PYFLAME_SAMPLE_KEPT_H

#include <stddef.h>
#include <stdint.h>

#include "python/walker.h"

struct kept_stacks {
	int valid;
	uint64_t switches, holder; /* the GIL's count and last holder that vouched for them */
	struct kept_stack {
		uint64_t tstate, frame; /* the thread, and its innermost frame as the list read it */
		struct py_link link;    /* ...and its link (3.11, 3.12) */
		uint64_t cframe;        /* ...and where they were read from (3.11, 3.12) */
		size_t start, n;        /* its frames in frames[] */
	} *v;
	size_t n, cap;
	size_t cursor; /* where the last find ended: the list is read in the same order */
	struct py_raw_frame *frames;
	size_t frames_used, frames_cap;
	/* The whole thread list of that tick and its mark, read with the holder stopped or
	 * watched off the CPU (list_n 0: not kept): taken again, not read, while it cannot
	 * have changed (py_threads_again). */
	struct py_thread *list;
	size_t list_n, list_cap;
	struct py_list_mark mark;
};

/* Whether the stacks kept may be taken at a tick that stopped holder and read switches then. */
int kept_usable(const struct kept_stacks *k, uint64_t switches, uint64_t holder);

/* The frames kept for th (*n of them), when its thread state and frame pointer read as when
 * they were kept; else NULL. */
const struct py_raw_frame *kept_find(struct kept_stacks *k, const struct py_thread *th,
				     size_t *n);

/* A py_frame_known over the set k (arg): the frame and link of a thread other than the one
 * held, whose cframe reads as when kept, cannot have moved (3.11, 3.12: the read of each
 * thread's cframe, on its own C stack, was a page a thread at every tick). The caller has
 * checked kept_usable. */
int kept_frame_known(void *k, uint64_t tstate, uint64_t cframe, uint64_t *frame,
		     struct py_link *link);

/* Begins a new set, vouched for by switches and holder (the old one is forgotten). */
void kept_begin(struct kept_stacks *k, uint64_t switches, uint64_t holder);

/* Adds th's stack f[0..n). Returns 0, or -1 out of memory (the set is then invalid). */
int kept_add(struct kept_stacks *k, const struct py_thread *th, const struct py_raw_frame *f,
	     size_t n);

/* Keeps the n threads of list, read when the list's mark read as mark, with the set begun.
 * Returns 0, or -1 out of memory (no list kept). */
int kept_list(struct kept_stacks *k, const struct py_thread *list, size_t n,
	      const struct py_list_mark *mark);

/* Forgets the set: the next tick reads every stack. */
void kept_forget(struct kept_stacks *k);

void kept_release(struct kept_stacks *k);

#endif
