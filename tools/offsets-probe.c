/* offsets-probe.c: prints one row of src/python/offsets_table.c for the Python whose headers
 * it is compiled against. tools/gen-offsets builds it once per installed Python:
 *
 *   gcc -DPy_BUILD_CORE -I<include> [-I<include>/internal] tools/offsets-probe.c
 *
 * Every value comes from offsetof() or sizeof() on CPython's own structs (house rule 9), so a
 * renamed or removed member stops the build instead of producing a wrong number. The fields are
 * printed in the order struct py_offsets declares them; gen-offsets checks that order against
 * src/python/offsets.h so that a field added there cannot be silently left out here.
 *
 * Usage: probe key   prints "MAJOR MINOR PY_VERSION_HEX" (gen-offsets sorts and dedups on it)
 *        probe row   prints the designated-initializer row
 * Exit status 2 means "a build the table cannot describe" (see below); gen-offsets skips it.
 */
/* Python.h first, as CPython asks: its pyconfig.h sets feature macros (2.7 redefines
 * _POSIX_C_SOURCE) that must be seen before any system header. */
#include <Python.h>
#include <frameobject.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The interpreter and runtime structs left the public headers step by step, and every internal
 * header refuses to build without Py_BUILD_CORE:
 *   2.7, 3.6: PyInterpreterState/PyThreadState are public (pystate.h); no _PyRuntimeState.
 *   3.7:  _PyRuntimeState in internal/pystate.h (named by its directory: the bare name would
 *         find the public pystate.h or this one depending on -I order).
 *   3.8:  struct _is moves to internal/pycore_pystate.h.
 *   3.9+: struct _is in pycore_interp.h, _PyRuntimeState in pycore_runtime.h.
 *   3.11+: _PyInterpreterFrame in pycore_frame.h.
 *   3.12+: struct _gil_runtime_state in pycore_gil.h.
 *   3.13: _Py_DebugOffsets in pycore_runtime.h. */
#if PY_VERSION_HEX >= 0x03070000 && PY_VERSION_HEX < 0x03080000
#include <internal/pystate.h>
#elif PY_VERSION_HEX >= 0x03080000
#include <internal/pycore_pystate.h>
#endif
#if PY_VERSION_HEX >= 0x03090000
#include <internal/pycore_interp.h>
#include <internal/pycore_runtime.h>
#endif
#if PY_VERSION_HEX >= 0x030B0000
#include <internal/pycore_frame.h>
#endif
#if PY_VERSION_HEX >= 0x030C0000
#include <internal/pycore_gil.h>
#endif

/* py_offsets.probed_version is char[16], terminator included. */
_Static_assert(sizeof(PY_VERSION) <= 16, "PY_VERSION does not fit py_offsets.probed_version");

#if PY_MAJOR_VERSION >= 3
/* PyASCIIObject.state is a struct of bit-fields, so offsetof() can name it; the walker also
 * assumes it directly follows hash (3.12 removed wstr after it, nothing was added before). */
_Static_assert(offsetof(PyASCIIObject, state) == offsetof(PyASCIIObject, hash) + sizeof(Py_hash_t),
	       "PyASCIIObject.state does not follow hash");
#endif

static void put(const char *name, long value)
{
	printf("\t\t.%s = %ld,\n", name, value);
}

/* A macro only because offsetof() needs the member spelled out; it stringizes the field name so
 * each line is written once. */
#define OFF(field, type, member) put(#field, (long)offsetof(type, member))
#define SIZE(field, type) put(#field, (long)sizeof(type))
#define ABSENT(field) put(#field, -1L)

static void print_runtime(void)
{
#if PY_VERSION_HEX >= 0x03070000
	OFF(runtime_interpreters_head, _PyRuntimeState, interpreters.head);
#else
	ABSENT(runtime_interpreters_head); /* no _PyRuntime before 3.7 */
#endif
#if PY_VERSION_HEX >= 0x03070000 && PY_VERSION_HEX < 0x030C0000
	OFF(runtime_gilstate_tstate_current, _PyRuntimeState, gilstate.tstate_current);
#else
	/* 3.12 made the current tstate a C thread-local (_Py_tss_tstate) */
	ABSENT(runtime_gilstate_tstate_current);
#endif
}

static void print_interp(void)
{
	OFF(interp_next, PyInterpreterState, next);
#if PY_VERSION_HEX >= 0x030B0000
	OFF(interp_tstate_head, PyInterpreterState, threads.head);
#else
	OFF(interp_tstate_head, PyInterpreterState, tstate_head);
#endif
#if PY_VERSION_HEX >= 0x030C0000
	/* 3.12: modules moved under imports, and the GIL became per interpreter, reached through
	 * the pointer ceval.gil (for the main interpreter it points at interp->_gil). */
	OFF(interp_modules, PyInterpreterState, imports.modules);
	OFF(interp_ceval_gil, PyInterpreterState, ceval.gil);
	OFF(gil_locked, struct _gil_runtime_state, locked);
	OFF(gil_last_holder, struct _gil_runtime_state, last_holder);
#else
	OFF(interp_modules, PyInterpreterState, modules);
	ABSENT(interp_ceval_gil);
	ABSENT(gil_locked);
	ABSENT(gil_last_holder);
#endif
}

