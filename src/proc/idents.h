/* idents.h: which OS thread (TID) runs a given pthread_t, learned from stopped threads.
 *
 * CPython before 3.11 records only a thread's pthread_t (threading.get_ident()), and a process
 * seen from another PID namespace numbers its TIDs differently from our /proc. On x86-64 a
 * thread's fs_base register holds its pthread_t (glibc and musl point it at the thread's own
 * control block), so the threads of a complete pause tell the whole map. The map can go stale
 * (threads end, pthread_t addresses are reused): whoever uses an entry checks it against the
 * stopped thread's fs_base again.
 */
#ifndef PYFLAME_PROC_IDENTS_H
#define PYFLAME_PROC_IDENTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc/pause.h"

struct ident_map {
	struct ident_entry {
		uint64_t ident; /* the fs_base of tid when the map was learned */
		pid_t tid;
	} *v;
	size_t n, cap;
};

/* Forgets what the map held and reads the fs_base of every thread p holds stopped. Threads
 * whose registers cannot be read are left out. Returns 0 or -ENOMEM. */
int ident_map_learn(struct ident_map *m, const struct proc_pause *p);

/* The TID that ran ident when the map was learned, or 0. */
pid_t ident_map_find(const struct ident_map *m, uint64_t ident);

/* Whether thread tid, stopped by us, runs ident now. */
int ident_runs(pid_t tid, uint64_t ident);

void ident_map_release(struct ident_map *m);

#endif
