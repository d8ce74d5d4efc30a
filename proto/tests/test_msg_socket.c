// SPDX-License-Identifier: GPL-2.0-only
/*
 * Framing over a real socketpair(AF_UNIX, SOCK_STREAM): partial writes,
 * signals, descriptors, limits, EOF and timeouts. Peers are threads.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proto/vu_msg.h"
#include "check_main.h"
#include "wait_for.h"

static void pair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec t = { .tv_sec = ms / 1000,
			      .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

/* A 16-byte header then @len bytes, as one buffer. */
static size_t raw_msg(uint8_t *buf, uint16_t id, uint16_t cmd,
		      const void *body, size_t len)
{
	struct vfio_user_header h;

	vu_hdr_command(&h, id, cmd, 0);
	h.size = (uint32_t)(16 + len);
	memcpy(buf, &h, 16);
	memcpy(buf + 16, body, len);
	return 16 + len;
}

START_TEST(test_send_recv_round_trip)
{
	struct vfio_user_header h;
	struct vu_msg m;
	int sv[2];

	pair(sv);
	vu_hdr_command(&h, 9, VFIO_USER_REGION_WRITE, 1);
	ck_assert_int_eq(vu_msg_send(sv[0], &h, "0123456789abcdefWXYZ", 20,
				     NULL, 0), 0);
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 8), 0);
	ck_assert_uint_eq(m.hdr.msg_id, 9);
	ck_assert_uint_eq(m.hdr.command, VFIO_USER_REGION_WRITE);
	ck_assert_uint_eq(m.hdr.size, 36);
	ck_assert(vu_hdr_no_reply(&m.hdr));
	ck_assert_uint_eq(m.body_len, 20);
	ck_assert_mem_eq(m.body, "0123456789abcdefWXYZ", 20);
	ck_assert_uint_eq(m.nr_fds, 0);
	vu_msg_release(&m);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_error_reply_is_header_only_and_echoes_id)
{
	struct vfio_user_header cmd;
	struct vu_msg m;
	int sv[2];

	pair(sv);
	vu_hdr_command(&cmd, 77, VFIO_USER_DMA_MAP, 0);
	ck_assert_int_eq(vu_msg_send_error(sv[0], &cmd, EEXIST), 0);
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 8), 0);
	ck_assert_uint_eq(m.hdr.size, 16);
	ck_assert_uint_eq(m.hdr.msg_id, 77);
	ck_assert_uint_eq(m.hdr.command, VFIO_USER_DMA_MAP);
	ck_assert(vu_hdr_is_reply(&m.hdr));
	ck_assert_int_eq(vu_reply_errno(&m.hdr), -EEXIST);
	ck_assert_ptr_null(m.body);
	vu_msg_release(&m);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* Writes @len bytes of @buf one byte at a time, @fd with the first. */
struct dribble {
	int sock;
	const uint8_t *buf;
	size_t len;
	int fd;
};

static void *dribble_thread(void *arg)
{
	struct dribble *d = arg;
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cbuf;
	size_t i;

	for (i = 0; i < d->len; i++) {
		struct iovec iov = { .iov_base = (void *)(d->buf + i),
				     .iov_len = 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

		if (i == 0 && d->fd >= 0) {
			struct cmsghdr *c;

			memset(&cbuf, 0, sizeof(cbuf));
			mh.msg_control = cbuf.b;
			mh.msg_controllen = sizeof(cbuf.b);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(c), &d->fd, sizeof(int));
		}
		if (sendmsg(d->sock, &mh, MSG_NOSIGNAL) != 1)
			return (void *)1;
		if (i % 7 == 0)
			sleep_ms(1);
	}
	return NULL;
}

