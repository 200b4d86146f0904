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

#include "mem/image.h"
#include "mem/reader.h"
#include "output/output.h"
#include "proc/pause.h"
#include "profile/profile.h"
#include "python/discover.h"
#include "python/walker.h"
#include "sample/sampler.h"
#include "sample/stats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
