/* record.c: a reader that keeps a copy of every page read through it, to write an image. */
#include <stdlib.h>
#include <string.h>

#include "mem/image.h"
#include "mem/reader.h"
#include "util/grow.h"

#define PAGE 4096u

struct page {
	uint64_t addr;
	uint8_t data[PAGE];
};

struct recorder {
	struct mem_reader base;
	struct mem_reader *inner;
	struct page **pages;
	size_t n, cap;
};

static struct page *find_page(struct recorder *rc, uint64_t addr)
{
	for (size_t i = 0; i < rc->n; i++)
		if (rc->pages[i]->addr == addr)
			return rc->pages[i];
	return NULL;
}

/* Copies the whole page at addr from the inner reader. A page that cannot be read whole is
 * not kept: mappings are page-granular, so that only happens when the target changed. */
static void keep_page(struct recorder *rc, uint64_t addr)
{
	if (find_page(rc, addr))
		return;
	struct page *p = malloc(sizeof *p);
	if (!p)
		return;
	if (mem_read(rc->inner, addr, p->data, PAGE) != 0) {
		free(p);
		return;
	}
	if (grow_array((void **)&rc->pages, &rc->cap, rc->n + 1, sizeof *rc->pages) < 0) {
		free(p);
		return;
	}
	p->addr = addr;
	rc->pages[rc->n++] = p;
}

static int record_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct recorder *rc = (struct recorder *)r;
	int rc_read = mem_read(rc->inner, addr, buf, len);
	if (rc_read != 0)
		return rc_read;
	for (uint64_t a = addr & ~(uint64_t)(PAGE - 1); a < addr + len; a += PAGE)
		keep_page(rc, a);
	return 0;
}

static void record_free(struct mem_reader *r)
{
	struct recorder *rc = (struct recorder *)r;
	for (size_t i = 0; i < rc->n; i++)
		free(rc->pages[i]);
	free(rc->pages);
	free(rc);
}

struct mem_reader *mem_record_new(struct mem_reader *inner)
{
	struct recorder *rc = calloc(1, sizeof *rc);
	if (!rc)
		return NULL;
	rc->base.read = record_read;
	rc->base.free = record_free;
	rc->inner = inner;
	return &rc->base;
}

static int put_u64(FILE *out, uint64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return fwrite(b, 1, 8, out) == 8 ? 0 : -1;
}

static int cmp_page(const void *a, const void *b)
{
	const struct page *x = *(struct page *const *)a, *y = *(struct page *const *)b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int mem_record_write(struct mem_reader *r, const char *meta, FILE *out)
{
	struct recorder *rc = (struct recorder *)r;
	qsort(rc->pages, rc->n, sizeof *rc->pages, cmp_page);
	/* Adjacent pages become one region, so a read spanning them replays. */
	size_t regions = 0;
	for (size_t i = 0; i < rc->n; i++)
		if (i == 0 || rc->pages[i]->addr != rc->pages[i - 1]->addr + PAGE)
			regions++;
	size_t mlen = strlen(meta);
	if (fwrite("PYFLIMG1\n", 1, 9, out) != 9 || put_u64(out, mlen) ||
	    fwrite(meta, 1, mlen, out) != mlen || put_u64(out, regions))
		return -1;
	for (size_t i = 0; i < rc->n;) {
		size_t j = i + 1;
		while (j < rc->n && rc->pages[j]->addr == rc->pages[j - 1]->addr + PAGE)
			j++;
		if (put_u64(out, rc->pages[i]->addr) || put_u64(out, (uint64_t)(j - i) * PAGE))
			return -1;
		for (size_t k = i; k < j; k++)
			if (fwrite(rc->pages[k]->data, 1, PAGE, out) != PAGE)
				return -1;
		i = j;
	}
	return fflush(out) == 0 ? 0 : -1;
}
