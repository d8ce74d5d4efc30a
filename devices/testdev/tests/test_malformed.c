// SPDX-License-Identifier: GPL-2.0-only
/*
 * Malformed clients against one vfio-user-testdev child process. Each
 * case checks the error reply and its errno (or, when the framing is
 * broken, that the server answers if it can and closes the connection),
 * the one log line naming command, field and value, that the server's
 * fd count comes back to what it was, and that the next client is
 * served. The same server lives through all the cases.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "devices/framework/tests/child.h"
#include "devices/framework/tests/raw_client.h"
#include "devices/testdev/testdev_regs.h"
#include "proto/tests/check_main.h"
#include "proto/vu_memfd.h"

#define RW	(VFIO_USER_DMA_MAP_FLAG_READ | VFIO_USER_DMA_MAP_FLAG_WRITE)

static const char *bin;
static struct child ch;		/* started once, in the runner */
static int base_fds;		/* its fds with no client */
static struct rc c;

/* The server runs for the whole suite: started and stopped by main(). */
static int start_server(void)
{
	if (child_start(&ch, bin, NULL, NULL)) {
		fprintf(stderr, "%s\n", ch.why);
		return -1;
	}
	base_fds = rc_fd_count(ch.pid);
	return base_fds > 3 ? 0 : -1;
}

/* Connect (and say VERSION when @versioned); the log from now on. */
static void begin(bool versioned)
{
	child_log_mark(&ch);
	ck_assert_int_eq(rc_connect(&c, ch.sock, 2000), 0);
	if (versioned)
		ck_assert_int_eq(rc_hello(&c, false), 0);
}

/*
 * The case is over: its log line came, the connection closes, the server
 * is back to its fds, and serves the next client.
 */
static void end(const char *log_line)
{
	struct vfio_user_device_info q = { .argsz = sizeof(q) };
	struct rc next;

	ck_assert_msg(child_log_has(&ch, log_line, 2000),
		      "no log line with \"%s\"", log_line);
	rc_close(&c);
	ck_assert_int_eq(rc_wait_fd_count(ch.pid, base_fds, 3000), base_fds);
	ck_assert_int_eq(rc_connect(&next, ch.sock, 2000), 0);
	ck_assert_int_eq(rc_hello(&next, false), 0);
	ck_assert_int_eq(rc_request(&next, VFIO_USER_DEVICE_GET_INFO, &q,
				    sizeof(q), NULL, 0, NULL), 0);
	rc_close(&next);
	ck_assert_int_eq(rc_wait_fd_count(ch.pid, base_fds, 3000), base_fds);
}

/* The server answered (if @err) with an error reply of @err, then closed. */
static void expect_error_then_close_within(int err, int ms)
{
	struct vu_msg m;

	if (err) {
		ck_assert_int_eq(vu_msg_recv_timeout(c.sock, &m,
						     VU_MSG_MAX_SIZE_LIMIT, 8,
						     ms), 0);
		ck_assert(vu_hdr_is_reply(&m.hdr));
		ck_assert_int_eq(vu_reply_errno(&m.hdr), -err);
		vu_msg_release(&m);
	}
	ck_assert(rc_closed_by_server(&c, 2000));
}

static void expect_error_then_close(int err)
{
	expect_error_then_close_within(err, 2000);
}

