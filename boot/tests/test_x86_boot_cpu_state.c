// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPU state of the 64-bit boot protocol: identity page tables, the
 * GDT with __BOOT_CS/__BOOT_DS, and the registers the VMM sets.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "boot/x86_layout.h"
#include "boot_fixture.h"
#include "bytes.h"
#include "check_main.h"

#define P_RW		0x3ull		/* present, writable */
#define PS		0x80ull		/* 2 MiB page */

static struct boot_fixture f;

static void setup_boot(void)
{
	boot_fixture_init(&f, 512 * MiB);
	boot_fixture_boot(&f);
}

static void teardown(void)
{
	boot_fixture_fini(&f);
}

START_TEST(test_pml4_first_entry_points_to_pdpt)
{
	unsigned int i;

	ck_assert_uint_eq(f.e.cr3, 0x9000);
	ck_assert_uint_eq(rd64(f.ram, 0x9000), 0xa000 | P_RW);
	for (i = 1; i < 512; i++)
		ck_assert_uint_eq(rd64(f.ram, 0x9000 + 8 * i), 0);
}
END_TEST

START_TEST(test_pdpt_first_four_entries_point_to_pds)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(rd64(f.ram, 0xa000 + 8 * i),
				  (0xb000 + 0x1000 * i) | P_RW);
	for (i = 4; i < 512; i++)
		ck_assert_uint_eq(rd64(f.ram, 0xa000 + 8 * i), 0);
}
END_TEST

START_TEST(test_pd_entries_identity_map_4g_with_2m_pages)
{
	uint64_t i;

	for (i = 0; i < 4 * 512; i++)
		ck_assert_uint_eq(rd64(f.ram, 0xb000 + 8 * i),
				  (i << 21) | P_RW | PS);
	/* The last one maps the top 2 MiB below 4 GiB. */
	ck_assert_uint_eq(rd64(f.ram, 0xefff - 7), 0xffe00000 | P_RW | PS);
}
END_TEST

START_TEST(test_gdt_has_flat_boot_cs_and_ds)
{
	ck_assert_uint_eq(f.e.gdt_base, 0x500);
	ck_assert_uint_eq(f.e.gdt_limit, 4 * 8 - 1);
	ck_assert_uint_eq(rd64(f.ram, 0x500), 0);
	ck_assert_uint_eq(rd64(f.ram, 0x508), 0);
	/* 0x10: base 0, limit 0xfffff pages, P, S, code exec/read, L, G. */
	ck_assert_uint_eq(rd64(f.ram, 0x510), 0x00af9b000000ffffull);
	/* 0x18: base 0, limit 0xfffff pages, P, S, data read/write, D/B, G. */
	ck_assert_uint_eq(rd64(f.ram, 0x518), 0x00cf93000000ffffull);
}
END_TEST

START_TEST(test_segments_match_gdt)
{
	const struct x86_boot_segment *cs = &f.e.code, *ds = &f.e.data;

	ck_assert_uint_eq(cs->selector, 0x10);
	ck_assert_uint_eq(cs->base, 0);
	ck_assert_uint_eq(cs->limit, 0xffffffff);
	ck_assert_uint_eq(cs->type, 0xb);
	ck_assert_uint_eq(cs->present, 1);
	ck_assert_uint_eq(cs->dpl, 0);
	ck_assert_uint_eq(cs->s, 1);
	ck_assert_uint_eq(cs->l, 1);
	ck_assert_uint_eq(cs->db, 0);	/* L=1 requires D=0 */
	ck_assert_uint_eq(cs->g, 1);

	ck_assert_uint_eq(ds->selector, 0x18);
	ck_assert_uint_eq(ds->base, 0);
	ck_assert_uint_eq(ds->limit, 0xffffffff);
	ck_assert_uint_eq(ds->type, 0x3);
	ck_assert_uint_eq(ds->present, 1);
	ck_assert_uint_eq(ds->dpl, 0);
	ck_assert_uint_eq(ds->s, 1);
	ck_assert_uint_eq(ds->l, 0);
	ck_assert_uint_eq(ds->db, 1);
	ck_assert_uint_eq(ds->g, 1);
}
END_TEST

START_TEST(test_registers_enter_long_mode_at_64bit_entry)
{
	ck_assert_uint_eq(f.e.rip, 16 * MiB + 0x200);
	ck_assert_uint_eq(f.e.rsi, 0x7000);
	/* PE (0), ET (4), PG (31). */
	ck_assert_uint_eq(f.e.cr0, 0x80000011);
	ck_assert_uint_eq(f.e.cr4, 0x20);		/* PAE */
	ck_assert_uint_eq(f.e.efer, 0x500);		/* LME, LMA */
}
END_TEST

START_TEST(test_boot_structures_stay_below_ebda)
{
	ck_assert_uint_le(X86_CMDLINE_ADDR + X86_CMDLINE_MAX, X86_EBDA_START);
	ck_assert_uint_le(X86_PD_ADDR + 4 * 0x1000, X86_CMDLINE_ADDR);
	ck_assert_uint_eq(X86_PD_ADDR + 4 * 0x1000, 0xf000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("x86_boot_cpu_state");
	TCase *tc = tcase_create("cpu_state");

	tcase_add_checked_fixture(tc, setup_boot, teardown);
	tcase_add_test(tc, test_pml4_first_entry_points_to_pdpt);
	tcase_add_test(tc, test_pdpt_first_four_entries_point_to_pds);
	tcase_add_test(tc, test_pd_entries_identity_map_4g_with_2m_pages);
	tcase_add_test(tc, test_gdt_has_flat_boot_cs_and_ds);
	tcase_add_test(tc, test_segments_match_gdt);
	tcase_add_test(tc, test_registers_enter_long_mode_at_64bit_entry);
	tcase_add_test(tc, test_boot_structures_stay_below_ebda);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
