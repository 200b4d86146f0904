/* fixture_profile.h: the small profile the writer tests share, built in one place so that
 * each test's expected output reads against the same picture: four frames, three stacks seen
 * without a thread, and idle samples. A test that needs another shape builds its own. */
#ifndef PYFLAME_TESTS_FIXTURE_PROFILE_H
#define PYFLAME_TESTS_FIXTURE_PROFILE_H

#include <stdint.h>

#include "profile/profile.h"

/* The fixture's frame ids, and its stacks as frame ids, outermost first. */
struct fixture {
	uint32_t mod, f3, f4, g; /* a.py:<module>:10, a.py:f:3, a.py:f:4, b.py:g:7 */
	uint32_t s1[3];          /* <module>, f:3, g */
	uint32_t s2[3];          /* <module>, f:4, g */
	uint32_t s3[1];          /* <module> */
};

/* Interns the four frames into p (initialised, and empty for the ids to start at 0), in the
 * order above, and fills fx. */
void fixture_frames(struct profile *p, struct fixture *fx);

/* fixture_frames, then s1 seen 5 times (one sample at a time, so they must merge), s2 twice
 * and s3 once, none on a thread, and 4 idle samples. */
void fixture_profile(struct profile *p, struct fixture *fx);

#endif