static int memfd(void)
{
	int fd = vu_memfd_create_sealed("m", 0x10000);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static int dma_map(uint64_t iova, uint64_t size, int fd, uint32_t prot)
{
	return rc_dma_map(&c, iova, size, fd, 0, prot);
}

/* --- Broken framing: answered if possible, then closed --- */

START_TEST(test_truncated_header_closes_the_connection)
{
	static const uint8_t half[8] = { 1, 0, 4, 0, 32, 0, 0, 0 };

	begin(true);
	ck_assert_int_eq(rc_send_raw(&c, half, sizeof(half), NULL, 0), 0);
	shutdown(c.sock, SHUT_WR);
	expect_error_then_close(0);
	end("closed the connection in the middle of a message header");
}
END_TEST

START_TEST(test_size_below_the_header_is_answered_then_closed)
{
	struct vfio_user_header h;

	begin(true);
	vu_hdr_command(&h, 7, VFIO_USER_DEVICE_GET_INFO, 0);
	h.size = 8;
	ck_assert_int_eq(rc_send_raw(&c, &h, sizeof(h), NULL, 0), 0);
	expect_error_then_close(EPROTO);
	end("message size 8 is below the 16-byte header");
}
END_TEST

START_TEST(test_size_beyond_the_limit_is_answered_then_closed)
{
	struct vfio_user_header h;

	begin(true);
	vu_hdr_command(&h, 7, VFIO_USER_REGION_WRITE, 0);
	h.size = 64u << 20;
	ck_assert_int_eq(rc_send_raw(&c, &h, sizeof(h), NULL, 0), 0);
	expect_error_then_close(EMSGSIZE);
	end("message size 67108864 exceeds the");
}
END_TEST

START_TEST(test_more_fds_than_max_msg_fds_is_answered_then_closed)
{
	struct vfio_user_device_info q = { .argsz = sizeof(q) };
	int fds[9], i;

	begin(true);
	for (i = 0; i < 9; i++)
		fds[i] = eventfd(0, EFD_CLOEXEC);
	ck_assert_int_eq(rc_send(&c, VFIO_USER_DEVICE_GET_INFO, &q, sizeof(q),
				 fds, 9, NULL), 0);
	for (i = 0; i < 9; i++)
		close(fds[i]);
	expect_error_then_close(EPROTO);
	end("or more than 8 fds");
}
END_TEST

START_TEST(test_message_stalled_in_the_middle_is_cut_off)
{
	struct {
		struct vfio_user_header h;
		struct vfio_user_device_info q;
	} __attribute__((packed)) m;

	begin(true);
	vu_hdr_command(&m.h, 9, VFIO_USER_DEVICE_GET_INFO, 0);
	m.h.size = sizeof(m);
	m.q = (struct vfio_user_device_info){ .argsz = 16 };
	/* Header and half the body, then nothing: cut off in 5 s. */
	ck_assert_int_eq(rc_send_raw(&c, &m, sizeof(m) - 8, NULL, 0), 0);
	expect_error_then_close_within(EPROTO, 8000);
	end("rejected DEVICE_GET_INFO (msg 9) of size 32: cut short");
}
END_TEST

/* --- Session order --- */

START_TEST(test_command_before_version_is_einval)
{
	struct vfio_user_device_info q = { .argsz = sizeof(q) };

	begin(false);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_INFO, &q,
				    sizeof(q), NULL, 0, NULL), -EINVAL);
	/* The session may still begin. */
	ck_assert_int_eq(rc_hello(&c, false), 0);
	end("rejected DEVICE_GET_INFO (msg 0): DEVICE_GET_INFO before VERSION");
}
END_TEST

START_TEST(test_second_version_is_ealready)
{
	begin(true);
	ck_assert_int_eq(rc_hello(&c, false), -EALREADY);
	end("rejected VERSION (msg 1): a second VERSION");
}
END_TEST

START_TEST(test_version_with_bad_json_is_einval)
{
	begin(false);
	ck_assert_int_eq(rc_version(&c, 2, "{\"capabilities\":"), -EINVAL);
	ck_assert_int_eq(rc_version(&c, 2, "{\"capabilities\":{\"max_msg_fds\":"
				    "\"eight\"}}"), -EINVAL);
	end("max_msg_fds");
}
END_TEST

START_TEST(test_version_major_1_is_einval)
{
	struct vfio_user_version v = { .major = 1, .minor = 0 };

	begin(false);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_VERSION, &v, sizeof(v), NULL,
				    0, NULL), -EINVAL);
	end("rejected VERSION (msg 0): VERSION major 1");
}
END_TEST

