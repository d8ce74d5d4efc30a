// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR4 of a virtio-pci device (layout: virtio_pci.h): the common
 * configuration structure (VIRTIO 1.2 §4.1.4.3), the ISR status
 * (§4.1.4.5), the device configuration (§4.1.4.6), the notification area
 * (§4.1.4.4), and the PCI configuration access capability that reaches
 * them through config space (§4.1.4.9). Device status and reset follow
 * §2.1 and §3.1.
 *
 * Accesses may have any length and alignment (a guest uses the field
 * widths; tools may not): reads build the bytes of the structure, writes
 * are merged into each field they touch and applied field by field.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_pci.h>

#include "devices/virtio/virtio_priv.h"

/* The queues are served once both are set. */
#define RUNNING		(VIRTIO_CONFIG_S_DRIVER_OK | VIRTIO_CONFIG_S_FEATURES_OK)

#define STATUS_STICKY	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | \
			 VIRTIO_CONFIG_S_DRIVER_OK | VIRTIO_CONFIG_S_FEATURES_OK | \
			 VIRTIO_CONFIG_S_FAILED)

static void put16(uint8_t *b, unsigned int off, uint16_t v)
{
	v = htole16(v);
	memcpy(b + off, &v, 2);
}

static void put32(uint8_t *b, unsigned int off, uint32_t v)
{
	v = htole32(v);
	memcpy(b + off, &v, 4);
}

static uint32_t get_le(const uint8_t *b, unsigned int off, unsigned int size)
{
	uint32_t v = 0;

	memcpy(&v, b + off, size);
	return le32toh(v);
}

static uint8_t status_of(struct virtio_pci *vp)
{
	return vp->status | (__atomic_load_n(&vp->needs_reset,
					     __ATOMIC_ACQUIRE) ?
			     VIRTIO_CONFIG_S_NEEDS_RESET : 0);
}

/* The common configuration structure as it reads now (vp->lock). */
static void common_image(struct virtio_pci *vp, uint8_t *b)
{
	uint64_t df = 0;
	struct vp_queue *q;

	memset(b, 0, 64);
	if (vp->dfselect < 2)
		df = vp->host_features >> (32 * vp->dfselect);
	put32(b, VIRTIO_PCI_COMMON_DFSELECT, vp->dfselect);
	put32(b, VIRTIO_PCI_COMMON_DF, (uint32_t)df);
	put32(b, VIRTIO_PCI_COMMON_GFSELECT, vp->gfselect);
	if (vp->gfselect < 2)
		put32(b, VIRTIO_PCI_COMMON_GF,
		      (uint32_t)(vp->guest_features >> (32 * vp->gfselect)));
	pthread_mutex_lock(&vp->irq_lock);
	put16(b, VIRTIO_PCI_COMMON_MSIX, vp->msix_config);
	pthread_mutex_unlock(&vp->irq_lock);
	put16(b, VIRTIO_PCI_COMMON_NUMQ, (uint16_t)vp->cfg.num_queues);
	b[VIRTIO_PCI_COMMON_STATUS] = status_of(vp);
	b[VIRTIO_PCI_COMMON_CFGGENERATION] =
		__atomic_load_n(&vp->generation, __ATOMIC_ACQUIRE);
	put16(b, VIRTIO_PCI_COMMON_Q_SELECT, vp->queue_select);
	if (vp->queue_select >= vp->cfg.num_queues)
		return;		/* queue_size 0: "not available" */
	/* Registers only (vp->lock): no wait for a queue thread at work. */
	q = &vp->q[vp->queue_select];
	put16(b, VIRTIO_PCI_COMMON_Q_SIZE, q->size);
	put16(b, VIRTIO_PCI_COMMON_Q_MSIX,
	      __atomic_load_n(&q->msix_vector, __ATOMIC_RELAXED));
	put16(b, VIRTIO_PCI_COMMON_Q_ENABLE, q->enabled);
	put16(b, VIRTIO_PCI_COMMON_Q_NOFF, (uint16_t)q->index);
	put32(b, VIRTIO_PCI_COMMON_Q_DESCLO, (uint32_t)q->desc);
	put32(b, VIRTIO_PCI_COMMON_Q_DESCHI, (uint32_t)(q->desc >> 32));
	put32(b, VIRTIO_PCI_COMMON_Q_AVAILLO, (uint32_t)q->avail);
	put32(b, VIRTIO_PCI_COMMON_Q_AVAILHI, (uint32_t)(q->avail >> 32));
	put32(b, VIRTIO_PCI_COMMON_Q_USEDLO, (uint32_t)q->used);
	put32(b, VIRTIO_PCI_COMMON_Q_USEDHI, (uint32_t)(q->used >> 32));
}

