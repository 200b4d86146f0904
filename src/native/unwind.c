/* unwind.c: the unwinder's process state for libdwfl, and one thread's walk.
 *
 * libdwfl unwinds a thread through Dwfl_Thread_Callbacks: the one thread asked for, its
 * registers as the caller read them, and its memory a word at a time through the mem_reader.
 * Nothing here stops, attaches to or reads the target by itself.
 *
 * When the maps are read again. A /proc/PID/maps file has no cheap signature (procfs gives no
 * size and no mtime that change with it), and reading it every sample costs more than the
 * unwind for a process with hundreds of mappings. A module the target loaded since the last
 * read (a dlopen'ed extension) first shows as a return address in no known module: then, at
 * most every NATIVE_MAPS_MIN_NS (a garbage stack meets such addresses every sample), the maps
 * are read again and, if the modules changed, the unwind is done once more. A module unloaded
 * and another loaded over the same addresses is not noticed this way; CPython never unloads an
 * extension, and the caller can say so (native_maps_changed), as it must after an exec().
 */
#include "native/unwind.h"

#include <errno.h>
#include <gelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/reader.h"
#include "native/unwinder.h"
#include "util/clock.h"

#define NATIVE_MAPS_MIN_NS 100000000ull /* 100 ms */

/* Words one unwind may read: a frame's CFI reads a few; this bounds a walk that a corrupt
 * stack or expression would keep going. */
#define READ_BUDGET (16u * NATIVE_MAX_DEPTH)

/* The highest user-space address x86-64 can map (5-level paging): anything above is no pc or
 * stack pointer of a live thread. */
#define USER_ADDR_END (1ull << 56)

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_arg)
{
	(void)dwfl;
	struct native_unwinder *u = arg;
	if (*thread_arg)
		return 0; /* one thread only: the one being unwound */
	*thread_arg = u;
	return u->tid;
}

