/* stack.c: following one thread's frame chain. One table-driven path per frame model. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "python/walker.h"

static int32_t max4(int32_t a, int32_t b, int32_t c, int32_t d)
{
	int32_t m = a > b ? a : b;
	m = m > c ? m : c;
	return m > d ? m : d;
}

static uint64_t u64_at(const uint8_t *buf, int32_t off)
{
	uint64_t v;
	memcpy(&v, buf + off, sizeof v);
	return v;
}

/* Up to 3.10: PyFrameObject, linked by f_back, with f_lasti. */
static int64_t index_from_lasti(const struct py_layout *l, int32_t lasti)
{
	if (lasti < 0)
		return -1;
	/* 3.10 counts 2-byte code units in f_lasti; its line table works in bytes. */
	if (l->version.major == 3 && l->version.minor == 10)
		return (int64_t)lasti * 2;
	return lasti;
}

static size_t visited_slot(const struct py_walker *w, uint64_t frame)
{
	return (size_t)((frame >> 3) * 0x9E3779B97F4A7C15ull >> 40) & (w->visited_cap - 1);
}

/* Puts frame in a free slot of the visited set, which must have one and not hold it yet. */
static void visited_put(struct py_walker *w, uint64_t frame)
{
	size_t i = visited_slot(w, frame);
	while (w->visited[i].stamp == w->stamp)
		i = (i + 1) & (w->visited_cap - 1);
	w->visited[i] = (struct py_visited){ frame, w->stamp };
}

/* Doubles the visited set (the first walk makes it), keeping this walk's frames. Returns 0 or
 * -ENOMEM (the set is then unchanged). */
static int visited_grow(struct py_walker *w)
{
	struct py_visited *old = w->visited;
	size_t old_cap = w->visited_cap, cap = old_cap ? old_cap * 2 : PY_VISITED_MIN_SLOTS;
	struct py_visited *bigger = calloc(cap, sizeof *bigger);
	if (!bigger)
		return -ENOMEM;
	w->visited = bigger;
	w->visited_cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].stamp == w->stamp)
			visited_put(w, old[i].frame);
	free(old);
	return 0;
}

/* Marks frame as visited in this walk; returns 1 if it already was (a cycle), 0 if not, or
 * -ENOMEM when the set is too small to hold one more frame and could not grow. */
static int visit(struct py_walker *w, uint64_t frame)
{
	/* At most half full, so a probe always ends at a free slot. PY_VISITED_SLOTS is twice
	 * the most frames a walk visits (PY_MAX_DEPTH): the set never grows past it. */
	if ((w->n_visited + 1) * 2 > w->visited_cap &&
	    (w->visited_cap >= PY_VISITED_SLOTS || visited_grow(w) != 0))
		return -ENOMEM;
	size_t i = visited_slot(w, frame);
	while (w->visited[i].stamp == w->stamp) {
		if (w->visited[i].frame == frame)
			return 1;
		i = (i + 1) & (w->visited_cap - 1);
	}
	w->visited[i] = (struct py_visited){ frame, w->stamp };
	w->n_visited++;
	return 0;
}

/* The bytes a reader lent with the last frame read (mem_view_window): [lo, hi) of the target,
 * lo's at p; of them, [used_lo, used_hi) taken so far. */
struct window {
	uint64_t lo, hi, used_lo, used_hi;
	const uint8_t *p;
};

/* The span bytes of frame: from the window when it holds them, else from the reader (its window
 * then the new one, the old one's use said). NULL when they do not read. */
static const uint8_t *frame_bytes(struct mem_reader *m, struct window *win, uint64_t frame,
				  size_t span, uint8_t *buf)
{
	/* Not frame + span <= hi: a corrupt link near the top of the address space would wrap. */
	if (frame >= win->lo && frame < win->hi && span <= win->hi - frame) {
		if (frame < win->used_lo)
			win->used_lo = frame;
		if (frame + span > win->used_hi)
			win->used_hi = frame + span;
		return win->p + (frame - win->lo);
	}
	mem_window_used(m, win->used_lo, win->used_hi);
	const uint8_t *p = mem_view_window(m, frame, buf, span, &win->lo, &win->hi);
	if (!p) {
		*win = (struct window){ 0 };
		return NULL;
	}
	win->p = p - (frame - win->lo);
	win->used_lo = frame;
	win->used_hi = frame + span;
	return p;
}

