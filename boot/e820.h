/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_E820_H
#define MINIVMM_BOOT_E820_H

#include <stdint.h>

#include "boot/ram_layout.h"

#define E820_RAM	1
#define E820_RESERVED	2
#define E820_MAX_ENTRIES 128	/* boot_params.e820_table */

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

/*
 * e820_build - the BIOS memory map the guest sees: RAM below the EBDA,
 * the EBDA and BIOS area reserved (the MP table lives there), RAM from
 * 1 MiB to the hole, and RAM above 4 GiB if any.
 *
 * Returns the number of entries written to @out (at most 4).
 */
unsigned int e820_build(const struct x86_ram_region *regions,
			unsigned int nr_regions, struct e820_entry *out);

#endif
