/* native_merge.c: native and Python frames as one stack. */
#include "sample/native_merge.h"

#include <stdlib.h>
#include <string.h>

#include "native/symbols.h"
#include "native/unwind.h"
#include "proc/regs.h"
#include "profile/profile.h"

/* Program counters kept named; the table starts over when it is this full. */
#define NAMES_MAX 8192
#define NAMES_SLOTS (2 * NAMES_MAX)

enum { KIND_CODE, KIND_EVAL };

struct name_slot {
	uint64_t pc; /* 0: empty */
	uint32_t frame, module; /* profile frame and string ids */
	uint8_t kind, activation;
};

/* Eval loops whose extent is kept (one per interpreter a process holds, as a rule). */
#define EVALS_MAX 4

struct native_names {
	struct name_slot *slots; /* NAMES_SLOTS, open addressing */
	size_t n;
	/* The eval loops found, each with the one slot that names any address in it: a thread
	 * running Python code is inside one at a new address nearly every sample (the loop is
	 * tens of KiB of machine code). Named through symbols.c, each new address costs a
	 * line-table lookup and a slot here and there (the function itself is known after the
	 * first: symbols.c keeps extents too); an eval loop's frame is never shown, so its kind
	 * is all that is wanted. */
	struct {
		uint64_t start, end;
		struct name_slot slot;
	} evals[EVALS_MAX];
	size_t n_evals;
	uint32_t eval_module; /* the interpreter's module (where its eval loop is), or INTERN_NONE */
	int interpreter_set;  /* eval_module was set from the file the interpreter was found in */
};

void native_names_interpreter(struct native_names *nn, struct profile *prof, const char *binary)
{
	if (nn->interpreter_set)
		return;
	const char *base = strrchr(binary, '/');
	base = base ? base + 1 : binary;
	nn->eval_module = intern_add(&prof->strings, base, strlen(base));
	nn->interpreter_set = 1;
}

struct native_names *native_names_new(void)
{
	struct native_names *nn = calloc(1, sizeof *nn);
	if (nn && !(nn->slots = calloc(NAMES_SLOTS, sizeof *nn->slots))) {
		free(nn);
		return NULL;
	}
	if (nn)
		nn->eval_module = INTERN_NONE;
	return nn;
}

void native_names_free(struct native_names *nn)
{
	if (!nn)
		return;
	free(nn->slots);
	free(nn);
}

/* The eval loop: one call per Python frame before 3.11 (PyEval_EvalFrameEx on 2.7), one per
 * run of frames entered from C after. */
static int is_eval(const char *function)
{
	return function && (strcmp(function, "_PyEval_EvalFrameDefault") == 0 ||
			    strcmp(function, "PyEval_EvalFrameEx") == 0);
}

/* The slot naming pc, filled on first sight. NULL when out of memory. */
static const struct name_slot *name_of(struct native_names *nn, struct native_unwinder *u,
				       struct profile *prof, uint64_t pc, int activation)
{
	/* A return address names its call: the byte before it. */
	uint64_t at = activation || !pc ? pc : pc - 1;
	for (size_t k = 0; k < nn->n_evals; k++)
		if (at >= nn->evals[k].start && at < nn->evals[k].end)
			return &nn->evals[k].slot;
	uint64_t key = pc ^ (uint64_t)!activation << 63;
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 40) % NAMES_SLOTS;
	while (nn->slots[i].pc && nn->slots[i].pc != key)
		i = (i + 1) % NAMES_SLOTS;
	if (nn->slots[i].pc)
		return &nn->slots[i];
	if (nn->n >= NAMES_MAX) {
		memset(nn->slots, 0, NAMES_SLOTS * sizeof *nn->slots);
		nn->n = 0;
		i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 40) % NAMES_SLOTS;
	}
	struct native_symbol sym;
	if (native_symbolize(u, pc, activation, &sym) != 0)
		return NULL;
	struct name_slot s = { .pc = key, .activation = (uint8_t)activation };
	s.kind = is_eval(sym.function) ? KIND_EVAL : KIND_CODE;
	s.module = intern_add(&prof->strings, sym.module, strlen(sym.module));
	if (s.module == INTERN_NONE)
		return NULL;
	/* Only a frame that can be shown becomes one of the profile's: writers list every
	 * frame the profile has, and the interpreter's own are never shown. */
	s.frame = INTERN_NONE;
	if (s.kind == KIND_CODE && (s.module != nn->eval_module || !nn->interpreter_set) &&
	    (s.frame = profile_frame(prof, sym.frame_file, sym.frame_function, sym.line)) ==
		    INTERN_NONE)
		return NULL;
	if (s.kind == KIND_EVAL && !nn->interpreter_set)
		nn->eval_module = s.module;
	if (s.kind == KIND_EVAL && sym.function_end > sym.function_start &&
	    nn->n_evals < EVALS_MAX) {
		nn->evals[nn->n_evals].start = sym.function_start;
		nn->evals[nn->n_evals].end = sym.function_end;
		nn->evals[nn->n_evals++].slot = s;
	}
	nn->slots[i] = s;
	nn->n++;
	return &nn->slots[i];
}

