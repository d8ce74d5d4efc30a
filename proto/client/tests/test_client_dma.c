// SPDX-License-Identifier: GPL-2.0-only
/*
 * Server-to-client DMA_READ/DMA_WRITE (spec: "VFIO_USER_DMA_READ",
 * "Command Concurrency": "unrelated messages sent from the server to the
 * client can appear in between a client to server request/reply"):
 * served by the reader thread through dma_access while one of our
 * requests waits, on the main socket and on a twin socket; rejected ones
 * get an error reply and the connection goes on.
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

#define GUEST_BASE	0x100000ull
#define GUEST_SIZE	0x10000u

struct guest {
	uint8_t mem[GUEST_SIZE];
	int reads, writes;
};

static int guest_access(void *opaque, uint64_t addr, void *buf,
			uint64_t len, bool write)
{
	struct guest *g = opaque;
	uint64_t off = addr - GUEST_BASE;

	if (addr < GUEST_BASE || off > GUEST_SIZE || len > GUEST_SIZE - off)
		return -EFAULT;
	if (write) {
		memcpy(g->mem + off, buf, len);
		g->writes++;
	} else {
		memcpy(buf, g->mem + off, len);
		g->reads++;
	}
	return 0;
}

static void guest_init(struct guest *g)
{
	unsigned int i;

	memset(g, 0, sizeof(*g));
	for (i = 0; i < GUEST_SIZE; i++)
		g->mem[i] = (uint8_t)(i * 13 + 1);
}

static struct vu_client_config dma_cfg(struct guest *g)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);

	cfg.dma_access = guest_access;
	cfg.opaque = g;
	return cfg;
}

/* A DMA_READ/WRITE body: address, count (64 bits), then @data. */
static size_t dma_body(uint8_t *b, uint64_t addr, uint64_t count,
		       const void *data, size_t len)
{
	wr64(b, 0, addr);
	wr64(b, 8, count);
	if (len)
		memcpy(b + 16, data, len);
	return 16 + len;
}

static void expect_error(const struct vu_msg *r, int err)
{
	ck_assert_msg(vu_hdr_is_error(&r->hdr), "no error reply to %s",
		      vu_command_name(r->hdr.command));
	ck_assert_uint_eq(r->hdr.error, err);
	ck_assert_uint_eq(r->body_len, 0);
	ck_assert_uint_eq(r->nr_fds, 0);
}

/* The REGION_READ the client waits on, answered with "ABCDEFGH". */
static void answer_read(int sock, const struct vu_msg *q)
{
	uint8_t r[24];

	memcpy(r, q->body, 16);
	memcpy(r + 16, "ABCDEFGH", 8);
	fake_reply(sock, q, r, 24, NULL, 0);
}

static void client_read_ok(struct vu_client *c)
{
	uint8_t buf[8];

	ck_assert_int_eq(vu_client_region_read(c, 0, 0x40, buf, 8), 0);
	ck_assert_mem_eq(buf, "ABCDEFGH", 8);
}

/*
 * While the client's REGION_READ waits: DMA_WRITE 16 bytes, read them
 * back, read 4 KiB the guest had, on @dma_sock (main or twin).
 */
static void dma_during_request(struct fake *f, int dma_sock)
{
	const struct guest *g = f->arg;
	uint8_t b[16 + 4096];
	struct vu_msg q, r;
	size_t n;

	fake_expect(f->srv, &q, VFIO_USER_REGION_READ);

	n = dma_body(b, GUEST_BASE + 0x10, 16, "0123456789abcdef", 16);
	fake_command(dma_sock, 0x100, VFIO_USER_DMA_WRITE, b, n, &r);
	ck_assert(!vu_hdr_is_error(&r.hdr));
	ck_assert_uint_eq(r.body_len, 16);
	ck_assert_uint_eq(rd64(r.body, 0), GUEST_BASE + 0x10);
	ck_assert_uint_eq(rd64(r.body, 8), 16);
	vu_msg_release(&r);

	n = dma_body(b, GUEST_BASE + 0x10, 16, NULL, 0);
	fake_command(dma_sock, 0x101, VFIO_USER_DMA_READ, b, n, &r);
	ck_assert(!vu_hdr_is_error(&r.hdr));
	ck_assert_uint_eq(r.body_len, 32);
	ck_assert_uint_eq(rd64(r.body, 0), GUEST_BASE + 0x10);
	ck_assert_uint_eq(rd64(r.body, 8), 16);
	ck_assert_mem_eq((uint8_t *)r.body + 16, "0123456789abcdef", 16);
	vu_msg_release(&r);

	n = dma_body(b, GUEST_BASE + 0x1000, 4096, NULL, 0);
	fake_command(dma_sock, 0x102, VFIO_USER_DMA_READ, b, n, &r);
	ck_assert_uint_eq(r.body_len, 16 + 4096);
	ck_assert_mem_eq((uint8_t *)r.body + 16, g->mem + 0x1000, 4096);
	vu_msg_release(&r);

	answer_read(f->srv, &q);
	vu_msg_release(&q);
}

