/* sampler.c: the sampling loop and one tick of it. */
#include "sample/sampler.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mem/cache.h"
#include "native/unwind.h"
#include "proc/idents.h"
#include "proc/pause.h"
#include "proc/procfs.h"
#include "profile/profile.h"
#include "python/code.h"
#include "python/walker.h"
#include "sample/pending.h"
#include "sample/schedule.h"
#include "sample/native_merge.h"
#include "sample/progress.h"
#include "sample/scratch.h"
#include "sample/stats.h"
#include "sample/thread_names.h"
#include "util/clock.h"
#include "util/grow.h"

/* How often the sampler checks that the target is still there. */
#define POLL_NS (50ull * 1000 * 1000)

int scratch_init(struct scratch *s, int async)
{
	memset(s, 0, sizeof *s);
	s->released_frame = INTERN_NONE;
	/* Not zeroed: every entry of these is written before it is read (the threads by the
	 * reads of the GIL or the list, a stack's fields and frames by read_stacks, the ids by
	 * sample_resolve), and 1.3 MiB zeroed a sampler took that much memory each: from the
	 * heap, where glibc puts them once a freed one has raised its mmap threshold, calloc
	 * clears them page by page (a -C run beside 200 short-lived children held 13 of them). */
	s->threads = malloc(PY_MAX_THREADS * sizeof *s->threads);
	s->stacks = malloc(PY_MAX_THREADS * sizeof *s->stacks);
	s->buf.ids = malloc(SAMPLE_IDS_MAX * sizeof *s->buf.ids);
	s->buf.call_end = malloc(PY_MAX_DEPTH * sizeof *s->buf.call_end);
	s->frames_cap = 2 * PY_MAX_DEPTH;
	s->frames = malloc(s->frames_cap * sizeof *s->frames);
	if (async) {
		s->async = malloc(sizeof *s->async);
		if (!s->async)
			return -ENOMEM;
		async_stage_init(s->async);
	}
	return s->threads && s->stacks && s->buf.ids && s->buf.call_end && s->frames ? 0 : -ENOMEM;
}

void scratch_release(struct scratch *s)
{
	free(s->threads);
	free(s->stacks);
	free(s->buf.ids);
	free(s->buf.call_end);
	free(s->pcs);
	free(s->activation);
	native_names_free(s->native_names);
	free(s->frames);
	thread_names_release(&s->names);
	proc_pause_release(&s->pause);
	ident_map_release(&s->idents);
	if (s->async)
		async_stage_release(s->async);
	free(s->async);
	roster_release(&s->roster);
	verified_release(&s->verified);
	kept_release(&s->kept);
	proc_asleep_release(&s->asleep);
}

/* The reader that sees the target as it is now: cfg's uncached one, else the walker's own. */
struct mem_reader *fresh_reader(const struct py_walker *w, const struct sampler_config *cfg)
{
	return cfg->fresh ? cfg->fresh : w->mem;
}

struct mem_reader *look_now(const struct py_walker *w, const struct sampler_config *cfg,
			    struct mem_reader *look)
{
	if (!look)
		return fresh_reader(w, cfg);
	mem_cache_clear(look);
	mem_cache_prefetch(look);
	return look;
}


/* The profile's id of code's frame at line: its names' ids are kept in the code object's memo
 * (a sample named each of its frames by their strings: three lookups a frame, hashing the
 * file name and the function's), and so is its last frame. */
static uint32_t code_frame(struct profile *prof, const struct py_code *code, int line)
{
	struct py_code_memo *m = py_code_memo(code);
	if (!prof->serial || m->owner != prof->serial) {
		uint32_t file = profile_string_id(prof, code->filename);
		uint32_t func = profile_string_id(prof, code->name);
		if (file == INTERN_NONE || func == INTERN_NONE)
			return INTERN_NONE;
		m->owner = prof->serial;
		m->file = file;
		m->func = func;
		m->frame = INTERN_NONE;
	}
	if (m->frame == INTERN_NONE || m->line != line) {
		m->frame = profile_frame_ids(prof, m->file, m->func, line);
		m->line = line;
	}
	return m->frame;
}

uint32_t sample_resolve(struct py_walker *w, struct profile *prof, struct sample_stats *st,
			const struct py_raw_frame *raw, size_t n, uint32_t thread, uint32_t innermost,
			const uint32_t *root, size_t n_root, const struct sample_natives *nat,
			struct sample_buf *buf)
{
	/* The Python frames named, innermost first, in the first PY_MAX_DEPTH ids; the stack
	 * the profile keeps, outermost first, after them. */
	uint32_t *py = buf->ids, *out = buf->ids + PY_MAX_DEPTH;
	size_t k = 0;
	for (size_t i = 0; i < n && i < PY_MAX_DEPTH; i++) {
		const struct py_code *code = py_code_get(w, raw[i].code);
		if (!code) {
			st->errors[SAMPLE_ERR_CODE]++;
			return INTERN_NONE;
		}
		if (py_frame_hidden(w, &raw[i], code)) {
			/* Left out, but where its eval call began is kept. */
			if (raw[i].outermost_of_call && k)
				buf->call_end[k - 1] = 1;
			continue;
		}
		uint32_t id = code_frame(prof, code, py_code_line(code, raw[i].index));
		if (id == INTERN_NONE)
			return INTERN_NONE;
		buf->call_end[k] = (uint8_t)raw[i].outermost_of_call;
		py[k++] = id;
	}
	if (!k)
		return INTERN_NONE;
	if (n_root > SAMPLE_ROOT_MAX)
		n_root = SAMPLE_ROOT_MAX;
	if (n_root) {
		memcpy(out, root, n_root * sizeof *root);
		out += n_root;
	}
	size_t m;
	if (nat && nat->n) {
		native_names_interpreter(nat->names, prof, w->target.binary);
		m = native_merge(nat->names, nat->u, prof, nat->pcs, nat->activation, nat->n,
				 nat->failed, py, buf->call_end, k, out);
	} else {
		for (m = 0; m < k; m++)
			out[m] = py[k - 1 - m];
	}
	if (innermost != INTERN_NONE)
		out[m++] = innermost;
	return profile_add_stack(prof, thread, out - n_root, m + n_root, 1);
}

