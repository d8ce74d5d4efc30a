// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake device server of vfio-user-info's tests (see fake_device.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "proto/vu_msg.h"
#include "proto/vu_validate.h"
#include "proto/vu_version.h"
#include "tools/vfio-user-info/tests/fake_device.h"

#define NR_REGIONS	9
#define NR_IRQS		5

struct region_def {
	uint32_t flags;
	uint64_t size;
};

static void region_def(const struct fake_device *d, uint32_t i,
		       struct region_def *r)
{
	static const struct region_def defs[NR_REGIONS] = {
		[0] = { VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS,
			16384 },
		[2] = { VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
			32 },
		[3] = { VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
			16384 },
		[6] = { VFIO_REGION_INFO_FLAG_READ, 65536 },
		[7] = { VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
			256 },
	};

	memset(r, 0, sizeof(*r));
	if (i < NR_REGIONS)
		*r = defs[i];
	if (i == VFIO_PCI_CONFIG_REGION_INDEX)
		r->size = d->cfg.cfg_size;
}

static void on_version(struct fake_device *d, const struct vu_msg *m)
{
	struct vu_version peer;
	struct vu_caps caps;
	void *body = NULL;
	size_t len = 0;
	uint16_t minor;

	if (vu_version_parse(m->body, m->body_len, &peer, NULL)) {
		vu_msg_send_error(d->sock, &m->hdr, EINVAL);
		return;
	}
	minor = peer.minor < VFIO_USER_MINOR ? peer.minor : VFIO_USER_MINOR;
	vu_caps_ours(&caps);
	caps.max_data_xfer_size = d->cfg.max_data_xfer_size;
	if (vu_version_encode(minor, &caps, &body, &len)) {
		vu_msg_send_error(d->sock, &m->hdr, ENOMEM);
		return;
	}
	vu_msg_send_reply(d->sock, &m->hdr, body, len, NULL, 0);
	free(body);
}

static void on_device_info(struct fake_device *d, const struct vu_msg *m)
{
	struct vfio_user_device_info info = {
		.argsz = sizeof(info),
		.flags = VFIO_DEVICE_FLAGS_RESET |
			 (d->cfg.not_pci ? 0 : VFIO_DEVICE_FLAGS_PCI),
		.num_regions = d->cfg.num_regions,
		.num_irqs = d->cfg.num_irqs,
	};

	vu_msg_send_reply(d->sock, &m->hdr, &info, sizeof(info), NULL, 0);
}

static void on_region_info(struct fake_device *d, const struct vu_msg *m)
{
	struct {
		struct vfio_user_region_info info;
		struct vfio_region_info_cap_sparse_mmap sparse;
		struct vfio_region_sparse_mmap_area areas[2];
	} __attribute__((packed)) r;
	struct vfio_user_region_info q;
	struct region_def def;
	size_t len = sizeof(r.info);
	int fd = -1;

	memcpy(&q, m->body, sizeof(q));
	if (q.index >= d->cfg.num_regions || q.index == VFIO_PCI_VGA_REGION_INDEX) {
		vu_msg_send_error(d->sock, &m->hdr, EINVAL);
		return;
	}
	region_def(d, q.index, &def);
	memset(&r, 0, sizeof(r));
	r.info.argsz = sizeof(r.info);
	r.info.index = q.index;
	r.info.flags = def.flags;
	r.info.size = def.size;
	if (q.index == 0) {
		/* spec: "VFIO region info cap header", sparse mmap */
		r.info.argsz = sizeof(r);
		if (q.argsz >= sizeof(r)) {
			r.info.cap_offset = sizeof(r.info);
			r.sparse.header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
			r.sparse.header.version = 1;
			r.sparse.nr_areas = 2;
			r.areas[0].offset = 0;
			r.areas[0].size = 0x1000;
			r.areas[1].offset = 0x3000;
			r.areas[1].size = 0x1000;
			len = sizeof(r);
			fd = memfd_create("fake-bar0", MFD_CLOEXEC);
			if (fd < 0 || ftruncate(fd, (off_t)def.size)) {
				vu_msg_send_error(d->sock, &m->hdr, EIO);
				if (fd >= 0)
					close(fd);
				return;
			}
		}
	}
	vu_msg_send_reply(d->sock, &m->hdr, &r, len, fd >= 0 ? &fd : NULL,
			  fd >= 0 ? 1 : 0);
	if (fd >= 0)
		close(fd);
}

