/* linetable.h: decoding each CPython version's line-number table into address ranges.
 *
 * A code object's table is decoded once (into struct py_line_range ranges, cached with the code
 * object) and then looked up for every sample. Four formats exist: 2.7's co_lnotab (unsigned
 * line increments), 3.6-3.9's co_lnotab (signed), 3.10's PEP 626 co_linetable and the 3.11+
 * location table. See docs/CPYTHON.md section 3 for the exact rules.
 */
#ifndef PYFLAME_PYTHON_LINETABLE_H
#define PYFLAME_PYTHON_LINETABLE_H

#include <stddef.h>
#include <stdint.h>

enum py_linetable_kind {
	PY_LNOTAB_27,      /* 2.7 co_lnotab; index is a byte offset */
	PY_LNOTAB_36,      /* 3.6-3.9 co_lnotab; index is a byte offset */
	PY_LINETABLE_310,  /* 3.10 co_linetable; index is a byte offset (f_lasti * 2) */
	PY_LOCATIONS_311,  /* 3.11+ location table; index is a code unit (2 bytes) */
};

/* Which format a major.minor version uses. */
enum py_linetable_kind py_linetable_kind_for(int major, int minor);

/* Instructions [start, end) (in the kind's index unit) are on line `line` (-1: no line). */
struct py_line_range {
	int64_t start, end;
	int line;
};

struct py_line_table {
	struct py_line_range *ranges; /* sorted by start, non-overlapping; owned */
	size_t n;
	int firstlineno;
};

/* Decodes `len` bytes of `table`. Never reads past len, whatever the bytes are; bounded by len.
 * Returns 0, or -1 when the table is malformed or memory runs out (out is then empty but valid).
 * Release with py_line_table_release(). */
int py_line_table_decode(enum py_linetable_kind kind, const uint8_t *table, size_t len,
			 int firstlineno, struct py_line_table *out);

void py_line_table_release(struct py_line_table *t);

/* The line of instruction `index`, as traceback would show it: firstlineno for index < 0 (a
 * frame that has not started), the range's line otherwise; -1 when no range holds the index or
 * its range has no line. */
int py_line_table_lookup(const struct py_line_table *t, int64_t index);

#endif
