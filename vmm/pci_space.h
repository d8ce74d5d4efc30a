/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PCI_SPACE_H
#define MINIVMM_PCI_SPACE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "io_bus.h"

/*
 * The PCI address spaces BARs live in: the I/O window and the memory
 * windows (below and above 4 GiB). Each window is one range of the port
 * or MMIO bus; inside it, BAR ranges come and go while the guest runs (it
 * may move a BAR or turn decode off), so unlike io_bus the lookup here
 * takes a read lock. A trapped access to a BAR is a socket round trip to
 * its device anyway; the lock costs nothing next to it.
 */

#define PCI_SPACE_MAX_RANGES	128

struct pci_space_range {
	uint64_t base;
	uint64_t len;
	io_handler_fn fn;
	void *opaque;
	bool pio;
	bool used;
};

/* A window as the port or MMIO bus sees it. */
struct pci_space_window {
	struct pci_space *space;
	uint64_t base;
	bool pio;
};

struct pci_space {
	pthread_rwlock_t lock;
	struct pci_space_range ranges[PCI_SPACE_MAX_RANGES];
	struct pci_space_window windows[3];	/* I/O, MMIO32, MMIO64 */
};

/*
 * pci_space_init - claim the I/O window [@pio_start, @pio_end) on @pio
 * and the memory windows [@mmio32_start, @mmio32_end) and
 * [@mmio64_start, @mmio64_end) on @mmio. Returns 0 or -errno.
 */
int pci_space_init(struct pci_space *space, struct io_bus *pio,
		   struct io_bus *mmio, uint64_t pio_start, uint64_t pio_end,
		   uint64_t mmio32_start, uint64_t mmio32_end,
		   uint64_t mmio64_start, uint64_t mmio64_end);
void pci_space_destroy(struct pci_space *space);

/*
 * pci_space_map - send accesses to [@base, @base + @len) of the I/O
 * (@pio) or memory space to @fn, with offsets from @base. Ranges may lie
 * anywhere (an access outside every window never reaches us, and the
 * guest may program a BAR outside them). Returns a handle >= 0, -EEXIST
 * when the range overlaps a mapped one, -ENOSPC when full, -EINVAL for an
 * empty or wrapping range.
 */
int pci_space_map(struct pci_space *space, bool pio, uint64_t base,
		  uint64_t len, io_handler_fn fn, void *opaque);

/* Undo pci_space_map(); waits for accesses in flight to the range. */
void pci_space_unmap(struct pci_space *space, int handle);

/*
 * pci_space_access - deliver an access at @addr (as the windows' io_bus
 * handlers do). Returns true when a range took it; otherwise reads give
 * all-ones.
 */
bool pci_space_access(struct pci_space *space, bool pio, uint64_t addr,
		      uint8_t *data, unsigned int size, bool is_write);

#endif
