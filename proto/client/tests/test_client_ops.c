// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every wrapper against the fake server: the request bytes the server
 * sees (argsz, fields, fds attached) and the replies decoded, each by the
 * spec's byte offsets (docs/interop/vfio-user.rst).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto/tests/bytes.h"
#include "proto/tests/check_main.h"
#include "fake_server.h"

static int eventfd_new(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* @a and @b are the same open file (one received over the socket). */
static void same_file(int a, int b)
{
	struct stat sa, sb;

	ck_assert_int_eq(fstat(a, &sa), 0);
	ck_assert_int_eq(fstat(b, &sb), 0);
	ck_assert_uint_eq(sa.st_ino, sb.st_ino);
	ck_assert_uint_eq(sa.st_dev, sb.st_dev);
}

/* Writing @a's eventfd is seen on @b: the same eventfd. */
static void same_eventfd(int a, int b)
{
	uint64_t v = 7, r = 0;

	ck_assert_int_eq(write(a, &v, 8), 8);
	ck_assert_int_eq(read(b, &r, 8), 8);
	ck_assert_uint_eq(r, 7);
}

/* --- DEVICE_GET_INFO --- */

static void srv_device_info(struct fake *f)
{
	uint8_t r[16];
	struct vu_msg m;

	fake_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_GET_INFO);
	ck_assert_uint_eq(m.body_len, 16);
	ck_assert_uint_eq(rd32(m.body, 0), 16);	/* argsz */
	ck_assert_uint_eq(rd32(m.body, 4), 0);
	ck_assert_uint_eq(rd32(m.body, 8), 0);
	ck_assert_uint_eq(rd32(m.body, 12), 0);
	ck_assert_uint_eq(m.nr_fds, 0);
	wr32(r, 0, 16);
	wr32(r, 4, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	wr32(r, 8, 9);
	wr32(r, 12, 5);
	fake_reply(f->srv, &m, r, 16, NULL, 0);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_device_info_request_and_reply)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vfio_user_device_info info;
	struct vu_client *c;
	struct fake f;
	int before = open_fds();

	c = fake_attach(&f, &cfg, srv_device_info, NULL);
	ck_assert_int_eq(vu_client_device_info(c, &info), 0);
	ck_assert_uint_eq(info.flags,
			  VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	ck_assert_uint_eq(info.num_regions, 9);
	ck_assert_uint_eq(info.num_irqs, 5);
	vu_client_close(c);
	fake_join(&f);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/* --- DEVICE_GET_REGION_INFO --- */

/*
 * Region 0 of 0x10000 bytes, mmappable, with a sparse capability of 20
 * areas (32 + 16 + 320 = 368 bytes) then a type capability (16): 384
 * bytes, more than the client's first argsz.
 */
#define RI_AREAS	20
#define RI_ARGSZ	(32 + 16 + RI_AREAS * 16 + 16)

static void region_info_full(uint8_t *b)
{
	uint32_t i;

	memset(b, 0, RI_ARGSZ);
	wr32(b, 0, RI_ARGSZ);
	wr32(b, 4, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS);
	wr32(b, 8, 0);
	wr32(b, 12, 32);
	wr64(b, 16, 0x10000);
	wr64(b, 24, 0x4000);		/* offset in the fd */
	wr16(b, 32, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	wr16(b, 34, 1);
	wr32(b, 36, 32 + 16 + RI_AREAS * 16);	/* next: the type cap */
	wr32(b, 40, RI_AREAS);
	for (i = 0; i < RI_AREAS; i++) {
		wr64(b, 48 + i * 16, (uint64_t)i * 0x800);
		wr64(b, 56 + i * 16, 0x400);
	}
	wr16(b, 32 + 16 + RI_AREAS * 16, VFIO_REGION_INFO_CAP_TYPE);
	wr16(b, 34 + 16 + RI_AREAS * 16, 1);
	wr32(b, 40 + 16 + RI_AREAS * 16, 0x10de);
	wr32(b, 44 + 16 + RI_AREAS * 16, 3);
}

static void srv_region_info_retry(struct fake *f)
{
	int *memfd = f->arg;
	uint8_t full[RI_ARGSZ];
	struct vu_msg m;

	region_info_full(full);
	fake_handshake(f);
	/* First ask: argsz 256, index 0, every other field 0. */
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_GET_REGION_INFO);
	ck_assert_uint_eq(m.body_len, 32);
	ck_assert_uint_eq(rd32(m.body, 0), 256);
	ck_assert_uint_eq(rd32(m.body, 4), 0);
	ck_assert_uint_eq(rd32(m.body, 8), 0);
	ck_assert_uint_eq(rd32(m.body, 12), 0);
	ck_assert_uint_eq(rd64(m.body, 16), 0);
	ck_assert_uint_eq(rd64(m.body, 24), 0);
	/* "the full payload is not included": the fixed part only. */
	fake_reply(f->srv, &m, full, 32, memfd, 1);
	vu_msg_release(&m);
	/* Asked again with the argsz needed. */
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_GET_REGION_INFO);
	ck_assert_uint_eq(rd32(m.body, 0), RI_ARGSZ);
	ck_assert_uint_eq(rd32(m.body, 8), 0);
	fake_reply(f->srv, &m, full, RI_ARGSZ, memfd, 1);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_region_info_sparse_caps_need_argsz_retry)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client_region r;
	struct vu_client *c;
	struct fake f;
	unsigned int i;
	int memfd, before = open_fds();

	memfd = memfd_create("bar", MFD_CLOEXEC);
	ck_assert_int_ge(memfd, 0);
	c = fake_attach(&f, &cfg, srv_region_info_retry, &memfd);
	ck_assert_int_eq(vu_client_region_info(c, 0, &r), 0);
	ck_assert_uint_eq(r.index, 0);
	ck_assert_uint_eq(r.size, 0x10000);
	ck_assert_uint_eq(r.fd_offset, 0x4000);
	ck_assert(r.flags & VFIO_REGION_INFO_FLAG_MMAP);
	ck_assert(r.has_sparse);
	ck_assert_uint_eq(r.nr_areas, RI_AREAS);
	for (i = 0; i < RI_AREAS; i++) {
		ck_assert_uint_eq(r.areas[i].offset, i * 0x800);
		ck_assert_uint_eq(r.areas[i].size, 0x400);
	}
	ck_assert(r.has_type);
	ck_assert_uint_eq(r.type, 0x10de);
	ck_assert_uint_eq(r.subtype, 3);
	ck_assert_int_ge(r.fd, 0);
	same_file(r.fd, memfd);
	vu_client_region_release(&r);
	ck_assert_int_eq(r.fd, -1);
	vu_client_close(c);
	fake_join(&f);
	close(memfd);
	/* The fd of the first, incomplete reply was closed too. */
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_region_info_plain(struct fake *f)
{
	uint8_t r[32] = { 0 };
	struct vu_msg m;

	fake_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_GET_REGION_INFO);
	ck_assert_uint_eq(rd32(m.body, 8), 7);
	wr32(r, 0, 32);
	wr32(r, 4, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
	wr32(r, 8, 7);
	wr64(r, 16, 256);
	fake_reply(f->srv, &m, r, 32, NULL, 0);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_region_info_trapped_region_has_no_fd_nor_area)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client_region r;
	struct vu_client *c;
	struct fake f;

	c = fake_attach(&f, &cfg, srv_region_info_plain, NULL);
	ck_assert_int_eq(vu_client_region_info(c, 7, &r), 0);
	ck_assert_uint_eq(r.index, 7);
	ck_assert_uint_eq(r.size, 256);
	ck_assert_int_eq(r.fd, -1);
	ck_assert_uint_eq(r.nr_areas, 0);
	ck_assert(!r.has_sparse);
	ck_assert(!r.has_type);
	vu_client_region_release(&r);
	vu_client_close(c);
	fake_join(&f);
}
END_TEST

