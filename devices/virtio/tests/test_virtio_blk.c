// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user-virtio-blk as a child process on a temporary disk file,
 * driven by vdrv: configuration space, GET_ID, writes read back and
 * found in the file after FLUSH, large requests, two queues, a read-only
 * disk, DISCARD and WRITE_ZEROES, EVENT_IDX on and off, indirect
 * descriptors, DMA by messages, and the statuses of requests the device
 * refuses (IOERR, UNSUPP). Every case ends with the fds of both
 * processes back where they were (vdrv_teardown()).
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/tests/vdrv.h"
#include "proto/tests/check_main.h"

#define F(bit)		(1ull << (bit))
#define DISK_SIZE	(4u << 20)
#define SECTORS		(DISK_SIZE / 512)
#define ALL_FEATURES	(~0ull)

static char disk[256];

static void disk_setup(void)
{
	vdrv_setup();
	vdrv_tmpfile(disk, DISK_SIZE);
}

static void disk_teardown(void)
{
	vdrv_teardown();
	unlink(disk);
}

/* Start the device on the disk with @more options (up to 4). */
static void up(const char *a, const char *b, const char *c)
{
	const char *extra[8] = { "--disk", disk, a, b, c, NULL };

	vdrv_up(extra);
}

static void file_read(uint64_t off, void *buf, size_t len)
{
	int fd = open(disk, O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static void file_write(uint64_t off, const void *buf, size_t len)
{
	int fd = open(disk, O_WRONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static int req(uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
	       bool in)
{
	return vdrv_blk(0, type, sector, data, len, in, false, NULL);
}

START_TEST(test_config_space_and_features)
{
	struct virtio_blk_config c;
	uint8_t id[4];

	up(NULL, NULL, NULL);
	ck_assert_int_eq(vu_client_region_read(vd.cl,
			 VFIO_PCI_CONFIG_REGION_INDEX, 0, id, 4), 0);
	ck_assert_uint_eq(id[2] | id[3] << 8, 0x1042);
	ck_assert_uint_eq(vd.nvec, 2);
	vdrv_init(&(struct vdrv_opts){ .features = ALL_FEATURES });
	ck_assert_uint_eq(vd.features,
			  F(VIRTIO_F_VERSION_1) | F(VIRTIO_RING_F_EVENT_IDX) |
			  F(VIRTIO_RING_F_INDIRECT_DESC) |
			  F(VIRTIO_BLK_F_SIZE_MAX) | F(VIRTIO_BLK_F_SEG_MAX) |
			  F(VIRTIO_BLK_F_BLK_SIZE) | F(VIRTIO_BLK_F_FLUSH) |
			  F(VIRTIO_BLK_F_DISCARD) |
			  F(VIRTIO_BLK_F_WRITE_ZEROES));
	ck_assert_uint_ge(vd.device_len, 60);
	memset(&c, 0xff, sizeof(c));
	vdrv_device_cfg(0, &c, 60);
	ck_assert_uint_eq(c.capacity, SECTORS);
	ck_assert_uint_eq(c.size_max, 128 << 10);
	ck_assert_uint_eq(c.seg_max, 254);
	ck_assert_uint_eq(c.blk_size, 512);
	ck_assert_uint_eq(c.num_queues, 1);
	ck_assert_uint_eq(c.max_discard_seg, 16);
	ck_assert_uint_eq(c.max_write_zeroes_seg, 16);
	ck_assert_uint_gt(c.max_discard_sectors, 0);
	ck_assert_uint_gt(c.max_write_zeroes_sectors, 0);
	ck_assert_uint_eq(c.write_zeroes_may_unmap, 1);
	/* Past the structure: zeroes; a 1-byte read of capacity works. */
	{
		uint8_t b = 0xff, lo;

		vdrv_device_cfg(0x800, &b, 1);
		ck_assert_uint_eq(b, 0);
		vdrv_device_cfg(1, &lo, 1);
		ck_assert_uint_eq(lo, (SECTORS >> 8) & 0xff);
	}
}
END_TEST

START_TEST(test_get_id_returns_the_serial)
{
	char want[20] = "minivmm-disk-07";
	struct vdrv_used u;
	uint64_t id;

	up("--serial", "minivmm-disk-07", NULL);
	vdrv_init(NULL);
	id = vdrv_alloc(20, 8);
	memset(vdrv_ptr(id), 0x55, 20);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_GET_ID, 0, id, 20, true,
				  false, &u), VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(vdrv_ptr(id), want, 20);
	ck_assert_uint_eq(u.len, 21);
}
END_TEST

START_TEST(test_get_id_of_exactly_20_bytes_is_not_terminated)
{
	uint64_t id;

	up("--serial", "ABCDEFGHIJKLMNOPQRST", NULL);
	vdrv_init(NULL);
	id = vdrv_alloc(20, 8);
	ck_assert_int_eq(req(VIRTIO_BLK_T_GET_ID, 0, id, 20, true),
			 VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(vdrv_ptr(id), "ABCDEFGHIJKLMNOPQRST", 20);
}
END_TEST

START_TEST(test_written_pattern_reads_back_and_is_in_the_file_after_flush)
{
	uint8_t *file = malloc(64 << 10);
	uint64_t w, r;

	up(NULL, NULL, NULL);
	vdrv_init(NULL);
	w = vdrv_alloc(64 << 10, 4096);
	r = vdrv_alloc(64 << 10, 4096);
	vdrv_fill(vdrv_ptr(w), 64 << 10, 7);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 8, w, 64 << 10, false),
			 VIRTIO_BLK_S_OK);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 8, r, 64 << 10, true),
			 VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(vdrv_ptr(r), vdrv_ptr(w), 64 << 10);
	ck_assert_int_eq(req(VIRTIO_BLK_T_FLUSH, 0, 0, 0, false),
			 VIRTIO_BLK_S_OK);
	file_read(8 * 512, file, 64 << 10);
	ck_assert_mem_eq(file, vdrv_ptr(w), 64 << 10);
	/* The last sector of the disk is reachable, and what the file
	 * holds is what IN returns. */
	vdrv_fill(file, 512, 9);
	file_write(DISK_SIZE - 512, file, 512);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, SECTORS - 1, r, 512, true),
			 VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(vdrv_ptr(r), file, 512);
	free(file);
}
END_TEST

