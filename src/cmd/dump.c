/* dump.c: the dump command, `pyflame dump -p PID`: one look at every thread of a process, each
 * with its OS thread id and stack, as the classic `pyflame -d` prints it. For now it is that
 * flag's command name (the same options, the same output); what only a dump can show (locals,
 * JSON) is to come here. */
#include <stdlib.h>

#include "cmd/commands.h"
#include "util/msg.h"

int cmd_dump(int argc, char **argv)
{
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
