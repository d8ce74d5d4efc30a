// SPDX-License-Identifier: GPL-2.0-only
#include "msi.h"

#include <errno.h>
#include <linux/pci_regs.h>
#include <string.h>

#define MSI_CAP_MAX		24
#define MSI_MMC_SHIFT		1
#define MSI_MME_SHIFT		4
#define MSI_CTRL_CAPS		(PCI_MSI_FLAGS_QMASK | PCI_MSI_FLAGS_64BIT | \
				 PCI_MSI_FLAGS_MASKBIT)

/* Register offsets for this capability's layout (6.8.1). */
struct layout {
	unsigned int data;
	unsigned int mask;	/* 0: no per-vector masking */
	unsigned int pending;
	unsigned int size;
};

static bool is_64(const struct msi *m)
{
	return m->ctrl & PCI_MSI_FLAGS_64BIT;
}

static bool has_mask(const struct msi *m)
{
	return m->ctrl & PCI_MSI_FLAGS_MASKBIT;
}

static void get_layout(const struct msi *m, struct layout *l)
{
	l->data = is_64(m) ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32;
	if (has_mask(m)) {
		l->mask = is_64(m) ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32;
		l->pending = is_64(m) ? PCI_MSI_PENDING_64 : PCI_MSI_PENDING_32;
		l->size = l->pending + 4;
	} else {
		l->mask = l->pending = 0;
		l->size = l->data + 2;
	}
}

static unsigned int log2_capable(const struct msi *m)
{
	return (m->ctrl & PCI_MSI_FLAGS_QMASK) >> MSI_MMC_SHIFT;
}

static unsigned int log2_enabled(const struct msi *m)
{
	return (m->ctrl & PCI_MSI_FLAGS_QSIZE) >> MSI_MME_SHIFT;
}

/*
 * Mask bits exist for the vectors the function is capable of (6.8.1, Mask
 * Bits); the others are reserved.
 */
static uint32_t vector_bits(const struct msi *m)
{
	unsigned int n = 1u << log2_capable(m);

	return n == 32 ? 0xffffffffu : (1u << n) - 1;
}

static bool vector_on(const struct msi *m, unsigned int vec)
{
	return (m->ctrl & PCI_MSI_FLAGS_ENABLE) &&
	       vec < (1u << log2_enabled(m)) && !(m->mask & (1u << vec));
}

static void vector_msg(const struct msi *m, unsigned int vec,
		       struct msi_msg *msg)
{
	uint32_t low = (1u << log2_enabled(m)) - 1;

	msg->addr = m->addr_lo;
	if (is_64(m))
		msg->addr |= (uint64_t)m->addr_hi << 32;
	msg->data = (m->data & ~low) | (vec & low);
}

/*
 * Bring what the owner knows in line with the registers: report each
 * vector whose state changed, then deliver a pending one that came on.
 */
static void sync_vectors(struct msi *m)
{
	unsigned int vec;

	for (vec = 0; vec < MSI_MAX_VECTORS; vec++) {
		bool was_on = m->on & (1u << vec);
		bool on = vector_on(m, vec);
		struct msi_msg msg;

		if (on)
			vector_msg(m, vec, &msg);
		if (on == was_on && (!on || (msg.addr == m->msg[vec].addr &&
					     msg.data == m->msg[vec].data)))
			continue;
		if (on) {
			m->on |= 1u << vec;
			m->msg[vec] = msg;
		} else {
			m->on &= ~(1u << vec);
		}
		if (m->ops && m->ops->update)
			m->ops->update(m->opaque, vec, on, on ? &msg : NULL);
		if (on && (m->pending & (1u << vec))) {
			m->pending &= ~(1u << vec);
			if (m->ops && m->ops->deliver)
				m->ops->deliver(m->opaque, vec, &msg);
		}
	}
}

int msi_init(struct msi *m, uint16_t dev_ctrl,
	     const struct msi_notify_ops *ops, void *opaque)
{
	int ret;

	if (((dev_ctrl & PCI_MSI_FLAGS_QMASK) >> MSI_MMC_SHIFT) > 5)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	ret = pthread_mutex_init(&m->lock, NULL);
	if (ret)
		return -ret;
	m->ops = ops;
	m->opaque = opaque;
	m->ctrl = dev_ctrl & MSI_CTRL_CAPS;
	return 0;
}

uint16_t msi_ctrl_for_vectors(uint16_t dev_ctrl, unsigned int nr_vectors,
			      unsigned int *nr_usable)
{
	unsigned int mmc = (dev_ctrl & PCI_MSI_FLAGS_QMASK) >> MSI_MMC_SHIFT;

	if (mmc > 5) {
		*nr_usable = 0;
		return dev_ctrl;
	}
	while (mmc && (1u << mmc) > nr_vectors)
		mmc--;
	*nr_usable = nr_vectors ? 1u << mmc : 0;
	return (uint16_t)((dev_ctrl & ~PCI_MSI_FLAGS_QMASK) |
			  (mmc << MSI_MMC_SHIFT));
}

void msi_destroy(struct msi *m)
{
	pthread_mutex_destroy(&m->lock);
}

