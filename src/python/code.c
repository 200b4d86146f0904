/* code.c: the code-object cache. A sample only carries (code address, instruction); names and
 * line tables are read from the target the first time an address is seen. */
#include "python/code.h"

#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "python/strings.h"
#include "python/walker.h"

/* Line tables of real code are a few KiB; a larger claim is a corrupt object. */
#define LINETABLE_MAX (1u << 20)
/* Entries before the table is emptied and starts over: each is a few hundred bytes, so this
 * bounds the cache near 20 MiB however many code objects a long-running program makes
 * (compiling at run time, templates, lambdas in eval). Decoding again is cheap. */
#define CODE_CACHE_MAX (1u << 16)

struct py_code_cache {
	struct py_code **slots; /* open addressing by address; NULL = empty */
	size_t cap, n;
	uint32_t epoch; /* entries checked since py_code_epoch last ran are trusted as is;
			 * 0: no epochs, every use is checked */
	uint64_t generation; /* moves when an address is found to hold another code object */
};

struct py_code_cache *py_code_cache_new(void)
{
	struct py_code_cache *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->cap = 1024;
	c->slots = calloc(c->cap, sizeof *c->slots);
	if (!c->slots) {
		free(c);
		return NULL;
	}
	return c;
}

static void code_free(struct py_code *code)
{
	if (!code)
		return;
	free(code->filename);
	free(code->name);
	py_line_table_release(&code->lines);
	free(code);
}

/* Frees every entry, keeping the table. */
static void cache_empty(struct py_code_cache *c)
{
	for (size_t i = 0; i < c->cap; i++) {
		code_free(c->slots[i]);
		c->slots[i] = NULL;
	}
	c->n = 0;
}

void py_code_cache_free(struct py_code_cache *c)
{
	if (!c)
		return;
	cache_empty(c);
	free(c->slots);
	free(c);
}

static size_t slot_of(const struct py_code_cache *c, uint64_t addr)
{
	/* Objects are 16-byte aligned: mix the bits so neighbours spread out. */
	uint64_t h = (addr >> 4) * 0x9E3779B97F4A7C15ull;
	size_t i = (size_t)(h >> 20) & (c->cap - 1);
	while (c->slots[i] && c->slots[i]->addr != addr)
		i = (i + 1) & (c->cap - 1);
	return i;
}

static int grow(struct py_code_cache *c)
{
	struct py_code_cache bigger = { .cap = c->cap * 2 };
	bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
	if (!bigger.slots)
		return -1;
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i])
			bigger.slots[slot_of(&bigger, c->slots[i]->addr)] = c->slots[i];
	free(c->slots);
	c->slots = bigger.slots;
	c->cap = bigger.cap;
	return 0;
}

static char *read_text(struct py_walker *w, uint64_t addr)
{
	char buf[PY_STRING_MAX + 1];
	if (py_string_read(w->mem, &w->layout.o, addr, buf, sizeof buf) < 0)
		return NULL;
	return strdup(buf);
}

/* The bytes of a code object head_read reads. */
static size_t head_span(const struct py_offsets *o)
{
	int32_t span = 0;
	const int32_t fields[] = { o->code_filename, o->code_name, o->code_qualname,
				   o->code_firstlineno, o->code_linetable, o->code_firsttraceable,
				   o->object_type };
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (fields[i] + 8 > span)
			span = fields[i] + 8;
	return (size_t)span;
}

static int head_read(struct py_walker *w, uint64_t addr, struct code_head *h)
{
	const struct py_offsets *o = &w->layout.o;
	size_t span = head_span(o);
	uint8_t buf[512];
	if (span > sizeof buf || mem_read(w->mem, addr, buf, span) != 0)
		return -1;
	memset(h, 0, sizeof *h);
	memcpy(&h->type, buf + o->object_type, 8);
	memcpy(&h->filename, buf + o->code_filename, 8);
	memcpy(&h->name, buf + o->code_name, 8);
	if (o->code_qualname >= 0)
		memcpy(&h->qualname, buf + o->code_qualname, 8);
	memcpy(&h->table, buf + o->code_linetable, 8);
	memcpy(&h->firstlineno, buf + o->code_firstlineno, sizeof(int));
	if (o->code_firsttraceable >= 0)
		memcpy(&h->firsttraceable, buf + o->code_firsttraceable, sizeof(int));
	if (w->target.code_type && h->type != w->target.code_type)
		return -1;
	return 0;
}

static int head_same(const struct code_head *a, const struct code_head *b)
{
	return a->type == b->type && a->filename == b->filename && a->name == b->name &&
	       a->qualname == b->qualname && a->table == b->table &&
	       a->firstlineno == b->firstlineno;
}

