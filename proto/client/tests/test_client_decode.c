// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pure decoding of the client, no socket: region info replies (sparse
 * mmap areas, region type), io fds replies (40- and 48-byte entries) and
 * how SET_IRQS eventfds are cut into messages.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/client/vu_client_priv.h"
#include "proto/tests/bytes.h"
#include "proto/tests/check_main.h"

/* A region info reply: 32-byte head; caps appended by the tests. */
static size_t region_head(uint8_t *b, uint32_t argsz, uint32_t flags,
			  uint32_t index, uint32_t cap_offset, uint64_t size,
			  uint64_t offset)
{
	wr32(b, 0, argsz);
	wr32(b, 4, flags);
	wr32(b, 8, index);
	wr32(b, 12, cap_offset);
	wr64(b, 16, size);
	wr64(b, 24, offset);
	return 32;
}

static void cap_hdr(uint8_t *b, size_t off, uint16_t id, uint32_t next)
{
	wr16(b, off, id);
	wr16(b, off + 2, 1);
	wr32(b, off + 4, next);
}

START_TEST(test_region_sparse_areas_and_type_decoded)
{
	uint64_t buf[64] = { 0 };
	uint8_t *b = (uint8_t *)buf;
	const uint32_t flags = VFIO_REGION_INFO_FLAG_READ |
			       VFIO_REGION_INFO_FLAG_WRITE |
			       VFIO_REGION_INFO_FLAG_MMAP |
			       VFIO_REGION_INFO_FLAG_CAPS;
	struct vu_client_region r;
	struct vu_why why = { "" };

	/* sparse at 32 (2 areas: 16 + 32 bytes), type at 80 */
	region_head(b, 96, flags, 2, 32, 0x4000, 0x10000);
	cap_hdr(b, 32, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 80);
	wr32(b, 40, 2);
	wr64(b, 48, 0x1000);
	wr64(b, 56, 0x1000);
	wr64(b, 64, 0x3000);
	wr64(b, 72, 0x1000);
	cap_hdr(b, 80, VFIO_REGION_INFO_CAP_TYPE, 0);
	wr32(b, 88, 0x8086);
	wr32(b, 92, 7);

	ck_assert_int_eq(vu_client_region_decode(b, 96, true, &r, &why), 0);
	ck_assert_uint_eq(r.index, 2);
	ck_assert_uint_eq(r.flags, flags);
	ck_assert_uint_eq(r.size, 0x4000);
	ck_assert_uint_eq(r.fd_offset, 0x10000);
	ck_assert_int_eq(r.fd, -1);
	ck_assert(r.has_sparse);
	ck_assert_uint_eq(r.nr_areas, 2);
	ck_assert_uint_eq(r.areas[0].offset, 0x1000);
	ck_assert_uint_eq(r.areas[0].size, 0x1000);
	ck_assert_uint_eq(r.areas[1].offset, 0x3000);
	ck_assert_uint_eq(r.areas[1].size, 0x1000);
	ck_assert(r.has_type);
	ck_assert_uint_eq(r.type, 0x8086);
	ck_assert_uint_eq(r.subtype, 7);
	vu_client_region_release(&r);
	ck_assert_ptr_null(r.areas);
}
END_TEST

START_TEST(test_region_mmap_without_sparse_is_one_whole_area)
{
	uint64_t buf[4] = { 0 };
	struct vu_client_region r;

	region_head((uint8_t *)buf, 32, VFIO_REGION_INFO_FLAG_MMAP, 0, 0,
		    0x2000, 0);
	ck_assert_int_eq(vu_client_region_decode(buf, 32, true, &r, NULL), 0);
	ck_assert(!r.has_sparse);
	ck_assert(!r.has_type);
	ck_assert_uint_eq(r.nr_areas, 1);
	ck_assert_uint_eq(r.areas[0].offset, 0);
	ck_assert_uint_eq(r.areas[0].size, 0x2000);
	vu_client_region_release(&r);
}
END_TEST

