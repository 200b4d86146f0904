/* strings.h: reading str, unicode and bytes objects out of the target. */
#ifndef PYFLAME_PYTHON_STRINGS_H
#define PYFLAME_PYTHON_STRINGS_H

#include <stddef.h>
#include <stdint.h>

struct mem_reader;
struct py_offsets;

/* Longest name or path we keep, in bytes of UTF-8; longer ones are cut at a character boundary
 * and end with "..." (within this length). Bounds every remote string read, whatever length the
 * target claims. */
#define PY_STRING_MAX 1024

/* Writes code point cp as UTF-8 into out; returns its length (1 to 4). What has no UTF-8 form
 * (a lone surrogate, a value past U+10FFFF) is written as U+FFFD. */
size_t py_utf8_encode(uint32_t cp, char out[4]);

/* Reads the text object at addr (2.7: str, whose bytes are copied as they are; 3.x: a PEP 393
 * str of any kind, compact or not, encoded here to UTF-8) into buf, NUL-terminated, at most
 * cap - 1 bytes (cap <= PY_STRING_MAX + 1 is enough). Text that does not fit is cut and ends
 * with "..." (when cap >= 4), so a cut name never passes for a whole one. Returns the length
 * written, or a negative value when the object cannot be read or is not a well-formed string. */
int py_string_read(struct mem_reader *r, const struct py_offsets *o, uint64_t addr, char *buf,
		   size_t cap);

/* The text object at addr as code points (3.x: a PEP 393 str; 2.7: a unicode object): its
 * length in code points into *length, and the first of them, at most max, into cps. Returns
 * how many were read, or a negative value when the object cannot be read or is not a
 * well-formed string. Reads at most max * 4 bytes, whatever length the target claims. */
int py_text_codepoints(struct mem_reader *r, const struct py_offsets *o, uint64_t addr,
		       uint32_t *cps, size_t max, int64_t *length);

/* The bytes object (2.7: str) at addr: its size into *size and its first bytes, at most max,
 * into buf. Returns how many were read, or a negative value. */
int py_bytes_prefix(struct mem_reader *r, const struct py_offsets *o, uint64_t addr, uint8_t *buf,
		    size_t max, int64_t *size);

/* Reads the bytes object (2.7: str) at addr. On success returns 0 with *data (malloc'd, the
 * caller frees) and *len; fails (negative) when ob_size is negative or above max. */
int py_bytes_read(struct mem_reader *r, const struct py_offsets *o, uint64_t addr, size_t max,
		  uint8_t **data, size_t *len);

#endif
