// SPDX-License-Identifier: GPL-2.0-only
/*
 * pci_decode(): the header, BARs, ROM, capability and extended
 * capability lists of hand-built config spaces, and every malformed list
 * (loops, pointers out of range, truncation, too many) reported, never
 * followed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/tests/check_main.h"
#include "tools/vfio-user-info/pci_decode.h"
#include "tools/vfio-user-info/tests/cfg_build.h"

static uint8_t cfg[PCI_DECODE_ECFG_LEN];
static struct pci_desc d;

/* Whether one of d's problems contains @s. */
static bool has_problem(const struct pci_desc *pd, const char *s)
{
	for (unsigned int i = 0; i < pd->nr_problems; i++)
		if (strstr(pd->problems[i], s))
			return true;
	return false;
}

START_TEST(test_full_device_header_fields)
{
	struct pci_region_sizes sz;

	cfg_full_device(cfg, 256, &sz);
	ck_assert_int_eq(pci_decode(cfg, 256, &sz, &d), 0);
	ck_assert_uint_eq(d.len, 256);
	ck_assert_uint_eq(d.vendor, 0x8086);
	ck_assert_uint_eq(d.device, 0x5845);
	ck_assert_uint_eq(d.base_class, 0x01);
	ck_assert_uint_eq(d.subclass, 0x08);
	ck_assert_uint_eq(d.prog_if, 0x02);
	ck_assert_uint_eq(d.revision, 0x02);
	ck_assert_uint_eq(d.header_type, 0);
	ck_assert(!d.multifunction);
	ck_assert(d.has_subsystem);
	ck_assert_uint_eq(d.subsys_vendor, 0x1af4);
	ck_assert_uint_eq(d.subsys_device, 0x1100);
	ck_assert_uint_eq(d.command, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
				     PCI_COMMAND_INTX_DISABLE);
	ck_assert(d.status & PCI_STATUS_CAP_LIST);
	ck_assert_uint_eq(d.int_pin, 1);
	ck_assert_uint_eq(d.int_line, 11);
	ck_assert_str_eq(pci_class_name(d.base_class, d.subclass),
			 "Non-Volatile memory controller");
	ck_assert_uint_eq(d.nr_problems, 0);
}
END_TEST

START_TEST(test_full_device_bars_and_rom)
{
	struct pci_region_sizes sz;

	cfg_full_device(cfg, 256, &sz);
	ck_assert_int_eq(pci_decode(cfg, 256, &sz, &d), 0);
	ck_assert_uint_eq(d.nr_bars, 6);
	/* BAR0: 64-bit prefetchable, upper half in BAR1 */
	ck_assert_int_eq(d.bars[0].kind, PCI_BAR_MEM);
	ck_assert_uint_eq(d.bars[0].bits, 64);
	ck_assert(d.bars[0].prefetchable);
	ck_assert_uint_eq(d.bars[0].address, 0x800000000ull);
	ck_assert(d.bars[0].size_known);
	ck_assert_uint_eq(d.bars[0].size, 16384);
	ck_assert_int_eq(d.bars[1].kind, PCI_BAR_UPPER);
	/* BAR2: I/O */
	ck_assert_int_eq(d.bars[2].kind, PCI_BAR_IO);
	ck_assert_uint_eq(d.bars[2].address, 0xc000);
	ck_assert_uint_eq(d.bars[2].size, 32);
	/* BAR3: 32-bit non-prefetchable */
	ck_assert_int_eq(d.bars[3].kind, PCI_BAR_MEM);
	ck_assert_uint_eq(d.bars[3].bits, 32);
	ck_assert(!d.bars[3].prefetchable);
	ck_assert_uint_eq(d.bars[3].address, 0xfe000000);
	ck_assert_uint_eq(d.bars[3].size, 16384);
	ck_assert_int_eq(d.bars[4].kind, PCI_BAR_UNUSED);
	ck_assert_int_eq(d.bars[5].kind, PCI_BAR_UNUSED);
	/* ROM */
	ck_assert(d.has_rom);
	ck_assert(d.rom.present);
	ck_assert_uint_eq(d.rom.address, 0xfeb00000);
	ck_assert(!d.rom.enabled);
	ck_assert_uint_eq(d.rom.size, 65536);
}
END_TEST

