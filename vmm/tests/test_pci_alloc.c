// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "boot/x86_layout.h"
#include "proto/tests/check_main.h"
#include "vmm/pci_alloc.h"

#define KiB	1024ull
#define MiB	(1024 * KiB)
#define GiB	(1024 * MiB)

static void init_bars(struct pci_bars *b, const struct pci_bar_desc *desc)
{
	char why[128] = "";

	ck_assert_msg(pci_bars_init(b, desc, why, sizeof(why)) == 0, "%s", why);
}

/* The x86 windows of a guest with 2 GiB of RAM and 40 physical bits. */
static void x86_windows(struct pci_alloc_windows *w)
{
	pci_alloc_x86_windows(2 * GiB, 1ull << 40, w);
}

static bool in_window(const struct pci_alloc_window *w, uint64_t addr,
		      uint64_t size)
{
	return addr >= w->start && addr < w->end && size <= w->end - addr;
}

START_TEST(test_alloc_x86_windows_follow_ram_and_phys_limit)
{
	struct pci_alloc_windows w;

	pci_alloc_x86_windows(2 * GiB, 1ull << 40, &w);
	ck_assert_uint_eq(w.io.start, X86_PCI_PIO_START);
	ck_assert_uint_eq(w.io.end, X86_PCI_PIO_END);
	ck_assert_uint_eq(w.mem32.start, X86_PCI_MMIO32_START);
	ck_assert_uint_eq(w.mem32.end, X86_PCI_MMIO32_END);
	ck_assert_uint_eq(w.mem64.start, 4 * GiB);
	ck_assert_uint_eq(w.mem64.end, 4 * GiB + X86_PCI_MMIO64_SIZE);

	/* RAM ends above 4 GiB, not on a GiB: the window starts at the next. */
	pci_alloc_x86_windows(5 * GiB + 4 * KiB, 1ull << 40, &w);
	ck_assert_uint_eq(w.mem64.start, 6 * GiB);

	/* A narrow guest: the window stops at the physical limit... */
	pci_alloc_x86_windows(60 * GiB, 64 * GiB, &w);
	ck_assert_uint_eq(w.mem64.start, 60 * GiB);
	ck_assert_uint_eq(w.mem64.end, 64 * GiB);
	/* ...or is empty when RAM reaches it. */
	pci_alloc_x86_windows(64 * GiB, 64 * GiB, &w);
	ck_assert_uint_ge(w.mem64.start, w.mem64.end);
}
END_TEST

START_TEST(test_alloc_places_every_bar_aligned_in_its_window)
{
	static const struct pci_bar_desc d0[PCI_BAR_SLOTS] = {
		[0] = { .size = 16 * KiB, .is_64 = true },
		[2] = { .size = 256, .is_io = true },
		[3] = { .size = 4 * KiB },
		[4] = { .size = 1 * GiB, .is_64 = true, .prefetch = true },
		[PCI_BAR_ROM] = { .size = 256 * KiB },
	};
	static const struct pci_bar_desc d1[PCI_BAR_SLOTS] = {
		[0] = { .size = 64, .is_io = true },
		[1] = { .size = 1 * MiB, .prefetch = true },
		[5] = { .size = 8 * KiB },
	};
	struct pci_alloc_windows w;
	struct pci_bar_changes ch;
	struct pci_bars b[2];
	struct pci_alloc_dev devs[2] = { { "nvme", &b[0] }, { "blk", &b[1] } };
	struct { uint64_t a, s; bool io; } seen[16];
	unsigned int n = 0, i, j, d, s;

	init_bars(&b[0], d0);
	init_bars(&b[1], d1);
	x86_windows(&w);
	ck_assert_int_eq(pci_alloc_assign(&w, devs, 2, NULL, 0), 0);

	/* Decode on: every BAR is where the registers say, in its window. */
	for (d = 0; d < 2; d++) {
		pci_bars_set_command(&b[d], PCI_COMMAND_IO | PCI_COMMAND_MEMORY,
				     &ch);
		for (s = 0; s < PCI_BAR_SLOTS; s++) {
			const struct pci_bar_desc *desc = &b[d].desc[s];
			const struct pci_alloc_window *win;
			struct pci_bar_map map;

			pci_bars_map(&b[d], s, &map);
			if (s == PCI_BAR_ROM || !desc->size) {
				ck_assert(!map.on);	/* ROM enable stays 0 */
				if (!desc->size)
					continue;
				map.addr = pci_bars_addr(&b[d], s);
			} else {
				ck_assert_msg(map.on, "dev %u slot %u", d, s);
			}
			ck_assert_uint_eq(map.addr & (desc->size - 1), 0);
			win = desc->is_io ? &w.io : desc->is_64 ? &w.mem64 :
			      &w.mem32;
			ck_assert_msg(in_window(win, map.addr, desc->size),
				      "dev %u slot %u at 0x%llx", d, s,
				      (unsigned long long)map.addr);
			seen[n].a = map.addr;
			seen[n].s = desc->size;
			seen[n].io = desc->is_io;
			n++;
		}
	}
	ck_assert_uint_eq(n, 8);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			ck_assert(seen[i].io != seen[j].io ||
				  seen[i].a + seen[i].s <= seen[j].a ||
				  seen[j].a + seen[j].s <= seen[i].a);
	/* The guest reads the ROM address with its enable bit clear. */
	ck_assert_uint_eq(b[0].reg[PCI_BAR_ROM] & PCI_ROM_ADDRESS_ENABLE, 0);
	ck_assert_uint_ne(b[0].reg[PCI_BAR_ROM], 0);
}
END_TEST

