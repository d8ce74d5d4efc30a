// SPDX-License-Identifier: GPL-2.0-only
/*
 * The zero page read back by the byte offsets of boot.rst and
 * zero-page.rst, so that a wrong struct layout in boot/ fails here.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "boot/x86_layout.h"
#include "boot_fixture.h"
#include "bytes.h"
#include "check_main.h"

#define ZP(f)	((f).ram + 0x7000)	/* the zero page, per x86_layout.h */

static struct boot_fixture f;

static void setup_512m(void)
{
	boot_fixture_init(&f, 512 * MiB);
}

static void teardown(void)
{
	boot_fixture_fini(&f);
}

START_TEST(test_zero_page_is_where_rsi_points)
{
	boot_fixture_boot(&f);
	ck_assert_uint_eq(X86_ZERO_PAGE_ADDR, 0x7000);
	ck_assert_uint_eq(f.e.rsi, 0x7000);
}
END_TEST

START_TEST(test_zero_page_setup_header_copied_from_image)
{
	uint8_t *zp;

	boot_fixture_boot(&f);
	zp = ZP(f);
	ck_assert_uint_eq(rd8(zp, 0x1f1), FAKE_SETUP_SECTS);
	ck_assert_uint_eq(rd16(zp, 0x1fa), 0xffff);
	ck_assert_uint_eq(rd16(zp, 0x1fe), 0xaa55);
	ck_assert_int_eq(memcmp(zp + 0x202, "HdrS", 4), 0);
	ck_assert_uint_eq(rd16(zp, 0x206), 0x020f);
	ck_assert_uint_eq(rd32(zp, 0x22c), 0x7fffffff);
	ck_assert_uint_eq(rd32(zp, 0x230), 2 * MiB);
	ck_assert_uint_eq(rd8(zp, 0x234), 1);
	ck_assert_uint_eq(rd16(zp, 0x236), 0x7f);
	ck_assert_uint_eq(rd32(zp, 0x238), 2047);
	ck_assert_uint_eq(rd64(zp, 0x258), FAKE_PREF_ADDRESS);
	ck_assert_uint_eq(rd32(zp, 0x260), FAKE_INIT_SIZE);
	/* The last field before the header's end (0x26c) comes along. */
	ck_assert_uint_eq(rd32(zp, 0x268), 0x12345678);
}
END_TEST

START_TEST(test_zero_page_copies_header_only_up_to_its_end)
{
	uint8_t *zp;
	size_t i;

	/* Bytes after the header in the image are setup code, not header. */
	memset(f.kernel + 0x26c, 0xab, 0x290 - 0x26c);
	boot_fixture_boot(&f);
	zp = ZP(f);
	for (i = 0x26c; i < 0x2d0; i++)
		ck_assert_uint_eq(zp[i], 0);
	/* Nor anything before 0x1f1: the image's sentinel byte stays out. */
	ck_assert_uint_eq(rd8(zp, 0x1ef), 0);
	for (i = 0; i < 0xc0; i++)
		ck_assert_uint_eq(zp[i], 0);
}
END_TEST

START_TEST(test_zero_page_loader_fields)
{
	uint8_t *zp;

	boot_fixture_boot(&f);
	zp = ZP(f);
	ck_assert_uint_eq(rd8(zp, 0x210), 0xff);	/* type_of_loader */
	ck_assert_uint_eq(rd8(zp, 0x211) & 0x01, 0x01);	/* LOADED_HIGH */
	ck_assert_uint_eq(rd8(zp, 0x211) & 0x80, 0x80);	/* CAN_USE_HEAP */
	ck_assert_uint_eq(rd16(zp, 0x224), 0xfe00);	/* heap_end_ptr */
	ck_assert_uint_eq(rd32(zp, 0x214), 16 * MiB);	/* code32_start */
}
END_TEST

