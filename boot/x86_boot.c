// SPDX-License-Identifier: GPL-2.0-only
#include "boot/x86_boot.h"

#include <errno.h>
#include <string.h>

#include "boot/bzimage.h"
#include "boot/e820.h"
#include "boot/le.h"
#include "boot/x86_layout.h"

/* boot_params fields outside the setup header (boot.rst, "zero page"). */
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0
#define BP_SIZE			0x1000
#define E820_ENTRY_SIZE		20

#define LOADER_TYPE_UNDEFINED	0xff	/* boot.rst: no assigned id */
#define HEAP_END_PTR		0xfe00	/* boot.rst's usual value */

#define PAGE_SIZE		0x1000ull
#define PTE_PRESENT		(1ull << 0)
#define PTE_WRITE		(1ull << 1)
#define PTE_PS			(1ull << 7)	/* 2 MiB page in a PD */

#define X86_CR0_PE		(1ull << 0)
#define X86_CR0_ET		(1ull << 4)
#define X86_CR0_PG		(1ull << 31)
#define X86_CR4_PAE		(1ull << 5)
#define X86_EFER_LME		(1ull << 8)
#define X86_EFER_LMA		(1ull << 10)

#define BOOT_CS			0x10
#define BOOT_DS			0x18
/* Flat descriptors: 64-bit code (L=1, D=0) and 4 GiB read/write data. */
#define GDT_CODE64		0x00af9b000000ffffull
#define GDT_DATA		0x00cf93000000ffffull
#define GDT_ENTRIES		4