START_TEST(test_unknown_command_is_eopnotsupp)
{
	begin(true);
	ck_assert_int_eq(rc_request(&c, 14, NULL, 0, NULL, 0, NULL),
			 -EOPNOTSUPP);
	ck_assert_int_eq(rc_request(&c, 99, NULL, 0, NULL, 0, NULL),
			 -EOPNOTSUPP);
	end("command 99 is unknown");
}
END_TEST

START_TEST(test_reply_type_message_is_eproto)
{
	struct vfio_user_header h;
	struct vu_msg m;

	begin(true);
	vu_hdr_command(&h, 40, VFIO_USER_DEVICE_RESET, 0);
	h.flags = VFIO_USER_F_TYPE_REPLY;
	ck_assert_int_eq(vu_msg_send(c.sock, &h, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(rc_wait_reply(&c, 40, VFIO_USER_DEVICE_RESET, &m,
				       2000), -EPROTO);
	vu_msg_release(&m);
	end("flags 0x1 are not a command's");
}
END_TEST

START_TEST(test_dma_read_sent_by_the_client_is_einval)
{
	struct vfio_user_dma_access a = { .address = 0x1000, .count = 4 };

	begin(true);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DMA_READ, &a, sizeof(a),
				    NULL, 0, NULL), -EINVAL);
	end("DMA_READ goes from server to client");
}
END_TEST

START_TEST(test_bad_command_with_no_reply_flag_gets_no_reply)
{
	struct vfio_user_irq_info q = { .argsz = sizeof(q), .index = 7 };
	struct vfio_user_device_info d = { .argsz = sizeof(d) };
	struct vfio_user_header h;

	begin(true);
	vu_hdr_command(&h, 50, VFIO_USER_DEVICE_GET_IRQ_INFO, 1);
	ck_assert_int_eq(vu_msg_send(c.sock, &h, &q, sizeof(q), NULL, 0), 0);
	/* The next thing on the socket is the reply to GET_INFO. */
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_INFO, &d,
				    sizeof(d), NULL, 0, NULL), 0);
	end("rejected DEVICE_GET_IRQ_INFO (msg 50)");
}
END_TEST

/* --- fds --- */

START_TEST(test_dma_map_with_two_fds_is_einval)
{
	struct vfio_user_dma_map d = { .argsz = sizeof(d), .flags = RW,
				       .address = 0x10000, .size = 0x1000 };
	int fds[2] = { memfd(), memfd() };

	begin(true);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DMA_MAP, &d, sizeof(d), fds,
				    2, NULL), -EINVAL);
	close(fds[0]);
	close(fds[1]);
	end("DMA_MAP came with 2 fds, at most 1");
}
END_TEST

START_TEST(test_fds_on_a_command_that_takes_none_are_einval)
{
	struct vfio_user_device_info q = { .argsz = sizeof(q) };
	int fd = memfd();

	begin(true);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_INFO, &q,
				    sizeof(q), &fd, 1, NULL), -EINVAL);
	close(fd);
	end("DEVICE_GET_INFO came with 1 fds, it takes none");
}
END_TEST

START_TEST(test_set_irqs_with_a_non_eventfd_is_einval)
{
	int p[2];

	begin(true);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(rc_set_irqs(&c, VFIO_PCI_MSIX_IRQ_INDEX,
				     VFIO_IRQ_SET_DATA_EVENTFD |
				     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, NULL,
				     &p[1], 1), -EINVAL);
	close(p[0]);
	close(p[1]);
	end("fd 0 (for vector 0) is not an eventfd");
}
END_TEST

START_TEST(test_dma_map_of_an_unmappable_fd_fails_with_the_mmap_errno)
{
	int p[2];

	begin(true);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(dma_map(0x10000, 0x1000, p[0],
				 VFIO_USER_DMA_MAP_FLAG_READ), -ENODEV);
	close(p[0]);
	close(p[1]);
	end("DMA_MAP mmap of fd offset 0 size 0x1000 failed");
}
END_TEST

