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

/* The fake target: one block of memory at BASE, handed out by a bump allocator. */
#define BASE 0x100000u
#define MEMSZ (1u << 17)

struct fake {
	struct mem_reader base;
	uint8_t *mem;
	size_t used;
	long fail_at; /* the read that fails (-1: none) */
	long reads;
};

static int fake_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct fake *f = (struct fake *)r;
	if (f->reads++ == f->fail_at)
		return MEM_EFAULT;
	if (addr < BASE || addr - BASE > f->used || len > f->used - (addr - BASE))
		return MEM_EFAULT;
	memcpy(buf, f->mem + (addr - BASE), len);
	return 0;
}

static void fake_free(struct mem_reader *r)
{
	(void)r;
}

/* size bytes, zeroed, 16-aligned, with `before` bytes of room in front (managed dicts). */
static uint64_t alloc(struct fake *f, size_t size, size_t before)
{
	size_t at = (f->used + before + 15) & ~(size_t)15;
	if (at + size > MEMSZ) {
		fprintf(stderr, "fake target memory full\n");
		exit(2);
	}
	f->used = at + size;
	return BASE + at;
}

static void put(struct fake *f, uint64_t addr, const void *v, size_t n)
{
	memcpy(f->mem + (addr - BASE), v, n);
}

static void put64(struct fake *f, uint64_t addr, int32_t off, uint64_t v)
{
	if (off < 0) {
		fprintf(stderr, "writing an absent field\n");
		exit(2);
	}
	put(f, addr + (uint64_t)off, &v, 8);
}

static void put8(struct fake *f, uint64_t addr, int32_t off, uint8_t v)
{
	put(f, addr + (uint64_t)off, &v, 1);
}

struct builder {
	struct fake *f;
	const struct py_offsets *o;
	int major;
	uint64_t str_type, int_type, dict_type, module_type, thread_type;
};

static uint64_t mk_type(struct builder *b, uint64_t flags, int64_t dictoffset)
{
	const struct py_offsets *o = b->o;
	int32_t last = o->heaptype_cached_keys > o->type_dictoffset ? o->heaptype_cached_keys
								     : o->type_dictoffset;
	size_t size = (size_t)last + 8;
	uint64_t t = alloc(b->f, size, 0);
	put64(b->f, t, o->type_flags, flags);
	put64(b->f, t, o->type_dictoffset, (uint64_t)dictoffset);
	return t;
}

static uint64_t mk_object(struct builder *b, uint64_t type, size_t size, size_t before)
{
	uint64_t obj = alloc(b->f, size, before);
	put64(b->f, obj, b->o->object_type, type);
	return obj;
}

/* A str from UTF-8 text with code points up to U+FFFF: 2.7 a byte str, 3.x a compact PEP 393
 * str of the narrowest kind (ASCII, latin-1 or UCS-2). */
static uint64_t mk_str(struct builder *b, const char *utf8)
{
	const struct py_offsets *o = b->o;
	size_t n = strlen(utf8);
	if (b->major == 2) {
		uint64_t s = mk_object(b, b->str_type, (size_t)o->bytes_data + n + 1, 0);
		put64(b->f, s, o->bytes_size, n);
		put(b->f, s + (uint64_t)o->bytes_data, utf8, n);
		return s;
	}
	uint16_t cps[64];
	size_t len = 0;
	uint16_t maxcp = 0;
	for (size_t i = 0; i < n && len < 64; len++) {
		const uint8_t *p = (const uint8_t *)utf8 + i;
		uint16_t cp;
		if (p[0] < 0x80) {
			cp = p[0];
			i += 1;
		} else if ((p[0] & 0xe0) == 0xc0) {
			cp = (uint16_t)((p[0] & 0x1f) << 6 | (p[1] & 0x3f));
			i += 2;
		} else {
			cp = (uint16_t)((p[0] & 0x0f) << 12 | (p[1] & 0x3f) << 6 | (p[2] & 0x3f));
			i += 3;
		}
		cps[len] = cp;
		if (cp > maxcp)
			maxcp = cp;
	}
	unsigned kind = maxcp < 0x100 ? 1 : 2;
	int ascii = maxcp < 0x80;
	/* state: kind in bits 2-4, compact bit 5, ascii bit 6 (docs/CPYTHON.md, section 4) */
	uint32_t state = kind << 2 | 1u << 5 | (ascii ? 1u << 6 : 0);
	size_t data = (size_t)(ascii ? o->unicode_ascii_size : o->unicode_compact_size);
	uint64_t s = mk_object(b, b->str_type, data + (len + 1) * kind, 0);
	put64(b->f, s, o->unicode_length, len);
	put(b->f, s + (uint64_t)o->unicode_state, &state, 4);
	for (size_t i = 0; i < len; i++) {
		if (kind == 1)
			put8(b->f, s + data, (int32_t)i, (uint8_t)cps[i]);
		else
			put(b->f, s + data + 2 * i, &cps[i], 2);
	}
	return s;
}

