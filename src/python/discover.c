/* discover.c: locating the interpreter's state in a target process. */
#include "python/discover.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf/file.h"
#include "proc/maps.h"

/* Whether a mapped file is a libpython ("libpython3.12.so.1.0", "libpython2.7.so"). */
static int is_libpython(const char *base)
{
	return strncmp(base, "libpython2", 10) == 0 || strncmp(base, "libpython3", 10) == 0;
}

int py_open_mapped(pid_t pid, const struct proc_map *m, struct elf_file **out)
{
	char path[1024];
	snprintf(path, sizeof path, "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, (int)pid, m->start,
		 m->end);
	if (elf_file_open(path, out) == 0)
		return 0;
	snprintf(path, sizeof path, "/proc/%d/root%s", (int)pid, m->path);
	if (elf_file_open(path, out) == 0)
		return 0;
	return elf_file_open(m->path, out);
}

/* The mapping of the same file at file offset 0: its start minus the file's base vaddr is the
 * load bias. */
static int load_bias(const struct proc_maps *maps, const char *path, const struct elf_file *f,
		     uint64_t *bias)
{
	for (size_t i = 0; i < maps->n; i++) {
		if (maps->v[i].offset == 0 && strcmp(maps->v[i].path, path) == 0) {
			*bias = maps->v[i].start - elf_file_base_vaddr(f);
			return 0;
		}
	}
	return -1;
}

/* 2.7 and 3.6 keep interp_head static. Without .symtab, the exported PyInterpreterState_Head
 * begins with `mov disp32(%rip),%rax` (48 8b 05 disp32) loading it, in the builds checked;
 * anything else is refused rather than guessed. */
static int interp_head_from_code(const struct elf_file *f, uint64_t *addr)
{
	uint64_t fn;
	uint8_t insn[7];
	if (elf_file_symbol(f, "PyInterpreterState_Head", &fn) != 0 ||
	    elf_file_read_vaddr(f, fn, insn, sizeof insn) != 0)
		return -1;
	if (insn[0] != 0x48 || insn[1] != 0x8b || insn[2] != 0x05)
		return -1;
	int32_t disp = (int32_t)((uint32_t)insn[3] | (uint32_t)insn[4] << 8 |
				 (uint32_t)insn[5] << 16 | (uint32_t)insn[6] << 24);
	*addr = fn + sizeof insn + (uint64_t)(int64_t)disp;
	return 0;
}

static int find_state(const struct elf_file *f, const struct py_version *v, uint64_t bias,
		      struct py_target *out)
{
	uint64_t a;
	if (elf_file_symbol(f, "PyCode_Type", &a) == 0)
		out->code_type = a + bias;
	if (v->major == 3 && v->minor >= 7) {
		uint64_t size;
		if (elf_file_symbol(f, "_PyRuntime", &a) == 0)
			out->runtime = a + bias;
		else if (elf_file_section(f, ".PyRuntime", &a, &size) == 0)
			out->runtime = a + bias; /* 3.10+: the section starts at _PyRuntime */
		else
			return -1;
		return 0;
	}
	if (elf_file_symbol(f, "_PyThreadState_Current", &a) != 0)
		return -1;
	out->tstate_current = a + bias;
	if (elf_file_symbol(f, "interp_head", &a) != 0 && interp_head_from_code(f, &a) != 0)
		return -1;
	out->interp_head = a + bias;
	/* 3.6's GIL counts its switches too, in statics: with them, --threads stops (or watches)
	 * only the GIL's last holder. All three or none (2.7's GIL has none of them). */
	uint64_t locked, last, switches;
	if (v->major == 3 && elf_file_symbol(f, "gil_locked", &locked) == 0 &&
	    elf_file_symbol(f, "gil_last_holder", &last) == 0 &&
	    elf_file_symbol(f, "gil_switch_number", &switches) == 0) {
		out->gil_locked = locked + bias;
		out->gil_last_holder = last + bias;
		out->gil_switch_number = switches + bias;
	}
	return 0;
}

/* Whether the interpreter's state at addr is mapped writable yet. The dynamic loader maps a
 * library's whole extent read-only from its first segment, then maps the writable segment over
 * it: between the two, the state's address reads the file's other bytes (an embedded 3.13 run
 * under -t read there once, and took the missing _Py_DebugOffsets cookie for a fault). */
static int state_mapped(const struct proc_maps *maps, uint64_t addr)
{
	for (size_t i = 0; i < maps->n; i++) {
		const struct proc_map *m = &maps->v[i];
		if (addr >= m->start && addr < m->end)
			return m->perms[1] == 'w';
	}
	return 0;
}

