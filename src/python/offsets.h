/* offsets.h: where the fields the walker reads sit, for one CPython minor version.
 *
 * The values are never typed by hand: tools/gen-offsets compiles offsetof() probes against each
 * installed Python's headers and writes offsets_table.c (committed; `make offsets` regenerates).
 * From 3.13 on, the target's own _Py_DebugOffsets override the table at run time (debugoffsets.c).
 * A field that does not exist in a version is -1.
 */
#ifndef PYFLAME_PYTHON_OFFSETS_H
#define PYFLAME_PYTHON_OFFSETS_H

#include <stddef.h>
#include <stdint.h>

/* A frame_state_* value a version does not have (-1 is a real state, so it cannot mark one). */
#define PY_FRAME_STATE_ABSENT INT32_MIN

struct py_offsets {
	int major, minor;
	char probed_version[16]; /* the full version whose headers were probed, e.g. "3.12.1" */

	/* _PyRuntimeState (3.7+) */
	int32_t runtime_interpreters_head;      /* _PyRuntime.interpreters.head */
	int32_t runtime_gilstate_tstate_current; /* _PyRuntime.gilstate.tstate_current, 3.7-3.11 */
	int32_t runtime_ceval_gil; /* _PyRuntime.ceval.gil, 3.7-3.11: struct _gil_runtime_state */

	/* PyInterpreterState */
	int32_t interp_next;
	int32_t interp_tstate_head; /* tstate_head up to 3.10, threads.head from 3.11 */
	int32_t interp_modules;     /* modules up to 3.11, imports.modules from 3.12 */
	int32_t interp_ceval_gil;   /* 3.12+: ceval.gil, a pointer to struct _gil_runtime_state */

	/* struct _gil_runtime_state: in _PyRuntime at runtime_ceval_gil (3.7-3.11), reached through
	 * interp_ceval_gil (3.12+). The same fields, the same take_gil counting the switches. */
	int32_t gil_locked;
	int32_t gil_last_holder;
	int32_t gil_switch_number; /* bumped by each take of the GIL by another thread than its
				    * last holder; not in _Py_DebugOffsets: the table's from 3.13 */

	/* PyThreadState */
	int32_t tstate_prev;
	int32_t tstate_next;
	int32_t tstate_interp;
	int32_t tstate_frame;         /* up to 3.10: PyFrameObject *frame */
	int32_t tstate_cframe;        /* 3.11-3.12: _PyCFrame *cframe */
	int32_t tstate_current_frame; /* 3.13+: _PyInterpreterFrame *current_frame */
	int32_t tstate_thread_id;
	int32_t tstate_native_thread_id; /* 3.11+ */
	int32_t tstate_root_cframe; /* 3.11-3.12: the _PyCFrame under a thread's first C call into
				     * the eval loop, kept in its thread state */

	/* _PyCFrame (3.11-3.12) */
	int32_t cframe_current_frame;
	int32_t cframe_previous; /* the cframe of the C call into the eval loop before */

	/* PyFrameObject, up to 3.10 */
	int32_t frame_back;
	int32_t frame_code;
	int32_t frame_lasti;

	/* _PyInterpreterFrame, 3.11+ */
	int32_t iframe_previous;
	int32_t iframe_code;     /* f_code, or f_executable in 3.13+ */
	int32_t iframe_instr;    /* prev_instr (3.11-3.12) or instr_ptr (3.13+) */
	int32_t iframe_owner;    /* char */
	int32_t iframe_is_entry; /* bool, 3.11 only */
	/* enum _frameowner values (pycore_frame.h; 3.14: pycore_interpframe_structs.h) */
	int32_t frame_owner_generator;   /* FRAME_OWNED_BY_GENERATOR, 3.11+ */
	int32_t frame_owner_cstack;      /* FRAME_OWNED_BY_CSTACK, 3.12+: an entry frame, skipped */
	int32_t frame_owner_interpreter; /* FRAME_OWNED_BY_INTERPRETER, 3.14+: the same */
	/* Py_TAG_BITS: low bits of a _PyStackRef that are a tag, not the pointer (3.14+:
	 * f_executable is one); 0 before, when f_executable is a plain pointer. */
	int32_t stackref_tag_bits;

	/* PyCodeObject */
	int32_t code_filename;
	int32_t code_name;
	int32_t code_qualname;   /* 3.11+ */
	int32_t code_firstlineno;
	int32_t code_linetable;  /* co_lnotab up to 3.9, co_linetable from 3.10 */
	int32_t code_code_adaptive; /* 3.11+: the inline bytecode */
	int32_t code_firsttraceable; /* 3.11+: _co_firsttraceable (int) */

