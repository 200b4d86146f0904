/* file.c: an ELF file opened with libelf, its symbols looked up by name as they are asked for. */
#include "elf/file.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Mappings are page-granular: the mapping at file offset 0 starts at the first PT_LOAD's vaddr
 * rounded down to a page, whatever that segment's p_align claims. */
#define ELF_PAGE_SIZE 4096u

struct elf_file {
	int fd; /* kept open while elf is alive: libelf may still refer to it */
	Elf *elf;
	const unsigned char *image; /* the whole file as libelf mapped it (elf_rawfile) */
	size_t image_size;
	int is_exec;
	uint64_t base_vaddr;
};

/* Whether entry st_name of the string table strs names exactly name (len bytes, no NUL).
 * Bounded by the table's size: a hostile offset or an unterminated string just fails. */
static int name_is(const Elf_Data *strs, uint64_t st_name, const char *name, size_t len)
{
	if (st_name >= strs->d_size || len >= strs->d_size - st_name)
		return 0;
	const char *s = (const char *)strs->d_buf + st_name;
	/* The first byte alone turns most names away, without a call. */
	return s[0] == name[0] && memcmp(s, name, len) == 0 && s[len] == '\0';
}

/* The bytes of string table section ndx, or NULL when that section is missing or is not one
 * (as elf_strptr would refuse it). */
static Elf_Data *string_table(const struct elf_file *f, size_t ndx)
{
	Elf_Scn *scn = elf_getscn(f->elf, ndx);
	GElf_Shdr sh;
	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type != SHT_STRTAB)
		return NULL;
	Elf_Data *d = elf_getdata(scn, NULL);
	return d && d->d_buf ? d : NULL;
}

/* Looks name up in the sections of the given type (SHT_DYNSYM or SHT_SYMTAB), in file order:
 * the first defined entry wins. A linear scan, not an index: the interpreter stage asks for a
 * handful of names once per file, and sorting libpython's 17,000 symbols to answer them cost
 * several times what the scans do. Returns 0 and *value, or -ENOENT. */
static int find_symbol(const struct elf_file *f, Elf64_Word type, const char *name, size_t len,
		       uint64_t *value)
{
	/* st_name leads both classes' entries: a 32-bit word at offset 0. */
	_Static_assert(offsetof(Elf32_Sym, st_name) == 0 && offsetof(Elf64_Sym, st_name) == 0,
		       "st_name leads a symbol entry");
	size_t esize = gelf_getclass(f->elf) == ELFCLASS32 ? sizeof(Elf32_Sym) : sizeof(Elf64_Sym);
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(f->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type || sh.sh_entsize == 0)
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		Elf_Data *strs = string_table(f, sh.sh_link);
		if (!data || !data->d_buf || !strs)
			continue;
		/* Count from the data libelf really has, not from sh_size, which a truncated or
		 * hostile file may overstate. Entries that fail to read are skipped rather than
		 * failing the file: one broken entry should not hide the rest. */
		size_t n = data->d_size / sh.sh_entsize;
		for (size_t i = 1; i < n; i++) { /* entry 0 is the reserved null symbol */
			/* The name first, from st_name in place; the whole entry (gelf_getsym,
			 * ~20 ns) only for the rare one whose name matches. */
			uint32_t st_name;
			if ((i + 1) * esize > data->d_size)
				break; /* gelf_getsym would refuse this entry and every later one */
			memcpy(&st_name, (const unsigned char *)data->d_buf + i * esize, sizeof st_name);
			GElf_Sym s;
			if (st_name == 0 || !name_is(strs, st_name, name, len) ||
			    !gelf_getsym(data, (int)i, &s) || s.st_shndx == SHN_UNDEF)
				continue;
			*value = s.st_value;
			return 0;
		}
	}
	return -ENOENT;
}

/* Reads the program headers for the base vaddr, and checks that each PT_LOAD's file bytes lie
 * inside the file, so elf_file_read_vaddr can trust them later. */
