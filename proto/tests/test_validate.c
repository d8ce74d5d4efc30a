// SPDX-License-Identifier: GPL-2.0-only
/*
 * vu_validate: at least one rejection per command, request and reply,
 * with the errno and the words of @why; overflow cases with counts near
 * UINT32_MAX / UINT64_MAX.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "proto/vu_validate.h"
#include "bytes.h"
#include "check_main.h"

#define MAX_XFER	VFIO_USER_DEFAULT_MAX_DATA_XFER_SIZE

/* Bodies are built in an 8-aligned buffer, as vu_msg_recv() gives. */
struct buf {
	uint64_t q[512];
};

static void mk(struct vu_msg *m, uint16_t cmd, bool reply, const void *body,
	       size_t len, unsigned int nr_fds)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	vu_hdr_command(&m->hdr, 42, cmd, 0);
	if (reply)
		m->hdr.flags = VFIO_USER_F_TYPE_REPLY;
	m->hdr.size = (uint32_t)(16 + len);
	m->body = len ? (void *)body : NULL;
	m->body_len = len;
	m->nr_fds = nr_fds;
	for (i = 0; i < VU_MSG_MAX_FDS_LIMIT; i++)
		m->fds[i] = -1;
}

/* Validate command @cmd with @len bytes of @b and @nr_fds fds. */
static int cmd(uint16_t c, const void *b, size_t len, unsigned int nr_fds,
	       struct vu_why *why)
{
	struct vu_msg m;

	mk(&m, c, false, b, len, nr_fds);
	memset(why->msg, 0, sizeof(why->msg));
	return vu_validate_command(&m, MAX_XFER, why);
}

#define WHY_HAS(w, s) ck_assert_msg(strstr((w).msg, (s)), \
				    "why \"%s\" lacks \"%s\"", (w).msg, (s))

/* --- Header --- */

START_TEST(test_command_with_reply_type_rejected)
{
	struct vu_msg m;
	struct vu_why why;

	mk(&m, VFIO_USER_DEVICE_RESET, true, NULL, 0, 0);
	ck_assert_int_eq(vu_validate_command(&m, MAX_XFER, &why), -EPROTO);
	WHY_HAS(why, "not a command");
}
END_TEST

START_TEST(test_header_size_disagreeing_with_body_rejected)
{
	struct vu_msg m;
	struct vu_why why;

	mk(&m, VFIO_USER_DEVICE_RESET, false, NULL, 0, 0);
	m.hdr.size = 20;
	ck_assert_int_eq(vu_validate_command(&m, MAX_XFER, &why), -EPROTO);
	WHY_HAS(why, "header size 20");
}
END_TEST

START_TEST(test_unknown_command_14_is_eopnotsupp)
{
	struct vu_why why;

	ck_assert_int_eq(cmd(14, NULL, 0, 0, &why), -EOPNOTSUPP);
	ck_assert_int_eq(cmd(19, NULL, 0, 0, &why), -EOPNOTSUPP);
	ck_assert_int_eq(cmd(0, NULL, 0, 0, &why), -EOPNOTSUPP);
}
END_TEST

/* --- VERSION --- */

START_TEST(test_version_short_or_with_fds_rejected)
{
	struct buf b = { { 0 } };
	struct vu_why why;

	ck_assert_int_eq(cmd(VFIO_USER_VERSION, &b, 3, 0, &why), -EINVAL);
	WHY_HAS(why, "shorter than 4");
	ck_assert_int_eq(cmd(VFIO_USER_VERSION, &b, 4, 1, &why), -EINVAL);
	WHY_HAS(why, "1 fds");
	ck_assert_int_eq(cmd(VFIO_USER_VERSION, &b, 4, 0, &why), 0);
}
END_TEST

/* --- DMA_MAP --- */

static size_t dma_map(struct buf *b, uint32_t argsz, uint32_t flags,
		      uint64_t off, uint64_t addr, uint64_t size)
{
	wr32(b, 0, argsz);
	wr32(b, 4, flags);
	wr64(b, 8, off);
	wr64(b, 16, addr);
	wr64(b, 24, size);
	return 32;
}

START_TEST(test_dma_map_accepts_0_or_1_fd)
{
	struct buf b;
	struct vu_why why;
	size_t n = dma_map(&b, 32, 3, 0, 0x100000, 0x200000);

	ck_assert_int_eq(cmd(VFIO_USER_DMA_MAP, &b, n, 0, &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_MAP, &b, n, 1, &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_MAP, &b, n, 2, &why), -EINVAL);
	WHY_HAS(why, "2 fds");
}
END_TEST

START_TEST(test_dma_map_bad_argsz_flags_size_rejected)
{
	struct buf b;
	struct vu_why why;
	size_t n;

	n = dma_map(&b, 16, 3, 0, 0, 4096);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_MAP, &b, n, 0, &why), -EINVAL);
	WHY_HAS(why, "argsz 16");
	n = dma_map(&b, 64, 3, 0, 0, 4096);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_MAP, &b, n, 0, &why), -EINVAL);
	n = dma_map(&b, 32, 0x10, 0, 0, 4096);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_MAP, &b, n, 0, &why), -EINVAL);
	WHY_HAS(why, "flags 0x10");
	n = dma_map(&b, 32, 3, 0, 0, 0);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_MAP, &b, n, 0, &why), -EINVAL);
	WHY_HAS(why, "size is 0");
	ck_assert_int_eq(cmd(VFIO_USER_DMA_MAP, &b, 31, 0, &why), -EINVAL);
}
END_TEST

START_TEST(test_dma_map_wrapping_address_or_offset_rejected)
{
	struct buf b;
	struct vu_why why;
	size_t n;

	n = dma_map(&b, 32, 3, 0, UINT64_MAX - 4095, 8192);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_MAP, &b, n, 0, &why), -EINVAL);
	WHY_HAS(why, "wraps");
	n = dma_map(&b, 32, 3, UINT64_MAX, 0, 2);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_MAP, &b, n, 1, &why), -EINVAL);
	WHY_HAS(why, "offset");
}
END_TEST

