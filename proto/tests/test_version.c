// SPDX-License-Identifier: GPL-2.0-only
/* VERSION capabilities JSON: encode, parse, negotiate. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/vu_version.h"
#include "bytes.h"
#include "check_main.h"

/* A VERSION body: major, minor, then @json_len bytes of @json. */
static size_t body_of(uint8_t *buf, uint16_t major, uint16_t minor,
		      const char *json, size_t json_len)
{
	wr16(buf, 0, major);
	wr16(buf, 2, minor);
	memcpy(buf + 4, json, json_len);
	return 4 + json_len;
}

/* Parse @json (with its NUL) sent with @minor. */
static int parse(uint16_t minor, const char *json, struct vu_version *v,
		 struct vu_why *why)
{
	uint8_t buf[1024];
	size_t len = body_of(buf, 0, minor, json, strlen(json) + 1);

	return vu_version_parse(buf, len, v, why);
}

START_TEST(test_encode_then_parse_round_trips_our_caps)
{
	struct vu_version v;
	struct vu_caps c;
	struct vu_why why;
	void *body;
	size_t len;

	vu_caps_ours(&c);
	c.twin_socket = true;
	c.write_multiple = true;
	ck_assert_int_eq(vu_version_encode(2, &c, &body, &len), 0);
	ck_assert_uint_eq(rd16(body, 0), 0);
	ck_assert_uint_eq(rd16(body, 2), 2);
	ck_assert_uint_eq(((char *)body)[len - 1], '\0');
	ck_assert_ptr_nonnull(strstr((char *)body + 4,
				     "\"twin_socket\":{\"supported\":true}"));
	ck_assert_int_eq(vu_version_parse(body, len, &v, &why), 0);
	ck_assert_uint_eq(v.minor, 2);
	ck_assert_uint_eq(v.caps.max_msg_fds, 8);
	ck_assert_uint_eq(v.caps.max_data_xfer_size, 1048576);
	ck_assert_uint_eq(v.caps.max_dma_maps, 65535);
	ck_assert_uint_eq(v.caps.pgsizes, 4096);
	ck_assert(v.caps.twin_socket);
	ck_assert_int_eq(v.caps.twin_socket_fd_index, -1);
	ck_assert(v.caps.write_multiple);
	ck_assert(!v.caps.migration);
	free(body);
}
END_TEST

START_TEST(test_encode_reply_carries_twin_socket_fd_index)
{
	struct vu_caps c;
	void *body;
	size_t len;

	vu_caps_ours(&c);
	c.twin_socket = true;
	c.twin_socket_fd_index = 0;
	ck_assert_int_eq(vu_version_encode(1, &c, &body, &len), 0);
	ck_assert_ptr_nonnull(strstr((char *)body + 4, "\"fd_index\":0"));
	free(body);
}
END_TEST

START_TEST(test_missing_capabilities_take_spec_defaults)
{
	struct vu_version v;
	uint8_t buf[8] = { 0 };

	ck_assert_int_eq(vu_version_parse(buf, body_of(buf, 0, 0, "", 0), &v,
					  NULL), 0);
	ck_assert_uint_eq(v.caps.max_msg_fds, 1);
	ck_assert_uint_eq(v.caps.max_data_xfer_size, 1048576);
	ck_assert_uint_eq(v.caps.max_dma_maps, 65535);
	ck_assert_uint_eq(v.caps.pgsizes, 4096);
	ck_assert(!v.caps.twin_socket);
	ck_assert(!v.caps.write_multiple);
	ck_assert_int_eq(parse(0, "{}", &v, NULL), 0);
	ck_assert_uint_eq(v.caps.max_msg_fds, 1);
	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"pgsizes\":8192}}", &v,
			       NULL), 0);
	ck_assert_uint_eq(v.caps.pgsizes, 8192);
	ck_assert_uint_eq(v.caps.max_msg_fds, 1);
	ck_assert_uint_eq(v.caps.max_data_xfer_size, 1048576);
}
END_TEST

