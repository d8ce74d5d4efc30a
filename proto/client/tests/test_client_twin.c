// SPDX-License-Identifier: GPL-2.0-only
/*
 * With a twin socket the requesters read the main socket themselves, one
 * at a time (vu_client_rx.c): several threads with replies sent out of
 * order while the server's DMA goes on over the twin, the server dying
 * or hanging up while a thread is the receiver (with replies still to
 * hand over, or none), a silent server (the receiver's deadline is kept
 * by the reader thread), a server that does not read the twin, a
 * hang-up with nothing in flight, a command on the main socket.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/tests/bytes.h"
#include "proto/tests/check_main.h"
#include "proto/tests/wait_for.h"
#include "fake_server.h"

/* A guest for the server's DMA_READs: byte i of it is guest_byte(i). */
#define GUEST_SIZE	(1u << 20)

static uint8_t guest_byte(uint64_t i)
{
	return (uint8_t)(i * 7 + (i >> 8));
}

static int guest_read(void *opaque, uint64_t addr, void *buf, uint64_t len,
		      bool write)
{
	uint8_t *p = buf;
	uint64_t i;

	(void)opaque;
	if (write || addr > GUEST_SIZE || len > GUEST_SIZE - addr)
		return -EFAULT;
	for (i = 0; i < len; i++)
		p[i] = guest_byte(addr + i);
	return 0;
}

static struct vu_client_config twin_cfg(const char *name, int timeout_ms,
					struct fake_dead *d)
{
	struct vu_client_config cfg = fake_dead_cfg(name, timeout_ms, d);

	cfg.twin_socket = true;
	cfg.dma_access = guest_read;
	return cfg;
}

struct reader_arg {
	struct vu_client *c;
	unsigned int t;
	unsigned int n;
	int failures;
	int ret;		/* of the last read */
	bool data_ok;		/* its data, if it succeeded */
};

static void *reader_thread(void *p)
{
	struct reader_arg *a = p;
	unsigned int i;
	uint8_t buf[8];

	for (i = 0; i < a->n; i++) {
		uint64_t off = (uint64_t)a->t << 32 | (uint64_t)i * 8;

		a->ret = vu_client_region_read(a->c, a->t, off, buf, 8);
		a->data_ok = !a->ret && rd64(buf, 0) == fake_data_of(off);
		if (!a->data_ok)
			a->failures++;
	}
	return NULL;
}

static void start_readers(struct vu_client *c, struct reader_arg *a,
			  pthread_t *th, unsigned int nr, unsigned int n)
{
	unsigned int t;

	for (t = 0; t < nr; t++) {
		memset(&a[t], 0, sizeof(a[t]));
		a[t].c = c;
		a[t].t = t;
		a[t].n = n;
		ck_assert_int_eq(pthread_create(&th[t], NULL, reader_thread,
						&a[t]), 0);
	}
}

/* --- Several threads, replies out of order, DMA on the twin --- */

#define NTHREADS	8
#define NREADS		1000
#define NDMAS		300

struct shuffle {
	unsigned int max_batch;
	int twin;
};

/* The server's device side: DMA_READs on the twin, one at a time. */
static void *srv_dma_thread(void *p)
{
	struct shuffle *st = p;
	uint8_t b[16];
	struct vu_msg r;
	unsigned int k, i;

	for (k = 0; k < NDMAS; k++) {
		uint64_t addr = (uint64_t)k * 4096 % (GUEST_SIZE - 256);

		wr64(b, 0, addr);
		wr64(b, 8, 256);
		fake_command(st->twin, (uint16_t)k, VFIO_USER_DMA_READ, b, 16,
			     &r);
		ck_assert(!vu_hdr_is_error(&r.hdr));
		ck_assert_uint_eq(r.body_len, 16 + 256);
		for (i = 0; i < 256; i++)
			ck_assert_uint_eq(((uint8_t *)r.body)[16 + i],
					  guest_byte(addr + i));
		vu_msg_release(&r);
	}
	return NULL;
}

