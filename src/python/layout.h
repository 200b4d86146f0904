/* layout.h: the layout the walker uses for one target: the generated offsets for its version,
 * corrected by the target's own _Py_DebugOffsets from 3.13 on, plus what follows from the
 * version (frame model, line table format). */
#ifndef PYFLAME_PYTHON_LAYOUT_H
#define PYFLAME_PYTHON_LAYOUT_H

#include <stdint.h>

#include "python/linetable.h"
#include "python/offsets.h"
#include "python/version.h"

struct mem_reader;

enum py_frame_model {
	PY_FRAME_OBJECTS,      /* up to 3.10: a chain of PyFrameObject through f_back */
	PY_FRAME_INTERPRETER,  /* 3.11+: _PyInterpreterFrame through previous */
};

/* Where a thread state's innermost frame pointer is reached. */
enum py_tstate_frame_path {
	PY_TSTATE_FRAME,         /* tstate->frame (up to 3.10) */
	PY_TSTATE_CFRAME,        /* tstate->cframe->current_frame (3.11, 3.12) */
	PY_TSTATE_CURRENT_FRAME, /* tstate->current_frame (3.13+) */
};

/* How the GIL holder is found. */
enum py_gil_model {
	PY_GIL_TSTATE_CURRENT,  /* _PyThreadState_Current (2.7, 3.6) */
	PY_GIL_GILSTATE,        /* _PyRuntime.gilstate.tstate_current (3.7-3.11) */
	PY_GIL_INTERP_POINTER,  /* interp->ceval.gil -> {locked, last_holder} (3.12+) */
};

struct py_layout {
	struct py_version version;
	struct py_offsets o;
	enum py_frame_model frames;
	enum py_tstate_frame_path tstate_frame;
	enum py_gil_model gil;
	enum py_linetable_kind lines;
	int from_debug_offsets; /* 1 when _Py_DebugOffsets were read and applied */
};

/* Fills l for version v. For 3.13+, every field _Py_DebugOffsets describe is read from the
 * target's own copy at runtime (through r), never from the table; a missing struct, a cookie
 * or version mismatch, or a free-threaded build is an error rather than a guess. Returns 0, or
 * -1 with a reason in err (also when this build has no layout for v). */
int py_layout_init(struct py_layout *l, const struct py_version *v, struct mem_reader *r,
		   uint64_t runtime, char *err, size_t errlen);

/* The same from a given table row instead of the generated table's: for tests that prove
 * which fields come from the target (a row with wrong values there gives the same walk). */
int py_layout_init_row(struct py_layout *l, const struct py_version *v,
		       const struct py_offsets *row, struct mem_reader *r, uint64_t runtime,
		       char *err, size_t errlen);

#endif
