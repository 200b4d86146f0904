/* pprof.c: pprof's profile.proto (github.com/google/pprof/proto/profile.proto), gzip-compressed.
 *
 * Each frame the writer shows (out_frames: lines merged with -n) is one Location holding one
 * Line; each (function, file) is one Function, named "name (file)" when functions of that name
 * come from more than one file; each distinct stack, per thread, is one Sample
 * listing its locations innermost first, as pprof wants, with values [samples, wall ns].
 * Threads become labels ("thread", "thread_id"), so `pprof -tagfocus` and `-tagroot` work;
 * with --subprocesses, so do processes ("pid", and "process": "process PID (NAME)").
 * The message is built whole in memory (a nested message needs its length first), then
 * compressed into the FILE. */
#define ZLIB_CONST /* zlib's next_in is const: the encoded profile is only read */

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "output/frames.h"
#include "output/output.h"
#include "output/protobuf.h"
#include "profile/profile.h"
#include "util/grow.h"

/* Field numbers of profile.proto's messages. */
enum {
	PROFILE_SAMPLE_TYPE = 1,
	PROFILE_SAMPLE = 2,
	PROFILE_LOCATION = 4,
	PROFILE_FUNCTION = 5,
	PROFILE_STRING_TABLE = 6,
	PROFILE_TIME_NANOS = 9,
	PROFILE_DURATION_NANOS = 10,
	PROFILE_PERIOD_TYPE = 11,
	PROFILE_PERIOD = 12,
	PROFILE_COMMENT = 13,
};
enum { VALUE_TYPE_TYPE = 1, VALUE_TYPE_UNIT = 2 };
enum { SAMPLE_LOCATION_ID = 1, SAMPLE_VALUE = 2, SAMPLE_LABEL = 3 };
enum { LABEL_KEY = 1, LABEL_STR = 2, LABEL_NUM = 3 };
enum { LOCATION_ID = 1, LOCATION_LINE = 4 };
enum { LINE_FUNCTION_ID = 1, LINE_LINE = 2 };
enum {
	FUNCTION_ID = 1,
	FUNCTION_NAME = 2,
	FUNCTION_SYSTEM_NAME = 3, /* left out: see put_functions */
	FUNCTION_FILENAME = 4,
	FUNCTION_START_LINE = 5,
};

/* The period when the run did not say: pyflame's default rate. */
#define DEFAULT_PERIOD_NS 10000000

/* A Function: string table indices of its name and file; the key of the function table. */
struct fn_key {
	uint32_t name, file;
};

/* String table indices the writer refers to, interned before the table is written. */
struct names {
	uint32_t samples, count, wall, nanoseconds, thread, thread_id, title;
	uint32_t *threads; /* by profile thread id: the thread's name */
	/* With o->processes only, so that the table stays as it was without: */
	uint32_t pid, process; /* the labels' keys */
	uint32_t *processes;   /* by profile thread id: its process's label, 0 when not known */
};

struct pprof {
	const struct profile *p;
	const struct out_options *o;
	int64_t period;           /* nanoseconds per sample */
	struct out_frames frames; /* one Location per entry: entry i is location i + 1 */
	struct intern strings;    /* the string table; "" is index 0 as pprof requires */
	struct names names;
	struct intern functions; /* keys: struct fn_key; function i has id i + 1 */
	uint32_t *loc_func;      /* by frames entry: its function */
	int64_t *start_line;     /* by function: the smallest line seen, 0 when none */
	uint32_t idle_func;      /* the "(idle)" function, INTERN_NONE without idle samples */
	struct intern samples;   /* keys: a thread id, then location ids innermost first */
	uint64_t *counts;        /* by sample */
	size_t counts_cap;
	struct pb_buf out, msg, sub; /* the Profile; one message of it; one inside that */
	uint64_t *scratch;           /* one sample's location ids, as pb_packed takes them */
	size_t scratch_cap;
};

/* v (>= 0, below 2^62) rounded to the nearest integer, halves away from zero: llround's
 * answer, without libm (whose loading cost every run of pyflame more than this call). */
static int64_t round_positive(double v)
{
	int64_t whole = (int64_t)v;
	return v - (double)whole >= 0.5 ? whole + 1 : whole;
}

static uint32_t str(struct pprof *w, const char *s)
{
	return intern_add(&w->strings, s, strlen(s));
}