/* A vector the driver asks for: kept if we have it (§4.1.5.1.2.1:
 * "the device MUST return NO_VECTOR" when it cannot use it). */
static uint16_t vector_of(struct virtio_pci *vp, uint32_t v)
{
	return v < vp->nvec ? (uint16_t)v : VIRTIO_MSI_NO_VECTOR;
}

void vp_reset_locked(struct virtio_pci *vp)
{
	unsigned int i;

	/* §2.4.1: the device stops using the queues; after this returns a
	 * read of device_status gives 0. Each queue thread finishes its
	 * request first (we wait for its lock). */
	for (i = 0; i < vp->cfg.num_queues; i++) {
		vp_queue_lock(&vp->q[i]);
		vp_queue_reset(&vp->q[i]);
		pthread_mutex_unlock(&vp->q[i].lock);
	}
	vp->dfselect = vp->gfselect = 0;
	vp->guest_features = 0;
	vp->status = 0;
	vp->queue_select = 0;
	__atomic_store_n(&vp->needs_reset, false, __ATOMIC_RELEASE);
	pthread_mutex_lock(&vp->irq_lock);
	vp->isr = 0;
	vp->msix_config = VIRTIO_MSI_NO_VECTOR;
	pthread_mutex_unlock(&vp->irq_lock);
	vp_intx_update(vp);
	if (vp->cfg.ops->reset)
		vp->cfg.ops->reset(vp->cfg.opaque);
}

static bool features_acceptable(struct virtio_pci *vp, uint64_t f)
{
	if (f & ~vp->host_features) {
		vus_log(vp->dev, VUS_LOG_INFO, "FEATURES_OK refused: the "
			"driver accepted features %#llx we do not offer",
			(unsigned long long)(f & ~vp->host_features));
		return false;
	}
	if (!(f & (1ull << VIRTIO_F_VERSION_1))) {
		/* A modern-only device: no legacy interface is offered. */
		vus_log(vp->dev, VUS_LOG_INFO, "FEATURES_OK refused: the "
			"driver did not accept VIRTIO_F_VERSION_1");
		return false;
	}
	if (vp->cfg.ops->features_ok &&
	    !vp->cfg.ops->features_ok(vp->cfg.opaque, f)) {
		vus_log(vp->dev, VUS_LOG_INFO, "FEATURES_OK refused: the "
			"device rejects features %#llx", (unsigned long long)f);
		return false;
	}
	return true;
}

