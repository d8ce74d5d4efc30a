// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtqueues of a virtio-pci device at run time: one thread per
 * queue woken by its doorbell eventfd, guest memory reached through the
 * framework's DMA calls, the used-buffer and configuration change
 * interrupts (VIRTIO 1.2 §4.1.4.5, §4.1.5.3, §4.1.5.4), and what
 * happens when the driver breaks a queue (§2.1.2: DEVICE_NEEDS_RESET).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/virtio_pci.h>

#include "devices/virtio/virtio_priv.h"

/* Requests a queue thread serves in one turn (fairness with the other
 * users of the device's CPU time; a reset does not wait for the turn). */
#define BATCH_PER_LOCK	256u
/* Requests completed before an interrupt is considered mid-batch. */
#define NOTIFY_EVERY	32u

/* --- Guest memory (struct virtq_mem_ops over vus_dma_*) --- */

static int mem_check(void *opaque, uint64_t iova, uint64_t len,
		     bool dev_writes)
{
	struct virtio_pci *vp = opaque;

	return vus_dma_check(vp->dev, iova, len,
			     dev_writes ? VUS_DMA_WRITE : VUS_DMA_READ);
}

static int mem_read(void *opaque, uint64_t iova, void *buf, uint64_t len)
{
	struct virtio_pci *vp = opaque;
	struct vus_dma_ref ref;
	void *p;

	/* Ring indices and flags the driver changes under us: one load. */
	if ((len == 2 || len == 4) && !(iova & (len - 1)) &&
	    !vus_dma_get(vp->dev, iova, len, VUS_DMA_READ, &p, &ref)) {
		if (len == 2) {
			uint16_t v = __atomic_load_n((uint16_t *)p,
						     __ATOMIC_ACQUIRE);
			memcpy(buf, &v, 2);
		} else {
			uint32_t v = __atomic_load_n((uint32_t *)p,
						     __ATOMIC_ACQUIRE);
			memcpy(buf, &v, 4);
		}
		vus_dma_put(vp->dev, &ref);
		return 0;
	}
	return vus_dma_read(vp->dev, iova, buf, len);
}

static int mem_write(void *opaque, uint64_t iova, const void *buf,
		     uint64_t len)
{
	struct virtio_pci *vp = opaque;
	struct vus_dma_ref ref;
	void *p;

	if ((len == 2 || len == 4) && !(iova & (len - 1)) &&
	    !vus_dma_get(vp->dev, iova, len, VUS_DMA_WRITE, &p, &ref)) {
		if (len == 2) {
			uint16_t v;

			memcpy(&v, buf, 2);
			__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELEASE);
		} else {
			uint32_t v;

			memcpy(&v, buf, 4);
			__atomic_store_n((uint32_t *)p, v, __ATOMIC_RELEASE);
		}
		vus_dma_put(vp->dev, &ref);
		return 0;
	}
	return vus_dma_write(vp->dev, iova, buf, len);
}

static const struct virtq_mem_ops vp_mem_ops = {
	.check = mem_check,
	.read = mem_read,
	.write = mem_write,
};

/* --- Interrupts --- */

static bool msix_on(struct virtio_pci *vp)
{
	return vus_irq_mode(vp->dev) == VUS_IRQ_MSIX;
}

void vp_intx_update(struct virtio_pci *vp)
{
	pthread_mutex_lock(&vp->irq_lock);
	/* §4.1.4.5.1: with MSI-X disabled, INTx is the OR of the ISR
	 * bits; with MSI-X the vectors do the work. */
	vus_irq_intx_set(vp->dev, vp->isr && !msix_on(vp));
	pthread_mutex_unlock(&vp->irq_lock);
}

uint8_t vp_isr_read(struct virtio_pci *vp)
{
	uint8_t v;

	pthread_mutex_lock(&vp->irq_lock);
	v = vp->isr;
	vp->isr = 0;
	pthread_mutex_unlock(&vp->irq_lock);
	vp_intx_update(vp);
	return v;
}

