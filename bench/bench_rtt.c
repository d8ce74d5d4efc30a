// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-rtt: the round trip of a trapped BAR access, as minivmm makes it
 * for a vCPU (vu_client_region_read() of 4 bytes, answered by
 * vfio-user-testdev's TESTDEV_ID register), against a raw UNIX socket
 * ping-pong of the same sizes between two processes: 32 bytes out (header
 * and region access), 36 back (header, region access, 4 data bytes).
 *
 *   bench-rtt --testdev PATH [--iterations N] [--blocks B] [--only VARIANT]
 *
 * Each block runs N round trips of every variant in turn (so that drift
 * of the machine hits all of them), and prints per variant
 *   sample rtt.VARIANT.p50 NS
 *   sample rtt.VARIANT.p99 NS
 * Variants:
 *   raw      write(32) / read(36) on a socketpair; the peer process
 *            read()s 32 and write()s 36 (the baseline);
 *   client   vu_client_region_read() through proto/client, testdev as
 *            the peer (what is measured);
 * and two that explain the difference between them:
 *   framed   raw, but both sides use proto's framing (vu_msg_send(),
 *            vu_msg_recv_timeout()) as the client and the framework do;
 *   handoff  raw, but the reply is read by a second thread that hands it
 *            to the caller through a mutex and condition variable, as the
 *            client's reader thread does;
 *   direct   proto's framing in the calling thread (no reader thread),
 *            against a second vfio-user-testdev: what the server side
 *            (devices/framework) costs.
 * --only runs one variant (for profiling it, e.g. under perf).
 * Every client reply is checked (TESTDEV_MAGIC): never a silent wrong
 * answer. Exit status 0, 1 on failure, 2 on bad usage.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "devices/testdev/testdev_regs.h"
#include "proto/client/vu_client.h"
#include "proto/vu_msg.h"

#define REQ_LEN		(VFIO_USER_HDR_SIZE + 16)
#define REPLY_LEN	(VFIO_USER_HDR_SIZE + 16 + 4)

enum variant { V_RAW, V_CLIENT, V_FRAMED, V_HANDOFF, V_DIRECT, NR_VARIANTS };

static const char *const variant_name[NR_VARIANTS] = {
	"raw", "client", "framed", "handoff", "direct",
};

/* The handoff variant's reader thread and its rendezvous. */
struct handoff {
	int sock;
	int stop;		/* eventfd */
	pthread_t thread;
	bool thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int error;
	uint8_t reply[REPLY_LEN];
};

struct bench {
	int sock[NR_VARIANTS];	/* client ends (-1 for V_CLIENT) */
	pid_t peer[NR_VARIANTS];
	struct vu_client *client;
	struct handoff ho;
	uint8_t req[REQ_LEN];
	uint64_t *lat;		/* ns, one block */
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		done += (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* The REGION_READ of TESTDEV_ID as it goes on the wire. */
static void build_request(uint8_t *req)
{
	struct vfio_user_header h;
	struct vfio_user_region_access a = {
		.offset = TESTDEV_ID,
		.region = TESTDEV_REGS_BAR,
		.count = 4,
	};

	vu_hdr_command(&h, 1, VFIO_USER_REGION_READ, 0);
	h.size = REQ_LEN;
	memcpy(req, &h, sizeof(h));
	memcpy(req + sizeof(h), &a, sizeof(a));
}

/* Peer of raw and handoff: read 32, answer 36, until EOF. */
static void peer_raw(int sock)
{
	uint8_t req[REQ_LEN], reply[REPLY_LEN];
	struct vfio_user_header h;
	uint32_t magic = TESTDEV_MAGIC;

	while (read_full(sock, req, sizeof(req)) == 0) {
		memcpy(&h, req, sizeof(h));
		vu_hdr_reply(&h, &h);
		h.size = REPLY_LEN;
		memcpy(reply, &h, sizeof(h));
		memcpy(reply + sizeof(h), req + sizeof(h), 16);
		memcpy(reply + sizeof(h) + 16, &magic, 4);
		if (write_full(sock, reply, sizeof(reply)))
			break;
	}
}

/* Peer of framed: proto's framing, as devices/framework receives. */
static void peer_framed(int sock)
{
	uint8_t body[16 + 4];
	uint32_t magic = TESTDEV_MAGIC;
	struct vu_msg m;

	for (;;) {
		/* A deadline, as the framework's reader has one: it makes
		 * vu_msg_recv_timeout() poll before it reads. Idle between
		 * blocks, the peer waits on. */
		int ret = vu_msg_recv_timeout(sock, &m, 4096, 0, 5000);

		if (ret == -ETIMEDOUT)
			continue;
		if (ret)
			break;
		if (m.body_len != 16) {
			vu_msg_release(&m);
			break;
		}
		memcpy(body, m.body, 16);
		memcpy(body + 16, &magic, 4);
		if (vu_msg_send_reply(sock, &m.hdr, body, sizeof(body),
				      NULL, 0)) {
			vu_msg_release(&m);
			break;
		}
		vu_msg_release(&m);
	}
}

static pid_t start_peer(int *client_end, void (*fn)(int), char *const *argv)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		if (fn) {
			fn(sv[1]);
			_exit(0);
		}
		/* vfio-user-testdev --fd=3 serves the connected socket. */
		if (dup2(sv[1], 3) < 0)
			_exit(127);
		execv(argv[0], argv);
		fprintf(stderr, "bench-rtt: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	*client_end = sv[0];
	return pid;
}

static void *handoff_reader(void *arg)
{
	struct handoff *ho = arg;
	struct pollfd p[2] = {
		{ .fd = ho->stop, .events = POLLIN },
		{ .fd = ho->sock, .events = POLLIN },
	};
	uint8_t reply[REPLY_LEN];
	int ret;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
		} else if (p[0].revents) {
			return NULL;
		} else {
			ret = read_full(ho->sock, reply, sizeof(reply));
		}
		pthread_mutex_lock(&ho->lock);
		memcpy(ho->reply, reply, sizeof(reply));
		ho->error = ret;
		ho->done = true;
		pthread_cond_signal(&ho->cond);
		pthread_mutex_unlock(&ho->lock);
		if (ret)
			return NULL;
	}
}