/* Whether a stack read without stopping the target still stands: the thread's innermost frame
 * and its code (code, 0 when no frame was read) must be what they were when the walk began.
 * If the thread returned or called meanwhile, the frames read may mix two moments, so the
 * stack is dropped and counted as torn. now is a look at the target after the walk (the
 * walker's cache holds the old bytes). */
static int stack_unchanged(struct py_walker *w, struct mem_reader *now,
			   const struct py_thread *th, uint64_t code)
{
	uint64_t frame_now = 0, code_now = 0;
	return py_thread_frame(w, now, th->tstate, &frame_now, NULL) == 0 &&
	       frame_now == th->frame && (code == 0 ||
		(py_frame_code(w, now, frame_now, &code_now) == 0 && code_now == code));
}

/* Whether the GIL is still free in the look now: stacks read as running without it stand. */
static int gil_still_free(struct py_walker *w, struct mem_reader *now)
{
	struct py_thread h;
	return py_gil_owner(w, now, &h) == 0 && !h.tstate;
}

/* Drops the stacks of the nstacks read that changed while they were read (stack_unchanged),
 * all looked at in one look now, after every walk: the pages of every thread re-read in one
 * call rather than three reads a thread. Returns how many stacks are kept; *lost and the
 * torn count grow by those dropped. */
static size_t drop_changed(struct py_walker *w, struct mem_reader *now, struct profile *prof,
			   struct scratch *s, size_t nstacks, size_t *lost)
{
	size_t kept = 0;
	for (size_t i = 0; i < nstacks; i++) {
		if (s->stacks[i].check &&
		    !stack_unchanged(w, now, &s->threads[s->stacks[i].thread], s->stacks[i].code)) {
			prof->torn++;
			(*lost)++;
			continue;
		}
		s->stacks[kept++] = s->stacks[i];
	}
	return kept;
}

/* Drops the stack of the last holder watched, not stopped (held_asleep), which ran while the
 * stacks were read: torn, as a stack read while its thread runs and found changed is. Returns
 * the stacks left. */
static size_t drop_watched(struct profile *prof, struct scratch *s, size_t nstacks, size_t *lost)
{
	size_t kept = 0;
	for (size_t i = 0; i < nstacks; i++) {
		if (s->threads[s->stacks[i].thread].tstate == s->holder) {
			prof->torn++;
			(*lost)++;
			continue;
		}
		s->stacks[kept++] = s->stacks[i];
	}
	return kept;
}

/* The frame that ends the stack of a thread running without the GIL. */
static uint32_t released_frame(struct profile *prof, struct scratch *s)
{
	if (s->released_frame == INTERN_NONE)
		s->released_frame = profile_frame(prof, "", "(native, GIL released)", 0);
	return s->released_frame;
}

/* Whether this run keeps vouched stacks from tick to tick (kept.h): --threads, pausing, and not
 * --async (its stacks are cut at their task) nor --native (its stacks end in native frames). */
static int kept_wanted(const struct sampler_config *cfg)
{
	return cfg->all_threads && cfg->pause && !cfg->async && !cfg->native;
}

/* Whether this tick takes the kept stacks: the same thread stopped and the GIL's count as when
 * they were vouched for. */
static int kept_reusable(const struct sampler_config *cfg, struct scratch *s)
{
	return kept_wanted(cfg) && s->holder && s->gil_switches_known && !s->unpaused &&
	       kept_usable(&s->kept, s->gil_switches, s->holder);
}

/* Keeps this tick's nstacks stacks, which the GIL's count vouched for, for the next tick; not
 * those cut at PY_MAX_DEPTH (read again, so that each tick counts the cut). */
static void keep_stacks(struct py_walker *w, const struct sampler_config *cfg, struct scratch *s,
			size_t nstacks)
{
	if (!kept_wanted(cfg)) {
		kept_forget(&s->kept);
		return;
	}
	kept_begin(&s->kept, s->gil_switches, s->holder);
	for (size_t i = 0; i < nstacks; i++)
		if (!s->stacks[i].deep &&
		    kept_add(&s->kept, &s->threads[s->stacks[i].thread],
			     s->frames + s->stacks[i].start, s->stacks[i].n) != 0)
			return;
	/* The mark through the tick's pages: the list was read from them. */
	struct py_list_mark mark;
	if (s->n_threads > 0 && py_threads_mark(w, w->mem, &mark) == 0)
		kept_list(&s->kept, s->threads, (size_t)s->n_threads, &mark);
}

