/* test_verified.c: the stacks read while their thread stood stopped (issue 21): a stack read
 * without stopping is taken only when every frame's address, code, instruction, owner and call
 * boundary, the thread and the depth are one such stack's; a stack remembers the profile stack
 * it was counted as; the set starts small and grows; it begins anew when code objects moved, or
 * when full, and references from before a growth or a new beginning are worth nothing; tries grow rare while they fail and come back when they
 * are taken; a stack that prints as one of them (every instruction that differs on the same
 * line, or left out) is taken as a stack of its own, counted as that one. */
#include <stdio.h>

#include "check.h"
#include "profile/intern.h"
#include "sample/verified.h"

/* Made-up lines: code 0x1000's instructions 10-19 are one line, 20-29 the next; a frame of
 * code 0x1100 before instruction 5 is left out of a printed stack (CPython's own setup). */
static int calls;
static int fake_alike(void *arg, const struct py_raw_frame *x, const struct py_raw_frame *y)
{
	(void)arg;
	calls++;
	if (x->code == 0x1100)
		return (x->index < 5) == (y->index < 5) && (x->index < 5 || x->index == y->index);
	return x->code == 0x1000 && x->index / 10 == y->index / 10;
}

/* A stack that prints as one read stopped is taken as one of its own, counted as that one. */
static void alike(void)
{
	struct py_raw_frame a[2] = {
		{ .addr = 0x7000, .code = 0x1000, .index = 12, .owner = 0 },
		{ .addr = 0x6f00, .code = 0x1100, .index = 3, .owner = 0, .outermost_of_call = 1 },
	};
	struct py_raw_frame b[2] = { a[0], a[1] };
	struct verified_set v = { 0 };
	CHECK(!verified_add_alike(&v, 0x500, b, 2, fake_alike, NULL), "an empty set: nothing");
	verified_ref r = verified_add(&v, 0x500, a, 2);
	verified_remember(&v, r, 7, 0, 42);

	b[0].index = 17;
	calls = 0;
	CHECK(!verified_find(&v, 0x500, b, 2), "another instruction of the line: not the same");
	verified_ref r2 = verified_add_alike(&v, 0x500, b, 2, fake_alike, NULL);
	CHECK(r2 != 0 && r2 != r, "...but alike: added as a stack of its own");
	CHECK_INT(calls, 1, "the lines asked of the one frame whose instruction differs");
	CHECK_INT(verified_stack_of(&v, r2, 7, 0), 42, "counted as the one it prints like");
	CHECK_INT(verified_find(&v, 0x500, b, 2), r2, "found as it is from then on");
	CHECK_INT(v.n, 2, "two stacks held");

	b[1].index = 4; /* the outer frame still left out */
	CHECK(verified_add_alike(&v, 0x500, b, 2, fake_alike, NULL) != 0,
	      "a frame left out at another instruction: alike");
	b[1].index = 6;
	CHECK(!verified_add_alike(&v, 0x500, b, 2, fake_alike, NULL),
	      "that frame shown now: not alike");
	b[1].index = 3;
	b[0].index = 21;
	CHECK(!verified_add_alike(&v, 0x500, b, 2, fake_alike, NULL), "the next line: not alike");
	b[0].index = 12;
	const char *what[4] = { "address", "code", "owner", "call boundary" };
	for (int f = 0; f < 4; f++) {
		struct py_raw_frame c[2] = { b[0], b[1] };
		c[0].index = 15;
		if (f == 0)
			c[1].addr += 0x40;
		else if (f == 1)
			c[1].code += 0x10;
		else if (f == 2)
			c[1].owner = 1;
		else
			c[1].outermost_of_call = 0;
		char msg[80];
		snprintf(msg, sizeof msg, "an outer frame's %s differs: not alike", what[f]);
		CHECK(!verified_add_alike(&v, 0x500, c, 2, fake_alike, NULL), msg);
	}
	b[0].index = 15;
	CHECK(!verified_add_alike(&v, 0x600, b, 2, fake_alike, NULL), "another thread's: not alike");
	CHECK(!verified_add_alike(&v, 0x500, b, 1, fake_alike, NULL), "cut short: not alike");

	/* One not counted yet gives an alike one nothing to be counted as. */
	struct py_raw_frame d[1] = { { .addr = 0x9000, .code = 0x1000, .index = 10, .owner = 0 } };
	verified_add(&v, 0x500, d, 1);
	d[0].index = 11;
	verified_ref r3 = verified_add_alike(&v, 0x500, d, 1, fake_alike, NULL);
	CHECK(r3 != 0 && verified_stack_of(&v, r3, 7, 0) == INTERN_NONE,
	      "alike one not counted yet: taken, to be named as any new stack is");
	verified_release(&v);
}