static void srv_dma_main(struct fake *f)
{
	fake_handshake(f);
	dma_during_request(f, f->srv);
	fake_drain(f->srv);
}

START_TEST(test_dma_write_and_read_served_during_a_request)
{
	struct guest *g = malloc(sizeof(*g));
	struct vu_client_config cfg;
	struct vu_client *c;
	struct fake f;
	int before = open_fds();

	guest_init(g);
	cfg = dma_cfg(g);
	c = fake_attach(&f, &cfg, srv_dma_main, g);
	client_read_ok(c);
	ck_assert_mem_eq(g->mem + 0x10, "0123456789abcdef", 16);
	ck_assert_int_eq(g->writes, 1);
	ck_assert_int_eq(g->reads, 2);
	ck_assert_ptr_null(vu_client_error(c));
	vu_client_close(c);
	fake_join(&f);
	free(g);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void twin_handshake(struct fake *f)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	fake_version(f->srv, 2, "{\"capabilities\":{\"max_msg_fds\":8,"
		     "\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}",
		     &sv[1], 1, NULL);
	close(sv[1]);
	f->twin_srv = sv[0];
}

static void srv_dma_twin(struct fake *f)
{
	twin_handshake(f);
	dma_during_request(f, f->twin_srv);
	fake_drain(f->srv);
}

START_TEST(test_dma_served_over_the_twin_socket)
{
	struct guest *g = malloc(sizeof(*g));
	struct vu_client_config cfg;
	struct vu_client *c;
	struct fake f;
	int before = open_fds();

	guest_init(g);
	cfg = dma_cfg(g);
	cfg.twin_socket = true;
	c = fake_attach(&f, &cfg, srv_dma_twin, g);
	ck_assert(vu_client_twin_socket(c));
	client_read_ok(c);
	ck_assert_mem_eq(g->mem + 0x10, "0123456789abcdef", 16);
	ck_assert_int_eq(g->writes, 1);
	ck_assert_ptr_null(vu_client_error(c));
	vu_client_close(c);
	fake_join(&f);
	free(g);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_dma_rejected(struct fake *f)
{
	uint8_t b[64];
	struct vu_msg q, r;
	size_t n;

	fake_handshake(f);
	fake_expect(f->srv, &q, VFIO_USER_REGION_READ);
	/* Below guest memory. */
	n = dma_body(b, 0x1000, 8, NULL, 0);
	fake_command(f->srv, 1, VFIO_USER_DMA_READ, b, n, &r);
	expect_error(&r, EFAULT);
	vu_msg_release(&r);
	/* Straddling its end. */
	n = dma_body(b, GUEST_BASE + GUEST_SIZE - 8, 16, "xxxxxxxxxxxxxxxx",
		     16);
	fake_command(f->srv, 2, VFIO_USER_DMA_WRITE, b, n, &r);
	expect_error(&r, EFAULT);
	vu_msg_release(&r);
	answer_read(f->srv, &q);
	vu_msg_release(&q);
	fake_drain(f->srv);
}

START_TEST(test_dma_outside_guest_memory_gets_efault)
{
	struct guest *g = malloc(sizeof(*g)), *orig = malloc(sizeof(*g));
	struct vu_client_config cfg;
	struct vu_client *c;
	struct fake f;

	guest_init(g);
	guest_init(orig);
	cfg = dma_cfg(g);
	c = fake_attach(&f, &cfg, srv_dma_rejected, g);
	client_read_ok(c);
	ck_assert_mem_eq(g->mem, orig->mem, GUEST_SIZE);
	ck_assert_ptr_null(vu_client_error(c));
	vu_client_close(c);
	fake_join(&f);
	free(g);
	free(orig);
}
END_TEST

START_TEST(test_dma_without_dma_access_gets_efault)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client *c;
	struct fake f;

	c = fake_attach(&f, &cfg, srv_dma_rejected, NULL);
	client_read_ok(c);
	vu_client_close(c);
	fake_join(&f);
}
END_TEST

/*
 * Malformed server commands with the framing intact: each gets the
 * errno of vu_validate_command() in an error reply, the connection goes
 * on (our choice: nothing is out of step, the server may recover).
 */
