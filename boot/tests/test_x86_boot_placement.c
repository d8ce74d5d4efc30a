// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where x86_boot_setup() puts the kernel, the command line and the initrd,
 * and what it refuses.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "boot/x86_layout.h"
#include "boot_fixture.h"
#include "bytes.h"
#include "check_main.h"

static struct boot_fixture f;

static void setup_512m(void)
{
	boot_fixture_init(&f, 512 * MiB);
}

static void teardown(void)
{
	boot_fixture_fini(&f);
}

static void expect_fail(int err, const char *needle)
{
	ck_assert_int_eq(boot_fixture_run(&f), err);
	ck_assert_ptr_nonnull(f.why);
	ck_assert_msg(strstr(f.why, needle), "'%s' lacks '%s'", f.why,
		      needle);
	/* Validation comes first: guest RAM is untouched. */
	ck_assert_uint_eq(rd64(f.ram, X86_ZERO_PAGE_ADDR + 0x1f1), 0);
	ck_assert_uint_eq(rd64(f.ram, X86_PML4_ADDR), 0);
	ck_assert_uint_eq(rd64(f.ram, 16 * MiB), 0);
}

START_TEST(test_boot_relocatable_kernel_goes_to_pref_address)
{
	boot_fixture_boot(&f);
	ck_assert_uint_eq(f.e.kernel_addr, 16 * MiB);
	ck_assert_uint_eq(f.e.rip, 16 * MiB + 0x200);
	ck_assert_uint_eq(f.e.kernel_end, 16 * MiB + FAKE_INIT_SIZE);
	ck_assert_int_eq(memcmp(f.ram + 16 * MiB, f.kernel + FAKE_SETUP_SIZE,
				FAKE_KERNEL_SIZE), 0);
	/* syssize ends the kernel: the signature-like trailer stays out. */
	ck_assert_uint_eq(f.ram[16 * MiB + FAKE_KERNEL_SIZE], 0);
}
END_TEST

START_TEST(test_boot_pref_address_is_aligned_up_to_kernel_alignment)
{
	wr(f.kernel, H_PREF_ADDRESS, 17 * MiB, 8);
	boot_fixture_boot(&f);
	ck_assert_uint_eq(f.e.kernel_addr, 18 * MiB);
	ck_assert_uint_eq(f.e.rip, 18 * MiB + 0x200);
}
END_TEST

START_TEST(test_boot_relocatable_kernel_never_goes_below_1m)
{
	wr(f.kernel, H_PREF_ADDRESS, 0x10000, 8);
	boot_fixture_boot(&f);
	ck_assert_uint_eq(f.e.kernel_addr, 2 * MiB);
}
END_TEST

START_TEST(test_boot_non_relocatable_kernel_goes_to_1m)
{
	f.kernel[H_RELOCATABLE] = 0;
	boot_fixture_boot(&f);
	ck_assert_uint_eq(f.e.kernel_addr, 0x100000);
	ck_assert_uint_eq(f.e.rip, 0x100200);
	/* It moves itself to pref_address and needs init_size there. */
	ck_assert_uint_eq(f.e.kernel_end, 16 * MiB + FAKE_INIT_SIZE);
	ck_assert_int_eq(memcmp(f.ram + 0x100000, f.kernel + FAKE_SETUP_SIZE,
				FAKE_KERNEL_SIZE), 0);
}
END_TEST

START_TEST(test_boot_rejects_non_relocatable_kernel_running_below_1m)
{
	f.kernel[H_RELOCATABLE] = 0;
	wr(f.kernel, H_PREF_ADDRESS, 0x10000, 8);
	expect_fail(-ENOEXEC, "below 1 MiB");
}
END_TEST

START_TEST(test_boot_kernel_end_covers_kernel_larger_than_init_size)
{
	wr(f.kernel, H_INIT_SIZE, 4096, 4);
	boot_fixture_boot(&f);
	ck_assert_uint_eq(f.e.kernel_end, 16 * MiB + FAKE_KERNEL_SIZE);
}
END_TEST

START_TEST(test_boot_rejects_kernel_too_big_for_ram)
{
	/* 16 MiB + 600 MiB of init_size in 512 MiB. */
	wr(f.kernel, H_INIT_SIZE, 600 * MiB, 4);
	expect_fail(-ENOMEM, "guest RAM too small for the kernel (needs 616 MiB)");
}
END_TEST

START_TEST(test_boot_rejects_absurd_pref_address)
{
	wr(f.kernel, H_PREF_ADDRESS, UINT64_MAX - 4096, 8);
	expect_fail(-ENOMEM, "guest RAM too small for the kernel");
}
END_TEST

