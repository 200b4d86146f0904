/* cache.h: a page cache in front of another reader, emptied at every sample.
 *
 * A walk makes many small reads close together: 3.11+ frames sit side by side in the thread's
 * data stack, and object headers share pages. Reading whole pages once per sample turns tens of
 * system calls into a few, and every read of one sample sees the same bytes.
 */
#ifndef PYFLAME_MEM_CACHE_H
#define PYFLAME_MEM_CACHE_H

#include <stddef.h>
#include <stdint.h>

struct mem_reader;

/* Wraps inner (borrowed; it must outlive the cache). Returns NULL when out of memory. */
struct mem_reader *mem_cache_new(struct mem_reader *inner);

/* Forgets every cached page: call when the target may have run since the last read. */
void mem_cache_clear(struct mem_reader *cache);

/* Takes the pages read so far as the ones the next prefetch fetches, instead of all the pages
 * read by the next clear: a sampler that stops the target marks them before letting it go, so
 * that the next pause copies only what the walk needs (frames, thread states), not the code
 * objects and line tables read after it. */
void mem_cache_mark_hot(struct mem_reader *cache);

/* Reads, in one call where the reader allows, every page the previous sample used: stacks
 * change little between samples, so this is most of what the next walk needs. */
void mem_cache_prefetch(struct mem_reader *cache);

/* Empties the cache and fetches again the pages the last prefetch fetched, keeping that set
 * rather than taking the pages read since: a look that read a few of them while the target
 * ran (a stack read without stopping it) is redone, the target stopped, with everything the
 * whole sample needs (code objects too). */
void mem_cache_refresh(struct mem_reader *cache);

/* mem_cache_prefetch of two caches over the same reader, in one call: two looks at the
 * target that begin together (the GIL, and the stack of its holder) cost one system call. */
void mem_cache_prefetch_pair(struct mem_reader *a, struct mem_reader *b);

/* mem_cache_refresh of two caches over the same reader, in one call: two looks begun together
 * and begun again a moment later, each fetching the pages it fetched the first time (those
 * read since, a walk that stopped short, would leave out the rest the tick needs). */
void mem_cache_refresh_pair(struct mem_reader *a, struct mem_reader *b);

/* Adds to the next fetch of the hot set (a prefetch or refresh, alone or paired) the len bytes
 * at each of addrs[0..n), len <= one page, for that fetch only: they stay in the set only if
 * read from. A check due at the next tick rides on its one read, not a call of its own. */
void mem_cache_fetch_also(struct mem_reader *cache, size_t n, const uint64_t *addrs,
			  size_t len);

/* Counters for the benchmark: reads asked of the cache, and reads it passed to inner. */
void mem_cache_stats(const struct mem_reader *cache, uint64_t *reads, uint64_t *misses);

#endif