/* --- DEVICE_GET_REGION_IO_FDS --- */

static void srv_io_fds_spec(struct fake *f)
{
	const int *efd = f->arg;
	uint8_t r[16 + 2 * 40] = { 0 };
	struct vu_msg m;

	fake_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_GET_REGION_IO_FDS);
	ck_assert_uint_eq(m.body_len, 16);
	ck_assert_uint_eq(rd32(m.body, 0), 16 + 8 * 48);	/* argsz */
	ck_assert_uint_eq(rd32(m.body, 4), 0);		/* flags */
	ck_assert_uint_eq(rd32(m.body, 8), 2);		/* index */
	ck_assert_uint_eq(rd32(m.body, 12), 0);		/* count */
	wr32(r, 0, sizeof(r));
	wr32(r, 8, 2);
	wr32(r, 12, 2);
	wr64(r, 16, 0x1000);		/* entry 0 at 16 */
	wr64(r, 24, 4);
	wr32(r, 32, 1);			/* fd_index */
	wr32(r, 36, VFIO_USER_IO_FD_TYPE_IOEVENTFD);
	wr32(r, 40, 1);			/* DATAMATCH */
	wr64(r, 48, 0xabcd);
	wr64(r, 56, 0x2000);		/* entry 1 at 56 */
	wr64(r, 64, 2);
	wr32(r, 72, 0);
	wr32(r, 76, VFIO_USER_IO_FD_TYPE_IOEVENTFD);
	fake_reply(f->srv, &m, r, sizeof(r), efd, 2);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_io_fds_spec_entries_with_their_fds)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client_io_fds io;
	struct vu_client *c;
	struct fake f;
	int efd[2], before = open_fds();

	efd[0] = eventfd_new();
	efd[1] = eventfd_new();
	c = fake_attach(&f, &cfg, srv_io_fds_spec, efd);
	ck_assert_int_eq(vu_client_region_io_fds(c, 2, &io), 0);
	ck_assert_uint_eq(io.index, 2);
	ck_assert_uint_eq(io.count, 2);
	ck_assert_uint_eq(io.nr_fds, 2);
	ck_assert_uint_eq(io.entries[0].e.offset, 0x1000);
	ck_assert_uint_eq(io.entries[0].e.size, 4);
	ck_assert_uint_eq(io.entries[0].e.flags, 1);
	ck_assert_uint_eq(io.entries[0].e.datamatch, 0xabcd);
	ck_assert_int_eq(io.entries[0].fd, io.fds[1]);
	ck_assert_uint_eq(io.entries[1].e.offset, 0x2000);
	ck_assert_int_eq(io.entries[1].fd, io.fds[0]);
	same_eventfd(io.entries[0].fd, efd[1]);
	same_eventfd(io.entries[1].fd, efd[0]);
	vu_client_io_fds_release(&io);
	vu_client_close(c);
	fake_join(&f);
	close(efd[0]);
	close(efd[1]);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

