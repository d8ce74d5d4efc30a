// SPDX-License-Identifier: GPL-2.0-only
/*
 * DEVICE_GET_REGION_INFO and DEVICE_GET_REGION_IO_FDS: the argsz retry
 * (spec: "Message sizes"), the region capability chain (sparse mmap
 * areas, region type) and the io fd sub-regions, decoded for the caller.
 * Replies have passed vu_validate_reply() (chain inside argsz, no loops,
 * areas inside the region, entries' fd indexes below the fds that came)
 * before they are decoded here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/client/vu_client_priv.h"
#include "proto/vu_validate.h"

#define REGION_INFO	VFIO_USER_DEVICE_GET_REGION_INFO
#define IO_FDS		VFIO_USER_DEVICE_GET_REGION_IO_FDS

int vu_client_region_decode(const void *body, size_t len, bool has_fd,
			    struct vu_client_region *r, struct vu_why *why)
{
	struct vfio_region_info_cap_sparse_mmap sp;
	struct vfio_region_info_cap_type type;
	struct vfio_user_region_info ri;
	struct vu_region_caps caps;
	uint32_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	ret = vu_region_info_caps(body, len, &caps, why);
	if (ret)
		return ret;
	if (!caps.complete) {
		vu_why_set(why, "DEVICE_GET_REGION_INFO reply argsz %u exceeds "
			   "its %zu bytes", caps.argsz, len);
		return -EPROTO;
	}
	memcpy(&ri, body, sizeof(ri));
	r->index = ri.index;
	r->flags = ri.flags;
	r->size = ri.size;
	r->fd_offset = ri.offset;
	if (caps.type) {
		memcpy(&type, caps.type, sizeof(type));
		r->has_type = true;
		r->type = type.type;
		r->subtype = type.subtype;
	}
	if (!(ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return 0;

	/* "When this flag is set, the reply will include a file
	 * descriptor in its meta-data." */
	if (!has_fd) {
		vu_why_set(why, "DEVICE_GET_REGION_INFO region %u has "
			   "FLAG_MMAP but no fd came", ri.index);
		return -EPROTO;
	}
	if (ri.offset + ri.size < ri.offset) {
		vu_why_set(why, "DEVICE_GET_REGION_INFO region %u mmap offset "
			   "%#llx + size %#llx wraps", ri.index,
			   (unsigned long long)ri.offset,
			   (unsigned long long)ri.size);
		return -EPROTO;
	}
	if (caps.sparse) {
		memcpy(&sp, caps.sparse, sizeof(sp));
		r->has_sparse = true;
		if (!sp.nr_areas)
			return 0;
		r->areas = calloc(sp.nr_areas, sizeof(*r->areas));
		if (!r->areas)
			return -ENOMEM;
		for (i = 0; i < sp.nr_areas; i++) {
			struct vfio_region_sparse_mmap_area a;

			memcpy(&a, (const uint8_t *)caps.sparse + sizeof(sp) +
			       (size_t)i * sizeof(a), sizeof(a));
			r->areas[i].offset = a.offset;
			r->areas[i].size = a.size;
		}
		r->nr_areas = sp.nr_areas;
		return 0;
	}
	if (!ri.size)
		return 0;
	r->areas = calloc(1, sizeof(*r->areas));
	if (!r->areas)
		return -ENOMEM;
	r->areas[0].size = ri.size;
	r->nr_areas = 1;
	return 0;
}

int vu_client_region_info(struct vu_client *c, uint32_t index,
			  struct vu_client_region *region)
{
	struct vfio_user_region_info q = { .index = index };
	uint32_t argsz = VU_CLIENT_REGION_INFO_ARGSZ;
	struct vu_region_caps caps;
	struct vu_why why;
	struct vu_msg reply;
	int ret, attempt;

	memset(region, 0, sizeof(*region));
	region->fd = -1;
	for (attempt = 0;; attempt++) {
		q.argsz = argsz;
		ret = vu_client_call(c, REGION_INFO, &q, sizeof(q), NULL, 0,
				     &reply);
		if (ret)
			goto out;
		/* Checked already by vu_validate_reply(): cannot fail. */
		ret = vu_region_info_caps(reply.body, reply.body_len, &caps,
					  &why);
		if (ret || caps.complete)
			break;
		vu_msg_release(&reply);
		if (attempt)
			return vu_client_break(c, REGION_INFO, "asked with the "
					       "argsz %u it wanted, it wants "
					       "%u", argsz, caps.argsz);
		if (caps.argsz > VU_CLIENT_ARGSZ_MAX)
			return -EMSGSIZE;
		argsz = caps.argsz;
	}
	if (!ret)
		ret = vu_client_region_decode(reply.body, reply.body_len,
					      reply.nr_fds > 0, region, &why);
	if (ret == -EPROTO) {
		vu_msg_release(&reply);
		return vu_client_break(c, REGION_INFO, "%s", why.msg);
	}
	if (!ret && reply.nr_fds) {
		region->fd = reply.fds[0];	/* at most 1: checked */
		reply.fds[0] = -1;
	}
out:
	vu_msg_release(&reply);
	return ret;
}

