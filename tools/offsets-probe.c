/* offsets-probe.c: prints one CPython version's struct py_offsets row, measured on its headers.
 *
 * tools/gen-offsets compiles this once per installed Python, with that Python's include
 * directories and -DPy_BUILD_CORE (the interpreter, thread and frame structs are internal), runs
 * it and turns the output into a row of src/python/offsets_table.c. Every number comes from
 * offsetof() or sizeof() on the real structs, never from a typed literal (house rule 9); only the
 * member *names* are chosen here, by PY_VERSION_HEX, because CPython renames and moves them.
 *
 * Output, one item a line: "version X.Y.Z", "major N", "minor N", then "FIELD VALUE" for every
 * int32_t field of struct py_offsets in declaration order (gen-offsets checks the names and the
 * order against src/python/offsets.h). -1 means the version has no such field.
 * Exit status 2 means "this build's layout is not a release layout; skip it" (reason on stderr);
 * anything else non-zero is a failure.
 */
#include <Python.h>

#if PY_MAJOR_VERSION < 3
#include <code.h>        /* 2.7's Python.h does not pull in PyCodeObject */
#include <frameobject.h> /* nor PyFrameObject */
#elif PY_VERSION_HEX < 0x03070000
#include <code.h>
#include <frameobject.h> /* 3.6: no _PyRuntime, public structs only */
#elif PY_VERSION_HEX < 0x03080000
/* 3.7's internal headers are named like the public ones (internal/pystate.h next to pystate.h),
 * so they are reached by path and -I<inc>/internal must not shadow the public headers. */
#include <frameobject.h>
#include "internal/pystate.h" /* _PyRuntimeState */
#elif PY_VERSION_HEX < 0x030b0000
#include <frameobject.h>
#include "pycore_pystate.h" /* 3.8-3.10: _PyRuntimeState (and, 3.9+, the interpreter struct) */
#if PY_VERSION_HEX >= 0x03090000
#include "pycore_interp.h"
#include "pycore_runtime.h"
#endif
#else
#include "pycore_frame.h"   /* 3.11+: _PyInterpreterFrame */
#if PY_VERSION_HEX >= 0x030e0000
#include "pycore_stackref.h" /* 3.14: Py_TAG_BITS */
#endif
#include "pycore_interp.h"  /* struct _is */
#include "pycore_runtime.h" /* _PyRuntimeState; 3.13: _Py_DebugOffsets */
#if PY_VERSION_HEX >= 0x030c0000
#include "pycore_gil.h" /* struct _gil_runtime_state, reached through interp->ceval.gil */
#endif
#endif

#if PY_VERSION_HEX < 0x030b0000
#include <longintrepr.h> /* PyLongObject's digits (3.11+: cpython/longintrepr.h, via Python.h) */
#else
#include "pycore_dict.h"   /* 3.11+: PyDictKeysObject, PyDictUnicodeEntry, PyDictValues */
#include "pycore_object.h" /* 3.11+: where a managed dict sits (MANAGED_DICT_OFFSET...) */
#include "pycore_code.h"   /* 3.11+: the CO_FAST_* kinds of co_localspluskinds */
#if PY_VERSION_HEX < 0x030d0000
#include "opcode.h" /* 3.11-3.12: RESUME and its copies (Python.h does not include it) */
#endif
#endif

#include <stddef.h> /* offsetof: older Python.h do not pull it in */
#include <stdio.h>
#include <string.h>

/* A field the version lacks. */
#define ABSENT (-1L)
/* A frame state the version lacks (-1 is a state: offsets.h's PY_FRAME_STATE_ABSENT). */
#define PROBE_STATE_ABSENT (-2147483647L - 1)

static void put(const char *name, long value)
{
	printf("%s %ld\n", name, value);
}

#if PY_VERSION_HEX >= 0x03060000 && PY_VERSION_HEX < 0x030b0000
/* 3.6-3.10 define PyDictKeysObject and PyDictKeyEntry in Objects/dict-common.h, which is not
 * installed (the headers only have `typedef struct _dictkeysobject PyDictKeysObject`). These are
 * the one place the probe mirrors a struct instead of including it: copied from dict-common.h
 * (3.6's dk_indices was a union of the same offset), and checked against the DWARF of every
 * pyenv libpython 3.6-3.10 (`gdb -batch -ex 'ptype /o struct _dictkeysobject'`): dk_size @8,
 * dk_nentries @32, dk_indices @40, entries 24 bytes with me_key @8 and me_value @16. */
struct probe_dictkeys {
	Py_ssize_t dk_refcnt;
	Py_ssize_t dk_size;
	void *dk_lookup; /* dict_lookup_func */
	Py_ssize_t dk_usable;
	Py_ssize_t dk_nentries;
	char dk_indices[];
};