START_TEST(test_alloc_largest_first_packs_without_holes)
{
	static const struct pci_bar_desc d[PCI_BAR_SLOTS] = {
		[0] = { .size = 4 * KiB },
		[1] = { .size = 1 * MiB },
		[2] = { .size = 64 * KiB },
		[3] = { .size = 16 * KiB },
		[4] = { .size = 16 * KiB },
		[PCI_BAR_ROM] = { .size = 128 * KiB },
	};
	struct pci_alloc_windows w;
	struct pci_bars b;
	struct pci_alloc_dev dev = { "dev", &b };

	init_bars(&b, d);
	x86_windows(&w);
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), 0);
	ck_assert_uint_eq(pci_bars_addr(&b, 1), 0xc0000000);
	ck_assert_uint_eq(pci_bars_addr(&b, PCI_BAR_ROM), 0xc0100000);
	ck_assert_uint_eq(pci_bars_addr(&b, 2), 0xc0120000);
	/* Equal sizes keep slot order. */
	ck_assert_uint_eq(pci_bars_addr(&b, 3), 0xc0130000);
	ck_assert_uint_eq(pci_bars_addr(&b, 4), 0xc0134000);
	ck_assert_uint_eq(pci_bars_addr(&b, 0), 0xc0138000);
}
END_TEST

START_TEST(test_alloc_64bit_bars_go_high_prefetchable_or_not)
{
	static const struct pci_bar_desc d[PCI_BAR_SLOTS] = {
		[0] = { .size = 16 * KiB, .is_64 = true },
		[2] = { .size = 2 * GiB, .is_64 = true, .prefetch = true },
		[4] = { .size = 4 * KiB, .prefetch = true },
	};
	struct pci_alloc_windows w;
	struct pci_bars b;
	struct pci_alloc_dev dev = { "gpu", &b };

	init_bars(&b, d);
	x86_windows(&w);
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), 0);
	ck_assert_uint_eq(pci_bars_addr(&b, 2), 4 * GiB);
	ck_assert_uint_eq(pci_bars_addr(&b, 0), 6 * GiB);
	/* The 32-bit prefetchable BAR cannot: it stays low. */
	ck_assert_uint_eq(pci_bars_addr(&b, 4), 0xc0000000);
	/* The registers hold both halves. */
	ck_assert_uint_eq(b.reg[1], 1);
	ck_assert_uint_eq(b.reg[0], 0x80000004);
}
END_TEST

START_TEST(test_alloc_64bit_falls_back_to_32bit_window)
{
	static const struct pci_bar_desc d[PCI_BAR_SLOTS] = {
		[0] = { .size = 512 * MiB, .is_64 = true, .prefetch = true },
		[2] = { .size = 256 * MiB, .is_64 = true },
		[4] = { .size = 1 * MiB },
	};
	struct pci_alloc_windows w;
	struct pci_bars b;
	struct pci_alloc_dev dev = { "dev", &b };

	/* No 64-bit window at all (a guest with 32 physical bits). */
	init_bars(&b, d);
	pci_alloc_x86_windows(2 * GiB, 4 * GiB, &w);
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), 0);
	ck_assert_uint_eq(pci_bars_addr(&b, 0), 0xc0000000);
	ck_assert_uint_eq(pci_bars_addr(&b, 2), 0xe0000000);
	ck_assert_uint_eq(pci_bars_addr(&b, 4), 0xf0000000);

	/* A 64-bit window too small for the largest: only it comes down. */
	init_bars(&b, d);
	x86_windows(&w);
	w.mem64.end = w.mem64.start + 256 * MiB;
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), 0);
	ck_assert_uint_eq(pci_bars_addr(&b, 0), 0xc0000000);
	ck_assert_uint_eq(pci_bars_addr(&b, 2), 4 * GiB);
	ck_assert_uint_eq(pci_bars_addr(&b, 4), 0xe0000000);
}
END_TEST

