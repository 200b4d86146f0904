/* fuzz_native.c: the native unwinder over hostile registers and stacks. The modules are this
 * process's own (its maps, its files: real CFI, real symbol tables); the registers and every
 * byte of the stack come from the input, read through a mem_reader, as they would come from a
 * target whose stack is corrupt. Whatever the bytes, the unwind must end, within max frames,
 * without a crash, and every frame must be named without one.
 *
 * Input: 17 little-endian words, the registers in struct native_regs' order; one flags byte;
 * then the stack, mapped at STACK_BASE. Flags: bit 0 moves rip into this program's code (the
 * start of its code, plus rip modulo the code's length), bit 1 moves rsp into the stack, bit 2
 * moves rbp there. A stack word whose top 16 bits are 0xc0de reads as an address in this code
 * the same way (its low 48 bits modulo the length), so that the fuzzer can write return
 * addresses into real functions although the code moves each run (ASLR).
 *   make fuzz-native     libFuzzer, seeded with tests/fuzz/corpus-native
 *   make check           replays that corpus and generated inputs (tests/unit/test_fuzz_native.c) */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mem/reader.h"
#include "native/symbols.h"
#include "native/unwind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STACK_BASE 0x7ffe00000000ull
#define REGS_SIZE (17 * 8)
#define TAG 0xc0deull

/* The linker's bounds of this program's code (man 3 end). */
extern char __executable_start[], etext[];

struct input_mem {
	struct mem_reader r;
	const uint8_t *stack;
	size_t len;
	uint64_t code, code_len;
};

static int input_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct input_mem *m = (struct input_mem *)r;
	if (addr < STACK_BASE || addr - STACK_BASE > m->len || len > m->len - (addr - STACK_BASE))
		return MEM_EFAULT;
	memcpy(buf, m->stack + (addr - STACK_BASE), len);
	if (len == 8) {
		uint64_t w;
		memcpy(&w, buf, 8);
		if (w >> 48 == TAG) {
			w = m->code + (w & 0xffffffffffffull) % m->code_len;
			memcpy(buf, &w, 8);
		}
	}
	return 0;
}

static void input_free(struct mem_reader *r)
{
	(void)r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* One unwinder for the whole run, as a profile keeps one per process. */
	static struct input_mem mem = { .r = { .read = input_read, .free = input_free } };
	static struct native_unwinder *u;
	if (!u) {
		char err[256];
		mem.code = (uint64_t)(uintptr_t)__executable_start;
		mem.code_len = (uint64_t)(uintptr_t)etext - mem.code;
		u = native_open(getpid(), &mem.r, err, sizeof err);
		if (!u) {
			fprintf(stderr, "fuzz_native: %s\n", err);
			return 0;
		}
	}
	if (size < REGS_SIZE + 1)
		return 0;
	struct native_regs regs;
	memcpy(&regs, data, REGS_SIZE);
	uint8_t flags = data[REGS_SIZE];
	mem.stack = data + REGS_SIZE + 1;
	mem.len = size - REGS_SIZE - 1;
	if (flags & 1)
		regs.rip = mem.code + regs.rip % mem.code_len;
	if (flags & 2)
		regs.rsp = STACK_BASE + (mem.len ? regs.rsp % mem.len : 0);
	if (flags & 4)
		regs.rbp = STACK_BASE + (mem.len ? regs.rbp % mem.len : 0);

	uint64_t pcs[128];
	uint8_t act[128];
	int status;
	int n = native_unwind(u, getpid(), &regs, pcs, act, 128, &status);
	if (n < 0 || n > 128)
		__builtin_trap();
	for (int i = 0; i < n; i++) {
		struct native_symbol s;
		char text[512];
		native_symbolize(u, pcs[i], act[i], &s);
		native_symbol_format(&s, text, sizeof text);
	}
	return 0;
}
