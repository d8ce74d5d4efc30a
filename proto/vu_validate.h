/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_VU_VALIDATE_H
#define MINIVMM_PROTO_VU_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/vfio_user.h"
#include "proto/vu_msg.h"
#include "proto/vu_why.h"

/*
 * Checks of received messages against the spec's layouts, before anything
 * in them is used. Everything a peer sends is untrusted: sizes, counts,
 * offsets, fd counts. A check reads only the bytes that were received,
 * never overflows (counts up to UINT32_MAX / UINT64_MAX are safe) and
 * names what was wrong in @why (may be NULL). They decide nothing else:
 * whether a region index exists or a DMA range is mapped is the caller's
 * policy.
 *
 * Errnos: for commands, the value a server sends back in its error reply:
 * -EINVAL (malformed: short body, bad argsz, bad flags, wrong fd count,
 * counts that disagree with the data present, ranges that wrap), -E2BIG
 * (a count above max_data_xfer_size), -EOPNOTSUPP (unknown command),
 * -EPROTO (the header itself is wrong: not a command, size disagrees).
 * For replies: -EPROTO for anything malformed (the peer broke the
 * protocol; there is nobody to tell), -E2BIG for a count above what we
 * asked for.
 */

/*
 * vu_validate_command - check a received command message: @msg->hdr is
 * a command (type 0, no Error flag) whose size is 16 + body_len, and the
 * body of its command is well formed (checks listed per command in
 * vu_validate.c, each citing the spec). @max_data_xfer_size is the one
 * we offered in VERSION: data counts of REGION_READ/WRITE, DMA_READ/WRITE
 * and MIG_DATA_READ/WRITE above it are -E2BIG. A server calls this for
 * what a client sends; a client for DMA_READ/DMA_WRITE.
 *
 * Returns 0 or a negative errno as above, with @why set.
 */
int vu_validate_command(const struct vu_msg *msg,
			uint64_t max_data_xfer_size, struct vu_why *why);

/*
 * The command we sent, as a reply is checked against it: its header and
 * body (the body may be NULL for commands whose reply does not depend on
 * it: VERSION, DMA_MAP, GET_INFO, SET_IRQS, RESET, MIG_DATA_WRITE).
 */
struct vu_sent {
	const struct vfio_user_header *hdr;
	const void *body;
	size_t body_len;
};

/*
 * vu_validate_reply - check @reply to the command @sent: reply type, same
 * msg_id and command, size 16 + body_len. An error reply (Error flag) is
 * accepted as it is (read it with vu_reply_errno()); the body of any
 * other reply is checked for its command: fixed parts present, argsz
 * sane, index echoed, data counts no larger than asked and present, fd
 * counts, the region info capability chain (vu_region_info_caps()) and
 * the GET_REGION_IO_FDS sub-regions (vu_io_fds_parse()).
 *
 * Returns 0, -EPROTO or -E2BIG with @why set; -EINVAL (a caller bug)
 * if @sent has no body where the check needs the request's fields.
 */
int vu_validate_reply(const struct vu_sent *sent, const struct vu_msg *reply,
		      struct vu_why *why);

/*
 * The capability chain of a DEVICE_GET_REGION_INFO reply body.
 * complete is false when the reply's argsz is larger than the body that
 * came: the server had more to say (spec: "Message sizes"); ask again
 * with that argsz. The pointers point into the body (which must be 8-byte
 * aligned, as vu_msg_recv() allocates it) and are NULL when absent.
 */
struct vu_region_caps {
	bool complete;
	uint32_t argsz;
	const struct vfio_region_info_cap_sparse_mmap *sparse;
	const struct vfio_region_info_cap_type *type;
};

/*
 * vu_region_info_caps - check and find the capabilities of a region info
 * reply (spec: "VFIO region capabilities"): every header inside argsz,
 * 8-byte aligned, after the 32-byte info and each after the one before
 * (no loops); a sparse mmap capability's areas inside argsz, each inside
 * the region; at most one sparse and one type capability. Unknown
 * capability ids are skipped.
 *
 * Returns 0 with @out filled, or -EPROTO with @why set.
 */
int vu_region_info_caps(const void *body, size_t body_len,
			struct vu_region_caps *out, struct vu_why *why);

/*
 * The sub-regions of a DEVICE_GET_REGION_IO_FDS reply. The entry stride
 * is (argsz - 16) / count (spec: "each array entry i is at offset i *
 * ((argsz - 32) / count)" -- we take the reply's 16-byte head, which is
 * what the layout and libvfio-user say), at least 40. complete is false
 * when the server sent count and argsz without the entries because our
 * argsz was too small: ask again with argsz.
 */
struct vu_io_fds {
	bool complete;
	uint32_t argsz;
	uint32_t index;
	uint32_t count;
	size_t stride;
	const uint8_t *entries;		/* count * stride bytes, if complete */
};

/* One sub-region decoded, whichever stride it came with. */
struct vu_io_fd_entry {
	uint64_t offset;
	uint64_t size;
	uint32_t fd_index;
	uint32_t type;		/* VFIO_USER_IO_FD_TYPE_* */
	uint32_t flags;
	uint64_t datamatch;	/* user_data for an ioregionfd */
	int shadow_fd_index;	/* IOEVENTFD_SHADOW only, else -1 */
	uint64_t shadow_offset;
};

/*
 * vu_io_fds_parse - check a GET_REGION_IO_FDS reply body that came with
 * @nr_fds descriptors: head present, flags 0, argsz = 16 + count * stride
 * with a whole stride of at least 40 bytes (no overflow); when complete,
 * every entry's fd_index (and shadow fd index) below @nr_fds, offset +
 * size not wrapping, and at least one fd if there is an entry.
 *
 * Returns 0 with @out filled, or -EPROTO with @why set.
 */
int vu_io_fds_parse(const void *body, size_t body_len, unsigned int nr_fds,
		    struct vu_io_fds *out, struct vu_why *why);

/*
 * vu_io_fds_entry - entry @i (< @io->count, @io->complete) of a parsed
 * reply. A 40-byte stride is the spec's layout (datamatch at 32); 48 or
 * more is libvfio-user's (shadow fd index at 28, shadow offset at 32,
 * datamatch at 40).
 */
void vu_io_fds_entry(const struct vu_io_fds *io, uint32_t i,
		     struct vu_io_fd_entry *e);

#endif