/* The walk of py_stack_read (walk), its frames read through win. With link, *unlinked is
 * set when the walk shows the moment struct py_link tells of: its first entry frame links
 * elsewhere, or the walk ends or fails before one. */
static int walk_chain(struct py_walker *w, uint64_t frame, const struct py_link *link,
		      struct py_raw_frame *out, size_t max, size_t *n_partial, int every_frame,
		      struct window *win, int *unlinked)
{
	const struct py_layout *l = &w->layout;
	const struct py_offsets *o = &l->o;
	int objects = l->frames == PY_FRAME_OBJECTS;
	int32_t span = objects ? max4(o->frame_back, o->frame_code, o->frame_lasti, 0) + 8
			       : max4(max4(o->iframe_previous, o->iframe_code, o->iframe_instr,
					   o->iframe_owner),
				      o->iframe_is_entry, 0, 0) + 8;
	uint8_t buf[512];
	if (span <= 8 || (size_t)span > sizeof buf)
		return PY_WALK_BAD_READ;

	size_t n = 0;
	uint64_t below = 0; /* the frame of the step before */
	*n_partial = 0;
	/* A new stamp invalidates every slot of the visited set at once; on wrap-around, clear. */
	if (++w->stamp == 0) {
		if (w->visited)
			memset(w->visited, 0, w->visited_cap * sizeof *w->visited);
		w->stamp = 1;
	}
	w->n_visited = 0;
	for (size_t depth = 0; frame; depth++) {
		/* The chain passing the bound: stop, keep what was read (the outer part is lost,
		 * which the caller reports). */
		if (depth >= PY_MAX_DEPTH || n >= max) {
			*n_partial = n;
			return PY_WALK_TOO_DEEP;
		}
		/* A frame met twice: a link caught mid-update (a new frame whose previous still
		 * holds a stale pointer) or corrupt memory. Nothing of this walk can be trusted.
		 * Only frames reached by a step up in memory are remembered at first: a loop
		 * cannot go down all the way round, so it meets one of them again, if only on
		 * its second round (py_stack_read looks again at a walk that reached the bound).
		 * 3.11+ callers sit below their callees in the data stack, so a walk there
		 * remembers one frame or two, not 30 (a tenth of its instructions). */
		int seen = !every_frame && depth && frame < below ? 0 : visit(w, frame);
		below = frame;
		if (seen > 0) {
			*unlinked |= link != NULL;
			return PY_WALK_CYCLE;
		}
		if (seen < 0) {
			/* No memory to check this frame for a cycle: keep what was read, as for a
			 * chain past the bound. */
			*n_partial = n;
			return PY_WALK_TOO_DEEP;
		}
		const uint8_t *p = frame_bytes(w->mem, win, frame, (size_t)span, buf);
		if (!p) {
			*unlinked |= link != NULL;
			*n_partial = n;
			return PY_WALK_BAD_READ;
		}
		struct py_raw_frame f = { .addr = frame, .owner = -1 };
		uint64_t next;
		if (objects) {
			/* A frame object nothing refers to was freed (its ob_refcnt, at its
			 * start, is 0): CPython keeps freed frames for reuse, in a free list
			 * linked through f_back, their code and lasti as they were. A walk
			 * that reaches one began at a frame that ended meanwhile, and would go
			 * on through frames freed before it, in the order they were freed: a
			 * made-up stack (2.7's churn test saw one, a thread's frames upside
			 * down). An executing frame is held by its caller's call (and its
			 * callee's f_back). */
			if (u64_at(p, 0) == 0) {
				*n_partial = n;
				return PY_WALK_BAD_READ;
			}
			int32_t lasti;
			memcpy(&lasti, p + o->frame_lasti, sizeof lasti);
			f.code = u64_at(p, o->frame_code);
			f.index = index_from_lasti(l, lasti);
			next = u64_at(p, o->frame_back);
			f.outermost_of_call = 1;
		} else {
			f.code = u64_at(p, o->iframe_code) & ~(uint64_t)o->stackref_tag_bits;
			f.owner = (int8_t)p[o->iframe_owner];
			f.outermost_of_call = o->iframe_is_entry >= 0 && p[o->iframe_is_entry];
			next = u64_at(p, o->iframe_previous);
			uint64_t instr = u64_at(p, o->iframe_instr);
			uint64_t start = f.code + (uint64_t)o->code_code_adaptive;
			/* prev_instr (3.11, 3.12) sits one unit before the first instruction until
			 * the frame starts; instr_ptr (3.13) points at the current one. Both map
			 * to the same line through the same unit index. */
			f.index = (int64_t)(instr - start) / 2;
		}
		frame = next;
		/* The first frame a C call into the eval loop began with (3.11's is_entry, 3.12's
		 * entry frame) links to the frame that call was made from. */
		int entry = f.outermost_of_call || (f.owner >= 0 && f.owner == o->frame_owner_cstack);
		if (link && entry) {
			*unlinked = next != link->frame;
			link = NULL; /* the walk goes on: py_stack_read decides */
		}
		/* 3.12+ pushes an entry frame (the interpreter trampoline, or None as executable
		 * from 3.13; owned by the C stack, from 3.14 by the interpreter) at each C call
		 * into the eval loop: not user code. */
		if (f.owner >= 0 &&
		    (f.owner == o->frame_owner_cstack || f.owner == o->frame_owner_interpreter)) {
			/* ...but it marks where the eval call of the frames above it began. */
			if (n)
				out[n - 1].outermost_of_call = 1;
			continue;
		}
		if (f.code == 0)
			continue;
		out[n++] = f;
	}
	*unlinked |= link != NULL;
	return (int)n;
}