/* The thread list kept with the stacks, into s->threads, when it cannot have changed since
 * (py_threads_again); else a py_walk_error. */
static int threads_kept(struct py_walker *w, struct scratch *s)
{
	const struct kept_stacks *k = &s->kept;
	if (!k->list_n || k->list_n > PY_MAX_THREADS)
		return PY_WALK_BAD_READ;
	memcpy(s->threads, k->list, k->list_n * sizeof *s->threads);
	return py_threads_again(w, w->mem, &k->mark, s->holder, s->threads, k->list_n);
}

/* The threads whose stacks this tick wants into s->threads: the GIL holder alone (as held, or
 * read from the GIL), none when the GIL is free, or the whole list. Returns their count or a
 * py_walk_error. */
static int threads_wanted(struct proc_target *t, struct py_walker *w,
			  const struct sampler_config *cfg, struct scratch *s)
{
	int nt = -1;
	if (!s->list_ok) {
		/* the list is read below, and why it does not read is counted */
	} else if (s->unpaused) {
		nt = s->released ? released_threads(t, w, cfg, s) : 0;
	} else if (s->matched) {
		s->threads[0] = s->held;
		s->threads[0].frame = s->matched_frame;
		nt = 1;
	} else if (s->holder && !cfg->all_threads) {
		s->threads[0] = s->held;
		struct py_thread *th = &s->threads[0];
		nt = py_thread_frame(w, w->mem, s->holder, &th->frame, &th->link) == 0 ? 1 : -1;
	} else if (!cfg->all_threads) {
		nt = holder_read(w, s->threads);
	}
	/* With the stacks kept, the list they were kept from when it cannot have changed; else
	 * the frames of the threads whose stacks are kept come with them (3.11, 3.12: not read
	 * through each one's cframe again). */
	int reuse = nt < 0 && kept_reusable(cfg, s);
	if (reuse)
		nt = threads_kept(w, s);
	if (nt < 0)
		nt = reuse ? py_threads_read_known(w, w->mem, s->threads, PY_MAX_THREADS,
						   kept_frame_known, &s->kept)
			   : py_threads_read(w, w->mem, s->threads, PY_MAX_THREADS);
	return nt;
}

/* The native frames of th, whose stack is stacks[k], while its thread is stopped (the GIL
 * holder held alone, or every thread): its registers, then the unwinder through this tick's
 * pages. A thread not held (read while it may run) has none: its registers move. */
static void unwind_stack(const struct sampler_config *cfg, struct scratch *s,
			 const struct py_thread *th, pid_t tid, size_t k)
{
	if (!tid)
		tid = thread_tid(th, &s->pause, s->names.foreign_ns);
	if (tid <= 0 || !proc_pause_holds(&s->pause, tid))
		return;
	if ((!s->native_names && !(s->native_names = native_names_new())) ||
	    grow_array((void **)&s->pcs, &s->pcs_cap, s->pcs_used + NATIVE_MAX_DEPTH,
		       sizeof *s->pcs) != 0 ||
	    grow_array((void **)&s->activation, &s->activation_cap,
		       s->pcs_used + NATIVE_MAX_DEPTH, sizeof *s->activation) != 0)
		return;
	int failed;
	size_t n = native_unwind_stopped(cfg->native, tid, s->pcs + s->pcs_used,
					 s->activation + s->pcs_used, &failed);
	s->stacks[k].native_start = s->pcs_used;
	s->stacks[k].native_n = n;
	s->stacks[k].native_failed = failed;
	s->pcs_used += n;
}

/* Reads the raw stacks of the nt threads in s->threads (the target held as the pause left
 * it) into s->stacks; stacks read while their thread may run are checked, and dropped as torn
 * when they changed. Returns how many stacks were kept; *lost counts the threads that had a
 * stack this tick could not keep (so the tick is not idle). */
