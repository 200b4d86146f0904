/* test_fuzz_corpus.c: replays the fuzz regression corpus (tests/fuzz/corpus) and the recorded
 * images through the fuzz target, so every input that once broke the walker, and every real
 * image, keeps being walked safely by every `make check` (under the sanitizers too). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_dir(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	int n = 0;
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name), sl = strlen(suffix);
		if (e->d_name[0] == '.' || l < sl || strcmp(e->d_name + l - sl, suffix) != 0)
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		uint8_t *buf = malloc(1 << 22);
		size_t len = buf ? fread(buf, 1, 1 << 22, f) : 0;
		fclose(f);
		if (buf)
			LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

int main(void)
{
	int images = replay_dir("tests/images", ".img");
	int corpus = replay_dir("tests/fuzz/corpus", "");
	char what[128];
	snprintf(what, sizeof what, "fuzz target walks %d recorded images and %d corpus inputs",
		 images, corpus);
	/* Reaching this line is the test: a crash, sanitizer report or hang fails it. */
	CHECK(images > 0, what);
	return check_exit();
}
