// SPDX-License-Identifier: GPL-2.0-only
/*
 * One client connection. Two threads serve it:
 *
 * - the reader (the thread that called vus_serve()) is the only one that
 *   reads the main socket. Commands go into a queue for the dispatch
 *   thread; a reply to one of our DMA_READ/DMA_WRITE commands goes
 *   straight to the thread waiting for it. It also watches the stop
 *   eventfd and the INTx unmask eventfd.
 * - the dispatch thread handles the commands in order (spec: "The
 *   server will process commands in the order they are received") and
 *   sends the replies.
 *
 * So a device callback, or a device thread, that needs a DMA_READ reply
 * while the dispatch thread is busy still gets it: nothing that reads
 * the socket ever waits for the device (spec: "it is still illegal for
 * implementations to stall command or reply processing indefinitely
 * while waiting for replies on the other channel"). With a twin socket
 * (spec: "twin_socket", "Socket") server-to-client commands and their
 * replies use it instead, one at a time, read by the thread that waits
 * for them. Then nothing the device waits for comes on the main socket,
 * and the reader handles a command itself when the dispatch thread has
 * nothing before it (dispatch_here()): a trapped access then crosses
 * one server thread, not two.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto/vu_validate.h"
#include "devices/framework/vus_priv.h"

/*
 * How long a client may leave a message of ours unread (its socket full)
 * before the connection is given up: a client that does not read would
 * otherwise hold the thread that sends for good.
 */
#define PEER_TIMEOUT_MS		10000
/* Commands queued beyond this much memory make the reader stop reading
 * for a while. */
#define QUEUE_MAX_BYTES		(16u << 20)
/* How long a DMA_READ/DMA_WRITE waits for the client's reply. */
#define DMA_TIMEOUT_MS		10000
/* The largest message we receive: what our max_data_xfer_size needs. */
#define RECV_MAX		VU_MSG_MAX_SIZE_DEFAULT
/*
 * How long the rest of a message may take once its first bytes came. A
 * client stalling in the middle of one is cut off after this, so that it
 * cannot keep the reader (and so SIGTERM) waiting.
 */
#define MSG_TIMEOUT_MS		5000

static void empty_msg(struct vu_msg *m)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < VU_MSG_MAX_FDS_LIMIT; i++)
		m->fds[i] = -1;
}

static int conn_init(struct vus_conn *c, struct vus_dev *dev, int sock)
{
	pthread_condattr_t ca;

	memset(c, 0, sizeof(*c));
	c->dev = dev;
	c->sock = sock;
	c->twin = -1;
	empty_msg(&c->wait_reply);
	c->ours.major = VFIO_USER_MAJOR;
	c->ours.minor = VFIO_USER_MINOR;
	vu_caps_ours(&c->ours.caps);
	c->ours.caps.max_dma_maps = dev->max_dma_maps;
	c->ours.caps.write_multiple = true;
	c->ours.caps.twin_socket_fd_index = -1;

	if (pthread_condattr_init(&ca))
		return -ENOMEM;
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (pthread_mutex_init(&c->send_lock, NULL) ||
	    pthread_mutex_init(&c->q_lock, NULL) ||
	    pthread_cond_init(&c->q_cond, NULL) ||
	    pthread_mutex_init(&c->dma_lock, NULL) ||
	    pthread_mutex_init(&c->wait_lock, NULL) ||
	    pthread_cond_init(&c->wait_cond, &ca)) {
		pthread_condattr_destroy(&ca);
		return -ENOMEM;
	}
	pthread_condattr_destroy(&ca);
	return 0;
}

static void conn_free(struct vus_conn *c)
{
	struct vus_qmsg *q;

	while ((q = c->q_head)) {
		c->q_head = q->next;
		vu_msg_release(&q->msg);
		free(q);
	}
	vu_msg_release(&c->wait_reply);
	vu_msg_rbuf_reset(&c->rb);
	if (c->twin >= 0)
		close(c->twin);
	close(c->sock);
	pthread_mutex_destroy(&c->send_lock);
	pthread_mutex_destroy(&c->q_lock);
	pthread_cond_destroy(&c->q_cond);
	pthread_mutex_destroy(&c->dma_lock);
	pthread_mutex_destroy(&c->wait_lock);
	pthread_cond_destroy(&c->wait_cond);
	free(c);
}

