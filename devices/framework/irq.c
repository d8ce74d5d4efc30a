// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts: GET_IRQ_INFO, SET_IRQS and the eventfds it brings, triggers
 * from the device, INTx level/mask state. Spec sections
 * "VFIO_USER_DEVICE_GET_IRQ_INFO" and "VFIO_USER_DEVICE_SET_IRQS"; the
 * flag semantics are those of linux/vfio.h (VFIO_DEVICE_SET_IRQS).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "devices/framework/vus_priv.h"

static const char *const irq_names[VFIO_PCI_NUM_IRQS] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = "INTx",
	[VFIO_PCI_MSI_IRQ_INDEX] = "MSI",
	[VFIO_PCI_MSIX_IRQ_INDEX] = "MSI-X",
	[VFIO_PCI_ERR_IRQ_INDEX] = "ERR",
	[VFIO_PCI_REQ_IRQ_INDEX] = "REQ",
};

int vus_irqs_init(struct vus_irqs *q)
{
	memset(q, 0, sizeof(*q));
	q->intx_unmask_fd = -1;
	return pthread_mutex_init(&q->lock, NULL) ? -ENOMEM : 0;
}

int vus_irqs_realize(struct vus_dev *dev)
{
	struct vus_irqs *q = &dev->irqs;
	unsigned int i, v;

	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		if (!q->count[i])
			continue;
		q->efds[i] = malloc(q->count[i] * sizeof(int));
		q->efd_blocks[i] = calloc(q->count[i], sizeof(bool));
		if (!q->efds[i] || !q->efd_blocks[i])
			return -ENOMEM;
		for (v = 0; v < q->count[i]; v++)
			q->efds[i][v] = -1;
	}
	return 0;
}

void vus_irqs_destroy(struct vus_irqs *q)
{
	unsigned int i;

	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		free(q->efds[i]);
		free(q->efd_blocks[i]);
		q->efds[i] = NULL;
		q->efd_blocks[i] = NULL;
	}
	pthread_mutex_destroy(&q->lock);
}

int vus_irqs_info(struct vus_dev *dev, uint32_t index,
		  struct vfio_user_irq_info *info, struct vu_why *why)
{
	uint32_t count;

	if (index >= VFIO_PCI_NUM_IRQS) {
		vu_why_set(why, "DEVICE_GET_IRQ_INFO index %u is out of range "
			   "(0..%u)", index, VFIO_PCI_NUM_IRQS - 1);
		return -EINVAL;
	}
	count = dev->irqs.count[index];
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	info->count = count;
	if (!count)
		return 0;
	info->flags = VFIO_IRQ_INFO_EVENTFD;
	/* As vfio-pci: INTx is maskable and automasked; MSI vectors are
	 * set up as a set. */
	if (index == VFIO_PCI_INTX_IRQ_INDEX)
		info->flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else if (index == VFIO_PCI_MSI_IRQ_INDEX)
		info->flags |= VFIO_IRQ_INFO_NORESIZE;
	return 0;
}

/*
 * Signal vector @v of @index (its eventfd set; irqs lock held). The
 * client chose the fd's flags: a write to a blocking eventfd whose
 * counter is at its maximum waits until the client reads it, which a
 * client that does not read never does, and this runs under the IRQ lock
 * that teardown needs. So for a blocking one look first: no room for one
 * more count means the client is not taking interrupts, and the signal is
 * dropped (-EOVERFLOW) rather than waited for. A non-blocking one (what
 * minivmm and QEMU give) says so itself, without the extra system call
 * on the device's interrupt path.
 */