static uint64_t mk_int(struct builder *b, uint64_t v)
{
	const struct py_offsets *o = b->o;
	if (b->major == 2) {
		uint64_t i = mk_object(b, b->int_type, (size_t)o->int_value + 8, 0);
		put64(b->f, i, o->int_value, v);
		return i;
	}
	uint32_t digits[PY_LONG_MAX_DIGITS];
	size_t n = 0;
	for (uint64_t x = v; x; x >>= o->long_shift)
		digits[n++] = (uint32_t)(x & ((1u << o->long_shift) - 1));
	uint64_t i = mk_object(b, b->int_type, (size_t)o->long_digits + 4 * (n ? n : 1), 0);
	if (o->long_tag_size_shift >= 0)
		put64(b->f, i, o->long_size, (uint64_t)n << o->long_tag_size_shift | (n ? 0 : 1));
	else
		put64(b->f, i, o->long_size, n);
	put(b->f, i + (uint64_t)o->long_digits, digits, 4 * n);
	return i;
}

/* A 3.x keys object with n entries and 1 << log2 slots (below 8: one-byte indices; up to 15:
 * two-byte ones, as CPython picks them). With split, the entries hold keys only and the values
 * go to a separate array; str_keys picks 3.11+'s PyDictUnicodeEntry. */
static uint64_t mk_keys(struct builder *b, size_t n, const uint64_t *k, const uint64_t *v,
			int split, int str_keys, unsigned log2)
{
	const struct py_offsets *o = b->o;
	size_t esize = (size_t)o->dictentry_size, koff = (size_t)o->dictentry_key,
	       voff = (size_t)o->dictentry_value;
	int unicode = o->dictkeys_log2_size >= 0 && str_keys;
	if (unicode) {
		esize = (size_t)o->dictunicode_size;
		koff = (size_t)o->dictunicode_key;
		voff = (size_t)o->dictunicode_value;
	}
	unsigned log2_width = log2 < 8 ? 0 : 1;
	size_t index_bytes = (size_t)1 << (log2 + log2_width);
	uint64_t keys = alloc(b->f, (size_t)o->dictkeys_indices + index_bytes + 8 * esize, 0);
	put64(b->f, keys, o->dictkeys_nentries, n);
	if (o->dictkeys_size >= 0) {
		put64(b->f, keys, o->dictkeys_size, (uint64_t)1 << log2);
	} else {
		put8(b->f, keys, o->dictkeys_log2_size, (uint8_t)log2);
		put8(b->f, keys, o->dictkeys_log2_index_bytes, (uint8_t)(log2 + log2_width));
		put8(b->f, keys, o->dictkeys_kind,
		     (uint8_t)(unicode ? o->dictkeys_kind_general + 1 : o->dictkeys_kind_general));
	}
	uint64_t entries = keys + (uint64_t)o->dictkeys_indices + index_bytes;
	for (size_t i = 0; i < n; i++) {
		put64(b->f, entries + i * esize, (int32_t)koff, k[i]);
		if (!split)
			put64(b->f, entries + i * esize, (int32_t)voff, v[i]);
	}
	return keys;
}

/* A PyDictValues (3.11+) or plain value array (3.6-3.10) for v; returns the address that
 * ma_values or a managed pointer holds, with *array where values[0] is. */
static uint64_t mk_values(struct builder *b, size_t n, const uint64_t *v, size_t before,
			  uint64_t *array)
{
	const struct py_offsets *o = b->o;
	size_t head = o->dictvalues_values > 0 ? (size_t)o->dictvalues_values : 0;
	uint64_t vals = alloc(b->f, head + 8 * n, before);
	for (size_t i = 0; i < n; i++)
		put64(b->f, vals + head, (int32_t)(8 * i), v[i]);
	if (o->dictvalues_capacity >= 0) {
		put8(b->f, vals, o->dictvalues_capacity, (uint8_t)n);
		put8(b->f, vals, o->dictvalues_valid, 1);
	}
	if (array)
		*array = vals + head;
	return vals;
}

/* A dict with the n pairs and 1 << log2 slots; split (3.x only) keeps the values in
 * ma_values. */
