// SPDX-License-Identifier: GPL-2.0-only
#include "boot/ram_layout.h"

#include <errno.h>

#include "boot/x86_layout.h"

#define PAGE_MASK 0xfffull

int x86_ram_layout(uint64_t ram_size,
		   struct x86_ram_region out[X86_MAX_RAM_REGIONS],
		   unsigned int *nr)
{
	uint64_t low, high;

	if (ram_size < X86_MIN_RAM || (ram_size & PAGE_MASK))
		return -EINVAL;
	low = ram_size < X86_MMIO_HOLE_START ? ram_size : X86_MMIO_HOLE_START;
	high = ram_size - low;
	/* Written so that it cannot overflow for any ram_size. */
	if (high > X86_RAM_END_MAX - X86_HIGH_RAM_START)
		return -ERANGE;

	out[0] = (struct x86_ram_region){ .gpa = 0, .size = low, .offset = 0 };
	*nr = 1;
	if (high) {
		out[1] = (struct x86_ram_region){
			.gpa = X86_HIGH_RAM_START,
			.size = high,
			.offset = low,
		};
		*nr = 2;
	}
	return 0;
}