static void srv_shuffle(struct fake *f)
{
	struct shuffle *st = f->arg;
	struct vu_msg batch[NTHREADS];
	unsigned int total = 0, n, i, j, seed = 4242;
	bool dma_running;
	pthread_t dma;

	fake_twin_handshake(f);
	st->twin = f->twin_srv;
	ck_assert_int_eq(pthread_create(&dma, NULL, srv_dma_thread, st), 0);
	dma_running = true;
	while (total < NTHREADS * NREADS) {
		n = 0;
		fake_expect(f->srv, &batch[n++], VFIO_USER_REGION_READ);
		while (n < NTHREADS &&
		       fake_recv_within(f->srv, &batch[n], 2) == 0)
			n++;
		/* The last replies end the test: the DMA first. */
		if (total + n == NTHREADS * NREADS) {
			pthread_join(dma, NULL);
			dma_running = false;
		}
		for (i = n - 1; i > 0; i--) {
			struct vu_msg t;

			j = (unsigned int)rand_r(&seed) % (i + 1);
			t = batch[i];
			batch[i] = batch[j];
			batch[j] = t;
		}
		for (i = 0; i < n; i++) {
			fake_reply_read(f->srv, &batch[i]);
			vu_msg_release(&batch[i]);
		}
		if (n > st->max_batch)
			st->max_batch = n;
		total += n;
	}
	if (dma_running)
		pthread_join(dma, NULL);
	fake_drain(f->srv);
}

