/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_VIRTIO_VIRTIO_PRIV_H
#define MINIVMM_DEVICES_VIRTIO_VIRTIO_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/virtio_pci.h"

/*
 * The insides of the virtio-pci transport, shared by its files:
 *   virtio_pci.c     declaration (IDs, BARs, capabilities), life cycle,
 *                    framework callbacks (reset, detach, config writes)
 *   virtio_regs.c    BAR4: common config, ISR, device config,
 *                    notifications; the PCI_CFG window; status and reset
 *   virtio_queue.c   the queue threads, guest memory through vus_dma_*,
 *                    interrupts, breaking a queue
 *
 * Locks, taken in this order: vp->lock (the common config registers and
 * the queues' registers, in the dispatch thread) -> q->lock (one queue's
 * ring state; its thread holds it while it serves requests, so only
 * enabling, DRIVER_OK and reset wait for it, never a register read) ->
 * vp->irq_lock (ISR, msix_config, the INTx level). A queue thread never
 * takes vp->lock: what it sets in the device status (DEVICE_NEEDS_RESET)
 * and the vector it reads are atomics.
 */

/* ISR status bits (§4.1.4.5). */
#define VP_ISR_QUEUE	0x1
#define VP_ISR_CONFIG	0x2

struct vp_queue {
	struct virtio_pci *vp;
	unsigned int index;
	/*
	 * Registers: written and read under vp->lock (the dispatch
	 * thread); msix_vector is also read by the queue thread (atomic).
	 */
	uint16_t size;
	uint16_t msix_vector;
	bool enabled;
	uint64_t desc, avail, used;
	/* Ring state (lock; the queue thread holds it while serving). */
	pthread_mutex_t lock;
	unsigned int waiters;	/* others waiting for lock (atomic) */
	bool live;		/* enabled, DRIVER_OK, not broken: served */
	bool broken;
	uint64_t features;	/* negotiated, taken at DRIVER_OK */
	struct virtq vq;
	struct virtq_elem elem;
	void *scratch;
	/* The doorbell: the framework's ioeventfd for this queue. */
	int kick_fd;
	pthread_t thread;
	bool started;
};

struct virtio_pci {
	struct vus_dev *dev;
	struct virtio_dev_config cfg;
	char name[64];
	uint64_t host_features;		/* all we offer */
	unsigned int nvec;		/* MSI-X vectors: queues + 1 */

	/* Common config (lock). */
	pthread_mutex_t lock;
	uint32_t dfselect, gfselect;
	uint64_t guest_features;
	uint8_t status;			/* without NEEDS_RESET */
	uint8_t generation;		/* atomic */
	uint16_t queue_select;
	/* The VIRTIO_PCI_CAP_PCI_CFG capability's bytes (lock). */
	uint8_t pcicfg[20];

	/* Set by a queue thread: DEVICE_NEEDS_RESET (atomic). */
	bool needs_reset;

	/* Interrupt state (irq_lock). */
	pthread_mutex_t irq_lock;
	uint8_t isr;
	uint16_t msix_config;

	int quit_fd;			/* eventfd: queue threads end */
	struct vp_queue q[VIRTIO_PCI_MAX_QUEUES];
};

/*
 * Take @q's lock from outside its thread: the thread, seeing a waiter,
 * stops after the request in hand (so a reset waits for one request, not
 * a whole batch) and goes on later.
 */
static inline void vp_queue_lock(struct vp_queue *q)
{
	__atomic_add_fetch(&q->waiters, 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&q->lock);
	__atomic_sub_fetch(&q->waiters, 1, __ATOMIC_SEQ_CST);
}

/* --- virtio_regs.c --- */
/* BAR4 accesses (the framework's callback). */
int vp_bar_access(struct vus_dev *dev, void *opaque, uint64_t offset,
		  void *data, uint32_t len, bool write);
/* The PCI_CFG capability's bytes 3.. (the framework's callback). */
int vp_pcicfg_access(void *opaque, uint32_t offset, void *data,
		     uint32_t len, bool write);
/* Reset the whole device (vp->lock held). */
void vp_reset_locked(struct virtio_pci *vp);

/* --- virtio_queue.c --- */
/* Start / stop the queue threads. */
int vp_queues_start(struct virtio_pci *vp);
void vp_queues_stop(struct virtio_pci *vp);
/*
 * The driver enabled queue @q (vp->lock and q->lock held): check its
 * rings; with @running (DRIVER_OK and FEATURES_OK), serve it from now
 * on. A bad queue is broken.
 */
void vp_queue_enable(struct vp_queue *q, bool running);
/* DRIVER_OK was set: serve @q if enabled (vp->lock and q->lock held). */
void vp_queue_go(struct vp_queue *q);
/* Stop serving and forget the queue (vp->lock and q->lock held). */
void vp_queue_reset(struct vp_queue *q);
/* Mark @q broken, log @why, raise DEVICE_NEEDS_RESET (q->lock held). */
void vp_queue_break(struct vp_queue *q, const char *why);
/* A trapped write to the notify area of queue @q: wake its thread. */
void vp_queue_kick(struct vp_queue *q);
/* A configuration change interrupt (any lock but irq_lock). */
void vp_config_irq(struct virtio_pci *vp);
/* ISR read: value, cleared, INTx lowered (irq_lock taken here). */
uint8_t vp_isr_read(struct virtio_pci *vp);
/* The INTx line as ISR and the interrupt mode say. */
void vp_intx_update(struct virtio_pci *vp);

#endif
