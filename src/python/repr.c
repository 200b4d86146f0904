/* repr.c: bounded reprs of Python objects read from the target (see repr.h).
 *
 * A type is told by its tp_name and flags, once per address: a static (not heap) type named
 * "int" with Py_TPFLAGS_LONG_SUBCLASS is int, and so on. A class of the program named "list"
 * is a heap type, so it never passes for the built-in. Everything is read through the
 * objects reader, every count bounded before it sizes a read, and a container's items are
 * followed two levels down at most, so no object graph (a list holding itself) can make the
 * walk long.
 */
#include "python/repr.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "python/strings.h"
#include "python/walker.h"

enum kind {
	K_OTHER,   /* <TypeName at 0x...> */
	K_NONE,
	K_BOOL,
	K_INT27,   /* 2.7's machine int */
	K_LONG,    /* 3.x int, 2.7 long */
	K_FLOAT,
	K_TEXT,    /* 3.x str, 2.7 unicode */
	K_BYTES,   /* 3.x bytes, 2.7 str */
	K_TUPLE,
	K_LIST,
	K_SET,
	K_FROZENSET,
	K_DICT,
	K_CELL,
};

/* A container inside a container inside a local shows its length only. */
#define DEPTH_MAX 2
/* Digits of an int object read to write it in decimal: 256 30-bit digits are 2312 decimal
 * ones, beyond which the int is said to have "more than" so many. */
#define LONG_READ_MAX 256

/* The repr being written: a bounded buffer that remembers it was cut. */
struct out {
	char *p;
	size_t len, cap;
	int cut;
};

