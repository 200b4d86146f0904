/* snapshot.h: what one look at every thread saw (-d, pyflame dump): each thread with its stack
 * in a profile, and for `pyflame dump` what each frame of it is (Python or native), with
 * --locals the local variables of each Python frame, and with --async the process's asyncio
 * tasks, read in the same instant. The sampler fills it, the dump writers print it; neither
 * needs the other's headers. */
#ifndef PYFLAME_PROFILE_SNAPSHOT_H
#define PYFLAME_PROFILE_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "profile/async_tasks.h"

struct dump_thread {
	pid_t tid;        /* OS thread id; 0 when it could not be matched */
	uint64_t ident;   /* threading.get_ident() */
	int holds_gil;
	char name[128];   /* threading's name for it, else the OS thread name */
	uint32_t stack;   /* a stack id in the profile, or INTERN_NONE: no Python frames */
	/* Its stack's frames in the snapshot's frames, in the profile stack's order (outermost
	 * first): n_frames is the stack's length, or 0 when they were not described (no stack,
	 * or a -d snapshot, which keeps threads only). */
	uint32_t first_frame, n_frames;
};

/* What became of a frame's locals. */
enum dump_locals_state {
	DUMP_LOCALS_NONE,       /* not asked for, or a native frame */
	DUMP_LOCALS_READ,       /* the bound ones are first_local .. + n_locals */
	DUMP_LOCALS_UNREADABLE, /* its names or slots could not be read */
	DUMP_LOCALS_LEFT_OUT,   /* the dump's bounds were reached before it: not read */
};

struct dump_frame {
	uint8_t python;     /* a Python frame; else a native one (--native) */
	uint8_t locals;     /* enum dump_locals_state */
	uint8_t cut;        /* read, but not all of them: more than PY_LOCALS_MAX, or the
			     * dump's bounds were reached among them */
	uint32_t first_local, n_locals;
};

/* One local: offsets of its NUL-terminated strings in the snapshot's text. */
struct dump_local {
	uint32_t name, type, repr;
};

/* The bounds of a snapshot's locals, so that a dump of any program stays a few megabytes and
 * the target stands stopped a moment: past them, frames are left out (said per frame). A
 * repr is at most 512 bytes (python/repr.h), so 10,000 locals fit the text with room. */
#define DUMP_LOCALS_MAX 10000
#define DUMP_TEXT_MAX (4u << 20)

/* One process's snapshot. Everything in it is owned by it (dump_snapshot_release). */
struct dump_snapshot {
	uint32_t pid;
	int major, minor;  /* its Python's version */
	int with_locals;   /* --locals: each Python frame's locals were read */
	struct dump_thread *threads;
	size_t n_threads, threads_cap;
	struct dump_frame *frames;
	size_t n_frames, frames_cap;
	struct dump_local *locals;
	size_t n_locals, locals_cap;
	char *text;
	size_t text_len, text_cap;
	int full;          /* the bounds above were reached */
	/* --async: its asyncio tasks, read while its threads were (empty: none pending, or
	 * asyncio not loaded), when with_tasks is set; not set when they were not asked for or
	 * could not be read (a version --async does not read among the reasons). */
	int with_tasks;
	struct async_tasks tasks;
};

void dump_snapshot_init(struct dump_snapshot *s);
/* Frees what s holds and makes it empty again; NULL does nothing. */
void dump_snapshot_release(struct dump_snapshot *s);

/* A new thread at the end of s->threads, zeroed. NULL when out of memory. */
struct dump_thread *dump_snapshot_add_thread(struct dump_snapshot *s);

/* n frames at the end of s->frames, zeroed; their index in *first. Returns 0 or -1 (no
 * memory). */
int dump_snapshot_add_frames(struct dump_snapshot *s, size_t n, uint32_t *first);

/* Adds one local (copying the strings). Returns 0, or -1 when the snapshot's bounds are
 * reached (s->full is then set) or memory is out: nothing is added. */
int dump_snapshot_add_local(struct dump_snapshot *s, const char *name, const char *type,
			    const char *repr);

/* The string at offset off of s's text. */
static inline const char *dump_snapshot_text(const struct dump_snapshot *s, uint32_t off)
{
	return s->text + off;
}

/* What a reader of frame f must be told about its locals, in a few words ("unreadable"), or
 * NULL when they are all there (or were not asked for). The text and JSON writers say the
 * same. */
const char *dump_frame_note(const struct dump_frame *f);

#endif