/* The processes' label keys, and each thread's process label (threads of one process share
 * it: the table interns it once). Returns 0 or -1 (no memory). */
static int build_process_names(struct pprof *w)
{
	const struct profile *p = w->p;
	struct names *n = &w->names;
	size_t nt = profile_thread_count(p);
	n->pid = str(w, "pid");
	n->process = str(w, "process");
	n->processes = calloc(nt ? nt : 1, sizeof *n->processes);
	if (n->pid == INTERN_NONE || n->process == INTERN_NONE || !n->processes)
		return -1;
	for (size_t i = 0; i < nt; i++) {
		uint32_t pid = profile_thread_get(p, (uint32_t)i)->pid;
		if (!pid)
			continue;
		char *label = out_process_label(p, pid, NULL);
		n->processes[i] = label ? str(w, label) : INTERN_NONE;
		free(label);
		if (n->processes[i] == INTERN_NONE)
			return -1;
	}
	return 0;
}

/* Interns every string the writer names outside the function table. The string table is
 * written before the comment and the period type, so nothing may be added while writing. */
static int build_names(struct pprof *w)
{
	const struct profile *p = w->p;
	struct names *n = &w->names;
	size_t nt = profile_thread_count(p);
	if (str(w, "") != 0)
		return -1;
	n->samples = str(w, "samples");
	n->count = str(w, "count");
	n->wall = str(w, "wall");
	n->nanoseconds = str(w, "nanoseconds");
	n->thread = str(w, "thread");
	n->thread_id = str(w, "thread_id");
	n->title = w->o->title ? str(w, w->o->title) : 0;
	if (n->samples == INTERN_NONE || n->count == INTERN_NONE || n->wall == INTERN_NONE ||
	    n->nanoseconds == INTERN_NONE || n->thread == INTERN_NONE ||
	    n->thread_id == INTERN_NONE || n->title == INTERN_NONE)
		return -1;
	n->threads = malloc((nt ? nt : 1) * sizeof *n->threads);
	if (!n->threads)
		return -1;
	for (size_t i = 0; i < nt; i++) {
		const struct prof_thread *t = profile_thread_get(p, (uint32_t)i);
		n->threads[i] = str(w, profile_string(p, t->name));
		if (n->threads[i] == INTERN_NONE)
			return -1;
	}
	return w->o->processes ? build_process_names(w) : 0;
}

/* The function of (name, file), added when new. Returns its index or INTERN_NONE. */
static uint32_t function_of(struct pprof *w, const char *name, const char *file)
{
	struct fn_key k = { str(w, name), str(w, file) };
	if (k.name == INTERN_NONE || k.file == INTERN_NONE)
		return INTERN_NONE;
	return intern_add(&w->functions, &k, sizeof k);
}

/* Which function names (by string id) belong to functions of more than one file: *shared[id]
 * set. pprof's views (-top, -list, -peek) merge functions by name alone, so two __init__ from
 * two files would be one. Returns 0 or -1 (no memory); free *shared. */
static int shared_names(struct pprof *w, uint8_t **shared)
{
	const struct profile *p = w->p;
	size_t nstr = p->strings.n ? p->strings.n : 1;
	uint32_t *file_of = malloc(nstr * sizeof *file_of); /* by name: the first file seen */
	*shared = calloc(nstr, 1);
	if (!file_of || !*shared) {
		free(file_of);
		return -1;
	}
	for (size_t i = 0; i < nstr; i++)
		file_of[i] = INTERN_NONE;
	for (size_t i = 0; i < out_frames_count(&w->frames); i++) {
		const struct prof_frame *fr = out_frames_get(&w->frames, i);
		if (file_of[fr->func] == INTERN_NONE)
			file_of[fr->func] = fr->file;
		else if (file_of[fr->func] != fr->file)
			(*shared)[fr->func] = 1;
	}
	free(file_of);
	return 0;
}

/* The function of frame fr: named by its function alone, or "name (file)" when the name is
 * shared (like py-spy), the file shortened to the ending no other file of the profile has
 * ("json/__init__.py"); the Function's filename keeps the whole path. */
static uint32_t frame_function(struct pprof *w, const struct prof_frame *fr, const uint8_t *shared,
			       const char **suffixes, char **buf, size_t *cap)
{
	const char *name = profile_string(w->p, fr->func), *file = profile_string(w->p, fr->file);
	if (!shared[fr->func])
		return function_of(w, name, file);
	size_t need = strlen(name) + strlen(suffixes[fr->file]) + 4;
	if (grow_array((void **)buf, cap, need, 1) < 0)
		return INTERN_NONE;
	snprintf(*buf, *cap, "%s (%s)", name, suffixes[fr->file]);
	return function_of(w, *buf, file);
}

