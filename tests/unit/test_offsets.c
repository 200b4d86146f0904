/* test_offsets.c: the generated layout table (src/python/offsets_table.c): lookup, ordering,
 * which fields each version has, and values cross-checked by hand in docs' CPYTHON.md
 * (sections 2-4 and 7), so that a regenerated table that drifts from the checked facts fails. */
#include <stdio.h>

#include "check.h"
#include "python/offsets.h"

/* The interpreters the committed table was generated from (tools/gen-offsets). */
static const struct {
	int major, minor;
	const char *probed;
} expected_rows[] = {
	{ 2, 7, "2.7.18" }, { 3, 6, "3.6.15" },  { 3, 7, "3.7.16" },
	{ 3, 8, "3.8.18" }, { 3, 9, "3.9.18" },  { 3, 10, "3.10.13" },
	{ 3, 11, "3.11.7" }, { 3, 12, "3.12.1" }, { 3, 13, "3.13.0" },
};
#define N_EXPECTED (sizeof expected_rows / sizeof expected_rows[0])

static int version_at_least(const struct py_offsets *o, int major, int minor)
{
	return o->major > major || (o->major == major && o->minor >= minor);
}

static void check_lookup(void)
{
	char what[96];

	CHECK_INT(py_offsets_table_len, N_EXPECTED, "the table has one row per installed version");
	for (size_t i = 0; i < N_EXPECTED; i++) {
		const struct py_offsets *o =
			py_offsets_find(expected_rows[i].major, expected_rows[i].minor);

		snprintf(what, sizeof what, "find(%d, %d) gives its row", expected_rows[i].major,
			 expected_rows[i].minor);
		CHECK(o && o->major == expected_rows[i].major && o->minor == expected_rows[i].minor,
		      what);
		snprintf(what, sizeof what, "find(%d, %d) was probed on %s", expected_rows[i].major,
			 expected_rows[i].minor, expected_rows[i].probed);
		CHECK_STR(o ? o->probed_version : NULL, expected_rows[i].probed, what);
	}

	CHECK(py_offsets_find(3, 5) == NULL, "find(3, 5) is NULL: no row before 3.6 (bar 2.7)");
	CHECK(py_offsets_find(3, 14) == NULL, "find(3, 14) is NULL: newer than the table");
	CHECK(py_offsets_find(2, 6) == NULL, "find(2, 6) is NULL");
	CHECK(py_offsets_find(4, 0) == NULL, "find(4, 0) is NULL");
	CHECK(py_offsets_find(0, 0) == NULL, "find(0, 0) is NULL");
	CHECK(py_offsets_find(-1, -1) == NULL, "find(-1, -1) is NULL");
}

static void check_order(void)
{
	int sorted = 1, terminated = 1;

	for (size_t i = 0; i < py_offsets_table_len; i++) {
		const struct py_offsets *o = &py_offsets_table[i];

		if (memchr(o->probed_version, '\0', sizeof o->probed_version) == NULL)
			terminated = 0;
		if (i == 0)
			continue;
		const struct py_offsets *p = &py_offsets_table[i - 1];
		/* strictly increasing: sorted and no major.minor twice */
		if (!(o->major > p->major || (o->major == p->major && o->minor > p->minor)))
			sorted = 0;
	}
	CHECK(sorted, "rows are sorted by version with no duplicates");
	CHECK(terminated, "every probed_version is NUL-terminated");
}

