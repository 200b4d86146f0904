/* pending.h: samples taken while their thread ran, held until their code objects are checked.
 *
 * A stack read unstopped that matches one of the verified set (verified.h) is counted as the
 * profile stack it was counted as before, without naming its frames. What that leaves to
 * doubt is whether a code object of it was freed since and another allocated at its address
 * (exec() in a loop does that): reading every code object's head at every tick to rule it out
 * was three of a tick's seven pages. Instead such samples are held, a few milliseconds' worth,
 * and the code objects of their stacks are checked once for all of them: kept when none moved,
 * dropped as torn when one did. Private to src/sample/.
 */
#ifndef PYFLAME_SAMPLE_PENDING_H
#define PYFLAME_SAMPLE_PENDING_H

#include <stddef.h>
#include <stdint.h>

#include "profile/profile.h"
#include "python/walker.h"
#include "sample/stats.h"

/* Samples held at most: a check every PENDING_MAX ticks of a hot loop, or PENDING_NS, whichever
 * comes first (a live view or a progress line is at most that late). */
#define PENDING_MAX 16
#define PENDING_NS (20ull * 1000 * 1000)
/* Distinct code objects of the held stacks at most; more are checked at once. */
#define PENDING_CODES_MAX 64

struct pending_samples {
	struct {
		uint64_t time_us;
		uint32_t stack; /* the profile stack, as the verified set remembered it */
		int holds_gil;
	} v[PENDING_MAX];
	size_t n;
	uint64_t since_ns;   /* when the first was held */
	uint64_t generation; /* the code cache's (py_code_generation) then */
	uint64_t serial;     /* the profile's then */
	uint64_t codes[PENDING_CODES_MAX];
	size_t n_codes;
};

/* Holds a sample of profile stack `stack` (its raw frames f[0..n)) taken at time_us, when
 * there is room and the first held is recent. Returns 1 when held, 0 when the caller is to
 * check the code objects now (pending_settle) and count the sample itself. */
int pending_add(struct pending_samples *h, const struct profile *prof, uint64_t generation,
	     uint32_t stack, uint64_t time_us, int holds_gil, const struct py_raw_frame *f,
	     size_t n, uint64_t now_ns);

/* Whether the samples held are to be checked by a tick at now_ns: no room for another, or the
 * first held too long ago (pending_add would refuse it). */
int pending_due(const struct pending_samples *h, uint64_t now_ns);

/* Checks the held samples' code objects (the code cache must be in an epoch begun after the
 * last was held: py_code_epoch) and counts them in prof when none moved and prof is the one
 * they were taken for; else they are dropped as torn. Empties h. Returns how many counted. */
size_t pending_settle(struct pending_samples *h, struct py_walker *w, struct profile *prof,
		   struct sample_stats *st);

#endif
