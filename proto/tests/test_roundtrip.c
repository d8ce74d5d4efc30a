// SPDX-License-Identifier: GPL-2.0-only
/*
 * Round trips of every vfio-user command and of its reply: each is built
 * from the wire structs of proto/vfio_user.h with distinctive values,
 * sent with vu_msg_send() over a real socketpair together with the
 * descriptors it carries (a memfd for DMA_MAP and region info, eventfds
 * for SET_IRQS and io fds, the twin socket for the VERSION reply),
 * received with vu_msg_recv(), accepted by vu_validate_command() or by
 * vu_validate_reply() against what was sent, and decoded back field by
 * field. Every received fd is shown to be the very object that was sent
 * (same inode, or a count written through one end read at the other).
 * Then the error-reply form of each command, and no fd left behind.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "proto/vu_msg.h"
#include "proto/vu_validate.h"
#include "proto/vu_version.h"
#include "check_main.h"

#define MAX_XFER	VFIO_USER_DEFAULT_MAX_DATA_XFER_SIZE

/* A DMA address and an fd offset no field could produce by accident. */
#define DMA_ADDR	0x0000123456789000ull

/* "VFIO_DEVICE_FEATURE_MIGRATION": bit 2 (newer than this linux/vfio.h). */
#ifndef VFIO_MIGRATION_PRE_COPY
#define VFIO_MIGRATION_PRE_COPY	(1 << 2)
#endif

/* Unaligned reads of received bytes into a wire struct. */
#define LOAD(dst, src)	memcpy(&(dst), (src), sizeof(dst))

/* --- Connection, fds ------------------------------------------------- */

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* One connection: the client's end, the server's, fds open before. */
struct rt {
	int client;
	int server;
	int fds_before;
};

static void rt_open(struct rt *rt)
{
	int sv[2];

	rt->fds_before = open_fds();
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    sv), 0);
	rt->client = sv[0];
	rt->server = sv[1];
}

static int unread(int sock)
{
	int n = -1;

	ck_assert_int_eq(ioctl(sock, FIONREAD, &n), 0);
	return n;
}

/*
 * End of a test: both directions fully consumed (each message was framed
 * to the byte), then every fd the test opened or received is closed.
 */
static void rt_close(struct rt *rt)
{
	ck_assert_int_eq(unread(rt->client), 0);
	ck_assert_int_eq(unread(rt->server), 0);
	close(rt->client);
	close(rt->server);
	ck_assert_int_eq(open_fds(), rt->fds_before);
}

/* @a and @b are descriptors of the same file (memfd, socket). */
static void same_file(int a, int b)
{
	struct stat sa, sb;

	ck_assert_int_ne(a, b);
	ck_assert_int_eq(fstat(a, &sa), 0);
	ck_assert_int_eq(fstat(b, &sb), 0);
	ck_assert_msg(sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino,
		      "fd %d (ino %lu) and fd %d (ino %lu) differ", a,
		      (unsigned long)sa.st_ino, b, (unsigned long)sb.st_ino);
}

/*
 * All eventfds share one anonymous inode, so fstat() cannot tell them
 * apart: a count written through @rcvd must be read from @sent (both
 * non-blocking: a wrong pairing fails with EAGAIN instead of hanging).
 */
