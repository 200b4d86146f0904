/* test_verified.c: the digests of stacks read while their thread stood stopped (issue 21): a
 * stack read without stopping is taken only when every frame's address, code, instruction and
 * owner, the thread and the depth are one such stack's; the set begins anew when code objects
 * moved, or when full; tries grow rare while they fail and come back when they are taken. */
#include <stdio.h>

#include "check.h"
#include "sample/verified.h"

int main(void)
{
	struct py_raw_frame a[3] = {
		{ .addr = 0x7000, .code = 0x1000, .index = 12, .owner = 0 },
		{ .addr = 0x6f00, .code = 0x1100, .index = 40, .owner = 0 },
		{ .addr = 0x6e00, .code = 0x1200, .index = 8, .owner = 0 },
	};
	struct py_raw_frame b[3];
	struct verified_set v = { 0 };
	uint64_t d = verified_digest(0x500, a, 3);
	CHECK(d != 0, "a digest is never 0 (an empty slot)");
	CHECK(!verified_has(&v, d), "an empty set has nothing");
	verified_add(&v, d);
	CHECK(verified_has(&v, d), "added: found");
	CHECK_INT(verified_digest(0x500, a, 3), d, "the same stack: the same digest");

	/* Each field of each frame tells stacks apart: a torn read differs somewhere. */
	const char *what[4] = { "address", "code", "instruction", "owner" };
	for (int i = 0; i < 3; i++)
		for (int f = 0; f < 4; f++) {
			for (int k = 0; k < 3; k++)
				b[k] = a[k];
			if (f == 0)
				b[i].addr += 0x40;
			else if (f == 1)
				b[i].code += 0x10;
			else if (f == 2)
				b[i].index += 1;
			else
				b[i].owner = 1;
			char msg[80];
			snprintf(msg, sizeof msg, "frame %d's %s differs: not taken", i, what[f]);
			CHECK(!verified_has(&v, verified_digest(0x500, b, 3)), msg);
		}
	CHECK(!verified_has(&v, verified_digest(0x600, a, 3)), "another thread's: not taken");
	CHECK(!verified_has(&v, verified_digest(0x500, a, 2)), "its outer frames cut: not taken");
	CHECK(!verified_has(&v, verified_digest(0x500, a + 1, 2)),
	      "its innermost frame gone (returned): not taken");

	verified_sync(&v, 0);
	CHECK(verified_has(&v, d), "the code cache's generation unchanged: kept");
	verified_sync(&v, 1);
	CHECK(!verified_has(&v, d), "code objects moved: begun anew");
	CHECK_INT(v.n, 0, "and empty");

	/* Full: begun anew rather than refusing, so it keeps the recent stacks. */
	for (uint64_t k = 1; k <= 5000; k++) {
		a[0].index = (int64_t)k;
		verified_add(&v, verified_digest(0x500, a, 3));
	}
	CHECK(v.n > 0 && v.n * 2 <= v.cap, "never more than half full");
	CHECK(verified_has(&v, verified_digest(0x500, a, 3)), "the last one added is there");

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
