/* symbols.h: naming the program counters native_unwind found.
 *
 * A name is the symbol (.symtab, else .dynsym, of the module or of its separate debug file found
 * by build ID under /usr/lib/debug; never over the network) whose extent holds the address, and
 * a line where debug info maps it. An address no sized symbol covers is shown as the module and
 * the address in the module's own file terms ("libfoo.so+0x1a2b", what `addr2line -e libfoo.so
 * 0x1a2b` takes), never as the nearest symbol below it. Lookups are cached by address: the same
 * few hundred PCs come back every sample.
 */
#ifndef PYFLAME_NATIVE_SYMBOLS_H
#define PYFLAME_NATIVE_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

struct native_unwinder;

/* Every string stays valid until the next call on the unwinder (they point into its modules'
 * tables and its scratch), so copy or intern them before asking for another. */
struct native_symbol {
	const char *module;   /* the mapped file's name ("libc.so.6", "python3.11", "[vdso]");
			       * "?" when no module holds the address */
	const char *function; /* the symbol's name; NULL when no symbol covers the address */
	uint64_t offset;      /* function set: pc - the function's start; else pc in the module's
			       * file addresses, or pc itself when no module holds it */
	const char *source;   /* the source file as the debug info records it; NULL without */
	int line;             /* 0 without debug info */
	/* The named function's extent in the target, [function_start, function_end): every
	 * address in it has that name; both 0 when no symbol covers the address. */
	uint64_t function_start, function_end;
	/* The frame a profile shows: its file, the source file's name when a line is known, else
	 * the module; its function, the symbol, else "module+0xOFFSET" (or "?+0xADDRESS"). */
	const char *frame_file;
	const char *frame_function;
};

/* Names pc (activation as native_unwind gave it: when 0, pc - 1 is looked up, the call
 * instruction, so a call that ends its function is not named after the next one). Returns 0
 * (out is filled even when nothing names pc), or -EINVAL. */
int native_symbolize(struct native_unwinder *u, uint64_t pc, int activation,
		     struct native_symbol *out);

/* The text a profile line shows for s: "frame_file:frame_function:line", or without ":line"
 * when no line is known (e.g. "libc.so.6:qsort", "test_native.c:level_c:42",
 * "libfoo.so:libfoo.so+0x1139"). Returns what snprintf returns. */
int native_symbol_format(const struct native_symbol *s, char *buf, size_t cap);

#endif
