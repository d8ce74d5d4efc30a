// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MP table found and read as Linux does (smp_scan_config(): "_MP_" on
 * a 16-byte boundary in 0xF0000-0xFFFFF), by MP spec 1.4 byte offsets.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boot/mptable.h"
#include "bytes.h"
#include "check_main.h"

#define RAM_SIZE	(2u << 20)
#define MP_PROC		0
#define MP_BUS		1
#define MP_IOAPIC	2
#define MP_INTSRC	3
#define MP_LINTSRC	4

static uint8_t *ram;

static void setup(void)
{
	ram = calloc(1, RAM_SIZE);
}

static void teardown(void)
{
	free(ram);
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* Linux's scan: the floating pointer, valid, length 1, rev 1 or 4. */
static const uint8_t *find_mpf(void)
{
	const uint8_t *found = NULL;
	size_t a;

	for (a = 0xf0000; a < 0x100000; a += 16) {
		if (memcmp(ram + a, "_MP_", 4) == 0) {
			ck_assert_msg(!found, "two floating pointers");
			found = ram + a;
		}
	}
	ck_assert_ptr_nonnull(found);
	ck_assert_uint_eq(found[8], 1);			/* 16 bytes */
	ck_assert_uint_eq(found[9], 4);			/* spec 1.4 */
	ck_assert_uint_eq(sum(found, 16), 0);
	ck_assert_uint_eq(found[11], 0);	/* feature 1: table present */
	return found;
}

static const uint8_t *find_config(void)
{
	const uint8_t *mpf = find_mpf();
	uint32_t addr = (uint32_t)rd32(mpf, 4);
	const uint8_t *mpc;

	ck_assert_uint_ge(addr, 0xf0000);
	ck_assert_uint_lt(addr, 0x100000);
	mpc = ram + addr;
	ck_assert_int_eq(memcmp(mpc, "PCMP", 4), 0);
	ck_assert_uint_eq(mpc[6], 4);				/* spec rev */
	ck_assert_uint_le(addr + rd16(mpc, 4), 0x100000);
	ck_assert_uint_eq(sum(mpc, rd16(mpc, 4)), 0);		/* checksum */
	ck_assert_uint_eq(rd32(mpc, 36), 0xfee00000);		/* LAPIC */
	ck_assert_int_eq(memcmp(mpc + 8, "MINIVMM", 7), 0);	/* OEM id */
	return mpc;
}

/* The @n-th entry of @type, or NULL; checks the walk ends at length. */
static const uint8_t *entry(const uint8_t *mpc, uint8_t type, unsigned int n)
{
	const uint8_t *p = mpc + 44, *end = mpc + rd16(mpc, 4);
	const uint8_t *found = NULL;
	unsigned int i, count = rd16(mpc, 34);

	for (i = 0; i < count; i++) {
		ck_assert(p < end);
		ck_assert_uint_le(p[0], 4);
		if (p[0] == type && n-- == 0)
			found = p;
		p += p[0] == MP_PROC ? 20 : 8;
	}
	ck_assert_ptr_eq(p, end);
	return found;
}

static unsigned int count(const uint8_t *mpc, uint8_t type)
{
	unsigned int n = 0;

	while (entry(mpc, type, n))
		n++;
	return n;
}

static void build(unsigned int cpus, const struct mptable_pci_irq *irqs,
		  unsigned int nr_irqs)
{
	struct mptable_config cfg = {
		.nr_cpus = cpus, .pci_irqs = irqs, .nr_pci_irqs = nr_irqs,
	};

	ck_assert_int_eq(mptable_build(ram, RAM_SIZE, &cfg), 0);
}

static void expect_cpus(unsigned int cpus)
{
	const uint8_t *mpc, *p;
	unsigned int i;

	build(cpus, NULL, 0);
	mpc = find_config();
	ck_assert_uint_eq(count(mpc, MP_PROC), cpus);
	for (i = 0; i < cpus; i++) {
		p = entry(mpc, MP_PROC, i);
		ck_assert_uint_eq(p[1], i);			/* APIC id */
		ck_assert_uint_ne(p[2], 0);			/* version */
		ck_assert_uint_eq(p[3] & 1, 1);			/* enabled */
		ck_assert_uint_eq(p[3] & 2, i == 0 ? 2 : 0);	/* BSP */
	}
	p = entry(mpc, MP_IOAPIC, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p[1], cpus);			/* id after the CPUs */
}

START_TEST(test_mptable_one_cpu)
{
	expect_cpus(1);
}
END_TEST

START_TEST(test_mptable_four_cpus)
{
	expect_cpus(4);
}
END_TEST

START_TEST(test_mptable_entry_count_and_length)
{
	const uint8_t *mpc;

	build(4, NULL, 0);
	mpc = find_config();
	/* 4 CPUs, 2 buses, 1 IOAPIC, 15 ISA IRQs, 2 local. */
	ck_assert_uint_eq(rd16(mpc, 34), 4 + 2 + 1 + 15 + 2);
	ck_assert_uint_eq(rd16(mpc, 4), 44 + 4 * 20 + 20 * 8);
}
END_TEST

START_TEST(test_mptable_buses_pci_0_and_isa_1)
{
	const uint8_t *mpc, *b0, *b1;

	build(1, NULL, 0);
	mpc = find_config();
	ck_assert_uint_eq(count(mpc, MP_BUS), 2);
	b0 = entry(mpc, MP_BUS, 0);
	b1 = entry(mpc, MP_BUS, 1);
	ck_assert_uint_eq(b0[1], 0);
	ck_assert_int_eq(memcmp(b0 + 2, "PCI   ", 6), 0);
	ck_assert_uint_eq(b1[1], 1);
	ck_assert_int_eq(memcmp(b1 + 2, "ISA   ", 6), 0);
}
END_TEST

START_TEST(test_mptable_ioapic_entry)
{
	const uint8_t *p;

	build(2, NULL, 0);
	p = entry(find_config(), MP_IOAPIC, 0);
	ck_assert_uint_eq(p[1], 2);				/* id */
	ck_assert_uint_eq(p[2], 0x11);				/* version */
	ck_assert_uint_eq(p[3], 1);				/* enabled */
	ck_assert_uint_eq(rd32(p, 4), 0xfec00000);
	ck_assert_uint_eq(count(find_config(), MP_IOAPIC), 1);
}
END_TEST

/* The I/O interrupt entry for (@bus, @irq), or NULL. */
static const uint8_t *intsrc(const uint8_t *mpc, uint8_t bus, uint8_t irq)
{
	const uint8_t *p;
	unsigned int i;

	for (i = 0; (p = entry(mpc, MP_INTSRC, i)); i++)
		if (p[4] == bus && p[5] == irq)
			return p;
	return NULL;
}

START_TEST(test_mptable_isa_irqs_identity_mapped_except_cascade)
{
	const uint8_t *mpc, *p;
	unsigned int irq;

	build(4, NULL, 0);
	mpc = find_config();
	for (irq = 0; irq < 16; irq++) {
		p = intsrc(mpc, 1, (uint8_t)irq);
		if (irq == 2) {
			ck_assert_ptr_null(p);
			continue;
		}
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(p[1], 0);		/* INT */
		ck_assert_uint_eq(rd16(p, 2), 0);	/* conforms to ISA */
		ck_assert_uint_eq(p[6], 4);		/* the IOAPIC */
		ck_assert_uint_eq(p[7], irq);		/* pin = IRQ */
	}
}
END_TEST

START_TEST(test_mptable_pci_intx_entries)
{
	static const struct mptable_pci_irq irqs[] = {
		{ .slot = 1, .pin = 1, .ioapic_pin = 16 },
		{ .slot = 3, .pin = 2, .ioapic_pin = 19 },
		{ .slot = 31, .pin = 4, .ioapic_pin = 23 },
	};
	const uint8_t *mpc, *p;

	build(1, irqs, 3);
	mpc = find_config();
	ck_assert_uint_eq(count(mpc, MP_INTSRC), 15 + 3);
	p = intsrc(mpc, 0, 1 << 2 | 0);			/* 01.0 INTA */
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p[1], 0);
	ck_assert_uint_eq(rd16(p, 2), 0xf);		/* low, level */
	ck_assert_uint_eq(p[6], 1);
	ck_assert_uint_eq(p[7], 16);
	p = intsrc(mpc, 0, 3 << 2 | 1);			/* 03.0 INTB */
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p[7], 19);
	p = intsrc(mpc, 0, 31 << 2 | 3);		/* 1f.0 INTD */
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(rd16(p, 2), 0xf);
	ck_assert_uint_eq(p[7], 23);
}
END_TEST

