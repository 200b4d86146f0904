/* strings.c: reading str (PEP 393 unicode, or 2.7's byte str) and bytes objects from the target,
 * bounded whatever lengths the target claims.
 *
 * Every value here comes from a process that keeps running while we read it, so a length, a
 * kind or a data pointer may be garbage. Nothing read from the target sizes a buffer or a read
 * without first being clamped to a limit fixed on our side (PY_STRING_MAX, or the caller's max).
 */
#include "python/strings.h"

#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "python/offsets.h"

/* PEP 393 state bit-field (Include/cpython/unicodeobject.h), as laid out by GCC on x86-64 and
 * confirmed by a compiled probe on 3.6, 3.12 and 3.13 (docs/CPYTHON.md, section 4): interned bits 0-1,
 * kind bits 2-4, compact bit 5, ascii bit 6. Bit 7 changed meaning in 3.12 and is not used. */
static inline unsigned state_kind(uint32_t s)
{
	return (s >> 2) & 7u;
}

static inline int state_compact(uint32_t s)
{
	return (s >> 5) & 1u;
}

static inline int state_ascii(uint32_t s)
{
	return (s >> 6) & 1u;
}

/* Largest header we read in one go. sizeof(PyCompactUnicodeObject) is 72 (3.6-3.11) or 56
 * (3.12+); a table claiming more than this is wrong, and refusing it keeps the buffer fixed. */
#define HEADER_MAX 128

