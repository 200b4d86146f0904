/* msg.c: "pyflame: " lines on stderr. */
#include "util/msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static void vwarn(const char *fmt, va_list ap)
{
	/* One write of the whole line where stdio allows: lines of pyflame and of a -t command
	 * share the terminal. */
	char line[2048];
	vsnprintf(line, sizeof line, fmt, ap);
	fprintf(stderr, "pyflame: %s\n", line);
}

void warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(1);
}