START_TEST(test_empty_json_string_means_no_capabilities)
{
	struct vu_version v;

	ck_assert_int_eq(parse(1, "", &v, NULL), 0);
	ck_assert_uint_eq(v.minor, 1);
	ck_assert_uint_eq(v.caps.max_msg_fds, 1);
}
END_TEST

START_TEST(test_qemu_minor0_peer_with_legacy_migration_accepted)
{
	struct vu_version v;
	struct vu_why why;

	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"max_msg_fds\":16,"
			       "\"max_data_xfer_size\":1048576,"
			       "\"pgsizes\":4096,\"max_dma_maps\":65535,"
			       "\"migration\":{\"pgsize\":4096,"
			       "\"max_bitmap_size\":268435456},"
			       "\"write_multiple\":true}}", &v, &why), 0);
	ck_assert_uint_eq(v.minor, 0);
	ck_assert_uint_eq(v.caps.max_msg_fds, 16);
	ck_assert(v.caps.migration);
	ck_assert_uint_eq(v.caps.migration_pgsize, 4096);
	ck_assert_uint_eq(v.caps.migration_max_bitmap_size, 268435456);
	ck_assert(v.caps.write_multiple);
}
END_TEST

START_TEST(test_unknown_capability_ignored)
{
	struct vu_version v;

	ck_assert_int_eq(parse(1, "{\"capabilities\":{\"max_msg_fds\":4,"
			       "\"frobnicate\":\"yes\",\"future\":{\"a\":[1]}},"
			       "\"other\":3}", &v, NULL), 0);
	ck_assert_uint_eq(v.caps.max_msg_fds, 4);
}
END_TEST

START_TEST(test_string_where_number_expected_names_key)
{
	struct vu_version v;
	struct vu_why why;

	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"max_data_xfer_size\":"
			       "\"1048576\"}}", &v, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "max_data_xfer_size"));
	ck_assert_ptr_nonnull(strstr(why.msg, "string"));
}
END_TEST

START_TEST(test_negative_number_rejected_with_key)
{
	struct vu_version v;
	struct vu_why why;

	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"max_msg_fds\":-1}}",
			       &v, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "max_msg_fds"));
	ck_assert_ptr_nonnull(strstr(why.msg, "negative"));
}
END_TEST

START_TEST(test_fraction_rejected_with_key)
{
	struct vu_version v;
	struct vu_why why;

	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"pgsizes\":4096.5}}",
			       &v, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "pgsizes"));
}
END_TEST

START_TEST(test_absurd_max_msg_fds_rejected)
{
	struct vu_version v;
	struct vu_why why;

	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"max_msg_fds\":"
			       "4000000000}}", &v, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "max_msg_fds"));
	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"max_msg_fds\":1024}}",
			       &v, &why), 0);
}
END_TEST

START_TEST(test_zero_max_data_xfer_size_rejected)
{
	struct vu_version v;
	struct vu_why why;

	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"max_data_xfer_size\""
			       ":0}}", &v, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "max_data_xfer_size"));
}
END_TEST

START_TEST(test_wrong_type_in_nested_objects_names_path)
{
	struct vu_version v;
	struct vu_why why;

	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"twin_socket\":"
			       "{\"supported\":1}}}", &v, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "twin_socket.supported"));
	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"migration\":"
			       "{\"pgsize\":\"4k\"}}}", &v, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "migration.pgsize"));
	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"twin_socket\":true}}",
			       &v, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "twin_socket"));
	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"write_multiple\":"
			       "\"true\"}}", &v, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "write_multiple"));
	ck_assert_int_eq(parse(0, "{\"capabilities\":[1]}", &v, &why),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "capabilities"));
}
END_TEST

START_TEST(test_json_without_nul_rejected)
{
	struct vu_version v;
	struct vu_why why;
	const char *j = "{\"capabilities\":{}}";
	uint8_t buf[64];
	size_t len = body_of(buf, 0, 0, j, strlen(j));	/* no NUL */

	ck_assert_int_eq(vu_version_parse(buf, len, &v, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "NUL"));
}
END_TEST

