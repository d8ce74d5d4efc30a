// SPDX-License-Identifier: GPL-2.0-only
/*
 * The client's life cycle: connect to a server socket, negotiate VERSION
 * (spec: "VFIO_USER_VERSION"), start the reader thread; shut down and
 * close. The traffic itself is in vu_client_rx.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto/client/vu_client_priv.h"
#include "proto/vu_validate.h"

static void client_free(struct vu_client *c)
{
	if (c->sock >= 0)
		close(c->sock);
	if (c->twin >= 0)
		close(c->twin);
	if (c->wake >= 0)
		close(c->wake);
	pthread_condattr_destroy(&c->condattr);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->send_lock);
	free(c->name);
	free(c);
}

static struct vu_client *client_new(int sock,
				    const struct vu_client_config *cfg,
				    const char *name)
{
	struct vu_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->sock = sock;
	c->twin = -1;
	c->wake = -1;
	if (pthread_mutex_init(&c->lock, NULL)) {
		free(c);
		return NULL;
	}
	if (pthread_mutex_init(&c->send_lock, NULL)) {
		pthread_mutex_destroy(&c->lock);
		free(c);
		return NULL;
	}
	if (pthread_condattr_init(&c->condattr)) {
		pthread_mutex_destroy(&c->send_lock);
		pthread_mutex_destroy(&c->lock);
		free(c);
		return NULL;
	}
	pthread_condattr_setclock(&c->condattr, CLOCK_MONOTONIC);
	c->name = strdup(name);
	c->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!c->name || c->wake < 0) {
		c->sock = -1;	/* the caller still owns it */
		client_free(c);
		return NULL;
	}
	c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms :
			VU_CLIENT_TIMEOUT_MS_DEFAULT;
	c->dma_access = cfg->dma_access;
	c->on_dead = cfg->on_dead;
	c->opaque = cfg->opaque;
	/* VERSION uses msg_id 0; requests start at 1. */
	c->next_id = 1;
	return c;
}

/* Receive errors of the VERSION reply, in words (@m only read for
 * -EMSGSIZE and -EPROTO). */
static int version_recv_failed(const char *label, int ret, int timeout_ms,
			       const struct vu_msg *m, struct vu_why *why)
{
	switch (ret) {
	case -ECONNRESET:
		vu_why_set(why, "%s: the server closed the connection without "
			   "answering VERSION", label);
		return -ECONNRESET;
	case -ETIMEDOUT:
		vu_why_set(why, "%s: no VERSION reply in %d ms", label,
			   timeout_ms);
		return -ETIMEDOUT;
	case -EMSGSIZE:
	case -EPROTO:
		if (m->hdr.size)
			vu_why_set(why, "%s: not a vfio-user server: its "
				   "answer to VERSION has a header of size "
				   "%u, command %u, flags %#x", label,
				   m->hdr.size, m->hdr.command, m->hdr.flags);
		else
			vu_why_set(why, "%s: not a vfio-user server: it sent "
				   "less than a message header", label);
		return -EPROTO;
	default:
		vu_why_set(why, "%s: receiving the VERSION reply failed: %s",
			   label, strerror(-ret));
		return ret;
	}
}

/* The twin socket fd the server passed must be a stream socket. */
static int check_twin(const char *label, int fd, struct vu_why *why)
{
	int type = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	    type == SOCK_STREAM)
		return 0;
	vu_why_set(why, "%s: the twin socket the server passed is not a "
		   "stream socket", label);
	return -EPROTO;
}

/*
 * VERSION, synchronously before the reader starts: propose @minor and
 * our capabilities, check the reply and take the session's terms.
 */
