// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "proto/tests/check_main.h"
#include "vmm/msi.h"

enum ev_kind { EV_ON, EV_OFF, EV_DELIVER };

struct ev {
	enum ev_kind kind;
	unsigned int vec;
	struct msi_msg msg;
};

struct rec {
	struct ev ev[64];
	unsigned int nr;
};

static void rec_update(void *opaque, unsigned int vec, bool on,
		       const struct msi_msg *msg)
{
	struct rec *r = opaque;

	ck_assert(on ? msg != NULL : msg == NULL);
	ck_assert_uint_lt(r->nr, 64);
	r->ev[r->nr++] = (struct ev){ on ? EV_ON : EV_OFF, vec,
				      on ? *msg : (struct msi_msg){ 0 } };
}

static void rec_deliver(void *opaque, unsigned int vec,
			const struct msi_msg *msg)
{
	struct rec *r = opaque;

	ck_assert_uint_lt(r->nr, 64);
	r->ev[r->nr++] = (struct ev){ EV_DELIVER, vec, *msg };
}

static const struct msi_notify_ops rec_ops = {
	.update = rec_update,
	.deliver = rec_deliver,
};

/* Message Control as a device reports it: 2^@log2 vectors. */
static uint16_t dev_ctrl(unsigned int log2, bool is64, bool maskable)
{
	return (uint16_t)(log2 << 1 | (is64 ? PCI_MSI_FLAGS_64BIT : 0) |
			  (maskable ? PCI_MSI_FLAGS_MASKBIT : 0));
}

static void setup(struct msi *m, struct rec *r, uint16_t ctrl)
{
	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(msi_init(m, ctrl, &rec_ops, r), 0);
}

static uint32_t rd(struct msi *m, unsigned int off, unsigned int size)
{
	uint8_t d[4] = { 0 };
	uint32_t v = 0;
	int i;

	ck_assert_int_eq(msi_cap_read(m, off, d, size), (1 << size) - 1);
	for (i = (int)size - 1; i >= 0; i--)
		v = v << 8 | d[i];
	return v;
}

static void wr(struct msi *m, unsigned int off, uint32_t v, unsigned int size)
{
	uint8_t d[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	ck_assert_int_eq(msi_cap_write(m, off, d, size), (1 << size) - 1);
}

/*
 * Regression: a device whose capability claims 32 vectors while its IRQ
 * info counts 3 let a guest enable vectors that minivmm never created
 * (UBSan: member access within a null pointer, from a conf1 write). The
 * emulated capability now claims what exists, rounded down to a power
 * of two, and a guest that asks for 32 gets 2, whose vectors are all
 * the notifications it can cause.
 */
START_TEST(test_msi_capable_vectors_follow_the_irq_count)
{
	static const struct { unsigned int mmc, count, usable, mmc_out; } c[] = {
		{ 5, 3, 2, 1 }, { 5, 32, 32, 5 }, { 5, 1, 1, 0 }, { 0, 8, 1, 0 },
		{ 3, 7, 4, 2 }, { 2, 4, 4, 2 }, { 5, 0, 0, 0 }, { 5, 100, 32, 5 },
	};
	unsigned int i, usable, v;
	struct msi m;
	struct rec r;
	uint16_t ctrl;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ctrl = msi_ctrl_for_vectors(dev_ctrl(c[i].mmc, true, true),
					    c[i].count, &usable);
		ck_assert_msg(usable == c[i].usable, "case %u: %u usable", i, usable);
		ck_assert_uint_eq((ctrl & PCI_MSI_FLAGS_QMASK) >> 1, c[i].mmc_out);
		ck_assert_uint_eq(ctrl & ~PCI_MSI_FLAGS_QMASK,
				  dev_ctrl(0, true, true));
	}
	/* Reserved values stay, for msi_init() to refuse. */
	ctrl = msi_ctrl_for_vectors(dev_ctrl(6, false, false), 3, &usable);
	ck_assert_uint_eq(usable, 0);
	ck_assert_int_eq(msi_init(&m, ctrl, NULL, NULL), -EINVAL);

	/* The guest's view: asks for 32, gets 2; only vectors 0-1 go on. */
	ctrl = msi_ctrl_for_vectors(dev_ctrl(5, true, true), 3, &usable);
	setup(&m, &r, ctrl);
	wr(&m, PCI_MSI_ADDRESS_LO, 0xfee00000, 4);
	wr(&m, PCI_MSI_DATA_64, 0x40, 2);
	wr(&m, PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | 5 << 4, 2);
	ck_assert_uint_eq((rd(&m, PCI_MSI_FLAGS, 2) & PCI_MSI_FLAGS_QSIZE) >> 4, 1);
	ck_assert_uint_gt(r.nr, 0);
	for (v = 0; v < r.nr; v++)
		ck_assert_msg(r.ev[v].vec < usable, "vector %u turned on",
			      r.ev[v].vec);
	msi_destroy(&m);
}
END_TEST

