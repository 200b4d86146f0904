/* test_strings.c: remote str and bytes reading, on objects built byte by byte in a fake target:
 * every PEP 393 kind, compact or not, on the 3.6-3.11 and 3.12+ layouts; 2.7 byte strings;
 * truncation at a character boundary; and hostile or torn objects (huge lengths, bad kinds,
 * failing reads), which must fail cleanly without large reads or allocations. */
#include <stdlib.h>

#include "check.h"
#include "mem/reader.h"
#include "python/offsets.h"
#include "python/strings.h"

/* The fake target: one buffer at BASE. Reads outside it fail, as an unmapped address would. */
#define BASE 0x10000u
static uint8_t target[64 * 1024];

struct fake {
	struct mem_reader r;
	int reads;          /* reads asked of the reader so far */
	int fail_at;        /* 0: never fail; n: inject a failure into read number n ... */
	int fail_after;     /* ... and, if set, into every read after it too */
	int injected;       /* failures injected so far */
	size_t max_len;     /* longest single read asked for */
};

static int fake_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct fake *f = (struct fake *)r;
	f->reads++;
	if (len > f->max_len)
		f->max_len = len;
	if (f->fail_at && (f->reads == f->fail_at || (f->fail_after && f->reads > f->fail_at))) {
		f->injected++;
		return MEM_EGONE;
	}
	if (addr < BASE || addr - BASE > sizeof target || len > sizeof target - (addr - BASE))
		return MEM_EFAULT;
	memcpy(buf, target + (addr - BASE), len);
	return 0;
}

static void fake_free(struct mem_reader *r)
{
	(void)r;
}

static void fake_reset(struct fake *f)
{
	f->reads = 0;
	f->fail_at = 0;
	f->fail_after = 0;
	f->injected = 0;
	f->max_len = 0;
}

/* Layouts. These mirror docs/CPYTHON.md section 4 and the generated offsets_table.c (x86-64); they
 * are set here, not taken from the table, so the test pins the byte layout it builds. Only the
 * fields strings.c uses are set; the rest are -1. 3.x PyBytesObject has ob_sval at 32. */
static struct py_offsets layout(int minor)
{
	struct py_offsets o;
	memset(&o, 0xff, sizeof o); /* every int32_t field -1 */
	o.major = minor == 7 ? 2 : 3;
	o.minor = minor;
	o.bytes_size = 16;
	if (minor == 7) { /* 2.7: PyStringObject, ob_sval after ob_shash and ob_sstate */
		o.bytes_data = 36;
		return o;
	}
	o.bytes_data = 32;
	o.unicode_length = 16;
	o.unicode_state = 32;
	if (minor <= 11) { /* PyASCIIObject still has wstr */
		o.unicode_ascii_size = 48;
		o.unicode_compact_size = 72;
		o.unicode_data_ptr = 72;
	} else {
		o.unicode_ascii_size = 40;
		o.unicode_compact_size = 56;
		o.unicode_data_ptr = 56;
	}
	return o;
}

static void put64(size_t off, uint64_t v)
{
	memcpy(target + off, &v, sizeof v);
}

static void put32(size_t off, uint32_t v)
{
	memcpy(target + off, &v, sizeof v);
}

/* The state word as CPython sets it; bit 7 (ready, up to 3.11) is set as a live object has it. */
static uint32_t state(unsigned kind, int compact, int ascii)
{
	return (kind & 7u) << 2 | (uint32_t)compact << 5 | (uint32_t)ascii << 6 | 1u << 7;
}

/* Builds a compact str at target offset off with n code points cps of the given kind; returns
 * its address. ascii marks it a PyASCIIObject (data right after the smaller header). */
