// SPDX-License-Identifier: GPL-2.0-only
/* The scripted fake server of the client's tests (see fake_server.h). */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto/tests/bytes.h"
#include "proto/vu_version.h"
#include "fake_server.h"

#define FAKE_RECV_MS	5000
#define FAKE_MAX_SIZE	(VU_MSG_MAX_SIZE_LIMIT)

void fake_init(struct fake *f)
{
	int sv[2];

	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	f->srv = sv[0];
	f->cli = sv[1];
	f->twin_srv = -1;
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;

	f->script(f);
	return NULL;
}

void fake_start(struct fake *f, void (*script)(struct fake *f), void *arg)
{
	f->script = script;
	f->arg = arg;
	ck_assert_int_eq(pthread_create(&f->thread, NULL, fake_main, f), 0);
	f->running = true;
}

void fake_join(struct fake *f)
{
	if (f->running)
		pthread_join(f->thread, NULL);
	f->running = false;
	if (f->srv >= 0)
		close(f->srv);
	if (f->twin_srv >= 0)
		close(f->twin_srv);
	f->srv = f->twin_srv = -1;
}

struct vu_client *fake_attach(struct fake *f,
			      const struct vu_client_config *cfg,
			      void (*script)(struct fake *f), void *arg)
{
	struct vu_client *c = NULL;
	struct vu_why why = { "" };
	int ret;

	fake_init(f);
	fake_start(f, script, arg);
	ret = vu_client_attach(f->cli, cfg, &c, &why);
	f->cli = -1;
	ck_assert_msg(ret == 0, "attach: %d %s", ret, why.msg);
	return c;
}

void fake_recv(int sock, struct vu_msg *m)
{
	int ret = vu_msg_recv_timeout(sock, m, FAKE_MAX_SIZE,
				      VU_MSG_MAX_FDS_LIMIT, FAKE_RECV_MS);

	ck_assert_msg(ret == 0, "fake server: receive failed: %d", ret);
}

int fake_recv_within(int sock, struct vu_msg *m, int ms)
{
	return vu_msg_recv_timeout(sock, m, FAKE_MAX_SIZE,
				   VU_MSG_MAX_FDS_LIMIT, ms);
}

void fake_expect(int sock, struct vu_msg *m, uint16_t command)
{
	fake_recv(sock, m);
	ck_assert_msg(vu_hdr_type(&m->hdr) == VFIO_USER_F_TYPE_COMMAND,
		      "fake server: flags %#x is not a command", m->hdr.flags);
	ck_assert_msg(m->hdr.command == command, "fake server: got %s, "
		      "expected %s", vu_command_name(m->hdr.command),
		      vu_command_name(command));
	ck_assert_uint_eq(m->hdr.size, 16 + m->body_len);
	ck_assert_uint_eq(m->hdr.error, 0);
}

void fake_reply(int sock, const struct vu_msg *cmd, const void *body,
		size_t len, const int *fds, unsigned int nr_fds)
{
	ck_assert_int_eq(vu_msg_send_reply(sock, &cmd->hdr, body, len, fds,
					   nr_fds), 0);
}

void fake_error(int sock, const struct vu_msg *cmd, int err)
{
	ck_assert_int_eq(vu_msg_send_error(sock, &cmd->hdr, err), 0);
}

void fake_raw(int sock, const void *buf, size_t len, const int *fds,
	      unsigned int nr_fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} cb;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	ck_assert_uint_le(nr_fds, 16);
	if (nr_fds) {
		struct cmsghdr *c;

		memset(&cb, 0, sizeof(cb));
		mh.msg_control = cb.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nr_fds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nr_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nr_fds);
	}
	n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	ck_assert_int_eq(n, (ssize_t)len);
}

void fake_hdr(void *buf, uint16_t id, uint16_t command, uint32_t size,
	      uint32_t flags, uint32_t error)
{
	struct vfio_user_header h = {
		.msg_id = id, .command = command, .size = size,
		.flags = flags, .error = error,
	};

	memcpy(buf, &h, sizeof(h));
}

