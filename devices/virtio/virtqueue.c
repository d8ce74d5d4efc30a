// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device side of a split virtqueue, VIRTIO 1.2 §2.7 (rules and
 * barriers: virtqueue.h). Ring layout (§2.7.5, §2.7.6, §2.7.8):
 *   desc:  struct { le64 addr; le32 len; le16 flags; le16 next; }[size]
 *   avail: le16 flags; le16 idx; le16 ring[size]; le16 used_event;
 *   used:  le16 flags; le16 idx; struct { le32 id; le32 len; }[size];
 *          le16 avail_event;
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/virtqueue.h"

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

#define AVAIL_FLAGS(vq)		((vq)->avail)
#define AVAIL_IDX(vq)		((vq)->avail + 2)
#define AVAIL_RING(vq, i)	((vq)->avail + 4 + 2ull * (i))
#define USED_EVENT(vq)		((vq)->avail + 4 + 2ull * (vq)->size)
#define USED_IDX(vq)		((vq)->used + 2)
#define USED_RING(vq, i)	((vq)->used + 4 + 8ull * (i))
#define AVAIL_EVENT(vq)		((vq)->used + 4 + 8ull * (vq)->size)

bool virtq_is_guest_error(int err)
{
	return err == -EBADMSG || err == -EFAULT || err == -EACCES;
}

static int load16(struct virtq *vq, uint64_t iova, uint16_t *v)
{
	uint16_t le;
	int ret = vq->ops->read(vq->opaque, iova, &le, 2);

	if (!ret)
		*v = le16toh(le);
	return ret;
}

static int store16(struct virtq *vq, uint64_t iova, uint16_t v)
{
	uint16_t le = htole16(v);

	return vq->ops->write(vq->opaque, iova, &le, 2);
}

/* A ring part: aligned, inside memory with the right direction. */
static int check_ring(struct virtq *vq, const char *what, uint64_t addr,
		      uint64_t len, uint64_t align, bool dev_writes,
		      struct vu_why *why)
{
	int ret;

	if (addr & (align - 1)) {
		vu_why_set(why, "%s ring address %#llx is not %llu-byte "
			   "aligned", what, (unsigned long long)addr,
			   (unsigned long long)align);
		return -EINVAL;
	}
	ret = vq->ops->check(vq->opaque, addr, len, dev_writes);
	if (ret)
		vu_why_set(why, "%s ring [%#llx, +%#llx) is not in %s guest "
			   "memory", what, (unsigned long long)addr,
			   (unsigned long long)len,
			   dev_writes ? "writable" : "readable");
	return ret;
}

int virtq_setup(struct virtq *vq, const struct virtq_mem_ops *ops,
		void *opaque, uint16_t size, uint64_t desc, uint64_t avail,
		uint64_t used, uint64_t features, uint32_t max_segs,
		uint64_t max_bytes, struct vu_why *why)
{
	int ret;

	memset(vq, 0, sizeof(*vq));
	/* §2.7: "Queue Size value is always a power of 2", at most 32768. */
	if (size == 0 || (size & (size - 1))) {
		vu_why_set(why, "queue size %u is not a power of 2", size);
		return -EINVAL;
	}
	vq->ops = ops;
	vq->opaque = opaque;
	vq->size = size;
	vq->desc = desc;
	vq->avail = avail;
	vq->used = used;
	vq->event_idx = features & (1ull << VIRTIO_RING_F_EVENT_IDX);
	vq->indirect = features & (1ull << VIRTIO_RING_F_INDIRECT_DESC);
	vq->max_segs = max_segs ? max_segs : size;
	vq->max_bytes = max_bytes ? max_bytes : UINT64_MAX;
	ret = check_ring(vq, "descriptor", desc, VIRTQ_DESC_BYTES(size),
			 VRING_DESC_ALIGN_SIZE, false, why);
	if (!ret)
		ret = check_ring(vq, "available", avail,
				 VIRTQ_AVAIL_BYTES(size),
				 VRING_AVAIL_ALIGN_SIZE, false, why);
	if (!ret)
		ret = check_ring(vq, "used", used, VIRTQ_USED_BYTES(size),
				 VRING_USED_ALIGN_SIZE, true, why);
	return ret;
}

