// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <stdint.h>

#include "boot/ram_layout.h"
#include "check_main.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)
#define TiB (1ull << 40)

START_TEST(test_ram_layout_512m_is_one_low_region)
{
	struct x86_ram_region r[X86_MAX_RAM_REGIONS];
	unsigned int nr = 0;

	ck_assert_int_eq(x86_ram_layout(512 * MiB, r, &nr), 0);
	ck_assert_uint_eq(nr, 1);
	ck_assert_uint_eq(r[0].gpa, 0);
	ck_assert_uint_eq(r[0].size, 512 * MiB);
	ck_assert_uint_eq(r[0].offset, 0);
}
END_TEST

START_TEST(test_ram_layout_exactly_3g_fills_up_to_hole)
{
	struct x86_ram_region r[X86_MAX_RAM_REGIONS];
	unsigned int nr = 0;

	ck_assert_int_eq(x86_ram_layout(3 * GiB, r, &nr), 0);
	ck_assert_uint_eq(nr, 1);
	ck_assert_uint_eq(r[0].gpa, 0);
	ck_assert_uint_eq(r[0].size, 3 * GiB);
}
END_TEST

START_TEST(test_ram_layout_one_page_over_3g_goes_to_4g)
{
	struct x86_ram_region r[X86_MAX_RAM_REGIONS];
	unsigned int nr = 0;

	ck_assert_int_eq(x86_ram_layout(3 * GiB + 4096, r, &nr), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert_uint_eq(r[1].gpa, 4 * GiB);
	ck_assert_uint_eq(r[1].size, 4096);
	ck_assert_uint_eq(r[1].offset, 3 * GiB);
}
END_TEST

START_TEST(test_ram_layout_5g_is_3g_low_and_2g_at_4g)
{
	struct x86_ram_region r[X86_MAX_RAM_REGIONS];
	unsigned int nr = 0;

	ck_assert_int_eq(x86_ram_layout(5 * GiB, r, &nr), 0);
	ck_assert_uint_eq(nr, 2);
	ck_assert_uint_eq(r[0].gpa, 0);
	ck_assert_uint_eq(r[0].size, 3 * GiB);
	ck_assert_uint_eq(r[0].offset, 0);
	ck_assert_uint_eq(r[1].gpa, 4 * GiB);
	ck_assert_uint_eq(r[1].size, 2 * GiB);
	ck_assert_uint_eq(r[1].offset, 3 * GiB);
}
END_TEST

START_TEST(test_ram_layout_minimum_is_accepted)
{
	struct x86_ram_region r[X86_MAX_RAM_REGIONS];
	unsigned int nr = 0;

	ck_assert_int_eq(x86_ram_layout(64 * MiB, r, &nr), 0);
	ck_assert_uint_eq(nr, 1);
}
END_TEST

START_TEST(test_ram_layout_rejects_below_minimum)
{
	struct x86_ram_region r[X86_MAX_RAM_REGIONS];
	unsigned int nr = 99;

	ck_assert_int_eq(x86_ram_layout(64 * MiB - 4096, r, &nr), -EINVAL);
	ck_assert_int_eq(x86_ram_layout(0, r, &nr), -EINVAL);
	ck_assert_uint_eq(nr, 99);
}
END_TEST

START_TEST(test_ram_layout_rejects_size_not_multiple_of_4k)
{
	struct x86_ram_region r[X86_MAX_RAM_REGIONS];
	unsigned int nr;

	ck_assert_int_eq(x86_ram_layout(512 * MiB + 1, r, &nr), -EINVAL);
	ck_assert_int_eq(x86_ram_layout(5 * GiB + 2048, r, &nr), -EINVAL);
}
END_TEST

START_TEST(test_ram_layout_rejects_ram_ending_above_1t)
{
	struct x86_ram_region r[X86_MAX_RAM_REGIONS];
	unsigned int nr = 0;
	/* The largest size: RAM ends exactly at 1 TiB (1 GiB is the hole). */
	uint64_t max = TiB - GiB;

	ck_assert_int_eq(x86_ram_layout(max, r, &nr), 0);
	ck_assert_uint_eq(r[1].gpa + r[1].size, TiB);
	ck_assert_int_eq(x86_ram_layout(max + 4096, r, &nr), -ERANGE);
	ck_assert_int_eq(x86_ram_layout(TiB, r, &nr), -ERANGE);
	ck_assert_int_eq(x86_ram_layout(UINT64_MAX & ~0xfffull, r, &nr),
			 -ERANGE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ram_layout");
	TCase *tc = tcase_create("layout");

	tcase_add_test(tc, test_ram_layout_512m_is_one_low_region);
	tcase_add_test(tc, test_ram_layout_exactly_3g_fills_up_to_hole);
	tcase_add_test(tc, test_ram_layout_one_page_over_3g_goes_to_4g);
	tcase_add_test(tc, test_ram_layout_5g_is_3g_low_and_2g_at_4g);
	tcase_add_test(tc, test_ram_layout_minimum_is_accepted);
	tcase_add_test(tc, test_ram_layout_rejects_below_minimum);
	tcase_add_test(tc, test_ram_layout_rejects_size_not_multiple_of_4k);
	tcase_add_test(tc, test_ram_layout_rejects_ram_ending_above_1t);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
