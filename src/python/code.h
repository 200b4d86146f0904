/* code.h: code objects, read and decoded once and cached by address. */
#ifndef PYFLAME_PYTHON_CODE_H
#define PYFLAME_PYTHON_CODE_H

#include <stdint.h>

#include "python/linetable.h"

struct py_walker;

/* What identifies the object at an address: if any of it changes, the address was reused. */
struct code_head {
	uint64_t type, filename, name, qualname, table; /* qualname 0 before 3.11 */
	int firstlineno, firsttraceable;
};

/* Kept in a code object's entry for whoever names frames by it (the sampler): the ids its names
 * and its last frame have in the table `owner`, so a sample's frames are not looked up by their
 * strings each time. Opaque to this stage; owner 0: none yet. */
struct py_code_memo {
	uint64_t owner;
	uint32_t file, func, frame;
	int line;
};

struct py_code {
	uint64_t addr;
	struct code_head head;
	char *filename; /* UTF-8 (3.x) or the raw bytes (2.7); owned by the cache */
	/* The name every format shows: co_qualname from 3.11 ("Class.method",
	 * "outer.<locals>.inner"), so methods of one name in different classes stay apart;
	 * co_name before, or when the qualified name cannot be read. */
	char *name;
	int firstlineno;
	int firsttraceable; /* 3.11+: units before this are CPython's own setup; else 0 */
	struct py_line_table lines;
	uint32_t epoch; /* when its head was last checked (py_code_epoch) */
	struct py_code_memo memo; /* py_code_memo's */
};

struct py_code_cache;

struct py_code_cache *py_code_cache_new(void);
void py_code_cache_free(struct py_code_cache *c);

/* The decoded code object at addr, read through w on first use and re-checked on its first use
 * in each epoch (one small read) in case the address now holds another code object. Returns NULL when it cannot be
 * read or is not a code object (its type is checked when PyCode_Type is known). The returned
 * entry lives until the next call (a full cache is emptied then): use it before asking for
 * another. */
const struct py_code *py_code_get(struct py_walker *w, uint64_t addr);

/* Fetches ahead, in one read where the walker's reader can, the heads that py_code_get of
 * each of addrs[0..n) will read this epoch (those not checked yet). */
void py_code_prefetch(struct py_walker *w, const uint64_t *addrs, size_t n);

/* The bytes of a code object's head that py_code_get reads (from its address). */
size_t py_code_head_len(const struct py_walker *w);

/* Whether the code object at addr has been read before (no read now: whether it is still the
 * same object is py_code_get's to check). */
int py_code_cached(const struct py_walker *w, uint64_t addr);

/* Starts an epoch: the next py_code_get of each code object checks its head again. The sampler
 * starts one per tick, checks its stacks' code objects while the target is stopped (when they
 * are alive: a frame holds its code), and names the frames after, from what was checked. */
void py_code_epoch(struct py_walker *w);

/* code's memo, writable though the entry is handed out read-only: it is the caller's, not the
 * cache's; it lives as long as the entry. */
struct py_code_memo *py_code_memo(const struct py_code *code);

/* A count that moves whenever an address the cache knew is found to hold another code object
 * (one freed, another allocated there), and when a full cache forgets what it knew: what was
 * known by code address may be wrong since. */
uint64_t py_code_generation(const struct py_walker *w);

struct py_raw_frame;

/* Whether CPython itself would hide frame f (whose code is code): 3.11+ frames that have not
 * reached their first traceable instruction yet (still copying arguments and cells), unless
 * owned by a generator. */
int py_frame_hidden(const struct py_walker *w, const struct py_raw_frame *f,
		    const struct py_code *code);

/* The entry for the code object at addr when the cache holds one, as it was last read: no
 * read, no check of its head (what a sample held for its code check may use). NULL when not. */
const struct py_code *py_code_peek(const struct py_walker *w, uint64_t addr);

/* The line of instruction index in code: what traceback would print. */
int py_code_line(const struct py_code *code, int64_t index);

#endif
