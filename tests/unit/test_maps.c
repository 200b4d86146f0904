/* test_maps.c: /proc/PID/maps as the kernel writes it, parsed into mappings: a file's, with its
 * offset; anonymous memory (an empty path, with or without the space after the inode); the
 * kernel's names ([heap], [stack], [vdso]); a path with spaces and one deleted; the last line
 * without its newline. Lines of another shape are skipped, not guessed at. And our own maps,
 * read live, hold this program's code. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "proc/maps.h"

static void parse_known(void)
{
	const char *text =
		"55d0c0a00000-55d0c0a01000 r--p 00000000 fe:00 82589                      "
		"/usr/bin/python3.13\n"
		"7f2f53c86000-7f2f53f32000 r-xp 00086000 fe:00 82864                      "
		"/root/.pyenv/versions/3.13.0/lib/libpython3.13.so.1.0\n"
		"7f2f5416f000-7f2f541e1000 rw-p 00000000 00:00 0 \n"
		"7f2f541e1000-7f2f541e2000 rw-p 00000000 00:00 0\n"
		"561b3a6fe000-561b3a803000 rw-p 00000000 00:00 0                          [heap]\n"
		"7f00000000-7f00001000 r-xp 0001a000 08:01 1234                       "
		"/opt/my app/lib python.so (deleted)\n"
		"not a mapping at all\n"
		"7f2f-zz r--p 00000000 fe:00 1 /bad/end\n"
		"7f2f5416f000-7f2f541e1000 rw-p\n"
		"\n"
		"7ffce7950000-7ffce7971000 rw-p 00000000 00:00 0                          [stack]";
	struct proc_maps maps;
	CHECK_INT(proc_maps_parse(text, &maps), 0, "maps text parses");
	CHECK_INT(maps.n, 7, "seven mappings, the four malformed lines skipped");
	if (maps.n != 7) {
		proc_maps_release(&maps);
		return;
	}
	CHECK(maps.v[0].start == 0x55d0c0a00000ull && maps.v[0].end == 0x55d0c0a01000ull,
	      "a file's mapping: its start and end");
	CHECK_STR(maps.v[0].perms, "r--p", "...its permissions");
	CHECK_STR(maps.v[0].path, "/usr/bin/python3.13", "...its path, without the padding");
	CHECK(maps.v[1].offset == 0x86000, "a library's code: its offset in the file");
	CHECK_STR(maps.v[1].path, "/root/.pyenv/versions/3.13.0/lib/libpython3.13.so.1.0",
		  "...and its path");
	CHECK_STR(maps.v[2].path, "", "anonymous memory, a space after the inode: no path");
	CHECK_STR(maps.v[3].path, "", "anonymous memory, nothing after the inode: no path");
	CHECK_STR(maps.v[4].path, "[heap]", "the heap keeps the kernel's name");
	CHECK_STR(maps.v[5].path, "/opt/my app/lib python.so (deleted)",
		  "a path with spaces, deleted: kept whole");
	CHECK(maps.v[5].start == 0x7f00000000ull && maps.v[5].offset == 0x1a000,
	      "...numbers of any width");
	CHECK_STR(maps.v[6].path, "[stack]", "the last line, with no newline, is read too");
	CHECK_STR(proc_map_basename(&maps.v[1]), "libpython3.13.so.1.0",
		  "a mapping's basename is its file's name");
	proc_maps_release(&maps);
	CHECK(maps.v == NULL && maps.n == 0, "release empties the list");

	CHECK_INT(proc_maps_parse("", &maps), 0, "empty text parses");
	CHECK_INT(maps.n, 0, "...to no mappings");
	proc_maps_release(&maps);
	CHECK_INT(proc_maps_parse("ffffffffffffffffff-1 r--p 0 0:0 0 /x\n", &maps), 0,
		  "a number wider than 64 bits parses");
	CHECK_INT(maps.n, 0, "...as no mapping");
	proc_maps_release(&maps);
}

static void parse_own(void)
{
	struct proc_maps maps;
	CHECK_INT(proc_maps_read(getpid(), &maps), 0, "our own maps read");
	uintptr_t code = (uintptr_t)&parse_own;
	int found = 0;
	for (size_t i = 0; i < maps.n; i++)
		if (code >= maps.v[i].start && code < maps.v[i].end)
			found = maps.v[i].perms[2] == 'x' && maps.v[i].path[0] == '/';
	CHECK(found, "our own code lies in an executable mapping of a file");
	proc_maps_release(&maps);
}

int main(void)
{
	parse_known();
	parse_own();
	return check_exit();
}
