/* dump_async.c: the asyncio tasks of `pyflame dump --async`, as trees of text or as JSON. */
#include <inttypes.h>
#include <stdlib.h>

#include "output/dump.h"
#include "output/json.h"
#include "output/output.h"
#include "profile/async_tasks.h"

/* Deepest nesting printed: deeper trees (or a cycle) are cut with a line saying so. */
#define TREE_MAX_DEPTH 256

/* Whether task a is awaited by the task at addr. */
static int awaited_by(const struct async_tasks *t, const struct async_task *a,
		      uint64_t addr)
{
	for (size_t i = 0; i < a->n_awaiters; i++)
		if (t->awaiters[a->first_awaiter + i] == addr)
			return 1;
	return 0;
}

/* Whether some listed task awaits a. */
static int has_parent(const struct async_tasks *t, const struct async_task *a)
{
	for (size_t i = 0; i < a->n_awaiters; i++)
		if (async_task_find(t, t->awaiters[a->first_awaiter + i]))
			return 1;
	return 0;
}

/* Writes task k at depth (path[0..depth) its ancestors), then the tasks it awaits. */
static int write_task(const struct async_tasks *t, size_t k, size_t *path, size_t depth,
		      const struct out_options *o, FILE *f)
{
	const struct async_task *a = &t->tasks[k];
	int pad = (int)depth * 2;
	const char *state = async_task_state_name(a->state);
	if (fprintf(f, "%*sTask '%s' (0x%" PRIx64 ")%s%s\n", pad, "", a->name, a->addr,
		    state ? " " : "", state ? state : "") < 0)
		return -1;
	for (size_t i = 0; i < a->n_frames; i++) {
		const struct async_frame *fr = &t->frames[a->first_frame + i];
		if ((o->line_numbers ? fprintf(f, "%*s  %s:%s:%d\n", pad, "", fr->file, fr->func,
					       fr->line)
				     : fprintf(f, "%*s  %s:%s\n", pad, "", fr->file, fr->func)) < 0)
			return -1;
	}
	if (!a->n_frames && fprintf(f, "%*s  (no coroutine frames)\n", pad, "") < 0)
		return -1;
	for (size_t i = 0; i < depth; i++)
		if (path[i] == k)
			return fprintf(f, "%*s  (awaits itself through the tasks above: cut here)\n",
				       pad, "") < 0 ? -1 : 0;
	if (depth + 1 >= TREE_MAX_DEPTH)
		return fprintf(f, "%*s  (deeper tasks left out)\n", pad, "") < 0 ? -1 : 0;
	path[depth] = k;
	for (size_t c = 0; c < t->n; c++)
		if (awaited_by(t, &t->tasks[c], a->addr) &&
		    write_task(t, c, path, depth + 1, o, f) != 0)
			return -1;
	return 0;
}

int out_dump_async_text(const struct async_tasks *t, const struct out_options *o, FILE *f)
{
	if (fputs("\nAsyncio tasks:\n", f) == EOF)
		return -1;
	if (!t->n)
		return fputs("  (none)\n", f) == EOF ? -1 : 0;
	size_t path[TREE_MAX_DEPTH];
	size_t roots = 0;
	for (size_t k = 0; k < t->n; k++) {
		if (has_parent(t, &t->tasks[k]))
			continue;
		roots++;
		if (write_task(t, k, path, 0, o, f) != 0)
			return -1;
	}
	/* Tasks that all await each other in a ring have no root: show them anyway. */
	if (!roots && write_task(t, 0, path, 0, o, f) != 0)
		return -1;
	return 0;
}

int out_dump_async_json(const struct async_tasks *t, FILE *f)
{
	if (putc('[', f) == EOF)
		return -1;
	for (size_t k = 0; k < t->n; k++) {
		const struct async_task *a = &t->tasks[k];
		if (fprintf(f, "%s\n  {\"name\": ", k ? "," : "") < 0 || json_string(f, a->name) ||
		    fprintf(f, ", \"address\": \"0x%" PRIx64 "\", ", a->addr) < 0)
			return -1;
		const char *state = async_task_state_name(a->state);
		if ((state ? fprintf(f, "\"state\": \"%s\", ", state) : 0) < 0 ||
		    fputs("\"frames\": [", f) == EOF)
			return -1;
		for (size_t i = 0; i < a->n_frames; i++) {
			const struct async_frame *fr = &t->frames[a->first_frame + i];
			if (fputs(i ? ", {\"file\": " : "{\"file\": ", f) == EOF ||
			    json_string(f, fr->file) || fputs(", \"function\": ", f) == EOF ||
			    json_string(f, fr->func) ||
			    fprintf(f, ", \"line\": %d}", fr->line) < 0)
				return -1;
		}
		if (fputs("], \"awaited_by\": [", f) == EOF)
			return -1;
		for (size_t i = 0; i < a->n_awaiters; i++)
			if (fprintf(f, "%s\"0x%" PRIx64 "\"", i ? ", " : "",
				    t->awaiters[a->first_awaiter + i]) < 0)
				return -1;
		if (fputs("]}", f) == EOF)
			return -1;
	}
	return fputs(t->n ? "\n ]" : "]", f) == EOF ? -1 : 0;
}
