/* objects.h: reading CPython objects from the target, through the walker's reader and layout:
 * an object's type and whether it is a str, ints, dicts (every way CPython has stored them)
 * and an instance's own attributes. Shared by what reads Python data rather than frames:
 * thread names, locals, reprs and asyncio tasks; and a module of sys.modules.
 *
 * Every call reads a process that may be running: counts are bounded before they size a read,
 * and a bad pointer is PY_WALK_BAD_READ, never a crash or a loop.
 */
#ifndef PYFLAME_PYTHON_OBJECTS_H
#define PYFLAME_PYTHON_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

struct py_offsets;
struct py_walker;

/* One reading session: the walker (reader and layout) and a little memory between calls. */
struct py_objects {
	struct py_walker *w;
	const struct py_offsets *o; /* &w->layout.o */
	uint64_t str_type; /* the last type seen to be str, so most keys cost no flags read */
};

/* A dict's live entries, however the version stores them. */
struct py_dict_view {
	uint64_t entries; /* address of entry 0 */
	size_t n;         /* entries to scan (bounded) */
	size_t entry_size, key_off, value_off;
	uint64_t values;  /* split or managed values: value i is the pointer at values + 8 * i; 0:
			   * each entry holds its own value */
	int str_keys;     /* every key is an exact str (3.11+ non-general keys kinds) */
};

/* The pointer at base + off into *out. Returns 0, or PY_WALK_BAD_READ (also when off < 0: a
 * field this version does not have). */
int py_obj_read_ptr(struct py_objects *c, uint64_t base, int32_t off, uint64_t *out);

/* The type of obj into *type and its tp_flags into *flags. Returns 0 or PY_WALK_BAD_READ. */
int py_obj_type(struct py_objects *c, uint64_t obj, uint64_t *type, uint64_t *flags);

/* The name of the type at type (its tp_name: "int", "Point", "collections.OrderedDict") in
 * buf, NUL-terminated, cut to cap - 1 bytes. Returns its length or PY_WALK_BAD_READ. */
int py_type_name(struct py_objects *c, uint64_t type, char *buf, size_t cap);

/* Whether the object whose ob_type is type is a str (2.7: a byte str). */
int py_obj_type_is_str(struct py_objects *c, uint64_t type);

/* The view of the dict object at dict. Returns 0 or PY_WALK_BAD_READ. */
int py_dict_view(struct py_objects *c, uint64_t dict, struct py_dict_view *v);

/* The view of the first entries (at most first, live or not) of the dict at dict, however many
 * it has: for a look at a few of its items. Returns 0 or PY_WALK_BAD_READ. */
int py_dict_view_first(struct py_objects *c, uint64_t dict, size_t first, struct py_dict_view *v);

/* The number of items of the dict at dict into *size, and its first items, at most max, into
 * keys and values. Returns how many, or PY_WALK_BAD_READ. */
int py_dict_items(struct py_objects *c, uint64_t dict, uint64_t *keys, uint64_t *values,
		  size_t max, int64_t *size);

/* The length of the tuple (list: 1) at obj into *size, and its first items, at most max,
 * into items. Returns how many, or PY_WALK_BAD_READ. */
int py_seq_items(struct py_objects *c, uint64_t obj, int list, uint64_t *items, size_t max,
		 int64_t *size);

/* The number of items of the set or frozenset at obj into *size, and its first keys in table
 * order (the order Python iterates them), at most max, into keys. Returns how many, or
 * PY_WALK_BAD_READ. 2.7 marks a deleted entry with a str of its own, which is not told
 * apart from a key. */
int py_set_items(struct py_objects *c, uint64_t obj, uint64_t *keys, size_t max, int64_t *size);

/* py_set_items, looking at up to max_slots slots of the set's table rather than the first few
 * thousand: for a set read whole (asyncio's task sets), whose size the caller bounds. */
int py_set_items_scan(struct py_objects *c, uint64_t obj, uint64_t *keys, size_t max,
		      uint64_t max_slots, int64_t *size);

/* The module named name (ASCII) in the main interpreter's sys.modules into *module: 1, 0 when
 * it is not there (not imported; or sys.modules not made yet, or gone), or PY_WALK_NOT_READY
 * (no interpreter yet) or PY_WALK_BAD_READ. */
int py_module_find(struct py_objects *c, const char *name, uint64_t *module);

/* How many modules the main interpreter's sys.modules holds, into *n (0 when it is not made
 * yet, or gone): three reads, where py_module_find scans it. Returns 0, PY_WALK_NOT_READY or
 * PY_WALK_BAD_READ. */
int py_modules_count(struct py_objects *c, int64_t *n);

/* The value of the float at obj. Returns 0 or PY_WALK_BAD_READ. */
int py_float_value(struct py_objects *c, uint64_t obj, double *out);

/* Calls fn(c, arg, key, value) for each live entry of v, until fn returns non-zero, which is
 * then returned. Returns 0 when every entry was seen, or PY_WALK_BAD_READ. */
int py_dict_scan(struct py_objects *c, const struct py_dict_view *v,
		 int (*fn)(struct py_objects *c, void *arg, uint64_t key, uint64_t value),
		 void *arg);

/* The value under the str key want (ASCII) in v: 1 with *value, 0 when absent, or
 * PY_WALK_BAD_READ. */
int py_dict_find_str(struct py_objects *c, const struct py_dict_view *v, const char *want,
		     uint64_t *value);

/* The attribute want of obj, looked up in its instance attributes only (no type, no
 * descriptors): 1 with *value, 0 when absent, or PY_WALK_BAD_READ. */
int py_attr_find(struct py_objects *c, uint64_t obj, const char *want, uint64_t *value);

/* The value of the int object at obj as an unsigned 64-bit ident (2.7's machine int too).
 * Returns 0, or PY_WALK_BAD_READ when obj is not an int or does not fit in 64 bits. */
int py_int_value(struct py_objects *c, uint64_t obj, uint64_t *out);

/* The int (PyLongObject; 2.7's long) at obj, whose type the caller knows: its digit count
 * into *ndigits and its sign into *negative, and its magnitude's digits, least significant
 * first and at most max of them, into digits. Returns how many were read, or
 * PY_WALK_BAD_READ. */
int py_long_read(struct py_objects *c, uint64_t obj, uint32_t *digits, size_t max,
		 size_t *ndigits, int *negative);

/* Most digits of a PyLongObject that can still hold a 64-bit ident with 15-bit digits. */
#define PY_LONG_MAX_DIGITS 5

/* The 64-bit value of a PyLongObject from its magnitude digits (least significant first, shift
 * bits each) and sign, as the unsigned ident it stands for (a negative long, as 3.6's signed
 * thread_id gives, wraps like a C cast). Returns 0, or -1 when a digit is out of range or the
 * value does not fit in 64 bits. */
int py_long_value(const uint32_t *digits, size_t ndigits, int shift, int negative,
		  uint64_t *out);

#endif