static struct py_code *code_read(struct py_walker *w, uint64_t addr, const struct code_head *h)
{
	const struct py_offsets *o = &w->layout.o;
	struct py_code *code = calloc(1, sizeof *code);
	if (!code)
		return NULL;
	code->addr = addr;
	code->head = *h;
	code->firstlineno = h->firstlineno;
	code->firsttraceable = h->firsttraceable;
	code->filename = read_text(w, h->filename);
	/* A qualified name that does not read (a recorded image that lacks its string, a torn
	 * object) costs only the qualification: co_name still names the frame. */
	if (h->qualname)
		code->name = read_text(w, h->qualname);
	if (!code->name)
		code->name = read_text(w, h->name);
	if (!code->filename || !code->name) {
		code_free(code);
		return NULL;
	}
	uint8_t *bytes = NULL;
	size_t len = 0;
	/* A code object whose table cannot be read still has a name: its lines become
	 * co_firstlineno rather than losing the frame. */
	if (py_bytes_read(w->mem, o, h->table, LINETABLE_MAX, &bytes, &len) == 0) {
		py_line_table_decode(w->layout.lines, bytes, len, code->firstlineno, &code->lines);
		free(bytes);
	}
	code->lines.firstlineno = code->firstlineno;
	return code;
}

size_t py_code_head_len(const struct py_walker *w)
{
	return head_span(&w->layout.o);
}

void py_code_prefetch(struct py_walker *w, const uint64_t *addrs, size_t n)
{
	struct py_code_cache *c = w->codes;
	uint64_t want[128];
	size_t k = 0;
	for (size_t j = 0; j < n && k < sizeof want / sizeof want[0]; j++) {
		size_t i = slot_of(c, addrs[j]);
		if (!(c->epoch && c->slots[i] && c->slots[i]->epoch == c->epoch))
			want[k++] = addrs[j];
	}
	mem_prefetch(w->mem, k, want, head_span(&w->layout.o));
}

const struct py_code *py_code_get(struct py_walker *w, uint64_t addr)
{
	struct py_code_cache *c = w->codes;
	struct code_head head;
	size_t i = slot_of(c, addr);
	if (c->epoch && c->slots[i] && c->slots[i]->epoch == c->epoch)
		return c->slots[i];
	/* The head is read once an epoch: a code object freed and another allocated at the
	 * same address (common while modules load) would otherwise keep the old names.
	 * Comparing the pointers to its strings and table costs one small read, not a decode. */
	if (head_read(w, addr, &head) != 0)
		return NULL;
	if (c->slots[i]) {
		if (head_same(&c->slots[i]->head, &head)) {
			c->slots[i]->epoch = c->epoch;
			return c->slots[i];
		}
		struct py_code *fresh = code_read(w, addr, &head);
		if (!fresh)
			return NULL;
		code_free(c->slots[i]);
		c->slots[i] = fresh;
		c->generation++;
		fresh->epoch = c->epoch;
		return fresh;
	}
	if (c->n >= CODE_CACHE_MAX) {
		/* Callers use an entry before asking for the next, so none is held now. What
		 * was known of every address is forgotten: a code object replaced meanwhile could
		 * no longer be told, so the generation moves as if each one had been. */
		cache_empty(c);
		c->generation++;
		i = slot_of(c, addr);
	}
	struct py_code *code = code_read(w, addr, &head);
	if (!code)
		return NULL;
	/* Keep the table at most half full so probes stay short. */
	if ((c->n + 1) * 2 > c->cap) {
		if (grow(c) != 0) {
			code_free(code);
			return NULL;
		}
		i = slot_of(c, addr);
	}
	c->slots[i] = code;
	c->n++;
	code->epoch = c->epoch;
	return code;
}

int py_code_line(const struct py_code *code, int64_t index)
{
	if (index < 0)
		return code->firstlineno;
	int line = py_line_table_lookup(&code->lines, index);
	return line >= 0 ? line : code->firstlineno;
}

int py_code_cached(const struct py_walker *w, uint64_t addr)
{
	return py_code_peek(w, addr) != NULL;
}

const struct py_code *py_code_peek(const struct py_walker *w, uint64_t addr)
{
	return w->codes->slots[slot_of(w->codes, addr)];
}

struct py_code_memo *py_code_memo(const struct py_code *code)
{
	/* Every entry is allocated writable (code_read); only its users see it read-only. */
	return &((struct py_code *)code)->memo;
}

uint64_t py_code_generation(const struct py_walker *w)
{
	return w->codes->generation;
}

void py_code_epoch(struct py_walker *w)
{
	/* 0 means no epochs (every use checked): skipped when the count wraps. */
	if (++w->codes->epoch == 0)
		w->codes->epoch = 1;
}

int py_frame_hidden(const struct py_walker *w, const struct py_raw_frame *f,
		    const struct py_code *code)
{
	return f->owner >= 0 && f->owner != w->layout.o.frame_owner_generator &&
	       f->index < code->firsttraceable;
}