void fake_version(int sock, uint16_t minor, const char *json,
		  const int *fds, unsigned int nr_fds, struct vu_version *seen)
{
	struct vfio_user_version v = { .major = 0, .minor = minor };
	struct vu_version proposal;
	struct vu_why why = { "" };
	size_t jl = json ? strlen(json) + 1 : 0;
	uint8_t *body;
	struct vu_msg m;

	fake_expect(sock, &m, VFIO_USER_VERSION);
	ck_assert_msg(vu_version_parse(m.body, m.body_len, &proposal,
				       &why) == 0, "%s", why.msg);
	ck_assert_uint_eq(m.nr_fds, 0);
	if (seen)
		*seen = proposal;
	body = malloc(sizeof(v) + jl);
	ck_assert_ptr_nonnull(body);
	memcpy(body, &v, sizeof(v));
	if (json)
		memcpy(body + sizeof(v), json, jl);
	fake_reply(sock, &m, body, sizeof(v) + jl, fds, nr_fds);
	free(body);
	vu_msg_release(&m);
}

void fake_handshake(struct fake *f)
{
	fake_version(f->srv, 2, "{\"capabilities\":{\"max_msg_fds\":8,"
		     "\"max_data_xfer_size\":1048576}}", NULL, 0, NULL);
}

void fake_twin_handshake(struct fake *f)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	fake_version(f->srv, 2, "{\"capabilities\":{\"max_msg_fds\":8,"
		     "\"max_data_xfer_size\":1048576,\"twin_socket\":"
		     "{\"supported\":true,\"fd_index\":0}}}", &sv[1], 1,
		     NULL);
	close(sv[1]);
	f->twin_srv = sv[0];
}

void fake_drain(int sock)
{
	struct vu_msg m;

	while (fake_recv_within(sock, &m, 10000) == 0)
		vu_msg_release(&m);
}

void fake_command(int sock, uint16_t id, uint16_t command, const void *body,
		  size_t len, struct vu_msg *reply)
{
	struct vfio_user_header h;

	vu_hdr_command(&h, id, command, 0);
	ck_assert_int_eq(vu_msg_send(sock, &h, body, len, NULL, 0), 0);
	fake_recv(sock, reply);
	ck_assert_msg(vu_hdr_is_reply(&reply->hdr), "flags %#x",
		      reply->hdr.flags);
	ck_assert_uint_eq(reply->hdr.msg_id, id);
	ck_assert_uint_eq(reply->hdr.command, command);
}

int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void sleep_ms(int ms)
{
	struct timespec t = { .tv_sec = ms / 1000,
			      .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) && errno == EINTR)
		;
}

struct vu_client_config fake_cfg(const char *name, int timeout_ms)
{
	struct vu_client_config cfg = {
		.name = name, .timeout_ms = timeout_ms,
	};

	return cfg;
}

static void fake_on_dead(void *opaque, const char *reason)
{
	struct fake_dead *d = opaque;

	pthread_mutex_lock(&d->lock);
	d->calls++;
	snprintf(d->reason, sizeof(d->reason), "%s", reason);
	if (d->c && vu_client_error(d->c))
		snprintf(d->error, sizeof(d->error), "%s",
			 vu_client_error(d->c));
	pthread_mutex_unlock(&d->lock);
}

struct vu_client_config fake_dead_cfg(const char *name, int timeout_ms,
				      struct fake_dead *d)
{
	struct vu_client_config cfg = fake_cfg(name, timeout_ms);

	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
	cfg.on_dead = fake_on_dead;
	cfg.opaque = d;
	return cfg;
}

int fake_dead_calls(struct fake_dead *d)
{
	int n;

	pthread_mutex_lock(&d->lock);
	n = d->calls;
	pthread_mutex_unlock(&d->lock);
	return n;
}

uint64_t fake_data_of(uint64_t off)
{
	return off * 0x9E3779B97F4A7C15ull ^ 0xa5a5;
}

void fake_reply_read(int sock, const struct vu_msg *q)
{
	uint8_t r[24];

	ck_assert_uint_eq(rd32(q->body, 12), 8);
	memcpy(r, q->body, 16);
	wr64(r, 16, fake_data_of(rd64(q->body, 0)));
	fake_reply(sock, q, r, 24, NULL, 0);
}