/* Which fields exist where (-1 = absent), per the version history in CPYTHON.md. */
static void check_presence(void)
{
	for (size_t i = 0; i < py_offsets_table_len; i++) {
		const struct py_offsets *o = &py_offsets_table[i];
		int v37 = version_at_least(o, 3, 7), v311 = version_at_least(o, 3, 11);
		int v312 = version_at_least(o, 3, 12), v313 = version_at_least(o, 3, 13);
		int py3 = o->major >= 3;
		int ok = 1;
		char what[96];

		ok &= (o->runtime_interpreters_head >= 0) == v37;
		ok &= (o->runtime_gilstate_tstate_current >= 0) == (v37 && !v312);
		ok &= (o->interp_ceval_gil >= 0) == v312;
		ok &= (o->gil_locked >= 0) == v312 && (o->gil_last_holder >= 0) == v312;
		ok &= (o->tstate_prev >= 0) == py3;
		/* exactly one way from the tstate to the innermost frame */
		ok &= (o->tstate_frame >= 0) == !v311;
		ok &= (o->tstate_cframe >= 0) == (v311 && !v313);
		ok &= (o->cframe_current_frame >= 0) == (v311 && !v313);
		ok &= (o->tstate_current_frame >= 0) == v313;
		ok &= (o->tstate_native_thread_id >= 0) == v311;
		ok &= (o->frame_back >= 0) == !v311 && (o->frame_code >= 0) == !v311 &&
		      (o->frame_lasti >= 0) == !v311;
		ok &= (o->iframe_previous >= 0) == v311 && (o->iframe_code >= 0) == v311 &&
		      (o->iframe_instr >= 0) == v311 && (o->iframe_owner >= 0) == v311;
		ok &= (o->iframe_is_entry >= 0) == (v311 && !v312);
		ok &= (o->code_qualname >= 0) == v311 && (o->code_code_adaptive >= 0) == v311 &&
		      (o->code_firsttraceable >= 0) == v311;
		ok &= o->code_filename >= 0 && o->code_name >= 0 && o->code_firstlineno >= 0 &&
		      o->code_linetable >= 0;
		ok &= o->bytes_size >= 0 && o->bytes_data >= 0 && o->object_type >= 0;
		ok &= (o->unicode_length >= 0) == py3 && (o->unicode_state >= 0) == py3 &&
		      (o->unicode_ascii_size >= 0) == py3 &&
		      (o->unicode_compact_size >= 0) == py3 && (o->unicode_data_ptr >= 0) == py3;
		ok &= (o->dbg_tstate_current_frame >= 0) == v313 && (o->dbg_size >= 0) == v313 &&
		      (o->dbg_code_co_code_adaptive >= 0) == v313;

		snprintf(what, sizeof what, "%d.%d has exactly its version's fields", o->major,
			 o->minor);
		CHECK(ok, what);
	}
}

static const struct py_offsets *row(int major, int minor)
{
	static const struct py_offsets none = { .major = -1 };
	const struct py_offsets *o = py_offsets_find(major, minor);

	return o ? o : &none; /* a missing row then fails the value checks instead of crashing */
}