/* --- DMA_UNMAP --- */

static size_t dma_unmap(struct buf *b, uint32_t argsz, uint32_t flags,
			uint64_t addr, uint64_t size)
{
	wr32(b, 0, argsz);
	wr32(b, 4, flags);
	wr64(b, 8, addr);
	wr64(b, 16, size);
	return 24;
}

START_TEST(test_dma_unmap_flags_and_ranges_checked)
{
	struct buf b;
	struct vu_why why;
	size_t n;

	n = dma_unmap(&b, 24, 0, 0x1000, 0x1000);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n, 0, &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n, 1, &why), -EINVAL);
	n = dma_unmap(&b, 24, VFIO_USER_DMA_UNMAP_FLAG_ALL, 0, 0);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n, 0, &why), 0);
	n = dma_unmap(&b, 24, VFIO_USER_DMA_UNMAP_FLAG_ALL, 0x1000, 0);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n, 0, &why), -EINVAL);
	WHY_HAS(why, "DMA_UNMAP of all");
	n = dma_unmap(&b, 24, 4, 0x1000, 0x1000);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n, 0, &why), -EINVAL);
	n = dma_unmap(&b, 8, 0, 0x1000, 0x1000);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n, 0, &why), -EINVAL);
	WHY_HAS(why, "argsz 8");
	n = dma_unmap(&b, 24, 0, 0x1000, 0);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n, 0, &why), -EINVAL);
	n = dma_unmap(&b, 24, 0, UINT64_MAX, 2);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n, 0, &why), -EINVAL);
}
END_TEST

START_TEST(test_dma_unmap_dirty_bitmap_size_near_u64_max_rejected)
{
	struct buf b;
	struct vu_why why;
	size_t n = dma_unmap(&b, 24 + 16 + 8,
			     VFIO_USER_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
			     0x1000, 0x40000);

	wr64(&b, 24, 4096);
	wr64(&b, 32, 8);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n + 16, 0, &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n, 0, &why), -EINVAL);
	wr64(&b, 32, UINT64_MAX - 8);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n + 16, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "bitmap");
	wr64(&b, 32, 8);
	wr64(&b, 24, 4095);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_UNMAP, &b, n + 16, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "power of 2");
}
END_TEST

/* --- GET_INFO, GET_REGION_INFO, GET_REGION_IO_FDS, GET_IRQ_INFO --- */

START_TEST(test_get_info_argsz_below_reply_rejected)
{
	struct buf b = { { 0 } };
	struct vu_why why;

	wr32(&b, 0, 16);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_GET_INFO, &b, 16, 0, &why), 0);
	wr32(&b, 0, 8);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_GET_INFO, &b, 16, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "DEVICE_GET_INFO argsz 8");
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_GET_INFO, &b, 12, 0, &why),
			 -EINVAL);
}
END_TEST

START_TEST(test_get_region_info_argsz_and_fds_checked)
{
	struct buf b = { { 0 } };
	struct vu_why why;

	wr32(&b, 0, 32);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_GET_REGION_INFO, &b, 32, 0,
			     &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_GET_REGION_INFO, &b, 32, 1,
			     &why), -EINVAL);
	wr32(&b, 0, 16);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_GET_REGION_INFO, &b, 32, 0,
			     &why), -EINVAL);
	WHY_HAS(why, "argsz 16");
}
END_TEST

START_TEST(test_get_region_io_fds_request_count_must_be_0)
{
	struct buf b = { { 0 } };
	struct vu_why why;

	wr32(&b, 0, 4096);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_GET_REGION_IO_FDS, &b, 16, 0,
			     &why), 0);
	wr32(&b, 12, 3);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_GET_REGION_IO_FDS, &b, 16, 0,
			     &why), -EINVAL);
	WHY_HAS(why, "count 3");
}
END_TEST

START_TEST(test_get_irq_info_with_fd_rejected)
{
	struct buf b = { { 0 } };
	struct vu_why why;

	wr32(&b, 0, 16);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_GET_IRQ_INFO, &b, 16, 1, &why),
			 -EINVAL);
	WHY_HAS(why, "DEVICE_GET_IRQ_INFO came with 1 fds");
}
END_TEST

/* --- SET_IRQS --- */

static size_t set_irqs(struct buf *b, uint32_t argsz, uint32_t flags,
		       uint32_t start, uint32_t count)
{
	wr32(b, 0, argsz);
	wr32(b, 4, flags);
	wr32(b, 8, VFIO_PCI_MSIX_IRQ_INDEX);
	wr32(b, 12, start);
	wr32(b, 16, count);
	return 20;
}

START_TEST(test_set_irqs_eventfd_trigger_needs_count_fds_or_none)
{
	const uint32_t f = VFIO_IRQ_SET_DATA_EVENTFD |
			   VFIO_IRQ_SET_ACTION_TRIGGER;
	struct buf b;
	struct vu_why why;
	size_t n = set_irqs(&b, 20, f, 0, 3);

	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, n, 3, &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, n, 0, &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, n, 2, &why),
			 -EINVAL);
	WHY_HAS(why, "count 3 came with 2 fds");
}
END_TEST

START_TEST(test_set_irqs_flags_must_be_one_data_one_action)
{
	struct buf b;
	struct vu_why why;
	size_t n;

	n = set_irqs(&b, 20, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL |
		     VFIO_IRQ_SET_ACTION_MASK, 0, 1);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, n, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "one DATA and one ACTION");
	n = set_irqs(&b, 20, VFIO_IRQ_SET_DATA_NONE, 0, 1);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, n, 0, &why),
			 -EINVAL);
	n = set_irqs(&b, 20, VFIO_IRQ_SET_DATA_NONE |
		     VFIO_IRQ_SET_ACTION_TRIGGER | (1u << 6), 0, 1);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, n, 0, &why),
			 -EINVAL);
}
END_TEST

