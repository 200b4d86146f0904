/* test_writers.c: the table of output formats (src/output/writers.c): names, the file name
 * endings that choose a format (the longest that matches, in any case), the default, and what
 * each format asks of the run. */
#include "check.h"
#include "output/writers.h"

static const char *for_path(const char *path)
{
	return out_writer_for_path(path)->name;
}

static const char *name_of(const struct out_writer *w)
{
	return w ? w->name : NULL;
}

int main(void)
{
	CHECK_STR(out_writer_default()->name, "collapsed", "the default is collapsed text");
	CHECK(out_writer_named("svg") && out_writer_named("pprof") && !out_writer_named("SVG") &&
		      !out_writer_named("flame") && !out_writer_named(""),
	      "formats are found by their exact -f names");
	/* py-spy's names for the same formats, so its users' -f works here too. */
	CHECK(out_writer_named("flamegraph") == out_writer_named("svg"), "flamegraph is svg");
	CHECK(out_writer_named("raw") == out_writer_named("collapsed"), "raw is collapsed");
	CHECK(out_writer_named("chrometrace") == out_writer_named("chrome"), "chrometrace is chrome");
	CHECK_STR(name_of(out_writer_named("flamegraph")), "svg",
		  "an alias finds the row, which keeps its own name for messages");
	CHECK_STR(out_writer_names(), "collapsed, svg, speedscope, chrome or pprof",
		  "the names, as the unknown-format message lists them");

	CHECK_STR(for_path("p.svg"), "svg", ".svg: svg");
	CHECK_STR(for_path("P.SVG"), "svg", "endings match in any case");
	CHECK_STR(for_path("p.trace.json"), "chrome", ".trace.json: chrome, not speedscope's .json");
	CHECK_STR(for_path("p.speedscope.json"), "speedscope", ".speedscope.json: speedscope");
	CHECK_STR(for_path("p.json"), "speedscope", ".json: speedscope");
	CHECK_STR(for_path("p.pb.gz"), "pprof", ".pb.gz: pprof");
	CHECK_STR(for_path("p.pprof"), "pprof", ".pprof: pprof");
	CHECK_STR(for_path("p.txt"), "collapsed", "any other name: collapsed");
	CHECK_STR(for_path(".svg"), "collapsed", "a name that is only an ending: collapsed");

	CHECK(out_writer_named("chrome")->needs & OUT_NEEDS_TIMELINE,
	      "chrome traces need every sample's time");
	CHECK(out_writer_named("pprof")->needs & OUT_BINARY, "pprof is binary");
	CHECK(!(out_writer_default()->needs & (OUT_NEEDS_TIMELINE | OUT_BINARY)),
	      "collapsed text needs nothing");
	return check_exit();
}
