/* frames.c: a writer's dense frame table. */
#include "output/frames.h"

#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"

int out_frames_build(struct out_frames *t, const struct profile *p, int line_numbers)
{
	size_t n = p->frames.n;
	intern_init(&t->entries);
	t->index = malloc((n ? n : 1) * sizeof *t->index);
	if (!t->index)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct prof_frame f = *profile_frame_get(p, (uint32_t)i);
		if (!line_numbers)
			f.line = 0;
		t->index[i] = intern_add(&t->entries, &f, sizeof f);
		if (t->index[i] == INTERN_NONE)
			return -1;
	}
	return 0;
}

void out_frames_release(struct out_frames *t)
{
	free(t->index);
	intern_release(&t->entries);
	t->index = NULL;
}

const struct prof_frame *out_frames_get(const struct out_frames *t, size_t i)
{
	return intern_get(&t->entries, (uint32_t)i)->data;
}