static uint64_t make_compact(const struct py_offsets *o, size_t off, unsigned kind, int ascii,
			     const uint32_t *cps, size_t n)
{
	/* An ASCII object is only PyASCIIObject-sized: clear no more, it may end the mapping. */
	memset(target + off, 0, (size_t)(ascii ? o->unicode_ascii_size : o->unicode_compact_size));
	put64(off + 8, 0x4242); /* ob_type: anything; not checked here */
	put64(off + (size_t)o->unicode_length, n);
	put32(off + (size_t)o->unicode_state, state(kind, 1, ascii));
	size_t data = off + (size_t)(ascii ? o->unicode_ascii_size : o->unicode_compact_size);
	for (size_t i = 0; i < n; i++) {
		if (kind == 1) {
			target[data + i] = (uint8_t)cps[i];
		} else if (kind == 2) {
			uint16_t u = (uint16_t)cps[i];
			memcpy(target + data + 2 * i, &u, 2);
		} else {
			memcpy(target + data + 4 * i, &cps[i], 4);
		}
	}
	return BASE + off;
}

/* ASCII text as code points, for make_compact. */
static size_t ascii_cps(const char *s, uint32_t *cps)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		cps[i] = (uint8_t)s[i];
	return n;
}

/* A 2.7 PyStringObject (or 3.x bytes) at off holding n bytes of s. */
static uint64_t make_bytes(const struct py_offsets *o, size_t off, const void *s, int64_t size,
			   size_t n)
{
	memset(target + off, 0, (size_t)o->bytes_data);
	put64(off + (size_t)o->bytes_size, (uint64_t)size);
	memcpy(target + off + (size_t)o->bytes_data, s, n);
	target[off + (size_t)o->bytes_data + n] = 0;
	return BASE + off;
}