/* A request of 1 MiB in 9 data descriptors of at most 128 KiB (the
 * size_max), the header sharing the first one (any layout, §2.7.4). */
START_TEST(test_one_mib_request_in_many_segments_with_header_and_data_together)
{
	const uint32_t seg = 128 << 10, n = 8;
	uint8_t *file = malloc((size_t)seg * n), *h;
	uint32_t type = VIRTIO_BLK_T_OUT, i;
	uint64_t sector = 100, buf, st, rd;
	struct vdrv_used u;
	uint16_t d[10];

	up(NULL, NULL, NULL);
	vdrv_init(NULL);
	buf = vdrv_alloc(16 + (uint64_t)seg * n, 4096);
	st = vdrv_alloc(1, 1);
	rd = vdrv_alloc((uint64_t)seg * n, 4096);
	h = vdrv_ptr(buf);
	memcpy(h, &type, 4);
	memcpy(h + 8, &sector, 8);
	vdrv_fill(h + 16, (size_t)seg * n, 3);
	for (i = 0; i < 10; i++)
		d[i] = vdrv_next_desc(0);
	/* [hdr + 128 KiB - 16 of data], 7 x 128 KiB, the last 16 bytes. */
	for (i = 0; i < n; i++)
		vdrv_desc(0, d[i], buf + (uint64_t)i * seg, seg,
			  VRING_DESC_F_NEXT, d[i + 1]);
	vdrv_desc(0, d[n], buf + (uint64_t)n * seg, 16, VRING_DESC_F_NEXT,
		  d[n + 1]);
	vdrv_desc(0, d[n + 1], st, 1, VRING_DESC_F_WRITE, 0);
	vdrv_publish(0, d[0]);
	vdrv_kick(0);
	ck_assert(vdrv_wait_used(0, &u, 3000));
	ck_assert_uint_eq(u.id, d[0]);
	ck_assert_uint_eq(*(uint8_t *)vdrv_ptr(st), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(u.len, 1);
	file_read(sector * 512, file, (size_t)seg * n);
	ck_assert_mem_eq(file, h + 16, (size_t)seg * n);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, sector, rd, seg * n, true),
			 VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(vdrv_ptr(rd), h + 16, (size_t)seg * n);
	free(file);
}
END_TEST