typedef struct {
	Py_hash_t me_hash;
	PyObject *me_key;
	PyObject *me_value;
} probe_dictkeyentry;
#endif

#if PY_VERSION_HEX >= 0x030b0000
/* A stand-in object with room before it, so that the headers' own inline accessors for managed
 * dicts (pointer arithmetic on obj, guarded by asserts on its type's flags) can be evaluated
 * here and their results measured, rather than retyped. */
static PyTypeObject probe_type;
static PyObject *probe_room[16];

static PyObject *probe_object(unsigned long flags)
{
	PyObject *obj = (PyObject *)&probe_room[8];
	probe_type.tp_flags = flags;
	probe_type.tp_basicsize = sizeof(PyObject);
	obj->ob_type = &probe_type;
	return obj;
}

static long probe_distance(const void *from, const void *to)
{
	return (long)((const char *)to - (const char *)from);
}
#endif

int main(void)
{
	/* The table describes release builds. These change the object header (Py_TRACE_REFS adds
	 * two pointers, the free-threaded build a different header), so every offset would shift. */
#if defined(Py_DEBUG) || defined(Py_TRACE_REFS)
	fprintf(stderr, "debug or Py_TRACE_REFS build\n");
	return 2;
#endif
#if defined(Py_GIL_DISABLED)
	fprintf(stderr, "free-threaded build\n");
	return 2;
#endif
	if (strlen(PY_VERSION) >= 16) { /* struct py_offsets.probed_version is char[16] */
		fprintf(stderr, "version string '%s' too long\n", PY_VERSION);
		return 1;
	}
	printf("version %s\n", PY_VERSION);
	printf("major %d\n", PY_MAJOR_VERSION);
	printf("minor %d\n", PY_MINOR_VERSION);

	/* _PyRuntimeState: 3.7 moved the interpreter list into it; 3.12 moved the current
	 * thread state out of it (into a C thread-local). */
#if PY_VERSION_HEX >= 0x03070000
	put("runtime_interpreters_head", offsetof(_PyRuntimeState, interpreters.head));
#else
	put("runtime_interpreters_head", ABSENT);
#endif
#if PY_VERSION_HEX >= 0x03070000 && PY_VERSION_HEX < 0x030c0000
	put("runtime_gilstate_tstate_current", offsetof(_PyRuntimeState, gilstate.tstate_current));
	/* 3.7-3.11: one GIL, in the runtime (3.10's per-interpreter one is an experimental
	 * build option, off in release builds). */
	put("runtime_ceval_gil", offsetof(_PyRuntimeState, ceval.gil));
#else
	put("runtime_gilstate_tstate_current", ABSENT);
	put("runtime_ceval_gil", ABSENT);
#endif

	/* PyInterpreterState */
	put("interp_next", offsetof(PyInterpreterState, next));
#if PY_VERSION_HEX >= 0x030b0000
	put("interp_tstate_head", offsetof(PyInterpreterState, threads.head));
#else
	put("interp_tstate_head", offsetof(PyInterpreterState, tstate_head));
#endif
#if PY_VERSION_HEX >= 0x030c0000
	put("interp_modules", offsetof(PyInterpreterState, imports.modules));
#else
	put("interp_modules", offsetof(PyInterpreterState, modules));
#endif
	/* 3.12: the GIL became per interpreter, and ceval.gil points at it. */
#if PY_VERSION_HEX >= 0x030c0000
	put("interp_ceval_gil", offsetof(PyInterpreterState, ceval.gil));
#else
	put("interp_ceval_gil", ABSENT);
#endif
#if PY_VERSION_HEX >= 0x03070000
	put("gil_locked", offsetof(struct _gil_runtime_state, locked));
	put("gil_last_holder", offsetof(struct _gil_runtime_state, last_holder));
	put("gil_switch_number", offsetof(struct _gil_runtime_state, switch_number));
#else
	put("gil_locked", ABSENT);
	put("gil_last_holder", ABSENT);
	put("gil_switch_number", ABSENT);
#endif

	/* PyThreadState: 2.7 has no prev link. */
#if PY_MAJOR_VERSION >= 3
	put("tstate_prev", offsetof(PyThreadState, prev));
#else
	put("tstate_prev", ABSENT);
#endif
	put("tstate_next", offsetof(PyThreadState, next));
	put("tstate_interp", offsetof(PyThreadState, interp));
#if PY_VERSION_HEX < 0x030b0000
	put("tstate_frame", offsetof(PyThreadState, frame));
	put("tstate_cframe", ABSENT);
	put("tstate_current_frame", ABSENT);
#elif PY_VERSION_HEX < 0x030d0000
	/* 3.11-3.12: tstate->cframe->current_frame. (3.10 already has cframe, but frames are still
	 * reached through tstate->frame there.) */
	put("tstate_frame", ABSENT);
	put("tstate_cframe", offsetof(PyThreadState, cframe));
	put("tstate_current_frame", ABSENT);
#else
	put("tstate_frame", ABSENT);
	put("tstate_cframe", ABSENT);
	put("tstate_current_frame", offsetof(PyThreadState, current_frame));
#endif
	put("tstate_thread_id", offsetof(PyThreadState, thread_id));
#if PY_VERSION_HEX >= 0x030b0000
	put("tstate_native_thread_id", offsetof(PyThreadState, native_thread_id));
#else
	put("tstate_native_thread_id", ABSENT);
#endif
#if PY_VERSION_HEX >= 0x030b0000 && PY_VERSION_HEX < 0x030d0000
	put("tstate_root_cframe", offsetof(PyThreadState, root_cframe));
#else
	put("tstate_root_cframe", ABSENT);
#endif

	/* _PyCFrame (cpython/pystate.h), 3.11-3.12 */
#if PY_VERSION_HEX >= 0x030b0000 && PY_VERSION_HEX < 0x030d0000
	put("cframe_current_frame", offsetof(_PyCFrame, current_frame));
	put("cframe_previous", offsetof(_PyCFrame, previous));
#else
	put("cframe_current_frame", ABSENT);
	put("cframe_previous", ABSENT);
#endif

	/* PyFrameObject up to 3.10; from 3.11 it is a lazily made wrapper, and the walk uses
	 * _PyInterpreterFrame instead. */
#if PY_VERSION_HEX < 0x030b0000
	put("frame_back", offsetof(PyFrameObject, f_back));
	put("frame_code", offsetof(PyFrameObject, f_code));
	put("frame_lasti", offsetof(PyFrameObject, f_lasti));
#else
	put("frame_back", ABSENT);
	put("frame_code", ABSENT);
	put("frame_lasti", ABSENT);
#endif

#if PY_VERSION_HEX >= 0x030b0000
	put("iframe_previous", offsetof(_PyInterpreterFrame, previous));
#if PY_VERSION_HEX >= 0x030d0000
	/* 3.13: f_code became f_executable (which may be None), prev_instr became instr_ptr. */
	put("iframe_code", offsetof(_PyInterpreterFrame, f_executable));
	put("iframe_instr", offsetof(_PyInterpreterFrame, instr_ptr));
#else
	put("iframe_code", offsetof(_PyInterpreterFrame, f_code));
	put("iframe_instr", offsetof(_PyInterpreterFrame, prev_instr));
#endif
	put("iframe_owner", offsetof(_PyInterpreterFrame, owner));
#if PY_VERSION_HEX < 0x030c0000
	put("iframe_is_entry", offsetof(_PyInterpreterFrame, is_entry)); /* 3.12 replaced it */
#else
	put("iframe_is_entry", ABSENT);
#endif
#else
	put("iframe_previous", ABSENT);
	put("iframe_code", ABSENT);
	put("iframe_instr", ABSENT);
	put("iframe_owner", ABSENT);
	put("iframe_is_entry", ABSENT);
#endif

	/* enum _frameowner: which frames are a generator's, and which are entry frames the
	 * interpreter pushes at each C call into its loop (not user code). */
#if PY_VERSION_HEX >= 0x030b0000
	put("frame_owner_generator", FRAME_OWNED_BY_GENERATOR);
#else
	put("frame_owner_generator", ABSENT);
#endif
#if PY_VERSION_HEX >= 0x030c0000
	put("frame_owner_cstack", FRAME_OWNED_BY_CSTACK);
#else
	put("frame_owner_cstack", ABSENT);
#endif
#if PY_VERSION_HEX >= 0x030e0000
	put("frame_owner_interpreter", FRAME_OWNED_BY_INTERPRETER);
	put("stackref_tag_bits", Py_TAG_BITS); /* 3.14: f_executable is a _PyStackRef */
#else
	put("frame_owner_interpreter", ABSENT);
	put("stackref_tag_bits", 0);
#endif

	/* PyCodeObject */
	put("code_filename", offsetof(PyCodeObject, co_filename));
	put("code_name", offsetof(PyCodeObject, co_name));
#if PY_VERSION_HEX >= 0x030b0000
	put("code_qualname", offsetof(PyCodeObject, co_qualname));
#else
	put("code_qualname", ABSENT);
#endif
	put("code_firstlineno", offsetof(PyCodeObject, co_firstlineno));
#if PY_VERSION_HEX >= 0x030a0000
	put("code_linetable", offsetof(PyCodeObject, co_linetable)); /* PEP 626 (3.10), PEP 657 (3.11) */
#else
	put("code_linetable", offsetof(PyCodeObject, co_lnotab));
#endif
#if PY_VERSION_HEX >= 0x030b0000
	put("code_code_adaptive", offsetof(PyCodeObject, co_code_adaptive));
	put("code_firsttraceable", offsetof(PyCodeObject, _co_firsttraceable));
#else
	put("code_code_adaptive", ABSENT);
	put("code_firsttraceable", ABSENT);
#endif

	/* bytes; in 2.7 code names and line tables are PyStringObject, whose PyObject_VAR_HEAD
	 * puts ob_size directly in the struct. */
#if PY_MAJOR_VERSION < 3
	put("bytes_size", offsetof(PyStringObject, ob_size));
	put("bytes_data", offsetof(PyStringObject, ob_sval));
#else
	put("bytes_size", offsetof(PyBytesObject, ob_base.ob_size));
	put("bytes_data", offsetof(PyBytesObject, ob_sval));
#endif

	/* PEP 393 strings (3.3+). state is a bit-field, which offsetof() cannot take; it is the
	 * member right after hash, so its word starts where hash ends. */
#if PY_MAJOR_VERSION >= 3
	put("unicode_length", offsetof(PyASCIIObject, length));
	put("unicode_state", offsetof(PyASCIIObject, hash) + sizeof(Py_hash_t));
	put("unicode_ascii_size", sizeof(PyASCIIObject));
	put("unicode_compact_size", sizeof(PyCompactUnicodeObject));
	put("unicode_data_ptr", offsetof(PyUnicodeObject, data));
#else
	put("unicode_length", ABSENT);
	put("unicode_state", ABSENT);
	put("unicode_ascii_size", ABSENT);
	put("unicode_compact_size", ABSENT);
	put("unicode_data_ptr", ABSENT);
#endif

	put("object_type", offsetof(PyObject, ob_type));

	/* Thread names: types, instance dicts, dicts, ints (src/python/threading_names.c). */
	put("type_flags", offsetof(PyTypeObject, tp_flags));
	put("type_dictoffset", offsetof(PyTypeObject, tp_dictoffset));
#if PY_MAJOR_VERSION >= 3
	put("heaptype_cached_keys", offsetof(PyHeapTypeObject, ht_cached_keys)); /* PEP 412, 3.3 */
#else
	put("heaptype_cached_keys", ABSENT);
#endif
	put("tpflags_heaptype", Py_TPFLAGS_HEAPTYPE);
#if PY_VERSION_HEX >= 0x030b0000
	put("tpflags_managed_dict", Py_TPFLAGS_MANAGED_DICT);
#else
	put("tpflags_managed_dict", ABSENT);
#endif
#if PY_VERSION_HEX >= 0x030d0000
	put("tpflags_inline_values", Py_TPFLAGS_INLINE_VALUES);
#else
	put("tpflags_inline_values", ABSENT);
#endif
#if PY_MAJOR_VERSION < 3
	put("tpflags_int_subclass", Py_TPFLAGS_INT_SUBCLASS);
	put("tpflags_long_subclass", Py_TPFLAGS_LONG_SUBCLASS);
	put("tpflags_str_subclass", Py_TPFLAGS_STRING_SUBCLASS);
#else
	put("tpflags_int_subclass", ABSENT);
	put("tpflags_long_subclass", Py_TPFLAGS_LONG_SUBCLASS);
	put("tpflags_str_subclass", Py_TPFLAGS_UNICODE_SUBCLASS);
#endif
	put("tpflags_dict_subclass", Py_TPFLAGS_DICT_SUBCLASS);

	/* Managed dicts, measured through the headers' own accessors on a stand-in object. */
#if PY_VERSION_HEX >= 0x030b0000 && PY_VERSION_HEX < 0x030c0000
	{
		/* 3.11: values pointer and dict pointer are two words before the GC header. */
		PyObject *obj = probe_object(Py_TPFLAGS_MANAGED_DICT);
		put("managed_dict_before", probe_distance(_PyObject_ManagedDictPointer(obj), obj));
		put("managed_values_before", probe_distance(_PyObject_ValuesPointer(obj), obj));
		put("managed_values_tag", ABSENT);
		put("inline_values", ABSENT);
		if ((long)MANAGED_DICT_OFFSET != probe_distance(obj, _PyObject_ManagedDictPointer(obj))) {
			fprintf(stderr, "MANAGED_DICT_OFFSET disagrees with _PyObject_ManagedDictPointer\n");
			return 1;
		}
	}
#elif PY_VERSION_HEX >= 0x030c0000 && PY_VERSION_HEX < 0x030d0000
	{
		/* 3.12: one PyDictOrValues word, a dict pointer or a tagged values pointer. */
		PyObject *obj = probe_object(Py_TPFLAGS_MANAGED_DICT);
		static PyObject *values_room[4];
		PyDictValues *values = (PyDictValues *)&values_room[1];
		PyDictOrValues dorv;
		put("managed_dict_before", probe_distance(_PyObject_DictOrValuesPointer(obj), obj));
		put("managed_values_before", ABSENT);
		_PyDictOrValues_SetValues(&dorv, values);
		if (!_PyDictOrValues_IsValues(dorv) || _PyDictOrValues_GetValues(dorv) != values ||
		    ((uintptr_t)dorv.values & 1) == 0) {
			fprintf(stderr, "PyDictOrValues tagging is not the low bit\n");
			return 1;
		}
		put("managed_values_tag", probe_distance(dorv.values, values));
		put("inline_values", ABSENT);
	}
#elif PY_VERSION_HEX >= 0x030d0000
	{
		/* 3.13: a dict pointer before the object, values (if still inline) after it. */
		PyObject *obj = probe_object(Py_TPFLAGS_MANAGED_DICT | Py_TPFLAGS_INLINE_VALUES);
		put("managed_dict_before", probe_distance(_PyObject_ManagedDictPointer(obj), obj));
		put("managed_values_before", ABSENT);
		put("managed_values_tag", ABSENT);
		put("inline_values", probe_distance(obj, _PyObject_InlineValues(obj)));
	}
#else
	put("managed_dict_before", ABSENT);
	put("managed_values_before", ABSENT);
	put("managed_values_tag", ABSENT);
	put("inline_values", ABSENT);
#endif

	/* Dicts: 2.7's open-addressing table; 3.6+'s compact dict (PEP 468 ordering), whose keys
	 * object moved to an installed header (internal/pycore_dict.h) in 3.11. */
#if PY_MAJOR_VERSION >= 3
	put("dict_keys", offsetof(PyDictObject, ma_keys));
	put("dict_values", offsetof(PyDictObject, ma_values));
	put("dict_mask", ABSENT);
	put("dict_table", ABSENT);
#else
	put("dict_keys", ABSENT);
	put("dict_values", ABSENT);
	put("dict_mask", offsetof(PyDictObject, ma_mask));
	put("dict_table", offsetof(PyDictObject, ma_table));
#endif
#if PY_MAJOR_VERSION < 3
	put("dictkeys_size", ABSENT);
	put("dictkeys_log2_size", ABSENT);
	put("dictkeys_log2_index_bytes", ABSENT);
	put("dictkeys_kind", ABSENT);
	put("dictkeys_kind_general", ABSENT);
	put("dictkeys_nentries", ABSENT);
	put("dictkeys_indices", ABSENT);
	put("dictentry_size", sizeof(PyDictEntry));
	put("dictentry_key", offsetof(PyDictEntry, me_key));
	put("dictentry_value", offsetof(PyDictEntry, me_value));
#elif PY_VERSION_HEX < 0x030b0000
	put("dictkeys_size", offsetof(struct probe_dictkeys, dk_size));
	put("dictkeys_log2_size", ABSENT);
	put("dictkeys_log2_index_bytes", ABSENT);
	put("dictkeys_kind", ABSENT);
	put("dictkeys_kind_general", ABSENT);
	put("dictkeys_nentries", offsetof(struct probe_dictkeys, dk_nentries));
	put("dictkeys_indices", offsetof(struct probe_dictkeys, dk_indices));
	put("dictentry_size", sizeof(probe_dictkeyentry));
	put("dictentry_key", offsetof(probe_dictkeyentry, me_key));
	put("dictentry_value", offsetof(probe_dictkeyentry, me_value));
#else
	put("dictkeys_size", ABSENT);
	put("dictkeys_log2_size", offsetof(PyDictKeysObject, dk_log2_size));
	put("dictkeys_log2_index_bytes", offsetof(PyDictKeysObject, dk_log2_index_bytes));
	put("dictkeys_kind", offsetof(PyDictKeysObject, dk_kind));
	put("dictkeys_kind_general", DICT_KEYS_GENERAL);
	put("dictkeys_nentries", offsetof(PyDictKeysObject, dk_nentries));
	put("dictkeys_indices", offsetof(PyDictKeysObject, dk_indices));
	put("dictentry_size", sizeof(PyDictKeyEntry));
	put("dictentry_key", offsetof(PyDictKeyEntry, me_key));
	put("dictentry_value", offsetof(PyDictKeyEntry, me_value));
#endif
#if PY_VERSION_HEX >= 0x030b0000
	put("dictunicode_size", sizeof(PyDictUnicodeEntry));
	put("dictunicode_key", offsetof(PyDictUnicodeEntry, me_key));
	put("dictunicode_value", offsetof(PyDictUnicodeEntry, me_value));
	put("dictvalues_values", offsetof(PyDictValues, values));
#else
	put("dictunicode_size", ABSENT);
	put("dictunicode_key", ABSENT);
	put("dictunicode_value", ABSENT);
	put("dictvalues_values", ABSENT);
#endif
#if PY_VERSION_HEX >= 0x030d0000
	put("dictvalues_capacity", offsetof(PyDictValues, capacity));
	put("dictvalues_valid", offsetof(PyDictValues, valid));
#else
	put("dictvalues_capacity", ABSENT);
	put("dictvalues_valid", ABSENT);
#endif

	/* ints: 2.7 has a machine-word int besides the arbitrary-precision long; 3.12 packed the
	 * sign and digit count of a long into lv_tag. */
#if PY_MAJOR_VERSION < 3
	put("int_value", offsetof(PyIntObject, ob_ival));
	put("long_size", offsetof(PyLongObject, ob_size));
#else
	put("int_value", ABSENT);
#if PY_VERSION_HEX < 0x030c0000
	put("long_size", offsetof(PyLongObject, ob_base.ob_size));
#else
	put("long_size", offsetof(PyLongObject, long_value.lv_tag));
#endif
#endif
#if PY_VERSION_HEX < 0x030c0000
	put("long_digits", offsetof(PyLongObject, ob_digit));
#else
	put("long_digits", offsetof(PyLongObject, long_value.ob_digit));
#endif
	put("long_digit_size", sizeof(digit));
	put("long_shift", PyLong_SHIFT);
#if PY_VERSION_HEX >= 0x030c0000
	put("long_tag_size_shift", _PyLong_NON_SIZE_BITS);
	put("long_tag_sign_mask", _PyLong_SIGN_MASK);
#else
	put("long_tag_size_shift", ABSENT);
	put("long_tag_sign_mask", ABSENT);
#endif

	/* Locals (pyflame dump --locals): up to 3.10 a frame object's f_localsplus holds the
	 * locals named by co_varnames, then cells for co_cellvars, then co_freevars; from 3.11
	 * the interpreter frame's localsplus holds one slot per co_localsplusnames entry, whose
	 * kind byte says local, cell or free. */
#if PY_VERSION_HEX < 0x030b0000
	put("frame_localsplus", offsetof(PyFrameObject, f_localsplus));
	put("iframe_localsplus", ABSENT);
	put("code_nlocals", offsetof(PyCodeObject, co_nlocals));
	put("code_varnames", offsetof(PyCodeObject, co_varnames));
	put("code_cellvars", offsetof(PyCodeObject, co_cellvars));
	put("code_freevars", offsetof(PyCodeObject, co_freevars));
	put("code_nlocalsplus", ABSENT);
	put("code_localsplusnames", ABSENT);
	put("code_localspluskinds", ABSENT);
	put("co_fast_local", ABSENT);
	put("co_fast_cell", ABSENT);
	put("co_fast_free", ABSENT);
#else
	put("frame_localsplus", ABSENT);
	put("iframe_localsplus", offsetof(_PyInterpreterFrame, localsplus));
	put("code_nlocals", ABSENT);
	put("code_varnames", ABSENT);
	put("code_cellvars", ABSENT);
	put("code_freevars", ABSENT);
	put("code_nlocalsplus", offsetof(PyCodeObject, co_nlocalsplus));
	put("code_localsplusnames", offsetof(PyCodeObject, co_localsplusnames));
	put("code_localspluskinds", offsetof(PyCodeObject, co_localspluskinds));
	put("co_fast_local", CO_FAST_LOCAL);
	put("co_fast_cell", CO_FAST_CELL);
	put("co_fast_free", CO_FAST_FREE);
#endif
#ifdef CO_FAST_HIDDEN
	put("co_fast_hidden", CO_FAST_HIDDEN); /* 3.12: PEP 709's inlined comprehensions */
#else
	put("co_fast_hidden", ABSENT);
#endif
#if PY_VERSION_HEX >= 0x030e0000 && defined(Py_INT_TAG)
	put("stackref_int_tag", Py_INT_TAG);
#else
	put("stackref_int_tag", ABSENT);
#endif
	put("type_name", offsetof(PyTypeObject, tp_name));
#if PY_MAJOR_VERSION < 3
	put("tuple_size", offsetof(PyTupleObject, ob_size));
	put("tuple_items", offsetof(PyTupleObject, ob_item));
	put("list_size", offsetof(PyListObject, ob_size));
#else
	put("tuple_size", offsetof(PyTupleObject, ob_base.ob_size));
	put("tuple_items", offsetof(PyTupleObject, ob_item));
	put("list_size", offsetof(PyListObject, ob_base.ob_size));
#endif
	put("list_items", offsetof(PyListObject, ob_item));
	put("float_value", offsetof(PyFloatObject, ob_fval));
	put("cell_ref", offsetof(PyCellObject, ob_ref));
	put("dict_used", offsetof(PyDictObject, ma_used));
	put("set_used", offsetof(PySetObject, used));
	put("set_mask", offsetof(PySetObject, mask));
	put("set_table", offsetof(PySetObject, table));
	put("setentry_size", sizeof(setentry));
	put("setentry_key", offsetof(setentry, key));
	put("setentry_hash", offsetof(setentry, hash));
#if PY_MAJOR_VERSION < 3
	put("unicode27_length", offsetof(PyUnicodeObject, length));
	put("unicode27_str", offsetof(PyUnicodeObject, str));
	put("unicode27_unit_size", sizeof(Py_UNICODE));
#else
	put("unicode27_length", ABSENT);
	put("unicode27_str", ABSENT);
	put("unicode27_unit_size", ABSENT);
#endif

	/* asyncio (3.11-3.13, python/asyncio_311.c): a coroutine's embedded frame and state, the
	 * frame's value stack, how a suspended frame tells an await from a plain yield, and the
	 * objects a done callback is made of. 3.14 reads the coroutine fields from its own
	 * _Py_DebugOffsets (asyncio_314.c), and its frame keeps a stack pointer, not a stacktop. */
#if PY_VERSION_HEX >= 0x030b0000 && PY_VERSION_HEX < 0x030e0000
	put("gen_iframe", offsetof(PyGenObject, gi_iframe));
	put("gen_frame_state", offsetof(PyGenObject, gi_frame_state));
	put("iframe_stacktop", offsetof(_PyInterpreterFrame, stacktop));
	put("frame_state_created", FRAME_CREATED);
	put("frame_state_suspended", FRAME_SUSPENDED);
#if PY_VERSION_HEX >= 0x030d0000
	put("frame_state_suspended_yield_from", FRAME_SUSPENDED_YIELD_FROM);
#else
	put("frame_state_suspended_yield_from", PROBE_STATE_ABSENT);
#endif
	put("frame_state_executing", FRAME_EXECUTING);
#else
	put("gen_iframe", ABSENT);
	put("gen_frame_state", ABSENT);
	put("iframe_stacktop", ABSENT);
	put("frame_state_created", PROBE_STATE_ABSENT);
	put("frame_state_suspended", PROBE_STATE_ABSENT);
	put("frame_state_suspended_yield_from", PROBE_STATE_ABSENT);
	put("frame_state_executing", PROBE_STATE_ABSENT);
#endif
	/* 3.11 and 3.12 tell a suspended await by the instruction after the frame's prev_instr:
	 * RESUME (or a specialized or instrumented copy) with oparg 2 or 3 (Objects/genobject.c,
	 * _PyGen_yf); 3.13 by FRAME_SUSPENDED_YIELD_FROM. */
#if PY_VERSION_HEX >= 0x030b0000 && PY_VERSION_HEX < 0x030d0000
	put("opcode_resume", RESUME);
#if PY_VERSION_HEX < 0x030c0000
	put("opcode_resume_quick", RESUME_QUICK);
	put("opcode_instrumented_resume", ABSENT);
#else
	put("opcode_resume_quick", ABSENT);
	put("opcode_instrumented_resume", INSTRUMENTED_RESUME);
#endif
#else
	put("opcode_resume", ABSENT);
	put("opcode_resume_quick", ABSENT);
	put("opcode_instrumented_resume", ABSENT);
#endif
	put("type_base", offsetof(PyTypeObject, tp_base));
	put("cfunc_self", offsetof(PyCFunctionObject, m_self));
	put("method_func", offsetof(PyMethodObject, im_func));
	put("method_self", offsetof(PyMethodObject, im_self));
	put("func_closure", offsetof(PyFunctionObject, func_closure));
	put("weakref_object", offsetof(PyWeakReference, wr_object));

	/* 3.13+: where each value sits inside _Py_DebugOffsets, so the target's own copy can
	 * replace the table's values at run time. */
#if PY_VERSION_HEX >= 0x030d0000
#define DBG(name, member) put(name, offsetof(_Py_DebugOffsets, member))
	DBG("dbg_runtime_interpreters_head", runtime_state.interpreters_head);
	DBG("dbg_interp_next", interpreter_state.next);
	DBG("dbg_interp_threads_head", interpreter_state.threads_head);
	DBG("dbg_interp_imports_modules", interpreter_state.imports_modules);
	DBG("dbg_interp_ceval_gil", interpreter_state.ceval_gil);
	DBG("dbg_interp_gil_runtime_state", interpreter_state.gil_runtime_state);
	DBG("dbg_interp_gil_locked", interpreter_state.gil_runtime_state_locked);
	DBG("dbg_interp_gil_holder", interpreter_state.gil_runtime_state_holder);
	DBG("dbg_tstate_prev", thread_state.prev);
	DBG("dbg_tstate_next", thread_state.next);
	DBG("dbg_tstate_interp", thread_state.interp);
	DBG("dbg_tstate_current_frame", thread_state.current_frame);
	DBG("dbg_tstate_thread_id", thread_state.thread_id);
	DBG("dbg_tstate_native_thread_id", thread_state.native_thread_id);
	DBG("dbg_iframe_previous", interpreter_frame.previous);
	DBG("dbg_iframe_executable", interpreter_frame.executable);
	DBG("dbg_iframe_instr_ptr", interpreter_frame.instr_ptr);
	DBG("dbg_iframe_owner", interpreter_frame.owner);
	DBG("dbg_code_filename", code_object.filename);
	DBG("dbg_code_name", code_object.name);
	DBG("dbg_code_qualname", code_object.qualname);
	DBG("dbg_code_linetable", code_object.linetable);
	DBG("dbg_code_firstlineno", code_object.firstlineno);
	DBG("dbg_code_co_code_adaptive", code_object.co_code_adaptive);
	DBG("dbg_object_type", pyobject.ob_type);
	DBG("dbg_bytes_size", bytes_object.ob_size);
	DBG("dbg_bytes_data", bytes_object.ob_sval);
	DBG("dbg_unicode_state", unicode_object.state);
	DBG("dbg_unicode_length", unicode_object.length);
	DBG("dbg_unicode_ascii_size", unicode_object.asciiobject_size);
	DBG("dbg_type_flags", type_object.tp_flags);
	DBG("dbg_dict_keys", dict_object.ma_keys);
	DBG("dbg_dict_values", dict_object.ma_values);
	DBG("dbg_long_size", long_object.lv_tag);
	DBG("dbg_long_digits", long_object.ob_digit);
	DBG("dbg_iframe_localsplus", interpreter_frame.localsplus);
	DBG("dbg_code_localsplusnames", code_object.localsplusnames);
	DBG("dbg_code_localspluskinds", code_object.localspluskinds);
	DBG("dbg_type_name", type_object.tp_name);
	DBG("dbg_tuple_items", tuple_object.ob_item);
	DBG("dbg_tuple_size", tuple_object.ob_size);
	DBG("dbg_list_items", list_object.ob_item);
	DBG("dbg_list_size", list_object.ob_size);
	DBG("dbg_float_value", float_object.ob_fval);
#if PY_VERSION_HEX >= 0x030e0000
	/* 3.14 added a set group; 3.13's struct has none, and its sets come from the table. */
	DBG("dbg_set_used", set_object.used);
	DBG("dbg_set_table", set_object.table);
	DBG("dbg_set_mask", set_object.mask);
#else
	put("dbg_set_used", ABSENT);
	put("dbg_set_table", ABSENT);
	put("dbg_set_mask", ABSENT);
#endif
	put("dbg_size", sizeof(_Py_DebugOffsets));
#undef DBG
#else
	static const char *const dbg_fields[] = {
		"dbg_runtime_interpreters_head", "dbg_interp_next", "dbg_interp_threads_head",
		"dbg_interp_imports_modules", "dbg_interp_ceval_gil",
		"dbg_interp_gil_runtime_state", "dbg_interp_gil_locked", "dbg_interp_gil_holder",
		"dbg_tstate_prev", "dbg_tstate_next", "dbg_tstate_interp",
		"dbg_tstate_current_frame", "dbg_tstate_thread_id", "dbg_tstate_native_thread_id",
		"dbg_iframe_previous", "dbg_iframe_executable", "dbg_iframe_instr_ptr",
		"dbg_iframe_owner", "dbg_code_filename", "dbg_code_name", "dbg_code_qualname",
		"dbg_code_linetable", "dbg_code_firstlineno", "dbg_code_co_code_adaptive",
		"dbg_object_type", "dbg_bytes_size", "dbg_bytes_data", "dbg_unicode_state",
		"dbg_unicode_length", "dbg_unicode_ascii_size", "dbg_type_flags", "dbg_dict_keys",
		"dbg_dict_values", "dbg_long_size", "dbg_long_digits", "dbg_iframe_localsplus",
		"dbg_code_localsplusnames", "dbg_code_localspluskinds", "dbg_type_name",
		"dbg_tuple_items", "dbg_tuple_size", "dbg_list_items", "dbg_list_size",
		"dbg_float_value", "dbg_set_used", "dbg_set_table", "dbg_set_mask", "dbg_size",
	};
	for (size_t i = 0; i < sizeof dbg_fields / sizeof dbg_fields[0]; i++)
		put(dbg_fields[i], ABSENT);
#endif

	if (fflush(stdout) != 0 || ferror(stdout))
		return 1;
	return 0;
}
