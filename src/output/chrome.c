/* chrome.c: the Trace Event Format (JSON) that chrome://tracing and Perfetto open. The
 * timeline is replayed tick by tick; on each thread, a frame that stays on the stack across
 * consecutive samples is one complete ("X") event from the first sample that saw it to the
 * first that did not. Frames are compared by file and function, not line, so one call is one
 * span while it moves from line to line. Thread names go in "M" metadata events, and so do
 * process names: the run's title, or with --subprocesses each process's "process PID (NAME)". */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/json.h"
#include "output/output.h"
#include "output/tracks.h"
#include "profile/profile.h"
#include "util/grow.h"

/* What is open on one thread: its frames, outermost first, with when each began. */
struct open_stack {
	uint32_t *frames;
	uint64_t *since;
	size_t n, frames_cap, since_cap;
};

struct writer {
	const struct profile *p;
	const struct out_options *o;
	FILE *f;
	int pid;
	uint64_t origin; /* time of the first sample: ts 0 */
	int first;       /* no event written yet */
};

static int same_call(const struct profile *p, uint32_t a, uint32_t b)
{
	const struct prof_frame *x = profile_frame_get(p, a), *y = profile_frame_get(p, b);
	return x->file == y->file && x->func == y->func;
}

static uint64_t track_tid(const struct profile *p, uint32_t thread)
{
	if (thread == PROF_NO_THREAD)
		return 0;
	const struct prof_thread *t = profile_thread_get(p, thread);
	/* Before 3.11 a thread's TID is not always known; its ident is unique too. */
	return t->tid ? t->tid : t->ident;
}

/* The process a track ran in: its own when the profile says (a session of several), else the
 * run's. */
static int track_pid(const struct writer *w, uint32_t thread)
{
	if (thread == PROF_NO_THREAD)
		return w->pid;
	const struct prof_thread *t = profile_thread_get(w->p, thread);
	return t->pid ? (int)t->pid : w->pid;
}

static int write_span(struct writer *w, uint32_t thread, uint32_t frame, uint64_t from,
		      uint64_t to)
{
	const struct prof_frame *fr = profile_frame_get(w->p, frame);
	if (fprintf(w->f, "%s\n{\"ph\":\"X\",\"pid\":%d,\"tid\":%" PRIu64 ",\"ts\":%" PRIu64
			  ",\"dur\":%" PRIu64 ",\"name\":",
		    w->first ? "" : ",", track_pid(w, thread), track_tid(w->p, thread),
		    from - w->origin, to - from) < 0 ||
	    json_string(w->f, profile_string(w->p, fr->func)) < 0 ||
	    fputs(",\"cat\":\"python\",\"args\":{\"file\":", w->f) < 0 ||
	    json_string(w->f, profile_string(w->p, fr->file)) < 0)
		return -1;
	if (w->o->line_numbers && fr->line > 0 && fprintf(w->f, ",\"line\":%d", (int)fr->line) < 0)
		return -1;
	w->first = 0;
	return fputs("}}", w->f) < 0 ? -1 : 0;
}

/* Moves a thread's open stack to the stack s (NULL: nothing runs) at time now: frames past
 * the common part end (innermost first, so spans nest), new ones begin. */
static int advance(struct writer *w, uint32_t thread, struct open_stack *o,
		   const struct prof_stack *s, uint64_t now)
{
	size_t n = s ? s->n : 0, k = 0;
	while (k < o->n && k < n && same_call(w->p, o->frames[k], s->frames[k]))
		k++;
	for (size_t i = o->n; i-- > k;)
		if (write_span(w, thread, o->frames[i], o->since[i], now) < 0)
			return -1;
	if (grow_array((void **)&o->frames, &o->frames_cap, n, sizeof *o->frames) < 0 ||
	    grow_array((void **)&o->since, &o->since_cap, n, sizeof *o->since) < 0)
		return -1;
	for (size_t i = k; i < n; i++) {
		o->frames[i] = s->frames[i];
		o->since[i] = now;
	}
	o->n = n;
	return 0;
}

static int write_process_name(struct writer *w, int pid, const char *name)
{
	if (fprintf(w->f, "%s{\"ph\":\"M\",\"pid\":%d,\"name\":\"process_name\",\"args\":{\"name\":",
		    w->first ? "" : ",\n", pid) < 0 ||
	    json_string(w->f, name) < 0 || fputs("}}", w->f) < 0)
		return -1;
	w->first = 0;
	return 0;
}

