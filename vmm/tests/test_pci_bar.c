// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "proto/tests/check_main.h"
#include "vmm/pci_bar.h"

#define KiB	1024ull
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)

#define BAR(n)	(PCI_BASE_ADDRESS_0 + 4 * (n))

/*
 * A device like a typical NVMe controller plus extras:
 * BAR0 I/O 32 bytes, BAR1 32-bit memory 4 KiB prefetchable,
 * BAR2-3 64-bit prefetchable 8 GiB, BAR4-5 64-bit 16 KiB, ROM 64 KiB.
 */
static const struct pci_bar_desc full_desc[PCI_BAR_SLOTS] = {
	[0] = { .size = 32, .is_io = true },
	[1] = { .size = 4 * KiB, .prefetch = true },
	[2] = { .size = 8 * GiB, .is_64 = true, .prefetch = true },
	[4] = { .size = 16 * KiB, .is_64 = true },
	[PCI_BAR_ROM] = { .size = 64 * KiB },
};

static void init_full(struct pci_bars *b)
{
	char why[128] = "";

	ck_assert_msg(pci_bars_init(b, full_desc, why, sizeof(why)) == 0,
		      "init: %s", why);
}

static uint32_t rd(const struct pci_bars *b, unsigned int off)
{
	uint8_t d[4] = { 0xaa, 0xaa, 0xaa, 0xaa };

	ck_assert_int_eq(pci_bars_read(b, off, d, 4), 0);
	return d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24;
}

