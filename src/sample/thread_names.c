/* thread_names.c: matching thread states to OS threads, and naming them. */
#include "sample/thread_names.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/idents.h"
#include "proc/pause.h"
#include "python/threading_names.h"
#include "proc/procfs.h"
#include "python/walker.h"
#include "util/grow.h"

pid_t thread_tid(const struct py_thread *th, const struct proc_pause *p, int foreign_ns)
{
	if (th->native_id && !foreign_ns)
		return (pid_t)th->native_id;
	for (size_t i = 0; p && i < p->n; i++)
		if (ident_runs(p->held[i].tid, th->thread_id))
			return p->held[i].tid;
	return 0;
}

/* Names the pending entries from reads of threading._active (a dict of every thread): one read
 * for up to MAX threads new this tick, not one each; the entries of threads not pending are
 * passed over by their key (py_thread_names_of), so a new thread is named wherever it stands
 * among thousands. */
static void fill_threading_names(struct thread_names *tn, struct py_walker *w)
{
	/* Threads named per read of the dict: more pending (--threads' first tick in a process
	 * of thousands) take more reads, once. */
	enum { MAX = 256 };
	struct py_thread_name *names = calloc(MAX, sizeof *names);
	uint64_t *want = calloc(MAX, sizeof *want);
	for (size_t from = 0; names && want && from < tn->n;) {
		size_t n_want = 0, k = from;
		for (; k < tn->n && n_want < MAX; k++)
			if (tn->v[k].pending)
				want[n_want++] = tn->v[k].ident;
		int n = n_want ? py_thread_names_of(w, want, n_want, names, MAX) : 0;
		for (size_t j = from; j < k; j++) {
			struct thread_name_entry *e = &tn->v[j];
			for (int i = 0; e->pending && i < n; i++) {
				if (names[i].ident == e->ident && names[i].name[0]) {
					snprintf(e->name, sizeof e->name, "%s", names[i].name);
					e->pending = 0;
				}
			}
		}
		from = k;
	}
	free(want);
	free(names);
}

/* Slot of ident in the index: where it is, or the empty slot where it would go. */
static size_t slot_of(const struct thread_names *tn, uint64_t ident)
{
	size_t mask = tn->slots_cap - 1;
	size_t i = (size_t)((ident >> 4) * 0x9e3779b97f4a7c15ull) & mask;
	while (tn->slots[i] && tn->v[tn->slots[i] - 1].ident != ident)
		i = (i + 1) & mask;
	return i;
}

/* Keeps the index at most half full for `need` entries. Returns 0 or -ENOMEM. */
static int index_reserve(struct thread_names *tn, size_t need)
{
	if (need * 2 <= tn->slots_cap)
		return 0;
	size_t cap = tn->slots_cap ? tn->slots_cap * 2 : 64;
	while (cap < need * 2)
		cap *= 2;
	uint32_t *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -ENOMEM;
	free(tn->slots);
	tn->slots = slots;
	tn->slots_cap = cap;
	for (size_t k = 0; k < tn->n; k++)
		tn->slots[slot_of(tn, tn->v[k].ident)] = (uint32_t)(k + 1);
	return 0;
}

/* Starts e over for th: its TID now, its name pending. */
static void entry_reset(const struct thread_names *tn, struct thread_name_entry *e,
			const struct py_thread *th, const struct proc_pause *p, pid_t known_tid)
{
	e->ident = th->thread_id;
	e->native_id = th->native_id;
	e->tid = known_tid ? known_tid : thread_tid(th, p, tn->foreign_ns);
	if (!e->tid && tn->idents && tn->mem)
		e->tid = ident_map_read_tid(tn->idents, tn->mem, th->thread_id);
	e->pending = 1;
	e->name[0] = '\0';
}

long thread_names_find(struct thread_names *tn, const struct py_thread *th,
		       const struct proc_pause *p, pid_t known_tid)
{
	if (index_reserve(tn, tn->n + 1) != 0)
		return -1;
	size_t slot = slot_of(tn, th->thread_id);
	if (tn->slots[slot]) {
		struct thread_name_entry *e = &tn->v[tn->slots[slot] - 1];
		/* pthread_t addresses are reused: an ident whose thread is gone while the
		 * process is held, or whose thread state names another TID (3.11+), or whose
		 * stopped thread is another, belongs to a new thread now. Look again. */
		if ((p && e->tid && !proc_pause_holds(p, e->tid)) ||
		    (th->native_id && e->native_id != th->native_id) ||
		    (known_tid && e->tid != known_tid))
			entry_reset(tn, e, th, p, known_tid);
		return (long)(tn->slots[slot] - 1);
	}
	if (grow_array((void **)&tn->v, &tn->cap, tn->n + 1, sizeof *tn->v) < 0)
		return -1;
	entry_reset(tn, &tn->v[tn->n], th, p, known_tid);
	tn->slots[slot] = (uint32_t)(tn->n + 1);
	return (long)tn->n++;
}

void thread_names_fill(struct thread_names *tn, struct py_walker *w, pid_t pid)
{
	size_t pending = 0;
	for (size_t k = 0; k < tn->n; k++)
		pending += tn->v[k].pending;
	if (!pending)
		return;
	if (w)
		fill_threading_names(tn, w);
	for (size_t k = 0; k < tn->n; k++) {
		struct thread_name_entry *e = &tn->v[k];
		if (!e->pending)
			continue;
		e->pending = 0;
		/* Before threading is imported (a -t run's first samples) the process's own
		 * thread is the one threading will call MainThread: named so from the start,
		 * not after the executable ("python3.11") for the whole run. */
		if (e->tid && e->tid == pid)
			snprintf(e->name, sizeof e->name, "MainThread");
		else if (e->tid)
			procfs_comm(pid, e->tid, e->name, sizeof e->name);
		if (!e->name[0])
			snprintf(e->name, sizeof e->name, "Thread 0x%" PRIx64, e->ident);
	}
}

const struct thread_name_entry *thread_names_get(struct thread_names *tn, struct py_walker *w,
						 pid_t pid, const struct py_thread *th,
						 const struct proc_pause *p)
{
	long k = thread_names_find(tn, th, p, 0);
	if (k < 0)
		return NULL;
	thread_names_fill(tn, w, pid);
	return &tn->v[k];
}

/* Idents are pthread_t addresses, reused as threads come and go; a program that has had this
 * many is rare, and starting over bounds the table. */
#define THREAD_NAMES_MAX 4096

void thread_names_trim(struct thread_names *tn)
{
	if (tn->n >= THREAD_NAMES_MAX) {
		tn->n = 0;
		memset(tn->slots, 0, tn->slots_cap * sizeof *tn->slots);
	}
}

void thread_names_release(struct thread_names *tn)
{
	free(tn->v);
	free(tn->slots);
	memset(tn, 0, sizeof *tn);
}
