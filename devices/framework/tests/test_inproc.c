// SPDX-License-Identifier: GPL-2.0-only
/*
 * The framework served in a thread of the test, with a small device
 * declared here, and the raw client on a real UNIX socket: DMA from a
 * callback in the dispatch thread (the DMA_READ comes before the reply
 * of the command that caused it, on the main socket or the twin), an
 * unmap waiting for a device thread's pointer, DMA in flight failing
 * when the client goes, vendor capability callbacks over the wire,
 * an I/O BAR doorbell with datamatch, ioeventfds limited by the client's
 * max_msg_fds, max_dma_maps from the device, vus_serve_fd() on a
 * connected socket, vus_dev_stop(), the log hook, declaration errors.
 * With a twin socket the reader dispatches commands itself once the
 * dispatch thread is idle: the order of commands holds across the
 * switch, and a stop is prompt while the reader waits for a DMA reply.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <linux/pci_regs.h>

#include "devices/framework/vus.h"
#include "devices/framework/tests/raw_client.h"
#include "proto/tests/check_main.h"
#include "proto/tests/wait_for.h"
#include "proto/vu_memfd.h"

#define RW	(VFIO_USER_DMA_MAP_FLAG_READ | VFIO_USER_DMA_MAP_FLAG_WRITE)
#define CFG	VFIO_PCI_CONFIG_REGION_INDEX

/* The device: BAR0 I/O with a doorbell, BAR1 memory whose offset 0 is a
 * "DMA now" register handled in the callback itself. */
struct toy {
	struct vus_dev *dev;
	pthread_mutex_t lock;
	uint8_t buf[64];
	int dma_ret;
	uint32_t io_writes;
	uint64_t io_last;
	uint8_t vcap[32];
	uint32_t cfg_off, cfg_len, cfg_calls;
	int doorbell;
	int bell[3];
	char log[8192];
	uint32_t seq_next, seq_bad;	/* writes at SEQ_REG, in order */
	bool hold_attach;		/* attach waits until it is false */
	pthread_cond_t attach_cond;	/* hold_attach changed (lock) */
	bool slow_seq;			/* SEQ_REG writes take 1 ms */
};

/* BAR0 register whose writes must come 0, 1, 2... */
#define SEQ_REG		0x40

static struct toy toy;
static char dir[128], path[192];
static pthread_t server;
static int served;
static struct rc c;

