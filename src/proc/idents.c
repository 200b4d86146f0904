/* idents.c: the pthread_t -> TID map, read off stopped threads' fs_base. */
#include "proc/idents.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "util/grow.h"

/* The fs_base register of thread tid, which must be stopped by us. */
static int fs_base(pid_t tid, uint64_t *out)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, tid, 0, &regs) != 0)
		return -errno;
	*out = regs.fs_base;
	return 0;
}

int ident_map_learn(struct ident_map *m, const struct proc_pause *p)
{
	m->n = 0;
	if (grow_array((void **)&m->v, &m->cap, p->n, sizeof *m->v) != 0)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		uint64_t fs;
		if (fs_base(p->tids[i], &fs) == 0 && fs != 0)
			m->v[m->n++] = (struct ident_entry){ .ident = fs, .tid = p->tids[i] };
	}
	return 0;
}

pid_t ident_map_find(const struct ident_map *m, uint64_t ident)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].ident == ident)
			return m->v[i].tid;
	return 0;
}

int ident_runs(pid_t tid, uint64_t ident)
{
	uint64_t fs;
	return ident && fs_base(tid, &fs) == 0 && fs == ident;
}

void ident_map_release(struct ident_map *m)
{
	free(m->v);
	memset(m, 0, sizeof *m);
}
