// SPDX-License-Identifier: GPL-2.0-only
#include "msix.h"

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

/* Message Control bits software may write (6.8.2, Message Control). */
#define MSIX_CTRL_RW	(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL)

static unsigned int pba_words(unsigned int nr)
{
	return (nr + 63) / 64;
}

static bool test_bit(const uint64_t *map, unsigned int n)
{
	return map[n / 64] & (1ull << (n % 64));
}

static void assign_bit(uint64_t *map, unsigned int n, bool v)
{
	if (v)
		map[n / 64] |= 1ull << (n % 64);
	else
		map[n / 64] &= ~(1ull << (n % 64));
}

static bool vector_on(const struct msix *m, unsigned int vec)
{
	return (m->ctrl & PCI_MSIX_FLAGS_ENABLE) &&
	       !(m->ctrl & PCI_MSIX_FLAGS_MASKALL) &&
	       !(m->table[vec].ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

static void vector_msg(const struct msix *m, unsigned int vec,
		       struct msi_msg *msg)
{
	const struct msix_entry *e = &m->table[vec];

	msg->addr = (uint64_t)e->addr_hi << 32 | e->addr_lo;
	msg->data = e->data;
}

/*
 * Bring what the owner knows of @vec in line with its registers: report a
 * change of state or message, then deliver it once if it came on pending.
 */
static void sync_vector(struct msix *m, unsigned int vec)
{
	bool was_on = test_bit(m->on, vec), on = vector_on(m, vec);
	struct msi_msg msg;

	if (on)
		vector_msg(m, vec, &msg);
	if (on == was_on && (!on || (msg.addr == m->msg[vec].addr &&
				     msg.data == m->msg[vec].data)))
		return;
	assign_bit(m->on, vec, on);
	if (on)
		m->msg[vec] = msg;
	if (m->ops && m->ops->update)
		m->ops->update(m->opaque, vec, on, on ? &msg : NULL);
	if (on && test_bit(m->pba, vec)) {
		assign_bit(m->pba, vec, false);
		if (m->ops && m->ops->deliver)
			m->ops->deliver(m->opaque, vec, &msg);
	}
}

static void sync_all(struct msix *m)
{
	unsigned int vec;

	for (vec = 0; vec < m->nr; vec++)
		sync_vector(m, vec);
}

static void table_reset(struct msix *m)
{
	unsigned int vec;

	memset(m->table, 0, (size_t)m->nr * sizeof(*m->table));
	for (vec = 0; vec < m->nr; vec++)
		m->table[vec].ctrl = PCI_MSIX_ENTRY_CTRL_MASKBIT;
	memset(m->pba, 0, pba_words(m->nr) * sizeof(*m->pba));
	m->ctrl = 0;
}

int msix_init(struct msix *m, unsigned int nr,
	      const struct msi_notify_ops *ops, void *opaque)
{
	int ret;

	if (!nr || nr > MSIX_MAX_VECTORS)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->table = calloc(nr, sizeof(*m->table));
	m->pba = calloc(pba_words(nr), sizeof(*m->pba));
	m->on = calloc(pba_words(nr), sizeof(*m->on));
	m->msg = calloc(nr, sizeof(*m->msg));
	if (!m->table || !m->pba || !m->on || !m->msg) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = -pthread_mutex_init(&m->lock, NULL);
	if (ret)
		goto fail;
	m->nr = nr;
	m->ops = ops;
	m->opaque = opaque;
	table_reset(m);
	return 0;
fail:
	free(m->table);
	free(m->pba);
	free(m->on);
	free(m->msg);
	memset(m, 0, sizeof(*m));
	return ret;
}

void msix_destroy(struct msix *m)
{
	pthread_mutex_destroy(&m->lock);
	free(m->table);
	free(m->pba);
	free(m->on);
	free(m->msg);
	memset(m, 0, sizeof(*m));
}

uint64_t msix_table_size(const struct msix *m)
{
	return (uint64_t)m->nr * MSIX_ENTRY_SIZE;
}

uint64_t msix_pba_size(const struct msix *m)
{
	return (uint64_t)pba_words(m->nr) * 8;
}

static uint16_t ctrl_value(const struct msix *m)
{
	return m->ctrl | (uint16_t)((m->nr - 1) & PCI_MSIX_FLAGS_QSIZE);
}

/* Byte i of an access at @off is ours when off + i is Message Control. */
static int owned_mask(unsigned int off, unsigned int size)
{
	int mask = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		if (off + i == PCI_MSIX_FLAGS || off + i == PCI_MSIX_FLAGS + 1)
			mask |= 1 << i;
	return mask;
}

static bool cap_access_ok(unsigned int off, unsigned int size)
{
	return (size == 1 || size == 2 || size == 4) && !(off & (size - 1));
}

int msix_cap_read(struct msix *m, unsigned int off, uint8_t *data,
		  unsigned int size)
{
	unsigned int i;
	uint16_t ctrl;
	int mask;

	if (!cap_access_ok(off, size))
		return -EINVAL;
	mask = owned_mask(off, size);
	pthread_mutex_lock(&m->lock);
	ctrl = ctrl_value(m);
	pthread_mutex_unlock(&m->lock);
	for (i = 0; i < size; i++)
		if (mask & (1 << i))
			data[i] = (uint8_t)(ctrl >> (8 * (off + i - PCI_MSIX_FLAGS)));
	return mask;
}

int msix_cap_write(struct msix *m, unsigned int off, const uint8_t *data,
		   unsigned int size)
{
	unsigned int i, shift;
	uint16_t ctrl;
	int mask;

	if (!cap_access_ok(off, size))
		return -EINVAL;
	mask = owned_mask(off, size);
	if (!mask)
		return 0;
	pthread_mutex_lock(&m->lock);
	ctrl = ctrl_value(m);
	for (i = 0; i < size; i++) {
		if (!(mask & (1 << i)))
			continue;
		shift = 8 * (off + i - PCI_MSIX_FLAGS);
		ctrl = (uint16_t)((ctrl & ~(0xffu << shift)) |
				  (unsigned int)data[i] << shift);
	}
	m->ctrl = ctrl & MSIX_CTRL_RW;
	sync_all(m);
	pthread_mutex_unlock(&m->lock);
	return mask;
}

static bool region_access_ok(uint64_t off, unsigned int size, uint64_t len)
{
	return (size == 1 || size == 2 || size == 4 || size == 8) &&
	       !(off & (size - 1)) && off < len && size <= len - off;
}

static uint32_t *entry_dword(struct msix *m, uint64_t off)
{
	struct msix_entry *e = &m->table[off / MSIX_ENTRY_SIZE];

	switch (off % MSIX_ENTRY_SIZE) {
	case PCI_MSIX_ENTRY_LOWER_ADDR:
		return &e->addr_lo;
	case PCI_MSIX_ENTRY_UPPER_ADDR:
		return &e->addr_hi;
	case PCI_MSIX_ENTRY_DATA:
		return &e->data;
	default:
		return &e->ctrl;
	}
}

int msix_table_read(struct msix *m, uint64_t off, uint8_t *data,
		    unsigned int size)
{
	unsigned int i;

	if (!region_access_ok(off, size, msix_table_size(m)))
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < size; i++) {
		uint64_t b = off + i;

		data[i] = (uint8_t)(*entry_dword(m, b & ~3ull) >> (8 * (b & 3)));
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

/* Reserved bits read 0 whatever is written (6.8.2, Message Address
 * and Vector Control). */
static uint32_t dword_wmask(uint64_t off)
{
	switch (off % MSIX_ENTRY_SIZE) {
	case PCI_MSIX_ENTRY_LOWER_ADDR:
		return ~3u;
	case PCI_MSIX_ENTRY_VECTOR_CTRL:
		return PCI_MSIX_ENTRY_CTRL_MASKBIT;
	default:
		return ~0u;
	}
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int msix_table_write(struct msix *m, uint64_t off, const uint8_t *data,
		     unsigned int size)
{
	unsigned int i;

	if ((size != 4 && size != 8) ||
	    !region_access_ok(off, size, msix_table_size(m)))
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	/* An aligned QWORD never crosses an entry: one vector either way. */
	for (i = 0; i < size; i += 4)
		*entry_dword(m, off + i) = get32(&data[i]) & dword_wmask(off + i);
	sync_vector(m, (unsigned int)(off / MSIX_ENTRY_SIZE));
	pthread_mutex_unlock(&m->lock);
	return 0;
}

int msix_pba_read(struct msix *m, uint64_t off, uint8_t *data,
		  unsigned int size)
{
	unsigned int i;

	if (!region_access_ok(off, size, msix_pba_size(m)))
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	for (i = 0; i < size; i++) {
		uint64_t b = off + i;

		data[i] = (uint8_t)(m->pba[b / 8] >> (8 * (b % 8)));
	}
	pthread_mutex_unlock(&m->lock);
	return 0;
}

int msix_signal(struct msix *m, unsigned int vec)
{
	struct msi_msg msg;
	int ret;

	if (vec >= m->nr)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	if (vector_on(m, vec)) {
		vector_msg(m, vec, &msg);
		if (m->ops && m->ops->deliver)
			m->ops->deliver(m->opaque, vec, &msg);
		ret = MSI_SIGNAL_DELIVERED;
	} else if (m->ctrl & PCI_MSIX_FLAGS_ENABLE) {
		assign_bit(m->pba, vec, true);
		ret = MSI_SIGNAL_PENDING;
	} else {
		ret = MSI_SIGNAL_DROPPED;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

int msix_clear_pending(struct msix *m, unsigned int vec)
{
	if (vec >= m->nr)
		return -EINVAL;
	pthread_mutex_lock(&m->lock);
	assign_bit(m->pba, vec, false);
	pthread_mutex_unlock(&m->lock);
	return 0;
}

bool msix_vector(struct msix *m, unsigned int vec, struct msi_msg *msg)
{
	bool on;

	if (vec >= m->nr)
		return false;
	pthread_mutex_lock(&m->lock);
	on = vector_on(m, vec);
	if (on && msg)
		vector_msg(m, vec, msg);
	pthread_mutex_unlock(&m->lock);
	return on;
}

void msix_reset(struct msix *m)
{
	pthread_mutex_lock(&m->lock);
	table_reset(m);
	sync_all(m);
	pthread_mutex_unlock(&m->lock);
}
