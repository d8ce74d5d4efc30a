/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PCI_BAR_H
#define MINIVMM_PCI_BAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The Base Address registers (0x10-0x27) and the Expansion ROM Base Address
 * register (0x30) of a type-0 header, answered the way the hardware answers
 * them (PCI Local Bus spec 3.0, 6.2.5), plus what the monitor needs to know
 * about them: where each BAR is decoded right now, and which BARs moved when
 * the guest reprogrammed one or toggled decode in the command register.
 *
 * Pure logic: no locking (the caller serialises configuration cycles, as
 * the PCI bus does), no allocation, no I/O. The command register itself
 * belongs to the caller, which passes its decode bits in. Every function
 * that takes a struct pci_bar_changes * accepts NULL when the caller does
 * not want to know.
 *
 * Slots 0-5 are the six BARs, slot PCI_BAR_ROM the expansion ROM. A 64-bit
 * BAR in slot n uses the register of slot n + 1 as its upper half; slot
 * n + 1 is then not a BAR of its own.
 */

#define PCI_BAR_NR		6	/* BAR registers of a type-0 header */
#define PCI_BAR_ROM		6	/* slot of the expansion ROM */
#define PCI_BAR_SLOTS		7

/* What the device has in one slot; size 0 means not implemented. */
struct pci_bar_desc {
	uint64_t size;		/* a power of two */
	bool is_io;		/* I/O space (else memory) */
	bool is_64;		/* 64-bit memory BAR */
	bool prefetch;		/* prefetchable memory */
};

struct pci_bars {
	struct pci_bar_desc desc[PCI_BAR_SLOTS];
	uint32_t reg[PCI_BAR_SLOTS];	/* register contents, as read back */
	uint16_t command;		/* the caller's command register */
};

/* Where a slot is decoded: @on false means the guest cannot reach it. */
struct pci_bar_map {
	bool on;
	uint64_t addr;		/* meaningful only when on */
	uint64_t size;
	bool is_io;
};

/* One slot whose effective mapping changed: unmap @old, then map @new. */
struct pci_bar_change {
	unsigned int slot;
	struct pci_bar_map old;
	struct pci_bar_map new;
};

/* What one operation changed; a slot appears at most once. */
struct pci_bar_changes {
	unsigned int nr;
	struct pci_bar_change c[PCI_BAR_SLOTS];
};

/*
 * pci_bars_init - describe the device's BARs; all registers start at 0 and
 * decode is off (command 0), as after reset.
 *
 * @desc: PCI_BAR_SLOTS entries, the ROM last. Rules (6.2.5.1, 6.2.5.2): a
 * size is 0 or a power of two; memory BARs are 16 bytes to 2 GiB (32-bit)
 * or to 2^63 (64-bit); I/O BARs 4 bytes to 64 KiB, never 64-bit nor
 * prefetchable; a 64-bit BAR is not in slot 5 and the slot after it is
 * unimplemented; the ROM is memory, 32-bit, not prefetchable, 2 KiB to
 * 2 GiB.
 * @why, @why_len: on -EINVAL, a sentence naming the slot and the rule it
 * breaks (may be NULL).
 *
 * Returns 0, or -EINVAL with @bars untouched.
 */
int pci_bars_init(struct pci_bars *bars,
		  const struct pci_bar_desc desc[PCI_BAR_SLOTS],
		  char *why, size_t why_len);

/*
 * pci_bar_desc_from_reg - the type bits a device reports in its own BAR
 * register @reg (I/O, 64-bit, prefetchable), with @size, into @desc.
 * Memory type 01 (below 1 MiB, obsolete) is taken as 32-bit.
 */
void pci_bar_desc_from_reg(uint32_t reg, uint64_t size,
			   struct pci_bar_desc *desc);

/*
 * pci_bar_size_for_region - the size of a BAR that covers a region of
 * @size bytes (non-zero): hardware BARs are powers of two, of at least 16
 * bytes for memory and 4 for I/O (6.2.5.1). Returns 0 when no BAR can
 * (@size above 2^63); pci_bars_init() checks the kind's own limits.
 */
uint64_t pci_bar_size_for_region(uint64_t size, bool is_io);

