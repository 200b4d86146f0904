/* collapsed.c: the collapsed-stack text format. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"
#include "profile/profile.h"
#include "util/grow.h"

struct line {
	char *text;
	uint64_t count;
};

static int cmp_line(const void *a, const void *b)
{
	return strcmp(((const struct line *)a)->text, ((const struct line *)b)->text);
}

char *out_render_stack(const struct profile *p, const struct prof_stack *s,
		       const struct out_options *o)
{
	size_t cap = 256, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
	buf[0] = '\0';
	if (o->thread_names && s->thread != PROF_NO_THREAD) {
		/* The thread's name as the outermost frame: no file, no line. */
		const char *name = profile_string(p, profile_thread_get(p, s->thread)->name);
		size_t need = strlen(name) + 1;
		if (grow_array((void **)&buf, &cap, need, 1) < 0) {
			free(buf);
			return NULL;
		}
		memcpy(buf, name, need);
		len = need - 1;
	}
	for (size_t i = 0; i < s->n; i++) {
		const struct prof_frame *f = profile_frame_get(p, s->frames[i]);
		const char *file = profile_string(p, f->file), *func = profile_string(p, f->func);
		/* 32 covers the separator, the colons and a line number; one more for the NUL. */
		size_t need = strlen(file) + strlen(func) + 32;
		if (grow_array((void **)&buf, &cap, len + need + 1, 1) < 0) {
			free(buf);
			return NULL;
		}
		int n;
		const char *sep = len ? ";" : "";
		/* A frame with no file is pyflame's own marker ("(native, GIL released)"): its
		 * name alone. A frame with no line (native code without line information) has
		 * none printed. */
		if (!*file)
			n = snprintf(buf + len, cap - len, "%s%s", sep, func);
		else if (o->line_numbers && f->line > 0)
			n = snprintf(buf + len, cap - len, "%s%s:%s:%d", sep, file, func,
				     (int)f->line);
		else
			n = snprintf(buf + len, cap - len, "%s%s:%s", sep, file, func);
		len += (size_t)n;
	}
	return buf;
}

int out_collapsed_write(const struct profile *p, const struct out_options *o, FILE *f)
{
	size_t n = profile_stack_count(p);
	struct line *lines = calloc(n ? n : 1, sizeof *lines);
	int rc = -1;
	if (!lines)
		return -1;
	size_t kept = 0;
	for (size_t i = 0; i < n; i++) {
		struct prof_stack s = profile_stack(p, i);
		if (s.count == 0)
			continue;
		lines[kept].text = out_render_stack(p, &s, o);
		if (!lines[kept].text)
			goto out;
		lines[kept++].count = s.count;
	}
	qsort(lines, kept, sizeof *lines, cmp_line);
	for (size_t i = 0; i < kept;) {
		uint64_t count = lines[i].count;
		size_t j = i + 1;
		while (j < kept && strcmp(lines[j].text, lines[i].text) == 0)
			count += lines[j++].count;
		if (fprintf(f, "%s %" PRIu64 "\n", lines[i].text, count) < 0)
			goto out;
		i = j;
	}
	if (o->include_idle && p->idle && fprintf(f, "(idle) %" PRIu64 "\n", p->idle) < 0)
		goto out;
	/* Stacks seen changing while read (--nonblocking) are counted, never shown made up. */
	if (p->torn && fprintf(f, "(torn) %" PRIu64 "\n", p->torn) < 0)
		goto out;
	rc = fflush(f) == 0 ? 0 : -1;
out:
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
	return rc;
}
