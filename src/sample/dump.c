/* dump.c: the -d and `pyflame dump` snapshot. */
#include "sample/dump.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/cache.h"
#include "proc/pause.h"
#include "proc/procfs.h"
#include "profile/profile.h"
#include "python/asyncio.h"
#include "python/code.h"
#include "python/locals.h"
#include "python/walker.h"
#include "sample/sampler.h"
#include "sample/stats.h"
#include "native/unwind.h"
#include "sample/native_merge.h"
#include "sample/thread_names.h"

/* What a snapshot reads with: scratch for one thread at a time. */
struct dump_scratch {
	struct py_raw_frame *frames;        /* PY_MAX_DEPTH, innermost first */
	uint32_t *py_ids;                   /* PY_MAX_DEPTH: the Python frames shown... */
	const struct py_raw_frame **py_raw; /* ...and the raw frame of each */
	struct py_locals *locals;           /* --locals */
};

static int add_local(void *arg, const struct py_local *v)
{
	return dump_snapshot_add_local(arg, v->name, v->type, v->repr);
}

/* The locals of raw frame f into s, described in df. */
static void read_locals(struct dump_snapshot *s, struct py_locals *l, const struct py_raw_frame *f,
			struct dump_frame *df)
{
	if (s->full) {
		df->locals = DUMP_LOCALS_LEFT_OUT;
		return;
	}
	int more;
	df->first_local = (uint32_t)s->n_locals;
	int rc = py_locals_read(l, f, add_local, s, &more);
	df->n_locals = (uint32_t)(s->n_locals - df->first_local);
	df->locals = rc < 0 ? DUMP_LOCALS_UNREADABLE : DUMP_LOCALS_READ;
	df->cut = rc >= 0 && (more || s->full);
}

/* Describes the frames of d's stack in s: which are Python frames and, with locals, what each
 * one's locals are. The stack (outermost first) holds the raw frames CPython shows, in their
 * order, with native frames between them (--native): each Python frame is found in it by its
 * frame id, which is interned the same way sample_resolve interned it. */
static int describe_frames(struct dump_snapshot *s, struct py_walker *w, struct profile *prof,
			   struct dump_scratch *sc, size_t n, struct dump_thread *d)
{
	size_t k = 0;
	for (size_t i = 0; i < n && i < PY_MAX_DEPTH; i++) {
		const struct py_code *code = py_code_get(w, sc->frames[i].code);
		if (!code)
			return -1; /* sample_resolve would have given no stack */
		if (py_frame_hidden(w, &sc->frames[i], code))
			continue;
		sc->py_ids[k] = profile_frame(prof, code->filename, code->name,
					      py_code_line(code, sc->frames[i].index));
		sc->py_raw[k++] = &sc->frames[i];
	}
	struct prof_stack st = profile_stack(prof, d->stack);
	if (dump_snapshot_add_frames(s, st.n, &d->first_frame) != 0)
		return -1;
	d->n_frames = (uint32_t)st.n;
	size_t j = 0;
	for (size_t m = st.n; m-- > 0;) {
		struct dump_frame *df = &s->frames[d->first_frame + m];
		if (j < k && st.frames[m] == sc->py_ids[j]) {
			df->python = 1;
			if (sc->locals)
				read_locals(s, sc->locals, sc->py_raw[j], df);
			j++;
		}
	}
	return 0;
}

