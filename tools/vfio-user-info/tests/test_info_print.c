// SPDX-License-Identifier: GPL-2.0-only
/*
 * info_print_text() and info_to_json() on a hand-built struct info: the
 * session, device, regions (sparse and whole mmap, io fds, unsupported
 * io fds, size 0, failed info), IRQs and notes as a user and a script
 * read them; and the flag and index names.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "proto/tests/check_main.h"
#include "tools/vfio-user-info/info.h"
#include "tools/vfio-user-info/tests/cfg_build.h"

#define ck_assert_has(text, s) \
	ck_assert_msg(strstr((text), (s)), "missing \"%s\" in:\n%s", (s), (text))

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no key %s", key);
	return v;
}

static uint64_t get_u64(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	ck_assert_msg(json_object_is_type(v, json_type_int), "%s not a number", key);
	return json_object_get_uint64(v);
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	ck_assert_msg(json_object_is_type(v, json_type_string), "%s not a string", key);
	return json_object_get_string(v);
}

static bool is_null(struct json_object *o, const char *key)
{
	return json_object_is_type(get(o, key), json_type_null);
}

/* A PCI device as a server might describe it. */
static void build(struct info *in)
{
	struct pci_region_sizes sz;
	struct info_region *r;
	unsigned int i;

	memset(in, 0, sizeof(*in));
	in->socket = "/run/nvme.sock";
	in->server.major = 0;
	in->server.minor = 2;
	vu_caps_defaults(&in->server.caps);
	in->server.caps.max_msg_fds = 16;
	in->server.caps.migration = true;
	in->server.caps.migration_pgsize = 4096;
	in->server.caps.migration_max_bitmap_size = 256 * 1024 * 1024;
	in->session = in->server;
	in->session.minor = 1;
	in->dev.flags = VFIO_DEVICE_FLAGS_RESET | VFIO_DEVICE_FLAGS_PCI;
	in->dev.num_regions = 9;
	in->dev.num_irqs = 5;
	in->is_pci = true;

	in->nr_regions = 9;
	in->regions = calloc(9, sizeof(*in->regions));
	ck_assert_ptr_nonnull(in->regions);
	for (i = 0; i < 9; i++)
		in->regions[i].index = i;
	/* BAR0: 16K, sparse mmap of two areas, one ioeventfd */
	r = &in->regions[0];
	r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		   VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS;
	r->size = 16384;
	r->has_fd = true;
	r->fd_offset = 0x10000;
	r->has_sparse = true;
	r->nr_areas = 2;
	r->areas = calloc(2, sizeof(*r->areas));
	r->areas[0] = (struct info_area){ 0, 0x1000 };
	r->areas[1] = (struct info_area){ 0x3000, 0x1000 };
	r->io_fds_asked = true;
	r->io_fds_nr_fds = 1;
	r->nr_io_fds = 1;
	r->io_fds = calloc(1, sizeof(*r->io_fds));
	r->io_fds[0] = (struct info_io_fd){
		.offset = 0x1000, .size = 4, .fd_index = 0,
		.type = VFIO_USER_IO_FD_TYPE_IOEVENTFD, .flags = 1,
		.datamatch = 7, .shadow_fd_index = -1,
	};
	/* BAR2: I/O, whole-region mmap, io fds not supported */
	r = &in->regions[2];
	r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		   VFIO_REGION_INFO_FLAG_MMAP;
	r->size = 32;
	r->has_fd = true;
	r->nr_areas = 1;
	r->areas = calloc(1, sizeof(*r->areas));
	r->areas[0] = (struct info_area){ 0, 32 };
	r->io_fds_asked = true;
	r->io_fds_err = -EOPNOTSUPP;
	/* BAR3: 16K, no mmap; ROM 64K */
	r = &in->regions[3];
	r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	r->size = 16384;
	r->io_fds_asked = true;
	in->regions[6].size = 65536;
	in->regions[6].flags = VFIO_REGION_INFO_FLAG_READ;
	/* CONFIG 4K; VGA: the server failed the request */
	r = &in->regions[7];
	r->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	r->size = 4096;
	r->has_type = false;
	in->regions[8].err = -EINVAL;

	in->nr_irqs = 5;
	in->irqs = calloc(5, sizeof(*in->irqs));
	for (i = 0; i < 5; i++)
		in->irqs[i].index = i;
	in->irqs[0].count = 1;
	in->irqs[0].flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			    VFIO_IRQ_INFO_AUTOMASKED;
	in->irqs[2].count = 16;
	in->irqs[2].flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
	in->irqs[4].err = -EINVAL;

	in->cfg = calloc(1, PCI_DECODE_ECFG_LEN);
	cfg_full_device(in->cfg, PCI_DECODE_ECFG_LEN, NULL);
	in->cfg_len = PCI_DECODE_ECFG_LEN;
	info_bar_sizes(in, &sz);
	ck_assert_int_eq(pci_decode(in->cfg, in->cfg_len, &sz, &in->pci), 0);
	in->has_pci = true;
	info_note(in, "a note about %s", "something");
}

