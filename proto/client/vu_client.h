/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_CLIENT_VU_CLIENT_H
#define MINIVMM_PROTO_CLIENT_VU_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/vfio_user.h"
#include "proto/vu_validate.h"
#include "proto/vu_version.h"
#include "proto/vu_why.h"

/*
 * The vfio-user client: one connection to one device server, as minivmm
 * and the tools use it. It speaks the spec's commands over proto/'s
 * framing and hides what makes a client hard to get right:
 *
 * - Server-to-client DMA_READ/DMA_WRITE may arrive at any moment, also
 *   between one of our requests and its reply ("VFIO_USER_DMA_READ").
 *   A reader thread owned by the client receives everything the server
 *   sends: it hands replies to the thread waiting for them (matched by
 *   msg_id) and serves DMA_READ/DMA_WRITE through the dma_access
 *   callback. With a negotiated twin socket they come on that socket
 *   instead ("Socket"), the reader thread serves that one, and the
 *   main socket carries only replies: the calling threads read them
 *   themselves (one at a time, handing the others' replies over), which
 *   spares a thread hand-over per request.
 * - Calls are thread-safe: several threads (vCPUs) may have requests in
 *   flight at once, each waits only for its own reply.
 * - A dead or silent server is an error, never a hang: a reply that does
 *   not come within the timeout, a reply that breaks the protocol, or the
 *   socket closing marks the connection dead. Every waiting and later
 *   call then fails at once with -ENOTCONN, and on_dead is called once
 *   with the reason.
 *
 * Errnos of every request (the wrappers below included):
 *   0 or the server's error reply as its errno (vu_reply_errno(): -EIO
 *     for an error reply without errno); the connection goes on;
 *   -ETIMEDOUT  no reply within timeout_ms (or the server did not read
 *     the request within it): this call; the connection is then dead;
 *   -EPROTO, -E2BIG, -EMSGSIZE  the reply to this call broke the protocol
 *     (vu_validate_reply(), or a wrapper's own check), was larger than
 *     our limit, or carried more fds than we offered: this call; the
 *     connection is then dead;
 *   -ENOTCONN  the connection is dead (closed by the server, killed by
 *     another call's timeout or bad reply, or vu_client_shutdown());
 *   -EINVAL  bad arguments, nothing sent (e.g. more fds than the
 *     server's max_msg_fds); -ENOMEM.
 * Server commands (DMA_READ/DMA_WRITE) that are malformed, or any other
 * command the server sends, get an error reply (vu_validate_command()'s
 * errno, EOPNOTSUPP) and the connection goes on: the framing is intact.
 * A message whose framing breaks (cut short, size below the header or
 * above our limit, too many fds, a type that is neither command nor
 * reply, a reply that answers no request in flight) kills it.
 *
 * Every function returns 0 (or what it documents) or a negative errno.
 * Nothing here prints: reasons are in vu_client_error() and @why.
 */

struct vu_client;

struct vu_client_config {
	/* Names the device in reasons ("…/blk.sock: no reply to …"). */
	const char *name;
	/*
	 * How long a request waits for its reply, VERSION included, and
	 * how long the rest of a message may take once it has begun to
	 * arrive; 0 (or less) means 5000 ms.
	 */
	int timeout_ms;
	/* The minor version we propose; 0 means VFIO_USER_MINOR. */
	uint16_t minor;
	/* Offer the twin_socket capability. */
	bool twin_socket;

