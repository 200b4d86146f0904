/* threads.c: from the runtime to the interpreters, their thread states, and the GIL holder. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "python/code.h"
#include "python/walker.h"

int py_walker_init(struct py_walker *w, struct mem_reader *mem, const struct py_target *t,
		   char *err, size_t errlen)
{
	memset(w, 0, sizeof *w);
	w->mem = mem;
	w->target = *t;
	if (py_layout_init(&w->layout, &t->version, mem, t->runtime, err, errlen) != 0)
		return -1;
	w->codes = py_code_cache_new();
	if (!w->codes) {
		py_walker_release(w);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void py_walker_release(struct py_walker *w)
{
	py_code_cache_free(w->codes);
	free(w->visited);
	w->codes = NULL;
	w->visited = NULL;
	w->visited_cap = 0;
}

static int read_ptr(struct mem_reader *m, uint64_t base, int32_t off, uint64_t *out)
{
	if (off < 0)
		return PY_WALK_BAD_READ;
	return mem_read_u64(m, base + (uint64_t)off, out) == 0 ? 0 : PY_WALK_BAD_READ;
}

static int first_interp(const struct py_walker *w, struct mem_reader *m, uint64_t *interp)
{
	const struct py_offsets *o = &w->layout.o;
	if (w->target.runtime)
		return read_ptr(m, w->target.runtime, o->runtime_interpreters_head, interp);
	return mem_read_u64(m, w->target.interp_head, interp) == 0 ? 0 : PY_WALK_BAD_READ;
}

/* The tstate holding the GIL in interpreter interp into *holder, 0 when the GIL is free (or
 * not made yet). Returns 0, or PY_WALK_BAD_READ when a read failed: a target gone is no free
 * GIL (taken for one, a tick would count it idle, and a -C run kept the targets of children
 * that had ended, a 50 ms poll each, until its memory doubled). */
static int gil_holder(const struct py_walker *w, struct mem_reader *m, uint64_t interp,
		      uint64_t *holder)
{
	const struct py_offsets *o = &w->layout.o;
	uint64_t gil;
	int32_t locked = 0;
	*holder = 0;
	switch (w->layout.gil) {
	case PY_GIL_TSTATE_CURRENT:
		return mem_read_u64(m, w->target.tstate_current, holder) == 0 ? 0
									  : PY_WALK_BAD_READ;
	case PY_GIL_GILSTATE:
		return read_ptr(m, w->target.runtime, o->runtime_gilstate_tstate_current, holder);
	case PY_GIL_INTERP_POINTER:
		/* 3.12+: the thread-local current tstate is unreadable from outside; the GIL
		 * records its last holder, which still holds it while `locked` is set. */
		if (o->gil_locked < 0)
			return 0;
		gil = w->gil_route.known && interp == w->gil_route.interp ? w->gil_route.gil : 0;
		if (!gil && read_ptr(m, interp, o->interp_ceval_gil, &gil) != 0)
			return PY_WALK_BAD_READ;
		if (!gil)
			return 0;
		if (mem_read(m, gil + (uint64_t)o->gil_locked, &locked, sizeof locked) != 0)
			return PY_WALK_BAD_READ;
		return locked ? read_ptr(m, gil, o->gil_last_holder, holder) : 0;
	}
	return 0;
}

int py_gil_owner(const struct py_walker *w, struct mem_reader *m, struct py_thread *holder)
{
	const struct py_offsets *o = &w->layout.o;
	uint64_t interp, next = 0;
	memset(holder, 0, sizeof *holder);
	if (w->gil_route.known) {
		if (w->gil_route.several)
			return PY_WALK_BAD_READ;
		interp = w->gil_route.interp;
	} else {
		if (first_interp(w, m, &interp) != 0 || !interp)
			return PY_WALK_BAD_READ;
		/* One GIL per interpreter from 3.12 on: holding one does not stop the others. */
		if (o->interp_next >= 0 &&
		    (read_ptr(m, interp, o->interp_next, &next) != 0 || next))
			return PY_WALK_BAD_READ;
	}
	uint64_t ts;
	if (gil_holder(w, m, interp, &ts) != 0)
		return PY_WALK_BAD_READ;
	if (!ts)
		return 0;
	if (read_ptr(m, ts, o->tstate_thread_id, &holder->thread_id) != 0 ||
	    (o->tstate_native_thread_id >= 0 &&
	     read_ptr(m, ts, o->tstate_native_thread_id, &holder->native_id) != 0))
		return PY_WALK_BAD_READ;
	holder->tstate = ts;
	holder->holds_gil = 1;
	return 0;
}