static void print_tstate(void)
{
#if PY_MAJOR_VERSION >= 3
	OFF(tstate_prev, PyThreadState, prev);
#else
	ABSENT(tstate_prev); /* 2.7's thread list is singly linked */
#endif
	OFF(tstate_next, PyThreadState, next);
	OFF(tstate_interp, PyThreadState, interp);
#if PY_VERSION_HEX < 0x030B0000
	OFF(tstate_frame, PyThreadState, frame);
	ABSENT(tstate_cframe);
	ABSENT(tstate_current_frame);
#elif PY_VERSION_HEX < 0x030D0000
	/* 3.11-3.12: the frame is tstate->cframe->current_frame */
	ABSENT(tstate_frame);
	OFF(tstate_cframe, PyThreadState, cframe);
	ABSENT(tstate_current_frame);
#else
	/* 3.13 removed _PyCFrame and put current_frame on the tstate */
	ABSENT(tstate_frame);
	ABSENT(tstate_cframe);
	OFF(tstate_current_frame, PyThreadState, current_frame);
#endif
	OFF(tstate_thread_id, PyThreadState, thread_id);
#if PY_VERSION_HEX >= 0x030B0000
	OFF(tstate_native_thread_id, PyThreadState, native_thread_id);
#else
	ABSENT(tstate_native_thread_id);
#endif
#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000
	/* 3.10 already has a CFrame (typedef CFrame, no current_frame); 3.11 renamed it _PyCFrame */
	OFF(cframe_current_frame, _PyCFrame, current_frame);
#else
	ABSENT(cframe_current_frame);
#endif
}

static void print_frames(void)
{
#if PY_VERSION_HEX < 0x030B0000
	OFF(frame_back, PyFrameObject, f_back);
	OFF(frame_code, PyFrameObject, f_code);
	OFF(frame_lasti, PyFrameObject, f_lasti);
	ABSENT(iframe_previous);
	ABSENT(iframe_code);
	ABSENT(iframe_instr);
	ABSENT(iframe_owner);
	ABSENT(iframe_is_entry);
#else
	/* 3.11: frames are _PyInterpreterFrame records; PyFrameObject is a lazy wrapper */
	ABSENT(frame_back);
	ABSENT(frame_code);
	ABSENT(frame_lasti);
	OFF(iframe_previous, _PyInterpreterFrame, previous);
#if PY_VERSION_HEX >= 0x030D0000
	OFF(iframe_code, _PyInterpreterFrame, f_executable);
	OFF(iframe_instr, _PyInterpreterFrame, instr_ptr);
#else
	OFF(iframe_code, _PyInterpreterFrame, f_code);
	OFF(iframe_instr, _PyInterpreterFrame, prev_instr);
#endif
	OFF(iframe_owner, _PyInterpreterFrame, owner);
#if PY_VERSION_HEX < 0x030C0000
	OFF(iframe_is_entry, _PyInterpreterFrame, is_entry);
#else
	ABSENT(iframe_is_entry); /* 3.12 replaced it with FRAME_OWNED_BY_CSTACK shim frames */
#endif
#endif
}

static void print_code(void)
{
	OFF(code_filename, PyCodeObject, co_filename);
	OFF(code_name, PyCodeObject, co_name);
#if PY_VERSION_HEX >= 0x030B0000
	OFF(code_qualname, PyCodeObject, co_qualname);
#else
	ABSENT(code_qualname);
#endif
	OFF(code_firstlineno, PyCodeObject, co_firstlineno);
#if PY_VERSION_HEX >= 0x030A0000
	OFF(code_linetable, PyCodeObject, co_linetable); /* PEP 626 table; co_lnotab is gone */
#else
	OFF(code_linetable, PyCodeObject, co_lnotab);
#endif
#if PY_VERSION_HEX >= 0x030B0000
	OFF(code_code_adaptive, PyCodeObject, co_code_adaptive);
	OFF(code_firsttraceable, PyCodeObject, _co_firsttraceable);
#else
	ABSENT(code_code_adaptive);
	ABSENT(code_firsttraceable);
#endif
}

