// SPDX-License-Identifier: GPL-2.0-only
/*
 * Servers that break the protocol, one way per case: the call gets a
 * specific errno, the connection is dead or not as documented in
 * vu_client.h (framing broken or a reply we cannot trust: dead; an error
 * reply or a malformed server command with the framing intact: alive),
 * and the process has as many fds afterwards as before (every fd a bad
 * message carried was closed).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto/tests/bytes.h"
#include "proto/tests/check_main.h"
#include "fake_server.h"

enum op {
	OP_READ, OP_WRITE, OP_REGION_INFO, OP_IO_FDS, OP_IRQ_INFO,
	OP_DEVICE_INFO, OP_DMA_MAP, OP_DMA_UNMAP,
};

static const uint16_t op_cmd[] = {
	[OP_READ] = VFIO_USER_REGION_READ,
	[OP_WRITE] = VFIO_USER_REGION_WRITE,
	[OP_REGION_INFO] = VFIO_USER_DEVICE_GET_REGION_INFO,
	[OP_IO_FDS] = VFIO_USER_DEVICE_GET_REGION_IO_FDS,
	[OP_IRQ_INFO] = VFIO_USER_DEVICE_GET_IRQ_INFO,
	[OP_DEVICE_INFO] = VFIO_USER_DEVICE_GET_INFO,
	[OP_DMA_MAP] = VFIO_USER_DMA_MAP,
	[OP_DMA_UNMAP] = VFIO_USER_DMA_UNMAP,
};

struct bad_case {
	const char *name;
	enum op op;
	/* Gets the client's request and answers it badly. */
	void (*misbehave)(int sock, const struct vu_msg *req);
	int err;		/* what the call returns */
	bool dead;		/* the connection is dead afterwards */
	const char *reason;	/* in vu_client_error() when dead */
};

static int efd_new(void)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* A message with the request's id and command, any flags and body. */
static void send_as(int sock, const struct vu_msg *req, uint16_t id,
		    uint16_t command, uint32_t flags, uint32_t error,
		    const void *body, size_t len, const int *fds,
		    unsigned int nr_fds)
{
	uint8_t *b = malloc(16 + len);

	ck_assert_ptr_nonnull(b);
	(void)req;
	fake_hdr(b, id, command, (uint32_t)(16 + len), flags, error);
	if (len)
		memcpy(b + 16, body, len);
	fake_raw(sock, b, 16 + len, fds, nr_fds);
	free(b);
}

/* The right REGION_READ reply body: the request echoed, then 8 bytes. */
static size_t read_reply(uint8_t *r, const struct vu_msg *req)
{
	memcpy(r, req->body, 16);
	memcpy(r + 16, "ABCDEFGH", 8);
	return 24;
}

/* --- Framing --- */

static void truncated_header(int sock, const struct vu_msg *req)
{
	uint8_t h[16];

	vu_hdr_reply((struct vfio_user_header *)h, &req->hdr);
	fake_raw(sock, h, 10, NULL, 0);
	shutdown(sock, SHUT_WR);
}

static void size_below_header(int sock, const struct vu_msg *req)
{
	uint8_t h[16];

	fake_hdr(h, req->hdr.msg_id, req->hdr.command, 8,
		 VFIO_USER_F_TYPE_REPLY, 0);
	fake_raw(sock, h, 16, NULL, 0);
}

static void size_beyond_limit(int sock, const struct vu_msg *req)
{
	uint8_t h[16];

	fake_hdr(h, req->hdr.msg_id, req->hdr.command, 2u << 20,
		 VFIO_USER_F_TYPE_REPLY, 0);
	fake_raw(sock, h, 16, NULL, 0);
}

static void cut_mid_body(int sock, const struct vu_msg *req)
{
	uint8_t b[40] = { 0 };

	fake_hdr(b, req->hdr.msg_id, req->hdr.command, 40,
		 VFIO_USER_F_TYPE_REPLY, 0);
	fake_raw(sock, b, 30, NULL, 0);
	shutdown(sock, SHUT_WR);
}