static size_t read_stacks(struct proc_target *t, struct py_walker *w,
			  const struct sampler_config *cfg, struct profile *prof,
			  struct sample_stats *st, struct scratch *s, int nt, size_t *lost)
{
	/* Stacks read while their thread may run are checked: always without pausing, when
	 * a pause could not make sure every thread had stopped, and, with only the GIL holder
	 * stopped, those of the other threads (they cannot run Python code then, but 3.12+ only
	 * tells the holder by the GIL's last_holder, set a moment after the GIL is taken). */
	int checked_all = !cfg->pause || s->unpaused ||
			  (!s->pause.complete && !s->holder && !s->matched);
	/* --threads, the same thread stopped and the GIL's count as when the last tick's stacks
	 * were vouched for: the others' are taken from then (kept.h). */
	int reuse = !checked_all && kept_reusable(cfg, s);
	size_t nstacks = 0, used = 0;
	s->pcs_used = 0;
	*lost = 0;
	for (int i = 0; i < nt; i++) {
		const struct py_thread *th = &s->threads[i];
		if (!th->frame || (!cfg->all_threads && !th->holds_gil && !s->released))
			continue;
		int checked = checked_all || (s->holder && th->tstate != s->holder);
		/* Room for the deepest stack after the ones read so far this tick. */
		if (grow_array((void **)&s->frames, &s->frames_cap, used + PY_MAX_DEPTH,
			       sizeof *s->frames) != 0)
			break;
		size_t partial = s->matched_n, n_kept;
		const struct py_raw_frame *kept =
			reuse && th->tstate != s->holder ? kept_find(&s->kept, th, &n_kept) : NULL;
		struct py_link link = th->link;
		link.stopped = !checked;
		int n;
		if (kept) {
			/* As it was at the last tick: it ran no Python code since. */
			memcpy(s->frames + used, kept, n_kept * sizeof *kept);
			n = (int)n_kept;
			checked = 0;
		} else {
			/* A stack taken unstopped is the one its digest was made of, already in
			 * frames. */
			n = s->matched && used == 0
				    ? (s->matched_deep ? PY_WALK_TOO_DEEP : (int)s->matched_n)
				    : py_stack_read(w, th->frame, &link, s->frames + used,
						    PY_MAX_DEPTH, &partial);
		}
		if (n < 0 && checked) {
			/* Read while the target ran: a broken chain means it changed under us. */
			prof->torn++;
			(*lost)++;
			continue;
		}
		int deep = n == PY_WALK_TOO_DEEP;
		if (deep) {
			st->errors[SAMPLE_ERR_TOO_DEEP]++;
			n = (int)partial;
		} else if (n < 0 && py_thread_entering(w, w->mem, th->tstate)) {
			/* Stopped a few instructions into a C call into the eval loop: the
			 * thread's frame pointers were half written, as a running thread's
			 * are when it moves under a read. */
			prof->torn++;
			(*lost)++;
			continue;
		} else if (n < 0) {
			st->errors[SAMPLE_ERR_STACK]++;
			(*lost)++; /* not idle either: this thread had a stack, unreadable */
			continue;
		}
		/* Checked once every stack is read (drop_changed). */
		s->stacks[nstacks].check = checked;
		s->stacks[nstacks].deep = deep;
		s->stacks[nstacks].thread = i;
		s->stacks[nstacks].code = n > 0 ? s->frames[used].code : 0;
		s->stacks[nstacks].start = used;
		s->stacks[nstacks].n = (size_t)n;
		s->stacks[nstacks].name = -1;
		s->stacks[nstacks].native_n = 0;
		s->stacks[nstacks].holds_gil = th->holds_gil && !s->released;
		s->stacks[nstacks].root.n = 0;
		s->stacks[nstacks].ref = s->matched && used == 0 ? s->matched_ref : 0;
		if (cfg->async) {
			/* The task's frames only, under its chain of awaiters. */
			size_t cut = async_stage_running(s->async, th->tstate, s->frames + used,
							 (size_t)n, &s->stacks[nstacks].root);
			if (cut)
				s->stacks[nstacks].n = n = (int)cut;
		}
		if (cfg->native && !checked) {
			unwind_stack(cfg, s, th, s->holder == th->tstate ? s->held_tid : 0, nstacks);
		} else if (cfg->native && s->released && proc_pause_thread(t, &s->pause,
								       s->released_tid[i]) == 0) {
			/* A thread in C without the GIL: stopped alone for its registers (its
			 * Python frames cannot change without the GIL, and the GIL is checked
			 * still free after). */
			unwind_stack(cfg, s, th, s->released_tid[i], nstacks);
			proc_resume_all(t, &s->pause);
		}
		if (cfg->tag_threads) {
			/* The TID is told now, while its thread may be held; the name is
			 * read once the target runs again. Which threads are held says which
			 * are gone only when all are. */
			const struct proc_pause *pp =
				cfg->pause && s->pause.complete ? &s->pause : NULL;
			pid_t known = s->holder == th->tstate ? s->held_tid : 0;
			s->stacks[nstacks].name = thread_names_find(&s->names, th, pp, known);
		}
		nstacks++;
		used += (size_t)n;
	}
	return nstacks;
}

/* The profile's thread (or process) that stack i is counted under, PROF_NO_THREAD for none. */
static uint32_t stack_thread(const struct proc_target *t, const struct sampler_config *cfg,
			     struct profile *prof, const struct scratch *s, size_t i)
{
	if (s->stacks[i].name >= 0) {
		const struct thread_name_entry *e = &s->names.v[s->stacks[i].name];
		/* Without identities, by name alone: one entry however many threads (of one
		 * process). */
		int id = cfg->thread_identity;
		return profile_thread(prof, (uint32_t)t->pid, id ? e->ident : 0,
				      id ? (uint64_t)e->tid : 0, e->name);
	}
	if (cfg->tag_process)
		return profile_thread(prof, (uint32_t)t->pid, 0, 0, "");
	return PROF_NO_THREAD;
}

/* Names and lines for the nstacks stacks read, into prof, with the target running again:
 * code objects do not change while a frame uses them, and most are already cached; so are
 * the names of threads new this tick. A tick with no stack and none lost is idle. */