static int io_access(struct vus_dev *dev, void *opaque, uint64_t offset,
		     void *data, uint32_t len, bool write)
{
	struct toy *t = opaque;

	(void)dev;
	if (write && offset == SEQ_REG &&
	    __atomic_load_n(&t->slow_seq, __ATOMIC_ACQUIRE))
		usleep(1000);
	pthread_mutex_lock(&t->lock);
	if (write && offset == SEQ_REG && len == 4) {
		uint32_t v;

		memcpy(&v, data, 4);
		if (v != t->seq_next)
			t->seq_bad++;
		t->seq_next = v + 1;
	} else if (write) {
		t->io_writes++;
		t->io_last = 0;
		memcpy(&t->io_last, data, len < 8 ? len : 8);
	} else {
		memset(data, (int)offset, len);
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

struct dma_cmd {
	uint64_t iova;
	uint32_t len;
	uint32_t write;
};

/* A write at 0 runs the DMA in the dispatch thread, before replying. */
static int mem_access(struct vus_dev *dev, void *opaque, uint64_t offset,
		      void *data, uint32_t len, bool write)
{
	struct toy *t = opaque;
	struct dma_cmd cmd;

	if (write && offset == 0 && len == sizeof(cmd)) {
		memcpy(&cmd, data, sizeof(cmd));
		if (cmd.len > sizeof(t->buf))
			return -EINVAL;
		t->dma_ret = cmd.write ?
			vus_dma_write(dev, cmd.iova, t->buf, cmd.len) :
			vus_dma_read(dev, cmd.iova, t->buf, cmd.len);
		return 0;
	}
	if (!write && offset >= 0x100 && offset + len <= 0x100 + sizeof(t->buf)) {
		memcpy(data, t->buf + offset - 0x100, len);
		return 0;
	}
	if (!write && offset == 0x80 && len == 4) {
		memcpy(data, &t->dma_ret, 4);
		return 0;
	}
	return -EINVAL;
}

static int vcap_access(void *opaque, uint32_t offset, void *data, uint32_t len,
		       bool write)
{
	struct toy *t = opaque;

	if (offset + len > sizeof(t->vcap))
		return -EINVAL;
	if (write)
		memcpy(t->vcap + offset, data, len);
	else
		memcpy(data, t->vcap + offset, len);
	return 0;
}

static void cfg_written(struct vus_dev *dev, void *opaque, uint32_t offset,
			uint32_t len)
{
	struct toy *t = opaque;

	(void)dev;
	t->cfg_off = offset;
	t->cfg_len = len;
	t->cfg_calls++;
}

static void log_hook(void *opaque, enum vus_log_level level, const char *line)
{
	struct toy *t = opaque;
	size_t n;

	(void)level;
	pthread_mutex_lock(&t->lock);
	n = strlen(t->log);
	snprintf(t->log + n, sizeof(t->log) - n, "%s\n", line);
	pthread_mutex_unlock(&t->lock);
}

static bool logged(const char *s)
{
	bool found;

	pthread_mutex_lock(&toy.lock);
	found = strstr(toy.log, s) != NULL;
	pthread_mutex_unlock(&toy.lock);
	return found;
}

/* Holds the dispatch thread right after VERSION, when asked to. */
static void toy_attach(struct vus_dev *dev, void *opaque)
{
	struct toy *t = opaque;

	(void)dev;
	pthread_mutex_lock(&t->lock);
	while (t->hold_attach)
		pthread_cond_wait(&t->attach_cond, &t->lock);
	pthread_mutex_unlock(&t->lock);
}

static void hold_attach(struct toy *t, bool hold)
{
	pthread_mutex_lock(&t->lock);
	t->hold_attach = hold;
	pthread_cond_broadcast(&t->attach_cond);
	pthread_mutex_unlock(&t->lock);
}

static const struct vus_dev_ops toy_ops = {
	.config_written = cfg_written,
	.attach = toy_attach,
};

static void declare(struct toy *t)
{
	struct vus_dev_config cfg = {
		.name = "toy",
		.id = { .vendor = 0x1234, .device = 0x0001,
			.class_code = 0xff0000 },
		.ops = &toy_ops,
		.opaque = t,
		.max_dma_maps = 3,
	};
	uint8_t vcap[20] = { 0 };
	int i;

	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->attach_cond, NULL);
	ck_assert_int_eq(vus_dev_create(&cfg, &t->dev), 0);
	vus_dev_set_log(t->dev, log_hook, t, VUS_LOG_DEBUG);
	ck_assert_int_eq(vus_dev_setup_bar(t->dev, 0, 256, VUS_BAR_IO,
					   io_access, t), 0);
	ck_assert_int_eq(vus_dev_bar_ioeventfd(t->dev, 0, 0x10, 2,
					       VUS_IOEVENTFD_DATAMATCH, 0x5a5a,
					       &t->doorbell), 0);
	ck_assert_int_eq(vus_dev_setup_bar(t->dev, 1, 0x1000, 0, mem_access,
					   t), 0);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(vus_dev_bar_ioeventfd(t->dev, 1,
						       0x200 + 8 * i, 4, 0, 0,
						       &t->bell[i]), 0);
	ck_assert_int_eq(vus_dev_setup_intx(t->dev), 0);
	ck_assert_int_eq(vus_dev_add_vendor_cap(t->dev, vcap, sizeof(vcap),
						vcap_access, t, NULL), 0);
	ck_assert_int_eq(vus_dev_realize(t->dev), 0);
}

static void *serve_main(void *arg)
{
	(void)arg;
	served = vus_serve(toy.dev, path);
	return NULL;
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	int ret;

	declare(&toy);
	snprintf(dir, sizeof(dir), "%s/vus-inproc-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/toy.sock", dir);
	served = 1;
	ck_assert_int_eq(pthread_create(&server, NULL, serve_main, NULL), 0);
	/* The server serves client after client: connecting is the wait. */
	ret = rc_connect(&c, path, 5000);
	ck_assert_msg(ret == 0, "%s: no connection accepted within 5 s: %s",
		      path, strerror(-ret));
}

static void teardown(void)
{
	struct stat st;

	hold_attach(&toy, false);	/* a failed case may have left it */
	rc_close(&c);
	vus_dev_stop(toy.dev);
	pthread_join(server, NULL);
	ck_assert_int_eq(served, 0);
	ck_assert_int_eq(stat(path, &st), -1);	/* unlinked */
	vus_dev_destroy(toy.dev);
	rmdir(dir);
}

static void dma_cmd(uint64_t iova, uint32_t len, bool write)
{
	struct dma_cmd cmd = { .iova = iova, .len = len, .write = write };

	ck_assert_int_eq(rc_write(&c, 1, 0, &cmd, sizeof(cmd)), 0);
}

static void dma_in_callback(bool twin)
{
	uint8_t mem[256], back[16];
	int ret;

	ck_assert_int_eq(rc_hello(&c, twin), 0);
	memset(mem, 0, sizeof(mem));
	memcpy(mem + 16, "from the client", 16);
	rc_add_mem(&c, 0x4000, sizeof(mem), mem);
	ck_assert_int_eq(rc_dma_map(&c, 0x4000, sizeof(mem), -1, 0, RW), 0);
	/* The DMA_READ comes while we wait for the REGION_WRITE reply. */
	dma_cmd(0x4010, 16, false);
	ck_assert_uint_eq(c.dma_reads, 1);
	ck_assert_uint_eq(c.dma_interleaved, 1);
	ck_assert_uint_eq(c.dma_on_twin, twin ? 1 : 0);
	ck_assert_int_eq(rc_read32(&c, 1, 0x80, (uint32_t *)&ret), 0);
	ck_assert_int_eq(ret, 0);
	ck_assert_int_eq(rc_read(&c, 1, 0x100, back, 16), 0);
	ck_assert_str_eq((char *)back, "from the client");
	/* And back out, to another place. */
	dma_cmd(0x4080, 16, true);
	ck_assert_uint_eq(c.dma_writes, 1);
	ck_assert_str_eq((char *)mem + 0x80, "from the client");
	/* Outside the map: EFAULT without asking the client. */
	dma_cmd(0x8000, 16, false);
	ck_assert_int_eq(rc_read32(&c, 1, 0x80, (uint32_t *)&ret), 0);
	ck_assert_int_eq(ret, -EFAULT);
	ck_assert_uint_eq(c.dma_reads, 1);
	/* In the map but the client says no: its errno. */
	c.nr_mem = 0;
	dma_cmd(0x4010, 16, false);
	ck_assert_int_eq(rc_read32(&c, 1, 0x80, (uint32_t *)&ret), 0);
	ck_assert_int_eq(ret, -EFAULT);
}

START_TEST(test_dma_from_a_callback_interleaves_on_the_main_socket)
{
	dma_in_callback(false);
}
END_TEST

START_TEST(test_dma_from_a_callback_goes_over_the_twin_socket)
{
	dma_in_callback(true);
}
END_TEST

START_TEST(test_dma_by_pointer_from_a_callback)
{
	int fd = vu_memfd_create_sealed("g", 0x2000);
	uint8_t back[16];
	uint8_t *p;

	p = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne(p, MAP_FAILED);
	memcpy(p + 0x1010, "via the memfd..", 16);
	ck_assert_int_eq(rc_hello(&c, false), 0);
	/* fd offset 0x1000: iova 0x9000 is file offset 0x1000. */
	ck_assert_int_eq(rc_dma_map(&c, 0x9000, 0x1000, fd, 0x1000, RW), 0);
	close(fd);
	dma_cmd(0x9010, 16, false);
	ck_assert_int_eq(rc_read(&c, 1, 0x100, back, 16), 0);
	ck_assert_str_eq((char *)back, "via the memfd..");
	ck_assert_uint_eq(c.dma_reads, 0);
	munmap(p, 0x2000);
}
END_TEST

struct user {
	uint64_t iova;
	int ret;
	uint8_t buf[16];
};

static void *dma_user(void *arg)
{
	struct user *u = arg;

	u->ret = vus_dma_read(toy.dev, u->iova, u->buf, sizeof(u->buf));
	return NULL;
}

START_TEST(test_dma_in_flight_fails_with_enotconn_when_the_client_goes)
{
	struct user u = { .iova = 0x4000, .ret = 1 };
	uint8_t mem[64] = "never read";
	pthread_t th;
	int64_t end;
	int i, ret;

	ck_assert_int_eq(rc_hello(&c, false), 0);
	rc_add_mem(&c, 0x4000, sizeof(mem), mem);
	ck_assert_int_eq(rc_dma_map(&c, 0x4000, sizeof(mem), -1, 0, RW), 0);
	c.hold = true;
	ck_assert_int_eq(pthread_create(&th, NULL, dma_user, &u), 0);
	for (i = 0; i < 100 && !c.have_held; i++)
		rc_pump(&c, 50);
	ck_assert(c.have_held);
	rc_close(&c);
	pthread_join(th, NULL);
	ck_assert_int_eq(u.ret, -ENOTCONN);
	/* With nobody connected, no DMA at all: once the server has dropped
	 * the client (-ENOTCONN until then), its map is gone too. */
	end = wait_for_now_ms() + 2000;
	while ((ret = vus_dma_read(toy.dev, 0x4000, u.buf, 4)) != -EFAULT &&
	       wait_for_now_ms() < end)
		wait_for_pause();
	ck_assert_msg(ret == -EFAULT, "DMA to the map of a client gone 2 s "
		      "ago: %d, not -EFAULT", ret);
	ck_assert(!vus_dev_connected(toy.dev));
}
END_TEST

START_TEST(test_dma_unmap_waits_for_a_device_threads_pointer)
{
	struct vfio_user_dma_unmap d = { .argsz = sizeof(d), .address = 0x10000,
					 .size = 0x1000 };
	int fd = vu_memfd_create_sealed("g", 0x1000);
	struct vus_dma_ref ref;
	struct pollfd p;
	uint16_t id;
	void *ptr;

	ck_assert_int_eq(rc_hello(&c, false), 0);
	ck_assert_int_eq(rc_dma_map(&c, 0x10000, 0x1000, fd, 0, RW), 0);
	close(fd);
	ck_assert_int_eq(vus_dma_get(toy.dev, 0x10000, 0x1000, VUS_DMA_WRITE,
				     &ptr, &ref), 0);
	ck_assert_int_eq(rc_send(&c, VFIO_USER_DMA_UNMAP, &d, sizeof(d), NULL,
				 0, &id), 0);
	/* No reply while the pointer is in use... */
	p = (struct pollfd){ .fd = c.sock, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 200), 0);
	memset(ptr, 0xab, 0x1000);	/* still mapped */
	vus_dma_put(toy.dev, &ref);
	/* ...and the reply once it is released. */
	ck_assert_int_eq(rc_wait_reply(&c, id, VFIO_USER_DMA_UNMAP, NULL,
				       2000), 0);
	ck_assert_int_eq(vus_dma_get(toy.dev, 0x10000, 1, VUS_DMA_READ, &ptr,
				     &ref), -EFAULT);
}
END_TEST