static uint64_t mk_dict(struct builder *b, size_t n, const uint64_t *k, const uint64_t *v,
			int split, int str_keys, unsigned log2)
{
	const struct py_offsets *o = b->o;
	size_t size = (size_t)(o->dict_keys >= 0 ? (o->dict_values > o->dict_keys ? o->dict_values
										 : o->dict_keys)
						 : o->dict_table) + 8;
	uint64_t d = mk_object(b, b->dict_type, size, 0);
	if (o->dict_keys < 0) {
		/* 2.7: the pairs from slot 1, a dummy (deleted) entry in slot 0. */
		uint64_t table = alloc(b->f, ((size_t)1 << log2) * (size_t)o->dictentry_size, 0);
		put64(b->f, d, o->dict_mask, ((uint64_t)1 << log2) - 1);
		put64(b->f, d, o->dict_table, table);
		put64(b->f, table, o->dictentry_key, k[0]); /* key, NULL value: deleted */
		for (size_t i = 0; i < n; i++) {
			uint64_t e = table + (i + 1) * (size_t)o->dictentry_size;
			put64(b->f, e, o->dictentry_key, k[i]);
			put64(b->f, e, o->dictentry_value, v[i]);
		}
		return d;
	}
	put64(b->f, d, o->dict_keys, mk_keys(b, n, k, v, split, str_keys || split, log2));
	if (split)
		put64(b->f, d, o->dict_values, mk_values(b, n, v, 0, NULL));
	return d;
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
		put64(b->f, t, 16, mk_dict(b, 3, keys, vals, form == 1 && b->major == 3, 1, 3));
		return t;
	}
	uint64_t ht_keys;
	if (form == 1) {
		uint64_t t = mk_object(b, b->thread_type, 64, 32);
		put64(b->f, t - (uint64_t)o->managed_dict_before, 0,
		      mk_dict(b, 3, keys, vals, 1, 1, 3));
		return t;
	}
	ht_keys = mk_keys(b, 3, keys, vals, 1, 1, 3);
	put64(b->f, b->thread_type, o->heaptype_cached_keys, ht_keys);
	if (o->inline_values > 0) {
		/* 3.13: the values follow the object; they are laid out at their place. */
		uint64_t t = mk_object(b, b->thread_type, (size_t)o->inline_values, 32);
		uint64_t at = alloc(b->f, 0, 0);
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
		put64(b->f, t - (uint64_t)o->managed_values_before, 0, values);
	else
		put64(b->f, t - (uint64_t)o->managed_dict_before, 0,
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
	char err[256];

	memset(w, 0, sizeof *w);
	struct py_version v = { o->major, o->minor, 0 };
	if (o->major * 100 + o->minor >= 313) {
		/* From 3.13 a layout is read from the target's _Py_DebugOffsets, which this fake
		 * does not lay out; the table's values, probed from the same headers (and checked
		 * against real targets' debug offsets by the replay tests), stand in for them. */
		w->layout.version = v;
		w->layout.o = *o;
	} else if (py_layout_init(&w->layout, &v, &f->base, 0, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	w->mem = &f->base;

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
	put64(f, module, 16, mk_dict(&b, 2, gk, gv, 0, 1, 3));

	const uint64_t mk[3] = { mk_str(&b, "sys"), mk_str(&b, "threadinG"),
				 mk_str(&b, "threading") };
	const uint64_t mv[3] = { gk[0], gk[0], module };
	/* sys.modules, big enough for two-byte indices as in any real program */
	uint64_t modules = mk_dict(&b, 3, mk, mv, 0, 1, 8);

	size_t isize = (size_t)(o->interp_modules > o->interp_next ? o->interp_modules
								   : o->interp_next) + 8;
	uint64_t interp = alloc(f, isize, 0);
	put64(f, interp, o->interp_modules, modules);
	if (o->runtime_interpreters_head >= 0) {
		w->target.runtime = alloc(f, (size_t)o->runtime_interpreters_head + 8, 0);
		put64(f, w->target.runtime, o->runtime_interpreters_head, interp);
	} else {
		w->target.interp_head = alloc(f, 8, 0);
		put64(f, w->target.interp_head, 0, interp);
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
	struct fake f = { .base = { .read = fake_read, .free = fake_free }, .fail_at = -1 };
	struct py_walker w;
	struct py_thread_name got[8];
	char what[160];

	f.mem = calloc(1, MEMSZ);
	if (!f.mem) {
		check_skip("fake target", "out of memory");
		return;
	}
	f.used = 64; /* keep address BASE itself unused */
	uint64_t active = build(&f, o, &w);

	int n = py_thread_names(&w, got, 8);
	snprintf(what, sizeof what, "%d.%d: the three names, each with its ident", o->major,
		 o->minor);
	CHECK(all_found(got, n), what);

	n = py_thread_names(&w, got, 2);
	snprintf(what, sizeof what, "%d.%d: stops at max", o->major, o->minor);
	CHECK(n == 2 && all_genuine(got, n), what);

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
		memcpy(&keys, f.mem + (active + (uint64_t)o->dict_keys - BASE), 8);
		field = keys + (uint64_t)o->dictkeys_nentries;
	}
	uint64_t huge = 0x7fffffff;
	put(&f, field, &huge, 8);
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
