// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user framing: header, body and SCM_RIGHTS descriptors over a
 * SOCK_STREAM UNIX socket (spec: "Header", "Socket").
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "proto/vu_msg.h"

/* Control buffer with room for the most descriptors Linux passes. */
union vu_cmsg_buf {
	char buf[CMSG_SPACE(sizeof(int) * VU_MSG_MAX_FDS_LIMIT)];
	struct cmsghdr align;
};

/* A deadline on CLOCK_MONOTONIC, or none. */
struct deadline {
	bool set;
	struct timespec at;
};

static void deadline_init(struct deadline *d, int timeout_ms)
{
	d->set = timeout_ms >= 0;
	if (!d->set)
		return;
	clock_gettime(CLOCK_MONOTONIC, &d->at);
	d->at.tv_sec += timeout_ms / 1000;
	d->at.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (d->at.tv_nsec >= 1000000000L) {
		d->at.tv_sec++;
		d->at.tv_nsec -= 1000000000L;
	}
}

/* Milliseconds left, rounded up; 0 once passed; -1 without deadline. */
static int deadline_left_ms(const struct deadline *d)
{
	struct timespec now;
	int64_t ns;

	if (!d->set)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (int64_t)(d->at.tv_sec - now.tv_sec) * 1000000000LL +
	     (d->at.tv_nsec - now.tv_nsec);
	if (ns <= 0)
		return 0;
	if (ns / 1000000 >= INT_MAX)
		return INT_MAX;
	return (int)((ns + 999999) / 1000000);
}

/*
 * Wait until @sock is ready for @events, or until @stop_fd (-1: none) is
 * readable. Returns 0, -ETIMEDOUT when the deadline passed, -ECANCELED
 * for @stop_fd, or -errno of poll(). EINTR restarts the wait.
 */
static int wait_ready_or_stop(int sock, short events, const struct deadline *d,
			      int stop_fd)
{
	struct pollfd pfd[2] = {
		{ .fd = sock, .events = events },
		{ .fd = stop_fd, .events = POLLIN },
	};
	int left, ret;

	for (;;) {
		/* Past the deadline, poll once without waiting: bytes that
		 * are already there are not late. */
		left = deadline_left_ms(d);
		ret = poll(pfd, stop_fd >= 0 ? 2 : 1, left);
		if (ret > 0 && stop_fd >= 0 && pfd[1].revents)
			return -ECANCELED;
		if (ret > 0)
			return 0;	/* readable, or an error recv reports */
		if (ret == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

static int wait_ready(int sock, short events, const struct deadline *d)
{
	return wait_ready_or_stop(sock, events, d, -1);
}

static void close_fds(int *fds, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

static int send_msg(int sock, const struct vfio_user_header *hdr,
		    const void *body, size_t body_len,
		    const int *fds, unsigned int nr_fds, int timeout_ms,
		    int stop_fd)
{
	struct vfio_user_header h = *hdr;
	union vu_cmsg_buf cbuf;
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)body, .iov_len = body ? body_len : 0 },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	struct deadline dl;
	int flags = MSG_NOSIGNAL;
	size_t left;
	ssize_t n;
	int ret;

	if (nr_fds > VU_MSG_MAX_FDS_LIMIT || (nr_fds && !fds))
		return -EINVAL;
	if (!body && body_len)
		return -EINVAL;
	if (body_len > UINT32_MAX - sizeof(h))
		return -EMSGSIZE;
	h.size = (uint32_t)(sizeof(h) + body_len);
	left = h.size;

	if (nr_fds) {
		struct cmsghdr *c;

		memset(&cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nr_fds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nr_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nr_fds);
	}

	/* With a deadline or a stop fd, never block in sendmsg(): wait in
	 * poll(). */
	deadline_init(&dl, timeout_ms);
	if (dl.set || stop_fd >= 0)
		flags |= MSG_DONTWAIT;
	while (left) {
		n = sendmsg(sock, &mh, flags);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				ret = wait_ready_or_stop(sock, POLLOUT, &dl,
							 stop_fd);
				if (ret)
					return ret;
				continue;
			}
			return -errno;
		}
		/* The descriptors went with the first bytes. */
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		left -= (size_t)n;
		while (n > 0 && mh.msg_iovlen) {
			if ((size_t)n >= mh.msg_iov->iov_len) {
				n -= (ssize_t)mh.msg_iov->iov_len;
				mh.msg_iov++;
				mh.msg_iovlen--;
			} else {
				mh.msg_iov->iov_base =
					(char *)mh.msg_iov->iov_base + n;
				mh.msg_iov->iov_len -= (size_t)n;
				n = 0;
			}
		}
	}
	return 0;
}

