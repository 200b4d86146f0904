/* asyncio_table.h: where the C Task and Future of CPython 3.11 to 3.13 keep the fields
 * asyncio_311.c reads. The values are measured, never typed: tools/gen-asyncio-offsets runs
 * tools/asyncio-layout.py under each installed Python and writes asyncio_table.c (committed;
 * `make offsets` regenerates it). docs/CPYTHON.md §8. */
#ifndef PYFLAME_PYTHON_ASYNCIO_TABLE_H
#define PYFLAME_PYTHON_ASYNCIO_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct py_async_layout {
	int major, minor;
	char probed_version[16];
	/* FutureObj (a TaskObj starts with the same fields) */
	int32_t fut_loop;
	int32_t fut_callback0; /* the first done callback, or NULL */
	int32_t fut_callbacks; /* a list of (callback, context) tuples for the others, or NULL */
	int32_t fut_state;     /* enum fut_state, an int */
	int32_t fut_state_pending, fut_state_cancelled, fut_state_finished;
	int32_t fut_result;
	int32_t future_size;   /* tp_basicsize of _asyncio.Future */
	/* TaskObj */
	int32_t task_coro;
	int32_t task_name;     /* a str */
	int32_t task_size;     /* tp_basicsize of _asyncio.Task */
};

extern const struct py_async_layout py_async_layout_table[];
extern const size_t py_async_layout_table_len;

/* The row of major.minor, or NULL. */
const struct py_async_layout *py_async_layout_find(int major, int minor);

#endif
