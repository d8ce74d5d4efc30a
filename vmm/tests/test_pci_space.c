// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR ranges inside the PCI windows: accesses reach the range that holds
 * them with offsets from its base, moved or removed ranges stop answering
 * (reads all-ones), overlaps are refused, straddling accesses are dropped.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "proto/tests/check_main.h"
#include "vmm/io_bus.h"
#include "vmm/pci_space.h"

struct probe {
	uint64_t offset;
	unsigned int size;
	unsigned int calls;
	bool is_write;
	uint8_t value;
};

static void probe_io(void *opaque, uint64_t offset, uint8_t *data,
		     unsigned int size, bool is_write)
{
	struct probe *p = opaque;

	p->offset = offset;
	p->size = size;
	p->is_write = is_write;
	p->calls++;
	if (!is_write)
		memset(data, p->value, size);
}

static struct io_bus pio, mmio;
static struct pci_space space;

static void setup(void)
{
	io_bus_init(&pio, "port");
	io_bus_init(&mmio, "mmio");
	ck_assert_int_eq(pci_space_init(&space, &pio, &mmio, 0xc000, 0x10000,
					0xc0000000, 0xfec00000,
					0x200000000ull, 0x300000000ull), 0);
}

static void teardown(void)
{
	pci_space_destroy(&space);
}

START_TEST(test_access_through_the_mmio_bus_reaches_the_bar_with_its_offset)
{
	struct probe p = { .value = 0x5a };
	uint8_t data[4];

	ck_assert_int_ge(pci_space_map(&space, false, 0xc0001000, 0x1000,
				       probe_io, &p), 0);
	ck_assert(io_bus_dispatch(&mmio, 0xc0001010, data, 4, false));
	ck_assert_uint_eq(p.calls, 1);
	ck_assert_uint_eq(p.offset, 0x10);
	ck_assert_uint_eq(p.size, 4);
	ck_assert_uint_eq(data[3], 0x5a);
	/* The same address in I/O space is another space. */
	ck_assert(!pci_space_access(&space, true, 0xc0001010, data, 4, false));
	ck_assert_uint_eq(p.calls, 1);
}
END_TEST

START_TEST(test_bar_above_4g_and_io_bar)
{
	struct probe m = { .value = 1 }, io = { .value = 2 };
	uint8_t data[8];

	ck_assert_int_ge(pci_space_map(&space, false, 0x240000000ull, 0x4000,
				       probe_io, &m), 0);
	ck_assert_int_ge(pci_space_map(&space, true, 0xc100, 0x20,
				       probe_io, &io), 0);
	ck_assert(io_bus_dispatch(&mmio, 0x240003ff8ull, data, 8, true));
	ck_assert_uint_eq(m.offset, 0x3ff8);
	ck_assert(m.is_write);
	ck_assert(io_bus_dispatch(&pio, 0xc11f, data, 1, false));
	ck_assert_uint_eq(io.offset, 0x1f);
	ck_assert_uint_eq(data[0], 2);
}
END_TEST

START_TEST(test_unmapped_bar_reads_all_ones)
{
	struct probe p = { .value = 0 };
	uint8_t data[4] = { 0 };
	int h;

	h = pci_space_map(&space, false, 0xc0002000, 0x1000, probe_io, &p);
	ck_assert_int_ge(h, 0);
	pci_space_unmap(&space, h);
	ck_assert(!pci_space_access(&space, false, 0xc0002000, data, 4, false));
	ck_assert_uint_eq(data[0] & data[1] & data[2] & data[3], 0xff);
	ck_assert_uint_eq(p.calls, 0);
	/* Mapped again elsewhere: the old place stays silent. */
	ck_assert_int_ge(pci_space_map(&space, false, 0xc0008000, 0x1000,
				       probe_io, &p), 0);
	ck_assert(!pci_space_access(&space, false, 0xc0002000, data, 4, false));
	ck_assert(pci_space_access(&space, false, 0xc0008ffc, data, 4, false));
	ck_assert_uint_eq(p.offset, 0xffc);
}
END_TEST

START_TEST(test_overlap_empty_and_wrapping_ranges_are_refused)
{
	struct probe p = { 0 };

	ck_assert_int_ge(pci_space_map(&space, false, 0xc0000000, 0x2000,
				       probe_io, &p), 0);
	ck_assert_int_eq(pci_space_map(&space, false, 0xc0001000, 0x2000,
				       probe_io, &p), -EEXIST);
	ck_assert_int_eq(pci_space_map(&space, false, 0xbffff000, 0x1001,
				       probe_io, &p), -EEXIST);
	ck_assert_int_ge(pci_space_map(&space, true, 0xc0001000, 0x10,
				       probe_io, &p), 0);
	ck_assert_int_eq(pci_space_map(&space, false, 0xc0010000, 0,
				       probe_io, &p), -EINVAL);
	ck_assert_int_eq(pci_space_map(&space, false, ~0ull - 0xfff, 0x2000,
				       probe_io, &p), -EINVAL);
}
END_TEST

START_TEST(test_access_straddling_the_end_is_dropped)
{
	struct probe p = { .value = 7 };
	uint8_t data[4] = { 0 };

	ck_assert_int_ge(pci_space_map(&space, false, 0xc0000000, 0x10,
				       probe_io, &p), 0);
	ck_assert(!pci_space_access(&space, false, 0xc000000e, data, 4, false));
	ck_assert_uint_eq(p.calls, 0);
	ck_assert_uint_eq(data[0], 0xff);
}
END_TEST

START_TEST(test_full_table_is_enospc)
{
	struct probe p = { 0 };
	unsigned int i;

	for (i = 0; i < PCI_SPACE_MAX_RANGES; i++)
		ck_assert_int_ge(pci_space_map(&space, false,
					       0xc0000000 + i * 0x1000ull,
					       0x1000, probe_io, &p), 0);
	ck_assert_int_eq(pci_space_map(&space, false, 0xd0000000, 0x1000,
				       probe_io, &p), -ENOSPC);
	pci_space_unmap(&space, 5);
	ck_assert_int_eq(pci_space_map(&space, false, 0xd0000000, 0x1000,
				       probe_io, &p), 5);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pci_space");
	TCase *tc = tcase_create("ranges");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_access_through_the_mmio_bus_reaches_the_bar_with_its_offset);
	tcase_add_test(tc, test_bar_above_4g_and_io_bar);
	tcase_add_test(tc, test_unmapped_bar_reads_all_ones);
	tcase_add_test(tc, test_overlap_empty_and_wrapping_ranges_are_refused);
	tcase_add_test(tc, test_access_straddling_the_end_is_dropped);
	tcase_add_test(tc, test_full_table_is_enospc);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
