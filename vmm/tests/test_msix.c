// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <linux/pci_regs.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/tests/check_main.h"
#include "vmm/msix.h"

/* What the owner was told, in order. */
enum ev_kind { EV_ON, EV_OFF, EV_DELIVER };

struct ev {
	enum ev_kind kind;
	unsigned int vec;
	struct msi_msg msg;
};

struct rec {
	struct ev ev[64];
	unsigned int nr;
	/* For the threaded test: counts, and the state the owner believes. */
	unsigned long delivers;
	unsigned long bad_delivers;	/* delivered while believed off */
	bool on[8];
};

static void rec_update(void *opaque, unsigned int vec, bool on,
		       const struct msi_msg *msg)
{
	struct rec *r = opaque;
	volatile unsigned int spin;

	/* Routing takes a while (an ioctl); widen the window racers hit. */
	for (spin = 0; spin < 200; spin++)
		;
	if (vec < 8)
		r->on[vec] = on;
	ck_assert(on ? msg != NULL : msg == NULL);
	if (r->nr < 64)
		r->ev[r->nr++] = (struct ev){ on ? EV_ON : EV_OFF, vec,
					      on ? *msg : (struct msi_msg){ 0 } };
}

static void rec_deliver(void *opaque, unsigned int vec,
			const struct msi_msg *msg)
{
	struct rec *r = opaque;

	r->delivers++;
	if (vec < 8 && !r->on[vec])
		r->bad_delivers++;
	if (r->nr < 64)
		r->ev[r->nr++] = (struct ev){ EV_DELIVER, vec, *msg };
}

static const struct msi_notify_ops rec_ops = {
	.update = rec_update,
	.deliver = rec_deliver,
};

static void setup(struct msix *m, struct rec *r, unsigned int nr)
{
	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(msix_init(m, nr, &rec_ops, r), 0);
}

static uint16_t ctrl_rd(struct msix *m)
{
	uint8_t d[2];

	ck_assert_int_eq(msix_cap_read(m, PCI_MSIX_FLAGS, d, 2), 3);
	return (uint16_t)(d[0] | d[1] << 8);
}

