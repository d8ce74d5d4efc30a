// SPDX-License-Identifier: GPL-2.0-only
/*
 * The wire structs against the byte layouts of the spec's tables
 * (QEMU docs/interop/vfio-user.rst): each field written through the
 * struct is read back at the spec's offset.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "proto/vfio_user.h"
#include "proto/vu_msg.h"
#include "bytes.h"
#include "check_main.h"

START_TEST(test_command_numbers_match_spec_table)
{
	ck_assert_int_eq(VFIO_USER_VERSION, 1);
	ck_assert_int_eq(VFIO_USER_DMA_MAP, 2);
	ck_assert_int_eq(VFIO_USER_DMA_UNMAP, 3);
	ck_assert_int_eq(VFIO_USER_DEVICE_GET_INFO, 4);
	ck_assert_int_eq(VFIO_USER_DEVICE_GET_REGION_INFO, 5);
	ck_assert_int_eq(VFIO_USER_DEVICE_GET_REGION_IO_FDS, 6);
	ck_assert_int_eq(VFIO_USER_DEVICE_GET_IRQ_INFO, 7);
	ck_assert_int_eq(VFIO_USER_DEVICE_SET_IRQS, 8);
	ck_assert_int_eq(VFIO_USER_REGION_READ, 9);
	ck_assert_int_eq(VFIO_USER_REGION_WRITE, 10);
	ck_assert_int_eq(VFIO_USER_DMA_READ, 11);
	ck_assert_int_eq(VFIO_USER_DMA_WRITE, 12);
	ck_assert_int_eq(VFIO_USER_DEVICE_RESET, 13);
	ck_assert_int_eq(VFIO_USER_REGION_WRITE_MULTI, 15);
	ck_assert_int_eq(VFIO_USER_DEVICE_FEATURE, 16);
	ck_assert_int_eq(VFIO_USER_MIG_DATA_READ, 17);
	ck_assert_int_eq(VFIO_USER_MIG_DATA_WRITE, 18);
	ck_assert_str_eq(vu_command_name(15), "REGION_WRITE_MULTI");
	ck_assert_str_eq(vu_command_name(14), "unknown");
	ck_assert_str_eq(vu_command_name(0), "unknown");
	ck_assert_str_eq(vu_command_name(60000), "unknown");
}
END_TEST

START_TEST(test_header_fields_at_spec_offsets)
{
	struct vfio_user_header h;
	uint8_t b[16];

	vu_hdr_command(&h, 0x1234, VFIO_USER_REGION_WRITE, 1);
	h.size = 0x11223344;
	memcpy(b, &h, sizeof(b));
	ck_assert_uint_eq(rd16(b, 0), 0x1234);
	ck_assert_uint_eq(rd16(b, 2), 10);
	ck_assert_uint_eq(rd32(b, 4), 0x11223344);
	ck_assert_uint_eq(rd32(b, 8), 0x10);	/* command, No_reply */
	ck_assert_uint_eq(rd32(b, 12), 0);
}
END_TEST

START_TEST(test_header_decode_from_bytes)
{
	struct vfio_user_header h;
	uint8_t b[16] = { 0 };

	wr16(b, 0, 7);
	wr16(b, 2, VFIO_USER_DMA_MAP);
	wr32(b, 4, 16);
	wr32(b, 8, 0x21);	/* reply + Error */
	wr32(b, 12, EEXIST);
	memcpy(&h, b, sizeof(h));
	ck_assert(vu_hdr_is_reply(&h));
	ck_assert(vu_hdr_is_error(&h));
	ck_assert(!vu_hdr_no_reply(&h));
	ck_assert_int_eq(vu_reply_errno(&h), -EEXIST);
	ck_assert_uint_eq(h.msg_id, 7);
	ck_assert_uint_eq(h.command, VFIO_USER_DMA_MAP);
}
END_TEST

START_TEST(test_reply_header_echoes_id_and_command)
{
	struct vfio_user_header cmd, r;

	vu_hdr_command(&cmd, 0xbeef, VFIO_USER_DEVICE_GET_INFO, 0);
	cmd.size = 32;
	vu_hdr_reply(&r, &cmd);
	ck_assert_uint_eq(r.msg_id, 0xbeef);
	ck_assert_uint_eq(r.command, VFIO_USER_DEVICE_GET_INFO);
	ck_assert_uint_eq(r.flags, VFIO_USER_F_TYPE_REPLY);
	ck_assert_uint_eq(r.error, 0);
	ck_assert_int_eq(vu_reply_errno(&r), 0);
}
END_TEST