START_TEST(test_msi_cap_size_and_register_layouts)
{
	static const struct {
		bool is64, maskable;
		unsigned int size, data, mask;
	} lay[] = {
		{ false, false, 10, PCI_MSI_DATA_32, 0 },
		{ true, false, 14, PCI_MSI_DATA_64, 0 },
		{ false, true, 20, PCI_MSI_DATA_32, PCI_MSI_MASK_32 },
		{ true, true, 24, PCI_MSI_DATA_64, PCI_MSI_MASK_64 },
	};
	unsigned int i;
	struct msi m;
	struct rec r;

	for (i = 0; i < 4; i++) {
		setup(&m, &r, dev_ctrl(5, lay[i].is64, lay[i].maskable));
		ck_assert_uint_eq(msi_cap_size(&m), lay[i].size);
		wr(&m, PCI_MSI_ADDRESS_LO, 0xfee01004, 4);
		wr(&m, lay[i].data, 0xbeef, 2);
		if (lay[i].is64) {
			wr(&m, PCI_MSI_ADDRESS_HI, 0x12345678, 4);
			ck_assert_uint_eq(rd(&m, PCI_MSI_ADDRESS_HI, 4), 0x12345678);
		}
		ck_assert_uint_eq(rd(&m, PCI_MSI_ADDRESS_LO, 4), 0xfee01004);
		ck_assert_uint_eq(rd(&m, lay[i].data, 2), 0xbeef);
		if (lay[i].mask) {
			wr(&m, lay[i].mask, 0xa5a5a5a5, 4);
			ck_assert_uint_eq(rd(&m, lay[i].mask, 4), 0xa5a5a5a5);
			/* The two bytes after Message Data are reserved. */
			ck_assert_uint_eq(rd(&m, lay[i].data, 4), 0xbeef);
			ck_assert_uint_eq(rd(&m, lay[i].mask + 4, 4), 0);
		}
		msi_destroy(&m);
	}
}
END_TEST

START_TEST(test_msi_control_word_writable_bits)
{
	struct msi m;
	struct rec r;

	setup(&m, &r, dev_ctrl(3, true, true) | 0xfe00);
	/* Capabilities only; the reserved bits 15:9 the device set are gone. */
	ck_assert_uint_eq(rd(&m, PCI_MSI_FLAGS, 2), 0x0186);
	wr(&m, PCI_MSI_FLAGS, 0xffff, 2);
	/* Enable, MME clamped to MMC (8 vectors), capability bits kept. */
	ck_assert_uint_eq(rd(&m, PCI_MSI_FLAGS, 2), 0x01b7);
	wr(&m, PCI_MSI_FLAGS, 0x0020, 2);
	ck_assert_uint_eq(rd(&m, PCI_MSI_FLAGS, 2), 0x01a6);
	/* Capability bits are read-only. */
	wr(&m, PCI_MSI_FLAGS, 0x0000, 2);
	ck_assert_uint_eq(rd(&m, PCI_MSI_FLAGS, 2), 0x0186);
	msi_destroy(&m);
}
END_TEST

