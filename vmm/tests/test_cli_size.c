// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "vmm/cli_size.h"

START_TEST(test_size_plain_number_is_bytes)
{
	uint64_t v = 0;

	ck_assert_int_eq(cli_parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
}
END_TEST

START_TEST(test_size_suffixes_are_binary)
{
	uint64_t v = 0;

	ck_assert_int_eq(cli_parse_size("512M", &v), 0);
	ck_assert_uint_eq(v, 512ull << 20);
	ck_assert_int_eq(cli_parse_size("2G", &v), 0);
	ck_assert_uint_eq(v, 2ull << 30);
	ck_assert_int_eq(cli_parse_size("5g", &v), 0);
	ck_assert_uint_eq(v, 5ull << 30);
	ck_assert_int_eq(cli_parse_size("64k", &v), 0);
	ck_assert_uint_eq(v, 64ull << 10);
	ck_assert_int_eq(cli_parse_size("1GiB", &v), 0);
	ck_assert_uint_eq(v, 1ull << 30);
	ck_assert_int_eq(cli_parse_size("3MB", &v), 0);
	ck_assert_uint_eq(v, 3ull << 20);
	ck_assert_int_eq(cli_parse_size("1T", &v), 0);
	ck_assert_uint_eq(v, 1ull << 40);
}
END_TEST

START_TEST(test_size_garbage_is_rejected)
{
	static const char *const bad[] = {
		"", "M", "-1", " 1", "1X", "1MM", "1.5G", "1 G", "0x10", "G1",
	};
	uint64_t v = 77;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(cli_parse_size(bad[i], &v) == -EINVAL,
			      "\"%s\" was accepted", bad[i]);
		ck_assert_uint_eq(v, 77);
	}
	ck_assert_int_eq(cli_parse_size(NULL, &v), -EINVAL);
}
END_TEST

START_TEST(test_size_overflow_is_erange)
{
	uint64_t v = 0;

	ck_assert_int_eq(cli_parse_size("99999999999999999999", &v), -ERANGE);
	ck_assert_int_eq(cli_parse_size("17179869184G", &v), -ERANGE);
	ck_assert_int_eq(cli_parse_size("16777215T", &v), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli_size");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_size_plain_number_is_bytes);
	tcase_add_test(tc, test_size_suffixes_are_binary);
	tcase_add_test(tc, test_size_garbage_is_rejected);
	tcase_add_test(tc, test_size_overflow_is_erange);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