size_t py_utf8_encode(uint32_t cp, char out[4])
{
	/* Kind 2 strings hold UCS-2 (CPython never stores surrogate pairs in them), but a lone
	 * surrogate can still be a str (e.g. from surrogateescape), and a garbage kind 4 value
	 * can exceed U+10FFFF. Neither has a UTF-8 form, so both become U+FFFD: names stay valid
	 * UTF-8 for the writers, and the mark shows where the text was not representable. */
	if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Appends code point cp to buf as UTF-8 if it fits within cap - 1 bytes. Returns 0, or -1 when
 * it does not fit: the caller stops there, so the output is cut at a character boundary. */
static int put_utf8(char *buf, size_t cap, size_t *len, uint32_t cp)
{
	char tmp[4];
	size_t n = py_utf8_encode(cp, tmp);
	if (n > cap - 1 - *len)
		return -1;
	memcpy(buf + *len, tmp, n);
	*len += n;
	return 0;
}

/* Marks text that was cut to fit: buf (len bytes, cap of room with the NUL) ends with "..."
 * instead of its last characters, so a reader of the profile knows the name goes on. ASCII
 * dots, because 2.7's names are bytes in the file system's encoding, which a UTF-8 ellipsis
 * would not be. Characters are dropped whole (a UTF-8 sequence is never split); with room for
 * fewer than three bytes the cut stays unmarked. Returns the new length. */
static size_t mark_cut(char *buf, size_t cap, size_t len)
{
	if (cap < 4)
		return len;
	while (len > cap - 4) {
		do
			len--;
		while (len > 0 && ((unsigned char)buf[len] & 0xC0) == 0x80);
	}
	memcpy(buf + len, "...", 4);
	return len + 3;
}

/* 2.7: a PyStringObject. Its bytes are copied as they are: file names are in whatever encoding
 * the file system used, and guessing one would only hide that. */
static int read_str27(struct mem_reader *r, const struct py_offsets *o, uint64_t addr, char *buf,
		      size_t cap)
{
	int64_t size; /* ob_size, a Py_ssize_t */

	if (o->bytes_size < 0 || o->bytes_data < 0)
		return -1;
	if (mem_read(r, addr + (uint64_t)o->bytes_size, &size, sizeof size) != 0 || size < 0)
		return -1;
	size_t n = (uint64_t)size < cap - 1 ? (size_t)size : cap - 1;
	if (mem_read(r, addr + (uint64_t)o->bytes_data, buf, n) != 0) {
		buf[0] = '\0';
		return -1;
	}
	buf[n] = '\0';
	if ((uint64_t)size > n)
		n = mark_cut(buf, cap, n);
	return (int)n;
}

/* Where the characters of the PEP 393 str at addr are: *length code points of *kind bytes each
 * at *data. Returns 0, or -1 when the object is not a well-formed str. */
static int pep393_data(struct mem_reader *r, const struct py_offsets *o, uint64_t addr,
		       int64_t *length, unsigned *kind, uint64_t *data)
{
	/* The fields we take from the header must lie inside the smallest header (PyASCIIObject),
	 * which is all we may have managed to read. */
	if (o->unicode_ascii_size <= 0 || o->unicode_compact_size < o->unicode_ascii_size ||
	    o->unicode_compact_size > HEADER_MAX || o->unicode_length < 0 ||
	    o->unicode_length + 8 > o->unicode_ascii_size || o->unicode_state < 0 ||
	    o->unicode_state + 4 > o->unicode_ascii_size)
		return -1;

	/* One read for the header. A compact ASCII string is only sizeof(PyASCIIObject) plus its
	 * characters long, so a short one at the very end of a mapping can make the
	 * PyCompactUnicodeObject-sized read fail; retry with the smaller size before giving up. */
	uint8_t hdr[HEADER_MAX];
	if (mem_read(r, addr, hdr, (size_t)o->unicode_compact_size) != 0 &&
	    mem_read(r, addr, hdr, (size_t)o->unicode_ascii_size) != 0)
		return -1;

	uint32_t state;
	memcpy(length, hdr + o->unicode_length, sizeof *length); /* code points, a Py_ssize_t */
	memcpy(&state, hdr + o->unicode_state, sizeof state);
	*kind = state_kind(state);
	/* Kind 0 is a legacy wchar_t string that was never made ready (3.11 and older); its
	 * characters are not in the PEP 393 buffer, so there is nothing to decode. Other kinds
	 * mean this is not a str, or was freed and reused. */
	if (*length < 0 || (*kind != 1 && *kind != 2 && *kind != 4))
		return -1;
	if (state_ascii(state) && *kind != 1)
		return -1; /* CPython sets ascii only on 1-byte strings */

	if (!state_compact(state)) {
		/* str subclass instances and legacy strings keep their characters in a separate
		 * block, behind PyUnicodeObject.data (which lies past the compact header). */
		if (o->unicode_data_ptr < 0 ||
		    mem_read_u64(r, addr + (uint64_t)o->unicode_data_ptr, data) != 0)
			return -1;
	} else if (state_ascii(state)) {
		*data = addr + (uint64_t)o->unicode_ascii_size;
	} else {
		*data = addr + (uint64_t)o->unicode_compact_size;
	}
	return 0;
}

/* Code point i of raw, units of kind (1, 2 or 4) bytes. Kind 1 is latin-1: each byte is its
 * own code point. */
static uint32_t unit_at(const uint8_t *raw, unsigned kind, size_t i)
{
	if (kind == 1)
		return raw[i];
	if (kind == 2) {
		uint16_t u;
		memcpy(&u, raw + 2 * i, sizeof u);
		return u;
	}
	uint32_t cp;
	memcpy(&cp, raw + 4 * i, sizeof cp);
	return cp;
}

int py_string_read(struct mem_reader *r, const struct py_offsets *o, uint64_t addr, char *buf,
		   size_t cap)
{
	if (cap == 0)
		return -1;
	/* The header's promise: nothing longer than PY_STRING_MAX is kept. Clamping cap here is
	 * also what bounds every remote read below, whatever the caller passes. */
	if (cap > PY_STRING_MAX + 1)
		cap = PY_STRING_MAX + 1;
	buf[0] = '\0';
	if (o->unicode_state < 0)
		return read_str27(r, o, addr, buf, cap);

	int64_t length;
	unsigned kind;
	uint64_t data;
	if (pep393_data(r, o, addr, &length, &kind, &data) != 0)
		return -1;

	/* Every code point takes at least one byte of UTF-8, so cap - 1 (at most PY_STRING_MAX)
	 * code points are all the output can ever hold: read no more than that, whatever length
	 * says. That bounds the read to PY_STRING_MAX * 4 bytes. */
	size_t count = (uint64_t)length < cap - 1 ? (size_t)length : cap - 1;
	uint8_t raw[PY_STRING_MAX * 4];
	if (mem_read(r, data, raw, count * kind) != 0)
		return -1;

	size_t len = 0, i;
	for (i = 0; i < count; i++)
		if (put_utf8(buf, cap, &len, unit_at(raw, kind, i)) != 0)
			break;
	buf[len] = '\0';
	if (i < (uint64_t)length)
		len = mark_cut(buf, cap, len);
	return (int)len;
}

int py_text_codepoints(struct mem_reader *r, const struct py_offsets *o, uint64_t addr,
		       uint32_t *cps, size_t max, int64_t *length)
{
	unsigned kind;
	uint64_t data;
	if (o->unicode_state >= 0) {
		if (pep393_data(r, o, addr, length, &kind, &data) != 0)
			return -1;
	} else {
		/* 2.7's unicode: length units of sizeof(Py_UNICODE) behind a pointer. A UCS-2
		 * build's surrogate pairs stay two units (shown as U+FFFD each). */
		if (o->unicode27_length < 0 || o->unicode27_str < 0 ||
		    (o->unicode27_unit_size != 2 && o->unicode27_unit_size != 4) ||
		    mem_read(r, addr + (uint64_t)o->unicode27_length, length, sizeof *length) != 0 ||
		    *length < 0 || mem_read_u64(r, addr + (uint64_t)o->unicode27_str, &data) != 0)
			return -1;
		kind = (unsigned)o->unicode27_unit_size;
	}
	/* The units are read into cps itself, then widened in place from the last one down (a
	 * unit is never wider than the code point it becomes). */
	size_t count = (uint64_t)*length < max ? (size_t)*length : max;
	uint8_t *raw = (uint8_t *)cps;
	if (mem_read(r, data, raw, count * kind) != 0)
		return -1;
	for (size_t i = count; i-- > 0;)
		cps[i] = unit_at(raw, kind, i);
	return (int)count;
}

int py_bytes_prefix(struct mem_reader *r, const struct py_offsets *o, uint64_t addr, uint8_t *buf,
		    size_t max, int64_t *size)
{
	if (o->bytes_size < 0 || o->bytes_data < 0 ||
	    mem_read(r, addr + (uint64_t)o->bytes_size, size, sizeof *size) != 0 || *size < 0)
		return -1;
	size_t n = (uint64_t)*size < max ? (size_t)*size : max;
	return mem_read(r, addr + (uint64_t)o->bytes_data, buf, n) == 0 ? (int)n : -1;
}

int py_bytes_read(struct mem_reader *r, const struct py_offsets *o, uint64_t addr, size_t max,
		  uint8_t **data, size_t *len)
{
	int64_t size; /* ob_size, a Py_ssize_t */

	if (o->bytes_size < 0 || o->bytes_data < 0)
		return -1;
	/* ob_size is checked against the caller's max before it sizes anything: a torn or
	 * garbage object must not make us allocate or read gigabytes. */
	if (mem_read(r, addr + (uint64_t)o->bytes_size, &size, sizeof size) != 0 || size < 0 ||
	    (uint64_t)size > max)
		return -1;
	/* malloc(0) may return NULL, which would read as a failure; an empty bytes is valid. */
	uint8_t *buf = malloc(size ? (size_t)size : 1);
	if (!buf)
		return -1;
	if (mem_read(r, addr + (uint64_t)o->bytes_data, buf, (size_t)size) != 0) {
		free(buf);
		return -1;
	}
	*data = buf;
	*len = (size_t)size;
	return 0;
}
