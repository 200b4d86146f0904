/* test_kept.c: the stacks a look at the GIL vouched for, taken again at the next tick (kept.h):
 * only under the count of switches and the holder that vouched for them; for a thread only when
 * its thread state, frame pointer and link read as when kept, found whatever the order of the
 * list; forgotten on demand; nothing taken from an empty or forgotten set. The frame and link
 * of a thread other than the one held are vouched for (3.11, 3.12) while its cframe pointer reads
 * as when kept. The thread list is kept as a copy with its mark, only with a set begun. */
#include "check.h"
#include "sample/kept.h"

static struct py_thread thread(uint64_t tstate, uint64_t frame)
{
	struct py_thread th = { 0 };
	th.tstate = tstate;
	th.frame = frame;
	return th;
}

int main(void)
{
	struct kept_stacks k = { 0 };
	struct py_thread a = thread(0x1000, 0x7000), b = thread(0x2000, 0x8000),
			 c = thread(0x3000, 0x9000);
	a.cframe = 0x7ffd0000;
	a.link = (struct py_link){ .frame = 0x6800, .known = 1 };
	c.cframe = 0x7ffc0000;
	struct py_raw_frame fa[2] = { { .addr = 0x7000, .code = 0x10, .index = 3 },
				      { .addr = 0x6f00, .code = 0x20, .index = 9 } };
	struct py_raw_frame fb[1] = { { .addr = 0x8000, .code = 0x30, .index = 1 } };
	size_t n = 99;

	CHECK(!kept_usable(&k, 5, 0x1000), "an empty set is not usable");
	CHECK(!kept_find(&k, &a, &n), "an empty set has nothing");

	kept_begin(&k, 5, 0x3000);
	CHECK_INT(kept_add(&k, &a, fa, 2), 0, "a stack kept");
	CHECK_INT(kept_add(&k, &b, fb, 1), 0, "another kept");
	CHECK(kept_usable(&k, 5, 0x3000), "usable under the count and holder that vouched");
	CHECK(!kept_usable(&k, 6, 0x3000), "not once the count moved");
	CHECK(!kept_usable(&k, 5, 0x1000), "nor with another thread held");

	const struct py_raw_frame *f = kept_find(&k, &a, &n);
	CHECK(f && n == 2 && f[0].code == 0x10 && f[1].index == 9, "a's frames, as kept");
	/* The list read in another order than kept: still found. */
	f = kept_find(&k, &b, &n);
	CHECK(f && n == 1 && f[0].code == 0x30, "b's, after a");
	f = kept_find(&k, &a, &n);
	CHECK(f && n == 2, "a's again, after b (found round the set)");
	CHECK(!kept_find(&k, &c, &n), "a thread not kept (new since): nothing");

	uint64_t frame = 0;
	struct py_link link = { 0 };
	CHECK_INT(kept_frame_known(&k, 0x1000, 0x7ffd0000, &frame, &link), 1,
		  "a's frame vouched for while its cframe reads as kept");
	CHECK(frame == 0x7000 && link.known && link.frame == 0x6800, "...as kept, with its link");
	CHECK_INT(kept_frame_known(&k, 0x1000, 0x7ffd0040, &frame, &link), 0,
		  "not once its cframe moved (it entered or left an eval loop)");
	CHECK_INT(kept_frame_known(&k, 0x2000, 0, &frame, &link), 0,
		  "nor for a thread kept without a cframe (before 3.11, 3.13+)");
	CHECK_INT(kept_frame_known(&k, 0x4000, 0x7ffb0000, &frame, &link), 0,
		  "nor for a thread not kept");
	struct kept_stacks held = { 0 };
	kept_begin(&held, 5, 0x1000);
	kept_add(&held, &a, fa, 2);
	CHECK_INT(kept_frame_known(&held, 0x1000, 0x7ffd0000, &frame, &link), 0,
		  "nor for the thread held: it ran");
	kept_release(&held);

	struct py_thread moved = a;
	moved.frame = 0x7100;
	CHECK(!kept_find(&k, &moved, &n), "a thread whose frame pointer moved: nothing");
	struct py_thread linked = a;
	linked.link.known = 1;
	linked.link.frame = 0x6000;
	CHECK(!kept_find(&k, &linked, &n), "nor one whose link reads otherwise");

	/* A new set replaces the old one whole. */
	kept_begin(&k, 7, 0x2000);
	CHECK_INT(kept_add(&k, &c, fb, 1), 0, "a new set");
	CHECK(!kept_find(&k, &a, &n), "the old set's stacks are gone");
	CHECK_INT(kept_frame_known(&k, 0x1000, 0x7ffd0000, &frame, &link), 0,
		  "and their frames with them");
	f = kept_find(&k, &c, &n);
	CHECK(f && n == 1 && f[0].addr == 0x8000, "the new set's are there");

	kept_forget(&k);
	CHECK(!kept_usable(&k, 7, 0x2000), "forgotten: not usable");
	CHECK(!kept_find(&k, &c, &n), "forgotten: nothing");
	/* The whole list, with its mark: kept with a set begun, gone with the next begin. */
	struct py_thread list[3] = { a, b, c };
	struct py_list_mark mark = { 0x500, 0x3000 };
	CHECK_INT(kept_list(&k, list, 3, &mark), -1, "no list kept with the set forgotten");
	kept_begin(&k, 8, 0x1000);
	CHECK_INT(kept_list(&k, list, 3, &mark), 0, "a list kept with a set");
	list[0].frame = 0;
	CHECK(k.list_n == 3 && k.list[0].tstate == 0x1000 && k.list[0].frame == 0x7000 &&
		      k.list[2].tstate == 0x3000 && k.mark.interp == 0x500 && k.mark.head == 0x3000,
	      "...a copy of it, and its mark");
	kept_begin(&k, 9, 0x1000);
	CHECK_INT((int)k.list_n, 0, "a set begun again has no list until one is kept");
	kept_release(&k);
	return check_exit();
}