static void ctrl_wr(struct msix *m, uint16_t v)
{
	uint8_t d[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	ck_assert_int_eq(msix_cap_write(m, PCI_MSIX_FLAGS, d, 2), 3);
}

static uint32_t tbl_rd32(struct msix *m, uint64_t off)
{
	uint8_t d[4];

	ck_assert_int_eq(msix_table_read(m, off, d, 4), 0);
	return d[0] | d[1] << 8 | d[2] << 16 | (uint32_t)d[3] << 24;
}

static void tbl_wr32(struct msix *m, uint64_t off, uint32_t v)
{
	uint8_t d[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	ck_assert_int_eq(msix_table_write(m, off, d, 4), 0);
}

static void tbl_wr64(struct msix *m, uint64_t off, uint64_t v)
{
	uint8_t d[8];
	unsigned int i;

	for (i = 0; i < 8; i++)
		d[i] = (uint8_t)(v >> (8 * i));
	ck_assert_int_eq(msix_table_write(m, off, d, 8), 0);
}

static uint64_t rd64(int (*fn)(struct msix *, uint64_t, uint8_t *, unsigned int),
		     struct msix *m, uint64_t off)
{
	uint8_t d[8];
	uint64_t v = 0;
	int i;

	ck_assert_int_eq(fn(m, off, d, 8), 0);
	for (i = 7; i >= 0; i--)
		v = v << 8 | d[i];
	return v;
}

#define ENTRY(v, field)	((uint64_t)(v) * PCI_MSIX_ENTRY_SIZE + (field))
#define ENABLE		PCI_MSIX_FLAGS_ENABLE
#define MASKALL		PCI_MSIX_FLAGS_MASKALL

/* Program vector @v's message, still masked. */
static void program(struct msix *m, unsigned int v, uint64_t addr,
		    uint32_t data)
{
	tbl_wr64(m, ENTRY(v, PCI_MSIX_ENTRY_LOWER_ADDR), addr);
	tbl_wr32(m, ENTRY(v, PCI_MSIX_ENTRY_DATA), data);
}

static void unmask(struct msix *m, unsigned int v)
{
	tbl_wr32(m, ENTRY(v, PCI_MSIX_ENTRY_VECTOR_CTRL), 0);
}

static void mask(struct msix *m, unsigned int v)
{
	tbl_wr32(m, ENTRY(v, PCI_MSIX_ENTRY_VECTOR_CTRL),
		 PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

START_TEST(test_msix_reset_state_masks_every_vector)
{
	struct msix m;
	struct rec r;
	unsigned int v;

	setup(&m, &r, 5);
	ck_assert_uint_eq(ctrl_rd(&m), 4);	/* Table Size is N - 1 */
	ck_assert_uint_eq(msix_table_size(&m), 80);
	ck_assert_uint_eq(msix_pba_size(&m), 8);
	for (v = 0; v < 5; v++) {
		ck_assert_uint_eq(tbl_rd32(&m, ENTRY(v, 0)), 0);
		ck_assert_uint_eq(tbl_rd32(&m, ENTRY(v, 4)), 0);
		ck_assert_uint_eq(tbl_rd32(&m, ENTRY(v, 8)), 0);
		ck_assert_uint_eq(tbl_rd32(&m, ENTRY(v, 12)), 1);
		ck_assert(!msix_vector(&m, v, NULL));
	}
	ck_assert_uint_eq(rd64(msix_pba_read, &m, 0), 0);
	/* Enabling alone turns nothing on: every vector is masked. */
	ctrl_wr(&m, ENABLE);
	ck_assert_uint_eq(r.nr, 0);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_control_word_writable_bits)
{
	uint8_t d[4] = { 0x11, 0x22, 0x33, 0x44 };
	struct msix m;
	struct rec r;

	setup(&m, &r, 2048);
	ck_assert_uint_eq(ctrl_rd(&m), 0x07ff);
	/* Table Size and reserved bits 13:11 are read-only. */
	ctrl_wr(&m, 0xffff);
	ck_assert_uint_eq(ctrl_rd(&m), 0xc7ff);
	ctrl_wr(&m, 0x0000);
	ck_assert_uint_eq(ctrl_rd(&m), 0x07ff);

	/* A dword read at the capability leaves ID and next to the caller. */
	ck_assert_int_eq(msix_cap_read(&m, 0, d, 4), 0xc);
	ck_assert_uint_eq(d[0], 0x11);
	ck_assert_uint_eq(d[1], 0x22);
	ck_assert_uint_eq(d[2], 0xff);
	ck_assert_uint_eq(d[3], 0x07);

	/* A byte write to the high byte: Linux's enable path uses words,
	 * others may not. */
	d[0] = 0x80;
	ck_assert_int_eq(msix_cap_write(&m, 3, d, 1), 1);
	ck_assert_uint_eq(ctrl_rd(&m), 0x87ff);
	d[0] = 0x00;
	ck_assert_int_eq(msix_cap_write(&m, 2, d, 1), 1);	/* size: RO */
	ck_assert_uint_eq(ctrl_rd(&m), 0x87ff);

	/* Table and PBA offset registers are not ours. */
	memset(d, 0xee, 4);
	ck_assert_int_eq(msix_cap_write(&m, 4, d, 4), 0);
	ck_assert_int_eq(msix_cap_read(&m, 8, d, 4), 0);
	ck_assert_uint_eq(d[0], 0xee);
	ck_assert_uint_eq(ctrl_rd(&m), 0x87ff);

	ck_assert_int_eq(msix_cap_read(&m, 1, d, 2), -EINVAL);
	ck_assert_int_eq(msix_cap_write(&m, 2, d, 3), -EINVAL);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_vector_on_needs_enable_and_both_unmasks)
{
	struct msi_msg msg;
	struct msix m;
	struct rec r;

	setup(&m, &r, 8);
	program(&m, 3, 0xfee01000, 0x4041);
	unmask(&m, 3);
	ck_assert_uint_eq(r.nr, 0);	/* MSI-X still disabled */

	ctrl_wr(&m, ENABLE);
	ck_assert_uint_eq(r.nr, 1);
	ck_assert_int_eq(r.ev[0].kind, EV_ON);
	ck_assert_uint_eq(r.ev[0].vec, 3);
	ck_assert_uint_eq(r.ev[0].msg.addr, 0xfee01000);
	ck_assert_uint_eq(r.ev[0].msg.data, 0x4041);
	ck_assert(msix_vector(&m, 3, &msg));
	ck_assert_uint_eq(msg.data, 0x4041);

	ctrl_wr(&m, ENABLE | MASKALL);
	ck_assert_uint_eq(r.nr, 2);
	ck_assert_int_eq(r.ev[1].kind, EV_OFF);
	ck_assert_uint_eq(r.ev[1].vec, 3);

	ctrl_wr(&m, ENABLE);
	ck_assert_int_eq(r.ev[2].kind, EV_ON);
	mask(&m, 3);
	ck_assert_int_eq(r.ev[3].kind, EV_OFF);
	ctrl_wr(&m, 0);
	ck_assert_uint_eq(r.nr, 4);	/* already off: nothing new */
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_qword_accesses_update_vector_once)
{
	struct msix m;
	struct rec r;

	setup(&m, &r, 4);
	ctrl_wr(&m, ENABLE);
	tbl_wr64(&m, ENTRY(1, PCI_MSIX_ENTRY_LOWER_ADDR), 0x00000001fee02000ull);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(1, 0)), 0xfee02000);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(1, 4)), 0x00000001);
	ck_assert_uint_eq(rd64(msix_table_read, &m, ENTRY(1, 0)),
			  0x00000001fee02000ull);

	/* Data and Vector Control in one QWORD: one update, new data. */
	tbl_wr64(&m, ENTRY(1, PCI_MSIX_ENTRY_DATA), 0x0000000000000031ull);
	ck_assert_uint_eq(r.nr, 1);
	ck_assert_int_eq(r.ev[0].kind, EV_ON);
	ck_assert_uint_eq(r.ev[0].msg.addr, 0x00000001fee02000ull);
	ck_assert_uint_eq(r.ev[0].msg.data, 0x31);
	ck_assert_uint_eq(rd64(msix_table_read, &m, ENTRY(1, 8)), 0x31);

	/* A QWORD address change of an unmasked vector: one update, whole. */
	tbl_wr64(&m, ENTRY(1, PCI_MSIX_ENTRY_LOWER_ADDR), 0x00000002fee03000ull);
	ck_assert_uint_eq(r.nr, 2);
	ck_assert_uint_eq(r.ev[1].msg.addr, 0x00000002fee03000ull);
	/* Masking with a QWORD write that also changes data. */
	tbl_wr64(&m, ENTRY(1, PCI_MSIX_ENTRY_DATA), 0x0000000100000032ull);
	ck_assert_uint_eq(r.nr, 3);
	ck_assert_int_eq(r.ev[2].kind, EV_OFF);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(1, 8)), 0x32);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_reserved_bits_read_zero)
{
	struct msix m;
	struct rec r;

	setup(&m, &r, 2);
	tbl_wr32(&m, ENTRY(0, PCI_MSIX_ENTRY_LOWER_ADDR), 0xffffffff);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(0, 0)), 0xfffffffc);
	tbl_wr32(&m, ENTRY(0, PCI_MSIX_ENTRY_UPPER_ADDR), 0xffffffff);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(0, 4)), 0xffffffff);
	tbl_wr32(&m, ENTRY(0, PCI_MSIX_ENTRY_DATA), 0xffffffff);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(0, 8)), 0xffffffff);
	tbl_wr32(&m, ENTRY(0, PCI_MSIX_ENTRY_VECTOR_CTRL), 0xffffffff);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(0, 12)), 0x1);
	/* Reserved bits set with the mask bit clear: unmasked, reads 0. */
	ctrl_wr(&m, ENABLE);
	tbl_wr32(&m, ENTRY(0, PCI_MSIX_ENTRY_VECTOR_CTRL), 0xfffffffe);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(0, 12)), 0);
	ck_assert_uint_eq(r.nr, 1);
	ck_assert_uint_eq(r.ev[0].msg.addr, 0xfffffffffffffffcull);
	/* Entry 1 untouched. */
	ck_assert_uint_eq(rd64(msix_table_read, &m, ENTRY(1, 0)), 0);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(1, 12)), 1);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_bad_table_accesses_are_rejected)
{
	uint8_t d[8] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t keep[8];
	struct msix m;
	struct rec r;

	setup(&m, &r, 2);
	/* Byte and word writes are undefined (6.8.2): refused, no effect. */
	ck_assert_int_eq(msix_table_write(&m, ENTRY(0, 12), d, 1), -EINVAL);
	ck_assert_int_eq(msix_table_write(&m, ENTRY(0, 12), d, 2), -EINVAL);
	ck_assert_int_eq(msix_table_write(&m, ENTRY(0, 0), d, 2), -EINVAL);
	/* Misaligned DWORD and QWORD. */
	ck_assert_int_eq(msix_table_write(&m, ENTRY(0, 2), d, 4), -EINVAL);
	ck_assert_int_eq(msix_table_write(&m, ENTRY(0, 4), d, 8), -EINVAL);
	/* Past the end, and straddling it. */
	ck_assert_int_eq(msix_table_write(&m, ENTRY(2, 0), d, 4), -EINVAL);
	ck_assert_int_eq(msix_table_write(&m, ~0ull - 3, d, 4), -EINVAL);
	memcpy(keep, d, 8);
	ck_assert_int_eq(msix_table_read(&m, ENTRY(2, 0), d, 4), -EINVAL);
	ck_assert_int_eq(msix_table_read(&m, ENTRY(1, 12), d, 8), -EINVAL);
	ck_assert(memcmp(d, keep, 8) == 0);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(0, 0)), 0);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(0, 12)), 1);
	/* Small reads are answered from the same bytes. */
	ck_assert_int_eq(msix_table_read(&m, ENTRY(0, 12), d, 1), 0);
	ck_assert_uint_eq(d[0], 1);
	ck_assert_int_eq(msix_table_read(&m, ENTRY(0, 14), d, 2), 0);
	ck_assert_uint_eq(d[0], 0);
	ck_assert_uint_eq(r.nr, 0);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_pending_delivered_once_on_unmask)
{
	struct msix m;
	struct rec r;

	setup(&m, &r, 4);
	program(&m, 2, 0xfee00000, 0x22);
	ctrl_wr(&m, ENABLE);
	ck_assert_int_eq(msix_signal(&m, 2), MSI_SIGNAL_PENDING);
	ck_assert_int_eq(msix_signal(&m, 2), MSI_SIGNAL_PENDING);
	ck_assert_uint_eq(rd64(msix_pba_read, &m, 0), 1ull << 2);
	ck_assert_uint_eq(r.nr, 0);

	unmask(&m, 2);
	ck_assert_uint_eq(r.nr, 2);
	ck_assert_int_eq(r.ev[0].kind, EV_ON);
	ck_assert_int_eq(r.ev[1].kind, EV_DELIVER);
	ck_assert_uint_eq(r.ev[1].vec, 2);
	ck_assert_uint_eq(r.ev[1].msg.addr, 0xfee00000);
	ck_assert_uint_eq(r.ev[1].msg.data, 0x22);
	ck_assert_uint_eq(rd64(msix_pba_read, &m, 0), 0);

	/* Consumed: masking and unmasking again delivers nothing. */
	mask(&m, 2);
	unmask(&m, 2);
	ck_assert_uint_eq(r.nr, 4);
	ck_assert_uint_eq(r.delivers, 1);

	/* On: a signal is delivered at once, nothing latched. */
	ck_assert_int_eq(msix_signal(&m, 2), MSI_SIGNAL_DELIVERED);
	ck_assert_uint_eq(r.delivers, 2);
	ck_assert_uint_eq(rd64(msix_pba_read, &m, 0), 0);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_pending_delivered_on_function_unmask)
{
	struct msix m;
	struct rec r;

	setup(&m, &r, 8);
	program(&m, 1, 0xfee00000, 0x31);
	program(&m, 5, 0xfee00000, 0x35);
	program(&m, 6, 0xfee00000, 0x36);
	ctrl_wr(&m, ENABLE | MASKALL);
	unmask(&m, 1);
	unmask(&m, 5);
	ck_assert_uint_eq(r.nr, 0);
	ck_assert_int_eq(msix_signal(&m, 5), MSI_SIGNAL_PENDING);
	ck_assert_int_eq(msix_signal(&m, 1), MSI_SIGNAL_PENDING);
	ck_assert_int_eq(msix_signal(&m, 6), MSI_SIGNAL_PENDING);

	ctrl_wr(&m, ENABLE);
	/* 1 and 5 come on and are delivered, each after its update. */
	ck_assert_uint_eq(r.nr, 4);
	ck_assert(r.ev[0].kind == EV_ON && r.ev[0].vec == 1);
	ck_assert(r.ev[1].kind == EV_DELIVER && r.ev[1].vec == 1);
	ck_assert(r.ev[2].kind == EV_ON && r.ev[2].vec == 5);
	ck_assert(r.ev[3].kind == EV_DELIVER && r.ev[3].vec == 5);
	ck_assert_uint_eq(r.ev[3].msg.data, 0x35);
	/* 6 is still masked by its own bit: still pending. */
	ck_assert_uint_eq(rd64(msix_pba_read, &m, 0), 1ull << 6);
	unmask(&m, 6);
	ck_assert(r.ev[5].kind == EV_DELIVER && r.ev[5].vec == 6);
	ck_assert_uint_eq(rd64(msix_pba_read, &m, 0), 0);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_signal_while_disabled_is_dropped)
{
	struct msix m;
	struct rec r;

	setup(&m, &r, 4);
	unmask(&m, 0);
	ck_assert_int_eq(msix_signal(&m, 0), MSI_SIGNAL_DROPPED);
	ck_assert_uint_eq(rd64(msix_pba_read, &m, 0), 0);
	ctrl_wr(&m, ENABLE);
	ck_assert_uint_eq(r.delivers, 0);
	ck_assert_int_eq(msix_signal(&m, 4), -EINVAL);
	ck_assert_int_eq(msix_clear_pending(&m, 4), -EINVAL);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_cleared_pending_is_not_delivered)
{
	struct msix m;
	struct rec r;

	setup(&m, &r, 4);
	ctrl_wr(&m, ENABLE);
	ck_assert_int_eq(msix_signal(&m, 3), MSI_SIGNAL_PENDING);
	ck_assert_int_eq(msix_clear_pending(&m, 3), 0);
	ck_assert_uint_eq(rd64(msix_pba_read, &m, 0), 0);
	unmask(&m, 3);
	ck_assert_uint_eq(r.nr, 1);
	ck_assert_uint_eq(r.delivers, 0);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_message_change_of_unmasked_vector_takes_effect)
{
	struct msix m;
	struct rec r;

	setup(&m, &r, 4);
	program(&m, 0, 0xfee00000, 0x40);
	ctrl_wr(&m, ENABLE);
	unmask(&m, 0);
	ck_assert_uint_eq(r.nr, 1);
	/* Linux moving an interrupt to another CPU without masking. */
	tbl_wr32(&m, ENTRY(0, PCI_MSIX_ENTRY_LOWER_ADDR), 0xfee02000);
	ck_assert_uint_eq(r.nr, 2);
	ck_assert_int_eq(r.ev[1].kind, EV_ON);
	ck_assert_uint_eq(r.ev[1].msg.addr, 0xfee02000);
	ck_assert_uint_eq(r.ev[1].msg.data, 0x40);
	tbl_wr32(&m, ENTRY(0, PCI_MSIX_ENTRY_DATA), 0x41);
	ck_assert_uint_eq(r.nr, 3);
	ck_assert_uint_eq(r.ev[2].msg.data, 0x41);
	/* Writing the same values again tells the owner nothing. */
	tbl_wr32(&m, ENTRY(0, PCI_MSIX_ENTRY_DATA), 0x41);
	unmask(&m, 0);
	ctrl_wr(&m, ENABLE);
	ck_assert_uint_eq(r.nr, 3);
	/* A masked vector's message changes silently, and counts on unmask. */
	mask(&m, 0);
	tbl_wr32(&m, ENTRY(0, PCI_MSIX_ENTRY_DATA), 0x42);
	ck_assert_uint_eq(r.nr, 4);
	unmask(&m, 0);
	ck_assert_uint_eq(r.ev[4].msg.data, 0x42);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_pba_bits_and_sizes)
{
	uint8_t d[8];
	struct msix m;
	struct rec r;

	setup(&m, &r, 70);
	ck_assert_uint_eq(msix_pba_size(&m), 16);
	ctrl_wr(&m, ENABLE);
	ck_assert_int_eq(msix_signal(&m, 0), MSI_SIGNAL_PENDING);
	ck_assert_int_eq(msix_signal(&m, 63), MSI_SIGNAL_PENDING);
	ck_assert_int_eq(msix_signal(&m, 64), MSI_SIGNAL_PENDING);
	ck_assert_int_eq(msix_signal(&m, 69), MSI_SIGNAL_PENDING);
	ck_assert_int_eq(msix_signal(&m, 70), -EINVAL);
	ck_assert_uint_eq(rd64(msix_pba_read, &m, 0), 1ull << 63 | 1);
	ck_assert_uint_eq(rd64(msix_pba_read, &m, 8), 1ull << 5 | 1);
	ck_assert_int_eq(msix_pba_read(&m, 4, d, 4), 0);
	ck_assert(d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0x80);
	ck_assert_int_eq(msix_pba_read(&m, 12, d, 4), 0);
	ck_assert_uint_eq(d[0] | d[1] | d[2] | d[3], 0);
	ck_assert_int_eq(msix_pba_read(&m, 16, d, 4), -EINVAL);
	ck_assert_int_eq(msix_pba_read(&m, 4, d, 8), -EINVAL);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_reset_reports_off_and_clears_everything)
{
	struct msix m;
	struct rec r;

	setup(&m, &r, 4);
	program(&m, 0, 0xfee00000, 0x40);
	ctrl_wr(&m, ENABLE);
	unmask(&m, 0);
	ck_assert_int_eq(msix_signal(&m, 1), MSI_SIGNAL_PENDING);
	msix_reset(&m);
	ck_assert_uint_eq(r.nr, 2);
	ck_assert(r.ev[1].kind == EV_OFF && r.ev[1].vec == 0);
	ck_assert_uint_eq(ctrl_rd(&m), 3);
	ck_assert_uint_eq(rd64(msix_table_read, &m, ENTRY(0, 0)), 0);
	ck_assert_uint_eq(tbl_rd32(&m, ENTRY(0, 12)), 1);
	ck_assert_uint_eq(rd64(msix_pba_read, &m, 0), 0);
	msix_destroy(&m);
}
END_TEST