static void resolve_stacks(struct proc_target *t, struct py_walker *w,
			   const struct sampler_config *cfg, struct profile *prof,
			   struct sample_stats *st, struct scratch *s, size_t nstacks, size_t lost,
			   uint64_t time_us)
{
	if (cfg->tag_threads)
		thread_names_fill(&s->names, w, t->pid);
	uint64_t before = st->errors[SAMPLE_ERR_CODE];
	int held = 0;
	for (size_t i = 0; i < nstacks; i++) {
		uint32_t thread = stack_thread(t, cfg, prof, s, i);
		struct sample_natives nat = { 0 };
		if (s->stacks[i].native_n)
			nat = (struct sample_natives){ cfg->native, s->native_names,
						       s->pcs + s->stacks[i].native_start,
						       s->activation + s->stacks[i].native_start,
						       s->stacks[i].native_n,
						       s->stacks[i].native_failed };
		const struct async_span *root = &s->stacks[i].root;
		/* A stack of the verified set, the frames alone, is counted as it was the
		 * last time, unless code objects moved since the set was synced. */
		verified_ref ref = !nat.n && !root->n && !s->released &&
						   py_code_generation(w) == s->verified.generation
					   ? s->stacks[i].ref
					   : 0;
		uint32_t id = verified_stack_of(&s->verified, ref, prof->serial, thread);
		if (id != INTERN_NONE) {
			profile_count(prof, id, 1);
		} else {
			id = sample_resolve(w, prof, st, s->frames + s->stacks[i].start,
					    s->stacks[i].n, thread,
					    s->released ? released_frame(prof, s) : INTERN_NONE,
					    root->n ? s->async->ids + root->start : NULL, root->n,
					    nat.n ? &nat : NULL, &s->buf);
			if (id != INTERN_NONE && ref)
				verified_remember(&s->verified, ref, prof->serial, thread, id);
		}
		if (id != INTERN_NONE) {
			profile_add_event(prof, time_us, id);
			held |= s->stacks[i].holds_gil;
		}
	}
	/* --idle-tasks: the tasks waiting, in counts only (they ran at no moment). */
	if (cfg->idle_tasks)
		async_stage_count(s->async, prof,
				  cfg->tag_threads || cfg->tag_process
					  ? profile_thread(prof, (uint32_t)t->pid, 0, 0, "")
					  : PROF_NO_THREAD);
	if (nstacks == 0 && lost == 0) {
		prof->idle++;
		profile_add_event(prof, time_us, INTERN_NONE);
	}
	if (nstacks > 0 || st->errors[SAMPLE_ERR_CODE] == before) {
		prof->samples++;
		st->gil_held += held;
	}
}

/* Code objects read whole per tick while the target is stopped; more wait until after. */
#define NEW_CODES_MAX 64

/* Checks, while the target is still stopped, the code objects of this tick's stacks, reading
 * those not seen before (or whose address now holds another); naming the frames after the
 * target goes on then uses what was checked here (py_code_epoch). A frame holds its code
 * object alive only while it runs: a module's code is freed as soon as its import ends and
 * another is soon allocated at the same address, so a run that starts up (imports by the
 * hundred) lost a sample in two to "code object unreadable" when they were read after the
 * target went on. A known code object costs one read of its head, from the pages this tick
 * fetched. */
static void check_codes(struct py_walker *w, struct scratch *s, size_t nstacks)
{
	/* Their heads first, in one read with those of the samples pending (pending.h): with
	 * the ticks between checks not reading them, they are no longer among a tick's pages. */
	uint64_t codes[128];
	size_t nc = 0;
	for (size_t i = 0; i < s->pending.n_codes && nc < sizeof codes / sizeof codes[0]; i++)
		codes[nc++] = s->pending.codes[i];
	for (size_t i = 0; i < nstacks; i++)
		for (size_t k = 0; k < s->stacks[i].n && nc < sizeof codes / sizeof codes[0]; k++) {
			uint64_t code = s->frames[s->stacks[i].start + k].code;
			if (!k || code != s->frames[s->stacks[i].start + k - 1].code)
				codes[nc++] = code;
		}
	py_code_prefetch(w, codes, nc);
	unsigned budget = NEW_CODES_MAX;
	for (size_t i = 0; i < nstacks; i++)
		for (size_t k = 0; k < s->stacks[i].n; k++) {
			uint64_t code = s->frames[s->stacks[i].start + k].code;
			/* Recursion: checked a frame ago. */
			if (k && code == s->frames[s->stacks[i].start + k - 1].code)
				continue;
			int known = py_code_cached(w, code);
			if (known || budget) {
				budget -= !known;
				py_code_get(w, code);
			}
		}
}

/* Stack i of this tick in the verified set, or 0; add: added when not there. */
static verified_ref stack_ref(struct scratch *s, size_t i, int add)
{
	uint64_t tstate = s->threads[s->stacks[i].thread].tstate;
	const struct py_raw_frame *f = s->frames + s->stacks[i].start;
	return add ? verified_add(&s->verified, tstate, f, s->stacks[i].n)
		   : verified_find(&s->verified, tstate, f, s->stacks[i].n);
}

/* Adds the stack of the GIL holder held stopped alone this tick to those a stack read while it
 * runs may match (verified.h). */
static void verify_held(struct scratch *s, size_t nstacks)
{
	for (size_t i = 0; i < nstacks; i++)
		if (s->threads[s->stacks[i].thread].tstate == s->holder && !s->stacks[i].check &&
		    s->stacks[i].n)
			s->stacks[i].ref = stack_ref(s, i, 1);
}