START_TEST(test_full_device_pm_msi_msix_exp)
{
	struct pci_region_sizes sz;
	const struct pci_cap *c;

	cfg_full_device(cfg, 256, &sz);
	ck_assert_int_eq(pci_decode(cfg, 256, &sz, &d), 0);
	ck_assert(d.caps_listed);
	ck_assert_uint_eq(d.nr_caps, 4);
	ck_assert_uint_eq(d.caps[0].offset, 0x40);
	ck_assert_uint_eq(d.caps[1].offset, 0x50);
	ck_assert_uint_eq(d.caps[2].offset, 0x70);
	ck_assert_uint_eq(d.caps[3].offset, 0xb0);

	c = pci_desc_find_cap(&d, PCI_CAP_ID_PM);
	ck_assert_ptr_nonnull(c);
	ck_assert(!c->truncated);
	ck_assert_uint_eq(c->u.pm.version, 3);
	ck_assert(c->u.pm.d1 && c->u.pm.d2);
	ck_assert_uint_eq(c->u.pm.pme_support, 0x1 | 0x8);
	ck_assert_uint_eq(c->u.pm.power_state, 3);
	ck_assert(c->u.pm.no_soft_reset);
	ck_assert(!c->u.pm.pme_enable);

	c = pci_desc_find_cap(&d, PCI_CAP_ID_MSI);
	ck_assert_ptr_nonnull(c);
	ck_assert(c->u.msi.enable && c->u.msi.is64 && c->u.msi.maskable);
	ck_assert_uint_eq(c->u.msi.mmc, 2);
	ck_assert_uint_eq(c->u.msi.mme, 1);
	ck_assert_uint_eq(c->u.msi.address, 0x1fee00000ull);
	ck_assert_uint_eq(c->u.msi.data, 0x4021);
	ck_assert_uint_eq(c->u.msi.mask, 0x3);
	ck_assert_uint_eq(c->u.msi.pending, 0x1);

	c = pci_desc_find_cap(&d, PCI_CAP_ID_EXP);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->u.exp.version, 2);
	ck_assert_uint_eq(c->u.exp.port_type, PCI_EXP_TYPE_ENDPOINT);
	ck_assert_uint_eq(c->u.exp.max_payload, 256);
	ck_assert(c->u.exp.ext_tag && c->u.exp.flr);
	ck_assert_uint_eq(c->u.exp.ctl_max_payload, 128);
	ck_assert_uint_eq(c->u.exp.ctl_max_read_req, 512);
	ck_assert(c->u.exp.has_link);
	ck_assert_uint_eq(c->u.exp.link_max_speed, 3);
	ck_assert_str_eq(pci_link_speed_name(c->u.exp.link_max_speed), "8GT/s");
	ck_assert_uint_eq(c->u.exp.link_max_width, 4);
	ck_assert_uint_eq(c->u.exp.aspm, 3);
	ck_assert_uint_eq(c->u.exp.port_number, 7);
	ck_assert_uint_eq(c->u.exp.link_speed, 1);
	ck_assert_uint_eq(c->u.exp.link_width, 1);

	c = pci_desc_find_cap(&d, PCI_CAP_ID_MSIX);
	ck_assert_ptr_nonnull(c);
	ck_assert(c->u.msix.enable && c->u.msix.function_mask);
	ck_assert_uint_eq(c->u.msix.table_size, 16);
	ck_assert_uint_eq(c->u.msix.table_bir, 3);
	ck_assert_uint_eq(c->u.msix.table_offset, 0x2000);
	ck_assert_uint_eq(c->u.msix.pba_bir, 3);
	ck_assert_uint_eq(c->u.msix.pba_offset, 0x3000);

	/* 256 bytes: the extended space is not looked at */
	ck_assert(!d.ext_scanned);
	ck_assert_uint_eq(d.nr_ext_caps, 0);
}
END_TEST

