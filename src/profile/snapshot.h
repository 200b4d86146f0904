/* snapshot.h: what one look at every thread saw (-d): each thread with its stack in a profile.
 * The sampler fills it, the dump writer prints it; neither needs the other's headers. */
#ifndef PYFLAME_PROFILE_SNAPSHOT_H
#define PYFLAME_PROFILE_SNAPSHOT_H

#include <stdint.h>
#include <sys/types.h>

struct dump_thread {
	pid_t tid;        /* OS thread id; 0 when it could not be matched */
	uint64_t ident;   /* threading.get_ident() */
	int holds_gil;
	char name[128];   /* threading's name for it, else the OS thread name */
	uint32_t stack;   /* a stack id in the profile, or INTERN_NONE: no Python frames */
};

#endif
