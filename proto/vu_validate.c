// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checks of received vfio-user messages. Section names in comments are
 * those of QEMU's docs/interop/vfio-user.rst.
 */
#include <errno.h>
#include <string.h>

#include "proto/vu_validate.h"

#define CMD(c)	vu_command_name(c)

/* Unaligned reads of the peer's bytes. */
#define LOAD(dst, body)	memcpy(&(dst), (body), sizeof(dst))

static int no_fds(const char *what, unsigned int nr_fds, int err,
		  struct vu_why *why)
{
	if (nr_fds == 0)
		return 0;
	vu_why_set(why, "%s came with %u fds, it takes none", what, nr_fds);
	return err;
}

static int min_body(const char *what, size_t body_len, size_t min, int err,
		    struct vu_why *why)
{
	if (body_len >= min)
		return 0;
	vu_why_set(why, "%s body of %zu bytes is shorter than %zu", what,
		   body_len, min);
	return err;
}

/* argsz giving the most reply payload expected: at least the fixed part. */
static int reply_argsz(const char *what, uint32_t argsz, size_t min,
		       struct vu_why *why)
{
	if (argsz >= min)
		return 0;
	vu_why_set(why, "%s argsz %u is below its %zu-byte reply", what, argsz,
		   min);
	return -EINVAL;
}

static int data_count(const char *what, uint64_t count, uint64_t max,
		      struct vu_why *why)
{
	if (count == 0) {
		vu_why_set(why, "%s count is 0", what);
		return -EINVAL;
	}
	/* "Read and Write Operations": "The count field must not exceed
	 * the value of max_data_xfer_size of the peer". */
	if (count > max) {
		vu_why_set(why, "%s count %llu exceeds max_data_xfer_size %llu",
			   what, (unsigned long long)count,
			   (unsigned long long)max);
		return -E2BIG;
	}
	return 0;
}

/* The @present data bytes after a fixed part must be exactly @count. */
static int data_present(const char *what, uint64_t count, size_t present,
			int err, struct vu_why *why)
{
	if (count > present) {
		vu_why_set(why, "%s count %llu exceeds the %zu data bytes "
			   "present", what, (unsigned long long)count, present);
		return err;
	}
	if (count < present) {
		vu_why_set(why, "%s carries %zu data bytes but count is %llu",
			   what, present, (unsigned long long)count);
		return err;
	}
	return 0;
}

static int no_wrap(const char *what, const char *field, uint64_t start,
		   uint64_t len, int err, struct vu_why *why)
{
	if (start + len >= start || len == 0)
		return 0;
	vu_why_set(why, "%s %s %#llx + size %#llx wraps around", what, field,
		   (unsigned long long)start, (unsigned long long)len);
	return err;
}

/* "VFIO_USER_VERSION": major, minor, JSON (checked by vu_version_parse). */
static int cmd_version(const struct vu_msg *m, struct vu_why *why)
{
	int ret = min_body("VERSION", m->body_len,
			   sizeof(struct vfio_user_version), -EINVAL, why);

	return ret ? ret : no_fds("VERSION", m->nr_fds, -EINVAL, why);
}

/*
 * "VFIO_USER_DMA_MAP": 32 bytes, argsz the size of that structure, flags
 * readable/writeable, one fd if the server may mmap() it, none if not.
 */
static int cmd_dma_map(const struct vu_msg *m, struct vu_why *why)
{
	struct vfio_user_dma_map d;
	int ret;

	ret = min_body("DMA_MAP", m->body_len, sizeof(d), -EINVAL, why);
	if (ret)
		return ret;
	LOAD(d, m->body);
	if (d.argsz < sizeof(d) || d.argsz > m->body_len) {
		vu_why_set(why, "DMA_MAP argsz %u is not within 32..%zu",
			   d.argsz, m->body_len);
		return -EINVAL;
	}
	if (d.flags & ~(VFIO_USER_DMA_MAP_FLAG_READ |
			VFIO_USER_DMA_MAP_FLAG_WRITE)) {
		vu_why_set(why, "DMA_MAP flags %#x has unknown bits", d.flags);
		return -EINVAL;
	}
	if (m->nr_fds > 1) {
		vu_why_set(why, "DMA_MAP came with %u fds, at most 1",
			   m->nr_fds);
		return -EINVAL;
	}
	if (d.size == 0) {
		vu_why_set(why, "DMA_MAP size is 0");
		return -EINVAL;
	}
	ret = no_wrap("DMA_MAP", "address", d.address, d.size, -EINVAL, why);
	if (!ret && m->nr_fds)
		ret = no_wrap("DMA_MAP", "offset", d.offset, d.size, -EINVAL,
			      why);
	return ret;
}

/*
 * "VFIO_USER_DMA_UNMAP": 24 bytes; address and size must match a map
 * (the caller's check). Flags: the spec has none; libvfio-user's
 * UNMAP_ALL (address and size 0) and GET_DIRTY_BITMAP (a struct
 * vfio_user_bitmap follows, its data returned in the reply) are checked.
 */
