// SPDX-License-Identifier: GPL-2.0-only
/*
 * The command handlers: each command is validated (vu_validate_command(),
 * then the handler's own checks against the device) before anything is
 * done, and answered with its reply or an error reply (spec: "Header":
 * "If an error occurs, the reply message must only include the reply
 * header").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/vu_memfd.h"
#include "proto/vu_validate.h"
#include "devices/framework/vus_priv.h"

static int h_dma_map(struct vus_conn *conn, struct vu_msg *m,
		     struct vu_why *why)
{
	struct vfio_user_dma_map d;
	int fd = m->nr_fds ? m->fds[0] : -1;
	int ret;

	/* A device that works by messages only: the fd is closed with the
	 * message (vu_msg_release()) and the map is treated as one that
	 * "can be accessed by the server using VFIO_USER_DMA_READ and
	 * VFIO_USER_DMA_WRITE messages" (spec: "VFIO_USER_DMA_MAP"). */
	if (conn->dev->dma_by_messages)
		fd = -1;
	memcpy(&d, m->body, sizeof(d));
	if (fd >= 0) {
		struct vu_why unsafe = { "" };

		/* A file smaller than the map is the client's error. One that
		 * could shrink is never mapped: a truncate would kill this
		 * server at its next access (SIGBUS); it is reached by
		 * messages instead, like a map without fd. */
		ret = vu_fd_check_mappable(fd, d.offset, d.size, &unsafe);
		if (ret == -EPERM) {
			vus_log(conn->dev, VUS_LOG_WARN, "DMA_MAP [%#llx, "
				"+%#llx): %s; reached by DMA_READ/DMA_WRITE "
				"messages instead", (unsigned long long)d.address,
				(unsigned long long)d.size, unsafe.msg);
			fd = -1;
		} else if (ret) {
			vu_why_set(why, "DMA_MAP [%#llx, +%#llx): %s",
				   (unsigned long long)d.address,
				   (unsigned long long)d.size, unsafe.msg);
			return ret;
		}
	}
	ret = vus_dma_table_add(&conn->dev->dma, d.address, d.size, d.flags, fd,
				d.offset, why);
	if (!ret && fd >= 0)
		m->fds[0] = -1;		/* the table owns it now */
	if (!ret)
		vus_log(conn->dev, VUS_LOG_DEBUG, "DMA_MAP [%#llx, +%#llx) "
			"flags %#x %s", (unsigned long long)d.address,
			(unsigned long long)d.size, d.flags,
			fd >= 0 ? "mmapped" : m->nr_fds ?
			"by messages (its fd not mapped)" : "by messages");
	return ret;
}

static int h_dma_unmap(struct vus_conn *conn, struct vu_msg *m,
		       struct vus_reply *r, struct vu_why *why)
{
	struct vfio_user_dma_unmap d;
	int ret = 0;

	memcpy(&d, m->body, sizeof(d));
	switch (d.flags) {
	case 0:
		ret = vus_dma_table_remove(&conn->dev->dma, d.address, d.size,
					   why);
		break;
	case VFIO_USER_DMA_UNMAP_FLAG_ALL:
		vus_dma_table_clear(&conn->dev->dma);
		break;
	default:
		vu_why_set(why, "DMA_UNMAP flags %#x: no dirty page tracking "
			   "here", d.flags);
		return -ENOTSUP;
	}
	if (ret)
		return ret;
	/* "The server responds with the original DMA entry in the
	 * request." */
	d.argsz = sizeof(d);
	r->body = malloc(sizeof(d));
	if (!r->body)
		return -ENOMEM;
	memcpy(r->body, &d, sizeof(d));
	r->len = sizeof(d);
	return 0;
}

static int h_device_info(struct vus_reply *r)
{
	struct vfio_user_device_info info = {
		.argsz = sizeof(info),
		.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET,
		.num_regions = VFIO_PCI_NUM_REGIONS,
		.num_irqs = VFIO_PCI_NUM_IRQS,
	};

	r->body = malloc(sizeof(info));
	if (!r->body)
		return -ENOMEM;
	memcpy(r->body, &info, sizeof(info));
	r->len = sizeof(info);
	return 0;
}

