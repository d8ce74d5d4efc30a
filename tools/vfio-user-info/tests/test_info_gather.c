// SPDX-License-Identifier: GPL-2.0-only
/*
 * info_gather() through the real client library against the fake device
 * server over a socketpair: what it collects from a full device, and how
 * it copes with a server that lacks io fds, has a short or missing
 * config region, is not PCI, or dies half-way. No descriptor leaks.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto/tests/check_main.h"
#include "tools/vfio-user-info/info_gather.h"
#include "tools/vfio-user-info/tests/cfg_build.h"
#include "tools/vfio-user-info/tests/fake_device.h"

static uint8_t config[PCI_DECODE_ECFG_LEN];

static int open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(dir);
	while ((e = readdir(dir)))
		if (e->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

static bool has_note(const struct info *in, const char *s)
{
	for (unsigned int i = 0; i < in->nr_notes; i++)
		if (strstr(in->notes[i], s))
			return true;
	return false;
}

/*
 * Connect a client to a fake device with @cfg and gather; returns
 * info_gather()'s result with @in filled and the server's counters in
 * @d (the server has stopped).
 */
static int gather(struct fake_device *d, const struct fake_device_cfg *cfg,
		  struct info *in, struct vu_why *why)
{
	struct vu_client_config ccfg = { .name = "fake", .timeout_ms = 2000 };
	struct vu_client *c = NULL;
	int sv[2], rc;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(fake_device_serve(d, cfg, sv[1]), 0);
	memset(why, 0, sizeof(*why));
	rc = vu_client_attach(sv[0], &ccfg, &c, why);
	ck_assert_msg(rc == 0, "attach: %d %s", rc, why->msg);
	rc = info_gather(c, "fake.sock", in, why);
	vu_client_close(c);
	fake_device_stop(d);
	return rc;
}

START_TEST(test_gather_full_device)
{
	struct fake_device_cfg cfg = {
		.io_fds = true, .cfg_size = 4096, .cfg = config,
		.max_data_xfer_size = 1024,
	};
	struct fake_device d;
	struct vu_why why;
	struct info in;
	const struct info_region *r;

	cfg_full_device(config, sizeof(config), NULL);
	ck_assert_int_eq(gather(&d, &cfg, &in, &why), 0);

	ck_assert_str_eq(in.socket, "fake.sock");
	ck_assert_uint_eq(in.session.major, 0);
	ck_assert_uint_eq(in.session.minor, 2);
	ck_assert_uint_eq(in.server.caps.max_data_xfer_size, 1024);
	ck_assert(!in.twin_socket);
	ck_assert_int_eq(in.dev_err, 0);
	ck_assert(in.is_pci);
	ck_assert_uint_eq(in.dev.num_regions, 9);
	ck_assert_uint_eq(in.nr_regions, 9);

	r = &in.regions[0];
	ck_assert_int_eq(r->err, 0);
	ck_assert_uint_eq(r->size, 16384);
	ck_assert(r->has_fd);
	ck_assert(r->has_sparse);
	ck_assert_uint_eq(r->nr_areas, 2);
	ck_assert_uint_eq(r->areas[1].offset, 0x3000);
	ck_assert_uint_eq(r->areas[1].size, 0x1000);
	ck_assert(r->io_fds_asked);
	ck_assert_int_eq(r->io_fds_err, 0);
	ck_assert_uint_eq(r->nr_io_fds, 1);
	ck_assert_uint_eq(r->io_fds_nr_fds, 1);
	ck_assert_uint_eq(r->io_fds[0].offset, 0x1000);
	ck_assert_uint_eq(r->io_fds[0].size, 4);
	ck_assert_uint_eq(r->io_fds[0].datamatch, 7);
	ck_assert_uint_eq(r->io_fds[0].type, VFIO_USER_IO_FD_TYPE_IOEVENTFD);

	ck_assert_uint_eq(in.regions[1].size, 0);
	ck_assert(!in.regions[1].io_fds_asked);
	ck_assert(!in.regions[2].has_fd);
	ck_assert_uint_eq(in.regions[2].nr_areas, 0);
	ck_assert_int_eq(in.regions[2].io_fds_err, 0);
	ck_assert_uint_eq(in.regions[2].nr_io_fds, 0);
	ck_assert_int_eq(in.regions[8].err, -EINVAL);

	ck_assert_uint_eq(in.nr_irqs, 5);
	ck_assert_uint_eq(in.irqs[2].count, 16);
	ck_assert_uint_eq(in.irqs[2].flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);

	/* 4 KiB config region with an Express capability: all read */
	ck_assert(in.has_pci);
	ck_assert_uint_eq(in.cfg_len, 4096);
	ck_assert_uint_eq(d.cfg_max_end, 4096);
	ck_assert_uint_eq(in.pci.vendor, 0x8086);
	ck_assert_uint_eq(in.pci.nr_caps, 4);
	ck_assert_uint_eq(in.pci.nr_ext_caps, 3);
	ck_assert_uint_eq(in.pci.bars[0].size, 16384);
	ck_assert_uint_eq(in.pci.bars[2].size, 32);
	ck_assert_uint_eq(in.pci.rom.size, 65536);
	ck_assert_uint_eq(in.nr_notes, 0);
	info_release(&in);
}
END_TEST