static int cmd_dma_unmap(const struct vu_msg *m, struct vu_why *why)
{
	struct vfio_user_dma_unmap d;
	struct vfio_user_bitmap bm;
	int ret;

	ret = min_body("DMA_UNMAP", m->body_len, sizeof(d), -EINVAL, why);
	if (!ret)
		ret = no_fds("DMA_UNMAP", m->nr_fds, -EINVAL, why);
	if (ret)
		return ret;
	LOAD(d, m->body);
	ret = reply_argsz("DMA_UNMAP", d.argsz, sizeof(d), why);
	if (ret)
		return ret;
	switch (d.flags) {
	case 0:
		if (d.size == 0) {
			vu_why_set(why, "DMA_UNMAP size is 0");
			return -EINVAL;
		}
		return no_wrap("DMA_UNMAP", "address", d.address, d.size,
			       -EINVAL, why);
	case VFIO_USER_DMA_UNMAP_FLAG_ALL:
		if (d.address || d.size) {
			vu_why_set(why, "DMA_UNMAP of all with address %#llx "
				   "size %#llx, not 0",
				   (unsigned long long)d.address,
				   (unsigned long long)d.size);
			return -EINVAL;
		}
		return 0;
	case VFIO_USER_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP:
		ret = min_body("DMA_UNMAP with dirty bitmap", m->body_len,
			       sizeof(d) + sizeof(bm), -EINVAL, why);
		if (ret)
			return ret;
		LOAD(bm, (const uint8_t *)m->body + sizeof(d));
		if (bm.pgsize == 0 || (bm.pgsize & (bm.pgsize - 1))) {
			vu_why_set(why, "DMA_UNMAP bitmap pgsize %#llx is not "
				   "a power of 2",
				   (unsigned long long)bm.pgsize);
			return -EINVAL;
		}
		if (bm.size > UINT32_MAX - sizeof(d) - sizeof(bm) ||
		    d.argsz < sizeof(d) + sizeof(bm) + bm.size) {
			vu_why_set(why, "DMA_UNMAP argsz %u has no room for a "
				   "%llu-byte bitmap", d.argsz,
				   (unsigned long long)bm.size);
			return -EINVAL;
		}
		if (d.size == 0)  {
			vu_why_set(why, "DMA_UNMAP size is 0");
			return -EINVAL;
		}
		return no_wrap("DMA_UNMAP", "address", d.address, d.size,
			       -EINVAL, why);
	default:
		vu_why_set(why, "DMA_UNMAP flags %#x are not 0, ALL or "
			   "GET_DIRTY_BITMAP alone", d.flags);
		return -EINVAL;
	}
}

/*
 * The requests of DEVICE_GET_INFO, GET_REGION_INFO, GET_REGION_IO_FDS,
 * GET_IRQ_INFO: a fixed structure whose argsz is the largest reply
 * expected (spec: "Message sizes": "at least the size of the fixed reply
 * payload headers"), no fds.
 */
static int cmd_get(const struct vu_msg *m, size_t size, struct vu_why *why)
{
	const char *what = CMD(m->hdr.command);
	uint32_t argsz;
	int ret;

	ret = min_body(what, m->body_len, size, -EINVAL, why);
	if (!ret)
		ret = no_fds(what, m->nr_fds, -EINVAL, why);
	if (ret)
		return ret;
	LOAD(argsz, m->body);
	return reply_argsz(what, argsz, size, why);
}

/* "VFIO_USER_DEVICE_GET_REGION_IO_FDS": "all other fields must be zero". */
static int cmd_io_fds(const struct vu_msg *m, struct vu_why *why)
{
	struct vfio_user_region_io_fds r;
	int ret = cmd_get(m, sizeof(r), why);

	if (ret)
		return ret;
	LOAD(r, m->body);
	if (r.flags || r.count) {
		vu_why_set(why, "DEVICE_GET_REGION_IO_FDS flags %#x count %u "
			   "are not 0", r.flags, r.count);
		return -EINVAL;
	}
	return 0;
}

/*
 * "VFIO_USER_DEVICE_SET_IRQS": one DATA and one ACTION flag; argsz the
 * size of the request payload (20, plus count bytes of DATA_BOOL); the
 * eventfds of DATA_EVENTFD are the message's fds, count of them, or
 * none to de-assign; count and start 0 with DATA_NONE disable the index.
 */