static void srv_dma_malformed(struct fake *f)
{
	uint8_t b[64], hb[16 + 64];
	struct vu_msg q, r;
	int efd;
	size_t n;

	fake_handshake(f);
	fake_expect(f->srv, &q, VFIO_USER_REGION_READ);

	/* DMA_WRITE count 64, 16 data bytes. */
	n = dma_body(b, GUEST_BASE, 64, "yyyyyyyyyyyyyyyy", 16);
	fake_command(f->srv, 1, VFIO_USER_DMA_WRITE, b, n, &r);
	expect_error(&r, EINVAL);
	vu_msg_release(&r);
	/* DMA_WRITE count UINT64_MAX: overflows anything. */
	n = dma_body(b, GUEST_BASE, UINT64_MAX, "y", 1);
	fake_command(f->srv, 2, VFIO_USER_DMA_WRITE, b, n, &r);
	expect_error(&r, E2BIG);
	vu_msg_release(&r);
	/* DMA_READ of 0 bytes. */
	n = dma_body(b, GUEST_BASE, 0, NULL, 0);
	fake_command(f->srv, 3, VFIO_USER_DMA_READ, b, n, &r);
	expect_error(&r, EINVAL);
	vu_msg_release(&r);
	/* DMA_READ above our max_data_xfer_size (1 MiB). */
	n = dma_body(b, GUEST_BASE, 2u << 20, NULL, 0);
	fake_command(f->srv, 4, VFIO_USER_DMA_READ, b, n, &r);
	expect_error(&r, E2BIG);
	vu_msg_release(&r);
	/* DMA_READ whose address range wraps. */
	n = dma_body(b, UINT64_MAX - 3, 8, NULL, 0);
	fake_command(f->srv, 5, VFIO_USER_DMA_READ, b, n, &r);
	expect_error(&r, EINVAL);
	vu_msg_release(&r);
	/* DMA_READ shorter than its 16-byte body. */
	fake_command(f->srv, 6, VFIO_USER_DMA_READ, b, 8, &r);
	expect_error(&r, EINVAL);
	vu_msg_release(&r);
	/* DMA_WRITE with an fd attached: the fd is closed by the client. */
	efd = eventfd(0, EFD_CLOEXEC);
	ck_assert_int_ge(efd, 0);
	n = dma_body(b, GUEST_BASE, 1, "z", 1);
	fake_hdr(hb, 7, VFIO_USER_DMA_WRITE, (uint32_t)(16 + n), 0, 0);
	memcpy(hb + 16, b, n);
	fake_raw(f->srv, hb, 16 + n, &efd, 1);
	close(efd);
	fake_recv(f->srv, &r);
	ck_assert_uint_eq(r.hdr.msg_id, 7);
	expect_error(&r, EINVAL);
	vu_msg_release(&r);
	/* A command with the Error flag. */
	n = dma_body(b, GUEST_BASE, 1, NULL, 0);
	fake_hdr(hb, 8, VFIO_USER_DMA_READ, (uint32_t)(16 + n),
		 VFIO_USER_F_ERROR, 5);
	memcpy(hb + 16, b, n);
	fake_raw(f->srv, hb, 16 + n, NULL, 0);
	fake_recv(f->srv, &r);
	ck_assert_uint_eq(r.hdr.msg_id, 8);
	expect_error(&r, EPROTO);
	vu_msg_release(&r);

	answer_read(f->srv, &q);
	vu_msg_release(&q);
	fake_drain(f->srv);
}