START_TEST(test_recv_reassembles_message_split_into_1_byte_writes)
{
	uint8_t buf[16 + 40], body[40];
	struct dribble d;
	struct stat a, b;
	struct vu_msg m;
	pthread_t t;
	int sv[2], mfd;
	void *ret;

	pair(sv);
	memset(body, 0x5a, sizeof(body));
	mfd = memfd_create("dribble", MFD_CLOEXEC);
	ck_assert_int_ge(mfd, 0);
	d = (struct dribble){ sv[0], buf, raw_msg(buf, 5, VFIO_USER_DMA_MAP,
						 body, sizeof(body)), mfd };
	ck_assert_int_eq(pthread_create(&t, NULL, dribble_thread, &d), 0);
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 8), 0);
	pthread_join(t, &ret);
	ck_assert_ptr_null(ret);
	ck_assert_uint_eq(m.hdr.msg_id, 5);
	ck_assert_uint_eq(m.body_len, 40);
	ck_assert_mem_eq(m.body, body, 40);
	ck_assert_uint_eq(m.nr_fds, 1);
	ck_assert_int_eq(fstat(mfd, &a), 0);
	ck_assert_int_eq(fstat(m.fds[0], &b), 0);
	ck_assert_uint_eq(a.st_ino, b.st_ino);
	vu_msg_release(&m);
	close(mfd);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_large_message_survives_partial_writes)
{
	const size_t len = VFIO_USER_DEFAULT_MAX_DATA_XFER_SIZE;
	struct vfio_user_header h;
	struct vu_msg m;
	uint8_t *body = malloc(len);
	size_t i;
	int sv[2];
	pid_t pid;

	ck_assert_ptr_nonnull(body);
	for (i = 0; i < len; i++)
		body[i] = (uint8_t)(i * 7);
	pair(sv);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		vu_hdr_command(&h, 1, VFIO_USER_REGION_WRITE, 0);
		_exit(vu_msg_send(sv[0], &h, body, len, NULL, 0) ? 1 : 0);
	}
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, VU_MSG_MAX_SIZE_DEFAULT, 8),
			 0);
	ck_assert_uint_eq(m.body_len, len);
	ck_assert_int_eq(memcmp(m.body, body, len), 0);
	vu_msg_release(&m);
	free(body);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

static volatile sig_atomic_t signals_seen;

static void on_sigusr1(int sig)
{
	(void)sig;
	signals_seen++;
}

struct interrupter {
	pthread_t target;
	pid_t target_tid;
	int sock;
	int stage;	/* signals handled when it failed to see a receiver */
	int err;	/* 0, or why it did not */
};

/* Until @n signals were handled and the receiver sleeps again (5 s). */
static int wait_receiver_asleep(struct interrupter *in, int n)
{
	int64_t end = now_ms() + 5000;

	while (signals_seen != n) {
		if (now_ms() > end)
			return -ETIMEDOUT;
		wait_for_pause();
	}
	return wait_for_thread_blocked(in->target_tid, WAIT_FOR_ANY_SYSCALL,
				       (int)(end - now_ms()));
}

/*
 * Each signal comes while the receiver sleeps in vu_msg_recv() (its only
 * blocking call), the message after the third was handled. Sent even
 * when the receiver was not seen (in->err), not to leave it waiting.
 */
static void *interrupt_then_send(void *arg)
{
	struct interrupter *in = arg;
	struct vfio_user_header h;
	int i;

	for (i = 0; i <= 3 && !in->err; i++) {
		in->stage = i;
		in->err = wait_receiver_asleep(in, i);
		if (!in->err && i < 3)
			pthread_kill(in->target, SIGUSR1);
	}
	vu_hdr_command(&h, 11, VFIO_USER_DEVICE_RESET, 0);
	return (void *)(intptr_t)vu_msg_send(in->sock, &h, NULL, 0, NULL, 0);
}

static void eintr_case(int timeout_ms)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };	/* no RESTART */
	struct interrupter in;
	struct vu_msg m;
	pthread_t t;
	int sv[2], ret;
	void *sret;

	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
	signals_seen = 0;
	pair(sv);
	in = (struct interrupter){ .target = pthread_self(),
				   .target_tid = gettid(), .sock = sv[0] };
	ck_assert_int_eq(pthread_create(&t, NULL, interrupt_then_send, &in),
			 0);
	if (timeout_ms < 0)
		ret = vu_msg_recv(sv[1], &m, 4096, 8);
	else
		ret = vu_msg_recv_timeout(sv[1], &m, 4096, 8, timeout_ms);
	pthread_join(t, &sret);
	ck_assert_msg(!in.err, "the receiver was not seen asleep in "
		      "vu_msg_recv() after %d signals within 5 s: %s",
		      in.stage, strerror(-in.err));
	ck_assert_int_eq(ret, 0);
	ck_assert_ptr_null(sret);
	ck_assert_int_eq(signals_seen, 3);
	ck_assert_uint_eq(m.hdr.msg_id, 11);
	vu_msg_release(&m);
	close(sv[0]);
	close(sv[1]);
}

START_TEST(test_recv_tolerates_eintr_from_signal_without_sa_restart)
{
	eintr_case(-1);
}
END_TEST

