/* test_repr.c: reprs of objects and a frame's locals, read with no process (dump --locals).
 *
 * For every row of the offsets table, objects of each kind repr.c knows are laid out in made-up
 * memory as that CPython version lays them out (fixture_objects.h), and py_repr must give their
 * exact text: ints small, negative, big and huge, floats in Python's shortest form, str and
 * bytes quoted and escaped as Python does them and cut at their bound, containers with their
 * first items and their length, nested ones shown one level down, an instance by its type's
 * name. Every repr stays within PY_REPR_MAX and is valid UTF-8, also with each read failing in
 * turn. Then a frame with locals, cells and (3.14) tagged references, read by py_locals_read.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fixture_objects.h"
#include "python/locals.h"
#include "python/offsets.h"
#include "python/repr.h"
#include "python/walker.h"

/* The types of the made-up target, each with its tp_name. */
struct types {
	uint64_t none, boolean, integer, longint, flt, str, unicode27, bytes, tuple, list, set,
		frozenset, dict, cell, point;
};

static struct builder b;
static struct types ty;

static uint64_t named_type(uint64_t flags, const char *name)
{
	uint64_t t = mk_type(&b, flags, 0);
	uint64_t s = fake_alloc(b.f, strlen(name) + 1, 0);
	fake_put(b.f, s, name, strlen(name) + 1);
	fake_put64(b.f, t, b.o->type_name, s);
	return t;
}

static void make_types(void)
{
	const struct py_offsets *o = b.o;
	uint64_t lng = (uint64_t)o->tpflags_long_subclass;
	ty.none = named_type(0, "NoneType");
	ty.boolean = named_type(b.major == 2 ? (uint64_t)o->tpflags_int_subclass : lng, "bool");
	ty.integer = named_type(b.major == 2 ? (uint64_t)o->tpflags_int_subclass : lng, "int");
	ty.longint = b.major == 2 ? named_type(lng, "long") : ty.integer;
	ty.flt = named_type(0, "float");
	ty.str = named_type((uint64_t)o->tpflags_str_subclass, "str");
	ty.unicode27 = b.major == 2 ? named_type(0, "unicode") : ty.str;
	ty.bytes = b.major == 2 ? ty.str : named_type(0, "bytes");
	ty.tuple = named_type(0, "tuple");
	ty.list = named_type(0, "list");
	ty.set = named_type(0, "set");
	ty.frozenset = named_type(0, "frozenset");
	ty.dict = named_type((uint64_t)o->tpflags_dict_subclass, "dict");
	ty.cell = named_type(0, "cell");
	/* a class of the program called "list": a heap type, so not taken for the built-in */
	ty.point = named_type((uint64_t)o->tpflags_heaptype, "list");
	b.str_type = ty.str;
	b.int_type = ty.integer;
	b.dict_type = ty.dict;
}

/* An int of n digits (least significant first), as CPython o lays it out. */
static uint64_t mk_long(uint64_t type, const uint32_t *d, size_t n, int negative)
{
	const struct py_offsets *o = b.o;
	uint64_t i = mk_object(&b, type, (size_t)o->long_digits + 4 * (n ? n : 1), 0);
	if (o->long_tag_size_shift >= 0)
		fake_put64(b.f, i, o->long_size,
			   (uint64_t)n << o->long_tag_size_shift | (n ? (negative ? 2 : 0) : 1));
	else
		fake_put64(b.f, i, o->long_size, negative ? (uint64_t)-(int64_t)n : n);
	fake_put(b.f, i + (uint64_t)o->long_digits, d, 4 * n);
	return i;
}

/* A small int (2.7: a machine int). */
static uint64_t mk_small(int64_t v)
{
	if (b.major == 2) {
		uint64_t i = mk_object(&b, ty.integer, (size_t)b.o->int_value + 8, 0);
		fake_put64(b.f, i, b.o->int_value, (uint64_t)v);
		return i;
	}
	uint64_t mag = v < 0 ? (uint64_t)-v : (uint64_t)v;
	uint32_t d[3];
	size_t n = 0;
	for (; mag; mag >>= b.o->long_shift)
		d[n++] = (uint32_t)(mag & ((1u << b.o->long_shift) - 1));
	return mk_long(ty.integer, d, n, v < 0);
}

