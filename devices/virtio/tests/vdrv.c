// SPDX-License-Identifier: GPL-2.0-only
/*
 * vdrv: the tests' user-space virtio-pci driver (see vdrv.h).
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "devices/framework/tests/raw_client.h"
#include "devices/virtio/tests/vdrv.h"
#include "proto/tests/wait_for.h"
#include "proto/vu_memfd.h"

struct vdrv vd;

#define VD_BAR	4
#define VD_CFG	VFIO_PCI_CONFIG_REGION_INDEX
#define VD_RW	(VFIO_USER_DMA_MAP_FLAG_READ | VFIO_USER_DMA_MAP_FLAG_WRITE)

static void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The device's DMA_READ/DMA_WRITE on guest RAM (the reader thread). */
static int vd_dma_access(void *opaque, uint64_t addr, void *buf, uint64_t len,
			 bool write)
{
	struct vdrv *v = opaque;
	uint64_t off;

	if (!v->ram || addr < VDRV_RAM_IOVA ||
	    addr - VDRV_RAM_IOVA > VDRV_RAM_SIZE ||
	    len > VDRV_RAM_SIZE - (addr - VDRV_RAM_IOVA))
		return -EFAULT;
	off = addr - VDRV_RAM_IOVA;
	if (write)
		memcpy(v->ram + off, buf, len);
	else
		memcpy(buf, v->ram + off, len);
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void vdrv_setup(void)
{
	unsigned int i;

	ck_assert_ptr_nonnull(vd.bin);
	memset(&vd.ch, 0, sizeof(vd.ch));
	vd.running = false;
	vd.cl = NULL;
	vd.ram = NULL;
	vd.ram_fd = -1;
	vd.intx_fd = -1;
	vd.have_io = false;
	for (i = 0; i <= VDRV_MAX_QUEUES; i++)
		vd.vec_fd[i] = -1;
	for (i = 0; i < VDRV_MAX_QUEUES; i++)
		vd.q[i].kick_fd = -1;
	vd.test_fds0 = rc_fd_count(getpid());
	ck_assert_int_gt(vd.test_fds0, 0);
}

void vdrv_teardown(void)
{
	int n;

	if (vd.cl) {
		ck_assert_msg(!vu_client_error(vd.cl), "the connection died: %s",
			      vu_client_error(vd.cl));
		vdrv_disconnect();
	}
	if (vd.running) {
		n = rc_wait_fd_count(vd.ch.pid, vd.dev_fds0, 3000);
		ck_assert_msg(n == vd.dev_fds0, "the device has %d fds after "
			      "the case, %d before", n, vd.dev_fds0);
		ck_assert_int_eq(child_stop(&vd.ch, SIGTERM), 0);
		child_cleanup(&vd.ch);
		vd.running = false;
	}
	n = rc_fd_count(getpid());
	ck_assert_msg(n == vd.test_fds0, "the test has %d fds after the case, "
		      "%d before", n, vd.test_fds0);
}

void vdrv_start(const char *const *extra)
{
	int ret = child_start(&vd.ch, vd.bin, extra, NULL);

	ck_assert_msg(ret == 0, "the device did not start: %s", vd.ch.why);
	vd.running = true;
	vd.dev_fds0 = rc_fd_count(vd.ch.pid);
	ck_assert_int_gt(vd.dev_fds0, 0);
}

void vdrv_connect(bool by_messages)
{
	struct vu_client_config cfg = {
		.name = "virtio-dev",
		.timeout_ms = 5000,
		.dma_access = vd_dma_access,
		.opaque = &vd,
	};
	struct vu_why why = { "" };
	int ret;

	ck_assert_ptr_null(vd.cl);
	ret = vu_client_connect(vd.ch.sock, &cfg, &vd.cl, &why);
	ck_assert_msg(ret == 0, "connect: %s (%d)", why.msg, ret);
	vd.ram_fd = vu_memfd_create_sealed("vdrv-ram", VDRV_RAM_SIZE);
	ck_assert_int_ge(vd.ram_fd, 0);
	vd.ram = mmap(NULL, VDRV_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		      vd.ram_fd, 0);
	ck_assert(vd.ram != MAP_FAILED);
	vd.ram_by_messages = by_messages;
	ck_assert_int_eq(vu_client_dma_map(vd.cl, VDRV_RAM_IOVA, VDRV_RAM_SIZE,
					   by_messages ? -1 : vd.ram_fd, 0,
					   VD_RW), 0);
	vd.next_alloc = VDRV_RAM_IOVA;
}

static void release_irqs(void)
{
	unsigned int i;

	for (i = 0; i <= VDRV_MAX_QUEUES; i++)
		close_fd(&vd.vec_fd[i]);
	close_fd(&vd.intx_fd);
}

static void release_io(void)
{
	unsigned int i;

	if (vd.have_io)
		vu_client_io_fds_release(&vd.io);
	vd.have_io = false;
	for (i = 0; i < VDRV_MAX_QUEUES; i++)
		vd.q[i].kick_fd = -1;
}

void vdrv_disconnect(void)
{
	release_io();
	if (vd.cl)
		vu_client_close(vd.cl);
	vd.cl = NULL;
	release_irqs();
	if (vd.ram)
		munmap(vd.ram, VDRV_RAM_SIZE);
	vd.ram = NULL;
	close_fd(&vd.ram_fd);
}

void vdrv_up(const char *const *extra)
{
	vdrv_start(extra);
	vdrv_connect(false);
	vdrv_find_caps();
}

/* --- Config space and BAR4 --- */

static uint32_t cfg_read(uint32_t off, uint32_t len)
{
	uint32_t v = 0;

	ck_assert_int_eq(vu_client_region_read(vd.cl, VD_CFG, off, &v, len),
			 0);
	return v;
}

static void cfg_write(uint32_t off, uint32_t v, uint32_t len)
{
	ck_assert_int_eq(vu_client_region_write(vd.cl, VD_CFG, off, &v, len),
			 0);
}

void vdrv_find_caps(void)
{
	uint8_t c[256];
	unsigned int pos, hops = 0;

	ck_assert_int_eq(vu_client_region_read(vd.cl, VD_CFG, 0, c, 256), 0);
	vd.common = vd.isr = vd.device = vd.notify = UINT32_MAX;
	vd.pcicfg_cap = vd.msix_cap = 0;
	ck_assert(c[PCI_STATUS] & PCI_STATUS_CAP_LIST);
	for (pos = c[PCI_CAPABILITY_LIST]; pos && hops < 48;
	     pos = c[pos + 1], hops++) {
		uint32_t off, len;

		ck_assert_uint_le(pos, 256 - 4);
		if (c[pos] == PCI_CAP_ID_MSIX) {
			vd.msix_cap = (uint8_t)pos;
			vd.nvec = (uint16_t)(((c[pos + 2] | c[pos + 3] << 8) &
					      PCI_MSIX_FLAGS_QSIZE) + 1);
		}
		if (c[pos] != PCI_CAP_ID_VNDR)
			continue;
		memcpy(&off, c + pos + VIRTIO_PCI_CAP_OFFSET, 4);
		memcpy(&len, c + pos + VIRTIO_PCI_CAP_LENGTH, 4);
		switch (c[pos + VIRTIO_PCI_CAP_CFG_TYPE]) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			ck_assert_uint_eq(c[pos + VIRTIO_PCI_CAP_BAR], VD_BAR);
			vd.common = off;
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			ck_assert_uint_eq(c[pos + VIRTIO_PCI_CAP_BAR], VD_BAR);
			vd.notify = off;
			memcpy(&vd.notify_mult, c + pos + 16, 4);
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			vd.isr = off;
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			vd.device = off;
			vd.device_len = len;
			break;
		case VIRTIO_PCI_CAP_PCI_CFG:
			vd.pcicfg_cap = (uint8_t)pos;
			break;
		}
	}
	ck_assert_uint_ne(vd.common, UINT32_MAX);
	ck_assert_uint_ne(vd.notify, UINT32_MAX);
	ck_assert_uint_ne(vd.isr, UINT32_MAX);
	ck_assert_uint_ne(vd.msix_cap, 0);
}

