// SPDX-License-Identifier: GPL-2.0-only
/*
 * The command wrappers with fixed layouts: device and IRQ info,
 * SET_IRQS, region read/write, DMA map/unmap, reset. Region info and
 * io fds, which need decoding and a retry, are in vu_client_region.c.
 * Every reply has passed vu_validate_reply() (vu_client_rx.c) before it
 * is read here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/client/vu_client_priv.h"

/* A request whose reply body is not needed beyond the checks. */
static int call_simple(struct vu_client *c, uint16_t command,
		       const void *body, size_t len,
		       const int *fds, unsigned int nr_fds)
{
	struct vu_msg reply;
	int ret;

	ret = vu_client_call(c, command, body, len, fds, nr_fds, &reply);
	vu_msg_release(&reply);
	return ret;
}

int vu_client_device_info(struct vu_client *c,
			  struct vfio_user_device_info *info)
{
	struct vfio_user_device_info q = { .argsz = sizeof(q) };
	struct vu_msg reply;
	int ret;

	ret = vu_client_call(c, VFIO_USER_DEVICE_GET_INFO, &q, sizeof(q),
			     NULL, 0, &reply);
	if (!ret)	/* at least 16 bytes, checked */
		memcpy(info, reply.body, sizeof(*info));
	vu_msg_release(&reply);
	return ret;
}

int vu_client_irq_info(struct vu_client *c, uint32_t index,
		       struct vfio_user_irq_info *info)
{
	struct vfio_user_irq_info q = { .argsz = sizeof(q), .index = index };
	struct vu_msg reply;
	int ret;

	ret = vu_client_call(c, VFIO_USER_DEVICE_GET_IRQ_INFO, &q, sizeof(q),
			     NULL, 0, &reply);
	if (!ret)	/* at least 16 bytes and our index, checked */
		memcpy(info, reply.body, sizeof(*info));
	vu_msg_release(&reply);
	return ret;
}

static bool one_bit(uint32_t v)
{
	return v && !(v & (v - 1));
}

int vu_client_set_irqs(struct vu_client *c, uint32_t index, uint32_t flags,
		       uint32_t start, uint32_t count,
		       const uint8_t *data, const int *fds)
{
	uint32_t dtype = flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	uint32_t action = flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	struct vfio_user_irq_set s;
	unsigned int nr_fds = 0;
	size_t len = sizeof(s);
	uint8_t *body;
	int ret;

	if (flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK |
		      VFIO_IRQ_SET_ACTION_TYPE_MASK) ||
	    !one_bit(dtype) || !one_bit(action))
		return -EINVAL;
	if ((uint64_t)start + count > UINT32_MAX)
		return -EINVAL;
	if (dtype == VFIO_IRQ_SET_DATA_BOOL) {
		if (!count || count > VU_CLIENT_IRQ_BOOL_MAX || !data)
			return -EINVAL;
		len += count;
	} else if (dtype == VFIO_IRQ_SET_DATA_EVENTFD && fds) {
		/* vu_client_call() checks max_msg_fds. Without fds: "this
		 * de-assigns the specified previously configured
		 * interrupts". */
		nr_fds = count;
	}
	s.argsz = (uint32_t)len;
	s.flags = flags;
	s.index = index;
	s.start = start;
	s.count = count;
	body = malloc(len);
	if (!body)
		return -ENOMEM;
	memcpy(body, &s, sizeof(s));
	if (dtype == VFIO_IRQ_SET_DATA_BOOL)
		memcpy(body + sizeof(s), data, count);
	ret = call_simple(c, VFIO_USER_DEVICE_SET_IRQS, body, len, fds,
			  nr_fds);
	free(body);
	return ret;
}

uint32_t vu_client_irq_run(const int *fds, uint32_t count, uint32_t i,
			   uint32_t max_fds, bool *with_fds)
{
	uint32_t n = 0;

	*with_fds = fds[i] >= 0;
	while (i + n < count && (fds[i + n] >= 0) == *with_fds) {
		n++;
		if (*with_fds && n == max_fds)
			break;
	}
	return n;
}

int vu_client_set_irqs_eventfd(struct vu_client *c, uint32_t index,
			       uint32_t start, uint32_t count, const int *fds)
{
	const uint32_t trigger = VFIO_IRQ_SET_ACTION_TRIGGER;
	uint32_t max = c->session.caps.max_msg_fds;
	uint32_t i, n;
	bool with_fds;
	int ret;

	/* "a count (and start) of 0, with data flags of
	 * VFIO_IRQ_SET_DATA_NONE disables all interrupts of the index" */
	if (count == 0)
		return vu_client_set_irqs(c, index, VFIO_IRQ_SET_DATA_NONE |
					  trigger, 0, 0, NULL, NULL);
	if (!fds || (uint64_t)start + count > UINT32_MAX)
		return -EINVAL;
	for (i = 0; i < count; i++)
		if (fds[i] >= 0 && max == 0)
			return -EINVAL;	/* the server takes no fds */
	for (i = 0; i < count; i += n) {
		n = vu_client_irq_run(fds, count, i, max, &with_fds);
		/* "If no file descriptors are provided, this de-assigns the
		 * specified previously configured interrupts." */
		ret = vu_client_set_irqs(c, index, VFIO_IRQ_SET_DATA_EVENTFD |
					 trigger, start + i, n, NULL,
					 with_fds ? fds + i : NULL);
		if (ret)
			return ret;
	}
	return 0;
}

