/* threading_names.c: threading._active and the names in it.
 *
 * The path is interp->modules["threading"].__dict__["_active"][ident].__dict__["_name"]; every
 * step is a dict or an instance's attributes, read by objects.c however the version stores
 * them (the module itself by py_module_find).
 */
#include "python/threading_names.h"

#include "mem/reader.h"
#include "python/objects.h"
#include "python/strings.h"
#include "python/walker.h"

struct collect {
	struct py_thread_name *out;
	size_t max, n;
	const char *name_key;
	const uint64_t *want; /* the idents wanted, NULL: all */
	size_t n_want;
};

/* One _active entry: ident -> Thread. Entries that cannot be read are skipped (return 0). */
static int collect_fn(struct py_objects *c, void *arg, uint64_t key, uint64_t value)
{
	struct collect *col = arg;
	struct py_thread_name *t;
	uint64_t ident, name, type;

	if (col->n == col->max)
		return 1; /* the caller's array is full: stop */
	if (py_int_value(c, key, &ident) != 0)
		return 0;
	/* An entry not wanted costs its key alone: naming one new thread in a process of
	 * 1,000 reads one name, not a thousand. */
	size_t i = 0;
	while (col->want && i < col->n_want && col->want[i] != ident)
		i++;
	if (col->want && i == col->n_want)
		return 0;
	if (py_attr_find(c, value, col->name_key, &name) != 1)
		return 0;
	if (py_obj_read_ptr(c, name, c->o->object_type, &type) != 0 || !py_obj_type_is_str(c, type))
		return 0;
	t = &col->out[col->n];
	if (py_string_read(c->w->mem, c->o, name, t->name, sizeof t->name) < 0)
		return 0;
	t->ident = ident;
	col->n++;
	return 0;
}

int py_thread_names(struct py_walker *w, struct py_thread_name *out, size_t max)
{
	return py_thread_names_of(w, NULL, 0, out, max);
}

int py_thread_names_of(struct py_walker *w, const uint64_t *want, size_t n_want,
		       struct py_thread_name *out, size_t max)
{
	struct py_objects c = { .w = w, .o = &w->layout.o };
	struct py_dict_view v;
	uint64_t threading = 0, active = 0;
	int rc;

	rc = py_module_find(&c, "threading", &threading);
	if (rc <= 0)
		return rc; /* not imported: no Thread objects, so no names */
	/* The module's globals: md_dict, which PyModule_Type's tp_dictoffset points at. */
	rc = py_attr_find(&c, threading, "_active", &active);
	if (rc <= 0)
		return rc; /* 0: threading still importing (or not the stdlib module) */
	if (py_dict_view(&c, active, &v) != 0)
		return PY_WALK_BAD_READ;
	/* Thread.__init__ sets self._name, which 2.7 spelled self.__name (mangled). */
	struct collect col = { .out = out,
			       .max = max,
			       .name_key = w->layout.version.major == 2 ? "_Thread__name"
									: "_name",
			       .want = want,
			       .n_want = n_want };
	rc = py_dict_scan(&c, &v, collect_fn, &col);
	if (rc < 0)
		return rc;
	return (int)col.n;
}
