/* threadname.c: matching thread states to OS threads, and naming them. */
#include "sample/threadname.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc/idents.h"
#include "proc/pause.h"
#include "python/threadnames.h"
#include "python/walker.h"
#include "util/grow.h"

void thread_comm(pid_t pid, pid_t tid, char *buf, size_t cap)
{
	char path[64];
	buf[0] = '\0';
	snprintf(path, sizeof path, "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0)
		n = 0;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

pid_t thread_tid(const struct py_thread *th, const struct proc_pause *p, int foreign_ns)
{
	if (th->native_id && !foreign_ns)
		return (pid_t)th->native_id;
	for (size_t i = 0; p && i < p->n; i++)
		if (ident_runs(p->tids[i], th->thread_id))
			return p->tids[i];
	return 0;
}

/* Looks ident up in threading._active. 0 and the name in buf, or -1. */
static int threading_name(struct py_walker *w, uint64_t ident, char *buf, size_t cap)
{
	/* Enough for any program we met; more threads only means the rest get OS names. */
	enum { MAX = 256 };
	struct py_thread_name *names = calloc(MAX, sizeof *names);
	int rc = -1;
	int n = names ? py_thread_names(w, names, MAX) : -1;
	for (int i = 0; i < n; i++) {
		if (names[i].ident == ident && names[i].name[0]) {
			snprintf(buf, cap, "%s", names[i].name);
			rc = 0;
			break;
		}
	}
	free(names);
	return rc;
}

/* Fills e for th: its TID and name, found once per thread. */
static void entry_fill(struct thread_name_entry *e, struct py_walker *w, pid_t pid,
		       const struct py_thread *th, const struct proc_pause *p, int foreign_ns)
{
	e->ident = th->thread_id;
	e->native_id = th->native_id;
	e->tid = thread_tid(th, p, foreign_ns);
	e->name[0] = '\0';
	if (w && threading_name(w, th->thread_id, e->name, sizeof e->name) == 0)
		return;
	if (e->tid)
		thread_comm(pid, e->tid, e->name, sizeof e->name);
	if (!e->name[0])
		snprintf(e->name, sizeof e->name, "Thread 0x%" PRIx64, th->thread_id);
}

const struct thread_name_entry *thread_names_get(struct thread_names *tn, struct py_walker *w,
						 pid_t pid, const struct py_thread *th,
						 const struct proc_pause *p)
{
	for (size_t i = 0; i < tn->n; i++) {
		struct thread_name_entry *e = &tn->v[i];
		if (e->ident != th->thread_id)
			continue;
		/* pthread_t addresses are reused: an ident whose thread is gone while the
		 * process is held, or whose thread state names another TID (3.11+), belongs to
		 * a new thread now. Look again. */
		if ((p && e->tid && !proc_pause_holds(p, e->tid)) ||
		    (th->native_id && e->native_id != th->native_id))
			entry_fill(e, w, pid, th, p, tn->foreign_ns);
		return e;
	}
	if (grow_array((void **)&tn->v, &tn->cap, tn->n + 1, sizeof *tn->v) < 0)
		return NULL;
	struct thread_name_entry *e = &tn->v[tn->n++];
	entry_fill(e, w, pid, th, p, tn->foreign_ns);
	return e;
}

/* Idents are pthread_t addresses, reused as threads come and go; a program that has had this
 * many is rare, and starting over bounds the table. */
#define THREAD_NAMES_MAX 4096

void thread_names_trim(struct thread_names *tn)
{
	if (tn->n >= THREAD_NAMES_MAX)
		tn->n = 0;
}

void thread_names_release(struct thread_names *tn)
{
	free(tn->v);
	memset(tn, 0, sizeof *tn);
}