static unsigned int wr(struct pci_bars *b, unsigned int off, uint32_t v,
		       struct pci_bar_changes *ch)
{
	uint8_t d[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	ck_assert_int_eq(pci_bars_write(b, off, d, 4, ch), 0);
	return ch->nr;
}

/* Linux's __pci_read_base(): write all-ones, read the mask, restore. */
static uint32_t size_reg(struct pci_bars *b, unsigned int off,
			 uint32_t ones, struct pci_bar_changes *ch)
{
	uint32_t orig = rd(b, off), mask;

	wr(b, off, ones, ch);
	mask = rd(b, off);
	wr(b, off, orig, ch);
	return mask;
}

/*
 * Regression: a server that reported a region above 2^63 bytes made
 * minivmm spin forever at attach, doubling a size that overflowed to 0.
 * Now no BAR size (0) comes back and the device is refused.
 */
START_TEST(test_bar_size_for_region_rounds_up_and_refuses_what_no_bar_holds)
{
	ck_assert_uint_eq(pci_bar_size_for_region(1, false), 16);
	ck_assert_uint_eq(pci_bar_size_for_region(1, true), 4);
	ck_assert_uint_eq(pci_bar_size_for_region(17, false), 32);
	ck_assert_uint_eq(pci_bar_size_for_region(5, true), 8);
	ck_assert_uint_eq(pci_bar_size_for_region(4096, false), 4096);
	ck_assert_uint_eq(pci_bar_size_for_region(0x10001, false), 0x20000);
	ck_assert_uint_eq(pci_bar_size_for_region(1ull << 63, false), 1ull << 63);
	ck_assert_uint_eq(pci_bar_size_for_region((1ull << 62) + 1, false),
			  1ull << 63);
	ck_assert_uint_eq(pci_bar_size_for_region((1ull << 63) + 1, false), 0);
	ck_assert_uint_eq(pci_bar_size_for_region(UINT64_MAX, false), 0);
	ck_assert_uint_eq(pci_bar_size_for_region(UINT64_MAX, true), 0);
}
END_TEST

START_TEST(test_bar_sizing_gives_size_mask_and_type_bits)
{
	struct pci_bar_changes ch;
	struct pci_bars b;

	init_full(&b);
	/* I/O: bit 0 set, upper 16 bits hardwired to 0 (6.2.5.1). */
	ck_assert_uint_eq(size_reg(&b, BAR(0), ~0u, &ch), 0x0000ffe1);
	/* 32-bit prefetchable memory 4 KiB. */
	ck_assert_uint_eq(size_reg(&b, BAR(1), ~0u, &ch), 0xfffff008);
	/* ROM 64 KiB: Linux writes ~0x7ff, keeping the enable bit. */
	ck_assert_uint_eq(size_reg(&b, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS_MASK, &ch),
			  0xffff0000);
	ck_assert_uint_eq(size_reg(&b, PCI_ROM_ADDRESS, ~0u, &ch), 0xffff0001);
	/* Restored: the registers read their reset values again. */
	ck_assert_uint_eq(rd(&b, BAR(0)), 0x1);
	ck_assert_uint_eq(rd(&b, BAR(1)), 0x8);
	ck_assert_uint_eq(rd(&b, PCI_ROM_ADDRESS), 0);
}
END_TEST

START_TEST(test_bar_sizing_64bit_pairs)
{
	struct pci_bar_changes ch;
	struct pci_bars b;

	init_full(&b);
	/* 8 GiB: no address bits in the low half, bit 33 up in the high. */
	ck_assert_uint_eq(rd(&b, BAR(2)), 0x0000000c);
	ck_assert_uint_eq(size_reg(&b, BAR(2), ~0u, &ch), 0x0000000c);
	ck_assert_uint_eq(size_reg(&b, BAR(3), ~0u, &ch), 0xfffffffe);
	/* 16 KiB 64-bit non-prefetchable: the high half is all address. */
	ck_assert_uint_eq(rd(&b, BAR(4)), 0x00000004);
	ck_assert_uint_eq(size_reg(&b, BAR(4), ~0u, &ch), 0xffffc004);
	ck_assert_uint_eq(size_reg(&b, BAR(5), ~0u, &ch), 0xffffffff);
	/* What Linux computes from the two halves. */
	{
		uint64_t mask = (uint64_t)0xfffffffe << 32 | (0x0000000cu & ~0xfu);

		ck_assert_uint_eq(~mask + 1, 8 * GiB);
	}
}
END_TEST

START_TEST(test_bar_64bit_upper_half_is_not_a_bar)
{
	struct pci_bar_changes ch;
	struct pci_bar_map map;
	struct pci_bars b;

	init_full(&b);
	ck_assert_int_eq(pci_bars_set_addr(&b, 2, 0x400000000ull, &ch), 0);
	pci_bars_set_command(&b, PCI_COMMAND_MEMORY, &ch);
	pci_bars_map(&b, 3, &map);
	ck_assert(!map.on);
	ck_assert_uint_eq(map.size, 0);
	ck_assert_int_eq(pci_bars_set_addr(&b, 3, 0, &ch), -EINVAL);
	ck_assert_uint_eq(pci_bars_addr(&b, 3), 0);
	ck_assert_uint_eq(pci_bars_addr(&b, 2), 0x400000000ull);
	ck_assert_uint_eq(rd(&b, BAR(3)), 0x4);
}
END_TEST

START_TEST(test_bar_unimplemented_reads_zero_and_ignores_writes)
{
	static const struct pci_bar_desc desc[PCI_BAR_SLOTS] = {
		[0] = { .size = 4 * KiB },
	};
	struct pci_bar_changes ch;
	struct pci_bars b;
	unsigned int i;

	ck_assert_int_eq(pci_bars_init(&b, desc, NULL, 0), 0);
	for (i = 1; i < PCI_BAR_NR; i++) {
		ck_assert_uint_eq(wr(&b, BAR(i), ~0u, &ch), 0);
		ck_assert_uint_eq(rd(&b, BAR(i)), 0);
	}
	wr(&b, PCI_ROM_ADDRESS, ~0u, &ch);
	ck_assert_uint_eq(rd(&b, PCI_ROM_ADDRESS), 0);
}
END_TEST

START_TEST(test_bar_address_bits_below_size_are_read_only)
{
	struct pci_bar_changes ch;
	struct pci_bars b;

	init_full(&b);
	wr(&b, BAR(1), 0x12345678, &ch);
	ck_assert_uint_eq(rd(&b, BAR(1)), 0x12345008);
	ck_assert_uint_eq(pci_bars_addr(&b, 1), 0x12345000);
	/* I/O: type bit stays, bit 1 reserved, address bits below 32 are RO. */
	wr(&b, BAR(0), 0xabcdc0fe, &ch);
	ck_assert_uint_eq(rd(&b, BAR(0)), 0x0000c0e1);
	ck_assert_uint_eq(pci_bars_addr(&b, 0), 0xc0e0);
	/* ROM: reserved bits 10:1 read 0. */
	wr(&b, PCI_ROM_ADDRESS, 0xfeb2fffe, &ch);
	ck_assert_uint_eq(rd(&b, PCI_ROM_ADDRESS), 0xfeb20000);
}
END_TEST

START_TEST(test_bar_byte_and_word_writes_merge_into_register)
{
	struct pci_bar_changes ch;
	struct pci_bars b;
	uint8_t byte, word[2];

	init_full(&b);
	/* Program BAR1 to 0xfe123000 one byte at a time, high byte first. */
	byte = 0xfe;
	ck_assert_int_eq(pci_bars_write(&b, BAR(1) + 3, &byte, 1, &ch), 0);
	ck_assert_uint_eq(rd(&b, BAR(1)), 0xfe000008);
	byte = 0x12;
	ck_assert_int_eq(pci_bars_write(&b, BAR(1) + 2, &byte, 1, &ch), 0);
	byte = 0x3f;	/* bits 11:8 lie below the 4 KiB size: 0x30 sticks */
	ck_assert_int_eq(pci_bars_write(&b, BAR(1) + 1, &byte, 1, &ch), 0);
	byte = 0xff;	/* type bits and address bits 7:4: all read-only */
	ck_assert_int_eq(pci_bars_write(&b, BAR(1), &byte, 1, &ch), 0);
	ck_assert_uint_eq(rd(&b, BAR(1)), 0xfe123008);

	/* Word write to the upper half keeps the lower half. */
	word[0] = 0x00;
	word[1] = 0xc1;
	ck_assert_int_eq(pci_bars_write(&b, BAR(1) + 2, word, 2, &ch), 0);
	ck_assert_uint_eq(rd(&b, BAR(1)), 0xc1003008);

	/* Sub-dword reads see the same register. */
	ck_assert_int_eq(pci_bars_read(&b, BAR(1) + 2, word, 2), 0);
	ck_assert_uint_eq(word[0], 0x00);
	ck_assert_uint_eq(word[1], 0xc1);
	ck_assert_int_eq(pci_bars_read(&b, BAR(1), &byte, 1), 0);
	ck_assert_uint_eq(byte, 0x08);
}
END_TEST

START_TEST(test_bar_byte_write_moves_decoded_bar)
{
	struct pci_bar_changes ch;
	struct pci_bars b;
	uint8_t byte = 0xd0;

	init_full(&b);
	ck_assert_int_eq(pci_bars_set_addr(&b, 1, 0xc0001000, &ch), 0);
	pci_bars_set_command(&b, PCI_COMMAND_MEMORY, &ch);
	ck_assert_int_eq(pci_bars_write(&b, BAR(1) + 3, &byte, 1, &ch), 0);
	ck_assert_uint_eq(ch.nr, 1);
	ck_assert_uint_eq(ch.c[0].slot, 1);
	ck_assert(ch.c[0].old.on && ch.c[0].new.on);
	ck_assert_uint_eq(ch.c[0].old.addr, 0xc0001000);
	ck_assert_uint_eq(ch.c[0].new.addr, 0xd0001000);
}
END_TEST

START_TEST(test_bar_decode_toggle_reports_each_space)
{
	struct pci_bar_changes ch;
	struct pci_bars b;
	unsigned int i;

	init_full(&b);
	ck_assert_int_eq(pci_bars_set_addr(&b, 0, 0xc000, &ch), 0);
	ck_assert_uint_eq(ch.nr, 0);
	ck_assert_int_eq(pci_bars_set_addr(&b, 1, 0xc0000000, &ch), 0);
	ck_assert_int_eq(pci_bars_set_addr(&b, 2, 0x800000000ull, &ch), 0);
	ck_assert_int_eq(pci_bars_set_addr(&b, 4, 0xc0004000, &ch), 0);
	ck_assert_int_eq(pci_bars_set_addr(&b, PCI_BAR_ROM, 0xc0010000, &ch), 0);
	ck_assert_uint_eq(ch.nr, 0);

	/* I/O enable maps the I/O BAR only. */
	pci_bars_set_command(&b, PCI_COMMAND_IO, &ch);
	ck_assert_uint_eq(ch.nr, 1);
	ck_assert_uint_eq(ch.c[0].slot, 0);
	ck_assert(!ch.c[0].old.on && ch.c[0].new.on);
	ck_assert_uint_eq(ch.c[0].new.addr, 0xc000);
	ck_assert_uint_eq(ch.c[0].new.size, 32);
	ck_assert(ch.c[0].new.is_io);

	/* Memory enable adds the three memory BARs; the ROM stays off. */
	pci_bars_set_command(&b, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, &ch);
	ck_assert_uint_eq(ch.nr, 3);
	ck_assert_uint_eq(ch.c[0].slot, 1);
	ck_assert_uint_eq(ch.c[1].slot, 2);
	ck_assert_uint_eq(ch.c[1].new.addr, 0x800000000ull);
	ck_assert_uint_eq(ch.c[1].new.size, 8 * GiB);
	ck_assert_uint_eq(ch.c[2].slot, 4);
	for (i = 0; i < ch.nr; i++)
		ck_assert(!ch.c[i].old.on && ch.c[i].new.on && !ch.c[i].new.is_io);

	/* The same command again changes nothing. */
	pci_bars_set_command(&b, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, &ch);
	ck_assert_uint_eq(ch.nr, 0);

	/* Memory off: memory BARs go, the I/O BAR stays. */
	pci_bars_set_command(&b, PCI_COMMAND_IO, &ch);
	ck_assert_uint_eq(ch.nr, 3);
	for (i = 0; i < ch.nr; i++) {
		ck_assert(ch.c[i].old.on && !ch.c[i].new.on);
		ck_assert_uint_ne(ch.c[i].slot, 0);
	}
	ck_assert_uint_eq(ch.c[1].old.addr, 0x800000000ull);
}
END_TEST

START_TEST(test_rom_decoded_only_with_enable_bit_and_memory_space)
{
	struct pci_bar_changes ch;
	struct pci_bar_map map;
	struct pci_bars b;

	init_full(&b);
	ck_assert_int_eq(pci_bars_set_addr(&b, PCI_BAR_ROM, 0xc0010000, &ch), 0);
	pci_bars_set_command(&b, PCI_COMMAND_MEMORY, &ch);
	pci_bars_map(&b, PCI_BAR_ROM, &map);
	ck_assert(!map.on);

	ck_assert_uint_eq(wr(&b, PCI_ROM_ADDRESS, 0xc0010001, &ch), 1);
	ck_assert_uint_eq(ch.c[0].slot, PCI_BAR_ROM);
	ck_assert(ch.c[0].new.on);
	ck_assert_uint_eq(ch.c[0].new.addr, 0xc0010000);
	ck_assert_uint_eq(ch.c[0].new.size, 64 * KiB);

	/* Memory space off hides it although its enable bit is set. */
	pci_bars_set_command(&b, 0, &ch);
	ck_assert_uint_eq(ch.nr, 1);
	ck_assert(!ch.c[0].new.on);

	/* Firmware-style reprogramming keeps the enable bit. */
	ck_assert_int_eq(pci_bars_set_addr(&b, PCI_BAR_ROM, 0xc0020000, &ch), 0);
	ck_assert_uint_eq(rd(&b, PCI_ROM_ADDRESS), 0xc0020001);
}
END_TEST

START_TEST(test_bar_sizing_with_decode_off_is_never_mapped)
{
	struct pci_bar_changes ch;
	struct pci_bar_map map;
	struct pci_bars b;
	unsigned int s;

	init_full(&b);
	ck_assert_int_eq(pci_bars_set_addr(&b, 1, 0xc0000000, &ch), 0);
	ck_assert_int_eq(pci_bars_set_addr(&b, 4, 0xc0004000, &ch), 0);
	pci_bars_set_command(&b, PCI_COMMAND_MEMORY, &ch);
	ck_assert_uint_eq(ch.nr, 2);

	/* What Linux does: decode off, size each BAR, decode back on. */
	pci_bars_set_command(&b, 0, &ch);
	ck_assert_uint_eq(ch.nr, 2);
	for (s = 0; s < PCI_BAR_NR; s++) {
		wr(&b, BAR(s), ~0u, &ch);
		ck_assert_uint_eq(ch.nr, 0);
		for (unsigned int t = 0; t < PCI_BAR_SLOTS; t++) {
			pci_bars_map(&b, t, &map);
			ck_assert(!map.on);
		}
	}
	/* Restore, then decode on: back where they were. */
	wr(&b, BAR(1), 0xc0000000, &ch);
	wr(&b, BAR(4), 0xc0004000, &ch);
	wr(&b, BAR(5), 0, &ch);
	ck_assert_uint_eq(ch.nr, 0);
	pci_bars_set_command(&b, PCI_COMMAND_MEMORY, &ch);
	ck_assert_uint_eq(ch.nr, 2);
	ck_assert_uint_eq(ch.c[0].new.addr, 0xc0000000);
	ck_assert_uint_eq(ch.c[1].new.addr, 0xc0004000);
}
END_TEST

START_TEST(test_bar_sizing_with_decode_on_unmaps_until_restored)
{
	struct pci_bar_changes ch;
	struct pci_bar_map map;
	struct pci_bars b;

	init_full(&b);
	ck_assert_int_eq(pci_bars_set_addr(&b, 1, 0xc0000000, &ch), 0);
	ck_assert_int_eq(pci_bars_set_addr(&b, 4, 0xc0004000, &ch), 0);
	pci_bars_set_command(&b, PCI_COMMAND_MEMORY, &ch);

	/* A 32-bit BAR being sized is not at 0xfffff000. */
	ck_assert_uint_eq(wr(&b, BAR(1), ~0u, &ch), 1);
	ck_assert(ch.c[0].old.on && !ch.c[0].new.on);
	pci_bars_map(&b, 1, &map);
	ck_assert(!map.on);
	ck_assert_uint_eq(wr(&b, BAR(1), 0xc0000000, &ch), 1);
	ck_assert(ch.c[0].new.on);
	ck_assert_uint_eq(ch.c[0].new.addr, 0xc0000000);

	/* Nor is a 64-bit one at 0xffffc000, nor at 0xffffffff_c0004000. */
	ck_assert_uint_eq(wr(&b, BAR(4), ~0u, &ch), 1);
	ck_assert(!ch.c[0].new.on);
	ck_assert_uint_eq(wr(&b, BAR(4), 0xc0004000, &ch), 1);
	ck_assert(ch.c[0].new.on);
	ck_assert_uint_eq(wr(&b, BAR(5), ~0u, &ch), 1);
	ck_assert_uint_eq(ch.c[0].slot, 4);
	ck_assert(!ch.c[0].new.on);
	ck_assert_uint_eq(wr(&b, BAR(5), 0, &ch), 1);
	ck_assert(ch.c[0].new.on);
	ck_assert_uint_eq(ch.c[0].new.addr, 0xc0004000);

	/* The ROM, sized while enabled and decoded. */
	wr(&b, PCI_ROM_ADDRESS, 0xc0010001, &ch);
	ck_assert(ch.nr == 1 && ch.c[0].new.on);
	ck_assert_uint_eq(wr(&b, PCI_ROM_ADDRESS, 0xfffff801, &ch), 1);
	ck_assert(!ch.c[0].new.on);
}
END_TEST

START_TEST(test_bar_64bit_programmed_by_halves)
{
	struct pci_bar_changes ch;
	struct pci_bars b;

	init_full(&b);
	pci_bars_set_command(&b, PCI_COMMAND_MEMORY, &ch);
	/* Low half alone: below 4 GiB, decoded there. */
	ck_assert_uint_eq(wr(&b, BAR(4), 0x00004000, &ch), 1);
	ck_assert_uint_eq(ch.c[0].new.addr, 0x4000);
	/* High half: moves above 4 GiB. */
	ck_assert_uint_eq(wr(&b, BAR(5), 0x12, &ch), 1);
	ck_assert_uint_eq(ch.c[0].old.addr, 0x4000);
	ck_assert_uint_eq(ch.c[0].new.addr, 0x1200004000ull);
	ck_assert_uint_eq(pci_bars_addr(&b, 4), 0x1200004000ull);
	ck_assert_uint_eq(rd(&b, BAR(5)), 0x12);

	/* 8 GiB BAR: bit 32 of the high half is below its size. */
	ck_assert_uint_eq(wr(&b, BAR(3), 0x3, &ch), 1);
	ck_assert_uint_eq(rd(&b, BAR(3)), 0x2);
	ck_assert_uint_eq(ch.c[0].slot, 2);
	ck_assert(!ch.c[0].old.on && ch.c[0].new.on);
	ck_assert_uint_eq(ch.c[0].new.addr, 0x200000000ull);
	ck_assert_uint_eq(pci_bars_addr(&b, 2), 0x200000000ull);
}
END_TEST

START_TEST(test_bar_at_address_zero_is_not_mapped)
{
	struct pci_bar_changes ch;
	struct pci_bar_map map;
	struct pci_bars b;

	init_full(&b);
	pci_bars_set_command(&b, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, &ch);
	ck_assert_uint_eq(ch.nr, 0);
	pci_bars_map(&b, 1, &map);
	ck_assert(!map.on);
	ck_assert_uint_eq(map.size, 4 * KiB);
	ck_assert_uint_eq(map.addr, 0);
}
END_TEST

START_TEST(test_bar_reset_unmaps_everything)
{
	struct pci_bar_changes ch;
	struct pci_bars b;

	init_full(&b);
	ck_assert_int_eq(pci_bars_set_addr(&b, 0, 0xc000, &ch), 0);
	ck_assert_int_eq(pci_bars_set_addr(&b, 1, 0xc0000000, &ch), 0);
	wr(&b, PCI_ROM_ADDRESS, 0xc0010001, &ch);
	pci_bars_set_command(&b, PCI_COMMAND_IO | PCI_COMMAND_MEMORY, &ch);
	ck_assert_uint_eq(ch.nr, 3);
	pci_bars_reset(&b, &ch);
	ck_assert_uint_eq(ch.nr, 3);
	ck_assert_uint_eq(ch.c[2].slot, PCI_BAR_ROM);
	ck_assert(!ch.c[2].new.on);
	ck_assert_uint_eq(rd(&b, BAR(0)), 0x1);
	ck_assert_uint_eq(rd(&b, BAR(2)), 0xc);
	ck_assert_uint_eq(rd(&b, PCI_ROM_ADDRESS), 0);
	ck_assert_uint_eq(b.command, 0);
}
END_TEST

START_TEST(test_bar_accesses_outside_registers_are_rejected)
{
	struct pci_bar_changes ch = { .nr = 99 };
	uint8_t d[4] = { 1, 2, 3, 4 };
	struct pci_bars b;

	init_full(&b);
	ck_assert(pci_bars_claims(0x10, 4));
	ck_assert(pci_bars_claims(0x27, 1));
	ck_assert(pci_bars_claims(0x32, 2));
	ck_assert(!pci_bars_claims(0x0c, 4));
	ck_assert(!pci_bars_claims(0x28, 4));	/* CardBus CIS pointer */
	ck_assert(!pci_bars_claims(0x2c, 4));	/* subsystem IDs */
	ck_assert(!pci_bars_claims(0x34, 1));
	ck_assert_int_eq(pci_bars_read(&b, 0x2c, d, 4), -EINVAL);
	ck_assert_uint_eq(d[0], 1);
	ck_assert_int_eq(pci_bars_write(&b, 0x2c, d, 4, &ch), -EINVAL);
	/* Misaligned and odd sizes. */
	ck_assert_int_eq(pci_bars_read(&b, 0x11, d, 2), -EINVAL);
	ck_assert_int_eq(pci_bars_read(&b, 0x12, d, 4), -EINVAL);
	ck_assert_int_eq(pci_bars_read(&b, 0x10, d, 3), -EINVAL);
	ck_assert_int_eq(pci_bars_write(&b, 0x14, d, 8, &ch), -EINVAL);
	ck_assert_uint_eq(rd(&b, BAR(1)), 0x8);
}
END_TEST

START_TEST(test_bar_init_rejects_bad_descriptions)
{
	static const struct {
		unsigned int slot;
		struct pci_bar_desc d;
		const char *why;
	} bad[] = {
		{ 0, { .size = 3 * KiB }, "power of two" },
		{ 0, { .size = 8 }, "outside" },
		{ 0, { .size = 2, .is_io = true }, "outside" },
		{ 0, { .size = 128 * KiB, .is_io = true }, "outside" },
		{ 0, { .size = 4 * GiB }, "outside" },
		{ 0, { .size = 64, .is_io = true, .prefetch = true }, "I/O" },
		{ 0, { .size = 64, .is_io = true, .is_64 = true }, "I/O" },
		{ 5, { .size = 4 * KiB, .is_64 = true }, "BAR 5" },
		{ PCI_BAR_ROM, { .size = 1 * KiB }, "outside" },
		{ PCI_BAR_ROM, { .size = 64 * KiB, .prefetch = true }, "ROM" },
		{ PCI_BAR_ROM, { .size = 64 * KiB, .is_64 = true }, "ROM" },
	};
	struct pci_bar_desc desc[PCI_BAR_SLOTS];
	struct pci_bars b, before;
	char why[128];
	unsigned int i;

	init_full(&b);
	before = b;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(desc, 0, sizeof(desc));
		desc[bad[i].slot] = bad[i].d;
		why[0] = 0;
		ck_assert_int_eq(pci_bars_init(&b, desc, why, sizeof(why)), -EINVAL);
		ck_assert_msg(strstr(why, bad[i].why), "case %u: '%s'", i, why);
		ck_assert(memcmp(&b, &before, sizeof(b)) == 0);
	}
	/* The register after a 64-bit BAR is its upper half. */
	memset(desc, 0, sizeof(desc));
	desc[1] = (struct pci_bar_desc){ .size = 4 * KiB, .is_64 = true };
	desc[2] = (struct pci_bar_desc){ .size = 4 * KiB };
	ck_assert_int_eq(pci_bars_init(&b, desc, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, "BAR 2"), "%s", why);
	/* Edges that are fine: 2 GiB 32-bit, 64 KiB I/O, 2^63 64-bit. */
	memset(desc, 0, sizeof(desc));
	desc[0] = (struct pci_bar_desc){ .size = 2 * GiB };
	desc[1] = (struct pci_bar_desc){ .size = 64 * KiB, .is_io = true };
	desc[2] = (struct pci_bar_desc){ .size = 1ull << 63, .is_64 = true };
	desc[4] = (struct pci_bar_desc){ .size = 16 };
	desc[5] = (struct pci_bar_desc){ .size = 4, .is_io = true };
	desc[PCI_BAR_ROM] = (struct pci_bar_desc){ .size = 2 * KiB };
	ck_assert_int_eq(pci_bars_init(&b, desc, NULL, 0), 0);
	ck_assert_uint_eq(size_reg(&b, BAR(3), ~0u, &(struct pci_bar_changes){0}),
			  0x80000000);
	ck_assert_uint_eq(size_reg(&b, BAR(0), ~0u, &(struct pci_bar_changes){0}),
			  0x80000000);
	ck_assert_uint_eq(size_reg(&b, BAR(5), ~0u, &(struct pci_bar_changes){0}),
			  0x0000fffd);
	ck_assert_uint_eq(size_reg(&b, PCI_ROM_ADDRESS, ~0u,
				   &(struct pci_bar_changes){0}), 0xfffff801);
}
END_TEST

