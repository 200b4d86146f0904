/* regs.c: PTRACE_GETREGS into struct native_regs. */
#include "proc/regs.h"

#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>

int native_regs_read(pid_t tid, struct native_regs *out)
{
#if defined(__x86_64__)
	struct user_regs_struct r;
	if (ptrace(PTRACE_GETREGS, tid, 0, &r) != 0)
		return -errno;
	*out = (struct native_regs){
		.rax = r.rax, .rdx = r.rdx, .rcx = r.rcx, .rbx = r.rbx,
		.rsi = r.rsi, .rdi = r.rdi, .rbp = r.rbp, .rsp = r.rsp,
		.r8 = r.r8, .r9 = r.r9, .r10 = r.r10, .r11 = r.r11,
		.r12 = r.r12, .r13 = r.r13, .r14 = r.r14, .r15 = r.r15,
		.rip = r.rip,
	};
	return 0;
#else
	(void)tid;
	memset(out, 0, sizeof *out);
	return -ENOSYS;
#endif
}
