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

struct mem_reader;

struct ident_map {
	struct ident_entry {
		uint64_t ident; /* the fs_base of tid when the map was learned */
		pid_t tid;
	} *v;
	size_t n, cap;
	/* Where the thread's own control block (at its pthread_t) keeps its TID, learned from
	 * the threads of a complete pause. glibc and musl both keep it there
	 * (glibc 2.36: 0x2d0): a thread new since the last full pause is then found by one
	 * read, not by stopping every thread again. Inside another PID namespace the TID it
	 * records is not ours, no offset agrees, and it stays unknown. 0: unknown (offset 0
	 * holds the block's pointer to itself in both libcs, never the TID). */
	int32_t tid_off;
};

/* Forgets what the map held and reads the fs_base of every thread p holds stopped. Threads
 * whose registers cannot be read are left out. When mem reads the process (NULL: not), also
 * learns tid_off from those threads. Returns 0 or -ENOMEM. */
int ident_map_learn(struct ident_map *m, const struct proc_pause *p, struct mem_reader *mem);

/* The TID that ran ident when the map was learned, or 0. */
pid_t ident_map_find(const struct ident_map *m, uint64_t ident);

/* Learns tid_off without stopping every thread: the main thread and a few others are stopped
 * one at a time (p, which must hold nothing, is used for each), their fs_base recorded in the
 * map and their control blocks compared through mem. A process of one thread teaches only its
 * own entry. Returns 0 or -ENOMEM. */
int ident_map_probe(struct ident_map *m, struct proc_target *t, struct proc_pause *p,
		    struct mem_reader *mem);

/* The TID that ident's control block records now (through tid_off), or 0 when unknown. Read
 * from the target's memory: a guess until the stopped thread is checked with ident_runs. */
pid_t ident_map_read_tid(const struct ident_map *m, struct mem_reader *mem, uint64_t ident);

/* Records that tid runs ident (checked by the caller), replacing what the map said of either.
 * Returns 0 or -ENOMEM. */
int ident_map_set(struct ident_map *m, uint64_t ident, pid_t tid);

/* Whether thread tid, stopped by us, runs ident now. */
int ident_runs(pid_t tid, uint64_t ident);

void ident_map_release(struct ident_map *m);

#endif
