// SPDX-License-Identifier: GPL-2.0-only
/*
 * A virtio-pci device (modern, VIRTIO 1.2 §4.1) declared on the vus
 * framework: PCI IDs (§4.1.2), the virtio capabilities (§4.1.4), BARs,
 * MSI-X, the queue doorbells, and the framework callbacks that reset it.
 * Registers: virtio_regs.c; queues at run time: virtio_queue.c.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "devices/virtio/virtio_priv.h"

#define VIRTIO_PCI_VENDOR	0x1af4
#define VIRTIO_PCI_DEVICE_BASE	0x1040	/* §4.1.2.1: 0x1040 + device id */

/* Features of the transport and ring that every device offers. */
#define TRANSPORT_FEATURES	((1ull << VIRTIO_F_VERSION_1) | \
				 (1ull << VIRTIO_RING_F_EVENT_IDX) | \
				 (1ull << VIRTIO_RING_F_INDIRECT_DESC))

/* --- Framework callbacks --- */

/* DEVICE_RESET (e.g. the guest's Function-Level Reset): a virtio reset. */
static int on_reset(struct vus_dev *dev, void *opaque)
{
	struct virtio_pci *vp = opaque;

	(void)dev;
	pthread_mutex_lock(&vp->lock);
	vp_reset_locked(vp);
	pthread_mutex_unlock(&vp->lock);
	return 0;
}

/*
 * The client has gone, and its DMA maps go next: the rings and buffers
 * the driver gave are no longer reachable, so the device resets. The
 * queue threads finish their request first (its DMA fails with
 * -ENOTCONN), so no reference to client memory is left.
 */
static void on_detach(struct vus_dev *dev, void *opaque)
{
	on_reset(dev, opaque);
}

/* MSI-X enabled or disabled: INTx is asserted only without it. */
static void on_config_written(struct vus_dev *dev, void *opaque,
			      uint32_t offset, uint32_t len)
{
	(void)dev;
	(void)offset;
	(void)len;
	vp_intx_update(opaque);
}

static const struct vus_dev_ops vp_dev_ops = {
	.reset = on_reset,
	.detach = on_detach,
	.config_written = on_config_written,
};

/* --- Declaration --- */

/* struct virtio_pci_cap of @type for [@offset, +@length) of BAR4. */
static void cap_body(struct virtio_pci_cap *c, uint8_t type, uint32_t offset,
		     uint32_t length)
{
	memset(c, 0, sizeof(*c));
	c->cfg_type = type;
	c->bar = VIRTIO_PCI_BAR;
	c->offset = htole32(offset);
	c->length = htole32(length);
}

static int add_caps(struct virtio_pci *vp)
{
	struct vus_dev *dev = vp->dev;
	struct virtio_pci_notify_cap notify;
	struct virtio_pci_cfg_cap pcicfg;
	struct virtio_pci_cap c;
	int ret;

	/* §4.1.4: the driver uses the first capability of each type. */
	cap_body(&c, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON_OFF,
		 VIRTIO_PCI_COMMON_LEN);
	ret = vus_dev_add_vendor_cap(dev, &c, sizeof(c), NULL, NULL, NULL);
	if (ret)
		return ret;
	cap_body(&notify.cap, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_OFF,
		 vp->cfg.num_queues * VIRTIO_PCI_NOTIFY_MULT);
	notify.notify_off_multiplier = htole32(VIRTIO_PCI_NOTIFY_MULT);
	ret = vus_dev_add_vendor_cap(dev, &notify, sizeof(notify), NULL, NULL,
				     NULL);
	if (ret)
		return ret;
	cap_body(&c, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_OFF, 1);
	ret = vus_dev_add_vendor_cap(dev, &c, sizeof(c), NULL, NULL, NULL);
	if (ret)
		return ret;
	if (vp->cfg.config_size) {
		cap_body(&c, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE_OFF,
			 vp->cfg.config_size);
		ret = vus_dev_add_vendor_cap(dev, &c, sizeof(c), NULL, NULL,
					     NULL);
		if (ret)
			return ret;
	}
	/* §4.1.4.9: the window into BAR4 through config space. Its bar,
	 * offset, length and data bytes are served by vp_pcicfg_access(). */
	memset(&pcicfg, 0, sizeof(pcicfg));
	pcicfg.cap.cfg_type = VIRTIO_PCI_CAP_PCI_CFG;
	memcpy(vp->pcicfg, &pcicfg, sizeof(vp->pcicfg));
	return vus_dev_add_vendor_cap(dev, &pcicfg, sizeof(pcicfg),
				      vp_pcicfg_access, vp, NULL);
}

