// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MP table as Linux reads it: find "_MP_" on a 16-byte boundary in the
 * BIOS area, check both checksums, walk the entries (MP spec 1.4, ch. 4).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boot/mptable.h"
#include "boot/x86_layout.h"
#include "fake_bzimage.h"	/* fake_get */

#define RAM_SIZE (2u << 20)

struct parsed_mp {
	unsigned int cpus, bsp_count, buses, ioapics, intsrc, lint;
	uint8_t apic_ids[256];
	uint8_t ioapic_id;
	uint32_t ioapic_addr;
	uint8_t isa_pin[16];		/* 0xff: no entry */
	uint8_t pci_src[64], pci_pin[64], pci_flags[64];
	unsigned int nr_pci;
};

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static void parse(const uint8_t *ram, struct parsed_mp *mp)
{
	const uint8_t *mpf = NULL, *hdr, *p;
	uint64_t a;
	unsigned int i, count;

	memset(mp, 0, sizeof(*mp));
	memset(mp->isa_pin, 0xff, sizeof(mp->isa_pin));
	for (a = 0xf0000; a < 0x100000; a += 16) {
		if (!memcmp(ram + a, "_MP_", 4)) {
			mpf = ram + a;
			break;
		}
	}
	ck_assert_msg(mpf, "no _MP_ floating pointer in 0xF0000-0xFFFFF");
	ck_assert_uint_eq(mpf[8], 1);
	ck_assert_uint_eq(mpf[9], 4);
	ck_assert_uint_eq(sum(mpf, 16), 0);
	ck_assert_uint_eq(mpf[11], 0);		/* a config table follows */
	hdr = ram + fake_get(mpf, 4, 4);
	ck_assert_mem_eq(hdr, "PCMP", 4);
	ck_assert_uint_eq(sum(hdr, fake_get(hdr, 4, 2)), 0);
	ck_assert_uint_eq(hdr[6], 4);
	ck_assert_uint_eq(fake_get(hdr, 36, 4), 0xfee00000u);
	count = (unsigned int)fake_get(hdr, 34, 2);
	p = hdr + 44;
	for (i = 0; i < count; i++) {
		switch (p[0]) {
		case 0:
			mp->apic_ids[mp->cpus++] = p[1];
			ck_assert(p[3] & 1);
			if (p[3] & 2)
				mp->bsp_count++;
			p += 20;
			continue;
		case 1:
			mp->buses++;
			break;
		case 2:
			mp->ioapics++;
			mp->ioapic_id = p[1];
			mp->ioapic_addr = (uint32_t)fake_get(p, 4, 4);
			break;
		case 3:
			mp->intsrc++;
			ck_assert_uint_eq(p[6], mp->ioapic_id);
			if (p[4] == 1 && p[5] < 16) {
				mp->isa_pin[p[5]] = p[7];
			} else if (p[4] == 0) {
				mp->pci_src[mp->nr_pci] = p[5];
				mp->pci_pin[mp->nr_pci] = p[7];
				mp->pci_flags[mp->nr_pci++] = p[2];
			}
			break;
		case 4:
			mp->lint++;
			break;
		default:
			ck_abort_msg("unknown entry type %u", p[0]);
		}
		p += 8;
	}
	ck_assert_uint_eq((uint64_t)(p - hdr), fake_get(hdr, 4, 2));
}

static void build_and_parse(unsigned int cpus, const struct mptable_pci_irq *irqs,
			    unsigned int nr, struct parsed_mp *mp)
{
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct mptable_config cfg = {
		.nr_cpus = cpus, .pci_irqs = irqs, .nr_pci_irqs = nr,
	};

	ck_assert_int_eq(mptable_build(ram, RAM_SIZE, &cfg), 0);
	parse(ram, mp);
	free(ram);
}

START_TEST(test_mptable_one_cpu)
{
	struct parsed_mp mp;

	build_and_parse(1, NULL, 0, &mp);
	ck_assert_uint_eq(mp.cpus, 1);
	ck_assert_uint_eq(mp.apic_ids[0], 0);
	ck_assert_uint_eq(mp.bsp_count, 1);
	ck_assert_uint_eq(mp.buses, 2);
	ck_assert_uint_eq(mp.ioapics, 1);
	ck_assert_uint_eq(mp.ioapic_id, 1);
	ck_assert_uint_eq(mp.ioapic_addr, 0xfec00000u);
	ck_assert_uint_eq(mp.lint, 2);
}
END_TEST