int py_discover(pid_t pid, const struct py_version *abi, struct py_target *out, char *err,
		size_t errlen)
{
	struct proc_maps maps;
	memset(out, 0, sizeof *out);
	int rc = proc_maps_read(pid, &maps);
	if (rc < 0) {
		snprintf(err, errlen, "cannot read the memory maps of %d: %s", (int)pid,
			 strerror(-rc));
		return PY_DISCOVER_NO_PROCESS;
	}

	/* Candidates: a mapped libpython first (pyenv, embedders such as uWSGI), then the
	 * executable itself (static builds such as Debian's /usr/bin/python3.11). */
	const struct proc_map *cand[2] = { NULL, NULL };
	for (size_t i = 0; i < maps.n; i++) {
		const struct proc_map *m = &maps.v[i];
		if (m->path[0] != '/' || m->offset != 0)
			continue;
		if (!cand[0] && is_libpython(proc_map_basename(m)))
			cand[0] = m;
		if (!cand[1])
			cand[1] = m; /* the first file mapped is the executable */
	}

	rc = PY_DISCOVER_NOT_PYTHON;
	snprintf(err, errlen, "process %d does not look like a Python process (no libpython or "
		 "Python symbols in its memory maps)", (int)pid);
	for (int c = 0; c < 2; c++) {
		if (!cand[c])
			continue;
		struct elf_file *f;
		if (py_open_mapped(pid, cand[c], &f) != 0)
			continue;
		uint64_t probe;
		int looks_python = elf_file_symbol(f, "PyCode_Type", &probe) == 0 ||
				   elf_file_symbol(f, "Py_Initialize", &probe) == 0;
		if (!looks_python) {
			elf_file_free(f);
			if (c == 0) /* named like libpython, yet it is not one */
				snprintf(err, errlen, "process %d maps %s, which has no Python symbols "
					 "(PyCode_Type, Py_Initialize)", (int)pid, cand[c]->path);
			continue;
		}
		struct py_version v;
		if (abi) {
			v = *abi;
		} else if (py_version_detect(f, proc_map_basename(cand[c]), &v) != 0) {
			snprintf(err, errlen, "cannot tell the Python version of %s; "
				 "name it with --abi", cand[c]->path);
			rc = PY_DISCOVER_NO_VERSION;
			elf_file_free(f);
			break;
		}
		uint64_t bias;
		if (load_bias(&maps, cand[c]->path, f, &bias) != 0 ||
		    find_state(f, &v, bias, out) != 0) {
			snprintf(err, errlen, "found Python %d.%d in %s but not its interpreter "
				 "state symbols", v.major, v.minor, cand[c]->path);
			rc = PY_DISCOVER_NO_SYMBOLS;
			elf_file_free(f);
			break;
		}
		if (!state_mapped(&maps, out->runtime ? out->runtime : out->interp_head)) {
			snprintf(err, errlen, "process %d is still loading %s", (int)pid,
				 cand[c]->path);
			rc = PY_DISCOVER_NOT_PYTHON;
			elf_file_free(f);
			break;
		}
		out->version = v;
		snprintf(out->binary, sizeof out->binary, "%s", cand[c]->path);
		elf_file_free(f);
		rc = PY_DISCOVER_OK;
		err[0] = '\0';
		break;
	}
	proc_maps_release(&maps);
	return rc;
}

int py_target_format(const struct py_target *t, char *buf, size_t cap)
{
	int n = snprintf(buf, cap,
			 "version %d.%d.%d\nruntime 0x%" PRIx64 "\ninterp_head 0x%" PRIx64
			 "\ntstate_current 0x%" PRIx64 "\ncode_type 0x%" PRIx64
			 "\ngil_statics 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 "\nbinary %s\n",
			 t->version.major, t->version.minor, t->version.micro, t->runtime,
			 t->interp_head, t->tstate_current, t->code_type, t->gil_locked,
			 t->gil_last_holder, t->gil_switch_number, t->binary);
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

int py_target_parse(const char *text, struct py_target *out)
{
	memset(out, 0, sizeof *out);
	int have_version = 0;
	const char *line = text;
	while (*line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		char l[600];
		if (len < sizeof l) {
			memcpy(l, line, len);
			l[len] = '\0';
			if (sscanf(l, "version %d.%d.%d", &out->version.major, &out->version.minor,
				   &out->version.micro) == 3)
				have_version = 1;
			sscanf(l, "runtime %" SCNx64, &out->runtime);
			sscanf(l, "interp_head %" SCNx64, &out->interp_head);
			sscanf(l, "tstate_current %" SCNx64, &out->tstate_current);
			sscanf(l, "code_type %" SCNx64, &out->code_type);
			sscanf(l, "gil_statics %" SCNx64 " %" SCNx64 " %" SCNx64, &out->gil_locked,
			       &out->gil_last_holder, &out->gil_switch_number);
			if (strncmp(l, "binary ", 7) == 0) {
				/* Paths longer than the field are cut; the name is informative. */
				size_t bl = strlen(l + 7);
				if (bl >= sizeof out->binary)
					bl = sizeof out->binary - 1;
				memcpy(out->binary, l + 7, bl);
				out->binary[bl] = '\0';
			}
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	return have_version ? 0 : -1;
}
