/* test_threading_names.c: reading threading._active with no process.
 *
 * py_long_value is checked on known digit strings. Then, for every row of the offsets table,
 * a small fake target is laid out in memory the way that CPython version lays it out (types,
 * str, int, dicts, a module, Thread objects with each kind of attribute storage the version
 * has), using only the table's offsets, and py_thread_names must find the three names. The
 * same memory is then read with each read failing in turn, and with a dict claiming an absurd
 * size: no crash, no garbage name, an error or fewer entries.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture_objects.h"
#include "mem/reader.h"
#include "python/objects.h"
#include "python/offsets.h"
#include "python/threading_names.h"
#include "python/walker.h"

static void test_long_value(void)
{
	uint64_t v = 1;
	/* 0x7f808fd29b80, a typical pthread_t, in 30-bit digits, least significant first. */
	const uint32_t ident[] = { 0x0fd29b80 & 0x3fffffff, (uint32_t)(0x7f808fd29b80ULL >> 30) };
	CHECK(py_long_value(ident, 2, 30, 0, &v) == 0 && v == 0x7f808fd29b80ULL,
	      "a pthread_t from two 30-bit digits");
	CHECK(py_long_value(NULL, 0, 30, 0, &v) == 0 && v == 0, "no digits is zero");
	const uint32_t one[] = { 5 };
	CHECK(py_long_value(one, 1, 30, 1, &v) == 0 && v == (uint64_t)-5,
	      "a negative long wraps like a C cast (3.6's signed thread_id)");
	const uint32_t max[] = { 0x3fffffff, 0x3fffffff, 0xf };
	CHECK(py_long_value(max, 3, 30, 0, &v) == 0 && v == UINT64_MAX, "2**64 - 1 fits");
	const uint32_t over[] = { 0, 0, 0x10 };
	CHECK(py_long_value(over, 3, 30, 0, &v) != 0, "2**64 does not fit");
	const uint32_t bad[] = { 0x40000000 };
	CHECK(py_long_value(bad, 1, 30, 0, &v) != 0, "a digit above PyLong_MASK is refused");
	const uint32_t d15[] = { 0x1234, 0x0001 };
	CHECK(py_long_value(d15, 2, 15, 0, &v) == 0 && v == 0x9234, "15-bit digits");
	const uint32_t minneg[] = { 0, 0, 8 };
	CHECK(py_long_value(minneg, 3, 30, 1, &v) == 0 && v == (uint64_t)1 << 63,
	      "-2**63 fits; -(2**63 + 1) would not");
}

/* A Thread named name. form 0: the version's usual storage (a dict behind tp_dictoffset up to
 * 3.10; 3.11 values pointer; 3.12 tagged values; 3.13 inline values); form 1: a dict object
 * (split from 3.6, and reached through the managed dict pointer from 3.11). */
static uint64_t mk_thread(struct builder *b, const char *name, int form)
{
	const struct py_offsets *o = b->o;
	const uint64_t keys[3] = { mk_str(b, b->major == 2 ? "_Thread__ident" : "_ident"),
				   mk_str(b, b->major == 2 ? "_Thread__daemonic" : "_daemonic"),
				   mk_str(b, b->major == 2 ? "_Thread__name" : "_name") };
	const uint64_t vals[3] = { mk_int(b, 7), mk_int(b, 0), mk_str(b, name) };

	if (o->tpflags_managed_dict < 0) {
		uint64_t t = mk_object(b, b->thread_type, 32, 0);
		fake_put64(b->f, t, 16, mk_dict(b, 3, keys, vals, form == 1 && b->major == 3, 1, 3));
		return t;
	}
	uint64_t ht_keys;
	if (form == 1) {
		uint64_t t = mk_object(b, b->thread_type, 64, 32);
		fake_put64(b->f, t - (uint64_t)o->managed_dict_before, 0,
		      mk_dict(b, 3, keys, vals, 1, 1, 3));
		return t;
	}
	ht_keys = mk_keys(b, 3, keys, vals, 1, 1, 3);
	fake_put64(b->f, b->thread_type, o->heaptype_cached_keys, ht_keys);
	if (o->inline_values > 0) {
		/* 3.13: the values follow the object; they are laid out at their place. */
		uint64_t t = mk_object(b, b->thread_type, (size_t)o->inline_values, 32);
		uint64_t at = fake_alloc(b->f, 0, 0);
		if (at != t + (uint64_t)o->inline_values) {
			fprintf(stderr, "inline values misplaced\n");
			exit(2);
		}
		mk_values(b, 3, vals, 0, NULL);
		return t;
	}
	uint64_t t = mk_object(b, b->thread_type, 64, 32);
	uint64_t values = mk_values(b, 3, vals, 0, NULL);
	if (o->managed_values_before > 0)
		fake_put64(b->f, t - (uint64_t)o->managed_values_before, 0, values);
	else
		fake_put64(b->f, t - (uint64_t)o->managed_dict_before, 0,
		      values - (uint64_t)o->managed_values_tag);
	return t;
}

