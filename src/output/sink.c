/* sink.c: writing output files atomically, leaving nothing behind when killed. */
#include "output/sink.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Tries for a free temporary name when linking the finished file into the directory. */
#define NAME_TRIES 100

/* The directory part of path ("." when none) into buf. */
static int dir_of(const char *path, char *buf, size_t cap)
{
	const char *slash = strrchr(path, '/');
	int n = slash ? snprintf(buf, cap, "%.*s", (int)(slash == path ? 1 : slash - path), path)
		      : snprintf(buf, cap, ".");
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* A profile is an ordinary file: 0666 less the umask (mkstemp makes 0600). */
static void plain_mode(int fd)
{
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
}

/* Whether a temporary file can be made in dir: made and removed at once. */
static int probe_dir(const char *tmpl)
{
	char name[4096];
	snprintf(name, sizeof name, "%s", tmpl);
	int fd = mkstemp(name);
	if (fd < 0)
		return -errno;
	unlink(name);
	close(fd);
	return 0;
}

int out_sink_is_stdout(const char *path)
{
	return !path || strcmp(path, "-") == 0;
}

int out_sink_open(struct out_sink *s, const char *path)
{
	memset(s, 0, sizeof *s);
	s->path = out_sink_is_stdout(path) ? NULL : path;
	if (!s->path) {
		s->f = stdout;
		return 0;
	}
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	if ((size_t)snprintf(s->tmp, sizeof s->tmp, "%.*s.%s.pyflame-XXXXXX", dirlen, path,
			     slash ? slash + 1 : path) >= sizeof s->tmp)
		return -ENAMETOOLONG;
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return -EISDIR;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A device, FIFO or socket (/dev/null, /dev/stdout, a pipe): written in place.
		 * Renaming a file over it would replace the device node itself. */
		s->f = fopen(path, "w");
		s->direct = 1;
		return s->f ? 0 : -errno;
	}
	char dir[4096];
	if (dir_of(path, dir, sizeof dir) != 0)
		return -ENAMETOOLONG;
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	if (fd >= 0) {
		s->f = fdopen(fd, "w");
		if (!s->f) {
			int e = errno;
			close(fd);
			return -e;
		}
		s->unnamed = 1;
		return 0;
	}
	/* Refusals that say the file system has no O_TMPFILE; anything else (no such
	 * directory, no permission, read-only) is the answer for any file. */
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return -errno;
	s->lazy = 1;
	return probe_dir(s->tmp);
}

FILE *out_sink_stream(struct out_sink *s)
{
	if (s->f || !s->lazy)
		return s->f;
	int fd = mkstemp(s->tmp);
	if (fd < 0)
		return NULL;
	plain_mode(fd);
	s->f = fdopen(fd, "w");
	if (!s->f) {
		int e = errno;
		close(fd);
		unlink(s->tmp);
		errno = e;
		return NULL;
	}
	s->lazy = 0;
	return s->f;
}

/* Gives the finished unnamed file f its name (tmp then is the path itself) when no file has it
 * yet (a link never replaces one: no temporary name and rename, a quarter of a millisecond of
 * a short run's CPU), else a temporary name in its directory (tmp, from its template), for
 * the caller to rename over the old file. Returns 0 or a negative errno. */
static int link_unnamed(struct out_sink *s)
{
	char fdpath[64], tmpl[sizeof s->tmp];
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fileno(s->f));
	if (linkat(AT_FDCWD, fdpath, AT_FDCWD, s->path, AT_SYMLINK_FOLLOW) == 0) {
		snprintf(s->tmp, sizeof s->tmp, "%s", s->path); /* no longer than the template */
		return 0;
	}
	if (errno != EEXIST)
		return -errno;
	memcpy(tmpl, s->tmp, sizeof tmpl);
	size_t x = strlen(tmpl) - 6;
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	for (int i = 0; i < NAME_TRIES; i++) {
		for (int k = 0; k < 6; k++)
			s->tmp[x + (size_t)k] = "abcdefghijklmnopqrstuvwxyz0123456789"[rand_r(&seed) % 36];
		if (linkat(AT_FDCWD, fdpath, AT_FDCWD, s->tmp, AT_SYMLINK_FOLLOW) == 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	memcpy(s->tmp, tmpl, sizeof tmpl);
	return -EEXIST;
}

int out_sink_commit(struct out_sink *s)
{
	if (!s->path)
		return fflush(s->f) == 0 ? 0 : -errno;
	if (!out_sink_stream(s))
		return -errno;
	if (s->direct) {
		int rc = fclose(s->f) == 0 ? 0 : -errno;
		s->f = NULL;
		return rc;
	}
	int rc = fflush(s->f) == 0 ? 0 : -errno;
	int named = !s->unnamed;
	if (rc == 0 && s->unnamed) {
		plain_mode(fileno(s->f));
		rc = link_unnamed(s);
		named = rc == 0;
	}
	if (fclose(s->f) != 0 && rc == 0)
		rc = -errno;
	s->f = NULL;
	if (rc == 0 && strcmp(s->tmp, s->path) != 0 && rename(s->tmp, s->path) != 0)
		rc = -errno;
	if (rc != 0 && named)
		unlink(s->tmp);
	return rc;
}

void out_sink_abort(struct out_sink *s)
{
	if (!s->path || !s->f)
		return;
	fclose(s->f);
	s->f = NULL;
	if (!s->direct && !s->unnamed)
		unlink(s->tmp);
}