START_TEST(test_recv_timeout_tolerates_eintr)
{
	eintr_case(5000);
}
END_TEST

START_TEST(test_fds_passed_and_received_intact)
{
	struct vfio_user_header h;
	struct stat a, b;
	struct vu_msg m;
	int sv[2], fds[3], i;
	char c = 0;

	pair(sv);
	for (i = 0; i < 3; i++) {
		fds[i] = memfd_create("ram", MFD_CLOEXEC);
		ck_assert_int_ge(fds[i], 0);
		ck_assert_int_eq(pwrite(fds[i], &"abc"[i], 1, 0), 1);
	}
	vu_hdr_command(&h, 2, VFIO_USER_DEVICE_SET_IRQS, 0);
	ck_assert_int_eq(vu_msg_send(sv[0], &h, "x", 1, fds, 3), 0);
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 8), 0);
	ck_assert_uint_eq(m.nr_fds, 3);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(fstat(fds[i], &a), 0);
		ck_assert_int_eq(fstat(m.fds[i], &b), 0);
		ck_assert_uint_eq(a.st_ino, b.st_ino);
		ck_assert_uint_eq(a.st_dev, b.st_dev);
		ck_assert_int_ne(m.fds[i], fds[i]);
		ck_assert_int_eq(pread(m.fds[i], &c, 1, 0), 1);
		ck_assert_int_eq(c, "abc"[i]);
		ck_assert_int_eq(fcntl(m.fds[i], F_GETFD) & FD_CLOEXEC,
				 FD_CLOEXEC);
		close(fds[i]);
	}
	vu_msg_release(&m);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_recv_closes_fds_beyond_limit)
{
	struct vfio_user_header h;
	struct vu_msg m;
	int sv[2], fds[4], i, before, low;
	bool was_open[16];

	pair(sv);
	for (i = 0; i < 4; i++)
		fds[i] = memfd_create("extra", MFD_CLOEXEC);
	vu_hdr_command(&h, 3, VFIO_USER_DEVICE_SET_IRQS, 0);
	ck_assert_int_eq(vu_msg_send(sv[0], &h, "body", 4, fds, 4), 0);
	for (i = 0; i < 4; i++)
		close(fds[i]);	/* only the in-flight copies remain */
	before = open_fds();
	low = dup(0);	/* the lowest free number, where fds would land */
	close(low);
	for (i = 0; i < 16; i++)
		was_open[i] = fcntl(low + i, F_GETFD) != -1;

	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 2), -EPROTO);
	ck_assert_uint_eq(m.nr_fds, 0);
	ck_assert_ptr_null(m.body);
	ck_assert_uint_eq(m.hdr.msg_id, 3);	/* to send an error reply */
	ck_assert_int_eq(open_fds(), before);
	/* no number the 4 fds could have taken is newly open */
	for (i = 0; i < 16; i++)
		ck_assert_int_eq(fcntl(low + i, F_GETFD) != -1, was_open[i]);

	/* The whole message was consumed: the next one reads fine. */
	vu_hdr_command(&h, 4, VFIO_USER_DEVICE_RESET, 0);
	ck_assert_int_eq(vu_msg_send(sv[0], &h, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 2), 0);
	ck_assert_uint_eq(m.hdr.msg_id, 4);
	vu_msg_release(&m);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_release_closes_unclaimed_fds)
{
	struct vfio_user_header h;
	struct vu_msg m;
	int sv[2], fd, before, kept;

	pair(sv);
	fd = memfd_create("ram", MFD_CLOEXEC);
	vu_hdr_command(&h, 3, VFIO_USER_DMA_MAP, 0);
	ck_assert_int_eq(vu_msg_send(sv[0], &h, NULL, 0, &fd, 1), 0);
	close(fd);
	before = open_fds();
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 1), 0);
	ck_assert_int_eq(open_fds(), before + 1);
	kept = m.fds[0];
	m.fds[0] = -1;			/* claimed by the caller */
	vu_msg_release(&m);
	ck_assert_int_eq(fcntl(kept, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(kept);
	ck_assert_int_eq(open_fds(), before);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_recv_rejects_oversize_before_reading_body)
{
	uint8_t buf[16 + 8], rest[16];
	struct vfio_user_header h;
	struct vu_msg m;
	int sv[2];

	pair(sv);
	vu_hdr_command(&h, 6, VFIO_USER_REGION_WRITE, 0);
	h.size = 64 * 1024 * 1024;	/* a body that never comes */
	memcpy(buf, &h, 16);
	memcpy(buf + 16, "BODYBODY", 8);
	ck_assert_int_eq(write(sv[0], buf, sizeof(buf)), (ssize_t)sizeof(buf));
	ck_assert_int_eq(vu_msg_recv_timeout(sv[1], &m, 4096, 8, 2000),
			 -EMSGSIZE);
	ck_assert_uint_eq(m.hdr.size, 64 * 1024 * 1024);
	ck_assert_ptr_null(m.body);
	/* the body bytes are still in the socket: nothing read past 16 */
	ck_assert_int_eq(recv(sv[1], rest, sizeof(rest), MSG_DONTWAIT), 8);
	ck_assert_mem_eq(rest, "BODYBODY", 8);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_recv_rejects_size_below_header)
{
	struct vfio_user_header h;
	struct vu_msg m;
	int sv[2];

	pair(sv);
	vu_hdr_command(&h, 6, VFIO_USER_DEVICE_RESET, 0);
	h.size = 15;
	ck_assert_int_eq(write(sv[0], &h, 16), 16);
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 8), -EPROTO);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_eof_at_boundary_is_econnreset)
{
	struct vfio_user_header h;
	struct vu_msg m;
	int sv[2];

	pair(sv);
	vu_hdr_command(&h, 1, VFIO_USER_DEVICE_RESET, 0);
	ck_assert_int_eq(vu_msg_send(sv[0], &h, NULL, 0, NULL, 0), 0);
	close(sv[0]);
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 8), 0);
	vu_msg_release(&m);
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 8), -ECONNRESET);
	ck_assert_uint_eq(m.hdr.size, 0);
	close(sv[1]);
}
END_TEST

