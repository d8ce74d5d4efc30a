// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoding of a PCI configuration space read from a vfio-user server.
 * Field layouts follow linux/pci_regs.h, which cites the PCI Local Bus
 * Specification 3.0, PCI PM 1.2 and the PCI Express Base Specification.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "tools/vfio-user-info/pci_decode.h"

/* virtio 1.2, 4.1.4 "Virtio Structure PCI Capabilities". */
#define VIRTIO_PCI_VENDOR		0x1af4
#define VIRTIO_PCI_CAP_NOTIFY_CFG	2
#define VIRTIO_PCI_CAP_SHARED_MEMORY_CFG 8

static uint8_t rd8(const uint8_t *cfg, size_t off)
{
	return cfg[off];
}

static uint16_t rd16(const uint8_t *cfg, size_t off)
{
	return (uint16_t)(cfg[off] | cfg[off + 1] << 8);
}

static uint32_t rd32(const uint8_t *cfg, size_t off)
{
	return (uint32_t)cfg[off] | (uint32_t)cfg[off + 1] << 8 |
	       (uint32_t)cfg[off + 2] << 16 | (uint32_t)cfg[off + 3] << 24;
}

__attribute__((format(printf, 2, 3)))
static void problem(struct pci_desc *d, const char *fmt, ...)
{
	va_list ap;

	if (d->nr_problems == PCI_DECODE_MAX_PROBLEMS) {
		d->problems_dropped = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(d->problems[d->nr_problems], PCI_DECODE_PROBLEM_LEN, fmt, ap);
	va_end(ap);
	d->nr_problems++;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/*
 * BARs (PCI 3.0, 6.2.5.1): bit 0 set is I/O space; otherwise bits 2:1
 * are the memory type (00b 32-bit, 01b below 1 MiB, 10b 64-bit, the
 * next BAR holding the upper half) and bit 3 prefetchable. VFIO gives a
 * 64-bit BAR's whole size to the region of its lower index.
 */
static void decode_bars(const uint8_t *cfg, const struct pci_region_sizes *sz,
			struct pci_desc *d)
{
	unsigned int i;

	for (i = 0; i < d->nr_bars; i++) {
		struct pci_bar *b = &d->bars[i];
		uint32_t v = rd32(cfg, PCI_BASE_ADDRESS_0 + 4 * i);
		uint32_t mtype;

		b->reg = v;
		b->size_known = sz && sz->known[i];
		b->size = b->size_known ? sz->size[i] : 0;

		/*
		 * An empty region means no BAR, whatever its register's
		 * read-only type bits say (libvfio-user leaves the I/O bit
		 * of unused BARs set): lspci shows only sized BARs too.
		 */
		if (b->size_known && !b->size) {
			b->kind = PCI_BAR_UNUSED;
			continue;
		}
		if (v & PCI_BASE_ADDRESS_SPACE_IO) {
			b->kind = PCI_BAR_IO;
			b->bits = 32;
			b->address = v & PCI_BASE_ADDRESS_IO_MASK;
		} else if (v == 0 && !b->size_known) {
			b->kind = PCI_BAR_UNUSED;
			continue;
		} else {
			b->kind = PCI_BAR_MEM;
			b->bits = 32;
			b->prefetchable = v & PCI_BASE_ADDRESS_MEM_PREFETCH;
			b->address = v & PCI_BASE_ADDRESS_MEM_MASK;
			mtype = v & PCI_BASE_ADDRESS_MEM_TYPE_MASK;
			if (mtype == PCI_BASE_ADDRESS_MEM_TYPE_1M) {
				b->below_1m = true;
			} else if (mtype == 0x6) {
				problem(d, "BAR%u has the reserved memory type 11b", i);
			} else if (mtype == PCI_BASE_ADDRESS_MEM_TYPE_64) {
				b->bits = 64;
				if (i + 1 >= d->nr_bars) {
					problem(d, "BAR%u is 64-bit but has no next BAR for its upper half",
						i);
				} else {
					struct pci_bar *u = &d->bars[i + 1];

					b->address |= (uint64_t)rd32(cfg,
						PCI_BASE_ADDRESS_0 + 4 * (i + 1)) << 32;
					u->kind = PCI_BAR_UPPER;
					u->reg = rd32(cfg, PCI_BASE_ADDRESS_0 +
						      4 * (i + 1));
					u->bits = 64;
					u->size_known = sz && sz->known[i + 1];
					u->size = u->size_known ? sz->size[i + 1] : 0;
					if (u->size_known && u->size)
						problem(d, "BAR%u is the upper half of 64-bit BAR%u but region %u has size %llu",
							i + 1, i, i + 1,
							(unsigned long long)u->size);
					i++;
				}
			}
		}
		if (b->size_known && b->size && !is_pow2(b->size))
			problem(d, "BAR%u size %llu is not a power of two",
				(unsigned int)(b - d->bars),
				(unsigned long long)b->size);
	}
}

static void decode_rom(const uint8_t *cfg, unsigned int reg,
		       const struct pci_region_sizes *sz, struct pci_desc *d)
{
	uint32_t v = rd32(cfg, reg);
	struct pci_rom *r = &d->rom;

	d->has_rom = true;
	r->address = v & PCI_ROM_ADDRESS_MASK;
	r->enabled = v & PCI_ROM_ADDRESS_ENABLE;
	r->size_known = sz && sz->known[6];
	r->size = r->size_known ? sz->size[6] : 0;
	r->present = r->address || r->enabled || r->size;
}

/* Bytes a capability needs for what we decode of it. */
static size_t cap_need(const uint8_t *cfg, size_t len, size_t off, uint8_t id,
		       const struct pci_desc *d)
{
	uint16_t flags;

	switch (id) {
	case PCI_CAP_ID_PM:
		return PCI_PM_SIZEOF;
	case PCI_CAP_ID_MSI:
		if (off + 4 > len)
			return 4;
		flags = rd16(cfg, off + PCI_MSI_FLAGS);
		return 10 + ((flags & PCI_MSI_FLAGS_64BIT) ? 4 : 0) +
		       ((flags & PCI_MSI_FLAGS_MASKBIT) ? 10 : 0);
	case PCI_CAP_ID_MSIX:
		return PCI_CAP_MSIX_SIZEOF;
	case PCI_CAP_ID_EXP:
		return PCI_EXP_LNKSTA + 2;
	case PCI_CAP_ID_VNDR:
		if (off + 3 > len)
			return 3;
		/* cap_len, at least its own 3 bytes; virtio: 16 */
		if (d->vendor == VIRTIO_PCI_VENDOR)
			return rd8(cfg, off + 2) >= 16 ? rd8(cfg, off + 2) : 3;
		return 3;
	default:
		return 2;
	}
}

static void decode_pm(const uint8_t *cfg, size_t off, struct pci_cap_pm *pm)
{
	uint16_t pmc = rd16(cfg, off + PCI_PM_PMC);
	static const unsigned int aux[8] = { 0, 55, 100, 160, 220, 270, 320, 375 };

	pm->version = pmc & PCI_PM_CAP_VER_MASK;
	pm->pme_clock = pmc & PCI_PM_CAP_PME_CLOCK;
	pm->dsi = pmc & PCI_PM_CAP_DSI;
	pm->aux_current_ma = aux[(pmc & PCI_PM_CAP_AUX_POWER) >> 6];
	pm->d1 = pmc & PCI_PM_CAP_D1;
	pm->d2 = pmc & PCI_PM_CAP_D2;
	pm->pme_support = (pmc & PCI_PM_CAP_PME_MASK) >> 11;
	pm->pmcsr = rd16(cfg, off + PCI_PM_CTRL);
	pm->power_state = pm->pmcsr & PCI_PM_CTRL_STATE_MASK;
	pm->no_soft_reset = pm->pmcsr & PCI_PM_CTRL_NO_SOFT_RESET;
	pm->pme_enable = pm->pmcsr & PCI_PM_CTRL_PME_ENABLE;
	pm->pme_status = pm->pmcsr & PCI_PM_CTRL_PME_STATUS;
}

static void decode_msi(const uint8_t *cfg, size_t off, struct pci_cap_msi *m)
{
	size_t data;

	m->control = rd16(cfg, off + PCI_MSI_FLAGS);
	m->enable = m->control & PCI_MSI_FLAGS_ENABLE;
	m->is64 = m->control & PCI_MSI_FLAGS_64BIT;
	m->maskable = m->control & PCI_MSI_FLAGS_MASKBIT;
	m->mmc = (m->control & PCI_MSI_FLAGS_QMASK) >> 1;
	m->mme = (m->control & PCI_MSI_FLAGS_QSIZE) >> 4;
	m->address = rd32(cfg, off + PCI_MSI_ADDRESS_LO);
	if (m->is64) {
		m->address |= (uint64_t)rd32(cfg, off + PCI_MSI_ADDRESS_HI) << 32;
		data = off + PCI_MSI_DATA_64;
	} else {
		data = off + PCI_MSI_DATA_32;
	}
	m->data = rd16(cfg, data);
	if (m->maskable) {
		/* mask and pending follow the data at 4-byte steps */
		m->mask = rd32(cfg, data + 4);
		m->pending = rd32(cfg, data + 8);
	}
}

static void decode_msix(const uint8_t *cfg, size_t off, struct pci_cap_msix *x)
{
	uint32_t t = rd32(cfg, off + PCI_MSIX_TABLE);
	uint32_t p = rd32(cfg, off + PCI_MSIX_PBA);

	x->control = rd16(cfg, off + PCI_MSIX_FLAGS);
	x->enable = x->control & PCI_MSIX_FLAGS_ENABLE;
	x->function_mask = x->control & PCI_MSIX_FLAGS_MASKALL;
	x->table_size = (x->control & PCI_MSIX_FLAGS_QSIZE) + 1;
	x->table_bir = t & PCI_MSIX_TABLE_BIR;
	x->table_offset = t & PCI_MSIX_TABLE_OFFSET;
	x->pba_bir = p & PCI_MSIX_PBA_BIR;
	x->pba_offset = p & PCI_MSIX_PBA_OFFSET;
}

static void decode_exp(const uint8_t *cfg, size_t off, struct pci_cap_exp *e)
{
	uint16_t flags = rd16(cfg, off + PCI_EXP_FLAGS);
	unsigned int mps;

	e->version = flags & PCI_EXP_FLAGS_VERS;
	e->port_type = (flags & PCI_EXP_FLAGS_TYPE) >> 4;
	e->slot = flags & PCI_EXP_FLAGS_SLOT;
	e->irq_msg = (flags & PCI_EXP_FLAGS_IRQ) >> 9;
	e->devcap = rd32(cfg, off + PCI_EXP_DEVCAP);
	mps = e->devcap & PCI_EXP_DEVCAP_PAYLOAD;
	e->max_payload = 128u << mps;
	e->phantom = (e->devcap & PCI_EXP_DEVCAP_PHANTOM) >> 3;
	e->ext_tag = e->devcap & PCI_EXP_DEVCAP_EXT_TAG;
	e->flr = e->devcap & PCI_EXP_DEVCAP_FLR;
	e->devctl = rd16(cfg, off + PCI_EXP_DEVCTL);
	e->ctl_max_payload = 128u << ((e->devctl & PCI_EXP_DEVCTL_PAYLOAD) >> 5);
	e->ctl_max_read_req = 128u << ((e->devctl & PCI_EXP_DEVCTL_READRQ) >> 12);
	/* Root complex integrated endpoints and event collectors have no
	 * link: their link registers are reserved (PCIe 4.0, 7.5.3). */
	e->has_link = e->port_type != PCI_EXP_TYPE_RC_END &&
		      e->port_type != PCI_EXP_TYPE_RC_EC;
	if (!e->has_link)
		return;
	e->lnkcap = rd32(cfg, off + PCI_EXP_LNKCAP);
	e->link_max_speed = e->lnkcap & PCI_EXP_LNKCAP_SLS;
	e->link_max_width = (e->lnkcap & PCI_EXP_LNKCAP_MLW) >> 4;
	e->aspm = (e->lnkcap & PCI_EXP_LNKCAP_ASPMS) >> 10;
	e->port_number = e->lnkcap >> 24;
	e->lnksta = rd16(cfg, off + PCI_EXP_LNKSTA);
	e->link_speed = e->lnksta & PCI_EXP_LNKSTA_CLS;
	e->link_width = (e->lnksta & PCI_EXP_LNKSTA_NLW) >> 4;
}

static void decode_vndr(const uint8_t *cfg, size_t off, const struct pci_desc *d,
			struct pci_cap_vndr *v)
{
	v->len = rd8(cfg, off + 2);
	if (d->vendor != VIRTIO_PCI_VENDOR || v->len < 16)
		return;
	v->virtio = true;
	v->cfg_type = rd8(cfg, off + 3);
	v->bar = rd8(cfg, off + 4);
	v->id = rd8(cfg, off + 5);
	v->offset = rd32(cfg, off + 8);
	v->length = rd32(cfg, off + 12);
	if (v->cfg_type == VIRTIO_PCI_CAP_NOTIFY_CFG && v->len >= 20) {
		v->has_multiplier = true;
		v->notify_off_multiplier = rd32(cfg, off + 16);
	} else if (v->cfg_type == VIRTIO_PCI_CAP_SHARED_MEMORY_CFG &&
		   v->len >= 24) {
		/* struct virtio_pci_cap64: offset_hi, length_hi */
		v->offset |= (uint64_t)rd32(cfg, off + 16) << 32;
		v->length |= (uint64_t)rd32(cfg, off + 20) << 32;
	}
}

/*
 * The capability list (PCI 3.0, 6.7): a pointer at 0x34 (0x14 for
 * CardBus), each entry id and next; pointers are dword-aligned (the low
 * two bits are reserved and masked, as lspci does) and lie in 0x40..0xff
 * (the header is below). 0 ends the list.
 */
static void walk_caps(const uint8_t *cfg, size_t len, unsigned int cap_reg,
		      struct pci_desc *d)
{
	bool seen[PCI_DECODE_CFG_LEN / 4] = { false };
	size_t lim = len < PCI_DECODE_CFG_LEN ? len : PCI_DECODE_CFG_LEN;
	unsigned int where = d->cap_ptr & ~3u;
	unsigned int from = 0;	/* 0: the header's pointer at cap_reg */

	while (where) {
		struct pci_cap *c;
		size_t need;

		if (where < PCI_DECODE_HDR_LEN) {
			if (from)
				problem(d, "capability pointer 0x%02x at 0x%02x points into the header (below 0x40); list ends there",
					where, from);
			else
				problem(d, "capability pointer 0x%02x at 0x%02x points into the header (below 0x40); no capabilities",
					where, cap_reg);
			return;
		}
		if (where + 2 > lim) {
			problem(d, "capability pointer 0x%02x at 0x%02x is past the %zu bytes of config space read; list ends there",
				where, from ? from : cap_reg, lim);
			return;
		}
		if (seen[where / 4]) {
			problem(d, "capability list loops back to 0x%02x (from 0x%02x); list ends there",
				where, from);
			return;
		}
		if (d->nr_caps == PCI_DECODE_MAX_CAPS) {
			problem(d, "more than %d capabilities; the rest are not shown",
				PCI_DECODE_MAX_CAPS);
			return;
		}
		seen[where / 4] = true;
		c = &d->caps[d->nr_caps++];
		c->offset = (uint8_t)where;
		c->id = rd8(cfg, where);
		c->next = rd8(cfg, where + 1) & ~3u;
		need = cap_need(cfg, lim, where, c->id, d);
		if (where + need > lim) {
			c->truncated = true;
			problem(d, "capability 0x%02x (%s) at 0x%02x needs %zu bytes but config space ends at 0x%zx",
				c->id, pci_cap_name(c->id), where, need, lim);
		} else {
			switch (c->id) {
			case PCI_CAP_ID_PM:
				decode_pm(cfg, where, &c->u.pm);
				break;
			case PCI_CAP_ID_MSI:
				decode_msi(cfg, where, &c->u.msi);
				break;
			case PCI_CAP_ID_MSIX:
				decode_msix(cfg, where, &c->u.msix);
				break;
			case PCI_CAP_ID_EXP:
				decode_exp(cfg, where, &c->u.exp);
				break;
			case PCI_CAP_ID_VNDR:
				decode_vndr(cfg, where, d, &c->u.vndr);
				break;
			}
		}
		from = where;
		where = c->next;
	}
}

/*
 * The extended capability list (PCIe 4.0, 7.6): from 0x100, a 32-bit
 * header with id (15:0), version (19:16) and next (31:20, dword-aligned,
 * at or above 0x100; 0 ends it). A header of 0 or all ones at 0x100
 * means there is none.
 */
static void walk_ext_caps(const uint8_t *cfg, struct pci_desc *d)
{
	bool seen[PCI_DECODE_ECFG_LEN / 4] = { false };
	unsigned int where = PCI_DECODE_CFG_LEN;
	unsigned int from = 0;
	uint32_t hdr;

	d->ext_scanned = true;
	hdr = rd32(cfg, where);
	if (hdr == 0 || hdr == 0xffffffffu)
		return;
	while (where) {
		struct pci_ext_cap *e;

		if (where < PCI_DECODE_CFG_LEN) {
			problem(d, "extended capability pointer 0x%03x at 0x%03x is below 0x100; list ends there",
				where, from);
			return;
		}
		if (seen[where / 4]) {
			problem(d, "extended capability list loops back to 0x%03x (from 0x%03x); list ends there",
				where, from);
			return;
		}
		if (d->nr_ext_caps == PCI_DECODE_MAX_EXT_CAPS) {
			problem(d, "more than %d extended capabilities; the rest are not shown",
				PCI_DECODE_MAX_EXT_CAPS);
			return;
		}
		seen[where / 4] = true;
		hdr = rd32(cfg, where);
		e = &d->ext_caps[d->nr_ext_caps++];
		e->offset = (uint16_t)where;
		e->id = PCI_EXT_CAP_ID(hdr);
		e->version = PCI_EXT_CAP_VER(hdr);
		e->next = PCI_EXT_CAP_NEXT(hdr) & ~3u;
		from = where;
		where = e->next;
	}
}

int pci_decode(const uint8_t *cfg, size_t len,
	       const struct pci_region_sizes *sizes, struct pci_desc *d)
{
	uint8_t ht;
	unsigned int cap_reg = PCI_CAPABILITY_LIST;

	if (!d)
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	if (!cfg || len < PCI_DECODE_HDR_LEN || len > PCI_DECODE_ECFG_LEN)
		return -EINVAL;

	d->len = len;
	d->vendor = rd16(cfg, PCI_VENDOR_ID);
	d->device = rd16(cfg, PCI_DEVICE_ID);
	d->command = rd16(cfg, PCI_COMMAND);
	d->status = rd16(cfg, PCI_STATUS);
	d->revision = rd8(cfg, PCI_REVISION_ID);
	d->prog_if = rd8(cfg, PCI_CLASS_PROG);
	d->subclass = rd8(cfg, PCI_CLASS_DEVICE);
	d->base_class = rd8(cfg, PCI_CLASS_DEVICE + 1);
	d->cache_line = rd8(cfg, PCI_CACHE_LINE_SIZE);
	d->latency = rd8(cfg, PCI_LATENCY_TIMER);
	ht = rd8(cfg, PCI_HEADER_TYPE);
	d->header_type = ht & 0x7f;
	d->multifunction = ht & 0x80;
	d->bist = rd8(cfg, PCI_BIST);
	d->int_line = rd8(cfg, PCI_INTERRUPT_LINE);
	d->int_pin = rd8(cfg, PCI_INTERRUPT_PIN);

	if (d->vendor == 0xffff || d->vendor == 0)
		problem(d, "vendor ID 0x%04x is not a valid vendor", d->vendor);
	if (d->int_pin > 4)
		problem(d, "interrupt pin %u is not one of 0 (none) and 1-4 (INTA-INTD)",
			d->int_pin);

	switch (d->header_type) {
	case PCI_HEADER_TYPE_NORMAL:
		d->nr_bars = 6;
		d->has_subsystem = true;
		d->subsys_vendor = rd16(cfg, PCI_SUBSYSTEM_VENDOR_ID);
		d->subsys_device = rd16(cfg, PCI_SUBSYSTEM_ID);
		decode_bars(cfg, sizes, d);
		decode_rom(cfg, PCI_ROM_ADDRESS, sizes, d);
		break;
	case PCI_HEADER_TYPE_BRIDGE:
		d->nr_bars = 2;
		decode_bars(cfg, sizes, d);
		decode_rom(cfg, PCI_ROM_ADDRESS1, sizes, d);
		break;
	case PCI_HEADER_TYPE_CARDBUS:
		cap_reg = PCI_CB_CAPABILITY_LIST;
		break;
	default:
		problem(d, "header type 0x%02x is not defined (0 normal, 1 bridge, 2 CardBus)",
			d->header_type);
		return 0;
	}

	d->caps_listed = d->status & PCI_STATUS_CAP_LIST;
	d->cap_ptr = rd8(cfg, cap_reg);
	if (d->caps_listed)
		walk_caps(cfg, len, cap_reg, d);
	if (len == PCI_DECODE_ECFG_LEN)
		walk_ext_caps(cfg, d);
	return 0;
}

const struct pci_cap *pci_desc_find_cap(const struct pci_desc *d, uint8_t id)
{
	unsigned int i;

	for (i = 0; i < d->nr_caps; i++)
		if (d->caps[i].id == id)
			return &d->caps[i];
	return NULL;
}

const char *pci_vendor_name(uint16_t vendor)
{
	switch (vendor) {
	case 0x1af4: return "Red Hat, Inc. (virtio)";
	case 0x1b36: return "Red Hat, Inc. (QEMU)";
	case 0x1234: return "QEMU (Bochs)";
	case 0x8086: return "Intel Corporation";
	case 0x1022: return "Advanced Micro Devices, Inc. [AMD]";
	case 0x10de: return "NVIDIA Corporation";
	case 0x144d: return "Samsung Electronics Co Ltd";
	case 0x15b3: return "Mellanox Technologies";
	case 0x1d0f: return "Amazon.com, Inc.";
	case 0x494f: return "ACCES I/O Products, Inc.";
	case 0x4e58: return "Nutanix Inc.";
	}
	return NULL;
}

/* virtio 1.2, 4.1.2: 0x1040 + device id (modern), 0x1000.. (transitional). */
static const char *virtio_device_name(uint16_t device)
{
	static const char *const modern[] = {
		[1] = "Virtio 1.0 network device",
		[2] = "Virtio 1.0 block device",
		[3] = "Virtio 1.0 console",
		[4] = "Virtio 1.0 RNG",
		[5] = "Virtio 1.0 memory balloon",
		[8] = "Virtio 1.0 SCSI",
		[9] = "Virtio 1.0 9P transport",
		[16] = "Virtio 1.0 GPU",
		[18] = "Virtio 1.0 input",
		[19] = "Virtio 1.0 socket",
		[20] = "Virtio 1.0 crypto",
		[26] = "Virtio 1.0 filesystem",
		[27] = "Virtio 1.0 pmem",
		[29] = "Virtio 1.0 mem",
		[41] = "Virtio 1.0 GPIO",
	};
	static const char *const transitional[] = {
		"Virtio network device", "Virtio block device",
		"Virtio memory balloon", "Virtio console", "Virtio SCSI",
		"Virtio RNG", NULL, NULL, NULL, "Virtio filesystem",
	};

	if (device >= 0x1040 && device - 0x1040u < sizeof(modern) / sizeof(modern[0]))
		return modern[device - 0x1040];
	if (device >= 0x1000 && device - 0x1000u < sizeof(transitional) / sizeof(transitional[0]))
		return transitional[device - 0x1000];
	return NULL;
}

const char *pci_device_name(uint16_t vendor, uint16_t device)
{
	if (vendor == 0x1af4)
		return virtio_device_name(device);
	if (vendor == 0x494f && device == 0x0dc8)
		return "PCI-IDIO-16";
	if (vendor == 0x1b36 && device == 0x0010)
		return "QEMU NVM Express Controller";
	if (vendor == 0x8086 && device == 0x5845)
		return "QEMU NVM Express Controller";
	return NULL;
}

const char *pci_class_name(uint8_t base, uint8_t sub)
{
	static const struct { uint16_t code; const char *name; } subs[] = {
		{ 0x0000, "Non-VGA unclassified device" },
		{ 0x0001, "VGA compatible unclassified device" },
		{ 0x00ff, "Unclassified device" },
		{ 0x0100, "SCSI storage controller" },
		{ 0x0101, "IDE interface" },
		{ 0x0104, "RAID bus controller" },
		{ 0x0106, "SATA controller" },
		{ 0x0107, "Serial Attached SCSI controller" },
		{ 0x0108, "Non-Volatile memory controller" },
		{ 0x0180, "Mass storage controller" },
		{ 0x0200, "Ethernet controller" },
		{ 0x0280, "Network controller" },
		{ 0x0300, "VGA compatible controller" },
		{ 0x0302, "3D controller" },
		{ 0x0380, "Display controller" },
		{ 0x0401, "Multimedia audio controller" },
		{ 0x0403, "Audio device" },
		{ 0x0500, "RAM memory" },
		{ 0x0600, "Host bridge" },
		{ 0x0601, "ISA bridge" },
		{ 0x0604, "PCI bridge" },
		{ 0x0680, "Bridge" },
		{ 0x0700, "Serial controller" },
		{ 0x0780, "Communication controller" },
		{ 0x0880, "System peripheral" },
		{ 0x0900, "Keyboard controller" },
		{ 0x0c03, "USB controller" },
		{ 0x0c05, "SMBus" },
		{ 0x1000, "Network and computing encryption device" },
		{ 0x1180, "Signal processing controller" },
		{ 0x1200, "Processing accelerators" },
	};
	static const char *const bases[] = {
		"Unclassified device", "Mass storage controller",
		"Network controller", "Display controller",
		"Multimedia controller", "Memory controller", "Bridge",
		"Communication controller", "Generic system peripheral",
		"Input device controller", "Docking station", "Processor",
		"Serial bus controller", "Wireless controller",
		"Intelligent controller", "Satellite communications controller",
		"Encryption controller", "Signal processing controller",
		"Processing accelerators", "Non-Essential Instrumentation",
	};
	uint16_t code = (uint16_t)(base << 8 | sub);
	size_t i;

	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (subs[i].code == code)
			return subs[i].name;
	if (base < sizeof(bases) / sizeof(bases[0]))
		return bases[base];
	if (base == 0x40)
		return "Coprocessor";
	if (base == 0xff)
		return "Unassigned class";
	return "Unknown class";
}

const char *pci_cap_name(uint8_t id)
{
	static const char *const names[] = {
		[PCI_CAP_ID_PM] = "Power Management",
		[PCI_CAP_ID_AGP] = "AGP",
		[PCI_CAP_ID_VPD] = "Vital Product Data",
		[PCI_CAP_ID_SLOTID] = "Slot ID",
		[PCI_CAP_ID_MSI] = "MSI",
		[PCI_CAP_ID_CHSWP] = "CompactPCI hot-swap",
		[PCI_CAP_ID_PCIX] = "PCI-X",
		[PCI_CAP_ID_HT] = "HyperTransport",
		[PCI_CAP_ID_VNDR] = "Vendor Specific",
		[PCI_CAP_ID_DBG] = "Debug port",
		[PCI_CAP_ID_CCRC] = "CompactPCI central resource control",
		[PCI_CAP_ID_SHPC] = "Hot-plug capable",
		[PCI_CAP_ID_SSVID] = "Subsystem",
		[PCI_CAP_ID_AGP3] = "AGP3",
		[PCI_CAP_ID_SECDEV] = "Secure device",
		[PCI_CAP_ID_EXP] = "Express",
		[PCI_CAP_ID_MSIX] = "MSI-X",
		[PCI_CAP_ID_SATA] = "SATA HBA",
		[PCI_CAP_ID_AF] = "PCI Advanced Features",
		[PCI_CAP_ID_EA] = "Enhanced Allocation",
	};

	if (id < sizeof(names) / sizeof(names[0]) && names[id])
		return names[id];
	return "Unknown";
}

const char *pci_ext_cap_name(uint16_t id)
{
	static const char *const names[] = {
		[PCI_EXT_CAP_ID_ERR] = "Advanced Error Reporting",
		[PCI_EXT_CAP_ID_VC] = "Virtual Channel",
		[PCI_EXT_CAP_ID_DSN] = "Device Serial Number",
		[PCI_EXT_CAP_ID_PWR] = "Power Budgeting",
		[PCI_EXT_CAP_ID_RCLD] = "Root Complex Link",
		[PCI_EXT_CAP_ID_RCILC] = "Root Complex Internal Link",
		[PCI_EXT_CAP_ID_RCEC] = "Root Complex Event Collector",
		[PCI_EXT_CAP_ID_MFVC] = "Multi-Function Virtual Channel",
		[PCI_EXT_CAP_ID_VC9] = "Virtual Channel",
		[PCI_EXT_CAP_ID_RCRB] = "Root Bridge Control Block",
		[PCI_EXT_CAP_ID_VNDR] = "Vendor Specific Information",
		[PCI_EXT_CAP_ID_ACS] = "Access Control Services",
		[PCI_EXT_CAP_ID_ARI] = "Alternative Routing-ID Interpretation",
		[PCI_EXT_CAP_ID_ATS] = "Address Translation Service",
		[PCI_EXT_CAP_ID_SRIOV] = "Single Root I/O Virtualization",
		[PCI_EXT_CAP_ID_MRIOV] = "Multi-Root I/O Virtualization",
		[PCI_EXT_CAP_ID_MCAST] = "Multicast",
		[PCI_EXT_CAP_ID_PRI] = "Page Request Interface",
		[PCI_EXT_CAP_ID_REBAR] = "Physical Resizable BAR",
		[PCI_EXT_CAP_ID_DPA] = "Dynamic Power Allocation",
		[PCI_EXT_CAP_ID_TPH] = "Transaction Processing Hints",
		[PCI_EXT_CAP_ID_LTR] = "Latency Tolerance Reporting",
		[PCI_EXT_CAP_ID_SECPCI] = "Secondary PCI Express",
		[PCI_EXT_CAP_ID_PMUX] = "Protocol Multiplexing",
		[PCI_EXT_CAP_ID_PASID] = "Process Address Space ID",
		[PCI_EXT_CAP_ID_DPC] = "Downstream Port Containment",
		[PCI_EXT_CAP_ID_L1SS] = "L1 PM Substates",
		[PCI_EXT_CAP_ID_PTM] = "Precision Time Measurement",
		[PCI_EXT_CAP_ID_DVSEC] = "Designated Vendor-Specific",
		[PCI_EXT_CAP_ID_DLF] = "Data Link Feature",
		[PCI_EXT_CAP_ID_PL_16GT] = "Physical Layer 16.0 GT/s",
		[PCI_EXT_CAP_ID_DOE] = "Data Object Exchange",
	};

	if (id < sizeof(names) / sizeof(names[0]) && names[id])
		return names[id];
	if (id == 0)
		return "Null";
	return "Unknown";
}

const char *pci_exp_type_name(unsigned int t)
{
	switch (t) {
	case PCI_EXP_TYPE_ENDPOINT: return "Endpoint";
	case PCI_EXP_TYPE_LEG_END: return "Legacy Endpoint";
	case PCI_EXP_TYPE_ROOT_PORT: return "Root Port";
	case PCI_EXP_TYPE_UPSTREAM: return "Upstream Port";
	case PCI_EXP_TYPE_DOWNSTREAM: return "Downstream Port";
	case PCI_EXP_TYPE_PCI_BRIDGE: return "PCI-Express to PCI/PCI-X Bridge";
	case PCI_EXP_TYPE_PCIE_BRIDGE: return "PCI/PCI-X to PCI-Express Bridge";
	case PCI_EXP_TYPE_RC_END: return "Root Complex Integrated Endpoint";
	case PCI_EXP_TYPE_RC_EC: return "Root Complex Event Collector";
	}
	return "Unknown type";
}

const char *pci_link_speed_name(unsigned int code)
{
	static const char *const names[] = {
		NULL, "2.5GT/s", "5GT/s", "8GT/s", "16GT/s", "32GT/s", "64GT/s",
	};

	if (code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "unknown";
}

const char *pci_virtio_cfg_type_name(unsigned int t)
{
	static const char *const names[] = {
		NULL, "COMMON", "NOTIFY", "ISR", "DEVICE", "PCI", NULL, NULL,
		"SHARED_MEMORY", "VENDOR",
	};

	if (t < sizeof(names) / sizeof(names[0]) && names[t])
		return names[t];
	return "unknown";
}
