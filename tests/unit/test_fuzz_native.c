/* test_fuzz_native.c: the native unwinder's fuzz target (tests/fuzz/fuzz_native.c) on its
 * regression corpus (tests/fuzz/corpus-native) and on inputs made here from a fixed seed:
 * random registers and stacks, most of them aimed at this program's code and stack, with
 * return addresses into its code, so CFI is applied to garbage. A crash, a sanitizer report or
 * a hang fails it; the target itself traps on a frame count out of bounds. */
#include <stdlib.h>

#include "check.h"
#include "fixture_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REGS_SIZE (17 * 8)

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int main(void)
{
	int corpus = fixture_replay_dir("tests/fuzz/corpus-native", "", LLVMFuzzerTestOneInput);
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int rounds = 2000;
	static uint8_t in[REGS_SIZE + 1 + 4096];
	for (int i = 0; i < rounds; i++) {
		size_t len = REGS_SIZE + 1 + next(&seed) % 4096;
		for (size_t k = 0; k + 8 <= len; k += 8) {
			uint64_t w = next(&seed);
			/* Three stack words in four are return addresses into code (tagged). */
			if (k > REGS_SIZE && w % 4 != 0)
				w = 0xc0deull << 48 | w >> 16;
			memcpy(in + k, &w, 8);
		}
		in[REGS_SIZE] = i % 8 == 0 ? (uint8_t)next(&seed) : 7;
		LLVMFuzzerTestOneInput(in, len);
	}
	char what[128];
	snprintf(what, sizeof what, "native fuzz target unwinds %d corpus inputs and %d made here",
		 corpus, rounds);
	CHECK(1, what); /* reaching this line is the test */
	return check_exit();
}