START_TEST(test_set_irqs_bool_data_must_be_present)
{
	const uint32_t f = VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK;
	struct buf b;
	struct vu_why why;

	set_irqs(&b, 22, f, 0, 4);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, 22, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "count 4 exceeds the 2 bool bytes present");
	set_irqs(&b, 24, f, 0, 4);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, 24, 0, &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, 24, 1, &why),
			 -EINVAL);
	set_irqs(&b, 24, f, 0, UINT32_MAX);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, 24, 0, &why),
			 -EINVAL);
	/* argsz claims more than the body holds */
	set_irqs(&b, 64, f, 0, 4);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, 24, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "argsz 64");
}
END_TEST

START_TEST(test_set_irqs_start_plus_count_wrap_rejected)
{
	struct buf b;
	struct vu_why why;
	size_t n = set_irqs(&b, 20, VFIO_IRQ_SET_DATA_EVENTFD |
			    VFIO_IRQ_SET_ACTION_TRIGGER, UINT32_MAX, 2);

	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, n, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "wraps");
}
END_TEST

START_TEST(test_set_irqs_count_0_only_disables_with_data_none)
{
	struct buf b;
	struct vu_why why;
	size_t n;

	n = set_irqs(&b, 20, VFIO_IRQ_SET_DATA_NONE |
		     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, n, 0, &why), 0);
	n = set_irqs(&b, 20, VFIO_IRQ_SET_DATA_EVENTFD |
		     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, n, 0, &why),
			 -EINVAL);
	n = set_irqs(&b, 20, VFIO_IRQ_SET_DATA_NONE |
		     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 2);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_SET_IRQS, &b, n, 1, &why),
			 -EINVAL);
}
END_TEST

/* --- REGION_READ / REGION_WRITE --- */

static size_t region_rw(struct buf *b, uint64_t off, uint32_t region,
			uint32_t count)
{
	wr64(b, 0, off);
	wr32(b, 8, region);
	wr32(b, 12, count);
	return 16;
}

START_TEST(test_region_write_count_beyond_data_rejected)
{
	struct buf b;
	struct vu_why why;
	size_t n = region_rw(&b, 0x10, 0, 8);

	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE, &b, n + 4, 0, &why),
			 -EINVAL);
	ck_assert_str_eq(why.msg,
			 "REGION_WRITE count 8 exceeds the 4 data bytes present");
	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE, &b, n + 8, 0, &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE, &b, n + 12, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "carries 12 data bytes but count is 8");
	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE, &b, n + 8, 1, &why),
			 -EINVAL);
}
END_TEST

START_TEST(test_region_write_count_near_u32_max_is_e2big)
{
	struct buf b;
	struct vu_why why;
	size_t n = region_rw(&b, 0, 0, UINT32_MAX);

	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE, &b, n + 8, 0, &why),
			 -E2BIG);
	WHY_HAS(why, "max_data_xfer_size");
	region_rw(&b, 0, 0, MAX_XFER + 1);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE, &b, n, 0, &why), -E2BIG);
}
END_TEST

START_TEST(test_region_read_count_and_offset_checked)
{
	struct buf b;
	struct vu_why why;
	size_t n;

	n = region_rw(&b, 0, 2, 4);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_READ, &b, n, 0, &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_READ, &b, n + 4, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "REGION_READ carries 4 bytes");
	region_rw(&b, 0, 2, 0);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_READ, &b, n, 0, &why), -EINVAL);
	WHY_HAS(why, "count is 0");
	region_rw(&b, UINT64_MAX - 1, 2, 4);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_READ, &b, n, 0, &why), -EINVAL);
	WHY_HAS(why, "wraps");
	ck_assert_int_eq(cmd(VFIO_USER_REGION_READ, &b, 15, 0, &why),
			 -EINVAL);
}
END_TEST

/* --- DMA_READ / DMA_WRITE --- */

START_TEST(test_dma_read_count_u64_bounds)
{
	struct buf b;
	struct vu_why why;

	wr64(&b, 0, 0x1000);
	wr64(&b, 8, UINT64_MAX);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_READ, &b, 16, 0, &why), -E2BIG);
	WHY_HAS(why, "DMA_READ count 18446744073709551615");
	wr64(&b, 8, 1ull << 32);	/* a u32 reader would see 0 */
	ck_assert_int_eq(cmd(VFIO_USER_DMA_READ, &b, 16, 0, &why), -E2BIG);
	wr64(&b, 8, 4096);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_READ, &b, 16, 0, &why), 0);
	wr64(&b, 0, UINT64_MAX - 10);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_READ, &b, 16, 0, &why), -EINVAL);
}
END_TEST

START_TEST(test_dma_write_data_must_match_count)
{
	struct buf b;
	struct vu_why why;

	wr64(&b, 0, 0x1000);
	wr64(&b, 8, 16);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_WRITE, &b, 32, 0, &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_DMA_WRITE, &b, 24, 0, &why), -EINVAL);
	WHY_HAS(why, "DMA_WRITE count 16 exceeds the 8 data bytes present");
	ck_assert_int_eq(cmd(VFIO_USER_DMA_WRITE, &b, 32, 1, &why), -EINVAL);
}
END_TEST

/* --- DEVICE_RESET --- */

START_TEST(test_device_reset_takes_no_body)
{
	struct buf b = { { 0 } };
	struct vu_why why;

	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_RESET, NULL, 0, 0, &why), 0);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_RESET, &b, 4, 0, &why),
			 -EINVAL);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_RESET, NULL, 0, 1, &why),
			 -EINVAL);
}
END_TEST

/* --- REGION_WRITE_MULTI --- */

