// SPDX-License-Identifier: GPL-2.0-only
#include "boot/e820.h"

#include "boot/x86_layout.h"

unsigned int e820_build(const struct x86_ram_region *regions,
			unsigned int nr_regions, struct e820_entry *out)
{
	unsigned int i, n = 0;

	out[n++] = (struct e820_entry){ 0, X86_EBDA_START, E820_RAM };
	out[n++] = (struct e820_entry){ X86_EBDA_START,
					X86_BIOS_END - X86_EBDA_START,
					E820_RESERVED };
	for (i = 0; i < nr_regions; i++) {
		uint64_t start = regions[i].gpa, end = start + regions[i].size;

		/* The first MiB is described above. */
		if (start < X86_BIOS_END)
			start = X86_BIOS_END;
		if (end > start)
			out[n++] = (struct e820_entry){ start, end - start,
							E820_RAM };
	}
	return n;
}
