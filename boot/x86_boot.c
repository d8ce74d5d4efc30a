// SPDX-License-Identifier: GPL-2.0-only
#include "boot/x86_boot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "boot/bzimage.h"
#include "boot/e820.h"
#include "boot/x86_layout.h"
#include "boot/zero_page.h"

#define MiB			(1ull << 20)
#define PAGE_SIZE		0x1000ull
#define ENTRY_64		0x200	/* boot.rst: 64-bit entry at +0x200 */
#define LOADER_UNDEFINED	0xff	/* boot.rst type_of_loader: no id */
#define HEAP_END_PTR		0xfe00	/* boot.rst sample: 0xe000 - 0x200 */
#define INITRD_ADDR_MAX_OLD	0x37ffffffull	/* boot.rst, before 2.03 */

/* Long-mode paging (SDM vol. 3, 4.5): 4 levels, 2 MiB pages in the PDs. */
#define PTE_PRESENT		(1ull << 0)
#define PTE_WRITE		(1ull << 1)
#define PTE_PS			(1ull << 7)
#define PTES_PER_PAGE		512

#define X86_CR0_PE		(1ull << 0)
#define X86_CR0_ET		(1ull << 4)
#define X86_CR0_PG		(1ull << 31)
#define X86_CR4_PAE		(1ull << 5)
#define X86_EFER_LME		(1ull << 8)
#define X86_EFER_LMA		(1ull << 10)

/* boot.rst, 64-bit protocol: the GDT must have these two, flat 4 GiB. */
#define BOOT_CS			0x10
#define BOOT_DS			0x18
#define SEG_TYPE_CODE_XRA	0xb	/* execute/read, accessed */
#define SEG_TYPE_DATA_RWA	0x3	/* read/write, accessed */

/* The boot structures in the first MiB must not overlap each other. */
_Static_assert(X86_GDT_ADDR + 8 * X86_GDT_ENTRIES <= X86_ZERO_PAGE_ADDR,
	       "GDT below the zero page");
_Static_assert(X86_ZERO_PAGE_ADDR + ZERO_PAGE_SIZE <= X86_PML4_ADDR,
	       "zero page below the page tables");
_Static_assert(X86_PML4_ADDR + PAGE_SIZE <= X86_PDPT_ADDR &&
	       X86_PDPT_ADDR + PAGE_SIZE <= X86_PD_ADDR,
	       "page tables in order");
_Static_assert(X86_PD_ADDR + X86_PD_COUNT * PAGE_SIZE <= X86_CMDLINE_ADDR,
	       "page directories below the command line");
_Static_assert(X86_CMDLINE_ADDR + X86_CMDLINE_MAX <= X86_EBDA_START,
	       "command line below the EBDA");
_Static_assert(X86_PD_COUNT * PTES_PER_PAGE * (2 * MiB) == X86_MMIO_HOLE_END,
	       "the identity map covers the first 4 GiB");

/* Where the kernel, its init area and the initrd go. */
struct placement {
	uint64_t load;		/* protected-mode kernel */
	uint64_t init_end;	/* end of what it needs to boot */
	uint64_t initrd;
	size_t cmdline_len;
};

static int fail(const char **why, const char *reason, int err)
{
	if (why)
		*why = reason;
	return err;
}

/* Arithmetic on sizes and addresses read from the image: saturating. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	if (a <= 1)
		return v;
	v = sat_add(v, a - 1);
	return v - v % a;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t mib_up(uint64_t v)
{
	return v / MiB + (v % MiB != 0);
}

/*
 * boot.rst, init_size: a relocatable kernel runs where it is loaded,
 * aligned up to kernel_alignment (we load it there directly); any other
 * bzImage is loaded at 1 MiB and moves itself to pref_address. It needs
 * init_size bytes from where it runs.
 */
static int place_kernel(const struct x86_boot_params *p,
			const struct bzimage_info *bz, struct placement *pl,
			struct x86_boot_entry *e, const char **why)
{
	uint64_t run;

	if (bz->relocatable) {
		pl->load = align_up(max_u64(bz->pref_address,
					    X86_KERNEL_DEFAULT_ADDR),
				    bz->kernel_alignment);
		run = pl->load;
	} else {
		pl->load = X86_KERNEL_DEFAULT_ADDR;
		run = bz->pref_address ? bz->pref_address : pl->load;
		if (run < X86_BIOS_END)
			return fail(why, "kernel is not relocatable and runs below 1 MiB, over the boot structures",
				    -ENOEXEC);
	}
	pl->init_end = max_u64(sat_add(pl->load, bz->kernel_size),
			       sat_add(run, bz->init_size));
	if (pl->init_end > p->ram_low_size) {
		snprintf(e->why_buf, sizeof(e->why_buf),
			 "guest RAM too small for the kernel (needs %llu MiB)",
			 (unsigned long long)mib_up(pl->init_end));
		return fail(why, e->why_buf, -ENOMEM);
	}
	return 0;
}