/* --nonblocking: a stack read exactly as one that passed its re-check before is taken without
 * one (the re-check is a look at the target, a system call a tick: most of a tick's cost that
 * is not the wake-up); the others are re-checked (drop_changed), and those kept remembered
 * (remember_checked). A read torn so that it comes out as a stack already taken is that
 * stack. */
static void skip_seen_checks(struct py_walker *w, struct scratch *s, size_t nstacks)
{
	verified_sync(&s->verified, py_code_generation(w));
	for (size_t i = 0; i < nstacks; i++)
		if (s->stacks[i].check && s->stacks[i].n &&
		    (s->stacks[i].ref = stack_ref(s, i, 0)) != 0)
			s->stacks[i].check = 0;
}

static void remember_checked(struct scratch *s, size_t nstacks)
{
	for (size_t i = 0; i < nstacks; i++)
		if (s->stacks[i].check && s->stacks[i].n)
			s->stacks[i].ref = stack_ref(s, i, 1);
}

/* The heads of the held samples' code objects, to come with the next fetch of the tick's
 * pages (the tick that checks them). */
static void fetch_pending_heads(struct py_walker *w, const struct sampler_config *cfg,
				const struct scratch *s)
{
	mem_cache_fetch_also(cfg->cache, s->pending.n_codes, s->pending.codes,
			     py_code_head_len(w));
}

/* The GIL holder's stack taken unstopped (s->matched): when the verified set knows what profile
 * stack it was counted as, it is held (pending.h), its code objects checked with the next few
 * samples'. Else, or when the held ones are due, the code objects are checked now and what was
 * held is counted, before this sample is (resolve_stacks). Returns 1 when the sample is held. */
static int count_matched(struct proc_target *t, struct py_walker *w,
			 const struct sampler_config *cfg, struct profile *prof, struct scratch *s,
			 size_t nstacks, uint64_t time_us)
{
	uint64_t generation = py_code_generation(w);
	/* Not when processes share the profile's timeline (-C): another process's samples
	 * would come in between and after, out of time order. */
	int may_hold = !(prof->keep_timeline && cfg->tag_process);
	if (may_hold && nstacks == 1 && s->stacks[0].ref && !s->stacks[0].native_n &&
	    !s->stacks[0].root.n && !s->released && generation == s->verified.generation) {
		if (cfg->tag_threads)
			thread_names_fill(&s->names, w, t->pid);
		uint32_t stack = verified_stack_of(&s->verified, s->stacks[0].ref, prof->serial,
						   stack_thread(t, cfg, prof, s, 0));
		uint64_t now = clock_now_ns();
		if (stack != INTERN_NONE &&
		    pending_add(&s->pending, prof, generation, stack, time_us, s->stacks[0].holds_gil,
			     s->frames + s->stacks[0].start, s->stacks[0].n, now)) {
			/* Checked at the next tick: their heads come with its pages, in its one
			 * read (a read of their own every 16 ticks was a tenth of the calls). */
			if (pending_due(&s->pending, now + (uint64_t)(cfg->interval * 1e9)))
				fetch_pending_heads(w, cfg, s);
			return 1;
		}
	}
	py_code_epoch(w);
	check_codes(w, s, nstacks);
	return 0;
}

/* One snapshot: pause, read, resume, resolve. Returns 0, or -ESRCH when the target is gone,
 * or -EPERM. */