START_TEST(test_write_multi_count_and_entries_checked)
{
	struct buf b = { { 0 } };
	struct vu_why why;

	wr64(&b, 0, 2);
	wr64(&b, 8, 0x10);
	wr32(&b, 20, 4);
	wr64(&b, 32, 0x20);
	wr32(&b, 44, 8);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE_MULTI, &b, 56, 0, &why),
			 0);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE_MULTI, &b, 32, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "wr_cnt 2");
	wr64(&b, 0, UINT64_MAX);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE_MULTI, &b, 56, 0, &why),
			 -EINVAL);
	/* wr_cnt * 24 wrapping to the size present */
	wr64(&b, 0, (UINT64_MAX / 24) + 3);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE_MULTI, &b, 56, 0, &why),
			 -EINVAL);
	wr64(&b, 0, 2);
	wr32(&b, 44, 9);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE_MULTI, &b, 56, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "write 1 count 9");
	wr64(&b, 0, 0);
	ck_assert_int_eq(cmd(VFIO_USER_REGION_WRITE_MULTI, &b, 8, 0, &why),
			 -EINVAL);
}
END_TEST

/* --- DEVICE_FEATURE --- */

START_TEST(test_device_feature_flags_checked)
{
	struct buf b = { { 0 } };
	struct vu_why why;

	wr32(&b, 0, 16);
	wr32(&b, 4, VFIO_DEVICE_FEATURE_GET | 1);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_FEATURE, &b, 8, 0, &why), 0);
	wr32(&b, 4, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET | 2);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_FEATURE, &b, 8, 0, &why),
			 -EINVAL);
	wr32(&b, 4, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET |
	     VFIO_DEVICE_FEATURE_PROBE | 2);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_FEATURE, &b, 8, 0, &why), 0);
	wr32(&b, 4, 1u << 20 | VFIO_DEVICE_FEATURE_GET);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_FEATURE, &b, 8, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "unknown bits");
	wr32(&b, 4, 1);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_FEATURE, &b, 8, 0, &why),
			 -EINVAL);
	wr32(&b, 0, 4);
	wr32(&b, 4, VFIO_DEVICE_FEATURE_GET | 1);
	ck_assert_int_eq(cmd(VFIO_USER_DEVICE_FEATURE, &b, 8, 0, &why),
			 -EINVAL);
}
END_TEST

/* --- MIG_DATA_READ / MIG_DATA_WRITE --- */

START_TEST(test_mig_data_sizes_checked)
{
	struct buf b = { { 0 } };
	struct vu_why why;

	wr32(&b, 0, 8 + 4096);
	wr32(&b, 4, 4096);
	ck_assert_int_eq(cmd(VFIO_USER_MIG_DATA_READ, &b, 8, 0, &why), 0);
	wr32(&b, 4, UINT32_MAX);
	ck_assert_int_eq(cmd(VFIO_USER_MIG_DATA_READ, &b, 8, 0, &why), -E2BIG);
	wr32(&b, 0, 8);
	wr32(&b, 4, 16);
	ck_assert_int_eq(cmd(VFIO_USER_MIG_DATA_WRITE, &b, 8 + 16, 0, &why),
			 0);
	ck_assert_int_eq(cmd(VFIO_USER_MIG_DATA_WRITE, &b, 8 + 8, 0, &why),
			 -EINVAL);
	WHY_HAS(why, "MIG_DATA_WRITE count 16 exceeds the 8 data bytes");
}
END_TEST

/* --- Replies --- */

/* Validate reply @r_body to command @c sent with @q_body. */
static int reply(uint16_t c, const void *q, size_t qlen, const void *r,
		 size_t rlen, unsigned int nr_fds, struct vu_why *why)
{
	struct vfio_user_header h;
	struct vu_sent s = { .hdr = &h, .body = q, .body_len = qlen };
	struct vu_msg m;

	vu_hdr_command(&h, 42, c, 0);
	mk(&m, c, true, r, rlen, nr_fds);
	memset(why->msg, 0, sizeof(why->msg));
	return vu_validate_reply(&s, &m, why);
}

START_TEST(test_reply_with_other_msg_id_or_command_rejected)
{
	struct vfio_user_header h;
	struct vu_sent s = { .hdr = &h };
	struct vu_msg m;
	struct vu_why why;

	vu_hdr_command(&h, 42, VFIO_USER_DEVICE_RESET, 0);
	mk(&m, VFIO_USER_DEVICE_RESET, true, NULL, 0, 0);
	ck_assert_int_eq(vu_validate_reply(&s, &m, &why), 0);
	m.hdr.msg_id = 43;
	ck_assert_int_eq(vu_validate_reply(&s, &m, &why), -EPROTO);
	WHY_HAS(why, "not the reply");
	mk(&m, VFIO_USER_DMA_MAP, true, NULL, 0, 0);
	ck_assert_int_eq(vu_validate_reply(&s, &m, &why), -EPROTO);
	mk(&m, VFIO_USER_DEVICE_RESET, false, NULL, 0, 0);
	ck_assert_int_eq(vu_validate_reply(&s, &m, &why), -EPROTO);
}
END_TEST

START_TEST(test_error_reply_accepted_and_decoded)
{
	struct vfio_user_header h;
	struct vu_sent s = { .hdr = &h };
	struct vu_msg m;
	struct vu_why why;

	vu_hdr_command(&h, 42, VFIO_USER_REGION_READ, 0);
	mk(&m, VFIO_USER_REGION_READ, true, NULL, 0, 0);
	vu_hdr_error(&m.hdr, &h, EFAULT);
	ck_assert_int_eq(vu_validate_reply(&s, &m, &why), 0);
	ck_assert_int_eq(vu_reply_errno(&m.hdr), -EFAULT);
}
END_TEST

