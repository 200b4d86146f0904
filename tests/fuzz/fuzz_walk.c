/* fuzz_walk.c: the walker over hostile memory. The input is a whole memory image (as
 * tools/record-images writes them: metadata, then pages), so the fuzzer mutates both what
 * discovery claims and every byte of the target that a walk reads. Whatever the bytes, the
 * walk must end, without a crash, an endless loop or unbounded allocation.
 *   make fuzz            libFuzzer, seeded with tests/images
 *   make check           replays tests/fuzz/corpus and tests/images through this same function */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/image.h"
#include "mem/reader.h"
#include "output/output.h"
#include "proc/pause.h"
#include "profile/profile.h"
#include "python/discover.h"
#include "python/locals.h"
#include "python/repr.h"
#include "python/walker.h"
#include "sample/sampler.h"
#include "sample/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A local as dump --locals gets it: whatever the bytes, its repr keeps to its bound. */
static int check_local(void *arg, const struct py_local *v)
{
	(void)arg;
	if (strlen(v->repr) >= PY_REPR_MAX || strlen(v->type) >= PY_REPR_TYPE_MAX ||
	    strlen(v->name) >= PY_LOCAL_NAME_MAX)
		abort();
	return 0;
}

/* Every frame's locals of every thread, as dump --locals reads them (its pause aside). */
static void read_locals(struct py_walker *w)
{
	struct py_locals *l = py_locals_new(w);
	struct py_thread th[16];
	struct py_raw_frame fr[64];
	size_t partial;
	int nt = l ? py_threads_read(w, w->mem, th, 16) : 0;
	for (int i = 0; i < nt; i++) {
		int nf = th[i].frame ? py_stack_read(w, th[i].frame, &th[i].link, fr, 64, &partial) : 0;
		if (nf == PY_WALK_TOO_DEEP)
			nf = (int)partial;
		for (int k = 0; k < nf; k++) {
			int more;
			py_locals_read(l, &fr[k], check_local, NULL, &more);
		}
	}
	py_locals_free(l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *meta = NULL, err[256];
	struct mem_reader *mem = mem_image_parse(data, size, &meta);
	if (!mem)
		return 0;
	struct py_target pt;
	struct py_walker w;
	if (py_target_parse(meta, &pt) == 0 && py_walker_init(&w, mem, &pt, err, sizeof err) == 0) {
		struct profile prof;
		profile_init(&prof);
		struct proc_target t = { .pid = 0 };
		/* Threads tagged and a timeline kept, so every writer has all it can be given. */
		struct sampler_config cfg = { .seconds = 0, .interval = 0.01, .once = 1,
					      .all_threads = 1, .tag_threads = 1,
					      .thread_identity = 1 };
		prof.keep_timeline = 1;
		volatile sig_atomic_t stop = 0;
		struct py_thread holder;
		py_gil_owner(&w, w.mem, &holder); /* what a pause reads first, before stopping anything */
		struct sample_stats stats = { 0 };
		sampler_run(&t, &w, &cfg, &prof, &stats, &stop);
		read_locals(&w);
		/* The writers too: names from a hostile target must still make valid output. */
		FILE *sink = fopen("/dev/null", "w");
		if (sink) {
			struct out_options oo = { .line_numbers = 1, .include_idle = 1,
						  .thread_names = 1, .title = "fuzz" };
			out_collapsed_write(&prof, &oo, sink);
			out_flamechart_write(&prof, &oo, sink);
			out_svg_write(&prof, &oo, sink);
			out_speedscope_write(&prof, &oo, sink);
			out_chrome_write(&prof, &oo, sink);
			out_pprof_write(&prof, &oo, sink);
			oo.flamechart = 1;
			out_svg_write(&prof, &oo, sink);
			fclose(sink);
		}
		profile_release(&prof);
		py_walker_release(&w);
	}
	free(meta);
	mem_reader_free(mem);
	return 0;
}