int virtq_elem_init(struct virtq_elem *e, uint32_t cap)
{
	memset(e, 0, sizeof(*e));
	e->segs = calloc(cap ? cap : 1, sizeof(*e->segs));
	if (!e->segs)
		return -ENOMEM;
	e->cap = cap;
	return 0;
}

void virtq_elem_free(struct virtq_elem *e)
{
	free(e->segs);
	e->segs = NULL;
	e->cap = 0;
}

static int read_desc(struct virtq *vq, uint64_t table, uint32_t i,
		     struct desc *d, struct vu_why *why)
{
	struct desc le;
	int ret;

	ret = vq->ops->read(vq->opaque, table + 16ull * i, &le, sizeof(le));
	if (ret) {
		if (virtq_is_guest_error(ret))
			vu_why_set(why, "descriptor %u at %#llx cannot be "
				   "read", i,
				   (unsigned long long)(table + 16ull * i));
		return ret;
	}
	d->addr = le64toh(le.addr);
	d->len = le32toh(le.len);
	d->flags = le16toh(le.flags);
	d->next = le16toh(le.next);
	return 0;
}

/*
 * An indirect descriptor @d: check its table. §2.7.5.3.2: the device
 * MUST accept zero or more direct descriptors followed by one indirect
 * one, which (having no NEXT) ends the chain in its table.
 */
static int enter_indirect(struct virtq *vq, const struct desc *d,
			  bool nested, struct vu_why *why)
{
	int ret;

	if (!vq->indirect) {
		vu_why_set(why, "INDIRECT descriptor but "
			   "VIRTIO_RING_F_INDIRECT_DESC was not negotiated");
		return -EBADMSG;
	}
	if (nested) {
		/* §2.7.5.3.1: not within an indirect table. */
		vu_why_set(why, "INDIRECT descriptor inside an indirect "
			   "table");
		return -EBADMSG;
	}
	if (d->flags & VRING_DESC_F_NEXT) {
		/* §2.7.5.3.1: not both INDIRECT and NEXT. */
		vu_why_set(why, "descriptor with both INDIRECT and NEXT");
		return -EBADMSG;
	}
	if (d->len == 0 || d->len % 16) {
		vu_why_set(why, "indirect table length %u is not a non-zero "
			   "multiple of 16", d->len);
		return -EBADMSG;
	}
	if (d->len / 16 > vq->max_segs) {
		vu_why_set(why, "indirect table of %u descriptors is longer "
			   "than the %u a chain may have", d->len / 16,
			   vq->max_segs);
		return -EBADMSG;
	}
	ret = vq->ops->check(vq->opaque, d->addr, d->len, false);
	if (ret)
		vu_why_set(why, "indirect table [%#llx, +%#x) is not in "
			   "readable guest memory",
			   (unsigned long long)d->addr, d->len);
	return ret;
}

/* One data descriptor @d into @e. */
static int add_seg(struct virtq *vq, struct virtq_elem *e,
		   const struct desc *d, struct vu_why *why)
{
	bool w = d->flags & VRING_DESC_F_WRITE;
	int ret;

	if (!w && e->nr_in) {
		/* §2.7.4.2: device-writable after device-readable. */
		vu_why_set(why, "device-readable descriptor after a "
			   "device-writable one");
		return -EBADMSG;
	}
	if (d->len == 0)
		return 0;
	if (e->nr_out + e->nr_in >= vq->max_segs ||
	    e->nr_out + e->nr_in >= e->cap) {
		vu_why_set(why, "chain has more than %u descriptors with "
			   "data", vq->max_segs);
		return -EBADMSG;
	}
	if (d->len > vq->max_bytes - e->out_len - e->in_len) {
		vu_why_set(why, "chain is longer than %llu bytes",
			   (unsigned long long)vq->max_bytes);
		return -EBADMSG;
	}
	ret = vq->ops->check(vq->opaque, d->addr, d->len, w);
	if (ret) {
		vu_why_set(why, "%s buffer [%#llx, +%#x) is not in %s guest "
			   "memory", w ? "device-writable" : "device-readable",
			   (unsigned long long)d->addr, d->len,
			   w ? "writable" : "readable");
		return ret;
	}
	e->segs[e->nr_out + e->nr_in] = (struct virtq_seg){ d->addr, d->len };
	if (w) {
		e->nr_in++;
		e->in_len += d->len;
	} else {
		e->nr_out++;
		e->out_len += d->len;
	}
	return 0;
}