static bool get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **thread_arg)
{
	(void)dwfl;
	struct native_unwinder *u = arg;
	*thread_arg = u;
	return tid == u->tid;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	(void)dwfl;
	struct native_unwinder *u = arg;
	uint64_t word;
	if (u->reads_left == 0)
		return false;
	u->reads_left--;
	if (mem_read(u->mem, addr, &word, sizeof word) != 0)
		return false;
	*result = word;
	return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *thread_arg)
{
	const struct native_regs *r = ((struct native_unwinder *)thread_arg)->regs;
	/* DWARF numbers 0-16 of the x86-64 psABI; 16, the return address column, is rip. */
	Dwarf_Word regs[17] = { r->rax, r->rdx, r->rcx, r->rbx, r->rsi, r->rdi, r->rbp, r->rsp,
				r->r8,  r->r9,  r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
				r->rip };
	if (!dwfl_thread_state_registers(thread, 0, 17, regs))
		return false;
	dwfl_thread_state_register_pc(thread, r->rip);
	return true;
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

/* An ELF header that only names the machine: dwfl_attach_state takes the architecture from
 * it, so the state does not depend on any module's file being readable. */
static Elf *arch_elf(unsigned char *buf, size_t cap)
{
	Elf64_Ehdr e = { .e_type = ET_CORE, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
			 .e_ehsize = sizeof(Elf64_Ehdr) };
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS64;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	_Static_assert(sizeof e <= 64, "the header fits the buffer");
	memset(buf, 0, cap);
	memcpy(buf, &e, sizeof e);
	return elf_memory((char *)buf, sizeof e);
}

struct native_unwinder *native_open(pid_t pid, struct mem_reader *mem, char *err, size_t errlen)
{
	struct native_unwinder *u = calloc(1, sizeof *u);
	if (!u) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	u->pid = pid;
	u->mem = mem;
	elf_version(EV_CURRENT);
	native_modules_callbacks(&u->callbacks);
	u->dwfl = dwfl_begin(&u->callbacks);
	if (!u->dwfl) {
		snprintf(err, errlen, "libdwfl: %s", dwfl_errmsg(-1));
		goto fail;
	}
	int rc = native_modules_refresh(u);
	if (rc < 0) {
		snprintf(err, errlen, "cannot read /proc/%d/maps: %s", (int)pid, strerror(-rc));
		goto fail;
	}
	u->arch_elf = arch_elf(u->arch_ehdr, sizeof u->arch_ehdr);
	if (!u->arch_elf || !dwfl_attach_state(u->dwfl, u->arch_elf, pid, &thread_callbacks, u)) {
		snprintf(err, errlen, "libdwfl cannot unwind x86-64: %s", dwfl_errmsg(-1));
		goto fail;
	}
	return u;
fail:
	native_close(u);
	return NULL;
}

void native_maps_changed(struct native_unwinder *u)
{
	if (u)
		u->stale = 1;
}

/* One walk's output and what it noticed. */
struct walk {
	struct native_unwinder *u;
	uint64_t *pcs;
	uint8_t *activation;
	size_t max, n;
	uint64_t prev_sp;
	int truncated, bad, miss;
};

static int on_frame(Dwfl_Frame *frame, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc, sp;
	bool act;
	if (!dwfl_frame_pc(frame, &pc, &act)) {
		w->bad = 1;
		return DWARF_CB_ABORT;
	}
	/* A return address of 0 is how a frame-pointer chain ends (the fallback found no CFI
	 * to say so): the end of the stack, not an error. */
	if (pc == 0 && w->n > 0)
		return DWARF_CB_ABORT;
	if (pc < 4096 || pc >= USER_ADDR_END) {
		w->bad = 1;
		return DWARF_CB_ABORT;
	}
	/* Each caller's frame lies above its callee's: a stack pointer that does not grow is a
	 * corrupt stack (or a loop). A signal handler may run on another stack (sigaltstack),
	 * so the frame it interrupted, an activation, is not held to it. */
	if (dwfl_frame_reg(frame, 7, &sp) == 0) {
		if (sp >= USER_ADDR_END || (w->n > 0 && !act && sp <= w->prev_sp)) {
			w->bad = 1;
			return DWARF_CB_ABORT;
		}
		w->prev_sp = sp;
	}
	if (w->n == w->max) {
		w->truncated = 1;
		return DWARF_CB_ABORT;
	}
	w->pcs[w->n] = pc;
	if (w->activation)
		w->activation[w->n] = act;
	w->n++;
	if (!native_module_at(w->u, act ? pc : pc - 1))
		w->miss = 1;
	return DWARF_CB_OK;
}

static int walk_once(struct native_unwinder *u, pid_t tid, const struct native_regs *regs,
		     struct walk *w)
{
	u->tid = tid;
	u->regs = regs;
	u->reads_left = READ_BUDGET;
	w->n = 0;
	w->truncated = w->bad = w->miss = 0;
	int rc = dwfl_getthread_frames(u->dwfl, tid, on_frame, w);
	u->regs = NULL;
	if (w->truncated)
		return NATIVE_UNWIND_TRUNCATED;
	/* 0: the CFI said the outermost frame has no caller; DWARF_CB_ABORT without bad: a zero
	 * return address; -1: libdwfl found no next frame. */
	if (w->bad || rc == -1)
		return NATIVE_UNWIND_FAILED;
	return NATIVE_UNWIND_COMPLETE;
}

int native_unwind(struct native_unwinder *u, pid_t tid, const struct native_regs *regs,
		  uint64_t *pcs, uint8_t *activation, size_t max, int *status)
{
	if (!u || !regs || !pcs || !status)
		return -EINVAL;
	if (u->stale)
		native_modules_refresh(u);
	struct walk w = { .u = u, .pcs = pcs, .activation = activation,
			  .max = max < NATIVE_MAX_DEPTH ? max : NATIVE_MAX_DEPTH };
	*status = walk_once(u, tid, regs, &w);
	if (w.miss && clock_now_ns() - u->maps_read_ns >= NATIVE_MAPS_MIN_NS &&
	    native_modules_refresh(u) == 1)
		*status = walk_once(u, tid, regs, &w);
	return (int)w.n;
}

void native_close(struct native_unwinder *u)
{
	if (!u)
		return;
	if (u->dwfl)
		dwfl_end(u->dwfl);
	if (u->arch_elf)
		elf_end(u->arch_elf);
	native_modules_release(u);
	native_symcache_clear(u, 1);
	free(u);
}