static int fail(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

static void write_page_tables(uint8_t *ram)
{
	uint8_t *pml4 = ram + X86_PML4_ADDR, *pdpt = ram + X86_PDPT_ADDR;
	unsigned int i;

	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	put_le64(pml4, X86_PDPT_ADDR | PTE_PRESENT | PTE_WRITE);
	for (i = 0; i < X86_PD_COUNT; i++)
		put_le64(pdpt + 8 * i, (X86_PD_ADDR + i * PAGE_SIZE) |
				       PTE_PRESENT | PTE_WRITE);
	/* 512 entries of 2 MiB per directory: the first 4 GiB, 1:1. */
	for (i = 0; i < X86_PD_COUNT * 512; i++)
		put_le64(ram + X86_PD_ADDR + 8 * i,
			 ((uint64_t)i << 21) | PTE_PRESENT | PTE_WRITE | PTE_PS);
}

static void segment(struct x86_boot_segment *s, uint16_t selector,
		    uint8_t type, uint8_t l, uint8_t db)
{
	*s = (struct x86_boot_segment){
		.base = 0, .limit = 0xffffffff, .selector = selector,
		.type = type, .present = 1, .dpl = 0, .db = db, .s = 1,
		.l = l, .g = 1,
	};
}

static void write_gdt(uint8_t *ram, struct x86_boot_entry *e)
{
	uint8_t *gdt = ram + X86_GDT_ADDR;

	memset(gdt, 0, 8 * GDT_ENTRIES);
	put_le64(gdt + BOOT_CS, GDT_CODE64);
	put_le64(gdt + BOOT_DS, GDT_DATA);
	e->gdt_base = X86_GDT_ADDR;
	e->gdt_limit = 8 * GDT_ENTRIES - 1;
	segment(&e->code, BOOT_CS, 0xb, 1, 0);	/* execute/read, accessed */
	segment(&e->data, BOOT_DS, 0x3, 0, 1);	/* read/write, accessed */
}

static void write_zero_page(const struct x86_boot_params *p,
			    const struct bzimage_info *bz,
			    const struct x86_boot_entry *e)
{
	uint8_t *bp = p->ram_low + X86_ZERO_PAGE_ADDR;
	struct e820_entry map[E820_MAX_ENTRIES];
	unsigned int n, i;

	/* boot.rst: copy the setup header from the image, then fill it in. */
	memset(bp, 0, BP_SIZE);
	memcpy(bp + BZ_SETUP_SECTS, (const uint8_t *)p->kernel + BZ_SETUP_SECTS,
	       bz->header_end - BZ_SETUP_SECTS);
	bp[BZ_TYPE_OF_LOADER] = LOADER_TYPE_UNDEFINED;
	bp[BZ_LOADFLAGS] |= BZ_LOADED_HIGH | BZ_CAN_USE_HEAP;
	put_le16(bp + BZ_HEAP_END_PTR, HEAP_END_PTR);
	put_le32(bp + BZ_CODE32_START, (uint32_t)e->kernel_addr);
	put_le32(bp + BZ_CMD_LINE_PTR, (uint32_t)X86_CMDLINE_ADDR);
	put_le32(bp + BP_EXT_CMD_LINE_PTR, (uint32_t)(X86_CMDLINE_ADDR >> 32));
	put_le32(bp + BZ_RAMDISK_IMAGE, (uint32_t)e->initrd_addr);
	put_le32(bp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(e->initrd_addr >> 32));
	put_le32(bp + BZ_RAMDISK_SIZE, (uint32_t)e->initrd_size);
	put_le32(bp + BP_EXT_RAMDISK_SIZE, (uint32_t)(e->initrd_size >> 32));

	n = e820_build(p->regions, p->nr_regions, map);
	bp[BP_E820_ENTRIES] = (uint8_t)n;
	for (i = 0; i < n; i++) {
		uint8_t *ent = bp + BP_E820_TABLE + i * E820_ENTRY_SIZE;

		put_le64(ent, map[i].addr);
		put_le64(ent + 8, map[i].size);
		put_le32(ent + 16, map[i].type);
	}
}

int x86_boot_setup(const struct x86_boot_params *p,
		   struct x86_boot_entry *entry, const char **why)
{
	struct bzimage_info bz;
	uint64_t load, kernel_end, initrd_top;
	size_t cmdline_len = strlen(p->cmdline);
	int ret;

	ret = bzimage_parse(p->kernel, p->kernel_len, &bz, why);
	if (ret)
		return ret;
	memset(entry, 0, sizeof(*entry));

	/* boot.rst: a relocatable kernel may go anywhere suitably aligned;
	 * its preferred address is where it runs without relocating. */
	load = bz.relocatable ? align_up(bz.pref_address, bz.kernel_alignment)
			      : X86_KERNEL_DEFAULT_ADDR;
	if (load < X86_BIOS_END)
		load = align_up(X86_BIOS_END, bz.kernel_alignment);
	kernel_end = load + (bz.init_size > bz.kernel_size ? bz.init_size
							  : bz.kernel_size);
	if (kernel_end > p->ram_low_size)
		return fail(why, "guest RAM too small for the kernel", -ENOMEM);
	memcpy(p->ram_low + load, (const uint8_t *)p->kernel + bz.kernel_offset,
	       bz.kernel_size);
	entry->kernel_addr = load;

	if (cmdline_len > bz.cmdline_size || cmdline_len + 1 > X86_CMDLINE_MAX)
		return fail(why, "kernel command line too long", -E2BIG);
	memcpy(p->ram_low + X86_CMDLINE_ADDR, p->cmdline, cmdline_len + 1);

	if (p->initrd && p->initrd_len) {
		/* As high as allowed, below initrd_addr_max and the hole. */
		initrd_top = p->ram_low_size;
		if (bz.initrd_addr_max && initrd_top > (uint64_t)bz.initrd_addr_max + 1)
			initrd_top = (uint64_t)bz.initrd_addr_max + 1;
		if (p->initrd_len > initrd_top ||
		    ((initrd_top - p->initrd_len) & ~(PAGE_SIZE - 1)) < kernel_end)
			return fail(why, "initrd does not fit in guest RAM below the kernel's limit",
				    -ENOMEM);
		entry->initrd_addr = (initrd_top - p->initrd_len) &
				     ~(PAGE_SIZE - 1);
		entry->initrd_size = p->initrd_len;
		memcpy(p->ram_low + entry->initrd_addr, p->initrd,
		       p->initrd_len);
	}

	write_zero_page(p, &bz, entry);
	write_page_tables(p->ram_low);
	write_gdt(p->ram_low, entry);

	entry->rip = load + 0x200;	/* boot.rst: the 64-bit entry point */
	entry->rsi = X86_ZERO_PAGE_ADDR;
	entry->cr3 = X86_PML4_ADDR;
	entry->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_PG;
	entry->cr4 = X86_CR4_PAE;
	entry->efer = X86_EFER_LME | X86_EFER_LMA;
	return 0;
}