	/*
	 * Serves the server's DMA_READ (@write false: copy @len bytes at
	 * guest address @addr into @buf) and DMA_WRITE (@write true: copy
	 * @buf to @addr). Returns 0 or a negative errno, sent back as the
	 * error reply (e.g. -EFAULT for an address outside guest memory;
	 * anything else than 0 or -1..-4095 is sent as EIO). @len is at
	 * most our max_data_xfer_size (1 MiB) and @addr + @len does not
	 * wrap: vu_validate_command() has checked; bounds are yours.
	 * Called from the reader thread, so it must not call this client
	 * (its reply could never be read), and it should return promptly:
	 * with a twin socket that thread also enforces the requests'
	 * timeouts. NULL: such requests get EFAULT.
	 */
	int (*dma_access)(void *opaque, uint64_t addr, void *buf,
			  uint64_t len, bool write);
	/*
	 * Called once, from any thread (often the reader thread), when the
	 * connection dies; @reason is vu_client_error()'s string ("<name>:
	 * no reply to REGION_READ (msg 7) in 5000 ms", "<name>: server
	 * closed the connection", "<name>: reply to DMA_MAP breaks the
	 * protocol: ..."). It has returned before any call reports the
	 * death to its caller. Not called for vu_client_shutdown() or
	 * vu_client_close(). It runs under the client's lock: it may call
	 * vu_client_error() and the other accessors, no other function of
	 * this client.
	 */
	void (*on_dead)(void *opaque, const char *reason);
	void *opaque;
};

/*
 * vu_client_connect - connect to the server socket at @path, negotiate
 * VERSION (we offer vu_caps_ours() plus twin_socket if asked) and start
 * the reader thread. @cfg is copied; cfg->name NULL means @path. The
 * connection and VERSION each wait at most the timeout. On failure
 * *@out is NULL, no fd is left open, and @why says what went wrong,
 * naming the socket:
 *   -ENOENT        no such socket;
 *   -ENOTSOCK      the path is not a socket;
 *   -ECONNREFUSED  nobody listens;
 *   -ETIMEDOUT     the server took no connection within the timeout
 *                  (its listen backlog is full), or no VERSION reply;
 *   -ECONNRESET    the server closed the connection without answering;
 *   -EPROTO        not a vfio-user server (not a VERSION reply), or a
 *                  reply we cannot accept: minor above ours, JSON or
 *                  capabilities malformed, more than one fd (proto's
 *                  rule: the twin socket only), twin_socket granted
 *                  though not offered, without a valid fd_index, or on
 *                  an fd that is not a stream socket;
 *   -EPROTONOSUPPORT  the reply's major is not 0;
 *   -ENOTSUP       no DMA page size in common;
 *   -EINVAL        cfg->minor above VFIO_USER_MINOR;
 *   the server's errno if it answered VERSION with an error reply;
 *   another -errno of socket()/connect() (-ENAMETOOLONG, -EACCES, ...).
 * Unknown capabilities and the legacy "migration" object are accepted.
 * With twin_socket granted, the fd at its fd_index is the twin socket;
 * an fd that came with a reply granting none is closed.
 */
int vu_client_connect(const char *path, const struct vu_client_config *cfg,
		      struct vu_client **out, struct vu_why *why);

/*
 * As vu_client_connect() on an already connected socket @sock, taken
 * even on failure (closed then). cfg->name NULL means "socket fd N".
 */
int vu_client_attach(int sock, const struct vu_client_config *cfg,
		     struct vu_client **out, struct vu_why *why);

/*
 * vu_client_shutdown - make the connection dead now ("shut down by the
 * client"): calls waiting in other threads return -ENOTCONN at once,
 * later calls too; the sockets are shut down (the server sees EOF);
 * on_dead is not called. For a caller whose threads may be blocked in
 * calls (vCPUs on a hung device) before vu_client_close(). Idempotent.
 */
void vu_client_shutdown(struct vu_client *c);

/*
 * vu_client_close - stop the reader thread, close the socket(s), free
 * everything, whatever state the server is in (dead, hung, in the middle
 * of a message): it returns within the time a dma_access callback in
 * progress takes. The rule: calls in other threads must have returned
 * before (use vu_client_shutdown() to make them return); it is not
 * called from a callback. on_dead is not called. NULL is allowed.
 */
void vu_client_close(struct vu_client *c);

/* The negotiated terms (minor, the server's capabilities as usable). */
const struct vu_version *vu_client_session(const struct vu_client *c);

