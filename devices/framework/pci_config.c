// SPDX-License-Identifier: GPL-2.0-only
/*
 * Emulated PCI config space: header, BAR registers, capability list,
 * byte-wise write masks. Register layouts from <linux/pci_regs.h> (PCI
 * Local Bus 3.0, PCI PM 1.2, PCI Express Base 2.0 for the v2 capability).
 */
#include <errno.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "devices/framework/pci_config.h"

static void put8(uint8_t *a, uint32_t off, uint8_t v)
{
	a[off] = v;
}

static void put16(uint8_t *a, uint32_t off, uint16_t v)
{
	a[off] = (uint8_t)v;
	a[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *a, uint32_t off, uint32_t v)
{
	put16(a, off, (uint16_t)v);
	put16(a, off + 2, (uint16_t)(v >> 16));
}

int vus_cfg_init(struct vus_cfg *c, const struct vus_pci_id *id)
{
	memset(c, 0, sizeof(*c));
	if (pthread_mutex_init(&c->lock, NULL))
		return -ENOMEM;
	c->size = VUS_CFG_SIZE;
	c->next_cap = VUS_CFG_CAP_START;

	put16(c->data, PCI_VENDOR_ID, id->vendor);
	put16(c->data, PCI_DEVICE_ID, id->device);
	put8(c->data, PCI_REVISION_ID, id->revision);
	put8(c->data, PCI_CLASS_PROG, (uint8_t)id->class_code);
	put16(c->data, PCI_CLASS_DEVICE, (uint16_t)(id->class_code >> 8));
	put8(c->data, PCI_HEADER_TYPE, PCI_HEADER_TYPE_NORMAL);
	put16(c->data, PCI_SUBSYSTEM_VENDOR_ID, id->subsys_vendor);
	put16(c->data, PCI_SUBSYSTEM_ID, id->subsys);

	put16(c->wmask, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
	      PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
	      PCI_COMMAND_INTX_DISABLE);
	/* Status error bits are RW1C; the rest is read-only. */
	put16(c->w1c, PCI_STATUS, PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
	      PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
	      PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
	put8(c->wmask, PCI_CACHE_LINE_SIZE, 0xff);
	put8(c->wmask, PCI_INTERRUPT_LINE, 0xff);
	return 0;
}

void vus_cfg_destroy(struct vus_cfg *c)
{
	pthread_mutex_destroy(&c->lock);
}

void vus_cfg_set_bar(struct vus_cfg *c, unsigned int bar, uint64_t size,
		     unsigned int flags)
{
	uint32_t off = PCI_BASE_ADDRESS_0 + 4 * bar;
	uint64_t addr_mask = ~(size - 1);
	uint32_t low;

	if (flags & VUS_BAR_IO) {
		put32(c->data, off, PCI_BASE_ADDRESS_SPACE_IO);
		put32(c->wmask, off, (uint32_t)addr_mask &
		      (uint32_t)PCI_BASE_ADDRESS_IO_MASK);
		return;
	}
	low = PCI_BASE_ADDRESS_SPACE_MEMORY;
	if (flags & VUS_BAR_MEM64)
		low |= PCI_BASE_ADDRESS_MEM_TYPE_64;
	if (flags & VUS_BAR_PREFETCH)
		low |= PCI_BASE_ADDRESS_MEM_PREFETCH;
	put32(c->data, off, low);
	put32(c->wmask, off, (uint32_t)addr_mask &
	      (uint32_t)PCI_BASE_ADDRESS_MEM_MASK);
	if (flags & VUS_BAR_MEM64) {
		put32(c->data, off + 4, 0);
		put32(c->wmask, off + 4, (uint32_t)(addr_mask >> 32));
	}
}

void vus_cfg_set_rom(struct vus_cfg *c, uint64_t size)
{
	put32(c->data, PCI_ROM_ADDRESS, 0);
	put32(c->wmask, PCI_ROM_ADDRESS, ((uint32_t)~(size - 1) &
	      (uint32_t)PCI_ROM_ADDRESS_MASK) | PCI_ROM_ADDRESS_ENABLE);
}

void vus_cfg_set_intx(struct vus_cfg *c)
{
	put8(c->data, PCI_INTERRUPT_PIN, 1);
}

int vus_cfg_add_cap(struct vus_cfg *c, uint8_t id, const uint8_t *bytes,
		    uint8_t len, const uint8_t *wmask, const uint8_t *w1c,
		    uint8_t *pos)
{
	uint32_t at = (c->next_cap + 3) & ~3u;

	if (len < 2 || at + len > VUS_CFG_SIZE)
		return -ENOSPC;
	memcpy(&c->data[at], bytes, len);
	c->data[at] = id;
	c->data[at + 1] = 0;
	if (wmask)
		memcpy(&c->wmask[at], wmask, len);
	if (w1c)
		memcpy(&c->w1c[at], w1c, len);
	/* The id and next pointer are never writable. */
	c->wmask[at] = c->wmask[at + 1] = 0;
	c->w1c[at] = c->w1c[at + 1] = 0;

	if (c->last_cap)
		c->data[c->last_cap + 1] = (uint8_t)at;
	else
		c->data[PCI_CAPABILITY_LIST] = (uint8_t)at;
	c->data[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	c->last_cap = (uint8_t)at;
	c->next_cap = at + len;
	if (pos)
		*pos = (uint8_t)at;
	return 0;
}

int vus_cfg_add_pm(struct vus_cfg *c, uint8_t *pos)
{
	uint8_t b[PCI_PM_SIZEOF] = { 0 }, w[PCI_PM_SIZEOF] = { 0 };

	/* Version 3 (PM 1.2), no D1/D2, no PME. */
	put16(b, PCI_PM_PMC, 3);
	/* D0 now; a D3hot -> D0 transition keeps the state. */
	put16(b, PCI_PM_CTRL, PCI_PM_CTRL_NO_SOFT_RESET);
	put16(w, PCI_PM_CTRL, PCI_PM_CTRL_STATE_MASK);
	return vus_cfg_add_cap(c, PCI_CAP_ID_PM, b, sizeof(b), w, NULL, pos);
}

int vus_cfg_add_msi(struct vus_cfg *c, unsigned int nvec, uint8_t *pos)
{
	uint8_t b[16] = { 0 }, w[16] = { 0 };
	unsigned int log2 = 0;

	if (nvec == 0 || nvec > 32 || (nvec & (nvec - 1)))
		return -EINVAL;
	while ((1u << log2) < nvec)
		log2++;
	/* Multiple Message Capable, 64-bit; Enable and Multiple Message
	 * Enable writable. Address (dword aligned) and data follow. */
	put16(b, PCI_MSI_FLAGS, (uint16_t)(PCI_MSI_FLAGS_64BIT | (log2 << 1)));
	put16(w, PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	put32(w, PCI_MSI_ADDRESS_LO, 0xfffffffc);
	put32(w, PCI_MSI_ADDRESS_HI, 0xffffffff);
	put16(w, PCI_MSI_DATA_64, 0xffff);
	return vus_cfg_add_cap(c, PCI_CAP_ID_MSI, b, 14, w, NULL, pos);
}

int vus_cfg_add_msix(struct vus_cfg *c, unsigned int nvec,
		     unsigned int table_bar, uint32_t table_offset,
		     unsigned int pba_bar, uint32_t pba_offset, uint8_t *pos)
{
	uint8_t b[PCI_CAP_MSIX_SIZEOF] = { 0 }, w[PCI_CAP_MSIX_SIZEOF] = { 0 };

	if (nvec == 0 || nvec > 2048 || table_bar > 5 || pba_bar > 5 ||
	    (table_offset & 7) || (pba_offset & 7))
		return -EINVAL;
	put16(b, PCI_MSIX_FLAGS, (uint16_t)(nvec - 1));
	put16(w, PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	put32(b, PCI_MSIX_TABLE, table_offset | table_bar);
	put32(b, PCI_MSIX_PBA, pba_offset | pba_bar);
	return vus_cfg_add_cap(c, PCI_CAP_ID_MSIX, b, sizeof(b), w, NULL, pos);
}

int vus_cfg_add_pcie(struct vus_cfg *c, uint8_t *pos)
{
	enum { LEN = PCI_CAP_EXP_ENDPOINT_SIZEOF_V2 + 2 };
	uint8_t b[LEN] = { 0 }, w[LEN] = { 0 }, x[LEN] = { 0 };
	int ret;

	put16(b, PCI_EXP_FLAGS, 2 | (PCI_EXP_TYPE_ENDPOINT << 4));
	/*
	 * 128-byte payload, role-based error reporting (PCIe 1.1+), and
	 * Function-Level Reset: the client turns the guest's Initiate FLR
	 * into DEVICE_RESET (the bit reads 0 and is not writable here, as
	 * PCIe r4.0 §7.5.3.4 says it always reads 0).
	 */
	put32(b, PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_RBER | PCI_EXP_DEVCAP_FLR);
	/* Relaxed ordering, no snoop, 512-byte read requests: the reset
	 * values; everything but Initiate FLR is writable. */
	put16(b, PCI_EXP_DEVCTL, PCI_EXP_DEVCTL_RELAX_EN |
	      PCI_EXP_DEVCTL_NOSNOOP_EN | PCI_EXP_DEVCTL_READRQ_512B);
	put16(w, PCI_EXP_DEVCTL, 0x7fff);
	/* Error detected bits are RW1C. */
	put16(x, PCI_EXP_DEVSTA, PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |
	      PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD);
	put32(b, PCI_EXP_LNKCAP, PCI_EXP_LNKCAP_SLS_2_5GB | (1 << 4));
	put16(w, PCI_EXP_LNKCTL, PCI_EXP_LNKCTL_ASPMC | PCI_EXP_LNKCTL_RCB |
	      PCI_EXP_LNKCTL_CCC | PCI_EXP_LNKCTL_ES);
	put16(b, PCI_EXP_LNKSTA, PCI_EXP_LNKSTA_CLS_2_5GB | PCI_EXP_LNKSTA_NLW_X1);
	put32(b, PCI_EXP_LNKCAP2, PCI_EXP_LNKCAP2_SLS_2_5GB);
	put16(b, PCI_EXP_LNKCTL2, PCI_EXP_LNKCTL2_TLS_2_5GT);
	ret = vus_cfg_add_cap(c, PCI_CAP_ID_EXP, b, LEN, w, x, pos);
	if (!ret)
		c->size = VUS_CFG_SIZE_PCIE;
	return ret;
}

int vus_cfg_add_vendor(struct vus_cfg *c, const void *body, uint8_t len,
		       vus_cfg_access_fn *fn, void *opaque, uint8_t *pos)
{
	uint8_t at;
	int ret;

	if (len < 3 || len > 252)
		return -EINVAL;
	if (fn && c->nr_hooks == VUS_CFG_MAX_HOOKS)
		return -ENOSPC;
	ret = vus_cfg_add_cap(c, PCI_CAP_ID_VNDR, body, len, NULL, NULL, &at);
	if (ret)
		return ret;
	c->data[at + 2] = len;	/* PCI: "the length of the capability" */
	if (fn && len > 3) {
		struct vus_cfg_hook *h = &c->hooks[c->nr_hooks++];

		h->start = at + 3;
		h->end = at + len;
		h->cap = at;
		h->fn = fn;
		h->opaque = opaque;
	}
	if (pos)
		*pos = at;
	return 0;
}

int vus_cfg_find_cap(struct vus_cfg *c, uint8_t id, uint8_t from)
{
	unsigned int hops = 0;
	uint8_t at;
	int ret = -ENOENT;

	pthread_mutex_lock(&c->lock);
	at = from ? c->data[from + 1] : c->data[PCI_CAPABILITY_LIST];
	while (at && hops++ < 48) {
		if (c->data[at] == id) {
			ret = at;
			break;
		}
		at = c->data[at + 1];
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* The hook that holds @off, or NULL; *@next_start: the next hook's start. */
static const struct vus_cfg_hook *hook_at(const struct vus_cfg *c,
					  uint32_t off, uint32_t *next_start)
{
	unsigned int i;

	*next_start = c->size;
	for (i = 0; i < c->nr_hooks; i++) {
		const struct vus_cfg_hook *h = &c->hooks[i];

		if (off >= h->start && off < h->end)
			return h;
		if (h->start > off && h->start < *next_start)
			*next_start = h->start;
	}
	return NULL;
}

static void write_bytes(struct vus_cfg *c, uint32_t off, const uint8_t *v,
			uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++, off++) {
		uint8_t old = c->data[off], nv;

		nv = (uint8_t)((old & ~c->wmask[off]) | (v[i] & c->wmask[off]));
		nv &= (uint8_t)~(v[i] & c->w1c[off]);
		c->data[off] = nv;
	}
}

static int cfg_access(struct vus_cfg *c, uint32_t off, uint8_t *buf, uint32_t len,
		  bool write)
{
	int ret = 0;

	if (off > c->size || len > c->size - off)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	while (len && !ret) {
		const struct vus_cfg_hook *h;
		uint32_t next, seg;

		h = hook_at(c, off, &next);
		if (h) {
			struct vus_cfg_hook hk = *h;

			seg = hk.end - off < len ? hk.end - off : len;
			pthread_mutex_unlock(&c->lock);
			ret = hk.fn(hk.opaque, off - hk.cap, buf, seg, write);
			pthread_mutex_lock(&c->lock);
		} else {
			seg = next - off < len ? next - off : len;
			if (write)
				write_bytes(c, off, buf, seg);
			else
				memcpy(buf, &c->data[off], seg);
		}
		off += seg;
		buf += seg;
		len -= seg;
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int vus_cfg_read(struct vus_cfg *c, uint32_t offset, void *buf, uint32_t len)
{
	return cfg_access(c, offset, buf, len, false);
}

int vus_cfg_write(struct vus_cfg *c, uint32_t offset, const void *buf,
		  uint32_t len)
{
	return cfg_access(c, offset, (uint8_t *)buf, len, true);
}

void vus_cfg_set_intx_status(struct vus_cfg *c, bool asserted)
{
	pthread_mutex_lock(&c->lock);
	if (asserted)
		c->data[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		c->data[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
	pthread_mutex_unlock(&c->lock);
}

uint16_t vus_cfg_get16(struct vus_cfg *c, uint32_t offset)
{
	uint16_t v;

	pthread_mutex_lock(&c->lock);
	v = (uint16_t)(c->data[offset] | (c->data[offset + 1] << 8));
	pthread_mutex_unlock(&c->lock);
	return v;
}