size_t native_merge(struct native_names *nn, struct native_unwinder *u, struct profile *prof,
		    const uint64_t *pcs, const uint8_t *activation, size_t npc, int failed,
		    const uint32_t *py, const uint8_t *call_end, size_t npy, uint32_t *out)
{
	/* Innermost first here, reversed at the end. kept: the length after the last eval call
	 * that ran Python frames, where the native frames outside the Python ones begin
	 * (start-up, left out). */
	size_t n = 0, p = 0, kept = 0;
	for (size_t j = 0; j < npc && p < npy; j++) {
		const struct name_slot *s = name_of(nn, u, prof, pcs[j], activation ? activation[j] : 0);
		if (!s)
			continue;
		if (s->kind == KIND_EVAL) {
			/* This call's Python frames: up to the outermost one it entered. */
			while (p < npy) {
				out[n++] = py[p];
				if (call_end[p++])
					break;
			}
			kept = n;
		} else if (s->module != nn->eval_module && s->frame != INTERN_NONE) {
			out[n++] = s->frame;
		}
		/* The interpreter's own frames (call helpers, vectorcall) are left out. */
	}
	/* Native frames past the last eval call that ran Python code are start-up's. With no
	 * eval call named (a stripped interpreter that does not export it, an unwind that
	 * stopped early), nothing says where the Python frames go among the native ones: the
	 * innermost C frames, up to the interpreter's first, go under the Python stack. */
	if (!p) {
		n = 0;
		for (size_t j = 0; j < npc; j++) {
			const struct name_slot *s =
				name_of(nn, u, prof, pcs[j], activation ? activation[j] : 0);
			if (s && (s->module == nn->eval_module || s->frame == INTERN_NONE))
				break;
			if (s)
				out[n++] = s->frame;
		}
		kept = n;
	}
	n = kept;
	if (p < npy && failed)
		out[n++] = profile_frame(prof, "", "(unwind failed)", 0);
	while (p < npy)
		out[n++] = py[p++];
	/* Outermost first, as the profile keeps stacks. */
	for (size_t i = 0, k = n; i < k / 2; i++) {
		uint32_t t = out[i];
		out[i] = out[k - 1 - i];
		out[k - 1 - i] = t;
	}
	return n;
}

size_t native_unwind_stopped(struct native_unwinder *u, pid_t tid, uint64_t *pcs,
			     uint8_t *activation, int *failed)
{
	struct native_regs regs;
	int status = NATIVE_UNWIND_FAILED;
	*failed = 0;
	if (tid <= 0 || native_regs_read(tid, &regs) != 0)
		return 0;
	int n = native_unwind(u, tid, &regs, pcs, activation, NATIVE_MAX_DEPTH, &status);
	*failed = status == NATIVE_UNWIND_FAILED;
	return n > 0 ? (size_t)n : 0;
}
