/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_TOOLS_VFIO_USER_INFO_TESTS_CFG_BUILD_H
#define MINIVMM_TOOLS_VFIO_USER_INFO_TESTS_CFG_BUILD_H

/*
 * Hand-built config spaces for the tests, written byte by byte in
 * little-endian order as a device would present them.
 */
#include <stdint.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "tools/vfio-user-info/pci_decode.h"

static inline void w8(uint8_t *c, unsigned int off, uint8_t v)
{
	c[off] = v;
}

static inline void w16(uint8_t *c, unsigned int off, uint16_t v)
{
	c[off] = (uint8_t)v;
	c[off + 1] = (uint8_t)(v >> 8);
}

static inline void w32(uint8_t *c, unsigned int off, uint32_t v)
{
	w16(c, off, (uint16_t)v);
	w16(c, off + 2, (uint16_t)(v >> 16));
}

/* A type 0 header with no BARs and no capabilities. */
static inline void cfg_header(uint8_t *c, size_t len, uint16_t vendor,
			      uint16_t device, uint32_t class_code)
{
	memset(c, 0, len);
	w16(c, PCI_VENDOR_ID, vendor);
	w16(c, PCI_DEVICE_ID, device);
	w8(c, PCI_CLASS_PROG, (uint8_t)class_code);
	w8(c, PCI_CLASS_DEVICE, (uint8_t)(class_code >> 8));
	w8(c, PCI_CLASS_DEVICE + 1, (uint8_t)(class_code >> 16));
}

/* Link a standard capability @id at @off, pointing to @next. */
static inline void cfg_cap(uint8_t *c, unsigned int off, uint8_t id,
			   uint8_t next)
{
	w8(c, off, id);
	w8(c, off + 1, next);
}

/* Status Cap+ and the first capability at @first. */
static inline void cfg_caps_start(uint8_t *c, uint8_t first)
{
	w16(c, PCI_STATUS, (uint16_t)(c[PCI_STATUS] | c[PCI_STATUS + 1] << 8 |
				      PCI_STATUS_CAP_LIST));
	w8(c, PCI_CAPABILITY_LIST, first);
}

static inline void cfg_ext_cap(uint8_t *c, unsigned int off, uint16_t id,
			       unsigned int ver, unsigned int next)
{
	w32(c, off, (uint32_t)id | (uint32_t)ver << 16 | (uint32_t)next << 20);
}

/*
 * An NVMe-like device: vendor 8086 device 5845, class 010802, rev 02,
 * subsystem 1af4:1100, command Mem+ BusMaster+ DisINTx+, INTA line 11.
 * BAR0/1: 64-bit prefetchable memory at 0x800000000, 16 KiB (region 0;
 * region 1 size 0). BAR2: I/O at 0xc000, 32 bytes. BAR3: 32-bit memory
 * at 0xfe000000, 16 KiB. BAR4/5 unused. ROM at 0xfeb00000 disabled,
 * 64 KiB. Capabilities: 0x40 PM -> 0x50 MSI -> 0x70 Express -> 0xb0
 * MSI-X. With @len 4096, extended: 0x100 AER v1 -> 0x148 DSN v1 ->
 * 0x158 ARI v1.
 */