/* Walk the chain from @head (< size) into @e. */
static int walk_chain(struct virtq *vq, uint16_t head, struct virtq_elem *e,
		      struct vu_why *why)
{
	uint64_t table = vq->desc;
	uint32_t tsize = vq->size, i = head, count = 0;
	bool indirect = false;
	struct desc d;
	int ret;

	e->head = head;
	e->nr_out = e->nr_in = 0;
	e->out_len = e->in_len = 0;
	for (;;) {
		/* More descriptors than the table holds: some repeat. */
		if (++count > tsize) {
			vu_why_set(why, "chain from head %u loops (more than "
				   "the %u descriptors of its %s table)", head,
				   tsize, indirect ? "indirect" : "queue's");
			return -EBADMSG;
		}
		ret = read_desc(vq, table, i, &d, why);
		if (ret)
			return ret;
		if (d.flags & VRING_DESC_F_INDIRECT) {
			ret = enter_indirect(vq, &d, indirect, why);
			if (ret)
				return ret;
			table = d.addr;
			tsize = d.len / 16;
			i = 0;
			count = 0;
			indirect = true;
			continue;
		}
		ret = add_seg(vq, e, &d, why);
		if (ret)
			return ret;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		if (d.next >= tsize) {
			vu_why_set(why, "descriptor %u: NEXT %u is beyond the "
				   "%u entries of its %s table", i, d.next,
				   tsize, indirect ? "indirect" : "queue's");
			return -EBADMSG;
		}
		i = d.next;
	}
	if (e->out_len + e->in_len == 0) {
		vu_why_set(why, "chain from head %u has no data (length 0)",
			   head);
		return -EBADMSG;
	}
	return 0;
}

/* Read avail idx and check how far it is ahead of us. */
static int avail_pending(struct virtq *vq, uint16_t *n, struct vu_why *why)
{
	uint16_t idx;
	int ret;

	ret = load16(vq, AVAIL_IDX(vq), &idx);
	if (ret) {
		if (virtq_is_guest_error(ret))
			vu_why_set(why, "available ring idx cannot be read");
		return ret;
	}
	*n = (uint16_t)(idx - vq->last_avail);
	if (*n > vq->size) {
		vu_why_set(why, "available idx %u is %u entries ahead of the "
			   "next one to take (%u), more than the queue size "
			   "%u", idx, *n, vq->last_avail, vq->size);
		return -EBADMSG;
	}
	return 0;
}

int virtq_pop(struct virtq *vq, struct virtq_elem *e, struct vu_why *why)
{
	uint16_t n, head;
	int ret;

	ret = avail_pending(vq, &n, why);
	if (ret)
		return ret;
	if (n == 0) {
		if (!vq->event_idx)
			return 0;
		/* §2.7.10: tell the driver which entry we wait for, then
		 * look again, or a kick sent before it saw our store would
		 * be lost. */
		ret = store16(vq, AVAIL_EVENT(vq), vq->last_avail);
		if (ret) {
			if (virtq_is_guest_error(ret))
				vu_why_set(why, "avail_event cannot be "
					   "written");
			return ret;
		}
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		ret = avail_pending(vq, &n, why);
		if (ret || n == 0)
			return ret;
	}
	/* The acquire load of idx orders the reads below after it. */
	ret = load16(vq, AVAIL_RING(vq, vq->last_avail % vq->size), &head);
	if (ret) {
		if (virtq_is_guest_error(ret))
			vu_why_set(why, "available ring entry cannot be read");
		return ret;
	}
	if (head >= vq->size) {
		vu_why_set(why, "available ring entry %u names head %u, beyond "
			   "the queue size %u", vq->last_avail % vq->size,
			   head, vq->size);
		return -EBADMSG;
	}
	ret = walk_chain(vq, head, e, why);
	if (ret)
		return ret;
	vq->last_avail++;
	return 1;
}

