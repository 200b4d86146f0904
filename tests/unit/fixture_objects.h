/* fixture_objects.h: a made-up target for the tests that read Python objects with no process:
 * one block of memory handed out by a bump allocator, read through a mem_reader that can fail
 * any one read on request, and builders that lay out types, str, int and dict objects there the
 * way a given row of the offsets table says (test_threading_names: thread names; test_repr:
 * locals' reprs). */
#ifndef PYFLAME_TESTS_FIXTURE_OBJECTS_H
#define PYFLAME_TESTS_FIXTURE_OBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "mem/reader.h"

struct py_offsets;
struct py_walker;

#define FAKE_BASE 0x100000u
#define FAKE_MEMSZ (1u << 17)

struct fake {
	struct mem_reader base;
	uint8_t *mem;
	size_t used;
	long fail_at; /* the read that fails (-1: none) */
	long reads;
};

/* Makes f an empty target (its memory FAKE_MEMSZ bytes at FAKE_BASE). Returns 0, or -1 when
 * out of memory. Free f->mem after. */
int fake_open(struct fake *f);

/* Sets up w to read f as CPython o->major.o->minor lays it out. Exits on a bad row. */
void fake_walker(struct fake *f, const struct py_offsets *o, struct py_walker *w);

/* size bytes, zeroed, 16-aligned, with `before` bytes of room in front (managed dicts). */
uint64_t fake_alloc(struct fake *f, size_t size, size_t before);
void fake_put(struct fake *f, uint64_t addr, const void *v, size_t n);
/* The 8 bytes of v at addr + off; off must be a field the version has. */
void fake_put64(struct fake *f, uint64_t addr, int32_t off, uint64_t v);
void fake_put8(struct fake *f, uint64_t addr, int32_t off, uint8_t v);

struct builder {
	struct fake *f;
	const struct py_offsets *o;
	int major;
	uint64_t str_type, int_type, dict_type, module_type, thread_type;
};

/* A type with tp_flags flags and tp_dictoffset dictoffset. */
uint64_t mk_type(struct builder *b, uint64_t flags, int64_t dictoffset);
/* An object of type, size bytes (before: room in front). */
uint64_t mk_object(struct builder *b, uint64_t type, size_t size, size_t before);
/* A str from UTF-8 text with code points up to U+FFFF: 2.7 a byte str, 3.x a compact PEP 393
 * str of the narrowest kind (ASCII, latin-1 or UCS-2). */
uint64_t mk_str(struct builder *b, const char *utf8);
/* A non-negative int (2.7: a machine int). */
uint64_t mk_int(struct builder *b, uint64_t v);
/* A 3.x keys object with n entries and 1 << log2 slots (below 8: one-byte indices; up to 15:
 * two-byte ones, as CPython picks them). With split, the entries hold keys only and the values
 * go to a separate array; str_keys picks 3.11+'s PyDictUnicodeEntry. */
uint64_t mk_keys(struct builder *b, size_t n, const uint64_t *k, const uint64_t *v, int split,
		 int str_keys, unsigned log2);
/* A PyDictValues (3.11+) or plain value array (3.6-3.10) for v; returns the address that
 * ma_values or a managed pointer holds, with *array where values[0] is. */
uint64_t mk_values(struct builder *b, size_t n, const uint64_t *v, size_t before,
		   uint64_t *array);
/* A dict with the n pairs and 1 << log2 slots; split (3.x only) keeps the values in
 * ma_values. */
uint64_t mk_dict(struct builder *b, size_t n, const uint64_t *k, const uint64_t *v, int split,
		 int str_keys, unsigned log2);

#endif