int vdrv_try_common(uint32_t off, uint32_t *v, uint32_t size)
{
	*v = 0;
	return vu_client_region_read(vd.cl, VD_BAR, vd.common + off, v, size);
}

uint32_t vdrv_common(uint32_t off, uint32_t size)
{
	uint32_t v;

	ck_assert_int_eq(vdrv_try_common(off, &v, size), 0);
	return v;
}

void vdrv_set_common(uint32_t off, uint32_t v, uint32_t size)
{
	ck_assert_int_eq(vu_client_region_write(vd.cl, VD_BAR, vd.common + off,
						&v, size), 0);
}

uint8_t vdrv_status(void)
{
	return (uint8_t)vdrv_common(VIRTIO_PCI_COMMON_STATUS, 1);
}

void vdrv_set_status(uint8_t v)
{
	vdrv_set_common(VIRTIO_PCI_COMMON_STATUS, v, 1);
}

bool vdrv_wait_status(uint8_t bits, int ms)
{
	int waited;

	for (waited = 0;; waited++) {
		if ((vdrv_status() & bits) == bits)
			return true;
		if (waited >= ms)
			return false;
		sleep_ms(1);
	}
}

void vdrv_reset(void)
{
	unsigned int i;

	vdrv_set_status(0);
	/* §2.4.2: wait for device_status to read 0. */
	ck_assert_uint_eq(vdrv_status(), 0);
	for (i = 0; i < VDRV_MAX_QUEUES; i++) {
		vd.q[i].avail_idx = vd.q[i].last_used = 0;
		vd.q[i].next_desc = 0;
	}
}