START_TEST(test_bar_set_addr_checks_alignment_and_range)
{
	struct pci_bar_changes ch;
	struct pci_bars b;

	init_full(&b);
	ck_assert_int_eq(pci_bars_set_addr(&b, 1, 0xc0000800, &ch), -EINVAL);
	ck_assert_int_eq(pci_bars_set_addr(&b, 1, 0x100000000ull, &ch), -EINVAL);
	ck_assert_int_eq(pci_bars_set_addr(&b, 1, 0xfffff000, &ch), 0);
	ck_assert_int_eq(pci_bars_set_addr(&b, 0, 0x10000, &ch), -EINVAL);
	ck_assert_int_eq(pci_bars_set_addr(&b, 0, 0xffe0, &ch), 0);
	ck_assert_int_eq(pci_bars_set_addr(&b, 2, 0x100000000ull, &ch), -EINVAL);
	ck_assert_int_eq(pci_bars_set_addr(&b, 2, 0xfffffffe00000000ull, &ch), 0);
	ck_assert_int_eq(pci_bars_set_addr(&b, PCI_BAR_ROM, 0x100000000ull, &ch),
			 -EINVAL);
	ck_assert_int_eq(pci_bars_set_addr(&b, PCI_BAR_SLOTS, 0, &ch), -EINVAL);
	ck_assert_uint_eq(pci_bars_addr(&b, 1), 0xfffff000);
	ck_assert_uint_eq(pci_bars_addr(&b, 0), 0xffe0);
	/* Callers that do not track changes pass NULL. */
	ck_assert_int_eq(pci_bars_set_addr(&b, 4, 0xc0004000, NULL), 0);
	pci_bars_set_command(&b, PCI_COMMAND_MEMORY, NULL);
	pci_bars_reset(&b, NULL);
	ck_assert_uint_eq(pci_bars_addr(&b, 4), 0);
}
END_TEST