static uint64_t mk_bool(int v)
{
	if (b.major == 2) {
		uint64_t i = mk_object(&b, ty.boolean, (size_t)b.o->int_value + 8, 0);
		fake_put64(b.f, i, b.o->int_value, (uint64_t)v);
		return i;
	}
	uint32_t one = 1;
	return mk_long(ty.boolean, &one, v ? 1 : 0, 0);
}

static uint64_t mk_float(double v)
{
	uint64_t x = mk_object(&b, ty.flt, (size_t)b.o->float_value + 8, 0);
	fake_put(b.f, x + (uint64_t)b.o->float_value, &v, 8);
	return x;
}

static uint64_t mk_bytes(const void *data, size_t n)
{
	uint64_t x = mk_object(&b, ty.bytes, (size_t)b.o->bytes_data + n + 1, 0);
	fake_put64(b.f, x, b.o->bytes_size, n);
	fake_put(b.f, x + (uint64_t)b.o->bytes_data, data, n);
	return x;
}

/* A compact ASCII str of any length (3.x; mk_str keeps to short names). */
static uint64_t mk_ascii(const char *text)
{
	const struct py_offsets *o = b.o;
	size_t n = strlen(text);
	/* state: kind 1 in bits 2-4, compact bit 5, ascii bit 6 (docs/CPYTHON.md, section 4) */
	uint32_t state = 1u << 2 | 1u << 5 | 1u << 6;
	uint64_t s = mk_object(&b, ty.str, (size_t)o->unicode_ascii_size + n + 1, 0);
	fake_put64(b.f, s, o->unicode_length, n);
	fake_put(b.f, s + (uint64_t)o->unicode_state, &state, 4);
	fake_put(b.f, s + (uint64_t)o->unicode_ascii_size, text, n);
	return s;
}