static int negotiate(struct vu_client *c, const char *label, uint16_t minor,
		     bool twin, struct vu_why *why)
{
	struct vfio_user_header hdr;
	struct vu_why w = { "" };
	struct vu_sent sent;
	struct vu_msg m;
	size_t len;
	void *body;
	int ret, idx;

	c->ours.major = VFIO_USER_MAJOR;
	c->ours.minor = minor;
	vu_caps_ours(&c->ours.caps);
	c->ours.caps.twin_socket = twin;
	/* Our receive limits follow what we offer. */
	c->max_msg_fds = c->ours.caps.max_msg_fds;
	c->max_msg_size = c->ours.caps.max_data_xfer_size + 64u * 1024u;
	if (c->max_msg_size > VU_MSG_MAX_SIZE_LIMIT)
		c->max_msg_size = VU_MSG_MAX_SIZE_LIMIT;

	ret = vu_version_encode(minor, &c->ours.caps, &body, &len);
	if (ret) {
		vu_why_set(why, "%s: no memory for VERSION", label);
		return ret;
	}
	vu_hdr_command(&hdr, 0, VFIO_USER_VERSION, 0);
	ret = vu_msg_send(c->sock, &hdr, body, len, NULL, 0);
	if (ret) {
		free(body);
		if (ret == -EPIPE || ret == -ECONNRESET)
			return version_recv_failed(label, -ECONNRESET,
						   c->timeout_ms, NULL, why);
		vu_why_set(why, "%s: sending VERSION failed: %s", label,
			   strerror(-ret));
		return ret;
	}
	ret = vu_msg_recv_timeout(c->sock, &m, c->max_msg_size,
				  c->max_msg_fds, c->timeout_ms);
	if (ret) {
		free(body);
		return version_recv_failed(label, ret, c->timeout_ms, &m, why);
	}
	sent.hdr = &hdr;
	sent.body = body;
	sent.body_len = len;
	hdr.size = (uint32_t)(VFIO_USER_HDR_SIZE + len);
	ret = vu_validate_reply(&sent, &m, &w);
	free(body);
	if (ret) {
		if (!vu_hdr_is_reply(&m.hdr) || m.hdr.msg_id != 0 ||
		    m.hdr.command != VFIO_USER_VERSION)
			vu_why_set(why, "%s: not a vfio-user server: %s", label,
				   w.msg);
		else
			vu_why_set(why, "%s: bad VERSION reply: %s", label,
				   w.msg);
		ret = -EPROTO;
		goto out;
	}
	ret = vu_reply_errno(&m.hdr);
	if (ret) {
		vu_why_set(why, "%s: the server refused VERSION 0.%u: %s",
			   label, minor, strerror(-ret));
		goto out;
	}
	ret = vu_version_parse(m.body, m.body_len, &c->server, &w);
	if (ret) {
		/* "If the client does not support the proposed major, it
		 * closes the connection." */
		ret = c->server.major != VFIO_USER_MAJOR ? -EPROTONOSUPPORT :
							   -EPROTO;
		vu_why_set(why, "%s: VERSION reply: %s", label, w.msg);
		goto out;
	}
	ret = vu_version_negotiate(&c->ours, &c->server, true, m.nr_fds,
				   &c->session, &w);
	if (ret) {
		vu_why_set(why, "%s: %s", label, w.msg);
		goto out;
	}
	if (c->session.caps.twin_socket) {
		idx = c->session.caps.twin_socket_fd_index;
		ret = check_twin(label, m.fds[idx], why);
		if (ret)
			goto out;
		c->twin = m.fds[idx];
		m.fds[idx] = -1;
	}
	/* Any other fd that came is closed by vu_msg_release(). */
out:
	vu_msg_release(&m);
	return ret;
}

static int attach(int sock, const struct vu_client_config *cfg,
		  const char *name, const char *label,
		  struct vu_client **out, struct vu_why *why)
{
	uint16_t minor = cfg->minor ? cfg->minor : VFIO_USER_MINOR;
	struct vu_client *c;
	int ret;