START_TEST(test_mptable_lint0_extint_lint1_nmi)
{
	const uint8_t *mpc, *l0, *l1;

	build(2, NULL, 0);
	mpc = find_config();
	ck_assert_uint_eq(count(mpc, MP_LINTSRC), 2);
	l0 = entry(mpc, MP_LINTSRC, 0);
	l1 = entry(mpc, MP_LINTSRC, 1);
	ck_assert_uint_eq(l0[1], 3);			/* ExtINT */
	ck_assert_uint_eq(l0[6], 0xff);			/* all local APICs */
	ck_assert_uint_eq(l0[7], 0);			/* LINT0 */
	ck_assert_uint_eq(l1[1], 1);			/* NMI */
	ck_assert_uint_eq(l1[6], 0xff);
	ck_assert_uint_eq(l1[7], 1);			/* LINT1 */
}
END_TEST

START_TEST(test_mptable_largest_fits)
{
	struct mptable_pci_irq irqs[MPTABLE_MAX_PCI_IRQS];
	const uint8_t *mpc;
	unsigned int i;

	for (i = 0; i < MPTABLE_MAX_PCI_IRQS; i++)
		irqs[i] = (struct mptable_pci_irq){
			.slot = (uint8_t)(i / 4), .pin = (uint8_t)(i % 4 + 1),
			.ioapic_pin = (uint8_t)(16 + i % 8),
		};
	build(254, irqs, MPTABLE_MAX_PCI_IRQS);
	mpc = find_config();
	ck_assert_uint_eq(count(mpc, MP_PROC), 254);
	ck_assert_uint_eq(entry(mpc, MP_IOAPIC, 0)[1], 254);
	ck_assert_uint_eq(count(mpc, MP_INTSRC), 15 + 128);
}
END_TEST

