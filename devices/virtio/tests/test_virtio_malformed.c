// SPDX-License-Identifier: GPL-2.0-only
/*
 * Malformed guests: a driver (vdrv) that breaks the split virtqueue
 * rules (VIRTIO 1.2 §2.7) or sends bad requests to vfio-user-virtio-rng
 * and vfio-user-virtio-blk. For each case: the status the device gives,
 * or DEVICE_NEEDS_RESET in device_status (read through REGION_READ) with
 * a configuration change interrupt and exactly one log line naming the
 * rule; the device process keeps answering (and stops with status 0 on
 * SIGTERM, vdrv_teardown()); after a virtio reset it works again.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/tests/vdrv.h"
#include "proto/tests/check_main.h"

#define F(bit)		(1ull << (bit))
#define NEXT		VRING_DESC_F_NEXT
#define WRITE		VRING_DESC_F_WRITE
#define INDIRECT	VRING_DESC_F_INDIRECT
#define RNG_QSIZE	64
#define RNG_MAX_BYTES	(1u << 20)
#define DISK_SIZE	(1u << 20)

static const char *rng_bin, *blk_bin;
static char disk[256];
static bool is_blk;
static struct vdrv_opts opts;

static void setup(void)
{
	vdrv_tmpfile(disk, DISK_SIZE);
	vdrv_setup();
}

static void teardown(void)
{
	vdrv_teardown();
	unlink(disk);
}

static void rng_up(uint64_t features)
{
	is_blk = false;
	vd.bin = rng_bin;
	opts = (struct vdrv_opts){ .features = features };
	vdrv_up(NULL);
	vdrv_init(&opts);
}

static void blk_up(const char *a, const char *b)
{
	const char *extra[] = { "--disk", disk, a, b, NULL };

	is_blk = true;
	vd.bin = blk_bin;
	opts = (struct vdrv_opts){ .num_queues = 0 };
	vdrv_up(extra);
	vdrv_init(&opts);
}

/* A request that must work: an rng buffer, or a blk read of sector 0. */
static void good_request(unsigned int qi)
{
	uint64_t buf = vdrv_alloc(512, 512);
	struct vdrv_used u;
	uint16_t d;

	if (is_blk) {
		ck_assert_int_eq(vdrv_blk(qi, VIRTIO_BLK_T_IN, 0, buf, 512,
					  true, false, NULL), VIRTIO_BLK_S_OK);
		return;
	}
	d = vdrv_next_desc(qi);
	vdrv_desc(qi, d, buf, 512, WRITE, 0);
	vdrv_publish(qi, d);
	vdrv_kick(qi);
	ck_assert(vdrv_wait_used(qi, &u, 3000));
	ck_assert_uint_eq(u.len, 512);
}

static unsigned int count_lines(const char *needle)
{
	char *log = child_log_all(&vd.ch), *p = log;
	unsigned int n = 0;

	while ((p = strstr(p, needle))) {
		n++;
		p += strlen(needle);
	}
	free(log);
	return n;
}

/*
 * The device says DEVICE_NEEDS_RESET with a config interrupt and one log
 * line containing @why; it answers, and after a reset it serves again.
 */
