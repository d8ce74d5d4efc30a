/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_VFIO_USER_DEV_H
#define MINIVMM_VFIO_USER_DEV_H

#include <stdbool.h>

struct vm;
struct vfio_user_dev;
struct mptable_pci_irq;

/*
 * A vfio-user server as a PCI device on bus 0 (DESIGN.md §2): minivmm is
 * the client and gets out of the way once the device is wired up.
 *
 * - Guest RAM is DMA_MAPped with the memfd, so the server reads and
 *   writes it directly; DMA_READ/DMA_WRITE from a server that cannot map
 *   are served from guest RAM, bounds-checked.
 * - Config space is forwarded to the device's config region (index 7),
 *   except what minivmm owns: the command register's decode bits, the
 *   BARs and ROM BAR (sizes from region info), interrupt line, MSI and
 *   MSI-X control.
 * - A BAR's mmappable areas become KVM memory slots (no exit); its
 *   ioeventfds (GET_REGION_IO_FDS) become KVM ioeventfds (no exit to
 *   minivmm); the rest exits and is forwarded as REGION_READ/WRITE; the
 *   MSI-X table and PBA are always trapped and emulated here.
 * - Each MSI-X/MSI vector is an eventfd handed to the device with
 *   SET_IRQS and registered as a KVM irqfd on an MSI route while the
 *   vector is unmasked; while masked, minivmm watches the eventfd and
 *   latches the pending bit. INTx is an irqfd with a resample fd on an
 *   IOAPIC pin; the resample fd is the device's unmask eventfd.
 * - A device that dies is logged once; its registers then read as
 *   all-ones, writes are dropped, and nothing waits on it.
 */

/*
 * vfio_user_dev_attach - connect to the server at @path and put it in
 * PCI slot @slot of @vm: negotiate, read its regions and IRQs, map guest
 * RAM, reset it, and wire what can be wired before BARs have addresses.
 * Needs the KVM VM and guest RAM. On failure prints one line naming the
 * socket and the problem, leaves nothing behind and returns -errno.
 */
int vfio_user_dev_attach(struct vm *vm, const char *path, unsigned int slot,
			 struct vfio_user_dev **out);

/*
 * vfio_user_dev_assign_bars - give the BARs of @devs addresses, as
 * firmware would, and turn decode on so that the guest finds them
 * programmed and mapped. Prints the reason and returns -errno on failure.
 */
int vfio_user_dev_assign_bars(struct vm *vm, struct vfio_user_dev **devs,
			      unsigned int nr);

/*
 * The device's INTx line for the MP table: returns true and fills @irq
 * when the device has one.
 */
bool vfio_user_dev_intx(const struct vfio_user_dev *dev,
			struct mptable_pci_irq *irq);

/*
 * vfio_user_dev_detach - reset the device, unmap guest RAM from it and
 * disconnect; free everything. NULL is allowed. Call after the vCPUs
 * have stopped.
 */
void vfio_user_dev_detach(struct vfio_user_dev *dev);

#endif
