/* test_thread_list.c: the thread list taken again without reading each thread state
 * (py_threads_mark, py_threads_again; sample/kept.h keeps the list), on made-up interpreters
 * laid out as 3.10's and 3.11's rows of the offsets table say. Taken again, the list has the
 * threads as they were read, but the held thread's frame and which thread holds the GIL as
 * they are now; the other threads' thread states are not read (a frame changed there is not
 * seen: that is the point, and why the caller must know no other thread ran). A thread state
 * added (at the list's head), a held thread running no Python code (in its exit, or in
 * finalization, which delete thread states), a held thread not in the list, or a second
 * interpreter: the list is to be read whole. */
#include <stdlib.h>

#include "check.h"
#include "fixture_objects.h"
#include "python/offsets.h"
#include "python/walker.h"

#define THREADS 3

struct world {
	struct fake f;
	struct py_walker w;
	const struct py_offsets *o;
	uint64_t runtime, interp, ts[THREADS + 1];
};

static char msg[200];
#define WHAT(...) (snprintf(msg, sizeof msg, __VA_ARGS__), msg)

/* Points thread state ts at frame, directly (3.10) or through a cframe (3.11). */
static void set_frame(struct world *x, uint64_t ts, uint64_t frame)
{
	if (x->o->tstate_cframe >= 0) {
		uint64_t c = fake_alloc(&x->f, 64, 0);
		fake_put64(&x->f, c, x->o->cframe_current_frame, frame);
		fake_put64(&x->f, ts, x->o->tstate_cframe, c);
	} else {
		fake_put64(&x->f, ts, x->o->tstate_frame, frame);
	}
}

/* A thread state for thread k, with frame, put at the head of the list. */
static uint64_t add_thread(struct world *x, int k, uint64_t frame)
{
	uint64_t ts = fake_alloc(&x->f, 1024, 0);
	uint64_t head;
	memcpy(&head, x->f.mem + (x->interp + (uint64_t)x->o->interp_tstate_head - FAKE_BASE), 8);
	fake_put64(&x->f, ts, x->o->tstate_next, head);
	fake_put64(&x->f, ts, x->o->tstate_thread_id, 0x7000u + (uint64_t)k);
	set_frame(x, ts, frame);
	fake_put64(&x->f, x->interp, x->o->interp_tstate_head, ts);
	x->ts[k] = ts;
	return ts;
}

static void holds_gil(struct world *x, uint64_t ts)
{
	fake_put64(&x->f, x->runtime, x->o->runtime_gilstate_tstate_current, ts);
}

/* One interpreter with THREADS threads, thread 0 the oldest, each in frame 0xf000 + k (not
 * read here: frames are the caller's to walk), thread 1 holding the GIL. */
static void world_open(struct world *x, int minor)
{
	memset(x, 0, sizeof *x);
	x->o = py_offsets_find(3, minor);
	if (!x->o || fake_open(&x->f) != 0)
		exit(2);
	fake_walker(&x->f, x->o, &x->w);
	x->runtime = fake_alloc(&x->f, 4096, 0);
	x->interp = fake_alloc(&x->f, 4096, 0);
	x->w.target.runtime = x->runtime;
	fake_put64(&x->f, x->runtime, x->o->runtime_interpreters_head, x->interp);
	for (int k = 0; k < THREADS; k++)
		add_thread(x, k, 0xf000u + (uint64_t)k);
	holds_gil(x, x->ts[1]);
}

/* The entry of list[0..n) for thread state ts, or NULL. */
static const struct py_thread *entry(const struct py_thread *list, int n, uint64_t ts)
{
	for (int i = 0; i < n; i++)
		if (list[i].tstate == ts)
			return &list[i];
	return NULL;
}

static void one_version(int minor)
{
	struct world x;
	world_open(&x, minor);
	struct py_thread list[8], again[8];
	int n = py_threads_read(&x.w, x.w.mem, list, 8);
	CHECK_INT(n, THREADS, WHAT("3.%d: the list read whole", minor));
	struct py_list_mark mark;
	CHECK_INT(py_threads_mark(&x.w, x.w.mem, &mark), 0, WHAT("3.%d: its mark reads", minor));
	CHECK(mark.interp == x.interp && mark.head == x.ts[THREADS - 1],
	      WHAT("3.%d: ...the interpreter and the newest thread state", minor));
	if (n != THREADS)
		goto out;

	/* The held thread ran on and let the GIL go to thread 2; thread 0's frame changed too,
	 * which only a thread that took the GIL could have done: not seen. */
	set_frame(&x, x.ts[1], 0xe001u);
	set_frame(&x, x.ts[0], 0xe000u);
	holds_gil(&x, x.ts[2]);
	memcpy(again, list, sizeof list);
	int m = py_threads_again(&x.w, x.w.mem, &mark, x.ts[1], again, (size_t)n);
	CHECK_INT(m, THREADS, WHAT("3.%d: taken again", minor));
	const struct py_thread *h = entry(again, m, x.ts[1]), *t0 = entry(again, m, x.ts[0]),
			       *t2 = entry(again, m, x.ts[2]);
	CHECK(h && h->frame == 0xe001u, WHAT("3.%d: ...the held thread's frame read anew", minor));
	CHECK(t0 && t0->frame == 0xf000u && t0->thread_id == 0x7000u,
	      WHAT("3.%d: ...another thread's as it was read (its state not read)", minor));
	CHECK(t2 && t2->holds_gil && h && !h->holds_gil && t0 && !t0->holds_gil,
	      WHAT("3.%d: ...and which thread holds the GIL, as now", minor));

	memcpy(again, list, sizeof list);
	CHECK(py_threads_again(&x.w, x.w.mem, &mark, 0xbad0u, again, (size_t)n) < 0,
	      WHAT("3.%d: a held thread not in the list: read the list whole", minor));

	set_frame(&x, x.ts[1], 0);
	memcpy(again, list, sizeof list);
	CHECK(py_threads_again(&x.w, x.w.mem, &mark, x.ts[1], again, (size_t)n) < 0,
	      WHAT("3.%d: the held thread running no Python code: read whole", minor));
	set_frame(&x, x.ts[1], 0xe001u);

	add_thread(&x, THREADS, 0xf003u);
	memcpy(again, list, sizeof list);
	CHECK(py_threads_again(&x.w, x.w.mem, &mark, x.ts[1], again, (size_t)n) < 0,
	      WHAT("3.%d: a thread state added: read whole", minor));
	CHECK_INT(py_threads_read(&x.w, x.w.mem, list, 8), THREADS + 1,
		  WHAT("3.%d: ...which has it", minor));
	CHECK_INT(py_threads_mark(&x.w, x.w.mem, &mark), 0, WHAT("3.%d: a new mark", minor));

	uint64_t second = fake_alloc(&x.f, 4096, 0);
	fake_put64(&x.f, x.interp, x.o->interp_next, second);
	CHECK(py_threads_mark(&x.w, x.w.mem, &mark) < 0 && mark.interp == 0,
	      WHAT("3.%d: two interpreters: no mark", minor));
	memcpy(again, list, sizeof list);
	CHECK(py_threads_again(&x.w, x.w.mem, &mark, x.ts[1], again, THREADS + 1) < 0,
	      WHAT("3.%d: ...and no list taken again", minor));
out:
	free(x.f.mem);
}

int main(void)
{
	one_version(10);
	one_version(11);
	return check_exit();
}
