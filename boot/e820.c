// SPDX-License-Identifier: GPL-2.0-only
#include "boot/e820.h"

#include <errno.h>

#include "boot/x86_layout.h"

static int check_regions(const struct x86_ram_region *r, unsigned int nr)
{
	unsigned int i;

	if (!nr || r[0].gpa != 0 || r[0].size < X86_BIOS_END)
		return -EINVAL;
	for (i = 1; i < nr; i++) {
		if (!r[i].size || r[i].gpa < r[i - 1].gpa + r[i - 1].size ||
		    r[i].gpa + r[i].size < r[i].gpa)
			return -EINVAL;
	}
	return 0;
}

int e820_build(const struct x86_ram_region *regions, unsigned int nr_regions,
	       struct e820_entry *out, unsigned int max)
{
	unsigned int i, n = 0;
	int ret;

	ret = check_regions(regions, nr_regions);
	if (ret)
		return ret;
	/* Base memory, the EBDA and BIOS area, extended memory to the hole. */
	if (max < 2 + nr_regions)
		return -ENOSPC;
	out[n++] = (struct e820_entry){ 0, X86_EBDA_START, E820_RAM };
	out[n++] = (struct e820_entry){ X86_EBDA_START,
					X86_BIOS_END - X86_EBDA_START,
					E820_RESERVED };
	if (regions[0].size > X86_BIOS_END)
		out[n++] = (struct e820_entry){
			X86_BIOS_END, regions[0].size - X86_BIOS_END, E820_RAM
		};
	for (i = 1; i < nr_regions; i++)
		out[n++] = (struct e820_entry){ regions[i].gpa, regions[i].size,
						E820_RAM };
	return (int)n;
}
