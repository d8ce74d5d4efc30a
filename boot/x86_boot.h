/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_BOOT_X86_BOOT_H
#define MINIVMM_BOOT_X86_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "boot/ram_layout.h"

/*
 * Lay out a Linux guest for the 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"): kernel,
 * initrd, command line, zero page with the e820 map, identity page tables
 * and a GDT in guest RAM, and the CPU state the boot vCPU starts in.
 */

/* A segment as KVM's struct kvm_segment wants it. */
struct x86_boot_segment {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	uint8_t type, present, dpl, db, s, l, g;
};

struct x86_boot_entry {
	uint64_t rip;		/* kernel load address + 0x200 */
	uint64_t rsi;		/* the zero page */
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	struct x86_boot_segment code;	/* __BOOT_CS = 0x10 */
	struct x86_boot_segment data;	/* __BOOT_DS = 0x18, also SS/ES/... */
	/* Where things went, for messages and tests. */
	uint64_t kernel_addr;
	uint64_t initrd_addr;
	uint64_t initrd_size;
};

struct x86_boot_params {
	uint8_t *ram_low;		/* guest RAM from address 0 */
	uint64_t ram_low_size;		/* bytes mapped at ram_low */
	const struct x86_ram_region *regions;	/* all of RAM, for e820 */
	unsigned int nr_regions;
	const void *kernel;		/* the bzImage file */
	size_t kernel_len;
	const void *initrd;		/* may be NULL */
	size_t initrd_len;
	const char *cmdline;
};

/*
 * x86_boot_setup - load the kernel described by @p into guest RAM and fill
 * @entry with the boot vCPU's state.
 *
 * Returns 0, or a negative errno with *@why (when @why is not NULL)
 * pointing to a static string: -ENOEXEC not a bootable bzImage (see
 * bzimage_parse), -ENOMEM the kernel or the initrd does not fit in RAM,
 * -E2BIG the command line is too long.
 */
int x86_boot_setup(const struct x86_boot_params *p,
		   struct x86_boot_entry *entry, const char **why);

#endif