static int cmd_set_irqs(const struct vu_msg *m, struct vu_why *why)
{
	struct vfio_user_irq_set s;
	uint32_t data, action;
	uint64_t need;
	int ret;

	ret = min_body("DEVICE_SET_IRQS", m->body_len, sizeof(s), -EINVAL, why);
	if (ret)
		return ret;
	LOAD(s, m->body);
	data = s.flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	action = s.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	if (s.flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK |
			VFIO_IRQ_SET_ACTION_TYPE_MASK) ||
	    !data || (data & (data - 1)) || !action ||
	    (action & (action - 1))) {
		vu_why_set(why, "DEVICE_SET_IRQS flags %#x are not one DATA "
			   "and one ACTION flag", s.flags);
		return -EINVAL;
	}
	if (s.argsz < sizeof(s) || s.argsz > m->body_len) {
		vu_why_set(why, "DEVICE_SET_IRQS argsz %u is not within "
			   "20..%zu", s.argsz, m->body_len);
		return -EINVAL;
	}
	if ((uint64_t)s.start + s.count > UINT32_MAX) {
		vu_why_set(why, "DEVICE_SET_IRQS start %u + count %u wraps",
			   s.start, s.count);
		return -EINVAL;
	}
	if (s.count == 0 && (data != VFIO_IRQ_SET_DATA_NONE || s.start)) {
		vu_why_set(why, "DEVICE_SET_IRQS count 0 is only for "
			   "DATA_NONE with start 0");
		return -EINVAL;
	}
	switch (data) {
	case VFIO_IRQ_SET_DATA_BOOL:
		need = sizeof(s) + (uint64_t)s.count;
		if (s.argsz < need) {
			vu_why_set(why, "DEVICE_SET_IRQS count %u exceeds the "
				   "%u bool bytes present", s.count,
				   s.argsz - (uint32_t)sizeof(s));
			return -EINVAL;
		}
		return no_fds("DEVICE_SET_IRQS with DATA_BOOL", m->nr_fds,
			      -EINVAL, why);
	case VFIO_IRQ_SET_DATA_EVENTFD:
		if (m->nr_fds != 0 && m->nr_fds != s.count) {
			vu_why_set(why, "DEVICE_SET_IRQS with DATA_EVENTFD "
				   "count %u came with %u fds (needs %u or 0)",
				   s.count, m->nr_fds, s.count);
			return -EINVAL;
		}
		return 0;
	default:
		return no_fds("DEVICE_SET_IRQS with DATA_NONE", m->nr_fds,
			      -EINVAL, why);
	}
}

/* "VFIO_USER_REGION_READ" / "VFIO_USER_REGION_WRITE" requests. */
static int cmd_region_rw(const struct vu_msg *m, uint64_t max,
			 struct vu_why *why)
{
	const char *what = CMD(m->hdr.command);
	struct vfio_user_region_access a;
	int ret;

	ret = min_body(what, m->body_len, sizeof(a), -EINVAL, why);
	if (!ret)
		ret = no_fds(what, m->nr_fds, -EINVAL, why);
	if (ret)
		return ret;
	LOAD(a, m->body);
	ret = data_count(what, a.count, max, why);
	if (!ret)
		ret = no_wrap(what, "offset", a.offset, a.count, -EINVAL, why);
	if (ret)
		return ret;
	if (m->hdr.command == VFIO_USER_REGION_WRITE)
		return data_present(what, a.count, m->body_len - sizeof(a),
				    -EINVAL, why);
	if (m->body_len != sizeof(a)) {
		vu_why_set(why, "REGION_READ carries %zu bytes after its "
			   "16-byte request", m->body_len - sizeof(a));
		return -EINVAL;
	}
	return 0;
}

/* "VFIO_USER_DMA_READ" / "VFIO_USER_DMA_WRITE": count is 64 bits. */
static int cmd_dma_rw(const struct vu_msg *m, uint64_t max,
		      struct vu_why *why)
{
	const char *what = CMD(m->hdr.command);
	struct vfio_user_dma_access a;
	int ret;

	ret = min_body(what, m->body_len, sizeof(a), -EINVAL, why);
	if (!ret)
		ret = no_fds(what, m->nr_fds, -EINVAL, why);
	if (ret)
		return ret;
	LOAD(a, m->body);
	ret = data_count(what, a.count, max, why);
	if (!ret)
		ret = no_wrap(what, "address", a.address, a.count, -EINVAL,
			      why);
	if (ret)
		return ret;
	if (m->hdr.command == VFIO_USER_DMA_WRITE)
		return data_present(what, a.count, m->body_len - sizeof(a),
				    -EINVAL, why);
	if (m->body_len != sizeof(a)) {
		vu_why_set(why, "DMA_READ carries %zu bytes after its "
			   "16-byte request", m->body_len - sizeof(a));
		return -EINVAL;
	}
	return 0;
}

/* "VFIO_USER_DEVICE_RESET": "Neither the request or reply have a
 * payload". */
static int cmd_reset(const struct vu_msg *m, struct vu_why *why)
{
	if (m->body_len) {
		vu_why_set(why, "DEVICE_RESET has a %zu-byte body, it takes "
			   "none", m->body_len);
		return -EINVAL;
	}
	return no_fds("DEVICE_RESET", m->nr_fds, -EINVAL, why);
}

/*
 * "VFIO_USER_REGION_WRITE_MULTI": wr_cnt, then exactly wr_cnt 24-byte
 * writes of 1 to 8 bytes each.
 */
static int cmd_write_multi(const struct vu_msg *m, uint64_t max,
			   struct vu_why *why)
{
	const struct vfio_user_write_multi_entry *e;
	struct vfio_user_write_multi_entry w;
	uint64_t cnt, i;
	size_t room;
	int ret;