static void status_write(struct virtio_pci *vp, uint8_t v)
{
	uint8_t old = vp->status, now;
	unsigned int i;

	if (v == 0) {
		vp_reset_locked(vp);
		return;
	}
	/* The driver sets bits one by one and never clears them (§3.1.1);
	 * DEVICE_NEEDS_RESET is the device's. */
	now = old | (v & STATUS_STICKY);
	if ((now & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(old & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !features_acceptable(vp, vp->guest_features))
		now &= (uint8_t)~VIRTIO_CONFIG_S_FEATURES_OK;
	vp->status = now;
	if (!(now & VIRTIO_CONFIG_S_DRIVER_OK) ||
	    (old & VIRTIO_CONFIG_S_DRIVER_OK))
		return;
	if (!(now & VIRTIO_CONFIG_S_FEATURES_OK)) {
		vus_log(vp->dev, VUS_LOG_WARN, "DRIVER_OK without "
			"FEATURES_OK: the queues are not served");
		return;
	}
	for (i = 0; i < vp->cfg.num_queues; i++) {
		vp_queue_lock(&vp->q[i]);
		vp_queue_go(&vp->q[i]);
		pthread_mutex_unlock(&vp->q[i].lock);
	}
}

static void set_lo(uint64_t *r, uint32_t v)
{
	*r = (*r & ~0xffffffffull) | v;
}

static void set_hi(uint64_t *r, uint32_t v)
{
	*r = (*r & 0xffffffffull) | ((uint64_t)v << 32);
}

/*
 * §4.1.4.3.1: queue_size always reads 0 or a power of 2. A driver that
 * writes anything else (or more than the maximum) has broken the queue:
 * the size stays, the queue is broken.
 */
static void queue_size_write(struct virtio_pci *vp, struct vp_queue *q,
			     uint32_t v)
{
	char msg[80];

	if (v && v <= vp->cfg.queue_size && !(v & (v - 1))) {
		q->size = (uint16_t)v;
		return;
	}
	snprintf(msg, sizeof(msg), "queue size %u written: not a power of 2 "
		 "from 1 to %u", v, vp->cfg.queue_size);
	vp_queue_lock(q);
	vp_queue_break(q, msg);
	pthread_mutex_unlock(&q->lock);
}

/*
 * A write of the selected queue's field at @off (vp->lock held). The
 * registers are vp->lock's; enabling also starts the ring, which is the
 * queue's (q->lock).
 */
static void queue_field_write(struct virtio_pci *vp, unsigned int off,
			      uint32_t v)
{
	struct vp_queue *q;

	if (vp->queue_select >= vp->cfg.num_queues)
		return;
	q = &vp->q[vp->queue_select];
	if (off == VIRTIO_PCI_COMMON_Q_MSIX) {
		/* Read by the queue thread when it interrupts. */
		__atomic_store_n(&q->msix_vector, vector_of(vp, v),
				 __ATOMIC_RELAXED);
	} else if (off == VIRTIO_PCI_COMMON_Q_ENABLE) {
		/* §4.1.4.3.2: the driver MUST NOT write 0 (only a reset
		 * disables a queue). */
		if (v == 1 && !q->enabled) {
			vp_queue_lock(q);
			vp_queue_enable(q, (vp->status & RUNNING) == RUNNING);
			pthread_mutex_unlock(&q->lock);
		}
	} else if (q->enabled) {
		/* The ring is the device's now: size and addresses stay. */
	} else if (off == VIRTIO_PCI_COMMON_Q_SIZE) {
		queue_size_write(vp, q, v);
	} else if (off == VIRTIO_PCI_COMMON_Q_DESCLO) {
		set_lo(&q->desc, v);
	} else if (off == VIRTIO_PCI_COMMON_Q_DESCHI) {
		set_hi(&q->desc, v);
	} else if (off == VIRTIO_PCI_COMMON_Q_AVAILLO) {
		set_lo(&q->avail, v);
	} else if (off == VIRTIO_PCI_COMMON_Q_AVAILHI) {
		set_hi(&q->avail, v);
	} else if (off == VIRTIO_PCI_COMMON_Q_USEDLO) {
		set_lo(&q->used, v);
	} else if (off == VIRTIO_PCI_COMMON_Q_USEDHI) {
		set_hi(&q->used, v);
	}
}

/* A write of the field at @off with value @v (vp->lock held). */
static void field_write(struct virtio_pci *vp, unsigned int off, uint32_t v)
{
	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		vp->dfselect = v;
		break;
	case VIRTIO_PCI_COMMON_GFSELECT:
		vp->gfselect = v;
		break;
	case VIRTIO_PCI_COMMON_GF:
		/* §2.2.1, §3.1.1: features are fixed once FEATURES_OK
		 * is set. */
		if ((vp->status & VIRTIO_CONFIG_S_FEATURES_OK) ||
		    vp->gfselect > 1)
			break;
		if (vp->gfselect == 0)
			set_lo(&vp->guest_features, v);
		else
			set_hi(&vp->guest_features, v);
		break;
	case VIRTIO_PCI_COMMON_MSIX:
		pthread_mutex_lock(&vp->irq_lock);
		vp->msix_config = vector_of(vp, v);
		pthread_mutex_unlock(&vp->irq_lock);
		break;
	case VIRTIO_PCI_COMMON_STATUS:
		status_write(vp, (uint8_t)v);
		break;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		vp->queue_select = (uint16_t)v;
		break;
	default:
		queue_field_write(vp, off, v);
		break;
	}
}

/* The writable fields of the common configuration, in offset order. */
static const struct {
	uint8_t off, size;
} writable[] = {
	{ VIRTIO_PCI_COMMON_DFSELECT, 4 },
	{ VIRTIO_PCI_COMMON_GFSELECT, 4 },
	{ VIRTIO_PCI_COMMON_GF, 4 },
	{ VIRTIO_PCI_COMMON_MSIX, 2 },
	{ VIRTIO_PCI_COMMON_STATUS, 1 },
	{ VIRTIO_PCI_COMMON_Q_SELECT, 2 },
	{ VIRTIO_PCI_COMMON_Q_SIZE, 2 },
	{ VIRTIO_PCI_COMMON_Q_MSIX, 2 },
	{ VIRTIO_PCI_COMMON_Q_ENABLE, 2 },
	{ VIRTIO_PCI_COMMON_Q_DESCLO, 4 },
	{ VIRTIO_PCI_COMMON_Q_DESCHI, 4 },
	{ VIRTIO_PCI_COMMON_Q_AVAILLO, 4 },
	{ VIRTIO_PCI_COMMON_Q_AVAILHI, 4 },
	{ VIRTIO_PCI_COMMON_Q_USEDLO, 4 },
	{ VIRTIO_PCI_COMMON_Q_USEDHI, 4 },
};

static void common_access(struct virtio_pci *vp, uint32_t off, uint8_t *data,
			  uint32_t len, bool write)
{
	uint32_t end = off + len, i, b;
	uint8_t img[64];

	pthread_mutex_lock(&vp->lock);
	if (!write) {
		common_image(vp, img);
		for (i = 0; i < len; i++)
			data[i] = off + i < sizeof(img) ? img[off + i] : 0;
		pthread_mutex_unlock(&vp->lock);
		return;
	}
	for (i = 0; i < sizeof(writable) / sizeof(writable[0]); i++) {
		unsigned int fo = writable[i].off, fs = writable[i].size;

		if (fo + fs <= off || fo >= end)
			continue;
		/* A field written in part keeps its other bytes; a field
		 * applied before (queue_select) changes what the next ones
		 * mean, so the image is taken again for each. */
		common_image(vp, img);
		for (b = fo; b < fo + fs; b++)
			if (b >= off && b < end)
				img[b] = data[b - off];
		field_write(vp, fo, get_le(img, fo, fs));
	}
	pthread_mutex_unlock(&vp->lock);
}

static void device_cfg_access(struct virtio_pci *vp, uint32_t off,
			      uint8_t *data, uint32_t len, bool write)
{
	uint32_t size = vp->cfg.config_size, n;
	uint8_t buf[256];

	n = off < size ? (size - off < len ? size - off : len) : 0;
	if (write) {
		if (n && vp->cfg.ops->set_config)
			vp->cfg.ops->set_config(vp->cfg.opaque, off, data, n);
		return;
	}
	memset(data, 0, len);
	if (!n)
		return;
	vp->cfg.ops->get_config(vp->cfg.opaque, buf);
	memcpy(data, buf + off, n);
}

/* One access inside one of the four structures of BAR4. */
static void bar_piece(struct virtio_pci *vp, uint32_t off, uint8_t *data,
		      uint32_t len, bool write)
{
	uint32_t base = off & ~0xfffu, rel = off - base;

	switch (base) {
	case VIRTIO_PCI_COMMON_OFF:
		common_access(vp, rel, data, len, write);
		break;
	case VIRTIO_PCI_ISR_OFF:
		if (write)
			break;	/* read-only */
		memset(data, 0, len);
		/* §4.1.4.5: reading the ISR status resets it to 0. */
		if (rel == 0)
			data[0] = vp_isr_read(vp);
		break;
	case VIRTIO_PCI_DEVICE_OFF:
		device_cfg_access(vp, rel, data, len, write);
		break;
	case VIRTIO_PCI_NOTIFY_OFF:
		if (!write) {
			memset(data, 0, len);
			break;
		}
		/* A doorbell write the ioeventfd did not absorb (another
		 * width, or a client without ioeventfds): the same kick. */
		if (rel / VIRTIO_PCI_NOTIFY_MULT < vp->cfg.num_queues)
			vp_queue_kick(&vp->q[rel / VIRTIO_PCI_NOTIFY_MULT]);
		break;
	}
}

int vp_bar_access(struct vus_dev *dev, void *opaque, uint64_t offset,
		  void *data, uint32_t len, bool write)
{
	struct virtio_pci *vp = opaque;
	uint8_t *b = data;
	uint32_t off = (uint32_t)offset, n;

	(void)dev;
	/* Split at the 4 KiB structure boundaries. */
	while (len) {
		n = 0x1000 - (off & 0xfff);
		if (n > len)
			n = len;
		bar_piece(vp, off, b, n, write);
		off += n;
		b += n;
		len -= n;
	}
	return 0;
}

/*
 * VIRTIO_PCI_CAP_PCI_CFG (§4.1.4.9): the driver writes cap.bar,
 * cap.offset and cap.length, then an access to pci_cfg_data is an access
 * of cap.length bytes at cap.offset of BAR cap.bar. Only our BAR4 holds
 * virtio structures; other BARs, lengths other than 1, 2, 4, unaligned
 * or out-of-range offsets do nothing (reads give zeroes).
 */
#define PCICFG_BAR	4
#define PCICFG_OFFSET	8
#define PCICFG_LENGTH	12
#define PCICFG_DATA	16
#define PCICFG_LEN	20

static bool pcicfg_target(const uint8_t *c, uint32_t *off, uint32_t *len)
{
	*off = get_le(c, PCICFG_OFFSET, 4);
	*len = get_le(c, PCICFG_LENGTH, 4);
	return c[PCICFG_BAR] == VIRTIO_PCI_BAR &&
	       (*len == 1 || *len == 2 || *len == 4) && !(*off % *len) &&
	       *off <= VIRTIO_PCI_BAR_SIZE - *len;
}

int vp_pcicfg_access(void *opaque, uint32_t offset, void *data, uint32_t len,
		     bool write)
{
	struct virtio_pci *vp = opaque;
	uint8_t *d = data, c[PCICFG_LEN], win[4] = { 0 };
	bool data_hit = offset + len > PCICFG_DATA, go;
	uint32_t i, toff = 0, tlen = 0;

	if (offset >= PCICFG_LEN || len > PCICFG_LEN - offset)
		return -EINVAL;
	pthread_mutex_lock(&vp->lock);
	if (write) {
		for (i = 0; i < len; i++) {
			uint32_t o = offset + i;

			if (o == PCICFG_BAR ||
			    (o >= PCICFG_OFFSET && o < PCICFG_LEN))
				vp->pcicfg[o] = d[i];
		}
	}
	memcpy(c, vp->pcicfg, sizeof(c));
	pthread_mutex_unlock(&vp->lock);

	go = data_hit && pcicfg_target(c, &toff, &tlen);
	if (go && write) {
		vp_bar_access(vp->dev, vp, toff, c + PCICFG_DATA, tlen, true);
	} else if (data_hit && !write) {
		if (go)
			vp_bar_access(vp->dev, vp, toff, win, tlen, false);
		pthread_mutex_lock(&vp->lock);
		memcpy(vp->pcicfg + PCICFG_DATA, win, 4);
		memcpy(c, vp->pcicfg, sizeof(c));
		pthread_mutex_unlock(&vp->lock);
	}
	if (!write)
		memcpy(d, c + offset, len);
	return 0;
}
