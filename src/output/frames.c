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

/* One file being shortened: the ending tried this round, and whether it is settled. */
struct suffix {
	uint32_t file;     /* string id */
	const char *path;  /* the whole path */
	const char *tail;  /* its ending with this round's number of components */
	int settled;
};

static int cmp_tail(const void *a, const void *b)
{
	return strcmp(((const struct suffix *)a)->tail, ((const struct suffix *)b)->tail);
}

/* The ending of path one component longer than tail (tail itself when it is the whole path). */
static const char *longer(const char *path, const char *tail)
{
	if (tail == path)
		return tail;
	const char *s = tail - 1; /* the slash before tail */
	while (s > path && s[-1] != '/')
		s--;
	return s;
}

const char **out_file_suffixes(const struct profile *p)
{
	size_t nstr = p->strings.n, nf = 0;
	const char **out = calloc(nstr ? nstr : 1, sizeof *out);
	struct suffix *f = malloc((p->frames.n ? p->frames.n : 1) * sizeof *f);
	if (!out || !f) {
		free(out);
		free(f);
		return NULL;
	}
	/* out doubles as the set of files seen while they are listed. */
	for (size_t i = 0; i < p->frames.n; i++) {
		uint32_t file = profile_frame_get(p, (uint32_t)i)->file;
		if (out[file])
			continue;
		const char *path = profile_string(p, file), *slash = strrchr(path, '/');
		out[file] = path;
		f[nf++] = (struct suffix){ file, path, slash ? slash + 1 : path, 0 };
	}
	/* Round k compares every file's last k components (or whole path) with every other's
	 * at the same k; a file whose ending no other shares keeps it. Endings of one length
	 * and one round are compared, so a kept ending never equals another file's kept one;
	 * whole paths differ, so every file settles, in at most as many rounds as the deepest
	 * path has components. */
	for (size_t open = nf; open > 0;) {
		qsort(f, nf, sizeof *f, cmp_tail);
		for (size_t i = 0; i < nf; i++) {
			int shared = (i > 0 && strcmp(f[i].tail, f[i - 1].tail) == 0) ||
				     (i + 1 < nf && strcmp(f[i].tail, f[i + 1].tail) == 0);
			if (!f[i].settled && !shared) {
				f[i].settled = 1;
				out[f[i].file] = f[i].tail;
				open--;
			}
		}
		for (size_t i = 0; i < nf; i++)
			f[i].tail = longer(f[i].path, f[i].tail);
	}
	free(f);
	return out;
}