START_TEST(test_dma_unmap_all_flag_drops_every_map)
{
	struct vfio_user_dma_unmap d = {
		.argsz = sizeof(d), .flags = VFIO_USER_DMA_UNMAP_FLAG_ALL };
	uint8_t b[4];

	ck_assert_int_eq(rc_hello(&c, false), 0);
	ck_assert_int_eq(rc_dma_map(&c, 0x1000, 0x1000, -1, 0, RW), 0);
	ck_assert_int_eq(rc_dma_map(&c, 0x3000, 0x1000, -1, 0, RW), 0);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DMA_UNMAP, &d, sizeof(d),
				    NULL, 0, NULL), 0);
	ck_assert_int_eq(vus_dma_read(toy.dev, 0x1000, b, 4), -EFAULT);
	ck_assert_int_eq(vus_dma_read(toy.dev, 0x3000, b, 4), -EFAULT);
}
END_TEST

START_TEST(test_max_dma_maps_of_the_device_is_offered_and_enforced)
{
	ck_assert_int_eq(rc_hello(&c, false), 0);
	ck_assert_uint_eq(c.server.caps.max_dma_maps, 3);
	ck_assert_int_eq(rc_dma_map(&c, 0x1000, 0x1000, -1, 0, RW), 0);
	ck_assert_int_eq(rc_dma_map(&c, 0x2000, 0x1000, -1, 0, RW), 0);
	ck_assert_int_eq(rc_dma_map(&c, 0x3000, 0x1000, -1, 0, RW), 0);
	ck_assert_int_eq(rc_dma_map(&c, 0x4000, 0x1000, -1, 0, RW), -ENOSPC);
	ck_assert(logged("would exceed max_dma_maps 3"));
}
END_TEST