void vus_session_break(struct vus_conn *conn)
{
	pthread_mutex_lock(&conn->q_lock);
	conn->broken = true;
	pthread_cond_broadcast(&conn->q_cond);
	pthread_mutex_unlock(&conn->q_lock);
	vus_dev_wake(conn->dev);
}

static bool is_broken(struct vus_conn *conn)
{
	bool b;

	pthread_mutex_lock(&conn->q_lock);
	b = conn->broken;
	pthread_mutex_unlock(&conn->q_lock);
	return b;
}

/* --- Sending on the main socket --- */

int vus_session_send(struct vus_conn *conn, const struct vfio_user_header *hdr,
		     const void *body, size_t len, const int *fds,
		     unsigned int nr_fds)
{
	int ret;

	pthread_mutex_lock(&conn->send_lock);
	ret = vu_msg_send_until(conn->sock, hdr, body, len, fds, nr_fds,
				PEER_TIMEOUT_MS, conn->dev->stop_fd);
	pthread_mutex_unlock(&conn->send_lock);
	return ret;
}

int vus_session_answer(struct vus_conn *conn,
		       const struct vfio_user_header *cmd, int err,
		       const void *body, size_t len, const int *fds,
		       unsigned int nr_fds)
{
	struct vfio_user_header h;

	if (err) {
		vu_hdr_error(&h, cmd, -err);
		return vus_session_send(conn, &h, NULL, 0, NULL, 0);
	}
	vu_hdr_reply(&h, cmd);
	return vus_session_send(conn, &h, body, len, fds, nr_fds);
}

/* --- The queue between reader and dispatch thread --- */

/*
 * What a queued message costs in memory, not on the wire: its queue entry
 * (a struct vu_msg, with room for every fd a message may carry: about
 * 1 KiB) and its body. Counting wire bytes let a million 16-byte commands
 * whose replies the client never read take 1.1 GB.
 */
static size_t msg_bytes(const struct vu_msg *m)
{
	return sizeof(struct vus_qmsg) + m->body_len;
}

static int enqueue(struct vus_conn *conn, struct vu_msg *m)
{
	struct vus_qmsg *q = malloc(sizeof(*q));

	if (!q)
		return -ENOMEM;
	q->next = NULL;
	q->msg = *m;		/* the queue owns body and fds now */
	pthread_mutex_lock(&conn->q_lock);
	if (conn->q_tail)
		conn->q_tail->next = q;
	else
		conn->q_head = q;
	conn->q_tail = q;
	conn->q_bytes += msg_bytes(m);
	pthread_mutex_unlock(&conn->q_lock);
	/* After unlocking (conn outlives both threads): the dispatch
	 * thread does not wake only to wait for the lock. */
	pthread_cond_signal(&conn->q_cond);
	return 0;
}

static struct vus_qmsg *dequeue(struct vus_conn *conn)
{
	struct vus_qmsg *q = NULL;
	bool was_full;

	pthread_mutex_lock(&conn->q_lock);
	while (!conn->q_head && !conn->q_closed && !conn->broken)
		pthread_cond_wait(&conn->q_cond, &conn->q_lock);
	if (!conn->q_closed && !conn->broken) {
		q = conn->q_head;
		conn->q_head = q->next;
		if (!conn->q_head)
			conn->q_tail = NULL;
		was_full = conn->q_bytes >= QUEUE_MAX_BYTES;
		conn->q_bytes -= msg_bytes(&q->msg);
		conn->q_busy = true;
		if (was_full && conn->q_bytes < QUEUE_MAX_BYTES)
			vus_dev_wake(conn->dev);
	}
	pthread_mutex_unlock(&conn->q_lock);
	return q;
}