START_TEST(test_empty_replies_with_body_or_fds_rejected)
{
	struct buf b = { { 0 } };
	struct vu_why why;

	ck_assert_int_eq(reply(VFIO_USER_DMA_MAP, NULL, 0, NULL, 0, 0, &why),
			 0);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_SET_IRQS, NULL, 0, &b, 4, 0,
			       &why), -EPROTO);
	WHY_HAS(why, "DEVICE_SET_IRQS reply has a 4-byte body");
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_RESET, NULL, 0, NULL, 0, 1,
			       &why), -EPROTO);
	ck_assert_int_eq(reply(VFIO_USER_MIG_DATA_WRITE, NULL, 0, NULL, 0, 0,
			       &why), 0);
}
END_TEST

START_TEST(test_version_reply_with_two_fds_rejected)
{
	struct buf b = { { 0 } };
	struct vu_why why;

	ck_assert_int_eq(reply(VFIO_USER_VERSION, NULL, 0, &b, 5, 1, &why), 0);
	ck_assert_int_eq(reply(VFIO_USER_VERSION, NULL, 0, &b, 5, 2, &why),
			 -EPROTO);
	ck_assert_int_eq(reply(VFIO_USER_VERSION, NULL, 0, &b, 2, 0, &why),
			 -EPROTO);
}
END_TEST

START_TEST(test_dma_unmap_reply_must_echo_range)
{
	struct buf q, r;
	struct vu_why why;

	dma_unmap(&q, 24, 0, 0x1000, 0x2000);
	dma_unmap(&r, 24, 0, 0x1000, 0x2000);
	ck_assert_int_eq(reply(VFIO_USER_DMA_UNMAP, &q, 24, &r, 24, 0, &why),
			 0);
	ck_assert_int_eq(reply(VFIO_USER_DMA_UNMAP, &q, 24, NULL, 0, 0, &why),
			 0);
	dma_unmap(&r, 24, 0, 0x1000, 0x3000);
	ck_assert_int_eq(reply(VFIO_USER_DMA_UNMAP, &q, 24, &r, 24, 0, &why),
			 -EPROTO);
	ck_assert_int_eq(reply(VFIO_USER_DMA_UNMAP, &q, 24, &r, 12, 0, &why),
			 -EPROTO);
}
END_TEST

START_TEST(test_get_info_reply_argsz_checked)
{
	struct buf r = { { 0 } };
	struct vu_why why;

	wr32(&r, 0, 16);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_GET_INFO, NULL, 0, &r, 16, 0,
			       &why), 0);
	wr32(&r, 0, 4);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_GET_INFO, NULL, 0, &r, 16, 0,
			       &why), -EPROTO);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_GET_INFO, NULL, 0, &r, 8, 0,
			       &why), -EPROTO);
}
END_TEST

START_TEST(test_irq_info_reply_for_other_index_rejected)
{
	struct buf q = { { 0 } }, r = { { 0 } };
	struct vu_why why;

	wr32(&q, 0, 16);
	wr32(&q, 8, 2);
	wr32(&r, 0, 16);
	wr32(&r, 8, 2);
	wr32(&r, 12, 1);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_GET_IRQ_INFO, &q, 16, &r, 16,
			       0, &why), 0);
	wr32(&r, 8, 3);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_GET_IRQ_INFO, &q, 16, &r, 16,
			       0, &why), -EPROTO);
	WHY_HAS(why, "index 3, we asked for 2");
}
END_TEST

START_TEST(test_region_read_reply_count_checked)
{
	struct buf q, r;
	struct vu_why why;

	region_rw(&q, 0x10, 1, 4);
	region_rw(&r, 0x10, 1, 4);
	ck_assert_int_eq(reply(VFIO_USER_REGION_READ, &q, 16, &r, 20, 0, &why),
			 0);
	ck_assert_int_eq(reply(VFIO_USER_REGION_READ, &q, 16, &r, 18, 0, &why),
			 -EPROTO);
	WHY_HAS(why, "count 4 exceeds the 2 data bytes present");
	region_rw(&r, 0x10, 1, 8);
	ck_assert_int_eq(reply(VFIO_USER_REGION_READ, &q, 16, &r, 24, 0, &why),
			 -E2BIG);
	region_rw(&r, 0x10, 2, 4);
	ck_assert_int_eq(reply(VFIO_USER_REGION_READ, &q, 16, &r, 20, 0, &why),
			 -EPROTO);
	region_rw(&r, 0x10, 1, 4);
	ck_assert_int_eq(reply(VFIO_USER_REGION_WRITE, &q, 20, &r, 16, 0,
			       &why), 0);
	ck_assert_int_eq(reply(VFIO_USER_REGION_READ, NULL, 0, &r, 20, 0,
			       &why), -EINVAL);
}
END_TEST

START_TEST(test_dma_read_reply_data_must_match_count)
{
	struct buf q, r;
	struct vu_why why;

	wr64(&q, 0, 0x1000);
	wr64(&q, 8, 8);
	wr64(&r, 0, 0x1000);
	wr64(&r, 8, 8);
	ck_assert_int_eq(reply(VFIO_USER_DMA_READ, &q, 16, &r, 24, 0, &why),
			 0);
	ck_assert_int_eq(reply(VFIO_USER_DMA_READ, &q, 16, &r, 20, 0, &why),
			 -EPROTO);
	wr64(&r, 8, UINT64_MAX);
	ck_assert_int_eq(reply(VFIO_USER_DMA_READ, &q, 16, &r, 24, 0, &why),
			 -E2BIG);
	wr64(&r, 0, 0x2000);
	wr64(&r, 8, 8);
	ck_assert_int_eq(reply(VFIO_USER_DMA_READ, &q, 16, &r, 24, 0, &why),
			 -EPROTO);
}
END_TEST