START_TEST(test_boot_kernel_fits_minimum_ram)
{
	boot_fixture_fini(&f);
	boot_fixture_init(&f, 64 * MiB);
	boot_fixture_boot(&f);
	ck_assert_uint_eq(f.e.kernel_addr, 16 * MiB);
}
END_TEST

START_TEST(test_boot_cmdline_written_at_its_address)
{
	boot_fixture_boot(&f);
	ck_assert_str_eq((char *)f.ram + 0x20000, "console=ttyS0 hello");
}
END_TEST

START_TEST(test_boot_null_cmdline_is_empty)
{
	f.ram[0x20000] = 'x';
	f.p.cmdline = NULL;
	boot_fixture_boot(&f);
	ck_assert_uint_eq(f.ram[0x20000], 0);
}
END_TEST

START_TEST(test_boot_cmdline_of_2047_bytes_fits)
{
	char line[2048];

	memset(line, 'a', 2047);
	line[2047] = '\0';
	f.p.cmdline = line;
	boot_fixture_boot(&f);
	ck_assert_uint_eq(strlen((char *)f.ram + 0x20000), 2047);
}
END_TEST

START_TEST(test_boot_rejects_cmdline_longer_than_buffer)
{
	static char line[4097];

	/* Even if the kernel would take it, our buffer holds 2047 + NUL. */
	wr(f.kernel, H_CMDLINE_SIZE, 4096, 4);
	memset(line, 'a', 2048);
	f.p.cmdline = line;
	expect_fail(-E2BIG, "kernel command line too long (2048 bytes, at most 2047)");
}
END_TEST

START_TEST(test_boot_rejects_cmdline_longer_than_kernel_cmdline_size)
{
	char line[102];

	wr(f.kernel, H_CMDLINE_SIZE, 100, 4);
	memset(line, 'b', 101);
	line[101] = '\0';
	f.p.cmdline = line;
	expect_fail(-E2BIG, "at most 100");
	line[100] = '\0';
	boot_fixture_boot(&f);
}
END_TEST

/* An initrd of @len bytes whose bytes count down. */
static uint8_t *make_initrd(size_t len)
{
	uint8_t *p = malloc(len);
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(255 - i);
	f.p.initrd = p;
	f.p.initrd_len = len;
	return p;
}

START_TEST(test_boot_initrd_at_top_of_ram_page_aligned)
{
	size_t len = 3 * MiB + 123;
	uint8_t *initrd = make_initrd(len);

	boot_fixture_boot(&f);
	ck_assert_uint_eq(f.e.initrd_addr % 4096, 0);
	ck_assert_uint_eq(f.e.initrd_size, len);
	ck_assert_uint_le(f.e.initrd_addr + len, 512 * MiB);
	/* As high as possible: less than a page left above it. */
	ck_assert_uint_gt(f.e.initrd_addr + len + 4096, 512 * MiB);
	ck_assert_uint_ge(f.e.initrd_addr, f.e.kernel_end);
	ck_assert_int_eq(memcmp(f.ram + f.e.initrd_addr, initrd, len), 0);
	free(initrd);
}
END_TEST

START_TEST(test_boot_initrd_below_initrd_addr_max)
{
	size_t len = 5 * MiB + 1;
	uint8_t *initrd;

	boot_fixture_fini(&f);
	boot_fixture_init(&f, 3 * GiB);
	initrd = make_initrd(len);
	/* A kernel that cannot take an initrd above 4 GiB, max 2 GiB - 1. */
	wr(f.kernel, H_XLOADFLAGS, 0x01, 2);
	boot_fixture_boot(&f);
	ck_assert_uint_eq(f.e.initrd_addr % 4096, 0);
	ck_assert_uint_le(f.e.initrd_addr + len - 1, 0x7fffffff);
	ck_assert_uint_gt(f.e.initrd_addr + len + 4096, 0x80000000);
	free(initrd);
}
END_TEST

START_TEST(test_boot_initrd_stays_in_low_ram_with_ram_above_4g)
{
	size_t len = 8 * MiB;
	uint8_t *initrd;

	boot_fixture_fini(&f);
	boot_fixture_init(&f, 5 * GiB);
	initrd = make_initrd(len);
	boot_fixture_boot(&f);
	/* XLF_CAN_BE_LOADED_ABOVE_4G: the end of low RAM is the limit. */
	ck_assert_uint_eq(f.e.initrd_addr, 3 * GiB - len);
	free(initrd);
}
END_TEST

