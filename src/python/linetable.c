/* linetable.c: the four line-number table formats, decoded into sorted address ranges once per
 * code object. The rules are in docs/CPYTHON.md section 3; tests/unit/test_linetable.c checks
 * them against what each interpreter's own PyCode_Addr2Line reports.
 *
 * The table comes from the target's memory, so it is treated as hostile: every loop advances
 * through the table and stops at its end, the range array holds at most one entry per table
 * byte (plus one), and the running line number is kept in 64 bits and must stay within int,
 * so no arithmetic can overflow whatever the bytes are. */
#include "python/linetable.h"

#include <limits.h>
#include <stdlib.h>

#include "util/grow.h"

enum py_linetable_kind py_linetable_kind_for(int major, int minor)
{
	if (major < 3)
		return PY_LNOTAB_27;
	if (major == 3 && minor <= 9)
		return PY_LNOTAB_36;
	if (major == 3 && minor == 10)
		return PY_LINETABLE_310;
	/* 3.11 introduced the location table; 3.12 and 3.13 kept it byte for byte. */
	return PY_LOCATIONS_311;
}

struct builder {
	struct py_line_range *v;
	size_t n, cap;
};

/* Appends [start, end) -> line. A range that continues the previous one on the same line is
 * merged into it: tables emit a new entry per instruction (3.11+) or per 255-byte step, and a
 * lookup only needs the boundaries where the line changes. Empty ranges add nothing. */
static int builder_add(struct builder *b, int64_t start, int64_t end, int line)
{
	if (end <= start)
		return 0;
	if (b->n > 0) {
		struct py_line_range *last = &b->v[b->n - 1];
		if (last->end == start && last->line == line) {
			last->end = end;
			return 0;
		}
	}
	/* Doubling keeps the array within twice the entries decoded, and entries are at most one
	 * per table byte, so memory stays O(len). */
	if (grow_array((void **)&b->v, &b->cap, b->n + 1, sizeof *b->v) < 0)
		return -1;
	b->v[b->n++] = (struct py_line_range){ .start = start, .end = end, .line = line };
	return 0;
}

/* Real line numbers fit an int (the interpreter stores them in one); a table that walks the
 * running line outside that range is corrupt. */
static int line_in_range(int64_t line)
{
	return line >= INT_MIN && line <= INT_MAX;
}

/* co_lnotab (2.7-3.9): (addr_incr, line_incr) byte pairs, and the interpreter's rule for byte
 * offset t is "addr += addr_incr; if addr > t stop; else line += line_incr". So the line that
 * holds from one pair's cumulative address up to the next pair's is firstlineno plus every
 * increment so far, and the last line holds for every offset after the final address: the
 * last range is open-ended. Pairs with addr_incr 0 only move the line (how the compiler spells
 * a line step over 255, or several steps at one address). A trailing odd byte is ignored, as
 * the interpreter's own loop (which counts len / 2 pairs) ignores it. line_incr is unsigned in
 * 2.7 and a signed byte from 3.6 on (negative steps appear from 3.8 on). */
static int decode_lnotab(const uint8_t *t, size_t len, int firstlineno, int signed_incr,
			 struct builder *b)
{
	int64_t addr = 0, start = 0, line = firstlineno;

	for (size_t i = 0; i + 1 < len; i += 2) {
		int64_t next = addr + t[i];
		if (next > addr) {
			if (builder_add(b, start, next, (int)line) != 0)
				return -1;
			start = next;
		}
		addr = next;
		line += signed_incr ? (int8_t)t[i + 1] : t[i + 1];
		if (!line_in_range(line))
			return -1;
	}
	return builder_add(b, start, INT64_MAX, (int)line);
}

/* co_linetable in 3.10 (PEP 626): (start_delta, line_delta) byte pairs, each one a range
 * [end, end + start_delta) in bytes. line_delta -128 marks a range with no line and leaves the
 * running line alone; zero-length ranges only carry line changes. Nothing past the last range
 * has a line (the interpreter answers -1 there), so no open-ended range is added. A trailing odd
 * byte is ignored, as for co_lnotab (3.10 itself would read one byte past the table there). */
static int decode_310(const uint8_t *t, size_t len, int firstlineno, struct builder *b)
{
	int64_t end = 0, line = firstlineno;

	for (size_t i = 0; i + 1 < len; i += 2) {
		int64_t start = end;
		int delta = (int8_t)t[i + 1];
		int range_line = -1;

		end = start + t[i];
		if (delta != -128) {
			line += delta;
			if (!line_in_range(line))
				return -1;
			range_line = (int)line;
		}
		if (builder_add(b, start, end, range_line) != 0)
			return -1;
	}
	return 0;
}