START_TEST(test_alloc_io_window_full_names_device_and_bar)
{
	static const struct pci_bar_desc d[PCI_BAR_SLOTS] = {
		[0] = { .size = 4 * KiB },
		[1] = { .size = 256, .is_io = true },
		[2] = { .size = 128, .is_io = true },
	};
	struct pci_alloc_windows w;
	struct pci_bars b[2], before[2];
	struct pci_alloc_dev devs[2] = { { "first", &b[0] }, { "second", &b[1] } };
	char why[256] = "";

	init_bars(&b[0], d);
	init_bars(&b[1], d);
	memcpy(before, b, sizeof(b));
	x86_windows(&w);
	/* Room for 256 + 256 + 128 bytes, not for the second 128. */
	w.io.end = w.io.start + 0x280;
	ck_assert_int_eq(pci_alloc_assign(&w, devs, 2, why, sizeof(why)),
			 -ENOSPC);
	ck_assert_msg(strstr(why, "'second'") && strstr(why, "BAR 2") &&
		      strstr(why, "I/O") && strstr(why, "0x80 bytes"), "%s", why);
	/* All or nothing: no register changed, not even the memory BARs. */
	ck_assert(memcmp(b, before, sizeof(b)) == 0);

	w.io.end = w.io.start + 0x300;
	ck_assert_int_eq(pci_alloc_assign(&w, devs, 2, why, sizeof(why)), 0);
	ck_assert_uint_eq(pci_bars_addr(&b[1], 2), 0xc280);
}
END_TEST

START_TEST(test_alloc_mem32_full_names_rom_and_64bit_fallback)
{
	static const struct pci_bar_desc big[PCI_BAR_SLOTS] = {
		[0] = { .size = 1 * GiB, .is_64 = true, .prefetch = true },
		[PCI_BAR_ROM] = { .size = 1 * MiB },
	};
	struct pci_alloc_windows w;
	struct pci_bars b[2];
	struct pci_alloc_dev devs[2] = { { "a", &b[0] }, { "b", &b[1] } };
	char why[256] = "";

	init_bars(&b[0], big);
	init_bars(&b[1], big);
	/* No 64-bit window; the 32-bit one holds a 1 GiB BAR and a ROM. */
	pci_alloc_x86_windows(2 * GiB, 4 * GiB, &w);
	w.mem32 = (struct pci_alloc_window){ 1 * GiB, 2 * GiB + 1 * MiB };
	ck_assert_int_eq(pci_alloc_assign(&w, devs, 2, why, sizeof(why)),
			 -ENOSPC);
	ck_assert_msg(strstr(why, "'b' BAR 0") && strstr(why, "64-bit memory") &&
		      strstr(why, "32-bit MMIO") && strstr(why, "64-bit window"),
		      "%s", why);

	/* Both 1 GiB BARs and one ROM. */
	w.mem32.end = 3 * GiB + 1 * MiB;
	ck_assert_int_eq(pci_alloc_assign(&w, devs, 2, why, sizeof(why)),
			 -ENOSPC);
	ck_assert_msg(strstr(why, "'b' ROM") && strstr(why, "32-bit memory"),
		      "%s", why);
}
END_TEST