static int scan_segments(struct elf_file *f)
{
	size_t n;
	if (elf_getphdrnum(f->elf, &n) != 0)
		return -ENOEXEC;
	int found = 0;
	uint64_t lowest = 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(f->elf, (int)i, &ph))
			return -ENOEXEC;
		if (ph.p_type != PT_LOAD)
			continue;
		if (ph.p_offset > f->image_size || ph.p_filesz > f->image_size - ph.p_offset ||
		    ph.p_filesz > ph.p_memsz)
			return -ENOEXEC;
		if (!found || ph.p_vaddr < lowest)
			lowest = ph.p_vaddr;
		found = 1;
	}
	if (!found)
		return -ENOEXEC;
	f->base_vaddr = lowest & ~(uint64_t)(ELF_PAGE_SIZE - 1);
	return 0;
}

int elf_file_open(const char *path, struct elf_file **out)
{
	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOSYS;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	/* A FIFO or device would block or lie about its size; only regular files are ELF files. */
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -ENOEXEC;
	}
	struct elf_file *f = calloc(1, sizeof *f);
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	f->fd = fd;
	int err = -ENOEXEC;
	f->elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF)
		goto fail;
	f->image = (const unsigned char *)elf_rawfile(f->elf, &f->image_size);
	if (!f->image)
		goto fail;
	GElf_Ehdr eh;
	if (!gelf_getehdr(f->elf, &eh))
		goto fail;
	if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
		goto fail;
	f->is_exec = eh.e_type == ET_EXEC;
	/* A file cut short loses its section header table first (it sits at the end), and
	 * libelf then just reports no sections: refuse it rather than open a file whose symbols
	 * silently vanished. e_shnum 0 with a table means extended numbering (at least one). */
	size_t shnum, want = eh.e_shnum ? eh.e_shnum : eh.e_shoff != 0;
	if (elf_getshdrnum(f->elf, &shnum) != 0 || shnum < want)
		goto fail;
	if (want && (eh.e_shentsize == 0 || eh.e_shoff > f->image_size ||
		     want > (f->image_size - eh.e_shoff) / eh.e_shentsize))
		goto fail;
	if ((err = scan_segments(f)) != 0)
		goto fail;
	*out = f;
	return 0;
fail:
	elf_file_free(f);
	return err;
}

void elf_file_free(struct elf_file *f)
{
	if (!f)
		return;
	if (f->elf)
		elf_end(f->elf);
	close(f->fd);
	free(f);
}

int elf_file_symbol(const struct elf_file *f, const char *name, uint64_t *value)
{
	size_t len = strlen(name);
	if (len == 0)
		return -ENOENT; /* nameless entries are never symbols */
	if (find_symbol(f, SHT_DYNSYM, name, len, value) == 0)
		return 0;
	return find_symbol(f, SHT_SYMTAB, name, len, value);
}

/* Finds a section header by name. Returns 0 or -ENOENT. */
static int find_section(const struct elf_file *f, const char *name, GElf_Shdr *out)
{
	size_t shstrndx;
	if (elf_getshdrstrndx(f->elf, &shstrndx) != 0)
		return -ENOENT;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(f->elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *n = elf_strptr(f->elf, shstrndx, sh.sh_name);
		if (n && strcmp(n, name) == 0) {
			*out = sh;
			return 0;
		}
	}
	return -ENOENT;
}

int elf_file_section(const struct elf_file *f, const char *name, uint64_t *addr, uint64_t *size)
{
	GElf_Shdr sh;
	if (find_section(f, name, &sh) != 0)
		return -ENOENT;
	*addr = sh.sh_addr;
	*size = sh.sh_size;
	return 0;
}

