/* async_tasks.h: what one look at a process's asyncio tasks saw (`pyflame dump --async`):
 * each pending task with its name, its coroutine stack and who awaits it. The interpreter
 * stage fills it (python/asyncio.h), the dump writers print it; neither needs the other's
 * headers, as snapshot.h does for threads. */
#ifndef PYFLAME_PROFILE_ASYNC_TASKS_H
#define PYFLAME_PROFILE_ASYNC_TASKS_H

#include <stddef.h>
#include <stdint.h>

/* Longest task name kept, in bytes with the NUL. */
#define ASYNC_NAME_MAX 256

/* One coroutine frame, resolved. */
struct async_frame {
	char *file; /* owned by the async_tasks */
	char *func; /* the qualified name */
	int line;
};

/* Where a pending task stands, from its coroutine. */
enum async_task_state {
	ASYNC_TASK_UNKNOWN,     /* its coroutine could not be read (not said) */
	ASYNC_TASK_NOT_STARTED, /* created, its first step not taken yet */
	ASYNC_TASK_RUNNING,     /* its coroutine runs now, on some thread */
	ASYNC_TASK_WAITING,     /* suspended at an await */
};

struct async_task {
	uint64_t addr;
	int state;                 /* enum async_task_state */
	char name[ASYNC_NAME_MAX]; /* a str name as it is; an int one as "Task-N"; else repr */
	size_t first_frame, n_frames; /* in frames[], innermost first */
	size_t first_awaiter, n_awaiters; /* in awaiters[]: the addresses awaiting this task */
};

struct async_tasks {
	struct async_task *tasks;
	size_t n, cap;
	struct async_frame *frames;
	size_t n_frames, cap_frames;
	uint64_t *awaiters;
	size_t n_awaiters, cap_awaiters;
};

/* The words for state ("waiting", "running", "not started"), NULL for ASYNC_TASK_UNKNOWN. */
const char *async_task_state_name(int state);

/* Adds one frame (copying the strings). Returns 0 or -1 (no memory). */
int async_tasks_add_frame(struct async_tasks *t, const char *file, const char *func, int line);

/* NULL-safe; leaves t empty. */
void async_tasks_release(struct async_tasks *t);

/* The task at addr in t, or NULL. */
const struct async_task *async_task_find(const struct async_tasks *t, uint64_t addr);

#endif
