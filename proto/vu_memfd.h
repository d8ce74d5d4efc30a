/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_VU_MEMFD_H
#define MINIVMM_PROTO_VU_MEMFD_H

#include <fcntl.h>
#include <stdint.h>

#include "proto/vu_why.h"

/*
 * Memory that one end of a vfio-user connection maps from a file the
 * other end sent: guest RAM with DMA_MAP, a BAR's mmappable areas with
 * REGION_INFO. A process that touches a mapping beyond the end of its
 * file dies of SIGBUS, so a peer that truncates the file it sent can kill
 * the process that trusted it. A file sealed against shrinking
 * (F_SEAL_SHRINK) cannot be truncated by anybody.
 *
 * So both ends here share memory sealed (vu_memfd_create_sealed(),
 * vu_fd_seal_size()) and check a peer's file before mapping it
 * (vu_fd_check_mappable()).
 */

/*
 * vu_memfd_create_sealed - a close-on-exec memfd named @name of @size
 * bytes whose size is fixed for good: sealed against shrinking and
 * growing, and against new seals (F_SEAL_SEAL). Writes stay allowed.
 * Returns the fd or -errno.
 */
int vu_memfd_create_sealed(const char *name, uint64_t size);

/*
 * vu_fd_seal_size - seal the file behind @fd against shrinking (growing
 * stays allowed). Returns 0 (also when the file already carries the
 * seal), or -errno: -EINVAL when the file cannot be sealed (not a memfd),
 * -EPERM when it is sealed against new seals (as a memfd made without
 * MFD_ALLOW_SEALING is) or @fd is not open for writing.
 */
int vu_fd_seal_size(int fd);

/*
 * vu_fd_check_mappable - may this process mmap [@offset, @offset + @len)
 * of the peer's @fd without the peer being able to make it SIGBUS?
 *
 * Returns 0 for a regular file (a memfd is one) sealed with F_SEAL_SHRINK
 * whose size covers the range, and for any other kind of file (a pipe or
 * a socket then fails at mmap(); a device file has no size to shrink).
 * Otherwise, with @why set: -EPERM when the file is not sealed against
 * shrinking (whatever its size now), -EINVAL when it is sealed but the
 * range wraps or reaches past its end (mapping it is wrong for good), or
 * -errno of fstat(). The seal is read before the size, so the size
 * cannot change after it was checked.
 */
int vu_fd_check_mappable(int fd, uint64_t offset, uint64_t len,
			 struct vu_why *why);

#endif
