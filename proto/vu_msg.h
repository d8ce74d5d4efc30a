/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_PROTO_VU_MSG_H
#define MINIVMM_PROTO_VU_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "proto/vfio_user.h"

/*
 * vfio-user framing over a connected SOCK_STREAM AF_UNIX socket: one
 * message is a header, its body, and the file descriptors that travel as
 * SCM_RIGHTS with its first bytes. Blocking or non-blocking sockets both
 * work (EAGAIN waits in poll()). No threads, no state: one sender and one
 * receiver per socket at a time is the caller's business.
 */

/* A received message. It owns its body and its fds. */
struct vu_msg {
	struct vfio_user_header hdr;
	void *body;		/* hdr.size - 16 bytes, malloc'd; NULL if 0 */
	size_t body_len;
	unsigned int nr_fds;
	int fds[VU_MSG_MAX_FDS_LIMIT];	/* set one to -1 to keep it */
};

/*
 * vu_msg_send - send one message: @hdr with its size field replaced by
 * 16 + @body_len, then @body_len bytes of @body, with @nr_fds descriptors
 * of @fds attached to the first byte. Handles partial writes, EINTR and
 * (for a non-blocking socket) EAGAIN. Never raises SIGPIPE.
 *
 * Returns 0; -EINVAL if @nr_fds > VU_MSG_MAX_FDS_LIMIT, -EMSGSIZE if the
 * message would not fit the 32-bit size field; -EPIPE or -ECONNRESET if
 * the peer is gone, or another -errno of sendmsg() or poll(). After a
 * failure part of the message may have been sent: the connection is no
 * longer usable.
 */
int vu_msg_send(int sock, const struct vfio_user_header *hdr,
		const void *body, size_t body_len,
		const int *fds, unsigned int nr_fds);

/*
 * vu_msg_send_timeout - vu_msg_send() that waits at most @timeout_ms
 * milliseconds (< 0: forever) for room in the socket, for a peer that
 * does not read: then -ETIMEDOUT, and part of the message may have gone
 * (the connection is no longer usable).
 */
int vu_msg_send_timeout(int sock, const struct vfio_user_header *hdr,
			const void *body, size_t body_len,
			const int *fds, unsigned int nr_fds, int timeout_ms);

/*
 * vu_msg_send_until - vu_msg_send_timeout() that also gives up, with
 * -ECANCELED, as soon as @stop_fd (-1: none) is readable while it waits
 * for room: a process told to stop is never held by a peer that does
 * not read. As with -ETIMEDOUT, part of the message may have gone.
 */
int vu_msg_send_until(int sock, const struct vfio_user_header *hdr,
		      const void *body, size_t body_len,
		      const int *fds, unsigned int nr_fds, int timeout_ms,
		      int stop_fd);

/*
 * vu_msg_recv - receive one whole message into @msg (whose previous
 * contents are overwritten, not released): read the 16-byte header,
 * check its size is at least 16 and at most @max_size (clamped to
 * VU_MSG_MAX_SIZE_LIMIT) before reading anything else, then malloc and
 * read the body. Descriptors are accepted (close-on-exec) only with the
 * first bytes of the message; at most @max_fds (clamped to
 * VU_MSG_MAX_FDS_LIMIT) of them.
 *
 * Returns 0 with @msg filled (release it with vu_msg_release()), or:
 * -ECONNRESET  the peer closed the connection at a message boundary
 *              (or reset it);
 * -EPROTO      the peer closed it mid-message, the header's size is below
 *              16, more than @max_fds descriptors came, or the control
 *              data was truncated (MSG_CTRUNC);
 * -EMSGSIZE    the header's size exceeds @max_size: the body is not read;
 * -ENOMEM      no memory for the body;
 * another -errno of recvmsg().
 * On any error @msg holds no fd and no memory (every descriptor that
 * arrived is closed) and @msg->hdr is the header if it was read (zeroes
 * otherwise), so that a server may send an error reply. Only after the
 * "too many fds" -EPROTO is the stream still in step (the whole message
 * was consumed); after any other error close the connection.
 */