/* --- DMA map table --- */

START_TEST(test_dma_map_overlapping_is_eexist)
{
	int fd = memfd();

	begin(true);
	ck_assert_int_eq(dma_map(0x10000, 0x2000, fd, RW), 0);
	ck_assert_int_eq(dma_map(0x11000, 0x2000, -1, RW), -EEXIST);
	close(fd);
	end("DMA_MAP [0x11000, +0x2000) overlaps an existing map");
}
END_TEST

START_TEST(test_dma_unmap_partial_is_einval)
{
	begin(true);
	ck_assert_int_eq(dma_map(0x10000, 0x2000, -1, RW), 0);
	ck_assert_int_eq(rc_dma_unmap(&c, 0x10000, 0x1000), -EINVAL);
	end("DMA_UNMAP [0x10000, +0x1000) is not exactly an earlier map");
}
END_TEST

START_TEST(test_dma_unmap_of_unmapped_range_is_enoent)
{
	begin(true);
	ck_assert_int_eq(rc_dma_unmap(&c, 0x40000, 0x1000), -ENOENT);
	end("DMA_UNMAP [0x40000, +0x1000) is not mapped");
}
END_TEST

START_TEST(test_dma_map_iova_plus_size_overflow_is_einval)
{
	begin(true);
	ck_assert_int_eq(dma_map(0xfffffffffffff000ull, 0x2000, -1, RW),
			 -EINVAL);
	end("DMA_MAP address 0xfffffffffffff000 + size 0x2000 wraps around");
}
END_TEST

START_TEST(test_dma_map_beyond_max_dma_maps_is_enospc)
{
	begin(false);
	ck_assert_int_eq(rc_version(&c, 2, "{\"capabilities\":"
				    "{\"max_dma_maps\":2}}"), 0);
	ck_assert_uint_eq(c.server.caps.max_dma_maps, 2);
	ck_assert_int_eq(dma_map(0x10000, 0x1000, -1, RW), 0);
	ck_assert_int_eq(dma_map(0x20000, 0x1000, -1, RW), 0);
	ck_assert_int_eq(dma_map(0x30000, 0x1000, -1, RW), -ENOSPC);
	end("would exceed max_dma_maps 2");
}
END_TEST

/* --- Regions --- */

START_TEST(test_region_index_out_of_range_is_einval)
{
	uint32_t v;

	begin(true);
	ck_assert_int_eq(rc_read32(&c, 9, 0, &v), -EINVAL);
	end("REGION_READ region index 9 is out of range (0..8)");
}
END_TEST

START_TEST(test_region_read_past_the_end_is_einval)
{
	uint8_t b[8];

	begin(true);
	ck_assert_int_eq(rc_read(&c, 0, 0xffc, b, 8), -EINVAL);
	ck_assert_int_eq(rc_read(&c, 1, 0, b, 4), -EINVAL);
	ck_assert_int_eq(rc_read(&c, 7, 0x1000, b, 1), -EINVAL);
	end("REGION_READ region 7 offset 0x1000 + count 1 is past its end");
}
END_TEST

START_TEST(test_region_offset_plus_count_overflow_is_einval)
{
	uint8_t b[8];

	begin(true);
	ck_assert_int_eq(rc_read(&c, 0, UINT64_MAX - 3, b, 8), -EINVAL);
	end("REGION_READ offset 0xfffffffffffffffc + size 0x8 wraps around");
}
END_TEST

START_TEST(test_region_write_count_larger_than_data_is_einval)
{
	struct {
		struct vfio_user_region_access a;
		uint32_t data;
	} __attribute__((packed)) w = {
		.a = { .offset = TESTDEV_SCRATCH, .region = 0, .count = 8 },
		.data = 1 };

	begin(true);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_REGION_WRITE, &w, sizeof(w),
				    NULL, 0, NULL), -EINVAL);
	end("REGION_WRITE count 8 exceeds the 4 data bytes present");
}
END_TEST