int vu_msg_send(int sock, const struct vfio_user_header *hdr,
		const void *body, size_t body_len,
		const int *fds, unsigned int nr_fds)
{
	return send_msg(sock, hdr, body, body_len, fds, nr_fds, -1, -1);
}

int vu_msg_send_timeout(int sock, const struct vfio_user_header *hdr,
			const void *body, size_t body_len,
			const int *fds, unsigned int nr_fds, int timeout_ms)
{
	return send_msg(sock, hdr, body, body_len, fds, nr_fds, timeout_ms,
			-1);
}

int vu_msg_send_until(int sock, const struct vfio_user_header *hdr,
		      const void *body, size_t body_len,
		      const int *fds, unsigned int nr_fds, int timeout_ms,
		      int stop_fd)
{
	return send_msg(sock, hdr, body, body_len, fds, nr_fds, timeout_ms,
			stop_fd);
}

/* State of one vu_msg_recv() call. */
struct rx {
	int sock;
	struct deadline dl;
	size_t got;		/* bytes of the message read so far */
	int fds[VU_MSG_MAX_FDS_LIMIT];
	unsigned int nr_fds;
	bool ctrunc;
};

/* Take the SCM_RIGHTS descriptors of @mh into @rx (all of them). */
static void take_fds(struct rx *rx, struct msghdr *mh)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n, i;
		int fd;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (rx->nr_fds < VU_MSG_MAX_FDS_LIMIT)
				rx->fds[rx->nr_fds++] = fd;
			else
				close(fd);
		}
	}
}

/*
 * One recvmsg() of at most @len bytes into @buf, waiting for data within
 * @rx's deadline. @control: descriptors may come (they go to @rx);
 * otherwise any are an error (MSG_CTRUNC). Returns the count (> 0),
 * -ECONNRESET on EOF before the first byte of a message, -EPROTO on EOF
 * after it or on truncated control data, -ETIMEDOUT (first byte) /
 * -EPROTO (later) when the deadline passes, or -errno.
 */
static ssize_t recv_some(struct rx *rx, void *buf, size_t len, bool control)
{
	union vu_cmsg_buf cbuf;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh;
	ssize_t n;
	int ret, flags;

	for (;;) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		flags = 0;
		if (control) {
			mh.msg_control = cbuf.buf;
			mh.msg_controllen = sizeof(cbuf.buf);
			flags |= MSG_CMSG_CLOEXEC;
		}
		/*
		 * With a deadline, read first and poll only when nothing is
		 * there: the caller has usually polled already, and the body
		 * comes with the header. One syscall per read, not two.
		 */
		if (rx->dl.set)
			flags |= MSG_DONTWAIT;
		n = recvmsg(rx->sock, &mh, flags);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			ret = wait_ready(rx->sock, POLLIN, &rx->dl);
			if (ret == -ETIMEDOUT && rx->got)
				return -EPROTO;
			if (ret)
				return ret;
			continue;
		}
		if (errno == ECONNRESET && rx->got)
			return -EPROTO;
		return -errno;
	}
	if (mh.msg_controllen)
		take_fds(rx, &mh);
	if (mh.msg_flags & MSG_CTRUNC)
		rx->ctrunc = true;
	if (n == 0)
		return rx->got ? -EPROTO : -ECONNRESET;
	rx->got += (size_t)n;
	if (rx->ctrunc)
		return -EPROTO;
	return n;
}