START_TEST(test_dma_write_reply_accepts_spec_12_byte_form)
{
	struct buf q, r;
	struct vu_why why;

	wr64(&q, 0, 0x1000);
	wr64(&q, 8, 8);
	wr64(&r, 0, 0x1000);
	wr64(&r, 8, 8);
	ck_assert_int_eq(reply(VFIO_USER_DMA_WRITE, &q, 24, &r, 16, 0, &why),
			 0);
	ck_assert_int_eq(reply(VFIO_USER_DMA_WRITE, &q, 24, &r, 12, 0, &why),
			 0);
	ck_assert_int_eq(reply(VFIO_USER_DMA_WRITE, &q, 24, &r, 8, 0, &why),
			 -EPROTO);
}
END_TEST

START_TEST(test_write_multi_reply_count_checked)
{
	struct buf q, r;
	struct vu_why why;

	wr64(&q, 0, 2);
	wr64(&r, 0, 2);
	ck_assert_int_eq(reply(VFIO_USER_REGION_WRITE_MULTI, &q, 56, &r, 8, 0,
			       &why), 0);
	wr64(&r, 0, 3);
	ck_assert_int_eq(reply(VFIO_USER_REGION_WRITE_MULTI, &q, 56, &r, 8, 0,
			       &why), -EPROTO);
}
END_TEST

START_TEST(test_device_feature_reply_argsz_within_body)
{
	struct buf r = { { 0 } };
	struct vu_why why;

	wr32(&r, 0, 16);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_FEATURE, NULL, 0, &r, 16, 0,
			       &why), 0);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_FEATURE, NULL, 0, &r, 12, 0,
			       &why), -EPROTO);
}
END_TEST

START_TEST(test_mig_data_read_reply_size_checked)
{
	struct buf q = { { 0 } }, r = { { 0 } };
	struct vu_why why;

	wr32(&q, 0, 8 + 64);
	wr32(&q, 4, 64);
	wr32(&r, 0, 8 + 16);
	wr32(&r, 4, 16);
	ck_assert_int_eq(reply(VFIO_USER_MIG_DATA_READ, &q, 8, &r, 24, 0,
			       &why), 0);
	ck_assert_int_eq(reply(VFIO_USER_MIG_DATA_READ, &q, 8, &r, 20, 0,
			       &why), -EPROTO);
	wr32(&r, 4, 128);
	ck_assert_int_eq(reply(VFIO_USER_MIG_DATA_READ, &q, 8, &r, 24, 0,
			       &why), -E2BIG);
}
END_TEST

/* --- Region info capability chain --- */

/* Region info of @size with a sparse cap of @nr areas at 32. */
static size_t region_info_sparse(struct buf *b, uint64_t size, uint32_t nr)
{
	uint32_t i;

	memset(b, 0, sizeof(*b));
	wr32(b, 0, 32 + 16 + 16 * nr);
	wr32(b, 4, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_MMAP |
	     VFIO_REGION_INFO_FLAG_CAPS);
	wr32(b, 8, 0);
	wr32(b, 12, 32);
	wr64(b, 16, size);
	wr16(b, 32, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	wr16(b, 34, 1);
	wr32(b, 36, 0);
	wr32(b, 40, nr);
	for (i = 0; i < nr; i++) {
		wr64(b, 48 + 16 * i, 0x1000 * (i + 1));
		wr64(b, 56 + 16 * i, 0x1000);
	}
	return 32 + 16 + 16 * nr;
}

START_TEST(test_region_info_sparse_cap_found)
{
	struct vu_region_caps c;
	struct buf b;
	struct vu_why why;
	size_t n = region_info_sparse(&b, 0x10000, 2);

	ck_assert_int_eq(vu_region_info_caps(&b, n, &c, &why), 0);
	ck_assert(c.complete);
	ck_assert_ptr_nonnull(c.sparse);
	ck_assert_uint_eq(c.sparse->nr_areas, 2);
	ck_assert_uint_eq(c.sparse->areas[1].offset, 0x2000);
	ck_assert_ptr_null(c.type);
}
END_TEST

START_TEST(test_region_info_short_argsz_means_retry)
{
	struct vu_region_caps c;
	struct buf b;
	size_t n = region_info_sparse(&b, 0x10000, 2);

	ck_assert_int_eq(vu_region_info_caps(&b, 32, &c, NULL), 0);
	ck_assert(!c.complete);
	ck_assert_uint_eq(c.argsz, n);
	ck_assert_ptr_null(c.sparse);
}
END_TEST

START_TEST(test_region_info_sparse_area_outside_region_rejected)
{
	struct vu_region_caps c;
	struct buf b;
	struct vu_why why;
	size_t n = region_info_sparse(&b, 0x2000, 2);

	ck_assert_int_eq(vu_region_info_caps(&b, n, &c, &why), -EPROTO);
	WHY_HAS(why, "sparse area 1");
	n = region_info_sparse(&b, 0x10000, 1);
	wr64(&b, 48, UINT64_MAX - 0x10);	/* offset + size wraps */
	ck_assert_int_eq(vu_region_info_caps(&b, n, &c, &why), -EPROTO);
}
END_TEST

START_TEST(test_region_info_sparse_nr_areas_near_u32_max_rejected)
{
	struct vu_region_caps c;
	struct buf b;
	struct vu_why why;
	size_t n = region_info_sparse(&b, 0x10000, 1);

	wr32(&b, 40, UINT32_MAX);
	ck_assert_int_eq(vu_region_info_caps(&b, n, &c, &why), -EPROTO);
	WHY_HAS(why, "nr_areas 4294967295");
}
END_TEST

START_TEST(test_region_info_cap_chain_loop_or_misaligned_rejected)
{
	struct vu_region_caps c;
	struct buf b;
	struct vu_why why;
	size_t n = region_info_sparse(&b, 0x10000, 1);

	wr32(&b, 36, 32);	/* next points to itself */
	ck_assert_int_eq(vu_region_info_caps(&b, n, &c, &why), -EPROTO);
	WHY_HAS(why, "points back");
	wr32(&b, 36, 0);
	wr32(&b, 12, 36);	/* misaligned */
	ck_assert_int_eq(vu_region_info_caps(&b, n, &c, &why), -EPROTO);
	wr32(&b, 12, 16);	/* inside the info */
	ck_assert_int_eq(vu_region_info_caps(&b, n, &c, &why), -EPROTO);
	wr32(&b, 12, 4096);	/* beyond argsz */
	ck_assert_int_eq(vu_region_info_caps(&b, n, &c, &why), -EPROTO);
}
END_TEST

START_TEST(test_region_info_type_cap_and_unknown_cap)
{
	struct vu_region_caps c;
	struct buf b = { { 0 } };

	wr32(&b, 0, 32 + 8 + 16);
	wr32(&b, 4, VFIO_REGION_INFO_FLAG_CAPS);
	wr32(&b, 12, 32);
	wr16(&b, 32, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);	/* skipped */
	wr32(&b, 36, 40);
	wr16(&b, 40, VFIO_REGION_INFO_CAP_TYPE);
	wr32(&b, 48, 3);
	wr32(&b, 52, 1);
	ck_assert_int_eq(vu_region_info_caps(&b, 56, &c, NULL), 0);
	ck_assert_ptr_nonnull(c.type);
	ck_assert_uint_eq(c.type->type, 3);
	ck_assert_ptr_null(c.sparse);
}
END_TEST

START_TEST(test_region_info_reply_index_and_fds_checked)
{
	struct buf q = { { 0 } }, r;
	struct vu_why why;
	size_t n = region_info_sparse(&r, 0x10000, 1);

	wr32(&q, 0, 4096);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_GET_REGION_INFO, &q, 32, &r, n,
			       1, &why), 0);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_GET_REGION_INFO, &q, 32, &r, n,
			       2, &why), -EPROTO);
	wr32(&q, 8, 1);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_GET_REGION_INFO, &q, 32, &r, n,
			       1, &why), -EPROTO);
	WHY_HAS(why, "index 0, we asked for 1");
}
END_TEST

