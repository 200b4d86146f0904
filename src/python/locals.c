/* locals.c: reading a frame's local variables (see locals.h). */
#include "python/locals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "python/repr.h"
#include "python/strings.h"
#include "python/walker.h"

/* What a slot holds, from the code object's names (and, 3.11+, kinds). */
enum slot_kind {
	SLOT_LOCAL,
	SLOT_CELL,   /* a cell or free variable: the value is the cell's contents */
	SLOT_HIDDEN, /* 3.12+ CO_FAST_HIDDEN: not shown */
};

/* One code object's names, read once per session. */
struct names {
	uint64_t code;
	uint32_t n;    /* slots named (at most PY_LOCALS_MAX) */
	int more;      /* the code has more slots than that */
	uint8_t *kinds;
	char (*names)[PY_LOCAL_NAME_MAX];
};

/* Code objects whose names are kept, by address (direct-mapped: a slot taken by another code
 * object is read again). A deep recursion runs one code object in every frame, so it costs
 * one read of names. */
#define NAMES_SLOTS 256

struct py_locals {
	struct py_walker *w;
	struct py_repr repr;
	struct names cache[NAMES_SLOTS];
};

struct py_locals *py_locals_new(struct py_walker *w)
{
	struct py_locals *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	l->w = w;
	py_repr_init(&l->repr, w);
	return l;
}

static void names_clear(struct names *e)
{
	free(e->kinds);
	free(e->names);
	memset(e, 0, sizeof *e);
}

void py_locals_free(struct py_locals *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < NAMES_SLOTS; i++)
		names_clear(&l->cache[i]);
	free(l);
}

/* The names in the tuple at tuple (co_varnames, co_localsplusnames...) from e->n on, each of
 * kind, until e holds PY_LOCALS_MAX. Returns the tuple's length, or PY_WALK_BAD_READ. */
static int64_t add_names(struct py_locals *l, struct names *e, uint64_t tuple, uint8_t kind)
{
	struct py_objects *c = &l->repr.objs;
	uint64_t items[PY_LOCALS_MAX];
	int64_t size;
	int n = py_seq_items(c, tuple, 0, items, PY_LOCALS_MAX - e->n, &size);
	if (n < 0)
		return PY_WALK_BAD_READ;
	for (int i = 0; i < n; i++, e->n++) {
		if (py_string_read(l->w->mem, c->o, items[i], e->names[e->n], PY_LOCAL_NAME_MAX) < 0)
			return PY_WALK_BAD_READ;
		e->kinds[e->n] = kind;
	}
	e->more |= size > n;
	return size;
}

/* Up to 3.10: co_varnames (co_nlocals of them), then co_cellvars, then co_freevars. */
static int read_names_before_311(struct py_locals *l, uint64_t code, struct names *e)
{
	struct py_objects *c = &l->repr.objs;
	const struct py_offsets *o = c->o;
	const int32_t tuples[3] = { o->code_varnames, o->code_cellvars, o->code_freevars };
	const uint8_t kinds[3] = { SLOT_LOCAL, SLOT_CELL, SLOT_CELL };
	int32_t nlocals;
	if (o->code_nlocals < 0 ||
	    mem_read(l->w->mem, code + (uint64_t)o->code_nlocals, &nlocals, sizeof nlocals) != 0)
		return PY_WALK_BAD_READ;
	for (int t = 0; t < 3 && !e->more; t++) {
		uint64_t tuple;
		if (py_obj_read_ptr(c, code, tuples[t], &tuple) != 0)
			return PY_WALK_BAD_READ;
		int64_t size = add_names(l, e, tuple, kinds[t]);
		/* The frame has co_nlocals slots before the cells: a code object read while
		 * changing (or not a code object) would put the cells' names on the wrong ones. */
		if (size < 0 || (t == 0 && size != nlocals))
			return PY_WALK_BAD_READ;
	}
	return 0;
}