/*
 * Read exactly @len bytes into @buf. Control data is accepted only while
 * nothing of the message has been read. Returns 0, -ECONNRESET on EOF
 * before the first byte of a message, -EPROTO on EOF after it or on
 * truncated control data, -ETIMEDOUT (first byte) / -EPROTO (later) when
 * the deadline passes, or -errno.
 */
static int read_full(struct rx *rx, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		/* Control data only while nothing of the message is read. */
		n = recv_some(rx, (char *)buf + done, len - done, rx->got == 0);
		if (n < 0)
			return (int)n;
		done += (size_t)n;
	}
	return 0;
}

/* An empty @msg, the limits clamped, @rx ready to read @sock. */
static void msg_begin(struct vu_msg *msg, struct rx *rx, int sock,
		      size_t *max_size, unsigned int *max_fds, int timeout_ms)
{
	unsigned int i;

	memset(&msg->hdr, 0, sizeof(msg->hdr));
	msg->body = NULL;
	msg->body_len = 0;
	msg->nr_fds = 0;
	for (i = 0; i < VU_MSG_MAX_FDS_LIMIT; i++)
		msg->fds[i] = -1;
	if (*max_size > VU_MSG_MAX_SIZE_LIMIT)
		*max_size = VU_MSG_MAX_SIZE_LIMIT;
	if (*max_fds > VU_MSG_MAX_FDS_LIMIT)
		*max_fds = VU_MSG_MAX_FDS_LIMIT;
	/* Not the fds array: only rx->fds[0..nr_fds) is ever read. */
	rx->sock = sock;
	rx->got = 0;
	rx->nr_fds = 0;
	rx->ctrunc = false;
	deadline_init(&rx->dl, timeout_ms);
}

/* Take @hdr into @msg and allocate its body: 0, -EPROTO, -EMSGSIZE, -ENOMEM. */
static int msg_take_header(struct vu_msg *msg,
			   const struct vfio_user_header *hdr, size_t max_size)
{
	msg->hdr = *hdr;
	/* "Message size contains the size of the entire message". */
	if (hdr->size < sizeof(*hdr))
		return -EPROTO;
	if (hdr->size > max_size)
		return -EMSGSIZE;
	msg->body_len = hdr->size - sizeof(*hdr);
	if (msg->body_len) {
		msg->body = malloc(msg->body_len);
		if (!msg->body)
			return -ENOMEM;
	}
	return 0;
}

/* Give @msg the fds @rx gathered: -EPROTO when more than @max_fds came. */
static int msg_take_fds(struct vu_msg *msg, struct rx *rx,
			unsigned int max_fds)
{
	if (rx->nr_fds > max_fds)
		return -EPROTO;	/* consumed whole: the stream is in step */
	memcpy(msg->fds, rx->fds, rx->nr_fds * sizeof(int));
	msg->nr_fds = rx->nr_fds;
	rx->nr_fds = 0;
	return 0;
}

/* A failed receive: nothing stays with @msg or @rx. */
static void msg_drop(struct vu_msg *msg, struct rx *rx)
{
	close_fds(rx->fds, rx->nr_fds);
	rx->nr_fds = 0;
	free(msg->body);
	msg->body = NULL;
	msg->body_len = 0;
}

static int recv_msg(int sock, struct vu_msg *msg, size_t max_size,
		    unsigned int max_fds, int timeout_ms)
{
	struct vfio_user_header hdr;
	struct rx rx;
	int ret;

	msg_begin(msg, &rx, sock, &max_size, &max_fds, timeout_ms);
	ret = read_full(&rx, &hdr, sizeof(hdr));
	if (!ret)
		ret = msg_take_header(msg, &hdr, max_size);
	if (!ret && msg->body_len)
		ret = read_full(&rx, msg->body, msg->body_len);
	if (!ret)
		ret = msg_take_fds(msg, &rx, max_fds);
	if (ret)
		msg_drop(msg, &rx);
	return ret;
}