/* libvfio-user's 48-byte entries, 10 of them: more than argsz 400. */
#define IO_N	10
#define IO_ARGSZ	(16 + IO_N * 48)

static void srv_io_fds_libvfio_user(struct fake *f)
{
	const int *fds = f->arg;
	uint8_t r[IO_ARGSZ] = { 0 };
	struct vu_msg m;
	unsigned int i;

	wr32(r, 0, IO_ARGSZ);
	wr32(r, 8, 0);
	wr32(r, 12, IO_N);
	for (i = 0; i < IO_N; i++) {
		uint8_t *e = r + 16 + i * 48;

		wr64(e, 0, 0x100 + i * 4);
		wr64(e, 8, 4);
		wr32(e, 16, 0);
		wr32(e, 20, i == 0 ? VFIO_USER_IO_FD_TYPE_IOEVENTFD_SHADOW :
			VFIO_USER_IO_FD_TYPE_IOEVENTFD);
		wr32(e, 28, 1);		/* shadow fd index */
		wr64(e, 32, 0x80);	/* shadow offset */
		wr64(e, 40, i);		/* datamatch */
	}
	fake_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_GET_REGION_IO_FDS);
	ck_assert_uint_eq(rd32(m.body, 0), 16 + 8 * 48);
	/* Too small: count and argsz only, no fds. */
	fake_reply(f->srv, &m, r, 16, NULL, 0);
	vu_msg_release(&m);
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_GET_REGION_IO_FDS);
	ck_assert_uint_eq(rd32(m.body, 0), IO_ARGSZ);
	fake_reply(f->srv, &m, r, IO_ARGSZ, fds, 2);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_io_fds_libvfio_user_entries_need_argsz_retry)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client_io_fds io;
	struct vu_client *c;
	struct fake f;
	unsigned int i;
	int fds[2], before = open_fds();

	fds[0] = eventfd_new();
	fds[1] = memfd_create("shadow", MFD_CLOEXEC);
	ck_assert_int_ge(fds[1], 0);
	c = fake_attach(&f, &cfg, srv_io_fds_libvfio_user, fds);
	ck_assert_int_eq(vu_client_region_io_fds(c, 0, &io), 0);
	ck_assert_uint_eq(io.count, IO_N);
	ck_assert_uint_eq(io.nr_fds, 2);
	for (i = 0; i < IO_N; i++) {
		ck_assert_uint_eq(io.entries[i].e.offset, 0x100 + i * 4);
		ck_assert_uint_eq(io.entries[i].e.datamatch, i);
		ck_assert_int_eq(io.entries[i].fd, io.fds[0]);
	}
	ck_assert_int_eq(io.entries[0].e.shadow_fd_index, 1);
	ck_assert_uint_eq(io.entries[0].e.shadow_offset, 0x80);
	ck_assert_int_eq(io.entries[1].e.shadow_fd_index, -1);
	same_eventfd(io.fds[0], fds[0]);
	same_file(io.fds[1], fds[1]);
	vu_client_io_fds_release(&io);
	vu_client_close(c);
	fake_join(&f);
	close(fds[0]);
	close(fds[1]);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_io_fds_unsupported(struct fake *f)
{
	struct vu_msg m;

	fake_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_GET_REGION_IO_FDS);
	fake_error(f->srv, &m, EOPNOTSUPP);
	vu_msg_release(&m);
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_RESET);
	ck_assert_uint_eq(m.body_len, 0);
	fake_reply(f->srv, &m, NULL, 0, NULL, 0);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_io_fds_unsupported_gives_its_errno_and_goes_on)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client_io_fds io;
	struct vu_client *c;
	struct fake f;

	c = fake_attach(&f, &cfg, srv_io_fds_unsupported, NULL);
	ck_assert_int_eq(vu_client_region_io_fds(c, 1, &io), -EOPNOTSUPP);
	ck_assert_uint_eq(io.count, 0);
	ck_assert_ptr_null(io.fds);
	vu_client_io_fds_release(&io);
	ck_assert_int_eq(vu_client_reset(c), 0);
	ck_assert_ptr_null(vu_client_error(c));
	vu_client_close(c);
	fake_join(&f);
}
END_TEST