static void expect_needs_reset(const char *why)
{
	ck_assert_msg(vdrv_wait_status(VIRTIO_CONFIG_S_NEEDS_RESET, 3000),
		      "no DEVICE_NEEDS_RESET (status %#x)", vdrv_status());
	/* The driver's own bits stay. */
	ck_assert(vdrv_status() & VIRTIO_CONFIG_S_DRIVER_OK);
	ck_assert(vdrv_config_irq(2000));
	ck_assert_msg(vdrv_log_has(why, 2000), "the log does not say '%s'",
		      why);
	ck_assert_uint_eq(count_lines("broken by the driver"), 1);
	vdrv_init(&opts);
	ck_assert_uint_eq(vdrv_status() & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	good_request(0);
}

/* Publish @head on queue 0 and kick. */
static void submit(uint16_t head)
{
	vdrv_publish(0, head);
	vdrv_kick(0);
}

/* --- Descriptors --- */

START_TEST(test_descriptor_outside_the_dma_map_needs_reset)
{
	rng_up(0);
	vdrv_desc(0, 0, 0x1000, 64, WRITE, 0);
	submit(0);
	expect_needs_reset("[0x1000, +0x40) is not in writable guest memory");
}
END_TEST

START_TEST(test_descriptor_crossing_the_end_of_the_map_needs_reset)
{
	rng_up(0);
	vdrv_desc(0, 0, VDRV_RAM_IOVA + VDRV_RAM_SIZE - 16, 32, WRITE, 0);
	submit(0);
	expect_needs_reset("is not in writable guest memory");
}
END_TEST

START_TEST(test_writable_buffer_in_a_read_only_map_needs_reset)
{
	const uint64_t ro = 0x40000000;

	rng_up(0);
	/* A second map, read-only for the device. */
	ck_assert_int_eq(vu_client_dma_map(vd.cl, ro, 0x10000, vd.ram_fd, 0,
					   VFIO_USER_DMA_MAP_FLAG_READ), 0);
	vdrv_desc(0, 0, ro, 64, WRITE, 0);
	submit(0);
	expect_needs_reset("[0x40000000, +0x40) is not in writable");
}
END_TEST

START_TEST(test_descriptor_loop_needs_reset)
{
	uint64_t buf;

	rng_up(0);
	buf = vdrv_alloc(64, 8);
	vdrv_desc(0, 0, buf, 8, WRITE | NEXT, 1);
	vdrv_desc(0, 1, buf, 8, WRITE | NEXT, 0);
	submit(0);
	expect_needs_reset("chain from head 0 loops");
}
END_TEST

START_TEST(test_chain_through_every_descriptor_and_back_needs_reset)
{
	uint64_t buf;
	uint16_t i;

	rng_up(0);
	buf = vdrv_alloc(64, 8);
	/* All 64 descriptors in one chain whose last points to the first:
	 * longer than the queue size. */
	for (i = 0; i < RNG_QSIZE; i++)
		vdrv_desc(0, i, buf, 1, WRITE | NEXT, (i + 1) % RNG_QSIZE);
	submit(0);
	expect_needs_reset("loops (more than the 64 descriptors");
}
END_TEST

START_TEST(test_indirect_chain_longer_than_the_queue_size_needs_reset)
{
	const unsigned int n = RNG_QSIZE + 1;
	uint64_t buf, table;
	uint8_t *t;
	unsigned int i;

	rng_up(F(VIRTIO_RING_F_INDIRECT_DESC));
	buf = vdrv_alloc(64, 8);
	table = vdrv_alloc(16ull * n, 16);
	t = vdrv_ptr(table);
	for (i = 0; i < n; i++) {
		uint16_t fl = WRITE | (i + 1 < n ? NEXT : 0);
		uint16_t nx = (uint16_t)(i + 1);
		uint32_t len = 1;

		memcpy(t + 16 * i, &buf, 8);
		memcpy(t + 16 * i + 8, &len, 4);
		memcpy(t + 16 * i + 12, &fl, 2);
		memcpy(t + 16 * i + 14, &nx, 2);
	}
	vdrv_desc(0, 0, table, 16 * n, INDIRECT, 0);
	submit(0);
	expect_needs_reset("indirect table of 65 descriptors is longer than "
			   "the 64");
}
END_TEST

START_TEST(test_zero_length_chain_needs_reset)
{
	rng_up(0);
	vdrv_desc(0, 0, vdrv_alloc(8, 8), 0, WRITE, 0);
	submit(0);
	expect_needs_reset("has no data (length 0)");
}
END_TEST

START_TEST(test_oversized_chain_needs_reset)
{
	uint64_t buf;

	rng_up(0);
	/* Three descriptors of 512 KiB (the same memory): 1.5 MiB, above
	 * the rng's 1 MiB per chain. */
	buf = vdrv_alloc(512 << 10, 4096);
	vdrv_desc(0, 0, buf, 512 << 10, WRITE | NEXT, 1);
	vdrv_desc(0, 1, buf, 512 << 10, WRITE | NEXT, 2);
	vdrv_desc(0, 2, buf, 512 << 10, WRITE, 0);
	submit(0);
	expect_needs_reset("chain is longer than 1048576 bytes");
}
END_TEST

START_TEST(test_next_index_out_of_range_needs_reset)
{
	rng_up(0);
	vdrv_desc(0, 0, vdrv_alloc(8, 8), 8, WRITE | NEXT, RNG_QSIZE);
	submit(0);
	expect_needs_reset("NEXT 64 is beyond the 64 entries");
}
END_TEST

START_TEST(test_readable_after_writable_needs_reset)
{
	uint64_t buf;

	rng_up(0);
	buf = vdrv_alloc(16, 8);
	vdrv_desc(0, 0, buf, 8, WRITE | NEXT, 1);
	vdrv_desc(0, 1, buf + 8, 8, 0, 0);
	submit(0);
	expect_needs_reset("device-readable descriptor after a "
			   "device-writable one");
}
END_TEST

/* --- Indirect tables --- */

START_TEST(test_indirect_table_not_a_multiple_of_16_needs_reset)
{
	rng_up(F(VIRTIO_RING_F_INDIRECT_DESC));
	vdrv_desc(0, 0, vdrv_alloc(64, 16), 24, INDIRECT, 0);
	submit(0);
	expect_needs_reset("indirect table length 24 is not a non-zero "
			   "multiple of 16");
}
END_TEST

START_TEST(test_nested_indirect_needs_reset)
{
	uint64_t table, inner;
	uint16_t fl = INDIRECT, nx = 0;
	uint32_t len = 16;

	rng_up(F(VIRTIO_RING_F_INDIRECT_DESC));
	table = vdrv_alloc(16, 16);
	inner = vdrv_alloc(16, 16);
	memcpy(vdrv_ptr(table), &inner, 8);
	memcpy((uint8_t *)vdrv_ptr(table) + 8, &len, 4);
	memcpy((uint8_t *)vdrv_ptr(table) + 12, &fl, 2);
	memcpy((uint8_t *)vdrv_ptr(table) + 14, &nx, 2);
	vdrv_desc(0, 0, table, 16, INDIRECT, 0);
	submit(0);
	expect_needs_reset("INDIRECT descriptor inside an indirect table");
}
END_TEST

START_TEST(test_indirect_without_the_feature_needs_reset)
{
	uint64_t table, buf;
	uint16_t fl = WRITE, nx = 0;
	uint32_t len = 8;

	rng_up(0);	/* INDIRECT_DESC not accepted */
	table = vdrv_alloc(16, 16);
	buf = vdrv_alloc(8, 8);
	memcpy(vdrv_ptr(table), &buf, 8);
	memcpy((uint8_t *)vdrv_ptr(table) + 8, &len, 4);
	memcpy((uint8_t *)vdrv_ptr(table) + 12, &fl, 2);
	memcpy((uint8_t *)vdrv_ptr(table) + 14, &nx, 2);
	vdrv_desc(0, 0, table, 16, INDIRECT, 0);
	submit(0);
	expect_needs_reset("VIRTIO_RING_F_INDIRECT_DESC was not negotiated");
}
END_TEST

START_TEST(test_indirect_with_next_needs_reset)
{
	rng_up(F(VIRTIO_RING_F_INDIRECT_DESC));
	vdrv_desc(0, 0, vdrv_alloc(16, 16), 16, INDIRECT | NEXT, 1);
	vdrv_desc(0, 1, vdrv_alloc(8, 8), 8, WRITE, 0);
	submit(0);
	expect_needs_reset("both INDIRECT and NEXT");
}
END_TEST

/* --- The avail ring --- */

START_TEST(test_avail_idx_jumping_past_the_queue_size_needs_reset)
{
	rng_up(0);
	vdrv_desc(0, 0, vdrv_alloc(8, 8), 8, WRITE, 0);
	vdrv_set_avail_idx(0, RNG_QSIZE + 1);
	vdrv_kick(0);
	expect_needs_reset("available idx 65 is 65 entries ahead");
}
END_TEST

START_TEST(test_head_index_out_of_range_needs_reset)
{
	rng_up(0);
	submit(RNG_QSIZE + 3);
	expect_needs_reset("names head 67, beyond the queue size 64");
}
END_TEST

/* --- Ring addresses and sizes (checked when the queue is enabled) --- */

/* Initialise up to the queue set-up, then write queue 0 by hand. */
static void rng_queue_by_hand(uint16_t size, uint64_t desc, uint64_t avail,
			      uint64_t used)
{
	is_blk = false;
	vd.bin = rng_bin;
	opts = (struct vdrv_opts){ .no_driver_ok = true };
	vdrv_up(NULL);
	vdrv_init(&opts);
	/* vdrv_init enabled queue 0; start over with the bad one. */
	vdrv_reset();
	vdrv_set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	vdrv_set_common(VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_GF, 1, 4);
	vdrv_set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			VIRTIO_CONFIG_S_FEATURES_OK);
	vdrv_set_common(VIRTIO_PCI_COMMON_MSIX, 0, 2);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_SIZE, size, 2);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_DESCLO, (uint32_t)desc, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_DESCHI, (uint32_t)(desc >> 32), 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_AVAILLO, (uint32_t)avail, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_AVAILHI, (uint32_t)(avail >> 32),
			4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_USEDLO, (uint32_t)used, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_USEDHI, (uint32_t)(used >> 32), 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
	vdrv_set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			VIRTIO_CONFIG_S_FEATURES_OK |
			VIRTIO_CONFIG_S_DRIVER_OK);
	opts.no_driver_ok = false;	/* the recovery goes all the way */
}