	ret = min_body("REGION_WRITE_MULTI", m->body_len, 8, -EINVAL, why);
	if (!ret)
		ret = no_fds("REGION_WRITE_MULTI", m->nr_fds, -EINVAL, why);
	if (ret)
		return ret;
	LOAD(cnt, m->body);
	room = (m->body_len - 8) / sizeof(w);
	if (cnt == 0 || cnt > room ||
	    m->body_len - 8 != cnt * sizeof(w)) {
		vu_why_set(why, "REGION_WRITE_MULTI wr_cnt %llu does not match "
			   "the %zu bytes of writes present",
			   (unsigned long long)cnt, m->body_len - 8);
		return -EINVAL;
	}
	e = (const void *)((const uint8_t *)m->body + 8);
	for (i = 0; i < cnt; i++) {
		LOAD(w, &e[i]);
		if (w.count == 0 || w.count > VFIO_USER_MULTI_DATA ||
		    w.count > max) {
			vu_why_set(why, "REGION_WRITE_MULTI write %llu count "
				   "%u is not within 1..8",
				   (unsigned long long)i, w.count);
			return -EINVAL;
		}
		ret = no_wrap("REGION_WRITE_MULTI", "offset", w.offset,
			      w.count, -EINVAL, why);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * "VFIO_USER_DEVICE_FEATURE": argsz and flags (16-bit index, GET, SET,
 * PROBE); "GET and SET are mutually exclusive, except for use with
 * PROBE".
 */
static int cmd_feature(const struct vu_msg *m, struct vu_why *why)
{
	const uint32_t ops = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET |
			     VFIO_DEVICE_FEATURE_PROBE;
	struct vfio_user_device_feature f;
	int ret;

	ret = min_body("DEVICE_FEATURE", m->body_len, sizeof(f), -EINVAL, why);
	if (!ret)
		ret = no_fds("DEVICE_FEATURE", m->nr_fds, -EINVAL, why);
	if (ret)
		return ret;
	LOAD(f, m->body);
	ret = reply_argsz("DEVICE_FEATURE", f.argsz, sizeof(f), why);
	if (ret)
		return ret;
	if (f.flags & ~(VFIO_DEVICE_FEATURE_MASK | ops)) {
		vu_why_set(why, "DEVICE_FEATURE flags %#x has unknown bits",
			   f.flags);
		return -EINVAL;
	}
	if (!(f.flags & ops) ||
	    ((f.flags & VFIO_DEVICE_FEATURE_GET) &&
	     (f.flags & VFIO_DEVICE_FEATURE_SET) &&
	     !(f.flags & VFIO_DEVICE_FEATURE_PROBE))) {
		vu_why_set(why, "DEVICE_FEATURE flags %#x: GET, SET or PROBE "
			   "(GET with SET only to PROBE)", f.flags);
		return -EINVAL;
	}
	return 0;
}

/* "VFIO_USER_MIG_DATA_READ" / "VFIO_USER_MIG_DATA_WRITE". */
static int cmd_mig_data(const struct vu_msg *m, uint64_t max,
			struct vu_why *why)
{
	const char *what = CMD(m->hdr.command);
	struct vfio_user_mig_data d;
	int ret;

	ret = min_body(what, m->body_len, sizeof(d), -EINVAL, why);
	if (!ret)
		ret = no_fds(what, m->nr_fds, -EINVAL, why);
	if (ret)
		return ret;
	LOAD(d, m->body);
	ret = reply_argsz(what, d.argsz, sizeof(d), why);
	if (ret)
		return ret;
	if (d.size > max) {
		vu_why_set(why, "%s size %u exceeds max_data_xfer_size %llu",
			   what, d.size, (unsigned long long)max);
		return -E2BIG;
	}
	if (m->hdr.command == VFIO_USER_MIG_DATA_WRITE)
		return data_present(what, d.size, m->body_len - sizeof(d),
				    -EINVAL, why);
	return 0;
}

/* "Header": size covers the whole message. */
static int hdr_size(const struct vu_msg *m, struct vu_why *why)
{
	if (m->body_len > UINT32_MAX - VFIO_USER_HDR_SIZE ||
	    m->hdr.size != VFIO_USER_HDR_SIZE + m->body_len) {
		vu_why_set(why, "%s header size %u but %zu bytes of body",
			   CMD(m->hdr.command), m->hdr.size, m->body_len);
		return -EPROTO;
	}
	if (m->nr_fds > VU_MSG_MAX_FDS_LIMIT || (m->body_len && !m->body)) {
		vu_why_set(why, "%s message is malformed", CMD(m->hdr.command));
		return -EPROTO;
	}
	return 0;
}

int vu_validate_command(const struct vu_msg *m, uint64_t max,
			struct vu_why *why)
{
	int ret = hdr_size(m, why);

	if (ret)
		return ret;
	if (vu_hdr_type(&m->hdr) != VFIO_USER_F_TYPE_COMMAND ||
	    vu_hdr_is_error(&m->hdr)) {
		vu_why_set(why, "%s message flags %#x are not a command's",
			   CMD(m->hdr.command), m->hdr.flags);
		return -EPROTO;
	}
	switch (m->hdr.command) {
	case VFIO_USER_VERSION:
		return cmd_version(m, why);
	case VFIO_USER_DMA_MAP:
		return cmd_dma_map(m, why);
	case VFIO_USER_DMA_UNMAP:
		return cmd_dma_unmap(m, why);
	case VFIO_USER_DEVICE_GET_INFO:
		return cmd_get(m, sizeof(struct vfio_user_device_info), why);
	case VFIO_USER_DEVICE_GET_REGION_INFO:
		return cmd_get(m, sizeof(struct vfio_user_region_info), why);
	case VFIO_USER_DEVICE_GET_REGION_IO_FDS:
		return cmd_io_fds(m, why);
	case VFIO_USER_DEVICE_GET_IRQ_INFO:
		return cmd_get(m, sizeof(struct vfio_user_irq_info), why);
	case VFIO_USER_DEVICE_SET_IRQS:
		return cmd_set_irqs(m, why);
	case VFIO_USER_REGION_READ:
	case VFIO_USER_REGION_WRITE:
		return cmd_region_rw(m, max, why);
	case VFIO_USER_DMA_READ:
	case VFIO_USER_DMA_WRITE:
		return cmd_dma_rw(m, max, why);
	case VFIO_USER_DEVICE_RESET:
		return cmd_reset(m, why);
	case VFIO_USER_REGION_WRITE_MULTI:
		return cmd_write_multi(m, max, why);
	case VFIO_USER_DEVICE_FEATURE:
		return cmd_feature(m, why);
	case VFIO_USER_MIG_DATA_READ:
	case VFIO_USER_MIG_DATA_WRITE:
		return cmd_mig_data(m, max, why);
	default:
		vu_why_set(why, "command %u is unknown", m->hdr.command);
		return -EOPNOTSUPP;
	}
}

/* --- Replies --- */

/*
 * The sparse mmap capability at @off of a region info of argsz @end:
 * "nr_areas pairs of offset and size", all inside argsz and the region.
 */
static int sparse_cap(const uint8_t *b, uint64_t off, uint64_t end,
		      uint64_t region_size, struct vu_why *why)
{
	struct vfio_region_info_cap_sparse_mmap sp;
	struct vfio_region_sparse_mmap_area a;
	uint32_t i;

	if (off + sizeof(sp) > end) {
		vu_why_set(why, "DEVICE_GET_REGION_INFO sparse mmap capability "
			   "at %llu is cut short", (unsigned long long)off);
		return -EPROTO;
	}
	LOAD(sp, b + off);
	if (sp.nr_areas > (end - off - sizeof(sp)) / sizeof(a)) {
		vu_why_set(why, "DEVICE_GET_REGION_INFO sparse mmap "
			   "nr_areas %u exceeds argsz %llu", sp.nr_areas,
			   (unsigned long long)end);
		return -EPROTO;
	}
	for (i = 0; i < sp.nr_areas; i++) {
		LOAD(a, b + off + sizeof(sp) + i * sizeof(a));
		if (a.offset > region_size || a.size > region_size - a.offset) {
			vu_why_set(why, "DEVICE_GET_REGION_INFO sparse area %u "
				   "[%#llx, +%#llx) is outside the %#llx-byte "
				   "region", i, (unsigned long long)a.offset,
				   (unsigned long long)a.size,
				   (unsigned long long)region_size);
			return -EPROTO;
		}
	}
	return 0;
}

int vu_region_info_caps(const void *body, size_t body_len,
			struct vu_region_caps *out, struct vu_why *why)
{
	const uint8_t *b = body;
	struct vfio_user_region_info ri;
	struct vfio_info_cap_header ch;
	uint64_t off, end;
	int ret;

	memset(out, 0, sizeof(*out));
	if (body_len < sizeof(ri)) {
		vu_why_set(why, "DEVICE_GET_REGION_INFO reply of %zu bytes is "
			   "shorter than 32", body_len);
		return -EPROTO;
	}
	LOAD(ri, b);
	out->argsz = ri.argsz;
	if (ri.argsz < sizeof(ri)) {
		vu_why_set(why, "DEVICE_GET_REGION_INFO reply argsz %u is "
			   "below 32", ri.argsz);
		return -EPROTO;
	}
	if (ri.argsz > body_len) {
		/* "Message sizes": the full payload is not included. */
		return 0;
	}
	out->complete = true;
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_CAPS))
		return 0;

