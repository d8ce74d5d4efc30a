// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 64-bit boot layout, read back by byte offset (boot.rst), so that a
 * wrong layout in the code cannot agree with itself in the test.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "boot/ram_layout.h"
#include "boot/x86_boot.h"
#include "boot/x86_layout.h"
#include "fake_bzimage.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

struct fixture {
	uint8_t *ram;
	uint64_t low;
	struct x86_ram_region regions[X86_MAX_RAM_REGIONS];
	unsigned int nr;
	uint8_t *kernel;
	struct x86_boot_params p;
};

static void setup(struct fixture *f, uint64_t ram_size)
{
	ck_assert_int_eq(x86_ram_layout(ram_size, f->regions, &f->nr), 0);
	f->low = f->regions[0].size;
	/* Like guest RAM: lazily allocated, so 3 GiB costs what is touched. */
	f->ram = mmap(NULL, f->low, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ck_assert(f->ram != MAP_FAILED);
	f->kernel = fake_bzimage();
	f->p = (struct x86_boot_params){
		.ram_low = f->ram, .ram_low_size = f->low,
		.regions = f->regions, .nr_regions = f->nr,
		.kernel = f->kernel, .kernel_len = FAKE_LEN,
		.cmdline = "console=ttyS0 hello",
	};
}

static void teardown(struct fixture *f)
{
	munmap(f->ram, f->low);
	free(f->kernel);
}

static uint8_t *zp(struct fixture *f)
{
	return f->ram + X86_ZERO_PAGE_ADDR;
}

START_TEST(test_boot_kernel_copied_to_pref_address)
{
	struct fixture f;
	struct x86_boot_entry e;

	setup(&f, 512 * MiB);
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, NULL), 0);
	ck_assert_uint_eq(e.kernel_addr, 16 * MiB);
	ck_assert_uint_eq(e.rip, 16 * MiB + 0x200);
	ck_assert_uint_eq(e.rsi, X86_ZERO_PAGE_ADDR);
	ck_assert_int_eq(memcmp(f.ram + 16 * MiB, f.kernel + FAKE_SETUP_SIZE,
				FAKE_KERNEL_SIZE), 0);
	teardown(&f);
}
END_TEST

START_TEST(test_boot_zero_page_fields_at_boot_rst_offsets)
{
	struct fixture f;
	struct x86_boot_entry e;
	uint8_t *bp;

	setup(&f, 512 * MiB);
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, NULL), 0);
	bp = zp(&f);
	ck_assert_mem_eq(bp + 0x202, "HdrS", 4);		/* header copied */
	ck_assert_uint_eq(fake_get(bp, 0x206, 2), 0x020f);
	ck_assert_uint_eq(bp[0x210], 0xff);			/* type_of_loader */
	ck_assert_uint_eq(bp[0x211] & 0x81, 0x81);		/* LOADED_HIGH|CAN_USE_HEAP */
	ck_assert_uint_eq(fake_get(bp, 0x228, 4), X86_CMDLINE_ADDR);
	ck_assert_uint_eq(fake_get(bp, 0x0c8, 4), 0);		/* ext_cmd_line_ptr */
	ck_assert_str_eq((char *)f.ram + X86_CMDLINE_ADDR, "console=ttyS0 hello");
	ck_assert_uint_eq(fake_get(bp, 0x218, 4), 0);		/* no initrd */
	ck_assert_uint_eq(fake_get(bp, 0x21c, 4), 0);
	teardown(&f);
}
END_TEST

static void e820(const uint8_t *bp, unsigned int i, uint64_t *addr,
		 uint64_t *size, uint32_t *type)
{
	const uint8_t *ent = bp + 0x2d0 + 20 * i;

	*addr = fake_get(ent, 0, 8);
	*size = fake_get(ent, 8, 8);
	*type = (uint32_t)fake_get(ent, 16, 4);
}

START_TEST(test_boot_e820_512M)
{
	struct fixture f;
	struct x86_boot_entry e;
	uint64_t a, s;
	uint32_t t;

	setup(&f, 512 * MiB);
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, NULL), 0);
	ck_assert_uint_eq(zp(&f)[0x1e8], 3);
	e820(zp(&f), 0, &a, &s, &t);
	ck_assert(a == 0 && s == 0x9fc00 && t == 1);
	e820(zp(&f), 1, &a, &s, &t);
	ck_assert(a == 0x9fc00 && s == 0x100000 - 0x9fc00 && t == 2);
	e820(zp(&f), 2, &a, &s, &t);
	ck_assert(a == 0x100000 && s == 512 * MiB - 0x100000 && t == 1);
	teardown(&f);
}
END_TEST