static void put(struct out *b, const char *s, size_t n)
{
	if (b->cut)
		return;
	if (n > b->cap - 1 - b->len) {
		n = b->cap - 1 - b->len;
		b->cut = 1;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void puts_(struct out *b, const char *s)
{
	put(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void putf(struct out *b, const char *fmt, ...)
{
	char tmp[96];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Ends the repr; a cut one ends with "..." in place of its last whole characters. */
static void finish(struct out *b)
{
	if (b->cut && b->cap >= 4) {
		while (b->len > b->cap - 4) {
			do
				b->len--;
			while (b->len > 0 && ((unsigned char)b->p[b->len] & 0xC0) == 0x80);
		}
		memcpy(b->p + b->len, "...", 3);
		b->len += 3;
	}
	b->p[b->len] = '\0';
}

static void put_utf8(struct out *b, uint32_t cp)
{
	char t[4];
	put(b, t, py_utf8_encode(cp, t));
}

/* Whether Python's repr escapes code point cp: the C0 and C1 controls, DEL, the invisible
 * format and separator characters most often met, surrogates (which have no UTF-8 form) and
 * what is not a code point. (CPython asks its Unicode database, str.isprintable; this keeps
 * to the characters that would make a dump line break or mislead.) */
static int unprintable(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD ||
	       (cp >= 0x200B && cp <= 0x200F) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
	       cp > 0x10FFFF;
}

/* Python's choice of quotes: single, unless the text holds one and no double quote. */
static char quote_for(const uint32_t *cps, size_t n)
{
	int single = 0, dbl = 0;
	for (size_t i = 0; i < n; i++) {
		single |= cps[i] == '\'';
		dbl |= cps[i] == '"';
	}
	return single && !dbl ? '"' : '\'';
}

/* One character of a quoted repr: escaped as Python escapes it, else as it is (bytes: only
 * printable ASCII is; text: any printable character, in UTF-8). */
static void put_char(struct out *b, uint32_t cp, char quote, int bytes)
{
	if (cp == (uint32_t)quote || cp == '\\') {
		putf(b, "\\%c", (char)cp);
	} else if (cp == '\t') {
		puts_(b, "\\t");
	} else if (cp == '\n') {
		puts_(b, "\\n");
	} else if (cp == '\r') {
		puts_(b, "\\r");
	} else if (bytes ? cp < 0x20 || cp >= 0x7F : unprintable(cp)) {
		if (cp < 0x100)
			putf(b, "\\x%02x", (unsigned)cp);
		else if (cp < 0x10000)
			putf(b, "\\u%04x", (unsigned)cp);
		else
			putf(b, "\\U%08x", (unsigned)cp);
	} else {
		put_utf8(b, cp);
	}
}

/* The quoted form of n code points (or bytes) of a text of total length, prefix before it. */
static void put_quoted(struct out *b, const char *prefix, const uint32_t *cps, size_t n,
		       int64_t total, int bytes)
{
	char q = quote_for(cps, n);
	puts_(b, prefix);
	put(b, &q, 1);
	for (size_t i = 0; i < n; i++)
		put_char(b, cps[i], q, bytes);
	put(b, &q, 1);
	if ((uint64_t)total > n)
		putf(b, "... (%lld %s)", (long long)total, bytes ? "bytes" : "chars");
}

/* The shortest decimal form of v that reads back as v, as Python's float repr: exponent form
 * from 1e16 or below 1e-4, else positional with at least one digit after the point. */
static void put_float(struct out *b, double v)
{
	if (isnan(v)) {
		puts_(b, "nan");
		return;
	}
	if (isinf(v)) {
		puts_(b, v < 0 ? "-inf" : "inf");
		return;
	}
	char e[40];
	for (int prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof e, "%.*e", prec, v);
		if (strtod(e, NULL) == v)
			break;
	}
	/* e is [-]D[.DDD]e(+|-)XX: the digits, and where the point goes. */
	const char *p = e;
	char digits[24];
	size_t nd = 0;
	int neg = *p == '-';
	p += neg;
	for (; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9' && nd < sizeof digits - 1)
			digits[nd++] = *p;
	digits[nd] = '\0';
	while (nd > 1 && digits[nd - 1] == '0')
		digits[--nd] = '\0';
	int exp = *p == 'e' ? atoi(p + 1) : 0;
	int decpt = exp + 1; /* digits before the point */
	if (neg)
		puts_(b, "-");
	if (decpt <= -4 || decpt > 16) {
		put(b, digits, 1);
		if (nd > 1) {
			puts_(b, ".");
			put(b, digits + 1, nd - 1);
		}
		putf(b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
	} else if (decpt <= 0) {
		puts_(b, "0.");
		for (int i = 0; i < -decpt; i++)
			puts_(b, "0");
		put(b, digits, nd);
	} else if ((size_t)decpt >= nd) {
		put(b, digits, nd);
		for (size_t i = nd; i < (size_t)decpt; i++)
			puts_(b, "0");
		puts_(b, ".0");
	} else {
		put(b, digits, (size_t)decpt);
		puts_(b, ".");
		put(b, digits + decpt, nd - (size_t)decpt);
	}
}

/* An int's magnitude from n digits of shift bits (least significant first; d is used up), in
 * decimal, or how many decimal digits it has when that is over PY_REPR_INT_DIGITS. */
static void put_long(struct out *b, uint32_t *d, size_t n, int shift, int negative,
		     const char *type, const char *suffix)
{
	/* 9-digit chunks, least significant first, by repeated division by 10^9: rem < 10^9 <
	 * 2^30, so rem << shift | digit fits in 64 bits for shift <= 30. */
	uint32_t chunks[LONG_READ_MAX * 30 / 29 + 2];
	size_t nc = 0;
	while (n > 0 && d[n - 1] == 0)
		n--;
	while (n > 0 && nc < sizeof chunks / sizeof chunks[0]) {
		uint64_t rem = 0;
		for (size_t i = n; i-- > 0;) {
			uint64_t cur = rem << shift | d[i];
			d[i] = (uint32_t)(cur / 1000000000u);
			rem = cur % 1000000000u;
		}
		chunks[nc++] = (uint32_t)rem;
		while (n > 0 && d[n - 1] == 0)
			n--;
	}
	char top[16];
	int ntop = snprintf(top, sizeof top, "%u", nc ? chunks[nc - 1] : 0u);
	size_t ndec = nc ? 9 * (nc - 1) + (size_t)ntop : 1;
	if (ndec > PY_REPR_INT_DIGITS) {
		putf(b, "<%s of %zu digits>", type, ndec);
		return;
	}
	if (negative && nc)
		puts_(b, "-");
	puts_(b, top);
	for (size_t i = nc - (nc > 0); i-- > 0;)
		putf(b, "%09u", chunks[i]);
	puts_(b, suffix);
}

static int has_flag(uint64_t flags, int32_t bit)
{
	return bit > 0 && (flags & (uint64_t)bit) != 0;
}

/* What the static type called name with flags is. */
static int classify(const struct py_offsets *o, const char *name, uint64_t flags)
{
	static const struct {
		const char *name;
		int kind;
	} plain[] = {
		{ "NoneType", K_NONE }, { "bool", K_BOOL },	{ "float", K_FLOAT },
		{ "bytes", K_BYTES },	{ "unicode", K_TEXT },	{ "tuple", K_TUPLE },
		{ "list", K_LIST },	{ "set", K_SET },	{ "frozenset", K_FROZENSET },
		{ "cell", K_CELL },
	};
	if (has_flag(flags, o->tpflags_heaptype))
		return K_OTHER; /* a class of the program, whatever its name */
	if (strcmp(name, "int") == 0)
		return has_flag(flags, o->tpflags_int_subclass)	   ? K_INT27
		       : has_flag(flags, o->tpflags_long_subclass) ? K_LONG
								   : K_OTHER;
	if (strcmp(name, "long") == 0)
		return has_flag(flags, o->tpflags_long_subclass) ? K_LONG : K_OTHER;
	if (strcmp(name, "str") == 0) /* 2.7's str is bytes: it has no PEP 393 state */
		return !has_flag(flags, o->tpflags_str_subclass) ? K_OTHER
		       : o->unicode_state < 0			  ? K_BYTES
								  : K_TEXT;
	if (strcmp(name, "dict") == 0)
		return has_flag(flags, o->tpflags_dict_subclass) ? K_DICT : K_OTHER;
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (strcmp(name, plain[i].name) == 0)
			return plain[i].kind;
	return K_OTHER;
}

void py_repr_init(struct py_repr *r, struct py_walker *w)
{
	memset(r, 0, sizeof *r);
	r->objs.w = w;
	r->objs.o = &w->layout.o;
}

/* The type of obj, read and classified once per address. NULL when it cannot be read. */
static const struct py_repr_type *type_of(struct py_repr *r, uint64_t obj)
{
	uint64_t type, flags;
	if (py_obj_read_ptr(&r->objs, obj, r->objs.o->object_type, &type) != 0 || type == 0)
		return NULL;
	for (size_t i = 0; i < r->n_types; i++)
		if (r->types[i].addr == type)
			return &r->types[i];
	struct py_repr_type t = { .addr = type };
	if (py_obj_read_ptr(&r->objs, type, r->objs.o->type_flags, &flags) != 0 ||
	    py_type_name(&r->objs, type, t.name, sizeof t.name) < 0)
		return NULL;
	t.kind = classify(r->objs.o, t.name, flags);
	/* Full: the slots are taken over in turn (a dump meets a few dozen types). */
	size_t slot = r->n_types < PY_REPR_TYPES ? r->n_types++ : r->next_evict++ % PY_REPR_TYPES;
	r->types[slot] = t;
	return &r->types[slot];
}

static void render(struct py_repr *r, struct out *b, uint64_t obj, int depth);

static void put_other(struct out *b, const char *type, uint64_t obj)
{
	putf(b, "<%s at 0x%llx>", type, (unsigned long long)obj);
}

static const char *plural(int64_t n)
{
	return n == 1 ? "item" : "items";
}

/* A tuple, list, set or frozenset: its first items, then how many there are. */
static void render_seq(struct py_repr *r, struct out *b, uint64_t obj,
		       const struct py_repr_type *t, int depth)
{
	uint64_t items[PY_REPR_ITEMS];
	int64_t size;
	size_t want = depth < DEPTH_MAX ? PY_REPR_ITEMS : 0;
	int n = t->kind == K_SET || t->kind == K_FROZENSET
			? py_set_items(&r->objs, obj, items, want, &size)
			: py_seq_items(&r->objs, obj, t->kind == K_LIST, items, want, &size);
	if (n < 0) {
		put_other(b, t->name, obj);
		return;
	}
	const char *open = t->kind == K_LIST ? "[" : t->kind == K_TUPLE ? "(" : "{";
	const char *close = t->kind == K_LIST ? "]" : t->kind == K_TUPLE ? ")" : "}";
	if (t->kind == K_FROZENSET)
		puts_(b, "frozenset(");
	if (size == 0) {
		/* set() and frozenset(), as {} would be a dict */
		puts_(b, t->kind == K_SET ? "set()" : t->kind == K_FROZENSET ? ")" : open);
		if (t->kind != K_SET && t->kind != K_FROZENSET)
			puts_(b, close);
		return;
	}
	puts_(b, open);
	for (int i = 0; i < n; i++) {
		if (i)
			puts_(b, ", ");
		render(r, b, items[i], depth + 1);
	}
	if (size > n)
		putf(b, "%s... (%lld %s)", n ? ", " : "", (long long)size, plural(size));
	else if (t->kind == K_TUPLE && size == 1)
		puts_(b, ",");
	puts_(b, close);
	if (t->kind == K_FROZENSET)
		puts_(b, ")");
}

static void render_dict(struct py_repr *r, struct out *b, uint64_t obj,
			const struct py_repr_type *t, int depth)
{
	uint64_t keys[PY_REPR_ITEMS], values[PY_REPR_ITEMS];
	int64_t size;
	int n = py_dict_items(&r->objs, obj, keys, values, depth < DEPTH_MAX ? PY_REPR_ITEMS : 0,
			      &size);
	if (n < 0) {
		put_other(b, t->name, obj);
		return;
	}
	puts_(b, "{");
	for (int i = 0; i < n; i++) {
		if (i)
			puts_(b, ", ");
		render(r, b, keys[i], depth + 1);
		puts_(b, ": ");
		render(r, b, values[i], depth + 1);
	}
	if (size > n)
		putf(b, "%s... (%lld %s)", n ? ", " : "", (long long)size, plural(size));
	puts_(b, "}");
}

static void render_long(struct py_repr *r, struct out *b, uint64_t obj,
			const struct py_repr_type *t)
{
	const struct py_offsets *o = r->objs.o;
	uint32_t digits[LONG_READ_MAX];
	size_t nd;
	int neg;
	int n = py_long_read(&r->objs, obj, digits, LONG_READ_MAX, &nd, &neg);
	if (n < 0 || o->long_shift <= 0 || o->long_shift > 30) {
		put_other(b, t->name, obj);
		return;
	}
	for (int i = 0; i < n; i++)
		if (digits[i] >> o->long_shift) {
			put_other(b, t->name, obj); /* not a normalized digit: not an int */
			return;
		}
	if (nd > (size_t)n) {
		/* At least 2^((nd - 1) * shift), so more than that many decimal digits. */
		putf(b, "<%s of more than %.0f digits>", t->name,
		     floor((double)(nd - 1) * o->long_shift * 0.30102999566398120));
		return;
	}
	/* 2.7's long says it is one (Python 2 writes 5L) */
	put_long(b, digits, nd, o->long_shift, neg, t->name,
		 o->int_value >= 0 && strcmp(t->name, "long") == 0 ? "L" : "");
}

static void render(struct py_repr *r, struct out *b, uint64_t obj, int depth)
{
	const struct py_offsets *o = r->objs.o;
	const struct py_repr_type *t = type_of(r, obj);
	if (!t) {
		put_other(b, "unreadable", obj);
		return;
	}
	switch (t->kind) {
	case K_NONE:
		puts_(b, "None");
		return;
	case K_BOOL: {
		/* 2.7: a machine int; 3.x: an int of no digits (False) or one (True) */
		uint64_t v = 0;
		uint32_t d[1];
		size_t nd = 0;
		int neg, ok = o->int_value >= 0
				      ? py_obj_read_ptr(&r->objs, obj, o->int_value, &v) == 0
				      : py_long_read(&r->objs, obj, d, 1, &nd, &neg) >= 0;
		if (!ok)
			put_other(b, t->name, obj);
		else
			puts_(b, v || nd ? "True" : "False");
		return;
	}
	case K_INT27: {
		uint64_t v;
		if (py_obj_read_ptr(&r->objs, obj, o->int_value, &v) != 0)
			put_other(b, t->name, obj);
		else
			putf(b, "%lld", (long long)v);
		return;
	}
	case K_LONG:
		render_long(r, b, obj, t);
		return;
	case K_FLOAT: {
		double v;
		if (py_float_value(&r->objs, obj, &v) != 0)
			put_other(b, t->name, obj);
		else
			put_float(b, v);
		return;
	}
	case K_TEXT: {
		uint32_t cps[PY_REPR_CHARS];
		int64_t len;
		int n = py_text_codepoints(r->objs.w->mem, o, obj, cps, PY_REPR_CHARS, &len);
		if (n < 0)
			put_other(b, t->name, obj);
		else /* 2.7's unicode is marked as Python 2 marks it */
			put_quoted(b, o->unicode_state < 0 ? "u" : "", cps, (size_t)n, len, 0);
		return;
	}
	case K_BYTES: {
		uint8_t raw[PY_REPR_CHARS];
		uint32_t cps[PY_REPR_CHARS];
		int64_t size;
		int n = py_bytes_prefix(r->objs.w->mem, o, obj, raw, PY_REPR_CHARS, &size);
		if (n < 0) {
			put_other(b, t->name, obj);
			return;
		}
		for (int i = 0; i < n; i++)
			cps[i] = raw[i];
		/* 2.7's str is written as Python 2 writes it, without the b */
		put_quoted(b, o->unicode_state < 0 ? "" : "b", cps, (size_t)n, size, 1);
		return;
	}
	case K_TUPLE:
	case K_LIST:
	case K_SET:
	case K_FROZENSET:
		render_seq(r, b, obj, t, depth);
		return;
	case K_DICT:
		if (depth >= DEPTH_MAX) {
			uint64_t k, v;
			int64_t size;
			if (py_dict_items(&r->objs, obj, &k, &v, 0, &size) < 0)
				put_other(b, t->name, obj);
			else if (size == 0)
				puts_(b, "{}");
			else
				putf(b, "{... (%lld %s)}", (long long)size, plural(size));
			return;
		}
		render_dict(r, b, obj, t, depth);
		return;
	default:
		put_other(b, t->name, obj);
		return;
	}
}

int py_repr(struct py_repr *r, uint64_t obj, char *out, size_t cap, char *type, size_t tcap)
{
	struct out b = { out, 0, cap < PY_REPR_MAX ? cap : PY_REPR_MAX, 0 };
	const struct py_repr_type *t = type_of(r, obj);
	snprintf(type, tcap, "%s", t ? t->name : "?");
	render(r, &b, obj, 0);
	finish(&b);
	return t ? 0 : PY_WALK_BAD_READ;
}

int py_repr_cell_contents(struct py_repr *r, uint64_t obj, uint64_t *out)
{
	const struct py_repr_type *t = type_of(r, obj);
	if (!t)
		return PY_WALK_BAD_READ;
	if (t->kind != K_CELL)
		return 0;
	return py_obj_read_ptr(&r->objs, obj, r->objs.o->cell_ref, out) == 0 ? 1 : PY_WALK_BAD_READ;
}
