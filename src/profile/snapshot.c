/* snapshot.c: a dump's snapshot: its threads, their frames, the locals read of them
 * and its asyncio tasks. */
#include "profile/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

void dump_snapshot_init(struct dump_snapshot *s)
{
	memset(s, 0, sizeof *s);
}

void dump_snapshot_release(struct dump_snapshot *s)
{
	if (!s)
		return;
	free(s->threads);
	free(s->frames);
	free(s->locals);
	free(s->text);
	async_tasks_release(&s->tasks);
	dump_snapshot_init(s);
}

struct dump_thread *dump_snapshot_add_thread(struct dump_snapshot *s)
{
	if (grow_array((void **)&s->threads, &s->threads_cap, s->n_threads + 1,
		       sizeof *s->threads) != 0)
		return NULL;
	struct dump_thread *d = &s->threads[s->n_threads++];
	memset(d, 0, sizeof *d);
	return d;
}

int dump_snapshot_add_frames(struct dump_snapshot *s, size_t n, uint32_t *first)
{
	if (s->n_frames + n > UINT32_MAX ||
	    grow_array((void **)&s->frames, &s->frames_cap, s->n_frames + n, sizeof *s->frames) != 0)
		return -1;
	memset(&s->frames[s->n_frames], 0, n * sizeof *s->frames);
	*first = (uint32_t)s->n_frames;
	s->n_frames += n;
	return 0;
}

/* Appends str with its NUL to the text; its offset into *off. */
static int add_text(struct dump_snapshot *s, const char *str, uint32_t *off)
{
	size_t n = strlen(str) + 1;
	if (grow_array((void **)&s->text, &s->text_cap, s->text_len + n, 1) != 0)
		return -1;
	memcpy(s->text + s->text_len, str, n);
	*off = (uint32_t)s->text_len;
	s->text_len += n;
	return 0;
}

int dump_snapshot_add_local(struct dump_snapshot *s, const char *name, const char *type,
			    const char *repr)
{
	size_t need = strlen(name) + strlen(type) + strlen(repr) + 3;
	if (s->full || s->n_locals >= DUMP_LOCALS_MAX || s->text_len + need > DUMP_TEXT_MAX) {
		s->full = 1;
		return -1;
	}
	struct dump_local l;
	if (grow_array((void **)&s->locals, &s->locals_cap, s->n_locals + 1, sizeof *s->locals) != 0 ||
	    add_text(s, name, &l.name) != 0 || add_text(s, type, &l.type) != 0 ||
	    add_text(s, repr, &l.repr) != 0)
		return -1;
	s->locals[s->n_locals++] = l;
	return 0;
}

const char *dump_frame_note(const struct dump_frame *f)
{
	switch (f->locals) {
	case DUMP_LOCALS_UNREADABLE:
		return "locals unreadable";
	case DUMP_LOCALS_LEFT_OUT:
		return "locals left out: the dump's size limit was reached";
	case DUMP_LOCALS_READ:
		return f->cut ? "more locals not shown" : NULL;
	default:
		return NULL;
	}
}