START_TEST(test_threads_receive_for_each_other_over_a_twin_session)
{
	struct fake_dead d;
	struct vu_client_config cfg = twin_cfg("dev", 5000, &d);
	struct shuffle st = { 0 };
	struct reader_arg a[NTHREADS];
	pthread_t th[NTHREADS];
	struct vu_client *c;
	struct fake f;
	unsigned int t;
	int before = open_fds();

	c = fake_attach(&f, &cfg, srv_shuffle, &st);
	ck_assert(vu_client_twin_socket(c));
	start_readers(c, a, th, NTHREADS, NREADS);
	for (t = 0; t < NTHREADS; t++) {
		pthread_join(th[t], NULL);
		ck_assert_int_eq(a[t].failures, 0);
	}
	ck_assert_ptr_null(vu_client_error(c));
	vu_client_close(c);
	fake_join(&f);
	/* Replies were really reordered among several in flight. */
	ck_assert_uint_ge(st.max_batch, 3);
	ck_assert_int_eq(fake_dead_calls(&d), 0);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/* --- The server dies while a thread is the receiver --- */

/*
 * Take 4 requests (so that all are sent, and one of their threads reads
 * the main socket), answer @answered of them out of order, and close
 * the main socket, or with @twin_only the twin socket alone.
 */
struct die {
	int answered;
	bool twin_only;
};

static void srv_die_with_4(struct fake *f)
{
	const struct die *how = f->arg;
	struct vu_msg m[4];
	int i;

	fake_twin_handshake(f);
	for (i = 0; i < 4; i++)
		fake_expect(f->srv, &m[i], VFIO_USER_REGION_READ);
	/* The requesters settle: one polls, the others wait; every thread
	 * of the test but this one sleeps. */
	ck_assert_msg(!wait_for_others_blocked(5000), "the client's threads "
		      "were not all asleep within 5 s of the 4 requests");
	if (how->answered > 0)
		fake_reply_read(f->srv, &m[3]);
	if (how->answered > 1)
		fake_reply_read(f->srv, &m[1]);
	for (i = 0; i < 4; i++)
		vu_msg_release(&m[i]);
	if (how->twin_only) {
		close(f->twin_srv);
		f->twin_srv = -1;
		fake_drain(f->srv);
	} else {
		close(f->srv);
		f->srv = -1;
	}
}

static void die_while_receiving(const struct die *how, const char *reason)
{
	struct fake_dead d;
	struct vu_client_config cfg = twin_cfg("dying", 5000, &d);
	struct reader_arg a[4];
	pthread_t th[4];
	struct vu_client *c;
	struct fake f;
	int64_t t0;
	int t, ok = 0, gone = 0, before = open_fds();
	uint8_t buf[8];

	c = fake_attach(&f, &cfg, srv_die_with_4, (void *)how);
	t0 = now_ms();
	start_readers(c, a, th, 4, 1);
	for (t = 0; t < 4; t++) {
		pthread_join(th[t], NULL);
		if (a[t].ret == 0) {
			/* Sent before the end: handed over, right data. */
			ck_assert(a[t].data_ok);
			ok++;
		} else {
			ck_assert_int_eq(a[t].ret, -ENOTCONN);
			gone++;
		}
	}
	ck_assert_int_eq(ok, how->answered);
	ck_assert_int_eq(gone, 4 - how->answered);
	ck_assert_int_lt(now_ms() - t0, 2000);
	ck_assert_int_eq(fake_dead_calls(&d), 1);
	ck_assert_str_eq(d.reason, reason);
	ck_assert_int_eq(vu_client_region_read(c, 0, 0, buf, 8), -ENOTCONN);
	vu_client_close(c);
	fake_join(&f);
	ck_assert_int_eq(open_fds(), before);
}

START_TEST(test_server_dying_while_a_thread_receives_fails_every_waiter)
{
	const struct die how = { .answered = 0 };

	die_while_receiving(&how, "dying: server closed the connection");
}
END_TEST

START_TEST(test_replies_sent_before_the_server_dies_are_delivered)
{
	const struct die how = { .answered = 2 };

	die_while_receiving(&how, "dying: server closed the connection");
}
END_TEST

START_TEST(test_twin_socket_closing_frees_the_receiver)
{
	/* None answered: a reply would race with the reader's death. */
	const struct die how = { .answered = 0, .twin_only = true };

	die_while_receiving(&how, "dying: server closed the twin socket");
}
END_TEST

/* --- A silent server: the receiver's deadline --- */

static void srv_silent(struct fake *f)
{
	int n = *(int *)f->arg, i;
	struct vu_msg m;

	fake_twin_handshake(f);
	for (i = 0; i < n; i++) {
		fake_expect(f->srv, &m, VFIO_USER_REGION_READ);
		vu_msg_release(&m);
	}
	fake_drain(f->srv);
}

START_TEST(test_silent_server_times_out_the_receiver)
{
	struct fake_dead d;
	struct vu_client_config cfg = twin_cfg("silent", 200, &d);
	int one = 1;
	struct vu_client *c;
	struct fake f;
	uint8_t buf[8];
	int64_t t0, dt;

	c = fake_attach(&f, &cfg, srv_silent, &one);
	t0 = now_ms();
	ck_assert_int_eq(vu_client_region_read(c, 0, 0, buf, 8), -ETIMEDOUT);
	dt = now_ms() - t0;
	ck_assert_msg(dt >= 180 && dt < 1500, "timed out after %lld ms",
		      (long long)dt);
	ck_assert_int_eq(fake_dead_calls(&d), 1);
	ck_assert_str_eq(d.reason, "silent: no reply to REGION_READ (msg 1) "
			 "in 200 ms");
	t0 = now_ms();
	ck_assert_int_eq(vu_client_region_read(c, 0, 0, buf, 8), -ENOTCONN);
	ck_assert_int_lt(now_ms() - t0, 100);
	vu_client_close(c);
	fake_join(&f);
}
END_TEST

START_TEST(test_silent_server_times_out_every_waiter)
{
	struct fake_dead d;
	struct vu_client_config cfg = twin_cfg("silent", 200, &d);
	int three = 3;
	struct reader_arg a[3];
	pthread_t th[3];
	struct vu_client *c;
	struct fake f;
	int64_t t0, dt;
	int t, timedout = 0;

	c = fake_attach(&f, &cfg, srv_silent, &three);
	t0 = now_ms();
	start_readers(c, a, th, 3, 1);
	for (t = 0; t < 3; t++) {
		pthread_join(th[t], NULL);
		/* The first to expire kills the rest. */
		ck_assert_msg(a[t].ret == -ETIMEDOUT || a[t].ret == -ENOTCONN,
			      "thread %d: %d", t, a[t].ret);
		timedout += a[t].ret == -ETIMEDOUT;
	}
	dt = now_ms() - t0;
	ck_assert_int_ge(timedout, 1);
	ck_assert_msg(dt >= 180 && dt < 1500, "timed out after %lld ms",
		      (long long)dt);
	ck_assert_int_eq(fake_dead_calls(&d), 1);
	ck_assert_ptr_nonnull(strstr(d.reason, "silent: no reply to "
				     "REGION_READ (msg "));
	vu_client_close(c);
	fake_join(&f);
}
END_TEST

/* --- A server that does not read the twin --- */

static void srv_deaf_twin(struct fake *f)
{
	uint8_t b[16];
	struct vu_msg m;
	struct vfio_user_header h;

	fake_twin_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_REGION_READ);
	vu_msg_release(&m);
	/* 1 MiB to read, whose reply we never take: it fills the socket. */
	wr64(b, 0, 0);
	wr64(b, 8, GUEST_SIZE);
	vu_hdr_command(&h, 7, VFIO_USER_DMA_READ, 0);
	ck_assert_int_eq(vu_msg_send(f->twin_srv, &h, b, 16, NULL, 0), 0);
	fake_drain(f->srv);
}

