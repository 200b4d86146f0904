/* offsets-probe.c: compiled by tools/gen-offsets against one Python's headers; prints one row
 * of src/python/offsets_table.c. Only offsetof() and sizeof: no number is typed by hand.
 * Build: gcc -DPy_BUILD_CORE -I<include> [-I<include>/internal] offsets-probe.c */
#include <stddef.h>
#include <stdio.h>

#include <Python.h>
#include <frameobject.h>

#if PY_MAJOR_VERSION == 3 && PY_MINOR_VERSION == 7
#include <internal/pystate.h>
#elif PY_VERSION_HEX >= 0x03080000
#include <internal/pycore_pystate.h>
#endif
#if PY_VERSION_HEX >= 0x03090000
#include <internal/pycore_runtime.h>
#include <internal/pycore_interp.h>
#endif
#if PY_VERSION_HEX >= 0x030B0000
#include <internal/pycore_frame.h>
#include <internal/pycore_code.h>
#endif
#if PY_VERSION_HEX >= 0x030C0000
#include <internal/pycore_gil.h>
#endif

static void field(const char *name, long value)
{
	printf("\t\t.%s = %ld,\n", name, value);
}

#define ABSENT(name) field(#name, -1)
#define OFF(name, type, member) field(#name, (long)offsetof(type, member))

int main(void)
{
	printf("\t{\n\t\t.major = %d,\n\t\t.minor = %d,\n\t\t.probed_version = \"%s\",\n",
	       PY_MAJOR_VERSION, PY_MINOR_VERSION, PY_VERSION);

	/* _PyRuntimeState */
#if PY_VERSION_HEX >= 0x03070000
	OFF(runtime_interpreters_head, _PyRuntimeState, interpreters.head);
#else
	ABSENT(runtime_interpreters_head);
#endif
#if PY_VERSION_HEX >= 0x03070000 && PY_VERSION_HEX < 0x030C0000
	OFF(runtime_gilstate_tstate_current, _PyRuntimeState, gilstate.tstate_current);
#else
	ABSENT(runtime_gilstate_tstate_current);
#endif

	/* PyInterpreterState */
	OFF(interp_next, PyInterpreterState, next);
#if PY_VERSION_HEX >= 0x030B0000
	OFF(interp_tstate_head, PyInterpreterState, threads.head);
#else
	OFF(interp_tstate_head, PyInterpreterState, tstate_head);
#endif
#if PY_VERSION_HEX >= 0x030C0000
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

	/* PyThreadState (2.7 has no prev) */
#if PY_MAJOR_VERSION >= 3
	OFF(tstate_prev, PyThreadState, prev);
#else
	ABSENT(tstate_prev);
#endif
	OFF(tstate_next, PyThreadState, next);
	OFF(tstate_interp, PyThreadState, interp);
#if PY_VERSION_HEX < 0x030B0000
	OFF(tstate_frame, PyThreadState, frame);
	ABSENT(tstate_cframe);
	ABSENT(tstate_current_frame);
#elif PY_VERSION_HEX < 0x030D0000
	ABSENT(tstate_frame);
	OFF(tstate_cframe, PyThreadState, cframe);
	ABSENT(tstate_current_frame);
#else
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
	OFF(cframe_current_frame, _PyCFrame, current_frame);
#else
	ABSENT(cframe_current_frame);
#endif

	/* Frames */
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
	ABSENT(iframe_is_entry);
#endif
#endif

	/* PyCodeObject */
	OFF(code_filename, PyCodeObject, co_filename);
	OFF(code_name, PyCodeObject, co_name);
#if PY_VERSION_HEX >= 0x030B0000
	OFF(code_qualname, PyCodeObject, co_qualname);
#else
	ABSENT(code_qualname);
#endif
	OFF(code_firstlineno, PyCodeObject, co_firstlineno);
#if PY_VERSION_HEX >= 0x030A0000
	OFF(code_linetable, PyCodeObject, co_linetable);
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

	/* bytes (2.7: str) */
#if PY_MAJOR_VERSION >= 3
	OFF(bytes_size, PyBytesObject, ob_base.ob_size);
	OFF(bytes_data, PyBytesObject, ob_sval);
	OFF(unicode_length, PyASCIIObject, length);
	/* state is a bit-field, so offsetof cannot name it: it is the member after hash. */
	field("unicode_state", (long)(offsetof(PyASCIIObject, hash) + sizeof(Py_hash_t)));
	field("unicode_ascii_size", (long)sizeof(PyASCIIObject));
	field("unicode_compact_size", (long)sizeof(PyCompactUnicodeObject));
	OFF(unicode_data_ptr, PyUnicodeObject, data);
#else
	OFF(bytes_size, PyStringObject, ob_size);
	OFF(bytes_data, PyStringObject, ob_sval);
	ABSENT(unicode_length);
	ABSENT(unicode_state);
	ABSENT(unicode_ascii_size);
	ABSENT(unicode_compact_size);
	ABSENT(unicode_data_ptr);
#endif
	OFF(object_type, PyObject, ob_type);

	/* Where 3.13+'s _Py_DebugOffsets keep each value. */
#if PY_VERSION_HEX >= 0x030D0000
#define DBG(name, member) OFF(name, _Py_DebugOffsets, member)
#else
#define DBG(name, member) ABSENT(name)
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
#if PY_VERSION_HEX >= 0x030D0000
	field("dbg_size", (long)sizeof(_Py_DebugOffsets));
#else
	ABSENT(dbg_size);
#endif
	printf("\t},\n");
	return 0;
}