/* Functions for every location, and their start lines. The profile keeps no first line of a
 * function, so the smallest line seen in it stands in; with -n too, as it is still true. */
static int build_functions(struct pprof *w)
{
	const struct profile *p = w->p;
	size_t nloc = out_frames_count(&w->frames), nframes = p->frames.n, cap = 0;
	uint8_t *shared = NULL;
	const char **suffixes = out_file_suffixes(p);
	char *buf = NULL;
	w->loc_func = malloc((nloc ? nloc : 1) * sizeof *w->loc_func);
	int rc = !w->loc_func || !suffixes || shared_names(w, &shared) ? -1 : 0;
	for (size_t i = 0; rc == 0 && i < nloc; i++) {
		w->loc_func[i] = frame_function(w, out_frames_get(&w->frames, i), shared, suffixes,
						&buf, &cap);
		if (w->loc_func[i] == INTERN_NONE)
			rc = -1;
	}
	free(shared);
	free(suffixes);
	free(buf);
	if (rc != 0)
		return -1;
	w->idle_func = INTERN_NONE;
	if (w->o->include_idle && p->idle) {
		w->idle_func = function_of(w, "(idle)", "");
		if (w->idle_func == INTERN_NONE)
			return -1;
	}
	w->start_line = calloc(w->functions.n ? w->functions.n : 1, sizeof *w->start_line);
	if (!w->start_line)
		return -1;
	for (size_t i = 0; i < nframes; i++) {
		const struct prof_frame *fr = profile_frame_get(p, (uint32_t)i);
		int64_t *sl = &w->start_line[w->loc_func[w->frames.index[i]]];
		if (fr->line > 0 && (*sl == 0 || fr->line < *sl))
			*sl = fr->line;
	}
	return 0;
}

/* One Sample per distinct (thread, locations): with -n, stacks that differ only by lines
 * become one, as in collapsed output. Keys list locations innermost first, pprof's order. */
static int build_samples(struct pprof *w)
{
	const struct profile *p = w->p;
	uint32_t *key = NULL;
	size_t key_cap = 0;
	int rc = -1;
	for (size_t i = 0; i < profile_stack_count(p); i++) {
		struct prof_stack s = profile_stack(p, i);
		if (s.count == 0)
			continue;
		if (grow_array((void **)&key, &key_cap, s.n + 1, sizeof *key) < 0)
			goto out;
		key[0] = s.thread;
		for (size_t j = 0; j < s.n; j++)
			key[1 + j] = w->frames.index[s.frames[s.n - 1 - j]] + 1;
		uint32_t id = intern_add(&w->samples, key, (s.n + 1) * sizeof *key);
		if (id == INTERN_NONE)
			goto out;
		if (id >= w->counts_cap) {
			size_t old = w->counts_cap;
			if (grow_array((void **)&w->counts, &w->counts_cap, (size_t)id + 1,
				       sizeof *w->counts) < 0)
				goto out;
			memset(w->counts + old, 0, (w->counts_cap - old) * sizeof *w->counts);
		}
		w->counts[id] += s.count;
	}
	rc = 0;
out:
	free(key);
	return rc;
}

static int put_value_type(struct pprof *w, uint32_t field, uint32_t type, uint32_t unit)
{
	pb_reset(&w->msg);
	if (pb_uint(&w->msg, VALUE_TYPE_TYPE, type) || pb_uint(&w->msg, VALUE_TYPE_UNIT, unit))
		return -1;
	return pb_message(&w->out, field, &w->msg);
}

/* A Label on the sample in w->msg: a string (str) or a number (num), one of them nonzero. */
static int put_label(struct pprof *w, uint32_t key, uint32_t str_index, int64_t num)
{
	pb_reset(&w->sub);
	if (pb_uint(&w->sub, LABEL_KEY, key) || pb_uint(&w->sub, LABEL_STR, str_index) ||
	    pb_uint(&w->sub, LABEL_NUM, (uint64_t)num))
		return -1;
	return pb_message(&w->msg, SAMPLE_LABEL, &w->sub);
}

