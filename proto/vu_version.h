/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_VU_VERSION_H
#define MINIVMM_PROTO_VU_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/vfio_user.h"
#include "proto/vu_why.h"

/*
 * VFIO_USER_VERSION (spec: "VFIO_USER_VERSION"): the first message of a
 * connection. The client proposes major 0, a minor and a JSON
 * capabilities object; the server answers with the same major, a minor no
 * higher than proposed and a subset of the capabilities. Peers in the
 * wild propose minor 0 (QEMU), 1 (rust-vmm) and answer min(proposed, 2)
 * (libvfio-user). Example:
 *
 *   {"capabilities":{"max_msg_fds":8,"max_data_xfer_size":1048576,
 *    "max_dma_maps":65535,"pgsizes":4096,"twin_socket":{"supported":true},
 *    "write_multiple":false}}
 *
 * Older peers (QEMU's client, libvfio-user) also send a "migration"
 * object {"pgsize":N,"max_bitmap_size":N} from the dirty-page migration
 * the spec has since dropped: it is accepted and recorded, never needed.
 */

/* One side's capabilities, or (vu_version_negotiate()) the session's. */
struct vu_caps {
	uint32_t max_msg_fds;		/* fds one message may carry to it */
	uint64_t max_data_xfer_size;	/* largest count it accepts */
	uint64_t max_dma_maps;
	uint64_t pgsizes;		/* DMA map page sizes, or'ed */
	bool write_multiple;		/* REGION_WRITE_MULTI accepted */
	bool twin_socket;		/* twin_socket.supported */
	int twin_socket_fd_index;	/* twin_socket.fd_index, -1 if none */
	bool migration;			/* legacy "migration" object sent */
	uint64_t migration_pgsize;	/* its "pgsize", 0 if absent */
	uint64_t migration_max_bitmap_size; /* its "max_bitmap_size", or 0 */
};

/* A VERSION message body, decoded. */
struct vu_version {
	uint16_t major;
	uint16_t minor;
	struct vu_caps caps;
};

/*
 * vu_caps_defaults - what a peer that sends no capability (or not this
 * one) means, per the spec's table: max_msg_fds 1, max_data_xfer_size
 * 1 MiB, max_dma_maps 65535, pgsizes 4096, no twin socket, no
 * write_multiple, no migration object.
 */
void vu_caps_defaults(struct vu_caps *caps);

/*
 * vu_caps_ours - minivmm's base offer: max_msg_fds VU_MAX_MSG_FDS (8),
 * max_data_xfer_size 1 MiB, max_dma_maps 65535, pgsizes 4096, no
 * twin_socket and no write_multiple (an end that implements them turns
 * them on), no migration object. The caller may change any field before
 * vu_version_encode().
 */
void vu_caps_ours(struct vu_caps *caps);

/*
 * vu_version_encode - the body of a VERSION message (command or reply):
 * major VFIO_USER_MAJOR, @minor, then the JSON of @caps and its NUL.
 * "twin_socket" carries "fd_index" when @caps->twin_socket_fd_index >= 0
 * (a server's reply); "migration" is written only if @caps->migration.
 *
 * Returns 0 with *@body (malloc'd, the caller frees it) and *@body_len
 * set, or -ENOMEM.
 */
int vu_version_encode(uint16_t minor, const struct vu_caps *caps,
		      void **body, size_t *body_len);

/*
 * vu_version_parse - decode a peer's VERSION body (command or reply) of
 * @len bytes into @out. Every capability missing takes its default
 * (vu_caps_defaults()); unknown keys are ignored. A body of just major
 * and minor, or with an empty string, means no capabilities.
 *
 * Returns 0, or -EINVAL with @why naming the problem: body shorter than
 * 4 bytes; major not 0; JSON not NUL-terminated inside the body or not
 * valid JSON; top level or "capabilities" not an object; a capability of
 * the wrong type (a string where a number is expected, a fraction, a
 * negative number) with the key named; values out of range: max_msg_fds
 * above 1024 (libvfio-user's limit too), max_data_xfer_size or pgsizes
 * 0, twin_socket.fd_index not below VU_MSG_MAX_FDS_LIMIT. The minor is
 * not checked here (see vu_version_negotiate()).
 */
int vu_version_parse(const void *body, size_t len, struct vu_version *out,
		     struct vu_why *why);

/*
 * vu_version_negotiate - the session's terms, from @ours (what we sent,
 * or will send in our reply) and @peer (vu_version_parse() of what the
 * peer sent). @peer_is_reply: we are the client and @peer is the
 * server's reply, which came with @peer_nr_fds descriptors.
 *
 * Into @out: minor = min(ours, peer's) (the server's choice in a reply,
 * which must not exceed our proposal); max_msg_fds and
 * max_data_xfer_size = the peer's (what we may send it: max_msg_fds
 * clamped to VU_MSG_MAX_FDS_LIMIT); max_dma_maps = the smaller;
 * pgsizes = both sets and'ed; write_multiple and twin_socket = both
 * sides'; twin_socket_fd_index = the reply's (-1 otherwise); the
 * migration fields = the peer's. Our own receive limits stay in @ours.
 *
 * Returns 0, or with @why set: -EPROTO for a reply that raises the
 * minor, grants twin_socket that we did not offer, or grants it without
 * an fd_index below @peer_nr_fds (spec: "the reply from the server is
 * inconsistent. The client must abort"); -ENOTSUP when the page sizes
 * have nothing in common.
 */
int vu_version_negotiate(const struct vu_version *ours,
			 const struct vu_version *peer, bool peer_is_reply,
			 unsigned int peer_nr_fds, struct vu_version *out,
			 struct vu_why *why);

#endif
