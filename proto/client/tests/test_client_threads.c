// SPDX-License-Identifier: GPL-2.0-only
/*
 * Threads, timeouts and the end of a connection: requests from several
 * threads matched with replies sent out of order, msg_id wrap-around,
 * whole messages on a shared socket, a silent, dying or non-reading
 * server, vu_client_shutdown() and vu_client_close() against a hung
 * server, SIGPIPE.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "proto/tests/bytes.h"
#include "proto/tests/check_main.h"
#include "proto/tests/wait_for.h"
#include "fake_server.h"

/* One-shot signals between the test and its server thread. */
static int event_new(void)
{
	int fd = eventfd(0, EFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static void event_post(int fd)
{
	uint64_t one = 1;

	ck_assert_int_eq(write(fd, &one, 8), 8);
}

static void event_wait(int fd)
{
	uint64_t v;

	ck_assert_int_eq(read(fd, &v, 8), 8);
}

/* --- Several threads, replies out of order --- */

#define NTHREADS	8
#define NREADS		1000

struct shuffle_stats {
	unsigned int max_batch;
};

static void srv_shuffle(struct fake *f)
{
	struct shuffle_stats *st = f->arg;
	struct vu_msg batch[NTHREADS * 2];
	unsigned int total = 0, n, i, j, seed = 12345;

	fake_handshake(f);
	while (total < NTHREADS * NREADS) {
		n = 0;
		fake_expect(f->srv, &batch[n++], VFIO_USER_REGION_READ);
		while (n < NTHREADS &&
		       fake_recv_within(f->srv, &batch[n], 2) == 0)
			n++;
		/* All in flight at once: their ids must differ. */
		for (i = 0; i < n; i++)
			for (j = i + 1; j < n; j++)
				ck_assert_uint_ne(batch[i].hdr.msg_id,
						  batch[j].hdr.msg_id);
		for (i = n - 1; i > 0; i--) {
			struct vu_msg t;

			j = (unsigned int)rand_r(&seed) % (i + 1);
			t = batch[i];
			batch[i] = batch[j];
			batch[j] = t;
		}
		for (i = 0; i < n; i++) {
			ck_assert_uint_eq(rd32(batch[i].body, 8),
					  rd64(batch[i].body, 0) >> 32);
			fake_reply_read(f->srv, &batch[i]);
			vu_msg_release(&batch[i]);
		}
		if (n > st->max_batch)
			st->max_batch = n;
		total += n;
	}
	fake_drain(f->srv);
}

struct reader_arg {
	struct vu_client *c;
	unsigned int t;
	int failures;
};

static void *reader_thread(void *p)
{
	struct reader_arg *a = p;
	unsigned int i;
	uint8_t buf[8];

	for (i = 0; i < NREADS; i++) {
		uint64_t off = (uint64_t)a->t << 32 | (uint64_t)i * 8;

		if (vu_client_region_read(a->c, a->t, off, buf, 8) ||
		    rd64(buf, 0) != fake_data_of(off))
			a->failures++;
	}
	return NULL;
}

START_TEST(test_threads_get_their_own_data_from_shuffled_replies)
{
	struct vu_client_config cfg = fake_cfg("dev", 5000);
	struct shuffle_stats st = { 0 };
	struct reader_arg a[NTHREADS];
	pthread_t th[NTHREADS];
	struct vu_client *c;
	struct fake f;
	unsigned int t;
	int before = open_fds();

	c = fake_attach(&f, &cfg, srv_shuffle, &st);
	for (t = 0; t < NTHREADS; t++) {
		a[t].c = c;
		a[t].t = t;
		a[t].failures = 0;
		ck_assert_int_eq(pthread_create(&th[t], NULL, reader_thread,
						&a[t]), 0);
	}
	for (t = 0; t < NTHREADS; t++) {
		pthread_join(th[t], NULL);
		ck_assert_int_eq(a[t].failures, 0);
	}
	ck_assert_ptr_null(vu_client_error(c));
	vu_client_close(c);
	fake_join(&f);
	/* Replies were really reordered among several in flight. */
	ck_assert_uint_ge(st.max_batch, 3);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/* --- msg_id wrap-around --- */

#define WRAP_READS	70000

struct wrap {
	int held_ready;		/* eventfd: the held request arrived */
};

static void srv_wrap(struct fake *f)
{
	struct wrap *w = f->arg;
	struct vu_msg held, m;
	uint16_t prev, want;
	unsigned int k;

	fake_handshake(f);
	fake_expect(f->srv, &held, VFIO_USER_REGION_READ);
	ck_assert_uint_eq(rd64(held.body, 0), 0xdead0);
	event_post(w->held_ready);
	prev = held.hdr.msg_id;
	for (k = 0; k < WRAP_READS; k++) {
		fake_expect(f->srv, &m, VFIO_USER_REGION_READ);
		/* Ids follow each other, wrap, and skip the one held. */
		want = (uint16_t)(prev + 1);
		if (want == held.hdr.msg_id)
			want++;
		ck_assert_uint_eq(m.hdr.msg_id, want);
		prev = m.hdr.msg_id;
		fake_reply_read(f->srv, &m);
		vu_msg_release(&m);
	}
	fake_reply_read(f->srv, &held);
	vu_msg_release(&held);
	fake_drain(f->srv);
}

static void *held_thread(void *p)
{
	struct reader_arg *a = p;
	uint8_t buf[8];

	if (vu_client_region_read(a->c, 0, 0xdead0, buf, 8) ||
	    rd64(buf, 0) != fake_data_of(0xdead0))
		a->failures++;
	return NULL;
}

START_TEST(test_msg_ids_wrap_and_skip_an_id_in_flight)
{
	struct vu_client_config cfg = fake_cfg("dev", 60000);
	struct wrap w = { .held_ready = event_new() };
	struct reader_arg held = { 0 };
	struct vu_client *c;
	struct fake f;
	pthread_t th;
	unsigned int k;
	uint8_t buf[8];

	c = fake_attach(&f, &cfg, srv_wrap, &w);
	held.c = c;
	ck_assert_int_eq(pthread_create(&th, NULL, held_thread, &held), 0);
	event_wait(w.held_ready);
	for (k = 0; k < WRAP_READS; k++) {
		ck_assert_int_eq(vu_client_region_read(c, 1, k * 8, buf, 8), 0);
		ck_assert_uint_eq(rd64(buf, 0), fake_data_of(k * 8));
	}
	pthread_join(th, NULL);
	ck_assert_int_eq(held.failures, 0);
	vu_client_close(c);
	fake_join(&f);
	close(w.held_ready);
}
END_TEST

/* --- Whole messages on a shared socket --- */

#define BIG		(256u * 1024u)
#define WRITERS		4
#define WRITES		10
#define DMAS		40
#define GUEST		(512u * 1024u)
#define DMA_COUNT	(64u * 1024u)

struct mix {
	uint8_t *guest;
	pthread_mutex_t send_lock;	/* the server's two senders */
	int sock;
};

static uint8_t wpat(uint64_t off)
{
	return (uint8_t)(off ^ (off >> 9) ^ 0x3c);
}

static int mix_dma(void *opaque, uint64_t addr, void *buf, uint64_t len,
		   bool write)
{
	struct mix *m = opaque;

	if (write || addr > GUEST || len > GUEST - addr)
		return -EFAULT;
	memcpy(buf, m->guest + addr, len);
	return 0;
}

static void *srv_dma_sender(void *p)
{
	struct mix *m = p;
	struct vfio_user_header h;
	uint8_t b[16];
	unsigned int k;

	for (k = 0; k < DMAS; k++) {
		wr64(b, 0, (uint64_t)(k % 8) * DMA_COUNT);
		wr64(b, 8, DMA_COUNT);
		vu_hdr_command(&h, (uint16_t)(0x8000 + k), VFIO_USER_DMA_READ,
			       0);
		pthread_mutex_lock(&m->send_lock);
		ck_assert_int_eq(vu_msg_send(m->sock, &h, b, 16, NULL, 0), 0);
		pthread_mutex_unlock(&m->send_lock);
	}
	return NULL;
}

static void srv_mix(struct fake *f)
{
	struct mix *mx = f->arg;
	unsigned int writes = 0, dmas = 0, j;
	struct vu_msg m;
	pthread_t th;

	fake_handshake(f);
	mx->sock = f->srv;
	ck_assert_int_eq(pthread_create(&th, NULL, srv_dma_sender, mx), 0);
	while (writes < WRITERS * WRITES || dmas < DMAS) {
		fake_recv(f->srv, &m);
		if (vu_hdr_is_reply(&m.hdr)) {
			uint64_t addr;

			/* A DMA_READ reply, whole and right. */
			ck_assert_uint_eq(m.hdr.command, VFIO_USER_DMA_READ);
			ck_assert(!vu_hdr_is_error(&m.hdr));
			ck_assert_uint_eq(m.body_len, 16 + DMA_COUNT);
			addr = rd64(m.body, 0);
			ck_assert_uint_eq(addr, (uint64_t)((m.hdr.msg_id -
					  0x8000) % 8) * DMA_COUNT);
			ck_assert_mem_eq((uint8_t *)m.body + 16,
					 mx->guest + addr, DMA_COUNT);
			dmas++;
		} else {
			uint64_t off;

			ck_assert_uint_eq(m.hdr.command,
					  VFIO_USER_REGION_WRITE);
			ck_assert_uint_eq(m.body_len, 16 + BIG);
			off = rd64(m.body, 0);
			for (j = 0; j < BIG; j++)
				if (((uint8_t *)m.body)[16 + j] !=
				    wpat(off + j))
					ck_abort_msg("write data broken at %u",
						     j);
			pthread_mutex_lock(&mx->send_lock);
			fake_reply(f->srv, &m, m.body, 16, NULL, 0);
			pthread_mutex_unlock(&mx->send_lock);
			writes++;
		}
		vu_msg_release(&m);
	}
	pthread_join(th, NULL);
	fake_drain(f->srv);
}

static void *writer_thread(void *p)
{
	struct reader_arg *a = p;
	uint8_t *buf = malloc(BIG);
	unsigned int i, j;

	for (i = 0; i < WRITES; i++) {
		uint64_t off = (uint64_t)a->t << 40 | (uint64_t)i * BIG;

		for (j = 0; j < BIG; j++)
			buf[j] = wpat(off + j);
		if (vu_client_region_write(a->c, 0, off, buf, BIG))
			a->failures++;
	}
	free(buf);
	return NULL;
}

START_TEST(test_sends_never_interleave_with_dma_replies)
{
	struct vu_client_config cfg = fake_cfg("dev", 10000);
	struct reader_arg a[WRITERS];
	pthread_t th[WRITERS];
	struct mix mx;
	struct vu_client *c;
	struct fake f;
	unsigned int t;

	mx.guest = malloc(GUEST);
	for (t = 0; t < GUEST; t++)
		mx.guest[t] = (uint8_t)(t * 31 + (t >> 12));
	pthread_mutex_init(&mx.send_lock, NULL);
	cfg.dma_access = mix_dma;
	cfg.opaque = &mx;
	c = fake_attach(&f, &cfg, srv_mix, &mx);
	for (t = 0; t < WRITERS; t++) {
		a[t].c = c;
		a[t].t = t;
		a[t].failures = 0;
		ck_assert_int_eq(pthread_create(&th[t], NULL, writer_thread,
						&a[t]), 0);
	}
	for (t = 0; t < WRITERS; t++) {
		pthread_join(th[t], NULL);
		ck_assert_int_eq(a[t].failures, 0);
	}
	ck_assert_ptr_null(vu_client_error(c));
	vu_client_close(c);
	fake_join(&f);
	free(mx.guest);
}
END_TEST

/* --- A silent server --- */

static void srv_silent(struct fake *f)
{
	struct vu_msg m;

	fake_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_REGION_READ);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_silent_server_times_out_then_enotconn_at_once)
{
	struct fake_dead d;
	struct vu_client_config cfg = fake_dead_cfg("silent.sock", 200, &d);
	struct vu_client *c;
	struct fake f;
	uint8_t buf[8];
	int64_t t0, dt;
	int before = open_fds();

	c = fake_attach(&f, &cfg, srv_silent, NULL);
	d.c = c;
	t0 = now_ms();
	ck_assert_int_eq(vu_client_region_read(c, 0, 0, buf, 8), -ETIMEDOUT);
	dt = now_ms() - t0;
	ck_assert_msg(dt >= 180 && dt < 1500, "timed out after %lld ms",
		      (long long)dt);
	/* on_dead has run before the call returned. */
	ck_assert_int_eq(fake_dead_calls(&d), 1);
	ck_assert_str_eq(d.reason, "silent.sock: no reply to REGION_READ "
			 "(msg 1) in 200 ms");
	ck_assert_str_eq(d.error, d.reason);
	ck_assert_str_eq(vu_client_error(c), d.reason);

	t0 = now_ms();
	ck_assert_int_eq(vu_client_region_read(c, 0, 0, buf, 8), -ENOTCONN);
	ck_assert_int_eq(vu_client_reset(c), -ENOTCONN);
	ck_assert_int_lt(now_ms() - t0, 100);
	ck_assert_int_eq(fake_dead_calls(&d), 1);

	t0 = now_ms();
	vu_client_close(c);
	ck_assert_int_lt(now_ms() - t0, 500);
	fake_join(&f);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/* --- A server that dies with requests in flight --- */

static void srv_die_with_4(struct fake *f)
{
	struct vu_msg m[4];
	int i;

	fake_handshake(f);
	for (i = 0; i < 4; i++)
		fake_expect(f->srv, &m[i], VFIO_USER_REGION_READ);
	for (i = 0; i < 4; i++)
		vu_msg_release(&m[i]);
	close(f->srv);
	f->srv = -1;
}

static void *dying_reader(void *p)
{
	struct reader_arg *a = p;
	uint8_t buf[8];

	a->failures = vu_client_region_read(a->c, a->t, 0, buf, 8);
	return NULL;
}

START_TEST(test_server_dying_fails_every_waiter_with_enotconn)
{
	struct fake_dead d;
	struct vu_client_config cfg = fake_dead_cfg("dying", 5000, &d);
	struct reader_arg a[4];
	struct vu_client *c;
	pthread_t th[4];
	struct fake f;
	int64_t t0;
	int t, before = open_fds();

	c = fake_attach(&f, &cfg, srv_die_with_4, NULL);
	t0 = now_ms();
	for (t = 0; t < 4; t++) {
		a[t].c = c;
		a[t].t = (unsigned int)t;
		ck_assert_int_eq(pthread_create(&th[t], NULL, dying_reader,
						&a[t]), 0);
	}
	for (t = 0; t < 4; t++) {
		pthread_join(th[t], NULL);
		ck_assert_int_eq(a[t].failures, -ENOTCONN);
	}
	ck_assert_int_lt(now_ms() - t0, 2000);
	ck_assert_int_eq(fake_dead_calls(&d), 1);
	ck_assert_str_eq(d.reason, "dying: server closed the connection");
	vu_client_close(c);
	fake_join(&f);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/* --- A server that never reads --- */

static void srv_no_read(struct fake *f)
{
	fake_handshake(f);
	event_wait(*(int *)f->arg);	/* until the test is done */
}

START_TEST(test_server_that_never_reads_times_out_the_send)
{
	struct fake_dead d;
	struct vu_client_config cfg = fake_dead_cfg("deaf", 300, &d);
	int done = event_new();
	struct vu_client *c;
	struct fake f;
	uint8_t *buf = calloc(1, 1u << 20);
	int64_t t0, dt;

	c = fake_attach(&f, &cfg, srv_no_read, &done);
	t0 = now_ms();
	/* 1 MiB: more than the socket buffer holds. */
	ck_assert_int_eq(vu_client_region_write(c, 0, 0, buf, 1u << 20),
			 -ETIMEDOUT);
	dt = now_ms() - t0;
	ck_assert_msg(dt >= 280 && dt < 2000, "timed out after %lld ms",
		      (long long)dt);
	ck_assert_int_eq(fake_dead_calls(&d), 1);
	ck_assert_str_eq(d.reason, "deaf: could not send REGION_WRITE (msg 1) "
			 "in 300 ms: the server does not read");
	ck_assert_int_eq(vu_client_region_write(c, 0, 0, buf, 8), -ENOTCONN);
	vu_client_close(c);
	event_post(done);
	fake_join(&f);
	close(done);
	free(buf);
}
END_TEST

/* --- vu_client_shutdown(), vu_client_close() --- */

struct hang {
	int got;	/* eventfd: the server has the request */
	int done;	/* eventfd: the test is over */
};

static void srv_hang_on_request(struct fake *f)
{
	struct hang *h = f->arg;
	struct vu_msg m;

	fake_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_REGION_READ);
	vu_msg_release(&m);
	event_post(h->got);
	event_wait(h->done);
}

START_TEST(test_shutdown_frees_a_thread_blocked_in_a_call)
{
	struct fake_dead d;
	struct vu_client_config cfg = fake_dead_cfg("hung", 10000, &d);
	struct hang h = { event_new(), event_new() };
	struct reader_arg a = { 0 };
	struct vu_client *c;
	struct fake f;
	pthread_t th;
	int64_t t0;
	int before = open_fds();

	c = fake_attach(&f, &cfg, srv_hang_on_request, &h);
	a.c = c;
	ck_assert_int_eq(pthread_create(&th, NULL, dying_reader, &a), 0);
	event_wait(h.got);
	t0 = now_ms();
	vu_client_shutdown(c);
	pthread_join(th, NULL);
	ck_assert_int_eq(a.failures, -ENOTCONN);
	ck_assert_int_lt(now_ms() - t0, 1000);
	ck_assert_int_eq(fake_dead_calls(&d), 0);
	ck_assert_str_eq(vu_client_error(c), "hung: shut down by the client");
	vu_client_shutdown(c);
	vu_client_close(c);
	ck_assert_int_lt(now_ms() - t0, 1000);
	event_post(h.done);
	fake_join(&f);
	ck_assert_int_eq(open_fds(), before);
	close(h.got);
	close(h.done);
}
END_TEST

static void srv_half_header(struct fake *f)
{
	struct hang *h = f->arg;
	uint8_t hb[16];

	fake_handshake(f);
	fake_hdr(hb, 1, VFIO_USER_DMA_READ, 32, 0, 0);
	fake_raw(f->srv, hb, 8, NULL, 0);
	event_post(h->got);
	event_wait(h->done);
}

START_TEST(test_close_while_server_hangs_mid_message_is_prompt)
{
	struct fake_dead d;
	struct vu_client_config cfg = fake_dead_cfg("half", 10000, &d);
	struct hang h = { event_new(), event_new() };
	struct vu_client *c;
	struct fake f;
	int64_t t0;
	int before = open_fds();

	c = fake_attach(&f, &cfg, srv_half_header, &h);
	event_wait(h.got);
	/* The reader is inside the message once it has read its start. */
	ck_assert_msg(!wait_for_peer_read(f.srv, 5000), "the client did not "
		      "read the 8 bytes of the header within 5 s");
	t0 = now_ms();
	vu_client_close(c);
	ck_assert_int_lt(now_ms() - t0, 1000);
	ck_assert_int_eq(fake_dead_calls(&d), 0);
	event_post(h.done);
	fake_join(&f);
	ck_assert_int_eq(open_fds(), before);
	close(h.got);
	close(h.done);
}
END_TEST

static void srv_close_after_handshake(struct fake *f)
{
	fake_handshake(f);
	close(f->srv);
	f->srv = -1;
}

START_TEST(test_writing_to_a_gone_server_raises_no_sigpipe)
{
	struct fake_dead d;
	struct vu_client_config cfg = fake_dead_cfg("gone", 2000, &d);
	struct vu_client *c;
	struct fake f;
	uint8_t *buf = calloc(1, BIG);
	int i;

	signal(SIGPIPE, SIG_DFL);
	c = fake_attach(&f, &cfg, srv_close_after_handshake, NULL);
	fake_join(&f);		/* the server end is closed now */
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(vu_client_region_write(c, 0, 0, buf, BIG),
				 -ENOTCONN);
	ck_assert_int_eq(fake_dead_calls(&d), 1);
	vu_client_close(c);
	free(buf);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("client_threads");
	TCase *tc = tcase_create("threads");

	tcase_set_timeout(tc, 40);
	tcase_add_test(tc,
		test_threads_get_their_own_data_from_shuffled_replies);
	tcase_add_test(tc, test_msg_ids_wrap_and_skip_an_id_in_flight);
	tcase_add_test(tc, test_sends_never_interleave_with_dma_replies);
	suite_add_tcase(s, tc);

	tc = tcase_create("end");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_silent_server_times_out_then_enotconn_at_once);
	tcase_add_test(tc, test_server_dying_fails_every_waiter_with_enotconn);
	tcase_add_test(tc, test_server_that_never_reads_times_out_the_send);
	tcase_add_test(tc, test_shutdown_frees_a_thread_blocked_in_a_call);
	tcase_add_test(tc, test_close_while_server_hangs_mid_message_is_prompt);
	tcase_add_test(tc, test_writing_to_a_gone_server_raises_no_sigpipe);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