static int check_reply(const uint8_t *reply)
{
	uint32_t v;

	memcpy(&v, reply + REPLY_LEN - 4, 4);
	return v == TESTDEV_MAGIC ? 0 : -EPROTO;
}

/* One round trip of @v. Returns 0 or -errno. */
static int round_trip(struct bench *b, enum variant v)
{
	uint8_t reply[REPLY_LEN];
	struct handoff *ho = &b->ho;
	struct vu_msg m;
	uint32_t id;
	int ret;

	switch (v) {
	case V_RAW:
		ret = write_full(b->sock[v], b->req, REQ_LEN);
		if (!ret)
			ret = read_full(b->sock[v], reply, REPLY_LEN);
		return ret ? ret : check_reply(reply);
	case V_FRAMED:
	case V_DIRECT: {
		struct vfio_user_header h;

		memcpy(&h, b->req, sizeof(h));
		ret = vu_msg_send(b->sock[v], &h, b->req + sizeof(h), 16,
				  NULL, 0);
		if (ret)
			return ret;
		ret = vu_msg_recv_timeout(b->sock[v], &m, 4096, 0, 5000);
		if (ret)
			return ret;
		if (m.hdr.size != REPLY_LEN) {
			vu_msg_release(&m);
			return -EPROTO;
		}
		if (m.hdr.flags & VFIO_USER_F_ERROR) {
			vu_msg_release(&m);
			return -EPROTO;
		}
		memcpy(reply + VFIO_USER_HDR_SIZE, m.body, m.body_len);
		vu_msg_release(&m);
		return check_reply(reply);
	}
	case V_HANDOFF:
		ret = write_full(b->sock[v], b->req, REQ_LEN);
		if (ret)
			return ret;
		pthread_mutex_lock(&ho->lock);
		while (!ho->done)
			pthread_cond_wait(&ho->cond, &ho->lock);
		ho->done = false;
		ret = ho->error ? ho->error : check_reply(ho->reply);
		pthread_mutex_unlock(&ho->lock);
		return ret;
	case V_CLIENT:
		ret = vu_client_region_read(b->client, TESTDEV_REGS_BAR,
					    TESTDEV_ID, &id, sizeof(id));
		if (ret)
			return ret;
		return id == TESTDEV_MAGIC ? 0 : -EPROTO;
	default:
		return -EINVAL;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int run_block(struct bench *b, enum variant v, unsigned int n,
		     unsigned int warmup)
{
	unsigned int i;
	int ret;

	for (i = 0; i < warmup; i++) {
		ret = round_trip(b, v);
		if (ret)
			return ret;
	}
	for (i = 0; i < n; i++) {
		uint64_t t = now_ns();

		ret = round_trip(b, v);
		b->lat[i] = now_ns() - t;
		if (ret)
			return ret;
	}
	qsort(b->lat, n, sizeof(b->lat[0]), cmp_u64);
	printf("sample rtt.%s.p50 %llu\n", variant_name[v],
	       (unsigned long long)b->lat[n / 2]);
	printf("sample rtt.%s.p99 %llu\n", variant_name[v],
	       (unsigned long long)b->lat[(size_t)n * 99 / 100]);
	fflush(stdout);
	return 0;
}

/*
 * VERSION by hand on @sock (no twin socket: the server then sends its
 * DMA commands, none here, on the main socket), so that the calling
 * thread can read the replies itself.
 */
static int handshake(int sock)
{
	struct vfio_user_header h;
	struct vu_caps caps;
	struct vu_msg m;
	size_t len;
	void *body;
	int ret;

	vu_caps_ours(&caps);
	ret = vu_version_encode(VFIO_USER_MINOR, &caps, &body, &len);
	if (ret)
		return ret;
	vu_hdr_command(&h, 0, VFIO_USER_VERSION, 0);
	ret = vu_msg_send(sock, &h, body, len, NULL, 0);
	free(body);
	if (ret)
		return ret;
	ret = vu_msg_recv_timeout(sock, &m, 65536, 0, 5000);
	if (ret)
		return ret;
	ret = vu_hdr_is_reply(&m.hdr) && !(m.hdr.flags & VFIO_USER_F_ERROR) ?
	      0 : -EPROTO;
	vu_msg_release(&m);
	return ret;
}

static int setup(struct bench *b, const char *testdev)
{
	char *targv[] = { (char *)testdev, (char *)"--fd=3", NULL };
	/* As minivmm connects (vmm/vfio_user_dev.c): twin socket offered. */
	struct vu_client_config cfg = {
		.name = "vfio-user-testdev",
		.twin_socket = true,
	};
	struct vu_why why;
	int sock, ret;

	build_request(b->req);
	b->peer[V_RAW] = start_peer(&b->sock[V_RAW], peer_raw, NULL);
	b->peer[V_FRAMED] = start_peer(&b->sock[V_FRAMED], peer_framed, NULL);
	b->peer[V_HANDOFF] = start_peer(&b->sock[V_HANDOFF], peer_raw, NULL);
	b->peer[V_CLIENT] = start_peer(&sock, NULL, targv);
	b->sock[V_CLIENT] = -1;
	b->peer[V_DIRECT] = start_peer(&b->sock[V_DIRECT], NULL, targv);
	if (b->peer[V_RAW] < 0 || b->peer[V_FRAMED] < 0 ||
	    b->peer[V_HANDOFF] < 0 || b->peer[V_CLIENT] < 0 ||
	    b->peer[V_DIRECT] < 0) {
		perror("bench-rtt: cannot start a peer");
		return -1;
	}
	ret = handshake(b->sock[V_DIRECT]);
	if (ret) {
		fprintf(stderr, "bench-rtt: VERSION with %s failed: %s\n",
			testdev, strerror(-ret));
		return -1;
	}
	ret = vu_client_attach(sock, &cfg, &b->client, &why);
	if (ret) {
		fprintf(stderr, "bench-rtt: %s: %s\n", testdev, why.msg);
		return -1;
	}

	b->ho.sock = b->sock[V_HANDOFF];
	b->ho.stop = eventfd(0, EFD_CLOEXEC);
	pthread_mutex_init(&b->ho.lock, NULL);
	pthread_cond_init(&b->ho.cond, NULL);
	if (b->ho.stop < 0 ||
	    pthread_create(&b->ho.thread, NULL, handoff_reader, &b->ho)) {
		perror("bench-rtt: handoff thread");
		return -1;
	}
	b->ho.thread_started = true;
	return 0;
}

static void teardown(struct bench *b)
{
	uint64_t one = 1;
	unsigned int v;

	if (b->ho.thread_started &&
	    write(b->ho.stop, &one, sizeof(one)) == sizeof(one))
		pthread_join(b->ho.thread, NULL);
	if (b->ho.stop >= 0)
		close(b->ho.stop);
	vu_client_close(b->client);
	for (v = 0; v < NR_VARIANTS; v++) {
		if (b->sock[v] >= 0)
			close(b->sock[v]);
		if (b->peer[v] > 0) {
			kill(b->peer[v], SIGTERM);
			waitpid(b->peer[v], NULL, 0);
		}
	}
}

int main(int argc, char **argv)
{
	struct bench b = { .client = NULL };
	const char *testdev = NULL, *only = NULL;
	unsigned int iterations = 20000, blocks = 5, i, v;
	int ret = 0;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--testdev") && i + 1 < (unsigned int)argc)
			testdev = argv[++i];
		else if (!strcmp(argv[i], "--iterations") && i + 1 < (unsigned int)argc)
			iterations = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--blocks") && i + 1 < (unsigned int)argc)
			blocks = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--only") && i + 1 < (unsigned int)argc)
			only = argv[++i];
		else
			testdev = NULL, i = (unsigned int)argc;
	}
	if (!testdev || iterations < 100 || blocks < 1) {
		fprintf(stderr, "usage: bench-rtt --testdev PATH "
			"[--iterations N>=100] [--blocks B>=1] "
			"[--only raw|client|framed|handoff|direct]\n");
		return 2;
	}
	for (v = 0; v < NR_VARIANTS; v++)
		b.sock[v] = -1;
	b.ho.stop = -1;
	b.lat = calloc(iterations, sizeof(*b.lat));
	if (!b.lat)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	if (setup(&b, testdev)) {
		ret = 1;
		goto out;
	}
	for (i = 0; i < blocks && !ret; i++) {
		for (v = 0; v < NR_VARIANTS && !ret; v++) {
			if (only && strcmp(only, variant_name[v]))
				continue;
			ret = run_block(&b, v, iterations, iterations / 10);
			if (ret)
				fprintf(stderr, "bench-rtt: %s round trip "
					"failed: %s\n", variant_name[v],
					strerror(-ret));
		}
	}
	ret = ret ? 1 : 0;
out:
	teardown(&b);
	free(b.lat);
	return ret;
}