void vp_config_irq(struct virtio_pci *vp)
{
	uint16_t vec;

	pthread_mutex_lock(&vp->irq_lock);
	vp->isr |= VP_ISR_CONFIG;
	vec = vp->msix_config;
	pthread_mutex_unlock(&vp->irq_lock);
	if (msix_on(vp)) {
		if (vec != VIRTIO_MSI_NO_VECTOR)
			vus_irq_trigger(vp->dev, VFIO_PCI_MSIX_IRQ_INDEX, vec);
	} else {
		vp_intx_update(vp);
	}
}

/* A used buffer notification of @q (q->lock held). */
static void queue_irq(struct vp_queue *q)
{
	struct virtio_pci *vp = q->vp;

	if (msix_on(vp)) {
		uint16_t vec = __atomic_load_n(&q->msix_vector,
					       __ATOMIC_RELAXED);

		/* NO_VECTOR: the driver asked for no interrupt at all. */
		if (vec != VIRTIO_MSI_NO_VECTOR)
			vus_irq_trigger(vp->dev, VFIO_PCI_MSIX_IRQ_INDEX, vec);
		return;
	}
	pthread_mutex_lock(&vp->irq_lock);
	vp->isr |= VP_ISR_QUEUE;
	pthread_mutex_unlock(&vp->irq_lock);
	vp_intx_update(vp);
}

void virtio_pci_config_changed(struct virtio_pci *vp)
{
	/* An atomic: any thread may call this, a queue thread too. */
	__atomic_add_fetch(&vp->generation, 1, __ATOMIC_RELEASE);
	vp_config_irq(vp);
}

/* --- Queue state --- */

void vp_queue_break(struct vp_queue *q, const char *why)
{
	if (q->broken)
		return;
	q->broken = true;
	q->live = false;
	vus_log(q->vp->dev, VUS_LOG_WARN, "queue %u broken by the driver: "
		"%s; DEVICE_NEEDS_RESET", q->index, why);
	__atomic_store_n(&q->vp->needs_reset, true, __ATOMIC_RELEASE);
	vp_config_irq(q->vp);
}

void vp_queue_kick(struct vp_queue *q)
{
	uint64_t one = 1;
	ssize_t n = write(q->kick_fd, &one, sizeof(one));

	(void)n;	/* a full counter still means "kicked" */
}

/* (Re)start the ring as the registers and the features say. */
static int queue_setup(struct vp_queue *q, struct vu_why *why)
{
	struct virtio_pci *vp = q->vp;

	if (q->size > vp->cfg.queue_size) {
		vu_why_set(why, "queue size %u is above the maximum %u",
			   q->size, vp->cfg.queue_size);
		return -EINVAL;
	}
	return virtq_setup(&q->vq, &vp_mem_ops, vp, q->size, q->desc,
			   q->avail, q->used, vp->guest_features,
			   vp->cfg.max_segs ? vp->cfg.max_segs : q->size,
			   vp->cfg.max_chain_bytes, why);
}

void vp_queue_go(struct vp_queue *q)
{
	struct vu_why why = { "" };

	if (!q->enabled || q->broken || q->live)
		return;
	if (queue_setup(q, &why)) {
		vp_queue_break(q, why.msg);
		return;
	}
	q->features = q->vp->guest_features;
	q->live = true;
	/* Buffers made available before DRIVER_OK are served now. */
	vp_queue_kick(q);
}

void vp_queue_enable(struct vp_queue *q, bool running)
{
	struct vu_why why = { "" };

	q->enabled = true;
	/* Check the rings now, so that a bad queue shows at once. */
	if (queue_setup(q, &why)) {
		char msg[VU_WHY_LEN + 32];

		snprintf(msg, sizeof(msg), "enabled with %s", why.msg);
		vp_queue_break(q, msg);
		return;
	}
	if (running)
		vp_queue_go(q);
}

void vp_queue_reset(struct vp_queue *q)
{
	q->live = false;
	q->broken = false;
	q->enabled = false;
	q->size = q->vp->cfg.queue_size;
	__atomic_store_n(&q->msix_vector, VIRTIO_MSI_NO_VECTOR,
			 __ATOMIC_RELAXED);
	q->desc = q->avail = q->used = 0;
	q->features = 0;
	memset(&q->vq, 0, sizeof(q->vq));
}