START_TEST(test_vendor_capability_callback_over_the_wire)
{
	uint8_t pos, b[8];

	ck_assert_int_eq(rc_hello(&c, false), 0);
	ck_assert_int_eq(rc_read(&c, CFG, PCI_CAPABILITY_LIST, &pos, 1), 0);
	ck_assert_uint_eq(pos, 0x40);
	ck_assert_int_eq(rc_read(&c, CFG, pos, b, 3), 0);
	ck_assert_uint_eq(b[0], PCI_CAP_ID_VNDR);
	ck_assert_uint_eq(b[2], 20);
	ck_assert_int_eq(rc_write(&c, CFG, pos + 4u, "abcd", 4), 0);
	ck_assert_mem_eq(toy.vcap + 4, "abcd", 4);
	ck_assert_uint_eq(toy.cfg_off, pos + 4u);
	ck_assert_uint_eq(toy.cfg_len, 4);
	memcpy(toy.vcap + 8, "wxyz", 4);
	ck_assert_int_eq(rc_read(&c, CFG, pos + 8u, b, 4), 0);
	ck_assert_mem_eq(b, "wxyz", 4);
}
END_TEST

START_TEST(test_io_bar_doorbell_with_datamatch)
{
	struct vfio_user_region_io_fds q = { .argsz = 512, .index = 0 }, h;
	struct vfio_user_sub_region_io_fd e;
	struct vu_msg r;
	uint64_t v;

	ck_assert_int_eq(rc_hello(&c, false), 0);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_REGION_IO_FDS, &q,
				    sizeof(q), NULL, 0, &r), 0);
	memcpy(&h, r.body, sizeof(h));
	ck_assert_uint_eq(h.count, 1);
	memcpy(&e, (uint8_t *)r.body + 16, sizeof(e));
	ck_assert_uint_eq(e.offset, 0x10);
	ck_assert_uint_eq(e.size, 2);
	ck_assert_uint_eq(e.flags, KVM_IOEVENTFD_FLAG_DATAMATCH |
			  KVM_IOEVENTFD_FLAG_PIO);
	ck_assert_uint_eq(e.datamatch, 0x5a5a);
	vu_msg_release(&r);
	/* A trapped write of the value kicks the doorbell... */
	ck_assert_int_eq(rc_write(&c, 0, 0x10, "\x5a\x5a", 2), 0);
	ck_assert_int_eq(read(toy.doorbell, &v, 8), 8);
	ck_assert_uint_eq(toy.io_writes, 0);
	/* ...another value, or size, is an ordinary register write. */
	ck_assert_int_eq(rc_write(&c, 0, 0x10, "\x5a\x5b", 2), 0);
	ck_assert_int_eq(rc_write(&c, 0, 0x10, "\x5a\x5a\0\0", 4), 0);
	ck_assert_int_eq(read(toy.doorbell, &v, 8), -1);
	ck_assert_uint_eq(toy.io_writes, 2);
	ck_assert_uint_eq(toy.io_last, 0x5a5a);
}
END_TEST

