// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared memory that a peer cannot shrink under us: sealed memfds, and
 * the check of a peer's file before it is mapped (vu_memfd.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto/vu_memfd.h"

int vu_memfd_create_sealed(const char *name, uint64_t size)
{
	int fd, ret;

	if (size > INT64_MAX)
		return -EINVAL;
	fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

int vu_fd_seal_size(int fd)
{
	int seals;

	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == 0)
		return 0;
	seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && (seals & F_SEAL_SHRINK))
		return 0;
	return seals < 0 ? -EINVAL : -EPERM;
}

static int fd_stat(int fd, struct stat *st, struct vu_why *why)
{
	int err;

	if (fstat(fd, st) == 0)
		return 0;
	err = errno;
	vu_why_set(why, "fstat of the fd failed: %s", strerror(err));
	return -err;
}

int vu_fd_check_mappable(int fd, uint64_t offset, uint64_t len,
			 struct vu_why *why)
{
	struct stat st;
	int seals, ret;

	ret = fd_stat(fd, &st, why);
	if (ret)
		return ret;
	if (!S_ISREG(st.st_mode))
		return 0;
	/* The seal first, the size after: a size read before the seal could
	 * be shrunk away before the peer sealed the file. */
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK)) {
		vu_why_set(why, "the fd's file is not sealed against shrinking "
			   "(F_SEAL_SHRINK): its owner could truncate it under "
			   "the mapping");
		return -EPERM;
	}
	ret = fd_stat(fd, &st, why);
	if (ret)
		return ret;
	if (offset + len < offset || offset + len > (uint64_t)st.st_size) {
		vu_why_set(why, "the fd's file is %lld bytes; offset %#llx + "
			   "size %#llx reaches past its end",
			   (long long)st.st_size, (unsigned long long)offset,
			   (unsigned long long)len);
		return -EINVAL;
	}
	return 0;
}
