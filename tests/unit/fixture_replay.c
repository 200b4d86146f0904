/* fixture_replay.c: see fixture_replay.h. */
#include "fixture_replay.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fixture_replay_dir(const char *dir, const char *suffix,
		       int (*fn)(const uint8_t *data, size_t size))
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
			fn(buf, len);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}
