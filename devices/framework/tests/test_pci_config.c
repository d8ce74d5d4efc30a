// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulated config space: header fields at their offsets, the capability
 * list layout and chain, read-only bits ignored on writes, RW1C bits,
 * BAR and ROM sizing answered like hardware, the MSI-X capability
 * pointing at its BAR, vendor capabilities with a callback, bounds.
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "devices/framework/pci_config.h"
#include "proto/tests/check_main.h"

static struct vus_cfg c;

static const struct vus_pci_id ids = {
	.vendor = 0x1234, .device = 0x7e57, .subsys_vendor = 0x1af4,
	.subsys = 0x0042, .class_code = 0xff0001, .revision = 7,
};

static void setup(void)
{
	ck_assert_int_eq(vus_cfg_init(&c, &ids), 0);
}

static void teardown(void)
{
	vus_cfg_destroy(&c);
}

static uint32_t rd(uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	ck_assert_int_eq(vus_cfg_read(&c, off, &v, len), 0);
	return v;
}

static void wr(uint32_t off, uint32_t v, uint32_t len)
{
	ck_assert_int_eq(vus_cfg_write(&c, off, &v, len), 0);
}

START_TEST(test_header_fields_are_at_their_offsets)
{
	ck_assert_uint_eq(rd(PCI_VENDOR_ID, 2), 0x1234);
	ck_assert_uint_eq(rd(PCI_DEVICE_ID, 2), 0x7e57);
	ck_assert_uint_eq(rd(PCI_REVISION_ID, 1), 7);
	ck_assert_uint_eq(rd(PCI_CLASS_REVISION, 4), 0xff000107);
	ck_assert_uint_eq(rd(PCI_HEADER_TYPE, 1), 0);
	ck_assert_uint_eq(rd(PCI_SUBSYSTEM_VENDOR_ID, 2), 0x1af4);
	ck_assert_uint_eq(rd(PCI_SUBSYSTEM_ID, 2), 0x0042);
	/* No capability yet: status bit 4 clear, pointer 0. */
	ck_assert_uint_eq(rd(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, 0);
	ck_assert_uint_eq(rd(PCI_CAPABILITY_LIST, 1), 0);
	ck_assert_uint_eq(c.size, 256);
}
END_TEST

START_TEST(test_read_only_header_bits_ignore_writes)
{
	wr(PCI_VENDOR_ID, 0xffffffff, 4);
	ck_assert_uint_eq(rd(PCI_VENDOR_ID, 4), 0x7e571234);
	wr(PCI_CLASS_REVISION, 0, 4);
	ck_assert_uint_eq(rd(PCI_CLASS_REVISION, 4), 0xff000107);
	wr(PCI_HEADER_TYPE, 0xff, 1);
	ck_assert_uint_eq(rd(PCI_HEADER_TYPE, 1), 0);
	/* Command: only IO, memory, master, parity, SERR, INTx disable. */
	wr(PCI_COMMAND, 0xffff, 2);
	ck_assert_uint_eq(rd(PCI_COMMAND, 2), 0x0547);
	wr(PCI_COMMAND, 0, 2);
	ck_assert_uint_eq(rd(PCI_COMMAND, 2), 0);
	/* Interrupt line is the OS's scratch, pin is not. */
	wr(PCI_INTERRUPT_LINE, 0x0b0b, 2);
	ck_assert_uint_eq(rd(PCI_INTERRUPT_LINE, 1), 0x0b);
	ck_assert_uint_eq(rd(PCI_INTERRUPT_PIN, 1), 0);
}
END_TEST

START_TEST(test_status_error_bits_are_write_one_to_clear)
{
	c.data[PCI_STATUS + 1] = (PCI_STATUS_DETECTED_PARITY |
				  PCI_STATUS_REC_MASTER_ABORT) >> 8;
	vus_cfg_set_intx_status(&c, true);
	/* Writing 0 keeps them, writing 1 clears only that one. */
	wr(PCI_STATUS, 0, 2);
	ck_assert_uint_eq(rd(PCI_STATUS, 2), PCI_STATUS_DETECTED_PARITY |
			  PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_INTERRUPT);
	wr(PCI_STATUS, PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_INTERRUPT, 2);
	ck_assert_uint_eq(rd(PCI_STATUS, 2), PCI_STATUS_DETECTED_PARITY |
			  PCI_STATUS_INTERRUPT);
	vus_cfg_set_intx_status(&c, false);
	ck_assert_uint_eq(rd(PCI_STATUS, 2), PCI_STATUS_DETECTED_PARITY);
}
END_TEST

START_TEST(test_bar_sizing_is_answered_like_hardware)
{
	vus_cfg_set_bar(&c, 0, 0x1000, 0);
	vus_cfg_set_bar(&c, 2, 0x10000, VUS_BAR_MEM64 | VUS_BAR_PREFETCH);
	vus_cfg_set_bar(&c, 4, 0x100, VUS_BAR_IO);
	vus_cfg_set_rom(&c, 0x800);

	ck_assert_uint_eq(rd(PCI_BASE_ADDRESS_0, 4), 0);
	ck_assert_uint_eq(rd(PCI_BASE_ADDRESS_2, 4), 0xc);
	ck_assert_uint_eq(rd(PCI_BASE_ADDRESS_4, 4), 1);
	wr(PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	wr(PCI_BASE_ADDRESS_1, 0xffffffff, 4);
	wr(PCI_BASE_ADDRESS_2, 0xffffffff, 4);
	wr(PCI_BASE_ADDRESS_3, 0xffffffff, 4);
	wr(PCI_BASE_ADDRESS_4, 0xffffffff, 4);
	wr(PCI_BASE_ADDRESS_5, 0xffffffff, 4);
	wr(PCI_ROM_ADDRESS, 0xffffffff, 4);
	ck_assert_uint_eq(rd(PCI_BASE_ADDRESS_0, 4), 0xfffff000);
	ck_assert_uint_eq(rd(PCI_BASE_ADDRESS_1, 4), 0);	/* none */
	ck_assert_uint_eq(rd(PCI_BASE_ADDRESS_2, 4), 0xffff000c);
	ck_assert_uint_eq(rd(PCI_BASE_ADDRESS_3, 4), 0xffffffff);
	ck_assert_uint_eq(rd(PCI_BASE_ADDRESS_4, 4), 0xffffff01);
	ck_assert_uint_eq(rd(PCI_BASE_ADDRESS_5, 4), 0);
	ck_assert_uint_eq(rd(PCI_ROM_ADDRESS, 4), 0xfffff801);
	/* An address is kept, its low bits are the type's. */
	wr(PCI_BASE_ADDRESS_0, 0xfebf1234, 4);
	ck_assert_uint_eq(rd(PCI_BASE_ADDRESS_0, 4), 0xfebf1000);
	wr(PCI_BASE_ADDRESS_3, 0x1, 4);
	ck_assert_uint_eq(rd(PCI_BASE_ADDRESS_3, 4), 1);
}
END_TEST

/* Walk the chain from 0x34; returns how many capabilities, ids in @ids. */
static int walk(uint8_t *idv, uint8_t *posv, int max)
{
	uint8_t at = (uint8_t)rd(PCI_CAPABILITY_LIST, 1);
	int n = 0;

	while (at && n < max) {
		ck_assert_uint_ge(at, 0x40);
		ck_assert_uint_eq(at & 3, 0);
		idv[n] = (uint8_t)rd(at, 1);
		posv[n++] = at;
		at = (uint8_t)rd(at + 1u, 1);
	}
	ck_assert_uint_eq(at, 0);
	return n;
}

START_TEST(test_capability_list_is_laid_out_and_chained)
{
	uint8_t body[20] = { 0 }, idv[8], posv[8], pos[5];
	int n;

	ck_assert_int_eq(vus_cfg_add_pm(&c, &pos[0]), 0);
	ck_assert_int_eq(vus_cfg_add_msi(&c, 1, &pos[1]), 0);
	ck_assert_int_eq(vus_cfg_add_msix(&c, 4, 4, 0, 4, 0x800, &pos[2]), 0);
	ck_assert_int_eq(vus_cfg_add_pcie(&c, &pos[3]), 0);
	ck_assert_int_eq(vus_cfg_add_vendor(&c, body, sizeof(body), NULL, NULL,
					    &pos[4]), 0);
	ck_assert_uint_eq(rd(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST,
			  PCI_STATUS_CAP_LIST);
	n = walk(idv, posv, 8);
	ck_assert_int_eq(n, 5);
	ck_assert_uint_eq(idv[0], PCI_CAP_ID_PM);
	ck_assert_uint_eq(idv[1], PCI_CAP_ID_MSI);
	ck_assert_uint_eq(idv[2], PCI_CAP_ID_MSIX);
	ck_assert_uint_eq(idv[3], PCI_CAP_ID_EXP);
	ck_assert_uint_eq(idv[4], PCI_CAP_ID_VNDR);
	ck_assert_mem_eq(posv, pos, 5);
	ck_assert_uint_eq(pos[0], 0x40);
	/* No capability overlaps the next: each starts after the last. */
	ck_assert_uint_ge(pos[1], pos[0] + PCI_PM_SIZEOF);
	ck_assert_uint_ge(pos[2], pos[1] + 14);
	ck_assert_uint_ge(pos[3], pos[2] + PCI_CAP_MSIX_SIZEOF);
	ck_assert_uint_ge(pos[4], pos[3] + PCI_CAP_EXP_ENDPOINT_SIZEOF_V2);
	ck_assert_uint_eq(rd(pos[4] + 2u, 1), sizeof(body));
	/* PCI Express makes config space 4 KiB; nothing extended there. */
	ck_assert_uint_eq(c.size, 4096);
	ck_assert_uint_eq(rd(0x100, 4), 0);
	ck_assert_int_eq(vus_cfg_find_cap(&c, PCI_CAP_ID_MSIX, 0), pos[2]);
	ck_assert_int_eq(vus_cfg_find_cap(&c, PCI_CAP_ID_AGP, 0), -ENOENT);
	/* Next pointers are read-only. */
	wr(pos[0], 0xffff, 2);
	ck_assert_uint_eq(rd(pos[0], 1), PCI_CAP_ID_PM);
	ck_assert_uint_eq(rd(pos[0] + 1u, 1), pos[1]);
	wr(PCI_CAPABILITY_LIST, 0, 1);
	ck_assert_uint_eq(rd(PCI_CAPABILITY_LIST, 1), pos[0]);
}
END_TEST

START_TEST(test_msix_capability_points_at_its_bar)
{
	uint8_t pos;

	ck_assert_int_eq(vus_cfg_add_msix(&c, 4, 4, 0, 4, 0x800, &pos), 0);
	/* Table size is N - 1; enable and function mask are writable. */
	ck_assert_uint_eq(rd(pos + PCI_MSIX_FLAGS, 2), 3);
	ck_assert_uint_eq(rd(pos + PCI_MSIX_TABLE, 4), 0x000 | 4);
	ck_assert_uint_eq(rd(pos + PCI_MSIX_PBA, 4), 0x800 | 4);
	wr(pos + PCI_MSIX_FLAGS, 0xffff, 2);
	ck_assert_uint_eq(rd(pos + PCI_MSIX_FLAGS, 2), 0xc003);
	wr(pos + PCI_MSIX_TABLE, 0, 4);
	wr(pos + PCI_MSIX_PBA, 0xffffffff, 4);
	ck_assert_uint_eq(rd(pos + PCI_MSIX_TABLE, 4), 4);
	ck_assert_uint_eq(rd(pos + PCI_MSIX_PBA, 4), 0x804);
	/* Misaligned offsets or a BAR index above 5 are refused. */
	ck_assert_int_eq(vus_cfg_add_msix(&c, 4, 4, 4, 4, 0x800, NULL),
			 -EINVAL);
	ck_assert_int_eq(vus_cfg_add_msix(&c, 4, 6, 0, 4, 0x800, NULL),
			 -EINVAL);
	ck_assert_int_eq(vus_cfg_add_msix(&c, 2049, 4, 0, 4, 0x800, NULL),
			 -EINVAL);
}
END_TEST

START_TEST(test_msi_capability_writable_bits)
{
	uint8_t pos;

	ck_assert_int_eq(vus_cfg_add_msi(&c, 4, &pos), 0);
	/* 64-bit, Multiple Message Capable = log2(4) = 2. */
	ck_assert_uint_eq(rd(pos + PCI_MSI_FLAGS, 2), 0x80 | (2 << 1));
	wr(pos + PCI_MSI_FLAGS, 0xffff, 2);
	ck_assert_uint_eq(rd(pos + PCI_MSI_FLAGS, 2), 0x80 | (2 << 1) | 0x70 |
			  1);
	wr(pos + PCI_MSI_ADDRESS_LO, 0xfee00003, 4);
	ck_assert_uint_eq(rd(pos + PCI_MSI_ADDRESS_LO, 4), 0xfee00000);
	wr(pos + PCI_MSI_ADDRESS_HI, 0x12345678, 4);
	ck_assert_uint_eq(rd(pos + PCI_MSI_ADDRESS_HI, 4), 0x12345678);
	wr(pos + PCI_MSI_DATA_64, 0xbeef, 2);
	ck_assert_uint_eq(rd(pos + PCI_MSI_DATA_64, 2), 0xbeef);
	ck_assert_int_eq(vus_cfg_add_msi(&c, 3, NULL), -EINVAL);
	ck_assert_int_eq(vus_cfg_add_msi(&c, 64, NULL), -EINVAL);
}
END_TEST

START_TEST(test_pm_and_pcie_registers_respect_their_masks)
{
	uint8_t pm, exp;

	ck_assert_int_eq(vus_cfg_add_pm(&c, &pm), 0);
	ck_assert_int_eq(vus_cfg_add_pcie(&c, &exp), 0);
	ck_assert_uint_eq(rd(pm + PCI_PM_PMC, 2) & PCI_PM_CAP_VER_MASK, 3);
	wr(pm + PCI_PM_CTRL, 0xffff, 2);
	ck_assert_uint_eq(rd(pm + PCI_PM_CTRL, 2),
			  PCI_PM_CTRL_NO_SOFT_RESET | 3);
	wr(pm + PCI_PM_PMC, 0, 2);
	ck_assert_uint_eq(rd(pm + PCI_PM_PMC, 2) & PCI_PM_CAP_VER_MASK, 3);

	ck_assert_uint_eq(rd(exp + PCI_EXP_FLAGS, 2), 0x0002);
	/* Device control: Initiate FLR (bit 15) is not ours to set. */
	wr(exp + PCI_EXP_DEVCTL, 0xffff, 2);
	ck_assert_uint_eq(rd(exp + PCI_EXP_DEVCTL, 2), 0x7fff);
	/* Device status error bits are RW1C. */
	c.data[exp + PCI_EXP_DEVSTA] = PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_URD;
	wr(exp + PCI_EXP_DEVSTA, PCI_EXP_DEVSTA_CED, 2);
	ck_assert_uint_eq(rd(exp + PCI_EXP_DEVSTA, 2), PCI_EXP_DEVSTA_URD);
	/* Link capabilities are read-only: x1 at 2.5 GT/s. */
	wr(exp + PCI_EXP_LNKCAP, 0, 4);
	ck_assert_uint_eq(rd(exp + PCI_EXP_LNKCAP, 4) & 0x3ff, 0x11);
}
END_TEST

struct hook_log {
	uint32_t offset[8], len[8];
	bool write[8];
	int n;
	uint8_t store[64];
};

static int hook(void *opaque, uint32_t offset, void *data, uint32_t len,
		bool write)
{
	struct hook_log *h = opaque;

	ck_assert_int_lt(h->n, 8);
	h->offset[h->n] = offset;
	h->len[h->n] = len;
	h->write[h->n++] = write;
	if (offset == 60)
		return -EIO;
	if (write)
		memcpy(h->store + offset, data, len);
	else
		memcpy(data, h->store + offset, len);
	return 0;
}

START_TEST(test_vendor_capability_callback_gets_its_bytes)
{
	uint8_t body[64] = { 0xaa, 0xbb, 0xcc, 1, 2, 3, 4 }, pos, buf[8];
	struct hook_log h = { .n = 0 };
	uint32_t v;

	ck_assert_int_eq(vus_cfg_add_vendor(&c, body, 16, hook, &h, &pos), 0);
	memset(h.store, 0x77, sizeof(h.store));
	/* id, next and length are the framework's; bytes 3.. the hook's. */
	ck_assert_int_eq(vus_cfg_read(&c, pos, buf, 8), 0);
	ck_assert_uint_eq(buf[0], PCI_CAP_ID_VNDR);
	ck_assert_uint_eq(buf[1], 0);
	ck_assert_uint_eq(buf[2], 16);
	ck_assert_uint_eq(buf[3], 0x77);
	ck_assert_int_eq(h.n, 1);
	ck_assert_uint_eq(h.offset[0], 3);
	ck_assert_uint_eq(h.len[0], 5);
	ck_assert(!h.write[0]);
	v = 0x01020304;
	ck_assert_int_eq(vus_cfg_write(&c, pos + 4u, &v, 4), 0);
	ck_assert_int_eq(h.n, 2);
	ck_assert_uint_eq(h.offset[1], 4);
	ck_assert(h.write[1]);
	ck_assert_uint_eq(h.store[4], 0x04);
	/* An access running past the capability is split at its end. */
	ck_assert_int_eq(vus_cfg_read(&c, pos + 12u, buf, 8), 0);
	ck_assert_int_eq(h.n, 3);
	ck_assert_uint_eq(h.len[2], 4);
	/* A callback error comes back. */
	ck_assert_int_eq(vus_cfg_add_vendor(&c, body, 64, hook, &h, &pos), 0);
	ck_assert_int_eq(vus_cfg_read(&c, pos + 60u, buf, 1), -EIO);
	/* Length limits. */
	ck_assert_int_eq(vus_cfg_add_vendor(&c, body, 2, NULL, NULL, NULL),
			 -EINVAL);
}
END_TEST

START_TEST(test_vendor_capability_without_callback_is_read_only)
{
	uint8_t body[8] = { 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55 }, pos;

	ck_assert_int_eq(vus_cfg_add_vendor(&c, body, sizeof(body), NULL, NULL,
					    &pos), 0);
	wr(pos + 4u, 0xffffffff, 4);
	ck_assert_uint_eq(rd(pos + 4u, 4), 0x55443322);
}
END_TEST

START_TEST(test_accesses_outside_config_space_are_einval)
{
	uint8_t buf[8];

	ck_assert_int_eq(vus_cfg_read(&c, 256, buf, 1), -EINVAL);
	ck_assert_int_eq(vus_cfg_read(&c, 252, buf, 8), -EINVAL);
	ck_assert_int_eq(vus_cfg_write(&c, 0xffffffff, buf, 2), -EINVAL);
	ck_assert_int_eq(vus_cfg_read(&c, 255, buf, 1), 0);
	ck_assert_int_eq(vus_cfg_add_pcie(&c, NULL), 0);
	ck_assert_int_eq(vus_cfg_read(&c, 4095, buf, 1), 0);
	ck_assert_int_eq(vus_cfg_read(&c, 4095, buf, 2), -EINVAL);
}
END_TEST

START_TEST(test_capabilities_beyond_0x100_do_not_fit)
{
	uint8_t body[200] = { 0 };

	ck_assert_int_eq(vus_cfg_add_vendor(&c, body, 180, NULL, NULL, NULL),
			 0);
	ck_assert_int_eq(vus_cfg_add_pcie(&c, NULL), -ENOSPC);
	ck_assert_int_eq(vus_cfg_add_pm(&c, NULL), 0);
	ck_assert_int_eq(vus_cfg_add_vendor(&c, body, 32, NULL, NULL, NULL),
			 -ENOSPC);
	ck_assert_uint_eq(c.size, 256);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("pci_config");
	TCase *tc = tcase_create("pci_config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_header_fields_are_at_their_offsets);
	tcase_add_test(tc, test_read_only_header_bits_ignore_writes);
	tcase_add_test(tc, test_status_error_bits_are_write_one_to_clear);
	tcase_add_test(tc, test_bar_sizing_is_answered_like_hardware);
	tcase_add_test(tc, test_capability_list_is_laid_out_and_chained);
	tcase_add_test(tc, test_msix_capability_points_at_its_bar);
	tcase_add_test(tc, test_msi_capability_writable_bits);
	tcase_add_test(tc, test_pm_and_pcie_registers_respect_their_masks);
	tcase_add_test(tc, test_vendor_capability_callback_gets_its_bytes);
	tcase_add_test(tc, test_vendor_capability_without_callback_is_read_only);
	tcase_add_test(tc, test_accesses_outside_config_space_are_einval);
	tcase_add_test(tc, test_capabilities_beyond_0x100_do_not_fit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