START_TEST(test_bar_desc_from_device_register)
{
	struct pci_bar_desc d;

	pci_bar_desc_from_reg(0x0000c001, 256, &d);
	ck_assert(d.is_io && !d.is_64 && !d.prefetch);
	ck_assert_uint_eq(d.size, 256);
	pci_bar_desc_from_reg(0xfebf000c, 16 * KiB, &d);
	ck_assert(!d.is_io && d.is_64 && d.prefetch);
	pci_bar_desc_from_reg(0x00000000, 4 * KiB, &d);
	ck_assert(!d.is_io && !d.is_64 && !d.prefetch);
	pci_bar_desc_from_reg(0x00000002, 4 * KiB, &d);	/* below 1M: 32-bit */
	ck_assert(!d.is_io && !d.is_64);
}
END_TEST

START_TEST(test_bar_sizing_pattern_addresses)
{
	ck_assert(pci_bar_addr_reads_as_sizing(0xfffff000, 4 * KiB, false, false));
	ck_assert(!pci_bar_addr_reads_as_sizing(0xffffe000, 4 * KiB, false, false));
	ck_assert(pci_bar_addr_reads_as_sizing(0x1fffff000ull, 4 * KiB, false, true));
	ck_assert(pci_bar_addr_reads_as_sizing(0x1ffffe000ull, 8 * KiB, false, true));
	ck_assert(!pci_bar_addr_reads_as_sizing(0x1ffffc000ull, 8 * KiB, false, true));
	ck_assert(pci_bar_addr_reads_as_sizing(0xffffffff00000000ull, 4 * KiB,
					       false, true));
	ck_assert(!pci_bar_addr_reads_as_sizing(0x100000000ull, 8 * GiB, false, true));
	ck_assert(pci_bar_addr_reads_as_sizing(0xff00, 256, true, false));
	ck_assert(!pci_bar_addr_reads_as_sizing(0xfe00, 256, true, false));
}
END_TEST