static void test_kinds(struct fake *f, int minor)
{
	struct py_offsets o = layout(minor);
	struct mem_reader *r = &f->r;
	char buf[PY_STRING_MAX + 1], what[128];
	uint32_t cps[PY_STRING_MAX * 2];
	int n;

#define WHAT(s) (snprintf(what, sizeof what, "3.%d: %s", minor, (s)), what)
	size_t k = ascii_cps("do_work", cps);
	uint64_t a = make_compact(&o, 0x100, 1, 1, cps, k);
	n = py_string_read(r, &o, a, buf, sizeof buf);
	CHECK_INT(n, 7, WHAT("compact ASCII length"));
	CHECK_STR(buf, "do_work", WHAT("compact ASCII text"));

	uint32_t cafe[] = { 'c', 'a', 'f', 0xE9 };
	a = make_compact(&o, 0x200, 1, 0, cafe, 4);
	n = py_string_read(r, &o, a, buf, sizeof buf);
	CHECK_INT(n, 5, WHAT("latin-1 is re-encoded (é takes two bytes)"));
	CHECK_STR(buf, "caf\xc3\xa9", WHAT("latin-1 café"));

	uint32_t hanshu[] = { 0x51FD, 0x6570 };
	uint64_t han = make_compact(&o, 0x300, 2, 0, hanshu, 2);
	n = py_string_read(r, &o, han, buf, sizeof buf);
	CHECK_INT(n, 6, WHAT("kind 2 length"));
	CHECK_STR(buf, "\xe5\x87\xbd\xe6\x95\xb0", WHAT("kind 2 函数"));

	uint32_t emoji[] = { 'a', 0x1F600, 'b' };
	uint64_t emo = make_compact(&o, 0x400, 4, 0, emoji, 3);
	n = py_string_read(r, &o, emo, buf, sizeof buf);
	CHECK_INT(n, 6, WHAT("kind 4 length"));
	CHECK_STR(buf, "a\xf0\x9f\x98\x80" "b", WHAT("kind 4 U+1F600"));

	/* Surrogates and values past U+10FFFF have no UTF-8 form: U+FFFD each. */
	uint32_t bad[] = { 0xD800, 'x', 0x110000 };
	a = make_compact(&o, 0x500, 4, 0, bad, 3);
	n = py_string_read(r, &o, a, buf, sizeof buf);
	CHECK_STR(buf, "\xef\xbf\xbdx\xef\xbf\xbd", WHAT("unencodable code points become U+FFFD"));
	CHECK_INT(n, 7, WHAT("U+FFFD length"));

	/* Not compact (a str subclass instance): the characters are behind the data pointer. */
	size_t nc = 0x600;
	memset(target + nc, 0, (size_t)o.unicode_data_ptr + 8);
	put64(nc + (size_t)o.unicode_length, 2);
	put32(nc + (size_t)o.unicode_state, state(2, 0, 0));
	put64(nc + (size_t)o.unicode_data_ptr, BASE + 0x700);
	uint16_t u16[] = { 0x51FD, 0x6570 };
	memcpy(target + 0x700, u16, sizeof u16);
	n = py_string_read(r, &o, BASE + nc, buf, sizeof buf);
	CHECK_STR(buf, "\xe5\x87\xbd\xe6\x95\xb0", WHAT("non-compact kind 2 via data pointer"));
	CHECK_INT(n, 6, WHAT("non-compact length"));
	put32(nc + (size_t)o.unicode_state, state(1, 0, 1));
	put64(nc + (size_t)o.unicode_length, 5);
	memcpy(target + 0x700, "Klass", 5);
	CHECK_INT(py_string_read(r, &o, BASE + nc, buf, sizeof buf), 5,
		  WHAT("non-compact ASCII via data pointer"));
	CHECK_STR(buf, "Klass", WHAT("non-compact ASCII text"));
	put64(nc + (size_t)o.unicode_data_ptr, 0);
	CHECK(py_string_read(r, &o, BASE + nc, buf, sizeof buf) < 0,
	      WHAT("non-compact with a NULL data pointer fails"));

	/* Truncation: cut at a character boundary, never mid-sequence; too little room for the
	 * "..." mark (test_cut_marked) leaves the cut unmarked. */
	n = py_string_read(r, &o, han, buf, 7);
	CHECK_INT(n, 6, WHAT("cap 7 fits both characters exactly"));
	CHECK_STR(buf, "\xe5\x87\xbd\xe6\x95\xb0", WHAT("cap 7: whole, no mark"));
	n = py_string_read(r, &o, han, buf, 3);
	CHECK_INT(n, 0, WHAT("cap 3 fits no character"));
	CHECK_STR(buf, "", WHAT("cap 3 gives the empty string"));
	n = py_string_read(r, &o, emo, buf, 3);
	CHECK_STR(buf, "a", WHAT("cap 3 drops a 4-byte character that does not fit whole"));
	n = py_string_read(r, &o, emo, buf, 1);
	CHECK_INT(n, 0, WHAT("cap 1 gives the empty string"));
	CHECK(py_string_read(r, &o, emo, buf, 0) < 0, WHAT("cap 0 fails"));

	/* Longer than PY_STRING_MAX: cut to PY_STRING_MAX even when the caller's cap is larger. */
	for (size_t i = 0; i < PY_STRING_MAX + 100; i++)
		cps[i] = 'a' + (uint32_t)(i % 26);
	a = make_compact(&o, 0x1000, 1, 1, cps, PY_STRING_MAX + 100);
	char big[2 * PY_STRING_MAX];
	n = py_string_read(r, &o, a, big, sizeof big);
	CHECK_INT(n, PY_STRING_MAX, WHAT("long names are cut at PY_STRING_MAX"));
	CHECK_INT(strlen(big), PY_STRING_MAX, WHAT("cut name is NUL-terminated"));
	CHECK(strcmp(big + PY_STRING_MAX - 3, "...") == 0, WHAT("cut name ends with '...'"));

	/* A claimed length of 2^40: read at most what PY_STRING_MAX bytes of output can need. */
	for (unsigned kind = 1; kind <= 4; kind *= 2) {
		a = make_compact(&o, 0x2000, kind, kind == 1, cps, 8);
		put64(0x2000 + (size_t)o.unicode_length, 1ull << 40);
		fake_reset(f);
		n = py_string_read(r, &o, a, buf, sizeof buf);
		CHECK(n >= 0 && n <= PY_STRING_MAX, WHAT("2^40 length: bounded result"));
		CHECK(f->max_len <= (size_t)PY_STRING_MAX * 4, WHAT("2^40 length: bounded read"));
		/* At the end of the target, the bounded read runs off the mapping and fails. */
		size_t end = sizeof target - (size_t)o.unicode_compact_size - 16;
		a = make_compact(&o, end, kind, kind == 1, cps, 4);
		put64(end + (size_t)o.unicode_length, 1ull << 40);
		fake_reset(f);
		CHECK(py_string_read(r, &o, a, buf, sizeof buf) < 0,
		      WHAT("2^40 length off the end of the mapping fails"));
		CHECK(f->max_len <= (size_t)PY_STRING_MAX * 4,
		      WHAT("2^40 length off the end: bounded read"));
	}

	/* A short compact ASCII string at the very end of the mapping: the full-header read
	 * fails, the PyASCIIObject-sized one succeeds. */
	size_t tail = sizeof target - (size_t)o.unicode_ascii_size - 3;
	k = ascii_cps("abc", cps);
	a = make_compact(&o, tail, 1, 1, cps, k);
	n = py_string_read(r, &o, a, buf, sizeof buf);
	CHECK_INT(n, 3, WHAT("short ASCII at a mapping's end: header falls back"));
	CHECK_STR(buf, "abc", WHAT("short ASCII at a mapping's end: text"));

	/* Malformed headers. */
	a = make_compact(&o, 0x3000, 1, 1, cps, 3);
	put32(0x3000 + (size_t)o.unicode_state, state(3, 1, 0));
	CHECK(py_string_read(r, &o, a, buf, sizeof buf) < 0, WHAT("kind 3 is rejected"));
	CHECK_STR(buf, "", WHAT("a failed read leaves the empty string"));
	put32(0x3000 + (size_t)o.unicode_state, state(0, 0, 0));
	CHECK(py_string_read(r, &o, a, buf, sizeof buf) < 0, WHAT("kind 0 (legacy) is rejected"));
	put32(0x3000 + (size_t)o.unicode_state, state(7, 1, 0));
	CHECK(py_string_read(r, &o, a, buf, sizeof buf) < 0, WHAT("kind 7 is rejected"));
	put32(0x3000 + (size_t)o.unicode_state, state(2, 1, 1));
	CHECK(py_string_read(r, &o, a, buf, sizeof buf) < 0, WHAT("ascii with kind 2 is rejected"));
	put32(0x3000 + (size_t)o.unicode_state, state(1, 1, 1));
	put64(0x3000 + (size_t)o.unicode_length, (uint64_t)-1);
	CHECK(py_string_read(r, &o, a, buf, sizeof buf) < 0, WHAT("negative length is rejected"));
	put64(0x3000 + (size_t)o.unicode_length, 0);
	CHECK_INT(py_string_read(r, &o, a, buf, sizeof buf), 0, WHAT("the empty string reads"));

	/* Unreadable addresses. */
	CHECK(py_string_read(r, &o, 0, buf, sizeof buf) < 0, WHAT("NULL fails"));
	CHECK(py_string_read(r, &o, 0x800, buf, sizeof buf) < 0, WHAT("first page fails"));
	CHECK(py_string_read(r, &o, 0x900000, buf, sizeof buf) < 0, WHAT("unmapped fails"));
	CHECK(py_string_read(r, &o, UINT64_MAX - 8, buf, sizeof buf) < 0,
	      WHAT("address at the top of the space fails"));
#undef WHAT
}

