/* fixture_objects.c: the made-up target of fixture_objects.h. */
#include "fixture_objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "python/layout.h"
#include "python/objects.h"
#include "python/offsets.h"
#include "python/walker.h"

static int fake_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len);
static void fake_free(struct mem_reader *r);

int fake_open(struct fake *f)
{
	memset(f, 0, sizeof *f);
	f->base.read = fake_read;
	f->base.free = fake_free;
	f->fail_at = -1;
	f->used = 64; /* keep address FAKE_BASE itself unused */
	f->mem = calloc(1, FAKE_MEMSZ);
	return f->mem ? 0 : -1;
}

void fake_walker(struct fake *f, const struct py_offsets *o, struct py_walker *w)
{
	char err[256];
	struct py_version v = { o->major, o->minor, 0 };
	memset(w, 0, sizeof *w);
	if (o->major * 100 + o->minor >= 313) {
		/* From 3.13 a layout is read from the target's _Py_DebugOffsets, which this fake
		 * does not lay out; the table's values, probed from the same headers (and checked
		 * against real targets' debug offsets by the replay tests), stand in for them. */
		w->layout.version = v;
		w->layout.o = *o;
		w->layout.frames = PY_FRAME_INTERPRETER;
	} else if (py_layout_init(&w->layout, &v, &f->base, 0, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(2);
	}
	w->mem = &f->base;
}

static int fake_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct fake *f = (struct fake *)r;
	if (f->reads++ == f->fail_at)
		return MEM_EFAULT;
	if (addr < FAKE_BASE || addr - FAKE_BASE > f->used || len > f->used - (addr - FAKE_BASE))
		return MEM_EFAULT;
	memcpy(buf, f->mem + (addr - FAKE_BASE), len);
	return 0;
}

static void fake_free(struct mem_reader *r)
{
	(void)r;
}

uint64_t fake_alloc(struct fake *f, size_t size, size_t before)
{
	size_t at = (f->used + before + 15) & ~(size_t)15;
	if (at + size > FAKE_MEMSZ) {
		fprintf(stderr, "fake target memory full\n");
		exit(2);
	}
	f->used = at + size;
	return FAKE_BASE + at;
}

void fake_put(struct fake *f, uint64_t addr, const void *v, size_t n)
{
	if (n)
		memcpy(f->mem + (addr - FAKE_BASE), v, n);
}

void fake_put64(struct fake *f, uint64_t addr, int32_t off, uint64_t v)
{
	if (off < 0) {
		fprintf(stderr, "writing an absent field\n");
		exit(2);
	}
	fake_put(f, addr + (uint64_t)off, &v, 8);
}

void fake_put8(struct fake *f, uint64_t addr, int32_t off, uint8_t v)
{
	fake_put(f, addr + (uint64_t)off, &v, 1);
}


uint64_t mk_type(struct builder *b, uint64_t flags, int64_t dictoffset)
{
	const struct py_offsets *o = b->o;
	int32_t last = o->heaptype_cached_keys > o->type_dictoffset ? o->heaptype_cached_keys
								     : o->type_dictoffset;
	size_t size = (size_t)last + 8;
	uint64_t t = fake_alloc(b->f, size, 0);
	fake_put64(b->f, t, o->type_flags, flags);
	fake_put64(b->f, t, o->type_dictoffset, (uint64_t)dictoffset);
	return t;
}

uint64_t mk_object(struct builder *b, uint64_t type, size_t size, size_t before)
{
	uint64_t obj = fake_alloc(b->f, size, before);
	fake_put64(b->f, obj, b->o->object_type, type);
	return obj;
}

