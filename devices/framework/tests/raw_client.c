// SPDX-License-Identifier: GPL-2.0-only
/*
 * The raw test client (see raw_client.h): proto/'s framing and VERSION
 * code, nothing of the client library.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "devices/framework/tests/raw_client.h"

#define RECV_MAX	VU_MSG_MAX_SIZE_LIMIT

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int rc_connect(struct rc *c, const char *path, int timeout_ms)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long end = now_ms() + timeout_ms;
	int fd;

	memset(c, 0, sizeof(*c));
	c->twin = -1;
	c->sock = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		close(fd);
		if ((errno != ENOENT && errno != ECONNREFUSED) ||
		    now_ms() > end)
			return -errno;
		sleep_ms(10);
	}
	c->sock = fd;
	return 0;
}

void rc_close(struct rc *c)
{
	if (c->sock >= 0)
		close(c->sock);
	if (c->twin >= 0)
		close(c->twin);
	if (c->have_held)
		vu_msg_release(&c->held);
	c->sock = c->twin = -1;
	c->have_held = false;
}

void rc_add_mem(struct rc *c, uint64_t iova, uint64_t size, void *ptr)
{
	c->mem[c->nr_mem].iova = iova;
	c->mem[c->nr_mem].size = size;
	c->mem[c->nr_mem].ptr = ptr;
	c->nr_mem++;
}

static uint8_t *find_mem(struct rc *c, uint64_t iova, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < c->nr_mem; i++) {
		struct rc_mem *m = &c->mem[i];

		if (iova >= m->iova && len <= m->size &&
		    iova - m->iova <= m->size - len)
			return m->ptr + (iova - m->iova);
	}
	return NULL;
}

/* Answer one DMA_READ/DMA_WRITE @m that came on @sock. */
static int serve_dma(struct rc *c, int sock, struct vu_msg *m)
{
	struct vfio_user_dma_access a;
	uint8_t *p, *body;
	int ret;

	if (m->body_len < sizeof(a))
		return vu_msg_send_error(sock, &m->hdr, EINVAL);
	memcpy(&a, m->body, sizeof(a));
	if (a.count > c->dma_max_count)
		c->dma_max_count = a.count;
	p = find_mem(c, a.address, a.count);
	if (!p)
		return vu_msg_send_error(sock, &m->hdr, EFAULT);
	if (m->hdr.command == VFIO_USER_DMA_WRITE) {
		if (m->body_len != sizeof(a) + a.count)
			return vu_msg_send_error(sock, &m->hdr, EINVAL);
		memcpy(p, (uint8_t *)m->body + sizeof(a), a.count);
		c->dma_writes++;
		return vu_msg_send_reply(sock, &m->hdr, &a, sizeof(a), NULL, 0);
	}
	body = malloc(sizeof(a) + a.count);
	if (!body)
		return -ENOMEM;
	memcpy(body, &a, sizeof(a));
	memcpy(body + sizeof(a), p, a.count);
	c->dma_reads++;
	ret = vu_msg_send_reply(sock, &m->hdr, body, sizeof(a) + a.count,
				NULL, 0);
	free(body);
	return ret;
}

static bool is_dma_request(const struct vu_msg *m)
{
	return vu_hdr_type(&m->hdr) == VFIO_USER_F_TYPE_COMMAND &&
	       (m->hdr.command == VFIO_USER_DMA_READ ||
		m->hdr.command == VFIO_USER_DMA_WRITE);
}

/* A DMA request arrived: answer or hold it. Takes @m. */
static int got_dma(struct rc *c, struct vu_msg *m, bool on_twin)
{
	int ret = 0;

	if (c->hold && !c->have_held) {
		c->held = *m;
		c->have_held = true;
		c->held_on_twin = on_twin;
		return 0;
	}
	ret = serve_dma(c, on_twin ? c->twin : c->sock, m);
	if (on_twin)
		c->dma_on_twin++;
	vu_msg_release(m);
	return ret;
}

int rc_answer_held(struct rc *c)
{
	int ret;

	if (!c->have_held)
		return -ENOENT;
	c->have_held = false;
	ret = serve_dma(c, c->held_on_twin ? c->twin : c->sock, &c->held);
	if (c->held_on_twin)
		c->dma_on_twin++;
	vu_msg_release(&c->held);
	return ret;
}

/*
 * Wait for something on the main socket, the twin or @extra_fd. Returns
 * 1 and a message from the main socket in @m; 2 when a DMA request was
 * dealt with; 3 when @extra_fd is readable; 0 on timeout; -errno.
 */