START_TEST(test_error_reply_header_carries_errno)
{
	struct vfio_user_header cmd, r;

	vu_hdr_command(&cmd, 3, VFIO_USER_DMA_UNMAP, 0);
	vu_hdr_error(&r, &cmd, -ENOENT);
	ck_assert_uint_eq(r.msg_id, 3);
	ck_assert_uint_eq(r.command, VFIO_USER_DMA_UNMAP);
	ck_assert_uint_eq(r.flags, VFIO_USER_F_TYPE_REPLY | VFIO_USER_F_ERROR);
	ck_assert_uint_eq(r.error, ENOENT);
	ck_assert_uint_eq(r.size, 16);
	vu_hdr_error(&r, &cmd, EINVAL);
	ck_assert_int_eq(vu_reply_errno(&r), -EINVAL);
}
END_TEST

START_TEST(test_reply_errno_without_value_is_eio)
{
	struct vfio_user_header r = { .flags = 0x21, .error = 0 };

	ck_assert_int_eq(vu_reply_errno(&r), -EIO);
	r.error = 100000;
	ck_assert_int_eq(vu_reply_errno(&r), -EIO);
}
END_TEST

START_TEST(test_dma_map_layout)
{
	struct vfio_user_dma_map m = {
		.argsz = 32, .flags = 3, .offset = 0x1000,
		.address = 0x2000, .size = 0x3000,
	};

	ck_assert_uint_eq(sizeof(m), 32);
	ck_assert_uint_eq(rd32(&m, 0), 32);
	ck_assert_uint_eq(rd32(&m, 4), 3);
	ck_assert_uint_eq(rd64(&m, 8), 0x1000);
	ck_assert_uint_eq(rd64(&m, 16), 0x2000);
	ck_assert_uint_eq(rd64(&m, 24), 0x3000);
}
END_TEST

START_TEST(test_dma_unmap_layout)
{
	struct vfio_user_dma_unmap u = {
		.argsz = 24, .flags = VFIO_USER_DMA_UNMAP_FLAG_ALL,
		.address = 0x5000, .size = 0x6000,
	};

	ck_assert_uint_eq(sizeof(u), 24);
	ck_assert_uint_eq(rd32(&u, 4), 2);
	ck_assert_uint_eq(rd64(&u, 8), 0x5000);
	ck_assert_uint_eq(rd64(&u, 16), 0x6000);
	ck_assert_uint_eq(VFIO_USER_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, 1);
}
END_TEST

START_TEST(test_region_info_layout)
{
	struct vfio_user_region_info r = {
		.argsz = 32, .flags = 0xf, .index = 2, .cap_offset = 32,
		.size = 0x10000, .offset = 0x20000,
	};

	ck_assert_uint_eq(rd32(&r, 8), 2);
	ck_assert_uint_eq(rd32(&r, 12), 32);
	ck_assert_uint_eq(rd64(&r, 16), 0x10000);
	ck_assert_uint_eq(rd64(&r, 24), 0x20000);
}
END_TEST

START_TEST(test_io_fd_entry_layout_is_40_bytes)
{
	struct vfio_user_sub_region_io_fd e = {
		.offset = 1, .size = 2, .fd_index = 3, .type = 4,
		.flags = 5, .padding = 6, .datamatch = 7,
	};

	ck_assert_uint_eq(sizeof(e), 40);
	ck_assert_uint_eq(rd64(&e, 0), 1);
	ck_assert_uint_eq(rd64(&e, 8), 2);
	ck_assert_uint_eq(rd32(&e, 16), 3);
	ck_assert_uint_eq(rd32(&e, 20), 4);
	ck_assert_uint_eq(rd32(&e, 24), 5);
	ck_assert_uint_eq(rd32(&e, 28), 6);
	ck_assert_uint_eq(rd64(&e, 32), 7);
	ck_assert_uint_eq(sizeof(struct vfio_user_sub_region_ioeventfd_shadow),
			  48);
}
END_TEST

START_TEST(test_irq_set_layout)
{
	struct vfio_user_irq_set s = {
		.argsz = 20, .flags = 0x24, .index = 4, .start = 1, .count = 3,
	};

	ck_assert_uint_eq(sizeof(s), 20);
	ck_assert_uint_eq(rd32(&s, 8), 4);
	ck_assert_uint_eq(rd32(&s, 12), 1);
	ck_assert_uint_eq(rd32(&s, 16), 3);
}
END_TEST