START_TEST(test_region_sparse_without_mmap_flag_gives_no_area)
{
	uint64_t buf[8] = { 0 };
	uint8_t *b = (uint8_t *)buf;
	struct vu_client_region r;

	region_head(b, 64, VFIO_REGION_INFO_FLAG_READ |
		    VFIO_REGION_INFO_FLAG_CAPS, 0, 32, 0x2000, 0);
	cap_hdr(b, 32, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 0);
	wr32(b, 40, 1);
	wr64(b, 48, 0);
	wr64(b, 56, 0x1000);
	ck_assert_int_eq(vu_client_region_decode(b, 64, false, &r, NULL), 0);
	ck_assert_uint_eq(r.nr_areas, 0);
	ck_assert(!r.has_sparse);
	ck_assert_ptr_null(r.areas);
	vu_client_region_release(&r);
}
END_TEST

START_TEST(test_region_sparse_with_no_area_maps_nothing)
{
	uint64_t buf[8] = { 0 };
	uint8_t *b = (uint8_t *)buf;
	struct vu_client_region r;

	region_head(b, 48, VFIO_REGION_INFO_FLAG_MMAP |
		    VFIO_REGION_INFO_FLAG_CAPS, 0, 32, 0x2000, 0);
	cap_hdr(b, 32, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 0);
	ck_assert_int_eq(vu_client_region_decode(b, 48, true, &r, NULL), 0);
	ck_assert(r.has_sparse);
	ck_assert_uint_eq(r.nr_areas, 0);
	vu_client_region_release(&r);
}
END_TEST

START_TEST(test_region_mmap_without_fd_is_eproto)
{
	uint64_t buf[4] = { 0 };
	struct vu_client_region r;
	struct vu_why why = { "" };

	region_head((uint8_t *)buf, 32, VFIO_REGION_INFO_FLAG_MMAP, 4, 0,
		    0x2000, 0);
	ck_assert_int_eq(vu_client_region_decode(buf, 32, false, &r, &why),
			 -EPROTO);
	ck_assert_ptr_nonnull(strstr(why.msg, "no fd"));
	ck_assert_ptr_null(r.areas);
}
END_TEST

START_TEST(test_region_mmap_offset_wrapping_is_eproto)
{
	uint64_t buf[4] = { 0 };
	struct vu_client_region r;

	region_head((uint8_t *)buf, 32, VFIO_REGION_INFO_FLAG_MMAP, 0, 0,
		    0x2000, UINT64_MAX - 0xfff);
	ck_assert_int_eq(vu_client_region_decode(buf, 32, true, &r, NULL),
			 -EPROTO);
}
END_TEST

START_TEST(test_region_incomplete_reply_is_eproto)
{
	uint64_t buf[4] = { 0 };
	struct vu_client_region r;

	region_head((uint8_t *)buf, 200, VFIO_REGION_INFO_FLAG_CAPS, 0, 32,
		    0x2000, 0);
	ck_assert_int_eq(vu_client_region_decode(buf, 32, false, &r, NULL),
			 -EPROTO);
}
END_TEST

START_TEST(test_region_area_outside_region_is_eproto)
{
	uint64_t buf[8] = { 0 };
	uint8_t *b = (uint8_t *)buf;
	struct vu_client_region r;

	region_head(b, 64, VFIO_REGION_INFO_FLAG_MMAP |
		    VFIO_REGION_INFO_FLAG_CAPS, 0, 32, 0x2000, 0);
	cap_hdr(b, 32, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 0);
	wr32(b, 40, 1);
	wr64(b, 48, 0x1000);
	wr64(b, 56, 0x1001);
	ck_assert_int_eq(vu_client_region_decode(b, 64, true, &r, NULL),
			 -EPROTO);
}
END_TEST

/* io fds: head then @count entries of @stride bytes. */
static void io_head(uint8_t *b, uint32_t index, uint32_t count,
		    uint32_t stride)
{
	wr32(b, 0, 16 + count * stride);
	wr32(b, 4, 0);
	wr32(b, 8, index);
	wr32(b, 12, count);
}