/* --- DEVICE_GET_IRQ_INFO, DEVICE_SET_IRQS --- */

static void srv_irq_info(struct fake *f)
{
	uint8_t r[16];
	struct vu_msg m;

	fake_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_GET_IRQ_INFO);
	ck_assert_uint_eq(m.body_len, 16);
	ck_assert_uint_eq(rd32(m.body, 0), 16);
	ck_assert_uint_eq(rd32(m.body, 4), 0);
	ck_assert_uint_eq(rd32(m.body, 8), VFIO_PCI_MSIX_IRQ_INDEX);
	ck_assert_uint_eq(rd32(m.body, 12), 0);
	wr32(r, 0, 16);
	wr32(r, 4, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	wr32(r, 8, VFIO_PCI_MSIX_IRQ_INDEX);
	wr32(r, 12, 64);
	fake_reply(f->srv, &m, r, 16, NULL, 0);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_irq_info_request_and_reply)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vfio_user_irq_info info;
	struct vu_client *c;
	struct fake f;

	c = fake_attach(&f, &cfg, srv_irq_info, NULL);
	ck_assert_int_eq(vu_client_irq_info(c, VFIO_PCI_MSIX_IRQ_INDEX, &info),
			 0);
	ck_assert_uint_eq(info.flags,
			  VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	ck_assert_uint_eq(info.index, VFIO_PCI_MSIX_IRQ_INDEX);
	ck_assert_uint_eq(info.count, 64);
	vu_client_close(c);
	fake_join(&f);
}
END_TEST

/* What the test expects one SET_IRQS message to be. */
struct irq_msg {
	uint32_t flags, start, count;
	unsigned int nr_fds;
};

struct irq_script {
	const char *caps;		/* the server's VERSION JSON */
	uint32_t index;
	const struct irq_msg *msgs;
	unsigned int nr_msgs;
	const int *client_fds;		/* to compare the fds received */
};

