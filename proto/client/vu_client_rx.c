// SPDX-License-Identifier: GPL-2.0-only
/*
 * The client's traffic: requests in flight matched with their replies
 * by msg_id, the reader thread that receives what the server sends
 * (replies, and DMA_READ/DMA_WRITE which it serves), timeouts and the
 * death of a connection. Section names are those of QEMU's
 * docs/interop/vfio-user.rst.
 *
 * Who reads the main socket: without a twin socket, the reader thread,
 * since the server's DMA commands may come between our requests and
 * their replies ("Command Concurrency"). With one, server-to-client
 * commands and their replies go on the twin ("Socket"), so the main
 * socket carries nothing but replies to our requests. Then a requester
 * reads its reply itself: a trapped access costs two threads (vCPU and
 * server) instead of three, with no hand-over on the fast path. One
 * requester at a time is the receiver (c->receiving); it hands the
 * replies of others over as the reader thread would, and passes the
 * role on when it has its own. The reader thread serves the twin socket
 * and watches the main one only for its hang-up.
 *
 * Locks: send_lock serialises whole messages on the main socket (a
 * requester's command, the reader's reply to a DMA command); lock guards
 * the list of requests in flight, the receiver role and the dead state.
 * send_lock is taken before lock, never while holding it. Every wait
 * has a deadline; a thread stuck in a send syscall is freed by
 * shutdown() when whoever notices the deadline (the requester, or the
 * reader thread, which wakes at least once per timeout) kills the
 * connection, and so is a receiver in poll(), which has no timeout of
 * its own: the reader thread never blocks for long (its receives and
 * sends have deadlines, dma_access is prompt), so its checks cover it.
 * on_dead runs under lock, at the moment of death.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto/client/vu_client_priv.h"
#include "proto/vu_validate.h"

#define CMD(c)	vu_command_name(c)

/* --- Time --- */

static void deadline_in(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* Milliseconds from now until @t, rounded up; 0 if passed. */
static int ms_until(const struct timespec *t)
{
	struct timespec now;
	int64_t ns;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (int64_t)(t->tv_sec - now.tv_sec) * 1000000000LL +
	     (t->tv_nsec - now.tv_nsec);
	if (ns <= 0)
		return 0;
	if (ns / 1000000 >= INT_MAX)
		return INT_MAX;
	return (int)((ns + 999999) / 1000000);
}

/* --- Death --- */

/*
 * With c->lock held: record the reason, fail every waiter, shut the
 * sockets down (a thread blocked sending or receiving returns) and call
 * on_dead, still under the lock, so that it has run before any call
 * returns the death to its caller. A second death changes nothing.
 */
static void die_locked(struct vu_client *c, bool quiet, const char *fmt,
		       va_list ap)
{
	struct vu_pending *e;
	int n;

	if (c->dead)
		return;
	n = snprintf(c->error, sizeof(c->error), "%s: ", c->name);
	if (n < 0 || (size_t)n >= sizeof(c->error))
		n = 0;
	vsnprintf(c->error + n, sizeof(c->error) - (size_t)n, fmt, ap);
	/* vu_client_error() reads dead without the lock. */
	__atomic_store_n(&c->dead, true, __ATOMIC_RELEASE);

	for (e = c->pending; e; e = e->next) {
		if (e->done)
			continue;
		e->result = -ENOTCONN;
		e->done = true;
		pthread_cond_signal(&e->cond);
	}
	shutdown(c->sock, SHUT_RDWR);
	if (c->twin >= 0)
		shutdown(c->twin, SHUT_RDWR);
	if (!quiet && c->on_dead)
		c->on_dead(c->opaque, c->error);
}

__attribute__((format(printf, 2, 3)))
static void die_locked_f(struct vu_client *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	die_locked(c, false, fmt, ap);
	va_end(ap);
}

void vu_client_die(struct vu_client *c, bool quiet, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&c->lock);
	va_start(ap, fmt);
	die_locked(c, quiet, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&c->lock);
}