	/* PyBytesObject (PyStringObject in 2.7) */
	int32_t bytes_size; /* ob_size */
	int32_t bytes_data; /* ob_sval */

	/* PEP 393 unicode (3.x); -1 in 2.7 */
	int32_t unicode_length;
	int32_t unicode_state;
	int32_t unicode_ascii_size;   /* sizeof(PyASCIIObject) */
	int32_t unicode_compact_size; /* sizeof(PyCompactUnicodeObject) */
	int32_t unicode_data_ptr;     /* PyUnicodeObject.data (non-compact strings) */

	/* PyObject */
	int32_t object_type; /* ob_type */

	/* Thread names (threading_names.c): sys.modules -> threading -> _active -> Thread -> name. */

	/* PyTypeObject: telling types apart by flag, and finding an instance's __dict__. */
	int32_t type_flags;           /* tp_flags (long in 2.7, unsigned long in 3.x: 8 bytes) */
	int32_t type_dictoffset;      /* tp_dictoffset (Py_ssize_t); how <=3.10 finds __dict__ */
	int32_t heaptype_cached_keys; /* PyHeapTypeObject.ht_cached_keys (3.x): the shared keys of
				       * instances' split dicts, and of 3.11+ dict-less values */
	/* Py_TPFLAGS_* bits, the headers' macro values */
	int32_t tpflags_heaptype;      /* Py_TPFLAGS_HEAPTYPE: ht_cached_keys exists */
	int32_t tpflags_managed_dict;  /* 3.11+: Py_TPFLAGS_MANAGED_DICT */
	int32_t tpflags_inline_values; /* 3.13+: Py_TPFLAGS_INLINE_VALUES */
	int32_t tpflags_int_subclass;  /* 2.7: Py_TPFLAGS_INT_SUBCLASS */
	int32_t tpflags_long_subclass; /* Py_TPFLAGS_LONG_SUBCLASS */
	int32_t tpflags_str_subclass;  /* Py_TPFLAGS_STRING_SUBCLASS (2.7), _UNICODE_ (3.x) */
	int32_t tpflags_dict_subclass; /* Py_TPFLAGS_DICT_SUBCLASS */

	/* Managed dicts (3.11+): an instance's dict pointer sits before the object. All are
	 * distances in bytes, so they are >= 0 like every other present field. */
	int32_t managed_dict_before;   /* -MANAGED_DICT_OFFSET: the dict pointer (3.11, 3.13) or
					* the PyDictOrValues word (3.12) is this far before obj */
	int32_t managed_values_before; /* 3.11: _PyObject_ValuesPointer(obj), a PyDictValues * */
	int32_t managed_values_tag;    /* 3.12: a PyDictOrValues holding values stores the values
					* pointer minus this (odd, so its low bit says "values") */
	int32_t inline_values;         /* 3.13: _PyObject_InlineValues(obj) - obj */

	/* PyDictObject */
	int32_t dict_keys;   /* ma_keys (3.x) */
	int32_t dict_values; /* ma_values (3.x): PyObject ** up to 3.10, PyDictValues * 3.11+ */
	int32_t dict_mask;   /* ma_mask (2.7): the table has ma_mask + 1 entries */
	int32_t dict_table;  /* ma_table (2.7) */
	/* PyDictKeysObject (3.x) */
	int32_t dictkeys_size;             /* dk_size, 3.6-3.10 */
	int32_t dictkeys_log2_size;        /* uint8_t dk_log2_size, 3.11+ */
	int32_t dictkeys_log2_index_bytes; /* uint8_t dk_log2_index_bytes, 3.11+ */
	int32_t dictkeys_kind;             /* uint8_t dk_kind, 3.11+ */
	int32_t dictkeys_kind_general;     /* DICT_KEYS_GENERAL, 3.11+: entries with a hash */
	int32_t dictkeys_nentries;         /* dk_nentries */
	int32_t dictkeys_indices;          /* dk_indices: the index table, then the entries */
	/* Entries: PyDictEntry (2.7), PyDictKeyEntry (3.x) */
	int32_t dictentry_size;
	int32_t dictentry_key;
	int32_t dictentry_value;
	/* PyDictUnicodeEntry (3.11+), used when dk_kind != DICT_KEYS_GENERAL */
	int32_t dictunicode_size;
	int32_t dictunicode_key;
	int32_t dictunicode_value;
	/* PyDictValues (3.11+) */
	int32_t dictvalues_values;   /* values[] */
	int32_t dictvalues_capacity; /* uint8_t capacity, 3.13+ */
	int32_t dictvalues_valid;    /* uint8_t valid, 3.13+: inline values still in use */

