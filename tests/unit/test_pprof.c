/* test_pprof.c: the pprof writer, read back the hard way: gunzip with zlib, then decode
 * profile.proto with the small decoder below (independent of the writer's encoder), and check
 * the string table, sample types, period and times, functions, locations, samples (values,
 * innermost frame first, thread labels, process labels with --subprocesses), the idle sample,
 * -n merging, -x, and write errors. */
#include <stdlib.h>
#include <zlib.h>

#include "check.h"
#include "fixture_profile.h"
#include "output/output.h"
#include "profile/profile.h"

/* ---- gunzip ---- */

/* The gunzipped bytes of a gzip file (malloc'd, *len of them), NULL when it does not inflate
 * to its end. */
static uint8_t *gunzip(const uint8_t *in, size_t in_len, size_t *len)
{
	z_stream z;
	size_t cap = 4096;
	uint8_t *out = malloc(cap);
	memset(&z, 0, sizeof z);
	/* 15 + 32: detect the header; only a gzip one is accepted, checked by the caller. */
	if (!out || inflateInit2(&z, 15 + 32) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (uint8_t *)in;
	z.avail_in = (uInt)in_len;
	int zr;
	do {
		if (z.total_out == cap) {
			uint8_t *n = realloc(out, cap * 2);
			if (!n)
				break;
			out = n;
			cap *= 2;
		}
		z.next_out = out + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		zr = inflate(&z, Z_NO_FLUSH);
	} while (zr == Z_OK);
	*len = z.total_out;
	inflateEnd(&z);
	if (zr != Z_STREAM_END || z.avail_in != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* ---- a profile.proto decoder, for the fields pyflame writes ---- */

#define MAX_STRINGS 1024
#define MAX_SAMPLES 32
#define MAX_LOCS 512
#define MAX_FUNCS 512
#define MAX_LABELS 6

struct d_value_type {
	int64_t type, unit;
};

struct d_label {
	int64_t key, str, num;
};

struct d_sample {
	uint64_t loc[MAX_LOCS];
	size_t nloc;
	int64_t value[4];
	size_t nvalue;
	struct d_label label[MAX_LABELS];
	size_t nlabel;
};

struct d_location {
	uint64_t id, function_id;
	int64_t line;
	size_t nlines;
};

struct d_function {
	uint64_t id;
	int64_t name, system_name, filename, start_line;
};

struct decoded {
	int bad; /* the bytes did not parse, or overflowed the arrays above */
	char *strings[MAX_STRINGS];
	size_t nstrings;
	struct d_value_type sample_type[4], period_type;
	size_t nsample_types;
	struct d_sample sample[MAX_SAMPLES];
	size_t nsamples;
	struct d_location location[MAX_LOCS];
	size_t nlocations;
	struct d_function function[MAX_FUNCS];
	size_t nfunctions;
	int64_t time_nanos, duration_nanos, period, comment[4];
	size_t ncomments;
	size_t nmappings;
};

struct rd {
	const uint8_t *p, *end;
	int *bad;
};

static uint64_t rd_varint(struct rd *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end)
			break;
		uint8_t b = *r->p++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	*r->bad = 1;
	return 0;
}

/* The next field's number and wire type; 0 at the end of the message. */
static uint32_t rd_field(struct rd *r, int *wire)
{
	if (r->p >= r->end || *r->bad)
		return 0;
	uint64_t tag = rd_varint(r);
	*wire = (int)(tag & 7);
	if (tag >> 3 == 0)
		*r->bad = 1;
	return *r->bad ? 0 : (uint32_t)(tag >> 3);
}

/* A length-delimited field's bytes, as a reader of their own. */
static struct rd rd_sub(struct rd *r)
{
	uint64_t len = rd_varint(r);
	struct rd s = { r->p, r->p, r->bad };
	if (len > (uint64_t)(r->end - r->p)) {
		*r->bad = 1;
		return s;
	}
	s.end = r->p + len;
	r->p += len;
	return s;
}

static void rd_skip(struct rd *r, int wire)
{
	if (wire == 0)
		rd_varint(r);
	else if (wire == 2)
		rd_sub(r);
	else
		*r->bad = 1; /* pyflame writes no fixed-width fields */
}

/* A singular varint field; anything else is malformed. */
static int64_t rd_int(struct rd *r, int wire)
{
	if (wire != 0) {
		*r->bad = 1;
		return 0;
	}
	return (int64_t)rd_varint(r);
}

/* A repeated varint field, packed or not, appended to v (at most cap). */
static void rd_ints(struct rd *r, int wire, void *v, size_t *n, size_t cap)
{
	uint64_t *out = v;
	if (wire == 0) {
		if (*n >= cap) {
			*r->bad = 1;
			return;
		}
		out[(*n)++] = rd_varint(r);
		return;
	}
	if (wire != 2) {
		*r->bad = 1;
		return;
	}
	struct rd s = rd_sub(r);
	while (s.p < s.end && !*r->bad) {
		if (*n >= cap) {
			*r->bad = 1;
			return;
		}
		out[(*n)++] = rd_varint(&s);
	}
}

static void rd_value_type(struct rd *r, int wire, struct d_value_type *vt)
{
	if (wire != 2) {
		*r->bad = 1;
		return;
	}
	struct rd s = rd_sub(r);
	uint32_t fn;
	while ((fn = rd_field(&s, &wire)))
		if (fn == 1)
			vt->type = rd_int(&s, wire);
		else if (fn == 2)
			vt->unit = rd_int(&s, wire);
		else
			rd_skip(&s, wire);
}

static void rd_label(struct rd *r, struct d_label *l)
{
	struct rd s = rd_sub(r);
	int wire;
	uint32_t fn;
	while ((fn = rd_field(&s, &wire)))
		if (fn == 1)
			l->key = rd_int(&s, wire);
		else if (fn == 2)
			l->str = rd_int(&s, wire);
		else if (fn == 3)
			l->num = rd_int(&s, wire);
		else
			rd_skip(&s, wire);
}

static void rd_sample(struct rd *r, struct d_sample *sm)
{
	struct rd s = rd_sub(r);
	int wire;
	uint32_t fn;
	while ((fn = rd_field(&s, &wire))) {
		if (fn == 1) {
			rd_ints(&s, wire, sm->loc, &sm->nloc, MAX_LOCS);
		} else if (fn == 2) {
			rd_ints(&s, wire, sm->value, &sm->nvalue, 4);
		} else if (fn == 3 && wire == 2 && sm->nlabel < MAX_LABELS) {
			rd_label(&s, &sm->label[sm->nlabel++]);
		} else if (fn == 3) {
			*r->bad = 1;
		} else {
			rd_skip(&s, wire);
		}
	}
}

static void rd_line(struct rd *r, struct d_location *l)
{
	struct rd s = rd_sub(r);
	int wire;
	uint32_t fn;
	l->nlines++;
	while ((fn = rd_field(&s, &wire)))
		if (fn == 1)
			l->function_id = (uint64_t)rd_int(&s, wire);
		else if (fn == 2)
			l->line = rd_int(&s, wire);
		else
			rd_skip(&s, wire);
}

static void rd_location(struct rd *r, struct d_location *l)
{
	struct rd s = rd_sub(r);
	int wire;
	uint32_t fn;
	while ((fn = rd_field(&s, &wire)))
		if (fn == 1)
			l->id = (uint64_t)rd_int(&s, wire);
		else if (fn == 4 && wire == 2)
			rd_line(&s, l);
		else
			rd_skip(&s, wire);
}

static void rd_function(struct rd *r, struct d_function *f)
{
	struct rd s = rd_sub(r);
	int wire;
	uint32_t fn;
	while ((fn = rd_field(&s, &wire)))
		switch (fn) {
		case 1: f->id = (uint64_t)rd_int(&s, wire); break;
		case 2: f->name = rd_int(&s, wire); break;
		case 3: f->system_name = rd_int(&s, wire); break;
		case 4: f->filename = rd_int(&s, wire); break;
		case 5: f->start_line = rd_int(&s, wire); break;
		default: rd_skip(&s, wire);
		}
}

/* Room for one more entry of a repeated message field, or bad. */
static int room(struct rd *r, int wire, size_t n, size_t cap)
{
	if (wire == 2 && n < cap)
		return 1;
	*r->bad = 1;
	return 0;
}

static void rd_profile(struct rd *r, struct decoded *d)
{
	int wire;
	uint32_t fn;
	while ((fn = rd_field(r, &wire))) {
		switch (fn) {
		case 1:
			if (room(r, wire, d->nsample_types, 4))
				rd_value_type(r, wire, &d->sample_type[d->nsample_types++]);
			break;
		case 2:
			if (room(r, wire, d->nsamples, MAX_SAMPLES))
				rd_sample(r, &d->sample[d->nsamples++]);
			break;
		case 3:
			d->nmappings++;
			rd_skip(r, wire);
			break;
		case 4:
			if (room(r, wire, d->nlocations, MAX_LOCS))
				rd_location(r, &d->location[d->nlocations++]);
			break;
		case 5:
			if (room(r, wire, d->nfunctions, MAX_FUNCS))
				rd_function(r, &d->function[d->nfunctions++]);
			break;
		case 6:
			if (room(r, wire, d->nstrings, MAX_STRINGS)) {
				struct rd s = rd_sub(r);
				d->strings[d->nstrings++] = strndup((const char *)s.p,
								    (size_t)(s.end - s.p));
			}
			break;
		case 9: d->time_nanos = rd_int(r, wire); break;
		case 10: d->duration_nanos = rd_int(r, wire); break;
		case 11: rd_value_type(r, wire, &d->period_type); break;
		case 12: d->period = rd_int(r, wire); break;
		case 13: rd_ints(r, wire, d->comment, &d->ncomments, 4); break;
		default: rd_skip(r, wire);
		}
	}
}

static void decoded_free(struct decoded *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nstrings; i++)
		free(d->strings[i]);
	free(d);
}

/* Writes p as pprof and decodes it back (calloc'd; decoded_free). *gz says whether the bytes
 * had a gzip header; *rc is the writer's return value. */
static struct decoded *roundtrip(const struct profile *p, const struct out_options *o, int *rc,
				 int *gz)
{
	char *buf = NULL;
	size_t len = 0, raw_len = 0;
	FILE *f = open_memstream(&buf, &len);
	*rc = out_pprof_write(p, o, f);
	fclose(f);
	*gz = len >= 2 && (uint8_t)buf[0] == 0x1f && (uint8_t)buf[1] == 0x8b;
	uint8_t *raw = gunzip((const uint8_t *)buf, len, &raw_len);
	free(buf);
	struct decoded *d = calloc(1, sizeof *d);
	if (!d) {
		free(raw);
		return NULL;
	}
	if (!raw) {
		d->bad = 1;
		return d;
	}
	struct rd r = { raw, raw + raw_len, &d->bad };
	rd_profile(&r, d);
	free(raw);
	return d;
}

/* ---- reading the decoded profile ---- */

static const char *string_at(const struct decoded *d, int64_t i)
{
	return i >= 0 && (size_t)i < d->nstrings ? d->strings[i] : "(bad string index)";
}

static const struct d_location *location_of(const struct decoded *d, uint64_t id)
{
	for (size_t i = 0; i < d->nlocations; i++)
		if (d->location[i].id == id)
			return &d->location[i];
	return NULL;
}

static const struct d_function *function_of(const struct decoded *d, uint64_t id)
{
	for (size_t i = 0; i < d->nfunctions; i++)
		if (d->function[i].id == id)
			return &d->function[i];
	return NULL;
}

/* The function called name, or NULL. */
static const struct d_function *function_named(const struct decoded *d, const char *name)
{
	for (size_t i = 0; i < d->nfunctions; i++)
		if (strcmp(string_at(d, d->function[i].name), name) == 0)
			return &d->function[i];
	return NULL;
}

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);
	if (*len + n + 1 > *cap) {
		while (*len + n + 1 > *cap)
			*cap = *cap ? *cap * 2 : 256;
		*buf = realloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* Every sample, in the order written, one per line: its frames as FILE:FUNC:LINE in the
 * order of its location ids (innermost first), its values, then its labels in braces. */
static char *render_samples(const struct decoded *d)
{
	char *buf = NULL, tmp[512];
	size_t len = 0, cap = 0;
	append(&buf, &len, &cap, "");
	for (size_t i = 0; i < d->nsamples; i++) {
		const struct d_sample *s = &d->sample[i];
		for (size_t j = 0; j < s->nloc; j++) {
			const struct d_location *l = location_of(d, s->loc[j]);
			const struct d_function *f = l ? function_of(d, l->function_id) : NULL;
			if (f)
				snprintf(tmp, sizeof tmp, "%s%s:%s:%lld", j ? ";" : "",
					 string_at(d, f->filename), string_at(d, f->name),
					 (long long)l->line);
			else
				snprintf(tmp, sizeof tmp, "%s(no location %llu)", j ? ";" : "",
					 (unsigned long long)s->loc[j]);
			append(&buf, &len, &cap, tmp);
		}
		for (size_t j = 0; j < s->nvalue; j++) {
			snprintf(tmp, sizeof tmp, " %lld", (long long)s->value[j]);
			append(&buf, &len, &cap, tmp);
		}
		for (size_t j = 0; j < s->nlabel; j++) {
			const struct d_label *lb = &s->label[j];
			if (lb->str)
				snprintf(tmp, sizeof tmp, "%s%s=%s", j ? "," : " {",
					 string_at(d, lb->key), string_at(d, lb->str));
			else
				snprintf(tmp, sizeof tmp, "%s%s=%lld", j ? "," : " {",
					 string_at(d, lb->key), (long long)lb->num);
			append(&buf, &len, &cap, tmp);
		}
		append(&buf, &len, &cap, s->nlabel ? "}\n" : "\n");
	}
	return buf;
}

/* Whether every location has one line naming a function that exists, and ids run 1..n. */
static int tables_consistent(const struct decoded *d)
{
	for (size_t i = 0; i < d->nlocations; i++) {
		const struct d_location *l = &d->location[i];
		if (l->id != i + 1 || l->nlines != 1 || !function_of(d, l->function_id))
			return 0;
	}
	for (size_t i = 0; i < d->nfunctions; i++)
		if (d->function[i].id != i + 1)
			return 0;
	for (size_t i = 0; i < d->nstrings; i++)
		for (size_t j = i + 1; j < d->nstrings; j++)
			if (strcmp(d->strings[i], d->strings[j]) == 0)
				return 0;
	return 1;
}

/* ---- the tests ---- */

static void check_header(const struct decoded *d, const struct profile *p)
{
	CHECK(!d->bad, "pprof: the gunzipped bytes decode as profile.proto");
	CHECK(d->nstrings > 0 && strcmp(d->strings[0], "") == 0, "pprof: string_table[0] is \"\"");
	CHECK(tables_consistent(d),
	      "pprof: ids start at 1, one Line per Location, functions exist, strings unique");
	CHECK_INT(d->nsample_types, 2, "pprof: two sample types");
	CHECK_STR(string_at(d, d->sample_type[0].type), "samples", "pprof: sample type 0 samples");
	CHECK_STR(string_at(d, d->sample_type[0].unit), "count", "pprof: sample type 0 in count");
	CHECK_STR(string_at(d, d->sample_type[1].type), "wall", "pprof: sample type 1 wall");
	CHECK_STR(string_at(d, d->sample_type[1].unit), "nanoseconds",
		  "pprof: sample type 1 in nanoseconds");
	CHECK_STR(string_at(d, d->period_type.type), "wall", "pprof: period type wall");
	CHECK_STR(string_at(d, d->period_type.unit), "nanoseconds", "pprof: period in nanoseconds");
	CHECK_INT(d->period, 5000000, "pprof: period is the interval in ns");
	CHECK_INT(d->time_nanos, p->start_us * 1000, "pprof: time_nanos from start_us");
	CHECK_INT(d->duration_nanos, (p->end_us - p->start_us) * 1000,
		  "pprof: duration_nanos from start_us to end_us");
	CHECK_INT(d->nmappings, 0, "pprof: no mappings (Python frames have no addresses)");
}

static void check_functions(const struct decoded *d)
{
	CHECK_INT(d->nfunctions, 4, "pprof: one function per (name, file), with (idle)");
	const struct d_function *f = function_named(d, "f");
	CHECK(f && strcmp(string_at(d, f->filename), "a.py") == 0, "pprof: f is in a.py");
	CHECK_INT(f ? f->start_line : -1, 3, "pprof: f starts at its smallest line seen");
	CHECK_INT(f ? f->system_name : -1, 0,
		  "pprof: no system_name (pprof would demangle <module> into nothing)");
	const struct d_function *m = function_named(d, "<module>");
	CHECK_INT(m ? m->start_line : -1, 10, "pprof: <module> keeps its name, starts at 10");
	const struct d_function *g = function_named(d, "g");
	CHECK(g && strcmp(string_at(d, g->filename), "b.py") == 0 && g->start_line == 7,
	      "pprof: g is in b.py at 7");
	CHECK(function_named(d, "(idle)") != NULL, "pprof: an (idle) function");
}

/* The fixture's profile (fixture_profile.h): s1 x5, s2 x2, s3 x1 without threads, idle 4;
 * frames: <module>:10, f:3, f:4, g:7. */
static void test_stacks(struct profile *p)
{
	struct out_options o = { .line_numbers = 1, .include_idle = 1, .title = "pyflame -p 42" };
	int rc, gz;
	struct decoded *d = roundtrip(p, &o, &rc, &gz);
	CHECK_INT(rc, 0, "pprof: written");
	CHECK(gz, "pprof: gzip magic bytes");
	check_header(d, p);
	CHECK(d->ncomments == 1 && strcmp(string_at(d, d->comment[0]), "pyflame -p 42") == 0,
	      "pprof: the title is the comment");
	check_functions(d);
	CHECK_INT(d->nlocations, 5, "pprof: one location per frame, and one for idle");
	char *t = render_samples(d);
	CHECK_STR(t, "b.py:g:7;a.py:f:3;a.py:<module>:10 5 25000000\n"
		     "b.py:g:7;a.py:f:4;a.py:<module>:10 2 10000000\n"
		     "a.py:<module>:10 1 5000000\n"
		     ":(idle):0 4 20000000\n",
		  "pprof: samples innermost first, [count, count * period], idle last");
	free(t);
	decoded_free(d);

	o.line_numbers = 0;
	d = roundtrip(p, &o, &rc, &gz);
	CHECK(rc == 0 && !d->bad && tables_consistent(d), "pprof -n: written and consistent");
	CHECK_INT(d->nlocations, 4, "pprof -n: f:3 and f:4 are one location");
	t = render_samples(d);
	CHECK_STR(t, "b.py:g:0;a.py:f:0;a.py:<module>:0 7 35000000\n"
		     "a.py:<module>:0 1 5000000\n"
		     ":(idle):0 4 20000000\n",
		  "pprof -n: line 0, stacks that differ by lines merged");
	free(t);
	const struct d_function *f = function_named(d, "f");
	CHECK_INT(f ? f->start_line : -1, 3, "pprof -n: start_line still the smallest line");
	decoded_free(d);

	o.include_idle = 0;
	o.title = NULL;
	d = roundtrip(p, &o, &rc, &gz);
	t = render_samples(d);
	CHECK_STR(t, "b.py:g:0;a.py:f:0;a.py:<module>:0 7 35000000\n"
		     "a.py:<module>:0 1 5000000\n",
		  "pprof -x: no idle sample");
	free(t);
	CHECK(!function_named(d, "(idle)") && d->nlocations == 3, "pprof -x: no idle function");
	CHECK_INT(d->ncomments, 0, "pprof: no comment without a title");
	decoded_free(d);
}

static void test_threads(struct profile *p, const struct fixture *fx)
{
	uint32_t main_t = profile_thread(p, 0, 0x7f00, 100, "MainThread");
	uint32_t work_t = profile_thread(p, 0, 0x7f01, 0, "worker");
	profile_add_stack(p, main_t, fx->s3, 1, 3);
	profile_add_stack(p, work_t, fx->s1, 3, 2);
	struct out_options o = { .line_numbers = 1, .include_idle = 1 };
	int rc, gz;
	struct decoded *d = roundtrip(p, &o, &rc, &gz);
	char *t = render_samples(d);
	CHECK_STR(t, "b.py:g:7;a.py:f:3;a.py:<module>:10 5 25000000\n"
		     "b.py:g:7;a.py:f:4;a.py:<module>:10 2 10000000\n"
		     "a.py:<module>:10 1 5000000\n"
		     "a.py:<module>:10 3 15000000 {thread=MainThread,thread_id=100}\n"
		     "b.py:g:7;a.py:f:3;a.py:<module>:10 2 10000000 {thread=worker}\n"
		     ":(idle):0 4 20000000\n",
		  "pprof: a stack per thread, labelled with its name and TID (when known)");
	free(t);
	decoded_free(d);
}

/* --subprocesses (issue 18): each sample of a thread of a known process labelled with its
 * pid (a number) and its name; the two main threads (one ident, one TID) stay two samples. */
static void test_processes(void)
{
	struct profile p;
	struct fixture fx;
	profile_init(&p);
	fixture_processes(&p, &fx);
	uint32_t replayed = profile_thread(&p, 0, 0x2000, 0, "replayed");
	profile_add_stack(&p, replayed, fx.s3, 1, 2);
	/* A thread with no name stands for its whole process: no thread label. */
	uint32_t whole = profile_thread(&p, 300, 0, 0, "");
	profile_add_stack(&p, whole, fx.s3, 1, 4);
	struct out_options o = { .line_numbers = 1, .include_idle = 1, .processes = 1 };
	int rc, gz;
	struct decoded *d = roundtrip(&p, &o, &rc, &gz);
	CHECK(rc == 0 && !d->bad && tables_consistent(d), "pprof processes: written and consistent");
	char *t = render_samples(d);
	CHECK_STR(t, "b.py:g:7;a.py:f:3;a.py:<module>:10 3 3000000 {thread=MainThread,thread_id=42,"
		     "pid=100,process=process 100 (python3 pool.py)}\n"
		     "a.py:<module>:10 1 1000000 {thread=MainThread,thread_id=42,"
		     "pid=200,process=process 200 (python3 -c spawn_main)}\n"
		     "b.py:g:7;a.py:f:4;a.py:<module>:10 1 1000000 {thread=MainThread,thread_id=42,"
		     "pid=200,process=process 200 (python3 -c spawn_main)}\n"
		     "a.py:<module>:10 2 2000000 {thread=replayed}\n"
		     "a.py:<module>:10 4 4000000 {pid=300,process=process 300}\n"
		     ":(idle):0 1 1000000\n",
		  "pprof processes: pid and process labels on every sample of a known process; a "
		  "thread with no name has no thread label");
	int pids = 1;
	for (size_t i = 0; i < d->nsamples; i++) {
		const struct d_sample *sm = &d->sample[i];
		int64_t want = i == 0 ? 100 : i < 3 ? 200 : i == 4 ? 300 : 0, got = 0;
		for (size_t j = 0; j < sm->nlabel; j++)
			if (strcmp(string_at(d, sm->label[j].key), "pid") == 0 && !sm->label[j].str)
				got = sm->label[j].num;
		pids &= got == want;
	}
	CHECK(pids, "pprof processes: the pid label is a number, decoded for each sample");
	free(t);
	decoded_free(d);

	o.processes = 0;
	d = roundtrip(&p, &o, &rc, &gz);
	t = render_samples(d);
	CHECK(t && !strstr(t, "pid=") && !strstr(t, "process"), "pprof: no process labels without --subprocesses");
	int strings = 1;
	for (size_t i = 0; i < d->nstrings; i++)
		strings &= strcmp(d->strings[i], "pid") != 0 && strncmp(d->strings[i], "process", 7) != 0;
	CHECK(strings, "pprof: nor their strings");
	free(t);
	decoded_free(d);
	profile_release(&p);
}

/* Stacks deeper than the profile keeps on its own stack, each frame a new function. */
static void test_deep(void)
{
	struct profile p;
	profile_init(&p);
	uint32_t frames[300];
	char name[32];
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof name, "f%d", i);
		frames[i] = profile_frame(&p, "deep.py", name, i + 1);
	}
	profile_add_stack(&p, PROF_NO_THREAD, frames, 300, 9);
	struct out_options o = { .line_numbers = 1 };
	int rc, gz;
	struct decoded *d = roundtrip(&p, &o, &rc, &gz);
	int order = !d->bad && d->nsamples == 1 && d->sample[0].nloc == 300;
	for (size_t j = 0; order && j < 300; j++) {
		const struct d_location *l = location_of(d, d->sample[0].loc[j]);
		const struct d_function *f = l ? function_of(d, l->function_id) : NULL;
		snprintf(name, sizeof name, "f%d", (int)(299 - j));
		order = f && strcmp(string_at(d, f->name), name) == 0 && l->line == 300 - (int)j;
	}
	CHECK(rc == 0 && order, "pprof: a 300-frame stack, innermost (f299) first");
	CHECK_INT(d->period, 10000000, "pprof: interval 0 means the default 10 ms period");
	CHECK_INT(d->time_nanos, 0, "pprof: no time_nanos when the start is unknown");
	decoded_free(d);
	profile_release(&p);
}