/* 3.6: the GIL's statics, all found. */
static int gil_statics(const struct py_walker *w)
{
	return w->layout.gil == PY_GIL_TSTATE_CURRENT && w->target.gil_locked &&
	       w->target.gil_last_holder && w->target.gil_switch_number;
}

/* Whether the layout has the GIL's count of switches: 3.6's statics when its .symtab names
 * them, and from 3.7 in the runtime up to 3.11, through the interpreter from 3.12. */
static int counts_switches(const struct py_walker *w)
{
	const struct py_offsets *o = &w->layout.o;
	if (gil_statics(w))
		return 1;
	int reached = w->layout.gil == PY_GIL_INTERP_POINTER ||
		      (w->layout.gil == PY_GIL_GILSTATE && o->runtime_ceval_gil >= 0 &&
		       w->target.runtime);
	return reached && o->gil_switch_number >= 0 && o->gil_locked >= 0 &&
	       o->gil_last_holder >= 0;
}

int py_gil_switches(const struct py_walker *w, struct mem_reader *m, uint64_t *last,
		    int *locked, uint64_t *switches)
{
	const struct py_offsets *o = &w->layout.o;
	*last = *switches = 0;
	*locked = 0;
	if (!counts_switches(w))
		return 1;
	if (gil_statics(w)) {
		/* 3.6: an int, a tstate pointer and an unsigned long, each a static of its own. */
		int32_t is_locked;
		if (mem_read(m, w->target.gil_locked, &is_locked, sizeof is_locked) != 0 ||
		    mem_read_u64(m, w->target.gil_last_holder, last) != 0 ||
		    mem_read_u64(m, w->target.gil_switch_number, switches) != 0)
			return PY_WALK_BAD_READ;
		*locked = is_locked > 0;
		return 0;
	}
	uint64_t interp, gil = 0;
	if (w->layout.gil == PY_GIL_GILSTATE) {
		/* Up to 3.11 the one GIL of the process lies in the runtime itself. */
		gil = w->target.runtime + (uint64_t)o->runtime_ceval_gil;
	} else if (w->gil_route.known) {
		if (w->gil_route.several)
			return PY_WALK_BAD_READ;
		interp = w->gil_route.interp;
		gil = w->gil_route.gil;
	} else if (first_interp(w, m, &interp) != 0 || !interp) {
		return PY_WALK_BAD_READ;
	}
	if (!gil && read_ptr(m, interp, o->interp_ceval_gil, &gil) != 0)
		return PY_WALK_BAD_READ;
	if (!gil)
		return PY_WALK_BAD_READ;
	/* The three fields in one read: they lie within a few words of each other. */
	int32_t lo = o->gil_locked, hi = o->gil_locked + 4;
	const int32_t at[2] = { o->gil_last_holder, o->gil_switch_number };
	for (int i = 0; i < 2; i++) {
		lo = at[i] < lo ? at[i] : lo;
		hi = at[i] + 8 > hi ? at[i] + 8 : hi;
	}
	uint8_t buf[64];
	if (hi - lo > (int32_t)sizeof buf || mem_read(m, gil + (uint64_t)lo, buf, (size_t)(hi - lo)))
		return PY_WALK_BAD_READ;
	int32_t is_locked;
	memcpy(&is_locked, buf + (o->gil_locked - lo), sizeof is_locked);
	*locked = is_locked != 0;
	memcpy(switches, buf + (o->gil_switch_number - lo), sizeof *switches);
	memcpy(last, buf + (o->gil_last_holder - lo), sizeof *last);
	return 0;
}

/* Whether the route w knows still leads where it did: its three words (the first
 * interpreter, the one after it, that interpreter's GIL) read in one call, where learning
 * them anew takes one each, as each leads to the next (three of the four system calls of a
 * 50 ms poll). */
static int route_unchanged(const struct py_walker *w, struct mem_reader *m)
{
	const struct py_offsets *o = &w->layout.o;
	uint64_t interp = w->gil_route.interp, addrs[3], words[3] = { 0, 0, 0 };
	void *bufs[3] = { &words[0], &words[1], &words[2] };
	const size_t lens[3] = { 8, 8, 8 };
	size_t n = 0;
	if (w->target.runtime && o->runtime_interpreters_head < 0)
		return 0;
	addrs[n++] = w->target.runtime ? w->target.runtime + (uint64_t)o->runtime_interpreters_head
				       : w->target.interp_head;
	if (o->interp_next >= 0)
		addrs[n++] = interp + (uint64_t)o->interp_next;
	if (w->layout.gil == PY_GIL_INTERP_POINTER) {
		if (o->interp_ceval_gil < 0)
			return 0;
		addrs[n++] = interp + (uint64_t)o->interp_ceval_gil;
	}
	if (mem_read_many(m, n, addrs, bufs, lens) != n || words[0] != interp)
		return 0;
	n = 1;
	if (o->interp_next >= 0 && (words[n++] != 0) != w->gil_route.several)
		return 0;
	return w->layout.gil != PY_GIL_INTERP_POINTER || words[n] == w->gil_route.gil;
}

