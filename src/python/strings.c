/* strings.c: reading str (PEP 393 unicode, or 2.7's byte str) and bytes objects from the target,
 * bounded whatever lengths the target claims. */
#include "python/strings.h"

#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "python/offsets.h"

/* PEP 393 state bits (Include/cpython/unicodeobject.h): interned 0-1, kind 2-4, compact 5,
 * ascii 6. The same in every 3.x release we support. */
#define STATE_KIND(s) (((s) >> 2) & 7u)
#define STATE_COMPACT(s) (((s) >> 5) & 1u)
#define STATE_ASCII(s) (((s) >> 6) & 1u)

/* Appends code point cp as UTF-8 if it fits in cap - 1 - *len bytes; returns 0, or -1 when the
 * buffer is full (the string is then cut at this character boundary). */
static int put_utf8(char *buf, size_t cap, size_t *len, uint32_t cp)
{
	uint8_t tmp[4];
	size_t n;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD; /* a lone surrogate has no UTF-8 form */
	if (cp > 0x10FFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		tmp[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		tmp[0] = (uint8_t)(0xC0 | cp >> 6);
		tmp[1] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (uint8_t)(0xE0 | cp >> 12);
		tmp[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		tmp[2] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		tmp[0] = (uint8_t)(0xF0 | cp >> 18);
		tmp[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
		tmp[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		tmp[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	}
	if (*len + n > cap - 1)
		return -1;
	memcpy(buf + *len, tmp, n);
	*len += n;
	return 0;
}

/* 2.7: a PyStringObject's bytes, as they are. */
static int read_bytes_str(struct mem_reader *r, const struct py_offsets *o, uint64_t addr,
			  char *buf, size_t cap)
{
	int64_t size;
	if (mem_read(r, addr + (uint64_t)o->bytes_size, &size, sizeof size) != 0 || size < 0)
		return -1;
	size_t n = (uint64_t)size < cap - 1 ? (size_t)size : cap - 1;
	if (mem_read(r, addr + (uint64_t)o->bytes_data, buf, n) != 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

int py_string_read(struct mem_reader *r, const struct py_offsets *o, uint64_t addr, char *buf,
		   size_t cap)
{
	if (cap == 0)
		return -1;
	if (cap > PY_STRING_MAX + 1)
		cap = PY_STRING_MAX + 1;
	buf[0] = '\0';
	if (o->unicode_state < 0)
		return read_bytes_str(r, o, addr, buf, cap);

	int64_t length;
	uint32_t state;
	if (mem_read(r, addr + (uint64_t)o->unicode_length, &length, sizeof length) != 0 ||
	    mem_read(r, addr + (uint64_t)o->unicode_state, &state, sizeof state) != 0)
		return -1;
	unsigned kind = STATE_KIND(state);
	if (length < 0 || (kind != 1 && kind != 2 && kind != 4))
		return -1; /* kind 0: a legacy string not made ready; anything else: not a str */

	uint64_t data;
	if (STATE_COMPACT(state)) {
		data = addr + (uint64_t)(STATE_ASCII(state) ? o->unicode_ascii_size
							    : o->unicode_compact_size);
	} else if (mem_read_u64(r, addr + (uint64_t)o->unicode_data_ptr, &data) != 0) {
		return -1;
	}
	/* Never more code points than the output can hold: each takes at least one byte. */
	size_t count = (uint64_t)length < cap - 1 ? (size_t)length : cap - 1;
	uint8_t raw[PY_STRING_MAX * 4];
	if (mem_read(r, data, raw, count * kind) != 0)
		return -1;
	size_t len = 0;
	for (size_t i = 0; i < count; i++) {
		uint32_t cp;
		if (kind == 1) {
			cp = raw[i]; /* latin-1: the byte is the code point */
		} else if (kind == 2) {
			uint16_t u;
			memcpy(&u, raw + 2 * i, 2);
			cp = u;
		} else {
			memcpy(&cp, raw + 4 * i, 4);
		}
		if (put_utf8(buf, cap, &len, cp) != 0)
			break;
	}
	buf[len] = '\0';
	return (int)len;
}

int py_bytes_read(struct mem_reader *r, const struct py_offsets *o, uint64_t addr, size_t max,
		  uint8_t **data, size_t *len)
{
	int64_t size;
	if (mem_read(r, addr + (uint64_t)o->bytes_size, &size, sizeof size) != 0 || size < 0 ||
	    (uint64_t)size > max)
		return -1;
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
