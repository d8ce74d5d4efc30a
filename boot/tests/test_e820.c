// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <stdint.h>

#include "boot/e820.h"
#include "boot/ram_layout.h"
#include "bytes.h"
#include "check_main.h"

#define MiB (1ull << 20)
#define GiB (1ull << 30)

/* Read entry @i back by its wire offsets: addr +0, size +8, type +16. */
static void expect(const struct e820_entry *map, unsigned int i,
		   uint64_t addr, uint64_t size, uint32_t type)
{
	const uint8_t *e = (const uint8_t *)map + 20 * i;

	ck_assert_uint_eq(rd64(e, 0), addr);
	ck_assert_uint_eq(rd64(e, 8), size);
	ck_assert_uint_eq(rd32(e, 16), type);
}

static int build(uint64_t ram, struct e820_entry *map, unsigned int max)
{
	struct x86_ram_region r[X86_MAX_RAM_REGIONS];
	unsigned int nr;

	ck_assert_int_eq(x86_ram_layout(ram, r, &nr), 0);
	return e820_build(r, nr, map, max);
}

START_TEST(test_e820_512m_map)
{
	struct e820_entry map[E820_MAX_ENTRIES];

	ck_assert_int_eq(build(512 * MiB, map, E820_MAX_ENTRIES), 3);
	expect(map, 0, 0, 0x9fc00, 1);
	expect(map, 1, 0x9fc00, 0x100000 - 0x9fc00, 2);
	expect(map, 2, 0x100000, 512 * MiB - 0x100000, 1);
}
END_TEST

START_TEST(test_e820_5g_map_has_ram_above_4g_and_no_hole)
{
	struct e820_entry map[E820_MAX_ENTRIES];

	ck_assert_int_eq(build(5 * GiB, map, E820_MAX_ENTRIES), 4);
	expect(map, 0, 0, 0x9fc00, 1);
	expect(map, 1, 0x9fc00, 0x100000 - 0x9fc00, 2);
	expect(map, 2, 0x100000, 3 * GiB - 0x100000, 1);
	expect(map, 3, 4 * GiB, 2 * GiB, 1);
}
END_TEST

START_TEST(test_e820_rejects_regions_not_starting_at_0)
{
	struct x86_ram_region r[2] = {
		{ .gpa = 0x1000, .size = 512 * MiB },
	};
	struct e820_entry map[E820_MAX_ENTRIES];

	ck_assert_int_eq(e820_build(r, 1, map, E820_MAX_ENTRIES), -EINVAL);
	ck_assert_int_eq(e820_build(r, 0, map, E820_MAX_ENTRIES), -EINVAL);
	r[0] = (struct x86_ram_region){ .gpa = 0, .size = 512 * 1024 };
	ck_assert_int_eq(e820_build(r, 1, map, E820_MAX_ENTRIES), -EINVAL);
	/* A high region overlapping the low one. */
	r[0] = (struct x86_ram_region){ .gpa = 0, .size = 3 * GiB };
	r[1] = (struct x86_ram_region){ .gpa = 2 * GiB, .size = GiB };
	ck_assert_int_eq(e820_build(r, 2, map, E820_MAX_ENTRIES), -EINVAL);
}
END_TEST

START_TEST(test_e820_rejects_too_small_output)
{
	struct e820_entry map[E820_MAX_ENTRIES];

	ck_assert_int_eq(build(5 * GiB, map, 3), -ENOSPC);
	ck_assert_int_eq(build(512 * MiB, map, 2), -ENOSPC);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("e820");
	TCase *tc = tcase_create("map");

	tcase_add_test(tc, test_e820_512m_map);
	tcase_add_test(tc, test_e820_5g_map_has_ram_above_4g_and_no_hole);
	tcase_add_test(tc, test_e820_rejects_regions_not_starting_at_0);
	tcase_add_test(tc, test_e820_rejects_too_small_output);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