	/* int objects: PyIntObject (2.7), PyLongObject */
	int32_t int_value;          /* 2.7: PyIntObject.ob_ival (long) */
	int32_t long_size;          /* ob_size (signed digit count) up to 3.11; lv_tag 3.12+ */
	int32_t long_digits;        /* ob_digit */
	int32_t long_digit_size;    /* sizeof(digit) */
	int32_t long_shift;         /* PyLong_SHIFT: value bits per digit */
	int32_t long_tag_size_shift; /* 3.12+: _PyLong_NON_SIZE_BITS (digits = lv_tag >> it) */
	int32_t long_tag_sign_mask;  /* 3.12+: _PyLong_SIGN_MASK (sign = 1 - (lv_tag & it)) */

	/* Locals (pyflame dump --locals): where a frame keeps its fast locals, the names the code
	 * object gives them, and the objects whose values a repr shows. */
	int32_t frame_localsplus;     /* PyFrameObject.f_localsplus, up to 3.10: co_nlocals locals,
				       * then a cell per co_cellvars, then one per co_freevars */
	int32_t iframe_localsplus;    /* _PyInterpreterFrame.localsplus, 3.11+ */
	int32_t code_nlocals;         /* int co_nlocals, up to 3.10 (== len(co_varnames)) */
	int32_t code_varnames;        /* tuple co_varnames, up to 3.10 */
	int32_t code_cellvars;        /* tuple co_cellvars, up to 3.10 */
	int32_t code_freevars;        /* tuple co_freevars, up to 3.10 */
	int32_t code_nlocalsplus;     /* int co_nlocalsplus, 3.11+ */
	int32_t code_localsplusnames; /* tuple co_localsplusnames, 3.11+ */
	int32_t code_localspluskinds; /* bytes co_localspluskinds, 3.11+: one kind byte a name */
	/* _PyLocals_Kind bits (3.11+, pycore_code.h) */
	int32_t co_fast_local;
	int32_t co_fast_cell;
	int32_t co_fast_free;
	int32_t co_fast_hidden; /* 3.12+: an inlined comprehension's variable, not shown */
	/* Py_INT_TAG: a _PyStackRef whose low bits are this holds an int, shifted left by 2, not a
	 * pointer (3.14+); -1 before */
	int32_t stackref_int_tag;
	int32_t type_name;   /* tp_name (const char *) */
	int32_t tuple_size;  /* ob_size */
	int32_t tuple_items; /* ob_item[], inline */
	int32_t list_size;   /* ob_size */
	int32_t list_items;  /* ob_item, a pointer to the array */
	int32_t float_value; /* ob_fval (double) */
	int32_t cell_ref;    /* PyCellObject.ob_ref */
	int32_t dict_used;   /* ma_used (Py_ssize_t): the number of items */
	/* PySetObject (set and frozenset): mask + 1 entries at table */
	int32_t set_used;
	int32_t set_mask;
	int32_t set_table;
	int32_t setentry_size;
	int32_t setentry_key;
	int32_t setentry_hash; /* -1 on a deleted entry (3.x) */
	/* 2.7's unicode (PyUnicodeObject before PEP 393): length code units at str */
	int32_t unicode27_length;
	int32_t unicode27_str;
	int32_t unicode27_unit_size; /* sizeof(Py_UNICODE): 2 or 4 */