static int snapshot(struct proc_target *t, struct py_walker *w, const struct sampler_config *cfg,
		    struct profile *prof, struct sample_stats *st, struct scratch *s)
{
	/* Before the pause: finding asyncio reads files. */
	if (cfg->async)
		async_stage_begin(s->async, w, prof, t->pid);
	if (cfg->pause) {
		int rc = pause_snapshot(t, w, cfg, s);
		/* The kernel refuses to trace a process that is exiting (EPERM, not ESRCH): a
		 * command that ends right after start must not look like a permission problem. */
		if (rc == -EPERM && proc_target_poll(t))
			return -ESRCH;
		if (rc == -ESRCH || rc == -EPERM)
			return rc;
		if (rc < 0) {
			st->errors[SAMPLE_ERR_PAUSE]++;
			return 0;
		}
	}
	/* Pages read at the last tick are stale now: the target has run since. The same pages
	 * are fetched again in one call, after the threads are stopped. A tick that found the
	 * GIL free reads nothing more, and keeps the set of pages for the next one. */
	/* With the GIL free, threads running C code are looked for while the target uses CPU
	 * (target_busy). */
	s->released = s->unpaused && !s->frameless && cfg->find_released && target_busy(t, s);
	/* A stack taken unstopped (s->matched) was read from pages fetched this tick. */
	if (cfg->cache && !(s->unpaused && s->list_ok && !s->released) && !s->matched) {
		/* A tick that stopped the target checks the samples held: their code heads come
		 * with its pages. */
		if (!s->unpaused && s->pending.n)
			fetch_pending_heads(w, cfg, s);
		if (s->tried) {
			mem_cache_refresh(cfg->cache);
		} else {
			mem_cache_clear(cfg->cache);
			mem_cache_prefetch(cfg->cache);
		}
	}
	thread_names_trim(&s->names);
	uint64_t time_us = clock_wall_us();
	if (!prof->start_us)
		prof->start_us = time_us;
	prof->end_us = time_us;
	/* Code objects are checked anew from here (the --async stage names its frames while
	 * the target stands still, check_codes the others); a stack taken unstopped has its
	 * checked later, when it is counted (count_matched). */
	if (!s->matched)
		py_code_epoch(w);
	int nt = threads_wanted(t, w, cfg, s);
	s->n_threads = nt > 0 ? nt : 0;
	uint64_t torn = prof->torn;
	size_t lost = 0, nstacks = nt > 0 ? read_stacks(t, w, cfg, prof, st, s, nt, &lost) : 0;
	if (!cfg->pause)
		skip_seen_checks(w, s, nstacks);
	/* Threads found in C without the GIL, or a last holder watched, not stopped: their code
	 * objects are read now, before the look that says the GIL is still free (and the
	 * watched one still off the CPU), which vouches for them too. Read later, a thread
	 * that took the GIL back meanwhile may have ended the frame and freed its code (an
	 * import's module code goes as soon as the import ends): "code object unreadable". */
	if ((s->released || s->held_asleep) && nstacks)
		check_codes(w, s, nstacks);
	/* --threads with the holder stopped alone: when no other thread took the GIL meanwhile,
	 * none ran Python code while its stack was read (one look at the GIL, not one at each
	 * thread's frames: at 100 threads, most of the time the holder stood stopped). */
	if (cfg->all_threads && s->holder && !s->released && nstacks && others_held_still(w, cfg, s)) {
		for (size_t i = 0; i < nstacks; i++)
			s->stacks[i].check = 0;
		keep_stacks(w, cfg, s, nstacks);
	} else {
		kept_forget(&s->kept);
		if (s->held_asleep && !proc_asleep_still(&s->asleep))
			nstacks = drop_watched(prof, s, nstacks, &lost);
	}
	int checks = s->released && (nstacks || lost);
	for (size_t i = 0; i < nstacks; i++)
		checks |= s->stacks[i].check;
	/* One look at the target now for every check of the tick. */
	struct mem_reader *now = checks ? look_now(w, cfg, cfg->now_stacks) : NULL;
	if (now)
		nstacks = drop_changed(w, now, prof, s, nstacks, &lost);
	if (!cfg->pause)
		remember_checked(s, nstacks);
	if (s->released && (nstacks || lost) && !gil_still_free(w, now)) {
		/* The GIL was being handed from one thread to another (a thread running then
		 * is in the handover, not in C work of its own), or a waiting thread woke to
		 * take it: an idle tick, as before anyone could tell. Work without the GIL
		 * lasts; a handover is over in microseconds. */
		prof->torn = torn;
		nstacks = lost = 0;
	}
	if (s->holder && unstopped_ok(cfg))
		verify_held(s, nstacks);
	if (cfg->idle_tasks && nt >= 0)
		async_stage_waiting(s->async);
	if (cfg->pause && !s->unpaused && !s->matched)
		check_codes(w, s, nstacks);
	if (cfg->pause && !s->unpaused) {
		if (cfg->cache)
			mem_cache_mark_hot(cfg->cache);
		proc_resume_all(t, &s->pause);
	}
	if (nt == PY_WALK_NOT_READY) {
		st->errors[SAMPLE_ERR_NOT_READY]++;
		return 0;
	}
	if (nt < 0) {
		st->errors[SAMPLE_ERR_THREADS]++;
		return 0;
	}
	if (s->matched && count_matched(t, w, cfg, prof, s, nstacks, time_us))
		return 0;
	/* Samples held are counted (or dropped) before this tick's, in the order taken. */
	pending_settle(&s->pending, w, prof, st);
	resolve_stacks(t, w, cfg, prof, st, s, nstacks, lost, time_us);
	return 0;
}

/* Thread states read at each poll, to see that the thread list is there. */
#define LIST_CHECK 4

/* Once the list read, it is read again this often only (and after a tick that failed): the
 * few thread states, read field by field, were 11 reads every POLL_NS, a fifth of the system
 * calls of a run at 1 kHz besides the ticks' own. */
#define LIST_AGAIN_NS (1000ull * 1000 * 1000)

/* Whether the interpreter's thread list reads, checked on its first few thread states (a
 * bound: the point is not to walk 500 of them). Without --threads a tick reads only the GIL,
 * which under a wrong --abi, or before the interpreter is up, can read as free and make every
 * sample idle; until the list reads, ticks read the list and count why it does not. */
static int list_readable(struct py_walker *w, const struct sampler_config *cfg,
			 struct scratch *s)
{
	return py_threads_read(w, fresh_reader(w, cfg), s->threads, LIST_CHECK) > 0;
}

struct sampler {
	struct proc_target *t;
	struct py_walker *w;
	const struct sampler_config *cfg;
	struct profile *prof;
	struct sample_stats *st;
	struct scratch s;
	uint64_t opened_ns, polled_ns;
	uint64_t listed_ns; /* when list_readable last ran */
	/* Errors as of the last poll that saw the same program: a process in exec() fails
	 * reads for a while before its new program shows, and those failures are no loss. */
	uint64_t errors[SAMPLE_ERR_COUNT];
};