START_TEST(test_msix_init_rejects_bad_table_sizes)
{
	struct msix m;

	ck_assert_int_eq(msix_init(&m, 0, NULL, NULL), -EINVAL);
	ck_assert_int_eq(msix_init(&m, 2049, NULL, NULL), -EINVAL);
	ck_assert_int_eq(msix_init(&m, 1, NULL, NULL), 0);
	/* No ops: state still tracked, nothing called. */
	ctrl_wr(&m, ENABLE);
	unmask(&m, 0);
	ck_assert(msix_vector(&m, 0, NULL));
	ck_assert_int_eq(msix_signal(&m, 0), MSI_SIGNAL_DELIVERED);
	msix_destroy(&m);
}
END_TEST

/*
 * A vCPU thread masks and unmasks a vector while a device thread raises
 * it. Every interrupt latched while masked must be delivered exactly once
 * (latches coalesce, as on hardware), never while the owner has it off.
 */
#define RACE_ROUNDS 20000

struct race {
	struct msix m;
	struct rec r;
	pthread_barrier_t start;
	atomic_bool stop;
	atomic_ulong signals, delivered, pending;
};

static double elapsed_s(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	       (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The device thread: raise the vector for as long as the vCPU toggles. */
static void *race_device(void *arg)
{
	struct race *x = arg;

	pthread_barrier_wait(&x->start);
	while (!atomic_load(&x->stop)) {
		int ret = msix_signal(&x->m, 1);

		atomic_fetch_add(&x->signals, 1);
		if (ret == MSI_SIGNAL_DELIVERED)
			atomic_fetch_add(&x->delivered, 1);
		else if (ret == MSI_SIGNAL_PENDING)
			atomic_fetch_add(&x->pending, 1);
	}
	return NULL;
}

START_TEST(test_msix_unmask_racing_signal_delivers_exactly_once)
{
	unsigned long from_unmask, stuck = 0;
	struct timespec t0;
	struct race x;
	unsigned int i;
	pthread_t t;

	memset(&x, 0, sizeof(x));
	setup(&x.m, &x.r, 4);
	atomic_init(&x.stop, false);
	atomic_init(&x.signals, 0);
	atomic_init(&x.delivered, 0);
	atomic_init(&x.pending, 0);
	ck_assert_int_eq(pthread_barrier_init(&x.start, NULL, 2), 0);
	program(&x.m, 1, 0xfee00000, 0x51);
	ctrl_wr(&x.m, ENABLE);
	ck_assert_int_eq(pthread_create(&t, NULL, race_device, &x), 0);
	pthread_barrier_wait(&x.start);
	/*
	 * At least RACE_ROUNDS toggles, and on until the device thread has
	 * met both states (on one CPU it may take a few time slices), for
	 * at most 10 s.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < RACE_ROUNDS || ((!atomic_load(&x.delivered) ||
					 !atomic_load(&x.pending)) &&
					elapsed_s(&t0) < 10); i++) {
		unmask(&x.m, 1);
		/* Only this thread masks: the vector is on until mask(). A
		 * pending bit now would be an interrupt nobody delivers. */
		if (rd64(msix_pba_read, &x.m, 0))
			stuck++;
		mask(&x.m, 1);
	}
	atomic_store(&x.stop, true);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	pthread_barrier_destroy(&x.start);
	unmask(&x.m, 1);

	/* Both outcomes happened, or the test did not race at all. */
	ck_assert_uint_gt(x.delivered, 0);
	ck_assert_uint_gt(x.pending, 0);
	ck_assert_uint_eq(x.delivered + x.pending, x.signals);
	ck_assert_uint_eq(stuck, 0);
	/* Never delivered while the owner had the vector off. */
	ck_assert_uint_eq(x.r.bad_delivers, 0);
	ck_assert_uint_eq(rd64(msix_pba_read, &x.m, 0), 0);
	/* Each latch delivered once: at least one, at most one per latch. */
	from_unmask = x.r.delivers - x.delivered;
	ck_assert_uint_ge(from_unmask, 1);
	ck_assert_uint_le(from_unmask, x.pending);
	msix_destroy(&x.m);
}
END_TEST

static Suite *msix_suite(void)
{
	Suite *s = suite_create("msix");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_msix_reset_state_masks_every_vector);
	tcase_add_test(tc, test_msix_control_word_writable_bits);
	tcase_add_test(tc, test_msix_vector_on_needs_enable_and_both_unmasks);
	tcase_add_test(tc, test_msix_qword_accesses_update_vector_once);
	tcase_add_test(tc, test_msix_reserved_bits_read_zero);
	tcase_add_test(tc, test_msix_bad_table_accesses_are_rejected);
	tcase_add_test(tc, test_msix_pending_delivered_once_on_unmask);
	tcase_add_test(tc, test_msix_pending_delivered_on_function_unmask);
	tcase_add_test(tc, test_msix_signal_while_disabled_is_dropped);
	tcase_add_test(tc, test_msix_cleared_pending_is_not_delivered);
	tcase_add_test(tc, test_msix_message_change_of_unmasked_vector_takes_effect);
	tcase_add_test(tc, test_msix_pba_bits_and_sizes);
	tcase_add_test(tc, test_msix_reset_reports_off_and_clears_everything);
	tcase_add_test(tc, test_msix_init_rejects_bad_table_sizes);
	tcase_add_test(tc, test_msix_unmask_racing_signal_delivers_exactly_once);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(msix_suite());
}