static void print_strings(void)
{
#if PY_MAJOR_VERSION >= 3
	OFF(bytes_size, PyBytesObject, ob_base.ob_size);
	OFF(bytes_data, PyBytesObject, ob_sval);
	OFF(unicode_length, PyASCIIObject, length);
	OFF(unicode_state, PyASCIIObject, state);
	SIZE(unicode_ascii_size, PyASCIIObject);
	SIZE(unicode_compact_size, PyCompactUnicodeObject);
	OFF(unicode_data_ptr, PyUnicodeObject, data);
#else
	/* 2.7 code names are str (PyStringObject), whose PyObject_VAR_HEAD is spelled out inline */
	OFF(bytes_size, PyStringObject, ob_size);
	OFF(bytes_data, PyStringObject, ob_sval);
	ABSENT(unicode_length);
	ABSENT(unicode_state);
	ABSENT(unicode_ascii_size);
	ABSENT(unicode_compact_size);
	ABSENT(unicode_data_ptr);
#endif
	OFF(object_type, PyObject, ob_type);
}

/* Where, inside 3.13's _Py_DebugOffsets, the target keeps each of its own offsets. */
static void print_debug_offsets(void)
{
#if PY_VERSION_HEX >= 0x030D0000
#define DBG(field, member) OFF(field, _Py_DebugOffsets, member)
#define DBG_SIZE(field) SIZE(field, _Py_DebugOffsets)
#else
#define DBG(field, member) ABSENT(field)
#define DBG_SIZE(field) ABSENT(field)
#endif
	DBG(dbg_runtime_interpreters_head, runtime_state.interpreters_head);
	DBG(dbg_interp_next, interpreter_state.next);
	DBG(dbg_interp_threads_head, interpreter_state.threads_head);
	DBG(dbg_interp_imports_modules, interpreter_state.imports_modules);
	DBG(dbg_interp_ceval_gil, interpreter_state.ceval_gil);
	DBG(dbg_gil_locked, interpreter_state.gil_runtime_state_locked);
	DBG(dbg_gil_holder, interpreter_state.gil_runtime_state_holder);
	DBG(dbg_tstate_prev, thread_state.prev);
	DBG(dbg_tstate_next, thread_state.next);
	DBG(dbg_tstate_interp, thread_state.interp);
	DBG(dbg_tstate_current_frame, thread_state.current_frame);
	DBG(dbg_tstate_thread_id, thread_state.thread_id);
	DBG(dbg_tstate_native_thread_id, thread_state.native_thread_id);
	DBG(dbg_iframe_previous, interpreter_frame.previous);
	DBG(dbg_iframe_executable, interpreter_frame.executable);
	DBG(dbg_iframe_instr_ptr, interpreter_frame.instr_ptr);
	DBG(dbg_iframe_owner, interpreter_frame.owner);
	DBG(dbg_code_filename, code_object.filename);
	DBG(dbg_code_name, code_object.name);
	DBG(dbg_code_qualname, code_object.qualname);
	DBG(dbg_code_linetable, code_object.linetable);
	DBG(dbg_code_firstlineno, code_object.firstlineno);
	DBG(dbg_code_co_code_adaptive, code_object.co_code_adaptive);
	DBG(dbg_object_type, pyobject.ob_type);
	DBG(dbg_bytes_size, bytes_object.ob_size);
	DBG(dbg_bytes_data, bytes_object.ob_sval);
	DBG(dbg_unicode_state, unicode_object.state);
	DBG(dbg_unicode_length, unicode_object.length);
	DBG(dbg_unicode_ascii_size, unicode_object.asciiobject_size);
	DBG_SIZE(dbg_size);
}

/* The table is keyed by major.minor and describes release builds with the normal object
 * header. Py_TRACE_REFS (implied by Py_DEBUG up to 3.7) adds two pointers to every object, a
 * free-threaded build (Py_GIL_DISABLED) changes the header too, and Py_DEBUG can add members
 * elsewhere: a row from such a build would misdescribe that minor's release builds. */
static const char *unsupported_build(void)
{
#if defined(Py_TRACE_REFS)
	return "Py_TRACE_REFS build";
#elif defined(Py_GIL_DISABLED)
	return "free-threaded (Py_GIL_DISABLED) build";
#elif defined(Py_DEBUG)
	return "debug (Py_DEBUG) build";
#else
	return NULL;
#endif
}

int main(int argc, char **argv)
{
	const char *why = unsupported_build();

	if (argc != 2 || (strcmp(argv[1], "key") != 0 && strcmp(argv[1], "row") != 0)) {
		fprintf(stderr, "usage: %s key|row\n", argv[0]);
		return 1;
	}
	if (why) {
		fprintf(stderr, "%s %s\n", PY_VERSION, why);
		return 2;
	}
	if (strcmp(argv[1], "key") == 0) {
		printf("%d %d %08lx\n", PY_MAJOR_VERSION, PY_MINOR_VERSION,
		       (unsigned long)PY_VERSION_HEX);
		return 0;
	}

	printf("\t{\n");
	printf("\t\t.major = %d,\n\t\t.minor = %d,\n", PY_MAJOR_VERSION, PY_MINOR_VERSION);
	printf("\t\t.probed_version = \"%s\",\n", PY_VERSION);
	print_runtime();
	print_interp();
	print_tstate();
	print_frames();
	print_code();
	print_strings();
	print_debug_offsets();
	printf("\t},\n");
	return 0;
}