START_TEST(test_zero_page_cmdline_pointer)
{
	uint8_t *zp;

	boot_fixture_boot(&f);
	zp = ZP(f);
	ck_assert_uint_eq(rd32(zp, 0x228), 0x20000);
	ck_assert_uint_eq(rd32(zp, 0x0c8), 0);		/* ext_cmd_line_ptr */
	ck_assert_str_eq((char *)f.ram + rd32(zp, 0x228),
			 "console=ttyS0 hello");
}
END_TEST

START_TEST(test_zero_page_ramdisk_fields)
{
	uint8_t initrd[10000];
	uint8_t *zp;

	memset(initrd, 0x5a, sizeof(initrd));
	f.p.initrd = initrd;
	f.p.initrd_len = sizeof(initrd);
	boot_fixture_boot(&f);
	zp = ZP(f);
	ck_assert_uint_eq(rd32(zp, 0x218), f.e.initrd_addr);
	ck_assert_uint_eq(rd32(zp, 0x21c), sizeof(initrd));
	ck_assert_uint_eq(rd32(zp, 0x0c0), 0);		/* ext_ramdisk_image */
	ck_assert_uint_eq(rd32(zp, 0x0c4), 0);		/* ext_ramdisk_size */
	ck_assert_int_eq(memcmp(f.ram + rd32(zp, 0x218), initrd,
				sizeof(initrd)), 0);
}
END_TEST

START_TEST(test_zero_page_no_initrd_leaves_ramdisk_zero)
{
	boot_fixture_boot(&f);
	ck_assert_uint_eq(rd32(ZP(f), 0x218), 0);
	ck_assert_uint_eq(rd32(ZP(f), 0x21c), 0);
}
END_TEST

static void expect_e820(unsigned int i, uint64_t addr, uint64_t size,
			uint32_t type)
{
	const uint8_t *e = ZP(f) + 0x2d0 + 20 * i;

	ck_assert_uint_eq(rd64(e, 0), addr);
	ck_assert_uint_eq(rd64(e, 8), size);
	ck_assert_uint_eq(rd32(e, 16), type);
}

START_TEST(test_zero_page_e820_for_512m)
{
	boot_fixture_boot(&f);
	ck_assert_uint_eq(rd8(ZP(f), 0x1e8), 3);
	expect_e820(0, 0, 0x9fc00, 1);
	expect_e820(1, 0x9fc00, 0x60400, 2);
	expect_e820(2, 0x100000, 511 * MiB, 1);
	expect_e820(3, 0, 0, 0);
}
END_TEST

START_TEST(test_zero_page_e820_for_5g)
{
	boot_fixture_fini(&f);
	boot_fixture_init(&f, 5 * GiB);
	boot_fixture_boot(&f);
	ck_assert_uint_eq(rd8(ZP(f), 0x1e8), 4);
	expect_e820(0, 0, 0x9fc00, 1);
	expect_e820(1, 0x9fc00, 0x60400, 2);
	expect_e820(2, 0x100000, 3 * GiB - MiB, 1);
	expect_e820(3, 4 * GiB, 2 * GiB, 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("x86_boot_zero_page");
	TCase *tc = tcase_create("zero_page");

	tcase_add_checked_fixture(tc, setup_512m, teardown);
	tcase_add_test(tc, test_zero_page_is_where_rsi_points);
	tcase_add_test(tc, test_zero_page_setup_header_copied_from_image);
	tcase_add_test(tc, test_zero_page_copies_header_only_up_to_its_end);
	tcase_add_test(tc, test_zero_page_loader_fields);
	tcase_add_test(tc, test_zero_page_cmdline_pointer);
	tcase_add_test(tc, test_zero_page_ramdisk_fields);
	tcase_add_test(tc, test_zero_page_no_initrd_leaves_ramdisk_zero);
	tcase_add_test(tc, test_zero_page_e820_for_512m);
	tcase_add_test(tc, test_zero_page_e820_for_5g);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