static void on_io_fds(struct fake_device *d, const struct vu_msg *m)
{
	struct {
		struct vfio_user_region_io_fds head;
		struct vfio_user_sub_region_io_fd e;
	} __attribute__((packed)) r;
	struct vfio_user_region_io_fds q;
	struct region_def def;
	size_t len = sizeof(r.head);
	int fd = -1;

	if (!d->cfg.io_fds) {
		vu_msg_send_error(d->sock, &m->hdr, EOPNOTSUPP);
		return;
	}
	memcpy(&q, m->body, sizeof(q));
	region_def(d, q.index, &def);
	if (q.index >= d->cfg.num_regions || !def.size) {
		vu_msg_send_error(d->sock, &m->hdr, EINVAL);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.head.argsz = sizeof(r.head);
	r.head.index = q.index;
	if (q.index == 0) {
		r.head.argsz = sizeof(r);
		r.head.count = 1;
		if (q.argsz >= sizeof(r)) {
			r.e.offset = 0x1000;
			r.e.size = 4;
			r.e.fd_index = 0;
			r.e.type = VFIO_USER_IO_FD_TYPE_IOEVENTFD;
			r.e.flags = 1;	/* KVM_IOEVENTFD_FLAG_DATAMATCH */
			r.e.datamatch = 7;
			len = sizeof(r);
			fd = eventfd(0, EFD_CLOEXEC);
		}
	}
	vu_msg_send_reply(d->sock, &m->hdr, &r, len, fd >= 0 ? &fd : NULL,
			  fd >= 0 ? 1 : 0);
	if (fd >= 0)
		close(fd);
}

static void on_irq_info(struct fake_device *d, const struct vu_msg *m)
{
	static const struct { uint32_t flags, count; } irqs[NR_IRQS] = {
		{ VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
		  VFIO_IRQ_INFO_AUTOMASKED, 1 },
		{ 0, 0 },
		{ VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE, 16 },
		{ VFIO_IRQ_INFO_EVENTFD, 1 },
		{ VFIO_IRQ_INFO_EVENTFD, 1 },
	};
	struct vfio_user_irq_info q;

	memcpy(&q, m->body, sizeof(q));
	if (q.index >= d->cfg.num_irqs || q.index >= NR_IRQS) {
		vu_msg_send_error(d->sock, &m->hdr, EINVAL);
		return;
	}
	q.argsz = sizeof(q);
	q.flags = irqs[q.index].flags;
	q.count = irqs[q.index].count;
	vu_msg_send_reply(d->sock, &m->hdr, &q, sizeof(q), NULL, 0);
}

static void on_region_read(struct fake_device *d, const struct vu_msg *m)
{
	struct vfio_user_region_access q;
	struct region_def def;
	uint8_t *r;
	uint64_t i;

	memcpy(&q, m->body, sizeof(q));
	region_def(d, q.region, &def);
	if (q.region >= d->cfg.num_regions || q.offset > def.size ||
	    q.count > def.size - q.offset) {
		vu_msg_send_error(d->sock, &m->hdr, EINVAL);
		return;
	}
	r = calloc(1, sizeof(q) + q.count);
	if (!r) {
		vu_msg_send_error(d->sock, &m->hdr, ENOMEM);
		return;
	}
	memcpy(r, &q, sizeof(q));
	if (q.region == VFIO_PCI_CONFIG_REGION_INDEX) {
		for (i = 0; i < q.count && q.offset + i < sizeof(d->config); i++)
			r[sizeof(q) + i] = d->config[q.offset + i];
		d->cfg_bytes_read += q.count;
		if (q.offset + q.count > d->cfg_max_end)
			d->cfg_max_end = q.offset + q.count;
	}
	vu_msg_send_reply(d->sock, &m->hdr, r, sizeof(q) + q.count, NULL, 0);
	free(r);
}

static void serve(struct fake_device *d)
{
	static const char garbage[] = "HTTP/1.1 400 Bad Request\r\n\r\nnot vfio-user\r\n";
	struct vu_msg m;

	for (;;) {
		if (vu_msg_recv(d->sock, &m, VU_MSG_MAX_SIZE_DEFAULT, 8))
			return;
		if (m.hdr.command < 32)
			d->nr_commands[m.hdr.command]++;
		if (d->cfg.mode == FAKE_SILENT) {
			vu_msg_release(&m);
			continue;
		}
		if (d->cfg.mode == FAKE_GARBAGE) {
			if (write(d->sock, garbage, sizeof(garbage) - 1) < 0) {
				/* the client may be gone already */
			}
			vu_msg_release(&m);
			continue;
		}
		if (vu_validate_command(&m, d->cfg.max_data_xfer_size, NULL)) {
			vu_msg_send_error(d->sock, &m.hdr, EINVAL);
			vu_msg_release(&m);
			continue;
		}
		switch (m.hdr.command) {
		case VFIO_USER_VERSION:
			on_version(d, &m);
			break;
		case VFIO_USER_DEVICE_GET_INFO:
			on_device_info(d, &m);
			break;
		case VFIO_USER_DEVICE_GET_REGION_INFO:
			if (d->cfg.mode == FAKE_DIE_ON_REGION_INFO) {
				vu_msg_release(&m);
				return;
			}
			on_region_info(d, &m);
			break;
		case VFIO_USER_DEVICE_GET_REGION_IO_FDS:
			on_io_fds(d, &m);
			break;
		case VFIO_USER_DEVICE_GET_IRQ_INFO:
			on_irq_info(d, &m);
			break;
		case VFIO_USER_REGION_READ:
			on_region_read(d, &m);
			break;
		default:
			vu_msg_send_error(d->sock, &m.hdr, EOPNOTSUPP);
			break;
		}
		vu_msg_release(&m);
	}
}

static void *thread_main(void *arg)
{
	struct fake_device *d = arg;

	if (d->listen_fd >= 0) {
		struct pollfd p = { .fd = d->listen_fd, .events = POLLIN };

		/* fake_device_stop() shuts the listener down to end this */
		if (poll(&p, 1, 20000) != 1 || !(p.revents & POLLIN))
			return NULL;
		d->sock = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (d->sock < 0)
			return NULL;
	}
	serve(d);
	/* Closing here tells the client at once that we are gone. */
	close(d->sock);
	d->sock = -1;
	return NULL;
}

static void setup(struct fake_device *d, const struct fake_device_cfg *cfg)
{
	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	if (!d->cfg.num_regions)
		d->cfg.num_regions = NR_REGIONS;
	if (!d->cfg.num_irqs)
		d->cfg.num_irqs = NR_IRQS;
	if (!d->cfg.cfg_size)
		d->cfg.cfg_size = 256;
	if (!d->cfg.max_data_xfer_size)
		d->cfg.max_data_xfer_size = VFIO_USER_DEFAULT_MAX_DATA_XFER_SIZE;
	if (cfg->cfg)
		memcpy(d->config, cfg->cfg, sizeof(d->config));
	d->listen_fd = -1;
	d->sock = -1;
}

int fake_device_listen(struct fake_device *d, const struct fake_device_cfg *cfg,
		       const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int err;

	setup(d, cfg);
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	strcpy(d->path, path);
	d->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (d->listen_fd < 0)
		return -errno;
	if (bind(d->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(d->listen_fd, 1)) {
		err = -errno;
		close(d->listen_fd);
		d->listen_fd = -1;
		return err;
	}
	err = -pthread_create(&d->thread, NULL, thread_main, d);
	if (err) {
		close(d->listen_fd);
		unlink(path);
	}
	return err;
}

int fake_device_serve(struct fake_device *d, const struct fake_device_cfg *cfg,
		      int sock)
{
	int err;

	setup(d, cfg);
	d->sock = sock;
	err = -pthread_create(&d->thread, NULL, thread_main, d);
	if (err)
		close(sock);
	return err;
}

void fake_device_stop(struct fake_device *d)
{
	if (d->listen_fd >= 0)
		shutdown(d->listen_fd, SHUT_RDWR);
	pthread_join(d->thread, NULL);
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		unlink(d->path);
	}
	d->listen_fd = -1;
}