static void srv_set_irqs(struct fake *f)
{
	const struct irq_script *s = f->arg;
	const uint32_t et = VFIO_IRQ_SET_DATA_EVENTFD |
			    VFIO_IRQ_SET_ACTION_TRIGGER;
	struct vu_msg m;
	unsigned int i, j;

	fake_version(f->srv, 2, s->caps, NULL, 0, NULL);
	for (i = 0; i < s->nr_msgs; i++) {
		const struct irq_msg *x = &s->msgs[i];

		fake_expect(f->srv, &m, VFIO_USER_DEVICE_SET_IRQS);
		ck_assert_uint_eq(m.body_len, 20);
		ck_assert_uint_eq(rd32(m.body, 0), 20);		/* argsz */
		ck_assert_uint_eq(rd32(m.body, 4), x->flags);
		ck_assert_uint_eq(rd32(m.body, 8), s->index);
		ck_assert_uint_eq(rd32(m.body, 12), x->start);
		ck_assert_uint_eq(rd32(m.body, 16), x->count);
		ck_assert_uint_eq(m.nr_fds, x->nr_fds);
		for (j = 0; j < m.nr_fds; j++) {
			ck_assert_uint_eq(x->flags, et);
			same_eventfd(s->client_fds[x->start + j], m.fds[j]);
		}
		fake_reply(f->srv, &m, NULL, 0, NULL, 0);
		vu_msg_release(&m);
	}
	fake_drain(f->srv);
}

START_TEST(test_set_irqs_eventfd_split_by_max_msg_fds)
{
	const uint32_t et = VFIO_IRQ_SET_DATA_EVENTFD |
			    VFIO_IRQ_SET_ACTION_TRIGGER;
	static const struct irq_msg msgs[3] = {
		{ et, 0, 8, 8 }, { et, 8, 8, 8 }, { et, 16, 4, 4 },
	};
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct irq_script s = {
		.caps = "{\"capabilities\":{\"max_msg_fds\":8}}",
		.index = VFIO_PCI_MSIX_IRQ_INDEX, .msgs = msgs, .nr_msgs = 3,
	};
	struct vu_client *c;
	struct fake f;
	int fds[20], i, before = open_fds();

	for (i = 0; i < 20; i++)
		fds[i] = eventfd_new();
	s.client_fds = fds;
	c = fake_attach(&f, &cfg, srv_set_irqs, &s);
	ck_assert_int_eq(vu_client_set_irqs_eventfd(c, VFIO_PCI_MSIX_IRQ_INDEX,
						    0, 20, fds), 0);
	vu_client_close(c);
	fake_join(&f);
	for (i = 0; i < 20; i++)
		close(fds[i]);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

START_TEST(test_set_irqs_eventfd_holes_deassign_and_servers_limit)
{
	const uint32_t et = VFIO_IRQ_SET_DATA_EVENTFD |
			    VFIO_IRQ_SET_ACTION_TRIGGER;
	/* start 4: fds a b c d e -1 -1 f with max_msg_fds 3 */
	static const struct irq_msg msgs[4] = {
		{ et, 4, 3, 3 }, { et, 7, 2, 2 }, { et, 9, 2, 0 },
		{ et, 11, 1, 1 },
	};
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct irq_script s = {
		.caps = "{\"capabilities\":{\"max_msg_fds\":3}}",
		.index = VFIO_PCI_MSI_IRQ_INDEX, .msgs = msgs, .nr_msgs = 4,
	};
	struct vu_client *c;
	struct fake f;
	int fds[12], i, before = open_fds();

	for (i = 0; i < 12; i++)
		fds[i] = (i < 4 || i == 9 || i == 10) ? -1 : eventfd_new();
	s.client_fds = fds;
	c = fake_attach(&f, &cfg, srv_set_irqs, &s);
	ck_assert_int_eq(vu_client_set_irqs_eventfd(c, VFIO_PCI_MSI_IRQ_INDEX,
						    4, 8, fds + 4), 0);
	/* More fds than the server takes in one message, in one go. */
	ck_assert_int_eq(vu_client_set_irqs(c, VFIO_PCI_MSI_IRQ_INDEX, et, 4,
					    4, NULL, fds + 4), -EINVAL);
	vu_client_close(c);
	fake_join(&f);
	for (i = 0; i < 12; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

START_TEST(test_set_irqs_eventfd_count_0_disables_the_index)
{
	static const struct irq_msg msgs[1] = {
		{ VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0,
		  0 },
	};
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct irq_script s = {
		.caps = "{\"capabilities\":{\"max_msg_fds\":8}}",
		.index = VFIO_PCI_INTX_IRQ_INDEX, .msgs = msgs, .nr_msgs = 1,
	};
	struct vu_client *c;
	struct fake f;

	c = fake_attach(&f, &cfg, srv_set_irqs, &s);
	ck_assert_int_eq(vu_client_set_irqs_eventfd(c, VFIO_PCI_INTX_IRQ_INDEX,
						    5, 0, NULL), 0);
	vu_client_close(c);
	fake_join(&f);
}
END_TEST

static void srv_set_irqs_bool(struct fake *f)
{
	struct vu_msg m;

	fake_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_SET_IRQS);
	ck_assert_uint_eq(m.body_len, 23);
	ck_assert_uint_eq(rd32(m.body, 0), 23);
	ck_assert_uint_eq(rd32(m.body, 4), VFIO_IRQ_SET_DATA_BOOL |
			  VFIO_IRQ_SET_ACTION_MASK);
	ck_assert_uint_eq(rd32(m.body, 8), 1);
	ck_assert_uint_eq(rd32(m.body, 12), 2);
	ck_assert_uint_eq(rd32(m.body, 16), 3);
	ck_assert_mem_eq((uint8_t *)m.body + 20, "\1\0\1", 3);
	ck_assert_uint_eq(m.nr_fds, 0);
	fake_reply(f->srv, &m, NULL, 0, NULL, 0);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_set_irqs_bool_carries_its_bytes)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	static const uint8_t mask[3] = { 1, 0, 1 };
	struct vu_client *c;
	struct fake f;

	c = fake_attach(&f, &cfg, srv_set_irqs_bool, NULL);
	/* Two DATA flags: rejected before anything is sent. */
	ck_assert_int_eq(vu_client_set_irqs(c, 1, VFIO_IRQ_SET_DATA_BOOL |
					    VFIO_IRQ_SET_DATA_NONE |
					    VFIO_IRQ_SET_ACTION_MASK, 2, 3,
					    mask, NULL), -EINVAL);
	ck_assert_int_eq(vu_client_set_irqs(c, 1, VFIO_IRQ_SET_DATA_BOOL |
					    VFIO_IRQ_SET_ACTION_MASK, 2, 3,
					    mask, NULL), 0);
	vu_client_close(c);
	fake_join(&f);
}
END_TEST

/* --- REGION_READ / REGION_WRITE --- */

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)(off * 7 + (off >> 8));
}