/*
 * boot.rst (mem=): an initrd goes near the end of memory, out of the way
 * of the kernel's early allocations. As high as allowed: below
 * initrd_addr_max ("the highest safe byte") unless the kernel takes an
 * initrd anywhere (XLF_CAN_BE_LOADED_ABOVE_4G), and in low RAM anyway.
 */
static int place_initrd(const struct x86_boot_params *p,
			const struct bzimage_info *bz, struct placement *pl,
			struct x86_boot_entry *e, const char **why)
{
	uint64_t top = p->ram_low_size, limit, bottom;

	pl->initrd = 0;
	if (!p->initrd_len)
		return 0;
	if (!p->initrd)
		return fail(why, "initrd length without an initrd", -EINVAL);
	if (bz->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G)
		limit = X86_HIGH_RAM_START;
	else if (bz->initrd_addr_max)
		limit = (uint64_t)bz->initrd_addr_max + 1;
	else
		limit = INITRD_ADDR_MAX_OLD + 1;
	if (top > limit)
		top = limit;
	bottom = align_up(pl->init_end, PAGE_SIZE);
	if (p->initrd_len > top ||
	    ((top - p->initrd_len) & ~(PAGE_SIZE - 1)) < bottom) {
		snprintf(e->why_buf, sizeof(e->why_buf),
			 "initrd of %llu MiB does not fit in guest RAM between the kernel (ends at %llu MiB) and %llu MiB",
			 (unsigned long long)mib_up(p->initrd_len),
			 (unsigned long long)mib_up(bottom),
			 (unsigned long long)(top / MiB));
		return fail(why, e->why_buf, -ENOMEM);
	}
	pl->initrd = (top - p->initrd_len) & ~(PAGE_SIZE - 1);
	return 0;
}

/* boot.rst: cmdline_size excludes the NUL; our buffer includes it. */
static int check_cmdline(const char *cmdline, const struct bzimage_info *bz,
			 struct placement *pl, struct x86_boot_entry *e,
			 const char **why)
{
	size_t max = X86_CMDLINE_MAX - 1;

	if (bz->cmdline_size < max)
		max = bz->cmdline_size;
	pl->cmdline_len = strlen(cmdline);
	if (pl->cmdline_len > max) {
		snprintf(e->why_buf, sizeof(e->why_buf),
			 "kernel command line too long (%zu bytes, at most %zu)",
			 pl->cmdline_len, max);
		return fail(why, e->why_buf, -E2BIG);
	}
	return 0;
}

/*
 * The zero page (boot.rst, 64-bit protocol): all zero, then the setup
 * header copied from the image, then the fields a loader writes.
 */
static void write_zero_page(const struct x86_boot_params *p,
			    const struct bzimage_info *bz,
			    const struct placement *pl,
			    const struct e820_entry *map, unsigned int nr_map)
{
	struct zero_page zp;

	memset(&zp, 0, sizeof(zp));
	memcpy((uint8_t *)&zp + SETUP_HEADER_OFFSET,
	       (const uint8_t *)p->kernel + SETUP_HEADER_OFFSET,
	       bz->header_end - SETUP_HEADER_OFFSET);
	zp.hdr.type_of_loader = LOADER_UNDEFINED;
	zp.hdr.loadflags |= LOADED_HIGH | CAN_USE_HEAP;
	zp.hdr.heap_end_ptr = HEAP_END_PTR;
	/* boot.rst: a relocated kernel's code32_start is its load address. */
	zp.hdr.code32_start = (uint32_t)pl->load;
	zp.hdr.cmd_line_ptr = (uint32_t)X86_CMDLINE_ADDR;
	zp.ext_cmd_line_ptr = (uint32_t)(X86_CMDLINE_ADDR >> 32);
	zp.hdr.ramdisk_image = (uint32_t)pl->initrd;
	zp.ext_ramdisk_image = (uint32_t)(pl->initrd >> 32);
	zp.hdr.ramdisk_size = (uint32_t)p->initrd_len;
	zp.ext_ramdisk_size = (uint32_t)((uint64_t)p->initrd_len >> 32);
	memcpy(zp.e820_table, map, nr_map * sizeof(*map));
	zp.e820_entries = (uint8_t)nr_map;
	memcpy((uint8_t *)p->ram_low + X86_ZERO_PAGE_ADDR, &zp, sizeof(zp));
}

