// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "vmm/console_out.h"

/* A console writing into a pipe whose read end the test drains. */
struct pipe_console {
	struct console_out out;
	int rd, wr;
};

static void pipe_console_init(struct pipe_console *pc)
{
	int fds[2];

	ck_assert_int_eq(pipe2(fds, O_NONBLOCK), 0);
	pc->rd = fds[0];
	pc->wr = fds[1];
	console_out_init(&pc->out, pc->wr);
}

static void pipe_console_close(struct pipe_console *pc)
{
	if (pc->rd >= 0)
		close(pc->rd);
	close(pc->wr);
}

/* What reached the pipe so far, as a string ("" when nothing did). */
static const char *drained(struct pipe_console *pc)
{
	static char buf[2 * CONSOLE_OUT_SIZE + 1];
	ssize_t n = read(pc->rd, buf, sizeof(buf) - 1);

	if (n < 0) {
		ck_assert_int_eq(errno, EAGAIN);
		n = 0;
	}
	buf[n] = '\0';
	return buf;
}

static bool put_str(struct pipe_console *pc, const char *s)
{
	return console_out_put(&pc->out, (const uint8_t *)s, strlen(s));
}

START_TEST(bytes_wait_for_their_line)
{
	struct pipe_console pc;

	pipe_console_init(&pc);
	ck_assert(put_str(&pc, "h"));		/* a partial line begins */
	ck_assert(!put_str(&pc, "ell"));	/* ...and goes on */
	ck_assert_str_eq(drained(&pc), "");
	ck_assert(!put_str(&pc, "o\n"));	/* the line ends: written */
	ck_assert_str_eq(drained(&pc), "hello\n");
	pipe_console_close(&pc);
}
END_TEST

START_TEST(a_partial_line_after_a_line_asks_for_a_flush)
{
	struct pipe_console pc;

	pipe_console_init(&pc);
	ck_assert(put_str(&pc, "one\n# "));
	ck_assert_str_eq(drained(&pc), "one\n");
	console_out_flush(&pc.out);
	ck_assert_str_eq(drained(&pc), "# ");
	console_out_flush(&pc.out);		/* nothing left: no write */
	ck_assert_str_eq(drained(&pc), "");
	ck_assert(!put_str(&pc, "two\n"));	/* complete: nothing to flush later */
	ck_assert_str_eq(drained(&pc), "two\n");
	pipe_console_close(&pc);
}
END_TEST

START_TEST(a_full_buffer_is_written)
{
	struct pipe_console pc;
	uint8_t big[CONSOLE_OUT_SIZE + 10];

	pipe_console_init(&pc);
	memset(big, 'x', sizeof(big));
	/* No newline in 4106 bytes: 4096 go out, 10 wait. */
	ck_assert(console_out_put(&pc.out, big, sizeof(big)));
	ck_assert_uint_eq(strlen(drained(&pc)), CONSOLE_OUT_SIZE);
	console_out_flush(&pc.out);
	ck_assert_str_eq(drained(&pc), "xxxxxxxxxx");
	pipe_console_close(&pc);
}
END_TEST

START_TEST(a_console_that_went_away_loses_bytes_not_the_guest)
{
	struct pipe_console pc;

	signal(SIGPIPE, SIG_IGN);
	pipe_console_init(&pc);
	close(pc.rd);
	pc.rd = -1;
	ck_assert(!put_str(&pc, "nobody reads this\n"));
	ck_assert(put_str(&pc, "nor this"));
	console_out_flush(&pc.out);
	ck_assert_uint_eq(pc.out.len, 0);
	pipe_console_close(&pc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("console_out");
	TCase *tc = tcase_create("lines");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, bytes_wait_for_their_line);
	tcase_add_test(tc, a_partial_line_after_a_line_asks_for_a_flush);
	tcase_add_test(tc, a_full_buffer_is_written);
	tcase_add_test(tc, a_console_that_went_away_loses_bytes_not_the_guest);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
