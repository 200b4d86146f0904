/* unwind.h: native (C) stacks of a stopped thread, from its registers and its memory.
 *
 * The native stage of a `--native` profile: registers and memory in, native frames out. It is
 * built on elfutils' libdwfl, given modules from /proc/PID/maps and the files they map, and a
 * process state of our own (dwfl_attach_state): every byte of the target it needs goes through
 * the struct mem_reader it is given, never through ptrace, so it runs on recorded or made-up
 * memory too (tests, fuzzing). Frames are found with the CFI of each module (.eh_frame, else
 * .debug_frame), and, where a return address lies in no module's CFI, by libdwfl's frame-pointer
 * fallback. Names come from symbols.h. x86-64 only (the registers are proc/regs.h's).
 *
 * The caller stops the thread (proc/pause.h), reads its registers (native_regs_read) and calls
 * native_unwind while it stands stopped. The unwinder keeps its modules, their symbol tables,
 * CFI and debug info from sample to sample.
 */
#ifndef PYFLAME_NATIVE_UNWIND_H
#define PYFLAME_NATIVE_UNWIND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "proc/regs.h"

struct mem_reader;
struct native_unwinder;

/* The deepest stack native_unwind follows, whatever max it is given. */
#define NATIVE_MAX_DEPTH 1024

/* How an unwind ended (native_unwind's *status). */
enum native_unwind_status {
	NATIVE_UNWIND_COMPLETE = 0,  /* reached the outermost frame (its CFI ends the stack) */
	NATIVE_UNWIND_TRUNCATED = 1, /* max frames were given before the stack ended */
	NATIVE_UNWIND_FAILED = 2,    /* no further frame could be found, or the next one was
				      * garbage (memory unreadable, no unwind information, a
				      * stack pointer going the wrong way, an impossible address):
				      * the frames given are right, what lies beyond is unknown */
};

/* An unwinder for process pid, reading its memory through mem (borrowed: it must outlive the
 * unwinder; a page cache over the live reader, cleared at each sample, saves most of the
 * system calls: the stack is read a word at a time). Reads /proc/PID/maps once now. Returns
 * NULL with a one-line reason in err when the maps cannot be read or libdwfl fails. */
struct native_unwinder *native_open(pid_t pid, struct mem_reader *mem, char *err, size_t errlen);

/* Tells the unwinder the target's mappings may have changed (a dlopen, an exec the caller
 * noticed): the next call reads /proc/PID/maps again. Without it the maps are read again only
 * when an unwind meets a return address that lies in no known module (see unwind.c). */
void native_maps_changed(struct native_unwinder *u);

/* Unwinds thread tid (stopped) from regs. Writes at most max program counters into pcs,
 * innermost first: the thread's rip, then each caller's return address. When activation is not
 * NULL, activation[i] is 1 when pcs[i] is the exact instruction (the innermost frame, or one
 * interrupted by a signal), 0 when it is a return address: native_symbolize wants it, because a
 * return address may already lie past the end of its calling function. *status says how the
 * unwind ended. Returns the number of frames (0 when even rip was unusable), or -EINVAL. */
int native_unwind(struct native_unwinder *u, pid_t tid, const struct native_regs *regs,
		  uint64_t *pcs, uint8_t *activation, size_t max, int *status);

/* NULL-safe. */
void native_close(struct native_unwinder *u);

#endif