/* Whether a track before tracks[k] ran in pid. */
static int pid_seen(const struct writer *w, const uint32_t *tracks, size_t k, int pid)
{
	for (size_t i = 0; i < k; i++)
		if (track_pid(w, tracks[i]) == pid)
			return 1;
	return 0;
}

/* The processes' names: the run's title for the target; with o->processes (a session of
 * several), "process PID (NAME)" for each process a track ran in, in the tracks' order. */
static int write_process_names(struct writer *w, const uint32_t *tracks, size_t nt)
{
	if (!w->o->processes)
		return write_process_name(w, w->pid, w->o->title ? w->o->title : "python");
	for (size_t k = 0; k < nt; k++) {
		int pid = track_pid(w, tracks[k]);
		if (pid_seen(w, tracks, k, pid))
			continue;
		char *name = out_process_label(w->p, (uint32_t)pid, NULL);
		int rc = name ? write_process_name(w, pid, name) : -1;
		free(name);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int write_metadata(struct writer *w, const uint32_t *tracks, size_t nt)
{
	if (write_process_names(w, tracks, nt) < 0)
		return -1;
	for (size_t i = 0; i < nt; i++) {
		const char *name = tracks[i] == PROF_NO_THREAD
			? "Python"
			: profile_string(w->p, profile_thread_get(w->p, tracks[i])->name);
		/* With processes named, a thread with no name stands for its process: the
		 * process's name says it all. */
		if (w->o->processes && !*name)
			continue;
		if (fprintf(w->f, ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%" PRIu64
				  ",\"name\":\"thread_name\",\"args\":{\"name\":",
			    track_pid(w, tracks[i]), track_tid(w->p, tracks[i])) < 0 ||
		    json_string(w->f, name) < 0 || fputs("}}", w->f) < 0)
			return -1;
	}
	return 0;
}

/* Replays the timeline: events of one tick share a time; a thread absent from a tick (or
 * an idle tick) has nothing open after it. */
static int replay(struct writer *w, const uint32_t *tracks, size_t nt, struct open_stack *open,
		  const struct prof_stack **now_seen)
{
	const struct profile *p = w->p;
	size_t i = 0;
	uint64_t last = 0;
	while (i < p->n_events) {
		uint64_t t = p->events[i].time_us;
		struct prof_stack st[64];
		size_t used = 0;
		memset(now_seen, 0, nt * sizeof *now_seen);
		for (; i < p->n_events && p->events[i].time_us == t; i++) {
			uint32_t id = p->events[i].stack;
			if (id == INTERN_NONE || used == sizeof st / sizeof st[0])
				continue;
			st[used] = profile_stack(p, id);
			size_t k = out_track_of(tracks, nt, st[used].thread);
			if (k < nt)
				now_seen[k] = &st[used++];
		}
		for (size_t k = 0; k < nt; k++)
			if (advance(w, tracks[k], &open[k], now_seen[k], t) < 0)
				return -1;
		last = t;
	}
	/* The last sample stands for one interval. */
	uint64_t end = last + (uint64_t)(p->interval > 0 ? p->interval * 1e6 : 0);
	for (size_t k = 0; k < nt; k++)
		if (advance(w, tracks[k], &open[k], NULL, end) < 0)
			return -1;
	return 0;
}

int out_chrome_write(const struct profile *p, const struct out_options *o, FILE *f)
{
	size_t nt = 0;
	uint32_t *tracks = out_tracks(p, &nt);
	struct open_stack *open = calloc(nt ? nt : 1, sizeof *open);
	const struct prof_stack **seen = calloc(nt ? nt : 1, sizeof *seen);
	int rc = -1;
	struct writer w = { p, o, f, o->pid, p->n_events ? p->events[0].time_us : 0, 1 };
	if (!tracks || !open || !seen)
		goto out;
	if (fputs("{\"traceEvents\":[\n", f) < 0 || write_metadata(&w, tracks, nt) < 0 ||
	    replay(&w, tracks, nt, open, seen) < 0)
		goto out;
	if (fprintf(f, "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"samples\":%" PRIu64
		       ",\"idle\":%" PRIu64 ",\"title\":",
		    p->samples, p->idle) < 0 ||
	    json_string(f, o->title ? o->title : "") < 0 || fputs("}}\n", f) < 0)
		goto out;
	rc = fflush(f) == 0 ? 0 : -1;
out:
	for (size_t k = 0; open && k < nt; k++) {
		free(open[k].frames);
		free(open[k].since);
	}
	free(open);
	free(seen);
	free(tracks);
	return rc;
}