START_TEST(test_ring_address_outside_the_map_needs_reset)
{
	rng_queue_by_hand(RNG_QSIZE, 0x2000, VDRV_RAM_IOVA,
			  VDRV_RAM_IOVA + 0x1000);
	expect_needs_reset("descriptor ring [0x2000, +0x400) is not in "
			   "readable guest memory");
}
END_TEST

START_TEST(test_used_ring_past_the_end_of_the_map_needs_reset)
{
	rng_queue_by_hand(RNG_QSIZE, VDRV_RAM_IOVA, VDRV_RAM_IOVA + 0x1000,
			  VDRV_RAM_IOVA + VDRV_RAM_SIZE - 0x100);
	expect_needs_reset("used ring");
}
END_TEST

START_TEST(test_misaligned_ring_needs_reset)
{
	rng_queue_by_hand(RNG_QSIZE, VDRV_RAM_IOVA, VDRV_RAM_IOVA + 0x1001,
			  VDRV_RAM_IOVA + 0x2000);
	expect_needs_reset("available ring address 0x101001 is not 2-byte "
			   "aligned");
}
END_TEST

START_TEST(test_queue_size_not_a_power_of_two_needs_reset)
{
	rng_queue_by_hand(48, VDRV_RAM_IOVA, VDRV_RAM_IOVA + 0x1000,
			  VDRV_RAM_IOVA + 0x2000);
	/* §4.1.4.3.1: queue_size reads a power of 2 all the same. */
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_SIZE, 2), 64);
	expect_needs_reset("queue size 48 written: not a power of 2 from 1 "
			   "to 64");
}
END_TEST