START_TEST(test_region_write_to_the_rom_is_einval)
{
	begin(true);
	ck_assert_int_eq(rc_write32(&c, VFIO_PCI_ROM_REGION_INDEX, 0, 1),
			 -EINVAL);
	end("REGION_WRITE region 6 (ROM) is read-only");
}
END_TEST

START_TEST(test_device_refused_write_size_is_einval)
{
	begin(true);
	ck_assert_int_eq(rc_write(&c, 0, TESTDEV_SCRATCH, "\1\2", 2), -EINVAL);
	end("REGION_WRITE BAR0 offset 0x8 count 2: the device refused it");
}
END_TEST

START_TEST(test_region_info_argsz_too_small_is_einval)
{
	begin(true);
	ck_assert_int_eq(rc_region_info(&c, 0, 16, NULL), -EINVAL);
	end("DEVICE_GET_REGION_INFO argsz 16 is below its 32-byte reply");
}
END_TEST

START_TEST(test_region_write_multi_not_negotiated_is_enotsup)
{
	struct {
		uint64_t cnt;
		struct vfio_user_write_multi_entry w;
	} __attribute__((packed)) m = {
		.cnt = 1, .w = { .offset = TESTDEV_SCRATCH, .count = 4 } };

	begin(true);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_REGION_WRITE_MULTI, &m,
				    sizeof(m), NULL, 0, NULL), -ENOTSUP);
	end("REGION_WRITE_MULTI was not negotiated in VERSION");
}
END_TEST

/* --- Interrupts --- */

START_TEST(test_set_irqs_count_overflow_is_einval)
{
	begin(true);
	ck_assert_int_eq(rc_set_irqs(&c, VFIO_PCI_MSIX_IRQ_INDEX,
				     VFIO_IRQ_SET_DATA_NONE |
				     VFIO_IRQ_SET_ACTION_TRIGGER, 1,
				     UINT32_MAX, NULL, NULL, 0), -EINVAL);
	end("DEVICE_SET_IRQS start 1 + count 4294967295 wraps");
}
END_TEST

START_TEST(test_set_irqs_index_out_of_range_is_einval)
{
	begin(true);
	ck_assert_int_eq(rc_set_irqs(&c, 9, VFIO_IRQ_SET_DATA_NONE |
				     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, NULL,
				     NULL, 0), -EINVAL);
	end("DEVICE_SET_IRQS index 9 is out of range (0..4)");
}
END_TEST

START_TEST(test_set_irqs_start_plus_count_past_the_vectors_is_einval)
{
	int fds[3] = { eventfd(0, EFD_CLOEXEC), eventfd(0, EFD_CLOEXEC),
		       eventfd(0, EFD_CLOEXEC) };

	begin(true);
	ck_assert_int_eq(rc_set_irqs(&c, VFIO_PCI_MSIX_IRQ_INDEX,
				     VFIO_IRQ_SET_DATA_EVENTFD |
				     VFIO_IRQ_SET_ACTION_TRIGGER, 2, 3, NULL,
				     fds, 3), -EINVAL);
	close(fds[0]);
	close(fds[1]);
	close(fds[2]);
	end("DEVICE_SET_IRQS start 2 + count 3 exceeds the 4 vectors of MSI-X");
}
END_TEST

START_TEST(test_set_irqs_mask_of_msix_is_einval)
{
	begin(true);
	ck_assert_int_eq(rc_set_irqs(&c, VFIO_PCI_MSIX_IRQ_INDEX,
				     VFIO_IRQ_SET_DATA_NONE |
				     VFIO_IRQ_SET_ACTION_MASK, 0, 1, NULL,
				     NULL, 0), -EINVAL);
	end("DEVICE_SET_IRQS MSI-X is not maskable");
}
END_TEST