/* The server's VERSION reply as it came, for tools that show it. */
const struct vu_version *vu_client_server_version(const struct vu_client *c);

/* Whether the twin socket is in use. */
bool vu_client_twin_socket(const struct vu_client *c);

/*
 * NULL while the connection works; afterwards why it died, the string
 * on_dead got ("<name>: ..."), valid until vu_client_close().
 */
const char *vu_client_error(const struct vu_client *c);

/*
 * vu_client_request - send any command (@command, @body of @len bytes,
 * @nr_fds of @fds) and wait for its reply, checked by
 * vu_validate_reply(). The reply is moved into @reply (release it with
 * vu_msg_release()) whether it is a success or an error reply; the
 * return value is vu_reply_errno() of it, or the local error (then
 * @reply holds nothing, and releasing it is harmless). For
 * commands the wrappers below do not cover (DEVICE_FEATURE,
 * MIG_DATA_READ/WRITE, REGION_WRITE_MULTI) and for tests. @nr_fds above
 * the server's max_msg_fds is -EINVAL. Replies larger than our
 * max_data_xfer_size (1 MiB) plus 64 KiB kill the connection: ask for
 * no more data than that.
 */
int vu_client_request(struct vu_client *c, uint16_t command,
		      const void *body, size_t len,
		      const int *fds, unsigned int nr_fds,
		      struct vu_msg *reply);

/* DEVICE_GET_INFO: flags (VFIO_DEVICE_FLAGS_*), num_regions, num_irqs. */
int vu_client_device_info(struct vu_client *c,
			  struct vfio_user_device_info *info);

/* One mmappable area of a region (sparse mmap capability). */
struct vu_client_area {
	uint64_t offset;	/* in the region */
	uint64_t size;
};

/*
 * DEVICE_GET_REGION_INFO, decoded. vu_client_region_release() frees
 * areas and closes fd unless it is -1 (set it to -1 to keep the fd).
 */
struct vu_client_region {
	uint32_t index;
	uint32_t flags;		/* VFIO_REGION_INFO_FLAG_* */
	uint64_t size;
	uint64_t fd_offset;	/* the reply's offset: where in fd it maps */
	int fd;			/* -1 when the server sent none */
	/*
	 * The areas that may be mmapped. With FLAG_MMAP and a sparse
	 * capability: its areas; with FLAG_MMAP and no sparse capability:
	 * one area covering the region; otherwise none.
	 */
	unsigned int nr_areas;
	struct vu_client_area *areas;
	bool has_sparse;	/* the areas came from a sparse capability */
	bool has_type;
	uint32_t type, subtype;	/* VFIO_REGION_INFO_CAP_TYPE */
};

/*
 * vu_client_region_info - DEVICE_GET_REGION_INFO of @index. Asks with
 * argsz 256, then once again with the argsz the server gives when its
 * capability chain did not fit (spec: "Message sizes"): -EMSGSIZE if it
 * wants more than 64 KiB (the connection goes on), -EPROTO if it still
 * does not fit. FLAG_MMAP without an fd, or an mmap offset + size that
 * wraps, is -EPROTO. The fd, if any, is the caller's (see above).
 */
int vu_client_region_info(struct vu_client *c, uint32_t index,
			  struct vu_client_region *region);
void vu_client_region_release(struct vu_client_region *region);

/*
 * DEVICE_GET_REGION_IO_FDS, decoded. vu_client_io_fds_release() frees
 * the arrays and closes every fds[i] that is not -1 (set one to -1 to
 * keep it; entries[].fd are copies of fds[] numbers, not owned).
 */
struct vu_client_io_fd {
	struct vu_io_fd_entry e;	/* as sent; e.fd_index into fds */
	int fd;				/* fds[e.fd_index] */
};

struct vu_client_io_fds {
	uint32_t index;
	uint32_t count;
	struct vu_client_io_fd *entries;
	unsigned int nr_fds;
	int *fds;	/* the caller's; several entries may share one */
};