START_TEST(test_server_not_reading_the_twin_cannot_hang_a_receiver)
{
	struct fake_dead d;
	struct vu_client_config cfg = twin_cfg("deaf", 300, &d);
	struct vu_client *c;
	struct fake f;
	uint8_t buf[8];
	int64_t t0, dt;
	int ret;

	c = fake_attach(&f, &cfg, srv_deaf_twin, NULL);
	t0 = now_ms();
	ret = vu_client_region_read(c, 0, 0, buf, 8);
	dt = now_ms() - t0;
	/* The reader thread, stuck in the DMA reply, gives up in time. */
	ck_assert_msg(ret == -ENOTCONN || ret == -ETIMEDOUT, "%d", ret);
	ck_assert_msg(dt >= 250 && dt < 2000, "returned after %lld ms",
		      (long long)dt);
	ck_assert_int_eq(fake_dead_calls(&d), 1);
	ck_assert_str_eq(d.reason, "deaf: could not reply to DMA_READ (msg 7) "
			 "on the twin socket in 300 ms: the server does not "
			 "read");
	vu_client_close(c);
	fake_join(&f);
}
END_TEST

/* --- A hang-up with nothing in flight --- */

static void srv_hang_up(struct fake *f)
{
	fake_twin_handshake(f);
	close(f->srv);
	f->srv = -1;
}

START_TEST(test_hang_up_with_nothing_in_flight_is_noticed)
{
	struct fake_dead d;
	struct vu_client_config cfg = twin_cfg("idle", 5000, &d);
	struct vu_client *c;
	struct fake f;
	uint8_t buf[8];
	int i;

	c = fake_attach(&f, &cfg, srv_hang_up, NULL);
	/* Nobody receives: the reader thread reads to the end itself. */
	for (i = 0; i < 200 && !fake_dead_calls(&d); i++)
		sleep_ms(5);
	ck_assert_int_eq(fake_dead_calls(&d), 1);
	ck_assert_str_eq(d.reason, "idle: server closed the connection");
	ck_assert_int_eq(vu_client_region_read(c, 0, 0, buf, 8), -ENOTCONN);
	vu_client_close(c);
	fake_join(&f);
}
END_TEST

/*
 * The last reply, then the hang-up: the reader thread may see the
 * hang-up while the requester still holds the receiver role, and leave
 * the rest to it (c->hup); the death must be noticed all the same.
 */