START_TEST(test_msi_multiple_message_vectors_use_low_data_bits)
{
	struct msi_msg msg;
	struct msi m;
	struct rec r;
	unsigned int k;

	setup(&m, &r, dev_ctrl(3, true, false));
	wr(&m, PCI_MSI_ADDRESS_LO, 0xfee00000, 4);
	wr(&m, PCI_MSI_ADDRESS_HI, 0, 4);
	wr(&m, PCI_MSI_DATA_64, 0x4060, 2);
	ck_assert_uint_eq(r.nr, 0);
	/* Four vectors (MME 010), enabled in the same write. */
	wr(&m, PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | 2 << 4, 2);
	ck_assert_uint_eq(r.nr, 4);
	for (k = 0; k < 4; k++) {
		ck_assert_int_eq(r.ev[k].kind, EV_ON);
		ck_assert_uint_eq(r.ev[k].vec, k);
		ck_assert_uint_eq(r.ev[k].msg.addr, 0xfee00000);
		ck_assert_uint_eq(r.ev[k].msg.data, 0x4060 | k);
	}
	ck_assert(!msi_vector(&m, 4, NULL));
	ck_assert(msi_vector(&m, 3, &msg));
	ck_assert_uint_eq(msg.data, 0x4063);

	/* The device replaces the low bits: what software put there is
	 * ignored while four vectors are enabled. */
	wr(&m, PCI_MSI_DATA_64, 0x4063, 2);
	ck_assert_uint_eq(r.nr, 4);
	ck_assert(msi_vector(&m, 0, &msg));
	ck_assert_uint_eq(msg.data, 0x4060);

	/* Down to one vector: 0 now sends the data as written, 1-3 go. */
	wr(&m, PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
	ck_assert_uint_eq(r.nr, 8);
	ck_assert(r.ev[4].kind == EV_ON && r.ev[4].vec == 0);
	ck_assert_uint_eq(r.ev[4].msg.data, 0x4063);
	for (k = 1; k < 4; k++)
		ck_assert(r.ev[4 + k].kind == EV_OFF && r.ev[4 + k].vec == k);

	/* Signals: on delivers with the vector's data, others are dropped. */
	ck_assert_int_eq(msi_signal(&m, 0), MSI_SIGNAL_DELIVERED);
	ck_assert(r.ev[8].kind == EV_DELIVER && r.ev[8].vec == 0);
	ck_assert_uint_eq(r.ev[8].msg.data, 0x4063);
	ck_assert_int_eq(msi_signal(&m, 1), MSI_SIGNAL_DROPPED);
	ck_assert_int_eq(msi_signal(&m, 32), -EINVAL);
	msi_destroy(&m);
}
END_TEST

START_TEST(test_msi_masked_vector_pending_delivered_once)
{
	struct msi m;
	struct rec r;

	setup(&m, &r, dev_ctrl(1, false, true));
	wr(&m, PCI_MSI_ADDRESS_LO, 0xfee00000, 4);
	wr(&m, PCI_MSI_DATA_32, 0x70, 2);
	wr(&m, PCI_MSI_MASK_32, 0x2, 4);
	wr(&m, PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | 1 << 4, 2);
	ck_assert_uint_eq(r.nr, 1);
	ck_assert(r.ev[0].kind == EV_ON && r.ev[0].vec == 0);

	ck_assert_int_eq(msi_signal(&m, 1), MSI_SIGNAL_PENDING);
	ck_assert_int_eq(msi_signal(&m, 1), MSI_SIGNAL_PENDING);
	ck_assert_uint_eq(rd(&m, PCI_MSI_PENDING_32, 4), 0x2);
	/* Pending bits are read-only to software. */
	wr(&m, PCI_MSI_PENDING_32, 0, 4);
	ck_assert_uint_eq(rd(&m, PCI_MSI_PENDING_32, 4), 0x2);

	wr(&m, PCI_MSI_MASK_32, 0, 4);
	ck_assert_uint_eq(r.nr, 3);
	ck_assert(r.ev[1].kind == EV_ON && r.ev[1].vec == 1);
	ck_assert(r.ev[2].kind == EV_DELIVER && r.ev[2].vec == 1);
	ck_assert_uint_eq(r.ev[2].msg.data, 0x71);
	ck_assert_uint_eq(rd(&m, PCI_MSI_PENDING_32, 4), 0);

	wr(&m, PCI_MSI_MASK_32, 0x2, 4);
	wr(&m, PCI_MSI_MASK_32, 0, 4);
	ck_assert_uint_eq(r.nr, 5);	/* off, on: no second delivery */

	/* Cleared by the device before the unmask: nothing delivered. */
	wr(&m, PCI_MSI_MASK_32, 0x1, 4);
	ck_assert_int_eq(msi_signal(&m, 0), MSI_SIGNAL_PENDING);
	ck_assert_int_eq(msi_clear_pending(&m, 0), 0);
	wr(&m, PCI_MSI_MASK_32, 0, 4);
	ck_assert_uint_eq(r.nr, 7);
	ck_assert_int_eq(r.ev[6].kind, EV_ON);
	ck_assert_int_eq(msi_clear_pending(&m, 32), -EINVAL);
	msi_destroy(&m);
}
END_TEST

START_TEST(test_msi_mask_bits_exist_for_capable_vectors_only)
{
	struct msi m;
	struct rec r;

	setup(&m, &r, dev_ctrl(2, true, true));	/* 4 vectors */
	wr(&m, PCI_MSI_MASK_64, 0xffffffff, 4);
	ck_assert_uint_eq(rd(&m, PCI_MSI_MASK_64, 4), 0xf);
	msi_destroy(&m);
	setup(&m, &r, dev_ctrl(5, true, true));	/* 32 vectors */
	wr(&m, PCI_MSI_MASK_64, 0xffffffff, 4);
	ck_assert_uint_eq(rd(&m, PCI_MSI_MASK_64, 4), 0xffffffff);
	msi_destroy(&m);
}
END_TEST

START_TEST(test_msi_address_reserved_bits_and_sub_dword_writes)
{
	struct msi m;
	struct rec r;

	setup(&m, &r, dev_ctrl(0, true, false));
	wr(&m, PCI_MSI_ADDRESS_LO, 0xffffffff, 4);
	ck_assert_uint_eq(rd(&m, PCI_MSI_ADDRESS_LO, 4), 0xfffffffc);
	/* Byte and word writes merge into the registers. */
	wr(&m, PCI_MSI_ADDRESS_LO + 2, 0xfee0, 2);
	wr(&m, PCI_MSI_ADDRESS_LO, 0x00, 1);
	ck_assert_uint_eq(rd(&m, PCI_MSI_ADDRESS_LO, 4), 0xfee0ff00);
	wr(&m, PCI_MSI_DATA_64 + 1, 0x41, 1);
	ck_assert_uint_eq(rd(&m, PCI_MSI_DATA_64, 2), 0x4100);
	/* Enable with a byte write to the low control byte. */
	wr(&m, PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 1);
	ck_assert_uint_eq(r.nr, 1);
	ck_assert_uint_eq(r.ev[0].msg.addr, 0xfee0ff00);
	ck_assert_uint_eq(r.ev[0].msg.data, 0x4100);
	msi_destroy(&m);
}
END_TEST

START_TEST(test_msi_bytes_outside_capability_are_left_to_caller)
{
	uint8_t d[4] = { 0x11, 0x22, 0x33, 0x44 };
	struct msi m;
	struct rec r;

	setup(&m, &r, dev_ctrl(0, false, false));	/* 10 bytes */
	wr(&m, PCI_MSI_DATA_32, 0x1234, 2);
	/* The dword at 8 holds Message Data and two bytes of what follows. */
	ck_assert_int_eq(msi_cap_read(&m, 8, d, 4), 0x3);
	ck_assert(d[0] == 0x34 && d[1] == 0x12 && d[2] == 0x33 && d[3] == 0x44);
	/* ID and next pointer belong to the caller. */
	d[0] = 0x05;
	d[1] = 0x60;
	ck_assert_int_eq(msi_cap_read(&m, 0, d, 4), 0xc);
	ck_assert(d[0] == 0x05 && d[1] == 0x60 && d[2] == 0 && d[3] == 0);
	ck_assert_int_eq(msi_cap_write(&m, 0, d, 2), 0);
	ck_assert_int_eq(msi_cap_read(&m, 12, d, 4), 0);
	ck_assert_int_eq(msi_cap_write(&m, 10, d, 2), 0);
	/* A write straddling the end takes only the capability's bytes. */
	d[0] = 0x78;
	d[1] = 0x56;
	ck_assert_int_eq(msi_cap_write(&m, 8, d, 4), 0x3);
	ck_assert_uint_eq(rd(&m, PCI_MSI_DATA_32, 2), 0x5678);
	ck_assert_int_eq(msi_cap_read(&m, 3, d, 2), -EINVAL);
	ck_assert_int_eq(msi_cap_write(&m, 4, d, 8), -EINVAL);
	ck_assert_uint_eq(r.nr, 0);
	msi_destroy(&m);
}
END_TEST

START_TEST(test_msi_signal_while_disabled_is_dropped)
{
	struct msi m;
	struct rec r;

	setup(&m, &r, dev_ctrl(0, false, true));
	wr(&m, PCI_MSI_MASK_32, 0x1, 4);
	ck_assert_int_eq(msi_signal(&m, 0), MSI_SIGNAL_DROPPED);
	ck_assert_uint_eq(rd(&m, PCI_MSI_PENDING_32, 4), 0);
	wr(&m, PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
	wr(&m, PCI_MSI_MASK_32, 0, 4);
	ck_assert_uint_eq(r.nr, 1);
	ck_assert_int_eq(r.ev[0].kind, EV_ON);
	msi_destroy(&m);
}
END_TEST

START_TEST(test_msi_reset_reports_off_and_clears_registers)
{
	struct msi m;
	struct rec r;

	setup(&m, &r, dev_ctrl(1, true, true));
	wr(&m, PCI_MSI_ADDRESS_LO, 0xfee00000, 4);
	wr(&m, PCI_MSI_DATA_64, 0x30, 2);
	wr(&m, PCI_MSI_MASK_64, 0x2, 4);
	wr(&m, PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | 1 << 4, 2);
	ck_assert_int_eq(msi_signal(&m, 1), MSI_SIGNAL_PENDING);
	msi_reset(&m);
	ck_assert_uint_eq(r.nr, 2);
	ck_assert(r.ev[1].kind == EV_OFF && r.ev[1].vec == 0);
	ck_assert_uint_eq(rd(&m, PCI_MSI_FLAGS, 2), dev_ctrl(1, true, true));
	ck_assert_uint_eq(rd(&m, PCI_MSI_ADDRESS_LO, 4), 0);
	ck_assert_uint_eq(rd(&m, PCI_MSI_DATA_64, 2), 0);
	ck_assert_uint_eq(rd(&m, PCI_MSI_MASK_64, 4), 0);
	ck_assert_uint_eq(rd(&m, PCI_MSI_PENDING_64, 4), 0);
	msi_destroy(&m);
}
END_TEST

START_TEST(test_msi_init_rejects_reserved_multiple_message_capable)
{
	struct msi m;

	ck_assert_int_eq(msi_init(&m, dev_ctrl(6, false, false), NULL, NULL),
			 -EINVAL);
	ck_assert_int_eq(msi_init(&m, dev_ctrl(7, false, false), NULL, NULL),
			 -EINVAL);
	ck_assert_int_eq(msi_init(&m, dev_ctrl(5, false, false), NULL, NULL), 0);
	/* No ops: works, tells nobody. */
	wr(&m, PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
	ck_assert(msi_vector(&m, 0, NULL));
	ck_assert_int_eq(msi_signal(&m, 0), MSI_SIGNAL_DELIVERED);
	msi_destroy(&m);
}
END_TEST

static Suite *msi_suite(void)
{
	Suite *s = suite_create("msi");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_msi_cap_size_and_register_layouts);
	tcase_add_test(tc, test_msi_control_word_writable_bits);
	tcase_add_test(tc, test_msi_multiple_message_vectors_use_low_data_bits);
	tcase_add_test(tc, test_msi_masked_vector_pending_delivered_once);
	tcase_add_test(tc, test_msi_mask_bits_exist_for_capable_vectors_only);
	tcase_add_test(tc, test_msi_address_reserved_bits_and_sub_dword_writes);
	tcase_add_test(tc, test_msi_bytes_outside_capability_are_left_to_caller);
	tcase_add_test(tc, test_msi_signal_while_disabled_is_dropped);
	tcase_add_test(tc, test_msi_reset_reports_off_and_clears_registers);
	tcase_add_test(tc, test_msi_init_rejects_reserved_multiple_message_capable);
	tcase_add_test(tc, test_msi_capable_vectors_follow_the_irq_count);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(msi_suite());
}