int vu_client_break(struct vu_client *c, uint16_t command,
		    const char *fmt, ...)
{
	char what[VU_WHY_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	vu_client_die(c, false, "reply to %s breaks the protocol: %s",
		      CMD(command), what);
	return -EPROTO;
}

/*
 * With c->lock held: @e's deadline passed. It gets -ETIMEDOUT, the
 * connection dies ("Request Retry and Response Timeout" leaves the
 * scheme to us: a late reply could no longer be matched safely).
 */
static void expire_locked(struct vu_client *c, struct vu_pending *e)
{
	e->result = -ETIMEDOUT;
	e->done = true;
	pthread_cond_signal(&e->cond);
	if (!e->sent)
		die_locked_f(c, "could not send %s (msg %u) in %d ms: the "
			     "server does not read", CMD(e->hdr.command),
			     e->hdr.msg_id, c->timeout_ms);
	else
		die_locked_f(c, "no reply to %s (msg %u) in %d ms",
			     CMD(e->hdr.command), e->hdr.msg_id,
			     c->timeout_ms);
}

/* --- Requests in flight --- */

static struct vu_pending *find_locked(struct vu_client *c, uint16_t id)
{
	struct vu_pending *e;

	for (e = c->pending; e; e = e->next)
		if (e->hdr.msg_id == id && !e->done)
			return e;
	return NULL;
}

static bool id_in_flight(struct vu_client *c, uint16_t id)
{
	struct vu_pending *e;

	for (e = c->pending; e; e = e->next)
		if (e->hdr.msg_id == id)
			return true;
	return false;
}

/*
 * The next msg_id: they wrap at 65536 and skip any id still in flight,
 * so that a reply always names one request ("Header": message IDs belong
 * to the sender).
 */
static int alloc_id_locked(struct vu_client *c, uint16_t *id)
{
	unsigned int tries;

	for (tries = 0; tries <= UINT16_MAX; tries++) {
		uint16_t cand = c->next_id++;

		if (!id_in_flight(c, cand)) {
			*id = cand;
			return 0;
		}
	}
	return -EBUSY;
}

static void list_add_locked(struct vu_client *c, struct vu_pending *e)
{
	e->prev = NULL;
	e->next = c->pending;
	if (c->pending)
		c->pending->prev = e;
	c->pending = e;
}

static void list_del_locked(struct vu_client *c, struct vu_pending *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->pending = e->next;
	if (e->next)
		e->next->prev = e->prev;
	e->prev = e->next = NULL;
}

static int rx_one(struct vu_client *c, int sock);

/*
 * With c->lock held, the receiver is done with its own request: pass the
 * role to one requester still waiting for its reply (sent and not done:
 * it sleeps on its condition variable, and wakes to find the role free).
 * With none left the role is free, for the next requester once it has
 * sent. But if the server hung up meanwhile (c->hup: the reader thread
 * saw it and left the rest to us), first read what came up to the end,
 * which no longer blocks: replies still to hand over, then the death.
 */
static void rx_pass_locked(struct vu_client *c)
{
	struct vu_pending *e;

	for (;;) {
		for (e = c->pending; e; e = e->next) {
			if (e->sent && !e->done) {
				c->receiving = false;
				/* Under the lock: @e lives on a stack that
				 * may be gone once it is released. */
				pthread_cond_signal(&e->cond);
				return;
			}
		}
		if (!c->hup || c->dead)
			break;
		pthread_mutex_unlock(&c->lock);
		rx_one(c, c->sock);
		pthread_mutex_lock(&c->lock);
	}
	/* Nobody reads a dead connection on: close the fds read ahead. */
	if (c->dead)
		vu_msg_rbuf_reset(&c->rb);
	c->receiving = false;
}

/*
 * Twin socket mode, with c->lock held and the receiver role free: take
 * it and read the main socket until @e is done, then pass the role on.
 * Returns with c->lock held.
 *
 * The wait has no timeout of its own: the reader thread expires every
 * request in time (check_deadlines_locked()), the waiting requesters
 * their own, and a death shuts the socket down, so poll() returns. (A
 * timeout costs an hrtimer per round trip, some 0.4 us here.) Poll
 * first, then read: the reply is hardly ever there yet. A blocking
 * recvmsg() would be one syscall fewer, but measured slower, with more
 * context switches.
 */
static void rx_receive_locked(struct vu_client *c, struct vu_pending *e)
{
	struct pollfd p = { .fd = c->sock, .events = POLLIN };
	int ret, err;

	c->receiving = true;
	while (!e->done) {
		pthread_mutex_unlock(&c->lock);
		/* What was read ahead poll() does not see. */
		if (vu_msg_rbuf_pending(&c->rb))
			ret = 1;
		else
			ret = poll(&p, 1, -1);
		err = errno;
		if (ret > 0)
			rx_one(c, c->sock);
		pthread_mutex_lock(&c->lock);
		if (ret < 0 && err != EINTR)
			die_locked_f(c, "poll failed: %s", strerror(err));
	}
	rx_pass_locked(c);
}

static void msg_init(struct vu_msg *m)
{
	unsigned int i;

	memset(&m->hdr, 0, sizeof(m->hdr));
	m->body = NULL;
	m->body_len = 0;
	m->nr_fds = 0;
	for (i = 0; i < VU_MSG_MAX_FDS_LIMIT; i++)
		m->fds[i] = -1;
}

int vu_client_call(struct vu_client *c, uint16_t command,
		   const void *body, size_t len,
		   const int *fds, unsigned int nr_fds, struct vu_msg *reply)
{
	struct vu_pending e;
	uint16_t id = 0;
	int ret;

	msg_init(reply);
	/* A dead connection answers at once, whatever holds send_lock. */
	if (__atomic_load_n(&c->dead, __ATOMIC_ACQUIRE))
		return -ENOTCONN;
	if (nr_fds > c->session.caps.max_msg_fds || (nr_fds && !fds) ||
	    (len && !body))
		return -EINVAL;
	if (len > UINT32_MAX - VFIO_USER_HDR_SIZE)
		return -EMSGSIZE;

	memset(&e, 0, sizeof(e));
	e.body = body;
	e.body_len = len;
	e.reply = reply;
	e.result = -EIO;
	deadline_in(&e.deadline, c->timeout_ms);
	ret = pthread_cond_init(&e.cond, &c->condattr);
	if (ret)
		return -ret;

	/* Ids go on the wire in the order they are given out. */
	ret = pthread_mutex_clocklock(&c->send_lock, CLOCK_MONOTONIC,
				      &e.deadline);
	if (ret) {
		if (ret == ETIMEDOUT)
			vu_client_die(c, false, "could not send %s in %d ms: "
				      "another send is stuck (the server does "
				      "not read)", CMD(command),
				      c->timeout_ms);
		pthread_cond_destroy(&e.cond);
		return ret == ETIMEDOUT ? -ETIMEDOUT : -ret;
	}
	pthread_mutex_lock(&c->lock);
	if (c->dead)
		ret = -ENOTCONN;
	else
		ret = alloc_id_locked(c, &id);
	if (ret) {
		pthread_mutex_unlock(&c->lock);
		pthread_mutex_unlock(&c->send_lock);
		pthread_cond_destroy(&e.cond);
		return ret;
	}
	vu_hdr_command(&e.hdr, id, command, 0);
	e.hdr.size = (uint32_t)(VFIO_USER_HDR_SIZE + len);
	list_add_locked(c, &e);
	pthread_mutex_unlock(&c->lock);

	ret = vu_msg_send(c->sock, &e.hdr, body, len, fds, nr_fds);
	pthread_mutex_unlock(&c->send_lock);

	pthread_mutex_lock(&c->lock);
	e.sent = true;
	if (ret && !e.done)
		die_locked_f(c, "sending %s (msg %u) failed: %s", CMD(command),
			     e.hdr.msg_id, strerror(-ret));
	while (!e.done) {
		if (c->twin >= 0 && !c->receiving) {
			rx_receive_locked(c, &e);
			continue;
		}
		ret = pthread_cond_clockwait(&e.cond, &c->lock,
					     CLOCK_MONOTONIC, &e.deadline);
		if (ret == ETIMEDOUT && !e.done)
			expire_locked(c, &e);
	}
	list_del_locked(c, &e);
	ret = e.result;
	pthread_mutex_unlock(&c->lock);
	pthread_cond_destroy(&e.cond);
	return ret;
}

int vu_client_request(struct vu_client *c, uint16_t command,
		      const void *body, size_t len,
		      const int *fds, unsigned int nr_fds,
		      struct vu_msg *reply)
{
	return vu_client_call(c, command, body, len, fds, nr_fds, reply);
}

/* --- The reader thread --- */

/*
 * A reply from the server: hand it to its requester, checked against
 * what was sent. A reply nobody waits for, or one that breaks the
 * protocol, kills the connection (its requester gets the check's errno).
 */
static void rx_reply(struct vu_client *c, struct vu_msg *m)
{
	struct vu_pending *e;
	struct vu_sent sent;
	struct vu_why why;
	int ret;

	pthread_mutex_lock(&c->lock);
	e = find_locked(c, m->hdr.msg_id);
	if (!e) {
		die_locked_f(c, "reply %u (%s) answers no request in flight",
			     m->hdr.msg_id, CMD(m->hdr.command));
		pthread_mutex_unlock(&c->lock);
		vu_msg_release(m);
		return;
	}
	sent.hdr = &e->hdr;
	sent.body = e->body;
	sent.body_len = e->body_len;
	ret = vu_validate_reply(&sent, m, &why);
	if (ret) {
		e->result = ret;
		e->done = true;
		pthread_cond_signal(&e->cond);
		die_locked_f(c, "reply to %s breaks the protocol: %s",
			     CMD(e->hdr.command), why.msg);
		pthread_mutex_unlock(&c->lock);
		vu_msg_release(m);
		return;
	}
	*e->reply = *m;		/* moved: body and fds are the caller's */
	e->result = vu_reply_errno(&m->hdr);
	e->done = true;
	pthread_cond_signal(&e->cond);
	pthread_mutex_unlock(&c->lock);
}

/*
 * Send a reply on @sock; the main socket is shared with requesters. The
 * send has a deadline: with a twin socket, the requesters' deadlines
 * rest on this thread (rx_receive_locked()), which must never block for
 * good on a server that does not read.
 */
static int send_reply(struct vu_client *c, int sock,
		      const struct vfio_user_header *cmd, int err,
		      const void *body, size_t len)
{
	struct vfio_user_header h;
	struct timespec dl;
	bool main_sock = sock == c->sock;
	int ret;

	if (main_sock) {
		deadline_in(&dl, c->timeout_ms);
		ret = pthread_mutex_clocklock(&c->send_lock, CLOCK_MONOTONIC,
					      &dl);
		if (ret) {
			vu_client_die(c, false, "could not reply to %s (msg "
				      "%u) in %d ms: a send is stuck (the "
				      "server does not read)",
				      CMD(cmd->command), cmd->msg_id,
				      c->timeout_ms);
			return -ETIMEDOUT;
		}
	}
	if (err) {
		vu_hdr_error(&h, cmd, err);
		body = NULL;
		len = 0;
	} else {
		vu_hdr_reply(&h, cmd);
	}
	ret = vu_msg_send_timeout(sock, &h, body, len, NULL, 0,
				  c->timeout_ms);
	if (main_sock)
		pthread_mutex_unlock(&c->send_lock);
	if (ret == -ETIMEDOUT)
		vu_client_die(c, false, "could not reply to %s (msg %u)%s in "
			      "%d ms: the server does not read",
			      CMD(cmd->command), cmd->msg_id,
			      main_sock ? "" : " on the twin socket",
			      c->timeout_ms);
	else if (ret)
		vu_client_die(c, false, "sending the reply to %s (msg %u) "
			      "failed: %s", CMD(cmd->command), cmd->msg_id,
			      strerror(-ret));
	return ret;
}

/* What dma_access returned, as the errno of an error reply. */
static int dma_errno(int ret)
{
	if (ret < 0 && ret >= -4095)
		return -ret;
	return EIO;
}

/*
 * "VFIO_USER_DMA_READ" / "VFIO_USER_DMA_WRITE", checked: served through
 * dma_access. The DMA_WRITE reply carries address and count as 64-bit
 * fields, as the request does (libvfio-user's reading; the spec's table
 * gives count 4 bytes).
 */
static int serve_dma(struct vu_client *c, const struct vu_msg *m,
		     void **out, size_t *out_len)
{
	struct vfio_user_dma_access a;
	uint8_t *r;
	int ret;

	memcpy(&a, m->body, sizeof(a));
	if (!c->dma_access)
		return EFAULT;
	if (m->hdr.command == VFIO_USER_DMA_WRITE) {
		ret = c->dma_access(c->opaque, a.address,
				    (uint8_t *)m->body + sizeof(a), a.count,
				    true);
		if (ret)
			return dma_errno(ret);
		r = malloc(sizeof(a));
		if (!r)
			return ENOMEM;
		memcpy(r, &a, sizeof(a));
		*out = r;
		*out_len = sizeof(a);
		return 0;
	}
	/* count <= our max_data_xfer_size: vu_validate_command() saw to it */
	r = malloc(sizeof(a) + a.count);
	if (!r)
		return ENOMEM;
	ret = c->dma_access(c->opaque, a.address, r + sizeof(a), a.count,
			    false);
	if (ret) {
		free(r);
		return dma_errno(ret);
	}
	memcpy(r, &a, sizeof(a));
	*out = r;
	*out_len = sizeof(a) + a.count;
	return 0;
}

/*
 * A command from the server. Only DMA_READ and DMA_WRITE go this way
 * ("Commands"); anything else, or a malformed one, gets an error reply
 * (the errno of vu_validate_command(), EOPNOTSUPP for other commands)
 * and the connection goes on: the framing is intact. With a twin socket
 * they belong there ("Socket"); one on the main socket gets EINVAL,
 * since a requester reads it there, and dma_access runs in the reader
 * thread only.
 */
static int rx_command(struct vu_client *c, int sock, struct vu_msg *m)
{
	void *body = NULL;
	size_t len = 0;
	int err, ret;

	err = -vu_validate_command(m, c->ours.caps.max_data_xfer_size, NULL);
	if (!err && m->hdr.command != VFIO_USER_DMA_READ &&
	    m->hdr.command != VFIO_USER_DMA_WRITE)
		err = EOPNOTSUPP;
	if (!err && c->twin >= 0 && sock == c->sock)
		err = EINVAL;
	if (!err)
		err = serve_dma(c, m, &body, &len);
	ret = 0;
	if (!vu_hdr_no_reply(&m->hdr))
		ret = send_reply(c, sock, &m->hdr, err, body, len);
	free(body);
	vu_msg_release(m);
	return ret;
}

/*
 * vu_msg_recv() failed on @sock. If the header that came is a reply to a
 * request in flight, that requester gets the error itself; everyone else
 * gets -ENOTCONN.
 */
static void rx_failed(struct vu_client *c, bool twin, const struct vu_msg *m,
		      int err)
{
	const char *on = twin ? " on the twin socket" : "";
	struct vu_pending *e = NULL;

	pthread_mutex_lock(&c->lock);
	if (m->hdr.size && vu_hdr_is_reply(&m->hdr) && !twin)
		e = find_locked(c, m->hdr.msg_id);
	if (e && err != -ECONNRESET) {
		e->result = err;
		e->done = true;
		pthread_cond_signal(&e->cond);
	}
	switch (err) {
	case -ECONNRESET:
		die_locked_f(c, "server closed the %s",
				      twin ? "twin socket" : "connection");
		break;
	case -EMSGSIZE:
		die_locked_f(c, "message %u (%s) of %u bytes%s "
				      "exceeds our limit of %zu",
				      m->hdr.msg_id, CMD(m->hdr.command),
				      m->hdr.size, on, c->max_msg_size);
		break;
	case -EPROTO:
		if (!m->hdr.size)
			die_locked_f(c, "server broke off a "
					      "message header%s", on);
		else if (m->hdr.size < VFIO_USER_HDR_SIZE)
			die_locked_f(c, "message %u (%s)%s has "
					      "size %u, below the 16-byte "
					      "header", m->hdr.msg_id,
					      CMD(m->hdr.command), on,
					      m->hdr.size);
		else
			die_locked_f(c, "message %u (%s) of %u "
					      "bytes%s was cut short or "
					      "carried more than %u fds",
					      m->hdr.msg_id,
					      CMD(m->hdr.command), m->hdr.size,
					      on, c->max_msg_fds);
		break;
	default:
		die_locked_f(c, "receiving%s failed: %s", on,
				      strerror(-err));
		break;
	}
	pthread_mutex_unlock(&c->lock);
}

/* Receive and handle one message from @sock. Returns 0 to go on. */
static int rx_one(struct vu_client *c, int sock)
{
	bool twin = sock != c->sock;
	struct vu_msg m;
	int ret;

	/* Once a message has begun, the rest must follow in time. */
	if (twin)
		ret = vu_msg_recv_timeout(sock, &m, c->max_msg_size,
					  c->max_msg_fds, c->timeout_ms);
	else
		ret = vu_msg_recv_rbuf(sock, &c->rb, &m, c->max_msg_size,
				       c->max_msg_fds, c->timeout_ms);
	if (ret == -ETIMEDOUT)
		return 0;	/* nothing came after all */
	if (ret) {
		rx_failed(c, twin, &m, ret);
		return ret;
	}
	switch (vu_hdr_type(&m.hdr)) {
	case VFIO_USER_F_TYPE_REPLY:
		if (twin) {
			/* We send no commands there. */
			vu_client_die(c, false, "reply %u (%s) came on the "
				      "twin socket", m.hdr.msg_id,
				      CMD(m.hdr.command));
			vu_msg_release(&m);
			return -EPROTO;
		}
		rx_reply(c, &m);
		return 0;
	case VFIO_USER_F_TYPE_COMMAND:
		return rx_command(c, sock, &m);
	default:
		vu_client_die(c, false, "message %u (%s) has type %u, neither "
			      "command nor reply", m.hdr.msg_id,
			      CMD(m.hdr.command), vu_hdr_type(&m.hdr));
		vu_msg_release(&m);
		return -EPROTO;
	}
}

/*
 * With c->lock held: expire requests whose deadline passed (a requester
 * stuck in a send cannot do it itself) and return how long the reader
 * may sleep: until the next deadline, and never longer than the timeout,
 * so that a request added meanwhile is checked in time (its deadline is
 * at least a timeout away).
 */
static int check_deadlines_locked(struct vu_client *c)
{
	struct vu_pending *e;
	int wait = c->timeout_ms, left;

	for (e = c->pending; e; e = e->next) {
		if (e->done)
			continue;
		left = ms_until(&e->deadline);
		if (left == 0) {
			expire_locked(c, e);
			return 0;
		}
		if (left < wait)
			wait = left;
	}
	return wait;
}

/*
 * Twin socket mode: the main socket hung up (or has an error). Replies
 * requesters wait for may still be in it: unless a requester is the
 * receiver, which then reads on to the end itself (c->hup,
 * rx_pass_locked()), take the role and read what is left, up to the
 * death. Returns nonzero once the connection is dead.
 */
static int rx_hangup(struct vu_client *c)
{
	int ret = 0;

	pthread_mutex_lock(&c->lock);
	if (c->receiving) {
		c->hup = true;
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
	c->receiving = true;
	pthread_mutex_unlock(&c->lock);
	while (!ret)
		ret = rx_one(c, c->sock);
	pthread_mutex_lock(&c->lock);
	if (c->dead)
		vu_msg_rbuf_reset(&c->rb);	/* nobody reads on */
	c->receiving = false;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

static void *reader_main(void *arg)
{
	struct vu_client *c = arg;
	bool twin = c->twin >= 0;
	/*
	 * With a twin socket the requesters read the main socket; here
	 * only its hang-up matters, which POLLRDHUP (and POLLHUP, always
	 * reported) gives without a wake-up for every reply.
	 */
	struct pollfd p[3] = {
		{ .fd = c->wake, .events = POLLIN },
		{ .fd = c->sock, .events = twin ? POLLRDHUP : POLLIN },
		{ .fd = c->twin, .events = POLLIN },
	};
	nfds_t n = twin ? 3 : 2;
	int wait, ret;
	bool hup, ahead;

	for (;;) {
		pthread_mutex_lock(&c->lock);
		wait = c->dead ? -1 : check_deadlines_locked(c);
		hup = c->hup;
		pthread_mutex_unlock(&c->lock);
		if (wait < 0)
			break;

		/* A hang-up left to the receivers is theirs to read. */
		p[1].fd = hup ? -1 : c->sock;
		/* Without a twin socket the reader alone reads @sock: what
		 * it read ahead poll() does not see. */
		ahead = !twin && vu_msg_rbuf_pending(&c->rb);
		ret = poll(p, n, ahead ? 0 : wait);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			vu_client_die(c, false, "poll failed: %s",
				      strerror(errno));
			break;
		}
		if (p[0].revents)
			break;		/* vu_client_close() */
		if ((p[1].revents || ahead) &&
		    (twin ? rx_hangup(c) : rx_one(c, c->sock)))
			break;
		if (twin && p[2].revents && rx_one(c, c->twin))
			break;
	}
	/* Dead (closed too): empty what was read ahead, unless a requester
	 * still receives (it empties it itself, rx_pass_locked()). */
	pthread_mutex_lock(&c->lock);
	if (c->dead && !c->receiving)
		vu_msg_rbuf_reset(&c->rb);
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int vu_client_rx_start(struct vu_client *c)
{
	int ret = pthread_create(&c->reader, NULL, reader_main, c);

	if (ret)
		return -ret;
	c->reader_running = true;
	return 0;
}