uint64_t mk_str(struct builder *b, const char *utf8)
{
	const struct py_offsets *o = b->o;
	size_t n = strlen(utf8);
	if (b->major == 2) {
		uint64_t s = mk_object(b, b->str_type, (size_t)o->bytes_data + n + 1, 0);
		fake_put64(b->f, s, o->bytes_size, n);
		fake_put(b->f, s + (uint64_t)o->bytes_data, utf8, n);
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
	fake_put64(b->f, s, o->unicode_length, len);
	fake_put(b->f, s + (uint64_t)o->unicode_state, &state, 4);
	for (size_t i = 0; i < len; i++) {
		if (kind == 1)
			fake_put8(b->f, s + data, (int32_t)i, (uint8_t)cps[i]);
		else
			fake_put(b->f, s + data + 2 * i, &cps[i], 2);
	}
	return s;
}

uint64_t mk_int(struct builder *b, uint64_t v)
{
	const struct py_offsets *o = b->o;
	if (b->major == 2) {
		uint64_t i = mk_object(b, b->int_type, (size_t)o->int_value + 8, 0);
		fake_put64(b->f, i, o->int_value, v);
		return i;
	}
	uint32_t digits[PY_LONG_MAX_DIGITS];
	size_t n = 0;
	for (uint64_t x = v; x; x >>= o->long_shift)
		digits[n++] = (uint32_t)(x & ((1u << o->long_shift) - 1));
	uint64_t i = mk_object(b, b->int_type, (size_t)o->long_digits + 4 * (n ? n : 1), 0);
	if (o->long_tag_size_shift >= 0)
		fake_put64(b->f, i, o->long_size, (uint64_t)n << o->long_tag_size_shift | (n ? 0 : 1));
	else
		fake_put64(b->f, i, o->long_size, n);
	fake_put(b->f, i + (uint64_t)o->long_digits, digits, 4 * n);
	return i;
}

uint64_t mk_keys(struct builder *b, size_t n, const uint64_t *k, const uint64_t *v,
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
	uint64_t keys = fake_alloc(b->f, (size_t)o->dictkeys_indices + index_bytes + 8 * esize, 0);
	fake_put64(b->f, keys, o->dictkeys_nentries, n);
	if (o->dictkeys_size >= 0) {
		fake_put64(b->f, keys, o->dictkeys_size, (uint64_t)1 << log2);
	} else {
		fake_put8(b->f, keys, o->dictkeys_log2_size, (uint8_t)log2);
		fake_put8(b->f, keys, o->dictkeys_log2_index_bytes, (uint8_t)(log2 + log2_width));
		fake_put8(b->f, keys, o->dictkeys_kind,
		     (uint8_t)(unicode ? o->dictkeys_kind_general + 1 : o->dictkeys_kind_general));
	}
	uint64_t entries = keys + (uint64_t)o->dictkeys_indices + index_bytes;
	for (size_t i = 0; i < n; i++) {
		fake_put64(b->f, entries + i * esize, (int32_t)koff, k[i]);
		if (!split)
			fake_put64(b->f, entries + i * esize, (int32_t)voff, v[i]);
	}
	return keys;
}

uint64_t mk_values(struct builder *b, size_t n, const uint64_t *v, size_t before,
			  uint64_t *array)
{
	const struct py_offsets *o = b->o;
	size_t head = o->dictvalues_values > 0 ? (size_t)o->dictvalues_values : 0;
	uint64_t vals = fake_alloc(b->f, head + 8 * n, before);
	for (size_t i = 0; i < n; i++)
		fake_put64(b->f, vals + head, (int32_t)(8 * i), v[i]);
	if (o->dictvalues_capacity >= 0) {
		fake_put8(b->f, vals, o->dictvalues_capacity, (uint8_t)n);
		fake_put8(b->f, vals, o->dictvalues_valid, 1);
	}
	if (array)
		*array = vals + head;
	return vals;
}

uint64_t mk_dict(struct builder *b, size_t n, const uint64_t *k, const uint64_t *v,
			int split, int str_keys, unsigned log2)
{
	const struct py_offsets *o = b->o;
	size_t size = (size_t)(o->dict_keys >= 0 ? (o->dict_values > o->dict_keys ? o->dict_values
										 : o->dict_keys)
						 : o->dict_table) + 8;
	uint64_t d = mk_object(b, b->dict_type, size, 0);
	if (o->dict_keys < 0) {
		/* 2.7: the pairs from slot 1, a dummy (deleted) entry in slot 0. */
		uint64_t table = fake_alloc(b->f, ((size_t)1 << log2) * (size_t)o->dictentry_size, 0);
		fake_put64(b->f, d, o->dict_mask, ((uint64_t)1 << log2) - 1);
		fake_put64(b->f, d, o->dict_table, table);
		fake_put64(b->f, table, o->dictentry_key, k[0]); /* key, NULL value: deleted */
		for (size_t i = 0; i < n; i++) {
			uint64_t e = table + (i + 1) * (size_t)o->dictentry_size;
			fake_put64(b->f, e, o->dictentry_key, k[i]);
			fake_put64(b->f, e, o->dictentry_value, v[i]);
		}
		return d;
	}
	fake_put64(b->f, d, o->dict_keys, mk_keys(b, n, k, v, split, str_keys || split, log2));
	if (split)
		fake_put64(b->f, d, o->dict_values, mk_values(b, n, v, 0, NULL));
	return d;
}