static int declare(struct virtio_pci *vp)
{
	struct vus_dev *dev = vp->dev;
	unsigned int i;
	int ret;

	ret = vus_dev_setup_bar(dev, VIRTIO_PCI_MSIX_BAR,
				VIRTIO_PCI_MSIX_BAR_SIZE, 0, NULL, NULL);
	if (!ret)
		ret = vus_dev_setup_bar(dev, VIRTIO_PCI_BAR,
					VIRTIO_PCI_BAR_SIZE,
					VUS_BAR_MEM64 | VUS_BAR_PREFETCH,
					vp_bar_access, vp);
	/* §4.1.5.2: the driver writes the 16-bit queue index. */
	for (i = 0; !ret && i < vp->cfg.num_queues; i++)
		ret = vus_dev_bar_ioeventfd(dev, VIRTIO_PCI_BAR,
					    VIRTIO_PCI_NOTIFY_OFF +
					    i * VIRTIO_PCI_NOTIFY_MULT, 2, 0, 0,
					    &vp->q[i].kick_fd);
	if (!ret)
		ret = vus_dev_setup_intx(dev);
	if (!ret)
		ret = vus_dev_add_pm(dev);
	if (!ret)
		ret = vus_dev_setup_msix(dev, vp->nvec, VIRTIO_PCI_MSIX_BAR, 0,
					 VIRTIO_PCI_MSIX_BAR,
					 VIRTIO_PCI_MSIX_PBA);
	if (!ret)
		ret = add_caps(vp);
	if (!ret)
		ret = vus_dev_add_pcie(dev);
	if (!ret)
		ret = vus_dev_realize(dev);
	return ret;
}

static bool config_ok(const struct virtio_dev_config *c)
{
	return c->name && c->ops && c->ops->handle &&
	       (!c->config_size || c->ops->get_config) &&
	       c->num_queues >= 1 && c->num_queues <= VIRTIO_PCI_MAX_QUEUES &&
	       c->queue_size && !(c->queue_size & (c->queue_size - 1)) &&
	       c->queue_size <= VIRTQ_MAX_SIZE && c->config_size <= 256 &&
	       !(c->features & TRANSPORT_FEATURES);
}

int virtio_pci_create(const struct virtio_dev_config *cfg,
		      struct virtio_pci **out)
{
	struct vus_dev_config dc = {
		.id = {
			.vendor = VIRTIO_PCI_VENDOR,
			.device = (uint16_t)(VIRTIO_PCI_DEVICE_BASE +
					     cfg->device_id),
			.subsys_vendor = VIRTIO_PCI_VENDOR,
			.subsys = cfg->device_id,
			.class_code = cfg->class_code,
			.revision = 1,	/* §4.1.2.1: modern devices */
		},
		.ops = &vp_dev_ops,
	};
	struct virtio_pci *vp;
	unsigned int i;
	uint32_t segs;
	int ret;

	if (!config_ok(cfg))
		return -EINVAL;
	vp = calloc(1, sizeof(*vp));
	if (!vp)
		return -ENOMEM;
	vp->cfg = *cfg;
	snprintf(vp->name, sizeof(vp->name), "%s", cfg->name);
	vp->cfg.name = vp->name;
	if (!vp->cfg.max_chain_bytes)
		vp->cfg.max_chain_bytes = VIRTIO_PCI_MAX_CHAIN_BYTES;
	vp->host_features = cfg->features | TRANSPORT_FEATURES;
	vp->nvec = cfg->num_queues + 1;
	vp->msix_config = VIRTIO_MSI_NO_VECTOR;
	pthread_mutex_init(&vp->lock, NULL);
	pthread_mutex_init(&vp->irq_lock, NULL);
	segs = cfg->max_segs ? cfg->max_segs : cfg->queue_size;
	for (i = 0; i < VIRTIO_PCI_MAX_QUEUES; i++) {
		struct vp_queue *q = &vp->q[i];

		q->vp = vp;
		q->index = i;
		q->kick_fd = -1;
		pthread_mutex_init(&q->lock, NULL);
		vp_queue_reset(q);
	}
	vp->quit_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ret = vp->quit_fd < 0 ? -errno : 0;
	for (i = 0; !ret && i < cfg->num_queues; i++) {
		ret = virtq_elem_init(&vp->q[i].elem, segs);
		if (!ret && cfg->scratch_size) {
			vp->q[i].scratch = malloc(cfg->scratch_size);
			if (!vp->q[i].scratch)
				ret = -ENOMEM;
		}
	}
	dc.name = vp->name;
	dc.opaque = vp;
	if (!ret)
		ret = vus_dev_create(&dc, &vp->dev);
	if (!ret) {
		ret = declare(vp);
		if (ret)
			vus_log(vp->dev, VUS_LOG_ERR, "cannot declare the "
				"virtio device: %s", strerror(-ret));
	}
	if (!ret)
		ret = vp_queues_start(vp);
	if (ret) {
		virtio_pci_destroy(vp);
		return ret;
	}
	*out = vp;
	return 0;
}

struct vus_dev *virtio_pci_vus(struct virtio_pci *vp)
{
	return vp->dev;
}

void virtio_pci_destroy(struct virtio_pci *vp)
{
	unsigned int i;

	if (!vp)
		return;
	if (vp->quit_fd >= 0) {
		vp_queues_stop(vp);
		close(vp->quit_fd);
	}
	vus_dev_destroy(vp->dev);	/* closes the doorbell eventfds */
	for (i = 0; i < VIRTIO_PCI_MAX_QUEUES; i++) {
		virtq_elem_free(&vp->q[i].elem);
		free(vp->q[i].scratch);
		pthread_mutex_destroy(&vp->q[i].lock);
	}
	pthread_mutex_destroy(&vp->irq_lock);
	pthread_mutex_destroy(&vp->lock);
	free(vp);
}
