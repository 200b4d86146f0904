/* symbols.c: program counters to names, through libdwfl, cached by address. */
#include "native/symbols.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "native/unwinder.h"
#include "util/grow.h"

/* Slots of the cache. When three quarters are taken it is emptied whole: a profile's native
 * PCs are a few thousand at most, and a stack of garbage addresses must not grow it. */
#define NATIVE_SYMCACHE_SIZE 4096u

/* Known functions kept, at most. */
#define NATIVE_FUNCTIONS_MAX 4096u

void native_symcache_clear(struct native_unwinder *u, int release)
{
	u->n_functions = 0;
	if (release) {
		free(u->functions);
		u->functions = NULL;
		u->functions_cap = 0;
		free(u->cache);
		u->cache = NULL;
		for (size_t i = 0; i < u->n_names; i++)
			free(u->names[i]);
		free(u->names);
		u->names = NULL;
		u->n_names = u->names_cap = 0;
	} else if (u->cache) {
		memset(u->cache, 0, NATIVE_SYMCACHE_SIZE * sizeof *u->cache);
	}
	u->cache_used = 0;
}

static size_t slot_of(uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 52) & (NATIVE_SYMCACHE_SIZE - 1);
}

/* The slot holding key, or the empty one where it belongs; NULL without a cache. */
static struct native_symcache_entry *cache_slot(struct native_unwinder *u, uint64_t key)
{
	if (!u->cache) {
		u->cache = calloc(NATIVE_SYMCACHE_SIZE, sizeof *u->cache);
		if (!u->cache)
			return NULL;
	}
	for (size_t i = slot_of(key);; i = (i + 1) & (NATIVE_SYMCACHE_SIZE - 1))
		if (u->cache[i].key == key || u->cache[i].key == 0)
			return &u->cache[i];
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* name without the version that .symtab may append ("clock_nanosleep@GLIBC_2.2.5"): the
 * function is the same whatever version a caller bound to. The copies are kept until close,
 * one per name (few: only a library's versioned symbols have one). */
static const char *unversioned(struct native_unwinder *u, const char *name)
{
	size_t len = strcspn(name, "@");
	if (name[len] == '\0' || len == 0)
		return name;
	for (size_t i = 0; i < u->n_names; i++)
		if (strncmp(u->names[i], name, len) == 0 && u->names[i][len] == '\0')
			return u->names[i];
	char *copy = strndup(name, len);
	if (!copy || grow_array((void **)&u->names, &u->names_cap, u->n_names + 1,
				sizeof *u->names) < 0) {
		free(copy);
		return name;
	}
	u->names[u->n_names++] = copy;
	return copy;
}

/* The known function holding addr (functions[] is sorted by start), or NULL. */
static const struct native_function *function_at(const struct native_unwinder *u,
						 uint64_t addr)
{
	size_t lo = 0, hi = u->n_functions;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (u->functions[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < u->n_functions && u->functions[lo].start <= addr ? &u->functions[lo] : NULL;
}

/* Keeps f among the known functions, in order; they begin anew when NATIVE_FUNCTIONS_MAX are
 * known (a stack of garbage addresses must not grow them). Symbols of one module do not
 * overlap, and f was not known: it goes where its start sorts. */
static void function_add(struct native_unwinder *u, const struct native_function *f)
{
	if (u->n_functions >= NATIVE_FUNCTIONS_MAX)
		u->n_functions = 0;
	if (grow_array((void **)&u->functions, &u->functions_cap, u->n_functions + 1,
		       sizeof *u->functions) < 0)
		return;
	size_t at = u->n_functions;
	while (at > 0 && u->functions[at - 1].start > f->start)
		at--;
	if (at < u->n_functions && u->functions[at].start < f->end)
		return; /* would overlap a known one (two modules' symbols): keep the first */
	if (at > 0 && u->functions[at - 1].end > f->start)
		return;
	memmove(&u->functions[at + 1], &u->functions[at],
		(u->n_functions - at) * sizeof *u->functions);
	u->functions[at] = *f;
	u->n_functions++;
}

/* Fills e (key set) from libdwfl: the function from the known ones when one holds the
 * address, else from the module's symbols (a search libdwfl makes over all of them, 1.6 M
 * instructions in libpython3.12: each new address in a C function cost that, 71% of
 * --native's instructions at depth 30 on 3.12); the line from the module's line table. */
static void lookup(struct native_unwinder *u, uint64_t pc, int activation,
		   struct native_symcache_entry *e)
{
	Dwarf_Addr addr = activation ? pc : pc - 1;
	const struct native_function *known = function_at(u, addr);
	Dwfl_Module *mod = known ? known->mod : native_module_at(u, addr);
	e->function = e->source = NULL;
	e->line = 0;
	e->offset = pc;
	e->start = e->end = 0;
	if (known) {
		e->module = known->module;
		e->function = known->name;
		e->start = known->start;
		e->end = known->end;
		e->offset = pc - known->start;
	} else {
		Dwarf_Addr low = 0, bias = 0;
		const char *name = mod ? dwfl_module_info(mod, NULL, &low, NULL, NULL, NULL,
							  NULL, NULL)
				       : NULL;
		e->module = name ? base_name(name) : "?";
		if (!mod)
			return;
		/* A file address, as addr2line and the symbol tables count: pc less the load
		 * bias. */
		e->offset = dwfl_module_getelf(mod, &bias) ? pc - bias : pc - low;
		GElf_Off off;
		GElf_Sym sym;
		const char *fn = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
		/* Only a symbol whose size covers the address names it: the nearest one below
		 * (what a sizeless symbol or a stripped static function leaves) would be a wrong
		 * name. */
		if (fn && fn[0] && sym.st_size > 0 && off < sym.st_size) {
			e->function = unversioned(u, fn);
			e->offset = pc - (addr - off);
			e->start = addr - off;
			e->end = e->start + sym.st_size;
			function_add(u, &(struct native_function){ e->start, e->end, mod, e->module,
								   e->function });
		}
	}
	Dwfl_Line *l = dwfl_module_getsrc(mod, addr);
	int line = 0;
	Dwarf_Addr at = 0;
	const char *src = l ? dwfl_lineinfo(l, &at, &line, NULL, NULL, NULL) : NULL;
	/* libdw answers with the last line below the address even where no compile unit of
	 * ours holds it (_start, from crt1.o, got the line that ends main): a line before the
	 * start of the function the symbol names is another function's. */
	if (e->function && at < e->start)
		src = NULL;
	if (src && src[0] && line > 0) {
		e->source = src;
		e->line = line;
	}
}

int native_symbolize(struct native_unwinder *u, uint64_t pc, int activation,
		     struct native_symbol *out)
{
	if (!u || !out)
		return -EINVAL;
	if (u->stale)
		native_modules_refresh(u);
	activation = activation != 0 || pc == 0;
	struct native_symcache_entry tmp, *e = NULL;
	uint64_t key = pc << 1 | (uint64_t)activation;
	if (pc < (1ull << 63) && key != 0)
		e = cache_slot(u, key);
	if (!e || e->key != key) {
		if (e && u->cache_used + 1 > NATIVE_SYMCACHE_SIZE / 4 * 3) {
			/* The addresses only: the functions they fell in stay known. */
			memset(u->cache, 0, NATIVE_SYMCACHE_SIZE * sizeof *u->cache);
			u->cache_used = 0;
			e = cache_slot(u, key);
		}
		if (!e)
			e = &tmp;
		else
			u->cache_used++;
		lookup(u, pc, activation, e);
		e->key = key;
	}
	*out = (struct native_symbol){ .module = e->module, .function = e->function,
				       .offset = e->offset, .source = e->source, .line = e->line,
				       .function_start = e->start, .function_end = e->end };
	out->frame_file = e->source ? base_name(e->source) : e->module;
	out->frame_function = e->function;
	if (!e->function) {
		snprintf(u->text, sizeof u->text, "%s+0x%" PRIx64, e->module, e->offset);
		out->frame_function = u->text;
	}
	return 0;
}

int native_symbol_format(const struct native_symbol *s, char *buf, size_t cap)
{
	if (s->line > 0)
		return snprintf(buf, cap, "%s:%s:%d", s->frame_file, s->frame_function, s->line);
	return snprintf(buf, cap, "%s:%s", s->frame_file, s->frame_function);
}