static char *text_of(const struct info *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(info_print_text(f, in), 0);
	fclose(f);
	return buf;
}

START_TEST(test_text_shows_session_device_regions_irqs_config)
{
	struct info in;
	char *t;

	build(&in);
	t = text_of(&in);
	ck_assert_has(t, "vfio-user device at /run/nvme.sock\n");
	ck_assert_has(t, "Version: 0.1 (server replied 0.2)\n");
	ck_assert_has(t, "Server capabilities: max_msg_fds=16 max_data_xfer_size=1048576 max_dma_maps=65535 pgsizes=0x1000 twin_socket=no write_multiple=no migration={pgsize=4096 max_bitmap_size=268435456}\n");
	ck_assert_has(t, "Twin socket: not in use\n");
	ck_assert_has(t, "Device: flags RESET PCI (0x3), 9 regions, 5 IRQ indexes\n");
	ck_assert_has(t, "  0 BAR0: size 0x4000 (16384), flags READ WRITE MMAP CAPS (0xf), fd at offset 0x10000\n");
	ck_assert_has(t, "      mmap: sparse, 2 areas: [0x0+0x1000] [0x3000+0x1000]\n");
	ck_assert_has(t, "      io fds: 1 sub-region, 1 fd\n");
	ck_assert_has(t, "        [0x1000 size 4] ioeventfd fd#0 flags DATAMATCH (0x1) datamatch 0x7\n");
	ck_assert_has(t, "  1 BAR1: size 0 (not implemented), flags none (0x0)\n");
	ck_assert_has(t, "  2 BAR2: size 0x20 (32), flags READ WRITE MMAP (0x7), fd at offset 0x0\n");
	ck_assert_has(t, "      mmap: whole region\n");
	ck_assert_has(t, "      io fds: not supported (Operation not supported)\n");
	ck_assert_has(t, "  3 BAR3: size 0x4000 (16384), flags READ WRITE (0x3), no fd\n      io fds: none\n");
	ck_assert_has(t, "  6 ROM: size 0x10000");
	ck_assert_has(t, "  7 CONFIG: size 0x1000");
	ck_assert_has(t, "  8 VGA: no info (Invalid argument)\n");
	ck_assert_has(t, "IRQs:\n  0 INTx: count 1, flags EVENTFD MASKABLE AUTOMASKED (0x7)\n");
	ck_assert_has(t, "  2 MSI-X: count 16, flags EVENTFD NORESIZE (0x9)\n");
	ck_assert_has(t, "  4 REQ: no info (Invalid argument)\n");
	ck_assert_has(t, "Config space (4096 bytes of region 7):\n");
	ck_assert_has(t, "  Region 0: Memory at 0000000800000000 (64-bit, prefetchable) [size=16K]\n");
	ck_assert_has(t, "  Expansion ROM at feb00000 [disabled] [size=64K]\n");
	ck_assert_has(t, "    [100] Advanced Error Reporting");
	ck_assert_has(t, "Notes:\n  a note about something\n");
	free(t);
	info_release(&in);
}
END_TEST