static void *dispatch_thread(void *arg)
{
	struct vus_conn *conn = arg;
	struct vus_qmsg *q;

	while ((q = dequeue(conn))) {
		vus_dispatch(conn, &q->msg);
		vu_msg_release(&q->msg);
		free(q);
		pthread_mutex_lock(&conn->q_lock);
		conn->q_busy = false;
		/* VERSION is handled here, and twin and versioned are set
		 * by this thread: from now on the reader may dispatch. */
		conn->direct = conn->twin >= 0 && conn->versioned;
		pthread_mutex_unlock(&conn->q_lock);
	}
	return NULL;
}

/*
 * Whether the reader may handle a command itself rather than queue it.
 * The queue is there so that a device waiting for a DMA reply on the
 * main socket does not block its only reader; with a twin socket those
 * replies come on the twin (exchange_twin()), so the reader can, once
 * nothing queued earlier is waiting or being handled (the order stays).
 */
static bool dispatch_here(struct vus_conn *conn)
{
	bool here;

	pthread_mutex_lock(&conn->q_lock);
	here = conn->direct && !conn->q_head && !conn->q_busy &&
	       !conn->broken;
	pthread_mutex_unlock(&conn->q_lock);
	return here;
}

/* --- VERSION --- */

int vus_session_version(struct vus_conn *conn, const struct vu_msg *m,
			struct vus_reply *r, int *twin_fd, struct vu_why *why)
{
	struct vus_dev *dev = conn->dev;
	struct vu_version peer, ours = conn->ours, sess;
	struct vu_caps rc;
	int sv[2] = { -1, -1 };
	int ret;

	ret = vu_version_parse(m->body, m->body_len, &peer, why);
	if (ret)
		return ret;
	/* Twin socket when the client asks for it (spec: "If and only if
	 * the client has indicated support for twin-socket mode"). */
	ours.caps.twin_socket = peer.caps.twin_socket;
	ret = vu_version_negotiate(&ours, &peer, false, 0, &sess, why);
	if (ret)
		return ret;

	/* Our reply: our own receive limits, the rest as negotiated (a
	 * subset of what the client proposed). */
	rc = ours.caps;
	rc.max_dma_maps = sess.caps.max_dma_maps;
	rc.pgsizes = sess.caps.pgsizes;
	rc.write_multiple = sess.caps.write_multiple;
	rc.twin_socket = sess.caps.twin_socket;
	rc.twin_socket_fd_index = -1;
	rc.migration = false;
	if (rc.twin_socket) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
			vus_log(dev, VUS_LOG_WARN, "no twin socket: socketpair: "
				"%s", strerror(errno));
			rc.twin_socket = sess.caps.twin_socket = false;
		} else {
			rc.twin_socket_fd_index = 0;
		}
	}
	ret = vu_version_encode(sess.minor, &rc, &r->body, &r->len);
	if (ret) {
		if (sv[0] >= 0) {
			close(sv[0]);
			close(sv[1]);
		}
		vu_why_set(why, "VERSION reply: no memory");
		return ret;
	}
	if (sv[0] >= 0) {
		/* "Keep the server end of the socket pair and pass the
		 * client end in the file descriptor array". */
		conn->twin = sv[0];
		*twin_fd = sv[1];
		r->fds[0] = sv[1];
		r->nr_fds = 1;
	}
	conn->session = sess;
	vus_dma_table_set_max(&dev->dma, sess.caps.max_dma_maps);
	vus_log(dev, VUS_LOG_INFO, "client speaks vfio-user 0.%u (proposed "
		"0.%u), twin socket %s, max_data_xfer_size %llu, max_msg_fds "
		"%u, max_dma_maps %llu", sess.minor, peer.minor,
		rc.twin_socket ? "on" : "off",
		(unsigned long long)sess.caps.max_data_xfer_size,
		sess.caps.max_msg_fds,
		(unsigned long long)sess.caps.max_dma_maps);
	return 0;
}

/* --- Server-to-client DMA messages --- */

