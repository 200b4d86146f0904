/* layout.c: choosing and correcting the struct layout for a target. */
#include "python/layout.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "mem/reader.h"

/* Each row: a field of struct py_offsets, and the field holding where its value sits inside
 * _Py_DebugOffsets. One table instead of one assignment per field and per version. */
static const struct {
	size_t field, position;
} debug_map[] = {
#define MAP(f) { offsetof(struct py_offsets, f), offsetof(struct py_offsets, dbg_##f) }
	{ offsetof(struct py_offsets, runtime_interpreters_head),
	  offsetof(struct py_offsets, dbg_runtime_interpreters_head) },
	MAP(interp_next),
	{ offsetof(struct py_offsets, interp_tstate_head),
	  offsetof(struct py_offsets, dbg_interp_threads_head) },
	{ offsetof(struct py_offsets, interp_modules),
	  offsetof(struct py_offsets, dbg_interp_imports_modules) },
	MAP(interp_ceval_gil),
	/* gil_locked and gil_last_holder are derived below: the debug offsets give them inside
	 * PyInterpreterState's embedded _gil, and the walker follows interp->ceval.gil. */
	MAP(tstate_prev),
	MAP(tstate_next),
	MAP(tstate_interp),
	MAP(tstate_current_frame),
	MAP(tstate_thread_id),
	MAP(tstate_native_thread_id),
	MAP(iframe_previous),
	{ offsetof(struct py_offsets, iframe_code), offsetof(struct py_offsets, dbg_iframe_executable) },
	{ offsetof(struct py_offsets, iframe_instr), offsetof(struct py_offsets, dbg_iframe_instr_ptr) },
	MAP(iframe_owner),
	MAP(code_filename),
	MAP(code_name),
	MAP(code_qualname),
	MAP(code_linetable),
	MAP(code_firstlineno),
	{ offsetof(struct py_offsets, code_code_adaptive),
	  offsetof(struct py_offsets, dbg_code_co_code_adaptive) },
	MAP(object_type),
	MAP(bytes_size),
	MAP(bytes_data),
	MAP(unicode_state),
	MAP(unicode_length),
	MAP(unicode_ascii_size),
	MAP(type_flags),
	MAP(dict_keys),
	MAP(dict_values),
	MAP(long_size),
	MAP(long_digits),
	MAP(iframe_localsplus),
	MAP(code_localsplusnames),
	MAP(code_localspluskinds),
	MAP(type_name),
	MAP(tuple_items),
	MAP(tuple_size),
	MAP(list_items),
	MAP(list_size),
	MAP(float_value),
	/* 3.14+ only: 3.13's struct has no set group (dbg_set_* -1), so its sets keep the
	 * table's offsets. */
	MAP(set_used),
	MAP(set_table),
	MAP(set_mask),
#undef MAP
};

static int32_t *field_at(struct py_offsets *o, size_t off)
{
	return (int32_t *)((char *)o + off);
}

/* Largest debug-offsets struct we accept; 3.13.0's is 584 bytes. */
#define DEBUG_OFFSETS_MAX 4096
/* No struct we walk is anywhere near this big; a larger value is a corrupt target. */
#define FIELD_OFFSET_MAX 65536

/* The value at position pos of the debug offsets in buf (dbg_size bytes), or -1. */
static int64_t debug_value(const struct py_offsets *o, const uint8_t *buf, int32_t pos)
{
	if (pos < 0 || pos + 8 > o->dbg_size)
		return -1;
	uint64_t v;
	memcpy(&v, buf + pos, 8);
	return v < FIELD_OFFSET_MAX ? (int64_t)v : -2;
}

/* Every field the target's _Py_DebugOffsets describe is taken from them and from nowhere
 * else: the table's values for those fields are forgotten first, so a field the target did
 * not give stays absent (-1) rather than falling back to a probe of other headers. A field
 * that minor's struct has no place for (dbg_* -1: 3.13's sets) keeps the table's value. The table
 * only says where in _Py_DebugOffsets each value sits (dbg_*), and the few facts the struct
 * does not carry (see offsets.h: frame owners, tags, dict and string internals). */