	end = ri.argsz;
	for (off = ri.cap_offset; off; off = ch.next) {
		if (off < sizeof(ri) || off % 8 || off + sizeof(ch) > end) {
			vu_why_set(why, "DEVICE_GET_REGION_INFO capability at "
				   "%llu is not an 8-byte aligned header "
				   "within 32..%llu", (unsigned long long)off,
				   (unsigned long long)end);
			return -EPROTO;
		}
		LOAD(ch, b + off);
		if (ch.next && ch.next <= off) {
			vu_why_set(why, "DEVICE_GET_REGION_INFO capability at "
				   "%llu points back to %u",
				   (unsigned long long)off, ch.next);
			return -EPROTO;
		}
		if (ch.id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			if (out->sparse) {
				vu_why_set(why, "DEVICE_GET_REGION_INFO has a "
					   "second sparse mmap capability");
				return -EPROTO;
			}
			ret = sparse_cap(b, off, end, ri.size, why);
			if (ret)
				return ret;
			out->sparse = (const void *)(b + off);
		} else if (ch.id == VFIO_REGION_INFO_CAP_TYPE) {
			if (out->type ||
			    off + sizeof(*out->type) > end) {
				vu_why_set(why, "DEVICE_GET_REGION_INFO type "
					   "capability at %llu is repeated or "
					   "cut short",
					   (unsigned long long)off);
				return -EPROTO;
			}
			out->type = (const void *)(b + off);
		}
	}
	return 0;
}