struct sampler *sampler_open(struct proc_target *t, struct py_walker *w,
			     const struct sampler_config *cfg, struct profile *prof,
			     struct sample_stats *st)
{
	struct sampler *sp = calloc(1, sizeof *sp);
	if (!sp)
		return NULL;
	if (scratch_init(&sp->s, cfg->async) != 0) {
		scratch_release(&sp->s);
		free(sp);
		return NULL;
	}
	sp->t = t;
	sp->w = w;
	sp->cfg = cfg;
	sp->prof = prof;
	sp->st = st;
	struct scratch *s = &sp->s;
	/* Pausing the GIL holder alone needs its TID: 3.11+ records it, numbered as this /proc
	 * numbers threads unless the process is a container's seen from the host; else it is
	 * told by its pthread_t (which every version records) through the threads' fs_base. */
	s->names.foreign_ns = t->pid && !procfs_same_pid_ns(t->pid);
	s->names.idents = &s->idents;
	s->names.mem = cfg->fresh;
	if (cfg->pause && cfg->fresh && t->pid)
		s->gil_pause = w->layout.o.tstate_native_thread_id >= 0 && !s->names.foreign_ns
				       ? GIL_PAUSE_NATIVE
				       : GIL_PAUSE_IDENT;
	prof->interval = cfg->interval;
	memcpy(sp->errors, st->errors, sizeof sp->errors);
	sp->opened_ns = clock_now_ns();
	return sp;
}

int sampler_tick(struct sampler *sp)
{
	struct sample_stats *st = sp->st;
	/* Whether the target still lives costs a few system calls to learn; every POLL_NS is
	 * often enough (a gone target also fails its reads meanwhile). */
	uint64_t now = clock_now_ns();
	if (now - sp->polled_ns >= POLL_NS || !sp->polled_ns) {
		int failed = !sp->polled_ns;
		sp->polled_ns = now;
		if (proc_target_poll(sp->t))
			return -ESRCH;
		if (sp->t->execed) {
			memcpy(st->errors, sp->errors, sizeof sp->errors);
			return -ESTALE; /* another program now: the caller looks again */
		}
		/* The GIL's address and its interpreter's, for the ticks until the next poll. */
		py_gil_route_learn(sp->w, fresh_reader(sp->w, sp->cfg));
		if (!sp->s.list_ok || failed || now - sp->listed_ns >= LIST_AGAIN_NS) {
			sp->s.list_ok = list_readable(sp->w, sp->cfg, &sp->s);
			sp->listed_ns = now;
		}
		memcpy(sp->errors, st->errors, sizeof sp->errors);
	}
	uint64_t before = sample_errors_total(st);
	int rc = snapshot(sp->t, sp->w, sp->cfg, sp->prof, st, &sp->s);
	if (rc == -ESRCH)
		return rc;
	st->ticks++;
	/* A failed tick may be the first sign of an exec(): look at the next tick rather than
	 * at the next POLL_NS. */
	if (sp->t->image && sample_errors_total(st) != before)
		sp->polled_ns = 0;
	return rc;
}

uint64_t sampler_stopped_ns(const struct sampler *sp)
{
	return sp ? sp->s.pause.held_ns : 0;
}

void sampler_close(struct sampler *sp)
{
	if (!sp)
		return;
	/* The samples still held are checked and counted (a target gone reads nothing, and
	 * what it ran last stays as it was read). */
	py_code_epoch(sp->w);
	pending_settle(&sp->s.pending, sp->w, sp->prof, sp->st);
	sp->st->stopped_ns += sp->s.pause.held_ns;
	sp->st->pauses += sp->s.pause.pauses;
	sp->st->sampled_ns += clock_now_ns() - sp->opened_ns;
	scratch_release(&sp->s);
	free(sp);
}

/* Whether sp's target has ended, for the wait between ticks: sampler_tick looks every POLL_NS
 * already, and a look reads /proc (two looks every 50 ms were 7% of a 1 kHz run's CPU); this
 * one looks only when the ticks are further apart than that (a long -r). */
static int target_ended(void *arg)
{
	struct sampler *sp = arg;
	if (clock_now_ns() - sp->polled_ns < POLL_NS)
		return sp->t->exited;
	return proc_target_poll(sp->t);
}

int sampler_run(struct proc_target *t, struct py_walker *w, const struct sampler_config *cfg,
		struct profile *prof, struct sample_stats *st, volatile sig_atomic_t *stop)
{
	struct sampler *sp = sampler_open(t, w, cfg, prof, st);
	if (!sp)
		return -ENOMEM;
	struct sample_clock clock;
	sample_run_start(&clock, cfg->seconds, cfg->interval, cfg->once);
	int rc = 0;
	while (!*stop) {
		int trc = sampler_tick(sp);
		if (trc == -ESRCH)
			break;
		if (trc == -ESTALE || trc == -EPERM) {
			rc = trc == -EPERM && clock.k ? 0 : trc;
			break;
		}
		if (cfg->progress)
			progress_update(cfg->progress, st, prof);
		if (!sample_run_next(&clock, stop, target_ended, sp, &st->missed))
			break;
	}
	sampler_close(sp);
	return rc;
}