int py_gil_route_learn(struct py_walker *w, struct mem_reader *m)
{
	const struct py_offsets *o = &w->layout.o;
	uint64_t interp, next = 0, gil = 0;
	if (w->gil_route.known && route_unchanged(w, m))
		return 0;
	memset(&w->gil_route, 0, sizeof w->gil_route);
	if (first_interp(w, m, &interp) != 0 || !interp ||
	    (o->interp_next >= 0 && read_ptr(m, interp, o->interp_next, &next) != 0) ||
	    (w->layout.gil == PY_GIL_INTERP_POINTER &&
	     (read_ptr(m, interp, o->interp_ceval_gil, &gil) != 0 || !gil)))
		return PY_WALK_BAD_READ;
	w->gil_route.interp = interp;
	w->gil_route.several = next != 0;
	w->gil_route.gil = gil;
	w->gil_route.known = 1;
	return 0;
}

/* 3.11-3.12: the current frame of cframe, and with link what a walk from it checks it by (the
 * current frame of the cframe before; none for the outermost cframe). The link is a check, not
 * the stack: when it does not read (a recorded image holds only what an older pyflame read)
 * the frame alone is read, unchecked. */
static int cframe_frame(const struct py_offsets *o, struct mem_reader *m, uint64_t tstate,
			uint64_t cframe, uint64_t *frame, struct py_link *link)
{
	int32_t cur = o->cframe_current_frame, prev = o->cframe_previous;
	/* Both fields in one read: they sit side by side. */
	int32_t lo = cur < prev ? cur : prev, hi = cur < prev ? prev : cur;
	uint8_t buf[64];
	uint64_t previous;
	if (!link || lo < 0 || hi - lo + 8 > (int32_t)sizeof buf ||
	    mem_read(m, cframe + (uint64_t)lo, buf, (size_t)(hi - lo + 8)) != 0)
		return read_ptr(m, cframe, cur, frame);
	memcpy(frame, buf + (cur - lo), 8);
	memcpy(&previous, buf + (prev - lo), 8);
	/* The thread's root cframe lies under its first C call into the eval loop: CPython
	 * sets no frame in it, so that call's entry frame links to none. Not read: it sat in a
	 * page of its own at each tick (the main thread's state, in _PyRuntime, spans two). */
	if (o->tstate_root_cframe > 0 && previous == tstate + (uint64_t)o->tstate_root_cframe) {
		link->frame = 0;
		link->known = 1;
	} else if (previous && read_ptr(m, previous, cur, &link->frame) == 0) {
		link->known = 1;
	}
	return 0;
}

/* py_thread_frame, and *cframe the cframe pointer (3.11, 3.12; else 0), the frame and link
 * taken from known when it vouches for them. */
static int thread_frame(const struct py_walker *w, struct mem_reader *m, uint64_t tstate,
			uint64_t *frame, struct py_link *link, uint64_t *cframe,
			py_frame_known known, void *arg)
{
	const struct py_offsets *o = &w->layout.o;
	*cframe = 0;
	if (link)
		*link = (struct py_link){ 0 };
	switch (w->layout.tstate_frame) {
	case PY_TSTATE_FRAME:
		return read_ptr(m, tstate, o->tstate_frame, frame);
	case PY_TSTATE_CFRAME:
		if (read_ptr(m, tstate, o->tstate_cframe, cframe) != 0)
			return PY_WALK_BAD_READ;
		if (*cframe == 0) {
			*frame = 0;
			return 0;
		}
		if (known && link && known(arg, tstate, *cframe, frame, link))
			return 0;
		return cframe_frame(o, m, tstate, *cframe, frame, link);
	case PY_TSTATE_CURRENT_FRAME:
		return read_ptr(m, tstate, o->tstate_current_frame, frame);
	}
	return PY_WALK_BAD_READ;
}

int py_thread_frame(const struct py_walker *w, struct mem_reader *m, uint64_t tstate,
		    uint64_t *frame, struct py_link *link)
{
	uint64_t cframe;
	return thread_frame(w, m, tstate, frame, link, &cframe, NULL, NULL);
}