static int wait_any(struct rc *c, struct vu_msg *m, int extra_fd,
		    long end)
{
	struct pollfd p[3];
	struct vu_msg t;
	int left, ret;

	for (;;) {
		left = (int)(end - now_ms());
		if (left < 0)
			return 0;
		p[0] = (struct pollfd){ .fd = c->sock, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = c->twin, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = extra_fd, .events = POLLIN };
		ret = poll(p, 3, left);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return 0;
		if (p[2].revents)
			return 3;
		if (p[1].revents) {
			ret = vu_msg_recv(c->twin, &t, RECV_MAX, 8);
			if (ret)
				return ret;
			if (!is_dma_request(&t)) {
				vu_msg_release(&t);
				return -EPROTO;
			}
			ret = got_dma(c, &t, true);
			return ret ? ret : 2;
		}
		if (p[0].revents) {
			ret = vu_msg_recv(c->sock, m, RECV_MAX, 8);
			if (ret)
				return ret;
			if (is_dma_request(m)) {
				ret = got_dma(c, m, false);
				return ret ? ret : 2;
			}
			return 1;
		}
	}
}

int rc_send(struct rc *c, uint16_t cmd, const void *body, size_t len,
	    const int *fds, unsigned int nr_fds, uint16_t *id)
{
	struct vfio_user_header h;

	vu_hdr_command(&h, c->next_id, cmd, 0);
	if (id)
		*id = c->next_id;
	c->next_id++;
	return vu_msg_send(c->sock, &h, body, len, fds, nr_fds);
}

int rc_send_raw(struct rc *c, const void *bytes, size_t len, const int *fds,
		unsigned int nr_fds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 16)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)bytes, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (nr_fds) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nr_fds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nr_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nr_fds);
	}
	if (sendmsg(c->sock, &mh, MSG_NOSIGNAL) != (ssize_t)len)
		return -errno;
	return 0;
}

int rc_wait_reply(struct rc *c, uint16_t id, uint16_t cmd,
		  struct vu_msg *reply, int timeout_ms)
{
	long end = now_ms() + timeout_ms;
	struct vu_msg m;
	int ret;

	for (;;) {
		ret = wait_any(c, &m, -1, end);
		if (ret == 0)
			return -ETIMEDOUT;
		if (ret < 0)
			return ret;
		if (ret == 2) {
			c->dma_interleaved++;
			continue;
		}
		if (!vu_hdr_is_reply(&m.hdr) || m.hdr.msg_id != id ||
		    m.hdr.command != cmd) {
			vu_msg_release(&m);
			return -EPROTO;
		}
		ret = vu_reply_errno(&m.hdr);
		if (reply)
			*reply = m;
		else
			vu_msg_release(&m);
		return ret;
	}
}

int rc_request(struct rc *c, uint16_t cmd, const void *body, size_t len,
	       const int *fds, unsigned int nr_fds, struct vu_msg *reply)
{
	uint16_t id;
	int ret = rc_send(c, cmd, body, len, fds, nr_fds, &id);

	if (ret)
		return ret;
	return rc_wait_reply(c, id, cmd, reply, RC_TIMEOUT_MS);
}

int rc_wait_fd(struct rc *c, int fd, int timeout_ms)
{
	long end = now_ms() + timeout_ms;
	struct vu_msg m;
	int ret;

	for (;;) {
		ret = wait_any(c, &m, fd, end);
		if (ret == 3)
			return 0;
		if (ret == 0)
			return -ETIMEDOUT;
		if (ret < 0)
			return ret;
		if (ret == 1) {
			vu_msg_release(&m);
			return -EPROTO;
		}
	}
}

int rc_pump(struct rc *c, int timeout_ms)
{
	struct vu_msg m;
	int ret = wait_any(c, &m, -1, now_ms() + timeout_ms);

	if (ret == 1) {
		vu_msg_release(&m);
		return -EPROTO;
	}
	return ret == 2 ? 1 : ret;
}

bool rc_closed_by_server(struct rc *c, int timeout_ms)
{
	long end = now_ms() + timeout_ms;
	struct pollfd p = { .fd = c->sock, .events = POLLIN };
	struct vu_msg m;
	int ret;

	while (now_ms() < end) {
		if (poll(&p, 1, (int)(end - now_ms())) <= 0)
			continue;
		ret = vu_msg_recv(c->sock, &m, RECV_MAX, 8);
		if (ret == -ECONNRESET)
			return true;
		if (ret)
			return ret == -EPROTO;	/* closed mid-message */
		vu_msg_release(&m);	/* an error reply before the close */
	}
	return false;
}

int rc_version(struct rc *c, uint16_t minor, const char *json)
{
	size_t jlen = json ? strlen(json) + 1 : 0;
	struct vfio_user_version *v = calloc(1, sizeof(*v) + jlen);
	struct vu_msg reply;
	struct vu_why why;
	int ret;

	if (!v)
		return -ENOMEM;
	v->major = 0;
	v->minor = minor;
	if (json)
		memcpy(v->data, json, jlen);
	ret = rc_request(c, VFIO_USER_VERSION, v, sizeof(*v) + jlen, NULL, 0,
			 &reply);
	free(v);
	if (ret)
		return ret;
	ret = vu_version_parse(reply.body, reply.body_len, &c->server, &why);
	if (!ret && c->server.caps.twin_socket) {
		int i = c->server.caps.twin_socket_fd_index;

		if (i < 0 || (unsigned int)i >= reply.nr_fds) {
			ret = -EPROTO;
		} else {
			c->twin = reply.fds[i];
			reply.fds[i] = -1;
		}
	}
	vu_msg_release(&reply);
	return ret;
}

