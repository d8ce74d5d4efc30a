/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_VIRTIO_VIRTIO_PCI_H
#define MINIVMM_DEVICES_VIRTIO_VIRTIO_PCI_H

#include <stddef.h>
#include <stdint.h>

#include "devices/framework/vus.h"
#include "devices/virtio/virtqueue.h"

/*
 * virtio-pci, modern only (VIRTIO 1.2 §4.1), as a vfio-user device on the
 * framework (devices/framework/vus.h). A device program describes its
 * virtio device -- device id, features, config space, queues, how to
 * serve one request -- and gets a PCI function that Linux's virtio_pci
 * driver drives:
 *
 *   IDs      vendor 0x1af4, device 0x1040 + virtio id, revision 1,
 *            subsystem 0x1af4 / virtio id (§4.1.2)
 *   BAR1     MSI-X table (0x000) and PBA (0x800), 4 KiB, emulated by the
 *            client; one vector per queue plus one for config changes
 *   BAR4     64-bit prefetchable, 16 KiB, trapped (layout of QEMU):
 *              0x0000 common config   (VIRTIO_PCI_CAP_COMMON_CFG)
 *              0x1000 ISR status      (VIRTIO_PCI_CAP_ISR_CFG)
 *              0x2000 device config   (VIRTIO_PCI_CAP_DEVICE_CFG)
 *              0x3000 notifications   (VIRTIO_PCI_CAP_NOTIFY_CFG),
 *                     queue n at 0x3000 + 4 * n (notify_off n,
 *                     multiplier 4), each an ioeventfd of 2 bytes
 *   caps     PM, MSI-X, the four virtio capabilities above, the
 *            VIRTIO_PCI_CAP_PCI_CFG window (§4.1.4.9), PCI Express (for
 *            Function-Level Reset); INTx pin A
 *
 * Threads: one per virtqueue, woken by that queue's doorbell eventfd
 * (KVM's ioeventfd through GET_REGION_IO_FDS, or the framework/trapped
 * write signalling the same eventfd). A queue's thread pops chains,
 * calls ops->handle() for each, pushes them to the used ring and
 * interrupts as the driver asked. So requests of one queue are served
 * in order, queues in parallel.
 *
 * What the driver breaks -- a ring rule (virtqueue.h), a queue enabled
 * with a bad size or rings outside guest memory, a request the device
 * calls a guest error -- breaks that queue only: it stops, the device
 * sets DEVICE_NEEDS_RESET in device_status and sends a configuration
 * change interrupt, with one log line naming queue and rule (§2.1.2).
 * Writing 0 to device_status (or DEVICE_RESET, or the client going
 * away) resets everything (§2.4).
 *
 * Interrupts: when the client has given MSI-X eventfds (MSI-X enabled),
 * a queue interrupts on its queue_msix_vector and config changes on
 * msix_config (VIRTIO_MSI_NO_VECTOR: none); else the ISR bits are set
 * and INTx follows "ISR != 0" until the driver reads ISR (§4.1.4.5).
 */

/* What a device program provides. */
struct virtio_req;

struct virtio_dev_ops {
	/*
	 * Fill @buf with the device configuration space (config_size
	 * bytes, little-endian fields). Called from the dispatch thread.
	 */
	void (*get_config)(void *opaque, void *buf);
	/*
	 * The driver wrote @len bytes at @off of the device configuration
	 * (inside config_size). NULL: writes are ignored.
	 */
	void (*set_config)(void *opaque, uint32_t off, const void *buf,
			   uint32_t len);
	/*
	 * The driver set FEATURES_OK with @features (a subset of what the
	 * device offers, VERSION_1 included: checked already). Return
	 * false to refuse the combination (FEATURES_OK then reads 0).
	 * NULL: accepted.
	 */
	bool (*features_ok)(void *opaque, uint64_t features);
	/*
	 * Serve one request (a chain popped from req->queue) in that
	 * queue's thread; set req->used_len to the bytes written into
	 * its device-writable part. Return 0 to complete it (pushed to the
	 * used ring), a guest error (virtq_is_guest_error(), with
	 * req->why set) to break the queue, or another negative errno when
	 * guest memory could not be reached (the request is dropped, the
	 * queue stops until reset: the client is going away).
	 */
	int (*handle)(void *opaque, struct virtio_req *req);
	/*
	 * The device was reset (status 0, DEVICE_RESET, client gone): the
	 * queues are stopped. NULL: nothing to do.
	 */
	void (*reset)(void *opaque);
};