static int signal_fd(struct vus_irqs *q, unsigned int index, unsigned int v)
{
	struct pollfd p = { .fd = q->efds[index][v], .events = POLLOUT };
	uint64_t one = 1;

	if (q->efd_blocks[index][v]) {
		if (poll(&p, 1, 0) < 0)
			return -errno;
		if (!(p.revents & POLLOUT))
			return -EOVERFLOW;
	}
	if (write(p.fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		return errno == EAGAIN ? -EOVERFLOW : -errno;
	return 0;
}

/*
 * The INTx state machine (irqs lock held): an asserted, unmasked,
 * enabled line with a trigger eventfd is signalled once and masked.
 */
static void intx_eval(struct vus_irqs *q)
{
	int *fds = q->efds[VFIO_PCI_INTX_IRQ_INDEX];

	if (!fds || fds[0] < 0 || !q->intx_level || q->intx_masked ||
	    q->intx_disabled)
		return;
	if (!signal_fd(q, VFIO_PCI_INTX_IRQ_INDEX, 0))
		q->intx_masked = true;
}

/* Whether @fd is an eventfd: writes to it never block, reads return
 * 8 bytes. Anything else a client sends as an IRQ fd is refused. */
static bool is_eventfd(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = 0;
	return strcmp(target, "anon_inode:[eventfd]") == 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Disable index @index: drop its eventfds (lock held). */
static void disable_index(struct vus_dev *dev, uint32_t index)
{
	struct vus_irqs *q = &dev->irqs;
	uint32_t v;

	for (v = 0; v < q->count[index]; v++)
		close_fd(&q->efds[index][v]);
	if (index == VFIO_PCI_INTX_IRQ_INDEX) {
		close_fd(&q->intx_unmask_fd);
		q->intx_masked = false;
		vus_dev_wake(dev);
	}
}

static int set_trigger(struct vus_dev *dev, const struct vfio_user_irq_set *s,
		       const uint8_t *bools, struct vu_msg *m)
{
	struct vus_irqs *q = &dev->irqs;
	uint32_t data = s->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	int *fds = q->efds[s->index];
	uint32_t i;

	if (data == VFIO_IRQ_SET_DATA_EVENTFD) {
		for (i = 0; i < s->count; i++) {
			close_fd(&fds[s->start + i]);
			if (m->nr_fds) {
				fds[s->start + i] = m->fds[i];
				q->efd_blocks[s->index][s->start + i] =
					!(fcntl(m->fds[i], F_GETFL) & O_NONBLOCK);
				m->fds[i] = -1;
			}
		}
		if (s->index == VFIO_PCI_INTX_IRQ_INDEX)
			intx_eval(q);
		return 0;
	}
	/* DATA_NONE / DATA_BOOL: the client triggers the vectors itself
	 * ("A client may trigger a device IRQ itself"). */
	for (i = 0; i < s->count; i++)
		if ((data == VFIO_IRQ_SET_DATA_NONE || bools[i]) &&
		    fds[s->start + i] >= 0)
			signal_fd(q, s->index, s->start + i);
	return 0;
}

static int set_intx_mask(struct vus_dev *dev, const struct vfio_user_irq_set *s,
			 const uint8_t *bools, struct vu_msg *m,
			 struct vu_why *why)
{
	struct vus_irqs *q = &dev->irqs;
	uint32_t data = s->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	bool unmask = s->flags & VFIO_IRQ_SET_ACTION_UNMASK;

	if (data == VFIO_IRQ_SET_DATA_EVENTFD) {
		if (!unmask) {
			vu_why_set(why, "DEVICE_SET_IRQS INTx ACTION_MASK with "
				   "DATA_EVENTFD is not supported");
			return -ENOTSUP;
		}
		/* The unmask (resample) fd: the client signals it when the
		 * guest has serviced the interrupt. */
		close_fd(&q->intx_unmask_fd);
		if (m->nr_fds) {
			q->intx_unmask_fd = m->fds[0];
			m->fds[0] = -1;
		}
		vus_dev_wake(dev);
		return 0;
	}
	if (data == VFIO_IRQ_SET_DATA_BOOL && !bools[0])
		return 0;
	if (unmask) {
		q->intx_masked = false;
		intx_eval(q);
	} else {
		q->intx_masked = true;
	}
	return 0;
}

int vus_irqs_set(struct vus_dev *dev, struct vu_msg *m, struct vu_why *why)
{
	struct vus_irqs *q = &dev->irqs;
	struct vfio_user_irq_set s;
	const uint8_t *bools;
	uint32_t action, n, i;
	int ret;

	/* vu_validate_command() checked flags, argsz, bools and fds. */
	memcpy(&s, m->body, sizeof(s));
	bools = (const uint8_t *)m->body + sizeof(s);
	action = s.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	if (s.index >= VFIO_PCI_NUM_IRQS) {
		vu_why_set(why, "DEVICE_SET_IRQS index %u is out of range "
			   "(0..%u)", s.index, VFIO_PCI_NUM_IRQS - 1);
		return -EINVAL;
	}
	n = q->count[s.index];
	if (!n) {
		vu_why_set(why, "DEVICE_SET_IRQS index %u (%s) has no vectors "
			   "on this device", s.index, irq_names[s.index]);
		return -EINVAL;
	}
	if (s.count == 0) {
		if (action != VFIO_IRQ_SET_ACTION_TRIGGER) {
			vu_why_set(why, "DEVICE_SET_IRQS count 0 (disable) "
				   "needs ACTION_TRIGGER, flags are %#x",
				   s.flags);
			return -EINVAL;
		}
		pthread_mutex_lock(&q->lock);
		disable_index(dev, s.index);
		pthread_mutex_unlock(&q->lock);
		return 0;
	}
	if (s.start >= n || s.count > n - s.start) {
		vu_why_set(why, "DEVICE_SET_IRQS start %u + count %u exceeds "
			   "the %u vectors of %s", s.start, s.count, n,
			   irq_names[s.index]);
		return -EINVAL;
	}
	for (i = 0; i < m->nr_fds; i++) {
		if (!is_eventfd(m->fds[i])) {
			vu_why_set(why, "DEVICE_SET_IRQS fd %u (for vector %u) "
				   "is not an eventfd", i, s.start + i);
			return -EINVAL;
		}
	}
	if (action != VFIO_IRQ_SET_ACTION_TRIGGER &&
	    s.index != VFIO_PCI_INTX_IRQ_INDEX) {
		vu_why_set(why, "DEVICE_SET_IRQS %s is not maskable (flags "
			   "%#x)", irq_names[s.index], s.flags);
		return -EINVAL;
	}

	pthread_mutex_lock(&q->lock);
	if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
		ret = set_trigger(dev, &s, bools, m);
	else
		ret = set_intx_mask(dev, &s, bools, m, why);
	pthread_mutex_unlock(&q->lock);
	return ret;
}

int vus_irqs_unmask_fd(struct vus_dev *dev)
{
	int fd;

	pthread_mutex_lock(&dev->irqs.lock);
	fd = dev->irqs.intx_unmask_fd;
	pthread_mutex_unlock(&dev->irqs.lock);
	return fd;
}

void vus_irqs_unmask_event(struct vus_dev *dev)
{
	struct vus_irqs *q = &dev->irqs;
	struct pollfd p;
	uint64_t cnt;

	pthread_mutex_lock(&q->lock);
	/* The fd polled may have been replaced since: look at the current
	 * one without blocking. */
	p.fd = q->intx_unmask_fd;
	p.events = POLLIN;
	if (p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN) &&
	    read(p.fd, &cnt, sizeof(cnt)) == (ssize_t)sizeof(cnt)) {
		q->intx_masked = false;
		intx_eval(q);
	}
	pthread_mutex_unlock(&q->lock);
}

void vus_irqs_intx_disable(struct vus_dev *dev, bool disabled)
{
	struct vus_irqs *q = &dev->irqs;

	pthread_mutex_lock(&q->lock);
	q->intx_disabled = disabled;
	intx_eval(q);
	pthread_mutex_unlock(&q->lock);
}

void vus_irqs_reset(struct vus_dev *dev)
{
	struct vus_irqs *q = &dev->irqs;

	pthread_mutex_lock(&q->lock);
	q->intx_level = false;
	q->intx_masked = false;
	vus_cfg_set_intx_status(&dev->cfg, false);
	pthread_mutex_unlock(&q->lock);
}

void vus_irqs_drop_client(struct vus_dev *dev)
{
	struct vus_irqs *q = &dev->irqs;
	unsigned int i;

	pthread_mutex_lock(&q->lock);
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++)
		if (q->efds[i])
			disable_index(dev, i);
	close_fd(&q->intx_unmask_fd);
	q->intx_masked = false;
	pthread_mutex_unlock(&q->lock);
}

/* --- The device's side --- */

enum vus_irq_mode vus_irq_mode(struct vus_dev *dev)
{
	static const struct {
		unsigned int index;
		enum vus_irq_mode mode;
	} order[] = {
		{ VFIO_PCI_MSIX_IRQ_INDEX, VUS_IRQ_MSIX },
		{ VFIO_PCI_MSI_IRQ_INDEX, VUS_IRQ_MSI },
		{ VFIO_PCI_INTX_IRQ_INDEX, VUS_IRQ_INTX },
	};
	struct vus_irqs *q = &dev->irqs;
	enum vus_irq_mode mode = VUS_IRQ_NONE;
	unsigned int i, v;

	pthread_mutex_lock(&q->lock);
	for (i = 0; i < sizeof(order) / sizeof(order[0]) && !mode; i++)
		for (v = 0; v < q->count[order[i].index]; v++)
			if (q->efds[order[i].index][v] >= 0) {
				mode = order[i].mode;
				break;
			}
	pthread_mutex_unlock(&q->lock);
	return mode;
}

int vus_irq_trigger(struct vus_dev *dev, unsigned int index,
		    unsigned int vector)
{
	struct vus_irqs *q = &dev->irqs;
	int fd, ret;

	if (index >= VFIO_PCI_NUM_IRQS || vector >= q->count[index])
		return -EINVAL;
	pthread_mutex_lock(&q->lock);
	fd = q->efds[index][vector];
	if (fd < 0) {
		ret = -ENOENT;
	} else if (index == VFIO_PCI_INTX_IRQ_INDEX &&
		   (q->intx_masked || q->intx_disabled)) {
		ret = -EAGAIN;
	} else {
		ret = signal_fd(q, index, vector);
		if (!ret && index == VFIO_PCI_INTX_IRQ_INDEX)
			q->intx_masked = true;
	}
	pthread_mutex_unlock(&q->lock);
	return ret;
}

void vus_irq_intx_set(struct vus_dev *dev, bool asserted)
{
	struct vus_irqs *q = &dev->irqs;

	pthread_mutex_lock(&q->lock);
	q->intx_level = asserted;
	vus_cfg_set_intx_status(&dev->cfg, asserted);
	intx_eval(q);
	pthread_mutex_unlock(&q->lock);
}