START_TEST(test_malformed_json_rejected)
{
	struct vu_version v;
	struct vu_why why;

	ck_assert_int_eq(parse(0, "{\"capabilities\":", &v, &why), -EINVAL);
	ck_assert_int_eq(parse(0, "{} {}", &v, &why), -EINVAL);
	ck_assert_int_eq(parse(0, "[]", &v, &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "not an object"));
	ck_assert_int_eq(parse(0, "{}  \n", &v, &why), 0);
}
END_TEST

START_TEST(test_short_body_and_major_1_rejected)
{
	struct vu_version v;
	struct vu_why why;
	uint8_t buf[8] = { 0 };

	ck_assert_int_eq(vu_version_parse(buf, 3, &v, &why), -EINVAL);
	ck_assert_int_eq(vu_version_parse(buf, body_of(buf, 1, 0, "", 0), &v,
					  &why), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why.msg, "major 1"));
}
END_TEST

static void ours(struct vu_version *o, bool twin)
{
	o->major = 0;
	o->minor = VFIO_USER_MINOR;
	vu_caps_ours(&o->caps);
	o->caps.twin_socket = twin;
}

START_TEST(test_server_answers_min_of_minors_0_1_2)
{
	struct vu_version o, p, n;
	uint16_t m;

	ours(&o, false);
	for (m = 0; m <= 3; m++) {
		ck_assert_int_eq(parse(m, "{}", &p, NULL), 0);
		ck_assert_int_eq(vu_version_negotiate(&o, &p, false, 0, &n,
						      NULL), 0);
		ck_assert_uint_eq(n.minor, m < 2 ? m : 2);
	}
}
END_TEST

START_TEST(test_client_rejects_reply_raising_minor)
{
	struct vu_version o, p, n;
	struct vu_why why;

	ours(&o, false);
	o.minor = 1;
	ck_assert_int_eq(parse(2, "{}", &p, NULL), 0);
	ck_assert_int_eq(vu_version_negotiate(&o, &p, true, 0, &n, &why),
			 -EPROTO);
	ck_assert_ptr_nonnull(strstr(why.msg, "minor 2"));
	ck_assert_int_eq(parse(0, "{}", &p, NULL), 0);
	ck_assert_int_eq(vu_version_negotiate(&o, &p, true, 0, &n, &why), 0);
	ck_assert_uint_eq(n.minor, 0);
}
END_TEST

START_TEST(test_negotiated_limits_are_the_peers)
{
	struct vu_version o, p, n;

	ours(&o, false);
	o.caps.pgsizes = 4096 | (1 << 21);
	ck_assert_int_eq(parse(2, "{\"capabilities\":{\"max_msg_fds\":300,"
			       "\"max_data_xfer_size\":65536,"
			       "\"max_dma_maps\":10,\"pgsizes\":2101248,"
			       "\"write_multiple\":true}}", &p, NULL), 0);
	ck_assert_int_eq(vu_version_negotiate(&o, &p, false, 0, &n, NULL), 0);
	ck_assert_uint_eq(n.caps.max_msg_fds, VU_MSG_MAX_FDS_LIMIT);
	ck_assert_uint_eq(n.caps.max_data_xfer_size, 65536);
	ck_assert_uint_eq(n.caps.max_dma_maps, 10);
	ck_assert_uint_eq(n.caps.pgsizes, 4096 | (1 << 21));
	ck_assert(!n.caps.write_multiple);	/* we did not offer it */
}
END_TEST

START_TEST(test_no_common_page_size_rejected)
{
	struct vu_version o, p, n;
	struct vu_why why;

	ours(&o, false);
	ck_assert_int_eq(parse(0, "{\"capabilities\":{\"pgsizes\":8192}}", &p,
			       NULL), 0);
	ck_assert_int_eq(vu_version_negotiate(&o, &p, false, 0, &n, &why),
			 -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(why.msg, "pgsizes"));
}
END_TEST

