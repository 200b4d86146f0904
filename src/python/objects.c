/* objects.c: reading CPython objects from the target: types and their flags, str keys, ints,
 * dicts in each of the ways CPython has stored them, and an instance's attributes.
 *
 * Dicts and instance attributes, stored five ways:
 *   2.7       an open-addressing table of (hash, key, value) entries (ma_table, ma_mask);
 *   3.6-3.10  a compact dict: keys object = index table, then entries; a split dict (instance
 *             dicts sharing their type's keys) keeps values in a separate ma_values array;
 *   3.11      the keys object records its size as log2 and a kind (str-only keys have 2-word
 *             entries); an instance's attributes may live in a PyDictValues before the object
 *             with no dict at all (Py_TPFLAGS_MANAGED_DICT), keyed by the type's cached keys;
 *   3.12      the same, but dict and values share one tagged word (PyDictOrValues);
 *   3.13+     the values sit inline after the object (Py_TPFLAGS_INLINE_VALUES), with a valid
 *             flag, and a dict pointer before it once the dict is made.
 * Which branch runs is decided by which fields the version's row of the offsets table has,
 * never by version numbers, so the table stays the one place that knows the layouts.
 *
 * All of it is read from a process that may be running: every count is checked against a
 * bound fixed here before it sizes a read or a loop, and a failed read is an error return.
 */
#include "python/objects.h"

#include <string.h>

#include "mem/reader.h"
#include "python/strings.h"
#include "python/walker.h"

/* Most entries of one dict we scan. Only sys.modules gets big: CPython starts with about 100
 * modules and large applications import a few thousand, so a dict claiming more than this is
 * garbage (a freed or half-written keys object), and is refused rather than read for megabytes. */
#define DICT_MAX_ENTRIES (1u << 16)
/* Most entries a dict, list, tuple or set may claim when only its first few are read (a
 * repr's): far beyond any real one, and then only the first entries are looked at. */
#define ANY_MAX_ENTRIES (1ull << 32)
/* Most slots of a set's table looked at for its first few keys: a set emptied at its start
 * (deleted entries) would otherwise be scanned whole. */
#define SET_SCAN_MAX 4096u
/* Entries fetched per remote read while scanning. */
#define ENTRY_CHUNK 64
/* Largest entry struct accepted from the table: 24 bytes in every version (16 for 3.11+
 * str-keyed entries); a bigger one would mean a broken table, and would overflow the buffer. */
#define ENTRY_MAX_SIZE 32
/* The largest index width (int64_t) of a compact dict's index table, in log2 bytes. */
#define INDEX_MAX_LOG2_BYTES 3



int py_obj_read_ptr(struct py_objects *c, uint64_t base, int32_t off, uint64_t *out)
{
	if (off < 0)
		return PY_WALK_BAD_READ;
	return mem_read_u64(c->w->mem, base + (uint64_t)off, out) == 0 ? 0 : PY_WALK_BAD_READ;
}

static int has_flag(uint64_t flags, int32_t bit)
{
	return bit > 0 && (flags & (uint64_t)bit) != 0;
}

int py_obj_type(struct py_objects *c, uint64_t obj, uint64_t *type, uint64_t *flags)
{
	if (py_obj_read_ptr(c, obj, c->o->object_type, type) != 0 ||
	    py_obj_read_ptr(c, *type, c->o->type_flags, flags) != 0)
		return PY_WALK_BAD_READ;
	return 0;
}

/* Whether the object whose ob_type is type is a str (2.7: a byte str). */
int py_obj_type_is_str(struct py_objects *c, uint64_t type)
{
	uint64_t flags;
	if (type == 0)
		return 0;
	if (type == c->str_type)
		return 1;
	if (py_obj_read_ptr(c, type, c->o->type_flags, &flags) != 0 ||
	    !has_flag(flags, c->o->tpflags_str_subclass))
		return 0;
	c->str_type = type;
	return 1;
}

/* Whether key is a str equal to want (ASCII). A str equal to an ASCII string has exactly
 * strlen(want) code points (2.7: bytes), so one read of the header rules out nearly every other
 * key before any characters are read. Returns 1, 0, or a negative value on a failed read. */
