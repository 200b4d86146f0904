/* linetable.c: the four line-number table formats, decoded into ranges once per code object.
 * Rules: shared/CPYTHON.md section 3. Every loop is bounded by the table's length, and the
 * range array never holds more entries than the table has bytes (plus one). */
#include "python/linetable.h"

#include <stdlib.h>
#include <string.h>

enum py_linetable_kind py_linetable_kind_for(int major, int minor)
{
	if (major == 2)
		return PY_LNOTAB_27;
	if (minor <= 9)
		return PY_LNOTAB_36;
	if (minor == 10)
		return PY_LINETABLE_310;
	return PY_LOCATIONS_311;
}

struct builder {
	struct py_line_range *v;
	size_t n, cap;
};

/* Appends [start, end) -> line, merging with the previous range when they touch and agree. */
static int add_range(struct builder *b, int64_t start, int64_t end, int line)
{
	if (end <= start)
		return 0;
	if (b->n && b->v[b->n - 1].end == start && b->v[b->n - 1].line == line) {
		b->v[b->n - 1].end = end;
		return 0;
	}
	if (b->n == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 16;
		struct py_line_range *nv = realloc(b->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		b->v = nv;
		b->cap = nc;
	}
	b->v[b->n++] = (struct py_line_range){ start, end, line };
	return 0;
}

/* co_lnotab: (addr_incr, line_incr) pairs. An instruction at byte offset t is on the line
 * reached after applying every pair whose cumulative address is <= t, so each pair's address
 * starts a new range that runs to the next pair's (the last one to the end of the code). */
static int decode_lnotab(const uint8_t *t, size_t len, int firstlineno, int signed_incr,
			 struct builder *b)
{
	int64_t addr = 0, start = 0;
	int line = firstlineno;
	for (size_t i = 0; i + 1 < len; i += 2) {
		int64_t next = addr + t[i];
		int incr = signed_incr ? (int)(int8_t)t[i + 1] : (int)t[i + 1];
		if (next > addr) {
			if (add_range(b, start, next, line) != 0)
				return -1;
			start = next;
		}
		addr = next;
		line += incr;
	}
	return add_range(b, start, INT64_MAX, line);
}

/* 3.10 co_linetable (PEP 626): (start_delta, line_delta) pairs; -128 means "no line". */
static int decode_310(const uint8_t *t, size_t len, int firstlineno, struct builder *b)
{
	int64_t end = 0;
	int line = firstlineno;
	for (size_t i = 0; i + 1 < len; i += 2) {
		int64_t start = end;
		end = start + t[i];
		int delta = (int8_t)t[i + 1];
		int range_line = -1;
		if (delta != -128) {
			line += delta;
			range_line = line;
		}
		if (add_range(b, start, end, range_line) != 0)
			return -1;
	}
	return 0;
}

/* 3.11+ varints: 6 bits a byte, least significant first, 0x40 = more follows. A varint that
 * runs past the table or past 32 bits of value makes the table malformed. */
static int read_varint(const uint8_t *t, size_t len, size_t *pos, uint32_t *out)
{
	uint32_t v = 0;
	for (unsigned shift = 0; shift < 32; shift += 6) {
		if (*pos >= len)
			return -1;
		uint8_t byte = t[(*pos)++];
		v |= (uint32_t)(byte & 0x3f) << shift;
		if (!(byte & 0x40)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

static int read_svarint(const uint8_t *t, size_t len, size_t *pos, int *out)
{
	uint32_t v;
	if (read_varint(t, len, pos, &v) != 0)
		return -1;
	*out = (v & 1) ? -(int)(v >> 1) : (int)(v >> 1);
	return 0;
}

/* 3.11+ location table. Each entry starts with a byte that has bit 7 set; a malformed entry
 * ends decoding, keeping the ranges before it. */
static int decode_311(const uint8_t *t, size_t len, int firstlineno, struct builder *b)
{
	int64_t addr = 0;
	int line = firstlineno;
	size_t pos = 0;
	while (pos < len) {
		uint8_t first = t[pos++];
		if (!(first & 0x80))
			return -1;
		int code = (first >> 3) & 15;
		int64_t units = (first & 7) + 1;
		int delta = 0, range_line;
		uint32_t skip;
		switch (code) {
		case 15: /* no location */
			range_line = -1;
			break;
		case 14: /* long form: line delta, end line delta, start col + 1, end col + 1 */
			if (read_svarint(t, len, &pos, &delta) != 0 ||
			    read_varint(t, len, &pos, &skip) != 0 ||
			    read_varint(t, len, &pos, &skip) != 0 ||
			    read_varint(t, len, &pos, &skip) != 0)
				return -1;
			line += delta;
			range_line = line;
			break;
		case 13: /* no columns */
			if (read_svarint(t, len, &pos, &delta) != 0)
				return -1;
			line += delta;
			range_line = line;
			break;
		case 10:
		case 11:
		case 12: /* one line: delta code - 10, then start and end columns */
			if (len - pos < 2)
				return -1;
			pos += 2;
			line += code - 10;
			range_line = line;
			break;
		default: /* short form: same line, one column byte */
			if (pos >= len)
				return -1;
			pos++;
			range_line = line;
			break;
		}
		if (add_range(b, addr, addr + units, range_line) != 0)
			return -1;
		addr += units;
	}
	return 0;
}

int py_line_table_decode(enum py_linetable_kind kind, const uint8_t *table, size_t len,
			 int firstlineno, struct py_line_table *out)
{
	struct builder b = { 0 };
	int rc;
	switch (kind) {
	case PY_LNOTAB_27:
		rc = decode_lnotab(table, len, firstlineno, 0, &b);
		break;
	case PY_LNOTAB_36:
		rc = decode_lnotab(table, len, firstlineno, 1, &b);
		break;
	case PY_LINETABLE_310:
		rc = decode_310(table, len, firstlineno, &b);
		break;
	default:
		rc = decode_311(table, len, firstlineno, &b);
		break;
	}
	/* Whatever was decoded before a malformed byte is kept: those ranges are right. */
	out->ranges = b.v;
	out->n = b.n;
	out->firstlineno = firstlineno;
	return rc;
}

void py_line_table_release(struct py_line_table *t)
{
	free(t->ranges);
	t->ranges = NULL;
	t->n = 0;
}

int py_line_table_lookup(const struct py_line_table *t, int64_t index)
{
	if (index < 0)
		return t->firstlineno;
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->ranges[mid].end <= index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->n && t->ranges[lo].start <= index)
		return t->ranges[lo].line;
	return -1;
}