static int apply_debug_offsets(struct py_layout *l, struct mem_reader *r, uint64_t runtime,
			       char *err, size_t errlen)
{
	struct py_offsets *o = &l->o;
	if (o->dbg_size <= 24 || o->dbg_size > DEBUG_OFFSETS_MAX) {
		snprintf(err, errlen, "this build does not know the layout of Python %d.%d's "
			 "_Py_DebugOffsets", l->version.major, l->version.minor);
		return -1;
	}
	if (!runtime) {
		snprintf(err, errlen, "_PyRuntime not found: Python %d.%d's layout is read from it",
			 l->version.major, l->version.minor);
		return -1;
	}
	uint8_t buf[DEBUG_OFFSETS_MAX];
	if (mem_read(r, runtime, buf, (size_t)o->dbg_size) != 0) {
		snprintf(err, errlen, "cannot read _Py_DebugOffsets at 0x%llx",
			 (unsigned long long)runtime);
		return -1;
	}
	if (memcmp(buf, "xdebugpy", 8) != 0) {
		snprintf(err, errlen, "_Py_DebugOffsets cookie not found in the target");
		return -1;
	}
	uint64_t version;
	memcpy(&version, buf + 8, 8);
	/* The struct is only stable within one minor version (pycore_runtime.h). */
	if ((int)(version >> 24) != l->version.major ||
	    (int)((version >> 16) & 0xff) != l->version.minor) {
		snprintf(err, errlen, "target's _Py_DebugOffsets are for %d.%d, not %d.%d",
			 (int)(version >> 24), (int)((version >> 16) & 0xff), l->version.major,
			 l->version.minor);
		return -1;
	}
	uint64_t free_threaded;
	memcpy(&free_threaded, buf + 16, 8);
	if (free_threaded) {
		snprintf(err, errlen, "Python %d.%d is a free-threaded build, which pyflame does not "
			 "read yet", l->version.major, l->version.minor);
		return -1;
	}
	for (size_t i = 0; i < sizeof debug_map / sizeof debug_map[0]; i++) {
		if (*field_at(o, debug_map[i].position) < 0)
			continue; /* not described by this minor's struct: the table's value */
		int64_t v = debug_value(o, buf, *field_at(o, debug_map[i].position));
		if (v == -2) {
			snprintf(err, errlen, "target's _Py_DebugOffsets hold an implausible offset");
			return -1;
		}
		*field_at(o, debug_map[i].field) = (int32_t)v;
	}
	int64_t gil = debug_value(o, buf, o->dbg_interp_gil_runtime_state);
	int64_t locked = debug_value(o, buf, o->dbg_interp_gil_locked);
	int64_t holder = debug_value(o, buf, o->dbg_interp_gil_holder);
	int ok = gil >= 0 && locked >= gil && holder >= gil;
	o->gil_locked = ok ? (int32_t)(locked - gil) : -1;
	o->gil_last_holder = ok ? (int32_t)(holder - gil) : -1;
	l->from_debug_offsets = 1;
	return 0;
}

int py_layout_init(struct py_layout *l, const struct py_version *v, struct mem_reader *r,
		   uint64_t runtime, char *err, size_t errlen)
{
	const struct py_offsets *row = py_offsets_find(v->major, v->minor);
	if (!row) {
		memset(l, 0, sizeof *l);
		snprintf(err, errlen, "Python %d.%d is not supported by this build (no layout for "
			 "ABI %d%d)", v->major, v->minor, v->major, v->minor);
		return -1;
	}
	return py_layout_init_row(l, v, row, r, runtime, err, errlen);
}

int py_layout_init_row(struct py_layout *l, const struct py_version *v,
		       const struct py_offsets *row, struct mem_reader *r, uint64_t runtime,
		       char *err, size_t errlen)
{
	memset(l, 0, sizeof *l);
	l->version = *v;
	l->o = *row;
	int m = v->major * 100 + v->minor;
	l->frames = m >= 311 ? PY_FRAME_INTERPRETER : PY_FRAME_OBJECTS;
	l->tstate_frame = m >= 313 ? PY_TSTATE_CURRENT_FRAME
			: m >= 311 ? PY_TSTATE_CFRAME
				   : PY_TSTATE_FRAME;
	l->gil = m >= 312 ? PY_GIL_INTERP_POINTER : m >= 307 ? PY_GIL_GILSTATE
							      : PY_GIL_TSTATE_CURRENT;
	l->lines = py_linetable_kind_for(v->major, v->minor);
	if (m >= 313) {
		/* From 3.13 the target describes itself: what it describes, only it says. */
		for (size_t i = 0; i < sizeof debug_map / sizeof debug_map[0]; i++)
			if (*field_at(&l->o, debug_map[i].position) >= 0)
				*field_at(&l->o, debug_map[i].field) = -1;
		l->o.gil_locked = l->o.gil_last_holder = -1;
		if (apply_debug_offsets(l, r, runtime, err, errlen) != 0)
			return -1;
	}
	return 0;
}