	*out = NULL;
	if (minor > VFIO_USER_MINOR) {
		vu_why_set(why, "%s: minor %u asked for, we speak 0.%u at most",
			   label, minor, VFIO_USER_MINOR);
		close(sock);
		return -EINVAL;
	}
	c = client_new(sock, cfg, name);
	if (!c) {
		vu_why_set(why, "%s: no memory for the client", label);
		close(sock);
		return -ENOMEM;
	}
	ret = negotiate(c, label, minor, cfg->twin_socket, why);
	if (!ret) {
		ret = vu_client_rx_start(c);
		if (ret)
			vu_why_set(why, "%s: cannot start the reader thread: "
				   "%s", label, strerror(-ret));
	}
	if (ret) {
		client_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int vu_client_attach(int sock, const struct vu_client_config *cfg,
		     struct vu_client **out, struct vu_why *why)
{
	char label[48];

	snprintf(label, sizeof(label), "socket fd %d", sock);
	return attach(sock, cfg, cfg->name ? cfg->name : label,
		      cfg->name ? cfg->name : label, out, why);
}

/*
 * Connect to @path, waiting at most @timeout_ms for the server to take
 * the connection; errors in words that name it.
 */
static int connect_path(const char *path, int timeout_ms, struct vu_why *why)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = timeout_ms / 1000,
			      .tv_usec = (timeout_ms % 1000) * 1000 };
	static const struct timeval forever;
	struct stat st;
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		vu_why_set(why, "%s: socket path longer than %zu bytes", path,
			   sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		vu_why_set(why, "%s: socket: %s", path, strerror(-err));
		return err;
	}
	/*
	 * A server whose listen backlog is full leaves connect() waiting
	 * until it accepts, which a stuck server never does. An AF_UNIX
	 * connect() waits at most the socket's send timeout, then fails
	 * with EAGAIN (net/unix/af_unix.c, unix_stream_connect()).
	 */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		if (err == -EINTR)
			continue;
		close(fd);
		if (err == -EAGAIN) {
			vu_why_set(why, "%s: the server took no connection "
				   "within %d ms (its listen backlog is full)",
				   path, timeout_ms);
			err = -ETIMEDOUT;
		} else if (err == -ENOENT) {
			vu_why_set(why, "%s: no such socket", path);
		} else if (err == -ECONNREFUSED && stat(path, &st) == 0 &&
			   !S_ISSOCK(st.st_mode)) {
			vu_why_set(why, "%s: not a socket", path);
			err = -ENOTSOCK;
		} else if (err == -ECONNREFUSED) {
			vu_why_set(why, "%s: connection refused (no server "
				   "listens)", path);
		} else {
			vu_why_set(why, "%s: connect: %s", path,
				   strerror(-err));
		}
		return err;
	}
	/* Sends have deadlines of their own. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &forever, sizeof(forever));
	return fd;
}

int vu_client_connect(const char *path, const struct vu_client_config *cfg,
		      struct vu_client **out, struct vu_why *why)
{
	int fd;

	*out = NULL;
	fd = connect_path(path, cfg->timeout_ms > 0 ? cfg->timeout_ms :
			  VU_CLIENT_TIMEOUT_MS_DEFAULT, why);
	if (fd < 0)
		return fd;
	return attach(fd, cfg, cfg->name ? cfg->name : path, path, out, why);
}

void vu_client_shutdown(struct vu_client *c)
{
	vu_client_die(c, true, "shut down by the client");
}

void vu_client_close(struct vu_client *c)
{
	uint64_t one = 1;

	if (!c)
		return;
	/* Fails waiters, shuts the sockets down: the reader returns from
	 * any recv, send or poll; the eventfd covers the rest. */
	vu_client_die(c, true, "closed by the client");
	if (write(c->wake, &one, sizeof(one)) < 0) {
		/* Only EAGAIN (already written) is possible. */
	}
	if (c->reader_running)
		pthread_join(c->reader, NULL);
	client_free(c);
}

const struct vu_version *vu_client_session(const struct vu_client *c)
{
	return &c->session;
}

const struct vu_version *vu_client_server_version(const struct vu_client *c)
{
	return &c->server;
}

bool vu_client_twin_socket(const struct vu_client *c)
{
	return c->twin >= 0;
}

const char *vu_client_error(const struct vu_client *c)
{
	/* c->error is written once, before dead is set, and never again;
	 * no lock, so that on_dead may call this. */
	return __atomic_load_n(&c->dead, __ATOMIC_ACQUIRE) ? c->error : NULL;
}
