// SPDX-License-Identifier: GPL-2.0-only
/*
 * Clients that attack the server's resources rather than its parsing:
 * one that never reads its replies, one that floods commands, a crowd
 * that connects at once. Each case runs its own vfio-user-testdev child
 * and ends the way a user ends a server, with SIGTERM: it must exit 0
 * within child_stop()'s 5 s, whatever the client did.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "devices/framework/tests/child.h"
#include "devices/framework/tests/raw_client.h"
#include "proto/tests/check_main.h"

/* A million commands: what took a server to 1.1 GB before its queue
 * counted what each queued message costs. */
#define FLOOD_MSGS	1000000u
#define FLOOD_BATCH	4096u
/* What the queue (16 MiB) and the socket buffers may cost in an ASan
 * build, with room to spare; the unbounded queue took 1.1 GB. */
#define FLOOD_RSS_MAX_KB	(160u << 10)

static const char *bin;
static struct child ch;
static struct rc c;

static void start(void)
{
	ck_assert_msg(child_start(&ch, bin, NULL, NULL) == 0, "%s", ch.why);
	ck_assert_int_eq(rc_connect(&c, ch.sock, 2000), 0);
}

/* SIGTERM stops the server at once, with status 0 (no crash, no leak). */
static void stop(void)
{
	int status = child_stop(&ch, SIGTERM);

	if (status) {
		char *log = child_log_all(&ch);

		ck_abort_msg("the server exited with %d on SIGTERM; its log:\n%s",
			     status, log);
	}
	rc_close(&c);
	child_cleanup(&ch);
}

static unsigned long rss_kb(pid_t pid)
{
	char path[64], line[256];
	unsigned long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * Send DEVICE_RESET commands (16 bytes each, header only) and never read
 * a reply, until FLOOD_MSGS went, the server has taken nothing for a
 * second (it stopped reading) or it closed the connection. Returns how
 * many went.
 */
static unsigned int flood(int sock)
{
	static struct vfio_user_header batch[FLOOD_BATCH];
	unsigned int sent = 0, i;
	size_t off = 0, len = 0;
	struct pollfd p = { .fd = sock, .events = POLLOUT };
	ssize_t n;

	while (sent < FLOOD_MSGS) {
		if (off == len) {
			for (i = 0; i < FLOOD_BATCH; i++) {
				vu_hdr_command(&batch[i], (uint16_t)(sent + i),
					       VFIO_USER_DEVICE_RESET, 0);
				batch[i].size = VFIO_USER_HDR_SIZE;
			}
			off = 0;
			len = sizeof(batch);
		}
		n = send(sock, (char *)batch + off, len - off,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN) {
			if (poll(&p, 1, 1000) == 0)
				break;	/* the server stopped reading */
			continue;
		}
		/* A server may also give up on a client that reads nothing
		 * (after 10 s): that ends the flood too. */
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			break;
		ck_assert_msg(n > 0, "send: %s", strerror(errno));
		off += (size_t)n;
		if (off == len)
			sent += FLOOD_BATCH;
	}
	return sent;
}

/*
 * Regression: the queue between the reader and the dispatch thread
 * counted 16 wire bytes for a command that held about 1 KiB (its fd
 * array): a million commands whose replies were never read took the
 * server from 1.8 MB to 1.1 GB. Now the reader stops reading when the
 * queued messages cost 16 MiB.
 */
START_TEST(test_a_flood_of_unanswered_commands_is_bounded_in_memory)
{
	unsigned long base, after;
	unsigned int sent;

	start();
	ck_assert_int_eq(rc_hello(&c, false), 0);
	base = rss_kb(ch.pid);
	sent = flood(c.sock);
	after = rss_kb(ch.pid);
	ck_assert_msg(after - base < FLOOD_RSS_MAX_KB,
		      "%u commands took the server from %lu kB to %lu kB",
		      sent, base, after);
	ck_assert_uint_lt(sent, FLOOD_MSGS);
	stop();
}
END_TEST

/*
 * Regression: with a twin socket the reader handles a command itself and
 * sent its reply with a blocking send and no deadline: a client that
 * stopped reading held it there, where it never saw the stop request,
 * and SIGTERM no longer stopped the server.
 */
START_TEST(test_sigterm_stops_a_server_whose_twin_client_stopped_reading)
{
	start();
	ck_assert_int_eq(rc_hello(&c, true), 0);
	ck_assert_int_ge(c.twin, 0);
	flood(c.sock);
	stop();
}
END_TEST

/* The same without a twin: the dispatch thread is the one held. */
START_TEST(test_sigterm_stops_a_server_whose_client_stopped_reading)
{
	start();
	ck_assert_int_eq(rc_hello(&c, false), 0);
	flood(c.sock);
	stop();
}
END_TEST

/*
 * Regression: the server listened with a backlog of 8, so the ninth
 * quick connection from a non-blocking client failed at once with
 * EAGAIN. Connections now wait in the backlog while a client is served.
 */
START_TEST(test_32_quick_connections_wait_their_turn)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vfio_user_device_info q = { .argsz = sizeof(q) };
	int fds[32], i;

	start();
	ck_assert_int_eq(rc_hello(&c, false), 0);
	strcpy(sa.sun_path, ch.sock);
	for (i = 0; i < 32; i++) {
		fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
				SOCK_NONBLOCK, 0);
		ck_assert_int_ge(fds[i], 0);
		ck_assert_msg(connect(fds[i], (struct sockaddr *)&sa,
				      sizeof(sa)) == 0,
			      "connection %d: %s", i + 1, strerror(errno));
	}
	/* The client being served still is. */
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_INFO, &q,
				    sizeof(q), NULL, 0, NULL), 0);
	for (i = 0; i < 32; i++)
		close(fds[i]);
	stop();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("testdev_hostile_client");
	TCase *tc = tcase_create("hostile");

	/* A flood takes seconds without the fix: let it fail on its
	 * assertion, not on Check's timeout. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_a_flood_of_unanswered_commands_is_bounded_in_memory);
	tcase_add_test(tc, test_sigterm_stops_a_server_whose_twin_client_stopped_reading);
	tcase_add_test(tc, test_sigterm_stops_a_server_whose_client_stopped_reading);
	tcase_add_test(tc, test_32_quick_connections_wait_their_turn);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	bin = getenv("TESTDEV");
	if (!bin) {
		fprintf(stderr, "TESTDEV (the vfio-user-testdev path) is not "
			"set\n");
		return 2;
	}
	return run_suite(suite());
}
