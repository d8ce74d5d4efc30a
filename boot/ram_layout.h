/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_RAM_LAYOUT_H
#define MINIVMM_BOOT_RAM_LAYOUT_H

#include <stdint.h>

/*
 * Where guest RAM appears: all of it is one memfd, seen by the guest as at
 * most two pieces, below the 32-bit MMIO hole and above 4 GiB.
 */

#define X86_MAX_RAM_REGIONS 2

/* A piece of guest RAM: where the guest sees it, where it is in the memfd. */
struct x86_ram_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t offset;	/* in the memfd that backs all guest RAM */
};

/*
 * x86_ram_layout - split @ram_size bytes of guest RAM around the MMIO hole:
 * region 0 is [0, min(@ram_size, X86_MMIO_HOLE_START)) at memfd offset 0;
 * region 1, only when RAM does not fit below the hole, is the rest at
 * X86_HIGH_RAM_START, at memfd offset = size of region 0.
 *
 * Returns 0 with *@nr (1 or 2) regions in @out; -EINVAL when @ram_size is
 * below X86_MIN_RAM or not a multiple of 4 KiB; -ERANGE when RAM would end
 * above guest-physical X86_RAM_END_MAX. @out and @nr are untouched on error.
 */
int x86_ram_layout(uint64_t ram_size,
		   struct x86_ram_region out[X86_MAX_RAM_REGIONS],
		   unsigned int *nr);

#endif
