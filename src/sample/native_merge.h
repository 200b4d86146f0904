/* native_merge.h: one stack from a thread's native frames and its Python frames (--native).
 * Each native frame of the interpreter's eval loop stands for the Python frames that one call
 * of it runs (one frame before 3.11; from 3.11, those up to the frame entered from C); the
 * interpreter's own frames between them (call helpers, vectorcall) are left out, and so are the
 * native frames outside the outermost Python frame (process and thread start-up). Native frames
 * are named once per program counter. */
#ifndef PYFLAME_SAMPLE_NATIVE_MERGE_H
#define PYFLAME_SAMPLE_NATIVE_MERGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct native_unwinder;
struct profile;

struct native_names; /* program counter -> profile frame, kind and module */

struct native_names *native_names_new(void);
void native_names_free(struct native_names *nn);

/* Tells nn the file the interpreter was found in (a py_target's binary): its frames, but for
 * the eval loop's, are the interpreter's own and left out. Once; later calls do nothing. */
void native_names_interpreter(struct native_names *nn, struct profile *prof, const char *binary);

/* The native frames of thread tid, which must be ptrace-stopped: its registers, then u's
 * unwind into pcs and activation (room for NATIVE_MAX_DEPTH each). Returns how many, 0 when it
 * cannot be unwound at all; *failed: the unwind ended early. */
size_t native_unwind_stopped(struct native_unwinder *u, pid_t tid, uint64_t *pcs,
			     uint8_t *activation, int *failed);

/* Merges, innermost first on input: npc native program counters (activation flags as the
 * unwinder gave them; failed: the unwind ended early) and npy Python frame ids, with call_end[i]
 * set on the outermost frame of each eval call. Writes the merged stack outermost first into
 * out (room for npc + npy + 1) and returns its length. A Python frame is never lost: those the
 * native frames do not account for (a failed or odd unwind) go outermost, under a marker frame
 * "(unwind failed)" when the unwind failed. */
size_t native_merge(struct native_names *nn, struct native_unwinder *u, struct profile *prof,
		    const uint64_t *pcs, const uint8_t *activation, size_t npc, int failed,
		    const uint32_t *py, const uint8_t *call_end, size_t npy, uint32_t *out);

#endif
