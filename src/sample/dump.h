/* dump.h: -d, one snapshot of every thread's stack, with the OS thread id of each. */
#ifndef PYFLAME_SAMPLE_DUMP_H
#define PYFLAME_SAMPLE_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profile/snapshot.h"

struct proc_target;
struct py_walker;
struct profile;
struct native_unwinder;

/* Stops t once, reads every thread and its stack into prof and out (at most max), with its
 * native frames through native when given (--native), and lets t go. Returns the number of
 * threads, or a negative errno / py_walk_error. */
int sample_dump(struct proc_target *t, struct py_walker *w, struct profile *prof,
		struct dump_thread *out, size_t max, struct native_unwinder *native);

#endif