void vdrv_device_cfg(uint32_t off, void *buf, uint32_t len)
{
	ck_assert_uint_ne(vd.device, UINT32_MAX);
	ck_assert_int_eq(vu_client_region_read(vd.cl, VD_BAR, vd.device + off,
					       buf, len), 0);
}

uint8_t vdrv_isr(void)
{
	uint8_t v = 0xff;

	ck_assert_int_eq(vu_client_region_read(vd.cl, VD_BAR, vd.isr, &v, 1),
			 0);
	return v;
}

/* --- Guest RAM --- */

uint64_t vdrv_alloc(uint64_t len, uint64_t align)
{
	uint64_t a = (vd.next_alloc + align - 1) & ~(align - 1);

	ck_assert_uint_le(a + len, VDRV_RAM_IOVA + VDRV_RAM_SIZE);
	vd.next_alloc = a + len;
	memset(vd.ram + (a - VDRV_RAM_IOVA), 0, len);
	return a;
}

void *vdrv_ptr(uint64_t iova)
{
	ck_assert_uint_ge(iova, VDRV_RAM_IOVA);
	ck_assert_uint_lt(iova, VDRV_RAM_IOVA + VDRV_RAM_SIZE);
	return vd.ram + (iova - VDRV_RAM_IOVA);
}

/* --- Initialisation --- */

static void setup_msix(void)
{
	unsigned int i;
	uint16_t ctrl;

	vd.nvec = vd.nvec < vd.nq + 1 ? vd.nvec : (uint16_t)(vd.nq + 1);
	for (i = 0; i < vd.nvec; i++) {
		vd.vec_fd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		ck_assert_int_ge(vd.vec_fd[i], 0);
	}
	ck_assert_int_eq(vu_client_set_irqs_eventfd(vd.cl,
						    VFIO_PCI_MSIX_IRQ_INDEX, 0,
						    vd.nvec, vd.vec_fd), 0);
	/* What a VMM forwards when the guest enables MSI-X. */
	ctrl = (uint16_t)cfg_read(vd.msix_cap + PCI_MSIX_FLAGS, 2);
	cfg_write(vd.msix_cap + PCI_MSIX_FLAGS, ctrl | PCI_MSIX_FLAGS_ENABLE,
		  2);
	vdrv_set_common(VIRTIO_PCI_COMMON_MSIX, 0, 2);
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_MSIX, 2), 0);
}

static void setup_intx(void)
{
	vd.intx_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ck_assert_int_ge(vd.intx_fd, 0);
	ck_assert_int_eq(vu_client_set_irqs(vd.cl, VFIO_PCI_INTX_IRQ_INDEX,
					    VFIO_IRQ_SET_DATA_EVENTFD |
					    VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1,
					    NULL, &vd.intx_fd), 0);
}

static void setup_io(void)
{
	unsigned int i, qi;

	ck_assert_int_eq(vu_client_region_io_fds(vd.cl, VD_BAR, &vd.io), 0);
	vd.have_io = true;
	for (i = 0; i < vd.io.count; i++) {
		const struct vu_client_io_fd *e = &vd.io.entries[i];

		ck_assert_uint_ge(e->e.offset, vd.notify);
		ck_assert_uint_eq(e->e.size, 2);
		qi = (unsigned int)((e->e.offset - vd.notify) / vd.notify_mult);
		ck_assert_uint_lt(qi, VDRV_MAX_QUEUES);
		vd.q[qi].kick_fd = e->fd;
	}
}