int main(void)
{
	alike();
	struct py_raw_frame a[3] = {
		{ .addr = 0x7000, .code = 0x1000, .index = 12, .owner = 0 },
		{ .addr = 0x6f00, .code = 0x1100, .index = 40, .owner = 0 },
		{ .addr = 0x6e00, .code = 0x1200, .index = 8, .owner = 0, .outermost_of_call = 1 },
	};
	struct py_raw_frame b[3];
	struct verified_set v = { 0 };
	CHECK(!verified_find(&v, 0x500, a, 3), "an empty set has nothing");
	verified_ref r = verified_add(&v, 0x500, a, 3);
	CHECK(r != 0, "added");
	CHECK_INT(verified_find(&v, 0x500, a, 3), r, "added: found, as the same stack");
	CHECK_INT(verified_add(&v, 0x500, a, 3), r, "added twice: one stack");
	CHECK_INT(v.n, 1, "held once");

	/* Each field of each frame tells stacks apart: a torn read differs somewhere. */
	const char *what[5] = { "address", "code", "instruction", "owner", "call boundary" };
	for (int i = 0; i < 3; i++)
		for (int f = 0; f < 5; f++) {
			for (int k = 0; k < 3; k++)
				b[k] = a[k];
			if (f == 0)
				b[i].addr += 0x40;
			else if (f == 1)
				b[i].code += 0x10;
			else if (f == 2)
				b[i].index += 1;
			else if (f == 3)
				b[i].owner = 1;
			else
				b[i].outermost_of_call = !b[i].outermost_of_call;
			char msg[80];
			snprintf(msg, sizeof msg, "frame %d's %s differs: not taken", i, what[f]);
			CHECK(!verified_find(&v, 0x500, b, 3), msg);
		}
	CHECK(!verified_find(&v, 0x600, a, 3), "another thread's: not taken");
	CHECK(!verified_find(&v, 0x500, a, 2), "its outer frames cut: not taken");
	CHECK(!verified_find(&v, 0x500, a + 1, 2), "its innermost frame gone (returned): not taken");
	CHECK(!verified_find(&v, 0x500, a, 0), "no frames: nothing");

	/* What the profile made of it, per profile and thread. */
	CHECK_INT(verified_stack_of(&v, r, 7, 0), INTERN_NONE, "not counted yet");
	verified_remember(&v, r, 7, 0, 42);
	CHECK_INT(verified_stack_of(&v, r, 7, 0), 42, "counted as stack 42 of profile 7");
	CHECK_INT(verified_stack_of(&v, r, 8, 0), INTERN_NONE, "another profile: not known");
	CHECK_INT(verified_stack_of(&v, r, 7, 3), INTERN_NONE, "another profile thread: not known");
	CHECK_INT(verified_stack_of(&v, 0, 7, 0), INTERN_NONE, "no stack: nothing");

	verified_sync(&v, 0);
	CHECK(verified_find(&v, 0x500, a, 3) == r, "the code cache's generation unchanged: kept");
	verified_sync(&v, 1);
	CHECK(!verified_find(&v, 0x500, a, 3), "code objects moved: begun anew");
	CHECK_INT(v.n, 0, "and empty");
	CHECK_INT(verified_stack_of(&v, r, 7, 0), INTERN_NONE, "a reference from before: nothing");
	verified_remember(&v, r, 7, 0, 43); /* ...and changes nothing */
	verified_ref r2 = verified_add(&v, 0x500, a, 3);
	CHECK(r2 != 0 && r2 != r, "added again: another reference");
	CHECK_INT(verified_stack_of(&v, r2, 7, 0), INTERN_NONE, "not counted in this round yet");

	/* It starts small and doubles, keeping its stacks; a reference from before it grew is
	 * worth nothing (its slot moved). */
	struct verified_set g = { 0 };
	a[0].index = 1;
	verified_ref first = verified_add(&g, 0x500, a, 3);
	verified_remember(&g, first, 7, 0, 42);
	size_t cap0 = g.cap;
	for (int64_t k = 2; k <= 100; k++) {
		a[0].index = k;
		verified_add(&g, 0x500, a, 3);
	}
	CHECK(cap0 <= 64 && g.cap > cap0 && g.n == 100, "64 slots at first, grown for 100 stacks");
	a[0].index = 1;
	CHECK(verified_find(&g, 0x500, a, 3) != 0, "the first stack kept through the growth");
	CHECK_INT(verified_stack_of(&g, first, 7, 0), INTERN_NONE,
		  "a reference from before the growth: nothing");
	verified_release(&g);
	a[0].index = 12;

	/* Full: begun anew rather than refusing, so it keeps the recent stacks. */
	int refused = 0;
	for (uint64_t k = 1; k <= 5000; k++) {
		a[0].index = (int64_t)k;
		refused += !verified_add(&v, 0x500, a, 3);
	}
	CHECK_INT(refused, 0, "every stack added while filling");
	CHECK(v.n > 0 && v.n * 2 <= v.cap, "never more than half full");
	CHECK(verified_find(&v, 0x500, a, 3) != 0, "the last one added is there");
	a[0].index = 4999;
	CHECK(verified_find(&v, 0x500, a, 3) != 0, "and the one before");

	/* Deep stacks fill the frames before the slots: begun anew too. */
	static struct py_raw_frame deep[200];
	for (size_t i = 0; i < 200; i++)
		deep[i] = (struct py_raw_frame){ .addr = 0x10000 + 0x50 * i, .code = 0x2000,
						 .index = (int64_t)i, .owner = 0 };
	for (uint64_t k = 1; k <= 2000; k++) {
		deep[0].index = (int64_t)(1000 + k);
		refused += !verified_add(&v, 0x500, deep, 200);
	}
	CHECK_INT(refused, 0, "every deep stack added");
	CHECK(verified_find(&v, 0x500, deep, 200) != 0, "the last deep one is there");
	CHECK(v.frames_used <= 128u * 1024, "at most 128 Ki frames held");

	/* Tries: every tick while they are taken; rarely once most fail; back when taken. */
	struct verified_set t = { 0 };
	int tried = 0;
	for (int i = 0; i < 64; i++)
		tried += verified_try_now(&t);
	CHECK_INT(tried, 64, "a new set tries every tick");
	for (int i = 0; i < 64; i++)
		verified_tried(&t, 0);
	tried = 0;
	for (int i = 0; i < 64; i++)
		tried += verified_try_now(&t);
	CHECK(tried >= 2 && tried <= 8, "after 64 failed tries, a few ticks in 64 try");
	for (int i = 0; i < 64; i++)
		verified_tried(&t, 1);
	tried = 0;
	for (int i = 0; i < 64; i++)
		tried += verified_try_now(&t);
	CHECK_INT(tried, 64, "taken again: every tick tries");
	verified_release(&t);
	verified_release(&v);
	verified_release(&v);
	return check_exit();
}