static const struct {
	uint64_t ident;
	const char *name;
	int form;
} threads[] = {
	{ 0x7f808fd29b80ULL, "MainThread", 0 },
	{ 0x7f808fae36c0ULL, "worker-\xce\xb1", 1 }, /* worker-α */
	{ 0x7f808f2e26c0ULL, "sleeper", 0 },
};
#define NTHREADS (sizeof threads / sizeof threads[0])

/* Lays out the fake target for row o in f and fills w. Returns the _active dict's address. */
static uint64_t build(struct fake *f, const struct py_offsets *o, struct py_walker *w)
{
	struct builder b = { .f = f, .o = o, .major = o->major };
	fake_walker(f, o, w);

	uint64_t heap = (uint64_t)o->tpflags_heaptype;
	b.str_type = mk_type(&b, (uint64_t)o->tpflags_str_subclass, 0);
	b.int_type = mk_type(&b, (uint64_t)(o->major == 2 ? o->tpflags_int_subclass
							  : o->tpflags_long_subclass), 0);
	b.dict_type = mk_type(&b, (uint64_t)o->tpflags_dict_subclass, 0);
	b.module_type = mk_type(&b, 0, 16); /* md_dict right after the object header */
	uint64_t managed = o->tpflags_managed_dict > 0 ? (uint64_t)o->tpflags_managed_dict : 0;
	if (o->tpflags_inline_values > 0)
		managed |= (uint64_t)o->tpflags_inline_values;
	b.thread_type = mk_type(&b, heap | managed, managed ? -1 : 16);

	uint64_t idents[NTHREADS], objs[NTHREADS];
	for (size_t i = 0; i < NTHREADS; i++) {
		idents[i] = mk_int(&b, threads[i].ident);
		objs[i] = mk_thread(&b, threads[i].name, threads[i].form);
	}
	uint64_t active = mk_dict(&b, NTHREADS, idents, objs, 0, 0, 3);

	const uint64_t gk[2] = { mk_str(&b, "_limbo"), mk_str(&b, "_active") };
	const uint64_t gv[2] = { mk_dict(&b, 0, gk, gk, 0, 1, 3), active };
	uint64_t module = mk_object(&b, b.module_type, 24, 0);
	fake_put64(f, module, 16, mk_dict(&b, 2, gk, gv, 0, 1, 3));

	const uint64_t mk[3] = { mk_str(&b, "sys"), mk_str(&b, "threadinG"),
				 mk_str(&b, "threading") };
	const uint64_t mv[3] = { gk[0], gk[0], module };
	/* sys.modules, big enough for two-byte indices as in any real program */
	uint64_t modules = mk_dict(&b, 3, mk, mv, 0, 1, 8);

	size_t isize = (size_t)(o->interp_modules > o->interp_next ? o->interp_modules
								   : o->interp_next) + 8;
	uint64_t interp = fake_alloc(f, isize, 0);
	fake_put64(f, interp, o->interp_modules, modules);
	if (o->runtime_interpreters_head >= 0) {
		w->target.runtime = fake_alloc(f, (size_t)o->runtime_interpreters_head + 8, 0);
		fake_put64(f, w->target.runtime, o->runtime_interpreters_head, interp);
	} else {
		w->target.interp_head = fake_alloc(f, 8, 0);
		fake_put64(f, w->target.interp_head, 0, interp);
	}
	return active;
}

