/* locals.h: a frame's local variables, read from the target: their names from the frame's code
 * object, their values from the frame's fast locals, each value as a bounded repr (repr.h).
 *
 * Up to 3.10 a frame object's f_localsplus holds the locals co_varnames names, then a cell per
 * co_cellvars, then one per co_freevars; from 3.11 the interpreter frame's localsplus holds one
 * slot per co_localsplusnames name, whose co_localspluskinds byte says local, cell or free
 * (and, from 3.12, hidden: an inlined comprehension's, left out as CPython leaves it out of
 * f_locals). A cell or free variable shows the cell's contents. 3.14's slots are
 * _PyStackRefs: tag bits masked off, and a tagged int shown as the int it holds. A local not
 * bound (not assigned yet, or deleted: a NULL slot, an empty cell) is left out.
 *
 * Module and class bodies keep their variables in dicts, not in fast locals: their frames
 * have none to show.
 */
#ifndef PYFLAME_PYTHON_LOCALS_H
#define PYFLAME_PYTHON_LOCALS_H

#include <stddef.h>
#include <stdint.h>

struct py_walker;
struct py_raw_frame;

/* Most locals read of one frame: a function with more (generated code) shows its first ones. */
#define PY_LOCALS_MAX 256
/* Longest local name kept, in bytes with the NUL. */
#define PY_LOCAL_NAME_MAX 128

/* One bound local, as given to the caller: every string NUL-terminated, valid for the call. */
struct py_local {
	const char *name;
	const char *type; /* its value's type name: "int", "Point" */
	const char *repr; /* at most PY_REPR_MAX bytes, UTF-8 */
};

struct py_locals;

/* A reading session over w (borrowed): the names of each code object are read once and kept
 * until py_locals_free, so only for as long as the target stands still (one dump). Returns
 * NULL when out of memory. */
struct py_locals *py_locals_new(struct py_walker *w);
void py_locals_free(struct py_locals *l);

/* Calls fn(arg, local) for each bound local of frame f (as py_stack_read gave it, its code
 * object readable), in the code's order (arguments first), until fn returns non-zero. Returns
 * how many fn was given, or PY_WALK_BAD_READ when the names or the slots cannot be read (a
 * value that cannot be read is still given, as <unreadable at 0x...>). *more is set when the
 * frame has more than PY_LOCALS_MAX slots, of which only the first were read. */
int py_locals_read(struct py_locals *l, const struct py_raw_frame *f,
		   int (*fn)(void *arg, const struct py_local *v), void *arg, int *more);

#endif
