/* image.h: recorded memory images, and the recorder that makes them.
 *
 * An image holds the pages of a target that a walk touched, plus a text block of metadata (what
 * discovery found: version, state addresses, the maps). Replaying the image through the same
 * reader interface lets the walker run, be tested and fuzzed with no live process.
 *
 * File format (all integers little-endian):
 *   "PYFLIMG1\n"                         magic
 *   u64 meta_len, meta_len bytes         the metadata text, "key value" lines
 *   u64 count, then count records of     u64 addr, u64 len, len bytes
 * Records are sorted by address and do not overlap.
 */
#ifndef PYFLAME_MEM_IMAGE_H
#define PYFLAME_MEM_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mem_reader;

/* Parses an image held in memory (the bytes are copied). Returns a reader, or NULL when the
 * bytes are not a well-formed image. On success, *meta (if meta is not NULL) is a malloc'd,
 * NUL-terminated copy of the metadata text that the caller frees. */
struct mem_reader *mem_image_parse(const uint8_t *data, size_t len, char **meta);

/* Reads and parses the image file at path; NULL with errno set (EINVAL: not an image). */
struct mem_reader *mem_image_open(const char *path, char **meta);

/* Wraps inner (borrowed, must outlive the recorder) in a reader that keeps a copy of every page
 * read through it. Returns NULL when out of memory. */
struct mem_reader *mem_record_new(struct mem_reader *inner);

/* Writes what the recorder rec has seen, with meta as the metadata, as an image to out.
 * Returns 0, or -1 on a write error. */
int mem_record_write(struct mem_reader *rec, const char *meta, FILE *out);

#endif