START_TEST(test_gather_without_io_fds_support)
{
	struct fake_device_cfg cfg = { .cfg = config };
	struct fake_device d;
	struct vu_why why;
	struct info in;

	cfg_full_device(config, sizeof(config), NULL);
	ck_assert_int_eq(gather(&d, &cfg, &in, &why), 0);
	ck_assert_int_eq(in.regions[0].io_fds_err, -EOPNOTSUPP);
	ck_assert_uint_eq(in.regions[0].nr_io_fds, 0);
	ck_assert_int_eq(in.regions[3].io_fds_err, -EOPNOTSUPP);
	ck_assert(in.has_pci);
	ck_assert_uint_eq(in.cfg_len, 256);
	ck_assert_uint_eq(in.pci.nr_caps, 4);
	ck_assert(!in.pci.ext_scanned);
	ck_assert_uint_eq(d.nr_commands[VFIO_USER_DEVICE_GET_REGION_IO_FDS], 5);
	info_release(&in);
}
END_TEST

START_TEST(test_gather_reads_256_of_4096_without_express)
{
	struct fake_device_cfg cfg = { .cfg_size = 4096, .cfg = config };
	struct fake_device d;
	struct vu_why why;
	struct info in;

	cfg_virtio_blk(config, NULL);
	ck_assert_int_eq(gather(&d, &cfg, &in, &why), 0);
	ck_assert(in.has_pci);
	ck_assert_uint_eq(in.cfg_len, 256);
	ck_assert_uint_eq(d.cfg_max_end, 256);
	ck_assert(has_note(&in, "no PCI Express capability"));
	ck_assert_uint_eq(in.pci.nr_caps, 6);
	info_release(&in);
}
END_TEST

START_TEST(test_gather_short_config_region)
{
	struct fake_device_cfg cfg = { .cfg_size = 128, .cfg = config };
	struct fake_device d;
	struct vu_why why;
	struct info in;

	cfg_full_device(config, sizeof(config), NULL);
	ck_assert_int_eq(gather(&d, &cfg, &in, &why), 0);
	ck_assert(in.has_pci);
	ck_assert_uint_eq(in.cfg_len, 128);
	ck_assert_uint_eq(d.cfg_max_end, 128);
	ck_assert(has_note(&in, "config region has only 128 bytes"));
	/* PM at 0x40 and MSI at 0x50 fit; Express at 0x70 is cut off */
	ck_assert_uint_eq(in.pci.nr_caps, 3);
	ck_assert(in.pci.caps[2].truncated);
	ck_assert_uint_eq(in.pci.vendor, 0x8086);
	info_release(&in);
}
END_TEST