static int is_expected(const struct py_thread_name *t)
{
	for (size_t i = 0; i < NTHREADS; i++)
		if (t->ident == threads[i].ident && strcmp(t->name, threads[i].name) == 0)
			return 1;
	return 0;
}

/* Whether got[0..n) are exactly the expected threads (any order). */
static int all_found(const struct py_thread_name *got, int n)
{
	if (n != (int)NTHREADS)
		return 0;
	for (int k = 0; k < n; k++)
		for (int j = 0; j < k; j++)
			if (got[j].ident == got[k].ident)
				return 0; /* each thread once */
	for (int k = 0; k < n; k++)
		if (!is_expected(&got[k]))
			return 0;
	return 1;
}

/* Every entry got is one of the expected threads, whole. */
static int all_genuine(const struct py_thread_name *got, int n)
{
	for (int k = 0; k < n; k++)
		if (!is_expected(&got[k]))
			return 0;
	return 1;
}

static void test_row(const struct py_offsets *o)
{
	struct fake f;
	struct py_walker w;
	struct py_thread_name got[8];
	char what[160];

	if (fake_open(&f) != 0) {
		check_skip("fake target", "out of memory");
		return;
	}
	uint64_t active = build(&f, o, &w);

	int n = py_thread_names(&w, got, 8);
	snprintf(what, sizeof what, "%d.%d: the three names, each with its ident", o->major,
		 o->minor);
	CHECK(all_found(got, n), what);

	n = py_thread_names(&w, got, 2);
	snprintf(what, sizeof what, "%d.%d: stops at max", o->major, o->minor);
	CHECK(n == 2 && all_genuine(got, n), what);

	/* Only the last thread wanted, with room for one name: found past the others, whose
	 * names are not read (issue 21: the 700th of 1,000 threads was named by its OS name). */
	uint64_t want[2] = { threads[NTHREADS - 1].ident, 0x12345 };
	memset(got, 0, sizeof got);
	n = py_thread_names_of(&w, want, 2, got, 1);
	snprintf(what, sizeof what, "%d.%d: one ident wanted, found wherever it stands", o->major,
		 o->minor);
	CHECK(n == 1 && got[0].ident == want[0] && all_genuine(got, n), what);
	n = py_thread_names_of(&w, want + 1, 1, got, 8);
	snprintf(what, sizeof what, "%d.%d: an ident not there: no name", o->major, o->minor);
	CHECK(n == 0, what);

	/* Every read failing in turn: an error or fewer names, never a wrong one. */
	f.reads = 0;
	py_thread_names(&w, got, 8);
	long total = f.reads;
	int ok = 1;
	for (long i = 0; i < total; i++) {
		f.reads = 0;
		f.fail_at = i;
		memset(got, 0, sizeof got);
		n = py_thread_names(&w, got, 8);
		if (n > (int)NTHREADS || (n > 0 && !all_genuine(got, n)))
			ok = 0;
	}
	f.fail_at = -1;
	snprintf(what, sizeof what,
		 "%d.%d: each of %ld reads failing in turn: no crash, no garbage", o->major,
		 o->minor, total);
	CHECK(ok, what);

	/* A torn _active claiming more entries than any real dict: refused, not scanned. */
	uint64_t field = o->dict_keys >= 0 ? 0 : active + (uint64_t)o->dict_mask;
	if (o->dict_keys >= 0) {
		uint64_t keys;
		memcpy(&keys, f.mem + (active + (uint64_t)o->dict_keys - FAKE_BASE), 8);
		field = keys + (uint64_t)o->dictkeys_nentries;
	}
	uint64_t huge = 0x7fffffff;
	fake_put(&f, field, &huge, 8);
	n = py_thread_names(&w, got, 8);
	snprintf(what, sizeof what, "%d.%d: an absurd dict size is an error", o->major, o->minor);
	CHECK(n < 0, what);

	free(f.mem);
}

int main(void)
{
	test_long_value();
	for (size_t i = 0; i < py_offsets_table_len; i++)
		test_row(&py_offsets_table[i]);
	return check_exit();
}