int vu_io_fds_parse(const void *body, size_t body_len, unsigned int nr_fds,
		    struct vu_io_fds *out, struct vu_why *why)
{
	struct vfio_user_region_io_fds h;
	struct vu_io_fd_entry e;
	uint32_t i;

	memset(out, 0, sizeof(*out));
	if (body_len < sizeof(h)) {
		vu_why_set(why, "DEVICE_GET_REGION_IO_FDS reply of %zu bytes "
			   "is shorter than 16", body_len);
		return -EPROTO;
	}
	LOAD(h, body);
	out->argsz = h.argsz;
	out->index = h.index;
	out->count = h.count;
	if (h.flags || h.argsz < sizeof(h)) {
		vu_why_set(why, "DEVICE_GET_REGION_IO_FDS reply flags %#x "
			   "argsz %u: flags must be 0, argsz at least 16",
			   h.flags, h.argsz);
		return -EPROTO;
	}
	if (h.count == 0) {
		out->complete = true;
		return 0;
	}
	/* "each array entry i is at offset i * ((argsz - ...) / count)" */
	out->stride = (h.argsz - sizeof(h)) / h.count;
	if (out->stride < sizeof(struct vfio_user_sub_region_io_fd) ||
	    out->stride * h.count != h.argsz - sizeof(h)) {
		vu_why_set(why, "DEVICE_GET_REGION_IO_FDS reply argsz %u is "
			   "not 16 + %u whole entries of 40 bytes or more",
			   h.argsz, h.count);
		return -EPROTO;
	}
	if (h.argsz > body_len)
		return 0;	/* count and argsz only: ask again */
	out->complete = true;
	out->entries = (const uint8_t *)body + sizeof(h);
	if (nr_fds == 0) {
		vu_why_set(why, "DEVICE_GET_REGION_IO_FDS reply has %u "
			   "sub-regions but no fd", h.count);
		return -EPROTO;
	}
	for (i = 0; i < h.count; i++) {
		vu_io_fds_entry(out, i, &e);
		if (e.fd_index >= nr_fds ||
		    (e.shadow_fd_index >= 0 &&
		     (unsigned int)e.shadow_fd_index >= nr_fds)) {
			vu_why_set(why, "DEVICE_GET_REGION_IO_FDS sub-region "
				   "%u fd_index %u is not below the %u fds "
				   "that came", i, e.fd_index, nr_fds);
			return -EPROTO;
		}
		if (e.offset + e.size < e.offset) {
			vu_why_set(why, "DEVICE_GET_REGION_IO_FDS sub-region "
				   "%u offset %#llx + size %#llx wraps", i,
				   (unsigned long long)e.offset,
				   (unsigned long long)e.size);
			return -EPROTO;
		}
	}
	return 0;
}

void vu_io_fds_entry(const struct vu_io_fds *io, uint32_t i,
		     struct vu_io_fd_entry *e)
{
	const uint8_t *p = io->entries + (size_t)i * io->stride;
	struct vfio_user_sub_region_ioeventfd_shadow s;
	struct vfio_user_sub_region_io_fd f;

	memset(e, 0, sizeof(*e));
	e->shadow_fd_index = -1;
	if (io->stride >= sizeof(s)) {
		LOAD(s, p);
		e->offset = s.offset;
		e->size = s.size;
		e->fd_index = s.fd_index;
		e->type = s.type;
		e->flags = s.flags;
		e->datamatch = s.datamatch;
		if (s.type == VFIO_USER_IO_FD_TYPE_IOEVENTFD_SHADOW) {
			e->shadow_fd_index = (int)(s.shadow_mem_fd_index &
						   0x7fffffff);
			e->shadow_offset = s.shadow_offset;
		}
		return;
	}
	LOAD(f, p);
	e->offset = f.offset;
	e->size = f.size;
	e->fd_index = f.fd_index;
	e->type = f.type;
	e->flags = f.flags;
	e->datamatch = f.datamatch;
}

/* The fixed request structure a reply is compared with, if there. */
static int sent_body(const struct vu_sent *s, void *dst, size_t size,
		     struct vu_why *why)
{
	if (!s->body || s->body_len < size) {
		vu_why_set(why, "%s reply checked without the request sent",
			   CMD(s->hdr->command));
		return -EINVAL;
	}
	memcpy(dst, s->body, size);
	return 0;
}

/* The index (at byte 8) of a GET_REGION_INFO/IO_FDS/IRQ_INFO request. */
static int sent_index(const struct vu_sent *s, uint32_t *index,
		      struct vu_why *why)
{
	if (!s->body || s->body_len < 12) {
		vu_why_set(why, "%s reply checked without the request sent",
			   CMD(s->hdr->command));
		return -EINVAL;
	}
	memcpy(index, (const uint8_t *)s->body + 8, sizeof(*index));
	return 0;
}

static int reply_empty(const struct vu_msg *r, struct vu_why *why)
{
	if (r->body_len) {
		vu_why_set(why, "%s reply has a %zu-byte body, expected none",
			   CMD(r->hdr.command), r->body_len);
		return -EPROTO;
	}
	return no_fds("reply", r->nr_fds, -EPROTO, why);
}

