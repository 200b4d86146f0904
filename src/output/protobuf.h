/* protobuf.h: just enough of the protocol buffers wire format to write a message into memory:
 * varints, length-delimited fields (strings, nested messages) and packed repeated integers.
 * Only what pprof's profile.proto needs; no decoding, no reflection.
 *
 * A nested message is encoded into a buffer of its own first, then appended with
 * pb_message(): its length has to be known before its bytes. */
#ifndef PYFLAME_OUTPUT_PROTOBUF_H
#define PYFLAME_OUTPUT_PROTOBUF_H

#include <stddef.h>
#include <stdint.h>

/* A growing byte buffer. After pb_init, data is NULL until the first byte is written. */
struct pb_buf {
	uint8_t *data;
	size_t len, cap;
};

void pb_init(struct pb_buf *b);

/* Frees the bytes; the buffer is empty and usable again. */
void pb_release(struct pb_buf *b);

/* Empties the buffer but keeps its memory, for scratch buffers reused per message. */
static inline void pb_reset(struct pb_buf *b)
{
	b->len = 0;
}

/* Each writer below appends to b and returns 0, or -1 when out of memory; on failure b holds
 * what it held before the call. */

/* One base-128 varint, without a field tag. */
int pb_varint(struct pb_buf *b, uint64_t v);

/* A singular varint field (uint64, or int64 passed through a cast: negative numbers take ten
 * bytes, as the wire format says). Zero is left out, proto3's default for missing fields. */
int pb_uint(struct pb_buf *b, uint32_t field, uint64_t v);

/* A length-delimited field: a string, bytes, or an encoded message. Written even when empty,
 * since an empty entry of a repeated field (string_table[0] = "") still counts. */
int pb_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t len);

/* A nested message field holding msg's bytes. */
static inline int pb_message(struct pb_buf *b, uint32_t field, const struct pb_buf *msg)
{
	return pb_bytes(b, field, msg->data, msg->len);
}

/* A packed repeated varint field (n values, one length-delimited record); nothing when n is 0. */
int pb_packed(struct pb_buf *b, uint32_t field, const uint64_t *v, size_t n);

#endif