/* Pieces of 4096 (the server's max_data_xfer_size) at 0x100 + 10000. */
static const struct { uint64_t off; uint32_t count; } pieces[3] = {
	{ 0x100, 4096 }, { 0x1100, 4096 }, { 0x2100, 1808 },
};

static void srv_region_read_split(struct fake *f)
{
	uint8_t r[16 + 4096];
	struct vu_msg m;
	unsigned int i, j;

	fake_version(f->srv, 2, "{\"capabilities\":{\"max_data_xfer_size\":"
		     "4096}}", NULL, 0, NULL);
	for (i = 0; i < 3; i++) {
		fake_expect(f->srv, &m, VFIO_USER_REGION_READ);
		ck_assert_uint_eq(m.body_len, 16);
		ck_assert_uint_eq(rd64(m.body, 0), pieces[i].off);
		ck_assert_uint_eq(rd32(m.body, 8), 3);
		ck_assert_uint_eq(rd32(m.body, 12), pieces[i].count);
		memcpy(r, m.body, 16);
		for (j = 0; j < pieces[i].count; j++)
			r[16 + j] = pattern(pieces[i].off + j);
		fake_reply(f->srv, &m, r, 16 + pieces[i].count, NULL, 0);
		vu_msg_release(&m);
	}
	fake_drain(f->srv);
}

START_TEST(test_region_read_split_by_max_data_xfer_size)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client *c;
	struct fake f;
	uint8_t *buf = malloc(10000);
	unsigned int j;

	ck_assert_ptr_nonnull(buf);
	c = fake_attach(&f, &cfg, srv_region_read_split, NULL);
	ck_assert_int_eq(vu_client_region_read(c, 3, 0x100, buf, 0), 0);
	ck_assert_int_eq(vu_client_region_read(c, 3, UINT64_MAX - 2, buf, 8),
			 -EINVAL);
	ck_assert_int_eq(vu_client_region_read(c, 3, 0x100, buf, 10000), 0);
	for (j = 0; j < 10000; j++)
		ck_assert_uint_eq(buf[j], pattern(0x100 + j));
	vu_client_close(c);
	fake_join(&f);
	free(buf);
}
END_TEST