/* --- GET_REGION_IO_FDS reply --- */

static size_t io_fds(struct buf *b, uint32_t count, size_t stride)
{
	uint32_t i;

	memset(b, 0, sizeof(*b));
	wr32(b, 0, (uint32_t)(16 + count * stride));
	wr32(b, 8, 2);
	wr32(b, 12, count);
	for (i = 0; i < count; i++) {
		uint8_t *e = (uint8_t *)b + 16 + i * stride;

		wr64(e, 0, 0x100 * i);
		wr64(e, 8, 4);
		wr32(e, 16, i);
		wr32(e, 20, VFIO_USER_IO_FD_TYPE_IOEVENTFD);
		wr32(e, 24, 1);
		wr64(e, stride == 40 ? 32 : 40, 0xd0 + i);
	}
	return 16 + count * stride;
}

START_TEST(test_io_fds_spec_40_byte_entries)
{
	struct vu_io_fds io;
	struct vu_io_fd_entry e;
	struct buf b;
	size_t n = io_fds(&b, 3, 40);

	ck_assert_int_eq(vu_io_fds_parse(&b, n, 3, &io, NULL), 0);
	ck_assert(io.complete);
	ck_assert_uint_eq(io.stride, 40);
	vu_io_fds_entry(&io, 2, &e);
	ck_assert_uint_eq(e.offset, 0x200);
	ck_assert_uint_eq(e.fd_index, 2);
	ck_assert_uint_eq(e.datamatch, 0xd2);
	ck_assert_int_eq(e.shadow_fd_index, -1);
}
END_TEST

START_TEST(test_io_fds_libvfio_user_48_byte_entries_use_argsz_stride)
{
	struct vu_io_fds io;
	struct vu_io_fd_entry e;
	struct buf b;
	size_t n = io_fds(&b, 3, 48);

	ck_assert_int_eq(vu_io_fds_parse(&b, n, 3, &io, NULL), 0);
	ck_assert_uint_eq(io.stride, 48);
	vu_io_fds_entry(&io, 1, &e);
	ck_assert_uint_eq(e.offset, 0x100);
	ck_assert_uint_eq(e.fd_index, 1);
	ck_assert_uint_eq(e.datamatch, 0xd1);
	vu_io_fds_entry(&io, 2, &e);
	ck_assert_uint_eq(e.offset, 0x200);
}
END_TEST

START_TEST(test_io_fds_fd_index_beyond_fds_rejected)
{
	struct vu_io_fds io;
	struct buf b;
	struct vu_why why;
	size_t n = io_fds(&b, 3, 40);

	ck_assert_int_eq(vu_io_fds_parse(&b, n, 2, &io, &why), -EPROTO);
	WHY_HAS(why, "sub-region 2 fd_index 2");
	ck_assert_int_eq(vu_io_fds_parse(&b, n, 0, &io, &why), -EPROTO);
}
END_TEST

START_TEST(test_io_fds_argsz_not_whole_entries_rejected)
{
	struct vu_io_fds io;
	struct buf b;
	struct vu_why why;
	size_t n = io_fds(&b, 3, 40);

	wr32(&b, 0, 16 + 3 * 40 + 1);
	ck_assert_int_eq(vu_io_fds_parse(&b, n + 1, 3, &io, &why), -EPROTO);
	WHY_HAS(why, "whole entries");
	/* count near UINT32_MAX: the stride would be below 40 */
	wr32(&b, 0, UINT32_MAX);
	wr32(&b, 12, UINT32_MAX - 1);
	ck_assert_int_eq(vu_io_fds_parse(&b, n, 3, &io, &why), -EPROTO);
	wr32(&b, 0, 16 + 3 * 32);
	wr32(&b, 12, 3);
	ck_assert_int_eq(vu_io_fds_parse(&b, n, 3, &io, &why), -EPROTO);
}
END_TEST