static int h_irq_info(struct vus_conn *conn, struct vu_msg *m,
		      struct vus_reply *r, struct vu_why *why)
{
	struct vfio_user_irq_info q, info;
	int ret;

	memcpy(&q, m->body, sizeof(q));
	ret = vus_irqs_info(conn->dev, q.index, &info, why);
	if (ret)
		return ret;
	r->body = malloc(sizeof(info));
	if (!r->body)
		return -ENOMEM;
	memcpy(r->body, &info, sizeof(info));
	r->len = sizeof(info);
	return 0;
}

static int h_region_read(struct vus_conn *conn, struct vu_msg *m,
			 struct vus_reply *r, struct vu_why *why)
{
	struct vfio_user_region_access a;
	uint8_t *body;
	int ret;

	memcpy(&a, m->body, sizeof(a));
	body = malloc(sizeof(a) + a.count);
	if (!body)
		return -ENOMEM;
	ret = vus_region_access(conn->dev, a.region, a.offset,
				body + sizeof(a), a.count, false, why);
	if (ret) {
		free(body);
		return ret;
	}
	memcpy(body, &a, sizeof(a));
	r->body = body;
	r->len = sizeof(a) + a.count;
	return 0;
}

static int h_region_write(struct vus_conn *conn, struct vu_msg *m,
			  struct vus_reply *r, struct vu_why *why)
{
	struct vfio_user_region_access a;
	int ret;

	memcpy(&a, m->body, sizeof(a));
	ret = vus_region_access(conn->dev, a.region, a.offset,
				(uint8_t *)m->body + sizeof(a), a.count, true,
				why);
	if (ret)
		return ret;
	r->body = malloc(sizeof(a));
	if (!r->body)
		return -ENOMEM;
	memcpy(r->body, &a, sizeof(a));
	r->len = sizeof(a);
	return 0;
}

static int h_write_multi(struct vus_conn *conn, struct vu_msg *m,
			 struct vus_reply *r, struct vu_why *why)
{
	const uint8_t *p = (const uint8_t *)m->body + 8;
	struct vfio_user_write_multi_entry w;
	uint64_t cnt, i;
	int ret;

	if (!conn->session.caps.write_multiple) {
		vu_why_set(why, "REGION_WRITE_MULTI was not negotiated in "
			   "VERSION");
		return -ENOTSUP;
	}
	memcpy(&cnt, m->body, sizeof(cnt));
	for (i = 0; i < cnt; i++) {
		memcpy(&w, p + i * sizeof(w), sizeof(w));
		ret = vus_region_access(conn->dev, w.region, w.offset, w.data,
					w.count, true, why);
		if (ret) {
			struct vu_why inner = *why;

			vu_why_set(why, "REGION_WRITE_MULTI write %llu of %llu "
				   "(the first %llu done): %s",
				   (unsigned long long)i,
				   (unsigned long long)cnt,
				   (unsigned long long)i, inner.msg);
			return ret;
		}
	}
	r->body = malloc(sizeof(cnt));
	if (!r->body)
		return -ENOMEM;
	memcpy(r->body, &cnt, sizeof(cnt));
	r->len = sizeof(cnt);
	return 0;
}

static int h_reset(struct vus_conn *conn, struct vu_why *why)
{
	struct vus_dev *dev = conn->dev;
	int ret = 0;

	if (dev->ops.reset)
		ret = dev->ops.reset(dev, dev->opaque);
	if (ret) {
		vu_why_set(why, "DEVICE_RESET: the device could not reset");
		return ret;
	}
	vus_irqs_reset(dev);
	vus_log(dev, VUS_LOG_DEBUG, "device reset");
	return 0;
}

static int handle(struct vus_conn *conn, struct vu_msg *m,
		  struct vus_reply *r, int *twin_fd, struct vu_why *why)
{
	struct vus_dev *dev = conn->dev;
	uint32_t q[3];