START_TEST(test_twin_socket_reply_needs_valid_fd_index)
{
	struct vu_version o, p, n;
	struct vu_why why;

	ours(&o, true);
	ck_assert_int_eq(parse(2, "{\"capabilities\":{\"twin_socket\":"
			       "{\"supported\":true,\"fd_index\":0}}}", &p,
			       NULL), 0);
	ck_assert_int_eq(vu_version_negotiate(&o, &p, true, 1, &n, &why), 0);
	ck_assert(n.caps.twin_socket);
	ck_assert_int_eq(n.caps.twin_socket_fd_index, 0);
	/* fd_index but no fd came */
	ck_assert_int_eq(vu_version_negotiate(&o, &p, true, 0, &n, &why),
			 -EPROTO);
	/* supported without fd_index: "inconsistent" */
	ck_assert_int_eq(parse(2, "{\"capabilities\":{\"twin_socket\":"
			       "{\"supported\":true}}}", &p, NULL), 0);
	ck_assert_int_eq(vu_version_negotiate(&o, &p, true, 1, &n, &why),
			 -EPROTO);
	ck_assert_ptr_nonnull(strstr(why.msg, "fd_index"));
	/* not offered by us */
	ours(&o, false);
	ck_assert_int_eq(vu_version_negotiate(&o, &p, true, 1, &n, &why),
			 -EPROTO);
	/* a server that declines: single socket */
	ours(&o, true);
	ck_assert_int_eq(parse(2, "{\"capabilities\":{\"twin_socket\":"
			       "{\"supported\":false}}}", &p, NULL), 0);
	ck_assert_int_eq(vu_version_negotiate(&o, &p, true, 0, &n, &why), 0);
	ck_assert(!n.caps.twin_socket);
}
END_TEST

START_TEST(test_server_sees_client_twin_socket_offer)
{
	struct vu_version o, p, n;

	ours(&o, true);
	ck_assert_int_eq(parse(2, "{\"capabilities\":{\"twin_socket\":"
			       "{\"supported\":true}}}", &p, NULL), 0);
	ck_assert_int_eq(vu_version_negotiate(&o, &p, false, 0, &n, NULL), 0);
	ck_assert(n.caps.twin_socket);
	ck_assert_int_eq(n.caps.twin_socket_fd_index, -1);
	ours(&o, false);
	ck_assert_int_eq(vu_version_negotiate(&o, &p, false, 0, &n, NULL), 0);
	ck_assert(!n.caps.twin_socket);
}
END_TEST

static Suite *version_suite(void)
{
	Suite *s = suite_create("proto_version");
	TCase *tc = tcase_create("version");

	tcase_add_test(tc, test_encode_then_parse_round_trips_our_caps);
	tcase_add_test(tc, test_encode_reply_carries_twin_socket_fd_index);
	tcase_add_test(tc, test_missing_capabilities_take_spec_defaults);
	tcase_add_test(tc, test_empty_json_string_means_no_capabilities);
	tcase_add_test(tc, test_qemu_minor0_peer_with_legacy_migration_accepted);
	tcase_add_test(tc, test_unknown_capability_ignored);
	tcase_add_test(tc, test_string_where_number_expected_names_key);
	tcase_add_test(tc, test_negative_number_rejected_with_key);
	tcase_add_test(tc, test_fraction_rejected_with_key);
	tcase_add_test(tc, test_absurd_max_msg_fds_rejected);
	tcase_add_test(tc, test_zero_max_data_xfer_size_rejected);
	tcase_add_test(tc, test_wrong_type_in_nested_objects_names_path);
	tcase_add_test(tc, test_json_without_nul_rejected);
	tcase_add_test(tc, test_malformed_json_rejected);
	tcase_add_test(tc, test_short_body_and_major_1_rejected);
	tcase_add_test(tc, test_server_answers_min_of_minors_0_1_2);
	tcase_add_test(tc, test_client_rejects_reply_raising_minor);
	tcase_add_test(tc, test_negotiated_limits_are_the_peers);
	tcase_add_test(tc, test_no_common_page_size_rejected);
	tcase_add_test(tc, test_twin_socket_reply_needs_valid_fd_index);
	tcase_add_test(tc, test_server_sees_client_twin_socket_offer);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(version_suite());
}