static void test_empty_and_errors(void)
{
	struct profile p;
	profile_init(&p);
	struct out_options o = { .line_numbers = 1, .include_idle = 1 };
	int rc, gz;
	struct decoded *d = roundtrip(&p, &o, &rc, &gz);
	CHECK(rc == 0 && !d->bad && d->nsamples == 0 && d->nsample_types == 2 &&
		      d->nstrings > 0 && !strcmp(d->strings[0], ""),
	      "pprof: an empty profile is a valid one with no samples");
	decoded_free(d);
	uint32_t fr = profile_frame(&p, "a.py", "f", 1);
	profile_add_stack(&p, PROF_NO_THREAD, &fr, 1, 1);
	FILE *full = fopen("/dev/full", "w");
	if (full) {
		CHECK_INT(out_pprof_write(&p, &o, full), -1, "pprof: a failing write returns -1");
		fclose(full);
	} else {
		check_skip("pprof: a failing write returns -1", "no /dev/full");
	}
	profile_release(&p);
}

static void test_deterministic(const struct profile *p)
{
	struct out_options o = { .line_numbers = 1, .include_idle = 1, .title = "t" };
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	FILE *fa = open_memstream(&a, &la), *fb = open_memstream(&b, &lb);
	out_pprof_write(p, &o, fa);
	out_pprof_write(p, &o, fb);
	fclose(fa);
	fclose(fb);
	CHECK(la > 0 && la == lb && memcmp(a, b, la) == 0, "pprof: the same profile, the same bytes");
	free(a);
	free(b);
}