static inline void cfg_full_device(uint8_t *c, size_t len,
				   struct pci_region_sizes *sz)
{
	cfg_header(c, len, 0x8086, 0x5845, 0x010802);
	w8(c, PCI_REVISION_ID, 0x02);
	w16(c, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			    PCI_COMMAND_INTX_DISABLE);
	w16(c, PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
	w16(c, PCI_SUBSYSTEM_ID, 0x1100);
	w8(c, PCI_INTERRUPT_PIN, 1);
	w8(c, PCI_INTERRUPT_LINE, 11);

	w32(c, PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_MEM_TYPE_64 |
				   PCI_BASE_ADDRESS_MEM_PREFETCH);
	w32(c, PCI_BASE_ADDRESS_1, 0x8);
	w32(c, PCI_BASE_ADDRESS_2, 0xc000 | PCI_BASE_ADDRESS_SPACE_IO);
	w32(c, PCI_BASE_ADDRESS_3, 0xfe000000);
	w32(c, PCI_ROM_ADDRESS, 0xfeb00000);

	cfg_caps_start(c, 0x40);
	/* PM v3, D1 D2, PME from D0 and D3hot; PMCSR D3hot, NoSoftRst */
	cfg_cap(c, 0x40, PCI_CAP_ID_PM, 0x50);
	w16(c, 0x42, 3 | PCI_PM_CAP_D1 | PCI_PM_CAP_D2 | PCI_PM_CAP_PME_D0 |
		     PCI_PM_CAP_PME_D3hot);
	w16(c, 0x44, 3 | PCI_PM_CTRL_NO_SOFT_RESET);
	/* MSI: enabled, 64-bit, maskable, 4 capable, 2 enabled */
	cfg_cap(c, 0x50, PCI_CAP_ID_MSI, 0x70);
	w16(c, 0x52, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_64BIT |
		     PCI_MSI_FLAGS_MASKBIT | (2 << 1) | (1 << 4));
	w32(c, 0x54, 0xfee00000);
	w32(c, 0x58, 0x1);
	w16(c, 0x5c, 0x4021);
	w32(c, 0x60, 0x3);
	w32(c, 0x64, 0x1);
	/* Express v2 endpoint: MPS cap 256, ExtTag, FLR; ctl MPS 128,
	 * MRRS 512; link 8GT/s x4 L0s+L1 port 7, status 2.5GT/s x1 */
	cfg_cap(c, 0x70, PCI_CAP_ID_EXP, 0xb0);
	w16(c, 0x72, 2 | (PCI_EXP_TYPE_ENDPOINT << 4));
	w32(c, 0x74, 1 | PCI_EXP_DEVCAP_EXT_TAG | PCI_EXP_DEVCAP_FLR);
	w16(c, 0x78, (0 << 5) | (2 << 12));
	w32(c, 0x7c, 3 | (4 << 4) | (3 << 10) | (7u << 24));
	w16(c, 0x82, 1 | (1 << 4));
	/* MSI-X: 16 vectors, enabled, masked; table BAR3+0x2000, PBA
	 * BAR3+0x3000 */
	cfg_cap(c, 0xb0, PCI_CAP_ID_MSIX, 0);
	w16(c, 0xb2, 15 | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	w32(c, 0xb4, 0x2000 | 3);
	w32(c, 0xb8, 0x3000 | 3);

	if (len >= PCI_DECODE_ECFG_LEN) {
		cfg_ext_cap(c, 0x100, PCI_EXT_CAP_ID_ERR, 1, 0x148);
		cfg_ext_cap(c, 0x148, PCI_EXT_CAP_ID_DSN, 1, 0x158);
		cfg_ext_cap(c, 0x158, PCI_EXT_CAP_ID_ARI, 1, 0);
	}

	if (sz) {
		memset(sz, 0, sizeof(*sz));
		for (int i = 0; i < PCI_DECODE_NR_SIZES; i++)
			sz->known[i] = true;
		sz->size[0] = 16384;
		sz->size[2] = 32;
		sz->size[3] = 16384;
		sz->size[6] = 65536;
	}
}

/* virtio_pci_cap (virtio 1.2, 4.1.4) at @off: cap_len 16 (20 for NOTIFY). */
static inline void cfg_virtio_cap(uint8_t *c, unsigned int off, uint8_t next,
				  uint8_t cfg_type, uint8_t bar,
				  uint32_t offset, uint32_t length,
				  uint8_t cap_len)
{
	cfg_cap(c, off, PCI_CAP_ID_VNDR, next);
	w8(c, off + 2, cap_len);
	w8(c, off + 3, cfg_type);
	w8(c, off + 4, bar);
	w32(c, off + 8, offset);
	w32(c, off + 12, length);
}

/*
 * A modern virtio-blk: 1af4:1042, class 018000, BAR4 64-bit memory
 * (16 KiB), MSI-X at 0x98, virtio caps COMMON, NOTIFY (multiplier 4),
 * ISR, DEVICE, PCI at 0x40, 0x50, 0x64, 0x74, 0x84.
 */
static inline void cfg_virtio_blk(uint8_t *c, struct pci_region_sizes *sz)
{
	cfg_header(c, PCI_DECODE_CFG_LEN, 0x1af4, 0x1042, 0x018000);
	w8(c, PCI_REVISION_ID, 1);
	w16(c, PCI_SUBSYSTEM_VENDOR_ID, 0x1af4);
	w16(c, PCI_SUBSYSTEM_ID, 0x1100);
	w32(c, PCI_BASE_ADDRESS_4, PCI_BASE_ADDRESS_MEM_TYPE_64);
	cfg_caps_start(c, 0x40);
	cfg_virtio_cap(c, 0x40, 0x50, 1, 4, 0x0000, 0x1000, 16);
	cfg_virtio_cap(c, 0x50, 0x64, 2, 4, 0x3000, 0x1000, 20);
	w32(c, 0x50 + 16, 4);
	cfg_virtio_cap(c, 0x64, 0x74, 3, 4, 0x1000, 0x1000, 16);
	cfg_virtio_cap(c, 0x74, 0x84, 4, 4, 0x2000, 0x1000, 16);
	cfg_virtio_cap(c, 0x84, 0x98, 5, 0, 0, 0, 20);
	cfg_cap(c, 0x98, PCI_CAP_ID_MSIX, 0);
	w16(c, 0x9a, 1);
	w32(c, 0x9c, 1);
	w32(c, 0xa0, 1 | 0x800);
	if (sz) {
		memset(sz, 0, sizeof(*sz));
		for (int i = 0; i < PCI_DECODE_NR_SIZES; i++)
			sz->known[i] = true;
		sz->size[1] = 0x1000;
		sz->size[4] = 0x4000;
	}
}

#endif