START_TEST(test_boot_initrd_just_fitting_above_kernel)
{
	/* Exactly the room between the kernel's init area and the top. */
	size_t len = 64 * MiB - (16 * MiB + FAKE_INIT_SIZE);
	uint8_t *initrd;

	boot_fixture_fini(&f);
	boot_fixture_init(&f, 64 * MiB);
	initrd = make_initrd(len);
	boot_fixture_boot(&f);
	ck_assert_uint_eq(f.e.initrd_addr, 16 * MiB + FAKE_INIT_SIZE);
	free(initrd);
}
END_TEST

START_TEST(test_boot_rejects_initrd_too_big)
{
	size_t len = 64 * MiB - (16 * MiB + FAKE_INIT_SIZE) + 1;
	uint8_t *initrd;

	boot_fixture_fini(&f);
	boot_fixture_init(&f, 64 * MiB);
	initrd = make_initrd(len);
	expect_fail(-ENOMEM, "initrd of 17 MiB does not fit");
	free(initrd);
}
END_TEST

START_TEST(test_boot_rejects_initrd_bigger_than_ram)
{
	uint8_t dummy = 0;

	/* Not read: the size alone is refused. */
	f.p.initrd = &dummy;
	f.p.initrd_len = 600 * MiB;
	expect_fail(-ENOMEM, "initrd of 600 MiB does not fit");
}
END_TEST

START_TEST(test_boot_rejects_initrd_length_without_initrd)
{
	f.p.initrd_len = 4096;
	expect_fail(-EINVAL, "initrd");
}
END_TEST

START_TEST(test_boot_rejects_bad_kernel_with_parser_reason)
{
	wr(f.kernel, H_XLOADFLAGS, 0, 2);
	expect_fail(-ENOEXEC, "XLF_KERNEL_64");
}
END_TEST

START_TEST(test_boot_rejects_regions_not_matching_low_ram)
{
	f.p.ram_low_size = f.regions[0].size + 4096;
	expect_fail(-EINVAL, "RAM regions");
	f.p.ram_low_size = f.regions[0].size;
	f.p.nr_regions = 0;
	expect_fail(-EINVAL, "RAM regions");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("x86_boot_placement");
	TCase *k = tcase_create("kernel");
	TCase *c = tcase_create("cmdline");
	TCase *i = tcase_create("initrd");

	tcase_add_checked_fixture(k, setup_512m, teardown);
	tcase_add_test(k, test_boot_relocatable_kernel_goes_to_pref_address);
	tcase_add_test(k,
		test_boot_pref_address_is_aligned_up_to_kernel_alignment);
	tcase_add_test(k, test_boot_relocatable_kernel_never_goes_below_1m);
	tcase_add_test(k, test_boot_non_relocatable_kernel_goes_to_1m);
	tcase_add_test(k,
		test_boot_rejects_non_relocatable_kernel_running_below_1m);
	tcase_add_test(k,
		test_boot_kernel_end_covers_kernel_larger_than_init_size);
	tcase_add_test(k, test_boot_rejects_kernel_too_big_for_ram);
	tcase_add_test(k, test_boot_rejects_absurd_pref_address);
	tcase_add_test(k, test_boot_kernel_fits_minimum_ram);
	tcase_add_test(k, test_boot_rejects_bad_kernel_with_parser_reason);
	tcase_add_test(k, test_boot_rejects_regions_not_matching_low_ram);
	suite_add_tcase(s, k);

	tcase_add_checked_fixture(c, setup_512m, teardown);
	tcase_add_test(c, test_boot_cmdline_written_at_its_address);
	tcase_add_test(c, test_boot_null_cmdline_is_empty);
	tcase_add_test(c, test_boot_cmdline_of_2047_bytes_fits);
	tcase_add_test(c, test_boot_rejects_cmdline_longer_than_buffer);
	tcase_add_test(c,
		test_boot_rejects_cmdline_longer_than_kernel_cmdline_size);
	suite_add_tcase(s, c);

	tcase_add_checked_fixture(i, setup_512m, teardown);
	tcase_add_test(i, test_boot_initrd_at_top_of_ram_page_aligned);
	tcase_add_test(i, test_boot_initrd_below_initrd_addr_max);
	tcase_add_test(i, test_boot_initrd_stays_in_low_ram_with_ram_above_4g);
	tcase_add_test(i, test_boot_initrd_just_fitting_above_kernel);
	tcase_add_test(i, test_boot_rejects_initrd_too_big);
	tcase_add_test(i, test_boot_rejects_initrd_bigger_than_ram);
	tcase_add_test(i, test_boot_rejects_initrd_length_without_initrd);
	suite_add_tcase(s, i);
	return run_suite(s);
}
