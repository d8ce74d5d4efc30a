/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_TOOLS_VFIO_USER_INFO_PCI_DECODE_H
#define MINIVMM_TOOLS_VFIO_USER_INFO_PCI_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A PCI configuration space, decoded the way `lspci -vv` shows it: the
 * type 0/1 header, the BARs (their sizes come from the vfio-user region
 * infos, never from writing the BARs), the expansion ROM, the capability
 * list from 0x34 and the extended capability list from 0x100.
 *
 * Pure: no I/O, no allocation. The buffer is untrusted (it is whatever a
 * vfio-user server returned for its config region): every pointer is
 * bounds-checked, both lists are walked with a visited set so that a loop
 * ends the walk, and whatever is wrong (a pointer below 0x40 or past the
 * bytes read, a loop, a capability cut off by the end of the buffer, too
 * many capabilities) becomes a line in problems[], never a crash, a hang
 * or a silently wrong field. Multi-byte fields are little-endian (PCI
 * Local Bus Specification 3.0, 6.1) and read byte by byte.
 */

#define PCI_DECODE_HDR_LEN	64	/* the standard header */
#define PCI_DECODE_CFG_LEN	256	/* conventional config space */
#define PCI_DECODE_ECFG_LEN	4096	/* PCI Express extended space */

/* Limits: 48 dword slots exist in 0x40..0xff, 960 in 0x100..0xfff. */
#define PCI_DECODE_MAX_CAPS	48
#define PCI_DECODE_MAX_EXT_CAPS	64
#define PCI_DECODE_MAX_PROBLEMS	16
#define PCI_DECODE_PROBLEM_LEN	112

/* Index 0-5 are BAR0-BAR5, 6 the expansion ROM (VFIO_PCI_ROM_REGION_INDEX). */
#define PCI_DECODE_NR_SIZES	7

/* What the decoder knows of the regions behind the BARs. */
struct pci_region_sizes {
	bool known[PCI_DECODE_NR_SIZES];	/* the region info was read */
	uint64_t size[PCI_DECODE_NR_SIZES];
};

enum pci_bar_kind {
	PCI_BAR_UNUSED,		/* an empty region, or register 0 and no info */
	PCI_BAR_IO,
	PCI_BAR_MEM,
	PCI_BAR_UPPER,		/* upper half of the 64-bit BAR below */
};

struct pci_bar {
	enum pci_bar_kind kind;
	uint32_t reg;		/* the register as read */
	unsigned int bits;	/* 32 or 64 (memory); 16/32 for I/O: 32 */
	bool below_1m;		/* memory type 01b (legacy, below 1 MiB) */
	bool prefetchable;
	uint64_t address;	/* as programmed, flag bits masked off */
	bool size_known;
	uint64_t size;		/* of the region with the BAR's index */
};

struct pci_rom {
	bool present;		/* register non-zero or a region behind it */
	uint32_t address;
	bool enabled;
	bool size_known;
	uint64_t size;
};

/* Power Management (PCI PM 1.2, chapter 3). */
struct pci_cap_pm {
	unsigned int version;
	bool pme_clock, dsi, d1, d2;
	unsigned int aux_current_ma;
	uint8_t pme_support;	/* bit 0 D0 .. bit 4 D3cold */
	uint16_t pmcsr;
	unsigned int power_state;	/* 0 D0 .. 3 D3hot */
	bool no_soft_reset, pme_enable, pme_status;
};

/* MSI (PCI 3.0, 6.8.1). */
struct pci_cap_msi {
	uint16_t control;
	bool enable, is64, maskable;
	unsigned int mmc, mme;	/* log2 of vectors: capable, enabled */
	uint64_t address;
	uint16_t data;
	uint32_t mask, pending;	/* when maskable */
};

/* MSI-X (PCI 3.0, 6.8.2). */
struct pci_cap_msix {
	uint16_t control;
	bool enable, function_mask;
	unsigned int table_size;	/* vectors: field + 1 */
	unsigned int table_bir, pba_bir;
	uint32_t table_offset, pba_offset;
};

/* PCI Express (PCIe base 4.0, 7.5.3). */
struct pci_cap_exp {
	unsigned int version;
	unsigned int port_type;	/* PCI_EXP_TYPE_* */
	bool slot;
	unsigned int irq_msg;
	uint32_t devcap;
	unsigned int max_payload;	/* devcap, bytes */
	unsigned int phantom;
	bool ext_tag, flr;
	uint16_t devctl;
	unsigned int ctl_max_payload, ctl_max_read_req;	/* bytes */
	bool has_link;		/* the port type has link registers */
	uint32_t lnkcap;
	unsigned int link_max_speed;	/* PCI_EXP_LNKCAP_SLS_* code */
	unsigned int link_max_width;
	unsigned int aspm;		/* bit 0 L0s, bit 1 L1 */
	unsigned int port_number;
	uint16_t lnksta;
	unsigned int link_speed, link_width;
};