	switch (m->hdr.command) {
	case VFIO_USER_VERSION:
		return vus_session_version(conn, m, r, twin_fd, why);
	case VFIO_USER_DMA_MAP:
		return h_dma_map(conn, m, why);
	case VFIO_USER_DMA_UNMAP:
		return h_dma_unmap(conn, m, r, why);
	case VFIO_USER_DEVICE_GET_INFO:
		return h_device_info(r);
	case VFIO_USER_DEVICE_GET_REGION_INFO:
		memcpy(q, m->body, sizeof(q));	/* argsz, flags, index */
		return vus_region_info(dev, q[2], q[0], r, why);
	case VFIO_USER_DEVICE_GET_REGION_IO_FDS:
		memcpy(q, m->body, sizeof(q));
		return vus_region_io_fds(dev, q[2], q[0],
					 conn->session.caps.max_msg_fds, r,
					 why);
	case VFIO_USER_DEVICE_GET_IRQ_INFO:
		return h_irq_info(conn, m, r, why);
	case VFIO_USER_DEVICE_SET_IRQS:
		return vus_irqs_set(dev, m, why);
	case VFIO_USER_REGION_READ:
		return h_region_read(conn, m, r, why);
	case VFIO_USER_REGION_WRITE:
		return h_region_write(conn, m, r, why);
	case VFIO_USER_REGION_WRITE_MULTI:
		return h_write_multi(conn, m, r, why);
	case VFIO_USER_DEVICE_RESET:
		return h_reset(conn, why);
	case VFIO_USER_DMA_READ:
	case VFIO_USER_DMA_WRITE:
		vu_why_set(why, "%s goes from server to client, not to us",
			   vu_command_name(m->hdr.command));
		return -EINVAL;
	case VFIO_USER_DEVICE_FEATURE:
	case VFIO_USER_MIG_DATA_READ:
	case VFIO_USER_MIG_DATA_WRITE:
		/* We offer no migration, hence no device features. */
		vu_why_set(why, "%s: this device does not migrate",
			   vu_command_name(m->hdr.command));
		return -ENOTSUP;
	default:
		vu_why_set(why, "command %u is unknown", m->hdr.command);
		return -EOPNOTSUPP;
	}
}

static const char *errname(int err)
{
	const char *n = strerrorname_np(err < 0 ? -err : err);

	return n ? n : "?";
}

void vus_dispatch(struct vus_conn *conn, struct vu_msg *m)
{
	struct vus_dev *dev = conn->dev;
	struct vus_reply r = { .len = 0 };
	struct vu_why why = { .msg = "" };
	const char *what = vu_command_name(m->hdr.command);
	int twin_fd = -1, ret, sret = 0;
	bool no_reply = vu_hdr_no_reply(&m->hdr) &&
			!vu_hdr_is_reply(&m->hdr);

	ret = vu_validate_command(m, conn->ours.caps.max_data_xfer_size, &why);
	if (!ret && !conn->versioned &&
	    m->hdr.command != VFIO_USER_VERSION) {
		/* "the initial client message is VFIO_USER_VERSION" */
		vu_why_set(&why, "%s before VERSION", what);
		ret = -EINVAL;
	} else if (!ret && conn->versioned &&
		   m->hdr.command == VFIO_USER_VERSION) {
		vu_why_set(&why, "a second VERSION in one session");
		ret = -EALREADY;
	}
	if (!ret)
		ret = handle(conn, m, &r, &twin_fd, &why);

	if (ret) {
		vus_log(dev, VUS_LOG_WARN, "rejected %s (msg %u): %s: %s",
			what, m->hdr.msg_id, why.msg[0] ? why.msg : "error",
			errname(ret));
		if (!no_reply)
			sret = vus_session_answer(conn, &m->hdr, ret, NULL, 0,
						  NULL, 0);
	} else if (!no_reply) {
		sret = vus_session_answer(conn, &m->hdr, 0, r.body, r.len,
					  r.fds, r.nr_fds);
	}
	free(r.body);
	if (twin_fd >= 0)
		close(twin_fd);
	if (sret) {
		vus_log(dev, VUS_LOG_INFO, "cannot answer %s (msg %u): %s",
			what, m->hdr.msg_id, strerror(-sret));
		vus_session_break(conn);
		return;
	}
	if (!ret && m->hdr.command == VFIO_USER_VERSION) {
		pthread_rwlock_wrlock(&dev->conn_lock);
		conn->versioned = true;
		pthread_rwlock_unlock(&dev->conn_lock);
		if (dev->ops.attach)
			dev->ops.attach(dev, dev->opaque);
	}
}
