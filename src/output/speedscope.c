/* speedscope.c: speedscope's JSON file format. Frames are shared; each thread (or the whole
 * run when threads were not told apart) is one "sampled" profile whose samples list frame
 * indices from the outermost frame in; with --subprocesses a thread's profile is named with
 * its process, "process PID (NAME): THREAD", and a process's profiles come together. Weights are seconds when the sampling interval is
 * known, else sample counts. With a timeline (--flamechart) samples are written in time order,
 * so speedscope's time-ordered view is the real one; else one weighted sample per stack. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/frames.h"
#include "output/json.h"
#include "output/output.h"
#include "output/tracks.h"
#include "profile/profile.h"

struct writer {
	const struct profile *p;
	const struct out_options *o;
	const struct out_frames *frames;
	uint32_t idle_frame; /* index of the "(idle)" frame */
	FILE *f;
	int first; /* no sample written yet in the current profile */
	double total;
};

/* The weight of count samples, in the profile's unit. */
static double weight(const struct profile *p, uint64_t count)
{
	return p->interval > 0 ? (double)count * p->interval : (double)count;
}

static int write_frames(FILE *f, const struct profile *p, const struct out_frames *t)
{
	if (fputs("\"shared\":{\"frames\":[", f) < 0)
		return -1;
	for (size_t i = 0; i < out_frames_count(t); i++) {
		const struct prof_frame *fr = out_frames_get(t, i);
		if (fputs(i ? ",{\"name\":" : "{\"name\":", f) < 0 ||
		    json_string(f, profile_string(p, fr->func)) < 0 || fputs(",\"file\":", f) < 0 ||
		    json_string(f, profile_string(p, fr->file)) < 0)
			return -1;
		if (fr->line > 0 && fprintf(f, ",\"line\":%d", (int)fr->line) < 0)
			return -1;
		if (fputc('}', f) == EOF)
			return -1;
	}
	/* The last entry stands for idle samples. */
	return fprintf(f, "%s{\"name\":\"(idle)\"}]}", out_frames_count(t) ? "," : "") < 0 ? -1 : 0;
}

/* One sample: its frame list into the samples array (weights are written after). */
static int write_sample(struct writer *w, uint32_t stack)
{
	if (!w->first && fputc(',', w->f) == EOF)
		return -1;
	w->first = 0;
	if (stack == INTERN_NONE)
		return fprintf(w->f, "[%" PRIu32 "]", w->idle_frame) < 0 ? -1 : 0;
	struct prof_stack s = profile_stack(w->p, stack);
	if (fputc('[', w->f) == EOF)
		return -1;
	for (size_t i = 0; i < s.n; i++)
		if (fprintf(w->f, "%s%" PRIu32, i ? "," : "", w->frames->index[s.frames[i]]) < 0)
			return -1;
	return fputc(']', w->f) == EOF ? -1 : 0;
}

/* Whether a sample (a stack id or INTERN_NONE for idle) belongs to the track's profile. Idle
 * samples belong to the profile of the whole run only: with threads, idle means no thread ran. */
static int in_track(const struct writer *w, uint32_t stack, uint32_t thread)
{
	if (stack == INTERN_NONE)
		return thread == PROF_NO_THREAD && w->o->include_idle;
	return profile_stack(w->p, stack).thread == thread;
}

/* The samples of one track, twice: first the frame lists, then (pass 1) the weights. */
static int write_track_samples(struct writer *w, uint32_t thread, int pass)
{
	const struct profile *p = w->p;
	w->first = 1;
	w->total = 0;
	if (p->n_events) {
		for (size_t i = 0; i < p->n_events; i++) {
			uint32_t st = p->events[i].stack;
			if (!in_track(w, st, thread))
				continue;
			int rc = pass ? fprintf(w->f, "%s%.9g", w->first ? "" : ",", weight(p, 1))
				      : write_sample(w, st);
			if (rc < 0)
				return -1;
			w->first = 0;
			w->total += weight(p, 1);
		}
		return 0;
	}
	for (size_t i = 0; i <= profile_stack_count(p); i++) {
		int idle = i == profile_stack_count(p);
		uint32_t st = idle ? INTERN_NONE : (uint32_t)i;
		uint64_t count = idle ? p->idle : profile_stack(p, i).count;
		if (!count || !in_track(w, st, thread))
			continue;
		int rc = pass ? fprintf(w->f, "%s%.9g", w->first ? "" : ",", weight(p, count))
			      : write_sample(w, st);
		if (rc < 0)
			return -1;
		w->first = 0;
		w->total += weight(p, count);
	}
	return 0;
}

/* A track's profile name: the run's title for the whole run; a thread's name, or with
 * o->processes "process PID (NAME): THREAD" for a thread of a known process. malloc'd; NULL
 * when out of memory. */
static char *track_name(const struct writer *w, uint32_t thread)
{
	const struct profile *p = w->p;
	if (thread == PROF_NO_THREAD)
		return strdup(w->o->title ? w->o->title : "all threads");
	const struct prof_thread *t = profile_thread_get(p, thread);
	const char *name = profile_string(p, t->name);
	return w->o->processes && t->pid ? out_process_label(p, t->pid, name) : strdup(name);
}

static int write_track(struct writer *w, uint32_t thread, int index)
{
	const struct profile *p = w->p;
	char *name = track_name(w, thread);
	int rc = -1;
	if (!name ||
	    fprintf(w->f, "%s{\"type\":\"sampled\",\"name\":", index ? "," : "") < 0 ||
	    json_string(w->f, name) < 0 ||
	    fprintf(w->f, ",\"unit\":\"%s\",\"startValue\":0,\"samples\":[",
		    p->interval > 0 ? "seconds" : "none") < 0 ||
	    write_track_samples(w, thread, 0) < 0 || fputs("],\"weights\":[", w->f) < 0 ||
	    write_track_samples(w, thread, 1) < 0)
		goto out;
	rc = fprintf(w->f, "],\"endValue\":%.9g}", w->total) < 0 ? -1 : 0;
out:
	free(name);
	return rc;
}

int out_speedscope_write(const struct profile *p, const struct out_options *o, FILE *f)
{
	struct out_frames frames;
	size_t nt = 0;
	uint32_t *tracks = out_tracks(p, &nt);
	int rc = -1;
	if (!tracks || out_frames_build(&frames, p, o->line_numbers) != 0)
		goto out;
	struct writer w = { p, o, &frames, (uint32_t)out_frames_count(&frames), f, 1, 0 };
	if (fputs("{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",", f) < 0 ||
	    write_frames(f, p, &frames) < 0 || fputs(",\"profiles\":[", f) < 0)
		goto out;
	for (size_t i = 0; i < nt; i++)
		if (write_track(&w, tracks[i], (int)i) < 0)
			goto out;
	if (fputs("],\"name\":", f) < 0 || json_string(f, o->title ? o->title : "pyflame") < 0 ||
	    fputs(",\"activeProfileIndex\":0,\"exporter\":\"pyflame\"}\n", f) < 0)
		goto out;
	rc = fflush(f) == 0 ? 0 : -1;
out:
	if (tracks)
		out_frames_release(&frames);
	free(tracks);
	return rc;
}