int vu_msg_recv(int sock, struct vu_msg *msg, size_t max_size,
		unsigned int max_fds);

/*
 * vu_msg_recv_timeout - vu_msg_recv() that waits at most @timeout_ms
 * milliseconds (< 0: forever) for the whole message. Returns as
 * vu_msg_recv(), and -ETIMEDOUT when nothing of a message arrived in
 * time: the stream is then in step and the call may be repeated. A peer
 * that stops in the middle of a message gets -EPROTO when time runs out
 * (the connection is then no longer usable).
 */
int vu_msg_recv_timeout(int sock, struct vu_msg *msg, size_t max_size,
			unsigned int max_fds, int timeout_ms);

/*
 * A read-ahead buffer for one socket's receiver, so that a small message
 * costs one recvmsg(), not two (header, then body). All-zero is a valid
 * empty buffer. Whoever receives on the socket owns it: one at a time,
 * and every read of the socket must then go through it.
 *
 * Descriptors: Linux ends a stream read right after the bytes of a
 * sendmsg() that carried SCM_RIGHTS, so the fds of one read belong to
 * the last message that begins in it (the senders this framing speaks
 * with send a message, and its fds, with one sendmsg()). Reads ahead
 * happen only at a message boundary with the buffer empty; the rest of a
 * message begun there is read exactly, never past its end.
 */
#define VU_MSG_RBUF_SIZE 4096

struct vu_msg_rbuf {
	size_t head, tail;	/* unread bytes: buf[head..tail) */
	size_t fds_at;		/* offset in buf of the message of @fds */
	unsigned int nr_fds;
	int fds[VU_MSG_MAX_FDS_LIMIT];
	unsigned char buf[VU_MSG_RBUF_SIZE];
};

/*
 * vu_msg_recv_rbuf - vu_msg_recv_timeout() through @rb: the same results
 * and the same message, but it may read what follows into @rb too. After
 * an error other than -ETIMEDOUT or the "too many fds" -EPROTO, @rb is
 * emptied (its fds closed).
 */
int vu_msg_recv_rbuf(int sock, struct vu_msg_rbuf *rb, struct vu_msg *msg,
		     size_t max_size, unsigned int max_fds, int timeout_ms);

/* Whether @rb holds bytes (then poll() on the socket may not say so). */
static inline int vu_msg_rbuf_pending(const struct vu_msg_rbuf *rb)
{
	return rb->head != rb->tail;
}

/* Empty @rb: drop what it holds and close its fds. */
void vu_msg_rbuf_reset(struct vu_msg_rbuf *rb);

/* Close the fds @msg still owns (those not set to -1), free its body. */
void vu_msg_release(struct vu_msg *msg);

/* The header of a command @command with @msg_id (size set by send). */
void vu_hdr_command(struct vfio_user_header *hdr, uint16_t msg_id,
		    uint16_t command, int no_reply);

/* The header of a reply to @cmd: same msg_id and command, type reply. */
void vu_hdr_reply(struct vfio_user_header *hdr,
		  const struct vfio_user_header *cmd);

/*
 * The header of an error reply to @cmd: as vu_hdr_reply() plus the Error
 * flag and @err (a positive errno; a negative one is negated). An error
 * reply is the header only ("Header": "If an error occurs, the reply
 * message must only include the reply header").
 */
void vu_hdr_error(struct vfio_user_header *hdr,
		  const struct vfio_user_header *cmd, int err);

/*
 * vu_reply_errno - what a reply header says: 0 for success, else the
 * negated errno it carries; -EIO when the Error flag comes with error 0
 * (the spec allows it) or a value that is not an errno (above 4095).
 */
int vu_reply_errno(const struct vfio_user_header *reply);

/* vu_msg_send() of a reply to @cmd / of an error reply to @cmd. */
int vu_msg_send_reply(int sock, const struct vfio_user_header *cmd,
		      const void *body, size_t body_len,
		      const int *fds, unsigned int nr_fds);
int vu_msg_send_error(int sock, const struct vfio_user_header *cmd, int err);

#endif