START_TEST(test_boot_e820_5G_has_ram_above_4G)
{
	struct fixture f;
	struct x86_boot_entry e;
	uint64_t a, s;
	uint32_t t;

	setup(&f, 5 * GiB);
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, NULL), 0);
	ck_assert_uint_eq(zp(&f)[0x1e8], 4);
	e820(zp(&f), 2, &a, &s, &t);
	ck_assert(a == 0x100000 && s == 3 * GiB - 0x100000 && t == 1);
	e820(zp(&f), 3, &a, &s, &t);
	ck_assert(a == 4 * GiB && s == 2 * GiB && t == 1);
	teardown(&f);
}
END_TEST

START_TEST(test_boot_initrd_high_aligned_below_max)
{
	struct fixture f;
	struct x86_boot_entry e;
	size_t len = 3 * MiB + 123;
	uint8_t *initrd = malloc(len);
	uint64_t addr;

	memset(initrd, 0x5a, len);
	setup(&f, 512 * MiB);
	f.p.initrd = initrd;
	f.p.initrd_len = len;
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, NULL), 0);
	addr = fake_get(zp(&f), 0x218, 4);
	ck_assert_uint_eq(addr, e.initrd_addr);
	ck_assert_uint_eq(fake_get(zp(&f), 0x21c, 4), len);
	ck_assert_uint_eq(addr & 0xfff, 0);
	ck_assert_uint_le(addr + len, 512 * MiB);
	ck_assert_uint_gt(addr + len, 512 * MiB - 4096);	/* as high as it goes */
	ck_assert_uint_ge(addr, 16 * MiB + FAKE_INIT_SIZE);	/* clear of the kernel */
	ck_assert_int_eq(memcmp(f.ram + addr, initrd, len), 0);
	teardown(&f);

	/* With 3 GiB low RAM, initrd_addr_max (2 GiB - 1) is the limit. */
	setup(&f, 3 * GiB);
	f.p.initrd = initrd;
	f.p.initrd_len = len;
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, NULL), 0);
	ck_assert_uint_le(e.initrd_addr + len, 0x80000000ull);
	ck_assert_uint_gt(e.initrd_addr + len, 0x80000000ull - 4096);
	teardown(&f);
	free(initrd);
}
END_TEST

START_TEST(test_boot_initrd_too_big_is_enomem)
{
	struct fixture f;
	struct x86_boot_entry e;
	const char *why = NULL;
	size_t len = 100 * MiB;
	uint8_t *initrd = calloc(1, len);

	setup(&f, 128 * MiB);
	f.p.initrd = initrd;
	f.p.initrd_len = len;
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, &why), -ENOMEM);
	ck_assert_ptr_nonnull(strstr(why, "initrd"));
	teardown(&f);
	free(initrd);
}
END_TEST

START_TEST(test_boot_kernel_too_big_for_ram_is_enomem)
{
	struct fixture f;
	struct x86_boot_entry e;
	const char *why = NULL;

	setup(&f, 64 * MiB);
	fake_put(f.kernel, 0x260, 60 * MiB, 4);		/* init_size */
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, &why), -ENOMEM);
	ck_assert_ptr_nonnull(strstr(why, "too small for the kernel"));
	teardown(&f);
}
END_TEST

START_TEST(test_boot_cmdline_too_long_is_e2big)
{
	struct fixture f;
	struct x86_boot_entry e;
	const char *why = NULL;
	char *cmd = malloc(3000);

	memset(cmd, 'a', 2999);
	cmd[2999] = '\0';
	setup(&f, 512 * MiB);
	f.p.cmdline = cmd;
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, &why), -E2BIG);
	cmd[2048] = '\0';			/* one over cmdline_size */
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, &why), -E2BIG);
	cmd[2047] = '\0';			/* exactly cmdline_size */
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, &why), 0);
	teardown(&f);
	free(cmd);
}
END_TEST