/* 3.11+ varint: 6 data bits a byte, least significant group first, 0x40 = another byte follows.
 * Real values are small (line and column deltas); six bytes already cover 32 bits, so a longer
 * one, or one cut off by the end of the table, makes the table malformed. */
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

/* Signed varint: the sign is the low bit of the unsigned value, the magnitude the rest. */
static int read_svarint(const uint8_t *t, size_t len, size_t *pos, int64_t *out)
{
	uint32_t v;

	if (read_varint(t, len, pos, &v) != 0)
		return -1;
	*out = (v & 1) ? -(int64_t)(v >> 1) : (int64_t)(v >> 1);
	return 0;
}

/* The 3.11+ location table: entries that each cover 1-8 code units. The first byte has bit 7
 * set, bits 3-6 are the entry's code and bits 0-2 its length minus one; what follows depends on
 * the code (CPython's Objects/locations.md). Only the line matters here: the column bytes are
 * skipped. A first byte without bit 7, or an entry cut off by the end, makes the table
 * malformed. As in 3.10, nothing past the last entry has a line. */
static int decode_311(const uint8_t *t, size_t len, int firstlineno, struct builder *b)
{
	int64_t addr = 0, line = firstlineno;
	size_t pos = 0;

	while (pos < len) {
		uint8_t first = t[pos++];
		int code = (first >> 3) & 15;
		int64_t units = (first & 7) + 1;
		int64_t delta = 0;
		uint32_t skipped;
		int has_line = 1;

		if (!(first & 0x80))
			return -1;
		switch (code) {
		case 15: /* no location: the running line is kept for the next entry */
			has_line = 0;
			break;
		case 14: /* long form: line delta, end-line delta, start and end column + 1 */
			if (read_svarint(t, len, &pos, &delta) != 0 ||
			    read_varint(t, len, &pos, &skipped) != 0 ||
			    read_varint(t, len, &pos, &skipped) != 0 ||
			    read_varint(t, len, &pos, &skipped) != 0)
				return -1;
			break;
		case 13: /* no columns: just the line delta */
			if (read_svarint(t, len, &pos, &delta) != 0)
				return -1;
			break;
		case 10:
		case 11:
		case 12: /* one-line form: delta is code - 10; start and end column follow */
			if (len - pos < 2)
				return -1;
			pos += 2;
			delta = code - 10;
			break;
		default: /* short forms 0-9: same line, one byte of columns */
			if (pos >= len)
				return -1;
			pos++;
			break;
		}
		line += delta;
		if (!line_in_range(line))
			return -1;
		if (builder_add(b, addr, addr + units, has_line ? (int)line : -1) != 0)
			return -1;
		addr += units;
	}
	return 0;
}

/* On failure nothing decoded is kept, as the header promises: a table that is malformed
 * somewhere was not written by the interpreter (or was read while being freed), so its earlier
 * entries are no more trustworthy than the rest. The caller then falls back to firstlineno. */
int py_line_table_decode(enum py_linetable_kind kind, const uint8_t *table, size_t len,
			 int firstlineno, struct py_line_table *out)
{
	struct builder b = { 0 };
	int rc;

	if (!table)
		len = 0;
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
	case PY_LOCATIONS_311:
		rc = decode_311(table, len, firstlineno, &b);
		break;
	default:
		rc = -1;
		break;
	}
	out->firstlineno = firstlineno;
	if (rc != 0) {
		free(b.v);
		out->ranges = NULL;
		out->n = 0;
		return -1;
	}
	/* Merging usually leaves far fewer ranges than were allocated; the table lives as long
	 * as its code object is cached, so give the slack back. */
	if (b.n > 0 && b.n < b.cap) {
		struct py_line_range *v = realloc(b.v, b.n * sizeof *v);
		if (v)
			b.v = v;
	}
	out->ranges = b.v;
	out->n = b.n;
	return 0;
}

void py_line_table_release(struct py_line_table *t)
{
	if (!t)
		return;
	free(t->ranges);
	t->ranges = NULL;
	t->n = 0;
}

int py_line_table_lookup(const struct py_line_table *t, int64_t index)
{
	size_t lo = 0, hi = t->n;

	if (index < 0)
		return t->firstlineno;
	/* Find the first range that ends after index; it holds index if it starts at or
	 * before it. Lnotab tables end with an open range, so every index >= 0 has a line. */
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