START_TEST(test_two_queues_both_serve_and_interrupt_on_their_vectors)
{
	struct virtio_blk_config c;
	uint64_t a, b;

	up("--num-queues", "2", NULL);
	ck_assert_uint_eq(vd.nvec, 3);
	vdrv_init(&(struct vdrv_opts){ .features = F(VIRTIO_BLK_F_MQ) });
	ck_assert(vd.features & F(VIRTIO_BLK_F_MQ));
	ck_assert_uint_eq(vd.nq, 2);
	vdrv_device_cfg(0, &c, sizeof(c.capacity) + 32);
	ck_assert_uint_eq(c.num_queues, 2);
	a = vdrv_alloc(4096, 4096);
	b = vdrv_alloc(4096, 4096);
	vdrv_fill(vdrv_ptr(a), 4096, 1);
	vdrv_fill(vdrv_ptr(b), 4096, 2);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_OUT, 0, a, 4096, false,
				  false, NULL), VIRTIO_BLK_S_OK);
	ck_assert(vdrv_irq(0, 2000));
	ck_assert_int_eq(vdrv_blk(1, VIRTIO_BLK_T_OUT, 8, b, 4096, false,
				  false, NULL), VIRTIO_BLK_S_OK);
	ck_assert(vdrv_irq(1, 2000));
	ck_assert(!vdrv_irq(0, 0));
	/* Read each back through the other queue. */
	ck_assert_int_eq(vdrv_blk(1, VIRTIO_BLK_T_IN, 0, b, 4096, true,
				  false, NULL), VIRTIO_BLK_S_OK);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_IN, 8, a, 4096, true,
				  false, NULL), VIRTIO_BLK_S_OK);
	{
		uint8_t want[4096];

		vdrv_fill(want, 4096, 1);
		ck_assert_mem_eq(vdrv_ptr(b), want, 4096);
		vdrv_fill(want, 4096, 2);
		ck_assert_mem_eq(vdrv_ptr(a), want, 4096);
	}
}
END_TEST

START_TEST(test_readonly_disk_refuses_writes_with_ioerr)
{
	uint8_t before[4096], after[4096];
	uint64_t buf;

	vdrv_fill(before, sizeof(before), 5);
	file_write(0, before, sizeof(before));
	up("--readonly", NULL, NULL);
	vdrv_init(&(struct vdrv_opts){ .features = ALL_FEATURES });
	ck_assert(vd.features & F(VIRTIO_BLK_F_RO));
	ck_assert(!(vd.features & F(VIRTIO_BLK_F_DISCARD)));
	ck_assert(!(vd.features & F(VIRTIO_BLK_F_WRITE_ZEROES)));
	buf = vdrv_alloc(4096, 4096);
	memset(vdrv_ptr(buf), 0xaa, 4096);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 0, buf, 4096, false),
			 VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, buf, 4096, true),
			 VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(vdrv_ptr(buf), before, 4096);
	/* Not offered: UNSUPP. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_WRITE_ZEROES, 0, buf, 16, false),
			 VIRTIO_BLK_S_UNSUPP);
	ck_assert_int_eq(req(VIRTIO_BLK_T_FLUSH, 0, 0, 0, false),
			 VIRTIO_BLK_S_OK);
	file_read(0, after, sizeof(after));
	ck_assert_mem_eq(after, before, sizeof(after));
}
END_TEST

/* A DISCARD/WRITE_ZEROES segment list at a new buffer. */
static uint64_t ranges(unsigned int n, const uint64_t *sector,
		       const uint32_t *count, const uint32_t *flags)
{
	uint64_t b = vdrv_alloc(16ull * n, 16);
	uint8_t *p = vdrv_ptr(b);
	unsigned int i;

	for (i = 0; i < n; i++) {
		memcpy(p + 16 * i, &sector[i], 8);
		memcpy(p + 16 * i + 8, &count[i], 4);
		memcpy(p + 16 * i + 12, &flags[i], 4);
	}
	return b;
}