START_TEST(test_json_has_stable_keys_and_numbers)
{
	struct json_object *o, *x, *r, *a;
	struct info in;

	build(&in);
	o = info_to_json(&in);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(get_str(o, "socket"), "/run/nvme.sock");
	ck_assert_uint_eq(get_u64(get(o, "version"), "major"), 0);
	ck_assert_uint_eq(get_u64(get(o, "version"), "minor"), 1);
	ck_assert_uint_eq(get_u64(get(o, "server_version"), "minor"), 2);
	x = get(o, "server_capabilities");
	ck_assert_uint_eq(get_u64(x, "max_msg_fds"), 16);
	ck_assert_uint_eq(get_u64(x, "max_data_xfer_size"), 1048576);
	ck_assert_uint_eq(get_u64(x, "max_dma_maps"), 65535);
	ck_assert_uint_eq(get_u64(x, "pgsizes"), 4096);
	ck_assert(!json_object_get_boolean(get(x, "twin_socket")));
	ck_assert(!json_object_get_boolean(get(x, "write_multiple")));
	ck_assert_uint_eq(get_u64(get(x, "migration"), "max_bitmap_size"),
			  256 * 1024 * 1024);
	ck_assert(json_object_is_type(get(o, "twin_socket_in_use"), json_type_boolean));

	x = get(o, "device");
	ck_assert_uint_eq(get_u64(x, "flags"), 3);
	a = get(x, "flag_names");
	ck_assert_uint_eq(json_object_array_length(a), 2);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(a, 0)), "RESET");
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(a, 1)), "PCI");
	ck_assert_uint_eq(get_u64(x, "num_regions"), 9);
	ck_assert(is_null(o, "device_error"));

	a = get(o, "regions");
	ck_assert_uint_eq(json_object_array_length(a), 9);
	r = json_object_array_get_idx(a, 0);
	ck_assert_str_eq(get_str(r, "name"), "BAR0");
	ck_assert(is_null(r, "error"));
	ck_assert_uint_eq(get_u64(r, "size"), 16384);
	ck_assert(json_object_get_boolean(get(r, "fd")));
	ck_assert_uint_eq(get_u64(r, "fd_offset"), 0x10000);
	ck_assert(json_object_get_boolean(get(get(r, "mmap"), "sparse")));
	ck_assert_uint_eq(get_u64(json_object_array_get_idx(get(get(r, "mmap"), "areas"), 1),
				  "offset"), 0x3000);
	ck_assert(is_null(r, "type"));
	x = get(r, "io_fds");
	ck_assert(json_object_get_boolean(get(x, "supported")));
	ck_assert(is_null(x, "error"));
	x = json_object_array_get_idx(get(x, "entries"), 0);
	ck_assert_uint_eq(get_u64(x, "offset"), 0x1000);
	ck_assert_uint_eq(get_u64(x, "size"), 4);
	ck_assert_str_eq(get_str(x, "type_name"), "ioeventfd");
	ck_assert_uint_eq(get_u64(x, "datamatch"), 7);
	ck_assert_str_eq(json_object_get_string(json_object_array_get_idx(get(x, "flag_names"), 0)),
			 "DATAMATCH");
	ck_assert(is_null(x, "shadow_fd_index"));

	r = json_object_array_get_idx(a, 1);
	ck_assert_uint_eq(get_u64(r, "size"), 0);
	ck_assert(is_null(r, "io_fds"));
	ck_assert_uint_eq(json_object_array_length(get(r, "flag_names")), 0);
	r = json_object_array_get_idx(a, 2);
	x = get(r, "io_fds");
	ck_assert(!json_object_get_boolean(get(x, "supported")));
	ck_assert_str_eq(get_str(x, "error"), "Operation not supported");
	r = json_object_array_get_idx(a, 8);
	ck_assert_str_eq(get_str(r, "name"), "VGA");
	ck_assert_str_eq(get_str(r, "error"), "Invalid argument");
	ck_assert(is_null(r, "size"));
	ck_assert(is_null(r, "mmap"));

	a = get(o, "irqs");
	ck_assert_uint_eq(json_object_array_length(a), 5);
	x = json_object_array_get_idx(a, 2);
	ck_assert_str_eq(get_str(x, "name"), "MSI-X");
	ck_assert_uint_eq(get_u64(x, "count"), 16);
	ck_assert_uint_eq(json_object_array_length(get(x, "flag_names")), 2);
	x = json_object_array_get_idx(a, 4);
	ck_assert(is_null(x, "count"));

	x = get(o, "config");
	ck_assert_uint_eq(get_u64(x, "vendor_id"), 0x8086);
	ck_assert_uint_eq(json_object_array_length(get(x, "extended_capabilities")), 3);
	ck_assert_uint_eq(json_object_array_length(get(o, "notes")), 1);
	json_object_put(o);
	info_release(&in);
}
END_TEST