/* Replies of the GET_INFO family: argsz, flags, index at 8, count. */
static int reply_info(const struct vu_sent *s, const struct vu_msg *r,
		      size_t size, bool index_at_8, struct vu_why *why)
{
	const char *what = CMD(r->hdr.command);
	uint32_t argsz, idx, req_idx;
	int ret;

	ret = min_body(what, r->body_len, size, -EPROTO, why);
	if (ret)
		return ret;
	LOAD(argsz, r->body);
	if (argsz < size) {
		vu_why_set(why, "%s reply argsz %u is below %zu", what, argsz,
			   size);
		return -EPROTO;
	}
	if (!index_at_8)
		return 0;
	ret = sent_index(s, &req_idx, why);
	if (ret)
		return ret;
	memcpy(&idx, (const uint8_t *)r->body + 8, 4);
	if (idx != req_idx) {
		vu_why_set(why, "%s reply is for index %u, we asked for %u",
			   what, idx, req_idx);
		return -EPROTO;
	}
	return 0;
}

static int reply_region_rw(const struct vu_sent *s, const struct vu_msg *r,
			   struct vu_why *why)
{
	const char *what = CMD(r->hdr.command);
	struct vfio_user_region_access q, a;
	int ret;

	ret = sent_body(s, &q, sizeof(q), why);
	if (!ret)
		ret = min_body(what, r->body_len, sizeof(a), -EPROTO, why);
	if (!ret)
		ret = no_fds(what, r->nr_fds, -EPROTO, why);
	if (ret)
		return ret;
	LOAD(a, r->body);
	if (a.region != q.region || a.offset != q.offset) {
		vu_why_set(why, "%s reply is for region %u offset %#llx, we "
			   "asked for %u %#llx", what, a.region,
			   (unsigned long long)a.offset, q.region,
			   (unsigned long long)q.offset);
		return -EPROTO;
	}
	if (a.count > q.count) {
		vu_why_set(why, "%s reply count %u exceeds the %u asked", what,
			   a.count, q.count);
		return -E2BIG;
	}
	if (r->hdr.command == VFIO_USER_REGION_READ &&
	    a.count > r->body_len - sizeof(a)) {
		vu_why_set(why, "REGION_READ reply count %u exceeds the %zu "
			   "data bytes present", a.count,
			   r->body_len - sizeof(a));
		return -EPROTO;
	}
	return 0;
}

static int reply_dma_rw(const struct vu_sent *s, const struct vu_msg *r,
			struct vu_why *why)
{
	const char *what = CMD(r->hdr.command);
	struct vfio_user_dma_access q, a;
	uint32_t c32;
	int ret;

	ret = sent_body(s, &q, sizeof(q), why);
	if (!ret)
		ret = no_fds(what, r->nr_fds, -EPROTO, why);
	if (ret)
		return ret;
	/* The spec's DMA_WRITE reply table gives count 4 bytes; accept
	 * that 12-byte form as well as the 16 of the request. */
	if (r->hdr.command == VFIO_USER_DMA_WRITE && r->body_len == 12) {
		memcpy(&a.address, r->body, 8);
		memcpy(&c32, (const uint8_t *)r->body + 8, 4);
		a.count = c32;
	} else {
		ret = min_body(what, r->body_len, sizeof(a), -EPROTO, why);
		if (ret)
			return ret;
		LOAD(a, r->body);
	}
	if (a.address != q.address) {
		vu_why_set(why, "%s reply is for address %#llx, we asked for "
			   "%#llx", what, (unsigned long long)a.address,
			   (unsigned long long)q.address);
		return -EPROTO;
	}
	if (a.count > q.count) {
		vu_why_set(why, "%s reply count %llu exceeds the %llu asked",
			   what, (unsigned long long)a.count,
			   (unsigned long long)q.count);
		return -E2BIG;
	}
	if (r->hdr.command == VFIO_USER_DMA_READ)
		return data_present(what, a.count, r->body_len - sizeof(a),
				    -EPROTO, why);
	return 0;
}

int vu_validate_reply(const struct vu_sent *s, const struct vu_msg *r,
		      struct vu_why *why)
{
	const char *what = CMD(r->hdr.command);
	int ret = hdr_size(r, why);

	if (ret)
		return ret;
	if (!vu_hdr_is_reply(&r->hdr) || r->hdr.msg_id != s->hdr->msg_id ||
	    r->hdr.command != s->hdr->command) {
		vu_why_set(why, "message %u (%s, flags %#x) is not the reply "
			   "to %s %u", r->hdr.msg_id, what, r->hdr.flags,
			   CMD(s->hdr->command), s->hdr->msg_id);
		return -EPROTO;
	}
	/* "If an error occurs, the reply message must only include the
	 * reply header": nothing else to read. */
	if (vu_hdr_is_error(&r->hdr))
		return no_fds("error reply", r->nr_fds, -EPROTO, why);