static int key_equals(struct py_objects *c, uint64_t key, int known_str, const char *want)
{
	const struct py_offsets *o = c->o;
	int32_t len_off = o->unicode_length >= 0 ? o->unicode_length : o->bytes_size;
	size_t want_len = strlen(want);
	uint8_t hdr[32];
	uint64_t type;
	int64_t len;

	/* ob_type and the length both lie within the smallest str header (PyASCIIObject, 2.7's
	 * PyStringObject), so this read never runs past the object. */
	if (len_off < 0 || o->object_type < 0 || (size_t)len_off + 8 > sizeof hdr ||
	    (size_t)o->object_type + 8 > sizeof hdr)
		return PY_WALK_BAD_READ;
	size_t hdr_len = (size_t)(len_off > o->object_type ? len_off : o->object_type) + 8;
	if (mem_read(c->w->mem, key, hdr, hdr_len) != 0)
		return PY_WALK_BAD_READ;
	memcpy(&type, hdr + o->object_type, sizeof type);
	memcpy(&len, hdr + len_off, sizeof len);
	if ((uint64_t)len != want_len || (!known_str && !py_obj_type_is_str(c, type)))
		return 0;

	/* want_len + 2 bytes of room: a longer string would come back longer than want. */
	char buf[64];
	if (want_len + 2 > sizeof buf)
		return 0;
	int n = py_string_read(c->w->mem, o, key, buf, want_len + 2);
	if (n < 0)
		return PY_WALK_BAD_READ;
	return (size_t)n == want_len && memcmp(buf, want, want_len) == 0;
}

/* The view of a 3.x keys object at keys, with split values at values (0: a combined table),
 * of at most cap entries (a larger one is refused). */
static int keys_view(struct py_objects *c, uint64_t keys, uint64_t values, uint64_t cap,
		     struct py_dict_view *v)
{
	const struct py_offsets *o = c->o;
	int64_t nentries;
	uint64_t index_bytes;

	memset(v, 0, sizeof *v);
	if (o->dictkeys_nentries < 0 || o->dictkeys_indices < 0 ||
	    mem_read(c->w->mem, keys + (uint64_t)o->dictkeys_nentries, &nentries,
		     sizeof nentries) != 0)
		return PY_WALK_BAD_READ;
	v->entry_size = (size_t)o->dictentry_size;
	v->key_off = (size_t)o->dictentry_key;
	v->value_off = (size_t)o->dictentry_value;

	if (o->dictkeys_size >= 0) {
		/* 3.6-3.10: dk_size slots of DK_IXSIZE bytes each, the width chosen by dk_size
		 * (Objects/dictobject.c), then the entries. */
		int64_t size;
		if (mem_read(c->w->mem, keys + (uint64_t)o->dictkeys_size, &size, sizeof size) != 0)
			return PY_WALK_BAD_READ;
		if (size <= 0 || (size & (size - 1)) != 0 || nentries < 0 || nentries > size)
			return PY_WALK_BAD_READ;
		unsigned ixsize = size <= 0xff ? 1 : size <= 0xffff ? 2 : size <= 0xffffffffLL ? 4
											     : 8;
		/* nentries <= 2/3 of dk_size, so no dict under the cap is bigger than this */
		if ((uint64_t)size > cap * 2u)
			return PY_WALK_BAD_READ;
		index_bytes = (uint64_t)size * ixsize;
	} else {
		/* 3.11+: DK_ENTRIES() starts 1 << dk_log2_index_bytes past dk_indices, and the
		 * entries are PyDictUnicodeEntry unless dk_kind is DICT_KEYS_GENERAL. */
		struct mem_reader *m = c->w->mem;
		uint8_t log2_size, log2_index_bytes, kind;
		if (o->dictkeys_log2_size < 0 || o->dictkeys_log2_index_bytes < 0 ||
		    o->dictkeys_kind < 0 || o->dictunicode_size < 0 ||
		    mem_read(m, keys + (uint64_t)o->dictkeys_log2_size, &log2_size, 1) != 0 ||
		    mem_read(m, keys + (uint64_t)o->dictkeys_log2_index_bytes, &log2_index_bytes,
			     1) != 0 ||
		    mem_read(m, keys + (uint64_t)o->dictkeys_kind, &kind, 1) != 0)
			return PY_WALK_BAD_READ;
		/* Each index is 1 to 8 bytes wide, and the table no bigger than the cap allows. */
		if (log2_size > 40 || ((uint64_t)1 << log2_size) > cap * 16 ||
		    log2_index_bytes < log2_size ||
		    log2_index_bytes > log2_size + INDEX_MAX_LOG2_BYTES || nentries < 0 ||
		    nentries > ((int64_t)1 << log2_size))
			return PY_WALK_BAD_READ;
		index_bytes = (uint64_t)1 << log2_index_bytes;
		if ((int32_t)kind != o->dictkeys_kind_general) {
			v->entry_size = (size_t)o->dictunicode_size;
			v->key_off = (size_t)o->dictunicode_key;
			v->value_off = (size_t)o->dictunicode_value;
			v->str_keys = 1;
		}
	}
	if ((uint64_t)nentries > cap)
		return PY_WALK_BAD_READ;
	if (v->entry_size == 0 || v->entry_size > ENTRY_MAX_SIZE ||
	    v->key_off + 8 > v->entry_size || v->value_off + 8 > v->entry_size)
		return PY_WALK_BAD_READ;
	v->entries = keys + (uint64_t)o->dictkeys_indices + index_bytes;
	v->n = (size_t)nentries;
	v->values = values;
	return 0;
}