int virtq_push(struct virtq *vq, const struct virtq_elem *e, uint32_t len,
	       struct vu_why *why)
{
	struct {
		uint32_t id;
		uint32_t len;
	} u;
	int ret;

	if (len > e->in_len)
		len = (uint32_t)e->in_len;
	u.id = htole32(e->head);
	u.len = htole32(len);
	ret = vq->ops->write(vq->opaque, USED_RING(vq, vq->used_idx % vq->size),
			     &u, sizeof(u));
	if (!ret) {
		/* The entry before the index (the store is a release). */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		ret = store16(vq, USED_IDX(vq), (uint16_t)(vq->used_idx + 1));
	}
	if (ret) {
		if (virtq_is_guest_error(ret))
			vu_why_set(why, "used ring cannot be written");
		return ret;
	}
	vq->used_idx++;
	return 0;
}

int virtq_need_notify(struct virtq *vq, bool *notify, struct vu_why *why)
{
	uint16_t v, old;
	int ret;

	/* §2.7.13: the used idx store before the driver's fields are read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx) {
		ret = load16(vq, AVAIL_FLAGS(vq), &v);
		if (!ret)
			*notify = !(v & VRING_AVAIL_F_NO_INTERRUPT);
	} else {
		/* A new ring starts with nothing used and nothing
		 * signalled: signalled_used 0 is exact from the start. */
		old = vq->signalled_used;
		ret = load16(vq, USED_EVENT(vq), &v);
		if (!ret) {
			vq->signalled_used = vq->used_idx;
			*notify = vring_need_event(v, vq->used_idx, old);
		}
	}
	if (ret && virtq_is_guest_error(ret))
		vu_why_set(why, "%s cannot be read",
			   vq->event_idx ? "used_event" : "available flags");
	return ret;
}

/* Copy between @buf and the @w part of @e at @off. */
static int copy(struct virtq *vq, const struct virtq_elem *e, bool w,
		uint64_t off, uint8_t *buf, uint64_t len)
{
	const struct virtq_seg *s = e->segs + (w ? e->nr_out : 0);
	uint32_t n = w ? e->nr_in : e->nr_out, i;
	uint64_t total = w ? e->in_len : e->out_len, piece;
	int ret;

	if (off > total || len > total - off)
		return -ERANGE;
	for (i = 0; i < n && len; i++) {
		if (off >= s[i].len) {
			off -= s[i].len;
			continue;
		}
		piece = s[i].len - off < len ? s[i].len - off : len;
		ret = w ? vq->ops->write(vq->opaque, s[i].addr + off, buf,
					 piece)
			: vq->ops->read(vq->opaque, s[i].addr + off, buf,
					piece);
		if (ret)
			return ret;
		buf += piece;
		len -= piece;
		off = 0;
	}
	return 0;
}

int virtq_read(struct virtq *vq, const struct virtq_elem *e, uint64_t off,
	       void *buf, uint64_t len)
{
	if (len == 0)
		return 0;
	return copy(vq, e, false, off, buf, len);
}

int virtq_write(struct virtq *vq, const struct virtq_elem *e, uint64_t off,
		const void *buf, uint64_t len)
{
	if (len == 0)
		return 0;
	return copy(vq, e, true, off, (uint8_t *)buf, len);
}