	switch (r->hdr.command) {
	case VFIO_USER_VERSION:
		ret = min_body(what, r->body_len,
			       sizeof(struct vfio_user_version), -EPROTO, why);
		if (!ret && r->nr_fds > 1) {
			vu_why_set(why, "VERSION reply came with %u fds, at "
				   "most 1 (twin socket)", r->nr_fds);
			ret = -EPROTO;
		}
		return ret;
	case VFIO_USER_DMA_MAP:
	case VFIO_USER_DEVICE_SET_IRQS:
	case VFIO_USER_DEVICE_RESET:
	case VFIO_USER_MIG_DATA_WRITE:
		return reply_empty(r, why);
	case VFIO_USER_DMA_UNMAP: {
		/* "The server responds with the original DMA entry"; QEMU
		 * era servers sent none. */
		struct vfio_user_dma_unmap q, a;

		ret = no_fds(what, r->nr_fds, -EPROTO, why);
		if (ret || r->body_len == 0)
			return ret;
		ret = sent_body(s, &q, sizeof(q), why);
		if (!ret)
			ret = min_body(what, r->body_len, sizeof(a), -EPROTO,
				       why);
		if (ret)
			return ret;
		LOAD(a, r->body);
		if (a.address != q.address || a.size != q.size) {
			vu_why_set(why, "DMA_UNMAP reply is for [%#llx, "
				   "+%#llx), we unmapped [%#llx, +%#llx)",
				   (unsigned long long)a.address,
				   (unsigned long long)a.size,
				   (unsigned long long)q.address,
				   (unsigned long long)q.size);
			return -EPROTO;
		}
		return 0;
	}
	case VFIO_USER_DEVICE_GET_INFO:
		ret = reply_info(s, r, sizeof(struct vfio_user_device_info),
				 false, why);
		return ret ? ret : no_fds(what, r->nr_fds, -EPROTO, why);
	case VFIO_USER_DEVICE_GET_REGION_INFO: {
		struct vu_region_caps caps;

		ret = reply_info(s, r, sizeof(struct vfio_user_region_info),
				 true, why);
		if (ret)
			return ret;
		if (r->nr_fds > 1) {
			vu_why_set(why, "%s reply came with %u fds, at most 1",
				   what, r->nr_fds);
			return -EPROTO;
		}
		return vu_region_info_caps(r->body, r->body_len, &caps, why);
	}
	case VFIO_USER_DEVICE_GET_REGION_IO_FDS: {
		struct vu_io_fds io;
		uint32_t req_idx;

		ret = vu_io_fds_parse(r->body, r->body_len, r->nr_fds, &io,
				      why);
		if (ret)
			return ret;
		ret = sent_index(s, &req_idx, why);
		if (ret)
			return ret;
		if (io.index != req_idx) {
			vu_why_set(why, "%s reply is for index %u, we asked "
				   "for %u", what, io.index, req_idx);
			return -EPROTO;
		}
		if (!io.complete && r->nr_fds) {
			vu_why_set(why, "%s reply without entries came with "
				   "%u fds", what, r->nr_fds);
			return -EPROTO;
		}
		return 0;
	}
	case VFIO_USER_DEVICE_GET_IRQ_INFO:
		ret = reply_info(s, r, sizeof(struct vfio_user_irq_info), true,
				 why);
		return ret ? ret : no_fds(what, r->nr_fds, -EPROTO, why);
	case VFIO_USER_REGION_READ:
	case VFIO_USER_REGION_WRITE:
		return reply_region_rw(s, r, why);
	case VFIO_USER_DMA_READ:
	case VFIO_USER_DMA_WRITE:
		return reply_dma_rw(s, r, why);
	case VFIO_USER_REGION_WRITE_MULTI: {
		uint64_t q, a;

		ret = sent_body(s, &q, sizeof(q), why);
		if (!ret)
			ret = min_body(what, r->body_len, 8, -EPROTO, why);
		if (!ret)
			ret = no_fds(what, r->nr_fds, -EPROTO, why);
		if (ret)
			return ret;
		LOAD(a, r->body);
		if (a > q) {
			vu_why_set(why, "REGION_WRITE_MULTI reply wr_cnt %llu "
				   "exceeds the %llu sent",
				   (unsigned long long)a,
				   (unsigned long long)q);
			return -EPROTO;
		}
		return 0;
	}
	case VFIO_USER_DEVICE_FEATURE: {
		struct vfio_user_device_feature f;

		ret = min_body(what, r->body_len, sizeof(f), -EPROTO, why);
		if (!ret)
			ret = no_fds(what, r->nr_fds, -EPROTO, why);
		if (ret)
			return ret;
		LOAD(f, r->body);
		if (f.argsz < sizeof(f) || f.argsz > r->body_len) {
			vu_why_set(why, "DEVICE_FEATURE reply argsz %u is not "
				   "within 8..%zu", f.argsz, r->body_len);
			return -EPROTO;
		}
		return 0;
	}
	case VFIO_USER_MIG_DATA_READ: {
		struct vfio_user_mig_data q, a;

		ret = sent_body(s, &q, sizeof(q), why);
		if (!ret)
			ret = min_body(what, r->body_len, sizeof(a), -EPROTO,
				       why);
		if (!ret)
			ret = no_fds(what, r->nr_fds, -EPROTO, why);
		if (ret)
			return ret;
		LOAD(a, r->body);
		if (a.size > q.size) {
			vu_why_set(why, "MIG_DATA_READ reply size %u exceeds "
				   "the %u asked", a.size, q.size);
			return -E2BIG;
		}
		return data_present(what, a.size, r->body_len - sizeof(a),
				    -EPROTO, why);
	}
	default:
		vu_why_set(why, "reply to unknown command %u",
			   r->hdr.command);
		return -EPROTO;
	}
}
