/* collapsed.c: the collapsed-stack text format. */
#include <inttypes.h>
#include <stdarg.h>
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

/* A string being built: len bytes of text in s, room for cap. */
struct text {
	char *s;
	size_t len, cap;
};

/* Appends to t as printf formats. Returns 0 or -1 (no memory). */
static int text_addf(struct text *t, const char *fmt, ...)
{
	for (;;) {
		size_t room = t->cap - t->len;
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(room ? t->s + t->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if ((size_t)n < room) {
			t->len += (size_t)n;
			return 0;
		}
		if (grow_array((void **)&t->s, &t->cap, t->len + (size_t)n + 1, 1) < 0)
			return -1;
	}
}

/* Appends out_process_label's text. Returns 0 or -1. */
static int add_process(struct text *t, const struct profile *p, uint32_t pid, const char *thread)
{
	const char *name = profile_process_name(p, pid);
	if (text_addf(t, "process %" PRIu32, pid) < 0 || (name && text_addf(t, " (%s)", name) < 0))
		return -1;
	return thread && *thread ? text_addf(t, ": %s", thread) : 0;
}

char *out_process_label(const struct profile *p, uint32_t pid, const char *thread)
{
	struct text t = { 0 };
	if (add_process(&t, p, pid, thread) < 0) {
		free(t.s);
		return NULL;
	}
	return t.s;
}

/* The process stack s was seen in, 0 when its thread does not say (none, or a replay). */
static uint32_t stack_pid(const struct profile *p, const struct prof_stack *s)
{
	return s->thread == PROF_NO_THREAD ? 0 : profile_thread_get(p, s->thread)->pid;
}

/* Appends one stack's frames, outermost first, each after a ';' unless it is the first.
 * Returns 0 or -1. */
static int add_frames(struct text *t, const struct profile *p, const struct prof_stack *s,
		      const struct out_options *o)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct prof_frame *f = profile_frame_get(p, s->frames[i]);
		const char *file = profile_string(p, f->file), *func = profile_string(p, f->func);
		const char *sep = t->len ? ";" : "";
		int rc;
		/* A frame with no file is pyflame's own marker ("(native, GIL released)"): its
		 * name alone. A frame with no line (native code without line information) has
		 * none printed. */
		if (!*file)
			rc = text_addf(t, "%s%s", sep, func);
		else if (o->line_numbers && f->line > 0)
			rc = text_addf(t, "%s%s:%s:%d", sep, file, func, (int)f->line);
		else
			rc = text_addf(t, "%s%s:%s", sep, file, func);
		if (rc < 0)
			return -1;
	}
	return 0;
}

char *out_render_stack(const struct profile *p, const struct prof_stack *s,
		       const struct out_options *o)
{
	struct text t = { 0 };
	uint32_t pid = stack_pid(p, s);
	/* An empty stack is "", not NULL. */
	int rc = text_addf(&t, "%s", "");
	/* Outermost, the process, then the thread's name: frames with no file, no line. Under
	 * its process, a thread with no name stands for the process alone: no frame of its own. */
	int rooted = o->processes && pid;
	if (rc == 0 && rooted)
		rc = add_process(&t, p, pid, NULL);
	if (rc == 0 && o->thread_names && s->thread != PROF_NO_THREAD) {
		const char *name = profile_string(p, profile_thread_get(p, s->thread)->name);
		if (!rooted || *name)
			rc = text_addf(&t, "%s%s", t.len ? ";" : "", name);
	}
	if (rc == 0)
		rc = add_frames(&t, p, s, o);
	if (rc < 0) {
		free(t.s);
		return NULL;
	}
	return t.s;
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
