/* idents.c: the pthread_t -> TID map, read off stopped threads' fs_base. */
#include "proc/idents.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "mem/reader.h"
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

/* How much of a thread's control block is searched for its TID: glibc's struct pthread keeps
 * it at 0x2d0 on x86-64, musl's near the start. No more: the block ends a thread's stack
 * mapping (about 2 KiB past its start), and a read across the end fails whole. */
#define TCB_SCAN 1024

/* Threads whose control blocks are compared to find tid_off: enough that no other field
 * holds each one's TID by chance. */
#define PROBE_THREADS 4

/* Offsets in [0, TCB_SCAN) where ident's control block holds tid as a 32-bit value, as bits of
 * keep (cleared where it does not). Returns how many bits are left set. */
static size_t tcb_match(struct mem_reader *mem, uint64_t ident, pid_t tid, uint8_t *keep)
{
	int32_t words[TCB_SCAN / 4];
	size_t left = 0;
	if (mem_read(mem, ident, words, sizeof words) != 0) {
		memset(keep, 0, TCB_SCAN / 4 / 8);
		return 0;
	}
	for (size_t i = 0; i < TCB_SCAN / 4; i++) {
		if (words[i] != tid)
			keep[i / 8] &= (uint8_t)~(1u << (i % 8));
		left += (keep[i / 8] >> (i % 8)) & 1;
	}
	return left;
}

/* The one offset at which the control block of each of the n threads (pthread_t, TID) holds
 * its own TID, or 0. Two threads at least: the main thread's TID is also its PID, which other
 * fields may hold. */
static int32_t learn_tid_off(const struct ident_entry *v, size_t n, struct mem_reader *mem)
{
	uint8_t keep[TCB_SCAN / 4 / 8];
	memset(keep, 0xff, sizeof keep);
	keep[0] &= (uint8_t)~1u; /* offset 0: the block's pointer to itself */
	size_t left = 0;
	for (size_t i = 0; i < n; i++)
		left = tcb_match(mem, v[i].ident, v[i].tid, keep);
	if (n < 2 || left != 1)
		return 0;
	for (size_t i = 0; i < TCB_SCAN / 4; i++)
		if ((keep[i / 8] >> (i % 8)) & 1)
			return (int32_t)(i * 4);
	return 0;
}

int ident_map_learn(struct ident_map *m, const struct proc_pause *p, struct mem_reader *mem)
{
	m->n = 0;
	if (grow_array((void **)&m->v, &m->cap, p->n, sizeof *m->v) != 0)
		return -ENOMEM;
	for (size_t i = 0; i < p->n; i++) {
		uint64_t fs;
		if (fs_base(p->held[i].tid, &fs) == 0 && fs != 0)
			m->v[m->n++] = (struct ident_entry){ .ident = fs, .tid = p->held[i].tid };
	}
	if (mem && !m->tid_off)
		m->tid_off = learn_tid_off(m->v, m->n < PROBE_THREADS ? m->n : PROBE_THREADS, mem);
	return 0;
}

int ident_map_probe(struct ident_map *m, struct proc_target *t, struct proc_pause *p,
		    struct mem_reader *mem)
{
	struct ident_entry pairs[PROBE_THREADS];
	pid_t tids[PROBE_THREADS];
	size_t n = 0, k = 0;
	tids[n++] = t->pid;
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)t->pid);
	DIR *d = opendir(path);
	for (struct dirent *e; d && n < PROBE_THREADS && (e = readdir(d));) {
		long tid = strtol(e->d_name, NULL, 10);
		if (tid > 0 && tid != t->pid)
			tids[n++] = (pid_t)tid;
	}
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++) {
		uint64_t fs = 0;
		if (proc_pause_thread(t, p, tids[i]) != 0)
			continue;
		if (fs_base(tids[i], &fs) == 0 && fs != 0)
			pairs[k++] = (struct ident_entry){ .ident = fs, .tid = tids[i] };
		proc_resume_all(t, p);
	}
	for (size_t i = 0; i < k; i++)
		if (ident_map_set(m, pairs[i].ident, pairs[i].tid) != 0)
			return -ENOMEM;
	if (!m->tid_off)
		m->tid_off = learn_tid_off(pairs, k, mem);
	return 0;
}

pid_t ident_map_read_tid(const struct ident_map *m, struct mem_reader *mem, uint64_t ident)
{
	int32_t tid;
	if (!m->tid_off || !ident || mem_read(mem, ident + (uint64_t)m->tid_off, &tid, sizeof tid))
		return 0;
	return tid > 0 ? (pid_t)tid : 0;
}

int ident_map_set(struct ident_map *m, uint64_t ident, pid_t tid)
{
	size_t k = 0;
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].ident != ident && m->v[i].tid != tid)
			m->v[k++] = m->v[i];
	m->n = k;
	if (grow_array((void **)&m->v, &m->cap, m->n + 1, sizeof *m->v) != 0)
		return -ENOMEM;
	m->v[m->n++] = (struct ident_entry){ .ident = ident, .tid = tid };
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
