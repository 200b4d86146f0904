/* fixture_replay.h: feeding the files of a fuzz corpus to a fuzz target, for the tests that
 * replay one (test_fuzz_corpus: the walker's; test_fuzz_native: the native unwinder's). */
#ifndef PYFLAME_TESTS_FIXTURE_REPLAY_H
#define PYFLAME_TESTS_FIXTURE_REPLAY_H

#include <stddef.h>
#include <stdint.h>

/* Calls fn on the bytes of every file of dir whose name ends in suffix ("" for all but dot
 * files; at most 4 MiB of each). Returns how many files were fed (0 when dir is missing). */
int fixture_replay_dir(const char *dir, const char *suffix,
		       int (*fn)(const uint8_t *data, size_t size));

#endif