START_TEST(test_irq_info_bad_index_is_einval)
{
	struct vfio_user_irq_info info;

	begin(true);
	ck_assert_int_eq(rc_irq_info(&c, 5, &info), -EINVAL);
	end("DEVICE_GET_IRQ_INFO index 5 is out of range (0..4)");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("malformed");
	TCase *tc = tcase_create("malformed");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_truncated_header_closes_the_connection);
	tcase_add_test(tc, test_size_below_the_header_is_answered_then_closed);
	tcase_add_test(tc, test_size_beyond_the_limit_is_answered_then_closed);
	tcase_add_test(tc,
		test_more_fds_than_max_msg_fds_is_answered_then_closed);
	tcase_add_test(tc, test_message_stalled_in_the_middle_is_cut_off);
	tcase_add_test(tc, test_command_before_version_is_einval);
	tcase_add_test(tc, test_second_version_is_ealready);
	tcase_add_test(tc, test_version_with_bad_json_is_einval);
	tcase_add_test(tc, test_version_major_1_is_einval);
	tcase_add_test(tc, test_unknown_command_is_eopnotsupp);
	tcase_add_test(tc, test_reply_type_message_is_eproto);
	tcase_add_test(tc, test_dma_read_sent_by_the_client_is_einval);
	tcase_add_test(tc, test_bad_command_with_no_reply_flag_gets_no_reply);
	tcase_add_test(tc, test_dma_map_with_two_fds_is_einval);
	tcase_add_test(tc, test_fds_on_a_command_that_takes_none_are_einval);
	tcase_add_test(tc, test_set_irqs_with_a_non_eventfd_is_einval);
	tcase_add_test(tc,
		test_dma_map_of_an_unmappable_fd_fails_with_the_mmap_errno);
	tcase_add_test(tc, test_dma_map_overlapping_is_eexist);
	tcase_add_test(tc, test_dma_unmap_partial_is_einval);
	tcase_add_test(tc, test_dma_unmap_of_unmapped_range_is_enoent);
	tcase_add_test(tc, test_dma_map_iova_plus_size_overflow_is_einval);
	tcase_add_test(tc, test_dma_map_beyond_max_dma_maps_is_enospc);
	tcase_add_test(tc, test_region_index_out_of_range_is_einval);
	tcase_add_test(tc, test_region_read_past_the_end_is_einval);
	tcase_add_test(tc, test_region_offset_plus_count_overflow_is_einval);
	tcase_add_test(tc, test_region_write_count_larger_than_data_is_einval);
	tcase_add_test(tc, test_region_write_to_the_rom_is_einval);
	tcase_add_test(tc, test_device_refused_write_size_is_einval);
	tcase_add_test(tc, test_region_info_argsz_too_small_is_einval);
	tcase_add_test(tc, test_region_write_multi_not_negotiated_is_enotsup);
	tcase_add_test(tc, test_set_irqs_count_overflow_is_einval);
	tcase_add_test(tc, test_set_irqs_index_out_of_range_is_einval);
	tcase_add_test(tc,
		test_set_irqs_start_plus_count_past_the_vectors_is_einval);
	tcase_add_test(tc, test_set_irqs_mask_of_msix_is_einval);
	tcase_add_test(tc, test_irq_info_bad_index_is_einval);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	int ret, status;

	bin = getenv("TESTDEV");
	if (!bin) {
		fprintf(stderr, "TESTDEV (the vfio-user-testdev path) is not "
			"set\n");
		return 2;
	}
	if (start_server()) {
		fprintf(stderr, "cannot start %s\n", bin);
		child_cleanup(&ch);
		return 1;
	}
	ret = run_suite(suite());
	/* Exit status 0 after every case: no crash, and in the ASan build
	 * no leak (LeakSanitizer would make it non-zero). */
	status = child_stop(&ch, SIGTERM);
	if (status) {
		char *log = child_log_all(&ch);

		fprintf(stderr, "the server exited with %d; its log:\n%s\n",
			status, log);
		free(log);
		ret = EXIT_FAILURE;
	}
	child_cleanup(&ch);
	return ret;
}