int rc_hello(struct rc *c, bool twin)
{
	return rc_version(c, 2, twin ? "{\"capabilities\":{\"max_msg_fds\":8,"
				       "\"twin_socket\":{\"supported\":true}}}" :
				       "{\"capabilities\":{\"max_msg_fds\":8}}");
}

int rc_read(struct rc *c, uint32_t region, uint64_t offset, void *buf,
	    uint32_t count)
{
	struct vfio_user_region_access a = { .offset = offset,
					     .region = region,
					     .count = count };
	struct vu_msg r;
	int ret;

	ret = rc_request(c, VFIO_USER_REGION_READ, &a, sizeof(a), NULL, 0, &r);
	if (ret)
		return ret;
	if (r.body_len != sizeof(a) + count)
		ret = -EPROTO;
	else
		memcpy(buf, (uint8_t *)r.body + sizeof(a), count);
	vu_msg_release(&r);
	return ret;
}

int rc_write(struct rc *c, uint32_t region, uint64_t offset, const void *buf,
	     uint32_t count)
{
	struct vfio_user_region_access a = { .offset = offset,
					     .region = region,
					     .count = count };
	uint8_t *body = malloc(sizeof(a) + count);
	int ret;

	if (!body)
		return -ENOMEM;
	memcpy(body, &a, sizeof(a));
	memcpy(body + sizeof(a), buf, count);
	ret = rc_request(c, VFIO_USER_REGION_WRITE, body, sizeof(a) + count,
			 NULL, 0, NULL);
	free(body);
	return ret;
}

int rc_read32(struct rc *c, uint32_t region, uint64_t offset, uint32_t *v)
{
	return rc_read(c, region, offset, v, 4);
}

int rc_write32(struct rc *c, uint32_t region, uint64_t offset, uint32_t v)
{
	return rc_write(c, region, offset, &v, 4);
}

int rc_dma_map(struct rc *c, uint64_t iova, uint64_t size, int fd,
	       uint64_t offset, uint32_t prot)
{
	struct vfio_user_dma_map d = { .argsz = sizeof(d), .flags = prot,
				       .offset = offset, .address = iova,
				       .size = size };

	return rc_request(c, VFIO_USER_DMA_MAP, &d, sizeof(d),
			  fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0, NULL);
}

int rc_dma_unmap(struct rc *c, uint64_t iova, uint64_t size)
{
	struct vfio_user_dma_unmap d = { .argsz = sizeof(d), .address = iova,
					 .size = size };

	return rc_request(c, VFIO_USER_DMA_UNMAP, &d, sizeof(d), NULL, 0,
			  NULL);
}

int rc_set_irqs(struct rc *c, uint32_t index, uint32_t flags, uint32_t start,
		uint32_t count, const uint8_t *bools, const int *fds,
		unsigned int nr_fds)
{
	size_t n = bools ? count : 0;
	struct vfio_user_irq_set *s = calloc(1, sizeof(*s) + n);
	int ret;

	if (!s)
		return -ENOMEM;
	s->argsz = (uint32_t)(sizeof(*s) + n);
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	if (n)
		memcpy(s->data, bools, n);
	ret = rc_request(c, VFIO_USER_DEVICE_SET_IRQS, s, sizeof(*s) + n, fds,
			 nr_fds, NULL);
	free(s);
	return ret;
}

int rc_region_info(struct rc *c, uint32_t index, uint32_t argsz,
		   struct vu_msg *reply)
{
	struct vfio_user_region_info q = { .argsz = argsz, .index = index };

	return rc_request(c, VFIO_USER_DEVICE_GET_REGION_INFO, &q, sizeof(q),
			  NULL, 0, reply);
}

int rc_irq_info(struct rc *c, uint32_t index, struct vfio_user_irq_info *out)
{
	struct vfio_user_irq_info q = { .argsz = sizeof(q), .index = index };
	struct vu_msg r;
	int ret;

	ret = rc_request(c, VFIO_USER_DEVICE_GET_IRQ_INFO, &q, sizeof(q), NULL,
			 0, &r);
	if (ret)
		return ret;
	if (r.body_len < sizeof(*out))
		ret = -EPROTO;
	else
		memcpy(out, r.body, sizeof(*out));
	vu_msg_release(&r);
	return ret;
}

int rc_fd_count(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int rc_wait_fd_count(pid_t pid, int want, int timeout_ms)
{
	long end = now_ms() + timeout_ms;
	int n;

	for (;;) {
		n = rc_fd_count(pid);
		if (n == want || now_ms() > end)
			return n;
		sleep_ms(5);
	}
}
