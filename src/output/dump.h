/* dump.h: the writers of a `pyflame dump` snapshot (profile/snapshot.h), with what each frame
 * is and its locals: as text (dump_text.c, the -d format with the locals under each frame) and
 * as one JSON document (dump_json.c). The -d snapshot's own writers are in output.h. */
#ifndef PYFLAME_OUTPUT_DUMP_H
#define PYFLAME_OUTPUT_DUMP_H

#include <stddef.h>
#include <stdio.h>

struct dump_snapshot;
struct out_options;
struct async_tasks;
struct profile;

/* s as -d writes it (out_dump_write), each Python frame followed by its locals, one a line
 * "    NAME = REPR", and a line "    (WHY)" when some are missing (dump_frame_note; the
 * dump's size limit is said once per thread). Returns 0 or -1 (write error). */
int out_dump_text_write(const struct profile *p, const struct dump_snapshot *s,
			const struct out_options *o, FILE *f);

/* The n snapshots as one JSON document (the man page's schema): one process's object when
 * processes is 0 (n is then 1), else {"processes": [...]} holding one such object per process,
 * in the order given; a snapshot whose tasks were read (with_tasks) has them as its object's
 * "asyncio" list. Returns 0 or -1 (write error). */
int out_dump_json_write(const struct profile *p, const struct dump_snapshot *s, size_t n,
			int processes, const struct out_options *o, FILE *f);

/* The asyncio tasks t as trees (dump_async.c), after the line "Asyncio tasks:": each task
 * "Task 'NAME' (0xADDR)", its coroutine stack under it innermost first ("FILE:FUNCTION:LINE",
 * or without the line when o->line_numbers is 0), and under that the tasks it awaits, indented
 * one step more, as `python -m asyncio pstree` nests them. The roots are the tasks no listed
 * task awaits; a task awaited by several shows under each; a cycle is cut where it closes.
 * Returns 0 or -1 (write error). */
int out_dump_async_text(const struct async_tasks *t, const struct out_options *o, FILE *f);

/* t as a JSON array of {"name", "address" ("0x..."), "frames": [{"file", "function",
 * "line"}], innermost first, "awaited_by": ["0x...", ...]}. Returns 0 or -1. */
int out_dump_async_json(const struct async_tasks *t, FILE *f);

#endif