static void srv_region_write_split(struct fake *f)
{
	struct vu_msg m;
	unsigned int i, j;

	fake_version(f->srv, 2, "{\"capabilities\":{\"max_data_xfer_size\":"
		     "4096}}", NULL, 0, NULL);
	for (i = 0; i < 3; i++) {
		fake_expect(f->srv, &m, VFIO_USER_REGION_WRITE);
		ck_assert_uint_eq(m.body_len, 16 + pieces[i].count);
		ck_assert_uint_eq(rd64(m.body, 0), pieces[i].off);
		ck_assert_uint_eq(rd32(m.body, 8), 3);
		ck_assert_uint_eq(rd32(m.body, 12), pieces[i].count);
		for (j = 0; j < pieces[i].count; j++)
			ck_assert_uint_eq(((uint8_t *)m.body)[16 + j],
					  pattern(pieces[i].off + j));
		fake_reply(f->srv, &m, m.body, 16, NULL, 0);
		vu_msg_release(&m);
	}
	fake_drain(f->srv);
}

START_TEST(test_region_write_split_by_max_data_xfer_size)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client *c;
	struct fake f;
	uint8_t *buf = malloc(10000);
	unsigned int j;

	ck_assert_ptr_nonnull(buf);
	for (j = 0; j < 10000; j++)
		buf[j] = pattern(0x100 + j);
	c = fake_attach(&f, &cfg, srv_region_write_split, NULL);
	ck_assert_int_eq(vu_client_region_write(c, 3, 0x100, buf, 10000), 0);
	vu_client_close(c);
	fake_join(&f);
	free(buf);
}
END_TEST

/* --- DMA_MAP, DMA_UNMAP, DEVICE_RESET, any request --- */