static Suite *pci_bar_suite(void)
{
	Suite *s = suite_create("pci_bar");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_bar_sizing_gives_size_mask_and_type_bits);
	tcase_add_test(tc, test_bar_sizing_64bit_pairs);
	tcase_add_test(tc, test_bar_64bit_upper_half_is_not_a_bar);
	tcase_add_test(tc, test_bar_unimplemented_reads_zero_and_ignores_writes);
	tcase_add_test(tc, test_bar_address_bits_below_size_are_read_only);
	tcase_add_test(tc, test_bar_byte_and_word_writes_merge_into_register);
	tcase_add_test(tc, test_bar_byte_write_moves_decoded_bar);
	tcase_add_test(tc, test_bar_decode_toggle_reports_each_space);
	tcase_add_test(tc, test_rom_decoded_only_with_enable_bit_and_memory_space);
	tcase_add_test(tc, test_bar_sizing_with_decode_off_is_never_mapped);
	tcase_add_test(tc, test_bar_sizing_with_decode_on_unmaps_until_restored);
	tcase_add_test(tc, test_bar_64bit_programmed_by_halves);
	tcase_add_test(tc, test_bar_at_address_zero_is_not_mapped);
	tcase_add_test(tc, test_bar_reset_unmaps_everything);
	tcase_add_test(tc, test_bar_accesses_outside_registers_are_rejected);
	tcase_add_test(tc, test_bar_init_rejects_bad_descriptions);
	tcase_add_test(tc, test_bar_set_addr_checks_alignment_and_range);
	tcase_add_test(tc, test_bar_desc_from_device_register);
	tcase_add_test(tc, test_bar_sizing_pattern_addresses);
	tcase_add_test(tc,
		test_bar_size_for_region_rounds_up_and_refuses_what_no_bar_holds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(pci_bar_suite());
}