/* One request, as ops->handle() gets it. */
struct virtio_req {
	unsigned int queue;		/* its queue index */
	struct virtq *vq;		/* for virtq_read()/virtq_write() */
	const struct virtq_elem *elem;	/* the chain */
	uint64_t features;		/* negotiated */
	void *scratch;			/* the queue's buffer ... */
	size_t scratch_size;		/* ... of the config's size */
	uint32_t used_len;		/* out: bytes written */
	struct vu_why *why;		/* out: reason for a guest error */
};

/* The most virtqueues a device may have: one doorbell ioeventfd each. */
#define VIRTIO_PCI_MAX_QUEUES	VUS_BAR_MAX_IOEVENTFDS

struct virtio_dev_config {
	const char *name;		/* log lines ("vfio-user-virtio-blk") */
	uint16_t device_id;		/* virtio device id (2 blk, 4 rng) */
	uint32_t class_code;		/* PCI class << 16 | sub << 8 | if */
	/*
	 * Device features offered besides the transport's own
	 * (VERSION_1, RING_EVENT_IDX, RING_INDIRECT_DESC).
	 */
	uint64_t features;
	unsigned int num_queues;	/* 1..VIRTIO_PCI_MAX_QUEUES */
	uint16_t queue_size;		/* max entries, power of 2 */
	uint32_t max_segs;		/* descriptors per chain; 0: size */
	uint64_t max_chain_bytes;	/* 0: VIRTIO_PCI_MAX_CHAIN_BYTES */
	size_t scratch_size;		/* per-queue buffer for handle() */
	uint32_t config_size;		/* device config bytes (<= 4096) */
	const struct virtio_dev_ops *ops;
	void *opaque;
};

/* The default limit of bytes per descriptor chain. */
#define VIRTIO_PCI_MAX_CHAIN_BYTES	(32ull << 20)

/* Layout of BAR4 (see above). */
#define VIRTIO_PCI_BAR			4
#define VIRTIO_PCI_BAR_SIZE		0x4000
#define VIRTIO_PCI_COMMON_OFF		0x0000
#define VIRTIO_PCI_COMMON_LEN		0x3c	/* up to queue_reset (1.2) */
#define VIRTIO_PCI_ISR_OFF		0x1000
#define VIRTIO_PCI_DEVICE_OFF		0x2000
#define VIRTIO_PCI_NOTIFY_OFF		0x3000
#define VIRTIO_PCI_NOTIFY_MULT		4
#define VIRTIO_PCI_MSIX_BAR		1
#define VIRTIO_PCI_MSIX_BAR_SIZE	0x1000
#define VIRTIO_PCI_MSIX_PBA		0x800

struct virtio_pci;

/*
 * virtio_pci_create - declare the device of @cfg (copied) on a new vus
 * device, realize it and start its queue threads. Returns 0 with *@out,
 * -EINVAL (bad config: no handle, queue count or size, config size) or
 * another negative errno (logged).
 */
int virtio_pci_create(const struct virtio_dev_config *cfg,
		      struct virtio_pci **out);

/* The vus device, for vus_run()/vus_serve() and vus_log(). */
struct vus_dev *virtio_pci_vus(struct virtio_pci *vp);

/*
 * virtio_pci_destroy - stop the queue threads and free everything (the
 * vus device included). Serving must have returned. NULL is allowed.
 */
void virtio_pci_destroy(struct virtio_pci *vp);

/*
 * virtio_pci_config_changed - the device configuration changed:
 * config_generation moves on and the driver gets a configuration change
 * interrupt (§4.1.4.5). Thread-safe.
 */
void virtio_pci_config_changed(struct virtio_pci *vp);

#endif
