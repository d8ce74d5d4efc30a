// SPDX-License-Identifier: GPL-2.0-only
#include "boot/ram_layout.h"

#include <errno.h>

#include "boot/x86_layout.h"

int x86_ram_layout(uint64_t ram_size,
		   struct x86_ram_region out[X86_MAX_RAM_REGIONS],
		   unsigned int *nr)
{
	uint64_t low;

	if (ram_size < X86_MIN_RAM || (ram_size & 0xfff))
		return -EINVAL;
	if (ram_size > X86_MAX_RAM)
		return -ERANGE;
	low = ram_size < X86_MMIO_HOLE_START ? ram_size : X86_MMIO_HOLE_START;
	out[0] = (struct x86_ram_region){ .gpa = 0, .size = low, .offset = 0 };
	*nr = 1;
	if (ram_size > low) {
		out[1] = (struct x86_ram_region){
			.gpa = X86_HIGH_RAM_START,
			.size = ram_size - low,
			.offset = low,
		};
		*nr = 2;
	}
	return 0;
}