int elf_file_read_vaddr(const struct elf_file *f, uint64_t vaddr, void *buf, size_t len)
{
	size_t n;
	if (elf_getphdrnum(f->elf, &n) != 0)
		return -EFAULT;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(f->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		/* Written to avoid overflow: vaddr + len may wrap on a hostile request. */
		if (vaddr < ph.p_vaddr || len > ph.p_memsz || vaddr - ph.p_vaddr > ph.p_memsz - len)
			continue;
		uint64_t off = vaddr - ph.p_vaddr;
		unsigned char *dst = buf;
		size_t from_file = 0;
		if (off < ph.p_filesz) {
			from_file = ph.p_filesz - off < len ? (size_t)(ph.p_filesz - off) : len;
			/* p_offset + p_filesz was checked against the file size at open. */
			memcpy(dst, f->image + ph.p_offset + off, from_file);
		}
		/* Past p_filesz is .bss: zero in a fresh process image. */
		memset(dst + from_file, 0, len - from_file);
		return 0;
	}
	return -EFAULT;
}

uint64_t elf_file_base_vaddr(const struct elf_file *f)
{
	return f->base_vaddr;
}

int elf_file_is_exec(const struct elf_file *f)
{
	return f->is_exec;
}

static int printable(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n';
}

/* Every string, byte by byte. */
static int each_string(const unsigned char *p, size_t size, size_t min_len,
		       int (*fn)(const char *s, size_t len, void *arg), void *arg)
{
	size_t start = 0;
	for (size_t i = 0; i < size; i++) {
		unsigned char c = p[i];
		if (c == 0) {
			/* A run of printable bytes ending at a NUL: a C string (or the tail of one
			 * that started with unprintable bytes, which is also what we want). */
			if (i - start >= min_len && i > start) {
				int r = fn((const char *)p + start, i - start, arg);
				if (r)
					return r;
			}
			start = i + 1;
		} else if (!printable(c)) {
			start = i + 1;
		}
	}
	return 0;
}

/* The first needle in [p, p + size): memchr (vectorized) to each occurrence of its first byte,
 * then the rest compared. For "3.8." over libpython3.8's .rodata, glibc's memmem took 2.4 M
 * instructions, this 94 k (callgrind). */
static const unsigned char *find(const unsigned char *p, size_t size, const char *needle,
				 size_t nlen)
{
	const unsigned char *q = p, *end = p + size;
	while ((size_t)(end - q) >= nlen &&
	       (q = memchr(q, (unsigned char)needle[0], (size_t)(end - q) - nlen + 1)) != NULL) {
		if (memcmp(q + 1, needle + 1, nlen - 1) == 0)
			return q;
		q++;
	}
	return NULL;
}

/* The strings that hold needle, found by find() and widened to the run each lies in: the same
 * strings each_string would pass on, without testing every byte (libpython3.8's .rodata: 8 M
 * instructions that way, most of a one-tick run's). */
static int strings_with(const unsigned char *p, size_t size, const char *needle,
			size_t min_len, int (*fn)(const char *s, size_t len, void *arg), void *arg)
{
	size_t nlen = strlen(needle), from = 0;
	const unsigned char *hit;
	while (from < size && (hit = find(p + from, size - from, needle, nlen)) != NULL) {
		size_t start = (size_t)(hit - p), end = start + nlen;
		while (start > 0 && p[start - 1] != 0 && printable(p[start - 1]))
			start--;
		while (end < size && p[end] != 0 && printable(p[end]))
			end++;
		if (end < size && p[end] == 0 && end - start >= min_len) {
			int r = fn((const char *)p + start, end - start, arg);
			if (r)
				return r;
		}
		from = end + 1; /* a string that holds needle twice is passed on once */
	}
	return 0;
}

int elf_file_rodata_strings(const struct elf_file *f, size_t min_len, const char *needle,
			    int (*fn)(const char *s, size_t len, void *arg), void *arg)
{
	GElf_Shdr sh;
	if (find_section(f, ".rodata", &sh) != 0 || sh.sh_type != SHT_PROGBITS)
		return 0;
	if (sh.sh_offset > f->image_size || sh.sh_size > f->image_size - sh.sh_offset)
		return 0; /* truncated file: the section's bytes are not all there */
	const unsigned char *p = f->image + sh.sh_offset;
	if (needle && *needle)
		return strings_with(p, sh.sh_size, needle, min_len, fn, arg);
	return each_string(p, sh.sh_size, min_len, fn, arg);
}