/* PML4[0] -> PDPT, PDPT[0..3] -> the 4 PDs, each of 512 2-MiB pages. */
static void write_page_tables(uint8_t *ram)
{
	uint64_t pml4[PTES_PER_PAGE] = { 0 }, pdpt[PTES_PER_PAGE] = { 0 };
	uint64_t pd[PTES_PER_PAGE];
	unsigned int i, j;

	pml4[0] = X86_PDPT_ADDR | PTE_PRESENT | PTE_WRITE;
	for (i = 0; i < X86_PD_COUNT; i++) {
		pdpt[i] = (X86_PD_ADDR + i * PAGE_SIZE) | PTE_PRESENT |
			  PTE_WRITE;
		for (j = 0; j < PTES_PER_PAGE; j++)
			pd[j] = (((uint64_t)i * PTES_PER_PAGE + j) * 2 * MiB) |
				PTE_PRESENT | PTE_WRITE | PTE_PS;
		memcpy(ram + X86_PD_ADDR + i * PAGE_SIZE, pd, sizeof(pd));
	}
	memcpy(ram + X86_PML4_ADDR, pml4, sizeof(pml4));
	memcpy(ram + X86_PDPT_ADDR, pdpt, sizeof(pdpt));
}

static struct x86_boot_segment flat_segment(uint16_t selector, uint8_t type,
					    uint8_t l, uint8_t db)
{
	return (struct x86_boot_segment){
		.base = 0, .limit = 0xffffffff, .selector = selector,
		.type = type, .present = 1, .dpl = 0, .db = db, .s = 1,
		.l = l, .g = 1,
	};
}

/* A segment descriptor (SDM vol. 3, 3.4.5) from what KVM is told. */
static uint64_t descriptor(const struct x86_boot_segment *s)
{
	uint32_t limit = s->g ? s->limit >> 12 : s->limit;

	return (uint64_t)(limit & 0xffff) |
	       (s->base & 0xffffff) << 16 |
	       (uint64_t)s->type << 40 | (uint64_t)s->s << 44 |
	       (uint64_t)s->dpl << 45 | (uint64_t)s->present << 47 |
	       (uint64_t)(limit >> 16 & 0xf) << 48 |
	       (uint64_t)s->l << 53 | (uint64_t)s->db << 54 |
	       (uint64_t)s->g << 55 | (s->base >> 24 & 0xff) << 56;
}

/* Entries 0 and 1 stay null; the protocol's selectors are 0x10, 0x18. */
static void write_gdt(uint8_t *ram, struct x86_boot_entry *e)
{
	uint64_t gdt[X86_GDT_ENTRIES] = { 0 };

	e->code = flat_segment(BOOT_CS, SEG_TYPE_CODE_XRA, 1, 0);
	e->data = flat_segment(BOOT_DS, SEG_TYPE_DATA_RWA, 0, 1);
	gdt[BOOT_CS / 8] = descriptor(&e->code);
	gdt[BOOT_DS / 8] = descriptor(&e->data);
	memcpy(ram + X86_GDT_ADDR, gdt, sizeof(gdt));
	e->gdt_base = X86_GDT_ADDR;
	e->gdt_limit = sizeof(gdt) - 1;
}

int x86_boot_setup(const struct x86_boot_params *p,
		   struct x86_boot_entry *entry, const char **why)
{
	struct e820_entry map[E820_MAX_ENTRIES];
	const char *cmdline = p->cmdline ? p->cmdline : "";
	struct bzimage_info bz;
	struct placement pl;
	uint8_t *ram = p->ram_low;
	int ret, nr_map;

	memset(entry, 0, sizeof(*entry));
	ret = bzimage_parse(p->kernel, p->kernel_len, &bz, why);
	if (ret)
		return ret;
	nr_map = e820_build(p->regions, p->nr_regions, map, E820_MAX_ENTRIES);
	if (nr_map < 0 || p->ram_low_size > p->regions[0].size)
		return fail(why, "RAM regions do not describe low guest RAM from 0",
			    -EINVAL);
	ret = place_kernel(p, &bz, &pl, entry, why);
	if (!ret)
		ret = check_cmdline(cmdline, &bz, &pl, entry, why);
	if (!ret)
		ret = place_initrd(p, &bz, &pl, entry, why);
	if (ret)
		return ret;

	/* Everything fits: write. */
	memcpy(ram + pl.load, (const uint8_t *)p->kernel + bz.kernel_offset,
	       bz.kernel_size);
	memcpy(ram + X86_CMDLINE_ADDR, cmdline, pl.cmdline_len + 1);
	if (p->initrd_len)
		memcpy(ram + pl.initrd, p->initrd, p->initrd_len);
	write_zero_page(p, &bz, &pl, map, (unsigned int)nr_map);
	write_page_tables(ram);
	write_gdt(ram, entry);

	entry->rip = pl.load + ENTRY_64;
	entry->rsi = X86_ZERO_PAGE_ADDR;
	entry->cr3 = X86_PML4_ADDR;
	entry->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_PG;
	entry->cr4 = X86_CR4_PAE;
	entry->efer = X86_EFER_LME | X86_EFER_LMA;
	entry->kernel_addr = pl.load;
	entry->kernel_end = pl.init_end;
	entry->initrd_addr = pl.initrd;
	entry->initrd_size = p->initrd_len;
	return 0;
}