static void test_27(struct fake *f)
{
	struct py_offsets o = layout(7);
	struct mem_reader *r = &f->r;
	char buf[PY_STRING_MAX + 1];

	uint64_t a = make_bytes(&o, 0x100, "spam.py", 7, 7);
	CHECK_INT(py_string_read(r, &o, a, buf, sizeof buf), 7, "2.7: str length");
	CHECK_STR(buf, "spam.py", "2.7: str text");
	/* Bytes are not decoded: a latin-1 file name stays latin-1. */
	a = make_bytes(&o, 0x200, "caf\xe9", 4, 4);
	CHECK_INT(py_string_read(r, &o, a, buf, sizeof buf), 4, "2.7: bytes copied as they are");
	CHECK(memcmp(buf, "caf\xe9", 5) == 0, "2.7: non-UTF-8 bytes untouched");
	CHECK_INT(py_string_read(r, &o, a, buf, 3), 2, "2.7: cut at cap");
	CHECK_STR(buf, "ca", "2.7: cut text, no room for a mark");
	a = make_bytes(&o, 0x300, "x", -1, 1);
	CHECK(py_string_read(r, &o, a, buf, sizeof buf) < 0, "2.7: negative ob_size fails");
	a = make_bytes(&o, 0x400, "module", 1ll << 40, 6);
	fake_reset(f);
	CHECK(py_string_read(r, &o, a, buf, 16) == 15, "2.7: 2^40 ob_size reads cap - 1 bytes");
	CHECK(memcmp(buf, "module", 6) == 0 && strcmp(buf + 12, "...") == 0,
	      "2.7: 2^40 ob_size: cut, marked");
	CHECK(f->max_len <= 16, "2.7: 2^40 ob_size: bounded read");
	CHECK(py_string_read(r, &o, 0x900000, buf, sizeof buf) < 0, "2.7: unmapped fails");
}