START_TEST(test_eof_mid_body_is_eproto)
{
	uint8_t buf[16 + 32];
	struct vu_msg m;
	int sv[2], fd, before;

	pair(sv);
	raw_msg(buf, 1, VFIO_USER_REGION_WRITE,
		"0123456789abcdef0123456789abcdef", 32);
	fd = memfd_create("lost", MFD_CLOEXEC);
	{
		union {
			char b[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} cbuf = { { 0 } };
		struct iovec iov = { .iov_base = buf, .iov_len = 20 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = cbuf.b,
				     .msg_controllen = sizeof(cbuf.b) };
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
		ck_assert_int_eq(sendmsg(sv[0], &mh, 0), 20);
	}
	close(fd);
	close(sv[0]);
	before = open_fds();
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 8), -EPROTO);
	ck_assert_int_eq(open_fds(), before);	/* the fd that came: closed */
	close(sv[1]);
}
END_TEST

START_TEST(test_eof_mid_header_is_eproto)
{
	struct vu_msg m;
	int sv[2];

	pair(sv);
	ck_assert_int_eq(write(sv[0], "\1\0\x0d\0\x10", 5), 5);
	close(sv[0]);
	ck_assert_int_eq(vu_msg_recv(sv[1], &m, 4096, 8), -EPROTO);
	close(sv[1]);
}
END_TEST