START_TEST(test_mptable_four_cpus_distinct_apic_ids)
{
	struct parsed_mp mp;
	unsigned int i;

	build_and_parse(4, NULL, 0, &mp);
	ck_assert_uint_eq(mp.cpus, 4);
	ck_assert_uint_eq(mp.bsp_count, 1);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(mp.apic_ids[i], i);
	ck_assert_uint_eq(mp.ioapic_id, 4);
}
END_TEST

START_TEST(test_mptable_isa_irqs_identity_and_com1)
{
	struct parsed_mp mp;
	unsigned int i;

	build_and_parse(2, NULL, 0, &mp);
	for (i = 0; i < 16; i++) {
		if (i == 2)
			ck_assert_uint_eq(mp.isa_pin[i], 0xff);
		else
			ck_assert_uint_eq(mp.isa_pin[i], i);
	}
}
END_TEST

START_TEST(test_mptable_pci_intx_entries)
{
	static const struct mptable_pci_irq irqs[] = {
		{ .slot = 1, .pin = 1, .ioapic_pin = 16 },
		{ .slot = 7, .pin = 4, .ioapic_pin = 23 },
	};
	struct parsed_mp mp;

	build_and_parse(1, irqs, 2, &mp);
	ck_assert_uint_eq(mp.nr_pci, 2);
	ck_assert_uint_eq(mp.pci_src[0], 1 << 2 | 0);
	ck_assert_uint_eq(mp.pci_pin[0], 16);
	ck_assert_uint_eq(mp.pci_src[1], 7 << 2 | 3);
	ck_assert_uint_eq(mp.pci_pin[1], 23);
	ck_assert_uint_eq(mp.pci_flags[0], 0xf);	/* active low, level */
}
END_TEST

START_TEST(test_mptable_rejects_bad_config)
{
	static const struct mptable_pci_irq bad_pin[] = {
		{ .slot = 1, .pin = 5, .ioapic_pin = 16 },
	};
	static const struct mptable_pci_irq bad_slot[] = {
		{ .slot = 32, .pin = 1, .ioapic_pin = 16 },
	};
	uint8_t *ram = calloc(1, RAM_SIZE);
	struct mptable_config cfg = { .nr_cpus = 0 };

	ck_assert_int_eq(mptable_build(ram, RAM_SIZE, &cfg), -EINVAL);
	cfg.nr_cpus = 255;
	ck_assert_int_eq(mptable_build(ram, RAM_SIZE, &cfg), -EINVAL);
	cfg.nr_cpus = 1;
	cfg.pci_irqs = bad_pin;
	cfg.nr_pci_irqs = 1;
	ck_assert_int_eq(mptable_build(ram, RAM_SIZE, &cfg), -EINVAL);
	cfg.pci_irqs = bad_slot;
	ck_assert_int_eq(mptable_build(ram, RAM_SIZE, &cfg), -EINVAL);
	cfg.nr_pci_irqs = 0;
	ck_assert_int_eq(mptable_build(ram, 0x80000, &cfg), -ENOSPC);
	free(ram);
}
END_TEST

START_TEST(test_mptable_254_cpus_fit)
{
	struct parsed_mp mp;

	build_and_parse(254, NULL, 0, &mp);
	ck_assert_uint_eq(mp.cpus, 254);
	ck_assert_uint_eq(mp.apic_ids[253], 253);
	ck_assert_uint_eq(mp.ioapic_id, 254);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mptable");
	TCase *tc = tcase_create("build");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_mptable_one_cpu);
	tcase_add_test(tc, test_mptable_four_cpus_distinct_apic_ids);
	tcase_add_test(tc, test_mptable_isa_irqs_identity_and_com1);
	tcase_add_test(tc, test_mptable_pci_intx_entries);
	tcase_add_test(tc, test_mptable_rejects_bad_config);
	tcase_add_test(tc, test_mptable_254_cpus_fit);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
