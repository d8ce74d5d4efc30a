/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_KVM_IOEVENTFD_H
#define MINIVMM_KVM_IOEVENTFD_H

#include <stdbool.h>
#include <stdint.h>

/*
 * ioeventfds (KVM_IOEVENTFD): a guest write to a doorbell, MMIO or port
 * I/O, increments an eventfd inside KVM and the vCPU goes straight back
 * into the guest: no exit to minivmm, the device process polls the
 * eventfd. Writes that do not match (another length, another datamatch
 * value, a read) exit as usual.
 *
 * KVM keeps the registrations; these functions hold no state and may be
 * called from any thread. KVM identifies an ioeventfd by space, address,
 * length, fd and datamatch: deassign with the same description that
 * assigned it.
 */

enum kvm_ioeventfd_space {
	KVM_IOEVENTFD_SPACE_MMIO,
	KVM_IOEVENTFD_SPACE_PIO,
};

struct kvm_ioeventfd_desc {
	enum kvm_ioeventfd_space space;
	uint64_t addr;		/* guest-physical address or port */
	/*
	 * Write length to match: 1, 2, 4 or 8 (port I/O: 1, 2 or 4), or 0
	 * for a write of any length (MMIO only, no datamatch; needs
	 * KVM_CAP_IOEVENTFD_ANY_LENGTH).
	 */
	uint32_t len;
	bool datamatch;		/* only writes of @data signal @fd */
	uint64_t data;		/* must fit in @len bytes */
	int fd;			/* eventfd */
};

/*
 * kvm_ioeventfd_assign - register @e with the VM @vm_fd.
 *
 * Returns 0 or -errno, with *@why naming what failed: -EINVAL for a
 * description KVM would refuse or that could never match (bad length, a
 * zero length with datamatch or on port I/O, a datamatch value wider than
 * the length, a range that wraps, a port above 0xffff), -EBADF for a
 * negative fd, -EEXIST when another ioeventfd already takes these writes
 * (same space, address and length; only two different datamatch values
 * may share them), -ENOSPC when KVM's I/O bus is full, or KVM's error.
 */
int kvm_ioeventfd_assign(int vm_fd, const struct kvm_ioeventfd_desc *e,
			 const char **why);

/*
 * kvm_ioeventfd_deassign - unregister @e. When it returns, guest writes to
 * @e's address exit to minivmm again.
 *
 * Returns 0 or -errno, with *@why naming what failed: -ENOENT when no
 * such ioeventfd is registered, the same -EINVAL/-EBADF checks as assign,
 * or KVM's error.
 */
int kvm_ioeventfd_deassign(int vm_fd, const struct kvm_ioeventfd_desc *e,
			   const char **why);

#endif