START_TEST(test_msi_32bit_without_masking_has_data_at_8)
{
	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0x48);
	cfg_cap(cfg, 0x48, PCI_CAP_ID_MSI, 0);
	w16(cfg, 0x4a, 0);
	w32(cfg, 0x4c, 0xfee01000);
	w16(cfg, 0x50, 0x55aa);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_caps, 1);
	ck_assert(!d.caps[0].u.msi.is64);
	ck_assert(!d.caps[0].u.msi.maskable);
	ck_assert_uint_eq(d.caps[0].u.msi.address, 0xfee01000);
	ck_assert_uint_eq(d.caps[0].u.msi.data, 0x55aa);
	ck_assert_uint_eq(d.caps[0].u.msi.mmc, 0);
}
END_TEST

START_TEST(test_sizes_unknown_without_region_info)
{
	cfg_full_device(cfg, 256, NULL);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_int_eq(d.bars[0].kind, PCI_BAR_MEM);
	ck_assert(!d.bars[0].size_known);
	ck_assert(!d.bars[2].size_known);
	ck_assert(!d.rom.size_known);
	/* BAR4 reads 0 and nothing says a region is behind it */
	ck_assert_int_eq(d.bars[4].kind, PCI_BAR_UNUSED);
}
END_TEST

START_TEST(test_zero_register_with_region_is_unassigned_32bit_memory)
{
	struct pci_region_sizes sz = { 0 };

	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	sz.known[1] = true;
	sz.size[1] = 4096;
	sz.known[0] = true;	/* size 0: unused */
	ck_assert_int_eq(pci_decode(cfg, 256, &sz, &d), 0);
	ck_assert_int_eq(d.bars[0].kind, PCI_BAR_UNUSED);
	ck_assert_int_eq(d.bars[1].kind, PCI_BAR_MEM);
	ck_assert_uint_eq(d.bars[1].bits, 32);
	ck_assert_uint_eq(d.bars[1].address, 0);
	ck_assert_uint_eq(d.bars[1].size, 4096);
	ck_assert(!d.rom.present);
}
END_TEST

START_TEST(test_bar_with_type_bits_but_empty_region_is_unused)
{
	struct pci_region_sizes sz = { 0 };

	/* libvfio-user leaves bit 0 (I/O) set in BARs it does not use */
	cfg_header(cfg, 256, 0x494f, 0x0dc8, 0);
	for (int i = 0; i < 6; i++)
		w32(cfg, PCI_BASE_ADDRESS_0 + 4 * i, PCI_BASE_ADDRESS_SPACE_IO);
	for (int i = 0; i < PCI_DECODE_NR_SIZES; i++)
		sz.known[i] = true;
	sz.size[2] = 256;
	ck_assert_int_eq(pci_decode(cfg, 256, &sz, &d), 0);
	ck_assert_int_eq(d.bars[0].kind, PCI_BAR_UNUSED);
	ck_assert_uint_eq(d.bars[0].reg, PCI_BASE_ADDRESS_SPACE_IO);
	ck_assert_int_eq(d.bars[2].kind, PCI_BAR_IO);
	ck_assert_uint_eq(d.bars[2].size, 256);
	ck_assert_int_eq(d.bars[5].kind, PCI_BAR_UNUSED);
	ck_assert_uint_eq(d.nr_problems, 0);
}
END_TEST

START_TEST(test_bar_problems_are_reported)
{
	struct pci_region_sizes sz = { 0 };

	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	/* BAR0 64-bit whose upper region 1 claims a size; BAR2 of 0x3000;
	 * BAR5 64-bit with no BAR6 for its upper half */
	w32(cfg, PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_MEM_TYPE_64);
	w32(cfg, PCI_BASE_ADDRESS_2, 0xe0000000);
	w32(cfg, PCI_BASE_ADDRESS_5, PCI_BASE_ADDRESS_MEM_TYPE_64 | 0xd0000000);
	for (int i = 0; i < PCI_DECODE_NR_SIZES; i++)
		sz.known[i] = true;
	sz.size[0] = 4096;
	sz.size[1] = 4096;
	sz.size[2] = 0x3000;
	sz.size[5] = 4096;
	ck_assert_int_eq(pci_decode(cfg, 256, &sz, &d), 0);
	ck_assert_int_eq(d.bars[1].kind, PCI_BAR_UPPER);
	ck_assert(has_problem(&d, "BAR1 is the upper half of 64-bit BAR0 but region 1 has size 4096"));
	ck_assert(has_problem(&d, "BAR2 size 12288 is not a power of two"));
	ck_assert(has_problem(&d, "BAR5 is 64-bit but has no next BAR"));
	ck_assert_int_eq(d.bars[5].kind, PCI_BAR_MEM);
	ck_assert_uint_eq(d.bars[5].address, 0xd0000000);
}
END_TEST

