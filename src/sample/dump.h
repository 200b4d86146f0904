/* dump.h: -d, one snapshot of every thread's stack, with the OS thread id of each. */
#ifndef PYFLAME_SAMPLE_DUMP_H
#define PYFLAME_SAMPLE_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_target;
struct py_walker;
struct profile;

struct dump_thread {
	pid_t tid;        /* OS thread id; 0 when it could not be matched */
	uint64_t ident;   /* threading.get_ident() */
	int holds_gil;
	char name[128];   /* threading's name for it, else the OS thread name */
	uint32_t stack;   /* a stack id in the profile, or INTERN_NONE: no Python frames */
};

/* Stops t once, reads every thread and its stack into prof and out (at most max), and lets
 * t go. Returns the number of threads, or a negative errno / py_walk_error. */
int sample_dump(struct proc_target *t, struct py_walker *w, struct profile *prof,
		struct dump_thread *out, size_t max);

#endif