static void srv_dma_map(struct fake *f)
{
	const int *memfd = f->arg;
	struct vu_msg m;

	fake_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_DMA_MAP);
	ck_assert_uint_eq(m.body_len, 32);
	ck_assert_uint_eq(rd32(m.body, 0), 32);
	ck_assert_uint_eq(rd32(m.body, 4), VFIO_USER_DMA_MAP_FLAG_READ |
			  VFIO_USER_DMA_MAP_FLAG_WRITE);
	ck_assert_uint_eq(rd64(m.body, 8), 0x2000);	/* offset */
	ck_assert_uint_eq(rd64(m.body, 16), 0x100000);	/* address */
	ck_assert_uint_eq(rd64(m.body, 24), 0x40000);	/* size */
	ck_assert_uint_eq(m.nr_fds, 1);
	same_file(m.fds[0], *memfd);
	fake_reply(f->srv, &m, NULL, 0, NULL, 0);
	vu_msg_release(&m);

	/* Without an fd: offset 0, no fd, read only. */
	fake_expect(f->srv, &m, VFIO_USER_DMA_MAP);
	ck_assert_uint_eq(rd32(m.body, 4), VFIO_USER_DMA_MAP_FLAG_READ);
	ck_assert_uint_eq(rd64(m.body, 8), 0);
	ck_assert_uint_eq(rd64(m.body, 16), 0x200000);
	ck_assert_uint_eq(m.nr_fds, 0);
	fake_error(f->srv, &m, EEXIST);
	vu_msg_release(&m);

	fake_expect(f->srv, &m, VFIO_USER_DMA_UNMAP);
	ck_assert_uint_eq(m.body_len, 24);
	ck_assert_uint_eq(rd32(m.body, 0), 24);
	ck_assert_uint_eq(rd32(m.body, 4), 0);
	ck_assert_uint_eq(rd64(m.body, 8), 0x100000);
	ck_assert_uint_eq(rd64(m.body, 16), 0x40000);
	/* "The server responds with the original DMA entry" */
	fake_reply(f->srv, &m, m.body, 24, NULL, 0);
	vu_msg_release(&m);

	/* QEMU-era servers reply with no body. */
	fake_expect(f->srv, &m, VFIO_USER_DMA_UNMAP);
	fake_reply(f->srv, &m, NULL, 0, NULL, 0);
	vu_msg_release(&m);

	fake_expect(f->srv, &m, VFIO_USER_DEVICE_RESET);
	ck_assert_uint_eq(m.body_len, 0);
	ck_assert_uint_eq(m.nr_fds, 0);
	fake_reply(f->srv, &m, NULL, 0, NULL, 0);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_dma_map_unmap_reset_bytes_and_memfd)
{
	const uint32_t rw = VFIO_USER_DMA_MAP_FLAG_READ |
			    VFIO_USER_DMA_MAP_FLAG_WRITE;
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	struct vu_client *c;
	struct fake f;
	int memfd, before = open_fds();

	memfd = memfd_create("ram", MFD_CLOEXEC);
	ck_assert_int_ge(memfd, 0);
	c = fake_attach(&f, &cfg, srv_dma_map, &memfd);
	ck_assert_int_eq(vu_client_dma_map(c, 0x100000, 0, memfd, 0, rw),
			 -EINVAL);
	ck_assert_int_eq(vu_client_dma_map(c, 0x100000, 0x1000, memfd, 0, 4),
			 -EINVAL);
	ck_assert_int_eq(vu_client_dma_map(c, 0x100000, 0x40000, memfd,
					   0x2000, rw), 0);
	ck_assert_int_eq(vu_client_dma_map(c, 0x200000, 0x1000, -1, 0x2000,
					   VFIO_USER_DMA_MAP_FLAG_READ),
			 -EEXIST);
	ck_assert_int_eq(vu_client_dma_unmap(c, 0x100000, 0x40000), 0);
	ck_assert_int_eq(vu_client_dma_unmap(c, 0x200000, 0x1000), 0);
	ck_assert_int_eq(vu_client_reset(c), 0);
	vu_client_close(c);
	fake_join(&f);
	close(memfd);
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

static void srv_feature(struct fake *f)
{
	uint8_t r[16];
	struct vu_msg m;

	fake_handshake(f);
	fake_expect(f->srv, &m, VFIO_USER_DEVICE_FEATURE);
	ck_assert_uint_eq(m.body_len, 8);
	ck_assert_uint_eq(rd32(m.body, 0), 16);
	ck_assert_uint_eq(rd32(m.body, 4), VFIO_DEVICE_FEATURE_GET | 1);
	wr32(r, 0, 16);
	wr32(r, 4, VFIO_DEVICE_FEATURE_GET | 1);
	wr64(r, 8, 1);		/* VFIO_MIGRATION_STOP_COPY */
	fake_reply(f->srv, &m, r, 16, NULL, 0);
	vu_msg_release(&m);
	fake_drain(f->srv);
}

START_TEST(test_request_any_command_gets_its_reply)
{
	struct vu_client_config cfg = fake_cfg("dev", 2000);
	uint8_t q[8];
	struct vu_client *c;
	struct vu_msg reply;
	struct fake f;
	int fd = eventfd_new();

	wr32(q, 0, 16);
	wr32(q, 4, VFIO_DEVICE_FEATURE_GET | 1);
	c = fake_attach(&f, &cfg, srv_feature, NULL);
	/* More fds than the server's max_msg_fds: nothing is sent. */
	ck_assert_int_eq(vu_client_request(c, VFIO_USER_DEVICE_FEATURE, q, 8,
					   (int[9]){ fd, fd, fd, fd, fd, fd,
						     fd, fd, fd }, 9, &reply),
			 -EINVAL);
	vu_msg_release(&reply);
	ck_assert_int_eq(vu_client_request(c, VFIO_USER_DEVICE_FEATURE, q, 8,
					   NULL, 0, &reply), 0);
	ck_assert_uint_eq(reply.body_len, 16);
	ck_assert_uint_eq(rd64(reply.body, 8), 1);
	vu_msg_release(&reply);
	vu_client_close(c);
	fake_join(&f);
	close(fd);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("client_ops");
	TCase *tc = tcase_create("ops");

	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_device_info_request_and_reply);
	tcase_add_test(tc, test_region_info_sparse_caps_need_argsz_retry);
	tcase_add_test(tc, test_region_info_trapped_region_has_no_fd_nor_area);
	tcase_add_test(tc, test_io_fds_spec_entries_with_their_fds);
	tcase_add_test(tc, test_io_fds_libvfio_user_entries_need_argsz_retry);
	tcase_add_test(tc, test_io_fds_unsupported_gives_its_errno_and_goes_on);
	tcase_add_test(tc, test_irq_info_request_and_reply);
	tcase_add_test(tc, test_set_irqs_eventfd_split_by_max_msg_fds);
	tcase_add_test(tc,
		test_set_irqs_eventfd_holes_deassign_and_servers_limit);
	tcase_add_test(tc, test_set_irqs_eventfd_count_0_disables_the_index);
	tcase_add_test(tc, test_set_irqs_bool_carries_its_bytes);
	tcase_add_test(tc, test_region_read_split_by_max_data_xfer_size);
	tcase_add_test(tc, test_region_write_split_by_max_data_xfer_size);
	tcase_add_test(tc, test_dma_map_unmap_reset_bytes_and_memfd);
	tcase_add_test(tc, test_request_any_command_gets_its_reply);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