int sample_snapshot(struct proc_target *t, struct py_walker *w, struct profile *prof,
		    const struct dump_request *rq, struct dump_snapshot *out)
{
	struct proc_pause pause = { 0 };
	/* A container's process seen from the host numbers its threads its own way. */
	struct thread_names names = { .foreign_ns = t->pid && !procfs_same_pid_ns(t->pid) };
	struct native_unwinder *native = rq->native;
	struct py_thread *threads = calloc(PY_MAX_THREADS, sizeof *threads);
	struct dump_scratch sc = {
		.frames = calloc(PY_MAX_DEPTH, sizeof *sc.frames),
		.py_ids = calloc(PY_MAX_DEPTH, sizeof *sc.py_ids),
		.py_raw = calloc(PY_MAX_DEPTH, sizeof *sc.py_raw),
		.locals = rq->locals ? py_locals_new(w) : NULL,
	};
	struct sample_buf buf = { calloc(SAMPLE_IDS_MAX, sizeof *buf.ids),
				  calloc(PY_MAX_DEPTH, sizeof *buf.call_end) };
	uint64_t *pcs = native ? calloc(NATIVE_MAX_DEPTH, sizeof *pcs) : NULL;
	uint8_t *act = native ? calloc(NATIVE_MAX_DEPTH, sizeof *act) : NULL;
	struct sample_natives nat = { .u = native, .names = native ? native_names_new() : NULL,
				      .pcs = pcs, .activation = act };
	struct sample_stats lost = { 0 }; /* a frame unresolved shows as a shorter stack */
	int rc = -ENOMEM;
	dump_snapshot_init(out);
	out->pid = (uint32_t)t->pid;
	out->major = w->layout.version.major;
	out->minor = w->layout.version.minor;
	out->with_locals = rq->locals;
	if (!threads || !sc.frames || !sc.py_ids || !sc.py_raw || (rq->locals && !sc.locals) ||
	    !buf.ids || !buf.call_end || (native && (!pcs || !act || !nat.names)))
		goto out;
	rc = proc_pause_all(t, &pause);
	if (rc < 0)
		goto out;
	/* What was read before the pause (finding the interpreter, setting the walker up) may
	 * have changed since: the snapshot reads the target as it stands now. */
	if (rq->cache)
		mem_cache_clear(rq->cache);
	py_code_epoch(w);
	int nt = py_threads_read(w, w->mem, threads, PY_MAX_THREADS);
	for (int i = 0; i < nt; i++) {
		struct dump_thread *d = dump_snapshot_add_thread(out);
		if (!d) {
			nt = -ENOMEM;
			break;
		}
		d->ident = threads[i].thread_id;
		d->holds_gil = threads[i].holds_gil;
		d->stack = INTERN_NONE;
		const struct thread_name_entry *e =
			thread_names_get(&names, w, t->pid, &threads[i], &pause);
		d->tid = e ? e->tid : thread_tid(&threads[i], &pause, names.foreign_ns);
		snprintf(d->name, sizeof d->name, "%s", e ? e->name : "?");
		size_t partial;
		threads[i].link.stopped = 1; /* the process stands still */
		int nf = threads[i].frame ? py_stack_read(w, threads[i].frame, &threads[i].link,
							  sc.frames, PY_MAX_DEPTH, &partial)
					  : 0;
		if (nf == PY_WALK_TOO_DEEP)
			nf = (int)partial;
		if (nf > 0 && native)
			nat.n = native_unwind_stopped(native, d->tid, pcs, act, &nat.failed);
		if (nf > 0)
			d->stack = sample_resolve(w, prof, &lost, sc.frames, (size_t)nf,
						  PROF_NO_THREAD, INTERN_NONE, NULL, 0,
						  native ? &nat : NULL,
						  &buf);
		/* The frames' locals are read now, with the target still stopped. */
		if (d->stack != INTERN_NONE && describe_frames(out, w, prof, &sc, (size_t)nf, d) != 0)
			d->n_frames = 0;
	}
	if (rq->tasks) {
		rq->async_err[0] = '\0';
		if (nt >= 0 && rq->async &&
		    py_async_read_all(rq->async, &out->tasks, rq->async_err, rq->async_errlen) < 0)
			async_tasks_release(&out->tasks);
		else
			out->with_tasks = nt >= 0;
	}
	/* Names, lines, locals and tasks were read while stopped: a dump is one instant. */
	proc_resume_all(t, &pause);
	rc = nt < 0 ? nt : (int)out->n_threads;
out:
	proc_pause_release(&pause);
	thread_names_release(&names);
	free(threads);
	free(sc.frames);
	free(sc.py_ids);
	free(sc.py_raw);
	py_locals_free(sc.locals);
	free(buf.ids);
	free(buf.call_end);
	free(pcs);
	free(act);
	native_names_free(nat.names);
	return rc;
}

int sample_dump(struct proc_target *t, struct py_walker *w, struct profile *prof,
		struct dump_thread *out, size_t max, struct native_unwinder *native)
{
	struct dump_request rq = { .native = native };
	struct dump_snapshot s;
	int rc = sample_snapshot(t, w, prof, &rq, &s);
	if (rc >= 0) {
		rc = (int)(s.n_threads < max ? s.n_threads : max);
		for (int i = 0; i < rc; i++) {
			out[i] = s.threads[i];
			out[i].n_frames = 0; /* the frames go with the snapshot */
		}
	}
	dump_snapshot_release(&s);
	return rc;
}
