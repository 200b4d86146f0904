/* regs.h: a stopped thread's general registers, as the native unwinder (src/native/) takes them.
 *
 * The struct is the project's own, not the kernel's user_regs_struct, so that the unwinder and
 * its tests and fuzzer can be given registers that no ptrace call produced (recorded, made up,
 * mutated). Fields are in the DWARF register order of the x86-64 psABI (0 rax ... 16 the return
 * address column, here the thread's rip), which is how the unwinder hands them to libdwfl.
 */
#ifndef PYFLAME_PROC_REGS_H
#define PYFLAME_PROC_REGS_H

#include <stdint.h>
#include <sys/types.h>

struct native_regs {
	uint64_t rax, rdx, rcx, rbx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip;
};

/* Reads the registers of thread tid, which must be ptrace-stopped by us (proc/pause.h).
 * Returns 0, or a negative errno (-ESRCH: not stopped by us or gone; -ENOSYS: not x86-64). */
int native_regs_read(pid_t tid, struct native_regs *out);

#endif