int vu_msg_recv(int sock, struct vu_msg *msg, size_t max_size,
		unsigned int max_fds)
{
	return recv_msg(sock, msg, max_size, max_fds, -1);
}

int vu_msg_recv_timeout(int sock, struct vu_msg *msg, size_t max_size,
			unsigned int max_fds, int timeout_ms)
{
	return recv_msg(sock, msg, max_size, max_fds, timeout_ms);
}

void vu_msg_rbuf_reset(struct vu_msg_rbuf *rb)
{
	close_fds(rb->fds, rb->nr_fds);
	rb->nr_fds = 0;
	rb->fds_at = 0;
	rb->head = 0;
	rb->tail = 0;
}

/*
 * Offset in @rb of the last message that begins in buf[@from..tail),
 * @from being the start of one: the one descriptors read with those
 * bytes belong to. A size below the header stops the walk there (that
 * message fails, and its error empties the buffer).
 */
static size_t rb_last_start(const struct vu_msg_rbuf *rb, size_t from)
{
	struct vfio_user_header h;
	size_t p = from;

	while (rb->tail - p >= sizeof(h)) {
		memcpy(&h, rb->buf + p, sizeof(h));
		if (h.size < sizeof(h) || h.size >= rb->tail - p)
			break;
		p += h.size;
	}
	return p;
}

/*
 * One recvmsg() of at most @len bytes to the end of @rb's bytes. @ahead:
 * at a message boundary, @rb empty: descriptors are taken, and kept in
 * @rb for the message they belong to. Otherwise the read is inside a
 * message and fds there are an error (MSG_CTRUNC), as in read_full().
 * Returns the count (> 0) or an error as read_full() does.
 */
static ssize_t rb_recv(struct rx *rx, struct vu_msg_rbuf *rb, size_t len,
		       bool ahead)
{
	size_t from = rb->tail;
	ssize_t n;

	n = recv_some(rx, rb->buf + rb->tail, len, ahead);
	if (n < 0)
		return n;
	rb->tail += (size_t)n;
	if (rx->nr_fds) {
		/* Only an ahead read takes fds, and only into an empty
		 * buffer: @rb holds none yet. */
		memcpy(rb->fds, rx->fds, rx->nr_fds * sizeof(int));
		rb->nr_fds = rx->nr_fds;
		rb->fds_at = rb_last_start(rb, from);
		rx->nr_fds = 0;
	}
	return n;
}

/* Make @rb hold the whole header of its next message. */
static int rb_fill_header(struct rx *rx, struct vu_msg_rbuf *rb)
{
	size_t avail;
	ssize_t n;

	if (rb->head == rb->tail) {
		vu_msg_rbuf_reset(rb);	/* holds no fds here: to the start */
		n = rb_recv(rx, rb, sizeof(rb->buf), true);
		if (n < 0)
			return (int)n;
	}
	rx->got = rb->tail - rb->head;
	while ((avail = rb->tail - rb->head) < sizeof(struct vfio_user_header)) {
		/* The rest of a header read ahead in part: exactly. */
		if (rb->head + sizeof(struct vfio_user_header) >
		    sizeof(rb->buf)) {
			memmove(rb->buf, rb->buf + rb->head, avail);
			if (rb->nr_fds)
				rb->fds_at -= rb->head;
			rb->head = 0;
			rb->tail = avail;
		}
		n = rb_recv(rx, rb, sizeof(struct vfio_user_header) - avail,
			    false);
		if (n < 0)
			return (int)n;
	}
	return 0;
}