static int try_build(unsigned int cpus, const struct mptable_pci_irq *irqs,
		     unsigned int nr_irqs, uint64_t ram_size)
{
	struct mptable_config cfg = {
		.nr_cpus = cpus, .pci_irqs = irqs, .nr_pci_irqs = nr_irqs,
	};

	return mptable_build(ram, ram_size, &cfg);
}

START_TEST(test_mptable_rejects_no_cpus)
{
	ck_assert_int_eq(try_build(0, NULL, 0, RAM_SIZE), -EINVAL);
	/* Nothing written. */
	ck_assert_uint_eq(rd32(ram, 0xf0000), 0);
}
END_TEST

START_TEST(test_mptable_rejects_more_than_254_cpus)
{
	ck_assert_int_eq(try_build(255, NULL, 0, RAM_SIZE), -EINVAL);
}
END_TEST

START_TEST(test_mptable_rejects_bad_pci_irqs)
{
	struct mptable_pci_irq irq[2] = {
		{ .slot = 2, .pin = 1, .ioapic_pin = 16 },
		{ .slot = 2, .pin = 1, .ioapic_pin = 17 },
	};

	ck_assert_int_eq(try_build(1, irq, 1, RAM_SIZE), 0);
	ck_assert_int_eq(try_build(1, irq, 2, RAM_SIZE), -EINVAL); /* twice */
	irq[0].slot = 32;
	ck_assert_int_eq(try_build(1, irq, 1, RAM_SIZE), -EINVAL);
	irq[0] = (struct mptable_pci_irq){ 2, 0, 16 };	/* no pin */
	ck_assert_int_eq(try_build(1, irq, 1, RAM_SIZE), -EINVAL);
	irq[0].pin = 5;
	ck_assert_int_eq(try_build(1, irq, 1, RAM_SIZE), -EINVAL);
	irq[0] = (struct mptable_pci_irq){ 2, 1, 24 };	/* no such pin */
	ck_assert_int_eq(try_build(1, irq, 1, RAM_SIZE), -EINVAL);
	irq[0].ioapic_pin = 4;				/* an ISA pin */
	ck_assert_int_eq(try_build(1, irq, 1, RAM_SIZE), -EINVAL);
	ck_assert_int_eq(try_build(1, NULL, 1, RAM_SIZE), -EINVAL);
	ck_assert_int_eq(try_build(1, irq, MPTABLE_MAX_PCI_IRQS + 1, RAM_SIZE),
			 -EINVAL);
}
END_TEST

START_TEST(test_mptable_rejects_ram_not_reaching_table)
{
	ck_assert_int_eq(try_build(1, NULL, 0, 0xf0000), -ENOSPC);
	ck_assert_int_eq(try_build(1, NULL, 0, 0xf0000 + 100), -ENOSPC);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mptable");
	TCase *ok = tcase_create("tables");
	TCase *bad = tcase_create("rejects");

	tcase_add_checked_fixture(ok, setup, teardown);
	tcase_add_test(ok, test_mptable_one_cpu);
	tcase_add_test(ok, test_mptable_four_cpus);
	tcase_add_test(ok, test_mptable_entry_count_and_length);
	tcase_add_test(ok, test_mptable_buses_pci_0_and_isa_1);
	tcase_add_test(ok, test_mptable_ioapic_entry);
	tcase_add_test(ok,
		test_mptable_isa_irqs_identity_mapped_except_cascade);
	tcase_add_test(ok, test_mptable_pci_intx_entries);
	tcase_add_test(ok, test_mptable_lint0_extint_lint1_nmi);
	tcase_add_test(ok, test_mptable_largest_fits);
	suite_add_tcase(s, ok);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad, test_mptable_rejects_no_cpus);
	tcase_add_test(bad, test_mptable_rejects_more_than_254_cpus);
	tcase_add_test(bad, test_mptable_rejects_bad_pci_irqs);
	tcase_add_test(bad, test_mptable_rejects_ram_not_reaching_table);
	suite_add_tcase(s, bad);
	return run_suite(s);
}
