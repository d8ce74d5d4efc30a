// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM_IOEVENTFD, checked before KVM sees it so that a description that
 * could never match is an error, not a doorbell that silently never rings.
 * Documentation/virt/kvm/api.rst, KVM_IOEVENTFD.
 */
#include "kvm_ioeventfd.h"

#include <errno.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

static int check(const struct kvm_ioeventfd_desc *e, const char **why)
{
	bool pio = e->space == KVM_IOEVENTFD_SPACE_PIO;

	if (e->space != KVM_IOEVENTFD_SPACE_MMIO && !pio) {
		*why = "unknown address space (neither MMIO nor port I/O)";
		return -EINVAL;
	}
	switch (e->len) {
	case 0:
		if (pio) {
			*why = "a port I/O ioeventfd needs a length of 1, 2 or 4";
			return -EINVAL;
		}
		if (e->datamatch) {
			*why = "datamatch needs a length of 1, 2, 4 or 8";
			return -EINVAL;
		}
		break;
	case 1: case 2: case 4:
		break;
	case 8:
		if (pio) {
			*why = "port I/O has no 8-byte accesses";
			return -EINVAL;
		}
		break;
	default:
		*why = "length must be 0, 1, 2, 4 or 8";
		return -EINVAL;
	}
	/* KVM compares the written value, zero-extended, with data. */
	if (e->datamatch && e->len < 8 && (e->data >> (e->len * 8))) {
		*why = "datamatch value does not fit in the length";
		return -EINVAL;
	}
	if (e->addr + e->len < e->addr) {
		*why = "address range wraps around";
		return -EINVAL;
	}
	if (pio && e->addr + e->len > 0x10000) {
		*why = "port range goes beyond 0xffff";
		return -EINVAL;
	}
	if (e->fd < 0) {
		*why = "no eventfd";
		return -EBADF;
	}
	return 0;
}

static int do_ioeventfd(int vm_fd, const struct kvm_ioeventfd_desc *e,
			bool deassign, const char **why)
{
	struct kvm_ioeventfd req = {
		.datamatch = e->datamatch ? e->data : 0,
		.addr = e->addr,
		.len = e->len,
		.fd = e->fd,
	};
	int ret = check(e, why);

	if (ret)
		return ret;
	if (e->space == KVM_IOEVENTFD_SPACE_PIO)
		req.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (e->datamatch)
		req.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
	if (deassign)
		req.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
	if (ioctl(vm_fd, KVM_IOEVENTFD, &req) == 0)
		return 0;
	ret = -errno;
	switch (ret) {
	case -EEXIST:
		*why = "an ioeventfd for this address and length is already registered (only different datamatch values may share one)";
		break;
	case -ENOENT:
		*why = "no such ioeventfd is registered";
		break;
	case -ENOSPC:
		*why = "KVM's I/O bus is full";
		break;
	case -EBADF:
	case -EINVAL:
		*why = deassign ? "KVM_IOEVENTFD (deassign) refused the fd or the description" :
				  "KVM_IOEVENTFD refused the fd or the description";
		break;
	default:
		*why = deassign ? "KVM_IOEVENTFD (deassign) failed" :
				  "KVM_IOEVENTFD failed";
		break;
	}
	return ret;
}

int kvm_ioeventfd_assign(int vm_fd, const struct kvm_ioeventfd_desc *e,
			 const char **why)
{
	return do_ioeventfd(vm_fd, e, false, why);
}

int kvm_ioeventfd_deassign(int vm_fd, const struct kvm_ioeventfd_desc *e,
			   const char **why)
{
	return do_ioeventfd(vm_fd, e, true, why);
}