START_TEST(test_queue_size_above_the_maximum_needs_reset)
{
	rng_queue_by_hand(128, VDRV_RAM_IOVA, VDRV_RAM_IOVA + 0x1000,
			  VDRV_RAM_IOVA + 0x2000);
	expect_needs_reset("queue size 128 written: not a power of 2 from 1 "
			   "to 64");
}
END_TEST

START_TEST(test_rings_unmapped_under_a_live_queue_need_reset)
{
	rng_up(0);
	good_request(0);
	/* The driver's memory goes away; the next kick finds nothing. */
	ck_assert_int_eq(vu_client_dma_unmap(vd.cl, VDRV_RAM_IOVA,
					     VDRV_RAM_SIZE), 0);
	vdrv_desc(0, 1, vdrv_alloc(8, 8), 8, WRITE, 0);
	submit(1);
	ck_assert(vdrv_wait_status(VIRTIO_CONFIG_S_NEEDS_RESET, 3000));
	/* Mapped again for the recovery. */
	ck_assert_int_eq(vu_client_dma_map(vd.cl, VDRV_RAM_IOVA, VDRV_RAM_SIZE,
					   vd.ram_fd, 0,
					   VFIO_USER_DMA_MAP_FLAG_READ |
					   VFIO_USER_DMA_MAP_FLAG_WRITE), 0);
	expect_needs_reset("available ring idx cannot be read");
}
END_TEST

/* --- Requests --- */

START_TEST(test_rng_request_without_writable_buffer_needs_reset)
{
	rng_up(0);
	vdrv_desc(0, 0, vdrv_alloc(8, 8), 8, 0, 0);
	submit(0);
	expect_needs_reset("request has no device-writable buffer");
}
END_TEST

START_TEST(test_blk_request_without_status_byte_needs_reset)
{
	uint64_t hdr;

	blk_up(NULL, NULL);
	hdr = vdrv_alloc(16, 16);
	vdrv_desc(0, 0, hdr, 16, 0, 0);
	submit(0);
	expect_needs_reset("request (head 0) has no device-writable status "
			   "byte");
}
END_TEST