/* One Sample: location ids (n of them in w->scratch), its values, its thread's labels and
 * with o->processes its process's. */
static int put_sample(struct pprof *w, size_t n, uint64_t count, uint32_t thread)
{
	uint64_t values[2] = { count, count * (uint64_t)w->period };
	pb_reset(&w->msg);
	if (pb_packed(&w->msg, SAMPLE_LOCATION_ID, w->scratch, n) ||
	    pb_packed(&w->msg, SAMPLE_VALUE, values, 2))
		return -1;
	if (thread != PROF_NO_THREAD) {
		const struct prof_thread *t = profile_thread_get(w->p, thread);
		/* With processes labelled, a thread with no name (string 0, "") stands for its
		 * process: no thread label. */
		int named = !w->o->processes || w->names.threads[thread] != 0;
		if ((named && put_label(w, w->names.thread, w->names.threads[thread], 0)) ||
		    (t->tid && put_label(w, w->names.thread_id, 0, (int64_t)t->tid)))
			return -1;
		if (w->o->processes && t->pid &&
		    (put_label(w, w->names.pid, 0, (int64_t)t->pid) ||
		     put_label(w, w->names.process, w->names.processes[thread], 0)))
			return -1;
	}
	return pb_message(&w->out, PROFILE_SAMPLE, &w->msg);
}

/* Room for n location ids in w->scratch. Returns 1, or 0 when out of memory. */
static int reserve_scratch(struct pprof *w, size_t n)
{
	return grow_array((void **)&w->scratch, &w->scratch_cap, n, sizeof *w->scratch) == 0;
}

static int put_samples(struct pprof *w)
{
	for (size_t i = 0; i < w->samples.n; i++) {
		const struct intern_key *k = intern_get(&w->samples, (uint32_t)i);
		const uint32_t *key = k->data;
		size_t n = k->len / sizeof *key - 1;
		if (!reserve_scratch(w, n))
			return -1;
		for (size_t j = 0; j < n; j++)
			w->scratch[j] = key[1 + j];
		if (put_sample(w, n, w->counts[i], key[0]) != 0)
			return -1;
	}
	if (w->idle_func == INTERN_NONE)
		return 0;
	/* Idle samples ran no Python code: one location of their own, after the frames'. */
	if (!reserve_scratch(w, 1))
		return -1;
	w->scratch[0] = out_frames_count(&w->frames) + 1;
	return put_sample(w, 1, w->p->idle, PROF_NO_THREAD);
}

/* One Location with one Line; pprof's location and function ids start at 1. */
static int put_location(struct pprof *w, uint64_t id, uint32_t func, int64_t line)
{
	pb_reset(&w->sub);
	pb_reset(&w->msg);
	if (pb_uint(&w->sub, LINE_FUNCTION_ID, (uint64_t)func + 1) ||
	    pb_uint(&w->sub, LINE_LINE, (uint64_t)line) || pb_uint(&w->msg, LOCATION_ID, id) ||
	    pb_message(&w->msg, LOCATION_LINE, &w->sub))
		return -1;
	return pb_message(&w->out, PROFILE_LOCATION, &w->msg);
}

static int put_locations(struct pprof *w)
{
	size_t n = out_frames_count(&w->frames);
	for (size_t i = 0; i < n; i++)
		if (put_location(w, i + 1, w->loc_func[i], out_frames_get(&w->frames, i)->line))
			return -1;
	if (w->idle_func != INTERN_NONE && put_location(w, n + 1, w->idle_func, 0))
		return -1;
	return 0;
}

static int put_functions(struct pprof *w)
{
	for (size_t i = 0; i < w->functions.n; i++) {
		const struct fn_key *k = intern_get(&w->functions, (uint32_t)i)->data;
		pb_reset(&w->msg);
		/* No system_name: pprof "demangles" a function whose system_name equals its
		 * name, and its C++ heuristics strip <...>, turning <module>, <lambda> and
		 * <listcomp> into "". Python has no mangled name to give anyway. */
		if (pb_uint(&w->msg, FUNCTION_ID, i + 1) || pb_uint(&w->msg, FUNCTION_NAME, k->name) ||
		    pb_uint(&w->msg, FUNCTION_FILENAME, k->file) ||
		    pb_uint(&w->msg, FUNCTION_START_LINE, (uint64_t)w->start_line[i]) ||
		    pb_message(&w->out, PROFILE_FUNCTION, &w->msg))
			return -1;
	}
	return 0;
}

