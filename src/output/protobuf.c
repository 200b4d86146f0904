/* protobuf.c: writing the protocol buffers wire format into memory. */
#include "output/protobuf.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

/* Wire types (https://protobuf.dev/programming-guides/encoding/). */
enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

/* The longest varint: 64 bits, 7 per byte. */
#define VARINT_MAX 10

void pb_init(struct pb_buf *b)
{
	b->data = NULL;
	b->len = b->cap = 0;
}

void pb_release(struct pb_buf *b)
{
	free(b->data);
	pb_init(b);
}

/* Makes room for need more bytes, so that a field is either written whole or not at all. */
static int reserve(struct pb_buf *b, size_t need)
{
	if (need > SIZE_MAX - b->len ||
	    grow_array((void **)&b->data, &b->cap, b->len + need, 1) < 0)
		return -1;
	return 0;
}

static size_t varint_size(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* Appends a varint into room already reserved. */
static void put_varint(struct pb_buf *b, uint64_t v)
{
	while (v >= 0x80) {
		b->data[b->len++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b->data[b->len++] = (uint8_t)v;
}

static uint64_t tag(uint32_t field, int wire)
{
	return (uint64_t)field << 3 | (uint64_t)wire;
}

int pb_varint(struct pb_buf *b, uint64_t v)
{
	if (reserve(b, VARINT_MAX) != 0)
		return -1;
	put_varint(b, v);
	return 0;
}

int pb_uint(struct pb_buf *b, uint32_t field, uint64_t v)
{
	if (v == 0)
		return 0;
	if (reserve(b, 2 * VARINT_MAX) != 0)
		return -1;
	put_varint(b, tag(field, WIRE_VARINT));
	put_varint(b, v);
	return 0;
}

int pb_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t len)
{
	if (len > SIZE_MAX - 2 * VARINT_MAX || reserve(b, 2 * VARINT_MAX + len) != 0)
		return -1;
	put_varint(b, tag(field, WIRE_LEN));
	put_varint(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

int pb_packed(struct pb_buf *b, uint32_t field, const uint64_t *v, size_t n)
{
	if (n == 0)
		return 0;
	size_t body = 0;
	for (size_t i = 0; i < n; i++)
		body += varint_size(v[i]);
	if (reserve(b, 2 * VARINT_MAX + body) != 0)
		return -1;
	put_varint(b, tag(field, WIRE_LEN));
	put_varint(b, body);
	for (size_t i = 0; i < n; i++)
		put_varint(b, v[i]);
	return 0;
}
