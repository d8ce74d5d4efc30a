// SPDX-License-Identifier: GPL-2.0-only
/*
 * Connecting and VERSION (spec: "VFIO_USER_VERSION"): UNIX socket paths
 * that fail in each way, servers whose reply we cannot accept, minor and
 * capability negotiation, the twin socket. Every failure has its errno,
 * a @why naming the socket and the problem, and leaks no fd.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto/tests/check_main.h"
#include "fake_server.h"

/* A listening UNIX socket in a fresh directory. */
struct listener {
	char dir[64];
	char path[128];
	int lfd;
	struct fake f;
	void (*script)(struct fake *f);
};

static void listen_at(struct listener *l)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *tmp = getenv("TMPDIR");

	snprintf(l->dir, sizeof(l->dir), "%s/vuc-XXXXXX",
		 tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(l->dir));
	snprintf(l->path, sizeof(l->path), "%s/dev.sock", l->dir);
	strcpy(sa.sun_path, l->path);
	l->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(l->lfd, 0);
	ck_assert_int_eq(bind(l->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(l->lfd, 4), 0);
}

static void accept_then_script(struct fake *f)
{
	struct listener *l = f->arg;

	f->srv = accept4(l->lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(f->srv, 0);
	l->script(f);
}

static void serve_at(struct listener *l, void (*script)(struct fake *f))
{
	listen_at(l);
	memset(&l->f, 0, sizeof(l->f));
	l->f.srv = l->f.cli = l->f.twin_srv = -1;
	l->script = script;
	fake_start(&l->f, accept_then_script, l);
}

static void listener_done(struct listener *l)
{
	fake_join(&l->f);
	if (l->lfd >= 0)
		close(l->lfd);
	unlink(l->path);
	rmdir(l->dir);
}

/* Connect to @path, expected to fail with @err and @words in why. */
static void connect_fails(const char *path, int err, const char *words,
			  const struct vu_client_config *cfg)
{
	struct vu_client *c = (struct vu_client *)1;
	struct vu_why why = { "" };
	int ret;

	ret = vu_client_connect(path, cfg, &c, &why);
	ck_assert_msg(ret == err, "connect: %d (%s), expected %d", ret,
		      why.msg, err);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(why.msg, path), "why '%s' does not name %s",
		      why.msg, path);
	ck_assert_msg(strstr(why.msg, words), "why '%s' does not say '%s'",
		      why.msg, words);
}