static int put_strings(struct pprof *w)
{
	for (size_t i = 0; i < w->strings.n; i++) {
		const struct intern_key *k = intern_get(&w->strings, (uint32_t)i);
		if (pb_bytes(&w->out, PROFILE_STRING_TABLE, k->data, k->len))
			return -1;
	}
	return 0;
}

/* When the run happened and how often it sampled. */
static int put_timing(struct pprof *w)
{
	const struct profile *p = w->p;
	uint64_t time = p->start_us * 1000, duration = 0;
	if (p->start_us && p->end_us >= p->start_us)
		duration = (p->end_us - p->start_us) * 1000;
	if (pb_uint(&w->out, PROFILE_TIME_NANOS, time) ||
	    pb_uint(&w->out, PROFILE_DURATION_NANOS, duration) ||
	    put_value_type(w, PROFILE_PERIOD_TYPE, w->names.wall, w->names.nanoseconds) ||
	    pb_uint(&w->out, PROFILE_PERIOD, (uint64_t)w->period))
		return -1;
	if (!w->o->title)
		return 0;
	uint64_t comment = w->names.title;
	return pb_packed(&w->out, PROFILE_COMMENT, &comment, 1);
}

/* The whole Profile message into w->out, fields in number order. */
static int encode(struct pprof *w)
{
	if (put_value_type(w, PROFILE_SAMPLE_TYPE, w->names.samples, w->names.count) ||
	    put_value_type(w, PROFILE_SAMPLE_TYPE, w->names.wall, w->names.nanoseconds) ||
	    put_samples(w) || put_locations(w) || put_functions(w) || put_strings(w) ||
	    put_timing(w))
		return -1;
	return 0;
}

/* Compresses data into f as one gzip member. Returns 0 or -1 (zlib or write error). */
static int gzip_write(const uint8_t *data, size_t len, FILE *f)
{
	z_stream z;
	uint8_t chunk[16384];
	int rc = -1, zr = Z_OK;
	memset(&z, 0, sizeof z);
	/* windowBits 15 + 16: a gzip header and trailer around the deflate stream. */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -1;
	/* avail_in is an unsigned int: a larger profile goes in in pieces. */
	const size_t piece = 1u << 30;
	do {
		size_t step = len < piece ? len : piece;
		int flush = step == len ? Z_FINISH : Z_NO_FLUSH;
		z.next_in = data;
		z.avail_in = (uInt)step;
		data += step;
		len -= step;
		do {
			z.next_out = chunk;
			z.avail_out = sizeof chunk;
			zr = deflate(&z, flush);
			if (zr == Z_STREAM_ERROR)
				goto out;
			size_t have = sizeof chunk - z.avail_out;
			if (have && fwrite(chunk, 1, have, f) != have)
				goto out;
		} while (z.avail_out == 0);
	} while (len);
	rc = zr == Z_STREAM_END ? 0 : -1;
out:
	deflateEnd(&z);
	return rc;
}

static void pprof_release(struct pprof *w)
{
	out_frames_release(&w->frames);
	intern_release(&w->strings);
	intern_release(&w->functions);
	intern_release(&w->samples);
	free(w->names.threads);
	free(w->names.processes);
	free(w->loc_func);
	free(w->start_line);
	free(w->counts);
	free(w->scratch);
	pb_release(&w->out);
	pb_release(&w->msg);
	pb_release(&w->sub);
}

int out_pprof_write(const struct profile *p, const struct out_options *o, FILE *f)
{
	struct pprof w;
	memset(&w, 0, sizeof w);
	w.p = p;
	w.o = o;
	intern_init(&w.strings);
	intern_init(&w.functions);
	intern_init(&w.samples);
	pb_init(&w.out);
	pb_init(&w.msg);
	pb_init(&w.sub);
	double period = p->interval > 0 ? p->interval * 1e9 : DEFAULT_PERIOD_NS;
	w.period = round_positive(period);
	int rc = -1;
	/* out_frames_build leaves the table releasable even when it fails. */
	if (out_frames_build(&w.frames, p, o->line_numbers) || build_names(&w) ||
	    build_functions(&w) || build_samples(&w) || encode(&w) ||
	    gzip_write(w.out.data, w.out.len, f))
		goto out;
	rc = fflush(f) == 0 ? 0 : -1;
out:
	pprof_release(&w);
	return rc;
}