START_TEST(test_io_fds_count_without_entries_means_retry)
{
	struct buf q = { { 0 } }, r;
	struct vu_io_fds io;
	struct vu_why why;

	io_fds(&r, 3, 48);
	/* libvfio-user: count and argsz, no entries, no fds */
	ck_assert_int_eq(vu_io_fds_parse(&r, 16, 0, &io, &why), 0);
	ck_assert(!io.complete);
	ck_assert_uint_eq(io.argsz, 16 + 3 * 48);
	wr32(&q, 0, 16);
	wr32(&q, 8, 2);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_GET_REGION_IO_FDS, &q, 16, &r,
			       16, 0, &why), 0);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_GET_REGION_IO_FDS, &q, 16, &r,
			       16, 1, &why), -EPROTO);
	wr32(&q, 8, 0);
	ck_assert_int_eq(reply(VFIO_USER_DEVICE_GET_REGION_IO_FDS, &q, 16, &r,
			       16, 0, &why), -EPROTO);
}
END_TEST

START_TEST(test_io_fds_flags_and_short_body_rejected)
{
	struct vu_io_fds io;
	struct buf b;
	struct vu_why why;
	size_t n = io_fds(&b, 0, 40);

	ck_assert_int_eq(vu_io_fds_parse(&b, n, 0, &io, &why), 0);
	ck_assert(io.complete);
	wr32(&b, 4, 1);
	ck_assert_int_eq(vu_io_fds_parse(&b, n, 0, &io, &why), -EPROTO);
	ck_assert_int_eq(vu_io_fds_parse(&b, 12, 0, &io, &why), -EPROTO);
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("proto_validate");
	TCase *c = tcase_create("commands");
	TCase *r = tcase_create("replies");

	tcase_add_test(c, test_command_with_reply_type_rejected);
	tcase_add_test(c, test_header_size_disagreeing_with_body_rejected);
	tcase_add_test(c, test_unknown_command_14_is_eopnotsupp);
	tcase_add_test(c, test_version_short_or_with_fds_rejected);
	tcase_add_test(c, test_dma_map_accepts_0_or_1_fd);
	tcase_add_test(c, test_dma_map_bad_argsz_flags_size_rejected);
	tcase_add_test(c, test_dma_map_wrapping_address_or_offset_rejected);
	tcase_add_test(c, test_dma_unmap_flags_and_ranges_checked);
	tcase_add_test(c, test_dma_unmap_dirty_bitmap_size_near_u64_max_rejected);
	tcase_add_test(c, test_get_info_argsz_below_reply_rejected);
	tcase_add_test(c, test_get_region_info_argsz_and_fds_checked);
	tcase_add_test(c, test_get_region_io_fds_request_count_must_be_0);
	tcase_add_test(c, test_get_irq_info_with_fd_rejected);
	tcase_add_test(c, test_set_irqs_eventfd_trigger_needs_count_fds_or_none);
	tcase_add_test(c, test_set_irqs_flags_must_be_one_data_one_action);
	tcase_add_test(c, test_set_irqs_bool_data_must_be_present);
	tcase_add_test(c, test_set_irqs_start_plus_count_wrap_rejected);
	tcase_add_test(c, test_set_irqs_count_0_only_disables_with_data_none);
	tcase_add_test(c, test_region_write_count_beyond_data_rejected);
	tcase_add_test(c, test_region_write_count_near_u32_max_is_e2big);
	tcase_add_test(c, test_region_read_count_and_offset_checked);
	tcase_add_test(c, test_dma_read_count_u64_bounds);
	tcase_add_test(c, test_dma_write_data_must_match_count);
	tcase_add_test(c, test_device_reset_takes_no_body);
	tcase_add_test(c, test_write_multi_count_and_entries_checked);
	tcase_add_test(c, test_device_feature_flags_checked);
	tcase_add_test(c, test_mig_data_sizes_checked);
	suite_add_tcase(s, c);

	tcase_add_test(r, test_reply_with_other_msg_id_or_command_rejected);
	tcase_add_test(r, test_error_reply_accepted_and_decoded);
	tcase_add_test(r, test_empty_replies_with_body_or_fds_rejected);
	tcase_add_test(r, test_version_reply_with_two_fds_rejected);
	tcase_add_test(r, test_dma_unmap_reply_must_echo_range);
	tcase_add_test(r, test_get_info_reply_argsz_checked);
	tcase_add_test(r, test_irq_info_reply_for_other_index_rejected);
	tcase_add_test(r, test_region_read_reply_count_checked);
	tcase_add_test(r, test_dma_read_reply_data_must_match_count);
	tcase_add_test(r, test_dma_write_reply_accepts_spec_12_byte_form);
	tcase_add_test(r, test_write_multi_reply_count_checked);
	tcase_add_test(r, test_device_feature_reply_argsz_within_body);
	tcase_add_test(r, test_mig_data_read_reply_size_checked);
	tcase_add_test(r, test_region_info_sparse_cap_found);
	tcase_add_test(r, test_region_info_short_argsz_means_retry);
	tcase_add_test(r, test_region_info_sparse_area_outside_region_rejected);
	tcase_add_test(r, test_region_info_sparse_nr_areas_near_u32_max_rejected);
	tcase_add_test(r, test_region_info_cap_chain_loop_or_misaligned_rejected);
	tcase_add_test(r, test_region_info_type_cap_and_unknown_cap);
	tcase_add_test(r, test_region_info_reply_index_and_fds_checked);
	tcase_add_test(r, test_io_fds_spec_40_byte_entries);
	tcase_add_test(r, test_io_fds_libvfio_user_48_byte_entries_use_argsz_stride);
	tcase_add_test(r, test_io_fds_fd_index_beyond_fds_rejected);
	tcase_add_test(r, test_io_fds_argsz_not_whole_entries_rejected);
	tcase_add_test(r, test_io_fds_count_without_entries_means_retry);
	tcase_add_test(r, test_io_fds_flags_and_short_body_rejected);
	suite_add_tcase(s, r);
	return s;
}

int main(void)
{
	return run_suite(validate_suite());
}