START_TEST(test_gather_config_region_smaller_than_header)
{
	struct fake_device_cfg cfg = { .cfg_size = 32, .cfg = config };
	struct fake_device d;
	struct vu_why why;
	struct info in;

	cfg_full_device(config, sizeof(config), NULL);
	ck_assert_int_eq(gather(&d, &cfg, &in, &why), 0);
	ck_assert(!in.has_pci);
	ck_assert_uint_eq(d.cfg_bytes_read, 0);
	ck_assert(has_note(&in, "config region has 32 bytes, fewer than the 64-byte header"));
	info_release(&in);
}
END_TEST

START_TEST(test_gather_without_config_region)
{
	struct fake_device_cfg cfg = { .num_regions = 3, .num_irqs = 2, .cfg = config };
	struct fake_device d;
	struct vu_why why;
	struct info in;

	cfg_full_device(config, sizeof(config), NULL);
	ck_assert_int_eq(gather(&d, &cfg, &in, &why), 0);
	ck_assert_uint_eq(in.nr_regions, 3);
	ck_assert_uint_eq(in.nr_irqs, 2);
	ck_assert(!in.has_pci);
	ck_assert(has_note(&in, "no config region"));
	info_release(&in);
}
END_TEST

START_TEST(test_gather_not_pci_reads_no_config)
{
	struct fake_device_cfg cfg = { .not_pci = true, .cfg = config };
	struct fake_device d;
	struct vu_why why;
	struct info in;

	cfg_full_device(config, sizeof(config), NULL);
	ck_assert_int_eq(gather(&d, &cfg, &in, &why), 0);
	ck_assert(!in.is_pci);
	ck_assert(!in.has_pci);
	ck_assert_uint_eq(d.nr_commands[VFIO_USER_REGION_READ], 0);
	ck_assert(has_note(&in, "not a PCI device"));
	info_release(&in);
}
END_TEST

START_TEST(test_gather_server_dying_is_an_error)
{
	struct fake_device_cfg cfg = { .mode = FAKE_DIE_ON_REGION_INFO, .cfg = config };
	struct fake_device d;
	struct vu_why why;
	struct info in;

	ck_assert_int_eq(gather(&d, &cfg, &in, &why), -ENOTCONN);
	ck_assert_str_ne(why.msg, "");
	ck_assert_int_eq(in.dev_err, 0);
	ck_assert_int_ne(in.regions[0].err, 0);
	info_release(&in);
}
END_TEST

START_TEST(test_gather_leaks_no_descriptor)
{
	struct fake_device_cfg cfg = {
		.io_fds = true, .cfg_size = 4096, .cfg = config,
	};
	struct fake_device d;
	struct vu_why why;
	struct info in;
	int before;

	cfg_full_device(config, sizeof(config), NULL);
	ck_assert_int_eq(gather(&d, &cfg, &in, &why), 0);	/* warm up */
	info_release(&in);
	before = open_fds();
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(gather(&d, &cfg, &in, &why), 0);
		ck_assert(in.regions[0].has_fd);
		ck_assert_uint_eq(in.regions[0].io_fds_nr_fds, 1);
		info_release(&in);
	}
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("info_gather");
	TCase *tc = tcase_create("gather");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_gather_full_device);
	tcase_add_test(tc, test_gather_without_io_fds_support);
	tcase_add_test(tc, test_gather_reads_256_of_4096_without_express);
	tcase_add_test(tc, test_gather_short_config_region);
	tcase_add_test(tc, test_gather_config_region_smaller_than_header);
	tcase_add_test(tc, test_gather_without_config_region);
	tcase_add_test(tc, test_gather_not_pci_reads_no_config);
	tcase_add_test(tc, test_gather_server_dying_is_an_error);
	tcase_add_test(tc, test_gather_leaks_no_descriptor);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
