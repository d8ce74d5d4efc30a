// SPDX-License-Identifier: GPL-2.0-only
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "boot/bzimage.h"
#include "check_main.h"
#include "fake_bzimage.h"

static uint8_t *img;

static void setup(void)
{
	img = fake_bzimage();
}

static void teardown(void)
{
	free(img);
}

static void expect_reject(size_t len, const char *needle)
{
	struct bzimage_info info;
	const char *why = NULL;

	ck_assert_int_eq(bzimage_parse(img, len, &info, &why), -ENOEXEC);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, needle), "'%s' lacks '%s'", why, needle);
	/* why is optional. */
	ck_assert_int_eq(bzimage_parse(img, len, &info, NULL), -ENOEXEC);
}

START_TEST(test_bzimage_accepts_debian_shaped_image)
{
	struct bzimage_info info;
	const char *why = "untouched";

	ck_assert_int_eq(bzimage_parse(img, FAKE_LEN, &info, &why), 0);
	ck_assert_str_eq(why, "untouched");
	ck_assert_uint_eq(info.version, 0x020f);
	ck_assert_uint_eq(info.setup_size, FAKE_SETUP_SIZE);
	ck_assert_uint_eq(info.header_end, FAKE_HEADER_END);
	ck_assert_uint_eq(info.kernel_offset, FAKE_SETUP_SIZE);
	ck_assert_uint_eq(info.kernel_size, FAKE_KERNEL_SIZE);
	ck_assert_uint_eq(info.pref_address, FAKE_PREF_ADDRESS);
	ck_assert_uint_eq(info.init_size, FAKE_INIT_SIZE);
	ck_assert_uint_eq(info.kernel_alignment, 2u << 20);
	ck_assert_uint_eq(info.relocatable, 1);
	ck_assert_uint_eq(info.xloadflags, 0x7f);
	ck_assert_uint_eq(info.cmdline_size, 2047);
	ck_assert_uint_eq(info.initrd_addr_max, 0x7fffffff);
}
END_TEST

START_TEST(test_bzimage_accepts_protocol_2_12_exactly)
{
	struct bzimage_info info;

	wr(img, H_VERSION, 0x020c, 2);
	ck_assert_int_eq(bzimage_parse(img, FAKE_LEN, &info, NULL), 0);
	ck_assert_uint_eq(info.version, 0x020c);
}
END_TEST

START_TEST(test_bzimage_zero_setup_sects_means_four)
{
	struct bzimage_info info;

	img[H_SETUP_SECTS] = 0;
	ck_assert_int_eq(bzimage_parse(img, FAKE_LEN, &info, NULL), 0);
	ck_assert_uint_eq(info.setup_size, 5 * 512);
	ck_assert_uint_eq(info.kernel_offset, 5 * 512);
	ck_assert_uint_eq(info.kernel_size, FAKE_KERNEL_SIZE);
}
END_TEST

START_TEST(test_bzimage_without_syssize_takes_rest_of_file)
{
	struct bzimage_info info;

	wr(img, H_SYSSIZE, 0, 4);
	ck_assert_int_eq(bzimage_parse(img, FAKE_LEN, &info, NULL), 0);
	ck_assert_uint_eq(info.kernel_size, FAKE_LEN - FAKE_SETUP_SIZE);
}
END_TEST

START_TEST(test_bzimage_rejects_file_shorter_than_setup_header)
{
	expect_reject(0, "not a bzImage");
	expect_reject(0x1f1, "not a bzImage");
	expect_reject(0x207, "not a bzImage");
}
END_TEST

START_TEST(test_bzimage_rejects_missing_hdrs)
{
	memcpy(img + H_HEADER, "\177ELF", 4);
	expect_reject(FAKE_LEN, "not a bzImage (no HdrS header)");
}
END_TEST

START_TEST(test_bzimage_rejects_missing_boot_flag)
{
	wr(img, H_BOOT_FLAG, 0x55aa, 2);
	expect_reject(FAKE_LEN, "not a bzImage (no HdrS header)");
}
END_TEST