static void same_eventfd(int sent, int rcvd, uint64_t val)
{
	uint64_t v = 0;

	ck_assert_int_eq(write(rcvd, &val, sizeof(val)), sizeof(val));
	ck_assert_int_eq(read(sent, &v, sizeof(v)), sizeof(v));
	ck_assert_uint_eq(v, val);
}

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* A memfd of @size bytes holding @pat at @off. */
static int new_memfd(size_t size, off_t off, const char *pat)
{
	int fd = memfd_create("roundtrip", MFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	ck_assert_int_eq(pwrite(fd, pat, strlen(pat), off),
			 (ssize_t)strlen(pat));
	return fd;
}

/* The received @fd shows @pat at @off: same memory as the sender's. */
static void memfd_shows(int fd, off_t off, const char *pat)
{
	char buf[64] = "";

	ck_assert_uint_lt(strlen(pat), sizeof(buf));
	ck_assert_int_eq(pread(fd, buf, strlen(pat), off),
			 (ssize_t)strlen(pat));
	ck_assert_str_eq(buf, pat);
}

/* --- One command and its reply --------------------------------------- */

/* A command and its reply as both ends see them. */
struct xchg {
	int from, to;			/* requester's end, replier's end */
	struct vfio_user_header hdr;	/* the command's header as built */
	const void *body;		/* its body, kept to check the reply */
	size_t body_len;
	struct vu_msg cmd;		/* the command as the replier got it */
	struct vu_msg reply;		/* the reply as the requester got it */
};

/* Every received fd is close-on-exec (vu_msg_recv() promises it). */
static void fds_cloexec(const struct vu_msg *m)
{
	unsigned int i;

	for (i = 0; i < m->nr_fds; i++)
		ck_assert(fcntl(m->fds[i], F_GETFD) & FD_CLOEXEC);
}

/*
 * Send command @command (msg_id @id, @len bytes of @body, @nr_fds of
 * @fds) from the client (or, @from_server, from the server: DMA_READ and
 * DMA_WRITE), receive it at the other end, check it arrived byte for byte
 * with its fds and that vu_validate_command() accepts it.
 */
static void send_cmd(struct rt *rt, struct xchg *x, bool from_server,
		     uint16_t id, uint16_t command, const void *body,
		     size_t len, const int *fds, unsigned int nr_fds)
{
	struct vu_why why = { "" };
	int ret;

	memset(x, 0, sizeof(*x));
	x->from = from_server ? rt->server : rt->client;
	x->to = from_server ? rt->client : rt->server;
	x->body = body;
	x->body_len = len;
	vu_hdr_command(&x->hdr, id, command, 0);
	ck_assert_int_eq(vu_msg_send(x->from, &x->hdr, body, len, fds,
				     nr_fds), 0);
	ck_assert_int_eq(vu_msg_recv(x->to, &x->cmd, VU_MSG_MAX_SIZE_DEFAULT,
				     VU_MAX_MSG_FDS), 0);
	ck_assert_uint_eq(x->cmd.hdr.msg_id, id);
	ck_assert_uint_eq(x->cmd.hdr.command, command);
	ck_assert_uint_eq(x->cmd.hdr.size, VFIO_USER_HDR_SIZE + len);
	ck_assert_uint_eq(x->cmd.hdr.flags, VFIO_USER_F_TYPE_COMMAND);
	ck_assert_uint_eq(x->cmd.hdr.error, 0);
	ck_assert_uint_eq(x->cmd.body_len, len);
	if (len)
		ck_assert_mem_eq(x->cmd.body, body, len);
	else
		ck_assert_ptr_null(x->cmd.body);
	ck_assert_uint_eq(x->cmd.nr_fds, nr_fds);
	fds_cloexec(&x->cmd);
	ret = vu_validate_command(&x->cmd, MAX_XFER, &why);
	ck_assert_msg(ret == 0, "%s rejected (%d): %s",
		      vu_command_name(command), ret, why.msg);
}

/*
 * The replier answers the command it received with @len bytes of @body
 * and @nr_fds of @fds; the requester receives it, checks it arrived byte
 * for byte as the reply to its command and that vu_validate_reply()
 * accepts it against what it sent.
 */
static void send_reply(struct xchg *x, const void *body, size_t len,
		       const int *fds, unsigned int nr_fds)
{
	struct vu_sent sent = { &x->hdr, x->body, x->body_len };
	struct vu_why why = { "" };
	int ret;

	ck_assert_int_eq(vu_msg_send_reply(x->to, &x->cmd.hdr, body, len, fds,
					   nr_fds), 0);
	ck_assert_int_eq(vu_msg_recv(x->from, &x->reply,
				     VU_MSG_MAX_SIZE_DEFAULT, VU_MAX_MSG_FDS),
			 0);
	ck_assert_uint_eq(x->reply.hdr.msg_id, x->hdr.msg_id);
	ck_assert_uint_eq(x->reply.hdr.command, x->hdr.command);
	ck_assert_uint_eq(x->reply.hdr.size, VFIO_USER_HDR_SIZE + len);
	ck_assert_uint_eq(x->reply.hdr.flags, VFIO_USER_F_TYPE_REPLY);
	ck_assert_int_eq(vu_reply_errno(&x->reply.hdr), 0);
	ck_assert_uint_eq(x->reply.body_len, len);
	if (len)
		ck_assert_mem_eq(x->reply.body, body, len);
	else
		ck_assert_ptr_null(x->reply.body);
	ck_assert_uint_eq(x->reply.nr_fds, nr_fds);
	fds_cloexec(&x->reply);
	ret = vu_validate_reply(&sent, &x->reply, &why);
	ck_assert_msg(ret == 0, "%s reply rejected (%d): %s",
		      vu_command_name(x->hdr.command), ret, why.msg);
}

static void xchg_release(struct xchg *x)
{
	vu_msg_release(&x->cmd);
	vu_msg_release(&x->reply);
}

/* --- VERSION --------------------------------------------------------- */

static void caps_eq(const struct vu_caps *a, const struct vu_caps *b)
{
	ck_assert_uint_eq(a->max_msg_fds, b->max_msg_fds);
	ck_assert_uint_eq(a->max_data_xfer_size, b->max_data_xfer_size);
	ck_assert_uint_eq(a->max_dma_maps, b->max_dma_maps);
	ck_assert_uint_eq(a->pgsizes, b->pgsizes);
	ck_assert_int_eq(a->write_multiple, b->write_multiple);
	ck_assert_int_eq(a->twin_socket, b->twin_socket);
	ck_assert_int_eq(a->twin_socket_fd_index, b->twin_socket_fd_index);
	ck_assert_int_eq(a->migration, b->migration);
	ck_assert_uint_eq(a->migration_pgsize, b->migration_pgsize);
	ck_assert_uint_eq(a->migration_max_bitmap_size,
			  b->migration_max_bitmap_size);
}

START_TEST(test_version_round_trips_caps_and_twin_socket_fd)
{
	struct vu_version ours = { .minor = 2 }, theirs = { .minor = 1 };
	struct vu_version got, terms;
	struct vu_why why = { "" };
	void *cbody, *rbody;
	size_t clen, rlen;
	struct xchg x;
	struct rt rt;
	int twin[2];
	char c = 0;

	rt_open(&rt);
	/* The client proposes minor 2 with every capability it has. */
	vu_caps_ours(&ours.caps);
	ours.caps.max_data_xfer_size = 3u << 20;
	ours.caps.max_dma_maps = 4097;
	ours.caps.pgsizes = 0x201000;		/* 4 KiB and 2 MiB */
	ours.caps.write_multiple = true;
	ours.caps.twin_socket = true;
	ck_assert_int_eq(vu_version_encode(ours.minor, &ours.caps, &cbody,
					   &clen), 0);
	send_cmd(&rt, &x, false, 0x101, VFIO_USER_VERSION, cbody, clen,
		 NULL, 0);
	ck_assert_int_eq(vu_version_parse(x.cmd.body, x.cmd.body_len, &got,
					  &why), 0);
	ck_assert_uint_eq(got.major, VFIO_USER_MAJOR);
	ck_assert_uint_eq(got.minor, 2);
	caps_eq(&got.caps, &ours.caps);

	/* The server answers minor 1, with the twin socket as fd 0 and the
	 * legacy migration object of older peers. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
				    twin), 0);
	vu_caps_defaults(&theirs.caps);
	theirs.caps.max_msg_fds = 5;
	theirs.caps.max_data_xfer_size = 0x30000;
	theirs.caps.max_dma_maps = 300;
	theirs.caps.pgsizes = 0x11000;		/* 4 KiB and 64 KiB */
	theirs.caps.write_multiple = true;
	theirs.caps.twin_socket = true;
	theirs.caps.twin_socket_fd_index = 0;
	theirs.caps.migration = true;
	theirs.caps.migration_pgsize = 0x1000;
	theirs.caps.migration_max_bitmap_size = 0x8000;
	ck_assert_int_eq(vu_version_encode(theirs.minor, &theirs.caps, &rbody,
					   &rlen), 0);
	send_reply(&x, rbody, rlen, &twin[1], 1);
	ck_assert_int_eq(vu_version_parse(x.reply.body, x.reply.body_len,
					  &got, &why), 0);
	ck_assert_uint_eq(got.major, VFIO_USER_MAJOR);
	ck_assert_uint_eq(got.minor, 1);
	caps_eq(&got.caps, &theirs.caps);

	ck_assert_msg(vu_version_negotiate(&ours, &got, true, x.reply.nr_fds,
					   &terms, &why) == 0, "%s", why.msg);
	ck_assert_uint_eq(terms.minor, 1);
	ck_assert_uint_eq(terms.caps.max_msg_fds, 5);
	ck_assert_uint_eq(terms.caps.max_data_xfer_size, 0x30000);
	ck_assert_uint_eq(terms.caps.max_dma_maps, 300);
	ck_assert_uint_eq(terms.caps.pgsizes, 0x1000);
	ck_assert(terms.caps.write_multiple);
	ck_assert(terms.caps.twin_socket);
	ck_assert_int_eq(terms.caps.twin_socket_fd_index, 0);

	/* The fd is the server's twin socket: bytes reach its other end. */
	same_file(twin[1], x.reply.fds[0]);
	ck_assert_int_eq(write(x.reply.fds[0], "T", 1), 1);
	ck_assert_int_eq(read(twin[0], &c, 1), 1);
	ck_assert_int_eq(c, 'T');

	free(cbody);
	free(rbody);
	close(twin[0]);
	close(twin[1]);
	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

/* --- DMA_MAP, DMA_UNMAP ---------------------------------------------- */

START_TEST(test_dma_map_round_trips_with_its_memfd)
{
	const struct vfio_user_dma_map q = {
		.argsz = sizeof(q),
		.flags = VFIO_USER_DMA_MAP_FLAG_READ |
			 VFIO_USER_DMA_MAP_FLAG_WRITE,
		.offset = 0x3000,
		.address = DMA_ADDR,
		.size = 0x5000,
	};
	struct vfio_user_dma_map d;
	struct xchg x;
	struct rt rt;
	int mfd;

	rt_open(&rt);
	mfd = new_memfd(0x8000, 0x3000, "guest RAM at 0x3000");
	send_cmd(&rt, &x, false, 0x202, VFIO_USER_DMA_MAP, &q, sizeof(q),
		 &mfd, 1);
	LOAD(d, x.cmd.body);
	ck_assert_uint_eq(d.argsz, 32);
	ck_assert_uint_eq(d.flags, VFIO_USER_DMA_MAP_FLAG_READ |
				   VFIO_USER_DMA_MAP_FLAG_WRITE);
	ck_assert_uint_eq(d.offset, 0x3000);
	ck_assert_uint_eq(d.address, DMA_ADDR);
	ck_assert_uint_eq(d.size, 0x5000);
	same_file(mfd, x.cmd.fds[0]);
	memfd_shows(x.cmd.fds[0], (off_t)d.offset, "guest RAM at 0x3000");

	/* "VFIO_USER_DMA_MAP": there is no reply payload. */
	send_reply(&x, NULL, 0, NULL, 0);

	close(mfd);
	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

START_TEST(test_dma_unmap_round_trips_and_reply_echoes_the_entry)
{
	const struct vfio_user_dma_unmap q = {
		.argsz = sizeof(q),
		.flags = 0,
		.address = DMA_ADDR,
		.size = 0x5000,
	};
	struct vfio_user_dma_unmap d;
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	send_cmd(&rt, &x, false, 0x303, VFIO_USER_DMA_UNMAP, &q, sizeof(q),
		 NULL, 0);
	LOAD(d, x.cmd.body);
	ck_assert_uint_eq(d.argsz, 24);
	ck_assert_uint_eq(d.flags, 0);
	ck_assert_uint_eq(d.address, DMA_ADDR);
	ck_assert_uint_eq(d.size, 0x5000);

	/* "The server responds with the original DMA entry". */
	send_reply(&x, &d, sizeof(d), NULL, 0);
	memset(&d, 0, sizeof(d));
	LOAD(d, x.reply.body);
	ck_assert_uint_eq(d.argsz, 24);
	ck_assert_uint_eq(d.flags, 0);
	ck_assert_uint_eq(d.address, DMA_ADDR);
	ck_assert_uint_eq(d.size, 0x5000);

	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

/* --- DEVICE_GET_INFO, GET_REGION_INFO, GET_REGION_IO_FDS, IRQ_INFO --- */

START_TEST(test_device_get_info_round_trips)
{
	const struct vfio_user_device_info q = { .argsz = sizeof(q) };
	const struct vfio_user_device_info a = {
		.argsz = sizeof(a),
		.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET,
		.num_regions = VFIO_PCI_NUM_REGIONS,
		.num_irqs = VFIO_PCI_NUM_IRQS,
	};
	struct vfio_user_device_info d;
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	send_cmd(&rt, &x, false, 0x404, VFIO_USER_DEVICE_GET_INFO, &q,
		 sizeof(q), NULL, 0);
	LOAD(d, x.cmd.body);
	ck_assert_uint_eq(d.argsz, 16);
	ck_assert_uint_eq(d.flags, 0);
	ck_assert_uint_eq(d.num_regions, 0);
	ck_assert_uint_eq(d.num_irqs, 0);

	send_reply(&x, &a, sizeof(a), NULL, 0);
	LOAD(d, x.reply.body);
	ck_assert_uint_eq(d.argsz, 16);
	ck_assert_uint_eq(d.flags, VFIO_DEVICE_FLAGS_PCI |
				   VFIO_DEVICE_FLAGS_RESET);
	ck_assert_uint_eq(d.num_regions, 9);
	ck_assert_uint_eq(d.num_irqs, 5);

	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

/*
 * A region info reply for BAR2 (spec: "VFIO_USER_DEVICE_GET_REGION_INFO",
 * "VFIO region capabilities"): the 32-byte info, a sparse mmap
 * capability with 2 areas at 32 (16 + 2 * 16 bytes), then a type
 * capability at 80 (16 bytes): argsz 96.
 */
#define RI_SPARSE	32u
#define RI_TYPE		80u
#define RI_ARGSZ	96u
#define RI_SIZE		0x4000u
#define RI_MMAP_OFF	0x10000u
/*
 * A vendor-specific region of vendor 0x1af4: VFIO_REGION_TYPE_PCI_VENDOR_TYPE
 * is bit 31, written (1 << 31) in linux/vfio.h, which overflows an int.
 */
#define RI_TYPE_ID	(0x80000000u | 0x1af4u)

static void region_info_reply(uint64_t *buf)
{
	const struct vfio_user_region_info info = {
		.argsz = RI_ARGSZ,
		.flags = VFIO_REGION_INFO_FLAG_READ |
			 VFIO_REGION_INFO_FLAG_WRITE |
			 VFIO_REGION_INFO_FLAG_MMAP |
			 VFIO_REGION_INFO_FLAG_CAPS,
		.index = VFIO_PCI_BAR2_REGION_INDEX,
		.cap_offset = RI_SPARSE,
		.size = RI_SIZE,
		.offset = RI_MMAP_OFF,
	};
	const struct vfio_info_cap_header sh = {
		.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP, .version = 1,
		.next = RI_TYPE,
	};
	const uint32_t nr_areas[2] = { 2, 0 };		/* and reserved */
	const struct vfio_region_sparse_mmap_area areas[2] = {
		{ .offset = 0x0, .size = 0x1000 },
		{ .offset = 0x2000, .size = 0x2000 },
	};
	const struct vfio_region_info_cap_type type = {
		.header = { .id = VFIO_REGION_INFO_CAP_TYPE, .version = 1,
			    .next = 0 },
		.type = RI_TYPE_ID,
		.subtype = 7,
	};
	uint8_t *b = (uint8_t *)buf;

	memset(buf, 0, RI_ARGSZ);
	memcpy(b, &info, sizeof(info));
	memcpy(b + RI_SPARSE, &sh, sizeof(sh));
	memcpy(b + RI_SPARSE + 8, nr_areas, sizeof(nr_areas));
	memcpy(b + RI_SPARSE + 16, areas, sizeof(areas));
	memcpy(b + RI_TYPE, &type, sizeof(type));
}

START_TEST(test_region_info_round_trips_cap_chain_and_mmap_fd)
{
	const struct vfio_user_region_info q = {
		.argsz = RI_ARGSZ,
		.index = VFIO_PCI_BAR2_REGION_INDEX,
	};
	struct vfio_user_region_info d;
	struct vfio_region_info_cap_sparse_mmap sp;
	struct vfio_region_sparse_mmap_area area;
	struct vfio_region_info_cap_type type;
	struct vu_region_caps caps;
	struct vu_why why = { "" };
	uint64_t reply[RI_ARGSZ / 8];
	struct xchg x;
	struct rt rt;
	int mfd;

	rt_open(&rt);
	send_cmd(&rt, &x, false, 0x505, VFIO_USER_DEVICE_GET_REGION_INFO, &q,
		 sizeof(q), NULL, 0);
	LOAD(d, x.cmd.body);
	ck_assert_uint_eq(d.argsz, RI_ARGSZ);
	ck_assert_uint_eq(d.flags, 0);
	ck_assert_uint_eq(d.index, VFIO_PCI_BAR2_REGION_INDEX);
	ck_assert_uint_eq(d.cap_offset, 0);
	ck_assert_uint_eq(d.size, 0);
	ck_assert_uint_eq(d.offset, 0);

	/* The region's memory: a memfd the client may mmap() at offset. */
	mfd = new_memfd(RI_MMAP_OFF + RI_SIZE, RI_MMAP_OFF, "BAR2 byte 0");
	region_info_reply(reply);
	send_reply(&x, reply, RI_ARGSZ, &mfd, 1);

	LOAD(d, x.reply.body);
	ck_assert_uint_eq(d.argsz, RI_ARGSZ);
	ck_assert_uint_eq(d.flags, VFIO_REGION_INFO_FLAG_READ |
				   VFIO_REGION_INFO_FLAG_WRITE |
				   VFIO_REGION_INFO_FLAG_MMAP |
				   VFIO_REGION_INFO_FLAG_CAPS);
	ck_assert_uint_eq(d.index, VFIO_PCI_BAR2_REGION_INDEX);
	ck_assert_uint_eq(d.cap_offset, RI_SPARSE);
	ck_assert_uint_eq(d.size, RI_SIZE);
	ck_assert_uint_eq(d.offset, RI_MMAP_OFF);

	ck_assert_msg(vu_region_info_caps(x.reply.body, x.reply.body_len,
					  &caps, &why) == 0, "%s", why.msg);
	ck_assert(caps.complete);
	ck_assert_uint_eq(caps.argsz, RI_ARGSZ);
	ck_assert_ptr_eq(caps.sparse,
			 (const uint8_t *)x.reply.body + RI_SPARSE);
	ck_assert_ptr_eq(caps.type, (const uint8_t *)x.reply.body + RI_TYPE);
	LOAD(sp, caps.sparse);
	ck_assert_uint_eq(sp.header.id, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	ck_assert_uint_eq(sp.header.version, 1);
	ck_assert_uint_eq(sp.header.next, RI_TYPE);
	ck_assert_uint_eq(sp.nr_areas, 2);
	LOAD(area, (const uint8_t *)caps.sparse + 16);
	ck_assert_uint_eq(area.offset, 0x0);
	ck_assert_uint_eq(area.size, 0x1000);
	LOAD(area, (const uint8_t *)caps.sparse + 32);
	ck_assert_uint_eq(area.offset, 0x2000);
	ck_assert_uint_eq(area.size, 0x2000);
	LOAD(type, caps.type);
	ck_assert_uint_eq(type.header.id, VFIO_REGION_INFO_CAP_TYPE);
	ck_assert_uint_eq(type.header.version, 1);
	ck_assert_uint_eq(type.header.next, 0);
	ck_assert_uint_eq(type.type, RI_TYPE_ID);
	ck_assert_uint_eq(type.subtype, 7);

	same_file(mfd, x.reply.fds[0]);
	memfd_shows(x.reply.fds[0], (off_t)d.offset, "BAR2 byte 0");

	close(mfd);
	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

/*
 * "Message sizes": asked with argsz 32, the server says how much it has
 * (argsz 96) with the info alone and no fd; the client asks again.
 */
START_TEST(test_region_info_short_argsz_round_trips_as_ask_again)
{
	const struct vfio_user_region_info q = {
		.argsz = sizeof(q),
		.index = VFIO_PCI_BAR2_REGION_INDEX,
	};
	struct vu_region_caps caps;
	struct vu_why why = { "" };
	uint64_t reply[RI_ARGSZ / 8];
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	send_cmd(&rt, &x, false, 0x506, VFIO_USER_DEVICE_GET_REGION_INFO, &q,
		 sizeof(q), NULL, 0);
	region_info_reply(reply);
	send_reply(&x, reply, sizeof(struct vfio_user_region_info), NULL, 0);
	ck_assert_int_eq(vu_region_info_caps(x.reply.body, x.reply.body_len,
					     &caps, &why), 0);
	ck_assert(!caps.complete);
	ck_assert_uint_eq(caps.argsz, RI_ARGSZ);
	ck_assert_ptr_null(caps.sparse);
	ck_assert_ptr_null(caps.type);

	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

/* Two 40-byte sub-regions of BAR2, each with its own ioeventfd. */
#define IOFDS_ARGSZ	(16u + 2u * 40u)

START_TEST(test_region_io_fds_round_trips_two_entries_and_eventfds)
{
	const struct vfio_user_region_io_fds q = {
		.argsz = IOFDS_ARGSZ,
		.index = VFIO_PCI_BAR2_REGION_INDEX,
	};
	const struct vfio_user_region_io_fds head = {
		.argsz = IOFDS_ARGSZ,
		.flags = 0,
		.index = VFIO_PCI_BAR2_REGION_INDEX,
		.count = 2,
	};
	const struct vfio_user_sub_region_io_fd sub[2] = {
		{ .offset = 0x1000, .size = 4, .fd_index = 0,
		  .type = VFIO_USER_IO_FD_TYPE_IOEVENTFD,
		  .flags = KVM_IOEVENTFD_FLAG_DATAMATCH, .datamatch = 0xcafe },
		{ .offset = 0x1804, .size = 2, .fd_index = 1,
		  .type = VFIO_USER_IO_FD_TYPE_IOEVENTFD,
		  .flags = 0, .datamatch = 0x5a5a },
	};
	uint64_t reply[IOFDS_ARGSZ / 8];
	struct vfio_user_region_io_fds d;
	struct vu_io_fd_entry e;
	struct vu_why why = { "" };
	struct vu_io_fds io;
	struct xchg x;
	struct rt rt;
	int efd[2];
	uint32_t i;

	rt_open(&rt);
	send_cmd(&rt, &x, false, 0x606, VFIO_USER_DEVICE_GET_REGION_IO_FDS,
		 &q, sizeof(q), NULL, 0);
	LOAD(d, x.cmd.body);
	ck_assert_uint_eq(d.argsz, IOFDS_ARGSZ);
	ck_assert_uint_eq(d.flags, 0);
	ck_assert_uint_eq(d.index, VFIO_PCI_BAR2_REGION_INDEX);
	ck_assert_uint_eq(d.count, 0);

	efd[0] = new_eventfd();
	efd[1] = new_eventfd();
	memcpy(reply, &head, sizeof(head));
	memcpy((uint8_t *)reply + sizeof(head), sub, sizeof(sub));
	send_reply(&x, reply, IOFDS_ARGSZ, efd, 2);

	ck_assert_msg(vu_io_fds_parse(x.reply.body, x.reply.body_len,
				      x.reply.nr_fds, &io, &why) == 0, "%s",
		      why.msg);
	ck_assert(io.complete);
	ck_assert_uint_eq(io.argsz, IOFDS_ARGSZ);
	ck_assert_uint_eq(io.index, VFIO_PCI_BAR2_REGION_INDEX);
	ck_assert_uint_eq(io.count, 2);
	ck_assert_uint_eq(io.stride, 40);
	for (i = 0; i < 2; i++) {
		vu_io_fds_entry(&io, i, &e);
		ck_assert_uint_eq(e.offset, sub[i].offset);
		ck_assert_uint_eq(e.size, sub[i].size);
		ck_assert_uint_eq(e.fd_index, i);
		ck_assert_uint_eq(e.type, VFIO_USER_IO_FD_TYPE_IOEVENTFD);
		ck_assert_uint_eq(e.flags, sub[i].flags);
		ck_assert_uint_eq(e.datamatch, sub[i].datamatch);
		ck_assert_int_eq(e.shadow_fd_index, -1);
		/* A guest write the client routes to this fd wakes the
		 * server's eventfd of this sub-region. */
		same_eventfd(efd[i], x.reply.fds[e.fd_index], 0x10 + i);
	}

	close(efd[0]);
	close(efd[1]);
	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

START_TEST(test_irq_info_round_trips)
{
	const struct vfio_user_irq_info q = {
		.argsz = sizeof(q),
		.index = VFIO_PCI_MSIX_IRQ_INDEX,
	};
	const struct vfio_user_irq_info a = {
		.argsz = sizeof(a),
		.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE,
		.index = VFIO_PCI_MSIX_IRQ_INDEX,
		.count = 17,
	};
	struct vfio_user_irq_info d;
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	send_cmd(&rt, &x, false, 0x707, VFIO_USER_DEVICE_GET_IRQ_INFO, &q,
		 sizeof(q), NULL, 0);
	LOAD(d, x.cmd.body);
	ck_assert_uint_eq(d.argsz, 16);
	ck_assert_uint_eq(d.flags, 0);
	ck_assert_uint_eq(d.index, VFIO_PCI_MSIX_IRQ_INDEX);
	ck_assert_uint_eq(d.count, 0);

	send_reply(&x, &a, sizeof(a), NULL, 0);
	LOAD(d, x.reply.body);
	ck_assert_uint_eq(d.argsz, 16);
	ck_assert_uint_eq(d.flags, VFIO_IRQ_INFO_EVENTFD |
				   VFIO_IRQ_INFO_NORESIZE);
	ck_assert_uint_eq(d.index, VFIO_PCI_MSIX_IRQ_INDEX);
	ck_assert_uint_eq(d.count, 17);

	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

/* --- DEVICE_SET_IRQS -------------------------------------------------- */

#define MAX_IRQ_SET	8

/*
 * One SET_IRQS: @flags on @index from @start for @count, with @bools
 * (DATA_BOOL, @count bytes) or @nr_efds eventfds (DATA_EVENTFD). The
 * request and its empty reply round-trip; the eventfds that arrive are
 * those sent, in order.
 */
static void set_irqs_round_trip(uint32_t flags, uint32_t index,
				uint32_t start, uint32_t count,
				const uint8_t *bools, unsigned int nr_efds)
{
	struct vfio_user_irq_set s = {
		.flags = flags, .index = index, .start = start, .count = count,
	};
	uint8_t body[sizeof(s) + MAX_IRQ_SET];
	size_t len = sizeof(s) + (bools ? count : 0);
	int efd[MAX_IRQ_SET];
	struct xchg x;
	struct rt rt;
	unsigned int i;

	ck_assert_uint_le(count, MAX_IRQ_SET);
	ck_assert_uint_le(nr_efds, MAX_IRQ_SET);
	rt_open(&rt);
	/* "argsz is the size of the VFIO IRQ set request payload,
	 * including any data field". */
	s.argsz = (uint32_t)len;
	memcpy(body, &s, sizeof(s));
	if (bools)
		memcpy(body + sizeof(s), bools, count);
	for (i = 0; i < nr_efds; i++)
		efd[i] = new_eventfd();
	send_cmd(&rt, &x, false, (uint16_t)(0x800 + flags),
		 VFIO_USER_DEVICE_SET_IRQS, body, len, efd, nr_efds);

	memset(&s, 0xff, sizeof(s));
	LOAD(s, x.cmd.body);
	ck_assert_uint_eq(s.argsz, len);
	ck_assert_uint_eq(s.flags, flags);
	ck_assert_uint_eq(s.index, index);
	ck_assert_uint_eq(s.start, start);
	ck_assert_uint_eq(s.count, count);
	if (bools)
		ck_assert_mem_eq((const uint8_t *)x.cmd.body + sizeof(s),
				 bools, count);
	/* Interrupt start + i fires the i-th fd: the client's i-th. */
	for (i = 0; i < nr_efds; i++)
		same_eventfd(efd[i], x.cmd.fds[i], 0x100 + i);

	/* "There is no payload in the reply." */
	send_reply(&x, NULL, 0, NULL, 0);

	for (i = 0; i < nr_efds; i++)
		close(efd[i]);
	xchg_release(&x);
	rt_close(&rt);
}

START_TEST(test_set_irqs_eventfd_trigger_round_trips_its_eventfds)
{
	set_irqs_round_trip(VFIO_IRQ_SET_DATA_EVENTFD |
			    VFIO_IRQ_SET_ACTION_TRIGGER,
			    VFIO_PCI_MSIX_IRQ_INDEX, 3, 3, NULL, 3);
}
END_TEST

START_TEST(test_set_irqs_eventfd_without_fds_deassign_round_trips)
{
	set_irqs_round_trip(VFIO_IRQ_SET_DATA_EVENTFD |
			    VFIO_IRQ_SET_ACTION_TRIGGER,
			    VFIO_PCI_MSIX_IRQ_INDEX, 3, 3, NULL, 0);
}
END_TEST

START_TEST(test_set_irqs_bool_mask_round_trips_its_bytes)
{
	static const uint8_t bools[4] = { 1, 0, 1, 1 };

	set_irqs_round_trip(VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK,
			    VFIO_PCI_MSI_IRQ_INDEX, 1, 4, bools, 0);
}
END_TEST

START_TEST(test_set_irqs_none_unmask_round_trips)
{
	set_irqs_round_trip(VFIO_IRQ_SET_DATA_NONE |
			    VFIO_IRQ_SET_ACTION_UNMASK,
			    VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL, 0);
}
END_TEST

START_TEST(test_set_irqs_none_count_0_disable_round_trips)
{
	set_irqs_round_trip(VFIO_IRQ_SET_DATA_NONE |
			    VFIO_IRQ_SET_ACTION_TRIGGER,
			    VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL, 0);
}
END_TEST

/* --- REGION_READ, REGION_WRITE, DMA_READ, DMA_WRITE ------------------- */

START_TEST(test_region_read_round_trips_its_data)
{
	const struct vfio_user_region_access q = {
		.offset = 0x10, .region = VFIO_PCI_CONFIG_REGION_INDEX,
		.count = 8,
	};
	static const uint8_t data[8] = { 0x0c, 0x00, 0x00, 0xfe,
					 0x00, 0x00, 0x00, 0x00 };
	struct vfio_user_region_access a;
	uint8_t reply[sizeof(a) + sizeof(data)];
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	send_cmd(&rt, &x, false, 0x909, VFIO_USER_REGION_READ, &q, sizeof(q),
		 NULL, 0);
	LOAD(a, x.cmd.body);
	ck_assert_uint_eq(a.offset, 0x10);
	ck_assert_uint_eq(a.region, VFIO_PCI_CONFIG_REGION_INDEX);
	ck_assert_uint_eq(a.count, 8);

	memcpy(reply, &a, sizeof(a));
	memcpy(reply + sizeof(a), data, sizeof(data));
	send_reply(&x, reply, sizeof(reply), NULL, 0);
	memset(&a, 0, sizeof(a));
	LOAD(a, x.reply.body);
	ck_assert_uint_eq(a.offset, 0x10);
	ck_assert_uint_eq(a.region, VFIO_PCI_CONFIG_REGION_INDEX);
	ck_assert_uint_eq(a.count, 8);
	ck_assert_mem_eq((const uint8_t *)x.reply.body + 16, data, 8);

	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

START_TEST(test_region_write_round_trips_its_data)
{
	const struct vfio_user_region_access q = {
		.offset = 0x1004, .region = VFIO_PCI_BAR0_REGION_INDEX,
		.count = 4,
	};
	static const uint8_t data[4] = { 0xde, 0xad, 0xbe, 0xef };
	struct vfio_user_region_access a;
	uint8_t body[sizeof(q) + sizeof(data)];
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	memcpy(body, &q, sizeof(q));
	memcpy(body + sizeof(q), data, sizeof(data));
	send_cmd(&rt, &x, false, 0xa0a, VFIO_USER_REGION_WRITE, body,
		 sizeof(body), NULL, 0);
	LOAD(a, x.cmd.body);
	ck_assert_uint_eq(a.offset, 0x1004);
	ck_assert_uint_eq(a.region, VFIO_PCI_BAR0_REGION_INDEX);
	ck_assert_uint_eq(a.count, 4);
	ck_assert_mem_eq((const uint8_t *)x.cmd.body + 16, data, 4);

	/* The reply is the request without its data. */
	send_reply(&x, &a, sizeof(a), NULL, 0);
	memset(&a, 0, sizeof(a));
	LOAD(a, x.reply.body);
	ck_assert_uint_eq(a.offset, 0x1004);
	ck_assert_uint_eq(a.region, VFIO_PCI_BAR0_REGION_INDEX);
	ck_assert_uint_eq(a.count, 4);

	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

/* DMA_READ flows server to client; the client validates the command. */
START_TEST(test_dma_read_from_server_round_trips_its_data)
{
	const struct vfio_user_dma_access q = {
		.address = DMA_ADDR + 0x100, .count = 12,
	};
	static const uint8_t data[12] = "virtq desc!";
	struct vfio_user_dma_access a;
	uint8_t reply[sizeof(a) + sizeof(data)];
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	send_cmd(&rt, &x, true, 0xb0b, VFIO_USER_DMA_READ, &q, sizeof(q),
		 NULL, 0);
	LOAD(a, x.cmd.body);
	ck_assert_uint_eq(a.address, DMA_ADDR + 0x100);
	ck_assert_uint_eq(a.count, 12);

	memcpy(reply, &a, sizeof(a));
	memcpy(reply + sizeof(a), data, sizeof(data));
	send_reply(&x, reply, sizeof(reply), NULL, 0);
	memset(&a, 0, sizeof(a));
	LOAD(a, x.reply.body);
	ck_assert_uint_eq(a.address, DMA_ADDR + 0x100);
	ck_assert_uint_eq(a.count, 12);
	/* "DMA_READ": data at byte 16 of the body, 32 of the message. */
	ck_assert_mem_eq((const uint8_t *)x.reply.body + 16, data, 12);

	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

/*
 * DMA_WRITE from the server; the client replies with address and count,
 * as a 16-byte body (the request's layout) or, @spec_form, the spec's
 * reply table with a 4-byte count (12 bytes).
 */
static void dma_write_round_trip(bool spec_form)
{
	const struct vfio_user_dma_access q = {
		.address = DMA_ADDR + 0x200, .count = 6,
	};
	static const uint8_t data[6] = { 1, 2, 3, 5, 8, 13 };
	struct vfio_user_dma_access a;
	uint8_t body[sizeof(q) + sizeof(data)];
	uint32_t count32 = 6;
	uint64_t addr = 0;
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	memcpy(body, &q, sizeof(q));
	memcpy(body + sizeof(q), data, sizeof(data));
	send_cmd(&rt, &x, true, 0xc0c, VFIO_USER_DMA_WRITE, body, sizeof(body),
		 NULL, 0);
	LOAD(a, x.cmd.body);
	ck_assert_uint_eq(a.address, DMA_ADDR + 0x200);
	ck_assert_uint_eq(a.count, 6);
	ck_assert_mem_eq((const uint8_t *)x.cmd.body + 16, data, 6);

	if (spec_form) {
		memcpy(body, &a.address, 8);
		memcpy(body + 8, &count32, 4);
		send_reply(&x, body, 12, NULL, 0);
		count32 = 0;
		LOAD(addr, x.reply.body);
		LOAD(count32, (const uint8_t *)x.reply.body + 8);
		ck_assert_uint_eq(addr, DMA_ADDR + 0x200);
		ck_assert_uint_eq(count32, 6);
	} else {
		send_reply(&x, &a, sizeof(a), NULL, 0);
		memset(&a, 0, sizeof(a));
		LOAD(a, x.reply.body);
		ck_assert_uint_eq(a.address, DMA_ADDR + 0x200);
		ck_assert_uint_eq(a.count, 6);
	}

	xchg_release(&x);
	rt_close(&rt);
}

START_TEST(test_dma_write_from_server_round_trips_its_data)
{
	dma_write_round_trip(false);
}
END_TEST

START_TEST(test_dma_write_reply_with_spec_4_byte_count_round_trips)
{
	dma_write_round_trip(true);
}
END_TEST

/* --- DEVICE_RESET, REGION_WRITE_MULTI -------------------------------- */

START_TEST(test_device_reset_round_trips_without_payload)
{
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	/* "Neither the request or reply have a payload." */
	send_cmd(&rt, &x, false, 0xd0d, VFIO_USER_DEVICE_RESET, NULL, 0,
		 NULL, 0);
	send_reply(&x, NULL, 0, NULL, 0);
	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

START_TEST(test_region_write_multi_round_trips_three_writes)
{
	static const struct vfio_user_write_multi_entry wrs[3] = {
		{ .offset = 0x1000, .region = VFIO_PCI_BAR0_REGION_INDEX,
		  .count = 4, .data = { 0x11, 0x22, 0x33, 0x44 } },
		{ .offset = 0x2002, .region = VFIO_PCI_BAR2_REGION_INDEX,
		  .count = 2, .data = { 0xaa, 0xbb } },
		{ .offset = 0x38, .region = VFIO_PCI_BAR4_REGION_INDEX,
		  .count = 8, .data = { 1, 2, 3, 4, 5, 6, 7, 8 } },
	};
	const uint64_t wr_cnt = 3;
	struct vfio_user_write_multi_entry w;
	uint8_t body[8 + sizeof(wrs)];
	uint64_t done = 0;
	struct xchg x;
	struct rt rt;
	unsigned int i;

	rt_open(&rt);
	memcpy(body, &wr_cnt, 8);
	memcpy(body + 8, wrs, sizeof(wrs));
	send_cmd(&rt, &x, false, 0xf0f, VFIO_USER_REGION_WRITE_MULTI, body,
		 sizeof(body), NULL, 0);
	LOAD(done, x.cmd.body);
	ck_assert_uint_eq(done, 3);
	for (i = 0; i < 3; i++) {
		LOAD(w, (const uint8_t *)x.cmd.body + 8 + i * 24);
		ck_assert_uint_eq(w.offset, wrs[i].offset);
		ck_assert_uint_eq(w.region, wrs[i].region);
		ck_assert_uint_eq(w.count, wrs[i].count);
		ck_assert_mem_eq(w.data, wrs[i].data, w.count);
	}

	/* "wr_cnt is the number of device writes completed." */
	send_reply(&x, &wr_cnt, sizeof(wr_cnt), NULL, 0);
	done = 0;
	LOAD(done, x.reply.body);
	ck_assert_uint_eq(done, 3);

	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

/* --- DEVICE_FEATURE ---------------------------------------------------- */

/*
 * One DEVICE_FEATURE: request @flags with @argsz and @len bytes of
 * @data, reply the same flags with @rlen bytes of @rdata and argsz
 * 8 + @rlen ("For getting a feature's data, the data is added in the
 * data section and its length is added to argsz"). Checks argsz, flags
 * and data bytes both ways; the caller decodes its feature's struct from
 * x->cmd / x->reply before xchg_release().
 */
static void feature_round_trip(struct rt *rt, struct xchg *x,
			       uint32_t flags, uint32_t argsz,
			       const void *data, size_t len,
			       const void *rdata, size_t rlen)
{
	struct vfio_user_device_feature f = { .argsz = argsz, .flags = flags };
	uint8_t body[sizeof(f) + 64], reply[sizeof(f) + 64];

	ck_assert_uint_le(len, 64);
	ck_assert_uint_le(rlen, 64);
	memcpy(body, &f, sizeof(f));
	if (len)
		memcpy(body + sizeof(f), data, len);
	send_cmd(rt, x, false, (uint16_t)(0x1000 + (flags & 0xff)),
		 VFIO_USER_DEVICE_FEATURE, body, sizeof(f) + len, NULL, 0);
	memset(&f, 0, sizeof(f));
	LOAD(f, x->cmd.body);
	ck_assert_uint_eq(f.argsz, argsz);
	ck_assert_uint_eq(f.flags, flags);
	ck_assert_uint_eq(x->cmd.body_len - sizeof(f), len);

	f.argsz = (uint32_t)(sizeof(f) + rlen);
	memcpy(reply, &f, sizeof(f));
	if (rlen)
		memcpy(reply + sizeof(f), rdata, rlen);
	send_reply(x, reply, sizeof(f) + rlen, NULL, 0);
	memset(&f, 0, sizeof(f));
	LOAD(f, x->reply.body);
	ck_assert_uint_eq(f.argsz, sizeof(f) + rlen);
	ck_assert_uint_eq(f.flags, flags);
	ck_assert_uint_eq(f.flags & VFIO_DEVICE_FEATURE_MASK,
			  flags & VFIO_DEVICE_FEATURE_MASK);
}

START_TEST(test_device_feature_get_migration_round_trips_its_flags)
{
	const struct vfio_user_device_feature_migration mig = {
		.flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY,
	};
	struct vfio_user_device_feature_migration got;
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	/* "There is no data field of the request message." */
	feature_round_trip(&rt, &x, VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_MIGRATION, 8 + sizeof(mig),
			   NULL, 0, &mig, sizeof(mig));
	LOAD(got, (const uint8_t *)x.reply.body + 8);
	ck_assert_uint_eq(got.flags, VFIO_MIGRATION_STOP_COPY |
				     VFIO_MIGRATION_PRE_COPY);
	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

START_TEST(test_device_feature_set_mig_device_state_round_trips)
{
	const struct vfio_user_device_feature_mig_state st = {
		.device_state = VFIO_DEVICE_STATE_STOP_COPY, .data_fd = 0,
	};
	struct vfio_user_device_feature_mig_state got;
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	feature_round_trip(&rt, &x, VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE,
			   8 + sizeof(st), &st, sizeof(st), &st, sizeof(st));
	LOAD(got, (const uint8_t *)x.cmd.body + 8);
	ck_assert_uint_eq(got.device_state, VFIO_DEVICE_STATE_STOP_COPY);
	ck_assert_uint_eq(got.data_fd, 0);
	memset(&got, 0xff, sizeof(got));
	LOAD(got, (const uint8_t *)x.reply.body + 8);
	ck_assert_uint_eq(got.device_state, VFIO_DEVICE_STATE_STOP_COPY);
	ck_assert_uint_eq(got.data_fd, 0);
	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

START_TEST(test_device_feature_dma_logging_start_round_trips_ranges)
{
	struct vfio_user_device_feature_dma_logging_control ctl = {
		.page_size = 0x1000, .num_ranges = 1,
	};
	const struct vfio_user_dma_logging_range range = {
		.iova = DMA_ADDR, .length = 0x200000,
	};
	struct vfio_user_device_feature_dma_logging_control got;
	struct vfio_user_dma_logging_range r;
	uint8_t data[sizeof(ctl) + sizeof(range)];
	uint8_t rdata[sizeof(ctl) + sizeof(range)];
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	memcpy(data, &ctl, sizeof(ctl));
	memcpy(data + sizeof(ctl), &range, sizeof(range));
	/* "unless the page size was changed": the device picks 64 KiB. */
	ctl.page_size = 0x10000;
	memcpy(rdata, &ctl, sizeof(ctl));
	memcpy(rdata + sizeof(ctl), &range, sizeof(range));
	feature_round_trip(&rt, &x, VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
			   8 + sizeof(data), data, sizeof(data),
			   rdata, sizeof(rdata));
	LOAD(got, (const uint8_t *)x.cmd.body + 8);
	ck_assert_uint_eq(got.page_size, 0x1000);
	ck_assert_uint_eq(got.num_ranges, 1);
	ck_assert_uint_eq(got.reserved, 0);
	LOAD(r, (const uint8_t *)x.cmd.body + 8 + 16);
	ck_assert_uint_eq(r.iova, DMA_ADDR);
	ck_assert_uint_eq(r.length, 0x200000);
	LOAD(got, (const uint8_t *)x.reply.body + 8);
	ck_assert_uint_eq(got.page_size, 0x10000);
	ck_assert_uint_eq(got.num_ranges, 1);
	memset(&r, 0, sizeof(r));
	LOAD(r, (const uint8_t *)x.reply.body + 8 + 16);
	ck_assert_uint_eq(r.iova, DMA_ADDR);
	ck_assert_uint_eq(r.length, 0x200000);
	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

START_TEST(test_device_feature_dma_logging_report_round_trips_bitmap)
{
	const struct vfio_user_device_feature_dma_logging_report rep = {
		.iova = DMA_ADDR, .length = 0x40000, .page_size = 0x1000,
	};
	/* 64 pages: one u64 of bitmap, pages 0, 2 and 63 dirty. */
	const uint64_t bitmap = 0x8000000000000005ull;
	struct vfio_user_device_feature_dma_logging_report got;
	uint8_t rdata[sizeof(rep) + sizeof(bitmap)];
	uint64_t bits = 0;
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	memcpy(rdata, &rep, sizeof(rep));
	memcpy(rdata + sizeof(rep), &bitmap, sizeof(bitmap));
	feature_round_trip(&rt, &x, VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT,
			   8 + sizeof(rdata), &rep, sizeof(rep),
			   rdata, sizeof(rdata));
	LOAD(got, (const uint8_t *)x.cmd.body + 8);
	ck_assert_uint_eq(got.iova, DMA_ADDR);
	ck_assert_uint_eq(got.length, 0x40000);
	ck_assert_uint_eq(got.page_size, 0x1000);
	memset(&got, 0, sizeof(got));
	LOAD(got, (const uint8_t *)x.reply.body + 8);
	ck_assert_uint_eq(got.iova, DMA_ADDR);
	ck_assert_uint_eq(got.length, 0x40000);
	ck_assert_uint_eq(got.page_size, 0x1000);
	/* "The data field of the response is identical, except with the
	 * bitmap added on the end at offset 24." */
	LOAD(bits, (const uint8_t *)x.reply.body + 8 + 24);
	ck_assert_uint_eq(bits, 0x8000000000000005ull);
	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

START_TEST(test_device_feature_probe_get_set_round_trips)
{
	const uint32_t flags = VFIO_DEVICE_FEATURE_PROBE |
			       VFIO_DEVICE_FEATURE_GET |
			       VFIO_DEVICE_FEATURE_SET |
			       VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE;
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	/* "It is not used for probing": no data either way. */
	feature_round_trip(&rt, &x, flags, 8, NULL, 0, NULL, 0);
	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

/* --- MIG_DATA_READ, MIG_DATA_WRITE ------------------------------------ */

START_TEST(test_mig_data_read_round_trips_a_short_last_chunk)
{
	const struct vfio_user_mig_data q = { .argsz = 8 + 64, .size = 64 };
	struct vfio_user_mig_data d;
	uint8_t data[40], reply[sizeof(d) + sizeof(data)];
	struct xchg x;
	struct rt rt;
	unsigned int i;

	rt_open(&rt);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0xc0 ^ i * 7);
	send_cmd(&rt, &x, false, 0x1111, VFIO_USER_MIG_DATA_READ, &q,
		 sizeof(q), NULL, 0);
	LOAD(d, x.cmd.body);
	ck_assert_uint_eq(d.argsz, 72);
	ck_assert_uint_eq(d.size, 64);

	/* "If this is less than the requested size, there is no more
	 * migration data to read." */
	d.argsz = sizeof(reply);
	d.size = sizeof(data);
	memcpy(reply, &d, sizeof(d));
	memcpy(reply + sizeof(d), data, sizeof(data));
	send_reply(&x, reply, sizeof(reply), NULL, 0);
	memset(&d, 0, sizeof(d));
	LOAD(d, x.reply.body);
	ck_assert_uint_eq(d.argsz, 48);
	ck_assert_uint_eq(d.size, 40);
	ck_assert_mem_eq((const uint8_t *)x.reply.body + 8, data, 40);

	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

START_TEST(test_mig_data_write_round_trips_its_data)
{
	const struct vfio_user_mig_data q = { .argsz = 8, .size = 24 };
	static const uint8_t data[24] = "device state, 24 bytes!";
	uint8_t body[sizeof(q) + sizeof(data)];
	struct vfio_user_mig_data d;
	struct xchg x;
	struct rt rt;

	rt_open(&rt);
	memcpy(body, &q, sizeof(q));
	memcpy(body + sizeof(q), data, sizeof(data));
	send_cmd(&rt, &x, false, 0x1212, VFIO_USER_MIG_DATA_WRITE, body,
		 sizeof(body), NULL, 0);
	LOAD(d, x.cmd.body);
	ck_assert_uint_eq(d.argsz, 8);
	ck_assert_uint_eq(d.size, 24);
	ck_assert_mem_eq((const uint8_t *)x.cmd.body + 8, data, 24);

	/* "There is no reply payload for this message." */
	send_reply(&x, NULL, 0, NULL, 0);

	xchg_release(&x);
	rt_close(&rt);
}
END_TEST

/* --- Error replies ----------------------------------------------------- */

/* Each command with an errno its replier could plausibly send. */
static const struct {
	uint16_t command;
	int err;
} error_cases[] = {
	{ VFIO_USER_VERSION, ENOTSUP },
	{ VFIO_USER_DMA_MAP, EEXIST },
	{ VFIO_USER_DMA_UNMAP, ENOENT },
	{ VFIO_USER_DEVICE_GET_INFO, EIO },
	{ VFIO_USER_DEVICE_GET_REGION_INFO, EINVAL },
	{ VFIO_USER_DEVICE_GET_REGION_IO_FDS, ENOSPC },
	{ VFIO_USER_DEVICE_GET_IRQ_INFO, ERANGE },
	{ VFIO_USER_DEVICE_SET_IRQS, EBADF },
	{ VFIO_USER_REGION_READ, EFAULT },
	{ VFIO_USER_REGION_WRITE, EACCES },
	{ VFIO_USER_DMA_READ, ENOMEM },
	{ VFIO_USER_DMA_WRITE, EPERM },
	{ VFIO_USER_DEVICE_RESET, EBUSY },
	{ VFIO_USER_REGION_WRITE_MULTI, E2BIG },
	{ VFIO_USER_DEVICE_FEATURE, EOPNOTSUPP },
	{ VFIO_USER_MIG_DATA_READ, ENODATA },
	{ VFIO_USER_MIG_DATA_WRITE, EHWPOISON },
};

#define NR_ERROR_CASES	(int)(sizeof(error_cases) / sizeof(error_cases[0]))

/*
 * "If an error occurs, the reply message must only include the reply
 * header": the replier answers the header it received with
 * vu_msg_send_error() (a negative errno on odd cases, which it accepts
 * too); the requester gets a 16-byte reply with the Error flag and the
 * errno, which vu_validate_reply() accepts and vu_reply_errno() returns.
 */
START_TEST(test_error_reply_round_trips_its_errno)
{
	const uint16_t command = error_cases[_i].command;
	const int err = error_cases[_i].err;
	const bool from_server = command == VFIO_USER_DMA_READ ||
				 command == VFIO_USER_DMA_WRITE;
	struct vfio_user_header hdr;
	struct vu_why why = { "" };
	struct vu_sent sent = { &hdr, NULL, 0 };
	struct vu_msg cmd, reply;
	struct rt rt;
	int from, to;

	rt_open(&rt);
	from = from_server ? rt.server : rt.client;
	to = from_server ? rt.client : rt.server;
	vu_hdr_command(&hdr, (uint16_t)(0xe000 + _i), command, 0);
	ck_assert_int_eq(vu_msg_send(from, &hdr, NULL, 0, NULL, 0), 0);
	ck_assert_int_eq(vu_msg_recv(to, &cmd, VU_MSG_MAX_SIZE_DEFAULT,
				     VU_MAX_MSG_FDS), 0);
	ck_assert_int_eq(vu_msg_send_error(to, &cmd.hdr,
					   _i % 2 ? -err : err), 0);
	ck_assert_int_eq(vu_msg_recv(from, &reply, VU_MSG_MAX_SIZE_DEFAULT,
				     VU_MAX_MSG_FDS), 0);

	ck_assert_uint_eq(reply.hdr.msg_id, 0xe000 + _i);
	ck_assert_uint_eq(reply.hdr.command, command);
	ck_assert_uint_eq(reply.hdr.size, VFIO_USER_HDR_SIZE);
	ck_assert_uint_eq(reply.hdr.flags,
			  VFIO_USER_F_TYPE_REPLY | VFIO_USER_F_ERROR);
	ck_assert_uint_eq(reply.hdr.error, err);
	ck_assert_uint_eq(reply.body_len, 0);
	ck_assert_ptr_null(reply.body);
	ck_assert_uint_eq(reply.nr_fds, 0);
	ck_assert_msg(vu_validate_reply(&sent, &reply, &why) == 0,
		      "%s error reply rejected: %s", vu_command_name(command),
		      why.msg);
	ck_assert_int_eq(vu_reply_errno(&reply.hdr), -err);

	vu_msg_release(&cmd);
	vu_msg_release(&reply);
	rt_close(&rt);
}
END_TEST

/* Every command of the spec has its error case above, once. */
START_TEST(test_error_cases_cover_every_command)
{
	unsigned int c;
	int i, n;

	for (c = 1; c <= VFIO_USER_COMMAND_MAX; c++) {
		if (!strcmp(vu_command_name(c), "unknown"))
			continue;
		for (n = 0, i = 0; i < NR_ERROR_CASES; i++)
			n += error_cases[i].command == c;
		ck_assert_msg(n == 1, "%s has %d error cases",
			      vu_command_name(c), n);
	}
	ck_assert_int_eq(NR_ERROR_CASES, 17);
}
END_TEST

static Suite *roundtrip_suite(void)
{
	Suite *s = suite_create("roundtrip");
	TCase *c = tcase_create("commands");
	TCase *e = tcase_create("errors");

	tcase_add_test(c, test_version_round_trips_caps_and_twin_socket_fd);
	tcase_add_test(c, test_dma_map_round_trips_with_its_memfd);
	tcase_add_test(c, test_dma_unmap_round_trips_and_reply_echoes_the_entry);
	tcase_add_test(c, test_device_get_info_round_trips);
	tcase_add_test(c, test_region_info_round_trips_cap_chain_and_mmap_fd);
	tcase_add_test(c, test_region_info_short_argsz_round_trips_as_ask_again);
	tcase_add_test(c, test_region_io_fds_round_trips_two_entries_and_eventfds);
	tcase_add_test(c, test_irq_info_round_trips);
	tcase_add_test(c, test_set_irqs_eventfd_trigger_round_trips_its_eventfds);
	tcase_add_test(c, test_set_irqs_eventfd_without_fds_deassign_round_trips);
	tcase_add_test(c, test_set_irqs_bool_mask_round_trips_its_bytes);
	tcase_add_test(c, test_set_irqs_none_unmask_round_trips);
	tcase_add_test(c, test_set_irqs_none_count_0_disable_round_trips);
	tcase_add_test(c, test_region_read_round_trips_its_data);
	tcase_add_test(c, test_region_write_round_trips_its_data);
	tcase_add_test(c, test_dma_read_from_server_round_trips_its_data);
	tcase_add_test(c, test_dma_write_from_server_round_trips_its_data);
	tcase_add_test(c, test_dma_write_reply_with_spec_4_byte_count_round_trips);
	tcase_add_test(c, test_device_reset_round_trips_without_payload);
	tcase_add_test(c, test_region_write_multi_round_trips_three_writes);
	tcase_add_test(c, test_device_feature_get_migration_round_trips_its_flags);
	tcase_add_test(c, test_device_feature_set_mig_device_state_round_trips);
	tcase_add_test(c, test_device_feature_dma_logging_start_round_trips_ranges);
	tcase_add_test(c, test_device_feature_dma_logging_report_round_trips_bitmap);
	tcase_add_test(c, test_device_feature_probe_get_set_round_trips);
	tcase_add_test(c, test_mig_data_read_round_trips_a_short_last_chunk);
	tcase_add_test(c, test_mig_data_write_round_trips_its_data);
	suite_add_tcase(s, c);

	tcase_add_loop_test(e, test_error_reply_round_trips_its_errno, 0,
			    NR_ERROR_CASES);
	tcase_add_test(e, test_error_cases_cover_every_command);
	suite_add_tcase(s, e);
	return s;
}

int main(void)
{
	return run_suite(roundtrip_suite());
}