START_TEST(test_ioeventfds_offered_within_the_clients_max_msg_fds)
{
	struct vfio_user_region_io_fds q = { .argsz = 512, .index = 1 }, h;
	struct vu_msg r;

	ck_assert_int_eq(rc_version(&c, 1, "{\"capabilities\":"
				    "{\"max_msg_fds\":2}}"), 0);
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_REGION_IO_FDS, &q,
				    sizeof(q), NULL, 0, &r), 0);
	memcpy(&h, r.body, sizeof(h));
	ck_assert_uint_eq(h.count, 2);
	ck_assert_uint_eq(h.argsz, 16 + 2 * 40);
	ck_assert_uint_eq(r.nr_fds, 2);
	vu_msg_release(&r);
	ck_assert(logged("offering 2 of 3 ioeventfds"));
	/* The one left out still works as a trapped write. */
	ck_assert_int_eq(rc_write32(&c, 1, 0x210, 1), 0);
	ck_assert_int_eq(read(toy.bell[2], &(uint64_t){ 0 }, 8), 8);
}
END_TEST

START_TEST(test_irq_trigger_without_eventfd_or_out_of_range)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	ck_assert_int_eq(rc_hello(&c, false), 0);
	ck_assert_int_eq(vus_irq_trigger(toy.dev, VFIO_PCI_INTX_IRQ_INDEX, 0),
			 -ENOENT);
	ck_assert_int_eq(vus_irq_trigger(toy.dev, VFIO_PCI_INTX_IRQ_INDEX, 1),
			 -EINVAL);
	ck_assert_int_eq(vus_irq_trigger(toy.dev, VFIO_PCI_MSIX_IRQ_INDEX, 0),
			 -EINVAL);
	ck_assert_int_eq(vus_irq_trigger(toy.dev, 5, 0), -EINVAL);
	ck_assert_int_eq(rc_set_irqs(&c, VFIO_PCI_INTX_IRQ_INDEX,
				     VFIO_IRQ_SET_DATA_EVENTFD |
				     VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, NULL,
				     &fd, 1), 0);
	ck_assert_int_eq(vus_irq_mode(toy.dev), VUS_IRQ_INTX);
	/* A pulse, then automasked until unmasked. */
	ck_assert_int_eq(vus_irq_trigger(toy.dev, VFIO_PCI_INTX_IRQ_INDEX, 0),
			 0);
	ck_assert_int_eq(vus_irq_trigger(toy.dev, VFIO_PCI_INTX_IRQ_INDEX, 0),
			 -EAGAIN);
	ck_assert_int_eq(rc_set_irqs(&c, VFIO_PCI_INTX_IRQ_INDEX,
				     VFIO_IRQ_SET_DATA_NONE |
				     VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, NULL,
				     NULL, 0), 0);
	ck_assert_int_eq(vus_irq_trigger(toy.dev, VFIO_PCI_INTX_IRQ_INDEX, 0),
			 0);
	close(fd);
}
END_TEST

START_TEST(test_stop_while_a_client_is_connected)
{
	struct vfio_user_device_info q = { .argsz = sizeof(q) };

	ck_assert_int_eq(rc_hello(&c, true), 0);
	/* Connected once VERSION is through: by the next command. */
	ck_assert_int_eq(rc_request(&c, VFIO_USER_DEVICE_GET_INFO, &q,
				    sizeof(q), NULL, 0, NULL), 0);
	ck_assert(vus_dev_connected(toy.dev));
	vus_dev_stop(toy.dev);
	ck_assert(rc_closed_by_server(&c, 2000));
	pthread_join(server, NULL);
	ck_assert_int_eq(served, 0);
	ck_assert(logged("stopping"));
	/* teardown() joins again: start a no-op thread in its place. */
	ck_assert_int_eq(pthread_create(&server, NULL, serve_main, NULL), 0);
}
END_TEST