/* Names longer than PY_STRING_MAX (and text longer than a caller's cap) end with "..." within
 * the limit, so a cut name never reads as a whole one; a name that fits exactly is unmarked. */
static void test_cut_marked(struct fake *f, int minor)
{
	struct py_offsets o = layout(minor);
	struct mem_reader *r = &f->r;
	static uint32_t cps[PY_STRING_MAX * 2];
	char buf[PY_STRING_MAX + 1], what[128];
	int n;

#define WHAT(s) (snprintf(what, sizeof what, "cut 3.%d: %s", minor, (s)), what)
	for (size_t i = 0; i < PY_STRING_MAX + 1; i++)
		cps[i] = 'a' + (uint32_t)(i % 26);
	uint64_t a = make_compact(&o, 0x1000, 1, 1, cps, PY_STRING_MAX);
	n = py_string_read(r, &o, a, buf, sizeof buf);
	CHECK(n == PY_STRING_MAX && (uint32_t)buf[n - 1] == cps[PY_STRING_MAX - 1],
	      WHAT("exactly PY_STRING_MAX characters: whole, no mark"));
	a = make_compact(&o, 0x1000, 1, 1, cps, PY_STRING_MAX + 1);
	n = py_string_read(r, &o, a, buf, sizeof buf);
	CHECK_INT(n, PY_STRING_MAX, WHAT("one more: cut within PY_STRING_MAX"));
	CHECK(strcmp(buf + PY_STRING_MAX - 3, "...") == 0 &&
		      memcmp(buf, "abcdefghijklmnopqrstuvwxyz", 26) == 0,
	      WHAT("one more: the start kept, '...' at the end"));

	/* 函 is 3 bytes of UTF-8: 400 of them do not fit; the mark takes the place of whole
	 * characters: 340 of them (1020 bytes), then "...". */
	for (size_t i = 0; i < 400; i++)
		cps[i] = 0x51FD;
	a = make_compact(&o, 0x1000, 2, 0, cps, 400);
	n = py_string_read(r, &o, a, buf, sizeof buf);
	CHECK_INT(n, 1023, WHAT("kind 2: whole characters, then the mark"));
	CHECK(n == 1023 && memcmp(buf + 1017, "\xe5\x87\xbd...", 7) == 0,
	      WHAT("kind 2: no character split before the mark"));

	/* A caller's smaller cap is marked the same way. */
	uint32_t hanshu[] = { 0x51FD, 0x6570, 0x51FD };
	a = make_compact(&o, 0x1000, 2, 0, hanshu, 3);
	n = py_string_read(r, &o, a, buf, 8);
	CHECK_STR(buf, "\xe5\x87\xbd...", WHAT("cap 8: one character and the mark"));
	CHECK_INT(n, 6, WHAT("cap 8: length with the mark"));
	n = py_string_read(r, &o, a, buf, 5);
	CHECK_STR(buf, "...", WHAT("cap 5: no character fits beside the mark"));
#undef WHAT
}