/*
 * vu_client_region_io_fds - DEVICE_GET_REGION_IO_FDS of @index, asking
 * again (once) with the argsz the server needs, as region_info does.
 * Entries of the spec's 40 bytes and libvfio-user's 48 are both decoded
 * (vu_io_fds_entry()). A server that does not implement the command
 * (error reply EOPNOTSUPP/ENOSYS/EINVAL) gives that errno: the caller
 * falls back to trapped writes. Offsets are not checked against the
 * region's size: that is the caller's (spec: "it is the client's
 * responsibility to verify the requested values").
 */
int vu_client_region_io_fds(struct vu_client *c, uint32_t index,
			    struct vu_client_io_fds *io);
void vu_client_io_fds_release(struct vu_client_io_fds *io);

/* DEVICE_GET_IRQ_INFO of @index: flags (VFIO_IRQ_INFO_*) and count. */
int vu_client_irq_info(struct vu_client *c, uint32_t index,
		       struct vfio_user_irq_info *info);

/*
 * vu_client_set_irqs_eventfd - SET_IRQS DATA_EVENTFD | ACTION_TRIGGER of
 * vectors @start..@start+@count-1 of @index, one fd each (-1 removes a
 * vector's fd); @count 0 disables the whole index (DATA_NONE, start 0;
 * @start and @fds are ignored). Sends the fds in as many messages as the
 * server's max_msg_fds requires; a run of -1 goes as one message without
 * fds (spec: "If no file descriptors are provided, this de-assigns").
 * On an error the messages before it have taken effect.
 */
int vu_client_set_irqs_eventfd(struct vu_client *c, uint32_t index,
			       uint32_t start, uint32_t count, const int *fds);

/*
 * vu_client_set_irqs - the general SET_IRQS: @flags as in linux/vfio.h
 * (one DATA_*, one ACTION_*, else -EINVAL), with @data of @count bytes
 * for DATA_BOOL (1..65536) or @count fds for DATA_EVENTFD (in one
 * message: -EINVAL above the server's max_msg_fds; @fds NULL with a
 * count de-assigns).
 */
int vu_client_set_irqs(struct vu_client *c, uint32_t index, uint32_t flags,
		       uint32_t start, uint32_t count,
		       const uint8_t *data, const int *fds);

/*
 * vu_client_region_read / _write - REGION_READ/REGION_WRITE of @count
 * bytes at @offset of region @index, split into pieces of the server's
 * max_data_xfer_size (reads: and of ours). A reply whose count or data
 * is not exactly what was asked is -EPROTO (-E2BIG for more than asked;
 * the connection dies). @count 0 sends nothing and returns 0; offset +
 * count wrapping is -EINVAL. On an error, pieces before it took effect.
 */
int vu_client_region_read(struct vu_client *c, uint32_t index,
			  uint64_t offset, void *buf, size_t count);
int vu_client_region_write(struct vu_client *c, uint32_t index,
			   uint64_t offset, const void *buf, size_t count);

/*
 * vu_client_dma_map - DMA_MAP of [@iova, @iova+@size) with @prot
 * (VFIO_USER_DMA_MAP_FLAG_READ|WRITE). With @fd >= 0 the server may mmap
 * @fd at @fd_offset (@fd is sent, not taken); with -1 it must use
 * DMA_READ/DMA_WRITE. Size 0, ranges that wrap or unknown @prot bits
 * are -EINVAL.
 */
int vu_client_dma_map(struct vu_client *c, uint64_t iova, uint64_t size,
		      int fd, uint64_t fd_offset, uint32_t prot);

/* DMA_UNMAP of exactly an earlier map. */
int vu_client_dma_unmap(struct vu_client *c, uint64_t iova, uint64_t size);

/* DEVICE_RESET. */
int vu_client_reset(struct vu_client *c);

#endif