START_TEST(test_region_access_layout)
{
	uint8_t buf[16 + 4];
	struct vfio_user_region_access *a = (void *)buf;

	a->offset = 0x40;
	a->region = 7;
	a->count = 4;
	memcpy(a->data, "abcd", 4);
	ck_assert_uint_eq(rd64(buf, 0), 0x40);
	ck_assert_uint_eq(rd32(buf, 8), 7);
	ck_assert_uint_eq(rd32(buf, 12), 4);
	ck_assert_mem_eq(buf + 16, "abcd", 4);
}
END_TEST

START_TEST(test_dma_access_count_is_u64_and_data_at_32)
{
	uint8_t msg[32 + 2];
	struct vfio_user_dma_access *a = (void *)(msg + 16);

	a->address = 0x123456789abcull;
	a->count = 0x100000002ull;
	a->data[0] = 0xaa;
	ck_assert_uint_eq(rd64(msg, 16), 0x123456789abcull);
	ck_assert_uint_eq(rd64(msg, 24), 0x100000002ull);
	ck_assert_uint_eq(msg[32], 0xaa);
}
END_TEST

START_TEST(test_write_multi_layout)
{
	struct vfio_user_write_multi_entry e = {
		.offset = 8, .region = 1, .count = 2, .data = { 9, 8 },
	};

	ck_assert_uint_eq(sizeof(e), 24);
	ck_assert_uint_eq(rd64(&e, 0), 8);
	ck_assert_uint_eq(rd32(&e, 8), 1);
	ck_assert_uint_eq(rd32(&e, 12), 2);
	ck_assert_uint_eq(((uint8_t *)&e)[16], 9);
	ck_assert_uint_eq(offsetof(struct vfio_user_write_multi, wrs), 8);
}
END_TEST

START_TEST(test_feature_and_mig_data_layouts)
{
	struct vfio_user_device_feature f = {
		.argsz = 16, .flags = VFIO_DEVICE_FEATURE_GET | 2,
	};
	struct vfio_user_mig_data d = { .argsz = 8, .size = 4096 };

	ck_assert_uint_eq(rd32(&f, 4), 0x10002);
	ck_assert_uint_eq(offsetof(struct vfio_user_device_feature, data), 8);
	ck_assert_uint_eq(rd32(&d, 4), 4096);
	ck_assert_uint_eq(offsetof(struct vfio_user_mig_data, data), 8);
	ck_assert_uint_eq(offsetof(struct
		vfio_user_device_feature_dma_logging_report, bitmap), 24);
}
END_TEST

START_TEST(test_version_and_info_layouts)
{
	struct vfio_user_version v = { .major = 0, .minor = 2 };
	struct vfio_user_device_info i = {
		.argsz = 16, .flags = 3, .num_regions = 9, .num_irqs = 5,
	};

	ck_assert_uint_eq(sizeof(v), 4);
	ck_assert_uint_eq(rd16(&v, 2), 2);
	ck_assert_uint_eq(rd32(&i, 8), 9);
	ck_assert_uint_eq(rd32(&i, 12), 5);
	ck_assert_uint_eq(VFIO_USER_DEFAULT_MAX_DATA_XFER_SIZE, 1048576);
	ck_assert_uint_eq(VFIO_USER_DEFAULT_MAX_MSG_FDS, 1);
}
END_TEST

static Suite *wire_suite(void)
{
	Suite *s = suite_create("proto_wire");
	TCase *tc = tcase_create("layout");

	tcase_add_test(tc, test_command_numbers_match_spec_table);
	tcase_add_test(tc, test_header_fields_at_spec_offsets);
	tcase_add_test(tc, test_header_decode_from_bytes);
	tcase_add_test(tc, test_reply_header_echoes_id_and_command);
	tcase_add_test(tc, test_error_reply_header_carries_errno);
	tcase_add_test(tc, test_reply_errno_without_value_is_eio);
	tcase_add_test(tc, test_dma_map_layout);
	tcase_add_test(tc, test_dma_unmap_layout);
	tcase_add_test(tc, test_region_info_layout);
	tcase_add_test(tc, test_io_fd_entry_layout_is_40_bytes);
	tcase_add_test(tc, test_irq_set_layout);
	tcase_add_test(tc, test_region_access_layout);
	tcase_add_test(tc, test_dma_access_count_is_u64_and_data_at_32);
	tcase_add_test(tc, test_write_multi_layout);
	tcase_add_test(tc, test_feature_and_mig_data_layouts);
	tcase_add_test(tc, test_version_and_info_layouts);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(wire_suite());
}