static void wrong_msg_id(int sock, const struct vu_msg *req)
{
	uint8_t r[24];

	send_as(sock, req, (uint16_t)(req->hdr.msg_id + 1), req->hdr.command,
		VFIO_USER_F_TYPE_REPLY, 0, r, read_reply(r, req), NULL, 0);
}

static void wrong_command(int sock, const struct vu_msg *req)
{
	uint8_t r[24];

	send_as(sock, req, req->hdr.msg_id, VFIO_USER_REGION_WRITE,
		VFIO_USER_F_TYPE_REPLY, 0, r, read_reply(r, req), NULL, 0);
}

/*
 * A "reply" with the command type: it is a (well-formed) REGION_READ
 * command from the server, served as one (EOPNOTSUPP); no reply comes.
 */
static void command_type(int sock, const struct vu_msg *req)
{
	struct vu_msg m;

	send_as(sock, req, req->hdr.msg_id, req->hdr.command,
		VFIO_USER_F_TYPE_COMMAND, 0, req->body, 16, NULL, 0);
	fake_recv(sock, &m);
	ck_assert(vu_hdr_is_reply(&m.hdr));
	ck_assert_uint_eq(m.hdr.error, EOPNOTSUPP);
	vu_msg_release(&m);
}

static void type_neither(int sock, const struct vu_msg *req)
{
	send_as(sock, req, req->hdr.msg_id, req->hdr.command, 2, 0, NULL, 0,
		NULL, 0);
}

static void too_many_fds(int sock, const struct vu_msg *req)
{
	int fds[9], i;
	uint8_t r[24];

	for (i = 0; i < 9; i++)
		fds[i] = efd_new();
	send_as(sock, req, req->hdr.msg_id, req->hdr.command,
		VFIO_USER_F_TYPE_REPLY, 0, r, read_reply(r, req), fds, 9);
	for (i = 0; i < 9; i++)
		close(fds[i]);
}

static void fd_on_read_reply(int sock, const struct vu_msg *req)
{
	int fd = efd_new();
	uint8_t r[24];

	fake_reply(sock, req, r, read_reply(r, req), &fd, 1);
	close(fd);
}

static void duplicate_reply(int sock, const struct vu_msg *req)
{
	uint8_t r[24];

	fake_reply(sock, req, r, read_reply(r, req), NULL, 0);
	fake_reply(sock, req, r, read_reply(r, req), NULL, 0);
}

/* --- Error replies: the errno, the connection goes on --- */

static void error_errno_0(int sock, const struct vu_msg *req)
{
	send_as(sock, req, req->hdr.msg_id, req->hdr.command,
		VFIO_USER_F_TYPE_REPLY | VFIO_USER_F_ERROR, 0, NULL, 0, NULL,
		0);
}

static void error_errno_huge(int sock, const struct vu_msg *req)
{
	send_as(sock, req, req->hdr.msg_id, req->hdr.command,
		VFIO_USER_F_TYPE_REPLY | VFIO_USER_F_ERROR, 100000, NULL, 0,
		NULL, 0);
}

/* --- Server commands in the middle, framing intact --- */

static void dma_write_count_overflow(int sock, const struct vu_msg *req)
{
	uint8_t b[24], r[24];
	struct vu_msg m;

	wr64(b, 0, 0x1000);
	wr64(b, 8, 1000);		/* 8 bytes follow */
	memcpy(b + 16, "overflow", 8);
	fake_command(sock, 0x4000, VFIO_USER_DMA_WRITE, b, 24, &m);
	ck_assert(vu_hdr_is_error(&m.hdr));
	ck_assert_uint_eq(m.hdr.error, EINVAL);
	vu_msg_release(&m);
	fake_reply(sock, req, r, read_reply(r, req), NULL, 0);
}

