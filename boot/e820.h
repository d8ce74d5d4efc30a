/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_E820_H
#define MINIVMM_BOOT_E820_H

#include <stdint.h>

#include "boot/ram_layout.h"

/*
 * The BIOS memory map (INT 15h, AX=E820h) that Linux reads from
 * boot_params.e820_table (zero-page.rst: 0x2d0, up to 128 entries).
 */

#define E820_RAM		1
#define E820_RESERVED		2
#define E820_MAX_ENTRIES	128	/* room in boot_params */

/* One entry, in its 20-byte wire layout (little endian, unaligned). */
struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

_Static_assert(sizeof(struct e820_entry) == 20, "e820 entry is 20 bytes");

/*
 * e820_build - the memory map minivmm's guest sees, from the RAM regions of
 * x86_ram_layout(): RAM [0, X86_EBDA_START), reserved [X86_EBDA_START,
 * X86_BIOS_END) (EBDA, VGA hole, BIOS area with the MP table), RAM from
 * X86_BIOS_END to the end of region 0, then each further region as RAM.
 * The MMIO hole is left out: a gap is where Linux puts PCI resources.
 *
 * Returns the number of entries written to @out (at most @max), -EINVAL if
 * region 0 does not start at 0 and reach X86_BIOS_END, or the other
 * regions are not above it in order, -ENOSPC if @max is too small.
 */
int e820_build(const struct x86_ram_region *regions, unsigned int nr_regions,
	       struct e820_entry *out, unsigned int max);

#endif
