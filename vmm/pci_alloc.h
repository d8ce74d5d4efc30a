/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PCI_ALLOC_H
#define MINIVMM_PCI_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/pci_bar.h"

/*
 * BAR assignment before boot, as firmware does it, so that the guest finds
 * every BAR programmed and inside a window and keeps it there (Linux only
 * reassigns what conflicts or lies outside its root bus windows).
 *
 * Policy:
 * - each BAR (and expansion ROM) gets an address aligned to its size, the
 *   natural alignment 6.2.5.1 implies;
 * - within a window, largest first, then in device order, then by slot:
 *   with power-of-two sizes and a start aligned to the largest, this packs
 *   without holes, and the result does not depend on the order of slots;
 * - I/O BARs take the I/O window; 32-bit memory BARs and ROMs (whose
 *   register has no upper half) the 32-bit window;
 * - 64-bit memory BARs, prefetchable or not, take the 64-bit window, which
 *   keeps the scarce space below 4 GiB for BARs that cannot live anywhere
 *   else. The non-prefetchable ones may go high too because minivmm's
 *   devices sit on the root bus: no bridge with a 32-bit-only
 *   non-prefetchable window stands between them and the host bridge. A
 *   64-bit BAR that does not fit there (or when there is no 64-bit window:
 *   a guest with a narrow physical address width) falls back to the 32-bit
 *   window, competing there in size order with the 32-bit BARs;
 * - no BAR is placed where pci_bars_map() would take it for a BAR being
 *   sized (the last BAR-sized block below a 4 GiB boundary, or below
 *   64 KiB for I/O); such a slot is skipped.
 */

/* [start, end) of guest-physical or port addresses; empty if start >= end. */
struct pci_alloc_window {
	uint64_t start;
	uint64_t end;
};

struct pci_alloc_windows {
	struct pci_alloc_window io;
	struct pci_alloc_window mem32;
	struct pci_alloc_window mem64;
};

/* One device to place: @name is for messages. */
struct pci_alloc_dev {
	const char *name;
	struct pci_bars *bars;
};

/*
 * pci_alloc_x86_windows - minivmm's x86 windows (boot/x86_layout.h): I/O
 * [X86_PCI_PIO_START, X86_PCI_PIO_END), 32-bit [X86_PCI_MMIO32_START,
 * X86_PCI_MMIO32_END), and X86_PCI_MMIO64_SIZE bytes from max(@ram_end,
 * 4 GiB) rounded up to X86_PCI_MMIO64_ALIGN, cut short at @phys_limit.
 *
 * @ram_end: end of guest RAM, exclusive (the last RAM region's end).
 * @phys_limit: 1 << the guest's physical address width (CPUID
 * 0x80000008 EAX[7:0]); a BAR at or above it is unreachable. The 64-bit
 * window is empty when nothing fits below it.
 */
void pci_alloc_x86_windows(uint64_t ram_end, uint64_t phys_limit,
			   struct pci_alloc_windows *w);

/*
 * pci_alloc_assign - place every implemented BAR and ROM of @devs in @w
 * and program it with pci_bars_set_addr(). All or nothing: on error no
 * register has changed.
 *
 * Devices must have decode off (command 0, as after pci_bars_init()): the
 * mapping changes of firmware-time programming are not reported.
 *
 * @why, @why_len: on error, one sentence naming the device, the slot, its
 * size and the window that was full (may be NULL).
 *
 * Returns 0; -ENOSPC when a BAR does not fit; -EBUSY when a device has
 * decode on; -EINVAL for nr > 0 with a NULL @devs or bars, or an I/O
 * window ending above 64 KiB or a 32-bit one above 4 GiB; -ENOMEM.
 */
int pci_alloc_assign(const struct pci_alloc_windows *w,
		     const struct pci_alloc_dev *devs, unsigned int nr,
		     char *why, size_t why_len);

#endif