static void unknown_server_command(int sock, const struct vu_msg *req)
{
	uint8_t r[24];
	struct vu_msg m;

	fake_command(sock, 0x4001, 99, "abc", 3, &m);
	ck_assert(vu_hdr_is_error(&m.hdr));
	ck_assert_uint_eq(m.hdr.error, EOPNOTSUPP);
	vu_msg_release(&m);
	fake_reply(sock, req, r, read_reply(r, req), NULL, 0);
}

/* --- Region read/write replies --- */

static void read_fewer_bytes(int sock, const struct vu_msg *req)
{
	uint8_t r[20];

	memcpy(r, req->body, 16);
	wr32(r, 12, 4);
	memcpy(r + 16, "ABCD", 4);
	fake_reply(sock, req, r, 20, NULL, 0);
}

static void read_count_larger(int sock, const struct vu_msg *req)
{
	uint8_t r[32] = { 0 };

	memcpy(r, req->body, 16);
	wr32(r, 12, 16);
	fake_reply(sock, req, r, 32, NULL, 0);
}

static void read_more_data(int sock, const struct vu_msg *req)
{
	uint8_t r[28] = { 0 };

	memcpy(r, req->body, 16);
	fake_reply(sock, req, r, 28, NULL, 0);
}

static void read_wrong_offset(int sock, const struct vu_msg *req)
{
	uint8_t r[24];

	read_reply(r, req);
	wr64(r, 0, 0x20);
	fake_reply(sock, req, r, 24, NULL, 0);
}

static void write_short_count(int sock, const struct vu_msg *req)
{
	uint8_t r[16];

	memcpy(r, req->body, 16);
	wr32(r, 12, 4);
	fake_reply(sock, req, r, 16, NULL, 0);
}

/* --- Region info replies --- */

static void region_head(uint8_t *b, uint32_t argsz, uint32_t flags,
			uint32_t cap_offset, uint64_t size)
{
	wr32(b, 0, argsz);
	wr32(b, 4, flags);
	wr32(b, 8, 1);
	wr32(b, 12, cap_offset);
	wr64(b, 16, size);
	wr64(b, 24, 0);
}

static void region_info_short(int sock, const struct vu_msg *req)
{
	uint8_t b[16] = { 0 };

	wr32(b, 0, 16);
	wr32(b, 8, 1);
	fake_reply(sock, req, b, 16, NULL, 0);
}