/* Values checked against live interpreters (CPYTHON.md sections 2-4, 6, 7). */
static void check_known_values(void)
{
	const struct py_offsets *o;

	o = row(2, 7);
	CHECK_INT(o->code_name, 88, "2.7 co_name");
	CHECK_INT(o->code_filename, 80, "2.7 co_filename");
	CHECK_INT(o->code_linetable, 104, "2.7 co_lnotab");
	CHECK_INT(o->tstate_next, 0, "2.7 tstate next (no prev)");
	CHECK_INT(o->frame_lasti, 120, "2.7 f_lasti");
	CHECK_INT(o->bytes_data, 36, "2.7 PyStringObject ob_sval");

	CHECK_INT(row(3, 6)->code_firstlineno, 36, "3.6 co_firstlineno");
	CHECK_INT(row(3, 7)->runtime_interpreters_head, 24, "3.7 interpreters.head");
	CHECK_INT(row(3, 7)->frame_lasti, 104, "3.7 f_lasti");
	CHECK_INT(row(3, 8)->runtime_interpreters_head, 32, "3.8 interpreters.head");
	CHECK_INT(row(3, 8)->code_name, 112, "3.8 co_name (after co_posonlyargcount)");
	CHECK_INT(row(3, 10)->frame_lasti, 96, "3.10 f_lasti");
	CHECK_INT(row(3, 10)->code_linetable, 120, "3.10 co_linetable");
	CHECK_INT(row(3, 10)->interp_tstate_head, 8, "3.10 tstate_head");

	o = row(3, 11);
	CHECK_INT(o->interp_tstate_head, 16, "3.11 threads.head");
	CHECK_INT(o->iframe_code, 32, "3.11 f_code");
	CHECK_INT(o->iframe_previous, 48, "3.11 previous");
	CHECK_INT(o->iframe_instr, 56, "3.11 prev_instr");
	CHECK_INT(o->iframe_is_entry, 68, "3.11 is_entry");
	CHECK_INT(o->iframe_owner, 69, "3.11 owner");
	CHECK_INT(o->cframe_current_frame, 8, "3.11 _PyCFrame.current_frame");
	CHECK_INT(o->code_code_adaptive, 184, "3.11 co_code_adaptive");
	CHECK_INT(o->unicode_ascii_size, 48, "3.11 sizeof(PyASCIIObject)");
	CHECK_INT(o->unicode_compact_size, 72, "3.11 sizeof(PyCompactUnicodeObject)");

	o = row(3, 12);
	CHECK_INT(o->interp_tstate_head, 72, "3.12 threads.head");
	CHECK_INT(o->cframe_current_frame, 0, "3.12 _PyCFrame.current_frame");
	CHECK_INT(o->iframe_code, 0, "3.12 f_code");
	CHECK_INT(o->iframe_previous, 8, "3.12 previous");
	CHECK_INT(o->iframe_owner, 70, "3.12 owner");
	CHECK_INT(o->code_firstlineno, 68, "3.12 co_firstlineno");
	CHECK_INT(o->gil_last_holder, 8, "3.12 _gil_runtime_state.last_holder");
	CHECK_INT(o->gil_locked, 16, "3.12 _gil_runtime_state.locked");
	CHECK_INT(o->unicode_state, 32, "3.12 PyASCIIObject state");
	CHECK_INT(o->unicode_ascii_size, 40, "3.12 sizeof(PyASCIIObject) (wstr gone)");
	CHECK_INT(o->unicode_data_ptr, 56, "3.12 PyUnicodeObject.data");

	o = row(3, 13);
	CHECK_INT(o->runtime_interpreters_head, 632, "3.13 interpreters.head");
	CHECK_INT(o->interp_next, 7264, "3.13 interp next");
	CHECK_INT(o->interp_tstate_head, 7344, "3.13 threads.head");
	CHECK_INT(o->tstate_current_frame, 72, "3.13 current_frame");
	CHECK_INT(o->tstate_thread_id, 152, "3.13 thread_id");
	CHECK_INT(o->tstate_native_thread_id, 160, "3.13 native_thread_id");
	CHECK_INT(o->iframe_instr, 56, "3.13 instr_ptr");
	CHECK_INT(o->iframe_owner, 70, "3.13 owner");
	CHECK_INT(o->code_code_adaptive, 200, "3.13 co_code_adaptive");
	CHECK_INT(o->unicode_ascii_size, 40, "3.13 sizeof(PyASCIIObject)");
	CHECK_INT(o->dbg_size, 584, "3.13 sizeof(_Py_DebugOffsets)");

	/* The same in every version that has it (CPYTHON.md section 4). */
	for (size_t i = 0; i < py_offsets_table_len; i++) {
		const struct py_offsets *r = &py_offsets_table[i];
		char what[64];

		snprintf(what, sizeof what, "%d.%d ob_type", r->major, r->minor);
		CHECK_INT(r->object_type, 8, what);
		snprintf(what, sizeof what, "%d.%d bytes ob_size", r->major, r->minor);
		CHECK_INT(r->bytes_size, 16, what);
	}
}

int main(void)
{
	check_lookup();
	check_order();
	check_presence();
	check_known_values();
	return check_exit();
}
