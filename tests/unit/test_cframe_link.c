/* test_cframe_link.c: the 3.11 and 3.12 moment when a thread enters the eval loop from C
 * (struct py_link in python/walker.h), on made-up thread states laid out as each version's row
 * of the offsets table says. tstate->cframe already points at the new cframe, whose
 * current_frame is not set yet: it holds a stale frame (whose chain still reads), an address
 * that reads nothing, or the new frame before its link to the caller is written. Each time the
 * stack read is the caller's, as the cframe before holds it; a thread in its steady state reads
 * its own stack whole; a process whose links fail every time on stopped threads is read as
 * before after a few, a running thread's failures are acted on but not counted; and without a
 * link (a cframe with no previous, or one that does not read) nothing is checked. A stopped
 * thread whose walk failed is told caught entering (py_thread_entering) when its cframe chain
 * does not lead to its root. */
#include <stdlib.h>

#include "check.h"
#include "fixture_objects.h"
#include "python/offsets.h"
#include "python/walker.h"

#define CODE_P0 0x11000u
#define CODE_P1 0x12000u
#define CODE_F 0x13000u
#define CODE_S 0x14000u

struct world {
	struct fake f;
	struct py_walker w;
	const struct py_offsets *o;
	int v312;
	int running; /* the reads are of a running thread: their failures are not counted */
	uint64_t tstate, root, c0, c1;
	uint64_t p0, p1, f0, s0;
};

/* A frame of code `code` linking to previous; entry: the first frame of a C call into the
 * eval loop (3.11: is_entry set; 3.12: an entry frame owned by the C stack is put below it,
 * which is what is returned then). Returns the frame a chain links to in order to reach it. */
static uint64_t frame(struct world *x, uint64_t code, uint64_t previous, int entry)
{
	const struct py_offsets *o = x->o;
	if (entry && x->v312) {
		uint64_t e = fake_alloc(&x->f, 128, 0);
		fake_put64(&x->f, e, o->iframe_code, 0x10000u);
		fake_put64(&x->f, e, o->iframe_previous, previous);
		fake_put8(&x->f, e, o->iframe_owner, (uint8_t)o->frame_owner_cstack);
		previous = e;
	}
	uint64_t fr = fake_alloc(&x->f, 128, 0);
	fake_put64(&x->f, fr, o->iframe_code, code);
	fake_put64(&x->f, fr, o->iframe_previous, previous);
	fake_put64(&x->f, fr, o->iframe_instr, code + (uint64_t)o->code_code_adaptive + 4);
	if (entry && !x->v312)
		fake_put8(&x->f, fr, o->iframe_is_entry, 1);
	return fr;
}

static uint64_t cframe(struct world *x, uint64_t current, uint64_t previous)
{
	uint64_t c = fake_alloc(&x->f, 64, 0);
	fake_put64(&x->f, c, x->o->cframe_current_frame, current);
	fake_put64(&x->f, c, x->o->cframe_previous, previous);
	return c;
}

/* A thread two C calls into the eval loop deep: the first ran P1 then P0, which called a C
 * function that called back into the eval loop with F. A stale frame S lies about, linked to
 * a frame of a call into the eval loop that has ended (its entry links to P1, not P0). */
static void world_open(struct world *x, int minor)
{
	memset(x, 0, sizeof *x);
	x->o = py_offsets_find(3, minor);
	x->v312 = minor >= 12;
	if (!x->o || fake_open(&x->f) != 0)
		exit(2);
	fake_walker(&x->f, x->o, &x->w);
	x->p1 = frame(x, CODE_P1, 0, 1);
	x->p0 = frame(x, CODE_P0, x->p1, 0);
	x->f0 = frame(x, CODE_F, x->p0, 1);
	x->s0 = frame(x, CODE_S, x->p1, 1);
	x->root = cframe(x, 0, 0);
	x->c0 = cframe(x, x->p0, x->root);
	x->c1 = cframe(x, x->f0, x->c0);
	x->tstate = fake_alloc(&x->f, 512, 0);
	fake_put64(&x->f, x->tstate, x->o->tstate_cframe, x->c1);
}

/* The codes of the stack read from the thread's current frame, innermost first, into codes;
 * returns their number or the walk's error. */
static int read_codes(struct world *x, uint64_t *codes)
{
	uint64_t top;
	struct py_link link;
	struct py_raw_frame out[16];
	size_t partial;
	if (py_thread_frame(&x->w, x->w.mem, x->tstate, &top, &link) != 0)
		return PY_WALK_BAD_READ;
	link.stopped = !x->running;
	int n = py_stack_read(&x->w, top, &link, out, 16, &partial);
	for (int i = 0; i < n; i++)
		codes[i] = out[i].code;
	return n;
}