	/* asyncio, 3.11-3.13 (asyncio_311.c; 3.14 has its own offsets): a coroutine's embedded
	 * frame and its state, the frame's value stack, and the objects done callbacks are. */
	int32_t gen_iframe;      /* PyGenObject.gi_iframe: its _PyInterpreterFrame */
	int32_t gen_frame_state; /* int8_t gi_frame_state */
	int32_t iframe_stacktop; /* int stacktop: the stack's top is localsplus[stacktop - 1] */
	/* enum _framestate values (pycore_frame.h); PY_FRAME_STATE_ABSENT where a version has no
	 * such state (SUSPENDED_YIELD_FROM before 3.13), since -1 is a state */
	int32_t frame_state_created;
	int32_t frame_state_suspended;
	int32_t frame_state_suspended_yield_from;
	int32_t frame_state_executing;
	/* 3.11-3.12: the opcodes that can follow a suspended await (RESUME; 3.11's RESUME_QUICK,
	 * 3.12's INSTRUMENTED_RESUME), -1 where absent */
	int32_t opcode_resume;
	int32_t opcode_resume_quick;
	int32_t opcode_instrumented_resume;
	int32_t type_base;      /* PyTypeObject.tp_base */
	int32_t cfunc_self;     /* PyCFunctionObject.m_self: a builtin method's __self__ */
	int32_t method_func;    /* PyMethodObject.im_func */
	int32_t method_self;    /* PyMethodObject.im_self */
	int32_t func_closure;   /* PyFunctionObject.func_closure: a tuple of cells, or NULL */
	int32_t weakref_object; /* PyWeakReference.wr_object: Py_None once the referent died */

	/* 3.13+: where, inside the target's _Py_DebugOffsets, the value of each field above is
	 * stored (offsetof(_Py_DebugOffsets, thread_state.current_frame) and so on), so that the
	 * run-time values can replace the table's. -1 before 3.13. */
	int32_t dbg_runtime_interpreters_head;
	int32_t dbg_interp_next;
	int32_t dbg_interp_threads_head;
	int32_t dbg_interp_imports_modules;
	int32_t dbg_interp_ceval_gil;
	/* interpreter_state.gil_runtime_state, _locked and _holder: offsets of the interpreter's
	 * embedded _gil and of its two fields, whose differences are gil_locked and
	 * gil_last_holder (the walker follows interp->ceval.gil, which points at that _gil). */
	int32_t dbg_interp_gil_runtime_state;
	int32_t dbg_interp_gil_locked;
	int32_t dbg_interp_gil_holder;
	int32_t dbg_tstate_prev;
	int32_t dbg_tstate_next;
	int32_t dbg_tstate_interp;
	int32_t dbg_tstate_current_frame;
	int32_t dbg_tstate_thread_id;
	int32_t dbg_tstate_native_thread_id;
	int32_t dbg_iframe_previous;
	int32_t dbg_iframe_executable;
	int32_t dbg_iframe_instr_ptr;
	int32_t dbg_iframe_owner;
	int32_t dbg_code_filename;
	int32_t dbg_code_name;
	int32_t dbg_code_qualname;
	int32_t dbg_code_linetable;
	int32_t dbg_code_firstlineno;
	int32_t dbg_code_co_code_adaptive;
	int32_t dbg_object_type;
	int32_t dbg_bytes_size;
	int32_t dbg_bytes_data;
	int32_t dbg_unicode_state;
	int32_t dbg_unicode_length;
	int32_t dbg_unicode_ascii_size;
	int32_t dbg_type_flags;   /* type_object.tp_flags */
	int32_t dbg_dict_keys;    /* dict_object.ma_keys */
	int32_t dbg_dict_values;  /* dict_object.ma_values */
	int32_t dbg_long_size;    /* long_object.lv_tag */
	int32_t dbg_long_digits;  /* long_object.ob_digit */
	int32_t dbg_iframe_localsplus;       /* interpreter_frame.localsplus */
	int32_t dbg_code_localsplusnames;    /* code_object.localsplusnames */
	int32_t dbg_code_localspluskinds;    /* code_object.localspluskinds */
	int32_t dbg_type_name;               /* type_object.tp_name */
	int32_t dbg_tuple_items;             /* tuple_object.ob_item */
	int32_t dbg_tuple_size;              /* tuple_object.ob_size */
	int32_t dbg_list_items;              /* list_object.ob_item */
	int32_t dbg_list_size;               /* list_object.ob_size */
	int32_t dbg_float_value;             /* float_object.ob_fval */
	int32_t dbg_set_used;                /* set_object.used, 3.14+ */
	int32_t dbg_set_table;               /* set_object.table, 3.14+ */
	int32_t dbg_set_mask;                /* set_object.mask, 3.14+ */
	int32_t dbg_size; /* sizeof(_Py_DebugOffsets) */
};

/* The generated table (offsets_table.c), one row per probed minor version. */
extern const struct py_offsets py_offsets_table[];
extern const size_t py_offsets_table_len;

/* Returns the row for major.minor, or NULL when this build has none. */
const struct py_offsets *py_offsets_find(int major, int minor);

#endif
