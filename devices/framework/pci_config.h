/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef MINIVMM_DEVICES_FRAMEWORK_PCI_CONFIG_H
#define MINIVMM_DEVICES_FRAMEWORK_PCI_CONFIG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/framework/vus.h"

/*
 * The emulated PCI config space of a type 0 function (region index 7,
 * VFIO_PCI_CONFIG_REGION_INDEX): 256 bytes, or 4 KiB once a PCI Express
 * capability is added. Every byte has a write mask (bits a write may
 * change) and a write-1-to-clear mask, so that writes to read-only bits
 * are ignored and status bits clear as the PCI spec says. BAR registers
 * get the mask ~(size - 1) over their address bits, so writing all ones
 * and reading back sizes a BAR as on hardware.
 *
 * Capabilities are placed from 0x40 in the order they are added, dword
 * aligned, and linked from the capability pointer (0x34).
 *
 * The setup calls (init, set_*, add_*) are made before serving, by one
 * thread. vus_cfg_read(), vus_cfg_write() and vus_cfg_set_intx_status()
 * are thread-safe; vendor capability callbacks are called without the
 * lock held.
 */

#define VUS_CFG_SIZE		256
#define VUS_CFG_SIZE_PCIE	4096
#define VUS_CFG_CAP_START	0x40
#define VUS_CFG_MAX_HOOKS	8

struct vus_cfg_hook {
	uint16_t start;		/* first byte handled by @fn */
	uint16_t end;		/* one past the last */
	uint16_t cap;		/* offset of its capability */
	vus_cfg_access_fn *fn;
	void *opaque;
};

struct vus_cfg {
	pthread_mutex_t lock;
	uint32_t size;			/* 256 or 4096 */
	uint8_t data[VUS_CFG_SIZE_PCIE];
	uint8_t wmask[VUS_CFG_SIZE_PCIE];
	uint8_t w1c[VUS_CFG_SIZE_PCIE];
	uint32_t next_cap;		/* where the next capability goes */
	uint8_t last_cap;		/* the last one added, 0 if none */
	unsigned int nr_hooks;
	struct vus_cfg_hook hooks[VUS_CFG_MAX_HOOKS];
};

/*
 * vus_cfg_init - a header with @id, status "capabilities list" clear,
 * command bits memory/IO/bus master/parity/SERR/INTx disable writable,
 * status error bits RW1C, cache line size and interrupt line writable.
 * Returns 0 or -ENOMEM.
 */
int vus_cfg_init(struct vus_cfg *c, const struct vus_pci_id *id);

void vus_cfg_destroy(struct vus_cfg *c);

/*
 * vus_cfg_set_bar - BAR register(s) of @bar for a BAR of @size bytes
 * with VUS_BAR_* @flags (sizes and indexes checked by the caller).
 */
void vus_cfg_set_bar(struct vus_cfg *c, unsigned int bar, uint64_t size,
		     unsigned int flags);

/* The expansion ROM BAR (0x30) of @size bytes: address bits and enable. */
void vus_cfg_set_rom(struct vus_cfg *c, uint64_t size);

/* Interrupt pin A (0x3d = 1). */
void vus_cfg_set_intx(struct vus_cfg *c);

/*
 * vus_cfg_add_cap - add a capability of @len bytes (>= 2) from @bytes
 * (bytes 0 and 1 become @id and the next pointer), with per-byte write
 * masks @wmask and @w1c (NULL: read-only). Returns 0 with *@pos its
 * offset, or -ENOSPC when it does not fit below 0x100.
 */
int vus_cfg_add_cap(struct vus_cfg *c, uint8_t id, const uint8_t *bytes,
		    uint8_t len, const uint8_t *wmask, const uint8_t *w1c,
		    uint8_t *pos);

/* The standard capabilities (see vus.h for what each advertises). */
int vus_cfg_add_pm(struct vus_cfg *c, uint8_t *pos);
int vus_cfg_add_msi(struct vus_cfg *c, unsigned int nvec, uint8_t *pos);
int vus_cfg_add_msix(struct vus_cfg *c, unsigned int nvec,
		     unsigned int table_bar, uint32_t table_offset,
		     unsigned int pba_bar, uint32_t pba_offset, uint8_t *pos);
int vus_cfg_add_pcie(struct vus_cfg *c, uint8_t *pos);

/*
 * vus_cfg_add_vendor - a vendor-specific capability (see
 * vus_dev_add_vendor_cap()). Returns 0, -EINVAL (length not 3..252),
 * -ENOSPC (no room, or no hook slot left).
 */
int vus_cfg_add_vendor(struct vus_cfg *c, const void *body, uint8_t len,
		       vus_cfg_access_fn *fn, void *opaque, uint8_t *pos);

/*
 * vus_cfg_find_cap - the offset of the first capability @id after
 * @from (0: from the start) in the chain. Returns the offset or -ENOENT.
 * Stops after 48 links, so a broken chain cannot loop.
 */
int vus_cfg_find_cap(struct vus_cfg *c, uint8_t id, uint8_t from);

/*
 * vus_cfg_read / vus_cfg_write - an access of @len bytes at @offset, as
 * REGION_READ/WRITE of the config region bring it: any length and
 * alignment. Writes go through the masks (read-only bits unchanged,
 * RW1C bits cleared by ones); bytes of a vendor capability with a
 * callback go to it. Returns 0, -EINVAL when the access does not fit in
 * config space, or a callback's error.
 */
int vus_cfg_read(struct vus_cfg *c, uint32_t offset, void *buf, uint32_t len);
int vus_cfg_write(struct vus_cfg *c, uint32_t offset, const void *buf,
		  uint32_t len);

/* The status register's Interrupt Status bit (INTx asserted). */
void vus_cfg_set_intx_status(struct vus_cfg *c, bool asserted);

/* The little-endian 16-bit register at @offset (locked read). */
uint16_t vus_cfg_get16(struct vus_cfg *c, uint32_t offset);

#endif