static char msg[200];
#define WHAT(...) (snprintf(msg, sizeof msg, __VA_ARGS__), msg)

static void check_stack(struct world *x, const char *what, int want_n, uint64_t a, uint64_t b,
			uint64_t c)
{
	uint64_t got[16] = { 0 }, want[3] = { a, b, c };
	int n = read_codes(x, got);
	int same = n == want_n;
	for (int i = 0; same && i < n; i++)
		same = got[i] == want[i];
	CHECK(same, WHAT("3.%d %s (%d frames: %#llx %#llx %#llx)", x->o->minor, what, n,
			 (unsigned long long)got[0], (unsigned long long)got[1],
			 (unsigned long long)got[2]));
}

static void one_version(int minor)
{
	struct world x;
	world_open(&x, minor);
	check_stack(&x, "steady: the thread's whole stack, F under P0 under P1", 3, CODE_F,
		    CODE_P0, CODE_P1);

	/* The moment: current_frame still holds a stale frame whose chain reads. */
	fake_put64(&x.f, x.c1, x.o->cframe_current_frame, x.s0);
	check_stack(&x, "entering, a stale frame as current: the caller's stack, P0 under P1", 2,
		    CODE_P0, CODE_P1, 0);
	/* ...an address that reads nothing. */
	fake_put64(&x.f, x.c1, x.o->cframe_current_frame, 0xdead0000u);
	check_stack(&x, "entering, an unreadable current frame: the caller's stack", 2, CODE_P0,
		    CODE_P1, 0);
	/* ...the caller's own frame (the stack slot held it from an earlier call). */
	fake_put64(&x.f, x.c1, x.o->cframe_current_frame, x.p0);
	check_stack(&x, "entering, the caller's frame as current: the caller's stack once", 2,
		    CODE_P0, CODE_P1, 0);
	fake_put64(&x.f, x.c1, x.o->cframe_current_frame, x.f0);
	check_stack(&x, "steady again: the whole stack", 3, CODE_F, CODE_P0, CODE_P1);

	/* The outermost call: its cframe's previous is the root, whose current frame is none. */
	fake_put64(&x.f, x.tstate, x.o->tstate_cframe, x.c0);
	check_stack(&x, "one call deep: P0 under P1, linked to the root's no frame", 2, CODE_P0,
		    CODE_P1, 0);
	/* The outermost call's cframe before is the thread's root, in its thread state: CPython
	 * sets no frame in it, and it is not read (a page a tick). What its slot holds here, a
	 * stale frame's address, would fail the link if it were. */
	if (x.o->tstate_root_cframe > 0) {
		uint64_t root = x.tstate + (uint64_t)x.o->tstate_root_cframe;
		fake_put64(&x.f, root, x.o->cframe_current_frame, x.s0);
		fake_put64(&x.f, x.c0, x.o->cframe_previous, root);
		check_stack(&x, "one call deep, over the root in the thread state: not read", 2,
			    CODE_P0, CODE_P1, 0);
		fake_put64(&x.f, x.c0, x.o->cframe_previous, x.root);
	}
	CHECK(x.o->tstate_root_cframe > 0, WHAT("3.%d has a root cframe's offset", minor));
	/* A cframe with no previous: nothing to check, the chain read as it is. */
	uint64_t lone = cframe(&x, x.s0, 0);
	fake_put64(&x.f, x.tstate, x.o->tstate_cframe, lone);
	check_stack(&x, "no cframe before: the stale chain read as it is (nothing to check)", 2,
		    CODE_S, CODE_P1, 0);
	/* A cframe before that does not read (an image recorded without it): the same. */
	fake_put64(&x.f, lone, x.o->cframe_previous, 0xdead0000u);
	check_stack(&x, "a cframe before that does not read: the chain read as it is", 2, CODE_S,
		    CODE_P1, 0);

	/* Reads of a running thread fail their checks when it moves under them: acted on, never
	 * counted against the process. */
	fake_put64(&x.f, x.tstate, x.o->tstate_cframe, x.c1);
	fake_put64(&x.f, x.c1, x.o->cframe_current_frame, x.s0);
	memset(&x.w.links, 0, sizeof x.w.links); /* as in a process just attached */
	uint64_t got[16];
	int fallbacks = 0;
	x.running = 1;
	for (int i = 0; i < 50; i++)
		fallbacks += read_codes(&x, got) == 2 && got[0] == CODE_P0;
	x.running = 0;
	CHECK_INT(fallbacks, 50,
		  WHAT("3.%d a running thread's failed checks: each acted on, none counted", minor));

	/* Links that fail every time on a stopped thread, as under a library that moves frames
	 * between cframes its own way: after a few such walks they are no longer acted on. */
	fallbacks = 0;
	for (int i = 0; i < 50; i++)
		fallbacks += read_codes(&x, got) == 2 && got[0] == CODE_P0;
	CHECK_INT(fallbacks, PY_LINK_BURST,
		  WHAT("3.%d links that always fail: acted on the first few, then distrusted", minor));
	check_stack(&x, "distrusted: the chain read as it is", 2, CODE_S, CODE_P1, 0);
	/* Links that hold, for the rest of the window that failed and a whole one after it, are
	 * trusted again. */
	fake_put64(&x.f, x.c1, x.o->cframe_current_frame, x.f0);
	for (int i = 0; i < 2 * PY_LINK_WINDOW; i++)
		read_codes(&x, got);
	fake_put64(&x.f, x.c1, x.o->cframe_current_frame, x.s0);
	check_stack(&x, "a window of good links later, trusted again: the caller's stack", 2,
		    CODE_P0, CODE_P1, 0);
	free(x.f.mem);
	py_walker_release(&x.w);
}

