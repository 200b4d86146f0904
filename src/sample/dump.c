/* dump.c: the -d snapshot. */
#include "sample/dump.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc/pause.h"
#include "proc/procfs.h"
#include "profile/profile.h"
#include "python/walker.h"
#include "sample/sampler.h"
#include "sample/stats.h"
#include "native/unwind.h"
#include "sample/native_merge.h"
#include "sample/thread_names.h"

int sample_dump(struct proc_target *t, struct py_walker *w, struct profile *prof,
		struct dump_thread *out, size_t max, struct native_unwinder *native)
{
	struct proc_pause pause = { 0 };
	/* A container's process seen from the host numbers its threads its own way. */
	struct thread_names names = { .foreign_ns = t->pid && !procfs_same_pid_ns(t->pid) };
	struct py_thread *threads = calloc(PY_MAX_THREADS, sizeof *threads);
	struct py_raw_frame *frames = calloc(PY_MAX_DEPTH, sizeof *frames);
	struct sample_buf buf = { calloc(SAMPLE_IDS_MAX, sizeof *buf.ids),
				  calloc(PY_MAX_DEPTH, sizeof *buf.call_end) };
	uint64_t *pcs = native ? calloc(NATIVE_MAX_DEPTH, sizeof *pcs) : NULL;
	uint8_t *act = native ? calloc(NATIVE_MAX_DEPTH, sizeof *act) : NULL;
	struct sample_natives nat = { .u = native, .names = native ? native_names_new() : NULL,
				      .pcs = pcs, .activation = act };
	struct sample_stats lost = { 0 }; /* a frame unresolved shows as a shorter stack */
	int rc = -ENOMEM;
	if (!threads || !frames || !buf.ids || !buf.call_end ||
	    (native && (!pcs || !act || !nat.names)))
		goto out;
	rc = proc_pause_all(t, &pause);
	if (rc < 0)
		goto out;
	int nt = py_threads_read(w, w->mem, threads, PY_MAX_THREADS);
	size_t n = 0;
	for (int i = 0; i < nt && n < max; i++, n++) {
		struct dump_thread *d = &out[n];
		memset(d, 0, sizeof *d);
		d->ident = threads[i].thread_id;
		d->holds_gil = threads[i].holds_gil;
		d->stack = INTERN_NONE;
		const struct thread_name_entry *e =
			thread_names_get(&names, w, t->pid, &threads[i], &pause);
		d->tid = e ? e->tid : thread_tid(&threads[i], &pause, names.foreign_ns);
		snprintf(d->name, sizeof d->name, "%s", e ? e->name : "?");
		size_t partial;
		int nf = threads[i].frame ? py_stack_read(w, threads[i].frame, frames, PY_MAX_DEPTH,
							  &partial)
					  : 0;
		if (nf == PY_WALK_TOO_DEEP)
			nf = (int)partial;
		if (nf > 0 && native)
			nat.n = native_unwind_stopped(native, d->tid, pcs, act, &nat.failed);
		if (nf > 0)
			d->stack = sample_resolve(w, prof, &lost, frames, (size_t)nf, PROF_NO_THREAD,
						  INTERN_NONE, native ? &nat : NULL, &buf);
	}
	/* Names and lines were resolved while stopped: a dump is one instant, not a profile. */
	proc_resume_all(t, &pause);
	rc = nt < 0 ? nt : (int)n;
out:
	proc_pause_release(&pause);
	thread_names_release(&names);
	free(threads);
	free(frames);
	free(buf.ids);
	free(buf.call_end);
	free(pcs);
	free(act);
	native_names_free(nat.names);
	return rc;
}
