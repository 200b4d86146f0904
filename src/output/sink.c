/* sink.c: writing output files atomically. */
#include "output/sink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int out_sink_open(struct out_sink *s, const char *path)
{
	memset(s, 0, sizeof *s);
	s->path = path;
	if (!path) {
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
	int fd = mkstemp(s->tmp);
	if (fd < 0)
		return -errno;
	/* mkstemp makes the file 0600; a profile is an ordinary file (0666 less the umask). */
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	s->f = fdopen(fd, "w");
	if (!s->f) {
		int e = errno;
		close(fd);
		unlink(s->tmp);
		return -e;
	}
	return 0;
}

int out_sink_commit(struct out_sink *s)
{
	if (!s->path)
		return fflush(s->f) == 0 ? 0 : -errno;
	if (s->direct) {
		int rc = fclose(s->f) == 0 ? 0 : -errno;
		s->f = NULL;
		return rc;
	}
	int rc = 0;
	if (fclose(s->f) != 0)
		rc = -errno;
	s->f = NULL;
	if (rc == 0 && rename(s->tmp, s->path) != 0)
		rc = -errno;
	if (rc != 0)
		unlink(s->tmp);
	return rc;
}

void out_sink_abort(struct out_sink *s)
{
	if (!s->path || !s->f)
		return;
	fclose(s->f);
	s->f = NULL;
	if (!s->direct)
		unlink(s->tmp);
}