START_TEST(test_discard_and_write_zeroes_zero_their_ranges_only)
{
	static const uint64_t s2[2] = { 0, 16 }, s1[1] = { 32 }, s3[1] = { 48 };
	static const uint32_t c2[2] = { 8, 8 }, c1[1] = { 8 }, f0[2] = { 0, 0 };
	static const uint32_t funmap[1] = { VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP };
	static const uint32_t fbad[1] = { 0x80 };
	uint8_t *file = malloc(64 * 512), zero[4096] = { 0 }, *want;
	unsigned int i;

	up(NULL, NULL, NULL);
	vdrv_init(&(struct vdrv_opts){ .features = ALL_FEATURES });
	want = malloc(64 * 512);
	vdrv_fill(want, 64 * 512, 11);
	file_write(0, want, 64 * 512);
	/* DISCARD sectors 0-7 and 16-23. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_DISCARD, 0, ranges(2, s2, c2, f0), 32,
			     false), VIRTIO_BLK_S_OK);
	/* WRITE_ZEROES 32-39 (no unmap) and 48-55 (unmap). */
	ck_assert_int_eq(req(VIRTIO_BLK_T_WRITE_ZEROES, 0,
			     ranges(1, s1, c1, f0), 16, false),
			 VIRTIO_BLK_S_OK);
	ck_assert_int_eq(req(VIRTIO_BLK_T_WRITE_ZEROES, 0,
			     ranges(1, s3, c1, funmap), 16, false),
			 VIRTIO_BLK_S_OK);
	file_read(0, file, 64 * 512);
	for (i = 0; i < 64; i += 8) {
		bool zeroed = i == 0 || i == 16 || i == 32 || i == 48;

		if (zeroed)
			ck_assert_msg(!memcmp(file + i * 512, zero, 4096),
				      "sectors %u.. not zeroed", i);
		else
			ck_assert_msg(!memcmp(file + i * 512, want + i * 512,
					      4096), "sectors %u.. changed", i);
	}
	/* §5.2.6.2: UNMAP on a discard, unknown flags: UNSUPP. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_DISCARD, 0,
			     ranges(1, s1, c1, funmap), 16, false),
			 VIRTIO_BLK_S_UNSUPP);
	ck_assert_int_eq(req(VIRTIO_BLK_T_WRITE_ZEROES, 0,
			     ranges(1, s1, c1, fbad), 16, false),
			 VIRTIO_BLK_S_UNSUPP);
	/* A range past the end, a list not a multiple of 16: IOERR. */
	{
		uint64_t far[1] = { SECTORS - 4 };

		ck_assert_int_eq(req(VIRTIO_BLK_T_DISCARD, 0,
				     ranges(1, far, c1, f0), 16, false),
				 VIRTIO_BLK_S_IOERR);
		ck_assert_int_eq(req(VIRTIO_BLK_T_DISCARD, 0,
				     ranges(1, s1, c1, f0), 12, false),
				 VIRTIO_BLK_S_IOERR);
	}
	free(file);
	free(want);
}
END_TEST

START_TEST(test_discard_without_the_feature_negotiated_is_unsupp)
{
	static const uint64_t s[1] = { 0 };
	static const uint32_t c[1] = { 8 }, f[1] = { 0 };

	up(NULL, NULL, NULL);
	vdrv_init(NULL);
	ck_assert(!(vd.features & F(VIRTIO_BLK_F_DISCARD)));
	ck_assert_int_eq(req(VIRTIO_BLK_T_DISCARD, 0, ranges(1, s, c, f), 16,
			     false), VIRTIO_BLK_S_UNSUPP);
}
END_TEST

START_TEST(test_event_idx_interrupts_when_used_passes_used_event)
{
	uint64_t buf;

	up(NULL, NULL, NULL);
	vdrv_init(&(struct vdrv_opts){ .features =
				       F(VIRTIO_RING_F_EVENT_IDX) });
	buf = vdrv_alloc(512, 512);
	ck_assert(vd.features & F(VIRTIO_RING_F_EVENT_IDX));
	/* "Interrupt me when used idx goes past 1": not for the first. */
	vdrv_set_used_event(0, 1);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, buf, 512, true),
			 VIRTIO_BLK_S_OK);
	ck_assert(!vdrv_irq(0, 200));
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, buf, 512, true),
			 VIRTIO_BLK_S_OK);
	ck_assert(vdrv_irq(0, 2000));
	/* The device published the next entry it waits for. */
	ck_assert_uint_eq(vdrv_avail_event(0), 2);
	/* used_event left behind: no more interrupts... */
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, buf, 512, true),
			 VIRTIO_BLK_S_OK);
	ck_assert(!vdrv_irq(0, 200));
	/* ...until the driver moves it to the current used idx. */
	vdrv_set_used_event(0, 3);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, buf, 512, true),
			 VIRTIO_BLK_S_OK);
	ck_assert(vdrv_irq(0, 2000));
	ck_assert_uint_eq(vdrv_avail_event(0), 4);
}
END_TEST

