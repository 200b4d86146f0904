/* repr.h: a bounded repr of a Python object read from the target, without running any of its
 * code: what `pyflame dump --locals` shows of each local variable.
 *
 * The common types are shown as Python 3 writes them: None, True, False, ints, floats (the
 * shortest repr that reads back), str and bytes (quoted and escaped), and for tuple, list, set,
 * frozenset and dict their first items and their length. 2.7's own types keep their marks: a
 * str is bytes ('...', no b), a unicode u'...', a long ends in L. Anything else is
 * <TypeName at 0x...>, the type's tp_name read from the target. Every repr is valid UTF-8.
 */
#ifndef PYFLAME_PYTHON_REPR_H
#define PYFLAME_PYTHON_REPR_H

#include <stddef.h>
#include <stdint.h>

#include "python/objects.h"

struct py_walker;

/* The bounds of one repr, so that a dump of any program stays small and quick:
 * - PY_REPR_MAX bytes in all (NUL included); a longer one is cut and ends with "...";
 * - a str's first PY_REPR_CHARS code points, a bytes' first PY_REPR_CHARS bytes, then
 *   "... (N chars)" or "... (N bytes)" after the closing quote;
 * - a container's first PY_REPR_ITEMS items, then "... (N items)"; a container inside a
 *   container shows its items too, one inside that only its length: [[1, [... (2 items)]]];
 * - an int of more than PY_REPR_INT_DIGITS decimal digits is <int of N digits>. */
#define PY_REPR_MAX 512
#define PY_REPR_CHARS 80
#define PY_REPR_ITEMS 5
#define PY_REPR_INT_DIGITS 40
/* Longest type name kept ("collections.OrderedDict"); a longer one is cut. */
#define PY_REPR_TYPE_MAX 64

/* Types seen, by address: each is read and classified once per py_repr. */
#define PY_REPR_TYPES 64

struct py_repr_type {
	uint64_t addr;
	int kind; /* what repr.c makes of it */
	char name[PY_REPR_TYPE_MAX];
};

/* A repr session over one walker: the objects reader and the types seen. Embedded; nothing to
 * release. */
struct py_repr {
	struct py_objects objs;
	struct py_repr_type types[PY_REPR_TYPES];
	size_t n_types, next_evict;
};

/* Starts a session reading through w (borrowed; it must outlive r). */
void py_repr_init(struct py_repr *r, struct py_walker *w);

/* Writes the repr of the object at obj into out (cap bytes with the NUL, at most PY_REPR_MAX
 * used) and its type's name into type (tcap bytes). Returns 0; or PY_WALK_BAD_READ when obj's
 * type cannot be read, out then saying <unreadable at 0x...> and type "?". A part of it that
 * cannot be read (a container's items) shows as <TypeName at 0x...>. */
int py_repr(struct py_repr *r, uint64_t obj, char *out, size_t cap, char *type, size_t tcap);

/* If the object at obj is a cell (a closure's variable), its contents into *out (0 when the
 * cell is empty) and 1; 0 when it is not a cell; PY_WALK_BAD_READ. */
int py_repr_cell_contents(struct py_repr *r, uint64_t obj, uint64_t *out);

#endif
