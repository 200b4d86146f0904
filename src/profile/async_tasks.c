/* async_tasks.c: a look at a process's asyncio tasks (see async_tasks.h). */
#include "profile/async_tasks.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

int async_tasks_add_frame(struct async_tasks *o, const char *file, const char *func, int line)
{
	if (grow_array((void **)&o->frames, &o->cap_frames, o->n_frames + 1, sizeof *o->frames))
		return -1;
	struct async_frame *f = &o->frames[o->n_frames];
	f->file = strdup(file);
	f->func = strdup(func);
	f->line = line;
	if (!f->file || !f->func) {
		free(f->file);
		free(f->func);
		return -1;
	}
	o->n_frames++;
	return 0;
}

const char *async_task_state_name(int state)
{
	switch (state) {
	case ASYNC_TASK_NOT_STARTED:
		return "not started";
	case ASYNC_TASK_RUNNING:
		return "running";
	case ASYNC_TASK_WAITING:
		return "waiting";
	default:
		return NULL;
	}
}

void async_tasks_release(struct async_tasks *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_frames; i++) {
		free(t->frames[i].file);
		free(t->frames[i].func);
	}
	free(t->tasks);
	free(t->frames);
	free(t->awaiters);
	memset(t, 0, sizeof *t);
}

const struct async_task *async_task_find(const struct async_tasks *t, uint64_t addr)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->tasks[i].addr == addr)
			return &t->tasks[i];
	return NULL;
}
