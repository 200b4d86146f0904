/* writers.c: the one table of output formats (see writers.h). */
#include "output/writers.h"

#include <string.h>
#include <strings.h>

/* Collapsed text, or with --flamechart its time-ordered form. */
static int write_collapsed(const struct profile *p, const struct out_options *o, FILE *f)
{
	return o->flamechart ? out_flamechart_write(p, o, f) : out_collapsed_write(p, o, f);
}

const struct out_writer out_writers[] = {
	{ "collapsed", { "raw" }, { NULL }, write_collapsed, 0 },
	{ "svg", { "flamegraph" }, { ".svg" }, out_svg_write, OUT_PER_THREAD_CHART },
	{ "speedscope", { NULL }, { ".speedscope.json", ".json" }, out_speedscope_write,
	  OUT_PER_THREAD },
	{ "chrome", { "chrometrace" }, { ".trace.json" }, out_chrome_write,
	  OUT_NEEDS_TIMELINE | OUT_THREADS_ALWAYS },
	{ "pprof", { NULL }, { ".pb.gz", ".pprof" }, out_pprof_write, OUT_PER_THREAD | OUT_BINARY },
};
const size_t out_writers_len = sizeof out_writers / sizeof out_writers[0];

const struct out_writer *out_writer_named(const char *name)
{
	for (size_t i = 0; i < out_writers_len; i++) {
		const struct out_writer *w = &out_writers[i];
		if (strcmp(w->name, name) == 0)
			return w;
		for (size_t a = 0; a < sizeof w->aliases / sizeof w->aliases[0] && w->aliases[a]; a++)
			if (strcmp(w->aliases[a], name) == 0)
				return w;
	}
	return NULL;
}

const struct out_writer *out_writer_for_path(const char *path)
{
	const struct out_writer *best = out_writer_default();
	size_t n = strlen(path), best_len = 0;
	for (size_t i = 0; i < out_writers_len; i++) {
		for (size_t e = 0; e < 3 && out_writers[i].endings[e]; e++) {
			size_t k = strlen(out_writers[i].endings[e]);
			if (n > k && k > best_len &&
			    strcasecmp(path + n - k, out_writers[i].endings[e]) == 0) {
				best = &out_writers[i];
				best_len = k;
			}
		}
	}
	return best;
}

const struct out_writer *out_writer_default(void)
{
	return &out_writers[0];
}

const char *out_writer_names(void)
{
	static char names[256];
	if (names[0])
		return names;
	size_t len = 0;
	for (size_t i = 0; i < out_writers_len && len < sizeof names; i++) {
		const char *sep = i == 0 ? "" : i + 1 == out_writers_len ? " or " : ", ";
		int k = snprintf(names + len, sizeof names - len, "%s%s", sep, out_writers[i].name);
		if (k < 0)
			break;
		len += (size_t)k;
	}
	return names;
}