START_TEST(test_blk_header_too_short_gets_ioerr)
{
	uint64_t hdr, st;
	struct vdrv_used u;

	blk_up(NULL, NULL);
	hdr = vdrv_alloc(16, 16);
	st = vdrv_alloc(1, 1);
	*(uint8_t *)vdrv_ptr(st) = 0xee;
	vdrv_desc(0, 0, hdr, 8, NEXT, 1);	/* 8 of the 16 bytes */
	vdrv_desc(0, 1, st, 1, WRITE, 0);
	submit(0);
	ck_assert(vdrv_wait_used(0, &u, 3000));
	ck_assert_uint_eq(u.len, 1);
	ck_assert_uint_eq(*(uint8_t *)vdrv_ptr(st), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(vdrv_status() & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	vd.q[0].next_desc = 2;
	good_request(0);
}
END_TEST

START_TEST(test_blk_out_of_range_sector_gets_ioerr)
{
	uint64_t buf;

	blk_up(NULL, NULL);
	buf = vdrv_alloc(1024, 512);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_IN, DISK_SIZE / 512, buf, 512,
				  true, false, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_OUT, DISK_SIZE / 512 - 1, buf,
				  1024, false, false, NULL),
			 VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_IN, UINT64_MAX, buf, 512,
				  true, false, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(vdrv_status() & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
	good_request(0);
}
END_TEST

START_TEST(test_blk_write_to_readonly_disk_gets_ioerr)
{
	uint64_t buf;

	blk_up("--readonly", NULL);
	buf = vdrv_alloc(512, 512);
	memset(vdrv_ptr(buf), 0x5a, 512);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_OUT, 0, buf, 512, false,
				  false, NULL), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_IN, 0, buf, 512, true, false,
				  NULL), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(((uint8_t *)vdrv_ptr(buf))[0], 0);
}
END_TEST

START_TEST(test_blk_broken_queue_leaves_the_other_queue_working)
{
	uint64_t buf;

	blk_up("--num-queues", "2");
	buf = vdrv_alloc(8, 8);
	vdrv_desc(0, 0, buf, 8, NEXT, 0);	/* a loop on queue 0 */
	submit(0);
	ck_assert(vdrv_wait_status(VIRTIO_CONFIG_S_NEEDS_RESET, 3000));
	/* Queue 1 still serves until the driver resets. */
	good_request(1);
	expect_needs_reset("queue 0 broken by the driver: chain from head 0 "
			   "loops");
	good_request(1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("virtio_malformed");
	TCase *tc = tcase_create("malformed");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_descriptor_outside_the_dma_map_needs_reset);
	tcase_add_test(tc, test_descriptor_crossing_the_end_of_the_map_needs_reset);
	tcase_add_test(tc, test_writable_buffer_in_a_read_only_map_needs_reset);
	tcase_add_test(tc, test_descriptor_loop_needs_reset);
	tcase_add_test(tc, test_chain_through_every_descriptor_and_back_needs_reset);
	tcase_add_test(tc, test_indirect_chain_longer_than_the_queue_size_needs_reset);
	tcase_add_test(tc, test_zero_length_chain_needs_reset);
	tcase_add_test(tc, test_oversized_chain_needs_reset);
	tcase_add_test(tc, test_next_index_out_of_range_needs_reset);
	tcase_add_test(tc, test_readable_after_writable_needs_reset);
	tcase_add_test(tc, test_indirect_table_not_a_multiple_of_16_needs_reset);
	tcase_add_test(tc, test_nested_indirect_needs_reset);
	tcase_add_test(tc, test_indirect_without_the_feature_needs_reset);
	tcase_add_test(tc, test_indirect_with_next_needs_reset);
	tcase_add_test(tc, test_avail_idx_jumping_past_the_queue_size_needs_reset);
	tcase_add_test(tc, test_head_index_out_of_range_needs_reset);
	tcase_add_test(tc, test_ring_address_outside_the_map_needs_reset);
	tcase_add_test(tc, test_used_ring_past_the_end_of_the_map_needs_reset);
	tcase_add_test(tc, test_misaligned_ring_needs_reset);
	tcase_add_test(tc, test_queue_size_not_a_power_of_two_needs_reset);
	tcase_add_test(tc, test_queue_size_above_the_maximum_needs_reset);
	tcase_add_test(tc, test_rings_unmapped_under_a_live_queue_need_reset);
	tcase_add_test(tc, test_rng_request_without_writable_buffer_needs_reset);
	tcase_add_test(tc, test_blk_request_without_status_byte_needs_reset);
	tcase_add_test(tc, test_blk_header_too_short_gets_ioerr);
	tcase_add_test(tc, test_blk_out_of_range_sector_gets_ioerr);
	tcase_add_test(tc, test_blk_write_to_readonly_disk_gets_ioerr);
	tcase_add_test(tc, test_blk_broken_queue_leaves_the_other_queue_working);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	rng_bin = getenv("VIRTIO_RNG");
	blk_bin = getenv("VIRTIO_BLK");
	if (!rng_bin || !blk_bin) {
		fprintf(stderr, "VIRTIO_RNG and VIRTIO_BLK must be set\n");
		return 1;
	}
	vd.bin = rng_bin;
	return run_suite(suite());
}
