/* threading_names.h: the names the threading module gives its threads, read from the target.
 *
 * No CPython before 3.14 tells the OS a thread's name (docs/CPYTHON.md, section 5), so the only
 * source is sys.modules['threading']._active, a dict mapping each thread's ident (==
 * tstate->thread_id) to its Thread object, whose instance dict holds the name.
 */
#ifndef PYFLAME_PYTHON_THREADING_NAMES_H
#define PYFLAME_PYTHON_THREADING_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct py_walker;

/* Longest thread name kept, in bytes of UTF-8 with the NUL; longer names are cut at a
 * character boundary. */
#define PY_THREAD_NAME_MAX 128

struct py_thread_name {
	uint64_t ident; /* threading.get_ident(), as struct py_thread's thread_id */
	char name[PY_THREAD_NAME_MAX];
};

/* Reads threading._active from the target's main interpreter: for each entry, the ident and the
 * Thread's name. Returns the count (>= 0; 0 when threading is not imported), or a negative value
 * (a py_walk_error) when the structures cannot be read. Entries whose ident or name cannot be
 * read (a thread starting or ending while we look) are left out rather than failing the call.
 * Bounded: every dict size, chain and string length is capped. Reads only; the target is best
 * stopped (or its GIL quiet) for a consistent answer, but a running one cannot make it loop. */
int py_thread_names(struct py_walker *w, struct py_thread_name *out, size_t max);

/* py_thread_names for the n_want idents of want only (want NULL: every one): the others are
 * passed over by their key, their names never read, so a name wanted is found wherever its
 * thread stands in a dict of thousands, and costs one name's reads. */
int py_thread_names_of(struct py_walker *w, const uint64_t *want, size_t n_want,
		       struct py_thread_name *out, size_t max);

#endif
