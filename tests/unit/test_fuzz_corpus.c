/* test_fuzz_corpus.c: replays the fuzz regression corpus (tests/fuzz/corpus) and the recorded
 * images through the fuzz target, so every input that once broke the walker, and every real
 * image, keeps being walked safely by every `make check` (under the sanitizers too). */
#include "check.h"
#include "fixture_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(void)
{
	int images = fixture_replay_dir("tests/images", ".img", LLVMFuzzerTestOneInput);
	int corpus = fixture_replay_dir("tests/fuzz/corpus", "", LLVMFuzzerTestOneInput);
	char what[128];
	snprintf(what, sizeof what, "fuzz target walks %d recorded images and %d corpus inputs",
		 images, corpus);
	/* Reaching this line is the test: a crash, sanitizer report or hang fails it. */
	CHECK(images > 0, what);
	return check_exit();
}
