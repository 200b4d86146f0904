/* tracks.h: the threads of a profile in the order writers show them (by process, then OS thread
 * id, then ident), for formats with one view per thread. */
#ifndef PYFLAME_OUTPUT_TRACKS_H
#define PYFLAME_OUTPUT_TRACKS_H

#include <stddef.h>
#include <stdint.h>

struct profile;

/* The profile's thread ids, sorted (malloc'd, *n of them; the caller frees). When no stack
 * carries a thread, one entry PROF_NO_THREAD stands for all. NULL when out of memory. */
uint32_t *out_tracks(const struct profile *p, size_t *n);

/* The position of thread in tracks (PROF_NO_THREAD matches the PROF_NO_THREAD entry), or n
 * when it is not there. */
size_t out_track_of(const uint32_t *tracks, size_t n, uint32_t thread);

#endif