START_TEST(test_bzimage_rejects_protocol_older_than_2_12)
{
	wr(img, H_VERSION, 0x020b, 2);
	expect_reject(FAKE_LEN, "boot protocol 2.11 is older than 2.12");
	wr(img, H_VERSION, 0x0206, 2);
	expect_reject(FAKE_LEN, "boot protocol 2.06 is older than 2.12");
	wr(img, H_VERSION, 0x0200, 2);
	expect_reject(FAKE_LEN, "boot protocol 2.00 is older than 2.12");
	wr(img, H_VERSION, 0x0105, 2);
	expect_reject(FAKE_LEN, "older than 2.12");
}
END_TEST

START_TEST(test_bzimage_rejects_kernel_without_64bit_entry)
{
	wr(img, H_XLOADFLAGS, 0x7e, 2);
	expect_reject(FAKE_LEN, "kernel has no 64-bit entry point (XLF_KERNEL_64)");
}
END_TEST

START_TEST(test_bzimage_rejects_header_shorter_than_2_12)
{
	/* A jump that ends the header before init_size (0x260). */
	img[H_JUMP + 1] = 0x5a;
	expect_reject(FAKE_LEN, "truncated");
}
END_TEST

START_TEST(test_bzimage_rejects_header_longer_than_boot_params_room)
{
	/* 0x202 + 0x90 = 0x292, past 0x290 where edd_mbr_sig_buffer is. */
	img[H_JUMP + 1] = 0x90;
	expect_reject(FAKE_LEN, "malformed");
}
END_TEST

START_TEST(test_bzimage_rejects_file_ending_inside_header)
{
	expect_reject(0x240, "truncated");
	expect_reject(FAKE_HEADER_END - 1, "truncated");
}
END_TEST

START_TEST(test_bzimage_rejects_missing_protected_mode_kernel)
{
	expect_reject(FAKE_SETUP_SIZE, "truncated");
	expect_reject(FAKE_SETUP_SIZE - 100, "truncated");
	/* setup_sects larger than the file. */
	img[H_SETUP_SECTS] = 200;
	expect_reject(FAKE_LEN, "truncated");
}
END_TEST

START_TEST(test_bzimage_rejects_kernel_shorter_than_syssize)
{
	expect_reject(FAKE_SETUP_SIZE + FAKE_KERNEL_SIZE - 1, "truncated");
	wr(img, H_SYSSIZE, 0x10000000, 4);
	expect_reject(FAKE_LEN, "truncated");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bzimage");
	TCase *ok = tcase_create("accepts");
	TCase *bad = tcase_create("rejects");

	tcase_add_checked_fixture(ok, setup, teardown);
	tcase_add_test(ok, test_bzimage_accepts_debian_shaped_image);
	tcase_add_test(ok, test_bzimage_accepts_protocol_2_12_exactly);
	tcase_add_test(ok, test_bzimage_zero_setup_sects_means_four);
	tcase_add_test(ok, test_bzimage_without_syssize_takes_rest_of_file);
	suite_add_tcase(s, ok);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad,
		test_bzimage_rejects_file_shorter_than_setup_header);
	tcase_add_test(bad, test_bzimage_rejects_missing_hdrs);
	tcase_add_test(bad, test_bzimage_rejects_missing_boot_flag);
	tcase_add_test(bad, test_bzimage_rejects_protocol_older_than_2_12);
	tcase_add_test(bad, test_bzimage_rejects_kernel_without_64bit_entry);
	tcase_add_test(bad, test_bzimage_rejects_header_shorter_than_2_12);
	tcase_add_test(bad,
		test_bzimage_rejects_header_longer_than_boot_params_room);
	tcase_add_test(bad, test_bzimage_rejects_file_ending_inside_header);
	tcase_add_test(bad, test_bzimage_rejects_missing_protected_mode_kernel);
	tcase_add_test(bad, test_bzimage_rejects_kernel_shorter_than_syssize);
	suite_add_tcase(s, bad);
	return run_suite(s);
}