uint64_t vus_session_dma_chunk(struct vus_dev *dev)
{
	uint64_t n = 0, ours;

	pthread_rwlock_rdlock(&dev->conn_lock);
	if (dev->conn && dev->conn->versioned) {
		n = dev->conn->session.caps.max_data_xfer_size;
		ours = dev->conn->ours.caps.max_data_xfer_size;
		/* The reply to a DMA_READ must fit what we receive. */
		if (n > ours)
			n = ours;
	}
	pthread_rwlock_unlock(&dev->conn_lock);
	return n;
}

static void deadline(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Send @hdr + @body on the main socket and wait for the reader to hand
 * over the reply. */
static int exchange_main(struct vus_conn *conn, struct vfio_user_header *hdr,
			 const void *body, size_t len, struct vu_msg *reply)
{
	struct timespec ts;
	int ret = 0;

	pthread_mutex_lock(&conn->wait_lock);
	if (conn->dead) {
		pthread_mutex_unlock(&conn->wait_lock);
		return -ENOTCONN;
	}
	conn->waiting = true;
	conn->wait_done = false;
	conn->wait_id = hdr->msg_id;
	conn->wait_cmd = hdr->command;
	pthread_mutex_unlock(&conn->wait_lock);

	ret = vus_session_send(conn, hdr, body, len, NULL, 0);

	deadline(&ts, DMA_TIMEOUT_MS);
	pthread_mutex_lock(&conn->wait_lock);
	while (!ret && !conn->wait_done && !conn->dead)
		if (pthread_cond_timedwait(&conn->wait_cond, &conn->wait_lock,
					   &ts) == ETIMEDOUT)
			ret = -ETIMEDOUT;
	if (conn->wait_done) {
		*reply = conn->wait_reply;
		empty_msg(&conn->wait_reply);
		ret = 0;
	} else if (!ret) {
		ret = -ENOTCONN;
	}
	conn->waiting = false;
	pthread_mutex_unlock(&conn->wait_lock);
	return ret;
}

/* Whether the peer has closed @sock (EOF, nothing left to read). */
static bool peer_closed(int sock)
{
	char c;

	return recv(sock, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/*
 * Wait for the reply on the twin socket. The waiting thread may be the
 * reader itself (dispatch_here()): so also watch what it would have,
 * the stop eventfd and the client hanging up the main socket, so as not
 * to hold off either for DMA_TIMEOUT_MS.
 */
static int wait_twin(struct vus_conn *conn)
{
	struct pollfd p[3] = {
		{ .fd = conn->twin, .events = POLLIN },
		{ .fd = conn->dev->stop_fd, .events = POLLIN },
		{ .fd = conn->sock, .events = POLLRDHUP },
	};
	int ret;

	do
		ret = poll(p, 3, DMA_TIMEOUT_MS);
	while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	if (p[1].revents || p[2].revents)
		return -ENOTCONN;
	return 0;
}

static int exchange_twin(struct vus_conn *conn, struct vfio_user_header *hdr,
			 const void *body, size_t len, struct vu_msg *reply)
{
	int ret;

	/* A client that does not read cannot hold the sender (maybe the
	 * reader) for good either. */
	ret = vu_msg_send_until(conn->twin, hdr, body, len, NULL, 0,
				DMA_TIMEOUT_MS, conn->dev->stop_fd);
	if (!ret)
		ret = wait_twin(conn);
	if (!ret)
		ret = vu_msg_recv_timeout(conn->twin, reply, RECV_MAX, 0,
					  DMA_TIMEOUT_MS);
	/* A reply cut short because the client closed the socket is the
	 * client going away, not a broken reply. */
	if (ret == -ECONNRESET || ret == -EPIPE ||
	    (ret == -EPROTO && peer_closed(conn->twin)))
		ret = -ENOTCONN;
	return ret;
}

/* Check and use the reply of one DMA message. */
static int dma_reply(struct vus_conn *conn, const struct vfio_user_header *hdr,
		     const void *body, size_t len, struct vu_msg *reply,
		     void *buf, uint64_t count)
{
	struct vu_sent sent = { .hdr = hdr, .body = body, .body_len = len };
	const char *what = vu_command_name(hdr->command);
	struct vfio_user_dma_access a;
	struct vu_why why = { .msg = "" };
	int ret;

	ret = vu_validate_reply(&sent, reply, &why);
	if (ret) {
		vus_log(conn->dev, VUS_LOG_ERR, "bad %s reply: %s: closing the "
			"connection", what, why.msg);
		vus_session_break(conn);
		return -EPROTO;
	}
	ret = vu_reply_errno(&reply->hdr);
	if (ret) {
		vus_log(conn->dev, VUS_LOG_DEBUG, "%s of %#llx +%llu: the "
			"client says %s", what,
			(unsigned long long)((const uint64_t *)body)[0],
			(unsigned long long)count, strerror(-ret));
		return ret;
	}
	if (hdr->command == VFIO_USER_DMA_WRITE) {
		uint32_t c32;

		if (reply->body_len == 12) {	/* the spec's 4-byte count */
			memcpy(&c32, (uint8_t *)reply->body + 8, 4);
			a.count = c32;
		} else {
			memcpy(&a, reply->body, sizeof(a));
		}
	} else {
		memcpy(&a, reply->body, sizeof(a));
	}
	if (a.count != count) {
		vus_log(conn->dev, VUS_LOG_WARN, "%s of %llu bytes: the client "
			"did %llu", what, (unsigned long long)count,
			(unsigned long long)a.count);
		return -EIO;
	}
	if (hdr->command == VFIO_USER_DMA_READ)
		memcpy(buf, (uint8_t *)reply->body + sizeof(a), count);
	return 0;
}

int vus_session_dma(struct vus_dev *dev, bool write, uint64_t iova,
		    void *buf, uint64_t len)
{
	struct vfio_user_dma_access a = { .address = iova, .count = len };
	struct vfio_user_header hdr;
	struct vus_conn *conn;
	struct vu_msg reply;
	uint8_t *body = NULL;
	size_t blen = sizeof(a);
	int ret;

	empty_msg(&reply);
	pthread_rwlock_rdlock(&dev->conn_lock);
	conn = dev->conn;
	if (!conn || !conn->versioned) {
		pthread_rwlock_unlock(&dev->conn_lock);
		return -ENOTCONN;
	}
	if (write)
		blen += len;
	body = malloc(blen);
	if (!body) {
		pthread_rwlock_unlock(&dev->conn_lock);
		return -ENOMEM;
	}
	memcpy(body, &a, sizeof(a));
	if (write)
		memcpy(body + sizeof(a), buf, len);

	pthread_mutex_lock(&conn->dma_lock);
	vu_hdr_command(&hdr, conn->next_id++,
		       write ? VFIO_USER_DMA_WRITE : VFIO_USER_DMA_READ, 0);
	hdr.size = (uint32_t)(VFIO_USER_HDR_SIZE + blen);
	if (conn->twin >= 0)
		ret = exchange_twin(conn, &hdr, body, blen, &reply);
	else
		ret = exchange_main(conn, &hdr, body, blen, &reply);
	if (!ret) {
		ret = dma_reply(conn, &hdr, body, blen, &reply, buf, len);
	} else if (ret == -ETIMEDOUT || ret == -EPROTO) {
		vus_log(dev, VUS_LOG_ERR, "%s of %#llx +%llu: %s: closing the "
			"connection", vu_command_name(hdr.command),
			(unsigned long long)iova, (unsigned long long)len,
			ret == -ETIMEDOUT ? "no reply in time" :
					    "broken reply");
		vus_session_break(conn);
	} else if (ret != -ENOTCONN) {
		vus_session_break(conn);
		ret = -ENOTCONN;
	}
	pthread_mutex_unlock(&conn->dma_lock);
	pthread_rwlock_unlock(&dev->conn_lock);
	vu_msg_release(&reply);
	free(body);
	return ret;
}

/* The reader hands a reply to the waiting requester, if it is its. */
static bool deliver(struct vus_conn *conn, struct vu_msg *m)
{
	bool taken = false;

	pthread_mutex_lock(&conn->wait_lock);
	if (conn->waiting && !conn->wait_done &&
	    m->hdr.msg_id == conn->wait_id &&
	    m->hdr.command == conn->wait_cmd) {
		conn->wait_reply = *m;
		conn->wait_done = true;
		taken = true;
	}
	pthread_mutex_unlock(&conn->wait_lock);
	/* After unlocking: wait_cond is conn's, which outlives us. */
	if (taken)
		pthread_cond_broadcast(&conn->wait_cond);
	return taken;
}

/* --- The reader --- */

/* vu_msg_recv() failed: say why, answer if there is a command to answer. */
static void recv_failed(struct vus_conn *conn, const struct vu_msg *m, int ret)
{
	struct vus_dev *dev = conn->dev;
	const struct vfio_user_header *h = &m->hdr;
	bool have_hdr = h->msg_id || h->command || h->size || h->flags;
	const char *what = vu_command_name(h->command);
	int err = ret;

	if (ret == -EMSGSIZE) {
		vus_log(dev, VUS_LOG_WARN, "rejected %s (msg %u): message size "
			"%u exceeds the %u-byte limit: closing the connection",
			what, h->msg_id, h->size, (unsigned int)RECV_MAX);
	} else if (ret == -EPROTO && have_hdr && h->size < VFIO_USER_HDR_SIZE) {
		vus_log(dev, VUS_LOG_WARN, "rejected %s (msg %u): message size "
			"%u is below the 16-byte header: closing the "
			"connection", what, h->msg_id, h->size);
	} else if (ret == -EPROTO && have_hdr) {
		vus_log(dev, VUS_LOG_WARN, "rejected %s (msg %u) of size %u: "
			"cut short (not complete within %d ms), or more than "
			"%u fds: closing the connection", what, h->msg_id,
			h->size, MSG_TIMEOUT_MS, VU_MAX_MSG_FDS);
	} else if (ret == -EPROTO) {
		vus_log(dev, VUS_LOG_WARN, "the client closed the connection "
			"in the middle of a message header");
		have_hdr = false;
	} else {
		vus_log(dev, VUS_LOG_WARN, "receive failed: %s: closing the "
			"connection", strerror(-ret));
		have_hdr = false;
	}
	if (have_hdr && vu_hdr_type(h) == VFIO_USER_F_TYPE_COMMAND)
		vus_session_answer(conn, h, err, NULL, 0, NULL, 0);
}

/* Read what the socket has; returns false when the session ends. */
static bool read_one(struct vus_conn *conn)
{
	struct vus_dev *dev = conn->dev;
	struct vu_msg m;
	int ret;

	ret = vu_msg_recv_rbuf(conn->sock, &conn->rb, &m, RECV_MAX,
			       VU_MAX_MSG_FDS, MSG_TIMEOUT_MS);
	if (ret == -ETIMEDOUT)
		return true;	/* nothing came after all: in step */
	if (ret == -ECONNRESET) {
		vus_log(dev, VUS_LOG_INFO, "client disconnected");
		return false;
	}
	if (ret) {
		recv_failed(conn, &m, ret);
		return false;
	}
	if (vu_hdr_is_reply(&m.hdr) && deliver(conn, &m))
		return true;
	/* Commands, and anything else for the dispatcher to reject. */
	if (dispatch_here(conn)) {
		vus_dispatch(conn, &m);
		vu_msg_release(&m);
		return true;
	}
	if (enqueue(conn, &m)) {
		vus_log(dev, VUS_LOG_ERR, "no memory for %s: closing the "
			"connection", vu_command_name(m.hdr.command));
		vu_msg_release(&m);
		return false;
	}
	return true;
}

static void drain(int efd)
{
	uint64_t v;
	ssize_t n = read(efd, &v, sizeof(v));

	(void)n;
}

/* Returns 1 when stopped, 0 when the session ended otherwise. */
static int reader(struct vus_conn *conn)
{
	struct vus_dev *dev = conn->dev;
	struct pollfd p[4];
	int unmask, ret;
	bool room, ahead;

	for (;;) {
		pthread_mutex_lock(&conn->q_lock);
		room = conn->q_bytes < QUEUE_MAX_BYTES;
		pthread_mutex_unlock(&conn->q_lock);
		unmask = vus_irqs_unmask_fd(dev);
		p[0] = (struct pollfd){ .fd = dev->stop_fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = dev->wake_fd, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = room ? conn->sock : -1,
					.events = POLLIN };
		p[3] = (struct pollfd){ .fd = unmask, .events = POLLIN };
		/* What was read ahead poll() does not see. */
		ahead = room && vu_msg_rbuf_pending(&conn->rb);
		ret = poll(p, 4, ahead ? 0 : -1);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			vus_log(dev, VUS_LOG_ERR, "poll: %s", strerror(errno));
			return 0;
		}
		if (p[0].revents) {
			vus_log(dev, VUS_LOG_INFO, "stopping: closing the "
				"connection");
			return 1;
		}
		if (p[1].revents)
			drain(dev->wake_fd);
		if (p[3].revents)
			vus_irqs_unmask_event(dev);
		if (is_broken(conn))
			return 0;
		if ((p[2].revents || ahead) && !read_one(conn))
			return 0;
	}
}

static void teardown(struct vus_conn *conn)
{
	struct vus_dev *dev = conn->dev;
	size_t maps;

	/* Requests in flight fail now (-ENOTCONN)... */
	pthread_mutex_lock(&conn->wait_lock);
	conn->dead = true;
	pthread_cond_broadcast(&conn->wait_cond);
	pthread_mutex_unlock(&conn->wait_lock);
	if (conn->twin >= 0)
		shutdown(conn->twin, SHUT_RDWR);
	shutdown(conn->sock, SHUT_RDWR);
	/* ...the dispatch thread stops after the command it is in... */
	pthread_mutex_lock(&conn->q_lock);
	conn->q_closed = true;
	pthread_cond_broadcast(&conn->q_cond);
	pthread_mutex_unlock(&conn->q_lock);
	pthread_join(conn->dispatcher, NULL);
	/* ...the device stops its DMA... */
	if (conn->versioned && dev->ops.detach)
		dev->ops.detach(dev, dev->opaque);
	/* ...no thread uses the connection any more... */
	pthread_rwlock_wrlock(&dev->conn_lock);
	dev->conn = NULL;
	pthread_rwlock_unlock(&dev->conn_lock);
	/* ...and what the client gave goes (spec: "Client Disconnection"). */
	maps = vus_dma_table_count(&dev->dma);
	vus_dma_table_clear(&dev->dma);
	vus_dma_table_set_max(&dev->dma, dev->max_dma_maps);
	vus_irqs_drop_client(dev);
	/*
	 * Said before the socket closes: whoever sees it closed (a test
	 * waiting for its client to be let go) finds the line written.
	 */
	vus_log(dev, VUS_LOG_INFO, "client gone: dropped %zu DMA maps and "
		"its IRQ eventfds; device state kept", maps);
	conn_free(conn);
}

int vus_session_run(struct vus_dev *dev, int sock)
{
	struct vus_conn *conn = calloc(1, sizeof(*conn));
	int ret;

	if (!conn || conn_init(conn, dev, sock)) {
		vus_log(dev, VUS_LOG_ERR, "no memory for a connection");
		free(conn);
		close(sock);
		return 0;
	}
	pthread_rwlock_wrlock(&dev->conn_lock);
	dev->conn = conn;
	pthread_rwlock_unlock(&dev->conn_lock);
	ret = pthread_create(&conn->dispatcher, NULL, dispatch_thread, conn);
	if (ret) {
		vus_log(dev, VUS_LOG_ERR, "cannot start a dispatch thread: %s",
			strerror(ret));
		pthread_rwlock_wrlock(&dev->conn_lock);
		dev->conn = NULL;
		pthread_rwlock_unlock(&dev->conn_lock);
		conn_free(conn);
		return 0;
	}
	ret = reader(conn);
	teardown(conn);
	return ret;
}