void vdrv_queue_setup(unsigned int qi, uint16_t size)
{
	struct vdrv_queue *q = &vd.q[qi];

	q->size = size;
	q->avail_idx = q->last_used = q->next_desc = 0;
	q->desc = vdrv_alloc(16ull * size, 4096);
	q->avail = vdrv_alloc(6ull + 2ull * size, 4096);
	q->used = vdrv_alloc(6ull + 8ull * size, 4096);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_SELECT, qi, 2);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_SIZE, size, 2);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_DESCLO, (uint32_t)q->desc, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_DESCHI, (uint32_t)(q->desc >> 32),
			4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_AVAILLO, (uint32_t)q->avail, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_AVAILHI,
			(uint32_t)(q->avail >> 32), 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_USEDLO, (uint32_t)q->used, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_USEDHI, (uint32_t)(q->used >> 32),
			4);
	if (vd.vec_fd[0] >= 0) {
		vdrv_set_common(VIRTIO_PCI_COMMON_Q_MSIX, qi + 1, 2);
		ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_MSIX, 2),
				  qi + 1);
	}
	ck_assert_uint_eq(vdrv_common(VIRTIO_PCI_COMMON_Q_NOFF, 2), qi);
	vdrv_set_common(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
}

uint8_t vdrv_init(const struct vdrv_opts *o)
{
	static const struct vdrv_opts none;
	uint64_t want;
	unsigned int i;
	uint16_t max;
	uint8_t st;

	if (!o)
		o = &none;
	release_io();
	if (vd.vec_fd[0] >= 0 || vd.intx_fd >= 0) {
		/* Take the old eventfds back before closing them. */
		ck_assert_int_eq(vu_client_set_irqs_eventfd(vd.cl,
				 vd.vec_fd[0] >= 0 ? VFIO_PCI_MSIX_IRQ_INDEX :
				 VFIO_PCI_INTX_IRQ_INDEX, 0, 0, NULL), 0);
		release_irqs();
	}
	vdrv_reset();
	vdrv_set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE);
	vdrv_set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	vdrv_set_common(VIRTIO_PCI_COMMON_DFSELECT, 0, 4);
	vd.host_features = vdrv_common(VIRTIO_PCI_COMMON_DF, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_DFSELECT, 1, 4);
	vd.host_features |= (uint64_t)vdrv_common(VIRTIO_PCI_COMMON_DF, 4)
			    << 32;
	want = o->features;
	if (!o->no_version_1)
		want |= 1ull << VIRTIO_F_VERSION_1;
	else
		want &= ~(1ull << VIRTIO_F_VERSION_1);
	vd.features = vd.host_features & want;
	vdrv_set_common(VIRTIO_PCI_COMMON_GFSELECT, 0, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_GF, (uint32_t)vd.features, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
	vdrv_set_common(VIRTIO_PCI_COMMON_GF, (uint32_t)(vd.features >> 32),
			4);
	vdrv_set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			VIRTIO_CONFIG_S_FEATURES_OK);
	st = vdrv_status();
	if (o->no_version_1)
		return st;
	ck_assert_msg(st & VIRTIO_CONFIG_S_FEATURES_OK, "FEATURES_OK refused "
		      "(status %#x, features %#llx)", st,
		      (unsigned long long)vd.features);

	vd.nq = vdrv_common(VIRTIO_PCI_COMMON_NUMQ, 2);
	ck_assert_uint_ge(vd.nq, 1);
	ck_assert_uint_le(vd.nq, VDRV_MAX_QUEUES);
	if (o->num_queues)
		vd.nq = o->num_queues;
	if (o->intx)
		setup_intx();
	else
		setup_msix();
	if (!o->trap_kicks)
		setup_io();
	for (i = 0; i < vd.nq; i++) {
		vdrv_set_common(VIRTIO_PCI_COMMON_Q_SELECT, i, 2);
		max = (uint16_t)vdrv_common(VIRTIO_PCI_COMMON_Q_SIZE, 2);
		ck_assert_uint_gt(max, 0);
		vdrv_queue_setup(i, o->queue_size ? o->queue_size : max);
	}
	if (!o->no_driver_ok)
		vdrv_set_status(VIRTIO_CONFIG_S_ACKNOWLEDGE |
				VIRTIO_CONFIG_S_DRIVER |
				VIRTIO_CONFIG_S_FEATURES_OK |
				VIRTIO_CONFIG_S_DRIVER_OK);
	return vdrv_status();
}

