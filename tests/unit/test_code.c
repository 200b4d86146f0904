/* test_code.c: the code-object cache on code objects built byte by byte in a fake target, laid
 * out as the generated table says for 3.10 and 3.12: from 3.11 a frame is named by its
 * co_qualname ("Job.run"), before by co_name; a qualified name that cannot be read falls back
 * to co_name; an address whose qualified name changed is read again. */
#include <stdlib.h>

#include "check.h"
#include "mem/reader.h"
#include "python/code.h"
#include "python/offsets.h"
#include "python/walker.h"

/* The fake target: one buffer at BASE. Reads outside it fail, as an unmapped address would. */
#define BASE 0x10000u
static uint8_t target[16 * 1024];

static int fake_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	(void)r;
	if (addr < BASE || addr - BASE > sizeof target || len > sizeof target - (addr - BASE))
		return MEM_EFAULT;
	memcpy(buf, target + (addr - BASE), len);
	return 0;
}

static void fake_free(struct mem_reader *r)
{
	(void)r;
}

static void put64(uint64_t addr, uint64_t v)
{
	memcpy(target + (addr - BASE), &v, sizeof v);
}

/* A compact ASCII str holding s at addr, as strings.c reads it (docs/CPYTHON.md, section 4):
 * length, then the state (kind 1, compact, ascii), the characters after PyASCIIObject. */
static uint64_t put_str(const struct py_offsets *o, uint64_t addr, const char *s)
{
	size_t n = strlen(s);
	uint32_t state = 1u << 2 | 1u << 5 | 1u << 6;
	memset(target + (addr - BASE), 0, (size_t)o->unicode_ascii_size + n + 1);
	put64(addr + (uint64_t)o->unicode_length, n);
	memcpy(target + (addr - BASE) + o->unicode_state, &state, sizeof state);
	memcpy(target + (addr - BASE) + o->unicode_ascii_size, s, n);
	return addr;
}

#define CODE (BASE + 0x100)
#define FILENAME (BASE + 0x1000)
#define NAME (BASE + 0x1100)
#define QUALNAME (BASE + 0x1200)
#define OTHER (BASE + 0x1300)

/* A code object at CODE named run (qualified Job.run), in jobs.py; no line table (the
 * pointer leads nowhere, so lines are co_firstlineno). */
static void put_code(const struct py_offsets *o)
{
	memset(target + (CODE - BASE), 0, 512);
	put64(CODE + (uint64_t)o->code_filename, put_str(o, FILENAME, "jobs.py"));
	put64(CODE + (uint64_t)o->code_name, put_str(o, NAME, "run"));
	put64(CODE + (uint64_t)o->code_linetable, 8);
	int first = 7;
	memcpy(target + (CODE - BASE) + o->code_firstlineno, &first, sizeof first);
	put_str(o, QUALNAME, "Job.run");
	put_str(o, OTHER, "Task.run");
	if (o->code_qualname >= 0)
		put64(CODE + (uint64_t)o->code_qualname, QUALNAME);
	else
		put64(CODE + 128, QUALNAME); /* where 3.11 keeps it: must not be looked at */
}

static void walker_for(struct py_walker *w, struct mem_reader *r, int minor)
{
	memset(w, 0, sizeof *w);
	w->mem = r;
	w->layout.o = *py_offsets_find(3, minor);
	w->codes = py_code_cache_new();
}

static void test_qualname(struct mem_reader *r)
{
	struct py_walker w;
	walker_for(&w, r, 12);
	const struct py_offsets *o = &w.layout.o;
	put_code(o);
	const struct py_code *c = py_code_get(&w, CODE);
	CHECK(c != NULL, "3.12: the code object reads");
	CHECK_STR(c ? c->name : NULL, "Job.run", "3.12: named by its co_qualname");
	CHECK_STR(c ? c->filename : NULL, "jobs.py", "3.12: its file");

	/* The same address, now another function's qualified name: read again. */
	put64(CODE + (uint64_t)o->code_qualname, OTHER);
	c = py_code_get(&w, CODE);
	CHECK_STR(c ? c->name : NULL, "Task.run", "3.12: a changed co_qualname is read again");

	/* A qualified name that does not read costs only the qualification. */
	put64(CODE + (uint64_t)o->code_qualname, 0x10);
	c = py_code_get(&w, CODE);
	CHECK_STR(c ? c->name : NULL, "run", "3.12: an unreadable co_qualname falls back to co_name");
	put64(CODE + (uint64_t)o->code_qualname, 0);
	c = py_code_get(&w, CODE);
	CHECK_STR(c ? c->name : NULL, "run", "3.12: a NULL co_qualname falls back to co_name");
	py_code_cache_free(w.codes);
}

static void test_before_311(struct mem_reader *r)
{
	struct py_walker w;
	walker_for(&w, r, 10);
	CHECK_INT(w.layout.o.code_qualname, -1, "3.10: the table has no co_qualname");
	put_code(&w.layout.o);
	const struct py_code *c = py_code_get(&w, CODE);
	CHECK_STR(c ? c->name : NULL, "run", "3.10: named by co_name");
	py_code_cache_free(w.codes);
}

int main(void)
{
	struct mem_reader r = { .read = fake_read, .free = fake_free };
	test_qualname(&r);
	test_before_311(&r);
	return check_exit();
}