/* The walk of py_stack_read; every_frame: every frame remembered for the cycle check, not
 * only those reached by a step up. */
static int walk(struct py_walker *w, uint64_t frame, const struct py_link *link,
		struct py_raw_frame *out, size_t max, size_t *n_partial, int every_frame,
		int *unlinked)
{
	struct window win = { 0 };
	*unlinked = 0;
	int n = walk_chain(w, frame, link, out, max, n_partial, every_frame, &win, unlinked);
	mem_window_used(w->mem, win.used_lo, win.used_hi);
	return n;
}

/* Counts one link check of a stopped thread, failed or not, and judges the process's links by
 * them. Returns whether they are trusted: a failure then shows the moment they look for. */
static int link_counted(struct py_walker *w, int failed)
{
	uint32_t checked = ++w->links.checked;
	uint32_t failures = w->links.failed += failed != 0;
	if (failures > PY_LINK_BURST && failures > checked / PY_LINK_DISTRUST)
		w->links.distrusted = 1;
	if (checked >= PY_LINK_WINDOW) {
		w->links.distrusted = failures > checked / PY_LINK_DISTRUST;
		w->links.checked = w->links.failed = 0;
	}
	return !w->links.distrusted;
}

int py_stack_read(struct py_walker *w, uint64_t frame, const struct py_link *link,
		  struct py_raw_frame *out, size_t max, size_t *n_partial)
{
	if (link && !link->known)
		link = NULL;
	int unlinked;
	int n = walk(w, frame, link, out, max, n_partial, 0, &unlinked);
	/* A loop longer than a third of the bound is not met again before it: the bound
	 * reached, the walk is made again remembering every frame (deep stacks are rare). */
	if (n == PY_WALK_TOO_DEEP)
		n = walk(w, frame, link, out, max, n_partial, 1, &unlinked);
	if (!link || n == PY_WALK_TOO_DEEP)
		return n;
	/* Stopped threads' checks are counted while distrusted too, so that a process whose
	 * failures were a burst is trusted again. */
	int trusted = link->stopped ? link_counted(w, unlinked) : !w->links.distrusted;
	if (!unlinked || !trusted)
		return n;
	/* The thread was caught entering the eval loop: its stack is the one the call was
	 * made from (the frame about to run has not started). */
	return link->frame ? py_stack_read(w, link->frame, NULL, out, max, n_partial) : 0;
}

int py_frame_code(const struct py_walker *w, struct mem_reader *m, uint64_t frame,
		  uint64_t *code)
{
	const struct py_offsets *o = &w->layout.o;
	int32_t off = w->layout.frames == PY_FRAME_OBJECTS ? o->frame_code : o->iframe_code;
	if (off < 0 || mem_read_u64(m, frame + (uint64_t)off, code) != 0)
		return PY_WALK_BAD_READ;
	if (w->layout.frames != PY_FRAME_OBJECTS)
		*code &= ~(uint64_t)o->stackref_tag_bits;
	return 0;
}
