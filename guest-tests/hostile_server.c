// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostile-server: a vfio-user server that misbehaves in one chosen way,
 * for guest-tests/hostile.sh, which runs minivmm against each behaviour.
 * Written on raw proto/ framing (the framework would never lie), single
 * threaded: it serves one client and exits 0 when the client leaves.
 *
 * The device it plays when it behaves: vendor 0x1234 device 0xbad0; BAR0
 * 4 KiB of trapped registers (every word reads 0x600dbeef; a write to
 * offset 0 is the guest's "go", which some behaviours wait for); BAR2
 * 64 KiB of memory in a sealed memfd, all of it mmappable; config space
 * 256 bytes with an MSI capability at 0x40; INTx and one MSI vector.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto/vu_memfd.h"
#include "proto/vu_msg.h"
#include "proto/vu_validate.h"
#include "proto/vu_version.h"

#define BAR0_SIZE	0x1000u
#define BAR2_SIZE	0x10000u
#define CFG_SIZE	256u
#define MSI_CAP		0x40u
#define REG_VALUE	0x600dbeefu

/* One behaviour: its name, what minivmm must do, what it is. */
struct behaviour {
	const char *name;
	const char *expect;	/* refuse | live | dead (hostile.sh reads it) */
	const char *what;
};

/* Lines this server must print when minivmm answered it right (--says). */
static const struct {
	const char *name, *line;
} says[] = {
	{ "shrink-ram", "ftruncate of guest RAM to 4 KiB: Operation not permitted" },
	{ "shrink-ram", "1 DMA requests answered, 0 with an error" },
	{ "dma-outside", "5 DMA requests answered, 5 with an error" },
	{ "dma-flood", "20000 DMA requests answered, 0 with an error" },
};

static const struct behaviour behaviours[] = {
	{ "version-garbage", "refuse", "answers VERSION with text that is not vfio-user" },
	{ "version-silent", "refuse", "never answers VERSION" },
	{ "die-at-version", "refuse", "closes the connection at VERSION" },
	{ "not-pci", "refuse", "says it is not a PCI device" },
	{ "region-huge", "refuse", "BAR0's region is 2^63 + 1 bytes" },
	{ "config-small", "refuse", "the config region is 64 bytes" },
	{ "config-zero", "refuse", "the config region is 0 bytes" },
	{ "die-at-region-info", "refuse", "closes the connection at REGION_INFO" },
	{ "die-after-dma-map", "refuse", "closes the connection after DMA_MAP" },
	{ "reply-wrong-id", "refuse", "answers DEVICE_GET_INFO with another message id" },
	{ "reply-oversized", "refuse", "answers DEVICE_GET_INFO with 4 MiB, past any message size limit" },
	{ "sparse-outside", "refuse", "BAR2's mmappable area reaches past the region" },
	{ "bar-fd-small", "live", "BAR2's fd is 4 KiB for a 64 KiB area" },
	{ "bar-fd-pipe", "live", "BAR2's fd is a pipe" },
	{ "irq-count-huge", "live", "IRQ_INFO says 2^32 - 1 MSI and MSI-X vectors" },
	{ "io-fd-not-eventfd", "live", "BAR0's doorbell \"ioeventfd\" is a memfd" },
	{ "msi-mmc-lie", "live", "MSI says 32 vectors, IRQ_INFO says 1 (the guest enables 32)" },
	{ "shrink-ram", "live", "truncates guest RAM, then reads its last page" },
	{ "dma-outside", "live", "DMA_READ and DMA_WRITE outside guest RAM and across its end" },
	{ "dma-flood", "live", "sends 20000 DMA_READs as fast as minivmm takes them" },
	{ "dma-unread", "refuse", "sends DMA_READs at attach and never reads a reply, nor anything else" },
	{ "die-during-boot", "dead", "exits at the guest kernel's first BAR sizing (command write with decode off)" },
	{ "reply-late", "dead", "answers the guest's BAR0 read 8 s late" },
	{ "stop-replying", "dead", "stops answering at the guest's go" },
	{ "die-on-guest-access", "dead", "exits at the guest's go" },
	{ "shrink-bar", "live", "BAR2 is an unsealed memfd, truncated at the guest's go" },
};

struct srv {
	const struct behaviour *b;
	int sock;
	uint16_t next_id;
	uint8_t cfg[CFG_SIZE];
	int bar2_fd;
	int ram_fd;
	uint64_t ram_iova, ram_size;	/* the highest DMA_MAP */
	bool go;			/* the guest wrote BAR0 offset 0 */
	bool dma_done;			/* after_dma_map() ran */
	bool deaf;			/* reads nothing any more */
	unsigned int dma_sent, dma_pending, dma_errors;
};

static bool is(const struct srv *s, const char *name)
{
	return !strcmp(s->b->name, name);
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

static void config_init(struct srv *s)
{
	uint8_t *c = s->cfg;
	/* MSI: 64-bit; Multiple Message Capable 1, or 32 for the lie. */
	uint16_t msi_ctrl = PCI_MSI_FLAGS_64BIT |
			    (is(s, "msi-mmc-lie") ? 5u << 1 : 0);

	put16(c + PCI_VENDOR_ID, 0x1234);
	put16(c + PCI_DEVICE_ID, 0xbad0);
	put16(c + PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[PCI_CLASS_DEVICE + 1] = 0xff;		/* unassigned class */
	put32(c + PCI_BASE_ADDRESS_0, 0);
	put32(c + PCI_BASE_ADDRESS_2, PCI_BASE_ADDRESS_MEM_TYPE_64 |
	      PCI_BASE_ADDRESS_MEM_PREFETCH);
	c[PCI_CAPABILITY_LIST] = MSI_CAP;
	c[PCI_INTERRUPT_PIN] = 1;
	c[MSI_CAP] = PCI_CAP_ID_MSI;
	put16(c + MSI_CAP + PCI_MSI_FLAGS, msi_ctrl);
}

static void reply(struct srv *s, const struct vu_msg *m, const void *body,
		  size_t len, const int *fds, unsigned int nr)
{
	vu_msg_send_reply(s->sock, &m->hdr, body, len, fds, nr);
}

static void error(struct srv *s, const struct vu_msg *m, int err)
{
	vu_msg_send_error(s->sock, &m->hdr, err);
}

/* Send a DMA_READ/DMA_WRITE of @count bytes at @addr; no reply read. */
static void dma_send(struct srv *s, bool write, uint64_t addr, uint32_t count)
{
	struct vfio_user_dma_access a = { .address = addr, .count = count };
	struct vfio_user_header h;
	uint8_t buf[sizeof(a) + 4096];

	vu_hdr_command(&h, s->next_id++, write ? VFIO_USER_DMA_WRITE :
		       VFIO_USER_DMA_READ, 0);
	s->dma_sent++;
	s->dma_pending++;
	memset(buf, 0x5a, sizeof(buf));
	memcpy(buf, &a, sizeof(a));
	vu_msg_send(s->sock, &h, buf, sizeof(a) + (write ? count : 0), NULL, 0);
}

/* Read one message: our DMA replies are counted, a command is returned. */
static bool recv_command(struct srv *s, struct vu_msg *m)
{
	for (;;) {
		if (vu_msg_recv(s->sock, m, VU_MSG_MAX_SIZE_DEFAULT, 8))
			return false;
		if (!vu_hdr_is_reply(&m->hdr))
			return true;
		s->dma_errors += vu_reply_errno(&m->hdr) != 0;
		if (--s->dma_pending == 0)
			fprintf(stderr, "hostile-server: %u DMA requests answered, %u with an error\n",
				s->dma_sent, s->dma_errors);
		vu_msg_release(m);
	}
}

static void handle_command(struct srv *s, struct vu_msg *m);

/*
 * A flood a good server could send: @n DMA_READs as fast as the socket
 * takes them, reading the replies whenever it would block.
 */
static void dma_flood(struct srv *s, unsigned int n)
{
	struct pollfd p = { .fd = s->sock, .events = POLLIN | POLLOUT };
	struct vu_msg m;

	while (n) {
		if (poll(&p, 1, 30000) != 1)
			exit(0);
		if (p.revents & POLLIN) {
			if (vu_msg_recv(s->sock, &m, VU_MSG_MAX_SIZE_DEFAULT, 8))
				exit(0);
			if (vu_hdr_is_reply(&m.hdr)) {
				s->dma_errors += vu_reply_errno(&m.hdr) != 0;
				s->dma_pending--;
			} else {
				handle_command(s, &m);
			}
			vu_msg_release(&m);
		} else if (p.revents & POLLOUT) {
			dma_send(s, false, s->ram_iova + (n % 256) * 4096, 64);
			n--;
		} else {
			exit(0);
		}
	}
}

/* After DMA_MAP and reset: what the DMA behaviours do with the memory. */
static void after_dma_map(struct srv *s)
{
	int ret;

	if (is(s, "shrink-ram")) {
		ret = ftruncate(s->ram_fd, 4096);
		fprintf(stderr, "hostile-server: ftruncate of guest RAM to 4 KiB: %s\n",
			ret ? strerror(errno) : "done");
		dma_send(s, false, s->ram_iova + s->ram_size - 4096, 4096);
	} else if (is(s, "dma-outside")) {
		dma_send(s, false, s->ram_iova + s->ram_size - 8, 16);
		dma_send(s, true, s->ram_iova + s->ram_size, 16);
		dma_send(s, false, 0xfee00000, 4);
		dma_send(s, true, UINT64_MAX - 3, 4);
		dma_send(s, false, 1ull << 52, 4096);
	} else if (is(s, "dma-flood")) {
		dma_flood(s, 20000);
		if (!s->dma_pending)
			fprintf(stderr, "hostile-server: %u DMA requests answered, %u with an error\n",
				s->dma_sent, s->dma_errors);
	} else if (is(s, "dma-unread")) {
		/* Never read a reply: only sends, until the socket is full. */
		for (;;) {
			struct pollfd p = { .fd = s->sock, .events = POLLOUT };

			if (poll(&p, 1, 2000) != 1)
				break;
			dma_send(s, false, s->ram_iova, 4096);
		}
		fprintf(stderr, "hostile-server: %u DMA_READs sent, none of their replies read\n",
			s->dma_sent);
		s->deaf = true;
	}
}

static void on_version(struct srv *s, const struct vu_msg *m)
{
	static const char garbage[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	struct vu_caps caps;
	void *body = NULL;
	size_t len = 0;

	if (is(s, "version-garbage")) {
		if (write(s->sock, garbage, sizeof(garbage) - 1) < 0)
			exit(0);
		return;
	}
	if (is(s, "die-at-version"))
		exit(0);
	if (is(s, "version-silent"))
		return;
	vu_caps_ours(&caps);
	caps.twin_socket = false;
	if (vu_version_encode(VFIO_USER_MINOR, &caps, &body, &len)) {
		error(s, m, ENOMEM);
		return;
	}
	reply(s, m, body, len, NULL, 0);
	free(body);
}

static void on_device_info(struct srv *s, const struct vu_msg *m)
{
	struct vfio_user_device_info info = {
		.argsz = sizeof(info),
		.flags = VFIO_DEVICE_FLAGS_RESET |
			 (is(s, "not-pci") ? 0 : VFIO_DEVICE_FLAGS_PCI),
		.num_regions = VFIO_PCI_NUM_REGIONS,
		.num_irqs = VFIO_PCI_NUM_IRQS,
	};

	if (is(s, "reply-wrong-id")) {
		struct vfio_user_header h;

		vu_hdr_reply(&h, &m->hdr);
		h.msg_id ^= 0x5555;
		vu_msg_send(s->sock, &h, &info, sizeof(info), NULL, 0);
		return;
	}
	if (is(s, "reply-oversized")) {
		uint8_t *big = calloc(1, 4u << 20);

		if (big) {
			memcpy(big, &info, sizeof(info));
			reply(s, m, big, 4u << 20, NULL, 0);
			free(big);
		}
		return;
	}
	reply(s, m, &info, sizeof(info), NULL, 0);
}

static void on_region_info(struct srv *s, const struct vu_msg *m)
{
	struct {
		struct vfio_user_region_info info;
		struct vfio_region_info_cap_sparse_mmap sparse;
		struct vfio_region_sparse_mmap_area area;
	} __attribute__((packed)) r;
	struct vfio_user_region_info q;
	size_t len = sizeof(r.info);
	int fd = -1, p[2] = { -1, -1 };

	if (is(s, "die-at-region-info"))
		exit(0);
	memcpy(&q, m->body, sizeof(q));
	memset(&r, 0, sizeof(r));
	r.info.argsz = sizeof(r.info);
	r.info.index = q.index;
	switch (q.index) {
	case VFIO_PCI_BAR0_REGION_INDEX:
		r.info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		r.info.size = is(s, "region-huge") ? (1ull << 63) + 1 : BAR0_SIZE;
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		r.info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			       VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS;
		r.info.size = BAR2_SIZE;
		r.info.argsz = sizeof(r);
		if (q.argsz < sizeof(r))
			break;	/* the client asks again with our argsz */
		r.info.cap_offset = sizeof(r.info);
		r.sparse.header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
		r.sparse.header.version = 1;
		r.sparse.nr_areas = 1;
		r.area.size = is(s, "sparse-outside") ? 2 * BAR2_SIZE : BAR2_SIZE;
		len = sizeof(r);
		if (is(s, "bar-fd-small")) {
			fd = vu_memfd_create_sealed("hostile-small", 4096);
		} else if (is(s, "bar-fd-pipe")) {
			if (pipe(p) == 0)
				fd = p[0];
		} else {
			fd = s->bar2_fd;
		}
		break;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		r.info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		r.info.size = is(s, "config-small") ? 64 :
			      is(s, "config-zero") ? 0 : CFG_SIZE;
		break;
	default:
		break;		/* size 0: not implemented */
	}
	reply(s, m, &r, len, fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0);
	if (fd >= 0 && fd != s->bar2_fd)
		close(fd);
	if (p[1] >= 0)
		close(p[1]);
}

/* BAR0's doorbell at 0x10, for io-fd-not-eventfd only: a memfd. */
static void on_io_fds(struct srv *s, const struct vu_msg *m)
{
	struct {
		struct vfio_user_region_io_fds head;
		struct vfio_user_sub_region_io_fd e;
	} __attribute__((packed)) r;
	struct vfio_user_region_io_fds q;
	size_t len = sizeof(r.head);
	int fd = -1;

	if (!is(s, "io-fd-not-eventfd")) {
		error(s, m, EOPNOTSUPP);
		return;
	}
	memcpy(&q, m->body, sizeof(q));
	memset(&r, 0, sizeof(r));
	r.head.argsz = sizeof(r.head);
	r.head.index = q.index;
	if (q.index == VFIO_PCI_BAR0_REGION_INDEX) {
		r.head.argsz = sizeof(r);
		r.head.count = 1;
		if (q.argsz >= sizeof(r)) {
			r.e.offset = 0x10;
			r.e.size = 4;
			r.e.type = VFIO_USER_IO_FD_TYPE_IOEVENTFD;
			len = sizeof(r);
			fd = vu_memfd_create_sealed("hostile-not-eventfd", 4096);
		}
	}
	reply(s, m, &r, len, fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0);
	if (fd >= 0)
		close(fd);
}

static void on_irq_info(struct srv *s, const struct vu_msg *m)
{
	struct vfio_user_irq_info q;
	bool huge = is(s, "irq-count-huge");

	memcpy(&q, m->body, sizeof(q));
	q.argsz = sizeof(q);
	q.flags = VFIO_IRQ_INFO_EVENTFD;
	switch (q.index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		q.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
		q.count = 1;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
		q.flags |= VFIO_IRQ_INFO_NORESIZE;
		q.count = huge ? UINT32_MAX : 1;
		break;
	case VFIO_PCI_MSIX_IRQ_INDEX:
		q.count = huge ? UINT32_MAX : 0;
		break;
	default:
		q.flags = 0;
		q.count = 0;
	}
	reply(s, m, &q, sizeof(q), NULL, 0);
}

/* What the guest's "go" (a write to BAR0 offset 0) sets off. */
static void on_go(struct srv *s)
{
	s->go = true;
	fprintf(stderr, "hostile-server: the guest said go\n");
	if (is(s, "die-on-guest-access"))
		exit(0);
	if (is(s, "shrink-bar") && ftruncate(s->bar2_fd, 0))
		fprintf(stderr, "hostile-server: ftruncate of BAR2: %s\n",
			strerror(errno));
}

static void on_region_access(struct srv *s, const struct vu_msg *m, bool write)
{
	struct vfio_user_region_access q;
	uint8_t *r;
	size_t len;
	uint32_t i;

	memcpy(&q, m->body, sizeof(q));
	len = sizeof(q) + (write ? 0 : q.count);
	r = calloc(1, len);
	if (!r) {
		error(s, m, ENOMEM);
		return;
	}
	memcpy(r, &q, sizeof(q));
	if (q.region == VFIO_PCI_CONFIG_REGION_INDEX &&
	    q.offset + q.count <= CFG_SIZE) {
		/* Linux turns decode off to size BARs, as it enumerates. */
		if (write && is(s, "die-during-boot") && q.offset == PCI_COMMAND &&
		    !(((uint8_t *)m->body)[sizeof(q)] & PCI_COMMAND_MEMORY))
			exit(0);
		if (write)
			memcpy(s->cfg + q.offset, (uint8_t *)m->body + sizeof(q), q.count);
		else
			memcpy(r + sizeof(q), s->cfg + q.offset, q.count);
	} else if (q.region == VFIO_PCI_BAR0_REGION_INDEX) {
		if (write && q.offset == 0) {
			on_go(s);
		} else if (!write) {
			for (i = 0; i + 4 <= q.count; i += 4)
				put32(r + sizeof(q) + i, REG_VALUE);
			if (is(s, "reply-late") && s->go)
				sleep(8);
		}
	}
	reply(s, m, r, len, NULL, 0);
	free(r);
}

static void on_dma_map(struct srv *s, struct vu_msg *m)
{
	struct vfio_user_dma_map d;

	memcpy(&d, m->body, sizeof(d));
	if (m->nr_fds && d.address >= s->ram_iova) {
		if (s->ram_fd >= 0)
			close(s->ram_fd);
		s->ram_fd = m->fds[0];
		m->fds[0] = -1;
		s->ram_iova = d.address;
		s->ram_size = d.size;
	}
	reply(s, m, NULL, 0, NULL, 0);
	if (is(s, "die-after-dma-map"))
		exit(0);
}

static void handle_command(struct srv *s, struct vu_msg *m)
{
	if (vu_validate_command(m, VFIO_USER_DEFAULT_MAX_DATA_XFER_SIZE, NULL)) {
		error(s, m, EINVAL);
		return;
	}
	switch (m->hdr.command) {
	case VFIO_USER_VERSION:
		on_version(s, m);
		break;
	case VFIO_USER_DEVICE_GET_INFO:
		on_device_info(s, m);
		break;
	case VFIO_USER_DEVICE_GET_REGION_INFO:
		on_region_info(s, m);
		break;
	case VFIO_USER_DEVICE_GET_IRQ_INFO:
		on_irq_info(s, m);
		break;
	case VFIO_USER_DEVICE_GET_REGION_IO_FDS:
		on_io_fds(s, m);
		break;
	case VFIO_USER_REGION_READ:
	case VFIO_USER_REGION_WRITE:
		on_region_access(s, m, m->hdr.command == VFIO_USER_REGION_WRITE);
		break;
	case VFIO_USER_DMA_MAP:
		on_dma_map(s, m);
		break;
	case VFIO_USER_DEVICE_RESET:
		reply(s, m, NULL, 0, NULL, 0);
		/* minivmm resets after DMA_MAP: RAM is all there. */
		if (s->ram_fd >= 0 && !s->dma_done) {
			s->dma_done = true;
			after_dma_map(s);
		}
		break;
	case VFIO_USER_DMA_UNMAP:
	case VFIO_USER_DEVICE_SET_IRQS:
		reply(s, m, NULL, 0, NULL, 0);
		break;
	default:
		error(s, m, EOPNOTSUPP);
	}
}

static void serve(struct srv *s)
{
	struct vu_msg m;

	while (!s->deaf && recv_command(s, &m)) {
		if (!(s->go && is(s, "stop-replying")))
			handle_command(s, &m);
		vu_msg_release(&m);
	}
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: hostile-server --socket-path PATH --case NAME\n"
		   "       hostile-server --list | --says NAME\n\n"
		   "Serves one vfio-user client at PATH, misbehaving as NAME says,\n"
		   "and exits 0 when the client leaves. Cases (expected outcome):\n");
	for (i = 0; i < sizeof(behaviours) / sizeof(behaviours[0]); i++)
		fprintf(f, "  %-22s %-6s %s\n", behaviours[i].name,
			behaviours[i].expect, behaviours[i].what);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket-path", required_argument, NULL, 's' },
		{ "case", required_argument, NULL, 'c' },
		{ "list", no_argument, NULL, 'l' },
		{ "says", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct srv s = { .ram_fd = -1, .next_id = 1 };
	const char *path = NULL, *name = NULL;
	size_t i;
	int c, lfd;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': path = optarg; break;
		case 'c': name = optarg; break;
		case 'l':
			for (i = 0; i < sizeof(behaviours) / sizeof(behaviours[0]); i++)
				printf("%s %s\n", behaviours[i].name, behaviours[i].expect);
			return 0;
		case 'S':
			for (i = 0; i < sizeof(says) / sizeof(says[0]); i++)
				if (!strcmp(says[i].name, optarg))
					printf("%s\n", says[i].line);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	for (i = 0; name && i < sizeof(behaviours) / sizeof(behaviours[0]); i++)
		if (!strcmp(behaviours[i].name, name))
			s.b = &behaviours[i];
	if (!path || !s.b || strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "hostile-server: %s\n", !path ? "--socket-path is missing" :
			!s.b ? "--case is missing or unknown" : "socket path too long");
		usage(stderr);
		return 2;
	}
	config_init(&s);
	/* BAR2's file: sealed, except where shrinking it is the point. */
	if (is(&s, "shrink-bar")) {
		s.bar2_fd = memfd_create("hostile-bar2", MFD_CLOEXEC);
		if (s.bar2_fd >= 0 && ftruncate(s.bar2_fd, BAR2_SIZE))
			s.bar2_fd = -1;
	} else {
		s.bar2_fd = vu_memfd_create_sealed("hostile-bar2", BAR2_SIZE);
	}
	if (s.bar2_fd < 0) {
		fprintf(stderr, "hostile-server: BAR2's memfd: %s\n", strerror(errno));
		return 1;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lfd, 1)) {
		fprintf(stderr, "hostile-server: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(stderr, "hostile-server: %s: %s\n", s.b->name, s.b->what);
	s.sock = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (s.sock < 0)
		return 1;
	serve(&s);
	/* A deaf server stays connected and silent until it is killed. */
	while (s.deaf)
		pause();
	close(s.sock);
	close(lfd);
	unlink(path);
	return 0;
}
