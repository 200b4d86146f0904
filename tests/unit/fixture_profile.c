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

/* One sample of frames on thread at time_us. */
static void seen(struct profile *p, uint32_t thread, const uint32_t *frames, size_t n,
		 uint64_t time_us)
{
	profile_add_event(p, time_us, profile_add_stack(p, thread, frames, n, 1));
}

void fixture_processes(struct profile *p, struct fixture *fx)
{
	fixture_frames(p, fx);
	p->interval = 0.001;
	fx->parent = profile_thread(p, 100, 0x1000, 42, "MainThread");
	fx->child = profile_thread(p, 200, 0x1000, 42, "MainThread");
	profile_process(p, 200, "python3 -c spawn_main");
	profile_process(p, 100, "python3 pool.py");
	seen(p, fx->parent, fx->s1, 3, 1000);
	seen(p, fx->child, fx->s3, 1, 1000);
	seen(p, fx->parent, fx->s1, 3, 2000);
	seen(p, fx->child, fx->s2, 3, 2000);
	seen(p, fx->parent, fx->s1, 3, 3000);
	profile_add_event(p, 4000, INTERN_NONE);
	p->idle = 1;
	p->samples = 4;
	p->start_us = 1000;
	p->end_us = 4000;
}