START_TEST(test_without_event_idx_no_interrupt_flag_suppresses_interrupts)
{
	uint64_t buf;

	up(NULL, NULL, NULL);
	vdrv_init(NULL);
	buf = vdrv_alloc(512, 512);
	ck_assert(!(vd.features & F(VIRTIO_RING_F_EVENT_IDX)));
	vdrv_set_avail_flags(0, VRING_AVAIL_F_NO_INTERRUPT);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, buf, 512, true),
			 VIRTIO_BLK_S_OK);
	ck_assert(!vdrv_irq(0, 200));
	vdrv_set_avail_flags(0, 0);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, buf, 512, true),
			 VIRTIO_BLK_S_OK);
	ck_assert(vdrv_irq(0, 2000));
	/* Without EVENT_IDX the device does not write avail_event. */
	ck_assert_uint_eq(vdrv_avail_event(0), 0);
}
END_TEST

START_TEST(test_requests_in_indirect_tables)
{
	uint64_t w, r;

	up(NULL, NULL, NULL);
	vdrv_init(&(struct vdrv_opts){ .features =
				       F(VIRTIO_RING_F_INDIRECT_DESC) });
	w = vdrv_alloc(8192, 4096);
	r = vdrv_alloc(8192, 4096);
	vdrv_fill(vdrv_ptr(w), 8192, 21);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_OUT, 40, w, 8192, false, true,
				  NULL), VIRTIO_BLK_S_OK);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_IN, 40, r, 8192, true, true,
				  NULL), VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(vdrv_ptr(r), vdrv_ptr(w), 8192);
}
END_TEST

START_TEST(test_dma_by_messages_write_and_read)
{
	const char *extra[] = { "--disk", disk, NULL };
	uint64_t w, r;

	vdrv_start(extra);
	vdrv_connect(true);
	vdrv_find_caps();
	vdrv_init(NULL);
	w = vdrv_alloc(300 << 10, 4096);
	r = vdrv_alloc(300 << 10, 4096);
	vdrv_fill(vdrv_ptr(w), 300 << 10, 31);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, 2000, w, 300 << 10, false),
			 VIRTIO_BLK_S_OK);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 2000, r, 300 << 10, true),
			 VIRTIO_BLK_S_OK);
	ck_assert_mem_eq(vdrv_ptr(r), vdrv_ptr(w), 300 << 10);
}
END_TEST

START_TEST(test_refused_requests_get_ioerr_or_unsupp)
{
	struct vdrv_used u;
	uint64_t buf;

	up(NULL, NULL, NULL);
	vdrv_init(NULL);
	buf = vdrv_alloc(4096, 4096);
	/* Out of range: past the end, straddling it, a huge sector. No
	 * data was written: the used length says 0 (§2.7.8.2). */
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_IN, SECTORS, buf, 512, true,
				  false, &u), VIRTIO_BLK_S_IOERR);
	ck_assert_uint_eq(u.len, 0);
	ck_assert_int_eq(req(VIRTIO_BLK_T_OUT, SECTORS - 1, buf, 1024, false),
			 VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, UINT64_MAX / 256, buf, 512,
			     true), VIRTIO_BLK_S_IOERR);
	/* A length that is not a whole number of sectors. */
	ck_assert_int_eq(req(VIRTIO_BLK_T_IN, 0, buf, 100, true),
			 VIRTIO_BLK_S_IOERR);
	/* Unknown types. */
	ck_assert_int_eq(vdrv_blk(0, 77, 0, 0, 0, false, false, &u),
			 VIRTIO_BLK_S_UNSUPP);
	ck_assert_uint_eq(u.len, 1);
	ck_assert_int_eq(req(VIRTIO_BLK_T_SCSI_CMD, 0, buf, 512, false),
			 VIRTIO_BLK_S_UNSUPP);
	/* The queue goes on; a read's used length is data + status. */
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_IN, 0, buf, 512, true,
				  false, &u), VIRTIO_BLK_S_OK);
	ck_assert_uint_eq(u.len, 513);
	ck_assert_uint_eq(vdrv_status() & VIRTIO_CONFIG_S_NEEDS_RESET, 0);
}
END_TEST