START_TEST(test_boot_page_tables_identity_map_4G)
{
	struct fixture f;
	struct x86_boot_entry e;
	unsigned int i;

	setup(&f, 512 * MiB);
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, NULL), 0);
	ck_assert_uint_eq(e.cr3, X86_PML4_ADDR);
	ck_assert_uint_eq(fake_get(f.ram, X86_PML4_ADDR, 8), X86_PDPT_ADDR | 3);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(fake_get(f.ram, X86_PDPT_ADDR + 8 * i, 8),
				  (X86_PD_ADDR + 4096 * i) | 3);
	for (i = 0; i < 2048; i += 97)
		ck_assert_uint_eq(fake_get(f.ram, X86_PD_ADDR + 8 * i, 8),
				  ((uint64_t)i << 21) | 0x83);
	ck_assert_uint_eq(fake_get(f.ram, X86_PD_ADDR + 8 * 2047, 8),
			  (2047ull << 21) | 0x83);
	/* Long mode with paging: PE, PG; PAE; EFER.LME and LMA. */
	ck_assert_uint_eq(e.cr0 & 0x80000001u, 0x80000001u);
	ck_assert_uint_eq(e.cr4 & 0x20, 0x20);
	ck_assert_uint_eq(e.efer & 0x500, 0x500);
	teardown(&f);
}
END_TEST

START_TEST(test_boot_gdt_has_boot_cs_and_ds)
{
	struct fixture f;
	struct x86_boot_entry e;

	setup(&f, 512 * MiB);
	ck_assert_int_eq(x86_boot_setup(&f.p, &e, NULL), 0);
	ck_assert_uint_eq(e.gdt_base, X86_GDT_ADDR);
	ck_assert_uint_ge(e.gdt_limit, 0x1f);
	/* boot.rst: __BOOT_CS 0x10 is 64-bit code, __BOOT_DS 0x18 data. */
	ck_assert_uint_eq(fake_get(f.ram, X86_GDT_ADDR + 0x10, 8),
			  0x00af9b000000ffffull);
	ck_assert_uint_eq(fake_get(f.ram, X86_GDT_ADDR + 0x18, 8),
			  0x00cf93000000ffffull);
	ck_assert_uint_eq(e.code.selector, 0x10);
	ck_assert(e.code.l == 1 && e.code.db == 0 && e.code.present == 1 &&
		  e.code.s == 1 && e.code.type == 0xb);
	ck_assert_uint_eq(e.data.selector, 0x18);
	ck_assert(e.data.l == 0 && e.data.db == 1 && e.data.type == 0x3);
	teardown(&f);
}
END_TEST

START_TEST(test_ram_layout_around_the_hole)
{
	struct x86_ram_region r[X86_MAX_RAM_REGIONS];
	unsigned int nr;

	ck_assert_int_eq(x86_ram_layout(512 * MiB, r, &nr), 0);
	ck_assert_uint_eq(nr, 1);
	ck_assert(r[0].gpa == 0 && r[0].size == 512 * MiB && r[0].offset == 0);

	ck_assert_int_eq(x86_ram_layout(3 * GiB, r, &nr), 0);
	ck_assert_uint_eq(nr, 1);
	ck_assert_uint_eq(r[0].size, 3 * GiB);

	ck_assert_int_eq(x86_ram_layout(5 * GiB, r, &nr), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert(r[0].gpa == 0 && r[0].size == 3 * GiB);
	ck_assert(r[1].gpa == 4 * GiB && r[1].size == 2 * GiB &&
		  r[1].offset == 3 * GiB);

	ck_assert_int_eq(x86_ram_layout(32 * MiB, r, &nr), -EINVAL);
	ck_assert_int_eq(x86_ram_layout(512 * MiB + 1, r, &nr), -EINVAL);
	ck_assert_int_eq(x86_ram_layout(2ull << 40, r, &nr), -ERANGE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("x86_boot");
	TCase *tc = tcase_create("layout");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_boot_kernel_copied_to_pref_address);
	tcase_add_test(tc, test_boot_zero_page_fields_at_boot_rst_offsets);
	tcase_add_test(tc, test_boot_e820_512M);
	tcase_add_test(tc, test_boot_e820_5G_has_ram_above_4G);
	tcase_add_test(tc, test_boot_initrd_high_aligned_below_max);
	tcase_add_test(tc, test_boot_initrd_too_big_is_enomem);
	tcase_add_test(tc, test_boot_kernel_too_big_for_ram_is_enomem);
	tcase_add_test(tc, test_boot_cmdline_too_long_is_e2big);
	tcase_add_test(tc, test_boot_page_tables_identity_map_4G);
	tcase_add_test(tc, test_boot_gdt_has_boot_cs_and_ds);
	tcase_add_test(tc, test_ram_layout_around_the_hole);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