void vu_client_region_release(struct vu_client_region *region)
{
	if (!region)
		return;
	if (region->fd >= 0)
		close(region->fd);
	free(region->areas);
	region->fd = -1;
	region->areas = NULL;
	region->nr_areas = 0;
}

int vu_client_io_fds_decode(const void *body, size_t len, const int *fds,
			    unsigned int nr_fds, struct vu_client_io_fds *io,
			    struct vu_why *why)
{
	struct vu_io_fds p;
	uint32_t i;
	int ret;

	memset(io, 0, sizeof(*io));
	ret = vu_io_fds_parse(body, len, nr_fds, &p, why);
	if (ret)
		return ret;
	if (!p.complete) {
		vu_why_set(why, "DEVICE_GET_REGION_IO_FDS reply argsz %u "
			   "exceeds its %zu bytes", p.argsz, len);
		return -EPROTO;
	}
	io->index = p.index;
	if (nr_fds) {
		io->fds = malloc(nr_fds * sizeof(*io->fds));
		if (!io->fds)
			return -ENOMEM;
		memcpy(io->fds, fds, nr_fds * sizeof(*io->fds));
	}
	if (p.count) {
		io->entries = calloc(p.count, sizeof(*io->entries));
		if (!io->entries) {
			free(io->fds);
			io->fds = NULL;
			return -ENOMEM;
		}
	}
	for (i = 0; i < p.count; i++) {
		/* fd_index < nr_fds: vu_io_fds_parse() checked it. */
		vu_io_fds_entry(&p, i, &io->entries[i].e);
		io->entries[i].fd = fds[io->entries[i].e.fd_index];
	}
	io->count = p.count;
	io->nr_fds = nr_fds;
	return 0;
}

int vu_client_region_io_fds(struct vu_client *c, uint32_t index,
			    struct vu_client_io_fds *io)
{
	struct vfio_user_region_io_fds q = { .index = index };
	uint32_t argsz = VU_CLIENT_IO_FDS_ARGSZ;
	struct vu_io_fds p;
	struct vu_why why;
	struct vu_msg reply;
	unsigned int i;
	int ret, attempt;

	memset(io, 0, sizeof(*io));
	for (attempt = 0;; attempt++) {
		q.argsz = argsz;
		ret = vu_client_call(c, IO_FDS, &q, sizeof(q), NULL, 0,
				     &reply);
		if (ret)
			goto out;
		/* Checked already by vu_validate_reply(): cannot fail. */
		ret = vu_io_fds_parse(reply.body, reply.body_len, reply.nr_fds,
				      &p, &why);
		if (ret || p.complete)
			break;
		vu_msg_release(&reply);
		if (attempt)
			return vu_client_break(c, IO_FDS, "asked with the "
					       "argsz %u it wanted, it wants "
					       "%u", argsz, p.argsz);
		if (p.argsz > VU_CLIENT_ARGSZ_MAX)
			return -EMSGSIZE;
		argsz = p.argsz;
	}
	if (!ret)
		ret = vu_client_io_fds_decode(reply.body, reply.body_len,
					      reply.fds, reply.nr_fds, io,
					      &why);
	if (ret == -EPROTO) {
		vu_msg_release(&reply);
		return vu_client_break(c, IO_FDS, "%s", why.msg);
	}
	if (!ret)
		for (i = 0; i < reply.nr_fds; i++)
			reply.fds[i] = -1;	/* now in io->fds */
out:
	vu_msg_release(&reply);
	return ret;
}

void vu_client_io_fds_release(struct vu_client_io_fds *io)
{
	unsigned int i;

	if (!io)
		return;
	for (i = 0; i < io->nr_fds; i++)
		if (io->fds[i] >= 0)
			close(io->fds[i]);
	free(io->fds);
	free(io->entries);
	memset(io, 0, sizeof(*io));
}
