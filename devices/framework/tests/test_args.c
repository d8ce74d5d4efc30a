// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device programs' command line (spec: "Backend Program
 * Conventions"): --socket-path=PATH and --socket-path PATH, --fd=FDNUM,
 * exactly one of them, --help, the program's own flags and values,
 * unknown arguments refused.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "devices/framework/vus.h"
#include "proto/tests/check_main.h"

static bool flag;
static const char *value;

static const struct vus_option options[] = {
	{ .name = "no-mmap", .flag = &flag, .help = "a flag" },
	{ .name = "image", .value = &value, .help = "a value" },
	{ .name = NULL },
};

static const struct vus_program prog = {
	.name = "test-prog",
	.summary = "testing",
	.options = options,
};

static int parse(struct vus_args *a, int argc, const char **argv)
{
	flag = false;
	value = NULL;
	/* Usage text goes to stdout/stderr; keep the test log short. */
	fflush(stdout);
	return vus_args_parse(&prog, argc, (char **)argv, a);
}

START_TEST(test_socket_path_with_equals_or_separate)
{
	const char *a1[] = { "p", "--socket-path=/tmp/x.sock" };
	const char *a2[] = { "p", "--socket-path", "/tmp/y.sock", "--verbose" };
	struct vus_args a;

	ck_assert_int_eq(parse(&a, 2, a1), 0);
	ck_assert_str_eq(a.socket_path, "/tmp/x.sock");
	ck_assert_int_eq(a.fd, -1);
	ck_assert(!a.verbose);
	ck_assert_int_eq(parse(&a, 4, a2), 0);
	ck_assert_str_eq(a.socket_path, "/tmp/y.sock");
	ck_assert(a.verbose);
}
END_TEST

START_TEST(test_fd_option)
{
	const char *a1[] = { "p", "--fd=3" };
	const char *a2[] = { "p", "--fd", "7" };
	const char *bad1[] = { "p", "--fd=x" };
	const char *bad2[] = { "p", "--fd=-1" };
	struct vus_args a;

	ck_assert_int_eq(parse(&a, 2, a1), 0);
	ck_assert_int_eq(a.fd, 3);
	ck_assert_ptr_null(a.socket_path);
	ck_assert_int_eq(parse(&a, 3, a2), 0);
	ck_assert_int_eq(a.fd, 7);
	ck_assert_int_eq(parse(&a, 2, bad1), -EINVAL);
	ck_assert_int_eq(parse(&a, 2, bad2), -EINVAL);
}
END_TEST

START_TEST(test_exactly_one_of_socket_path_and_fd)
{
	const char *none[] = { "p" };
	const char *both[] = { "p", "--fd=3", "--socket-path=/x" };
	const char *empty[] = { "p", "--socket-path=" };
	const char *missing[] = { "p", "--socket-path" };
	struct vus_args a;

	ck_assert_int_eq(parse(&a, 1, none), -EINVAL);
	ck_assert_int_eq(parse(&a, 3, both), -EINVAL);
	ck_assert_int_eq(parse(&a, 2, empty), -EINVAL);
	ck_assert_int_eq(parse(&a, 2, missing), -EINVAL);
}
END_TEST

START_TEST(test_help_says_stop)
{
	const char *h[] = { "p", "--help", "--bogus" };
	struct vus_args a;

	ck_assert_int_eq(parse(&a, 3, h), 1);
}
END_TEST

START_TEST(test_program_options_flags_and_values)
{
	const char *a1[] = { "p", "--no-mmap", "--image=/d.img",
			     "--socket-path=/s" };
	const char *a2[] = { "p", "--image", "/e.img", "--socket-path=/s" };
	const char *flag_with_value[] = { "p", "--no-mmap=1",
					  "--socket-path=/s" };
	const char *value_missing[] = { "p", "--socket-path=/s", "--image" };
	const char *prefix[] = { "p", "--no-mmapx", "--socket-path=/s" };
	const char *unknown[] = { "p", "--socket-path=/s", "extra" };
	struct vus_args a;

	ck_assert_int_eq(parse(&a, 4, a1), 0);
	ck_assert(flag);
	ck_assert_str_eq(value, "/d.img");
	ck_assert_int_eq(parse(&a, 4, a2), 0);
	ck_assert(!flag);
	ck_assert_str_eq(value, "/e.img");
	ck_assert_int_eq(parse(&a, 3, flag_with_value), -EINVAL);
	ck_assert_int_eq(parse(&a, 3, value_missing), -EINVAL);
	ck_assert_int_eq(parse(&a, 3, prefix), -EINVAL);
	ck_assert_int_eq(parse(&a, 3, unknown), -EINVAL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("args");
	TCase *tc = tcase_create("args");

	tcase_add_test(tc, test_socket_path_with_equals_or_separate);
	tcase_add_test(tc, test_fd_option);
	tcase_add_test(tc, test_exactly_one_of_socket_path_and_fd);
	tcase_add_test(tc, test_help_says_stop);
	tcase_add_test(tc, test_program_options_flags_and_values);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