/* 64 reads of 256 KiB made available and kicked at once. */
static void post_many_reads(void)
{
	uint64_t buf = vdrv_alloc(256 << 10, 4096), st;
	int i;

	for (i = 0; i < 64; i++)
		vdrv_blk_post(0, VIRTIO_BLK_T_IN, (uint64_t)(i % 8) * 512, buf,
			      256 << 10, true, false, &st);
	vdrv_kick(0);
}

START_TEST(test_reset_with_requests_in_flight_by_messages)
{
	const char *extra[] = { "--disk", disk, NULL };
	struct vdrv_used u;

	vdrv_start(extra);
	vdrv_connect(true);	/* every byte a DMA message: slow */
	vdrv_find_caps();
	vdrv_init(NULL);
	post_many_reads();
	/* vdrv_reset() asserts the status reads 0 right after: the write
	 * returned only once the queue thread had stopped, after the
	 * request in hand (16 MiB of DMA messages take far longer than
	 * the reset's round trip). */
	vdrv_reset();
	ck_assert_uint_lt(vdrv_used_idx(0), 64);
	vdrv_init(NULL);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_IN, 0, vdrv_alloc(512, 512),
				  512, true, false, &u), VIRTIO_BLK_S_OK);
}
END_TEST

START_TEST(test_client_leaving_with_requests_in_flight)
{
	const char *extra[] = { "--disk", disk, NULL };
	struct vdrv_used u;
	int round;

	vdrv_start(extra);
	for (round = 0; round < 2; round++) {
		vdrv_connect(round == 1);
		vdrv_find_caps();
		vdrv_init(NULL);
		post_many_reads();
		vdrv_disconnect();
		ck_assert(vdrv_log_has("client gone", 3000));
	}
	vdrv_connect(false);
	vdrv_find_caps();
	ck_assert_uint_eq(vdrv_status(), 0);
	vdrv_init(NULL);
	ck_assert_int_eq(vdrv_blk(0, VIRTIO_BLK_T_IN, 0, vdrv_alloc(512, 512),
				  512, true, false, &u), VIRTIO_BLK_S_OK);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("virtio_blk");
	TCase *tc = tcase_create("blk");

	tcase_add_checked_fixture(tc, disk_setup, disk_teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_config_space_and_features);
	tcase_add_test(tc, test_get_id_returns_the_serial);
	tcase_add_test(tc, test_get_id_of_exactly_20_bytes_is_not_terminated);
	tcase_add_test(tc, test_written_pattern_reads_back_and_is_in_the_file_after_flush);
	tcase_add_test(tc, test_one_mib_request_in_many_segments_with_header_and_data_together);
	tcase_add_test(tc, test_two_queues_both_serve_and_interrupt_on_their_vectors);
	tcase_add_test(tc, test_readonly_disk_refuses_writes_with_ioerr);
	tcase_add_test(tc, test_discard_and_write_zeroes_zero_their_ranges_only);
	tcase_add_test(tc, test_discard_without_the_feature_negotiated_is_unsupp);
	tcase_add_test(tc, test_event_idx_interrupts_when_used_passes_used_event);
	tcase_add_test(tc, test_without_event_idx_no_interrupt_flag_suppresses_interrupts);
	tcase_add_test(tc, test_requests_in_indirect_tables);
	tcase_add_test(tc, test_dma_by_messages_write_and_read);
	tcase_add_test(tc, test_refused_requests_get_ioerr_or_unsupp);
	tcase_add_test(tc, test_reset_with_requests_in_flight_by_messages);
	tcase_add_test(tc, test_client_leaving_with_requests_in_flight);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	vd.bin = getenv("VIRTIO_BLK");
	if (!vd.bin) {
		fprintf(stderr, "VIRTIO_BLK is not set\n");
		return 1;
	}
	return run_suite(suite());
}