/*
 * pci_bars_claims - whether a configuration access of @size bytes at
 * @offset falls in the registers this module answers (0x10-0x27, 0x30-0x33).
 * An access is either wholly inside or wholly outside: accesses are
 * naturally aligned and at most 4 bytes.
 */
bool pci_bars_claims(unsigned int offset, unsigned int size);

/*
 * pci_bars_read - read @size bytes (1, 2 or 4, naturally aligned) at
 * configuration @offset into @data, little endian. Unimplemented slots and
 * the upper half of a 64-bit BAR being sized read as the hardware would.
 *
 * Returns 0, or -EINVAL (data untouched) when !pci_bars_claims().
 */
int pci_bars_read(const struct pci_bars *bars, unsigned int offset,
		  uint8_t *data, unsigned int size);

/*
 * pci_bars_write - write @size bytes (1, 2 or 4, naturally aligned) at
 * configuration @offset. A byte or word write is merged into the 32-bit
 * register; address bits below the BAR's size, the type bits and the
 * reserved ROM bits 10:1 are read-only, so writing all-ones and reading
 * back gives the size mask with the type bits (6.2.5.1).
 *
 * @changes: filled with the slots whose effective mapping (see
 * pci_bars_map()) changed; nr is 0 when none did (a BAR reprogrammed while
 * its decode is off changes nothing yet).
 *
 * Returns 0, or -EINVAL (nothing changed) when !pci_bars_claims().
 */
int pci_bars_write(struct pci_bars *bars, unsigned int offset,
		   const uint8_t *data, unsigned int size,
		   struct pci_bar_changes *changes);

/*
 * pci_bars_set_command - the guest wrote the command register: take its
 * I/O Space (bit 0) and Memory Space (bit 1) enables, report in @changes
 * the slots that were mapped or unmapped by it.
 */
void pci_bars_set_command(struct pci_bars *bars, uint16_t command,
			  struct pci_bar_changes *changes);

/*
 * pci_bars_set_addr - program slot @slot to @addr, as firmware does before
 * the guest runs (both halves of a 64-bit BAR; the ROM keeps its enable
 * bit). Reports mapping changes like pci_bars_write().
 *
 * Returns 0; -EINVAL when the slot is not implemented (or is the upper
 * half of a 64-bit BAR), or @addr is not aligned to the BAR's size or does
 * not fit its register (above 4 GiB for a 32-bit BAR, 64 KiB for I/O).
 */
int pci_bars_set_addr(struct pci_bars *bars, unsigned int slot,
		      uint64_t addr, struct pci_bar_changes *changes);

/*
 * pci_bars_addr - the address the guest programmed into slot @slot, from
 * its register(s), whether decoded or not (0 for an unimplemented slot).
 */
uint64_t pci_bars_addr(const struct pci_bars *bars, unsigned int slot);

/*
 * pci_bars_map - where slot @slot is decoded now. It is on when all hold:
 * - the slot is implemented (and not the upper half of a 64-bit BAR);
 * - its decode is enabled: command bit 0 for I/O, bit 1 for memory, and
 *   for the ROM also its own enable bit 0 (6.2.5.2);
 * - its address is not 0: firmware and Linux leave unassigned BARs at 0,
 *   which is RAM here;
 * - it is not being sized: the address bits of a register the BAR uses
 *   are not all ones. Linux sizes with decode off, but a guest that sizes
 *   with decode on must not see the BAR appear at 0xfffff000 for a moment
 *   (the allocator never places a BAR there). Such an address is also
 *   the only one where a BAR would run past the end of its space.
 * When off, @map->addr is 0.
 */
void pci_bars_map(const struct pci_bars *bars, unsigned int slot,
		  struct pci_bar_map *map);

/*
 * pci_bar_addr_reads_as_sizing - whether a BAR of @size placed at @addr
 * would have all the address bits of one of its registers set, so that
 * pci_bars_map() takes it for a BAR being sized. For the allocator.
 */
bool pci_bar_addr_reads_as_sizing(uint64_t addr, uint64_t size, bool is_io,
				  bool is_64);

/*
 * pci_bars_reset - registers back to 0, decode off (device reset); reports
 * every slot that was mapped in @changes.
 */
void pci_bars_reset(struct pci_bars *bars, struct pci_bar_changes *changes);

#endif