#define SEQ_WRITES	300

/* Until the dispatch thread has handled a SEQ_REG write. */
static int wait_seq_started(int timeout_ms)
{
	int64_t end = wait_for_now_ms() + timeout_ms;
	uint32_t done;

	for (;;) {
		pthread_mutex_lock(&toy.lock);
		done = toy.seq_next;
		pthread_mutex_unlock(&toy.lock);
		if (done)
			return 0;
		if (wait_for_now_ms() > end)
			return -ETIMEDOUT;
		wait_for_pause();
	}
}

START_TEST(test_twin_commands_keep_their_order_when_the_reader_dispatches)
{
	uint16_t ids[SEQ_WRITES];
	uint8_t body[16 + 4];
	uint32_t i;

	/*
	 * The dispatch thread is held in attach after VERSION: the first
	 * half queues up for it. Let go, the second half comes once it
	 * works through them (1 ms each): queued too, until the queue is
	 * empty and the reader handles the rest itself.
	 */
	hold_attach(&toy, true);
	__atomic_store_n(&toy.slow_seq, true, __ATOMIC_RELEASE);
	ck_assert_int_eq(rc_hello(&c, true), 0);
	for (i = 0; i < SEQ_WRITES; i++) {
		struct vfio_user_region_access a = {
			.offset = SEQ_REG, .region = 0, .count = 4,
		};

		memcpy(body, &a, sizeof(a));
		memcpy(body + sizeof(a), &i, 4);
		ck_assert_int_eq(rc_send(&c, VFIO_USER_REGION_WRITE, body,
					 sizeof(body), NULL, 0, &ids[i]), 0);
		if (i == SEQ_WRITES / 2) {
			hold_attach(&toy, false);
			ck_assert_msg(!wait_seq_started(5000), "no queued "
				      "write handled 5 s after attach returned");
		}
	}
	/* "The server will process commands in the order they are
	 * received" (spec: "Command Concurrency"), and answers them so. */
	for (i = 0; i < SEQ_WRITES; i++)
		ck_assert_int_eq(rc_wait_reply(&c, ids[i],
					       VFIO_USER_REGION_WRITE, NULL,
					       RC_TIMEOUT_MS), 0);
	pthread_mutex_lock(&toy.lock);
	ck_assert_uint_eq(toy.seq_next, SEQ_WRITES);
	ck_assert_uint_eq(toy.seq_bad, 0);
	pthread_mutex_unlock(&toy.lock);
}
END_TEST

START_TEST(test_stop_while_the_reader_waits_for_a_twin_dma_reply)
{
	uint8_t mem[64] = "never read";
	struct dma_cmd cmd = { .iova = 0x4000, .len = 16, .write = false };
	struct vfio_user_region_access a = {
		.offset = 0, .region = 1, .count = sizeof(cmd),
	};
	uint8_t body[sizeof(a) + sizeof(cmd)];
	int64_t t0;
	int i;

	ck_assert_int_eq(rc_hello(&c, true), 0);
	rc_add_mem(&c, 0x4000, sizeof(mem), mem);
	ck_assert_int_eq(rc_dma_map(&c, 0x4000, sizeof(mem), -1, 0, RW), 0);
	/* The callback's DMA_READ comes on the twin; we hold it, so the
	 * reader, which dispatched the write itself, waits for it. */
	c.hold = true;
	memcpy(body, &a, sizeof(a));
	memcpy(body + sizeof(a), &cmd, sizeof(cmd));
	ck_assert_int_eq(rc_send(&c, VFIO_USER_REGION_WRITE, body,
				 sizeof(body), NULL, 0, NULL), 0);
	for (i = 0; i < 100 && !c.have_held; i++)
		rc_pump(&c, 50);
	ck_assert(c.have_held);
	ck_assert(c.held_on_twin);
	t0 = wait_for_now_ms();
	vus_dev_stop(toy.dev);
	/* Not after the 10 s a DMA reply may take. */
	ck_assert(rc_closed_by_server(&c, 2000));
	pthread_join(server, NULL);
	ck_assert_int_lt(wait_for_now_ms() - t0, 2000);
	ck_assert_int_eq(served, 0);
	/* teardown() joins again: start a no-op thread in its place. */
	ck_assert_int_eq(pthread_create(&server, NULL, serve_main, NULL), 0);
}
END_TEST

/* --- Without the listening server --- */

static void *serve_fd_main(void *arg)
{
	served = vus_serve_fd(toy.dev, *(int *)arg);
	return NULL;
}