START_TEST(test_io_fds_spec_entries_decoded)
{
	uint64_t buf[32] = { 0 };
	uint8_t *b = (uint8_t *)buf, *e;
	const int fds[2] = { 40, 41 };
	struct vu_client_io_fds io;

	io_head(b, 2, 2, 40);
	e = b + 16;
	wr64(e, 0, 0x100);
	wr64(e, 8, 4);
	wr32(e, 16, 1);
	wr32(e, 20, VFIO_USER_IO_FD_TYPE_IOEVENTFD);
	wr32(e, 24, 1);		/* KVM_IOEVENTFD_FLAG_DATAMATCH */
	wr64(e, 32, 0x1234);
	e += 40;
	wr64(e, 0, 0x200);
	wr64(e, 8, 0);
	wr32(e, 16, 0);
	wr32(e, 20, VFIO_USER_IO_FD_TYPE_IOREGIONFD);
	wr64(e, 32, 0xfeed);
	ck_assert_int_eq(vu_client_io_fds_decode(b, 96, fds, 2, &io, NULL), 0);
	ck_assert_uint_eq(io.index, 2);
	ck_assert_uint_eq(io.count, 2);
	ck_assert_uint_eq(io.nr_fds, 2);
	ck_assert_int_eq(io.fds[0], 40);
	ck_assert_int_eq(io.fds[1], 41);
	ck_assert_uint_eq(io.entries[0].e.offset, 0x100);
	ck_assert_uint_eq(io.entries[0].e.size, 4);
	ck_assert_uint_eq(io.entries[0].e.flags, 1);
	ck_assert_uint_eq(io.entries[0].e.datamatch, 0x1234);
	ck_assert_int_eq(io.entries[0].fd, 41);
	ck_assert_int_eq(io.entries[0].e.shadow_fd_index, -1);
	ck_assert_uint_eq(io.entries[1].e.type,
			  VFIO_USER_IO_FD_TYPE_IOREGIONFD);
	ck_assert_uint_eq(io.entries[1].e.datamatch, 0xfeed);
	ck_assert_int_eq(io.entries[1].fd, 40);
	/* Not our fds: forget them rather than close them. */
	io.fds[0] = io.fds[1] = -1;
	vu_client_io_fds_release(&io);
}
END_TEST

START_TEST(test_io_fds_libvfio_user_entries_decoded)
{
	uint64_t buf[32] = { 0 };
	uint8_t *b = (uint8_t *)buf, *e;
	const int fds[2] = { 50, 51 };
	struct vu_client_io_fds io;

	io_head(b, 0, 2, 48);
	e = b + 16;
	wr64(e, 0, 0x3000);
	wr64(e, 8, 8);
	wr32(e, 16, 0);
	wr32(e, 20, VFIO_USER_IO_FD_TYPE_IOEVENTFD_SHADOW);
	wr32(e, 28, 1);		/* shadow fd index */
	wr64(e, 32, 0x40);	/* shadow offset */
	wr64(e, 40, 0x77);	/* datamatch */
	e += 48;
	wr64(e, 0, 0x3008);
	wr32(e, 16, 0);
	wr32(e, 20, VFIO_USER_IO_FD_TYPE_IOEVENTFD);
	wr64(e, 40, 0x88);
	ck_assert_int_eq(vu_client_io_fds_decode(b, 112, fds, 2, &io, NULL),
			 0);
	ck_assert_uint_eq(io.count, 2);
	ck_assert_uint_eq(io.entries[0].e.offset, 0x3000);
	ck_assert_int_eq(io.entries[0].e.shadow_fd_index, 1);
	ck_assert_uint_eq(io.entries[0].e.shadow_offset, 0x40);
	ck_assert_uint_eq(io.entries[0].e.datamatch, 0x77);
	ck_assert_int_eq(io.entries[0].fd, 50);
	ck_assert_uint_eq(io.entries[1].e.datamatch, 0x88);
	ck_assert_int_eq(io.entries[1].e.shadow_fd_index, -1);
	io.fds[0] = io.fds[1] = -1;
	vu_client_io_fds_release(&io);
}
END_TEST

