/* tracks.c: ordering a profile's threads for per-thread views. */
#include "output/tracks.h"

#include <stdlib.h>

#include "profile/profile.h"

static const struct profile *sort_profile; /* qsort has no context argument in C11 */

static int cmp_thread(const void *a, const void *b)
{
	const struct prof_thread *x = profile_thread_get(sort_profile, *(const uint32_t *)a);
	const struct prof_thread *y = profile_thread_get(sort_profile, *(const uint32_t *)b);
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->ident < y->ident ? -1 : x->ident > y->ident;
}

uint32_t *out_tracks(const struct profile *p, size_t *n)
{
	size_t nt = profile_thread_count(p);
	uint32_t *t = malloc((nt + 1) * sizeof *t);
	if (!t)
		return NULL;
	*n = 0;
	int untagged = nt == 0;
	for (size_t i = 0; i < profile_stack_count(p) && !untagged; i++)
		untagged = profile_stack(p, i).thread == PROF_NO_THREAD;
	if (untagged)
		t[(*n)++] = PROF_NO_THREAD;
	for (size_t i = 0; i < nt; i++)
		t[(*n)++] = (uint32_t)i;
	sort_profile = p;
	qsort(t + untagged, nt, sizeof *t, cmp_thread);
	return t;
}

size_t out_track_of(const uint32_t *tracks, size_t n, uint32_t thread)
{
	for (size_t i = 0; i < n; i++)
		if (tracks[i] == thread)
			return i;
	return n;
}