START_TEST(test_bridge_header_has_two_bars_and_rom_at_0x38)
{
	cfg_header(cfg, 256, 0x8086, 0x2222, 0x060400);
	w8(cfg, PCI_HEADER_TYPE, PCI_HEADER_TYPE_BRIDGE | 0x80);
	w32(cfg, PCI_BASE_ADDRESS_0, 0xf0000000);
	w32(cfg, PCI_ROM_ADDRESS1, 0xfff00001);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.header_type, 1);
	ck_assert(d.multifunction);
	ck_assert_uint_eq(d.nr_bars, 2);
	ck_assert(!d.has_subsystem);
	ck_assert_uint_eq(d.bars[0].address, 0xf0000000);
	ck_assert(d.rom.present && d.rom.enabled);
	ck_assert_uint_eq(d.rom.address, 0xfff00000);
	ck_assert_str_eq(pci_class_name(0x06, 0x04), "PCI bridge");
}
END_TEST

START_TEST(test_undefined_header_type_is_a_problem)
{
	cfg_header(cfg, 256, 0x8086, 0x2222, 0);
	w8(cfg, PCI_HEADER_TYPE, 0x05);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_bars, 0);
	ck_assert(has_problem(&d, "header type 0x05 is not defined"));
}
END_TEST

START_TEST(test_cap_loop_is_reported_and_the_walk_ends)
{
	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0x40);
	cfg_cap(cfg, 0x40, PCI_CAP_ID_PM, 0x50);
	cfg_cap(cfg, 0x50, 0x0c, 0x40);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_caps, 2);
	ck_assert_uint_eq(d.caps[0].offset, 0x40);
	ck_assert_uint_eq(d.caps[1].offset, 0x50);
	ck_assert(has_problem(&d, "loops back to 0x40 (from 0x50)"));
}
END_TEST

START_TEST(test_cap_pointing_to_itself_is_a_loop)
{
	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0x60);
	cfg_cap(cfg, 0x60, PCI_CAP_ID_VNDR, 0x60);
	w8(cfg, 0x62, 4);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_caps, 1);
	ck_assert(has_problem(&d, "loops back to 0x60"));
}
END_TEST

START_TEST(test_cap_pointer_low_bits_are_masked)
{
	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0x43);
	cfg_cap(cfg, 0x40, PCI_CAP_ID_PM, 0x53);
	cfg_cap(cfg, 0x50, 0x0c, 0);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_caps, 2);
	ck_assert_uint_eq(d.caps[1].offset, 0x50);
	ck_assert_uint_eq(d.nr_problems, 0);
}
END_TEST

START_TEST(test_first_cap_pointer_below_0x40_is_reported)
{
	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0x20);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_caps, 0);
	ck_assert(has_problem(&d, "capability pointer 0x20 at 0x34 points into the header"));
}
END_TEST

START_TEST(test_next_pointer_below_0x40_ends_the_list)
{
	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0x40);
	cfg_cap(cfg, 0x40, PCI_CAP_ID_PM, 0x50);
	cfg_cap(cfg, 0x50, PCI_CAP_ID_VNDR, 0x10);
	w8(cfg, 0x52, 3);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_caps, 2);
	ck_assert(has_problem(&d, "capability pointer 0x10 at 0x50 points into the header"));
}
END_TEST