START_TEST(test_io_fds_fd_index_past_fds_is_eproto)
{
	uint64_t buf[8] = { 0 };
	uint8_t *b = (uint8_t *)buf;
	const int fds[1] = { 60 };
	struct vu_client_io_fds io;
	struct vu_why why = { "" };

	io_head(b, 0, 1, 40);
	wr32(b, 16 + 16, 1);
	ck_assert_int_eq(vu_client_io_fds_decode(b, 56, fds, 1, &io, &why),
			 -EPROTO);
	ck_assert_ptr_nonnull(strstr(why.msg, "fd_index"));
	ck_assert_ptr_null(io.fds);
	ck_assert_ptr_null(io.entries);
}
END_TEST

START_TEST(test_io_fds_no_entry_is_empty)
{
	uint64_t buf[2] = { 0 };
	struct vu_client_io_fds io;

	io_head((uint8_t *)buf, 5, 0, 40);
	ck_assert_int_eq(vu_client_io_fds_decode(buf, 16, NULL, 0, &io, NULL),
			 0);
	ck_assert_uint_eq(io.index, 5);
	ck_assert_uint_eq(io.count, 0);
	ck_assert_uint_eq(io.nr_fds, 0);
	vu_client_io_fds_release(&io);
}
END_TEST

START_TEST(test_irq_runs_split_by_max_fds)
{
	int fds[10] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	bool with;

	ck_assert_uint_eq(vu_client_irq_run(fds, 10, 0, 4, &with), 4);
	ck_assert(with);
	ck_assert_uint_eq(vu_client_irq_run(fds, 10, 4, 4, &with), 4);
	ck_assert_uint_eq(vu_client_irq_run(fds, 10, 8, 4, &with), 2);
	ck_assert_uint_eq(vu_client_irq_run(fds, 10, 0, 1, &with), 1);
	ck_assert_uint_eq(vu_client_irq_run(fds, 10, 0, 253, &with), 10);
}
END_TEST

START_TEST(test_irq_runs_of_minus_one_go_without_fds)
{
	int fds[7] = { 3, -1, -1, 4, 5, -1, 6 };
	bool with;

	ck_assert_uint_eq(vu_client_irq_run(fds, 7, 0, 8, &with), 1);
	ck_assert(with);
	ck_assert_uint_eq(vu_client_irq_run(fds, 7, 1, 8, &with), 2);
	ck_assert(!with);
	ck_assert_uint_eq(vu_client_irq_run(fds, 7, 3, 8, &with), 2);
	ck_assert(with);
	ck_assert_uint_eq(vu_client_irq_run(fds, 7, 5, 8, &with), 1);
	ck_assert(!with);
	ck_assert_uint_eq(vu_client_irq_run(fds, 7, 6, 8, &with), 1);
	ck_assert(with);
	/* A run of -1 is not cut by max_fds: it carries none. */
	int none[5] = { -1, -1, -1, -1, -1 };

	ck_assert_uint_eq(vu_client_irq_run(none, 5, 0, 2, &with), 5);
	ck_assert(!with);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("client_decode");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, test_region_sparse_areas_and_type_decoded);
	tcase_add_test(tc, test_region_mmap_without_sparse_is_one_whole_area);
	tcase_add_test(tc, test_region_sparse_without_mmap_flag_gives_no_area);
	tcase_add_test(tc, test_region_sparse_with_no_area_maps_nothing);
	tcase_add_test(tc, test_region_mmap_without_fd_is_eproto);
	tcase_add_test(tc, test_region_mmap_offset_wrapping_is_eproto);
	tcase_add_test(tc, test_region_incomplete_reply_is_eproto);
	tcase_add_test(tc, test_region_area_outside_region_is_eproto);
	tcase_add_test(tc, test_io_fds_spec_entries_decoded);
	tcase_add_test(tc, test_io_fds_libvfio_user_entries_decoded);
	tcase_add_test(tc, test_io_fds_fd_index_past_fds_is_eproto);
	tcase_add_test(tc, test_io_fds_no_entry_is_empty);
	tcase_add_test(tc, test_irq_runs_split_by_max_fds);
	tcase_add_test(tc, test_irq_runs_of_minus_one_go_without_fds);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