START_TEST(test_serve_fd_on_a_connected_socket_serves_that_client)
{
	struct vfio_user_device_info q = { .argsz = sizeof(q) };
	struct rc d = { .twin = -1 };
	int sv[2];
	pthread_t th;

	declare(&toy);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	served = 1;
	ck_assert_int_eq(pthread_create(&th, NULL, serve_fd_main, &sv[1]), 0);
	d.sock = sv[0];
	ck_assert_int_eq(rc_hello(&d, false), 0);
	ck_assert_int_eq(rc_request(&d, VFIO_USER_DEVICE_GET_INFO, &q,
				    sizeof(q), NULL, 0, NULL), 0);
	rc_close(&d);
	pthread_join(th, NULL);
	ck_assert_int_eq(served, 0);
	/* The fd stays the caller's. */
	ck_assert_int_eq(close(sv[1]), 0);
	vus_dev_destroy(toy.dev);
}
END_TEST

START_TEST(test_serve_fd_on_a_listening_socket_until_stopped)
{
	struct vfio_user_device_info q = { .argsz = sizeof(q) };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *tmp = getenv("TMPDIR");
	struct rc d;
	pthread_t th;
	int lfd, i;

	declare(&toy);
	snprintf(dir, sizeof(dir), "%s/vus-inproc-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fd.sock", dir);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	served = 1;
	ck_assert_int_eq(pthread_create(&th, NULL, serve_fd_main, &lfd), 0);
	/* Two clients one after the other. */
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(rc_connect(&d, path, 2000), 0);
		ck_assert_int_eq(rc_hello(&d, false), 0);
		ck_assert_int_eq(rc_request(&d, VFIO_USER_DEVICE_GET_INFO, &q,
					    sizeof(q), NULL, 0, NULL), 0);
		rc_close(&d);
	}
	vus_dev_stop(toy.dev);
	pthread_join(th, NULL);
	ck_assert_int_eq(served, 0);
	/* Ours: still open, and the path is left alone. */
	ck_assert_int_eq(close(lfd), 0);
	ck_assert_int_eq(unlink(path), 0);
	rmdir(dir);
	vus_dev_destroy(toy.dev);
}
END_TEST

static struct vus_dev *plain_dev(void)
{
	struct vus_dev_config cfg = { .name = "plain" };
	struct vus_dev *dev;

	ck_assert_int_eq(vus_dev_create(&cfg, &dev), 0);
	vus_dev_set_log(dev, log_hook, &toy, VUS_LOG_INFO);
	return dev;
}

START_TEST(test_declaration_errors)
{
	int fd = memfd_create("small", MFD_CLOEXEC | MFD_ALLOW_SEALING), efd;
	int unsealable = memfd_create("unsealable", MFD_CLOEXEC);
	struct vus_dev *dev;

	memset(&toy, 0, sizeof(toy));
	pthread_mutex_init(&toy.lock, NULL);
	dev = plain_dev();
	ck_assert_int_eq(vus_dev_create(&(struct vus_dev_config){ .name = "" },
					&dev), -EINVAL);
	/* BAR sizes and kinds. */
	ck_assert_int_eq(vus_dev_setup_bar(dev, 0, 3000, 0, NULL, NULL),
			 -EINVAL);
	ck_assert_int_eq(vus_dev_setup_bar(dev, 0, 8, 0, NULL, NULL), -EINVAL);
	ck_assert_int_eq(vus_dev_setup_bar(dev, 0, 512, VUS_BAR_IO, NULL,
					   NULL), -EINVAL);
	ck_assert_int_eq(vus_dev_setup_bar(dev, 5, 4096, VUS_BAR_MEM64, NULL,
					   NULL), -EINVAL);
	ck_assert_int_eq(vus_dev_setup_bar(dev, 6, 4096, 0, NULL, NULL),
			 -EINVAL);
	ck_assert_int_eq(vus_dev_setup_bar(dev, 2, 0x10000, VUS_BAR_MEM64,
					   NULL, NULL), 0);
	ck_assert_int_eq(vus_dev_setup_bar(dev, 3, 4096, 0, NULL, NULL),
			 -EINVAL);	/* the upper half of BAR2 */
	ck_assert_int_eq(vus_dev_setup_bar(dev, 2, 4096, 0, NULL, NULL),
			 -EINVAL);	/* twice */
	/* mmap areas need an fd, page alignment, room. */
	ck_assert_int_eq(vus_dev_bar_mmap(dev, 2, 0, 0x1000), -EINVAL);
	/* A BAR fd that a client could truncate is refused, by name. */
	ck_assert_int_eq(ftruncate(unsealable, 0x10000), 0);
	ck_assert_int_eq(vus_dev_bar_fd(dev, 2, unsealable, 0), -EPERM);
	ck_assert(logged("BAR2: its fd cannot be sealed against shrinking"));
	ck_assert_int_eq(vus_dev_bar_fd(dev, 2, fd, 0), 0);
	ck_assert_int_eq(vus_dev_bar_mmap(dev, 2, 0x800, 0x1000), -EINVAL);
	ck_assert_int_eq(vus_dev_bar_mmap(dev, 2, 0xf000, 0x2000), -EINVAL);
	ck_assert_int_eq(vus_dev_bar_mmap(dev, 2, 0, 0x2000), 0);
	ck_assert_int_eq(vus_dev_bar_mmap(dev, 2, 0x1000, 0x1000), -EINVAL);
	ck_assert_int_eq(vus_dev_bar_ioeventfd(dev, 2, 0x10000, 4, 0, 0, &efd),
			 -EINVAL);
	ck_assert_int_eq(vus_dev_bar_ioeventfd(dev, 2, 0, 3, 0, 0, &efd),
			 -EINVAL);
	ck_assert_int_eq(vus_dev_setup_rom(dev, "x", 1, 1024), -EINVAL);
	ck_assert_int_eq(vus_dev_setup_msi(dev, 3), -EINVAL);
	/* MSI-X table in the mmappable area: refused at realize. */
	ck_assert_int_eq(vus_dev_setup_msix(dev, 4, 2, 0x1000, 2, 0x8000), 0);
	ck_assert_int_eq(vus_dev_realize(dev), -EINVAL);
	ck_assert(logged("MSI-X table or PBA lies in an mmappable area"));
	vus_dev_destroy(dev);

	/* A BAR fd smaller than the BAR. */
	dev = plain_dev();
	ck_assert_int_eq(vus_dev_setup_bar(dev, 0, 0x10000, 0, NULL, NULL), 0);
	ck_assert_int_eq(vus_dev_bar_fd(dev, 0, fd, 0), 0);
	ck_assert_int_eq(vus_dev_realize(dev), -EINVAL);
	ck_assert(logged("BAR0: its fd is smaller"));
	vus_dev_destroy(dev);

	/* MSI-X table outside its BAR. */
	dev = plain_dev();
	ck_assert_int_eq(vus_dev_setup_bar(dev, 4, 0x1000, 0, NULL, NULL), 0);
	ck_assert_int_eq(vus_dev_setup_msix(dev, 300, 4, 0, 4, 0xf00), 0);
	ck_assert_int_eq(vus_dev_realize(dev), -EINVAL);
	ck_assert(logged("does not fit its BAR"));
	vus_dev_destroy(dev);
	close(fd);
	close(unsealable);
}
END_TEST

