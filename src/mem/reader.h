/* reader.h: the one interface through which every byte of the target is read.
 *
 * The walker never dereferences a target address. It asks a struct mem_reader, which may be a
 * live process (live.c), a recorded image file (image.c) or a recorder wrapped around another
 * reader (record.c). That is what lets the walker be tested and fuzzed with no process at all.
 */
#ifndef PYFLAME_MEM_READER_H
#define PYFLAME_MEM_READER_H

#include <stddef.h>
#include <stdint.h>

#include "util/errors.h"

/* Error codes returned by readers (util/errors.h: beyond every errno). */
enum {
	MEM_EFAULT = -(PF_ERR_MEM + 1), /* the address is not mapped, or only part of the range is */
	MEM_EGONE = -(PF_ERR_MEM + 2),  /* the process has exited */
	MEM_EPERM = -(PF_ERR_MEM + 3),  /* not allowed to read this process */
};

struct mem_reader {
	/* Copies exactly len bytes at addr into buf. Returns 0, or a negative MEM_E* code; a
	 * short read is a failure (MEM_EFAULT) and buf's contents are then unspecified. */
	int (*read)(struct mem_reader *r, uint64_t addr, void *buf, size_t len);
	/* Releases the reader; NULL-safe through mem_reader_free(). */
	void (*free)(struct mem_reader *r);
	/* Optional: reads n ranges (lens[i] bytes at addrs[i] into bufs[i]) in one go, as far
	 * as it can; returns how many of them, from the first, were read whole (0..n). NULL:
	 * mem_read_many falls back to one read per range. */
	size_t (*read_many)(struct mem_reader *r, size_t n, const uint64_t *addrs, void **bufs,
			    const size_t *lens);
	/* Optional: the len bytes at addr where the reader already holds them (a cache's page),
	 * valid until its next read or clear, or NULL. NULL: mem_view copies them. */
	const void *(*view)(struct mem_reader *r, uint64_t addr, size_t len);
	/* Optional: as view, and [*lo, *hi) the bytes around addr's that the reader holds
	 * alongside them, lent the same way (the returned pointer less addr - *lo is *lo's);
	 * what the caller reads of them beyond addr's it says with window_used. NULL:
	 * mem_view_window lends addr's len bytes alone. */
	const void *(*view_window)(struct mem_reader *r, uint64_t addr, size_t len, uint64_t *lo,
				   uint64_t *hi);
	/* Optional, with view_window: the bytes [lo, hi) of a window were read (a cache fetches
	 * again next time what was read this time). */
	void (*window_used)(struct mem_reader *r, uint64_t lo, uint64_t hi);
	/* Optional: fetches the len bytes at each of addrs[0..n) into the reader's holding (a
	 * cache's pages) in one go, for reads to come; NULL: they are read when asked for. */
	void (*prefetch)(struct mem_reader *r, size_t n, const uint64_t *addrs, size_t len);
};

static inline int mem_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	/* Address 0 and the first page are never valid target objects: fail fast rather than
	 * asking the kernel, and so that NULL pointers read from the target are errors. */
	if (addr < 4096 || addr + len < addr)
		return MEM_EFAULT;
	return r->read(r, addr, buf, len);
}

static inline int mem_read_u64(struct mem_reader *r, uint64_t addr, uint64_t *out)
{
	return mem_read(r, addr, out, sizeof *out);
}

/* The len bytes at addr: where the reader holds them, in place (a walk of 30 frames copied
 * each one out of the cache's page: a fifth of a tick's instructions); else read into buf.
 * NULL when they do not read. Valid until the reader's next read or clear. */
static inline const void *mem_view(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	if (r->view && addr >= 4096 && addr + len > addr) {
		const void *p = r->view(r, addr, len);
		if (p)
			return p;
	}
	return mem_read(r, addr, buf, len) == 0 ? buf : NULL;
}

/* As mem_view, and [*lo, *hi) the bytes held alongside addr's, lent with them: a walk whose
 * next frame lies among them takes it without asking the reader (3.11+ frames sit side by
 * side in the data stack: a look-up a frame was half a walk's instructions), and says at the
 * end what it read of them (mem_window_used). */
static inline const void *mem_view_window(struct mem_reader *r, uint64_t addr, void *buf,
					  size_t len, uint64_t *lo, uint64_t *hi)
{
	if (r->view_window && addr >= 4096 && addr + len > addr) {
		const void *p = r->view_window(r, addr, len, lo, hi);
		if (p)
			return p;
	}
	*lo = addr;
	*hi = addr + len;
	return mem_view(r, addr, buf, len);
}

/* Says that [lo, hi), within a window mem_view_window lent, was read through it. */
static inline void mem_window_used(struct mem_reader *r, uint64_t lo, uint64_t hi)
{
	if (r->window_used && hi > lo)
		r->window_used(r, lo, hi);
}

/* Fetches ahead, in one system call where the reader can, what reads of len bytes at each of
 * addrs[0..n) will want (the heads of a tick's code objects: a page each, one call apiece). */
static inline void mem_prefetch(struct mem_reader *r, size_t n, const uint64_t *addrs, size_t len)
{
	if (r->prefetch && n)
		r->prefetch(r, n, addrs, len);
}

/* Reads n ranges (lens[i] bytes at addrs[i]), stopping at the first that fails; returns how
 * many were read. One system call for all of them where the reader can (process_vm_readv's
 * iovecs). */
static inline size_t mem_read_many(struct mem_reader *r, size_t n, const uint64_t *addrs,
				   void **bufs, const size_t *lens)
{
	if (r->read_many)
		return r->read_many(r, n, addrs, bufs, lens);
	size_t i = 0;
	while (i < n && mem_read(r, addrs[i], bufs[i], lens[i]) == 0)
		i++;
	return i;
}

static inline void mem_reader_free(struct mem_reader *r)
{
	if (r)
		r->free(r);
}

#endif