int py_thread_entering(const struct py_walker *w, struct mem_reader *m, uint64_t tstate)
{
	const struct py_offsets *o = &w->layout.o;
	uint64_t c;
	if (w->layout.tstate_frame != PY_TSTATE_CFRAME || o->tstate_root_cframe <= 0 ||
	    o->cframe_previous < 0 || read_ptr(m, tstate, o->tstate_cframe, &c) != 0 || !c)
		return 0;
	/* Every cframe CPython makes links, through the ones of the C calls around it, to the
	 * root in the thread state (greenlet's too). A chain that ends or reads nothing before
	 * the root was caught with the new cframe's fields not yet written. A cframe a frame at
	 * most: a walk's bound bounds this one. */
	uint64_t root = tstate + (uint64_t)o->tstate_root_cframe;
	for (int k = 0; k < PY_MAX_DEPTH; k++) {
		if (c == root)
			return 0;
		if (!c || read_ptr(m, c, o->cframe_previous, &c) != 0)
			return 1;
	}
	return 1;
}

int py_threads_read(const struct py_walker *w, struct mem_reader *m, struct py_thread *out,
		    size_t max)
{
	return py_threads_read_known(w, m, out, max, NULL, NULL);
}

int py_threads_read_known(const struct py_walker *w, struct mem_reader *m, struct py_thread *out,
			  size_t max, py_frame_known known, void *arg)
{
	const struct py_offsets *o = &w->layout.o;
	uint64_t interp;
	if (first_interp(w, m, &interp) != 0)
		return PY_WALK_BAD_READ;
	if (interp == 0)
		return PY_WALK_NOT_READY;
	size_t n = 0;
	for (int i = 0; interp && i < PY_MAX_INTERPRETERS; i++) {
		/* Which thread holds it is only marked: the list's own reads tell a failure. */
		uint64_t holder, ts;
		if (gil_holder(w, m, interp, &holder) != 0)
			holder = 0;
		if (read_ptr(m, interp, o->interp_tstate_head, &ts) != 0)
			return PY_WALK_BAD_READ;
		for (size_t k = 0; ts && k < PY_MAX_THREADS; k++) {
			if (n == max)
				return (int)n;
			struct py_thread *t = &out[n];
			memset(t, 0, sizeof *t);
			t->tstate = ts;
			if (read_ptr(m, ts, o->tstate_thread_id, &t->thread_id) != 0 ||
			    thread_frame(w, m, ts, &t->frame, &t->link, &t->cframe, known, arg) != 0)
				return PY_WALK_BAD_READ;
			if (o->tstate_native_thread_id >= 0)
				read_ptr(m, ts, o->tstate_native_thread_id, &t->native_id);
			t->holds_gil = holder == ts;
			n++;
			if (read_ptr(m, ts, o->tstate_next, &ts) != 0)
				return PY_WALK_BAD_READ;
		}
		if (read_ptr(m, interp, o->interp_next, &interp) != 0)
			break;
	}
	return (int)n;
}

int py_threads_mark(const struct py_walker *w, struct mem_reader *m, struct py_list_mark *mark)
{
	const struct py_offsets *o = &w->layout.o;
	uint64_t next = 0;
	memset(mark, 0, sizeof *mark);
	if (first_interp(w, m, &mark->interp) != 0 || !mark->interp ||
	    (o->interp_next >= 0 && (read_ptr(m, mark->interp, o->interp_next, &next) != 0 || next)) ||
	    read_ptr(m, mark->interp, o->interp_tstate_head, &mark->head) != 0) {
		memset(mark, 0, sizeof *mark);
		return PY_WALK_BAD_READ;
	}
	return 0;
}

int py_threads_again(const struct py_walker *w, struct mem_reader *m,
		     const struct py_list_mark *mark, uint64_t held, struct py_thread *list,
		     size_t n)
{
	struct py_list_mark now;
	uint64_t holder;
	if (!mark->interp || py_threads_mark(w, m, &now) != 0 || now.interp != mark->interp ||
	    now.head != mark->head || gil_holder(w, m, now.interp, &holder) != 0)
		return PY_WALK_BAD_READ;
	size_t k = 0;
	while (k < n && list[k].tstate != held)
		k++;
	if (k == n)
		return PY_WALK_BAD_READ;
	struct py_thread *t = &list[k];
	if (thread_frame(w, m, held, &t->frame, &t->link, &t->cframe, NULL, NULL) != 0 ||
	    !t->frame)
		return PY_WALK_BAD_READ;
	for (size_t i = 0; i < n; i++)
		list[i].holds_gil = list[i].tstate == holder;
	return (int)n;
}