/* 3.11+: co_localsplusnames with a kind byte each, co_nlocalsplus of them. */
static int read_names_311(struct py_locals *l, uint64_t code, struct names *e)
{
	struct py_objects *c = &l->repr.objs;
	const struct py_offsets *o = c->o;
	int32_t nplus;
	uint64_t names, kinds;
	uint8_t raw[PY_LOCALS_MAX];
	int64_t nkinds;
	if (o->code_nlocalsplus < 0 ||
	    mem_read(l->w->mem, code + (uint64_t)o->code_nlocalsplus, &nplus, sizeof nplus) != 0 ||
	    py_obj_read_ptr(c, code, o->code_localsplusnames, &names) != 0 ||
	    py_obj_read_ptr(c, code, o->code_localspluskinds, &kinds) != 0)
		return PY_WALK_BAD_READ;
	int64_t size = add_names(l, e, names, SLOT_LOCAL);
	int nk = py_bytes_prefix(l->w->mem, o, kinds, raw, e->n, &nkinds);
	if (size != nplus || nkinds != nplus || nk != (int)e->n)
		return PY_WALK_BAD_READ;
	for (uint32_t i = 0; i < e->n; i++) {
		if (o->co_fast_hidden > 0 && (raw[i] & o->co_fast_hidden))
			e->kinds[i] = SLOT_HIDDEN;
		else if (raw[i] & (o->co_fast_cell | o->co_fast_free))
			e->kinds[i] = SLOT_CELL;
	}
	return 0;
}

/* The names of code, read now or kept from before. NULL when they cannot be read. */
static const struct names *names_of(struct py_locals *l, uint64_t code)
{
	struct names *e = &l->cache[((code >> 4) * 0x9E3779B97F4A7C15ull >> 56) % NAMES_SLOTS];
	if (e->code == code && e->names)
		return e;
	names_clear(e);
	e->kinds = calloc(PY_LOCALS_MAX, sizeof *e->kinds);
	e->names = calloc(PY_LOCALS_MAX, sizeof *e->names);
	if (!e->kinds || !e->names)
		goto fail;
	int rc = l->w->layout.frames == PY_FRAME_OBJECTS ? read_names_before_311(l, code, e)
							  : read_names_311(l, code, e);
	if (rc != 0)
		goto fail;
	e->code = code;
	return e;
fail:
	names_clear(e);
	return NULL;
}

int py_locals_read(struct py_locals *l, const struct py_raw_frame *f,
		   int (*fn)(void *arg, const struct py_local *v), void *arg, int *more)
{
	const struct py_offsets *o = &l->w->layout.o;
	int32_t base = l->w->layout.frames == PY_FRAME_OBJECTS ? o->frame_localsplus
							       : o->iframe_localsplus;
	const struct names *e = names_of(l, f->code);
	uint64_t slots[PY_LOCALS_MAX];
	*more = 0;
	if (!e || base < 0 || !f->addr ||
	    mem_read(l->w->mem, f->addr + (uint64_t)base, slots, e->n * sizeof *slots) != 0)
		return PY_WALK_BAD_READ;
	*more = e->more;

	int given = 0;
	for (uint32_t i = 0; i < e->n; i++) {
		uint64_t v = slots[i];
		char repr[PY_REPR_MAX], type[PY_REPR_TYPE_MAX];
		struct py_local local = { e->names[i], type, repr };
		if (e->kinds[i] == SLOT_HIDDEN)
			continue;
		if (o->stackref_int_tag > 0 &&
		    (v & (uint64_t)o->stackref_int_tag) == (uint64_t)o->stackref_int_tag) {
			/* 3.14: an int kept in the reference itself (PyStackRef_TagInt) */
			snprintf(repr, sizeof repr, "%lld", (long long)((int64_t)v >> 2));
			snprintf(type, sizeof type, "int");
		} else {
			/* 3.14's NULL reference is the tag alone: 0 once masked, like a NULL slot */
			v &= ~(uint64_t)o->stackref_tag_bits;
			if (v && e->kinds[i] == SLOT_CELL) {
				uint64_t inner = 0;
				/* 3.11+: before MAKE_CELL the slot still holds the value itself */
				if (py_repr_cell_contents(&l->repr, v, &inner) == 1)
					v = inner;
			}
			if (!v)
				continue; /* unbound: not assigned yet, or deleted */
			py_repr(&l->repr, v, repr, sizeof repr, type, sizeof type);
		}
		given++;
		if (fn(arg, &local) != 0)
			break;
	}
	return given;
}