unsigned int msi_cap_size(const struct msi *m)
{
	struct layout l;

	get_layout(m, &l);
	return l.size;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The capability as the guest reads it; bytes 0-1 are not ours (0). */
static void image(const struct msi *m, const struct layout *l,
		  uint8_t img[MSI_CAP_MAX])
{
	memset(img, 0, MSI_CAP_MAX);
	img[PCI_MSI_FLAGS] = (uint8_t)m->ctrl;
	img[PCI_MSI_FLAGS + 1] = (uint8_t)(m->ctrl >> 8);
	put32(&img[PCI_MSI_ADDRESS_LO], m->addr_lo);
	if (is_64(m))
		put32(&img[PCI_MSI_ADDRESS_HI], m->addr_hi);
	img[l->data] = (uint8_t)m->data;
	img[l->data + 1] = (uint8_t)(m->data >> 8);
	if (l->mask) {
		put32(&img[l->mask], m->mask);
		put32(&img[l->pending], m->pending);
	}
}

/* Byte i of an access at @off is ours when off + i is in [2, size). */
static int owned_mask(const struct layout *l, unsigned int off,
		      unsigned int size)
{
	int mask = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		if (off + i >= PCI_MSI_FLAGS && off + i < l->size)
			mask |= 1 << i;
	return mask;
}

static bool access_ok(unsigned int off, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4) && !(off & (size - 1));
}

int msi_cap_read(struct msi *m, unsigned int off, uint8_t *data,
		 unsigned int size)
{
	uint8_t img[MSI_CAP_MAX];
	struct layout l;
	unsigned int i;
	int mask;

	if (!access_ok(off, size))
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	get_layout(m, &l);
	mask = owned_mask(&l, off, size);
	image(m, &l, img);
	for (i = 0; i < size; i++)
		if (mask & (1 << i))
			data[i] = img[off + i];
	pthread_mutex_unlock(&m->lock);
	return mask;
}

int msi_cap_write(struct msi *m, unsigned int off, const uint8_t *data,
		  unsigned int size)
{
	uint8_t img[MSI_CAP_MAX];
	unsigned int i, mme;
	struct layout l;
	uint16_t ctrl;
	int mask;

	if (!access_ok(off, size))
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	get_layout(m, &l);
	mask = owned_mask(&l, off, size);
	if (!mask)
		goto out;
	image(m, &l, img);
	for (i = 0; i < size; i++)
		if (mask & (1 << i))
			img[off + i] = data[i];

	/* Only Enable and Multiple Message Enable are writable (6.8.1). */
	ctrl = img[PCI_MSI_FLAGS] | img[PCI_MSI_FLAGS + 1] << 8;
	mme = (ctrl & PCI_MSI_FLAGS_QSIZE) >> MSI_MME_SHIFT;
	if (mme > log2_capable(m))
		mme = log2_capable(m);
	m->ctrl = (m->ctrl & MSI_CTRL_CAPS) | (ctrl & PCI_MSI_FLAGS_ENABLE) |
		  (uint16_t)(mme << MSI_MME_SHIFT);
	/* Message Address bits 1:0 are reserved, read-only 0 (6.8.1). */
	m->addr_lo = get32(&img[PCI_MSI_ADDRESS_LO]) & ~3u;
	if (is_64(m))
		m->addr_hi = get32(&img[PCI_MSI_ADDRESS_HI]);
	m->data = (uint16_t)(img[l.data] | img[l.data + 1] << 8);
	if (l.mask)
		m->mask = get32(&img[l.mask]) & vector_bits(m);
	/* The Pending Bits are read-only (6.8.1). */
	sync_vectors(m);
out:
	pthread_mutex_unlock(&m->lock);
	return mask;
}

int msi_signal(struct msi *m, unsigned int vec)
{
	struct msi_msg msg;
	int ret;

	if (vec >= MSI_MAX_VECTORS)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	if (vector_on(m, vec)) {
		vector_msg(m, vec, &msg);
		if (m->ops && m->ops->deliver)
			m->ops->deliver(m->opaque, vec, &msg);
		ret = MSI_SIGNAL_DELIVERED;
	} else if ((m->ctrl & PCI_MSI_FLAGS_ENABLE) &&
		   vec < (1u << log2_enabled(m))) {
		/* Enabled and allocated, so off only by its mask bit. */
		m->pending |= 1u << vec;
		ret = MSI_SIGNAL_PENDING;
	} else {
		ret = MSI_SIGNAL_DROPPED;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

int msi_clear_pending(struct msi *m, unsigned int vec)
{
	if (vec >= MSI_MAX_VECTORS)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	m->pending &= ~(1u << vec);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

bool msi_vector(struct msi *m, unsigned int vec, struct msi_msg *msg)
{
	bool on;

	if (vec >= MSI_MAX_VECTORS)
		return false;
	pthread_mutex_lock(&m->lock);
	on = vector_on(m, vec);
	if (on && msg)
		vector_msg(m, vec, msg);
	pthread_mutex_unlock(&m->lock);
	return on;
}

void msi_reset(struct msi *m)
{
	pthread_mutex_lock(&m->lock);
	m->ctrl &= MSI_CTRL_CAPS;
	m->addr_lo = m->addr_hi = 0;
	m->data = 0;
	m->mask = m->pending = 0;
	sync_vectors(m);
	pthread_mutex_unlock(&m->lock);
}