/* The view of the dict object at dict, refused when it claims more than cap entries. */
static int dict_view(struct py_objects *c, uint64_t dict, uint64_t cap, struct py_dict_view *v)
{
	const struct py_offsets *o = c->o;
	uint64_t type, flags;

	if (py_obj_type(c, dict, &type, &flags) != 0)
		return PY_WALK_BAD_READ;
	if (!has_flag(flags, o->tpflags_dict_subclass))
		return PY_WALK_BAD_READ;

	if (o->dict_keys < 0) {
		/* 2.7: ma_mask + 1 slots, each a PyDictEntry; free slots have a NULL key and
		 * deleted ones the dummy key with a NULL value. */
		int64_t mask;
		uint64_t table;
		if (o->dict_mask < 0 ||
		    mem_read(c->w->mem, dict + (uint64_t)o->dict_mask, &mask, sizeof mask) != 0 ||
		    py_obj_read_ptr(c, dict, o->dict_table, &table) != 0)
			return PY_WALK_BAD_READ;
		if (mask < 0 || (uint64_t)mask >= cap || ((mask + 1) & mask) != 0)
			return PY_WALK_BAD_READ;
		memset(v, 0, sizeof *v);
		v->entries = table;
		v->n = (size_t)mask + 1;
		v->entry_size = (size_t)o->dictentry_size;
		v->key_off = (size_t)o->dictentry_key;
		v->value_off = (size_t)o->dictentry_value;
		if (v->entry_size == 0 || v->entry_size > ENTRY_MAX_SIZE ||
		    v->key_off + 8 > v->entry_size || v->value_off + 8 > v->entry_size)
			return PY_WALK_BAD_READ;
		return 0;
	}

	uint64_t keys, values;
	if (py_obj_read_ptr(c, dict, o->dict_keys, &keys) != 0 ||
	    py_obj_read_ptr(c, dict, o->dict_values, &values) != 0)
		return PY_WALK_BAD_READ;
	/* ma_values is the PyObject *[] itself up to 3.10, a PyDictValues from 3.11 (whose
	 * values[] is at 0, or after a 4-byte header in 3.13). */
	if (values && o->dictvalues_values > 0)
		values += (uint64_t)o->dictvalues_values;
	return keys_view(c, keys, values, cap, v);
}

int py_dict_view(struct py_objects *c, uint64_t dict, struct py_dict_view *v)
{
	return dict_view(c, dict, DICT_MAX_ENTRIES, v);
}

int py_dict_view_first(struct py_objects *c, uint64_t dict, size_t first, struct py_dict_view *v)
{
	if (dict_view(c, dict, ANY_MAX_ENTRIES, v) != 0)
		return PY_WALK_BAD_READ;
	if (v->n > first)
		v->n = first;
	return 0;
}

