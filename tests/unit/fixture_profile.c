/* fixture_profile.c: the writer tests' shared profile. */
#include "fixture_profile.h"

void fixture_frames(struct profile *p, struct fixture *fx)
{
	fx->mod = profile_frame(p, "a.py", "<module>", 10);
	fx->f3 = profile_frame(p, "a.py", "f", 3);
	fx->f4 = profile_frame(p, "a.py", "f", 4);
	fx->g = profile_frame(p, "b.py", "g", 7);
	fx->s1[0] = fx->s2[0] = fx->s3[0] = fx->mod;
	fx->s1[1] = fx->f3;
	fx->s2[1] = fx->f4;
	fx->s1[2] = fx->s2[2] = fx->g;
}

void fixture_profile(struct profile *p, struct fixture *fx)
{
	fixture_frames(p, fx);
	for (int i = 0; i < 5; i++)
		profile_add_stack(p, PROF_NO_THREAD, fx->s1, 3, 1);
	profile_add_stack(p, PROF_NO_THREAD, fx->s2, 3, 2);
	profile_add_stack(p, PROF_NO_THREAD, fx->s3, 1, 1);
	p->idle = 4;
}
