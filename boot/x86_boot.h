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
 * and a GDT in guest RAM (addresses in boot/x86_layout.h), and the state
 * the boot vCPU starts in. No KVM here: the VMM copies @entry into
 * kvm_regs/kvm_sregs. The MP table is separate (boot/mptable.h).
 */

/* A segment register as KVM's struct kvm_segment holds it. */
struct x86_boot_segment {
	uint64_t base;
	uint32_t limit;			/* in bytes: 0xffffffff = 4 GiB */
	uint16_t selector;
	uint8_t type, present, dpl, db, s, l, g;
};

#define X86_BOOT_WHY_MAX 128

struct x86_boot_entry {
	uint64_t rip;			/* kernel load address + 0x200 */
	uint64_t rsi;			/* the zero page */
	uint64_t cr0, cr3, cr4, efer;	/* paging on, long mode active */
	uint64_t gdt_base;
	uint16_t gdt_limit;
	struct x86_boot_segment code;	/* CS = __BOOT_CS 0x10, 64-bit */
	struct x86_boot_segment data;	/* DS/ES/SS (and FS/GS) = 0x18 */
	/* Where things went, for messages and tests. */
	uint64_t kernel_addr;		/* protected-mode kernel copied here */
	uint64_t kernel_end;		/* end of its init_size area */
	uint64_t initrd_addr;		/* 0 without an initrd */
	uint64_t initrd_size;
	char why_buf[X86_BOOT_WHY_MAX];	/* backs *why for some errors */
};

struct x86_boot_params {
	void *ram_low;			/* guest RAM from guest address 0 */
	uint64_t ram_low_size;		/* bytes at ram_low, <= regions[0] */
	const struct x86_ram_region *regions;	/* all of RAM, for e820 */
	unsigned int nr_regions;
	const void *kernel;		/* the bzImage file */
	size_t kernel_len;
	const void *initrd;		/* NULL when initrd_len is 0 */
	size_t initrd_len;
	const char *cmdline;		/* NULL means empty */
};

/*
 * x86_boot_setup - load the bzImage @p->kernel and its initrd and command
 * line into guest RAM, write the zero page, page tables and GDT, and fill
 * @entry with the boot vCPU's state.
 *
 * The kernel goes to its pref_address (aligned up to kernel_alignment) if
 * relocatable, to X86_KERNEL_DEFAULT_ADDR otherwise; the initrd goes
 * page-aligned as high as the kernel allows in low RAM (below
 * initrd_addr_max unless XLF_CAN_BE_LOADED_ABOVE_4G) and above the
 * kernel's init_size area; the command line to X86_CMDLINE_ADDR.
 *
 * Returns 0, or a negative errno with *@why (when @why is not NULL)
 * pointing to a static string or to @entry->why_buf, with nothing
 * written to guest RAM: -ENOEXEC not a bootable bzImage (bzimage_parse),
 * -EINVAL @p->regions do not describe low RAM from 0 or an initrd length
 * without an initrd, -ENOMEM the kernel or the initrd does not fit in low
 * RAM (the message says how much is needed), -E2BIG the command line is
 * longer than the kernel's cmdline_size or X86_CMDLINE_MAX - 1 bytes.
 */
int x86_boot_setup(const struct x86_boot_params *p,
		   struct x86_boot_entry *entry, const char **why);

#endif