/* Calls fn(arg, key, value) for each live entry of v, until fn returns non-zero, which is then
 * returned. Returns 0 when every entry was seen, or PY_WALK_BAD_READ. */
int py_dict_scan(struct py_objects *c, const struct py_dict_view *v,
		     int (*fn)(struct py_objects *c, void *arg, uint64_t key, uint64_t value),
		     void *arg)
{
	uint8_t buf[ENTRY_CHUNK * ENTRY_MAX_SIZE];
	uint64_t vals[ENTRY_CHUNK];

	for (size_t base = 0; base < v->n; base += ENTRY_CHUNK) {
		size_t count = v->n - base < ENTRY_CHUNK ? v->n - base : ENTRY_CHUNK;
		if (mem_read(c->w->mem, v->entries + base * v->entry_size, buf,
			     count * v->entry_size) != 0)
			return PY_WALK_BAD_READ;
		if (v->values &&
		    mem_read(c->w->mem, v->values + base * 8, vals, count * sizeof vals[0]) != 0)
			return PY_WALK_BAD_READ;
		for (size_t i = 0; i < count; i++) {
			const uint8_t *e = buf + i * v->entry_size;
			uint64_t key, value;
			memcpy(&key, e + v->key_off, sizeof key);
			if (v->values)
				value = vals[i];
			else
				memcpy(&value, e + v->value_off, sizeof value);
			if (key == 0 || value == 0)
				continue; /* free, deleted, or (split) not set on this instance */
			int rc = fn(c, arg, key, value);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

struct find_str {
	const char *want;
	int str_keys;
	uint64_t value;
};

static int find_str_fn(struct py_objects *c, void *arg, uint64_t key, uint64_t value)
{
	struct find_str *f = arg;
	int eq = key_equals(c, key, f->str_keys, f->want);
	if (eq < 0) {
		/* One unreadable key (freed while we looked) does not make the dict unreadable;
		 * keep looking. A dict that is all garbage fails on its entries instead. */
		return 0;
	}
	if (eq) {
		f->value = value;
		return 1;
	}
	return 0;
}

/* The value under the str key want in v: 1 with *value, 0 when absent, or PY_WALK_BAD_READ. */
int py_dict_find_str(struct py_objects *c, const struct py_dict_view *v, const char *want,
		     uint64_t *value)
{
	struct find_str f = { .want = want, .str_keys = v->str_keys };
	int rc = py_dict_scan(c, v, find_str_fn, &f);
	if (rc == 1)
		*value = f.value;
	return rc;
}

/* The shared keys of instances of a heap type (CACHED_KEYS(tp) in CPython). */
static int cached_keys(struct py_objects *c, uint64_t type, uint64_t flags, uint64_t *keys)
{
	if (!has_flag(flags, c->o->tpflags_heaptype) ||
	    py_obj_read_ptr(c, type, c->o->heaptype_cached_keys, keys) != 0 || *keys == 0)
		return PY_WALK_BAD_READ;
	return 0;
}

/* The view of obj's attributes (its __dict__, or 3.11+ values with no dict made yet), as
 * PyObject_GenericGetDict finds them. Returns 1 with *v, 0 when obj has none, or
 * PY_WALK_BAD_READ. */
static int attrs_view(struct py_objects *c, uint64_t obj, struct py_dict_view *v)
{
	const struct py_offsets *o = c->o;
	uint64_t type, flags, dict = 0, values = 0, keys;

	if (py_obj_type(c, obj, &type, &flags) != 0)
		return PY_WALK_BAD_READ;

	if (has_flag(flags, o->tpflags_managed_dict)) {
		if (o->managed_dict_before <= 0)
			return PY_WALK_BAD_READ;
		uint64_t slot = obj - (uint64_t)o->managed_dict_before;
		if (o->managed_values_before > 0) {
			/* 3.11 (_PyObject_ValuesPointer): values take precedence; the pointer is
			 * cleared when the dict is made. */
			if (mem_read_u64(c->w->mem, obj - (uint64_t)o->managed_values_before,
					 &values) != 0)
				return PY_WALK_BAD_READ;
			if (!values && mem_read_u64(c->w->mem, slot, &dict) != 0)
				return PY_WALK_BAD_READ;
		} else if (o->managed_values_tag > 0) {
			/* 3.12 (PyDictOrValues): one word; odd means values, stored minus tag. */
			uint64_t word;
			if (mem_read_u64(c->w->mem, slot, &word) != 0)
				return PY_WALK_BAD_READ;
			if (word & 1)
				values = word + (uint64_t)o->managed_values_tag;
			else
				dict = word;
		} else {
			/* 3.13 (_PyObject_GetManagedDict): the dict once made, else the inline
			 * values while their valid flag is set. */
			if (mem_read_u64(c->w->mem, slot, &dict) != 0)
				return PY_WALK_BAD_READ;
			if (!dict && has_flag(flags, o->tpflags_inline_values) &&
			    o->inline_values > 0 && o->dictvalues_valid >= 0 &&
			    o->dictvalues_capacity >= 0) {
				uint64_t inl = obj + (uint64_t)o->inline_values;
				uint8_t valid, capacity;
				if (mem_read(c->w->mem, inl + (uint64_t)o->dictvalues_valid, &valid,
					     1) != 0 ||
				    mem_read(c->w->mem, inl + (uint64_t)o->dictvalues_capacity,
					     &capacity, 1) != 0)
					return PY_WALK_BAD_READ;
				if (!valid)
					return 0;
				uint64_t arr = inl + (uint64_t)o->dictvalues_values;
				if (cached_keys(c, type, flags, &keys) != 0 ||
				    keys_view(c, keys, arr, DICT_MAX_ENTRIES, v) != 0)
					return PY_WALK_BAD_READ;
				/* The values array has room for capacity entries only; the
				 * shared keys could in principle have grown past it. */
				if (v->n > capacity)
					v->n = capacity;
				return 1;
			}
		}
		if (values) {
			if (cached_keys(c, type, flags, &keys) != 0)
				return PY_WALK_BAD_READ;
			if (o->dictvalues_values > 0)
				values += (uint64_t)o->dictvalues_values;
			return keys_view(c, keys, values, DICT_MAX_ENTRIES, v) == 0 ? 1
											     : PY_WALK_BAD_READ;
		}
	} else {
		/* Up to 3.10 (and for types without a managed dict, such as modules, after):
		 * the dict pointer is tp_dictoffset bytes into the object. A negative offset
		 * counts from the end of a variable-sized object, which neither a module nor a
		 * Thread is, so it is not followed. */
		int64_t dictoffset;
		if (o->type_dictoffset < 0 ||
		    mem_read(c->w->mem, type + (uint64_t)o->type_dictoffset, &dictoffset,
			     sizeof dictoffset) != 0)
			return PY_WALK_BAD_READ;
		if (dictoffset <= 0)
			return 0;
		if (dictoffset > 1 << 20 ||
		    mem_read_u64(c->w->mem, obj + (uint64_t)dictoffset, &dict) != 0)
			return PY_WALK_BAD_READ;
	}
	if (!dict)
		return 0;
	return py_dict_view(c, dict, v) == 0 ? 1 : PY_WALK_BAD_READ;
}

/* The attribute want of obj, looked up in its instance attributes only (no type, no
 * descriptors): 1 with *value, 0 when absent, or PY_WALK_BAD_READ. */
int py_attr_find(struct py_objects *c, uint64_t obj, const char *want, uint64_t *value)
{
	struct py_dict_view v;
	int rc = attrs_view(c, obj, &v);
	if (rc <= 0)
		return rc;
	return py_dict_find_str(c, &v, want, value);
}

int py_long_value(const uint32_t *digits, size_t ndigits, int shift, int negative,
		  uint64_t *out)
{
	uint64_t mag = 0;

	if (shift <= 0 || shift > 32)
		return -1;
	for (size_t i = ndigits; i-- > 0;) {
		if (digits[i] >> shift != 0)
			return -1; /* not a normalized digit */
		/* Overflow check before the shift: the top shift bits must be free. */
		if (mag >> (64 - shift) != 0)
			return -1;
		mag = mag << shift | digits[i];
	}
	if (negative) {
		if (mag > (uint64_t)1 << 63)
			return -1;
		mag = 0 - mag; /* the two's complement a C cast of the signed value gives */
	}
	*out = mag;
	return 0;
}

int py_long_read(struct py_objects *c, uint64_t obj, uint32_t *digits, size_t max,
		 size_t *ndigits, int *negative)
{
	const struct py_offsets *o = c->o;
	uint64_t word;
	if (py_obj_read_ptr(c, obj, o->long_size, &word) != 0)
		return PY_WALK_BAD_READ;
	if (o->long_tag_size_shift >= 0) {
		/* 3.12+: lv_tag = digit count << _PyLong_NON_SIZE_BITS | sign, where sign is
		 * 1 - (lv_tag & _PyLong_SIGN_MASK): 0 positive, 1 zero, 2 negative. */
		uint64_t sign = word & (uint64_t)o->long_tag_sign_mask;
		if (sign > 2 || o->long_tag_size_shift > 8)
			return PY_WALK_BAD_READ;
		*negative = sign == 2;
		*ndigits = sign == 1 ? 0 : (size_t)(word >> o->long_tag_size_shift);
	} else {
		/* Up to 3.11 (and 2.7's long): ob_size is the digit count, negative for a
		 * negative number. */
		int64_t size = (int64_t)word;
		*negative = size < 0;
		*ndigits = (size_t)(*negative ? 0 - word : word);
	}
	if (o->long_digits < 0 || (o->long_digit_size != 2 && o->long_digit_size != 4))
		return PY_WALK_BAD_READ;

	/* Only the digits asked for are read, whatever count the target claims; they are read
	 * into digits itself and widened in place from the last one down. */
	size_t n = *ndigits < max ? *ndigits : max;
	size_t dsize = (size_t)o->long_digit_size;
	uint8_t *raw = (uint8_t *)digits;
	if (mem_read(c->w->mem, obj + (uint64_t)o->long_digits, raw, n * dsize) != 0)
		return PY_WALK_BAD_READ;
	if (dsize == 2) {
		for (size_t i = n; i-- > 0;) {
			uint16_t d;
			memcpy(&d, raw + 2 * i, 2);
			digits[i] = d;
		}
	}
	return (int)n;
}

/* The value of the int object at obj as an ident: 0, or PY_WALK_BAD_READ when obj is not an
 * int or does not fit in 64 bits. */
int py_int_value(struct py_objects *c, uint64_t obj, uint64_t *out)
{
	const struct py_offsets *o = c->o;
	uint64_t type, flags;

	if (py_obj_type(c, obj, &type, &flags) != 0)
		return PY_WALK_BAD_READ;
	if (has_flag(flags, o->tpflags_int_subclass)) {
		/* 2.7: thread.get_ident() returns a machine int (PyInt_FromLong). */
		return py_obj_read_ptr(c, obj, o->int_value, out);
	}
	if (!has_flag(flags, o->tpflags_long_subclass))
		return PY_WALK_BAD_READ;

	uint32_t digits[PY_LONG_MAX_DIGITS];
	size_t ndigits;
	int negative;
	if (py_long_read(c, obj, digits, PY_LONG_MAX_DIGITS, &ndigits, &negative) < 0 ||
	    ndigits > PY_LONG_MAX_DIGITS)
		return PY_WALK_BAD_READ;
	if (py_long_value(digits, ndigits, o->long_shift, negative, out) != 0)
		return PY_WALK_BAD_READ;
	return 0;
}

int py_float_value(struct py_objects *c, uint64_t obj, double *out)
{
	if (c->o->float_value < 0 ||
	    mem_read(c->w->mem, obj + (uint64_t)c->o->float_value, out, sizeof *out) != 0)
		return PY_WALK_BAD_READ;
	return 0;
}

int py_seq_items(struct py_objects *c, uint64_t obj, int list, uint64_t *items, size_t max,
		 int64_t *size)
{
	const struct py_offsets *o = c->o;
	int32_t size_off = list ? o->list_size : o->tuple_size;
	uint64_t at = 0;
	if (size_off < 0 ||
	    mem_read(c->w->mem, obj + (uint64_t)size_off, size, sizeof *size) != 0 ||
	    *size < 0 || (uint64_t)*size > ANY_MAX_ENTRIES)
		return PY_WALK_BAD_READ;
	if (list) {
		/* A list's items are an array of their own, behind ob_item. */
		if (py_obj_read_ptr(c, obj, o->list_items, &at) != 0 && *size > 0)
			return PY_WALK_BAD_READ;
	} else {
		if (o->tuple_items < 0)
			return PY_WALK_BAD_READ;
		at = obj + (uint64_t)o->tuple_items; /* a tuple's are inline */
	}
	size_t n = (uint64_t)*size < max ? (size_t)*size : max;
	if (mem_read(c->w->mem, at, items, n * sizeof *items) != 0)
		return PY_WALK_BAD_READ;
	return (int)n;
}

int py_set_items(struct py_objects *c, uint64_t obj, uint64_t *keys, size_t max, int64_t *size)
{
	return py_set_items_scan(c, obj, keys, max, SET_SCAN_MAX, size);
}

int py_set_items_scan(struct py_objects *c, uint64_t obj, uint64_t *keys, size_t max,
		      uint64_t max_slots, int64_t *size)
{
	const struct py_offsets *o = c->o;
	int64_t mask;
	uint64_t table;
	size_t esize = (size_t)o->setentry_size;
	if (o->set_used < 0 || o->set_mask < 0 || o->setentry_key < 0 || o->setentry_hash < 0 ||
	    esize == 0 || esize > ENTRY_MAX_SIZE || (size_t)o->setentry_key + 8 > esize ||
	    (size_t)o->setentry_hash + 8 > esize ||
	    mem_read(c->w->mem, obj + (uint64_t)o->set_used, size, sizeof *size) != 0 ||
	    mem_read(c->w->mem, obj + (uint64_t)o->set_mask, &mask, sizeof mask) != 0 ||
	    py_obj_read_ptr(c, obj, o->set_table, &table) != 0)
		return PY_WALK_BAD_READ;
	/* mask + 1 slots, a power of two, at least 8 (PySet_MINSIZE) */
	if (*size < 0 || mask < 0 || (uint64_t)mask >= ANY_MAX_ENTRIES * 2 ||
	    ((mask + 1) & mask) != 0 || *size > mask + 1)
		return PY_WALK_BAD_READ;

	uint8_t buf[ENTRY_CHUNK * ENTRY_MAX_SIZE];
	uint64_t slots = (uint64_t)mask + 1 < max_slots ? (uint64_t)mask + 1 : max_slots;
	size_t n = 0;
	for (uint64_t base = 0; base < slots && n < max; base += ENTRY_CHUNK) {
		size_t count = slots - base < ENTRY_CHUNK ? (size_t)(slots - base) : ENTRY_CHUNK;
		if (mem_read(c->w->mem, table + base * esize, buf, count * esize) != 0)
			return PY_WALK_BAD_READ;
		for (size_t i = 0; i < count && n < max; i++) {
			uint64_t key;
			int64_t hash;
			memcpy(&key, buf + i * esize + o->setentry_key, sizeof key);
			memcpy(&hash, buf + i * esize + o->setentry_hash, sizeof hash);
			/* Free slots have no key; a deleted one (3.x) keeps the dummy key with hash
			 * -1, which no object hashes to (CPython turns -1 into -2). */
			if (key != 0 && hash != -1)
				keys[n++] = key;
		}
	}
	return (int)n;
}

struct collect {
	uint64_t *keys, *values;
	size_t n, max;
};

static int collect_fn(struct py_objects *c, void *arg, uint64_t key, uint64_t value)
{
	(void)c;
	struct collect *k = arg;
	k->keys[k->n] = key;
	k->values[k->n] = value;
	return ++k->n == k->max;
}

int py_dict_items(struct py_objects *c, uint64_t dict, uint64_t *keys, uint64_t *values,
		  size_t max, int64_t *size)
{
	struct py_dict_view v;
	struct collect k = { keys, values, 0, max };
	/* The items are the first live entries; a few deleted ones before them are looked past
	 * (at most SET_SCAN_MAX entries in all). */
	if (c->o->dict_used < 0 ||
	    mem_read(c->w->mem, dict + (uint64_t)c->o->dict_used, size, sizeof *size) != 0 ||
	    *size < 0 || py_dict_view_first(c, dict, SET_SCAN_MAX, &v) != 0)
		return PY_WALK_BAD_READ;
	if (max == 0)
		return 0;
	int rc = py_dict_scan(c, &v, collect_fn, &k);
	return rc < 0 ? rc : (int)k.n;
}

int py_type_name(struct py_objects *c, uint64_t type, char *buf, size_t cap)
{
	uint64_t name;
	if (cap == 0 || py_obj_read_ptr(c, type, c->o->type_name, &name) != 0)
		return PY_WALK_BAD_READ;
	/* A C string of unknown length: read up to the end of its page first, so that a name
	 * at the end of a mapping still reads, then the rest of what fits. */
	size_t got = 0;
	while (got < cap - 1) {
		uint64_t at = name + got;
		size_t room = 4096 - (size_t)(at & 4095);
		size_t n = cap - 1 - got < room ? cap - 1 - got : room;
		if (mem_read(c->w->mem, at, buf + got, n) != 0)
			return PY_WALK_BAD_READ;
		void *nul = memchr(buf + got, '\0', n);
		if (nul)
			return (int)((char *)nul - buf);
		got += n;
	}
	buf[got] = '\0';
	return (int)got;
}

/* The main interpreter: the first one created, which is the last in the list since CPython
 * pushes new interpreters at the head (pystate.c, every version). */
static int main_interp(struct py_objects *c, uint64_t *interp)
{
	struct py_walker *w = c->w;
	uint64_t cur, next;

	if (w->target.runtime) {
		if (py_obj_read_ptr(c, w->target.runtime, c->o->runtime_interpreters_head, &cur) != 0)
			return PY_WALK_BAD_READ;
	} else if (w->target.interp_head) {
		if (mem_read_u64(w->mem, w->target.interp_head, &cur) != 0)
			return PY_WALK_BAD_READ;
	} else {
		return PY_WALK_NOT_READY;
	}
	if (cur == 0)
		return PY_WALK_NOT_READY;
	for (int i = 0; i < PY_MAX_INTERPRETERS; i++) {
		if (py_obj_read_ptr(c, cur, c->o->interp_next, &next) != 0)
			return PY_WALK_BAD_READ;
		if (next == 0) {
			*interp = cur;
			return 0;
		}
		cur = next;
	}
	return PY_WALK_BAD_READ; /* longer than any real list: a cycle */
}

/* The main interpreter's sys.modules into *modules (0 when not made yet, or gone). Returns 0,
 * PY_WALK_NOT_READY or PY_WALK_BAD_READ. */
static int modules_dict(struct py_objects *c, uint64_t *modules)
{
	uint64_t interp;
	int rc = main_interp(c, &interp);
	if (rc != 0)
		return rc;
	return py_obj_read_ptr(c, interp, c->o->interp_modules, modules) == 0 ? 0
									       : PY_WALK_BAD_READ;
}

int py_modules_count(struct py_objects *c, int64_t *n)
{
	uint64_t modules;
	*n = 0;
	int rc = modules_dict(c, &modules);
	if (rc != 0 || modules == 0)
		return rc;
	if (c->o->dict_used < 0 ||
	    mem_read(c->w->mem, modules + (uint64_t)c->o->dict_used, n, sizeof *n) != 0)
		return PY_WALK_BAD_READ;
	return 0;
}

int py_module_find(struct py_objects *c, const char *name, uint64_t *module)
{
	struct py_dict_view v;
	uint64_t modules;
	int rc = modules_dict(c, &modules);
	if (rc != 0)
		return rc;
	if (modules == 0)
		return 0; /* sys.modules not made yet (start-up) or gone (finalization) */
	if (py_dict_view(c, modules, &v) != 0)
		return PY_WALK_BAD_READ;
	return py_dict_find_str(c, &v, name, module);
}
