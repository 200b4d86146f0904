/* test_gil_statics.c: 3.6's GIL, kept in statics of ceval_gil.h (gil_locked, gil_last_holder,
 * gil_switch_number) that discovery finds in .symtab: py_gil_switches reads the three there,
 * as from 3.7 it reads them in _PyRuntime; without them (a stripped binary, 2.7) it says the
 * layout keeps no count; and an image's metadata keeps their addresses (and an image recorded
 * before they were kept reads as having none). */
#include <stdlib.h>

#include "check.h"
#include "fixture_objects.h"
#include "python/discover.h"
#include "python/offsets.h"
#include "python/walker.h"

int main(void)
{
	const struct py_offsets *o = py_offsets_find(3, 6);
	struct fake f;
	struct py_walker w;
	if (!o || fake_open(&f) != 0)
		return 2;
	fake_walker(&f, o, &w);
	uint64_t last = 9, switches = 9;
	int locked = 9;
	CHECK_INT(py_gil_switches(&w, w.mem, &last, &locked, &switches), 1,
		  "3.6 without its GIL's symbols: no count kept");

	uint64_t data = fake_alloc(&f, 64, 0), bss = fake_alloc(&f, 64, 0);
	w.target.gil_locked = data + 8;
	w.target.gil_last_holder = bss;
	w.target.gil_switch_number = bss + 8;
	int32_t one = 1;
	fake_put(&f, data + 8, &one, sizeof one);
	fake_put64(&f, bss, 0, 0x5000);
	fake_put64(&f, bss, 8, 42);
	CHECK_INT(py_gil_switches(&w, w.mem, &last, &locked, &switches), 0, "3.6 with them: read");
	CHECK(locked == 1 && last == 0x5000 && switches == 42,
	      "...held, its last holder and its count, each from its own static");
	int32_t uninit = -1; /* before the GIL is made */
	fake_put(&f, data + 8, &uninit, sizeof uninit);
	CHECK(py_gil_switches(&w, w.mem, &last, &locked, &switches) == 0 && locked == 0,
	      "a GIL not made yet (-1) is not held");
	w.target.gil_switch_number = 0;
	CHECK_INT(py_gil_switches(&w, w.mem, &last, &locked, &switches), 1,
		  "one of the three missing: no count");

	struct py_target t = { .version = { 3, 6, 15 }, .interp_head = 0x100, .gil_locked = 0x7f01,
			       .gil_last_holder = 0x7f02, .gil_switch_number = 0x7f03 };
	char meta[2048];
	struct py_target back;
	CHECK(py_target_format(&t, meta, sizeof meta) == 0 && py_target_parse(meta, &back) == 0 &&
		      back.gil_locked == 0x7f01 && back.gil_last_holder == 0x7f02 &&
		      back.gil_switch_number == 0x7f03,
	      "an image's metadata keeps the three addresses");
	CHECK(py_target_parse("version 3.6.15\ninterp_head 0x100\nbinary x\n", &back) == 0 &&
		      !back.gil_locked && !back.gil_last_holder && !back.gil_switch_number,
	      "an image recorded before: none");
	free(f.mem);
	return check_exit();
}