START_TEST(test_cap_pointer_past_a_short_config_space)
{
	/* A config region of only 128 bytes: a pointer to 0x90 is beyond */
	cfg_header(cfg, 128, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0x40);
	cfg_cap(cfg, 0x40, PCI_CAP_ID_PM, 0x90);
	ck_assert_int_eq(pci_decode(cfg, 128, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_caps, 1);
	ck_assert(has_problem(&d, "capability pointer 0x90 at 0x40 is past the 128 bytes"));
}
END_TEST

START_TEST(test_cap_cut_off_by_the_end_is_truncated)
{
	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0xf8);
	/* MSI-X needs 12 bytes: 0xf8 + 12 > 0x100 */
	cfg_cap(cfg, 0xf8, PCI_CAP_ID_MSIX, 0);
	w16(cfg, 0xfa, 7);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_caps, 1);
	ck_assert(d.caps[0].truncated);
	ck_assert_uint_eq(d.caps[0].u.msix.table_size, 0);
	ck_assert(has_problem(&d, "needs 12 bytes"));
}
END_TEST

START_TEST(test_no_cap_bit_means_no_walk)
{
	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	w8(cfg, PCI_CAPABILITY_LIST, 0x40);	/* ignored: Status Cap- */
	cfg_cap(cfg, 0x40, PCI_CAP_ID_PM, 0);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert(!d.caps_listed);
	ck_assert_uint_eq(d.nr_caps, 0);
	ck_assert_uint_eq(d.nr_problems, 0);
}
END_TEST

START_TEST(test_empty_cap_list_with_cap_bit)
{
	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert(d.caps_listed);
	ck_assert_uint_eq(d.nr_caps, 0);
	ck_assert_uint_eq(d.nr_problems, 0);
}
END_TEST

START_TEST(test_all_48_slots_chained_are_decoded_without_problem)
{
	cfg_header(cfg, 256, 0x1234, 0x1111, 0xff0000);
	cfg_caps_start(cfg, 0x40);
	for (unsigned int off = 0x40; off < 0x100; off += 4)
		cfg_cap(cfg, off, 0x0c, off + 4 < 0x100 ? (uint8_t)(off + 4) : 0);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_caps, PCI_DECODE_MAX_CAPS);
	ck_assert_uint_eq(d.caps[47].offset, 0xfc);
	ck_assert_uint_eq(d.nr_problems, 0);
}
END_TEST

START_TEST(test_virtio_vendor_caps)
{
	struct pci_region_sizes sz;
	const struct pci_cap_vndr *v;

	cfg_virtio_blk(cfg, &sz);
	ck_assert_int_eq(pci_decode(cfg, 256, &sz, &d), 0);
	ck_assert_str_eq(pci_device_name(d.vendor, d.device),
			 "Virtio 1.0 block device");
	ck_assert_uint_eq(d.nr_caps, 6);
	ck_assert_uint_eq(d.nr_problems, 0);

	v = &d.caps[0].u.vndr;
	ck_assert(v->virtio);
	ck_assert_uint_eq(v->len, 16);
	ck_assert_str_eq(pci_virtio_cfg_type_name(v->cfg_type), "COMMON");
	ck_assert_uint_eq(v->bar, 4);
	ck_assert_uint_eq(v->offset, 0);
	ck_assert_uint_eq(v->length, 0x1000);
	ck_assert(!v->has_multiplier);

	v = &d.caps[1].u.vndr;
	ck_assert_str_eq(pci_virtio_cfg_type_name(v->cfg_type), "NOTIFY");
	ck_assert_uint_eq(v->offset, 0x3000);
	ck_assert(v->has_multiplier);
	ck_assert_uint_eq(v->notify_off_multiplier, 4);

	ck_assert_str_eq(pci_virtio_cfg_type_name(d.caps[2].u.vndr.cfg_type), "ISR");
	ck_assert_uint_eq(d.caps[2].u.vndr.offset, 0x1000);
	ck_assert_str_eq(pci_virtio_cfg_type_name(d.caps[3].u.vndr.cfg_type), "DEVICE");
	ck_assert_uint_eq(d.caps[3].u.vndr.offset, 0x2000);
	ck_assert_str_eq(pci_virtio_cfg_type_name(d.caps[4].u.vndr.cfg_type), "PCI");
	ck_assert_uint_eq(d.caps[4].u.vndr.len, 20);
	ck_assert_uint_eq(d.caps[5].id, PCI_CAP_ID_MSIX);
	ck_assert_uint_eq(d.caps[5].u.msix.table_size, 2);
	ck_assert_uint_eq(d.caps[5].u.msix.pba_offset, 0x800);

	ck_assert_int_eq(d.bars[4].kind, PCI_BAR_MEM);
	ck_assert_uint_eq(d.bars[4].bits, 64);
	ck_assert_uint_eq(d.bars[4].size, 0x4000);
	ck_assert_int_eq(d.bars[5].kind, PCI_BAR_UPPER);
}
END_TEST

