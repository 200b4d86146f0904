/* roster.h: the target's Python threads and the OS thread each runs on, kept between ticks and
 * read again only when threads are born or die. A tick that finds the GIL free looks through it
 * for threads running C code a few at a time (gil_holder.c), so that its price is the threads
 * that work, not the threads that exist. */
#ifndef PYFLAME_SAMPLE_ROSTER_H
#define PYFLAME_SAMPLE_ROSTER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct py_thread;

struct roster {
	struct roster_entry {
		uint64_t tstate;
		uint64_t thread_id; /* pthread_t */
		uint64_t native_id; /* 3.11+ */
		pid_t tid;          /* the OS thread, 0 when it could not be told */
		uint32_t looked;    /* the look (roster.looks) that last chose it */
	} *v;                       /* sorted by tstate */
	size_t n, cap;
	/* What it was read under: the kernel's thread count and the list's head. A thread born
	 * is pushed at the head of its interpreter's list (every CPython since 2.7); one that
	 * dies changes the count. */
	long count;
	uint64_t head, head_id;
	uint64_t read_ns;  /* when it was read, 0: never */
	size_t cursor;     /* the next entry the sweep looks at */
	uint32_t looks;    /* looks so far, to choose each entry once per look */
};

/* Whether r must be read again: never read, the thread count or the list's head (its thread
 * state or its pthread_t: a freed thread state's address is soon another's) not what it was
 * read under, or read longer than max_age_ns before now. head is NULL when the list is
 * empty. */
int roster_stale(const struct roster *r, long count, const struct py_thread *head, uint64_t now,
		 uint64_t max_age_ns);

/* Makes r the n threads of v (their tid 0, for the caller to tell), read under count and v's
 * first entry (the head) at now. Returns 0 or -ENOMEM (r is then empty). */
int roster_set(struct roster *r, const struct py_thread *v, size_t n, long count, uint64_t now);

/* The entry whose thread state is tstate, or -1. */
long roster_find(const struct roster *r, uint64_t tstate);

void roster_release(struct roster *r);

#endif