/* --- Serving --- */

/* Something failed with @err while serving @q (q->lock held). */
static void queue_fail(struct vp_queue *q, int err, const char *why)
{
	if (virtq_is_guest_error(err)) {
		vp_queue_break(q, why);
		return;
	}
	/* Not the driver's doing: the client went away (or memory is
	 * short). The chain in hand is lost; a reset follows. */
	q->live = false;
	vus_log(q->vp->dev, VUS_LOG_INFO, "queue %u stopped: guest memory "
		"unreachable: %s", q->index, strerror(-err));
}

static bool queue_notify(struct vp_queue *q)
{
	struct vu_why why = { "" };
	bool notify = false;
	int ret;

	ret = virtq_need_notify(&q->vq, &notify, &why);
	if (ret) {
		queue_fail(q, ret, why.msg);
		return false;
	}
	if (notify)
		queue_irq(q);
	return true;
}

/* Serve what is available on @q. */
static void queue_serve(struct vp_queue *q)
{
	struct virtio_pci *vp = q->vp;
	unsigned int done = 0, unsignalled = 0;
	struct vu_why why;
	int ret;

	pthread_mutex_lock(&q->lock);
	while (q->live) {
		struct virtio_req req = {
			.queue = q->index,
			.vq = &q->vq,
			.elem = &q->elem,
			.features = q->features,
			.scratch = q->scratch,
			.scratch_size = vp->cfg.scratch_size,
			.why = &why,
		};

		if (done == BATCH_PER_LOCK ||
		    __atomic_load_n(&q->waiters, __ATOMIC_SEQ_CST)) {
			/* More later: let a reset or a register write in. */
			vp_queue_kick(q);
			break;
		}
		why.msg[0] = '\0';
		ret = virtq_pop(&q->vq, &q->elem, &why);
		if (ret == 0)
			break;
		if (ret < 0) {
			queue_fail(q, ret, why.msg);
			break;
		}
		ret = vp->cfg.ops->handle(vp->cfg.opaque, &req);
		if (ret && !why.msg[0])
			vu_why_set(&why, "the buffers of the chain from head "
				   "%u cannot be reached (%s)", q->elem.head,
				   strerror(-ret));
		if (!ret)
			ret = virtq_push(&q->vq, &q->elem, req.used_len, &why);
		if (ret) {
			queue_fail(q, ret, why.msg);
			break;
		}
		done++;
		if (++unsignalled == NOTIFY_EVERY) {
			unsignalled = 0;
			if (!queue_notify(q))
				break;
		}
	}
	if (q->live && unsignalled)
		queue_notify(q);
	pthread_mutex_unlock(&q->lock);
}

static void *queue_thread(void *arg)
{
	struct vp_queue *q = arg;
	struct pollfd p[2] = {
		{ .fd = q->vp->quit_fd, .events = POLLIN },
		{ .fd = q->kick_fd, .events = POLLIN },
	};
	uint64_t kicks;

	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;	/* EINTR */
		if (p[0].revents)
			return NULL;
		if (!(p[1].revents & POLLIN))
			continue;
		/* The eventfd adds kicks up: one pass serves them all. */
		if (read(q->kick_fd, &kicks, sizeof(kicks)) != sizeof(kicks))
			continue;
		queue_serve(q);
	}
}

int vp_queues_start(struct virtio_pci *vp)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vp->cfg.num_queues; i++) {
		ret = -pthread_create(&vp->q[i].thread, NULL, queue_thread,
				      &vp->q[i]);
		if (ret)
			return ret;
		vp->q[i].started = true;
	}
	return 0;
}

void vp_queues_stop(struct virtio_pci *vp)
{
	uint64_t one = 1;
	unsigned int i;

	if (write(vp->quit_fd, &one, sizeof(one)) != sizeof(one))
		return;		/* cannot happen on a fresh eventfd */
	for (i = 0; i < vp->cfg.num_queues; i++) {
		if (vp->q[i].started)
			pthread_join(vp->q[i].thread, NULL);
		vp->q[i].started = false;
	}
}