START_TEST(test_malformed_dma_gets_an_error_reply_and_connection_lives)
{
	struct guest *g = malloc(sizeof(*g)), *orig = malloc(sizeof(*g));
	struct vu_client_config cfg;
	struct vu_client *c;
	struct fake f;
	int before = open_fds();

	guest_init(g);
	guest_init(orig);
	cfg = dma_cfg(g);
	c = fake_attach(&f, &cfg, srv_dma_malformed, g);
	client_read_ok(c);
	ck_assert_ptr_null(vu_client_error(c));
	ck_assert_int_eq(g->reads + g->writes, 0);
	ck_assert_mem_eq(g->mem, orig->mem, GUEST_SIZE);
	vu_client_close(c);
	fake_join(&f);
	free(g);
	free(orig);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_other_commands(struct fake *f)
{
	uint8_t b[16] = { 0 };
	struct vu_msg q, r;

	fake_handshake(f);
	fake_expect(f->srv, &q, VFIO_USER_REGION_READ);
	/* A command number nobody defines. */
	fake_command(f->srv, 1, 200, NULL, 0, &r);
	expect_error(&r, EOPNOTSUPP);
	vu_msg_release(&r);
	/* A client-to-server command sent the wrong way. */
	wr32(b, 12, 4);
	fake_command(f->srv, 2, VFIO_USER_REGION_READ, b, 16, &r);
	expect_error(&r, EOPNOTSUPP);
	vu_msg_release(&r);
	answer_read(f->srv, &q);
	vu_msg_release(&q);
	fake_drain(f->srv);
}

START_TEST(test_other_server_commands_get_eopnotsupp)
{
	struct guest *g = malloc(sizeof(*g));
	struct vu_client_config cfg;
	struct vu_client *c;
	struct fake f;

	guest_init(g);
	cfg = dma_cfg(g);
	c = fake_attach(&f, &cfg, srv_other_commands, g);
	client_read_ok(c);
	ck_assert_ptr_null(vu_client_error(c));
	vu_client_close(c);
	fake_join(&f);
	free(g);
}
END_TEST

static void srv_no_reply(struct fake *f)
{
	struct vfio_user_header h;
	uint8_t b[32];
	struct vu_msg q, r;
	size_t n;

	fake_handshake(f);
	fake_expect(f->srv, &q, VFIO_USER_REGION_READ);
	n = dma_body(b, GUEST_BASE + 0x20, 4, "wxyz", 4);
	vu_hdr_command(&h, 1, VFIO_USER_DMA_WRITE, 1);
	ck_assert_int_eq(vu_msg_send(f->srv, &h, b, n, NULL, 0), 0);
	/* The first message back is the reply to this read, not to the
	 * No_reply write. */
	n = dma_body(b, GUEST_BASE + 0x20, 4, NULL, 0);
	fake_command(f->srv, 2, VFIO_USER_DMA_READ, b, n, &r);
	ck_assert_mem_eq((uint8_t *)r.body + 16, "wxyz", 4);
	vu_msg_release(&r);
	answer_read(f->srv, &q);
	vu_msg_release(&q);
	fake_drain(f->srv);
}

START_TEST(test_dma_write_with_no_reply_flag_gets_no_reply)
{
	struct guest *g = malloc(sizeof(*g));
	struct vu_client_config cfg;
	struct vu_client *c;
	struct fake f;

	guest_init(g);
	cfg = dma_cfg(g);
	c = fake_attach(&f, &cfg, srv_no_reply, g);
	client_read_ok(c);
	ck_assert_mem_eq(g->mem + 0x20, "wxyz", 4);
	vu_client_close(c);
	fake_join(&f);
	free(g);
}
END_TEST

static int dead_calls;
static char dead_reason[VU_WHY_LEN * 2];

static void on_dead(void *opaque, const char *reason)
{
	(void)opaque;
	dead_calls++;
	strncpy(dead_reason, reason, sizeof(dead_reason) - 1);
}

static void srv_reply_on_twin(struct fake *f)
{
	uint8_t b[32] = { 0 };
	struct vu_msg q;

	twin_handshake(f);
	fake_expect(f->srv, &q, VFIO_USER_REGION_READ);
	/* A "reply" on the server-to-client channel, where we sent nothing. */
	memcpy(b, q.body, 16);
	fake_reply(f->twin_srv, &q, b, 24, NULL, 0);
	vu_msg_release(&q);
	fake_drain(f->srv);
}

START_TEST(test_reply_on_the_twin_socket_kills_the_connection)
{
	struct vu_client_config cfg = fake_cfg("twin-dev", 2000);
	struct vu_client *c;
	struct fake f;
	uint8_t buf[8];
	int before = open_fds();

	cfg.twin_socket = true;
	cfg.on_dead = on_dead;
	c = fake_attach(&f, &cfg, srv_reply_on_twin, NULL);
	ck_assert_int_eq(vu_client_region_read(c, 0, 0x40, buf, 8), -ENOTCONN);
	ck_assert_int_eq(dead_calls, 1);
	ck_assert_ptr_nonnull(strstr(dead_reason, "twin-dev: "));
	ck_assert_ptr_nonnull(strstr(dead_reason, "twin socket"));
	ck_assert_str_eq(vu_client_error(c), dead_reason);
	vu_client_close(c);
	fake_join(&f);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("client_dma");
	TCase *tc = tcase_create("dma");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_dma_write_and_read_served_during_a_request);
	tcase_add_test(tc, test_dma_served_over_the_twin_socket);
	tcase_add_test(tc, test_dma_outside_guest_memory_gets_efault);
	tcase_add_test(tc, test_dma_without_dma_access_gets_efault);
	tcase_add_test(tc,
		test_malformed_dma_gets_an_error_reply_and_connection_lives);
	tcase_add_test(tc, test_other_server_commands_get_eopnotsupp);
	tcase_add_test(tc, test_dma_write_with_no_reply_flag_gets_no_reply);
	tcase_add_test(tc, test_reply_on_the_twin_socket_kills_the_connection);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