/* 2.7's byte strings: the same mark after the same limit. */
static void test_cut_marked_27(struct fake *f)
{
	struct py_offsets o = layout(7);
	static char text[PY_STRING_MAX * 2];
	char buf[PY_STRING_MAX + 1];
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = (char)('a' + i % 26);
	uint64_t a = make_bytes(&o, 0x1000, text, PY_STRING_MAX + 500, PY_STRING_MAX + 500);
	int n = py_string_read(&f->r, &o, a, buf, sizeof buf);
	CHECK_INT(n, PY_STRING_MAX, "cut 2.7: a long str cut within PY_STRING_MAX");
	CHECK(strcmp(buf + PY_STRING_MAX - 3, "...") == 0 && memcmp(buf, text, PY_STRING_MAX - 3) == 0,
	      "cut 2.7: the start kept, '...' at the end");
	a = make_bytes(&o, 0x1000, text, PY_STRING_MAX, PY_STRING_MAX);
	n = py_string_read(&f->r, &o, a, buf, sizeof buf);
	CHECK(n == PY_STRING_MAX && memcmp(buf, text, PY_STRING_MAX) == 0,
	      "cut 2.7: exactly PY_STRING_MAX bytes: whole, no mark");
}

static void test_bytes(struct fake *f)
{
	struct mem_reader *r = &f->r;
	for (int minor = 7; minor <= 12; minor += 5) {
		struct py_offsets o = layout(minor);
		uint8_t *data = NULL;
		size_t len = 99;
		char what[96];
#define WHAT(s) (snprintf(what, sizeof what, "bytes %d.%d: %s", o.major, minor, (s)), what)
		uint64_t a = make_bytes(&o, 0x100, "\x01\x00\x02\xff", 4, 4);
		CHECK_INT(py_bytes_read(r, &o, a, 64, &data, &len), 0, WHAT("reads"));
		CHECK_INT(len, 4, WHAT("length"));
		CHECK(data && memcmp(data, "\x01\x00\x02\xff", 4) == 0, WHAT("contents, NUL kept"));
		free(data);
		data = NULL;
		CHECK_INT(py_bytes_read(r, &o, a, 4, &data, &len), 0, WHAT("ob_size == max reads"));
		free(data);
		data = NULL;

		a = make_bytes(&o, 0x200, "", 0, 0);
		CHECK_INT(py_bytes_read(r, &o, a, 64, &data, &len), 0, WHAT("empty reads"));
		CHECK(data != NULL && len == 0, WHAT("empty gives a freeable buffer"));
		free(data);
		data = NULL;

		a = make_bytes(&o, 0x300, "x", -5, 1);
		CHECK(py_bytes_read(r, &o, a, 64, &data, &len) < 0, WHAT("negative ob_size fails"));
		a = make_bytes(&o, 0x400, "abcdef", 6, 6);
		CHECK(py_bytes_read(r, &o, a, 5, &data, &len) < 0, WHAT("ob_size > max fails"));
		a = make_bytes(&o, 0x500, "x", 1ll << 40, 1);
		fake_reset(f);
		CHECK(py_bytes_read(r, &o, a, 1 << 20, &data, &len) < 0, WHAT("2^40 ob_size fails"));
		CHECK(f->max_len <= 8, WHAT("2^40 ob_size: only ob_size was read"));
		/* ob_size in range but the data runs off the mapping. */
		size_t end = sizeof target - (size_t)o.bytes_data - 4;
		a = make_bytes(&o, end, "ab", 100, 2);
		CHECK(py_bytes_read(r, &o, a, 1000, &data, &len) < 0, WHAT("data off the end fails"));
		CHECK(py_bytes_read(r, &o, 0x900000, 64, &data, &len) < 0, WHAT("unmapped fails"));
		CHECK(data == NULL, WHAT("failures leave *data alone"));
#undef WHAT
	}
}