START_TEST(test_serve_refuses_a_path_that_is_not_a_socket)
{
	struct vus_dev *dev;
	char p[] = "/tmp/vus-notsock-XXXXXX";
	int fd = mkstemp(p);

	memset(&toy, 0, sizeof(toy));
	pthread_mutex_init(&toy.lock, NULL);
	dev = plain_dev();
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(vus_serve(dev, p), -EEXIST);
	ck_assert(logged("exists and is not a socket"));
	ck_assert_int_eq(unlink(p), 0);
	vus_dev_destroy(dev);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("inproc");
	TCase *tc = tcase_create("served");
	TCase *decl = tcase_create("declared");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc,
		test_dma_from_a_callback_interleaves_on_the_main_socket);
	tcase_add_test(tc, test_dma_from_a_callback_goes_over_the_twin_socket);
	tcase_add_test(tc, test_dma_by_pointer_from_a_callback);
	tcase_add_test(tc,
		test_dma_in_flight_fails_with_enotconn_when_the_client_goes);
	tcase_add_test(tc, test_dma_unmap_waits_for_a_device_threads_pointer);
	tcase_add_test(tc, test_dma_unmap_all_flag_drops_every_map);
	tcase_add_test(tc,
		test_max_dma_maps_of_the_device_is_offered_and_enforced);
	tcase_add_test(tc, test_vendor_capability_callback_over_the_wire);
	tcase_add_test(tc, test_io_bar_doorbell_with_datamatch);
	tcase_add_test(tc,
		test_ioeventfds_offered_within_the_clients_max_msg_fds);
	tcase_add_test(tc, test_irq_trigger_without_eventfd_or_out_of_range);
	tcase_add_test(tc, test_stop_while_a_client_is_connected);
	tcase_add_test(tc,
		test_twin_commands_keep_their_order_when_the_reader_dispatches);
	tcase_add_test(tc, test_stop_while_the_reader_waits_for_a_twin_dma_reply);
	suite_add_tcase(s, tc);

	tcase_set_timeout(decl, 20);
	tcase_add_test(decl,
		test_serve_fd_on_a_connected_socket_serves_that_client);
	tcase_add_test(decl, test_serve_fd_on_a_listening_socket_until_stopped);
	tcase_add_test(decl, test_declaration_errors);
	tcase_add_test(decl, test_serve_refuses_a_path_that_is_not_a_socket);
	suite_add_tcase(s, decl);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