START_TEST(test_vendor_cap_of_other_vendor_is_not_virtio)
{
	cfg_virtio_blk(cfg, NULL);
	w16(cfg, PCI_VENDOR_ID, 0x8086);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.caps[0].id, PCI_CAP_ID_VNDR);
	ck_assert(!d.caps[0].u.vndr.virtio);
	ck_assert_uint_eq(d.caps[0].u.vndr.len, 16);
}
END_TEST

START_TEST(test_short_virtio_cap_is_not_decoded_as_virtio)
{
	cfg_virtio_blk(cfg, NULL);
	w8(cfg, 0x42, 8);	/* cap_len 8 < sizeof(virtio_pci_cap) */
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert(!d.caps[0].u.vndr.virtio);
	ck_assert_uint_eq(d.caps[0].u.vndr.len, 8);
}
END_TEST

START_TEST(test_virtio_cap_running_past_the_end_is_truncated)
{
	cfg_header(cfg, 256, 0x1af4, 0x1041, 0x020000);
	cfg_caps_start(cfg, 0xf4);
	cfg_virtio_cap(cfg, 0xf4, 0, 1, 0, 0, 0x100, 16);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_caps, 1);
	ck_assert(d.caps[0].truncated);
	ck_assert(!d.caps[0].u.vndr.virtio);
}
END_TEST

START_TEST(test_extended_capability_chain)
{
	cfg_full_device(cfg, 4096, NULL);
	ck_assert_int_eq(pci_decode(cfg, 4096, NULL, &d), 0);
	ck_assert(d.ext_scanned);
	ck_assert_uint_eq(d.nr_ext_caps, 3);
	ck_assert_uint_eq(d.ext_caps[0].offset, 0x100);
	ck_assert_uint_eq(d.ext_caps[0].id, PCI_EXT_CAP_ID_ERR);
	ck_assert_uint_eq(d.ext_caps[0].version, 1);
	ck_assert_uint_eq(d.ext_caps[0].next, 0x148);
	ck_assert_uint_eq(d.ext_caps[1].offset, 0x148);
	ck_assert_uint_eq(d.ext_caps[1].id, PCI_EXT_CAP_ID_DSN);
	ck_assert_uint_eq(d.ext_caps[2].offset, 0x158);
	ck_assert_uint_eq(d.ext_caps[2].id, PCI_EXT_CAP_ID_ARI);
	ck_assert_uint_eq(d.ext_caps[2].next, 0);
	ck_assert_str_eq(pci_ext_cap_name(PCI_EXT_CAP_ID_ERR),
			 "Advanced Error Reporting");
	ck_assert_uint_eq(d.nr_problems, 0);
	ck_assert_uint_eq(d.nr_caps, 4);
}
END_TEST