/* Text: 3.x a str (mk_str, or mk_ascii when long), 2.7 a unicode object. */
static uint64_t mk_text(const char *utf8)
{
	if (b.major != 2)
		return strlen(utf8) > 60 ? mk_ascii(utf8) : mk_str(&b, utf8);
	const struct py_offsets *o = b.o;
	uint32_t units[256];
	size_t n = 0;
	for (const uint8_t *p = (const uint8_t *)utf8; *p && n < 256; n++) {
		if (p[0] < 0x80) {
			units[n] = *p++;
		} else if ((p[0] & 0xe0) == 0xc0) {
			units[n] = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else {
			units[n] = (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 |
				   (p[2] & 0x3f);
			p += 3;
		}
	}
	uint64_t data = fake_alloc(b.f, 4 * n + 4, 0);
	for (size_t i = 0; i < n; i++) {
		if (o->unicode27_unit_size == 4)
			fake_put(b.f, data + 4 * i, &units[i], 4);
		else
			fake_put(b.f, data + 2 * i, &units[i], 2);
	}
	uint64_t u = mk_object(&b, ty.unicode27, (size_t)o->unicode27_str + 8, 0);
	fake_put64(b.f, u, o->unicode27_length, n);
	fake_put64(b.f, u, o->unicode27_str, data);
	return u;
}

/* A tuple or list of n items, claiming size of them (only the n are laid out). */
static uint64_t mk_seq(int list, const uint64_t *items, size_t n, int64_t size)
{
	const struct py_offsets *o = b.o;
	if (list) {
		uint64_t arr = fake_alloc(b.f, 8 * (n ? n : 1), 0);
		fake_put(b.f, arr, items, 8 * n);
		uint64_t l = mk_object(&b, ty.list, (size_t)o->list_items + 8, 0);
		fake_put64(b.f, l, o->list_size, (uint64_t)size);
		fake_put64(b.f, l, o->list_items, arr);
		return l;
	}
	uint64_t t = mk_object(&b, ty.tuple, (size_t)o->tuple_items + 8 * (n ? n : 1), 0);
	fake_put64(b.f, t, o->tuple_size, (uint64_t)size);
	fake_put(b.f, t + (uint64_t)o->tuple_items, items, 8 * n);
	return t;
}

/* A set (or frozenset) of n keys in an 8-slot table, a deleted entry (3.x: hash -1) first. */
static uint64_t mk_set(uint64_t type, const uint64_t *keys, size_t n)
{
	const struct py_offsets *o = b.o;
	size_t es = (size_t)o->setentry_size;
	uint64_t table = fake_alloc(b.f, 8 * es, 0);
	size_t slot = 0;
	if (b.major == 3) {
		fake_put64(b.f, table, o->setentry_key, ty.none); /* any object: the dummy */
		fake_put64(b.f, table, o->setentry_hash, (uint64_t)-1);
		slot = 1;
	}
	for (size_t i = 0; i < n; i++, slot++) {
		fake_put64(b.f, table + slot * es, o->setentry_key, keys[i]);
		fake_put64(b.f, table + slot * es, o->setentry_hash, i + 1);
	}
	uint64_t s = mk_object(&b, type, (size_t)o->set_table + 8, 0);
	fake_put64(b.f, s, o->set_used, n);
	fake_put64(b.f, s, o->set_mask, 7);
	fake_put64(b.f, s, o->set_table, table);
	return s;
}

static uint64_t mk_dict_of(size_t n, const uint64_t *k, const uint64_t *v)
{
	uint64_t d = mk_dict(&b, n, k, v, 0, 0, 3);
	fake_put64(b.f, d, b.o->dict_used, n);
	return d;
}

/* Whether s is valid UTF-8. */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2
								: (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0)
			return 0;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

struct want {
	const char *what;
	uint64_t obj;
	const char *repr;  /* 3.x */
	const char *repr2; /* 2.7, when it differs */
	const char *type;  /* 3.x; NULL: not checked */
};

#define MAXW 64

static size_t build_objects(struct want *w, char *addr_buf, size_t addr_cap)
{
	size_t n = 0;
	const int py2 = b.major == 2;
#define W(what_, obj_, r3_, r2_, type_) \
	w[n++] = (struct want){ (what_), (obj_), (r3_), (r2_), (type_) }

	uint64_t none = mk_object(&b, ty.none, 16, 0);
	W("None", none, "None", NULL, "NoneType");
	W("True", mk_bool(1), "True", NULL, "bool");
	W("False", mk_bool(0), "False", NULL, "bool");
	W("a small int", mk_small(42), "42", NULL, "int");
	W("a negative int", mk_small(-7), "-7", NULL, "int");
	W("zero", mk_small(0), "0", NULL, "int");
	const uint32_t two64[] = { 0, 0, 16 }; /* 2**64 in 30-bit digits */
	const uint32_t two64_15[] = { 0, 0, 0, 0, 16 };
	int shift30 = b.o->long_shift == 30;
	W("2**64", mk_long(ty.longint, shift30 ? two64 : two64_15, shift30 ? 3 : 5, 0),
	  "18446744073709551616", "18446744073709551616L", NULL);
	W("-(2**64)", mk_long(ty.longint, shift30 ? two64 : two64_15, shift30 ? 3 : 5, 1),
	  "-18446744073709551616", "-18446744073709551616L", NULL);
	/* 2**150: 46 digits, past the 40 shown */
	uint32_t big[6] = { 0 };
	big[5] = 1;
	W("2**150", mk_long(ty.longint, big, 6, 0), "<int of 46 digits>", "<long of 46 digits>",
	  NULL);
	/* 2**8970, 300 digits of 30 bits: past the 256 digits read, said as a bound */
	static uint32_t d300[300];
	d300[299] = 1;
	W("an int of 300 digits", mk_long(ty.longint, d300, 300, 0),
	  shift30 ? "<int of more than 2700 digits>" : "<int of more than 1350 digits>",
	  shift30 ? "<long of more than 2700 digits>" : "<long of more than 1350 digits>", NULL);
	W("0.1", mk_float(0.1), "0.1", NULL, "float");
	W("1/3", mk_float(1 / 3.0), "0.3333333333333333", NULL, NULL);
	W("1e16", mk_float(1e16), "1e+16", NULL, NULL);
	W("1e15", mk_float(1e15), "1000000000000000.0", NULL, NULL);
	W("1e-5", mk_float(1e-5), "1e-05", NULL, NULL);
	W("0.0001", mk_float(0.0001), "0.0001", NULL, NULL);
	W("-0.0", mk_float(-0.0), "-0.0", NULL, NULL);
	W("100.0", mk_float(100.0), "100.0", NULL, NULL);
	W("1.5e300", mk_float(1.5e300), "1.5e+300", NULL, NULL);
	W("-inf", mk_float(-INFINITY), "-inf", NULL, NULL);
	W("nan", mk_float(NAN), "nan", NULL, NULL);
	W("a non-ASCII str", mk_text("h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93"),
	  "'h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93'", "u'h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93'",
	  "str");
	W("a str with a quote", mk_text("it's"), "\"it's\"", "u\"it's\"", NULL);
	W("a str with both quotes", mk_text("a'b\"c"), "'a\\'b\"c'", "u'a\\'b\"c'", NULL);
	W("control characters escaped", mk_text("a\tb\nc\\d\x01\x7f"),
	  "'a\\tb\\nc\\\\d\\x01\\x7f'", "u'a\\tb\\nc\\\\d\\x01\\x7f'", NULL);
	W("a line separator escaped", mk_text("a\xe2\x80\xa8"), "'a\\u2028'", "u'a\\u2028'", NULL);
	char longtext[201];
	memset(longtext, 'a', 200);
	longtext[200] = '\0';
	W("a long str cut at 80 characters", mk_text(longtext),
	  "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'... "
	  "(200 chars)",
	  "u'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'... "
	  "(200 chars)",
	  NULL);
	W("bytes escaped", mk_bytes("\x00" "ab'\n\xff", 6), "b\"\\x00ab'\\n\\xff\"",
	  "\"\\x00ab'\\n\\xff\"", py2 ? "str" : "bytes");
	static char zs[100], zwant3[128], zwant2[128];
	memset(zs, 'z', sizeof zs);
	snprintf(zwant3, sizeof zwant3, "b'%.80s'... (100 bytes)", zs);
	snprintf(zwant2, sizeof zwant2, "'%.80s'... (100 bytes)", zs);
	W("long bytes cut at 80", mk_bytes(zs, 100), zwant3, zwant2, NULL);
	uint64_t one = mk_small(1), two = mk_small(2), three = mk_small(3);
	uint64_t x = mk_text("x");
	uint64_t i3[] = { one, two, three };
	W("an empty tuple", mk_seq(0, NULL, 0, 0), "()", NULL, "tuple");
	W("a 1-tuple", mk_seq(0, i3, 1, 1), "(1,)", NULL, NULL);
	uint64_t pair_items[] = { one, x, mk_float(3.5) };
	W("a tuple", mk_seq(0, pair_items, 3, 3), "(1, 'x', 3.5)", "(1, u'x', 3.5)", NULL);
	W("an empty list", mk_seq(1, NULL, 0, 0), "[]", NULL, "list");
	uint64_t five[] = { mk_small(0), one, two, three, mk_small(4) };
	W("a list of a million, its first five", mk_seq(1, five, 5, 1000000),
	  "[0, 1, 2, 3, 4, ... (1000000 items)]", NULL, NULL);
	uint64_t deepest = mk_seq(1, i3, 2, 2);
	uint64_t mid_items[] = { three, deepest };
	uint64_t mid = mk_seq(1, mid_items, 2, 2);
	uint64_t outer_items[] = { mk_seq(1, i3, 2, 2), mid };
	W("lists in lists: two levels shown", mk_seq(1, outer_items, 2, 2),
	  "[[1, 2], [3, [... (2 items)]]]", NULL, NULL);
	/* a = [a]: followed two levels down, then only its length */
	uint64_t self_list = mk_seq(1, NULL, 0, 1);
	uint64_t self_arr = fake_alloc(b.f, 8, 0);
	fake_put64(b.f, self_arr, 0, self_list);
	fake_put64(b.f, self_list, b.o->list_items, self_arr);
	W("a list that holds itself", self_list, "[[[... (1 item)]]]", NULL, NULL);
	W("a set", mk_set(ty.set, i3, 3), "{1, 2, 3}", NULL, "set");
	W("an empty set", mk_set(ty.set, NULL, 0), "set()", NULL, NULL);
	W("a frozenset", mk_set(ty.frozenset, i3, 2), "frozenset({1, 2})", NULL, "frozenset");
	W("an empty frozenset", mk_set(ty.frozenset, NULL, 0), "frozenset()", NULL, NULL);
	uint64_t keys[] = { mk_text("a"), mk_text("b") };
	uint64_t vals[] = { one, mk_seq(1, i3, 2, 2) };
	W("a dict", mk_dict_of(2, keys, vals), "{'a': 1, 'b': [1, 2]}", "{u'a': 1, u'b': [1, 2]}",
	  "dict");
	W("an empty dict", mk_dict_of(0, keys, vals), "{}", NULL, NULL);
	uint64_t inner_dict = mk_dict_of(2, keys, vals);
	uint64_t holder[] = { mk_seq(1, &inner_dict, 1, 1) };
	W("a dict two levels down", mk_seq(1, holder, 1, 1), "[[{... (2 items)}]]", NULL, NULL);
	uint64_t point = mk_object(&b, ty.point, 32, 0);
	snprintf(addr_buf, addr_cap, "<list at 0x%llx>", (unsigned long long)point);
	W("a program's class named like a built-in", point, addr_buf, NULL, "list");
	/* five strs shown 80 characters each, then the list's length: over PY_REPR_MAX */
	char longs[5][120];
	uint64_t items[5];
	for (int i = 0; i < 5; i++) {
		snprintf(longs[i], sizeof longs[i], "%0100d", i);
		items[i] = mk_text(longs[i]);
	}
	W("a list of long strs cut at the repr's bound", mk_seq(1, items, 5, 1000), NULL, NULL,
	  NULL);
#undef W
	return n;
}

/* A frame of three locals and a cell: locals named n, gone (unbound), text, and a cell
 * variable c holding [1]; 3.14 also a tagged int t. Returns the raw frame. */
static struct py_raw_frame build_frame(void)
{
	const struct py_offsets *o = b.o;
	struct py_raw_frame f = { 0 };
	uint64_t one = mk_small(1);
	uint64_t cell_list = mk_seq(1, &one, 1, 1);
	uint64_t cell = mk_object(&b, ty.cell, (size_t)o->cell_ref + 8, 0);
	fake_put64(b.f, cell, o->cell_ref, cell_list);
	int tagged = o->stackref_int_tag > 0;
	const char *names[] = { "n", "gone", "text", "c", "t" };
	size_t nn = tagged ? 5 : 4;
	uint64_t name_objs[5];
	for (size_t i = 0; i < nn; i++)
		name_objs[i] = mk_str(&b, names[i]);
	uint64_t code = fake_alloc(b.f, 256, 0);
	uint64_t slots[5] = { mk_small(5), 0, mk_text("hi"), cell, 0 };
	if (o->stackref_tag_bits > 0) {
		/* 3.14: references carry tag bits; NULL is the tag alone, an int may be tagged */
		slots[0] |= 1;
		slots[1] = 1;
		slots[4] = (uint64_t)(-3 * 4) | (uint64_t)o->stackref_int_tag;
	}
	if (o->code_localsplusnames >= 0) {
		uint8_t kinds[5] = { (uint8_t)o->co_fast_local, (uint8_t)o->co_fast_local,
				     (uint8_t)o->co_fast_local, (uint8_t)o->co_fast_cell,
				     (uint8_t)o->co_fast_local };
		int32_t nplus = (int32_t)nn;
		fake_put64(b.f, code, o->code_localsplusnames, mk_seq(0, name_objs, nn, (int64_t)nn));
		fake_put64(b.f, code, o->code_localspluskinds, mk_bytes(kinds, nn));
		fake_put(b.f, code + (uint64_t)o->code_nlocalsplus, &nplus, 4);
		f.addr = fake_alloc(b.f, (size_t)o->iframe_localsplus + 8 * nn, 0);
		fake_put(b.f, f.addr + (uint64_t)o->iframe_localsplus, slots, 8 * nn);
	} else {
		/* n, gone, text are co_varnames; c is co_cellvars */
		int32_t nlocals = 3;
		fake_put64(b.f, code, o->code_varnames, mk_seq(0, name_objs, 3, 3));
		fake_put64(b.f, code, o->code_cellvars, mk_seq(0, name_objs + 3, 1, 1));
		fake_put64(b.f, code, o->code_freevars, mk_seq(0, NULL, 0, 0));
		fake_put(b.f, code + (uint64_t)o->code_nlocals, &nlocals, 4);
		f.addr = fake_alloc(b.f, (size_t)o->frame_localsplus + 8 * 4, 0);
		fake_put(b.f, f.addr + (uint64_t)o->frame_localsplus, slots, 8 * 4);
	}
	f.code = code;
	return f;
}

struct got_locals {
	char text[1024];
	size_t len;
};

static int collect(void *arg, const struct py_local *v)
{
	struct got_locals *g = arg;
	int n = snprintf(g->text + g->len, sizeof g->text - g->len, "%s%s: %s = %s",
			 g->len ? "; " : "", v->name, v->type, v->repr);
	if (n > 0)
		g->len += (size_t)n;
	return 0;
}

static void test_row(const struct py_offsets *o)
{
	struct fake f;
	struct py_walker w;
	char what[256], out[PY_REPR_MAX], type[PY_REPR_TYPE_MAX], addr[64];
	if (fake_open(&f) != 0) {
		check_skip("fake target", "out of memory");
		return;
	}
	fake_walker(&f, o, &w);
	b = (struct builder){ .f = &f, .o = o, .major = o->major };
	make_types();

	struct want want[MAXW];
	size_t n = build_objects(want, addr, sizeof addr);
	struct py_repr r;
	py_repr_init(&r, &w);
	for (size_t i = 0; i < n; i++) {
		int rc = py_repr(&r, want[i].obj, out, sizeof out, type, sizeof type);
		const char *exp = o->major == 2 && want[i].repr2 ? want[i].repr2 : want[i].repr;
		snprintf(what, sizeof what, "%d.%d: %s", o->major, o->minor, want[i].what);
		if (exp) {
			CHECK_STR(out, exp, what);
		} else {
			/* the bound cases: within PY_REPR_MAX, ended by "..." */
			size_t len = strlen(out);
			CHECK(rc == 0 && len < PY_REPR_MAX && len > 80 && utf8_ok(out) &&
				      strcmp(out + len - 3, "...") == 0,
			      what);
		}
		if (want[i].type && o->major == 3) {
			snprintf(what, sizeof what, "%d.%d: %s is of type %s", o->major, o->minor,
				 want[i].what, want[i].type);
			CHECK_STR(type, want[i].type, what);
		}
	}

	/* Unmapped memory: said, not guessed. */
	py_repr(&r, 0x10, out, sizeof out, type, sizeof type);
	snprintf(what, sizeof what, "%d.%d: an object that cannot be read", o->major, o->minor);
	CHECK_STR(out, "<unreadable at 0x10>", what);

	/* Each read failing in turn, over every object: bounded, valid UTF-8, no crash. */
	long total = 0, bad = 0;
	for (size_t i = 0; i < n; i++) {
		struct py_repr fresh;
		py_repr_init(&fresh, &w);
		f.reads = 0;
		f.fail_at = -1;
		py_repr(&fresh, want[i].obj, out, sizeof out, type, sizeof type);
		long reads = f.reads;
		for (long k = 0; k < reads; k++, total++) {
			py_repr_init(&fresh, &w);
			f.reads = 0;
			f.fail_at = k;
			py_repr(&fresh, want[i].obj, out, sizeof out, type, sizeof type);
			bad += strlen(out) >= PY_REPR_MAX || !utf8_ok(out);
		}
	}
	f.fail_at = -1;
	snprintf(what, sizeof what, "%d.%d: %ld reads failing in turn: every repr bounded and UTF-8",
		 o->major, o->minor, total);
	CHECK(total > 0 && bad == 0, what);

	/* A frame's locals: the unbound left out, the cell shown by its contents. */
	struct py_raw_frame fr = build_frame();
	struct py_locals *l = py_locals_new(&w);
	struct got_locals g = { .len = 0 };
	int more = 1;
	int got = l ? py_locals_read(l, &fr, collect, &g, &more) : -1;
	char exp[256];
	snprintf(exp, sizeof exp, "n: int = 5; text: %s = %s; c: list = [1]%s",
		 o->major == 2 ? "unicode" : "str", o->major == 2 ? "u'hi'" : "'hi'",
		 o->stackref_int_tag > 0 ? "; t: int = -3" : "");
	snprintf(what, sizeof what, "%d.%d: a frame's locals in order, the unbound left out, the "
		 "cell by its contents%s", o->major, o->minor,
		 o->stackref_int_tag > 0 ? ", tagged references undone" : "");
	CHECK_STR(g.text, exp, what);
	snprintf(what, sizeof what, "%d.%d: py_locals_read counts them", o->major, o->minor);
	CHECK(got == (o->stackref_int_tag > 0 ? 4 : 3) && !more, what);
	/* The names are read once per code object: the same frame again costs its slots only. */
	f.reads = 0;
	g.len = 0;
	py_locals_read(l, &fr, collect, &g, &more);
	long again = f.reads;
	snprintf(what, sizeof what, "%d.%d: the code's names read once (%ld reads the second "
		 "time)", o->major, o->minor, again);
	CHECK(again > 0 && again < 20, what);
	py_locals_free(l);
	free(f.mem);
}

int main(void)
{
	for (size_t i = 0; i < py_offsets_table_len; i++)
		test_row(&py_offsets_table[i]);
	return check_exit();
}