/* py_thread_entering, for a stopped thread whose walk failed: the cframe chain from tstate
 * leads to the root in the thread state, or the thread was caught before its new cframe's
 * fields were written (both hold what the C stack held there: an address of nothing, none, a
 * word of code, or a cframe of an earlier call). */
static void entering(int minor)
{
	struct world x;
	world_open(&x, minor);
	const struct py_offsets *o = x.o;
	uint64_t root = x.tstate + (uint64_t)o->tstate_root_cframe;
	fake_put64(&x.f, x.c0, o->cframe_previous, root);
	CHECK_INT(py_thread_entering(&x.w, x.w.mem, x.tstate), 0,
		  WHAT("3.%d two C calls deep, the chain down to the root: not entering", minor));
	fake_put64(&x.f, x.tstate, o->tstate_cframe, root);
	CHECK_INT(py_thread_entering(&x.w, x.w.mem, x.tstate), 0,
		  WHAT("3.%d the root itself: not entering", minor));
	/* The new cframe, its fields as the stack left them. */
	uint64_t fresh = cframe(&x, 0xdead0000u, 0xdead1000u);
	fake_put64(&x.f, x.tstate, o->tstate_cframe, fresh);
	CHECK_INT(py_thread_entering(&x.w, x.w.mem, x.tstate), 1,
		  WHAT("3.%d a previous that reads nothing: entering", minor));
	fake_put64(&x.f, fresh, o->cframe_previous, 0);
	CHECK_INT(py_thread_entering(&x.w, x.w.mem, x.tstate), 1,
		  WHAT("3.%d no previous: entering", minor));
	/* A word of code as previous, read as a cframe: its own previous leads nowhere. */
	uint64_t code_words = fake_alloc(&x.f, 64, 0);
	fake_put64(&x.f, code_words, o->cframe_previous, 0xc085480824548b48ull);
	fake_put64(&x.f, fresh, o->cframe_previous, code_words);
	CHECK_INT(py_thread_entering(&x.w, x.w.mem, x.tstate), 1,
		  WHAT("3.%d a previous that is not a cframe: entering", minor));
	/* Two cframes that link to each other never reach the root: the walk is bounded. */
	uint64_t a = cframe(&x, 0, 0), b = cframe(&x, 0, a);
	fake_put64(&x.f, a, o->cframe_previous, b);
	fake_put64(&x.f, fresh, o->cframe_previous, a);
	CHECK_INT(py_thread_entering(&x.w, x.w.mem, x.tstate), 1,
		  WHAT("3.%d a cycle of cframes: entering", minor));
	/* The stack held an earlier sibling call's cframe: its previous is the caller's, so the
	 * chain is sound (the link check deals with that moment). */
	fake_put64(&x.f, fresh, o->cframe_previous, x.c1);
	CHECK_INT(py_thread_entering(&x.w, x.w.mem, x.tstate), 0,
		  WHAT("3.%d a stale previous that is a real cframe: not entering", minor));
	free(x.f.mem);
	py_walker_release(&x.w);
}

/* Versions without cframes (or without a root cframe's offset) never say entering. */
static void entering_other(int minor)
{
	struct fake f;
	struct py_walker w;
	const struct py_offsets *o = py_offsets_find(3, minor);
	if (!o || fake_open(&f) != 0)
		exit(2);
	fake_walker(&f, o, &w);
	uint64_t tstate = fake_alloc(&f, 512, 0);
	CHECK_INT(py_thread_entering(&w, w.mem, tstate), 0,
		  WHAT("3.%d (no cframe): never entering", minor));
	free(f.mem);
	py_walker_release(&w);
}

int main(void)
{
	one_version(11);
	one_version(12);
	entering(11);
	entering(12);
	entering_other(10);
	entering_other(13);
	return check_exit();
}
