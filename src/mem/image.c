/* image.c: replaying a recorded memory image as a mem_reader. */
#include "mem/image.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "util/grow.h"

/* Bounds on what a file may claim, so a hostile image cannot make us allocate without limit:
 * real images are a few hundred KiB. */
#define IMAGE_MAX_META (1u << 20)
#define IMAGE_MAX_REGIONS (1u << 20)

struct region {
	uint64_t addr;
	uint64_t len;
	const uint8_t *data; /* into image_reader.blob */
};

struct image_reader {
	struct mem_reader base;
	uint8_t *blob; /* the whole file, owned */
	struct region *regions;
	size_t n;
};

static int image_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct image_reader *ir = (struct image_reader *)r;
	size_t lo = 0, hi = ir->n;
	/* Find the last region starting at or before addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ir->regions[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return MEM_EFAULT;
	const struct region *g = &ir->regions[lo - 1];
	uint64_t off = addr - g->addr;
	if (off >= g->len || len > g->len - off)
		return MEM_EFAULT;
	memcpy(buf, g->data + off, len);
	return 0;
}

static void image_free(struct mem_reader *r)
{
	struct image_reader *ir = (struct image_reader *)r;
	free(ir->regions);
	free(ir->blob);
	free(ir);
}

static int take_u64(const uint8_t *data, size_t len, size_t *pos, uint64_t *out)
{
	if (len - *pos < 8)
		return -1;
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | data[*pos + (size_t)i];
	*pos += 8;
	*out = v;
	return 0;
}

struct mem_reader *mem_image_parse(const uint8_t *data, size_t len, char **meta)
{
	static const char magic[] = "PYFLIMG1\n";
	const size_t mlen = sizeof magic - 1;
	struct image_reader *ir = NULL;
	char *m = NULL;
	size_t pos = mlen;
	uint64_t meta_len, count;

	if (len < mlen || memcmp(data, magic, mlen) != 0)
		goto fail;
	if (take_u64(data, len, &pos, &meta_len) || meta_len > IMAGE_MAX_META ||
	    meta_len > len - pos)
		goto fail;
	size_t meta_pos = pos;
	pos += meta_len;
	if (take_u64(data, len, &pos, &count) || count > IMAGE_MAX_REGIONS ||
	    count > (len - pos) / 16)
		goto fail;

	ir = calloc(1, sizeof *ir);
	if (!ir)
		goto fail;
	ir->blob = malloc(len ? len : 1);
	ir->regions = calloc(count ? count : 1, sizeof *ir->regions);
	if (!ir->blob || !ir->regions)
		goto fail;
	memcpy(ir->blob, data, len);
	for (uint64_t i = 0; i < count; i++) {
		struct region *g = &ir->regions[i];
		if (take_u64(data, len, &pos, &g->addr) || take_u64(data, len, &pos, &g->len) ||
		    g->len > len - pos || g->addr + g->len < g->addr)
			goto fail;
		/* Sorted and disjoint, or the binary search above would be wrong. */
		if (i > 0 && g->addr < ir->regions[i - 1].addr + ir->regions[i - 1].len)
			goto fail;
		g->data = ir->blob + pos;
		pos += g->len;
	}
	ir->n = count;
	if (meta) {
		m = malloc(meta_len + 1);
		if (!m)
			goto fail;
		memcpy(m, data + meta_pos, meta_len);
		m[meta_len] = '\0';
		*meta = m;
	}
	ir->base.read = image_read;
	ir->base.free = image_free;
	return &ir->base;
fail:
	if (ir) {
		free(ir->regions);
		free(ir->blob);
		free(ir);
	}
	errno = EINVAL;
	return NULL;
}

struct mem_reader *mem_image_open(const char *path, char **meta)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (cap - len < 65536) {
			/* Images are small; refuse anything absurd instead of growing forever. */
			if (cap > (256u << 20)) {
				free(buf);
				fclose(f);
				errno = EFBIG;
				return NULL;
			}
			if (grow_array((void **)&buf, &cap, len + 65536, 1) < 0) {
				free(buf);
				fclose(f);
				return NULL;
			}
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	struct mem_reader *r = mem_image_parse(buf, len, meta);
	free(buf);
	return r;
}