START_TEST(test_extended_space_empty_header)
{
	cfg_full_device(cfg, 4096, NULL);
	w32(cfg, 0x100, 0);
	ck_assert_int_eq(pci_decode(cfg, 4096, NULL, &d), 0);
	ck_assert(d.ext_scanned);
	ck_assert_uint_eq(d.nr_ext_caps, 0);
	ck_assert_uint_eq(d.nr_problems, 0);

	w32(cfg, 0x100, 0xffffffff);
	ck_assert_int_eq(pci_decode(cfg, 4096, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_ext_caps, 0);
	ck_assert_uint_eq(d.nr_problems, 0);
}
END_TEST

START_TEST(test_extended_loop_is_reported)
{
	cfg_full_device(cfg, 4096, NULL);
	cfg_ext_cap(cfg, 0x158, PCI_EXT_CAP_ID_ARI, 1, 0x100);
	ck_assert_int_eq(pci_decode(cfg, 4096, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_ext_caps, 3);
	ck_assert(has_problem(&d, "extended capability list loops back to 0x100 (from 0x158)"));
}
END_TEST

START_TEST(test_extended_next_below_0x100_is_reported)
{
	cfg_full_device(cfg, 4096, NULL);
	cfg_ext_cap(cfg, 0x148, PCI_EXT_CAP_ID_DSN, 1, 0x40);
	ck_assert_int_eq(pci_decode(cfg, 4096, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_ext_caps, 2);
	ck_assert(has_problem(&d, "pointer 0x040 at 0x148 is below 0x100"));
}
END_TEST

START_TEST(test_too_many_extended_caps_are_cut)
{
	unsigned int off;

	cfg_full_device(cfg, 4096, NULL);
	for (off = 0x100; off < 0x100 + 100 * 8; off += 8)
		cfg_ext_cap(cfg, off, PCI_EXT_CAP_ID_VNDR, 1, off + 8);
	cfg_ext_cap(cfg, off - 8, PCI_EXT_CAP_ID_VNDR, 1, 0);
	ck_assert_int_eq(pci_decode(cfg, 4096, NULL, &d), 0);
	ck_assert_uint_eq(d.nr_ext_caps, PCI_DECODE_MAX_EXT_CAPS);
	ck_assert_uint_eq(d.ext_caps[63].offset, 0x100 + 63 * 8);
	ck_assert(has_problem(&d, "more than 64 extended capabilities"));
}
END_TEST

START_TEST(test_bad_lengths_are_rejected)
{
	cfg_full_device(cfg, 256, NULL);
	ck_assert_int_eq(pci_decode(cfg, 63, NULL, &d), -EINVAL);
	ck_assert_int_eq(pci_decode(cfg, 4097, NULL, &d), -EINVAL);
	ck_assert_int_eq(pci_decode(NULL, 256, NULL, &d), -EINVAL);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, NULL), -EINVAL);
	/* 64 bytes: the header decodes; the list pointer is past it */
	ck_assert_int_eq(pci_decode(cfg, 64, NULL, &d), 0);
	ck_assert_uint_eq(d.vendor, 0x8086);
	ck_assert_uint_eq(d.nr_caps, 0);
	ck_assert(has_problem(&d, "past the 64 bytes"));
}
END_TEST

START_TEST(test_invalid_vendor_and_pin_are_problems)
{
	cfg_header(cfg, 256, 0xffff, 0xffff, 0);
	w8(cfg, PCI_INTERRUPT_PIN, 9);
	ck_assert_int_eq(pci_decode(cfg, 256, NULL, &d), 0);
	ck_assert(has_problem(&d, "vendor ID 0xffff"));
	ck_assert(has_problem(&d, "interrupt pin 9"));
}
END_TEST

/*
 * Random config spaces (fixed seed): whatever the bytes, the decoder
 * ends, lists each capability once at a valid offset inside the buffer
 * and (under ASan) reads nothing outside it.
 */
START_TEST(test_random_config_spaces_decode_within_bounds)
{
	static const size_t lens[] = { 64, 100, 256, 4096 };
	unsigned int seed = 12345;

	for (int iter = 0; iter < 3000; iter++) {
		size_t len = lens[iter % 4];
		uint8_t *buf = malloc(len);	/* exact size: ASan sees overreads */

		ck_assert_ptr_nonnull(buf);
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rand_r(&seed);
		/* Make lists likely: Cap+ and pointers into range */
		buf[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
		buf[PCI_HEADER_TYPE] &= 0x83;
		if (len > 0x40 && iter % 3)
			buf[PCI_CAPABILITY_LIST] = (uint8_t)(0x40 + rand_r(&seed) % 0xc0);
		ck_assert_int_eq(pci_decode(buf, len, NULL, &d), 0);
		ck_assert_uint_le(d.nr_caps, PCI_DECODE_MAX_CAPS);
		for (unsigned int i = 0; i < d.nr_caps; i++) {
			ck_assert_uint_ge(d.caps[i].offset, 0x40);
			ck_assert_uint_lt(d.caps[i].offset + 2u, len + 1);
			for (unsigned int j = 0; j < i; j++)
				ck_assert_uint_ne(d.caps[i].offset, d.caps[j].offset);
		}
		for (unsigned int i = 0; i < d.nr_ext_caps; i++)
			ck_assert_uint_ge(d.ext_caps[i].offset, 0x100);
		if (len < 4096)
			ck_assert(!d.ext_scanned);
		free(buf);
	}
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(pci_class_name(0x02, 0x00), "Ethernet controller");
	ck_assert_str_eq(pci_class_name(0x02, 0x42), "Network controller");
	ck_assert_str_eq(pci_class_name(0x00, 0xff), "Unclassified device");
	ck_assert_str_eq(pci_class_name(0x77, 0x00), "Unknown class");
	ck_assert_str_eq(pci_cap_name(PCI_CAP_ID_MSIX), "MSI-X");
	ck_assert_str_eq(pci_cap_name(0x7f), "Unknown");
	ck_assert_str_eq(pci_ext_cap_name(0x7ff), "Unknown");
	ck_assert_str_eq(pci_exp_type_name(PCI_EXP_TYPE_ROOT_PORT), "Root Port");
	ck_assert_str_eq(pci_link_speed_name(0), "unknown");
	ck_assert_str_eq(pci_virtio_cfg_type_name(99), "unknown");
	ck_assert_str_eq(pci_vendor_name(0x1af4), "Red Hat, Inc. (virtio)");
	ck_assert_ptr_null(pci_vendor_name(0xabcd));
	ck_assert_str_eq(pci_device_name(0x1af4, 0x1005), "Virtio RNG");
	ck_assert_str_eq(pci_device_name(0x1af4, 0x1044), "Virtio 1.0 RNG");
	ck_assert_ptr_null(pci_device_name(0x1af4, 0x10ff));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pci_decode");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, test_full_device_header_fields);
	tcase_add_test(tc, test_full_device_bars_and_rom);
	tcase_add_test(tc, test_full_device_pm_msi_msix_exp);
	tcase_add_test(tc, test_msi_32bit_without_masking_has_data_at_8);
	tcase_add_test(tc, test_sizes_unknown_without_region_info);
	tcase_add_test(tc, test_zero_register_with_region_is_unassigned_32bit_memory);
	tcase_add_test(tc, test_bar_with_type_bits_but_empty_region_is_unused);
	tcase_add_test(tc, test_bar_problems_are_reported);
	tcase_add_test(tc, test_bridge_header_has_two_bars_and_rom_at_0x38);
	tcase_add_test(tc, test_undefined_header_type_is_a_problem);
	tcase_add_test(tc, test_cap_loop_is_reported_and_the_walk_ends);
	tcase_add_test(tc, test_cap_pointing_to_itself_is_a_loop);
	tcase_add_test(tc, test_cap_pointer_low_bits_are_masked);
	tcase_add_test(tc, test_first_cap_pointer_below_0x40_is_reported);
	tcase_add_test(tc, test_next_pointer_below_0x40_ends_the_list);
	tcase_add_test(tc, test_cap_pointer_past_a_short_config_space);
	tcase_add_test(tc, test_cap_cut_off_by_the_end_is_truncated);
	tcase_add_test(tc, test_no_cap_bit_means_no_walk);
	tcase_add_test(tc, test_empty_cap_list_with_cap_bit);
	tcase_add_test(tc, test_all_48_slots_chained_are_decoded_without_problem);
	tcase_add_test(tc, test_virtio_vendor_caps);
	tcase_add_test(tc, test_vendor_cap_of_other_vendor_is_not_virtio);
	tcase_add_test(tc, test_short_virtio_cap_is_not_decoded_as_virtio);
	tcase_add_test(tc, test_virtio_cap_running_past_the_end_is_truncated);
	tcase_add_test(tc, test_extended_capability_chain);
	tcase_add_test(tc, test_extended_space_empty_header);
	tcase_add_test(tc, test_extended_loop_is_reported);
	tcase_add_test(tc, test_extended_next_below_0x100_is_reported);
	tcase_add_test(tc, test_too_many_extended_caps_are_cut);
	tcase_add_test(tc, test_bad_lengths_are_rejected);
	tcase_add_test(tc, test_invalid_vendor_and_pin_are_problems);
	tcase_add_test(tc, test_random_config_spaces_decode_within_bounds);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