/* The largest count of one REGION_READ/WRITE piece. */
static uint64_t piece_max(const struct vu_client *c, bool read)
{
	/* "The count field must not exceed the value of max_data_xfer_size
	 * of the peer"; a read's reply must also fit our receive limit. */
	uint64_t max = c->session.caps.max_data_xfer_size;

	if (read && max > c->ours.caps.max_data_xfer_size)
		max = c->ours.caps.max_data_xfer_size;
	if (max > UINT32_MAX)
		max = UINT32_MAX;
	return max;
}

static int region_piece(struct vu_client *c, bool write, uint32_t index,
			uint64_t offset, uint8_t *buf, uint32_t count)
{
	uint16_t cmd = write ? VFIO_USER_REGION_WRITE : VFIO_USER_REGION_READ;
	struct vfio_user_region_access q = {
		.offset = offset, .region = index, .count = count,
	};
	struct vfio_user_region_access a;
	struct vu_msg reply;
	size_t len = sizeof(q);
	uint8_t *body = (uint8_t *)&q;
	int ret;

	if (write) {
		len += count;
		body = malloc(len);
		if (!body)
			return -ENOMEM;
		memcpy(body, &q, sizeof(q));
		memcpy(body + sizeof(q), buf, count);
	}
	ret = vu_client_call(c, cmd, body, len, NULL, 0, &reply);
	if (write)
		free(body);
	if (ret) {
		vu_msg_release(&reply);
		return ret;
	}
	/* Offset, region, count <= asked and the data present: checked. */
	memcpy(&a, reply.body, sizeof(a));
	if (a.count != count)
		ret = vu_client_break(c, cmd, "count %u of the %u bytes asked "
				      "at region %u offset %#llx", a.count,
				      count, index,
				      (unsigned long long)offset);
	else if (reply.body_len != sizeof(a) + (write ? 0 : count))
		ret = vu_client_break(c, cmd, "%zu bytes for count %u",
				      reply.body_len, a.count);
	else if (!write)
		memcpy(buf, (uint8_t *)reply.body + sizeof(a), count);
	vu_msg_release(&reply);
	return ret;
}

static int region_rw(struct vu_client *c, bool write, uint32_t index,
		     uint64_t offset, uint8_t *buf, size_t count)
{
	uint64_t max = piece_max(c, !write);
	size_t done, n;
	int ret;

	if (count && !buf)
		return -EINVAL;
	if (offset + count < offset)
		return -EINVAL;
	for (done = 0; done < count; done += n) {
		n = count - done < max ? count - done : (size_t)max;
		ret = region_piece(c, write, index, offset + done, buf + done,
				   (uint32_t)n);
		if (ret)
			return ret;
	}
	return 0;
}

int vu_client_region_read(struct vu_client *c, uint32_t index,
			  uint64_t offset, void *buf, size_t count)
{
	return region_rw(c, false, index, offset, buf, count);
}

int vu_client_region_write(struct vu_client *c, uint32_t index,
			   uint64_t offset, const void *buf, size_t count)
{
	return region_rw(c, true, index, offset, (uint8_t *)buf, count);
}

int vu_client_dma_map(struct vu_client *c, uint64_t iova, uint64_t size,
		      int fd, uint64_t fd_offset, uint32_t prot)
{
	struct vfio_user_dma_map q = {
		.argsz = sizeof(q),
		.flags = prot,
		/* "zero if the region is not mappable" */
		.offset = fd >= 0 ? fd_offset : 0,
		.address = iova,
		.size = size,
	};

	if (prot & ~(VFIO_USER_DMA_MAP_FLAG_READ |
		     VFIO_USER_DMA_MAP_FLAG_WRITE))
		return -EINVAL;
	if (!size || iova + size < iova ||
	    (fd >= 0 && fd_offset + size < fd_offset))
		return -EINVAL;
	return call_simple(c, VFIO_USER_DMA_MAP, &q, sizeof(q),
			   fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0);
}

int vu_client_dma_unmap(struct vu_client *c, uint64_t iova, uint64_t size)
{
	struct vfio_user_dma_unmap q = {
		.argsz = sizeof(q), .address = iova, .size = size,
	};

	if (!size || iova + size < iova)
		return -EINVAL;
	/* The reply, if it has a body, echoes this entry (checked). */
	return call_simple(c, VFIO_USER_DMA_UNMAP, &q, sizeof(q), NULL, 0);
}

int vu_client_reset(struct vu_client *c)
{
	return call_simple(c, VFIO_USER_DEVICE_RESET, NULL, 0, NULL, 0);
}
