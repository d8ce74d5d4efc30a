// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boot/bzimage.h"
#include "fake_bzimage.h"

START_TEST(test_bzimage_accepts_debian_shaped_image)
{
	uint8_t *img = fake_bzimage();
	struct bzimage_info info;

	ck_assert_int_eq(bzimage_parse(img, FAKE_LEN, &info, NULL), 0);
	ck_assert_uint_eq(info.version, 0x020f);
	ck_assert_uint_eq(info.setup_size, FAKE_SETUP_SIZE);
	ck_assert_uint_eq(info.kernel_offset, FAKE_SETUP_SIZE);
	ck_assert_uint_eq(info.kernel_size, FAKE_KERNEL_SIZE);
	ck_assert_uint_eq(info.pref_address, 16u << 20);
	ck_assert_uint_eq(info.init_size, FAKE_INIT_SIZE);
	ck_assert_uint_eq(info.kernel_alignment, 2u << 20);
	ck_assert_uint_eq(info.relocatable, 1);
	ck_assert_uint_eq(info.xloadflags, 0x7f);
	ck_assert_uint_eq(info.cmdline_size, 2047);
	ck_assert_uint_eq(info.initrd_addr_max, 0x7fffffff);
	ck_assert_uint_eq(info.header_end, 0x26c);
	free(img);
}
END_TEST

static void expect_reject(const uint8_t *img, size_t len, const char *needle)
{
	struct bzimage_info info;
	const char *why = NULL;

	ck_assert_int_eq(bzimage_parse(img, len, &info, &why), -ENOEXEC);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, needle), "'%s' lacks '%s'", why, needle);
}

START_TEST(test_bzimage_rejects_missing_hdrs)
{
	uint8_t *img = fake_bzimage();

	memcpy(img + 0x202, "ELF!", 4);
	expect_reject(img, FAKE_LEN, "not a bzImage");
	free(img);
}
END_TEST

START_TEST(test_bzimage_rejects_missing_boot_flag)
{
	uint8_t *img = fake_bzimage();

	img[0x1fe] = 0;
	expect_reject(img, FAKE_LEN, "not a bzImage");
	free(img);
}
END_TEST

START_TEST(test_bzimage_rejects_tiny_file)
{
	uint8_t small[100] = { 0 };

	expect_reject(small, sizeof(small), "not a bzImage");
}
END_TEST

START_TEST(test_bzimage_rejects_protocol_older_than_2_12)
{
	uint8_t *img = fake_bzimage();

	fake_put(img, 0x206, 0x020b, 2);
	expect_reject(img, FAKE_LEN, "older than 2.12");
	free(img);
}
END_TEST

START_TEST(test_bzimage_rejects_kernel_without_64bit_entry)
{
	uint8_t *img = fake_bzimage();

	fake_put(img, 0x236, 0x7e, 2);
	expect_reject(img, FAKE_LEN, "XLF_KERNEL_64");
	free(img);
}
END_TEST

START_TEST(test_bzimage_rejects_truncated_kernel)
{
	uint8_t *img = fake_bzimage();

	expect_reject(img, FAKE_SETUP_SIZE, "truncated");
	expect_reject(img, 0x240, "truncated");
	free(img);
}
END_TEST

START_TEST(test_bzimage_zero_setup_sects_means_four)
{
	uint8_t *img = fake_bzimage();
	struct bzimage_info info;

	img[0x1f1] = 0;
	ck_assert_int_eq(bzimage_parse(img, FAKE_LEN, &info, NULL), 0);
	ck_assert_uint_eq(info.setup_size, 5 * 512);
	ck_assert_uint_eq(info.kernel_size, FAKE_LEN - 5 * 512);
	free(img);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bzimage");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_bzimage_accepts_debian_shaped_image);
	tcase_add_test(tc, test_bzimage_rejects_missing_hdrs);
	tcase_add_test(tc, test_bzimage_rejects_missing_boot_flag);
	tcase_add_test(tc, test_bzimage_rejects_tiny_file);
	tcase_add_test(tc, test_bzimage_rejects_protocol_older_than_2_12);
	tcase_add_test(tc, test_bzimage_rejects_kernel_without_64bit_entry);
	tcase_add_test(tc, test_bzimage_rejects_truncated_kernel);
	tcase_add_test(tc, test_bzimage_zero_setup_sects_means_four);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