static void srv_reply_and_hang_up(struct fake *f)
{
	struct vu_msg q;

	fake_twin_handshake(f);
	fake_expect(f->srv, &q, VFIO_USER_REGION_READ);
	fake_reply_read(f->srv, &q);
	vu_msg_release(&q);
	close(f->srv);
	f->srv = -1;
}

START_TEST(test_hang_up_right_after_the_last_reply_is_noticed)
{
	struct fake_dead d;
	struct vu_client_config cfg;
	struct vu_client *c;
	struct fake f;
	uint8_t buf[8];
	int round, i;

	/* A race between the receiver and the reader thread: run it often. */
	for (round = 0; round < 30; round++) {
		cfg = twin_cfg("last", 5000, &d);
		c = fake_attach(&f, &cfg, srv_reply_and_hang_up, NULL);
		ck_assert_int_eq(vu_client_region_read(c, 0, 8, buf, 8), 0);
		ck_assert_uint_eq(rd64(buf, 0), fake_data_of(8));
		for (i = 0; i < 200 && !fake_dead_calls(&d); i++)
			sleep_ms(5);
		ck_assert_msg(fake_dead_calls(&d) == 1, "round %d: not noticed",
			      round);
		ck_assert_str_eq(d.reason, "last: server closed the "
				 "connection");
		vu_client_close(c);
		fake_join(&f);
	}
}
END_TEST

/* --- A server command on the main socket --- */

static void srv_dma_on_main(struct fake *f)
{
	uint8_t b[16];
	struct vu_msg q, r;

	fake_twin_handshake(f);
	fake_expect(f->srv, &q, VFIO_USER_REGION_READ);
	wr64(b, 0, 0);
	wr64(b, 8, 8);
	fake_command(f->srv, 9, VFIO_USER_DMA_READ, b, 16, &r);
	/* It belongs on the twin ("Socket"): refused, nothing read. */
	ck_assert(vu_hdr_is_error(&r.hdr));
	ck_assert_uint_eq(r.hdr.error, EINVAL);
	vu_msg_release(&r);
	fake_reply_read(f->srv, &q);
	vu_msg_release(&q);
	fake_drain(f->srv);
}

START_TEST(test_server_command_on_the_main_socket_is_refused)
{
	struct fake_dead d;
	struct vu_client_config cfg = twin_cfg("dev", 2000, &d);
	struct vu_client *c;
	struct fake f;
	uint8_t buf[8];

	c = fake_attach(&f, &cfg, srv_dma_on_main, NULL);
	ck_assert_int_eq(vu_client_region_read(c, 0, 0x40, buf, 8), 0);
	ck_assert_uint_eq(rd64(buf, 0), fake_data_of(0x40));
	ck_assert_ptr_null(vu_client_error(c));
	vu_client_close(c);
	fake_join(&f);
	ck_assert_int_eq(fake_dead_calls(&d), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("client_twin");
	TCase *tc = tcase_create("twin");

	tcase_set_timeout(tc, 40);
	tcase_add_test(tc,
		test_threads_receive_for_each_other_over_a_twin_session);
	tcase_add_test(tc,
		test_server_dying_while_a_thread_receives_fails_every_waiter);
	tcase_add_test(tc,
		test_replies_sent_before_the_server_dies_are_delivered);
	tcase_add_test(tc, test_twin_socket_closing_frees_the_receiver);
	tcase_add_test(tc, test_silent_server_times_out_the_receiver);
	tcase_add_test(tc, test_silent_server_times_out_every_waiter);
	tcase_add_test(tc,
		test_server_not_reading_the_twin_cannot_hang_a_receiver);
	tcase_add_test(tc, test_hang_up_with_nothing_in_flight_is_noticed);
	tcase_add_test(tc, test_hang_up_right_after_the_last_reply_is_noticed);
	tcase_add_test(tc, test_server_command_on_the_main_socket_is_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