/* --- Rings --- */

void vdrv_desc(unsigned int qi, uint16_t i, uint64_t addr, uint32_t len,
	       uint16_t flags, uint16_t next)
{
	uint8_t *d = vdrv_ptr(vd.q[qi].desc + 16ull * i);

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

uint16_t vdrv_next_desc(unsigned int qi)
{
	struct vdrv_queue *q = &vd.q[qi];
	uint16_t i = q->next_desc;

	q->next_desc = (uint16_t)((q->next_desc + 1) % q->size);
	return i;
}

static uint16_t *avail_idx_p(unsigned int qi)
{
	return vdrv_ptr(vd.q[qi].avail + 2);
}

void vdrv_set_avail_idx(unsigned int qi, uint16_t idx)
{
	__atomic_store_n(avail_idx_p(qi), idx, __ATOMIC_RELEASE);
}

void vdrv_publish(unsigned int qi, uint16_t head)
{
	struct vdrv_queue *q = &vd.q[qi];
	uint16_t *ring = vdrv_ptr(q->avail + 4);

	ring[q->avail_idx % q->size] = head;
	q->avail_idx++;
	/* The entry (and descriptors) before the index. */
	vdrv_set_avail_idx(qi, q->avail_idx);
}

void vdrv_set_avail_flags(unsigned int qi, uint16_t flags)
{
	__atomic_store_n((uint16_t *)vdrv_ptr(vd.q[qi].avail), flags,
			 __ATOMIC_RELEASE);
}

void vdrv_set_used_event(unsigned int qi, uint16_t v)
{
	struct vdrv_queue *q = &vd.q[qi];

	__atomic_store_n((uint16_t *)vdrv_ptr(q->avail + 4 + 2ull * q->size),
			 v, __ATOMIC_RELEASE);
}

uint16_t vdrv_used_idx(unsigned int qi)
{
	return __atomic_load_n((uint16_t *)vdrv_ptr(vd.q[qi].used + 2),
			       __ATOMIC_ACQUIRE);
}

uint16_t vdrv_avail_event(unsigned int qi)
{
	struct vdrv_queue *q = &vd.q[qi];

	return __atomic_load_n((uint16_t *)vdrv_ptr(q->used + 4 +
						    8ull * q->size),
			       __ATOMIC_ACQUIRE);
}

void vdrv_kick(unsigned int qi)
{
	struct vdrv_queue *q = &vd.q[qi];
	uint16_t v = (uint16_t)qi;
	uint64_t one = 1;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->kick_fd >= 0) {
		ck_assert_int_eq(write(q->kick_fd, &one, 8), 8);
		return;
	}
	ck_assert_int_eq(vu_client_region_write(vd.cl, VD_BAR,
						vd.notify + qi * vd.notify_mult,
						&v, 2), 0);
}

/* Until the device has read the doorbell eventfd @fd (its counter 0). */
static bool kick_read(int fd, int64_t end)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, 0) == 1) {
		if (wait_for_now_ms() > end)
			return false;
		wait_for_pause();
	}
	return true;
}

bool vdrv_kick_taken(unsigned int qi, int ms)
{
	int64_t end = wait_for_now_ms() + ms;
	int fd = vd.q[qi].kick_fd;

	ck_assert_msg(fd >= 0, "queue %u is kicked by REGION_WRITE", qi);
	/*
	 * The queue's thread reads the eventfd, then serves the queue, one
	 * pass at a time: once it has read a second kick too, the pass of
	 * the first one is over.
	 */
	if (!kick_read(fd, end))
		return false;
	vdrv_kick(qi);
	return kick_read(fd, end);
}

bool vdrv_wait_used(unsigned int qi, struct vdrv_used *u, int ms)
{
	struct vdrv_queue *q = &vd.q[qi];
	int waited;

	for (waited = 0; vdrv_used_idx(qi) == q->last_used; waited++) {
		if (waited >= ms)
			return false;
		sleep_ms(1);
	}
	memcpy(u, vdrv_ptr(q->used + 4 + 8ull * (q->last_used % q->size)),
	       sizeof(*u));
	q->last_used++;
	return true;
}