static void sparse_outside_region(int sock, const struct vu_msg *req)
{
	uint8_t b[64] = { 0 };
	int fd = efd_new();

	region_head(b, 64, VFIO_REGION_INFO_FLAG_MMAP |
		    VFIO_REGION_INFO_FLAG_CAPS, 32, 0x1000);
	wr16(b, 32, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	wr32(b, 40, 1);
	wr64(b, 48, 0x800);
	wr64(b, 56, 0x1000);		/* ends at 0x1800 > 0x1000 */
	fake_reply(sock, req, b, 64, &fd, 1);
	close(fd);
}

static void cap_chain_loop(int sock, const struct vu_msg *req)
{
	uint8_t b[48] = { 0 };

	region_head(b, 48, VFIO_REGION_INFO_FLAG_CAPS, 32, 0x1000);
	wr16(b, 32, 99);		/* unknown: skipped, but loops */
	wr32(b, 36, 32);
	fake_reply(sock, req, b, 48, NULL, 0);
}

static void cap_offset_past_argsz(int sock, const struct vu_msg *req)
{
	uint8_t b[48] = { 0 };

	region_head(b, 48, VFIO_REGION_INFO_FLAG_CAPS, 64, 0x1000);
	fake_reply(sock, req, b, 48, NULL, 0);
}

static void mmap_without_fd(int sock, const struct vu_msg *req)
{
	uint8_t b[32] = { 0 };

	region_head(b, 32, VFIO_REGION_INFO_FLAG_MMAP, 0, 0x1000);
	fake_reply(sock, req, b, 32, NULL, 0);
}

static void two_fds_on_region_info(int sock, const struct vu_msg *req)
{
	uint8_t b[32] = { 0 };
	int fds[2] = { efd_new(), efd_new() };

	region_head(b, 32, VFIO_REGION_INFO_FLAG_MMAP, 0, 0x1000);
	fake_reply(sock, req, b, 32, fds, 2);
	close(fds[0]);
	close(fds[1]);
}

static void argsz_absurd(int sock, const struct vu_msg *req)
{
	uint8_t b[32] = { 0 };

	region_head(b, 16u << 20, VFIO_REGION_INFO_FLAG_CAPS, 32, 0x1000);
	fake_reply(sock, req, b, 32, NULL, 0);
}

static void argsz_retry_still_short(int sock, const struct vu_msg *req)
{
	uint8_t b[32] = { 0 };
	struct vu_msg m;

	region_head(b, 300, VFIO_REGION_INFO_FLAG_CAPS, 32, 0x1000);
	fake_reply(sock, req, b, 32, NULL, 0);
	fake_expect(sock, &m, VFIO_USER_DEVICE_GET_REGION_INFO);
	ck_assert_uint_eq(rd32(m.body, 0), 300);
	region_head(b, 400, VFIO_REGION_INFO_FLAG_CAPS, 32, 0x1000);
	fake_reply(sock, &m, b, 32, NULL, 0);
	vu_msg_release(&m);
}

/* --- io fds replies --- */

static void io_fds_count_overflow(int sock, const struct vu_msg *req)
{
	uint8_t b[56] = { 0 };
	int fd = efd_new();

	wr32(b, 0, 56);
	wr32(b, 8, 1);
	wr32(b, 12, 0x80000000u);	/* argsz / count overflows */
	fake_reply(sock, req, b, 56, &fd, 1);
	close(fd);
}

static void io_fds_index_past_fds(int sock, const struct vu_msg *req)
{
	uint8_t b[56] = { 0 };
	int fd = efd_new();

	wr32(b, 0, 56);
	wr32(b, 8, 1);
	wr32(b, 12, 1);
	wr32(b, 16 + 16, 3);		/* fd_index 3, one fd sent */
	fake_reply(sock, req, b, 56, &fd, 1);
	close(fd);
}

static void io_fds_incomplete_with_fd(int sock, const struct vu_msg *req)
{
	uint8_t b[16] = { 0 };
	int fd = efd_new();

	wr32(b, 0, 16 + 20 * 40);
	wr32(b, 8, 1);
	wr32(b, 12, 20);
	fake_reply(sock, req, b, 16, &fd, 1);
	close(fd);
}

/* --- Other replies --- */

static void irq_info_wrong_index(int sock, const struct vu_msg *req)
{
	uint8_t b[16] = { 0 };

	wr32(b, 0, 16);
	wr32(b, 8, 2);
	wr32(b, 12, 1);
	fake_reply(sock, req, b, 16, NULL, 0);
}

static void device_info_argsz_small(int sock, const struct vu_msg *req)
{
	uint8_t b[16] = { 0 };

	wr32(b, 0, 8);
	fake_reply(sock, req, b, 16, NULL, 0);
}

static void dma_map_reply_with_body(int sock, const struct vu_msg *req)
{
	fake_reply(sock, req, req->body, 32, NULL, 0);
}

static void unmap_reply_wrong_range(int sock, const struct vu_msg *req)
{
	uint8_t b[24];

	memcpy(b, req->body, 24);
	wr64(b, 16, 0x2000);
	fake_reply(sock, req, b, 24, NULL, 0);
}

static const struct bad_case cases[] = {
	{ "truncated header then close", OP_READ, truncated_header,
	  -ENOTCONN, true, "broke off a message header" },
	{ "size smaller than the header", OP_READ, size_below_header,
	  -EPROTO, true, "size 8, below the 16-byte header" },
	{ "size beyond our limit", OP_READ, size_beyond_limit,
	  -EMSGSIZE, true, "exceeds our limit" },
	{ "reply cut short mid-body", OP_READ, cut_mid_body,
	  -EPROTO, true, "was cut short" },
	{ "reply with an unknown msg_id", OP_READ, wrong_msg_id,
	  -ENOTCONN, true, "answers no request in flight" },
	{ "reply with the wrong command", OP_READ, wrong_command,
	  -EPROTO, true, "reply to REGION_READ breaks the protocol" },
	{ "reply sent as a command", OP_READ, command_type,
	  -ETIMEDOUT, true, "no reply to REGION_READ" },
	{ "message neither command nor reply", OP_READ, type_neither,
	  -ENOTCONN, true, "neither command nor reply" },
	{ "more fds than we offered", OP_READ, too_many_fds,
	  -EPROTO, true, "more than 8 fds" },
	{ "fds on a reply that takes none", OP_READ, fd_on_read_reply,
	  -EPROTO, true, "came with 1 fds" },
	{ "the same reply twice", OP_READ, duplicate_reply,
	  0, true, "answers no request in flight" },
	{ "error reply with errno 0", OP_READ, error_errno_0,
	  -EIO, false, NULL },
	{ "error reply with an errno above 4095", OP_WRITE, error_errno_huge,
	  -EIO, false, NULL },
	{ "DMA_WRITE count overflowing the message", OP_READ,
	  dma_write_count_overflow, 0, false, NULL },
	{ "unknown server command", OP_READ, unknown_server_command,
	  0, false, NULL },
	{ "region read reply with fewer bytes", OP_READ, read_fewer_bytes,
	  -EPROTO, true, "count 4 of the 8 bytes asked" },
	{ "region read reply count above asked", OP_READ, read_count_larger,
	  -E2BIG, true, "exceeds the 8 asked" },
	{ "region read reply with more data than count", OP_READ,
	  read_more_data, -EPROTO, true, "28 bytes for count 8" },
	{ "region read reply for another offset", OP_READ, read_wrong_offset,
	  -EPROTO, true, "offset 0x20" },
	{ "region write reply with a short count", OP_WRITE,
	  write_short_count, -EPROTO, true, "count 4 of the 8" },
	{ "region info reply shorter than 32", OP_REGION_INFO,
	  region_info_short, -EPROTO, true, "shorter than 32" },
	{ "sparse area outside the region", OP_REGION_INFO,
	  sparse_outside_region, -EPROTO, true, "outside the 0x1000-byte" },
	{ "capability chain loop", OP_REGION_INFO, cap_chain_loop,
	  -EPROTO, true, "points back" },
	{ "capability offset past argsz", OP_REGION_INFO,
	  cap_offset_past_argsz, -EPROTO, true, "capability at 64" },
	{ "FLAG_MMAP without an fd", OP_REGION_INFO, mmap_without_fd,
	  -EPROTO, true, "no fd came" },
	{ "two fds on a region info reply", OP_REGION_INFO,
	  two_fds_on_region_info, -EPROTO, true, "at most 1" },
	{ "argsz retry asking for an absurd size", OP_REGION_INFO,
	  argsz_absurd, -EMSGSIZE, false, NULL },
	{ "argsz retry still too short", OP_REGION_INFO,
	  argsz_retry_still_short, -EPROTO, true, "it wants 400" },
	{ "io fds count that overflows", OP_IO_FDS, io_fds_count_overflow,
	  -EPROTO, true, "whole entries" },
	{ "io fds fd_index past the fds sent", OP_IO_FDS,
	  io_fds_index_past_fds, -EPROTO, true, "fd_index 3" },
	{ "io fds incomplete reply with an fd", OP_IO_FDS,
	  io_fds_incomplete_with_fd, -EPROTO, true, "without entries" },
	{ "irq info for another index", OP_IRQ_INFO, irq_info_wrong_index,
	  -EPROTO, true, "index 2, we asked for 1" },
	{ "device info argsz below 16", OP_DEVICE_INFO,
	  device_info_argsz_small, -EPROTO, true, "argsz 8" },
	{ "DMA_MAP reply with a body", OP_DMA_MAP, dma_map_reply_with_body,
	  -EPROTO, true, "expected none" },
	{ "DMA_UNMAP reply for another range", OP_DMA_UNMAP,
	  unmap_reply_wrong_range, -EPROTO, true, "we unmapped" },
};

#define NR_CASES	(sizeof(cases) / sizeof(cases[0]))

static void srv_bad(struct fake *f)
{
	const struct bad_case *bc = f->arg;
	struct vu_msg m;

	fake_handshake(f);
	fake_expect(f->srv, &m, op_cmd[bc->op]);
	bc->misbehave(f->srv, &m);
	vu_msg_release(&m);
	if (!bc->dead) {
		/* Still in step: the next request works. */
		fake_expect(f->srv, &m, VFIO_USER_DEVICE_RESET);
		fake_reply(f->srv, &m, NULL, 0, NULL, 0);
		vu_msg_release(&m);
	}
	fake_drain(f->srv);
}

static int run_op(struct vu_client *c, enum op op)
{
	struct vfio_user_device_info di;
	struct vfio_user_irq_info ii;
	struct vu_client_region r;
	struct vu_client_io_fds io;
	uint8_t buf[8];
	int ret;

	switch (op) {
	case OP_READ:
		ret = vu_client_region_read(c, 1, 0x10, buf, 8);
		if (!ret)
			ck_assert_mem_eq(buf, "ABCDEFGH", 8);
		return ret;
	case OP_WRITE:
		return vu_client_region_write(c, 1, 0x10, "12345678", 8);
	case OP_REGION_INFO:
		ret = vu_client_region_info(c, 1, &r);
		ck_assert(ret == 0 || (r.fd == -1 && !r.areas));
		vu_client_region_release(&r);
		return ret;
	case OP_IO_FDS:
		ret = vu_client_region_io_fds(c, 1, &io);
		ck_assert(ret == 0 || (!io.fds && !io.entries));
		vu_client_io_fds_release(&io);
		return ret;
	case OP_IRQ_INFO:
		return vu_client_irq_info(c, 1, &ii);
	case OP_DEVICE_INFO:
		return vu_client_device_info(c, &di);
	case OP_DMA_MAP:
		return vu_client_dma_map(c, 0x1000, 0x1000, -1, 0,
					 VFIO_USER_DMA_MAP_FLAG_READ);
	case OP_DMA_UNMAP:
		return vu_client_dma_unmap(c, 0x1000, 0x1000);
	}
	return -EINVAL;
}

START_TEST(test_malformed_server_gets_its_errno_and_leaks_no_fd)
{
	const struct bad_case *bc = &cases[_i];
	struct vu_client_config cfg = fake_cfg("bad.sock", 500);
	struct vu_client *c;
	struct fake f;
	int ret, i, before = open_fds();

	c = fake_attach(&f, &cfg, srv_bad, (void *)bc);
	ret = run_op(c, bc->op);
	ck_assert_msg(ret == bc->err, "%s: returned %d (%s), expected %d",
		      bc->name, ret, strerror(-ret), bc->err);
	if (bc->dead) {
		/* A second reply may kill it after the first call returned. */
		for (i = 0; i < 200 && !vu_client_error(c); i++)
			sleep_ms(5);
		ck_assert_msg(vu_client_error(c), "%s: still alive", bc->name);
		ck_assert_msg(strstr(vu_client_error(c), "bad.sock: ") &&
			      strstr(vu_client_error(c), bc->reason),
			      "%s: reason '%s' lacks '%s'", bc->name,
			      vu_client_error(c), bc->reason);
		ck_assert_int_eq(vu_client_reset(c), -ENOTCONN);
	} else {
		ck_assert_msg(!vu_client_error(c), "%s: died: %s", bc->name,
			      vu_client_error(c));
		ck_assert_int_eq(vu_client_reset(c), 0);
	}
	vu_client_close(c);
	fake_join(&f);
	ck_assert_msg(open_fds() == before, "%s: %d fds, %d before",
		      bc->name, open_fds(), before);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("client_malformed");
	TCase *tc = tcase_create("malformed");

	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc,
		test_malformed_server_gets_its_errno_and_leaks_no_fd, 0,
		(int)NR_CASES);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
