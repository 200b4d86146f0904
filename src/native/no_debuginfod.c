/* no_debuginfod.c: libdwfl's three calls into its debuginfod client, answered "not found",
 * linked into build/pyflame when it is linked static.
 *
 * Pyflame looks for separate debug info by build ID on this machine only (modules.c), never
 * over the network. libdw's own client (debuginfod-client.o) would never be asked for a file
 * by the callbacks pyflame gives libdwfl, but linked in it brings dlopen() into a static
 * binary, with the linker's warning at every build. Defined here, libdw.a's object is never
 * pulled in: no code is ever loaded at run time. The signatures are those of elfutils'
 * libdwfl/libdwflP.h (0.179 to 0.192 at least); the build ID arguments are not looked at. A
 * libdw linked shared keeps its own and never sees these: the tests', and STATIC_DEPS=0. */
#include <stddef.h>

int __libdwfl_debuginfod_find_executable(void *dwfl, const unsigned char *build_id,
					 size_t build_id_len);
int __libdwfl_debuginfod_find_debuginfo(void *dwfl, const unsigned char *build_id,
					size_t build_id_len);
void __libdwfl_debuginfod_end(void *client);

int __libdwfl_debuginfod_find_executable(void *dwfl, const unsigned char *build_id,
					 size_t build_id_len)
{
	(void)dwfl;
	(void)build_id;
	(void)build_id_len;
	return -1;
}

int __libdwfl_debuginfod_find_debuginfo(void *dwfl, const unsigned char *build_id,
					size_t build_id_len)
{
	(void)dwfl;
	(void)build_id;
	(void)build_id_len;
	return -1;
}

void __libdwfl_debuginfod_end(void *client)
{
	(void)client;
}