START_TEST(test_connect_missing_path_is_enoent)
{
	struct vu_client_config cfg = fake_cfg(NULL, 1000);
	int before = open_fds();

	connect_fails("/nonexistent/vfio-user/dev.sock", -ENOENT,
		      "no such socket", &cfg);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

START_TEST(test_connect_regular_file_is_enotsock)
{
	struct vu_client_config cfg = fake_cfg(NULL, 1000);
	char path[] = "/tmp/vuc-file-XXXXXX";
	int before, fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	before = open_fds();
	connect_fails(path, -ENOTSOCK, "not a socket", &cfg);
	ck_assert_int_eq(open_fds(), before);
	unlink(path);
}
END_TEST

START_TEST(test_connect_socket_nobody_listens_is_econnrefused)
{
	struct vu_client_config cfg = fake_cfg(NULL, 1000);
	struct listener l;
	int before;

	listen_at(&l);
	close(l.lfd);		/* the socket file stays, nobody listens */
	l.lfd = -1;
	before = open_fds();
	connect_fails(l.path, -ECONNREFUSED, "refused", &cfg);
	ck_assert_int_eq(open_fds(), before);
	unlink(l.path);
	rmdir(l.dir);
}
END_TEST

static void srv_close_at_once(struct fake *f)
{
	close(f->srv);
	f->srv = -1;
}

START_TEST(test_connect_server_closing_at_once_is_econnreset)
{
	struct vu_client_config cfg = fake_cfg(NULL, 2000);
	struct listener l;
	int before = open_fds();

	serve_at(&l, srv_close_at_once);
	connect_fails(l.path, -ECONNRESET, "closed the connection", &cfg);
	listener_done(&l);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_garbage(struct fake *f)
{
	static const char http[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	struct vu_msg m;

	fake_expect(f->srv, &m, VFIO_USER_VERSION);
	vu_msg_release(&m);
	fake_raw(f->srv, http, sizeof(http) - 1, NULL, 0);
	fake_drain(f->srv);
}

START_TEST(test_connect_server_answering_garbage_is_eproto)
{
	struct vu_client_config cfg = fake_cfg(NULL, 2000);
	struct listener l;
	int before = open_fds();

	serve_at(&l, srv_garbage);
	connect_fails(l.path, -EPROTO, "not a vfio-user server", &cfg);
	listener_done(&l);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_major_1(struct fake *f)
{
	struct vfio_user_version v = { .major = 1, .minor = 0 };
	struct vu_msg m;

	fake_expect(f->srv, &m, VFIO_USER_VERSION);
	fake_reply(f->srv, &m, &v, sizeof(v), NULL, 0);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_connect_server_answering_major_1_is_eprotonosupport)
{
	struct vu_client_config cfg = fake_cfg(NULL, 2000);
	struct listener l;
	int before = open_fds();

	serve_at(&l, srv_major_1);
	connect_fails(l.path, -EPROTONOSUPPORT, "major 1", &cfg);
	listener_done(&l);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_minor_2(struct fake *f)
{
	struct vu_version seen;

	fake_version(f->srv, 2, NULL, NULL, 0, &seen);
	ck_assert_uint_eq(seen.minor, 1);
	fake_drain(f->srv);
}

START_TEST(test_connect_server_raising_minor_is_eproto)
{
	struct vu_client_config cfg = fake_cfg(NULL, 2000);
	struct listener l;
	int before = open_fds();

	cfg.minor = 1;
	serve_at(&l, srv_minor_2);
	connect_fails(l.path, -EPROTO, "minor 2 is above", &cfg);
	listener_done(&l);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_twin_unoffered(struct fake *f)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fake_version(f->srv, 2, "{\"capabilities\":{\"twin_socket\":"
		     "{\"supported\":true,\"fd_index\":0}}}", &sv[1], 1, NULL);
	close(sv[1]);
	fake_drain(f->srv);
	close(sv[0]);
}

START_TEST(test_connect_twin_granted_though_not_offered_is_eproto)
{
	struct vu_client_config cfg = fake_cfg(NULL, 2000);
	struct listener l;
	int before = open_fds();

	serve_at(&l, srv_twin_unoffered);
	connect_fails(l.path, -EPROTO, "twin_socket", &cfg);
	listener_done(&l);
	/* The twin fd that came with the reply was closed. */
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_twin_bad_index(struct fake *f)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fake_version(f->srv, 2, "{\"capabilities\":{\"twin_socket\":"
		     "{\"supported\":true,\"fd_index\":1}}}", &sv[1], 1, NULL);
	close(sv[1]);
	fake_drain(f->srv);
	close(sv[0]);
}

START_TEST(test_connect_twin_fd_index_past_fds_is_eproto)
{
	struct vu_client_config cfg = fake_cfg(NULL, 2000);
	struct listener l;
	int before = open_fds();

	cfg.twin_socket = true;
	serve_at(&l, srv_twin_bad_index);
	connect_fails(l.path, -EPROTO, "fd_index 1", &cfg);
	listener_done(&l);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_twin_not_socket(struct fake *f)
{
	int efd = eventfd(0, EFD_CLOEXEC);

	ck_assert_int_ge(efd, 0);
	fake_version(f->srv, 2, "{\"capabilities\":{\"twin_socket\":"
		     "{\"supported\":true,\"fd_index\":0}}}", &efd, 1, NULL);
	close(efd);
	fake_drain(f->srv);
}

START_TEST(test_connect_twin_fd_not_a_socket_is_eproto)
{
	struct vu_client_config cfg = fake_cfg(NULL, 2000);
	struct listener l;
	int before = open_fds();

	cfg.twin_socket = true;
	serve_at(&l, srv_twin_not_socket);
	connect_fails(l.path, -EPROTO, "not a stream socket", &cfg);
	listener_done(&l);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_refuse_version(struct fake *f)
{
	struct vu_msg m;

	fake_expect(f->srv, &m, VFIO_USER_VERSION);
	fake_error(f->srv, &m, ENOTSUP);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_connect_version_error_reply_gives_its_errno)
{
	struct vu_client_config cfg = fake_cfg(NULL, 2000);
	struct listener l;
	int before = open_fds();

	serve_at(&l, srv_refuse_version);
	connect_fails(l.path, -ENOTSUP, "refused VERSION", &cfg);
	listener_done(&l);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_silent(struct fake *f)
{
	struct vu_msg m;

	fake_expect(f->srv, &m, VFIO_USER_VERSION);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_connect_silent_server_times_out)
{
	struct vu_client_config cfg = fake_cfg(NULL, 200);
	struct listener l;
	int64_t t0;
	int before = open_fds();

	serve_at(&l, srv_silent);
	t0 = now_ms();
	connect_fails(l.path, -ETIMEDOUT, "no VERSION reply in 200 ms", &cfg);
	ck_assert_int_ge(now_ms() - t0, 150);
	ck_assert_int_lt(now_ms() - t0, 2000);
	listener_done(&l);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/*
 * Regression: a server whose listen backlog is full (it does not accept)
 * held connect(), and so minivmm's start, for good. Now the connection
 * waits the client's timeout, then fails naming the cause.
 */
START_TEST(test_connect_to_a_full_backlog_times_out)
{
	struct vu_client_config cfg = fake_cfg(NULL, 200);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct listener l;
	int fill[64], nr = 0, before, i;
	int64_t t0;

	listen_at(&l);
	strcpy(sa.sun_path, l.path);
	/* Fill the backlog: non-blocking connects until one is refused. */
	for (nr = 0; nr < 64; nr++) {
		fill[nr] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
				  SOCK_NONBLOCK, 0);
		ck_assert_int_ge(fill[nr], 0);
		if (connect(fill[nr], (struct sockaddr *)&sa, sizeof(sa))) {
			ck_assert_int_eq(errno, EAGAIN);
			close(fill[nr]);
			break;
		}
	}
	ck_assert_int_lt(nr, 64);
	before = open_fds();
	t0 = now_ms();
	connect_fails(l.path, -ETIMEDOUT, "took no connection within 200 ms",
		      &cfg);
	ck_assert_int_ge(now_ms() - t0, 150);
	ck_assert_int_lt(now_ms() - t0, 2000);
	ck_assert_int_eq(open_fds(), before);
	for (i = 0; i < nr; i++)
		close(fill[i]);
	close(l.lfd);
	unlink(l.path);
	rmdir(l.dir);
}
END_TEST

START_TEST(test_connect_minor_above_ours_is_einval)
{
	struct vu_client_config cfg = fake_cfg(NULL, 1000);
	struct vu_client *c;
	struct vu_why why = { "" };
	int sv[2], before = open_fds();

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	cfg.minor = VFIO_USER_MINOR + 1;
	ck_assert_int_eq(vu_client_attach(sv[1], &cfg, &c, &why), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(why.msg, "minor 3"));
	close(sv[0]);
	/* The socket was taken, and closed. */
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_std(struct fake *f)
{
	fake_handshake(f);
	fake_drain(f->srv);
}

START_TEST(test_connect_by_path_succeeds_and_names_the_socket)
{
	struct vu_client_config cfg = fake_cfg(NULL, 2000);
	struct vu_client *c = NULL;
	struct vu_why why = { "" };
	struct listener l;
	int before = open_fds();

	serve_at(&l, srv_std);
	ck_assert_int_eq(vu_client_connect(l.path, &cfg, &c, &why), 0);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(vu_client_error(c));
	ck_assert_uint_eq(vu_client_session(c)->minor, 2);
	ck_assert_uint_eq(vu_client_session(c)->caps.max_msg_fds, 8);
	ck_assert(!vu_client_twin_socket(c));
	vu_client_shutdown(c);
	/* The name defaults to the path. */
	ck_assert_ptr_nonnull(vu_client_error(c));
	ck_assert_ptr_nonnull(strstr(vu_client_error(c), l.path));
	vu_client_close(c);
	listener_done(&l);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/* What the client proposes, seen by the server. */
static void srv_record_proposal(struct fake *f)
{
	fake_version(f->srv, 2, NULL, NULL, 0, f->arg);
	fake_drain(f->srv);
}

START_TEST(test_version_proposal_is_ours)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_version seen;
	struct vu_client *c;
	struct fake f;

	c = fake_attach(&f, &cfg, srv_record_proposal, &seen);
	vu_client_close(c);
	fake_join(&f);
	ck_assert_uint_eq(seen.major, 0);
	ck_assert_uint_eq(seen.minor, VFIO_USER_MINOR);
	ck_assert_uint_eq(seen.caps.max_msg_fds, VU_MAX_MSG_FDS);
	ck_assert_uint_eq(seen.caps.max_data_xfer_size, 1048576);
	ck_assert_uint_eq(seen.caps.pgsizes, 4096);
	ck_assert(!seen.caps.twin_socket);
	ck_assert_int_eq(seen.caps.twin_socket_fd_index, -1);
	ck_assert(!seen.caps.migration);
}
END_TEST

static void srv_twin_declined(struct fake *f)
{
	fake_version(f->srv, 1, "{\"capabilities\":{\"twin_socket\":"
		     "{\"supported\":false}}}", NULL, 0, f->arg);
	fake_drain(f->srv);
}

START_TEST(test_version_offers_twin_socket_when_asked)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_version seen;
	struct vu_client *c;
	struct fake f;

	cfg.twin_socket = true;
	cfg.minor = 1;
	c = fake_attach(&f, &cfg, srv_twin_declined, &seen);
	ck_assert(!vu_client_twin_socket(c));
	vu_client_close(c);
	fake_join(&f);
	ck_assert(seen.caps.twin_socket);
	ck_assert_uint_eq(seen.minor, 1);
}
END_TEST

static void srv_minor_i(struct fake *f)
{
	fake_version(f->srv, (uint16_t)(intptr_t)f->arg,
		     "{\"capabilities\":{}}", NULL, 0, NULL);
	fake_drain(f->srv);
}

START_TEST(test_minor_negotiated_is_the_servers)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client *c;
	struct fake f;
	int before = open_fds();

	c = fake_attach(&f, &cfg, srv_minor_i, (void *)(intptr_t)_i);
	ck_assert_uint_eq(vu_client_session(c)->minor, _i);
	ck_assert_uint_eq(vu_client_server_version(c)->minor, _i);
	/* No max_msg_fds: the spec's default, 1. */
	ck_assert_uint_eq(vu_client_session(c)->caps.max_msg_fds, 1);
	vu_client_close(c);
	fake_join(&f);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_odd_caps(struct fake *f)
{
	fake_version(f->srv, 2, "{\"capabilities\":{\"max_msg_fds\":4,"
		     "\"max_data_xfer_size\":65536,"
		     "\"frobnicate\":{\"x\":[1,2]},"
		     "\"migration\":{\"pgsize\":4096,\"max_bitmap_size\":"
		     "1048576},\"write_multiple\":true},\"vendor\":\"acme\"}",
		     NULL, 0, NULL);
	fake_drain(f->srv);
}

START_TEST(test_unknown_capabilities_and_migration_object_accepted)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	const struct vu_version *s, *v;
	struct vu_client *c;
	struct fake f;

	c = fake_attach(&f, &cfg, srv_odd_caps, NULL);
	s = vu_client_session(c);
	v = vu_client_server_version(c);
	ck_assert_uint_eq(s->caps.max_msg_fds, 4);
	ck_assert_uint_eq(s->caps.max_data_xfer_size, 65536);
	/* We did not offer write_multiple. */
	ck_assert(!s->caps.write_multiple);
	ck_assert(v->caps.write_multiple);
	ck_assert(v->caps.migration);
	ck_assert_uint_eq(v->caps.migration_pgsize, 4096);
	ck_assert_uint_eq(v->caps.migration_max_bitmap_size, 1048576);
	vu_client_close(c);
	fake_join(&f);
}
END_TEST

static void srv_twin_granted(struct fake *f)
{
	struct vu_version seen;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	fake_version(f->srv, 2, "{\"capabilities\":{\"max_msg_fds\":8,"
		     "\"twin_socket\":{\"supported\":true,\"fd_index\":0}}}",
		     &sv[1], 1, &seen);
	ck_assert(seen.caps.twin_socket);
	close(sv[1]);
	f->twin_srv = sv[0];
	fake_drain(f->srv);
	/* The client closed its end of the twin too. */
	fake_drain(f->twin_srv);
}

START_TEST(test_twin_granted_is_used)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client *c;
	struct fake f;
	int before = open_fds();

	cfg.twin_socket = true;
	c = fake_attach(&f, &cfg, srv_twin_granted, NULL);
	ck_assert(vu_client_twin_socket(c));
	ck_assert(vu_client_session(c)->caps.twin_socket);
	ck_assert_int_eq(vu_client_session(c)->caps.twin_socket_fd_index, 0);
	vu_client_close(c);
	fake_join(&f);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/* An fd with a reply that grants no twin socket: closed, not used. */
static void srv_stray_fd(struct fake *f)
{
	int efd = eventfd(0, EFD_CLOEXEC);

	ck_assert_int_ge(efd, 0);
	fake_version(f->srv, 2, "{\"capabilities\":{\"twin_socket\":"
		     "{\"supported\":false}}}", &efd, 1, NULL);
	close(efd);
	fake_drain(f->srv);
}

START_TEST(test_fd_with_a_reply_granting_no_twin_is_closed)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client *c;
	struct fake f;
	int before = open_fds();

	cfg.twin_socket = true;
	c = fake_attach(&f, &cfg, srv_stray_fd, NULL);
	ck_assert(!vu_client_twin_socket(c));
	vu_client_close(c);
	fake_join(&f);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/* proto's rule: a VERSION reply carries at most the twin socket. */
static void srv_two_fds(struct fake *f)
{
	int sv[2], efd = eventfd(0, EFD_CLOEXEC), fds[2];

	ck_assert_int_ge(efd, 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	fds[0] = efd;
	fds[1] = sv[1];
	fake_version(f->srv, 2, "{\"capabilities\":{\"twin_socket\":"
		     "{\"supported\":true,\"fd_index\":1}}}", fds, 2, NULL);
	close(sv[1]);
	close(efd);
	fake_drain(f->srv);
	close(sv[0]);
}

START_TEST(test_version_reply_with_two_fds_is_eproto_and_closes_them)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client *c;
	struct vu_why why = { "" };
	struct fake f;
	int before = open_fds();

	cfg.twin_socket = true;
	fake_init(&f);
	fake_start(&f, srv_two_fds, NULL);
	ck_assert_int_eq(vu_client_attach(f.cli, &cfg, &c, &why), -EPROTO);
	ck_assert_ptr_nonnull(strstr(why.msg, "bad VERSION reply"));
	ck_assert_ptr_nonnull(strstr(why.msg, "2 fds"));
	fake_join(&f);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("client_connect");
	TCase *tc = tcase_create("connect");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_connect_missing_path_is_enoent);
	tcase_add_test(tc, test_connect_regular_file_is_enotsock);
	tcase_add_test(tc, test_connect_socket_nobody_listens_is_econnrefused);
	tcase_add_test(tc, test_connect_server_closing_at_once_is_econnreset);
	tcase_add_test(tc, test_connect_server_answering_garbage_is_eproto);
	tcase_add_test(tc,
		test_connect_server_answering_major_1_is_eprotonosupport);
	tcase_add_test(tc, test_connect_server_raising_minor_is_eproto);
	tcase_add_test(tc,
		test_connect_twin_granted_though_not_offered_is_eproto);
	tcase_add_test(tc, test_connect_twin_fd_index_past_fds_is_eproto);
	tcase_add_test(tc, test_connect_twin_fd_not_a_socket_is_eproto);
	tcase_add_test(tc, test_connect_version_error_reply_gives_its_errno);
	tcase_add_test(tc, test_connect_silent_server_times_out);
	tcase_add_test(tc, test_connect_to_a_full_backlog_times_out);
	tcase_add_test(tc, test_connect_minor_above_ours_is_einval);
	tcase_add_test(tc, test_connect_by_path_succeeds_and_names_the_socket);
	suite_add_tcase(s, tc);

	tc = tcase_create("negotiate");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_version_proposal_is_ours);
	tcase_add_test(tc, test_version_offers_twin_socket_when_asked);
	tcase_add_loop_test(tc, test_minor_negotiated_is_the_servers, 0, 3);
	tcase_add_test(tc,
		test_unknown_capabilities_and_migration_object_accepted);
	tcase_add_test(tc, test_twin_granted_is_used);
	tcase_add_test(tc, test_fd_with_a_reply_granting_no_twin_is_closed);
	tcase_add_test(tc,
		test_version_reply_with_two_fds_is_eproto_and_closes_them);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