START_TEST(test_alloc_skips_addresses_that_read_as_sizing)
{
	static const struct pci_bar_desc d64[PCI_BAR_SLOTS] = {
		[0] = { .size = 4 * KiB, .is_64 = true },
		[2] = { .size = 4 * KiB, .is_64 = true },
		[4] = { .size = 4 * KiB, .is_64 = true },
	};
	static const struct pci_bar_desc d32[PCI_BAR_SLOTS] = {
		[0] = { .size = 4 * KiB },
		[1] = { .size = 4 * KiB },
	};
	static const struct pci_bar_desc dio[PCI_BAR_SLOTS] = {
		[0] = { .size = 256, .is_io = true },
	};
	struct pci_alloc_windows w = { 0 };
	struct pci_bars b;
	struct pci_alloc_dev dev = { "dev", &b };
	struct pci_bar_changes ch;
	struct pci_bar_map map;
	unsigned int s;

	/* A 64-bit window across 8 GiB: 0x1fffff000 is skipped. */
	init_bars(&b, d64);
	w.mem64 = (struct pci_alloc_window){ 0x1ffffe000ull, 0x200002000ull };
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), 0);
	ck_assert_uint_eq(pci_bars_addr(&b, 0), 0x1ffffe000ull);
	ck_assert_uint_eq(pci_bars_addr(&b, 2), 0x200000000ull);
	ck_assert_uint_eq(pci_bars_addr(&b, 4), 0x200001000ull);
	pci_bars_set_command(&b, PCI_COMMAND_MEMORY, &ch);
	for (s = 0; s < PCI_BAR_NR; s += 2) {
		pci_bars_map(&b, s, &map);
		ck_assert(map.on);
	}

	/* The top 4 KiB below 4 GiB cannot hold a 32-bit BAR. */
	init_bars(&b, d32);
	w = (struct pci_alloc_windows){ 0 };
	w.mem32 = (struct pci_alloc_window){ 0xffffe000ull, 0x100000000ull };
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), -ENOSPC);

	/* Nor the top 256 ports an I/O BAR of 256. */
	init_bars(&b, dio);
	w.io = (struct pci_alloc_window){ 0xff00, 0x10000 };
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), -ENOSPC);
	w.io = (struct pci_alloc_window){ 0xfe00, 0x10000 };
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), 0);
	ck_assert_uint_eq(pci_bars_addr(&b, 0), 0xfe00);
}
END_TEST

START_TEST(test_alloc_unaligned_window_start_is_rounded_up)
{
	static const struct pci_bar_desc d[PCI_BAR_SLOTS] = {
		[0] = { .size = 64 * KiB },
		[1] = { .size = 32, .is_io = true },
	};
	struct pci_alloc_windows w = {
		.io = { 0xc004, 0xd000 },
		.mem32 = { 0xc0001000, 0xc0100000 },
	};
	struct pci_bars b;
	struct pci_alloc_dev dev = { "dev", &b };

	init_bars(&b, d);
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), 0);
	ck_assert_uint_eq(pci_bars_addr(&b, 0), 0xc0010000);
	ck_assert_uint_eq(pci_bars_addr(&b, 1), 0xc020);
}
END_TEST

START_TEST(test_alloc_rejects_bad_arguments)
{
	static const struct pci_bar_desc d[PCI_BAR_SLOTS] = {
		[0] = { .size = 4 * KiB },
	};
	struct pci_alloc_windows w;
	struct pci_bar_changes ch;
	struct pci_bars b;
	struct pci_alloc_dev dev = { "dev", &b };
	struct pci_alloc_dev nobars = { "nobars", NULL };

	init_bars(&b, d);
	x86_windows(&w);
	ck_assert_int_eq(pci_alloc_assign(&w, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(pci_alloc_assign(&w, NULL, 1, NULL, 0), -EINVAL);
	ck_assert_int_eq(pci_alloc_assign(&w, &nobars, 1, NULL, 0), -EINVAL);

	/* Windows that BAR registers cannot reach. */
	w.io.end = 0x10004;
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), -EINVAL);
	x86_windows(&w);
	w.mem32.end = 0x100001000ull;
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), -EINVAL);

	/* A device already decoding. */
	x86_windows(&w);
	pci_bars_set_command(&b, PCI_COMMAND_MEMORY, &ch);
	ck_assert_int_eq(pci_alloc_assign(&w, &dev, 1, NULL, 0), -EBUSY);
	ck_assert_uint_eq(pci_bars_addr(&b, 0), 0);
}
END_TEST

static Suite *pci_alloc_suite(void)
{
	Suite *s = suite_create("pci_alloc");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_alloc_x86_windows_follow_ram_and_phys_limit);
	tcase_add_test(tc, test_alloc_places_every_bar_aligned_in_its_window);
	tcase_add_test(tc, test_alloc_largest_first_packs_without_holes);
	tcase_add_test(tc, test_alloc_64bit_bars_go_high_prefetchable_or_not);
	tcase_add_test(tc, test_alloc_64bit_falls_back_to_32bit_window);
	tcase_add_test(tc, test_alloc_io_window_full_names_device_and_bar);
	tcase_add_test(tc, test_alloc_mem32_full_names_rom_and_64bit_fallback);
	tcase_add_test(tc, test_alloc_skips_addresses_that_read_as_sizing);
	tcase_add_test(tc, test_alloc_unaligned_window_start_is_rounded_up);
	tcase_add_test(tc, test_alloc_rejects_bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(pci_alloc_suite());
}
