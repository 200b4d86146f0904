/* commands.h: pyflame's commands, one file each in this directory, each taking the command
 * line that follows its name (argv[0] is the command's own name) and returning the exit
 * status. src/main.c dispatches to them. */
#ifndef PYFLAME_CMD_COMMANDS_H
#define PYFLAME_CMD_COMMANDS_H

/* record: profile a process (-p) or a command (-t) into the chosen outputs, or print one
 * snapshot of its threads (-d); every flag of the original Pyflame. */
int cmd_record(int argc, char **argv);

/* dump: one snapshot of every thread of a process (`record -d`). */
int cmd_dump(int argc, char **argv);

#endif
