/* validate.c: the GIL holder's stack read twice without stopping it, kept when both reads agree
 * (3.11+, the default mode without --threads, --native or --async); when they do not, the tick
 * stops the holder as before (gil_holder.c).
 *
 * Why a stack that passes is one that existed. From 3.11 a frame (_PyInterpreterFrame) sits in
 * its thread's data stack, or in its generator; its code object and its link to its caller are
 * written when it is pushed and stay while it lives, and a frame that calls another keeps its
 * instruction pointer at that call until the callee returns. Two reads, each one copy of the
 * pages the walk uses (process_vm_readv, tens of microseconds apart), must then agree in the
 * thread's current frame, the number of frames, and every frame's address, code object and
 * owner, and every frame's instruction but the innermost one's (which moves while it runs):
 *   - if nothing of the chain changed between the two reads, the second read saw the stack
 *     the first did, and it stood the whole time;
 *   - if some of it changed and came back (a call returning and the same function called again
 *     from the same instruction: one frame pushed at the same address, since the data stack is a
 *     stack), the frames read are those of one call chain all the same, each caller at the
 *     instruction that calls the next: a real stack, read at the second read;
 *   - a read torn by the target running through it (a frame read before its caller returned,
 *     the caller read after another function took its place) makes a chain that never was;
 *     for the second read to make the same one, the target must tear it the same way again,
 *     frame for frame, each outer frame caught again at the very same instruction. --nonblocking
 *     compares only the current frame and its code, and takes such a chain with any caller.
 * Stopping stays where this cannot be trusted: before 3.11 a code object's frame object is
 * reused by its next call, so a new call reads exactly as the old one (the churn test caught a
 * thread's own frames under another thread's root that way), and --threads, --native (which
 * needs the registers of a stopped thread) and --async (whose tasks are read while the target
 * stands still) keep stopping.
 *
 * Code objects: a frame holds its code object alive only while it runs, so they are checked
 * between the two reads (py_code_epoch, then each one's head), while the frames that hold
 * them stood, and named after from what was checked, as a pausing tick does. */
#include "sample/scratch.h"

#include "mem/cache.h"
#include "python/code.h"

/* Code objects read whole per tick between the reads; more wait until after. */
#define NEW_CODES_MAX 64

/* One read through the page cache, its pages fetched again in one call: who holds the GIL
 * into *h, and its stack into out (at most PY_MAX_DEPTH frames). Returns the number of frames,
 * 0 when the GIL is free, or -1 (a bad read, a broken or too deep chain). */
static int read_once(struct py_walker *w, const struct sampler_config *cfg, struct py_thread *h,
		     struct py_raw_frame *out)
{
	mem_cache_clear(cfg->cache);
	mem_cache_prefetch(cfg->cache);
	if (py_gil_owner(w, w->mem, h) != 0)
		return -1;
	if (!h->tstate)
		return 0;
	size_t partial;
	if (py_thread_frame(w, w->mem, h->tstate, &h->frame) != 0 || !h->frame)
		return -1;
	int n = py_stack_read(w, h->frame, out, PY_MAX_DEPTH, &partial);
	return n > 0 ? n : -1;
}

/* Whether the two reads a (the first) and b agree as the comment above asks. */
static int same_stack(const struct py_raw_frame *a, const struct py_raw_frame *b, int n)
{
	for (int i = 0; i < n; i++)
		if (a[i].addr != b[i].addr || a[i].code != b[i].code || a[i].owner != b[i].owner ||
		    (i > 0 && a[i].index != b[i].index))
			return 0;
	return 1;
}

int validated_read(struct py_walker *w, const struct sampler_config *cfg, struct scratch *s,
		   struct py_thread *h)
{
	/* The second read goes to the first PY_MAX_DEPTH frames (kept), the first after them. */
	struct py_raw_frame *second = s->frames, *first = s->frames + PY_MAX_DEPTH;
	int n1 = read_once(w, cfg, h, first);
	if (n1 <= 0)
		return n1;
	py_code_epoch(w);
	unsigned budget = NEW_CODES_MAX;
	for (int k = 0; k < n1; k++) {
		int known = py_code_cached(w, first[k].code);
		if (known || budget) {
			budget -= !known;
			py_code_get(w, first[k].code);
		}
	}
	struct py_thread again;
	int n2 = read_once(w, cfg, &again, second);
	/* The pages of the GIL, the walk and the code objects' heads: fetched together at the
	 * next tick. */
	mem_cache_mark_hot(cfg->cache);
	/* The same holder at both reads: a thread that let the GIL go between them may be
	 * waiting now, not running Python code; that tick is the pause's to tell. */
	if (n2 != n1 || again.tstate != h->tstate || again.frame != h->frame ||
	    !same_stack(first, second, n1))
		return -1;
	return n2;
}