int vu_msg_recv_rbuf(int sock, struct vu_msg_rbuf *rb, struct vu_msg *msg,
		     size_t max_size, unsigned int max_fds, int timeout_ms)
{
	struct vfio_user_header hdr;
	struct rx rx;
	size_t n;
	int ret;

	msg_begin(msg, &rx, sock, &max_size, &max_fds, timeout_ms);
	ret = rb_fill_header(&rx, rb);
	if (ret)
		goto fail;
	memcpy(&hdr, rb->buf + rb->head, sizeof(hdr));
	if (rb->nr_fds && rb->fds_at == rb->head) {
		memcpy(rx.fds, rb->fds, rb->nr_fds * sizeof(int));
		rx.nr_fds = rb->nr_fds;
		rb->nr_fds = 0;
	}
	rb->head += sizeof(hdr);
	ret = msg_take_header(msg, &hdr, max_size);
	if (ret)
		goto fail;
	if (msg->body_len) {
		n = rb->tail - rb->head;
		if (n > msg->body_len)
			n = msg->body_len;
		memcpy(msg->body, rb->buf + rb->head, n);
		rb->head += n;
		/* The buffer is empty now: the rest, exactly, in place. */
		if (n < msg->body_len) {
			ret = read_full(&rx, (char *)msg->body + n,
					msg->body_len - n);
			if (ret)
				goto fail;
		}
	}
	ret = msg_take_fds(msg, &rx, max_fds);
	if (ret) {
		/* Consumed whole: the stream and @rb are in step. */
		msg_drop(msg, &rx);
		return ret;
	}
	return 0;

fail:
	msg_drop(msg, &rx);
	if (ret != -ETIMEDOUT)
		vu_msg_rbuf_reset(rb);
	return ret;
}

void vu_msg_release(struct vu_msg *msg)
{
	close_fds(msg->fds, msg->nr_fds);
	msg->nr_fds = 0;
	free(msg->body);
	msg->body = NULL;
	msg->body_len = 0;
}

void vu_hdr_command(struct vfio_user_header *hdr, uint16_t msg_id,
		    uint16_t command, int no_reply)
{
	memset(hdr, 0, sizeof(*hdr));
	hdr->msg_id = msg_id;
	hdr->command = command;
	hdr->size = sizeof(*hdr);
	hdr->flags = VFIO_USER_F_TYPE_COMMAND |
		     (no_reply ? VFIO_USER_F_NO_REPLY : 0);
}

void vu_hdr_reply(struct vfio_user_header *hdr,
		  const struct vfio_user_header *cmd)
{
	uint16_t id = cmd->msg_id, command = cmd->command;

	memset(hdr, 0, sizeof(*hdr));
	hdr->msg_id = id;
	hdr->command = command;
	hdr->size = sizeof(*hdr);
	hdr->flags = VFIO_USER_F_TYPE_REPLY;
}

void vu_hdr_error(struct vfio_user_header *hdr,
		  const struct vfio_user_header *cmd, int err)
{
	vu_hdr_reply(hdr, cmd);
	hdr->flags |= VFIO_USER_F_ERROR;
	hdr->error = (uint32_t)(err < 0 ? -(int64_t)err : err);
}

int vu_reply_errno(const struct vfio_user_header *reply)
{
	if (!vu_hdr_is_error(reply))
		return 0;
	if (reply->error == 0 || reply->error > 4095)
		return -EIO;
	return -(int)reply->error;
}

int vu_msg_send_reply(int sock, const struct vfio_user_header *cmd,
		      const void *body, size_t body_len,
		      const int *fds, unsigned int nr_fds)
{
	struct vfio_user_header h;

	vu_hdr_reply(&h, cmd);
	return vu_msg_send(sock, &h, body, body_len, fds, nr_fds);
}

int vu_msg_send_error(int sock, const struct vfio_user_header *cmd, int err)
{
	struct vfio_user_header h;

	vu_hdr_error(&h, cmd, err);
	return vu_msg_send(sock, &h, NULL, 0, NULL, 0);
}