/* One object read through a reader that fails its Nth read. In "fail from N on" mode (the
 * process died) any injected failure must be returned. In "fail only N" mode (one torn read) the
 * result must be a failure or the exact right answer: the header fallback may absorb a failed
 * header read, but nothing may come back half-read. */
struct injected_case {
	const char *what;
	int minor;
	uint64_t addr;
	int is_bytes;
	const char *want;
	size_t want_len;
};

static void test_injection(struct fake *f, const struct injected_case *c)
{
	struct py_offsets o = layout(c->minor);
	int all_returned = 1, never_wrong = 1, reached_success = 0;

	for (int mode = 0; mode < 2; mode++) {
		for (int nth = 1; nth <= 8; nth++) {
			fake_reset(f);
			f->fail_at = nth;
			f->fail_after = mode;
			char buf[PY_STRING_MAX + 1];
			uint8_t *data = NULL;
			size_t len = 0;
			int rc;
			if (c->is_bytes) {
				rc = py_bytes_read(&f->r, &o, c->addr, 4096, &data, &len);
				if (rc == 0 && (len != c->want_len || memcmp(data, c->want, len) != 0))
					never_wrong = 0;
				free(data);
			} else {
				rc = py_string_read(&f->r, &o, c->addr, buf, sizeof buf);
				if (rc >= 0 && ((size_t)rc != c->want_len || strcmp(buf, c->want) != 0))
					never_wrong = 0;
			}
			if (mode == 1 && f->injected && rc >= 0)
				all_returned = 0;
			if (!f->injected && rc >= 0)
				reached_success = 1;
		}
	}
	char what[160];
	snprintf(what, sizeof what, "injected failures: %s: every failure returned", c->what);
	CHECK(all_returned, what);
	snprintf(what, sizeof what, "injected failures: %s: never a wrong result", c->what);
	CHECK(never_wrong, what);
	snprintf(what, sizeof what, "injected failures: %s: succeeds past the last read", c->what);
	CHECK(reached_success, what);
}

int main(void)
{
	struct fake f = { .r = { .read = fake_read, .free = fake_free } };

	test_kinds(&f, 11);
	test_kinds(&f, 12);
	test_27(&f);
	test_cut_marked(&f, 11);
	test_cut_marked(&f, 12);
	test_cut_marked_27(&f);
	test_bytes(&f);

	/* Objects for the injection runs, rebuilt fresh (test_kinds reused offsets). */
	struct py_offsets o11 = layout(11), o12 = layout(12), o27 = layout(7);
	uint32_t cps[8];
	size_t k = ascii_cps("run", cps);
	uint64_t ascii = make_compact(&o12, 0x8000, 1, 1, cps, k);
	uint32_t hanshu[] = { 0x51FD, 0x6570 };
	uint64_t han = make_compact(&o11, 0x8100, 2, 0, hanshu, 2);
	size_t nc = 0x8200;
	memset(target + nc, 0, 64);
	put64(nc + 16, 1);
	put32(nc + 32, state(4, 0, 0));
	put64(nc + (size_t)o12.unicode_data_ptr, BASE + 0x8300);
	put32(0x8300, 0x1F600);
	uint64_t s27 = make_bytes(&o27, 0x8400, "mod.py", 6, 6);
	uint64_t b3 = make_bytes(&o12, 0x8500, "\x10\x20\x30", 3, 3);

	const struct injected_case cases[] = {
		{ "3.12 ASCII", 12, ascii, 0, "run", 3 },
		{ "3.11 kind 2", 11, han, 0, "\xe5\x87\xbd\xe6\x95\xb0", 6 },
		{ "3.12 non-compact kind 4", 12, BASE + nc, 0, "\xf0\x9f\x98\x80", 4 },
		{ "2.7 str", 7, s27, 0, "mod.py", 6 },
		{ "3.12 bytes", 12, b3, 1, "\x10\x20\x30", 3 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		test_injection(&f, &cases[i]);

	return check_exit();
}
