/* dump.c: the dump command, `pyflame dump -p PID`: one look at every thread of a process, each
 * with its OS thread id and stack, as the classic `pyflame -d` prints it. For now it is that
 * flag's command name (the same options, the same output); what only a dump can show (locals,
 * JSON) is to come here. */
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "util/msg.h"

void cmd_dump_usage(FILE *f)
{
	fputs("Usage: pyflame dump -p PID [OPTIONS]\n"
	      "\n"
	      "Print every thread's current stack once, innermost frame first, each under a\n"
	      "line 'TID: NAME (ident 0x...)' ('TID*:' marks the thread holding the GIL).\n"
	      "The same as 'pyflame -d -p PID'.\n"
	      "\n"
	      "Options:\n"
	      "  -p, --pid=PID          the running process to look at\n"
	      "  -C, --subprocesses     its Python descendants too, each under a line\n"
	      "                         'Process PID (COMMAND LINE):'\n"
	      "      --native           with the native (C) frames\n"
	      "  -n, --no-line-numbers  frames as FILE:FUNCTION\n"
	      "  -o, --output=PATH      write to PATH instead of stdout\n"
	      "      --abi=VERSION      force the Python ABI (27, 36, 37, ... 314)\n"
	      "  -h, --help             print this help and exit\n",
	      f);
}

int cmd_dump(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cmd_dump_usage(stdout);
			return 0;
		}
	/* The command line of `record -d`: the name, -d, then the arguments as given. */
	char **args = calloc((size_t)argc + 2, sizeof *args);
	if (!args)
		die("out of memory");
	args[0] = argv[0];
	args[1] = "-d";
	for (int i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	int rc = cmd_record(argc + 1, args);
	free(args);
	return rc;
}