static bool fired(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return false;
	ck_assert_int_eq(read(fd, &v, sizeof(v)), sizeof(v));
	return true;
}

/* INTx fired: read ISR (lowers the line) and unmask, as Linux does. */
static bool intx_fired(uint8_t bit, int ms)
{
	uint8_t isr;

	if (!fired(vd.intx_fd, ms))
		return false;
	isr = vdrv_isr();
	ck_assert_int_eq(vu_client_set_irqs(vd.cl, VFIO_PCI_INTX_IRQ_INDEX,
					    VFIO_IRQ_SET_DATA_NONE |
					    VFIO_IRQ_SET_ACTION_UNMASK, 0, 1,
					    NULL, NULL), 0);
	return isr & bit;
}

bool vdrv_irq(unsigned int qi, int ms)
{
	if (vd.intx_fd >= 0)
		return intx_fired(1, ms);
	return fired(vd.vec_fd[qi + 1 < vd.nvec ? qi + 1 : 0], ms);
}

bool vdrv_config_irq(int ms)
{
	if (vd.intx_fd >= 0)
		return intx_fired(2, ms);
	return fired(vd.vec_fd[0], ms);
}

/* --- virtio-blk requests --- */

struct vd_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

uint16_t vdrv_blk_post(unsigned int qi, uint32_t type, uint64_t sector,
		       uint64_t data, uint32_t len, bool data_in,
		       bool indirect, uint64_t *status)
{
	uint64_t hdr = vdrv_alloc(16, 16), st = vdrv_alloc(1, 1), table = 0;
	struct vd_desc d[3];
	unsigned int n = 0, i;
	uint8_t *h = vdrv_ptr(hdr);
	uint16_t head;

	memcpy(h, &type, 4);
	memset(h + 4, 0, 4);
	memcpy(h + 8, &sector, 8);
	*(uint8_t *)vdrv_ptr(st) = 0xee;
	d[n++] = (struct vd_desc){ hdr, 16, 0, 0 };
	if (len)
		d[n++] = (struct vd_desc){ data, len,
					   data_in ? VRING_DESC_F_WRITE : 0, 0 };
	d[n++] = (struct vd_desc){ st, 1, VRING_DESC_F_WRITE, 0 };
	if (indirect) {
		table = vdrv_alloc(16ull * n, 16);
		for (i = 0; i < n; i++) {
			if (i + 1 < n) {
				d[i].flags |= VRING_DESC_F_NEXT;
				d[i].next = (uint16_t)(i + 1);
			}
			memcpy(vdrv_ptr(table + 16ull * i), &d[i], 16);
		}
		head = vdrv_next_desc(qi);
		vdrv_desc(qi, head, table, 16 * n, VRING_DESC_F_INDIRECT, 0);
	} else {
		uint16_t idx[3];

		for (i = 0; i < n; i++)
			idx[i] = vdrv_next_desc(qi);
		for (i = 0; i < n; i++)
			vdrv_desc(qi, idx[i], d[i].addr, d[i].len,
				  d[i].flags | (i + 1 < n ? VRING_DESC_F_NEXT :
						0), i + 1 < n ? idx[i + 1] : 0);
		head = idx[0];
	}
	vdrv_publish(qi, head);
	*status = st;
	return head;
}

int vdrv_blk(unsigned int qi, uint32_t type, uint64_t sector, uint64_t data,
	     uint32_t len, bool data_in, bool indirect, struct vdrv_used *u)
{
	struct vdrv_used used;
	uint64_t st;
	uint16_t head;

	head = vdrv_blk_post(qi, type, sector, data, len, data_in, indirect,
			     &st);
	vdrv_kick(qi);
	if (!vdrv_wait_used(qi, &used, 3000))
		return -1;
	ck_assert_uint_eq(used.id, head);
	if (u)
		*u = used;
	return *(uint8_t *)vdrv_ptr(st);
}

/* --- Misc --- */

void vdrv_fill(void *p, size_t n, unsigned int seed)
{
	uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		b[i] = (uint8_t)(seed >> 16);
	}
}

void vdrv_tmpfile(char *path, uint64_t size)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(path, 256, "%s/vdrv-disk-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
}

bool vdrv_log_has(const char *needle, int ms)
{
	return child_log_has(&vd.ch, needle, ms);
}