/* Vendor-specific; virtio 1.x struct virtio_pci_cap (virtio 1.2, 4.1.4). */
struct pci_cap_vndr {
	unsigned int len;	/* cap_len as the device says */
	bool virtio;		/* vendor 0x1af4 and cap_len >= 16 */
	unsigned int cfg_type;	/* VIRTIO_PCI_CAP_* */
	unsigned int bar;
	unsigned int id;
	uint64_t offset, length;
	bool has_multiplier;	/* NOTIFY with cap_len >= 20 */
	uint32_t notify_off_multiplier;
};

struct pci_cap {
	uint8_t offset;
	uint8_t id;		/* PCI_CAP_ID_* */
	uint8_t next;		/* as read, low two bits masked */
	bool truncated;		/* its body runs past the bytes read */
	union {
		struct pci_cap_pm pm;
		struct pci_cap_msi msi;
		struct pci_cap_msix msix;
		struct pci_cap_exp exp;
		struct pci_cap_vndr vndr;
	} u;
};

struct pci_ext_cap {
	uint16_t offset;
	uint16_t id;		/* PCI_EXT_CAP_ID_* */
	unsigned int version;
	uint16_t next;
};

struct pci_desc {
	size_t len;		/* bytes decoded: 64..4096 */
	uint16_t vendor, device;
	uint16_t command, status;
	uint8_t revision, prog_if, subclass, base_class;
	uint8_t header_type;	/* low 7 bits */
	bool multifunction;
	uint8_t cache_line, latency, bist;
	bool has_subsystem;	/* type 0 headers */
	uint16_t subsys_vendor, subsys_device;
	uint8_t int_line, int_pin;

	unsigned int nr_bars;	/* 6 (type 0), 2 (type 1), 0 otherwise */
	struct pci_bar bars[6];
	bool has_rom;		/* the header type has a ROM register */
	struct pci_rom rom;

	bool caps_listed;	/* Status has the Capabilities List bit */
	uint8_t cap_ptr;	/* as read */
	unsigned int nr_caps;
	struct pci_cap caps[PCI_DECODE_MAX_CAPS];

	bool ext_scanned;	/* len is 4096: 0x100 was looked at */
	unsigned int nr_ext_caps;
	struct pci_ext_cap ext_caps[PCI_DECODE_MAX_EXT_CAPS];

	unsigned int nr_problems;
	bool problems_dropped;	/* more than PCI_DECODE_MAX_PROBLEMS */
	char problems[PCI_DECODE_MAX_PROBLEMS][PCI_DECODE_PROBLEM_LEN];
};

/*
 * pci_decode - decode @len bytes of config space at @cfg into @out.
 * @sizes gives the BAR and ROM sizes (NULL: all unknown). Extended
 * capabilities are walked only when @len is 4096.
 *
 * Returns 0, or -EINVAL (and @out zeroed) when @len is below the 64-byte
 * header or above 4096, or @cfg or @out is NULL.
 */
int pci_decode(const uint8_t *cfg, size_t len,
	       const struct pci_region_sizes *sizes, struct pci_desc *out);

/* The capability @id of @d, or NULL. */
const struct pci_cap *pci_desc_find_cap(const struct pci_desc *d, uint8_t id);

/*
 * Names, never NULL. Unknown values give a generic name ("Unknown"),
 * except pci_vendor_name() and pci_device_name(), which return NULL for
 * ids they do not know (they know a handful: virtio, QEMU, Intel, ...).
 */
const char *pci_vendor_name(uint16_t vendor);
const char *pci_device_name(uint16_t vendor, uint16_t device);
/* Subclass name when known ("Ethernet controller"), else the base class. */
const char *pci_class_name(uint8_t base_class, uint8_t subclass);
const char *pci_cap_name(uint8_t id);
const char *pci_ext_cap_name(uint16_t id);
/* "Endpoint", "Root Port", ... */
const char *pci_exp_type_name(unsigned int port_type);
/* "2.5GT/s" ... for a link speed code; "unknown" otherwise. */
const char *pci_link_speed_name(unsigned int code);
/* "COMMON", "NOTIFY", "ISR", "DEVICE", "PCI", ...; "unknown" otherwise. */
const char *pci_virtio_cfg_type_name(unsigned int cfg_type);

#endif
