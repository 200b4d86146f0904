/* live.h: a memory reader over a running process. */
#ifndef PYFLAME_MEM_LIVE_H
#define PYFLAME_MEM_LIVE_H

#include <sys/types.h>

struct mem_reader;

/* A reader for process pid: process_vm_readv, falling back to /proc/PID/mem where the kernel
 * refuses it (older kernels, some seccomp profiles). Returns NULL only when out of memory; a
 * process we may not read shows up as MEM_EPERM on the first read. Free with mem_reader_free. */
struct mem_reader *mem_live_new(pid_t pid);

#endif