/* Functions of one name from different files: pprof merges functions by name in -top, so
 * each is named "name (file)" with the shortest ending of its path no other file has; the
 * Function's filename keeps the whole path; a name that one file alone has stays bare. */
static void test_shared_names(void)
{
	struct profile p;
	profile_init(&p);
	uint32_t mod = profile_frame(&p, "/app/main.py", "<module>", 1);
	uint32_t a = profile_frame(&p, "/app/json/__init__.py", "__init__", 5);
	uint32_t b = profile_frame(&p, "/lib/email/__init__.py", "__init__", 7);
	uint32_t b9 = profile_frame(&p, "/lib/email/__init__.py", "__init__", 9);
	uint32_t s1[] = { mod, a }, s2[] = { mod, b }, s3[] = { mod, b9 };
	profile_add_stack(&p, PROF_NO_THREAD, s1, 2, 3);
	profile_add_stack(&p, PROF_NO_THREAD, s2, 2, 2);
	profile_add_stack(&p, PROF_NO_THREAD, s3, 2, 1);
	struct out_options o = { .line_numbers = 1 };
	int rc, gz;
	struct decoded *d = roundtrip(&p, &o, &rc, &gz);
	CHECK(rc == 0 && !d->bad && tables_consistent(d), "shared names: written and consistent");
	CHECK_INT(d->nfunctions, 3, "shared names: one function per (name, file)");
	const struct d_function *fa = function_named(d, "__init__ (json/__init__.py)");
	const struct d_function *fb = function_named(d, "__init__ (email/__init__.py)");
	CHECK(fa && strcmp(string_at(d, fa->filename), "/app/json/__init__.py") == 0,
	      "shared names: json's __init__ named with its file's shortest telling ending, whole "
	      "path as its filename");
	CHECK(fb && strcmp(string_at(d, fb->filename), "/lib/email/__init__.py") == 0 &&
		      fb->start_line == 7,
	      "shared names: email's __init__ apart from it, both its lines in one function");
	CHECK(function_named(d, "<module>") != NULL && function_named(d, "__init__") == NULL,
	      "shared names: a name of one file stays bare");
	char *t = render_samples(d);
	CHECK_STR(t, "/app/json/__init__.py:__init__ (json/__init__.py):5;/app/main.py:<module>:1 3 30000000\n"
		     "/lib/email/__init__.py:__init__ (email/__init__.py):7;/app/main.py:<module>:1 2 20000000\n"
		     "/lib/email/__init__.py:__init__ (email/__init__.py):9;/app/main.py:<module>:1 1 10000000\n",
		  "shared names: the samples name them apart");
	free(t);
	decoded_free(d);
	profile_release(&p);
}

int main(void)
{
	struct profile p;
	struct fixture fx;
	profile_init(&p);
	fixture_profile(&p, &fx);
	/* A stack whose count is 0 (never seen) is not a sample. */
	profile_add_stack(&p, PROF_NO_THREAD, &fx.g, 1, 0);
	p.interval = 0.005;
	p.start_us = 1700000000000000ull;
	p.end_us = p.start_us + 2500000;

	test_stacks(&p);
	test_deterministic(&p);
	test_threads(&p, &fx);
	test_deep();
	test_empty_and_errors();
	test_shared_names();
	test_processes();
	profile_release(&p);
	return check_exit();
}
