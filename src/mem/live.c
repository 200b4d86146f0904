/* live.c: reading a running process's memory. */
#include "mem/live.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mem/reader.h"
#include "util/grow.h"

struct live_reader {
	struct mem_reader base; /* first, so a mem_reader * is a live_reader * */
	pid_t pid;
	int mem_fd;      /* /proc/PID/mem, opened on the first fallback */
	int use_procmem; /* process_vm_readv said ENOSYS or EPERM once: stop trying it */
	/* live_read_many's vectors, local then remote, grown to the most asked for yet: a tick
	 * asks for a few, which then lie in one page (two arrays of 1,024 on the stack put
	 * them in two, and faulted more in at a run's start). */
	struct iovec *iov;
	size_t iov_cap;
};

static int errno_to_mem(int e)
{
	switch (e) {
	case ESRCH:
		return MEM_EGONE;
	case EPERM:
	case EACCES:
		return MEM_EPERM;
	default:
		return MEM_EFAULT;
	}
}

static int read_procmem(struct live_reader *lr, uint64_t addr, void *buf, size_t len)
{
	if (lr->mem_fd < 0) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%d/mem", (int)lr->pid);
		lr->mem_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (lr->mem_fd < 0)
			return errno == ENOENT ? MEM_EGONE : errno_to_mem(errno);
	}
	/* pread takes an off_t; addresses above 2^63 are kernel space and never ours. */
	if (addr > (uint64_t)INT64_MAX)
		return MEM_EFAULT;
	ssize_t n = pread(lr->mem_fd, buf, len, (off_t)addr);
	if (n < 0)
		return errno == EIO ? MEM_EFAULT : errno_to_mem(errno);
	return (size_t)n == len ? 0 : MEM_EFAULT;
}

static int live_read(struct mem_reader *r, uint64_t addr, void *buf, size_t len)
{
	struct live_reader *lr = (struct live_reader *)r;
	if (lr->use_procmem)
		return read_procmem(lr, addr, buf, len);

	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	ssize_t n = process_vm_readv(lr->pid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		return MEM_EFAULT; /* a short read: part of the range is unmapped */
	if (errno == ENOSYS || errno == EPERM) {
		/* /proc/PID/mem goes through the same ptrace access check but survives seccomp
		 * filters that block process_vm_readv; if it fails too, its error is the answer. */
		int rc = read_procmem(lr, addr, buf, len);
		if (rc == 0)
			lr->use_procmem = 1;
		return rc;
	}
	return errno_to_mem(errno);
}

/* process_vm_readv takes at most IOV_MAX (1024) vectors a call. */
#define MANY_MAX 1024

static size_t live_read_many(struct mem_reader *r, size_t n, const uint64_t *addrs, void **bufs,
			     const size_t *lens)
{
	struct live_reader *lr = (struct live_reader *)r;
	if (n > MANY_MAX)
		n = MANY_MAX;
	if (lr->use_procmem || n == 0 || grow_array((void **)&lr->iov, &lr->iov_cap, 2 * n,
						    sizeof *lr->iov) != 0)
		goto one_by_one;
	struct iovec *local = lr->iov, *remote = lr->iov + n;
	for (size_t i = 0; i < n; i++) {
		local[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = lens[i] };
		remote[i] = (struct iovec){ .iov_base = (void *)(uintptr_t)addrs[i],
					    .iov_len = lens[i] };
	}
	/* The kernel copies vector after vector and stops at the first it cannot read: the
	 * vectors the bytes copied cover whole are the answer. */
	ssize_t got = process_vm_readv(lr->pid, local, n, remote, n, 0);
	if (got >= 0) {
		size_t i = 0;
		for (size_t left = (size_t)got; i < n && lens[i] <= left; i++)
			left -= lens[i];
		return i;
	}
one_by_one:;
	size_t i = 0;
	while (i < n && live_read(r, addrs[i], bufs[i], lens[i]) == 0)
		i++;
	return i;
}

static void live_free(struct mem_reader *r)
{
	struct live_reader *lr = (struct live_reader *)r;
	if (lr->mem_fd >= 0)
		close(lr->mem_fd);
	free(lr->iov);
	free(lr);
}

struct mem_reader *mem_live_new(pid_t pid)
{
	struct live_reader *lr = calloc(1, sizeof *lr);
	if (!lr)
		return NULL;
	lr->base.read = live_read;
	lr->base.free = live_free;
	lr->base.read_many = live_read_many;
	lr->pid = pid;
	lr->mem_fd = -1;
	return &lr->base;
}