START_TEST(test_timeout_on_silent_peer_returns_etimedout)
{
	struct vfio_user_header h;
	struct vu_msg m;
	int64_t t0, dt;
	int sv[2];

	pair(sv);
	t0 = now_ms();
	ck_assert_int_eq(vu_msg_recv_timeout(sv[1], &m, 4096, 8, 200),
			 -ETIMEDOUT);
	dt = now_ms() - t0;
	ck_assert_int_ge(dt, 190);
	ck_assert_int_lt(dt, 1500);
	/* in step: a later message is read whole */
	vu_hdr_command(&h, 8, VFIO_USER_DEVICE_RESET, 0);
	ck_assert_int_eq(vu_msg_send(sv[0], &h, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(vu_msg_recv_timeout(sv[1], &m, 4096, 8, 200), 0);
	ck_assert_uint_eq(m.hdr.msg_id, 8);
	vu_msg_release(&m);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_timeout_mid_message_is_eproto)
{
	uint8_t buf[16 + 8];
	struct vu_msg m;
	int64_t t0;
	int sv[2];

	pair(sv);
	raw_msg(buf, 1, VFIO_USER_REGION_WRITE, "abcdefgh", 8);
	ck_assert_int_eq(write(sv[0], buf, 20), 20);	/* 4 bytes short */
	t0 = now_ms();
	ck_assert_int_eq(vu_msg_recv_timeout(sv[1], &m, 4096, 8, 150),
			 -EPROTO);
	ck_assert_int_lt(now_ms() - t0, 1500);
	ck_assert_ptr_null(m.body);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_send_to_closed_peer_returns_epipe_without_sigpipe)
{
	struct vfio_user_header h;
	int sv[2], ret;

	pair(sv);
	close(sv[1]);
	vu_hdr_command(&h, 1, VFIO_USER_DEVICE_RESET, 0);
	ret = vu_msg_send(sv[0], &h, NULL, 0, NULL, 0);
	ck_assert(ret == -EPIPE || ret == -ECONNRESET);
	close(sv[0]);
}
END_TEST

START_TEST(test_send_rejects_too_many_fds)
{
	struct vfio_user_header h;
	int fds[VU_MSG_MAX_FDS_LIMIT + 1] = { 0 };

	vu_hdr_command(&h, 1, VFIO_USER_DEVICE_RESET, 0);
	ck_assert_int_eq(vu_msg_send(-1, &h, NULL, 0, fds,
				     VU_MSG_MAX_FDS_LIMIT + 1), -EINVAL);
}
END_TEST

/* --- vu_msg_recv_rbuf(): reads ahead, fds with their own message --- */

static int new_memfd(void)
{
	int fd = memfd_create("rbuf", MFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Send message @id: a body of @len bytes of @id, with @nr of @fds. */
static void send_id(int sock, uint16_t id, size_t len, const int *fds,
		    unsigned int nr)
{
	struct vfio_user_header h;
	uint8_t *body = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(body);
	memset(body, id, len);
	vu_hdr_command(&h, id, VFIO_USER_DMA_MAP, 0);
	ck_assert_int_eq(vu_msg_send(sock, &h, body, len, fds, nr), 0);
	free(body);
}

/* Receive message @id through @rb: its body, and exactly @fds. */
static void recv_id(int sock, struct vu_msg_rbuf *rb, uint16_t id, size_t len,
		    const int *fds, unsigned int nr)
{
	struct stat a, b;
	struct vu_msg m;
	unsigned int i;
	size_t j;

	ck_assert_int_eq(vu_msg_recv_rbuf(sock, rb, &m, 1 << 21, 8, 2000), 0);
	ck_assert_uint_eq(m.hdr.msg_id, id);
	ck_assert_uint_eq(m.body_len, len);
	for (j = 0; j < len; j++)
		ck_assert_uint_eq(((uint8_t *)m.body)[j], (uint8_t)id);
	ck_assert_uint_eq(m.nr_fds, nr);
	for (i = 0; i < nr; i++) {
		ck_assert_int_eq(fstat(fds[i], &a), 0);
		ck_assert_int_eq(fstat(m.fds[i], &b), 0);
		ck_assert_uint_eq(a.st_ino, b.st_ino);
		ck_assert_int_eq(fcntl(m.fds[i], F_GETFD) & FD_CLOEXEC,
				 FD_CLOEXEC);
	}
	vu_msg_release(&m);
}

START_TEST(test_rbuf_back_to_back_fds_go_with_their_message)
{
	struct vu_msg_rbuf *rb = calloc(1, sizeof(*rb));
	int sv[2], a[2], b[1], c[1], i, before;

	ck_assert_ptr_nonnull(rb);
	pair(sv);
	a[0] = new_memfd();
	a[1] = new_memfd();
	b[0] = new_memfd();
	c[0] = new_memfd();
	before = open_fds();
	/* All queued before the first read: reads ahead see several. */
	send_id(sv[0], 1, 8, NULL, 0);
	send_id(sv[0], 2, 3, a, 2);		/* fds after one without */
	send_id(sv[0], 3, 0, NULL, 0);		/* none after one with */
	send_id(sv[0], 4, 5, NULL, 0);
	send_id(sv[0], 5, 40, b, 1);
	send_id(sv[0], 6, 1, c, 1);		/* fds after fds */
	send_id(sv[0], 7, 2, NULL, 0);
	send_id(sv[0], 8, 100, NULL, 0);
	recv_id(sv[1], rb, 1, 8, NULL, 0);
	ck_assert(vu_msg_rbuf_pending(rb));	/* 2 came with 1 */
	recv_id(sv[1], rb, 2, 3, a, 2);
	recv_id(sv[1], rb, 3, 0, NULL, 0);
	recv_id(sv[1], rb, 4, 5, NULL, 0);
	recv_id(sv[1], rb, 5, 40, b, 1);
	recv_id(sv[1], rb, 6, 1, c, 1);
	recv_id(sv[1], rb, 7, 2, NULL, 0);
	recv_id(sv[1], rb, 8, 100, NULL, 0);
	ck_assert(!vu_msg_rbuf_pending(rb));
	ck_assert_uint_eq(rb->nr_fds, 0);
	ck_assert_int_eq(open_fds(), before);	/* every copy closed */
	for (i = 0; i < 2; i++)
		close(a[i]);
	close(b[0]);
	close(c[0]);
	free(rb);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_rbuf_reassembles_1_byte_writes_of_two_messages)
{
	struct vu_msg_rbuf *rb = calloc(1, sizeof(*rb));
	uint8_t buf[2 * 16 + 60], body[40];
	struct dribble d;
	pthread_t t;
	int sv[2], mfd;
	size_t len;
	void *ret;

	ck_assert_ptr_nonnull(rb);
	pair(sv);
	mfd = new_memfd();
	memset(body, 9, sizeof(body));
	len = raw_msg(buf, 9, VFIO_USER_DMA_MAP, body, sizeof(body));
	memset(body, 10, sizeof(body));
	len += raw_msg(buf + len, 10, VFIO_USER_DMA_MAP, body, 20);
	d = (struct dribble){ sv[0], buf, len, mfd };
	ck_assert_int_eq(pthread_create(&t, NULL, dribble_thread, &d), 0);
	recv_id(sv[1], rb, 9, 40, &mfd, 1);
	recv_id(sv[1], rb, 10, 20, NULL, 0);
	pthread_join(t, &ret);
	ck_assert_ptr_null(ret);
	ck_assert(!vu_msg_rbuf_pending(rb));
	close(mfd);
	free(rb);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* A message larger than the buffer between small ones, and a header
 * cut by the end of the buffer. */
START_TEST(test_rbuf_large_and_straddling_messages)
{
	struct vu_msg_rbuf *rb = calloc(1, sizeof(*rb));
	const size_t big = 1 << 20;
	int sv[2], fd, before;
	pid_t pid;
	int st;

	ck_assert_ptr_nonnull(rb);
	pair(sv);
	fd = new_memfd();
	before = open_fds();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		send_id(sv[0], 1, 4, NULL, 0);
		send_id(sv[0], 2, big, NULL, 0);
		send_id(sv[0], 3, 4, &fd, 1);
		/* 4090 bytes, then 6 of the next header fill a read. */
		send_id(sv[0], 4, VU_MSG_RBUF_SIZE - 6 - 16, NULL, 0);
		send_id(sv[0], 5, 7, &fd, 1);
		send_id(sv[0], 6, VU_MSG_RBUF_SIZE - 6 - 16, NULL, 0);
		send_id(sv[0], 7, 7, NULL, 0);
		_exit(0);
	}
	recv_id(sv[1], rb, 1, 4, NULL, 0);
	recv_id(sv[1], rb, 2, big, NULL, 0);
	recv_id(sv[1], rb, 3, 4, &fd, 1);
	recv_id(sv[1], rb, 4, VU_MSG_RBUF_SIZE - 6 - 16, NULL, 0);
	recv_id(sv[1], rb, 5, 7, &fd, 1);
	recv_id(sv[1], rb, 6, VU_MSG_RBUF_SIZE - 6 - 16, NULL, 0);
	recv_id(sv[1], rb, 7, 7, NULL, 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert(!vu_msg_rbuf_pending(rb));
	ck_assert_int_eq(open_fds(), before);
	close(fd);
	free(rb);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_rbuf_reset_and_errors_close_fds_read_ahead)
{
	struct vu_msg_rbuf *rb = calloc(1, sizeof(*rb));
	struct vfio_user_header h;
	struct vu_msg m;
	int sv[2], fds[4], i, before;

	ck_assert_ptr_nonnull(rb);
	pair(sv);
	for (i = 0; i < 4; i++)
		fds[i] = new_memfd();
	before = open_fds();

	/* Fds read ahead for a message never received: reset closes. */
	send_id(sv[0], 1, 4, NULL, 0);
	send_id(sv[0], 2, 4, fds, 3);
	recv_id(sv[1], rb, 1, 4, NULL, 0);
	ck_assert_uint_eq(rb->nr_fds, 3);
	ck_assert_int_eq(open_fds(), before + 3);
	vu_msg_rbuf_reset(rb);
	ck_assert(!vu_msg_rbuf_pending(rb));
	ck_assert_int_eq(open_fds(), before);

	/* Too many fds: -EPROTO, all closed, and the stream in step. */
	send_id(sv[0], 3, 4, fds, 4);
	send_id(sv[0], 4, 4, NULL, 0);
	ck_assert_int_eq(vu_msg_recv_rbuf(sv[1], rb, &m, 4096, 2, -1),
			 -EPROTO);
	ck_assert_uint_eq(m.hdr.msg_id, 3);
	ck_assert_uint_eq(m.nr_fds, 0);
	ck_assert_int_eq(open_fds(), before);
	recv_id(sv[1], rb, 4, 4, NULL, 0);

	/* Oversize after one with fds read ahead: all closed. */
	send_id(sv[0], 5, 4, NULL, 0);
	send_id(sv[0], 6, 4, fds, 2);
	recv_id(sv[1], rb, 5, 4, NULL, 0);
	ck_assert_int_eq(vu_msg_recv_rbuf(sv[1], rb, &m, 16, 8, -1),
			 -EMSGSIZE);
	ck_assert_uint_eq(m.hdr.msg_id, 6);
	ck_assert(!vu_msg_rbuf_pending(rb));
	ck_assert_uint_eq(rb->nr_fds, 0);
	ck_assert_int_eq(open_fds(), before);

	/* Nothing there: -ETIMEDOUT, in step; EOF: -ECONNRESET. */
	ck_assert_int_eq(vu_msg_recv_rbuf(sv[1], rb, &m, 4096, 8, 10),
			 -ETIMEDOUT);
	vu_hdr_command(&h, 7, VFIO_USER_DEVICE_RESET, 0);
	ck_assert_int_eq(vu_msg_send(sv[0], &h, NULL, 0, NULL, 0), 0);
	close(sv[0]);
	recv_id(sv[1], rb, 7, 0, NULL, 0);
	ck_assert_int_eq(vu_msg_recv_rbuf(sv[1], rb, &m, 4096, 8, -1),
			 -ECONNRESET);
	ck_assert_int_eq(open_fds(), before - 1);	/* sv[0] */
	for (i = 0; i < 4; i++)
		close(fds[i]);
	free(rb);
	close(sv[1]);
}
END_TEST

static Suite *msg_suite(void)
{
	Suite *s = suite_create("proto_msg_socket");
	TCase *tc = tcase_create("socket");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_send_recv_round_trip);
	tcase_add_test(tc, test_error_reply_is_header_only_and_echoes_id);
	tcase_add_test(tc, test_recv_reassembles_message_split_into_1_byte_writes);
	tcase_add_test(tc, test_large_message_survives_partial_writes);
	tcase_add_test(tc, test_recv_tolerates_eintr_from_signal_without_sa_restart);
	tcase_add_test(tc, test_recv_timeout_tolerates_eintr);
	tcase_add_test(tc, test_fds_passed_and_received_intact);
	tcase_add_test(tc, test_recv_closes_fds_beyond_limit);
	tcase_add_test(tc, test_release_closes_unclaimed_fds);
	tcase_add_test(tc, test_recv_rejects_oversize_before_reading_body);
	tcase_add_test(tc, test_recv_rejects_size_below_header);
	tcase_add_test(tc, test_eof_at_boundary_is_econnreset);
	tcase_add_test(tc, test_eof_mid_body_is_eproto);
	tcase_add_test(tc, test_eof_mid_header_is_eproto);
	tcase_add_test(tc, test_timeout_on_silent_peer_returns_etimedout);
	tcase_add_test(tc, test_timeout_mid_message_is_eproto);
	tcase_add_test(tc, test_send_to_closed_peer_returns_epipe_without_sigpipe);
	tcase_add_test(tc, test_send_rejects_too_many_fds);
	tcase_add_test(tc, test_rbuf_back_to_back_fds_go_with_their_message);
	tcase_add_test(tc, test_rbuf_reassembles_1_byte_writes_of_two_messages);
	tcase_add_test(tc, test_rbuf_large_and_straddling_messages);
	tcase_add_test(tc, test_rbuf_reset_and_errors_close_fds_read_ahead);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(msg_suite());
}
