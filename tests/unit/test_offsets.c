/* test_offsets.c: the generated layout tables (src/python/offsets_table.c, and asyncio_table.c
 * for 3.11-3.13's Task and Future) are whole and sane.
 *
 * The values themselves come from offsetof() probes, so this test does not re-derive them. It
 * checks what a generator or header mistake would break: one row per probed version, sorted, found
 * by py_offsets_find; every field present exactly in the versions that have it (a field left at
 * 0 by a forgotten probe line, or -1 where the walker needs a value, shows up here); and a few
 * values recorded from live interpreters, as a tie to reality.
 */
#include "check.h"
#include "python/asyncio_table.h"
#include "python/offsets.h"

#include <stddef.h>
#include <stdio.h>

/* Versions as major * 100 + minor, so 2.7 < 3.6 < 3.10 < 3.13. */
#define V(major, minor) ((major) * 100 + (minor))
#define ANY_MAX 9999

struct field_span {
	const char *name;
	size_t off;    /* offsetof(struct py_offsets, field) */
	int first, last; /* versions (inclusive) that have the field; -1 outside them */
	int state;       /* a frame state: any value inside them, PY_FRAME_STATE_ABSENT outside */
};

#define SPAN(field, first, last) { #field, offsetof(struct py_offsets, field), (first), (last), 0 }
#define STATE_SPAN(field, first, last) \
	{ #field, offsetof(struct py_offsets, field), (first), (last), 1 }

/* Which CPython versions have each field (docs/CPYTHON.md and offsets.h's comments). */
static const struct field_span spans[] = {
	SPAN(runtime_interpreters_head, V(3, 7), ANY_MAX), /* _PyRuntime appeared in 3.7 */
	SPAN(runtime_gilstate_tstate_current, V(3, 7), V(3, 11)), /* a thread-local from 3.12 */
	SPAN(runtime_ceval_gil, V(3, 7), V(3, 11)), /* per interpreter from 3.12 */
	SPAN(interp_next, 0, ANY_MAX),
	SPAN(interp_tstate_head, 0, ANY_MAX),
	SPAN(interp_modules, 0, ANY_MAX),
	SPAN(interp_ceval_gil, V(3, 12), ANY_MAX), /* per-interpreter GIL */
	SPAN(gil_locked, V(3, 7), ANY_MAX), /* in the runtime, then through the interpreter */
	SPAN(gil_last_holder, V(3, 7), ANY_MAX),
	SPAN(gil_switch_number, V(3, 7), ANY_MAX),
	SPAN(tstate_prev, V(3, 0), ANY_MAX), /* 2.7's list is singly linked */
	SPAN(tstate_next, 0, ANY_MAX),
	SPAN(tstate_interp, 0, ANY_MAX),
	SPAN(tstate_frame, 0, V(3, 10)),
	SPAN(tstate_cframe, V(3, 11), V(3, 12)),
	SPAN(tstate_current_frame, V(3, 13), ANY_MAX),
	SPAN(tstate_thread_id, 0, ANY_MAX),
	SPAN(tstate_native_thread_id, V(3, 11), ANY_MAX),
	SPAN(tstate_root_cframe, V(3, 11), V(3, 12)),
	SPAN(cframe_current_frame, V(3, 11), V(3, 12)),
	SPAN(cframe_previous, V(3, 11), V(3, 12)),
	SPAN(frame_back, 0, V(3, 10)),
	SPAN(frame_code, 0, V(3, 10)),
	SPAN(frame_lasti, 0, V(3, 10)),
	SPAN(iframe_previous, V(3, 11), ANY_MAX),
	SPAN(iframe_code, V(3, 11), ANY_MAX),
	SPAN(iframe_instr, V(3, 11), ANY_MAX),
	SPAN(iframe_owner, V(3, 11), ANY_MAX),
	SPAN(iframe_is_entry, V(3, 11), V(3, 11)), /* 3.12 replaced it with CSTACK frames */
	SPAN(frame_owner_generator, V(3, 11), ANY_MAX),
	SPAN(frame_owner_cstack, V(3, 12), ANY_MAX),
	SPAN(frame_owner_interpreter, V(3, 14), ANY_MAX),
	SPAN(stackref_tag_bits, 0, ANY_MAX), /* 0 until 3.14's tagged f_executable */
	SPAN(code_filename, 0, ANY_MAX),
	SPAN(code_name, 0, ANY_MAX),
	SPAN(code_qualname, V(3, 11), ANY_MAX),
	SPAN(code_firstlineno, 0, ANY_MAX),
	SPAN(code_linetable, 0, ANY_MAX),
	SPAN(code_code_adaptive, V(3, 11), ANY_MAX),
	SPAN(code_firsttraceable, V(3, 11), ANY_MAX),
	SPAN(bytes_size, 0, ANY_MAX),
	SPAN(bytes_data, 0, ANY_MAX),
	SPAN(unicode_length, V(3, 0), ANY_MAX), /* PEP 393; 2.7 names are PyStringObject */
	SPAN(unicode_state, V(3, 0), ANY_MAX),
	SPAN(unicode_ascii_size, V(3, 0), ANY_MAX),
	SPAN(unicode_compact_size, V(3, 0), ANY_MAX),
	SPAN(unicode_data_ptr, V(3, 0), ANY_MAX),
	SPAN(object_type, 0, ANY_MAX),
	/* thread names (threading_names.c) */
	SPAN(type_flags, 0, ANY_MAX),
	SPAN(type_dictoffset, 0, ANY_MAX),
	SPAN(heaptype_cached_keys, V(3, 0), ANY_MAX), /* PEP 412 key-sharing dicts, 3.3 */
	SPAN(tpflags_heaptype, 0, ANY_MAX),
	SPAN(tpflags_managed_dict, V(3, 11), ANY_MAX),
	SPAN(tpflags_inline_values, V(3, 13), ANY_MAX),
	SPAN(tpflags_int_subclass, 0, V(2, 99)), /* 3.x has no machine int type */
	SPAN(tpflags_long_subclass, 0, ANY_MAX),
	SPAN(tpflags_str_subclass, 0, ANY_MAX),
	SPAN(tpflags_dict_subclass, 0, ANY_MAX),
	SPAN(managed_dict_before, V(3, 11), ANY_MAX),
	SPAN(managed_values_before, V(3, 11), V(3, 11)), /* 3.12 merged it into PyDictOrValues */
	SPAN(managed_values_tag, V(3, 12), V(3, 12)),    /* 3.13 moved values inline */
	SPAN(inline_values, V(3, 13), ANY_MAX),
	SPAN(dict_keys, V(3, 0), ANY_MAX),
	SPAN(dict_values, V(3, 0), ANY_MAX),
	SPAN(dict_mask, 0, V(2, 99)), /* 2.7's open-addressing table */
	SPAN(dict_table, 0, V(2, 99)),
	SPAN(dictkeys_size, V(3, 0), V(3, 10)),
	SPAN(dictkeys_log2_size, V(3, 11), ANY_MAX),
	SPAN(dictkeys_log2_index_bytes, V(3, 11), ANY_MAX),
	SPAN(dictkeys_kind, V(3, 11), ANY_MAX),
	SPAN(dictkeys_kind_general, V(3, 11), ANY_MAX),
	SPAN(dictkeys_nentries, V(3, 0), ANY_MAX),
	SPAN(dictkeys_indices, V(3, 0), ANY_MAX),
	SPAN(dictentry_size, 0, ANY_MAX),
	SPAN(dictentry_key, 0, ANY_MAX),
	SPAN(dictentry_value, 0, ANY_MAX),
	SPAN(dictunicode_size, V(3, 11), ANY_MAX),
	SPAN(dictunicode_key, V(3, 11), ANY_MAX),
	SPAN(dictunicode_value, V(3, 11), ANY_MAX),
	SPAN(dictvalues_values, V(3, 11), ANY_MAX),
	SPAN(dictvalues_capacity, V(3, 13), ANY_MAX),
	SPAN(dictvalues_valid, V(3, 13), ANY_MAX),
	SPAN(int_value, 0, V(2, 99)),
	SPAN(long_size, 0, ANY_MAX),
	SPAN(long_digits, 0, ANY_MAX),
	SPAN(long_digit_size, 0, ANY_MAX),
	SPAN(long_shift, 0, ANY_MAX),
	SPAN(long_tag_size_shift, V(3, 12), ANY_MAX), /* lv_tag, 3.12 */
	SPAN(long_tag_sign_mask, V(3, 12), ANY_MAX),
	/* locals (dump --locals) */
	SPAN(frame_localsplus, 0, V(3, 10)),
	SPAN(iframe_localsplus, V(3, 11), ANY_MAX),
	SPAN(code_nlocals, 0, V(3, 10)),
	SPAN(code_varnames, 0, V(3, 10)),
	SPAN(code_cellvars, 0, V(3, 10)),
	SPAN(code_freevars, 0, V(3, 10)),
	SPAN(code_nlocalsplus, V(3, 11), ANY_MAX),
	SPAN(code_localsplusnames, V(3, 11), ANY_MAX),
	SPAN(code_localspluskinds, V(3, 11), ANY_MAX),
	SPAN(co_fast_local, V(3, 11), ANY_MAX),
	SPAN(co_fast_cell, V(3, 11), ANY_MAX),
	SPAN(co_fast_free, V(3, 11), ANY_MAX),
	SPAN(co_fast_hidden, V(3, 12), ANY_MAX), /* PEP 709 */
	SPAN(stackref_int_tag, V(3, 14), ANY_MAX),
	SPAN(type_name, 0, ANY_MAX),
	SPAN(tuple_size, 0, ANY_MAX),
	SPAN(tuple_items, 0, ANY_MAX),
	SPAN(list_size, 0, ANY_MAX),
	SPAN(list_items, 0, ANY_MAX),
	SPAN(float_value, 0, ANY_MAX),
	SPAN(cell_ref, 0, ANY_MAX),
	SPAN(dict_used, 0, ANY_MAX),
	SPAN(set_used, 0, ANY_MAX),
	SPAN(set_mask, 0, ANY_MAX),
	SPAN(set_table, 0, ANY_MAX),
	SPAN(setentry_size, 0, ANY_MAX),
	SPAN(setentry_key, 0, ANY_MAX),
	SPAN(setentry_hash, 0, ANY_MAX),
	SPAN(unicode27_length, 0, V(2, 99)), /* 2.7's unicode, before PEP 393 */
	SPAN(unicode27_str, 0, V(2, 99)),
	SPAN(unicode27_unit_size, 0, V(2, 99)),
	SPAN(gen_iframe, V(3, 11), V(3, 13)), /* 3.14's come from its _Py_DebugOffsets */
	SPAN(gen_frame_state, V(3, 11), V(3, 13)),
	SPAN(iframe_stacktop, V(3, 11), V(3, 13)), /* 3.14: a stack pointer instead */
	STATE_SPAN(frame_state_created, V(3, 11), V(3, 13)),
	STATE_SPAN(frame_state_suspended, V(3, 11), V(3, 13)),
	STATE_SPAN(frame_state_suspended_yield_from, V(3, 13), V(3, 13)),
	STATE_SPAN(frame_state_executing, V(3, 11), V(3, 13)),
	SPAN(opcode_resume, V(3, 11), V(3, 12)), /* 3.13 tells an await by its frame state */
	SPAN(opcode_resume_quick, V(3, 11), V(3, 11)),
	SPAN(opcode_instrumented_resume, V(3, 12), V(3, 12)),
	SPAN(type_base, 0, ANY_MAX),
	SPAN(cfunc_self, 0, ANY_MAX),
	SPAN(method_func, 0, ANY_MAX),
	SPAN(method_self, 0, ANY_MAX),
	SPAN(func_closure, 0, ANY_MAX),
	SPAN(weakref_object, 0, ANY_MAX),
	SPAN(dbg_runtime_interpreters_head, V(3, 13), ANY_MAX), /* _Py_DebugOffsets is 3.13+ */
	SPAN(dbg_interp_next, V(3, 13), ANY_MAX),
	SPAN(dbg_interp_threads_head, V(3, 13), ANY_MAX),
	SPAN(dbg_interp_imports_modules, V(3, 13), ANY_MAX),
	SPAN(dbg_interp_ceval_gil, V(3, 13), ANY_MAX),
	SPAN(dbg_interp_gil_runtime_state, V(3, 13), ANY_MAX),
	SPAN(dbg_interp_gil_locked, V(3, 13), ANY_MAX),
	SPAN(dbg_interp_gil_holder, V(3, 13), ANY_MAX),
	SPAN(dbg_tstate_prev, V(3, 13), ANY_MAX),
	SPAN(dbg_tstate_next, V(3, 13), ANY_MAX),
	SPAN(dbg_tstate_interp, V(3, 13), ANY_MAX),
	SPAN(dbg_tstate_current_frame, V(3, 13), ANY_MAX),
	SPAN(dbg_tstate_thread_id, V(3, 13), ANY_MAX),
	SPAN(dbg_tstate_native_thread_id, V(3, 13), ANY_MAX),
	SPAN(dbg_iframe_previous, V(3, 13), ANY_MAX),
	SPAN(dbg_iframe_executable, V(3, 13), ANY_MAX),
	SPAN(dbg_iframe_instr_ptr, V(3, 13), ANY_MAX),
	SPAN(dbg_iframe_owner, V(3, 13), ANY_MAX),
	SPAN(dbg_code_filename, V(3, 13), ANY_MAX),
	SPAN(dbg_code_name, V(3, 13), ANY_MAX),
	SPAN(dbg_code_qualname, V(3, 13), ANY_MAX),
	SPAN(dbg_code_linetable, V(3, 13), ANY_MAX),
	SPAN(dbg_code_firstlineno, V(3, 13), ANY_MAX),
	SPAN(dbg_code_co_code_adaptive, V(3, 13), ANY_MAX),
	SPAN(dbg_object_type, V(3, 13), ANY_MAX),
	SPAN(dbg_bytes_size, V(3, 13), ANY_MAX),
	SPAN(dbg_bytes_data, V(3, 13), ANY_MAX),
	SPAN(dbg_unicode_state, V(3, 13), ANY_MAX),
	SPAN(dbg_unicode_length, V(3, 13), ANY_MAX),
	SPAN(dbg_unicode_ascii_size, V(3, 13), ANY_MAX),
	SPAN(dbg_type_flags, V(3, 13), ANY_MAX),
	SPAN(dbg_dict_keys, V(3, 13), ANY_MAX),
	SPAN(dbg_dict_values, V(3, 13), ANY_MAX),
	SPAN(dbg_long_size, V(3, 13), ANY_MAX),
	SPAN(dbg_long_digits, V(3, 13), ANY_MAX),
	SPAN(dbg_iframe_localsplus, V(3, 13), ANY_MAX),
	SPAN(dbg_code_localsplusnames, V(3, 13), ANY_MAX),
	SPAN(dbg_code_localspluskinds, V(3, 13), ANY_MAX),
	SPAN(dbg_type_name, V(3, 13), ANY_MAX),
	SPAN(dbg_tuple_items, V(3, 13), ANY_MAX),
	SPAN(dbg_tuple_size, V(3, 13), ANY_MAX),
	SPAN(dbg_list_items, V(3, 13), ANY_MAX),
	SPAN(dbg_list_size, V(3, 13), ANY_MAX),
	SPAN(dbg_float_value, V(3, 13), ANY_MAX),
	SPAN(dbg_set_used, V(3, 14), ANY_MAX), /* 3.14 added the set group */
	SPAN(dbg_set_table, V(3, 14), ANY_MAX),
	SPAN(dbg_set_mask, V(3, 14), ANY_MAX),
	SPAN(dbg_size, V(3, 13), ANY_MAX),
};

#define NSPANS (sizeof spans / sizeof spans[0])

static int32_t field_at(const struct py_offsets *row, size_t off)
{
	int32_t v;
	memcpy(&v, (const char *)row + off, sizeof v);
	return v;
}

/* The span list names every int32_t field of the struct once, so a field added to offsets.h
 * without a line here fails instead of going unchecked. */
static void test_spans_cover_struct(void)
{
	size_t first = offsetof(struct py_offsets, runtime_interpreters_head);
	size_t nfields = (sizeof(struct py_offsets) - first) / sizeof(int32_t);
	int dup = 0;

	CHECK_INT(NSPANS, nfields, "the test knows every int32_t field of struct py_offsets");
	for (size_t i = 0; i < NSPANS; i++)
		for (size_t j = i + 1; j < NSPANS; j++)
			if (spans[i].off == spans[j].off)
				dup = 1;
	CHECK(!dup, "no field is listed twice");
}

/* The versions installed when the table was generated (pyenv's, and the sid root's 3.14). */
static const struct {
	int major, minor;
	const char *probed;
} expected_rows[] = {
	{2, 7, "2.7.18"},  {3, 6, "3.6.15"},  {3, 7, "3.7.16"},
	{3, 8, "3.8.18"},  {3, 9, "3.9.18"},  {3, 10, "3.10.13"},
	{3, 11, "3.11.7"}, {3, 12, "3.12.1"}, {3, 13, "3.13.0"},
	{3, 14, "3.14.10"}, /* Debian sid's, in the root tests/sid-root makes */
};

static void test_find(void)
{
	char what[128];
	size_t n = sizeof expected_rows / sizeof expected_rows[0];

	CHECK_INT(py_offsets_table_len, n, "one row per probed version");
	for (size_t i = 0; i < n; i++) {
		const struct py_offsets *row =
			py_offsets_find(expected_rows[i].major, expected_rows[i].minor);
		snprintf(what, sizeof what, "py_offsets_find(%d, %d)", expected_rows[i].major,
			 expected_rows[i].minor);
		CHECK(row != NULL, what);
		if (!row)
			continue;
		CHECK_INT(row->major, expected_rows[i].major, what);
		CHECK_INT(row->minor, expected_rows[i].minor, what);
		CHECK_STR(row->probed_version, expected_rows[i].probed, what);
	}
	CHECK(py_offsets_find(3, 5) == NULL, "no row for 3.5");
	CHECK(py_offsets_find(3, 15) == NULL, "no row for 3.15");
	CHECK(py_offsets_find(2, 6) == NULL, "no row for 2.6");
	CHECK(py_offsets_find(4, 0) == NULL, "no row for 4.0");
}

static void test_sorted_unique(void)
{
	int ok = 1;
	for (size_t i = 1; i < py_offsets_table_len; i++) {
		const struct py_offsets *a = &py_offsets_table[i - 1], *b = &py_offsets_table[i];
		if (V(a->major, a->minor) >= V(b->major, b->minor))
			ok = 0;
	}
	CHECK(ok, "rows are sorted by version, without duplicates");
}

/* Each row's probed_version is its own major.minor plus a patch number. */
static void test_probed_version_matches(void)
{
	for (size_t i = 0; i < py_offsets_table_len; i++) {
		const struct py_offsets *row = &py_offsets_table[i];
		char prefix[16], what[96];
		int n = snprintf(prefix, sizeof prefix, "%d.%d.", row->major, row->minor);
		snprintf(what, sizeof what, "%d.%d: probed_version '%s' matches", row->major,
			 row->minor, row->probed_version);
		CHECK(n > 0 && strncmp(row->probed_version, prefix, (size_t)n) == 0 &&
			      memchr(row->probed_version, '\0', sizeof row->probed_version),
		      what);
	}
}

/* Present fields are offsets (>= 0), absent ones exactly -1; nothing in between. */
static void test_presence(void)
{
	char what[160];
	for (size_t i = 0; i < py_offsets_table_len; i++) {
		const struct py_offsets *row = &py_offsets_table[i];
		int v = V(row->major, row->minor), bad = 0;
		for (size_t k = 0; k < NSPANS; k++) {
			int32_t got = field_at(row, spans[k].off);
			int has = v >= spans[k].first && v <= spans[k].last;
			if (spans[k].state ? has == (got == PY_FRAME_STATE_ABSENT)
					   : has ? got < 0 : got != -1) {
				snprintf(what, sizeof what, "%d.%d: %s is %s", row->major, row->minor,
					 spans[k].name, has ? ">= 0" : "-1");
				CHECK_INT(got, has ? 0 : -1, what);
				bad = 1;
			}
		}
		snprintf(what, sizeof what, "%d.%d: every field present or -1 as the version has it",
			 row->major, row->minor);
		CHECK(!bad, what);
	}
}

/* Values recorded from probes and live walks when the walker was first written. */
static void test_known_values(void)
{
	const struct py_offsets *r;
	char what[96];

	/* 3.6-3.10's PyDictKeysObject is mirrored in the probe (its header is not installed);
	 * these are the offsets the DWARF of each pyenv libpython gives (gdb ptype /o). */
	for (int minor = 6; minor <= 10; minor++) {
		if (!(r = py_offsets_find(3, minor)))
			continue;
		snprintf(what, sizeof what, "3.%d dk_size, dk_nentries, dk_indices (DWARF)", minor);
		CHECK(r->dictkeys_size == 8 && r->dictkeys_nentries == 32 &&
			      r->dictkeys_indices == 40,
		      what);
		snprintf(what, sizeof what, "3.%d PyDictKeyEntry: 24 bytes, key @8, value @16 (DWARF)",
			 minor);
		CHECK(r->dictentry_size == 24 && r->dictentry_key == 8 && r->dictentry_value == 16,
		      what);
	}
	/* enum _framestate (pycore_frame.h): 3.13 put SUSPENDED_YIELD_FROM at -1, moving the
	 * others down. */
	for (int minor = 11; minor <= 13; minor++) {
		if (!(r = py_offsets_find(3, minor)))
			continue;
		int shift = minor == 13;
		snprintf(what, sizeof what, "3.%d frame states: created %d, suspended %d", minor,
			 -2 - shift, -1 - shift);
		CHECK(r->frame_state_created == -2 - shift && r->frame_state_suspended == -1 - shift &&
			      r->frame_state_executing == 0 &&
			      r->frame_state_suspended_yield_from ==
				      (shift ? -1 : PY_FRAME_STATE_ABSENT),
		      what);
	}
	/* Flag bits every version shares (object.h). */
	for (size_t i = 0; i < py_offsets_table_len; i++) {
		r = &py_offsets_table[i];
		snprintf(what, sizeof what, "%d.%d Py_TPFLAGS_HEAPTYPE, _LONG_ and _DICT_SUBCLASS",
			 r->major, r->minor);
		CHECK(r->tpflags_heaptype == 1 << 9 && r->tpflags_long_subclass == 1 << 24 &&
			      r->tpflags_dict_subclass == 1 << 29,
		      what);
	}

	if ((r = py_offsets_find(2, 7))) {
		CHECK_INT(r->tstate_next, 0, "2.7 tstate next (no prev)");
		CHECK_INT(r->tstate_frame, 16, "2.7 tstate frame");
		CHECK_INT(r->tstate_thread_id, 144, "2.7 tstate thread_id");
		CHECK_INT(r->code_name, 88, "2.7 co_name");
		CHECK_INT(r->code_linetable, 104, "2.7 co_lnotab");
		CHECK_INT(r->bytes_data, 36, "2.7 PyStringObject ob_sval");
		CHECK_INT(r->tpflags_str_subclass, 1 << 27, "2.7 Py_TPFLAGS_STRING_SUBCLASS");
		CHECK_INT(r->tpflags_int_subclass, 1 << 23, "2.7 Py_TPFLAGS_INT_SUBCLASS");
		CHECK_INT(r->dict_mask, 32, "2.7 ma_mask");
		CHECK_INT(r->dict_table, 40, "2.7 ma_table");
	}
	if ((r = py_offsets_find(3, 7))) {
		CHECK_INT(r->runtime_interpreters_head, 24, "3.7 interpreters.head");
		CHECK_INT(r->runtime_gilstate_tstate_current, 1480, "3.7 gilstate.tstate_current");
		CHECK_INT(r->runtime_ceval_gil, 1264, "3.7 ceval.gil");
		CHECK_INT(r->gil_switch_number, 24, "3.7 gil switch_number");
	}
	if ((r = py_offsets_find(3, 9))) {
		CHECK_INT(r->runtime_interpreters_head, 32, "3.9 interpreters.head");
		CHECK_INT(r->tstate_frame, 24, "3.9 tstate frame");
		CHECK_INT(r->tstate_thread_id, 176, "3.9 tstate thread_id");
		CHECK_INT(r->frame_lasti, 104, "3.9 f_lasti");
	}
	if ((r = py_offsets_find(3, 10)))
		CHECK_INT(r->frame_lasti, 96, "3.10 f_lasti");
	if ((r = py_offsets_find(3, 11))) {
		CHECK_INT(r->interp_tstate_head, 16, "3.11 threads.head");
		CHECK_INT(r->tstate_cframe, 56, "3.11 tstate cframe");
		CHECK_INT(r->tstate_root_cframe, 336, "3.11 tstate root_cframe");
		CHECK_INT(r->cframe_current_frame, 8, "3.11 _PyCFrame current_frame");
		CHECK_INT(r->cframe_previous, 16, "3.11 _PyCFrame previous");
		CHECK_INT(r->iframe_code, 32, "3.11 f_code");
		CHECK_INT(r->iframe_previous, 48, "3.11 previous");
		CHECK_INT(r->iframe_instr, 56, "3.11 prev_instr");
		CHECK_INT(r->iframe_is_entry, 68, "3.11 is_entry");
		CHECK_INT(r->iframe_owner, 69, "3.11 owner");
		CHECK_INT(r->code_code_adaptive, 184, "3.11 co_code_adaptive");
		CHECK_INT(r->unicode_ascii_size, 48, "3.11 sizeof(PyASCIIObject)");
		CHECK_INT(r->managed_dict_before, 24, "3.11 managed dict at obj - 3 words");
		CHECK_INT(r->managed_values_before, 32, "3.11 values pointer at obj - 4 words");
		CHECK_INT(r->dictunicode_size, 16, "3.11 PyDictUnicodeEntry");
		CHECK_INT(r->dictvalues_values, 0, "3.11 PyDictValues values[]");
	}
	if ((r = py_offsets_find(3, 12))) {
		CHECK_INT(r->interp_tstate_head, 72, "3.12 threads.head");
		CHECK_INT(r->cframe_current_frame, 0, "3.12 _PyCFrame current_frame");
		CHECK_INT(r->cframe_previous, 8, "3.12 _PyCFrame previous");
		CHECK_INT(r->interp_ceval_gil, 384, "3.12 ceval.gil");
		CHECK_INT(r->gil_last_holder, 8, "3.12 gil last_holder");
		CHECK_INT(r->gil_locked, 16, "3.12 gil locked");
		CHECK_INT(r->gil_switch_number, 24, "3.12 gil switch_number");
		CHECK_INT(r->unicode_ascii_size, 40, "3.12 sizeof(PyASCIIObject)");
		CHECK_INT(r->unicode_compact_size, 56, "3.12 sizeof(PyCompactUnicodeObject)");
		CHECK_INT(r->managed_dict_before, 24, "3.12 PyDictOrValues at obj - 3 words");
		CHECK_INT(r->managed_values_tag, 1, "3.12 PyDictOrValues values tag");
		CHECK_INT(r->long_tag_size_shift, 3, "3.12 _PyLong_NON_SIZE_BITS");
	}
	if ((r = py_offsets_find(3, 13))) {
		CHECK_INT(r->runtime_interpreters_head, 632, "3.13 interpreters.head");
		CHECK_INT(r->interp_next, 7264, "3.13 interp next");
		CHECK_INT(r->interp_tstate_head, 7344, "3.13 threads.head");
		CHECK_INT(r->tstate_current_frame, 72, "3.13 tstate current_frame");
		CHECK_INT(r->tstate_thread_id, 152, "3.13 tstate thread_id");
		CHECK_INT(r->tstate_native_thread_id, 160, "3.13 tstate native_thread_id");
		CHECK_INT(r->iframe_owner, 70, "3.13 owner");
		CHECK_INT(r->code_code_adaptive, 200, "3.13 co_code_adaptive");
		CHECK_INT(r->interp_ceval_gil, 16, "3.13 ceval.gil");
		CHECK_INT(r->dbg_size, 584, "3.13 sizeof(_Py_DebugOffsets)");
		CHECK_INT(r->inline_values, 16, "3.13 inline values at obj + sizeof(PyObject)");
		CHECK_INT(r->dictvalues_values, 8, "3.13 PyDictValues values[] after its 4 bytes");
		CHECK_INT(r->tpflags_inline_values, 1 << 2, "3.13 Py_TPFLAGS_INLINE_VALUES");
	}
}

/* asyncio_table.c (tools/gen-asyncio-offsets): one row for each of 3.11, 3.12 and 3.13, every
 * field a pointer-aligned offset inside its object past the object header, the state an int
 * inside the future, and the values measured when it was made (docs/CPYTHON.md §8). */
static void test_asyncio_table(void)
{
	char what[128];
	CHECK_INT(py_async_layout_table_len, 3, "asyncio: one row each for 3.11, 3.12, 3.13");
	for (int minor = 11; minor <= 13; minor++) {
		const struct py_async_layout *l = py_async_layout_find(3, minor);
		snprintf(what, sizeof what, "asyncio 3.%d: a row, its fields inside Task and Future",
			 minor);
		CHECK(l && l->minor == minor && l->future_size > 16 && l->task_size > l->future_size &&
			      l->fut_loop >= 16 && l->fut_loop % 8 == 0 &&
			      l->fut_callback0 % 8 == 0 && l->fut_callback0 + 8 <= l->future_size &&
			      l->fut_callbacks % 8 == 0 && l->fut_callbacks + 8 <= l->future_size &&
			      l->fut_result % 8 == 0 && l->fut_result + 8 <= l->future_size &&
			      l->fut_state % 4 == 0 && l->fut_state + 4 <= l->future_size &&
			      l->task_coro >= l->future_size && l->task_coro + 8 <= l->task_size &&
			      l->task_name >= l->future_size && l->task_name + 8 <= l->task_size &&
			      l->fut_state_pending == 0,
		      what);
	}
	const struct py_async_layout *l = py_async_layout_find(3, 13);
	CHECK(l && l->fut_state == 96 && l->task_coro == 120 && l->task_name == 128,
	      "asyncio 3.13: fut_state 96, task_coro 120, task_name 128 (measured)");
	l = py_async_layout_find(3, 11);
	CHECK(l && l->fut_state == 88 && l->task_coro == 136 && l->task_name == 144,
	      "asyncio 3.11: fut_state 88, task_coro 136, task_name 144 (measured)");
	CHECK(py_async_layout_find(3, 10) == NULL && py_async_layout_find(3, 14) == NULL,
	      "asyncio: no row for 3.10 or 3.14 (3.14 publishes its own offsets)");
}

int main(void)
{
	test_spans_cover_struct();
	test_find();
	test_sorted_unique();
	test_probed_version_matches();
	test_presence();
	test_known_values();
	test_asyncio_table();
	return check_exit();
}