START_TEST(test_json_without_device_or_config)
{
	struct json_object *o;
	struct info in;

	memset(&in, 0, sizeof(in));
	in.socket = "s";
	in.dev_err = -ENOTSUP;
	o = info_to_json(&in);
	ck_assert_ptr_nonnull(o);
	ck_assert(is_null(o, "device"));
	ck_assert_str_eq(get_str(o, "device_error"), strerror(ENOTSUP));
	ck_assert(is_null(o, "config"));
	ck_assert_uint_eq(json_object_array_length(get(o, "regions")), 0);
	json_object_put(o);
}
END_TEST

START_TEST(test_non_pci_device_has_no_index_names)
{
	ck_assert_ptr_null(info_region_name(false, 0));
	ck_assert_ptr_null(info_irq_name(false, 2));
	ck_assert_str_eq(info_region_name(true, 7), "CONFIG");
	ck_assert_ptr_null(info_region_name(true, 9));
	ck_assert_str_eq(info_irq_name(true, 3), "ERR");
	ck_assert_ptr_null(info_irq_name(true, 5));
}
END_TEST

START_TEST(test_flag_strings)
{
	char buf[64];

	ck_assert_str_eq(info_region_flags_str(0xf, buf, sizeof(buf)),
			 "READ WRITE MMAP CAPS");
	ck_assert_str_eq(info_region_flags_str(0x31, buf, sizeof(buf)),
			 "READ 0x30");
	ck_assert_str_eq(info_region_flags_str(0, buf, sizeof(buf)), "");
	ck_assert_str_eq(info_irq_flags_str(0xf, buf, sizeof(buf)),
			 "EVENTFD MASKABLE AUTOMASKED NORESIZE");
	ck_assert_str_eq(info_device_flags_str(0x82, buf, sizeof(buf)),
			 "PCI CAPS");
	ck_assert_str_eq(info_io_fd_flags_str(VFIO_USER_IO_FD_TYPE_IOREGIONFD, 3,
					      buf, sizeof(buf)),
			 "PIO POSTED_WRITES");
	ck_assert_str_eq(info_io_fd_flags_str(9, 3, buf, sizeof(buf)), "0x3");
	ck_assert_str_eq(info_io_fd_type_name(2), "ioeventfd-shadow");
	/* truncation keeps a terminated prefix */
	ck_assert_str_eq(info_region_flags_str(0xf, buf, 8), "READ");
}
END_TEST

START_TEST(test_notes_are_capped)
{
	struct info in;

	memset(&in, 0, sizeof(in));
	for (int i = 0; i < INFO_MAX_NOTES + 5; i++)
		info_note(&in, "note %d", i);
	ck_assert_uint_eq(in.nr_notes, INFO_MAX_NOTES);
	ck_assert_str_eq(in.notes[INFO_MAX_NOTES - 1], "note 15");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("info_print");
	TCase *tc = tcase_create("print");

	tcase_add_test(tc, test_text_shows_session_device_regions_irqs_config);
	tcase_add_test(tc, test_json_has_stable_keys_and_numbers);
	tcase_add_test(tc, test_json_without_device_or_config);
	tcase_add_test(tc, test_non_pci_device_has_no_index_names);
	tcase_add_test(tc, test_flag_strings);
	tcase_add_test(tc, test_notes_are_capped);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
