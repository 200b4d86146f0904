/* file.h: one ELF file (an executable or libpython) opened with libelf, and the questions the
 * interpreter stage asks of it: symbol values, section ranges, bytes at a virtual address.
 *
 * All addresses here are the file's own virtual addresses; the caller adds the load bias that
 * it found in /proc/PID/maps.
 */
#ifndef PYFLAME_ELF_FILE_H
#define PYFLAME_ELF_FILE_H

#include <stddef.h>
#include <stdint.h>

struct elf_file;

/* Opens the ELF at path (a path may be /proc/PID/root/... or /proc/PID/map_files/...).
 * Returns 0 and *out, or a negative errno value (-ENOEXEC when it is not a usable ELF file).
 * Free with elf_file_free(). */
int elf_file_open(const char *path, struct elf_file **out);

/* NULL-safe. */
void elf_file_free(struct elf_file *f);

/* Looks name up in .dynsym, then .symtab (local symbols included: 2.7's interp_head is static).
 * Returns 0 and *value (st_value), or -ENOENT. Only defined symbols count. */
int elf_file_symbol(const struct elf_file *f, const char *name, uint64_t *value);

/* Returns 0 with the section's sh_addr and sh_size, or -ENOENT. */
int elf_file_section(const struct elf_file *f, const char *name, uint64_t *addr, uint64_t *size);

/* Copies len bytes found at file virtual address vaddr (from the PT_LOAD segment that holds
 * them; bytes of .bss read as zero). Returns 0, or -EFAULT when no segment holds them all. */
int elf_file_read_vaddr(const struct elf_file *f, uint64_t vaddr, void *buf, size_t len);

/* The lowest PT_LOAD p_vaddr, rounded down to the page size (4096): what the start of the
 * mapping at file offset 0 corresponds to. load bias = mapping start - this. */
uint64_t elf_file_base_vaddr(const struct elf_file *f);

/* ET_EXEC (1) or ET_DYN (0). */
int elf_file_is_exec(const struct elf_file *f);

/* Calls fn for each NUL-terminated printable string of at least min_len bytes in .rodata
 * (with needle: only those that hold it), stopping when fn returns non-zero (that value is
 * returned). Used for version scans. */
int elf_file_rodata_strings(const struct elf_file *f, size_t min_len, const char *needle,
			    int (*fn)(const char *s, size_t len, void *arg), void *arg);

#endif
