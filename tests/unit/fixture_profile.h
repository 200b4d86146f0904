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
	uint32_t parent, child;  /* fixture_processes' threads */
};

/* Interns the four frames into p (initialised, and empty for the ids to start at 0), in the
 * order above, and fills fx. */
void fixture_frames(struct profile *p, struct fixture *fx);

/* fixture_frames, then s1 seen 5 times (one sample at a time, so they must merge), s2 twice
 * and s3 once, none on a thread, and 4 idle samples. */
void fixture_profile(struct profile *p, struct fixture *fx);

/* A --subprocesses run (issue 18): fixture_frames, then two processes whose main threads share
 * ident 0x1000 and TID 42: the parent, pid 100 "python3 pool.py", and its child, pid 200
 * "python3 -c spawn_main", threads fx->parent and fx->child. Four ticks, 1000 us apart, each
 * also an event when p->keep_timeline is set (set it first):
 *   1000: parent s1, child s3     2000: parent s1, child s2
 *   3000: parent s1               4000: idle
 * So s1 x3 on the parent, s2 x1 and s3 x1 on the child, 1 idle; interval 1 ms. */
void fixture_processes(struct profile *p, struct fixture *fx);

#endif
