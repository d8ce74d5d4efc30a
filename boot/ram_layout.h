/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_RAM_LAYOUT_H
#define MINIVMM_BOOT_RAM_LAYOUT_H

#include <stdint.h>

#define X86_MAX_RAM_REGIONS 2

/* A piece of guest RAM: where the guest sees it, where it is in the memfd. */
struct x86_ram_region {
	uint64_t gpa;
	uint64_t size;
	uint64_t offset;	/* in the memfd that backs all guest RAM */
};

/*
 * x86_ram_layout - split @ram_size bytes of guest RAM around the MMIO hole:
 * [0, min(size, hole start)) and, for the rest, [4 GiB, 4 GiB + rest).
 *
 * Returns 0 with *@nr regions in @out; -EINVAL when @ram_size is below
 * X86_MIN_RAM or not a multiple of 4 KiB; -ERANGE above X86_MAX_RAM.
 */
int x86_ram_layout(uint64_t ram_size,
		   struct x86_ram_region out[X86_MAX_RAM_REGIONS],
		   unsigned int *nr);

#endif
